import { mkdirSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { checkPaths } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";

/** A fresh folder holding `files` (relative paths, folders made as needed). */
export function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), "blastwall-hcl-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(d, name, ".."), { recursive: true });
    writeFileSync(join(d, name), text);
  }
  return d;
}

/** The destroy actions `agent-destroy-right` finds when the folder is checked. */
export async function destroy(d: string): Promise<string[]> {
  return (await checkPaths([d], { config: {}, rules: agentRules })).findings.filter((f) => f.ruleId === "agent-destroy-right").flatMap((f) => f.actions);
}
