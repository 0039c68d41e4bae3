/** Which roles' trust policies may admit which principals, indexed once per graph (see edges-assume.ts). */
import type { PrincipalNode } from "../analysis-types";
import { globsIntersect, hasWildcard } from "../iam/glob";
import { trustMayNamePrincipals } from "../principals/collect";

/**
 * Who may be admitted by each role's trust: `named` lists roles by the principal ARN their trust names (lower case);
 * `open` holds every role whose trust admits more than exact ARNs (`*`, an account, a wildcard, NotPrincipal,
 * an unreadable statement). A principal can only be admitted by a role in `named[its ARN]` or in `open`, so a
 * wildcard sts:AssumeRole need not test every role's trust.
 *
 * IAM takes no wildcard inside a principal ARN, so a named ARN with one in its name part is a name computed at apply
 * time (`${aws_iam_role.x.arn}` of a role with `name_prefix` or no name): one principal, which may be any the
 * pattern covers. Such a trust names each of them as surely as a literal ARN would, so the pattern is kept in
 * `named` too (and listed in `patterns`), not only counted as open, where an identity Allow would be needed.
 */
export function indexTrust(roles: readonly PrincipalNode[]): { named: Map<string, PrincipalNode[]>; patterns: string[]; open: PrincipalNode[]; sessions: Set<PrincipalNode> } {
  const named = new Map<string, PrincipalNode[]>();
  const sessions = new Set<PrincipalNode>();
  const patterns = new Set<string>();
  const open: PrincipalNode[] = [];
  for (const role of roles) {
    // Most trust policies admit only AWS services; their text shows it, and parsing thousands of them would
    // dominate the analysis of a large stack. Anything that might name an IAM principal is parsed.
    if (!trustMayNamePrincipals(role.resource.values["assume_role_policy"])) continue;
    let isOpen = false;
    for (const s of role.trustPolicy?.statements ?? []) {
      if (s.unknown !== undefined || (s.effect === "Allow" && (s.notPrincipals !== undefined || s.principals === undefined))) isOpen = true;
      if (s.effect !== "Allow") continue;
      for (const ps of s.principals ?? []) {
        if (ps.type !== "AWS" && ps.type !== "*") continue;
        for (const id of ps.identifiers) {
          // A role session ARN (`arn:aws:sts::A:assumed-role/NAME/SESSION`) names that session of role NAME, whatever
          // the role's path, and within one account admits it with no identity Allow, as the role's own ARN does.
          const session = /^arn:[^:]*:sts::[^:]*:assumed-role\/([^/*?]+)\/[^*?]+$/i.exec(id);
          if (session) {
            sessions.add(role);
            const name = session[1].toLowerCase();
            const onPath = `arn:*:iam::*:role/*/${name}`;
            patterns.add(onPath);
            for (const key of [`arn:*:iam::*:role/${name}`, onPath]) {
              const list = named.get(key) ?? [];
              if (!list.includes(role)) list.push(role);
              named.set(key, list);
            }
            continue;
          }
          // Most identifiers are literal ARNs: neither computed nor wild, which needs no closer look.
          const wild = hasWildcard(id);
          // A wildcard in the account alone (`arn:aws:iam::*:role/x`, a reference's pattern) leaves the name literal.
          const wildName = wild && hasWildcard(afterFifthColon(id));
          const computed = wildName && mayBeComputedPrincipal(id);
          if (!computed && (!/:(role|user)\//.test(id) || wildName)) {
            isOpen = true;
            continue;
          }
          if (computed) {
            isOpen = true;
            patterns.add(normaliseAccount(id));
          }
          const key = normaliseAccount(id);
          const list = named.get(key) ?? [];
          if (!list.includes(role)) list.push(role);
          named.set(key, list);
        }
      }
    }
    if (isOpen) open.push(role);
  }
  return { named, patterns: [...patterns], open, sessions };
}

/** What follows the fifth colon of an ARN (its resource part), or "" when it has fewer. */
function afterFifthColon(arn: string): string {
  let i = -1;
  for (let n = 0; n < 5; n++) {
    i = arn.indexOf(":", i + 1);
    if (i < 0) return "";
  }
  return arn.slice(i + 1);
}

/**
 * An IAM ARN (`arn:P:iam::A:...`) with a wildcard in its name part that may stand for a role or user: it can only
 * have come from a name computed at apply time (a written one is refused by IAM).
 */
function mayBeComputedPrincipal(id: string): boolean {
  const m = /^arn:[^:]*:iam::[^:]*:(.*)$/i.exec(id);
  if (!m || !/[*?]/.test(m[1])) return false;
  return globsIntersect(m[1], "role/*", { caseInsensitive: true }) || globsIntersect(m[1], "user/*", { caseInsensitive: true });
}

/**
 * Trust policies name principals with or without a literal account, in any partition; stack patterns have `aws`
 * and `*` there. Both are compared with `*` in place of each.
 */
export function normaliseAccount(arn: string): string {
  return arn.toLowerCase().replace(/^arn:[^:]*:iam::[^:]*:/, "arn:*:iam::*:");
}
