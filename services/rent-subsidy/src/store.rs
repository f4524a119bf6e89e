//! The rent subsidy's tables: the only place that writes SQL. Writes take the change's
//! [`WriteTx`]; reads take the database's reader; the stage history is `casework`'s.

use crate::domain::Stage;
use casework::history::BindDeadline as _;
use chrono::{DateTime, NaiveDate, Utc};
use platform::store::{Db, WriteTx, store_error};
use platform::{ApiError, on_backend};

pub use casework::documents::kinds as document_kinds;
pub use casework::findings::{FindingRow, add as add_findings, of as findings, of_in as findings_in};
pub use casework::history::{Deadline, EventRow, events, insert_event, record_stage};
pub use casework::rows::set_refusal;

/// An application as filed.
#[derive(Debug, Clone)]
pub struct NewApplication {
    pub applicant_iin: String,
    /// The applicant's name as the population register records it.
    pub applicant_name: String,
    pub certificate_serial: String,
    pub lease: LeaseRow,
    pub received_at: DateTime<Utc>,
    pub accepted_at: DateTime<Utc>,
    pub accepted_on: String,
    pub deadline: Deadline,
}

/// The lease [A-LEASE].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseRow {
    pub landlord_iin: String,
    /// The address, one line.
    pub address: String,
    pub kato: String,
    pub area_decimetres: i64,
    pub family_size: i64,
    pub rent_tiyn: i64,
    pub start: String,
    pub end: String,
    /// The landlord's account, a checked Kazakh IBAN, when the lease names it.
    pub landlord_iban: Option<String>,
}

/// An application as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ApplicationRow {
    pub id: i64,
    pub business_id: String,
    pub applicant_iin: String,
    pub certificate_serial: String,
    pub landlord_iin: String,
    pub address: String,
    pub kato: String,
    pub area_decimetres: i64,
    pub family_size: i64,
    pub rent_tiyn: i64,
    pub lease_start: String,
    pub lease_end: String,
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
    pub monthly_tiyn: Option<i64>,
    pub parameter_version: Option<String>,
    /// The day (Kazakhstan) the payments were assigned: the accruals run from it.
    pub assigned_on: Option<String>,
    pub stop_reason: Option<String>,
    pub reviewer: Option<String>,
    pub last_sequence: i64,
    pub updated_at: DateTime<Utc>,
    /// The applicant's name as the population register recorded it at filing (none on an
    /// application filed before names were kept).
    pub applicant_name: Option<String>,
    /// The landlord's account, when the lease names it.
    pub landlord_iban: Option<String>,
}

impl ApplicationRow {
    /// Whether the decision is still awaited.
    pub fn is_open(&self) -> bool {
        law::Stage::is_open(self.stage)
    }

    /// The case as the kernel changes its stage.
    pub fn case(&self) -> casework::case::Case<crate::Subsidies> {
        casework::case::Case::new(self.id, &self.applicant_iin, crate::reporting::CHANNEL, self.stage)
            .placed(&self.kato, &self.deadline.due_date)
    }
}

/// A monthly payment.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PaymentRow {
    pub month: String,
    pub due_on: String,
    pub amount_tiyn: i64,
    pub payee_iin: String,
    pub parameter_version: String,
    pub accrued_at: DateTime<Utc>,
    /// Why the month is to be recovered from the payee; none while it is payable.
    pub recovery: Option<String>,
    /// The day it was paid out.
    pub paid_on: Option<String>,
    /// The bank's reference of the payout.
    pub paid_reference: Option<String>,
}

impl casework::rows::CaseRow for ApplicationRow {
    fn id(&self) -> i64 {
        self.id
    }

    const COLUMNS: &'static str = COLUMNS;

    fn holder(&self) -> casework::access::Case<'_> {
        casework::access::Case { applicant: &self.applicant_iin, representative: None, jurisdiction: &self.kato }
    }
}

const COLUMNS: &str = "id, business_id, applicant_iin, certificate_serial, landlord_iin, address, kato, area_decimetres, \
    family_size, rent_tiyn, lease_start, lease_end, stage, received_at, accepted_at, accepted_on, deadline_term, deadline_unit, \
    deadline_counted_from, deadline_counted_from_at, deadline_due_date, deadline_due_at, deadline_clause, \
    deadline_calendar_version, refusal_code, refusal_reason, monthly_tiyn, parameter_version, assigned_on, stop_reason, reviewer, \
    last_sequence, updated_at, applicant_name, landlord_iban";

