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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
}
