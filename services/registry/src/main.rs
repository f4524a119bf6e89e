//! The registry service as its own process (port in `registry::DEFAULT_LISTEN`).

fn main() -> std::process::ExitCode {
    platform::run("registry", registry::DEFAULT_LISTEN, registry::register)
}
