/**
 * events:PutRule alone on a rule whose targets run code (red-team round 155, F1). PutRule replaces an existing rule's
 * pattern or schedule and keeps its targets (engine/reach/rule-rewrites.ts). A caller that may also put events on the
 * rule's bus chooses the payload: that is a route like any event it puts (invoke-routes.ts, compute-targets.ts). One
 * that may not still chooses WHEN the targets run: on AWS events it can cause or pick (every snapshot created, every
 * object written, every instance started) or on a timer, each target then acting on what those events name, with its
 * own input template and role. A cleanup runbook that deletes the snapshot of a failed copy, pointed at every
 * successful one, deletes every new snapshot. The fields are AWS's, not the caller's, so this is read as a warning (an
 * error under --strict), as invoking a function is: not the error a payload of its own gives compute.
 *
 * Only targets that take something from the event are judged: one with a constant input runs as it already does,
 * only at other times. A target that delivers the events on (a queue, a topic, a stream, another bus) is followed to
 * what reads there (retime-relays.ts: event source mappings, subscriptions, pipes, the other bus's rules, hop after
 * hop), and what runs at the end is judged as a target that runs it would be, the chain named (red-team round 157).
 * Where the caller may also write there (PutEvents on the rule's bus, or a write to the queue, topic, stream or bus
 * itself, its own or relayed) it picks the payload: the routes and relays report that (rewrite-relays.ts), not this.
 */
import type { RuleContext } from "../engine/rule";
import type { Evidence, FindingDraft } from "../engine/findings";
import type { Grant, PrincipalNode } from "../engine/analysis-types";
import type { ReachEdge } from "../engine/reach/types";
import type { TfResource } from "../engine/terraform/types";
import { computeOf, passesEvent, type RouteCompute } from "../engine/reach/compute-targets";
import {
  BUSES,
  PUT_RULE,
  RULES,
  ruleOfTarget,
  type TargetRule,
} from "../engine/reach/rule-rewrites";
import {
  principalEvidence,
  statementEvidence,
  where,
} from "./support";
import {
  capabilityActions,
  capabilityEvidence,
  capabilityFixText,
  capabilityOf,
  capabilityText,
  heldThrough,
  isDangerous,
  pathEvidence,
  reachOf,
  type Capability,
} from "./reach-support";
import { grantUses, targetFunctions } from "./invoke-routes";
import { deniedOnAll, ownDenies } from "./invoke-denies";
import { heldWrites } from "./held-writes";
import { isRelayed } from "./invoke-relays";
import { listActions } from "../report/summarize";
import { busHop, landingOf, readersOf, type Hop, type Landing } from "./retime-relays";
import { stackPolicyOf } from "./forward-relays";

/** Code a rule target runs: a function, or compute of another kind, and the role it runs as where that is known. */
interface Runner {
  readonly res?: TfResource;
  /** Its address, or what the target points at. */
  readonly text: string;
  /** The role's address; undefined when blastwall cannot see it. */
  readonly role?: string;
  /** For code that reads what the target writes on (a queue, topic, stream or bus): the hops after the target. */
  readonly hops?: readonly Hop[];
}

interface Retimable {
  readonly t: TfResource;
  readonly on: TargetRule;
  readonly runners: readonly Runner[];
  /** Where the target writes the events on, when what runs is read there (retime-relays.ts). */
  readonly landing?: Landing;
}

const cache = new WeakMap<object, readonly Retimable[]>();

/** A function as a runner; undefined when it runs as no role. */
function functionRunner(ctx: RuleContext, fn: TfResource): Runner | undefined {
  const role = fn.mode === "data" ? undefined : reachOf(ctx).roleOfCompute(fn, "role");
  return role === null ? undefined : { res: fn, text: fn.address, role };
}

/** Compute a target or pipe starts as a runner (its role as the hijack targets read it); undefined when it runs as none. */
function computeRunner(ctx: RuleContext, c: RouteCompute): Runner | undefined {
  const found = c.res && c.res.mode !== "data" ? reachOf(ctx).roleOfCompute(c.res, c.roleAttribute!) : undefined;
  const role = found === null && c.runsAsRoleAnyway ? undefined : found;
  return role === null ? undefined : { res: c.res, text: c.text, role };
}

/** What a rule target runs itself: its functions, or else the compute it starts. */
function targetRunners(ctx: RuleContext, t: TfResource): Runner[] {
  const runners = targetFunctions(ctx.stack, t.values["arn"]).flatMap((fn) => functionRunner(ctx, fn) ?? []);
  if (runners.length > 0) return runners;
  const c = computeOf(ctx.stack, t.values["arn"], t.values, t);
  const r = c && computeRunner(ctx, c);
  return r ? [r] : [];
}

