//! Storage that loses nothing (DESIGN.md "Storage"): what every service's store shares, written
//! once. A service brings its own tables (migrations numbered from 100) and its `Store` trait;
//! this module gives it the database, one transaction per state change with its audit row,
//! idempotency record and outbox rows ([`Db::transact`]), the outbox relay and the sweeper.
//!
//! Two backends behind one handle: SQLite, the embedded default (a file per service; WAL,
//! `synchronous=FULL`, a busy timeout, one writer connection, `BEGIN IMMEDIATE`), and
//! PostgreSQL, the production store (a schema per service). SQL text is the same on both
//! wherever the dialects agree; [`on_backend!`](crate::on_backend) runs one piece of code
//! against whichever backend is open, type-checked for each.

mod group_commit;
pub mod outbox;
pub mod sweeper;
mod write;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, PgConnection, SqliteConnection};
use tokio::sync::Notify;

use crate::clock::Clock;
use crate::config::StorageSettings;
use crate::error::ApiError;
use crate::principal::Subsystem;

pub use write::{Command, Committed, WriteTx, request_hash};

/// The platform's own tables, in every service's database.
static PLATFORM_SQLITE: Migrator = sqlx::migrate!("./migrations/sqlite");
static PLATFORM_POSTGRES: Migrator = sqlx::migrate!("./migrations/postgres");

/// The first migration version a service may use: lower ones belong to the platform.
pub const FIRST_SERVICE_MIGRATION: i64 = 100;

/// The first migration version of the tables a shared crate keeps (see [`SharedTables`]): a
/// service's own migrations are numbered below it.
pub const FIRST_SHARED_MIGRATION: i64 = 9000;

/// One value per backend: a connection, a pool, a transaction.
#[derive(Debug)]
pub enum Backend<S, P> {
    /// SQLite, the embedded default.
    Sqlite(S),
    /// PostgreSQL, the production store.
    Postgres(P),
}

/// A connection inside a write transaction.
pub type Conn<'a> = Backend<&'a mut SqliteConnection, &'a mut PgConnection>;
/// A pool for reads outside transactions.
pub type Reader<'a> = Backend<&'a SqlitePool, &'a PgPool>;

/// Runs `$body` with `$c` bound to the open backend's connection or pool (a [`Conn`] or a
/// [`Reader`]); the body is compiled once per backend, so the same SQL text serves both.
#[macro_export]
macro_rules! on_backend {
    ($handle:expr, |$c:ident| $body:expr) => {
        match $handle {
            $crate::store::Backend::Sqlite($c) => $body,
            $crate::store::Backend::Postgres($c) => $body,
        }
    };
}

/// What a service's database is: its name, its subsystem and its own migrations.
#[derive(Debug, Clone, Copy)]
pub struct StoreSpec {
    /// The service's name: the SQLite file's and the PostgreSQL schema's.
    pub service: &'static str,
    /// The subsystem the service calls others as.
    pub subsystem: Subsystem,
    /// The service's SQLite migrations.
    pub sqlite: &'static Migrator,
    /// The service's PostgreSQL migrations.
    pub postgres: &'static Migrator,
    /// The codes of the stages in which a case of the service waits for nothing (its
    /// deadline no longer runs); [`no_cases`] for a store that keeps no cases.
    pub closed_stages: fn() -> Vec<&'static str>,
    /// The tables shared crates keep in this database (the case kernel's), run after the
    /// service's own migrations.
    pub shared: &'static [SharedTables],
}

/// Tables that a shared crate (the case kernel) keeps in the database of every service that
/// uses it, as the platform keeps its own: migrations numbered from [`FIRST_SHARED_MIGRATION`],
/// so they run after the service's, whose tables they may refer to.
#[derive(Debug, Clone, Copy)]
pub struct SharedTables {
    /// The crate that owns them, named in errors.
    pub owner: &'static str,
    /// Its SQLite migrations.
    pub sqlite: &'static Migrator,
    /// Its PostgreSQL migrations.
    pub postgres: &'static Migrator,
}

