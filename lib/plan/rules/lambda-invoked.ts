import type { Evidence, FindingDraft } from "../../engine/findings";
import { withoutInstanceKeys } from "../../engine/agents";
import type { PlanLevelFinding, PlanRule } from "../rule";
import { changeFinding } from "../rule";
import type { PlanJson, PlanModule, PlanModuleResource, PlanResourceChange } from "../types";
import { afterValue, getPath, isObject, isSensitive, markedAt, type Path } from "../values";

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
 *   One nothing references leaves no trace at all, and is still invoked at apply.
 */

const SHOW_MAX = 160;

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
    return [...readsDuringApply(ctx.plan), ...ephemeralOpens(ctx.plan), ...readDuringPlan(ctx.plan)];
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

const EPHEMERAL = /^((?:module\.[^.]+(?:\[[^\]]*\])?\.)*)ephemeral\.aws_lambda_invocation\.([A-Za-z0-9_-]+)/;

/** Why Terraform reads a data source during apply rather than during plan. */
const READ_REASONS: Readonly<Record<string, string>> = {
  read_because_config_unknown: "its configuration is known only after apply",
  read_because_dependency_pending: "a resource it depends on changes in this apply",
  read_because_check_nested: "a check block reads it",
};

/** A data source read during apply: the function is invoked then, as an aws_lambda_invocation's create invokes it. */
function readsDuringApply(plan: PlanJson): PlanLevelFinding[] {
  return plan.resource_changes
    .filter((rc) => rc.mode === "data" && rc.type === "aws_lambda_invocation" && rc.change.actions.includes("read"))
    .map((rc) => {
      const fn = `${value(rc, ["function_name"])}${qualifier(rc)}`;
      const input = value(rc, ["input"], false);
      const why = rc.action_reason ? ` (${rc.action_reason}${READ_REASONS[rc.action_reason] ? `: ${READ_REASONS[rc.action_reason]}` : ""})` : "";
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
  const found = new Map<string, Set<string>>();
  const note = (address: string, where: string) => {
    const key = withoutInstanceKeys(address);
    if (!found.has(key)) found.set(key, new Set());
    found.get(key)!.add(where);
  };
  const seen = (ref: unknown, prefix: string, where: string) => {
    const m = typeof ref === "string" ? EPHEMERAL.exec(ref) : null;
    if (m) note(`${prefix}${m[1]}ephemeral.aws_lambda_invocation.${m[2]}`, where);
  };
  for (const r of Array.isArray(getPath(plan, ["relevant_attributes"])) ? (getPath(plan, ["relevant_attributes"]) as unknown[]) : []) {
    if (isObject(r)) seen(r.resource, "", "relevant_attributes");
  }
  const config = getPath(plan, ["configuration"]);
  if (isObject(config)) {
    if (isObject(config.provider_config)) {
      for (const [key, p] of Object.entries(config.provider_config)) {
        const prefix = isObject(p) && typeof p.module_address === "string" && p.module_address !== "" ? `${p.module_address}.` : "";
        walkReferences(p, (ref) => seen(ref, prefix, `the provider configuration ${key}`));
      }
    }
    walkModule(config.root_module, "", (ref, prefix, where) => seen(ref, prefix, where), (address) => note(address, "configuration (an ephemeral block)"));
  }
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

/** Every configuration module: resources' expressions, module call arguments, outputs, child modules (with their path). */
function walkModule(m: unknown, prefix: string, seen: (ref: unknown, prefix: string, where: string) => void, block: (address: string) => void): void {
  if (!isObject(m)) return;
  for (const r of Array.isArray(m.resources) ? m.resources : []) {
    if (!isObject(r)) continue;
    const address = `${prefix}${typeof r.address === "string" ? r.address : "(a resource)"}`;
    // A future format may write the block itself.
    if (r.mode === "ephemeral" && r.type === "aws_lambda_invocation" && typeof r.name === "string") block(`${prefix}ephemeral.aws_lambda_invocation.${r.name}`);
    for (const [field, x] of Object.entries(r)) {
      const parts = field === "expressions" && isObject(x) ? Object.entries(x) : [[field, x] as const];
      for (const [name, e] of parts) walkReferences(e, (ref) => seen(ref, prefix, `${address} (${name})`));
    }
  }
  if (isObject(m.outputs)) for (const [name, o] of Object.entries(m.outputs)) walkReferences(o, (ref) => seen(ref, prefix, `${prefix}output.${name}`));
  if (isObject(m.module_calls)) {
    for (const [name, call] of Object.entries(m.module_calls)) {
      if (!isObject(call)) continue;
      const { module: child, ...args } = call;
      walkReferences(args, (ref) => seen(ref, prefix, `the arguments of ${prefix}module.${name}`));
      walkModule(child, `${prefix}module.${name}.`, seen, block);
    }
  }
}

/** Calls `at` for each string of a `references` or `depends_on` list anywhere in `v`. */
function walkReferences(v: unknown, at: (ref: string) => void): void {
  if (Array.isArray(v)) v.forEach((x) => walkReferences(x, at));
  else if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if ((k === "references" || k === "depends_on") && Array.isArray(x)) x.forEach((r) => typeof r === "string" && at(r));
      else walkReferences(x, at);
    }
  }
}

/**
 * A data source read during `terraform plan`: in `prior_state` (or, without it, in the configuration and nowhere in
 * `resource_changes`). The function already ran, before the gate, with the credentials that ran the plan: a warning,
 * which no approval covers and which does not block, since blocking now undoes nothing.
 */
function readDuringPlan(plan: PlanJson): PlanLevelFinding[] {
  const planned = new Set(plan.resource_changes.filter((rc) => rc.mode === "data").map((rc) => withoutInstanceKeys(rc.address)));
  const read = new Map<string, PlanModuleResource>();
  for (const r of moduleResources(plan.prior_state?.values?.root_module)) {
    if (r.mode === "data" && r.type === "aws_lambda_invocation" && !planned.has(withoutInstanceKeys(r.address))) read.set(r.address, r);
  }
  const inState = new Set([...read.keys()].map(withoutInstanceKeys));
  const configured: string[] = [];
  const walk = (m: unknown, prefix: string) => {
    if (!isObject(m)) return;
    for (const r of Array.isArray(m.resources) ? m.resources : []) {
      if (!isObject(r) || r.mode !== "data" || r.type !== "aws_lambda_invocation" || typeof r.address !== "string") continue;
      const address = `${prefix}${r.address}`;
      if (!planned.has(address) && !inState.has(address)) configured.push(address);
    }
    if (isObject(m.module_calls)) for (const [name, call] of Object.entries(m.module_calls)) if (isObject(call)) walk(call.module, `${prefix}module.${name}.`);
  };
  walk(getPath(plan, ["configuration", "root_module"]), "");
  const warn = (address: string, fn: string, input: string, source: string): PlanLevelFinding => ({
    draft: {
      principal: address,
      resource: address,
      actions: ["read"],
      severity: "warning",
      evidence: [
        { step: "read-during-plan", address, detail: source },
        { step: "input", address, detail: input },
        { step: "limit", address, detail: "the call was made while terraform plan ran, before the gate: no approval can stop it, and this plan does not list it as a change" },
      ],
      message:
        `${address} was read while terraform plan ran, which invoked the Lambda function ${fn} with input ${input} before the gate could judge it; the gate cannot undo that call.`,
      fix:
        "Take the data source out of the configuration (an aws_lambda_invocation resource runs only at apply, and the gate blocks it until approved), and deny lambda:InvokeFunction " +
        "on functions that change data to the role that runs terraform plan.",
    },
  });
  return [
    ...[...read.values()].map((r) => {
      const q = isObject(r.values) && typeof r.values.qualifier === "string" && r.values.qualifier !== "$LATEST" ? ` (qualifier ${shownValue(r, "qualifier")})` : "";
      return warn(r.address, `${shownValue(r, "function_name")}${q}`, shownValue(r, "input", false), "prior_state holds its result: terraform plan read it");
    }),
    ...configured.map((a) => warn(a, "it names", "(not in the plan)", "the configuration holds it and resource_changes does not: terraform plan read it (unless its count or for_each made none)")),
  ];
}

function moduleResources(m: PlanModule | undefined): PlanModuleResource[] {
  if (!m) return [];
  return [...(m.resources ?? []), ...(m.child_modules ?? []).flatMap(moduleResources)];
}

/** A state value for the message, sensitive values never printed. */
function shownValue(r: PlanModuleResource, key: string, quote = true): string {
  if (r.sensitive_values === true || markedAt(r.sensitive_values, [key])) return "(sensitive)";
  const v = isObject(r.values) ? r.values[key] : undefined;
  if (v === null || v === undefined) return "(not set)";
  const s = (typeof v === "string" ? v : JSON.stringify(v)).replace(/\s+/g, " ");
  const short = s.length > SHOW_MAX ? `${s.slice(0, SHOW_MAX - 1)}…` : s;
  return quote ? JSON.stringify(short) : short;
}
