// meshtls as a source-based component package: the schema @pulumi/pulumi's analyzer infers (what
// `pulumi package add` generates SDKs from), secrets through ComponentProvider.construct, and the
// Pulumi YAML example checked against the schema.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import * as YAML from "yaml";
import * as sdk from "../sdk";
import { packageSchema } from "./gen/analyzer";
import { resolve, runProgram } from "./harness";

const ROOT = path.join(__dirname, "..");
const COMPONENTS = [sdk.CertificateAuthority, sdk.FleetCertificateAuthority, sdk.Certificate, sdk.IstioMesh, sdk.MtlsPolicy, sdk.SidecarInjection, sdk.NamespaceEnrollment, sdk.KuadrantMtls, sdk.GlooMtls, sdk.KgatewayMtls, sdk.KyvernoAuthz, sdk.MtlsPlatform];

interface SchemaProperty {
    type?: string;
    $ref?: string;
    description?: string;
    items?: SchemaProperty;
}
interface PackageSchema {
    name: string;
    resources: Record<string, { description?: string; isComponent?: boolean; inputProperties: Record<string, SchemaProperty>; properties: Record<string, SchemaProperty>; requiredInputs?: string[] }>;
    types: Record<string, { type: string; enum?: Array<{ value: string }>; properties?: Record<string, SchemaProperty>; description?: string }>;
}

const provider = () => new ComponentProvider({ components: COMPONENTS, name: "meshtls", dirname: ROOT });
// One analyzer run per process, shared with the schema and docs generator's tests.
const schema = async (): Promise<PackageSchema> => (await packageSchema()) as unknown as PackageSchema;

describe("multi-language: the inferred package schema", function () {
    // The analyzer type-checks the whole project once.
    this.timeout(120_000);

    it("has every public component, with its inputs and outputs", async () => {
        const s = await schema();
        assert.equal(s.name, "meshtls");
        assert.deepEqual(Object.keys(s.resources).sort(), COMPONENTS.map((c) => `meshtls:index:${c.name}`).sort());
        const ca = s.resources["meshtls:index:CertificateAuthority"];
        assert.deepEqual(Object.keys(ca.inputProperties).sort(), ["commonName", "earlyRenewalHours", "generation", "intermediate", "keyAlgorithm", "organization", "previousGeneration", "previousRotationState", "rotationPhase", "validityHours"]);
        assert.deepEqual(Object.keys(ca.properties).sort(), ["certPem", "fingerprintSha256", "issuer", "notAfter", "privateKeyPem", "rootCertPem", "rotationState", "serialNumber", "signingGeneration", "trustBundleFingerprints", "trustBundlePem"]);
        assert.deepEqual(s.resources["meshtls:index:Certificate"].requiredInputs?.sort(), ["commonName", "issuer"]);
        assert.equal(s.resources["meshtls:index:Certificate"].inputProperties.issuer.$ref, "#/types/meshtls:index:IssuerMaterial");
        assert.deepEqual(Object.keys(s.types["meshtls:index:IssuerMaterial"].properties ?? {}).sort(), ["caChainPem", "certPem", "intermediatesPem", "privateKeyPem", "rootCertPem", "trustBundlePem"]);
        assert.ok("helmValues" in s.resources["meshtls:index:GlooMtls"].properties);
        assert.ok("certificates" in s.resources["meshtls:index:MtlsPlatform"].properties);
        // KyvernoAuthzArgs extends KyvernoExtensionProviderArgs: the inherited inputs are there too.
        for (const inherited of ["flavor", "namespace", "serviceName", "providerName", "timeout", "failOpen"]) {
            assert.ok(inherited in s.resources["meshtls:index:KyvernoAuthz"].inputProperties, inherited);
        }
    });

    it("turns the TypeScript enums into schema enums", async () => {
        const s = await schema();
        const values = (name: string) => (s.types[`meshtls:index:${name}`].enum ?? []).map((e) => e.value);
        assert.deepEqual(values("KeyAlgorithm"), Object.values(sdk.KeyAlgorithm));
        assert.deepEqual(values("RotationPhase"), ["Stable", "TrustNew", "ServeNew"]);
        assert.deepEqual(values("MtlsMode"), ["UNSET", "DISABLE", "PERMISSIVE", "STRICT"]);
        const enums: Array<[string, Record<string, string>]> = [
            ["HelmMode", sdk.HelmMode],
            ["KuadrantMtlsMode", sdk.KuadrantMtlsMode],
            ["GlooCertRotation", sdk.GlooCertRotation],
            ["KyvernoAuthzFlavor", sdk.KyvernoAuthzFlavor],
        ];
        assert.equal(enums.length, 4);
        for (const [name, e] of enums) {
            assert.deepEqual(values(name), Object.values(e), name);
        }
        assert.equal(s.resources["meshtls:index:CertificateAuthority"].inputProperties.rotationPhase.$ref, "#/types/meshtls:index:RotationPhase");
    });

    it("takes descriptions from the JSDoc, on every resource, input and output", async () => {
        const s = await schema();
        assert.match(s.resources["meshtls:index:IstioMesh"].description ?? "", /^Istio installed with Helm/);
        assert.equal(s.resources["meshtls:index:CertificateAuthority"].properties.fingerprintSha256.description, "SHA-256 fingerprint of `certPem` (upper-case colon hex).");
        // Every public component is looked at, and each has inputs and outputs to look at.
        assert.deepEqual(Object.keys(s.resources).sort(), COMPONENTS.map((c) => `meshtls:index:${c.name}`).sort());
        const missing: string[] = [];
        for (const [token, r] of Object.entries(s.resources)) {
            for (const [kind, props] of [["input", r.inputProperties], ["output", r.properties]] as const) {
                assert.ok(Object.keys(props).length > 0, `${token} has no ${kind} properties`);
                for (const [name, p] of Object.entries(props)) {
                    if (!p.description) {
                        missing.push(`${token} ${kind} ${name}`);
                    }
                }
            }
        }
        assert.deepEqual(missing, []);
    });
});

