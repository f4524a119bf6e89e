//! The storage guarantees, on SQLite and on PostgreSQL: a change commits with its audit row,
//! idempotency record and outbox rows or not at all; a retry gets the first answer back, also
//! after a restart; the outbox reaches an idempotent receiver once, across a SIGKILL of the
//! sender and with several relays; each due job runs once with several sweepers, and the
//! sweeper wakes when the clock moves.
#![allow(clippy::unwrap_used)]

mod support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use platform::config::OutboxSettings;
use platform::principal::Subsystem;
use platform::store::outbox::{Destinations, OutboxMessage, Relay};
use platform::store::sweeper::Sweeper;
use platform::store::{Command, Committed, Db, request_hash, store_error};
use platform::{ApiError, Principal, on_backend};
use support::{DELIVER, Kind, TestDb, eventually, start_receiver};
use tokio::sync::{mpsc, oneshot, watch};
use uuid::Uuid;

const ADD_NOTE: &str = "/test.v1.NoteService/AddNote";
const LIMIT: Duration = Duration::from_secs(60);

/// The caller of the tests' changes: a portal, so that the envelope's sender (the service,
/// `registry`) is seen to differ from who made the change.
fn principal() -> Principal {
    Principal {
        subsystem: Subsystem::OtbasyPortal,
        official: None,
        user_iin: Some("791028302728".into()),
        representative: None,
    }
}

/// The state change of the tests: a note, its audit row and one outbox message; the
/// response carries a fresh id, so a replay is recognizable as the first answer.
async fn add_note(db: &Db, request_id: Option<Uuid>, id: &str, body: &str) -> Result<Committed<String>, ApiError> {
    let request = format!("{id}:{body}");
    let mut command = Command::new(principal(), ADD_NOTE);
    if let Some(request_id) = request_id {
        command = command.idempotent(request_id, request_hash(ADD_NOTE, &request));
    }
    let (id, body) = (id.to_owned(), body.to_owned());
    db.transact(command, move |tx| {
        Box::pin(async move {
            insert_note(tx, &id, &body).await?;
            tx.audit(&format!("notes/{id}"), "note added").await?;
            tx.enqueue(OutboxMessage::new(Subsystem::Gateway, DELIVER, &format!("notes/{id}"), "test", &body)).await?;
            Ok(format!("notes/{id}#{}", Uuid::new_v4()))
        })
    })
    .await
}

async fn insert_note(tx: &mut platform::store::WriteTx, id: &str, body: &str) -> Result<(), ApiError> {
    on_backend!(tx.conn(), |c| sqlx::query("INSERT INTO notes (id, body) VALUES ($1, $2)")
        .bind(id)
        .bind(body)
        .execute(c)
        .await
        .map(|_| ()))
    .map_err(store_error)
}

async fn counts(t: &TestDb) -> (i64, i64, i64) {
    (t.count("notes").await, t.count("audit").await, t.count("outbox").await)
}

fn relay_settings(batch: u32, lease: Duration) -> OutboxSettings {
    OutboxSettings {
        poll: Duration::from_millis(50),
        batch,
        lease,
        max_backoff: Duration::from_secs(1),
        delivery_timeout: Duration::from_secs(5),
        max_attempts: 25,
    }
}

/// Runs each named test once per backend; the PostgreSQL half is skipped, saying so, where
/// no server answers and SHANYRAQ_TEST_POSTGRES does not name one.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                super::$name(super::Kind::Sqlite).await
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                if let Some(kind) = super::support::postgres().await {
                    super::$name(kind).await
                }
            })*
        }
    };
}

on_both_backends!(
    a_failed_change_leaves_neither_the_change_nor_its_audit_nor_its_outbox_row,
    an_interrupted_transaction_leaves_nothing,
    a_change_without_an_audit_row_is_refused,
    a_retry_gets_the_first_answer_back_even_after_a_restart,
    a_reused_request_id_with_another_payload_is_refused,
    concurrent_retries_of_one_request_commit_once,
    expired_idempotency_records_are_purged,
    a_receiver_accepts_each_message_once,
    the_relay_delivers_once_across_a_sigkill_of_the_sender,
    two_relays_never_deliver_a_row_twice,
    two_sweepers_never_run_a_job_twice,
    the_sweeper_wakes_when_the_clock_advances,
    a_failing_job_stays_due_with_its_error,
    concurrent_changes_commit_together_and_one_that_hits_a_unique_index_is_rolled_back_alone,
);

