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
                    let message = tx.enqueue(reporting::change_notice(&name, recipient, notice)).await?;
                    store::insert_notice(tx, id, recipient, &message.to_string()).await?;
                }
                // When the day due ends, the sweeper judges whether each notice left in time.
                tx.schedule(NOTICES_DUE, &name, row.notices_due_at).await?;
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

/// The sweeper's job that judges a publication's notices when their day due has ended.
pub const NOTICES_DUE: &str = "NOTICES_DUE";

/// RR cl. 2, the `NOTICES_DUE` job: each notice of publication `job.subject` left in time if its
/// message was delivered by the end of the day due and the change was recorded by then (one
/// recorded after it, as this order's own was, could not be told in time); otherwise it is
/// marked late, once.
pub async fn judge_notices(
    tx: &mut platform::store::WriteTx,
    job: &platform::store::sweeper::Job,
) -> Result<(), ApiError> {
    let id = casework::fields::id_of(&job.subject, "registry/standard-publications", "subject")?;
    let Some(publication) = store::publication_in(tx, id).await? else {
        return tx.audit(&job.subject, "no such publication").await;
    };
    let recorded_late = publication.recorded_at > publication.notices_due_at;
    for (recipient, delivered, judged) in store::notices_in(tx, id).await? {
        if judged.is_some() {
            continue;
        }
        let late = recorded_late || !delivered;
        store::judge_notice(tx, id, &recipient, late).await?;
        let verdict = if late { "late" } else { "in time" };
        let why = format!("RR cl. 2: the notice to {recipient} due {} left {verdict}", publication.notices_due_date);
        tx.audit(&job.subject, &why).await?;
    }
    Ok(())
}

/// This order's own change of the standard, in force from 12 March 2026 (Order §4): recorded
/// once, at the registry's first start, with its notices, whose day due (Tue 17 March 2026)
/// has passed, so the sweeper finds them late. A fixed request id makes every later start, on
/// any replica, a repeat that changes nothing.
pub async fn record_order(deps: &Registry) -> Result<(), ApiError> {
    const REQUEST: &str = "76762026-0226-4076-8000-000000000076";
    let summary = [
        "Бұйрық № 76 мемлекеттік көрсетілетін қызмет стандартына өзгерістер енгізеді".to_owned(),
        "Приказ № 76 вносит изменения в стандарт государственной услуги".to_owned(),
        "Order No. 76 amends the standard of the state service".to_owned(),
    ];
    let change = Change {
        in_force_from: law::order::IN_FORCE_FROM,
        source: crate::domain::standard::SOURCE.to_owned(),
        summary,
    };
    let principal = platform::Principal {
        subsystem: platform::Subsystem::Registry,
        official: None,
        user_iin: None,
        representative: None,
    };
    let asked = Asked::new(principal, ORDER_METHOD, REQUEST, &prost_types::Timestamp::default(), false)?;
    publish(deps, asked, change, |_, _| ()).await
}

/// The method the order's own publication is recorded under.
const ORDER_METHOD: &str = "/kz.housing.registry.v1.RegistryService/PublishServiceStandard";
