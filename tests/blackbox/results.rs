//! Results as signed e-documents (README "Result documents"; SR cl. 10): a decided case hands
//! out a document sealed by the provider's key, registered at the gateway; anyone verifies it
//! there by its bytes or its name and SHA-256 (GENUINE, ALTERED, REVOKED, UNKNOWN), and offline
//! with `openssl cms -verify` and the authority's published root; the official who decided
//! signs it too, and a revoked signer makes it REVOKED.

use std::time::Duration;

use proto::egov::gateway::v1 as gw;
use proto::housing::common::v1 as common;
use proto::housing::registry::v1 as pb;
use proto::housing::registry::v1::registry_service_client::RegistryServiceClient;
use tonic::transport::Channel;

use crate::gateway_exchange::openssl_verifies;
use crate::helpers::{call, spawn_suite};
use crate::kit::{self, gw_path, reason, with};

const ASTANA: &str = "711210000";
const OFFICIAL: &[(&str, &str)] = &[
    ("x-caller-subsystem", "otbasy-portal"),
    ("x-official-id", "otbasy-7"),
    ("x-official-role", "otbasy-official"),
    ("x-official-jurisdiction", ASTANA),
];

fn registry(ch: &Channel) -> RegistryServiceClient<Channel> {
    RegistryServiceClient::new(ch.clone())
}

async fn verify(
    ch: &Channel,
    document: gw::verify_result_document_request::Document,
) -> gw::VerifyResultDocumentResponse {
    let mut client = gw::document_service_client::DocumentServiceClient::new(ch.clone());
    client
        .verify_result_document(gw::VerifyResultDocumentRequest { document: Some(document) })
        .await
        .unwrap()
        .into_inner()
}

fn by_content(content: &[u8]) -> gw::verify_result_document_request::Document {
    gw::verify_result_document_request::Document::Content(content.to_vec())
}

fn by_reference(name: &str, sha256: &str) -> gw::verify_result_document_request::Document {
    gw::verify_result_document_request::Document::Reference(gw::DocumentReference {
        name: name.into(),
        sha256: sha256.into(),
    })
}

