//! `CreateApplication`: the electronic application of Annex 2 row 9, confirmed over its
//! signing digest, accepted under row 8(2), decided at once where the case is fully automated.

use casework::asked::{Asked, Filed};
use chrono::{DateTime, Utc};
use platform::{ApiError, Principal};
use proto::housing::common::v1 as common;
use proto::housing::registry::v1 as pb;
use tonic::Request;

use super::{DocumentLimits, Registry, convert};
use crate::app::file::{self, Filing};
use crate::domain::case::DOCUMENT_KINDS;
use crate::domain::category;
use crate::domain::digest::{SignedFields, signing_digest};
use crate::store::{ApplicationRow, Parts};

const METHOD: &str = "/kz.housing.registry.v1.RegistryService/CreateApplication";

impl Registry {
    pub(super) async fn create(
        &self,
        request: Request<pb::CreateApplicationRequest>,
    ) -> Result<pb::CreateApplicationResponse, ApiError> {
        let principal = Principal::of(&request);
        let r = request.into_inner();
        let asked = Asked::new(principal, METHOD, &r.request_id, &r, r.validate_only)?;
        let filing = filing(&r, self.limits)?;
        match file::file(self, asked, filing, answer).await? {
            Filed::Filed(response) => Ok(response),
            Filed::Preview(digest) => Ok(pb::CreateApplicationResponse { application: None, signing_digest: digest }),
        }
    }
}

/// The application filed, as `CreateApplication` answers it.
fn answer(row: &ApplicationRow, parts: &Parts, digest: &str, now: DateTime<Utc>) -> pb::CreateApplicationResponse {
    pb::CreateApplicationResponse {
        application: Some(convert::application(row, parts, now)),
        signing_digest: digest.to_owned(),
    }
}

/// The request's fields checked into a filing; every problem is a field violation of one error.
fn filing(r: &pb::CreateApplicationRequest, limits: DocumentLimits) -> Result<Filing, ApiError> {
    // Every field of the request is read below: a field added to the contract breaks the build
    // here until it is handled.
    let pb::CreateApplicationRequest {
        request_id: _,
        validate_only: _,
        applicant: _,
        representative: _,
        documents: _,
        confirmations: _,
        case_kind: _,
        settlement_kato: _,
        list_category: _,
    } = r;
    let mut violations = casework::fields::Violations::default();
    let mut note = |e: ApiError| violations.note(e);
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
    let documents = casework::documents::check(&r.documents, Some(DOCUMENT_KINDS), limits, &mut note);
    violations.into_result("the application is not well formed")?;
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
    let confirmations = r.confirmations.clone();
    Ok(Filing { applicant, representative, case, settlement, category, documents, digest, confirmations })
}
