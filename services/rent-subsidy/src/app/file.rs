//! Filing a rent-subsidy application (Annex 3 rows 4, 8, 9): the applicant and the landlord are
//! checked in the population register, the application is certified with the applicant's EDS
//! over its signing digest ([A-SUB-EDS]), accepted under the registry's hours and
//! next-working-day rule ([A-SUB-HOURS]) with a term of 3 working days, and decided at once
//! where the sources answer; otherwise the `DECIDE` job decides it.

use calendar::{Acceptance, Channel, DEFAULT_START};
use casework::asked::{Asked, Filed};
use casework::case::{CaseKind as _, filed};
use chrono::{DateTime, Utc};
use platform::ApiError;
use platform::store::WriteTx;
use prost::Message;
use proto::housing::common::v1 as common;

use super::decide::{self, DECIDE, Gathered};
use super::{Subsidy, calendar_error};
use crate::domain::terms;
use crate::gather::PURPOSE;
use crate::store::{self, ApplicationRow, Deadline, FindingRow, LeaseRow, NewApplication};
use crate::{Subsidies, reporting};

/// [A-SUB-HOURS]: the registry's schedule and after-hours rule.
pub const CHANNEL: Channel = Channel::OTBASYBANK_SUBSIDY;

/// An application as filed, its fields checked.
#[derive(Debug, Clone)]
pub struct Filing {
    /// The applicant's IIN.
    pub applicant: String,
    /// The lease as data [A-LEASE].
    pub lease: LeaseRow,
    /// The signing digest the applicant's EDS covers.
    pub digest: String,
    /// The confirmations given.
    pub confirmations: Vec<common::Confirmation>,
}

/// How the caller shows a filed application: its row, its findings, the signing digest and the
/// time.
pub type Answer<R> = fn(&ApplicationRow, &[FindingRow], &str, DateTime<Utc>) -> R;

/// Files `filing` as `asked`; `answer` shows the application filed.
#[tracing::instrument(level = "debug", name = "rent_subsidy.file", skip_all, fields(request = %asked.reference))]
pub async fn file<R: Message + Default + 'static>(
    deps: &Subsidy,
    asked: Asked,
    filing: Filing,
    answer: Answer<R>,
) -> Result<Filed<String, R>, ApiError> {
    if let Some(first) = asked.replay::<R>(&deps.db).await? {
        return Ok(Filed::Filed(first));
    }
    let applicant = filing.applicant.clone();
    let case = clients::CaseRef {
        name: format!("subsidy/requests/{}", asked.reference),
        purpose: PURPOSE.into(),
        user_iin: applicant.clone(),
    };
    let applicant_name = casework::gateway::full_name(&deps.inputs.sources.person(&case, &applicant).await?);
    deps.inputs.sources.person(&case, &filing.lease.landlord_iin).await?;
    if asked.request.is_none() {
        return Ok(Filed::Preview(filing.digest));
    }
    eds_required(&filing)?;
    let required = [applicant.clone()];
    let gateway = deps.inputs.sources.gateway();
    let verified =
        casework::confirm::verify(gateway, &case, &filing.digest, &filing.confirmations, &required, &required).await?;
    let serial = verified.iter().find(|v| v.method == "EDS").map(|v| v.certificate_serial.clone()).unwrap_or_default();
    let now = deps.clock.now();
    let acceptance = CHANNEL
        .accept(&deps.calendar, now)
        .map_err(calendar_error)?
        .ok_or_else(|| ApiError::internal("online around the clock"))?;
    let accepted_at = CHANNEL.accepted_at(&acceptance, now);
    let term = terms::DECISION;
    let due = deps.calendar.due(acceptance.accepted_on, term.length, DEFAULT_START).map_err(calendar_error)?;
    let deadline = Deadline::of_term(term, "APPLICATION_ACCEPTED", accepted_at, due, "[A-SUB-HOURS]");
    let accepted_on = acceptance.accepted_on.to_string();
    let (lease, digest) = (filing.lease, filing.digest);
    let new = NewApplication {
        applicant_iin: applicant,
        applicant_name,
        certificate_serial: serial,
        lease,
        received_at: now,
        accepted_at,
        accepted_on,
        deadline,
    };
    let gathered = if acceptance.deferred { None } else { read_now(deps, &case, &new, acceptance.accepted_on).await };
    let why = accepted_why(&acceptance);
    let filed_as = case.name.clone();
    let committed = deps
        .db
        .transact(asked.command()?, move |tx| {
            Box::pin(async move { commit(tx, (&new, &why, &filed_as), gathered, (&digest, answer)).await })
        })
        .await?;
    deps.changed.notify_waiters();
    Ok(Filed::Filed(committed.response))
}

