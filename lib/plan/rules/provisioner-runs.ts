import type { Evidence } from "../../engine/findings";
import { isObject } from "../../engine/json";
import type { PlanRule } from "../rule";
import { changeFinding } from "../rule";
import { configOf, hasConfiguration } from "../config-expressions";

/**
 * A change that runs a provisioner. `local-exec` runs a command on the machine that runs `terraform apply`, with the
 * deploy role's credentials; `remote-exec` runs commands on a host. Neither shows up as a resource change.
 *
 * Terraform's plan JSON lists a resource's provisioners under `configuration` (type and expressions) but does not
 * write `when` (checked with Terraform 1.11): a destroy-time provisioner looks like a create-time one. So a
 * provisioner without `when` counts for both creation and destruction; an explicit `when` ("create"/"destroy") is
 * honoured. Only `file` (copies a file to the host, runs nothing) is not counted: any other type is, so an
 * unfamiliar one fails closed.
 */

/** Resource types that exist to run provisioners; without a configuration section the gate cannot clear them. */
const PROVISIONER_CARRIERS = new Set(["terraform_data", "null_resource"]);
/** Provisioner types that run nothing. */
const RUNS_NOTHING = new Set(["file"]);
const SHOW_MAX = 160;

interface Provisioner {
  readonly type: string;
  readonly when?: string;
  readonly expressions?: unknown;
}


export const provisionerRuns: PlanRule = {
  meta: {
    id: "plan-provisioner-runs",
    title: "Plan runs a provisioner command",
    why:
      "A local-exec provisioner runs any command on the machine that runs terraform apply, with the deploy role's credentials " +
      "(`aws rds delete-db-instance --skip-final-snapshot` passes every resource check), and remote-exec runs commands on a host. " +
      "The command is not a resource change, so nothing else in the plan shows what it does.",
    fix:
      "Do the work with a resource instead of a provisioner. If the command is intended, read it in the finding and have a human approve this exact plan " +
      "(`blastwall approve`). A terraform_data or null_resource with triggers_replace is replaced, and its provisioners run, on every plan that changes the trigger.",
    severity: "error",
    category: "plan",
  },
  check(rc, ctx) {
    const creates = rc.change.actions.includes("create");
    const deletes = rc.change.actions.includes("delete");
    if (!creates && !deletes) return [];
    const what = creates && deletes ? "replaces" : creates ? "creates" : "destroys";
    if (!hasConfiguration(ctx.plan)) {
      if (!PROVISIONER_CARRIERS.has(rc.type)) return [];
      return [
        changeFinding(
          rc,
          `The plan ${what} ${rc.address} (a ${rc.type}) but has no configuration section, so blastwall cannot see whether provisioners run with the deploy credentials.`,
          [{ step: "provisioner", address: rc.address, detail: "the plan JSON has no configuration.root_module (terraform show -json always writes it): failing closed" }],
        ),
      ];
    }
    const resource = configOf(ctx.plan, rc.address);
    if (!resource) return [];
    const runs = resource.provisioners.map(provisioner).filter((p) => !RUNS_NOTHING.has(p.type) && runsOn(p, creates, deletes));
    if (runs.length === 0) return [];
    const evidence: Evidence[] = runs.map((p) => ({ step: "provisioner", address: resource.address, detail: `${p.type} (${phase(p)}): ${commandOf(p)}` }));
    if (rc.action_reason) evidence.push({ step: "reason", address: rc.address, detail: `action_reason ${rc.action_reason}` });
    const list = runs.map((p) => `${p.type} ${commandOf(p)}`).join("; ");
    return [
      changeFinding(
        rc,
        `The plan ${what} ${rc.address}${rc.deposed ? ` (deposed object ${rc.deposed})` : ""}, which runs ${runs.length === 1 ? "a provisioner" : `${runs.length} provisioners`} with the deploy credentials: ${list}.`,
        evidence,
      ),
    ];
  },
};

/** Create-time provisioners run when the object is created, destroy-time ones when it is destroyed; no `when`: both. */
function runsOn(p: Provisioner, creates: boolean, deletes: boolean): boolean {
  if (p.when === "create") return creates;
  if (p.when === "destroy") return deletes;
  return creates || deletes;
}

function phase(p: Provisioner): string {
  if (p.when === "create") return "create-time";
  if (p.when === "destroy") return "destroy-time";
  return "create-time or destroy-time: the plan JSON does not say which, so both count";
}

/** What the provisioner runs, from its expressions: constant text (truncated), or the references it is built from. */
function commandOf(p: Provisioner): string {
  const ex = isObject(p.expressions) ? p.expressions : {};
  const keys = p.type === "local-exec" ? ["command"] : p.type === "remote-exec" ? ["inline", "script", "scripts"] : Object.keys(ex);
  const parts: string[] = [];
  for (const k of keys) {
    if (!(k in ex)) continue;
    parts.push(`${k} ${expressionText(ex[k])}`);
  }
  if (p.type === "local-exec" && isObject(ex.interpreter) && "constant_value" in ex.interpreter) parts.push(`interpreter ${truncate(JSON.stringify(ex.interpreter.constant_value))}`);
  return parts.length > 0 ? parts.join(", ") : "(the plan does not show what it runs)";
}

function expressionText(e: unknown): string {
  if (isObject(e) && "constant_value" in e) return truncate(JSON.stringify(e.constant_value) ?? "null");
  if (isObject(e) && Array.isArray(e.references) && e.references.length > 0) {
    return `(computed at apply from ${e.references.filter((r): r is string => typeof r === "string").slice(0, 5).join(", ")})`;
  }
  return "(computed at apply; the plan does not show it)";
}

function truncate(s: string): string {
  const flat = s.replace(/\s+/g, " ");
  return flat.length > SHOW_MAX ? `${flat.slice(0, SHOW_MAX - 1)}…` : flat;
}

function provisioner(p: Readonly<Record<string, unknown>>): Provisioner {
  return { type: typeof p.type === "string" ? p.type : "(unnamed)", when: typeof p.when === "string" ? p.when : undefined, expressions: p.expressions };
}

