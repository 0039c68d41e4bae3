/**
 * Judges a plan: the plan rules over every change, and (optionally) the core engine over the planned end state.
 * Shared by the gate and by `approve`, so an approval lists exactly the changes the gate would block.
 */
import type { Evidence, Finding, FindingDraft } from "../engine/findings";
import type { TfStack } from "../engine/terraform/types";
import { AGENT_PRINCIPAL_TYPES, AGENT_TAG } from "../engine/agent-tags";
import { agentMarkSelector, type AgentMark } from "../engine/agents";
import { launchMarks } from "../engine/agent-marks";
import { CLOUD_CONTROL_PRINCIPALS } from "../engine/cloud-control";
import { RESOURCE_POLICIES } from "../engine/resource-policies";
import { compareText } from "../engine/text";
import { forgottenAt, judgedChanges, planToStack, priorStateToStack } from "./plan-to-stack";
import { isAgentChange } from "./protected";
import type { PlanRule, PlanRuleContext } from "./rule";
import { PLAN_RULES } from "./rules";
import type { ChangeKey, LoadedPlan, PlanGateConfig, PlanResourceChange } from "./types";

export interface EvaluateOptions {
  readonly config?: PlanGateConfig;
  /** Runs the core engine over the planned end state (wired by the CLI); its findings join the plan's. */
  readonly analyzeStack?: (stack: TfStack) => readonly Finding[];
  /** Extra agent selection (config selectors); the `blastwall:agent` tag always counts. */
  readonly isAgent?: (rc: PlanResourceChange) => boolean;
  /** Rules to run; all plan rules by default. */
  readonly rules?: readonly PlanRule[];
}

/** A finding, and the plan changes an approval must list (address + exact actions) to cover it. */
export interface JudgedFinding {
  readonly finding: Finding;
  /** Empty for findings no approval can cover (warnings). */
  readonly changes: readonly ChangeKey[];
}

export interface PlanEvaluation {
  readonly plan: LoadedPlan;
  /** Managed-resource changes that do something (not only no-op/read). */
  readonly changes: readonly PlanResourceChange[];
  readonly judged: readonly JudgedFinding[];
  /** The planned end state, when `analyzeStack` was given. */
  readonly stack?: TfStack;
}

export function changeKeyOf(rc: PlanResourceChange): ChangeKey {
  return rc.deposed ? { address: rc.address, actions: [...rc.change.actions], deposed: rc.deposed } : { address: rc.address, actions: [...rc.change.actions] };
}

/** Stable string for a change key: `address|delete,create|deposed`. */
export function changeKeyString(k: ChangeKey): string {
  return `${k.address}|${k.actions.join(",")}|${k.deposed ?? ""}`;
}

/** `aws_db_instance.main [delete, create]` (plus the deposed key when there is one). */
export function showChangeKey(k: ChangeKey): string {
  return `${k.address}${k.deposed ? ` (deposed ${k.deposed})` : ""} [${k.actions.join(", ")}]`;
}

export function evaluatePlan(plan: LoadedPlan, options: EvaluateOptions = {}): PlanEvaluation {
  const config = options.config ?? {};
  const ctx: PlanRuleContext = {
    file: plan.file,
    plan: plan.plan,
    config,
    isAgent: (rc) => isAgentChange(rc, config) || (options.isAgent?.(rc) ?? false),
  };
  const changes = judgedChanges(plan.plan);
  const judged: JudgedFinding[] = [];
  for (const rule of options.rules ?? PLAN_RULES) {
    for (const rc of changes) {
      for (const draft of rule.check(rc, ctx)) {
        const finding = finalise(rule, draft, plan.file);
        judged.push({ finding, changes: finding.severity === "error" ? [changeKeyOf(rc)] : [] });
      }
    }
  }
  for (const rule of options.rules ?? PLAN_RULES) {
    for (const { draft, change } of rule.checkPlan?.(ctx) ?? []) {
      const finding = finalise(rule, draft, plan.file);
      // An error without a key could never be approved: it blocks all the same (fail closed).
      judged.push({ finding, changes: finding.severity === "error" && change ? [change] : [] });
    }
  }
  let stack: TfStack | undefined;
  if (options.analyzeStack) {
    stack = keepAgents(planToStack(plan.plan, plan.file), plan.plan, ctx.isAgent, config);
    const prior = priorStateToStack(plan.plan, plan.file);
    const before = prior ? errorsByKey(options.analyzeStack(prior)) : undefined;
    for (const f of options.analyzeStack(stack)) judged.push(engineFinding(f, changes, plan.file, before));
  }
  return { plan, changes, judged, stack };
}

