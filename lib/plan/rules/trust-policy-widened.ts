import type { Evidence } from "../../engine/findings";
import type { PlanRule } from "../rule";
import { changeFinding } from "../rule";
import { afterValue, getPath, isObject, isUpdateOrReplace } from "../values";
import { canonicalJson } from "../canonical-json";

/** One Allow statement of a trust policy, reduced to who it admits and under which conditions. */
interface TrustGrant {
  /** `AWS:arn:aws:iam::111:root`, `Service:ec2.amazonaws.com`, `*` (anyone). */
  readonly principals: readonly string[];
  /** `operator|key` → allowed values. */
  readonly conditions: ReadonlyMap<string, ReadonlySet<string>>;
  /** Actions it allows, lower case (`*` for a NotAction statement). */
  readonly actions: ReadonlySet<string>;
}

/** The allows, and each Deny statement as canonical text (a Deny removed or changed is a widening). */
type Parsed = { ok: true; grants: TrustGrant[]; denies: string[] } | { ok: false; problem: string };

export const trustPolicyWidened: PlanRule = {
  meta: {
    id: "plan-trust-policy-widened",
    title: "Plan widens a role's trust policy",
    why:
      "The trust policy decides who can become the role. A new principal, `*`, or looser conditions (a wider OIDC subject, a dropped external id) " +
      "hand the role's rights, destroy rights included, to callers that could not assume it before.",
    fix: "Keep the trust policy as narrow as it was. If the new callers are intended, have a human approve this exact plan.",
    severity: "error",
    category: "plan",
  },
  check(rc) {
    if (rc.type !== "aws_iam_role" || !isUpdateOrReplace(rc.change.actions)) return [];
    const beforeDoc = getPath(rc.change.before, ["assume_role_policy"]);
    const after = afterValue(rc.change, ["assume_role_policy"]);
    if (beforeDoc === undefined || beforeDoc === null) return [];
    if (after.state === "known" && sameDoc(beforeDoc, after.value)) return [];
    const evidence: Evidence[] = [];
    if (after.state === "unknown") {
      evidence.push({ step: "trust-policy", address: rc.address, detail: "the new trust policy is known only after apply, so the gate cannot show it is no wider" });
    } else {
      const b = parseTrust(beforeDoc);
      const a = parseTrust(after.value);
      if (!a.ok) {
        evidence.push({ step: "trust-policy", address: rc.address, detail: `the new trust policy cannot be read (${a.problem}), so the gate cannot show it is no wider` });
      } else {
        const beforeGrants = b.ok ? b.grants : [];
        for (const line of widenings(beforeGrants, a.grants)) evidence.push({ step: "trust-policy", address: rc.address, detail: line });
        // A Deny that blocked callers before, and is gone or changed now, lets them through.
        for (const d of b.ok ? b.denies : []) {
          if (!a.denies.includes(d)) evidence.push({ step: "trust-policy", address: rc.address, detail: `a Deny statement is removed or changed: ${d.length > 160 ? `${d.slice(0, 157)}...` : d}` });
        }
      }
    }
    if (evidence.length === 0) return [];
    return [changeFinding(rc, `The plan widens who can assume ${rc.address}: ${evidence.map((e) => e.detail).join("; ")}.`, evidence)];
  },
};

/** Human lines, one per widening: new principals, anyone, looser or dropped conditions. */
export function widenings(before: readonly TrustGrant[], after: readonly TrustGrant[]): string[] {
  const out: string[] = [];
  const known = new Set(before.flatMap((g) => g.principals));
  const reported = new Set<string>();
  for (const g of after) {
    for (const p of g.principals) {
      if (reported.has(p)) continue;
      if (!known.has(p) && !known.has("*")) {
        reported.add(p);
        if (p === "*") {
          out.push(g.conditions.size === 0 ? "anyone (`*`) may assume it, with no condition" : `anyone (\`*\`) may assume it, subject to ${showConditions(g.conditions)}`);
        } else {
          out.push(`new principal ${p}`);
        }
        continue;
      }
      const priors = before.filter((x) => x.principals.includes(p) || x.principals.includes("*"));
      if (!priors.some((x) => atLeastAsStrict(g.conditions, x.conditions))) {
        reported.add(p);
        out.push(g.conditions.size === 0 ? `conditions dropped for ${p}` : `looser conditions for ${p} (${showConditions(g.conditions)})`);
        continue;
      }
      // The same caller may now do more: sts:AssumeRole where it could only tag sessions, or anything (`*`).
      const had = new Set(priors.flatMap((x) => [...x.actions]));
      const more = [...g.actions].filter((act) => !had.has(act) && !had.has("*"));
      if (more.length > 0) {
        reported.add(p);
        out.push(`${p} may now also ${more.join(", ")}`);
      }
    }
  }
  return out;
}

