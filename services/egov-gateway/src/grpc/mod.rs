//! The gateway's gRPC services: thin handlers that open the exchange (envelope, hash), check the
//! request, ask the registers, and answer with the envelope echoed.

pub mod compliance;
pub mod convert;
pub mod documents;
pub mod envelope;
pub mod exchange;
pub mod operations;

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use platform::store::Command;
use platform::{ApiError, Clock, Principal, Profile};
use proto::egov::gateway::v1 as pb;
use tonic::{Request, Response, Status};

use crate::access::{self, Grants};
use crate::authority::{Authority, EvidenceKey};
use crate::domain::{self, family};
use crate::evidence::EvidenceLog;
use crate::faults::{Fault, Faults};
use crate::seed;
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
    authority: Arc<Authority>,
    evidence_key: EvidenceKey,
    evidence: EvidenceLog,
    faults: Faults,
    operations: operations::Operations,
}

/// The parts a gateway is built from.
#[derive(Debug)]
pub struct Parts {
    /// The registers.
    pub registers: Registers,
    /// The clock.
    pub clock: Clock,
    /// Who may call what.
    pub grants: Grants,
    /// The profile.
    pub profile: Profile,
    /// The certification authority.
    pub authority: Authority,
    /// The evidence key.
    pub evidence_key: EvidenceKey,
}

type Answer<T> = Result<Response<T>, Status>;

impl Gateway {
    /// The handlers, with the evidence writer started.
    pub fn new(parts: Parts) -> Self {
        let evidence = EvidenceLog::start(parts.registers.db().clone(), parts.evidence_key.clone());
        Gateway {
            registers: parts.registers,
            clock: parts.clock,
            grants: Arc::new(parts.grants),
            profile: parts.profile,
            authority: Arc::new(parts.authority),
            evidence_key: parts.evidence_key,
            evidence,
            faults: Faults::default(),
            operations: operations::Operations::default(),
        }
    }

    /// Opens an exchange: injected faults first, then the envelope.
    async fn open<T: prost::Message>(&self, request: &Request<T>, method: &str) -> Result<Exchange, ApiError> {
        self.faults.enter(method).await?;
        Exchange::open(request, method)
    }

    /// A portal reaches a person's own records only (their notifications, consents, processing
    /// log, one-time passwords): the person must be the exchange's end user, whom the identity
    /// layer has proven to be the token's person. The suite's services, an official serving the
    /// person and the development subsystem are not so bound (the first two are audited).
    fn own_records(request_principal: &Principal, exchange: &Exchange, person: kz_ids::Iin) -> Result<(), ApiError> {
        let p = request_principal;
        if p.subsystem.is_suite_workload() || p.subsystem == platform::Subsystem::Dev || p.official.is_some() {
            return Ok(());
        }
        if exchange.user_iin == Some(person) {
            return Ok(());
        }
        Err(ApiError::permission_denied(
            "NOT_THE_USER",
            "a portal reaches the records of its own user only: the person must be x-egov-user-iin",
        )
        .field("iin", "the exchange's end user"))
    }

    /// The person a restricted read is about: a valid IIN, an existing person, their consent for
    /// the calling service on record, checked in that order.
    async fn restricted(&self, exchange: &Exchange, iin_text: &str, method: &str) -> Result<kz_ids::Iin, ApiError> {
        let who = iin(iin_text, "iin")?;
        self.registers.existing(who).await?;
        self.consented(exchange, who, method).await?;
        Ok(who)
    }

    /// Whether the registers are to report no record for `method` (an injected fault).
    fn hidden(&self, method: &str) -> bool {
        self.faults.has(method, Fault::NoRecord)
    }

