// Lint: typescript-eslint's strict, type-aware rules over the SDK, tests, examples and the main program.
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["tests/**/*.tmp.ts", "bin/**", "node_modules/**", "rendered/**", "**/*.js", "**/*.mjs"] },
    eslint.configs.recommended,
    ...tseslint.configs.strictTypeChecked,
    {
        languageOptions: {
            parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
        },
        rules: {
            // Numbers and booleans in messages are deliberate and readable.
            "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true }],
        },
    },
    {
        // Tests: mocha's `this.skip()` needs function expressions; fixtures are loosely typed JSON.
        files: ["tests/**/*.ts"],
        rules: {
            "@typescript-eslint/no-non-null-assertion": "off",
        },
    },
);
