//! What the sources hold (Annex 3 row 9): identity, court decisions, the household's social
//! groups and income, the family (for the landlord rule) through the gateway, and the waiting
//! list through the registry's typed client, never its tables. A source that does not answer
//! fails the gathering: the application waits and is decided when it is back.

use casework::gateway::{Read, from_gateway, restricted};
use chrono::{Datelike, Months, NaiveDate};
use clients::{CaseRef, GatewayClient, RegistryClient};
use platform::ApiError;
use proto::egov::gateway::v1 as pb;

use crate::domain::eligibility::{CLOSE_RELATIVES, Court, Facts};

/// The purpose the exchange envelope names (Annex 3 row 9).
pub const PURPOSE: &str = "Annex 3 row 9: subsidy of the rent of a private-fund dwelling";

/// The gateway and the registry, as the rent subsidy reads them.
#[derive(Debug, Clone)]
pub struct Sources {
    gateway: GatewayClient,
    registry: RegistryClient,
}

fn relation_code(r: i32) -> &'static str {
    match pb::Relation::try_from(r) {
        Ok(pb::Relation::Spouse) => "SPOUSE",
        Ok(pb::Relation::Child) => "CHILD",
        Ok(pb::Relation::Parent) => "PARENT",
        Ok(pb::Relation::Sibling) => "SIBLING",
        Ok(pb::Relation::Grandparent) => "GRANDPARENT",
        _ => "OTHER",
    }
}

impl Sources {
    /// Reads through `gateway` and `registry`.
    pub fn new(gateway: GatewayClient, registry: RegistryClient) -> Self {
        Sources { gateway, registry }
    }

    /// The gateway client, for the signature check.
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

    /// Every fact the decision weighs, as of the acceptance day; `months` of income are averaged
    /// over `family_size` members.
    pub async fn facts(
        &self,
        case: &CaseRef,
        applicant: &str,
        landlord: &str,
        family_size: i64,
        day: NaiveDate,
        months: u32,
    ) -> Result<Facts, ApiError> {
        let mut facts = Facts {
            age: kz_ids::Iin::parse(applicant).map(|i| age(i.birth_date(), day)).unwrap_or_default(),
            ..Facts::default()
        };
        // Row 9: the identity document is fetched, never uploaded.
        let docs = self
            .gateway
            .list_identity_documents(case, pb::ListIdentityDocumentsRequest { iin: applicant.to_owned() })
            .await;
        docs.map_err(|s| from_gateway(&s, applicant))?;
        let family = self.gateway.get_family(case, pb::GetFamilyRequest { iin: applicant.to_owned() }).await;
        let members = match restricted(family, applicant)? {
            Read::Found(f) => f.members,
            Read::NoConsent => {
                facts.consent_missing.push(applicant.to_owned());
                return Ok(facts);
            }
        };
        // [A-RELATIVES]: the landlord in the applicant's family, or the applicant the landlord's
        // grandparent (a grandchild).
        facts.landlord_relation =
            members.iter().find(|m| m.iin == landlord).map(|m| relation_code(m.relation).to_owned());
        if facts.landlord_relation.is_none()
            && let Ok(theirs) = self.gateway.get_family(case, pb::GetFamilyRequest { iin: landlord.to_owned() }).await
            && theirs.members.iter().any(|m| m.iin == applicant && m.relation == pb::Relation::Grandparent as i32)
        {
            facts.landlord_relation = Some("GRANDCHILD".into());
        }
        facts.landlord_relation = facts.landlord_relation.filter(|r| CLOSE_RELATIVES.contains(&r.as_str()));
        let court = self
            .gateway
            .list_court_decisions(
                case,
                pb::ListCourtDecisionsRequest { iin: applicant.to_owned(), as_of: day.to_string() },
            )
            .await;
        if let Read::Found(c) = restricted(court, applicant)? {
            for d in c.decisions {
                match pb::CourtDecisionKind::try_from(d.kind) {
                    Ok(pb::CourtDecisionKind::ActivityBan) => facts.court.push(Court::ActivityBan),
                    Ok(pb::CourtDecisionKind::SpecialRightDeprivation) => {
                        facts.court.push(Court::SpecialRightDeprivation)
                    }
                    _ => {}
                }
            }
        }
        let mut household = vec![applicant.to_owned()];
        household.extend(
            members
                .iter()
                .filter(|m| m.death_date.is_empty() && matches!(relation_code(m.relation), "SPOUSE" | "CHILD"))
                .map(|m| m.iin.clone()),
        );
        // G-S2: the average monthly income per member over the last months before acceptance.
        let last = day.with_day(1).and_then(|d| d.checked_sub_months(Months::new(1))).unwrap_or(day);
        let first = last.checked_sub_months(Months::new(months.saturating_sub(1))).unwrap_or(last);
        let mut income = 0i64;
        for iin in &household {
            let status = self
                .gateway
                .get_social_status(case, pb::GetSocialStatusRequest { iin: iin.clone(), as_of: day.to_string() })
                .await;
            match restricted(status, iin)? {
                Read::Found(s) => facts.groups.extend(s.groups.into_iter().map(|g| g.code)),
                Read::NoConsent => facts.consent_missing.push(iin.clone()),
            }
            let request = pb::ListIncomeRequest {
                iin: iin.clone(),
                from_month: first.format("%Y-%m").to_string(),
                to_month: last.format("%Y-%m").to_string(),
            };
            match restricted(self.gateway.list_income(case, request).await, iin)? {
                Read::Found(i) => income += i.incomes.iter().filter_map(|m| m.amount.map(|a| a.tiyn)).sum::<i64>(),
                Read::NoConsent => {
                    if !facts.consent_missing.contains(iin) {
                        facts.consent_missing.push(iin.clone());
                    }
                }
            }
        }
        let members_count = family_size.max(i64::try_from(household.len()).unwrap_or(1)).max(1);
        facts.income_per_member_tiyn = income / i64::from(months.max(1)) / members_count;
        facts.groups.sort();
        facts.groups.dedup();
        facts.waiting_lists = self.waiting_lists(applicant).await?;
        Ok(facts)
    }

    /// The lists the person is on, from the registry (`settlement/category`).
    pub async fn waiting_lists(&self, iin: &str) -> Result<Vec<String>, ApiError> {
        let standing = self.registry.get_queue_standing(iin).await.map_err(|s| {
            ApiError::unavailable(
                "REGISTRY_UNAVAILABLE",
                format!("the registry did not answer ({:?}: {}); try again later", s.code(), s.message()),
            )
        })?;
        Ok(standing.entries.into_iter().map(|e| format!("{}/{}", e.settlement_kato, e.list_category)).collect())
    }
}

fn age(born: NaiveDate, day: NaiveDate) -> i32 {
    let years = day.year() - born.year();
    if (day.month(), day.day()) < (born.month(), born.day()) { years - 1 } else { years }
}
