//! What the state systems hold, read through the gateway (Annex 2 row 9 last paragraph: the
//! provider fetches identity, civil status, births and property itself, never asks). The
//! reads leave no trace here; a gateway that does not answer fails the gathering, and the
//! application waits to be decided when it is back.
//!
//! The registers are read at once wherever one read does not need another's answer: the
//! family and the address together, then every member's dwellings and social status and every
//! address's residents together. Six registers read one after another at two seconds each
//! outlast a caller's deadline; read together they take the time of the slowest twice.

pub use casework::gateway::from_gateway;
use casework::gateway::{Read, restricted};
use chrono::NaiveDate;
use clients::{CaseRef, GatewayClient};
use platform::ApiError;
use proto::egov::gateway::v1 as pb;

use crate::domain::decision::{Citizenship, Facts, Ownership, Settled, SettledRelation};
use crate::domain::residence::Registration;
use crate::domain::{household, window_start};

/// The purpose the exchange envelope names (Annex 2 row 9).
pub const PURPOSE: &str = "Annex 2 row 9: enrolment in the Housing Provision Center database";

/// The gateway, as the registry reads it.
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

    /// Whether the person is in the population register (NOT_FOUND otherwise).
    pub async fn person(&self, case: &CaseRef, iin: &str) -> Result<pb::Person, ApiError> {
        let person = self
            .gateway
            .get_person(case, pb::GetPersonRequest { iin: iin.to_owned() })
            .await
            .map_err(|s| from_gateway(&s, iin))?;
        person.person.ok_or_else(|| ApiError::internal("the gateway answered no person"))
    }

    /// Whether the act records hold the person's death: the premise of a removal on the ground
    /// DEATH, which an official's word alone does not prove.
    pub async fn death_recorded(&self, case: &CaseRef, iin: &str) -> Result<bool, ApiError> {
        let records = self
            .gateway
            .list_civil_records(
                case,
                pb::ListCivilRecordsRequest { iin: iin.to_owned(), kind: pb::CivilRecordKind::Death as i32 },
            )
            .await
            .map_err(|s| from_gateway(&s, iin))?;
        Ok(!records.records.is_empty())
    }

    /// [A-ORPHAN]: whether the state systems hold the applicant's orphan data; without
    /// consent they cannot say, and the documents are asked.
    pub async fn orphan_data_held(&self, case: &CaseRef, iin: &str, on: NaiveDate) -> Result<bool, ApiError> {
        let read = restricted(
            self.gateway
                .get_social_status(case, pb::GetSocialStatusRequest { iin: iin.to_owned(), as_of: ymd(on) })
                .await,
            iin,
        )?;
        Ok(matches!(read, Read::Found(s) if s.orphan_data_held))
    }

    /// Every fact the decision weighs, as of the acceptance date; `known` is the applicant's
    /// identity when it was read already.
    pub async fn facts(
        &self,
        case: &CaseRef,
        applicant: &str,
        known: Option<pb::Person>,
        accepted_on: NaiveDate,
    ) -> Result<Facts, ApiError> {
        let person = match known {
            Some(person) => person,
            None => self.person(case, applicant).await?,
        };
        let citizenship = match pb::Citizenship::try_from(person.citizenship) {
            Ok(pb::Citizenship::Kazakhstan) => Citizenship::Citizen,
            Ok(pb::Citizenship::Kandas) => Citizenship::Kandas,
            _ => Citizenship::Other,
        };
        let mut facts = Facts {
            accepted_on,
            applicant_iin: applicant.to_owned(),
            citizenship,
            consent_missing: Vec::new(),
            ownerships: Vec::new(),
            groups: Vec::new(),
            settled: Vec::new(),
            registrations: Vec::new(),
        };
        let (family, address) = tokio::join!(
            self.gateway.get_family(case, pb::GetFamilyRequest { iin: applicant.to_owned() }),
            self.gateway.get_registered_address(case, pb::GetRegisteredAddressRequest { iin: applicant.to_owned() }),
        );
        let members = match restricted(family, applicant)? {
            Read::Found(f) => f.members,
            Read::NoConsent => {
                facts.consent_missing.push(applicant.to_owned());
                return Ok(facts);
            }
        };
        let household: Vec<String> = household::household(applicant, members.iter().map(member), accepted_on)
            .into_iter()
            .map(str::to_owned)
            .collect();
        let address = address.map_err(|s| from_gateway(&s, applicant))?;
        let reads = household.iter().map(|iin| async move {
            tokio::join!(
                self.gateway
                    .list_dwellings(case, pb::ListDwellingsRequest { iin: iin.clone(), as_of: ymd(accepted_on) }),
                self.gateway
                    .get_social_status(case, pb::GetSocialStatusRequest { iin: iin.clone(), as_of: ymd(accepted_on) }),
            )
        });
        let (read, settled) =
            tokio::join!(futures_util::future::join_all(reads), self.residents(case, applicant, &address, accepted_on));
        // Weighed in the household's order, as if read one by one.
        for (iin, (dwellings, status)) in household.iter().zip(read) {
            match restricted(dwellings, iin)? {
                Read::Found(found) => facts.ownerships.extend(found.dwellings.iter().filter_map(|d| ownership(d, iin))),
                Read::NoConsent => facts.consent_missing.push(iin.clone()),
            }
            match restricted(status, iin)? {
                Read::Found(found) => facts.groups.extend(found.groups.into_iter().map(|g| g.code)),
                Read::NoConsent => {
                    if !facts.consent_missing.contains(iin) {
                        facts.consent_missing.push(iin.clone());
                    }
                }
            }
        }
        facts.groups.sort();
        facts.groups.dedup();
        facts.registrations = address.current.iter().chain(address.history.iter()).filter_map(registration).collect();
        facts.settled =
            self.settled(case, applicant, settled?, &members, accepted_on, &mut facts.consent_missing).await?;
        Ok(facts)
    }

    /// The residents of each address the applicant lived at within the 5 years before
    /// acceptance [A-5Y], read at once, with the period the applicant lived there.
    async fn residents(
        &self,
        case: &CaseRef,
        applicant: &str,
        address: &pb::GetRegisteredAddressResponse,
        accepted_on: NaiveDate,
    ) -> Result<Vec<(NaiveDate, NaiveDate, pb::ListResidentsResponse)>, ApiError> {
        let from = window_start(accepted_on);
        let periods = address.current.iter().chain(address.history.iter()).filter_map(|period| {
            let lived_from = date(&period.from_date).unwrap_or(NaiveDate::MIN);
            let lived_to = date(&period.to_date).unwrap_or(accepted_on).min(accepted_on);
            (lived_to >= from).then_some((lived_from, lived_to, period))
        });
        let reads = periods.map(|(lived_from, lived_to, period)| async move {
            let request = pb::ListResidentsRequest {
                kato: period.kato.clone(),
                street: period.street.clone(),
                building: period.building.clone(),
                apartment: period.apartment.clone(),
            };
            let residents =
                self.gateway.list_residents(case, request).await.map_err(|s| from_gateway(&s, applicant))?;
            Ok((lived_from, lived_to, residents))
        });
        futures_util::future::join_all(reads).await.into_iter().collect()
    }

    /// Annex 2 row 10(3): persons registered at the applicant's address while the applicant
    /// lived there, within the 5 years before acceptance [A-5Y], with their relation.
    async fn settled(
        &self,
        case: &CaseRef,
        applicant: &str,
        residents: Vec<(NaiveDate, NaiveDate, pb::ListResidentsResponse)>,
        members: &[pb::FamilyMember],
        accepted_on: NaiveDate,
        consent_missing: &mut Vec<String>,
    ) -> Result<Vec<Settled>, ApiError> {
        let from = window_start(accepted_on);
        let mut out = Vec::new();
        for (lived_from, lived_to, residents) in residents {
            for r in residents.residents.iter().filter(|r| r.iin != applicant) {
                let Some(on) = date(&r.from_date) else { continue };
                if on < from.max(lived_from) || on > lived_to {
                    continue;
                }
                let relation = self.relation(case, members, &r.iin, on, consent_missing).await?;
                out.push(Settled { iin: r.iin.clone(), on, relation });
            }
        }
        Ok(out)
    }

    /// How a person settled in on `on` is related to the applicant: the spouse, a minor or
    /// disabled child, a disabled parent (no ground), or anyone else.
    async fn relation(
        &self,
        case: &CaseRef,
        members: &[pb::FamilyMember],
        iin: &str,
        on: NaiveDate,
        consent_missing: &mut Vec<String>,
    ) -> Result<SettledRelation, ApiError> {
        let Some(m) = members.iter().find(|m| m.iin == iin) else { return Ok(SettledRelation::Other) };
        let relation = pb::Relation::try_from(m.relation).ok();
        match relation {
            Some(pb::Relation::Spouse) => return Ok(SettledRelation::Spouse),
            Some(pb::Relation::Child) if household::counts(member(m).kin, on) => {
                return Ok(SettledRelation::MinorChild);
            }
            // An adult child or a parent is no ground only when unable to work.
            Some(pb::Relation::Child | pb::Relation::Parent) => {}
            _ => return Ok(SettledRelation::Other),
        }
        let status = self
            .gateway
            .get_social_status(case, pb::GetSocialStatusRequest { iin: iin.to_owned(), as_of: on.to_string() })
            .await;
        let disabled = match restricted(status, iin)? {
            Read::Found(s) => s.groups.iter().any(|g| g.code.starts_with("DISABILITY_GROUP_")),
            Read::NoConsent => {
                consent_missing.push(iin.to_owned());
                false
            }
        };
        Ok(match (relation, disabled) {
            (Some(pb::Relation::Child), true) => SettledRelation::DisabledChild,
            (Some(pb::Relation::Parent), true) => SettledRelation::DisabledParent,
            _ => SettledRelation::Other,
        })
    }
}