/// The closed stages of a store that keeps no cases: none.
pub fn no_cases() -> Vec<&'static str> {
    Vec::new()
}

/// An empty migration set, for a service with no tables of its own yet.
pub static NO_MIGRATIONS: Migrator = Migrator::DEFAULT;

/// A service's database. Cloning shares it.
#[derive(Debug, Clone)]
pub struct Db {
    inner: Arc<DbInner>,
}

#[derive(Debug)]
struct DbInner {
    pools: Backend<SqlitePools, PgPool>,
    spec: StoreSpec,
    clock: Clock,
    /// Woken by every commit that wrote outbox rows, so the relay delivers at once.
    outbox_ready: Notify,
    idempotency_retention: Duration,
}

#[derive(Debug)]
struct SqlitePools {
    /// The single writer: SQLite has one writer at a time anyway, and one connection makes
    /// `BEGIN IMMEDIATE` queue in the pool instead of failing with SQLITE_BUSY.
    writer: SqlitePool,
    /// The state changes' way to the writer: concurrent changes share one commit.
    group: group_commit::GroupCommit,
    /// Readers see committed data alongside the writer (WAL).
    reader: SqlitePool,
}

impl Db {
    /// Opens the service's database as `settings` say, creating it (and its PostgreSQL schema)
    /// if needed, and runs the platform's and the service's migrations.
    pub async fn open(spec: StoreSpec, settings: &StorageSettings, clock: Clock) -> Result<Db, ApiError> {
        check_numbering(&spec)?;
        let url = settings
            .service_urls
            .iter()
            .find(|(s, _)| s == spec.service)
            .map(|(_, url)| url.clone())
            .or_else(|| settings.database_url.clone());
        let (pools, location) = match url {
            Some(url) if url.starts_with("postgres:") || url.starts_with("postgresql:") => {
                let schema = format!("{}{}", settings.schema_prefix, spec.service.replace('-', "_"));
                let pool = open_postgres(&url, &schema, settings.pool_size).await?;
                migrator(&PLATFORM_POSTGRES, spec.postgres, spec.shared.iter().map(|t| t.postgres))
                    .run(&pool)
                    .await
                    .map_err(migrate_error)?;
                (Backend::Postgres(pool), format!("postgres schema {schema}"))
            }
            Some(url) => {
                let options = SqliteConnectOptions::from_str(&url).map_err(|e| {
                    ApiError::internal(format!("{}: {e}", crate::config::service_url_key(spec.service)))
                })?;
                let pools = open_sqlite(options, settings.busy_timeout).await?;
                migrator(&PLATFORM_SQLITE, spec.sqlite, spec.shared.iter().map(|t| t.sqlite))
                    .run(&pools.writer)
                    .await
                    .map_err(migrate_error)?;
                (Backend::Sqlite(pools), url)
            }
            None => {
                let dir = &settings.data_dir;
                std::fs::create_dir_all(dir)
                    .map_err(|e| ApiError::internal(format!("SHANYRAQ_DATA_DIR={}: {e}", dir.display())))?;
                let file = dir.join(format!("{}.db", spec.service));
                let pools = open_sqlite(SqliteConnectOptions::new().filename(&file), settings.busy_timeout).await?;
                migrator(&PLATFORM_SQLITE, spec.sqlite, spec.shared.iter().map(|t| t.sqlite))
                    .run(&pools.writer)
                    .await
                    .map_err(migrate_error)?;
                (Backend::Sqlite(pools), file.display().to_string())
            }
        };
        tracing::info!(service = spec.service, store = %location, "store open");
        Ok(Db {
            inner: Arc::new(DbInner {
                pools,
                spec,
                clock,
                outbox_ready: Notify::new(),
                idempotency_retention: settings.idempotency_retention,
            }),
        })
    }