    /// Restricted-access data ([A-RESTRICTED]) are served only with the person's consent for
    /// the calling service on record (Personal Data Law Art. 8); family members' data need
    /// their own ([A-CONSENT-FAMILY]). The subsystem `dev` (dev profile only) needs none.
    async fn consented(&self, exchange: &Exchange, who: kz_ids::Iin, method: &str) -> Result<(), ApiError> {
        if exchange.client == platform::Subsystem::Dev.as_str() {
            return Ok(());
        }
        let withdrawn = self.faults.has(method, Fault::ConsentWithdrawn);
        let in_force = !withdrawn
            && self.registers.consent(who, &exchange.client).await?.is_some_and(|c| c.withdrawn_at.is_none());
        if in_force {
            return Ok(());
        }
        Err(ApiError::failed_precondition(
            "CONSENT_MISSING",
            format!("{who} has no consent on record for {} to process their restricted personal data", exchange.client),
        )
        .precondition(
            "CONSENT",
            who.to_string(),
            "Personal Data Law Art. 8: consent to restricted-access personal data is missing",
        )
        .meta("iin", who.to_string())
        .meta("purpose", exchange.client.clone()))
    }

    /// Concludes an exchange once its evidence (and the processing log of the people whose data
    /// were read) is durable: every exchange with a valid envelope is evidence, a refused or
    /// failed one too (its "response" is the error's code and reason).
    async fn conclude<R: prost::Message>(
        &self,
        exchange: &Exchange,
        method: &str,
        outcome: Result<(R, Vec<kz_ids::Iin>), ApiError>,
        fields: &[&str],
    ) -> Answer<R> {
        let now = self.clock.now();
        match outcome {
            Ok((response, people)) => {
                let people = people.iter().map(ToString::to_string).collect();
                self.evidence.record(exchange.evidence(method, &response, people, fields, now)).await?;
                Ok(exchange.answer(response))
            }
            Err(error) => {
                let summary = format!("error {:?} {}", error.code(), error.reason());
                self.evidence.record(exchange.evidence(method, &summary, Vec::new(), &[], now)).await?;
                Err(error.into())
            }
        }
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
        const M: &str = method!("IdentityService", "GetPerson");
        let exchange = self.open(&request, M).await?;
        let outcome: Result<(_, Vec<kz_ids::Iin>), ApiError> = async {
            let who = iin(&request.get_ref().iin, "iin")?;
            let person = self.registers.existing(who).await?;
            Ok((pb::GetPersonResponse { person: Some(convert::person(&person)) }, vec![who]))
        }
        .await;
        self.conclude(&exchange, M, outcome, &["identity"]).await
    }

    async fn list_identity_documents(
        &self,
        request: Request<pb::ListIdentityDocumentsRequest>,
    ) -> Answer<pb::ListIdentityDocumentsResponse> {
        const M: &str = method!("IdentityService", "ListIdentityDocuments");
        let exchange = self.open(&request, M).await?;
        let outcome: Result<(_, Vec<kz_ids::Iin>), ApiError> = async {
            let who = iin(&request.get_ref().iin, "iin")?;
            self.registers.existing(who).await?;
            let documents = if self.hidden(M) { Vec::new() } else { self.registers.documents(who).await? };
            let response =
                pb::ListIdentityDocumentsResponse { documents: documents.iter().map(convert::document).collect() };
            Ok((response, vec![who]))
        }
        .await;
        self.conclude(&exchange, M, outcome, &["identity_documents"]).await
    }

    async fn get_registered_address(
        &self,
        request: Request<pb::GetRegisteredAddressRequest>,
    ) -> Answer<pb::GetRegisteredAddressResponse> {
        const M: &str = method!("IdentityService", "GetRegisteredAddress");
        let exchange = self.open(&request, M).await?;
        let outcome: Result<(_, Vec<kz_ids::Iin>), ApiError> = async {
            let who = iin(&request.get_ref().iin, "iin")?;
            self.registers.existing(who).await?;
            let (periods, settlement) =
                if self.hidden(M) { (Vec::new(), None) } else { self.registers.addresses(who).await? };
            let current = periods.iter().find(|p| p.to.is_none()).map(convert::address);
            let history = periods.iter().filter(|p| p.to.is_some()).map(convert::address).collect();
            let response = pb::GetRegisteredAddressResponse {
                current,
                history,
                settlement: settlement.as_ref().map(convert::settlement),
            };
            Ok((response, vec![who]))
        }
        .await;
        self.conclude(&exchange, M, outcome, &["address"]).await
    }

