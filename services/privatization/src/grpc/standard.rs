//! The service standard (Annex 1) as data, in the version in force on a date.

use casework::fields;
use law::RefusalGround as _;
use platform::ApiError;
use proto::housing::common::v1 as common;
use proto::housing::privatization::v1 as pb;

use super::{Privatization, convert};
use crate::domain::Ground;
use crate::domain::standard::{IN_FORCE_FROM, ROWS, SOURCE};

fn text([kk, ru, en]: [&str; 3]) -> common::LocalizedText {
    common::LocalizedText { kk: kk.into(), ru: ru.into(), en: en.into() }
}

impl Privatization {
    pub(super) fn service_standard(
        &self,
        r: pb::GetServiceStandardRequest,
    ) -> Result<pb::GetServiceStandardResponse, ApiError> {
        let as_of = if r.as_of.trim().is_empty() {
            self.clock.now_local().date_naive()
        } else {
            fields::date(&r.as_of, "as_of")?
        };
        if as_of < IN_FORCE_FROM {
            return Err(ApiError::not_found(
                "STANDARD_NOT_IN_FORCE",
                format!("this version of the standard is in force from {IN_FORCE_FROM} (order No. 76, §4); no earlier version is kept"),
            )
            .meta("in_force_from", IN_FORCE_FROM.to_string()));
        }
        let rows = ROWS
            .iter()
            .map(|row| common::StandardRow {
                number: row.number,
                heading: Some(text(row.heading)),
                // Row 10 is the grounds' own texts, so that the two never differ.
                items: if row.number == 10 {
                    Ground::ALL.iter().map(|g| text(g.texts())).collect()
                } else {
                    row.items.iter().map(|t| text(*t)).collect()
                },
            })
            .collect();
        Ok(pb::GetServiceStandardResponse {
            standard: Some(common::ServiceStandard {
                service: "privatization".into(),
                source: SOURCE.into(),
                in_force_from: IN_FORCE_FROM.to_string(),
                rows,
                refusal_grounds: Ground::ALL.iter().map(|g| convert::refusal(*g, "")).collect(),
            }),
        })
    }
}
