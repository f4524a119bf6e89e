//! The one tower layer every call passes through, so that no handler repeats it: it reads the
//! [`Principal`], checks the caller table, opens the call's tracing span (joining the caller's
//! W3C trace context), stamps the response with the clock's reading and logs the outcome.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use http::{HeaderMap, HeaderValue, Request, Response};
use tonic::Status;
use tower_layer::Layer;
use tower_service::Service;
use tracing::Instrument;

use crate::clock::Clock;
use crate::config::Profile;
use crate::principal::{CallerTable, Principal};

/// The response header that tells the instant the server's clock read when the call began,
/// in Kazakhstan's time: with a movable clock, a caller can see which "now" a decision used.
pub const CLOCK_HEADER: &str = "x-shanyraq-now";

/// The gateway's package: its calls name the subsystem in the envelope (`x-egov-client`).
const GATEWAY_PREFIX: &str = "/kz.egov.gateway.";

/// Builds [`RpcService`]s.
#[derive(Debug, Clone)]
pub struct RpcLayer {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    profile: Profile,
    callers: CallerTable,
    clock: Clock,
}

impl RpcLayer {
    /// A layer for one server.
    pub fn new(profile: Profile, callers: CallerTable, clock: Clock) -> Self {
        RpcLayer { shared: Arc::new(Shared { profile, callers, clock }) }
    }
}

impl<S> Layer<S> for RpcLayer {
    type Service = RpcService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RpcService { inner, shared: self.shared.clone() }
    }
}

/// See [`RpcLayer`].
#[derive(Debug, Clone)]
pub struct RpcService<S> {
    inner: S,
    shared: Arc<Shared>,
}

impl<S, B, ResBody> Service<Request<B>> for RpcService<S>
where
    S: Service<Request<B>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
    ResBody: Default + Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        // The clone takes the readiness of `self.inner` along (tower's usual swap).
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let shared = self.shared.clone();
        let started = Instant::now();
        let now = HeaderValue::from_str(&shared.clock.now_local().to_rfc3339()).ok();
        let path = request.uri().path().to_owned();

        // Health and reflection are open to all (a kubelet's probe carries no identity);
        // every method of a governed service needs an admitted principal.
        let admitted = if shared.callers.governs(&path) {
            Principal::from_headers(request.headers(), path.starts_with(GATEWAY_PREFIX), shared.profile).and_then(
                |principal| shared.callers.authorize(&path, &principal, shared.profile).map(|()| Some(principal)),
            )
        } else {
            Ok(None)
        };
        let span = tracing::info_span!(
            "rpc",
            rpc.method = %path,
            caller = tracing::field::Empty,
            otel.kind = "server",
        );
        join_remote_trace(&span, request.headers());

        Box::pin(
            async move {
                let mut response = match admitted {
                    Ok(principal) => {
                        if let Some(principal) = principal {
                            tracing::Span::current().record("caller", principal.subsystem.as_str());
                            request.extensions_mut().insert(principal);
                        }
                        inner.call(request).await?
                    }
                    Err(refusal) => Status::from(refusal).into_http::<ResBody>(),
                };
                if let Some(now) = now {
                    response.headers_mut().insert(CLOCK_HEADER, now);
                }
                let status = response.headers().get("grpc-status").and_then(|v| v.to_str().ok()).unwrap_or("0");
                tracing::info!(grpc.status = status, elapsed_us = started.elapsed().as_micros() as u64, "rpc answered");
                Ok(response)
            }
            .instrument(span),
        )
    }
}

/// Makes the call's span a child of the caller's trace, when a `traceparent` came along.
fn join_remote_trace(span: &tracing::Span, headers: &HeaderMap) {
    use opentelemetry::propagation::TextMapPropagator;
    use tracing_opentelemetry::OpenTelemetrySpanExt;
    if !headers.contains_key("traceparent") {
        return;
    }
    let parent = opentelemetry_sdk::propagation::TraceContextPropagator::new().extract(&HeaderExtractor(headers));
    // Without an OpenTelemetry layer installed there is nothing to join: that is fine.
    let _ = span.set_parent(parent);
}

struct HeaderExtractor<'a>(&'a HeaderMap);

impl opentelemetry::propagation::Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|k| k.as_str()).collect()
    }
}
