//! What the state systems hold, read through the gateway (Annex 1 row 9, second paragraph): first
//! the tenant's (identity, the tenancy, court decisions, the household at their address and its
//! relations in the civil-status records, property, employment and social status), which decide
//! who confirms and which copies are asked; then, once each member has confirmed and consented
//! ([A-CONSENT-FAMILY]), every member's own (`members`). A read that fails for want of consent is
//! a finding; one the gateway cannot answer fails the filing, so that nothing is accepted on
//! partial data.

use casework::gateway::{Read, from_gateway, restricted};
use chrono::NaiveDate;
use clients::{CaseRef, GatewayClient};
use law::cutoffs::{BIRTH_CUTOFF, DEATH_CUTOFF, MARRIAGE_CUTOFF, date};
use platform::ApiError;
use proto::egov::gateway::v1 as pb;

use crate::domain::Fund;
use crate::domain::family::{Declared, Held, Relation};
use crate::domain::intake::{CourtDecision, Facts, Tenancy};

/// The purpose the exchange envelope names (Annex 1 row 9).
pub const PURPOSE: &str = "Annex 1 row 9: privatization of a state-fund dwelling";

/// Everything filing needs from the state systems.
#[derive(Debug, Clone, Default)]
pub struct Gathered {
    /// Intake's facts (row 10(2)-(5)).
    pub facts: Facts,
    /// What the systems hold of the family and the claims (row 9).
    pub held: Held,
    /// The dwelling's settlement: the akimat with jurisdiction.
    pub settlement_kato: Option<String>,
    /// The tenant's registered address, in words, when the register has one.
    pub address: Option<String>,
    /// The dwellings the tenant owned in the last five years (row 9: property), cadastral numbers.
    pub owned: Vec<String>,
}

/// What the state systems hold of one member of the family (row 9: "all family members").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberData {
    /// The member.
    pub iin: String,
    /// Their name in the population register.
    pub name: String,
    /// Their registered address, in words.
    pub address: Option<String>,
    /// Their relatives in the act records.
    pub relatives: usize,
    /// Dwellings they owned in the last five years, cadastral numbers.
    pub owned: Vec<String>,
    /// Court decisions in force naming them.
    pub court_decisions: usize,
    /// Their social groups (vulnerable groups).
    pub groups: Vec<String>,
    /// Whether a restricted read found no consent on record.
    pub consent_missing: bool,
}

/// The gateway, as privatization reads it.
#[derive(Debug, Clone)]
pub struct StateData {
    gateway: GatewayClient,
}

impl StateData {
    /// Reads through `gateway`.
    pub fn new(gateway: GatewayClient) -> Self {
        StateData { gateway }
    }

    /// The gateway client, for the confirmations.
    pub fn gateway(&self) -> &GatewayClient {
        &self.gateway
    }

    /// The person, NOT_FOUND when the register does not know them.
    pub async fn person(&self, case: &CaseRef, iin: &str) -> Result<pb::Person, ApiError> {
        let answer = self.gateway.get_person(case, pb::GetPersonRequest { iin: iin.to_owned() }).await;
        answer
            .map_err(|s| from_gateway(&s, iin))?
            .person
            .ok_or_else(|| ApiError::internal("the gateway answered no person"))
    }

