// The fleet CA (issue 20): the fleet rotation rule (pure), the plan (names, trust domains, refusals), and
// the component under the real-certificate mocks: one root, one intermediate per cluster and generation,
// chains that verify, the exported material a cluster stack builds its issuer from, and the bring-your-own
// and offline-root paths (their bad material, known or an Output, refused naming the argument).
import "reflect-metadata";
import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import {
    CaRotationState,
    FleetCertificateAuthority,
    FleetCertificateAuthorityArgs,
    FleetRotationPosition,
    KeyAlgorithm,
    RotationPhase,
    fleetClusterIssuer,
    fleetPhaseProblem,
    fleetStepProblems,
    planFleetCertificateAuthority,
    rootRenewalWarning,
    rotationPosition,
} from "../../sdk";
import { runExpectingError, runProgram, valueOf } from "../harness";
import { planProblems as problemsOf } from "../planErrors";
import { TestCa, makeCa } from "./caMaterial";
import { ROTATION_STEPS } from "./rotationPhases";

const FLEET = "meshtls:index:FleetCertificateAuthority";
const S1: CaRotationState = { generation: 1, rotationPhase: RotationPhase.Stable };
const T2: CaRotationState = { generation: 2, previousGeneration: 1, rotationPhase: RotationPhase.TrustNew };
const N2: CaRotationState = { generation: 2, previousGeneration: 1, rotationPhase: RotationPhase.ServeNew };
const S2: CaRotationState = { generation: 2, rotationPhase: RotationPhase.Stable };
const RUNBOOK = [S1, T2, N2, S2];
const label = (s: CaRotationState) => (s.rotationPhase === RotationPhase.Stable ? `Stable g${s.generation}` : `${s.rotationPhase} g${s.generation}`);

/** The plan's problem lines (`field: got ...; accepted`). */
const planProblems = (f: () => unknown): string[] => problemsOf(f, FLEET, "fleet");
/** Exactly one problem, about `field`, matching `re`. */
function assertInvalid(f: () => unknown, field: string, re: RegExp): void {
    const problems = planProblems(f);
    assert.equal(problems.length, 1, problems.join("\n"));
    assert.ok(problems[0].startsWith(`${field}: `), problems[0]);
    assert.match(problems[0], re);
}

const plan = (args: Partial<FleetCertificateAuthorityArgs>, now?: Date) =>
    planFleetCertificateAuthority("fleet", { clusters: [{ name: "east" }, { name: "west" }], ...args } as pulumi.Unwrap<FleetCertificateAuthorityArgs>, now);