/** What runs on what a target writes on to `landing`, each with its hops, once per runner. */
function relayedRunners(ctx: RuleContext, landing: Landing): Runner[] {
  const out = new Map<string, Runner>();
  const add = (r: Runner | undefined, hops: readonly Hop[]) => {
    if (r && !out.has(r.text)) out.set(r.text, { ...r, hops });
  };
  for (const x of readersOf(ctx.stack, landing)) {
    if (x.fn) add(functionRunner(ctx, x.fn), x.hops);
    else if (x.compute) add(computeRunner(ctx, x.compute), x.hops);
    else if (x.target && x.bus) for (const r of targetRunners(ctx, x.target)) add(r, [...x.hops, busHop(ctx.stack, x.target, x.bus, r.text)]);
  }
  return [...out.values()];
}

/**
 * The stack's rule targets that hand code fields of the event, with what they run: those that run it themselves first,
 * then those whose queue, topic, stream or bus feeds it. Each target's way to a runner is a finding of its own (another
 * rule's PutRule, or its pattern left as it is, does not close it), as two rules targeting one function are.
 */
function retimables(ctx: RuleContext): readonly Retimable[] {
  let out = cache.get(ctx.analysis);
  if (out) return out;
  const direct: Retimable[] = [];
  const relayed: Retimable[] = [];
  for (const t of ctx.stack.byType.get("aws_cloudwatch_event_target") ?? []) {
    if (!passesEvent(ctx.stack, t)) continue;
    const runners = targetRunners(ctx, t);
    if (runners.length > 0) {
      direct.push({ t, on: ruleOfTarget(ctx.stack, t), runners });
      continue;
    }
    const landing = landingOf(ctx.stack, t);
    const fed = landing ? relayedRunners(ctx, landing) : [];
    if (landing && fed.length > 0) relayed.push({ t, on: ruleOfTarget(ctx.stack, t), runners: fed, landing });
  }
  cache.set(ctx.analysis, (out = [...direct, ...relayed]));
  return out;
}

/** A grant of events:PutRule on the target's rule that no Deny of the principal's own refuses there. */
function putRuleGrant(
  ctx: RuleContext,
  p: PrincipalNode,
  on: TargetRule,
): Grant | undefined {
  const route = { target: on.rule, types: RULES, pattern: on.arn };
  if (
    deniedOnAll(ctx.stack, ownDenies(p), PUT_RULE, [
      { pattern: on.arn, target: on.rule, suffix: "" },
    ])
  )
    return undefined;
  return reachOf(ctx)
    .computeGrants(p, PUT_RULE)
    .find((g) => g.resources.some((r) => grantUses(ctx.stack, route, g, r)));
}

/** Whether the principal may put events on the rule's bus (itself, or through a relay): then it picks the payload too. */
function putsOnBus(ctx: RuleContext, p: PrincipalNode, on: TargetRule, held: (a: string) => readonly Grant[]): boolean {
  // A replay the rule certainly sees none of the events of does not count (invoke-relays.ts `replayMisses`).
  return writes(ctx, p, "events:PutEvents", { target: on.bus, types: BUSES, pattern: on.busPattern, rule: on.rule }, held);
}

/** Whether the principal may write to the landing itself (its own grant or a relayed one): the routes read its readers then. */
function writesTo(ctx: RuleContext, p: PrincipalNode, l: Landing, held: (a: string) => readonly Grant[]): boolean {
  return writes(ctx, p, l.action, { target: l.res, types: l.res ? [l.res.type] : [], pattern: l.pattern }, held);
}

/**
 * Whether the principal may do `action` on `place` (a bus, queue, topic or stream): with a grant of its own that no
 * certain Deny of its own refuses there, or with one a service's delivery relays for it (a Deny is asked at its fire).
 * The Deny is asked on the resource itself, nothing after its ARN (`suffix` ""), where it is a block of the stack (one
 * it makes, or a data source it reads): then a Deny written `${aws_sqs_queue.q.arn}` covers it even where its ARN as
 * read is not exact (a `name_prefix`, a name a deploy sets). Where it is no block (a literal ARN), only its pattern is
 * asked: no reference names it, so there is nothing for a suffix to follow (invoke-denies.ts `deniedOn`).
 */
function writes(
  ctx: RuleContext,
  p: PrincipalNode,
  action: string,
  place: { readonly target?: TfResource; readonly types: readonly string[]; readonly pattern: string; readonly rule?: TfResource },
  held: (a: string) => readonly Grant[],
): boolean {
  let denied: boolean | undefined;
  const refused = () =>
    (denied ??= deniedOnAll(ctx.stack, ownDenies(p), action, [{ pattern: place.pattern, ...(place.target ? { target: place.target, suffix: "" } : {}) }]));
  return held(action).some((g) => (isRelayed(g) || !refused()) && g.resources.some((r) => grantUses(ctx.stack, place, g, r)));
}

