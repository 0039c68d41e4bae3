/**
 * Principals a plan's configuration names where the plan does not know the value (red-team round 99): AWS assigns a
 * permission set's ARN, so every attachment to a new set has `permission_set_arn` unknown until apply, as has `role`
 * for a role with `name_prefix`. The configuration lists the references of the expression (`aws_x.y.arn` and
 * `aws_x.y`), not the expression, which may be a function of them (`coalesce`, a conditional) naming another
 * principal: so the principal it refers to only may be the target. Keyed by the resource object, which the plan
 * reader builds once per plan.
 */
import type { TfResource } from "./types";

const guessed = new WeakMap<TfResource, ReadonlyMap<string, string>>();

/** Records that `argument` of `r` was written from its configured reference; `why` says so in findings. */
export function setConfiguredTarget(r: TfResource, argument: string, why: string): void {
  const m = new Map(guessed.get(r) ?? []);
  m.set(argument, why);
  guessed.set(r, m);
}

/** Why the target `argument` of `r` names only may be it, when the value was read from the configuration. */
export function configuredTarget(r: TfResource, argument: string): string | undefined {
  return guessed.get(r)?.get(argument);
}
