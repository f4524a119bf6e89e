//! Admission: how many calls may run at once, so that an overload is answered at once with a
//! typed refusal instead of queueing until every call misses its deadline.
//!
//! Three limits, each shed with `RESOURCE_EXHAUSTED`, an `ErrorInfo` naming it and a
//! `RetryInfo`:
//! - unary calls in flight per connection (`SHANYRAQ_CONCURRENCY_LIMIT`): one client cannot
//!   take everything;
//! - unary calls in flight per service over all connections (`SHANYRAQ_CALLS_IN_FLIGHT`): many
//!   connections cannot either, so the latency of the admitted calls stays bounded. It is
//!   counted per service, not per process, because the suite serves every service in one
//!   process and a filing's own calls to the gateway must not be shed by the filings waiting
//!   on them; deployed one service a process, the two are the same;
//! - open streams (`SHANYRAQ_MAX_STREAMS`), counted apart: watchers hold a stream for
//!   minutes, and five hundred of them must not shed a single filing.
//!
//! Health checks are never shed: a probe must see a loaded server as alive.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use pin_project_lite::pin_project;
use prost::Message as _;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::ApiError;

/// What a shed caller is told to wait before trying again.
pub const RETRY_AFTER_SHED: Duration = Duration::from_millis(250);

/// The metadata a call may carry (its headers, counted as HTTP/2 does: name, value and 32
/// bytes each). Beyond it our layer refuses the call with `METADATA_TOO_LARGE`.
pub const METADATA_LIMIT_BYTES: usize = 16 * 1024;

/// The transport's own limit on a request's headers, above [`METADATA_LIMIT_BYTES`]: beyond it
/// the HTTP/2 layer answers before any gRPC code runs (an HTTP 431 or a reset stream, which
/// clients report as UNKNOWN or INTERNAL without details).
pub const TRANSPORT_HEADER_LIMIT_BYTES: u32 = 64 * 1024;

const HEALTH_CHECK: &str = "/grpc.health.v1.Health/Check";

/// The limits of one server; shared by every connection.
#[derive(Debug)]
pub struct Admission {
    per_connection: usize,
    per_service: usize,
    services: Mutex<HashMap<String, Arc<Semaphore>>>,
    connections: Arc<Mutex<HashMap<SocketAddr, usize>>>,
    streams: Arc<Semaphore>,
    stream_limit: usize,
    /// The paths of the streaming methods, read from the descriptors.
    streaming: HashSet<String>,
}

/// Holds a call's place until its response has been sent.
#[derive(Debug)]
pub struct Ticket {
    _permit: Option<OwnedSemaphorePermit>,
    _slot: Option<ConnectionSlot>,
}

#[derive(Debug)]
struct ConnectionSlot {
    connections: Arc<Mutex<HashMap<SocketAddr, usize>>>,
    peer: SocketAddr,
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        let mut connections = self.connections.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = connections.get_mut(&self.peer) {
            *count -= 1;
            if *count == 0 {
                connections.remove(&self.peer);
            }
        }
    }
}

impl Admission {
    /// The limits: `per_connection` and `per_service` unary calls, `streams` open streams.
    pub fn new(per_connection: usize, per_service: usize, streams: usize) -> Self {
        Admission {
            per_connection,
            per_service,
            services: Mutex::default(),
            connections: Arc::default(),
            streams: Arc::new(Semaphore::new(streams)),
            stream_limit: streams,
            streaming: streaming_methods(),
        }
    }

    /// Admits the call to `path` from `peer` (when the transport names one), or sheds it.
    pub fn admit(&self, path: &str, peer: Option<SocketAddr>) -> Result<Ticket, ApiError> {
        if path == HEALTH_CHECK {
            return Ok(Ticket { _permit: None, _slot: None });
        }
        if self.is_streaming(path) {
            let permit = self.streams.clone().try_acquire_owned().map_err(|_| {
                shed("STREAMS_EXHAUSTED", format!("{} streams are open, the most this server keeps", self.stream_limit))
            })?;
            return Ok(Ticket { _permit: Some(permit), _slot: None });
        }
        let slot = match peer {
            Some(peer) => Some(self.take_connection_slot(peer)?),
            None => None,
        };
        let service = path.trim_start_matches('/').split('/').next().unwrap_or_default();
        let semaphore = {
            let mut services = self.services.lock().unwrap_or_else(|p| p.into_inner());
            // The name is copied once, when the service's first call comes; not on every call.
            match services.get(service) {
                Some(semaphore) => semaphore.clone(),
                None => services
                    .entry(service.to_owned())
                    .or_insert_with(|| Arc::new(Semaphore::new(self.per_service)))
                    .clone(),
            }
        };
        let permit = semaphore.try_acquire_owned().map_err(|_| {
            shed(
                "SERVER_OVERLOADED",
                format!("{} calls to {service} are in flight, the most this server runs at once", self.per_service),
            )
        })?;
        Ok(Ticket { _permit: Some(permit), _slot: slot })
    }

    fn take_connection_slot(&self, peer: SocketAddr) -> Result<ConnectionSlot, ApiError> {
        let mut connections = self.connections.lock().unwrap_or_else(|p| p.into_inner());
        let count = connections.entry(peer).or_insert(0);
        if *count >= self.per_connection {
            return Err(shed(
                "CONNECTION_OVERLOADED",
                format!(
                    "{} calls are in flight on this connection, the most one connection may have",
                    self.per_connection
                ),
            ));
        }
        *count += 1;
        Ok(ConnectionSlot { connections: self.connections.clone(), peer })
    }

