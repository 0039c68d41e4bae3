/**
 * Invoking a function whose execution role can destroy data (red-team round 84). The agent runs no code of its own
 * there, so the reach graph has no edge for it; but blastwall cannot see the function's code and the agent chooses
 * the payload, so it may choose what the role deletes. Reported by agent-transitive-destroy as a warning (an error
 * under --strict), as a fixed state machine it may start would be an error: a state machine's definition is in the
 * stack, a function's code is not, and most invoked functions do what their input asks within limits of their own.
 */
import type { RuleContext } from "../engine/rule";
import type { Evidence, FindingDraft } from "../engine/findings";
import type { Grant, PrincipalNode } from "../engine/analysis-types";
import type { Statement } from "../engine/iam/types";
import type { TfResource } from "../engine/terraform/types";
import { globsIntersect } from "../engine/iam/glob";
import { ResourceIndex } from "../engine/reach/resource-index";
import { UNKNOWN_PREFIX } from "../engine/reach/types";
import { FUNCTION_INVOKES } from "../engine/reach/compute";
import { listActions } from "../report/summarize";
import { agentCan, principalEvidence, statementEvidence, where } from "./support";
import { capabilityActions, capabilityEvidence, capabilityOf, isDangerous, reachOf } from "./reach-support";

/** A qualified function ARN (`function:NAME:alias`, `:7`, `:*`): the function it is a version or alias of. */
const QUALIFIED = /^(arn:[^:]*:lambda:[^:]*:[^:]*:function:[^:]+):[^:]+$/;

const indexes = new WeakMap<object, ResourceIndex>();

function functionIndex(ctx: RuleContext): ResourceIndex {
  let ix = indexes.get(ctx.analysis);
  if (!ix) indexes.set(ctx.analysis, (ix = new ResourceIndex(ctx.stack, ["aws_lambda_function"])));
  return ix;
}

/** The stack's functions a grant's resource pattern names: by reference, by pattern, or as a version or alias of one. */
function functionsNamed(ix: ResourceIndex, g: Grant, r: string): readonly TfResource[] {
  const named = ix.referenced(g, r);
  if (named) return named;
  const q = QUALIFIED.exec(r);
  if (!q) return ix.matching(r);
  // `function:NAME*` and `function:NAME:*` both reach NAME's versions, which may run as a role it had before.
  return [...new Set([...ix.matching(r), ...(ix.referenced(g, q[1]) ?? ix.matching(q[1]))])];
}

interface Invoked {
  readonly actions: Set<string>;
  readonly statements: Statement[];
}

export function invokeFindings(ctx: RuleContext): FindingDraft[] {
  if (!ctx.stack.byType.get("aws_lambda_function")?.length) return [];
  const graph = reachOf(ctx);
  const ix = functionIndex(ctx);
  const out: FindingDraft[] = [];
  for (const agent of ctx.analysis.agents) {
    const byFunction = new Map<TfResource, Invoked>();
    for (const action of FUNCTION_INVOKES) {
      for (const g of graph.computeGrants(agent, action)) {
        for (const r of g.resources) {
          if (!globsIntersect(r, "arn:*:lambda:*:*:function:*", { caseInsensitive: true })) continue;
          for (const fn of functionsNamed(ix, g, r)) {
            let v = byFunction.get(fn);
            if (!v) byFunction.set(fn, (v = { actions: new Set(), statements: [] }));
            v.actions.add(action);
            if (!v.statements.includes(g.statement)) v.statements.push(g.statement);
          }
        }
      }
    }
    if (byFunction.size === 0) continue;
    // What the agent already comes to act as (a function it can also update or replace, a role it can assume): the
    // chain findings report those, as errors.
    let reached: ReadonlySet<string> | undefined;
    const reachedSet = () => (reached ??= new Set(graph.search(agent.address).order));
    const reaches = (id: string) => reachedSet().has(id);
    // The unknown role of a function it can change (`role-of:`), or of one a data source reads (`compute:ACTION:`).
    const reachesRoleOf = (fn: TfResource) => [...reachedSet()].some((id) => id.startsWith(UNKNOWN_PREFIX) && id.endsWith(`:${fn.address}`));
    for (const [fn, v] of byFunction) {
      const role = fn.mode === "data" ? undefined : graph.roleOfCompute(fn, "role");
      if (role === null) continue;
      if (role === undefined) {
        if (reachesRoleOf(fn)) continue;
        out.push(unknownRoleFinding(ctx, agent, fn, v));
        continue;
      }
      if (role === agent.address || reaches(role)) continue;
      const holder = ctx.analysis.byAddress.get(role);
      if (!holder) continue;
      const cap = capabilityOf(ctx, holder);
      if (!isDangerous(cap)) continue;
      out.push(roleFinding(ctx, agent, fn, holder, capabilityActions(cap), capabilityEvidence(holder, cap), v));
    }
  }
  return out;
}

