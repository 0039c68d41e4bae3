/**
 * Generates `lib/generated/blastwall-config.validate.ts`: the config schema compiled ahead of time by ajv's
 * standalone code generation. Loading the ajv compiler and compiling the schema cost ~100 ms on every
 * `blastwall check` and every synth with the gate; the generated validator needs only ajv's small runtime helpers.
 * Run after a build: `node dist/scripts/generate-validator.js` (scripts/generate.ts runs it too).
 * test/policies/generated.test.ts regenerates in memory and fails when the committed file is stale.
 */
import { mkdirSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import Ajv, { type SchemaObject } from "ajv";
import standaloneCode from "ajv/dist/standalone";
import { formatTypeScript, repoRoot } from "./generate-types";

export const VALIDATOR_SCHEMA = "blastwall-config.schema.json";
export const VALIDATOR_FILE = join("lib", "generated", "blastwall-config.validate.ts");
// `npm run gen` runs this script with the type and docs generators.
export const REGENERATE = "npm run build && npm run gen";

// The generated body is untyped JavaScript; @ts-nocheck keeps strict tsc quiet about it, and the typed export
// around it is what callers see.
export const VALIDATOR_BANNER =
  "// @ts-nocheck\n" +
  "/* eslint-disable */\n" +
  "/**\n" +
  ` * This file was generated from policies/${VALIDATOR_SCHEMA} by scripts/generate-validator.ts (ajv standalone).\n` +
  ` * Generated, do not edit: change the schema and run \`${REGENERATE}\`.\n` +
  " */";

const TYPED_HEAD = `
import type { ErrorObject } from "ajv";
import type { BlastwallConfig } from "./blastwall-config";

/** ajv's ValidateFunction shape: after a failed call, \`errors\` holds the first problem (verbose, with parentSchema and data). */
export interface BlastwallConfigValidator {
  (data: unknown): data is BlastwallConfig;
  errors?: ErrorObject[] | null;
}
`;

// After the generated code: it declares validateUntyped with const, which cannot be read before its declaration.
const TYPED_TAIL = "\nexport const validateBlastwallConfig: BlastwallConfigValidator = validateUntyped;\n";

/** The generated validator source, formatted. */
export function generateValidator(root: string = repoRoot()): string {
  const schema = JSON.parse(readFileSync(join(root, "policies", VALIDATOR_SCHEMA), "utf8")) as SchemaObject;
  if (typeof schema.$id !== "string") throw new Error(`policies/${VALIDATOR_SCHEMA}: the schema needs an "$id" to be exported`);
  // Same options as the runtime compile had: describeError in lib/config/load-config.ts reads e.parentSchema
  // and e.data, which only verbose errors carry; allErrors: false because only the first problem is reported.
  const ajv = new Ajv({ allErrors: false, verbose: true, strict: true, code: { source: true, esm: true } });
  ajv.addSchema(schema);
  let code = standaloneCode(ajv, { validateUntyped: schema.$id });
  // TypeScript emits its own "use strict" for a module; after the imports above this one would be a no-op statement.
  if (code.startsWith('"use strict";')) code = code.slice('"use strict";'.length);
  if (/require\("ajv"\)|require\("ajv\/dist\/(?!runtime\/)/.test(code)) {
    throw new Error("the standalone validator requires ajv beyond its runtime helpers; it would load the compiler at runtime");
  }
  const [formatted] = formatTypeScript([`${VALIDATOR_BANNER}\n${TYPED_HEAD}\n${code}\n${TYPED_TAIL}`], root);
  return formatted;
}

export function writeGeneratedValidator(root: string = repoRoot()): string {
  const text = generateValidator(root);
  mkdirSync(join(root, "lib", "generated"), { recursive: true });
  writeFileSync(join(root, VALIDATOR_FILE), text);
  return VALIDATOR_FILE;
}

if (require.main === module) {
  try {
    console.log(`generated ${writeGeneratedValidator()}`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  }
}
