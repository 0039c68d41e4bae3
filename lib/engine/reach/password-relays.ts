/**
 * Managed resources a database password may be relayed through (red-team round 171b): `terraform_data.pw.output` is
 * its `input`, `null_resource.pw.triggers` what it was given, `aws_ssm_parameter.copy.value` what the parameter was
 * given (a secret read back, say) and what the parameter holds. What such a reference is made of is followed to the
 * read-back or generator behind it; an attribute the provider computes that blastwall knows nothing of may have been
 * read from any store (fail closed). Loaded only with database-passwords.ts.
 */
import { withoutInstanceKeys } from "../agents";
import type { TfResource, TfStack } from "../terraform/types";
import { stringsIn } from "../json";
import { argumentsReadBack, carriedArguments, configuredReferences, handsBack, NOT_ARGUMENTS } from "./credential-references";

/** `module.m.terraform_data.pw.output`: groups are the module path (instance keys dropped), the type, the name, the attribute. */
const MANAGED_REF = /^((?:module\.[A-Za-z0-9_-]+\.)*)([a-z][a-z0-9]*_[a-z0-9_]*)\.([A-Za-z0-9_-]+)(?:\.([A-Za-z0-9_-]+))?$/;

/** Managed stores whose value a reference reads (the store itself holds it, whatever it was given), by attribute. */
const STORE_VALUES: Readonly<Record<string, readonly string[]>> = {
  aws_ssm_parameter: ["value", "insecure_value", "value_wo"],
  aws_secretsmanager_secret_version: ["secret_string", "secret_binary", "secret_string_wo"],
};

/**
 * Types outside AWS whose computed attributes blastwall knows: made up (`random_*`, `time_*`, keys of `tls_*`) or
 * handed back from their arguments (`terraform_data`, `null_resource`, `random_shuffle`); `carriedArguments` says which.
 */
const KNOWN_OUTSIDE = /^(?:random|time|tls)_|^(?:terraform_data|null_resource)$/;

/**
 * Attributes AWS makes that carry no stored value: names and numbers of the object, never what a store holds. Any
 * other attribute AWS computes (`aws_lambda_invocation.x.result`, `aws_cloudformation_stack.x.outputs`) may have been
 * read from a store.
 */
const HARMLESS = /^(?:id|arn|[a-z0-9_]+_(?:arn|id))$/;

/** What a managed-resource reference in a password expression is: what to follow, and the store it reads or why unknown. */
export interface Relay {
  /** The resource, without instance keys (`terraform_data.pw`), and the reference as written (`terraform_data.pw.output`). */
  readonly address: string;
  readonly ref: string;
  /** The strings of the arguments the attribute holds (values and a plan's configured references). */
  readonly given: readonly string[];
  /** The type of store the attribute is the value of (`aws_ssm_parameter.x.value`). */
  readonly storeValue?: "aws_ssm_parameter" | "aws_secretsmanager_secret_version";
  /** The resources of the stack the reference names (each instance). */
  readonly resources: readonly TfResource[];
  /** Set where the attribute is computed by a provider and blastwall does not know what it holds: why. */
  readonly unknown?: string;
}

/**
 * The relay a reference (instance keys already dropped) names: undefined where it names no managed resource of the
 * stack (a variable, a data source, a module output, a resource the stack does not show).
 */
export function relayOf(stack: TfStack, ref: string): Relay | undefined {
  const m = MANAGED_REF.exec(ref);
  // `var.x`, `data.x.y`, `each.key` have no `_` in their first part: no managed type matches them.
  if (!m) return undefined;
  const [, prefix, type, name, attribute] = m;
  const address = `${prefix}${type}.${name}`;
  const resources = (stack.byType.get(type) ?? []).filter((r) => r.mode === "managed" && withoutInstanceKeys(r.address) === address);
  if (resources.length === 0) return undefined;
  const given: string[] = [];
  let unknown: string | undefined;
  for (const r of resources) {
    const refs = configuredReferences(r);
    const args = [...new Set([...Object.keys(r.values), ...(refs?.keys() ?? [])])].filter((a) => !NOT_ARGUMENTS.has(a));
    // The whole object of an AWS resource is not what one argument was given: following every argument took an access
    // key's `user` (a name) for the password, and so every policy naming that user for a store of it. It is what the
    // provider computes, which `computedUnknown` says blastwall does not know (fail closed).
    const follow = handsBack(type)
      ? carriedArguments(type, attribute, args).map((c) => c.argument)
      : attribute === undefined
        ? []
        : argumentsReadBack(type, attribute).filter((a) => args.includes(a));
    for (const a of follow) {
      if (r.values[a] !== undefined && r.values[a] !== null) stringsIn(r.values[a], given);
      given.push(...(refs?.get(a) ?? []));
    }
    unknown ??= computedUnknown(type, attribute, args);
  }
  const storeValue = (Object.keys(STORE_VALUES) as Relay["storeValue"][]).find((t) => t === type && (attribute === undefined || STORE_VALUES[t!].includes(attribute)));
  return { address, ref, given, resources, ...(storeValue ? { storeValue } : {}), ...(unknown !== undefined && !storeValue ? { unknown } : {}) };
}

/** Why blastwall cannot tell what a computed attribute holds, or undefined where it can (an argument, a known type, a name). */
function computedUnknown(type: string, attribute: string | undefined, args: readonly string[]): string | undefined {
  // An argument reads back as given (`carriedArguments`), and is followed.
  if (attribute !== undefined && args.includes(attribute)) return undefined;
  if (handsBack(type) ? KNOWN_OUTSIDE.test(type) : attribute !== undefined && HARMLESS.test(attribute)) return undefined;
  if (attribute === undefined) return `it is the whole resource, whose attributes ${type} computes and blastwall does not know`;
  return `blastwall does not know what ${attribute}, an attribute ${type} computes, holds: it may have been read from a store`;
}
