//! Filing an enrolment (Annex 2 rows 3, 8, 9, 11): the people named are checked in the
//! population register, the channel decides the day of acceptance (row 8(2)), the state systems
//! are asked before the applicant ([A-ORPHAN]), only the documents the case needs are asked, the
//! filer confirms over the signing digest, and where the case is fully automated it is decided
//! at once; otherwise, or when the gateway does not answer, the `DECIDE` job decides it.

use calendar::{Acceptance, Channel, DEFAULT_START};
use casework::asked::{Asked, Filed};
use casework::case::{CaseKind as _, filed};
use chrono::{DateTime, Utc};
use clients::CaseRef;
use platform::ApiError;
use platform::store::WriteTx;
use prost::Message;
use proto::housing::common::v1 as common;

use super::decide::{self, Applied, DECIDE};
use super::{Registry, calendar_error};
use crate::domain::decision::Facts;
use crate::domain::{Case, Stage};
use crate::store::{self, ApplicationRow, ConfirmationRow, Deadline, NewApplication, Parts, QueueRow};
use crate::{Enrolments, reporting};

/// Annex 2 row 3: the only channel, with the provider's hours of row 8(1).
pub const CHANNEL: Channel = Channel::OTBASYBANK_REGISTRY;

/// An application as filed, its fields checked.
#[derive(Debug, Clone)]
pub struct Filing {
    /// The applicant's IIN.
    pub applicant: String,
    /// The representative's IIN, basis and its reference, when one acts.
    pub representative: Option<(String, String, String)>,
    /// The case claimed.
    pub case: Case,
    /// The settlement whose list it is.
    pub settlement: String,
    /// The list.
    pub category: &'static str,
    /// The documents, checked.
    pub documents: Vec<casework::documents::Kept>,
    /// The signing digest the confirmation covers.
    pub digest: String,
    /// The confirmations given.
    pub confirmations: Vec<common::Confirmation>,
}

/// How the caller shows a filed application: its row, what it shows beside the row, the signing
/// digest it was confirmed over, and the time.
pub type Answer<R> = fn(&ApplicationRow, &Parts, &str, DateTime<Utc>) -> R;

