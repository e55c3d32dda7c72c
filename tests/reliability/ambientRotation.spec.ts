// Rotation phases in ambient keep every trusted root in root-cert.pem at every step (issue 18, "Done when").
// ztunnel has no PCDS, so `meshConfig.caCertificates` never reaches it: the only roots it trusts for HBONE
// mTLS are those bundled in the last element of the CSR response, i.e. the cacerts Secret's root-cert.pem
// (sdk/posture/rules/ztunnelTrust.ts, istio/ztunnel 1.30.3 src/identity/caclient.rs and src/tls/certificate.rs).
// So at every phase root-cert.pem must hold every root the phase trusts, and the signing CA must chain to
// one of them. Each phase runs an ambient IstioMesh with a CertificateAuthority under the harness's real-cert
// tls mocks (meshtls/testing), and the PEMs are parsed with node:crypto, never by hand.
import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { CertificateAuthority, DataPlaneMode, IstioMesh, posture } from "../../sdk";
import { ProgramResult, runProgram, valueOf } from "../harness";
import { ROTATION_STEPS, RotationStep } from "../pki/rotationPhases";

const CHART = "kubernetes:helm.sh/v4:Chart";

type Phase = RotationStep;
const PHASES = ROTATION_STEPS;

const ambientMesh = (phase: Phase) => () => {
    const ca = new CertificateAuthority("mesh-ca", { commonName: "ambient mesh CA", intermediate: {}, ...phase.ca });
    const mesh = new IstioMesh("mesh", { dataPlaneMode: DataPlaneMode.Ambient, pluginCa: ca.issuer });
    return { ca, mesh };
};

/** The four PEM files of the cacerts Secret (what istiod loads and hands to ztunnel). */
type Cacerts = Record<"ca-cert.pem" | "cert-chain.pem" | "root-cert.pem", string>;

const cacertsOf = (result: ProgramResult<unknown>): Cacerts => result.k8sObject("Secret", "cacerts", "istio-system").stringData as Cacerts;

const parse = (pem: string): X509Certificate[] => posture.splitPemCertificates(pem).map((p) => new X509Certificate(p));

/** The generation in a meshtls CA subject (`CN=<base> g<generation> <suffix>`). */
const generationOf = (cert: X509Certificate): number => Number(/ g(\d+) /.exec(cert.subject)?.[1] ?? NaN);

/** Whether `cert` is a self-signed root. */
const isRoot = (cert: X509Certificate): boolean => cert.ca && cert.checkIssued(cert) && cert.verify(cert.publicKey);

/**
 * Whether the signing CA chains, through `cert-chain.pem`, to one of `trustedRoots`: each step checks the
 * issuer name and the signature, and the walk must end on a trusted self-signed root.
 */
function chainsToTrustedRoot(signerPem: string, chainPem: string, trustedRoots: readonly X509Certificate[]): boolean {
    const candidates = [...parse(chainPem), ...trustedRoots];
    let current = new X509Certificate(signerPem);
    for (let hops = 0; hops <= candidates.length; hops++) {
        if (isRoot(current)) {
            return trustedRoots.some((r) => r.fingerprint256 === current.fingerprint256);
        }
        const issuer = candidates.find((c) => c.fingerprint256 !== current.fingerprint256 && current.checkIssued(c) && current.verify(c.publicKey));
        if (issuer === undefined) {
            return false;
        }
        current = issuer;
    }
    return false;
}

/**
 * What is wrong with a cacerts bundle for ambient: roots the phase trusts that root-cert.pem lacks (ztunnel
 * would refuse peers whose certificates chain to them), ztunnel's trusted set differing from the trusted
 * fingerprints, or a signing CA that does not chain to a root ztunnel trusts. Empty when it is right.
 */
function ambientTrustProblems(cacerts: Cacerts, trustedFingerprints: readonly string[]): string[] {
    const problems: string[] = [];
    const inRootCert = parse(cacerts["root-cert.pem"]);
    const ztunnelRoots = posture.ztunnelTrustedRoots([cacerts["root-cert.pem"]], []).map((p) => new X509Certificate(p));
    for (const fp of trustedFingerprints) {
        if (!inRootCert.some((c) => c.fingerprint256 === fp)) {
            problems.push(`root-cert.pem lacks trusted root ${fp}`);
        }
    }
    for (const c of inRootCert) {
        if (!isRoot(c)) {
            problems.push(`root-cert.pem holds a certificate that is not a self-signed root: ${c.subject}`);
        }
    }
    const ztunnelFps = ztunnelRoots.map((c) => c.fingerprint256);
    if (JSON.stringify([...ztunnelFps].sort()) !== JSON.stringify([...trustedFingerprints].sort())) {
        problems.push(`ztunnel trusts [${ztunnelFps.join(", ")}], the phase trusts [${trustedFingerprints.join(", ")}]`);
    }
    if (!chainsToTrustedRoot(cacerts["ca-cert.pem"], cacerts["cert-chain.pem"], ztunnelRoots)) {
        problems.push("the signing CA does not chain to a root ztunnel trusts");
    }
    return problems;
}