    async fn list_residents(&self, request: Request<pb::ListResidentsRequest>) -> Answer<pb::ListResidentsResponse> {
        const M: &str = method!("IdentityService", "ListResidents");
        let exchange = self.open(&request, M).await?;
        let outcome: Result<(_, Vec<kz_ids::Iin>), ApiError> = async {
            let r = request.get_ref();
            let kato = r.kato.trim();
            if kato.len() != 9 || !kato.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ApiError::bad_field("KATO_INVALID", "kato", "a settlement code is nine digits"));
            }
            if r.street.trim().is_empty() || r.building.trim().is_empty() {
                return Err(ApiError::bad_field(
                    "FIELD_REQUIRED",
                    if r.street.trim().is_empty() { "street" } else { "building" },
                    "required",
                ));
            }
            // Registered addresses are not restricted data ([A-RESTRICTED]).
            let residents = if self.hidden(M) {
                Vec::new()
            } else {
                self.registers.residents(kato, r.street.trim(), r.building.trim(), r.apartment.trim()).await?
            };
            let people = residents.iter().map(|p| p.iin).collect();
            Ok((pb::ListResidentsResponse { residents: residents.iter().map(convert::address).collect() }, people))
        }
        .await;
        self.conclude(&exchange, M, outcome, &["address"]).await
    }
}

#[tonic::async_trait]
impl pb::civil_status_service_server::CivilStatusService for Gateway {
    async fn get_family(&self, request: Request<pb::GetFamilyRequest>) -> Answer<pb::GetFamilyResponse> {
        const M: &str = method!("CivilStatusService", "GetFamily");
        let exchange = self.open(&request, M).await?;
        let outcome: Result<(_, Vec<kz_ids::Iin>), ApiError> = async {
            let who = self.restricted(&exchange, &request.get_ref().iin, M).await?;
            let family = if self.hidden(M) { Vec::new() } else { self.family(who).await? };
            let mut members = Vec::new();
            for (member, relation) in family {
                let death_date = self.registers.person(member).await?.and_then(|p| p.death_date);
                members.push(pb::FamilyMember {
                    iin: member.to_string(),
                    relation: convert::relation(relation) as i32,
                    birth_date: member.birth_date().format("%Y-%m-%d").to_string(),
                    death_date: death_date.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default(),
                });
            }
            Ok((pb::GetFamilyResponse { members }, vec![who]))
        }
        .await;
        self.conclude(&exchange, M, outcome, &["civil_status.family"]).await
    }

    async fn list_civil_records(
        &self,
        request: Request<pb::ListCivilRecordsRequest>,
    ) -> Answer<pb::ListCivilRecordsResponse> {
        const M: &str = method!("CivilStatusService", "ListCivilRecords");
        let exchange = self.open(&request, M).await?;
        let outcome: Result<(_, Vec<kz_ids::Iin>), ApiError> = async {
            let kind = request.get_ref().kind;
            if pb::CivilRecordKind::try_from(kind).is_err() {
                return Err(ApiError::bad_field("KIND_INVALID", "kind", "not a CivilRecordKind"));
            }
            let who = self.restricted(&exchange, &request.get_ref().iin, M).await?;
            let records = if self.hidden(M) { Vec::new() } else { self.registers.civil_records(&[who]).await? };
            let records = records
                .iter()
                .filter(|r| kind == 0 || convert::record_kind(r.kind) as i32 == kind)
                .map(convert::record)
                .collect();
            Ok((pb::ListCivilRecordsResponse { records }, vec![who]))
        }
        .await;
        self.conclude(&exchange, M, outcome, &["civil_status.records"]).await
    }
}

#[tonic::async_trait]
impl pb::property_service_server::PropertyService for Gateway {
    async fn list_dwellings(&self, request: Request<pb::ListDwellingsRequest>) -> Answer<pb::ListDwellingsResponse> {
        const M: &str = method!("PropertyService", "ListDwellings");
        let exchange = self.open(&request, M).await?;
        let outcome: Result<(_, Vec<kz_ids::Iin>), ApiError> = async {
            let as_of = self.as_of(&request.get_ref().as_of)?;
            let who = self.restricted(&exchange, &request.get_ref().iin, M).await?;
            // Annex 2 row 4(1): "during the last five years"; [A-5Y] ends them on the date asked.
            let from = domain::five_years_before(as_of);
            let dwellings =
                if self.hidden(M) { Vec::new() } else { self.registers.dwellings(who, from, as_of).await? };
            let response = pb::ListDwellingsResponse {
                dwellings: dwellings
                    .iter()
                    .map(|(d, o)| pb::OwnedDwelling {
                        dwelling: Some(convert::dwelling(d)),
                        ownership: Some(convert::ownership(o)),
                    })
                    .collect(),
                looked_back_to: from.format("%Y-%m-%d").to_string(),
            };
            Ok((response, vec![who]))
        }
        .await;
        self.conclude(&exchange, M, outcome, &["property.dwellings"]).await
    }

