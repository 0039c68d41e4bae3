import { createHash } from "crypto";
import type { Condition, PrincipalSpec, Statement } from "./iam/types";
import { compareText } from "./text";

/**
 * What a statement says, as a hash: its effect, actions, resources, principals and conditions, each list sorted and
 * without repeats, since IAM reads them as sets. Where it is in its policy is left out: a statement without a Sid has
 * nothing else to be known by, and its index moves whenever a statement is inserted or removed before it, so an index
 * would hand one statement's identity (and a code scanning dismissal keyed on it) to another.
 */
export function statementDigest(s: Statement): string {
  let d = digests.get(s);
  if (d === undefined) {
    d = createHash("sha256").update(JSON.stringify(canonical(s))).digest("hex").slice(0, 32);
    digests.set(s, d);
  }
  return d;
}

// Statements are read-only and named in many evidence steps; a managed policy's may list thousands of actions.
const digests = new WeakMap<Statement, string>();

function set(xs: readonly string[]): string[] {
  return [...new Set(xs)].sort(compareText);
}

// As the policy writes them where blastwall substituted a `${...}` token: the reference is what the author wrote and
// keeps, where the pattern it was read as may change with the rest of the stack or with blastwall's reading of it.
function asWritten(values: readonly string[], written: readonly (string | undefined)[] | undefined): string[] {
  return values.map((v, i) => written?.[i] ?? v);
}

function principals(ps: readonly PrincipalSpec[] | undefined): [string, string[]][] | null {
  if (ps === undefined) return null;
  const out = ps.map((p): [string, string[]] => [p.type, set(asWritten(p.identifiers, p.written))]);
  return out.sort((a, b) => compareText(JSON.stringify(a), JSON.stringify(b)));
}

function conditions(cs: readonly Condition[]): [string, string, string[]][] {
  // Condition keys are case-insensitive in IAM; operators and values are compared as written.
  const out = cs.map((c): [string, string, string[]] => [c.operator, c.key.toLowerCase(), set(asWritten(c.values, c.written))]);
  return out.sort((a, b) => compareText(JSON.stringify(a), JSON.stringify(b)));
}

function canonical(s: Statement): unknown[] {
  // Action names are case-insensitive; `writtenActions` keeps a token's text, which the pattern would lose.
  const actions = (list: readonly string[] | undefined) => (list === undefined ? null : set(asWritten(list, s.writtenActions).map((a) => a.toLowerCase())));
  return [
    s.effect,
    // Each element as Action or NotAction (null: absent), so `Action: x` and `NotAction: x` differ.
    actions(s.actions),
    actions(s.notActions),
    s.resources === undefined ? null : set(asWritten(s.resources, s.writtenResources)),
    s.notResources === undefined ? null : set(s.notResources),
    principals(s.principals),
    principals(s.notPrincipals),
    conditions(s.conditions),
    // A statement blastwall cannot read is known only by why: two of them differ by what could not be read.
    s.unknown ?? null,
  ];
}
