import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { isRsa, privateKeyArgs } from "./keys";
import { ArgsValidator } from "../internal/validation";
import { certificateFacts, joinPem } from "./fingerprint";
import { IssuerMaterial, KeyAlgorithm, issuerParts, publicIssuer } from "./types";

const TYPE = "meshtls:index:Certificate";
const LEAF_DEFAULTS = { validityHours: 2160, earlyRenewalHours: 720 };

/** Arguments of a Certificate. */
export interface CertificateArgs {
    /** The CA that signs, usually `CertificateAuthority.issuer`. */
    issuer: pulumi.Input<IssuerMaterial>;
    /** Subject common name. 1 to 64 characters. */
    commonName: string;
    /** Subject organization (O). */
    organization?: string;
    /** DNS subject alternative names, lower case; a leading `*.` wildcard is allowed. */
    dnsNames?: string[];
    /** URI subject alternative names, e.g. SPIFFE IDs. */
    uris?: string[];
    /** IP address subject alternative names. */
    ipAddresses?: string[];
    /**
     * Usable by a TLS server (extended key usage serverAuth).
     * @default true
     */
    serverAuth?: boolean;
    /**
     * Usable by a TLS client (extended key usage clientAuth), as mTLS clients need.
     * @default false
     */
    clientAuth?: boolean;
    /**
     * Key algorithm of the certificate's key.
     * @default KeyAlgorithm.EcdsaP256
     */
    keyAlgorithm?: KeyAlgorithm;
    /**
     * Validity in hours.
     * @default 2160 (90 days)
     */
    validityHours?: number;
    /**
     * Re-issue (new certificate, same key) at the first `pulumi up` once this many hours of validity
     * remain. Must be less than `validityHours`.
     * @default 720 (30 days)
     */
    earlyRenewalHours?: number;
}

/** A leaf certificate signed by an IssuerMaterial, for TLS servers and/or clients. */
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
    /** End of validity of the leaf, ISO 8601 UTC. */
    public readonly notAfter!: pulumi.Output<string>;
    /** Serial number of the leaf, upper-case hex. */
    public readonly serialNumber!: pulumi.Output<string>;

    constructor(name: string, args: CertificateArgs, opts?: pulumi.ComponentResourceOptions) {
        validateCertificateArgs(name, args);
        // The recorded inputs carry the issuer's certificates, never its key.
        super(TYPE, name, { ...args, issuer: publicIssuer(args.issuer) }, opts);

        const issuer = issuerParts(args.issuer);
        const algorithm = args.keyAlgorithm ?? KeyAlgorithm.EcdsaP256;
        const key = new tls.PrivateKey(`${name}-key`, privateKeyArgs(algorithm), { parent: this });
        const csr = new tls.CertRequest(
            `${name}-csr`,
            {
                privateKeyPem: key.privateKeyPem,
                subject: { commonName: args.commonName, organization: args.organization },
                dnsNames: args.dnsNames,
                uris: args.uris,
                ipAddresses: args.ipAddresses,
            },
            { parent: this },
        );
        const uses = ["digital_signature"];
        if (isRsa(algorithm)) {
            uses.push("key_encipherment");
        }
        if (args.serverAuth ?? true) {
            uses.push("server_auth");
        }
        if (args.clientAuth ?? false) {
            uses.push("client_auth");
        }
        const cert = new tls.LocallySignedCert(
            `${name}-cert`,
            {
                certRequestPem: csr.certRequestPem,
                caCertPem: issuer.certPem,
                caPrivateKeyPem: issuer.privateKeyPem,
                allowedUses: uses,
                validityPeriodHours: args.validityHours ?? LEAF_DEFAULTS.validityHours,
                earlyRenewalHours: args.earlyRenewalHours ?? LEAF_DEFAULTS.earlyRenewalHours,
            },
            { parent: this },
        );

        this.certPem = cert.certPem;
        this.chainPem = pulumi.all([cert.certPem, issuer.intermediatesPem]).apply(([leaf, chain]) => joinPem(leaf, chain));
        this.privateKeyPem = pulumi.secret(key.privateKeyPem);
        this.trustBundlePem = issuer.trustBundlePem;
        const facts = cert.certPem.apply(certificateFacts);
        this.fingerprintSha256 = facts.fingerprintSha256;
        this.notAfter = facts.notAfter;
        this.serialNumber = facts.serialNumber;
        this.registerOutputs({
            certPem: this.certPem,
            chainPem: this.chainPem,
            privateKeyPem: this.privateKeyPem,
            trustBundlePem: this.trustBundlePem,
            fingerprintSha256: this.fingerprintSha256,
            notAfter: this.notAfter,
            serialNumber: this.serialNumber,
        });
    }
}

function validateCertificateArgs(name: string, args: CertificateArgs): void {
    const v = new ArgsValidator(TYPE, name);
    // Callers from other languages can omit required fields; say so instead of failing later.
    const issuer: unknown = args.issuer;
    v.check(issuer !== undefined && issuer !== null, "issuer", args.issuer, "it is required: an IssuerMaterial, e.g. CertificateAuthority.issuer");
    v.nonEmpty("commonName", args.commonName, 64, true);
    if (args.organization !== undefined) {
        v.nonEmpty("organization", args.organization, 64);
    }
    v.dnsNames("dnsNames", args.dnsNames);
    v.uris("uris", args.uris);
    v.ipAddresses("ipAddresses", args.ipAddresses);
    v.enumValue("keyAlgorithm", args.keyAlgorithm, KeyAlgorithm);
    v.check(
        (args.serverAuth ?? true) || (args.clientAuth ?? false),
        "serverAuth/clientAuth",
        { serverAuth: args.serverAuth, clientAuth: args.clientAuth },
        "at least one of serverAuth and clientAuth must be true",
    );
    v.validity("", args.validityHours, args.earlyRenewalHours, LEAF_DEFAULTS);
    v.throwIfInvalid();
}
