// A user's own unit test, written as Pulumi's unit-testing guide shows: plain `pulumi.runtime.setMocks`
// with mocks that echo a resource's inputs as its state, no project harness, and meshtls only through
// its public entry point ("../../sdk" stands for "meshtls"). Every component must construct, register
// its resources and resolve every output; outputs that need a real certificate are "" (or empty
// lists), as their JSDoc says.
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import {
    Certificate,
    CertificateAuthority,
    GlooCertRotation,
    GlooMtls,
    HelmMode,
    IstioMesh,
    KuadrantMtls,
    KyvernoAuthz,
    MtlsPlatform,
    MtlsPolicy,
    SidecarInjection,
} from "../../sdk";

/** What the mocks were asked to create: type and name, in order. */
const registered: string[] = [];

/** The guide's mocks, recording each registration. */
const echoMocks: pulumi.runtime.Mocks = {
    newResource: (args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult => {
        registered.push(`${args.type}::${args.name}`);
        return { id: args.name + "_id", state: args.inputs as Record<string, unknown> };
    },
    call: (args: pulumi.runtime.MockCallArgs) => args.inputs as Record<string, unknown>,
};

/** Every Output property of a resource (class fields and lazily defined ones), by name. */
function outputsOf(resource: pulumi.Resource): Map<string, pulumi.Output<unknown>> {
    const out = new Map<string, pulumi.Output<unknown>>();
    for (const key of Object.keys(resource)) {
        const value: unknown = (resource as unknown as Record<string, unknown>)[key];
        if (pulumi.Output.isInstance(value)) {
            out.set(key, value);
        }
    }
    return out;
}

/**
 * The values of `outputs`, the way a user's test reads them (an apply), failing on the first error the
 * program raises meanwhile (an apply that throws surfaces as an unhandled rejection) instead of waiting
 * for a value that never comes. Then waits until no registration has arrived for a few turns of the
 * event loop, so late registrations are counted and none leaks into the next test.
 */
async function resolveAll(outputs: Map<string, pulumi.Output<unknown>>): Promise<Record<string, unknown>> {
    let onError: (reason: unknown) => void = () => undefined;
    const failed = new Promise<never>((_resolve, reject) => {
        onError = reject;
    });
    process.on("unhandledRejection", onError);
    try {
        const keys = [...outputs.keys()];
        const values = await Promise.race([
            new Promise<unknown[]>((resolve) => {
                pulumi.all([...outputs.values()]).apply((v) => {
                    resolve(v);
                });
            }),
            failed,
        ]);
        let count = -1;
        for (let stable = 0; stable < 5; ) {
            await Promise.race([new Promise((r) => setTimeout(r, 10)), failed]);
            stable = registered.length === count ? stable + 1 : 0;
            count = registered.length;
        }
        return Object.fromEntries(keys.map((k, i) => [k, values[i]]));
    } finally {
        process.off("unhandledRejection", onError);
    }
}

/** How many registrations of each type, sorted by type. */
function countByType(entries: string[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const e of entries) {
        const type = e.split("::")[0];
        counts[type] = (counts[type] ?? 0) + 1;
    }
    return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)));
}

const CA = "meshtls:index:CertificateAuthority";
const CERT = "meshtls:index:Certificate";
const KEY = "tls:index/privateKey:PrivateKey";
const SELF_SIGNED = "tls:index/selfSignedCert:SelfSignedCert";
const CSR = "tls:index/certRequest:CertRequest";
const SIGNED = "tls:index/locallySignedCert:LocallySignedCert";
const RANDOM_ID = "random:index/randomId:RandomId";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const SECRET = "kubernetes:core/v1:Secret";
const CHART = "kubernetes:helm.sh/v4:Chart";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const PEER_AUTHN = "kubernetes:security.istio.io/v1:PeerAuthentication";
const DESTINATION_RULE = "kubernetes:networking.istio.io/v1:DestinationRule";

