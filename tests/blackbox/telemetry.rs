//! With `OTEL_EXPORTER_OTLP_ENDPOINT` set, every call's span reaches the collector over
//! OTLP/gRPC, named `rpc` with the method; the exporter flushes when the server stops.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{TraceService, TraceServiceServer};
use opentelemetry_proto::tonic::collector::trace::v1::{ExportTraceServiceRequest, ExportTraceServiceResponse};
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use proto::housing::ops::v1::GetTimeRequest;
use proto::housing::ops::v1::clock_service_client::ClockServiceClient;
use tokio::net::TcpListener;

use crate::helpers::spawn_suite;

/// A collector that keeps (span name, rpc.method) of every span it is sent.
#[derive(Clone, Default)]
struct Collector(Arc<Mutex<Vec<(String, String)>>>);

#[tonic::async_trait]
impl TraceService for Collector {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        let mut seen = self.0.lock().unwrap();
        for resource in request.into_inner().resource_spans {
            for scope in resource.scope_spans {
                for span in scope.spans {
                    let method = span
                        .attributes
                        .iter()
                        .find(|a| a.key == "rpc.method")
                        .and_then(|a| a.value.as_ref()?.value.as_ref())
                        .map(|v| match v {
                            Value::StringValue(s) => s.clone(),
                            other => format!("{other:?}"),
                        })
                        .unwrap_or_default();
                    seen.push((span.name, method));
                }
            }
        }
        Ok(tonic::Response::new(ExportTraceServiceResponse { partial_success: None }))
    }
}

#[tokio::test]
async fn traces_reach_the_otlp_collector_when_an_endpoint_is_set() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let collector = Collector::default();
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(TraceServiceServer::new(collector.clone()))
            .serve_with_incoming(tonic::transport::server::TcpIncoming::from(listener)),
    );
    let mut suite = spawn_suite(&[("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint), ("SHANYRAQ_DRAIN_TIMEOUT", "2s")]).await;
    ClockServiceClient::new(suite.channel.clone()).get_time(GetTimeRequest {}).await.unwrap();

    // Stopping flushes the exporter.
    let pid = suite.child.id().to_string();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let started = std::time::Instant::now();
    while suite.child.try_wait().unwrap().is_none() {
        assert!(started.elapsed() < Duration::from_secs(20), "the suite did not stop");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let seen = collector.0.lock().unwrap().clone();
    assert!(
        seen.iter().any(|(name, method)| name == "rpc" && method == "/kz.housing.ops.v1.ClockService/GetTime"),
        "spans seen: {seen:?}"
    );
}
