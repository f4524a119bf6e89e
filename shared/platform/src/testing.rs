//! What the tests of every crate that keeps a store share (feature `test-util`, for
//! dev-dependencies only): the backends to run on, and a fresh database per test on either, so
//! a service's or the case kernel's tests run on SQLite and PostgreSQL as the platform's do.

use std::time::Duration;

use sqlx::Connection;

use crate::Clock;
use crate::config::StorageSettings;
use crate::store::{Db, StoreSpec};

/// The PostgreSQL server the tests use when `SHANYRAQ_TEST_POSTGRES` names none.
pub const LOCAL_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// Which backend a test runs on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A SQLite file in a folder of its own.
    Sqlite,
    /// A schema of its own on the server at this URL.
    Postgres(String),
}

/// The PostgreSQL URL of the tests: `SHANYRAQ_TEST_POSTGRES` (`off` skips them; a URL given must
/// answer), else [`LOCAL_POSTGRES`] if it answers.
pub async fn postgres() -> Option<Kind> {
    match std::env::var("SHANYRAQ_TEST_POSTGRES").ok().as_deref() {
        Some("off") => None,
        Some(url) => Some(Kind::Postgres(url.to_owned())),
        None => match sqlx::PgConnection::connect(LOCAL_POSTGRES).await {
            Ok(c) => {
                let _ = c.close().await;
                Some(Kind::Postgres(LOCAL_POSTGRES.to_owned()))
            }
            Err(e) => {
                eprintln!("skipping the PostgreSQL half: {LOCAL_POSTGRES} does not answer ({e})");
                None
            }
        },
    }
}

/// Every backend a test should run on: SQLite, and PostgreSQL unless [`postgres`] says not.
pub async fn backends() -> Vec<Kind> {
    let mut kinds = vec![Kind::Sqlite];
    kinds.extend(postgres().await);
    kinds
}

/// A fresh database for one test: a temporary folder for SQLite, a schema of its own on
/// PostgreSQL, with the platform's, the service's and the shared migrations of `spec` run.
#[derive(Debug)]
pub struct TestDb {
    /// The backend.
    pub kind: Kind,
    /// The settings it was opened with, to open it again.
    pub settings: StorageSettings,
    /// The clock it was opened with.
    pub clock: Clock,
    /// The open database.
    pub db: Db,
    spec: StoreSpec,
}

impl TestDb {
    /// Opens a fresh database of `spec` on `kind`, on the system clock.
    pub async fn new(spec: StoreSpec, kind: Kind) -> TestDb {
        TestDb::with_clock(spec, kind, Clock::system()).await
    }

    /// Opens a fresh database of `spec` on `kind`, on `clock`.
    pub async fn with_clock(spec: StoreSpec, kind: Kind, clock: Clock) -> TestDb {
        let settings = TestDb::settings(&kind);
        let db = Db::open(spec, &settings, clock.clone()).await.unwrap_or_else(|e| panic!("opening {spec:?}: {e}"));
        TestDb { kind, settings, clock, db, spec }
    }

    /// Settings of a database no other test uses, on `kind`.
    pub fn settings(kind: &Kind) -> StorageSettings {
        let unique = uuid::Uuid::new_v4().simple().to_string();
        StorageSettings {
            data_dir: std::env::temp_dir().join(format!("shanyraq-test-{unique}")),
            database_url: match kind {
                Kind::Sqlite => None,
                Kind::Postgres(url) => Some(url.clone()),
            },
            service_urls: Vec::new(),
            schema_prefix: format!("t{}_", &unique[..12]),
            pool_size: 4,
            busy_timeout: Duration::from_secs(5),
            idempotency_retention: Duration::from_secs(86_400),
        }
    }

    /// Another handle on the same database, as a restarted process would open it.
    pub async fn reopen(&self) -> Db {
        Db::open(self.spec, &self.settings, self.clock.clone()).await.unwrap_or_else(|e| panic!("reopening: {e}"))
    }

    /// How many rows `table` holds.
    pub async fn count(&self, table: &str) -> i64 {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let counted: Result<(i64,), sqlx::Error> =
            crate::on_backend!(self.db.reader(), |pool| sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_one(pool).await);
        counted.unwrap_or_else(|e| panic!("counting {table}: {e}")).0
    }

    /// The schema the database lives in on PostgreSQL.
    pub fn schema(&self) -> String {
        format!("{}{}", self.settings.schema_prefix, self.spec.service.replace('-', "_"))
    }

    /// Drops what the test created.
    pub async fn cleanup(self) {
        self.db.close().await;
        match &self.kind {
            Kind::Sqlite => {
                let _ = std::fs::remove_dir_all(&self.settings.data_dir);
            }
            Kind::Postgres(url) => {
                if let Ok(mut c) = sqlx::PgConnection::connect(url).await {
                    let drop = format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema());
                    let _ = sqlx::query(sqlx::AssertSqlSafe(drop)).execute(&mut c).await;
                }
            }
        }
    }
}
