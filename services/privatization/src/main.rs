//! The privatization service as its own process (port in `privatization::DEFAULT_LISTEN`).

fn main() -> std::process::ExitCode {
    platform::run("privatization", privatization::DEFAULT_LISTEN, privatization::register)
}