function finalise(rule: PlanRule, d: FindingDraft, file: string): Finding {
  return { ...d, ruleId: rule.meta.id, severity: d.severity ?? rule.meta.severity, fix: d.fix ?? rule.meta.fix, file };
}

/**
 * An engine finding over the planned end state. It blocks (and needs approval) when one of the addresses it names
 * changes in this plan; a finding about IAM this plan does not touch is already in the current state, so it is
 * reported as a warning here (`blastwall check` fails on it) rather than blocking an unrelated deploy.
 */
function engineFinding(f: Finding, changes: readonly PlanResourceChange[], file: string, before: ReadonlyMap<string, ReadonlySet<string>> | undefined): JudgedFinding {
  const named = [f.principal, f.resource, ...f.evidence.map((e) => e.address)];
  // An object a replace forgets has an address of its own in the end state (plan-to-stack.ts); it is that change's.
  const touched = changes.filter((rc) => named.some((a) => a === rc.address || a.startsWith(`${rc.address}.`) || (a !== rc.address && a === forgottenAt(rc))));
  const base: Finding = { ...f, file: f.file || file, ...(f.fix !== undefined && { fix: forgottenFix(f.fix, changes) }) };
  if (f.severity !== "error") return { finding: base, changes: [] };
  if (touched.length === 0 && !alreadyTrue(f, before)) {
    // None of the addresses the finding names changes, yet the state before the plan does not have it: some other
    // change brings it (a Deny removed, a boundary widened, a policy detached). Which one is not known, so every
    // change of the plan needs the approval.
    const note: Evidence = {
      step: "plan",
      address: f.principal,
      detail:
        before === undefined
          ? "the plan carries no prior state, so blastwall cannot tell whether this is new: every change of the plan needs approval"
          : "not true of the state before this plan, though none of the addresses it names changes: another change brings it (a Deny removed, a boundary widened, a policy detached), so every change of the plan needs approval",
    };
    return { finding: { ...base, evidence: [...base.evidence, note] }, changes: dedupe(changes.map(changeKeyOf)) };
  }
  if (touched.length === 0 && f.ruleId === MARKED_NOT_PRINCIPAL) {
    // The agent's credentials are not known (a role blastwall cannot identify, a group's users): any role may be
    // them, so a change that can give a role rights may be giving them to the agent (red-team round 101b: a plan gave
    // the instance role of an unchanged, marked Auto Scaling group AdministratorAccess and passed).
    const iam = changes.filter((rc) => mayGrantRights(rc.type));
    if (iam.length > 0) {
      const sorted = byAddress(iam);
      const note: Evidence = {
        step: "plan",
        address: sorted[0].address,
        detail: `the agent's credentials cannot be told, and this plan changes what rights principals have (${sorted.map((rc) => showChangeKey(changeKeyOf(rc))).join("; ")}): any of these may give them to the agent`,
      };
      return { finding: { ...base, evidence: [...base.evidence, note] }, changes: dedupe(iam.map(changeKeyOf)) };
    }
  }
  if (touched.length === 0) {
    const note: Evidence = {
      step: "plan",
      address: f.principal,
      detail: "none of these addresses changes in this plan: the finding is already true of the current state (run `blastwall check` on the configuration)",
    };
    return { finding: { ...base, severity: "warning", evidence: [...base.evidence, note] }, changes: [] };
  }
  const sorted = byAddress(touched);
  const note: Evidence = {
    step: "plan",
    address: sorted[0].address,
    detail: `introduced or kept by ${sorted.map((rc) => showChangeKey(changeKeyOf(rc))).join("; ")} in this plan${forgetNote(sorted, named)}`,
  };
  return { finding: { ...base, evidence: [...base.evidence, note] }, changes: dedupe(touched.map(changeKeyOf)) };
}

