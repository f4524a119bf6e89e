//! Keyset pages: a page size with the contract's bounds, and opaque tokens.

use chrono::{DateTime, Utc};
use platform::ApiError;

/// A page size: 0 means 50, more than 500 is read as 500.
pub fn page_size(value: i32) -> Result<i64, ApiError> {
    match value {
        v if v < 0 => Err(ApiError::bad_field("PAGE_SIZE_INVALID", "page_size", "zero or more")),
        0 => Ok(50),
        v => Ok(i64::from(v.min(500))),
    }
}

/// Splits the `limit + 1` rows a page query read into the page and the next page's token,
/// made from the page's last row; the token is empty on the last page.
pub fn paged<T>(mut rows: Vec<T>, limit: i64, token: impl Fn(&T) -> String) -> (Vec<T>, String) {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next = if more { rows.last().map(token).unwrap_or_default() } else { String::new() };
    (rows, next)
}

/// A keyset page token: an instant and an id, opaque to clients.
pub fn page_token(at: DateTime<Utc>, id: i64) -> String {
    hex::encode(format!("{}|{id}", at.to_rfc3339()))
}

/// Reads a keyset page token; empty is the first page.
pub fn after(token: &str) -> Result<Option<(DateTime<Utc>, i64)>, ApiError> {
    if token.is_empty() {
        return Ok(None);
    }
    let bad = || ApiError::bad_field("PAGE_TOKEN_INVALID", "page_token", "not a token this method gave");
    let text = String::from_utf8(hex::decode(token).map_err(|_| bad())?).map_err(|_| bad())?;
    let (at, id) = text.split_once('|').ok_or_else(bad)?;
    let at = DateTime::parse_from_rfc3339(at).map_err(|_| bad())?.with_timezone(&Utc);
    Ok(Some((at, id.parse().map_err(|_| bad())?)))
}

/// A sequence page token (an event's or a row's number); empty is the first page.
pub fn sequence_token(token: &str) -> Result<i64, ApiError> {
    if token.is_empty() {
        return Ok(0);
    }
    token
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError::bad_field("PAGE_TOKEN_INVALID", "page_token", "not a token this method gave"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_read_with_one_row_more_has_a_next_token() {
        let (page, next) = paged(vec![1, 2, 3], 2, |n| n.to_string());
        assert_eq!((page, next.as_str()), (vec![1, 2], "2"));
        let (page, next) = paged(vec![1, 2], 2, |n| n.to_string());
        assert_eq!((page, next.as_str()), (vec![1, 2], ""));
    }

    #[test]
    fn page_tokens_round_trip_and_foreign_ones_are_refused() {
        let at = DateTime::parse_from_rfc3339("2026-04-15T05:00:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(after(&page_token(at, 42)).unwrap(), Some((at, 42)));
        assert_eq!(after("").unwrap(), None);
        assert_eq!(after("zz").unwrap_err().reason(), "PAGE_TOKEN_INVALID");
        assert_eq!(sequence_token("-1").unwrap_err().reason(), "PAGE_TOKEN_INVALID");
        assert_eq!(page_size(0).unwrap(), 50);
        assert_eq!(page_size(9999).unwrap(), 500);
        assert_eq!(page_size(-1).unwrap_err().reason(), "PAGE_SIZE_INVALID");
    }
}
