/**
 * What the plan's `configuration` says of a resource: its expressions as written (constant values and the references
 * an expression makes) and its provider configuration. A value unknown until apply (`arn = aws_lambda_function.f.arn`)
 * is unknown in `after`, but the configuration still says what it refers to.
 */
import { isObject } from "../engine/json";
import type { PlanJson, PlanResourceChange } from "./types";
import { withoutInstanceKeys } from "../engine/agents";
import { afterValue, getPath } from "./values";

export interface ConfigResource {
  /** Address with the module path (`module.m.terraform_data.x`), without instance keys. */
  readonly address: string;
  /**
   * The resource's expressions, by argument (`{ references: [...] }` or `{ constant_value: ... }`, or nested blocks);
   * undefined when the configuration writes none.
   */
  readonly expressions?: Readonly<Record<string, unknown>>;
  /** Its provisioners as the configuration writes them (`type`, `when`, `expressions`). */
  readonly provisioners: readonly Readonly<Record<string, unknown>>[];
  /** `aws`, `aws.dr`, or `module.m:aws` as the configuration keys its provider. */
  readonly providerKey?: string;
  /** The module path of the resource (`module.m.`), to resolve its references. */
  readonly prefix: string;
  /** Its `for_each` expression, which `each.value` stands for an element of. */
  readonly forEach?: unknown;
}

interface ConfigIndex {
  readonly resources: Map<string, ConfigResource>;
  /** Module outputs by module path (`module.m.`) and name: the expression each returns. */
  readonly outputs: Map<string, Record<string, unknown>>;
}

const CACHE = new WeakMap<PlanJson, ConfigIndex | null>();

function index(plan: PlanJson): ConfigIndex | null {
  const hit = CACHE.get(plan);
  if (hit !== undefined) return hit;
  const config = (plan as { configuration?: unknown }).configuration;
  let out: ConfigIndex | null = null;
  if (isObject(config) && isObject(config.root_module)) {
    const resources = new Map<string, ConfigResource>();
    const outputs = new Map<string, Record<string, unknown>>();
    const walk = (mod: Record<string, unknown>, prefix: string, depth: number) => {
      if (depth > 100) return;
      for (const r of Array.isArray(mod.resources) ? mod.resources : []) {
        if (!isObject(r) || typeof r.address !== "string") continue;
        resources.set(`${prefix}${r.address}`, {
          address: `${prefix}${r.address}`,
          expressions: isObject(r.expressions) ? r.expressions : undefined,
          provisioners: Array.isArray(r.provisioners) ? r.provisioners.filter(isObject) : [],
          ...(r.for_each_expression !== undefined ? { forEach: r.for_each_expression } : {}),
          providerKey: typeof r.provider_config_key === "string" ? r.provider_config_key : undefined,
          prefix,
        });
      }
      if (isObject(mod.outputs)) {
        const own: Record<string, unknown> = {};
        for (const [name, o] of Object.entries(mod.outputs)) if (isObject(o)) own[name] = o.expression;
        outputs.set(prefix, own);
      }
      if (!isObject(mod.module_calls)) return;
      for (const [name, call] of Object.entries(mod.module_calls)) if (isObject(call) && isObject(call.module)) walk(call.module, `${prefix}module.${name}.`, depth + 1);
    };
    walk(config.root_module, "", 0);
    out = { resources, outputs };
  }
  CACHE.set(plan, out);
  return out;
}

/** Whether the plan has a configuration to read (`terraform show -json` always writes one). */
export function hasConfiguration(plan: PlanJson): boolean {
  return index(plan) !== null;
}

/** The configuration of the resource at `address` (instance keys left out), if the plan has a configuration that holds it. */
export function configOf(plan: PlanJson | undefined, address: string): ConfigResource | undefined {
  if (!plan) return undefined;
  return index(plan)?.resources.get(withoutInstanceKeys(address));
}

/**
 * The literal region of the provider configuration the resource at `address` uses (`region = "us-east-1"` in its
 * provider block); undefined when the plan has no configuration for it, or the region is left out (taken from the
 * environment) or computed (a variable, a reference).
 */
export function providerRegion(plan: PlanJson | undefined, address: string): string | undefined {
  const key = configOf(plan, address)?.providerKey;
  const config = (plan as { configuration?: unknown } | undefined)?.configuration;
  if (key === undefined || !isObject(config) || !isObject(config.provider_config)) return undefined;
  const provider = config.provider_config[key];
  const region = isObject(provider) && isObject(provider.expressions) ? provider.expressions.region : undefined;
  return isObject(region) && Object.keys(region).length === 1 && typeof region.constant_value === "string" && region.constant_value !== "" ? region.constant_value : undefined;
}

