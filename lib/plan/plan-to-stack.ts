/**
 * The planned end state of a plan as the engine's `TfStack`, so the core engine can judge what IAM will look like
 * after apply. Values Terraform only knows after apply are written as the token `UNKNOWN_AFTER_APPLY`, which the
 * engine treats like any other unresolvable `${...}` expression (fail closed), rather than being left out.
 */
import { AddressMap, type TfResource, type TfStack } from "../engine/terraform/types";
import type { PlanJson, PlanModule, PlanModuleResource, PlanResourceChange } from "./types";
import { isObject } from "./values";
import { RESOURCE_POLICIES } from "../engine/resource-policies";
import { AFTER_APPLY } from "../engine/terraform/policy-documents";
import { configOf, providerDefaultTags } from "./config-expressions";
import { configuredCredentialReferences } from "./credential-references";
import { setTargetHint } from "../engine/terraform/configured-targets";
import { setConfiguredReferences } from "../engine/reach/credential-references";
import { withoutInstanceKeys } from "../engine/agents";

export const UNKNOWN_AFTER_APPLY = AFTER_APPLY;

export function planToStack(plan: PlanJson, file: string): TfStack {
  const unknownByAddress = new Map<string, unknown>();
  for (const rc of plan.resource_changes) {
    if (rc.deposed || rc.change.after_unknown === undefined) continue;
    const config = configOf(plan, rc.address);
    const configured = config?.expressions && new Set(Object.keys(config.expressions));
    unknownByAddress.set(rc.address, withoutReadableTagsAll(plan, rc.address, withoutComputedPolicies(rc.type, rc.change.after_unknown, configured)));
  }
  const resources: TfResource[] = [];
  const seen = new Set<string>();
  for (const r of moduleResources(plan.planned_values?.root_module)) {
    if (seen.has(r.address)) continue;
    seen.add(r.address);
    resources.push(withDefaultTags(plan, toResource(r, unknownByAddress.get(r.address))));
  }
  // A forgotten resource leaves the state, not the account: it is still there after apply, with what it grants.
  for (const rc of plan.resource_changes) {
    const address = forgottenAt(rc);
    if (address === undefined || seen.has(address) || !isObject(rc.change.before)) continue;
    seen.add(address);
    resources.push(toResource({ address, mode: rc.mode, type: rc.type, name: rc.name, values: rc.change.before } as PlanModuleResource, undefined));
  }
  // Data sources read during planning are in prior_state only. Managed resources there are in planned_values unless
  // they are destroyed (not part of the end state), or the plan is targeted: Terraform leaves the resources it does not
  // target out of planned_values (1.8+ says complete: false, with nothing deferred; before 1.8 nothing). They still exist.
  // Gone from the end state under their prior address: destroyed, or moved (`previous_address`) to another one.
  const deleted = new Set(plan.resource_changes.filter((rc) => !rc.deposed && rc.change.actions.includes("delete")).map((rc) => rc.address));
  for (const rc of plan.resource_changes) if (typeof rc.previous_address === "string") deleted.add(rc.previous_address);
  for (const r of moduleResources(plan.prior_state?.values?.root_module)) {
    if (seen.has(r.address) || (r.mode !== "data" && deleted.has(r.address))) continue;
    seen.add(r.address);
    resources.push(toResource(r, undefined));
  }
  const addresses = new Set(resources.filter((r) => r.mode === "managed").map((r) => r.address));
  for (const r of resources) noteConfiguredTarget(plan, r, addresses);
  // What the configuration shows flowing into each argument, where the values hide it (unknown, or transformed).
  const credentialRefs = configuredCredentialReferences(plan);
  if (credentialRefs.size > 0) {
    for (const r of resources) {
      const refs = credentialRefs.get(withoutInstanceKeys(r.address));
      if (refs) setConfiguredReferences(r, refs);
    }
  }
  const variables = new Map<string, unknown>();
  for (const [name, v] of Object.entries(plan.variables ?? {})) {
    if (isObject(v) && "value" in v) variables.set(name, v.value);
  }
  return stackOf(file, resources, variables);
}

