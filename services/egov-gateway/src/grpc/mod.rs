//! The gateway's gRPC services: thin handlers that open the exchange (envelope, hash), check the
//! request, ask the registers, and answer with the envelope echoed.

pub mod convert;
pub mod envelope;

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use platform::store::Command;
use platform::{ApiError, Clock, Principal, Profile};
use proto::egov::gateway::v1 as pb;
use tonic::{Request, Response, Status};

use crate::access::{self, Grants};
use crate::domain::{self, family, seed};
use crate::store::Registers;
use convert::iin;
use envelope::Exchange;

/// Everything the handlers share.
#[derive(Debug, Clone)]
pub struct Gateway {
    registers: Registers,
    clock: Clock,
    grants: Arc<Grants>,
    profile: Profile,
}

type Answer<T> = Result<Response<T>, Status>;

impl Gateway {
    /// The handlers over `registers`.
    pub fn new(registers: Registers, clock: Clock, grants: Grants, profile: Profile) -> Self {
        Gateway { registers, clock, grants: Arc::new(grants), profile }
    }

    fn today(&self) -> NaiveDate {
        self.clock.now_local().date_naive()
    }

    fn as_of(&self, value: &str) -> Result<NaiveDate, ApiError> {
        Ok(convert::opt_date(value, "as_of")?.unwrap_or_else(|| self.today()))
    }

    /// The family of a person, as the act records establish it.
    async fn family(&self, who: kz_ids::Iin) -> Result<Vec<(kz_ids::Iin, family::Relation)>, ApiError> {
        let own = self.registers.civil_records(&[who]).await?;
        let parents = family::parents_of(who, &own);
        let parents_records = self.registers.civil_records(&parents).await?;
        Ok(family::derive(who, &own, &parents_records))
    }
}

macro_rules! method {
    ($service:literal, $method:literal) => {
        concat!("/kz.egov.gateway.v1.", $service, "/", $method)
    };
}

#[tonic::async_trait]
impl pb::identity_service_server::IdentityService for Gateway {
    async fn get_person(&self, request: Request<pb::GetPersonRequest>) -> Answer<pb::GetPersonResponse> {
        let exchange = Exchange::open(&request, method!("IdentityService", "GetPerson"))?;
        let who = iin(&request.get_ref().iin, "iin")?;
        let person = self.registers.existing(who).await?;
        Ok(exchange.answer(pb::GetPersonResponse { person: Some(convert::person(&person)) }))
    }

    async fn list_identity_documents(
        &self,
        request: Request<pb::ListIdentityDocumentsRequest>,
    ) -> Answer<pb::ListIdentityDocumentsResponse> {
        let exchange = Exchange::open(&request, method!("IdentityService", "ListIdentityDocuments"))?;
        let who = iin(&request.get_ref().iin, "iin")?;
        self.registers.existing(who).await?;
        let documents = self.registers.documents(who).await?;
        Ok(exchange
            .answer(pb::ListIdentityDocumentsResponse { documents: documents.iter().map(convert::document).collect() }))
    }

    async fn get_registered_address(
        &self,
        request: Request<pb::GetRegisteredAddressRequest>,
    ) -> Answer<pb::GetRegisteredAddressResponse> {
        let exchange = Exchange::open(&request, method!("IdentityService", "GetRegisteredAddress"))?;
        let who = iin(&request.get_ref().iin, "iin")?;
        self.registers.existing(who).await?;
        let (periods, settlement) = self.registers.addresses(who).await?;
        let current = periods.iter().find(|p| p.to.is_none()).map(convert::address);
        let history = periods.iter().filter(|p| p.to.is_some()).map(convert::address).collect();
        Ok(exchange.answer(pb::GetRegisteredAddressResponse {
            current,
            history,
            settlement: settlement.as_ref().map(convert::settlement),
        }))
    }
}

#[tonic::async_trait]
impl pb::civil_status_service_server::CivilStatusService for Gateway {
    async fn get_family(&self, request: Request<pb::GetFamilyRequest>) -> Answer<pb::GetFamilyResponse> {
        let exchange = Exchange::open(&request, method!("CivilStatusService", "GetFamily"))?;
        let who = iin(&request.get_ref().iin, "iin")?;
        self.registers.existing(who).await?;
        let mut members = Vec::new();
        for (member, relation) in self.family(who).await? {
            let death_date = self.registers.person(member).await?.and_then(|p| p.death_date);
            members.push(pb::FamilyMember {
                iin: member.to_string(),
                relation: convert::relation(relation) as i32,
                birth_date: member.birth_date().format("%Y-%m-%d").to_string(),
                death_date: death_date.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default(),
            });
        }
        Ok(exchange.answer(pb::GetFamilyResponse { members }))
    }

