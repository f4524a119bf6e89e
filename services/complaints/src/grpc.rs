//! The complaints' gRPC service: each handler converts its request into a use case's command
//! (`app/`), calls it, and shows the result.

use casework::fields::{self, id_of};
use casework::history::timestamp as ts;
use pb::complaint_service_server::ComplaintService;
use platform::{ApiError, Principal};
use proto::housing::common::v1 as common;
use proto::housing::complaints::v1 as pb;
use tonic::{Request, Response, Status};

pub use crate::app::Complaints;
use crate::app::file::{self, Filing};
use crate::app::review::{self, Decision, Extension};
use crate::app::{Asked, name};
use crate::domain::Stage;
use crate::domain::review::ReopenAt;
use crate::domain::terms::{self, Reviewer, Service};
use crate::store::{self, ComplaintRow};

const CREATE: &str = "/kz.housing.complaints.v1.ComplaintService/CreateComplaint";
const SIGN_RESULT: &str = "/kz.housing.complaints.v1.ComplaintService/SignResultDocument";
const REMEDY_DONE: &str = "/kz.housing.complaints.v1.ComplaintService/RecordRemedyDone";
const EXTEND: &str = "/kz.housing.complaints.v1.ComplaintService/ExtendReview";
const DECIDE: &str = "/kz.housing.complaints.v1.ComplaintService/RecordComplaintDecision";

type Answer<T> = Result<Response<T>, Status>;

fn ok<T>(r: Result<T, ApiError>) -> Answer<T> {
    r.map(Response::new).map_err(Status::from)
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
        extended_time: Some(ts(at)),
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
            counted_from_time: Some(ts(at)),
            due_date: c.notice_due_date.clone().unwrap_or_default(),
            due_time: Some(ts(due)),
            clause: "SR cl. 34".into(),
            calendar_version: c.deadline.calendar_version.clone(),
            breached: false,
            provisional: casework::history::provisional(&c.deadline.calendar_version),
        }),
    });
    pb::Complaint {
        name: name(c.id),
        business_id: c.business_id.clone(),
        complainant: Some(common::PersonRef { iin: c.complainant_iin.clone() }),
        complainant_name: c.complainant_name.clone().unwrap_or_default(),
        follows: c.follows.clone().unwrap_or_default(),
        remedy: c.remedy.as_deref().map(|code| common::Remedy {
            kind: common::RemedyKind::from_str_name(&format!("REMEDY_KIND_{code}")).unwrap_or_default() as i32,
            document_kind: c.remedy_document.clone().unwrap_or_default(),
            days: c.remedy_days.and_then(|d| i32::try_from(d).ok()).unwrap_or(0),
        }),
        remedy_state: match c.remedy_state.as_deref() {
            Some("OPEN") => common::InstructionState::Open,
            Some("DONE") => common::InstructionState::Done,
            _ => common::InstructionState::Unspecified,
        } as i32,
        remedy_done_time: c.remedy_done_at.map(ts),
        application: c.application.clone(),
        reviewer_kind: reviewer_out(&c.reviewer_kind),
        reviewer_id: c.reviewer_id.clone(),
        filed_channel: if c.filed_channel == "PAPER" { pb::FiledChannel::Paper } else { pb::FiledChannel::Electronic }
            .into(),
        stage: stage.into(),
        deadline: Some(c.deadline.clone().to_proto(c.is_open(), now)),
        registered_time: Some(ts(c.registered_at)),
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

impl Complaints {
    async fn load(&self, id: i64) -> Result<pb::Complaint, ApiError> {
        casework::service::load(self, id).await
    }
}

/// How the case kernel shows a complaint (`casework::service`): the complainant, the reviewing
/// body and the suite's services see it.
impl casework::service::Shows for Complaints {
    type Kind = crate::ComplaintCases;
    type Shown = pb::Complaint;

    fn kernel(&self) -> casework::service::Kernel<'_> {
        casework::service::Kernel::new(&self.db, &self.clock, &self.changed, &self.shutdown, &self.seal, &self.calendar)
    }

    async fn show(&self, row: store::ComplaintRow) -> Result<pb::Complaint, ApiError> {
        Ok(complaint(&row, self.clock.now()))
    }
}

