import type { Evidence } from "../../engine/findings";
import type { PlanRule } from "../rule";
import { changeFinding } from "../rule";
import type { PlanResourceChange } from "../types";
import { afterValue, getPath, isSensitive, type Path } from "../values";

/**
 * `aws_lambda_invocation` is a resource whose create calls a Lambda function during apply, like the
 * `aws_lambda_invoke` action or a local-exec provisioner: the function can delete anything its role may, and the
 * plan shows only the input, never what the code does. A change of its input or triggers invokes it again (in
 * place, or through a replace). With `lifecycle_scope = "CRUD"` it is invoked on destroy too; with the default
 * CREATE_ONLY a destroy only drops it from state.
 */

const SHOW_MAX = 160;

export const lambdaInvoked: PlanRule = {
  meta: {
    id: "plan-lambda-invoked",
    title: "Plan invokes a Lambda function during apply",
    why:
      "An aws_lambda_invocation runs a Lambda function's code while terraform apply runs, with that function's role: a cleanup function can drop a database or empty a bucket, " +
      "and no resource change in the plan shows it. It is as much a command as a local-exec provisioner or an aws_lambda_invoke action.",
    fix:
      "Run the function outside the deploy (or not at all) if it is not meant to run now. If it is, read the function and input in the finding and have a human approve this exact plan " +
      "(`blastwall approve`); a changed input or trigger invokes it again and needs approval again.",
    severity: "error",
    category: "plan",
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
    const fn = `${value(rc, ["function_name"])}${qualifier(rc)}`;
    const input = value(rc, ["input"], false);
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
  return typeof v === "string" && v !== "" && v !== "$LATEST" ? ` (qualifier ${value(rc, ["qualifier"])})` : "";
}

/** A value for the message: planned (or, on destroy, prior), sensitive and unknown values never printed. */
function value(rc: PlanResourceChange, path: Path, quote = true): string {
  if (isSensitive(rc.change, path)) return "(sensitive)";
  const planned = rc.change.after !== null && rc.change.after !== undefined;
  const v = planned ? afterValue(rc.change, path) : { state: "known" as const, value: getPath(rc.change.before, path) };
  if (v.state === "unknown") return "(known after apply)";
  if (v.value === null || v.value === undefined) return "(not set)";
  const s = (typeof v.value === "string" ? v.value : JSON.stringify(v.value)).replace(/\s+/g, " ");
  const short = s.length > SHOW_MAX ? `${s.slice(0, SHOW_MAX - 1)}…` : s;
  return quote ? JSON.stringify(short) : short;
}
