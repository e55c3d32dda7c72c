// The plain arguments of every component, each with why it is plain: its value names a resource or
// decides which or how many resources exist, so it must be known when the component is constructed
// (the package schema marks it `plain`, and other languages resolve it first). Every other argument
// takes an Output. A test holds this list equal to the fields the analyzer marks plain, and
// docs/reference/inputs.md is generated from it.

type Reasons = Record<string, string>;

const SECTION = "a section: whether it is given decides resources; its own fields take Outputs unless listed";
const CREATE_NAMESPACE = "decides whether the Namespace resource exists";
const HELM_MODE = "decides the install resource: helm.v4.Chart or helm.v3.Release";

const CA: Reasons = {
    generation: "names the CA's resources (`<name>-g<generation>-*`)",
    previousGeneration: "names the previous generation's resources, kept while both are trusted",
    rotationPhase: "decides which generations exist",
    intermediate: "decides whether the intermediate's key, CSR and certificate exist",
};

const FLEET_CLUSTER: Reasons = {
    "": "one intermediate per entry and generation",
    "[].name": "names the cluster's resources (`<ca>-<cluster>-g<generation>-intermediate`)",
    "[].intermediate": "its fields fall back to the fleet's intermediate settings field by field",
    "[].signedIntermediates": "decides, with externalRoots, which intermediates are supplied instead of generated",
};

const EXTERNAL_ROOTS: Reasons = {
    externalRoots: "decides which generations get no generated root",
};

const ISTIO: Reasons = {
    ambient: SECTION,
    cni: "decides whether the cni chart is installed",
    dataPlaneMode: "decides whether the ztunnel chart is installed, and the install order",
    createNamespace: CREATE_NAMESPACE,
    gateway: "decides whether the gateway chart is installed",
    "gateway.createNamespace": "decides whether the gateway's Namespace resource exists",
    helmMode: HELM_MODE,
    values: SECTION,
};

const GLOO_UPSTREAMS: Reasons = {
    "": "one Upstream per entry",
    "[].name": "names the Upstream",
    "[].port": "names the Upstream by default (`<namespace>-<service>-<port>-mtls`)",
    "[].serviceName": "names the Upstream by default",
    "[].serviceNamespace": "names the Upstream by default, and decides the STRICT policies with strictUpstreamNamespaces",
};

const KUADRANT: Reasons = {
    authorino: "decides whether Authorino's resources exist",
    limitador: "decides whether Limitador's resources exist",
    dataPlaneMode: "in ambient, namespace enrollments and per-server policies instead of the sidecar modes' resources",
    enabled: "decides the order of the steps (enable or disable) and whether sidecars stay",
    gateways: "one EnvoyFilter patch per gateway and filter (Manual), one enrollment per gateway namespace (ambient)",
    "gateways[].name": "names the EnvoyFilter patches",
    "gateways[].namespace": "names the EnvoyFilter patches, and the gateway namespace's enrollment in ambient",
    mode: "Operator (a Kuadrant CR patch) or Manual (sidecars, EnvoyFilter patches, PeerAuthentications)",
    removeSidecars: "decides whether the sidecar patches stay when mTLS is off",
    revision: "with a revision, Operator mode adds the label patches",
};

const KYVERNO: Reasons = {
    appMtls: "one PeerAuthentication per namespace",
    "appMtls[].namespace": "names its PeerAuthentication",
    "appMtls[].permissivePorts": "one workload PeerAuthentication per app",
    "appMtls[].permissivePorts[].app": "names that PeerAuthentication",
    createNamespace: CREATE_NAMESPACE,
    dataPlaneMode: "in ambient no DestinationRule is written",
    flavor: "the chart (AuthzServer) or the plugin's Deployment, Service and ConfigMap (EnvoyPlugin)",
    helmMode: HELM_MODE,
    installPolicyCrd: "decides whether the policy CRD is installed",
    namespace: "decides whether the authorizer's namespace gets its own PeerAuthentication (not when appMtls lists it), and which policies wait for it",
    policies: "one ValidatingPolicy per entry (AuthzServer)",
    "policies[].name": "names the ValidatingPolicy",
    "policies[].yaml": "its apiVersion and kind are the ValidatingPolicy's resource type",
    policyApiVersion: "the ValidatingPolicies' resource type",
    targets: "one AuthorizationPolicy per entry",
    "targets[].name": "names the AuthorizationPolicy",
    "targets[].namespace": "names the AuthorizationPolicy",
    webhookCertManagerIssuer: "decides whether the webhook certificate is cert-manager's or a Pulumi Certificate",
};