/// The sources, read before the transaction; if one does not answer, the DECIDE job reads them
/// when it is back.
async fn read_now(
    deps: &Subsidy,
    case: &clients::CaseRef,
    new: &NewApplication,
    day: chrono::NaiveDate,
) -> Option<Gathered> {
    let l = &new.lease;
    match deps.inputs.read_sources(case, &new.applicant_iin, &l.landlord_iin, l.family_size, day).await {
        Ok(g) => Some(g),
        Err(e) => {
            tracing::warn!(error = %e, "the sources did not answer; the application waits");
            None
        }
    }
}

/// Annex 3 row 9: an application certified with an EDS; [A-SUB-EDS] (for ): a one-time
/// password alone is not accepted.
fn eds_required(filing: &Filing) -> Result<(), ApiError> {
    let applicant = &filing.applicant;
    let own = |c: &&common::Confirmation| c.signer.as_ref().is_some_and(|s| s.iin.trim() == applicant);
    let by_applicant: Vec<&common::Confirmation> = filing.confirmations.iter().filter(own).collect();
    let eds = |c: &&common::Confirmation| matches!(c.method, Some(common::confirmation::Method::Eds(_)));
    if by_applicant.is_empty() || by_applicant.iter().any(eds) {
        return Ok(());
    }
    Err(ApiError::failed_precondition("EDS_REQUIRED", "the application is certified with the applicant's EDS (Annex 3 row 9, [A-SUB-EDS]); a one-time password alone is not accepted")
        .precondition("CONFIRMATION", applicant.clone(), "an EDS over the signing digest"))
}

/// Why the application counts as accepted when it does.
fn accepted_why(acceptance: &Acceptance) -> String {
    let on = acceptance.accepted_on;
    if acceptance.deferred {
        format!("received after hours; accepted on {on} ([A-SUB-HOURS])")
    } else {
        format!("received and accepted on {on} via {}", reporting::CHANNEL)
    }
}

/// The filing's one change: the application at `ACCEPTED` with its report and audit row, then
/// its decision where the sources answered, or the `DECIDE` job where they did not.
async fn commit<R>(
    tx: &mut WriteTx,
    (new, why, filed_as): (&NewApplication, &str, &str),
    gathered: Option<Gathered>,
    (digest, answer): (&str, Answer<R>),
) -> Result<R, ApiError> {
    let id = match store::insert_application(tx, new, why).await? {
        Ok(id) => id,
        Err(existing) => {
            let name = Subsidies::name(existing);
            return Err(ApiError::already_exists(
                "OPEN_APPLICATION_EXISTS",
                format!("the person already has an open or paying application: {name}"),
            )
            .meta("application", name));
        }
    };
    let name = Subsidies::name(id);
    let app = store::application_in(tx, id).await?.ok_or_else(|| ApiError::internal("just filed"))?;
    filed(tx, &app.case(), new.accepted_at, &format!("application filed: {why}")).await?;
    casework::processing::link_filing(tx, filed_as, &name).await?;
    match gathered {
        Some((facts, params)) => decide::apply_facts(tx, &app, &facts, &params).await?,
        None => tx.schedule(DECIDE, &name, new.accepted_at.max(tx.now())).await?,
    }
    let row = store::application_in(tx, id).await?.ok_or_else(|| ApiError::internal("just filed"))?;
    let findings = store::findings_in(tx, id).await?;
    Ok(answer(&row, &findings, digest, tx.now()))
}
