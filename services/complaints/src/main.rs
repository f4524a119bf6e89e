//! The complaints service as its own process (port in `complaints::DEFAULT_LISTEN`).

fn main() -> std::process::ExitCode {
    platform::run("complaints", complaints::DEFAULT_LISTEN, complaints::register)
}
