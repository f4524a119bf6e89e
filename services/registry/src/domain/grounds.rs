//! The grounds of a motivated refusal of enrolment (Annex 2 row 10), with their texts: the
//! Kazakh follows the order's wording; Russian and English are the suite's translations.
//! The registry has no court grounds (AT-10).

use law::{GroundRecord, RefusalGround};

/// A ground of refusal, in [A-DECISION-ORDER]: where several apply, the first is cited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ground {
    /// Row 10(4): no consent to access restricted personal data (Personal Data Law Art. 8).
    NoPersonalDataConsent,
    /// Row 10(3): exchange of the dwelling.
    WorseningExchange,
    /// Row 10(3): alienation of a habitable dwelling owned, unless bought by the local executive body.
    WorseningAlienation,
    /// Row 10(3): destruction of or damage to the dwelling through the applicant's fault.
    WorseningDestruction,
    /// Row 10(3): moving out of a dwelling while not in need.
    WorseningVacated,
    /// Row 10(3): settling in persons other than the spouse, minor or disabled children and disabled parents.
    WorseningSettledOthers,
    /// Row 10(3): applying outside the settlement where the only dwelling was recognized as emergency.
    EmergencyDwellingOtherSettlement,
    /// Row 10(2): the applicant or the data do not meet the Rules' requirements.
    Nonconforming,
    /// Row 10(1): the documents or the data in them are unreliable.
    UnreliableDocuments,
}

