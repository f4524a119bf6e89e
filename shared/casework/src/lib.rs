//! What the housing services' cases share (DESIGN.md "Cases, deadlines and evidence"): request
//! fields checked the same way everywhere, keyset pages, the append-only stage history with the
//! deadline each stage carries, the live watch of a case, and the monitoring reports and
//! notices that leave through the outbox. Each service keeps its cases in its own database:
//! its own `applications` table (with `stage`, `last_sequence`, `updated_at` and the `deadline_*`
//! columns, see [`rows::CaseRow`]) and the kernel's tables beside it ([`CASE_TABLES`]).
#![forbid(unsafe_code)]

pub mod access;
pub mod asked;
pub mod case;
pub mod confirm;
pub mod disclosure;
pub mod documents;
pub mod fields;
pub mod findings;
pub mod gateway;
pub mod history;
pub mod instructions;
pub mod listing;
pub mod paging;
pub mod premise;
pub mod processing;
pub mod reads;
pub mod reopen;
pub mod reporting;
pub mod results;
pub mod rows;
pub mod service;
pub mod standard;
pub mod watch;
pub mod withdraw;

pub use history::{Deadline, EventRow};

static CASE_SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static CASE_POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The tables the kernel keeps in the database of every kind of case, as the platform keeps
/// its own: the stage history (`application_events`), the `findings` and the `documents`. A
/// kind's store names them in its [`platform::store::StoreSpec`]; its own migrations create
/// only its `applications` table and what is its alone.
pub const CASE_TABLES: platform::store::SharedTables =
    platform::store::SharedTables { owner: "casework", sqlite: &CASE_SQLITE, postgres: &CASE_POSTGRES };

/// A refusal ground as the contract carries it (a result, not an error): its record (code,
/// clause, texts in Kazakh, Russian and English) and the sub-reason.
pub fn refusal_ground(ground: law::GroundRecord, reason: &str) -> proto::housing::common::v1::RefusalGround {
    let [kk, ru, en] = ground.texts;
    proto::housing::common::v1::RefusalGround {
        code: ground.code.into(),
        clause: ground.clause.into(),
        reason: reason.into(),
        text_kk: kk.into(),
        text_ru: ru.into(),
        text_en: en.into(),
    }
}
