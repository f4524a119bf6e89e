//! The suite binary's commands besides serving: `certs` and `token` (README "Security").

use std::path::PathBuf;
use std::process::ExitCode;

use crate::{certs, tokens};

const USAGE: &str = "\
usage:
  suite                                   serve every service (SHANYRAQ_* settings, README)
  suite health [--addr ADDR]              a gRPC health check: exit 0 when SERVING
  suite --version
  suite certs [--out DIR] [--trust-domain TD] [--namespace NS] [--days N] [--host NAME]...
                                          a development CA and the certificates of SHANYRAQ_IDENTITY=mtls
  suite certs issue --subsystem NAME [--dir DIR] [--out DIR] [--spiffe-id URI] [--days N]
                                          a client certificate from that CA, for a portal or an agency
  suite manifests [--out DIR]             the Kubernetes bases and mesh policies from the caller tables (deploy/k8s)
  suite grants                            the gateway grants the suite's services need (GATEWAY_ACCESS_FILE)
  suite token init [--dir DIR] [--iss URL] [--trust SUBSYSTEM]...
                                          a development token issuer: key, JWKS, issuers file
  suite token mint --aud SERVICE --sub IIN [--dir DIR] [--role ROLE --jurisdiction CODE]
                   [--act IIN --rep-basis TEXT] [--ttl SECONDS] [--now RFC3339]
                                          a signed token for `authorization: Bearer`
";

/// Runs a command; `None` when the arguments ask to serve.
pub fn run(args: &[String]) -> Option<ExitCode> {
    let (command, rest) = args.split_first()?;
    let outcome = match command.as_str() {
        "certs" => certs_command(rest),
        "token" => token_command(rest),
        "manifests" => manifests_command(rest),
        "grants" if rest.is_empty() => {
            // What the suite's services and portals need at the gateway, for GATEWAY_ACCESS_FILE.
            print!(
                "# The gateway's grants of the dev profile: GATEWAY_ACCESS_FILE for prod.{}",
                egov_gateway::access::DEFAULT_GRANTS
            );
            Ok(())
        }
        "help" | "--help" | "-h" => {
            print!("{USAGE}\n{}", platform::server::usage("suite", crate::DEFAULT_LISTEN));
            Ok(())
        }
        // `health`, `--version` and the rest are every server binary's (`platform::run`).
        _ => return None,
    };
    Some(match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    })
}

/// `--key value` options, repeated ones kept in order.
#[derive(Debug, Default)]
struct Options(Vec<(String, String)>);

impl Options {
    fn parse(args: &[String], known: &[&str]) -> Result<Options, String> {
        let mut out = Vec::new();
        let mut it = args.iter();
        while let Some(key) = it.next() {
            let name = key
                .strip_prefix("--")
                .filter(|k| known.contains(k))
                .ok_or_else(|| format!("unknown option {key:?}\n{USAGE}"))?;
            let value = it.next().ok_or_else(|| format!("{key} needs a value"))?;
            out.push((name.to_owned(), value.clone()));
        }
        Ok(Options(out))
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    fn all(&self, key: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == key).map(|(_, v)| v.clone()).collect()
    }

    fn days(&self) -> Result<i64, String> {
        self.get("days").map_or(Ok(365), |d| d.parse().map_err(|_| format!("--days {d:?}: a whole number")))
    }
}

