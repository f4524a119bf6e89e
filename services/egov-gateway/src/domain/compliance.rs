//! What monitoring measures (SR cl. 26): from the stage reports of the cases active in a period,
//! per group (a service and its provider, a settlement, …), how many cases were filed, how many
//! decided, and whether each result came by the day it was due; and what the results and the
//! refusals' grounds were. A case still open past its due day at the period's end breached its
//! term as much as one decided late. Plain values, no I/O.

use std::collections::BTreeMap;

use chrono::NaiveDate;

/// One stage report as monitoring counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reported {
    /// The case.
    pub case: String,
    /// The service.
    pub service: String,
    /// The provider's BIN.
    pub provider: String,
    /// Where the case is decided.
    pub place: String,
    /// The day it happened, in Kazakhstan.
    pub on: NaiveDate,
    /// The day the stage is due (for a result, the day it was due by).
    pub due: Option<NaiveDate>,
    /// The result, at the stage that ends the case; else empty.
    pub result: String,
    /// The refusal ground of a refusal; else empty.
    pub ground: String,
}

/// The counts of one group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Cases filed in the period (their first report falls in it).
    pub filed: u64,
    /// Cases with any report in the period.
    pub cases: u64,
    /// Cases decided in the period (their last result in it).
    pub decided: u64,
    /// Of those, decided by the day due.
    pub on_time: u64,
    /// Of those, decided after it.
    pub late: u64,
    /// Cases still open at the period's end past the day their stage was due.
    pub open_past_due: u64,
    /// The results, by code.
    pub results: BTreeMap<String, u64>,
    /// The refusals, by ground.
    pub grounds: BTreeMap<String, u64>,
}

impl Tally {
    /// Terms breached: decided late, or open past due.
    pub fn breached(&self) -> u64 {
        self.late + self.open_past_due
    }
}

/// The tallies of the cases `reports` tell of (each case's reports in the order recorded), for
/// the period `from` to `to` (inclusive days), grouped by `key` of a case's first report.
pub fn tally(
    reports: &[Reported],
    (from, to): (NaiveDate, NaiveDate),
    key: impl Fn(&Reported) -> String,
) -> BTreeMap<String, Tally> {
    let mut by_case: BTreeMap<&str, Vec<&Reported>> = BTreeMap::new();
    for r in reports.iter().filter(|r| r.on <= to) {
        by_case.entry(r.case.as_str()).or_default().push(r);
    }
    let mut out: BTreeMap<String, Tally> = BTreeMap::new();
    for case in by_case.values() {
        let (Some(first), Some(last)) = (case.first(), case.last()) else { continue };
        if !case.iter().any(|r| (from..=to).contains(&r.on)) {
            continue;
        }
        let t = out.entry(key(first)).or_default();
        t.cases += 1;
        if (from..=to).contains(&first.on) {
            t.filed += 1;
        }
        let decided = case.iter().rev().find(|r| !r.result.is_empty() && (from..=to).contains(&r.on));
        if let Some(result) = decided {
            t.decided += 1;
            *t.results.entry(result.result.clone()).or_default() += 1;
            if !result.ground.is_empty() {
                *t.grounds.entry(result.ground.clone()).or_default() += 1;
            }
            if result.due.is_none_or(|due| result.on <= due) {
                t.on_time += 1;
            } else {
                t.late += 1;
            }
        }
        if last.result.is_empty() && last.due.is_some_and(|due| due < to) {
            t.open_past_due += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
    }

    fn report(case: &str, on: &str, due: &str, result: &str, ground: &str) -> Reported {
        Reported {
            case: case.into(),
            service: "registry".into(),
            provider: "000140000022".into(),
            place: "751110000".into(),
            on: day(on),
            due: (!due.is_empty()).then(|| day(due)),
            result: result.into(),
            ground: ground.into(),
        }
    }

    #[test]
    fn sr_cl_26_a_result_after_its_due_day_is_late_and_an_open_case_past_due_breaches_too() {
        let reports = [
            report("a", "2026-04-01", "2026-04-08", "", ""),
            report("a", "2026-04-03", "2026-04-08", "ENROLLED", ""),
            report("b", "2026-04-01", "2026-04-08", "", ""),
            report("b", "2026-04-10", "2026-04-08", "REFUSED", "NO_CONSENT"),
            report("c", "2026-04-02", "2026-04-09", "", ""),
            report("d", "2026-03-01", "2026-03-05", "", ""),
            report("d", "2026-03-04", "2026-03-05", "ENROLLED", ""),
        ];
        let tallies = tally(&reports, (day("2026-04-01"), day("2026-04-30")), |r| r.service.clone());
        let t = &tallies["registry"];
        assert_eq!((t.filed, t.cases, t.decided, t.on_time, t.late, t.open_past_due), (3, 3, 2, 1, 1, 1));
        assert_eq!(t.breached(), 2);
        assert_eq!(t.results.get("REFUSED"), Some(&1));
        assert_eq!(t.grounds.get("NO_CONSENT"), Some(&1));
    }

    #[test]
    fn a_period_counts_only_what_happened_in_it() {
        let reports = [report("a", "2026-04-01", "2026-04-08", "", ""), report("a", "2026-05-03", "", "ENROLLED", "")];
        let april = tally(&reports, (day("2026-04-01"), day("2026-04-30")), |r| r.place.clone());
        let t = &april["751110000"];
        assert_eq!((t.filed, t.decided, t.open_past_due), (1, 0, 1), "open past due at the end of April");
        let may = tally(&reports, (day("2026-05-01"), day("2026-05-31")), |r| r.place.clone());
        let t = &may["751110000"];
        assert_eq!((t.filed, t.decided, t.on_time, t.open_past_due), (0, 1, 1, 0));
    }
}
