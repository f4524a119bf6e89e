//! `spawn_suite`: the suite binary on port 0, its address read from its own "serving" log line
//! (no fixed ports, no sleeps), and a raw gRPC caller for any method.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::str::FromStr;
use std::sync::mpsc;
use std::time::Duration;

use tonic::codegen::http::uri::PathAndQuery;
use tonic::transport::{Channel, Endpoint};
use tonic::{Request, Status};

/// Every service of DESIGN.md "Contract names", by full name.
pub const CONTRACT_SERVICES: &[&str] = &[
    "kz.housing.privatization.v1.PrivatizationService",
    "kz.housing.registry.v1.RegistryService",
    "kz.housing.subsidy.v1.RentSubsidyService",
    "kz.housing.complaints.v1.ComplaintService",
    "kz.egov.gateway.v1.IdentityService",
    "kz.egov.gateway.v1.CivilStatusService",
    "kz.egov.gateway.v1.PropertyService",
    "kz.egov.gateway.v1.CourtService",
    "kz.egov.gateway.v1.SocialStatusService",
    "kz.egov.gateway.v1.EmploymentService",
    "kz.egov.gateway.v1.ConsentService",
    "kz.egov.gateway.v1.SignatureService",
    "kz.egov.gateway.v1.OtpService",
    "kz.egov.gateway.v1.NotificationService",
    "kz.egov.gateway.v1.MonitoringService",
    "kz.egov.gateway.v1.AuditService",
    "kz.egov.gateway.v1.MetaService",
    "kz.egov.gateway.v1.AdminService",
    "kz.housing.ops.v1.ClockService",
];

/// A running suite process; killed when dropped, its data removed.
pub struct Suite {
    pub child: Child,
    pub channel: Channel,
    /// The address it serves, `http://host:port`.
    pub address: String,
    /// Where the SQLite files are (when on SQLite).
    pub data_dir: std::path::PathBuf,
    /// The PostgreSQL URL and schema prefix (when on PostgreSQL).
    pub postgres: Option<(String, String)>,
}

impl Drop for Suite {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

/// The PostgreSQL database the black-box tests run on when `SHANYRAQ_BLACKBOX_DATABASE_URL`
/// names one (each suite gets schemas of its own, prefixed `bb…_`); SQLite otherwise.
fn database_env(unique: &str) -> Vec<(String, String)> {
    match std::env::var("SHANYRAQ_BLACKBOX_DATABASE_URL") {
        Ok(url) if !url.is_empty() => vec![
            ("DATABASE_URL".to_owned(), url),
            ("SHANYRAQ_DB_SCHEMA_PREFIX".to_owned(), format!("bb{}_", &unique[..12])),
        ],
        _ => Vec::new(),
    }
}

/// Starts the suite with `env` on a free port and connects to it.
pub async fn spawn_suite(env: &[(&str, &str)]) -> Suite {
    let unique = uuid::Uuid::new_v4().simple().to_string();
    let data_dir = std::env::temp_dir().join(format!("shanyraq-blackbox-{unique}"));
    spawn(data_dir, database_env(&unique), env).await
}

/// Starts the suite on the SQLite files of `data_dir` (removed when the suite is dropped),
/// whatever database the other black-box tests run on.
pub async fn spawn_suite_on_sqlite(data_dir: std::path::PathBuf, env: &[(&str, &str)]) -> Suite {
    spawn(data_dir, Vec::new(), env).await
}

async fn spawn(data_dir: std::path::PathBuf, database: Vec<(String, String)>, env: &[(&str, &str)]) -> Suite {
    let postgres = database
        .iter()
        .find(|(key, _)| key == "DATABASE_URL")
        .map(|(_, url)| url.clone())
        .zip(database.iter().find(|(key, _)| key == "SHANYRAQ_DB_SCHEMA_PREFIX").map(|(_, prefix)| prefix.clone()));
    let mut command = Command::new(env!("CARGO_BIN_EXE_suite"));
    command
        .env_clear()
        .envs(database)
        .env("SHANYRAQ_DATA_DIR", &data_dir)
        .env("SHANYRAQ_LISTEN", "127.0.0.1:0")
        .env("SHANYRAQ_LOG_FORMAT", "json")
        .env("SHANYRAQ_LOG", "info")
        // Tests create the people they need (AdminService.LoadRecords); a test may seed.
        .env("GATEWAY_SEED_PERSONS", "0")
        .stdout(Stdio::piped())
        .stderr(if std::env::var_os("TEST_LOG").is_some() { Stdio::inherit() } else { Stdio::null() });
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("the suite binary starts");
    let stdout = child.stdout.take().expect("stdout is piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let show = std::env::var_os("TEST_LOG").is_some();
        let mut sent = false;
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if show {
                eprintln!("{line}");
            }
            if !sent && line.contains(r#""message":"serving""#) {
                let addr =
                    line.split(r#""listen":""#).nth(1).and_then(|rest| rest.split('"').next()).map(str::to_owned);
                let _ = tx.send(addr);
                sent = true;
            }
        }
    });
    let addr = tokio::task::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(30)))
        .await
        .unwrap()
        .ok()
        .flatten()
        .expect("the suite logs its address within 30 s");
    let address = format!("http://{addr}");
    // An `mtls` suite is called over channels its tests make with the certificates they choose.
    let channel = if env.contains(&("SHANYRAQ_IDENTITY", "mtls")) {
        Endpoint::from_shared(address.clone()).unwrap().connect_lazy()
    } else {
        Endpoint::from_shared(address.clone()).unwrap().connect().await.expect("the suite accepts connections")
    };
    Suite { child, channel, address, data_dir, postgres }
}

