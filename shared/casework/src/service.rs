//! The case methods of every service's contract, answered once: one case (`Get…`), the cases the
//! caller may see (`List…`), a case's history (`List…Events`), its live watch (`Watch…`) and the
//! overdue cases (`ListOverdue`). A service says how it shows a case ([`Shows`]); the functions
//! here do the rest. [`application_service!`](crate::application_service) writes the five
//! methods into a service whose contract names its cases "applications", so its gRPC trait
//! implementation holds only the methods that are its own.

use std::future::Future;
use std::sync::Arc;

use platform::store::Db;
use platform::{ApiError, Clock, Principal};
use proto::housing::common::v1::{ResultDocument, StageEvent};
use tokio::sync::{Notify, watch};

use crate::asked::Asked;
use crate::case::CaseKind;

/// What the kernel needs of a service to answer its case methods.
pub trait Shows: Send + Sync {
    /// The kind of case the service keeps.
    type Kind: CaseKind;
    /// A case as the contract shows it (`Application`, `Complaint`).
    type Shown: Send;

    /// What the kernel reads the cases with.
    fn kernel(&self) -> Kernel<'_>;

    /// A case already read, as the contract shows it.
    fn show(&self, row: <Self::Kind as CaseKind>::Row) -> impl Future<Output = Result<Self::Shown, ApiError>> + Send;
}

/// What a service lends the kernel to read its cases.
#[derive(Debug, Clone, Copy)]
pub struct Kernel<'a> {
    /// The service's database.
    pub db: &'a Db,
    /// The service's clock.
    pub clock: &'a Clock,
    /// Woken by every commit of this process, so that a watch sees it at once.
    pub changed: &'a Arc<Notify>,
    /// The server's shutdown, which ends every watch.
    pub shutdown: &'a watch::Receiver<bool>,
    /// The provider's seal and the gateway that certifies and verifies signatures.
    pub seal: &'a crate::results::Seal,
    /// The working-day calendar, for the terms of instructions.
    pub calendar: &'a calendar::Calendar,
}

impl<'a> Kernel<'a> {
    /// What a service lends: its database, clock, change signal, shutdown, seal and calendar.
    pub fn new(
        db: &'a Db,
        clock: &'a Clock,
        changed: &'a Arc<Notify>,
        shutdown: &'a watch::Receiver<bool>,
        seal: &'a crate::results::Seal,
        calendar: &'a calendar::Calendar,
    ) -> Kernel<'a> {
        Kernel { db, clock, changed, shutdown, seal, calendar }
    }
}

/// The case `name` names, shown, if `principal` may see it (one it may not see is answered
/// exactly like a missing one: [`crate::reads::visible`]).
pub async fn get<S: Shows>(service: &S, principal: &Principal, name: &str) -> Result<S::Shown, ApiError> {
    let row = crate::reads::visible::<S::Kind>(service.kernel().db, principal, name, "name").await?;
    service.show(row).await
}

/// Case `id`, shown; the kind's NOT_FOUND when there is none.
pub async fn load<S: Shows>(service: &S, id: i64) -> Result<S::Shown, ApiError> {
    let row = crate::rows::one(service.kernel().db, id).await?.ok_or_else(|| <S::Kind as CaseKind>::not_found(id))?;
    service.show(row).await
}

/// The cases `ids` names, shown, in that order.
pub async fn load_all<S: Shows>(service: &S, ids: Vec<i64>) -> Result<Vec<S::Shown>, ApiError> {
    let mut shown = Vec::with_capacity(ids.len());
    for id in ids {
        shown.push(load(service, id).await?);
    }
    Ok(shown)
}

/// A page of the cases `principal` may see, newest first, and the next page's token
/// ([`crate::reads::visible_page`]).
pub async fn list<S: Shows>(
    service: &S,
    principal: &Principal,
    filter: &str,
    page_size: i32,
    page_token: &str,
) -> Result<(Vec<S::Shown>, String), ApiError> {
    let (ids, next) =
        crate::reads::visible_page::<S::Kind>(service.kernel().db, principal, filter, page_size, page_token).await?;
    Ok((load_all(service, ids).await?, next))
}

