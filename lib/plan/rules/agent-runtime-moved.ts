import type { BlastwallConfig } from "../../engine/config-types";
import type { Evidence } from "../../engine/findings";
import type { StackAnalysis } from "../../engine/analysis-types";
import type { TfResource, TfStack } from "../../engine/terraform/types";
import { AddressMap } from "../../engine/terraform/types";
import { AGENT_PRINCIPAL_TYPES } from "../../engine/agent-tags";
import { AFTER_APPLY } from "../../engine/terraform/policy-documents";
import type * as AgentMarks from "../../engine/agent-marks";
import type * as Analyze from "../../engine/analyze";
import type { RoleLookup } from "../../engine/reach/role-of";
import type { PlanRule, PlanRuleContext } from "../rule";
import { changeFinding } from "../rule";
import { changeSideStack, planToStack, priorStateToStack } from "../plan-to-stack";
import type { PlanJson, PlanResourceChange } from "../types";
import { isObject, isUpdateOrReplace } from "../values";
import { configOf } from "../config-expressions";
import { codeKey, codeOf, ownCode, readsCode, sameCode, type CodeMatch, type Configured } from "./runtime-code";

/** One side of the plan (the state before it, its planned end state), with the principals the engine reads there. */
interface World {
  readonly stack: TfStack;
  readonly analysis: StackAnalysis;
  readonly lookup: RoleLookup;
}

interface Worlds {
  readonly before: World;
  readonly after: World;
  /** Lower-case IAM names of the roles that are agents before the plan: a role of that name later has the same ARN. */
  readonly agentNames: ReadonlySet<string>;
}

const worldsOf = new WeakMap<PlanRuleContext, Worlds>();

/**
 * The state before the plan and the planned end state, read by the engine's own principal collection (agent tag,
 * `/agents/` path, the config's selectors, roles a marked runtime runs as). Loaded and built only when a runtime
 * changes: most plans never need them.
 */
function worlds(ctx: PlanRuleContext): Worlds {
  let w = worldsOf.get(ctx);
  if (w) return w;
  const { buildAnalysis } = require("../../engine/analyze") as typeof Analyze;
  const marks = require("../../engine/agent-marks") as typeof AgentMarks;
  // The plan gate's config is the part of blastwall.json the engine reads for agents (as plan/engine.ts passes it).
  const config = ctx.config as BlastwallConfig;
  const world = (stack: TfStack): World => {
    const analysis = buildAnalysis(stack, config);
    return { stack, analysis, lookup: marks.roleLookup(stack, analysis) };
  };
  const before = world(priorStateToStack(ctx.plan, ctx.file) ?? beforeSides(ctx.plan, ctx.file));
  const after = world(planToStack(ctx.plan, ctx.file));
  const agentNames = new Set(before.analysis.agents.filter((p) => p.kind === "role" && !p.external).map((p) => p.name.toLowerCase()));
  w = { before, after, agentNames };
  worldsOf.set(ctx, w);
  return w;
}

/** A plan without prior state: the state before it is what its changes say each resource was, at its address then. */
function beforeSides(plan: PlanJson, file: string): TfStack {
  const resources: TfResource[] = [];
  for (const rc of plan.resource_changes) {
    if (rc.deposed || rc.mode !== "managed") continue;
    const side = changeSideStack({ ...rc, address: rc.previous_address ?? rc.address }, "before", file);
    if (side) resources.push(...side.resources);
  }
  const byType = new Map<string, TfResource[]>();
  for (const r of resources) byType.set(r.type, [...(byType.get(r.type) ?? []), r]);
  return { file, resources, byAddress: new AddressMap(resources.map((r) => [r.address, r] as const)), byType, variables: new Map(), locals: new Map() };
}

/** What a runtime runs as on one side, one entry per role attribute the engine's table names. */
interface Ran {
  readonly attribute: string;
  readonly role?: string;
  /** The role's IAM name (same name, same ARN) or, failing that, its address; else the value as written. */
  readonly key: string;
  readonly shown: string;
  /** The value as the plan writes it, for the message. */
  readonly written?: string;
  /** The value is known only after apply (not a role of the plan). */
  readonly unknown?: true;
}

