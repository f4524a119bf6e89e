//! The complaints' gRPC service: thin handlers over the terms, the store and the targets.

use std::sync::Arc;

use calendar::{Calendar, Channel, DEFAULT_START, OfficeHours, Term};
use casework::fields::{self, id_of};
use casework::history::events_page;
use casework::history::timestamp as ts;
use casework::reads::{overdue_page, visible_page};
use chrono::NaiveDate;
use pb::complaint_service_server::ComplaintService;
use platform::store::{Command, Db, request_hash};
use platform::{ApiError, Clock, Principal};
use proto::egov::gateway::v1 as gw;
use proto::housing::common::v1 as common;
use proto::housing::complaints::v1 as pb;
use sha2::Digest;
use tokio::sync::{Notify, watch};
use tonic::{Request, Response, Status};

use crate::domain::Stage;
use crate::domain::terms::{self, Reviewer, Service};
use crate::store::{self, Column, ComplaintRow, Deadline, NewComplaint};
use crate::targets::{self, Case, Targets};
use casework::case::{enter_stage, report_stage};
use law::Stage as _;

pub use crate::app::jobs::{OVERDUE, VERIFY};
/// [A-CMP-REGISTERED]: a complaint is registered within the reviewing body's hours; one received
/// after them, on a weekend or a holiday, on the next working day ([A-AKIMAT-HOURS] as the
/// bodies' hours).
const REGISTRATION: Channel = Channel::Online { provider: OfficeHours::AKIMAT_DEFAULT };

const CREATE: &str = "/kz.housing.complaints.v1.ComplaintService/CreateComplaint";
const EXTEND: &str = "/kz.housing.complaints.v1.ComplaintService/ExtendReview";
const DECIDE: &str = "/kz.housing.complaints.v1.ComplaintService/RecordComplaintDecision";

/// Everything the handlers share.
#[derive(Debug, Clone)]
pub struct Complaints {
    /// The database.
    pub db: Db,
    /// The calendar.
    pub calendar: Arc<Calendar>,
    /// The clock.
    pub clock: Clock,
    /// The three services.
    pub targets: Targets,
    /// The documents' limits: each, all together.
    pub limits: (usize, usize),
    /// Woken after every change, for this process's watchers.
    pub changed: Arc<Notify>,
    /// The server's shutdown signal.
    pub shutdown: watch::Receiver<bool>,
}

type Answer<T> = Result<Response<T>, Status>;

fn ok<T>(r: Result<T, ApiError>) -> Answer<T> {
    r.map(Response::new).map_err(Status::from)
}

fn name(id: i64) -> String {
    <crate::ComplaintCases as casework::case::CaseKind>::name(id)
}

fn not_found(id: i64) -> ApiError {
    <crate::ComplaintCases as casework::case::CaseKind>::not_found(id)
}

fn calendar_error(e: calendar::CalendarError) -> ApiError {
    ApiError::failed_precondition(
        "CALENDAR_NOT_COVERED",
        format!("the working-day calendar cannot count this term: {e}"),
    )
}

fn reviewer_in(kind: i32) -> Option<Reviewer> {
    match pb::ReviewerKind::try_from(kind) {
        Ok(pb::ReviewerKind::Provider) => Some(Reviewer::Provider),
        Ok(pb::ReviewerKind::AuthorizedBody) => Some(Reviewer::AuthorizedBody),
        Ok(pb::ReviewerKind::QualityControlBody) => Some(Reviewer::QualityControl),
        Ok(pb::ReviewerKind::HigherBody) => Some(Reviewer::HigherBody),
        Ok(pb::ReviewerKind::Official) => Some(Reviewer::Official),
        _ => None,
    }
}

