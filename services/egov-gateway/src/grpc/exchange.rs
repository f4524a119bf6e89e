//! The exchange services: consent, signatures, one-time passwords, notifications, monitoring,
//! and the evidence and processing logs.

use chrono::{DateTime, NaiveDate, Utc};
use platform::store::Command;
use platform::{ApiError, Principal};
use prost::Message as _;
use proto::egov::gateway::v1 as pb;
use proto::housing::common::v1::LocalizedText;
use sha2::{Digest, Sha256};
use tonic::{Request, Response};

use super::convert::iin;
use super::{Answer, Gateway};
use crate::authority::{self, Verdict};
use crate::evidence;
use crate::exchange_store::{OtpRow, PURPOSES};
use crate::faults::Fault;

macro_rules! method {
    ($service:literal, $method:literal) => {
        concat!("/kz.egov.gateway.v1.", $service, "/", $method)
    };
}

pub(crate) fn timestamp(t: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp { seconds: t.timestamp(), nanos: i32::try_from(t.timestamp_subsec_nanos()).unwrap_or(0) }
}

fn purpose(value: &str) -> Result<String, ApiError> {
    let value = value.trim();
    if !PURPOSES.contains(&value) {
        return Err(ApiError::bad_field("PURPOSE_UNKNOWN", "purpose", format!("one of: {}", PURPOSES.join(", "))));
    }
    Ok(value.to_owned())
}

fn digest_field(value: &str) -> Result<[u8; 32], ApiError> {
    authority::digest(value)
        .ok_or_else(|| ApiError::bad_field("DIGEST_INVALID", "digest", "a lowercase hex SHA-256, 64 characters"))
}

/// Page tokens are offsets, written as decimal text.
fn page(page_size: i32, token: &str) -> Result<(i64, i64), ApiError> {
    let size = if page_size <= 0 { 50 } else { i64::from(page_size.min(500)) };
    let offset = if token.is_empty() {
        0
    } else {
        token.parse::<i64>().ok().filter(|o| *o >= 0).ok_or_else(|| {
            ApiError::bad_field("PAGE_TOKEN_INVALID", "page_token", "use the next_page_token of the last page")
        })?
    };
    Ok((size, offset))
}

fn next_token(offset: i64, size: i64, got: usize) -> String {
    if i64::try_from(got).unwrap_or(0) < size { String::new() } else { (offset + size).to_string() }
}

fn consent(row: Option<crate::exchange_store::ConsentRow>) -> Option<pb::Consent> {
    row.map(|c| pb::Consent {
        iin: c.iin,
        purpose: c.purpose,
        granted_time: Some(timestamp(c.granted_at)),
        withdrawn_time: c.withdrawn_at.map(timestamp),
    })
}

#[tonic::async_trait]
impl pb::consent_service_server::ConsentService for Gateway {
    async fn record_consent(&self, request: Request<pb::RecordConsentRequest>) -> Answer<pb::RecordConsentResponse> {
        const M: &str = method!("ConsentService", "RecordConsent");
        let exchange = self.open(&request, M).await?;
        let outcome: Result<(_, Vec<kz_ids::Iin>), ApiError> = async {
            let who = iin(&request.get_ref().iin, "iin")?;
            Self::own_records(&Principal::of(&request), &exchange, who)?;
            let what = purpose(&request.get_ref().purpose)?;
            self.registers.existing(who).await?;
            let row = self.registers.set_consent(Command::new(Principal::of(&request), M), who, &what, true).await?;
            Ok((pb::RecordConsentResponse { consent: consent(row) }, Vec::new()))
        }
        .await;
        self.conclude(&exchange, M, outcome, &[]).await
    }

    async fn withdraw_consent(
        &self,
        request: Request<pb::WithdrawConsentRequest>,
    ) -> Answer<pb::WithdrawConsentResponse> {
        const M: &str = method!("ConsentService", "WithdrawConsent");
        let exchange = self.open(&request, M).await?;
        let outcome: Result<(_, Vec<kz_ids::Iin>), ApiError> = async {
            let who = iin(&request.get_ref().iin, "iin")?;
            // Only the person may withdraw their consent.
            Self::own_records(&Principal::of(&request), &exchange, who)?;
            let what = purpose(&request.get_ref().purpose)?;
            self.registers.existing(who).await?;
            let row = self.registers.set_consent(Command::new(Principal::of(&request), M), who, &what, false).await?;
            Ok((pb::WithdrawConsentResponse { consent: consent(row) }, Vec::new()))
        }
        .await;
        self.conclude(&exchange, M, outcome, &[]).await
    }