/// Files `filing` as `asked`; `answer` shows the application filed.
#[tracing::instrument(level = "debug", name = "registry.file", skip_all, fields(request = %asked.reference))]
pub async fn file<R: Message + Default + 'static>(
    deps: &Registry,
    asked: Asked,
    filing: Filing,
    answer: Answer<R>,
) -> Result<Filed<String, R>, ApiError> {
    if let Some(first) = asked.replay::<R>(&deps.db).await? {
        return Ok(Filed::Filed(first));
    }
    let case_ref = decide::case_ref(&format!("registry/requests/{}", asked.reference), &filing.applicant);
    let now = deps.clock.now();
    let acceptance = CHANNEL
        .accept(&deps.calendar, now)
        .map_err(calendar_error)?
        .ok_or_else(|| ApiError::internal("otbasybank.kz receives applications around the clock"))?;
    // The persons and the orphan data are read at once: none needs another's answer.
    let representative = async {
        match &filing.representative {
            Some((rep, _, _)) => deps.state.person(&case_ref, rep).await.map(Some),
            None => Ok(None),
        }
    };
    let orphan_data = async {
        match filing.case {
            // [A-ORPHAN]: the state systems are asked before the applicant is.
            Case::OrphanDataMissing => {
                deps.state.orphan_data_held(&case_ref, &filing.applicant, acceptance.accepted_on).await.map(Some)
            }
            _ => Ok(None),
        }
    };
    let (person, representative, orphan_data) =
        tokio::join!(deps.state.person(&case_ref, &filing.applicant), representative, orphan_data);
    let person = person?;
    let applicant_name = casework::gateway::full_name(&person);
    let representative_name = representative?.as_ref().map(casework::gateway::full_name);
    let effective = match orphan_data? {
        Some(held) => filing.case.effective(held),
        None => filing.case,
    };
    complete(effective, &filing)?;
    if asked.request.is_none() {
        return Ok(Filed::Preview(filing.digest));
    }
    let accepted_at = CHANNEL.accepted_at(&acceptance, now);
    let due = deps.calendar.due(acceptance.accepted_on, effective.term(), DEFAULT_START).map_err(calendar_error)?;
    let deadline = Deadline::new(effective.term(), "APPLICATION_ACCEPTED", accepted_at, due, effective.term_clause());
    // The automated step reads the gateway before the transaction, never inside it, while the
    // confirmations are verified, and within the caller's deadline: if the gateway does not
    // answer in time, the application is kept and the job decides it later.
    let facts = async {
        if acceptance.deferred {
            return None;
        }
        let read = deps.state.facts(&case_ref, &filing.applicant, Some(person), acceptance.accepted_on);
        match platform::rpc_layer::within_deadline(COMMIT_MARGIN, read).await {
            Some(Ok(facts)) => Some(facts),
            Some(Err(e)) => {
                tracing::warn!(error = %e, "gateway reads failed; the application will be decided when they succeed");
                None
            }
            None => {
                tracing::warn!(
                    "gateway reads outlasted the caller's deadline; the application will be decided when they answer"
                );
                None
            }
        }
    };
    let (confirmations, facts) = tokio::join!(verify(deps, &case_ref, &filing), facts);
    let confirmations = confirmations?;
    let why = accepted_why(&acceptance);
    let digest = filing.digest.clone();
    let filed_as = case_ref.name.clone();
    let mut new = application(filing, effective, &acceptance, now, accepted_at, deadline, confirmations);
    (new.applicant_name, new.representative_name) = (applicant_name, representative_name);
    let committed = deps
        .db
        .transact(asked.command()?, move |tx| {
            Box::pin(async move { commit(tx, (&new, &why, &filed_as), facts, (&digest, answer)).await })
        })
        .await?;
    deps.changed.notify_waiters();
    Ok(Filed::Filed(committed.response))
}

/// What a filing keeps of its caller's deadline for its commit and its answer: the gateway's
/// reads for the decision stop that much before the deadline, and the application is kept
/// undecided rather than lost.
const COMMIT_MARGIN: std::time::Duration = std::time::Duration::from_millis(300);

/// [A-INCOMPLETE], for: an application without the documents its case needs is refused
/// at the door; nothing is created.
fn complete(effective: Case, filing: &Filing) -> Result<(), ApiError> {
    let kinds: Vec<&str> = filing.documents.iter().map(|d| d.0.as_str()).collect();
    let missing = effective.missing_documents(kinds.iter().copied());
    if missing.is_empty() {
        return Ok(());
    }
    let mut e = ApiError::failed_precondition(
        "DOCUMENTS_INCOMPLETE",
        format!("the case {} needs documents that were not filed", effective.code()),
    );
    for rule in &missing {
        e = e.precondition("DOCUMENT_MISSING", rule.kinds.join(" or "), format!("required by {}", rule.clause));
    }
    Err(e.meta("missing", missing.iter().map(|m| m.kinds.join("|")).collect::<Vec<_>>().join(",")))
}

/// Annex 2 row 11(1), 11(3): the application is confirmed over its digest with an EDS or a
/// one-time password by whoever files it: the representative when one acts, else the applicant.
/// The gateway verifies each confirmation.
async fn verify(deps: &Registry, case: &CaseRef, filing: &Filing) -> Result<Vec<ConfirmationRow>, ApiError> {
    let signer = filing.representative.as_ref().map_or(filing.applicant.clone(), |(i, _, _)| i.clone());
    let allowed = [signer.clone(), filing.applicant.clone()];
    let given = &filing.confirmations;
    let verified =
        casework::confirm::verify(deps.state.gateway(), case, &filing.digest, given, &[signer], &allowed).await?;
    let now = deps.clock.now();
    Ok(verified
        .into_iter()
        .map(|v| ConfirmationRow {
            signer_iin: v.signer_iin,
            method: v.method.to_owned(),
            certificate_serial: v.certificate_serial,
            verified_at: now,
        })
        .collect())
}