/**
 * What a forget among the changes a finding names does: Terraform lets go of the object and AWS keeps it, with what it
 * grants, so the finding holds after apply although the configuration no longer shows the object. Empty when none of
 * the objects the finding names is one a change forgets.
 */
function forgetNote(touched: readonly PlanResourceChange[], named: readonly string[]): string {
  const said = touched.flatMap((rc) => {
    const at = forgottenAt(rc);
    if (at === undefined || !named.includes(at)) return [];
    const what = at === rc.address ? at : `${at} (the object ${rc.address} held before this plan${rc.deposed ? `, deposed ${rc.deposed}` : ""})`;
    return [what];
  });
  if (said.length === 0) return "";
  const one = said.length === 1;
  return (
    `; this plan forgets ${said.join(", ")} rather than destroying ${one ? "it" : "them"} (lifecycle destroy = false, or a removed block), ` +
    `so ${one ? "it stays" : "they stay"} in AWS, outside Terraform, with every right ${one ? "it grants" : "they grant"}: delete ${one ? "it" : "them"} ` +
    "(let the plan destroy it, or remove it in AWS before this change), or have the plan approved"
  );
}

/**
 * An engine fix that names an object a change forgets, reworded for the plan (red-team round 137, F7): the engine
 * says "remove ADDRESS", but a bare forget comes of a `removed` block with `destroy = false`, so the block is already
 * gone and the object stays in AWS; and the old object of a replace that forgets has only the pseudo-address
 * `ADDRESS~forgotten`, which names no block. The fix names the real address and says how to have Terraform destroy
 * the object, or to remove it in AWS.
 */
function forgottenFix(fix: string, changes: readonly PlanResourceChange[]): string {
  for (const rc of changes) {
    const at = forgottenAt(rc);
    if (at === undefined || !fix.includes(at)) continue;
    // An address is followed by neither a name character nor an index: `aws_x.a` is not the start of `aws_x.ab`.
    const exact = (prefix: string) => new RegExp(`${prefix}${at.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w.\\[~-])`, "g");
    const how =
      at === rc.address
        ? `this plan forgets ${rc.address} through a \`removed\` block with destroy = false, so removing it again leaves it in AWS: restore its block, or set \`lifecycle { destroy = true }\` in that \`removed\` block so the plan destroys it, or remove it in AWS before applying`
        : rc.deposed
          ? `this plan forgets the deposed object ${rc.deposed} of ${rc.address}, which stays in AWS: drop \`destroy = false\` from the lifecycle of ${rc.address} so Terraform destroys it, or remove that object in AWS before applying`
          : `this plan replaces ${rc.address} and forgets the object it held, which stays in AWS: drop \`destroy = false\` from the lifecycle of ${rc.address} so the replace destroys it, or remove that object in AWS before applying`;
    fix = fix.replace(exact("remove "), how).replace(exact(""), rc.address);
  }
  return fix;
}

/**
 * The changes a `plan` step names, by address (and change): not in `resource_changes` order, which a plan file need
 * not keep, so the step's address, and the SARIF fingerprint built from it, are the same whatever that order (red-team
 * round 121).
 */
function byAddress(rcs: readonly PlanResourceChange[]): PlanResourceChange[] {
  const shown = new Map(rcs.map((rc) => [rc, showChangeKey(changeKeyOf(rc))]));
  return [...rcs].sort((a, b) => compareText(a.address, b.address) || compareText(shown.get(a)!, shown.get(b)!));
}

const MARKED_NOT_PRINCIPAL = "agent-marked-not-principal";
const RESOURCE_POLICY_TYPES: ReadonlySet<string> = new Set(RESOURCE_POLICIES.map(([type]) => type));

/** Resources whose change can give a principal rights: IAM and Identity Center, resource policies, SCPs and RCPs. */
function mayGrantRights(type: string): boolean {
  return /^aws_(iam|ssoadmin)_/.test(type) || type.startsWith("aws_organizations_policy") || RESOURCE_POLICY_TYPES.has(type);
}

/** Principals another of the same name stands in for: the same ARN (roles, users), the same set to pick by name. */
const RENAMEABLE: ReadonlySet<string> = new Set(["aws_iam_role", "aws_iam_user", "aws_ssoadmin_permission_set"]);