fn reviewer_out(code: &str) -> i32 {
    match Reviewer::parse(code) {
        Some(Reviewer::Provider) => pb::ReviewerKind::Provider,
        Some(Reviewer::AuthorizedBody) => pb::ReviewerKind::AuthorizedBody,
        Some(Reviewer::QualityControl) => pb::ReviewerKind::QualityControlBody,
        Some(Reviewer::HigherBody) => pb::ReviewerKind::HigherBody,
        Some(Reviewer::Official) => pb::ReviewerKind::Official,
        None => pb::ReviewerKind::Unspecified,
    }
    .into()
}

fn reason_code(r: i32) -> Option<&'static str> {
    match pb::ExtensionReason::try_from(r) {
        Ok(pb::ExtensionReason::AdditionalStudyOrInspection) => Some("ADDITIONAL_STUDY_OR_INSPECTION"),
        Ok(pb::ExtensionReason::SiteInspection) => Some("SITE_INSPECTION"),
        Ok(pb::ExtensionReason::AdditionalInformation) => Some("ADDITIONAL_INFORMATION"),
        _ => None,
    }
}

fn reason_out(code: &str) -> i32 {
    match code {
        "ADDITIONAL_STUDY_OR_INSPECTION" => pb::ExtensionReason::AdditionalStudyOrInspection,
        "SITE_INSPECTION" => pb::ExtensionReason::SiteInspection,
        "ADDITIONAL_INFORMATION" => pb::ExtensionReason::AdditionalInformation,
        _ => pb::ExtensionReason::Unspecified,
    }
    .into()
}

/// A complaint as the contract shows it.
pub fn complaint(c: &ComplaintRow, now: chrono::DateTime<chrono::Utc>) -> pb::Complaint {
    let stage = match c.stage {
        Stage::UnderReview => pb::ComplaintStage::UnderReview,
        Stage::Extended => pb::ComplaintStage::Extended,
        Stage::Upheld => pb::ComplaintStage::Upheld,
        Stage::Dismissed => pb::ComplaintStage::Dismissed,
    };
    let subject = match c.subject.as_str() {
        "REFUSAL" => pb::Subject::Refusal,
        "MISSED_DEADLINE" => pb::Subject::MissedDeadline,
        "DOCUMENTS_DEMANDED" => pb::Subject::DocumentsDemanded,
        "OTHER" => pb::Subject::Other,
        _ => pb::Subject::Unspecified,
    };
    let check = match c.case_check.as_str() {
        "VERIFIED" => pb::CaseCheck::Verified,
        "PENDING" => pb::CaseCheck::Pending,
        "NOT_FOUND" => pb::CaseCheck::NotFound,
        _ => pb::CaseCheck::Unspecified,
    };
    let extension = c.extended_at.map(|at| pb::Extension {
        extended_at: Some(ts(at)),
        reasons: c
            .extension_reasons
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .filter(|r| !r.is_empty())
            .map(reason_out)
            .collect(),
        explanation: c.extension_explanation.clone().unwrap_or_default(),
        extra_days: i32::try_from(c.extra_days.unwrap_or_default()).unwrap_or(0),
        new_deadline: Some(c.deadline.clone().to_proto(c.is_open(), now)),
        notice_deadline: c.notice_due_at.map(|due| common::Deadline {
            term: i32::try_from(terms::NOTICE_DAYS).unwrap_or(3),
            unit: common::TermUnit::WorkingDays.into(),
            counted_from: "EXTENSION".into(),
            counted_from_at: Some(ts(at)),
            due_date: c.notice_due_date.clone().unwrap_or_default(),
            due_at: Some(ts(due)),
            clause: "SR cl. 34".into(),
            calendar_version: c.deadline.calendar_version.clone(),
            breached: false,
        }),
    });
    pb::Complaint {
        name: name(c.id),
        business_id: c.business_id.clone(),
        complainant: Some(common::PersonRef { iin: c.complainant_iin.clone() }),
        application: c.application.clone(),
        reviewer_kind: reviewer_out(&c.reviewer_kind),
        reviewer_id: c.reviewer_id.clone(),
        filed_channel: if c.filed_channel == "PAPER" { pb::FiledChannel::Paper } else { pb::FiledChannel::Electronic }
            .into(),
        stage: stage.into(),
        deadline: Some(c.deadline.clone().to_proto(c.is_open(), now)),
        registered_at: Some(ts(c.registered_at)),
        extension,
        text: c.text.clone(),
        last_sequence: c.last_sequence,
        subject: subject.into(),
        service: c.service.clone(),
        case_check: check.into(),
        decision: c.decision_kk.as_ref().map(|kk| common::LocalizedText {
            kk: kk.clone(),
            ru: c.decision_ru.clone().unwrap_or_default(),
            en: c.decision_en.clone().unwrap_or_default(),
        }),
        overdue: c.overdue != 0,
    }
}

