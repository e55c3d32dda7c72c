// The main program: the whole meshtls platform from stack config (`meshtls:*`, see README). With
// `meshtls:target render` (the default, and Pulumi.dev.yaml) every manifest is written to ./rendered
// and no cluster is needed; with `target cluster` it applies to the kubeconfig context.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DeployTarget, MtlsPlatform, readPlatformConfig } from "./sdk";

const config = readPlatformConfig(pulumi.runtime.allConfig());

const provider =
    config.target === DeployTarget.Render
        ? new k8s.Provider("k8s", { renderYamlToDirectory: config.renderDirectory })
        : new k8s.Provider("k8s", { context: config.kubeconfigContext });

const platform = new MtlsPlatform("meshtls", config.platform, { providers: [provider] });

/** Every certificate the platform manages: name -> fingerprintSha256, notAfter, serialNumber. */
export const certificates = platform.certificates;
/** Every protected link and its mode. */
export const posture = platform.posture;
/** Fingerprints of the trusted roots, in bundle order. */
export const trustBundleFingerprints = platform.trustBundleFingerprints;
/** Where the manifests went. */
export const target = config.target;
