// IstioMesh in ambient mode and NamespaceEnrollment, as plain functions. Upstream data used:
// tests/fixtures/istio/{istiod,cni,ztunnel}.values.yaml (each chart's values.yaml at 1.30.3) and
// tests/fixtures/istio/ambient.profile.yaml (manifests/helm-profiles/ambient.yaml at 1.30.3, which the
// istiod, cni and ztunnel charts carry as files/profile-ambient.yaml).
import type * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import {
    DataPlaneMode,
    IssuerMaterial,
    IstioMeshArgs,
    MtlsMode,
    NamespaceEnrollmentArgs,
    cacertsSecret,
    deepMergeForTests,
    istioMeshManifests,
    namespaceEnrollmentObject,
    planIstioMesh,
    planNamespaceEnrollment,
    posture,
} from "./ambientFixtures";
import { DEFAULT_DATA_PLANE_MODE } from "../../sdk";
import { unknownValuesKeys } from "../schema";
import { assertInvalid, planProblems } from "../planErrors";

const CA: pulumi.Unwrap<IssuerMaterial> = { certPem: "cert", privateKeyPem: "key", caChainPem: "chain", intermediatesPem: "", rootCertPem: "root", trustBundlePem: "bundle" };
const AMBIENT = { dataPlaneMode: DataPlaneMode.Ambient };
const enrollProblems = (args: pulumi.Unwrap<NamespaceEnrollmentArgs>): string[] => planProblems(() => planNamespaceEnrollment("shop", args), "meshtls:index:NamespaceEnrollment", "shop");

const PROFILE = YAML.parse(fs.readFileSync(path.join(__dirname, "../fixtures/istio/ambient.profile.yaml"), "utf8")) as Record<string, unknown>;

/**
 * What a chart sees once its templates merge the profile under the given values (zzz_profile.yaml:
 * defaults < profile < user values), then lift a legacy prefix to the top level (istiod's
 * zzy_descope_legacy.yaml lifts `pilot`, cni's lifts `cni`).
 */
function effective(values: Record<string, unknown>, liftedPrefix?: string): Record<string, unknown> {
    const profile = values.profile === "ambient" ? PROFILE : {};
    const merged = Object.fromEntries(Object.entries(deepMergeForTests(profile, values)).filter(([k]) => k !== "profile"));
    if (liftedPrefix && typeof merged[liftedPrefix] === "object") {
        const rest = Object.fromEntries(Object.entries(merged).filter(([k]) => k !== liftedPrefix));
        return deepMergeForTests(rest, merged[liftedPrefix] as Record<string, unknown>);
    }
    return merged;
}