/// A page of the history of the case `name` names, if `principal` may see it.
pub async fn events<S: Shows>(
    service: &S,
    principal: &Principal,
    name: &str,
    page_size: i32,
    page_token: &str,
) -> Result<(Vec<StageEvent>, String), ApiError> {
    let row = crate::reads::visible::<S::Kind>(service.kernel().db, principal, name, "name").await?;
    crate::history::events_page(service.kernel().db, crate::rows::CaseRow::id(&row), page_size, page_token).await
}

/// The live history of the case `name` names after `after_sequence`, if `principal` may see it,
/// each event wrapped by `wrap` into the contract's watch response.
pub async fn watch<S: Shows, T: Send + 'static>(
    service: &S,
    principal: &Principal,
    name: &str,
    after_sequence: i64,
    wrap: fn(StageEvent) -> T,
) -> Result<crate::watch::Events<T>, ApiError> {
    let row = crate::reads::visible::<S::Kind>(service.kernel().db, principal, name, "name").await?;
    let Kernel { db, changed, shutdown, .. } = service.kernel();
    let id = crate::rows::CaseRow::id(&row);
    crate::watch::stream_after(db.clone(), id, after_sequence, changed.clone(), shutdown.clone(), wrap)
}

/// A page of the overdue cases, longest overdue first, and the next page's token.
pub async fn overdue<S: Shows>(
    service: &S,
    page_size: i32,
    page_token: &str,
) -> Result<(Vec<S::Shown>, String), ApiError> {
    type Stage<S> = <<S as Shows>::Kind as CaseKind>::Stage;
    let (ids, next) = crate::reads::overdue_page::<Stage<S>>(
        service.kernel().db,
        service.kernel().clock.now(),
        page_size,
        page_token,
    )
    .await?;
    Ok((load_all(service, ids).await?, next))
}

/// The result document `name` names, if `principal` may see its case (a case or a document
/// the caller may not see is answered like a missing one).
pub async fn result_document<S: Shows>(
    service: &S,
    principal: &Principal,
    name: &str,
) -> Result<ResultDocument, ApiError> {
    let Kernel { db, seal, .. } = service.kernel();
    let (id, _) = document_case::<S>(service, principal, name).await?;
    let root = seal.root().await;
    crate::results::get(db, id, name.trim(), &root).await?.ok_or_else(|| crate::results::not_found(name.trim()))
}

/// The result documents of the case `parent` names, oldest first, if `principal` may see it.
pub async fn result_documents<S: Shows>(
    service: &S,
    principal: &Principal,
    parent: &str,
) -> Result<Vec<ResultDocument>, ApiError> {
    let Kernel { db, seal, .. } = service.kernel();
    let row = crate::reads::visible::<S::Kind>(db, principal, parent, "parent").await?;
    crate::results::list(db, crate::rows::CaseRow::id(&row), &seal.root().await).await
}

/// The case of document `name`, if `principal` may see it: its id and row.
async fn document_case<S: Shows>(
    service: &S,
    principal: &Principal,
    name: &str,
) -> Result<(i64, <S::Kind as CaseKind>::Row), ApiError> {
    let case = crate::results::case_of(name.trim()).ok_or_else(|| {
        ApiError::bad_field("NAME_INVALID", "name", "a case's name, `/results/` and the document's number")
    })?;
    let row = crate::reads::visible::<S::Kind>(service.kernel().db, principal, case, "name").await?;
    Ok((crate::rows::CaseRow::id(&row), row))
}

