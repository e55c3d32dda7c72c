// The policy pack the Pulumi CLI loads: `pulumi preview --policy-pack ./policy`. The policies live in
// policies.ts so tests can import them without starting the pack's server.
import { PolicyPack } from "@pulumi/policy";
import { meshtlsPolicies } from "./policies";

new PolicyPack("meshtls-mtls", { policies: meshtlsPolicies });