/**
 * A principal that is an agent before the plan stays one after it: a plan must not be able to take a role out of
 * the agent checks (move it away from a configured address, rename it out of a name glob, drop a selector tag,
 * forget it) in the same breath as it gives the role destroy rights. It is judged as an agent in the end state.
 */
function keepAgents(stack: TfStack, plan: PlanEvaluation["plan"]["plan"], isAgent: (rc: PlanResourceChange) => boolean, config: PlanGateConfig): TfStack {
  const kept = new Map<string, string>();
  const marks = keptMarks(stack, plan, config);
  if (marks.size > 0) stack = { ...stack, keptMarks: marks };
  // IAM names of agents, by type: a role deleted and created again under the same name (another address, no tag)
  // has the same ARN, so whatever runs as the agent assumes it.
  const names = new Map<string, { address: string; instance: unknown }>();
  const nameKey = (type: string, name: string) => `${type}|${name.toLowerCase()}`;
  for (const rc of plan.resource_changes) {
    // An awscc principal that was an agent stays one too: unmodelled-iam judges it by the selection this keeps.
    if (rc.deposed || !(AGENT_PRINCIPAL_TYPES.has(rc.type) || CLOUD_CONTROL_PRINCIPALS[rc.type] !== undefined) || !isAgent(rc)) continue;
    for (const side of [rc.change.before, rc.change.after]) {
      const name = typeof side === "object" && side !== null ? (side as Record<string, unknown>).name : undefined;
      if (typeof name === "string" && name !== "") names.set(nameKey(rc.type, name), { address: rc.previous_address ?? rc.address, instance: (side as Record<string, unknown>).instance_arn });
    }
    const forgotten = forgottenAt(rc);
    if (forgotten !== undefined && forgotten !== rc.address && stack.byAddress.has(forgotten)) {
      kept.set(forgotten, `an agent before this plan at ${rc.address} by its ${AGENT_TAG} tag, /agents/ path or a blastwall.json selector; this plan forgets it, so it stays in AWS, and stays an agent`);
    }
    if (!stack.byAddress.has(rc.address)) continue;
    const moved = rc.previous_address !== undefined && rc.previous_address !== rc.address ? ` (as ${rc.previous_address})` : "";
    kept.set(rc.address, `an agent before this plan${moved} by its ${AGENT_TAG} tag, /agents/ path or a blastwall.json selector; a plan cannot take it out of the checks`);
  }
  for (const r of stack.resources) {
    if (kept.has(r.address) || !RENAMEABLE.has(r.type) || typeof r.values.name !== "string") continue;
    const was = names.get(nameKey(r.type, r.values.name));
    if (was === undefined || was.address === r.address) continue;
    if (r.type === "aws_ssoadmin_permission_set") {
      // Users and the AWS CLI (sso_role_name) pick a set by its name in its Identity Center instance; an instance
      // either side does not know may be the same one.
      const known = (v: unknown) => typeof v === "string" && !v.includes("${");
      if (known(r.values.instance_arn) && known(was.instance) && r.values.instance_arn !== was.instance) continue;
      kept.set(r.address, `has the name "${r.values.name}" of the agent permission set ${was.address} before this plan, in the same Identity Center instance: the users and sessions that chose that set by name get this one`);
      continue;
    }
    kept.set(r.address, `has the IAM name "${r.values.name}" of the agent ${was.address} before this plan, so the same ARN: whatever runs as that agent can use it`);
  }
  return kept.size > 0 ? { ...stack, keptAgents: kept } : stack;
}

/**
 * A function, task or instance marked as the agent before the plan stays marked after it (red-team round 99: a
 * `moved` Lambda left `agents.addresses`, and the same plan gave its role administrator rights, which the gate
 * passed): the role it runs as is judged as the agent in the end state, as for a principal kept above. The mark is
 * read on the object before the plan, at its address then (its tags, the config's addresses and tags).
 */