/// The reviewing official may act on this complaint: their jurisdiction is the reviewing body.
fn reviewer_of(p: &Principal, c: &ComplaintRow) -> Result<(), ApiError> {
    if p.subsystem == platform::Subsystem::Dev && p.official.is_none() {
        return Ok(());
    }
    match p.official.as_ref().and_then(|o| o.jurisdiction.as_deref()) {
        Some(body) if body == c.reviewer_id => Ok(()),
        _ => Err(ApiError::permission_denied(
            "NOT_THE_REVIEWING_BODY",
            format!("{} is reviewed by {}; act with x-official-jurisdiction of that body", name(c.id), c.reviewer_id),
        )),
    }
}

/// The notice to the complainant: in writing for a paper complaint, electronically otherwise
/// (SR cl. 34).
fn notice(c: &ComplaintRow, text: common::LocalizedText, purpose: &str) -> platform::store::outbox::OutboxMessage {
    let channel =
        if c.filed_channel == "PAPER" { gw::NotificationChannel::Paper } else { gw::NotificationChannel::Cabinet };
    casework::reporting::notice(&name(c.id), &c.complainant_iin, channel, text, purpose)
}

impl Complaints {
    async fn load(&self, id: i64) -> Result<pb::Complaint, ApiError> {
        let c = store::complaint(&self.db, id).await?.ok_or_else(|| not_found(id))?;
        Ok(complaint(&c, self.clock.now()))
    }