    /// Every fact filing weighs, on `day`.
    pub async fn gather(
        &self,
        case: &CaseRef,
        applicant: &str,
        declared: &[Declared],
        day: NaiveDate,
    ) -> Result<Gathered, ApiError> {
        let mut out = Gathered::default();
        let as_of = day.to_string();
        let who = || applicant.to_owned();
        let tenancy = self.gateway.get_state_tenancy(case, pb::GetStateTenancyRequest { iin: who() }).await;
        match restricted(tenancy, applicant)? {
            Read::NoConsent => {
                out.facts.consent_missing.push(who());
                return Ok(out);
            }
            Read::Found(t) => {
                if let Some(t) = t.tenancy {
                    out.settlement_kato = Some(t.kato.clone());
                    out.facts.tenancy = Some(Tenancy {
                        dwelling_id: t.dwelling_id,
                        fund: fund(t.fund_kind),
                        arrears_tiyn: t.arrears.map(|m| m.tiyn).unwrap_or_default(),
                    });
                }
            }
        }
        let court = self.gateway.list_court_decisions(case, pb::ListCourtDecisionsRequest { iin: who(), as_of }).await;
        if let Read::Found(c) = restricted(court, applicant)? {
            for d in c.decisions {
                match pb::CourtDecisionKind::try_from(d.kind) {
                    Ok(pb::CourtDecisionKind::ActivityBan) => out.facts.court.push(CourtDecision::ActivityBan),
                    Ok(pb::CourtDecisionKind::SpecialRightDeprivation) => {
                        out.facts.court.push(CourtDecision::SpecialRightDeprivation);
                    }
                    Ok(pb::CourtDecisionKind::FamilyRecognition) => out.held.recognized.extend(d.recognized_iins),
                    _ => {}
                }
            }
        }
        self.household(case, applicant, &mut out).await?;
        self.family(case, applicant, &mut out).await?;
        // [A-CUTOFF]: a declared record registered after its cut-off should be held; a miss is
        // read again, as a gateway fault, before a copy may be asked.
        if declared.iter().any(|m| expected_but_missing(m, &out.held)) {
            self.family(case, applicant, &mut out).await?;
        }
        let employment = self.gateway.get_employment(case, pb::GetEmploymentRequest { iin: who() }).await;
        if let Read::Found(e) = restricted(employment, applicant)? {
            out.held.employment = e.employments.into_iter().map(|e| e.category).collect();
        }
        let status = self
            .gateway
            .get_social_status(case, pb::GetSocialStatusRequest { iin: who(), as_of: day.to_string() })
            .await;
        if let Read::Found(s) = restricted(status, applicant)? {
            out.held.groups = s.groups.into_iter().map(|g| g.code).collect();
        }
        let property =
            self.gateway.list_dwellings(case, pb::ListDwellingsRequest { iin: who(), as_of: day.to_string() });
        if let Read::Found(p) = restricted(property.await, applicant)? {
            out.owned = cadastral_numbers(p);
        }
        Ok(out)
    }

    /// [A-FAMILY-DWELLING]: the people registered now at the tenant's registered address.
    async fn household(&self, case: &CaseRef, applicant: &str, out: &mut Gathered) -> Result<(), ApiError> {
        let request = pb::GetRegisteredAddressRequest { iin: applicant.to_owned() };
        let address =
            self.gateway.get_registered_address(case, request).await.map_err(|s| from_gateway(&s, applicant))?;
        let Some(at) = address.current else { return Ok(()) };
        out.address = Some(address_line(&at));
        let request = pb::ListResidentsRequest {
            kato: at.kato.clone(),
            street: at.street.clone(),
            building: at.building.clone(),
            apartment: at.apartment.clone(),
        };
        let residents = self.gateway.list_residents(case, request).await.map_err(|s| from_gateway(&s, applicant))?;
        // In the register's order (the earliest registration first), each person once.
        for r in residents.residents.into_iter().filter(|r| r.to_date.is_empty() && r.iin != applicant) {
            let Ok(iin) = kz_ids::Iin::parse(&r.iin) else { continue };
            if !out.held.lives_there(&r.iin) {
                out.held.residents.push((r.iin, iin.birth_date()));
            }
        }
        Ok(())
    }

    /// Row 9's data of each member of the family (identity, address, civil status, property,
    /// court decisions, vulnerable groups), read once their consent is on record.
    pub async fn members(
        &self,
        case: &CaseRef,
        members: &[String],
        day: NaiveDate,
    ) -> Result<Vec<MemberData>, ApiError> {
        let mut out = Vec::with_capacity(members.len());
        for iin in members {
            let who = || iin.clone();
            let mut data = MemberData {
                iin: who(),
                name: casework::gateway::full_name(&self.person(case, iin).await?),
                ..MemberData::default()
            };
            let address = self.gateway.get_registered_address(case, pb::GetRegisteredAddressRequest { iin: who() });
            data.address = address.await.map_err(|s| from_gateway(&s, iin))?.current.as_ref().map(address_line);
            let family = self.gateway.get_family(case, pb::GetFamilyRequest { iin: who() }).await;
            let family = restricted(family, iin)?;
            let property =
                self.gateway.list_dwellings(case, pb::ListDwellingsRequest { iin: who(), as_of: day.to_string() });
            let property = restricted(property.await, iin)?;
            let court = self
                .gateway
                .list_court_decisions(case, pb::ListCourtDecisionsRequest { iin: who(), as_of: day.to_string() });
            let court = restricted(court.await, iin)?;
            let status =
                self.gateway.get_social_status(case, pb::GetSocialStatusRequest { iin: who(), as_of: day.to_string() });
            let status = restricted(status.await, iin)?;
            match (family, property, court, status) {
                (Read::Found(f), Read::Found(p), Read::Found(c), Read::Found(s)) => {
                    data.relatives = f.members.len();
                    data.owned = cadastral_numbers(p);
                    data.court_decisions = c.decisions.len();
                    data.groups = s.groups.into_iter().map(|g| g.code).collect();
                }
                _ => data.consent_missing = true,
            }
            out.push(data);
        }
        Ok(out)
    }

