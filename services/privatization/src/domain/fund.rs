//! The three fund kinds of Annex 1 row 4 and the stages each goes through, with their terms
//! (RULES.md 3.2). Each stage names the step awaited; an official's act closes it and opens
//! the next with its deadline.

use calendar::Term;

/// Who holds the dwelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fund {
    /// Row 4(1): the communal housing fund.
    Communal,
    /// Row 4(2): the fund of a communal state institution or enterprise.
    CommunalEntity,
    /// Row 4(3): the fund of a republican state institution or enterprise.
    RepublicanEntity,
}

/// A stage: the step awaited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// Stages 1 and 2: the housing commission's decision.
    Accepted,
    /// Row 4(3) stage 3(a): the state property body's decision.
    PropertyBodyDecision,
    /// Row 4(3) stage 3(b): the transfer act.
    TransferAct,
    /// Row 4(2) stage 3, row 4(3) stage 3(c): state registration of the transfer.
    Registration,
    /// The last stage: the privatization contract.
    Contract,
    /// The contract is signed.
    Completed,
    /// A motivated refusal.
    Refused,
    /// Reopened after an upheld complaint: the commission decides again.
    Reconsideration,
    /// Withdrawn by the applicant or their representative before the commission decided.
    Withdrawn,
}

impl Stage {
    /// [A-WITHDRAW]: the stages before the commission's decision, from which the applicant may
    /// withdraw (the order is silent on withdrawal; an application not yet decided may be, as
    /// any request may).
    pub const UNDECIDED: [Stage; 2] = [Stage::Accepted, Stage::Reconsideration];
}

/// The acts that close a stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// The housing commission decides to privatize.
    CommissionDecision,
    /// The state property body decides on the transfer.
    PropertyBodyDecision,
    /// The transfer act is signed and approved.
    TransferAct,
    /// The registering body registers the transfer.
    StateRegistration,
    /// The contract is signed.
    Contract,
}

/// A stored fund, decoded when its row is read.
impl TryFrom<String> for Fund {
    type Error = law::UnknownCode;
    fn try_from(code: String) -> Result<Fund, law::UnknownCode> {
        Fund::parse(&code).ok_or_else(|| law::UnknownCode::new("fund", &code))
    }
}

impl Fund {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Fund::Communal => "FUND_COMMUNAL",
            Fund::CommunalEntity => "FUND_COMMUNAL_ENTITY",
            Fund::RepublicanEntity => "FUND_REPUBLICAN_ENTITY",
        }
    }

    /// The fund with `code`.
    pub fn parse(code: &str) -> Option<Fund> {
        [Fund::Communal, Fund::CommunalEntity, Fund::RepublicanEntity].into_iter().find(|f| f.code() == code)
    }

    /// The clause of the fund's row.
    pub fn clause(self) -> &'static str {
        match self {
            Fund::Communal => "Annex 1 row 4(1)",
            Fund::CommunalEntity => "Annex 1 row 4(2)",
            Fund::RepublicanEntity => "Annex 1 row 4(3)",
        }
    }

    /// The stage an act opens, or `None` when the act does not close the stage the case is at
    /// (a wrong kind, or out of order).
    pub fn after(self, at: Stage, act: Act) -> Option<Stage> {
        use {Act as A, Fund as F, Stage as S};
        Some(match (self, at, act) {
            (F::Communal, S::Accepted | S::Reconsideration, A::CommissionDecision) => S::Contract,
            (F::CommunalEntity, S::Accepted | S::Reconsideration, A::CommissionDecision) => S::Registration,
            (F::RepublicanEntity, S::Accepted | S::Reconsideration, A::CommissionDecision) => S::PropertyBodyDecision,
            (F::RepublicanEntity, S::PropertyBodyDecision, A::PropertyBodyDecision) => S::TransferAct,
            (F::RepublicanEntity, S::TransferAct, A::TransferAct) => S::Registration,
            (F::CommunalEntity | F::RepublicanEntity, S::Registration, A::StateRegistration) => S::Contract,
            (_, S::Contract, A::Contract) => S::Completed,
            _ => return None,
        })
    }

    /// The act a stage awaits in this fund.
    pub fn awaited(self, at: Stage) -> Option<Act> {
        [Act::CommissionDecision, Act::PropertyBodyDecision, Act::TransferAct, Act::StateRegistration, Act::Contract]
            .into_iter()
            .find(|act| self.after(at, *act).is_some())
    }
}

impl law::Stage for Stage {
    const ALL: &'static [Stage] = {
        use Stage::*;
        &[
            Accepted,
            PropertyBodyDecision,
            TransferAct,
            Registration,
            Contract,
            Completed,
            Refused,
            Reconsideration,
            Withdrawn,
        ]
    };

    fn code(self) -> &'static str {
        match self {
            Stage::Accepted => "ACCEPTED",
            Stage::PropertyBodyDecision => "PROPERTY_BODY_DECISION",
            Stage::TransferAct => "TRANSFER_ACT",
            Stage::Registration => "REGISTRATION",
            Stage::Contract => "CONTRACT",
            Stage::Completed => "COMPLETED",
            Stage::Refused => "REFUSED",
            Stage::Reconsideration => "RECONSIDERATION",
            Stage::Withdrawn => "WITHDRAWN",
        }
    }

    fn is_closed(self) -> bool {
        matches!(self, Stage::Completed | Stage::Refused | Stage::Withdrawn)
    }

    /// An act of some fund leads from `from` to this stage (row 4); a refusal ends any open
    /// stage (row 10); only a refused case is reconsidered.
    fn may_follow(self, from: Stage) -> bool {
        const ACTS: [Act; 5] = [
            Act::CommissionDecision,
            Act::PropertyBodyDecision,
            Act::TransferAct,
            Act::StateRegistration,
            Act::Contract,
        ];
        match self {
            Stage::Refused => !from.is_closed(),
            Stage::Reconsideration => from == Stage::Refused,
            Stage::Withdrawn => Stage::UNDECIDED.contains(&from),
            Stage::Accepted => false,
            next => [Fund::Communal, Fund::CommunalEntity, Fund::RepublicanEntity]
                .into_iter()
                .any(|fund| ACTS.into_iter().any(|act| fund.after(from, act) == Some(next))),
        }
    }
}

