//! The service standard of the rent subsidy: Annex 3 of order No. 76 (the new Annex 5 to the
//! Rent-Subsidy Rules) as data, in force from 12 March 2026. Kazakh follows the order's text;
//! Russian and English are the suite's translations.

/// The first day Annex 3 is in force: the order's (Order §4).
pub use law::order::IN_FORCE_FROM;

/// The act that set it.
pub const SOURCE: &str = "Order No. 76 of 26.02.2026, Annex 3 (Annex 5 to the Rent-Subsidy Rules, order No. 152)";

/// One row: number, heading, items (row 10's come from the grounds).
pub use law::standard::Row;

/// The eleven rows of Annex 3.
pub const ROWS: [Row; 11] = [
    Row {
        number: 1,
        heading: ["Көрсетілетін қызметті берушінің атауы", "Наименование услугодателя", "Provider"],
        items: &[[
            "\"Отбасы банк\" тұрғын үй құрылыс жинақ банкі\" АҚ",
            "АО «Жилищный строительный сберегательный банк «Отбасы банк»",
            "Otbasy bank JSC, the housing construction savings bank",
        ]],
    },
    Row {
        number: 2, heading: ["Кіші түрі", "Подвиды", "Sub-types"], items: &[["Жоқ", "Нет", "None"]]
    },
    Row {
        number: 3,
        heading: ["Көрсету тәсілдері", "Способы предоставления", "Channels"],
        items: &[[
            "\"Отбасы банк\" АҚ ресми интернет-ресурсы www.otbasybank.kz",
            "Официальный интернет-ресурс АО «Отбасы банк» www.otbasybank.kz",
            "Otbasy bank's official internet resource, www.otbasybank.kz",
        ]],
    },
    Row {
        number: 4,
        heading: ["Көрсету мерзімі", "Срок оказания", "Term"],
        items: &[["3 (үш) жұмыс күні", "3 (три) рабочих дня", "3 working days"]],
    },
    Row {
        number: 5,
        heading: ["Көрсету нысаны", "Форма оказания", "Form"],
        items: &[[
            "Электрондық (ішінара автоматтандырылған)",
            "Электронная (частично автоматизированная)",
            "Electronic, partially automated",
        ]],
    },
    Row {
        number: 6,
        heading: ["Көрсету нәтижесі", "Результат оказания", "Result"],
        items: &[[
            "Төлем тағайындау туралы хабарлама не қызмет көрсетуден бас тарту туралы дәлелді жауап",
            "Уведомление о назначении выплаты либо мотивированный ответ об отказе",
            "A notification of the assignment of payments, or a motivated refusal",
        ]],
    },
    Row {
        number: 7,
        heading: ["Төлемақы", "Размер оплаты", "Fee"],
        items: &[["Тегін", "Бесплатно", "Free of charge"]],
    },
    Row {
        number: 8,
        heading: ["Жұмыс графигі", "График работы", "Working schedule"],
        items: &[[
            "Еңбек кодексіне сәйкес демалыс және мереке күндерін қоспағанда, дүйсенбіден бастап жұманы қоса алғанда, түскі үзіліспен",
            "С понедельника по пятницу, с перерывом на обед, кроме выходных и праздничных дней согласно Трудовому кодексу",
            "Monday to Friday with a lunch break, except weekends and holidays under the Labour Code ([A-SUB-HOURS]: the registry's hours and next-working-day rule)",
        ]],
    },
    Row {
        number: 9,
        heading: ["Талап етілетін құжаттар", "Перечень документов", "Documents demanded"],
        items: &[[
            "ЭЦҚ-мен куәландырылған өтініш; жеке басын куәландыратын құжат \"электрондық үкімет\" шлюзі арқылы алынады",
            "Заявление, удостоверенное ЭЦП; документ, удостоверяющий личность, получается через шлюз «электронного правительства»",
            "The application certified with an EDS; the identity document is fetched through the e-government gateway",
        ]],
    },
    Row {
        number: 10, heading: ["Бас тарту үшін негіздер", "Основания для отказа", "Grounds for refusal"], items: &[]
    },
    Row {
        number: 11,
        heading: ["Өзге де талаптар", "Иные требования", "Other requirements"],
        items: &[[
            "ЭЦҚ болған жағдайда электрондық нысанда; мәртебесі \"жеке кабинетте\", \"1414\", 8-800-080-7777; бір реттік парольдер",
            "При наличии ЭЦП в электронной форме; статус в «личном кабинете», «1414», 8-800-080-7777; одноразовые пароли",
            "Electronically with an EDS; status in the personal cabinet, \"1414\", 8-800-080-7777; one-time passwords",
        ]],
    },
];
