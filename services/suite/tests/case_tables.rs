//! The case kernel's tables (casework::CASE_TABLES) are one shape in every service: the four
//! services that made theirs before the kernel did so in their own first migrations, which may
//! not change (sqlx checks their checksums), so this test holds their columns to the kernel's,
//! on both backends, and shows that the kernel's migration gave each what it lacked.
#![allow(clippy::unwrap_used)]

use platform::Subsystem;
use platform::store::{Backend, StoreSpec};
use platform::testing::{TestDb, backends};
use sqlx::migrate::Migrator;

static BARE_SQLITE: Migrator = sqlx::migrate!("./tests/migrations/sqlite");
static BARE_POSTGRES: Migrator = sqlx::migrate!("./tests/migrations/postgres");

/// A kind with no table of its own but `applications`: its case tables are the kernel's alone.
const BARE: StoreSpec = StoreSpec {
    service: "bare",
    subsystem: Subsystem::Registry,
    sqlite: &BARE_SQLITE,
    postgres: &BARE_POSTGRES,
    closed_stages: platform::store::no_cases,
    shared: &[casework::CASE_TABLES],
};

const CASE_TABLES: [&str; 3] = ["application_events", "findings", "documents"];

/// A column as both backends can tell it: name, type, whether it may be empty.
type Column = (String, String, bool);

async fn columns(t: &TestDb, table: &str) -> Vec<Column> {
    let mut columns: Vec<Column> = match t.db.reader() {
        Backend::Sqlite(pool) => {
            let sql = format!("SELECT name, type, \"notnull\" = 0 FROM pragma_table_info('{table}')");
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await.unwrap()
        }
        Backend::Postgres(pool) => sqlx::query_as(
            "SELECT column_name::TEXT, data_type::TEXT, is_nullable = 'YES' FROM information_schema.columns \
             WHERE table_schema = $1 AND table_name = $2",
        )
        .bind(t.schema())
        .bind(table)
        .fetch_all(pool)
        .await
        .unwrap(),
    };
    columns.sort();
    columns
}

#[tokio::test]
async fn every_service_keeps_the_kernels_case_tables_in_the_kernels_shape() {
    for kind in backends().await {
        let kernel = TestDb::new(BARE, kind.clone()).await;
        for spec in [registry::STORE, privatization::STORE, rent_subsidy::STORE, complaints::STORE] {
            assert_eq!(spec.shared.len(), 1, "{} keeps the kernel's tables", spec.service);
            let service = TestDb::new(spec, kind.clone()).await;
            for table in CASE_TABLES {
                let expected = columns(&kernel, table).await;
                assert!(!expected.is_empty(), "the kernel makes {table}");
                assert_eq!(columns(&service, table).await, expected, "{} {table} on {kind:?}", spec.service);
            }
            service.cleanup().await;
        }
        kernel.cleanup().await;
    }
}
