// A deterministic mock of @pulumi/random: outputs derive from the resource name and inputs, so the
// same program gives the same values (as a real stack gives what is in its state) and a changed
// keeper gives a new value (as the real provider replaces the resource).
import * as crypto from "node:crypto";
import { canonicalJson } from "./canonicalJson";

/** The @pulumi/random resource types the random mock answers. */
export const RANDOM_RESOURCE_TYPES: ReadonlySet<string> = new Set(["random:index/randomId:RandomId"]);

/**
 * Outputs of a @pulumi/random resource (`RandomId`: `hex`, `b64Std`, `b64Url`, `dec`, with `prefix`)
 * from its plain inputs. In preview only the inputs come back, so computed outputs are unknown, as in a
 * real preview of a create. Throws for a type not in `RANDOM_RESOURCE_TYPES`.
 */
export function mockRandomResource(type: string, name: string, inputs: Record<string, unknown>, preview: boolean): Record<string, unknown> {
    if (preview) {
        return { ...inputs };
    }
    if (type !== "random:index/randomId:RandomId") {
        throw new Error(`meshtls/testing random mock: unknown type ${type}`);
    }
    const byteLength = inputs.byteLength;
    if (typeof byteLength !== "number" || byteLength < 1) {
        throw new Error("meshtls/testing random mock: byteLength must be a positive number");
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
