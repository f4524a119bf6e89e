//! Applications, their history, findings, confirmations and documents.

use casework::history::BindDeadline as _;
use chrono::{DateTime, Utc};
use platform::store::{Db, WriteTx, store_error};
use platform::{ApiError, on_backend};

use super::Deadline;
use crate::domain::category::Category;
use crate::domain::{Case, Stage};

/// An application as it is filed.
#[derive(Debug, Clone)]
pub struct NewApplication {
    /// The applicant.
    pub applicant_iin: String,
    /// The representative: IIN, basis code, basis reference.
    pub representative: Option<(String, String, String)>,
    /// The case claimed.
    pub case_kind: String,
    /// The case it runs as [A-ORPHAN].
    pub effective_case: String,
    /// The settlement.
    pub settlement_kato: String,
    /// The list.
    pub list_category: String,
    /// When it arrived.
    pub received_at: DateTime<Utc>,
    /// When it counts as accepted.
    pub accepted_at: DateTime<Utc>,
    /// The acceptance day, `YYYY-MM-DD`.
    pub accepted_on: String,
    /// The decision's deadline.
    pub deadline: Deadline,
    /// The documents: kind, media type, SHA-256, content.
    pub documents: Vec<(String, String, String, Vec<u8>)>,
    /// The verified confirmations.
    pub confirmations: Vec<ConfirmationRow>,
    /// The applicant's name as the population register records it.
    pub applicant_name: String,
    /// The representative's name, when one acts.
    pub representative_name: Option<String>,
}

/// A verified confirmation.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ConfirmationRow {
    /// Who.
    pub signer_iin: String,
    /// `EDS` or `OTP`.
    pub method: String,
    /// The certificate serial, for an EDS.
    pub certificate_serial: String,
    /// When the gateway verified it.
    pub verified_at: DateTime<Utc>,
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
    #[sqlx(try_from = "String")]
    pub case_kind: Case,
    #[sqlx(try_from = "String")]
    pub effective_case: Case,
    pub settlement_kato: String,
    #[sqlx(try_from = "String")]
    pub list_category: &'static Category,
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
    pub last_sequence: i64,
    pub updated_at: DateTime<Utc>,
    /// The applicant's name as the population register recorded it at filing (none on an
    /// application filed before names were kept).
    pub applicant_name: Option<String>,
    /// The representative's name, likewise.
    pub representative_name: Option<String>,
}

impl ApplicationRow {
    /// Whether the case still waits for its decision.
    pub fn is_open(&self) -> bool {
        law::Stage::is_open(self.stage)
    }

    /// The case as the kernel changes its stage.
    pub fn case(&self) -> casework::case::Case<crate::Enrolments> {
        casework::case::Case::new(self.id, &self.applicant_iin, crate::reporting::CHANNEL, self.stage)
            .placed(&self.settlement_kato, &self.deadline.due_date)
    }
}

/// The case an application collides with: another open one, or an enrolment, on the same list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collision {
    /// The existing application's id.
    pub id: i64,
    /// Its stage.
    pub stage: Stage,
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
    case_kind, effective_case, settlement_kato, list_category, stage, received_at, accepted_at, accepted_on, deadline_term, \
    deadline_unit, deadline_counted_from, deadline_counted_from_at, deadline_due_date, deadline_due_at, deadline_clause, \
    deadline_calendar_version, refusal_code, refusal_reason, last_sequence, updated_at, applicant_name, representative_name";

