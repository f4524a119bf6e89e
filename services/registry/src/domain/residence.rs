//! Where an applicant must be registered to enrol (Housing Relations Law Art. 74(1) as amended;
//! RULES.md G-R1): permanent registration in the region (oblys) of the settlement applied for, and
//! for the lists of Astana, Almaty and Shymkent registration in that city for at least the last
//! three years ([A-CITY-3Y]). Read from the address register's history, never asked (Annex 2
//! row 9 last paragraph); a miss is `NONCONFORMING` (row 10(2)) with its own sub-reason.

use chrono::{Days, NaiveDate};

use super::years_before;

/// [A-CITY-3Y]: the years of registration the three cities of republican significance ask. The
/// order is silent; the Housing Relations Law as amended in 2025 is known from the news only
/// (RULES.md G-R1), so a lawyer's answer changes this one constant.
pub const CITY_RESIDENCE_YEARS: i32 = 3;

/// The cities whose lists ask [`CITY_RESIDENCE_YEARS`], by region code, with their names.
pub const CITIES_WITH_RESIDENCE_TERM: &[(&str, &str)] = &[("71", "Astana"), ("75", "Almaty"), ("79", "Shymkent")];

/// [A-KATO-REGION]: the first two digits of a settlement's code name its region or city of
/// republican significance, as in the classifier of administrative-territorial objects.
pub fn region(kato: &str) -> &str {
    kato.get(..2).unwrap_or(kato)
}

/// A registration at an address over a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// The settlement's code.
    pub kato: String,
    /// Registered since.
    pub from: NaiveDate,
    /// Registered until; `None` for the current address.
    pub to: Option<NaiveDate>,
}

/// How the registrations stand to the settlement applied for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Residence {
    /// The rule is met; in words.
    Met(String),
    /// One of the three cities, registered there for less than the years asked: since when,
    /// when registered there now at all.
    CityTooShort {
        /// The city.
        city: &'static str,
        /// Registered there without a break since.
        since: Option<NaiveDate>,
    },
    /// Not registered now in the region of the settlement.
    OutsideRegion {
        /// The region of the current registration, if any.
        registered_in: Option<String>,
    },
}

/// Where the registrations leave an application for `settlement_kato` accepted on `accepted_on`.
pub fn check(settlement_kato: &str, registrations: &[Registration], accepted_on: NaiveDate) -> Residence {
    let wanted = region(settlement_kato);
    let current = registrations.iter().find(|r| r.to.is_none_or(|to| to >= accepted_on) && r.from <= accepted_on);
    let Some(current) = current.filter(|r| region(&r.kato) == wanted) else {
        return Residence::OutsideRegion { registered_in: current.map(|r| region(&r.kato).to_owned()) };
    };
    let Some((_, city)) = CITIES_WITH_RESIDENCE_TERM.iter().find(|(code, _)| *code == wanted) else {
        return Residence::Met(format!("registered in the region {wanted} since {}", current.from));
    };
    let since = continuous_since(wanted, registrations, current.from);
    let needed = years_before(accepted_on, CITY_RESIDENCE_YEARS);
    if since <= needed {
        Residence::Met(format!("registered in {city} since {since}, {CITY_RESIDENCE_YEARS} years or more [A-CITY-3Y]"))
    } else {
        Residence::CityTooShort { city, since: Some(since) }
    }
}

/// The first day of the unbroken run of registrations in `region` that ends with the one that
/// began on `from`: a move within the city keeps the run (the next begins by the day after the
/// last ended).
fn continuous_since(wanted: &str, registrations: &[Registration], from: NaiveDate) -> NaiveDate {
    let mut since = from;
    loop {
        let earlier = registrations
            .iter()
            .filter(|r| region(&r.kato) == wanted && r.from < since)
            .find(|r| r.to.is_none_or(|to| to.checked_add_days(Days::new(1)).is_some_and(|next| next >= since)));
        match earlier {
            Some(r) => since = r.from,
            None => return since,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn at(kato: &str, from: NaiveDate, to: Option<NaiveDate>) -> Registration {
        Registration { kato: kato.into(), from, to }
    }

    const ASTANA: &str = "711210000";
    const ALMATY: &str = "751110000";
    const SHYMKENT: &str = "791510000";
    const KARAGANDA: &str = "351010000";
    const KARAGANDA_DISTRICT: &str = "354430000";

    #[test]
    fn a_city_3y_astana_almaty_shymkent_ask_three_years_to_the_day() {
        let accepted = d(2026, 4, 14);
        for city in [ASTANA, ALMATY, SHYMKENT] {
            let exactly = [at(city, d(2023, 4, 14), None)];
            assert!(matches!(check(city, &exactly, accepted), Residence::Met(_)), "{city}");
            let a_day_short = [at(city, d(2023, 4, 15), None)];
            assert!(
                matches!(check(city, &a_day_short, accepted), Residence::CityTooShort { since: Some(s), .. } if s == d(2023, 4, 15)),
                "{city}"
            );
        }
    }

    #[test]
    fn a_city_3y_a_move_within_the_city_keeps_the_years_and_a_spell_elsewhere_breaks_them() {
        let accepted = d(2026, 4, 14);
        let moved_within = [at(ALMATY, d(2024, 1, 1), None), at(ALMATY, d(2010, 1, 1), Some(d(2023, 12, 31)))];
        assert!(matches!(check(ALMATY, &moved_within, accepted), Residence::Met(_)));
        let away = [
            at(ALMATY, d(2025, 1, 1), None),
            at(KARAGANDA, d(2024, 1, 1), Some(d(2024, 12, 31))),
            at(ALMATY, d(2010, 1, 1), Some(d(2023, 12, 31))),
        ];
        assert_eq!(
            check(ALMATY, &away, accepted),
            Residence::CityTooShort { city: "Almaty", since: Some(d(2025, 1, 1)) }
        );
    }

    #[test]
    fn g_r1_elsewhere_permanent_registration_in_the_region_is_enough() {
        let accepted = d(2026, 4, 14);
        let newcomer = [at(KARAGANDA_DISTRICT, d(2026, 4, 1), None)];
        assert!(matches!(check(KARAGANDA, &newcomer, accepted), Residence::Met(_)));
        let elsewhere = [at(ASTANA, d(2000, 1, 1), None)];
        assert_eq!(
            check(KARAGANDA, &elsewhere, accepted),
            Residence::OutsideRegion { registered_in: Some("71".into()) }
        );
        assert_eq!(check(ASTANA, &[], accepted), Residence::OutsideRegion { registered_in: None });
        let left = [at(ASTANA, d(2000, 1, 1), Some(d(2026, 1, 1)))];
        assert_eq!(check(ASTANA, &left, accepted), Residence::OutsideRegion { registered_in: None });
    }
}
