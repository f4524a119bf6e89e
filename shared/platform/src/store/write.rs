//! One transaction per state change: the change, its audit row (who, what, when, why), its
//! idempotency record (request id, request hash, first response) and its outbox rows commit
//! together or not at all.

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};
use prost::Message;
use sha2::{Digest, Sha256};
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use super::outbox::OutboxMessage;
use super::{Backend, Conn, Db, store_error};
use crate::error::ApiError;
use crate::principal::Principal;

/// The SHA-256 of a request as the idempotency record keeps it: the method's full path and
/// the request's protobuf encoding (deterministic: the contracts have no maps).
pub fn request_hash(method: &str, request: &impl Message) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(method.as_bytes());
    hasher.update([0]);
    hasher.update(request.encode_to_vec());
    hasher.finalize().into()
}

/// Who changes what: the audit row's "who" and "what", and the request's idempotency key.
#[derive(Debug, Clone)]
pub struct Command {
    principal: Principal,
    action: String,
    idempotency: Option<(Uuid, [u8; 32])>,
}

impl Command {
    /// A change by `principal` through `action` (a method's full path, or `job:<KIND>`).
    pub fn new(principal: Principal, action: impl Into<String>) -> Self {
        Command { principal, action: action.into(), idempotency: None }
    }

    /// Makes the change idempotent on `request_id`: a retry with the same id and the same
    /// request gets the first response back; another request under the id is refused.
    pub fn idempotent(mut self, request_id: Uuid, request_hash: [u8; 32]) -> Self {
        self.idempotency = Some((request_id, request_hash));
        self
    }
}

/// The response of a committed change, or of the first commit under the same request id.
#[derive(Debug, Clone, PartialEq)]
pub struct Committed<R> {
    /// The response.
    pub response: R,
    /// Whether it is the first commit's response given back to a retry.
    pub replayed: bool,
}

/// A change's place: in the open batch on SQLite, a transaction of its own on PostgreSQL.
type Transactions = Backend<super::group_commit::Member, Transaction<'static, Postgres>>;

/// A transaction in progress: the service writes its change through [`WriteTx::conn`] and
/// records why with [`WriteTx::audit`]; outbox rows and jobs join the same transaction.
#[derive(Debug)]
pub struct WriteTx {
    tx: Transactions,
    /// The service writing: the sender named in its outbox rows' envelope.
    sender: crate::principal::Subsystem,
    command: Command,
    now: DateTime<Utc>,
    audited: usize,
    enqueued: usize,
}

/// The future a change returns; it borrows the transaction.
pub type ChangeFuture<'t, R> = Pin<Box<dyn Future<Output = Result<R, ApiError>> + Send + 't>>;

