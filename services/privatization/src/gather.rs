//! What the state systems hold, read through the gateway for all the family (Annex 1 row 9,
//! second paragraph): identity, the family from the civil-status records, court decisions,
//! the akimat's tenancy record, employment and social status. A read that fails for want of
//! consent is a finding; one the gateway cannot answer fails the filing, so that nothing is
//! accepted on partial data.

use casework::gateway::{Read, from_gateway, restricted};
use chrono::NaiveDate;
use clients::{CaseRef, GatewayClient};
use law::cutoffs::{BIRTH_CUTOFF, MARRIAGE_CUTOFF, date};
use platform::ApiError;
use proto::egov::gateway::v1 as pb;

use crate::domain::Fund;
use crate::domain::documents::{Declared, Held, Relation};
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
        Ok(out)
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
        let alive = members.iter().filter(|m| m.death_date.is_empty());
        out.held.spouses = alive
            .clone()
            .filter(|m| m.relation == pb::Relation::Spouse as i32)
            .map(|m| (m.iin.clone(), born(m)))
            .collect();
        out.held.children =
            alive.filter(|m| m.relation == pb::Relation::Child as i32).map(|m| (m.iin.clone(), born(m))).collect();
        Ok(())
    }
}

fn expected_but_missing(m: &Declared, held: &Held) -> bool {
    match m.relation {
        Relation::Spouse => m.registered_on > date(MARRIAGE_CUTOFF) && !held.spouses.iter().any(|(i, _)| *i == m.iin),
        Relation::Child => m.registered_on > date(BIRTH_CUTOFF) && !held.children.iter().any(|(i, _)| *i == m.iin),
        Relation::Recognized => false,
    }
}

fn fund(kind: i32) -> Option<Fund> {
    match pb::FundKind::try_from(kind) {
        Ok(pb::FundKind::Communal) => Some(Fund::Communal),
        Ok(pb::FundKind::CommunalEntity) => Some(Fund::CommunalEntity),
        Ok(pb::FundKind::RepublicanEntity) => Some(Fund::RepublicanEntity),
        _ => None,
    }
}
