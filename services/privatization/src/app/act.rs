//! The officials' acts that close each stage (RULES.md 3.2; Annex 1 rows 4, 6, 10): the housing
//! commission's decision, the property body's decision and the transfer act (republican fund),
//! the state registration (entity funds), the contract. An act on the wrong fund or out of order
//! is refused naming the stage the case awaits; an official of another akimat is refused; each
//! act records its results and opens the next stage with its deadline, in one change.

use calendar::{Calendar, DEFAULT_START, KAZAKHSTAN};
use casework::asked::Asked;
use casework::case::{CaseKind as _, enter_stage};
use chrono::{DateTime, NaiveDate, Utc};
use law::RefusalGround as _;
use law::Stage as _;
use law::result::ResultKind;
use platform::principal::OfficialRole;
use platform::store::WriteTx;
use platform::{ApiError, Principal};
use proto::housing::common::v1::LocalizedText;

use super::{Privatization, calendar_error};
use crate::domain::commission::Commission;
use crate::domain::fund::{self, Act};
use crate::domain::{Fund, Ground, Stage};
use crate::store::{self, ApplicationRow, Column, Deadline, FindingRow};
use crate::{Privatizations, reporting};

/// An act as the official recorded it.
#[derive(Debug, Clone)]
pub struct Taken {
    /// The application.
    pub id: i64,
    /// Which act.
    pub act: Act,
    /// The act's number (decision, act, registration, contract).
    pub number: String,
    /// The official's note.
    pub note: String,
    /// The commission's decision and its reason, for its act.
    pub commission: Option<(Commission, String)>,
}

/// Records act `taken` as `asked`: the case must await it; its results are recorded and the next
/// stage opens with its deadline, in one change with the audit row and the reports.
#[tracing::instrument(level = "debug", name = "privatization.act", skip_all, fields(request = %asked.reference))]
pub async fn act(deps: &Privatization, asked: Asked, taken: Taken) -> Result<(), ApiError> {
    let id = taken.id;
    let app = store::application(&deps.db, id).await?.ok_or_else(|| Privatizations::not_found(id))?;
    in_jurisdiction(&asked.principal, &app.settlement_kato)?;
    let calendar = deps.calendar.clone();
    deps.db
        .transact(asked.command()?, move |tx| {
            Box::pin(async move {
                let app = store::application_in(tx, id).await?.ok_or_else(|| Privatizations::not_found(id))?;
                let next = awaited(&app, taken.act)?;
                if let Some((Commission::Refuse(ground), reason)) = &taken.commission {
                    return refuse(tx, &app, *ground, reason).await;
                }
                let today = day_of(tx.now());
                let (results, text) = record(tx, &calendar, &app, &taken, today).await?;
                let deadline = next_deadline(&calendar, app.fund_kind, next, &app, today, tx.now())?;
                let number = &taken.number;
                let why = match (&taken.commission, taken.note.as_str()) {
                    (Some((_, reason)), _) => format!("{results} No. {number}: {reason}"),
                    (None, "") => format!("{results} No. {number}"),
                    (None, note) => format!("{results} No. {number}: {note}"),
                };
                enter_stage(tx, &mut app.case(), next, &why, deadline.as_ref(), &why).await?;
                if let Some((kind, clause, text)) = text {
                    super::hand_out(tx, &app, app.applicant_name.as_deref(), next, (kind, clause), text).await?;
                }
                Ok(())
            })
        })
        .await?;
    deps.changed.notify_waiters();
    Ok(())
}

/// The stage `act` opens, if the case awaits it (row 4: each fund's order of acts).
fn awaited(app: &ApplicationRow, act: Act) -> Result<Stage, ApiError> {
    let (fund, at, name) = (app.fund_kind, app.stage, Privatizations::name(app.id));
    fund.after(at, act).ok_or_else(|| {
        let awaited = fund.awaited(at).map_or("nothing: the case is closed".to_owned(), |a| format!("{a:?}"));
        ApiError::failed_precondition(
            "STAGE_MISMATCH",
            format!("{name} ({}) is at {} and awaits {awaited}", fund.code(), at.code()),
        )
        .precondition("STAGE", name, format!("awaits {awaited}, stage {}", at.code()))
    })
}

