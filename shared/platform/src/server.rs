//! Serving: every server of the suite is built here the same way, with health, reflection
//! v1 and v1alpha, the development clock, the RPC layer, limits, and graceful shutdown.
//!
//! A service crate only says what it serves ([`ServiceSet`]) and who may call each method;
//! its `main.rs` calls [`run`], and tests call [`serve`] with a port-0 listener.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::process::ExitCode;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tonic::body::Body;
use tonic::server::NamedService;
use tonic::service::RoutesBuilder;
use tonic::transport::server::TcpIncoming;
use tonic_health::ServingStatus;
use tonic_health::server::HealthReporter;
use tower_service::Service;

use std::sync::{Arc, Mutex};

use tokio::task::JoinHandle;

use crate::clock::Clock;
use crate::clock_service::ClockService;
use crate::config::{Config, ConfigError};
use crate::error::ApiError;
use crate::identity::{Identity, IdentityMode, tls};
use crate::pending::Pending;
use crate::principal::{Allow, CallerTable, ServiceRules};
use crate::refusal_audit::RefusalAudit;
use crate::rpc_layer::RpcLayer;
use crate::store::outbox::{Destinations, Relay};
use crate::store::sweeper::Sweeper;
use crate::store::{Db, StoreSpec};

/// What a service crate is given to build its handlers: the process's settings and clock,
/// and the means to open its store and start its background work.
#[derive(Debug, Clone)]
pub struct ServerContext {
    /// The process settings.
    pub config: Config,
    /// The clock every service reads.
    pub clock: Clock,
    /// Kazakhstan's working-day calendar every deadline is computed from.
    pub calendar: Arc<calendar::Calendar>,
    /// Turns true when the server shuts down; background work stops on it.
    shutdown: watch::Receiver<bool>,
    /// This server's own address, the default destination of outbox deliveries.
    own_url: String,
    /// Background work (relays, sweepers), awaited at shutdown.
    tasks: Arc<Mutex<Vec<JoinHandle<()>>>>,
    /// How callers are proven, and what this process presents on its own calls.
    identity: Arc<Identity>,
    /// The batched audit of refused calls.
    refusals: Arc<RefusalAudit>,
    /// The stores opened, for the operators' outbox service.
    stores: crate::outbox_service::Stores,
}

impl ServerContext {
    /// A context for a server with these settings and this clock; it loads the calendar.
    /// It loads the identity files too (callers, token issuers, TLS): a bad one is a bad setting.
    pub fn new(config: Config, clock: Clock) -> Result<Self, ConfigError> {
        let calendar = Arc::new(config.load_calendar()?);
        let today = calendar::hours::local(clock.now()).date();
        if let Some(last) = calendar.ends_soon(today) {
            tracing::warn!(
                last_year = last,
                version = calendar.version(),
                "the working-day calendar's data end with {last}, within {} months: load the next years (SHANYRAQ_CALENDAR_FILE) before deadlines reach them",
                calendar::RUNWAY_MONTHS
            );
        }
        if let Some(key) = &config.name_key
            && !crate::names::install(key)
        {
            return Err(ConfigError {
                key: "SHANYRAQ_NAME_KEY",
                value: "(hidden)".into(),
                problem: "one process names its records with one key".into(),
            });
        }
        let identity = Identity::load(config.identity.clone(), config.profile, clock.clone())
            .map_err(|(key, problem)| ConfigError { key, value: String::new(), problem })?;
        let (_, shutdown) = watch::channel(false);
        let own_url = format!("http://{}", config.listen);
        Ok(ServerContext {
            config,
            clock,
            calendar,
            shutdown,
            own_url,
            tasks: Arc::default(),
            identity: Arc::new(identity),
            refusals: Arc::default(),
            stores: Arc::default(),
        })
    }

