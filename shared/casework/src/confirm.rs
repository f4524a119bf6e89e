//! Confirmations of an application over its signing digest (DESIGN.md "Signed applications";
//! Annex 1 row 11, Annex 2 row 11(3), Annex 3 row 11): an EDS signature or a one-time password
//! per person, each verified by the gateway. Who must confirm is the service's rule.

use clients::{CaseRef, GatewayClient};
use platform::ApiError;
use proto::egov::gateway::v1 as gw;
use proto::housing::common::v1 as common;

use crate::gateway::from_gateway;

/// A confirmation the gateway verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Who confirmed.
    pub signer_iin: String,
    /// `EDS` or `OTP`.
    pub method: &'static str,
    /// The certificate's serial, for an EDS.
    pub certificate_serial: String,
}

/// Checks that every one of `required` confirmed `digest`, and verifies every confirmation
/// given (each must be by someone in `allowed`). One-time passwords are used up when right.
pub async fn verify(
    gateway: &GatewayClient,
    case: &CaseRef,
    digest: &str,
    given: &[common::Confirmation],
    required: &[String],
    allowed: &[String],
) -> Result<Vec<Verified>, ApiError> {
    let signer_of = |c: &common::Confirmation| c.signer.as_ref().map(|s| s.iin.trim().to_owned()).unwrap_or_default();
    let missing: Vec<&String> = required.iter().filter(|r| !given.iter().any(|c| signer_of(c) == **r)).collect();
    if !missing.is_empty() {
        let mut e = ApiError::failed_precondition(
            "CONFIRMATION_MISSING",
            format!(
                "the application must be confirmed over its signing digest by {}",
                missing.iter().map(|m| m.as_str()).collect::<Vec<_>>().join(", ")
            ),
        );
        for m in &missing {
            e = e.precondition("CONFIRMATION", (*m).clone(), "an EDS or a one-time password over the signing digest");
        }
        return Err(e.meta("signing_digest", digest.to_owned()));
    }
    let mut out = Vec::new();
    for (i, c) in given.iter().enumerate() {
        let who = signer_of(c);
        if !allowed.contains(&who) {
            return Err(ApiError::invalid_argument(
                "CONFIRMATION_SIGNER_UNEXPECTED",
                "a confirmation by someone who does not take part in the application",
            )
            .field(format!("confirmations[{i}].signer.iin"), "the applicant, the representative or a family member"));
        }
        out.push(match &c.method {
            Some(common::confirmation::Method::Eds(eds)) => {
                let request = gw::VerifySignatureRequest {
                    certificate: eds.certificate.clone(),
                    signature: eds.signature.clone(),
                    digest: digest.to_owned(),
                };
                let verdict = gateway.verify_signature(case, request).await.map_err(|s| from_gateway(&s, &who))?;
                if verdict.result != i32::from(gw::VerificationResult::Valid) || verdict.signer_iin != who {
                    let result =
                        gw::VerificationResult::try_from(verdict.result).map_or("UNKNOWN", |r| r.as_str_name());
                    return Err(ApiError::failed_precondition(
                        "SIGNATURE_INVALID",
                        format!("the EDS of {who} does not verify: {result}"),
                    )
                    .precondition("SIGNATURE", who.clone(), result)
                    .meta("verdict", result)
                    .meta("certificate_subject", verdict.signer_iin));
                }
                Verified { signer_iin: who, method: "EDS", certificate_serial: verdict.serial }
            }
            Some(common::confirmation::Method::Otp(otp)) => {
                let request =
                    gw::VerifyOtpRequest { iin: who.clone(), digest: digest.to_owned(), code: otp.code.clone() };
                let verdict = gateway.verify_otp(case, request).await.map_err(|s| from_gateway(&s, &who))?;
                if verdict.result != i32::from(gw::OtpResult::Valid) {
                    let result = gw::OtpResult::try_from(verdict.result).map_or("UNKNOWN", |r| r.as_str_name());
                    return Err(ApiError::failed_precondition(
                        "OTP_INVALID",
                        format!("the one-time password of {who} does not verify: {result}"),
                    )
                    .precondition("OTP", who.clone(), result)
                    .meta("verdict", result)
                    .meta("attempts_left", verdict.attempts_left.to_string()));
                }
                Verified { signer_iin: who, method: "OTP", certificate_serial: String::new() }
            }
            None => {
                return Err(ApiError::invalid_argument(
                    "CONFIRMATION_METHOD_REQUIRED",
                    "a confirmation is an EDS or a one-time password",
                )
                .field(format!("confirmations[{i}]"), "eds or otp"));
            }
        });
    }
    Ok(out)
}