/// The act's results on the case (row 6), what it is called, and the result's text where the
/// applicant is told of it.
async fn record(
    tx: &mut WriteTx,
    calendar: &Calendar,
    app: &ApplicationRow,
    taken: &Taken,
    today: NaiveDate,
) -> Result<(&'static str, Option<(ResultKind, &'static str, LocalizedText)>), ApiError> {
    let (id, number, business_id) = (app.id, taken.number.as_str(), app.business_id.as_str());
    Ok(match taken.act {
        Act::CommissionDecision => {
            let Some((Commission::Privatize { price, gratuitous }, _)) = &taken.commission else {
                return Err(ApiError::internal("a commission act without its decision"));
            };
            store::set_decision(tx, id, number, &today.to_string(), *price, *gratuitous).await?;
            if app.fund_kind == Fund::RepublicanEntity {
                // Row 4(3): the whole transfer's term counts from the commission's decision.
                let (term, event, clause) =
                    fund::term(app.fund_kind, Stage::TransferAct).ok_or_else(|| ApiError::internal("no term"))?;
                let due = calendar.due(today, term, DEFAULT_START).map_err(calendar_error)?;
                store::set_transfer_deadline(tx, id, &Deadline::new(term, event, tx.now(), due, clause)).await?;
            }
            let text = reporting::result_text(business_id, reporting::DECISION, number);
            ("decision", Some((ResultKind::CommissionDecision, "Annex 1 row 6", text)))
        }
        Act::PropertyBodyDecision => {
            store::set(tx, id, Column::PropertyBodyDecisionNumber, number).await?;
            store::set(tx, id, Column::PropertyBodyDecidedOn, &today.to_string()).await?;
            ("property body's decision", None)
        }
        Act::TransferAct => {
            store::set(tx, id, Column::TransferActNumber, number).await?;
            let text = reporting::result_text(business_id, reporting::TRANSFER_ACT, number);
            ("transfer act", Some((ResultKind::TransferAct, "Annex 1 row 6(2)", text)))
        }
        Act::StateRegistration => {
            store::set(tx, id, Column::RegistrationNumber, number).await?;
            ("state registration", None)
        }
        Act::Contract => {
            store::set(tx, id, Column::ContractNumber, number).await?;
            let text = reporting::result_text(business_id, reporting::CONTRACT, number);
            ("contract", Some((ResultKind::Contract, "Annex 1 row 6", text)))
        }
    })
}

/// Whether the official may act on a case in `settlement`: the akimat with jurisdiction over
/// the dwelling (DESIGN.md "Who is calling").
fn in_jurisdiction(principal: &Principal, settlement: &str) -> Result<(), ApiError> {
    let Some(official) = &principal.official else { return Ok(()) };
    match official.jurisdiction.as_deref() {
        Some(j) if j == settlement => Ok(()),
        Some(j) => Err(ApiError::permission_denied(
            "OUTSIDE_JURISDICTION",
            format!("the dwelling is in {settlement}, outside the official's jurisdiction {j}"),
        )
        .meta("settlement_kato", settlement.to_owned())),
        None if matches!(official.role, OfficialRole::AkimatOfficial | OfficialRole::HousingCommission) => {
            Err(ApiError::permission_denied(
                "JURISDICTION_REQUIRED",
                "an akimat's official acts with x-official-jurisdiction",
            ))
        }
        None => Ok(()),
    }
}

/// The local day of an instant.
fn day_of(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&KAZAKHSTAN).date_naive()
}

/// The deadline of the stage entered: each term counts from its own event ([A-P-CONTRACT],
/// [A-REG-START]; row 4).
fn next_deadline(
    calendar: &Calendar,
    fund: Fund,
    next: Stage,
    app: &ApplicationRow,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<Deadline>, ApiError> {
    let Some((term, event, clause)) = fund::term(fund, next) else { return Ok(None) };
    let stored = |day: &Option<String>| day.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let from = match event {
        "COMMISSION_DECISION" => stored(&app.decided_on).unwrap_or(today),
        "PROPERTY_BODY_DECISION" => stored(&app.property_body_decided_on).unwrap_or(today),
        _ => today,
    };
    let due = calendar.due(from, term, DEFAULT_START).map_err(calendar_error)?;
    Ok(Some(Deadline::new(term, event, now, due, clause)))
}

/// The commission's motivated refusal (row 10(1)-(2)): the case ends.
async fn refuse(tx: &mut WriteTx, app: &ApplicationRow, ground: Ground, reason: &str) -> Result<(), ApiError> {
    let finding = FindingRow {
        code: ground.code().into(),
        ground: Some(ground.code().into()),
        source: "official".into(),
        person_iin: app.applicant_iin.clone(),
        occurred_on: None,
        detail: reason.to_owned(),
    };
    store::add_findings(tx, app.id, &[finding]).await?;
    store::set_refusal(tx, app.id, Some((ground.code(), Some("COMMISSION")))).await?;
    let why = format!("the housing commission refuses: {} ({}): {reason}", ground.code(), ground.clause());
    enter_stage(tx, &mut app.case().refused_on(ground.code()), Stage::Refused, &why, None, &why).await?;
    let text = reporting::refusal_text(&app.business_id, ground);
    super::hand_out(
        tx,
        app,
        app.applicant_name.as_deref(),
        Stage::Refused,
        (ResultKind::Refusal, ground.clause()),
        text,
    )
    .await
}
