//! `CreateApplication` (Annex 1 rows 3, 8, 9; PR cl. 4): an application through the portal or a
//! State Corporation office, confirmed by the tenant and every adult family member over its
//! signing digest, with only the documents the state systems do not hold; intake checks the
//! state systems' data at once (row 10(2)-(5)), and the commission's term starts at acceptance.

use chrono::{DateTime, Utc};
use platform::{ApiError, Principal};
use proto::housing::common::v1 as common;
use proto::housing::privatization::v1 as pb;
use tonic::Request;

use super::Privatization;
use super::convert;
use crate::app::file::{self, Filing, Preview};
use crate::domain::documents::{self, Claims, Need};
use crate::domain::family::{Declared, Relation};
use crate::domain::{digest, offices};
use crate::store::{ApplicationRow, Parts};
use casework::asked::{Asked, Filed};

const METHOD: &str = "/kz.housing.privatization.v1.PrivatizationService/CreateApplication";

impl Privatization {
    pub(super) async fn create(
        &self,
        request: Request<pb::CreateApplicationRequest>,
    ) -> Result<pb::CreateApplicationResponse, ApiError> {
        let principal = Principal::of(&request);
        let r = request.into_inner();
        let asked = Asked::new(principal, METHOD, &r.request_id, &r, r.validate_only)?;
        let filing = filing(&r, self.limits)?;
        // The request is encoded for keeping only when a counter accepts it without the gateway.
        let keep = move || prost::Message::encode_to_vec(&r);
        match file::file(self, asked, (filing, keep), answer).await? {
            Filed::Filed(response) => Ok(response),
            Filed::Preview(Preview { digest, confirmers, needs }) => Ok(pb::CreateApplicationResponse {
                application: None,
                signing_digest: digest,
                confirmers: confirmers.into_iter().map(|iin| common::PersonRef { iin }).collect(),
                documents_needed: needs.iter().map(need_out).collect(),
            }),
        }
    }
}

/// The application filed, as `CreateApplication` answers it.
fn answer(row: &ApplicationRow, parts: &Parts, digest: &str, now: DateTime<Utc>) -> pb::CreateApplicationResponse {
    pb::CreateApplicationResponse {
        application: Some(convert::application(row, parts, now)),
        signing_digest: digest.to_owned(),
        confirmers: Vec::new(),
        documents_needed: Vec::new(),
    }
}

