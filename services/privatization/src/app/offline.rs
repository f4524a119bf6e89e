//! A State Corporation counter works while the gateway is away (Annex 1 row 8(2); PR cl. 4): the
//! paper application is accepted with the documents the citizen brought and the confirmations
//! given, the commission's term runs from that acceptance, and the `COMPLETE` job reads the state
//! systems as soon as the gateway is back: the family, who must confirm, which documents are
//! needed, every member's data, then intake, as a filing would at once ([A-SC-OFFLINE]). What the
//! door would have refused (a document or a confirmation missing, a person the register does not
//! know) is then a motivated refusal on row 10(2), the door's reason its sub-reason.

use calendar::Acceptance;
use casework::case::CaseKind as _;
use casework::fields::id_of;
use chrono::NaiveDate;
use clients::CaseRef;
use law::RefusalGround as _;
use platform::ApiError;
use platform::store::sweeper::Job;
use platform::store::{Db, WriteTx};
use proto::housing::common::v1 as common;
use tonic::Code;

use super::file::{self, Answer, Examined, Filing, Intake, Step};
use crate::Privatizations;
use crate::domain::{Ground, Stage, offices};
use crate::gather::{PURPOSE, StateData};
use crate::store::{self, FindingRow, NewApplication};

/// The job that completes an application accepted while the gateway was away.
pub const COMPLETE: &str = "COMPLETE";

/// Turns a kept request back into the filing it was (the gRPC layer's reading of it).
pub(crate) type Decode = fn(&[u8], casework::documents::Limits) -> Result<Filing, ApiError>;

/// Whether a filing the gateway could not serve (`error`) is accepted at the counter all the
/// same: a paper application at a State Corporation office, every confirmation an EDS (a
/// one-time password is verified when given, or never).
pub(crate) fn accepted_offline(filing: &Filing, error: &ApiError) -> bool {
    let eds = |c: &common::Confirmation| matches!(c.method, Some(common::confirmation::Method::Eds(_)));
    filing.office.is_some()
        && error.code() == Code::Unavailable
        && error.reason() == "GATEWAY_UNAVAILABLE"
        && !filing.confirmations.is_empty()
        && filing.confirmations.iter().all(eds)
}

/// Why the application counts as accepted.
pub fn accepted_why(office: Option<&offices::Office>, acceptance: &Acceptance) -> String {
    let office = office.map(|o| o.id).unwrap_or_default();
    format!(
        "accepted at the State Corporation office {office} on {} with the documents brought, the gateway away: the state systems' data completes it when the gateway is back [A-SC-OFFLINE]",
        acceptance.accepted_on
    )
}

/// The counter's change: the application at `ACCEPTED` with its report, audit row, documents
/// and the request kept, and the job that completes it.
pub(crate) async fn commit<R>(
    tx: &mut WriteTx,
    (new, why, filed_as): (&NewApplication, &str, &str),
    request: &[u8],
    answer: (&str, Answer<R>),
) -> Result<R, ApiError> {
    let app = file::insert(tx, new, why, filed_as).await?;
    store::keep_offline(tx, app.id, request).await?;
    let now = tx.now();
    tx.schedule(COMPLETE, &Privatizations::name(app.id), now).await?;
    file::answered(tx, app.id, new, Vec::new(), answer).await
}

/// What the state systems answered when the gateway came back.
pub(crate) enum Completion {
    /// The filing as a filing at once would have found it.
    Examined(Box<Examined>, Box<Filing>),
    /// What the door would have refused: its reason and words.
    Refused {
        /// The door's stable reason.
        reason: String,
        /// In words.
        detail: String,
    },
    /// Nothing to complete (completed, withdrawn).
    Nothing,
}

/// The `COMPLETE` job's outside half: the state systems' data, read under the case's name; a
/// gateway still away is an error, and the job is tried again.
pub(crate) async fn prepare(
    db: Db,
    state: StateData,
    limits: casework::documents::Limits,
    decode: Decode,
    job: Job,
) -> Result<Completion, ApiError> {
    let id = id_of(&job.subject, Privatizations::COLLECTION, "subject")?;
    let (Some(app), Some(request)) = (store::application(&db, id).await?, store::offline_request(&db, id).await?)
    else {
        return Ok(Completion::Nothing);
    };
    if app.stage != Stage::Accepted {
        return Ok(Completion::Nothing);
    }
    let filing = decode(&request, limits)?;
    let case = CaseRef { name: job.subject.clone(), purpose: PURPOSE.into(), user_iin: app.applicant_iin.clone() };
    let accepted_on = NaiveDate::parse_from_str(&app.accepted_on, "%Y-%m-%d").map_err(ApiError::internal)?;
    match file::examine(&state, &case, &filing, accepted_on, false).await {
        Ok(Step::Examined(examined)) => Ok(Completion::Examined(examined, Box::new(filing))),
        Ok(Step::Preview(_)) => Err(ApiError::internal("a completion asked for a preview")),
        Err(e) if matches!(e.code(), Code::Unavailable | Code::Internal | Code::DeadlineExceeded) => Err(e),
        Err(e) => Ok(Completion::Refused { reason: e.reason().to_owned(), detail: e.to_string() }),
    }
}

/// The `COMPLETE` job's change: the names, who confirmed, the findings and intake's result, as
/// a filing at once would have written them, or the refusal of what the door would have refused.
pub(crate) async fn apply(tx: &mut WriteTx, job: &Job, completion: Completion) -> Result<(), ApiError> {
    let id = id_of(&job.subject, Privatizations::COLLECTION, "subject")?;
    let app = store::application_in(tx, id).await?.filter(|a| a.awaiting_state_data != 0 && a.stage == Stage::Accepted);
    store::clear_offline(tx, id).await?;
    let (app, completion) = match (app, completion) {
        (Some(app), Completion::Examined(examined, filing)) => (app, (*examined, *filing)),
        (Some(app), Completion::Refused { reason, detail }) => {
            let finding = FindingRow {
                code: reason.clone(),
                ground: Some(Ground::Nonconforming.code().into()),
                source: "gateway".into(),
                person_iin: app.applicant_iin.clone(),
                occurred_on: None,
                detail: format!("completed when the gateway was back: {detail} [A-SC-OFFLINE]"),
            };
            let intake = Intake { findings: vec![finding], refusal: Some((Ground::Nonconforming, reason)) };
            file::apply_intake(tx, &app, &intake, app.applicant_name.as_deref().unwrap_or_default()).await?;
            return tx.audit(&job.subject, "completed from the state systems' data: refused (row 10(2))").await;
        }
        _ => return tx.audit(&job.subject, "nothing to complete: the application no longer waits").await,
    };
    let (Examined { names, gathered, members, verified }, filing) = completion;
    casework::rows::set_text(tx, id, "applicant_name", Some(&names.0)).await?;
    casework::rows::set_text(tx, id, "representative_name", names.1.as_deref()).await?;
    if let Some(kato) = &gathered.settlement_kato {
        casework::rows::set_text(tx, id, "settlement_kato", Some(kato)).await?;
    }
    let confirmed: Vec<(String, String)> =
        verified.iter().map(|v| (v.signer_iin.clone(), format!("{}:{}", v.method, v.certificate_serial))).collect();
    store::add_confirmed(tx, id, &confirmed).await?;
    let intake = Intake::of(&gathered, &members, &filing);
    file::apply_intake(tx, &app, &intake, &names.0).await?;
    tx.audit(&job.subject, "completed from the state systems' data (Annex 1 row 9, row 10(2)-(5))").await
}
