import type { Evidence, FindingDraft } from "../../engine/findings";
import { ephemeralTraces, maybeOpenedFindings, READ_CONFIGURED, READ_IN_STATE, readDuringPlanWarning, readReason, readsDuringApply as dataReadsDuringApply, readsDuringPlan, shownChangeValue, shownStateValue } from "../data-reads";
import type { PlanLevelFinding, PlanRule } from "../rule";
import { changeFinding } from "../rule";
import type { PlanJson, PlanResourceChange } from "../types";
import { getPath, isObject } from "../values";

/**
 * `aws_lambda_invocation` is a resource whose create calls a Lambda function during apply, like the
 * `aws_lambda_invoke` action or a local-exec provisioner: the function can delete anything its role may, and the
 * plan shows only the input, never what the code does. A change of its input or triggers invokes it again (in
 * place, or through a replace). With `lifecycle_scope = "CRUD"` it is invoked on destroy too; with the default
 * CREATE_ONLY a destroy only drops it from state.
 *
 * The data source and the ephemeral resource of the same name invoke the function too, whenever Terraform reads or
 * opens them (checked with Terraform 1.11.4 and AWS provider 5.100):
 * - `data "aws_lambda_invocation"` is read during `terraform plan` when its input is known then: that call is made
 *   before the gate runs, and the plan JSON shows it only in `prior_state` (mode "data", its input and result) and
 *   `configuration`. When its input is known only after apply, it is read during apply: `resource_changes` lists it
 *   with mode "data" and the action `read` (`read_because_config_unknown`, `read_because_dependency_pending`).
 * - `ephemeral "aws_lambda_invocation"` is opened in every run: during plan when its input is known, during apply
 *   in any case. `terraform show -json` never writes the block itself (not in `resource_changes`, `planned_values`
 *   or `configuration`); what references it leaves `ephemeral.aws_lambda_invocation.NAME` in a configuration
 *   expression's `references` (module-relative) and in `relevant_attributes` (full address, through locals too).
 *   One nothing references leaves no trace at all, and is still invoked at apply. One used through a local in a
 *   provider configuration or a provisioner shows only `local.NAME`: that counts as possibly opening one
 *   (ephemeralMaybeOpened).
 */

const TYPES: ReadonlySet<string> = new Set(["aws_lambda_invocation"]);

export const lambdaInvoked: PlanRule = {
  meta: {
    id: "plan-lambda-invoked",
    title: "Plan invokes a Lambda function during apply",
    why:
      "An aws_lambda_invocation runs a Lambda function's code while terraform apply runs, with that function's role: a cleanup function can drop a database or empty a bucket, " +
      "and no resource change in the plan shows it. It is as much a command as a local-exec provisioner or an aws_lambda_invoke action. " +
      "The data source aws_lambda_invocation invokes the function whenever Terraform reads it (during apply when its input is known only then), and the " +
      "ephemeral resource whenever Terraform opens it (in every plan and apply). A call made while terraform plan runs happens before the gate, which cannot stop it.",
    fix:
      "Run the function outside the deploy (or not at all) if it is not meant to run now. If it is, read the function and input in the finding and have a human approve this exact plan " +
      "(`blastwall approve`); a changed input or trigger invokes it again and needs approval again. Never read a function that changes data through the data source or an " +
      "ephemeral resource (they run on every plan), and keep such functions out of reach of the role that runs terraform plan (no lambda:InvokeFunction on them).",
    severity: "error",
    category: "plan",
  },
  checkPlan(ctx) {
    return [...readsDuringApply(ctx.plan), ...ephemeralOpens(ctx.plan), ...maybeOpenedFindings(ctx.plan, TYPES, "invokes a Lambda function with the function's own role"), ...readDuringPlan(ctx.plan)];
  },
  check(rc) {
    if (rc.type !== "aws_lambda_invocation") return [];
    const a = rc.change.actions;
    const creates = a.includes("create");
    const updates = a.includes("update");
    const deletes = a.includes("delete");
    const crudOnDestroy = deletes && isCrud(rc);
    if (!creates && !updates && !crudOnDestroy) return [];
    const what = creates && deletes ? "replaces" : creates ? "creates" : updates ? "updates" : "destroys";
    const when = creates ? "when it is created" : updates ? "when its input or triggers change" : 'on destroy (lifecycle_scope = "CRUD")';
    const fn = `${shownChangeValue(rc, ["function_name"])}${qualifier(rc)}`;
    const input = shownChangeValue(rc, ["input"], false);
    const evidence: Evidence[] = [
      { step: "invocation", address: rc.address, detail: `invokes the Lambda function ${fn} ${when}, with the function's own role` },
      { step: "input", address: rc.address, detail: input },
    ];
    if (crudOnDestroy) evidence.push({ step: "lifecycle-scope", address: rc.address, detail: 'lifecycle_scope = "CRUD": the function is invoked on every create, update and destroy' });
    if (rc.action_reason) evidence.push({ step: "reason", address: rc.address, detail: `action_reason ${rc.action_reason}` });
    return [
      changeFinding(
        rc,
        `The plan ${what} ${rc.address}${rc.deposed ? ` (deposed object ${rc.deposed})` : ""}, which invokes the Lambda function ${fn} during apply with input ${input}; what the code does is not in the plan.`,
        evidence,
      ),
    ];
  },
};

