import type { Evidence } from "../../engine/findings";
import { globMatch } from "../../engine/iam/glob";
import type { PlanRule, PlanRuleContext } from "../rule";
import { changeFinding } from "../rule";
import type { PlanResourceChange } from "../types";
import { afterValue, getPath, isObject } from "../values";
import { parseTrust } from "./trust-policy-widened";
import { agentRuntimesRetired } from "./agent-runtime-moved";

/** The actions that make a caller the role; tagging a session or setting its source identity alone does not. */
const ASSUME = ["sts:assumerole", "sts:assumerolewithwebidentity", "sts:assumerolewithsaml"];

/** One statement that lets principals assume the role, with its conditions (`op|key` → values, as parseTrust reads them). */
interface Grant {
  readonly principals: ReadonlySet<string>;
  readonly conditions: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Who a trust policy lets assume the role (`AWS:arn...`, `Service:...`, `Federated:...`, `*`), or why it cannot be told. */
function admitted(doc: unknown): { ok: true; principals: Set<string>; grants: Grant[] } | { ok: false; problem: string } {
  const parsed = parseTrust(doc);
  if (!parsed.ok) return parsed;
  const principals = new Set<string>();
  const grants: Grant[] = [];
  for (const g of parsed.grants) {
    if (![...g.actions].some((a) => ASSUME.some((x) => globMatch(a, x, { caseInsensitive: true })))) continue;
    const own = new Set(g.principals.map(normalise));
    for (const p of own) principals.add(p);
    grants.push({ principals: own, conditions: g.conditions });
  }
  return { ok: true, principals, grants };
}

/**
 * The operators whose values say which tokens a web identity grant accepts. Others (negations, ForAllValues, which an
 * absent key passes) say nothing blastwall reads as a limit, so a key under them alone counts as unlimited.
 */
const LIMITING = /^(?:foranyvalue:)?(stringequals|stringequalsignorecase|stringlike)(?:ifexists)?$/;

/**
 * What a grant limits a web identity's `claim` (`sub`, `aud`) to for the provider `p` names: one set of values per
 * condition (a token must match one value of each), each value a pattern when the operator is StringLike.
 * Conditions on another provider's keys do not limit this one's tokens.
 */
function limits(g: Grant, p: string, claim: string): { values: string[]; like: boolean; ignoreCase: boolean }[] {
  const arn = /^Federated:arn:[^:]+:iam::\d{12}:(oidc-provider|saml-provider)\/(.+)$/.exec(p);
  const prefix = (arn ? (arn[1] === "saml-provider" ? "saml" : arn[2]) : p.slice(p.indexOf(":") + 1)).toLowerCase();
  const out: { values: string[]; like: boolean; ignoreCase: boolean }[] = [];
  for (const [k, values] of g.conditions) {
    const bar = k.indexOf("|");
    const op = k.slice(0, bar).toLowerCase();
    if (k.slice(bar + 1) !== `${prefix}:${claim}`) continue;
    const m = LIMITING.exec(op);
    if (!m) continue;
    out.push({ values: [...values], like: m[1] === "stringlike", ignoreCase: m[1] === "stringequalsignorecase" });
  }
  return out;
}

/** The literal text of a pattern before its first wildcard, and after its last. */
function ends(pattern: string): [string, string] {
  const first = pattern.search(/[*?]/);
  if (first < 0) return [pattern, pattern];
  const last = Math.max(pattern.lastIndexOf("*"), pattern.lastIndexOf("?"));
  return [pattern.slice(0, first), pattern.slice(last + 1)];
}

/** Whether some value may match both a value the agent's grant accepted and one the new grant accepts (fail closed on two patterns). */
function overlap(a: { value: string; like: boolean; ignoreCase: boolean }, b: { value: string; like: boolean; ignoreCase: boolean }): boolean {
  const ci = a.ignoreCase || b.ignoreCase;
  if (!a.like && !b.like) return ci ? a.value.toLowerCase() === b.value.toLowerCase() : a.value === b.value;
  if (!a.like) return globMatch(b.value, a.value, { caseInsensitive: ci });
  if (!b.like) return globMatch(a.value, b.value, { caseInsensitive: ci });
  // Two patterns share a value only if their literal beginnings, and their literal endings, agree as far as both go.
  const [ap, as] = ends(a.value);
  const [bp, bs] = ends(b.value);
  const agree = (x: string, y: string, start: boolean) => (start ? x.startsWith(y) || y.startsWith(x) : x.endsWith(y) || y.endsWith(x));
  return agree(ap, bp, true) && agree(as, bs, false);
}

/**
 * Whether the new grant may accept a token the agent's grant accepted, for the web identity provider `p` both name:
 * for the subject and the audience, unless the new grant limits a claim to values none of which can match a value the
 * agent's accepted (a service account of another namespace or name). A claim the agent's grant left unlimited, or one
 * of the new grant's limits blastwall does not read, counts as matching (fail closed).
 */
function sameTokens(agent: Grant, next: Grant, p: string): boolean {
  for (const claim of ["sub", "aud"]) {
    const mine = limits(agent, p, claim);
    const theirs = limits(next, p, claim);
    // The agent's tokens are those meeting all its limits; any one of them stands for what it accepted.
    const accepted = mine.length === 0 ? undefined : mine[0];
    for (const t of theirs) {
      const hit = accepted === undefined || accepted.values.some((v) => t.values.some((x) => overlap({ value: v, like: accepted.like, ignoreCase: accepted.ignoreCase }, { value: x, like: t.like, ignoreCase: t.ignoreCase })));
      if (!hit) return false;
    }
  }
  return true;
}

/** `AWS:111111111111` is the account's root; principal kinds and service names compare without case. */
function normalise(p: string): string {
  const i = p.indexOf(":");
  if (i < 0) return p;
  const kind = p.slice(0, i);
  let v = p.slice(i + 1);
  if (kind === "AWS" && /^\d{12}$/.test(v)) v = `arn:aws:iam::${v}:root`;
  return kind === "Service" ? `${kind}:${v.toLowerCase()}` : `${kind}:${v}`;
}

/**
 * True when `wider` admits whoever `p` is: the same principal, anyone, or the root of the account an AWS principal is
 * in (which lets every principal of that account whose own policy allows it assume the role).
 */
function covers(wider: string, p: string): boolean {
  if (wider === "*" || wider === p) return true;
  // A session of a role (`sts::ACCOUNT:assumed-role/NAME/SESSION`) is that role: a trust naming the agent runner's
  // session admits the runner (red-team round 126 F3).
  const role = /^AWS:arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(wider);
  const session = /^AWS:arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(p);
  if (role && session && role[1] === session[1] && role[2] === session[2] && role[3].toLowerCase() === session[3].toLowerCase()) return true;
  const root = /^AWS:arn:([^:]+):iam::(\d{12}):root$/.exec(wider);
  if (!root) return false;
  const inner = /^AWS:arn:([^:]+):(?:iam|sts)::(\d{12}):/.exec(p);
  return inner !== null && inner[1] === root[1] && inner[2] === root[2];
}

interface DeletedAgent {
  readonly rc: PlanResourceChange;
  /** Forgotten (a `removed` block with destroy = false) rather than deleted: it stays in AWS, outside Terraform. */
  readonly forgotten: boolean;
  readonly name?: string;
  readonly trust: ReturnType<typeof admitted>;
}

const deletedOf = new WeakMap<PlanRuleContext, readonly DeletedAgent[]>();

/**
 * Agent roles this plan deletes or forgets and does not create again at their address. A forgotten role leaves the
 * configuration as a deleted one does, so a role that takes over its callers elsewhere is its successor just the same;
 * that the old role stays in AWS, outside Terraform, takes nothing from the new one. A replace that forgets
 * (`create`/`forget`) puts a new object at the address, which the gate keeps judging as the agent, as after a replace.
 */
function deletedAgents(ctx: PlanRuleContext): readonly DeletedAgent[] {
  let out = deletedOf.get(ctx);
  if (out) return out;
  out = ctx.plan.resource_changes
    .filter((rc) => {
      const a = rc.change.actions;
      return rc.mode === "managed" && !rc.deposed && rc.type === "aws_iam_role" && (a.includes("delete") || a.includes("forget")) && !a.includes("create") && ctx.isAgent(rc);
    })
    .map((rc) => {
      const name = getPath(rc.change.before, ["name"]);
      return { rc, forgotten: !rc.change.actions.includes("delete"), ...(typeof name === "string" ? { name } : {}), trust: admitted(getPath(rc.change.before, ["assume_role_policy"])) };
    });
  deletedOf.set(ctx, out);
  return out;
}

type Readable = Extract<ReturnType<typeof admitted>, { ok: true }>;

/**
 * The principals of the agent's trust the new trust admits too. A service (`Service:lambda.amazonaws.com`) assumes a
 * role only for a resource configured with it, which the agent's code cannot choose: it counts only while a runtime
 * that ran as the agent is left (or none is in the plan), since plan-agent-runtime-moved watches what they are moved
 * to. A web identity provider counts only when the new trust may accept the agent's tokens (its subject, its
 * audience). Red-team round 123 F2: a retired agent's Lambda, Pod Identity or IRSA role beside an unrelated new one.
 */
function shared(ctx: PlanRuleContext, d: DeletedAgent, trust: Readable): string[] {
  if (!d.trust.ok) return [];
  const agent = d.trust;
  const next = [...trust.principals];
  const shown = (p: string, overlap: readonly string[]) => {
    // A new principal inside the agent's (one role of an account whose root it trusted) is named as it is written.
    const inside = overlap.filter((w) => !covers(w, p));
    return inside.length === overlap.length && inside.length > 0 ? `${inside.join(", ")} (within ${p})` : p;
  };
  return [...agent.principals].flatMap((p) => {
    if (p === "*") return next.length > 0 ? [p] : [];
    // An AWS principal either way: a new trust naming one role of the account whose root the agent's trust admitted
    // admits a principal the agent's admitted (red-team round 125 F1), as a wider one does.
    const wider = next.filter((w) => covers(w, p) || (p.startsWith("AWS:") && covers(p, w)));
    if (wider.length === 0) return [];
    if (p.startsWith("Service:")) return agentRuntimesRetired(ctx, d.rc.address, d.forgotten) ? [] : [p];
    if (!p.startsWith("Federated:") || wider.includes("*")) return [shown(p, wider)];
    return agent.grants.some((a) => a.principals.has(p) && trust.grants.some((g) => [...g.principals].some((w) => covers(w, p)) && sameTokens(a, g, p))) ? [p] : [];
  });
}

export const agentRoleReplaced: PlanRule = {
  meta: {
    id: "plan-agent-role-replaced",
    title: "Plan replaces an agent role with a role that is no agent and has the same callers",
    why:
      "Whoever could assume the deleted (or forgotten) agent role (the agent's runtime, its entry role, its identity provider) can assume a new role whose trust admits " +
      "the same principals. If the new role is no agent, the agent keeps running under a new name with the new role's rights, outside every agent check. " +
      "A service principal counts only while a runtime of the agent is left; a web identity only when the new trust may accept the agent's subject.",
    fix:
      "Mark the new role as an agent (tag blastwall:agent = \"true\", or select it in the protected config's agents), or keep the old role. If the new role " +
      "really serves no agent, have a human approve this exact plan with `blastwall approve`.",
    severity: "error",
    category: "plan",
  },
  check(rc, ctx) {
    if (rc.mode !== "managed" || rc.deposed || rc.type !== "aws_iam_role" || !rc.change.actions.includes("create") || !isObject(rc.change.after)) return [];
    const agents = deletedAgents(ctx).filter((d) => d.rc.address !== rc.address);
    if (agents.length === 0 || ctx.isAgent(rc)) return [];
    const name = getPath(rc.change.after, ["name"]);
    const doc = afterValue(rc.change, ["assume_role_policy"]);
    const trust: ReturnType<typeof admitted> = doc.state === "unknown" ? { ok: false, problem: "it is known only after apply" } : admitted(doc.value);
    const hits: { agent: DeletedAgent; shared: string }[] = [];
    for (const d of agents) {
      // The same IAM name is the same ARN: the engine judges that role as the agent already (evaluate.ts).
      if (typeof name === "string" && d.name !== undefined && name.toLowerCase() === d.name.toLowerCase()) continue;
      if (!trust.ok) hits.push({ agent: d, shared: `its trust policy cannot be read (${trust.problem}), so it may admit whoever the agent's trust admitted` });
      else if (!d.trust.ok) hits.push({ agent: d, shared: `the agent's trust policy cannot be read (${d.trust.problem}), so blastwall cannot tell who ran as it` });
      else {
        const same = shared(ctx, d, trust);
        if (same.length > 0) hits.push({ agent: d, shared: `its trust policy admits ${same.join(", ")}, which the agent's trust admitted` });
      }
    }
    if (hits.length === 0) return [];
    const agent = (d: DeletedAgent) => `${d.rc.address}${d.name !== undefined ? ` (IAM name "${d.name}")` : ""}`;
    const evidence: Evidence[] = hits.map((h) => ({ step: "successor", address: rc.address, detail: `${agent(h.agent)}, an agent, is ${h.agent.forgotten ? "forgotten (left in AWS, outside Terraform)" : "deleted"}; ${h.shared}` }));
    const named = typeof name === "string" ? ` (IAM name "${name}")` : "";
    const deleted = hits.filter((h) => !h.agent.forgotten).map((h) => agent(h.agent));
    const forgotten = hits.filter((h) => h.agent.forgotten).map((h) => agent(h.agent));
    const retires = [
      ...(deleted.length > 0 ? [`deletes the AI agent role ${deleted.join(", ")}`] : []),
      ...(forgotten.length > 0 ? [`forgets the AI agent role ${forgotten.join(", ")} (removes it from Terraform's state and leaves it in AWS)`] : []),
    ].join(" and ");
    return [
      changeFinding(
        rc,
        `The plan ${retires} and creates ${rc.address}${named}, which is no agent, and ${hits.map((h) => h.shared).join("; ")}: whoever ran as the agent can assume the new role, outside blastwall's agent checks.`,
        evidence,
      ),
    ];
  },
};