    async fn check_consent(&self, request: Request<pb::CheckConsentRequest>) -> Answer<pb::CheckConsentResponse> {
        const M: &str = method!("ConsentService", "CheckConsent");
        let exchange = self.open(&request, M).await?;
        let outcome: Result<(_, Vec<kz_ids::Iin>), ApiError> = async {
            let who = iin(&request.get_ref().iin, "iin")?;
            let what = purpose(&request.get_ref().purpose)?;
            self.registers.existing(who).await?;
            let row = if self.faults.has(M, Fault::ConsentWithdrawn) {
                None
            } else {
                self.registers.consent(who, &what).await?
            };
            let granted = row.as_ref().is_some_and(|c| c.withdrawn_at.is_none());
            Ok((pb::CheckConsentResponse { granted, consent: consent(row) }, vec![who]))
        }
        .await;
        self.conclude(&exchange, M, outcome, &["consent"]).await
    }
}

impl Gateway {
    /// Issues a certificate to `who` (a person, or an organization's key), valid from now,
    /// and keeps it on record.
    async fn issue_certificate(&self, command: Command, to: Holder<'_>) -> Result<authority::Issued, ApiError> {
        let now = self.clock.now();
        let issued = match to {
            Holder::Person(who) => self.authority.issue(who, now),
            Holder::Organization { bin, name, key } => self.authority.issue_organization(bin, name, key),
        }
        .map_err(|e| ApiError::internal(format!("issuing a certificate: {e}")))?;
        self.registers
            .store_certificate(command, &issued.serial, &issued.holder, issued.encoded.clone(), issued.not_after)
            .await?;
        Ok(issued)
    }
}

/// Whom a certificate is issued to.
enum Holder<'a> {
    Person(kz_ids::Iin),
    Organization { bin: &'a str, name: &'a str, key: pki::VerifyingKey },
}

/// A BIN: 12 digits (the checksum is the business register's to keep).
fn bin_field(value: &str) -> Result<&str, ApiError> {
    let bin = value.trim();
    if bin.len() == 12 && bin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(bin)
    } else {
        Err(ApiError::bad_field("BIN_INVALID", "bin", "12 digits"))
    }
}

#[tonic::async_trait]
impl pb::signature_service_server::SignatureService for Gateway {
    async fn issue_certificate(
        &self,
        request: Request<pb::IssueCertificateRequest>,
    ) -> Answer<pb::IssueCertificateResponse> {
        const M: &str = method!("SignatureService", "IssueCertificate");
        let exchange = self.open(&request, M).await?;
        let outcome: Result<(_, Vec<kz_ids::Iin>), ApiError> = async {
            let who = iin(&request.get_ref().iin, "iin")?;
            self.registers.existing(who).await?;
            let issued = self.issue_certificate(Command::new(Principal::of(&request), M), Holder::Person(who)).await?;
            let response = pb::IssueCertificateResponse { certificate: issued.encoded, serial: issued.serial };
            Ok((response, Vec::new()))
        }
        .await;
        self.conclude(&exchange, M, outcome, &[]).await
    }

    async fn sign_digest(&self, request: Request<pb::SignDigestRequest>) -> Answer<pb::SignDigestResponse> {
        const M: &str = method!("SignatureService", "SignDigest");
        let exchange = self.open(&request, M).await?;
        let outcome: Result<(_, Vec<kz_ids::Iin>), ApiError> = async {
            let who = iin(&request.get_ref().iin, "iin")?;
            let digest = digest_field(&request.get_ref().digest)?;
            self.registers.existing(who).await?;
            let now = self.clock.now();
            // A certificate of an earlier format on record is not this authority's any more.
            let current = self.registers.current_certificate(who, now).await?;
            let certificate = match current.filter(|c| self.authority.read(c).is_some()) {
                Some(encoded) => encoded,
                None => {
                    let command = Command::new(Principal::of(&request), M);
                    self.issue_certificate(command, Holder::Person(who)).await?.encoded
                }
            };
            let signature = self
                .authority
                .sign(who, &digest, &certificate, now)
                .map_err(|e| ApiError::internal(format!("signing: {e}")))?;
            let response = pb::SignDigestResponse { certificate, signature };
            Ok((response, Vec::new()))
        }
        .await;
        self.conclude(&exchange, M, outcome, &[]).await
    }

