//! The officials' acts that close each stage (RULES.md 3.2): the housing commission's decision,
//! the property body's decision and the transfer act (republican fund), the state registration
//! (entity funds), the contract. An act on the wrong fund or out of order is FAILED_PRECONDITION
//! naming the stage the case awaits; an official of another akimat is refused; a retry with the
//! same `request_id` gets the first answer and changes nothing.

use calendar::{DEFAULT_START, KAZAKHSTAN};
use casework::case::enter_stage;
use chrono::{DateTime, NaiveDate, Utc};
use law::RefusalGround as _;
use law::Stage as _;
use platform::principal::OfficialRole;
use platform::store::{Command, WriteTx, request_hash};
use platform::{ApiError, Principal};
use proto::housing::privatization::v1 as pb;
use tonic::Request;

use super::convert::{self, application_name};
use super::{Privatization, calendar_error, not_found};
use crate::domain::commission::{Commission, Invalid};
use crate::domain::fund::{self, Act};
use crate::domain::{Fund, Ground, Stage};
use crate::reporting;
use crate::store::{self, ApplicationRow, Column, Deadline, FindingRow};

const COMMISSION: &str = "/kz.housing.privatization.v1.PrivatizationService/RecordCommissionDecision";
const PROPERTY_BODY: &str = "/kz.housing.privatization.v1.PrivatizationService/RecordPropertyBodyDecision";
const TRANSFER_ACT: &str = "/kz.housing.privatization.v1.PrivatizationService/RecordTransferAct";
const REGISTRATION: &str = "/kz.housing.privatization.v1.PrivatizationService/RecordStateRegistration";
const CONTRACT: &str = "/kz.housing.privatization.v1.PrivatizationService/SignContract";

/// An act as its request carries it.
struct ActRequest {
    request_id: uuid::Uuid,
    name: String,
    number: String,
    note: String,
    method: &'static str,
    hash: [u8; 32],
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

impl Privatization {
    fn act_request<M: prost::Message>(
        method: &'static str,
        message: &M,
        id: &str,
        name: &str,
        number: (&str, &str),
        note: &str,
    ) -> Result<ActRequest, ApiError> {
        let request_id = convert::request_id(id)?;
        let (field, value) = number;
        Ok(ActRequest {
            request_id,
            name: name.to_owned(),
            number: convert::text(value, field)?,
            note: note.trim().to_owned(),
            method,
            hash: request_hash(method, message),
        })
    }

    pub(super) async fn commission_decision(
        &self,
        r: Request<pb::RecordCommissionDecisionRequest>,
    ) -> Result<Option<pb::Application>, ApiError> {
        let principal = Principal::of(&r);
        let m = r.into_inner();
        let req = Self::act_request(
            COMMISSION,
            &m,
            &m.request_id,
            &m.name,
            ("decision_number", &m.decision_number),
            &m.reason,
        )?;
        let reason = convert::text(&m.reason, "reason")?;
        let price = m.price.map(|p| p.tiyn).unwrap_or_default();
        let decision = Commission::entered(m.approve, price, m.gratuitous, &m.refusal_code).map_err(|e| match e {
            Invalid::NegativePrice => ApiError::bad_field("PRICE_INVALID", "price", "zero or more tiyn"),
            Invalid::PriceRequired => ApiError::bad_field(
                "PRICE_REQUIRED",
                "price",
                "the price the commission set [A-PRICE], unless gratuitous",
            ),
            Invalid::NotTheCommissionsGround => ApiError::bad_field(
                "REFUSAL_CODE_INVALID",
                "refusal_code",
                "UNRELIABLE_DOCUMENTS (row 10(1)) or NONCONFORMING (row 10(2)): the commission's grounds",
            ),
        })?;
        self.act(principal, req, Act::CommissionDecision, Some((decision, reason))).await
    }

    pub(super) async fn property_body_decision(
        &self,
        r: Request<pb::RecordPropertyBodyDecisionRequest>,
    ) -> Result<Option<pb::Application>, ApiError> {
        let principal = Principal::of(&r);
        let m = r.into_inner();
        let req = Self::act_request(
            PROPERTY_BODY,
            &m,
            &m.request_id,
            &m.name,
            ("decision_number", &m.decision_number),
            &m.reason,
        )?;
        self.act(principal, req, Act::PropertyBodyDecision, None).await
    }

    pub(super) async fn transfer_act(
        &self,
        r: Request<pb::RecordTransferActRequest>,
    ) -> Result<Option<pb::Application>, ApiError> {
        let principal = Principal::of(&r);
        let m = r.into_inner();
        let req =
            Self::act_request(TRANSFER_ACT, &m, &m.request_id, &m.name, ("act_number", &m.act_number), &m.reason)?;
        self.act(principal, req, Act::TransferAct, None).await
    }

    pub(super) async fn state_registration(
        &self,
        r: Request<pb::RecordStateRegistrationRequest>,
    ) -> Result<Option<pb::Application>, ApiError> {
        let principal = Principal::of(&r);
        let m = r.into_inner();
        let req = Self::act_request(
            REGISTRATION,
            &m,
            &m.request_id,
            &m.name,
            ("registration_number", &m.registration_number),
            &m.reason,
        )?;
        self.act(principal, req, Act::StateRegistration, None).await
    }

    pub(super) async fn contract(
        &self,
        r: Request<pb::SignContractRequest>,
    ) -> Result<Option<pb::Application>, ApiError> {
        let principal = Principal::of(&r);
        let m = r.into_inner();
        let req = Self::act_request(
            CONTRACT,
            &m,
            &m.request_id,
            &m.name,
            ("contract_number", &m.contract_number),
            &m.reason,
        )?;
        self.act(principal, req, Act::Contract, None).await
    }

