/**
 * `count` and `for_each` of a Terraform JSON resource written as an expression (`"${var.enabled ? 1 : 0}"`, what
 * cdktf's `Fn.conditional` writes, or `"${length(var.names)}"`), evaluated as the HCL reader evaluates them: by the
 * same evaluator, over the variables' values (a `--var-file` value, else the default, converted to the declared type)
 * and literal locals. A reference to a resource, a data source, a module or `terraform.workspace`, a variable with no
 * value, or anything the evaluator does not know leaves the answer undefined, and the caller keeps it unknown.
 */
import type { TfStack } from "./types";
import { stackEnv } from "./policy-documents";

/** The evaluated value, or undefined when it is not entirely known (or the evaluator gives up). */
function evaluated(stack: TfStack, raw: string): unknown {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { evalString } = require("../../hcl/evaluate") as typeof import("../../hcl/evaluate");
  const { isKnown, toTfJson } = require("../../hcl/values") as typeof import("../../hcl/values");
  /* eslint-enable @typescript-eslint/no-require-imports */
  try {
    const v = evalString(raw, { env: stackEnv(stack) });
    return isKnown(v) ? toTfJson(v) : undefined;
  } catch {
    return undefined;
  }
}

/** A `count` expression's number of instances, as the HCL reader takes it (a whole number, or its digits). */
export function evaluatedCount(stack: TfStack, raw: string): number | undefined {
  const v = evaluated(stack, raw);
  const n = typeof v === "number" ? v : typeof v === "string" && /^[0-9]+$/.test(v) ? Number(v) : undefined;
  return n !== undefined && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/**
 * How many instances a `for_each` expression makes: the keys of a map, or the distinct elements of a list or set
 * (each a string, number or bool, as the HCL reader takes them). Undefined for anything else.
 */
export function evaluatedForEachSize(stack: TfStack, raw: string): number | undefined {
  const v = evaluated(stack, raw);
  if (Array.isArray(v)) {
    const keys = new Set<string>();
    for (const x of v) {
      if (typeof x !== "string" && typeof x !== "number" && typeof x !== "boolean") return undefined;
      keys.add(String(x));
    }
    return keys.size;
  }
  if (v !== null && typeof v === "object") return Object.keys(v).length;
  return undefined;
}
