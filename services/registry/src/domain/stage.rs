//! The stages of an enrolment application (Annex 2 rows 4-6; RR cl. 1): accepted, put to an
//! official's review (the partially automated cases), enrolled or refused, reopened after an
//! upheld complaint, removed from the list.

use law::UnknownCode;

/// A stage of an enrolment application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// Accepted; the decision is due within the case's term (Annex 2 row 4).
    Accepted,
    /// An official reviews the documents and the state systems' data (Annex 2 rows 5(2), 5(3)).
    UnderReview,
    /// On the waiting list, with a queue number.
    Enrolled,
    /// A motivated refusal (Annex 2 row 10).
    Refused,
    /// Reopened after an upheld complaint: decided again.
    Reconsideration,
    /// Taken off the waiting list.
    Removed,
    /// Withdrawn by the applicant or their representative before the decision; the person may
    /// file again (RR cl. 1 holds a place only while a case is open or enrolled).
    Withdrawn,
}

use Stage::*;

impl law::Stage for Stage {
    const ALL: &'static [Stage] = &[Accepted, UnderReview, Enrolled, Refused, Reconsideration, Removed, Withdrawn];

    fn code(self) -> &'static str {
        match self {
            Accepted => "ACCEPTED",
            UnderReview => "UNDER_REVIEW",
            Enrolled => "ENROLLED",
            Refused => "REFUSED",
            Reconsideration => "RECONSIDERATION",
            Removed => "REMOVED",
            Withdrawn => "WITHDRAWN",
        }
    }

    fn is_closed(self) -> bool {
        matches!(self, Enrolled | Refused | Removed | Withdrawn)
    }

    fn may_follow(self, from: Stage) -> bool {
        match self {
            UnderReview | Enrolled | Refused => {
                matches!(from, Accepted | Reconsideration) || (self != UnderReview && from == UnderReview)
            }
            Reconsideration => from == Refused,
            Removed => from == Enrolled,
            Withdrawn => Stage::UNDECIDED.contains(&from),
            Accepted => false,
        }
    }
}

impl Stage {
    /// The stages in which an application holds its person's place on a list: one at a time
    /// per person, settlement and list (RR cl. 1).
    pub const HOLDING_A_PLACE: [Stage; 4] = [Accepted, UnderReview, Reconsideration, Enrolled];

    /// [A-WITHDRAW]: the stages before the decision, from which the applicant may withdraw (the
    /// order is silent on withdrawal; an application not yet decided may be, as any request may).
    pub const UNDECIDED: [Stage; 3] = [Accepted, UnderReview, Reconsideration];

    /// Whether the case waits for the automated step (the state systems' data).
    pub fn waits_for_facts(self) -> bool {
        matches!(self, Accepted | Reconsideration)
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
    fn rr_cl_1_an_application_is_decided_once_reopened_only_when_refused_and_removed_only_when_enrolled() {
        assert!(Enrolled.may_follow(Accepted) && Refused.may_follow(UnderReview) && UnderReview.may_follow(Accepted));
        assert!(!Enrolled.may_follow(Refused) && !UnderReview.may_follow(UnderReview));
        assert!(Reconsideration.may_follow(Refused) && !Reconsideration.may_follow(Enrolled));
        assert!(Removed.may_follow(Enrolled) && !Removed.may_follow(Refused));
        assert_eq!(law::stage::closed_codes::<Stage>(), ["ENROLLED", "REFUSED", "REMOVED", "WITHDRAWN"]);
        for &s in Stage::ALL {
            assert_eq!(Stage::parse(s.code()), Ok(s));
        }
    }

    #[test]
    fn a_withdraw_an_application_is_withdrawn_only_before_its_decision_and_then_holds_no_place() {
        for &s in Stage::ALL {
            assert_eq!(Withdrawn.may_follow(s), Stage::UNDECIDED.contains(&s), "{s:?}");
        }
        assert!(!Stage::HOLDING_A_PLACE.contains(&Withdrawn));
    }
}
