//! Writing the decisions: the facts into the case and the review, or at once a refusal for want
//! of consent; the official's review into an assignment of payments (with the amount under the
//! parameters in force and the first accrual scheduled) or a motivated refusal; and the jobs:
//! `DECIDE` (an application accepted on the next working day, or whose sources did not answer)
//! and `ACCRUE` (a month's payment [A-ACCRUAL]).

use std::sync::Arc;

use calendar::KAZAKHSTAN;
use chrono::{DateTime, NaiveDate, Utc};
use clients::CaseRef;
use law::RefusalGround as _;
use law::result::ResultKind;
use platform::ApiError;
use platform::store::sweeper::Job;
use platform::store::{Db, WriteTx};
use proto::housing::common::v1::LocalizedText;

use crate::Subsidies;
use crate::domain::amount::{self, Parameters, Schedule};
use crate::domain::eligibility::{self, Facts};
use crate::domain::{Ground, Stage, schedule};
use crate::gather::PURPOSE;
use crate::gather::Sources;
use crate::reporting;
use crate::store::{self, ApplicationRow, Column, FindingRow, PaymentRow};
use casework::case::CaseKind as _;
use casework::case::enter_stage;

/// The job that decides an accepted application from its sources.
pub const DECIDE: &str = "DECIDE";
/// The job that accrues a month's payment.
pub const ACCRUE: &str = "ACCRUE";

/// A local day's start as an instant.
fn day_start(day: NaiveDate) -> DateTime<Utc> {
    (day.and_hms_opt(0, 0, 0).unwrap_or_default() - chrono::Duration::seconds(i64::from(KAZAKHSTAN.local_minus_utc())))
        .and_utc()
}

fn date(text: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(ApiError::internal)
}

fn id_of(subject: &str) -> Result<i64, ApiError> {
    casework::fields::id_of(subject, "subsidy/applications", "subject")
}

/// What the sources said, with the parameters in force on the acceptance day.
pub type Gathered = (Facts, Parameters);

/// What the automated step reads: the sources, and the parameters in force on a day
/// [A-SUBSIDY-AMOUNT].
#[derive(Debug, Clone)]
pub struct Inputs {
    /// The gateway and the registry.
    pub sources: Sources,
    /// Every set of parameters with its first day.
    pub parameters: Arc<Schedule>,
}

impl Inputs {
    /// The parameters in force on `day`.
    pub fn parameters_on(&self, day: NaiveDate) -> Result<Parameters, ApiError> {
        self.parameters.in_force(day).cloned().ok_or_else(|| {
            ApiError::failed_precondition(
                "PARAMETERS_NOT_IN_FORCE",
                format!("no subsidy parameters are in force on {day}"),
            )
        })
    }

    /// Reads the sources for an application.
    pub async fn gather(&self, app: &ApplicationRow) -> Result<(Facts, Parameters), ApiError> {
        let case =
            CaseRef { name: Subsidies::name(app.id), purpose: PURPOSE.into(), user_iin: app.applicant_iin.clone() };
        self.read_sources(&case, &app.applicant_iin, &app.landlord_iin, app.family_size, date(&app.accepted_on)?).await
    }

    /// Reads the sources as of the acceptance day, with the parameters in force on it.
    pub async fn read_sources(
        &self,
        case: &CaseRef,
        applicant: &str,
        landlord: &str,
        family_size: i64,
        day: NaiveDate,
    ) -> Result<(Facts, Parameters), ApiError> {
        let params = self.parameters_on(day)?;
        let facts = self.sources.facts(case, applicant, landlord, family_size, day, params.income_months).await?;
        Ok((facts, params))
    }
}

/// Records the facts: refused at once without consent (nothing else could be read), else
/// put to an official's review of the lease (Annex 3 row 5: partially automated).
pub async fn apply_facts(
    tx: &mut WriteTx,
    app: &ApplicationRow,
    facts: &Facts,
    params: &Parameters,
) -> Result<(), ApiError> {
    let found = eligibility::check(facts, params.income_threshold_per_member_tiyn);
    let rows: Vec<FindingRow> = found
        .iter()
        .map(|f| FindingRow {
            code: f.code.into(),
            ground: f.ground.map(|g| g.code().into()),
            source: f.source.into(),
            // The subsidy's checks are all about the applicant's household (Annex 3 row 9).
            person_iin: app.applicant_iin.clone(),
            occurred_on: None,
            detail: f.detail.clone(),
        })
        .collect();
    store::add_findings(tx, app.id, &rows).await?;
    if !facts.consent_missing.is_empty() {
        return refuse(tx, app, Ground::NoPersonalDataConsent, "NO_PERSONAL_DATA_CONSENT", "no consent on record")
            .await;
    }
    let reason = "the sources' facts are recorded; an official reviews the lease (Annex 3 row 5)";
    enter_stage(tx, &mut app.case(), Stage::UnderReview, reason, None, "put to an official's review").await.map(|_| ())
}

