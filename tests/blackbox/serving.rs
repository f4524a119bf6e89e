//! Every service of the contract table is served, healthy and listed by reflection v1 and
//! v1alpha; until its issue lands each method answers UNIMPLEMENTED naming itself.

use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

use crate::helpers::{CONTRACT_SERVICES, call_empty, contract_methods, spawn_suite};

#[tokio::test]
async fn every_service_of_the_contract_table_reports_serving() {
    let suite = spawn_suite(&[]).await;
    let mut health = HealthClient::new(suite.channel.clone());
    for service in CONTRACT_SERVICES.iter().chain(&[""]) {
        let answer = health
            .check(HealthCheckRequest { service: (*service).to_owned() })
            .await
            .unwrap_or_else(|e| panic!("health of {service:?}: {e}"))
            .into_inner();
        assert_eq!(answer.status(), ServingStatus::Serving, "{service}");
    }
    let unknown = health.check(HealthCheckRequest { service: "kz.nowhere.v1.Nothing".into() }).await.unwrap_err();
    assert_eq!(unknown.code(), tonic::Code::NotFound);
}

macro_rules! list_services {
    ($pb:path, $channel:expr) => {{
        use $pb as pb;
        let mut client = pb::server_reflection_client::ServerReflectionClient::new($channel);
        let request = pb::ServerReflectionRequest {
            host: String::new(),
            message_request: Some(pb::server_reflection_request::MessageRequest::ListServices(String::new())),
        };
        let mut answers = client.server_reflection_info(tokio_stream::iter(vec![request])).await.unwrap().into_inner();
        let answer = answers.message().await.unwrap().expect("one answer");
        match answer.message_response {
            Some(pb::server_reflection_response::MessageResponse::ListServicesResponse(list)) => {
                list.service.into_iter().map(|s| s.name).collect::<Vec<_>>()
            }
            other => panic!("unexpected reflection answer {other:?}"),
        }
    }};
}

#[tokio::test]
async fn reflection_v1_and_v1alpha_list_every_service_with_health_and_reflection() {
    let suite = spawn_suite(&[]).await;
    let v1 = list_services!(tonic_reflection::pb::v1, suite.channel.clone());
    let v1alpha = list_services!(tonic_reflection::pb::v1alpha, suite.channel.clone());
    for listed in [&v1, &v1alpha] {
        for service in CONTRACT_SERVICES {
            assert!(listed.iter().any(|s| s == service), "{service} missing from {listed:?}");
        }
    }
    assert!(v1.iter().any(|s| s == "grpc.reflection.v1.ServerReflection"), "{v1:?}");
    assert!(v1alpha.iter().any(|s| s == "grpc.reflection.v1alpha.ServerReflection"), "{v1alpha:?}");
    let mut health = tonic_health::pb::health_client::HealthClient::new(suite.channel.clone());
    assert!(health.check(tonic_health::pb::HealthCheckRequest { service: String::new() }).await.is_ok());
}

#[tokio::test]
async fn no_method_of_the_contract_answers_unimplemented() {
    let suite = spawn_suite(&[]).await;
    let housing = [
        "kz.housing.privatization.v1.",
        "kz.housing.registry.v1.",
        "kz.housing.subsidy.v1.",
        "kz.housing.complaints.v1.",
    ];
    let methods: Vec<_> =
        contract_methods().into_iter().filter(|(service, _)| housing.iter().any(|h| service.starts_with(h))).collect();
    assert!(methods.len() > 50, "the four services' methods: {}", methods.len());
    for (_, path) in methods {
        if path.ends_with("/WatchApplication") || path.ends_with("/WatchComplaint") {
            continue;
        }
        if let Err(status) = call_empty(&suite.channel, &path, &[]).await {
            assert_ne!(status.code(), tonic::Code::Unimplemented, "{path}: {status:?}");
            assert!(!matches!(status.code(), tonic::Code::Internal | tonic::Code::Unknown), "{path}: {status:?}");
        }
    }
}

/// Every binary behaves like a tool: `--help` lists every setting, `--version` answers,
/// `health` exits 0 against a serving suite and 1 against nothing.
#[tokio::test]
async fn the_binary_answers_help_version_and_a_health_check() {
    let run = |args: &[&str]| std::process::Command::new(env!("CARGO_BIN_EXE_suite")).args(args).output().unwrap();
    let help = String::from_utf8(run(&["--help"]).stdout).unwrap();
    for setting in platform::config::SETTINGS {
        assert!(help.contains(setting.key), "--help lists {}", setting.key);
    }
    let version = run(&["--version"]);
    assert!(version.status.success() && String::from_utf8_lossy(&version.stdout).starts_with("suite "));
    let suite = spawn_suite(&[]).await;
    let addr = suite.address.trim_start_matches("http://").to_owned();
    let serving = tokio::task::spawn_blocking(move || run(&["health", "--addr", &addr])).await.unwrap();
    assert_eq!(serving.status.code(), Some(0), "{}", String::from_utf8_lossy(&serving.stdout));
    let nothing = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().to_string();
    let down =
        std::process::Command::new(env!("CARGO_BIN_EXE_suite")).args(["health", "--addr", &nothing]).output().unwrap();
    assert_eq!(down.status.code(), Some(1));
    assert_eq!(run(&["--bogus"]).status.code(), Some(2));
}