/// Adds the caller's signature to the result document `name` ([`crate::results::add`]): an
/// official of the case's jurisdiction signs any; a person only a document the applicant signs
/// too (a contract), and only with their own certificate. The signature must verify at the
/// gateway over the document's SHA-256. A signer who signed it already changes nothing.
pub async fn sign_result_document<S: Shows>(
    service: &S,
    asked: Asked,
    name: &str,
    signature: Option<&proto::housing::common::v1::EdsSignature>,
) -> Result<ResultDocument, ApiError> {
    let Kernel { db, seal, .. } = service.kernel();
    let name = name.trim();
    let (id, row) = document_case::<S>(service, &asked.principal, name).await?;
    let document = crate::results::get(db, id, name, &[]).await?.ok_or_else(|| crate::results::not_found(name))?;
    let eds = signature.ok_or_else(|| {
        ApiError::bad_field("SIGNATURE_REQUIRED", "signature", "a CMS signature over the document's sha256")
    })?;
    let kind = law::result::ResultKind::parse(&document.kind);
    let role = match (&asked.principal.official, &asked.principal.user_iin) {
        (Some(_), _) => crate::results::OFFICIAL,
        (None, Some(_)) if kind.is_some_and(law::result::ResultKind::signed_by_applicant) => crate::results::APPLICANT,
        _ => {
            return Err(ApiError::permission_denied(
                "SIGNER_NOT_ALLOWED",
                format!("a {} is signed by an official of the case's jurisdiction", document.kind),
            )
            .meta("name", name));
        }
    };
    let case = clients::CaseRef {
        name: <S::Kind as CaseKind>::name(id),
        purpose: "SR cl. 10: a signature of a result document".into(),
        user_iin: crate::rows::CaseRow::holder(&row).applicant.to_owned(),
    };
    let request = proto::egov::gateway::v1::VerifySignatureRequest {
        certificate: eds.certificate.clone(),
        signature: eds.signature.clone(),
        digest: document.sha256.clone(),
    };
    let verdict = seal.gateway().verify_signature(&case, request).await.map_err(|s| {
        ApiError::unavailable("GATEWAY_UNAVAILABLE", format!("verifying the signature: {}", s.message()))
    })?;
    let result = proto::egov::gateway::v1::VerificationResult::try_from(verdict.result)
        .unwrap_or(proto::egov::gateway::v1::VerificationResult::Unknown);
    if result != proto::egov::gateway::v1::VerificationResult::Valid {
        return Err(ApiError::failed_precondition(
            "SIGNATURE_INVALID",
            format!("the signature does not verify over {}: {}", document.sha256, result.as_str_name()),
        )
        .precondition("SIGNATURE", name, "a valid CMS signature over the document's sha256")
        .meta("verdict", result.as_str_name()));
    }
    if role == crate::results::APPLICANT && asked.principal.user_iin.as_deref() != Some(verdict.signer_iin.as_str()) {
        return Err(ApiError::permission_denied("SIGNATURE_NOT_OWN", "the applicant signs with their own certificate")
            .meta("certificate_subject", verdict.signer_iin));
    }
    if document.signatures.iter().any(|s| s.role == role && s.signer == verdict.signer_iin) {
        return Ok(crate::results::get(db, id, name, &seal.root().await).await?.unwrap_or(document));
    }
    let (signer, serial, bytes) = (verdict.signer_iin, verdict.serial, eds.signature.clone());
    let document_name = name.to_owned();
    db.transact(asked.command()?, move |tx| {
        Box::pin(async move { crate::results::add(tx, id, &document_name, role, &signer, &serial, bytes).await })
    })
    .await?;
    service.kernel().changed.notify_waiters();
    crate::results::get(db, id, name, &seal.root().await).await?.ok_or_else(|| crate::results::not_found(name))
}

