// The rotation guard at component level (CertificateAuthority, MtlsPlatform, the root program through a
// StackReference to its own stack) and the Gloo switch from Pulumi to CronJob rotation, which must not
// leave the cluster without gloo-mtls-certs until the chart's cron fires.
import { strict as assert } from "node:assert";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { CaRotationState, CertificateAuthority, GlooCertRotation, GlooMtls, MtlsPlatform, RotationPhase } from "../../sdk";
import { ProgramResult, RegisteredResource, assertRejected, loadProgram, readStackConfig, resolve, runExpectingError, runProgram, valueOf } from "../harness";

const CA = "meshtls:index:CertificateAuthority";
const ROOT = path.join(__dirname, "..", "..");
const stable = (g: number): CaRotationState => ({ generation: g, rotationPhase: RotationPhase.Stable });
const trustNew = (g: number, p: number): CaRotationState => ({ generation: g, previousGeneration: p, rotationPhase: RotationPhase.TrustNew });
const serveNew = (g: number, p: number): CaRotationState => ({ generation: g, previousGeneration: p, rotationPhase: RotationPhase.ServeNew });

describe("reliability: rotation guard and the Gloo rotation switch", () => {
    describe("CertificateAuthority: a known previousRotationState", () => {
        it("refuses Stable g6 -> ServeNew g7 before registering anything, naming the argument and the step to take", async () => {
            await assertRejected(
                () => new CertificateAuthority("fleet-ca", { ...serveNew(7, 6), previousRotationState: stable(6) }),
                CA,
                "fleet-ca",
                /generation\/previousGeneration\/rotationPhase: got "generation: 7, previousGeneration: 6, rotationPhase: ServeNew"; the step from previousRotationState \(generation: 6, rotationPhase: Stable\) breaks trust: .*take this step first: generation: 7, previousGeneration: 6, rotationPhase: TrustNew/,
            );
        });

        it("refuses Stable g6 -> Stable g7 and TrustNew g7 -> Stable g7, each with its own next step", async () => {
            await assertRejected(() => new CertificateAuthority("fleet-ca", { ...stable(7), previousRotationState: stable(6) }), CA, "fleet-ca", /take this step first: generation: 7, previousGeneration: 6, rotationPhase: TrustNew/);
            await assertRejected(() => new CertificateAuthority("fleet-ca", { ...stable(7), previousRotationState: trustNew(7, 6) }), CA, "fleet-ca", /take this step first: generation: 7, previousGeneration: 6, rotationPhase: ServeNew/);
        });

        it("refuses a rollback that drops the signing root: ServeNew g7 -> Stable g6", async () => {
            await assertRejected(() => new CertificateAuthority("fleet-ca", { ...stable(6), previousRotationState: serveNew(7, 6) }), CA, "fleet-ca", /take this step first: generation: 7, previousGeneration: 6, rotationPhase: TrustNew/);
        });

        it("allows the runbook step and exports the requested state as rotationState", async () => {
            const r = await runProgram(() => new CertificateAuthority("fleet-ca", { ...trustNew(7, 6), previousRotationState: stable(6) }));
            assert.deepEqual(await valueOf(r.value.rotationState), trustNew(7, 6));
            assert.equal(r.ofType("tls:index/selfSignedCert:SelfSignedCert").length, 2);
            const stableRun = await runProgram(() => new CertificateAuthority("fleet-ca", {}));
            assert.deepEqual(await valueOf(stableRun.value.rotationState), { generation: 1, rotationPhase: RotationPhase.Stable }, "no previousGeneration key in Stable");
        });
    });

    describe("CertificateAuthority: previousRotationState as an Output", () => {
        it("fails the deployment when it resolves to a state the step from which breaks trust, naming the argument", async () => {
            const { error } = await runExpectingError(() => new CertificateAuthority("fleet-ca", { ...stable(9), previousRotationState: pulumi.output(stable(8)) }));
            assert.match(error.message, /meshtls:index:CertificateAuthority "fleet-ca": invalid arguments/);
            assert.match(error.message, /the step from previousRotationState \(generation: 8, rotationPhase: Stable\) breaks trust.*take this step first: generation: 9, previousGeneration: 8, rotationPhase: TrustNew/);
        });

        it("fails at preview too when the value is known then", async () => {
            const { error } = await runExpectingError(() => new CertificateAuthority("fleet-ca", { ...stable(9), previousRotationState: pulumi.output(trustNew(9, 8)) }), { preview: true });
            assert.match(error.message, /previousRotationState \(generation: 9, previousGeneration: 8, rotationPhase: TrustNew\) breaks trust/);
        });

        it("is not an error when unknown at preview, nor when it resolves to nothing (a first deploy)", async () => {
            const unknown = await runProgram(
                () => {
                    // A random id's hex is unknown at preview, so this Output is too.
                    const later = new random.RandomId("later", { byteLength: 2 }).hex.apply((): CaRotationState => stable(3));
                    return new CertificateAuthority("fleet-ca", { ...stable(5), previousRotationState: later });
                },
                { preview: true },
            );
            assert.equal(unknown.ofType("tls:index/selfSignedCert:SelfSignedCert").length, 1);
            assert.equal((await resolve(unknown.value.rotationState)).known, false, "the previous state really was unknown");
            const none = await runProgram(() => new CertificateAuthority("fleet-ca", { ...stable(5), previousRotationState: pulumi.output(undefined as unknown as CaRotationState) }));
            assert.deepEqual(await valueOf(none.value.rotationState), stable(5));
        });

        it("refuses a malformed previous state, naming previousRotationState", async () => {
            const { error } = await runExpectingError(() => new CertificateAuthority("fleet-ca", { previousRotationState: pulumi.output({ generation: "2", rotationPhase: "Stable" } as unknown as CaRotationState) }));
            assert.match(error.message, /previousRotationState: got \{"generation":"2","rotationPhase":"Stable"\}; generation must be a whole number >= 1/);
        });
    });

    describe("MtlsPlatform", () => {
        it("passes ca.previousRotationState to the CA: a trust-breaking step is refused before anything registers", async () => {
            const { error, resources } = await runExpectingError(() => new MtlsPlatform("edge", { istio: { enabled: false }, ca: { ...stable(4), previousRotationState: stable(3) } }));
            assert.match(error.message, /previousRotationState/);
            assert.match(error.message, /take this step first: generation: 4, previousGeneration: 3, rotationPhase: TrustNew/);
            assert.deepEqual(resources.map((r) => r.name), [], "nothing may be registered before validation fails");
        });

        it("exports the CA's rotationState", async () => {
            const r = await runProgram(() => new MtlsPlatform("edge", { istio: { enabled: false }, ca: { ...serveNew(4, 3), previousRotationState: trustNew(4, 3) } }));
            assert.deepEqual(await valueOf(r.value.rotationState), serveNew(4, 3));
        });
    });

    describe("the root program reads its own stack's previous rotationState", () => {
        const main = () => loadProgram(path.join(ROOT, "index.ts"));
        const config = (ca: CaRotationState, extra: Record<string, unknown> = {}) =>
            readStackConfig(path.join(ROOT, "Pulumi.dev.yaml"), { "meshtls:ca": { commonName: "guarded CA", ...ca }, ...extra });
        const stackRef = (r: ProgramResult<unknown>) => r.resources.filter((x) => x.type === "pulumi:pulumi:StackReference");

        it("first deploy (the stack exported nothing yet): allowed, and the reference names this very stack", async () => {
            const r = await runProgram(main, { config: config(stable(2)), stack: "guarded" });
            assert.deepEqual(stackRef(r).map((x) => x.readId), ["organization/meshtls/guarded"]);
            assert.deepEqual(await valueOf(r.value.rotationState), stable(2));
        });

        it("refuses Stable g2 -> ServeNew g3 from the previous outputs, naming previousRotationState", async () => {
            const { error } = await runExpectingError(main, { config: config(serveNew(3, 2)), stackOutputs: { rotationState: stable(2) } });
            assert.match(error.message, /the step from previousRotationState \(generation: 2, rotationPhase: Stable\) breaks trust.*take this step first: generation: 3, previousGeneration: 2, rotationPhase: TrustNew/);
        });

        it("refuses it at preview too (a pull request's preview fails)", async () => {
            const { error } = await runExpectingError(main, { config: config(serveNew(3, 2)), stackOutputs: { rotationState: stable(2) }, preview: true });
            assert.match(error.message, /previousRotationState/);
        });

        it("allows the runbook step, and an imported stack (older outputs without rotationState)", async () => {
            const step = await runProgram(main, { config: config(trustNew(3, 2)), stackOutputs: { rotationState: stable(2) } });
            assert.deepEqual(await valueOf(step.value.rotationState), trustNew(3, 2));
            const imported = await runProgram(main, { config: config(stable(3)), stackOutputs: { target: "render" } });
            assert.deepEqual(await valueOf(imported.value.rotationState), stable(3));
        });

        it("meshtls:skipRotationGuard true skips the check knowingly (and reads no stack reference)", async () => {
            const r = await runProgram(main, { config: config(stable(3), { "meshtls:skipRotationGuard": true }), stackOutputs: { rotationState: stable(2) } });
            assert.deepEqual(stackRef(r), []);
            assert.deepEqual(await valueOf(r.value.rotationState), stable(3));
        });

        it("meshtls:skipRotationGuard must be a boolean", async () => {
            const { error, resources } = await runExpectingError(main, { config: config(stable(1), { "meshtls:skipRotationGuard": "yes" }) });
            assert.match(error.message, /meshtls:skipRotationGuard: got "yes"/);
            assert.deepEqual(resources.map((r) => r.name), []);
        });
    });

    describe("Gloo: switching from Pulumi to CronJob rotation keeps gloo-mtls-certs", () => {
        /**
         * What the engine does to the cluster when the program moves from `before` to `after`: a
         * resource registered before and not after is deleted, unless it was registered with
         * retainOnDelete (then only dropped from state). Keyed by URN.
         */
        const deletedFromCluster = (before: ProgramResult<unknown>, after: ProgramResult<unknown>): RegisteredResource[] => {
            const next = new Set(after.resources.map((r) => r.urn));
            return before.resources.filter((r) => r.custom && r.readId === undefined && !next.has(r.urn) && !r.retainOnDelete);
        };
        const certGenJob = (r: ProgramResult<unknown>, release: string) =>
            ((r.get("kubernetes:helm.sh/v3:Release", release).inputs.values as { gateway: { certGenJob: Record<string, unknown> } }).gateway.certGenJob);

        it("GlooMtls: the switch deletes no Secret; the retained one is what the chart's cron rotates", async () => {
            const pulumiRotation = await runProgram(() => {
                const ca = new CertificateAuthority("edge-ca", {});
                return new GlooMtls("edge", { xds: { issuer: ca.issuer } });
            });
            const cronRotation = await runProgram(() => {
                new CertificateAuthority("edge-ca", {});
                return new GlooMtls("edge", { xds: { rotation: GlooCertRotation.CronJob, cronSchedule: "15 4 * * 0" } });
            });
            const secret = pulumiRotation.k8sResource("Secret", "gloo-mtls-certs", "gloo-system");
            assert.equal(secret.retainOnDelete, true);
            assert.deepEqual(cronRotation.k8sObjects("Secret"), [], "CronJob rotation registers no Secret");
            const deleted = deletedFromCluster(pulumiRotation, cronRotation);
            assert.ok(deleted.length > 0, "the xDS certificate's own resources go");
            assert.deepEqual(deleted.filter((r) => r.type === "kubernetes:core/v1:Secret").map((r) => r.name), []);
            // Why retaining is needed: nothing in the chart recreates the secret on upgrade (certgen is a
            // pre-install hook unless runOnUpdate), and the cron rotates the existing one (forceRotation is
            // left to the chart's default, true).
            const job = certGenJob(cronRotation, "edge-gloo");
            assert.notEqual(job.runOnUpdate, true);
            assert.notEqual(job.forceRotation, false);
            assert.deepEqual(job.cron, { enabled: true, schedule: "15 4 * * 0" });
        });

        it("MtlsPlatform: the same switch through gloo.xdsRotation", async () => {
            const before = await runProgram(() => new MtlsPlatform("p", { istio: { enabled: false }, gloo: {} }));
            const after = await runProgram(() => new MtlsPlatform("p", { istio: { enabled: false }, gloo: { xdsRotation: GlooCertRotation.CronJob } }));
            assert.equal(before.k8sResource("Secret", "gloo-mtls-certs", "gloo-system").retainOnDelete, true);
            const deleted = deletedFromCluster(before, after);
            assert.equal(deleted.filter((r) => r.type.startsWith("tls:")).length, 3, "the xDS leaf's key, CSR and certificate go");
            assert.deepEqual(deleted.filter((r) => r.type.startsWith("kubernetes:")).map((r) => r.name), []);
        });

        it("the model is not vacuous: without retainOnDelete the switch would delete the Secret", async () => {
            const before = await runProgram(() => new MtlsPlatform("p", { istio: { enabled: false }, gloo: {} }));
            const after = await runProgram(() => new MtlsPlatform("p", { istio: { enabled: false }, gloo: { xdsRotation: GlooCertRotation.CronJob } }));
            const notRetained = new ProgramResult(before.resources.map((r) => ({ ...r, retainOnDelete: false })), before.value);
            assert.deepEqual(deletedFromCluster(notRetained, after).filter((r) => r.type === "kubernetes:core/v1:Secret").map((r) => r.name), ["p-gloo-mtls-certs"]);
        });
    });
});
