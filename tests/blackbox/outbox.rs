//! The outbox parks what is refused for good and an operator re-queues it: a notice the gateway
//! refuses (an injected FAILED_PRECONDITION) is parked with its last error instead of retried
//! forever, listed by `OutboxService`, and delivered once re-queued.

use std::time::Duration;

use proto::egov::gateway::v1 as gw;
use proto::housing::ops::v1 as ops;

use crate::helpers::{call, spawn_suite};
use crate::kit;

const SEND: &str = "/kz.egov.gateway.v1.NotificationService/SendNotification";
async fn parked(ch: &tonic::transport::Channel) -> Vec<ops::ParkedDelivery> {
    let operator = [("x-caller-subsystem", "operator".to_owned())];
    call::<_, ops::ListParkedDeliveriesResponse>(
        ch,
        "/kz.housing.ops.v1.OutboxService/ListParkedDeliveries",
        ops::ListParkedDeliveriesRequest::default(),
        &operator,
    )
    .await
    .unwrap()
    .0
    .deliveries
}

#[tokio::test]
async fn a_permanently_refused_delivery_is_parked_and_delivered_once_re_queued() {
    let suite = spawn_suite(&[("SHANYRAQ_OUTBOX_POLL", "100ms")]).await;
    let ch = &suite.channel;
    let who = kit::iin("1991-05-05", 4);
    kit::load(
        ch,
        gw::LoadRecordsRequest {
            persons: vec![kit::citizen(&who)],
            consents: vec![kit::consent(&who, "registry")],
            ..Default::default()
        },
    )
    .await;
    kit::at(ch, "2026-04-15T10:00").await;
    let fault =
        gw::InjectFaultRequest { method: SEND.into(), kind: gw::FaultKind::Refused as i32, ..Default::default() };
    call::<_, gw::InjectFaultResponse>(ch, "/kz.egov.gateway.v1.AdminService/InjectFault", fault, &[]).await.unwrap();
    let app = crate::kit::enrol(ch, &who, "751110000").await;

    let mut found = Vec::new();
    for _ in 0..100 {
        // The application's own (the registry's notices of this order's standard may be parked
        // as well, when they leave after the fault).
        found = parked(ch).await.into_iter().filter(|d| d.case_name == app.name).collect();
        if !found.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let [delivery] = found.as_slice() else { panic!("one parked delivery: {found:?}") };
    assert!(delivery.name.starts_with("outbox/registry/"), "{delivery:?}");
    assert_eq!((delivery.method.as_str(), delivery.case_name.as_str()), (SEND, app.name.as_str()));
    assert_eq!(delivery.attempts, 1, "a permanent refusal is not retried");
    assert!(delivery.last_error.contains("FailedPrecondition"), "{delivery:?}");

    // Only the operator may look.
    let portal = [("x-caller-subsystem", "otbasy-portal".to_owned())];
    let denied = call::<_, ops::ListParkedDeliveriesResponse>(
        ch,
        "/kz.housing.ops.v1.OutboxService/ListParkedDeliveries",
        ops::ListParkedDeliveriesRequest::default(),
        &portal,
    )
    .await
    .unwrap_err();
    assert_eq!(denied.code(), tonic::Code::PermissionDenied);

    call::<_, gw::ClearFaultsResponse>(
        ch,
        "/kz.egov.gateway.v1.AdminService/ClearFaults",
        gw::ClearFaultsRequest {},
        &[],
    )
    .await
    .unwrap();
    let operator = [("x-caller-subsystem", "operator".to_owned())];
    let requeue = ops::RequeueDeliveryRequest { name: delivery.name.clone() };
    call::<_, ops::RequeueDeliveryResponse>(
        ch,
        "/kz.housing.ops.v1.OutboxService/RequeueDelivery",
        requeue.clone(),
        &operator,
    )
    .await
    .unwrap();
    let again = call::<_, ops::RequeueDeliveryResponse>(
        ch,
        "/kz.housing.ops.v1.OutboxService/RequeueDelivery",
        requeue,
        &operator,
    )
    .await
    .unwrap_err();
    assert_eq!(again.code(), tonic::Code::NotFound, "no longer parked");
    let mut delivered = false;
    for _ in 0..100 {
        let r = gw::ListNotificationsRequest { recipient: who.clone(), ..Default::default() };
        let (page, _) = call::<_, gw::ListNotificationsResponse>(
            ch,
            "/kz.egov.gateway.v1.NotificationService/ListNotifications",
            r,
            &kit::envelope(&who),
        )
        .await
        .unwrap();
        if page.notifications.iter().any(|n| n.case_name == app.name) {
            delivered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(delivered, "the re-queued notice arrives");
    assert!(parked(ch).await.iter().all(|d| d.case_name != app.name), "nothing of the application stays parked");
}