/// Keeps the instruction an upheld complaint sends about the case `name` names
/// ([`crate::instructions::receive`]), due by its term from today, and shows it.
pub async fn receive_instruction<S: Shows>(
    service: &S,
    asked: Asked,
    name: &str,
    complaint: &str,
    remedy: Option<&proto::housing::common::v1::Remedy>,
    text: Option<&proto::housing::common::v1::LocalizedText>,
) -> Result<proto::housing::common::v1::Instruction, ApiError> {
    let Kernel { db, calendar, changed, .. } = service.kernel();
    let id = crate::fields::id_of(name, <S::Kind as CaseKind>::COLLECTION, "name")?;
    crate::rows::one::<<S::Kind as CaseKind>::Row>(db, id)
        .await?
        .ok_or_else(|| <S::Kind as CaseKind>::not_found(id))?;
    let complaint = crate::fields::text(complaint, "complaint")?;
    let remedy = crate::instructions::remedy_of(remedy)?;
    let text = text
        .cloned()
        .filter(|t| !t.kk.trim().is_empty() && !t.ru.trim().is_empty())
        .ok_or_else(|| ApiError::bad_field("TEXT_REQUIRED", "text", "the instruction in kk, ru and en"))?;
    let now = service.kernel().clock.now();
    let today = now.with_timezone(&calendar::KAZAKHSTAN).date_naive();
    let due =
        calendar.due(today, remedy.term().length, calendar::DEFAULT_START).map_err(crate::history::calendar_error)?;
    let case_name = <S::Kind as CaseKind>::name(id);
    let sent_by = complaint.clone();
    db.transact(asked.command()?, move |tx| {
        Box::pin(async move { crate::instructions::receive(tx, id, &sent_by, &remedy, &text, &due).await.map(|_| ()) })
    })
    .await?;
    changed.notify_waiters();
    let rows = crate::instructions::list(db, id).await?;
    rows.iter()
        .find(|r| r.complaint == complaint)
        .map(|r| r.to_proto(&case_name, now))
        .ok_or_else(|| ApiError::internal("an instruction just kept"))
}

/// The instructions of the case `parent` names, if `principal` may see it.
pub async fn instructions<S: Shows>(
    service: &S,
    principal: &Principal,
    parent: &str,
) -> Result<Vec<proto::housing::common::v1::Instruction>, ApiError> {
    let Kernel { db, clock, .. } = service.kernel();
    let row = crate::reads::visible::<S::Kind>(db, principal, parent, "parent").await?;
    let id = crate::rows::CaseRow::id(&row);
    let (case_name, now) = (<S::Kind as CaseKind>::name(id), clock.now());
    Ok(crate::instructions::list(db, id).await?.iter().map(|r| r.to_proto(&case_name, now)).collect())
}

/// Reports the instruction `name` names done ([`crate::instructions::complete`]): an official
/// who may see its case.
pub async fn complete_instruction<S: Shows>(
    service: &S,
    asked: Asked,
    name: &str,
    note: &str,
) -> Result<proto::housing::common::v1::Instruction, ApiError> {
    let Kernel { db, clock, changed, .. } = service.kernel();
    let (case, seq) = crate::instructions::parse_name(name).ok_or_else(|| {
        ApiError::bad_field("NAME_INVALID", "name", "a case's name, `/instructions/` and the instruction's number")
    })?;
    let row = crate::reads::visible::<S::Kind>(db, &asked.principal, case, "name").await?;
    if asked.principal.official.is_none() && asked.principal.subsystem != platform::Subsystem::Dev {
        return Err(ApiError::permission_denied("OFFICIAL_REQUIRED", "an official reports an instruction done"));
    }
    let note = crate::fields::text(note, "note")?;
    let id = crate::rows::CaseRow::id(&row);
    let case_name = <S::Kind as CaseKind>::name(id);
    let name = format!("{case_name}/instructions/{seq}");
    let instruction_name = name.clone();
    db.transact(asked.command()?, move |tx| {
        Box::pin(async move { crate::instructions::complete(tx, id, &instruction_name, seq, &note).await.map(|_| ()) })
    })
    .await?;
    changed.notify_waiters();
    let now = clock.now();
    crate::instructions::list(db, id)
        .await?
        .iter()
        .find(|r| r.seq == seq)
        .map(|r| r.to_proto(&case_name, now))
        .ok_or_else(|| crate::instructions::not_found(&name))
}

