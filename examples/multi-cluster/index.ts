// A fleet in one program (issue 20): two clusters, east and west, that trust each other's workloads.
// MtlsPlatform `clusters` creates one FleetCertificateAuthority (one root, one intermediate per cluster),
// and per cluster a Kubernetes provider and an IstioMesh whose `cacerts` holds that cluster's own
// intermediate. Each cluster has its own trust domain (the other one becomes its trust domain alias) and
// both share one mesh ID. Here each cluster renders to a directory; set `kubeconfigContext` instead of
// `renderDirectory` to apply. The rotation is by config, one `pulumi up` per phase (README).
// In your own program import from "meshtls" instead of "../../sdk".
import * as pulumi from "@pulumi/pulumi";
import { CaRotationState, MtlsPlatform, RotationPhase } from "../../sdk";

const config = new pulumi.Config();

// The rotation guard: this stack's own last `rotationState`, read back through a reference to itself
// (none on a first deploy: every step allowed), as the repository's root program does.
const self = new pulumi.StackReference("multi-cluster-previous-outputs", { name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}` });

const platform = new MtlsPlatform("fleet", {
    ca: {
        generation: config.getNumber("generation") ?? 1,
        previousGeneration: config.getNumber("previousGeneration"),
        rotationPhase: config.get<RotationPhase>("rotationPhase") ?? RotationPhase.Stable,
        previousRotationState: self.getOutput("rotationState") as pulumi.Output<CaRotationState>,
    },
    istio: { meshId: "fleet" },
    clusters: [
        { name: "east", renderDirectory: "rendered/east", istio: { trustDomain: "east.example" } },
        { name: "west", renderDirectory: "rendered/west", istio: { trustDomain: "west.example" } },
    ],
});

/** Every certificate of the fleet: the root (`ca-root`) and each cluster's intermediate (`<cluster>/ca`). */
export const certificates = platform.certificates;
/** Fingerprints of the roots every cluster trusts, in bundle order (two during TrustNew and ServeNew). */
export const trustBundleFingerprints = platform.trustBundleFingerprints;
/** The fleet's rotation state; the next update reads it back to guard its step. */
export const rotationState = platform.rotationState;
