//! The exchange envelope (DESIGN.md "The gateway's exchange model", after X-Road): every data
//! call carries `x-egov-client`, `x-egov-message-id` (a UUID), `x-egov-user-iin`, `x-egov-case`
//! and `x-egov-purpose` (free text of at most 256 characters); the answer echoes them with
//! `x-egov-request-hash`, so that a reply can be proven to answer that request.

use kz_ids::Iin;
use platform::ApiError;
use platform::store::outbox::envelope as keys;
use prost::Message;
use sha2::{Digest, Sha256};
use tonic::metadata::MetadataValue;
use tonic::{Request, Response};

/// The longest `x-egov-case` or `x-egov-purpose` accepted.
pub const MAX_TEXT: usize = 256;

/// The response header carrying the request's hash.
pub const REQUEST_HASH: &str = "x-egov-request-hash";

/// One exchange: the envelope of a request, and its hash.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The calling subsystem.
    pub client: String,
    /// The message id.
    pub message_id: uuid::Uuid,
    /// The end user; a delivery to an organization may name none.
    pub user_iin: Option<Iin>,
    /// The case served.
    pub case: String,
    /// The legal purpose.
    pub purpose: String,
    /// The case and purpose as they came (percent-encoded where they were), to echo.
    raw: (String, String),
    request_hash: String,
}

/// Decodes `%XX` sequences as UTF-8; text without them is itself.
fn percent_decode(text: &str) -> Option<String> {
    if !text.contains('%') {
        return Some(text.to_owned());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

impl Exchange {
    /// Reads and checks the whole envelope of a data call to `method`, and hashes the request.
    pub fn open<T: Message>(request: &Request<T>, method: &str) -> Result<Exchange, ApiError> {
        Self::open_with(request, method, true)
    }

    /// The same for a delivery (a notification, a stage report), which may name no end user.
    pub fn open_delivery<T: Message>(request: &Request<T>, method: &str) -> Result<Exchange, ApiError> {
        Self::open_with(request, method, false)
    }

    fn open_with<T: Message>(request: &Request<T>, method: &str, user_required: bool) -> Result<Exchange, ApiError> {
        let get = |key: &str| {
            request.metadata().get(key).and_then(|v| v.to_str().ok()).map(str::trim).filter(|v| !v.is_empty())
        };
        let required: &[&str] = if user_required {
            &[keys::CLIENT, keys::MESSAGE_ID, keys::USER_IIN, keys::CASE, keys::PURPOSE]
        } else {
            &[keys::CLIENT, keys::MESSAGE_ID, keys::CASE, keys::PURPOSE]
        };
        let missing: Vec<&str> = required.iter().copied().filter(|k| get(k).is_none()).collect();
        if !missing.is_empty() {
            let mut e = ApiError::invalid_argument(
                "ENVELOPE_INCOMPLETE",
                format!("the exchange envelope lacks {}", missing.join(", ")),
            );
            for key in &missing {
                e = e.field(*key, "required on every call to the gateway's registers");
            }
            return Err(e);
        }
        let (client, message_id, case, purpose) = (
            get(keys::CLIENT).unwrap_or_default(),
            get(keys::MESSAGE_ID).unwrap_or_default(),
            get(keys::CASE).unwrap_or_default(),
            get(keys::PURPOSE).unwrap_or_default(),
        );
        let message_id = uuid::Uuid::parse_str(message_id)
            .map_err(|_| ApiError::bad_field("ENVELOPE_INVALID", keys::MESSAGE_ID, "must be a UUID"))?;
        let user_iin = get(keys::USER_IIN)
            .map(|text| {
                Iin::parse(text)
                    .map_err(|e| ApiError::bad_field(e.reason(), keys::USER_IIN, format!("not a valid IIN: {e}")))
            })
            .transpose()?;
        // Metadata is ASCII: free text in other letters (Kazakh, Russian) comes percent-encoded
        // as UTF-8, and is read, limited and hashed as the text it stands for.
        let (raw_case, raw_purpose) = (case, purpose);
        let mut texts = Vec::new();
        for (key, value) in [(keys::CASE, case), (keys::PURPOSE, purpose)] {
            let text = percent_decode(value).ok_or_else(|| {
                ApiError::bad_field("ENVELOPE_INVALID", key, "percent-encoding must spell UTF-8 text")
            })?;
            if text.chars().count() > MAX_TEXT {
                return Err(ApiError::bad_field("ENVELOPE_INVALID", key, format!("at most {MAX_TEXT} characters")));
            }
            texts.push(text);
        }
        let purpose = texts.pop().unwrap_or_default();
        let case = texts.pop().unwrap_or_default();
        let mut hasher = Sha256::new();
        let user = user_iin.map(|i| i.to_string()).unwrap_or_default();
        for part in [method, client, &message_id.to_string(), &user, &case, &purpose] {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
        hasher.update(request.get_ref().encode_to_vec());
        Ok(Exchange {
            client: client.to_owned(),
            message_id,
            user_iin,
            case,
            purpose,
            raw: (raw_case.to_owned(), raw_purpose.to_owned()),
            request_hash: hex::encode(hasher.finalize()),
        })
    }

    /// The evidence of this exchange answered with `response`, reading the data of `people`.
    pub fn evidence<R: Message>(
        &self,
        method: &str,
        response: &R,
        people: Vec<String>,
        fields: &[&str],
        at: chrono::DateTime<chrono::Utc>,
    ) -> crate::evidence::Exchanged {
        let read = (!people.is_empty()).then(|| {
            let user = self.user_iin.map(|i| i.to_string()).unwrap_or_default();
            (people, fields.iter().map(|f| (*f).to_owned()).collect(), user)
        });
        crate::evidence::Exchanged {
            client: self.client.clone(),
            message_id: self.message_id.to_string(),
            method: method.to_owned(),
            case_name: self.case.clone(),
            purpose: self.purpose.clone(),
            request_hash: self.request_hash.clone(),
            response_hash: hex::encode(Sha256::digest(response.encode_to_vec())),
            recorded_at: at,
            read,
        }
    }

    /// The answer, with the envelope echoed and the request's hash.
    pub fn answer<R>(&self, message: R) -> Response<R> {
        let mut response = Response::new(message);
        let metadata = response.metadata_mut();
        for (key, value) in [
            (keys::CLIENT, self.client.clone()),
            (keys::MESSAGE_ID, self.message_id.to_string()),
            (keys::USER_IIN, self.user_iin.map(|i| i.to_string()).unwrap_or_default()),
            (keys::CASE, self.raw.0.clone()),
            (keys::PURPOSE, self.raw.1.clone()),
            (REQUEST_HASH, self.request_hash.clone()),
        ] {
            // Values came in as valid metadata (or are ours), so they go back out as such.
            if value.is_empty() {
                continue;
            }
            if let Ok(value) = MetadataValue::try_from(value.as_str()) {
                metadata.insert(key, value);
            }
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn percent_encoded_text_is_read_as_utf8() {
        assert_eq!(percent_decode("registry/applications/1").as_deref(), Some("registry/applications/1"));
        assert_eq!(percent_decode("%D2%9B%D0%B0%D0%B7%D0%B0%D2%9B").as_deref(), Some("қазақ"));
        assert_eq!(percent_decode("50%"), None, "a truncated escape");
        assert_eq!(percent_decode("%FF%FE"), None, "not UTF-8");
    }
}
