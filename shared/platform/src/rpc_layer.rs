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

use crate::admission::{Admission, Admitted};
use crate::clock::Clock;
use crate::error::ApiError;
use crate::identity::{Identity, IdentityMode};
use crate::principal::{CallerTable, Principal};
use crate::refusal_audit::{Refusal, RefusalAudit};

/// The response header that tells the instant the server's clock read when the call began,
/// in Kazakhstan's time: with a movable clock, a caller can see which "now" a decision used.
pub const CLOCK_HEADER: &str = "x-shanyraq-now";

/// Reflection: outside `dev` it needs a proven caller, though no caller table names it.
const REFLECTION_PREFIX: &str = "/grpc.reflection.";

tokio::task_local! {
    /// When the call being served must be answered: the caller's `grpc-timeout` or the server's
    /// limit, whichever comes first. Outgoing calls made while serving it pass the rest on.
    static DEADLINE: Instant;
}

/// The time left of the call being served, less `margin` (what the answer needs to travel
/// back); `None` outside a call.
pub fn remaining(margin: std::time::Duration) -> Option<std::time::Duration> {
    DEADLINE.try_with(|deadline| deadline.saturating_duration_since(Instant::now()).saturating_sub(margin)).ok()
}

/// Runs `work` within what is left of the call being served, less `margin` (for what must
/// still happen after it: a commit, the answer's way back); `None` when it did not finish in
/// time, and then it is dropped. Outside a call it runs to its end.
pub async fn within_deadline<F: Future>(margin: std::time::Duration, work: F) -> Option<F::Output> {
    match remaining(margin) {
        Some(left) => tokio::time::timeout(left, work).await.ok(),
        None => Some(work.await),
    }
}

/// What a call keeps of its deadline for its answer's way back: 2% of it, from 5 ms to 100 ms.
/// On a loaded machine an answer written 5 ms before a 5 s deadline can reach the caller after
/// its own timer has fired, which it reports as its own CANCELLED, not as our answer.
fn answer_margin(deadline: std::time::Duration) -> std::time::Duration {
    (deadline / 50).clamp(std::time::Duration::from_millis(5), std::time::Duration::from_millis(100))
}

/// Reads `grpc-timeout` (`<digits><unit>`, H M S m u n).
fn grpc_timeout(headers: &HeaderMap) -> Option<std::time::Duration> {
    let text = headers.get("grpc-timeout")?.to_str().ok()?;
    let (digits, unit) = text.split_at(text.len().checked_sub(1)?);
    let n: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => std::time::Duration::from_secs(n.saturating_mul(3600)),
        "M" => std::time::Duration::from_secs(n.saturating_mul(60)),
        "S" => std::time::Duration::from_secs(n),
        "m" => std::time::Duration::from_millis(n),
        "u" => std::time::Duration::from_micros(n),
        "n" => std::time::Duration::from_nanos(n),
        _ => return None,
    })
}

/// Builds [`RpcService`]s.
#[derive(Debug, Clone)]
pub struct RpcLayer {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    /// The longest a call may run (`SHANYRAQ_REQUEST_TIMEOUT`).
    limit: std::time::Duration,
    callers: CallerTable,
    clock: Clock,
    identity: Arc<Identity>,
    refusals: Arc<RefusalAudit>,
    admission: Admission,
}

impl RpcLayer {
    /// A layer for one server.
    pub fn new(
        callers: CallerTable,
        clock: Clock,
        identity: Arc<Identity>,
        refusals: Arc<RefusalAudit>,
        limit: std::time::Duration,
        admission: Admission,
    ) -> Self {
        RpcLayer { shared: Arc::new(Shared { limit, callers, clock, identity, refusals, admission }) }
    }
}

/// The client's address, as the transport (plain or TLS) recorded it.
fn peer<B>(request: &Request<B>) -> Option<std::net::SocketAddr> {
    let extensions = request.extensions();
    extensions
        .get::<tonic::transport::server::TcpConnectInfo>()
        .and_then(|info| info.remote_addr())
        .or_else(|| extensions.get::<crate::identity::tls::TlsPeer>().and_then(|peer| peer.remote))
}