/**
 * The argument that names the principal an attachment acts on, by attachment type. A value the plan does not know
 * there (a permission set's ARN, always so for a new set; a role with `name_prefix`) stays unknown, an unresolved
 * attachment; when the configuration refers to one resource of the plan and one attribute of it, the finding says so
 * and how to plan it readably (configured-targets.ts).
 */
const TARGET_ARGUMENTS: Readonly<Record<string, string>> = {
  aws_ssoadmin_permission_set_inline_policy: "permission_set_arn",
  aws_ssoadmin_managed_policy_attachment: "permission_set_arn",
  aws_ssoadmin_customer_managed_policy_attachment: "permission_set_arn",
  aws_ssoadmin_permissions_boundary_attachment: "permission_set_arn",
  aws_ssoadmin_account_assignment: "permission_set_arn",
  aws_iam_role_policy: "role",
  aws_iam_role_policy_attachment: "role",
  aws_iam_user_policy: "user",
  aws_iam_user_policy_attachment: "user",
  aws_iam_group_policy: "group",
  aws_iam_group_policy_attachment: "group",
};

function noteConfiguredTarget(plan: PlanJson, r: TfResource, addresses: ReadonlySet<string>): void {
  const argument = TARGET_ARGUMENTS[r.type];
  if (argument === undefined || r.mode !== "managed" || r.values[argument] !== UNKNOWN_AFTER_APPLY) return;
  const config = configOf(plan, r.address);
  const expression = config?.expressions?.[argument];
  if (!isObject(expression) || !Array.isArray(expression.references)) return;
  // `aws_x.y.arn` with the bare `aws_x.y` Terraform lists beside it, and nothing else: no index, no variable.
  const refs = new Set(expression.references);
  const attrs = [...refs].filter((x): x is string => typeof x === "string" && /^[a-z][a-z0-9]*_[a-z0-9_]*\.[A-Za-z_][\w-]*\.[A-Za-z_]\w*$/.test(x));
  if (attrs.length !== 1) return;
  const resource = attrs[0].slice(0, attrs[0].lastIndexOf("."));
  if ([...refs].some((x) => x !== attrs[0] && x !== resource)) return;
  // The same module instance as the attachment: its address up to its own `type.name`.
  const own = r.address.lastIndexOf(`${r.type}.${r.name}`);
  const target = `${own > 0 ? r.address.slice(0, own) : ""}${resource}`;
  if (!addresses.has(target)) return;
  const kind = argument === "permission_set_arn" ? "permission set" : argument;
  setTargetHint(
    r,
    argument,
    `its configuration refers to ${attrs[0]} only, but a plan shows what an expression refers to, not the expression, which may name ` +
      `another ${kind} (a conditional, a function of it), so blastwall cannot take it for ${target}: create ${target} in a plan of its own ` +
      `first (terraform apply -target=${target}), then plan the attachment, or have this plan approved`,
  );
}

/**
 * Resource policies a resource gets when the configuration writes none (a KMS key's default policy, a secret with
 * no policy): the plan shows them unknown until apply, but no one wrote them, so there is nothing there to grant.
 * Only when the configuration does not set the argument (and the plan says which arguments it sets) is the unknown
 * dropped; a configured policy that is unknown stays unknown, and fails closed.
 */
const COMPUTED_POLICY_ARGUMENTS: Readonly<Record<string, readonly string[]>> = {
  ...Object.fromEntries(RESOURCE_POLICIES.map(([type]) => [type, RESOURCE_POLICIES.filter(([t]) => t === type).map(([, a]) => a)])),
  // Optional+Computed in the AWS provider 5.x/6.x: unknown on every new role that does not set it, though the provider
  // leaves it empty then (attachments are separate resources, read as such) (red-team round 101b). Not `inline_policy`:
  // a plan's configuration never lists `dynamic` blocks, so its absence there does not show the role sets none, and a
  // `dynamic "inline_policy"` whose for_each is known only at apply hid an agent's s3:* (red-team round 103).
  aws_iam_role: ["managed_policy_arns"],
};