    async fn verify_signature(
        &self,
        request: Request<pb::VerifySignatureRequest>,
    ) -> Answer<pb::VerifySignatureResponse> {
        const M: &str = method!("SignatureService", "VerifySignature");
        let exchange = self.open(&request, M).await?;
        let outcome: Result<(_, Vec<kz_ids::Iin>), ApiError> = async {
            let digest = digest_field(&request.get_ref().digest)?;
            let now = self.clock.now();
            let r = request.get_ref();
            let verdict = self.authority.verify(&r.certificate, &r.signature, &digest, now);
            let (result, signer, serial) = match verdict {
                Verdict::Unknown => (pb::VerificationResult::Unknown, String::new(), String::new()),
                Verdict::Expired(who, serial) => (pb::VerificationResult::Expired, who, serial),
                Verdict::InvalidSignature(who, serial) => (pb::VerificationResult::InvalidSignature, who, serial),
                Verdict::Valid(who, serial) => {
                    let revoked = self.faults.has(M, Fault::RevokedCertificate)
                        || self
                            .registers
                            .certificate(&serial)
                            .await?
                            .is_some_and(|(_, _, revoked)| revoked.is_some_and(|at| at <= now));
                    let result = if revoked { pb::VerificationResult::Revoked } else { pb::VerificationResult::Valid };
                    (result, who, serial)
                }
            };
            let response = pb::VerifySignatureResponse {
                result: result as i32,
                signer_iin: signer,
                verified_time: Some(timestamp(now)),
                serial,
            };
            Ok((response, Vec::new()))
        }
        .await;
        self.conclude(&exchange, M, outcome, &[]).await
    }

    async fn issue_organization_certificate(
        &self,
        request: Request<pb::IssueOrganizationCertificateRequest>,
    ) -> Answer<pb::IssueOrganizationCertificateResponse> {
        const M: &str = method!("SignatureService", "IssueOrganizationCertificate");
        // An organization's own request: there is no end user to name.
        self.faults.enter(M).await?;
        let exchange = super::envelope::Exchange::open_delivery(&request, M)?;
        let outcome: Result<(_, Vec<kz_ids::Iin>), ApiError> = async {
            let r = request.get_ref();
            let bin = bin_field(&r.bin)?;
            let name = r.organization_name.trim();
            if name.is_empty() || name.len() > 200 || name.chars().any(|c| ",+\"\\<>;=#".contains(c)) {
                return Err(ApiError::bad_field(
                    "ORGANIZATION_NAME_INVALID",
                    "organization_name",
                    "1 to 200 bytes, without , + \" \\ < > ; = #",
                ));
            }
            let key = pki::VerifyingKey::from_sec1_bytes(&r.public_key).map_err(|_| {
                ApiError::bad_field("PUBLIC_KEY_INVALID", "public_key", "a P-256 public key, SEC1 encoded")
            })?;
            let holder = Holder::Organization { bin, name, key };
            let issued = self.issue_certificate(Command::new(Principal::of(&request), M), holder).await?;
            let response =
                pb::IssueOrganizationCertificateResponse { certificate: issued.encoded, serial: issued.serial };
            Ok((response, Vec::new()))
        }
        .await;
        self.conclude(&exchange, M, outcome, &[]).await
    }

    async fn get_authority_certificate(
        &self,
        _: Request<pb::GetAuthorityCertificateRequest>,
    ) -> Answer<pb::GetAuthorityCertificateResponse> {
        let der = self.authority.root_certificate().to_vec();
        let pem = pki::pem("CERTIFICATE", &der);
        Ok(Response::new(pb::GetAuthorityCertificateResponse { certificate: der, certificate_pem: pem }))
    }

    async fn revoke_certificate(
        &self,
        request: Request<pb::RevokeCertificateRequest>,
    ) -> Answer<pb::RevokeCertificateResponse> {
        const M: &str = method!("SignatureService", "RevokeCertificate");
        let exchange = self.open(&request, M).await?;
        let outcome: Result<(_, Vec<kz_ids::Iin>), ApiError> = async {
            let serial = request.get_ref().serial.trim().to_owned();
            let reason = request.get_ref().reason.trim().to_owned();
            if reason.is_empty() {
                return Err(ApiError::bad_field("REASON_REQUIRED", "reason", "a revocation states why"));
            }
            if self.registers.certificate(&serial).await?.is_none() {
                return Err(ApiError::not_found(
                    "CERTIFICATE_NOT_FOUND",
                    format!("no certificate with serial {serial:?}"),
                ));
            }
            let revoked_at = self.registers.revoke(Command::new(Principal::of(&request), M), &serial, &reason).await?;
            Ok((pb::RevokeCertificateResponse { revoked_time: revoked_at.map(timestamp) }, Vec::new()))
        }
        .await;
        self.conclude(&exchange, M, outcome, &[]).await
    }