/// Why a call was refused before its handler ran.
enum Refused {
    /// No identity was proven: logged and counted.
    Unverified(ApiError),
    /// A proven caller may not call the method: audited too.
    Verified(Box<Principal>, ApiError),
}

impl Shared {
    /// Who calls, and whether they may: health and the public methods are open to all (a
    /// kubelet's probe, a QR code's reader carry no identity); reflection needs a proven caller outside `dev`; every method of a governed
    /// service needs an admitted principal.
    fn admit<B>(&self, path: &str, request: &Request<B>) -> Result<Option<Principal>, Refused> {
        let governed = self.callers.governs(path);
        let reflection = path.starts_with(REFLECTION_PREFIX) && self.identity.mode() != IdentityMode::Dev;
        if (!governed && !reflection) || self.callers.is_public(path) {
            return Ok(None);
        }
        let principal =
            self.identity.principal(path, request.headers(), request.extensions()).map_err(Refused::Unverified)?;
        if governed {
            let profile = self.identity.profile;
            self.callers
                .authorize(path, &principal, profile)
                .map_err(|e| Refused::Verified(Box::new(principal.clone()), e))?;
        }
        Ok(Some(principal))
    }

    fn refused(&self, path: &str, refusal: Refused) -> ApiError {
        match refusal {
            Refused::Unverified(e) => {
                let total = self.identity.refused_unverified.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                tracing::warn!(reason = e.reason(), error = %e, refused_unverified_total = total, "call refused: identity not proven");
                e
            }
            Refused::Verified(principal, e) => {
                tracing::warn!(caller = principal.subsystem.as_str(), reason = e.reason(), error = %e, "call refused");
                // In `dev` nobody's identity is proven: there is no one to audit.
                if self.identity.mode() == IdentityMode::Dev {
                    return e;
                }
                self.refusals.record(Refusal {
                    principal: *principal,
                    path: path.to_owned(),
                    reason: format!("refused {}: {}", e.reason(), e),
                });
                e
            }
        }
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
    type Response = Response<Admitted<ResBody>>;
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

        // Cheap refusals first: oversized metadata, then an overload; identity only for a call
        // let in, so that a shed call is neither verified nor audited as refused.
        let gate = crate::admission::check_metadata(request.headers())
            .and_then(|()| shared.admission.admit(&path, peer(&request)))
            .map(|ticket| (ticket, shared.admit(&path, &request)));
        // A moment before the caller's own deadline, so that the answer reaches it (and before
        // tonic's own timer, which would answer CANCELLED).
        let asked = grpc_timeout(request.headers()).map_or(shared.limit, |t| t.min(shared.limit));
        let budget = asked.saturating_sub(answer_margin(asked));
        let deadline = started + budget;
        let span = tracing::info_span!(
            "rpc",
            rpc.system.name = "grpc",
            rpc.method = %path,
            caller = tracing::field::Empty,
            official = tracing::field::Empty,
            person = tracing::field::Empty,
            trace_id = tracing::field::Empty,
            span_id = tracing::field::Empty,
            otel.kind = "server",
        );
        crate::telemetry::join_remote_trace(&span, request.headers());
        // Every log line inside the call names its trace.
        if let Some((trace_id, span_id)) = crate::telemetry::ids(&span) {
            span.record("trace_id", trace_id.as_str());
            span.record("span_id", span_id.as_str());
        }

        Box::pin(
            async move {
                // A call its client cancels is dropped here before it answers: the guard logs it.
                let mut unanswered = Unanswered { started, armed: true };
                let (ticket, admitted) = match gate {
                    Ok((ticket, admitted)) => (Some(ticket), admitted.map_err(|r| shared.refused(&path, r))),
                    Err(shed) => {
                        tracing::warn!(reason = shed.reason(), error = %shed, "call shed");
                        (None, Err(shed))
                    }
                };
                let mut response = match admitted {
                    Ok(principal) => {
                        if let Some(principal) = principal {
                            let span = tracing::Span::current();
                            span.record("caller", principal.subsystem.as_str());
                            if let Some(official) = &principal.official {
                                span.record("official", official.id.as_str());
                            }
                            // The person only masked: logs and traces are read by operators.
                            if let Some(person) = &principal.user_iin {
                                span.record("person", crate::masking::mask_iin(person).as_str());
                            }
                            request.extensions_mut().insert(principal);
                        }
                        // Answered DEADLINE_EXCEEDED when the budget runs out; outgoing calls made
                        // meanwhile are given what is left (`remaining`).
                        match tokio::time::timeout_at(deadline.into(), DEADLINE.scope(deadline, inner.call(request)))
                            .await
                        {
                            Ok(response) => response?,
                            Err(_) => Status::from(crate::error::ApiError::deadline_exceeded(
                                "DEADLINE_EXCEEDED",
                                format!("not answered within {} ms", budget.as_millis()),
                            ))
                            .into_http::<ResBody>(),
                        }
                    }
                    Err(refusal) => Status::from(refusal).into_http::<ResBody>(),
                };
                if let Some(typed) = undecodable(&response).or_else(|| oversized(&response)) {
                    response = Status::from(typed).into_http::<ResBody>();
                }
                if let Some(now) = now {
                    response.headers_mut().insert(CLOCK_HEADER, now);
                }
                let status = response.headers().get("grpc-status").and_then(|v| v.to_str().ok()).unwrap_or("0");
                tracing::info!(grpc.status = status, elapsed_us = started.elapsed().as_micros() as u64, "rpc answered");
                crate::metrics::rpc_answered(&path, status_code_name(status), started.elapsed());
                unanswered.armed = false;
                Ok(response.map(|body| Admitted::new(body, ticket)))
            }
            .instrument(span),
        )
    }
}

