// Pure specs of the pki plans (no mock runtime): defaults, resource names per generation, rotation,
// key algorithms, every validation error, determinism.
import type * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "node:assert";
import {
    CertificateArgs,
    CertificateAuthorityArgs,
    CertificateAuthorityPlan,
    INTERMEDIATE_DEFAULTS,
    IssuerMaterial,
    KeyAlgorithm,
    LEAF_DEFAULTS,
    ROOT_DEFAULTS,
    RotationPhase,
    caSubjectCommonName,
    planCertificate,
    planCertificateAuthority,
} from "../../sdk/pki";
import { assertInvalid } from "../planErrors";

const CA = "meshtls:index:CertificateAuthority";
const CERT = "meshtls:index:Certificate";
const ISSUER: pulumi.Unwrap<IssuerMaterial> = { certPem: "x", privateKeyPem: "y", caChainPem: "x", intermediatesPem: "", rootCertPem: "x", trustBundlePem: "x" };


const leaf = (extra: Partial<pulumi.Unwrap<CertificateArgs>> = {}): pulumi.Unwrap<CertificateArgs> => ({ issuer: ISSUER, commonName: "gloo.gloo-system.svc", ...extra });

describe("pki (pure): planCertificateAuthority", () => {
    it("resolves every default: one generation 1, ECDSA P-256, 10-year root, Stable, the root signs", () => {
        const expected: CertificateAuthorityPlan = {
            name: "mesh-ca",
            keyAlgorithm: KeyAlgorithm.EcdsaP256,
            privateKey: { algorithm: "ECDSA", ecdsaCurve: "P256", rsaBits: undefined },
            organization: undefined,
            caUses: ["cert_signing", "crl_signing", "digital_signature"],
            subjectSuffixBytes: 4,
            generation: 1,
            previousGeneration: undefined,
            rotationPhase: RotationPhase.Stable,
            generations: [
                {
                    generation: 1,
                    idName: "mesh-ca-g1-id",
                    idKeepers: { generation: "1" },
                    root: { keyName: "mesh-ca-g1-root-key", certName: "mesh-ca-g1-root", commonNameBase: "meshtls root CA", validityHours: 87600, earlyRenewalHours: 0 },
                    intermediate: undefined,
                },
            ],
            signingGeneration: 1,
        };
        assert.deepEqual(planCertificateAuthority("mesh-ca", {}), expected);
    });

    it("the exported defaults are the documented ones", () => {
        assert.deepEqual({ ...ROOT_DEFAULTS }, { validityHours: 87600, earlyRenewalHours: 0 });
        assert.deepEqual({ ...INTERMEDIATE_DEFAULTS }, { validityHours: 43800, earlyRenewalHours: 4380 });
        assert.deepEqual({ ...LEAF_DEFAULTS }, { validityHours: 2160, earlyRenewalHours: 720 });
        assert.ok(Object.isFrozen(LEAF_DEFAULTS), "a caller cannot change a default for everyone");
    });

    it("an intermediate gets its own names and defaults, its common name derived from the root's", () => {
        const plan = planCertificateAuthority("mesh-ca", { commonName: "Acme mesh", intermediate: {} });
        assert.equal(plan.generations.length, 1);
        assert.deepEqual(plan.generations[0].intermediate, {
            keyName: "mesh-ca-g1-intermediate-key",
            csrName: "mesh-ca-g1-intermediate-csr",
            certName: "mesh-ca-g1-intermediate",
            commonNameBase: "Acme mesh intermediate",
            validityHours: 43800,
            earlyRenewalHours: 4380,
        });
        const named = planCertificateAuthority("mesh-ca", { intermediate: { commonName: "Issuing", validityHours: 500, earlyRenewalHours: 50 } });
        assert.deepEqual(
            [named.generations[0].intermediate?.commonNameBase, named.generations[0].intermediate?.validityHours, named.generations[0].intermediate?.earlyRenewalHours],
            ["Issuing", 500, 50],
        );
    });

    it("honours the key algorithm, organization, root validity and early renewal", () => {
        const plan = planCertificateAuthority("ca", { keyAlgorithm: KeyAlgorithm.Rsa3072, organization: "Acme", validityHours: 1000, earlyRenewalHours: 10 });
        assert.deepEqual(plan.privateKey, { algorithm: "RSA", ecdsaCurve: undefined, rsaBits: 3072 });
        assert.equal(plan.organization, "Acme");
        assert.deepEqual([plan.generations[0].root.validityHours, plan.generations[0].root.earlyRenewalHours], [1000, 10]);
    });

    const keyArgs: Array<[KeyAlgorithm, unknown]> = [
        [KeyAlgorithm.EcdsaP256, { algorithm: "ECDSA", ecdsaCurve: "P256", rsaBits: undefined }],
        [KeyAlgorithm.EcdsaP384, { algorithm: "ECDSA", ecdsaCurve: "P384", rsaBits: undefined }],
        [KeyAlgorithm.Rsa2048, { algorithm: "RSA", ecdsaCurve: undefined, rsaBits: 2048 }],
        [KeyAlgorithm.Rsa3072, { algorithm: "RSA", ecdsaCurve: undefined, rsaBits: 3072 }],
        [KeyAlgorithm.Rsa4096, { algorithm: "RSA", ecdsaCurve: undefined, rsaBits: 4096 }],
    ];
    it("maps every key algorithm to explicit tls.PrivateKey arguments (never the provider's P224 default)", () => {
        assert.deepEqual(keyArgs.map(([k]) => k).sort(), Object.values(KeyAlgorithm).sort());
        for (const [algorithm, expected] of keyArgs) {
            assert.deepEqual(planCertificateAuthority("ca", { keyAlgorithm: algorithm }).privateKey, expected, algorithm);
        }
    });

    describe("rotation", () => {
        const phases: Array<[string, pulumi.Unwrap<CertificateAuthorityArgs>, number[], number]> = [
            ["Stable", { generation: 2 }, [2], 2],
            ["TrustNew", { generation: 2, previousGeneration: 1, rotationPhase: RotationPhase.TrustNew }, [1, 2], 1],
            ["ServeNew", { generation: 2, previousGeneration: 1, rotationPhase: RotationPhase.ServeNew }, [1, 2], 2],
            ["rollback TrustNew", { generation: 1, previousGeneration: 2, rotationPhase: RotationPhase.TrustNew }, [2, 1], 2],
        ];
        assert.equal(phases.length, 4);
        for (const [what, args, generations, signing] of phases) {
            it(`${what}: generations ${JSON.stringify(generations)} in bundle order, generation ${signing} signs`, () => {
                const plan = planCertificateAuthority("mesh-ca", args);
                assert.deepEqual(
                    plan.generations.map((g) => g.generation),
                    generations,
                );
                assert.equal(plan.signingGeneration, signing);
                assert.deepEqual(
                    plan.generations.map((g) => [g.idName, g.root.keyName, g.root.certName, g.idKeepers.generation]),
                    generations.map((g) => [`mesh-ca-g${g}-id`, `mesh-ca-g${g}-root-key`, `mesh-ca-g${g}-root`, String(g)]),
                );
            });
        }

        it("with an intermediate, every generation has its own", () => {
            const plan = planCertificateAuthority("mesh-ca", { generation: 3, previousGeneration: 2, rotationPhase: RotationPhase.ServeNew, intermediate: {} });
            assert.deepEqual(
                plan.generations.map((g) => g.intermediate?.certName),
                ["mesh-ca-g2-intermediate", "mesh-ca-g3-intermediate"],
            );
        });
    });

    it("caSubjectCommonName appends the generation and the random suffix", () => {
        assert.equal(caSubjectCommonName("meshtls root CA", 2, "0a1b2c3d"), "meshtls root CA g2 0a1b2c3d");
    });

    it("is deterministic and returns a fresh plan each call", () => {
        const args: pulumi.Unwrap<CertificateAuthorityArgs> = { generation: 3, previousGeneration: 2, rotationPhase: RotationPhase.TrustNew, intermediate: {} };
        const a = planCertificateAuthority("ca", args);
        const b = planCertificateAuthority("ca", args);
        assert.deepEqual(b, a);
        assert.equal(JSON.stringify(b), JSON.stringify(a));
        a.caUses.push("changed");
        assert.deepEqual(planCertificateAuthority("ca", args).caUses, ["cert_signing", "crl_signing", "digital_signature"]);
    });

    describe("validation: each problem names the field, the value and what is accepted", () => {
        const cases: Array<[string, pulumi.Unwrap<CertificateAuthorityArgs>, RegExp]> = [
            ["zero validity", { validityHours: 0 }, /^validityHours: got 0; expected a whole number >= 1$/],
            ["negative validity", { validityHours: -5 }, /^validityHours: got -5; expected a whole number >= 1$/],
            ["fractional validity", { validityHours: 1.5 }, /^validityHours: got 1.5; expected a whole number >= 1$/],
            ["early renewal >= validity", { validityHours: 100, earlyRenewalHours: 100 }, /^earlyRenewalHours: got 100; expected fewer hours than validityHours \(100\), or the certificate would be re-issued on every run$/],
            ["negative early renewal", { earlyRenewalHours: -1 }, /^earlyRenewalHours: got -1; expected a whole number >= 0$/],
            ["intermediate early renewal >= validity", { intermediate: { validityHours: 10, earlyRenewalHours: 20 } }, /^intermediate\.earlyRenewalHours: got 20; expected fewer hours than intermediate\.validityHours \(10\)/],
            ["intermediate default early renewal >= validity", { intermediate: { validityHours: 4380 } }, /^intermediate\.earlyRenewalHours: got 4380; .*\(the default; set earlyRenewalHours explicitly\)/],
            ["intermediate zero validity", { intermediate: { validityHours: 0 } }, /^intermediate\.validityHours: got 0; expected a whole number >= 1$/],
            ["empty intermediate common name", { intermediate: { commonName: "" } }, /^intermediate\.commonName: got ""; expected a non-empty string of at most 40 characters$/],
            ["TrustNew without previousGeneration", { generation: 2, rotationPhase: RotationPhase.TrustNew }, /^previousGeneration: got nothing; it is required in rotationPhase TrustNew: the generation being rotated away from \(e\.g\. 1\)$/],
            ["ServeNew without previousGeneration", { generation: 3, rotationPhase: RotationPhase.ServeNew }, /^previousGeneration: got nothing; it is required in rotationPhase ServeNew: .*\(e\.g\. 2\)$/],
            ["previousGeneration equal to generation", { generation: 2, previousGeneration: 2, rotationPhase: RotationPhase.TrustNew }, /^previousGeneration: got 2; it must differ from generation \(2\)$/],
            ["previousGeneration in Stable", { generation: 2, previousGeneration: 1 }, /^previousGeneration: got 1; it must be absent in rotationPhase Stable: removing it is what deletes generation 1; to keep both roots trusted use TrustNew or ServeNew$/],
            ["previousGeneration 0", { generation: 2, previousGeneration: 0, rotationPhase: RotationPhase.TrustNew }, /^previousGeneration: got 0; expected a whole number >= 1$/],
            ["generation 0", { generation: 0 }, /^generation: got 0; expected a whole number >= 1$/],
            ["fractional generation", { generation: 1.5 }, /^generation: got 1.5; expected a whole number >= 1$/],
            ["unknown phase", { rotationPhase: "Rolling" as unknown as RotationPhase }, /^rotationPhase: got "Rolling"; expected one of "Stable", "TrustNew", "ServeNew"$/],
            ["unknown key algorithm", { keyAlgorithm: "ECDSA_P224" as unknown as KeyAlgorithm }, /^keyAlgorithm: got "ECDSA_P224"; expected one of "ECDSA_P256", "ECDSA_P384", "RSA_2048", "RSA_3072", "RSA_4096"$/],
            ["empty common name", { commonName: "" }, /^commonName: got ""; expected a non-empty string of at most 40 characters$/],
            ["blank common name", { commonName: "   " }, /^commonName: got " {3}"; expected a non-empty string/],
            ["common name over 40 characters", { commonName: "c".repeat(41) }, /^commonName: got "c{41}"; expected a non-empty string of at most 40 characters$/],
            ["empty organization", { organization: "" }, /^organization: got ""; expected a non-empty string of at most 64 characters$/],
        ];
        assert.equal(cases.length, 22);
        for (const [what, args, problem] of cases) {
            it(`rejects ${what}`, () => {
                assertInvalid(() => planCertificateAuthority("bad-ca", args), CA, "bad-ca", [problem]);
            });
        }

        it("accepts the boundaries: 40-character common name, early renewal 0 and one below validity", () => {
            assert.doesNotThrow(() => planCertificateAuthority("ca", { commonName: "c".repeat(40), validityHours: 2, earlyRenewalHours: 1 }));
            assert.doesNotThrow(() => planCertificateAuthority("ca", { validityHours: 1, earlyRenewalHours: 0 }));
        });

        it("reports every problem at once, in argument order", () => {
            assertInvalid(() => planCertificateAuthority("bad-ca", { validityHours: 0, generation: 0, commonName: "" }), CA, "bad-ca", [/^commonName: /, /^validityHours: /, /^generation: /]);
        });
    });
});