/// Files an application at `ACCEPTED` with that first event; answers its id, or the id of the
/// person's open or paying application (nothing is written then).
pub async fn insert_application(
    tx: &mut WriteTx,
    new: &NewApplication,
    reason: &str,
) -> Result<Result<i64, i64>, ApiError> {
    let now = tx.now();
    let business_id = format!("S-{}", uuid::Uuid::new_v4().simple().to_string()[..12].to_uppercase());
    let (l, d) = (&new.lease, &new.deadline);
    // DO NOTHING, not an error: a failed statement would abort a PostgreSQL transaction.
    let id: Option<i64> = on_backend!(tx.conn(), |c| sqlx::query_scalar(
        "INSERT INTO applications (business_id, applicant_iin, certificate_serial, landlord_iin, address, kato, area_decimetres, \
         family_size, rent_tiyn, lease_start, lease_end, stage, received_at, accepted_at, accepted_on, deadline_term, \
         deadline_unit, deadline_counted_from, deadline_counted_from_at, deadline_due_date, deadline_due_at, deadline_clause, \
         deadline_calendar_version, last_sequence, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $24, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, 1, $23) \
         ON CONFLICT DO NOTHING RETURNING id"
    )
    .bind(&business_id)
    .bind(&new.applicant_iin)
    .bind(&new.certificate_serial)
    .bind(&l.landlord_iin)
    .bind(&l.address)
    .bind(&l.kato)
    .bind(l.area_decimetres)
    .bind(l.family_size)
    .bind(l.rent_tiyn)
    .bind(&l.start)
    .bind(&l.end)
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
        // The unique index of migration 0100: one open or assigned application a person.
        let holding: Vec<&str> = Stage::HOLDING.iter().map(|s| law::Stage::code(*s)).collect();
        let existing: i64 = on_backend!(tx.conn(), |c| sqlx::query_scalar(
            "SELECT id FROM applications WHERE applicant_iin = $1 AND stage IN ($2, $3, $4, $5) ORDER BY id LIMIT 1"
        )
        .bind(&new.applicant_iin)
        .bind(holding[0])
        .bind(holding[1])
        .bind(holding[2])
        .bind(holding[3])
        .fetch_one(c)
        .await)
        .map_err(store_error)?;
        return Ok(Err(existing));
    };
    insert_event(tx, id, 1, law::Stage::code(Stage::Accepted), reason, Some(&new.deadline)).await?;
    casework::rows::set_text(tx, id, "applicant_name", Some(&new.applicant_name)).await?;
    casework::rows::set_text(tx, id, "landlord_iban", l.landlord_iban.as_deref()).await?;
    Ok(Ok(id))
}

/// Sets one text column of an application.
pub async fn set(tx: &mut WriteTx, id: i64, column: Column, value: Option<&str>) -> Result<(), ApiError> {
    casework::rows::set_text(tx, id, column.name(), value).await
}

/// The text columns set after filing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// Why the payments stopped.
    StopReason,
    /// The official reviewing.
    Reviewer,
    /// The lease's last day.
    LeaseEnd,
}

impl Column {
    fn name(self) -> &'static str {
        match self {
            Column::StopReason => "stop_reason",
            Column::Reviewer => "reviewer",
            Column::LeaseEnd => "lease_end",
        }
    }
}

