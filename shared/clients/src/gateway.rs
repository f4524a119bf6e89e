//! The gateway's typed client, as the housing services use it: every call carries the exchange
//! envelope of the case it serves (`x-egov-client`, `x-egov-message-id`, `x-egov-user-iin`,
//! `x-egov-case`, `x-egov-purpose`); the registers' reads are idempotent, so they are retried
//! with the same message id on UNAVAILABLE and the like.

use proto::egov::gateway::v1 as pb;
use tonic::metadata::MetadataValue;
use tonic::transport::Channel;
use tonic::{Request, Status};

use crate::{CallPolicy, ChannelPool};

/// The case a call serves: the envelope's case, purpose and end user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRef {
    /// The case's resource name, for example `registry/applications/42`.
    pub name: String,
    /// The legal purpose, for example `Annex 2 row 9`.
    pub purpose: String,
    /// The end user's IIN.
    pub user_iin: String,
}

/// The gateway's registers, called as one subsystem.
#[derive(Debug, Clone)]
pub struct GatewayClient {
    pool: ChannelPool,
    client: String,
    policy: CallPolicy,
}

macro_rules! reads {
    ($($(#[$doc:meta])* $name:ident: $client:ident :: $module:ident, $req:ident => $resp:ident;)+) => {
        $(
            $(#[$doc])*
            pub async fn $name(&self, case: &CaseRef, request: pb::$req) -> Result<pb::$resp, Status> {
                self.read(case, request, |channel, request| async move {
                    pb::$module::$client::new(channel).$name(request).await
                })
                .await
            }
        )+
    };
}

impl GatewayClient {
    /// A client calling through `pool` as the subsystem `client` (for example `registry`).
    pub fn new(pool: ChannelPool, client: &str, policy: CallPolicy) -> Self {
        GatewayClient { pool, client: client.to_owned(), policy }
    }

    reads! {
        /// A person's identity.
        get_person: IdentityServiceClient::identity_service_client, GetPersonRequest => GetPersonResponse;
        /// A person's identity documents.
        list_identity_documents: IdentityServiceClient::identity_service_client, ListIdentityDocumentsRequest => ListIdentityDocumentsResponse;
        /// A person's registered address.
        get_registered_address: IdentityServiceClient::identity_service_client, GetRegisteredAddressRequest => GetRegisteredAddressResponse;
        /// Everyone registered at an address.
        list_residents: IdentityServiceClient::identity_service_client, ListResidentsRequest => ListResidentsResponse;
        /// A person's family from the act records.
        get_family: CivilStatusServiceClient::civil_status_service_client, GetFamilyRequest => GetFamilyResponse;
        /// The act records naming a person.
        list_civil_records: CivilStatusServiceClient::civil_status_service_client, ListCivilRecordsRequest => ListCivilRecordsResponse;
        /// Dwellings owned in the last five years.
        list_dwellings: PropertyServiceClient::property_service_client, ListDwellingsRequest => ListDwellingsResponse;
        /// A state-fund tenancy.
        get_state_tenancy: PropertyServiceClient::property_service_client, GetStateTenancyRequest => GetStateTenancyResponse;
        /// Court decisions in force.
        list_court_decisions: CourtServiceClient::court_service_client, ListCourtDecisionsRequest => ListCourtDecisionsResponse;
        /// Social groups.
        get_social_status: SocialStatusServiceClient::social_status_service_client, GetSocialStatusRequest => GetSocialStatusResponse;
        /// Income by month.
        list_income: SocialStatusServiceClient::social_status_service_client, ListIncomeRequest => ListIncomeResponse;
        /// Employment.
        get_employment: EmploymentServiceClient::employment_service_client, GetEmploymentRequest => GetEmploymentResponse;
        /// Records a person's consent for a purpose: given again it stays one consent, so it is
        /// retried like a read.
        record_consent: ConsentServiceClient::consent_service_client, RecordConsentRequest => RecordConsentResponse;
        /// Verifies an EDS signature over a digest: a pure check, so retried like a read.
        verify_signature: SignatureServiceClient::signature_service_client, VerifySignatureRequest => VerifySignatureResponse;
        /// A certificate for the provider's own key: issued again on a retry, which costs one
        /// unused certificate and nothing else.
        issue_organization_certificate: SignatureServiceClient::signature_service_client, IssueOrganizationCertificateRequest => IssueOrganizationCertificateResponse;
        /// The authority's root certificate.
        get_authority_certificate: SignatureServiceClient::signature_service_client, GetAuthorityCertificateRequest => GetAuthorityCertificateResponse;
    }

    /// Verifies a one-time password: it is used up when right, so it is sent once, never
    /// retried (a retry would meet `OTP_RESULT_USED`).
    pub async fn verify_otp(
        &self,
        case: &CaseRef,
        request: pb::VerifyOtpRequest,
    ) -> Result<pb::VerifyOtpResponse, Status> {
        let mut outgoing = Request::new(request);
        outgoing.set_timeout(crate::deadline(self.policy.deadline));
        self.envelope(&mut outgoing, case, &uuid::Uuid::new_v4().to_string())?;
        pb::otp_service_client::OtpServiceClient::new(self.pool.get())
            .verify_otp(outgoing)
            .await
            .map(tonic::Response::into_inner)
    }

    /// One idempotent read: the same message id on every attempt, a deadline on each.
    async fn read<Req, Resp, F, Fut>(&self, case: &CaseRef, request: Req, call: F) -> Result<Resp, Status>
    where
        Req: Clone,
        F: Fn(Channel, Request<Req>) -> Fut,
        Fut: std::future::Future<Output = Result<tonic::Response<Resp>, Status>>,
    {
        // The same message id on every attempt: the gateway recognizes a retry.
        let message_id = uuid::Uuid::new_v4().to_string();
        crate::with_retries(&self.policy, || {
            let mut outgoing = Request::new(request.clone());
            outgoing.set_timeout(crate::deadline(self.policy.deadline));
            let prepared = self.envelope(&mut outgoing, case, &message_id).map(|()| call(self.pool.get(), outgoing));
            async move {
                let answer = prepared?.await;
                let outcome = match &answer {
                    Ok(_) => "OK".to_owned(),
                    Err(status) => format!("{:?}", status.code()),
                };
                platform::metrics::gateway_call(register::<Req>(), &outcome);
                answer.map(tonic::Response::into_inner)
            }
        })
        .await
    }

    fn envelope<T>(&self, request: &mut Request<T>, case: &CaseRef, message_id: &str) -> Result<(), Status> {
        let metadata = request.metadata_mut();
        for (key, value) in [
            ("x-egov-client", self.client.as_str()),
            ("x-egov-message-id", message_id),
            ("x-egov-user-iin", case.user_iin.as_str()),
            ("x-egov-case", case.name.as_str()),
            ("x-egov-purpose", case.purpose.as_str()),
        ] {
            let value = MetadataValue::try_from(value)
                .map_err(|_| Status::invalid_argument(format!("{key} must be ASCII text")))?;
            metadata.insert(key, value);
        }
        // The gateway's span joins the calling service's trace.
        platform::telemetry::inject(metadata);
        Ok(())
    }
}

/// The register a request reads, from its message type (`GetPersonRequest` -> `GetPerson`).
fn register<Req>() -> &'static str {
    let full = std::any::type_name::<Req>();
    let short = full.rsplit("::").next().unwrap_or(full);
    short.strip_suffix("Request").unwrap_or(short)
}