function statementsText(v: Invoked): string {
  const names = v.statements.map(where);
  return names.length <= 3 ? names.join(", ") : `${names.slice(0, 3).join(", ")} and ${names.length - 3} more`;
}

const WHY = "blastwall cannot see the function's code, and the agent chooses the payload, so it may choose what is deleted";

function roleFinding(ctx: RuleContext, agent: PrincipalNode, fn: TfResource, role: PrincipalNode, actions: readonly string[], capEvidence: readonly Evidence[], v: Invoked): FindingDraft {
  const invokes = [...v.actions];
  return {
    principal: agent.address,
    resource: fn.address,
    actions: [...new Set([...invokes, ...actions])],
    severity: ctx.strict ? "error" : "warning",
    message:
      `${agentCan(agent)} invoke ${fn.address} (${invokes.join(", ")}, through ${statementsText(v)}), which runs as ${role.address}, a role that can delete data or remove its protection ` +
      `(${listActions(actions, 5)}): ${WHY}: ${agent.address} --${invokes[0]}--> ${fn.address} --runs as--> ${role.address}. A warning (an error under --strict).`,
    fix:
      `Take the destroy rights off ${role.address}, or scope what it may delete to what ${fn.address} is for (exact resource ARNs, conditions), or take ` +
      `${invokes.join(" and ")} on ${fn.address} away from the agent. If the function deletes only what it should whatever its input, acknowledge with a reason.`,
    evidence: [
      principalEvidence(agent),
      ...v.statements.flatMap((s) => statementEvidence(agent, s)),
      { step: "invoke", address: fn.address, detail: `${invokes.join(", ")}: runs ${fn.address} with the agent's payload, as ${role.address}` },
      ...capEvidence,
      { step: "destroy-rights", address: role.address, detail: listActions(actions) },
    ],
  };
}

function unknownRoleFinding(ctx: RuleContext, agent: PrincipalNode, fn: TfResource, v: Invoked): FindingDraft {
  const invokes = [...v.actions];
  const where = fn.mode === "data" ? "a function this stack reads but does not make" : "a function whose role blastwall cannot resolve";
  return {
    principal: agent.address,
    resource: fn.address,
    actions: [...invokes, "*"],
    severity: ctx.strict ? "error" : "warning",
    message:
      `${agentCan(agent)} invoke ${fn.address} (${invokes.join(", ")}, through ${statementsText(v)}), ${where}: its role may hold any destroy right, and ${WHY}: ` +
      `${agent.address} --${invokes[0]}--> ${fn.address} --runs as--> a role blastwall cannot see. A warning (an error under --strict).`,
    fix:
      `Name the function's role in the stack (a reference to an aws_iam_role of it) so blastwall can check its rights, or take ${invokes.join(" and ")} on ${fn.address} ` +
      `away from the agent. If the role is known to hold no destroy right, acknowledge with a reason.`,
    evidence: [
      principalEvidence(agent),
      ...v.statements.flatMap((s) => statementEvidence(agent, s)),
      { step: "invoke", address: fn.address, detail: `${invokes.join(", ")}: runs ${fn.address} with the agent's payload, as a role blastwall cannot see` },
    ],
  };
}