impl RefusalGround for Ground {
    /// Every ground, in [A-DECISION-ORDER].
    const ALL: &'static [Ground] = &[
        Ground::NoPersonalDataConsent,
        Ground::WorseningExchange,
        Ground::WorseningAlienation,
        Ground::WorseningDestruction,
        Ground::WorseningVacated,
        Ground::WorseningSettledOthers,
        Ground::EmergencyDwellingOtherSettlement,
        Ground::Nonconforming,
        Ground::UnreliableDocuments,
    ];

    /// Its code, the clause it rests on, and its text in Kazakh (the order's words), Russian
    /// and English.
    fn record(self) -> GroundRecord {
        match self {
            Ground::NoPersonalDataConsent => GroundRecord {
                code: "NO_PERSONAL_DATA_CONSENT",
                clause: "Annex 2 row 10(4)",
                texts: [
                    "«Дербес деректер және оларды қорғау туралы» Қазақстан Республикасы Заңының 8-бабына сәйкес көрсетілетін қызметті алушының мемлекеттік қызмет көрсету үшін талап етілетін қолжетімділігі шектеулі дербес деректерге қол жеткізуге ұсынылатын келісімінің болмауы",
                    "Отсутствие согласия услугополучателя, предоставляемого в соответствии со статьёй 8 Закона Республики Казахстан «О персональных данных и их защите», на доступ к персональным данным ограниченного доступа, которые требуются для оказания государственной услуги",
                    "The recipient has not consented, under Article 8 of the Law \"On personal data and their protection\", to access to the restricted-access personal data the service requires",
                ],
            },
            Ground::WorseningExchange => GroundRecord {
                code: "WORSENING_EXCHANGE",
                clause: "Annex 2 row 10(3)",
                texts: [
                    "Азаматтың соңғы бес жыл ішінде өзінің тұрғын үй жағдайының әдейі нашарлауының нәтижесінде мұқтаж болғаны анықталды: тұрғын үй-жайын ауыстырғаны",
                    "Установлено, что в течение последних пяти лет гражданин стал нуждающимся в результате преднамеренного ухудшения своих жилищных условий: обмен жилища",
                    "Within the last five years the citizen became in need through deliberately worsening his housing conditions: he exchanged his dwelling",
                ],
            },
            Ground::WorseningAlienation => GroundRecord {
                code: "WORSENING_ALIENATION",
                clause: "Annex 2 row 10(3)",
                texts: [
                    "Азаматтың соңғы бес жыл ішінде өзінің тұрғын үй жағдайының әдейі нашарлауының нәтижесінде мұқтаж болғаны анықталды: тұрғын үйді жергілікті атқарушы орган сатып алған жағдайлардан басқа, оған меншік құқығымен тиесілі тұруға жарамды тұрғын үйді иеліктен шығару",
                    "Установлено, что в течение последних пяти лет гражданин стал нуждающимся в результате преднамеренного ухудшения своих жилищных условий: отчуждение принадлежавшего ему на праве собственности пригодного для проживания жилища, за исключением случаев его приобретения местным исполнительным органом",
                    "Within the last five years the citizen became in need through deliberately worsening his housing conditions: he alienated a habitable dwelling he owned, other than to the local executive body",
                ],
            },
            Ground::WorseningDestruction => GroundRecord {
                code: "WORSENING_DESTRUCTION",
                clause: "Annex 2 row 10(3)",
                texts: [
                    "Азаматтың соңғы бес жыл ішінде өзінің тұрғын үй жағдайының әдейі нашарлауының нәтижесінде мұқтаж болғаны анықталды: оның кінәсінен тұрғын үйдің бұзылуы немесе бүлінуі",
                    "Установлено, что в течение последних пяти лет гражданин стал нуждающимся в результате преднамеренного ухудшения своих жилищных условий: разрушение или порча жилища по его вине",
                    "Within the last five years the citizen became in need through deliberately worsening his housing conditions: the dwelling was destroyed or damaged through his fault",
                ],
            },
            Ground::WorseningVacated => GroundRecord {
                code: "WORSENING_VACATED",
                clause: "Annex 2 row 10(3)",
                texts: [
                    "Азаматтың соңғы бес жыл ішінде өзінің тұрғын үй жағдайының әдейі нашарлауының нәтижесінде мұқтаж болғаны анықталды: мемлекеттік тұрғын үй қорынан тұрғынжайға немесе жеке тұрғын үй қорынан жергілікті атқарушы орган жалдаған тұрғынжайға мұқтаж болмаған кезде тұрғын үйден шыққан",
                    "Установлено, что в течение последних пяти лет гражданин стал нуждающимся в результате преднамеренного ухудшения своих жилищных условий: выезд из жилища, когда он не нуждался в жилище из государственного жилищного фонда или в жилище, арендованном местным исполнительным органом в частном жилищном фонде",
                    "Within the last five years the citizen became in need through deliberately worsening his housing conditions: he moved out of a dwelling when he was not in need of state-fund housing or of housing rented by the local executive body",
                ],
            },
            Ground::WorseningSettledOthers => GroundRecord {
                code: "WORSENING_SETTLED_OTHERS",
                clause: "Annex 2 row 10(3)",
                texts: [
                    "Азаматтың соңғы бес жыл ішінде өзінің тұрғын үй жағдайының әдейі нашарлауының нәтижесінде мұқтаж болғаны анықталды: жұбайынан, кәмелетке толмаған және еңбекке жарамсыз балаларынан, сондай-ақ еңбекке жарамсыз ата-аналарынан басқа адамдарды қоныстандыру",
                    "Установлено, что в течение последних пяти лет гражданин стал нуждающимся в результате преднамеренного ухудшения своих жилищных условий: вселение иных лиц, кроме супруга, несовершеннолетних и нетрудоспособных детей, а также нетрудоспособных родителей",
                    "Within the last five years the citizen became in need through deliberately worsening his housing conditions: he settled in persons other than his spouse, minor or disabled children and disabled parents",
                ],
            },
            Ground::EmergencyDwellingOtherSettlement => GroundRecord {
                code: "EMERGENCY_DWELLING_OTHER_SETTLEMENT",
                clause: "Annex 2 row 10(3)",
                texts: [
                    "Жалғыз тұрғынжайы Қазақстан Республикасының заңнамасында көзделген тәртіппен авариялық деп танылған азаматтың тұрғынжайы авариялық деп танылған елді мекеннен тыс жерде өтініш білдіруі",
                    "Обращение гражданина, единственное жилище которого признано аварийным в порядке, установленном законодательством Республики Казахстан, вне населённого пункта, в котором жилище признано аварийным",
                    "The citizen whose only dwelling was recognized as emergency applies outside the settlement where it was so recognized",
                ],
            },
            Ground::Nonconforming => GroundRecord {
                code: "NONCONFORMING",
                clause: "Annex 2 row 10(2)",
                texts: [
                    "Көрсетілетін қызметті алушының және (немесе) мемлекеттік қызмет көрсету үшін қажетті ұсынылған материалдардың, объектілердің, деректердің және мәліметтердің осы Қағидаларда белгіленген талаптарға сәйкес келмеуі",
                    "Несоответствие услугополучателя и (или) представленных материалов, объектов, данных и сведений, необходимых для оказания государственной услуги, требованиям, установленным настоящими Правилами",
                    "The recipient and/or the materials, objects, data and information submitted for the service do not meet the requirements of these Rules",
                ],
            },
            Ground::UnreliableDocuments => GroundRecord {
                code: "UNRELIABLE_DOCUMENTS",
                clause: "Annex 2 row 10(1)",
                texts: [
                    "Мемлекеттік көрсетілетін қызметті алу үшін көрсетілетін қызметті алушының ұсынған құжаттардың және (немесе) олардағы деректердің (мәліметтердің) анық еместігін анықтау",
                    "Установление недостоверности документов, представленных услугополучателем для получения государственной услуги, и (или) данных (сведений), содержащихся в них",
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
    fn annex_2_row_10_every_ground_has_a_clause_and_three_texts() {
        for &g in Ground::ALL {
            assert!(g.clause().starts_with("Annex 2 row 10("), "{g:?}");
            assert!(g.texts().iter().all(|t| !t.is_empty()), "{g:?}");
            assert_eq!(Ground::parse(g.code()), Some(g));
        }
    }

    #[test]
    fn at_10_the_registry_has_no_court_grounds() {
        assert!(Ground::ALL.iter().all(|g| !g.code().starts_with("COURT_")));
    }

    #[test]
    fn a_decision_order_consent_then_worsening_then_emergency_then_nonconformity_then_unreliability() {
        let mut shuffled = vec![Ground::UnreliableDocuments, Ground::Nonconforming, Ground::WorseningAlienation];
        shuffled.push(Ground::EmergencyDwellingOtherSettlement);
        shuffled.push(Ground::NoPersonalDataConsent);
        shuffled.sort();
        assert_eq!(shuffled[0], Ground::NoPersonalDataConsent);
        assert_eq!(shuffled[1], Ground::WorseningAlienation);
        assert_eq!(shuffled[2], Ground::EmergencyDwellingOtherSettlement);
        assert_eq!(shuffled[4], Ground::UnreliableDocuments);
    }
}
