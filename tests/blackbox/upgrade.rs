//! A database written by an earlier commit opens after a change and keeps its cases: the
//! migrations are append-only (sqlx checks their checksums), and the stages stored then are
//! read, and moved on, by today's code.
//!
//! `fixtures/previous-commit/` holds the SQLite files the suite wrote at the commit before the
//! case kernel: an enrolment, a privatization and a subsidy refused, and a complaint about the
//! enrolment under review. `write_the_fixture` wrote them at commit 36e8fc0 (to renew them, run
//! `SHANYRAQ_FIXTURE_OUT=<folder> cargo test -p suite --test blackbox write_the_fixture --
//! --ignored` in a checkout of the commit, then fold each file's WAL into it with
//! `PRAGMA wal_checkpoint(TRUNCATE)`, `PRAGMA journal_mode=DELETE` and `VACUUM`, and copy the
//! `*.db` files and `cases.txt` here).

use std::path::{Path, PathBuf};
use std::time::Duration;

use proto::egov::gateway::v1 as gw;
use proto::housing::complaints::v1 as pb;
use proto::housing::privatization::v1 as pv;
use proto::housing::privatization::v1::privatization_service_client::PrivatizationServiceClient;
use proto::housing::registry::v1 as reg;
use proto::housing::registry::v1::registry_service_client::RegistryServiceClient;
use proto::housing::subsidy::v1 as sub;
use proto::housing::subsidy::v1::rent_subsidy_service_client::RentSubsidyServiceClient;
use tonic::transport::Channel;

use crate::complaints::{
    BODY, client, complaint, file, refused_enrolment, refused_privatization, refused_subsidy, reviewer,
};
use crate::helpers::spawn_suite_on_sqlite;
use crate::kit::{self, iin, with};

/// Where the fixture is, from the workspace's root.
const FIXTURE: &str = "tests/blackbox/fixtures/previous-commit";
/// The file in the fixture that names its cases, one `kind name` a line.
const MANIFEST: &str = "cases.txt";
/// The day the fixture's cases were filed, local time.
const FILED_AT: &str = "2026-04-01T10:00";

/// The applicant of the enrolment the complaint is about.
fn complainant() -> String {
    iin("1989-03-03", 1)
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(FIXTURE)
}

/// Copies the SQLite files of `from` into a new folder of its own.
fn copy_of(from: &Path) -> PathBuf {
    let to = std::env::temp_dir().join(format!("shanyraq-upgrade-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
    to
}

async fn enrolment_stage(ch: &Channel, name: &str) -> i32 {
    let r = reg::GetApplicationRequest { name: name.into() };
    RegistryServiceClient::new(ch.clone()).get_application(r).await.unwrap().into_inner().application.unwrap().stage
}

#[tokio::test]
#[ignore = "writes the fixture of a commit; run by hand with SHANYRAQ_FIXTURE_OUT"]
async fn write_the_fixture() {
    let out = PathBuf::from(std::env::var("SHANYRAQ_FIXTURE_OUT").expect("SHANYRAQ_FIXTURE_OUT names the folder"));
    let written = std::env::temp_dir().join(format!("shanyraq-fixture-{}", uuid::Uuid::new_v4().simple()));
    let mut suite = spawn_suite_on_sqlite(written.clone(), &[]).await;
    let ch = &suite.channel.clone();
    kit::at(ch, FILED_AT).await;
    let enrolment = refused_enrolment(ch, &complainant()).await;
    let privatization = refused_privatization(ch, &iin("1989-03-04", 1)).await;
    let subsidy = refused_subsidy(ch, &iin("1989-03-05", 1)).await;
    let about = complaint(&complainant(), &enrolment, pb::ReviewerKind::Provider, pb::FiledChannel::Electronic);
    let complaint = file(ch, about).await.unwrap();
    // A graceful stop: every acknowledged change is in the files (their WAL included).
    let pid = suite.child.id().to_string();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    suite.child.wait().unwrap();
    std::fs::create_dir_all(&out).unwrap();
    for entry in std::fs::read_dir(&written).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), out.join(entry.file_name())).unwrap();
    }
    let manifest = format!(
        "registry {enrolment}\nprivatization {privatization}\nsubsidy {subsidy}\ncomplaint {}\n",
        complaint.name
    );
    std::fs::write(out.join(MANIFEST), manifest).unwrap();
}

#[tokio::test]
async fn a_database_written_by_the_previous_commit_opens_keeps_its_cases_and_moves_them_on() {
    for service in ["registry", "privatization", "rent-subsidy", "complaints", "egov-gateway"] {
        let file = fixture().join(format!("{service}.db"));
        // Without the files the suite would start empty and the test would fail far from the cause.
        assert!(file.is_file(), "the fixture's {} is missing (is it ignored by git?)", file.display());
    }
    let data = copy_of(&fixture());
    let manifest = std::fs::read_to_string(data.join(MANIFEST)).unwrap();
    let name = |kind: &str| {
        manifest.lines().find_map(|l| l.strip_prefix(kind).map(|n| n.trim().to_owned())).expect("the manifest names it")
    };
    let suite = spawn_suite_on_sqlite(data, &[("SHANYRAQ_SWEEP_INTERVAL", "200ms")]).await;
    let ch = &suite.channel;
    kit::at(ch, FILED_AT).await;

    // Every case is there, at the stage it was left in.
    let enrolment = name("registry");
    assert_eq!(enrolment_stage(ch, &enrolment).await, reg::ApplicationStage::Refused as i32);
    let privatization = PrivatizationServiceClient::new(ch.clone())
        .get_application(pv::GetApplicationRequest { name: name("privatization") })
        .await
        .unwrap()
        .into_inner()
        .application
        .unwrap();
    assert_eq!(privatization.stage, pv::ApplicationStage::Refused as i32);
    let subsidy = RentSubsidyServiceClient::new(ch.clone())
        .get_application(sub::GetApplicationRequest { name: name("subsidy") })
        .await
        .unwrap()
        .into_inner()
        .application
        .unwrap();
    assert_eq!(subsidy.stage, sub::ApplicationStage::Refused as i32);
    let complaint = client(ch)
        .get_complaint(pb::GetComplaintRequest { name: name("complaint") })
        .await
        .unwrap()
        .into_inner()
        .complaint
        .unwrap();
    assert_eq!(complaint.stage, pb::ComplaintStage::UnderReview as i32);

    // Today's code moves the old cases on: the complaint is upheld, the enrolment decided again.
    kit::load(
        ch,
        gw::LoadRecordsRequest {
            // The address register now holds the applicant's registration too (RULES.md G-R1).
            addresses: vec![kit::registered(&complainant(), "751110000")],
            consents: vec![kit::consent(&complainant(), "registry")],
            ..Default::default()
        },
    )
    .await;
    let decide = pb::RecordComplaintDecisionRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        name: complaint.name.clone(),
        uphold: true,
        reason: "the refusal rested on a fault of the state systems".into(),
        reopen_stage: String::new(),
        remedy: None,
    };
    let decided =
        client(ch).record_complaint_decision(with(decide, &reviewer(BODY))).await.unwrap().into_inner().complaint;
    assert_eq!(decided.unwrap().stage, pb::ComplaintStage::Upheld as i32);
    let mut stage = 0;
    for _ in 0..100 {
        stage = enrolment_stage(ch, &enrolment).await;
        if stage == reg::ApplicationStage::Enrolled as i32 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(stage, reg::ApplicationStage::Enrolled as i32, "the old enrolment was reopened and decided again");
}
