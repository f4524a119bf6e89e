//! Group commit on SQLite: the state changes of concurrent calls share one durable transaction,
//! each in a savepoint of its own, and each call is answered only after that commit.
//!
//! SQLite has one writer, and with `synchronous=FULL` every commit waits for the disk: a
//! transaction per call caps a service at the disk's flushes a second, however short the calls.
//! Here a call takes the writer's lock (a fair, first-come queue), opens the batch when none is
//! open, runs its change inside `SAVEPOINT`, releases it (or rolls it back alone, so one call
//! that hits a unique index costs the others nothing) and lets the next call in. A committer
//! task queues on the same lock behind the calls already waiting: when its turn comes it
//! commits everything before it at once and tells every member how the commit went. Nothing is
//! answered before it is durable; durability is not traded for speed.
//!
//! A call dropped half-way (its client went away, its deadline passed) leaves its savepoint
//! marked abandoned: whoever takes the lock next rolls it back before going on.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};

use sqlx::{Sqlite, SqliteConnection, SqlitePool, Transaction};
use tokio::sync::{Mutex, Notify, OwnedMappedMutexGuard, OwnedMutexGuard, watch};

use super::store_error;
use crate::error::ApiError;

/// How a batch ended: committed, or the reason it was not.
type Outcome = Option<Result<(), String>>;

/// The writer of one SQLite database.
#[derive(Debug)]
pub(crate) struct GroupCommit {
    open: Arc<Mutex<Writer>>,
    wake: Arc<Notify>,
    commits: Arc<AtomicU64>,
}

#[derive(Debug, Default)]
pub(crate) struct Writer {
    batch: Option<Batch>,
}

/// The transaction in progress, shared by the calls that joined it.
#[derive(Debug)]
pub(crate) struct Batch {
    tx: Transaction<'static, Sqlite>,
    done: watch::Sender<Outcome>,
    /// A member was dropped inside its savepoint: to roll back before anyone goes on.
    abandoned: bool,
    /// The transaction can no longer commit (a savepoint could not be ended): its members
    /// are told so, and the next call opens a new one.
    broken: Option<String>,
}

/// A call's place in a batch: it holds the writer until it finishes.
#[derive(Debug)]
pub(crate) struct Member {
    batch: OwnedMappedMutexGuard<Writer, Batch>,
    finished: bool,
}

impl Drop for Member {
    fn drop(&mut self) {
        if !self.finished {
            self.batch.abandoned = true;
        }
    }
}

impl GroupCommit {
    /// A writer with its committer task.
    pub(crate) fn new() -> Self {
        let open = Arc::new(Mutex::new(Writer::default()));
        let wake = Arc::new(Notify::new());
        let commits = Arc::new(AtomicU64::new(0));
        tokio::spawn(commit_batches(Arc::downgrade(&open), wake.clone(), commits.clone()));
        GroupCommit { open, wake, commits }
    }

    /// The batches committed since the database was opened.
    pub(crate) fn commits(&self) -> u64 {
        self.commits.load(Ordering::Relaxed)
    }

    /// Joins the open batch (opening one on `pool` when none is), inside a savepoint of its own.
    pub(crate) async fn join(&self, pool: &SqlitePool) -> Result<Member, ApiError> {
        let mut writer = self.open.clone().lock_owned().await;
        tidy(&mut writer).await;
        if writer.batch.is_none() {
            // IMMEDIATE takes the write lock at once, so a transaction never fails half-way
            // when it turns from reading to writing.
            let tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(store_error)?;
            let (done, _) = watch::channel(None);
            writer.batch = Some(Batch { tx, done, abandoned: false, broken: None });
            self.wake.notify_one();
        }
        let mut batch = OwnedMutexGuard::try_map(writer, |w| w.batch.as_mut())
            .map_err(|_| ApiError::internal("the writer's batch vanished while held"))?;
        sqlx::query("SAVEPOINT change").execute(&mut *batch.tx).await.map_err(store_error)?;
        Ok(Member { batch, finished: false })
    }
}

impl Drop for GroupCommit {
    fn drop(&mut self) {
        // The committer finds the writer gone and stops.
        self.wake.notify_one();
    }
}

impl Member {
    /// The connection to write with.
    pub(crate) fn conn(&mut self) -> &mut SqliteConnection {
        &mut self.batch.tx
    }

    /// Ends the call's change, kept or rolled back alone, lets the next call in, and waits
    /// until the batch is durable.
    pub(crate) async fn finish(mut self, keep: bool) -> Result<(), ApiError> {
        let end = if keep { "RELEASE change" } else { "ROLLBACK TO change; RELEASE change" };
        if let Err(e) = sqlx::query(end).execute(&mut *self.batch.tx).await {
            tracing::error!(error = %e, "a change's savepoint could not be ended: the batch fails");
            self.batch.broken = Some(e.to_string());
        }
        self.finished = true;
        let mut done = self.batch.done.subscribe();
        drop(self);
        let outcome = done.wait_for(Option::is_some).await.map(|o| o.clone()).ok().flatten();
        match outcome {
            Some(Ok(())) => Ok(()),
            Some(Err(e)) => {
                tracing::warn!(error = %e, "a batch of changes was not committed");
                Err(ApiError::unavailable(
                    "STORE_UNAVAILABLE",
                    "the change was not committed; retry with the same request_id",
                ))
            }
            None => Err(ApiError::internal("the committer stopped before the batch ended")),
        }
    }
}

/// Rolls back a savepoint a dropped call left, and ends a batch that cannot commit.
async fn tidy(writer: &mut Writer) {
    if let Some(batch) = &mut writer.batch
        && batch.abandoned
    {
        batch.abandoned = false;
        if let Err(e) = sqlx::query("ROLLBACK TO change; RELEASE change").execute(&mut *batch.tx).await {
            batch.broken = Some(format!("a dropped change could not be rolled back: {e}"));
        }
    }
    if writer.batch.as_ref().is_some_and(|b| b.broken.is_some())
        && let Some(batch) = writer.batch.take()
    {
        let reason = batch.broken.clone().unwrap_or_default();
        // Dropping the transaction rolls it back.
        drop(batch.tx);
        batch.done.send_replace(Some(Err(reason)));
    }
}

/// Commits each batch when its turn on the lock comes, behind the calls that were waiting when
/// it was opened; stops when the writer is gone.
async fn commit_batches(open: Weak<Mutex<Writer>>, wake: Arc<Notify>, commits: Arc<AtomicU64>) {
    loop {
        wake.notified().await;
        let Some(open) = open.upgrade() else { return };
        let mut writer = open.lock().await;
        tidy(&mut writer).await;
        let Some(batch) = writer.batch.take() else { continue };
        let result = batch.tx.commit().await.map_err(|e| e.to_string());
        if result.is_ok() {
            commits.fetch_add(1, Ordering::Relaxed);
        }
        batch.done.send_replace(Some(result));
    }
}