    /// `count` channels from `me` to `target`, connected lazily: over mutual TLS presenting
    /// `me`'s certificate in `mtls`, plain otherwise (a mesh's proxy adds the identity).
    pub fn channels(
        &self,
        me: crate::Subsystem,
        target: crate::Subsystem,
        count: usize,
    ) -> Result<Vec<tonic::transport::Channel>, ApiError> {
        let url = self.endpoint(target);
        let failed = |e: String| ApiError::internal(format!("channel from {me} to {target} at {url}: {e}"));
        (0..count.max(1))
            .map(|_| match &self.identity.tls {
                Some(material) => tls::channel(&url, material.client(me).map_err(failed)?).map_err(failed),
                None => tls::endpoint(&url).map(|e| e.connect_lazy()).map_err(|e| failed(e.to_string())),
            })
            .collect()
    }

    /// Where another subsystem is reached, for the typed clients of `shared/clients`: its
    /// `<SUBSYSTEM>_ENDPOINT`, else this server itself (the suite serves every subsystem).
    pub fn endpoint(&self, subsystem: crate::Subsystem) -> String {
        let name = subsystem.as_str();
        self.config
            .endpoints
            .iter()
            .find(|(s, _)| s == name)
            .map_or_else(|| self.own_url.clone(), |(_, url)| url.clone())
    }

    /// Turns true when the server shuts down: long-lived streams end on it.
    pub fn shutdown_signal(&self) -> watch::Receiver<bool> {
        self.shutdown.clone()
    }

    /// Opens a service's store (running its migrations) and starts its outbox relay and its
    /// deadline sweeper, to which `jobs` adds the service's job handlers.
    pub async fn start_store(&self, spec: StoreSpec, jobs: impl FnOnce(Sweeper) -> Sweeper) -> Result<Db, ApiError> {
        let db = Db::open(spec, &self.config.storage, self.clock.clone()).await?;
        let tls = match &self.identity.tls {
            Some(material) => Some(
                material
                    .client(db.spec().subsystem)
                    .map_err(|e| ApiError::internal(format!("the outbox relay of {}: {e}", db.spec().subsystem)))?,
            ),
            None => None,
        };
        let relay = Relay::new(
            db.clone(),
            Destinations::new(self.own_url.clone(), &self.config.endpoints, tls),
            self.config.outbox.clone(),
        );
        self.refusals.attach(db.spec().subsystem, db.clone());
        self.stores.lock().unwrap_or_else(|p| p.into_inner()).push((db.spec().service, db.clone()));
        let sweeper = jobs(Sweeper::new(db.clone(), self.config.sweep_interval));
        let mut tasks = self.tasks.lock().unwrap_or_else(|p| p.into_inner());
        tasks.push(tokio::spawn(relay.run(self.shutdown.clone())));
        tasks.push(tokio::spawn(sweeper.run(self.shutdown.clone())));
        Ok(db)
    }
}

/// The gRPC services one server serves, with who may call each method.
#[derive(Debug, Default)]
pub struct ServiceSet {
    routes: RoutesBuilder,
    names: Vec<&'static str>,
    callers: CallerTable,
}

impl ServiceSet {
    /// Adds a generated server; returns its caller rules to fill in, method by method.
    pub fn add<S>(&mut self, service: S) -> ServiceRules<'_>
    where
        S: Service<http::Request<Body>, Response = http::Response<Body>, Error = Infallible>
            + NamedService
            + Clone
            + Send
            + Sync
            + 'static,
        S::Future: Send + 'static,
    {
        self.routes.add_service(service);
        self.names.push(S::NAME);
        self.callers.service(S::NAME)
    }

    /// Adds a declared service whose issue has not landed: every method answers
    /// UNIMPLEMENTED naming itself. `S` is its generated server, for example
    /// `RegistryServiceServer<()>`.
    pub fn add_pending<S: NamedService + 'static>(&mut self) -> ServiceRules<'_> {
        self.add(Pending::<S>::new())
    }

    /// The full names of the services added, for health.
    pub fn names(&self) -> &[&'static str] {
        &self.names
    }

