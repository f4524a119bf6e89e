//! Privatization's tables: the only place that writes SQL. Writes take the change's
//! [`WriteTx`]; reads take the database's reader. The SQL text is the same on SQLite and
//! PostgreSQL; the stage history is `casework`'s.

use crate::domain::{Fund, Stage};
use casework::history::BindDeadline as _;
use chrono::{DateTime, Utc};
use platform::store::{Db, WriteTx, store_error};
use platform::{ApiError, on_backend};

pub use casework::documents::kinds as document_kinds;
pub use casework::findings::{FindingRow, add as add_findings, of as findings, of_in as findings_in};
pub use casework::history::{Deadline, EventRow, events, insert_event, record_stage};

/// An application as it is filed.
#[derive(Debug, Clone)]
pub struct NewApplication {
    pub applicant_iin: String,
    /// The applicant's name as the population register records it.
    pub applicant_name: String,
    /// The representative's name, when one acts.
    pub representative_name: Option<String>,
    /// The representative: IIN, basis code, basis reference.
    pub representative: Option<(String, String, String)>,
    pub channel: String,
    pub office_id: Option<String>,
    pub dwelling_id: String,
    pub fund_kind: String,
    pub settlement_kato: String,
    pub received_at: DateTime<Utc>,
    pub accepted_at: DateTime<Utc>,
    pub accepted_on: String,
    pub deadline: Deadline,
    /// The documents: kind, media type, SHA-256, content.
    pub documents: Vec<(String, String, String, Vec<u8>)>,
    /// Who confirmed, and how (`EDS:<serial>` or `OTP`).
    pub confirmed: Vec<(String, String)>,
}

/// What an application shows beside its row.
#[derive(Debug, Clone, Default)]
pub struct Parts {
    /// Its findings.
    pub findings: Vec<FindingRow>,
    /// Who confirmed it.
    pub family: Vec<String>,
    /// Its documents' kinds.
    pub document_kinds: Vec<String>,
    /// Whether it waits for the state systems' data (accepted at a counter while the gateway
    /// was away).
    pub awaiting_state_data: bool,
}

/// An application as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ApplicationRow {
    pub id: i64,
    pub business_id: String,
    pub applicant_iin: String,
    pub representative_iin: Option<String>,
    pub representative_basis: Option<String>,
    pub representative_reference: Option<String>,
    pub channel: String,
    pub office_id: Option<String>,
    pub dwelling_id: String,
    #[sqlx(try_from = "String")]
    pub fund_kind: Fund,
    pub settlement_kato: String,
    #[sqlx(try_from = "String")]
    pub stage: Stage,
    pub received_at: DateTime<Utc>,
    pub accepted_at: DateTime<Utc>,
    pub accepted_on: String,
    /// The current stage's deadline.
    #[sqlx(flatten)]
    pub deadline: Deadline,
    pub refusal_code: Option<String>,
    pub refusal_reason: Option<String>,
    pub decision_number: Option<String>,
    pub decided_on: Option<String>,
    pub price_tiyn: Option<i64>,
    pub gratuitous: i64,
    pub property_body_decision_number: Option<String>,
    pub property_body_decided_on: Option<String>,
    pub transfer_act_number: Option<String>,
    pub registration_number: Option<String>,
    pub contract_number: Option<String>,
    pub transfer_due_date: Option<String>,
    pub transfer_due_at: Option<DateTime<Utc>>,
    pub transfer_calendar_version: Option<String>,
    pub last_sequence: i64,
    pub updated_at: DateTime<Utc>,
    /// The applicant's name as the population register recorded it at filing (none on an
    /// application filed before names were kept).
    pub applicant_name: Option<String>,
    /// The representative's name, likewise.
    pub representative_name: Option<String>,
    /// 1 while an application accepted at a counter without the gateway waits for the state
    /// systems' data.
    pub awaiting_state_data: i64,
}

impl ApplicationRow {
    /// The case as the kernel changes its stage.
    pub fn case(&self) -> casework::case::Case<crate::Privatizations> {
        let channel = crate::reporting::channel_name(&self.channel);
        casework::case::Case::new(self.id, &self.applicant_iin, channel, self.stage)
            .placed(&self.settlement_kato, &self.deadline.due_date)
    }
}

impl casework::rows::CaseRow for ApplicationRow {
    fn id(&self) -> i64 {
        self.id
    }

    const COLUMNS: &'static str = COLUMNS;

    fn holder(&self) -> casework::access::Case<'_> {
        casework::access::Case {
            applicant: &self.applicant_iin,
            representative: self.representative_iin.as_deref(),
            jurisdiction: &self.settlement_kato,
        }
    }
}

