//! The gateway's registers through gRPC: IIN checks at every IIN-taking method (AT-25), records
//! before and after the cut-offs, "no record" against "no such person", the envelope, access
//! rights, and the seeded population.

use std::time::Duration;

use proto::egov::gateway::v1 as pb;
use tonic_types::StatusExt;

use crate::helpers::{call, spawn_suite};

const GW: &str = "/kz.egov.gateway.v1.";

/// The AT-25 IINs.
const VALID: &[&str] = &["791028302728", "850215300005", "850215300604"];

fn envelope(client: &str) -> Vec<(&'static str, String)> {
    vec![
        ("x-egov-client", client.to_owned()),
        ("x-egov-message-id", "6f9619ff-8b86-4d01-b42d-00cf4fc964ff".to_owned()),
        ("x-egov-user-iin", "791028302728".to_owned()),
        ("x-egov-case", "registry/applications/42".to_owned()),
        ("x-egov-purpose", "Annex 2 row 9: enrolment".to_owned()),
    ]
}

fn path(method: &str) -> String {
    format!("{GW}{method}")
}

/// Every method that takes `string iin = 1`.
const IIN_METHODS: &[&str] = &[
    "IdentityService/GetPerson",
    "IdentityService/ListIdentityDocuments",
    "IdentityService/GetRegisteredAddress",
    "CivilStatusService/GetFamily",
    "CivilStatusService/ListCivilRecords",
    "PropertyService/ListDwellings",
    "PropertyService/GetStateTenancy",
    "CourtService/ListCourtDecisions",
    "SocialStatusService/GetSocialStatus",
    "SocialStatusService/ListIncome",
    "EmploymentService/GetEmployment",
];

fn reason(status: &tonic::Status) -> String {
    status.get_error_details().error_info().map(|i| i.reason.clone()).unwrap_or_default()
}

#[tokio::test]
async fn at25_every_iin_taking_method_checks_the_iin_and_tells_no_person_apart() {
    let suite = spawn_suite(&[]).await;
    for method in IIN_METHODS {
        for (iin, code, expected) in [
            ("850215300631", tonic::Code::InvalidArgument, "IIN_CHECKSUM_MISMATCH"),
            ("85021530060", tonic::Code::InvalidArgument, "IIN_BAD_FORMAT"),
            ("791328300009", tonic::Code::InvalidArgument, "IIN_DATE_INVALID"),
            ("", tonic::Code::InvalidArgument, "IIN_BAD_FORMAT"),
        ] {
            let status = call::<_, ()>(
                &suite.channel,
                &path(method),
                pb::GetPersonRequest { iin: iin.into() },
                &envelope("privatization"),
            )
            .await
            .unwrap_err();
            assert_eq!((status.code(), reason(&status).as_str()), (code, expected), "{method} {iin}");
            let field = status.get_error_details().bad_request().expect("BadRequest").field_violations[0].field.clone();
            assert_eq!(field, "iin", "{method}");
        }
        for iin in VALID {
            let status = call::<_, ()>(
                &suite.channel,
                &path(method),
                pb::GetPersonRequest { iin: (*iin).into() },
                &envelope("privatization"),
            )
            .await
            .unwrap_err();
            assert_eq!(
                (status.code(), reason(&status).as_str()),
                (tonic::Code::NotFound, "PERSON_NOT_FOUND"),
                "{method} {iin}"
            );
        }
    }
}

fn iin(born: &str, male: bool, serial: u16) -> String {
    let sex = if male { kz_ids::Sex::Male } else { kz_ids::Sex::Female };
    kz_ids::Iin::generate_from(born.parse().unwrap(), sex, serial).unwrap().to_string()
}

fn person(iin: &str, first: &str) -> pb::Person {
    pb::Person {
        iin: iin.into(),
        last_name: "Қасымов".into(),
        first_name: first.into(),
        citizenship: pb::Citizenship::Kazakhstan as i32,
        phone: "+77070000000".into(),
        ..Default::default()
    }
}

struct Family {
    father: String,
    mother: String,
    child: String,
    elder: String,
}