    async fn list_civil_records(
        &self,
        request: Request<pb::ListCivilRecordsRequest>,
    ) -> Answer<pb::ListCivilRecordsResponse> {
        let exchange = Exchange::open(&request, method!("CivilStatusService", "ListCivilRecords"))?;
        let who = iin(&request.get_ref().iin, "iin")?;
        let kind = request.get_ref().kind;
        if pb::CivilRecordKind::try_from(kind).is_err() {
            return Err(ApiError::bad_field("KIND_INVALID", "kind", "not a CivilRecordKind").into());
        }
        self.registers.existing(who).await?;
        let records = self.registers.civil_records(&[who]).await?;
        let records = records
            .iter()
            .filter(|r| kind == 0 || convert::record_kind(r.kind) as i32 == kind)
            .map(convert::record)
            .collect();
        Ok(exchange.answer(pb::ListCivilRecordsResponse { records }))
    }
}

#[tonic::async_trait]
impl pb::property_service_server::PropertyService for Gateway {
    async fn list_dwellings(&self, request: Request<pb::ListDwellingsRequest>) -> Answer<pb::ListDwellingsResponse> {
        let exchange = Exchange::open(&request, method!("PropertyService", "ListDwellings"))?;
        let who = iin(&request.get_ref().iin, "iin")?;
        let as_of = self.as_of(&request.get_ref().as_of)?;
        self.registers.existing(who).await?;
        // Annex 2 row 4(1): "during the last five years"; [A-5Y] ends them on the date asked.
        let from = domain::five_years_before(as_of);
        let dwellings = self.registers.dwellings(who, from, as_of).await?;
        Ok(exchange.answer(pb::ListDwellingsResponse {
            dwellings: dwellings
                .iter()
                .map(|(d, o)| pb::OwnedDwelling {
                    dwelling: Some(convert::dwelling(d)),
                    ownership: Some(convert::ownership(o)),
                })
                .collect(),
            looked_back_to: from.format("%Y-%m-%d").to_string(),
        }))
    }

    async fn get_state_tenancy(
        &self,
        request: Request<pb::GetStateTenancyRequest>,
    ) -> Answer<pb::GetStateTenancyResponse> {
        let exchange = Exchange::open(&request, method!("PropertyService", "GetStateTenancy"))?;
        let who = iin(&request.get_ref().iin, "iin")?;
        self.registers.existing(who).await?;
        let tenancy = self.registers.tenancy(who).await?;
        Ok(exchange.answer(pb::GetStateTenancyResponse { tenancy: tenancy.as_ref().map(convert::tenancy) }))
    }
}

#[tonic::async_trait]
impl pb::court_service_server::CourtService for Gateway {
    async fn list_court_decisions(
        &self,
        request: Request<pb::ListCourtDecisionsRequest>,
    ) -> Answer<pb::ListCourtDecisionsResponse> {
        let exchange = Exchange::open(&request, method!("CourtService", "ListCourtDecisions"))?;
        let who = iin(&request.get_ref().iin, "iin")?;
        let as_of = self.as_of(&request.get_ref().as_of)?;
        self.registers.existing(who).await?;
        let decisions = self.registers.court_decisions(who, as_of).await?;
        Ok(exchange
            .answer(pb::ListCourtDecisionsResponse { decisions: decisions.iter().map(convert::decision).collect() }))
    }
}

#[tonic::async_trait]
impl pb::social_status_service_server::SocialStatusService for Gateway {
    async fn get_social_status(
        &self,
        request: Request<pb::GetSocialStatusRequest>,
    ) -> Answer<pb::GetSocialStatusResponse> {
        let exchange = Exchange::open(&request, method!("SocialStatusService", "GetSocialStatus"))?;
        let who = iin(&request.get_ref().iin, "iin")?;
        let as_of = self.as_of(&request.get_ref().as_of)?;
        self.registers.existing(who).await?;
        let groups = self.registers.social_groups(who).await?;
        // [A-ORPHAN]: the register "holds orphan data" when it has any such record at all.
        let orphan_data_held = groups.iter().any(|g| domain::ORPHAN_GROUPS.contains(&g.code.as_str()));
        let groups = groups
            .iter()
            .filter(|g| g.since <= as_of && g.until.is_none_or(|u| u >= as_of))
            .map(convert::group)
            .collect();
        Ok(exchange.answer(pb::GetSocialStatusResponse { groups, orphan_data_held }))
    }

    async fn list_income(&self, request: Request<pb::ListIncomeRequest>) -> Answer<pb::ListIncomeResponse> {
        let exchange = Exchange::open(&request, method!("SocialStatusService", "ListIncome"))?;
        let who = iin(&request.get_ref().iin, "iin")?;
        let month = |value: &str, field: &str| -> Result<Option<NaiveDate>, ApiError> {
            if value.trim().is_empty() {
                return Ok(None);
            }
            NaiveDate::parse_from_str(&format!("{}-01", value.trim()), "%Y-%m-%d")
                .map(Some)
                .map_err(|_| ApiError::bad_field("MONTH_INVALID", field, "a month is written YYYY-MM"))
        };
        let today = self.today();
        let this_month = today.with_day(1).unwrap_or(today);
        let to = month(&request.get_ref().to_month, "to_month")?
            .unwrap_or_else(|| this_month.checked_sub_months(chrono::Months::new(1)).unwrap_or(this_month));
        let from = month(&request.get_ref().from_month, "from_month")?
            .unwrap_or_else(|| to.checked_sub_months(chrono::Months::new(5)).unwrap_or(to));
        if from > to {
            return Err(ApiError::bad_field("MONTH_RANGE_INVALID", "from_month", "after to_month").into());
        }
        self.registers.existing(who).await?;
        let mut people = vec![who];
        people.extend(
            self.family(who)
                .await?
                .into_iter()
                .filter(|(_, r)| matches!(r, family::Relation::Spouse | family::Relation::Child))
                .map(|(m, _)| m),
        );
        let (from, to) = (from.format("%Y-%m").to_string(), to.format("%Y-%m").to_string());
        let incomes = self.registers.incomes(&people, &from, &to).await?;
        Ok(exchange.answer(pb::ListIncomeResponse { incomes: incomes.iter().map(convert::income).collect() }))
    }
}

