//! `CreateApplication` (Annex 3 rows 4, 8, 9): an application certified with the applicant's EDS
//! over its signing digest ([A-SUB-EDS]), the lease as data ([A-LEASE]), accepted under the
//! registry's hours and next-working-day rule ([A-SUB-HOURS]) with a term of 3 working days.

use calendar::{Channel, DEFAULT_START};
use casework::fields;
use law::digest::Canonical;
use platform::store::{Command, request_hash};
use platform::{ApiError, Principal};
use proto::housing::common::v1 as common;
use proto::housing::subsidy::v1 as pb;
use tonic::Request;

use super::{DECIDE, Subsidy, application, application_name, calendar_error};
use crate::domain::{Stage, terms};
use crate::gather::PURPOSE;
use crate::reporting;
use crate::store::{self, Deadline, LeaseRow, NewApplication};
use casework::case::report_stage;

const METHOD: &str = "/kz.housing.subsidy.v1.RentSubsidyService/CreateApplication";
/// [A-SUB-HOURS]: the registry's schedule and after-hours rule.
const CHANNEL: Channel = Channel::OTBASYBANK_SUBSIDY;

fn lease(r: &pb::CreateApplicationRequest) -> Result<LeaseRow, ApiError> {
    let l =
        r.lease.clone().ok_or_else(|| ApiError::bad_field("LEASE_REQUIRED", "lease", "the lease as data [A-LEASE]"))?;
    let landlord = fields::iin(&l.landlord_iin, "lease.landlord_iin")?.to_string();
    let address = l.address.unwrap_or_default();
    let kato = fields::kato(&address.kato_code, "lease.address.kato_code")?;
    let line = fields::text(
        &format!("{} {} {}", address.street, address.building, address.apartment),
        "lease.address.street",
    )?;
    let rent = l.monthly_rent.map(|m| m.tiyn).unwrap_or_default();
    if rent <= 0 {
        return Err(ApiError::bad_field("RENT_INVALID", "lease.monthly_rent", "the monthly rent, more than zero tiyn"));
    }
    if l.area_decimetres <= 0 {
        return Err(ApiError::bad_field("AREA_INVALID", "lease.area_decimetres", "the living area, more than zero"));
    }
    if !(1..=30).contains(&l.family_size) {
        return Err(ApiError::bad_field("FAMILY_SIZE_INVALID", "lease.family_size", "1 to 30 people"));
    }
    let start = fields::date(&l.start_date, "lease.start_date")?;
    let end = fields::date(&l.end_date, "lease.end_date")?;
    if end <= start {
        return Err(ApiError::bad_field("LEASE_PERIOD_INVALID", "lease.end_date", "after the start"));
    }
    Ok(LeaseRow {
        landlord_iin: landlord,
        address: line,
        kato,
        area_decimetres: i64::from(l.area_decimetres),
        family_size: i64::from(l.family_size),
        rent_tiyn: rent,
        start: start.to_string(),
        end: end.to_string(),
    })
}

