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

/// A stage report of `service`'s case, received through `channel`, for the monitoring system.
pub fn stage_report(
    service: &str,
    channel: &str,
    case: &str,
    user: &str,
    stage: &str,
    at: DateTime<Utc>,
) -> OutboxMessage {
    let request = gw::ReportStageRequest {
        service: service.into(),
        case_name: case.into(),
        stage: stage.into(),
        occurred_at: Some(timestamp(at)),
        channel: channel.into(),
    };
    OutboxMessage::new(Subsystem::Gateway, REPORT_STAGE, case, "SR cl. 26: stage data to monitoring [A-MON]", &request)
        .for_user(user)
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
