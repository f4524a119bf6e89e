//! The rent-subsidy service as its own process (port in `rent_subsidy::DEFAULT_LISTEN`).

fn main() -> std::process::ExitCode {
    platform::run("rent-subsidy", rent_subsidy::DEFAULT_LISTEN, rent_subsidy::register)
}