/** What one CertificateAuthority without an intermediate registers. */
const CA_RESOURCES = { [CA]: 1, [KEY]: 1, [RANDOM_ID]: 1, [SELF_SIGNED]: 1 };
/** What one Certificate registers. */
const CERT_RESOURCES = { [CERT]: 1, [CSR]: 1, [KEY]: 1, [SIGNED]: 1 };

function sum(...counts: Array<Record<string, number>>): Record<string, number> {
    const total: Record<string, number> = {};
    for (const c of counts) {
        for (const [type, n] of Object.entries(c)) {
            total[type] = (total[type] ?? 0) + n;
        }
    }
    return Object.fromEntries(Object.entries(total).sort(([a], [b]) => (a < b ? -1 : 1)));
}

interface Case {
    /** What is built. */
    name: string;
    /** Builds the components; the last one is the component under test. */
    build: () => pulumi.ComponentResource;
    /** The resource types registered, with how many of each (the component and everything under it). */
    types: Record<string, number>;
    /** Checks on the resolved outputs of the component under test. */
    check?: (outputs: Record<string, unknown>) => void;
}

/** Facts of a certificate the echo mocks never made: documented as "". */
function assertNoFacts(outputs: Record<string, unknown>, prefix = ""): void {
    const facts = ["fingerprintSha256", "notAfter", "serialNumber"].map((f) => (prefix === "" ? f : prefix + f[0].toUpperCase() + f.slice(1)));
    assert.equal(facts.length, 3);
    for (const f of facts) {
        assert.equal(outputs[f], "", f);
    }
}

