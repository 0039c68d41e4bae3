/**
 * Generates `lib/generated/<name>.ts` from every `policies/<name>.schema.json` with json-schema-to-typescript.
 * Run through `npm run gen` (after a build) or `npx ts-node`-free: `node dist/scripts/generate-types.js`.
 * test/policies/generated.test.ts regenerates in memory and fails when the committed files are stale.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from "fs";
import { join } from "path";
import { compile } from "json-schema-to-typescript";

export const BANNER =
  "/* eslint-disable */\n" +
  "/**\n" +
  " * This file was generated from policies/%SCHEMA% by scripts/generate-types.ts (json-schema-to-typescript).\n" +
  " * Generated, do not edit: change the schema and run `npm run gen`.\n" +
  " */";

/** The repository root: the first folder above this file that holds `policies/` and `package.json`. */
export function repoRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, "policies")) && existsSync(join(dir, "package.json"))) return dir;
    const up = join(dir, "..");
    if (up === dir) throw new Error(`cannot find the repository root above ${from}`);
    dir = up;
  }
}

/** Output file (relative to the root) to generated source, for every schema in `policies/`. */
export async function generateTypes(root: string = repoRoot()): Promise<Map<string, string>> {
  const policies = join(root, "policies");
  const out = new Map<string, string>();
  const schemas = readdirSync(policies)
    .filter((f) => f.endsWith(".schema.json"))
    .sort();
  for (const file of schemas) {
    const schema = JSON.parse(readFileSync(join(policies, file), "utf8")) as Record<string, unknown>;
    if (typeof schema.title !== "string") throw new Error(`policies/${file}: a schema needs a "title" (it names the type)`);
    const ts = await compile(schema as Parameters<typeof compile>[0], schema.title, {
      bannerComment: BANNER.replace("%SCHEMA%", file),
      cwd: policies,
      additionalProperties: false,
      strictIndexSignatures: true,
      ignoreMinAndMaxItems: true,
      unreachableDefinitions: false,
      format: true,
      style: { printWidth: 120, singleQuote: false, trailingComma: "all" },
    });
    out.set(join("lib", "generated", file.replace(/\.schema\.json$/, ".ts")), ts);
  }
  return out;
}

export async function writeGeneratedTypes(root: string = repoRoot()): Promise<string[]> {
  const files = await generateTypes(root);
  mkdirSync(join(root, "lib", "generated"), { recursive: true });
  for (const [rel, text] of files) writeFileSync(join(root, rel), text);
  return [...files.keys()];
}

if (require.main === module) {
  writeGeneratedTypes().then(
    (files) => console.log(`generated ${files.join(", ")}`),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    },
  );
}
