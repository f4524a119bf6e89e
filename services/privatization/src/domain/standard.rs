//! The service standard of privatization: Annex 1 of order No. 76 (the new Annex 1 to the
//! Privatization Rules) as data, in force from 12 March 2026. Kazakh follows the order's text;
//! Russian and English are the suite's translations.

/// The first day Annex 1 is in force: the order's (Order §4).
pub use law::order::IN_FORCE_FROM;

/// The act that set it.
pub const SOURCE: &str = "Order No. 76 of 26.02.2026, Annex 1 (Annex 1 to the Privatization Rules, order No. 437)";

pub use law::standard::{Row, Text};

/// The eleven rows of Annex 1.
pub const ROWS: [Row; 11] = [
    Row {
        number: 1,
        heading: ["Көрсетілетін қызметті берушінің атауы", "Наименование услугодателя", "Provider"],
        items: &[[
            "Астана, Алматы және Шымкент қалаларының, облыстық маңызы бар қалалардың және аудандардың жергілікті атқарушы органдары.",
            "Местные исполнительные органы городов Астаны, Алматы и Шымкента, городов областного значения и районов.",
            "The local executive bodies of Astana, Almaty and Shymkent, of cities of regional significance and of districts.",
        ]],
    },
    Row {
        number: 2, heading: ["Кіші түрі", "Подвиды", "Sub-types"], items: &[["Жоқ", "Нет", "None"]]
    },
    Row {
        number: 3,
        heading: ["Көрсету тәсілдері", "Способы предоставления", "Channels"],
        items: &[
            [
                "\"Азаматтарға арналған үкімет\" мемлекеттік корпорациясы",
                "Государственная корпорация «Правительство для граждан»",
                "The State Corporation \"Government for Citizens\"",
            ],
            [
                "www.egov.kz \"электрондық үкіметтің\" веб-порталы",
                "Веб-портал «электронного правительства» www.egov.kz",
                "The e-government portal www.egov.kz",
            ],
        ],
    },
    Row {
        number: 4,
        heading: ["Көрсету мерзімі", "Срок оказания", "Term"],
        items: &[
            [
                "1) коммуналдық тұрғын үй қоры: тұрғын үй комиссиясының шешімі құжаттарды ұсынған күннен бастап күнтізбелік 30 күн ішінде; шарт 5 жұмыс күні ішінде.",
                "1) коммунальный жилищный фонд: решение жилищной комиссии в течение 30 календарных дней со дня представления документов; договор в течение 5 рабочих дней.",
                "1) communal fund: the housing commission's decision within 30 calendar days of the submission; the contract within 5 working days.",
            ],
            [
                "2) коммуналдық мемлекеттік мекеменің не кәсіпорынның қоры: шешім 30 күн; коммуналдық қорға беру және мемлекеттік тіркеу шешім шығарылған күннен бастап күнтізбелік 15 күн ішінде; шарт 5 жұмыс күні.",
                "2) фонд коммунального государственного учреждения или предприятия: решение 30 дней; передача в коммунальный фонд с государственной регистрацией в течение 15 календарных дней со дня решения; договор 5 рабочих дней.",
                "2) fund of a communal state institution or enterprise: decision 30 days; transfer to the communal fund with state registration within 15 calendar days of the decision; contract 5 working days.",
            ],
            [
                "3) республикалық мемлекеттік мекеменің не кәсіпорынның қоры: шешім 30 күн; республикалық меншіктен коммуналдық меншікке беру шешімнен кейін күнтізбелік 30 күн ішінде (мүлікті басқару жөніндегі уәкілетті органның шешімі 15 күн, тапсыру актісі, мемлекеттік тіркеу 15 күн); шарт 5 жұмыс күні.",
                "3) фонд республиканского государственного учреждения или предприятия: решение 30 дней; передача из республиканской в коммунальную собственность в течение 30 календарных дней после решения (решение уполномоченного органа по управлению госимуществом 15 дней, акт приёма-передачи, государственная регистрация 15 дней); договор 5 рабочих дней.",
                "3) fund of a republican state institution or enterprise: decision 30 days; transfer from republican to communal ownership within 30 calendar days of the decision (the state property body's decision 15 days, the transfer act, state registration 15 days); contract 5 working days.",
            ],
        ],
    },
    Row {
        number: 5,
        heading: ["Көрсету нысаны", "Форма оказания", "Form"],
        items: &[[
            "Электронды (ішінара автоматтандырылған) және (немесе) қағаз.",
            "Электронная (частично автоматизированная) и (или) бумажная.",
            "Electronic (partially automated) and/or paper.",
        ]],
    },
    Row {
        number: 6,
        heading: ["Көрсету нәтижесі", "Результат оказания", "Result"],
        items: &[
            [
                "1) тұрғын үй комиссиясының шешімі немесе дәлелді бас тарту; тұрғын үйді жекешелендіру туралы шарт.",
                "1) решение жилищной комиссии или мотивированный отказ; договор о приватизации жилища.",
                "1) the housing commission's decision or a motivated refusal; the privatization contract.",
            ],
            [
                "2) республикалық қор: шешім немесе дәлелді бас тарту; тапсыру актісі; шарт.",
                "2) республиканский фонд: решение или мотивированный отказ; акт приёма-передачи; договор.",
                "2) republican fund: the decision or a motivated refusal; the transfer act; the contract.",
            ],
        ],
    },
    Row {
        number: 7,
        heading: ["Төлемақы", "Размер оплаты", "Fee"],
        items: &[["Тегін", "Бесплатно", "Free of charge"]],
    },
    Row {
        number: 8,
        heading: ["Жұмыс графигі", "График работы", "Working schedules"],
        items: &[
            [
                "1) көрсетілетін қызметті беруші – демалыс және мереке күндерін қоспағанда, түскі үзіліспен, дүйсенбіден бастап жұманы қоса алғанда;",
                "1) услугодатель – с понедельника по пятницу, с перерывом на обед, кроме выходных и праздничных дней;",
                "1) the provider: Monday to Friday with a lunch break, except weekends and holidays;",
            ],
            [
                "2) Мемлекеттік корпорация – дүйсенбіден бастап жұманы қоса алғанда үзіліссіз сағат 9.00-ден 18.00-ге дейін; кезекші бөлімдер дүйсенбі–жұма 9.00–20.00, сенбі 9.00–13.00;",
                "2) Государственная корпорация – с понедельника по пятницу с 9.00 до 18.00 без перерыва; дежурные отделы понедельник–пятница 9.00–20.00, суббота 9.00–13.00;",
                "2) the State Corporation: Monday to Friday 9:00-18:00 without a break; duty departments Monday to Friday 9:00-20:00 and Saturday 9:00-13:00;",
            ],
            [
                "3) портал – тәулік бойы; жұмыс уақыты аяқталғаннан кейін, демалыс және мереке күндері жүгінген кезде өтініш пен нәтижені беру келесі жұмыс күнінде жүзеге асырылады.",
                "3) портал – круглосуточно; при обращении после окончания рабочего времени, в выходные и праздничные дни приём заявления и выдача результата – следующим рабочим днём.",
                "3) the portal: around the clock; after working hours, on weekends and holidays the application is accepted, and the result issued, on the next working day.",
            ],
        ],
    },
    Row {
        number: 9,
        heading: ["Талап етілетін құжаттар", "Перечень документов", "Documents demanded"],
        items: &[
            [
                "1) жалдаушының кәмелетке толған барлық отбасы мүшелері қол қойған өтініш;",
                "1) заявление, подписанное всеми совершеннолетними членами семьи нанимателя;",
                "1) the application signed by every adult family member of the tenant;",
            ],
            [
                "2) неке, қайтыс болу, туу туралы куәліктердің көшірмелері (ақпараттық жүйеде мәліметтер жоқ болған жағдайда);",
                "2) копии свидетельств о браке, смерти, рождении (при отсутствии сведений в информационной системе);",
                "2) copies of marriage, death and birth certificates, only when the information system has no record;",
            ],
            [
                "3) жалдау шарты не тұрғынжай ордері;",
                "3) договор найма либо ордер на жилище;",
                "3) the tenancy agreement or the housing warrant;",
            ],
            [
                "4) отбасы мүшелері деп тану туралы сот шешімінің көшірмесі;",
                "4) копия решения суда о признании членами семьи;",
                "4) a copy of the court decision recognizing family members;",
            ],
            [
                "5) 13-баптың 8-тармағына жататын азаматтар – тегін алу құқығын растайтын құжат;",
                "5) граждане по пункту 8 статьи 13 – документ о праве на бесплатное получение;",
                "5) citizens under Art. 13(8): the document of the right to receive it free;",
            ],
            [
                "6) мемлекеттік қызметшілер және т.б. – жұмыс орнынан анықтама;",
                "6) госслужащие и др. – справка с места работы;",
                "6) civil servants and others: a certificate from the place of work;",
            ],
            [
                "7) ғарышкерлер – мәртебесін растайтын құжат;",
                "7) космонавты – документ о статусе;",
                "7) cosmonauts: the document of their status;",
            ],
            [
                "8) жалдау шарты бойынша берешектің жоқ екендігін растайтын құжат;",
                "8) документ об отсутствии задолженности по договору найма;",
                "8) the document confirming no debt under the tenancy;",
            ],
            [
                "9) Қағидалардың 11-тармағы – өтеусіз алу құқығы бар санатқа жататынын растайтын құжат.",
                "9) по пункту 11 Правил – документ о категории с правом безвозмездного получения.",
                "9) under PR cl. 11: the document of the category entitled to a gratuitous dwelling.",
            ],
            [
                "Ақпараттық жүйелерден алынуы мүмкін құжаттар мен мәліметтерді талап етуге жол берілмейді.",
                "Не допускается истребование документов и сведений, которые могут быть получены из информационных систем.",
                "Demanding documents and data obtainable from the information systems is not allowed.",
            ],
        ],
    },
    Row {
        number: 10, heading: ["Бас тарту үшін негіздер", "Основания для отказа", "Grounds for refusal"], items: &[]
    },
    Row {
        number: 11,
        heading: ["Өзге де талаптар", "Иные требования", "Other requirements"],
        items: &[
            [
                "1. ЭЦҚ болған жағдайда қызметті портал арқылы электрондық нысанда алуға болады.",
                "1. При наличии ЭЦП услугу можно получить в электронной форме через портал.",
                "1. With an EDS the service is available electronically through the portal.",
            ],
            [
                "2. Тәртібі мен мәртебесі: порталдың \"жеке кабинеті\", анықтама қызметтері, \"1414\", 8-800-080-7777.",
                "2. Порядок и статус: «личный кабинет» портала, справочные службы, «1414», 8-800-080-7777.",
                "2. Procedure and status: the portal's personal cabinet, reference services, \"1414\", 8-800-080-7777.",
            ],
            [
                "Бір реттік парольдерді пайдалануға болады.",
                "Можно использовать одноразовые пароли.",
                "One-time passwords may be used.",
            ],
        ],
    },
];
