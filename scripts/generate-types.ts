/**
 * Generates `lib/generated/<name>.ts` from every `policies/<name>.schema.json` with json-schema-to-typescript.
 * Run through `npm run gen` (after a build) or `npx ts-node`-free: `node dist/scripts/generate-types.js`.
 * test/policies/generated.test.ts regenerates in memory and fails when the committed files are stale.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from "fs";
import { join } from "path";
import { execFileSync } from "child_process";
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
      format: false, // formatted below, in a child process
    });
    out.set(join("lib", "generated", file.replace(/\.schema\.json$/, ".ts")), ts);
  }
  const formatted = formatTypeScript([...out.values()], root);
  return new Map([...out.keys()].map((k, i) => [k, formatted[i]]));
}

/** prettier options for generated files. */
export const PRETTIER_OPTIONS = { parser: "typescript", printWidth: 120, trailingComma: "all" } as const;

/**
 * Formats TypeScript sources with prettier in a child node process. prettier's CommonJS entry uses dynamic
 * `import()`, which jest's runtime refuses; a child process behaves the same under jest and from the command
 * line, so the staleness test and the generator produce identical text.
 */
export function formatTypeScript(sources: readonly string[], cwd: string): string[] {
  const program =
    'const prettier = require("prettier");' +
    'let input = "";' +
    'process.stdin.on("data", (d) => (input += d)).on("end", async () => {' +
    "  const { sources, options } = JSON.parse(input);" +
    "  const out = [];" +
    "  for (const s of sources) out.push(await prettier.format(s, options));" +
    "  process.stdout.write(JSON.stringify(out));" +
    "});";
  const out = execFileSync(process.execPath, ["-e", program], {
    cwd,
    input: JSON.stringify({ sources, options: PRETTIER_OPTIONS }),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out) as string[];
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
