import type { Evidence } from "../../engine/findings";
import { globMatch } from "../../engine/iam/glob";
import type { PlanRule, PlanRuleContext } from "../rule";
import { changeFinding } from "../rule";
import type { PlanResourceChange } from "../types";
import { afterValue, getPath, isObject } from "../values";
import { parseTrust } from "./trust-policy-widened";

/** The actions that make a caller the role; tagging a session or setting its source identity alone does not. */
const ASSUME = ["sts:assumerole", "sts:assumerolewithwebidentity", "sts:assumerolewithsaml"];

/** Who a trust policy lets assume the role (`AWS:arn...`, `Service:...`, `Federated:...`, `*`), or why it cannot be told. */
function admitted(doc: unknown): { ok: true; principals: Set<string> } | { ok: false; problem: string } {
  const parsed = parseTrust(doc);
  if (!parsed.ok) return parsed;
  const principals = new Set<string>();
  for (const g of parsed.grants) {
    // Conditions are left out: a copy of the agent's trust can copy its conditions too (fail closed).
    if (![...g.actions].some((a) => ASSUME.some((x) => globMatch(a, x, { caseInsensitive: true })))) continue;
    for (const p of g.principals) principals.add(normalise(p));
  }
  return { ok: true, principals };
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
  const root = /^AWS:arn:([^:]+):iam::(\d{12}):root$/.exec(wider);
  if (!root) return false;
  const inner = /^AWS:arn:([^:]+):(?:iam|sts)::(\d{12}):/.exec(p);
  return inner !== null && inner[1] === root[1] && inner[2] === root[2];
}

interface DeletedAgent {
  readonly rc: PlanResourceChange;
  readonly name?: string;
  readonly trust: ReturnType<typeof admitted>;
}

const deletedOf = new WeakMap<PlanRuleContext, readonly DeletedAgent[]>();

/** Agent roles this plan deletes and does not create again at their address. */
function deletedAgents(ctx: PlanRuleContext): readonly DeletedAgent[] {
  let out = deletedOf.get(ctx);
  if (out) return out;
  out = ctx.plan.resource_changes
    .filter((rc) => rc.mode === "managed" && !rc.deposed && rc.type === "aws_iam_role" && rc.change.actions.includes("delete") && !rc.change.actions.includes("create") && ctx.isAgent(rc))
    .map((rc) => {
      const name = getPath(rc.change.before, ["name"]);
      return { rc, ...(typeof name === "string" ? { name } : {}), trust: admitted(getPath(rc.change.before, ["assume_role_policy"])) };
    });
  deletedOf.set(ctx, out);
  return out;
}

export const agentRoleReplaced: PlanRule = {
  meta: {
    id: "plan-agent-role-replaced",
    title: "Plan replaces an agent role with a role that is no agent and has the same callers",
    why:
      "Whoever could assume the deleted agent role (the agent's runtime, its entry role, its identity provider) can assume a new role whose trust admits " +
      "the same principals. If the new role is no agent, the agent keeps running under a new name with the new role's rights, outside every agent check.",
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
        const same = [...d.trust.principals].filter((p) => [...trust.principals].some((w) => covers(w, p)) || (p === "*" && trust.principals.size > 0));
        if (same.length > 0) hits.push({ agent: d, shared: `its trust policy admits ${same.join(", ")}, which the agent's trust admitted` });
      }
    }
    if (hits.length === 0) return [];
    const agent = (d: DeletedAgent) => `${d.rc.address}${d.name !== undefined ? ` (IAM name "${d.name}")` : ""}`;
    const evidence: Evidence[] = hits.map((h) => ({ step: "successor", address: rc.address, detail: `${agent(h.agent)}, an agent, is deleted; ${h.shared}` }));
    const named = typeof name === "string" ? ` (IAM name "${name}")` : "";
    return [
      changeFinding(
        rc,
        `The plan deletes the AI agent role ${hits.map((h) => agent(h.agent)).join(", ")} and creates ${rc.address}${named}, which is no agent, and ${hits.map((h) => h.shared).join("; ")}: whoever ran as the agent can assume the new role, outside blastwall's agent checks.`,
        evidence,
      ),
    ];
  },
};