async fn a_failed_change_leaves_neither_the_change_nor_its_audit_nor_its_outbox_row(kind: Kind) {
    let t = TestDb::new(support::SPEC, kind).await;
    let result =
        t.db.transact::<String, _>(Command::new(principal(), ADD_NOTE), |tx| {
            Box::pin(async move {
                insert_note(tx, "n1", "body").await?;
                tx.audit("notes/n1", "note added").await?;
                tx.enqueue(OutboxMessage::new(Subsystem::Gateway, DELIVER, "notes/n1", "test", &String::new())).await?;
                Err(ApiError::failed_precondition("REFUSED_AFTER_WRITING", "the rule said no"))
            })
        })
        .await;
    assert_eq!(result.unwrap_err().reason(), "REFUSED_AFTER_WRITING");
    assert_eq!(counts(&t).await, (0, 0, 0));
    t.cleanup().await;
}

async fn an_interrupted_transaction_leaves_nothing(kind: Kind) {
    let t = TestDb::new(support::SPEC, kind).await;
    let (written_tx, written) = oneshot::channel::<()>();
    let db = t.db.clone();
    let task = tokio::spawn(async move {
        db.transact::<String, _>(Command::new(principal(), ADD_NOTE), move |tx| {
            Box::pin(async move {
                insert_note(tx, "n1", "body").await?;
                tx.audit("notes/n1", "note added").await?;
                tx.enqueue(OutboxMessage::new(Subsystem::Gateway, DELIVER, "notes/n1", "test", &String::new())).await?;
                let _ = written_tx.send(());
                std::future::pending::<()>().await;
                Ok(String::new())
            })
        })
        .await
    });
    written.await.unwrap();
    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());
    // The next change on the same database commits alone.
    add_note(&t.db, None, "n2", "after").await.unwrap();
    assert_eq!(counts(&t).await, (1, 1, 1));
    t.cleanup().await;
}

async fn a_change_without_an_audit_row_is_refused(kind: Kind) {
    let t = TestDb::new(support::SPEC, kind).await;
    let result =
        t.db.transact::<String, _>(Command::new(principal(), ADD_NOTE), |tx| {
            Box::pin(async move {
                insert_note(tx, "n1", "body").await?;
                Ok(String::new())
            })
        })
        .await;
    assert_eq!(result.unwrap_err().code(), tonic::Code::Internal);
    assert_eq!(counts(&t).await, (0, 0, 0));
    t.cleanup().await;
}

async fn a_retry_gets_the_first_answer_back_even_after_a_restart(kind: Kind) {
    let mut t = TestDb::new(support::SPEC, kind).await;
    let request_id = Uuid::new_v4();
    let first = add_note(&t.db, Some(request_id), "n1", "body").await.unwrap();
    assert!(!first.replayed);
    t.db.close().await;

    t.db = t.reopen().await;
    let retry = add_note(&t.db, Some(request_id), "n1", "body").await.unwrap();
    assert!(retry.replayed);
    assert_eq!(retry.response, first.response, "the first response, not a new one");
    assert_eq!(counts(&t).await, (1, 1, 1));
    t.cleanup().await;
}

async fn a_reused_request_id_with_another_payload_is_refused(kind: Kind) {
    let t = TestDb::new(support::SPEC, kind).await;
    let request_id = Uuid::new_v4();
    add_note(&t.db, Some(request_id), "n1", "body").await.unwrap();
    let reused = add_note(&t.db, Some(request_id), "n2", "other").await.unwrap_err();
    assert_eq!(reused.code(), tonic::Code::AlreadyExists);
    assert_eq!(reused.reason(), "REQUEST_ID_REUSED");
    let status: tonic::Status = reused.into();
    use tonic_types::StatusExt;
    assert_eq!(status.get_error_details().bad_request().unwrap().field_violations[0].field, "request_id");
    assert_eq!(counts(&t).await, (1, 1, 1));
    t.cleanup().await;
}

async fn concurrent_retries_of_one_request_commit_once(kind: Kind) {
    let t = TestDb::new(support::SPEC, kind).await;
    let request_id = Uuid::new_v4();
    let (a, b) =
        tokio::join!(add_note(&t.db, Some(request_id), "n1", "body"), add_note(&t.db, Some(request_id), "n1", "body"));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.response, b.response);
    assert!(a.replayed != b.replayed, "one committed, the other got its answer");
    assert_eq!(counts(&t).await, (1, 1, 1));
    t.cleanup().await;
}