describe("multi-language: secrets through ComponentProvider.construct", () => {
    // The schema cannot mark outputs secret; the README lists these, and construct keeps them secret.
    const SECRET_OUTPUTS: Record<string, string[]> = {
        CertificateAuthority: ["privateKeyPem", "issuer"],
        Certificate: ["privateKeyPem"],
    };
    // Every output each component declares (its public readonly properties), secret or not.
    const OUTPUTS: Record<string, string[]> = {
        CertificateAuthority: ["certPem", "fingerprintSha256", "issuer", "notAfter", "privateKeyPem", "rootCertPem", "rotationState", "serialNumber", "signingGeneration", "trustBundleFingerprints", "trustBundlePem"],
        Certificate: ["certPem", "chainPem", "fingerprintSha256", "notAfter", "notBefore", "privateKeyPem", "serialNumber", "trustBundlePem"],
    };

    it("CertificateAuthority and Certificate return their keys as secrets; public outputs are not", async () => {
        const p = provider();
        const result = await runProgram(async () => {
            const ca = await p.construct("ca", "meshtls:index:CertificateAuthority", { intermediate: {} }, {});
            const issuer = ca.state.issuer as pulumi.Output<sdk.IssuerMaterial>;
            const leaf = await p.construct("leaf", "meshtls:index:Certificate", { issuer, commonName: "svc", dnsNames: ["svc"] }, {});
            return { ca: ca.state, leaf: leaf.state };
        });
        for (const [component, state] of [["CertificateAuthority", result.value.ca], ["Certificate", result.value.leaf]] as const) {
            assert.deepEqual(Object.keys(state).sort(), OUTPUTS[component], `${component}'s construct state`);
            for (const [key, value] of Object.entries(state)) {
                const r = await resolve(value as pulumi.Output<unknown>);
                assert.equal(r.secret, SECRET_OUTPUTS[component].includes(key), `${component}.${key} secret=${String(r.secret)}`);
            }
        }
        assert.equal(result.ofType("meshtls:index:Certificate").length, 1);
    });
});

