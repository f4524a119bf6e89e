//! The review of a complaint by its reviewing body: one extension of its term with a notice to
//! the complainant (SR cl. 34), and the decision, whose remedy for a refused case reopens it in
//! its service (PR cl. 14; SR cl. 33).

use calendar::{DEFAULT_START, Term};
use casework::case::enter_stage;
use chrono::NaiveDate;
use law::Stage as _;
use law::remedy::Remedy;
use platform::ApiError;

use super::jobs::OVERDUE;
use super::{Asked, Complaints, calendar_error, name, not_found, notice, reviewer_of};
use crate::domain::Stage;
use crate::domain::review::{self, ExtensionRefused, ReopenAt};
use crate::domain::terms::{self, Service};
use crate::store::{self, Column, Deadline};
use crate::targets::{self, Case};

/// An extension as asked.
#[derive(Debug, Clone)]
pub struct Extension {
    /// The complaint.
    pub id: i64,
    /// The working days asked.
    pub days: i32,
    /// The reasons, each a code of SR cl. 34's or none where the request named another.
    pub reasons: Vec<Option<&'static str>>,
    /// Why, in the reviewer's words.
    pub explanation: String,
}

/// A decision as the reviewing body recorded it.
#[derive(Debug, Clone)]
pub struct Decision {
    /// The complaint.
    pub id: i64,
    /// Upheld, or dismissed.
    pub uphold: bool,
    /// Why.
    pub reason: String,
    /// The stage a reopened case starts again at, a code of the case's service.
    pub reopen_stage: ReopenAt,
    /// The remedy the reviewer names, if any (`law::remedy`).
    pub remedy: Option<Remedy>,
}

/// Extends complaint `e.id`'s review once ([A-EXT-ONCE]): the days are added to the current due
/// date ([A-EXT-FROM]) and the complainant is told within 3 working days (SR cl. 34).
#[tracing::instrument(level = "debug", name = "complaints.extend", skip_all, fields(request = %asked.reference))]
pub async fn extend(deps: &Complaints, asked: Asked, e: Extension) -> Result<(), ApiError> {
    let id = e.id;
    let c = store::complaint(&deps.db, id).await?.ok_or_else(|| not_found(id))?;
    reviewer_of(&asked.principal, &c)?;
    let (days, reasons) = review::extension(e.days, &e.reasons).map_err(|refused| refusal(refused, &name(id)))?;
    let due_date = NaiveDate::parse_from_str(&c.deadline.due_date, "%Y-%m-%d").map_err(ApiError::internal)?;
    let extended = deps.calendar.extend(due_date, days).map_err(calendar_error)?;
    let now = deps.clock.now();
    let today = deps.clock.now_local().date_naive();
    let notice_term = Term::working_days(terms::NOTICE_DAYS);
    let notice_due = deps.calendar.due(today, notice_term, DEFAULT_START).map_err(calendar_error)?;
    let notice_deadline = Deadline::new(notice_term, "EXTENSION", now, notice_due, "SR cl. 34");
    let new_deadline = Deadline {
        term: c.deadline.term + i64::from(days),
        due_date: extended.due_date.to_string(),
        due_at: extended.due_at,
        clause: format!("{}; extended by {days} working days (SR cl. 34; [A-EXT-FROM])", c.deadline.clause),
        calendar_version: extended.calendar_version,
        ..c.deadline.clone()
    };
    let reasons = reasons.join(",");
    let explanation = e.explanation;
    deps.db
        .transact(asked.command()?, move |tx| {
            Box::pin(async move {
                let c = store::complaint_in(tx, id).await?.ok_or_else(|| not_found(id))?;
                // SR cl. 34: the term is extended while it runs; once it has run out, the review
                // is late, and lateness is not cured by an extension.
                if tx.now() >= c.deadline.due_at {
                    return Err(ApiError::failed_precondition(
                        "REVIEW_TERM_EXPIRED",
                        format!(
                            "the review's term ran out on {}; it can no longer be extended (SR cl. 34)",
                            c.deadline.due_date
                        ),
                    )
                    .precondition(
                        "DEADLINE",
                        name(id),
                        format!("extended only before the end of {} (SR cl. 34)", c.deadline.due_date),
                    ));
                }
                if c.stage != Stage::UnderReview {
                    let (code, why) = if c.stage == Stage::Extended {
                        ("EXTENSION_ALREADY_GRANTED", "the review was extended once already [A-EXT-ONCE]".to_owned())
                    } else {
                        ("REVIEW_CLOSED", format!("the complaint is {}", c.stage.code()))
                    };
                    return Err(ApiError::failed_precondition(code, why).precondition(
                        "STAGE",
                        name(id),
                        format!("{}, not extended before", Stage::UnderReview.code()),
                    ));
                }
                store::set_extension(tx, id, i64::from(days), &reasons, &explanation, &notice_deadline).await?;
                let due = &new_deadline.due_date;
                let why = format!("extended by {days} working days to {due} ({reasons}): {explanation}");
                enter_stage(tx, &mut c.case(), Stage::Extended, &why, Some(&new_deadline), &why).await?;
                let text = review::extension_notice(&c.business_id, due, &explanation);
                tx.enqueue(notice(&c, text, "SR cl. 34: notice of an extension, with the reasons")).await?;
                tx.schedule(OVERDUE, &name(id), new_deadline.due_at).await?;
                Ok(())
            })
        })
        .await?;
    deps.changed.notify_waiters();
    Ok(())
}