/// A family whose marriage (2005) and elder child's birth (2005) predate the cut-offs and have
/// no record, while the younger child's birth (2010) has one; the father sold a dwelling to the
/// akimat in 2022 and another in 2019, and owns one now.
async fn load_family(channel: &tonic::transport::Channel) -> Family {
    let f = Family {
        father: iin("1980-01-01", true, 1),
        mother: iin("1982-02-02", false, 1),
        child: iin("2010-03-03", true, 1),
        elder: iin("2005-03-03", false, 1),
    };
    let birth = pb::CivilRecord {
        record_number: "AZ-2010-1".into(),
        kind: pb::CivilRecordKind::Birth as i32,
        event_date: "2010-03-03".into(),
        registered_on: "2010-03-10".into(),
        parties: vec![
            pb::Party { iin: f.child.clone(), role: pb::PartyRole::Child as i32 },
            pb::Party { iin: f.father.clone(), role: pb::PartyRole::Parent as i32 },
            pb::Party { iin: f.mother.clone(), role: pb::PartyRole::Parent as i32 },
        ],
    };
    let dwelling = |n: &str| pb::Dwelling {
        cadastral_number: n.into(),
        kato: "711210000".into(),
        address_line: "Абай даңғылы, 1".into(),
        area_m2_tenths: 543,
        ..Default::default()
    };
    let owned = |n: &str, acquired: &str, sold: &str, akimat: bool| pb::Ownership {
        cadastral_number: n.into(),
        iin: f.father.clone(),
        acquired_on: acquired.into(),
        alienated_on: sold.into(),
        buyer_id: if sold.is_empty() { String::new() } else { "990140000001".into() },
        buyer_is_local_executive_body: akimat,
    };
    let request = pb::LoadRecordsRequest {
        settlements: vec![pb::Settlement {
            kato: "711210000".into(),
            name_kk: "Астана".into(),
            name_ru: "Астана".into(),
            region_kk: "Астана қаласы".into(),
        }],
        persons: vec![
            person(&f.father, "Қайрат"),
            person(&f.mother, "Әйгерім"),
            person(&f.child, "Ұлан"),
            person(&f.elder, "Інжу"),
        ],
        addresses: vec![pb::AddressPeriod {
            iin: f.father.clone(),
            kato: "711210000".into(),
            street: "Абай даңғылы".into(),
            building: "1".into(),
            from_date: "2015-01-01".into(),
            ..Default::default()
        }],
        civil_records: vec![birth],
        dwellings: vec![dwelling("01:000000001"), dwelling("01:000000002"), dwelling("01:000000003")],
        ownerships: vec![
            owned("01:000000001", "2015-01-01", "", false),
            owned("01:000000002", "2012-01-01", "2022-06-01", true),
            owned("01:000000003", "2010-01-01", "2019-06-01", false),
        ],
        consents: [&f.father, &f.mother, &f.child]
            .iter()
            .flat_map(|who| {
                ["registry", "privatization"]
                    .map(|purpose| pb::ConsentGrant { iin: (*who).clone(), purpose: purpose.into() })
            })
            .collect(),
        ..Default::default()
    };
    let (loaded, _) =
        call::<_, pb::LoadRecordsResponse>(channel, &path("AdminService/LoadRecords"), request, &[]).await.unwrap();
    assert!(loaded.records >= 10);
    f
}

#[tokio::test]
async fn records_after_the_cutoffs_are_served_and_earlier_ones_only_if_held_a_cutoff() {
    let suite = spawn_suite(&[]).await;
    let f = load_family(&suite.channel).await;
    let (records, _) = call::<_, pb::ListCivilRecordsResponse>(
        &suite.channel,
        &path("CivilStatusService/ListCivilRecords"),
        pb::ListCivilRecordsRequest { iin: f.father.clone(), kind: 0 },
        &envelope("registry"),
    )
    .await
    .unwrap();
    assert_eq!(records.records.len(), 1, "the 2010 birth only; the 2005 marriage has no record");
    assert_eq!(records.records[0].registered_on, "2010-03-10");

    let (family, _) = call::<_, pb::GetFamilyResponse>(
        &suite.channel,
        &path("CivilStatusService/GetFamily"),
        pb::GetFamilyRequest { iin: f.father.clone() },
        &envelope("privatization"),
    )
    .await
    .unwrap();
    let members: Vec<(String, i32)> = family.members.iter().map(|m| (m.iin.clone(), m.relation)).collect();
    assert_eq!(
        members,
        vec![(f.child.clone(), pb::Relation::Child as i32)],
        "no spouse and no elder child without records"
    );

    let (child_family, _) = call::<_, pb::GetFamilyResponse>(
        &suite.channel,
        &path("CivilStatusService/GetFamily"),
        pb::GetFamilyRequest { iin: f.child.clone() },
        &envelope("privatization"),
    )
    .await
    .unwrap();
    assert_eq!(child_family.members.len(), 2);
    assert!(child_family.members.iter().all(|m| m.relation == pb::Relation::Parent as i32));
    assert!(!f.elder.is_empty());
}

