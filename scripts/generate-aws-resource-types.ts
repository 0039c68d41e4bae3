/**
 * Writes `policies/aws-resource-types.json`: every managed resource type of the Terraform AWS provider, as the
 * `@cdktf/provider-aws` package (devDependency, MPL-2.0 bindings generated from the provider's schema) ships them.
 * `protected.types` entries are checked against it (lib/engine/aws-resource-types.ts): a type the provider does not
 * have is surely misspelt, while a real type no stack has yet is a deliberate protection in advance. One type per
 * line, sorted, so a regeneration shows as a readable diff. Data sources are left out: `protected` is about what a
 * plan can delete.
 */
import { readFileSync, readdirSync, writeFileSync, existsSync } from "fs";
import { dirname, join } from "path";
import { policiesDir } from "../lib/engine/catalogue";

export interface AwsResourceTypeTable {
  source: string;
  types: string[];
}

function packageDir(): string {
  return dirname(require.resolve("@cdktf/provider-aws/package.json"));
}

export function buildAwsResourceTypeTable(dir = packageDir()): AwsResourceTypeTable {
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string; cdktf?: { provider?: { version?: string } } };
  const types = new Set<string>();
  // Each binding folder (`lib/s3-bucket/index.js`) declares the Terraform type it writes; `data-*` folders are data sources.
  for (const folder of readdirSync(join(dir, "lib"))) {
    if (folder.startsWith("data-")) continue;
    const file = join(dir, "lib", folder, "index.js");
    if (!existsSync(file)) continue;
    const m = /tfResourceType = "(aws_[a-z0-9_]+)"/.exec(readFileSync(file, "utf8"));
    if (m) types.add(m[1]);
  }
  if (types.size < 1000) throw new Error(`${dir}: found only ${types.size} resource types; has the package layout changed?`);
  const provider = manifest.cdktf?.provider?.version;
  return { source: `@cdktf/provider-aws@${manifest.version}${provider ? ` (hashicorp/aws ${provider})` : ""}`, types: [...types].sort() };
}

export function serializeAwsResourceTypeTable(table: AwsResourceTypeTable): string {
  return "{\n" + `  "source": ${JSON.stringify(table.source)},\n` + '  "types": [\n' + table.types.map((t) => `    ${JSON.stringify(t)}`).join(",\n") + "\n  ]\n}\n";
}

export function generateAwsResourceTypes(): { file: string; types: number; bytes: number } {
  const table = buildAwsResourceTypeTable();
  const text = serializeAwsResourceTypeTable(table);
  const file = join(policiesDir(), "aws-resource-types.json");
  writeFileSync(file, text);
  return { file, types: table.types.length, bytes: Buffer.byteLength(text) };
}

if (require.main === module) {
  const r = generateAwsResourceTypes();
  console.log(`wrote ${r.file}: ${r.types} resource types, ${(r.bytes / 1024).toFixed(0)} KiB`);
}