    async fn get_certificate_status(
        &self,
        request: Request<pb::GetCertificateStatusRequest>,
    ) -> Answer<pb::GetCertificateStatusResponse> {
        const M: &str = method!("SignatureService", "GetCertificateStatus");
        let exchange = self.open(&request, M).await?;
        let outcome: Result<(_, Vec<kz_ids::Iin>), ApiError> = async {
            let now = self.clock.now();
            let (status, subject) = match self.registers.certificate(request.get_ref().serial.trim()).await? {
                None => (pb::VerificationResult::Unknown, String::new()),
                Some((who, _, Some(revoked))) if revoked <= now => (pb::VerificationResult::Revoked, who),
                Some((who, not_after, _)) if now > not_after => (pb::VerificationResult::Expired, who),
                Some((who, ..)) => (pb::VerificationResult::Valid, who),
            };
            let status = if self.faults.has(M, Fault::RevokedCertificate) && status == pb::VerificationResult::Valid {
                pb::VerificationResult::Revoked
            } else {
                status
            };
            Ok((pb::GetCertificateStatusResponse { status: status as i32, subject_iin: subject }, Vec::new()))
        }
        .await;
        self.conclude(&exchange, M, outcome, &[]).await
    }

    async fn list_revoked_certificates(
        &self,
        _: Request<pb::ListRevokedCertificatesRequest>,
    ) -> Answer<pb::ListRevokedCertificatesResponse> {
        let revoked = self.registers.revoked().await?;
        Ok(Response::new(pb::ListRevokedCertificatesResponse {
            revoked: revoked
                .into_iter()
                .map(|(serial, at, reason)| pb::RevokedCertificate {
                    serial,
                    revoked_time: Some(timestamp(at)),
                    reason,
                })
                .collect(),
        }))
    }
}

/// How long a one-time password lives.
pub const OTP_LIFETIME_MINUTES: i64 = 5;
/// How many wrong codes a one-time password survives.
pub const OTP_ATTEMPTS: i64 = 3;
/// One-time passwords issued per person and document within [`OTP_ISSUE_WINDOW_MINUTES`], at
/// most; beyond it RESOURCE_EXHAUSTED with RetryInfo: [A-OTP-ISSUE-LIMIT].
pub const OTP_ISSUES_PER_WINDOW: i64 = 3;
/// The window of [`OTP_ISSUES_PER_WINDOW`], in minutes: [A-OTP-ISSUE-LIMIT].
pub const OTP_ISSUE_WINDOW_MINUTES: i64 = 15;

fn otp_hash(iin: &str, digest: &str, code: &str) -> Vec<u8> {
    Sha256::digest(format!("{iin}\0{digest}\0{code}").as_bytes()).to_vec()
}

#[tonic::async_trait]
impl pb::otp_service_server::OtpService for Gateway {
    async fn issue_otp(&self, request: Request<pb::IssueOtpRequest>) -> Answer<pb::IssueOtpResponse> {
        const M: &str = method!("OtpService", "IssueOtp");
        let exchange = self.open(&request, M).await?;
        let outcome: Result<(_, Vec<kz_ids::Iin>), ApiError> = async {
            let who = iin(&request.get_ref().iin, "iin")?;
            // A portal asks a code for its own user only (a code to someone else's phone is a
            // way to pester them, and their IIN is not the portal's to name).
            Self::own_records(&Principal::of(&request), &exchange, who)?;
            let digest = hex::encode(digest_field(&request.get_ref().digest)?);
            let person = self.registers.existing(who).await?;
            if person.phone.len() < 8 {
                return Err(ApiError::failed_precondition("PHONE_MISSING", "the person has no mobile phone on record")
                    .precondition("PHONE", who.to_string(), "a one-time password goes to the phone on record"));
            }
            let mut random = [0u8; 4];
            getrandom::fill(&mut random).map_err(|e| ApiError::internal(format!("randomness: {e}")))?;
            let code = format!("{:06}", u32::from_le_bytes(random) % 1_000_000);
            let expires_at = self.clock.now() + chrono::Duration::minutes(OTP_LIFETIME_MINUTES);
            let row = OtpRow {
                code_hash: otp_hash(&who.to_string(), &digest, &code),
                // Kept readable for tests in the dev profile only; never logged.
                dev_code: (self.profile == platform::Profile::Dev).then_some(code),
                expires_at,
                attempts_left: OTP_ATTEMPTS,
                used: false,
            };
            let limit = (OTP_ISSUES_PER_WINDOW, OTP_ISSUE_WINDOW_MINUTES * 60);
            if let Err(window_ends) =
                self.registers.store_otp(Command::new(Principal::of(&request), M), who, &digest, row, limit).await?
            {
                let wait = (window_ends - self.clock.now().timestamp()).max(1);
                return Err(ApiError::resource_exhausted(
                    "OTP_ISSUE_LIMIT",
                    format!(
                        "{OTP_ISSUES_PER_WINDOW} one-time passwords were issued for this person and document in the last \
                         {OTP_ISSUE_WINDOW_MINUTES} minutes; try again in {wait} s"
                    ),
                )
                .retry_after(std::time::Duration::from_secs(u64::try_from(wait).unwrap_or(1))));
            }
            let phone = &person.phone;
            let masked = format!("{}***{}", &phone[..phone.len().min(5)], &phone[phone.len().saturating_sub(2)..]);
            let response = pb::IssueOtpResponse { expires_time: Some(timestamp(expires_at)), masked_phone: masked };
            Ok((response, vec![who]))
        }
        .await;
        self.conclude(&exchange, M, outcome, &["phone"]).await
    }