/**
 * True when `next` keeps every condition key of `prior` with the same operator, and allows no value `prior` did not:
 * for a positive operator no new value; for a negated one (`StringNotLike`, `ArnNotEquals`, ...) no excluded value
 * dropped, since each value it lists is one more caller kept out.
 */
function atLeastAsStrict(next: TrustGrant["conditions"], prior: TrustGrant["conditions"]): boolean {
  for (const [key, values] of prior) {
    const n = next.get(key);
    if (!n) return false;
    const negated = /not/i.test(key.split("|")[0].replace(/^ForAllValues:|^ForAnyValue:/i, "").replace(/IfExists$/i, ""));
    if (negated) {
      for (const v of values) if (!n.has(v)) return false;
    } else {
      for (const v of n) if (!values.has(v)) return false;
    }
  }
  return true;
}

function showConditions(c: TrustGrant["conditions"]): string {
  return [...c].map(([k, v]) => `${k.replace("|", " ")} ${[...v].join(",")}`).join("; ");
}

function sameDoc(a: unknown, b: unknown): boolean {
  const pa = normalise(a);
  const pb = normalise(b);
  return pa !== undefined && pa === pb;
}

function normalise(doc: unknown): string | undefined {
  try {
    const v = typeof doc === "string" ? JSON.parse(doc) : doc;
    return JSON.stringify(v);
  } catch {
    return undefined;
  }
}

export function parseTrust(doc: unknown): Parsed {
  let v: unknown = doc;
  if (typeof doc === "string") {
    try {
      v = JSON.parse(doc);
    } catch {
      return { ok: false, problem: "not JSON" };
    }
  }
  if (!isObject(v)) return { ok: false, problem: "not a policy document" };
  const raw = v.Statement;
  const statements = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const grants: TrustGrant[] = [];
  const denies: string[] = [];
  for (const s of statements) {
    if (!isObject(s)) return { ok: false, problem: "a statement is not an object" };
    if (s.Effect === "Deny") {
      denies.push(canonicalJson(s)); // keys sorted, so reordering is no change
      continue;
    }
    if (s.Effect !== "Allow") continue;
    const principals = "NotPrincipal" in s ? ["*"] : principalsOf(s.Principal);
    if (principals === undefined) return { ok: false, problem: "a Principal cannot be read" };
    const conditions = new Map<string, Set<string>>();
    if (s.Condition !== undefined) {
      if (!isObject(s.Condition)) return { ok: false, problem: "a Condition is not an object" };
      for (const [op, block] of Object.entries(s.Condition)) {
        if (!isObject(block)) return { ok: false, problem: `Condition ${op} is not an object` };
        for (const [key, val] of Object.entries(block)) {
          const vals = (Array.isArray(val) ? val : [val]).map((x) => String(x));
          conditions.set(`${op}|${key.toLowerCase()}`, new Set(vals));
        }
      }
    }
    const raw = "NotAction" in s ? ["*"] : Array.isArray(s.Action) ? s.Action : [s.Action];
    const actions = new Set(raw.map((x) => String(x).toLowerCase()));
    grants.push({ principals, conditions, actions });
  }
  return { ok: true, grants, denies };
}


function principalsOf(p: unknown): string[] | undefined {
  if (p === "*") return ["*"];
  if (!isObject(p)) return undefined;
  const out: string[] = [];
  for (const [kind, val] of Object.entries(p)) {
    for (const x of Array.isArray(val) ? val : [val]) {
      if (typeof x !== "string") return undefined;
      out.push(kind === "AWS" && x === "*" ? "*" : `${kind}:${x}`);
    }
  }
  return out;
}