function ranAs(world: World, r: TfResource): Ran[] {
  const marks = require("../../engine/agent-marks") as typeof AgentMarks;
  const out: Ran[] = [];
  for (const found of marks.rolesRunAs(world.lookup, r)) {
    // A role an attribute of a type blastwall does not know names may be one the service manages the resource with.
    if (found.candidate !== undefined) continue;
    if (found.role !== undefined) {
      const name = world.analysis.byAddress.get(found.role)?.resource.values["name"];
      const key = typeof name === "string" && !name.includes("${") ? `name:${name.toLowerCase()}` : `address:${found.role}`;
      out.push({ attribute: found.attribute, role: found.role, key, shown: found.role, ...(found.value !== undefined ? { written: JSON.stringify(found.value) } : {}) });
      continue;
    }
    const written = found.value === AFTER_APPLY ? "(known after apply)" : found.value === undefined ? (found.note ?? "a role AWS picks outside this plan") : JSON.stringify(found.value);
    out.push({ attribute: found.attribute, key: `value:${found.attribute}|${JSON.stringify(found.value ?? null)}|${found.note ?? ""}`, shown: written, ...(found.value === AFTER_APPLY ? { unknown: true as const } : {}) });
  }
  return out;
}

function beforeAgent(w: Worlds, role: string): string | undefined {
  const p = w.before.analysis.byAddress.get(role);
  return p?.isAgent ? (p.agentReason ?? "an agent") : undefined;
}

/**
 * An agent in the end state: judged so there, an agent before this plan at that address (a plan cannot take a principal
 * out of the checks, evaluate.ts keeps it), or a role with the IAM name of an agent before the plan (the same ARN).
 */
function afterAgent(w: Worlds, ctx: PlanRuleContext, role: string): boolean {
  const p = w.after.analysis.byAddress.get(role);
  if (p?.isAgent) return true;
  const rc = ctx.plan.resource_changes.find((c) => !c.deposed && c.address === role && AGENT_PRINCIPAL_TYPES.has(c.type));
  if (rc && ctx.isAgent(rc)) return true;
  const name = p?.resource.values["name"];
  return p?.kind === "role" && typeof name === "string" && w.agentNames.has(name.toLowerCase());
}

/** Advice for a value known only after apply that no role of the plan resolves, by what the plan shows of it. */
function unknownAdvice(w: Worlds, ctx: PlanRuleContext, rc: { address: string }, m: Ran, agents: readonly Ran[]): string {
  if (m.attribute === "task_definition") {
    // The plan lists what the configuration refers to, not the expression: \`replace(aws_ecs_task_definition.x.arn, ...)\`
    // refers to the same task definition as \`aws_ecs_task_definition.x.arn\` and may name another, so a reference is not
    // read as the value (red-team round 123 F1 asked for it; it would let the agent that writes the configuration through).
    return ` (the plan does not show which task definition revision the service gets, so blastwall cannot tell its task role, which may well be the same: if the role is kept, have this plan approved with \`blastwall approve\`)`;
  }
  const replaced = agents.filter((a) => a.role !== undefined && ctx.plan.resource_changes.some((c) => !c.deposed && c.address === a.role && c.change.actions.includes("delete") && c.change.actions.includes("create")) && afterAgent(w, ctx, a.role));
  if (replaced.length > 0) {
    const roles = replaced.map((a) => a.shown).join(", ");
    return ` (${roles}, which it ran as, is replaced by this plan at its address and stays an agent: if ${m.attribute} refers to it, have this plan approved with \`blastwall approve\`; applying the role first with -target would delete the role ${rc.address} runs as)`;
  }
  return "";
}

