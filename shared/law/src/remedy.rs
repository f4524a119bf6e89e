//! The remedy of an upheld complaint (State Services Law art. 25: the reviewing body's decision
//! binds the provider): a refused case reopened, or an instruction to the provider, carried to
//! the provider's service and tracked there until an official reports it done.

use crate::Term;

/// [A-INSTRUCTION-TERM]: the order sets no term for carrying out an instruction that names
/// none; the suite gives the provider 5 working days, the term of a complaint's review to the
/// provider itself (SR cl. 33), so that an instruction left undone shows as overdue.
pub const INSTRUCTION_TERM: Term = Term::working_days(5, "SR cl. 33 [A-INSTRUCTION-TERM]");

/// The longest term an instruction may give, in working days (the longest review term
/// extended, SR cl. 33-34).
pub const MAX_ANSWER_DAYS: u32 = 30;

/// What an upheld complaint orders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Remedy {
    /// Reopen the refused case.
    Reopen,
    /// Render the service: decide the case the provider left undecided.
    RenderService,
    /// Stop demanding a document the applicant need not give.
    StopDemandingDocument(String),
    /// Answer the applicant within so many working days.
    AnswerWithin(u32),
}

/// Why a remedy as asked is not one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemedyRefused {
    /// STOP_DEMANDING_DOCUMENT without the document's kind.
    DocumentKindMissing,
    /// ANSWER_WITHIN without 1 to [`MAX_ANSWER_DAYS`] days.
    DaysOutOfRange,
}

impl Remedy {
    /// The remedy of its contract code (`RENDER_SERVICE`), document kind and days; `None` for
    /// an unstated one.
    pub fn parse(code: &str, document_kind: &str, days: i64) -> Result<Option<Remedy>, RemedyRefused> {
        Ok(Some(match code {
            "REOPEN" => Remedy::Reopen,
            "RENDER_SERVICE" => Remedy::RenderService,
            "STOP_DEMANDING_DOCUMENT" => {
                let kind = document_kind.trim();
                if kind.is_empty() {
                    return Err(RemedyRefused::DocumentKindMissing);
                }
                Remedy::StopDemandingDocument(kind.to_owned())
            }
            "ANSWER_WITHIN" => match u32::try_from(days) {
                Ok(d) if (1..=MAX_ANSWER_DAYS).contains(&d) => Remedy::AnswerWithin(d),
                _ => return Err(RemedyRefused::DaysOutOfRange),
            },
            _ => return Ok(None),
        }))
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Remedy::Reopen => "REOPEN",
            Remedy::RenderService => "RENDER_SERVICE",
            Remedy::StopDemandingDocument(_) => "STOP_DEMANDING_DOCUMENT",
            Remedy::AnswerWithin(_) => "ANSWER_WITHIN",
        }
    }

    /// Whether it is an instruction to the provider (anything but reopening).
    pub fn is_instruction(&self) -> bool {
        *self != Remedy::Reopen
    }

    /// The term the provider has to carry it out.
    pub fn term(&self) -> Term {
        match self {
            Remedy::AnswerWithin(days) => Term::working_days(*days, "State Services Law art. 25"),
            _ => INSTRUCTION_TERM,
        }
    }

    /// What the provider is to do about `case`, in Kazakh, Russian and English.
    pub fn text(&self, case: &str) -> [String; 3] {
        match self {
            Remedy::Reopen => [
                format!("{case} өтініші қайта қаралады"),
                format!("заявление {case} пересматривается"),
                format!("{case} is reconsidered"),
            ],
            Remedy::RenderService => [
                format!("қызмет берушіге {case} бойынша мемлекеттік қызметті көрсету тапсырылады"),
                format!("услугодателю поручено оказать государственную услугу по {case}"),
                format!("the provider is instructed to render the service on {case}"),
            ],
            Remedy::StopDemandingDocument(kind) => [
                format!("қызмет берушіге {case} бойынша {kind} құжатын талап етуді тоқтату тапсырылады"),
                format!("услугодателю поручено прекратить требовать документ {kind} по {case}"),
                format!("the provider is instructed to stop demanding the document {kind} on {case}"),
            ],
            Remedy::AnswerWithin(days) => [
                format!("қызмет берушіге {case} бойынша {days} жұмыс күні ішінде жауап беру тапсырылады"),
                format!("услугодателю поручено ответить по {case} в течение {days} рабочих дней"),
                format!("the provider is instructed to answer on {case} within {days} working days"),
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remedy_reads_from_its_code_and_checks_what_it_needs() {
        assert_eq!(Remedy::parse("", "", 0), Ok(None));
        assert_eq!(Remedy::parse("RENDER_SERVICE", "", 0), Ok(Some(Remedy::RenderService)));
        assert_eq!(Remedy::parse("STOP_DEMANDING_DOCUMENT", " ", 0), Err(RemedyRefused::DocumentKindMissing));
        assert_eq!(Remedy::parse("ANSWER_WITHIN", "", 0), Err(RemedyRefused::DaysOutOfRange));
        assert_eq!(Remedy::parse("ANSWER_WITHIN", "", 31), Err(RemedyRefused::DaysOutOfRange));
        assert_eq!(Remedy::parse("ANSWER_WITHIN", "", 3), Ok(Some(Remedy::AnswerWithin(3))));
        assert!(!Remedy::Reopen.is_instruction() && Remedy::RenderService.is_instruction());
    }

    #[test]
    fn an_instruction_has_its_own_term_or_the_assumed_five_working_days() {
        assert_eq!(Remedy::AnswerWithin(3).term().length, calendar::Term::working_days(3));
        assert_eq!(Remedy::RenderService.term(), INSTRUCTION_TERM);
    }

    #[test]
    fn every_remedy_is_written_in_three_languages_naming_the_case() {
        for remedy in [
            Remedy::Reopen,
            Remedy::RenderService,
            Remedy::StopDemandingDocument("NO_DEBT_CERTIFICATE".into()),
            Remedy::AnswerWithin(3),
        ] {
            assert!(remedy.text("registry/applications/7").iter().all(|t| t.contains("registry/applications/7")));
        }
    }
}