    async fn create(&self, r: Request<pb::CreateComplaintRequest>) -> Result<pb::CreateComplaintResponse, ApiError> {
        let p = Principal::of(&r);
        let r = r.into_inner();
        let request_id = fields::request_id(&r.request_id)?;
        let complainant =
            fields::iin(r.complainant.as_ref().map(|p| p.iin.as_str()).unwrap_or_default(), "complainant.iin")?
                .to_string();
        let service = Service::of(&r.application)
            .filter(|_| r.application.trim().split('/').count() == 3)
            .ok_or_else(|| ApiError::bad_field("APPLICATION_INVALID", "application", "a case of the three services: registry/applications/{id}, privatization/applications/{id}, subsidy/applications/{id}"))?;
        let reviewer = reviewer_in(r.reviewer_kind)
            .ok_or_else(|| ApiError::bad_field("REVIEWER_KIND_REQUIRED", "reviewer_kind", "who reviews"))?;
        let Some((term, clause)) = terms::term(service, reviewer) else {
            let allowed = terms::TABLE
                .iter()
                .filter(|(s, ..)| *s == service)
                .map(|(_, r, ..)| r.code())
                .collect::<Vec<_>>()
                .join(", ");
            return Err(ApiError::bad_field(
                "REVIEWER_NOT_ALLOWED",
                "reviewer_kind",
                format!("a {} complaint is reviewed by {allowed}", service.code()),
            ));
        };
        let reviewer_id = fields::text(&r.reviewer_id, "reviewer_id")?;
        let filed = match pb::FiledChannel::try_from(r.filed_channel) {
            Ok(pb::FiledChannel::Paper) => "PAPER",
            Ok(pb::FiledChannel::Electronic) => "ELECTRONIC",
            _ => {
                return Err(ApiError::bad_field(
                    "FILED_CHANNEL_REQUIRED",
                    "filed_channel",
                    "FILED_CHANNEL_PAPER or FILED_CHANNEL_ELECTRONIC",
                ));
            }
        };
        let subject = match pb::Subject::try_from(r.subject) {
            Ok(pb::Subject::Refusal) => "REFUSAL",
            Ok(pb::Subject::MissedDeadline) => "MISSED_DEADLINE",
            Ok(pb::Subject::DocumentsDemanded) => "DOCUMENTS_DEMANDED",
            Ok(pb::Subject::Other) => "OTHER",
            _ => {
                return Err(ApiError::bad_field(
                    "SUBJECT_REQUIRED",
                    "subject",
                    "a refusal, a missed deadline, documents demanded, other",
                ));
            }
        };
        let text = fields::text(&r.text, "text")?;
        let mut documents = Vec::new();
        let mut total = 0;
        for (i, d) in r.documents.iter().enumerate() {
            total += d.content.len();
            if d.content.is_empty() || d.content.len() > self.limits.0 || total > self.limits.1 {
                return Err(ApiError::bad_field(
                    "DOCUMENT_TOO_LARGE",
                    format!("documents[{i}].content"),
                    format!("1 to {} bytes, {} together", self.limits.0, self.limits.1),
                ));
            }
            if hex::encode(sha2::Sha256::digest(&d.content)) != d.sha256.trim().to_lowercase() {
                return Err(ApiError::bad_field(
                    "DOCUMENT_HASH_MISMATCH",
                    format!("documents[{i}].sha256"),
                    "the lowercase hex SHA-256 of content",
                ));
            }
            documents.push((d.kind.clone(), d.media_type.clone(), d.sha256.trim().to_lowercase(), d.content.to_vec()));
        }
        if let Some(first) =
            self.db.replay::<pb::CreateComplaintResponse>(request_id, &request_hash(CREATE, &r)).await?
        {
            return Ok(first);
        }
        let application = r.application.trim().to_owned();
        // A complaint is never lost: a service that does not answer is asked again later.
        let check = match self.targets.look(service, &application).await {
            Ok(Case::Missing) => {
                return Err(ApiError::not_found(
                    "CASE_NOT_FOUND",
                    format!("{application} does not exist in {}", service.code()),
                )
                .meta("application", application));
            }
            Ok(Case::Found { applicant, .. }) if applicant != complainant => {
                return Err(ApiError::failed_precondition(
                    "NOT_A_PARTY",
                    "the complainant is not the case's applicant",
                )
                .precondition("COMPLAINANT", complainant, format!("the applicant of {application}")));
            }
            Ok(Case::Found { .. }) => "VERIFIED",
            Err(e) => {
                tracing::warn!(error = %e, "the case's service did not answer; the complaint is registered and checked later");
                "PENDING"
            }
        };
        let now = self.clock.now();
        let acceptance = REGISTRATION
            .accept(&self.calendar, now)
            .map_err(calendar_error)?
            .ok_or_else(|| ApiError::internal("registration is always possible"))?;
        let registered_at = if acceptance.deferred { day_start(acceptance.accepted_on) } else { now };
        let due = self.calendar.due(acceptance.accepted_on, term, DEFAULT_START).map_err(calendar_error)?;
        let deadline = Deadline::new(term, "COMPLAINT_REGISTERED", registered_at, due, clause);
        let new = NewComplaint {
            complainant_iin: complainant,
            application,
            service: service.code().into(),
            reviewer_kind: reviewer.code().into(),
            reviewer_id,
            filed_channel: filed.into(),
            subject: subject.into(),
            text,
            case_check: check.into(),
            received_at: now,
            registered_at,
            registered_on: acceptance.accepted_on.to_string(),
            deadline,
        };
        let why = format!(
            "registered on {} [A-CMP-REGISTERED]; reviewed by {} {} within {} working days ({clause})",
            acceptance.accepted_on, new.reviewer_kind, new.reviewer_id, term.count
        );
        let command = Command::new(p, CREATE).idempotent(request_id, request_hash(CREATE, &r));
        let committed = self
            .db
            .transact(command, move |tx| {
                Box::pin(async move {
                    let id = store::insert(tx, &new, &why).await?;
                    store::add_documents(tx, id, &documents).await?;
                    let c = store::complaint_in(tx, id).await?.ok_or_else(|| ApiError::internal("just registered"))?;
                    report_stage(tx, &c.case(), Stage::UnderReview, registered_at).await?;
                    tx.schedule(OVERDUE, &name(id), c.deadline.due_at).await?;
                    if c.case_check == "PENDING" {
                        let at = tx.now();
                        tx.schedule(VERIFY, &name(id), at).await?;
                    }
                    tx.audit(&name(id), &why).await?;
                    Ok(pb::CreateComplaintResponse { complaint: Some(complaint(&c, tx.now())) })
                })
            })
            .await?;
        self.changed.notify_waiters();
        Ok(committed.response)
    }

