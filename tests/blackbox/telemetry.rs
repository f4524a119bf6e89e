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

/// The `rpc.method` attribute among `attributes`, empty when there is none.
fn rpc_method(attributes: &[opentelemetry_proto::tonic::common::v1::KeyValue]) -> String {
    attribute(attributes, "rpc.method")
}

/// The attribute `key` among `attributes`, empty when there is none.
fn attribute(attributes: &[opentelemetry_proto::tonic::common::v1::KeyValue], key: &str) -> String {
    attributes
        .iter()
        .find(|a| a.key == key)
        .and_then(|a| a.value.as_ref()?.value.as_ref())
        .map(|v| match v {
            Value::StringValue(s) => s.clone(),
            other => format!("{other:?}"),
        })
        .unwrap_or_default()
}

/// A span as the collector keeps it.
#[derive(Debug, Clone)]
struct Seen {
    name: String,
    method: String,
    trace_id: Vec<u8>,
    span_id: Vec<u8>,
    parent_span_id: Vec<u8>,
}

/// A metric's data point as the collector keeps it.
#[derive(Debug, Clone)]
struct Point {
    name: String,
    attributes: Vec<opentelemetry_proto::tonic::common::v1::KeyValue>,
    /// A gauge's value; zero for other kinds.
    value: f64,
}

impl Point {
    fn method(&self) -> String {
        rpc_method(&self.attributes)
    }
}

/// A collector that keeps every span and every metric data point it is sent.
#[derive(Clone, Default)]
struct Collector(Arc<Mutex<Vec<Seen>>>, Arc<Mutex<Vec<Point>>>);

#[tonic::async_trait]
impl opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_server::MetricsService for Collector {
    async fn export(
        &self,
        request: tonic::Request<opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest>,
    ) -> Result<
        tonic::Response<opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceResponse>,
        tonic::Status,
    > {
        use opentelemetry_proto::tonic::metrics::v1::metric::Data;
        let mut seen = self.1.lock().unwrap();
        for resource in request.into_inner().resource_metrics {
            for scope in resource.scope_metrics {
                for metric in scope.metrics {
                    use opentelemetry_proto::tonic::metrics::v1::number_data_point::Value as Number;
                    let gauge = |p: &opentelemetry_proto::tonic::metrics::v1::NumberDataPoint| match p.value {
                        Some(Number::AsDouble(v)) => v,
                        Some(Number::AsInt(v)) => v as f64,
                        None => 0.0,
                    };
                    let points: Vec<(Vec<opentelemetry_proto::tonic::common::v1::KeyValue>, f64)> = match &metric.data {
                        Some(Data::Histogram(h)) => h.data_points.iter().map(|p| (p.attributes.clone(), 0.0)).collect(),
                        Some(Data::Gauge(g)) => {
                            g.data_points.iter().map(|p| (p.attributes.clone(), gauge(p))).collect()
                        }
                        Some(Data::Sum(s)) => s.data_points.iter().map(|p| (p.attributes.clone(), gauge(p))).collect(),
                        _ => Vec::new(),
                    };
                    for (attributes, value) in points {
                        seen.push(Point { name: metric.name.clone(), attributes, value });
                    }
                }
            }
        }
        Ok(tonic::Response::new(opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceResponse {
            partial_success: None,
        }))
    }
}

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
                    let method = rpc_method(&span.attributes);
                    seen.push(Seen {
                        name: span.name,
                        method,
                        trace_id: span.trace_id,
                        span_id: span.span_id,
                        parent_span_id: span.parent_span_id,
                    });
                }
            }
        }
        Ok(tonic::Response::new(ExportTraceServiceResponse { partial_success: None }))
    }
}

/// Starts a collector; answers its endpoint.
async fn collector() -> (String, Collector) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let collector = Collector::default();
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(TraceServiceServer::new(collector.clone()))
            .add_service(
                opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_server::MetricsServiceServer::new(
                    collector.clone(),
                ),
            )
            .serve_with_incoming(tonic::transport::server::TcpIncoming::from(listener)),
    );
    (endpoint, collector)
}