    /// One act: the case must await it; its results are recorded and the next stage opens
    /// with its deadline, in one transaction with the audit row and the reports.
    async fn act(
        &self,
        principal: Principal,
        req: ActRequest,
        act: Act,
        commission: Option<(Commission, String)>,
    ) -> Result<Option<pb::Application>, ApiError> {
        let id = convert::id_of(&req.name, "privatization/applications", "name")?;
        let app = store::application(&self.db, id).await?.ok_or_else(|| not_found(id))?;
        in_jurisdiction(&principal, &app.settlement_kato)?;
        let command = Command::new(principal, req.method).idempotent(req.request_id, req.hash);
        let calendar = self.calendar.clone();
        self.db
            .transact(command, move |tx| {
                Box::pin(async move {
                    let app = store::application_in(tx, id).await?.ok_or_else(|| not_found(id))?;
                    let fund = app.fund_kind;
                    let at = app.stage;
                    let name = application_name(id);
                    let Some(next) = fund.after(at, act) else {
                        let awaited =
                            fund.awaited(at).map_or("nothing: the case is closed".to_owned(), |a| format!("{a:?}"));
                        return Err(ApiError::failed_precondition(
                            "STAGE_MISMATCH",
                            format!("{name} ({}) is at {} and awaits {awaited}", fund.code(), at.code()),
                        )
                        .precondition(
                            "STAGE",
                            name,
                            format!("awaits {awaited}, stage {}", at.code()),
                        ));
                    };
                    let today = day_of(tx.now());
                    if let Some((Commission::Refuse(ground), reason)) = &commission {
                        return refuse(tx, &app, *ground, reason).await.map(|()| answer(&name));
                    }
                    let (number, note) = (req.number.as_str(), req.note.as_str());
                    let (results, text) = match act {
                        Act::CommissionDecision => {
                            let Some((Commission::Privatize { price, gratuitous }, _)) = &commission else {
                                return Err(ApiError::internal("a commission act without its decision"));
                            };
                            store::set_decision(tx, id, number, &today.to_string(), *price, *gratuitous).await?;
                            if fund == Fund::RepublicanEntity {
                                let (term, event, clause) = fund::term(fund, Stage::TransferAct)
                                    .ok_or_else(|| ApiError::internal("no term"))?;
                                let due = calendar.due(today, term, DEFAULT_START).map_err(calendar_error)?;
                                store::set_transfer_deadline(
                                    tx,
                                    id,
                                    &Deadline::new(term, event, tx.now(), due, clause),
                                )
                                .await?;
                            }
                            ("decision", Some(reporting::result_text(&app.business_id, reporting::DECISION, number)))
                        }
                        Act::PropertyBodyDecision => {
                            store::set(tx, id, Column::PropertyBodyDecisionNumber, number).await?;
                            store::set(tx, id, Column::PropertyBodyDecidedOn, &today.to_string()).await?;
                            ("property body's decision", None)
                        }
                        Act::TransferAct => {
                            store::set(tx, id, Column::TransferActNumber, number).await?;
                            (
                                "transfer act",
                                Some(reporting::result_text(&app.business_id, reporting::TRANSFER_ACT, number)),
                            )
                        }
                        Act::StateRegistration => {
                            store::set(tx, id, Column::RegistrationNumber, number).await?;
                            ("state registration", None)
                        }
                        Act::Contract => {
                            store::set(tx, id, Column::ContractNumber, number).await?;
                            ("contract", Some(reporting::result_text(&app.business_id, reporting::CONTRACT, number)))
                        }
                    };
                    let deadline = next_deadline(&calendar, fund, next, &app, today, tx.now())?;
                    let why = match &commission {
                        Some((_, reason)) => format!("{results} No. {number}: {reason}"),
                        None if note.is_empty() => format!("{results} No. {number}"),
                        None => format!("{results} No. {number}: {note}"),
                    };
                    enter_stage(tx, &mut app.case(), next, &why, deadline.as_ref(), &why).await?;
                    if let Some(text) = text {
                        tx.enqueue(reporting::result_notice(&name, &app.applicant_iin, text)).await?;
                    }
                    Ok(answer(&name))
                })
            })
            .await?;
        self.changed.notify_waiters();
        self.load(id).await.map(Some)
    }
}

fn answer(name: &str) -> pb::GetApplicationResponse {
    pb::GetApplicationResponse { application: Some(pb::Application { name: name.to_owned(), ..Default::default() }) }
}

/// The deadline of the stage entered: each term counts from its own event ([A-P-CONTRACT],
/// [A-REG-START]; row 4).
fn next_deadline(
    calendar: &calendar::Calendar,
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
    let name = application_name(app.id);
    let finding = FindingRow {
        code: ground.code().into(),
        ground: Some(ground.code().into()),
        source: "official".into(),
        person_iin: app.applicant_iin.clone(),
        occurred_on: None,
        detail: reason.to_owned(),
    };
    store::add_findings(tx, app.id, &[finding]).await?;
    store::set_refusal(tx, app.id, Some((ground.code(), "COMMISSION"))).await?;
    let why = format!("the housing commission refuses: {} ({}): {reason}", ground.code(), ground.clause());
    enter_stage(tx, &mut app.case(), Stage::Refused, &why, None, &why).await?;
    tx.enqueue(reporting::result_notice(&name, &app.applicant_iin, reporting::refusal_text(&app.business_id, ground)))
        .await
        .map(|_| ())
}
