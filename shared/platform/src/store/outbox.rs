//! The outbox (DESIGN.md "Time, outbox and sweeper"): side effects on other services leave
//! through rows written in the state change's own transaction, and a relay delivers them by
//! gRPC afterwards with the whole envelope stored on the row. Rows are claimed with a lease
//! (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite's single writer serializes claims), so any
//! number of relays may run; a relay killed mid-delivery leaves its claim to expire and the row
//! is delivered again, which receivers drop by (calling subsystem, message id): effectively once.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::{Buf, BufMut, Bytes};
use prost::Message;
use tokio::sync::watch;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::codegen::http::uri::PathAndQuery;
use tonic::transport::Channel;
use tonic::{Request, Status};

use super::{Db, store_error};
use crate::config::OutboxSettings;
use crate::error::ApiError;
use crate::principal::Subsystem;

/// The envelope headers of DESIGN.md "The gateway's exchange model".
pub mod envelope {
    /// The calling subsystem.
    pub const CLIENT: &str = "x-egov-client";
    /// The message's UUID: receivers drop a second delivery of it.
    pub const MESSAGE_ID: &str = "x-egov-message-id";
    /// The end user.
    pub const USER_IIN: &str = "x-egov-user-iin";
    /// The case the message serves.
    pub const CASE: &str = "x-egov-case";
    /// The legal purpose.
    pub const PURPOSE: &str = "x-egov-purpose";
}

/// A message to deliver after the commit.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxMessage {
    /// The subsystem that receives it.
    pub destination: Subsystem,
    /// The method's full path, `/package.Service/Method`.
    pub method: String,
    /// The case it serves (a resource name).
    pub case: String,
    /// The legal purpose, for example `SR cl. 26 monitoring`.
    pub purpose: String,
    /// The end user, when there is one.
    pub user_iin: Option<String>,
    /// The request, encoded.
    pub payload: Vec<u8>,
}

impl OutboxMessage {
    /// A call of `method` on `destination` with `request`.
    pub fn new(destination: Subsystem, method: &str, case: &str, purpose: &str, request: &impl Message) -> Self {
        OutboxMessage {
            destination,
            method: method.to_owned(),
            case: case.to_owned(),
            purpose: purpose.to_owned(),
            user_iin: None,
            payload: request.encode_to_vec(),
        }
    }

    /// Names the end user in the envelope.
    pub fn for_user(mut self, iin: &str) -> Self {
        self.user_iin = Some(iin.to_owned());
        self
    }
}

/// A gRPC codec that passes encoded messages through untouched: the relay sends what the
/// service encoded when it wrote the row.
#[derive(Debug, Clone, Copy, Default)]
pub struct RawCodec;

impl Codec for RawCodec {
    type Encode = Bytes;
    type Decode = Bytes;
    type Encoder = RawCodec;
    type Decoder = RawCodec;

    fn encoder(&mut self) -> Self::Encoder {
        RawCodec
    }

    fn decoder(&mut self) -> Self::Decoder {
        RawCodec
    }
}

impl Encoder for RawCodec {
    type Item = Bytes;
    type Error = Status;

    fn encode(&mut self, item: Bytes, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put(item);
        Ok(())
    }
}

impl Decoder for RawCodec {
    type Item = Bytes;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Bytes>, Status> {
        Ok(Some(src.copy_to_bytes(src.remaining())))
    }
}

/// Where each subsystem is reached: `<SUBSYSTEM>_ENDPOINT`, else this server itself (the suite
/// serves every subsystem in one process).
#[derive(Debug, Clone)]
pub struct Destinations {
    own: String,
    named: HashMap<String, String>,
    channels: Arc<Mutex<HashMap<String, Channel>>>,
    /// In `mtls`, what the sending service presents.
    tls: Option<Arc<crate::identity::tls::Reloading<rustls::ClientConfig>>>,
}

impl Destinations {
    /// Destinations with `own` (`http://host:port`) as the default; with `tls`, deliveries go
    /// over mutual TLS presenting the sending service's certificate.
    pub fn new(
        own: impl Into<String>,
        named: &[(String, String)],
        tls: Option<Arc<crate::identity::tls::Reloading<rustls::ClientConfig>>>,
    ) -> Self {
        Destinations { own: own.into(), named: named.iter().cloned().collect(), channels: Arc::default(), tls }
    }

