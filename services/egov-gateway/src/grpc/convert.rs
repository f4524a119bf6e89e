//! Between the contract's messages and the registers' records: out to protobuf, and in with
//! every field checked and named by its path when it is wrong.

use chrono::NaiveDate;
use kz_ids::Iin;
use platform::ApiError;
use proto::egov::gateway::v1 as pb;
use proto::housing::common::v1::Money;

use crate::domain::{self, family::Relation};

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn opt(d: Option<NaiveDate>) -> String {
    d.map(ymd).unwrap_or_default()
}

/// An IIN field of a request, checked in full (AT-25).
pub fn iin(value: &str, field: &str) -> Result<Iin, ApiError> {
    Iin::parse(value.trim()).map_err(|e| ApiError::bad_field(e.reason(), field, e.to_string()))
}

/// A required date field, `YYYY-MM-DD`.
pub fn date(value: &str, field: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map_err(|_| ApiError::bad_field("DATE_INVALID", field, "a date is written YYYY-MM-DD"))
}

/// An optional date field: empty means none.
pub fn opt_date(value: &str, field: &str) -> Result<Option<NaiveDate>, ApiError> {
    if value.trim().is_empty() { Ok(None) } else { date(value, field).map(Some) }
}

/// A required text field.
fn text(value: &str, field: &str) -> Result<String, ApiError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ApiError::bad_field("FIELD_REQUIRED", field, "required"));
    }
    Ok(value.to_owned())
}

fn kato(value: &str, field: &str) -> Result<String, ApiError> {
    let value = value.trim();
    if value.len() != 9 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::bad_field("KATO_INVALID", field, "a settlement code is nine digits"));
    }
    Ok(value.to_owned())
}

fn money(m: Option<&Money>) -> i64 {
    m.map(|m| m.tiyn).unwrap_or_default()
}

pub fn person(p: &domain::Person) -> pb::Person {
    pb::Person {
        iin: p.iin.to_string(),
        last_name: p.last_name.clone(),
        first_name: p.first_name.clone(),
        patronymic: p.patronymic.clone(),
        birth_date: ymd(p.iin.birth_date()),
        citizenship: match p.citizenship {
            domain::Citizenship::Kazakhstan => pb::Citizenship::Kazakhstan,
            domain::Citizenship::Kandas => pb::Citizenship::Kandas,
            domain::Citizenship::Foreign => pb::Citizenship::Foreign,
            domain::Citizenship::Stateless => pb::Citizenship::Stateless,
        } as i32,
        phone: p.phone.clone(),
        email: p.email.clone(),
        death_date: opt(p.death_date),
    }
}

pub fn document(d: &domain::IdentityDocument) -> pb::IdentityDocument {
    pb::IdentityDocument {
        iin: d.iin.to_string(),
        kind: d.kind.clone(),
        number: d.number.clone(),
        issued_on: ymd(d.issued_on),
        valid_until: ymd(d.valid_until),
        issuer: d.issuer.clone(),
    }
}

pub fn address(a: &domain::AddressPeriod) -> pb::AddressPeriod {
    pb::AddressPeriod {
        iin: a.iin.to_string(),
        kato: a.kato.clone(),
        street: a.street.clone(),
        building: a.building.clone(),
        apartment: a.apartment.clone(),
        from_date: ymd(a.from),
        to_date: opt(a.to),
    }
}

pub fn settlement(s: &domain::Settlement) -> pb::Settlement {
    pb::Settlement {
        kato: s.kato.clone(),
        name_kk: s.name_kk.clone(),
        name_ru: s.name_ru.clone(),
        region_kk: s.region_kk.clone(),
    }
}

pub fn record_kind(k: domain::CivilRecordKind) -> pb::CivilRecordKind {
    match k {
        domain::CivilRecordKind::Marriage => pb::CivilRecordKind::Marriage,
        domain::CivilRecordKind::Divorce => pb::CivilRecordKind::Divorce,
        domain::CivilRecordKind::Birth => pb::CivilRecordKind::Birth,
        domain::CivilRecordKind::Death => pb::CivilRecordKind::Death,
    }
}

