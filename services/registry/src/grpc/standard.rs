//! The service standard (Annex 2) as data, in the version in force on a date; and RR cl. 2:
//! a changed standard is recorded with the date it takes effect and the State Corporation and
//! the Unified Contact Centre are told within 3 working days of it [A-CHANGE-DATE].

use casework::asked::Asked;
use platform::ApiError;
use proto::housing::common::v1 as common;
use proto::housing::registry::v1 as pb;
use tonic::Request;

use super::{Registry, convert};
use crate::app::standard::{Change, publish};
use crate::domain::Ground;
use crate::domain::standard::{self, CHANGE_NOTICE_RECIPIENTS, CHANGE_NOTICE_WORKING_DAYS, IN_FORCE_FROM, ROWS};
use crate::store::{self, PublicationRow};
use casework::history::timestamp as ts;

const PUBLISH: &str = "/kz.housing.registry.v1.RegistryService/PublishServiceStandard";

impl Registry {
    pub(super) async fn service_standard(
        &self,
        r: pb::GetServiceStandardRequest,
    ) -> Result<pb::GetServiceStandardResponse, ApiError> {
        let pb::GetServiceStandardRequest { as_of } = r;
        let as_of = casework::standard::as_of(&as_of, self.clock.now_local().date_naive())?;
        // A change published under RR cl. 2 names its own source and day once it is in force.
        let change = store::publication_in_force(&self.db, &as_of.to_string()).await?;
        let (in_force_from, source) = match change {
            Some(p) => (p.in_force_from, p.source),
            None => (IN_FORCE_FROM.to_string(), standard::SOURCE.to_owned()),
        };
        let standard = casework::standard::shown::<Ground>("registry", source, in_force_from, ROWS);
        Ok(pb::GetServiceStandardResponse { standard: Some(standard) })
    }

    pub(super) async fn publish_standard(
        &self,
        request: Request<pb::PublishServiceStandardRequest>,
    ) -> Result<pb::PublishServiceStandardResponse, ApiError> {
        let (asked, r) = Asked::of(request, PUBLISH, |m| &m.request_id)?;
        let pb::PublishServiceStandardRequest { request_id: _, in_force_from, source, summary } = &r;
        let from = casework::fields::date(in_force_from, "in_force_from")?;
        if from < IN_FORCE_FROM {
            return Err(ApiError::bad_field(
                "DATE_BEFORE_STANDARD",
                "in_force_from",
                format!("on or after {IN_FORCE_FROM}"),
            ));
        }
        let source = convert::text(source, "source")?;
        let summary = summary.clone().unwrap_or_default();
        let summary = [
            convert::text(&summary.kk, "summary.kk")?,
            convert::text(&summary.ru, "summary.ru")?,
            convert::text(&summary.en, "summary.en")?,
        ];
        let change = Change { in_force_from: from, source, summary };
        publish(self, asked, change, publication).await
    }
}

/// A publication as `PublishServiceStandard` answers it (its notices not judged yet).
fn publication(name: &str, row: &PublicationRow) -> pb::PublishServiceStandardResponse {
    pb::PublishServiceStandardResponse { publication: Some(shown(name, row, &[])) }
}

/// A publication with its notices.
fn shown(name: &str, row: &PublicationRow, notices: &[store::NoticeRow]) -> pb::StandardPublication {
    let breached = notices.iter().any(|(_, _, late)| *late == Some(1));
    pb::StandardPublication {
        name: name.to_owned(),
        in_force_from: row.in_force_from.clone(),
        source: row.source.clone(),
        summary: Some(common::LocalizedText {
            kk: row.summary_kk.clone(),
            ru: row.summary_ru.clone(),
            en: row.summary_en.clone(),
        }),
        notices_due: Some(common::Deadline {
            term: i32::try_from(CHANGE_NOTICE_WORKING_DAYS).unwrap_or(3),
            unit: common::TermUnit::WorkingDays.into(),
            counted_from: "CHANGE_IN_FORCE".into(),
            counted_from_time: None,
            due_date: row.notices_due_date.clone(),
            due_time: Some(ts(row.notices_due_at)),
            clause: "RR cl. 2".into(),
            calendar_version: row.calendar_version.clone(),
            breached,
            provisional: casework::history::provisional(&row.calendar_version),
        }),
        recipients: CHANGE_NOTICE_RECIPIENTS.iter().map(|r| (*r).to_owned()).collect(),
        recorded_time: Some(ts(row.recorded_at)),
        notices: notices
            .iter()
            .map(|(recipient, sent, late)| pb::PublicationNotice {
                recipient: recipient.clone(),
                sent: *sent,
                judged: late.is_some(),
                late: *late == Some(1),
            })
            .collect(),
    }
}

impl Registry {
    /// The standard's history with the state of its notices.
    pub(super) async fn publications(&self) -> Result<pb::ListStandardPublicationsResponse, ApiError> {
        let mut publications = Vec::new();
        for row in store::publications(&self.db).await? {
            let notices = store::notices(&self.db, row.id).await?;
            publications.push(shown(&format!("registry/standard-publications/{}", row.id), &row, &notices));
        }
        Ok(pb::ListStandardPublicationsResponse { publications })
    }
}