/// The prod profile with workloads named by Linkerd's `l5d-client-id`, which a test writes as
/// the mesh's proxy would (the mode trusts the mesh; the tests of identity cover the others).
pub const PROD_MESH: [(&str, &str); 3] =
    [("SHANYRAQ_PROFILE", "prod"), ("SHANYRAQ_IDENTITY", "mesh-linkerd"), ("SHANYRAQ_NAME_KEY", NAME_KEY)];

/// The name key of the tests' prod suites.
pub const NAME_KEY: &str = "the black-box tests' name key";

/// The metadata Linkerd's proxy adds for a call from `subsystem`'s workload.
pub fn from_workload(subsystem: &str) -> (&'static str, String) {
    ("l5d-client-id", format!("{subsystem}.shanyraq.serviceaccount.identity.linkerd.cluster.local"))
}

/// Calls any unary method with an empty request (every field at its default) and the given
/// metadata; answers the response's metadata or the status.
pub async fn call_empty(
    channel: &Channel,
    path: &str,
    metadata: &[(&'static str, &str)],
) -> Result<tonic::metadata::MetadataMap, Status> {
    let mut grpc = tonic::client::Grpc::new(channel.clone());
    grpc.ready().await.map_err(|e| Status::unavailable(e.to_string()))?;
    let mut request = Request::new(());
    for (key, value) in metadata {
        request.metadata_mut().insert(*key, value.parse().unwrap());
    }
    let codec = tonic_prost::ProstCodec::<(), ()>::default();
    grpc.unary(request, PathAndQuery::from_str(path).unwrap(), codec).await.map(|r| r.metadata().clone())
}

/// Calls a unary method with a typed request and metadata; answers the response and its metadata.
pub async fn call<Req, Resp>(
    channel: &Channel,
    path: &str,
    request: Req,
    metadata: &[(&'static str, String)],
) -> Result<(Resp, tonic::metadata::MetadataMap), Status>
where
    Req: prost::Message + Send + Sync + 'static,
    Resp: prost::Message + Default + Send + Sync + 'static,
{
    let mut grpc = tonic::client::Grpc::new(channel.clone());
    grpc.ready().await.map_err(|e| Status::unavailable(e.to_string()))?;
    let mut request = Request::new(request);
    for (key, value) in metadata {
        request.metadata_mut().insert(*key, value.parse().unwrap());
    }
    let codec = tonic_prost::ProstCodec::<Req, Resp>::default();
    grpc.unary(request, PathAndQuery::from_str(path).unwrap(), codec).await.map(|r| {
        let metadata = r.metadata().clone();
        (r.into_inner(), metadata)
    })
}

/// Every method of every service in the contract descriptor set, as `/package.Service/Method`.
pub fn contract_methods() -> Vec<(String, String)> {
    use prost::Message;
    let set = prost_types::FileDescriptorSet::decode(proto::FILE_DESCRIPTOR_SET).unwrap();
    let mut methods = Vec::new();
    for file in &set.file {
        for service in &file.service {
            let full = format!("{}.{}", file.package(), service.name());
            for method in &service.method {
                methods.push((full.clone(), format!("/{full}/{}", method.name())));
            }
        }
    }
    methods
}