describe("istio (pure): IstioMesh in ambient mode", () => {
    it("installs base, istiod (ambient profile), cni (ambient profile) and ztunnel; sidecar mode installs no ztunnel", () => {
        const m = istioMeshManifests(planIstioMesh("mesh", AMBIENT));
        assert.ok(m.cni && m.ztunnel);
        assert.deepEqual(
            [m.base, m.istiod, m.cni, m.ztunnel].map((c) => [c.resourceName, c.install.chart, c.install.releaseName, c.install.namespace]),
            [
                ["mesh-base", "base", "istio-base", "istio-system"],
                ["mesh-istiod", "istiod", "istiod", "istio-system"],
                ["mesh-cni", "cni", "istio-cni", "istio-system"],
                ["mesh-ztunnel", "ztunnel", "ztunnel", "istio-system"],
            ],
        );
        assert.equal(m.istiod.install.values.profile, "ambient");
        assert.equal(m.istiod.install.values.trustedZtunnelName, "ztunnel");
        assert.deepEqual(m.istiod.install.values.cni, { enabled: true });
        assert.deepEqual(m.cni.install.values, { profile: "ambient" });
        assert.deepEqual(m.ztunnel.install.values, { resourceName: "ztunnel" });
        const sidecar = istioMeshManifests(planIstioMesh("mesh", {}));
        assert.equal(sidecar.ztunnel, undefined);
        assert.equal(sidecar.cni, undefined);
        assert.equal(sidecar.istiod.install.values.profile, undefined);
        assert.equal(sidecar.istiod.install.values.trustedZtunnelName, undefined);
    });

    it("plans the data plane: ambient defaults cni on and enrolls by label; sidecar keeps the injection labels", () => {
        const plan = planIstioMesh("mesh", { ...AMBIENT, revision: "blue" });
        assert.equal(plan.dataPlaneMode, DataPlaneMode.Ambient);
        assert.equal(plan.cni, true);
        assert.equal(plan.ztunnelName, "ztunnel");
        // No istio.io/rev on an ambient namespace: the revisioned injector would inject it too.
        assert.deepEqual(plan.enrollmentLabels, { "istio.io/dataplane-mode": "ambient" });
        assert.deepEqual(plan.injectionLabels.namespace, { "istio.io/rev": "blue" });
        const sidecar = planIstioMesh("mesh", { revision: "blue" });
        assert.equal(sidecar.dataPlaneMode, DataPlaneMode.Sidecar);
        // The default is public (sdk/istio and the package root), so other products need not restate it.
        assert.equal(DEFAULT_DATA_PLANE_MODE, sidecar.dataPlaneMode);
        assert.equal(DEFAULT_DATA_PLANE_MODE, DataPlaneMode.Sidecar);
        assert.equal(sidecar.ztunnelName, undefined);
        assert.deepEqual(sidecar.enrollmentLabels, { "istio.io/rev": "blue" });
    });

    it("ztunnel follows the namespace and revision, and istiod trusts the ztunnel name it is given", () => {
        const m = istioMeshManifests(planIstioMesh("mesh", { ...AMBIENT, namespace: "mesh-system", revision: "blue", ambient: { ztunnelName: "ztunnel-blue" } }));
        assert.ok(m.ztunnel);
        assert.deepEqual(m.ztunnel.install.values, { resourceName: "ztunnel-blue", istioNamespace: "mesh-system", revision: "blue" });
        assert.equal(m.istiod.install.values.trustedZtunnelName, "ztunnel-blue");
        assert.equal(m.ztunnel.install.releaseName, "ztunnel");
        assert.equal(m.istiod.install.releaseName, "istiod-blue");
    });

    it("every values key it sets exists in the 1.30.3 values files or the ambient profile it selects", () => {
        const m = istioMeshManifests(planIstioMesh("mesh", { ...AMBIENT, namespace: "mesh-system", revision: "blue", pluginCa: CA, gateway: {} }));
        assert.ok(m.cni && m.ztunnel);
        // `profile` is read by each chart's templates/zzz_profile.yaml (files/profile-<name>.yaml), not
        // listed in values.yaml: it must name the profile file the fixture copies.
        const profiled = [m.istiod, m.cni];
        assert.equal(profiled.length, 2);
        for (const c of profiled) {
            assert.equal(c.install.values.profile, "ambient");
        }
        assert.equal(m.ztunnel.install.values.profile, undefined, "ztunnel installs without a profile (Istio's ambient Helm steps)");
        const ours = (values: Record<string, unknown>) => Object.fromEntries(Object.entries(values).filter(([k]) => k !== "profile"));
        const inProfile = (keys: string[]) => keys.filter((k) => !unknownValuesKeys({ [k.split(".")[0]]: {} }, "istio/ambient.profile.yaml").length);
        assert.deepEqual(unknownValuesKeys(ours(m.istiod.install.values), "istio/istiod.values.yaml", ["meshConfig", "env", "base.validationFailurePolicy"]), []);
        assert.deepEqual(unknownValuesKeys(ours(m.cni.install.values), "istio/cni.values.yaml"), []);
        assert.deepEqual(unknownValuesKeys(m.ztunnel.install.values, "istio/ztunnel.values.yaml"), []);
        assert.deepEqual(inProfile(["meshConfig", "global", "pilot", "cni"]), ["meshConfig", "global", "pilot", "cni"], "the profile fixture holds the keys the charts merge");
        // Once the chart merges the profile, ambient is on where it must be.
        assert.equal((effective(m.istiod.install.values, "pilot").env as Record<string, string>).PILOT_ENABLE_AMBIENT, "true");
        assert.deepEqual((effective(m.cni.install.values, "cni").ambient as Record<string, unknown>).enabled, true);
        // The checks are not vacuous: a wrong key is caught.
        assert.deepEqual(unknownValuesKeys({ trustedZtunnelNames: "x" }, "istio/istiod.values.yaml"), ["trustedZtunnelNames"]);
        assert.deepEqual(unknownValuesKeys({ resourceNames: "x" }, "istio/ztunnel.values.yaml"), ["resourceNames"]);
        assert.deepEqual(Object.keys(m.ztunnel.install.values).sort(), ["istioNamespace", "resourceName", "revision"]);
    });

    it("with a plug-in CA writes the same cacerts Secret as with sidecars, every trusted root in root-cert.pem", () => {
        const pems = { certPem: "ca", privateKeyPem: "key", trustBundlePem: "root-old\nroot-new", caChainPem: "chain" };
        const ambient = cacertsSecret(planIstioMesh("mesh", { ...AMBIENT, pluginCa: CA }), pems);
        assert.deepEqual(ambient, cacertsSecret(planIstioMesh("mesh", { pluginCa: CA }), pems));
        assert.equal(ambient.args.stringData["root-cert.pem"], "root-old\nroot-new");
        // Multi-root trust stays on for sidecars and gateways; ztunnel reads root-cert.pem (the rotation spec).
        assert.equal((istioMeshManifests(planIstioMesh("mesh", { ...AMBIENT, pluginCa: CA })).istiod.install.values.env as Record<string, string>).ISTIO_MULTIROOT_MESH, "true");
    });

    describe("rejects, naming the argument, the value and the fix", () => {
        const cases: Array<[string, pulumi.Unwrap<IstioMeshArgs>, RegExp]> = [
            ["an unknown data plane", { dataPlaneMode: "Ztunnel" as unknown as DataPlaneMode }, /^dataPlaneMode: got "Ztunnel"; expected one of "Sidecar", "Ambient"$/],
            ["ambient settings with sidecars", { ambient: { ztunnelName: "zt" } }, /^ambient: got \{"ztunnelName":"zt"\}; ambient settings apply only with dataPlaneMode: Ambient .*set dataPlaneMode: Ambient/],
            ["ztunnel values with sidecars", { values: { ztunnel: "logLevel: debug\n" } }, /^values\.ztunnel: got "logLevel: debug\\n"; the ztunnel chart is installed only with dataPlaneMode: Ambient/],
            ["the ambient profile smuggled into istiod", { values: { istiod: "profile: ambient\n" } }, /^values\.istiod: got "profile: ambient"; it turns ambient on in the istiod chart without ztunnel; set dataPlaneMode: Ambient/],
            ["ambient switched on in the cni chart", { values: { cni: "ambient:\n  enabled: true\n" } }, /^values\.cni: got "ambient\.enabled: true"; it turns ambient on in the cni chart without ztunnel/],
            ["PILOT_ENABLE_AMBIENT through pilot.env", { values: { istiod: "pilot:\n  env:\n    PILOT_ENABLE_AMBIENT: \"true\"\n" } }, /^values\.istiod: got "pilot\.env\.PILOT_ENABLE_AMBIENT: true"/],
            ["ambient without the CNI agent", { ...AMBIENT, cni: false }, /^cni: got false; ambient mode needs the Istio CNI node agent/],
            ["ambient on an Istio before 1.24", { ...AMBIENT, version: "1.23.4" }, /^version: got "1\.23\.4"; ambient mode needs Istio 1\.24\.0 or later/],
            ["DISABLE mesh-wide in ambient", { ...AMBIENT, mtlsMode: MtlsMode.DISABLE }, /^mtlsMode: got "DISABLE"; in ambient, rule disable-is-permissive: mode DISABLE: ztunnel has no plaintext-only mode; DISABLE is treated as PERMISSIVE .*write PERMISSIVE \(istio\/istio 1\.30\.3 pilot\/pkg\/serviceregistry\/ambient\/authorization\.go\)$/],
            ["a bad ztunnel name", { ...AMBIENT, ambient: { ztunnelName: "Zt_1" } }, /^ambient\.ztunnelName: got "Zt_1"; expected a DNS-1123 name/],
            ["a different ztunnel name through values", { ...AMBIENT, values: { ztunnel: "resourceName: other\n" } }, /^values\.ztunnel: .*resourceName.*set ambient\.ztunnelName instead/],
            ["istiod trusting another ztunnel through values", { ...AMBIENT, values: { istiod: "trustedZtunnelName: other\n" } }, /^values\.istiod: .*trustedZtunnelName.*set ambient\.ztunnelName instead/],
            ["the profile removed through values", { ...AMBIENT, values: { cni: "profile: default\n" } }, /^values\.cni: .*profile.*set dataPlaneMode instead/],
            // Values meshtls leaves at their defaults but ambient depends on (istio-discovery deployment.yaml
            // CA_TRUSTED_NODE_ACCOUNTS; ztunnel daemonset.yaml CA_ADDRESS/XDS_ADDRESS; cni zzy_descope_legacy.yaml).
            ["istiod trusting ztunnel in another namespace", { ...AMBIENT, values: { istiod: "trustedZtunnelNamespace: kube-system\n" } }, /^values\.istiod: got "trustedZtunnelNamespace: \\"kube-system\\""; istiod issues ambient pods' certificates only to the ztunnel ServiceAccount meshtls installs/],
            ["CA_TRUSTED_NODE_ACCOUNTS set by hand", { ...AMBIENT, values: { istiod: "env:\n  CA_TRUSTED_NODE_ACCOUNTS: x/y\n" } }, /^values\.istiod: got "env\.CA_TRUSTED_NODE_ACCOUNTS: \\"x\/y\\""/],
            ["PILOT_ENABLE_AMBIENT turned off (Go spelling False)", { ...AMBIENT, values: { istiod: "pilot:\n  env:\n    PILOT_ENABLE_AMBIENT: \"False\"\n" } }, /^values\.istiod: got "pilot\.env\.PILOT_ENABLE_AMBIENT: \\"False\\""; it would turn ambient off/],
            ["the CNI's ambient switch turned off", { ...AMBIENT, values: { cni: "cni:\n  ambient:\n    enabled: false\n" } }, /^values\.cni: got "cni\.ambient\.enabled: false"; it would turn ambient off/],
            ["other enablement selectors", { ...AMBIENT, values: { cni: "ambient:\n  enablementSelectors: []\n" } }, /^values\.cni: got "ambient\.enablementSelectors: \[\]"; NamespaceEnrollment enrolls by the label/],
            ["ztunnel pointed at another revision", { ...AMBIENT, values: { ztunnel: "revision: canary\n" } }, /^values\.ztunnel: got "revision: \\"canary\\""; ztunnel takes its certificates and configuration from this mesh's istiod \(istiod\.istio-system\.svc:15012\)/],
            ["ztunnel pointed at another CA", { ...AMBIENT, values: { ztunnel: "caAddress: ca.example:15012\n" } }, /^values\.ztunnel: got "caAddress: \\"ca\.example:15012\\""/],
            ["a ztunnel name istiod owns", { ...AMBIENT, ambient: { ztunnelName: "istiod" } }, /^ambient\.ztunnelName: got "istiod"; ztunnel's ServiceAccount and RBAC objects are named after it/],
            ["the ambient profile through global.profile with sidecars", { values: { istiod: "global:\n  profile: ambient\n" } }, /^values\.istiod: got "global\.profile: ambient"; it turns ambient on in the istiod chart without ztunnel/],
            ["PILOT_ENABLE_AMBIENT spelt 1 with sidecars", { values: { istiod: "env:\n  PILOT_ENABLE_AMBIENT: \"1\"\n" } }, /^values\.istiod: got "env\.PILOT_ENABLE_AMBIENT: true"; it turns ambient on/],
        ];
        assert.equal(cases.length, 23);
        for (const [what, args, expected] of cases) {
            it(what, () => {
                assertInvalid(() => planIstioMesh("mesh", args), "meshtls:index:IstioMesh", "mesh", [expected]);
            });
        }

        it("accepts the same escape hatches when they agree, and sidecar values that do not ask for ambient", () => {
            assert.doesNotThrow(() => planIstioMesh("mesh", { ...AMBIENT, values: { ztunnel: "resourceName: ztunnel\nlogLevel: debug\n", cni: "ambient:\n  dnsCapture: true\n" } }));
            assert.doesNotThrow(() => planIstioMesh("mesh", { values: { istiod: "pilot:\n  env:\n    PILOT_ENABLE_AMBIENT: \"false\"\n", cni: "ambient:\n  enabled: false\n" } }));
        });
    });
});

describe("istio (pure): NamespaceEnrollment", () => {
    it("sidecar: the injection labels (revision-aware), as a patch of the existing namespace", () => {
        const plan = planNamespaceEnrollment("shop", { namespace: "shop" });
        assert.deepEqual(plan.labels, { "istio-injection": "enabled" });
        assert.deepEqual(namespaceEnrollmentObject(plan), {
            kind: "NamespacePatch",
            resourceName: "shop-labels",
            args: { metadata: { name: "shop", labels: { "istio-injection": "enabled" }, annotations: { "pulumi.com/patchForce": "true" } } },
        });
        assert.deepEqual(planNamespaceEnrollment("shop", { namespace: "shop", revision: "blue" }).labels, { "istio.io/rev": "blue" });
    });

    it("ambient: istio.io/dataplane-mode=ambient only, and a created Namespace when asked", () => {
        const plan = planNamespaceEnrollment("shop", { namespace: "shop", dataPlaneMode: DataPlaneMode.Ambient, createNamespace: true });
        assert.deepEqual(namespaceEnrollmentObject(plan), {
            kind: "Namespace",
            resourceName: "shop-namespace",
            args: { metadata: { name: "shop", labels: { "istio.io/dataplane-mode": "ambient" } } },
        });
        assert.equal(posture.namespaceEnrollmentConflict(plan.labels), undefined);
    });

    it("names a namespace enrolled both ways", () => {
        assert.match(posture.namespaceEnrollmentConflict({ "istio.io/dataplane-mode": "ambient", "istio-injection": "enabled" }) ?? "", /IST0123/);
        assert.match(posture.namespaceEnrollmentConflict({ "istio.io/dataplane-mode": "ambient", "istio.io/rev": "blue" }) ?? "", /IST0123/);
        assert.equal(posture.namespaceEnrollmentConflict({ "istio.io/dataplane-mode": "ambient", "istio-injection": "disabled" }), undefined);
        assert.equal(posture.namespaceEnrollmentConflict({ "istio-injection": "enabled" }), undefined);
    });

    it("rejects bad input, naming the argument", () => {
        assert.deepEqual(enrollProblems({ namespace: "Shop" }), ['namespace: got "Shop"; expected a DNS-1123 label: lower-case letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters']);
        assert.match(enrollProblems({ namespace: "shop", dataPlaneMode: "ambient" as unknown as DataPlaneMode })[0], /^dataPlaneMode: got "ambient"; expected one of "Sidecar", "Ambient"$/);
        assert.match(enrollProblems({ namespace: "shop", dataPlaneMode: DataPlaneMode.Ambient, revision: "blue" })[0], /^revision: got "blue"; ambient enrollment takes no revision/);
        assert.match(enrollProblems({ namespace: "shop", revision: "Blue" })[0], /^revision: got "Blue"; expected a DNS-1123 label/);
        // The CNI agent skips kube-system (cni chart excludeNamespaces): the label would enroll nothing.
        assert.match(enrollProblems({ namespace: "kube-system", dataPlaneMode: DataPlaneMode.Ambient })[0], /^namespace: got "kube-system"; the Istio CNI agent never redirects pods in kube-system/);
        assert.equal(planNamespaceEnrollment("k", { namespace: "kube-system" }).namespace, "kube-system", "sidecar injection there is the injector's business");
    });
});
