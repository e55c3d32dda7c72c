// MtlsPolicy's plan and manifests as plain functions: no mock runtime, nothing registered.
import type * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "node:assert";
import { DataPlaneMode, MtlsMode, MtlsPolicyArgs, MtlsScope, mtlsPolicyObjects, planMtlsPolicy } from "../../sdk";
import { K8sObject } from "../harness";
import { ISTIO_GROUPS, assertValidObjects, loadIstioCrds, schemaErrors } from "../schema";
import { planProblems, rejectionOf } from "../planErrors";

const TYPE = "meshtls:index:MtlsPolicy";

/** The thrown ResourceError's message, after checking its kind. */
const rejection = (args: pulumi.Unwrap<MtlsPolicyArgs>, name: string): string => rejectionOf(() => planMtlsPolicy(name, args)).message;

/** The problems of a rejected plan, one per line, after checking the header. */
const problems = (args: pulumi.Unwrap<MtlsPolicyArgs>, name = "p"): string[] => planProblems(() => planMtlsPolicy(name, args), TYPE, name);

const DNS_LABEL = "expected a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters";
const DNS_NAME = "expected a DNS-1123 name: lower-case letters, digits, '-' and '.', at most 253 characters";

describe("istio (pure): planMtlsPolicy", () => {
    it("mesh scope from empty arguments: every default resolved", () => {
        assert.deepEqual(planMtlsPolicy("mesh-strict", {}), {
            name: "mesh-strict",
            scope: MtlsScope.Mesh,
            rootNamespace: "istio-system",
            namespace: "istio-system",
            policyName: "default",
            mode: MtlsMode.STRICT,
            portLevelMtls: [],
            clusterDomain: "cluster.local",
            destinationRules: [],
            dataPlaneMode: DataPlaneMode.Sidecar,
        });
    });

    it("mesh scope in a custom root namespace, named explicitly or not", () => {
        const plan = planMtlsPolicy("m", { rootNamespace: "mesh-system", namespace: "mesh-system", mode: MtlsMode.PERMISSIVE });
        assert.deepEqual([plan.scope, plan.namespace, plan.rootNamespace, plan.policyName, plan.mode], [MtlsScope.Mesh, "mesh-system", "mesh-system", "default", MtlsMode.PERMISSIVE]);
        assert.equal(planMtlsPolicy("m", { rootNamespace: "mesh-system" }).namespace, "mesh-system");
        // istio-system is then an ordinary namespace.
        assert.equal(planMtlsPolicy("m", { rootNamespace: "mesh-system", namespace: "istio-system" }).scope, MtlsScope.Namespace);
    });

    it("namespace scope: the client DestinationRule defaults to *.<ns>.svc.<clusterDomain>", () => {
        assert.deepEqual(planMtlsPolicy("bookinfo", { namespace: "bookinfo", destinationRule: {} }), {
            name: "bookinfo",
            scope: MtlsScope.Namespace,
            rootNamespace: "istio-system",
            namespace: "bookinfo",
            policyName: "default",
            mode: MtlsMode.STRICT,
            portLevelMtls: [],
            clusterDomain: "cluster.local",
            destinationRules: [{ name: "default", host: "*.bookinfo.svc.cluster.local" }],
            dataPlaneMode: DataPlaneMode.Sidecar,
        });
        assert.deepEqual(planMtlsPolicy("b", { namespace: "bookinfo", clusterDomain: "corp.internal", destinationRule: {} }).destinationRules, [
            { name: "default", host: "*.bookinfo.svc.corp.internal" },
        ]);
    });

    it("mesh scope DestinationRule takes the given hosts; given hosts get one rule each, suffixed from the second", () => {
        assert.deepEqual(planMtlsPolicy("m", { destinationRule: { hosts: ["reviews.bookinfo.svc.cluster.local"] } }).destinationRules, [{ name: "default", host: "reviews.bookinfo.svc.cluster.local" }]);
        assert.deepEqual(planMtlsPolicy("r", { namespace: "shop", destinationRule: { name: "shop-mtls", hosts: ["cart.shop.svc.cluster.local", "pay.shop.svc.cluster.local", "*.pay.svc.cluster.local"] } }).destinationRules, [
            { name: "shop-mtls", host: "cart.shop.svc.cluster.local" },
            { name: "shop-mtls-1", host: "pay.shop.svc.cluster.local" },
            { name: "shop-mtls-2", host: "*.pay.svc.cluster.local" },
        ]);
    });

    it("workload scope: named after the component, selector and ports kept in the given order", () => {
        const plan = planMtlsPolicy("reviews", {
            namespace: "bookinfo",
            selector: { version: "v1", app: "reviews" },
            portLevelMtls: [{ port: 9090, mode: MtlsMode.DISABLE }, { port: 8080, mode: MtlsMode.PERMISSIVE }],
            destinationRule: { hosts: ["reviews.bookinfo.svc.cluster.local"] },
        });
        assert.deepEqual(plan, {
            name: "reviews",
            scope: MtlsScope.Workload,
            rootNamespace: "istio-system",
            namespace: "bookinfo",
            policyName: "reviews",
            mode: MtlsMode.STRICT,
            selector: { version: "v1", app: "reviews" },
            portLevelMtls: [{ port: 9090, mode: MtlsMode.DISABLE }, { port: 8080, mode: MtlsMode.PERMISSIVE }],
            clusterDomain: "cluster.local",
            destinationRules: [{ name: "reviews", host: "reviews.bookinfo.svc.cluster.local" }],
            dataPlaneMode: DataPlaneMode.Sidecar,
        });
        assert.equal(planMtlsPolicy("reviews", { namespace: "bookinfo", selector: { app: "reviews" }, name: "reviews-strict" }).policyName, "reviews-strict");
    });

    it("is deterministic plain data and copies what it keeps from the arguments", () => {
        const args: pulumi.Unwrap<MtlsPolicyArgs> = { namespace: "a", selector: { app: "x" }, portLevelMtls: [{ port: 80, mode: MtlsMode.DISABLE }], destinationRule: { hosts: ["x.a.svc.cluster.local"] } };
        const a = planMtlsPolicy("p", args);
        assert.equal(JSON.stringify(a), JSON.stringify(planMtlsPolicy("p", args)));
        assert.deepEqual(JSON.parse(JSON.stringify(a)), a);
        args.selector!.app = "changed";
        args.portLevelMtls![0].port = 81;
        assert.deepEqual([a.selector, a.portLevelMtls], [{ app: "x" }, [{ port: 80, mode: MtlsMode.DISABLE }]]);
    });

    describe("rejects, naming the field, the value and what is accepted", () => {
        const cases: Array<[string, pulumi.Unwrap<MtlsPolicyArgs>, string[]]> = [
            [
                "port-level mTLS without a selector",
                { namespace: "shop", portLevelMtls: [{ port: 8080, mode: MtlsMode.PERMISSIVE }] },
                ["portLevelMtls: got [8080]; port-level mTLS requires a selector (Istio's CRD rule 'portLevelMtls requires selector'); add selector.matchLabels for the workload, or use a namespace-wide mode instead"],
            ],
            [
                "a selector in the root namespace",
                { selector: { app: "x" } },
                ["namespace: got nothing; a policy with a selector in the root namespace (istio-system) is ignored by Istio; set namespace to the workloads' namespace, or drop the selector for a mesh-wide policy"],
            ],
            [
                "a selector explicitly in a custom root namespace",
                { rootNamespace: "mesh-system", namespace: "mesh-system", selector: { app: "x" } },
                ['selector: got {"app":"x"}; a policy with a selector in the root namespace (mesh-system) is ignored by Istio; set namespace to the workloads\' namespace, or drop the selector for a mesh-wide policy'],
            ],
            ["port 0", { namespace: "a", selector: { app: "x" }, portLevelMtls: [{ port: 0, mode: MtlsMode.STRICT }] }, ["portLevelMtls[0].port: got 0; expected a port number from 1 to 65535"]],
            ["port 65536", { namespace: "a", selector: { app: "x" }, portLevelMtls: [{ port: 65536, mode: MtlsMode.STRICT }] }, ["portLevelMtls[0].port: got 65536; expected a port number from 1 to 65535"]],
            [
                "a repeated port",
                { namespace: "a", selector: { app: "x" }, portLevelMtls: [{ port: 80, mode: MtlsMode.STRICT }, { port: 80, mode: MtlsMode.DISABLE }] },
                ["portLevelMtls[1].port: got 80; each port may appear once"],
            ],
            [
                "a port-level mode that is not a mode",
                { namespace: "a", selector: { app: "x" }, portLevelMtls: [{ port: 80, mode: "OFF" as unknown as MtlsMode }] },
                ['portLevelMtls[0].mode: got "OFF"; expected one of UNSET, DISABLE, PERMISSIVE, STRICT'],
            ],
            ["a namespace that is not DNS-1123", { namespace: "Book_Info" }, [`namespace: got "Book_Info"; ${DNS_LABEL}`]],
            ["a root namespace that is not DNS-1123", { rootNamespace: "istio.system" }, [`rootNamespace: got "istio.system"; ${DNS_LABEL}`]],
            ["a cluster domain that is not DNS", { clusterDomain: "Cluster_Local" }, [`clusterDomain: got "Cluster_Local"; ${DNS_NAME}`]],
            ["an unknown mode", { mode: "MUTUAL" as unknown as MtlsMode }, ['mode: got "MUTUAL"; expected one of "UNSET", "DISABLE", "PERMISSIVE", "STRICT"']],
            ["a name that is not DNS-1123", { namespace: "a", name: "My Policy" }, [`name: got "My Policy"; ${DNS_NAME}`]],
            ["a wildcard selector value", { namespace: "a", selector: { app: "*" } }, ['selector.app: got "*"; expected a label value: at most 63 characters (letters, digits, \'-\', \'_\', \'.\'), starting and ending with a letter or digit; no wildcards']],
            [
                "a selector key that is not a label key",
                { namespace: "a", selector: { "a/b/c": "x" } },
                ['selector.a/b/c: got "a/b/c"; expected a label key: an optional DNS prefix and \'/\', then a name of at most 63 characters (letters, digits, \'-\', \'_\', \'.\'); no wildcards'],
            ],
            ["an empty selector", { namespace: "a", selector: {} }, ["selector: got {}; expected at least one label; omit selector for a namespace-wide policy"]],
            [
                "a workload DestinationRule without hosts",
                { namespace: "a", selector: { app: "x" }, destinationRule: {} },
                ["destinationRule.hosts: got nothing; it is required at workload scope: the Service host(s) of the selected workloads, e.g. reviews.default.svc.cluster.local"],
            ],
            ["an empty host list", { namespace: "a", destinationRule: { hosts: [] } }, ["destinationRule.hosts: got []; expected at least one host; omit hosts for the scope's default"]],
            [
                "a mesh-scope DestinationRule without hosts",
                { destinationRule: {} },
                [
                    "destinationRule.hosts: got nothing; it is required at mesh scope (root namespace istio-system): a DestinationRule there applies mesh-wide and replaces auto-mTLS for every host it covers, including kubernetes.default.svc.cluster.local and namespaces without sidecars; list the meshed services' hosts (e.g. reviews.bookinfo.svc.cluster.local), or set namespace for a namespace-scope rule (*.<namespace>.svc.cluster.local)",
                ],
            ],
            [
                "an empty mesh-scope host list",
                { destinationRule: { hosts: [] } },
                ["destinationRule.hosts: got []; expected at least one host; list the meshed services' hosts (e.g. reviews.bookinfo.svc.cluster.local), or set namespace for a namespace-scope rule (*.<namespace>.svc.cluster.local)"],
            ],
            [
                "a mesh-scope host covering the API server",
                { rootNamespace: "mesh", clusterDomain: "corp.internal", destinationRule: { hosts: ["ok.a.svc.corp.internal", "*.internal"] } },
                [
                    'destinationRule.hosts[1]: got "*.internal"; at mesh scope (root namespace mesh) this host covers kubernetes.default.svc.corp.internal, the API server, which has no sidecar; an ISTIO_MUTUAL DestinationRule replaces auto-mTLS there and injected clients fail TLS; list the meshed services\' hosts (e.g. reviews.bookinfo.svc.corp.internal), or set namespace for a namespace-scope rule (*.<namespace>.svc.corp.internal)',
                ],
            ],
            [
                "a DestinationRule host with a scheme",
                { namespace: "a", destinationRule: { hosts: ["ok.a.svc.cluster.local", "http://x"] } },
                ['destinationRule.hosts[1]: got "http://x"; expected a host name such as reviews.default.svc.cluster.local or *.default.svc.cluster.local'],
            ],
            ["a DestinationRule name that is not DNS", { namespace: "a", destinationRule: { name: "Shop MTLS" } }, [`destinationRule.name: got "Shop MTLS"; ${DNS_NAME}`]],
        ];
        assert.equal(cases.length, 22);
        for (const [what, args, expected] of cases) {
            it(what, () => {
                assert.deepEqual(problems(args), expected);
            });
        }

        it("a component name that cannot name the workload-scope policy, saying where the name came from", () => {
            assert.deepEqual(problems({ namespace: "a", selector: { app: "x" } }, "Reviews_Policy"), [`name (defaults to the component name at workload scope): got "Reviews_Policy"; ${DNS_NAME}`]);
        });

        describe("in ambient (dataPlaneMode Ambient): what ztunnel would silently treat otherwise", () => {
            const A = DataPlaneMode.Ambient;
            const ambient: Array<[string, pulumi.Unwrap<MtlsPolicyArgs>, RegExp[]]> = [
                ["mode DISABLE, namespace-wide", { namespace: "shop", mode: MtlsMode.DISABLE, dataPlaneMode: A }, [/^mode: got "DISABLE"; in ambient \(dataPlaneMode Ambient\), rule disable-is-permissive: .*treated as PERMISSIVE.*write PERMISSIVE/]],
                ["mode DISABLE, mesh-wide", { mode: MtlsMode.DISABLE, dataPlaneMode: A }, [/^mode: got "DISABLE"; in ambient \(dataPlaneMode Ambient\), rule disable-is-permissive: /]],
                [
                    "portLevelMtls DISABLE",
                    { namespace: "shop", selector: { app: "x" }, mode: MtlsMode.STRICT, portLevelMtls: [{ port: 8080, mode: MtlsMode.DISABLE }], dataPlaneMode: A },
                    [/^portLevelMtls: got \["8080: DISABLE"\]; in ambient \(dataPlaneMode Ambient\), rule port-disable-is-permissive: portLevelMtls DISABLE on port\(s\) 8080: treated as PERMISSIVE by ztunnel/],
                ],
                [
                    "a destinationRule",
                    { namespace: "shop", mode: MtlsMode.STRICT, destinationRule: { hosts: ["*.shop.svc.cluster.local"] }, dataPlaneMode: A },
                    [/^destinationRule: got \{"hosts":\["\*\.shop\.svc\.cluster\.local"\]\}; in ambient \(dataPlaneMode Ambient\), ztunnel never reads DestinationRules .*remove destinationRule/],
                ],
                [
                    "all three at once",
                    { namespace: "shop", selector: { app: "x" }, mode: MtlsMode.DISABLE, portLevelMtls: [{ port: 8080, mode: MtlsMode.DISABLE }], destinationRule: { hosts: ["reviews"] }, dataPlaneMode: A },
                    [/^mode: got "DISABLE"; in ambient/, /^portLevelMtls: got \["8080: DISABLE"\]; in ambient/, /^destinationRule: got \{"hosts":\["reviews"\]\}; in ambient/],
                ],
            ];
            assert.equal(ambient.length, 5);
            for (const [what, args, expected] of ambient) {
                it(`refuses ${what}`, () => {
                    const got = problems(args);
                    assert.equal(got.length, expected.length, got.join("\n"));
                    expected.forEach((e, i) => {
                        assert.match(got[i], e);
                    });
                });
            }

            it("accepts the same settings with sidecars, and STRICT / PERMISSIVE / port-level PERMISSIVE in ambient", () => {
                const fine: Array<pulumi.Unwrap<MtlsPolicyArgs>> = [
                    { namespace: "shop", mode: MtlsMode.DISABLE, dataPlaneMode: DataPlaneMode.Sidecar },
                    { namespace: "shop", selector: { app: "x" }, mode: MtlsMode.STRICT, portLevelMtls: [{ port: 8080, mode: MtlsMode.DISABLE }], destinationRule: { hosts: ["reviews"] } },
                    { namespace: "shop", mode: MtlsMode.STRICT, dataPlaneMode: A },
                    { namespace: "shop", mode: MtlsMode.PERMISSIVE, dataPlaneMode: A },
                    { namespace: "shop", selector: { app: "x" }, mode: MtlsMode.STRICT, portLevelMtls: [{ port: 8080, mode: MtlsMode.PERMISSIVE }], dataPlaneMode: A },
                ];
                assert.equal(fine.length, 5);
                for (const args of fine) {
                    assert.equal(planMtlsPolicy("p", args).dataPlaneMode, args.dataPlaneMode ?? DataPlaneMode.Sidecar, JSON.stringify(args));
                }
            });
        });

        it("every problem at once", () => {
            assert.deepEqual(problems({ namespace: "A", mode: "X" as unknown as MtlsMode, portLevelMtls: [{ port: 0, mode: MtlsMode.STRICT }] }), [
                `namespace: got "A"; ${DNS_LABEL}`,
                'mode: got "X"; expected one of "UNSET", "DISABLE", "PERMISSIVE", "STRICT"',
                "portLevelMtls: got [0]; port-level mTLS requires a selector (Istio's CRD rule 'portLevelMtls requires selector'); add selector.matchLabels for the workload, or use a namespace-wide mode instead",
                "portLevelMtls[0].port: got 0; expected a port number from 1 to 65535",
            ]);
        });

        const legacy: Array<[string, unknown, RegExp]> = [
            [
                "a v1alpha1 Policy document",
                { apiVersion: "authentication.istio.io/v1alpha1", kind: "Policy", metadata: { name: "default" }, spec: { peers: [{ mtls: {} }] } },
                /apiVersion: got "authentication\.istio\.io\/v1alpha1" \(a Policy document\); that API was removed in Istio 1\.6\. Use security\.istio\.io\/v1 PeerAuthentication \(mTLS\) and RequestAuthentication \+ AuthorizationPolicy \(JWT\): pass MtlsPolicyArgs .*convertLegacyIstioPolicy\(yamlText\)\.$/,
            ],
            ["a MeshPolicy without apiVersion", { kind: "MeshPolicy" }, /apiVersion: got nothing \(a MeshPolicy document\); that API was removed in Istio 1\.6\. Use security\.istio\.io\/v1 PeerAuthentication/],
            ["a bare peers spec", { spec: { peers: [] } }, /\(a Policy document\); that API was removed in Istio 1\.6/],
            ["an rbac.istio.io document", { apiVersion: "rbac.istio.io/v1alpha1", kind: "ServiceRole" }, /apiVersion: got "rbac\.istio\.io\/v1alpha1" \(a ServiceRole document\); that API was removed in Istio 1\.6\. Use security\.istio\.io\/v1 AuthorizationPolicy:/],
        ];
        assert.equal(legacy.length, 4);
        for (const [what, args, pattern] of legacy) {
            it(`${what}, naming the replacement`, () => {
                const message = rejection(args as pulumi.Unwrap<MtlsPolicyArgs>, "p");
                assert.ok(message.startsWith(`${TYPE} "p": invalid arguments:\n  - apiVersion: `), message);
                assert.match(message, pattern);
            });
        }
    });
});

