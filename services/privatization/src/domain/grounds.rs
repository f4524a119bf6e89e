//! The grounds of a motivated refusal of privatization (Annex 1 row 10), with their texts: the
//! Kazakh follows the order's wording; Russian and English are the suite's translations.

use law::{GroundRecord, RefusalGround};

/// A ground of refusal, in [A-DECISION-ORDER]: consent, court grounds, non-conformity,
/// unreliable documents; where several apply, the first is cited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ground {
    /// Row 10(5): no consent to access restricted personal data (Personal Data Law Art. 8).
    NoPersonalDataConsent,
    /// Row 10(3): a court decision in force bans an activity requiring the service.
    CourtActivityBan,
    /// Row 10(4): a court decision in force deprives the applicant of a special right connected with it.
    CourtSpecialRightDeprived,
    /// Row 10(2): the applicant or the materials do not meet the Rules' requirements.
    Nonconforming,
    /// Row 10(1): the documents or the data in them are unreliable.
    UnreliableDocuments,
}

impl RefusalGround for Ground {
    /// Every ground, in [A-DECISION-ORDER].
    const ALL: &'static [Ground] = &[
        Ground::NoPersonalDataConsent,
        Ground::CourtActivityBan,
        Ground::CourtSpecialRightDeprived,
        Ground::Nonconforming,
        Ground::UnreliableDocuments,
    ];

    /// Its code, the clause it rests on, and its text in Kazakh (the order's words), Russian
    /// and English.
    fn record(self) -> GroundRecord {
        match self {
            Ground::NoPersonalDataConsent => GroundRecord {
                code: "NO_PERSONAL_DATA_CONSENT",
                clause: "Annex 1 row 10(5)",
                texts: [
                    "«Дербес деректер және оларды қорғау туралы» Қазақстан Республикасы Заңының 8-бабына сәйкес көрсетілетін қызметті алушының мемлекеттік қызметті көрсету үшін талап етілетін қолжетімділігі шектеулі дербес деректерге қол жеткізуге келісімінің болмауы",
                    "Отсутствие согласия услугополучателя, предоставляемого в соответствии со статьёй 8 Закона Республики Казахстан «О персональных данных и их защите», на доступ к персональным данным ограниченного доступа, которые требуются для оказания государственной услуги",
                    "The recipient has not consented, under Article 8 of the Law \"On personal data and their protection\", to access to the restricted-access personal data the service requires",
                ],
            },
            Ground::CourtActivityBan => GroundRecord {
                code: "COURT_ACTIVITY_BAN",
                clause: "Annex 1 row 10(3)",
                texts: [
                    "Көрсетілетін қызметті алушыға қатысты белгілі бір мемлекеттік қызметті алуды талап ететін қызметке немесе қызметтің жекелеген түрлеріне тыйым салу туралы заңды күшіне енген сот шешімі (үкімі) бар",
                    "В отношении услугополучателя имеется вступившее в законную силу решение (приговор) суда о запрещении деятельности или отдельных видов деятельности, требующих получения определённой государственной услуги",
                    "A court decision (verdict) in legal force against the recipient prohibits an activity, or kinds of activity, that require this state service",
                ],
            },
            Ground::CourtSpecialRightDeprived => GroundRecord {
                code: "COURT_SPECIAL_RIGHT_DEPRIVED",
                clause: "Annex 1 row 10(4)",
                texts: [
                    "Көрсетілетін қызметті алушыға қатысты заңды күшіне енген сот шешімі бар, оның негізінде көрсетілетін қызметті алушы мемлекеттік көрсетілетін қызметті алуға байланысты арнайы құқығынан айырылған",
                    "В отношении услугополучателя имеется вступившее в законную силу решение суда, на основании которого услугополучатель лишён специального права, связанного с получением государственной услуги",
                    "A court decision in legal force deprives the recipient of a special right connected with receiving the service",
                ],
            },
            Ground::Nonconforming => GroundRecord {
                code: "NONCONFORMING",
                clause: "Annex 1 row 10(2)",
                texts: [
                    "Көрсетілетін қызметті алушының және мемлекеттік қызметті көрсету үшін қажетті ұсынылған материалдардың, объектілердің, деректер мен мәліметтердің осы қағидаларда белгіленген талаптарға сәйкес келмеуі",
                    "Несоответствие услугополучателя и представленных материалов, объектов, данных и сведений, необходимых для оказания государственной услуги, требованиям, установленным настоящими Правилами",
                    "The recipient and the materials, objects, data and information submitted for the service do not meet the requirements of these Rules",
                ],
            },
            Ground::UnreliableDocuments => GroundRecord {
                code: "UNRELIABLE_DOCUMENTS",
                clause: "Annex 1 row 10(1)",
                texts: [
                    "Көрсетілетін қызметті алушының мемлекеттік көрсетілетін қызметті алу үшін ұсынған құжаттардың және (немесе) олардағы деректердің (мәліметтердің) анық еместігі анықталды",
                    "Установлена недостоверность документов, представленных услугополучателем для получения государственной услуги, и (или) данных (сведений), содержащихся в них",
                    "The documents the recipient submitted for the service, and/or the data in them, are established to be unreliable",
                ],
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annex_1_row_10_every_ground_has_its_clause_and_three_texts() {
        for &g in Ground::ALL {
            assert!(g.clause().starts_with("Annex 1 row 10("));
            assert!(g.texts().iter().all(|t| !t.is_empty()));
            assert_eq!(Ground::parse(g.code()), Some(g));
        }
        assert_eq!(Ground::NoPersonalDataConsent.clause(), "Annex 1 row 10(5)");
    }
}
