//! `MonitoringService/GetComplianceReport` and `GetStatistics`: the stage reports of a period
//! counted by `domain::compliance`, for the ministry and the quality-control body.

use std::collections::BTreeMap;

use chrono::{NaiveDate, TimeZone as _, Utc};
use platform::ApiError;
use proto::egov::gateway::v1 as pb;

use super::Gateway;
use crate::domain::compliance::{Reported, Tally, tally};
use crate::exchange_store::StageRow;

/// The longest period one report covers.
pub const MAX_PERIOD_DAYS: i64 = 366;

fn day(value: &str, field: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map_err(|_| ApiError::bad_field("DATE_INVALID", field, "a day, YYYY-MM-DD"))
}

/// The period `from`..=`to`, checked.
pub fn period(from: &str, to: &str) -> Result<(NaiveDate, NaiveDate), ApiError> {
    let (from, to) = (day(from, "from_date")?, day(to, "to_date")?);
    if to < from || (to - from).num_days() >= MAX_PERIOD_DAYS {
        return Err(ApiError::bad_field(
            "PERIOD_INVALID",
            "to_date",
            format!("on or after from_date, at most {MAX_PERIOD_DAYS} days in all"),
        ));
    }
    Ok((from, to))
}

fn counted(row: StageRow) -> (Reported, String) {
    let (_, service, case, _, occurred_at, _, _, _, code, provider, due, result, ground, place) = row;
    let on = occurred_at.with_timezone(&calendar::KAZAKHSTAN).date_naive();
    let due = NaiveDate::parse_from_str(&due, "%Y-%m-%d").ok();
    (Reported { case, service, provider, place, on, due, result, ground }, code)
}

impl Gateway {
    /// The reports of the cases active in `(from, to)`, of `service` when named, and the
    /// register codes of the services seen.
    async fn reported(
        &self,
        service: &str,
        (from, to): (NaiveDate, NaiveDate),
    ) -> Result<(Vec<Reported>, BTreeMap<String, String>), ApiError> {
        let start = |d: NaiveDate| {
            calendar::KAZAKHSTAN
                .from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
                .single()
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_default()
        };
        let (first, last) = (start(from), start(to + chrono::Duration::days(1)) - chrono::Duration::microseconds(1));
        let rows = self.registers.stages_of_period(service.trim(), first, last).await?;
        let mut codes = BTreeMap::new();
        let reports = rows
            .into_iter()
            .map(|row| {
                let (reported, code) = counted(row);
                if !code.is_empty() {
                    codes.insert(reported.service.clone(), code);
                }
                reported
            })
            .collect();
        Ok((reports, codes))
    }

    /// The compliance report.
    pub async fn compliance(
        &self,
        r: &pb::GetComplianceReportRequest,
    ) -> Result<pb::GetComplianceReportResponse, ApiError> {
        let span = period(&r.from_date, &r.to_date)?;
        let (reports, codes) = self.reported(&r.service, span).await?;
        let provider = r.provider_bin.trim();
        let reports: Vec<Reported> =
            reports.into_iter().filter(|x| provider.is_empty() || x.provider == provider).collect();
        let tallies = tally(&reports, span, |x| format!("{}\u{0}{}", x.service, x.provider));
        let rows = tallies
            .into_iter()
            .map(|(key, t)| {
                let (service, provider) = key.split_once('\u{0}').unwrap_or((key.as_str(), ""));
                pb::ComplianceRow {
                    service_code: codes.get(service).cloned().unwrap_or_default(),
                    service: service.to_owned(),
                    provider_bin: provider.to_owned(),
                    cases: count(t.cases),
                    decided: count(t.decided),
                    in_term: count(t.on_time),
                    late: count(t.late),
                    open_past_due: count(t.open_past_due),
                }
            })
            .collect();
        Ok(pb::GetComplianceReportResponse { rows })
    }

    /// The statistics.
    pub async fn statistics(&self, r: &pb::GetStatisticsRequest) -> Result<pb::GetStatisticsResponse, ApiError> {
        let span = period(&r.from_date, &r.to_date)?;
        let (reports, _) = self.reported(&r.service, span).await?;
        let prefix = r.place_prefix.trim();
        let reports: Vec<Reported> = reports.into_iter().filter(|x| x.place.starts_with(prefix)).collect();
        let grouping = pb::StatisticsGrouping::try_from(r.group_by).unwrap_or_default();
        let tallies = tally(&reports, span, |x| {
            let group = match grouping {
                pb::StatisticsGrouping::Provider => x.provider.as_str(),
                pb::StatisticsGrouping::Place => x.place.as_str(),
                _ => "",
            };
            format!("{}\u{0}{group}", x.service)
        });
        let rows = tallies
            .into_iter()
            .map(|(key, t)| {
                let (service, group) = key.split_once('\u{0}').unwrap_or((key.as_str(), ""));
                row(service, group, &t)
            })
            .collect();
        Ok(pb::GetStatisticsResponse { rows })
    }
}

fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn codes(counts: &BTreeMap<String, u64>) -> Vec<pb::CodeCount> {
    counts.iter().map(|(code, n)| pb::CodeCount { code: code.clone(), count: count(*n) }).collect()
}

fn row(service: &str, group: &str, t: &Tally) -> pb::StatisticsRow {
    pb::StatisticsRow {
        service: service.to_owned(),
        group: group.to_owned(),
        filed: count(t.filed),
        decided: count(t.decided),
        terms_kept: count(t.on_time),
        terms_breached: count(t.breached()),
        results: codes(&t.results),
        grounds: codes(&t.grounds),
    }
}
