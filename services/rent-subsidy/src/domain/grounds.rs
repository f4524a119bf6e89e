//! The grounds of a motivated refusal of the rent subsidy (Annex 3 row 10), with their texts:
//! the Kazakh follows the order's wording. Grounds 4 and 5 are the same text ([D-7]): one code,
//! cited "row 10(4)-(5)".

use law::{GroundRecord, RefusalGround};

/// A ground of refusal, in [A-DECISION-ORDER]: consent, court grounds, non-conformity,
/// unreliable documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ground {
    /// Row 10(6): no consent to access restricted personal data.
    NoPersonalDataConsent,
    /// Row 10(3): a court decision in force bans an activity requiring the service.
    CourtActivityBan,
    /// Row 10(4)-(5): a court decision in force deprives the recipient of a special right.
    CourtSpecialRightDeprived,
    /// Row 10(2): the recipient or the data do not meet the Rules' requirements.
    Nonconforming,
    /// Row 10(1): the documents or their data are unreliable.
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
                clause: "Annex 3 row 10(6)",
                texts: [
                    "«Дербес деректер және оларды қорғау туралы» Қазақстан Республикасы Заңының 8-бабына сәйкес көрсетілетін қызметті алушының мемлекеттік қызметті көрсету үшін талап етілетін қолжетімділігі шектеулі дербес деректерге қол жеткізуге келісімінің болмауы",
                    "Отсутствие согласия услугополучателя, предоставляемого в соответствии со статьёй 8 Закона Республики Казахстан «О персональных данных и их защите», на доступ к персональным данным ограниченного доступа",
                    "The recipient has not consented, under Article 8 of the Law \"On personal data and their protection\", to access to the restricted-access personal data the service requires",
                ],
            },
            Ground::CourtActivityBan => GroundRecord {
                code: "COURT_ACTIVITY_BAN",
                clause: "Annex 3 row 10(3)",
                texts: [
                    "Көрсетілетін қызметті алушыға қатысты белгілі бір мемлекеттік қызметті алуды талап ететін қызметке немесе қызметтің жекелеген түрлеріне тыйым салу туралы заңды күшіне енген сот шешімінің (үкімінің) болуы",
                    "Наличие в отношении услугополучателя вступившего в законную силу решения (приговора) суда о запрещении деятельности или отдельных видов деятельности, требующих получения государственной услуги",
                    "A court decision (verdict) in legal force prohibits the recipient an activity, or kinds of activity, that require the service",
                ],
            },
            Ground::CourtSpecialRightDeprived => GroundRecord {
                code: "COURT_SPECIAL_RIGHT_DEPRIVED",
                clause: "Annex 3 row 10(4)-(5)",
                texts: [
                    "Көрсетілетін қызметті алушыға қатысты заңды күшіне енген сот шешімінің болуы, оның негізінде көрсетілетін қызметті алушы мемлекеттік көрсетілетін қызметті алуға байланысты арнайы құқығынан айырылған",
                    "Наличие в отношении услугополучателя вступившего в законную силу решения суда, на основании которого услугополучатель лишён специального права, связанного с получением государственной услуги",
                    "A court decision in legal force deprives the recipient of a special right connected with receiving the service",
                ],
            },
            Ground::Nonconforming => GroundRecord {
                code: "NONCONFORMING",
                clause: "Annex 3 row 10(2)",
                texts: [
                    "Көрсетілетін қызметті алушының және (немесе) мемлекеттік қызмет көрсету үшін қажетті ұсынылған материалдардың, объектілердің, деректердің және мәліметтердің осы Қағидаларда белгіленген талаптарға сәйкес келмеуі",
                    "Несоответствие услугополучателя и (или) представленных материалов, объектов, данных и сведений требованиям, установленным настоящими Правилами",
                    "The recipient and/or the materials, objects, data and information do not meet the requirements of these Rules",
                ],
            },
            Ground::UnreliableDocuments => GroundRecord {
                code: "UNRELIABLE_DOCUMENTS",
                clause: "Annex 3 row 10(1)",
                texts: [
                    "Көрсетілетін қызметті алушының мемлекеттік көрсетілетін қызметті алу үшін ұсынған құжаттардың және (немесе) олардағы деректердің (мәліметтердің) анық еместігін анықтау",
                    "Установление недостоверности документов, представленных услугополучателем, и (или) данных (сведений), содержащихся в них",
                    "The documents the recipient submitted, and/or the data in them, are established to be unreliable",
                ],
            },
        }
    }
}

/// Annex 3 rows 5, 10(1)-(2): the grounds the reviewing official may refuse on, with the
/// sub-reason each records; the others are found in the sources.
pub fn official(code: &str) -> Option<(Ground, &'static str)> {
    match Ground::parse(code.trim()) {
        Some(Ground::Nonconforming) => Some((Ground::Nonconforming, "LEASE_CONTRADICTS_SOURCES")),
        Some(Ground::UnreliableDocuments) => Some((Ground::UnreliableDocuments, "UNRELIABLE_DOCUMENTS")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annex_3_row_10_grounds_4_and_5_are_one_code() {
        assert_eq!(Ground::CourtSpecialRightDeprived.clause(), "Annex 3 row 10(4)-(5)");
        assert_eq!(Ground::NoPersonalDataConsent.clause(), "Annex 3 row 10(6)");
        for &g in Ground::ALL {
            assert!(g.texts().iter().all(|t| !t.is_empty()));
            assert_eq!(Ground::parse(g.code()), Some(g));
        }
    }

    #[test]
    fn annex_3_row_5_the_official_refuses_only_on_rows_10_1_and_10_2() {
        assert_eq!(official("NONCONFORMING"), Some((Ground::Nonconforming, "LEASE_CONTRADICTS_SOURCES")));
        assert_eq!(official(" UNRELIABLE_DOCUMENTS"), Some((Ground::UnreliableDocuments, "UNRELIABLE_DOCUMENTS")));
        assert_eq!(official("NO_PERSONAL_DATA_CONSENT"), None);
        assert_eq!(official(""), None);
    }
}
