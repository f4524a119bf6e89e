//! A legal term with the clause that sets it: the count comes from the calendar's `Term`, the
//! clause travels with it into every deadline, report and refusal that cites it.

/// A term of the law, such as "3 working days" of Annex 3 row 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    /// How long, in calendar or working days.
    pub length: calendar::Term,
    /// The clause that sets it, as results cite it ("Annex 3 row 4").
    pub clause: &'static str,
}

impl Term {
    /// `count` calendar days, set by `clause`.
    pub const fn calendar_days(count: u32, clause: &'static str) -> Term {
        Term { length: calendar::Term::calendar_days(count), clause }
    }

    /// `count` working days, set by `clause`.
    pub const fn working_days(count: u32, clause: &'static str) -> Term {
        Term { length: calendar::Term::working_days(count), clause }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_term_keeps_its_length_and_its_clause() {
        let t = Term::working_days(3, "Annex 3 row 4");
        assert_eq!((t.length, t.clause), (calendar::Term::working_days(3), "Annex 3 row 4"));
        assert_ne!(Term::calendar_days(3, "x").length, t.length);
    }
}