/// A family member as the household rule reads it.
fn member(m: &pb::FamilyMember) -> household::Member<'_> {
    let kin = match pb::Relation::try_from(m.relation) {
        Ok(pb::Relation::Spouse) => household::Kin::Spouse,
        Ok(pb::Relation::Child) => household::Kin::Child { born: date(&m.birth_date) },
        _ => household::Kin::Other,
    };
    household::Member { iin: &m.iin, kin, dead: !m.death_date.is_empty() }
}

fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

fn ownership(d: &pb::OwnedDwelling, owner: &str) -> Option<Ownership> {
    let (dwelling, own) = (d.dwelling.as_ref()?, d.ownership.as_ref()?);
    let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    Some(Ownership {
        owner_iin: owner.to_owned(),
        cadastral_number: dwelling.cadastral_number.clone(),
        kato: dwelling.kato.clone(),
        acquired_on: date(&own.acquired_on)?,
        alienated_on: date(&own.alienated_on),
        buyer_is_local_executive_body: own.buyer_is_local_executive_body,
        emergency_since: date(&dwelling.emergency_since),
    })
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A period of the address register as a registration (G-R1); a period without a readable start
/// proves nothing.
fn registration(period: &pb::AddressPeriod) -> Option<Registration> {
    Some(Registration { kato: period.kato.clone(), from: date(&period.from_date)?, to: date(&period.to_date) })
}
