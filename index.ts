// The main program: the whole meshtls platform from stack config (`meshtls:*`, see README). With
// `meshtls:target render` (the default, and Pulumi.dev.yaml) every manifest is written to ./rendered
// and no cluster is needed; with `target cluster` it applies to the kubeconfig context.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CaRotationState, DeployTarget, FleetIssuerExport, MtlsPlatform, readPlatformConfig } from "./sdk";

// The project's own namespace is never taken for a typo of meshtls (a copy named, say, mesh-tls).
const config = readPlatformConfig(pulumi.runtime.allConfig(), "meshtls", [pulumi.getProject()]);

// A fleet in one program (`meshtls:clusters`) gives each cluster its own provider inside the platform.
const provider =
    config.platform.clusters !== undefined
        ? undefined
        : config.target === DeployTarget.Render
          ? new k8s.Provider("k8s", { renderYamlToDirectory: config.renderDirectory })
          : new k8s.Provider("k8s", { context: config.kubeconfigContext });

// The rotation guard: the CA refuses a step that breaks trust, judged from the state this stack
// exported at its last update (read through a reference to the stack itself). A first deploy, or a
// stack that never exported it, has none: every step is allowed. `meshtls:skipRotationGuard: true`
// skips the check knowingly (README, rotation runbook).
const previousRotationState = config.skipRotationGuard
    ? undefined
    : new pulumi.StackReference("meshtls-previous-outputs", { name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}` }).getOutput("rotationState");

// A cluster stack of the stack-per-cluster layout (`meshtls:fleetCaStack`): its issuer comes from the fleet
// CA stack's `material` output, for this stack's own rotation phase (`meshtls:ca` rotation fields).
const fleetIssuer =
    config.fleetCaStack === undefined
        ? undefined
        : { cluster: config.fleetCaStack.cluster, material: new pulumi.StackReference("meshtls-fleet-ca", { name: config.fleetCaStack.stack }).getOutput("material") as pulumi.Output<FleetIssuerExport> };

const platform = new MtlsPlatform(
    "meshtls",
    {
        ...config.platform,
        ca: { ...config.platform.ca, previousRotationState: previousRotationState as pulumi.Output<CaRotationState> | undefined },
        ...(fleetIssuer ? { fleetIssuer } : {}),
    },
    provider ? { providers: [provider] } : {},
);

/** Every certificate the platform manages: name -> fingerprintSha256, notAfter, serialNumber. */
export const certificates = platform.certificates;
/** Every protected link and its mode. */
export const posture = platform.posture;
/** Fingerprints of the trusted roots, in bundle order. */
export const trustBundleFingerprints = platform.trustBundleFingerprints;
/** Where the manifests went. */
export const target = config.target;
/** The platform CA's rotation state; the next update reads it back to guard its rotation step. */
export const rotationState = platform.rotationState;