/// The `DECIDE` job's outside half.
pub async fn prepare_decision(db: &Db, inputs: &Inputs, job: Job) -> Result<Option<(Facts, Parameters)>, ApiError> {
    match store::application(db, id_of(&job.subject)?).await? {
        Some(app) if waits(&app) => inputs.gather(&app).await.map(Some),
        _ => Ok(None),
    }
}

/// The `DECIDE` job's change.
pub async fn apply_decision(
    tx: &mut WriteTx,
    job: &Job,
    gathered: Option<(Facts, Parameters)>,
) -> Result<(), ApiError> {
    let app = store::application_in(tx, id_of(&job.subject)?).await?;
    match (app, gathered) {
        (Some(app), Some((facts, params))) if waits(&app) => apply_facts(tx, &app, &facts, &params).await,
        _ => tx.audit(&job.subject, "nothing to decide: the application no longer waits").await,
    }
}

/// The `ACCRUE` job's outside half: whether the person is still on the waiting list.
pub async fn prepare_accrual(db: &Db, sources: &Sources, job: Job) -> Result<Option<bool>, ApiError> {
    match store::application(db, id_of(&job.subject)?).await? {
        Some(app) if app.stage == Stage::Assigned => {
            Ok(Some(!sources.waiting_lists(&app.applicant_iin).await?.is_empty()))
        }
        _ => Ok(None),
    }
}

/// The `ACCRUE` job's change: the month's payment, once, and the next month's job; or the
/// payments stopped when the person left the waiting list.
pub async fn apply_accrual(tx: &mut WriteTx, job: &Job, on_list: Option<bool>) -> Result<(), ApiError> {
    let app = store::application_in(tx, id_of(&job.subject)?).await?;
    let (Some(app), Some(on_list)) = (app, on_list) else {
        return tx.audit(&job.subject, "no accrual: the payments were stopped").await;
    };
    if app.stage != Stage::Assigned {
        return tx.audit(&job.subject, "no accrual: the payments were stopped").await;
    }
    let name = Subsidies::name(app.id);
    if !on_list {
        return stop(tx, &app, "NOT_ON_WAITING_LIST: the person is no longer on the waiting list").await;
    }
    let (start, end) = (date(&app.lease_start)?, date(&app.lease_end)?);
    let day = job.due_at.with_timezone(&KAZAKHSTAN).date_naive();
    let months = schedule::accruals(start, end, day);
    let Some((month, due_on)) = months.first().cloned().filter(|(_, d)| *d == day) else {
        return tx.audit(&name, "no accrual due on this day").await;
    };
    let payment = PaymentRow {
        month: month.clone(),
        due_on: due_on.to_string(),
        amount_tiyn: app.monthly_tiyn.unwrap_or_default(),
        payee_iin: app.landlord_iin.clone(),
        parameter_version: app.parameter_version.clone().unwrap_or_default(),
        accrued_at: tx.now(),
        recovery: None,
        paid_on: None,
        paid_reference: None,
    };
    let accrued = store::accrue(tx, app.id, &payment).await?;
    if let Some((_, next)) = months.get(1) {
        tx.schedule(ACCRUE, &name, day_start(*next)).await?;
    }
    let what = if accrued {
        format!("accrued {month}: {} tiyn to {}", payment.amount_tiyn, payment.payee_iin)
    } else {
        format!("{month} was accrued already")
    };
    tx.audit(&name, &what).await
}

fn waits(app: &ApplicationRow) -> bool {
    app.stage.waits_for_facts()
}

