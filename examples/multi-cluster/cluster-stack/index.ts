// One cluster stack of the stack-per-cluster layout (issue 20), deployed with this cluster's kubeconfig
// context. MtlsPlatform `fleetIssuer` builds this cluster's `cacerts` from the fleet CA stack's `material`
// for this stack's own rotation phase: refused (naming fleetIssuer.material) in a phase the CA stack has
// not reached or has left behind. Its exported `rotationState` is what the CA stack's fleet check reads.
// The repository's root program does the same from stack config: `meshtls:fleetCaStack: {stack, cluster}`.
// In your own program import from "meshtls" instead of "../../../sdk".
import * as pulumi from "@pulumi/pulumi";
import { CaRotationState, FleetIssuerExport, MtlsPlatform, RotationPhase } from "../../../sdk";

const config = new pulumi.Config();
const cluster = config.require("cluster");
const self = new pulumi.StackReference("self", { name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}` });
const caStack = new pulumi.StackReference("fleet-ca", { name: config.require("caStack") });
// A StackReference output may be missing (the CA stack not deployed yet): fleetIssuer then refuses it.
const material = caStack.getOutput("material") as pulumi.Output<FleetIssuerExport | undefined>;
// It must be the one the CA stack records for this cluster; the platform adds the other clusters' as aliases.
const trustDomain = config.get("trustDomain") ?? `${cluster}.example`;

const platform = new MtlsPlatform(cluster, {
    ca: {
        generation: config.getNumber("generation") ?? 1,
        previousGeneration: config.getNumber("previousGeneration"),
        rotationPhase: config.get<RotationPhase>("rotationPhase") ?? RotationPhase.Stable,
        previousRotationState: self.getOutput("rotationState") as pulumi.Output<CaRotationState>,
    },
    istio: { meshId: "fleet", trustDomain, clusterName: cluster },
    fleetIssuer: { cluster, material: material as pulumi.Output<FleetIssuerExport> },
});

/** This cluster's certificates (its intermediate). */
export const certificates = platform.certificates;
/** Fingerprints of the roots this cluster trusts, in bundle order. */
export const trustBundleFingerprints = platform.trustBundleFingerprints;
/** This cluster's rotation state: the CA stack reads it (clusterRotationStates) before its next step. */
export const rotationState = platform.rotationState;