describe("multi-language: a resource reference as an argument, as a YAML program writes it", () => {
    // `namespace: ${shop.metadata.name}` reaches the component provider as an Output.
    it("MtlsPolicy takes its namespace from a Namespace resource, and its PeerAuthentication waits for it", async () => {
        const p = provider();
        const result = await runProgram(async () => {
            const shop = new k8s.core.v1.Namespace("shop", { metadata: { name: "shop" } });
            await p.construct("shop-mtls", "meshtls:index:MtlsPolicy", { namespace: shop.metadata.name, mode: "STRICT" }, {});
        });
        const ns = result.get("kubernetes:core/v1:Namespace", "shop");
        const pa = result.get("kubernetes:security.istio.io/v1:PeerAuthentication", "shop-mtls-peer-authentication");
        assert.deepEqual(pa.inputs.metadata, { name: "default", namespace: "shop" });
        assert.ok(result.dependsOn(pa, ns), "the PeerAuthentication depends on the Namespace it names");
    });
});

describe("multi-language: examples/yaml-platform", function () {
    this.timeout(120_000);

    it("uses only resource types and properties the schema has", async () => {
        const s = await schema();
        const doc = YAML.parse(fs.readFileSync(path.join(ROOT, "examples", "yaml-platform", "Pulumi.yaml"), "utf8")) as {
            resources: Record<string, { type: string; properties?: Record<string, unknown> }>;
            outputs: Record<string, string>;
        };
        const typeOf = (ref: string | undefined) => (ref ? s.types[ref.replace("#/types/", "")] : undefined);
        // Every property path checked, so the test shows it walked into nested objects and lists.
        const checked: string[] = [];
        const checkObject = (where: string, value: unknown, props: Record<string, SchemaProperty>) => {
            for (const [k, v] of Object.entries((value ?? {}) as Record<string, unknown>)) {
                assert.ok(k in props, `${where}.${k} is not in the schema (has: ${Object.keys(props).join(", ")})`);
                checked.push(`${where}.${k}`);
                const p = props[k];
                const nested = typeOf(p.$ref ?? p.items?.$ref);
                if (typeof v === "string" && v.startsWith("${")) {
                    continue;
                }
                if (nested?.enum) {
                    assert.ok(nested.enum.some((e) => e.value === v), `${where}.${k}: ${String(v)} is not one of the enum's values`);
                } else if (nested?.properties) {
                    for (const item of Array.isArray(v) ? v : [v]) {
                        checkObject(`${where}.${k}`, item, nested.properties);
                    }
                }
            }
        };
        // The example's four resources and five outputs, as the file declares them.
        assert.deepEqual(
            Object.entries(doc.resources).map(([name, r]) => [name, r.type]),
            [
                ["ca", "meshtls:index:CertificateAuthority"],
                ["mesh", "meshtls:index:IstioMesh"],
                ["shop", "meshtls:index:MtlsPolicy"],
                ["gloo", "meshtls:index:GlooMtls"],
            ],
        );
        assert.deepEqual(Object.keys(doc.outputs), ["caFingerprint", "trustedRoots", "meshRoots", "glooXdsFingerprint", "shopScope"]);
        for (const [name, r] of Object.entries(doc.resources)) {
            const resource = s.resources[r.type];
            assert.ok(resource, `${name}: type ${r.type} is not in the schema`);
            checkObject(name, r.properties, resource.inputProperties);
        }
        // Each property of the example, nested ones included (`${...}` references are checked by name only).
        assert.deepEqual(checked, [
            "ca.commonName",
            "ca.intermediate",
            "ca.intermediate.validityHours",
            "ca.generation",
            "ca.rotationPhase",
            "mesh.version",
            "mesh.mtlsMode",
            "mesh.pluginCa",
            "mesh.extensionProviders",
            "mesh.extensionProviders.name",
            "mesh.extensionProviders.envoyExtAuthzGrpc",
            "mesh.extensionProviders.envoyExtAuthzGrpc.service",
            "mesh.extensionProviders.envoyExtAuthzGrpc.port",
            "shop.namespace",
            "shop.mode",
            "shop.destinationRule",
            "gloo.xds",
            "gloo.xds.issuer",
            "gloo.istio",
            "gloo.istio.istioVersion",
            "gloo.istio.upstreams",
            "gloo.istio.upstreams.serviceName",
            "gloo.istio.upstreams.serviceNamespace",
            "gloo.istio.upstreams.port",
        ]);
        for (const [name, expr] of Object.entries(doc.outputs)) {
            const [res, prop] = expr.replace(/^\$\{|\}$/g, "").split(".");
            assert.ok(prop in s.resources[doc.resources[res].type].properties, `output ${name}: ${res}.${prop} is not an output of ${doc.resources[res].type}`);
        }
    });
});