    /// The channel to `destination`, connected lazily and kept.
    pub fn channel(&self, destination: &str) -> Result<Channel, ApiError> {
        let url = self.named.get(destination).unwrap_or(&self.own).clone();
        let mut channels = self.channels.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(channel) = channels.get(&url) {
            return Ok(channel.clone());
        }
        let channel = match &self.tls {
            Some(tls) => crate::identity::tls::channel(&url, tls.clone())
                .map_err(|e| ApiError::internal(format!("endpoint of {destination}: {e}")))?,
            None => crate::identity::tls::endpoint(&url)
                .map_err(|e| ApiError::internal(format!("endpoint of {destination}: {url}: {e}")))?
                .connect_lazy(),
        };
        channels.insert(url, channel.clone());
        Ok(channel)
    }
}

/// One row claimed for delivery.
#[derive(Debug, sqlx::FromRow)]
struct Claimed {
    seq: i64,
    message_id: String,
    client: String,
    destination: String,
    method: String,
    case_name: String,
    purpose: String,
    user_iin: Option<String>,
    payload: Vec<u8>,
    attempts: i64,
    traceparent: Option<String>,
}

const CLAIM_COLUMNS: &str =
    "seq, message_id, client, destination, method, case_name, purpose, user_iin, payload, attempts, traceparent";

/// Delivers a database's outbox rows.
#[derive(Debug, Clone)]
pub struct Relay {
    db: Db,
    destinations: Destinations,
    settings: OutboxSettings,
}

impl Relay {
    /// A relay for `db`'s outbox.
    pub fn new(db: Db, destinations: Destinations, settings: OutboxSettings) -> Self {
        Relay { db, destinations, settings }
    }