/// A request that does not decode is the client's error, not ours: tonic answers INTERNAL
/// ("failed to decode Protobuf message: …"), which this turns into INVALID_ARGUMENT with the
/// reason `MALFORMED_REQUEST` and, where the decoder named it, the field.
fn undecodable<B>(response: &Response<B>) -> Option<crate::error::ApiError> {
    let headers = response.headers();
    if headers.get("grpc-status").and_then(|v| v.to_str().ok()) != Some("13") {
        return None;
    }
    let message = headers.get("grpc-message").and_then(|v| v.to_str().ok())?;
    let message = percent_decoded(message);
    // A frame that breaks the gRPC framing (a bad compression flag) is the client's too.
    if let Some(framing) = message.strip_prefix("protocol error: ") {
        return Some(crate::error::ApiError::invalid_argument(
            "MALFORMED_REQUEST",
            format!("the request is not a gRPC message: {framing}"),
        ));
    }
    let detail = message.strip_prefix("failed to decode Protobuf message: ")?;
    // prost names the place as `Message.field: problem`, innermost last.
    let field = detail
        .split(": ")
        .filter_map(|part| part.split_once('.').map(|(_, field)| field))
        .filter(|field| !field.is_empty() && field.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .last();
    let error = crate::error::ApiError::invalid_argument(
        "MALFORMED_REQUEST",
        format!("the request is not a message of the method's type: {detail}"),
    );
    Some(match field {
        Some(field) => error.field(field, "does not decode as the contract's type"),
        None => error,
    })
}

/// A request above the decoding limit is answered by tonic with OUT_OF_RANGE and a bare
/// message; gRPC's own code for it is RESOURCE_EXHAUSTED, given here with the limit.
fn oversized<B>(response: &Response<B>) -> Option<crate::error::ApiError> {
    let headers = response.headers();
    if headers.get("grpc-status").and_then(|v| v.to_str().ok()) != Some("11") {
        return None;
    }
    let message = percent_decoded(headers.get("grpc-message").and_then(|v| v.to_str().ok())?);
    let detail = message.strip_prefix("Error, decoded message length too large: ")?;
    let limit = detail.rsplit("the limit is: ").next().and_then(|l| l.strip_suffix(" bytes")).unwrap_or_default();
    Some(
        crate::error::ApiError::resource_exhausted(
            "MESSAGE_TOO_LARGE",
            format!("the request is larger than this server reads: {detail}"),
        )
        .meta("limit_bytes", limit),
    )
}

/// A `grpc-message` as text (it travels percent-encoded).
fn percent_decoded(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The name of a numeric gRPC status, as the semantic conventions write it (`OK`, `NOT_FOUND`).
fn status_code_name(code: &str) -> &'static str {
    match code.parse::<i32>().map(tonic::Code::from) {
        Ok(tonic::Code::Ok) => "OK",
        Ok(tonic::Code::Cancelled) => "CANCELLED",
        Ok(tonic::Code::InvalidArgument) => "INVALID_ARGUMENT",
        Ok(tonic::Code::DeadlineExceeded) => "DEADLINE_EXCEEDED",
        Ok(tonic::Code::NotFound) => "NOT_FOUND",
        Ok(tonic::Code::AlreadyExists) => "ALREADY_EXISTS",
        Ok(tonic::Code::PermissionDenied) => "PERMISSION_DENIED",
        Ok(tonic::Code::ResourceExhausted) => "RESOURCE_EXHAUSTED",
        Ok(tonic::Code::FailedPrecondition) => "FAILED_PRECONDITION",
        Ok(tonic::Code::Aborted) => "ABORTED",
        Ok(tonic::Code::OutOfRange) => "OUT_OF_RANGE",
        Ok(tonic::Code::Unimplemented) => "UNIMPLEMENTED",
        Ok(tonic::Code::Internal) => "INTERNAL",
        Ok(tonic::Code::Unavailable) => "UNAVAILABLE",
        Ok(tonic::Code::DataLoss) => "DATA_LOSS",
        Ok(tonic::Code::Unauthenticated) => "UNAUTHENTICATED",
        _ => "UNKNOWN",
    }
}

/// Logs a call dropped before it answered (its client cancelled it or went away), inside the
/// call's span, with the status the client sees.
struct Unanswered {
    started: Instant,
    armed: bool,
}

impl Drop for Unanswered {
    fn drop(&mut self) {
        if self.armed {
            tracing::info!(
                grpc.status = "1",
                elapsed_us = self.started.elapsed().as_micros() as u64,
                "rpc cancelled by the client before it was answered"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn grpc_timeout_is_read_in_every_unit() {
        let mut headers = HeaderMap::new();
        for (text, expected) in [
            ("2S", Duration::from_secs(2)),
            ("150m", Duration::from_millis(150)),
            ("1M", Duration::from_secs(60)),
            ("7u", Duration::from_micros(7)),
            ("1H", Duration::from_secs(3600)),
        ] {
            headers.insert("grpc-timeout", HeaderValue::from_static(text));
            assert_eq!(grpc_timeout(&headers), Some(expected), "{text}");
        }
        headers.insert("grpc-timeout", HeaderValue::from_static("soon"));
        assert_eq!(grpc_timeout(&headers), None);
    }

    #[test]
    fn the_answer_keeps_two_percent_of_the_deadline_within_bounds() {
        assert_eq!(answer_margin(Duration::from_millis(100)), Duration::from_millis(5));
        assert_eq!(answer_margin(Duration::from_secs(1)), Duration::from_millis(20));
        assert_eq!(answer_margin(Duration::from_secs(30)), Duration::from_millis(100));
    }

    #[tokio::test]
    async fn outgoing_calls_get_what_is_left_of_the_call_being_served() {
        assert_eq!(remaining(Duration::ZERO), None, "outside a call");
        let deadline = Instant::now() + Duration::from_millis(500);
        let left = DEADLINE.scope(deadline, async { remaining(Duration::from_millis(100)) }).await.unwrap();
        assert!(left <= Duration::from_millis(400) && left > Duration::from_millis(300), "{left:?}");
    }

    #[tokio::test]
    async fn work_within_the_deadline_is_cut_off_when_the_rest_runs_out() {
        let slow = || tokio::time::sleep(Duration::from_millis(300));
        assert_eq!(within_deadline(Duration::ZERO, slow()).await, Some(()), "outside a call it runs to its end");
        let deadline = Instant::now() + Duration::from_millis(400);
        let cut = DEADLINE.scope(deadline, within_deadline(Duration::from_millis(250), slow())).await;
        assert_eq!(cut, None, "150 ms left for 300 ms of work");
        let deadline = Instant::now() + Duration::from_millis(800);
        let done = DEADLINE.scope(deadline, within_deadline(Duration::from_millis(250), slow())).await;
        assert_eq!(done, Some(()));
    }
}
