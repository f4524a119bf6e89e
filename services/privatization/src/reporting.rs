//! What leaves privatization through the outbox: every stage change to the monitoring system
//! ([A-MON]) and each result (decision, refusal, contract) to the applicant's personal cabinet
//! in kk/ru/en (Annex 1 rows 6 and 11(2)).

use law::RefusalGround as _;
use platform::store::outbox::OutboxMessage;
use proto::egov::gateway::v1 as gw;
use proto::housing::common::v1::LocalizedText;

use crate::domain::Ground;

/// The channel's name for the monitoring system.
pub fn channel_name(channel: &str) -> &'static str {
    if channel == "STATE_CORPORATION" { "State Corporation" } else { "egov.kz" }
}

/// A result to the applicant's personal cabinet.
pub fn result_notice(case: &str, applicant: &str, name: Option<&str>, text: LocalizedText) -> OutboxMessage {
    casework::reporting::notice(
        case,
        applicant,
        gw::NotificationChannel::Cabinet,
        casework::reporting::addressed(name, text),
        "Annex 1 row 6: the result to the applicant",
    )
}

/// The motivated refusal (Annex 1 rows 6 and 10).
pub fn refusal_text(business_id: &str, ground: Ground) -> LocalizedText {
    let [kk, ru, en] = ground.texts();
    let clause = ground.clause();
    LocalizedText {
        kk: format!("{business_id} өтініші бойынша тұрғын үйді жекешелендіруден дәлелді бас тарту ({clause}): {kk}."),
        ru: format!("По заявлению {business_id} мотивированный отказ в приватизации жилища ({clause}): {ru}."),
        en: format!("Application {business_id}: motivated refusal of privatization ({clause}): {en}."),
    }
}

/// A result recorded: the commission's decision, the transfer act, the contract.
pub fn result_text(business_id: &str, what: [&str; 3], number: &str) -> LocalizedText {
    LocalizedText {
        kk: format!("{business_id} өтініші бойынша: {} № {number}.", what[0]),
        ru: format!("По заявлению {business_id}: {} № {number}.", what[1]),
        en: format!("Application {business_id}: {} No. {number}.", what[2]),
    }
}

/// The commission's decision to privatize.
pub const DECISION: [&str; 3] = [
    "тұрғын үйді жекешелендіру туралы тұрғын үй комиссиясының шешімі",
    "решение жилищной комиссии о приватизации жилища",
    "the housing commission's decision to privatize",
];
/// The transfer act (republican fund, row 6(2)).
pub const TRANSFER_ACT: [&str; 3] = ["тапсыру актісі", "акт приёма-передачи", "the transfer act"];
/// The privatization contract.
pub const CONTRACT: [&str; 3] = [
    "тұрғын үйді жекешелендіру туралы шарт жасалды",
    "заключён договор о приватизации жилища",
    "the privatization contract is signed",
];
