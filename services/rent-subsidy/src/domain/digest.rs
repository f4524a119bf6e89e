//! The fields of a rent-subsidy application that its signing digest covers, in their order
//! (`law::digest` encodes them): the applicant and the lease as data ([A-LEASE]).

use law::digest::Canonical;

/// The version line that opens the encoding; a change of the encoding changes it.
const HEADER: &str = "kz.housing.subsidy.v1.CreateApplication/1";

/// The lease as the applicant states it.
#[derive(Debug, Clone, Copy)]
pub struct SignedFields<'a> {
    /// The applicant's IIN.
    pub applicant_iin: &'a str,
    /// The landlord's IIN.
    pub landlord_iin: &'a str,
    /// The dwelling's settlement.
    pub kato: &'a str,
    /// The dwelling's address, one line.
    pub address: &'a str,
    /// The living area, in tenths of a square metre.
    pub area_decimetres: i64,
    /// The people who live there.
    pub family_size: i64,
    /// The monthly rent, in tiyn.
    pub rent_tiyn: i64,
    /// The lease's first day, `YYYY-MM-DD`.
    pub start: &'a str,
    /// Its last day.
    pub end: &'a str,
    /// The landlord's account, when the lease names it (encoded only then, so a lease without
    /// one keeps the digest it always had).
    pub landlord_iban: Option<&'a str>,
}

/// The lowercase hex SHA-256 of the canonical encoding.
pub fn signing_digest(f: &SignedFields<'_>) -> String {
    let mut c = Canonical::new(HEADER);
    c.put("applicant_iin", f.applicant_iin)
        .put("landlord_iin", f.landlord_iin)
        .put("kato", f.kato)
        .put("address", f.address);
    c.put("area_decimetres", &f.area_decimetres.to_string()).put("family_size", &f.family_size.to_string());
    c.put("monthly_rent_tiyn", &f.rent_tiyn.to_string()).put("start_date", f.start).put("end_date", f.end);
    if let Some(iban) = f.landlord_iban {
        c.put("landlord_iban", iban);
    }
    c.digest()
}
