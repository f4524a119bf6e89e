//! What every housing service sends through the outbox: each stage change to the state
//! services monitoring system (SR cl. 26, applied to every service by [A-MON]), and notices to
//! a person's personal cabinet or to an organization, in kk/ru/en.

use chrono::{DateTime, Utc};
use platform::Subsystem;
use platform::store::outbox::OutboxMessage;
use proto::egov::gateway::v1 as gw;
use proto::housing::common::v1::LocalizedText;

use crate::history::timestamp;

/// The monitoring system's method.
pub const REPORT_STAGE: &str = "/kz.egov.gateway.v1.MonitoringService/ReportStage";
/// The notification service's method.
pub const SEND_NOTIFICATION: &str = "/kz.egov.gateway.v1.NotificationService/SendNotification";

/// What a stage report says (SR cl. 26): the case, its service and provider, the stage and
/// when, where the case is decided, the day the stage is due, and at the end the result and
/// its ground.
#[derive(Debug, Clone, Copy)]
pub struct StageData<'a> {
    /// The service (`registry`).
    pub service: &'a str,
    /// The channel it came through.
    pub channel: &'a str,
    /// The case's name.
    pub case: &'a str,
    /// The person it is about.
    pub user: &'a str,
    /// The stage entered.
    pub stage: &'a str,
    /// When.
    pub at: DateTime<Utc>,
    /// Where it is decided: a settlement's KATO code, a reviewing body.
    pub place: &'a str,
    /// The day the stage is due (for a result, the day it was due by); empty without a term.
    pub due_date: &'a str,
    /// The result, at a closed stage; else empty.
    pub result: &'a str,
    /// The refusal ground of a refusal; else empty.
    pub ground: &'a str,
}

/// A stage report for the monitoring system, with the service's code in the register of state
/// services and the provider's BIN ([A-SERVICE-CODE], [A-PROVIDER-SEAL]).
pub fn stage_report(r: &StageData<'_>) -> OutboxMessage {
    let provider = law::result::provider(r.service);
    let request = gw::ReportStageRequest {
        service: r.service.into(),
        case_name: r.case.into(),
        stage: r.stage.into(),
        occurred_time: Some(timestamp(r.at)),
        channel: r.channel.into(),
        service_code: provider.map(|p| p.service_code).unwrap_or_default().into(),
        provider_bin: provider.map(|p| p.bin).unwrap_or_default().into(),
        due_date: r.due_date.into(),
        result: r.result.into(),
        ground: r.ground.into(),
        place: r.place.into(),
    };
    OutboxMessage::new(
        Subsystem::Gateway,
        REPORT_STAGE,
        r.case,
        "SR cl. 26: stage data to monitoring [A-MON]",
        &request,
    )
    .for_user(r.user)
}

/// A notice to `recipient` (an IIN, or `STATE_CORPORATION`, `CONTACT_CENTRE`) about `case`.
pub fn notice(
    case: &str,
    recipient: &str,
    channel: gw::NotificationChannel,
    text: LocalizedText,
    purpose: &str,
) -> OutboxMessage {
    let request = gw::SendNotificationRequest {
        recipient: recipient.into(),
        channel: channel.into(),
        text: Some(text),
        case_name: case.into(),
    };
    let message = OutboxMessage::new(Subsystem::Gateway, SEND_NOTIFICATION, case, purpose, &request);
    if recipient.bytes().all(|b| b.is_ascii_digit()) { message.for_user(recipient) } else { message }
}

/// A result's text addressed to the applicant by the name the population register recorded at
/// filing, byte for byte (an application filed before names were kept has none: the text is
/// addressed to no one).
pub fn addressed(name: Option<&str>, text: LocalizedText) -> LocalizedText {
    match name.filter(|n| !n.is_empty()) {
        Some(n) => LocalizedText {
            kk: format!("Құрметті {n}! {}", text.kk),
            ru: format!("Уважаемый(-ая) {n}! {}", text.ru),
            en: format!("Dear {n}, {}", text.en),
        },
        None => text,
    }
}