    async fn extend(&self, r: Request<pb::ExtendReviewRequest>) -> Result<pb::ExtendReviewResponse, ApiError> {
        let p = Principal::of(&r);
        let r = r.into_inner();
        let request_id = fields::request_id(&r.request_id)?;
        let id = id_of(&r.name, "complaints/complaints", "name")?;
        let explanation = fields::text(&r.explanation, "explanation")?;
        let c = store::complaint(&self.db, id).await?.ok_or_else(|| not_found(id))?;
        reviewer_of(&p, &c)?;
        let subject = name(id);
        // SR cl. 34: at most 10 working days, for the permitted reasons only, once [A-EXT-ONCE].
        let days = u32::try_from(r.extra_days).unwrap_or(0);
        if !(1..=terms::MAX_EXTENSION_DAYS).contains(&days) {
            return Err(ApiError::failed_precondition(
                "EXTENSION_TOO_LONG",
                format!("an extension adds 1 to {} working days (SR cl. 34)", terms::MAX_EXTENSION_DAYS),
            )
            .precondition(
                "EXTENSION_DAYS",
                subject,
                format!("at most {} working days", terms::MAX_EXTENSION_DAYS),
            ));
        }
        let reasons: Vec<&str> = r.reasons.iter().filter_map(|x| reason_code(*x)).collect();
        if reasons.is_empty() || reasons.len() != r.reasons.len() {
            return Err(ApiError::failed_precondition("EXTENSION_REASON_NOT_PERMITTED", "an extension is for an additional study or inspection, a site inspection, or additional information (SR cl. 34)")
                .precondition("EXTENSION_REASON", subject, "ADDITIONAL_STUDY_OR_INSPECTION, SITE_INSPECTION or ADDITIONAL_INFORMATION"));
        }
        let due_date = NaiveDate::parse_from_str(&c.deadline.due_date, "%Y-%m-%d").map_err(ApiError::internal)?;
        // [A-EXT-FROM]: the days are added to the current due date.
        let extended = self.calendar.extend(due_date, days).map_err(calendar_error)?;
        let now = self.clock.now();
        let today = self.clock.now_local().date_naive();
        let notice_due =
            self.calendar.due(today, Term::working_days(terms::NOTICE_DAYS), DEFAULT_START).map_err(calendar_error)?;
        let notice_deadline =
            Deadline::new(Term::working_days(terms::NOTICE_DAYS), "EXTENSION", now, notice_due, "SR cl. 34");
        let new_deadline = Deadline {
            term: c.deadline.term + i64::from(days),
            due_date: extended.due_date.to_string(),
            due_at: extended.due_at,
            clause: format!("{}; extended by {days} working days (SR cl. 34; [A-EXT-FROM])", c.deadline.clause),
            calendar_version: extended.calendar_version,
            ..c.deadline.clone()
        };
        let reasons_text = reasons.join(",");
        let command = Command::new(p, EXTEND).idempotent(request_id, request_hash(EXTEND, &r));
        self.db
            .transact(command, move |tx| {
                Box::pin(async move {
                    let c = store::complaint_in(tx, id).await?.ok_or_else(|| not_found(id))?;
                    if c.stage != Stage::UnderReview {
                        let (code, why) = if c.stage == Stage::Extended {
                            (
                                "EXTENSION_ALREADY_GRANTED",
                                "the review was extended once already [A-EXT-ONCE]".to_owned(),
                            )
                        } else {
                            ("REVIEW_CLOSED", format!("the complaint is {}", c.stage.code()))
                        };
                        return Err(ApiError::failed_precondition(code, why).precondition(
                            "STAGE",
                            name(id),
                            format!("{}, not extended before", Stage::UnderReview.code()),
                        ));
                    }
                    store::set_extension(tx, id, i64::from(days), &reasons_text, &explanation, &notice_deadline)
                        .await?;
                    let why = format!(
                        "extended by {days} working days to {} ({reasons_text}): {explanation}",
                        new_deadline.due_date
                    );
                    enter_stage(tx, &mut c.case(), Stage::Extended, &why, Some(&new_deadline), &why).await?;
                    let text = common::LocalizedText {
                        kk: format!(
                            "{} шағымын қарау мерзімі {} дейін ұзартылды: {explanation}",
                            c.business_id, new_deadline.due_date
                        ),
                        ru: format!(
                            "Срок рассмотрения жалобы {} продлён до {}: {explanation}",
                            c.business_id, new_deadline.due_date
                        ),
                        en: format!(
                            "The review of complaint {} is extended to {}: {explanation}",
                            c.business_id, new_deadline.due_date
                        ),
                    };
                    tx.enqueue(notice(&c, text, "SR cl. 34: notice of an extension, with the reasons")).await?;
                    tx.schedule(OVERDUE, &name(id), new_deadline.due_at).await?;
                    Ok(pb::ExtendReviewResponse::default())
                })
            })
            .await?;
        self.changed.notify_waiters();
        Ok(pb::ExtendReviewResponse { complaint: Some(self.load(id).await?) })
    }

