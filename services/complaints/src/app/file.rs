//! Registering a complaint (PR cl. 14; SR cl. 33, 34): the case checked in its service (asked
//! again later when the service does not answer: a complaint is never lost), the review's term
//! from the day of registration, the first stage with its report, and the jobs that check the
//! case and mark the review overdue.

use calendar::{Channel, DEFAULT_START, OfficeHours, Term};
use casework::case::filed;
use chrono::{DateTime, Utc};
use platform::ApiError;
use prost::Message;

use super::jobs::{OVERDUE, VERIFY};
use super::{Asked, Complaints, calendar_error, name};
use crate::domain::Stage;
use crate::domain::terms::{Reviewer, Service};
use crate::store::{self, Column, ComplaintRow, Deadline, NewComplaint};
use crate::targets::Case;

/// [A-CMP-REGISTERED]: a complaint is registered within the reviewing body's hours; one received
/// after them, on a weekend or a holiday, on the next working day ([A-AKIMAT-HOURS] as the
/// bodies' hours).
pub const REGISTRATION: Channel = Channel::Online { provider: OfficeHours::AKIMAT_DEFAULT };

/// A complaint as filed, its fields checked.
#[derive(Debug, Clone)]
pub struct Filing {
    /// The complainant's IIN.
    pub complainant: String,
    /// The case complained about, `registry/applications/{id}` and the like.
    pub application: String,
    /// Its service.
    pub service: Service,
    /// Who reviews.
    pub reviewer: Reviewer,
    /// The reviewing body's id.
    pub reviewer_id: String,
    /// The review's term and the clause that sets it.
    pub term: (Term, &'static str),
    /// `PAPER` or `ELECTRONIC`.
    pub filed: &'static str,
    /// What the complaint is about (`REFUSAL`, `MISSED_DEADLINE`, …).
    pub subject: &'static str,
    /// The complaint's text.
    pub text: String,
    /// The documents, checked.
    pub documents: Vec<casework::documents::Kept>,
}

/// Registers `filing` as `asked`; `answer` shows the registered complaint (the answer a retry
/// gets back).
#[tracing::instrument(level = "debug", name = "complaints.file", skip_all, fields(request = %asked.reference))]
pub async fn file<R: Message + Default + 'static>(
    deps: &Complaints,
    asked: Asked,
    filing: Filing,
    answer: fn(&ComplaintRow, DateTime<Utc>) -> R,
) -> Result<R, ApiError> {
    if let Some(first) = asked.replay::<R>(&deps.db).await? {
        return Ok(first);
    }
    let (check, complainant_name) = case_check(deps, &filing).await?;
    let now = deps.clock.now();
    let acceptance = REGISTRATION
        .accept(&deps.calendar, now)
        .map_err(calendar_error)?
        .ok_or_else(|| ApiError::internal("registration is always possible"))?;
    let registered_at = REGISTRATION.accepted_at(&acceptance, now);
    let (term, clause) = filing.term;
    let due = deps.calendar.due(acceptance.accepted_on, term, DEFAULT_START).map_err(calendar_error)?;
    let new = NewComplaint {
        complainant_iin: filing.complainant,
        application: filing.application,
        service: filing.service.code().into(),
        reviewer_kind: filing.reviewer.code().into(),
        reviewer_id: filing.reviewer_id,
        filed_channel: filing.filed.into(),
        subject: filing.subject.into(),
        text: filing.text,
        case_check: check.into(),
        received_at: now,
        registered_at,
        registered_on: acceptance.accepted_on.to_string(),
        deadline: Deadline::new(term, "COMPLAINT_REGISTERED", registered_at, due, clause),
    };
    let why = format!(
        "registered on {} [A-CMP-REGISTERED]; reviewed by {} {} within {} working days ({clause})",
        acceptance.accepted_on, new.reviewer_kind, new.reviewer_id, term.count
    );
    let documents = filing.documents;
    let committed = deps
        .db
        .transact(asked.command()?, move |tx| {
            Box::pin(async move {
                // [A-CMP-ONE-OPEN] (the order is silent): one open review per complainant, case
                // and reviewing body; a second complaint waits for the first's decision, or goes
                // to another body of PR cl. 14 / SR cl. 33.
                let about = (new.complainant_iin.as_str(), new.application.as_str());
                let body = (new.reviewer_kind.as_str(), Some(new.reviewer_id.as_str()));
                if let Some(first) = store::latest(tx, about, body, [Stage::UnderReview, Stage::Extended]).await? {
                    let first = name(first);
                    return Err(ApiError::already_exists(
                        "OPEN_COMPLAINT_EXISTS",
                        format!("{first} about {} is before the same body and not decided yet", new.application),
                    )
                    .meta("complaint", first));
                }
                let id = store::insert(tx, &new, &why).await?;
                // [A-ESCALATE]: a complaint to the quality-control body after the provider decided
                // one about the same case is linked to that decision.
                if new.reviewer_kind == Reviewer::QualityControl.code() {
                    let provider = (Reviewer::Provider.code(), None);
                    if let Some(decided) = store::latest(tx, about, provider, [Stage::Upheld, Stage::Dismissed]).await?
                    {
                        store::set(tx, id, Column::Follows, &name(decided)).await?;
                    }
                }
                if let Some(complainant) = &complainant_name {
                    store::set(tx, id, Column::ComplainantName, complainant).await?;
                }
                store::add_documents(tx, id, &documents).await?;
                let c = store::complaint_in(tx, id).await?.ok_or_else(|| ApiError::internal("just registered"))?;
                filed(tx, &c.case(), registered_at, &why).await?;
                tx.schedule(OVERDUE, &name(id), c.deadline.due_at).await?;
                if c.case_check == "PENDING" {
                    let at = tx.now();
                    tx.schedule(VERIFY, &name(id), at).await?;
                }
                Ok(answer(&c, tx.now()))
            })
        })
        .await?;
    deps.changed.notify_waiters();
    Ok(committed.response)
}

/// The case complained about, asked of its service: `VERIFIED` with the applicant's name as the
/// case records it, or `PENDING` when the service does not answer (the `VERIFY` job asks again);
/// a missing case, or one of another applicant, refuses the complaint.
async fn case_check(deps: &Complaints, filing: &Filing) -> Result<(&'static str, Option<String>), ApiError> {
    let application = &filing.application;
    match deps.targets.look(filing.service, application).await {
        Ok(Case::Missing) => Err(ApiError::not_found(
            "CASE_NOT_FOUND",
            format!("{application} does not exist in {}", filing.service.code()),
        )
        .meta("application", application.clone())),
        Ok(Case::Found { applicant, .. }) if applicant != filing.complainant => {
            Err(ApiError::failed_precondition("NOT_A_PARTY", "the complainant is not the case's applicant")
                .precondition("COMPLAINANT", filing.complainant.clone(), format!("the applicant of {application}")))
        }
        Ok(Case::Found { applicant_name, .. }) => Ok(("VERIFIED", Some(applicant_name).filter(|n| !n.is_empty()))),
        Err(e) => {
            tracing::warn!(error = %e, "the case's service did not answer; the complaint is registered and checked later");
            Ok(("PENDING", None))
        }
    }
}
