import type { Evidence, FindingDraft } from "../../engine/findings";
import { ephemeralTraces, maybeOpenedFindings, READ_CONFIGURED, READ_IN_STATE, readDuringPlanWarning, readReason, readsDuringApply, readsDuringPlan, shownChangeValue, shownExpression, shownStateValue } from "../data-reads";
import type { PlanLevelFinding, PlanRule } from "../rule";
import type { PlanJson, PlanModuleResource, PlanResourceChange } from "../types";

/**
 * Data sources that run a program on the machine that runs Terraform whenever Terraform reads them, with that
 * process's environment, so with the credentials of the plan or apply step:
 * - `data "external"` (hashicorp/external): runs `program` (the executable, then its arguments) and sends `query` on
 *   its standard input;
 * - `data "local_command"` (hashicorp/local 2.6+): runs `command` with `arguments` (and `stdin`);
 * - `ephemeral "local_command"` (hashicorp/local 2.7+): the same, whenever Terraform opens it, in plan and apply.
 *
 * Terraform reads a data source during `terraform plan` when its arguments are known then (the plan JSON shows it in
 * `prior_state`, or only in `configuration`), and during apply otherwise (`resource_changes`, mode "data", action
 * `read`): a read during apply is approved like a provisioner; a read during plan has already run, before the gate.
 *
 * Not counted: `data "http"` (a request; nothing runs on the machine), the other data sources of the hashicorp
 * providers (they call an API or read a file), and code that is no data source: the provider plugins `terraform
 * init` installs and a kubernetes or helm provider's `exec` block run during plan too. Only a plan step whose
 * credentials cannot change anything makes those harmless (docs/plan-gate.md, GitHub Actions).
 */

/** Type → the arguments that say what runs. */
const PROGRAM_ARGUMENTS: Readonly<Record<string, readonly string[]>> = {
  external: ["program", "working_dir"],
  local_command: ["command", "arguments", "working_directory"],
};
/** Arguments that are lists, shown as JSON rather than as a quoted string. */
const LISTS: ReadonlySet<string> = new Set(["program", "arguments"]);
const DATA_TYPES: ReadonlySet<string> = new Set(["external", "local_command"]);
const EPHEMERAL_TYPES: ReadonlySet<string> = new Set(["local_command"]);

export const localProgramRuns: PlanRule = {
  meta: {
    id: "plan-local-program-runs",
    title: "Plan reads a data source that runs a program on the machine that runs Terraform",
    why:
      "A data \"external\" or data \"local_command\" runs its program whenever Terraform reads it, on the machine that runs Terraform and with that step's credentials: " +
      "`aws rds delete-db-instance --skip-final-snapshot` in a program passes every resource check, and the plan shows only the command line, never what the program does. " +
      "Terraform reads it during terraform plan when its arguments are known then, so the program has run before the gate; otherwise during apply, with the deploy credentials. " +
      "An ephemeral \"local_command\" runs whenever Terraform opens it, in plan and apply.",
    fix:
      "Run terraform plan with a role that can read and not change anything, and assume the deploy role only in the apply step after the gate, so a program run during plan cannot destroy. " +
      "Take such data sources out of the configuration if they are not meant to run, and review them as code. A read during apply blocks until a human approves this exact plan (`blastwall approve`).",
    severity: "error",
    category: "plan",
  },
  check() {
    return [];
  },
  checkPlan(ctx) {
    return [...readsAtApply(ctx.plan), ...ephemeralOpens(ctx.plan), ...maybeOpenedFindings(ctx.plan, EPHEMERAL_TYPES, "runs a program on the machine that runs Terraform, with its credentials"), ...readsAtPlan(ctx.plan)];
  },
};

function programOf(type: string, shown: (key: string, quote: boolean) => string): string {
  const keys = PROGRAM_ARGUMENTS[type] ?? [];
  const parts = keys.map((k) => [k, shown(k, !LISTS.has(k))] as const).filter(([k, v], i) => i === 0 || v !== "(not set)");
  return parts.map(([k, v]) => `${k} ${v}`).join(", ");
}

/** A read during apply: the program runs then, with the deploy credentials; approved as that read. */
function readsAtApply(plan: PlanJson): PlanLevelFinding[] {
  return readsDuringApply(plan, DATA_TYPES).map((rc: PlanResourceChange) => {
    const program = programOf(rc.type, (k, q) => shownChangeValue(rc, [k], q));
    const why = readReason(rc);
    const evidence: Evidence[] = [
      { step: "change", address: rc.address, detail: `actions ${rc.change.actions.join(", ")}: the data source is read during apply${why}` },
      { step: "program", address: rc.address, detail: `reading it runs, on the machine that runs terraform apply and with its credentials: ${program}` },
    ];
    const draft: FindingDraft = {
      principal: rc.address,
      resource: rc.address,
      actions: [...rc.change.actions],
      evidence,
      message: `The plan reads ${rc.address} during apply${why}, which runs a program with the deploy credentials (${program}); what the program does is not in the plan.`,
    };
    return { draft, change: { address: rc.address, actions: [...rc.change.actions] } };
  });
}

/** An ephemeral local_command the plan JSON shows a trace of: opened, and its program run, during apply. */
function ephemeralOpens(plan: PlanJson): PlanLevelFinding[] {
  return [...ephemeralTraces(plan, EPHEMERAL_TYPES).entries()].map(([address, where]) => {
    const draft: FindingDraft = {
      principal: address,
      resource: address,
      actions: ["open"],
      evidence: [
        { step: "ephemeral", address, detail: "ephemeral \"local_command\": Terraform runs its command whenever it opens it: during this apply, and during terraform plan when its arguments were known then (before the gate)" },
        { step: "seen", address, detail: `the plan JSON shows only that it is used, in ${[...where].join("; ")}: not the command` },
      ],
      message:
        `The plan's configuration uses ${address}, an ephemeral resource that runs a program on the machine that runs Terraform whenever Terraform opens it: during this apply, ` +
        `with the deploy credentials, and during terraform plan too when its arguments were known then; the command is not in the plan JSON.`,
    };
    return { draft, change: { address, actions: ["open"] } };
  });
}

/**
 * A read during `terraform plan`: the program already ran, before the gate, with the credentials of the plan step.
 * A warning no approval covers: blocking the apply now would not undo it.
 */
function readsAtPlan(plan: PlanJson): PlanLevelFinding[] {
  const { inState, configured } = readsDuringPlan(plan, DATA_TYPES);
  const warn = (address: string, program: string, source: string): PlanLevelFinding =>
    readDuringPlanWarning(
      address,
      source,
      { step: "program", address, detail: program },
      "the program ran",
      `${address} was read while terraform plan ran, which ran a program on the machine that ran the plan, with the plan step's credentials, before the gate could judge it (${program}); ` +
        "the gate cannot undo what it did.",
      "Run terraform plan with a role that cannot change anything (read-only), so a program run during plan cannot destroy, and assume the deploy role only in the apply step after the gate. " +
        "Take the data source out of the configuration if it is not meant to run, and review its program as code.",
    );
  return [
    ...inState.map((r: PlanModuleResource) => warn(r.address, programOf(r.type, (k, q) => shownStateValue(r, k, q)), READ_IN_STATE)),
    ...configured.map(({ address, block }) =>
      warn(
        address,
        programOf(String(block.type), (k, q) => shownExpression(block, k, q)),
        READ_CONFIGURED,
      ),
    ),
  ];
}
