// Seed 000 (Kuadrant: mTLS between the gateway and Authorino/Limitador) as one component, in either
// mode: the Kuadrant operator does it (>= 1.3), or the component automates the manual procedure.
// Assumes Kuadrant is installed and an AuthPolicy/RateLimitPolicy targets the gateway.
// In your own program import from "meshtls" instead of "../../sdk".
import * as pulumi from "@pulumi/pulumi";
import { IstioMesh, KuadrantMtls, KuadrantMtlsMode, MtlsMode } from "../../sdk";

const config = new pulumi.Config();
const mode = config.get<KuadrantMtlsMode>("mode") ?? KuadrantMtlsMode.Operator;
const enabled = config.getBoolean("enabled") ?? true;
// The installed Kuadrant operator (default: the pinned 1.5.2). Manual mode needs one before 1.3.
const kuadrantVersion = config.get("kuadrantVersion");
const gateway = { name: config.get("gatewayName") ?? "external", namespace: config.get("gatewayNamespace") ?? "gateway-system" };

// PERMISSIVE mesh-wide: Kuadrant's namespace must not be STRICT before the gateway speaks TLS to it.
const mesh = new IstioMesh("mesh", { mtlsMode: MtlsMode.PERMISSIVE });

const kuadrant = new KuadrantMtls(
    "kuadrant",
    {
        mode,
        enabled,
        kuadrantVersion,
        gateways: mode === KuadrantMtlsMode.Manual ? [gateway] : undefined,
        removeSidecars: mode === KuadrantMtlsMode.Manual ? config.getBoolean("removeSidecars") : undefined,
    },
    { dependsOn: [mesh] },
);

export const posture = kuadrant.posture;
export const kuadrantMode = kuadrant.mode;
