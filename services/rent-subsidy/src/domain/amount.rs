//! The subsidy's amount [A-SUBSIDY-AMOUNT], [Q-12]: min(rent × share, cap), scaled down by the
//! area norm when the dwelling is larger than the norm for the family. Every figure is data with
//! the day it takes effect (`data/subsidy-parameters.toml`), never a constant here; a decision
//! records the version it used.

use chrono::NaiveDate;

/// One set of parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parameters {
    /// Its version, recorded with each decision and payment.
    pub version: String,
    /// The first day it is in force.
    pub effective_from: NaiveDate,
    /// The share of the rent paid, in thousandths.
    pub share_permille: i64,
    /// The most a family may earn a month per member, in tiyn.
    pub income_threshold_per_member_tiyn: i64,
    /// The months of income averaged (G-S2: the last 6).
    pub income_months: u32,
    /// The most paid a month, in tiyn.
    pub cap_tiyn: i64,
    /// The living area per family member the subsidy covers, in tenths of m².
    pub area_norm_per_member_decimetres: i64,
}

/// The parameter sets, by effective date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule(Vec<Parameters>);

/// The shipped parameters.
pub const SHIPPED: &str = include_str!("../../data/subsidy-parameters.toml");

impl Schedule {
    /// Reads the sets from TOML (`[[set]]` tables).
    pub fn parse(text: &str) -> Result<Schedule, String> {
        let table: toml::Table = text.parse().map_err(|e| format!("subsidy parameters: {e}"))?;
        let sets = table.get("set").and_then(|s| s.as_array()).ok_or("subsidy parameters: no [[set]]")?;
        let mut out = Vec::new();
        for (n, set) in sets.iter().enumerate() {
            let text = |key: &str| {
                set.get(key)
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
                    .ok_or(format!("set {n}: {key} is required text"))
            };
            let number = |key: &str| {
                set.get(key)
                    .and_then(toml::Value::as_integer)
                    .ok_or(format!("set {n}: {key} is required, a whole number"))
            };
            let effective_from = NaiveDate::parse_from_str(&text("effective_from")?, "%Y-%m-%d")
                .map_err(|e| format!("set {n}: effective_from: {e}"))?;
            let p = Parameters {
                version: text("version")?,
                effective_from,
                share_permille: number("share_permille")?,
                income_threshold_per_member_tiyn: number("income_threshold_per_member_tiyn")?,
                income_months: u32::try_from(number("income_months")?)
                    .map_err(|_| format!("set {n}: income_months"))?,
                cap_tiyn: number("cap_tiyn")?,
                area_norm_per_member_decimetres: number("area_norm_per_member_decimetres")?,
            };
            if !(0..=1000).contains(&p.share_permille) || p.cap_tiyn < 0 || p.income_months == 0 {
                return Err(format!("set {n}: a share within 0..=1000, a cap of zero or more and at least one month"));
            }
            out.push(p);
        }
        out.sort_by_key(|p| p.effective_from);
        Ok(Schedule(out))
    }

    /// The set in force on `day`.
    pub fn in_force(&self, day: NaiveDate) -> Option<&Parameters> {
        self.0.iter().rev().find(|p| p.effective_from <= day)
    }
}

/// The monthly amount for a lease, in tiyn.
pub fn monthly(p: &Parameters, rent_tiyn: i64, area_decimetres: i64, family_size: i64) -> i64 {
    let share = (rent_tiyn * p.share_permille / 1000).min(p.cap_tiyn);
    let norm = p.area_norm_per_member_decimetres * family_size.max(1);
    if area_decimetres > norm && area_decimetres > 0 { share * norm / area_decimetres } else { share }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subsidy_amount_comes_from_the_set_in_force_on_the_day() {
        let s = Schedule::parse(SHIPPED).unwrap();
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        assert_eq!(s.in_force(d(4, 15)).unwrap().version, "2026.1");
        assert_eq!(s.in_force(d(7, 1)).unwrap().version, "2026.2");
        let april = s.in_force(d(4, 15)).unwrap();
        // Half the rent: 120,000 KZT → 60,000 KZT.
        assert_eq!(monthly(april, 12_000_000, 500, 3), 6_000_000);
        // The cap: 400,000 KZT → 150,000 KZT in April, 120,000 KZT from July.
        assert_eq!(monthly(april, 40_000_000, 500, 3), 15_000_000);
        assert_eq!(monthly(s.in_force(d(7, 1)).unwrap(), 40_000_000, 500, 3), 12_000_000);
        // A 72 m² flat for a family of two (norm 36 m²) is paid for half its area.
        assert_eq!(monthly(april, 12_000_000, 720, 2), 3_000_000);
    }

    #[test]
    fn bad_parameters_are_refused() {
        assert!(Schedule::parse("[[set]]\nversion = \"x\"").is_err());
        assert!(Schedule::parse("nothing = 1").is_err());
    }
}
