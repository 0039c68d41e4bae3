import type { RuleMeta } from "../engine/findings";
import type { Report } from "./types";
import { sortFindings } from "./summarize";

/** SARIF 2.1.0 for GitHub code scanning: one result per finding, acknowledged ones as external suppressions. */
export function renderSarif(report: Report, metas: ReadonlyMap<string, RuleMeta>, version: string): string {
  const findings = sortFindings(report.findings);
  const ids = [...new Set(findings.map((f) => f.ruleId))].sort();
  const rules = ids.map((id) => {
    const m = metas.get(id);
    return {
      id,
      name: id,
      shortDescription: { text: m?.title ?? id },
      fullDescription: { text: m?.why ?? id },
      help: { text: m?.fix ?? "See the finding's fix." },
      defaultConfiguration: { level: m?.severity ?? "error" },
    };
  });
  const results = findings.map((f) => {
    // HCL findings carry `file.tf:LINE` relative to the checked directory; JSON findings point at the file.
    const located = f.evidence.find((e) => e.location && (e.address === f.resource || e.address === f.principal)) ?? f.evidence.find((e) => e.location);
    const at = /^(.*):(\d+)$/.exec(located?.location ?? "");
    const uri = at && !f.file.endsWith(".json") ? `${f.file.replace(/[\\/]+$/, "")}/${at[1]}` : f.file;
    const line = at ? at[2] : undefined;
    return {
      ruleId: f.ruleId,
      ruleIndex: ids.indexOf(f.ruleId),
      level: f.severity,
      message: { text: `${f.message} Fix: ${f.fix}` },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: uri.split("\\").join("/") },
            region: { startLine: line ? Number(line) : 1 },
          },
          logicalLocations: [{ fullyQualifiedName: f.principal, kind: "resource" }],
        },
      ],
      partialFingerprints: { blastwallFinding: `${f.ruleId}|${f.principal}|${f.resource}` },
      properties: { principal: f.principal, resource: f.resource, actions: f.actions, constructPath: f.constructPath },
      ...(f.acknowledged ? { suppressions: [{ kind: "external", justification: f.acknowledged.reason }] } : {}),
    };
  });
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [{ tool: { driver: { name: "blastwall", version, informationUri: "https://www.npmjs.com/package/blastwall", rules } }, results }],
  };
  return JSON.stringify(sarif, null, 2) + "\n";
}
