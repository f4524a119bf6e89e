//! The server's limits, served in-process on port 0: the caller's `grpc-timeout`, shedding
//! beyond the concurrency limit, and the decoding limit.
#![allow(clippy::unwrap_used)]

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use platform::{Clock, Config, ServerContext};
use tokio::net::TcpListener;
use tokio::sync::{Notify, mpsc, oneshot};
use tonic::body::Body;
use tonic::codegen::http::uri::PathAndQuery;
use tonic::server::NamedService;
use tonic::transport::{Channel, Endpoint};
use tonic::{Code, Request, Status};
use tonic_types::StatusExt as _;

/// A service whose every call says it has entered, then waits until the test opens the gate.
#[derive(Clone)]
struct Gated {
    gate: Arc<Notify>,
    entered: mpsc::UnboundedSender<()>,
}

impl NamedService for Gated {
    const NAME: &'static str = "test.v1.GatedService";
}

impl tower_service::Service<http::Request<Body>> for Gated {
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: http::Request<Body>) -> Self::Future {
        let gate = self.gate.clone();
        let _ = self.entered.send(());
        Box::pin(async move {
            gate.notified().await;
            Ok(Status::ok("").into_http())
        })
    }
}

struct Running {
    channel: Channel,
    addr: std::net::SocketAddr,
    gate: Arc<Notify>,
    entered: mpsc::UnboundedReceiver<()>,
    _stop: oneshot::Sender<()>,
}

async fn start(settings: &[(&str, &str)]) -> Running {
    let settings: Vec<(String, String)> = settings.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect();
    let config = Config::from_lookup("test", "127.0.0.1:0".parse().unwrap(), |key| {
        settings.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
    })
    .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let gate = Arc::new(Notify::new());
    let (stop, stopped) = oneshot::channel::<()>();
    let ctx = ServerContext::new(config, Clock::system()).unwrap();
    let (entered_tx, entered) = mpsc::unbounded_channel();
    let service = Gated { gate: gate.clone(), entered: entered_tx };
    tokio::spawn(platform::serve(
        ctx,
        async move |_: &ServerContext, services: &mut platform::ServiceSet| {
            services.add(service).method("Wait", &[platform::Allow::DevOnly]);
            Ok(())
        },
        listener,
        async move {
            let _ = stopped.await;
        },
    ));
    let channel = Endpoint::from_shared(format!("http://{addr}")).unwrap().connect().await.unwrap();
    Running { channel, addr, gate, entered, _stop: stop }
}

async fn call(channel: &Channel, path: &str, body: Vec<u8>, timeout: Option<Duration>) -> Result<(), Status> {
    let mut grpc = tonic::client::Grpc::new(channel.clone());
    grpc.ready().await.unwrap();
    let mut request = Request::new(body);
    if let Some(timeout) = timeout {
        request.set_timeout(timeout);
    }
    let codec = tonic_prost::ProstCodec::<Vec<u8>, ()>::default();
    grpc.unary(request, PathAndQuery::from_str(path).unwrap(), codec).await.map(|_| ())
}

#[tokio::test]
async fn the_callers_grpc_timeout_is_honoured() {
    let server = start(&[]).await;
    let status = call(&server.channel, "/test.v1.GatedService/Wait", Vec::new(), Some(Duration::from_millis(100)))
        .await
        .unwrap_err();
    // Answered by the server as DEADLINE_EXCEEDED with its reason, not tonic's CANCELLED.
    assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
}

#[tokio::test]
async fn calls_beyond_the_concurrency_limit_are_shed_at_once() {
    let mut server = start(&[("SHANYRAQ_CONCURRENCY_LIMIT", "1")]).await;
    let channel = server.channel.clone();
    let first = tokio::spawn(async move { call(&channel, "/test.v1.GatedService/Wait", Vec::new(), None).await });
    // Once the first call holds the only slot, the second is shed at once, not queued.
    server.entered.recv().await.unwrap();
    let status = call(&server.channel, "/test.v1.GatedService/Wait", Vec::new(), Some(Duration::from_secs(20)))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::ResourceExhausted);
    assert_shed_with(&status, "CONNECTION_OVERLOADED");
    server.gate.notify_waiters();
    // The gated call answers with no message, which the client reads as an error of its own;
    // what matters is that the first call was served, not shed.
    let first = first.await.unwrap();
    assert_ne!(first.map_err(|s| s.code()).err(), Some(Code::ResourceExhausted));
}

