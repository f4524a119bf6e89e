//! Filing an application (Annex 1 rows 3, 8, 9; PR cl. 4): the people named are checked in the
//! population register, the channel decides the day of acceptance, the state systems' data is
//! read, only the documents they do not hold are asked, the tenant and every adult member of the
//! family living in the dwelling confirm over the signing digest (row 9(1)), each member's consent
//! is recorded and their data read (row 9), and intake checks the data at once (row 10(2)-(5));
//! the commission's term starts at acceptance.

use calendar::{Acceptance, Channel, DEFAULT_START, OfficeHours};
use casework::asked::{Asked, Filed};
use casework::case::{Case, CaseKind as _, enter_stage, filed};
use casework::confirm::{self, Verified};
use chrono::{DateTime, NaiveDate, Utc};
use law::RefusalGround as _;
use law::result::ResultKind;
use platform::ApiError;
use platform::store::WriteTx;
use prost::Message;
use proto::housing::common::v1 as common;

use super::{Privatization, calendar_error, offline};
use crate::domain::documents::{self, Claims, Need};
use crate::domain::family::{self, Declared};
use crate::domain::{Fund, Ground, Stage, fund, intake, offices};
use crate::gather::{Gathered, MemberData, PURPOSE, StateData};
use crate::store::{self, ApplicationRow, Deadline, FindingRow, NewApplication, Parts};
use crate::{Privatizations, reporting};

/// [A-AKIMAT-HOURS]: the portal's after-hours rule (row 8(3)) uses the akimat's hours.
const PORTAL: Channel = Channel::egov_portal(OfficeHours::AKIMAT_DEFAULT);

/// An application as filed, its fields checked.
#[derive(Debug, Clone)]
pub struct Filing {
    /// The applicant's IIN.
    pub applicant: String,
    /// The representative's IIN and power of attorney, when one acts.
    pub representative: Option<(String, String)>,
    /// `PORTAL` or `STATE_CORPORATION`.
    pub channel: &'static str,
    /// The State Corporation office it was brought to.
    pub office: Option<&'static offices::Office>,
    /// The dwelling.
    pub dwelling_id: String,
    /// Its fund.
    pub fund: Fund,
    /// The family members declared.
    pub declared: Vec<Declared>,
    /// What the applicant claims.
    pub claims: Claims,
    /// The documents, checked.
    pub documents: Vec<casework::documents::Kept>,
    /// The signing digest the confirmations cover.
    pub digest: String,
    /// The confirmations given.
    pub confirmations: Vec<common::Confirmation>,
}

/// How the caller shows a filed application: its row, what it shows beside the row, the signing
/// digest it was confirmed over, and the time.
pub type Answer<R> = fn(&ApplicationRow, &Parts, &str, DateTime<Utc>) -> R;

/// What filing would ask of the filer (`validate_only`): the digest to sign, who must confirm,
/// and the documents the state systems do not hold.
#[derive(Debug)]
pub struct Preview {
    /// The signing digest.
    pub digest: String,
    /// Who confirms.
    pub confirmers: Vec<String>,
    /// The documents to bring.
    pub needs: Vec<Need>,
}

/// Files `filing` as `asked`; `keep` encodes the request as received, asked for only when a
/// counter accepts it without the gateway (`offline`); `answer` shows the application filed.
#[tracing::instrument(level = "debug", name = "privatization.file", skip_all, fields(request = %asked.reference))]
pub async fn file<R: Message + Default + 'static>(
    deps: &Privatization,
    asked: Asked,
    (filing, keep): (Filing, impl FnOnce() -> Vec<u8>),
    answer: Answer<R>,
) -> Result<Filed<Preview, R>, ApiError> {
    if let Some(first) = asked.replay::<R>(&deps.db).await? {
        return Ok(Filed::Filed(first));
    }
    let case = clients::CaseRef {
        name: format!("privatization/requests/{}", asked.reference),
        purpose: PURPOSE.into(),
        user_iin: filing.applicant.clone(),
    };
    let now = deps.clock.now();
    let (channel, acceptance) = accept(deps, &filing, now)?;
    let examined = match examine(&deps.state, &case, &filing, acceptance.accepted_on, asked.request.is_none()).await {
        Ok(Step::Preview(preview)) => return Ok(Filed::Preview(preview)),
        Ok(Step::Examined(examined)) => Some(*examined),
        Err(e) if asked.request.is_some() && offline::accepted_offline(&filing, &e) => None,
        Err(e) => return Err(e),
    };
    let accepted_at = channel.accepted_at(&acceptance, now);
    let (term, event, clause) =
        fund::term(filing.fund, fund::Stage::Accepted).ok_or_else(|| ApiError::internal("no term"))?;
    let due = deps.calendar.due(acceptance.accepted_on, term, DEFAULT_START).map_err(calendar_error)?;
    let deadline = Deadline::new(term, event, accepted_at, due, clause);
    let digest = filing.digest.clone();
    let command = asked.command()?;
    let committed = match examined {
        Some(examined) => {
            let why = accepted_why(filing.office, &acceptance);
            let intake = Intake::of(&examined.gathered, &examined.members, &filing);
            let mut new = application(
                filing,
                examined.gathered.settlement_kato.clone(),
                &acceptance,
                now,
                accepted_at,
                deadline,
                &examined.verified,
            );
            (new.applicant_name, new.representative_name) = examined.names;
            let filed_as = case.name;
            deps.db
                .transact(command, move |tx| {
                    Box::pin(async move { commit(tx, (&new, &why, &filed_as), intake, (&digest, answer)).await })
                })
                .await?
        }
        None => {
            let why = offline::accepted_why(filing.office, &acceptance);
            let stored = keep();
            let new = application(filing, None, &acceptance, now, accepted_at, deadline, &[]);
            let filed_as = case.name;
            deps.db
                .transact(command, move |tx| {
                    Box::pin(
                        async move { offline::commit(tx, (&new, &why, &filed_as), &stored, (&digest, answer)).await },
                    )
                })
                .await?
        }
    };
    deps.changed.notify_waiters();
    Ok(Filed::Filed(committed.response))
}

