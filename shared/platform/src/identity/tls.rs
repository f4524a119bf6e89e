//! Mutual TLS on rustls with the `ring` provider: the server's acceptor and the clients'
//! connector, both built from files that are read again when they change on disk, so a
//! certificate rotated by the platform is used by the next connection without a restart.
//!
//! The folder (`SHANYRAQ_TLS_DIR`) holds `ca.pem` (the trusted CA bundle), `server.pem` and
//! `server.key` (what this server presents), and `<subsystem>.pem` / `<subsystem>.key` (what
//! that service presents on its outgoing calls; the single-process suite has all five).

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::{ClientConfig, RootCertStore, ServerConfig};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::{TlsAcceptor, TlsConnector};
use tonic::transport::server::Connected;

use crate::principal::Subsystem;

/// How often the files are looked at again (their modification times) at most.
pub const RELOAD_CHECK: Duration = Duration::from_secs(1);

/// The longest a TLS handshake may take before the connection is dropped.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The trusted CA bundle in the folder.
pub const CA_FILE: &str = "ca.pem";

/// A value built from files and built again when one of them changes. A rebuild that fails
/// (a half-written file) keeps the last good value and says so in the log.
#[derive(Debug)]
pub struct Reloading<T> {
    files: Vec<PathBuf>,
    build: fn(&[PathBuf]) -> Result<T, String>,
    state: RwLock<Loaded<T>>,
    checking: Mutex<()>,
}

#[derive(Debug)]
struct Loaded<T> {
    stamps: Vec<Option<SystemTime>>,
    checked: Instant,
    value: Arc<T>,
}

impl<T> Reloading<T> {
    /// Builds the value now; an error names the files.
    pub fn new(files: Vec<PathBuf>, build: fn(&[PathBuf]) -> Result<T, String>) -> Result<Self, String> {
        let stamps = stamps(&files);
        let value = Arc::new(build(&files)?);
        Ok(Reloading {
            files,
            build,
            state: RwLock::new(Loaded { stamps, checked: Instant::now(), value }),
            checking: Mutex::new(()),
        })
    }

    /// The value, built again first if a file changed since the last look.
    pub fn current(&self) -> Arc<T> {
        {
            let state = self.state.read().unwrap_or_else(|p| p.into_inner());
            if state.checked.elapsed() < RELOAD_CHECK {
                return state.value.clone();
            }
        }
        // One caller looks at the files; the others keep the current value meanwhile.
        let Ok(_guard) = self.checking.try_lock() else {
            return self.state.read().unwrap_or_else(|p| p.into_inner()).value.clone();
        };
        let now = stamps(&self.files);
        let changed = self.state.read().unwrap_or_else(|p| p.into_inner()).stamps != now;
        let mut state = self.state.write().unwrap_or_else(|p| p.into_inner());
        state.checked = Instant::now();
        if changed {
            match (self.build)(&self.files) {
                Ok(value) => {
                    tracing::info!(files = ?self.files, "TLS material changed on disk: reloaded");
                    state.value = Arc::new(value);
                    state.stamps = now;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "TLS material changed on disk but cannot be used; keeping the last good one")
                }
            }
        }
        state.value.clone()
    }
}

fn stamps(files: &[PathBuf]) -> Vec<Option<SystemTime>> {
    files.iter().map(|f| std::fs::metadata(f).and_then(|m| m.modified()).ok()).collect()
}

/// rustls on `ring` (no aws-lc: a long C build on two cores). rustls 0.23.48 marks ring's
/// provider deprecated for lacking post-quantum key exchange; TLS 1.3 with X25519 stays sound.
#[allow(deprecated)]
fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs: Vec<_> = CertificateDer::pem_file_iter(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!("{}: no certificate in the file", path.display()));
    }
    Ok(certs)
}

