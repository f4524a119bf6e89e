//! The results the services hand out as signed e-documents (SR cl. 10, Annexes 1-3
//! row 6 "the result of rendering the state service"): what kind each is, its title in Kazakh,
//! Russian and English, and the provider whose key seals the automated ones.

/// The first line of every result document's canonical text: what a verifier reads to know the
/// format, and the version of it.
pub const DOCUMENT_HEADER: &str = "SHANYRAQ RESULT DOCUMENT 1";

/// The name a result document's content gives on its second line (`name: …`), if the content is
/// one.
pub fn document_name(content: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(content).ok()?;
    let mut lines = text.lines();
    (lines.next()? == DOCUMENT_HEADER).then_some(())?;
    lines.next()?.strip_prefix("name: ").map(str::to_owned)
}

/// A kind of result document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResultKind {
    /// Registry: the notice of enrolment on the waiting list with the queue number (Annex 2 row 6).
    EnrolmentNotice,
    /// Registry: the notice of removal from the waiting list.
    RemovalNotice,
    /// Any service: the motivated refusal (row 10 of each annex).
    Refusal,
    /// Privatization: the housing commission's decision to privatize (Annex 1 row 6).
    CommissionDecision,
    /// Privatization: the transfer act (Annex 1 row 6(2)).
    TransferAct,
    /// Privatization: the privatization contract (Annex 1 row 6).
    Contract,
    /// Rent subsidy: the notification of the assignment of payments (Annex 3 row 6).
    SubsidyAssignment,
    /// Rent subsidy: the notice that the payments stop.
    SubsidyTermination,
    /// Complaints: the reviewing body's decision on a complaint (SR cl. 25-34).
    ComplaintDecision,
}

impl ResultKind {
    /// Every kind.
    pub const ALL: [ResultKind; 9] = [
        ResultKind::EnrolmentNotice,
        ResultKind::RemovalNotice,
        ResultKind::Refusal,
        ResultKind::CommissionDecision,
        ResultKind::TransferAct,
        ResultKind::Contract,
        ResultKind::SubsidyAssignment,
        ResultKind::SubsidyTermination,
        ResultKind::ComplaintDecision,
    ];

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            ResultKind::EnrolmentNotice => "ENROLMENT_NOTICE",
            ResultKind::RemovalNotice => "REMOVAL_NOTICE",
            ResultKind::Refusal => "REFUSAL",
            ResultKind::CommissionDecision => "COMMISSION_DECISION",
            ResultKind::TransferAct => "TRANSFER_ACT",
            ResultKind::Contract => "CONTRACT",
            ResultKind::SubsidyAssignment => "SUBSIDY_ASSIGNMENT",
            ResultKind::SubsidyTermination => "SUBSIDY_TERMINATION",
            ResultKind::ComplaintDecision => "COMPLAINT_DECISION",
        }
    }

    /// The kind of `code`.
    pub fn parse(code: &str) -> Option<ResultKind> {
        ResultKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The title, in Kazakh, Russian and English.
    pub fn title(self) -> [&'static str; 3] {
        match self {
            ResultKind::EnrolmentNotice => {
                ["Тұрғын үй кезегіне қою туралы хабарлама", "Уведомление о постановке на учёт", "Notice of enrolment"]
            }
            ResultKind::RemovalNotice => {
                ["Тұрғын үй кезегінен шығару туралы хабарлама", "Уведомление о снятии с учёта", "Notice of removal"]
            }
            ResultKind::Refusal => [
                "Мемлекеттік қызметті көрсетуден дәлелді бас тарту",
                "Мотивированный отказ в оказании государственной услуги",
                "Motivated refusal to render the state service",
            ],
            ResultKind::CommissionDecision => [
                "Тұрғын үй комиссиясының жекешелендіру туралы шешімі",
                "Решение жилищной комиссии о приватизации",
                "The housing commission's decision to privatize",
            ],
            ResultKind::TransferAct => ["Тапсыру актісі", "Акт приёма-передачи", "Transfer act"],
            ResultKind::Contract => [
                "Тұрғын үйді жекешелендіру туралы шарт",
                "Договор о приватизации жилища",
                "Contract of privatization of the dwelling",
            ],
            ResultKind::SubsidyAssignment => [
                "Тұрғын үй төлемін субсидиялауды тағайындау туралы хабарлама",
                "Уведомление о назначении субсидирования арендной платы",
                "Notice of the assignment of the rent subsidy",
            ],
            ResultKind::SubsidyTermination => [
                "Тұрғын үй төлемін субсидиялауды тоқтату туралы хабарлама",
                "Уведомление о прекращении субсидирования арендной платы",
                "Notice that the rent subsidy stops",
            ],
            ResultKind::ComplaintDecision => [
                "Шағымды қарау нәтижесі бойынша шешім",
                "Решение по результатам рассмотрения жалобы",
                "Decision on the complaint",
            ],
        }
    }

    /// Whether the applicant signs the document too: the contract is concluded by both parties
    /// (Civil Code art. 393; Annex 1 row 6).
    pub fn signed_by_applicant(self) -> bool {
        self == ResultKind::Contract
    }
}

