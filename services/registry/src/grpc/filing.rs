//! `CreateApplication`: the electronic application of Annex 2 row 9, confirmed over its
//! signing digest, accepted under row 8(2), decided at once where the case is fully automated.

use calendar::{Channel, DEFAULT_START};
use platform::store::{Command, request_hash};
use platform::{ApiError, Principal};
use proto::housing::common::v1 as common;
use proto::housing::registry::v1 as pb;
use tonic::Request;

use super::convert::{self, Parts, application_name};
use super::{DECIDE, Registry, calendar_error};
use crate::app::decide::Applied;
use crate::domain::case::DOCUMENT_KINDS;
use crate::domain::digest::{SignedFields, signing_digest};
use crate::domain::{Case, Stage, category};
use crate::reporting;
use crate::store::{self, ConfirmationRow, Deadline, NewApplication, QueueRow};
use casework::case::report_stage;

const METHOD: &str = "/kz.housing.registry.v1.RegistryService/CreateApplication";

/// Annex 2 row 3: the only channel, with the provider's hours of row 8(1).
const CHANNEL: Channel = Channel::OTBASYBANK_REGISTRY;

/// A request checked for shape.
struct Filing {
    applicant: String,
    representative: Option<(String, String, String)>,
    case: Case,
    settlement: String,
    category: &'static str,
    documents: Vec<(String, String, String, Vec<u8>)>,
    digest: String,
}