/// Records the assignment: the monthly amount, the parameters' version and the day.
pub async fn set_assignment(
    tx: &mut WriteTx,
    id: i64,
    monthly_tiyn: i64,
    version: &str,
    assigned_on: NaiveDate,
) -> Result<(), ApiError> {
    on_backend!(tx.conn(), |c| sqlx::query(
        "UPDATE applications SET monthly_tiyn = $2, parameter_version = $3, assigned_on = $4 WHERE id = $1"
    )
    .bind(id)
    .bind(monthly_tiyn)
    .bind(version)
    .bind(assigned_on.to_string())
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
    .map_err(store_error)?;
    Ok(())
}

/// Accrues a month, once: answers whether this call accrued it.
pub async fn accrue(tx: &mut WriteTx, id: i64, p: &PaymentRow) -> Result<bool, ApiError> {
    on_backend!(tx.conn(), |c| sqlx::query(
        "INSERT INTO payments (application_id, month, due_on, amount_tiyn, payee_iin, parameter_version, accrued_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING"
    )
    .bind(id)
    .bind(&p.month)
    .bind(&p.due_on)
    .bind(p.amount_tiyn)
    .bind(&p.payee_iin)
    .bind(&p.parameter_version)
    .bind(p.accrued_at)
    .execute(c)
    .await
    .map(|r| r.rows_affected() == 1))
    .map_err(store_error)
}

/// Marks the months accrued for a day after the lease's `end` to be recovered, with `why`;
/// answers how many.
pub async fn mark_overpaid(tx: &mut WriteTx, id: i64, end: &str, why: &str) -> Result<u64, ApiError> {
    on_backend!(tx.conn(), |c| sqlx::query(
        "UPDATE payments SET recovery = $3 WHERE application_id = $1 AND due_on > $2 AND recovery IS NULL"
    )
    .bind(id)
    .bind(end)
    .bind(why)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
    .map_err(store_error)
}

/// An application's totals over all its months, in tiyn.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Owed and not paid yet.
    pub payable: i64,
    /// Paid out.
    pub paid: i64,
    /// To be recovered from the payee.
    pub to_recover: i64,
}

/// An application's totals over all its months.
pub async fn totals(db: &Db, id: i64) -> Result<Totals, ApiError> {
    let (payable, paid, to_recover): (Option<i64>, Option<i64>, Option<i64>) =
        on_backend!(db.reader(), |c| sqlx::query_as(
            "SELECT CAST(SUM(CASE WHEN recovery IS NULL AND paid_on IS NULL THEN amount_tiyn ELSE 0 END) AS BIGINT), \
             CAST(SUM(CASE WHEN recovery IS NULL AND paid_on IS NOT NULL THEN amount_tiyn ELSE 0 END) AS BIGINT), \
             CAST(SUM(CASE WHEN recovery IS NULL THEN 0 ELSE amount_tiyn END) AS BIGINT) FROM payments WHERE application_id = $1"
        )
        .bind(id)
        .fetch_one(c)
        .await)
        .map_err(store_error)?;
    Ok(Totals {
        payable: payable.unwrap_or_default(),
        paid: paid.unwrap_or_default(),
        to_recover: to_recover.unwrap_or_default(),
    })
}

/// Month `month` of application `id`, in `tx`.
pub async fn payment_in(tx: &mut WriteTx, id: i64, month: &str) -> Result<Option<PaymentRow>, ApiError> {
    on_backend!(tx.conn(), |c| sqlx::query_as(
        "SELECT month, due_on, amount_tiyn, payee_iin, parameter_version, accrued_at, recovery, paid_on, paid_reference \
         FROM payments WHERE application_id = $1 AND month = $2"
    )
    .bind(id)
    .bind(month)
    .fetch_optional(c)
    .await)
    .map_err(store_error)
}

/// Month `month` of application `id`.
pub async fn payment(db: &Db, id: i64, month: &str) -> Result<Option<PaymentRow>, ApiError> {
    on_backend!(db.reader(), |c| sqlx::query_as(
        "SELECT month, due_on, amount_tiyn, payee_iin, parameter_version, accrued_at, recovery, paid_on, paid_reference \
         FROM payments WHERE application_id = $1 AND month = $2"
    )
    .bind(id)
    .bind(month)
    .fetch_optional(c)
    .await)
    .map_err(store_error)
}

/// Records month `month` of application `id` paid on `paid_on` under `reference`.
pub async fn mark_paid(tx: &mut WriteTx, id: i64, month: &str, paid_on: &str, reference: &str) -> Result<(), ApiError> {
    on_backend!(tx.conn(), |c| sqlx::query(
        "UPDATE payments SET paid_on = $3, paid_reference = $4 WHERE application_id = $1 AND month = $2"
    )
    .bind(id)
    .bind(month)
    .bind(paid_on)
    .bind(reference)
    .execute(c)
    .await
    .map(|_| ()))
    .map_err(store_error)
}

/// An application's payments after `after` (a month), oldest first.
pub async fn payments(db: &Db, id: i64, after: &str, limit: i64) -> Result<Vec<PaymentRow>, ApiError> {
    on_backend!(db.reader(), |c| sqlx::query_as(
        "SELECT month, due_on, amount_tiyn, payee_iin, parameter_version, accrued_at, recovery, paid_on, paid_reference \
         FROM payments WHERE application_id = $1 AND month > $2 ORDER BY month LIMIT $3"
    )
    .bind(id)
    .bind(after)
    .bind(limit)
    .fetch_all(c)
    .await)
    .map_err(store_error)
}

/// Applications at `stage`, the earliest deadline first, after id `after`.
pub async fn at_stage(db: &Db, stage: Stage, after: i64, limit: i64) -> Result<Vec<i64>, ApiError> {
    on_backend!(db.reader(), |c| sqlx::query_scalar(
        "SELECT id FROM applications WHERE stage = $1 AND id > $2 ORDER BY id LIMIT $3"
    )
    .bind(law::Stage::code(stage))
    .bind(after)
    .bind(limit)
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
