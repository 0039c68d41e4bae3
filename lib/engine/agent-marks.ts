/**
 * Resources that carry the agent mark but are no principal blastwall judges: a function, a task definition, an
 * instance, a group. Users tag what they think of as the agent; blastwall judges credentials (roles, users), so such a
 * mark alone checks nothing. What these resources run as, when the stack names it, is judged as the agent instead.
 */
import type { BlastwallConfig } from "./config-types";
import type { StackAnalysis } from "./analysis-types";
import type { TfResource, TfStack } from "./terraform/types";
import { readMap } from "./agent-tags";
import { blocks, isObject } from "./json";
import { AGENT_TAG, agentMarkSelector, withoutInstanceKeys, type AgentMark } from "./agents";
import { HIJACK_TARGETS, roleValueAt } from "./reach/compute";
import { roleOfCompute, roleOfValue, type RoleLookup } from "./reach/role-of";
import type * as Clusters from "./reach/clusters";
import { lazy } from "./lazy";
import { blocksWithDynamic } from "./reach/dynamic-blocks";
import { refTarget } from "./terraform/tokens";
import { PrincipalIndex } from "./reach/principal-index";
import { resourceAccount } from "./terraform/providers";
import { CLOUD_CONTROL_PRINCIPALS } from "./cloud-control";

export interface MarkedResource {
  readonly resource: TfResource;
  readonly mark: AgentMark;
}

/**
 * Where a resource of a type the reach graph does not model names the role its code runs as: known attributes, each a
 * path `roleValueAt` reads (alternatives split by `|`). Types the reach graph models (HIJACK_TARGETS) are read as it
 * reads them; the types with a function in RUNS_AS_VIA lead to the resource that runs the code.
 */
type Place = { readonly attribute: string; readonly viaProfile?: true; readonly anyway?: true };
const WORKLOAD_ROLES: Readonly<Record<string, Place | readonly Place[]>> = {
  aws_bedrockagentcore_agent_runtime: { attribute: "role_arn" },
  aws_bedrockagentcore_code_interpreter: { attribute: "execution_role_arn" },
  aws_bedrockagentcore_browser: { attribute: "execution_role_arn" },
  aws_bedrockagent_agent: { attribute: "agent_resource_role_arn" },
  aws_apprunner_service: { attribute: "instance_configuration.instance_role_arn" },
  aws_mwaa_environment: { attribute: "execution_role_arn" },
  aws_sagemaker_model: { attribute: "execution_role_arn" },
  aws_iam_instance_profile: { attribute: "role" },
  // A pod of the association's service account runs as its role, or as its target role when it has one (EKS chains
  // into it); a node group's instances, and any pod on them that reaches the instance metadata, as its node role.
  aws_eks_pod_identity_association: [{ attribute: "role_arn" }, { attribute: "target_role_arn" }],
  aws_eks_node_group: { attribute: "node_role_arn" },
  aws_launch_configuration: { attribute: "iam_instance_profile", viaProfile: true },
  // The block carries the profile's ARN or its name.
  aws_launch_template: [{ attribute: "iam_instance_profile.arn", viaProfile: true }, { attribute: "iam_instance_profile.name", viaProfile: true }],
  // A managed environment's jobs run as their job role, or else as the instances' role (an instance profile); the
  // service role is what Batch manages the environment with. Fargate has no instance role: its jobs run as roles
  // of job definitions blastwall does not tie to the environment.
  aws_batch_compute_environment: { attribute: "compute_resources.instance_role", viaProfile: true, anyway: true },
};

/**
 * Attributes that name a role on resources blastwall knows nothing about: a candidate only. On many types such a role
 * is the one the service manages the resource with, not one any code runs as (an ECS service's `iam_role` calls the
 * load balancer, an EKS cluster's `role_arn` is the control plane's, a Batch environment's `service_role` is Batch's).
 */
const ROLE_ATTRIBUTES = ["role", "role_arn", "task_role_arn", "execution_role_arn", "service_role", "service_role_arn", "iam_role_arn", "iam_role", "execution_role", "service_execution_role"];