/// Why the application counts as accepted when it does.
fn accepted_why(acceptance: &Acceptance) -> String {
    let on = acceptance.accepted_on;
    if acceptance.deferred {
        format!("received after working hours, on a weekend or a holiday; accepted on {on} (Annex 2 row 8(2))")
    } else {
        format!("received and accepted on {on} via {}", reporting::CHANNEL)
    }
}

/// The application as it is stored.
fn application(
    filing: Filing,
    effective: Case,
    acceptance: &Acceptance,
    received_at: DateTime<Utc>,
    accepted_at: DateTime<Utc>,
    deadline: Deadline,
    confirmations: Vec<ConfirmationRow>,
) -> NewApplication {
    NewApplication {
        applicant_iin: filing.applicant,
        representative: filing.representative,
        case_kind: filing.case.code().into(),
        effective_case: effective.code().into(),
        settlement_kato: filing.settlement,
        list_category: filing.category.into(),
        received_at,
        accepted_at,
        accepted_on: acceptance.accepted_on.to_string(),
        deadline,
        documents: filing.documents,
        confirmations,
        applicant_name: String::new(),
        representative_name: None,
    }
}

/// The filing's one change: the application at `ACCEPTED` with its report and audit row, then
/// its decision where the facts are in, or the `DECIDE` job where they are not.
async fn commit<R>(
    tx: &mut WriteTx,
    (new, why, filed_as): (&NewApplication, &str, &str),
    facts: Option<Facts>,
    (digest, answer): (&str, Answer<R>),
) -> Result<R, ApiError> {
    let id = match store::insert_application(tx, new, why).await? {
        Ok(id) => id,
        Err(existing) => return Err(collision(&existing)),
    };
    let name = Enrolments::name(id);
    let app = store::application_in(tx, id).await?.ok_or_else(|| ApiError::internal("just filed"))?;
    filed(tx, &app.case(), new.accepted_at, &format!("application filed: {why}")).await?;
    casework::processing::link_filing(tx, filed_as, &name).await?;
    let applied = match facts {
        Some(facts) => decide::apply_facts(tx, &app, &facts).await?,
        None => {
            tx.schedule(DECIDE, &name, new.accepted_at.max(tx.now())).await?;
            Applied::default()
        }
    };
    // The answer is built here, so that a retry gets this very answer back.
    let row = store::application_in(tx, id).await?.ok_or_else(|| ApiError::internal("just filed"))?;
    let queue = applied.queue_position.map(|position| QueueRow {
        application_id: id,
        settlement_kato: row.settlement_kato.clone(),
        list_category: row.list_category.code.to_owned(),
        person_iin: row.applicant_iin.clone(),
        accepted_at: row.accepted_at,
        enrolled_at: tx.now(),
        removed_at: None,
        removal_ground: None,
        removal_reason: None,
        last_position: None,
        position,
    });
    let document_kinds = new.documents.iter().map(|d| d.0.clone()).collect();
    let parts = Parts { findings: applied.findings, confirmations: new.confirmations.clone(), document_kinds, queue };
    Ok(answer(&row, &parts, digest, tx.now()))
}

/// The refusal at the door of a second application on the same list.
pub fn collision(existing: &store::Collision) -> ApiError {
    let name = Enrolments::name(existing.id);
    let (reason, what) = if existing.stage == Stage::Enrolled {
        ("ALREADY_ENROLLED", "the person is already on this waiting list")
    } else {
        ("OPEN_APPLICATION_EXISTS", "the person already has an open application for this waiting list")
    };
    ApiError::already_exists(reason, format!("{what}: {name}")).meta("application", name)
}
