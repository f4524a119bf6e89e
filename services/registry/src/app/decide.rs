//! Writing a decision: the findings into the case, the result (enrolment with the place on the
//! list, or a motivated refusal), the stage event, the notices, all in the change's
//! transaction. The `DECIDE` job decides what could not be decided at filing: an application
//! accepted on the next working day (Annex 2 row 8(2)), or one whose gateway reads failed.

use casework::case::enter_stage;
use chrono::NaiveDate;
use clients::CaseRef;
use law::RefusalGround as _;
use law::result::ResultKind;
use platform::ApiError;
use platform::store::sweeper::Job;
use platform::store::{Db, WriteTx};

use crate::Enrolments;
use crate::domain::decision::{self, Claim, Decision, Facts, Finding, Outcome};
use crate::domain::{Ground, Stage};
use crate::gather::PURPOSE;
use crate::gather::StateData;
use crate::reporting;
use crate::store::{self, ApplicationRow, FindingRow};
use casework::case::CaseKind as _;
use casework::fields::id_of;

/// What the automated step wrote: the findings, and the place on the list when enrolled.
#[derive(Debug, Clone, Default)]
pub struct Applied {
    /// The findings recorded.
    pub findings: Vec<FindingRow>,
    /// The place on the list.
    pub queue_position: Option<i64>,
}

/// The job that decides an accepted application.
pub const DECIDE: &str = "DECIDE";

/// The claim an application makes, as the rules read it.
pub fn claim(app: &ApplicationRow) -> Result<Claim<'_>, ApiError> {
    let (case, category) = (app.effective_case, app.list_category);
    Ok(Claim { case, settlement_kato: &app.settlement_kato, category })
}

/// The acceptance date of a stored application.
pub fn accepted_on(app: &ApplicationRow) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(&app.accepted_on, "%Y-%m-%d").map_err(ApiError::internal)
}

/// A finding as the store keeps it.
pub fn finding_row(f: &Finding) -> FindingRow {
    FindingRow {
        code: f.code.clone(),
        ground: f.ground.map(|g| g.code().to_owned()),
        source: f.source.code().to_owned(),
        person_iin: f.person_iin.clone(),
        occurred_on: f.occurred_on.map(|d| d.to_string()),
        detail: f.detail.clone(),
    }
}

/// A stored finding as the rules read it.
pub fn stored_finding(row: &FindingRow) -> Finding {
    Finding {
        code: row.code.clone(),
        ground: row.ground.as_deref().and_then(Ground::parse),
        source: if row.source == "official" { decision::Source::Official } else { decision::Source::Gateway },
        person_iin: row.person_iin.clone(),
        occurred_on: row.occurred_on.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
        detail: row.detail.clone(),
    }
}

/// The envelope of the gateway reads made for an application.
pub fn case_ref(name: &str, applicant: &str) -> CaseRef {
    CaseRef { name: name.to_owned(), purpose: PURPOSE.to_owned(), user_iin: applicant.to_owned() }
}

/// Reads what the state systems hold on an application's household.
pub async fn gather(state: &StateData, app: &ApplicationRow) -> Result<Facts, ApiError> {
    let case = case_ref(&Enrolments::name(app.id), &app.applicant_iin);
    state.facts(&case, &app.applicant_iin, None, accepted_on(app)?).await
}

/// Decides from the state systems' facts: a fully automated case is decided at once
/// (Annex 2 row 5(1)); a partially automated one goes to an official's review with the
/// facts recorded, unless the missing consent leaves nothing to review.
pub async fn apply_facts(tx: &mut WriteTx, app: &ApplicationRow, facts: &Facts) -> Result<Applied, ApiError> {
    let claim = claim(app)?;
    let Decision { findings, outcome } = decision::decide(claim, facts, &[]);
    let rows: Vec<FindingRow> = findings.iter().map(finding_row).collect();
    if claim.case.fully_automated() || !facts.consent_missing.is_empty() {
        let why = "decided from the state systems' data (Annex 2 row 5)";
        let queue_position = finish(tx, app, &rows, &outcome, why).await?;
        return Ok(Applied { findings: rows, queue_position });
    }
    store::add_findings(tx, app.id, &rows).await?;
    let reason = "partially automated (Annex 2 row 5): an official reviews the documents and the state systems' data";
    enter_stage(tx, &mut app.case(), Stage::UnderReview, reason, None, "review task opened").await?;
    store::open_task(tx, app.id, &app.settlement_kato).await?;
    Ok(Applied { findings: rows, queue_position: None })
}