fn certs_command(args: &[String]) -> Result<(), String> {
    if args.first().map(String::as_str) == Some("issue") {
        let o = Options::parse(
            &args[1..],
            &["subsystem", "dir", "out", "spiffe-id", "days", "trust-domain", "namespace", "host"],
        )?;
        let dir = PathBuf::from(o.get("dir").unwrap_or("tls"));
        let name = o.get("subsystem").ok_or("--subsystem is required")?;
        let ca = certs::Ca::load(&dir)?;
        let mut leaf = certs::Leaf::workload(
            o.get("trust-domain").unwrap_or("cluster.local"),
            o.get("namespace").unwrap_or("shanyraq"),
            name,
            o.days()?,
            &o.all("host"),
        );
        if let Some(id) = o.get("spiffe-id") {
            leaf.spiffe_id = Some(id.to_owned());
        }
        let out = o.get("out").map_or(dir.clone(), PathBuf::from);
        certs::write_pair(&out, name, &ca.issue(&leaf)?)?;
        println!("{}: {name}.pem and {name}.key ({})", out.display(), leaf.spiffe_id.unwrap_or_default());
        return Ok(());
    }
    let o = Options::parse(args, &["out", "trust-domain", "namespace", "days", "host"])?;
    let dir = PathBuf::from(o.get("out").unwrap_or("tls"));
    let (td, ns) = (o.get("trust-domain").unwrap_or("cluster.local"), o.get("namespace").unwrap_or("shanyraq"));
    certs::write_folder(&dir, td, ns, o.days()?, &o.all("host"))?;
    println!(
        "{}: ca.pem ca.key server.pem server.key and the certificates of {} (spiffe://{td}/ns/{ns}/sa/<subsystem>)",
        dir.display(),
        platform::Subsystem::SUITE.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
    );
    Ok(())
}

fn manifests_command(args: &[String]) -> Result<(), String> {
    let o = Options::parse(args, &["out"])?;
    let out = PathBuf::from(o.get("out").unwrap_or("deploy/k8s"));
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| e.to_string())?;
    let callers = runtime.block_on(crate::manifests::callers())?;
    runtime.shutdown_background();
    let written = crate::manifests::write(&out, &callers)?;
    println!("{}: {} files from the caller tables", out.display(), written.len());
    Ok(())
}

fn token_command(args: &[String]) -> Result<(), String> {
    let (sub, rest) = args.split_first().ok_or_else(|| format!("token: init or mint\n{USAGE}"))?;
    match sub.as_str() {
        "init" => {
            let o = Options::parse(rest, &["dir", "iss", "trust"])?;
            let dir = PathBuf::from(o.get("dir").unwrap_or("tokens"));
            let mut trusted = o.all("trust");
            if trusted.is_empty() {
                trusted = tokens::DEV_TRUSTED.iter().map(|s| (*s).to_owned()).collect();
            }
            tokens::init(&dir, o.get("iss").unwrap_or(tokens::DEV_ISSUER), tokens::DEV_KID, &trusted)?;
            println!("{}: token-signing.key dev.jwks.json issuers.toml (SHANYRAQ_TOKEN_ISSUERS_FILE)", dir.display());
            Ok(())
        }
        "mint" => {
            let o =
                Options::parse(rest, &["dir", "iss", "aud", "sub", "role", "jurisdiction", "act", "rep-basis", "ttl"])?;
            let dir = PathBuf::from(o.get("dir").unwrap_or("tokens"));
            let ttl: i64 = o.get("ttl").map_or(Ok(900), |t| t.parse().map_err(|_| format!("--ttl {t:?}: seconds")))?;
            // A token is checked against the suite's clock: a dev suite on a moved clock takes
            // `--now` (RFC 3339) to mint for its "now".
            let now = match o.get("now") {
                Some(t) => {
                    chrono::DateTime::parse_from_rfc3339(t).map_err(|e| format!("--now {t:?}: {e}"))?.timestamp()
                }
                None => platform::Clock::system().now().timestamp(),
            };
            let claims = tokens::Claims {
                iss: o.get("iss").unwrap_or(tokens::DEV_ISSUER).to_owned(),
                aud: o.get("aud").ok_or("--aud is required (the service called, e.g. registry)")?.to_owned(),
                sub: o.get("sub").ok_or("--sub is required (an IIN, or an official's id)")?.to_owned(),
                role: o.get("role").map(str::to_owned),
                jurisdiction: o.get("jurisdiction").map(str::to_owned),
                act: o.get("act").map(str::to_owned),
                rep_basis: o.get("rep-basis").map(str::to_owned),
                nbf: now,
                exp: now + ttl,
            };
            println!("{}", tokens::mint(&dir.join("token-signing.key"), tokens::DEV_KID, &claims)?);
            Ok(())
        }
        other => Err(format!("token {other:?}: init or mint\n{USAGE}")),
    }
}
