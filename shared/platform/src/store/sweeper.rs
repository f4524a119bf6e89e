//! The deadline sweeper (DESIGN.md "Cases, deadlines and evidence"): services register work
//! due at an instant of the clock (a stage's deadline, a monthly accrual) with
//! [`WriteTx::schedule`](super::WriteTx::schedule); the sweeper wakes whenever the clock is
//! set or moved and every interval besides, and runs each due job once, in a transaction that
//! also marks it done: on any number of replicas a job runs once, and a failed one is retried.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;

use super::write::ChangeFuture;
use super::{Backend, Command, Db, WriteTx, store_error};
use crate::error::ApiError;
use crate::principal::Principal;

/// A job that fell due.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Job {
    /// Its id.
    pub id: i64,
    /// What to do, a stable code such as `STAGE_DEADLINE`.
    pub kind: String,
    /// What it is about, a resource name.
    pub subject: String,
    /// When it fell due, by the clock.
    pub due_at: DateTime<Utc>,
    /// Earlier attempts that failed.
    pub attempts: i64,
}

/// What runs a kind of job: it writes through the transaction (and must audit, as every
/// state change does) and answers an error to have the job retried later.
pub type JobHandler = Arc<dyn for<'t> Fn(&'t mut WriteTx, &'t Job) -> ChangeFuture<'t, ()> + Send + Sync>;

/// What a prepared job gathered before its transaction began.
pub type Prepared = Box<dyn std::any::Any + Send>;

/// The outside work of a prepared job, run before its transaction (see [`Sweeper::handle_prepared`]).
type Prepare = Arc<dyn Fn(Db, Job) -> Pin<Box<dyn Future<Output = Result<Prepared, ApiError>> + Send>> + Send + Sync>;

/// The change of a prepared job, given what its preparation gathered.
type Apply = Arc<dyn for<'t> Fn(&'t mut WriteTx, &'t Job, Prepared) -> ChangeFuture<'t, ()> + Send + Sync>;

/// How a kind of job runs.
#[derive(Clone)]
enum Handler {
    /// Wholly inside its transaction.
    Plain(JobHandler),
    /// Outside work first (calls to other services), then the change in its transaction, so
    /// that no transaction waits on the network.
    Prepared(Prepare, Apply),
}

/// Runs a database's due jobs.
#[derive(Clone)]
pub struct Sweeper {
    db: Db,
    handlers: HashMap<String, Handler>,
    interval: Duration,
    /// How long a claimed job is the claimer's before another replica may take it.
    lease: Duration,
}

impl std::fmt::Debug for Sweeper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sweeper").field("kinds", &self.handlers.keys().collect::<Vec<_>>()).finish()
    }
}

/// The change half of a handler, as the transaction runs it.
enum Either {
    Plain(JobHandler),
    Prepared(Apply),
}

/// At most this many jobs are claimed at a time.
const BATCH: i64 = 64;

impl Sweeper {
    /// A sweeper for `db`, looking every `interval` besides clock moves.
    pub fn new(db: Db, interval: Duration) -> Self {
        Sweeper { db, handlers: HashMap::new(), interval, lease: Duration::from_secs(60) }
    }

    /// Registers what runs jobs of `kind`.
    pub fn handle<F>(mut self, kind: &str, handler: F) -> Self
    where
        F: for<'t> Fn(&'t mut WriteTx, &'t Job) -> ChangeFuture<'t, ()> + Send + Sync + 'static,
    {
        self.handlers.insert(kind.to_owned(), Handler::Plain(Arc::new(handler)));
        self
    }

    /// Registers a kind of job that needs outside work before its change: `prepare` runs
    /// first, outside any transaction, given the database to read (an error has the job
    /// retried later); `apply` then runs
    /// in the job's transaction with what `prepare` answered. `apply` must check that the
    /// state it changes is still the one `prepare` saw.
    pub fn handle_prepared<P, Prep, Fut, A>(mut self, kind: &str, prepare: Prep, apply: A) -> Self
    where
        P: Send + 'static,
        Prep: Fn(Db, Job) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<P, ApiError>> + Send + 'static,
        A: for<'t> Fn(&'t mut WriteTx, &'t Job, P) -> ChangeFuture<'t, ()> + Send + Sync + 'static,
    {
        let prepare: Prepare = Arc::new(move |db, job| {
            let gathering = prepare(db, job);
            Box::pin(async move { gathering.await.map(|p| Box::new(p) as Prepared) })
        });
        let apply: Apply = Arc::new(move |tx, job, prepared| match prepared.downcast::<P>() {
            Ok(p) => apply(tx, job, *p),
            Err(_) => Box::pin(async { Err(ApiError::internal("a prepared job got another job's preparation")) }),
        });
        self.handlers.insert(kind.to_owned(), Handler::Prepared(prepare, apply));
        self
    }

