import type { Report } from "./types";
import { sortFindings } from "./summarize";

/** The machine report. Its shape is a public contract (see README "JSON report"). */
export function renderJson(report: Report): string {
  // Why a finding matters is the rule's; a JSON consumer gets it with each finding, as the text report prints it.
  const why = new Map((report.rules ?? []).map((m) => [m.id, m.why]));
  const out: Record<string, unknown> = {
    findings: sortFindings(report.findings).map((f) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      principal: f.principal,
      resource: f.resource,
      actions: f.actions,
      evidence: f.evidence,
      message: f.message,
      ...(why.has(f.ruleId) ? { why: why.get(f.ruleId) } : {}),
      fix: f.fix,
      file: f.file,
      ...(f.constructPath ? { constructPath: f.constructPath } : {}),
      ...(f.resourceConstructPath ? { resourceConstructPath: f.resourceConstructPath } : {}),
      ...(f.acknowledged ? { acknowledged: f.acknowledged } : {}),
    })),
    summary: report.summary,
  };
  if (report.approvals) out.approvals = report.approvals;
  if (report.notes && report.notes.length > 0) out.notes = report.notes;
  return JSON.stringify(out, null, 2) + "\n";
}
