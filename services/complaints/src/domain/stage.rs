//! The stages of a complaint's review (SR cl. 25-34): under review within its term, extended
//! once with a notice to the complainant, and decided: upheld or dismissed.

use law::UnknownCode;

/// A stage of a complaint's review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// Registered; the reviewing body decides within its term.
    UnderReview,
    /// The term is extended (SR cl. 34), once.
    Extended,
    /// Upheld: the provider must act on it.
    Upheld,
    /// Dismissed, with its reasons.
    Dismissed,
}

use Stage::*;

impl law::Stage for Stage {
    const ALL: &'static [Stage] = &[UnderReview, Extended, Upheld, Dismissed];

    fn code(self) -> &'static str {
        match self {
            UnderReview => "UNDER_REVIEW",
            Extended => "EXTENDED",
            Upheld => "UPHELD",
            Dismissed => "DISMISSED",
        }
    }

    fn is_closed(self) -> bool {
        matches!(self, Upheld | Dismissed)
    }

    /// SR cl. 34: a review is extended once, while under review; it is decided while open.
    fn may_follow(self, from: Stage) -> bool {
        match self {
            Extended => from == UnderReview,
            Upheld | Dismissed => matches!(from, UnderReview | Extended),
            UnderReview => false,
        }
    }
}

impl TryFrom<String> for Stage {
    type Error = UnknownCode;
    fn try_from(code: String) -> Result<Stage, UnknownCode> {
        law::Stage::parse(&code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use law::Stage as _;

    #[test]
    fn sr_cl_34_a_review_is_extended_once_and_decided_while_open() {
        assert!(Extended.may_follow(UnderReview) && !Extended.may_follow(Extended));
        assert!(Upheld.may_follow(Extended) && Dismissed.may_follow(UnderReview) && !Upheld.may_follow(Dismissed));
        assert_eq!(law::stage::closed_codes::<Stage>(), ["UPHELD", "DISMISSED"]);
        for &s in Stage::ALL {
            assert_eq!(Stage::parse(s.code()), Ok(s));
        }
    }
}