fn private_key(path: &Path) -> Result<PrivateKeyDer<'static>, String> {
    PrivateKeyDer::from_pem_file(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn roots(path: &Path) -> Result<RootCertStore, String> {
    let mut roots = RootCertStore::empty();
    for cert in certificates(path)? {
        roots.add(cert).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(roots)
}

/// `[ca, cert, key]` -> the server's configuration: TLS 1.3 or 1.2, HTTP/2, client
/// certificates verified against the CA when presented. A call without one reaches the RPC
/// layer, which refuses it with a reason a caller can read (health stays reachable).
fn server_config(files: &[PathBuf]) -> Result<ServerConfig, String> {
    let [ca, cert, key] = files else { return Err("ca, certificate and key expected".into()) };
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots(ca)?), provider())
        .allow_unauthenticated()
        .build()
        .map_err(|e| format!("{}: {e}", ca.display()))?;
    let mut config = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_client_cert_verifier(verifier)
        .with_single_cert(certificates(cert)?, private_key(key)?)
        .map_err(|e| format!("{}: {e}", cert.display()))?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(config)
}

/// `[ca, cert, key]` -> a client's configuration presenting `cert`.
fn client_config(files: &[PathBuf]) -> Result<ClientConfig, String> {
    let [ca, cert, key] = files else { return Err("ca, certificate and key expected".into()) };
    let mut config = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots(ca)?)
        .with_client_auth_cert(certificates(cert)?, private_key(key)?)
        .map_err(|e| format!("{}: {e}", cert.display()))?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(config)
}

/// A client presenting `cert` (with `key`) and trusting `ca`, read again when they change:
/// for tools and tests that call an `mtls` server from outside it.
pub fn client_from_files(ca: &Path, cert: &Path, key: &Path) -> Result<Arc<Reloading<ClientConfig>>, String> {
    Reloading::new(vec![ca.to_owned(), cert.to_owned(), key.to_owned()], client_config).map(Arc::new)
}

/// A client trusting `ca` that presents no certificate (a probe, or a caller to be refused).
pub fn anonymous_client(ca: &Path) -> Result<Arc<Reloading<ClientConfig>>, String> {
    fn build(files: &[PathBuf]) -> Result<ClientConfig, String> {
        let [ca] = files else { return Err("a CA expected".into()) };
        let mut config = ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots(ca)?)
            .with_no_client_auth();
        config.alpn_protocols = vec![b"h2".to_vec()];
        Ok(config)
    }
    Reloading::new(vec![ca.to_owned()], build).map(Arc::new)
}

/// The TLS material of one process, from its folder.
#[derive(Debug)]
pub struct TlsMaterial {
    dir: PathBuf,
    server: Reloading<ServerConfig>,
    clients: Mutex<Vec<(Subsystem, Arc<Reloading<ClientConfig>>)>>,
}

impl TlsMaterial {
    /// Reads the folder: the CA bundle and this server's certificate must be there and usable.
    pub fn open(dir: &Path) -> Result<Self, String> {
        let files = vec![dir.join(CA_FILE), dir.join("server.pem"), dir.join("server.key")];
        let server = Reloading::new(files, server_config)?;
        Ok(TlsMaterial { dir: dir.to_owned(), server, clients: Mutex::default() })
    }