describe("pki (pure): planCertificate", () => {
    it("resolves every default: ECDSA P-256, server usage only, 90 days renewed in the last 30", () => {
        assert.deepEqual(planCertificate("gloo", leaf()), {
            name: "gloo",
            keyName: "gloo-key",
            csrName: "gloo-csr",
            certName: "gloo-cert",
            keyAlgorithm: KeyAlgorithm.EcdsaP256,
            privateKey: { algorithm: "ECDSA", ecdsaCurve: "P256", rsaBits: undefined },
            subject: { commonName: "gloo.gloo-system.svc", organization: undefined },
            dnsNames: undefined,
            uris: undefined,
            ipAddresses: undefined,
            serverAuth: true,
            clientAuth: false,
            allowedUses: ["digital_signature", "server_auth"],
            validityHours: 2160,
            earlyRenewalHours: 720,
        });
    });

    const uses: Array<[Partial<pulumi.Unwrap<CertificateArgs>>, string[]]> = [
        [{ clientAuth: true }, ["digital_signature", "server_auth", "client_auth"]],
        [{ serverAuth: false, clientAuth: true }, ["digital_signature", "client_auth"]],
        [{ keyAlgorithm: KeyAlgorithm.Rsa2048 }, ["digital_signature", "key_encipherment", "server_auth"]],
        [{ keyAlgorithm: KeyAlgorithm.Rsa4096, clientAuth: true }, ["digital_signature", "key_encipherment", "server_auth", "client_auth"]],
        [{ keyAlgorithm: KeyAlgorithm.EcdsaP384, serverAuth: false, clientAuth: true }, ["digital_signature", "client_auth"]],
    ];
    assert.equal(uses.length, 5);
    for (const [args, expected] of uses) {
        it(`allowed uses for ${JSON.stringify(args)}: ${expected.join(", ")} (RSA servers also need keyEncipherment)`, () => {
            assert.deepEqual(planCertificate("c", leaf(args)).allowedUses, expected);
        });
    }

    it("keeps SANs, organization, validity and early renewal as given", () => {
        const plan = planCertificate("c", leaf({ organization: "Acme", dnsNames: ["*.mesh.example", "gloo"], ipAddresses: ["::1"], uris: ["spiffe://cluster.local/ns/a/sa/b"], validityHours: 48, earlyRenewalHours: 12 }));
        assert.deepEqual(
            [plan.subject, plan.dnsNames, plan.ipAddresses, plan.uris, plan.validityHours, plan.earlyRenewalHours],
            [{ commonName: "gloo.gloo-system.svc", organization: "Acme" }, ["*.mesh.example", "gloo"], ["::1"], ["spiffe://cluster.local/ns/a/sa/b"], 48, 12],
        );
    });

    it("is deterministic", () => {
        const args = leaf({ clientAuth: true, dnsNames: ["a"] });
        assert.equal(JSON.stringify(planCertificate("c", args)), JSON.stringify(planCertificate("c", args)));
    });

    describe("validation: each problem names the field, the value and what is accepted", () => {
        const cases: Array<[string, Partial<pulumi.Unwrap<CertificateArgs>>, RegExp]> = [
            ["a missing issuer", { issuer: undefined }, /^issuer: got nothing; it is required: an IssuerMaterial, e\.g\. CertificateAuthority\.issuer$/],
            ["a missing common name", { commonName: undefined }, /^commonName: got nothing; it is required: a non-empty string$/],
            ["empty common name", { commonName: "" }, /^commonName: got ""; expected a non-empty string of at most 64 characters$/],
            ["common name over 64 characters", { commonName: "c".repeat(65) }, /^commonName: got "c{65}"; expected a non-empty string of at most 64 characters$/],
            ["empty organization", { organization: " " }, /^organization: got " "; expected a non-empty string of at most 64 characters$/],
            ["upper-case DNS name", { dnsNames: ["Gloo.example"] }, /^dnsNames\[0\]: got "Gloo\.example"; expected a lower-case DNS name \(RFC 1123 labels separated by dots, optionally starting with '\*\.'\), at most 253 characters$/],
            ["DNS name with underscore", { dnsNames: ["ok.example", "bad_name.example"] }, /^dnsNames\[1\]: got "bad_name\.example"; expected a lower-case DNS name/],
            ["DNS name with empty label", { dnsNames: ["a..example"] }, /^dnsNames\[0\]: got "a\.\.example"/],
            ["bare wildcard", { dnsNames: ["*"] }, /^dnsNames\[0\]: got "\*"/],
            ["label over 63 characters", { dnsNames: [`${"a".repeat(64)}.example`] }, /^dnsNames\[0\]: got "a{64}\.example"/],
            ["bad IP", { ipAddresses: ["10.0.0.300"] }, /^ipAddresses\[0\]: got "10\.0\.0\.300"; expected an IPv4 or IPv6 address$/],
            ["relative URI", { uris: ["ns/default"] }, /^uris\[0\]: got "ns\/default"; expected an absolute URI with a scheme, e\.g\. spiffe:/],
            ["unknown key algorithm", { keyAlgorithm: "ED25519" as unknown as KeyAlgorithm }, /^keyAlgorithm: got "ED25519"; expected one of "ECDSA_P256"/],
            ["no usage", { serverAuth: false, clientAuth: false }, /^serverAuth\/clientAuth: got \{"serverAuth":false,"clientAuth":false\}; at least one of serverAuth and clientAuth must be true$/],
            ["early renewal >= validity", { validityHours: 24, earlyRenewalHours: 48 }, /^earlyRenewalHours: got 48; expected fewer hours than validityHours \(24\), or the certificate/],
            ["default early renewal >= validity", { validityHours: 24 }, /^earlyRenewalHours: got 720; expected fewer hours than validityHours \(24\) \(the default; set earlyRenewalHours explicitly\)/],
            ["zero validity", { validityHours: 0 }, /^validityHours: got 0; expected a whole number >= 1$/],
            ["fractional early renewal", { earlyRenewalHours: 0.5 }, /^earlyRenewalHours: got 0.5; expected a whole number >= 0$/],
        ];
        assert.equal(cases.length, 18);
        for (const [what, args, problem] of cases) {
            it(`rejects ${what}`, () => {
                assertInvalid(() => planCertificate("bad-cert", leaf(args)), CERT, "bad-cert", [problem]);
            });
        }

        it("reports every problem at once", () => {
            assertInvalid(() => planCertificate("bad-cert", leaf({ commonName: "", dnsNames: ["A"], serverAuth: false })), CERT, "bad-cert", [/^commonName: /, /^dnsNames\[0\]: /, /^serverAuth\/clientAuth: /]);
        });
    });
});