/// Records the findings and the result, with the notice to the applicant and the stage
/// report; answers the place on the list when enrolled.
pub async fn finish(
    tx: &mut WriteTx,
    app: &ApplicationRow,
    findings: &[FindingRow],
    outcome: &Outcome,
    why: &str,
) -> Result<Option<i64>, ApiError> {
    let name = Enrolments::name(app.id);
    store::add_findings(tx, app.id, findings).await?;
    let (stage, reason, text, audit, place, kind, clause) = match outcome {
        Outcome::Enrol => {
            let position = store::enqueue(
                tx,
                app.id,
                &app.settlement_kato,
                app.list_category.code,
                &app.applicant_iin,
                app.accepted_at,
            )
            .await?;
            store::set_refusal(tx, app.id, None).await?;
            let reason = format!("{why}; no ground of Annex 2 row 10 applies; queue number {position} [A-QUEUE]");
            let text =
                reporting::enrolment_text(&app.business_id, &app.settlement_kato, app.list_category.code, position);
            let audit = format!("enrolled, queue number {position}");
            (Stage::Enrolled, reason, text, audit, Some(position), ResultKind::EnrolmentNotice, "Annex 2 row 6".into())
        }
        Outcome::Refuse { ground, reason } => {
            store::set_refusal(tx, app.id, Some((ground.code(), reason.as_deref()))).await?;
            let sub = reason.as_deref().map(|r| format!(" {r}")).unwrap_or_default();
            let why =
                format!("{why}; motivated refusal {}{sub} ({}) [A-DECISION-ORDER]", ground.code(), ground.clause());
            let text = reporting::refusal_text(&app.business_id, *ground);
            (Stage::Refused, why.clone(), text, why, None, ResultKind::Refusal, ground.clause().to_string())
        }
    };
    let case = match outcome {
        Outcome::Refuse { ground, .. } => app.case().refused_on(ground.code()),
        Outcome::Enrol => app.case(),
    };
    enter_stage(tx, &mut { case }, stage, &reason, None, &audit).await?;
    let decided = casework::results::Decided {
        service: Enrolments::SERVICE,
        case_id: app.id,
        case_name: &name,
        kind,
        decision: law::Stage::code(stage),
        clause: &clause,
        text: &text,
    };
    casework::results::issue(tx, decided).await?;
    tx.enqueue(reporting::result_notice(&name, &app.applicant_iin, app.applicant_name.as_deref(), text)).await?;
    Ok(place)
}

/// The `DECIDE` job's outside half: the state systems' facts, or nothing when the
/// application no longer waits for them.
pub async fn prepare_decision(db: &Db, state: &StateData, job: Job) -> Result<Option<Facts>, ApiError> {
    let id = id_of(&job.subject, "registry/applications", "subject")?;
    match store::application(db, id).await? {
        Some(app) if waits_for_facts(&app) => gather(state, &app).await.map(Some),
        _ => Ok(None),
    }
}

/// The `DECIDE` job's change: applies the facts if the application still waits for them.
pub async fn apply_decision(tx: &mut WriteTx, job: &Job, facts: Option<Facts>) -> Result<(), ApiError> {
    let id = id_of(&job.subject, "registry/applications", "subject")?;
    let app = store::application_in(tx, id).await?;
    match (app, facts) {
        (Some(app), Some(facts)) if waits_for_facts(&app) => apply_facts(tx, &app, &facts).await.map(|_| ()),
        _ => tx.audit(&job.subject, "nothing to decide: the application no longer waits for a decision").await,
    }
}

/// Whether an application waits for the automated step.
fn waits_for_facts(app: &ApplicationRow) -> bool {
    app.stage.waits_for_facts()
}
