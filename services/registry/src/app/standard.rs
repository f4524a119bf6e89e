//! RR cl. 2: a changed standard is recorded with the day it takes effect, and the State
//! Corporation and the Unified Contact Centre are told within 3 working days of that day
//! ([A-CHANGE-DATE]); the notices leave through the outbox.

use calendar::{DEFAULT_START, Term};
use casework::asked::Asked;
use chrono::NaiveDate;
use platform::ApiError;
use prost::Message;
use proto::housing::common::v1 as common;

use super::{Registry, calendar_error};
use crate::domain::standard::{CHANGE_NOTICE_RECIPIENTS, CHANGE_NOTICE_WORKING_DAYS, change_notice};
use crate::reporting;
use crate::store::{self, PublicationRow};

/// A change of the standard as published.
#[derive(Debug, Clone)]
pub struct Change {
    /// The day it takes effect.
    pub in_force_from: NaiveDate,
    /// The act that changes it.
    pub source: String,
    /// What changes, in Kazakh, Russian and English.
    pub summary: [String; 3],
}

/// Records `change` as `asked` with its notices; `answer` shows the publication (its resource
/// name and row), the answer a retry gets back.
#[tracing::instrument(level = "debug", name = "registry.publish_standard", skip_all, fields(request = %asked.reference))]
pub async fn publish<R: Message + Default + 'static>(
    deps: &Registry,
    asked: Asked,
    change: Change,
    answer: fn(&str, &PublicationRow) -> R,
) -> Result<R, ApiError> {
    // [A-CHANGE-DATE]: the 3 working days count from the day the change takes effect.
    let term = Term::working_days(CHANGE_NOTICE_WORKING_DAYS);
    let due = deps.calendar.due(change.in_force_from, term, DEFAULT_START).map_err(calendar_error)?;
    let [kk, ru, en] = change.summary;
    let row = PublicationRow {
        id: 0,
        in_force_from: change.in_force_from.to_string(),
        source: change.source,
        summary_kk: kk,
        summary_ru: ru,
        summary_en: en,
        notices_due_date: due.due_date.to_string(),
        notices_due_at: due.due_at,
        calendar_version: due.calendar_version.clone(),
        recorded_at: deps.clock.now(),
    };
    let committed = deps
        .db
        .transact(asked.command()?, move |tx| {
            Box::pin(async move {
                let id = store::insert_publication(tx, &row).await?;
                let name = format!("registry/standard-publications/{id}");
                let summary = [row.summary_kk.as_str(), row.summary_ru.as_str(), row.summary_en.as_str()];
                for recipient in CHANGE_NOTICE_RECIPIENTS {
                    let [kk, ru, en] = change_notice(&row.in_force_from, &row.source, summary);
                    let notice = common::LocalizedText { kk, ru, en };
                    tx.enqueue(reporting::change_notice(&name, recipient, notice)).await?;
                }
                let why = format!(
                    "standard changed from {}; notices due {} (RR cl. 2)",
                    row.in_force_from, row.notices_due_date
                );
                tx.audit(&name, &why).await?;
                Ok(answer(&name, &row))
            })
        })
        .await?;
    Ok(committed.response)
}