impl WriteTx {
    /// The connection to write the service's own tables with (see [`crate::on_backend!`]).
    pub fn conn(&mut self) -> Conn<'_> {
        match &mut self.tx {
            Backend::Sqlite(member) => Backend::Sqlite(member.conn()),
            Backend::Postgres(tx) => Backend::Postgres(&mut **tx),
        }
    }

    /// The clock's reading for this change: one instant for everything it writes.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// Who makes the change.
    pub fn principal(&self) -> &Principal {
        &self.command.principal
    }

    /// Writes the audit row: what was changed (`subject`, a resource name) and why.
    pub async fn audit(&mut self, subject: &str, reason: &str) -> Result<(), ApiError> {
        let p = self.command.principal.clone();
        let request_id = self.command.idempotency.map(|(id, _)| id.to_string());
        let (action, now, recorded) = (self.command.action.clone(), self.now, crate::clock::wall_time());
        let official = p.official.as_ref();
        let representative = p.representative.as_ref();
        crate::on_backend!(self.conn(), |c| sqlx::query(
            "INSERT INTO audit (occurred_at, recorded_at, action, subject, reason, subsystem, official_id, official_role, \
             official_jurisdiction, user_iin, representative_iin, representative_basis, request_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
        )
        .bind(now)
        .bind(recorded)
        .bind(&action)
        .bind(subject)
        .bind(reason)
        .bind(p.subsystem.as_str())
        .bind(official.map(|o| o.id.as_str()))
        .bind(official.map(|o| o.role.as_str()))
        .bind(official.and_then(|o| o.jurisdiction.as_deref()))
        .bind(p.user_iin.as_deref())
        .bind(representative.map(|r| r.iin.as_str()))
        .bind(representative.map(|r| r.basis.as_str()))
        .bind(request_id.as_deref())
        .execute(c)
        .await
        .map(|r| r.rows_affected()))
        .map_err(store_error)?;
        self.audited += 1;
        Ok(())
    }

    /// Adds a message to the outbox; the relay delivers it after the commit. Answers its id.
    pub async fn enqueue(&mut self, message: OutboxMessage) -> Result<Uuid, ApiError> {
        let id = Uuid::new_v4();
        // The envelope names the service that sends, whoever made the change.
        let client = self.sender.as_str().to_owned();
        let wall = crate::clock::wall_time();
        // The delivery joins the trace of the change that wrote the row.
        let traceparent = crate::telemetry::current_traceparent();
        crate::on_backend!(self.conn(), |c| sqlx::query(
            "INSERT INTO outbox (message_id, client, destination, method, case_name, purpose, user_iin, payload, \
             created_at, next_attempt_at, traceparent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10)"
        )
        .bind(id.to_string())
        .bind(&client)
        .bind(message.destination.as_str())
        .bind(&message.method)
        .bind(&message.case)
        .bind(&message.purpose)
        .bind(message.user_iin.as_deref())
        .bind(&message.payload)
        .bind(wall)
        .bind(&traceparent)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))
        .map_err(store_error)?;
        self.enqueued += 1;
        Ok(id)
    }

    /// Registers work for the sweeper: a job of `kind` about `subject`, due at `due_at` by the
    /// clock. Scheduling the same job twice keeps one.
    pub async fn schedule(&mut self, kind: &str, subject: &str, due_at: DateTime<Utc>) -> Result<(), ApiError> {
        crate::on_backend!(self.conn(), |c| sqlx::query(
            "INSERT INTO jobs (kind, subject, due_at) VALUES ($1, $2, $3) ON CONFLICT (kind, subject, due_at) DO NOTHING"
        )
        .bind(kind)
        .bind(subject)
        .bind(due_at)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))
        .map_err(store_error)?;
        Ok(())
    }

    /// Cancels the pending jobs of `kind` about `subject` (a stage closed before its deadline).
    pub async fn cancel_jobs(&mut self, kind: &str, subject: &str) -> Result<u64, ApiError> {
        let now = crate::clock::wall_time();
        crate::on_backend!(self.conn(), |c| sqlx::query(
            "UPDATE jobs SET done_at = $3, last_error = 'cancelled' WHERE kind = $1 AND subject = $2 AND done_at IS NULL"
        )
        .bind(kind)
        .bind(subject)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))
        .map_err(store_error)
    }

    /// For a receiver of outbox deliveries: records (`client`, `message_id`) with the SHA-256
    /// of `payload` (the request's encoding) and answers whether the delivery is new. A
    /// redelivery (the same payload) answers false and the receiver changes nothing; another
    /// payload under a used message id is `ALREADY_EXISTS MESSAGE_ID_REUSED`, as a reused
    /// request id is `REQUEST_ID_REUSED`: dropping it as a duplicate would lose it while
    /// telling the sender it arrived.
    pub async fn accept_once(&mut self, client: &str, message_id: &str, payload: &[u8]) -> Result<bool, ApiError> {
        let now = crate::clock::wall_time();
        let hash = Sha256::digest(payload).to_vec();
        let inserted = crate::on_backend!(self.conn(), |c| sqlx::query(
            "INSERT INTO inbox (client, message_id, received_at, payload_hash) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (client, message_id) DO NOTHING"
        )
        .bind(client)
        .bind(message_id)
        .bind(now)
        .bind(&hash)
        .execute(c)
        .await
        .map(|r| r.rows_affected() == 1))
        .map_err(store_error)?;
        if inserted {
            return Ok(true);
        }
        let first: Option<Vec<u8>> = crate::on_backend!(self.conn(), |c| sqlx::query_scalar(
            "SELECT payload_hash FROM inbox WHERE client = $1 AND message_id = $2"
        )
        .bind(client)
        .bind(message_id)
        .fetch_one(c)
        .await)
        .map_err(store_error)?;
        match first {
            // Received before payloads were hashed: nothing to compare, a repeat as it was then.
            None => Ok(false),
            Some(first) if first == hash => Ok(false),
            Some(_) => Err(message_id_reused(client, message_id)),
        }
    }
}