pub fn record(r: &domain::CivilRecord) -> pb::CivilRecord {
    pb::CivilRecord {
        record_number: r.record_number.clone(),
        kind: record_kind(r.kind) as i32,
        event_date: ymd(r.event_date),
        registered_on: ymd(r.registered_on),
        parties: r
            .parties
            .iter()
            .map(|(iin, role)| pb::Party {
                iin: iin.to_string(),
                role: match role {
                    domain::PartyRole::Spouse => pb::PartyRole::Spouse,
                    domain::PartyRole::Child => pb::PartyRole::Child,
                    domain::PartyRole::Parent => pb::PartyRole::Parent,
                    domain::PartyRole::Deceased => pb::PartyRole::Deceased,
                } as i32,
            })
            .collect(),
    }
}

pub fn relation(r: Relation) -> pb::Relation {
    match r {
        Relation::Spouse => pb::Relation::Spouse,
        Relation::Child => pb::Relation::Child,
        Relation::Parent => pb::Relation::Parent,
        Relation::Sibling => pb::Relation::Sibling,
        Relation::Grandparent => pb::Relation::Grandparent,
    }
}

pub fn dwelling(d: &domain::Dwelling) -> pb::Dwelling {
    pb::Dwelling {
        cadastral_number: d.cadastral_number.clone(),
        kato: d.kato.clone(),
        address_line: d.address_line.clone(),
        area_m2_tenths: i32::try_from(d.area_decimetres).unwrap_or(i32::MAX),
        emergency_since: opt(d.emergency_since),
    }
}

pub fn ownership(o: &domain::Ownership) -> pb::Ownership {
    pb::Ownership {
        cadastral_number: o.cadastral_number.clone(),
        iin: o.iin.to_string(),
        acquired_on: ymd(o.acquired_on),
        alienated_on: opt(o.alienated_on),
        buyer_id: o.buyer_id.clone().unwrap_or_default(),
        buyer_is_local_executive_body: o.buyer_is_local_executive_body,
    }
}

pub fn tenancy(t: &domain::Tenancy) -> pb::Tenancy {
    pb::Tenancy {
        iin: t.iin.to_string(),
        dwelling_id: t.dwelling_id.clone(),
        kato: t.kato.clone(),
        fund_kind: match t.fund_kind {
            domain::FundKind::Communal => pb::FundKind::Communal,
            domain::FundKind::CommunalEntity => pb::FundKind::CommunalEntity,
            domain::FundKind::RepublicanEntity => pb::FundKind::RepublicanEntity,
        } as i32,
        document: match t.document {
            domain::TenancyDocument::Agreement => pb::TenancyDocument::Agreement,
            domain::TenancyDocument::Warrant => pb::TenancyDocument::Warrant,
        } as i32,
        document_number: t.document_number.clone(),
        arrears: Some(Money { tiyn: t.arrears_tiyn }),
    }
}

pub fn decision(d: &domain::CourtDecision) -> pb::CourtDecision {
    pb::CourtDecision {
        case_number: d.case_number.clone(),
        iin: d.iin.to_string(),
        kind: match d.kind {
            domain::CourtDecisionKind::FamilyRecognition => pb::CourtDecisionKind::FamilyRecognition,
            domain::CourtDecisionKind::ActivityBan => pb::CourtDecisionKind::ActivityBan,
            domain::CourtDecisionKind::SpecialRightDeprivation => pb::CourtDecisionKind::SpecialRightDeprivation,
        } as i32,
        in_force_from: ymd(d.in_force_from),
        in_force_until: opt(d.in_force_until),
        recognized_iins: d.recognized.iter().map(ToString::to_string).collect(),
    }
}