    async fn decide(
        &self,
        r: Request<pb::RecordComplaintDecisionRequest>,
    ) -> Result<pb::RecordComplaintDecisionResponse, ApiError> {
        let p = Principal::of(&r);
        let r = r.into_inner();
        let request_id = fields::request_id(&r.request_id)?;
        let id = id_of(&r.name, "complaints/complaints", "name")?;
        let reason = fields::text(&r.reason, "reason")?;
        let stage = match r.reopen_stage.trim() {
            "" | "ACCEPTED" => "ACCEPTED",
            "UNDER_REVIEW" => "UNDER_REVIEW",
            _ => return Err(ApiError::bad_field("REOPEN_STAGE_INVALID", "reopen_stage", "ACCEPTED or UNDER_REVIEW")),
        };
        let c = store::complaint(&self.db, id).await?.ok_or_else(|| not_found(id))?;
        reviewer_of(&p, &c)?;
        let service = Service::of(&c.application).ok_or_else(|| ApiError::internal("a stored case of no service"))?;
        // The remedy needs the case's state now: a refused case reopens; any other is upheld as it is.
        let reopen = if r.uphold {
            match self.targets.look(service, &c.application).await? {
                Case::Found { refused, .. } => refused,
                Case::Missing => {
                    return Err(ApiError::failed_precondition(
                        "CASE_NOT_FOUND",
                        format!("{} does not exist", c.application),
                    )
                    .precondition("CASE", c.application.clone(), "exists"));
                }
            }
        } else {
            false
        };
        let command = Command::new(p, DECIDE).idempotent(request_id, request_hash(DECIDE, &r));
        let rid = request_id.to_string();
        self.db
            .transact(command, move |tx| {
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
                    let (decided, text) = if r.uphold {
                        let remedy = if reopen {
                            format!("{} is reconsidered", c.application)
                        } else {
                            format!("{} stays as it is", c.application)
                        };
                        (
                            Stage::Upheld,
                            common::LocalizedText {
                                kk: format!("{} шағымы қанағаттандырылды: {reason}", c.business_id),
                                ru: format!("Жалоба {} удовлетворена ({remedy}): {reason}", c.business_id),
                                en: format!("Complaint {} is upheld ({remedy}): {reason}", c.business_id),
                            },
                        )
                    } else {
                        (
                            Stage::Dismissed,
                            common::LocalizedText {
                                kk: format!("{} шағымы қанағаттандырусыз қалдырылды: {reason}", c.business_id),
                                ru: format!("Жалоба {} оставлена без удовлетворения: {reason}", c.business_id),
                                en: format!("Complaint {} is dismissed: {reason}", c.business_id),
                            },
                        )
                    };
                    store::set(tx, id, Column::DecisionKk, &text.kk).await?;
                    store::set(tx, id, Column::DecisionRu, &text.ru).await?;
                    store::set(tx, id, Column::DecisionEn, &text.en).await?;
                    enter_stage(tx, &mut c.case(), decided, &text.en, None, &text.en).await?;
                    if reopen {
                        tx.enqueue(targets::reconsider(
                            service,
                            &rid,
                            &c.application,
                            &name(id),
                            &reason,
                            stage,
                            &c.complainant_iin,
                        ))
                        .await?;
                    }
                    tx.cancel_jobs(OVERDUE, &name(id)).await?;
                    tx.enqueue(notice(&c, text.clone(), "the complaint's decision")).await?;
                    Ok(pb::RecordComplaintDecisionResponse::default())
                })
            })
            .await?;
        self.changed.notify_waiters();
        Ok(pb::RecordComplaintDecisionResponse { complaint: Some(self.load(id).await?) })
    }
}

