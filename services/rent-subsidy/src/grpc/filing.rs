//! `CreateApplication` (Annex 3 rows 4, 8, 9): an application certified with the applicant's EDS
//! over its signing digest ([A-SUB-EDS]), the lease as data ([A-LEASE]), accepted under the
//! registry's hours and next-working-day rule ([A-SUB-HOURS]) with a term of 3 working days.

use casework::asked::{Asked, Filed};
use casework::fields;
use chrono::{DateTime, Utc};
use platform::{ApiError, Principal};
use proto::housing::subsidy::v1 as pb;
use tonic::Request;

use super::{Subsidy, application};
use crate::app::file::{self, Filing};
use crate::domain::digest;
use crate::store::{ApplicationRow, FindingRow, LeaseRow};

const METHOD: &str = "/kz.housing.subsidy.v1.RentSubsidyService/CreateApplication";

fn lease(r: &pb::CreateApplicationRequest) -> Result<LeaseRow, ApiError> {
    let l =
        r.lease.clone().ok_or_else(|| ApiError::bad_field("LEASE_REQUIRED", "lease", "the lease as data [A-LEASE]"))?;
    let landlord = fields::iin(&l.landlord_iin, "lease.landlord_iin")?.to_string();
    let address = l.address.unwrap_or_default();
    let kato = fields::kato(&address.kato_code, "lease.address.kato_code")?;
    let line = fields::text(
        &format!("{} {} {}", address.street, address.building, address.apartment),
        "lease.address.street",
    )?;
    let rent = l.monthly_rent.map(|m| m.tiyn).unwrap_or_default();
    if rent <= 0 {
        return Err(ApiError::bad_field("RENT_INVALID", "lease.monthly_rent", "the monthly rent, more than zero tiyn"));
    }
    if l.area_m2_tenths <= 0 {
        return Err(ApiError::bad_field("AREA_INVALID", "lease.area_m2_tenths", "the living area, more than zero"));
    }
    if !(1..=30).contains(&l.family_size) {
        return Err(ApiError::bad_field("FAMILY_SIZE_INVALID", "lease.family_size", "1 to 30 people"));
    }
    let start = fields::date(&l.start_date, "lease.start_date")?;
    let end = fields::date(&l.end_date, "lease.end_date")?;
    if end <= start {
        return Err(ApiError::bad_field("LEASE_PERIOD_INVALID", "lease.end_date", "after the start"));
    }
    let landlord_iban = match l.landlord_iban.trim() {
        "" => None,
        written => Some(
            crate::domain::iban::checked(written)
                .map_err(|why| ApiError::bad_field("IBAN_INVALID", "lease.landlord_iban", why))?,
        ),
    };
    Ok(LeaseRow {
        landlord_iin: landlord,
        address: line,
        kato,
        area_decimetres: i64::from(l.area_m2_tenths),
        family_size: i64::from(l.family_size),
        rent_tiyn: rent,
        start: start.to_string(),
        end: end.to_string(),
        landlord_iban,
    })
}

impl Subsidy {
    pub(super) async fn create(
        &self,
        request: Request<pb::CreateApplicationRequest>,
    ) -> Result<pb::CreateApplicationResponse, ApiError> {
        let principal = Principal::of(&request);
        let r = request.into_inner();
        let asked = Asked::new(principal, METHOD, &r.request_id, &r, r.validate_only)?;
        match file::file(self, asked, filing(&r)?, answer).await? {
            Filed::Filed(response) => Ok(response),
            Filed::Preview(digest) => Ok(pb::CreateApplicationResponse { application: None, signing_digest: digest }),
        }
    }
}

/// The application filed, as `CreateApplication` answers it.
fn answer(
    row: &ApplicationRow,
    findings: &[FindingRow],
    digest: &str,
    now: DateTime<Utc>,
) -> pb::CreateApplicationResponse {
    pb::CreateApplicationResponse {
        application: Some(application(row, findings, now)),
        signing_digest: digest.to_owned(),
    }
}

/// The request's fields checked into a filing (the first problem refuses it).
fn filing(r: &pb::CreateApplicationRequest) -> Result<Filing, ApiError> {
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
        lease: _,
    } = r;
    let applicant =
        fields::iin(r.applicant.as_ref().map(|p| p.iin.as_str()).unwrap_or_default(), "applicant.iin")?.to_string();
    if r.representative.is_some() {
        // Annex 3 row 9, [A-SUB-EDS]: the applicant certifies the application with their own EDS.
        return Err(ApiError::bad_field(
            "REPRESENTATION_NOT_ACCEPTED",
            "representative",
            "the applicant files and certifies with their own EDS (Annex 3 row 9, [A-SUB-EDS])",
        ));
    }
    if r.case_kind != pb::SubsidyCase::RentPrivateFund as i32 {
        return Err(ApiError::bad_field("CASE_KIND_REQUIRED", "case_kind", "SUBSIDY_CASE_RENT_PRIVATE_FUND"));
    }
    let lease = lease(r)?;
    if lease.landlord_iin == applicant {
        return Err(ApiError::bad_field(
            "LANDLORD_IS_APPLICANT",
            "lease.landlord_iin",
            "the landlord is another person",
        ));
    }
    let digest = digest::signing_digest(&digest::SignedFields {
        applicant_iin: &applicant,
        landlord_iin: &lease.landlord_iin,
        kato: &lease.kato,
        address: &lease.address,
        area_decimetres: lease.area_decimetres,
        family_size: lease.family_size,
        rent_tiyn: lease.rent_tiyn,
        start: &lease.start,
        end: &lease.end,
        landlord_iban: lease.landlord_iban.as_deref(),
    });
    Ok(Filing { applicant, lease, digest, confirmations: r.confirmations.clone() })
}
