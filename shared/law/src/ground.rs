//! The record of a refusal ground: a refusal under the law is a result, not an error, and it
//! carries its ground's stable code, the clause it rests on and its texts in Kazakh (the
//! order's words), Russian and English.

/// The Kazakh, Russian and English texts of a ground.
pub type Texts = [&'static str; 3];

/// What a result carries of its ground.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroundRecord {
    /// The stable code, such as `NONCONFORMING`.
    pub code: &'static str,
    /// The clause, such as "Annex 3 row 10(2)".
    pub clause: &'static str,
    /// The texts in kk, ru and en.
    pub texts: Texts,
}

/// A service's grounds of refusal: each knows its record; the list is in the order the
/// service cites them where several apply ([A-DECISION-ORDER]).
pub trait RefusalGround: Copy + 'static {
    /// Every ground, in citing order.
    const ALL: &'static [Self];

    /// The ground's record.
    fn record(self) -> GroundRecord;

    /// The stable code.
    fn code(self) -> &'static str {
        self.record().code
    }

    /// The clause it rests on.
    fn clause(self) -> &'static str {
        self.record().clause
    }

    /// Its texts in kk, ru and en.
    fn texts(self) -> Texts {
        self.record().texts
    }

    /// The ground with `code`, if the service has one.
    fn parse(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|g| g.code() == code)
    }
}

/// The ground a refusal cites when several were found: the first in the order the service's
/// ground enum is declared (each service declares its grounds in the order its decision table
/// checks them), with what was found under it; none when nothing found is a ground.
pub fn first_cited<G: Ord + Copy, T>(found: impl IntoIterator<Item = (Option<G>, T)>) -> Option<(G, T)> {
    found.into_iter().filter_map(|(ground, what)| ground.map(|g| (g, what))).min_by_key(|(g, _)| *g)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
    enum Sample {
        First,
        Second,
    }

    impl RefusalGround for Sample {
        const ALL: &'static [Sample] = &[Sample::First, Sample::Second];
        fn record(self) -> GroundRecord {
            match self {
                Sample::First => GroundRecord { code: "FIRST", clause: "row 1", texts: ["a", "b", "c"] },
                Sample::Second => GroundRecord { code: "SECOND", clause: "row 2", texts: ["d", "e", "f"] },
            }
        }
    }

    #[test]
    fn a_ground_is_found_by_its_code_and_only_by_it() {
        assert_eq!(Sample::parse("SECOND"), Some(Sample::Second));
        assert_eq!(Sample::parse("second"), None);
        assert_eq!((Sample::First.clause(), Sample::First.texts()[2]), ("row 1", "c"));
    }

    #[test]
    fn the_first_ground_in_the_order_of_the_table_is_cited() {
        let found = [(None, "fact"), (Some(Sample::Second), "late"), (Some(Sample::First), "missing")];
        assert_eq!(first_cited(found), Some((Sample::First, "missing")));
        assert_eq!(first_cited([(None::<Sample>, "fact")]), None);
    }
}