export const agentRuntimeMoved: PlanRule = {
  meta: {
    id: "plan-agent-runtime-moved",
    title: "Plan moves an agent's runtime off its agent role",
    why:
      "A function, task, instance profile, launch template or other runtime that runs as an agent role runs the agent's code. Pointing it at a role that " +
      "is no agent keeps that code running with the new role's rights, outside every agent check: the same escape as removing the agent tag, " +
      "without touching the tagged role.",
    fix:
      "Keep the runtime on an agent role (tag the new role blastwall:agent = \"true\", or select it in the protected config's agents). If the runtime no longer " +
      "runs an agent, have a human approve this exact plan with `blastwall approve`. A role this plan creates has an ARN known only after apply, which counts as " +
      "a role the gate cannot tell: create the role in a plan of its own first (terraform apply -target=ADDRESS), then move the runtime to it. Not so for an agent " +
      "role replaced at its own address (a rename) or a new task definition revision: a targeted apply would delete what the runtime still runs as; have that " +
      "plan approved.",
    severity: "error",
    category: "plan",
  },
  check(rc, ctx) {
    if (rc.deposed || rc.mode !== "managed" || AGENT_PRINCIPAL_TYPES.has(rc.type)) return [];
    // An import brings an object into the state at this address: for the plan it is new here, like a create, whatever
    // its actions say (an update or no-op of the imported object), so it is paired as one (red-team round 126 F1).
    const imported = rc.change.importing !== undefined && rc.change.importing !== null;
    const replaced = !imported && isUpdateOrReplace(rc.change.actions);
    if (!replaced && !imported && !(rc.change.actions.length === 1 && rc.change.actions[0] === "create")) return [];
    if ((replaced && !isObject(rc.change.before)) || !isObject(rc.change.after)) return [];
    // A create is judged only beside a delete or forget of its type: most plans never load the worlds for it.
    const gone = (goneOf(ctx).get(rc.type) ?? []).filter((c) => c.address !== rc.address);
    if (!replaced && gone.length === 0) return [];
    const w = worlds(ctx);
    if (w.before.analysis.agents.length === 0) return [];
    const now = w.after.stack.byAddress.get(rc.address);
    if (!now) return [];
    if (replaced) {
      const prior = w.before.stack.byAddress.get(rc.previous_address ?? rc.address);
      const own = prior ? judge(w, ctx, rc, [{ prior }], now, false) : [];
      // A replace creates a new object too: one that takes over the name or code of an agent runtime the plan deletes
      // at another address is that runtime re-created, as a create would be; its own old role does not excuse a name
      // taken over, nor code it did not run before (it excuses only code it ran itself: red-team round 137, F5).
      const taken = pairedWithGone(w, ctx, rc, gone, now);
      return own.length > 0 || taken.length === 0 ? own : judge(w, ctx, rc, taken, now, true, prior);
    }
    const priors = pairedWithGone(w, ctx, rc, gone, now);
    return priors.length > 0 ? judge(w, ctx, rc, priors, now, true) : [];
  },
};

/**
 * The runtimes the plan deletes or forgets elsewhere (`gone`) whose workload `now`, created at `rc`, may be: a create at
 * a new address of the workload a delete or forget elsewhere ends (a for_each key renamed, a resource renamed without a
 * moved block) runs the same function, family or service account as the new role after apply. Or one that runs its
 * code under a new name: the same package, image or source (a renamed workload keeps its code).
 */
function pairedWithGone(w: Worlds, ctx: PlanRuleContext, rc: PlanResourceChange, gone: readonly PlanResourceChange[], now: TfResource): Paired[] {
  if (gone.length === 0) return [];
  const code = readsCode(rc.type) ? codeOf(now, configuredIn(ctx, rc.address)) : [];
  return gone.flatMap((c): Paired[] => {
    const r = w.before.stack.byAddress.get(c.address);
    if (!r) return [];
    const keys = identityKeys(r);
    // A type with no identifying argument (an instance) is one workload only within its module: a new instance
    // elsewhere is no agent's runtime, and pairing every one would flag each new runtime of a type an agent retires.
    const named = (keys.length > 0 || (c.module_address ?? "") === (rc.module_address ?? "")) && sameIdentity(r, now);
    if (named) return [{ prior: r }];
    const match = code.length > 0 ? sameCode(ownCode(codeOf(r, () => true), sharedCode(w, ctx)), code) : undefined;
    return match ? [{ prior: r, code: match }] : [];
  });
}