    async fn get_state_tenancy(
        &self,
        request: Request<pb::GetStateTenancyRequest>,
    ) -> Answer<pb::GetStateTenancyResponse> {
        const M: &str = method!("PropertyService", "GetStateTenancy");
        let exchange = self.open(&request, M).await?;
        let outcome: Result<(_, Vec<kz_ids::Iin>), ApiError> = async {
            let who = self.restricted(&exchange, &request.get_ref().iin, M).await?;
            let tenancy = if self.hidden(M) { None } else { self.registers.tenancy(who).await? };
            let response = pb::GetStateTenancyResponse { tenancy: tenancy.as_ref().map(convert::tenancy) };
            Ok((response, vec![who]))
        }
        .await;
        self.conclude(&exchange, M, outcome, &["property.tenancy"]).await
    }
}

#[tonic::async_trait]
impl pb::court_service_server::CourtService for Gateway {
    async fn list_court_decisions(
        &self,
        request: Request<pb::ListCourtDecisionsRequest>,
    ) -> Answer<pb::ListCourtDecisionsResponse> {
        const M: &str = method!("CourtService", "ListCourtDecisions");
        let exchange = self.open(&request, M).await?;
        let outcome: Result<(_, Vec<kz_ids::Iin>), ApiError> = async {
            let as_of = self.as_of(&request.get_ref().as_of)?;
            let who = self.restricted(&exchange, &request.get_ref().iin, M).await?;
            let decisions =
                if self.hidden(M) { Vec::new() } else { self.registers.court_decisions(who, as_of).await? };
            let response =
                pb::ListCourtDecisionsResponse { decisions: decisions.iter().map(convert::decision).collect() };
            Ok((response, vec![who]))
        }
        .await;
        self.conclude(&exchange, M, outcome, &["court_decisions"]).await
    }
}

#[tonic::async_trait]
impl pb::social_status_service_server::SocialStatusService for Gateway {
    async fn get_social_status(
        &self,
        request: Request<pb::GetSocialStatusRequest>,
    ) -> Answer<pb::GetSocialStatusResponse> {
        const M: &str = method!("SocialStatusService", "GetSocialStatus");
        let exchange = self.open(&request, M).await?;
        let outcome: Result<(_, Vec<kz_ids::Iin>), ApiError> = async {
            let as_of = self.as_of(&request.get_ref().as_of)?;
            let who = self.restricted(&exchange, &request.get_ref().iin, M).await?;
            let groups = if self.hidden(M) { Vec::new() } else { self.registers.social_groups(who).await? };
            // [A-ORPHAN]: the register "holds orphan data" when it has any such record at all.
            let orphan_data_held = groups.iter().any(|g| domain::ORPHAN_GROUPS.contains(&g.code.as_str()));
            let groups = groups
                .iter()
                .filter(|g| g.since <= as_of && g.until.is_none_or(|u| u >= as_of))
                .map(convert::group)
                .collect();
            Ok((pb::GetSocialStatusResponse { groups, orphan_data_held }, vec![who]))
        }
        .await;
        self.conclude(&exchange, M, outcome, &["social_status"]).await
    }

    async fn list_income(&self, request: Request<pb::ListIncomeRequest>) -> Answer<pb::ListIncomeResponse> {
        const M: &str = method!("SocialStatusService", "ListIncome");
        let exchange = self.open(&request, M).await?;
        let outcome: Result<(_, Vec<kz_ids::Iin>), ApiError> = async {
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
                return Err(ApiError::bad_field("MONTH_RANGE_INVALID", "from_month", "after to_month"));
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
            // [A-CONSENT-FAMILY]: the spouse's and children's income needs their own consent.
            for person in &people {
                self.consented(&exchange, *person, M).await?;
            }
            let (from, to) = (from.format("%Y-%m").to_string(), to.format("%Y-%m").to_string());
            let incomes = if self.hidden(M) { Vec::new() } else { self.registers.incomes(&people, &from, &to).await? };
            let response = pb::ListIncomeResponse { incomes: incomes.iter().map(convert::income).collect() };
            Ok((response, people))
        }
        .await;
        self.conclude(&exchange, M, outcome, &["income"]).await
    }
}

