/**
 * What a plan's configuration says about an attachment's target where the plan does not know it: AWS assigns a
 * permission set's ARN, so every attachment to a new set has `permission_set_arn` unknown until apply, as has `role`
 * for a role with `name_prefix`. The configuration lists the references of the expression, not the expression, which
 * may be a conditional or a function of them naming another principal (`x.arn != "" ? "agent-bot" : "x"` lists only
 * `x`): red-team round 101 had an agent given s3:DeleteBucket through an attachment read as another role's. So the
 * attachment stays unresolved, and the finding names what the configuration refers to and how to get a plan blastwall
 * can read. Keyed by the resource object, which the plan reader builds once per plan.
 */
import type { TfResource } from "./types";

const hints = new WeakMap<TfResource, ReadonlyMap<string, string>>();

/** Records what the configuration shows of `argument` of `r`, for the unresolved attachment's message. */
export function setTargetHint(r: TfResource, argument: string, hint: string): void {
  const m = new Map(hints.get(r) ?? []);
  m.set(argument, hint);
  hints.set(r, m);
}

/** What the configuration shows of an unknown target, as a clause for a finding; undefined when nothing is known. */
export function targetHint(r: TfResource, argument: string): string | undefined {
  return hints.get(r)?.get(argument);
}
