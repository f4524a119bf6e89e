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
    Running { channel, gate, entered, _stop: stop }
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
    assert_eq!(status.code(), Code::OutOfRange, "{status:?}");
    // Below the limit the same method answers.
    let small = call(&server.channel, "/kz.housing.ops.v1.ClockService/GetTime", Vec::new(), None).await;
    assert!(small.is_ok(), "{small:?}");
}
