import type { Finding } from "../engine/findings";
import type { Report } from "./types";
import { display as d } from "./display";
import { compareText } from "../engine/text";
import { acceptedScope } from "../config/acknowledgements";
import { findingLocation, reachText, shownLocation, sortFindings } from "./summarize";

const LABEL = 10;
// Every value is escaped on its own, so the only line breaks in the report are the ones written here, and no
// printed line starts with anything but the renderer's fixed prefixes (a GitHub `::` command cannot be forged).
const field = (name: string, value: string) => `  ${(name + ":").padEnd(LABEL)} ${value}`;
/**
 * A `where` that is a Resource pattern, not a Terraform address (`*`, `arn:aws:secretsmanager:*:*:secret:*`): what
 * it means, since there is no block of that name to edit.
 */
function patternNote(resource: string): string {
  if (resource === "*") return " (the Resource pattern the granting statements name: every resource of that kind in the account, outside this stack too; the path names each statement to narrow)";
  if (resource.startsWith("arn:") && /[*?]/.test(resource)) return " (a Resource pattern, which may match resources outside this stack; the path names each statement to narrow)";
  return "";
}

/** One finding as the text report prints it: what, reaches, where, file, path, fix. */
export function renderFinding(f: Finding, why?: string): string {
  const head = f.acknowledged ? "ACKNOWLEDGED" : f.severity === "error" ? "ERROR" : "WARNING";
  const lines = [`${head} ${d(f.ruleId)}  ${d(f.principal)}${f.constructPath ? `  (${d(f.constructPath)})` : ""}`];
  lines.push(field("what", d(f.message)));
  if (why) lines.push(field("why", d(why)));
  if (f.actions.length > 0) lines.push(field("reaches", reachText(f.actions, 4, d)));
  if (f.resource && f.resource !== f.principal) lines.push(field("where", d(f.resource) + patternNote(f.resource) + (f.resourceConstructPath ? `  (${d(f.resourceConstructPath)})` : "")));
  // HCL input: the .tf file and line of the block to edit, not the folder read.
  const at = findingLocation(f);
  lines.push(field("file", d(at.line === undefined ? at.path : `${at.path}:${at.line}`)));
  if (f.evidence.length > 0) {
    lines.push("  path:");
    f.evidence.forEach((e, i) => {
      // From where blastwall ran, as `file:` and the JSON report name it (red-team round 121).
      const at = e.location ? ` [${d(shownLocation(f.file, e.location))}]` : "";
      lines.push(`    ${i + 1}. ${d(e.step)}: ${d(e.address)}${at} — ${d(e.detail)}`);
    });
  }
  lines.push(field("fix", d(f.fix)));
  // What an acknowledgement's "grants" pins this finding to (see lib/config/grants-digest.ts).
  if (f.grants !== undefined) lines.push(field("grants", d(f.grants)));
  if (f.acknowledged) {
    const until = f.acknowledged.expires ? ` until ${d(f.acknowledged.expires)}` : "";
    lines.push(field("accepted", `${d(f.acknowledged.reason)} (${d(f.acknowledged.source)}${until}${d(acceptedScope(f.acknowledged))})`));
  }
  return lines.join("\n");
}

/** The human report: a verdict line, then each finding as what / where / path / fix. */
export function renderText(report: Report): string {
  const s = report.summary;
  const out: string[] = [];
  const whys = new Map((report.rules ?? []).map((m) => [m.id, m.why]));
  for (const f of sortFindings(report.findings)) out.push(renderFinding(f, whys.get(f.ruleId)), "");
  for (const a of report.approvals ?? []) {
    const who = a.by ? ` by ${d(a.by)}${a.nameBound === false ? " (a name --trust does not bind to the signing key)" : ""}` : "";
    const covers = a.covers.length ? ` (covers ${a.covers.map(d).join(", ")})` : "";
    out.push(`APPROVAL ${a.accepted ? "accepted" : "refused"}${who}: ${d(a.file)} — ${d(a.reason)}${covers}`);
  }
  if ((report.approvals ?? []).length > 0) out.push("");
  const shared = sharedCauses(report.findings);
  if (shared.length > 0) {
    out.push("Where many findings come from one place (one edit there fixes them all):");
    for (const c of shared) out.push(`  ${d(c.where)} — ${c.findings} findings, ${c.principals} agents`);
    out.push("");
  }
  for (const n of report.notes ?? []) out.push(`NOTE ${d(n)}`);
  if ((report.notes ?? []).length > 0) out.push("");
  // Above the verdict, which stays the last line: a run with the wrong config (or none) passes what it should not.
  if (report.config !== undefined) out.push(`config: ${report.config === null ? "none" : d(report.config)}`);
  const verdict = s.errors > 0 ? "FAIL" : "PASS";
  const acked = s.acknowledged;
  out.push(
    `blastwall ${report.tool}: ${verdict} — ${s.errors} error(s), ${s.warnings} warning(s)` +
      (acked ? `, ${acked} acknowledged` : "") +
      ` in ${s.files} file(s); ${s.agentPrincipals} agent principal(s) of ${s.principals}, ${s.resources} resource(s) read`,
  );
  return out.join("\n") + "\n";
}

/**
 * Policies (or other resources) that many findings of several principals name as where to fix: a policy attached
 * to ten agents yields ten findings per rule, all cured by one edit. The five largest, when there are any.
 */
function sharedCauses(findings: readonly Finding[]): { where: string; findings: number; principals: number }[] {
  const by = new Map<string, { findings: number; principals: Set<string> }>();
  const files = new Set(findings.map((f) => f.file));
  for (const f of findings) {
    // Only Terraform addresses: a store outside the stack (`*`, an ARN) is no place to edit.
    if (f.acknowledged || !f.resource || f.resource === f.principal || !/^(?:data\.|module\.)?[a-z][a-z0-9_]*\.[^\s]/i.test(f.resource) || f.resource.startsWith("arn:")) continue;
    // Keyed by file too: the same address in another stack is another resource, and another edit.
    const key = `${f.file}\u0000${f.resource}`;
    let e = by.get(key);
    if (!e) by.set(key, (e = { findings: 0, principals: new Set() }));
    e.findings++;
    e.principals.add(f.principal);
  }
  return [...by]
    .filter(([, e]) => e.principals.size >= 3)
    .map(([key, e]) => {
      const [file, resource] = key.split("\u0000");
      return { where: files.size > 1 ? `${resource} in ${file}` : resource, findings: e.findings, principals: e.principals.size };
    })
    .sort((a, b) => b.findings - a.findings || compareText(a.where, b.where))
    .slice(0, 5);
}