const CASES: Case[] = [
    {
        name: "CertificateAuthority",
        build: () => new CertificateAuthority("ca", {}),
        types: CA_RESOURCES,
        check: (o) => {
            assert.equal(o.certPem, undefined, "the echo mocks return no certificate");
            assertNoFacts(o);
            assert.deepEqual(o.trustBundleFingerprints, []);
            assert.equal(o.trustBundlePem, "");
        },
    },
    {
        name: "CertificateAuthority with an intermediate",
        build: () => new CertificateAuthority("ca", { intermediate: {} }),
        types: sum(CA_RESOURCES, { [KEY]: 1, [CSR]: 1, [SIGNED]: 1 }),
        check: (o) => {
            assertNoFacts(o);
        },
    },
    {
        name: "Certificate",
        build: () => new Certificate("leaf", { issuer: new CertificateAuthority("ca", {}).issuer, commonName: "web.shop.svc", dnsNames: ["web.shop.svc"] }),
        types: sum(CA_RESOURCES, CERT_RESOURCES),
        check: (o) => {
            assertNoFacts(o);
            assert.equal(o.chainPem, "");
        },
    },
    {
        name: "IstioMesh (default: helmMode Chart)",
        build: () => new IstioMesh("mesh", {}),
        types: { [CHART]: 2, [PEER_AUTHN]: 1, [NAMESPACE]: 1, "meshtls:index:IstioMesh": 1, "meshtls:index:MtlsPolicy": 1 },
    },
    {
        name: "IstioMesh with helmMode Chart, a gateway and a plug-in CA",
        build: () => new IstioMesh("mesh", { helmMode: HelmMode.Chart, gateway: {}, pluginCa: new CertificateAuthority("ca", {}).issuer }),
        types: sum(CA_RESOURCES, { [CHART]: 3, [PEER_AUTHN]: 1, [NAMESPACE]: 2, [SECRET]: 1, "meshtls:index:IstioMesh": 1, "meshtls:index:MtlsPolicy": 1 }),
        check: (o) => {
            assert.deepEqual(o.rootFingerprints, []);
        },
    },
    {
        name: "IstioMesh with helmMode Release",
        build: () => new IstioMesh("mesh", { helmMode: HelmMode.Release }),
        types: { [RELEASE]: 2, [PEER_AUTHN]: 1, [NAMESPACE]: 1, "meshtls:index:IstioMesh": 1, "meshtls:index:MtlsPolicy": 1 },
    },
    {
        name: "MtlsPolicy",
        build: () => new MtlsPolicy("policy", { namespace: "shop", destinationRule: {} }),
        types: { [PEER_AUTHN]: 1, [DESTINATION_RULE]: 1, "meshtls:index:MtlsPolicy": 1 },
    },
    {
        name: "SidecarInjection",
        build: () => new SidecarInjection("web-sidecar", { namespace: "shop", deployment: "web" }),
        types: { "kubernetes:apps/v1:DeploymentPatch": 1, "meshtls:index:SidecarInjection": 1 },
    },
    {
        name: "KuadrantMtls",
        build: () => new KuadrantMtls("kuadrant", {}),
        types: { "kubernetes:kuadrant.io/v1beta1:KuadrantPatch": 1, "meshtls:index:KuadrantMtls": 1 },
    },
    {
        name: "GlooMtls (the chart's own certificate rotation)",
        build: () => new GlooMtls("gloo", { xds: { rotation: GlooCertRotation.CronJob } }),
        types: { [RELEASE]: 1, [NAMESPACE]: 1, "meshtls:index:GlooMtls": 1 },
    },
    {
        name: "GlooMtls with a CA issuer and Istio upstreams",
        build: () =>
            new GlooMtls("gloo", {
                xds: { issuer: new CertificateAuthority("ca", {}).issuer },
                istio: { istioVersion: "1.30.3", upstreams: [{ serviceName: "productpage", serviceNamespace: "bookinfo", port: 9080 }] },
            }),
        types: sum(CA_RESOURCES, CERT_RESOURCES, { [RELEASE]: 1, [NAMESPACE]: 1, [SECRET]: 1, "kubernetes:gloo.solo.io/v1:Upstream": 1, "meshtls:index:GlooMtls": 1 }),
        check: (o) => {
            assertNoFacts(o);
            assert.deepEqual(o.trustBundleFingerprints, []);
        },
    },
    {
        name: "KyvernoAuthz (chart mode, webhook certificate from a CA, the policy CRD)",
        build: () =>
            new KyvernoAuthz("authz", {
                helmMode: HelmMode.Chart,
                webhookIssuer: new CertificateAuthority("ca", {}).issuer,
                installPolicyCrd: true,
                policies: [{ name: "get-only", spec: { validations: [{ expression: "object.attributes.request.http.method == 'GET' ? envoy.Allowed().Response() : envoy.Denied(403).Response()" }] } }],
                targets: [{ namespace: "shop", paths: ["/orders"] }],
            }),
        types: sum(CA_RESOURCES, CERT_RESOURCES, {
            [NAMESPACE]: 1,
            [CHART]: 1,
            "kubernetes:yaml/v2:ConfigGroup": 1,
            "kubernetes:policies.kyverno.io/v1alpha1:ValidatingPolicy": 1,
            "kubernetes:security.istio.io/v1:AuthorizationPolicy": 1,
            [DESTINATION_RULE]: 1,
            [PEER_AUTHN]: 2,
            "meshtls:index:MtlsPolicy": 2,
            "meshtls:index:KyvernoAuthz": 1,
        }),
        check: (o) => {
            assertNoFacts(o, "webhook");
        },
    },
    {
        name: "MtlsPlatform (defaults)",
        build: () => new MtlsPlatform("platform", {}),
        types: sum(CA_RESOURCES, {
            [NAMESPACE]: 1,
            [SECRET]: 1,
            [CHART]: 2,
            [PEER_AUTHN]: 1,
            "meshtls:index:MtlsPolicy": 1,
            "meshtls:index:IstioMesh": 1,
            "meshtls:index:MtlsPlatform": 1,
        }),
        check: (o) => {
            const certificates = o.certificates as Record<string, Record<string, string>>;
            assert.deepEqual(Object.keys(certificates), ["ca"]);
            assert.deepEqual(certificates.ca, { fingerprintSha256: "", notAfter: "", serialNumber: "", notBefore: "", issuer: "" });
        },
    },
    {
        name: "MtlsPlatform with an intermediate CA, Gloo and kyverno-authz",
        build: () => new MtlsPlatform("platform", { ca: { intermediate: {} }, gloo: {}, authz: {} }),
        types: sum(CA_RESOURCES, CERT_RESOURCES, CERT_RESOURCES, {
            // The intermediate.
            [KEY]: 1,
            [CSR]: 1,
            [SIGNED]: 1,
            [NAMESPACE]: 3,
            [SECRET]: 2,
            [RELEASE]: 2,
            [CHART]: 2,
            [DESTINATION_RULE]: 1,
            [PEER_AUTHN]: 3,
            "meshtls:index:MtlsPolicy": 3,
            "meshtls:index:IstioMesh": 1,
            "meshtls:index:GlooMtls": 1,
            "meshtls:index:KyvernoAuthz": 1,
            "meshtls:index:MtlsPlatform": 1,
        }),
        check: (o) => {
            const certificates = o.certificates as Record<string, Record<string, string>>;
            const names = Object.keys(certificates).sort();
            assert.deepEqual(names, ["ca", "ca-root", "gloo-xds", "kyverno-webhook"]);
            for (const n of names) {
                assert.deepEqual(certificates[n], { fingerprintSha256: "", notAfter: "", serialNumber: "", notBefore: "", issuer: "" }, n);
            }
        },
    },
];

