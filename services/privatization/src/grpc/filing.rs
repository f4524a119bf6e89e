//! `CreateApplication` (Annex 1 rows 3, 8, 9; PR cl. 4): an application through the portal or a
//! State Corporation office, confirmed by the tenant and every adult family member over its
//! signing digest, with only the documents the state systems do not hold; intake checks the
//! state systems' data at once (row 10(2)-(5)), and the commission's term starts at acceptance.

use calendar::{Channel, DEFAULT_START, OfficeHours};
use casework::confirm;
use law::RefusalGround as _;
use law::digest::Canonical;
use platform::store::{Command, request_hash};
use platform::{ApiError, Principal};
use proto::housing::common::v1 as common;
use proto::housing::privatization::v1 as pb;
use tonic::Request;

use super::convert::{self, Parts, application_name};
use super::{Privatization, calendar_error};
use crate::domain::documents::{self, Claims, Declared, Need, Relation};
use crate::domain::intake;
use crate::domain::{Fund, Stage, fund, offices};
use crate::gather::PURPOSE;
use crate::reporting;
use crate::store::{self, Deadline, FindingRow, NewApplication};
use casework::case::{enter_stage, report_stage};

const METHOD: &str = "/kz.housing.privatization.v1.PrivatizationService/CreateApplication";

/// The version line of the signing digest's encoding.
const DIGEST_HEADER: &str = "kz.housing.privatization.v1.CreateApplication/1";

/// [A-AKIMAT-HOURS]: the portal's after-hours rule (row 8(3)) uses the akimat's hours.
const PORTAL: Channel = Channel::egov_portal(OfficeHours::AKIMAT_DEFAULT);

/// A request checked for shape.
struct Filing {
    applicant: String,
    representative: Option<(String, String)>,
    channel: &'static str,
    office: Option<&'static offices::Office>,
    dwelling_id: String,
    fund: Fund,
    declared: Vec<Declared>,
    claims: Claims,
    documents: Vec<(String, String, String, Vec<u8>)>,
    digest: String,
}