    async fn verify_otp(&self, request: Request<pb::VerifyOtpRequest>) -> Answer<pb::VerifyOtpResponse> {
        const M: &str = method!("OtpService", "VerifyOtp");
        let exchange = self.open(&request, M).await?;
        let outcome: Result<(_, Vec<kz_ids::Iin>), ApiError> = async {
            let who = iin(&request.get_ref().iin, "iin")?;
            let digest = hex::encode(digest_field(&request.get_ref().digest)?);
            let code = request.get_ref().code.trim().to_owned();
            let (result, left) = match self.registers.otp(who, &digest).await? {
                None => (pb::OtpResult::NotIssued, 0),
                Some(otp) if otp.used => (pb::OtpResult::Used, otp.attempts_left),
                Some(otp) if self.clock.now() > otp.expires_at => (pb::OtpResult::Expired, otp.attempts_left),
                Some(otp) if otp.attempts_left <= 0 => (pb::OtpResult::AttemptsExhausted, 0),
                Some(_) => {
                    // The check and the spending of an attempt are one statement: a burst of
                    // concurrent guesses evaluates at most OTP_ATTEMPTS of them.
                    let hash = otp_hash(&who.to_string(), &digest, &code);
                    match self.registers.spend_otp(Command::new(Principal::of(&request), M), who, &digest, hash).await?
                    {
                        Some((true, left)) => (pb::OtpResult::Valid, left),
                        Some((false, left)) => (pb::OtpResult::WrongCode, left),
                        // Spent or used up by a concurrent attempt meanwhile.
                        None => match self.registers.otp(who, &digest).await? {
                            Some(otp) if otp.used => (pb::OtpResult::Used, otp.attempts_left),
                            _ => (pb::OtpResult::AttemptsExhausted, 0),
                        },
                    }
                }
            };
            let response =
                pb::VerifyOtpResponse { result: result as i32, attempts_left: i32::try_from(left).unwrap_or(0) };
            Ok((response, Vec::new()))
        }
        .await;
        self.conclude(&exchange, M, outcome, &[]).await
    }
}

/// The organizations a notification may go to (RR cl. 2).
pub const ORGANIZATIONS: &[&str] = &["STATE_CORPORATION", "CONTACT_CENTRE"];

fn channel_code(channel: i32) -> Result<&'static str, ApiError> {
    match pb::NotificationChannel::try_from(channel) {
        Ok(pb::NotificationChannel::Sms) => Ok("SMS"),
        Ok(pb::NotificationChannel::Email) => Ok("EMAIL"),
        Ok(pb::NotificationChannel::Cabinet) => Ok("CABINET"),
        Ok(pb::NotificationChannel::Paper) => Ok("PAPER"),
        _ => Err(ApiError::bad_field("FIELD_REQUIRED", "channel", "a NotificationChannel")),
    }
}

fn channel_from(code: &str) -> i32 {
    (match code {
        "SMS" => pb::NotificationChannel::Sms,
        "EMAIL" => pb::NotificationChannel::Email,
        "CABINET" => pb::NotificationChannel::Cabinet,
        "PAPER" => pb::NotificationChannel::Paper,
        _ => pb::NotificationChannel::Unspecified,
    }) as i32
}

fn notification(row: crate::exchange_store::NotificationRow) -> pb::Notification {
    let (id, recipient, channel, kk, ru, en, case_name, sender, message_id, sent_at) = row;
    pb::Notification {
        id,
        recipient,
        channel: channel_from(&channel),
        text: Some(LocalizedText { kk, ru, en }),
        case_name,
        sender,
        message_id,
        sent_time: Some(timestamp(sent_at)),
    }
}

