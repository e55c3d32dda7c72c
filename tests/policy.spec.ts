// The CrossGuard pack's policies, run without the Pulumi CLI: each gets a passing and a violating
// input, its messages are asserted, and values unknown at preview make it not applicable. Then the
// whole pack is run over the dev stack's resources, and posture-no-downgrade over the dev stack before and
// after a change.
import { strict as assert } from "node:assert";
import * as path from "node:path";
import * as fs from "node:fs";
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
    POSTURE_COMPONENT_TYPES,
    postureNoDowngrade,
} from "../policy/policies";
import { GLOO_MTLS_TYPE, ISTIO_MESH_TYPE, KGATEWAY_MTLS_TYPE, KUADRANT_MTLS_TYPE, KYVERNO_AUTHZ_TYPE } from "../sdk";
import { MTLS_PLATFORM_TYPE } from "../sdk/platform/defaults";
import type { LinkPosture } from "../sdk/posture";
import * as pulumi from "@pulumi/pulumi";
import { ProgramResult, RegisteredResource, loadProgram, readStackConfig, runProgram, valueOf } from "./harness";
import { recordingComponentOutputs } from "./reliability/secrets";

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
    /** @default `urn:pulumi:test::meshtls::<type>::<name>` */
    urn?: string;
    /** The URN, or else the `name`, of the item this one is a child of (CrossGuard sets `parent` on stack resources). */
    parent?: string;
}

/** One violation and the URN it was reported on. */
interface Report {
    message: string;
    urn?: string;
}

async function runStackReports(policy: StackValidationPolicy, items: StackItem[], overrides: Record<string, unknown> = {}): Promise<{ reports: Report[]; notApplicable?: string }> {
    const reports: Report[] = [];
    const urnOf = (r: StackItem, i: number) => r.urn ?? `urn:pulumi:test::meshtls::${r.type}::${r.name ?? String(i)}`;
    const resources = items.map(
        (r, i) =>
            ({
                type: r.type,
                props: unknownCheckingProxy(r.props),
                urn: urnOf(r, i),
                name: r.name ?? String(i),
                opts: {},
                dependencies: [],
                propertyDependencies: {},
                isType: () => false,
                asType: () => undefined,
            }) as unknown as PolicyResource,
    );
    items.forEach((r, i) => {
        if (r.parent !== undefined) {
            const parent = resources.find((p) => p.urn === r.parent) ?? resources.find((p) => p.name === r.parent);
            assert.ok(parent, `no item named ${r.parent}`);
            (resources[i] as { parent?: PolicyResource }).parent = parent;
        }
    });
    const args = {
        resources,
        stackTags: new Map(),
        getConfig: () => config(policy, overrides),
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    } as unknown as StackValidationArgs;
    try {
        await policy.validateStack(args, (message, urn) => reports.push({ message, urn }));
    } catch (err) {
        if (err instanceof NotApplicable) {
            return { reports, notApplicable: err.reason ?? "" };
        }
        throw err;
    }
    return { reports };
}

async function runStack(policy: StackValidationPolicy, items: StackItem[], overrides: Record<string, unknown> = {}): Promise<Outcome> {
    const { reports, notApplicable } = await runStackReports(policy, items, overrides);
    const violations = reports.map((r) => r.message);
    return notApplicable === undefined ? { violations } : { violations, notApplicable };
}

const PA = "kubernetes:security.istio.io/v1:PeerAuthentication";
const pa = (namespace: string, name: string, spec: Record<string, unknown>): StackItem => ({ type: PA, name, props: { apiVersion: "security.istio.io/v1", kind: "PeerAuthentication", metadata: { name, namespace }, spec } });
/** A PeerAuthentication as a stack policy sees a created one: its outputs carry `metadata.creationTimestamp`. */
const paAt = (creationTimestamp: string, namespace: string, name: string, spec: Record<string, unknown>): StackItem => {
    const item = pa(namespace, name, spec);
    return { ...item, props: { ...item.props, metadata: { name, namespace, creationTimestamp } } };
};