    /// [A-CONSENT-FAMILY]: records each member's consent to the processing of their restricted
    /// data for the privatization, given with their confirmation of the application (a minor's
    /// with the confirmation of the tenant or representative filing for them, [A-CONSENT-MINOR]).
    pub async fn record_consents(&self, case: &CaseRef, members: &[String]) -> Result<(), ApiError> {
        for iin in members {
            let request = pb::RecordConsentRequest {
                iin: iin.clone(),
                purpose: <crate::Privatizations as casework::case::CaseKind>::SERVICE.into(),
            };
            self.gateway.record_consent(case, request).await.map_err(|s| from_gateway(&s, iin))?;
        }
        Ok(())
    }

    async fn family(&self, case: &CaseRef, applicant: &str, out: &mut Gathered) -> Result<(), ApiError> {
        let family = self.gateway.get_family(case, pb::GetFamilyRequest { iin: applicant.to_owned() }).await;
        let members = match restricted(family, applicant)? {
            Read::Found(f) => f.members,
            Read::NoConsent => {
                out.facts.consent_missing.push(applicant.to_owned());
                return Ok(());
            }
        };
        let born =
            |m: &pb::FamilyMember| NaiveDate::parse_from_str(&m.birth_date, "%Y-%m-%d").unwrap_or(NaiveDate::MIN);
        out.held.deceased = members.iter().filter(|m| !m.death_date.is_empty()).map(|m| m.iin.clone()).collect();
        let alive = members.iter().filter(|m| m.death_date.is_empty());
        out.held.spouses = alive
            .clone()
            .filter(|m| m.relation == pb::Relation::Spouse as i32)
            .map(|m| (m.iin.clone(), born(m)))
            .collect();
        out.held.children = alive
            .clone()
            .filter(|m| m.relation == pb::Relation::Child as i32)
            .map(|m| (m.iin.clone(), born(m)))
            .collect();
        let other = [pb::Relation::Parent as i32, pb::Relation::Sibling as i32, pb::Relation::Grandparent as i32];
        out.held.other_kin = alive.filter(|m| other.contains(&m.relation)).map(|m| m.iin.clone()).collect();
        Ok(())
    }
}

fn expected_but_missing(m: &Declared, held: &Held) -> bool {
    let iin = &m.iin;
    match m.relation {
        Relation::Spouse => m.registered_on > date(MARRIAGE_CUTOFF) && !held.spouse(iin),
        Relation::Child => m.registered_on > date(BIRTH_CUTOFF) && !held.child(iin),
        Relation::Deceased => m.registered_on > date(DEATH_CUTOFF) && !held.dead(iin),
        Relation::Divorced => m.registered_on > date(MARRIAGE_CUTOFF) && held.spouse(iin),
        Relation::Recognized => false,
    }
}

fn address_line(a: &pb::AddressPeriod) -> String {
    let apartment = if a.apartment.is_empty() { String::new() } else { format!(", apt. {}", a.apartment) };
    format!("{} {}, {}{apartment}", a.kato, a.street, a.building)
}

fn cadastral_numbers(p: pb::ListDwellingsResponse) -> Vec<String> {
    p.dwellings.into_iter().filter_map(|d| d.dwelling.map(|d| d.cadastral_number)).collect()
}

fn fund(kind: i32) -> Option<Fund> {
    match pb::FundKind::try_from(kind) {
        Ok(pb::FundKind::Communal) => Some(Fund::Communal),
        Ok(pb::FundKind::CommunalEntity) => Some(Fund::CommunalEntity),
        Ok(pb::FundKind::RepublicanEntity) => Some(Fund::RepublicanEntity),
        _ => None,
    }
}