function withoutComputedPolicies(type: string, unknown: unknown, configured: ReadonlySet<string> | undefined): unknown {
  const dropped = (COMPUTED_POLICY_ARGUMENTS[type] ?? []).filter((a) => configured !== undefined && !configured.has(a) && isObject(unknown) && unknown[a] === true);
  if (dropped.length === 0 || !isObject(unknown)) return unknown;
  return Object.fromEntries(Object.entries(unknown).filter(([k]) => !dropped.includes(k)));
}


/**
 * `tags_all` is the resource's `tags` over its provider's `default_tags`. Unknown in a plan (older providers leave it
 * unknown on every new resource), it hides nothing when the provider sets no default tags or literal ones (those
 * are read from `tags`, and from the provider below); when the default tags come from an expression, it may hold the
 * agent tag, and stays unknown for the engine to fail closed on (red-team round 85).
 */
function withoutReadableTagsAll(plan: PlanJson, address: string, unknown: unknown): unknown {
  if (!isObject(unknown) || unknown["tags_all"] !== true) return unknown;
  if (providerDefaultTags(plan, address) === "unknown") return unknown;
  const { tags_all: _known, ...rest } = unknown;
  return rest;
}

/**
 * A plan's stack has no provider blocks to read default tags from: where `tags_all` is left unknown and the provider's
 * default tags are literal, `tags_all` is what the provider will make of them, so the agent tag there is seen.
 */
function withDefaultTags(plan: PlanJson, r: TfResource): TfResource {
  if (r.values["tags_all"] !== undefined && r.values["tags_all"] !== null) return r;
  const defaults = providerDefaultTags(plan, r.address);
  if (typeof defaults !== "object") return r;
  const own = isObject(r.values["tags"]) ? r.values["tags"] : {};
  return { ...r, values: { ...r.values, tags_all: { ...(escapeTemplates(defaults) as Record<string, unknown>), ...own } } };
}

/**
 * One side of a change (`before`, or `after` with its unknowns) as a stack of that resource alone, for the engine's
 * readers of a single resource (the agent marks EC2 puts on instances). Undefined when that side has no object.
 */
export function changeSideStack(rc: PlanResourceChange, side: "before" | "after", file: string): TfStack | undefined {
  const values = rc.change[side];
  if (!isObject(values)) return undefined;
  const r = toResource({ address: rc.address, mode: rc.mode, type: rc.type, name: rc.name, values } as PlanModuleResource, side === "after" ? rc.change.after_unknown : undefined);
  return stackOf(file, [r], new Map());
}

/** A `TfStack` of resources read from a plan, indexed by address and type. */
function stackOf(file: string, resources: TfResource[], variables: Map<string, unknown>): TfStack {
  const byAddress = new AddressMap<TfResource>(resources.map((r) => [r.address, r] as const));
  const byType = new Map<string, TfResource[]>();
  for (const r of resources) {
    const list = byType.get(r.type);
    if (list) list.push(r);
    else byType.set(r.type, [r]);
  }
  return { file, resources, byAddress, byType, variables, locals: new Map() };
}

/**
 * The state before the plan (`prior_state`) as a `TfStack`, so the gate can tell a finding this plan brings from
 * one that is already true. Undefined when the plan carries no prior state.
 */
export function priorStateToStack(plan: PlanJson, file: string): TfStack | undefined {
  const root = plan.prior_state?.values?.root_module;
  if (!root) return undefined;
  const resources: TfResource[] = [];
  const seen = new Set<string>();
  for (const r of moduleResources(root)) {
    if (seen.has(r.address)) continue;
    seen.add(r.address);
    resources.push(toResource(r, undefined));
  }
  return stackOf(file, resources, new Map());
}

function* moduleResources(m: PlanModule | undefined): Generator<PlanModuleResource> {
  if (!m) return;
  for (const r of m.resources ?? []) {
    if (isObject(r) && typeof r.address === "string" && typeof r.type === "string") yield r;
  }
  for (const child of m.child_modules ?? []) yield* moduleResources(child);
}

