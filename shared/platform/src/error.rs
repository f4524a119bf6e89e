//! The one error type every handler returns, and its single mapping to `google.rpc.Status`.
//!
//! Every error carries a stable UPPER_SNAKE reason in `ErrorInfo` (domain `shanyraq.kz`), plus
//! `BadRequest` field violations for bad input, `PreconditionFailure` for a state that forbids
//! the call, and a `LocalizedMessage` where a person reads it (DESIGN.md "Contracts"). An
//! internal failure is logged whole and reaches the client only as an id to quote.

use std::collections::HashMap;
use std::fmt;

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, FieldViolation, PreconditionViolation, StatusExt};

/// The `ErrorInfo.domain` of every error the suite returns.
pub const ERROR_DOMAIN: &str = "shanyraq.kz";

/// An error a caller can act on: fix the input, wait, ask for rights, or give up.
/// Boxed, so that `Result<_, ApiError>` stays one pointer wide on the happy path.
#[derive(Debug)]
pub struct ApiError(Box<Inner>);

#[derive(Debug)]
struct Inner {
    code: Code,
    reason: String,
    message: String,
    violations: Vec<FieldViolation>,
    preconditions: Vec<PreconditionViolation>,
    metadata: HashMap<String, String>,
    localized: Option<(String, String)>,
    retry_after: Option<std::time::Duration>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl ApiError {
    fn new(code: Code, reason: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError(Box::new(Inner {
            code,
            reason: reason.into(),
            message: message.into(),
            violations: Vec::new(),
            preconditions: Vec::new(),
            metadata: HashMap::new(),
            localized: None,
            retry_after: None,
            source: None,
        }))
    }

    /// Bad input: add the fields with [`ApiError::field`].
    pub fn invalid_argument(reason: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Code::InvalidArgument, reason, message)
    }

    /// Bad input in one field, the common case.
    pub fn bad_field(reason: impl Into<String>, field: impl Into<String>, description: impl Into<String>) -> Self {
        let description = description.into();
        Self::invalid_argument(reason, description.clone()).field(field, description)
    }

