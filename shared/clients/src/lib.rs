//! Typed gRPC clients of the suite's services, one module each (DESIGN.md "Between services"):
//! a deadline on every call, retries only of idempotent calls, the envelope filled in from the
//! case, and a small pool of channels, since one HTTP/2 connection does not scale across cores.
#![forbid(unsafe_code)]

pub mod complaints;
pub mod gateway;
pub mod pool;
pub mod privatization;
pub mod registry;
pub mod subsidy;

pub use complaints::ComplaintsClient;
pub use gateway::{CaseRef, GatewayClient};
pub use pool::ChannelPool;
pub use privatization::PrivatizationClient;
pub use registry::RegistryClient;
pub use subsidy::SubsidyClient;

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

/// What an outgoing call may take: the policy's deadline, or less when the call being served
/// has less left (its remaining time minus a margin for the answer to travel back).
pub fn deadline(policy: Duration) -> Duration {
    const MARGIN: Duration = Duration::from_millis(50);
    platform::rpc_layer::remaining(MARGIN).map_or(policy, |left| left.min(policy).max(Duration::from_millis(1)))
}

/// Whether a failed idempotent call may succeed when tried again.
pub fn retryable(code: Code) -> bool {
    matches!(
        code,
        Code::Unavailable | Code::DeadlineExceeded | Code::ResourceExhausted | Code::Aborted | Code::Cancelled
    )
}

/// A housing service's caller: it names itself in `x-caller-subsystem`, puts a deadline on every
/// attempt, and retries transient failures (the methods it is used for are reads, or idempotent
/// on their `request_id`).
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pool: ChannelPool,
    caller: tonic::metadata::MetadataValue<tonic::metadata::Ascii>,
    policy: CallPolicy,
}

impl Caller {
    pub(crate) fn new(pool: ChannelPool, caller: &str, policy: CallPolicy) -> Result<Self, tonic::Status> {
        let caller = caller.parse().map_err(|_| tonic::Status::invalid_argument("a subsystem name is ASCII"))?;
        Ok(Caller { pool, caller, policy })
    }

    /// One call: `client` makes the generated client over a channel of the pool, `send` calls it.
    pub(crate) async fn call<C, Req, Resp, F, Fut>(
        &self,
        request: Req,
        client: fn(tonic::transport::Channel) -> C,
        send: F,
    ) -> Result<Resp, tonic::Status>
    where
        Req: Clone,
        F: Fn(C, tonic::Request<Req>) -> Fut,
        Fut: std::future::Future<Output = Result<tonic::Response<Resp>, tonic::Status>>,
    {
        with_retries(&self.policy, || {
            let mut outgoing = tonic::Request::new(request.clone());
            outgoing.set_timeout(deadline(self.policy.deadline));
            outgoing.metadata_mut().insert("x-caller-subsystem", self.caller.clone());
            platform::telemetry::inject(outgoing.metadata_mut());
            let answer = send(client(self.pool.get()), outgoing);
            async move { answer.await.map(tonic::Response::into_inner) }
        })
        .await
    }
}

/// Runs `attempt`, and again while it fails with a [`retryable`] code, at most
/// `policy.retries` more times, waiting a jittered, doubling time from `policy.backoff`.
pub(crate) async fn with_retries<T, F, Fut>(policy: &CallPolicy, attempt: F) -> Result<T, tonic::Status>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, tonic::Status>>,
{
    use backon::Retryable;
    let backoff = backon::ExponentialBuilder::default()
        .with_min_delay(policy.backoff)
        .with_max_times(usize::try_from(policy.retries).unwrap_or(usize::MAX))
        .with_jitter();
    attempt
        .retry(backoff)
        .sleep(tokio::time::sleep)
        .when(|status: &tonic::Status| retryable(status.code()))
        .notify(|status: &tonic::Status, wait| tracing::debug!(code = ?status.code(), ?wait, "call failed; retrying"))
        .await
}

impl Caller {}