/// A local day's start as an instant.
fn day_start(day: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    let start = OfficeHours::AKIMAT_DEFAULT.working_days.start;
    (day.and_time(start) - chrono::Duration::seconds(i64::from(calendar::KAZAKHSTAN.local_minus_utc()))).and_utc()
}

impl Complaints {
    /// The complaint `name` names, if the caller may see it (`casework::access::visible`: the
    /// complainant, the reviewing body, the suite's services).
    async fn visible(&self, principal: &Principal, requested: &str) -> Result<store::ComplaintRow, ApiError> {
        casework::reads::visible::<crate::ComplaintCases>(&self.db, principal, requested, "name").await
    }
}

#[tonic::async_trait]
impl ComplaintService for Complaints {
    async fn create_complaint(&self, r: Request<pb::CreateComplaintRequest>) -> Answer<pb::CreateComplaintResponse> {
        ok(self.create(r).await)
    }

    async fn get_complaint(&self, r: Request<pb::GetComplaintRequest>) -> Answer<pb::GetComplaintResponse> {
        ok(async {
            let c = self.visible(&Principal::of(&r), &r.get_ref().name).await?;
            Ok(pb::GetComplaintResponse { complaint: Some(complaint(&c, self.clock.now())) })
        }
        .await)
    }

    /// The complaints the caller may see: a person's own, a reviewing body's, all for the
    /// suite's services (`casework::access::scope`).
    async fn list_complaints(&self, r: Request<pb::ListComplaintsRequest>) -> Answer<pb::ListComplaintsResponse> {
        let principal = Principal::of(&r);
        let r = r.into_inner();
        ok(async {
            let (ids, next) =
                visible_page::<crate::ComplaintCases>(&self.db, &principal, &r.filter, r.page_size, &r.page_token)
                    .await?;
            let mut complaints = Vec::new();
            for id in ids {
                complaints.push(self.load(id).await?);
            }
            Ok(pb::ListComplaintsResponse { complaints, next_page_token: next })
        }
        .await)
    }