impl TryFrom<String> for Stage {
    type Error = law::UnknownCode;
    fn try_from(code: String) -> Result<Stage, law::UnknownCode> {
        law::Stage::parse(&code)
    }
}

/// Stages 1 and 2: the commission decides within 30 calendar days of the submission (row 4).
pub const COMMISSION_TERM: Term = Term::calendar_days(30);
/// Row 4(2) stage 3; row 4(3) stage 3(c): state registration within 15 calendar days.
pub const REGISTRATION_TERM: Term = Term::calendar_days(15);
/// Row 4(3) stage 3(a): the property body decides within 15 calendar days.
pub const PROPERTY_BODY_TERM: Term = Term::calendar_days(15);
/// Row 4(3) stage 3: the whole transfer within 30 calendar days of the commission's decision.
pub const TRANSFER_TERM: Term = Term::calendar_days(30);
/// The contract within 5 working days; [A-P-CONTRACT]: counted from the previous stage's end.
pub const CONTRACT_TERM: Term = Term::working_days(5);

/// The term of a stage entered, the event it counts from, and its clause. The transfer act
/// has no term of its own: it runs inside the whole transfer's 30 days (row 4(3)).
pub fn term(fund: Fund, stage: Stage) -> Option<(Term, &'static str, String)> {
    let clause = fund.clause();
    match stage {
        Stage::Accepted | Stage::Reconsideration => Some((
            COMMISSION_TERM,
            "APPLICATION_ACCEPTED",
            format!("{clause}, stages 1-2; [A-SC-TRANSIT], [A-START-ACCEPT]"),
        )),
        Stage::PropertyBodyDecision => {
            Some((PROPERTY_BODY_TERM, "COMMISSION_DECISION", format!("{clause}, stage 3(a)")))
        }
        Stage::TransferAct => {
            Some((TRANSFER_TERM, "COMMISSION_DECISION", format!("{clause}, stage 3: the whole transfer")))
        }
        Stage::Registration => match fund {
            Fund::RepublicanEntity => {
                Some((REGISTRATION_TERM, "PROPERTY_BODY_DECISION", format!("{clause}, stage 3(c); [A-REG-START]")))
            }
            _ => Some((REGISTRATION_TERM, "COMMISSION_DECISION", format!("{clause}, stage 3"))),
        },
        Stage::Contract => {
            Some((CONTRACT_TERM, "PREVIOUS_STAGE_COMPLETED", format!("{clause}, contract; [A-P-CONTRACT]")))
        }
        Stage::Completed | Stage::Refused | Stage::Withdrawn => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_withdraw_an_application_is_withdrawn_only_before_the_commission_decides() {
        use law::Stage as _;
        for &s in <Stage as law::Stage>::ALL {
            assert_eq!(Stage::Withdrawn.may_follow(s), Stage::UNDECIDED.contains(&s), "{s:?}");
        }
        assert!(Stage::Withdrawn.is_closed());
    }

    #[test]
    fn annex_1_row_4_each_fund_goes_its_own_way_to_the_contract() {
        let path =
            |fund: Fund, acts: &[Act]| acts.iter().try_fold(Stage::Accepted, |at, act| fund.after(at, *act)).unwrap();
        use Act::*;
        assert_eq!(path(Fund::Communal, &[CommissionDecision, Contract]), Stage::Completed);
        assert_eq!(path(Fund::CommunalEntity, &[CommissionDecision, StateRegistration, Contract]), Stage::Completed);
        assert_eq!(
            path(
                Fund::RepublicanEntity,
                &[CommissionDecision, PropertyBodyDecision, TransferAct, StateRegistration, Contract]
            ),
            Stage::Completed
        );
    }

    #[test]
    fn a_wrong_kind_or_an_act_out_of_order_opens_nothing() {
        assert_eq!(Fund::Communal.after(Stage::Contract, Act::StateRegistration), None);
        assert_eq!(Fund::CommunalEntity.after(Stage::Registration, Act::PropertyBodyDecision), None);
        assert_eq!(Fund::RepublicanEntity.after(Stage::PropertyBodyDecision, Act::TransferAct), None);
        assert_eq!(Fund::RepublicanEntity.after(Stage::Accepted, Act::Contract), None);
        assert_eq!(Fund::RepublicanEntity.awaited(Stage::TransferAct), Some(Act::TransferAct));
        assert_eq!(Fund::Communal.awaited(Stage::Completed), None);
    }

    #[test]
    fn annex_1_row_4_terms() {
        assert_eq!(term(Fund::Communal, Stage::Accepted).unwrap().0, Term::calendar_days(30));
        assert_eq!(term(Fund::RepublicanEntity, Stage::PropertyBodyDecision).unwrap().0, Term::calendar_days(15));
        assert_eq!(term(Fund::RepublicanEntity, Stage::Registration).unwrap().1, "PROPERTY_BODY_DECISION");
        assert_eq!(term(Fund::CommunalEntity, Stage::Registration).unwrap().1, "COMMISSION_DECISION");
        assert_eq!(term(Fund::Communal, Stage::Contract).unwrap().0, Term::working_days(5));
    }
}