export function retimeFindings(ctx: RuleContext): FindingDraft[] {
  if (!ctx.stack.byType.get("aws_cloudwatch_event_target")?.length) return [];
  const graph = reachOf(ctx);
  // Read on first use: only a stack where some principal holds events:PutRule needs the targets (and what they feed).
  let read: readonly Retimable[] | undefined;
  const targetsNow = () => (read ??= retimables(ctx));
  const out: FindingDraft[] = [];
  for (const agent of ctx.analysis.agents) {
    const reach = graph.search(agent.address);
    const reaches = (id: string) =>
      id === agent.address || reach.edgeInto(id) != null;
    // The agent, then the principals it can act as, nearest first: the first that may put the rule is the one shown.
    const holders = reach.order
      .map((id) => ctx.analysis.byAddress.get(id))
      .filter(
        (p): p is PrincipalNode =>
          p !== undefined && graph.computeGrants(p, PUT_RULE).length > 0,
      );
    if (holders.length === 0) continue;
    const targets = targetsNow();
    if (targets.length === 0) continue;
    const heldOf = new Map<PrincipalNode, (a: string) => readonly Grant[]>();
    const held = (p: PrincipalNode) => {
      let h = heldOf.get(p);
      if (!h) {
        const w = heldWrites(ctx.stack, p, (a) => graph.computeGrants(p, a));
        heldOf.set(p, (h = (a) => w(a).all));
      }
      return h;
    };
    for (const x of targets) {
      let hit: { p: PrincipalNode; g: Grant } | undefined;
      for (const p of holders) {
        const g = putRuleGrant(ctx, p, x.on);
        if (g) {
          hit = { p, g };
          break;
        }
      }
      if (!hit) continue;
      // With events:PutEvents there too it picks the payload: the routes report that (invoke-routes.ts, compute-targets.ts).
      // Into a queue, topic, stream or bus they do only where it may write there (itself, or through a relay): the relay
      // of a rule into a queue or topic is read from a policy statement admitting the delivery, and with none in the
      // stack (none at all, or one naming others) PutEvents gave no route while PutRule alone gave this finding.
      const puts = putsOnBus(ctx, hit.p, x.on, held(hit.p));
      if (x.landing ? writesTo(ctx, hit.p, x.landing, held(hit.p)) : puts) continue;
      const path = hit.p === agent ? undefined : reach.pathTo(hit.p.address);
      for (const r of x.runners) {
        if (r.role !== undefined && reaches(r.role)) continue;
        const role =
          r.role === undefined ? undefined : ctx.analysis.byAddress.get(r.role);
        if (r.role !== undefined && !role) continue;
        const cap = role ? capabilityOf(ctx, role) : undefined;
        if (cap && !isDangerous(cap)) continue;
        out.push(finding(ctx, agent, x, r, hit, path, role, cap, puts));
      }
    }
  }
  return out;
}

/**
 * What the caller picks of what reaches `runner` through a landing: the fields, where it may put events on the rule's
 * bus too, whose delivery into the landing no route reads (so the routes report nothing); else only when. Why no route
 * reads it is said as it is: a policy the stack sets on the queue or topic that admits no delivery from the rule (it
 * stands as the stack writes it, so the delivery is refused until it changes), or none in the stack.
 */
function landingPayload(ctx: RuleContext, landing: Landing, rule: string, bus: string, runner: string, puts: boolean): string {
  if (!puts) return `It cannot put events of its own on ${bus} (no events:PutEvents there), so the fields are AWS's, not its own; but it chooses when ${runner} acts, and so which of the resources AWS reports it acts on`;
  const policy = landing.res ? stackPolicyOf(ctx.stack, landing.res) : undefined;
  const why = policy
    ? `The policy the stack sets on ${landing.text} (${policy}) admits no delivery from ${rule} as blastwall reads it, so as the stack stands EventBridge's delivery there is refused and no route of blastwall's reads it; the rule is wired to deliver there all the same, and the delivery works once that policy admits it, so this finding counts it as if admitted`
    : `No route of blastwall's reads that delivery into ${landing.text} (no policy of the stack is on it, and one set outside the stack may admit the rule's delivery), so it counts the delivery as admitted`;
  return `It may put events of its own on ${bus} too (events:PutEvents), so it chooses their fields as well, and so what ${runner} acts on. ${why}`;
}

/** `with the fields its input transformer takes from each`, `with each event as its input`. */
function inputText(t: TfResource): string {
  const transformer = t.values["input_transformer"];
  if (transformer !== undefined && transformer !== null)
    return "with the fields its input transformer takes from each";
  if (t.values["input_path"] !== undefined && t.values["input_path"] !== null)
    return "with the part of each its input_path takes";
  return "with each event as its input";
}

