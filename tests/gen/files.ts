// Every generated file and its expected text: what `npm run gen:schema` writes and the tests compare.
import * as path from "node:path";
import { ROOT, packageSchema } from "./analyzer";
import { generateArgShapes, renderArgShapesModule } from "./argShapes";
import { generateConfigSchema, renderConfigSchemaModule } from "./configSchema";
import { renderComponentsReference, renderConfigReference } from "./docs";
import { renderInputsReference } from "./plainFields";
import { declaredTypes } from "./sources";

/** The committed stack-config schema module. */
export const SCHEMA_MODULE = path.join(ROOT, "sdk", "platform", "configSchema.generated.ts");
/** The components' argument shapes (plain fields, kinds). */
export const ARG_SHAPES_MODULE = path.join(ROOT, "sdk", "internal", "argShapes.generated.ts");
/** Which arguments are plain, and why. */
export const INPUTS_DOC = path.join(ROOT, "docs", "reference", "inputs.md");
/** The stack-config reference. */
export const CONFIG_DOC = path.join(ROOT, "docs", "reference", "config.md");
/** The component reference. */
export const COMPONENTS_DOC = path.join(ROOT, "docs", "reference", "components.md");

/** [absolute path, expected text] of every generated file, from one analyzer run. */
export async function generatedFiles(): Promise<Array<[string, string]>> {
    const pkg = await packageSchema();
    const declared = declaredTypes(path.join(ROOT, "sdk"));
    const config = generateConfigSchema(pkg, declared);
    return [
        [SCHEMA_MODULE, renderConfigSchemaModule(config)],
        [ARG_SHAPES_MODULE, renderArgShapesModule(generateArgShapes(pkg))],
        [CONFIG_DOC, renderConfigReference(pkg, declared, config)],
        [INPUTS_DOC, renderInputsReference()],
        [COMPONENTS_DOC, renderComponentsReference(pkg, declared)],
    ];
}