const sharedByCtx = new WeakMap<PlanRuleContext, ReadonlySet<string>>();

/**
 * The container images (as `codeKey`s) that ECS task definitions ran before the plan as no agent: each task role read
 * and no agent then, or none set. Such an image ran outside every agent already, as a team's sidecars and base images
 * do in each of its services, whatever the plan then does to those definitions (a rollout of every service at once
 * keeps them: red-team round 137, F6). Read on the state before the plan only: a definition or revision this plan
 * creates never makes an image shared, or a plan could share the agent's image itself. A role blastwall cannot tell
 * keeps its images out (fail closed: they stay the agent's code).
 */
function sharedCode(w: Worlds, ctx: PlanRuleContext): ReadonlySet<string> {
  let out = sharedByCtx.get(ctx);
  if (out) return out;
  const set = new Set<string>();
  for (const r of w.before.stack.byType.get("aws_ecs_task_definition") ?? []) {
    if (r.mode !== "managed") continue;
    if (ranAs(w.before, r).some((x) => x.role === undefined || beforeAgent(w, x.role) !== undefined)) continue;
    for (const c of codeOf(r, () => true)) if (c.kind === "ecs-image" && c.value !== AFTER_APPLY) set.add(codeKey(c));
  }
  out = set;
  sharedByCtx.set(ctx, out);
  return out;
}

/** Whether the configuration sets an argument of the resource at `address`; when it does not say, it may (fail closed). */
function configuredIn(ctx: PlanRuleContext, address: string): Configured {
  const expressions = configOf(ctx.plan, address)?.expressions;
  return (argument) => expressions === undefined || argument in expressions;
}

const goneByCtx = new WeakMap<PlanRuleContext, Map<string, PlanResourceChange[]>>();

/** The plan's deletes and forgets that create nothing at their address, by type. */
function goneOf(ctx: PlanRuleContext): Map<string, PlanResourceChange[]> {
  let m = goneByCtx.get(ctx);
  if (m) return m;
  m = new Map();
  for (const c of ctx.plan.resource_changes) {
    const a = c.change.actions;
    if (c.deposed || c.mode !== "managed" || a.includes("create") || !(a.includes("delete") || a.includes("forget"))) continue;
    m.set(c.type, [...(m.get(c.type) ?? []), c]);
  }
  goneByCtx.set(ctx, m);
  return m;
}

/** A runtime before the plan that `now` may be: by its identifying arguments, or (`code`) by the code it runs. */
interface Paired {
  readonly prior: TfResource;
  readonly code?: CodeMatch;
}

/**
 * What `now` runs as that none of `priors` did, and that is no agent or cannot be told, when a prior ran as an agent
 * role: `priors` is the runtime before an update or replace, or (`elsewhere`) the runtimes the plan deletes or forgets
 * at other addresses whose workload `now` is (`self`: the runtime's own object before a replace or update).
 */