/// Withdraws the case `name` names at the request of its applicant ([`crate::withdraw`]) and
/// shows it, at its withdrawn stage.
pub async fn withdraw<S: Shows>(service: &S, asked: Asked, name: &str, reason: &str) -> Result<S::Shown, ApiError>
where
    S::Kind: crate::withdraw::Withdraws,
{
    let id = crate::withdraw::withdraw::<S::Kind>(service.kernel().db, asked, name, reason).await?;
    service.kernel().changed.notify_waiters();
    load(service, id).await
}

/// What [`application_service!`](crate::application_service) names from outside the calling
/// crate.
#[doc(hidden)]
pub mod reexport {
    pub use platform::Principal;
    pub use tonic;
}

/// Implements a service's gRPC trait with the five case methods of a contract whose cases are
/// "applications" (`GetApplication`, `ListApplications`, `ListApplicationEvents`,
/// `WatchApplication`, `ListOverdue`, `WithdrawApplication`) answered by this module over the
/// service's [`Shows`] (the last for a kind that [`Withdraws`](crate::withdraw::Withdraws)); the
/// three every application service has and answers its own way (`CreateApplication`,
/// `ReconsiderApplication`, `GetServiceStandard`) handed to the service's `create`, `reconsider`
/// and `service_standard`; and the methods written inside, which are the service's alone:
///
/// ```ignore
/// casework::application_service! {
///     impl RegistryService for Registry {
///         proto: pb, "kz.housing.registry.v1.RegistryService";
///         async fn create_application(&self, r: Request<pb::CreateApplicationRequest>) -> … { … }
///     }
/// }
/// ```
#[macro_export]
macro_rules! application_service {
    (impl $service:ident for $ty:ty { proto: $pb:ident, $full_name:literal; $($own:tt)* }) => {
        #[$crate::service::reexport::tonic::async_trait]
        impl $service for $ty {
            async fn get_application(
                &self,
                r: $crate::service::reexport::tonic::Request<$pb::GetApplicationRequest>,
            ) -> ::std::result::Result<
                $crate::service::reexport::tonic::Response<$pb::GetApplicationResponse>,
                $crate::service::reexport::tonic::Status,
            > {
                let principal = $crate::service::reexport::Principal::of(&r);
                let application = $crate::service::get(self, &principal, &r.get_ref().name).await?;
                Ok($crate::service::reexport::tonic::Response::new($pb::GetApplicationResponse {
                    application: Some(application),
                }))
            }

            async fn list_applications(
                &self,
                r: $crate::service::reexport::tonic::Request<$pb::ListApplicationsRequest>,
            ) -> ::std::result::Result<
                $crate::service::reexport::tonic::Response<$pb::ListApplicationsResponse>,
                $crate::service::reexport::tonic::Status,
            > {
                let principal = $crate::service::reexport::Principal::of(&r);
                let r = r.into_inner();
                let (applications, next_page_token) =
                    $crate::service::list(self, &principal, &r.filter, r.page_size, &r.page_token).await?;
                Ok($crate::service::reexport::tonic::Response::new($pb::ListApplicationsResponse {
                    applications,
                    next_page_token,
                }))
            }

            async fn list_application_events(
                &self,
                r: $crate::service::reexport::tonic::Request<$pb::ListApplicationEventsRequest>,
            ) -> ::std::result::Result<
                $crate::service::reexport::tonic::Response<$pb::ListApplicationEventsResponse>,
                $crate::service::reexport::tonic::Status,
            > {
                let principal = $crate::service::reexport::Principal::of(&r);
                let r = r.into_inner();
                let (events, next_page_token) =
                    $crate::service::events(self, &principal, &r.name, r.page_size, &r.page_token).await?;
                Ok($crate::service::reexport::tonic::Response::new($pb::ListApplicationEventsResponse {
                    events,
                    next_page_token,
                }))
            }

            type WatchApplicationStream = $crate::watch::Events<$pb::WatchApplicationResponse>;

            async fn watch_application(
                &self,
                r: $crate::service::reexport::tonic::Request<$pb::WatchApplicationRequest>,
            ) -> ::std::result::Result<
                $crate::service::reexport::tonic::Response<Self::WatchApplicationStream>,
                $crate::service::reexport::tonic::Status,
            > {
                let principal = $crate::service::reexport::Principal::of(&r);
                let r = r.into_inner();
                let wrap = |event| $pb::WatchApplicationResponse { event: Some(event) };
                let stream = $crate::service::watch(self, &principal, &r.name, r.after_sequence, wrap).await?;
                Ok($crate::service::reexport::tonic::Response::new(stream))
            }

            async fn get_result_document(
                &self,
                r: $crate::service::reexport::tonic::Request<$pb::GetResultDocumentRequest>,
            ) -> ::std::result::Result<
                $crate::service::reexport::tonic::Response<$pb::GetResultDocumentResponse>,
                $crate::service::reexport::tonic::Status,
            > {
                let principal = $crate::service::reexport::Principal::of(&r);
                let document = $crate::service::result_document(self, &principal, &r.get_ref().name).await?;
                Ok($crate::service::reexport::tonic::Response::new($pb::GetResultDocumentResponse {
                    document: Some(document),
                }))
            }

            async fn list_result_documents(
                &self,
                r: $crate::service::reexport::tonic::Request<$pb::ListResultDocumentsRequest>,
            ) -> ::std::result::Result<
                $crate::service::reexport::tonic::Response<$pb::ListResultDocumentsResponse>,
                $crate::service::reexport::tonic::Status,
            > {
                let principal = $crate::service::reexport::Principal::of(&r);
                let documents = $crate::service::result_documents(self, &principal, &r.get_ref().parent).await?;
                Ok($crate::service::reexport::tonic::Response::new($pb::ListResultDocumentsResponse { documents }))
            }

            async fn sign_result_document(
                &self,
                r: $crate::service::reexport::tonic::Request<$pb::SignResultDocumentRequest>,
            ) -> ::std::result::Result<
                $crate::service::reexport::tonic::Response<$pb::SignResultDocumentResponse>,
                $crate::service::reexport::tonic::Status,
            > {
                let method = concat!("/", $full_name, "/SignResultDocument");
                let (asked, r) = $crate::asked::Asked::of(r, method, |m| &m.request_id)?;
                let document =
                    $crate::service::sign_result_document(self, asked, &r.name, r.signature.as_ref()).await?;
                Ok($crate::service::reexport::tonic::Response::new($pb::SignResultDocumentResponse {
                    document: Some(document),
                }))
            }

            async fn receive_instruction(
                &self,
                r: $crate::service::reexport::tonic::Request<$pb::ReceiveInstructionRequest>,
            ) -> ::std::result::Result<
                $crate::service::reexport::tonic::Response<$pb::ReceiveInstructionResponse>,
                $crate::service::reexport::tonic::Status,
            > {
                let method = concat!("/", $full_name, "/ReceiveInstruction");
                let (asked, r) = $crate::asked::Asked::of(r, method, |m| &m.request_id)?;
                let instruction = $crate::service::receive_instruction(
                    self,
                    asked,
                    &r.name,
                    &r.complaint,
                    r.remedy.as_ref(),
                    r.text.as_ref(),
                )
                .await?;
                Ok($crate::service::reexport::tonic::Response::new($pb::ReceiveInstructionResponse {
                    instruction: Some(instruction),
                }))
            }

            async fn list_instructions(
                &self,
                r: $crate::service::reexport::tonic::Request<$pb::ListInstructionsRequest>,
            ) -> ::std::result::Result<
                $crate::service::reexport::tonic::Response<$pb::ListInstructionsResponse>,
                $crate::service::reexport::tonic::Status,
            > {
                let principal = $crate::service::reexport::Principal::of(&r);
                let instructions = $crate::service::instructions(self, &principal, &r.get_ref().parent).await?;
                Ok($crate::service::reexport::tonic::Response::new($pb::ListInstructionsResponse { instructions }))
            }

            async fn complete_instruction(
                &self,
                r: $crate::service::reexport::tonic::Request<$pb::CompleteInstructionRequest>,
            ) -> ::std::result::Result<
                $crate::service::reexport::tonic::Response<$pb::CompleteInstructionResponse>,
                $crate::service::reexport::tonic::Status,
            > {
                let method = concat!("/", $full_name, "/CompleteInstruction");
                let (asked, r) = $crate::asked::Asked::of(r, method, |m| &m.request_id)?;
                let instruction = $crate::service::complete_instruction(self, asked, &r.name, &r.note).await?;
                Ok($crate::service::reexport::tonic::Response::new($pb::CompleteInstructionResponse {
                    instruction: Some(instruction),
                }))
            }

            async fn list_overdue(
                &self,
                r: $crate::service::reexport::tonic::Request<$pb::ListOverdueRequest>,
            ) -> ::std::result::Result<
                $crate::service::reexport::tonic::Response<$pb::ListOverdueResponse>,
                $crate::service::reexport::tonic::Status,
            > {
                let r = r.into_inner();
                let (applications, next_page_token) =
                    $crate::service::overdue(self, r.page_size, &r.page_token).await?;
                Ok($crate::service::reexport::tonic::Response::new($pb::ListOverdueResponse {
                    applications,
                    next_page_token,
                }))
            }

            async fn withdraw_application(
                &self,
                r: $crate::service::reexport::tonic::Request<$pb::WithdrawApplicationRequest>,
            ) -> ::std::result::Result<
                $crate::service::reexport::tonic::Response<$pb::WithdrawApplicationResponse>,
                $crate::service::reexport::tonic::Status,
            > {
                const METHOD: &str = concat!("/", $full_name, "/WithdrawApplication");
                let (asked, r) = $crate::asked::Asked::of(r, METHOD, |m| &m.request_id)?;
                let $pb::WithdrawApplicationRequest { request_id: _, name, reason } = &r;
                let application = $crate::service::withdraw(self, asked, name, reason).await?;
                Ok($crate::service::reexport::tonic::Response::new($pb::WithdrawApplicationResponse {
                    application: Some(application),
                }))
            }

            async fn create_application(
                &self,
                r: $crate::service::reexport::tonic::Request<$pb::CreateApplicationRequest>,
            ) -> ::std::result::Result<
                $crate::service::reexport::tonic::Response<$pb::CreateApplicationResponse>,
                $crate::service::reexport::tonic::Status,
            > {
                Ok($crate::service::reexport::tonic::Response::new(self.create(r).await?))
            }

            async fn reconsider_application(
                &self,
                r: $crate::service::reexport::tonic::Request<$pb::ReconsiderApplicationRequest>,
            ) -> ::std::result::Result<
                $crate::service::reexport::tonic::Response<$pb::ReconsiderApplicationResponse>,
                $crate::service::reexport::tonic::Status,
            > {
                Ok($crate::service::reexport::tonic::Response::new(self.reconsider(r).await?))
            }

            async fn get_service_standard(
                &self,
                r: $crate::service::reexport::tonic::Request<$pb::GetServiceStandardRequest>,
            ) -> ::std::result::Result<
                $crate::service::reexport::tonic::Response<$pb::GetServiceStandardResponse>,
                $crate::service::reexport::tonic::Status,
            > {
                Ok($crate::service::reexport::tonic::Response::new(self.service_standard(r.into_inner()).await?))
            }

            $($own)*
        }
    };
}