impl Privatization {
    pub(super) async fn create(
        &self,
        request: Request<pb::CreateApplicationRequest>,
    ) -> Result<pb::CreateApplicationResponse, ApiError> {
        let principal = Principal::of(&request);
        let r = request.into_inner();
        let request_id = if r.validate_only { None } else { Some(convert::request_id(&r.request_id)?) };
        let filing = self.check_shape(&r)?;
        if let Some(id) = request_id
            && let Some(first) = self.db.replay::<pb::CreateApplicationResponse>(id, &request_hash(METHOD, &r)).await?
        {
            return Ok(first);
        }
        let case = clients::CaseRef {
            name: format!("privatization/requests/{}", r.request_id.trim()),
            purpose: PURPOSE.into(),
            user_iin: filing.applicant.clone(),
        };
        self.state.person(&case, &filing.applicant).await?;
        if let Some((rep, _)) = &filing.representative {
            self.state.person(&case, rep).await?;
        }
        for m in &filing.declared {
            self.state.person(&case, &m.iin).await?;
        }
        let now = self.clock.now();
        // Annex 1 row 8: the portal around the clock with the next-working-day rule; an office
        // only within its hours (AT-15).
        let channel = filing.office.map_or(PORTAL, |o| o.channel());
        let acceptance = channel.accept(&self.calendar, now).map_err(calendar_error)?.ok_or_else(|| {
            let office = filing.office.map(|o| o.id).unwrap_or_default();
            ApiError::failed_precondition(
                "OFFICE_CLOSED",
                format!("the State Corporation office {office} is closed now (Annex 1 row 8(2))"),
            )
            .precondition(
                "OFFICE_HOURS",
                office,
                "Mon-Fri 9:00-18:00; duty departments to 20:00 and Saturdays 9:00-13:00",
            )
        })?;
        let gathered = self.state.gather(&case, &filing.applicant, &filing.declared, acceptance.accepted_on).await?;
        let consent = gathered.facts.consent_missing.is_empty();
        // Without consent nothing restricted could be read: only the documents always asked are.
        let needs = if consent {
            documents::needs(&filing.declared, &gathered.held, filing.claims)
        } else {
            documents::needs(&[], &documents::Held::default(), Claims::default())
        };
        let signer = filing.representative.as_ref().map_or(filing.applicant.clone(), |(i, _)| i.clone());
        let confirmers = documents::confirmers(&signer, &filing.declared, &gathered.held, acceptance.accepted_on);
        if r.validate_only {
            return Ok(pb::CreateApplicationResponse {
                application: None,
                signing_digest: filing.digest,
                confirmers: confirmers.iter().map(|iin| common::PersonRef { iin: iin.clone() }).collect(),
                documents_needed: needs.iter().map(need_out).collect(),
            });
        }
        let kinds: Vec<&str> = filing.documents.iter().map(|d| d.0.as_str()).collect();
        let unmet = documents::unmet(&needs, &kinds);
        if !unmet.is_empty() {
            // [A-INCOMPLETE], for: refused at the door, nothing is created.
            let mut e = ApiError::failed_precondition(
                "DOCUMENTS_INCOMPLETE",
                "the application lacks documents of Annex 1 row 9",
            );
            for n in &unmet {
                e = e.precondition("DOCUMENT_MISSING", n.kinds.join(" or "), format!("{}: {}", n.clause, n.reason));
            }
            return Err(e);
        }
        let mut allowed = confirmers.clone();
        allowed.push(filing.applicant.clone());
        let verified =
            confirm::verify(self.state.gateway(), &case, &filing.digest, &r.confirmations, &confirmers, &allowed)
                .await?;
        let accepted_at = channel.accepted_at(&acceptance, now);
        let (term, event, clause) =
            fund::term(filing.fund, fund::Stage::Accepted).ok_or_else(|| ApiError::internal("no term"))?;
        let due = self.calendar.due(acceptance.accepted_on, term, DEFAULT_START).map_err(calendar_error)?;
        let deadline = Deadline::new(term, event, accepted_at, due, clause);
        let checked = intake::check(&gathered.facts, &filing.dwelling_id, filing.fund);
        let refusal = intake::refusal(&checked).map(|(ground, code)| (ground, code.to_owned()));
        let findings: Vec<FindingRow> = checked
            .into_iter()
            .map(|f| FindingRow {
                code: f.code.into(),
                ground: f.ground.map(|g| g.code().into()),
                source: "gateway".into(),
                person_iin: if f.person_iin.is_empty() { filing.applicant.clone() } else { f.person_iin },
                occurred_on: None,
                detail: f.detail,
            })
            .collect();
        let settlement =
            gathered.settlement_kato.clone().or(filing.office.map(|o| o.kato.to_owned())).unwrap_or_default();
        let new = NewApplication {
            applicant_iin: filing.applicant.clone(),
            representative: filing
                .representative
                .clone()
                .map(|(iin, reference)| (iin, "POWER_OF_ATTORNEY".into(), reference)),
            channel: filing.channel.into(),
            office_id: filing.office.map(|o| o.id.to_owned()),
            dwelling_id: filing.dwelling_id.clone(),
            fund_kind: filing.fund.code().into(),
            settlement_kato: settlement,
            received_at: now,
            accepted_at,
            accepted_on: acceptance.accepted_on.to_string(),
            deadline,
            documents: filing.documents,
            confirmed: verified
                .iter()
                .map(|v| (v.signer_iin.clone(), format!("{}:{}", v.method, v.certificate_serial)))
                .collect(),
        };
        let why = match (filing.office, acceptance.deferred) {
            (Some(o), _) => format!(
                "accepted at the State Corporation office {} on {} [A-SC-TRANSIT]",
                o.id, acceptance.accepted_on
            ),
            (None, true) => format!(
                "received on the portal after hours; accepted on {} (Annex 1 row 8(3), [A-START-ACCEPT])",
                acceptance.accepted_on
            ),
            (None, false) => format!("received and accepted on the portal on {}", acceptance.accepted_on),
        };
        let command = Command::new(principal, METHOD)
            .idempotent(request_id.ok_or_else(|| ApiError::internal("no request id"))?, request_hash(METHOD, &r));
        let digest = filing.digest.clone();
        let committed = self
            .db
            .transact(command, move |tx| {
                Box::pin(async move {
                    let id = match store::insert_application(tx, &new, &why).await? {
                        Ok(id) => id,
                        Err((existing, stage)) => return Err(collision(existing, stage)),
                    };
                    let name = application_name(id);
                    store::add_findings(tx, id, &findings).await?;
                    let app = store::application_in(tx, id).await?.ok_or_else(|| ApiError::internal("just filed"))?;
                    let mut case = app.case();
                    report_stage(tx, &case, Stage::Accepted, accepted_at).await?;
                    tx.audit(&name, &format!("application filed: {why}")).await?;
                    if let Some((ground, code)) = &refusal {
                        store::set_refusal(tx, id, Some((ground.code(), code.as_str()))).await?;
                        let why = format!(
                            "refused at intake from the state systems' data: {} {code} ({})",
                            ground.code(),
                            ground.clause()
                        );
                        enter_stage(tx, &mut case, Stage::Refused, &why, None, &why).await?;
                        tx.enqueue(reporting::result_notice(
                            &name,
                            &new.applicant_iin,
                            reporting::refusal_text(&app.business_id, *ground),
                        ))
                        .await?;
                    }
                    let row = store::application_in(tx, id).await?.ok_or_else(|| ApiError::internal("just filed"))?;
                    let parts = Parts {
                        findings,
                        family: new.confirmed.iter().map(|(iin, _)| iin.clone()).collect(),
                        document_kinds: new.documents.iter().map(|d| d.0.clone()).collect(),
                    };
                    Ok(pb::CreateApplicationResponse {
                        application: Some(convert::application(&row, &parts, tx.now())),
                        signing_digest: digest,
                        confirmers: Vec::new(),
                        documents_needed: Vec::new(),
                    })
                })
            })
            .await?;
        self.changed.notify_waiters();
        Ok(committed.response)
    }

