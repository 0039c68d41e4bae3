/**
 * What the plan's `configuration` says of a resource: its expressions as written (constant values and the references
 * an expression makes) and its provider configuration. A value unknown until apply (`arn = aws_lambda_function.f.arn`)
 * is unknown in `after`, but the configuration still says what it refers to.
 */
import { isObject } from "../engine/json";
import type { PlanJson } from "./types";
import { withoutInstanceKeys } from "../engine/agents";

export interface ConfigResource {
  /** The resource's expressions, by argument (`{ references: [...] }` or `{ constant_value: ... }`, or nested blocks). */
  readonly expressions: Readonly<Record<string, unknown>>;
  /** `aws`, `aws.dr`, or `module.m:aws` as the configuration keys its provider. */
  readonly providerKey?: string;
  /** The module path of the resource (`module.m.`), to resolve its references. */
  readonly prefix: string;
}

const CACHE = new WeakMap<PlanJson, Map<string, ConfigResource> | null>();

function index(plan: PlanJson): Map<string, ConfigResource> | null {
  const hit = CACHE.get(plan);
  if (hit !== undefined) return hit;
  const config = (plan as { configuration?: unknown }).configuration;
  let out: Map<string, ConfigResource> | null = null;
  if (isObject(config) && isObject(config.root_module)) {
    const map = new Map<string, ConfigResource>();
    const walk = (mod: Record<string, unknown>, prefix: string, depth: number) => {
      if (depth > 100) return;
      for (const r of Array.isArray(mod.resources) ? mod.resources : []) {
        if (!isObject(r) || typeof r.address !== "string") continue;
        map.set(`${prefix}${r.address}`, {
          expressions: isObject(r.expressions) ? r.expressions : {},
          providerKey: typeof r.provider_config_key === "string" ? r.provider_config_key : undefined,
          prefix,
        });
      }
      if (!isObject(mod.module_calls)) return;
      for (const [name, call] of Object.entries(mod.module_calls)) if (isObject(call) && isObject(call.module)) walk(call.module, `${prefix}module.${name}.`, depth + 1);
    };
    walk(config.root_module, "", 0);
    out = map;
  }
  CACHE.set(plan, out);
  return out;
}

/** The configuration of the resource at `address` (instance keys left out), if the plan has a configuration that holds it. */
export function configOf(plan: PlanJson | undefined, address: string): ConfigResource | undefined {
  if (!plan) return undefined;
  return index(plan)?.get(withoutInstanceKeys(address));
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
 * from `aws_lambda_function.f.arn`); undefined when the expression refers to something else too (a variable, a
 * module output, a data source) or is not a reference.
 */
export function referencedResources(config: ConfigResource | undefined, expression: unknown): string[] | undefined {
  if (!config || !isObject(expression) || !Array.isArray(expression.references) || expression.references.length === 0) return undefined;
  const out = new Set<string>();
  for (const ref of expression.references) {
    if (typeof ref !== "string") return undefined;
    // A managed resource's type has its provider's prefix (`aws_`): `var.`, `local.`, `module.`, `data.`, `path.` are no resources.
    const m = /^([a-z][a-z0-9]*_[a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*)(?:\[[^\]]*\])?(?:\.|$)/.exec(ref);
    if (!m) return undefined;
    out.add(`${config.prefix}${m[1]}`);
  }
  return [...out];
}
