//! `cargo run --release -p suite`: the whole suite on the embedded defaults; `suite certs` and
//! `suite token` make development certificates and tokens (README "Security").

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    suite::cli::run(&args).unwrap_or_else(|| platform::run("suite", suite::DEFAULT_LISTEN, suite::register))
}