/// Another payload under a message id the receiver has taken already.
pub fn message_id_reused(client: &str, message_id: &str) -> ApiError {
    ApiError::already_exists(
        "MESSAGE_ID_REUSED",
        format!("message id {message_id} of {client} came before with another payload; a new message needs a new id"),
    )
    .meta("message_id", message_id.to_owned())
    .meta("client", client.to_owned())
}

/// What an idempotency record says of a request id.
enum Recorded<R> {
    Fresh,
    Replay(R),
}

impl Db {
    /// Runs one state change in one transaction with its audit row, idempotency record and
    /// outbox rows. `change` writes through the [`WriteTx`] and must call
    /// [`WriteTx::audit`]; when it fails, nothing it wrote stays.
    pub async fn transact<R, F>(&self, command: Command, change: F) -> Result<Committed<R>, ApiError>
    where
        R: Message + Default,
        F: for<'t> FnOnce(&'t mut WriteTx) -> ChangeFuture<'t, R>,
    {
        use tracing::Instrument;
        // A span of its own, so that a trace shows the durable part of a call.
        let span = tracing::info_span!(
            "db transaction",
            db.system.name = match self.writer() {
                Backend::Sqlite(_) => "sqlite",
                Backend::Postgres(_) => "postgresql",
            },
            db.namespace = self.spec().service,
            db.operation.name = %command.action,
        );
        let started = std::time::Instant::now();
        let result = self.transact_in_span(command, change).instrument(span).await;
        let system = match self.writer() {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgresql",
        };
        crate::metrics::transaction(system, self.spec().service, started.elapsed());
        result
    }

    async fn transact_in_span<R, F>(&self, command: Command, change: F) -> Result<Committed<R>, ApiError>
    where
        R: Message + Default,
        F: for<'t> FnOnce(&'t mut WriteTx) -> ChangeFuture<'t, R>,
    {
        let now = self.clock().now();
        let mut tx = WriteTx {
            tx: self.open_change().await?,
            sender: self.spec().subsystem,
            command,
            now,
            audited: 0,
            enqueued: 0,
        };
        let applied = apply(&mut tx, change).await;
        let enqueued = tx.enqueued;
        end(tx.tx, applied.is_ok()).await?;
        if enqueued > 0 && applied.is_ok() {
            self.outbox_ready().notify_waiters();
        }
        applied
    }
}

/// Ends a change: kept, it is answered once durable (on SQLite, once the batch it joined is
/// committed); not kept, it is rolled back alone and its own error stands.
async fn end(place: Transactions, keep: bool) -> Result<(), ApiError> {
    match place {
        Backend::Sqlite(member) => {
            let durable = member.finish(keep).await;
            if keep { durable } else { Ok(()) }
        }
        Backend::Postgres(t) if keep => t.commit().await.map_err(store_error),
        // Dropping the transaction rolls it back.
        Backend::Postgres(_) => Ok(()),
    }
}

/// Claims the request id, runs the change and records its answer, inside the change's place.
async fn apply<R, F>(tx: &mut WriteTx, change: F) -> Result<Committed<R>, ApiError>
where
    R: Message + Default,
    F: for<'t> FnOnce(&'t mut WriteTx) -> ChangeFuture<'t, R>,
{
    let idempotency = tx.command.idempotency;
    // The request id is claimed before the change runs: a concurrent retry on another
    // replica waits on this row, then finds it committed and gets the first answer back.
    if let Some((request_id, hash)) = idempotency
        && let Recorded::Replay(response) = claim_request_id(tx, request_id, &hash).await?
    {
        return Ok(Committed { response, replayed: true });
    }
    let response = change(tx).await?;
    if tx.audited == 0 {
        return Err(ApiError::internal(format!("{}: a state change must write its audit row", tx.command.action)));
    }
    if let Some((request_id, _)) = idempotency {
        let encoded = response.encode_to_vec();
        crate::on_backend!(tx.conn(), |c| sqlx::query("UPDATE idempotency SET response = $2 WHERE request_id = $1")
            .bind(request_id.to_string())
            .bind(encoded)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))
        .map_err(store_error)?;
    }
    Ok(Committed { response, replayed: false })
}