    /// Delivers until `shutdown` turns true: at once after each commit that wrote rows, and
    /// every poll interval for rows written elsewhere or due for a retry.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            let ready = self.db.outbox_ready().notified();
            let delivered = match self.deliver_due().await {
                Ok(n) => n,
                Err(e) => {
                    tracing::warn!(error = %e, "outbox relay could not claim rows");
                    0
                }
            };
            if delivered >= self.settings.batch as usize {
                continue;
            }
            tokio::select! {
                () = ready => {}
                () = tokio::time::sleep(self.settings.poll) => {}
                _ = shutdown.wait_for(|stop| *stop) => return,
            }
        }
    }

    /// Claims the rows due now and delivers each; answers how many were claimed.
    pub async fn deliver_due(&self) -> Result<usize, ApiError> {
        let claimed = self.claim().await?;
        let count = claimed.len();
        for row in claimed {
            let seq = row.seq;
            let attempts = row.attempts;
            match self.deliver(row).await {
                Ok(()) => self.mark_delivered(seq).await?,
                Err(status) => self.mark_failed(seq, attempts, &status).await?,
            }
        }
        Ok(count)
    }

    async fn claim(&self) -> Result<Vec<Claimed>, ApiError> {
        let now = crate::clock::wall_time();
        let lease = now + chrono::Duration::from_std(self.settings.lease).unwrap_or(chrono::Duration::seconds(30));
        let due = "SELECT seq FROM outbox WHERE delivered_at IS NULL AND parked_at IS NULL AND next_attempt_at <= $2 \
                   AND (claimed_until IS NULL OR claimed_until < $2) ORDER BY seq LIMIT $3";
        let batch = i64::from(self.settings.batch);
        let rows = match self.db.writer() {
            super::Backend::Sqlite(pool) => {
                let sql = format!(
                    "UPDATE outbox SET claimed_until = $1, attempts = attempts + 1 WHERE seq IN ({due}) RETURNING {CLAIM_COLUMNS}"
                );
                sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(lease).bind(now).bind(batch).fetch_all(pool).await
            }
            // SKIP LOCKED: concurrent relays on other replicas take other rows instead of waiting.
            super::Backend::Postgres(pool) => {
                let sql = format!(
                    "UPDATE outbox SET claimed_until = $1, attempts = attempts + 1 WHERE seq IN ({due} FOR UPDATE SKIP LOCKED) RETURNING {CLAIM_COLUMNS}"
                );
                sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(lease).bind(now).bind(batch).fetch_all(pool).await
            }
        };
        let mut rows: Vec<Claimed> = rows.map_err(store_error)?;
        rows.sort_by_key(|r| r.seq);
        Ok(rows)
    }

    /// Delivers one row in a span of its own, a child of the trace that wrote the row.
    async fn deliver(&self, row: Claimed) -> Result<(), Status> {
        use tracing::Instrument;
        let span = tracing::info_span!(
            "outbox delivery",
            rpc.system.name = "grpc",
            rpc.method = %row.method,
            outbox.seq = row.seq,
            otel.kind = "client",
        );
        if let Some(parent) = &row.traceparent {
            crate::telemetry::join_traceparent(&span, parent);
        }
        self.deliver_in_span(row).instrument(span).await
    }

    async fn deliver_in_span(&self, row: Claimed) -> Result<(), Status> {
        let channel = self.destinations.channel(&row.destination).map_err(Status::from)?;
        let path =
            PathAndQuery::from_str(&row.method).map_err(|e| Status::internal(format!("method {}: {e}", row.method)))?;
        let mut request = Request::new(Bytes::from(row.payload));
        request.set_timeout(self.settings.delivery_timeout);
        let metadata = request.metadata_mut();
        for (key, value) in [
            (envelope::CLIENT, Some(row.client.as_str())),
            (crate::principal::headers::CALLER_SUBSYSTEM, Some(row.client.as_str())),
            (envelope::MESSAGE_ID, Some(row.message_id.as_str())),
            (envelope::CASE, Some(row.case_name.as_str())),
            (envelope::PURPOSE, Some(row.purpose.as_str())),
            (envelope::USER_IIN, row.user_iin.as_deref()),
        ] {
            if let Some(value) = value {
                let value = value.parse().map_err(|_| Status::internal(format!("{key} is not valid metadata")))?;
                metadata.insert(key, value);
            }
        }
        // The receiver's span joins this delivery's (and so the trace that wrote the row).
        crate::telemetry::inject(request.metadata_mut());
        let mut grpc = tonic::client::Grpc::new(channel);
        let call = async {
            grpc.ready().await.map_err(|e| Status::unavailable(e.to_string()))?;
            grpc.unary(request, path, RawCodec).await
        };
        match tokio::time::timeout(self.settings.delivery_timeout, call).await {
            Ok(Ok(_)) => Ok(()),
            // Already there: a redelivery the receiver recognized.
            Ok(Err(status)) if status.code() == tonic::Code::AlreadyExists => Ok(()),
            Ok(Err(status)) => Err(status),
            Err(_) => Err(Status::deadline_exceeded("delivery timed out")),
        }
    }

    async fn mark_delivered(&self, seq: i64) -> Result<(), ApiError> {
        let sql = "UPDATE outbox SET delivered_at = $1, claimed_until = NULL, last_error = NULL WHERE seq = $2";
        let now = crate::clock::wall_time();
        crate::on_backend!(self.db.writer(), |pool| sqlx::query(sql)
            .bind(now)
            .bind(seq)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))
        .map_err(store_error)?;
        Ok(())
    }

    /// Nothing accepted is dropped: a failed row waits for its next attempt, longer each time.
    /// A failed delivery is tried again after a jittered, growing wait, unless the destination
    /// refused it for good or it has had its attempts: then it is parked with its last error,
    /// for an operator to look at and re-queue (`kz.housing.ops.v1.OutboxService`).
    async fn mark_failed(&self, seq: i64, attempts: i64, status: &Status) -> Result<(), ApiError> {
        let now = crate::clock::wall_time();
        let error = format!("{:?}: {}", status.code(), status.message());
        let park = permanent(status.code()) || attempts >= i64::from(self.settings.max_attempts);
        let (sql, at) = if park {
            tracing::error!(seq, attempts, error = %error, store = self.db.spec().service, "outbox delivery parked");
            ("UPDATE outbox SET parked_at = $1, claimed_until = NULL, last_error = $2 WHERE seq = $3", now)
        } else {
            tracing::warn!(seq, attempts, error = %error, "outbox delivery failed; will retry");
            let next = now + jittered(backoff(attempts, self.settings.max_backoff));
            ("UPDATE outbox SET next_attempt_at = $1, claimed_until = NULL, last_error = $2 WHERE seq = $3", next)
        };
        crate::on_backend!(self.db.writer(), |pool| sqlx::query(sql)
            .bind(at)
            .bind(&error)
            .bind(seq)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))
        .map_err(store_error)?;
        Ok(())
    }
}

