/**
 * Resources that carry the agent mark but are no principal blastwall judges: a function, a task definition, an
 * instance, a group. Users tag what they think of as the agent; blastwall judges credentials (roles, users), so such a
 * mark alone checks nothing. What these resources run as, when the stack names it, is judged as the agent instead.
 */
import type { BlastwallConfig } from "./config-types";
import type { StackAnalysis } from "./analysis-types";
import type { TfResource, TfStack } from "./terraform/types";
import { AGENT_TAG, agentMarkSelector, type AgentMark } from "./agents";
import { HIJACK_TARGETS, roleValueAt } from "./reach/compute";
import { roleOfCompute, type RoleLookup } from "./reach/role-of";
import { PrincipalIndex } from "./reach/principal-index";
import { resourceAccount } from "./terraform/providers";

export interface MarkedResource {
  readonly resource: TfResource;
  readonly mark: AgentMark;
}

/**
 * Where a resource of a type the reach graph does not model says the role it runs as. Types it models
 * (HIJACK_TARGETS) are read as it reads them; any other type by these attributes, so a new kind of compute (an agent
 * runtime with `role_arn`) is named without a table of its own.
 */
const ROLE_ATTRIBUTES = ["role", "role_arn", "task_role_arn", "execution_role_arn", "service_role", "service_role_arn", "iam_role_arn", "iam_role", "execution_role", "service_execution_role"];

/** One place a resource names the role it runs as, and the role of the stack that is, when blastwall can tell. */
export interface RunsAs {
  readonly attribute: string;
  /** As written; undefined where AWS picks a role outside the stack or blastwall cannot read the value. */
  readonly value?: unknown;
  /** The principal's address; undefined when it names no principal of the stack blastwall can identify. */
  readonly role?: string;
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

/** Every role a resource says it runs as (attributes it leaves unset are not listed). */
export function rolesRunAs(lookup: RoleLookup, r: TfResource): RunsAs[] {
  const out: RunsAs[] = [];
  if (iamPlumbing(lookup.analysis).has(r.address)) return out;
  const modelled = HIJACK_TARGETS.filter((t) => t.type === r.type && t.roleAttribute !== "-");
  const places: { attribute: string; viaProfile: boolean; anyway: boolean }[] = modelled.map((t) => ({ attribute: t.roleAttribute, viaProfile: t.viaInstanceProfile === true, anyway: t.runsAsRoleAnyway === true }));
  if (modelled.length === 0) {
    for (const a of new Set(ROLE_ATTRIBUTES)) if (isSet(r.values[a])) places.push({ attribute: a, viaProfile: false, anyway: false });
    // A string names the profile (an instance); a block carries its ARN or name (a launch template).
    const profile = r.values["iam_instance_profile"];
    if (typeof profile === "string") places.push({ attribute: "iam_instance_profile", viaProfile: true, anyway: false });
    else if (isSet(profile)) for (const a of ["iam_instance_profile.arn", "iam_instance_profile.name"]) places.push({ attribute: a, viaProfile: true, anyway: false });
  }
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
    out.push({ attribute, ...(at && isSet(at.value) ? { value: at.value } : {}), ...(role !== undefined ? { role } : {}) });
  }
  return out;
}

/** The stack's roles, as the reach graph indexes them, for `rolesRunAs` before a graph exists. */
export function roleLookup(stack: TfStack, analysis: StackAnalysis): RoleLookup {
  const roles = analysis.principals.filter((p) => p.kind === "role" && !p.external);
  return { stack, analysis, roles: new PrincipalIndex(roles, "role", (p) => resourceAccount(stack, p.resource)) };
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
 * of `isAgent`. A mark inherited from the provider's default tags lands on every resource the provider makes; it is
 * kept only for resources that run as a role, the rest (buckets, keys, logs) were never meant as agents.
 */
export function markedResources(stack: TfStack, config: BlastwallConfig, isAgent: (address: string) => boolean, lookup: () => RoleLookup): MarkedResource[] {
  const select = agentMarkSelector(config, stack);
  const sel = config.agents ?? {};
  const byConfig = (sel.addresses?.length ?? 0) > 0 || Object.keys(sel.tags ?? {}).length > 0;
  // Reading every resource's tags costs in large stacks: only where the tag may be, in the resource or its provider.
  const inherited = stack.providers !== undefined && [...stack.providers.values()].some((b) => mayHoldTag(b["default_tags"]) || mayHoldTag(b["dynamic"]));
  const out: MarkedResource[] = [];
  for (const r of stack.resources) {
    if (isAgent(r.address)) continue;
    // Cloud Control roles and users are judged as agents by unmodelled-iam, which reads their list of tags.
    if (/^awscc_iam_(role|user)$/.test(r.type)) continue;
    const own = mayHoldTag(r.values["tags"]) || mayHoldTag(r.values["tags_all"]);
    if (!own && !inherited && !byConfig) continue;
    const mark = select(r);
    if (mark === undefined) continue;
    // A data source is marked only by the config naming it: its tags are read, not set.
    if (r.mode !== "managed" && !mark.reason.startsWith("config agents.addresses")) continue;
    if (mark.inherited && !rolesRunAs(lookup(), r).some((x) => x.role !== undefined || x.value !== undefined)) continue;
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