    /// A pool for reads outside a transaction.
    pub fn reader(&self) -> Reader<'_> {
        match &self.inner.pools {
            Backend::Sqlite(p) => Backend::Sqlite(&p.reader),
            Backend::Postgres(p) => Backend::Postgres(p),
        }
    }

    /// The service this database belongs to.
    pub fn spec(&self) -> StoreSpec {
        self.inner.spec
    }

    /// The clock the database's changes are dated by.
    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    /// Closes the pools: in-flight work finishes, new work is refused.
    pub async fn close(&self) {
        match &self.inner.pools {
            Backend::Sqlite(p) => {
                p.reader.close().await;
                p.writer.close().await;
            }
            Backend::Postgres(p) => p.close().await,
        }
    }

    /// Deletes idempotency records older than the retention; answers how many.
    pub async fn purge_idempotency(&self) -> Result<u64, ApiError> {
        let Ok(retention) = chrono::Duration::from_std(self.inner.idempotency_retention) else { return Ok(0) };
        let cutoff = crate::clock::wall_time() - retention;
        let sql = "DELETE FROM idempotency WHERE created_at < $1";
        let done = match &self.inner.pools {
            Backend::Sqlite(p) => sqlx::query(sql).bind(cutoff).execute(&p.writer).await.map(|r| r.rows_affected()),
            Backend::Postgres(p) => sqlx::query(sql).bind(cutoff).execute(p).await.map(|r| r.rows_affected()),
        };
        done.map_err(store_error)
    }

    /// A transaction without the audit machinery of [`Db::transact`], for the logs that are
    /// themselves the audit (the gateway's evidence chain). State changes use `transact`.
    pub async fn begin(
        &self,
    ) -> Result<Backend<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Transaction<'static, sqlx::Postgres>>, ApiError>
    {
        match &self.inner.pools {
            // IMMEDIATE takes the write lock at once, so a transaction never fails half-way
            // when it turns from reading to writing.
            Backend::Sqlite(p) => p.writer.begin_with("BEGIN IMMEDIATE").await.map(Backend::Sqlite),
            Backend::Postgres(p) => p.begin().await.map(Backend::Postgres),
        }
        .map_err(store_error)
    }

    /// Where a state change writes: a place in the open batch on SQLite (see
    /// [`group_commit`]), a transaction of its own on PostgreSQL, which commits concurrently.
    async fn open_change(
        &self,
    ) -> Result<Backend<group_commit::Member, sqlx::Transaction<'static, sqlx::Postgres>>, ApiError> {
        match &self.inner.pools {
            Backend::Sqlite(p) => p.group.join(&p.writer).await.map(Backend::Sqlite),
            Backend::Postgres(p) => p.begin().await.map(Backend::Postgres).map_err(store_error),
        }
    }

    /// How many batches of changes SQLite committed since the database was opened (for the
    /// benchmarks and the tests of group commit); `None` on PostgreSQL, where each change
    /// commits on its own.
    pub fn commits(&self) -> Option<u64> {
        match &self.inner.pools {
            Backend::Sqlite(p) => Some(p.group.commits()),
            Backend::Postgres(_) => None,
        }
    }

    pub(crate) fn outbox_ready(&self) -> &Notify {
        &self.inner.outbox_ready
    }

    /// The pool that writes: for the platform's own maintenance and for benchmarks. State
    /// changes go through [`Db::transact`], which writes the audit row with them.
    pub fn writer(&self) -> Backend<&SqlitePool, &PgPool> {
        match &self.inner.pools {
            Backend::Sqlite(p) => Backend::Sqlite(&p.writer),
            Backend::Postgres(p) => Backend::Postgres(p),
        }
    }
}