const COLUMNS: &str = "id, business_id, applicant_iin, representative_iin, representative_basis, representative_reference, \
    channel, office_id, dwelling_id, fund_kind, settlement_kato, stage, received_at, accepted_at, accepted_on, deadline_term, \
    deadline_unit, deadline_counted_from, deadline_counted_from_at, deadline_due_date, deadline_due_at, deadline_clause, \
    deadline_calendar_version, refusal_code, refusal_reason, decision_number, decided_on, price_tiyn, gratuitous, \
    property_body_decision_number, property_body_decided_on, transfer_act_number, registration_number, contract_number, \
    transfer_due_date, transfer_due_at, transfer_calendar_version, last_sequence, updated_at, applicant_name, representative_name, \
    awaiting_state_data";

/// Files an application at `ACCEPTED` with that first event (`reason`), its documents and who
/// confirmed it; answers its id, or the id and stage of the case on the same dwelling that keeps
/// it out (nothing is written then).
pub async fn insert_application(
    tx: &mut WriteTx,
    new: &NewApplication,
    reason: &str,
) -> Result<Result<i64, (i64, Stage)>, ApiError> {
    let now = tx.now();
    let rep = new.representative.as_ref();
    let business_id = format!("P-{}", uuid::Uuid::new_v4().simple().to_string()[..12].to_uppercase());
    let d = &new.deadline;
    // DO NOTHING, not an error: a failed statement would abort a PostgreSQL transaction.
    let id: Option<i64> = on_backend!(tx.conn(), |c| sqlx::query_scalar(
        "INSERT INTO applications (business_id, applicant_iin, representative_iin, representative_basis, \
         representative_reference, channel, office_id, dwelling_id, fund_kind, settlement_kato, stage, received_at, \
         accepted_at, accepted_on, deadline_term, deadline_unit, deadline_counted_from, deadline_counted_from_at, \
         deadline_due_date, deadline_due_at, deadline_clause, deadline_calendar_version, last_sequence, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $23, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, 1, $22) \
         ON CONFLICT DO NOTHING RETURNING id"
    )
    .bind(&business_id)
    .bind(&new.applicant_iin)
    .bind(rep.map(|r| r.0.as_str()))
    .bind(rep.map(|r| r.1.as_str()))
    .bind(rep.map(|r| r.2.as_str()))
    .bind(&new.channel)
    .bind(new.office_id.as_deref())
    .bind(&new.dwelling_id)
    .bind(&new.fund_kind)
    .bind(&new.settlement_kato)
    .bind(new.received_at)
    .bind(new.accepted_at)
    .bind(&new.accepted_on)
    .bind_deadline(d)
    .bind(now)
    .bind(law::Stage::code(Stage::Accepted))
    .fetch_optional(c)
    .await)
    .map_err(store_error)?;
    let Some(id) = id else {
        // The unique index of migration 0100: one application a dwelling that is not refused.
        let existing: (i64, String) = on_backend!(tx.conn(), |c| sqlx::query_as(
            "SELECT id, stage FROM applications WHERE dwelling_id = $1 AND stage <> $2 ORDER BY id LIMIT 1"
        )
        .bind(&new.dwelling_id)
        .bind(law::Stage::code(Stage::Refused))
        .fetch_one(c)
        .await)
        .map_err(store_error)?;
        return Ok(Err((existing.0, Stage::try_from(existing.1).map_err(ApiError::internal)?)));
    };
    insert_event(tx, id, 1, law::Stage::code(Stage::Accepted), reason, Some(&new.deadline)).await?;
    casework::rows::set_text(tx, id, "applicant_name", Some(&new.applicant_name)).await?;
    casework::rows::set_text(tx, id, "representative_name", new.representative_name.as_deref()).await?;
    casework::documents::keep(tx, id, &new.documents).await?;
    add_confirmed(tx, id, &new.confirmed).await?;
    Ok(Ok(id))
}

/// Records who confirmed an application, and how (`EDS:<serial>` or `OTP`).
pub async fn add_confirmed(tx: &mut WriteTx, id: i64, confirmed: &[(String, String)]) -> Result<(), ApiError> {
    for (iin, how) in confirmed {
        on_backend!(tx.conn(), |c| sqlx::query(
            "INSERT INTO family_members (application_id, iin, confirmed_with) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
        )
        .bind(id)
        .bind(iin)
        .bind(how)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))
        .map_err(store_error)?;
    }
    Ok(())
}