#[tonic::async_trait]
impl pb::employment_service_server::EmploymentService for Gateway {
    async fn get_employment(&self, request: Request<pb::GetEmploymentRequest>) -> Answer<pb::GetEmploymentResponse> {
        let exchange = Exchange::open(&request, method!("EmploymentService", "GetEmployment"))?;
        let who = iin(&request.get_ref().iin, "iin")?;
        self.registers.existing(who).await?;
        let employments = self.registers.employments(who).await?;
        Ok(exchange
            .answer(pb::GetEmploymentResponse { employments: employments.iter().map(convert::employment).collect() }))
    }
}

#[tonic::async_trait]
impl pb::meta_service_server::MetaService for Gateway {
    async fn allowed_methods(&self, request: Request<pb::AllowedMethodsRequest>) -> Answer<pb::AllowedMethodsResponse> {
        let principal = Principal::of(&request);
        let methods = access::allowed_paths(&self.grants, principal.subsystem, self.profile);
        Ok(Response::new(pb::AllowedMethodsResponse { client: principal.subsystem.to_string(), methods }))
    }
}

/// The most people a seeding may ask for.
pub const MAX_SEED_PERSONS: i32 = 100_000;

#[tonic::async_trait]
impl pb::admin_service_server::AdminService for Gateway {
    async fn load_records(&self, request: Request<pb::LoadRecordsRequest>) -> Answer<pb::LoadRecordsResponse> {
        let principal = Principal::of(&request);
        let records = convert::records(request.into_inner())?;
        if records.is_empty() {
            return Err(ApiError::invalid_argument("RECORDS_REQUIRED", "nothing to load").into());
        }
        let count =
            self.registers.load(Command::new(principal, method!("AdminService", "LoadRecords")), records, None).await?;
        Ok(Response::new(pb::LoadRecordsResponse { records: count }))
    }

    async fn seed_population(&self, request: Request<pb::SeedPopulationRequest>) -> Answer<pb::SeedPopulationResponse> {
        let principal = Principal::of(&request);
        let pb::SeedPopulationRequest { seed, persons } = request.into_inner();
        if !(1..=MAX_SEED_PERSONS).contains(&persons) {
            return Err(ApiError::bad_field(
                "PERSONS_OUT_OF_RANGE",
                "persons",
                format!("from 1 to {MAX_SEED_PERSONS}"),
            )
            .into());
        }
        let answer = seed_population(&self.registers, principal, seed, usize::try_from(persons).unwrap_or(0)).await?;
        Ok(Response::new(answer))
    }

    async fn inject_fault(&self, _: Request<pb::InjectFaultRequest>) -> Answer<pb::InjectFaultResponse> {
        Err(ApiError::unimplemented(method!("AdminService", "InjectFault")).into())
    }

    async fn clear_faults(&self, _: Request<pb::ClearFaultsRequest>) -> Answer<pb::ClearFaultsResponse> {
        Err(ApiError::unimplemented(method!("AdminService", "ClearFaults")).into())
    }

    async fn get_issued_otp(&self, _: Request<pb::GetIssuedOtpRequest>) -> Answer<pb::GetIssuedOtpResponse> {
        Err(ApiError::unimplemented(method!("AdminService", "GetIssuedOtp")).into())
    }
}

/// Seeds the population of `seed` unless it is there already.
pub async fn seed_population(
    registers: &Registers,
    principal: Principal,
    seed: u64,
    persons: usize,
) -> Result<pb::SeedPopulationResponse, ApiError> {
    if let Some((count, digest)) = registers.seeding(seed).await? {
        return Ok(pb::SeedPopulationResponse {
            persons: i32::try_from(count).unwrap_or(i32::MAX),
            digest,
            already_seeded: true,
        });
    }
    let population = seed::population(seed, persons);
    let digest = seed::digest(&population);
    let count = population.persons.len();
    registers
        .load(
            Command::new(principal, method!("AdminService", "SeedPopulation")),
            population,
            Some((seed, digest.clone())),
        )
        .await?;
    tracing::info!(seed, persons = count, %digest, "population seeded");
    Ok(pb::SeedPopulationResponse { persons: i32::try_from(count).unwrap_or(i32::MAX), digest, already_seeded: false })
}