    /// Who may call what, as registered (the mesh policies are generated from it).
    pub fn callers(&self) -> &CallerTable {
        &self.callers
    }
}

/// Applies the server's limits to a generated server: the decoding limit (above the documents'
/// own limits, so an oversized document meets our error, not the transport's) and gzip.
#[macro_export]
macro_rules! tuned {
    ($server:expr, $ctx:expr) => {
        $server
            .max_decoding_message_size($ctx.config.max_message_bytes)
            .max_encoding_message_size($ctx.config.max_message_bytes)
            .accept_compressed(tonic::codec::CompressionEncoding::Gzip)
            .send_compressed(tonic::codec::CompressionEncoding::Gzip)
    };
}

/// Why a server stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The listener could not be bound or read.
    #[error("listener: {0}")]
    Io(#[from] std::io::Error),
    /// The reflection service could not read the descriptor sets.
    #[error("reflection: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
    /// The transport failed.
    #[error("transport: {0}")]
    Transport(#[from] tonic::transport::Error),
    /// A service could not start (its store, its settings).
    #[error("start-up: {0}")]
    Startup(#[from] ApiError),
}

/// Serves on `listener` until `shutdown` completes, then reports NOT_SERVING, lets calls and
/// streams drain for at most `drain_timeout`, and returns.
pub async fn serve(
    mut ctx: ServerContext,
    register: impl AsyncFnOnce(&ServerContext, &mut ServiceSet) -> Result<(), ApiError>,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let local = listener.local_addr()?;
    let drain = ctx.config.drain_timeout;
    let (stop_tx, stop_rx) = watch::channel(false);
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    });
    ctx.shutdown = stop_rx.clone();
    ctx.own_url = format!("http://{local}");

    let mut services = ServiceSet::default();
    services
        .add(tuned!(
            proto::housing::ops::v1::clock_service_server::ClockServiceServer::new(ClockService::new(
                ctx.clock.clone()
            )),
            ctx
        ))
        .method("GetTime", &[Allow::DevOnly])
        .method("SetTime", &[Allow::DevOnly])
        .method("AdvanceTime", &[Allow::DevOnly])
        .method("UseSystemTime", &[Allow::DevOnly]);
    register(&ctx, &mut services).await?;
    // The operators' outbox service covers every store the services opened.
    services
        .add(tuned!(
            proto::housing::ops::v1::outbox_service_server::OutboxServiceServer::new(
                crate::outbox_service::OutboxService::new(ctx.stores.clone())
            ),
            ctx
        ))
        .method("ListParkedDeliveries", &[Allow::Subsystem(crate::Subsystem::Operator)])
        .method("RequeueDelivery", &[Allow::Subsystem(crate::Subsystem::Operator)]);
    let ServiceSet { mut routes, names, mut callers } = services;
    ctx.identity.callers.apply(&mut callers);

    let (health, health_service) = tonic_health::server::health_reporter();
    for name in &names {
        health.set_service_status(*name, ServingStatus::Serving).await;
    }
    routes.add_service(health_service.clone());
    let reflection = || {
        tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(proto::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_types::pb::FILE_DESCRIPTOR_SET)
    };
    routes.add_service(reflection().build_v1()?);
    routes.add_service(reflection().build_v1alpha()?);

    let graceful = {
        let mut stop = stop_rx.clone();
        let health = health.clone();
        async move {
            let _ = stop.wait_for(|stopped| *stopped).await;
            tracing::info!(drain_seconds = drain.as_secs_f64(), "shutting down: NOT_SERVING, draining");
            report_not_serving(&health, &names).await;
        }
    };
    let drain_limit = {
        let mut stop = stop_rx.clone();
        async move {
            let _ = stop.wait_for(|stopped| *stopped).await;
            tokio::time::sleep(drain).await;
        }
    };

    // Kubernetes' gRPC probes speak no TLS: in `mtls` health alone is also served in plaintext.
    if let (Some(addr), IdentityMode::Mtls) = (ctx.config.identity.health_listen, ctx.identity.mode()) {
        let health_listener = TcpListener::bind(addr).await?;
        tracing::info!(listen = %health_listener.local_addr()?, "serving health in plaintext");
        let mut stop = stop_rx.clone();
        let probes = tonic::transport::Server::builder().add_service(health_service).serve_with_incoming_shutdown(
            TcpIncoming::from(health_listener),
            async move {
                let _ = stop.wait_for(|stopped| *stopped).await;
            },
        );
        tokio::spawn(async move {
            if let Err(e) = probes.await {
                tracing::warn!(error = %e, "the health port stopped");
            }
        });
    }
    tokio::spawn(ctx.refusals.clone().run(stop_rx.clone()));
    ctx.tasks
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(tokio::spawn(read_stores(ctx.stores.clone(), stop_rx.clone())));

    tracing::info!(
        listen = %local,
        profile = ctx.config.profile.as_str(),
        identity = ctx.identity.mode().as_str(),
        "serving"
    );
    // The limits are our layer's (crate::admission), so that a shed call carries its reason and
    // a retry delay; the transport keeps only its limit on headers, above ours.
    let admission = crate::admission::Admission::new(
        ctx.config.concurrency_limit,
        ctx.config.calls_in_flight,
        ctx.config.max_streams,
    );
    // Browsers call over gRPC-Web (crate::browser): HTTP/1.1 is accepted for it, and the
    // translation runs before our layer, which sees every call as gRPC.
    let router = tonic::transport::Server::builder()
        .http2_max_header_list_size(crate::admission::TRANSPORT_HEADER_LIMIT_BYTES)
        .accept_http1(true)
        .layer(crate::browser::cors(&ctx.config.browser_origins))
        .layer(tonic_web::GrpcWebLayer::new())
        .layer(RpcLayer::new(
            callers,
            ctx.clock.clone(),
            ctx.identity.clone(),
            ctx.refusals.clone(),
            ctx.config.request_timeout,
            admission,
        ))
        .add_routes(routes.routes());
    let server: std::pin::Pin<Box<dyn Future<Output = Result<(), tonic::transport::Error>> + Send>> =
        match &ctx.identity.tls {
            Some(material) => Box::pin(router.serve_with_incoming_shutdown(
                material.incoming(listener, ctx.identity.refused_unverified.clone()),
                graceful,
            )),
            None => Box::pin(
                router.serve_with_incoming_shutdown(TcpIncoming::from(listener).with_nodelay(Some(true)), graceful),
            ),
        };
    // Background work (relays, sweepers) stops on the same signal and finishes what it has in
    // hand while the calls drain: one limit covers both.
    let tasks = std::mem::take(&mut *ctx.tasks.lock().unwrap_or_else(|p| p.into_inner()));
    let serving = async {
        let result = server.await;
        if result.is_ok() {
            join_tasks(tasks).await;
        }
        result
    };
    // Graceful shutdown waits for every open stream; the drain limit cuts what is left.
    tokio::select! {
        result = serving => result?,
        () = drain_limit => tracing::warn!("drain limit reached; closing what is still open"),
    }
    tracing::info!("stopped");
    Ok(())
}