/// The subject of the audit rows of refused calls.
pub const REFUSED_SUBJECT: &str = "callers/refused";

impl Db {
    /// Writes the audit rows of calls refused to verified callers, all in one transaction:
    /// (who, the method's full path, why).
    pub async fn audit_refusals(&self, refusals: &[(Principal, String, String)]) -> Result<(), ApiError> {
        let Some((principal, action, _)) = refusals.first() else { return Ok(()) };
        let mut tx = WriteTx {
            tx: self.open_change().await?,
            sender: self.spec().subsystem,
            command: Command::new(principal.clone(), action.clone()),
            now: self.clock().now(),
            audited: 0,
            enqueued: 0,
        };
        let mut written = Ok(());
        for (principal, action, reason) in refusals {
            tx.command = Command::new(principal.clone(), action.clone());
            written = tx.audit(REFUSED_SUBJECT, reason).await;
            if written.is_err() {
                break;
            }
        }
        end(tx.tx, written.is_ok()).await?;
        written
    }

    /// What an earlier request under `request_id` answered, without claiming the id: a
    /// service whose change needs outside work first (verifying a one-time password, which
    /// is used up once verified) looks here, so that a retry gets the first answer back
    /// instead of repeating that work. Another request under the id is refused as in
    /// [`Db::transact`].
    pub async fn replay<R: Message + Default>(&self, request_id: Uuid, hash: &[u8; 32]) -> Result<Option<R>, ApiError> {
        let id = request_id.to_string();
        let row: Option<(String, Vec<u8>, Vec<u8>)> = crate::on_backend!(self.reader(), |c| sqlx::query_as(
            "SELECT method, request_hash, response FROM idempotency WHERE request_id = $1"
        )
        .bind(&id)
        .fetch_optional(c)
        .await)
        .map_err(store_error)?;
        match row {
            None => Ok(None),
            Some((_, stored, response)) if stored.as_slice() == hash.as_slice() && !response.is_empty() => {
                R::decode(response.as_slice()).map(Some).map_err(ApiError::internal)
            }
            // Claimed by a change still in flight: it is answered by that change.
            Some((_, stored, _)) if stored.as_slice() == hash.as_slice() => Ok(None),
            Some((first_method, _, _)) => Err(reused(request_id, first_method)),
        }
    }
}

fn reused(request_id: Uuid, first_method: String) -> ApiError {
    ApiError::already_exists(
        "REQUEST_ID_REUSED",
        format!("request_id {request_id} was used for another request; choose a new one"),
    )
    .field("request_id", "already used with a different request")
    .meta("request_id", request_id.to_string())
    .meta("first_method", first_method)
}

/// Claims `request_id` for this transaction, or reads what an earlier request under it
/// answered: the same request gets that answer back, another request is refused.
async fn claim_request_id<R: Message + Default>(
    tx: &mut WriteTx,
    request_id: Uuid,
    hash: &[u8; 32],
) -> Result<Recorded<R>, ApiError> {
    let (id, method, wall) = (request_id.to_string(), tx.command.action.clone(), crate::clock::wall_time());
    let claimed = crate::on_backend!(tx.conn(), |c| {
        sqlx::query(
        "INSERT INTO idempotency (request_id, method, request_hash, response, created_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (request_id) DO NOTHING"
    )
    .bind(&id)
    .bind(&method)
    .bind(&hash[..])
    .bind(Vec::<u8>::new())
    .bind(wall)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })
    .map_err(store_error)?;
    if claimed == 1 {
        return Ok(Recorded::Fresh);
    }
    let (first_method, stored, response): (String, Vec<u8>, Vec<u8>) =
        crate::on_backend!(tx.conn(), |c| sqlx::query_as(
            "SELECT method, request_hash, response FROM idempotency WHERE request_id = $1"
        )
        .bind(&id)
        .fetch_one(c)
        .await)
        .map_err(store_error)?;
    if stored.as_slice() == hash.as_slice() {
        return R::decode(response.as_slice()).map(Recorded::Replay).map_err(ApiError::internal);
    }
    Err(reused(request_id, first_method))
}
