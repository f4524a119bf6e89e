//! The subsidy's term (Annex 3 row 4), once: the filing's deadline and a reconsideration's new
//! one are both counted from it.

use law::Term;

/// Annex 3 row 4: the service is rendered within three working days.
pub const DECISION: Term = Term::working_days(3, "Annex 3 row 4");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annex_3_row_4_three_working_days() {
        assert_eq!(DECISION.length, calendar::Term::working_days(3));
        assert_eq!(DECISION.clause, "Annex 3 row 4");
    }
}
