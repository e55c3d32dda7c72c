// MtlsPlatform's fleet modes (issue 20): `clusters` (a fleet in one program: the fleet CA, and per cluster
// its own provider and IstioMesh signing from its own intermediate, after the whole fleet CA), and
// `fleetIssuer` (a cluster stack: its issuer from the fleet CA stack's material, refused in a phase the
// CA has not reached). Plans, bad input, registrations under the harness.
import "reflect-metadata";
import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { CaRotationState, FleetCertificateAuthority, MtlsPlatform, MtlsPlatformArgs, RotationPhase, planMtlsPlatform } from "../../sdk";
import { assertRejected, runExpectingError, runProgram, valueOf } from "../harness";
import { planProblems } from "../planErrors";

const TYPE = "meshtls:index:MtlsPlatform";
const TWO: MtlsPlatformArgs["clusters"] = [
    { name: "east", renderDirectory: "out/east" },
    { name: "west", renderDirectory: "out/west", istio: { trustDomain: "west.example" } },
];
const S1: CaRotationState = { generation: 1, rotationPhase: RotationPhase.Stable };
const T2: CaRotationState = { generation: 2, previousGeneration: 1, rotationPhase: RotationPhase.TrustNew };
const N2: CaRotationState = { generation: 2, previousGeneration: 1, rotationPhase: RotationPhase.ServeNew };

const problems = (args: pulumi.Unwrap<MtlsPlatformArgs>) => planProblems(() => planMtlsPlatform("p", args), TYPE, "p");

