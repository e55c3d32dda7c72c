import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { resolveArgs } from "../internal/inputs";
import { ArgsValidator } from "../internal/validation";
import { certificateFacts, joinPem, leafOutlivesIssuer } from "./fingerprint";
import { CERTIFICATE_TYPE, planCertificate } from "./plan";
import { issuerParts, publicIssuer } from "./types";
import type { CertificateArgs } from "./args";

export type { CertificateArgs } from "./args";

/**
 * A leaf certificate signed by an IssuerMaterial, for TLS servers and/or clients.
 *
 * Under mocks that echo a resource's inputs as its state (Pulumi's unit-testing guide), the tls provider
 * returns no certificate: `fingerprintSha256`, `notAfter` and `serialNumber` are then ""
 * (docs/testing.md; `meshtls/testing` makes real certificates).
 */
export class Certificate extends pulumi.ComponentResource {
    /** PEM of the leaf certificate. */
    public readonly certPem!: pulumi.Output<string>;
    /** The leaf followed by the issuer's intermediates (what a TLS peer sends), without the root. */
    public readonly chainPem!: pulumi.Output<string>;
    /** PEM private key of the leaf. Secret. */
    public readonly privateKeyPem!: pulumi.Output<string>;
    /** The roots that peers of this certificate should trust (the issuer's trust bundle). */
    public readonly trustBundlePem!: pulumi.Output<string>;
    /** SHA-256 fingerprint of the leaf (upper-case colon hex). */
    public readonly fingerprintSha256!: pulumi.Output<string>;
    /** Start of validity of the leaf, ISO 8601 UTC. */
    public readonly notBefore!: pulumi.Output<string>;
    /** End of validity of the leaf, ISO 8601 UTC. */
    public readonly notAfter!: pulumi.Output<string>;
    /** Serial number of the leaf, upper-case hex. */
    public readonly serialNumber!: pulumi.Output<string>;

    constructor(name: string, args: CertificateArgs, opts?: pulumi.ComponentResourceOptions) {
        const r = resolveArgs(CERTIFICATE_TYPE, name, args, (a) => planCertificate(name, a));
        const plan = r.shape;
        // The recorded inputs carry the issuer's certificates, never its key.
        super(CERTIFICATE_TYPE, name, { ...args, issuer: publicIssuer(args.issuer) }, opts);

        const issuer = issuerParts(args.issuer);
        const key = new tls.PrivateKey(plan.keyName, r.args((p) => p.privateKey), { parent: this });
        const csr = new tls.CertRequest(
            plan.csrName,
            {
                privateKeyPem: key.privateKeyPem,
                ...r.args((p) => ({ subject: p.subject, dnsNames: p.dnsNames, uris: p.uris, ipAddresses: p.ipAddresses })),
            },
            { parent: this },
        );
        const cert = new tls.LocallySignedCert(
            plan.certName,
            {
                certRequestPem: csr.certRequestPem,
                caCertPem: issuer.certPem,
                caPrivateKeyPem: issuer.privateKeyPem,
                ...r.args((p) => ({ allowedUses: p.allowedUses, validityPeriodHours: p.validityHours, earlyRenewalHours: p.earlyRenewalHours })),
            },
            { parent: this },
        );

        this.certPem = cert.certPem;
        this.chainPem = pulumi.all([cert.certPem, issuer.intermediatesPem]).apply(([leaf, chain]) => joinPem(leaf, chain));
        this.privateKeyPem = pulumi.secret(key.privateKeyPem);
        this.trustBundlePem = issuer.trustBundlePem;
        const facts = cert.certPem.apply(certificateFacts);
        this.fingerprintSha256 = facts.fingerprintSha256;
        this.notBefore = facts.notBefore;
        // The last line of the validity bounds: a leaf must not outlive its issuer (MtlsPlatform checks
        // this before registering; a standalone issuer's dates are only known once it exists).
        this.notAfter = pulumi.all([cert.certPem, issuer.certPem, r.from((p) => p.validityHours)]).apply(([leafPem, issuerPem, hours]) => {
            const outlives = leafOutlivesIssuer(leafPem, issuerPem);
            if (outlives !== undefined) {
                const v = new ArgsValidator(CERTIFICATE_TYPE, name);
                v.fail(
                    "validityHours",
                    hours,
                    `the certificate ends ${outlives.leafNotAfter}, after its issuer's certificate (${outlives.issuerNotAfter}), and peers stop trusting it then; shorten validityHours, or issue it from a CA that lasts longer`,
                );
                v.throwIfInvalid();
            }
            return certificateFacts(leafPem).notAfter;
        });
        this.serialNumber = facts.serialNumber;
        this.registerOutputs({
            certPem: this.certPem,
            chainPem: this.chainPem,
            privateKeyPem: this.privateKeyPem,
            trustBundlePem: this.trustBundlePem,
            fingerprintSha256: this.fingerprintSha256,
            notBefore: this.notBefore,
            notAfter: this.notAfter,
            serialNumber: this.serialNumber,
        });
    }
}
