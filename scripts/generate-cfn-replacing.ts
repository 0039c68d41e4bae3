/**
 * Writes `policies/cfn-replacing-properties.json`: per CloudFormation resource type, the properties whose change
 * always replaces the resource, read from the CloudFormation resource schemas in `@aws-cdk/aws-service-spec`
 * (devDependency). The plan gate reads it to tell which template edits make CloudFormation delete a data store.
 * Properties that replace only in some cases ("maybe" in the spec: a restore source, an engine change) are kept apart,
 * for a reviewer: the rule counts only those its hand-kept lists name, since most of their changes update in place.
 */
import { readFileSync, writeFileSync } from "fs";
import { dirname, join } from "path";
import { gunzipSync } from "zlib";
import { policiesDir } from "../lib/engine/catalogue";
import type { CfnReplacingProperties } from "../lib/generated/cfn-replacing-properties";

interface SpecType {
  readonly type: string;
  readonly reference?: { readonly $ref: string };
  readonly element?: SpecType;
  readonly types?: readonly SpecType[];
}

interface SpecProperty {
  readonly type: SpecType;
  readonly causesReplacement?: string;
}

interface SpecResource {
  readonly cloudFormationType: string;
  readonly properties?: Record<string, SpecProperty>;
}

interface SpecDefinition {
  readonly $id: string;
  readonly properties?: Record<string, SpecProperty>;
}

/**
 * The replacing sub-properties under a property of type `t`, as paths below `prefix` (`WindowsConfiguration.DeploymentType`;
 * `*` for every value of a map; a list's items are walked without an index). A sub-property that replaces is taken
 * whole; one that does not is walked into.
 */
function subPaths(t: SpecType | undefined, defs: ReadonlyMap<string, SpecDefinition>, prefix: string, seen: ReadonlySet<string>, out: { path: string; level: string }[]): void {
  if (!t) return;
  if (t.type === "array") return subPaths(t.element, defs, prefix, seen, out);
  if (t.type === "map") return subPaths(t.element, defs, `${prefix}.*`, seen, out);
  if (t.type === "union") return (t.types ?? []).forEach((x) => subPaths(x, defs, prefix, seen, out));
  if (t.type !== "ref" || !t.reference || seen.has(t.reference.$ref)) return;
  const def = defs.get(t.reference.$ref);
  const inner = new Set([...seen, t.reference.$ref]);
  for (const [name, p] of Object.entries(def?.properties ?? {})) {
    const path = `${prefix}.${name}`;
    if (p.causesReplacement === "yes" || p.causesReplacement === "maybe") out.push({ path, level: p.causesReplacement });
    else subPaths(p.type, defs, path, inner, out);
  }
}

export function buildCfnReplacingTable(): CfnReplacingProperties {
  const pkgJson = require.resolve("@aws-cdk/aws-service-spec/package.json");
  const version = (JSON.parse(readFileSync(pkgJson, "utf8")) as { version: string }).version;
  const db = JSON.parse(gunzipSync(readFileSync(join(dirname(pkgJson), "db.json.gz"))).toString("utf8")) as {
    schema: { resource: { entities: Record<string, SpecResource> }; typeDefinition: { entities: Record<string, SpecDefinition> } };
  };
  const defs = new Map(Object.values(db.schema.typeDefinition.entities).map((d) => [d.$id, d]));
  const types: Record<string, string[]> = {};
  const conditional: Record<string, string[]> = {};
  const add = (m: Record<string, string[]>, type: string, props: string[]) => (m[type] = [...new Set([...(m[type] ?? []), ...props])].sort());
  for (const r of Object.values(db.schema.resource.entities)) {
    const always: string[] = [];
    const maybe: string[] = [];
    for (const [name, p] of Object.entries(r.properties ?? {})) {
      if (p.causesReplacement === "yes") always.push(name);
      else if (p.causesReplacement === "maybe") maybe.push(name);
      else {
        // A create-only part of a property (an FSx file system's WindowsConfiguration.DeploymentType) replaces too.
        const nested: { path: string; level: string }[] = [];
        subPaths(p.type, defs, name, new Set(), nested);
        for (const n of nested) (n.level === "yes" ? always : maybe).push(n.path);
      }
    }
    add(types, r.cloudFormationType, always);
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