/// The request's fields checked into a filing; every problem is a field violation of one error.
fn filing(r: &pb::CreateApplicationRequest, limits: casework::documents::Limits) -> Result<Filing, ApiError> {
    // Every field of the request is read below: a field added to the contract breaks the build
    // here until it is handled.
    let pb::CreateApplicationRequest {
        request_id: _,
        validate_only: _,
        applicant: _,
        representative: _,
        documents: _,
        confirmations: _,
        channel: _,
        office_id: _,
        dwelling_id: _,
        fund_kind: _,
        family: _,
        claims: _,
    } = r;
    let mut violations = casework::fields::Violations::default();
    let mut note = |e: ApiError| violations.note(e);
    let applicant = convert::iin(r.applicant.as_ref().map(|p| p.iin.as_str()).unwrap_or_default(), "applicant.iin")
        .map_err(&mut note)
        .ok();
    let representative = r.representative.as_ref().and_then(|rep| {
        let iin =
            convert::iin(rep.person.as_ref().map(|p| p.iin.as_str()).unwrap_or_default(), "representative.person.iin")
                .map_err(&mut note)
                .ok();
        // Annex 1: a representative acts under a power of attorney.
        if rep.basis != common::RepresentationBasis::PowerOfAttorney as i32 {
            note(ApiError::bad_field(
                "REPRESENTATION_BASIS_INVALID",
                "representative.basis",
                "REPRESENTATION_BASIS_POWER_OF_ATTORNEY",
            ));
        }
        let reference = convert::text(&rep.basis_reference, "representative.basis_reference").map_err(&mut note).ok();
        Some((iin?.to_string(), reference?))
    });
    let (channel, office) = match pb::Channel::try_from(r.channel) {
        Ok(pb::Channel::Portal) => ("PORTAL", None),
        Ok(pb::Channel::StateCorporation) => match offices::find(r.office_id.trim()) {
            Some(o) => ("STATE_CORPORATION", Some(o)),
            None => {
                let known = offices::OFFICES.iter().map(|o| o.id).collect::<Vec<_>>().join(", ");
                note(ApiError::bad_field("OFFICE_UNKNOWN", "office_id", format!("one of {known}")));
                ("STATE_CORPORATION", None)
            }
        },
        _ => {
            note(ApiError::bad_field("CHANNEL_REQUIRED", "channel", "CHANNEL_PORTAL or CHANNEL_STATE_CORPORATION"));
            ("PORTAL", None)
        }
    };
    let dwelling_id = convert::text(&r.dwelling_id, "dwelling_id").map_err(&mut note).ok();
    let fund = convert::fund(r.fund_kind).map_err(&mut note).ok();
    let mut declared = Vec::new();
    for (i, m) in r.family.iter().enumerate() {
        let at = |f: &str| format!("family[{i}].{f}");
        let iin = convert::iin(m.person.as_ref().map(|p| p.iin.as_str()).unwrap_or_default(), &at("person.iin"))
            .map_err(&mut note)
            .ok();
        let relation = Relation::parse(m.relation.trim());
        if relation.is_none() {
            note(ApiError::bad_field("RELATION_INVALID", at("relation"), Relation::CODES));
        }
        let registered = if relation.is_some_and(Relation::dated) {
            convert::date(&m.registered_on, &at("registered_on")).map_err(&mut note).ok()
        } else {
            iin.map(|i| i.birth_date())
        };
        if let (Some(iin), Some(relation), Some(registered_on)) = (iin, relation, registered) {
            declared.push(Declared { iin: iin.to_string(), relation, registered_on, born: iin.birth_date() });
        }
    }
    let c = r.claims.unwrap_or_default();
    let claims = Claims {
        gratuitous: c.gratuitous,
        free_of_charge_right: c.free_of_charge_right,
        service_dwelling: c.service_dwelling,
        cosmonaut: c.cosmonaut,
    };
    let docs = casework::documents::check(&r.documents, Some(documents::KINDS), limits, &mut note);
    violations.into_result("the application is not well formed")?;
    let (Some(applicant), Some(dwelling_id), Some(fund)) = (applicant, dwelling_id, fund) else {
        return Err(ApiError::internal("a checked filing lost a field"));
    };
    let applicant = applicant.to_string();
    let kinds: Vec<(&str, &str)> = docs.iter().map(|(kind, _, sha, _)| (kind.as_str(), sha.as_str())).collect();
    let digest = digest::signing_digest(&digest::SignedFields {
        applicant_iin: &applicant,
        representative: representative.as_ref().map(|(iin, reference)| (iin.as_str(), reference.as_str())),
        channel,
        office_id: office.map(|o| o.id).unwrap_or_default(),
        dwelling_id: &dwelling_id,
        fund,
        declared: &declared,
        claims,
        documents: &kinds,
    });
    Ok(Filing {
        applicant,
        representative,
        channel,
        office,
        dwelling_id,
        fund,
        declared,
        claims,
        documents: docs,
        digest,
        confirmations: r.confirmations.clone(),
    })
}

/// A request kept at a counter while the gateway was away, read back into its filing.
pub(crate) fn decode(bytes: &[u8], limits: casework::documents::Limits) -> Result<Filing, ApiError> {
    let r: pb::CreateApplicationRequest = prost::Message::decode(bytes).map_err(ApiError::internal)?;
    filing(&r, limits)
}

fn need_out(n: &Need) -> pb::DocumentNeed {
    pb::DocumentNeed {
        kinds: n.kinds.iter().map(|k| (*k).to_owned()).collect(),
        clause: n.clause.into(),
        reason: n.reason.clone(),
    }
}
