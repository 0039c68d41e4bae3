/**
 * Who a trust policy (or any resource policy) admits. Answers "which Allow statements could let this
 * candidate call `action`", for assume-role edges (E3) and, later, resource policies.
 *
 * Fail closed throughout: an Allow admits the candidate when it *might* name it (patterns that intersect, an
 * account that might be the candidate's), while a Deny blocks only when it *certainly* names it. Note that a
 * trust policy naming the account root admits the account's principals only if their own identity policy
 * also allows the action; that half is the caller's (same-account role ARNs need no identity Allow).
 */
import { globCovers, globMatch, globsIntersect } from "./glob";
import type { PrincipalSpec, Statement } from "./types";
import { conditionAlwaysTrue, isShortArn } from "./evaluate";

export interface TrustCandidate {
  /** ARN pattern of the calling principal, e.g. `arn:aws:iam::*:role/agents/*`. Not used for a service. */
  readonly arnPattern: string;
  /** Account id or pattern; taken from `arnPattern` when omitted (`*` when that has none). */
  readonly accountPattern?: string;
  /** Set when the candidate is an AWS service principal, e.g. `lambda.amazonaws.com`. */
  readonly service?: string;
}

const ROOT_ARN = /^arn:[^:]*:iam::([^:]*):root$/;
const ACCOUNT_ID = /^[0-9*?]{1,12}$/;
const ASSUMED_ROLE = /^arn:([^:]*):sts::([^:]*):assumed-role\/([^/]+)\//;

function accountOf(c: TrustCandidate): string {
  if (c.accountPattern !== undefined) return c.accountPattern;
  if (!c.arnPattern.startsWith("arn:")) return "*";
  const parts = c.arnPattern.split(":");
  return parts.length >= 6 ? parts[4] : "*";
}

/** Principal ARNs: role and user names are unique regardless of case in IAM, so compare ignoring case. */
const CI = { caseInsensitive: true } as const;

/** Might one principal identifier of type `type` name the candidate? */
function identifierMightName(type: string, id: string, c: TrustCandidate): boolean {
  if (id === "*") return true; // "*" and {"AWS": "*"}: everyone, services included (fail closed)
  if (type === "Service") return c.service !== undefined && globMatch(id, c.service, CI);
  if (c.service !== undefined) return false; // an ARN or account names no service
  if (type === "AWS") {
    // The tests before each pattern are what it requires: most identifiers are role ARNs, and skip all three.
    const root = id.endsWith(":root") ? ROOT_ARN.exec(id) : null;
    if (root) return globsIntersect(root[1], accountOf(c));
    if (id.length <= 12 && ACCOUNT_ID.test(id)) return globsIntersect(id, accountOf(c));
    const session = id.includes(":sts:") ? ASSUMED_ROLE.exec(id) : null;
    if (session) {
      // A role's session ARN drops the role path: compare it as the role, with or without a path.
      const [, partition, account, name] = session;
      return [`arn:${partition}:iam::${account}:role/${name}`, `arn:${partition}:iam::${account}:role/*/${name}`].some((p) =>
        globsIntersect(p, c.arnPattern, CI),
      );
    }
  }
  // The stack's principals carry the `aws` partition in their patterns, but the stack may run in any partition.
  return globsIntersect(anyPartition(id), c.arnPattern, CI);
}

const anyPartitions = new Map<string, string>();

/**
 * An ARN with `*` for its partition. Kept, so that each identifier of a policy, read for principal after principal,
 * gives the same string, and the pattern caches hash it once.
 */
function anyPartition(id: string): string {
  if (!id.startsWith("arn:")) return id;
  let out = anyPartitions.get(id);
  if (out === undefined) {
    if (anyPartitions.size >= 20_000) anyPartitions.clear();
    anyPartitions.set(id, (out = id.replace(/^arn:[^:]*:/, "arn:*:")));
  }
  return out;
}

/** Does an identifier certainly name the candidate (every principal the candidate pattern stands for)? */
function identifierCertainlyNames(type: string, id: string, c: TrustCandidate): boolean {
  // `*` of a type covers that type's principals only: a Service, Federated or CanonicalUser `*` never names a role or
  // user (red-team round 69); `"*"` and `{"AWS": "*"}` name everyone.
  if (id === "*") return type === "*" || type === "AWS" || (type === "Service" && c.service !== undefined);
  if (type === "Service") return c.service !== undefined && globCovers(id, c.service, CI);
  if (c.service !== undefined) return false;
  // Account roots are not relied on: whether an account principal in a Deny/NotPrincipal reaches every
  // principal of the account is not settled here, and "no" is the safe answer for both uses.
  if (type === "AWS" && (ROOT_ARN.test(id) || ACCOUNT_ID.test(id))) return false;
  return globCovers(id, c.arnPattern, CI);
}