#[tonic::async_trait]
impl pb::employment_service_server::EmploymentService for Gateway {
    async fn get_employment(&self, request: Request<pb::GetEmploymentRequest>) -> Answer<pb::GetEmploymentResponse> {
        const M: &str = method!("EmploymentService", "GetEmployment");
        let exchange = self.open(&request, M).await?;
        let outcome: Result<(_, Vec<kz_ids::Iin>), ApiError> = async {
            let who = self.restricted(&exchange, &request.get_ref().iin, M).await?;
            let employments = if self.hidden(M) { Vec::new() } else { self.registers.employments(who).await? };
            let response =
                pb::GetEmploymentResponse { employments: employments.iter().map(convert::employment).collect() };
            Ok((response, vec![who]))
        }
        .await;
        self.conclude(&exchange, M, outcome, &["employment"]).await
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
        let answer =
            seed_population(&self.registers, principal, seed, usize::try_from(persons).unwrap_or(0), |_| {}).await?;
        Ok(Response::new(answer))
    }

    async fn start_seed_population(
        &self,
        request: Request<pb::StartSeedPopulationRequest>,
    ) -> Answer<pb::StartSeedPopulationResponse> {
        let principal = Principal::of(&request);
        let pb::StartSeedPopulationRequest { seed, persons } = request.into_inner();
        let persons =
            usize::try_from(persons).ok().filter(|p| (1..=operations::MAX_PERSONS).contains(p)).ok_or_else(|| {
                ApiError::bad_field("PERSONS_OUT_OF_RANGE", "persons", format!("from 1 to {}", operations::MAX_PERSONS))
            })?;
        let operation = self.operations.start(self.registers.clone(), self.clock.clone(), principal, seed, persons);
        Ok(Response::new(pb::StartSeedPopulationResponse { operation: Some(operation) }))
    }

    async fn get_seed_operation(
        &self,
        request: Request<pb::GetSeedOperationRequest>,
    ) -> Answer<pb::GetSeedOperationResponse> {
        let operation = self.operations.get(&request.get_ref().name)?.borrow().clone();
        Ok(Response::new(pb::GetSeedOperationResponse { operation: Some(operation) }))
    }

    type WatchSeedOperationStream = operations::Watching;

    async fn watch_seed_operation(
        &self,
        request: Request<pb::WatchSeedOperationRequest>,
    ) -> Answer<Self::WatchSeedOperationStream> {
        let watched = self.operations.get(&request.get_ref().name)?;
        Ok(Response::new(operations::watch(watched)))
    }

    async fn inject_fault(&self, request: Request<pb::InjectFaultRequest>) -> Answer<pb::InjectFaultResponse> {
        let pb::InjectFaultRequest { method, kind, latency, rate_per_mille } = request.into_inner();
        if !access::gateway_methods().iter().any(|(s, m)| format!("/{}.{s}/{m}", access::PACKAGE) == method) {
            return Err(ApiError::bad_field(
                "METHOD_UNKNOWN",
                "method",
                "a full method name of the gateway, /kz.egov.gateway.v1.Service/Method",
            )
            .into());
        }
        let fault = match pb::FaultKind::try_from(kind) {
            Ok(pb::FaultKind::Latency) => {
                let latency = latency
                    .ok_or_else(|| ApiError::bad_field("LATENCY_REQUIRED", "latency", "required for LATENCY"))?;
                let d = std::time::Duration::try_from(latency)
                    .ok()
                    .filter(|d| !d.is_zero() && *d <= std::time::Duration::from_secs(60))
                    .ok_or_else(|| {
                        ApiError::bad_field("LATENCY_OUT_OF_RANGE", "latency", "above zero and at most 60 s")
                    })?;
                Fault::Latency(d)
            }
            Ok(pb::FaultKind::Unavailable) => {
                let rate = u32::try_from(rate_per_mille).ok().filter(|r| *r <= 1000).ok_or_else(|| {
                    ApiError::bad_field("RATE_OUT_OF_RANGE", "rate_per_mille", "from 0 (every call) to 1000")
                })?;
                Fault::Unavailable(if rate == 0 { 1000 } else { rate })
            }
            Ok(pb::FaultKind::NoRecord) => Fault::NoRecord,
            Ok(pb::FaultKind::RevokedCertificate) => Fault::RevokedCertificate,
            Ok(pb::FaultKind::ConsentWithdrawn) => Fault::ConsentWithdrawn,
            Ok(pb::FaultKind::Refused) => Fault::Refused,
            _ => return Err(ApiError::bad_field("FIELD_REQUIRED", "kind", "a FaultKind").into()),
        };
        tracing::warn!(%method, ?fault, "fault injected");
        Ok(Response::new(pb::InjectFaultResponse { fault_id: self.faults.inject(&method, fault) }))
    }

