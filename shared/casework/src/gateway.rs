//! How a housing service reads the gateway's answers: a restricted register that refuses for
//! want of consent is an answer the decision weighs (the consent ground of every annex), a
//! person the register does not know is NOT_FOUND, and anything else means the gateway could not
//! answer now.

use platform::ApiError;
use tonic::{Code, Status};
use tonic_types::StatusExt;

/// What a read of a restricted register found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Read<T> {
    /// The data.
    Found(T),
    /// The person has no consent on record for the calling service (Personal Data Law Art. 8).
    NoConsent,
}

/// Reads the answer of a restricted register about `iin`.
pub fn restricted<T>(answer: Result<T, Status>, iin: &str) -> Result<Read<T>, ApiError> {
    match answer {
        Ok(found) => Ok(Read::Found(found)),
        Err(s) if reason(&s).as_deref() == Some("CONSENT_MISSING") => Ok(Read::NoConsent),
        Err(s) => Err(from_gateway(&s, iin)),
    }
}

/// The stable reason of a gateway error.
pub fn reason(status: &Status) -> Option<String> {
    status.get_details_error_info().map(|info| info.reason)
}

/// A gateway error as a service answers it.
pub fn from_gateway(status: &Status, iin: &str) -> ApiError {
    match status.code() {
        Code::NotFound => {
            ApiError::not_found("PERSON_NOT_FOUND", format!("{iin} is not in the population register")).meta("iin", iin)
        }
        code => ApiError::unavailable(
            "GATEWAY_UNAVAILABLE",
            format!("the e-government gateway did not answer ({code:?}: {}); try again later", status.message()),
        ),
    }
}

/// A person's name as the population register records it, byte for byte: surname, given name
/// and patronymic, those it holds, one space apart. Cases and their notices carry it as read at
/// filing, so that a name in Kazakh letters (ә, ғ, қ, ң, ө, ұ, ү, һ, і) is never transliterated.
pub fn full_name(person: &proto::egov::gateway::v1::Person) -> String {
    [person.last_name.as_str(), person.first_name.as_str(), person.patronymic.as_str()]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
