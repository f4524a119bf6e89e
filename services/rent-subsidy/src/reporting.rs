//! What leaves the rent subsidy through the outbox: every stage to the monitoring system,
//! automatically and once (SR cl. 26, AT-24a-b), and each result to the applicant's cabinet.

use law::RefusalGround as _;
use platform::store::outbox::OutboxMessage;
use proto::egov::gateway::v1 as gw;
use proto::housing::common::v1::LocalizedText;

use crate::domain::Ground;

/// The channel (Annex 3 row 3).
pub const CHANNEL: &str = "otbasybank.kz";

/// A result to the applicant's personal cabinet (Annex 3 row 6).
pub fn notice(case: &str, applicant: &str, name: Option<&str>, text: LocalizedText) -> OutboxMessage {
    casework::reporting::notice(
        case,
        applicant,
        gw::NotificationChannel::Cabinet,
        casework::reporting::addressed(name, text),
        "Annex 3 row 6: the result to the applicant",
    )
}

/// The notification of the assignment of payments, with the schedule.
pub fn assignment(business_id: &str, monthly_tiyn: i64, months: &[String]) -> LocalizedText {
    let tenge = format!("{}.{:02}", monthly_tiyn / 100, monthly_tiyn % 100);
    let (first, last) = (months.first().cloned().unwrap_or_default(), months.last().cloned().unwrap_or_default());
    LocalizedText {
        kk: format!(
            "{business_id} өтініші бойынша төлем тағайындалды: айына {tenge} теңге, {first} бастап {last} дейін, жалға берушіге төленеді."
        ),
        ru: format!(
            "По заявлению {business_id} назначена выплата: {tenge} тенге в месяц с {first} по {last}, перечисляется наймодателю."
        ),
        en: format!(
            "Application {business_id}: payments assigned, {tenge} KZT a month from {first} to {last}, paid to the landlord."
        ),
    }
}

/// A motivated refusal (Annex 3 rows 6 and 10).
pub fn refusal(business_id: &str, ground: Ground) -> LocalizedText {
    let [kk, ru, en] = ground.texts();
    let clause = ground.clause();
    LocalizedText {
        kk: format!("{business_id} өтініші бойынша қызмет көрсетуден бас тарту туралы дәлелді жауап ({clause}): {kk}."),
        ru: format!("По заявлению {business_id} мотивированный ответ об отказе ({clause}): {ru}."),
        en: format!("Application {business_id}: motivated refusal ({clause}): {en}."),
    }
}

/// The payments stopped.
pub fn stopped(business_id: &str, why: &str) -> LocalizedText {
    LocalizedText {
        kk: format!("{business_id} өтініші бойынша төлемдер тоқтатылды: {why}."),
        ru: format!("По заявлению {business_id} выплаты прекращены: {why}."),
        en: format!("Application {business_id}: payments stopped: {why}."),
    }
}
