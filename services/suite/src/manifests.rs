//! `suite manifests --out deploy/k8s`: the Kubernetes base of each service and the mesh
//! policies, **generated** from the services' caller tables, so that what the mesh admits is
//! what the services admit. The table is read by registering every service on a scratch SQLite
//! folder, exactly as a server does; a test regenerates the files and fails on any difference.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use platform::{Allow, Subsystem};

/// The namespace the suite runs in (`SHANYRAQ_NAMESPACE`'s default).
pub const NAMESPACE: &str = "shanyraq";

/// The ingress's workload (Istio): callers from outside the cluster come through it.
pub const ISTIO_INGRESS: &str = "cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account";

/// The ingress's workload (Linkerd).
pub const LINKERD_INGRESS: &str = "ingress.ingress.serviceaccount.identity.linkerd.cluster.local";

/// A deployable service: its crate (the binary), its subsystem and port.
#[derive(Debug, Clone, Copy)]
pub struct Deployable {
    /// The binary and the deployment's name.
    pub binary: &'static str,
    /// The subsystem it is (its service account, its SPIFFE id).
    pub subsystem: Subsystem,
    /// Its gRPC port.
    pub port: u16,
}

/// The five services, each its own deployment.
pub const SERVICES: &[Deployable] = &[
    Deployable { binary: "privatization", subsystem: Subsystem::Privatization, port: 50052 },
    Deployable { binary: "registry", subsystem: Subsystem::Registry, port: 50053 },
    Deployable { binary: "rent-subsidy", subsystem: Subsystem::RentSubsidy, port: 50054 },
    Deployable { binary: "complaints", subsystem: Subsystem::Complaints, port: 50055 },
    Deployable { binary: "egov-gateway", subsystem: Subsystem::Gateway, port: 50056 },
];

/// Who may call each service: subsystem -> the methods it may call (full paths).
pub type Callers = BTreeMap<&'static str, BTreeMap<String, BTreeSet<String>>>;

/// Reads the caller tables by registering every service on a scratch folder.
pub async fn callers() -> Result<Callers, String> {
    let dir = std::env::temp_dir().join(format!("shanyraq-manifests-{}", uuid::Uuid::new_v4().simple()));
    let data_dir = dir.to_string_lossy().into_owned();
    let config = platform::Config::from_lookup("suite", "127.0.0.1:0".parse().map_err(|e| format!("{e}"))?, |key| {
        (key == "SHANYRAQ_DATA_DIR").then(|| data_dir.clone())
    })
    .map_err(|e| e.to_string())?;
    let ctx = platform::ServerContext::new(config, platform::Clock::system()).map_err(|e| e.to_string())?;
    let mut set = platform::ServiceSet::default();
    crate::register(&ctx, &mut set).await.map_err(|e| e.to_string())?;
    let (methods, _) = set.callers().rules();
    let mut out = Callers::new();
    for (path, rules) in methods {
        let Some(service) = platform::identity::serving(path) else { continue };
        for rule in rules {
            let caller = match rule {
                Allow::Subsystem(s) | Allow::Official(s, _) => s.as_str(),
                // Anyone, from outside: the ingress admits it like any outside caller's.
                Allow::Public => "public",
                Allow::DevOnly => continue,
            };
            out.entry(service.as_str()).or_default().entry(caller.to_owned()).or_default().insert(path.to_owned());
        }
    }
    let _ = std::fs::remove_dir_all(dir);
    Ok(out)
}