async fn expired_idempotency_records_are_purged(kind: Kind) {
    let mut t = TestDb::new(support::SPEC, kind).await;
    add_note(&t.db, Some(Uuid::new_v4()), "n1", "body").await.unwrap();
    assert_eq!(t.db.purge_idempotency().await.unwrap(), 0, "a day's retention keeps it");
    t.settings.idempotency_retention = Duration::from_nanos(1);
    let short = t.reopen().await;
    assert_eq!(short.purge_idempotency().await.unwrap(), 1);
    assert_eq!(t.count("idempotency").await, 0);
    short.close().await;
    t.cleanup().await;
}

async fn a_receiver_accepts_each_message_once(kind: Kind) {
    let t = TestDb::new(support::SPEC, kind).await;
    let mut answers = Vec::new();
    for _ in 0..2 {
        let accepted =
            t.db.transact::<String, _>(Command::new(principal(), "/test.v1.Receiver/Deliver"), |tx| {
                Box::pin(async move {
                    let new = tx.accept_once("registry", "8f2c5f8e-1d5c-4a51-9f0e-7c1f0a0b0c0d", b"payload").await?;
                    tx.audit("inbox", if new { "applied" } else { "dropped a redelivery" }).await?;
                    Ok(new.to_string())
                })
            })
            .await
            .unwrap();
        answers.push(accepted.response);
    }
    assert_eq!(answers, ["true", "false"]);
    let reused =
        t.db.transact::<String, _>(Command::new(principal(), "/test.v1.Receiver/Deliver"), |tx| {
            Box::pin(async move {
                tx.accept_once("registry", "8f2c5f8e-1d5c-4a51-9f0e-7c1f0a0b0c0d", b"another payload").await?;
                tx.audit("inbox", "applied").await?;
                Ok(String::new())
            })
        })
        .await
        .unwrap_err();
    assert_eq!(reused.reason(), "MESSAGE_ID_REUSED");
    t.cleanup().await;
}

async fn the_relay_delivers_once_across_a_sigkill_of_the_sender(kind: Kind) {
    const MESSAGES: usize = 30;
    let t = TestDb::new(support::SPEC, kind.clone()).await;
    for i in 0..MESSAGES {
        add_note(&t.db, None, &format!("n{i}"), "body").await.unwrap();
    }
    // Each delivery takes 100 ms at the receiver, so the kill lands mid-way.
    let (receiver, arrivals) = start_receiver(Duration::from_millis(100)).await;
    let sender = || {
        let mut command = std::process::Command::new(std::env::current_exe().unwrap());
        command
            .args(["--ignored", "--exact", "relay_child_process", "--nocapture"])
            .env("CHILD_RECEIVER", &receiver)
            .env("CHILD_DIR", &t.settings.data_dir)
            .env("CHILD_PREFIX", &t.settings.schema_prefix)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        if let Kind::Postgres(url) = &kind {
            command.env("CHILD_POSTGRES", url);
        }
        command.spawn().unwrap()
    };

    let mut first = sender();
    eventually(LIMIT, "the first sender delivers some", async || arrivals.lock().unwrap().all.len() >= 8).await;
    first.kill().unwrap(); // SIGKILL
    first.wait().unwrap();
    let pending = t.db.outbox_state().await.unwrap().pending;
    assert!(pending > 0, "the kill must land before the end for the test to mean anything");

    let mut second = sender();
    eventually(LIMIT, "the restarted sender delivers the rest", async || {
        t.db.outbox_state().await.unwrap().pending == 0
    })
    .await;
    second.kill().unwrap();
    second.wait().unwrap();
    let state = t.db.outbox_state().await.unwrap();
    assert_eq!((state.pending, state.delivered), (0, MESSAGES as i64), "every row marked delivered");

    {
        let arrivals = arrivals.lock().unwrap();
        assert_eq!(arrivals.applied.len(), MESSAGES, "every message applied once, none lost");
        // A delivery cut by the kill arrived without being applied, or was applied and its
        // answer lost: either way it came again, and the receiver applied it at most once.
        assert!(arrivals.applied.keys().all(|(client, _)| client == "registry"), "the envelope names the sender");
    }
    t.cleanup().await;
}