describe("fleet CA: the fleet rotation rule (pure)", () => {
    it("the runbook's states sit at positions 0..3 on the rotation 1 -> 2, by trust and signer, however spelled", () => {
        assert.deepEqual(RUNBOOK.map((s) => rotationPosition(s, 1, 2)), [0, 1, 2, 3]);
        // ServeNew g1 (previous 2) trusts both and signs from 1: the TrustBoth position of 1 -> 2.
        assert.equal(rotationPosition({ generation: 1, previousGeneration: 2, rotationPhase: RotationPhase.ServeNew }, 1, 2), FleetRotationPosition.TrustBoth);
        assert.equal(rotationPosition({ generation: 3, rotationPhase: RotationPhase.Stable }, 1, 2), undefined);
        // The shared table of the single-cluster specs agrees.
        assert.equal(ROTATION_STEPS.length, 4);
        assert.deepEqual(ROTATION_STEPS.map((s) => rotationPosition(s.ca as CaRotationState, 1, 2)), [0, 1, 2, 3]);
    });

    it("a cluster may be at the CA's position or one behind it (either way round a Stable CA: a rollback's TrustNew signs from it too); never ahead, never two behind (16 pairs)", () => {
        const allowed: string[] = [];
        for (const ca of RUNBOOK) {
            for (const cluster of RUNBOOK) {
                if (fleetPhaseProblem(cluster, ca) === undefined) {
                    allowed.push(`${label(ca)} <- ${label(cluster)}`);
                }
            }
        }
        assert.deepEqual(allowed, ["Stable g1 <- Stable g1", "Stable g1 <- TrustNew g2", "TrustNew g2 <- Stable g1", "TrustNew g2 <- TrustNew g2", "ServeNew g2 <- TrustNew g2", "ServeNew g2 <- ServeNew g2", "Stable g2 <- ServeNew g2", "Stable g2 <- Stable g2"]);
        assert.match(fleetPhaseProblem(N2, T2) ?? "", /ahead of the fleet CA/);
        assert.match(fleetPhaseProblem(S1, N2) ?? "", /may already serve generation 2, which this state does not trust: move this cluster to TrustNew first/);
        assert.match(fleetPhaseProblem(T2, S2) ?? "", /every cluster must sign from generation 2/);
        assert.match(fleetPhaseProblem({ generation: 3, previousGeneration: 2, rotationPhase: RotationPhase.TrustNew }, T2) ?? "", /holds generations 1 and 2 only/);
    });

    it("in every allowed fleet, every cluster's signer is trusted by every other cluster (the invariant the rule keeps)", () => {
        let fleets = 0;
        for (const ca of RUNBOOK) {
            const ok = RUNBOOK.filter((c) => fleetPhaseProblem(c, ca) === undefined);
            for (const a of ok) {
                for (const b of ok) {
                    fleets++;
                    const signerA = a.rotationPhase === RotationPhase.TrustNew ? a.previousGeneration : a.generation;
                    const trustedB = b.rotationPhase === RotationPhase.Stable ? [b.generation] : [b.generation, b.previousGeneration];
                    assert.ok(trustedB.includes(signerA), `${label(ca)}: ${label(a)} serves ${String(signerA)}, ${label(b)} trusts ${trustedB.join(",")}`);
                }
            }
        }
        assert.equal(fleets, 4 + 4 + 4 + 4);
    });

    it("the CA side: ServeNew is refused until every cluster trusts the new root, Stable until none serves the old one", () => {
        assert.deepEqual(fleetStepProblems(T2, { east: S1, west: S1 }), []);
        const early = fleetStepProblems(N2, { east: T2, west: S1 });
        assert.equal(early.length, 1);
        assert.equal(early[0].cluster, "west");
        assert.equal(fleetStepProblems(S2, { east: N2, west: T2 }).map((p) => p.cluster).join(), "west");
        assert.deepEqual(fleetStepProblems(S2, { east: N2, west: S2 }), []);
        // No state yet does not block; a malformed one does (a typo must not switch the guard off).
        assert.deepEqual(fleetStepProblems(N2, { east: T2, west: null, south: undefined }), []);
        assert.match(fleetStepProblems(N2, { east: { generation: "2", rotationPhase: "TrustNew" } })[0]?.reason ?? "", /generation must be a whole number/);
    });
});