/// Reads the stores' gauges (outbox backlog, oldest age, parked rows, cases by stage) every
/// [`crate::metrics::STORE_READ_INTERVAL`] until shutdown.
async fn read_stores(stores: crate::outbox_service::Stores, mut stop: watch::Receiver<bool>) {
    let readings: crate::metrics::Readings = Arc::default();
    crate::metrics::store_gauges(readings.clone());
    loop {
        let current = stores.lock().unwrap_or_else(|p| p.into_inner()).clone();
        for (name, db) in current {
            match db.reading().await {
                Ok(reading) => {
                    readings.lock().unwrap_or_else(|p| p.into_inner()).insert(name, reading);
                }
                Err(e) => tracing::debug!(store = name, error = %e, "store gauges not read"),
            }
        }
        if *stop.borrow() {
            return;
        }
        // On shutdown, one more reading for the last export.
        tokio::select! {
            () = tokio::time::sleep(crate::metrics::STORE_READ_INTERVAL) => {}
            _ = stop.wait_for(|stopped| *stopped) => {}
        }
    }
}

async fn join_tasks(tasks: Vec<JoinHandle<()>>) {
    for task in tasks {
        let _ = task.await;
    }
}

async fn report_not_serving(health: &HealthReporter, names: &[&'static str]) {
    health.set_service_status("", ServingStatus::NotServing).await;
    for name in names {
        health.set_service_status(*name, ServingStatus::NotServing).await;
    }
}

/// What every server binary answers to `--help`: its commands and every setting.
pub fn usage(service_name: &str, default_listen: &str) -> String {
    let mut text = format!(
        "{service_name} {version}: serves on {default_listen} unless SHANYRAQ_LISTEN says otherwise\n\n\
         usage:\n  {service_name}                       serve until SIGTERM or Ctrl-C\n  \
         {service_name} health [--addr ADDR]  a gRPC health check: exit 0 when SERVING, 1 otherwise\n  \
         {service_name} --help | --version\n\nsettings (environment variables):\n",
        version = env!("CARGO_PKG_VERSION"),
    );
    for s in crate::config::SETTINGS {
        text.push_str(&format!("  {:<28} default {}\n  {:<28} {}\n", s.key, s.default, "", s.meaning));
    }
    text
}

/// Runs a server binary: reads the settings, starts telemetry, binds, serves until SIGTERM or
/// Ctrl-C, drains, and exits 0. Bad settings exit 2 with the key and the problem. The
/// arguments `--help`, `--version` and `health [--addr ADDR]` are answered instead.
pub fn run(
    service_name: &str,
    default_listen: &str,
    register: impl AsyncFnOnce(&ServerContext, &mut ServiceSet) -> Result<(), ApiError>,
) -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None => {}
        Some("--help" | "-h" | "help") => {
            print!("{}", usage(service_name, default_listen));
            return ExitCode::SUCCESS;
        }
        Some("--version" | "-V") => {
            println!("{service_name} {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Some("health") => return crate::health_check::run(&args[1..], default_listen),
        Some(other) => return fail(&format!("unknown argument {other:?}; try --help")),
    }
    let default_listen: SocketAddr = match default_listen.parse() {
        Ok(addr) => addr,
        Err(e) => return fail(&format!("default listen address {default_listen:?}: {e}")),
    };
    let config = match Config::from_env(service_name, default_listen) {
        Ok(config) => config,
        Err(ConfigError { key, value, problem }) => return fail(&format!("{key}={value:?}: {problem}")),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => return fail(&format!("tokio runtime: {e}")),
    };
    runtime.block_on(async move {
        let telemetry = match crate::telemetry::init(&config) {
            Ok(telemetry) => telemetry,
            Err(e) => return fail(&e.to_string()),
        };
        let listener = match TcpListener::bind(config.listen).await {
            Ok(listener) => listener,
            Err(e) => return fail(&format!("SHANYRAQ_LISTEN={}: {e}", config.listen)),
        };
        let ctx = match ServerContext::new(config.clone(), Clock::new(config.clock)) {
            Ok(ctx) => ctx,
            Err(ConfigError { key, value, problem }) => return fail(&format!("{key}={value:?}: {problem}")),
        };
        let result = serve(ctx, register, listener, termination()).await;
        tokio::task::spawn_blocking(move || telemetry.shutdown()).await.ok();
        match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                tracing::error!(error = %e, "server failed");
                ExitCode::FAILURE
            }
        }
    })
}

fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

/// Completes on SIGTERM or Ctrl-C.
pub async fn termination() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