/// Writes the bases and the policies under `out` (`deploy/k8s`).
pub fn write(out: &Path, callers: &Callers) -> Result<Vec<String>, String> {
    let mut written = Vec::new();
    let mut put = |rel: String, text: String| -> Result<(), String> {
        let path = out.join(&rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        written.push(rel);
        Ok(())
    };
    let empty = BTreeMap::new();
    for s in SERVICES {
        let who = callers.get(s.subsystem.as_str()).unwrap_or(&empty);
        for (file, text) in base(s, who) {
            put(format!("base/{}/{file}", s.binary), text)?;
        }
    }
    for (file, text) in suite_base() {
        put(format!("base/suite/{file}"), text)?;
    }
    let mut istio = vec!["peer-authentication.yaml".to_owned()];
    put("policies/istio/peer-authentication.yaml".into(), format!("{HEADER}{}", peer_authentication()))?;
    let mut linkerd = Vec::new();
    for s in SERVICES {
        let who = callers.get(s.subsystem.as_str()).unwrap_or(&empty);
        put(format!("policies/istio/{}.yaml", s.binary), format!("{HEADER}{}", istio_policy(s, who)))?;
        istio.push(format!("{}.yaml", s.binary));
        put(format!("policies/linkerd/{}.yaml", s.binary), format!("{HEADER}{}", linkerd_policy(s, who)))?;
        linkerd.push(format!("{}.yaml", s.binary));
    }
    put("policies/istio/kustomization.yaml".into(), kustomization(&istio))?;
    put("policies/linkerd/kustomization.yaml".into(), kustomization(&linkerd))?;
    Ok(written)
}

const HEADER: &str = "# Generated by `suite manifests` from the services' caller tables: do not edit.\n";

fn kustomization(resources: &[String]) -> String {
    let mut text = format!("{HEADER}apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n");
    for r in resources {
        let _ = writeln!(text, "  - {r}");
    }
    text
}

fn in_cluster(subsystem: &str) -> bool {
    Subsystem::parse(subsystem).is_some_and(Subsystem::is_suite_workload)
}

/// Everything the callers from outside the cluster may call, together (they all arrive through
/// the ingress, which checks their certificate or token; the service checks which is which).
fn external_paths(callers: &BTreeMap<String, BTreeSet<String>>) -> BTreeSet<String> {
    callers.iter().filter(|(who, _)| !in_cluster(who)).flat_map(|(_, paths)| paths.iter().cloned()).collect()
}

fn quoted_list(items: impl IntoIterator<Item = String>, indent: &str) -> String {
    items.into_iter().map(|i| format!("{indent}- \"{i}\"\n")).collect()
}

fn istio_policy(s: &Deployable, callers: &BTreeMap<String, BTreeSet<String>>) -> String {
    let mut rules = String::new();
    for (who, paths) in callers.iter().filter(|(who, _)| in_cluster(who)) {
        let _ = write!(
            rules,
            "    - from:\n        - source:\n            principals: [\"cluster.local/ns/{NAMESPACE}/sa/{who}\"]\n      to:\n        - operation:\n            paths:\n{}",
            quoted_list(paths.iter().cloned(), "              ")
        );
    }
    let external = external_paths(callers);
    if !external.is_empty() {
        let _ = write!(
            rules,
            "    - from:\n        - source:\n            principals: [\"{ISTIO_INGRESS}\"]\n      to:\n        - operation:\n            paths:\n{}",
            quoted_list(external, "              ")
        );
    }
    format!(
        "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: {name}\n  labels:\n    app.kubernetes.io/name: {name}\nspec:\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: {name}\n  action: ALLOW\n  rules:\n{rules}    - to:\n        - operation:\n            paths: [\"/grpc.health.v1.Health/*\"]\n",
        name = s.binary
    )
}

fn peer_authentication() -> String {
    "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\nspec:\n  mtls:\n    mode: STRICT\n".into()
}

fn linkerd_policy(s: &Deployable, callers: &BTreeMap<String, BTreeSet<String>>) -> String {
    let mut identities: Vec<String> = callers
        .keys()
        .filter(|who| in_cluster(who))
        .map(|who| format!("{who}.{NAMESPACE}.serviceaccount.identity.linkerd.cluster.local"))
        .collect();
    if !external_paths(callers).is_empty() {
        identities.push(LINKERD_INGRESS.to_owned());
    }
    format!(
        "apiVersion: policy.linkerd.io/v1beta3\nkind: Server\nmetadata:\n  name: {name}-grpc\nspec:\n  podSelector:\n    matchLabels:\n      app.kubernetes.io/name: {name}\n  port: grpc\n  proxyProtocol: gRPC\n---\n\
apiVersion: policy.linkerd.io/v1alpha1\nkind: MeshTLSAuthentication\nmetadata:\n  name: {name}-callers\nspec:\n  identities:\n{ids}---\n\
apiVersion: policy.linkerd.io/v1alpha1\nkind: AuthorizationPolicy\nmetadata:\n  name: {name}-callers\nspec:\n  targetRef:\n    group: policy.linkerd.io\n    kind: Server\n    name: {name}-grpc\n  requiredAuthenticationRefs:\n    - group: policy.linkerd.io\n      kind: MeshTLSAuthentication\n      name: {name}-callers\n",
        name = s.binary,
        ids = quoted_list(identities, "    ")
    )
}

fn base(s: &Deployable, callers: &BTreeMap<String, BTreeSet<String>>) -> Vec<(&'static str, String)> {
    let name = s.binary;
    let account = s.subsystem.as_str();
    let port = s.port;
    let from_pods: String = callers
        .keys()
        .filter(|who| in_cluster(who))
        .map(|who| {
            let binary = SERVICES.iter().find(|d| d.subsystem.as_str() == who).map_or(who.as_str(), |d| d.binary);
            format!(
                "        - podSelector:\n            matchLabels:\n              app.kubernetes.io/name: {binary}\n"
            )
        })
        .collect();
    let ingress = if external_paths(callers).is_empty() {
        String::new()
    } else {
        "        - namespaceSelector:\n            matchLabels:\n              shanyraq.kz/ingress: \"true\"\n".into()
    };
    // The gateway grants in prod only what its access file names: the suite's needs, from code.
    let gateway = s.subsystem == Subsystem::Gateway;
    let (extra_env, extra_mount, extra_volume) = if gateway {
        (
            "            - name: GATEWAY_ACCESS_FILE\n              value: /etc/shanyraq/gateway-access.toml\n",
            "            - name: gateway-access\n              mountPath: /etc/shanyraq\n              readOnly: true\n",
            "        - name: gateway-access\n          configMap:\n            name: gateway-access\n",
        )
    } else {
        ("", "", "")
    };
    let deployment = format!(
        "{HEADER}apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  labels:\n    app.kubernetes.io/name: {name}\n    app.kubernetes.io/part-of: shanyraq\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: {name}\n  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: {name}\n        app.kubernetes.io/part-of: shanyraq\n    spec:\n      serviceAccountName: {account}\n      automountServiceAccountToken: false\n      securityContext:\n        runAsNonRoot: true\n        runAsUser: 65532\n        runAsGroup: 65532\n        fsGroup: 65532\n        seccompProfile:\n          type: RuntimeDefault\n      containers:\n        - name: {name}\n          image: shanyraq/{name}:0.1.0\n          args: []\n          ports:\n            - name: grpc\n              containerPort: {port}\n              protocol: TCP\n          envFrom:\n            - configMapRef:\n                name: shanyraq-config\n          env:\n            - name: POD_IP\n              valueFrom:\n                fieldRef:\n                  fieldPath: status.podIP\n            # The pod address (Istio forwards to it; the kubelet's probes reach it).\n            - name: SHANYRAQ_LISTEN\n              value: \"$(POD_IP):{port}\"\n            - name: SHANYRAQ_SPIFFE_ID\n              value: \"spiffe://cluster.local/ns/{NAMESPACE}/sa/{account}\"\n{extra_env}            - name: DATABASE_URL\n              valueFrom:\n                secretKeyRef:\n                  name: shanyraq-database\n                  key: url\n            - name: SHANYRAQ_NAME_KEY\n              valueFrom:\n                secretKeyRef:\n                  name: shanyraq-names\n                  key: key\n          readinessProbe:\n            grpc:\n              port: {port}\n            periodSeconds: 5\n          livenessProbe:\n            grpc:\n              port: {port}\n            initialDelaySeconds: 10\n            periodSeconds: 10\n          resources:\n            requests:\n              cpu: 250m\n              memory: 128Mi\n            limits:\n              memory: 512Mi\n          securityContext:\n            allowPrivilegeEscalation: false\n            readOnlyRootFilesystem: true\n            capabilities:\n              drop: [\"ALL\"]\n          volumeMounts:\n            - name: data\n              mountPath: /data\n{extra_mount}      volumes:\n        - name: data\n          emptyDir: {{}}\n{extra_volume}"
    );
    let mut kustomize = kustomization(&[
        "serviceaccount.yaml".into(),
        "deployment.yaml".into(),
        "service.yaml".into(),
        "pdb.yaml".into(),
        "hpa.yaml".into(),
        "networkpolicy.yaml".into(),
    ]);
    if gateway {
        kustomize.push_str("configMapGenerator:\n  - name: gateway-access\n    files:\n      - gateway-access.toml\n");
    }
    let mut files = vec![
        ("kustomization.yaml", kustomize),
        (
            "serviceaccount.yaml",
            format!(
                "{HEADER}apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {account}\n  labels:\n    app.kubernetes.io/name: {name}\nautomountServiceAccountToken: false\n"
            ),
        ),
        ("deployment.yaml", deployment),
        (
            "service.yaml",
            format!(
                "{HEADER}apiVersion: v1\nkind: Service\nmetadata:\n  name: {account}\n  labels:\n    app.kubernetes.io/name: {name}\nspec:\n  selector:\n    app.kubernetes.io/name: {name}\n  ports:\n    - name: grpc\n      port: {port}\n      targetPort: grpc\n      appProtocol: grpc\n"
            ),
        ),
        (
            "pdb.yaml",
            format!(
                "{HEADER}apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: {name}\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: {name}\n"
            ),
        ),
        (
            "hpa.yaml",
            format!(
                "{HEADER}apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: {name}\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: {name}\n  minReplicas: 2\n  maxReplicas: 6\n  metrics:\n    - type: Resource\n      resource:\n        name: cpu\n        target:\n          type: Utilization\n          averageUtilization: 70\n"
            ),
        ),
        (
            "networkpolicy.yaml",
            format!(
                "{HEADER}# Only the callers of the caller table reach the service: the suite's own workloads by\n# label, the portals and agencies through the ingress's namespace.\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: {name}\nspec:\n  podSelector:\n    matchLabels:\n      app.kubernetes.io/name: {name}\n  policyTypes: [\"Ingress\"]\n  ingress:\n    - from:\n{from_pods}{ingress}      ports:\n        - port: grpc\n"
            ),
        ),
    ];
    if gateway {
        files.push((
            "gateway-access.toml",
            format!(
                "# Generated by `suite manifests`: what the suite's services and portals need.{}",
                egov_gateway::access::DEFAULT_GRANTS
            ),
        ));
    }
    files
}

/// The whole suite as one pod: the dev overlay's.
fn suite_base() -> Vec<(&'static str, String)> {
    vec![
        ("kustomization.yaml", kustomization(&["deployment.yaml".into(), "service.yaml".into()])),
        (
            "deployment.yaml",
            format!(
                "{HEADER}apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: suite\n  labels:\n    app.kubernetes.io/name: suite\n    app.kubernetes.io/part-of: shanyraq\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: suite\n  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: suite\n        app.kubernetes.io/part-of: shanyraq\n    spec:\n      securityContext:\n        runAsNonRoot: true\n        runAsUser: 65532\n        runAsGroup: 65532\n        fsGroup: 65532\n        seccompProfile:\n          type: RuntimeDefault\n      containers:\n        - name: suite\n          image: shanyraq/suite:0.1.0\n          ports:\n            - name: grpc\n              containerPort: 50051\n          envFrom:\n            - configMapRef:\n                name: shanyraq-config\n          env:\n            - name: SHANYRAQ_LISTEN\n              value: \"0.0.0.0:50051\"\n          readinessProbe:\n            grpc:\n              port: 50051\n          livenessProbe:\n            grpc:\n              port: 50051\n            initialDelaySeconds: 10\n          resources:\n            requests:\n              cpu: 250m\n              memory: 256Mi\n            limits:\n              memory: 1Gi\n          securityContext:\n            allowPrivilegeEscalation: false\n            readOnlyRootFilesystem: true\n            capabilities:\n              drop: [\"ALL\"]\n          volumeMounts:\n            - name: data\n              mountPath: /data\n      volumes:\n        - name: data\n          emptyDir: {{}}\n"
            ),
        ),
        (
            "service.yaml",
            format!(
                "{HEADER}apiVersion: v1\nkind: Service\nmetadata:\n  name: suite\nspec:\n  selector:\n    app.kubernetes.io/name: suite\n  ports:\n    - name: grpc\n      port: 50051\n      targetPort: grpc\n      appProtocol: grpc\n"
            ),
        ),
    ]
}