/// The sender process of the SIGKILL test: a relay over the parent's database.
#[tokio::test]
#[ignore = "started by the_relay_delivers_once_across_a_sigkill_of_the_sender as its sender process"]
async fn relay_child_process() {
    let Ok(receiver) = std::env::var("CHILD_RECEIVER") else { return };
    let settings = platform::config::StorageSettings {
        data_dir: std::env::var("CHILD_DIR").unwrap().into(),
        database_url: std::env::var("CHILD_POSTGRES").ok(),
        service_urls: Vec::new(),
        schema_prefix: std::env::var("CHILD_PREFIX").unwrap(),
        pool_size: 2,
        busy_timeout: Duration::from_secs(5),
        idempotency_retention: Duration::from_secs(86_400),
    };
    let db = Db::open(support::SPEC, &settings, platform::Clock::system()).await.unwrap();
    let relay = Relay::new(db, Destinations::new(receiver, &[], None), relay_settings(5, Duration::from_secs(1)));
    let (_keep, never) = watch::channel(false);
    relay.run(never).await;
}

async fn two_relays_never_deliver_a_row_twice(kind: Kind) {
    const MESSAGES: usize = 40;
    let t = TestDb::new(support::SPEC, kind).await;
    for i in 0..MESSAGES {
        add_note(&t.db, None, &format!("n{i}"), "body").await.unwrap();
    }
    let (receiver, arrivals) = start_receiver(Duration::from_millis(5)).await;
    let (stop, stopped) = watch::channel(false);
    let mut relays = Vec::new();
    for _ in 0..2 {
        let replica = t.reopen().await;
        let relay = Relay::new(
            replica,
            Destinations::new(receiver.clone(), &[], None),
            relay_settings(4, Duration::from_secs(30)),
        );
        relays.push(tokio::spawn(relay.run(stopped.clone())));
    }
    eventually(LIMIT, "the relays deliver everything", async || t.db.outbox_state().await.unwrap().pending == 0).await;
    stop.send(true).unwrap();
    for relay in relays {
        relay.await.unwrap();
    }
    {
        let arrivals = arrivals.lock().unwrap();
        assert_eq!(arrivals.all.len(), MESSAGES, "no row was delivered twice");
        assert_eq!(arrivals.applied.len(), MESSAGES);
    }
    t.cleanup().await;
}

async fn schedule(db: &Db, kind: &str, subject: &str, due_at: chrono::DateTime<chrono::Utc>) {
    let (kind, subject) = (kind.to_owned(), subject.to_owned());
    db.transact::<String, _>(Command::new(principal(), "/test.v1.NoteService/Schedule"), move |tx| {
        Box::pin(async move {
            tx.schedule(&kind, &subject, due_at).await?;
            tx.schedule(&kind, &subject, due_at).await?; // the same job twice is one job
            tx.audit(&subject, "deadline registered").await?;
            Ok(String::new())
        })
    })
    .await
    .unwrap();
}

async fn two_sweepers_never_run_a_job_twice(kind: Kind) {
    const JOBS: usize = 40;
    let t = TestDb::new(support::SPEC, kind).await;
    let now = t.clock.now();
    for i in 0..JOBS {
        schedule(&t.db, "STAGE_DEADLINE", &format!("notes/n{i}"), now).await;
    }
    assert_eq!(t.count("jobs").await, JOBS as i64);
    let runs: Arc<Mutex<HashMap<String, u32>>> = Arc::default();
    let sweeper = |db: Db| {
        let runs = runs.clone();
        Sweeper::new(db, Duration::from_secs(3600)).handle("STAGE_DEADLINE", move |tx, job| {
            let runs = runs.clone();
            Box::pin(async move {
                tx.audit(&job.subject, "stage deadline breached").await?;
                *runs.lock().unwrap().entry(job.subject.clone()).or_default() += 1;
                Ok(())
            })
        })
    };
    let (a, b) = (sweeper(t.reopen().await), sweeper(t.reopen().await));
    let sweep_all = |s: Sweeper| async move { while s.sweep().await.unwrap() > 0 {} };
    tokio::join!(sweep_all(a), sweep_all(b));
    let runs = runs.lock().unwrap().clone();
    assert_eq!(runs.len(), JOBS, "every job ran");
    assert!(runs.values().all(|&n| n == 1), "no job ran twice: {runs:?}");
    // One audit row per scheduling change and one per run.
    assert_eq!(t.count("audit").await, 2 * JOBS as i64);
    t.cleanup().await;
}

