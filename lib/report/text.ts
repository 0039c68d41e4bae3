import type { Finding } from "../engine/findings";
import type { Report } from "./types";
import { listActions, sortFindings } from "./summarize";

const LABEL = 10;
const field = (name: string, value: string) => `  ${(name + ":").padEnd(LABEL)} ${value}`;

/** One finding as the text report prints it: what, reaches, where, file, path, fix. */
export function renderFinding(f: Finding, why?: string): string {
  const head = f.acknowledged ? "ACKNOWLEDGED" : f.severity.toUpperCase();
  const lines = [`${head} ${f.ruleId}  ${f.principal}${f.constructPath ? `  (${f.constructPath})` : ""}`];
  lines.push(field("what", f.message));
  if (why) lines.push(field("why", why));
  if (f.actions.length > 0) lines.push(field("reaches", listActions(f.actions)));
  if (f.resource && f.resource !== f.principal) lines.push(field("where", f.resource));
  lines.push(field("file", f.file));
  if (f.evidence.length > 0) {
    lines.push("  path:");
    f.evidence.forEach((e, i) => {
      const at = e.location ? ` [${e.location}]` : "";
      lines.push(`    ${i + 1}. ${e.step}: ${e.address}${at} — ${e.detail}`);
    });
  }
  lines.push(field("fix", f.fix));
  if (f.acknowledged) {
    const until = f.acknowledged.expires ? ` until ${f.acknowledged.expires}` : "";
    lines.push(field("accepted", `${f.acknowledged.reason} (${f.acknowledged.source}${until})`));
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
    const who = a.by ? ` by ${a.by}` : "";
    out.push(`APPROVAL ${a.accepted ? "accepted" : "refused"}${who}: ${a.file} — ${a.reason}${a.covers.length ? ` (covers ${a.covers.join(", ")})` : ""}`);
  }
  if ((report.approvals ?? []).length > 0) out.push("");
  const verdict = s.errors > 0 ? "FAIL" : "PASS";
  const acked = report.findings.filter((f) => f.acknowledged).length;
  out.push(
    `blastwall ${report.tool}: ${verdict} — ${s.errors} error(s), ${s.warnings} warning(s)` +
      (acked ? `, ${acked} acknowledged` : "") +
      ` in ${s.files} file(s); ${s.agentPrincipals} agent principal(s) of ${s.principals}, ${s.resources} resource(s) read`,
  );
  return out.join("\n") + "\n";
}
