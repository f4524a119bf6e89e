//! The signing digest's test vectors (docs/SIGNING.md, docs/signing-vectors.json), which a
//! client in any language checks its encoder against: each vector's canonical text is its
//! fields encoded by the specification, its digest that text's SHA-256, and each service's own
//! encoder (the one its `CreateApplication` signs over) gives the same digest from the same
//! fields. The vectors were computed outside Rust, from the specification alone.

use chrono::NaiveDate;
use serde_json::Value;
use sha2::{Digest, Sha256};

const VECTORS: &str = include_str!("../../docs/signing-vectors.json");

struct Vector {
    name: String,
    header: String,
    fields: Vec<(String, String)>,
    canonical: String,
    digest: String,
}

impl Vector {
    fn one(&self, name: &str) -> &str {
        self.fields.iter().find(|(n, _)| n == name).map_or_else(|| panic!("{}: no {name}", self.name), |(_, v)| v)
    }
    fn maybe(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
    fn all(&self, name: &str) -> Vec<&str> {
        self.fields.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str()).collect()
    }
    fn documents(&self) -> Vec<(&str, &str)> {
        self.all("document_kind").into_iter().zip(self.all("document_sha256")).collect()
    }
}

fn vectors() -> Vec<Vector> {
    let file: Value = serde_json::from_str(VECTORS).expect("docs/signing-vectors.json is JSON");
    let text = |v: &Value, key: &str| v[key].as_str().unwrap_or_else(|| panic!("{key} missing")).to_owned();
    file["vectors"]
        .as_array()
        .expect("a list of vectors")
        .iter()
        .map(|v| Vector {
            name: text(v, "name"),
            header: text(v, "header"),
            fields: v["fields"]
                .as_array()
                .unwrap()
                .iter()
                .map(|pair| (pair[0].as_str().unwrap().to_owned(), pair[1].as_str().unwrap().to_owned()))
                .collect(),
            canonical: text(v, "canonical"),
            digest: text(v, "digest"),
        })
        .collect()
}

#[test]
fn each_vector_is_its_fields_encoded_by_the_specification() {
    let all = vectors();
    assert!(all.len() >= 4, "a vector a service at least");
    for v in &all {
        // A version line, then `name=length:value` a line each; the length counts UTF-8 bytes.
        let mut canonical = format!("{}\n", v.header);
        for (name, value) in &v.fields {
            canonical.push_str(&format!("{name}={}:{value}\n", value.len()));
        }
        assert_eq!(canonical, v.canonical, "{}", v.name);
        assert_eq!(hex::encode(Sha256::digest(canonical.as_bytes())), v.digest, "{}", v.name);
    }
}

#[test]
fn each_service_signs_over_the_digest_of_its_vectors() {
    let mut checked = 0;
    for v in vectors() {
        let digest = match v.header.as_str() {
            "kz.housing.registry.v1.CreateApplication/1" => registry_digest(&v),
            "kz.housing.privatization.v1.CreateApplication/1" => privatization_digest(&v),
            "kz.housing.subsidy.v1.CreateApplication/1" => subsidy_digest(&v),
            other => panic!("{}: no service encodes {other}", v.name),
        };
        assert_eq!(digest, v.digest, "{}", v.name);
        checked += 1;
    }
    assert!(checked >= 4);
}

fn registry_digest(v: &Vector) -> String {
    use registry::domain::digest::{SignedFields, signing_digest};
    let representative = v
        .maybe("representative_iin")
        .map(|iin| (iin, v.one("representative_basis"), v.one("representative_reference")));
    signing_digest(&SignedFields {
        applicant_iin: v.one("applicant_iin"),
        representative,
        case: v.one("case"),
        settlement_kato: v.one("settlement_kato"),
        list_category: v.one("list_category"),
        documents: v.documents(),
    })
}

fn privatization_digest(v: &Vector) -> String {
    use privatization::domain::Fund;
    use privatization::domain::digest::{SignedFields, signing_digest};
    use privatization::domain::documents::Claims;
    use privatization::domain::family::{Declared, Relation};
    let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let relation = |s: &str| match s {
        "Spouse" => Relation::Spouse,
        "Child" => Relation::Child,
        "Recognized" => Relation::Recognized,
        "Deceased" => Relation::Deceased,
        "Divorced" => Relation::Divorced,
        other => panic!("{}: relation {other}", v.name),
    };
    let declared: Vec<Declared> = v
        .all("member_iin")
        .into_iter()
        .zip(v.all("member_relation"))
        .zip(v.all("member_registered_on"))
        .map(|((iin, r), on)| Declared {
            iin: iin.to_owned(),
            relation: relation(r),
            registered_on: date(on),
            born: date(on),
        })
        .collect();
    let flag = |name: &str| v.one(name) == "1";
    let documents = v.documents();
    signing_digest(&SignedFields {
        applicant_iin: v.one("applicant_iin"),
        representative: v.maybe("representative_iin").map(|iin| (iin, v.one("representative_reference"))),
        channel: v.one("channel"),
        office_id: v.one("office_id"),
        dwelling_id: v.one("dwelling_id"),
        fund: Fund::parse(v.one("fund_kind")).expect("a fund code"),
        declared: &declared,
        claims: Claims {
            gratuitous: flag("gratuitous"),
            free_of_charge_right: flag("free_of_charge_right"),
            service_dwelling: flag("service_dwelling"),
            cosmonaut: flag("cosmonaut"),
        },
        documents: &documents,
    })
}

fn subsidy_digest(v: &Vector) -> String {
    use rent_subsidy::domain::digest::{SignedFields, signing_digest};
    let number = |name: &str| v.one(name).parse::<i64>().unwrap();
    signing_digest(&SignedFields {
        applicant_iin: v.one("applicant_iin"),
        landlord_iin: v.one("landlord_iin"),
        kato: v.one("kato"),
        address: v.one("address"),
        area_decimetres: number("area_decimetres"),
        family_size: number("family_size"),
        rent_tiyn: number("monthly_rent_tiyn"),
        start: v.one("start_date"),
        end: v.one("end_date"),
        landlord_iban: v.maybe("landlord_iban"),
    })
}
