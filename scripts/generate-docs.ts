/**
 * Writes docs/rules.md and the rule table of README.md from the rules' own metadata (cdk-nag style: the
 * metadata is the single source). `npm run gen` runs it; a test fails when the committed files are stale.
 */
import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import type { RuleMeta } from "../lib/engine/findings";
import { allRuleMetas } from "../lib/rules/catalog";
import { findPackageRoot } from "../lib/engine/package-root";

const CATEGORY_TITLES: Record<string, string> = {
  "agent-rights": "Rights an agent holds itself",
  reach: "Rights an agent can reach through others",
  protection: "Protection around data",
  input: "What blastwall cannot read (fail closed)",
  plan: "Deploy-time plan gate",
};

const esc = (s: string) => s.replace(/\|/g, "\\|");

export function rulesMarkdown(metas: readonly RuleMeta[]): string {
  const out = ["# blastwall rules", "", "Generated from the rules' metadata by `npm run gen`; do not edit by hand.", ""];
  const cats = [...new Set(metas.map((m) => m.category))];
  for (const c of cats) {
    out.push(`## ${CATEGORY_TITLES[c] ?? c}`, "");
    for (const m of metas.filter((x) => x.category === c)) {
      out.push(`### \`${m.id}\` (${m.severity})`, "", `**${m.title}.**`, "", `*Why:* ${m.why}`, "");
      if (m.details) out.push(`*In detail:*`, "", m.details.trim(), "");
      out.push(`*Fix:* ${m.fix}`, "");
    }
  }
  return out.join("\n");
}

export function rulesTable(metas: readonly RuleMeta[]): string {
  const rows = metas.map((m) => `| \`${m.id}\` | ${m.severity} | ${esc(m.title)} |`);
  return ["| rule | severity | what it catches |", "|---|---|---|", ...rows].join("\n");
}

const START = "<!-- rules:start -->";
const END = "<!-- rules:end -->";

export function withRulesTable(readme: string, table: string): string {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) return readme;
  return `${readme.slice(0, a + START.length)}\n${table}\n${readme.slice(b)}`;
}

export function generateDocs(root: string): { rules: string; readme: string } {
  const metas = allRuleMetas();
  const readme = readFileSync(join(root, "README.md"), "utf8");
  return { rules: rulesMarkdown(metas), readme: withRulesTable(readme, rulesTable(metas)) };
}

if (require.main === module) {
  const root = findPackageRoot();
  const { rules, readme } = generateDocs(root);
  writeFileSync(join(root, "docs", "rules.md"), rules);
  writeFileSync(join(root, "README.md"), readme);
  console.log("wrote docs/rules.md and the README rule table");
}