/// Holds each set of migrations to its range: the platform's below [`FIRST_SERVICE_MIGRATION`],
/// the service's from there to [`FIRST_SHARED_MIGRATION`], the shared crates' from there on,
/// no version used twice.
fn check_numbering(spec: &StoreSpec) -> Result<(), ApiError> {
    let service = spec.sqlite.iter().chain(spec.postgres.iter()).map(|m| (spec.service, m.version, false));
    let shared = spec.shared.iter().flat_map(|t| t.sqlite.iter().map(move |m| (t.owner, m.version, true)));
    let mut seen = std::collections::BTreeMap::new();
    for (owner, version, is_shared) in service.chain(shared) {
        let range =
            if is_shared { FIRST_SHARED_MIGRATION..i64::MAX } else { FIRST_SERVICE_MIGRATION..FIRST_SHARED_MIGRATION };
        if !range.contains(&version) {
            return Err(ApiError::internal(format!(
                "{}: migration {version} of {owner} is numbered outside {}..{}",
                spec.service, range.start, range.end
            )));
        }
        if let Some(other) = seen.insert(version, owner)
            && other != owner
        {
            return Err(ApiError::internal(format!(
                "{}: migration {version} is numbered by both {other} and {owner}",
                spec.service
            )));
        }
    }
    Ok(())
}

fn migrator<'a>(platform: &Migrator, service: &Migrator, shared: impl Iterator<Item = &'a Migrator>) -> Migrator {
    let shared = shared.flat_map(|m| m.iter());
    Migrator::with_migrations(platform.iter().chain(service.iter()).chain(shared).cloned().collect())
}

fn migrate_error(e: sqlx::migrate::MigrateError) -> ApiError {
    ApiError::internal(format!("migrations: {e}"))
}

/// Each SQLite connection's page cache: 16 MiB (five connections a database at most).
const SQLITE_CACHE_KIB: &str = "-16384";

async fn open_sqlite(options: SqliteConnectOptions, busy_timeout: Duration) -> Result<SqlitePools, ApiError> {
    let options = options
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(busy_timeout)
        .foreign_keys(true)
        // Every change runs in a savepoint of the group commit (group_commit.rs), whose
        // sub-journal SQLite keeps in a temporary file unless told otherwise: in memory it
        // costs no write and no read back (a sub-journal holds the pages of one change).
        .pragma("temp_store", "memory")
        // The page cache of each connection, in KiB (negative: a size, not a page count): the
        // default 2 MiB let the writer read back from the file pages it had just written.
        .pragma("cache_size", SQLITE_CACHE_KIB);
    let writer = SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .connect_with(options.clone())
        .await
        .map_err(store_error)?;
    let reader =
        SqlitePoolOptions::new().max_connections(4).connect_with(options.read_only(true)).await.map_err(store_error)?;
    Ok(SqlitePools { writer, group: group_commit::GroupCommit::new(), reader })
}

async fn open_postgres(url: &str, schema: &str, pool_size: u32) -> Result<PgPool, ApiError> {
    if schema.is_empty() || !schema.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
        return Err(ApiError::internal(format!("schema name {schema:?}: use lowercase letters, digits and _")));
    }
    let options = PgConnectOptions::from_str(url).map_err(|e| ApiError::internal(format!("DATABASE_URL: {e}")))?;
    let mut connection = PgConnection::connect_with(&options).await.map_err(store_error)?;
    // The name is checked above to be a plain identifier, so it can be spliced in.
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA IF NOT EXISTS {schema}")))
        .execute(&mut connection)
        .await
        .map_err(store_error)?;
    connection.close().await.map_err(store_error)?;
    PgPoolOptions::new()
        .max_connections(pool_size)
        .connect_with(options.options([("search_path", schema)]))
        .await
        .map_err(store_error)
}

