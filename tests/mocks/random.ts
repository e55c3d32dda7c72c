// A deterministic mock of @pulumi/random: outputs derive from the resource name and inputs, so the
// same program gives the same values (as a real stack gives what is in its state) and a changed
// keeper gives a new value (as the real provider replaces the resource).
import * as crypto from "node:crypto";
import { canonicalJson } from "./tls";

type Inputs = Record<string, unknown>;

/** The random resource types this mock answers. */
export const randomTypes = new Set(["random:index/randomId:RandomId"]);

/** Outputs of a random resource; in preview only the inputs come back (outputs unknown). */
export function mockRandom(type: string, name: string, inputs: Inputs, preview: boolean): Inputs {
    if (preview) {
        return { ...inputs };
    }
    if (type !== "random:index/randomId:RandomId") {
        throw new Error(`random mock: unknown type ${type}`);
    }
    const byteLength = inputs.byteLength;
    if (typeof byteLength !== "number" || byteLength < 1) {
        throw new Error("random mock: byteLength must be a positive number");
    }
    const bytes = Buffer.alloc(byteLength);
    let block = crypto.createHash("sha256").update(`${type}/${name}/${canonicalJson(inputs)}`).digest();
    for (let i = 0; i < byteLength; i++) {
        if (i > 0 && i % block.length === 0) {
            block = crypto.createHash("sha256").update(block).digest();
        }
        bytes[i] = block[i % block.length];
    }
    const prefix = typeof inputs.prefix === "string" ? inputs.prefix : "";
    return {
        ...inputs,
        hex: prefix + bytes.toString("hex"),
        b64Std: prefix + bytes.toString("base64"),
        b64Url: prefix + bytes.toString("base64url"),
        dec: prefix + BigInt("0x" + bytes.toString("hex")).toString(10),
    };
}
