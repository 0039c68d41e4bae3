import { iamActionsOf } from "../engine/iam-actions";
import { loadCatalogue } from "../engine/catalogue";
import { CREDENTIAL_STORES } from "../engine/reach/compute";

/** Reads the reach analysis follows to stored credentials: the catalogue's E8 reach actions and every credential store's reads. */
export function credentialReads(): readonly string[] {
  return [
    ...loadCatalogue().reachActions.filter((r) => r.patterns.includes("E8")).map((r) => r.action),
    ...CREDENTIAL_STORES.flatMap((c) => c.actions as readonly string[]),
  ];
}

/**
 * The fewest prefix patterns (`ec2:DescribeA*`, `ec2:DescribeInstanceS*`, ...) and exact names that together match
 * every action of `service` starting with `verb` except those in `leaveOut` (lower-case `service:action` keys), and
 * none of those. IAM compares action names without regard to case, so the split is made on lower-case letters and a
 * pattern keeps the casing of the first action it stands for. Actions AWS adds later under a pattern are granted as
 * `verb*` would have granted them; those under a left-out name's own prefix are not.
 */
export function readPatternsWithout(service: string, verb: string, leaveOut: ReadonlySet<string>): string[] {
  const names = iamActionsOf(service).filter((n) => n.toLowerCase().startsWith(verb.toLowerCase()));
  const out: string[] = [];
  const left = (n: string) => leaveOut.has(`${service}:${n}`.toLowerCase());
  const split = (prefix: string, under: readonly string[]): void => {
    if (!under.some(left)) {
      out.push(`${service}:${prefix}*`);
      return;
    }
    const groups = new Map<string, string[]>();
    for (const n of under) {
      if (n.length === prefix.length) {
        if (!left(n)) out.push(`${service}:${n}`);
        continue;
      }
      const key = n[prefix.length].toLowerCase();
      groups.set(key, [...(groups.get(key) ?? []), n]);
    }
    for (const group of groups.values()) split(group[0].slice(0, prefix.length + 1), group);
  };
  if (names.length > 0) split(names[0].slice(0, verb.length), names);
  return out;
}
