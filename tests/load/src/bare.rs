//! A bare tonic server serving `grpc.health.v1` alone, with tonic's defaults and nothing of the
//! suite's: the framework's floor on this machine, for the ratios the benchmarks report.

use std::process::ExitCode;

/// Serves until killed.
pub fn serve(addr: &str) -> ExitCode {
    let addr: std::net::SocketAddr = match addr.parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("bare-server {addr:?}: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match crate::runtime() {
        Ok(r) => r,
        Err(code) => return code,
    };
    runtime.block_on(async move {
        let (_reporter, health) = tonic_health::server::health_reporter();
        eprintln!("bare tonic health server on {addr}");
        match tonic::transport::Server::builder().add_service(health).serve(addr).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("bare-server: {e}");
                ExitCode::FAILURE
            }
        }
    })
}