/** Invoked on destroy only under the CRUD scope; the scope comes from the state (`before`), which destroy uses. */
function isCrud(rc: PlanResourceChange): boolean {
  const scope = getPath(rc.change.before, ["lifecycle_scope"]);
  return typeof scope === "string" && scope.toUpperCase() === "CRUD";
}

function qualifier(rc: PlanResourceChange): string {
  const q = rc.change.after ?? rc.change.before;
  const v = getPath(q, ["qualifier"]);
  return typeof v === "string" && v !== "" && v !== "$LATEST" ? ` (qualifier ${shownChangeValue(rc, ["qualifier"])})` : "";
}

/** A data source read during apply: the function is invoked then, as an aws_lambda_invocation's create invokes it. */
function readsDuringApply(plan: PlanJson): PlanLevelFinding[] {
  return dataReadsDuringApply(plan, TYPES)
    .map((rc) => {
      const fn = `${shownChangeValue(rc, ["function_name"])}${qualifier(rc)}`;
      const input = shownChangeValue(rc, ["input"], false);
      const why = readReason(rc);
      const evidence: Evidence[] = [
        { step: "change", address: rc.address, detail: `actions ${rc.change.actions.join(", ")}: the data source is read during apply${why}` },
        { step: "invocation", address: rc.address, detail: `reading it invokes the Lambda function ${fn}, with the function's own role` },
        { step: "input", address: rc.address, detail: input },
      ];
      const draft: FindingDraft = {
        principal: rc.address,
        resource: rc.address,
        actions: [...rc.change.actions],
        evidence,
        message: `The plan reads ${rc.address} during apply${why}, which invokes the Lambda function ${fn} with input ${input}; what the code does is not in the plan.`,
      };
      return { draft, change: { address: rc.address, actions: [...rc.change.actions] } };
    });
}

/**
 * Ephemeral aws_lambda_invocation resources the plan JSON shows a trace of: a reference in the configuration (in any
 * module, provider configuration or output), or an entry of `relevant_attributes`. Each is opened, and the function
 * invoked, during apply; an approval lists it as `ephemeral.aws_lambda_invocation.NAME` with the action `open`.
 */
function ephemeralOpens(plan: PlanJson): PlanLevelFinding[] {
  const found = ephemeralTraces(plan, TYPES);
  return [...found.entries()].map(([address, where]) => {
    const list = [...where];
    const draft: FindingDraft = {
      principal: address,
      resource: address,
      actions: ["open"],
      evidence: [
        { step: "ephemeral", address, detail: `ephemeral "aws_lambda_invocation": Terraform invokes the Lambda function, with the function's own role, whenever it opens it: during this apply, and during terraform plan when its input was known then (a call made before the gate)` },
        { step: "seen", address, detail: `the plan JSON shows only that it is used, in ${list.join("; ")}: not the function or the input` },
      ],
      message:
        `The plan's configuration uses ${address}, an ephemeral resource that invokes a Lambda function whenever Terraform opens it: during this apply, ` +
        `and during terraform plan too when its input was known then; the function, its input and what the code does are not in the plan JSON.`,
    };
    return { draft, change: { address, actions: ["open"] } };
  });
}

/**
 * A data source read during `terraform plan`: in `prior_state` (or, without it, in the configuration and nowhere in
 * `resource_changes`). The function already ran, before the gate, with the credentials that ran the plan: a warning,
 * which no approval covers and which does not block, since blocking now undoes nothing.
 */
function readDuringPlan(plan: PlanJson): PlanLevelFinding[] {
  const { inState, configured } = readsDuringPlan(plan, TYPES);
  const warn = (address: string, fn: string, input: string, source: string): PlanLevelFinding =>
    readDuringPlanWarning(
      address,
      source,
      { step: "input", address, detail: input },
      "the call was made",
      `${address} was read while terraform plan ran, which invoked the Lambda function ${fn} with input ${input} before the gate could judge it; the gate cannot undo that call.`,
      "Take the data source out of the configuration (an aws_lambda_invocation resource runs only at apply, and the gate blocks it until approved), and deny lambda:InvokeFunction " +
        "on functions that change data to the role that runs terraform plan.",
    );
  return [
    ...inState.map((r) => {
      const q = isObject(r.values) && typeof r.values.qualifier === "string" && r.values.qualifier !== "$LATEST" ? ` (qualifier ${shownStateValue(r, "qualifier")})` : "";
      return warn(r.address, `${shownStateValue(r, "function_name")}${q}`, shownStateValue(r, "input", false), READ_IN_STATE);
    }),
    ...configured.map(({ address: a }) => warn(a, "it names", "(not in the plan)", READ_CONFIGURED)),
  ];
}
