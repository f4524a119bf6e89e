//! PostgreSQL over TLS (rustls on ring): `sslmode` in the database URL is honoured. The local
//! server serves TLS; a store opened with `sslmode=require` is encrypted (seen in
//! `pg_stat_ssl`), and `verify-full` against a root that did not sign the server's certificate
//! is refused.
#![allow(clippy::unwrap_used)]

mod support;

use support::{Kind, TestDb};

fn with_param(url: &str, param: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}{param}")
}

#[tokio::test]
async fn a_store_opened_with_sslmode_require_is_encrypted_and_verify_full_refuses_a_wrong_root() {
    let Some(Kind::Postgres(url)) = support::postgres().await else { return };
    let t = TestDb::new(support::SPEC, Kind::Postgres(with_param(&url, "sslmode=require"))).await;
    let ssl: bool = platform::on_backend!(t.db.reader(), |pool| sqlx::query_scalar(
        "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
    )
    .fetch_one(pool)
    .await
    .unwrap());
    assert!(ssl, "the store's connection is TLS");
    t.cleanup().await;

    // A root of our own, which did not sign the server's certificate.
    let dir = std::env::temp_dir().join(format!("shanyraq-pgtls-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let root = dir.join("wrong-root.pem");
    std::fs::write(&root, params.self_signed(&key).unwrap().pem()).unwrap();
    let strict = with_param(&url, &format!("sslmode=verify-full&sslrootcert={}", root.display()));
    let settings = platform::config::StorageSettings {
        data_dir: dir.clone(),
        database_url: Some(strict.clone()),
        service_urls: Vec::new(),
        schema_prefix: "tls_refused_".into(),
        pool_size: 1,
        busy_timeout: std::time::Duration::from_secs(5),
        idempotency_retention: std::time::Duration::from_secs(60),
    };
    let refused = platform::store::Db::open(support::SPEC, &settings, platform::Clock::system()).await;
    assert!(refused.is_err(), "a store with verify-full against a wrong root does not open");
    use sqlx::Connection;
    let error = sqlx::PgConnection::connect(&strict).await.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(error.to_lowercase().contains("certificate"), "refused for the certificate: {error}");
    std::fs::remove_dir_all(dir).unwrap();
}