fn refusal(refused: ExtensionRefused, subject: &str) -> ApiError {
    let max = terms::MAX_EXTENSION_DAYS;
    match refused {
        ExtensionRefused::TooLong => ApiError::failed_precondition(
            "EXTENSION_TOO_LONG",
            format!("an extension adds 1 to {max} working days (SR cl. 34)"),
        )
        .precondition("EXTENSION_DAYS", subject, format!("at most {max} working days")),
        ExtensionRefused::ReasonNotPermitted => ApiError::failed_precondition(
            "EXTENSION_REASON_NOT_PERMITTED",
            "an extension is for an additional study or inspection, a site inspection, or additional information (SR cl. 34)",
        )
        .precondition("EXTENSION_REASON", subject, {
            let [study, site, information] = review::EXTENSION_REASONS;
            format!("{study}, {site} or {information}")
        }),
    }
}

/// The clause a complaint's decision rests on: the State Services Law art. 25 (the reviewing
/// body decides within its term) as SR cl. 33 applies it.
const DECISION_CLAUSE: &str = "State Services Law art. 25; SR cl. 33";

/// Records the decision on complaint `d.id`: upheld or dismissed, with its texts; an upheld
/// complaint about a refused case reopens it in its service (through the outbox), and the
/// complainant is told.
#[tracing::instrument(level = "debug", name = "complaints.decide", skip_all, fields(request = %asked.reference))]
pub async fn decide(deps: &Complaints, asked: Asked, d: Decision) -> Result<(), ApiError> {
    let id = d.id;
    let c = store::complaint(&deps.db, id).await?.ok_or_else(|| not_found(id))?;
    reviewer_of(&asked.principal, &c)?;
    let service = Service::of(&c.application).ok_or_else(|| ApiError::internal("a stored case of no service"))?;
    // The remedy needs the case's state now: unnamed, a refused case reopens and any other is
    // upheld as it is; a reopening named for a case not refused is refused; an instruction is
    // sent to the provider whatever the case's stage.
    let refused = d.uphold && reopens(deps, service, &c.application).await?;
    let remedy = match (&d.remedy, d.uphold) {
        (Some(_), false) => {
            return Err(ApiError::bad_field("REMEDY_WITH_DISMISSAL", "remedy", "a remedy is for an upheld complaint"));
        }
        (Some(Remedy::Reopen), true) if !refused => {
            return Err(ApiError::failed_precondition(
                "CASE_NOT_REFUSED",
                format!("{} is not refused: there is nothing to reopen", c.application),
            )
            .precondition("CASE", c.application.clone(), "refused"));
        }
        (Some(remedy), true) => Some(remedy.clone()),
        (None, true) if refused => Some(Remedy::Reopen),
        (None, _) => None,
    };
    let reopen = remedy == Some(Remedy::Reopen);
    let request_id = asked.request.map(|(id, _)| id.to_string()).unwrap_or_default();
    deps.db
        .transact(asked.command()?, move |tx| {
            Box::pin(async move {
                let c = store::complaint_in(tx, id).await?.ok_or_else(|| not_found(id))?;
                if !c.is_open() {
                    return Err(ApiError::failed_precondition(
                        "REVIEW_CLOSED",
                        format!("the complaint is {}", c.stage.code()),
                    )
                    .precondition(
                        "STAGE",
                        name(id),
                        format!("{} or {}", Stage::UnderReview.code(), Stage::Extended.code()),
                    ));
                }
                let (decided, text) =
                    review::decision(&c.business_id, &c.application, d.uphold, remedy.as_ref(), &d.reason);
                let [kk, ru, en] = &text;
                store::set(tx, id, Column::DecisionKk, kk).await?;
                store::set(tx, id, Column::DecisionRu, ru).await?;
                store::set(tx, id, Column::DecisionEn, en).await?;
                enter_stage(tx, &mut c.case(), decided, en, None, en).await?;
                if reopen {
                    let (application, complaint) = (&c.application, name(id));
                    let (reason, stage, user) = (&d.reason, d.reopen_stage, &c.complainant_iin);
                    let reconsider =
                        targets::reconsider(service, &request_id, application, &complaint, reason, stage, user);
                    tx.enqueue(reconsider).await?;
                }
                if let Some(instruction) = remedy.as_ref().filter(|r| r.is_instruction()) {
                    record_remedy(tx, id, instruction).await?;
                    let [kk, ru, en] = instruction.text(&c.application);
                    let text = proto::housing::common::v1::LocalizedText { kk, ru, en };
                    let order = targets::Instruct { complaint: &name(id), remedy: instruction, text };
                    tx.enqueue(targets::instruct(service, &c.application, &c.complainant_iin, order)).await?;
                }
                tx.cancel_jobs(OVERDUE, &name(id)).await?;
                let [kk, ru, en] = text.clone();
                let decided = casework::results::Decided {
                    service: <crate::ComplaintCases as casework::case::CaseKind>::SERVICE,
                    case_id: id,
                    case_name: &name(id),
                    kind: law::result::ResultKind::ComplaintDecision,
                    decision: law::Stage::code(decided),
                    clause: DECISION_CLAUSE,
                    text: &proto::housing::common::v1::LocalizedText { kk, ru, en },
                };
                casework::results::hand_out(tx, decided, notice(&c, text, "the complaint's decision")).await?;
                Ok(())
            })
        })
        .await?;
    deps.changed.notify_waiters();
    Ok(())
}

