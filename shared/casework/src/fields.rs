//! Request fields checked the same way by every service, each error naming the field's path.

use kz_ids::Iin;
use platform::ApiError;

/// An IIN field, checked in full (AT-25).
pub fn iin(value: &str, field: &str) -> Result<Iin, ApiError> {
    if value.trim().is_empty() {
        return Err(ApiError::bad_field("FIELD_REQUIRED", field, "required: a 12-digit IIN"));
    }
    Iin::parse(value.trim()).map_err(|e| ApiError::bad_field(e.reason(), field, e.to_string()))
}

/// A settlement code: nine digits.
pub fn kato(value: &str, field: &str) -> Result<String, ApiError> {
    let value = value.trim();
    if value.len() != 9 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::bad_field("KATO_INVALID", field, "a settlement code (KATO) is nine digits"));
    }
    Ok(value.to_owned())
}

/// The longest free text a field takes.
pub const MAX_TEXT_CHARS: usize = 4000;

/// A required free text.
pub fn text(value: &str, field: &str) -> Result<String, ApiError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ApiError::bad_field("FIELD_REQUIRED", field, "required"));
    }
    if value.chars().count() > MAX_TEXT_CHARS {
        return Err(ApiError::bad_field("TEXT_TOO_LONG", field, format!("at most {MAX_TEXT_CHARS} characters")));
    }
    Ok(value.to_owned())
}

/// The field violations of one request, collected so that a single error names every bad
/// field at once (a client fixes them in one round), under the first violation's reason.
#[derive(Debug, Default)]
pub struct Violations(Vec<(String, String, String)>);

impl Violations {
    /// Notes every field violation `e` carries.
    pub fn note(&mut self, e: ApiError) {
        for (field, description) in e.fields() {
            self.0.push((e.reason().to_owned(), field, description));
        }
    }

    /// Nothing noted, or one INVALID_ARGUMENT with `message` and every field noted.
    pub fn into_result(self, message: &str) -> Result<(), ApiError> {
        let Some((reason, _, _)) = self.0.first() else { return Ok(()) };
        let mut e = ApiError::invalid_argument(reason.clone(), message);
        for (_, field, description) in self.0 {
            e = e.field(field, description);
        }
        Err(e)
    }
}

/// A client request id: a UUID.
pub fn request_id(value: &str) -> Result<uuid::Uuid, ApiError> {
    if value.trim().is_empty() {
        return Err(ApiError::bad_field("FIELD_REQUIRED", "request_id", "required: a client-chosen UUID"));
    }
    uuid::Uuid::parse_str(value.trim()).map_err(|_| ApiError::bad_field("REQUEST_ID_INVALID", "request_id", "a UUID"))
}

/// A date field, `YYYY-MM-DD`.
pub fn date(value: &str, field: &str) -> Result<chrono::NaiveDate, ApiError> {
    chrono::NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map_err(|_| ApiError::bad_field("DATE_INVALID", field, "a date, YYYY-MM-DD"))
}

/// The id in a resource name `{prefix}/{id}` (`platform::names`: an opaque token, or a number
/// handed out before).
pub fn id_of(name: &str, prefix: &str, field: &str) -> Result<i64, ApiError> {
    let id = name
        .trim()
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('/'))
        .and_then(|segment| platform::names::id_of(segment, prefix));
    id.ok_or_else(|| {
        if name.trim().is_empty() {
            ApiError::bad_field("FIELD_REQUIRED", field, format!("required: {prefix}/{{id}}"))
        } else {
            ApiError::bad_field("NAME_INVALID", field, format!("not a resource name of this kind: {prefix}/{{id}}"))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_field_is_named_in_one_error_under_the_first_reason() {
        assert!(Violations::default().into_result("x").is_ok());
        let mut v = Violations::default();
        v.note(ApiError::bad_field("FIELD_REQUIRED", "applicant.iin", "required"));
        v.note(ApiError::bad_field("DATE_INVALID", "start_date", "YYYY-MM-DD"));
        let e = v.into_result("not well formed").unwrap_err();
        assert_eq!(e.reason(), "FIELD_REQUIRED");
        let fields: Vec<String> = e.fields().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["applicant.iin", "start_date"]);
    }

    #[test]
    fn resource_names_name_their_kind() {
        assert_eq!(id_of("registry/applications/7", "registry/applications", "name").unwrap(), 7);
        assert_eq!(
            id_of("registry/review-tasks/7", "registry/applications", "name").unwrap_err().reason(),
            "NAME_INVALID"
        );
        assert_eq!(id_of("", "registry/applications", "name").unwrap_err().reason(), "FIELD_REQUIRED");
    }

    #[test]
    fn at_25_iin_fields_give_the_reason_of_the_iin_rules() {
        assert_eq!(iin("850215300631", "iin").unwrap_err().reason(), "IIN_CHECKSUM_MISMATCH");
        assert_eq!(iin("", "iin").unwrap_err().reason(), "FIELD_REQUIRED");
        assert!(iin("850215300604", "iin").is_ok());
        assert_eq!(kato("75111000", "k").unwrap_err().reason(), "KATO_INVALID");
        assert_eq!(request_id("x").unwrap_err().reason(), "REQUEST_ID_INVALID");
    }
}
