//! `cargo run --release -p suite`: the whole suite on the embedded defaults.

fn main() -> std::process::ExitCode {
    platform::run("suite", suite::DEFAULT_LISTEN, suite::register)
}