/// What the state systems answer about a filing: the names, their data, the confirmations
/// verified, every member's data.
pub(crate) struct Examined {
    /// The applicant's and the representative's names.
    pub names: (String, Option<String>),
    /// The tenant's data.
    pub gathered: Gathered,
    /// Each member's data.
    pub members: Vec<MemberData>,
    /// The confirmations, verified.
    pub verified: Vec<Verified>,
}

/// How far a filing got with the state systems.
pub(crate) enum Step {
    /// What filing would ask (`validate_only`).
    Preview(Preview),
    /// Everything filing needs.
    Examined(Box<Examined>),
}

/// The filing against the state systems, on the day of acceptance: everyone named is in the
/// population register, the tenant's data decides which documents are needed and who confirms
/// (a preview stops there), the documents are complete, the confirmations verified, each
/// member's consent recorded and data read.
pub(crate) async fn examine(
    state: &StateData,
    case: &clients::CaseRef,
    filing: &Filing,
    accepted_on: NaiveDate,
    preview: bool,
) -> Result<Step, ApiError> {
    let names = identify(state, case, filing).await?;
    let mut gathered = state.gather(case, &filing.applicant, &filing.declared, accepted_on).await?;
    // Without consent nothing restricted could be read: only the documents always asked are.
    let needs = if gathered.facts.consent_missing.is_empty() {
        documents::needs(&filing.declared, &gathered.held, filing.claims)
    } else {
        documents::needs(&[], &family::Held::default(), Claims::default())
    };
    let signer = filing.representative.as_ref().map_or(filing.applicant.clone(), |(i, _)| i.clone());
    let confirmers = family::confirmers(&signer, &filing.declared, &gathered.held, accepted_on);
    if preview {
        return Ok(Step::Preview(Preview { digest: filing.digest.clone(), confirmers, needs }));
    }
    complete(&needs, filing)?;
    let mut allowed = confirmers.clone();
    allowed.push(filing.applicant.clone());
    let given = &filing.confirmations;
    let verified = confirm::verify(state.gateway(), case, &filing.digest, given, &confirmers, &allowed).await?;
    let members = if gathered.facts.consent_missing.is_empty() {
        let members: Vec<String> =
            family::members(&filing.declared, &gathered.held).into_iter().map(|(iin, _)| iin).collect();
        state.record_consents(case, &members).await?;
        state.members(case, &members, accepted_on).await?
    } else {
        Vec::new()
    };
    gathered.facts.consent_missing.extend(members.iter().filter(|m| m.consent_missing).map(|m| m.iin.clone()));
    Ok(Step::Examined(Box::new(Examined { names, gathered, members, verified })))
}

/// Everyone the application names is in the population register (NOT_FOUND otherwise); answers
/// the applicant's and the representative's names as it records them.
async fn identify(
    state: &StateData,
    case: &clients::CaseRef,
    filing: &Filing,
) -> Result<(String, Option<String>), ApiError> {
    let applicant = casework::gateway::full_name(&state.person(case, &filing.applicant).await?);
    let representative = match &filing.representative {
        Some((rep, _)) => Some(casework::gateway::full_name(&state.person(case, rep).await?)),
        None => None,
    };
    for m in &filing.declared {
        state.person(case, &m.iin).await?;
    }
    Ok((applicant, representative))
}

