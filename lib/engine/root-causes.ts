import type { Finding } from "./findings";

/**
 * Rules that report input blastwall cannot read (a policy that is not JSON, an attachment or module it cannot
 * resolve, tags it cannot see). What they name counts as granting everything, so other findings of the same principal
 * often follow from them: reports list these first for a principal, as the place to start.
 */
export const ROOT_CAUSE_RULES: ReadonlySet<string> = new Set(["unanalysable-policy", "unresolved-attachment", "unknown-module", "agent-tags-unreadable", "unmodelled-iam"]);

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Findings that follow from a policy blastwall cannot read (an `unanalysable-policy` finding of the same principal)
 * say so: their `resource` is that policy, or their evidence names it. A reader then fixes the unreadable policy
 * first, rather than chasing the rights it was counted as granting.
 */
export function linkRootCauses(findings: readonly Finding[]): Finding[] {
  const causes = new Map<string, Set<string>>();
  for (const f of findings) {
    if (f.ruleId !== "unanalysable-policy" || !f.resource || f.resource === f.principal) continue;
    const key = `${f.file}\u0000${f.principal}`;
    let set = causes.get(key);
    if (!set) causes.set(key, (set = new Set()));
    set.add(f.resource);
  }
  if (causes.size === 0) return [...findings];
  const mentions = new Map<string, RegExp>();
  const mentioned = (text: string, address: string) => {
    let re = mentions.get(address);
    if (!re) mentions.set(address, (re = new RegExp(`(?:^|[^A-Za-z0-9_.\\-])${escape(address)}(?:$|[^A-Za-z0-9_\\-[])`)));
    return re.test(text);
  };
  return findings.map((f) => {
    if (ROOT_CAUSE_RULES.has(f.ruleId)) return f;
    const unreadable = causes.get(`${f.file}\u0000${f.principal}`);
    if (!unreadable) return f;
    const from = [...unreadable].filter((r) => f.resource === r || f.evidence.some((e) => e.address === r || mentioned(e.detail, r))).sort();
    if (from.length === 0) return f;
    const which = from.length === 1 ? `${from[0]}, which blastwall cannot read` : `${from.join(", ")}, which blastwall cannot read`;
    return { ...f, message: `${f.message} This follows from ${which} (see unanalysable-policy): fix that first.` };
  });
}