#[tokio::test]
async fn no_record_is_an_answer_and_no_person_is_not_found() {
    let suite = spawn_suite(&[]).await;
    let f = load_family(&suite.channel).await;
    let (tenancy, _) = call::<_, pb::GetStateTenancyResponse>(
        &suite.channel,
        &path("PropertyService/GetStateTenancy"),
        pb::GetStateTenancyRequest { iin: f.father.clone() },
        &envelope("privatization"),
    )
    .await
    .unwrap();
    assert_eq!(tenancy.tenancy, None, "the person exists and the akimats hold no tenancy");
    let (documents, _) = call::<_, pb::ListIdentityDocumentsResponse>(
        &suite.channel,
        &path("IdentityService/ListIdentityDocuments"),
        pb::ListIdentityDocumentsRequest { iin: f.mother.clone() },
        &envelope("registry"),
    )
    .await
    .unwrap();
    assert!(documents.documents.is_empty());
    let unknown = iin("1990-09-09", true, 5);
    let status = call::<_, pb::GetStateTenancyResponse>(
        &suite.channel,
        &path("PropertyService/GetStateTenancy"),
        pb::GetStateTenancyRequest { iin: unknown },
        &envelope("privatization"),
    )
    .await
    .unwrap_err();
    assert_eq!((status.code(), reason(&status).as_str()), (tonic::Code::NotFound, "PERSON_NOT_FOUND"));
}

#[tokio::test]
async fn dwellings_of_the_last_five_years_with_the_buyer_annex2_row4_1_a_5y() {
    let suite = spawn_suite(&[]).await;
    let f = load_family(&suite.channel).await;
    let (answer, _) = call::<_, pb::ListDwellingsResponse>(
        &suite.channel,
        &path("PropertyService/ListDwellings"),
        pb::ListDwellingsRequest { iin: f.father.clone(), as_of: "2026-04-15".into() },
        &envelope("registry"),
    )
    .await
    .unwrap();
    assert_eq!(answer.looked_back_to, "2021-04-15");
    let numbers: Vec<&str> =
        answer.dwellings.iter().map(|d| d.dwelling.as_ref().unwrap().cadastral_number.as_str()).collect();
    assert_eq!(numbers, ["01:000000002", "01:000000001"], "the 2019 sale is more than five years back");
    assert!(answer.dwellings[0].ownership.as_ref().unwrap().buyer_is_local_executive_body);
    let (address, _) = call::<_, pb::GetRegisteredAddressResponse>(
        &suite.channel,
        &path("IdentityService/GetRegisteredAddress"),
        pb::GetRegisteredAddressRequest { iin: f.father.clone() },
        &envelope("registry"),
    )
    .await
    .unwrap();
    assert_eq!(address.settlement.unwrap().name_kk, "Астана");
}

#[tokio::test]
async fn the_envelope_is_required_checked_and_echoed_with_the_request_hash() {
    let suite = spawn_suite(&[]).await;
    let f = load_family(&suite.channel).await;
    let get = |metadata: Vec<(&'static str, String)>| {
        let channel = suite.channel.clone();
        let iin = f.father.clone();
        async move {
            call::<_, pb::GetPersonResponse>(
                &channel,
                &path("IdentityService/GetPerson"),
                pb::GetPersonRequest { iin },
                &metadata,
            )
            .await
        }
    };
    let mut partial = envelope("registry");
    partial.retain(|(k, _)| *k != "x-egov-purpose" && *k != "x-egov-case");
    let status = get(partial).await.unwrap_err();
    assert_eq!((status.code(), reason(&status).as_str()), (tonic::Code::InvalidArgument, "ENVELOPE_INCOMPLETE"));
    let fields: Vec<String> =
        status.get_error_details().bad_request().unwrap().field_violations.iter().map(|v| v.field.clone()).collect();
    assert_eq!(fields, ["x-egov-case", "x-egov-purpose"]);

    let mut bad_id = envelope("registry");
    bad_id[1].1 = "42".into();
    assert_eq!(reason(&get(bad_id).await.unwrap_err()), "ENVELOPE_INVALID");
    let mut long_case = envelope("registry");
    long_case[3].1 = "x".repeat(257);
    assert_eq!(reason(&get(long_case).await.unwrap_err()), "ENVELOPE_INVALID");

    let (person, echoed) = get(envelope("registry")).await.unwrap();
    assert_eq!(person.person.unwrap().first_name, "Қайрат");
    for (key, value) in envelope("registry") {
        assert_eq!(echoed.get(key).unwrap().to_str().unwrap(), value, "{key} echoed");
    }
    let hash = echoed.get("x-egov-request-hash").unwrap().to_str().unwrap().to_owned();
    assert_eq!(hash.len(), 64);
    let (_, again) = get(envelope("registry")).await.unwrap();
    assert_eq!(again.get("x-egov-request-hash").unwrap().to_str().unwrap(), hash, "the same request, the same hash");
    let mut other_case = envelope("registry");
    other_case[3].1 = "registry/applications/43".into();
    let (_, other) = get(other_case).await.unwrap();
    assert_ne!(other.get("x-egov-request-hash").unwrap().to_str().unwrap(), hash);
}