    /// What `me` presents on its outgoing calls: `<me>.pem` and `<me>.key`.
    pub fn client(&self, me: Subsystem) -> Result<Arc<Reloading<ClientConfig>>, String> {
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, c)) = clients.iter().find(|(s, _)| *s == me) {
            return Ok(c.clone());
        }
        let files =
            vec![self.dir.join(CA_FILE), self.dir.join(format!("{me}.pem")), self.dir.join(format!("{me}.key"))];
        let client = Arc::new(Reloading::new(files, client_config)?);
        clients.push((me, client.clone()));
        Ok(client)
    }

    /// Accepts TLS connections on `listener`: each handshake runs on its own task, so a slow
    /// or hostile client holds up nobody. Failed handshakes are logged and counted.
    pub fn incoming(
        self: &Arc<Self>,
        listener: TcpListener,
        refused: Arc<AtomicU64>,
    ) -> tokio_stream::wrappers::ReceiverStream<Result<TlsConnection, io::Error>> {
        let (tx, rx) = mpsc::channel(64);
        let material = self.clone();
        tokio::spawn(async move {
            loop {
                let accepted = tokio::select! {
                    accepted = listener.accept() => accepted,
                    () = tx.closed() => return,
                };
                let (tcp, remote) = match accepted {
                    Ok(pair) => pair,
                    Err(e) => {
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = tcp.set_nodelay(true);
                let acceptor = TlsAcceptor::from(material.server.current());
                let (tx, refused) = (tx.clone(), refused.clone());
                tokio::spawn(async move {
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
                        Ok(Ok(stream)) => {
                            let certificate = stream
                                .get_ref()
                                .1
                                .peer_certificates()
                                .and_then(|c| c.first())
                                .map(|c| c.clone().into_owned());
                            let peer = TlsPeer { remote: Some(remote), certificate };
                            let _ = tx.send(Ok(TlsConnection { stream, peer })).await;
                        }
                        Ok(Err(e)) => {
                            let total = refused.fetch_add(1, Ordering::Relaxed) + 1;
                            tracing::warn!(peer = %remote, error = %e, refused_unverified_total = total, "TLS handshake refused");
                        }
                        Err(_) => {
                            let total = refused.fetch_add(1, Ordering::Relaxed) + 1;
                            tracing::warn!(peer = %remote, refused_unverified_total = total, "TLS handshake timed out");
                        }
                    }
                });
            }
        });
        tokio_stream::wrappers::ReceiverStream::new(rx)
    }
}

/// Who is at the other end of a TLS connection: put in every request's extensions.
#[derive(Debug, Clone)]
pub struct TlsPeer {
    /// The client's address.
    pub remote: Option<SocketAddr>,
    /// The client's end-entity certificate, verified against the CA bundle, when it sent one.
    pub certificate: Option<CertificateDer<'static>>,
}

/// An accepted TLS connection.
#[derive(Debug)]
pub struct TlsConnection {
    stream: tokio_rustls::server::TlsStream<TcpStream>,
    peer: TlsPeer,
}

impl Connected for TlsConnection {
    type ConnectInfo = TlsPeer;

    fn connect_info(&self) -> TlsPeer {
        self.peer.clone()
    }
}

impl AsyncRead for TlsConnection {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for TlsConnection {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

/// The settings of every channel between the suite's services: a 5 s connect timeout, no
/// Nagle delay, HTTP/2 keep-alive every 30 s.
pub fn endpoint(url: &str) -> Result<tonic::transport::Endpoint, tonic::transport::Error> {
    Ok(tonic::transport::Endpoint::from_shared(url.to_owned())?
        .connect_timeout(Duration::from_secs(5))
        .tcp_nodelay(true)
        .http2_keep_alive_interval(Duration::from_secs(30)))
}

/// A channel to `url` (`http://host:port`, the scheme kept as configured) over TLS, presenting
/// the client certificate of `client`; connected lazily, and each new connection uses the
/// certificate on disk at that moment.
pub fn channel(url: &str, client: Arc<Reloading<ClientConfig>>) -> Result<tonic::transport::Channel, String> {
    let endpoint = endpoint(url).map_err(|e| format!("{url}: {e}"))?;
    let connector = tower::service_fn(move |uri: http::Uri| {
        let client = client.clone();
        async move {
            let host = uri.host().ok_or_else(|| io::Error::other(format!("{uri}: no host")))?.to_owned();
            let port = uri.port_u16().unwrap_or(443);
            let tcp = TcpStream::connect((host.trim_matches(|c| c == '[' || c == ']'), port)).await?;
            let _ = tcp.set_nodelay(true);
            let name = ServerName::try_from(host.trim_matches(|c| c == '[' || c == ']').to_owned())
                .map_err(|e| io::Error::other(format!("{host}: {e}")))?;
            let tls = TlsConnector::from(client.current()).connect(name, tcp).await?;
            Ok::<_, io::Error>(hyper_util::rt::TokioIo::new(tls))
        }
    });
    Ok(endpoint.connect_with_connector_lazy(connector))
}