/** A string as a literal in a RegExp. */
function esc(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/**
 * Stack resources as a stack policy receives them (pulumi v3.248.0 pkg/resource/deploy/step_generator.go
 * `AnalyzeResources`: each resource's final outputs): a custom resource's props are its outputs (under the
 * mocks, its inputs echoed back); a component's are what it passed to `registerOutputs`, resolved. Reads
 * (`get`) are not stack resources. `posture`: MtlsPlatform's registered posture.
 */
async function stackItems(run: () => Promise<ProgramResult<unknown>>): Promise<{ items: StackItem[]; posture: Record<string, LinkPosture> }> {
    let result: ProgramResult<unknown> | undefined;
    const recorded = await recordingComponentOutputs(async () => {
        result = await run();
    });
    assert.ok(result);
    const outputsOf = new Map<string, Record<string, unknown>>();
    for (const o of recorded) {
        // The SDK calls registerOutputs again (empty) after the constructor; only the first call registers.
        if (!outputsOf.has(`${o.type}::${o.name}`)) {
            outputsOf.set(`${o.type}::${o.name}`, await valueOf(pulumi.output(o.outputs)));
        }
    }
    const items = result.resources
        .filter((r) => r.readId === undefined)
        .map((r) => ({ type: r.type, props: r.custom ? r.inputs : (outputsOf.get(`${r.type}::${r.name}`) ?? {}), name: r.name, urn: r.urn, parent: r.parent }));
    const platform = items.filter((i) => i.type === MTLS_PLATFORM_TYPE);
    assert.equal(platform.length, 1);
    return { items, posture: platform[0].props.posture as Record<string, LinkPosture> };
}

/** The dev stack (Pulumi.dev.yaml, with config overrides) as a stack policy sees it. */
async function devStack(overrides: Record<string, unknown> = {}): Promise<{ items: StackItem[]; posture: Record<string, LinkPosture> }> {
    const config = readStackConfig(path.join(__dirname, "..", "Pulumi.dev.yaml"), overrides);
    return stackItems(() => runProgram(() => loadProgram(path.join(__dirname, "..", "index.ts")), { config }));
}

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

        it("honours only the oldest namespace-wide policy (creationTimestamp): an UNSET child inherits from it, not from the first listed", async () => {
            const out = await runStackReports(peerAuthenticationStrict, [
                pa("istio-system", "default", { mtls: { mode: "STRICT" } }),
                paAt("2026-02-01T00:00:00Z", "shop", "newer", { mtls: { mode: "STRICT" } }),
                paAt("2026-01-01T00:00:00Z", "shop", "older", { mtls: { mode: "PERMISSIVE" } }),
                pa("shop", "cart", { selector: { matchLabels: { app: "cart" } }, mtls: { mode: "UNSET" } }),
            ]);
            assert.deepEqual(out.reports, [
                {
                    message: "namespace shop has 2 namespace-wide PeerAuthentications (newer, older); Istio honours only the oldest, so keep one: older is honoured, newer ignored",
                    urn: `urn:pulumi:test::meshtls::${PA}::newer`,
                },
                { message: "PeerAuthentication shop/older: mode PERMISSIVE; expected STRICT (or list shop in permissiveNamespaces during a migration)", urn: `urn:pulumi:test::meshtls::${PA}::older` },
                { message: "PeerAuthentication shop/cart: mode UNSET inherits PERMISSIVE from shop/older; set STRICT or make the parent STRICT", urn: `urn:pulumi:test::meshtls::${PA}::cart` },
            ]);
        });

        it("an UNSET namespace-wide policy inherits from the oldest mesh-wide one", async () => {
            const out = await runStack(
                peerAuthenticationStrict,
                [
                    paAt("2026-02-01T00:00:00Z", "istio-system", "legacy", { mtls: { mode: "PERMISSIVE" } }),
                    paAt("2026-01-01T00:00:00Z", "istio-system", "default", { mtls: { mode: "STRICT" } }),
                    pa("shop", "default", { mtls: { mode: "UNSET" } }),
                ],
                { permissiveNamespaces: ["istio-system"] },
            );
            assert.deepEqual(out.violations, ["namespace istio-system has 2 namespace-wide PeerAuthentications (legacy, default); Istio honours only the oldest, so keep one: default is honoured, legacy ignored"]);
        });

        it("creation times unknown: an UNSET child of disagreeing namespace-wide policies inherits an unknown mode; of agreeing ones, their mode", async () => {
            const child = pa("shop", "cart", { selector: { matchLabels: { app: "cart" } }, mtls: { mode: "UNSET" } });
            const mesh = pa("istio-system", "default", { mtls: { mode: "STRICT" } });
            const disagree = await runStack(peerAuthenticationStrict, [mesh, pa("shop", "a", { mtls: { mode: "STRICT" } }), pa("shop", "b", { mtls: { mode: "PERMISSIVE" } }), child], { permissiveNamespaces: ["shop"] });
            assert.deepEqual(disagree.violations, [
                "namespace shop has 2 namespace-wide PeerAuthentications (a, b); Istio honours only the oldest, so keep one",
                "PeerAuthentication shop/cart: mode UNSET inherits an unknown mode from the oldest of shop/a, shop/b (creation times not known yet); set STRICT or make the parent STRICT",
            ]);
            const agree = await runStack(peerAuthenticationStrict, [mesh, pa("shop", "a", { mtls: { mode: "STRICT" } }), pa("shop", "b", { mtls: { mode: "STRICT" } }), child]);
            assert.deepEqual(agree.violations, ["namespace shop has 2 namespace-wide PeerAuthentications (a, b); Istio honours only the oldest, so keep one"]);
        });

        it("flags a selector in the root namespace (Istio ignores it)", async () => {
            const out = await runStack(peerAuthenticationStrict, [pa("istio-system", "default", { mtls: { mode: "STRICT" } }), pa("istio-system", "pinned", { selector: { matchLabels: { app: "a" } }, mtls: { mode: "STRICT" } })]);
            assert.deepEqual(out.violations, ["PeerAuthentication istio-system/pinned: a selector in the root namespace istio-system; Istio ignores it (workload policies apply only in the workloads' namespace), so move it there"]);
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

    describe("posture-no-downgrade", () => {
        const MP = "meshtls:index:MtlsPlatform";
        const KM = "meshtls:index:KuadrantMtls";
        const link = (state: string, reason = `the rule says ${state}`): LinkPosture => ({ state, kind: "service", reason, decidedBy: ["PeerAuthentication shop/default", "Namespace shop"] });
        const component = (type: string, name: string, posture: Record<string, LinkPosture>, parent?: string): StackItem => ({ type, name, props: { posture }, parent });
        const A = "mesh -> shop/a:80";
        const B = "mesh -> shop/b:80";
        const C = "mesh -> shop/c:80";
        const urnMP = `urn:pulumi:test::meshtls::${MP}::meshtls`;

        it("reads the type tokens of the components that register a posture", () => {
            assert.deepEqual([...POSTURE_COMPONENT_TYPES], [MTLS_PLATFORM_TYPE, KUADRANT_MTLS_TYPE, ISTIO_MESH_TYPE, GLOO_MTLS_TYPE, KYVERNO_AUTHZ_TYPE, KGATEWAY_MTLS_TYPE]);
            // Every component class with a `posture` output is listed.
            const classes = fs
                .readdirSync(path.join(__dirname, "..", "sdk"), { recursive: true, encoding: "utf8" })
                .filter((f) => f.endsWith(".ts") && /public readonly posture!/.test(fs.readFileSync(path.join(__dirname, "..", "sdk", f), "utf8")));
            assert.equal(classes.length, POSTURE_COMPONENT_TYPES.length, classes.join(", "));
        });

        it("is not applicable without a baseline, or when no link is mtls in it", async () => {
            const items = [component(MP, "meshtls", { [A]: link("refused") })];
            const none = await runStack(postureNoDowngrade, items);
            assert.deepEqual(none.violations, []);
            assert.match(none.notApplicable ?? "", /no baseline posture/);
            const noMtls = await runStack(postureNoDowngrade, items, { baseline: { [A]: "tls", [B]: "unknown" } });
            assert.deepEqual(noMtls.violations, []);
            assert.match(noMtls.notApplicable ?? "", /no link is mtls in the baseline/);
        });

        it("flags a link mtls before and plaintext or refused after, naming both states, the reason and the deciding objects", async () => {
            const out = await runStackReports(
                postureNoDowngrade,
                [component(MP, "meshtls", { [A]: link("refused"), [B]: link("plaintext"), [C]: link("plaintext"), "mesh -> shop/d:80": link("mtls"), "mesh -> shop/new:80": link("plaintext") })],
                // A as a state, B as `pulumi stack output posture --json` writes it; C was only tls.
                { baseline: { [A]: "mtls", [B]: link("mtls"), [C]: "tls", "mesh -> shop/d:80": "mtls" } },
            );
            assert.deepEqual(out, {
                reports: [
                    { message: `link ${A}: mtls before the change, refused after (MtlsPlatform meshtls): the rule says refused; decided by PeerAuthentication shop/default, Namespace shop`, urn: urnMP },
                    { message: `link ${B}: mtls before the change, plaintext after (MtlsPlatform meshtls): the rule says plaintext; decided by PeerAuthentication shop/default, Namespace shop`, urn: urnMP },
                ],
            });
        });

        it("passes links that stay mtls or go to tls (only plaintext and refused are downgrades here)", async () => {
            const out = await runStack(postureNoDowngrade, [component(MP, "meshtls", { [A]: link("mtls"), [B]: link("tls") })], { baseline: { [A]: "mtls", [B]: "mtls" } });
            assert.deepEqual(out, { violations: [] });
        });

        it("unknown or absent after is a violation unless accepted by link id; a downgrade is never accepted", async () => {
            const items = [component(MP, "meshtls", { [A]: link("unknown", "Upstream shop/a points at a Service that is not among the objects"), [C]: link("plaintext") })];
            const baseline = { [A]: "mtls", [B]: "mtls", [C]: "mtls" };
            const out = await runStack(postureNoDowngrade, items, { baseline });
            assert.deepEqual(out.violations, [
                `link ${A}: mtls before the change, unknown after (MtlsPlatform meshtls): Upstream shop/a points at a Service that is not among the objects; decided by PeerAuthentication shop/default, Namespace shop; the engine cannot show it stays mtls: check it, then list it in acceptUnverified`,
                `link ${B}: mtls before the change, absent after (no component reports it: removed, renamed, or no longer declared, e.g. KuadrantMtls authorino/limitador false); nothing shows it stays mtls: check it, then list it in acceptUnverified`,
                `link ${C}: mtls before the change, plaintext after (MtlsPlatform meshtls): the rule says plaintext; decided by PeerAuthentication shop/default, Namespace shop`,
            ]);
            const accepted = await runStack(postureNoDowngrade, items, { baseline, acceptUnverified: [A, B, C] });
            assert.deepEqual(accepted.violations.length, 1);
            assert.match(accepted.violations[0], /^link mesh -> shop\/c:80: mtls before the change, plaintext after/);
        });

        it("names a baseline entry that is no link state (an asserted mode of an older posture output) and compares nothing", async () => {
            const out = await runStack(postureNoDowngrade, [component(MP, "meshtls", { [B]: link("refused") })], { baseline: { [A]: "STRICT", [B]: "mtls", [C]: { state: 1 } } });
            assert.deepEqual(out.violations, [
                `baseline: link ${A} has state "STRICT", not a link state (mtls, tls, plaintext, refused, unknown); take the baseline from a meshtls version whose posture output holds link states`,
                `baseline: link ${C} has state 1, not a link state (mtls, tls, plaintext, refused, unknown); take the baseline from a meshtls version whose posture output holds link states`,
            ]);
        });

        it("flags a stack where no component reports a posture, or a posture that is no link map", async () => {
            const none = await runStack(postureNoDowngrade, [pa("shop", "default", { mtls: { mode: "STRICT" } })], { baseline: { [A]: "mtls" } });
            assert.deepEqual(none.violations, ["the baseline has 1 mtls link(s) but no component in this stack reports a posture (meshtls:index:MtlsPlatform, meshtls:index:KuadrantMtls, meshtls:index:IstioMesh, meshtls:index:GlooMtls, meshtls:index:KyvernoAuthz, meshtls:index:KgatewayMtls); nothing shows they stay mtls"]);
            const old = await runStack(postureNoDowngrade, [{ type: MP, name: "meshtls", props: { posture: { [A]: "STRICT" } } }], { baseline: { [A]: "mtls" } });
            assert.deepEqual(old.violations, [`MtlsPlatform meshtls: posture link ${A} has no link state ("STRICT"); run a meshtls version whose posture output holds link states`]);
            const absent = await runStack(postureNoDowngrade, [{ type: KM, name: "k", props: {} }], { baseline: { [A]: "mtls" } });
            assert.deepEqual(absent.violations, ["KuadrantMtls k reports no posture link map (its posture output is absent); run a meshtls version whose posture output holds link states"]);
        });

        it("reads a component nested in another that reports posture through the outer one only; a top-level KuadrantMtls is read", async () => {
            const baseline = { baseline: { [A]: "mtls" } };
            const nested = await runStack(postureNoDowngrade, [component(MP, "meshtls", { [A]: link("mtls") }), component(KM, "meshtls-kuadrant", { [A]: link("refused") }, "meshtls")], baseline);
            assert.deepEqual(nested, { violations: [] });
            const alone = await runStackReports(postureNoDowngrade, [component(KM, "kuadrant", { [A]: link("refused") })], baseline);
            assert.deepEqual(alone.reports, [{ message: `link ${A}: mtls before the change, refused after (KuadrantMtls kuadrant): the rule says refused; decided by PeerAuthentication shop/default, Namespace shop`, urn: `urn:pulumi:test::meshtls::${KM}::kuadrant` }]);
            // Two top-level views that disagree: the downgraded one is reported.
            const both = await runStack(postureNoDowngrade, [component(MP, "meshtls", { [A]: link("mtls") }), component(KM, "kuadrant", { [A]: link("plaintext") })], baseline);
            assert.deepEqual(both.violations.length, 1);
            assert.match(both.violations[0], /plaintext after \(KuadrantMtls kuadrant\)/);
        });

        it("is not applicable when the posture is unknown at preview", async () => {
            for (const posture of [UNKNOWN, { [A]: { ...link("mtls"), state: UNKNOWN } }]) {
                const out = await runStack(postureNoDowngrade, [{ type: MP, name: "meshtls", props: { posture } }], { baseline: { [A]: "mtls" } });
                assert.deepEqual(out.violations, []);
                assert.match(out.notApplicable ?? "", /unknown during preview/);
            }
        });

        describe("over the dev stack (Pulumi.dev.yaml) before and after a change", function () {
            this.timeout(60000);
            const KUADRANT_LINKS = {
                meshAuthorino: "mesh -> kuadrant-system/authorino-authorino-authorization:50051",
                meshLimitador: "mesh -> kuadrant-system/limitador-limitador:8081",
                gatewayAuthorino: "gateway */* -> kuadrant-system/authorino-authorino-authorization:50051",
                gatewayLimitador: "gateway */* -> kuadrant-system/limitador-limitador:8081",
            };
            let baseline: Record<string, LinkPosture>;
            before(async () => {
                baseline = (await devStack()).posture;
            });

            it("the baseline is the platform's posture, with the links the change below touches mtls", () => {
                const states = Object.values(KUADRANT_LINKS).map((id) => (id in baseline ? baseline[id].state : "absent"));
                assert.deepEqual(states, ["mtls", "mtls", "mtls", "mtls"]);
            });

            it("no change: no violation", async () => {
                const after = await devStack();
                assert.deepEqual(await runStack(postureNoDowngrade, after.items, { baseline }), { violations: [] });
            });

            it("mesh-wide DISABLE: mesh -> Authorino and Limitador become refused and are flagged", async () => {
                // The Kuadrant operator's STRICT policy for Authorino and Limitador has a selector (workload
                // level); a client's auto-mTLS reads only namespace- and mesh-level modes (Istio 1.30.3
                // pilot/pkg/model/push_context.go BestEffortInferServiceMTLSMode), so under a mesh-wide
                // DISABLE mesh clients send plain text to a STRICT server. The gateways' clusters carry their
                // own TLS transport socket (EnvoyFilter), so gateway -> Authorino / Limitador stay mtls.
                const after = await devStack({ "meshtls:istio": { mtlsMode: "DISABLE", gateway: {} } });
                const out = await runStackReports(postureNoDowngrade, after.items, { baseline });
                assert.equal(out.reports.length, 2, JSON.stringify(out.reports));
                assert.deepEqual(
                    out.reports.map((r) => r.urn),
                    [urnMP, urnMP],
                );
                assert.match(out.reports[0].message, new RegExp(`^link ${esc(KUADRANT_LINKS.meshAuthorino)}: mtls before the change, refused after \\(MtlsPlatform meshtls\\): .+; decided by .*PeerAuthentication istio-system/default`));
                assert.match(out.reports[1].message, new RegExp(`^link ${esc(KUADRANT_LINKS.meshLimitador)}: mtls before the change, refused after \\(MtlsPlatform meshtls\\): .+; decided by .*PeerAuthentication istio-system/default`));
            });

            it("KuadrantMtls authorino: false drops the Authorino links: absent after, flagged until accepted", async () => {
                const after = await devStack({ "meshtls:kuadrant": { mode: "Operator", authorino: false } });
                const out = await runStack(postureNoDowngrade, after.items, { baseline });
                assert.deepEqual(
                    out.violations.map((v) => v.split(" before the change, ")[0] + " / " + (/ (\w+) after/.exec(v)?.[1] ?? "")),
                    [`link ${KUADRANT_LINKS.gatewayAuthorino}: mtls / absent`, `link ${KUADRANT_LINKS.meshAuthorino}: mtls / absent`],
                );
                const accepted = await runStack(postureNoDowngrade, after.items, { baseline, acceptUnverified: [KUADRANT_LINKS.gatewayAuthorino, KUADRANT_LINKS.meshAuthorino] });
                assert.deepEqual(accepted, { violations: [] });
            });
        });
    });

    describe("the whole pack over a stack", () => {
        /** Every violation of the pack: over registrations (props: their inputs) or stack items as given. */
        async function violationsOf(resources: Array<RegisteredResource | StackItem>, overrides: Record<string, Record<string, unknown>> = {}): Promise<string[]> {
            const items: StackItem[] = resources.flatMap((r) => ("inputs" in r ? (r.readId === undefined ? [{ type: r.type, props: r.inputs, name: r.name }] : []) : [r]));
            const all: string[] = [];
            for (const policy of meshtlsPolicies) {
                if ("validateStack" in policy) {
                    all.push(...(await runStack(policy, items, overrides[policy.name])).violations.map((v) => `${policy.name}: ${v}`));
                } else {
                    for (const item of items) {
                        all.push(...(await runResource(policy, item.type, item.props, overrides[policy.name])).violations.map((v) => `${policy.name}: ${v}`));
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

        it("with the stack's posture before the change as baseline, disabling Kuadrant mTLS fails the pack (posture-no-downgrade)", async function () {
            this.timeout(60000);
            const { posture: baseline } = await devStack();
            const after = await devStack({ "meshtls:kuadrant": { mode: "Operator", enabled: false } });
            const violations = (await violationsOf(after.items, { "posture-no-downgrade": { baseline } })).filter((v) => v.startsWith("posture-no-downgrade: "));
            // Kuadrant's operator drops the sidecars of Authorino and Limitador and the TLS of the gateways'
            // clusters when spec.mtls is off: every client, mesh or gateway, then sends plain text that the
            // sidecar-less servers accept.
            assert.deepEqual(
                violations.map((v) => /^posture-no-downgrade: link (.+?): mtls before the change, (\w+) after/.exec(v)?.slice(1, 3).join(" => ")),
                [
                    "gateway */* -> kuadrant-system/authorino-authorino-authorization:50051 => plaintext",
                    "gateway */* -> kuadrant-system/limitador-limitador:8081 => plaintext",
                    "mesh -> kuadrant-system/authorino-authorino-authorization:50051 => plaintext",
                    "mesh -> kuadrant-system/limitador-limitador:8081 => plaintext",
                ],
            );
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