const MTLS_POLICY: Reasons = {
    destinationRule: "decides whether DestinationRules exist",
    "destinationRule.hosts": "one DestinationRule per host",
};

/** `reasons` with every key under `prefix` (a list's own entry is keyed "" in GLOO_UPSTREAMS). */
function under(prefix: string, reasons: Reasons): Reasons {
    return Object.fromEntries(Object.entries(reasons).map(([k, v]) => [k === "" ? prefix : k.startsWith("[") ? `${prefix}${k}` : `${prefix}.${k}`, v]));
}

/** Plain fields by component type token, with their reasons. */
export const PLAIN_FIELDS: Record<string, Reasons> = {
    "meshtls:index:Certificate": {},
    "meshtls:index:CertificateAuthority": CA,
    "meshtls:index:FleetCertificateAuthority": { ...CA, intermediate: "the fallback settings of every cluster's intermediate", ...EXTERNAL_ROOTS, ...under("clusters", FLEET_CLUSTER) },
    "meshtls:index:IstioMesh": ISTIO,
    "meshtls:index:MtlsPolicy": MTLS_POLICY,
    "meshtls:index:SidecarInjection": {},
    "meshtls:index:NamespaceEnrollment": { createNamespace: "decides whether a Namespace or a NamespacePatch is registered" },
    "meshtls:index:KuadrantMtls": KUADRANT,
    "meshtls:index:GlooMtls": {
        createNamespace: CREATE_NAMESPACE,
        helmMode: HELM_MODE,
        install: "decides whether the chart is installed",
        istio: "decides whether the Upstreams and the Istio integration exist",
        "istio.strictUpstreamNamespaces": "one STRICT MtlsPolicy per upstream namespace",
        ...under("istio.upstreams", GLOO_UPSTREAMS),
        xds: "decides whether xDS mTLS resources exist",
        "xds.certificate": SECTION,
        "xds.rotation": "Pulumi (a Certificate and the gloo-mtls-certs Secret) or CronJob (the chart's job)",
    },
    "meshtls:index:KgatewayMtls": {
        backends: "one HTTPRoute per entry",
        "backends[].name": "names the HTTPRoute",
        "backends[].port": "names the HTTPRoute by default (`<namespace>-<service>-<port>`)",
        "backends[].serviceName": "names the HTTPRoute by default, and the ReferenceGrant's Services",
        "backends[].serviceNamespace": "names the HTTPRoute by default, and decides the ReferenceGrants",
        createNamespace: CREATE_NAMESPACE,
        gateway: SECTION,
        "gateway.create": "decides whether the Gateway exists",
        "gateway.createNamespace": "decides whether the Gateway's Namespace resource exists",
        "gateway.enroll": "decides whether the Gateway's namespace is enrolled in ambient",
        "gateway.name": "names the Gateway, the routes' parent and the gateway pods' PeerAuthentication",
        "gateway.namespace": "decides the ReferenceGrants and the Namespace resources",
        helmMode: HELM_MODE,
        installGatewayApiCrds: "decides whether the Gateway API CRDs are installed",
        istio: "decides whether the mesh's resources exist",
        "istio.dataPlaneMode": "sidecar (GatewayParameters) or ambient (enrollment, gateway PeerAuthentication)",
        namespace: "decides the Namespace resources and where the GatewayParameters live",
    },
    "meshtls:index:KyvernoAuthz": KYVERNO,
    "meshtls:index:MtlsPlatform": {
        helmMode: HELM_MODE,
        ca: SECTION,
        ...under("ca", CA),
        ...under("ca", EXTERNAL_ROOTS),
        clusters: "one provider, one IstioMesh and one intermediate per entry",
        "clusters[].name": "names the cluster's provider and children (`<platform>-<cluster>-*`)",
        "clusters[].kubeconfigContext": "decides the cluster's provider",
        "clusters[].renderDirectory": "decides the cluster's provider",
        "clusters[].intermediate": "its fields fall back to ca.intermediate field by field",
        "clusters[].signedIntermediates": "decides, with ca.externalRoots, which intermediates are supplied instead of generated",
        "clusters[].istio": SECTION,
        ...under("clusters[].istio", ISTIO),
        fleetIssuer: "decides whether the platform creates its own CA",
        "fleetIssuer.cluster": "picks the cluster's intermediate from the fleet CA stack's material",
        istio: SECTION,
        ...under("istio", ISTIO),
        "istio.enabled": "decides whether IstioMesh exists",
        "istio.usePlatformCa": "decides whether the cacerts Secret is written from the platform CA",
        "istio.revision": "passed to Kuadrant, where a revision adds the Operator-mode label patches",
        "istio.enroll": "one NamespaceEnrollment per entry",
        "istio.enroll[].namespace": "names the NamespaceEnrollment",
        "istio.enroll[].createNamespace": "decides whether a Namespace or a NamespacePatch is registered",
        kuadrant: "decides whether KuadrantMtls exists",
        ...under("kuadrant", KUADRANT),
        gloo: "decides whether GlooMtls exists",
        "gloo.createNamespace": CREATE_NAMESPACE,
        "gloo.helmMode": HELM_MODE,
        "gloo.install": "decides whether the chart is installed",
        "gloo.istioIntegration": "decides whether the Upstreams and the Istio integration exist",
        ...under("gloo.istioUpstreams", GLOO_UPSTREAMS),
        "gloo.strictUpstreamNamespaces": "one STRICT MtlsPolicy per upstream namespace",
        "gloo.xds": "decides whether xDS mTLS resources exist",
        "gloo.xdsCertificate": SECTION,
        "gloo.xdsRotation": "Pulumi (a Certificate and the gloo-mtls-certs Secret) or CronJob (the chart's job)",
        kgateway: "decides whether KgatewayMtls exists",
        "kgateway.backends": "one HTTPRoute per entry",
        "kgateway.backends[].name": "names the HTTPRoute",
        "kgateway.backends[].port": "names the HTTPRoute by default (`<namespace>-<service>-<port>`)",
        "kgateway.backends[].serviceName": "names the HTTPRoute by default, and the ReferenceGrant's Services",
        "kgateway.backends[].serviceNamespace": "names the HTTPRoute by default, and decides the ReferenceGrants",
        "kgateway.createNamespace": CREATE_NAMESPACE,
        "kgateway.gateway": SECTION,
        "kgateway.gateway.create": "decides whether the Gateway exists",
        "kgateway.gateway.createNamespace": "decides whether the Gateway's Namespace resource exists",
        "kgateway.gateway.enroll": "decides whether the Gateway's namespace is enrolled in ambient",
        "kgateway.gateway.name": "names the Gateway, the routes' parent and the gateway pods' PeerAuthentication",
        "kgateway.gateway.namespace": "decides the ReferenceGrants and the Namespace resources",
        "kgateway.helmMode": HELM_MODE,
        "kgateway.installGatewayApiCrds": "decides whether the Gateway API CRDs are installed",
        "kgateway.namespace": "decides the Namespace resources and where the GatewayParameters live",
        authz: "decides whether KyvernoAuthz exists",
        ...under("authz", KYVERNO),
        policies: "one MtlsPolicy per entry",
        "policies[].name": "names the MtlsPolicy",
        "policies[].args": SECTION,
        ...under("policies[].args", MTLS_POLICY),
    },
};