describe("reliability: rotation phases in ambient keep every trusted root in root-cert.pem at every step", () => {
    const runs = new Map<string, { cacerts: Cacerts; trusted: string[]; result: ProgramResult<ReturnType<ReturnType<typeof ambientMesh>>> }>();
    const runPhase = async (phase: Phase) => {
        const cached = runs.get(phase.label);
        if (cached) {
            return cached;
        }
        const result = await runProgram(ambientMesh(phase));
        const run = { result, cacerts: cacertsOf(result), trusted: await valueOf(result.value.ca.trustBundleFingerprints) };
        runs.set(phase.label, run);
        return run;
    };

    it("walks Stable g1 -> TrustNew g2 -> ServeNew g2 -> Stable g2", () => {
        assert.equal(PHASES.length, 4);
        assert.deepEqual(PHASES.map((p) => p.trusted.length), [1, 2, 2, 1]);
    });

    for (const phase of PHASES) {
        it(`${phase.label}: root-cert.pem holds exactly the roots of generations ${phase.trusted.join(" and ")}, ztunnel trusts them all, generation ${phase.signing} signs and chains to one`, async () => {
            const { result, cacerts, trusted } = await runPhase(phase);
            // The mesh is ambient: ztunnel is installed and reads trust from this Secret.
            assert.equal(await valueOf(result.value.mesh.dataPlaneMode), DataPlaneMode.Ambient);
            assert.equal(result.ofType(CHART).filter((c) => c.name === "mesh-ztunnel").length, 1);

            const roots = parse(cacerts["root-cert.pem"]);
            assert.equal(roots.length, phase.trusted.length);
            assert.equal(trusted.length, phase.trusted.length);
            assert.deepEqual(roots.map((r) => r.fingerprint256), trusted, "root-cert.pem holds the CA's trust bundle, in order");
            assert.deepEqual(roots.map(generationOf), phase.trusted);
            for (const root of roots) {
                assert.ok(isRoot(root), root.subject);
            }

            const ztunnelRoots = posture.ztunnelTrustedRoots([cacerts["root-cert.pem"]], []);
            assert.equal(ztunnelRoots.length, phase.trusted.length);
            assert.deepEqual(ztunnelRoots.map((p) => new X509Certificate(p).fingerprint256), trusted);
            assert.deepEqual(await valueOf(result.value.mesh.rootFingerprints), trusted);

            const signer = new X509Certificate(cacerts["ca-cert.pem"]);
            assert.equal(generationOf(signer), phase.signing);
            assert.equal(isRoot(signer), false, "the intermediate signs; the root stays in Pulumi state");
            assert.ok(chainsToTrustedRoot(cacerts["ca-cert.pem"], cacerts["cert-chain.pem"], ztunnelRoots.map((p) => new X509Certificate(p))));
            assert.deepEqual(ambientTrustProblems(cacerts, trusted), []);
        });
    }

    it("TrustNew and ServeNew: ztunnel trusts both roots, so certificates from either generation verify during the dwell", async () => {
        const both = PHASES.filter((p) => p.trusted.length === 2);
        assert.equal(both.length, 2);
        for (const phase of both) {
            const { cacerts } = await runPhase(phase);
            const generations = posture.ztunnelTrustedRoots([cacerts["root-cert.pem"]], []).map((p) => generationOf(new X509Certificate(p)));
            assert.deepEqual(generations, [1, 2], phase.label);
        }
    });

    it("catches a ServeNew bundle with only the new root: peers still holding generation 1 certificates would be refused", async () => {
        const serveNew = PHASES[2];
        assert.equal(serveNew.label, "ServeNew g2");
        const { cacerts, trusted } = await runPhase(serveNew);
        const roots = posture.splitPemCertificates(cacerts["root-cert.pem"]);
        assert.equal(roots.length, 2);
        const onlyNew = roots.filter((p) => generationOf(new X509Certificate(p)) === 2);
        assert.equal(onlyNew.length, 1);
        const problems = ambientTrustProblems({ ...cacerts, "root-cert.pem": `${onlyNew[0]}\n` }, trusted);
        assert.equal(problems.length, 2, problems.join("; "));
        assert.match(problems[0], new RegExp(`^root-cert\\.pem lacks trusted root ${trusted[0]}$`));
        assert.match(problems[1], /^ztunnel trusts \[[0-9A-F:]+\], the phase trusts/);
    });

    it("catches a ServeNew bundle with only the old root: the new signing CA chains to no root ztunnel trusts", async () => {
        const { cacerts, trusted } = await runPhase(PHASES[2]);
        const onlyOld = posture.splitPemCertificates(cacerts["root-cert.pem"]).filter((p) => generationOf(new X509Certificate(p)) === 1);
        assert.equal(onlyOld.length, 1);
        const problems = ambientTrustProblems({ ...cacerts, "root-cert.pem": `${onlyOld[0]}\n` }, trusted);
        assert.equal(problems.length, 3, problems.join("; "));
        assert.equal(problems[2], "the signing CA does not chain to a root ztunnel trusts");
    });

    it("meshConfig.caCertificates does not count: a root only there is not trusted by ztunnel", async () => {
        const { cacerts } = await runPhase(PHASES[2]);
        const [oldRoot, newRoot] = posture.splitPemCertificates(cacerts["root-cert.pem"]);
        assert.equal(posture.ztunnelTrustedRoots([newRoot], [oldRoot]).length, 1);
        assert.deepEqual(posture.rootsMissingForZtunnel([newRoot], [oldRoot]), [oldRoot.trim()]);
    });

    it("the ambient-mesh README (the runbook) gives the dwell time between phases", () => {
        const readme = fs.readFileSync(path.join(__dirname, "..", "..", "examples", "ambient-mesh", "README.md"), "utf8");
        const seconds = posture.AMBIENT_ROTATION_DWELL_SECONDS;
        assert.equal(seconds, 46800, "24 h certificates refreshed at half their life, plus a 1 h margin");
        assert.ok(readme.includes(`${seconds / 3600} h`), `README states ${seconds / 3600} h`);
        assert.ok(readme.includes(`${seconds} s`), `README states ${seconds} s`);
    });
});