describe("istio (pure): mtlsPolicyObjects", () => {
    before(loadIstioCrds);

    it("mesh scope: one PeerAuthentication, no selector", () => {
        assert.deepEqual(mtlsPolicyObjects(planMtlsPolicy("mesh-strict", {})), [
            {
                resourceName: "mesh-strict-peer-authentication",
                object: { apiVersion: "security.istio.io/v1", kind: "PeerAuthentication", metadata: { name: "default", namespace: "istio-system" }, spec: { mtls: { mode: "STRICT" } } },
            },
        ]);
    });

    it("workload scope: selector keys and ports sorted, DestinationRules named per host", () => {
        const objects = mtlsPolicyObjects(
            planMtlsPolicy("reviews", {
                namespace: "bookinfo",
                selector: { version: "v1", app: "reviews" },
                portLevelMtls: [{ port: 9090, mode: MtlsMode.DISABLE }, { port: 8080, mode: MtlsMode.PERMISSIVE }],
                destinationRule: { hosts: ["reviews.bookinfo.svc.cluster.local", "ratings.bookinfo.svc.cluster.local"] },
            }),
        );
        assert.deepEqual(objects.map((o) => o.resourceName), ["reviews-peer-authentication", "reviews-destination-rule", "reviews-destination-rule-1"]);
        assert.equal(
            JSON.stringify(objects[0].object.spec),
            JSON.stringify({ selector: { matchLabels: { app: "reviews", version: "v1" } }, mtls: { mode: "STRICT" }, portLevelMtls: { "8080": { mode: "PERMISSIVE" }, "9090": { mode: "DISABLE" } } }),
        );
        assert.deepEqual(objects[2].object, {
            apiVersion: "networking.istio.io/v1",
            kind: "DestinationRule",
            metadata: { name: "reviews-1", namespace: "bookinfo" },
            spec: { host: "ratings.bookinfo.svc.cluster.local", trafficPolicy: { tls: { mode: "ISTIO_MUTUAL" } } },
        });
    });

    it("every object matches the upstream CRD schema", () => {
        const objects = [
            ...mtlsPolicyObjects(planMtlsPolicy("a", { namespace: "x", destinationRule: {} })),
            ...mtlsPolicyObjects(planMtlsPolicy("b", { namespace: "x", selector: { app: "b" }, portLevelMtls: [{ port: 80, mode: MtlsMode.DISABLE }], destinationRule: { hosts: ["b.x.svc.cluster.local"] } })),
            ...mtlsPolicyObjects(planMtlsPolicy("c", { mode: MtlsMode.UNSET })),
        ].map((o) => o.object as unknown as K8sObject);
        assert.equal(assertValidObjects(objects, ISTIO_GROUPS), 5);
        // The check itself catches an unknown field.
        assert.match(schemaErrors({ ...objects[2], spec: { mtls: { mode: "STRICT", enabled: true } } }).join(), /must NOT have additional properties: enabled/);
    });

    it("is deterministic: selector order in the arguments does not change the bytes", () => {
        const one = mtlsPolicyObjects(planMtlsPolicy("p", { namespace: "a", selector: { app: "x", tier: "web" } }));
        const two = mtlsPolicyObjects(planMtlsPolicy("p", { namespace: "a", selector: { tier: "web", app: "x" } }));
        assert.equal(JSON.stringify(one), JSON.stringify(two));
    });
});
