//! The review of a complaint (SR cl. 34; PR cl. 14): the extension's reasons and length, and the
//! texts of its notice and of the decision, in Kazakh, Russian and English.

use super::Stage;
use super::terms::MAX_EXTENSION_DAYS;
use law::remedy::Remedy;

/// SR cl. 34: the reasons an extension may be granted for.
pub const EXTENSION_REASONS: [&str; 3] =
    ["ADDITIONAL_STUDY_OR_INSPECTION", "SITE_INSPECTION", "ADDITIONAL_INFORMATION"];

/// Where an upheld complaint reopens a refused case in its service (DESIGN.md "Cases, deadlines
/// and evidence"): decided again at once from acceptance, or with an official's review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReopenAt {
    /// Accepted again and decided at once (the default).
    Accepted,
    /// Put before an official (the registry's partially automated cases).
    UnderReview,
}

impl ReopenAt {
    /// The stage a decision names (`ACCEPTED`, `UNDER_REVIEW`; none means `ACCEPTED`).
    pub fn parse(code: &str) -> Option<ReopenAt> {
        match code.trim() {
            "" | "ACCEPTED" => Some(ReopenAt::Accepted),
            "UNDER_REVIEW" => Some(ReopenAt::UnderReview),
            _ => None,
        }
    }
}

/// Why an extension as asked cannot be granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtensionRefused {
    /// Zero days, or more than SR cl. 34 allows.
    TooLong,
    /// No reason, or one SR cl. 34 does not permit.
    ReasonNotPermitted,
}

/// SR cl. 34: an extension adds 1 to [`MAX_EXTENSION_DAYS`] working days, for the permitted
/// reasons only (`reasons` as asked, each a code of [`EXTENSION_REASONS`] or none).
pub fn extension(days: i32, reasons: &[Option<&'static str>]) -> Result<(u32, Vec<&'static str>), ExtensionRefused> {
    let days = u32::try_from(days).unwrap_or(0);
    if !(1..=MAX_EXTENSION_DAYS).contains(&days) {
        return Err(ExtensionRefused::TooLong);
    }
    let permitted: Option<Vec<&'static str>> =
        reasons.iter().map(|r| r.filter(|code| EXTENSION_REASONS.contains(code))).collect();
    match permitted {
        Some(codes) if !codes.is_empty() => Ok((days, codes)),
        _ => Err(ExtensionRefused::ReasonNotPermitted),
    }
}

/// The notice of an extension (SR cl. 34): complaint `business_id` is now due on `due_date`.
pub fn extension_notice(business_id: &str, due_date: &str, explanation: &str) -> [String; 3] {
    [
        format!("{business_id} шағымын қарау мерзімі {due_date} дейін ұзартылды: {explanation}"),
        format!("Срок рассмотрения жалобы {business_id} продлён до {due_date}: {explanation}"),
        format!("The review of complaint {business_id} is extended to {due_date}: {explanation}"),
    ]
}

/// The decision on complaint `business_id` about `application`, and its text: upheld, with
/// its remedy (`None`: the case stays as it is) in every language, or dismissed, with the
/// reviewer's reason.
pub fn decision(
    business_id: &str,
    application: &str,
    uphold: bool,
    remedy: Option<&Remedy>,
    reason: &str,
) -> (Stage, [String; 3]) {
    if uphold {
        let [kk, ru, en] = match remedy {
            Some(remedy) => remedy.text(application),
            None => [
                format!("{application} өтініші өзгеріссіз қалады"),
                format!("заявление {application} остаётся как есть"),
                format!("{application} stays as it is"),
            ],
        };
        let texts = [
            format!("{business_id} шағымы қанағаттандырылды ({kk}): {reason}"),
            format!("Жалоба {business_id} удовлетворена ({ru}): {reason}"),
            format!("Complaint {business_id} is upheld ({en}): {reason}"),
        ];
        (Stage::Upheld, texts)
    } else {
        let texts = [
            format!("{business_id} шағымы қанағаттандырусыз қалдырылды: {reason}"),
            format!("Жалоба {business_id} оставлена без удовлетворения: {reason}"),
            format!("Complaint {business_id} is dismissed: {reason}"),
        ];
        (Stage::Dismissed, texts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upheld_complaint_reopens_at_acceptance_unless_it_names_an_officials_review() {
        assert_eq!(ReopenAt::parse(""), Some(ReopenAt::Accepted));
        assert_eq!(ReopenAt::parse(" ACCEPTED "), Some(ReopenAt::Accepted));
        assert_eq!(ReopenAt::parse("UNDER_REVIEW"), Some(ReopenAt::UnderReview));
        assert_eq!(ReopenAt::parse("ENROLLED"), None);
    }

    #[test]
    fn sr_cl_34_an_extension_adds_one_to_ten_working_days_for_a_permitted_reason() {
        let site = Some("SITE_INSPECTION");
        assert_eq!(extension(10, &[site]), Ok((10, vec!["SITE_INSPECTION"])));
        assert_eq!(extension(11, &[site]), Err(ExtensionRefused::TooLong));
        assert_eq!(extension(0, &[site]), Err(ExtensionRefused::TooLong));
        assert_eq!(extension(5, &[]), Err(ExtensionRefused::ReasonNotPermitted));
        assert_eq!(extension(5, &[site, None]), Err(ExtensionRefused::ReasonNotPermitted));
    }

    #[test]
    fn a_decision_names_its_remedy_in_three_languages() {
        let reopen = Some(&Remedy::Reopen);
        let (stage, [kk, ru, en]) = decision("C-1", "registry/applications/7", true, reopen, "the register erred");
        assert_eq!(stage, Stage::Upheld);
        assert!(kk.contains("қанағаттандырылды") && ru.contains("удовлетворена"));
        assert_eq!(en, "Complaint C-1 is upheld (registry/applications/7 is reconsidered): the register erred");
        assert_eq!(decision("C-1", "x", false, None, "r").0, Stage::Dismissed);
    }

    #[test]
    fn the_kazakh_text_names_the_remedy_as_the_others_do() {
        let answer = Some(&Remedy::AnswerWithin(3));
        let (_, [kk, ru, en]) = decision("C-2", "registry/applications/8", true, answer, "no answer was given");
        assert!(kk.contains("3 жұмыс күні ішінде жауап беру"), "{kk}");
        assert!(ru.contains("в течение 3 рабочих дней") && en.contains("within 3 working days"));
    }
}