/// Records the instruction an upheld complaint sends, OPEN until the provider reports it done.
async fn record_remedy(tx: &mut platform::store::WriteTx, id: i64, remedy: &Remedy) -> Result<(), ApiError> {
    store::set(tx, id, Column::Remedy, remedy.code()).await?;
    store::set(tx, id, Column::RemedyState, "OPEN").await?;
    match remedy {
        Remedy::StopDemandingDocument(kind) => store::set(tx, id, Column::RemedyDocument, kind).await,
        Remedy::AnswerWithin(days) => store::set_remedy_days(tx, id, i64::from(*days)).await,
        _ => Ok(()),
    }
}

/// Records the provider's report that the instruction of complaint `id` is carried out
/// (`instruction`, in its service, at `done_at`); a repeat changes nothing.
pub async fn remedy_done(
    deps: &Complaints,
    asked: Asked,
    id: i64,
    instruction: &str,
    done_at: chrono::DateTime<chrono::Utc>,
) -> Result<(), ApiError> {
    let instruction = instruction.to_owned();
    deps.db
        .transact(asked.command()?, move |tx| {
            Box::pin(async move {
                let c = store::complaint_in(tx, id).await?.ok_or_else(|| not_found(id))?;
                if c.remedy_state.as_deref().is_none() {
                    return Err(ApiError::failed_precondition(
                        "NO_INSTRUCTION",
                        format!("{} sent no instruction", name(id)),
                    )
                    .precondition("REMEDY", name(id), "an instruction sent"));
                }
                let what = if store::remedy_done(tx, id, done_at).await? {
                    format!("the provider carried out {instruction}")
                } else {
                    format!("{instruction} was reported done already")
                };
                tx.audit(&name(id), &what).await
            })
        })
        .await?;
    deps.changed.notify_waiters();
    Ok(())
}

/// Whether the case complained about stands refused in its service (so an upheld complaint
/// reopens it); a case its service no longer has cannot be decided on.
async fn reopens(deps: &Complaints, service: Service, application: &str) -> Result<bool, ApiError> {
    match deps.targets.look(service, application).await? {
        Case::Found { refused, .. } => Ok(refused),
        Case::Missing => Err(ApiError::failed_precondition("CASE_NOT_FOUND", format!("{application} does not exist"))
            .precondition("CASE", application.to_owned(), "exists")),
    }
}
