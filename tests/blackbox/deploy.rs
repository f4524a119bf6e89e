//! `deploy/` agrees with the code: the Kubernetes bases and mesh policies are exactly what
//! `suite manifests` generates from the caller tables today, and every environment key that
//! compose and the overlays set is a setting some binary reads.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn deploy_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy")
}

fn files_under(root: &Path) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.insert(path.strip_prefix(root).unwrap().to_owned());
            }
        }
    }
    out
}

#[test]
fn the_committed_bases_and_mesh_policies_are_what_the_caller_tables_generate() {
    let out = std::env::temp_dir().join(format!("shanyraq-manifests-{}", uuid::Uuid::new_v4().simple()));
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_suite"))
        .args(["manifests", "--out", out.to_str().unwrap()])
        .env("GATEWAY_SEED_PERSONS", "0")
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let committed = deploy_dir().join("k8s");
    let generated = files_under(&out);
    let kept: BTreeSet<PathBuf> =
        files_under(&committed).into_iter().filter(|p| p.starts_with("base") || p.starts_with("policies")).collect();
    assert_eq!(generated, kept, "deploy/k8s/base and policies are generated: run `suite manifests`");
    for file in &generated {
        let (new, old) =
            (std::fs::read_to_string(out.join(file)).unwrap(), std::fs::read_to_string(committed.join(file)).unwrap());
        assert!(
            new == old,
            "deploy/k8s/{} differs from what the caller tables generate: run `suite manifests`",
            file.display()
        );
    }
    std::fs::remove_dir_all(out).unwrap();
}

/// The settings of the images the suite does not build (compose's PostgreSQL).
const THIRD_PARTY: &[&str] = &["POSTGRES_PASSWORD", "POSTGRES_DB"];

/// The settings the binaries read besides the platform's table.
const SERVICE_SETTINGS: &[&str] =
    &["GATEWAY_SEED_PERSONS", "GATEWAY_SEED", "GATEWAY_ACCESS_FILE", "SUBSIDY_PARAMETERS_FILE"];

fn known(key: &str) -> bool {
    platform::config::SETTINGS.iter().any(|s| s.key == key)
        || SERVICE_SETTINGS.contains(&key)
        || THIRD_PARTY.contains(&key)
        || (key.ends_with("_ENDPOINT")
            && platform::Subsystem::ALL.iter().any(|s| platform::config::endpoint_key(s.as_str()) == key))
        || platform::config::STORE_SERVICES.iter().any(|s| platform::config::service_url_key(s) == key)
}

#[test]
fn every_environment_key_of_compose_and_the_overlays_is_a_setting() {
    let mut keys = Vec::new();
    let compose = std::fs::read_to_string(deploy_dir().join("compose.yaml")).unwrap();
    let mut in_environment = false;
    for line in compose.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("environment:") || trimmed.starts_with("x-environment:") {
            in_environment = true;
            continue;
        }
        if in_environment {
            match trimmed.split_once(':') {
                Some((key, _)) if key.chars().all(|c| c.is_ascii_uppercase() || c == '_') && !key.is_empty() => {
                    keys.push(key.to_owned())
                }
                _ if trimmed.starts_with("<<") => {}
                _ => in_environment = false,
            }
        }
    }
    for overlay in ["dev", "prod-istio", "prod-linkerd"] {
        let text =
            std::fs::read_to_string(deploy_dir().join(format!("k8s/overlays/{overlay}/kustomization.yaml"))).unwrap();
        for line in text.lines() {
            if let Some((key, _)) = line.trim().strip_prefix("- ").and_then(|l| l.split_once('='))
                && key.chars().all(|c| c.is_ascii_uppercase() || c == '_')
            {
                keys.push(key.to_owned());
            }
        }
    }
    assert!(keys.len() > 20, "the parse found the keys: {keys:?}");
    let unknown: Vec<&String> = keys.iter().filter(|k| !known(k)).collect();
    assert!(unknown.is_empty(), "not settings of any binary: {unknown:?}");
}

/// Every series the dashboard plots is a metric the suite emits (`platform::metrics::NAMES`,
/// as Prometheus names them: dots to underscores, the unit and the histogram's or counter's
/// suffix added).
#[test]
fn every_series_of_the_dashboard_is_a_metric_the_suite_emits() {
    let dashboard = std::fs::read_to_string(deploy_dir().join("grafana-dashboard.json")).unwrap();
    let mut series = BTreeSet::new();
    for line in dashboard.lines().filter(|l| l.contains("\"expr\"")) {
        // Label names stand inside `by (...)`: the series are the rest.
        let mut expr = line.to_owned();
        while let Some(start) = expr.find("by (") {
            let end = expr[start..].find(')').map_or(expr.len(), |e| start + e + 1);
            expr.replace_range(start..end, "");
        }
        for token in expr.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
            if ["rpc_", "db_", "shanyraq_"].iter().any(|p| token.starts_with(p)) {
                series.insert(token.to_owned());
            }
        }
    }
    assert!(series.len() >= 6, "{series:?}");
    let emitted: Vec<String> = platform::metrics::NAMES.iter().map(|n| n.replace('.', "_")).collect();
    for s in &series {
        let mut base = s.as_str();
        for suffix in ["_bucket", "_count", "_sum", "_total", "_seconds"] {
            base = base.strip_suffix(suffix).unwrap_or(base);
        }
        let base = base.strip_suffix("_seconds").unwrap_or(base);
        assert!(emitted.iter().any(|e| e == base), "{s} plots no metric of the suite ({emitted:?})");
    }
}