/// Files an application at `ACCEPTED`, with that first event (`reason`), its documents and its
/// confirmations; answers its id, or the case it collides with (nothing is written then).
pub async fn insert_application(
    tx: &mut WriteTx,
    new: &NewApplication,
    reason: &str,
) -> Result<Result<i64, Collision>, ApiError> {
    let now = tx.now();
    let (rep_iin, rep_basis, rep_ref) = match &new.representative {
        Some((i, b, r)) => (Some(i.as_str()), Some(b.as_str()), Some(r.as_str())),
        None => (None, None, None),
    };
    let business_id = format!("R-{}", uuid::Uuid::new_v4().simple().to_string()[..12].to_uppercase());
    let d = &new.deadline;
    // DO NOTHING, not an error: a failed statement would abort a PostgreSQL transaction.
    let id: Option<i64> = on_backend!(tx.conn(), |c| sqlx::query_scalar(
        "INSERT INTO applications (business_id, applicant_iin, representative_iin, representative_basis, \
         representative_reference, case_kind, effective_case, settlement_kato, list_category, stage, received_at, \
         accepted_at, accepted_on, deadline_term, deadline_unit, deadline_counted_from, deadline_counted_from_at, \
         deadline_due_date, deadline_due_at, deadline_clause, deadline_calendar_version, last_sequence, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $22, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, 1, $21) \
         ON CONFLICT DO NOTHING RETURNING id"
    )
    .bind(&business_id)
    .bind(&new.applicant_iin)
    .bind(rep_iin)
    .bind(rep_basis)
    .bind(rep_ref)
    .bind(&new.case_kind)
    .bind(&new.effective_case)
    .bind(&new.settlement_kato)
    .bind(&new.list_category)
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
        let found = holder(tx, &new.applicant_iin, &new.settlement_kato, &new.list_category, None).await?;
        return found.map(Err).ok_or_else(|| ApiError::internal("a conflicting application that is not there"));
    };
    insert_event(tx, id, 1, law::Stage::code(Stage::Accepted), reason, Some(&new.deadline)).await?;
    casework::rows::set_text(tx, id, "applicant_name", Some(&new.applicant_name)).await?;
    casework::rows::set_text(tx, id, "representative_name", new.representative_name.as_deref()).await?;
    casework::documents::keep(tx, id, &new.documents).await?;
    for c in &new.confirmations {
        on_backend!(tx.conn(), |conn| sqlx::query(
            "INSERT INTO confirmations (application_id, signer_iin, method, certificate_serial, verified_at) VALUES ($1, $2, $3, $4, $5)"
        )
        .bind(id)
        .bind(&c.signer_iin)
        .bind(&c.method)
        .bind(&c.certificate_serial)
        .bind(c.verified_at)
        .execute(conn).await.map(|r| r.rows_affected()))
        .map_err(store_error)?;
    }
    Ok(Ok(id))
}

/// Another open application or enrolment of the same person on the same list.
pub async fn collision_in(tx: &mut WriteTx, app: &ApplicationRow) -> Result<Option<Collision>, ApiError> {
    holder(tx, &app.applicant_iin, &app.settlement_kato, app.list_category.code, Some(app.id)).await
}

/// The application, other than `except`, that holds the person's place on the list: open, or
/// enrolled ([`Stage::HOLDING_A_PLACE`]; the unique index of migration 0100 keeps it one).
async fn holder(
    tx: &mut WriteTx,
    person: &str,
    settlement: &str,
    category: &str,
    except: Option<i64>,
) -> Result<Option<Collision>, ApiError> {
    let holding: Vec<&str> = Stage::HOLDING_A_PLACE.iter().map(|s| law::Stage::code(*s)).collect();
    let found: Option<(i64, String)> = on_backend!(tx.conn(), |c| {
        sqlx::query_as(
            "SELECT id, stage FROM applications WHERE applicant_iin = $1 AND settlement_kato = $2 AND list_category = $3 \
             AND stage IN ($4, $5, $6, $7) AND id <> $8 ORDER BY id LIMIT 1",
        )
        .bind(person)
        .bind(settlement)
        .bind(category)
        .bind(holding[0])
        .bind(holding[1])
        .bind(holding[2])
        .bind(holding[3])
        .bind(except.unwrap_or(-1))
        .fetch_optional(c)
        .await
    })
    .map_err(store_error)?;
    found
        .map(|(id, stage)| Ok(Collision { id, stage: Stage::try_from(stage).map_err(ApiError::internal)? }))
        .transpose()
}

pub use casework::documents::kinds as document_kinds;
pub use casework::findings::{FindingRow, add as add_findings, of as findings, of_in as findings_in};
pub use casework::history::{insert_event, record_stage};

pub use casework::rows::set_refusal;

/// An application's confirmations.
pub async fn confirmations(db: &Db, id: i64) -> Result<Vec<ConfirmationRow>, ApiError> {
    on_backend!(db.reader(), |c| sqlx::query_as(
        "SELECT signer_iin, method, certificate_serial, verified_at FROM confirmations WHERE application_id = $1 ORDER BY signer_iin"
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
