//! Errors reach the client as `google.rpc.Status` with details it can decode: the reason in
//! `ErrorInfo` (domain `shanyraq.kz`), the field in `BadRequest`.

use proto::housing::ops::v1::SetTimeRequest;
use proto::housing::ops::v1::clock_service_client::ClockServiceClient;
use tonic_types::StatusExt;

use crate::helpers::{PROD_MESH, call_empty, from_workload, spawn_suite};

const GET_APPLICATION: &str = "/kz.housing.registry.v1.RegistryService/GetApplication";

#[tokio::test]
async fn bad_input_is_answered_with_a_field_violation_and_a_stable_reason() {
    let suite = spawn_suite(&[]).await;
    let status =
        ClockServiceClient::new(suite.channel.clone()).set_time(SetTimeRequest { time: None }).await.unwrap_err();
    assert_eq!(status.code(), tonic::Code::InvalidArgument);
    let details = status.get_error_details();
    let info = details.error_info().expect("ErrorInfo");
    assert_eq!((info.reason.as_str(), info.domain.as_str()), ("TIME_REQUIRED", "shanyraq.kz"));
    assert_eq!(details.bad_request().expect("BadRequest").field_violations[0].field, "time");
}

#[tokio::test]
async fn an_unknown_caller_identity_is_refused_with_details() {
    let suite = spawn_suite(&[]).await;
    let status = call_empty(&suite.channel, GET_APPLICATION, &[("x-caller-subsystem", "bank")]).await.unwrap_err();
    assert_eq!(status.code(), tonic::Code::Unauthenticated);
    let details = status.get_error_details();
    assert_eq!(details.error_info().unwrap().reason, "UNKNOWN_SUBSYSTEM");
    assert!(details.bad_request().unwrap().field_violations[0].description.contains("otbasy-portal"));
}

#[tokio::test]
async fn in_prod_a_caller_needs_an_identity_and_a_right_to_the_method() {
    let suite = spawn_suite(&PROD_MESH).await;
    let anonymous = call_empty(&suite.channel, GET_APPLICATION, &[]).await.unwrap_err();
    assert_eq!(anonymous.code(), tonic::Code::Unauthenticated);
    assert_eq!(anonymous.get_error_details().error_info().unwrap().reason, "WORKLOAD_IDENTITY_MISSING");
    let (key, dev) = from_workload("dev");
    let dev = call_empty(&suite.channel, GET_APPLICATION, &[(key, &dev)]).await.unwrap_err();
    assert_eq!(dev.get_error_details().error_info().unwrap().reason, "SUBSYSTEM_UNKNOWN");

    let (key, privatization) = from_workload("privatization");
    let stranger = call_empty(&suite.channel, GET_APPLICATION, &[(key, &privatization)]).await.unwrap_err();
    assert_eq!(stranger.code(), tonic::Code::PermissionDenied);
    assert_eq!(stranger.get_error_details().error_info().unwrap().reason, "METHOD_NOT_ALLOWED");

    // A caller the table names gets through to the method itself, which checks the request.
    let (key, portal) = from_workload("otbasy-portal");
    let portal = call_empty(&suite.channel, GET_APPLICATION, &[(key, &portal)]).await.unwrap_err();
    assert_eq!(portal.code(), tonic::Code::InvalidArgument);
    assert_eq!(portal.get_error_details().error_info().unwrap().reason, "FIELD_REQUIRED");

    // The gateway reads the calling subsystem from the envelope, and the prod profile grants
    // there nothing that GATEWAY_ACCESS_FILE does not name.
    let gateway = "/kz.egov.gateway.v1.IdentityService/GetPerson";
    let (key, registry) = from_workload("registry");
    let enveloped =
        call_empty(&suite.channel, gateway, &[(key, &registry), ("x-egov-client", "registry")]).await.unwrap_err();
    assert_eq!(enveloped.code(), tonic::Code::PermissionDenied);
    assert_eq!(enveloped.get_error_details().error_info().unwrap().metadata["subsystem"], "registry");
}

#[tokio::test]
async fn in_prod_the_gateway_grants_what_the_access_file_names() {
    let dir = std::env::temp_dir().join(format!("shanyraq-access-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("access.toml");
    std::fs::write(&file, "registry = [\"IdentityService/*\"]\n").unwrap();
    let [profile, identity, names] = PROD_MESH;
    let suite = spawn_suite(&[profile, identity, names, ("GATEWAY_ACCESS_FILE", file.to_str().unwrap())]).await;
    let get_person = "/kz.egov.gateway.v1.IdentityService/GetPerson";
    let (key, registry) = from_workload("registry");
    let as_registry = [(key, registry.as_str()), ("x-egov-client", "registry")];
    // Past the access check, the empty envelope is what is wrong.
    let granted = call_empty(&suite.channel, get_person, &as_registry).await.unwrap_err();
    assert_eq!(granted.get_error_details().error_info().unwrap().reason, "ENVELOPE_INCOMPLETE");
    let family = "/kz.egov.gateway.v1.CivilStatusService/GetFamily";
    let denied = call_empty(&suite.channel, family, &as_registry).await.unwrap_err();
    assert_eq!(denied.code(), tonic::Code::PermissionDenied);
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn health_needs_no_identity_even_in_prod() {
    let suite = spawn_suite(&PROD_MESH).await;
    let mut health = tonic_health::pb::health_client::HealthClient::new(suite.channel.clone());
    let answer = health.check(tonic_health::pb::HealthCheckRequest { service: String::new() }).await.unwrap();
    assert_eq!(answer.into_inner().status(), tonic_health::pb::health_check_response::ServingStatus::Serving);
}

#[tokio::test]
async fn a_request_that_does_not_decode_is_invalid_argument_with_its_reason_not_internal() {
    let suite = spawn_suite(&[]).await;
    // A varint where GetApplicationRequest.name (field 1) is a string: no such message.
    let wrong = prost_types::Timestamp { seconds: 5, nanos: 0 };
    let status = crate::helpers::call::<_, prost_types::Timestamp>(
        &suite.channel,
        "/kz.housing.registry.v1.RegistryService/GetApplication",
        wrong,
        &[],
    )
    .await
    .unwrap_err();
    assert_eq!(status.code(), tonic::Code::InvalidArgument, "{status:?}");
    assert_eq!(status.get_error_details().error_info().unwrap().reason, "MALFORMED_REQUEST");
    let field = status.get_error_details().bad_request().unwrap().field_violations[0].field.clone();
    assert_eq!(field, "name", "{status:?}");
}