for (const preview of [false, true]) {
    describe(`a user's test with Pulumi's echo mocks${preview ? " in preview" : ""}: every component constructs`, () => {
        before(async () => {
            await pulumi.runtime.setMocks(echoMocks, "project", "stack", preview);
        });

        it("covers every component", () => {
            assert.equal(CASES.length, 14);
            const built = new Set(CASES.map((c) => c.name.split(" ")[0]));
            assert.deepEqual(
                [...built].sort(),
                ["Certificate", "CertificateAuthority", "GlooMtls", "IstioMesh", "KuadrantMtls", "KyvernoAuthz", "MtlsPlatform", "MtlsPolicy", "SidecarInjection"],
            );
        });

        for (const c of CASES) {
            it(c.name, async () => {
                const start = registered.length;
                const component = c.build();
                const outputs = outputsOf(component);
                assert.ok(outputs.size >= 2, `outputs: ${[...outputs.keys()].join(", ")}`);
                // In preview most outputs are unknown, and an apply on an unknown value never runs.
                const values = await resolveAll(preview ? new Map([["urn", component.urn]]) : outputs);
                const mine = registered.slice(start);
                const expected = c.types;
                const expectedCount = Object.values(expected).reduce((a, b) => a + b, 0);
                assert.ok(expectedCount >= 2);
                assert.equal(mine.length, expectedCount, mine.join("\n"));
                assert.deepEqual(countByType(mine), sum(expected));
                if (!preview) {
                    c.check?.(values);
                }
            });
        }
    });
}

describe("a user's test with echo mocks: what meshtls does not hide", () => {
    const BROKEN_PEM = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    before(async () => {
        await pulumi.runtime.setMocks({
            newResource: (args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult => {
                registered.push(`${args.type}::${args.name}`);
                const state = args.inputs as Record<string, unknown>;
                // A mock that returns a certificate block node:crypto cannot parse.
                return { id: args.name + "_id", state: args.type === SELF_SIGNED ? { ...state, certPem: BROKEN_PEM } : state };
            },
            call: (args: pulumi.runtime.MockCallArgs) => args.inputs as Record<string, unknown>,
        });
    });

    it("a certificate block that does not parse fails the fingerprint (only an absent certificate gives \"\")", async () => {
        const ca = new CertificateAuthority("ca", {});
        await assert.rejects(resolveAll(new Map([["fingerprintSha256", ca.fingerprintSha256]])), (err: Error) => {
            assert.doesNotMatch(err.message, /transforms/);
            return true;
        });
    });

    it("a transform the program itself asks for is still refused by the mocks (meshtls leaves out only its own)", async () => {
        const mesh = new IstioMesh("mesh", {}, { transforms: [(args) => ({ props: args.props, opts: args.opts })] });
        await assert.rejects(resolveAll(new Map([["urn", mesh.urn]])), /does not support transforms/);
    });
});