    /// Whether `path` is a streaming method (or reflection, which is one).
    pub fn is_streaming(&self, path: &str) -> bool {
        self.streaming.contains(path) || path.starts_with("/grpc.reflection.")
    }
}

fn shed(reason: &str, message: String) -> ApiError {
    ApiError::resource_exhausted(reason, format!("{message}; retry after the delay given"))
        .retry_after(RETRY_AFTER_SHED)
}

/// Refuses metadata above [`METADATA_LIMIT_BYTES`], counted as HTTP/2 counts a header list.
pub fn check_metadata(headers: &http::HeaderMap) -> Result<(), ApiError> {
    let size: usize = headers.iter().map(|(name, value)| name.as_str().len() + value.len() + 32).sum();
    if size <= METADATA_LIMIT_BYTES {
        return Ok(());
    }
    Err(ApiError::resource_exhausted(
        "METADATA_TOO_LARGE",
        format!("the call's metadata takes {size} bytes, more than the {METADATA_LIMIT_BYTES} this server reads"),
    )
    .meta("size_bytes", size.to_string())
    .meta("limit_bytes", METADATA_LIMIT_BYTES.to_string()))
}

/// The full paths of every streaming method in the contracts and in health.
fn streaming_methods() -> HashSet<String> {
    let sets = [proto::FILE_DESCRIPTOR_SET, tonic_health::pb::FILE_DESCRIPTOR_SET];
    let mut paths = HashSet::new();
    for bytes in sets {
        let Ok(set) = prost_types::FileDescriptorSet::decode(bytes) else { continue };
        for file in set.file {
            for service in &file.service {
                for method in &service.method {
                    if method.client_streaming() || method.server_streaming() {
                        paths.insert(format!("/{}.{}/{}", file.package(), service.name(), method.name()));
                    }
                }
            }
        }
    }
    paths
}

pin_project! {
    /// A response body that holds its call's [`Ticket`] until it is sent (a stream's for as
    /// long as it is open).
    pub struct Admitted<B> {
        #[pin]
        body: B,
        ticket: Option<Ticket>,
    }
}

impl<B> Admitted<B> {
    /// `body`, holding `ticket`.
    pub fn new(body: B, ticket: Option<Ticket>) -> Self {
        Admitted { body, ticket }
    }
}

impl<B: Default> Default for Admitted<B> {
    fn default() -> Self {
        Admitted { body: B::default(), ticket: None }
    }
}

impl<B: http_body::Body> http_body::Body for Admitted<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<B::Data>, B::Error>>> {
        let this = self.project();
        let frame = this.body.poll_frame(cx);
        if let Poll::Ready(None) = frame {
            this.ticket.take();
        }
        frame
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streaming_methods_are_read_from_the_descriptors() {
        let admission = Admission::new(1, 1, 1);
        assert!(admission.is_streaming("/grpc.health.v1.Health/Watch"));
        assert!(!admission.is_streaming(HEALTH_CHECK));
        assert!(admission.streaming.iter().any(|p| p.starts_with("/kz.housing.")), "{:?}", admission.streaming);
    }

    #[test]
    fn each_limit_sheds_with_its_own_reason_and_a_retry_delay() {
        let admission = Admission::new(2, 3, 1);
        let (a, b): (SocketAddr, SocketAddr) = ("10.0.0.1:1".parse().unwrap(), "10.0.0.2:1".parse().unwrap());
        let path = "/kz.housing.registry.v1.RegistryService/GetApplication";
        let first = admission.admit(path, Some(a)).unwrap();
        let _second = admission.admit(path, Some(a)).unwrap();
        assert_eq!(admission.admit(path, Some(a)).unwrap_err().reason(), "CONNECTION_OVERLOADED");
        let _third = admission.admit(path, Some(b)).unwrap();
        let over = admission.admit(path, Some(b)).unwrap_err();
        assert_eq!((over.code(), over.reason()), (tonic::Code::ResourceExhausted, "SERVER_OVERLOADED"));
        // Another service has limits of its own; health is never shed.
        assert!(admission.admit("/kz.housing.egov.v1.PersonService/GetPerson", Some(b)).is_ok());
        assert!(admission.admit(HEALTH_CHECK, Some(a)).is_ok());
        drop(first);
        assert!(admission.admit(path, Some(a)).is_ok(), "a finished call frees its places");
        let _watch = admission.admit("/grpc.health.v1.Health/Watch", None).unwrap();
        assert_eq!(admission.admit("/grpc.health.v1.Health/Watch", None).unwrap_err().reason(), "STREAMS_EXHAUSTED");
    }

    #[test]
    fn metadata_is_counted_as_http2_counts_it() {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-small", http::HeaderValue::from_static("1"));
        assert!(check_metadata(&headers).is_ok());
        headers.insert("x-big", http::HeaderValue::from_str(&"a".repeat(METADATA_LIMIT_BYTES)).unwrap());
        assert_eq!(check_metadata(&headers).unwrap_err().reason(), "METADATA_TOO_LARGE");
    }
}