/// A database failure as the caller sees it: UNAVAILABLE when retrying may help, INTERNAL
/// otherwise (logged whole, shown as an incident id).
pub fn store_error(e: sqlx::Error) -> ApiError {
    match e {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::WorkerCrashed => {
            tracing::warn!(error = %e, "store unavailable");
            ApiError::unavailable("STORE_UNAVAILABLE", "the store is unavailable; retry with the same request_id")
        }
        sqlx::Error::Database(db) if db.code().is_some_and(|c| CONFLICT_CODES.contains(&c.as_ref())) => {
            // A conflict with a concurrent change undid this one whole: nothing of it stays,
            // and the same request (same request_id) may simply be sent again.
            tracing::warn!(error = %db, "change undone by a concurrent one");
            ApiError::aborted(
                "STORE_CONFLICT",
                "the change met a concurrent one and was undone; retry with the same request_id",
            )
            .retry_after(CONFLICT_RETRY)
        }
        other => ApiError::internal(other),
    }
}

/// The codes of a change undone by a concurrent one: PostgreSQL's serialization failure and
/// deadlock (SQLSTATE 40001, 40P01), SQLite's busy and locked (5, 6, and busy's extended codes
/// 261, 517). Transient: never an internal error.
const CONFLICT_CODES: [&str; 6] = ["40001", "40P01", "5", "6", "261", "517"];

/// How long a caller waits before resending a change undone by a conflict.
const CONFLICT_RETRY: Duration = Duration::from_millis(50);

#[cfg(test)]
mod conflict_tests {
    use super::*;

    /// A database error with a code, as a driver reports one.
    #[derive(Debug)]
    struct Coded(&'static str);

    impl std::fmt::Display for Coded {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "error {}", self.0)
        }
    }

    impl std::error::Error for Coded {}

    impl sqlx::error::DatabaseError for Coded {
        fn message(&self) -> &str {
            self.0
        }
        fn code(&self) -> Option<std::borrow::Cow<'_, str>> {
            Some(self.0.into())
        }
        fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
            self
        }
        fn kind(&self) -> sqlx::error::ErrorKind {
            sqlx::error::ErrorKind::Other
        }
    }

    #[test]
    fn a_deadlock_or_a_serialization_failure_is_a_conflict_to_retry_not_an_internal_error() {
        for code in ["40001", "40P01", "5", "517"] {
            let e = store_error(sqlx::Error::Database(Box::new(Coded(code))));
            assert_eq!((e.code(), e.reason()), (tonic::Code::Aborted, "STORE_CONFLICT"), "{code}");
        }
        let other = store_error(sqlx::Error::Database(Box::new(Coded("23505"))));
        assert_eq!(other.code(), tonic::Code::Internal);
    }
}

#[cfg(test)]
mod tests {
    use sqlx::SqlSafeStr as _;
    use sqlx::migrate::{Migration, MigrationType};

    use super::*;

    fn set(versions: &[i64]) -> &'static Migrator {
        let migrations = versions
            .iter()
            .map(|v| Migration::new(*v, "m".into(), MigrationType::Simple, "SELECT 1".into_sql_str(), false))
            .collect();
        Box::leak(Box::new(Migrator::with_migrations(migrations)))
    }

    fn spec(service: &[i64], shared: &[i64]) -> StoreSpec {
        let shared = SharedTables { owner: "kernel", sqlite: set(shared), postgres: set(shared) };
        StoreSpec {
            service: "s",
            subsystem: Subsystem::Registry,
            sqlite: set(service),
            postgres: set(service),
            closed_stages: no_cases,
            shared: Box::leak(Box::new([shared])),
        }
    }

    #[test]
    fn each_set_of_migrations_keeps_to_its_range_so_shared_tables_come_after_the_services() {
        assert!(check_numbering(&spec(&[100, 101], &[9000])).is_ok());
        assert!(check_numbering(&spec(&[3], &[9000])).is_err(), "the platform's range");
        assert!(check_numbering(&spec(&[100, 9000], &[9001])).is_err(), "the shared range");
        assert!(check_numbering(&spec(&[100], &[8999])).is_err(), "a shared migration before a service's");
    }
}