#[tokio::test]
async fn access_is_per_subsystem_and_method_and_denied_by_default() {
    let suite = spawn_suite(&[]).await;
    let f = load_family(&suite.channel).await;
    let get = |client: &str| {
        let (channel, iin, metadata) = (suite.channel.clone(), f.father.clone(), envelope(client));
        async move {
            call::<_, pb::GetPersonResponse>(
                &channel,
                &path("IdentityService/GetPerson"),
                pb::GetPersonRequest { iin },
                &metadata,
            )
            .await
        }
    };
    let unknown = get("bank").await.unwrap_err();
    assert_eq!((unknown.code(), reason(&unknown).as_str()), (tonic::Code::Unauthenticated, "UNKNOWN_SUBSYSTEM"));
    let ungranted = get("otbasy-portal").await.unwrap_err();
    assert_eq!((ungranted.code(), reason(&ungranted).as_str()), (tonic::Code::PermissionDenied, "METHOD_NOT_ALLOWED"));
    assert!(get("registry").await.is_ok());
    assert!(get("dev").await.is_ok(), "dev may call everything in the dev profile");
    let tenancy_by_registry = call::<_, pb::GetStateTenancyResponse>(
        &suite.channel,
        &path("PropertyService/GetStateTenancy"),
        pb::GetStateTenancyRequest { iin: f.father.clone() },
        &envelope("registry"),
    )
    .await
    .unwrap_err();
    assert_eq!(tenancy_by_registry.code(), tonic::Code::PermissionDenied, "the registry needs no tenancy records");
}

