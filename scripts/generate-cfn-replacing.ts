/**
 * Writes `policies/cfn-replacing-properties.json`: per CloudFormation resource type, the properties whose change
 * always replaces the resource, read from the CloudFormation resource schemas in `@aws-cdk/aws-service-spec`
 * (devDependency). The plan gate reads it to tell which template edits make CloudFormation delete a data store.
 * Properties that replace only in some cases ("maybe" in the spec: a restore source, an engine change) are kept apart:
 * the rule counts them for a data type it has no hand-kept list for, and its hand-kept lists name those that matter.
 */
import { readFileSync, writeFileSync } from "fs";
import { dirname, join } from "path";
import { gunzipSync } from "zlib";
import { policiesDir } from "../lib/engine/catalogue";
import type { CfnReplacingProperties } from "../lib/generated/cfn-replacing-properties";

interface SpecResource {
  readonly cloudFormationType: string;
  readonly properties?: Record<string, { readonly causesReplacement?: string }>;
}

export function buildCfnReplacingTable(): CfnReplacingProperties {
  const pkgJson = require.resolve("@aws-cdk/aws-service-spec/package.json");
  const version = (JSON.parse(readFileSync(pkgJson, "utf8")) as { version: string }).version;
  const db = JSON.parse(gunzipSync(readFileSync(join(dirname(pkgJson), "db.json.gz"))).toString("utf8")) as {
    schema: { resource: { entities: Record<string, SpecResource> } };
  };
  const types: Record<string, string[]> = {};
  const conditional: Record<string, string[]> = {};
  const add = (m: Record<string, string[]>, type: string, props: string[]) => (m[type] = [...new Set([...(m[type] ?? []), ...props])].sort());
  for (const r of Object.values(db.schema.resource.entities)) {
    const props = Object.entries(r.properties ?? {});
    add(types, r.cloudFormationType, props.filter(([, p]) => p.causesReplacement === "yes").map(([k]) => k));
    const maybe = props.filter(([, p]) => p.causesReplacement === "maybe").map(([k]) => k);
    if (maybe.length > 0) add(conditional, r.cloudFormationType, maybe);
  }
  const sorted = (m: Record<string, string[]>) => Object.fromEntries(Object.keys(m).sort().map((k) => [k, m[k]]));
  return { source: `@aws-cdk/aws-service-spec ${version}`, types: sorted(types), conditional: sorted(conditional) };
}

export function cfnReplacingText(table: CfnReplacingProperties): string {
  // One type per line: small diffs when the spec moves.
  const block = (m: Readonly<Record<string, readonly string[] | undefined>>) => Object.entries(m).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(",\n");
  return `{\n  "source": ${JSON.stringify(table.source)},\n  "types": {\n${block(table.types)}\n  },\n  "conditional": {\n${block(table.conditional)}\n  }\n}\n`;
}

export function writeCfnReplacingTable(): { file: string; types: number } {
  const table = buildCfnReplacingTable();
  const file = join(policiesDir(), "cfn-replacing-properties.json");
  writeFileSync(file, cfnReplacingText(table));
  return { file, types: Object.keys(table.types).length };
}

if (require.main === module) {
  const r = writeCfnReplacingTable();
  console.log(`wrote ${r.file}: ${r.types} resource types`);
}