/** One place a resource names the role it runs as, and the role of the stack that is, when blastwall can tell. */
export interface RunsAs {
  readonly attribute: string;
  /** As written; undefined where AWS picks a role outside the stack or blastwall cannot read the value. */
  readonly value?: unknown;
  /** The principal's address; undefined when it names no principal of the stack blastwall can identify. */
  readonly role?: string;
  /**
   * A role of the stack that an attribute of a type blastwall does not know names: it may be a role the service
   * manages the resource with, so it is not judged as the agent (`role` is undefined), and the finding names it.
   */
  readonly candidate?: string;
  /** Why the role cannot be told, where the standard words do not say it. */
  readonly note?: string;
}

function isSet(v: unknown): boolean {
  return v !== undefined && v !== null && v !== "";
}

const plumbingOf = new WeakMap<StackAnalysis, ReadonlySet<string>>();

/**
 * The policies of the stack's principals and what attaches them: their `role` names the principal they attach to, not
 * one anything runs as.
 */
export function iamPlumbing(analysis: StackAnalysis): ReadonlySet<string> {
  let set = plumbingOf.get(analysis);
  if (set === undefined) {
    const out = new Set<string>();
    for (const p of analysis.principals) {
      for (const a of [...p.identityPolicies, ...(p.boundary ? [p.boundary] : [])]) {
        out.add(a.document.address);
        out.add(a.via);
      }
    }
    plumbingOf.set(analysis, (set = out));
  }
  return set;
}

/** Every role a resource says its code runs as (attributes it leaves unset are not listed). */
export function rolesRunAs(lookup: RoleLookup, r: TfResource): RunsAs[] {
  if (iamPlumbing(lookup.analysis).has(r.address)) return [];
  const via = RUNS_AS_VIA[r.type];
  if (via) return via(lookup, r);
  const modelled = HIJACK_TARGETS.filter((t) => t.type === r.type && t.roleAttribute !== "-");
  const places: { attribute: string; viaProfile: boolean; anyway: boolean; generic?: true }[] = modelled.map((t) => ({ attribute: t.roleAttribute, viaProfile: t.viaInstanceProfile === true, anyway: t.runsAsRoleAnyway === true }));
  const known = WORKLOAD_ROLES[r.type];
  for (const k of known === undefined ? [] : Array.isArray(known) ? known : [known as Place]) places.push({ attribute: k.attribute, viaProfile: k.viaProfile === true, anyway: k.anyway === true });
  if (places.length === 0) {
    for (const a of new Set(ROLE_ATTRIBUTES)) if (isSet(r.values[a])) places.push({ attribute: a, viaProfile: false, anyway: false, generic: true });
    // A profile is always what an instance runs as: a string names it (an instance), a block its ARN or name.
    const profile = r.values["iam_instance_profile"];
    if (typeof profile === "string") places.push({ attribute: "iam_instance_profile", viaProfile: true, anyway: false });
    else if (isSet(profile)) for (const a of ["iam_instance_profile.arn", "iam_instance_profile.name"]) places.push({ attribute: a, viaProfile: true, anyway: false });
  }
  const out: RunsAs[] = [];
  const shown = new Set<string>();
  for (const p of places) {
    const role = roleOfCompute(lookup, r, p.attribute, p.viaProfile);
    const at = roleValueAt(lookup.stack, r.values, p.attribute);
    const attribute = p.attribute.split("|")[0];
    if (role === null) {
      // Not set: a resource of this kind may still run as a role AWS picks outside the stack.
      if (p.anyway) out.push({ attribute });
      continue;
    }
    const key = `${attribute}\u0000${role ?? ""}`;
    if (shown.has(key)) continue;
    shown.add(key);
    const value = at && isSet(at.value) ? { value: at.value } : {};
    if (p.generic && role !== undefined) out.push({ attribute, ...value, candidate: role });
    else out.push({ attribute, ...value, ...(role !== undefined ? { role } : {}) });
  }
  return out;
}

