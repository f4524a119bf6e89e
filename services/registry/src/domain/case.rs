//! The three cases of Annex 2 row 4, their terms (row 4), forms (row 5) and the documents
//! each asks of the applicant (row 9).

use calendar::Term;

/// A case of Annex 2 row 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Case {
    /// Row 4(1): owned no dwelling in Kazakhstan during the last five years.
    NoDwelling5y,
    /// Row 4(2): the only dwelling is recognized as emergency.
    EmergencyOnlyDwelling,
    /// Row 4(3): the information system holds no data on the orphan.
    OrphanDataMissing,
}

/// A document the applicant must upload: one of `kinds` ("and/or" in the order's text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentRule {
    /// The kinds that satisfy it.
    pub kinds: &'static [&'static str],
    /// The clause that asks for it.
    pub clause: &'static str,
}

/// Row 9(2): the electronic copy of the attested expert's technical conclusion.
pub const EXPERT_TECHNICAL_CONCLUSION: &str = "EXPERT_TECHNICAL_CONCLUSION";
/// Row 9(3): documents confirming the absence of the parents' care.
pub const PARENTAL_CARE_ABSENCE_PROOF: &str = "PARENTAL_CARE_ABSENCE_PROOF";
/// Row 9(3): documents confirming the legal representative's status.
pub const LEGAL_REPRESENTATIVE_STATUS: &str = "LEGAL_REPRESENTATIVE_STATUS";

/// Every kind of document the registry accepts.
pub const DOCUMENT_KINDS: &[&str] =
    &[EXPERT_TECHNICAL_CONCLUSION, PARENTAL_CARE_ABSENCE_PROOF, LEGAL_REPRESENTATIVE_STATUS];

/// A stored case, decoded when its row is read.
impl TryFrom<String> for Case {
    type Error = law::UnknownCode;
    fn try_from(code: String) -> Result<Case, law::UnknownCode> {
        Case::parse(&code).ok_or_else(|| law::UnknownCode::new("case", &code))
    }
}

impl Case {
    /// Every case.
    pub const ALL: [Case; 3] = [Case::NoDwelling5y, Case::EmergencyOnlyDwelling, Case::OrphanDataMissing];

    /// The stable code, as the contract's enum names it without its prefix.
    pub fn code(self) -> &'static str {
        match self {
            Case::NoDwelling5y => "NO_DWELLING_5Y",
            Case::EmergencyOnlyDwelling => "EMERGENCY_ONLY_DWELLING",
            Case::OrphanDataMissing => "ORPHAN_DATA_MISSING",
        }
    }

    /// The case with `code`.
    pub fn parse(code: &str) -> Option<Case> {
        Case::ALL.into_iter().find(|c| c.code() == code)
    }

    /// The term of the whole service (row 4): 1 working day, or 3.
    pub fn term(self) -> Term {
        match self {
            Case::NoDwelling5y => Term::working_days(1),
            Case::EmergencyOnlyDwelling | Case::OrphanDataMissing => Term::working_days(3),
        }
    }

    /// The clause of the term.
    pub fn term_clause(self) -> &'static str {
        match self {
            Case::NoDwelling5y => "Annex 2 row 4(1)",
            Case::EmergencyOnlyDwelling => "Annex 2 row 4(2)",
            Case::OrphanDataMissing => "Annex 2 row 4(3)",
        }
    }

    /// Row 5: fully automated (no human step, [A-AUTO]) or partially automated.
    pub fn fully_automated(self) -> bool {
        self == Case::NoDwelling5y
    }

    /// Row 9: what the applicant uploads besides the application (the rest comes through the
    /// gateway, row 9 last paragraph).
    pub fn documents(self) -> &'static [DocumentRule] {
        match self {
            Case::NoDwelling5y => &[],
            Case::EmergencyOnlyDwelling => {
                &[DocumentRule { kinds: &[EXPERT_TECHNICAL_CONCLUSION], clause: "Annex 2 row 9(2)" }]
            }
            Case::OrphanDataMissing => &[DocumentRule {
                kinds: &[PARENTAL_CARE_ABSENCE_PROOF, LEGAL_REPRESENTATIVE_STATUS],
                clause: "Annex 2 row 9(3)",
            }],
        }
    }

    /// The case an application runs as: [A-ORPHAN] an orphan whose data the state systems hold
    /// is the ordinary case, decided in one working day with nothing uploaded.
    pub fn effective(self, orphan_data_held: bool) -> Case {
        if self == Case::OrphanDataMissing && orphan_data_held { Case::NoDwelling5y } else { self }
    }

    /// The rules `kinds` leave unmet: [A-INCOMPLETE] refuses such a submission at the door.
    pub fn missing_documents<'k>(self, kinds: impl IntoIterator<Item = &'k str> + Clone) -> Vec<DocumentRule> {
        self.documents()
            .iter()
            .filter(|rule| !kinds.clone().into_iter().any(|k| rule.kinds.contains(&k)))
            .copied()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annex_2_row_4_terms_and_row_5_forms() {
        assert_eq!(Case::NoDwelling5y.term(), Term::working_days(1));
        assert_eq!(Case::EmergencyOnlyDwelling.term(), Term::working_days(3));
        assert_eq!(Case::OrphanDataMissing.term(), Term::working_days(3));
        assert!(Case::NoDwelling5y.fully_automated());
        assert!(!Case::EmergencyOnlyDwelling.fully_automated() && !Case::OrphanDataMissing.fully_automated());
    }

    #[test]
    fn at_03_the_expert_conclusion_is_asked_only_in_the_emergency_case() {
        assert!(Case::NoDwelling5y.missing_documents([]).is_empty());
        let missing = Case::EmergencyOnlyDwelling.missing_documents([]);
        assert_eq!(missing[0].kinds, &[EXPERT_TECHNICAL_CONCLUSION]);
        assert!(Case::EmergencyOnlyDwelling.missing_documents([EXPERT_TECHNICAL_CONCLUSION]).is_empty());
    }

    #[test]
    fn row_9_3_is_satisfied_by_either_document() {
        assert_eq!(Case::OrphanDataMissing.missing_documents([]).len(), 1);
        assert!(Case::OrphanDataMissing.missing_documents([LEGAL_REPRESENTATIVE_STATUS]).is_empty());
        assert!(Case::OrphanDataMissing.missing_documents([PARENTAL_CARE_ABSENCE_PROOF]).is_empty());
    }

    #[test]
    fn a_orphan_held_data_make_the_ordinary_case() {
        assert_eq!(Case::OrphanDataMissing.effective(true), Case::NoDwelling5y);
        assert_eq!(Case::OrphanDataMissing.effective(false), Case::OrphanDataMissing);
        assert_eq!(Case::EmergencyOnlyDwelling.effective(true), Case::EmergencyOnlyDwelling);
    }
}