/// A complaint as filed, its fields checked (the first problem refuses it).
fn filing(r: &pb::CreateComplaintRequest, limits: casework::documents::Limits) -> Result<Filing, ApiError> {
    let pb::CreateComplaintRequest {
        request_id: _,
        complainant,
        application,
        reviewer_kind,
        reviewer_id,
        filed_channel,
        text,
        documents,
        subject,
    } = r;
    let complainant =
        fields::iin(complainant.as_ref().map(|p| p.iin.as_str()).unwrap_or_default(), "complainant.iin")?.to_string();
    let service = Service::of(application)
        .filter(|_| application.trim().split('/').count() == 3)
        .ok_or_else(|| ApiError::bad_field("APPLICATION_INVALID", "application", "a case of the three services: registry/applications/{id}, privatization/applications/{id}, subsidy/applications/{id}"))?;
    let reviewer = reviewer_in(*reviewer_kind)
        .ok_or_else(|| ApiError::bad_field("REVIEWER_KIND_REQUIRED", "reviewer_kind", "who reviews"))?;
    let Some(term) = terms::term(service, reviewer) else {
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
    let reviewer_id = fields::text(reviewer_id, "reviewer_id")?;
    let filed = match pb::FiledChannel::try_from(*filed_channel) {
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
    let subject = match pb::Subject::try_from(*subject) {
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
    let text = fields::text(text, "text")?;
    let mut problems = Vec::new();
    let documents = casework::documents::check(documents, None, limits, &mut |e| problems.push(e));
    if let Some(first) = problems.into_iter().next() {
        return Err(first);
    }
    let application = application.trim().to_owned();
    Ok(Filing { complainant, application, service, reviewer, reviewer_id, term, filed, subject, text, documents })
}

/// An extension as asked, its fields checked.
fn extension(r: &pb::ExtendReviewRequest) -> Result<Extension, ApiError> {
    let pb::ExtendReviewRequest { request_id: _, name, extra_days, reasons, explanation } = r;
    let id = id_of(name, "complaints/complaints", "name")?;
    let explanation = fields::text(explanation, "explanation")?;
    let reasons = reasons.iter().map(|x| reason_code(*x)).collect();
    Ok(Extension { id, days: *extra_days, reasons, explanation })
}

/// A decision as recorded, its fields checked.
fn decision(r: &pb::RecordComplaintDecisionRequest) -> Result<Decision, ApiError> {
    let pb::RecordComplaintDecisionRequest { request_id: _, name, uphold, reason, reopen_stage, remedy } = r;
    let id = id_of(name, "complaints/complaints", "name")?;
    let reason = fields::text(reason, "reason")?;
    let reopen_stage = ReopenAt::parse(reopen_stage)
        .ok_or_else(|| ApiError::bad_field("REOPEN_STAGE_INVALID", "reopen_stage", "ACCEPTED or UNDER_REVIEW"))?;
    let remedy = match remedy.as_ref().filter(|r| r.kind != common::RemedyKind::Unspecified as i32) {
        None => None,
        Some(r) if r.kind == common::RemedyKind::Reopen as i32 => Some(law::remedy::Remedy::Reopen),
        Some(r) => Some(casework::instructions::remedy_of(Some(r))?),
    };
    Ok(Decision { id, uphold: *uphold, reason, reopen_stage, remedy })
}

#[tonic::async_trait]
impl ComplaintService for Complaints {
    async fn create_complaint(&self, r: Request<pb::CreateComplaintRequest>) -> Answer<pb::CreateComplaintResponse> {
        let (asked, r) = Asked::of(r, CREATE, |m| &m.request_id)?;
        let answer = |c: &store::ComplaintRow, now| pb::CreateComplaintResponse { complaint: Some(complaint(c, now)) };
        ok(async { file::file(self, asked, filing(&r, self.limits)?, answer).await }.await)
    }

    async fn get_complaint(&self, r: Request<pb::GetComplaintRequest>) -> Answer<pb::GetComplaintResponse> {
        let complaint = casework::service::get(self, &Principal::of(&r), &r.get_ref().name).await?;
        Ok(Response::new(pb::GetComplaintResponse { complaint: Some(complaint) }))
    }

    /// The complaints the caller may see: a person's own, a reviewing body's, all for the
    /// suite's services (`casework::access::scope`).
    async fn list_complaints(&self, r: Request<pb::ListComplaintsRequest>) -> Answer<pb::ListComplaintsResponse> {
        let principal = Principal::of(&r);
        let r = r.into_inner();
        let (complaints, next_page_token) =
            casework::service::list(self, &principal, &r.filter, r.page_size, &r.page_token).await?;
        Ok(Response::new(pb::ListComplaintsResponse { complaints, next_page_token }))
    }

    async fn list_complaint_events(
        &self,
        r: Request<pb::ListComplaintEventsRequest>,
    ) -> Answer<pb::ListComplaintEventsResponse> {
        let principal = Principal::of(&r);
        let r = r.into_inner();
        let (events, next_page_token) =
            casework::service::events(self, &principal, &r.name, r.page_size, &r.page_token).await?;
        Ok(Response::new(pb::ListComplaintEventsResponse { events, next_page_token }))
    }

    type WatchComplaintStream = casework::watch::Events<pb::WatchComplaintResponse>;

    async fn watch_complaint(&self, r: Request<pb::WatchComplaintRequest>) -> Answer<Self::WatchComplaintStream> {
        let principal = Principal::of(&r);
        let r = r.into_inner();
        let wrap = |event| pb::WatchComplaintResponse { event: Some(event) };
        Ok(Response::new(casework::service::watch(self, &principal, &r.name, r.after_sequence, wrap).await?))
    }

    async fn extend_review(&self, r: Request<pb::ExtendReviewRequest>) -> Answer<pb::ExtendReviewResponse> {
        let (asked, r) = Asked::of(r, EXTEND, |m| &m.request_id)?;
        ok(async {
            let e = extension(&r)?;
            let id = e.id;
            review::extend(self, asked, e).await?;
            Ok(pb::ExtendReviewResponse { complaint: Some(self.load(id).await?) })
        }
        .await)
    }

    async fn record_complaint_decision(
        &self,
        r: Request<pb::RecordComplaintDecisionRequest>,
    ) -> Answer<pb::RecordComplaintDecisionResponse> {
        let (asked, r) = Asked::of(r, DECIDE, |m| &m.request_id)?;
        ok(async {
            let d = decision(&r)?;
            let id = d.id;
            review::decide(self, asked, d).await?;
            Ok(pb::RecordComplaintDecisionResponse { complaint: Some(self.load(id).await?) })
        }
        .await)
    }

    async fn list_overdue(&self, r: Request<pb::ListOverdueRequest>) -> Answer<pb::ListOverdueResponse> {
        let r = r.into_inner();
        let (complaints, next_page_token) = casework::service::overdue(self, r.page_size, &r.page_token).await?;
        Ok(Response::new(pb::ListOverdueResponse { complaints, next_page_token }))
    }

    async fn get_service_standard(
        &self,
        r: Request<pb::GetServiceStandardRequest>,
    ) -> Answer<pb::GetServiceStandardResponse> {
        let pb::GetServiceStandardRequest { as_of } = r.into_inner();
        ok((|| {
            // The review terms hold from the day the order came into force (Order §4).
            let from = law::order::IN_FORCE_FROM;
            casework::standard::as_of(&as_of, self.clock.now_local().date_naive())?;
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

    async fn get_result_document(
        &self,
        r: Request<pb::GetResultDocumentRequest>,
    ) -> Answer<pb::GetResultDocumentResponse> {
        let document = casework::service::result_document(self, &Principal::of(&r), &r.get_ref().name).await?;
        Ok(Response::new(pb::GetResultDocumentResponse { document: Some(document) }))
    }

    async fn list_result_documents(
        &self,
        r: Request<pb::ListResultDocumentsRequest>,
    ) -> Answer<pb::ListResultDocumentsResponse> {
        let documents = casework::service::result_documents(self, &Principal::of(&r), &r.get_ref().parent).await?;
        Ok(Response::new(pb::ListResultDocumentsResponse { documents }))
    }

    async fn sign_result_document(
        &self,
        r: Request<pb::SignResultDocumentRequest>,
    ) -> Answer<pb::SignResultDocumentResponse> {
        let (asked, r) = Asked::of(r, SIGN_RESULT, |m| &m.request_id)?;
        let document = casework::service::sign_result_document(self, asked, &r.name, r.signature.as_ref()).await?;
        Ok(Response::new(pb::SignResultDocumentResponse { document: Some(document) }))
    }

    async fn record_remedy_done(
        &self,
        r: Request<pb::RecordRemedyDoneRequest>,
    ) -> Answer<pb::RecordRemedyDoneResponse> {
        let (asked, r) = Asked::of(r, REMEDY_DONE, |m| &m.request_id)?;
        ok(async {
            let id = id_of(&r.name, "complaints/complaints", "name")?;
            let instruction = fields::text(&r.instruction, "instruction")?;
            let done_at = r
                .done_time
                .and_then(|t| chrono::DateTime::from_timestamp(t.seconds, u32::try_from(t.nanos).unwrap_or(0)))
                .ok_or_else(|| ApiError::bad_field("FIELD_REQUIRED", "done_time", "when it was carried out"))?;
            review::remedy_done(self, asked, id, &instruction, done_at).await?;
            Ok(pb::RecordRemedyDoneResponse { complaint: Some(self.load(id).await?) })
        }
        .await)
    }
}