/// Stops the suite with SIGTERM, which flushes the exporter.
async fn stop(suite: &mut crate::helpers::Suite) {
    let pid = suite.child.id().to_string();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let started = std::time::Instant::now();
    while suite.child.try_wait().unwrap().is_none() {
        assert!(started.elapsed() < Duration::from_secs(20), "the suite did not stop");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn traces_reach_the_otlp_collector_when_an_endpoint_is_set() {
    let (endpoint, collector) = collector().await;
    let mut suite = spawn_suite(&[("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint), ("SHANYRAQ_DRAIN_TIMEOUT", "2s")]).await;
    ClockServiceClient::new(suite.channel.clone()).get_time(GetTimeRequest {}).await.unwrap();
    stop(&mut suite).await;
    let seen = collector.0.lock().unwrap().clone();
    assert!(
        seen.iter().any(|s| s.name == "rpc" && s.method == "/kz.housing.ops.v1.ClockService/GetTime"),
        "spans seen: {seen:?}"
    );
}

/// One trace: the registry's `CreateApplication` is the parent of its gateway reads and of its
/// transaction, and its outbox deliveries join the same trace later.
#[tokio::test]
async fn one_trace_follows_an_enrolment_through_its_gateway_reads_its_transaction_and_its_deliveries() {
    use proto::egov::gateway::v1 as gw;
    let (endpoint, collector) = collector().await;
    let mut suite = spawn_suite(&[("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint), ("SHANYRAQ_DRAIN_TIMEOUT", "2s")]).await;
    let ch = &suite.channel;
    let who = crate::kit::iin("1992-06-06", 2);
    crate::kit::load(
        ch,
        gw::LoadRecordsRequest {
            persons: vec![crate::kit::citizen(&who)],
            consents: vec![crate::kit::consent(&who, "registry")],
            ..Default::default()
        },
    )
    .await;
    crate::kit::at(ch, "2026-04-15T10:00").await;
    crate::kit::enrol(ch, &who, "751110000").await;
    tokio::time::sleep(Duration::from_millis(1500)).await; // the outbox delivers
    stop(&mut suite).await;

    let seen = collector.0.lock().unwrap().clone();
    let create = "/kz.housing.registry.v1.RegistryService/CreateApplication";
    // The filing (not the validate_only call): the one with a transaction below it.
    let filing = seen
        .iter()
        .filter(|s| s.name == "rpc" && s.method == create)
        .find(|c| seen.iter().any(|t| t.name == "db transaction" && t.parent_span_id == c.span_id))
        .unwrap_or_else(|| panic!("a CreateApplication span with its transaction: {seen:#?}"));
    let children: Vec<&Seen> = seen.iter().filter(|s| s.parent_span_id == filing.span_id).collect();
    let gateway_reads: Vec<&&Seen> =
        children.iter().filter(|s| s.name == "rpc" && s.method.starts_with("/kz.egov.gateway.v1.")).collect();
    assert!(gateway_reads.len() >= 3, "the gateway's spans are children of the filing: {children:#?}");
    assert!(children.iter().all(|s| s.trace_id == filing.trace_id));
    let deliveries: Vec<&Seen> =
        seen.iter().filter(|s| s.name == "outbox delivery" && s.trace_id == filing.trace_id).collect();
    assert!(!deliveries.is_empty(), "the outbox deliveries join the filing's trace: {seen:#?}");

    // The metrics went out at shutdown: the call duration of the filing, the transactions, the
    // gateway's calls and the stores' gauges.
    let metrics = collector.1.lock().unwrap().clone();
    assert!(metrics.iter().any(|p| p.name == "rpc.server.call.duration" && p.method() == create), "{metrics:?}");
    for name in ["db.client.operation.duration", "shanyraq.gateway.calls", "shanyraq.outbox.backlog", "shanyraq.cases"]
    {
        assert!(metrics.iter().any(|p| p.name == name), "{name} in {metrics:?}");
    }
    for p in &metrics {
        assert!(
            platform::metrics::NAMES.contains(&p.name.as_str()),
            "{} is listed in platform::metrics::NAMES",
            p.name
        );
    }
}

/// An emergency-dwelling application waits for its official; once the suite's clock passes its
/// deadline (Annex 2 row 4(2): three working days), `shanyraq.deadlines.breached` counts it
/// under its store and stage, and an enrolled case (a closed stage) never counts.
#[tokio::test]
async fn a_case_past_its_deadline_is_counted_as_breached() {
    use proto::egov::gateway::v1 as gw;
    use proto::housing::common::v1 as common;
    use proto::housing::registry::v1 as pb;
    let (endpoint, collector) = collector().await;
    let mut suite = spawn_suite(&[("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint), ("SHANYRAQ_DRAIN_TIMEOUT", "2s")]).await;
    let ch = &suite.channel;
    let (waiting, enrolled) = (crate::kit::iin("1983-03-03", 4), crate::kit::iin("1983-03-04", 4));
    crate::kit::load(
        ch,
        gw::LoadRecordsRequest {
            persons: vec![crate::kit::citizen(&waiting), crate::kit::citizen(&enrolled)],
            consents: vec![crate::kit::consent(&waiting, "registry"), crate::kit::consent(&enrolled, "registry")],
            ..Default::default()
        },
    )
    .await;
    crate::kit::at(ch, "2026-04-15T10:00").await;
    crate::kit::enrol(ch, &enrolled, "751110000").await;
    let mut r = pb::CreateApplicationRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        validate_only: true,
        applicant: Some(common::PersonRef { iin: waiting.clone() }),
        case_kind: pb::EnrolmentCase::EmergencyOnlyDwelling as i32,
        settlement_kato: "751110000".into(),
        list_category: "GENERAL".into(),
        documents: vec![crate::kit::document("EXPERT_TECHNICAL_CONCLUSION")],
        ..Default::default()
    };
    let client = || pb::registry_service_client::RegistryServiceClient::new(ch.clone());
    let digest = client().create_application(r.clone()).await.unwrap().into_inner().signing_digest;
    r.validate_only = false;
    r.confirmations = vec![crate::kit::eds(ch, &waiting, &digest).await];
    let app = client().create_application(r).await.unwrap().into_inner().application.unwrap();
    assert_ne!(app.stage, pb::ApplicationStage::Enrolled as i32, "the emergency case waits for its official");
    crate::kit::at(ch, "2026-05-15T10:00").await;
    tokio::time::sleep(Duration::from_millis(500)).await; // the sweeper moves it to review
    stop(&mut suite).await; // the stores are read once more at shutdown

    let metrics = collector.1.lock().unwrap().clone();
    let breached: Vec<&Point> =
        metrics.iter().filter(|p| p.name == "shanyraq.deadlines.breached" && p.value > 0.0).collect();
    let registry: Vec<(String, f64)> = breached
        .iter()
        .filter(|p| attribute(&p.attributes, "store") == "registry")
        .map(|p| (attribute(&p.attributes, "stage"), p.value))
        .collect();
    assert!(!registry.is_empty(), "the waiting case is breached: {metrics:#?}");
    assert!(registry.iter().all(|(stage, n)| stage != "ENROLLED" && *n == 1.0), "{registry:?}");
}