/** What a resource that leads to the compute runs as, its attributes named from the resource (`task_definition → ...`). */
function through(lookup: RoleLookup, attribute: string, target: TfResource): RunsAs[] {
  return rolesRunAs(lookup, target).map((x) => ({ ...x, attribute: `${attribute} → ${target.address}.${x.attribute}` }));
}

/** A managed resource of `type` a value names: by reference, or by the literal its `key` attribute has (one only). */
function namedResource(stack: TfStack, v: unknown, type: string, key: string, literal: (v: string, name: string) => boolean): TfResource | undefined {
  const ref = refTarget(v);
  if (ref) {
    const r = stack.byAddress.get(ref.address) ?? stack.byAddress.get(withoutInstanceKeys(ref.address));
    return r?.type === type && r.mode === "managed" ? r : undefined;
  }
  if (typeof v !== "string" || v.includes("${")) return undefined;
  const hits = (stack.byType.get(type) ?? []).filter((x) => x.mode === "managed" && typeof x.values[key] === "string" && literal(v, x.values[key] as string));
  return hits.length === 1 ? hits[0] : undefined;
}

/** Containers of an ECS service run as its task definition's task role; the service's own `iam_role` calls the load balancer. */
function ecsServiceRoles(lookup: RoleLookup, r: TfResource): RunsAs[] {
  const v = r.values["task_definition"];
  const td = namedResource(lookup.stack, v, "aws_ecs_task_definition", "family", (s, family) => s === family || new RegExp(`(^|:task-definition/)${escape(family)}(:\\d+)?$`).test(s));
  if (td) return through(lookup, "task_definition", td);
  return [{ attribute: "task_definition", ...(isSet(v) ? { value: v } : {}), note: "a task definition blastwall cannot find in this stack, whose task role its containers run as" }];
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// clusters.ts loads only for a marked EKS cluster.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const clusters = lazy(() => require("./reach/clusters") as typeof Clusters);

/**
 * Pods of an EKS cluster run as its nodes' role (any pod can read the instance's credentials unless the nodes block
 * it), as pod identity roles, or as IRSA roles; `role_arn` is the control plane's. Nodes blastwall cannot see, or an
 * OIDC provider of the cluster (whose roles are chosen by service account), leave the agent's role open: an error.
 */
function eksClusterRoles(lookup: RoleLookup, r: TfResource): RunsAs[] {
  const cluster = clusters().clustersOf(lookup.stack).find((c) => c.res.address === r.address);
  const out: RunsAs[] = [];
  for (const w of cluster?.workloads ?? []) {
    // A capability's controllers run outside the nodes, as its role: no pod runs as it.
    if (w.res.type === "aws_eks_capability") continue;
    const role = w.value !== undefined ? roleOfValue(lookup, w.value) : roleOfCompute(lookup, w.res, w.attribute, false);
    if (role === null) continue;
    const value = w.value ?? roleValueAt(lookup.stack, w.res.values, w.attribute)?.value;
    out.push({ attribute: `${w.attribute === "-" ? "the role" : w.attribute} of ${w.what}`, ...(isSet(value) ? { value } : {}), ...(role !== undefined ? { role } : {}) });
  }
  if (!cluster || cluster.unseenNodes) out.push({ attribute: "its nodes", note: "no node group or Auto Mode nodes of it in this stack, or an aws-auth mapping blastwall cannot read: its pods may run as roles it cannot see" });
  const text = (x: TfResource) => JSON.stringify(x.values["url"] ?? null);
  for (const p of lookup.stack.byType.get("aws_iam_openid_connect_provider") ?? []) {
    if (p.mode !== "managed" || !(text(p).includes(`${r.address}.`) || text(p).includes("oidc.eks."))) continue;
    out.push({ attribute: `its OIDC provider ${p.address}`, note: "a pod takes any role whose trust names the provider by its service account (IRSA), and blastwall cannot tell which the agent's pods use" });
  }
  return out;
}

/**
 * Instances of an Auto Scaling group or a fleet run as the profile of their launch templates (each of a mixed
 * instances policy's, overrides included) or launch configuration.
 */
function launchedRoles(lookup: RoleLookup, r: TfResource): RunsAs[] {
  const stack = lookup.stack;
  const specs: { attribute: string; block: Record<string, unknown>; id: string; name: string }[] = [];
  let unread = false;
  const each = (body: unknown, path: string[], id: string, name: string, attribute: string) => {
    let level: unknown[] = [body];
    for (const k of path) {
      const next: unknown[] = [];
      for (const b of level) {
        const found = blocksWithDynamic(b, k);
        if (found.unread || found.dynamic.length > 0) unread = true;
        next.push(...found.blocks);
      }
      level = next;
    }
    for (const b of level) specs.push({ attribute, block: b as Record<string, unknown>, id, name });
  };
  each(r.values, ["launch_template"], "id", "name", "launch_template");
  each(r.values, ["mixed_instances_policy", "launch_template", "launch_template_specification"], "launch_template_id", "launch_template_name", "mixed_instances_policy");
  each(r.values, ["mixed_instances_policy", "launch_template", "override", "launch_template_specification"], "launch_template_id", "launch_template_name", "mixed_instances_policy override");
  const fleet = r.type === "aws_ec2_fleet" ? ["launch_template_id", "launch_template_name"] : ["id", "name"];
  each(r.values, ["launch_template_config", "launch_template_specification"], fleet[0], fleet[1], "launch_template_config");
  const out: RunsAs[] = [];
  for (const s of specs) {
    // A plan writes both the literal id and name of the template (the configuration one of them): the id is matched
    // with the templates' ids, the name with their names (red-team round 101b: an id compared with names never matched).
    const id = s.block[s.id];
    const v = id ?? s.block[s.name];
    const same = (x: string, y: string) => x === y;
    const template = (isSet(id) ? namedResource(stack, id, "aws_launch_template", "id", same) : undefined) ?? (isSet(s.block[s.name]) ? namedResource(stack, s.block[s.name], "aws_launch_template", "name", same) : undefined);
    if (template) out.push(...through(lookup, s.attribute, template));
    else out.push({ attribute: s.attribute, ...(isSet(v) ? { value: v } : {}), note: "a launch template blastwall cannot find in this stack, whose instance profile its instances run as" });
  }
  const lc = r.values["launch_configuration"];
  if (isSet(lc)) {
    const config = namedResource(stack, lc, "aws_launch_configuration", "name", (x, name) => x === name);
    if (config) out.push(...through(lookup, "launch_configuration", config));
    else out.push({ attribute: "launch_configuration", value: lc, note: "a launch configuration blastwall cannot find in this stack" });
  }
  if (unread) out.push({ attribute: "launch_template", note: "launch template blocks blastwall cannot read (dynamic)" });
  return out;
}

/** Types whose code runs in other resources, followed there: what they lead to runs as the role. */
const RUNS_AS_VIA: Readonly<Record<string, (lookup: RoleLookup, r: TfResource) => RunsAs[]>> = {
  aws_ecs_service: ecsServiceRoles,
  aws_eks_cluster: eksClusterRoles,
  aws_autoscaling_group: launchedRoles,
  aws_ec2_fleet: launchedRoles,
  aws_spot_fleet_request: launchedRoles,
};

/** The stack's roles, as the reach graph indexes them, for `rolesRunAs` before a graph exists. */
export function roleLookup(stack: TfStack, analysis: StackAnalysis): RoleLookup {
  const roles = analysis.principals.filter((p) => p.kind === "role" && !p.external);
  return { stack, analysis, roles: new PrincipalIndex(roles, "role", (p) => resourceAccount(stack, p.resource)) };
}

const launchMarksOf = new WeakMap<TfStack, ReadonlyMap<string, AgentMark>>();

/**
 * The agent tag where EC2 puts it on instances rather than in `tags`: an Auto Scaling group's `tag` blocks (the
 * group's only tags; `propagate_at_launch` copies them to its instances) and `aws_autoscaling_group_tag`, a launch
 * template's (or fleet's) `tag_specifications` for instances, and `aws_ec2_tag` on a resource of the stack. By the
 * address of the resource that runs as the role; an `aws_ec2_tag` on something blastwall cannot find marks itself.
 * A dynamic block is a mark only where it names the tag: read as `tags` are, an unreadable map is no sign of intent.
 */
export function launchMarks(stack: TfStack): ReadonlyMap<string, AgentMark> {
  let out = launchMarksOf.get(stack) as Map<string, AgentMark> | undefined;
  if (out) return out;
  out = new Map();
  const put = (address: string, reason: string) => {
    if (!out!.has(address)) out!.set(address, { reason, inherited: false });
  };
  const tagBlocks = (list: Record<string, unknown>[], where: (b: Record<string, unknown>) => string): string | undefined => {
    for (const b of list) {
      const t = readMap(stack, { [String(b["key"])]: b["value"] }, where(b));
      if (t.state === "yes") return t.reason;
    }
    return undefined;
  };
  const propagated = (b: Record<string, unknown>) => (b["propagate_at_launch"] === false || b["propagate_at_launch"] === "false" ? "a tag block" : "a tag block, propagated to its instances");
  const dynamicNames = (body: unknown, name: string) => {
    const dyn = isObject(body) ? body["dynamic"] : undefined;
    return dyn !== undefined && mayNameTag(JSON.stringify(Array.isArray(dyn) ? dyn.map((d) => (isObject(d) ? d[name] : undefined)) : isObject(dyn) ? dyn[name] : undefined));
  };
  for (const r of stack.resources) {
    if (r.mode !== "managed") continue;
    if (r.type === "aws_autoscaling_group") {
      const reason = tagBlocks(blocks(r.values["tag"]), propagated) ?? (dynamicNames(r.values, "tag") ? `a dynamic tag block that may set ${AGENT_TAG}` : undefined);
      if (reason) put(r.address, reason);
    }
    if (r.type === "aws_autoscaling_group_tag") {
      const group = namedResource(stack, r.values["autoscaling_group_name"], "aws_autoscaling_group", "name", (x, name) => x === name);
      const reason = tagBlocks(blocks(r.values["tag"]), (b) => `${r.address}${propagated(b).slice("a tag block".length)}`);
      if (reason) put(group?.address ?? r.address, reason);
    }
    if (r.type === "aws_ec2_tag") {
      const id = r.values["resource_id"];
      const ref = refTarget(id);
      // A plan writes the literal id (`i-0abc...`) where the configuration wrote a reference: the resource whose `id`
      // it is (red-team round 104: a mark on an instance by id stayed on the tag, and the instance's profile was
      // switched to an admin one unseen).
      const target = ref
        ? (stack.byAddress.get(ref.address) ?? stack.byAddress.get(withoutInstanceKeys(ref.address)))
        : typeof id === "string" && id !== "" && !id.includes("${")
          ? stack.resources.find((x) => x.mode === "managed" && x !== r && x.values["id"] === id)
          : undefined;
      const reason = tagBlocks([r.values], () => (target ? `${r.address} on it` : `${r.address} on resource_id = ${JSON.stringify(r.values["resource_id"])}, which blastwall cannot find in this stack`));
      if (reason) put(target?.address ?? r.address, reason);
    }
    // Instances a template, an instance or a fleet launches carry these tags (volumes and the rest are no agent).
    // Most resources have neither the block nor a dynamic one: they are passed over without reading (large stacks).
    if (r.values["tag_specifications"] === undefined && r.values["dynamic"] === undefined) continue;
    const specs = blocksWithDynamic(r.values, "tag_specifications");
    for (const spec of specs.blocks) {
      const type = spec["resource_type"];
      if (typeof type === "string" && !type.includes("${") && type !== "instance") continue;
      const t = readMap(stack, spec["tags"], `tag_specifications for instances`);
      if (t.state === "yes") put(r.address, t.reason);
    }
    if (specs.dynamic.length > 0 && dynamicNames(r.values, "tag_specifications")) put(r.address, `a dynamic tag_specifications block that may set ${AGENT_TAG} on its instances`);
  }
  launchMarksOf.set(stack, out);
  return out;
}

function mayNameTag(text: string | undefined): boolean {
  return text !== undefined && text.toLowerCase().includes(AGENT_TAG);
}

/** Whether a value may hold the agent tag: it names it, or is (or holds) an expression that may. */
function mayHoldTag(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === "string") return true;
  const text = JSON.stringify(v);
  return text.toLowerCase().includes(AGENT_TAG) || text.includes("${");
}