describe("fleet CA: plan", () => {
    it("names each generation's root and each cluster's intermediate; trust domains with the others as aliases", () => {
        const p = plan({ generation: 2, previousGeneration: 1, rotationPhase: RotationPhase.TrustNew, clusters: [{ name: "east" }, { name: "west", trustDomain: "west.example" }, { name: "south" }] });
        assert.deepEqual(
            p.generations.map((g) => [g.generation, g.source, g.root?.certName, g.intermediates.map((i) => i.generated?.certName)]),
            [
                [1, "generated", "fleet-g1-root", ["fleet-east-g1-intermediate", "fleet-west-g1-intermediate", "fleet-south-g1-intermediate"]],
                [2, "generated", "fleet-g2-root", ["fleet-east-g2-intermediate", "fleet-west-g2-intermediate", "fleet-south-g2-intermediate"]],
            ],
        );
        assert.equal(p.signingGeneration, 1);
        assert.deepEqual(
            p.clusters.map((c) => [c.name, c.trustDomain, c.trustDomainAliases]),
            [
                ["east", "cluster.local", ["west.example"]],
                ["west", "west.example", ["cluster.local"]],
                ["south", "cluster.local", ["west.example"]],
            ],
        );
        assert.equal(p.generations[0].intermediates[1].generated?.commonNameBase, "west intermediate");
    });

    it("warns, as CertificateAuthority does, when a generated root is set to re-issue in place (istiod ignores it until restarted)", () => {
        assert.equal(rootRenewalWarning(plan({}), FLEET), undefined);
        assert.match(rootRenewalWarning(plan({ earlyRenewalHours: 720 }), FLEET) ?? "", /^meshtls:index:FleetCertificateAuthority fleet: earlyRenewalHours 720 re-issues the root/);
    });

    it("a cluster's intermediate settings fall back field by field to the fleet's", () => {
        const p = plan({ intermediate: { validityHours: 8760, earlyRenewalHours: 720 }, clusters: [{ name: "east", intermediate: { earlyRenewalHours: 1000, commonName: "East CA" } }, { name: "west" }] });
        const [east, west] = p.generations[0].intermediates.map((i) => i.generated);
        assert.deepEqual([east?.commonNameBase, east?.validityHours, east?.earlyRenewalHours], ["East CA", 8760, 1000]);
        assert.deepEqual([west?.commonNameBase, west?.validityHours, west?.earlyRenewalHours], ["west intermediate", 8760, 720]);
    });

    it("refuses bad fleets, naming the argument", () => {
        assertInvalid(() => plan({ clusters: [] }), "clusters", /at least one cluster/);
        assertInvalid(() => plan({ clusters: [{ name: "East" }] }), "clusters[0].name", /DNS label|lower/i);
        assertInvalid(() => plan({ clusters: [{ name: "a-very-long-cluster-name-xyz1" }] }), "clusters[0].name", /at most 27 characters/);
        assertInvalid(() => plan({ clusters: [{ name: "east" }, { name: "east" }] }), "clusters[1].name", /a name no other cluster has \(clusters\[0\]\.name is "east"\)/);
        assertInvalid(() => plan({ clusters: [{ name: "east", trustDomain: "not a domain" }] }), "clusters[0].trustDomain", /./);
        assertInvalid(() => plan({ validityHours: 8760, intermediate: { validityHours: 9000 } }), "intermediate.validityHours", /must not outlive the root/);
        assertInvalid(() => plan({ clusters: [{ name: "east", intermediate: { validityHours: 90000 } }] }), "clusters[0].intermediate.validityHours", /must not outlive the root/);
        assertInvalid(() => plan({ rotationPhase: RotationPhase.ServeNew, generation: 2 }), "previousGeneration", /required in rotationPhase ServeNew/);
    });

    it("the fleet guard on known cluster states: a blocking cluster and a key that names no cluster", () => {
        const problems = planProblems(() => plan({ ...N2, clusterRotationStates: { east: T2, west: S1, nroth: T2 } }));
        assert.equal(problems.length, 2, JSON.stringify(problems));
        assert.match(problems[0], /^clusterRotationStates\.nroth: .*a cluster of the fleet: east, west/);
        assert.match(problems[1], /^generation\/previousGeneration\/rotationPhase: .*cluster west is at generation: 1, rotationPhase: Stable/);
        assert.doesNotThrow(() => plan({ ...N2, clusterRotationStates: { east: T2, west: N2 } }));
    });
});

