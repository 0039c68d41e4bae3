import type { Report } from "./types";
import { findingLocation, shownLocation, sortFindings } from "./summarize";
import type { Finding } from "../engine/findings";

/** The machine report. Its shape is a public contract (see README "JSON report"). */
export function renderJson(report: Report): string {
  // Why a finding matters is the rule's; a JSON consumer gets it with each finding, as the text report prints it.
  const why = new Map((report.rules ?? []).map((m) => [m.id, m.why]));
  const out: Record<string, unknown> = {
    findings: sortFindings(report.findings).map((f) => located(f)).map(({ f, at, evidence }) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      principal: f.principal,
      resource: f.resource,
      actions: f.actions,
      evidence,
      message: f.message,
      ...(why.has(f.ruleId) ? { why: why.get(f.ruleId) } : {}),
      fix: f.fix,
      // The file the finding is in, as the text report and SARIF name it (HCL: the .tf file, not the folder read).
      file: at.path,
      ...(at.line !== undefined ? { line: at.line } : {}),
      ...(f.constructPath ? { constructPath: f.constructPath } : {}),
      ...(f.resourceConstructPath ? { resourceConstructPath: f.resourceConstructPath } : {}),
      ...(f.grants !== undefined ? { grants: f.grants } : {}),
      ...(f.acknowledged ? { acknowledged: f.acknowledged } : {}),
    })),
    summary: report.summary,
    ...(report.config !== undefined ? { config: report.config } : {}),
  };
  if (report.approvals) out.approvals = report.approvals;
  if (report.notes && report.notes.length > 0) out.notes = report.notes;
  return JSON.stringify(out, null, 2) + "\n";
}

/**
 * Where a finding is, and its evidence with every `location` as a path from where blastwall ran (`hcl/main.tf:6`),
 * like `file`: read relative to the folder read, a location could not be opened by a consumer that sees only `file`.
 */
function located(f: Finding): { f: Finding; at: { path: string; line?: number }; evidence: Finding["evidence"] } {
  const evidence = f.evidence.map((e) => (e.location === undefined ? e : { ...e, location: shownLocation(f.file, e.location) }));
  return { f, at: findingLocation(f), evidence };
}