impl Registry {
    pub(super) async fn create(
        &self,
        request: Request<pb::CreateApplicationRequest>,
    ) -> Result<pb::CreateApplicationResponse, ApiError> {
        let principal = Principal::of(&request);
        let r = request.into_inner();
        let request_id = if r.validate_only { None } else { Some(convert::request_id(&r.request_id)?) };
        let filing = self.check_shape(&r)?;
        if let Some(id) = request_id
            && let Some(first) = self.db.replay::<pb::CreateApplicationResponse>(id, &request_hash(METHOD, &r)).await?
        {
            return Ok(first);
        }
        let pending = format!("registry/requests/{}", r.request_id.trim());
        let case_ref = crate::app::decide::case_ref(&pending, &filing.applicant);
        let person = self.state.person(&case_ref, &filing.applicant).await?;
        if let Some((rep, _, _)) = &filing.representative {
            self.state.person(&case_ref, rep).await?;
        }
        let now = self.clock.now();
        let acceptance = CHANNEL
            .accept(&self.calendar, now)
            .map_err(calendar_error)?
            .ok_or_else(|| ApiError::internal("otbasybank.kz receives applications around the clock"))?;
        // [A-ORPHAN]: the state systems are asked before the applicant is.
        let effective = if filing.case == Case::OrphanDataMissing {
            filing
                .case
                .effective(self.state.orphan_data_held(&case_ref, &filing.applicant, acceptance.accepted_on).await?)
        } else {
            filing.case
        };
        let kinds: Vec<&str> = filing.documents.iter().map(|d| d.0.as_str()).collect();
        let missing = effective.missing_documents(kinds.iter().copied());
        if !missing.is_empty() {
            // [A-INCOMPLETE], for: refused at the door, nothing is created.
            let mut e = ApiError::failed_precondition(
                "DOCUMENTS_INCOMPLETE",
                format!("the case {} needs documents that were not filed", effective.code()),
            );
            for rule in &missing {
                e = e.precondition("DOCUMENT_MISSING", rule.kinds.join(" or "), format!("required by {}", rule.clause));
            }
            return Err(e.meta("missing", missing.iter().map(|m| m.kinds.join("|")).collect::<Vec<_>>().join(",")));
        }
        if r.validate_only {
            return Ok(pb::CreateApplicationResponse { application: None, signing_digest: filing.digest });
        }
        let request_id = request_id.ok_or_else(|| ApiError::internal("a filing has a request id"))?;
        let confirmations = self.verify(&case_ref, &filing, &r.confirmations).await?;
        let accepted_at = CHANNEL.accepted_at(&acceptance, now);
        let due = self.calendar.due(acceptance.accepted_on, effective.term(), DEFAULT_START).map_err(calendar_error)?;
        let deadline =
            Deadline::new(effective.term(), "APPLICATION_ACCEPTED", accepted_at, due, effective.term_clause());
        // The automated step reads the gateway before the transaction, never inside it; if
        // the gateway does not answer, the application is kept and the job decides it later.
        let facts = if acceptance.deferred {
            None
        } else {
            match self.state.facts(&case_ref, &filing.applicant, Some(person), acceptance.accepted_on).await {
                Ok(facts) => Some(facts),
                Err(e) => {
                    tracing::warn!(error = %e, "gateway reads failed; the application will be decided when they succeed");
                    None
                }
            }
        };
        let new = NewApplication {
            applicant_iin: filing.applicant.clone(),
            representative: filing.representative.clone(),
            case_kind: filing.case.code().into(),
            effective_case: effective.code().into(),
            settlement_kato: filing.settlement.clone(),
            list_category: filing.category.into(),
            received_at: now,
            accepted_at,
            accepted_on: acceptance.accepted_on.to_string(),
            deadline: deadline.clone(),
            documents: filing.documents,
            confirmations,
        };
        let why = if acceptance.deferred {
            format!(
                "received after working hours, on a weekend or a holiday; accepted on {} (Annex 2 row 8(2))",
                acceptance.accepted_on
            )
        } else {
            format!("received and accepted on {} via {}", acceptance.accepted_on, reporting::CHANNEL)
        };
        let command = Command::new(principal, METHOD).idempotent(request_id, request_hash(METHOD, &r));
        let digest = filing.digest.clone();
        let committed = self
            .db
            .transact(command, move |tx| {
                Box::pin(async move {
                    let id = match store::insert_application(tx, &new, &why).await? {
                        Ok(id) => id,
                        Err(existing) => return Err(collision(&existing)),
                    };
                    let name = application_name(id);
                    let app = store::application_in(tx, id).await?.ok_or_else(|| ApiError::internal("just filed"))?;
                    report_stage(tx, &app.case(), Stage::Accepted, accepted_at).await?;
                    tx.audit(&name, &format!("application filed: {why}")).await?;
                    let applied = match facts {
                        Some(facts) => crate::app::decide::apply_facts(tx, &app, &facts).await?,
                        None => {
                            tx.schedule(DECIDE, &name, accepted_at.max(tx.now())).await?;
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
                    let kinds = new.documents.iter().map(|d| d.0.clone()).collect();
                    let parts = Parts {
                        findings: applied.findings,
                        confirmations: new.confirmations.clone(),
                        document_kinds: kinds,
                        queue,
                    };
                    Ok(pb::CreateApplicationResponse {
                        application: Some(convert::application(&row, &parts, tx.now())),
                        signing_digest: digest,
                    })
                })
            })
            .await?;
        self.changed.notify_waiters();
        Ok(committed.response)
    }

    fn check_shape(&self, r: &pb::CreateApplicationRequest) -> Result<Filing, ApiError> {
        let mut problems: Vec<(String, String, String)> = Vec::new();
        let mut note = |e: ApiError| {
            let reason = e.reason().to_owned();
            for (field, description) in e.fields() {
                problems.push((reason.clone(), field, description));
            }
        };
        let applicant = r.applicant.as_ref().map(|p| p.iin.as_str()).unwrap_or_default();
        let applicant = convert::iin(applicant, "applicant.iin").map_err(&mut note).ok();
        let case = convert::case(r.case_kind).map_err(&mut note).ok();
        let settlement = convert::kato(&r.settlement_kato, "settlement_kato").map_err(&mut note).ok();
        let category = category::find(r.list_category.trim()).map(|c| c.code);
        if category.is_none() {
            let known = category::CATEGORIES.iter().map(|c| c.code).collect::<Vec<_>>().join(", ");
            note(ApiError::bad_field("LIST_CATEGORY_UNKNOWN", "list_category", format!("one of {known}")));
        }
        let representative = match &r.representative {
            None => None,
            Some(rep) => {
                let iin = convert::iin(
                    rep.person.as_ref().map(|p| p.iin.as_str()).unwrap_or_default(),
                    "representative.person.iin",
                )
                .map_err(&mut note)
                .ok();
                let basis = match common::RepresentationBasis::try_from(rep.basis) {
                    Ok(common::RepresentationBasis::PowerOfAttorney) => Some("POWER_OF_ATTORNEY"),
                    Ok(common::RepresentationBasis::LegalRepresentative) => Some("LEGAL_REPRESENTATIVE"),
                    _ => {
                        note(ApiError::bad_field(
                            "REPRESENTATION_BASIS_REQUIRED",
                            "representative.basis",
                            "a power of attorney or a legal representative",
                        ));
                        None
                    }
                };
                let reference =
                    convert::text(&rep.basis_reference, "representative.basis_reference").map_err(&mut note).ok();
                match (iin, basis, reference) {
                    (Some(i), Some(b), Some(r)) => Some((i.to_string(), b.to_owned(), r)),
                    _ => None,
                }
            }
        };
        let documents = casework::documents::check(&r.documents, Some(DOCUMENT_KINDS), self.limits, &mut note);
        if let Some((reason, _, _)) = problems.first() {
            let mut e = ApiError::invalid_argument(reason.clone(), "the application is not well formed");
            for (_, field, message) in &problems {
                e = e.field(field.clone(), message.clone());
            }
            return Err(e);
        }
        let (Some(applicant), Some(case), Some(settlement), Some(category)) = (applicant, case, settlement, category)
        else {
            return Err(ApiError::internal("a checked filing lost a field"));
        };
        let applicant = applicant.to_string();
        let digest = signing_digest(&SignedFields {
            applicant_iin: &applicant,
            representative: representative.as_ref().map(|(i, b, r)| (i.as_str(), b.as_str(), r.as_str())),
            case: case.code(),
            settlement_kato: &settlement,
            list_category: category,
            documents: documents.iter().map(|d| (d.0.as_str(), d.2.as_str())).collect(),
        });
        Ok(Filing { applicant, representative, case, settlement, category, documents, digest })
    }

    /// Annex 2 row 11(1), 11(3): the application is confirmed over its digest with an EDS or a
    /// one-time password by whoever files it: the representative when one acts, else the
    /// applicant. The gateway verifies each confirmation.
    async fn verify(
        &self,
        case: &clients::CaseRef,
        filing: &Filing,
        given: &[common::Confirmation],
    ) -> Result<Vec<ConfirmationRow>, ApiError> {
        let signer = filing.representative.as_ref().map_or(filing.applicant.clone(), |(i, _, _)| i.clone());
        let allowed = [signer.clone(), filing.applicant.clone()];
        let verified =
            casework::confirm::verify(self.state.gateway(), case, &filing.digest, given, &[signer], &allowed).await?;
        let now = self.clock.now();
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
}

/// The refusal at the door of a second application on the same list.
pub(super) fn collision(existing: &store::Collision) -> ApiError {
    let name = application_name(existing.id);
    let (reason, what) = if existing.stage == Stage::Enrolled {
        ("ALREADY_ENROLLED", "the person is already on this waiting list")
    } else {
        ("OPEN_APPLICATION_EXISTS", "the person already has an open application for this waiting list")
    };
    ApiError::already_exists(reason, format!("{what}: {name}")).meta("application", name)
}