function judge(w: Worlds, ctx: PlanRuleContext, rc: PlanResourceChange, priors: readonly Paired[], now: TfResource, elsewhere: boolean, self?: TfResource) {
  const before = priors.flatMap((p) => ranAs(w.before, p.prior).map((b) => ({ ...b, paired: p })));
  const agents = before.flatMap((b) => {
    const reason = b.role !== undefined ? beforeAgent(w, b.role) : undefined;
    return reason !== undefined ? [{ ...b, reason }] : [];
  });
  if (agents.length === 0) return [];
  const kept = elsewhere ? keptRoles(w, priors, agents, self) : (key: string) => before.some((b) => b.key === key);
  // What it runs as after the plan that it did not before, and that is no agent or cannot be told.
  const moved = ranAs(w.after, now).filter((a) => !kept(a.key) && !(a.role !== undefined && afterAgent(w, ctx, a.role)));
  if (moved.length === 0) return [];
  const at = (r: Ran) => (r.written !== undefined ? `${r.attribute} = ${r.written}` : r.attribute);
  const fromOf = (list: readonly (typeof agents)[number][]) => list.map((a) => `${a.shown} (${at(a)}; an agent by ${a.reason})`).join(", ");
  const from = fromOf(agents);
  const to = moved.map((m) => (m.role !== undefined ? `${m.shown} (${at(m)}), which is no agent` : `${m.shown} (${m.attribute}), which blastwall cannot resolve to a role of this plan, so it may be any role${m.unknown ? unknownAdvice(w, ctx, rc, m, agents) : ""}`));
  const old = agents.map((a) => `${a.written ?? a.shown} (${a.shown}, an agent)`).join(", ");
  const evidence: Evidence[] = moved.map((m) => ({ step: "weakened", address: rc.address, detail: `${m.attribute}: ${old} → ${m.role !== undefined ? `${m.written ?? m.shown} (${m.shown}, not an agent)` : `${m.shown} (cannot be resolved)`}` }));
  const recreated = elsewhere ? priors.map((p) => p.prior) : [];
  const byCode = elsewhere && priors.some((p) => p.code !== undefined);
  const tail = ": the agent's code keeps running there with that role's rights, outside blastwall's agent checks.";
  if (byCode) return [changeFinding(rc, `${byCodeText(rc, recreated, agents, fromOf, now, to)}${tail}${byCodeAdvice(rc, priors)}`, evidence)];
  const what =
    recreated.length === 0
      ? `The plan moves ${rc.address}, which ran as the AI agent role ${from}, to ${to.join("; ")}`
      : `The plan deletes ${recreated.map((p) => p.address).join(", ")}, which ran as the AI agent role ${from}, and ${created(rc)} ${rc.address} as the same workload (${sameShown(recreated[0], now)}) on ${to.join("; ")}`;
  const keys = recreated.length === 0 ? [] : identityKeys(recreated[0]);
  const other = `${keys.length > 0 ? `give it another ${keys.join(", ")} or ` : ""}have this plan approved with \`blastwall approve\``;
  const advice =
    recreated.length === 0
      ? ""
      : created(rc) === "creates"
        ? ` If the new resource is that runtime under a new address, keep it on an agent role; if it is another workload, ${other}.`
        : ` ${rc.address} ${created(rc) === "replaces" ? "is replaced" : "is changed in place"} so that it takes over that runtime's identity: if it is to be that runtime, keep it on an agent role; if it is another workload, ${other}.`;
  return [changeFinding(rc, `${what}${tail}${advice}`, evidence)];
}

/**
 * The roles that excuse what `now` runs as, by what paired it with the retired agent runtimes (red-team round 137, F2):
 * - by name: the roles of the runtimes paired by name (a workload renamed onto a sibling's role); the runtime's own old
 *   role does not excuse a name it takes over;
 * - by code: only the roles of runtimes that ran that same code before the plan, among the retired ones and the
 *   runtime's own object before the change (a non-agent function updated in place that ran the shared package on its
 *   role moves nothing: F5). A retired runtime paired by name whose code differs does not excuse the agent's code on
 *   its role (F2: a sibling deleted and its name re-created with the agent's package). Code known only after apply may
 *   be any code, so nothing ran it before: no role excuses it.
 * A role must be excused on every ground a retired agent runtime is paired on.
 */