describe("platform fleet (clusters): plan", () => {
    it("one fleet CA, each cluster's own single-cluster plan named after it, trust domains and aliases, one mesh ID", () => {
        const plan = planMtlsPlatform("p", { istio: { meshId: "fleet" }, clusters: TWO } as pulumi.Unwrap<MtlsPlatformArgs>);
        assert.ok(plan.fleet);
        assert.equal(plan.fleet.ca.name, "p-fleet-ca");
        assert.deepEqual(plan.fleet.ca.plan.clusters.map((c) => [c.name, c.trustDomain, c.trustDomainAliases]), [
            ["east", "cluster.local", ["west.example"]],
            ["west", "west.example", ["cluster.local"]],
        ]);
        assert.equal(plan.fleet.clusters.length, 2);
        const [east, west] = plan.fleet.clusters;
        assert.deepEqual([east.providerName, east.renderDirectory, east.plan.istio?.name], ["p-east", "out/east", "p-east-istio"]);
        assert.deepEqual([west.plan.istio?.plan.trustDomain, west.plan.istio?.args.trustDomainAliases, west.plan.istio?.args.clusterName, west.plan.istio?.args.meshId], ["west.example", ["cluster.local"], "west", "fleet"]);
        assert.deepEqual([east.plan.istio?.plan.trustDomain, east.plan.istio?.args.trustDomainAliases, east.plan.istio?.args.clusterName], ["cluster.local", ["west.example"], "east"]);
        // The posture of every cluster, each link named by its cluster.
        const ids = Object.keys(plan.posture);
        assert.ok(ids.length > 0);
        assert.ok(ids.every((id) => id.startsWith("east: ") || id.startsWith("west: ")), ids.join("\n"));
    });

    it("refuses what a one-program fleet cannot do, naming the argument as written", () => {
        const found = problems({
            clusters: [{ name: "east", renderDirectory: "out" }, { name: "west", renderDirectory: "out", kubeconfigContext: "w", istio: { trustDomain: "west.example" } }],
            kuadrant: {},
            fleetIssuer: { cluster: "east", material: {} as never },
        });
        const fields = found.map((p) => p.slice(0, p.indexOf(":")));
        assert.deepEqual(fields, ["fleetIssuer", "kuadrant", "clusters[1].kubeconfigContext/renderDirectory", "clusters[1].renderDirectory", "istio.meshId"], found.join("\n"));
        assert.match(found[1], /install kuadrant per cluster with the stack-per-cluster layout/);
        assert.match(found[3], /a directory of its own \(clusters\[0\] renders there too/);
        assert.match(found[4], /one mesh ID for the fleet/);
    });

    it("names a cluster's own Istio setting by its cluster, and a shared one once", () => {
        const found = problems({ istio: { revision: "Bad_Rev" }, clusters: [{ name: "east", renderDirectory: "e", istio: { version: "nope" } }, { name: "west", renderDirectory: "w" }] });
        assert.deepEqual(found.map((p) => p.slice(0, p.indexOf(": "))).sort(), ["clusters[0].istio.version", "istio.revision"], found.join("\n"));
    });

    it("bring-your-own roots need a fleet; the fleet CA's own problems are named under ca. and clusters[]", () => {
        assert.match(problems({ ca: { externalRoots: [{ generation: 1, certPem: "x" }] } })[0], /^ca\.externalRoots: .*only with clusters/);
        const found = problems({ ca: { generation: 0 }, clusters: [{ name: "East", renderDirectory: "e" }] });
        assert.ok(found.some((p) => p.startsWith("ca.generation: ")), found.join("\n"));
        assert.ok(found.some((p) => p.startsWith("clusters[0].name: ")), found.join("\n"));
    });
});

describe("platform fleet (clusters): registrations", () => {
    it("each cluster's mesh goes through its own provider, after the whole fleet CA, with its own intermediate as plug-in CA", async () => {
        const result = await runProgram(() => ({ p: new MtlsPlatform("p", { istio: { meshId: "fleet" }, clusters: TWO }) }));
        const providers = result.resources.filter((r) => r.type === "pulumi:providers:kubernetes");
        assert.deepEqual(providers.map((r) => [r.name, r.inputs.renderYamlToDirectory]).sort(), [
            ["p-east", "out/east"],
            ["p-west", "out/west"],
        ]);
        const meshes = result.resources.filter((r) => r.type === "meshtls:index:IstioMesh");
        assert.equal(meshes.length, 2);
        // dependsOn on a component reaches its children: every intermediate of every cluster.
        const intermediates = result.resources.filter((r) => r.type === "tls:index/locallySignedCert:LocallySignedCert").map((r) => r.urn);
        assert.equal(intermediates.length, 2);
        for (const mesh of meshes) {
            for (const im of intermediates) {
                assert.ok(mesh.dependencies.includes(im), `${mesh.name} waits for ${im}`);
            }
        }
        // Every cacerts Secret through its cluster's provider, holding that cluster's intermediate.
        const cacerts = result.resources.filter((r) => r.type === "kubernetes:core/v1:Secret" && (r.inputs.metadata as { name?: string } | undefined)?.name === "cacerts");
        assert.equal(cacerts.length, 2);
        const subjects = new Map<string, string>();
        for (const s of cacerts) {
            const cluster = s.name.startsWith("p-east") ? "east" : "west";
            assert.match(s.provider ?? "", new RegExp(`::p-${cluster}::`));
            const data = s.inputs.stringData as Record<string, string>;
            subjects.set(cluster, new X509Certificate(data["ca-cert.pem"]).subject);
        }
        assert.match(subjects.get("east") ?? "", /CN=east intermediate g1 /);
        assert.match(subjects.get("west") ?? "", /CN=west intermediate g1 /);
        const certificates = await valueOf(result.value.p.certificates);
        assert.deepEqual(Object.keys(certificates).sort(), ["ca-root", "east/ca", "west/ca"]);
    });

    it("a refused fleet registers nothing", async () => {
        await assertRejected(() => new MtlsPlatform("p", { clusters: [{ name: "east" }] }), TYPE, "p", /clusters\[0\]\.kubeconfigContext\/renderDirectory/);
    });
});

describe("platform fleet (fleetIssuer): a cluster stack", () => {
    let material: unknown;
    before(async () => {
        const ca = await runProgram(() => ({ f: new FleetCertificateAuthority("fleet", { ...N2, clusters: [{ name: "east", trustDomain: "east.example" }, { name: "west" }] }) }));
        material = await valueOf(ca.value.f.material);
    });

    it("takes its issuer from the CA stack's material for its own phase: TrustNew signs from generation 1, both roots trusted", async () => {
        const result = await runProgram(() => ({ p: new MtlsPlatform("p", { ca: { ...T2 }, fleetIssuer: { cluster: "west", material: pulumi.secret(material as never) } }) }));
        assert.equal(result.resources.filter((r) => r.type.startsWith("tls:") || r.type === "meshtls:index:CertificateAuthority").length, 0, "no CA of its own");
        const cacerts = result.resources.find((r) => r.type === "kubernetes:core/v1:Secret" && (r.inputs.metadata as { name?: string } | undefined)?.name === "cacerts");
        assert.ok(cacerts);
        const data = cacerts.inputs.stringData as Record<string, string>;
        assert.match(new X509Certificate(data["ca-cert.pem"]).subject, /CN=west intermediate g1 /);
        assert.equal((data["root-cert.pem"].match(/BEGIN CERTIFICATE/g) ?? []).length, 2);
        assert.deepEqual(await valueOf(result.value.p.rotationState), T2);
        assert.equal((await valueOf(result.value.p.trustBundleFingerprints)).length, 2);
        assert.ok(cacerts.secretPaths.includes("stringData"), "the key stays secret");
        // The other clusters' trust domains, as the CA stack records them, are aliases; the values stay readable.
        const mesh = result.resources.find((r) => r.type === "meshtls:index:IstioMesh");
        assert.ok(mesh);
        assert.deepEqual(mesh.inputs.trustDomainAliases, ["east.example"]);
        const istiod = result.resources.find((r) => r.type === "kubernetes:helm.sh/v4:Chart" && r.name.endsWith("-istiod"));
        assert.ok(istiod);
        assert.equal(istiod.secretPaths.length, 0, istiod.secretPaths.join());
        assert.deepEqual((istiod.inputs.values as { meshConfig: { trustDomainAliases?: string[] } }).meshConfig.trustDomainAliases, ["east.example"]);
    });

    it("refuses a trust domain other than the one the CA stack records for the cluster, naming istio.trustDomain", async () => {
        const { error } = await runExpectingError(() => new MtlsPlatform("p", { ca: { ...T2 }, fleetIssuer: { cluster: "east", material: pulumi.output(material as never) } }));
        assert.match(error.message, /istio\.trustDomain: got "cluster\.local"; the fleet CA stack records trust domain "east\.example" for cluster east/);
    });

    it("refuses a phase the CA stack has not reached, or left behind, naming fleetIssuer.material", async () => {
        const { error } = await runExpectingError(() => new MtlsPlatform("p", { ca: { ...S1 }, fleetIssuer: { cluster: "west", material: pulumi.output(material as never) } }));
        assert.match(error.message, /fleetIssuer\.material: .*move this cluster to TrustNew first/);
        const ahead = await runExpectingError(() => new MtlsPlatform("p", { ca: { generation: 2, rotationPhase: RotationPhase.Stable }, fleetIssuer: { cluster: "west", material: pulumi.output(material as never) } }));
        assert.match(ahead.error.message, /ahead of the fleet CA/);
    });

    it("its own step guard still applies (ca.previousRotationState)", async () => {
        const { error } = await runExpectingError(() => new MtlsPlatform("p", { ca: { ...N2, previousRotationState: S1 }, fleetIssuer: { cluster: "west", material: pulumi.output(material as never) } }));
        assert.match(error.message, /ca\.generation\/ca\.previousGeneration\/ca\.rotationPhase/);
    });

    it("refuses CA settings a cluster stack does not own", () => {
        const found = problems({ ca: { commonName: "x", ...T2 }, fleetIssuer: { cluster: "west", material: {} as never } });
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /^ca\.commonName: .*the fleet CA stack owns the CA/);
    });
});
