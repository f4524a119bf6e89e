//! The fields of a privatization application that its signing digest covers, in their order
//! (`law::digest` encodes them): the applicant, the representative, where and on which dwelling
//! it is filed, the family declared, the claims, the documents.

use law::digest::Canonical;

use super::Fund;
use super::documents::Claims;
use super::family::Declared;

/// The version line that opens the encoding; a change of the encoding changes it.
const HEADER: &str = "kz.housing.privatization.v1.CreateApplication/1";

/// The fields an application's confirmations cover.
#[derive(Debug, Clone, Copy)]
pub struct SignedFields<'a> {
    /// The applicant's IIN.
    pub applicant_iin: &'a str,
    /// The representative's IIN and power of attorney, when one acts.
    pub representative: Option<(&'a str, &'a str)>,
    /// `PORTAL` or `STATE_CORPORATION`.
    pub channel: &'a str,
    /// The State Corporation office, or empty.
    pub office_id: &'a str,
    /// The dwelling.
    pub dwelling_id: &'a str,
    /// Its fund.
    pub fund: Fund,
    /// The family members declared.
    pub declared: &'a [Declared],
    /// What the applicant claims.
    pub claims: Claims,
    /// The documents, kind and SHA-256, in the order filed.
    pub documents: &'a [(&'a str, &'a str)],
}

/// The lowercase hex SHA-256 of the canonical encoding.
pub fn signing_digest(f: &SignedFields<'_>) -> String {
    let mut c = Canonical::new(HEADER);
    c.put("applicant_iin", f.applicant_iin);
    if let Some((iin, reference)) = f.representative {
        c.put("representative_iin", iin).put("representative_reference", reference);
    }
    c.put("channel", f.channel).put("office_id", f.office_id);
    c.put("dwelling_id", f.dwelling_id).put("fund_kind", f.fund.code());
    for m in f.declared {
        c.put("member_iin", &m.iin)
            .put("member_relation", &format!("{:?}", m.relation))
            .put("member_registered_on", &m.registered_on.to_string());
    }
    let claims = f.claims;
    for (name, on) in [
        ("gratuitous", claims.gratuitous),
        ("free_of_charge_right", claims.free_of_charge_right),
        ("service_dwelling", claims.service_dwelling),
        ("cosmonaut", claims.cosmonaut),
    ] {
        c.put(name, if on { "1" } else { "0" });
    }
    for (kind, sha) in f.documents {
        c.put("document_kind", kind).put("document_sha256", sha);
    }
    c.digest()
}