/// Keeps the request of an application accepted at a counter while the gateway was away, which
/// waits for the state systems' data from now.
pub async fn keep_offline(tx: &mut WriteTx, id: i64, request: &[u8]) -> Result<(), ApiError> {
    on_backend!(tx.conn(), |c| sqlx::query("INSERT INTO offline_filings (application_id, request) VALUES ($1, $2)")
        .bind(id)
        .bind(request)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))
    .map_err(store_error)?;
    set_awaiting(tx, id, true).await
}

async fn set_awaiting(tx: &mut WriteTx, id: i64, awaiting: bool) -> Result<(), ApiError> {
    on_backend!(tx.conn(), |c| sqlx::query("UPDATE applications SET awaiting_state_data = $2 WHERE id = $1")
        .bind(id)
        .bind(i64::from(awaiting))
        .execute(c)
        .await
        .map(|r| r.rows_affected()))
    .map_err(store_error)?;
    Ok(())
}

/// The kept request of an application still to be completed from the state systems' data.
pub async fn offline_request(db: &Db, id: i64) -> Result<Option<Vec<u8>>, ApiError> {
    on_backend!(db.reader(), |c| sqlx::query_scalar("SELECT request FROM offline_filings WHERE application_id = $1")
        .bind(id)
        .fetch_optional(c)
        .await)
    .map_err(store_error)
}

/// Forgets the kept request: the application no longer waits.
pub async fn clear_offline(tx: &mut WriteTx, id: i64) -> Result<(), ApiError> {
    on_backend!(tx.conn(), |c| sqlx::query("DELETE FROM offline_filings WHERE application_id = $1")
        .bind(id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))
    .map_err(store_error)?;
    set_awaiting(tx, id, false).await
}

/// A result column an official's act fills in (row 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// The property body's decision number.
    PropertyBodyDecisionNumber,
    /// The day of the property body's decision.
    PropertyBodyDecidedOn,
    /// The transfer act's number.
    TransferActNumber,
    /// The registration's number.
    RegistrationNumber,
    /// The contract's number.
    ContractNumber,
}

impl Column {
    fn name(self) -> &'static str {
        match self {
            Column::PropertyBodyDecisionNumber => "property_body_decision_number",
            Column::PropertyBodyDecidedOn => "property_body_decided_on",
            Column::TransferActNumber => "transfer_act_number",
            Column::RegistrationNumber => "registration_number",
            Column::ContractNumber => "contract_number",
        }
    }
}

/// Fills in a result column.
pub async fn set(tx: &mut WriteTx, id: i64, column: Column, value: &str) -> Result<(), ApiError> {
    casework::rows::set_text(tx, id, column.name(), Some(value)).await
}

/// Records the commission's decision to privatize: its number and day, the price [A-PRICE]
/// and the gratuitous flag [A-P11].
pub async fn set_decision(
    tx: &mut WriteTx,
    id: i64,
    number: &str,
    day: &str,
    price: i64,
    gratuitous: bool,
) -> Result<(), ApiError> {
    on_backend!(tx.conn(), |c| sqlx::query(
        "UPDATE applications SET decision_number = $2, decided_on = $3, price_tiyn = $4, gratuitous = $5 WHERE id = $1"
    )
    .bind(id)
    .bind(number)
    .bind(day)
    .bind(price)
    .bind(i64::from(gratuitous))
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
    .map_err(store_error)?;
    Ok(())
}

/// Records the whole transfer's deadline (republican fund, row 4(3)).
pub async fn set_transfer_deadline(tx: &mut WriteTx, id: i64, d: &Deadline) -> Result<(), ApiError> {
    on_backend!(tx.conn(), |c| sqlx::query(
        "UPDATE applications SET transfer_due_date = $2, transfer_due_at = $3, transfer_calendar_version = $4 WHERE id = $1"
    )
    .bind(id)
    .bind(&d.due_date)
    .bind(d.due_at)
    .bind(&d.calendar_version)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
    .map_err(store_error)?;
    Ok(())
}

pub use casework::rows::set_refusal;

/// Who confirmed an application.
pub async fn family(db: &Db, id: i64) -> Result<Vec<String>, ApiError> {
    on_backend!(db.reader(), |c| sqlx::query_scalar(
        "SELECT iin FROM family_members WHERE application_id = $1 ORDER BY iin"
    )
    .bind(id)
    .fetch_all(c)
    .await)
    .map_err(store_error)
}

/// One application.
pub async fn application(db: &Db, id: i64) -> Result<Option<ApplicationRow>, ApiError> {
    casework::rows::one(db, id).await
}

/// One application, read inside a change (it sees the change's own writes).
pub async fn application_in(tx: &mut WriteTx, id: i64) -> Result<Option<ApplicationRow>, ApiError> {
    casework::rows::one_in(tx, id).await
}