function mightName(specs: readonly PrincipalSpec[], c: TrustCandidate): boolean {
  for (const p of specs) for (const id of p.identifiers) if (identifierMightName(p.type, id, c)) return true;
  return false;
}

function certainlyNames(specs: readonly PrincipalSpec[], c: TrustCandidate): boolean {
  for (const p of specs) for (const id of p.identifiers) if (identifierCertainlyNames(p.type, id, c)) return true;
  return false;
}

/** `a` is the action in lower case. */
function matchesAction(s: Statement, a: string): boolean {
  if (s.actions) {
    for (const p of s.actions) if (globMatch(p, a, CI)) return true;
    return false;
  }
  if (s.notActions) {
    for (const p of s.notActions) if (globMatch(p, a, CI)) return false;
    return true;
  }
  return false;
}

/** `action` is in lower case. */
function allowAdmits(s: Statement, c: TrustCandidate, action: string, resource: string | undefined): boolean {
  if (s.unknown !== undefined) return true; // unreadable: admits everyone to everything
  if (!matchesAction(s, action)) return false;
  if (resource !== undefined) {
    if (s.resources && !s.resources.some((r) => globsIntersect(r, resource))) return false;
    if (s.notResources) {
      const exact = s.notResources.filter((_, i) => !s.approximateResources?.includes(i));
      if (exact.some((x) => globCovers(x, resource))) return false;
    }
  }
  if (s.principals) return mightName(s.principals, c);
  if (s.notPrincipals) {
    // Allow + NotPrincipal: everyone except those listed, and only a certain listing excludes. A role calls as one of
    // its sessions, which a listed role ARN does not match (AWS documents that NotPrincipal must list the session
    // ARN as well): only an identifier naming no role (a user) excludes a caller here.
    return s.approximatePrincipals === true || !s.notPrincipals.some((p) => p.identifiers.some((id) => !(isRoleCandidate(c) && p.type === "AWS" && /:role\//i.test(id)) && identifierCertainlyNames(p.type, id, c)));
  }
  return true; // no principal element: a malformed trust statement, read as admitting everyone
}

/** A role's ARN pattern: it calls AWS only as a session of itself. */
function isRoleCandidate(c: TrustCandidate): boolean {
  return c.service === undefined && /^arn:[^:]*:iam::[^:]*:role\//i.test(c.arnPattern);
}

/** `action` is in lower case. */
function denyBlocks(s: Statement, c: TrustCandidate, action: string, resource: string | undefined): boolean {
  if (s.effect !== "Deny" || s.unknown !== undefined) return false;
  if (!conditionAlwaysTrue(s.conditions) || !matchesAction(s, action)) return false;
  if (s.resources) {
    const exact = s.resources.filter((_, i) => !s.approximateResources?.includes(i));
    if (!exact.some((r) => r === "*" || (resource !== undefined && globCovers(r, resource)))) return false;
  } else if (s.notResources) {
    // A short ARN leaves open whether the resource lies outside it (see evaluate.ts).
    if (resource === undefined || s.notResources.some((x) => isShortArn(x) || globsIntersect(x, resource))) return false;
  }
  if (s.principals) return s.approximatePrincipals !== true && certainlyNames(s.principals, c);
  if (s.notPrincipals) return !mightName(s.notPrincipals, c); // applies to all but those listed
  return true; // no principal element: applies to every caller
}

/**
 * The Allow statements of a trust / resource policy that may admit `candidate` for `action` (on
 * `resourcePattern`, when given), or none when a Deny certainly blocks it. Conditional Allows count (their
 * conditions are returned with them); conditional Denies block nothing.
 */
export function principalAdmits(
  statements: readonly Statement[],
  candidate: TrustCandidate,
  action = "sts:AssumeRole",
  resourcePattern?: string,
): Statement[] {
  const a = lowerAction(action);
  for (const s of statements) if (denyBlocks(s, candidate, a, resourcePattern)) return [];
  const out: Statement[] = [];
  for (const s of statements) if ((s.unknown !== undefined || s.effect === "Allow") && allowAdmits(s, candidate, a, resourcePattern)) out.push(s);
  return out;
}

/**
 * An action in lower case. Trusts are judged for every principal a role's trust names, nearly always for
 * sts:AssumeRole: that one is not lower-cased afresh each time.
 */
function lowerAction(action: string): string {
  return action === "sts:AssumeRole" ? "sts:assumerole" : action.toLowerCase();
}

/** Whether a Deny of the statements certainly blocks the candidate for `action` (its conditions always true). */
export function denyCertainlyBlocks(statements: readonly Statement[], candidate: TrustCandidate, action = "sts:AssumeRole"): boolean {
  const a = lowerAction(action);
  return statements.some((s) => denyBlocks(s, candidate, a, undefined));
}

/** Condition operators (without `IfExists`) that hold when the key matches one of the values, and their negations. */
const MATCHES: ReadonlySet<string> = new Set(["stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"]);
const NOT_MATCHES: ReadonlySet<string> = new Set(["stringnotequals", "stringnotequalsignorecase", "stringnotlike", "arnnotequals", "arnnotlike"]);
/**
 * The operators that match no wildcard: `*` and `?` in their values are literal characters (red-team round 68). The
 * Arn ones are not among them: ArnEquals matches wildcards as ArnLike does (IAM User Guide, ARN condition operators).
 */
const LITERAL: ReadonlySet<string> = new Set(["stringequals", "stringequalsignorecase", "stringnotequals", "stringnotequalsignorecase"]);

/**
 * Whether the condition value `v` may match some ARN (or account) the pattern `subject` stands for: a literal value
 * must be one of them (the pattern matches it as a string), a wildcard value must meet the pattern.
 */
function valueMayMatch(literal: boolean, v: string, subject: string, caseInsensitive: boolean): boolean {
  return literal ? globMatch(subject, v, { caseInsensitive }) : globsIntersect(v, subject, { caseInsensitive });
}

/** Whether the condition value `v` matches every ARN (or account) the pattern `subject` stands for. */
function valueCertainlyMatches(literal: boolean, v: string, subject: string, caseInsensitive: boolean): boolean {
  if (!literal) return globCovers(v, subject, { caseInsensitive });
  if (/[*?]/.test(subject)) return false;
  return caseInsensitive ? v.toLowerCase() === subject.toLowerCase() : v === subject;
}

/**
 * Whether the caller may meet the statement's conditions on who calls: `aws:PrincipalArn` and `aws:PrincipalAccount`
 * naming others, or an `aws:SourceAccount` / `aws:SourceArn` / `aws:SourceOwner` a principal's own call does not carry,
 * exclude it. Any other condition (and any set operator) may be met: fail closed.
 */
export function callerMayMeet(s: Statement, arn: string, account: string | undefined): boolean {
  for (const c of s.conditions) {
    const key = c.key.toLowerCase();
    // The caller's ARN and account are single values every request carries: a set operator on them (ForAnyValue,
    // ForAllValues) compares that one value as the operator without it does.
    const single = key === "aws:principalarn" || key === "aws:principalaccount";
    const op = c.operator.toLowerCase().replace(single ? /^for(anyvalue|allvalues):/ : /^$/, "");
    if (op.includes(":")) continue;
    const ifExists = op.endsWith("ifexists");
    const base = ifExists ? op.slice(0, -"ifexists".length) : op;
    const negated = NOT_MATCHES.has(base);
    const positive = MATCHES.has(base);
    const variable = c.values.some((v) => v.includes("${"));
    if (key === "aws:principalarn" && !variable) {
      // Condition operators compare by case, but for the IgnoreCase ones (StringEqualsIgnoreCase and its negation,
      // red-team round 67): a negated one excludes where the value covers the ARN in any case; another only in its case.
      // The String(Not)Equals operators read `*` and `?` literally (red-team round 68: `StringNotEquals .../agent*`
      // was read as a glob excluding the agent, whose ARN is "not equal" to it).
      const caseInsensitive = base.endsWith("ignorecase");
      const literal = LITERAL.has(base);
      if (positive && !c.values.some((v) => valueMayMatch(literal, v, arn, caseInsensitive))) return false;
      if (negated && c.values.some((v) => valueCertainlyMatches(literal, v, arn, caseInsensitive))) return false;
    } else if (key === "aws:principalaccount" && account !== undefined && !variable) {
      const literal = LITERAL.has(base);
      if (positive && !c.values.some((v) => valueMayMatch(literal, v, account, false))) return false;
      if (negated && c.values.some((v) => valueCertainlyMatches(literal, v, account, false))) return false;
    } else if ((key === "aws:sourceaccount" || key === "aws:sourcearn" || key === "aws:sourceowner") && positive && !ifExists) {
      return false;
    } else if (key === "aws:principalisawsservice" && base === "bool" && c.values.length > 0 && c.values.every((v) => v.toLowerCase() === "true")) {
      return false; // only an AWS service's own call has it true
    }
  }
  return true;
}

/**
 * A Deny of sts:AssumeRole to everyone (`*`) whose only conditions are on who calls, and certainly hold for the caller:
 * `ArnLike aws:PrincipalArn` naming it, `StringNotEquals aws:PrincipalArn` naming only others (the usual way to write
 * "no one but the CI role"), and the same on `aws:PrincipalAccount` when the caller's account is known.
 */
export function denyOnCallerCertainlyApplies(s: Statement, arn: string, account: string | undefined): boolean {
  if (s.effect !== "Deny" || s.unknown !== undefined || s.conditions.length === 0 || s.approximatePrincipals) return false;
  // Only `"*"` or an `AWS` principal `*` covers a role or user calling (red-team round 69: `{"Service": "*"}` does not).
  if (!(s.principals ?? []).some((p) => (p.type === "*" || p.type === "AWS") && p.identifiers.includes("*"))) return false;
  if (!(s.actions ?? []).some((a) => globMatch(a, "sts:assumerole", { caseInsensitive: true }))) return false;
  if (s.resources !== undefined && !s.resources.includes("*")) return false;
  if (s.notResources !== undefined) return false;
  return s.conditions.every((c) => {
    const key = c.key.toLowerCase();
    // aws:PrincipalArn and aws:PrincipalAccount are one value every request carries: ForAnyValue and ForAllValues
    // compare it as the operator alone does (red-team round 69; ForAllValues' truth on an absent key never arises).
    const single = key === "aws:principalarn" || key === "aws:principalaccount";
    const op = c.operator.toLowerCase().replace(single ? /^for(anyvalue|allvalues):/ : /^$/, "");
    if (op.includes(":") || c.values.some((v) => v.includes("${"))) return false;
    const base = op.endsWith("ifexists") ? op.slice(0, -"ifexists".length) : op;
    const subject = key === "aws:principalarn" ? arn : key === "aws:principalaccount" ? account : undefined;
    if (subject === undefined || /[*?]/.test(subject)) return false;
    // Conditions compare ARNs by case: a Deny certainly applies only where the case matches too. The String(Not)Equals
    // operators read `*` and `?` literally (red-team round 68).
    const literal = LITERAL.has(base);
    if (MATCHES.has(base)) return c.values.some((v) => valueCertainlyMatches(literal, v, subject, base === "stringequalsignorecase"));
    if (NOT_MATCHES.has(base)) return !c.values.some((v) => valueMayMatch(literal, v, subject, true));
    return false;
  });
}

/**
 * The Allow statements of a trust that may admit the caller `arn` (a principal's ARN pattern; `account` its account
 * when known) to sts:AssumeRole: none when a Deny whose conditions on who calls certainly hold for it blocks it, and
 * leaving out those whose conditions on who calls certainly exclude it (a trust of the account root, or of anyone,
 * narrowed by aws:PrincipalArn to `role/ci-*` admits no role named otherwise). Conditions not read may be met.
 */
export function trustAdmitsCaller(statements: readonly Statement[], arn: string, account: string | undefined): Statement[] {
  for (const s of statements) if (denyOnCallerCertainlyApplies(s, arn, account)) return [];
  // The list is principalAdmits' own: kept in place rather than copied, as this runs for every caller a trust names.
  const out = principalAdmits(statements, { arnPattern: arn });
  let kept = 0;
  for (const s of out) if (callerMayMeet(s, arn, account)) out[kept++] = s;
  out.length = kept;
  return out;
}

/**
 * Whether an Allow that admits the candidate does so on its own, within one account: it names everyone or an ARN that
 * may be the candidate's. One that admits it only by its account (a root ARN, an account id) leaves the call to the
 * candidate's own identity policies.
 */
export function admitsBeyondAccount(s: Statement, c: TrustCandidate): boolean {
  if (s.unknown !== undefined || s.notPrincipals !== undefined || s.principals === undefined) return true;
  for (const p of s.principals) {
    for (const id of p.identifiers) {
      if (p.type === "AWS" && (ROOT_ARN.test(id) || (id.length <= 12 && ACCOUNT_ID.test(id)))) continue;
      if (identifierMightName(p.type, id, c)) return true;
    }
  }
  return false;
}
