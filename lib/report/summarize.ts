import { statSync } from "fs";
import { basename, dirname, join } from "path";
import type { Finding } from "../engine/findings";
import { ROOT_CAUSE_RULES } from "../engine/root-causes";

/**
 * Where to edit for a finding: the file and line of the block its `resource` names (the policy, attachment or
 * resource at fault), else of its principal. Only the HCL reader attaches `file:line` locations, relative to the
 * directory it read (the finding's `file`); a finding from Terraform JSON has none and points at its file.
 */
function entryKind(path: string): "file" | "folder" | undefined {
  if (path === "") return undefined;
  try {
    return statSync(path).isDirectory() ? "folder" : "file";
  } catch {
    return undefined;
  }
}

export function findingLocation(f: Finding): { path: string; line?: number } {
  const located =
    f.evidence.find((e) => e.location && e.address === f.resource) ??
    f.evidence.find((e) => e.location && e.address === f.principal) ??
    f.evidence.find((e) => e.location);
  return resolveLocation(f.file, located?.location) ?? { path: f.file };
}

/**
 * An evidence `location` (`main.tf:6`, relative to the folder read) as a path from where blastwall ran, with its
 * line: undefined when it names no line.
 */
export function resolveLocation(file: string, location: string | undefined): { path: string; line: number } | undefined {
  const at = /^(.*):(\d+)$/.exec(location ?? "");
  if (!at) return undefined;
  const line = Math.max(1, Number(at[2]));
  // Locations are relative to the folder read: an HCL root's own folder, or a single file's folder (a cdk.tf.json and
  // the modules beside it). Joined to the file itself, a stack's own location named cdk.tf.json twice (red-team round
  // 86). Whether the file is a folder is asked of the disk (an HCL folder may be named `infra.json`); a stack not
  // written yet (synth) is known by its location naming the file itself.
  const kind = entryKind(file);
  if (kind === undefined && at[1] === basename(file)) return { path: file, line };
  return { path: join(kind === "file" ? dirname(file) : file, at[1]), line };
}

/** Errors and warnings that still fail or warn, and the acknowledged findings, shown but not counted among them. */
export function countFindings(findings: readonly Finding[]): { errors: number; warnings: number; acknowledged: number } {
  let errors = 0;
  let warnings = 0;
  let acknowledged = 0;
  for (const f of findings) {
    if (f.acknowledged) acknowledged++;
    else if (f.severity === "error") errors++;
    else warnings++;
  }
  return { errors, warnings, acknowledged };
}

/** "a, b, c and 12 more" — reports name the first few actions, then a count. */
export function listActions(actions: readonly string[], first = 4): string {
  if (actions.length === 0) return "";
  if (actions.length <= first) return actions.join(", ");
  return `${actions.slice(0, first).join(", ")} and ${actions.length - first} more (${actions.length} in all)`;
}

/**
 * A finding's actions in words: `*` among them stands for principals on the way whose rights blastwall cannot see,
 * counted as every right and said so rather than counted as one more action. `shown` escapes each name for the report.
 */
export function reachText(list: readonly string[], first = 4, shown: (s: string) => string = (s) => s): string {
  if (!list.includes("*")) return listActions(list.map(shown), first);
  const named = list.filter((a) => a !== "*").map(shown);
  return `every action (it reaches principals whose rights blastwall cannot see)${named.length > 0 ? `, among them ${listActions(named, first)}` : ""}`;
}

/**
 * Stable order: errors first, then by file, principal and rule; for a principal, input blastwall cannot read (the root
 * cause of what follows from it) comes before the rest, whatever its severity.
 */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const cause = (f: Finding) => (!f.acknowledged && ROOT_CAUSE_RULES.has(f.ruleId) ? 0 : 1);
  const rank = (f: Finding) => (f.acknowledged ? 2 : f.severity === "error" || cause(f) === 0 ? 0 : 1);
  return [...findings].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      a.file.localeCompare(b.file) ||
      a.principal.localeCompare(b.principal) ||
      cause(a) - cause(b) ||
      a.ruleId.localeCompare(b.ruleId) ||
      a.resource.localeCompare(b.resource),
  );
}