#[tonic::async_trait]
impl pb::notification_service_server::NotificationService for Gateway {
    async fn send_notification(
        &self,
        request: Request<pb::SendNotificationRequest>,
    ) -> Answer<pb::SendNotificationResponse> {
        const M: &str = method!("NotificationService", "SendNotification");
        self.faults.enter(M).await?;
        let exchange = super::envelope::Exchange::open_delivery(&request, M)?;
        let outcome: Result<(_, Vec<kz_ids::Iin>), ApiError> = async {
            let r = request.get_ref();
            let recipient = r.recipient.trim().to_owned();
            if !ORGANIZATIONS.contains(&recipient.as_str()) {
                let who = iin(&recipient, "recipient")?;
                self.registers.existing(who).await?;
            }
            let channel = channel_code(r.channel)?;
            let text = r.text.clone().unwrap_or_default();
            for (field, value) in [("text.kk", &text.kk), ("text.ru", &text.ru), ("text.en", &text.en)] {
                if value.trim().is_empty() {
                    return Err(ApiError::bad_field(
                        "TEXT_REQUIRED",
                        field,
                        "notifications go out in Kazakh, Russian and English",
                    ));
                }
            }
            let case_name =
                if r.case_name.trim().is_empty() { exchange.case.clone() } else { r.case_name.trim().to_owned() };
            let row = (
                uuid::Uuid::new_v4().to_string(),
                recipient,
                channel.to_owned(),
                text.kk,
                text.ru,
                text.en,
                case_name,
                exchange.client.clone(),
                exchange.message_id.to_string(),
                self.clock.now(),
            );
            let (stored, duplicate) = self
                .registers
                .store_notification(Command::new(Principal::of(&request), M), row, r.encode_to_vec())
                .await?;
            let response = pb::SendNotificationResponse { notification: Some(notification(stored)), duplicate };
            Ok((response, Vec::new()))
        }
        .await;
        self.conclude(&exchange, M, outcome, &[]).await
    }

    async fn list_notifications(
        &self,
        request: Request<pb::ListNotificationsRequest>,
    ) -> Answer<pb::ListNotificationsResponse> {
        const M: &str = method!("NotificationService", "ListNotifications");
        let exchange = self.open(&request, M).await?;
        let outcome: Result<(_, Vec<kz_ids::Iin>), ApiError> = async {
            let r = request.get_ref();
            let recipient = r.recipient.trim().to_owned();
            let mut people = Vec::new();
            if !ORGANIZATIONS.contains(&recipient.as_str()) {
                let person = iin(&recipient, "recipient")?;
                Self::own_records(&Principal::of(&request), &exchange, person)?;
                people.push(person);
            }
            let (size, offset) = page(r.page_size, &r.page_token)?;
            let rows = self.registers.notifications(&recipient, offset, size).await?;
            let next_page_token = next_token(offset, size, rows.len());
            let response = pb::ListNotificationsResponse {
                notifications: rows.into_iter().map(notification).collect(),
                next_page_token,
            };
            Ok((response, people))
        }
        .await;
        self.conclude(&exchange, M, outcome, &["notifications"]).await
    }
}

fn report(row: crate::exchange_store::StageRow) -> pb::StageReport {
    let (
        id,
        service,
        case_name,
        stage,
        occurred_at,
        channel,
        reporter,
        recorded_at,
        code,
        bin,
        due,
        result,
        ground,
        place,
    ) = row;
    pb::StageReport {
        id,
        service,
        case_name,
        stage,
        occurred_time: Some(timestamp(occurred_at)),
        channel,
        reporter,
        recorded_time: Some(timestamp(recorded_at)),
        service_code: code,
        provider_bin: bin,
        due_date: due,
        result,
        ground,
        place,
    }
}