    /// Something named does not exist.
    pub fn not_found(reason: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Code::NotFound, reason, message)
    }

    /// The state forbids the call: add what forbids it with [`ApiError::precondition`].
    pub fn failed_precondition(reason: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Code::FailedPrecondition, reason, message)
    }

    /// It exists already (a reused request id, a second open case).
    pub fn already_exists(reason: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Code::AlreadyExists, reason, message)
    }

    /// The caller is known but may not do this.
    pub fn permission_denied(reason: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Code::PermissionDenied, reason, message)
    }

    /// The caller is not known.
    pub fn unauthenticated(reason: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Code::Unauthenticated, reason, message)
    }

    /// A limit was reached; the caller may retry later.
    pub fn resource_exhausted(reason: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Code::ResourceExhausted, reason, message)
    }

    /// A dependency is down; the caller may retry.
    pub fn unavailable(reason: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Code::Unavailable, reason, message)
    }

    /// The change met a concurrent one and was undone whole; the caller may retry it.
    pub fn aborted(reason: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Code::Aborted, reason, message)
    }

    /// The call's deadline passed before it could be answered.
    pub fn deadline_exceeded(reason: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Code::DeadlineExceeded, reason, message)
    }

    /// The method is declared in the contract but its service has not landed yet.
    pub fn unimplemented(method: &str) -> Self {
        Self::new(Code::Unimplemented, "NOT_IMPLEMENTED_YET", format!("{method} is not implemented yet"))
            .meta("method", method)
    }

    /// A failure of ours. The source is logged; the client sees only an id to quote.
    pub fn internal(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        let incident = uuid::Uuid::new_v4().to_string();
        let mut e = Self::new(Code::Internal, "INTERNAL", format!("internal error; quote incident {incident}"))
            .meta("incident", incident);
        e.0.source = Some(source.into());
        e
    }

    /// Adds a field violation (`field` is the request path, such as `applicant.iin`).
    pub fn field(mut self, field: impl Into<String>, description: impl Into<String>) -> Self {
        self.0.violations.push(FieldViolation::new(field, description));
        self
    }

    /// Adds what in the state forbids the call.
    pub fn precondition(
        mut self,
        kind: impl Into<String>,
        subject: impl Into<String>,
        description: impl Into<String>,
    ) -> Self {
        self.0.preconditions.push(PreconditionViolation::new(kind, subject, description));
        self
    }

    /// Adds a key to `ErrorInfo.metadata` (for example the existing case's name).
    pub fn meta(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.0.metadata.insert(key.into(), value.into());
        self
    }

    /// Adds the message a person reads, in a locale such as `kk`, `ru` or `en`.
    pub fn localized(mut self, locale: impl Into<String>, message: impl Into<String>) -> Self {
        self.0.localized = Some((locale.into(), message.into()));
        self
    }

    /// When the caller may try again (`google.rpc.RetryInfo`).
    pub fn retry_after(mut self, delay: std::time::Duration) -> Self {
        self.0.retry_after = Some(delay);
        self
    }

    /// The gRPC code.
    pub fn code(&self) -> Code {
        self.0.code
    }

    /// The bad fields named, as (field, description).
    pub fn fields(&self) -> Vec<(String, String)> {
        self.0.violations.iter().map(|v| (v.field.clone(), v.description.clone())).collect()
    }

    /// The stable reason.
    pub fn reason(&self) -> &str {
        &self.0.reason
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.0;
        write!(f, "{} ({}): {}", e.reason, e.code, e.message)?;
        if let Some(source) = &e.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source.as_deref().map(|s| s as &(dyn std::error::Error + 'static))
    }
}

/// The most violations of one kind an error carries (the rest are counted).
pub const MAX_VIOLATIONS: usize = 20;
/// The longest text an error carries, in characters (a longer one is cut, with an ellipsis).
pub const MAX_TEXT: usize = 200;

fn clip(text: &str) -> String {
    if text.chars().count() <= MAX_TEXT {
        return text.to_owned();
    }
    let mut clipped: String = text.chars().take(MAX_TEXT).collect();
    clipped.push('…');
    clipped
}

impl From<ApiError> for Status {
    fn from(e: ApiError) -> Status {
        let e = *e.0;
        if let Some(source) = &e.source {
            tracing::error!(reason = %e.reason, message = %e.message, error = %source, "internal error");
        }
        // An error always fits the trailers (HTTP/2 peers refuse headers of more than 16 KiB):
        // at most MAX_VIOLATIONS of each kind, then one naming how many more; texts clipped.
        let mut details = ErrorDetails::new();
        let metadata: HashMap<String, String> = e.metadata.into_iter().map(|(k, v)| (clip(&k), clip(&v))).collect();
        details.set_error_info(e.reason, ERROR_DOMAIN, metadata);
        if !e.violations.is_empty() {
            let more = e.violations.len().saturating_sub(MAX_VIOLATIONS);
            let mut kept: Vec<FieldViolation> = e
                .violations
                .into_iter()
                .take(MAX_VIOLATIONS)
                .map(|v| FieldViolation::new(clip(&v.field), clip(&v.description)))
                .collect();
            if more > 0 {
                kept.push(FieldViolation::new("", format!("and {more} more")));
            }
            details.set_bad_request(kept);
        }
        if !e.preconditions.is_empty() {
            let more = e.preconditions.len().saturating_sub(MAX_VIOLATIONS);
            let mut kept: Vec<PreconditionViolation> = e
                .preconditions
                .into_iter()
                .take(MAX_VIOLATIONS)
                .map(|v| PreconditionViolation::new(clip(&v.r#type), clip(&v.subject), clip(&v.description)))
                .collect();
            if more > 0 {
                kept.push(PreconditionViolation::new("MORE", "", format!("and {more} more")));
            }
            details.set_precondition_failure(kept);
        }
        if let Some((locale, message)) = e.localized {
            details.set_localized_message(locale, clip(&message));
        }
        if let Some(delay) = e.retry_after {
            details.set_retry_info(Some(delay));
        }
        Status::with_error_details(e.code, clip(&e.message), details)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_always_fits_the_trailers_however_much_it_says() {
        let echoed = "9".repeat(300_000);
        let mut e =
            ApiError::invalid_argument("DOCUMENT_INVALID", format!("bad serial {echoed}")).meta("serial", &echoed);
        for i in 0..500 {
            e = e.field(format!("documents[{i}].content"), format!("too large: {echoed}"));
        }
        let status: Status = e.into();
        let encoded = status.details().len() + status.message().len();
        assert!(encoded < 16 * 1024, "{encoded} bytes");
        let bad = status.get_error_details().bad_request().cloned().unwrap();
        assert_eq!(bad.field_violations.len(), MAX_VIOLATIONS + 1);
        assert_eq!(bad.field_violations[MAX_VIOLATIONS].description, "and 480 more");
        assert_eq!(status.get_error_details().error_info().unwrap().reason, "DOCUMENT_INVALID");
    }

    #[test]
    fn bad_input_carries_the_reason_the_domain_and_the_field() {
        let status: Status =
            ApiError::bad_field("IIN_CHECKSUM_MISMATCH", "applicant.iin", "the IIN's check digit is wrong").into();
        assert_eq!(status.code(), Code::InvalidArgument);
        let details = status.get_error_details();
        let info = details.error_info().unwrap();
        assert_eq!(info.reason, "IIN_CHECKSUM_MISMATCH");
        assert_eq!(info.domain, "shanyraq.kz");
        let bad = details.bad_request().unwrap();
        assert_eq!(bad.field_violations[0].field, "applicant.iin");
    }

    #[test]
    fn a_forbidden_transition_names_what_forbids_it() {
        let status: Status = ApiError::failed_precondition("STAGE_CLOSED", "the case is decided")
            .precondition("STAGE", "registry/applications/1", "the case is REFUSED")
            .localized("en", "The application has already been decided.")
            .into();
        let details = status.get_error_details();
        assert_eq!(details.precondition_failure().unwrap().violations[0].subject, "registry/applications/1");
        assert_eq!(details.localized_message().unwrap().locale, "en");
        assert!(details.bad_request().is_none());
    }

    #[test]
    fn an_internal_error_shows_an_incident_id_not_its_cause() {
        let status: Status = ApiError::internal(std::io::Error::other("disk on fire at /var/db")).into();
        assert_eq!(status.code(), Code::Internal);
        assert!(!status.message().contains("disk"));
        let info = status.get_error_details().error_info().cloned().unwrap();
        assert_eq!(info.reason, "INTERNAL");
        assert!(status.message().contains(&info.metadata["incident"]));
    }

    #[test]
    fn an_undelivered_method_says_which() {
        let status: Status = ApiError::unimplemented("/kz.housing.registry.v1.RegistryService/GetApplication").into();
        assert_eq!(status.code(), Code::Unimplemented);
        assert!(status.message().contains("RegistryService/GetApplication"));
        assert_eq!(status.get_error_details().error_info().unwrap().reason, "NOT_IMPLEMENTED_YET");
    }
}
