// The rule "which roots ztunnel trusts, and the ambient rotation dwell time" (sdk/posture/rules/ztunnelTrust.ts,
// citing istio/ztunnel 1.30.3 src/tls/certificate.rs WorkloadCertificate::new / refresh_at, src/config.rs
// SECRET_TTL, src/xds/types.rs, and istio/istio 1.30.3 security/pkg/server/ca/server.go, pilot/pkg/xds/pcds.go).
import { strict as assert } from "node:assert";
import {
    AMBIENT_ROTATION_DWELL_SECONDS,
    ZTUNNEL_DEFAULT_CERT_TTL_SECONDS,
    ambientRotationDwellSeconds,
    rootsMissingForZtunnel,
    splitPemCertificates,
    ztunnelRefreshSeconds,
    ztunnelTrustedRoots,
} from "../../../sdk/posture/rules/ztunnelTrust";

// PEM-shaped blocks: the rule splits and compares PEM text, it does not parse DER.
const pem = (body: string) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`;
const OLD = pem("T0xE");
const NEW = pem("TkVX");
const EXTRA = pem("RVhUUkE=");

describe("rule: ztunnel trust (ztunnel 1.30.3)", () => {
    it("splits several roots bundled in root-cert.pem, keeps order, drops duplicates", () => {
        const bundle = `${OLD}\n${NEW}\n`;
        assert.deepEqual(splitPemCertificates(bundle), [OLD, NEW]);
        assert.deepEqual(ztunnelTrustedRoots([bundle], []), [OLD, NEW]);
        assert.deepEqual(ztunnelTrustedRoots([OLD, `${OLD}\r\n`, NEW], []), [OLD, NEW]);
        assert.deepEqual(splitPemCertificates("not a certificate"), []);
    });

    it("meshConfig.caCertificates never reaches ztunnel (no PCDS)", () => {
        assert.deepEqual(ztunnelTrustedRoots([OLD], [EXTRA]), [OLD]);
        assert.deepEqual(ztunnelTrustedRoots([], [EXTRA]), []);
        assert.deepEqual(rootsMissingForZtunnel([OLD], [EXTRA, OLD]), [EXTRA]);
        assert.deepEqual(rootsMissingForZtunnel([`${OLD}\n${EXTRA}`], [EXTRA]), []);
    });

    it("refresh at half of the 24 h default TTL; dwell = 12 h + 1 h margin", () => {
        assert.equal(ZTUNNEL_DEFAULT_CERT_TTL_SECONDS, 86_400);
        assert.equal(ztunnelRefreshSeconds(), 43_200);
        assert.equal(ztunnelRefreshSeconds(3_600), 1_800);
        assert.equal(AMBIENT_ROTATION_DWELL_SECONDS, 46_800);
        assert.equal(ambientRotationDwellSeconds(7_200, 600), 4_200);
        assert.notEqual(ambientRotationDwellSeconds(), ztunnelRefreshSeconds());
    });
});