#[tokio::test]
async fn allowed_methods_for_dev_and_for_registry() {
    let suite = spawn_suite(&[]).await;
    let ask = |client: Option<&str>| {
        let channel = suite.channel.clone();
        let metadata: Vec<(&'static str, String)> =
            client.map(|c| vec![("x-egov-client", c.to_owned())]).unwrap_or_default();
        async move {
            call::<_, pb::AllowedMethodsResponse>(
                &channel,
                &path("MetaService/AllowedMethods"),
                pb::AllowedMethodsRequest {},
                &metadata,
            )
            .await
            .unwrap()
            .0
        }
    };
    let dev = ask(None).await;
    assert_eq!(dev.client, "dev");
    assert!(dev.methods.contains(&path("AdminService/LoadRecords")));
    let contract =
        crate::helpers::contract_methods().into_iter().filter(|(s, _)| s.starts_with("kz.egov.gateway.v1.")).count();
    assert_eq!(dev.methods.len(), contract, "every method of the gateway's contract");
    let registry = ask(Some("registry")).await;
    assert_eq!(registry.client, "registry");
    assert!(registry.methods.contains(&path("IdentityService/GetPerson")));
    assert!(registry.methods.contains(&path("CivilStatusService/GetFamily")));
    assert!(!registry.methods.contains(&path("PropertyService/GetStateTenancy")));
    assert!(!registry.methods.iter().any(|m| m.contains("AdminService")));
    assert!(registry.methods.len() < dev.methods.len());
}

#[tokio::test]
async fn the_same_seed_gives_the_same_population() {
    let suite = spawn_suite(&[]).await;
    let seed = |persons: i32| {
        let channel = suite.channel.clone();
        async move {
            call::<_, pb::SeedPopulationResponse>(
                &channel,
                &path("AdminService/SeedPopulation"),
                pb::SeedPopulationRequest { seed: 762_026, persons },
                &[],
            )
            .await
        }
    };
    let (first, _) = seed(300).await.unwrap();
    assert!(!first.already_seeded);
    assert!(first.persons >= 300);
    // The population of seed 762026 with 300 people, pinned: the same on every machine.
    assert_eq!(first.digest, "af2fe4a90f015f2a500586a47895322e1ee6404810edb07258f2700df5e64559");
    let (second, _) = seed(300).await.unwrap();
    assert!(second.already_seeded);
    assert_eq!(second.digest, first.digest);
    assert_eq!(first.sample_iins.len(), 5);
    assert_eq!(second.sample_iins, first.sample_iins);
    // A sample person is there, and their restricted data answer (they consent).
    let (family, _) = call::<_, pb::GetFamilyResponse>(
        &suite.channel,
        &path("CivilStatusService/GetFamily"),
        pb::GetFamilyRequest { iin: first.sample_iins[0].clone() },
        &envelope("registry"),
    )
    .await
    .unwrap();
    assert!(!family.members.is_empty(), "a seeded person has a family on record");
    let bad = seed(0).await.unwrap_err();
    assert_eq!(reason(&bad), "PERSONS_OUT_OF_RANGE");
}

#[tokio::test]
async fn a_large_seeding_runs_as_an_operation_that_answers_at_once_and_is_watched_to_its_end() {
    use tokio_stream::StreamExt;
    let suite = spawn_suite(&[]).await;
    let start = pb::StartSeedPopulationRequest { seed: 4242, persons: 7000 };
    let started = std::time::Instant::now();
    let (operation, _) = call::<_, pb::StartSeedPopulationResponse>(
        &suite.channel,
        &path("AdminService/StartSeedPopulation"),
        start,
        &[],
    )
    .await
    .unwrap();
    let operation = operation.operation.unwrap();
    assert_eq!((operation.name.as_str(), operation.persons_requested), ("operations/seed-4242", 7000));
    assert!(started.elapsed() < Duration::from_secs(2), "answered at once, not when seeded");
    // Watched: progress batch by batch, then the result.
    let mut grpc = tonic::client::Grpc::new(suite.channel.clone());
    grpc.ready().await.unwrap();
    let watch = pb::WatchSeedOperationRequest { name: operation.name.clone() };
    let codec = tonic_prost::ProstCodec::<pb::WatchSeedOperationRequest, pb::WatchSeedOperationResponse>::default();
    let path_and_query =
        tonic::codegen::http::uri::PathAndQuery::from_static("/kz.egov.gateway.v1.AdminService/WatchSeedOperation");
    let mut updates =
        grpc.server_streaming(tonic::Request::new(watch), path_and_query, codec).await.unwrap().into_inner();
    let mut seen = Vec::new();
    while let Some(update) = tokio::time::timeout(Duration::from_secs(120), updates.next()).await.unwrap() {
        seen.push(update.unwrap().operation.unwrap());
    }
    let last = seen.last().unwrap().clone();
    assert!(last.done && last.error.is_none(), "{last:?}");
    let written: Vec<i32> = seen.iter().map(|o| o.persons_written).collect();
    assert!(written.windows(2).all(|w| w[0] <= w[1]), "progress only grows: {written:?}");
    assert!(written.iter().any(|w| *w > 0 && *w < 7000), "progress between the batches: {written:?}");
    let response = last.response.unwrap();
    assert!(response.persons >= 7000 && !response.already_seeded);
    assert_eq!(response.sample_iins.len(), 5);
    // Polled by name, the same; started again, the same operation, done.
    let (polled, _) = call::<_, pb::GetSeedOperationResponse>(
        &suite.channel,
        &path("AdminService/GetSeedOperation"),
        pb::GetSeedOperationRequest { name: operation.name.clone() },
        &[],
    )
    .await
    .unwrap();
    assert_eq!(polled.operation.unwrap().response.unwrap().digest, response.digest);
    let (again, _) = call::<_, pb::StartSeedPopulationResponse>(
        &suite.channel,
        &path("AdminService/StartSeedPopulation"),
        start,
        &[],
    )
    .await
    .unwrap();
    assert!(again.operation.unwrap().done);
    // The synchronous call finds the seed seeded, with the same digest.
    let (sync, _) = call::<_, pb::SeedPopulationResponse>(
        &suite.channel,
        &path("AdminService/SeedPopulation"),
        pb::SeedPopulationRequest { seed: 4242, persons: 7000 },
        &[],
    )
    .await
    .unwrap();
    assert!(sync.already_seeded);
    assert_eq!(sync.digest, response.digest);
    let unknown = call::<_, pb::GetSeedOperationResponse>(
        &suite.channel,
        &path("AdminService/GetSeedOperation"),
        pb::GetSeedOperationRequest { name: "operations/seed-1".into() },
        &[],
    )
    .await
    .unwrap_err();
    assert_eq!(reason(&unknown), "OPERATION_NOT_FOUND");
}