describe("fleet CA: bring your own root, offline root (plan, known material)", () => {
    let root: TestCa;
    let other: TestCa;
    let eastIm: TestCa;
    let westIm: TestCa;
    before(async () => {
        root = await makeCa("Corp Root");
        other = await makeCa("Other Root");
        eastIm = await makeCa("Corp east", root, { untilDays: 365 });
        westIm = await makeCa("Corp west", root, { untilDays: 365 });
    });

    it("an external root with its key: no generated root; intermediates still generated and named per cluster", () => {
        const p = plan({ externalRoots: [{ generation: 1, certPem: root.certPem, privateKeyPem: root.keyPem }] });
        assert.equal(p.generations.length, 1);
        assert.deepEqual([p.generations[0].source, p.generations[0].root, p.generations[0].externalIndex], ["external", undefined, 0]);
        assert.deepEqual(p.generations[0].intermediates.map((i) => i.generated?.certName), ["fleet-east-g1-intermediate", "fleet-west-g1-intermediate"]);
    });

    it("an offline root: each cluster's signed intermediate, nothing generated for that generation", () => {
        const p = plan({
            externalRoots: [{ generation: 1, certPem: root.certPem }],
            clusters: [
                { name: "east", signedIntermediates: [{ generation: 1, certPem: eastIm.certPem, privateKeyPem: eastIm.keyPem }] },
                { name: "west", signedIntermediates: [{ generation: 1, certPem: westIm.certPem, privateKeyPem: westIm.keyPem }] },
            ],
        });
        assert.deepEqual([p.generations[0].source, p.generations[0].idName], ["offline", undefined]);
        assert.deepEqual(p.generations[0].intermediates.map((i) => [i.generated, i.signedIndex]), [[undefined, 0], [undefined, 0]]);
    });

    it("refuses what would be ignored or is missing", () => {
        assertInvalid(() => plan({ externalRoots: [{ generation: 2, certPem: root.certPem, privateKeyPem: root.keyPem }] }), "externalRoots[0].generation", /a generation in use: 1/);
        assertInvalid(
            () => plan({ ...T2, externalRoots: [{ generation: 2, certPem: root.certPem, privateKeyPem: root.keyPem }, { generation: 2, certPem: other.certPem, privateKeyPem: other.keyPem }] }),
            "externalRoots[1].generation",
            /at most once/,
        );
        assertInvalid(() => plan({ clusters: [{ name: "east" }], externalRoots: [{ generation: 1, certPem: root.certPem }] }), "clusters[0].signedIntermediates", /an entry for generation 1: its root \(externalRoots\[0\]\) is offline/);
        assertInvalid(
            () => plan({ clusters: [{ name: "east", signedIntermediates: [{ generation: 1, certPem: eastIm.certPem, privateKeyPem: eastIm.keyPem }] }] }),
            "clusters[0].signedIntermediates[0].generation",
            /only a generation whose root is offline/,
        );
        assertInvalid(() => plan({ commonName: "x", externalRoots: [{ generation: 1, certPem: root.certPem, privateKeyPem: root.keyPem }] }), "commonName", /every generation in use \(1\) has its root in externalRoots/);
    });

    it("refuses bad known material, naming the argument (each kind's details: tests/pki/material.spec.ts)", () => {
        // The key of another root.
        assertInvalid(() => plan({ externalRoots: [{ generation: 1, certPem: root.certPem, privateKeyPem: other.keyPem }] }), "externalRoots[0].privateKeyPem", /not the key of externalRoots\[0\]\.certPem \(CN=Corp Root/);
        // Not a root: an intermediate.
        assertInvalid(() => plan({ externalRoots: [{ generation: 1, certPem: eastIm.certPem, privateKeyPem: eastIm.keyPem }] }), "externalRoots[0].certPem", /self-signed/);
        // An offline intermediate that does not chain to the root.
        assertInvalid(
            () =>
                plan({
                    externalRoots: [{ generation: 1, certPem: other.certPem }],
                    clusters: [{ name: "east", signedIntermediates: [{ generation: 1, certPem: eastIm.certPem, privateKeyPem: eastIm.keyPem }] }],
                }),
            "clusters[0].signedIntermediates[0].certPem",
            /./,
        );
        // A generated intermediate that would outlive an external root (lengths: the verdict does not move with the clock).
        const problems = planProblems(() => plan({ intermediate: { validityHours: 24 * 365 * 20 }, externalRoots: [{ generation: 1, certPem: root.certPem, privateKeyPem: root.keyPem }] }));
        assert.equal(problems.length, 1, JSON.stringify(problems));
        assert.match(problems[0], /^intermediate\.validityHours: got 175200; expected at most \d+ hours: the root CN=Corp Root is valid for/);
    });

    it("checks the new generation's external root too when the old one is generated (a move to a corporate root is a rotation)", async () => {
        const shortRoot = await makeCa("Short Corp Root", undefined, { untilDays: 364 });
        const problems = planProblems(() => plan({ ...T2, externalRoots: [{ generation: 2, certPem: shortRoot.certPem, privateKeyPem: shortRoot.keyPem }] }));
        assert.equal(problems.length, 1, problems.join("\n"));
        assert.match(problems[0], /^intermediate\.validityHours \(the default; set it explicitly\): got 43800; .*externalRoots\[0\], generation 2/);
        // A root that lives longer than the default intermediate is accepted in every phase of the move.
        for (const state of [T2, N2, S2]) {
            assert.doesNotThrow(() => plan({ ...state, externalRoots: [{ generation: 2, certPem: root.certPem, privateKeyPem: root.keyPem }] }), label(state));
        }
    });
});

describe("fleet CA: the component (real-certificate mocks)", () => {
    const issuerOf = (pem: string) => new X509Certificate(pem);

    it("TrustNew over two clusters: both roots trusted everywhere, each cluster signs with its own generation-1 intermediate", async () => {
        const result = await runProgram(() => ({ f: new FleetCertificateAuthority("fleet", { ...T2, clusters: [{ name: "east" }, { name: "west", trustDomain: "west.example" }] }) }));
        const { f } = result.value;
        const issuers = await valueOf(f.issuers);
        assert.deepEqual(Object.keys(issuers).sort(), ["east", "west"]);
        const bundle = await valueOf(f.trustBundlePem);
        const roots = bundle.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
        assert.equal(roots.length, 2);
        const [g1, g2] = roots.map((p) => new X509Certificate(p));
        assert.match(g1.subject, / g1 /);
        assert.match(g2.subject, / g2 /);
        const fingerprints = new Set<string>();
        for (const c of ["east", "west"]) {
            const i = issuers[c];
            assert.equal(i.trustBundlePem, bundle);
            const im = issuerOf(i.certPem as string);
            fingerprints.add(im.fingerprint256);
            assert.ok(im.ca && im.checkIssued(g1) && im.verify(g1.publicKey), `${c}: its intermediate chains to generation 1's root`);
            assert.match(im.subject, new RegExp(`CN=${c} intermediate g1 `));
            assert.equal(i.caChainPem, `${i.certPem as string}${i.rootCertPem as string}`);
        }
        assert.equal(fingerprints.size, 2, "one intermediate per cluster");
        const clusters = await valueOf(f.clusters);
        assert.deepEqual([clusters.west.trustDomain, clusters.west.trustDomainAliases, clusters.east.trustDomainAliases], ["west.example", ["cluster.local"], ["west.example"]]);
        assert.equal(clusters.east.fingerprintSha256, issuerOf(issuers.east.certPem as string).fingerprint256);
        // Secrets: the issuers and the material as a whole, and every key.
        assert.equal(await pulumi.isSecret(f.issuers), true);
        assert.equal(await pulumi.isSecret(f.material), true);
        assert.equal(await pulumi.isSecret(f.clusters), false);
        assert.equal(await pulumi.isSecret(f.trustBundlePem), false);
        assert.equal(result.resources.filter((r) => r.type === "tls:index/locallySignedCert:LocallySignedCert").length, 4);
    });

    it("generates every key with keyAlgorithm and names organization in every subject", async () => {
        const result = await runProgram(() => ({ f: new FleetCertificateAuthority("fleet", { organization: "Acme", keyAlgorithm: KeyAlgorithm.EcdsaP384, clusters: [{ name: "east" }, { name: "west" }] }) }));
        const keys = result.resources.filter((r) => r.type === "tls:index/privateKey:PrivateKey");
        assert.equal(keys.length, 3, "the root's and two intermediates'");
        for (const k of keys) {
            assert.deepEqual([k.inputs.algorithm, k.inputs.ecdsaCurve], ["ECDSA", "P384"], k.name);
        }
        const issuers = await valueOf(result.value.f.issuers);
        const im = issuerOf(issuers.west.certPem as string);
        assert.match(im.subject, /O=Acme/);
        assert.match(issuerOf(issuers.west.rootCertPem as string).subject, /O=Acme/);
        assert.equal(im.publicKey.asymmetricKeyDetails?.namedCurve, "secp384r1");
    });

    it("the exported material gives a cluster stack its issuer in each state the fleet allows, and refuses the others", async () => {
        const result = await runProgram(() => ({ f: new FleetCertificateAuthority("fleet", { ...N2, clusters: [{ name: "east" }, { name: "west" }] }) }));
        const material = await valueOf(result.value.f.material);
        assert.deepEqual(Object.keys(material.generations).sort(), ["1", "2"]);
        const behind = fleetClusterIssuer(material, "west", T2);
        assert.ok("issuer" in behind, JSON.stringify(behind));
        assert.match(issuerOf(behind.issuer.certPem).subject, /west intermediate g1 /);
        const same = fleetClusterIssuer(material, "west", N2);
        assert.ok("issuer" in same);
        assert.match(issuerOf(same.issuer.certPem).subject, /west intermediate g2 /);
        assert.equal(same.issuer.trustBundlePem, behind.issuer.trustBundlePem);
        const ahead = fleetClusterIssuer(material, "west", S2);
        assert.ok("problem" in ahead);
        assert.match(ahead.problem, /ahead of the fleet CA/);
        const tooFarBehind = fleetClusterIssuer(material, "west", S1);
        assert.ok("problem" in tooFarBehind);
        assert.match(tooFarBehind.problem, /move this cluster to TrustNew first/);
        const unknown = fleetClusterIssuer(material, "north", N2);
        assert.ok("problem" in unknown && /no cluster "north"/.test(unknown.problem));
    });

    it("an external root with its key signs the clusters' intermediates; no root resource; the key stays secret in state", async () => {
        const root = await makeCa("Corp Root");
        const result = await runProgram(() => ({
            f: new FleetCertificateAuthority("fleet", { clusters: [{ name: "east" }], externalRoots: [{ generation: 1, certPem: root.certPem, privateKeyPem: root.keyPem }] }),
        }));
        assert.equal(result.resources.filter((r) => r.type === "tls:index/selfSignedCert:SelfSignedCert").length, 0);
        const issuers = await valueOf(result.value.f.issuers);
        const im = issuerOf(issuers.east.certPem as string);
        const corp = new X509Certificate(root.certPem);
        assert.ok(im.checkIssued(corp) && im.verify(corp.publicKey));
        assert.equal(await valueOf(result.value.f.trustBundlePem), root.certPem);
        const signer = result.resources.find((r) => r.name === "fleet-east-g1-intermediate");
        assert.ok(signer);
        assert.equal(signer.secretPaths.includes("caPrivateKeyPem"), true, "the root key is a secret input of the signer");
        const component = result.resources.find((r) => r.type === FLEET);
        assert.ok(component);
        assert.deepEqual(component.secretPaths, ["externalRoots.0.privateKeyPem"], "recorded arguments keep the key secret");
    });

    it("an offline root: no tls resource at all; each cluster's supplied intermediate is its issuer", async () => {
        const root = await makeCa("Offline Root");
        const east = await makeCa("Offline east", root, { untilDays: 365 });
        const result = await runProgram(() => ({
            f: new FleetCertificateAuthority("fleet", {
                clusters: [{ name: "east", signedIntermediates: [{ generation: 1, certPem: east.certPem, privateKeyPem: east.keyPem }] }],
                externalRoots: [{ generation: 1, certPem: root.certPem }],
            }),
        }));
        assert.deepEqual(result.resources.filter((r) => r.type.startsWith("tls:") || r.type.startsWith("random:")).map((r) => r.name), []);
        const issuers = await valueOf(result.value.f.issuers);
        assert.equal(issuers.east.certPem, east.certPem);
        assert.equal(issuers.east.privateKeyPem, east.keyPem);
        assert.equal(issuers.east.rootCertPem, root.certPem);
    });

    it("bad material given as an Output fails the deployment, naming the argument", async () => {
        const root = await makeCa("Corp Root");
        const other = await makeCa("Other Root");
        const { error } = await runExpectingError(() => new FleetCertificateAuthority("fleet", { clusters: [{ name: "east" }], externalRoots: [{ generation: 1, certPem: pulumi.output(root.certPem), privateKeyPem: pulumi.secret(other.keyPem) }] }));
        assert.match(error.message, /externalRoots\[0\]\.privateKeyPem/);
        assert.doesNotMatch(error.message, /PRIVATE KEY/, "no key material in the message");
    });

    it("a step that breaks trust is refused from a known previous state, naming the fields", async () => {
        const { error } = await runExpectingError(() => new FleetCertificateAuthority("fleet", { ...N2, previousRotationState: S1, clusters: [{ name: "east" }] }));
        assert.match(error.message, /generation\/previousGeneration\/rotationPhase/);
        assert.match(error.message, /take this step first: generation: 2, previousGeneration: 1, rotationPhase: TrustNew/);
    });
});
