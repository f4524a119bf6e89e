//! Durable state changes per second on each backend: each change is one transaction with a
//! service row, its audit row, its idempotency record and one outbox row (`Db::transact`),
//! beside the raw rate of one-row durable commits on the same database.
//!
//! `cargo bench -p platform --bench transact` (SQLite always; PostgreSQL when
//! `SHANYRAQ_TEST_POSTGRES` names a server or the local one answers). `BENCH_CHANGES` sets
//! the number of changes per run (default 2000).
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use platform::config::StorageSettings;
use platform::principal::Subsystem;
use platform::store::outbox::OutboxMessage;
use platform::store::{Command, Db, StoreSpec, request_hash, store_error};
use platform::{Clock, Principal, on_backend};
use sqlx::migrate::Migrator;
use uuid::Uuid;

static NOTES_SQLITE: Migrator = sqlx::migrate!("./tests/migrations/sqlite");
static NOTES_POSTGRES: Migrator = sqlx::migrate!("./tests/migrations/postgres");
const SPEC: StoreSpec = StoreSpec {
    service: "notes",
    subsystem: Subsystem::Registry,
    sqlite: &NOTES_SQLITE,
    postgres: &NOTES_POSTGRES,
    closed_stages: platform::store::no_cases,
    shared: &[],
};
const METHOD: &str = "/bench.v1.NoteService/AddNote";

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let changes: usize = std::env::var("BENCH_CHANGES").ok().and_then(|v| v.parse().ok()).unwrap_or(2000);
        println!("{changes} changes per run; each change = row + audit + idempotency + outbox, one durable commit");
        println!("{:<11} {:>11} {:>16} {:>16}", "backend", "concurrency", "changes/s", "raw commits/s");
        bench("sqlite", None, changes).await;
        match postgres_url().await {
            Some(url) => bench("postgres", Some(url), changes).await,
            None => println!("postgres: no server answers; skipped"),
        }
    });
}

async fn postgres_url() -> Option<String> {
    use sqlx::Connection;
    let url = std::env::var("SHANYRAQ_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    if url == "off" {
        return None;
    }
    sqlx::PgConnection::connect(&url).await.ok().map(|_| url)
}

async fn bench(name: &str, postgres: Option<String>, changes: usize) {
    for concurrency in [1, 16] {
        let (db, settings) = open(postgres.clone()).await;
        let raw = raw_commits(&db, changes / 2).await;
        let start = Instant::now();
        let mut tasks = Vec::new();
        for worker in 0..concurrency {
            let db = db.clone();
            tasks.push(tokio::spawn(async move {
                for i in (worker..changes).step_by(concurrency) {
                    change(&db, i).await;
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        let rate = changes as f64 / start.elapsed().as_secs_f64();
        println!("{name:<11} {concurrency:>11} {rate:>16.0} {raw:>16.0}");
        cleanup(db, &settings, postgres.as_deref()).await;
    }
}

async fn open(postgres: Option<String>) -> (Db, StorageSettings) {
    let unique = Uuid::new_v4().simple().to_string();
    let settings = StorageSettings {
        data_dir: std::env::temp_dir().join(format!("shanyraq-bench-{unique}")),
        database_url: postgres,
        service_urls: Vec::new(),
        schema_prefix: format!("bench{}_", &unique[..8]),
        pool_size: 16,
        busy_timeout: Duration::from_secs(30),
        idempotency_retention: Duration::from_secs(86_400),
    };
    (Db::open(SPEC, &settings, Clock::system()).await.unwrap(), settings)
}

async fn change(db: &Db, i: usize) {
    let principal =
        Principal { subsystem: Subsystem::OtbasyPortal, official: None, user_iin: None, representative: None };
    let request = format!("note {i}");
    let command = Command::new(principal, METHOD).idempotent(Uuid::new_v4(), request_hash(METHOD, &request));
    db.transact::<String, _>(command, move |tx| {
        Box::pin(async move {
            let id = format!("n{i}");
            on_backend!(tx.conn(), |c| sqlx::query("INSERT INTO notes (id, body) VALUES ($1, $2)")
                .bind(&id)
                .bind(&request)
                .execute(c)
                .await
                .map(|_| ()))
            .map_err(store_error)?;
            tx.audit(&format!("notes/{id}"), "note added").await?;
            tx.enqueue(OutboxMessage::new(Subsystem::Gateway, "/bench.v1.Sink/Take", &id, "bench", &request)).await?;
            Ok(id)
        })
    })
    .await
    .unwrap();
}

/// One-row durable commits, sequential: the floor every change pays.
async fn raw_commits(db: &Db, n: usize) -> f64 {
    let start = Instant::now();
    for i in 0..n {
        let id = format!("raw{i}");
        on_backend!(db.writer(), |pool| {
            let mut tx = pool.begin().await.unwrap();
            sqlx::query("INSERT INTO notes (id, body) VALUES ($1, 'raw')").bind(&id).execute(&mut *tx).await.unwrap();
            tx.commit().await.unwrap();
        });
    }
    n as f64 / start.elapsed().as_secs_f64()
}

async fn cleanup(db: Db, settings: &StorageSettings, postgres: Option<&str>) {
    db.close().await;
    let _ = std::fs::remove_dir_all(&settings.data_dir);
    if let Some(url) = postgres {
        use sqlx::Connection;
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        let schema = format!("{}notes", settings.schema_prefix);
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE"))).execute(&mut c).await.unwrap();
    }
}
