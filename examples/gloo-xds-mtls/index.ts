// Seed 001 (Gloo Edge mTLS mode for xDS) with the secret issued and rotated by Pulumi instead of the
// chart's certgen job: global.glooMtls.enabled, gloo-mtls-certs from a meshtls CA, and the staged
// rotation (new CA trusted, new certificate served, old CA dropped) as three reviewable `pulumi up`s.
// In your own program import from "meshtls" instead of "../../sdk".
import * as pulumi from "@pulumi/pulumi";
import { CertificateAuthority, GlooMtls, RotationPhase } from "../../sdk";

const config = new pulumi.Config();

const ca = new CertificateAuthority("gloo-xds-ca", {
    commonName: "gloo xds CA",
    intermediate: {},
    generation: config.getNumber("generation") ?? 1,
    previousGeneration: config.getNumber("previousGeneration"),
    rotationPhase: config.get<RotationPhase>("rotationPhase") ?? RotationPhase.Stable,
});

const gloo = new GlooMtls("gloo", { xds: { issuer: ca.issuer } });

export const xdsCertFingerprint = gloo.fingerprintSha256;
export const xdsCertNotAfter = gloo.notAfter;
export const trustedRoots = gloo.trustBundleFingerprints;
export const signingGeneration = ca.signingGeneration;