    fn check_shape(&self, r: &pb::CreateApplicationRequest) -> Result<Filing, ApiError> {
        let mut problems: Vec<(String, String, String)> = Vec::new();
        let mut note = |e: ApiError| {
            let reason = e.reason().to_owned();
            for (field, description) in e.fields() {
                problems.push((reason.clone(), field, description));
            }
        };
        let applicant = convert::iin(r.applicant.as_ref().map(|p| p.iin.as_str()).unwrap_or_default(), "applicant.iin")
            .map_err(&mut note)
            .ok();
        let representative = r.representative.as_ref().and_then(|rep| {
            let iin = convert::iin(
                rep.person.as_ref().map(|p| p.iin.as_str()).unwrap_or_default(),
                "representative.person.iin",
            )
            .map_err(&mut note)
            .ok();
            // Annex 1: a representative acts under a power of attorney.
            if rep.basis != common::RepresentationBasis::PowerOfAttorney as i32 {
                note(ApiError::bad_field(
                    "REPRESENTATION_BASIS_INVALID",
                    "representative.basis",
                    "REPRESENTATION_BASIS_POWER_OF_ATTORNEY",
                ));
            }
            let reference =
                convert::text(&rep.basis_reference, "representative.basis_reference").map_err(&mut note).ok();
            Some((iin?.to_string(), reference?))
        });
        let (channel, office) = match pb::Channel::try_from(r.channel) {
            Ok(pb::Channel::Portal) => ("PORTAL", None),
            Ok(pb::Channel::StateCorporation) => match offices::find(r.office_id.trim()) {
                Some(o) => ("STATE_CORPORATION", Some(o)),
                None => {
                    let known = offices::OFFICES.iter().map(|o| o.id).collect::<Vec<_>>().join(", ");
                    note(ApiError::bad_field("OFFICE_UNKNOWN", "office_id", format!("one of {known}")));
                    ("STATE_CORPORATION", None)
                }
            },
            _ => {
                note(ApiError::bad_field("CHANNEL_REQUIRED", "channel", "CHANNEL_PORTAL or CHANNEL_STATE_CORPORATION"));
                ("PORTAL", None)
            }
        };
        let dwelling_id = convert::text(&r.dwelling_id, "dwelling_id").map_err(&mut note).ok();
        let fund = convert::fund(r.fund_kind).map_err(&mut note).ok();
        let mut declared = Vec::new();
        for (i, m) in r.family.iter().enumerate() {
            let at = |f: &str| format!("family[{i}].{f}");
            let iin = convert::iin(m.person.as_ref().map(|p| p.iin.as_str()).unwrap_or_default(), &at("person.iin"))
                .map_err(&mut note)
                .ok();
            let relation = Relation::parse(m.relation.trim());
            if relation.is_none() {
                note(ApiError::bad_field("RELATION_INVALID", at("relation"), "SPOUSE, CHILD or RECOGNIZED"));
            }
            let registered = if relation == Some(Relation::Spouse) {
                convert::date(&m.registered_on, &at("registered_on")).map_err(&mut note).ok()
            } else {
                iin.map(|i| i.birth_date())
            };
            if let (Some(iin), Some(relation), Some(registered_on)) = (iin, relation, registered) {
                declared.push(Declared { iin: iin.to_string(), relation, registered_on, born: iin.birth_date() });
            }
        }
        let c = r.claims.unwrap_or_default();
        let claims = Claims {
            gratuitous: c.gratuitous,
            free_of_charge_right: c.free_of_charge_right,
            service_dwelling: c.service_dwelling,
            cosmonaut: c.cosmonaut,
        };
        let docs = casework::documents::check(&r.documents, Some(documents::KINDS), self.limits, &mut note);
        if let Some((reason, _, _)) = problems.first() {
            let mut e = ApiError::invalid_argument(reason.clone(), "the application is not well formed");
            for (_, field, message) in &problems {
                e = e.field(field.clone(), message.clone());
            }
            return Err(e);
        }
        let (Some(applicant), Some(dwelling_id), Some(fund)) = (applicant, dwelling_id, fund) else {
            return Err(ApiError::internal("a checked filing lost a field"));
        };
        let applicant = applicant.to_string();
        let mut c = Canonical::new(DIGEST_HEADER);
        c.put("applicant_iin", &applicant);
        if let Some((iin, reference)) = &representative {
            c.put("representative_iin", iin).put("representative_reference", reference);
        }
        c.put("channel", channel).put("office_id", office.map(|o| o.id).unwrap_or_default());
        c.put("dwelling_id", &dwelling_id).put("fund_kind", fund.code());
        for m in &declared {
            c.put("member_iin", &m.iin)
                .put("member_relation", &format!("{:?}", m.relation))
                .put("member_registered_on", &m.registered_on.to_string());
        }
        for (name, on) in [
            ("gratuitous", claims.gratuitous),
            ("free_of_charge_right", claims.free_of_charge_right),
            ("service_dwelling", claims.service_dwelling),
            ("cosmonaut", claims.cosmonaut),
        ] {
            c.put(name, if on { "1" } else { "0" });
        }
        for (kind, _, sha, _) in &docs {
            c.put("document_kind", kind).put("document_sha256", sha);
        }
        Ok(Filing {
            applicant,
            representative,
            channel,
            office,
            dwelling_id,
            fund,
            declared,
            claims,
            documents: docs,
            digest: c.digest(),
        })
    }
}

fn need_out(n: &Need) -> pb::DocumentNeed {
    pb::DocumentNeed {
        kinds: n.kinds.iter().map(|k| (*k).to_owned()).collect(),
        clause: n.clause.into(),
        reason: n.reason.clone(),
    }
}

/// A second case on the same dwelling, refused at the door.
fn collision(existing: i64, stage: Stage) -> ApiError {
    let name = application_name(existing);
    let (reason, what) = if stage == Stage::Completed {
        ("ALREADY_PRIVATIZED", "the dwelling is already privatized")
    } else {
        ("OPEN_APPLICATION_EXISTS", "the dwelling already has an open application")
    };
    ApiError::already_exists(reason, format!("{what}: {name}")).meta("application", name)
}