/// Whether a destination's answer refuses a delivery for good: trying again cannot help.
pub fn permanent(code: tonic::Code) -> bool {
    use tonic::Code as C;
    matches!(
        code,
        C::InvalidArgument
            | C::NotFound
            | C::FailedPrecondition
            | C::PermissionDenied
            | C::Unauthenticated
            | C::Unimplemented
            | C::OutOfRange
    )
}

/// A wait with full jitter in its upper half, so that replicas' retries do not march together.
fn jittered(wait: chrono::Duration) -> chrono::Duration {
    let spread = (uuid::Uuid::new_v4().as_u128() % 1000) as i64;
    wait / 2 + wait * spread as i32 / 2000
}

/// The wait after the `attempts`-th failure: 1 s, doubling, at most `max`.
pub fn backoff(attempts: i64, max: Duration) -> chrono::Duration {
    let exponent = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
    let wait = Duration::from_secs(1u64 << exponent).min(max);
    chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::seconds(300))
}

/// The state of a database's outbox, for operators and tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxState {
    /// Rows not yet delivered (parked ones included).
    pub pending: i64,
    /// Rows delivered.
    pub delivered: i64,
    /// Rows parked.
    pub parked: i64,
}

/// A parked row, as an operator sees it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ParkedRow {
    /// Its sequence in the store.
    pub seq: i64,
    /// Its destination.
    pub destination: String,
    /// Its method.
    pub method: String,
    /// Its case.
    pub case_name: String,
    /// Attempts made.
    pub attempts: i64,
    /// The last error.
    pub last_error: Option<String>,
    /// When it was parked.
    pub parked_at: chrono::DateTime<chrono::Utc>,
    /// When it was written.
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl Db {
    /// Counts the outbox's rows by state.
    pub async fn outbox_state(&self) -> Result<OutboxState, ApiError> {
        let sql = "SELECT COUNT(*) FILTER (WHERE delivered_at IS NULL), COUNT(*) FILTER (WHERE delivered_at IS NOT NULL), \
                   COUNT(*) FILTER (WHERE parked_at IS NOT NULL AND delivered_at IS NULL) FROM outbox";
        let (pending, delivered, parked): (i64, i64, i64) =
            crate::on_backend!(self.reader(), |pool| sqlx::query_as(sql).fetch_one(pool).await).map_err(store_error)?;
        Ok(OutboxState { pending, delivered, parked })
    }

    /// What the metrics report of this store: the outbox's backlog, its oldest undelivered
    /// row's age and its parked rows, and the cases by stage (stores that keep cases).
    pub async fn reading(&self) -> Result<crate::metrics::StoreReading, ApiError> {
        let state = self.outbox_state().await?;
        let oldest: Option<chrono::DateTime<chrono::Utc>> =
            crate::on_backend!(self.reader(), |pool| sqlx::query_scalar(
                "SELECT MIN(created_at) FROM outbox WHERE delivered_at IS NULL"
            )
            .fetch_one(pool)
            .await)
            .map_err(store_error)?;
        let oldest_age = oldest.map_or(0.0, |at| (crate::clock::wall_time() - at).num_milliseconds() as f64 / 1000.0);
        // The gateway keeps no cases: the query fails there, and the reading has none.
        let cases: Vec<(String, i64)> = crate::on_backend!(self.reader(), |pool| sqlx::query_as(
            "SELECT stage, COUNT(*) FROM applications GROUP BY stage"
        )
        .fetch_all(pool)
        .await)
        .unwrap_or_default();
        Ok(crate::metrics::StoreReading {
            backlog: state.pending - state.parked,
            oldest_age,
            parked: state.parked,
            cases: cases.into_iter().collect(),
            breached: self.breached_deadlines().await?.into_iter().collect(),
        })
    }

    /// Open cases whose deadline has passed by the store's clock, by stage: the stages in
    /// the spec's `closed_stages` wait for nothing and never count.
    async fn breached_deadlines(&self) -> Result<Vec<(String, i64)>, ApiError> {
        let closed = (self.spec().closed_stages)();
        if closed.is_empty() {
            return Ok(Vec::new());
        }
        let closed = closed.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT stage, COUNT(*) FROM applications WHERE stage NOT IN ({closed}) AND deadline_due_at < $1 GROUP BY stage"
        );
        let now = self.clock().now();
        crate::on_backend!(self.reader(), |pool| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(now)
            .fetch_all(pool)
            .await)
        .map_err(store_error)
    }

    /// Parked rows after sequence `after`, oldest first.
    pub async fn parked_deliveries(&self, after: i64, limit: i64) -> Result<Vec<ParkedRow>, ApiError> {
        let sql = "SELECT seq, destination, method, case_name, attempts, last_error, parked_at, created_at FROM outbox \
                   WHERE parked_at IS NOT NULL AND delivered_at IS NULL AND seq > $1 ORDER BY seq LIMIT $2";
        crate::on_backend!(self.reader(), |pool| sqlx::query_as(sql).bind(after).bind(limit).fetch_all(pool).await)
            .map_err(store_error)
    }

    /// Puts parked row `seq` back on the queue, due now, its attempts from zero; answers the row
    /// as it was parked, or `None` when no such row is parked.
    pub async fn requeue_delivery(&self, seq: i64) -> Result<Option<ParkedRow>, ApiError> {
        let Some(row) = self.parked_deliveries(seq - 1, 1).await?.into_iter().find(|r| r.seq == seq) else {
            return Ok(None);
        };
        let sql = "UPDATE outbox SET parked_at = NULL, attempts = 0, next_attempt_at = $1, claimed_until = NULL \
                   WHERE seq = $2 AND parked_at IS NOT NULL";
        let now = crate::clock::wall_time();
        crate::on_backend!(self.writer(), |pool| sqlx::query(sql)
            .bind(now)
            .bind(seq)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))
        .map_err(store_error)?;
        self.outbox_ready().notify_waiters();
        tracing::info!(seq, store = self.spec().service, "parked outbox delivery re-queued");
        Ok(Some(row))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permanent_refusals_are_parked_and_transient_failures_retried_with_jitter() {
        for code in [
            tonic::Code::InvalidArgument,
            tonic::Code::NotFound,
            tonic::Code::FailedPrecondition,
            tonic::Code::PermissionDenied,
            tonic::Code::Unauthenticated,
        ] {
            assert!(permanent(code), "{code:?}");
        }
        for code in [
            tonic::Code::Unavailable,
            tonic::Code::DeadlineExceeded,
            tonic::Code::ResourceExhausted,
            tonic::Code::Internal,
        ] {
            assert!(!permanent(code), "{code:?}");
        }
        let wait = chrono::Duration::seconds(8);
        let waits: Vec<chrono::Duration> = (0..50).map(|_| jittered(wait)).collect();
        assert!(waits.iter().all(|w| *w >= wait / 2 && *w <= wait));
        assert!(waits.iter().any(|w| *w != waits[0]), "the waits differ");
    }

    #[test]
    fn backoff_doubles_from_one_second_up_to_the_cap() {
        let max = Duration::from_secs(300);
        assert_eq!(backoff(1, max), chrono::Duration::seconds(1));
        assert_eq!(backoff(2, max), chrono::Duration::seconds(2));
        assert_eq!(backoff(5, max), chrono::Duration::seconds(16));
        assert_eq!(backoff(12, max), chrono::Duration::seconds(300));
        assert_eq!(backoff(1_000, max), chrono::Duration::seconds(300));
    }
}