    /// Sweeps until `shutdown` turns true: whenever the clock is set or moved, and every
    /// interval. Expired idempotency records are purged on the same beat.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let mut clock_moves = self.db.clock().subscribe();
        loop {
            match self.sweep().await {
                Ok(ran) if ran >= BATCH as usize => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "sweeper could not claim jobs"),
            }
            if let Err(e) = self.db.purge_idempotency().await {
                tracing::warn!(error = %e, "could not purge idempotency records");
            }
            tokio::select! {
                changed = clock_moves.changed() => if changed.is_err() { return },
                () = tokio::time::sleep(self.interval) => {}
                _ = shutdown.wait_for(|stop| *stop) => return,
            }
        }
    }

    /// Runs the jobs due now; answers how many were claimed.
    pub async fn sweep(&self) -> Result<usize, ApiError> {
        let jobs = self.claim().await?;
        let count = jobs.len();
        for job in jobs {
            self.run_job(job).await;
        }
        Ok(count)
    }

    async fn claim(&self) -> Result<Vec<Job>, ApiError> {
        let due_by = self.db.clock().now();
        let wall = crate::clock::wall_time();
        let lease = wall + chrono::Duration::from_std(self.lease).unwrap_or(chrono::Duration::seconds(60));
        let due = "SELECT id FROM jobs WHERE done_at IS NULL AND due_at <= $2 \
                   AND (claimed_until IS NULL OR claimed_until < $3) ORDER BY due_at, id LIMIT $4";
        let rows = match self.db.writer() {
            Backend::Sqlite(pool) => {
                let sql = format!(
                    "UPDATE jobs SET claimed_until = $1 WHERE id IN ({due}) RETURNING id, kind, subject, due_at, attempts"
                );
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(lease)
                    .bind(due_by)
                    .bind(wall)
                    .bind(BATCH)
                    .fetch_all(pool)
                    .await
            }
            Backend::Postgres(pool) => {
                let sql = format!(
                    "UPDATE jobs SET claimed_until = $1 WHERE id IN ({due} FOR UPDATE SKIP LOCKED) RETURNING id, kind, subject, due_at, attempts"
                );
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(lease)
                    .bind(due_by)
                    .bind(wall)
                    .bind(BATCH)
                    .fetch_all(pool)
                    .await
            }
        };
        let mut jobs: Vec<Job> = rows.map_err(store_error)?;
        jobs.sort_by_key(|j| (j.due_at, j.id));
        Ok(jobs)
    }

    async fn run_job(&self, job: Job) {
        let Some(handler) = self.handlers.get(&job.kind).cloned() else {
            self.release(&job, &format!("no handler for {}", job.kind)).await;
            return;
        };
        let (prepared, apply) = match handler {
            Handler::Plain(run) => (None, Either::Plain(run)),
            Handler::Prepared(prepare, apply) => match prepare(self.db.clone(), job.clone()).await {
                Ok(prepared) => (Some(prepared), Either::Prepared(apply)),
                Err(e) => {
                    self.release(&job, &e.to_string()).await;
                    return;
                }
            },
        };
        let principal =
            Principal { subsystem: self.db.spec().subsystem, official: None, user_iin: None, representative: None };
        let command = Command::new(principal, format!("job:{}", job.kind));
        let job_in_tx = job.clone();
        let outcome = self
            .db
            .transact::<(), _>(command, move |tx| {
                Box::pin(async move {
                    // Marking it done inside the handler's transaction is what makes it run
                    // once: a replica that claimed it too finds it done and changes nothing.
                    let now = crate::clock::wall_time();
                    let marked = crate::on_backend!(tx.conn(), |c| sqlx::query(
                        "UPDATE jobs SET done_at = $1, claimed_until = NULL WHERE id = $2 AND done_at IS NULL"
                    )
                    .bind(now)
                    .bind(job_in_tx.id)
                    .execute(c)
                    .await
                    .map(|r| r.rows_affected()))
                    .map_err(store_error)?;
                    if marked == 0 {
                        return Err(ApiError::already_exists("JOB_ALREADY_DONE", "another sweeper ran it"));
                    }
                    match (apply, prepared) {
                        (Either::Plain(run), _) => run(tx, &job_in_tx).await,
                        (Either::Prepared(apply), Some(prepared)) => apply(tx, &job_in_tx, prepared).await,
                        (Either::Prepared(_), None) => Err(ApiError::internal("a prepared job lost its preparation")),
                    }
                })
            })
            .await;
        match outcome {
            Ok(_) => tracing::info!(job = job.id, kind = %job.kind, subject = %job.subject, "job done"),
            Err(e) if e.reason() == "JOB_ALREADY_DONE" => {}
            Err(e) => self.release(&job, &e.to_string()).await,
        }
    }

    /// Gives a failed job back for a later attempt, after a backoff.
    async fn release(&self, job: &Job, error: &str) {
        let retry_at = crate::clock::wall_time() + super::outbox::backoff(job.attempts + 1, Duration::from_secs(300));
        tracing::warn!(job = job.id, kind = %job.kind, error, "job failed; will retry");
        let sql = "UPDATE jobs SET claimed_until = $1, attempts = attempts + 1, last_error = $2 WHERE id = $3 AND done_at IS NULL";
        let result = crate::on_backend!(self.db.writer(), |pool| sqlx::query(sql)
            .bind(retry_at)
            .bind(error)
            .bind(job.id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()));
        if let Err(e) = result {
            tracing::warn!(error = %e, "could not release a failed job");
        }
    }
}