function keptRoles(w: Worlds, priors: readonly Paired[], agents: readonly { readonly key: string; readonly paired: Paired }[], self: TfResource | undefined): (key: string) => boolean {
  const keysOf = (list: readonly TfResource[]) => new Set(list.flatMap((r) => ranAs(w.before, r).map((b) => b.key)));
  const agentPairs = new Set(agents.map((a) => a.paired));
  const grounds: ReadonlySet<string>[] = [];
  if ([...agentPairs].some((p) => p.code === undefined)) grounds.push(keysOf(priors.filter((p) => p.code === undefined).map((p) => p.prior)));
  const byCode = [...agentPairs].filter((p) => p.code !== undefined);
  if (byCode.length > 0) {
    const matched = new Set(byCode.flatMap((p) => p.code!.keys));
    const unknownOnly = byCode.some((p) => p.code!.keys.length === 0);
    const ranIt = (r: TfResource) => {
      const ran = new Set(codeOf(r, () => true).map(codeKey));
      return [...matched].every((k) => ran.has(k));
    };
    const candidates = [...priors.map((p) => p.prior), ...(self ? [self] : [])];
    const excusers = unknownOnly ? [] : candidates.filter(ranIt);
    // The agent runtimes' own roles stay kept: a runtime on one of them moves nothing.
    grounds.push(new Set([...keysOf(excusers), ...byCode.flatMap((p) => ranAs(w.before, p.prior).map((b) => b.key))]));
  }
  return (key) => grounds.every((g) => g.has(key));
}

/** What the plan does at the runtime's address: creates it, replaces what was there, or changes it in place. */
function created(rc: PlanResourceChange): string {
  const a = rc.change.actions;
  return a.length === 1 && a[0] === "create" ? "creates" : a.includes("create") ? "replaces" : "changes";
}

/** The finding's first sentence when a retired agent runtime is paired by its code: what matched, per agent runtime. */
function byCodeText<A extends { readonly paired: Paired }>(rc: PlanResourceChange, recreated: readonly TfResource[], agents: readonly A[], fromOf: (list: readonly A[]) => string, now: TfResource, to: readonly string[]): string {
  const clauses = [...new Set(agents.map((a) => a.paired))].map((p) => {
    const ran = `which ran as the agent role ${fromOf(agents.filter((a) => a.paired === p))}`;
    const addr = p.prior.address;
    if (p.code === undefined) return `as the same workload as ${addr} (${sameShown(p.prior, now)}), ${ran}`;
    const { argument, shown, near } = p.code;
    if (near) return `with a ${argument} taken as the same package as the one of ${addr}, ${ran} (${near.shown} here, ${shown} there: ${near.why})`;
    return p.code.unknown
      ? `with a ${argument} known only after apply, which may be the one of ${addr}, ${ran} (${shown} there)`
      : `with the same ${argument} as ${addr}, ${ran} (${shown} on both)`;
  });
  return `The plan deletes ${recreated.map((p) => p.address).join(", ")} and ${created(rc)} ${rc.address} ${clauses.join("; and ")}, on ${to.join("; ")}`;
}

function byCodeAdvice(rc: PlanResourceChange, priors: readonly Paired[]): string {
  const unknown = priors.some((p) => p.code?.unknown === true);
  const image = priors.some((p) => p.code?.argument === "container image");
  const path = priors.some((p) => p.code?.near !== undefined);
  // Only a create is a new resource; an update or replace is a runtime that existed, now running that code on a role
  // that did not run it before the plan (red-team round 137, F5/F6).
  const action = created(rc);
  const lead =
    action === "creates"
      ? " If the new resource is that runtime under a new name, keep it on an agent role; if it is another workload that runs the same code, have this plan approved with `blastwall approve`."
      : ` ${rc.address} ${action === "replaces" ? "is replaced" : "is changed in place"} so that it runs that code on a role that did not run it before this plan: if it is to run the agent's code, keep it on an agent role; if it is another workload that shares that code, have this plan approved with \`blastwall approve\`.`;
  return (
    lead +
    (unknown
      ? " A code value known only after apply may be any code, so it is paired with every agent runtime of its type the plan retires that sets one (as a name known only after apply is): make it known at plan time (a hash of a file that exists when you plan, an image tag of a repository that exists), or have the plan approved."
      : "") +
    (path
      ? " Package paths written differently are paired when they may be one file read from the directory Terraform runs in: if they are two files, have this plan approved with \`blastwall approve\`."
      : "") +
    (image
      ? " A task definition is paired on the retired one's images, less those a task definition that existed before this plan ran as no agent (a team's shared sidecars and base images; a definition or revision this plan creates never makes an image shared); when that leaves none, on every image."
      : "")
  );
}