/// Annex 1 row 8: the portal around the clock with the next-working-day rule; an office only
/// within its hours (AT-15).
fn accept(deps: &Privatization, filing: &Filing, now: DateTime<Utc>) -> Result<(Channel, Acceptance), ApiError> {
    let channel = filing.office.map_or(PORTAL, |o| o.channel());
    let acceptance = channel.accept(&deps.calendar, now).map_err(calendar_error)?.ok_or_else(|| {
        let office = filing.office.map(|o| o.id).unwrap_or_default();
        ApiError::failed_precondition(
            "OFFICE_CLOSED",
            format!("the State Corporation office {office} is closed now (Annex 1 row 8(2))"),
        )
        .precondition(
            "OFFICE_HOURS",
            office,
            "Mon-Fri 9:00-18:00; duty departments to 20:00 and Saturdays 9:00-13:00",
        )
    })?;
    Ok((channel, acceptance))
}

/// [A-INCOMPLETE], for: an application without the documents of row 9 it needs is
/// refused at the door; nothing is created.
fn complete(needs: &[Need], filing: &Filing) -> Result<(), ApiError> {
    let kinds: Vec<&str> = filing.documents.iter().map(|d| d.0.as_str()).collect();
    let unmet = documents::unmet(needs, &kinds);
    if unmet.is_empty() {
        return Ok(());
    }
    let mut e =
        ApiError::failed_precondition("DOCUMENTS_INCOMPLETE", "the application lacks documents of Annex 1 row 9");
    for n in &unmet {
        e = e.precondition("DOCUMENT_MISSING", n.kinds.join(" or "), format!("{}: {}", n.clause, n.reason));
    }
    Err(e)
}

/// Why the application counts as accepted when it does.
fn accepted_why(office: Option<&offices::Office>, acceptance: &Acceptance) -> String {
    let on = acceptance.accepted_on;
    match (office, acceptance.deferred) {
        (Some(o), _) => format!("accepted at the State Corporation office {} on {on} [A-SC-TRANSIT]", o.id),
        (None, true) => {
            format!("received on the portal after hours; accepted on {on} (Annex 1 row 8(3), [A-START-ACCEPT])")
        }
        (None, false) => format!("received and accepted on the portal on {on}"),
    }
}

/// What intake found in the state systems' data (row 10(2)-(5)), and the ground it refuses on.
pub(crate) struct Intake {
    /// The findings.
    pub findings: Vec<FindingRow>,
    /// The ground and the refusing finding's code.
    pub refusal: Option<(Ground, String)>,
}

impl Intake {
    /// Intake on the tenant's and the members' data.
    pub(crate) fn of(gathered: &Gathered, members: &[MemberData], filing: &Filing) -> Intake {
        let checked = intake::check(&gathered.facts, &filing.dwelling_id, filing.fund);
        let refusal = intake::refusal(&checked).map(|(ground, code)| (ground, code.to_owned()));
        let row = |code: &str, person_iin: String, detail: String| FindingRow {
            code: code.into(),
            ground: None,
            source: "gateway".into(),
            person_iin,
            occurred_on: None,
            detail,
        };
        let mut findings: Vec<FindingRow> = checked
            .into_iter()
            .map(|f| FindingRow {
                ground: f.ground.map(|g| g.code().into()),
                ..row(f.code, if f.person_iin.is_empty() { filing.applicant.clone() } else { f.person_iin }, f.detail)
            })
            .collect();
        // Row 9: what the state systems hold of the tenant and of each member, for the commission.
        let tenant = format!(
            "registered at {}; dwellings owned in the last five years: {}",
            gathered.address.as_deref().unwrap_or("no address on record"),
            listed(&gathered.owned)
        );
        findings.push(row("TENANT_DATA", filing.applicant.clone(), tenant));
        for m in members.iter().filter(|m| !m.consent_missing) {
            let detail = format!(
                "{}, a member of the family living in the dwelling (row 9(1)): registered at {}; relatives in the act records: {}; dwellings owned in the last five years: {}; court decisions in force: {}; social groups: {}",
                m.name,
                m.address.as_deref().unwrap_or("no address on record"),
                m.relatives,
                listed(&m.owned),
                m.court_decisions,
                listed(&m.groups)
            );
            findings.push(row("FAMILY_MEMBER_DATA", m.iin.clone(), detail));
        }
        Intake { findings, refusal }
    }
}

fn listed(items: &[String]) -> String {
    if items.is_empty() { "none".into() } else { items.join(", ") }
}

