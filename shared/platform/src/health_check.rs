//! `<binary> health [--addr ADDR]`: a gRPC health check of a running server, for compose's
//! health checks and images without a shell. It asks the whole server (`""`) and exits 0 when
//! SERVING, 1 when it answers otherwise or not at all, 2 on bad arguments.

use std::process::ExitCode;
use std::time::Duration;

/// How long the check waits for an answer.
const TIMEOUT: Duration = Duration::from_secs(3);

/// Runs the check. Without `--addr` it asks the plaintext probe port when one is configured
/// (`SHANYRAQ_HEALTH_LISTEN`, as in `mtls`), else `SHANYRAQ_LISTEN`, else the binary's default.
pub fn run(args: &[String], default_listen: &str) -> ExitCode {
    let addr = match args {
        [] => std::env::var("SHANYRAQ_HEALTH_LISTEN")
            .or_else(|_| std::env::var("SHANYRAQ_LISTEN"))
            .unwrap_or_else(|_| default_listen.to_owned()),
        [flag, addr] if flag == "--addr" => addr.clone(),
        _ => {
            eprintln!("usage: health [--addr HOST:PORT]");
            return ExitCode::from(2);
        }
    };
    // A server bound to every address is reached on loopback.
    let addr = addr.replace("0.0.0.0", "127.0.0.1");
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("runtime: {e}");
            return ExitCode::from(2);
        }
    };
    runtime.block_on(async move {
        let check = async {
            let channel = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
                .map_err(|e| e.to_string())?
                .connect()
                .await
                .map_err(|e| e.to_string())?;
            let mut client = tonic_health::pb::health_client::HealthClient::new(channel);
            let answer = client
                .check(tonic_health::pb::HealthCheckRequest { service: String::new() })
                .await
                .map_err(|s| format!("{}: {}", s.code(), s.message()))?;
            Ok::<_, String>(answer.into_inner().status())
        };
        match tokio::time::timeout(TIMEOUT, check).await {
            Ok(Ok(tonic_health::pb::health_check_response::ServingStatus::Serving)) => {
                println!("{addr}: SERVING");
                ExitCode::SUCCESS
            }
            Ok(Ok(status)) => {
                println!("{addr}: {}", status.as_str_name());
                ExitCode::from(1)
            }
            Ok(Err(e)) => {
                println!("{addr}: {e}");
                ExitCode::from(1)
            }
            Err(_) => {
                println!("{addr}: no answer within {} s", TIMEOUT.as_secs());
                ExitCode::from(1)
            }
        }
    })
}