/** Arguments that say which workload a runtime is (one function, one service account of one cluster, one family). */
const IDENTITY_ATTRIBUTES = ["function_name", "name", "family", "cluster_name", "node_group_name", "namespace", "service_account", "project_name", "service_name", "agent_runtime_name", "agent_name"];

/** The identifying arguments `a` has set. */
function identityKeys(a: TfResource): string[] {
  return IDENTITY_ATTRIBUTES.filter((k) => a.values[k] !== undefined && a.values[k] !== null);
}

/**
 * Whether `b` may be the workload `a` was: the same type, and each identifying argument of `a` equal in `b` or not
 * known there (a value known only after apply may be the same; a type with no such argument matches its whole type).
 */
function sameIdentity(a: TfResource, b: TfResource): boolean {
  return a.type === b.type && identityKeys(a).every((k) => b.values[k] === a.values[k] || a.values[k] === AFTER_APPLY || b.values[k] === AFTER_APPLY || b.values[k] === undefined || b.values[k] === null);
}

/** The identifying arguments of `a` as `b` has them, for the message. */
function sameShown(a: TfResource, b: TfResource): string {
  const keys = identityKeys(a);
  if (keys.length === 0) return `another ${a.type} of the same module, a type with no name of its own`;
  return keys.map((k) => `${k} = ${b.values[k] === AFTER_APPLY ? "(known after apply), which may be " + JSON.stringify(a.values[k]) : JSON.stringify(b.values[k] ?? a.values[k])}`).join(", ");
}

/**
 * Whether the runtimes that ran as the agent role at `role` before the plan are gone (there is at least one in the
 * plan), and no runtime after it that is one of them (the same type and identifying arguments, or unknown ones: left
 * in place at its address or one moved from it, replaced, forgotten, or created again at another address) runs as a role that is no agent or
 * cannot be told. Then nothing is left that could run as a new role whose trust names the agent's service: a service
 * assumes a role only for a resource configured with it (red-team round 123 F2). No runtime found counts as not
 * retired (it may run outside the plan). A role the plan forgets (`forgotten`) leaves the state, so a later plan no
 * longer sees it as an agent, nor a runtime left on it as the agent's: such a runtime counts as left too.
 */
export function agentRuntimesRetired(ctx: PlanRuleContext, role: string, forgotten = false): boolean {
  const w = worlds(ctx);
  const marks = require("../../engine/agent-marks") as typeof AgentMarks;
  // A role an unknown type names (a Pod Identity association's role_arn) counts here: more runtimes must be gone.
  const roles = (world: World, r: TfResource) => marks.rolesRunAs(world.lookup, r).map((x) => x.role ?? x.candidate);
  const ran = w.before.stack.resources.filter((r) => r.mode === "managed" && roles(w.before, r).includes(role));
  if (ran.length === 0) return false;
  const moved = new Map(ctx.plan.resource_changes.filter((c) => !c.deposed).map((c) => [c.address, c.previous_address ?? c.address] as const));
  const sameWorkload = (a: TfResource, b: TfResource) => (moved.get(b.address) ?? b.address) === a.address || sameIdentity(a, b);
  for (const r of w.after.stack.resources) {
    if (r.mode !== "managed" || !ran.some((gone) => sameWorkload(gone, r))) continue;
    if (roles(w.after, r).some((x) => x === undefined || (forgotten && x === role) || !afterAgent(w, ctx, x))) return false;
  }
  return true;
}