/// The application as it is stored.
pub(crate) fn application(
    filing: Filing,
    settlement_kato: Option<String>,
    acceptance: &Acceptance,
    received_at: DateTime<Utc>,
    accepted_at: DateTime<Utc>,
    deadline: Deadline,
    verified: &[Verified],
) -> NewApplication {
    let settlement = settlement_kato.or(filing.office.map(|o| o.kato.to_owned())).unwrap_or_default();
    NewApplication {
        applicant_iin: filing.applicant,
        representative: filing.representative.map(|(iin, reference)| (iin, "POWER_OF_ATTORNEY".into(), reference)),
        channel: filing.channel.into(),
        office_id: filing.office.map(|o| o.id.to_owned()),
        dwelling_id: filing.dwelling_id,
        fund_kind: filing.fund.code().into(),
        settlement_kato: settlement,
        received_at,
        accepted_at,
        accepted_on: acceptance.accepted_on.to_string(),
        deadline,
        documents: filing.documents,
        confirmed: verified
            .iter()
            .map(|v| (v.signer_iin.clone(), format!("{}:{}", v.method, v.certificate_serial)))
            .collect(),
        applicant_name: String::new(),
        representative_name: None,
    }
}

/// The filing's one change: the application at `ACCEPTED` with its report and audit row, its
/// findings, and, when intake refuses, the refusal with its notice.
async fn commit<R>(
    tx: &mut WriteTx,
    (new, why, filed_as): (&NewApplication, &str, &str),
    intake: Intake,
    (digest, answer): (&str, Answer<R>),
) -> Result<R, ApiError> {
    let app = insert(tx, new, why, filed_as).await?;
    apply_intake(tx, &app, &intake, &new.applicant_name).await?;
    answered(tx, app.id, new, intake.findings, (digest, answer)).await
}

/// The application inserted at `ACCEPTED` with its first report and audit row; a second case
/// on the same dwelling is refused at the door; the reads made for the filing under `filed_as`
/// are linked to it at the gateway.
pub(crate) async fn insert(
    tx: &mut WriteTx,
    new: &NewApplication,
    why: &str,
    filed_as: &str,
) -> Result<ApplicationRow, ApiError> {
    let id = match store::insert_application(tx, new, why).await? {
        Ok(id) => id,
        Err((existing, stage)) => return Err(collision(existing, stage)),
    };
    let app = store::application_in(tx, id).await?.ok_or_else(|| ApiError::internal("just filed"))?;
    filed(tx, &app.case(), new.accepted_at, &format!("application filed: {why}")).await?;
    casework::processing::link_filing(tx, filed_as, &Privatizations::name(id)).await?;
    Ok(app)
}

/// Intake's findings on the case and, when it refuses, the refusal with its notice to
/// `applicant_name`.
pub(crate) async fn apply_intake(
    tx: &mut WriteTx,
    app: &ApplicationRow,
    intake: &Intake,
    applicant_name: &str,
) -> Result<(), ApiError> {
    store::add_findings(tx, app.id, &intake.findings).await?;
    let Some((ground, code)) = &intake.refusal else { return Ok(()) };
    let mut case: Case<Privatizations> = app.case().refused_on(ground.code());
    store::set_refusal(tx, app.id, Some((ground.code(), Some(code.as_str())))).await?;
    let why = format!("refused at intake from the state systems' data: {} {code} ({})", ground.code(), ground.clause());
    enter_stage(tx, &mut case, Stage::Refused, &why, None, &why).await?;
    let text = reporting::refusal_text(&app.business_id, *ground);
    super::hand_out(tx, app, Some(applicant_name), Stage::Refused, (ResultKind::Refusal, ground.clause()), text).await
}

/// The application filed, as the caller shows it.
pub(crate) async fn answered<R>(
    tx: &mut WriteTx,
    id: i64,
    new: &NewApplication,
    findings: Vec<FindingRow>,
    (digest, answer): (&str, Answer<R>),
) -> Result<R, ApiError> {
    let row = store::application_in(tx, id).await?.ok_or_else(|| ApiError::internal("just filed"))?;
    let parts = Parts {
        findings,
        family: new.confirmed.iter().map(|(iin, _)| iin.clone()).collect(),
        document_kinds: new.documents.iter().map(|d| d.0.clone()).collect(),
        awaiting_state_data: row.awaiting_state_data != 0,
    };
    Ok(answer(&row, &parts, digest, tx.now()))
}

/// A second case on the same dwelling, refused at the door.
fn collision(existing: i64, stage: Stage) -> ApiError {
    let name = Privatizations::name(existing);
    let (reason, what) = if stage == Stage::Completed {
        ("ALREADY_PRIVATIZED", "the dwelling is already privatized")
    } else {
        ("OPEN_APPLICATION_EXISTS", "the dwelling already has an open application")
    };
    ApiError::already_exists(reason, format!("{what}: {name}")).meta("application", name)
}
