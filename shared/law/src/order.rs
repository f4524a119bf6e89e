//! Order No. 76 of 26 February 2026 itself.

use chrono::NaiveDate;

/// The amending order is in force from 12 March 2026 ("2026 жылғы 12 наурыздан бастап"): the
/// three standards of its annexes apply to what is filed from that day.
pub const IN_FORCE_FROM: NaiveDate = match NaiveDate::from_ymd_opt(2026, 3, 12) {
    Some(day) => day,
    None => panic!("a valid date"),
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_76_is_in_force_from_12_march_2026() {
        assert_eq!(IN_FORCE_FROM.to_string(), "2026-03-12");
    }
}