#[tonic::async_trait]
impl pb::monitoring_service_server::MonitoringService for Gateway {
    async fn report_stage(&self, request: Request<pb::ReportStageRequest>) -> Answer<pb::ReportStageResponse> {
        const M: &str = method!("MonitoringService", "ReportStage");
        self.faults.enter(M).await?;
        let exchange = super::envelope::Exchange::open_delivery(&request, M)?;
        let outcome: Result<(_, Vec<kz_ids::Iin>), ApiError> = async {
            let r = request.get_ref();
            let mut fields = Vec::new();
            for (name, value) in [("service", &r.service), ("case_name", &r.case_name), ("stage", &r.stage)] {
                if value.trim().is_empty() {
                    fields.push(name);
                }
            }
            if let Some(first) = fields.first() {
                return Err(ApiError::bad_field("FIELD_REQUIRED", *first, "required"));
            }
            let occurred_at = r
                .occurred_time
                .and_then(|t| DateTime::<Utc>::from_timestamp(t.seconds, u32::try_from(t.nanos).unwrap_or(0)))
                .ok_or_else(|| {
                    ApiError::bad_field("FIELD_REQUIRED", "occurred_time", "when the case entered the stage")
                })?;
            if !r.due_date.trim().is_empty() && NaiveDate::parse_from_str(r.due_date.trim(), "%Y-%m-%d").is_err() {
                return Err(ApiError::bad_field("DATE_INVALID", "due_date", "a day, YYYY-MM-DD, or empty"));
            }
            if !r.due_date.trim().is_empty() && NaiveDate::parse_from_str(r.due_date.trim(), "%Y-%m-%d").is_err() {
                return Err(ApiError::bad_field("DATE_INVALID", "due_date", "a day, YYYY-MM-DD, or empty"));
            }
            let row = (
                uuid::Uuid::new_v4().to_string(),
                r.service.trim().to_owned(),
                r.case_name.trim().to_owned(),
                r.stage.trim().to_owned(),
                evidence::canonical_time(occurred_at),
                r.channel.trim().to_owned(),
                exchange.client.clone(),
                evidence::canonical_time(self.clock.now()),
                r.service_code.trim().to_owned(),
                r.provider_bin.trim().to_owned(),
                r.due_date.trim().to_owned(),
                r.result.trim().to_owned(),
                r.ground.trim().to_owned(),
                r.place.trim().to_owned(),
            );
            let (stored, duplicate) = self
                .registers
                .store_stage(
                    Command::new(Principal::of(&request), M),
                    row,
                    &exchange.message_id.to_string(),
                    r.encode_to_vec(),
                )
                .await?;
            Ok((pb::ReportStageResponse { report: Some(report(stored)), duplicate }, Vec::new()))
        }
        .await;
        self.conclude(&exchange, M, outcome, &[]).await
    }

    async fn get_compliance_report(
        &self,
        request: Request<pb::GetComplianceReportRequest>,
    ) -> Answer<pb::GetComplianceReportResponse> {
        Ok(Response::new(self.compliance(request.get_ref()).await?))
    }

    async fn get_statistics(&self, request: Request<pb::GetStatisticsRequest>) -> Answer<pb::GetStatisticsResponse> {
        Ok(Response::new(self.statistics(request.get_ref()).await?))
    }

    async fn list_stage_reports(
        &self,
        request: Request<pb::ListStageReportsRequest>,
    ) -> Answer<pb::ListStageReportsResponse> {
        let r = request.get_ref();
        let (case_name, service) = (r.case_name.trim(), r.service.trim());
        if case_name.is_empty() && service.is_empty() {
            return Err(ApiError::bad_field("FIELD_REQUIRED", "case_name", "name a case, or a service").into());
        }
        let (size, offset) = page(r.page_size, &r.page_token)?;
        let rows = self.registers.stages(case_name, service, offset, size).await?;
        let next_page_token = next_token(offset, size, rows.len());
        Ok(Response::new(pb::ListStageReportsResponse {
            reports: rows.into_iter().map(report).collect(),
            next_page_token,
        }))
    }
}

#[tonic::async_trait]
impl pb::audit_service_server::AuditService for Gateway {
    async fn list_evidence(&self, request: Request<pb::ListEvidenceRequest>) -> Answer<pb::ListEvidenceResponse> {
        let (size, offset) = page(request.get_ref().page_size, &request.get_ref().page_token)?;
        let entries = evidence::read(self.registers.db(), offset, size).await?;
        let next_page_token = next_token(offset, size, entries.len());
        Ok(Response::new(pb::ListEvidenceResponse {
            entries: entries
                .into_iter()
                .map(|e| pb::EvidenceEntry {
                    sequence: e.sequence,
                    client: e.exchanged.client,
                    message_id: e.exchanged.message_id,
                    method: e.exchanged.method,
                    case_name: e.exchanged.case_name,
                    purpose: e.exchanged.purpose,
                    request_hash: e.exchanged.request_hash,
                    response_hash: e.exchanged.response_hash,
                    recorded_time: Some(timestamp(e.exchanged.recorded_at)),
                    previous_hash: e.previous_hash,
                    entry_hash: e.entry_hash,
                    signature: e.signature.unwrap_or_default(),
                })
                .collect(),
            next_page_token,
        }))
    }