impl Subsidy {
    pub(super) async fn create(
        &self,
        request: Request<pb::CreateApplicationRequest>,
    ) -> Result<pb::CreateApplicationResponse, ApiError> {
        let principal = Principal::of(&request);
        let r = request.into_inner();
        let request_id = if r.validate_only { None } else { Some(fields::request_id(&r.request_id)?) };
        let applicant =
            fields::iin(r.applicant.as_ref().map(|p| p.iin.as_str()).unwrap_or_default(), "applicant.iin")?.to_string();
        if r.case_kind != pb::SubsidyCase::RentPrivateFund as i32 {
            return Err(ApiError::bad_field("CASE_KIND_REQUIRED", "case_kind", "SUBSIDY_CASE_RENT_PRIVATE_FUND"));
        }
        let lease = lease(&r)?;
        if lease.landlord_iin == applicant {
            return Err(ApiError::bad_field(
                "LANDLORD_IS_APPLICANT",
                "lease.landlord_iin",
                "the landlord is another person",
            ));
        }
        let mut c = Canonical::new("kz.housing.subsidy.v1.CreateApplication/1");
        c.put("applicant_iin", &applicant)
            .put("landlord_iin", &lease.landlord_iin)
            .put("kato", &lease.kato)
            .put("address", &lease.address);
        c.put("area_decimetres", &lease.area_decimetres.to_string()).put("family_size", &lease.family_size.to_string());
        c.put("monthly_rent_tiyn", &lease.rent_tiyn.to_string())
            .put("start_date", &lease.start)
            .put("end_date", &lease.end);
        let digest = c.digest();
        if let Some(id) = request_id
            && let Some(first) = self.db.replay::<pb::CreateApplicationResponse>(id, &request_hash(METHOD, &r)).await?
        {
            return Ok(first);
        }
        let case = clients::CaseRef {
            name: format!("subsidy/requests/{}", r.request_id.trim()),
            purpose: PURPOSE.into(),
            user_iin: applicant.clone(),
        };
        self.inputs.sources.person(&case, &applicant).await?;
        self.inputs.sources.person(&case, &lease.landlord_iin).await?;
        if r.validate_only {
            return Ok(pb::CreateApplicationResponse { application: None, signing_digest: digest });
        }
        // Annex 3 row 9: an application certified with an EDS; [A-SUB-EDS] (for ): a
        // one-time password alone is not accepted.
        let own = |c: &&common::Confirmation| c.signer.as_ref().is_some_and(|s| s.iin.trim() == applicant);
        let by_applicant: Vec<&common::Confirmation> = r.confirmations.iter().filter(own).collect();
        if !by_applicant.is_empty()
            && !by_applicant.iter().any(|c| matches!(c.method, Some(common::confirmation::Method::Eds(_))))
        {
            return Err(ApiError::failed_precondition("EDS_REQUIRED", "the application is certified with the applicant's EDS (Annex 3 row 9, [A-SUB-EDS]); a one-time password alone is not accepted")
                .precondition("CONFIRMATION", applicant.clone(), "an EDS over the signing digest"));
        }
        let required = [applicant.clone()];
        let verified = casework::confirm::verify(
            self.inputs.sources.gateway(),
            &case,
            &digest,
            &r.confirmations,
            &required,
            &required,
        )
        .await?;
        let serial =
            verified.iter().find(|v| v.method == "EDS").map(|v| v.certificate_serial.clone()).unwrap_or_default();
        let now = self.clock.now();
        let acceptance = CHANNEL
            .accept(&self.calendar, now)
            .map_err(calendar_error)?
            .ok_or_else(|| ApiError::internal("online around the clock"))?;
        let accepted_at = CHANNEL.accepted_at(&acceptance, now);
        let term = terms::DECISION;
        let due = self.calendar.due(acceptance.accepted_on, term.length, DEFAULT_START).map_err(calendar_error)?;
        let deadline = Deadline::of_term(term, "APPLICATION_ACCEPTED", accepted_at, due, "[A-SUB-HOURS]");
        let new = NewApplication {
            applicant_iin: applicant.clone(),
            certificate_serial: serial,
            lease,
            received_at: now,
            accepted_at,
            accepted_on: acceptance.accepted_on.to_string(),
            deadline,
        };
        // The sources are read before the transaction; if one does not answer, the DECIDE job
        // reads them when it is back.
        let gathered = if acceptance.deferred {
            None
        } else {
            let (l, day) = (&new.lease, acceptance.accepted_on);
            match self.inputs.read_sources(&case, &applicant, &l.landlord_iin, l.family_size, day).await {
                Ok(g) => Some(g),
                Err(e) => {
                    tracing::warn!(error = %e, "the sources did not answer; the application waits");
                    None
                }
            }
        };
        let why = if acceptance.deferred {
            format!("received after hours; accepted on {} ([A-SUB-HOURS])", acceptance.accepted_on)
        } else {
            format!("received and accepted on {} via {}", acceptance.accepted_on, reporting::CHANNEL)
        };
        let command = Command::new(principal, METHOD)
            .idempotent(request_id.ok_or_else(|| ApiError::internal("no request id"))?, request_hash(METHOD, &r));
        let committed = self
            .db
            .transact(command, move |tx| {
                Box::pin(async move {
                    let id = match store::insert_application(tx, &new, &why).await? {
                        Ok(id) => id,
                        Err(existing) => {
                            let name = application_name(existing);
                            return Err(ApiError::already_exists(
                                "OPEN_APPLICATION_EXISTS",
                                format!("the person already has an open or paying application: {name}"),
                            )
                            .meta("application", name));
                        }
                    };
                    let name = application_name(id);
                    let app = store::application_in(tx, id).await?.ok_or_else(|| ApiError::internal("just filed"))?;
                    report_stage(tx, &app.case(), Stage::Accepted, accepted_at).await?;
                    tx.audit(&name, &format!("application filed: {why}")).await?;
                    match gathered {
                        Some((facts, params)) => crate::app::decide::apply_facts(tx, &app, &facts, &params).await?,
                        None => tx.schedule(DECIDE, &name, accepted_at.max(tx.now())).await?,
                    }
                    let row = store::application_in(tx, id).await?.ok_or_else(|| ApiError::internal("just filed"))?;
                    let findings = store::findings_in(tx, id).await?;
                    Ok(pb::CreateApplicationResponse {
                        application: Some(application(&row, &findings, tx.now())),
                        signing_digest: digest,
                    })
                })
            })
            .await?;
        self.changed.notify_waiters();
        Ok(committed.response)
    }
}
