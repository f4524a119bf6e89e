//! Typed gRPC clients of the suite's services, one module each (DESIGN.md "Between services"):
//! a deadline on every call, retries only of idempotent calls, the envelope filled in from the
//! case, and a small pool of channels, since one HTTP/2 connection does not scale across cores.
#![forbid(unsafe_code)]

pub mod gateway;
pub mod pool;
pub mod registry;

pub use gateway::{CaseRef, GatewayClient};
pub use pool::ChannelPool;
pub use registry::RegistryClient;

use std::time::Duration;

use tonic::Code;

/// How a client calls: its deadline and how often it retries an idempotent call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallPolicy {
    /// The deadline of each attempt, sent as `grpc-timeout`.
    pub deadline: Duration,
    /// Retries after the first attempt, for idempotent calls only.
    pub retries: u32,
    /// The wait before the first retry; it doubles with each.
    pub backoff: Duration,
}

impl Default for CallPolicy {
    fn default() -> Self {
        CallPolicy { deadline: Duration::from_secs(5), retries: 2, backoff: Duration::from_millis(50) }
    }
}

/// Whether a failed idempotent call may succeed when tried again.
pub fn retryable(code: Code) -> bool {
    matches!(
        code,
        Code::Unavailable | Code::DeadlineExceeded | Code::ResourceExhausted | Code::Aborted | Code::Cancelled
    )
}