pub fn group(g: &domain::SocialGroup) -> pb::SocialGroup {
    pb::SocialGroup { iin: g.iin.to_string(), code: g.code.clone(), since: ymd(g.since), until: opt(g.until) }
}

pub fn employment(e: &domain::Employment) -> pb::Employment {
    pb::Employment {
        iin: e.iin.to_string(),
        category: e.category.clone(),
        employer_bin: e.employer_bin.clone(),
        since: ymd(e.since),
        until: opt(e.until),
    }
}

pub fn income(i: &domain::MonthlyIncome) -> pb::MonthlyIncome {
    pb::MonthlyIncome { iin: i.iin.to_string(), month: i.month.clone(), amount: Some(Money { tiyn: i.amount_tiyn }) }
}

/// The records of an `AdminService.LoadRecords` request, each field checked.
pub fn records(r: pb::LoadRecordsRequest) -> Result<domain::Records, ApiError> {
    let pb::LoadRecordsRequest {
        settlements,
        persons,
        documents,
        addresses,
        civil_records,
        dwellings,
        ownerships,
        tenancies,
        court_decisions,
        social_groups,
        employments,
        incomes,
        consents,
    } = r;
    let mut out = domain::Records::default();
    for (i, s) in settlements.iter().enumerate() {
        let f = |name: &str| format!("settlements[{i}].{name}");
        out.settlements.push(domain::Settlement {
            kato: kato(&s.kato, &f("kato"))?,
            name_kk: text(&s.name_kk, &f("name_kk"))?,
            name_ru: text(&s.name_ru, &f("name_ru"))?,
            region_kk: text(&s.region_kk, &f("region_kk"))?,
        });
    }
    for (i, p) in persons.iter().enumerate() {
        let f = |name: &str| format!("persons[{i}].{name}");
        let who = iin(&p.iin, &f("iin"))?;
        if !p.birth_date.is_empty() && date(&p.birth_date, &f("birth_date"))? != who.birth_date() {
            return Err(ApiError::bad_field(
                "BIRTH_DATE_MISMATCH",
                f("birth_date"),
                "differs from the date the IIN carries",
            ));
        }
        out.persons.push(domain::Person {
            iin: who,
            last_name: text(&p.last_name, &f("last_name"))?,
            first_name: text(&p.first_name, &f("first_name"))?,
            patronymic: p.patronymic.trim().to_owned(),
            citizenship: match pb::Citizenship::try_from(p.citizenship) {
                Ok(pb::Citizenship::Kazakhstan) => domain::Citizenship::Kazakhstan,
                Ok(pb::Citizenship::Kandas) => domain::Citizenship::Kandas,
                Ok(pb::Citizenship::Foreign) => domain::Citizenship::Foreign,
                Ok(pb::Citizenship::Stateless) => domain::Citizenship::Stateless,
                _ => return Err(ApiError::bad_field("FIELD_REQUIRED", f("citizenship"), "required")),
            },
            phone: p.phone.trim().to_owned(),
            email: p.email.trim().to_owned(),
            death_date: opt_date(&p.death_date, &f("death_date"))?,
        });
    }
    for (i, d) in documents.iter().enumerate() {
        let f = |name: &str| format!("documents[{i}].{name}");
        out.documents.push(domain::IdentityDocument {
            iin: iin(&d.iin, &f("iin"))?,
            kind: text(&d.kind, &f("kind"))?,
            number: text(&d.number, &f("number"))?,
            issued_on: date(&d.issued_on, &f("issued_on"))?,
            valid_until: date(&d.valid_until, &f("valid_until"))?,
            issuer: d.issuer.trim().to_owned(),
        });
    }
    for (i, a) in addresses.iter().enumerate() {
        let f = |name: &str| format!("addresses[{i}].{name}");
        out.addresses.push(domain::AddressPeriod {
            iin: iin(&a.iin, &f("iin"))?,
            kato: kato(&a.kato, &f("kato"))?,
            street: text(&a.street, &f("street"))?,
            building: text(&a.building, &f("building"))?,
            apartment: a.apartment.trim().to_owned(),
            from: date(&a.from_date, &f("from_date"))?,
            to: opt_date(&a.to_date, &f("to_date"))?,
        });
    }
    for (i, c) in civil_records.iter().enumerate() {
        let f = |name: &str| format!("civil_records[{i}].{name}");
        let kind = match pb::CivilRecordKind::try_from(c.kind) {
            Ok(pb::CivilRecordKind::Marriage) => domain::CivilRecordKind::Marriage,
            Ok(pb::CivilRecordKind::Divorce) => domain::CivilRecordKind::Divorce,
            Ok(pb::CivilRecordKind::Birth) => domain::CivilRecordKind::Birth,
            Ok(pb::CivilRecordKind::Death) => domain::CivilRecordKind::Death,
            _ => return Err(ApiError::bad_field("FIELD_REQUIRED", f("kind"), "required")),
        };
        let mut parties = Vec::new();
        for (j, p) in c.parties.iter().enumerate() {
            let role = match pb::PartyRole::try_from(p.role) {
                Ok(pb::PartyRole::Spouse) => domain::PartyRole::Spouse,
                Ok(pb::PartyRole::Child) => domain::PartyRole::Child,
                Ok(pb::PartyRole::Parent) => domain::PartyRole::Parent,
                Ok(pb::PartyRole::Deceased) => domain::PartyRole::Deceased,
                _ => return Err(ApiError::bad_field("FIELD_REQUIRED", f(&format!("parties[{j}].role")), "required")),
            };
            parties.push((iin(&p.iin, &f(&format!("parties[{j}].iin")))?, role));
        }
        if parties.is_empty() {
            return Err(ApiError::bad_field("FIELD_REQUIRED", f("parties"), "an act record names at least one person"));
        }
        out.civil_records.push(domain::CivilRecord {
            record_number: text(&c.record_number, &f("record_number"))?,
            kind,
            event_date: date(&c.event_date, &f("event_date"))?,
            registered_on: date(&c.registered_on, &f("registered_on"))?,
            parties,
        });
    }
    for (i, d) in dwellings.iter().enumerate() {
        let f = |name: &str| format!("dwellings[{i}].{name}");
        out.dwellings.push(domain::Dwelling {
            cadastral_number: text(&d.cadastral_number, &f("cadastral_number"))?,
            kato: kato(&d.kato, &f("kato"))?,
            address_line: text(&d.address_line, &f("address_line"))?,
            area_decimetres: i64::from(d.area_m2_tenths),
            emergency_since: opt_date(&d.emergency_since, &f("emergency_since"))?,
        });
    }
    for (i, o) in ownerships.iter().enumerate() {
        let f = |name: &str| format!("ownerships[{i}].{name}");
        out.ownerships.push(domain::Ownership {
            cadastral_number: text(&o.cadastral_number, &f("cadastral_number"))?,
            iin: iin(&o.iin, &f("iin"))?,
            acquired_on: date(&o.acquired_on, &f("acquired_on"))?,
            alienated_on: opt_date(&o.alienated_on, &f("alienated_on"))?,
            buyer_id: Some(o.buyer_id.trim().to_owned()).filter(|b| !b.is_empty()),
            buyer_is_local_executive_body: o.buyer_is_local_executive_body,
        });
    }
    for (i, t) in tenancies.iter().enumerate() {
        let f = |name: &str| format!("tenancies[{i}].{name}");
        out.tenancies.push(domain::Tenancy {
            iin: iin(&t.iin, &f("iin"))?,
            dwelling_id: text(&t.dwelling_id, &f("dwelling_id"))?,
            kato: kato(&t.kato, &f("kato"))?,
            fund_kind: match pb::FundKind::try_from(t.fund_kind) {
                Ok(pb::FundKind::Communal) => domain::FundKind::Communal,
                Ok(pb::FundKind::CommunalEntity) => domain::FundKind::CommunalEntity,
                Ok(pb::FundKind::RepublicanEntity) => domain::FundKind::RepublicanEntity,
                _ => return Err(ApiError::bad_field("FIELD_REQUIRED", f("fund_kind"), "required")),
            },
            document: match pb::TenancyDocument::try_from(t.document) {
                Ok(pb::TenancyDocument::Agreement) => domain::TenancyDocument::Agreement,
                Ok(pb::TenancyDocument::Warrant) => domain::TenancyDocument::Warrant,
                _ => return Err(ApiError::bad_field("FIELD_REQUIRED", f("document"), "required")),
            },
            document_number: text(&t.document_number, &f("document_number"))?,
            arrears_tiyn: money(t.arrears.as_ref()),
        });
    }
    for (i, d) in court_decisions.iter().enumerate() {
        let f = |name: &str| format!("court_decisions[{i}].{name}");
        out.court_decisions.push(domain::CourtDecision {
            case_number: text(&d.case_number, &f("case_number"))?,
            iin: iin(&d.iin, &f("iin"))?,
            kind: match pb::CourtDecisionKind::try_from(d.kind) {
                Ok(pb::CourtDecisionKind::FamilyRecognition) => domain::CourtDecisionKind::FamilyRecognition,
                Ok(pb::CourtDecisionKind::ActivityBan) => domain::CourtDecisionKind::ActivityBan,
                Ok(pb::CourtDecisionKind::SpecialRightDeprivation) => {
                    domain::CourtDecisionKind::SpecialRightDeprivation
                }
                _ => return Err(ApiError::bad_field("FIELD_REQUIRED", f("kind"), "required")),
            },
            in_force_from: date(&d.in_force_from, &f("in_force_from"))?,
            in_force_until: opt_date(&d.in_force_until, &f("in_force_until"))?,
            recognized: d
                .recognized_iins
                .iter()
                .enumerate()
                .map(|(j, r)| iin(r, &f(&format!("recognized_iins[{j}]"))))
                .collect::<Result<_, _>>()?,
        });
    }
    for (i, g) in social_groups.iter().enumerate() {
        let f = |name: &str| format!("social_groups[{i}].{name}");
        out.social_groups.push(domain::SocialGroup {
            iin: iin(&g.iin, &f("iin"))?,
            code: text(&g.code, &f("code"))?,
            since: date(&g.since, &f("since"))?,
            until: opt_date(&g.until, &f("until"))?,
        });
    }
    for (i, e) in employments.iter().enumerate() {
        let f = |name: &str| format!("employments[{i}].{name}");
        out.employments.push(domain::Employment {
            iin: iin(&e.iin, &f("iin"))?,
            category: text(&e.category, &f("category"))?,
            employer_bin: e.employer_bin.trim().to_owned(),
            since: date(&e.since, &f("since"))?,
            until: opt_date(&e.until, &f("until"))?,
        });
    }
    for (i, m) in incomes.iter().enumerate() {
        let f = |name: &str| format!("incomes[{i}].{name}");
        let month = text(&m.month, &f("month"))?;
        if NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").is_err() {
            return Err(ApiError::bad_field("MONTH_INVALID", f("month"), "a month is written YYYY-MM"));
        }
        out.incomes.push(domain::MonthlyIncome {
            iin: iin(&m.iin, &f("iin"))?,
            month,
            amount_tiyn: money(m.amount.as_ref()),
        });
    }
    for (i, c) in consents.iter().enumerate() {
        let who = iin(&c.iin, &format!("consents[{i}].iin"))?;
        let purpose = c.purpose.trim();
        if !domain::CONSENT_PURPOSES.contains(&purpose) {
            return Err(ApiError::bad_field(
                "PURPOSE_UNKNOWN",
                format!("consents[{i}].purpose"),
                format!("one of: {}", domain::CONSENT_PURPOSES.join(", ")),
            ));
        }
        out.consents.push((who, purpose.to_owned()));
    }
    Ok(out)
}