/// The case's documents once the first is registered at the gateway and its seal carries the
/// provider's certificate (both arrive in the background).
async fn settled(ch: &Channel, case: &str) -> common::ResultDocument {
    for _ in 0..200 {
        let listed = registry(ch)
            .list_result_documents(pb::ListResultDocumentsRequest { parent: case.into() })
            .await
            .unwrap()
            .into_inner();
        if let Some(first) = listed.documents.first() {
            let certified = first
                .signatures
                .first()
                .is_some_and(|s| pki::signed::read(&s.signature).is_ok_and(|d| d.certificate.is_some()));
            let registered = verify(ch, by_content(&first.content)).await.verdict() != gw::DocumentVerdict::Unknown;
            if certified && registered {
                return first.clone();
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no registered, certified result document for {case}");
}

#[tokio::test]
async fn an_enrolment_notice_is_a_sealed_document_genuine_altered_signed_revoked_and_openssl_verified() {
    let suite = spawn_suite(&[("SHANYRAQ_OUTBOX_POLL", "100ms")]).await;
    let ch = &suite.channel;
    let (who, official) = (kit::iin("1990-02-02", 7), kit::iin("1980-08-08", 9));
    kit::load(
        ch,
        gw::LoadRecordsRequest {
            persons: vec![kit::citizen(&who), kit::citizen(&official)],
            consents: vec![kit::consent(&who, "registry")],
            ..Default::default()
        },
    )
    .await;
    kit::at(ch, "2026-04-15T10:00").await;
    let app = kit::enrol(ch, &who, ASTANA).await;
    let document = settled(ch, &app.name).await;

    // The canonical text: its name, the case, the decision, the clause, the provider, in three
    // languages.
    let text = String::from_utf8(document.content.clone()).unwrap();
    assert_eq!(document.name, format!("{}/results/1", app.name));
    assert_eq!((document.kind.as_str(), document.case_name.as_str()), ("ENROLMENT_NOTICE", app.name.as_str()));
    for line in [
        "SHANYRAQ RESULT DOCUMENT 1\n",
        "\ndecision: ENROLLED\n",
        "\nclause: Annex 2 row 6\n",
        "[kk] Тұрғын үй кезегіне қою туралы хабарлама\n",
        "[ru] Уведомление о постановке на учёт\n",
        "[en] Notice of enrolment\n",
    ] {
        assert!(text.contains(line), "{line:?} in {text}");
    }
    let [seal] = document.signatures.as_slice() else { panic!("the provider's seal alone: {document:?}") };
    assert_eq!(seal.role, "PROVIDER");
    assert_eq!(seal.signer.len(), 12, "the provider's BIN");

    // Online: genuine by its bytes and by name and digest; one byte changed, altered; a name
    // never issued, unknown.
    let genuine = verify(ch, by_content(&document.content)).await;
    assert_eq!(genuine.verdict(), gw::DocumentVerdict::Genuine, "{genuine:?}");
    assert_eq!((genuine.name.as_str(), genuine.kind.as_str()), (document.name.as_str(), "ENROLMENT_NOTICE"));
    assert_eq!(genuine.signers[0].signer, seal.signer);
    assert!(genuine.signers[0].common_name.contains("Otbasy"), "{genuine:?}");
    assert_eq!(
        verify(ch, by_reference(&document.name, &document.sha256)).await.verdict(),
        gw::DocumentVerdict::Genuine
    );
    let mut altered = document.content.clone();
    let last = altered.len() - 2;
    altered[last] ^= 0x01;
    assert_eq!(verify(ch, by_content(&altered)).await.verdict(), gw::DocumentVerdict::Altered);
    let unknown = format!("{}/results/9", app.name);
    assert_eq!(verify(ch, by_reference(&unknown, &document.sha256)).await.verdict(), gw::DocumentVerdict::Unknown);

    // Offline: the seal and the published root are all openssl needs.
    let dir = std::env::temp_dir().join(format!("result-document-{}", uuid::Uuid::new_v4()));
    let root = pki::pem("CERTIFICATE", &document.authority_certificate);
    assert!(openssl_verifies(&dir, &document.content, &seal.signature, &root), "openssl refused the seal");
    assert!(!openssl_verifies(&dir, &altered, &seal.signature, &root), "openssl took altered content");

    // The official signs over the document's SHA-256, as an applicant signs a digest.
    let signed = kit::eds(ch, &official, &document.sha256).await;
    let Some(common::confirmation::Method::Eds(eds)) = signed.method else { unreachable!() };
    let sign = |request_id: String, eds: common::EdsSignature| pb::SignResultDocumentRequest {
        name: document.name.clone(),
        signature: Some(eds),
        request_id,
    };
    let citizen = [("x-caller-subsystem", "otbasy-portal"), ("x-user-iin", who.as_str())];
    let refused = registry(ch)
        .sign_result_document(with(sign(uuid::Uuid::new_v4().to_string(), eds.clone()), &citizen))
        .await
        .unwrap_err();
    assert_eq!(reason(&refused), "METHOD_NOT_ALLOWED", "a citizen does not sign an enrolment notice");
    let forged = common::EdsSignature { certificate: eds.certificate.clone(), signature: seal.signature.clone() };
    let refused = registry(ch)
        .sign_result_document(with(sign(uuid::Uuid::new_v4().to_string(), forged), OFFICIAL))
        .await
        .unwrap_err();
    assert_eq!(reason(&refused), "SIGNATURE_INVALID", "the seal presented under the official's certificate");
    let with_official = registry(ch)
        .sign_result_document(with(sign(uuid::Uuid::new_v4().to_string(), eds.clone()), OFFICIAL))
        .await
        .unwrap()
        .into_inner()
        .document
        .unwrap();
    assert_eq!(with_official.signatures.len(), 2);
    assert_eq!(
        (with_official.signatures[1].role.as_str(), with_official.signatures[1].signer.as_str()),
        ("OFFICIAL", official.as_str())
    );
    assert!(openssl_verifies(&dir, &document.content, &eds.signature, &root), "openssl refused the official's");
    std::fs::remove_dir_all(&dir).ok();

    // Registered at the gateway with both signers; then the official's certificate is revoked.
    let mut both = verify(ch, by_content(&document.content)).await;
    for _ in 0..100 {
        if both.signers.len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        both = verify(ch, by_content(&document.content)).await;
    }
    assert_eq!((both.verdict(), both.signers.len()), (gw::DocumentVerdict::Genuine, 2), "{both:?}");
    let revoke = gw::RevokeCertificateRequest {
        serial: both.signers[1].certificate_serial.clone(),
        reason: "key compromised".into(),
    };
    let envelope = kit::envelope(&official);
    call::<_, gw::RevokeCertificateResponse>(ch, &gw_path("SignatureService/RevokeCertificate"), revoke, &envelope)
        .await
        .unwrap();
    let revoked = verify(ch, by_reference(&document.name, &document.sha256)).await;
    assert_eq!(revoked.verdict(), gw::DocumentVerdict::Revoked, "{revoked:?}");
    assert_eq!(revoked.signers[1].result(), gw::VerificationResult::Revoked);
}
