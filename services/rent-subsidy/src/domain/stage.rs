//! The stages of a rent-subsidy application (Annex 3 rows 4-6, 10): accepted, reviewed by an
//! official, assigned with its monthly payments or refused, terminated when the payments stop,
//! reopened after an upheld complaint.

use law::UnknownCode;

/// A stage of a rent-subsidy application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// Accepted; the sources are read and the decision is due in 3 working days (row 4).
    Accepted,
    /// An official checks the lease against the sources (row 5).
    UnderReview,
    /// The subsidy is assigned; the months are paid as they fall due (row 6).
    Assigned,
    /// A motivated refusal (row 10).
    Refused,
    /// The payments stopped: the lease ended or the person left the waiting list.
    Terminated,
    /// Reopened after an upheld complaint: decided again.
    Reconsideration,
    /// Withdrawn by the applicant or their representative before the decision; the person may
    /// apply again.
    Withdrawn,
}

use Stage::*;

impl law::Stage for Stage {
    const ALL: &'static [Stage] = &[Accepted, UnderReview, Assigned, Refused, Terminated, Reconsideration, Withdrawn];

    fn code(self) -> &'static str {
        match self {
            Accepted => "ACCEPTED",
            UnderReview => "UNDER_REVIEW",
            Assigned => "ASSIGNED",
            Refused => "REFUSED",
            Terminated => "TERMINATED",
            Reconsideration => "RECONSIDERATION",
            Withdrawn => "WITHDRAWN",
        }
    }

    fn is_closed(self) -> bool {
        matches!(self, Assigned | Refused | Terminated | Withdrawn)
    }

    fn may_follow(self, from: Stage) -> bool {
        match self {
            UnderReview => matches!(from, Accepted | Reconsideration),
            Assigned => from == UnderReview,
            Refused => matches!(from, Accepted | UnderReview | Reconsideration),
            Terminated => from == Assigned,
            Reconsideration => from == Refused,
            Withdrawn => Stage::UNDECIDED.contains(&from),
            Accepted => false,
        }
    }
}

impl Stage {
    /// The stages in which an application holds its person's one subsidy: open, or assigned.
    pub const HOLDING: [Stage; 4] = [Accepted, UnderReview, Assigned, Reconsideration];

    /// [A-WITHDRAW]: the stages before the decision, from which the applicant may withdraw (the
    /// order is silent on withdrawal; an application not yet decided may be, as any request may).
    pub const UNDECIDED: [Stage; 3] = [Accepted, UnderReview, Reconsideration];

    /// Whether the application waits for the sources' facts (the automated step).
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
    fn a_withdraw_an_application_is_withdrawn_only_before_its_decision_and_then_holds_no_subsidy() {
        for &s in Stage::ALL {
            assert_eq!(Withdrawn.may_follow(s), Stage::UNDECIDED.contains(&s), "{s:?}");
        }
        assert!(!Stage::HOLDING.contains(&Withdrawn));
    }

    #[test]
    fn annex_3_rows_5_6_10_assigned_only_after_review_terminated_only_when_assigned() {
        assert!(Assigned.may_follow(UnderReview) && !Assigned.may_follow(Accepted));
        assert!(Terminated.may_follow(Assigned) && !Terminated.may_follow(Refused));
        assert!(Refused.may_follow(Accepted) && Reconsideration.may_follow(Refused));
        assert_eq!(law::stage::closed_codes::<Stage>(), ["ASSIGNED", "REFUSED", "TERMINATED", "WITHDRAWN"]);
        for &s in Stage::ALL {
            assert_eq!(Stage::parse(s.code()), Ok(s));
        }
    }
}