function finding(
  ctx: RuleContext,
  agent: PrincipalNode,
  x: Retimable,
  r: Runner,
  hit: { p: PrincipalNode; g: Grant },
  path: readonly ReachEdge[] | undefined,
  role: PrincipalNode | undefined,
  cap: Capability | undefined,
  puts = false,
): FindingDraft {
  const { t, on } = x;
  const actions = cap ? capabilityActions(cap) : ["*"];
  const { who, holder, start } = heldThrough(agent, hit.p, path);
  const runs =
    role && cap
      ? `${r.text}, which runs as ${role.address}, a role that ${capabilityText(cap, actions, undefined, 5)}`
      : r.res
        ? `${r.text}, whose role blastwall cannot resolve: it may hold any destroy right`
        : `${r.text}, a target blastwall cannot read as compute it models, which may run as any role`;
  const hops = x.landing ? (r.hops ?? []) : [];
  const after = x.landing ? ` --${t.address}--> ${x.landing.text}${hops.map((h) => ` --${h.via}--> ${h.to}`).join("")}` : ` --${t.address}--> ${r.text}`;
  const arrows = `${start} --${PUT_RULE}--> ${on.text}${after} --runs as--> ${role?.address ?? "a role blastwall cannot see"}`;
  const ruleFix = x.landing
    ? `take events:PutRule on ${on.rule?.address ?? on.arn} away from ${holder}, or scope it to rules whose targets feed no code (an ARN other than ${on.arn}, a name prefix of the agent's own), or give ${t.address} a constant input`
    : `take events:PutRule on ${on.rule?.address ?? on.arn} away from ${holder}, or scope it to rules with no targets that run code (an ARN other than ${on.arn}, a name prefix of the agent's own)`;
  const roleFix =
    role && cap
      ? `${capabilityFixText(cap, role.address, r.text)}, or ${ruleFix}`
      : `${ruleFix.charAt(0).toUpperCase()}${ruleFix.slice(1)}, or name the role ${r.text} runs as in the stack so blastwall can check its rights`;
  const evidence: Evidence[] = [
    principalEvidence(agent),
    ...(path ? pathEvidence(path) : []),
    ...statementEvidence(hit.p, hit.g.statement),
    {
      step: "rewrite-rule",
      address: on.rule?.address ?? t.address,
      detail: `${PUT_RULE} on ${on.arn}: replaces the rule's pattern or schedule and keeps ${t.address}, which ${x.landing ? `sends AWS's events to ${x.landing.text}` : `runs ${r.text}`} ${inputText(t)}`,
    },
    ...hops.map((h) => ({ step: "relay", address: h.via, detail: h.text })),
    ...(role && cap
      ? [
          ...capabilityEvidence(role, cap),
          {
            step: "destroy-rights",
            address: role.address,
            detail: listActions(actions),
          },
        ]
      : []),
  ];
  // Its own events into compute that is no function are a start of it with its payload: an error, as the routes grade it.
  const error = ctx.strict || (puts && x.landing !== undefined && !r.res?.type.startsWith("aws_lambda_"));
  const grade = error ? "An error" : "A warning (an error under --strict)";
  return {
    principal: agent.address,
    resource: r.res?.address ?? t.address,
    actions: [PUT_RULE, ...actions],
    severity: error ? "error" : "warning",
    message: x.landing
      ? `${who} rewrite the event pattern or schedule of ${on.text} (${PUT_RULE}, through ${where(hit.g.statement)}), whose target ${t.address} sends what it matches to ${x.landing.text}, and ${r.text} runs on what arrives there (${hops.map((h) => h.text).join("; ")}): that is ${runs}. ` +
        `PutRule replaces a rule's pattern and keeps its targets, so it can make ${on.text} match AWS events it chooses or can cause (every snapshot created, every object written) or run on a timer, ` +
        `and each then goes through ${t.address} to ${x.landing.text} ${inputText(t)}, and on to ${r.text}. ${landingPayload(ctx, x.landing, on.text, on.busText, r.text, puts)}: ${arrows}. ${grade}.`
      : `${who} rewrite the event pattern or schedule of ${on.text} (${PUT_RULE}, through ${where(hit.g.statement)}), whose target ${t.address} runs ${runs}. ` +
        `PutRule replaces a rule's pattern and keeps its targets, so it can make ${on.text} match AWS events it chooses or can cause (every snapshot created, every object written) or run on a timer, ` +
        `and ${t.address} then runs ${r.text} on each, ${inputText(t)}. It cannot put events of its own on ${on.busText} (no events:PutEvents there), so the fields are AWS's, not its own; ` +
        `but it chooses when the target acts, and so which of the resources AWS reports it acts on: ${arrows}. A warning (an error under --strict).`,
    fix: `${roleFix}. If ${r.text} acts safely on any event it may be sent, acknowledge with a reason.`,
    evidence,
  };
}
