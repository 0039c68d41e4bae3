import type { Evidence } from "../../engine/findings";
import { isObject } from "../../engine/json";
import type { PlanRule } from "../rule";
import { changeFinding } from "../rule";
import type { PlanActionInvocation } from "../types";

/**
 * Terraform 1.14+ actions (`action "aws_lambda_invoke" "x" { ... }`, run by a resource's `lifecycle { action_trigger }`).
 * The plan lists them in `action_invocations`, each naming the resource change that triggers it; a finding is
 * reported on that change, so approving the change approves its actions (the approval binds to the plan's hash,
 * which fixes the actions' config too). The reader (read-plan.ts) refuses a plan with an invocation no judged change
 * triggers (`terraform plan -invoke=...`) or with deferred invocations: those could not be approved here.
 */

const SHOW_MAX = 160;

export const actionInvoked: PlanRule = {
  meta: {
    id: "plan-action-invoked",
    title: "Plan runs a Terraform action",
    why:
      "A Terraform action (aws_lambda_invoke, aws_ec2_stop_instance, a provider's own actions ...) calls the provider with the deploy role's credentials " +
      "when its triggering resource changes. It is not a resource change, so nothing else in the plan shows what it does.",
    fix:
      "Read the action's type and config in the finding. If it is intended, have a human approve this exact plan (`blastwall approve`): " +
      "approving the triggering change approves the actions it runs in this plan.",
    severity: "error",
    category: "plan",
  },
  check(rc, ctx) {
    if (rc.deposed) return [];
    const invocations = (Array.isArray(ctx.plan.action_invocations) ? ctx.plan.action_invocations : []).filter(
      (a): a is PlanActionInvocation => isObject(a) && isObject(a.lifecycle_action_trigger) && a.lifecycle_action_trigger.triggering_resource_address === rc.address,
    );
    return invocations.map((a) => {
      const t = a.lifecycle_action_trigger ?? {};
      const kind = typeof a.type === "string" ? a.type : "(type not given)";
      const event = typeof t.action_trigger_event === "string" ? t.action_trigger_event : "(event not given)";
      const config = configText(a);
      const evidence: Evidence[] = [
        { step: "action", address: a.address, detail: `${kind}${a.provider_name ? ` (${a.provider_name})` : ""}, triggered ${event} of ${rc.address}${t.on_failure ? `, on_failure ${t.on_failure}` : ""}` },
        { step: "action-config", address: a.address, detail: config },
      ];
      return changeFinding(rc, `The plan runs the action ${a.address} (${kind}) ${event} of ${rc.address}, with the deploy credentials: config ${config}.`, evidence);
    });
  },
};

/** The action's config, values marked sensitive shown as `(sensitive)`, unknown ones as `(known after apply)`. */
function configText(a: PlanActionInvocation): string {
  if (a.config_sensitive === true) return "(sensitive)";
  const values = isObject(a.config_values) ? a.config_values : {};
  const sensitive = isObject(a.config_sensitive) ? a.config_sensitive : {};
  const unknown = isObject(a.config_unknown) ? a.config_unknown : {};
  const keys = [...new Set([...Object.keys(values), ...Object.keys(unknown).filter((k) => anyTrue(unknown[k]))])].sort();
  if (keys.length === 0) return "(none)";
  const parts = keys.map((k) => {
    if (anyTrue(sensitive[k])) return `${k} = (sensitive)`;
    if (!(k in values) || anyTrue(unknown[k])) return `${k} = (known after apply)`;
    return `${k} = ${JSON.stringify(values[k]) ?? "null"}`;
  });
  const s = parts.join(", ").replace(/\s+/g, " ");
  return s.length > SHOW_MAX ? `${s.slice(0, SHOW_MAX - 1)}…` : s;
}

/** True when a marker tree holds `true` anywhere. */
function anyTrue(m: unknown): boolean {
  if (m === true) return true;
  if (Array.isArray(m)) return m.some(anyTrue);
  if (isObject(m)) return Object.values(m).some(anyTrue);
  return false;
}
