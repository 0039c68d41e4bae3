import { statSync } from "fs";
import { basename, dirname, join } from "path";
import type { Finding } from "../engine/findings";
import { ROOT_CAUSE_RULES } from "../engine/root-causes";
import { compareText } from "../engine/text";

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

/**
 * An evidence step's `location` as every report prints it: a path from where blastwall ran (`infra/main.tf:6`), like
 * the finding's `file`. Relative to the folder read, `main.tf:6` named a root main.tf in a monorepo run from its root.
 */
export function shownLocation(file: string, location: string): string {
  const at = resolveLocation(file, location);
  return at ? `${at.path}:${at.line}` : location;
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
 * A total order, the same on every machine: errors first, then by file, principal and rule; for a principal, input
 * blastwall cannot read (the root cause of what follows from it) comes before the rest, whatever its severity.
 * Findings alike in all of these (two statements of one policy, two chains to one role) are ordered by their evidence,
 * actions and message, never left in the engine's order, which follows the order of keys in the input (red-team round
 * 121). Strings compare by code unit (`compareText`), not by the machine's locale.
 */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const cause = (f: Finding) => (!f.acknowledged && ROOT_CAUSE_RULES.has(f.ruleId) ? 0 : 1);
  const rank = (f: Finding) => (f.acknowledged ? 2 : f.severity === "error" || cause(f) === 0 ? 0 : 1);
  // The tie-breakers' text, made once per finding rather than once per comparison.
  const keyed = findings.map((f) => ({ f, rank: rank(f), cause: cause(f), rest: undefined as string[] | undefined }));
  const rest = (k: (typeof keyed)[number]) =>
    (k.rest ??= [
      JSON.stringify(k.f.evidence.map((e) => [e.step, e.address, e.detail, e.location ?? ""])),
      JSON.stringify(k.f.actions),
      k.f.message,
      // Last, everything else a report shows: two findings that still tie print the same.
      JSON.stringify([k.f.severity, k.f.fix, k.f.constructPath ?? "", k.f.resourceConstructPath ?? "", k.f.acknowledged ?? null]),
    ]);
  const byRest = (a: (typeof keyed)[number], b: (typeof keyed)[number]) => {
    const x = rest(a);
    const y = rest(b);
    for (let i = 0; i < x.length; i++) {
      const c = compareText(x[i], y[i]);
      if (c !== 0) return c;
    }
    return 0;
  };
  return keyed
    .sort(
      (a, b) =>
        a.rank - b.rank ||
        compareText(a.f.file, b.f.file) ||
        compareText(a.f.principal, b.f.principal) ||
        a.cause - b.cause ||
        compareText(a.f.ruleId, b.f.ruleId) ||
        compareText(a.f.resource, b.f.resource) ||
        byRest(a, b),
    )
    .map((k) => k.f);
}
