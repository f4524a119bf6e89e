//! `GetServiceStandard`, the same in every service: the day asked about, and a standard as the
//! contract shows it.

use chrono::NaiveDate;
use law::RefusalGround;
use law::order::IN_FORCE_FROM;
use law::standard::{GROUNDS_ROW, Row, Text};
use platform::ApiError;
use proto::housing::common::v1 as common;

/// The day a `GetServiceStandard` request asks about: its `as_of` (YYYY-MM-DD), or `today` when
/// it names none. The order's standards hold from the day it came into force (Order §4); a day
/// before is `STANDARD_NOT_IN_FORCE`, as no earlier version is kept.
pub fn as_of(asked: &str, today: NaiveDate) -> Result<NaiveDate, ApiError> {
    let day = if asked.trim().is_empty() { today } else { crate::fields::date(asked, "as_of")? };
    if day < IN_FORCE_FROM {
        return Err(ApiError::not_found(
            "STANDARD_NOT_IN_FORCE",
            format!("this version of the standard is in force from {IN_FORCE_FROM} (order No. 76, §4); no earlier version is kept"),
        )
        .meta("in_force_from", IN_FORCE_FROM.to_string()));
    }
    Ok(day)
}

/// A text as the contract carries it.
pub fn text([kk, ru, en]: Text) -> common::LocalizedText {
    common::LocalizedText { kk: kk.into(), ru: ru.into(), en: en.into() }
}

/// A standard as the contract shows it: `rows` in order, the grounds' row made of the grounds'
/// own texts (so that the two never differ), and every ground of `G` with its record.
pub fn shown<G: RefusalGround>(
    service: &str,
    source: String,
    in_force_from: String,
    rows: impl IntoIterator<Item = Row>,
) -> common::ServiceStandard {
    let rows = rows
        .into_iter()
        .map(|row| common::StandardRow {
            number: row.number,
            heading: Some(text(row.heading)),
            items: if row.number == GROUNDS_ROW {
                G::ALL.iter().map(|g| text(g.texts())).collect()
            } else {
                row.items.iter().map(|t| text(*t)).collect()
            },
        })
        .collect();
    common::ServiceStandard {
        service: service.into(),
        source,
        in_force_from,
        rows,
        refusal_grounds: G::ALL.iter().map(|g| crate::refusal_ground(g.record(), "")).collect(),
    }
}
