// The one way pure plan specs read a rejection: the plan must throw a pulumi.ResourceError whose first
// line is `<type> "<name>": invalid arguments:`, followed by one `  - <problem>` line per problem.
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";

/** The error `plan` throws; fails unless it is a ResourceError. */
export function rejectionOf(plan: () => unknown): pulumi.ResourceError {
    let error: unknown;
    try {
        plan();
    } catch (e) {
        error = e;
    }
    assert.ok(pulumi.ResourceError.isInstance(error), `expected a ResourceError, got ${String(error)}`);
    return error;
}

/** The problems of a rejected plan, one per line, after checking the header names `type "name"`. */
export function planProblems(plan: () => unknown, type: string, name: string): string[] {
    const message = rejectionOf(plan).message;
    const [header, ...lines] = message.split("\n");
    assert.equal(header, `${type} "${name}": invalid arguments:`);
    assert.ok(lines.length > 0 && lines.every((l) => l.startsWith("  - ")), message);
    return lines.map((l) => l.slice(4));
}

/** Asserts a rejection whose problems match `expected`, one pattern per problem, in order. */
export function assertInvalid(plan: () => unknown, type: string, name: string, expected: RegExp[]): void {
    const problems = planProblems(plan, type, name);
    assert.equal(problems.length, expected.length, problems.join("\n"));
    problems.forEach((p, i) => {
        assert.match(p, expected[i]);
    });
}
