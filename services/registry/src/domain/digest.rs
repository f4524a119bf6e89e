//! The fields of a registry application that its signing digest covers, in their order
//! (`law::digest` encodes them).

use law::digest::Canonical;

/// The fields an application's confirmation covers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SignedFields<'a> {
    /// The applicant's IIN.
    pub applicant_iin: &'a str,
    /// The representative's IIN, basis code and basis reference, when one acts.
    pub representative: Option<(&'a str, &'a str, &'a str)>,
    /// The case claimed.
    pub case: &'a str,
    /// The settlement.
    pub settlement_kato: &'a str,
    /// The list.
    pub list_category: &'a str,
    /// The documents, kind and SHA-256, in the order filed.
    pub documents: Vec<(&'a str, &'a str)>,
}

/// The version line that opens the encoding; a change of the encoding changes it.
const HEADER: &str = "kz.housing.registry.v1.CreateApplication/1";

/// The lowercase hex SHA-256 of the canonical encoding.
pub fn signing_digest(fields: &SignedFields<'_>) -> String {
    let mut out = Canonical::new(HEADER);
    out.put("applicant_iin", fields.applicant_iin);
    if let Some((iin, basis, reference)) = fields.representative {
        out.put("representative_iin", iin)
            .put("representative_basis", basis)
            .put("representative_reference", reference);
    }
    out.put("case", fields.case)
        .put("settlement_kato", fields.settlement_kato)
        .put("list_category", fields.list_category);
    for (kind, sha) in &fields.documents {
        out.put("document_kind", kind).put("document_sha256", sha);
    }
    out.digest()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> SignedFields<'static> {
        SignedFields {
            applicant_iin: "791028302728",
            case: "NO_DWELLING_5Y",
            settlement_kato: "751110000",
            list_category: "GENERAL",
            ..Default::default()
        }
    }

    #[test]
    fn the_digest_is_pinned_so_that_other_languages_can_reproduce_it() {
        // Python: sha256("kz.housing.registry.v1.CreateApplication/1\napplicant_iin=12:791028302728\n
        // case=14:NO_DWELLING_5Y\nsettlement_kato=9:751110000\nlist_category=7:GENERAL\n")
        assert_eq!(signing_digest(&fields()), "9ef8c173466d6e1b86fee763acb27e3221115f493cdb31df71d0daabd91b6be7");
        let mut other = fields();
        other.settlement_kato = "751110001";
        assert_ne!(signing_digest(&fields()), signing_digest(&other));
        // Lengths keep field boundaries: moving a character between fields changes it.
        let (mut a, mut b) = (fields(), fields());
        a.documents = vec![("AB", "C")];
        b.documents = vec![("A", "BC")];
        assert_ne!(signing_digest(&a), signing_digest(&b));
    }
}