function keptMarks(stack: TfStack, plan: PlanEvaluation["plan"]["plan"], config: PlanGateConfig): Map<string, AgentMark> {
  const kept = new Map<string, AgentMark>();
  const sel = config.agents;
  const marked = agentMarkSelector({ agents: sel && { addresses: sel.addresses && [...sel.addresses], tags: sel.tags && { ...sel.tags } } }, stack);
  for (const rc of plan.resource_changes) {
    if (rc.mode !== "managed" || AGENT_PRINCIPAL_TYPES.has(rc.type)) continue;
    // The old object of a replace that forgets keeps running in AWS, marked as it was (plan-to-stack.ts).
    const forgotten = forgottenAt(rc);
    const copy = forgotten !== undefined && forgotten !== rc.address && stack.byAddress.has(forgotten) ? forgotten : undefined;
    const here = !rc.deposed && stack.byAddress.has(rc.address);
    if (!here && copy === undefined) continue;
    const before = rc.change.before;
    if (typeof before !== "object" || before === null) continue;
    const was = rc.previous_address ?? rc.address;
    const mark = marked({ mode: "managed", type: rc.type, name: rc.name, address: was, values: before as Record<string, unknown> });
    if (mark === undefined) continue;
    const moved = was !== rc.address ? ` (as ${was})` : "";
    // As it was read: an inherited or selector-tag mark still counts only where the resource runs as a role.
    if (here) kept.set(rc.address, { ...mark, reason: `a mark before this plan${moved}: ${mark.reason}; a plan cannot take it out of the checks` });
    if (copy !== undefined) kept.set(copy, { ...mark, reason: `a mark before this plan${moved}: ${mark.reason}; this plan forgets it, so it keeps running in AWS` });
  }
  // Marks EC2 puts on instances (a group's tag blocks, aws_autoscaling_group_tag, a template's tag_specifications,
  // aws_ec2_tag), read as the engine reads them, on the state before the plan: the instances launched with the tag
  // keep running the agent after it is dropped (red-team round 101b).
  const prior = priorStateToStack(plan, stack.file);
  if (prior) {
    const now = new Map(plan.resource_changes.filter((rc) => !rc.deposed && typeof rc.previous_address === "string").map((rc) => [rc.previous_address as string, rc.address]));
    for (const [was, mark] of launchMarks(prior)) {
      const address = now.get(was) ?? was;
      if (kept.has(address) || !stack.byAddress.has(address)) continue;
      const moved = was !== address ? ` (as ${was})` : "";
      kept.set(address, { ...mark, reason: `a mark before this plan${moved}: ${mark.reason}; a plan cannot take it out of the checks` });
    }
  }
  return kept;
}

/** Error findings by rule, principal and resource, with the actions each names. */
function errorsByKey(findings: readonly Finding[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const f of findings) {
    if (f.severity !== "error") continue;
    const k = `${f.ruleId}|${f.principal}|${f.resource}`;
    let s = out.get(k);
    if (!s) out.set(k, (s = new Set()));
    for (const a of f.actions) s.add(a);
  }
  return out;
}

/** The state before the plan already has this finding, with every action it names. */
function alreadyTrue(f: Finding, before: ReadonlyMap<string, ReadonlySet<string>> | undefined): boolean {
  const had = before?.get(`${f.ruleId}|${f.principal}|${f.resource}`);
  return had !== undefined && f.actions.every((a) => had.has(a));
}

function dedupe(keys: ChangeKey[]): ChangeKey[] {
  const seen = new Map<string, ChangeKey>();
  for (const k of keys) seen.set(changeKeyString(k), k);
  return [...seen.values()];
}

/** Every change some error finding blocks, once each, in plan order. */
export function changesNeedingApproval(ev: PlanEvaluation): ChangeKey[] {
  const needed = new Set(ev.judged.flatMap((j) => j.changes.map(changeKeyString)));
  const own = ev.changes.map(changeKeyOf).filter((k) => needed.has(changeKeyString(k)));
  // Keys of what is no managed change (a data source read during apply, an ephemeral resource opened), after them.
  const seen = new Set(own.map(changeKeyString));
  const other: ChangeKey[] = [];
  for (const k of ev.judged.flatMap((j) => j.changes)) {
    const s = changeKeyString(k);
    if (seen.has(s)) continue;
    seen.add(s);
    other.push(k);
  }
  return [...own, ...other];
}