async fn the_sweeper_wakes_when_the_clock_advances(kind: Kind) {
    let t = TestDb::new(support::SPEC, kind).await;
    let start = chrono::DateTime::parse_from_rfc3339("2026-03-12T09:00:00+05:00").unwrap().to_utc();
    t.clock.set(start);
    schedule(&t.db, "STAGE_DEADLINE", "notes/n1", start + chrono::Duration::days(3)).await;
    let (ran_tx, mut ran) = mpsc::unbounded_channel();
    // An hour's interval: only the clock's move can wake it in time.
    let sweeper = Sweeper::new(t.db.clone(), Duration::from_secs(3600)).handle("STAGE_DEADLINE", move |tx, job| {
        let ran_tx = ran_tx.clone();
        Box::pin(async move {
            tx.audit(&job.subject, "stage deadline breached").await?;
            let _ = ran_tx.send((job.subject.clone(), tx.now()));
            Ok(())
        })
    });
    assert_eq!(sweeper.sweep().await.unwrap(), 0, "not due yet");
    let (stop, stopped) = watch::channel(false);
    let running = tokio::spawn(sweeper.run(stopped));
    t.clock.advance(chrono::Duration::days(3)).unwrap();
    let (subject, at) = tokio::time::timeout(LIMIT, ran.recv()).await.expect("the sweeper woke on the clock").unwrap();
    assert_eq!(subject, "notes/n1");
    assert_eq!(at, start + chrono::Duration::days(3), "the job ran at the clock's time");
    stop.send(true).unwrap();
    running.await.unwrap();
    t.cleanup().await;
}

async fn a_failing_job_stays_due_with_its_error(kind: Kind) {
    let t = TestDb::new(support::SPEC, kind).await;
    schedule(&t.db, "MONTHLY_ACCRUAL", "subsidy/applications/1", t.clock.now()).await;
    let sweeper = Sweeper::new(t.db.clone(), Duration::from_secs(3600)).handle("MONTHLY_ACCRUAL", |_, _| {
        Box::pin(async { Err(ApiError::unavailable("GATEWAY_DOWN", "the gateway did not answer")) })
    });
    assert_eq!(sweeper.sweep().await.unwrap(), 1);
    let (done, attempts, error): (Option<String>, i64, Option<String>) =
        on_backend!(t.db.reader(), |pool| sqlx::query_as(
            "SELECT CAST(done_at AS TEXT), attempts, last_error FROM jobs"
        )
        .fetch_one(pool)
        .await
        .unwrap());
    assert_eq!((done, attempts), (None, 1));
    assert!(error.unwrap().contains("GATEWAY_DOWN"));
    assert_eq!(sweeper.sweep().await.unwrap(), 0, "it waits out its backoff");
    t.cleanup().await;
}

async fn concurrent_changes_commit_together_and_one_that_hits_a_unique_index_is_rolled_back_alone(kind: Kind) {
    let t = TestDb::new(support::SPEC, kind).await;
    add_note(&t.db, None, "n0", "first").await.unwrap();
    let before = t.db.commits();
    // Forty changes at once; one of them writes a note whose id is taken.
    let changes = (1..=40).map(|i| {
        let db = t.db.clone();
        let id = if i == 20 { "n0".to_owned() } else { format!("n{i}") };
        tokio::spawn(async move { add_note(&db, None, &id, "body").await })
    });
    let changes: Vec<_> = changes.collect();
    let mut failed = Vec::new();
    for (i, change) in changes.into_iter().enumerate() {
        if let Err(e) = change.await.unwrap() {
            failed.push((i + 1, e.code()));
        }
    }
    assert_eq!(failed, [(20, tonic::Code::Internal)], "only the colliding change fails");
    assert_eq!(counts(&t).await, (40, 40, 40), "the others, each with its audit and outbox rows");
    if let (Some(before), Some(after)) = (before, t.db.commits()) {
        // SQLite: concurrent changes shared commits (each is answered only after its own).
        assert!(after - before < 40, "{} commits for 40 changes", after - before);
    }
    t.cleanup().await;
}
