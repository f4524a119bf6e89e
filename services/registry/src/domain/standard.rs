//! The service standard of the registry: Annex 2 of order No. 76 (the new Annex 1 to the
//! Registry Rules) as data, in force from 12 March 2026 (Order §4). Kazakh follows the
//! order's text; Russian and English are the suite's translations.

/// The first day Annex 2 is in force: the order's (Order §4).
pub use law::order::IN_FORCE_FROM;

/// The act that set it.
pub const SOURCE: &str = "Order No. 76 of 26.02.2026, Annex 2 (Annex 1 to the Registry Rules, order No. 130)";

/// RR cl. 2: notices of a changed procedure are due within this many working days of the change.
pub const CHANGE_NOTICE_WORKING_DAYS: u32 = 3;

/// RR cl. 2: who is told of a changed procedure (gateway notification recipients).
pub const CHANGE_NOTICE_RECIPIENTS: [&str; 2] = ["STATE_CORPORATION", "CONTACT_CENTRE"];

pub use law::standard::{Row, Text};

/// The eleven rows of Annex 2.
pub const ROWS: [Row; 11] = [
    Row {
        number: 1,
        heading: ["Көрсетілетін қызметті берушінің атауы", "Наименование услугодателя", "Provider"],
        items: &[[
            "Мемлекеттік қызметті ұлттық даму институты мәртебесіне ие, тұрғын үй құрылыс жинақ банкі көрсетеді (бұдан әрі – көрсетілетін қызметті беруші).",
            "Государственная услуга оказывается жилищным строительным сберегательным банком, имеющим статус национального института развития (далее – услугодатель).",
            "The housing construction savings bank with the status of a national development institution (Otbasy bank), the provider.",
        ]],
    },
    Row {
        number: 2,
        heading: [
            "Мемлекеттік көрсетілетін қызметтің кіші түрінің (бар болса) атауы",
            "Наименование подвида государственной услуги (при наличии)",
            "Sub-types of the service",
        ],
        items: &[["Жоқ", "Нет", "None"]],
    },
    Row {
        number: 3,
        heading: [
            "Мемлекеттік қызметті көрсету тәсілдері",
            "Способы предоставления государственной услуги",
            "Channels",
        ],
        items: &[[
            "Ақпараттандыру объектісі \"Тұрғын үймен қамтамасыз ету орталығы\" электрондық базасы (бұдан әрі – Ақпараттандыру объектісі) www.otbasybank.kz.",
            "Объект информатизации – электронная база «Центр обеспечения жильём» (далее – объект информатизации) www.otbasybank.kz.",
            "The informatization object, the \"Housing Provision Center\" electronic database, www.otbasybank.kz; no paper channel.",
        ]],
    },
    Row {
        number: 4,
        heading: ["Мемлекеттік қызметті көрсету мерзімі", "Срок оказания государственной услуги", "Term"],
        items: &[
            [
                "1) Қазақстан Республикасының аумағында соңғы бес жыл ішінде меншік құқығында тұрғын үйі жоқ азаматтарды есепке қою кезінде - 1 (бір) жұмыс күні;",
                "1) при постановке на учёт граждан, не имеющих жилища на праве собственности на территории Республики Казахстан в течение последних пяти лет, – 1 (один) рабочий день;",
                "1) citizens who have owned no dwelling in Kazakhstan during the last five years: 1 working day;",
            ],
            [
                "2) жалғыз тұрғын үйі авариялық деп танылған азаматтарды есепке қою кезінде - 3 (үш) жұмыс күні;",
                "2) при постановке на учёт граждан, единственное жилище которых признано аварийным, – 3 (три) рабочих дня;",
                "2) citizens whose only dwelling has been recognized as emergency: 3 working days;",
            ],
            [
                "3) ақпараттық жүйеде жетім балалар мен ата-анасының қамқорлығынсыз қалған балалар туралы деректер болмаған кезінде - 3 (үш) жұмыс күн.",
                "3) при отсутствии в информационной системе сведений о детях-сиротах и детях, оставшихся без попечения родителей, – 3 (три) рабочих дня.",
                "3) when the information system holds no data on orphans and children left without parental care: 3 working days.",
            ],
        ],
    },
    Row {
        number: 5,
        heading: ["Мемлекеттік қызметті көрсету нысаны", "Форма оказания государственной услуги", "Form"],
        items: &[
            [
                "1) электрондық (толығымен автоматтандырылған);",
                "1) электронная (полностью автоматизированная);",
                "1) electronic, fully automated;",
            ],
            [
                "2) электрондық (ішінара автоматтандырылған);",
                "2) электронная (частично автоматизированная);",
                "2) electronic, partially automated;",
            ],
            [
                "3) электрондық (ішінара автоматтандырылған).",
                "3) электронная (частично автоматизированная).",
                "3) electronic, partially automated.",
            ],
        ],
    },
    Row {
        number: 6,
        heading: ["Мемлекеттік қызметті көрсету нәтижесі", "Результат оказания государственной услуги", "Result"],
        items: &[[
            "Қазақстан Республикасының тұрғынжайға мұқтаж азаматтарын, қандастарды есепке қою туралы хабарламаны не есепке қоюдан уәжді бас тарту.",
            "Уведомление о постановке на учёт граждан Республики Казахстан, нуждающихся в жилище, кандасов либо мотивированный отказ в постановке на учёт.",
            "A notification of enrolment of the citizen in need of housing or kandas, or a motivated refusal of enrolment.",
        ]],
    },
    Row {
        number: 7,
        heading: [
            "Көрсетілетін қызметті алушыдан алынатын төлемақы мөлшері",
            "Размер оплаты, взимаемой с услугополучателя",
            "Fee",
        ],
        items: &[["Тегін", "Бесплатно", "Free of charge"]],
    },
    Row {
        number: 8,
        heading: [
            "Көрсетілетін қызметті берушінің және ақпарат объектілерінің жұмыс графигі",
            "График работы услугодателя и объектов информатизации",
            "Working schedules",
        ],
        items: &[
            [
                "1) көрсетілетін қызметті беруші – Еңбек кодексіне сәйкес демалыс және мереке күндерін қоспағанда, дүйсенбіден бастап жұманы қоса алғанда, сағат 9.00-ден сағат 18.30-ға дейін, түскі үзіліспен сағат 13.00-ден 14.30-ға дейін;",
                "1) услугодатель – с понедельника по пятницу включительно, с 9.00 до 18.30 часов, с перерывом на обед с 13.00 до 14.30 часов, кроме выходных и праздничных дней согласно Трудовому кодексу;",
                "1) the provider: Monday to Friday, 9:00 to 18:30, lunch 13:00 to 14:30, except weekends and holidays under the Labour Code;",
            ],
            [
                "2) ақпараттандыру объектісі – жөндеу жұмыстарына байланысты техникалық үзілістерді қоспағанда, тәулік бойы (жұмыс уақыты аяқталғаннан кейін, демалыс және мереке күндері өтініш жасаған кезде өтініштерді қабылдау және нәтижені беру келесі жұмыс күнінде жүзеге асырылады).",
                "2) объект информатизации – круглосуточно, за исключением технических перерывов на ремонт (при обращении после окончания рабочего времени, в выходные и праздничные дни приём заявлений и выдача результата осуществляются следующим рабочим днём).",
                "2) the informatization object: around the clock, except technical breaks; an application after working hours, on a weekend or a holiday is accepted, and its result issued, on the next working day.",
            ],
        ],
    },
    Row {
        number: 9,
        heading: [
            "Көрсетілетін қызметті алушыдан талап етілетін құжаттар мен мәліметтердің тізбесі",
            "Перечень документов и сведений, истребуемых у услугополучателя",
            "Documents and data demanded",
        ],
        items: &[
            [
                "1) Қағидаларға 2-қосымшаға сәйкес электрондық түрдегі өтініш;",
                "1) заявление в электронной форме согласно приложению 2 к Правилам;",
                "1) the electronic application (RR Annex 2);",
            ],
            [
                "2) өтініш; аттестатталған сарапшының техникалық қорытындысының (тұрғын үйді техникалық тексеру нәтижелері бойынша) электрондық көшірмесі (EXPERT_TECHNICAL_CONCLUSION);",
                "2) заявление; электронная копия технического заключения аттестованного эксперта (по результатам технического обследования жилища) (EXPERT_TECHNICAL_CONCLUSION);",
                "2) the application and an electronic copy of the attested expert's technical conclusion (EXPERT_TECHNICAL_CONCLUSION);",
            ],
            [
                "3) өтініш; жалғыз ата-анасының немесе екеуінің де қамқорлығының жоқтығын және/немесе заңды өкілінің мәртебесін растайтын құжаттардың электрондық көшірмелері (PARENTAL_CARE_ABSENCE_PROOF, LEGAL_REPRESENTATIVE_STATUS).",
                "3) заявление; электронные копии документов, подтверждающих отсутствие попечения единственного или обоих родителей и/или статус законного представителя (PARENTAL_CARE_ABSENCE_PROOF, LEGAL_REPRESENTATIVE_STATUS).",
                "3) the application and electronic copies of documents proving the absence of parental care and/or the legal representative's status (PARENTAL_CARE_ABSENCE_PROOF, LEGAL_REPRESENTATIVE_STATUS).",
            ],
            [
                "Жеке басты куәландыратын құжаттар туралы мәліметтерді, неке қию немесе бұзу туралы, балалардың тууы туралы куәліктерді, тұрғын үйдің болуы немесе болмауы туралы анықтамаларды көрсетілетін қызметті беруші \"электрондық үкімет\" шлюзі арқылы алады.",
                "Сведения о документах, удостоверяющих личность, свидетельства о заключении или расторжении брака, о рождении детей, справки о наличии или отсутствии жилища услугодатель получает через шлюз «электронного правительства».",
                "Identity documents, marriage and divorce records, children's births and dwelling ownership are fetched by the provider through the e-government gateway, never asked.",
            ],
        ],
    },
    Row {
        number: 10,
        heading: [
            "Мемлекеттік қызметті көрсетуден бас тарту үшін негіздер",
            "Основания для отказа в оказании государственной услуги",
            "Grounds for refusal",
        ],
        items: &[
            ["1) UNRELIABLE_DOCUMENTS", "1) UNRELIABLE_DOCUMENTS", "1) UNRELIABLE_DOCUMENTS"],
            ["2) NONCONFORMING", "2) NONCONFORMING", "2) NONCONFORMING"],
            [
                "3) EMERGENCY_DWELLING_OTHER_SETTLEMENT; WORSENING_EXCHANGE; WORSENING_ALIENATION; WORSENING_DESTRUCTION; WORSENING_VACATED; WORSENING_SETTLED_OTHERS",
                "3) EMERGENCY_DWELLING_OTHER_SETTLEMENT; WORSENING_EXCHANGE; WORSENING_ALIENATION; WORSENING_DESTRUCTION; WORSENING_VACATED; WORSENING_SETTLED_OTHERS",
                "3) EMERGENCY_DWELLING_OTHER_SETTLEMENT; WORSENING_EXCHANGE; WORSENING_ALIENATION; WORSENING_DESTRUCTION; WORSENING_VACATED; WORSENING_SETTLED_OTHERS",
            ],
            ["4) NO_PERSONAL_DATA_CONSENT", "4) NO_PERSONAL_DATA_CONSENT", "4) NO_PERSONAL_DATA_CONSENT"],
        ],
    },
    Row {
        number: 11,
        heading: ["Өзге де талаптар", "Иные требования", "Other requirements"],
        items: &[
            [
                "1) көрсетілетін қызметті алушының ЭЦҚ-сы болған кезде мемлекеттік көрсетілетін қызметті портал арқылы электрондық нысанда алуға мүмкіндігі бар.",
                "1) услугополучатель при наличии ЭЦП имеет возможность получения государственной услуги в электронной форме через портал.",
                "1) a recipient with an EDS may receive the service electronically.",
            ],
            [
                "2) мемлекеттік қызметті көрсету тәртібі мен мәртебесі туралы ақпаратты порталдағы \"жеке кабинеті\", көрсетілетін қызметті берушінің анықтамалық қызметтері, сондай-ақ \"1414\", 8-800-080-7777 Бірыңғай байланыс орталығы арқылы алуға мүмкіндігі бар.",
                "2) информацию о порядке и статусе оказания государственной услуги можно получить через «личный кабинет», справочные службы услугодателя, а также Единый контакт-центр «1414», 8-800-080-7777.",
                "2) the procedure and status are available in the personal cabinet, from the provider's reference services and from the Unified Contact Centre \"1414\", 8-800-080-7777.",
            ],
            [
                "3) электрондық нысанда көрсетілетін қызметтерді алу субъектілері бір реттік парольдерді пайдалана алады.",
                "3) субъекты получения услуг в электронной форме могут использовать одноразовые пароли.",
                "3) one-time passwords may be used.",
            ],
        ],
    },
];

/// RR cl. 2: the notice of a change of the standard taking effect on `in_force_from`, as
/// `source` sets it, in Kazakh, Russian and English (`summary` in the same languages).
pub fn change_notice(in_force_from: &str, source: &str, summary: [&str; 3]) -> [String; 3] {
    let [kk, ru, en] = summary;
    [
        format!(
            "Тұрғын үйге мұқтаж азаматтарды есепке қою мемлекеттік қызметі стандартының өзгерісі {in_force_from} бастап күшіне енеді ({source}): {kk}"
        ),
        format!(
            "Изменение стандарта государственной услуги по постановке на учёт, вступает в силу с {in_force_from} ({source}): {ru}"
        ),
        format!("A change of the registry service standard takes effect on {in_force_from} ({source}): {en}"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annex_2_has_eleven_rows_in_three_languages() {
        for (i, row) in ROWS.iter().enumerate() {
            assert_eq!(row.number, i32::try_from(i).unwrap() + 1);
            assert!(!row.items.is_empty());
            assert!(row.heading.iter().chain(row.items.iter().flatten()).all(|t| !t.trim().is_empty()));
        }
        assert_eq!(IN_FORCE_FROM.to_string(), "2026-03-12");
    }
}