/// A motivated refusal (Annex 3 rows 6 and 10).
pub async fn refuse(
    tx: &mut WriteTx,
    app: &ApplicationRow,
    ground: Ground,
    reason: &str,
    why: &str,
) -> Result<(), ApiError> {
    store::set_refusal(tx, app.id, Some((ground.code(), Some(reason)))).await?;
    let why = format!("motivated refusal {} {reason} ({}): {why} [A-DECISION-ORDER]", ground.code(), ground.clause());
    enter_stage(tx, &mut app.case().refused_on(ground.code()), Stage::Refused, &why, None, &why).await?;
    let text = reporting::refusal(&app.business_id, ground);
    hand_out(tx, app, Stage::Refused, ResultKind::Refusal, ground.clause(), text).await
}

/// Hands a result out: the signed document ([`casework::results`]) and the notice to the
/// applicant, in the result's change.
async fn hand_out(
    tx: &mut WriteTx,
    app: &ApplicationRow,
    stage: Stage,
    kind: ResultKind,
    clause: &str,
    text: LocalizedText,
) -> Result<(), ApiError> {
    let name = Subsidies::name(app.id);
    let decided = casework::results::Decided {
        service: Subsidies::SERVICE,
        case_id: app.id,
        case_name: &name,
        kind,
        decision: law::Stage::code(stage),
        clause,
        text: &text,
    };
    let notice = reporting::notice(&name, &app.applicant_iin, app.applicant_name.as_deref(), text.clone());
    casework::results::hand_out(tx, decided, notice).await.map(|_| ())
}

/// The notification of the assignment of payments (row 6): the amount under the parameters in
/// force on the decision day, the months to come, the first accrual scheduled.
pub async fn assign(tx: &mut WriteTx, app: &ApplicationRow, params: &Parameters, why: &str) -> Result<(), ApiError> {
    let name = Subsidies::name(app.id);
    let monthly = amount::monthly(params, app.rent_tiyn, app.area_decimetres, app.family_size);
    let today = tx.now().with_timezone(&KAZAKHSTAN).date_naive();
    store::set_assignment(tx, app.id, monthly, &params.version, today).await?;
    let months = schedule::accruals(date(&app.lease_start)?, date(&app.lease_end)?, today);
    if let Some((_, first)) = months.first() {
        tx.schedule(ACCRUE, &name, day_start(*first)).await?;
    }
    let names: Vec<String> = months.iter().map(|(m, _)| m.clone()).collect();
    let why = format!("{why}; {monthly} tiyn a month under parameters {} [A-SUBSIDY-AMOUNT]", params.version);
    enter_stage(tx, &mut app.case(), Stage::Assigned, &why, None, &why).await?;
    let text = reporting::assignment(&app.business_id, monthly, &names);
    hand_out(tx, app, Stage::Assigned, ResultKind::SubsidyAssignment, "Annex 3 row 6", text).await
}

/// Stops the payments with a reason.
pub async fn stop(tx: &mut WriteTx, app: &ApplicationRow, why: &str) -> Result<(), ApiError> {
    let name = Subsidies::name(app.id);
    tx.cancel_jobs(ACCRUE, &name).await?;
    store::set(tx, app.id, Column::StopReason, Some(why)).await?;
    enter_stage(tx, &mut app.case(), Stage::Terminated, why, None, why).await?;
    let text = reporting::stopped(&app.business_id, why);
    hand_out(tx, app, Stage::Terminated, ResultKind::SubsidyTermination, "Annex 3 row 6", text).await
}

/// Annex 3 row 5: the official's review decides the case: a refusal on the official's ground
/// (recorded as a finding), else the first ground the sources' findings give, else the payments
/// assigned.
pub async fn reviewed(
    tx: &mut WriteTx,
    app: &ApplicationRow,
    refused: Option<(Ground, &str)>,
    reason: &str,
    why: &str,
    params: &Parameters,
) -> Result<(), ApiError> {
    if let Some((ground, sub)) = refused {
        let finding = FindingRow {
            code: sub.into(),
            ground: Some(ground.code().into()),
            source: "official".into(),
            person_iin: app.applicant_iin.clone(),
            occurred_on: None,
            detail: reason.to_owned(),
        };
        store::add_findings(tx, app.id, &[finding]).await?;
        return refuse(tx, app, ground, sub, why).await;
    }
    let found = store::findings_in(tx, app.id).await?;
    let first =
        eligibility::refusal(found.iter().map(|f| (f.ground.as_deref().and_then(Ground::parse), f.code.as_str())));
    match first {
        Some((ground, code)) => refuse(tx, app, ground, code, why).await,
        None => assign(tx, app, params, why).await,
    }
}
