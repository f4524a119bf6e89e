//! The contract's conventions (DESIGN.md "Contracts"), checked over the descriptor set that
//! reflection serves, since buf's lint has no rules for them: times are
//! `google.protobuf.Timestamp` named `*_time`, and every file names its package for Java, C#,
//! Go and PHP.

use prost::Message;
use prost_types::field_descriptor_proto::Type;
use prost_types::{DescriptorProto, FileDescriptorProto, FileDescriptorSet};

fn contract_files() -> Vec<FileDescriptorProto> {
    let set = FileDescriptorSet::decode(super::FILE_DESCRIPTOR_SET).unwrap();
    set.file.into_iter().filter(|f| f.package().starts_with("kz.")).collect()
}

/// Every message of `file` with its full name, nested ones included.
fn messages(file: &FileDescriptorProto) -> Vec<(String, DescriptorProto)> {
    fn walk(prefix: &str, m: &DescriptorProto, out: &mut Vec<(String, DescriptorProto)>) {
        let name = format!("{prefix}.{}", m.name());
        for nested in &m.nested_type {
            walk(&name, nested, out);
        }
        out.push((name, m.clone()));
    }
    let mut out = Vec::new();
    for m in &file.message_type {
        walk(file.package(), m, &mut out);
    }
    out
}

#[test]
fn every_timestamp_is_named_time_and_every_time_is_a_timestamp() {
    let mut wrong = Vec::new();
    for file in contract_files() {
        for (message, m) in messages(&file) {
            for f in &m.field {
                let timestamp = f.r#type() == Type::Message && f.type_name() == ".google.protobuf.Timestamp";
                let named = f.name() == "time" || f.name().ends_with("_time");
                if timestamp != named {
                    wrong.push(format!("{message}.{}", f.name()));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "Timestamps are named *_time, and only they: {wrong:#?}");
}

#[test]
fn every_file_names_its_package_for_java_csharp_go_and_php() {
    for file in contract_files() {
        let o = file.options.clone().unwrap_or_default();
        let package = file.package();
        assert_eq!(o.java_package(), package, "{}", file.name());
        assert!(o.java_multiple_files(), "{}", file.name());
        let pascal: Vec<String> = package
            .split('.')
            .map(
                |p| if p.starts_with('v') && p[1..].parse::<u32>().is_ok() { p.to_uppercase() } else { capitalized(p) },
            )
            .collect();
        assert_eq!(o.csharp_namespace(), pascal.join("."), "{}", file.name());
        assert_eq!(o.php_namespace(), pascal.join("\\"), "{}", file.name());
        let parts: Vec<&str> = package.split('.').collect();
        let go = format!("/{};{}{}", parts.join("/"), parts[parts.len() - 2], parts[parts.len() - 1]);
        assert!(o.go_package().ends_with(&go), "{}: {}", file.name(), o.go_package());
    }
}

#[test]
fn units_are_named_by_what_a_field_holds() {
    // `area_decimetres` held tenths of a square metre; areas are `*_m2_tenths` now.
    for file in contract_files() {
        for (message, m) in messages(&file) {
            for f in &m.field {
                assert!(!f.name().ends_with("_decimetres"), "{message}.{}", f.name());
            }
        }
    }
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