    async fn clear_faults(&self, _: Request<pb::ClearFaultsRequest>) -> Answer<pb::ClearFaultsResponse> {
        let cleared = i32::try_from(self.faults.clear()).unwrap_or(i32::MAX);
        Ok(Response::new(pb::ClearFaultsResponse { cleared }))
    }

    async fn get_issued_otp(&self, request: Request<pb::GetIssuedOtpRequest>) -> Answer<pb::GetIssuedOtpResponse> {
        let who = iin(&request.get_ref().iin, "iin")?;
        let digest = request.get_ref().digest.trim().to_owned();
        let code = self.registers.otp(who, &digest).await?.and_then(|o| o.dev_code).ok_or_else(|| {
            ApiError::not_found(
                "OTP_NOT_ISSUED",
                "no one-time password was issued in the dev profile for this IIN and digest",
            )
        })?;
        Ok(Response::new(pb::GetIssuedOtpResponse { code }))
    }
}

/// How many sample IINs a seeding answers.
const SAMPLES: usize = 5;

/// Seeds the population of `seed` unless it is there already, a batch of
/// [`seed::BATCH_PERSONS`] people at a time (each its own transaction, so memory holds one
/// batch, and every record an upsert, so a seeding cut short resumes when started again);
/// `progress` hears the people written after each batch. Answers its digest and a few of its
/// people (consenting ones, so that every register answers for them).
pub async fn seed_population(
    registers: &Registers,
    principal: Principal,
    seed: u64,
    persons: usize,
    mut progress: impl FnMut(usize),
) -> Result<pb::SeedPopulationResponse, ApiError> {
    let mut batches = seed::batches(seed, persons, seed::BATCH_PERSONS).peekable();
    // The first people are in the first batch.
    let sample_iins: Vec<String> = batches.peek().map(samples).unwrap_or_default();
    if let Some((count, digest)) = registers.seeding(seed).await? {
        return Ok(pb::SeedPopulationResponse {
            persons: i32::try_from(count).unwrap_or(i32::MAX),
            digest,
            already_seeded: true,
            sample_iins,
        });
    }
    let mut digest = seed::PopulationDigest::default();
    let mut written = 0;
    while let Some(batch) = batches.next() {
        digest.update(&batch);
        written += batch.persons.len();
        let last = batches.peek().is_none();
        let seeding = last.then(|| (seed, digest.clone().finish(), written));
        let command = Command::new(principal.clone(), method!("AdminService", "SeedPopulation"));
        registers.load(command, batch, seeding).await?;
        progress(written);
    }
    let digest = digest.finish();
    tracing::info!(seed, persons = written, %digest, "population seeded");
    Ok(pb::SeedPopulationResponse {
        persons: i32::try_from(written).unwrap_or(i32::MAX),
        digest,
        already_seeded: false,
        sample_iins,
    })
}

/// The first people of a batch who consent to every purpose.
fn samples(batch: &domain::Records) -> Vec<String> {
    batch
        .persons
        .iter()
        .filter(|p| batch.consents.iter().filter(|(i, _)| *i == p.iin).count() == domain::CONSENT_PURPOSES.len())
        .take(SAMPLES)
        .map(|p| p.iin.to_string())
        .collect()
}
