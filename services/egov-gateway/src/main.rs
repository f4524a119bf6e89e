//! The egov-gateway service as its own process (port in `egov_gateway::DEFAULT_LISTEN`).

fn main() -> std::process::ExitCode {
    platform::run("egov-gateway", egov_gateway::DEFAULT_LISTEN, egov_gateway::register)
}