/**
 * The one account the provider of `address` may operate in, where its configuration pins it literally
 * (`allowed_account_ids = ["111111111111"]`, the provider refuses any other at plan and apply); undefined otherwise.
 */
export function providerAccount(plan: PlanJson | undefined, address: string): string | undefined {
  const key = configOf(plan, address)?.providerKey;
  const config = (plan as { configuration?: unknown } | undefined)?.configuration;
  if (key === undefined || !isObject(config) || !isObject(config.provider_config)) return undefined;
  const provider = config.provider_config[key];
  const ids = isObject(provider) && isObject(provider.expressions) ? provider.expressions.allowed_account_ids : undefined;
  if (!isObject(ids) || Object.keys(ids).length !== 1 || !Array.isArray(ids.constant_value) || ids.constant_value.length !== 1) return undefined;
  const id = ids.constant_value[0];
  return typeof id === "string" && /^\d{12}$/.test(id) ? id : undefined;
}

/**
 * What the provider of `address` adds to every resource's `tags_all` (`default_tags { tags = ... }`): `"none"` when its
 * configuration sets no default tags, the map when it sets literal ones, `"unknown"` when they come from an expression
 * (a local, a variable) or the plan has no configuration for the resource.
 */
export function providerDefaultTags(plan: PlanJson | undefined, address: string): "none" | "unknown" | Record<string, unknown> {
  const resource = configOf(plan, address);
  if (resource === undefined) return "unknown";
  // A provider with no block of its own (none in provider_config) is configured by the environment alone: no default tags.
  const key = resource.providerKey;
  const config = (plan as { configuration?: unknown } | undefined)?.configuration;
  const provider = key !== undefined && isObject(config) && isObject(config.provider_config) ? config.provider_config[key] : undefined;
  if (!isObject(provider)) return "none";
  const dt = isObject(provider.expressions) ? provider.expressions.default_tags : undefined;
  if (dt === undefined) return "none";
  const blocks = Array.isArray(dt) ? dt : [dt];
  if (blocks.length === 0) return "none";
  if (blocks.length !== 1 || !isObject(blocks[0])) return "unknown";
  const tags = blocks[0].tags;
  if (tags === undefined) return "none";
  return isObject(tags) && Object.keys(tags).length === 1 && isObject(tags.constant_value) ? tags.constant_value : "unknown";
}

/** The expression at `path` (argument, then block index and argument: `["target", 0, "arn"]`). */
export function expressionAt(config: ConfigResource | undefined, path: readonly (string | number)[]): unknown {
  let v: unknown = config?.expressions;
  for (const step of path) {
    if (Array.isArray(v)) v = typeof step === "number" ? v[step] : undefined;
    else if (isObject(v)) v = v[String(step)];
    else return undefined;
  }
  return v;
}

/**
 * The resource addresses an expression refers to, with the referring resource's module path (`aws_lambda_function.f`
 * from `aws_lambda_function.f.arn`), through the outputs of the modules it calls (`module.fn.arn`); undefined when the
 * expression refers to something else too (a variable, a data source, an output not in the configuration) or is not a
 * reference.
 */
export function referencedResources(config: ConfigResource | undefined, expression: unknown, plan?: PlanJson): string[] | undefined {
  if (!config) return undefined;
  const out = new Set<string>();
  return collect(config.prefix, expression, plan ? index(plan) : null, out, 0) ? [...out] : undefined;
}

function collect(prefix: string, expression: unknown, idx: ConfigIndex | null, out: Set<string>, depth: number): boolean {
  if (depth > 20 || !isObject(expression) || !Array.isArray(expression.references) || expression.references.length === 0) return false;
  for (const ref of expression.references) {
    if (typeof ref !== "string") return false;
    // A module's output: what that output's expression refers to, in that module.
    const mod = /^module\.([A-Za-z_][A-Za-z0-9_-]*)(?:\[[^\]]*\])?\.([A-Za-z_][A-Za-z0-9_-]*)/.exec(ref);
    if (mod) {
      const inner = `${prefix}module.${mod[1]}.`;
      const outputs = idx?.outputs.get(inner);
      if (!outputs || !(mod[2] in outputs) || !collect(inner, outputs[mod[2]], idx, out, depth + 1)) return false;
      continue;
    }
    // A bare `module.m` is listed beside `module.m.out`; alone (`module.m[*].arn`), it may be any of its outputs.
    if (/^module\.[^.]+$/.test(ref)) {
      if (expression.references.some((r: unknown) => typeof r === "string" && r.startsWith(`${ref}.`))) continue;
      return false;
    }
    // A managed resource's type has its provider's prefix (`aws_`): `var.`, `local.`, `data.`, `path.` are no resources.
    const m = /^([a-z][a-z0-9]*_[a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*)(?:\[[^\]]*\])?(?:\.|$)/.exec(ref);
    if (!m) return false;
    out.add(`${prefix}${m[1]}`);
  }
  return out.size > 0;
}

