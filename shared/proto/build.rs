//! Compiles `proto/` with protox (no `protoc` on the machine) and keeps source info in the
//! descriptor set, so that reflection shows every comment to `grpcurl describe`.

use std::path::{Path, PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../proto");
    let root = root.canonicalize()?;
    let mut files = Vec::new();
    collect_protos(&root, &mut files)?;
    files.sort();

    let mut compiler = protox::Compiler::new([&root])?;
    // protox turns both off by default: without them reflection has no comments and the
    // descriptor set misses the well-known types it imports.
    compiler.include_source_info(true).include_imports(true);
    compiler.open_files(files.iter().map(|f| f.strip_prefix(&root).unwrap_or(f)))?;
    let descriptors = compiler.file_descriptor_set();

    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(out_dir.join("shanyraq_descriptor.bin"), compiler.encode_file_descriptor_set())?;

    tonic_prost_build::configure().build_client(true).build_server(true).compile_fds(descriptors)?;

    // compile_fds prints no rerun-if-changed of its own. The paths are relative to this
    // package: absolute ones would tie a shared build cache to one checkout's files, and another
    // checkout with other contracts would reuse stale generated code.
    let relative = Path::new("../../proto");
    println!("cargo:rerun-if-changed={}", relative.display());
    for file in &files {
        println!("cargo:rerun-if-changed={}", relative.join(file.strip_prefix(&root).unwrap_or(file)).display());
    }
    Ok(())
}

fn collect_protos(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_protos(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "proto") {
            out.push(path);
        }
    }
    Ok(())
}