/** The plain fields as the analyzer lists them, without list items (`x[]`, plain exactly when `x` is). */
export function listedPlain(plain: readonly string[]): string[] {
    return plain.filter((p) => !p.endsWith("[]")).sort();
}

/** docs/reference/inputs.md. */
export function renderInputsReference(): string {
    const lines = [
        "# Plain and Output arguments",
        "",
        "<!-- Generated by `npm run gen:schema` from tests/gen/plainFields.ts. Do not edit. -->",
        "",
        "Every argument takes a `pulumi.Input<T>` (a value or an Output, such as `ns.metadata.name`) except the",
        "ones below. These are plain because their value names a resource or decides which or how many resources",
        "exist, so it must be known when the component is constructed: the package schema marks them `plain`, and",
        "SDKs in other languages resolve them first. An Output given to one of them is refused, naming it. An",
        "entry of a plain list is plain too.",
        "",
        "When an argument is an Output, the component checks it once it resolves: a bad value fails the",
        "deployment (the preview too, when the value is known then) with the same message as a plain value,",
        "naming the argument.",
        "",
        "One Output argument is resolved together with the component's others: while it is unknown at preview,",
        "the inputs the component computes from its arguments show as unknown, and a secret Output makes them",
        "secret too (issuer material is the exception: it is handled field by field and only keys are secret).",
        "",
    ];
    for (const [token, reasons] of Object.entries(PLAIN_FIELDS)) {
        lines.push(`## ${token.replace("meshtls:index:", "")}`, "");
        const keys = Object.keys(reasons).sort();
        if (keys.length === 0) {
            lines.push("Every argument takes an Output.", "");
            continue;
        }
        lines.push("| argument | why it is plain |", "|---|---|");
        for (const k of keys) {
            lines.push(`| \`${k}\` | ${reasons[k]} |`);
        }
        lines.push("");
    }
    return lines.join("\n");
}