/// The provider whose key seals a service's automated results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Provider {
    /// Its 12-digit BIN.
    pub bin: &'static str,
    /// Its name, as the certificate names it.
    pub name: &'static str,
    /// The service's code in the register of state services ([A-SERVICE-CODE]).
    pub service_code: &'static str,
}

/// [A-SERVICE-CODE]: the codes of the three services and of complaints in the register of state
/// services are not in the order; the suite names each by a code of its own here, the one place
/// a deployment's register code replaces.
pub const SERVICE_CODES: [(&str, &str); 4] = [
    ("privatization", "KZ-HOUSING-PRIVATIZATION"),
    ("registry", "KZ-HOUSING-REGISTRY"),
    ("rent-subsidy", "KZ-HOUSING-RENT-SUBSIDY"),
    ("complaints", "KZ-HOUSING-COMPLAINTS"),
];

fn service_code(service: &str) -> &'static str {
    SERVICE_CODES.iter().find(|(s, _)| *s == service).map(|(_, code)| *code).unwrap_or_default()
}

/// [A-PROVIDER-SEAL]: one seal per service deployment. Privatization and the rent subsidy are
/// rendered by the local executive bodies, each with its own BIN; the emulation seals with one
/// key per service, named here, and the official who decides signs with their own certificate
/// as well. The BINs are the emulation's, not real organizations'.
pub fn provider(service: &str) -> Option<Provider> {
    let (bin, name) = match service {
        "privatization" => ("000140000011", "Local executive body housing department (emulated)"),
        "registry" => ("000140000022", "Otbasy bank Housing Provision Center (emulated)"),
        "rent-subsidy" => ("000140000033", "Local executive body rent subsidy department (emulated)"),
        "complaints" => ("000140000044", "Complaint reviewing body (emulated)"),
        _ => return None,
    };
    Some(Provider { bin, name, service_code: service_code(service) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_from_its_code_and_has_three_titles() {
        for kind in ResultKind::ALL {
            assert_eq!(ResultKind::parse(kind.code()), Some(kind));
            assert!(kind.title().iter().all(|t| !t.is_empty()));
        }
        assert_eq!(ResultKind::parse("NOTHING"), None);
    }

    #[test]
    fn a_document_names_itself_on_its_second_line() {
        let text = format!("{DOCUMENT_HEADER}\nname: registry/applications/42/results/1\nkind: REFUSAL\n");
        assert_eq!(document_name(text.as_bytes()).as_deref(), Some("registry/applications/42/results/1"));
        assert_eq!(document_name(b"something else\nname: x"), None);
        assert_eq!(document_name(&[0xff, 0xfe]), None);
    }

    #[test]
    fn a_provider_per_service_with_a_twelve_digit_bin() {
        for service in ["privatization", "registry", "rent-subsidy", "complaints"] {
            let p = provider(service).unwrap();
            assert!(p.bin.len() == 12 && p.bin.bytes().all(|b| b.is_ascii_digit()));
        }
        assert!(provider("gateway").is_none());
    }
}
