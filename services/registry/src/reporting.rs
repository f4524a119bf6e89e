//! What leaves the registry through the outbox: every stage change to the state services
//! monitoring system (SR cl. 26 as [A-MON] applies it to every service), each result to the
//! applicant's personal cabinet in kk/ru/en (Annex 2 rows 6 and 11(2)), and the notices of a
//! changed procedure to the State Corporation and the Unified Contact Centre (RR cl. 2).

use law::RefusalGround as _;
use platform::store::outbox::OutboxMessage;
use proto::egov::gateway::v1 as gw;
use proto::housing::common::v1::LocalizedText;

use crate::domain::Ground;

/// The channel the service is provided through (Annex 2 row 3).
pub const CHANNEL: &str = "otbasybank.kz";

/// The notice of a result to the applicant's personal cabinet, addressed to them by name.
pub fn result_notice(case: &str, applicant: &str, name: Option<&str>, text: LocalizedText) -> OutboxMessage {
    let purpose = "Annex 2 row 6: the result to the applicant";
    casework::reporting::notice(
        case,
        applicant,
        gw::NotificationChannel::Cabinet,
        casework::reporting::addressed(name, text),
        purpose,
    )
}

/// The notification of enrolment with the place on the list (Annex 2 row 6; [A-QUEUE]).
pub fn enrolment_text(business_id: &str, settlement: &str, category: &str, position: i64) -> LocalizedText {
    LocalizedText {
        kk: format!(
            "{business_id} өтініші бойынша сіз \"Тұрғын үймен қамтамасыз ету орталығы\" электрондық базасына есепке қойылдыңыз: {settlement} елді мекені, {category} тізімі, кезектегі нөміріңіз {position}."
        ),
        ru: format!(
            "По заявлению {business_id} вы поставлены на учёт в электронной базе «Центр обеспечения жильём»: населённый пункт {settlement}, список {category}, ваш номер в очереди {position}."
        ),
        en: format!(
            "Application {business_id}: you are enrolled in the \"Housing Provision Center\" database, settlement {settlement}, list {category}, queue number {position}."
        ),
    }
}

/// The motivated refusal (Annex 2 rows 6 and 10).
pub fn refusal_text(business_id: &str, ground: Ground) -> LocalizedText {
    let [kk, ru, en] = ground.texts();
    let clause = ground.clause();
    LocalizedText {
        kk: format!("{business_id} өтініші бойынша есепке қоюдан уәжді бас тарту ({clause}): {kk}."),
        ru: format!("По заявлению {business_id} мотивированный отказ в постановке на учёт ({clause}): {ru}."),
        en: format!("Application {business_id}: motivated refusal of enrolment ({clause}): {en}."),
    }
}

/// The notice of a removal from the list [A-REMOVAL].
pub fn removal_text(business_id: &str, ground: &str, reason: &str) -> LocalizedText {
    LocalizedText {
        kk: format!("{business_id} өтініші бойынша сіз кезектен шығарылдыңыз ({ground}): {reason}"),
        ru: format!("По заявлению {business_id} вы сняты с очереди ({ground}): {reason}"),
        en: format!("Application {business_id}: you were removed from the waiting list ({ground}): {reason}"),
    }
}

/// A notice of a changed procedure to an organization (RR cl. 2).
pub fn change_notice(case: &str, recipient: &str, text: LocalizedText) -> OutboxMessage {
    casework::reporting::notice(
        case,
        recipient,
        gw::NotificationChannel::Email,
        text,
        "RR cl. 2: notice of a changed procedure",
    )
}