/**
 * Where the end state holds the object a change forgets, or undefined when it forgets none. A bare `["forget"]` leaves
 * its address empty, so the object keeps it. A replace that forgets (`["create","forget"]`, Terraform's
 * create_before_destroy with `lifecycle { destroy = false }`; `["forget","create"]`, OpenTofu 1.12's `destroy = false`,
 * as its jsonplan writes `plans.ForgetThenCreate`) gives the address to the new object, while the old one stays in AWS
 * under no address at all (red-team round 127 F1: an attachment of AdministratorAccess replaced so). So does a deposed
 * object that is forgotten rather than destroyed. Those get an address of their own, `ADDRESS~forgotten`, which every
 * finding that names them shows (the gate's plan step says what it is). No space, parenthesis or dot: the engine's
 * readers of `via` and of addresses split on those.
 */
export function forgottenAt(rc: PlanResourceChange): string | undefined {
  if (rc.mode !== "managed" || !rc.change.actions.includes("forget")) return undefined;
  if (rc.deposed) return `${rc.address}~deposed-${rc.deposed}~forgotten`;
  return rc.change.actions.includes("create") ? `${rc.address}~forgotten` : rc.address;
}

/**
 * A role or user read by a data source is an existing principal with the values AWS returned (tags, path, name):
 * policies this plan attaches to it reach it, and its tags can make it an agent. Only a plan shows those values.
 */
const EXISTING_PRINCIPALS: ReadonlySet<string> = new Set(["aws_iam_role", "aws_iam_user"]);

function toResource(r: PlanModuleResource, afterUnknown: unknown): TfResource {
  const mode = r.mode === "data" && !EXISTING_PRINCIPALS.has(r.type) ? "data" : "managed";
  const values = mergeUnknown(escapeTemplates(isObject(r.values) ? r.values : {}), afterUnknown);
  return { mode, type: r.type, name: typeof r.name === "string" ? r.name : "", address: r.address, values: values as Record<string, unknown> };
}

/**
 * Plan values are final strings, while the engine reads values "as written", where `${` starts an interpolation.
 * A literal `${aws:username}` in a policy would read as a Terraform expression, so escape them as HCL does.
 */
export function escapeTemplates(v: unknown): unknown {
  if (typeof v === "string") return v.replace(/\$\{/g, "$$${").replace(/%\{/g, "%%{");
  if (Array.isArray(v)) return v.map(escapeTemplates);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, escapeTemplates(x)]));
  return v;
}

/** Copies `values`, writing `UNKNOWN_AFTER_APPLY` wherever `after_unknown` marks a value unknown. */
export function mergeUnknown(values: unknown, unknown: unknown): unknown {
  if (unknown === true) return values === undefined || values === null ? UNKNOWN_AFTER_APPLY : values;
  if (Array.isArray(unknown)) {
    const base = Array.isArray(values) ? [...values] : [];
    unknown.forEach((u, i) => {
      if (u === false || u === undefined) return;
      base[i] = mergeUnknown(base[i], u);
    });
    return base;
  }
  if (isObject(unknown)) {
    const base: Record<string, unknown> = isObject(values) ? { ...values } : {};
    for (const [k, u] of Object.entries(unknown)) {
      if (u === false) continue;
      if (u === true || (isObject(u) && Object.keys(u).length > 0) || (Array.isArray(u) && u.length > 0)) base[k] = mergeUnknown(base[k], u);
    }
    return base;
  }
  return values;
}

/** The changes of a plan the gate judges: managed resources whose actions do more than `no-op`/`read`. */
export function judgedChanges(plan: PlanJson): PlanResourceChange[] {
  // A move is a change even when nothing else changes: it can take a resource out of what the config protects.
  return plan.resource_changes.filter(
    (rc) => rc.mode === "managed" && (rc.change.actions.some((a) => a !== "no-op" && a !== "read") || (rc.previous_address !== undefined && rc.previous_address !== rc.address)),
  );
}