    async fn verify_evidence_chain(
        &self,
        _: Request<pb::VerifyEvidenceChainRequest>,
    ) -> Answer<pb::VerifyEvidenceChainResponse> {
        let check = evidence::verify_chain(self.registers.db(), &self.evidence_key).await?;
        let (first_bad_sequence, problem) = check.broken.clone().unwrap_or((0, String::new()));
        Ok(Response::new(pb::VerifyEvidenceChainResponse {
            valid: check.broken.is_none(),
            entries: check.entries,
            signatures: check.signatures,
            first_bad_sequence,
            problem,
        }))
    }

    async fn list_processing_log(
        &self,
        request: Request<pb::ListProcessingLogRequest>,
    ) -> Answer<pb::ListProcessingLogResponse> {
        const M: &str = method!("AuditService", "ListProcessingLog");
        let exchange = self.open(&request, M).await?;
        let outcome: Result<(_, Vec<kz_ids::Iin>), ApiError> = async {
            let who = iin(&request.get_ref().iin, "iin")?;
            Self::own_records(&Principal::of(&request), &exchange, who)?;
            let (size, offset) = page(request.get_ref().page_size, &request.get_ref().page_token)?;
            let rows = self.registers.processing_log(who, offset, size).await?;
            let next_page_token = next_token(offset, size, rows.len());
            let entries = rows
                .into_iter()
                .map(|(client, method, fields, case_name, purpose, user_iin, read_at, filed_as)| pb::ProcessingEntry {
                    client,
                    method,
                    fields: fields.split(',').filter(|f| !f.is_empty()).map(str::to_owned).collect(),
                    case_name,
                    purpose,
                    user_iin,
                    read_time: Some(timestamp(read_at)),
                    filed_as,
                })
                .collect();
            Ok((pb::ListProcessingLogResponse { entries, next_page_token }, Vec::new()))
        }
        .await;
        self.conclude(&exchange, M, outcome, &[]).await
    }

    /// A case shown on a person's behalf, into their processing log: the envelope names the
    /// service that showed it, the case and who saw it (its purpose).
    async fn record_disclosure(
        &self,
        request: Request<pb::RecordDisclosureRequest>,
    ) -> Answer<pb::RecordDisclosureResponse> {
        const M: &str = method!("AuditService", "RecordDisclosure");
        self.faults.enter(M).await?;
        let exchange = super::envelope::Exchange::open_delivery(&request, M)?;
        let outcome: Result<(_, Vec<kz_ids::Iin>), ApiError> = async {
            let who = iin(&request.get_ref().iin, "iin")?;
            self.registers.existing(who).await?;
            Ok((pb::RecordDisclosureResponse {}, vec![who]))
        }
        .await;
        let fields: Vec<&str> = request.get_ref().fields.iter().map(String::as_str).take(16).collect();
        self.conclude(&exchange, M, outcome, &fields).await
    }

    /// A filing's reads under the case it opened: the envelope's client links its own filings
    /// only, a filing's name (`<service>/requests/<id>`) to a case of the same service.
    async fn link_case(&self, request: Request<pb::LinkCaseRequest>) -> Answer<pb::LinkCaseResponse> {
        const M: &str = method!("AuditService", "LinkCase");
        self.faults.enter(M).await?;
        let exchange = super::envelope::Exchange::open_delivery(&request, M)?;
        let outcome: Result<(_, Vec<kz_ids::Iin>), ApiError> = async {
            let r = request.get_ref();
            let (filed_as, case_name) = (r.filed_as.trim(), r.case_name.trim());
            let service = filed_as.split_once("/requests/").map(|(service, _)| service).filter(|s| !s.is_empty());
            let Some(service) = service.filter(|_| filed_as.len() <= 200) else {
                return Err(ApiError::bad_field("FILED_AS_INVALID", "filed_as", "<service>/requests/<request id>"));
            };
            if case_name.len() > 200
                || !case_name.starts_with(&format!("{service}/"))
                || case_name.contains("/requests/")
            {
                return Err(ApiError::bad_field(
                    "CASE_NAME_INVALID",
                    "case_name",
                    format!("a case of the same service, {service}/<collection>/<id>"),
                ));
            }
            self.registers.link_case(&exchange.client, filed_as, case_name).await?;
            Ok((pb::LinkCaseResponse {}, Vec::new()))
        }
        .await;
        self.conclude(&exchange, M, outcome, &[]).await
    }

    async fn get_public_key(&self, _: Request<pb::GetPublicKeyRequest>) -> Answer<pb::GetPublicKeyResponse> {
        Ok(Response::new(pb::GetPublicKeyResponse {
            public_key: self.evidence_key.public_key().to_vec(),
            algorithm: "Ed25519".into(),
        }))
    }
}