#[tokio::test]
async fn a_message_above_the_decoding_limit_is_refused() {
    let server = start(&[("SHANYRAQ_MAX_MESSAGE_BYTES", "1024")]).await;
    let status =
        call(&server.channel, "/kz.housing.ops.v1.ClockService/GetTime", vec![7; 4096], None).await.unwrap_err();
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    let info = status.get_details_error_info().expect("ErrorInfo");
    assert_eq!(info.reason, "MESSAGE_TOO_LARGE");
    assert_eq!(info.metadata.get("limit_bytes").map(String::as_str), Some("1024"));
    // Below the limit the same method answers.
    let small = call(&server.channel, "/kz.housing.ops.v1.ClockService/GetTime", Vec::new(), None).await;
    assert!(small.is_ok(), "{small:?}");
}

/// A shed call says which limit shed it and when to try again.
fn assert_shed_with(status: &Status, reason: &str) {
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    assert_eq!(status.get_details_error_info().expect("ErrorInfo").reason, reason);
    let retry = status.get_details_retry_info().expect("RetryInfo");
    assert_eq!(retry.retry_delay, Some(platform::admission::RETRY_AFTER_SHED));
}

#[tokio::test]
async fn the_limit_over_all_connections_sheds_calls_from_a_new_connection_too() {
    let mut server = start(&[("SHANYRAQ_CALLS_IN_FLIGHT", "1")]).await;
    let channel = server.channel.clone();
    let first = tokio::spawn(async move { call(&channel, "/test.v1.GatedService/Wait", Vec::new(), None).await });
    server.entered.recv().await.unwrap();
    // A second connection does not get around the limit.
    let other = Endpoint::from_shared(server_url(&server)).unwrap().connect().await.unwrap();
    let status = call(&other, "/test.v1.GatedService/Wait", Vec::new(), None).await.unwrap_err();
    assert_shed_with(&status, "SERVER_OVERLOADED");
    // Health is never shed, and another service keeps its own count.
    let health = call(&other, "/grpc.health.v1.Health/Check", Vec::new(), None).await;
    assert_ne!(health.map_err(|s| s.code()).err(), Some(Code::ResourceExhausted));
    let clock = call(&other, "/kz.housing.ops.v1.ClockService/GetTime", Vec::new(), None).await;
    assert!(clock.is_ok(), "{clock:?}");
    server.gate.notify_waiters();
    let _ = first.await.unwrap();
    // Once the first call is answered its place is free again.
    let again = call(&other, "/kz.housing.ops.v1.ClockService/GetTime", Vec::new(), None).await;
    assert!(again.is_ok(), "{again:?}");
}

#[tokio::test]
async fn metadata_above_16_kib_is_refused_by_the_server_with_its_reason() {
    let server = start(&[]).await;
    let mut grpc = tonic::client::Grpc::new(server.channel.clone());
    grpc.ready().await.unwrap();
    let mut request = Request::new(Vec::<u8>::new());
    let big = tonic::metadata::MetadataValue::try_from("a".repeat(20 * 1024)).unwrap();
    request.metadata_mut().insert("x-padding", big);
    let codec = tonic_prost::ProstCodec::<Vec<u8>, ()>::default();
    let status = grpc
        .unary(request, PathAndQuery::from_static("/kz.housing.ops.v1.ClockService/GetTime"), codec)
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    let info = status.get_details_error_info().expect("ErrorInfo");
    assert_eq!(info.reason, "METADATA_TOO_LARGE");
    assert_eq!(info.metadata.get("limit_bytes").map(String::as_str), Some("16384"));
}

#[tokio::test]
async fn a_bad_compression_flag_is_the_clients_error() {
    let server = start(&[]).await;
    // A frame whose compression flag is 7: no gRPC client sends it, a hostile one may.
    let frame = vec![7u8, 0, 0, 0, 0];
    let status = raw_call(&server, "/kz.housing.ops.v1.ClockService/GetTime", frame).await;
    assert_eq!(status, ("3".to_owned(), true), "INVALID_ARGUMENT with details");
}

fn server_url(server: &Running) -> String {
    format!("http://{}", server.addr)
}

/// Sends `body` as the request's bytes, framing and all, and answers the `grpc-status` and
/// whether the answer carried `grpc-status-details-bin`.
async fn raw_call(server: &Running, path: &str, body: Vec<u8>) -> (String, bool) {
    let stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http2::handshake(
        hyper_util::rt::TokioExecutor::new(),
        hyper_util::rt::TokioIo::new(stream),
    )
    .await
    .unwrap();
    tokio::spawn(connection);
    let request = http::Request::post(format!("http://{}{path}", server.addr))
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .body(http_body_util::Full::new(bytes::Bytes::from(body)))
        .unwrap();
    let response = sender.send_request(request).await.unwrap();
    let headers = response.headers().clone();
    let collected = http_body_util::BodyExt::collect(response.into_body()).await.unwrap();
    let trailers = collected.trailers().cloned().unwrap_or_default();
    let all = |name: &str| headers.get(name).or_else(|| trailers.get(name)).cloned();
    let status = all("grpc-status").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (status, all("grpc-status-details-bin").is_some())
}
