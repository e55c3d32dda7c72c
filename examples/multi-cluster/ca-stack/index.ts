// The fleet CA stack of the stack-per-cluster layout (issue 20): a FleetCertificateAuthority for the
// clusters named in `clusterStacks`. It exports `material` (secret: every generation's root and
// per-cluster intermediates, keys included) for the cluster stacks, and `rotationState`. Two guards:
// its own step (previousRotationState, read back from this stack) and the fleet's (each cluster stack's
// exported rotationState as clusterRotationStates: ServeNew waits until every cluster trusts the new
// root, Stable until every cluster serves from it).
// In your own program import from "meshtls" instead of "../../../sdk".
import * as pulumi from "@pulumi/pulumi";
import { CaRotationState, ExternalRootArgs, FleetCertificateAuthority, RotationPhase, SignedIntermediateArgs } from "../../../sdk";

const config = new pulumi.Config();
const clusterStacks = config.requireObject<Record<string, string>>("clusterStacks");
const trustDomains = config.getObject<Partial<Record<string, string>>>("trustDomains") ?? {};
// A supplied root (`pulumi config set --secret --path 'externalRoots[0].certPem' ...`): the generation
// must be known to plan, the PEMs stay secret.
const externalRoots = config.getObject<ExternalRootArgs[]>("externalRoots")?.map((r) => ({
    generation: r.generation,
    certPem: pulumi.secret(r.certPem),
    ...(r.privateKeyPem === undefined ? {} : { privateKeyPem: pulumi.secret(r.privateKeyPem) }),
}));

// An offline root (an externalRoots entry without privateKeyPem): each cluster's intermediate, signed
// outside Pulumi, by cluster name (`pulumi config set --secret --path 'signedIntermediates.east[0].certPem' ...`).
const signedIntermediates = config.getObject<Partial<Record<string, SignedIntermediateArgs[]>>>("signedIntermediates") ?? {};
const signedFor = (cluster: string) => signedIntermediates[cluster]?.map((s) => ({ generation: s.generation, certPem: pulumi.secret(s.certPem), privateKeyPem: pulumi.secret(s.privateKeyPem) }));

const names = Object.keys(clusterStacks);
const stateOf = (resource: string, stack: string) => new pulumi.StackReference(resource, { name: stack }).getOutput("rotationState") as pulumi.Output<CaRotationState>;
const clusterRotationStates = pulumi.all(Object.fromEntries(names.map((c) => [c, stateOf(`cluster-${c}`, clusterStacks[c])])));

const ca = new FleetCertificateAuthority("fleet-ca", {
    clusters: names.map((name) => {
        const signed = signedFor(name);
        return { name, trustDomain: trustDomains[name] ?? `${name}.example`, ...(signed === undefined ? {} : { signedIntermediates: signed }) };
    }),
    ...(externalRoots === undefined ? {} : { externalRoots }),
    generation: config.getNumber("generation") ?? 1,
    previousGeneration: config.getNumber("previousGeneration"),
    rotationPhase: config.get<RotationPhase>("rotationPhase") ?? RotationPhase.Stable,
    previousRotationState: stateOf("self", `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`),
    clusterRotationStates,
});

/** What each cluster stack reads (`fleetIssuer.material`). Secret. */
export const material = ca.material;
/** The CA's rotation state; the next update reads it back, and each cluster stack's fleet check compares with it. */
export const rotationState = ca.rotationState;
/** Fingerprints of the roots the fleet trusts, in bundle order. */
export const trustBundleFingerprints = ca.trustBundleFingerprints;