    async fn list_complaint_events(
        &self,
        r: Request<pb::ListComplaintEventsRequest>,
    ) -> Answer<pb::ListComplaintEventsResponse> {
        let principal = Principal::of(&r);
        let r = r.into_inner();
        ok(async {
            let id = self.visible(&principal, &r.name).await?.id;
            let (events, next_page_token) = events_page(&self.db, id, r.page_size, &r.page_token).await?;
            Ok(pb::ListComplaintEventsResponse { events, next_page_token })
        }
        .await)
    }

    type WatchComplaintStream = casework::watch::Events<pb::WatchComplaintResponse>;

    async fn watch_complaint(&self, r: Request<pb::WatchComplaintRequest>) -> Answer<Self::WatchComplaintStream> {
        let principal = Principal::of(&r);
        let r = r.into_inner();
        ok(async {
            let id = self.visible(&principal, &r.name).await?.id;
            let wrap = |event| pb::WatchComplaintResponse { event: Some(event) };
            let (db, changed, shutdown) = (self.db.clone(), self.changed.clone(), self.shutdown.clone());
            casework::watch::stream_after(db, id, r.after_sequence, changed, shutdown, wrap)
        }
        .await)
    }

    async fn extend_review(&self, r: Request<pb::ExtendReviewRequest>) -> Answer<pb::ExtendReviewResponse> {
        ok(self.extend(r).await)
    }

    async fn record_complaint_decision(
        &self,
        r: Request<pb::RecordComplaintDecisionRequest>,
    ) -> Answer<pb::RecordComplaintDecisionResponse> {
        ok(self.decide(r).await)
    }

    async fn list_overdue(&self, r: Request<pb::ListOverdueRequest>) -> Answer<pb::ListOverdueResponse> {
        let r = r.into_inner();
        ok(async {
            let (ids, next) = overdue_page::<Stage>(&self.db, self.clock.now(), r.page_size, &r.page_token).await?;
            let mut complaints = Vec::new();
            for id in ids {
                complaints.push(self.load(id).await?);
            }
            Ok(pb::ListOverdueResponse { complaints, next_page_token: next })
        }
        .await)
    }

    async fn get_service_standard(
        &self,
        r: Request<pb::GetServiceStandardRequest>,
    ) -> Answer<pb::GetServiceStandardResponse> {
        let r = r.into_inner();
        ok((|| {
            let from = NaiveDate::from_ymd_opt(2026, 3, 12).unwrap_or_default();
            let as_of = if r.as_of.trim().is_empty() {
                self.clock.now_local().date_naive()
            } else {
                fields::date(&r.as_of, "as_of")?
            };
            if as_of < from {
                return Err(ApiError::not_found(
                    "STANDARD_NOT_IN_FORCE",
                    format!("these terms are in force from {from}"),
                )
                .meta("in_force_from", from.to_string()));
            }
            Ok(pb::GetServiceStandardResponse {
                in_force_from: from.to_string(),
                terms: terms::TABLE
                    .iter()
                    .map(|(s, rv, days, clause)| pb::ReviewTerm {
                        service: s.code().into(),
                        reviewer_kind: reviewer_out(rv.code()),
                        working_days: i32::try_from(*days).unwrap_or(0),
                        clause: (*clause).into(),
                    })
                    .collect(),
                max_extension_working_days: i32::try_from(terms::MAX_EXTENSION_DAYS).unwrap_or(10),
                extension_notice_working_days: i32::try_from(terms::NOTICE_DAYS).unwrap_or(3),
            })
        })())
    }
}