/**
 * Every resource (managed, or any a config address names) that carries the agent mark and is not an agent principal
 * of `isAgent`. A mark inherited from the provider's default tags lands on every resource the provider makes, and the
 * config's `agents.tags` select by tags a team puts on all its resources: such marks are kept only for resources that
 * run as a role, the rest (buckets, keys, logs) were never meant as agents.
 */
export function markedResources(stack: TfStack, config: BlastwallConfig, isAgent: (address: string) => boolean, lookup: () => RoleLookup): MarkedResource[] {
  const select = agentMarkSelector(config, stack);
  const sel = config.agents ?? {};
  const byConfig = (sel.addresses?.length ?? 0) > 0 || Object.keys(sel.tags ?? {}).length > 0;
  // Reading every resource's tags costs in large stacks: only where the tag may be, in the resource or its provider.
  const inherited = stack.providers !== undefined && [...stack.providers.values()].some((b) => mayHoldTag(b["default_tags"]) || mayHoldTag(b["dynamic"]));
  const launched = launchMarks(stack);
  const out: MarkedResource[] = [];
  for (const r of stack.resources) {
    const own = mayHoldTag(r.values["tags"]) || mayHoldTag(r.values["tags_all"]);
    if (!own && !inherited && !byConfig && !launched.has(r.address) && !stack.keptMarks?.has(r.address)) continue;
    // Cloud Control roles, users and permission sets are judged as agents by unmodelled-iam, which reads their list of tags.
    if (CLOUD_CONTROL_PRINCIPALS[r.type] !== undefined) continue;
    if (isAgent(r.address)) continue;
    const mark = select(r) ?? launched.get(r.address);
    if (mark === undefined) continue;
    // A data source is marked only by the config naming it: its tags are read, not set.
    if (r.mode !== "managed" && !mark.reason.startsWith("config agents.addresses")) continue;
    // A role an attribute of a type blastwall does not know names is no sign the resource runs as it (a flow log's).
    const runsAsRole = () => rolesRunAs(lookup(), r).some((x) => x.role !== undefined || (x.value !== undefined && x.candidate === undefined));
    if ((mark.inherited || mark.bySelectorTags) && !runsAsRole()) continue;
    out.push({ resource: r, mark });
  }
  return out;
}

/**
 * The roles of the stack that marked resources run as and that are no agent on their own: the credentials the agent
 * holds, judged as the agent (fail closed: every agent rule then checks them). Address to the reason, for the report.
 */
export function rolesOfMarked(stack: TfStack, config: BlastwallConfig, analysis: StackAnalysis): Map<string, string> {
  const out = new Map<string, string>();
  let lookup: RoleLookup | undefined;
  const get = () => (lookup ??= roleLookup(stack, analysis));
  const isAgent = (address: string) => analysis.byAddress.get(address)?.isAgent === true;
  for (const { resource, mark } of markedResources(stack, config, isAgent, get)) {
    for (const x of rolesRunAs(get(), resource)) {
      if (x.role === undefined || isAgent(x.role) || out.has(x.role)) continue;
      if (analysis.byAddress.get(x.role)?.kind !== "role") continue;
      out.set(x.role, `${resource.address} runs as it (${x.attribute}) and is marked as an AI agent by ${mark.reason}`);
    }
  }
  return out;
}