/**
 * True when the value at `path` of the change names a resource this plan creates: the configuration names it by
 * reference (`bucket = aws_s3_bucket.b.id`, unknown until apply), and every instance of what it names is one of
 * `types` created by this plan (a reference to `b[0]` reads as `b`: with one instance kept and another created, it
 * may be the kept one). When the plan knows the value, it must be one a created resource has (its `id`, `arn` or one
 * of `names`): a reference that the configuration then overrides with a literal (`coalesce`, a conditional) names
 * another resource (red-team round 49). Without a configuration to tell, false.
 */
export function namesCreated(rc: PlanResourceChange, plan: PlanJson | undefined, path: readonly (string | number)[], types: readonly string[], names: readonly string[] = []): boolean {
  const changes = plan?.resource_changes ?? [];
  const config = configOf(plan, rc.address);
  const refs = referencedResources(config, withoutInstanceReferences(config, expressionAt(config, path)), plan);
  if (refs === undefined || refs.length === 0) return false;
  const picked = pickedBySameKey(rc, config, expressionAt(config, path));
  const created = refs.map((r) => {
    const instances = changes.filter((c) => withoutInstanceKeys(c.address) === r);
    // `dst[each.key]` (or `dst[count.index]`) in a resource that has the same key: the instance of that key, when the
    // plan creates it. Another instance it might pick (through a function of the key) exists, so its ID is known in
    // the plan, and a known value must be a created resource's (below).
    const same = picked ? instances.filter((c) => instanceKey(c) === picked.key) : [];
    return same.length === 1 ? same : instances;
  });
  if (!created.every((instances) => instances.length > 0 && instances.every((c) => types.includes(c.type) && c.change.actions.length === 1 && c.change.actions[0] === "create"))) return false;
  const value = afterValue(rc.change, path);
  if (value.state !== "known" || typeof value.value !== "string") return true;
  const named = value.value;
  const identity = ["id", "arn", ...names];
  return created.flat().some((c) => identity.some((k) => getPath(c.change.after, [k]) === named));
}

/**
 * `each.key` and `count.index` pick an instance, which is any of them (every one must be new); `each.value` is an
 * element of the resource's `for_each`, so it refers to what that refers to.
 */
function withoutInstanceReferences(config: ConfigResource | undefined, expression: unknown): unknown {
  if (!isObject(expression) || !Array.isArray(expression.references)) return expression;
  const refs = expression.references.filter((r) => typeof r !== "string" || !/^(each\.key|count\.index)$/.test(r));
  const eachValue = refs.some((r) => typeof r === "string" && /^each\.value(\.|$)/.test(r));
  const forEach = eachValue && isObject(config?.forEach) && Array.isArray(config.forEach.references) ? config.forEach.references : [];
  return { ...expression, references: [...refs.filter((r) => typeof r !== "string" || !/^each\.value(\.|$)/.test(r)), ...forEach] };
}

/**
 * The instance key an expression picks with `each.key` or `count.index` of its own resource: the key of the change
 * being judged (a string for `for_each`, a number for `count`), when the expression uses the matching one.
 */
function pickedBySameKey(rc: PlanResourceChange, config: ConfigResource | undefined, expression: unknown): { readonly key: string | number } | undefined {
  if (!config || !isObject(expression) || !Array.isArray(expression.references)) return undefined;
  const key = instanceKey(rc);
  if (typeof key === "string" && expression.references.includes("each.key")) return { key };
  if (typeof key === "number" && expression.references.includes("count.index")) return { key };
  return undefined;
}

/** A change's own instance key: its `index`, else the last `[...]` of its address. */
function instanceKey(rc: PlanResourceChange): unknown {
  if (typeof rc.index === "string" || typeof rc.index === "number") return rc.index;
  const m = /\[("(?:[^"\\]|\\.)*"|\d+)\]$/.exec(rc.address);
  if (!m) return undefined;
  try {
    return JSON.parse(m[1]) as unknown;
  } catch {
    return undefined;
  }
}
