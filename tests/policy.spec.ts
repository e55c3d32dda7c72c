// The CrossGuard pack's policies, run without the Pulumi CLI: each gets a passing and a violating
// input, its messages are asserted, and values unknown at preview make it not applicable. Then the
// whole pack is run over the dev stack's resources.
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { Policy, PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import * as YAML from "yaml";
import {
    certificateValidity,
    customAuthzProviderRegistered,
    destinationRuleMeshTls,
    glooNamespaceNotInjected,
    keyAlgorithm,
    meshtlsPolicies,
    noPrivateKeyOutsideSecrets,
    noWideMtlsDisable,
    peerAuthenticationStrict,
} from "../policy/policies";
import { RegisteredResource, loadProgram, readStackConfig, runProgram } from "./harness";

// The engine's preview semantics: reading an unknown value throws UnknownValueError. The pack
// re-exports this proxy for tests, but its typings are stripped, hence the typed require.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unknownCheckingProxy } = require("@pulumi/policy") as { unknownCheckingProxy: <T>(o: T) => T };

/** What a policy run produced. */
interface Outcome {
    violations: string[];
    notApplicable?: string;
}

class NotApplicable extends Error {
    constructor(public readonly reason: string | undefined) {
        super(reason);
    }
}

/** The policy's config: schema defaults, then overrides (as the engine merges them). */
function config(policy: Policy, overrides: Record<string, unknown>): Record<string, unknown> {
    const props = (policy.configSchema?.properties ?? {}) as Record<string, { default?: unknown }>;
    return { ...Object.fromEntries(Object.entries(props).map(([k, v]) => [k, v.default])), ...overrides };
}

/** The engine's unknown-string sentinel, as props carry it during preview. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

async function runResource(policy: ResourceValidationPolicy, type: string, props: Record<string, unknown>, overrides: Record<string, unknown> = {}): Promise<Outcome> {
    const violations: string[] = [];
    const args = {
        type,
        props: unknownCheckingProxy(props),
        urn: `urn:pulumi:test::meshtls::${type}::r`,
        name: "r",
        opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: {}, additionalSecretOutputs: [] },
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: () => config(policy, overrides),
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    } as unknown as ResourceValidationArgs;
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
    try {
        for (const v of validations) {
            await v?.(args, (message) => violations.push(message));
        }
    } catch (err) {
        if (err instanceof NotApplicable) {
            return { violations, notApplicable: err.reason ?? "" };
        }
        throw err;
    }
    return { violations };
}

interface StackItem {
    type: string;
    props: Record<string, unknown>;
    name?: string;
}

async function runStack(policy: StackValidationPolicy, items: StackItem[], overrides: Record<string, unknown> = {}): Promise<Outcome> {
    const violations: string[] = [];
    const resources = items.map(
        (r, i) =>
            ({
                type: r.type,
                props: unknownCheckingProxy(r.props),
                urn: `urn:pulumi:test::meshtls::${r.type}::${r.name ?? String(i)}`,
                name: r.name ?? String(i),
                opts: {},
                dependencies: [],
                propertyDependencies: {},
                isType: () => false,
                asType: () => undefined,
            }) as unknown as PolicyResource,
    );
    const args = {
        resources,
        stackTags: new Map(),
        getConfig: () => config(policy, overrides),
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    } as unknown as StackValidationArgs;
    try {
        await policy.validateStack(args, (message) => violations.push(message));
    } catch (err) {
        if (err instanceof NotApplicable) {
            return { violations, notApplicable: err.reason ?? "" };
        }
        throw err;
    }
    return { violations };
}

const PA = "kubernetes:security.istio.io/v1:PeerAuthentication";
const pa = (namespace: string, name: string, spec: Record<string, unknown>): StackItem => ({ type: PA, name, props: { apiVersion: "security.istio.io/v1", kind: "PeerAuthentication", metadata: { name, namespace }, spec } });

describe("policy pack (CrossGuard)", () => {
    describe("peer-authentication-strict", () => {
        it("passes STRICT policies and UNSET under a STRICT parent", async () => {
            const out = await runStack(peerAuthenticationStrict, [
                pa("istio-system", "default", { mtls: { mode: "STRICT" } }),
                pa("shop", "default", { mtls: { mode: "UNSET" } }),
                pa("shop", "cart", { selector: { matchLabels: { app: "cart" } }, mtls: { mode: "UNSET" } }),
                pa("kyverno", "webhook", { selector: { matchLabels: { app: "w" } }, mtls: { mode: "STRICT" }, portLevelMtls: { "9443": { mode: "PERMISSIVE" } } }),
            ]);
            assert.deepEqual(out, { violations: [] });
        });

        it("flags PERMISSIVE, UNSET without a STRICT parent, unlisted port exceptions and duplicate namespace-wide policies", async () => {
            const out = await runStack(peerAuthenticationStrict, [
                pa("istio-system", "default", { mtls: { mode: "PERMISSIVE" } }),
                pa("shop", "default", { mtls: { mode: "UNSET" } }),
                pa("shop", "second", { mtls: { mode: "STRICT" } }),
                pa("demo", "app", { selector: { matchLabels: { app: "a" } }, mtls: { mode: "STRICT" }, portLevelMtls: { "8080": { mode: "PERMISSIVE" } } }),
            ]);
            assert.deepEqual(out.violations, [
                "namespace shop has 2 namespace-wide PeerAuthentications (default, second); Istio honours only the oldest, so keep one",
                "PeerAuthentication istio-system/default: mode PERMISSIVE; expected STRICT (or list istio-system in permissiveNamespaces during a migration)",
                "PeerAuthentication shop/default: mode UNSET inherits PERMISSIVE from istio-system/default; set STRICT or make the parent STRICT",
                "PeerAuthentication demo/app: port 8080 is PERMISSIVE; port-level exceptions are allowed only for ports [9443] (allowedPortExceptions)",
            ]);
        });

        it("honours its config: permissive namespaces and allowed ports", async () => {
            const out = await runStack(
                peerAuthenticationStrict,
                [pa("istio-system", "default", { mtls: { mode: "PERMISSIVE" } }), pa("demo", "app", { selector: { matchLabels: { app: "a" } }, mtls: { mode: "STRICT" }, portLevelMtls: { "8080": { mode: "PERMISSIVE" } } })],
                { permissiveNamespaces: ["istio-system"], allowedPortExceptions: [8080] },
            );
            assert.deepEqual(out, { violations: [] });
        });

        it("is not applicable when a mode is unknown at preview, or without PeerAuthentications", async () => {
            const unknown = await runStack(peerAuthenticationStrict, [pa("istio-system", "default", { mtls: { mode: UNKNOWN } })]);
            assert.deepEqual(unknown.violations, []);
            assert.match(unknown.notApplicable ?? "", /unknown during preview/);
            assert.match((await runStack(peerAuthenticationStrict, [])).notApplicable ?? "", /no PeerAuthentication/);
        });
    });

    describe("no-wide-mtls-disable", () => {
        it("flags a namespace-wide DISABLE, allows a workload DISABLE", async () => {
            const wide = await runResource(noWideMtlsDisable, PA, pa("shop", "default", { mtls: { mode: "DISABLE" } }).props);
            assert.deepEqual(wide.violations, ["PeerAuthentication shop/default disables mTLS for the whole namespace shop; use PERMISSIVE for a migration, or DISABLE only for selected workloads"]);
            const mesh = await runResource(noWideMtlsDisable, PA, pa("istio-system", "default", { mtls: { mode: "DISABLE" } }).props);
            assert.match(mesh.violations[0], /for the whole mesh/);
            const workload = await runResource(noWideMtlsDisable, PA, pa("shop", "legacy", { selector: { matchLabels: { app: "legacy" } }, mtls: { mode: "DISABLE" } }).props);
            assert.deepEqual(workload, { violations: [] });
        });
    });

    describe("destination-rule-mesh-tls", () => {
        const DR = "kubernetes:networking.istio.io/v1:DestinationRule";
        const dr = (host: string, trafficPolicy: Record<string, unknown>) => ({ metadata: { name: "d", namespace: "shop" }, spec: { host, trafficPolicy } });
        it("flags DISABLE/SIMPLE for in-mesh hosts, at rule and port level", async () => {
            const out = await runResource(destinationRuleMeshTls, DR, dr("*.shop.svc.cluster.local", { tls: { mode: "DISABLE" }, portLevelSettings: [{ port: { number: 80 }, tls: { mode: "SIMPLE" } }] }));
            assert.deepEqual(out.violations, [
                "DestinationRule shop/d: trafficPolicy.tls.mode is DISABLE for in-mesh host *.shop.svc.cluster.local; use ISTIO_MUTUAL (or leave tls unset for auto mTLS)",
                "DestinationRule shop/d: trafficPolicy.portLevelSettings[0].tls.mode is SIMPLE for in-mesh host *.shop.svc.cluster.local; use ISTIO_MUTUAL (or leave tls unset for auto mTLS)",
            ]);
            assert.equal((await runResource(destinationRuleMeshTls, DR, dr("reviews", { tls: { mode: "DISABLE" } }))).violations.length, 1, "a short name is in the mesh");
        });
        it("allows ISTIO_MUTUAL, and SIMPLE to external hosts", async () => {
            assert.deepEqual(await runResource(destinationRuleMeshTls, DR, dr("*.local", { tls: { mode: "ISTIO_MUTUAL" } })), { violations: [] });
            assert.deepEqual(await runResource(destinationRuleMeshTls, DR, dr("api.stripe.com", { tls: { mode: "SIMPLE" } })), { violations: [] });
        });
        it("is not applicable when the host is unknown at preview", async () => {
            const out = await runResource(destinationRuleMeshTls, DR, dr(UNKNOWN, { tls: { mode: "DISABLE" } }));
            assert.deepEqual(out.violations, []);
            assert.ok(out.notApplicable);
        });
    });

    describe("certificate-validity", () => {
        const LSC = "tls:index/locallySignedCert:LocallySignedCert";
        it("flags a too-long leaf and a missing early renewal; accepts meshtls' defaults", async () => {
            const out = await runResource(certificateValidity, LSC, { validityPeriodHours: 20000, earlyRenewalHours: 0 });
            assert.deepEqual(out.violations, [
                "leaf certificate r: validityPeriodHours 20000 exceeds 8760 (maxLeafValidityHours)",
                "certificate r: earlyRenewalHours is 0; set it so the certificate is re-issued before it expires",
            ]);
            assert.deepEqual(await runResource(certificateValidity, LSC, { validityPeriodHours: 2160, earlyRenewalHours: 720 }), { violations: [] });
            assert.deepEqual(await runResource(certificateValidity, "tls:index/selfSignedCert:SelfSignedCert", { isCaCertificate: true, validityPeriodHours: 87600, earlyRenewalHours: 8760 }), { violations: [] });
        });
        it("accepts 0 only on a self-signed CA root (renewed by rotation, not in place)", async () => {
            const SSC = "tls:index/selfSignedCert:SelfSignedCert";
            assert.deepEqual(await runResource(certificateValidity, SSC, { isCaCertificate: true, validityPeriodHours: 87600, earlyRenewalHours: 0 }), { violations: [] });
            const missing = "certificate r: earlyRenewalHours is 0; set it so the certificate is re-issued before it expires";
            assert.deepEqual((await runResource(certificateValidity, SSC, { isCaCertificate: false, validityPeriodHours: 2160, earlyRenewalHours: 0 })).violations, [missing]);
            assert.deepEqual((await runResource(certificateValidity, LSC, { isCaCertificate: true, validityPeriodHours: 43800, earlyRenewalHours: 0 })).violations, [missing]);
            assert.deepEqual((await runResource(certificateValidity, SSC, { isCaCertificate: true, validityPeriodHours: 87600 })).violations, [
                "certificate r: earlyRenewalHours is unset; set it so the certificate is re-issued before it expires",
            ]);
        });
        it("uses the configured maximum", async () => {
            const out = await runResource(certificateValidity, "tls:index/selfSignedCert:SelfSignedCert", { isCaCertificate: true, validityPeriodHours: 87600, earlyRenewalHours: 1 }, { maxCaValidityHours: 43800 });
            assert.deepEqual(out.violations, ["CA certificate r: validityPeriodHours 87600 exceeds 43800 (maxCaValidityHours)"]);
        });
    });

    describe("key-algorithm", () => {
        const PK = "tls:index/privateKey:PrivateKey";
        it("flags the provider's P224 default and disallowed algorithms", async () => {
            assert.deepEqual((await runResource(keyAlgorithm, PK, { algorithm: "ECDSA" })).violations, [
                "private key r: ECDSA_P224 (ecdsaCurve unset: the provider defaults to P224) is not allowed; accepted: ECDSA_P256, ECDSA_P384, RSA_2048, RSA_3072, RSA_4096",
            ]);
            assert.match((await runResource(keyAlgorithm, PK, { algorithm: "ED25519" })).violations[0], /ED25519 is not allowed/);
            assert.match((await runResource(keyAlgorithm, PK, { algorithm: "RSA", rsaBits: 2048 }, { allowedKeyAlgorithms: ["ECDSA_P256"] })).violations[0], /RSA_2048 is not allowed; accepted: ECDSA_P256/);
        });
        it("accepts what meshtls makes", async () => {
            assert.deepEqual(await runResource(keyAlgorithm, PK, { algorithm: "ECDSA", ecdsaCurve: "P256" }), { violations: [] });
        });
    });

    describe("no-private-key-outside-secrets", () => {
        const key = "-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY-----\n";
        it("flags a key in a ConfigMap or any non-Secret object", async () => {
            const cm = await runResource(noPrivateKeyOutsideSecrets, "kubernetes:core/v1:ConfigMap", { metadata: { name: "c", namespace: "a" }, data: { "tls.key": key } });
            assert.deepEqual(cm.violations, ["ConfigMap a/c contains a PEM private key; keys belong in a Secret (ConfigMaps are readable by anyone who can read the namespace's configuration)"]);
            const dep = await runResource(noPrivateKeyOutsideSecrets, "kubernetes:apps/v1:Deployment", { metadata: { name: "d", namespace: "a" }, spec: { template: { spec: { containers: [{ env: [{ name: "KEY", value: key }] }] } } } });
            assert.equal(dep.violations.length, 1);
        });
        it("allows Secrets and Helm installs, and objects without keys", async () => {
            assert.deepEqual(await runResource(noPrivateKeyOutsideSecrets, "kubernetes:core/v1:Secret", { stringData: { "tls.key": key } }), { violations: [] });
            assert.deepEqual(await runResource(noPrivateKeyOutsideSecrets, "kubernetes:helm.sh/v3:Release", { values: { key } }), { violations: [] });
            assert.deepEqual(await runResource(noPrivateKeyOutsideSecrets, "kubernetes:core/v1:ConfigMap", { data: { "ca.crt": "-----BEGIN CERTIFICATE-----" } }), { violations: [] });
        });
    });

    describe("custom-authz-provider-registered", () => {
        const istiod = (names: string[]): StackItem => ({ type: "kubernetes:helm.sh/v4:Chart", props: { chart: "istiod", values: { meshConfig: { extensionProviders: names.map((name) => ({ name, envoyExtAuthzGrpc: { service: "a.b", port: 1 } })) } } } });
        const ap = (provider: string): StackItem => ({ type: "kubernetes:security.istio.io/v1:AuthorizationPolicy", props: { metadata: { name: "ext", namespace: "demo" }, spec: { action: "CUSTOM", provider: { name: provider } } } });
        it("passes a registered provider, flags an unregistered one", async () => {
            assert.deepEqual(await runStack(customAuthzProviderRegistered, [istiod(["kyverno-authz-server"]), ap("kyverno-authz-server")]), { violations: [] });
            assert.deepEqual((await runStack(customAuthzProviderRegistered, [istiod(["kyverno-authz-server"]), ap("opa")])).violations, [
                'AuthorizationPolicy demo/ext: provider "opa" is not registered in meshConfig.extensionProviders (registered: kyverno-authz-server)',
            ]);
        });
        it("reads providers from an istio mesh ConfigMap too", async () => {
            const cm: StackItem = { type: "kubernetes:core/v1:ConfigMap", props: { metadata: { name: "istio", namespace: "istio-system" }, data: { mesh: YAML.stringify({ extensionProviders: [{ name: "opa" }] }) } } };
            assert.deepEqual(await runStack(customAuthzProviderRegistered, [cm, ap("opa")]), { violations: [] });
        });
        it("is not applicable without a mesh config in the stack, or without CUSTOM policies", async () => {
            assert.match((await runStack(customAuthzProviderRegistered, [ap("x")])).notApplicable ?? "", /mesh config is not managed in this stack/);
            assert.match((await runStack(customAuthzProviderRegistered, [istiod(["x"])])).notApplicable ?? "", /no CUSTOM AuthorizationPolicy/);
        });
    });

    describe("gloo-namespace-not-injected", () => {
        const gloo: StackItem = { type: "kubernetes:helm.sh/v3:Release", props: { chart: "gloo", namespace: "gloo-system" } };
        const ns = (labels: Record<string, string>): StackItem => ({ type: "kubernetes:core/v1:Namespace", props: { metadata: { name: "gloo-system", labels } } });
        it("flags an injected Gloo namespace (label or revision)", async () => {
            assert.deepEqual((await runStack(glooNamespaceNotInjected, [gloo, ns({ "istio-injection": "enabled" })])).violations, [
                "Namespace gloo-system (Gloo's) is labelled for Istio injection; label it istio-injection=disabled: Gloo's proxies carry their own istio-proxy sidecar",
            ]);
            assert.equal((await runStack(glooNamespaceNotInjected, [gloo, ns({ "istio.io/rev": "canary" })])).violations.length, 1);
        });
        it("passes istio-injection=disabled; not applicable without Gloo or its namespace", async () => {
            assert.deepEqual(await runStack(glooNamespaceNotInjected, [gloo, ns({ "istio-injection": "disabled" })]), { violations: [] });
            assert.ok((await runStack(glooNamespaceNotInjected, [ns({})])).notApplicable);
            assert.ok((await runStack(glooNamespaceNotInjected, [gloo])).notApplicable);
        });
    });

    describe("the whole pack over a stack", () => {
        async function violationsOf(resources: RegisteredResource[]): Promise<string[]> {
            const items = resources.filter((r) => r.readId === undefined).map((r) => ({ type: r.type, props: r.inputs, name: r.name }));
            const all: string[] = [];
            for (const policy of meshtlsPolicies) {
                if ("validateStack" in policy) {
                    all.push(...(await runStack(policy, items)).violations.map((v) => `${policy.name}: ${v}`));
                } else {
                    for (const item of items) {
                        all.push(...(await runResource(policy, item.type, item.props)).violations.map((v) => `${policy.name}: ${v}`));
                    }
                }
            }
            return all;
        }

        it("the dev stack (Pulumi.dev.yaml) passes every policy", async () => {
            const config = readStackConfig(path.join(__dirname, "..", "Pulumi.dev.yaml"));
            const result = await runProgram(() => loadProgram(path.join(__dirname, "..", "index.ts")), { config });
            assert.deepEqual(await violationsOf(result.resources), []);
        });

        it("the istio-strict-mesh example's PERMISSIVE mesh is flagged, as a gate should", async () => {
            const result = await runProgram(() => loadProgram(path.join(__dirname, "..", "examples", "istio-strict-mesh", "index.ts")), { project: "istio-strict-mesh" });
            const violations = await violationsOf(result.resources);
            assert.deepEqual(violations, [
                "peer-authentication-strict: PeerAuthentication istio-system/default: mode PERMISSIVE; expected STRICT (or list istio-system in permissiveNamespaces during a migration)",
                "peer-authentication-strict: PeerAuthentication bookinfo/productpage-legacy-port: port 9080 is PERMISSIVE; port-level exceptions are allowed only for ports [9443] (allowedPortExceptions)",
            ]);
        });
    });
});
