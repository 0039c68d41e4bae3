import type { Evidence } from "../../engine/findings";
import { loadCatalogue } from "../../engine/catalogue";
import type { PlanRule } from "../rule";
import { changeFinding } from "../rule";
import type { PlanResourceChange } from "../types";
import { afterValue, isObject, isSensitive, type Path } from "../values";

/**
 * Resources whose create makes AWS itself run commands or API calls soon after apply, with rights the plan does not
 * show being used: an SSM association runs its document on the instances it targets as soon as it is created; an
 * EventBridge Scheduler schedule with a universal target (`arn:aws:scheduler:::aws-sdk:rds:deleteDBInstance`) calls
 * that API with its role; an EventBridge rule target can run commands on instances or an Automation runbook. No
 * resource change shows what they do to data: a schedule that deletes the production database is a create of a
 * harmless-looking resource. Judged like provisioners and `aws_lambda_invocation`.
 */

/** AWS-owned documents that keep instances running as they are: inventory, the agents, patch baselines. */
const ROUTINE_DOCUMENTS: ReadonlySet<string> = new Set([
  "aws-gathersoftwareinventory",
  "aws-updatessmagent",
  "aws-configureawspackage",
  "amazoncloudwatch-manageagent",
  "aws-runpatchbaseline",
  "aws-refreshassociation",
]);

/** SDK service names of universal targets whose IAM prefix differs. */
const SDK_TO_IAM: Readonly<Record<string, string>> = {
  efs: "elasticfilesystem",
  sfn: "states",
  cloudwatchlogs: "logs",
  opensearch: "es",
  elasticloadbalancingv2: "elasticloadbalancing",
  sesv2: "ses",
};

const UNIVERSAL = /^arn:[^:]*:scheduler:::aws-sdk:([^:]+):([A-Za-z0-9]+)$/;

const SHOW_MAX = 160;

export const commandScheduled: PlanRule = {
  meta: {
    id: "plan-command-scheduled",
    title: "Plan makes AWS run commands or destructive API calls for it",
    why:
      "An SSM association runs its document (a shell script, a runbook) on its instances as soon as it is created; an EventBridge Scheduler " +
      "schedule can call any AWS API with its role (`aws-sdk:rds:deleteDBInstance`); an EventBridge rule target can run commands on instances or an " +
      "Automation runbook. Creating one is not a delete of anything, yet minutes after apply it can turn protection off and delete a database " +
      "with no final snapshot, and no resource change in the plan shows it.",
    fix:
      "Read the document, target and input in the finding. If it is intended, have a human approve this exact plan (`blastwall approve`); " +
      "a changed document, target or input needs approval again. Routine AWS documents (inventory, agent updates, patch baselines) and " +
      "schedules calling APIs that destroy nothing pass.",
    severity: "error",
    category: "plan",
  },
  check(rc) {
    const a = rc.change.actions;
    if (!a.includes("create") && !a.includes("update")) return [];
    const hit = rc.type === "aws_ssm_association" ? association(rc) : rc.type === "aws_scheduler_schedule" ? schedule(rc) : rc.type === "aws_cloudwatch_event_target" ? eventTarget(rc) : undefined;
    if (!hit) return [];
    const what = a.includes("create") && a.includes("delete") ? "replaces" : a.includes("create") ? "creates" : "updates";
    return [changeFinding(rc, `The plan ${what} ${rc.address}, which ${hit.runs}; what that does to data is not in the plan.`, hit.evidence)];
  },
};

interface Hit {
  readonly runs: string;
  readonly evidence: Evidence[];
}

function association(rc: PlanResourceChange): Hit | undefined {
  const name = afterValue(rc.change, ["name"]);
  if (name.state === "known" && typeof name.value === "string" && ROUTINE_DOCUMENTS.has(name.value.toLowerCase())) return undefined;
  const doc = shown(rc, ["name"]);
  return {
    runs: `runs the SSM document ${doc} on ${targets(rc)} as soon as it is created (and on its schedule), with the instances' own roles`,
    evidence: [
      { step: "document", address: rc.address, detail: `document ${doc}, parameters ${shown(rc, ["parameters"])}` },
      { step: "targets", address: rc.address, detail: targets(rc) },
    ],
  };
}

function targets(rc: PlanResourceChange): string {
  const t = afterValue(rc.change, ["targets"]);
  if (t.state === "unknown") return "instances known after apply";
  if (Array.isArray(t.value) && t.value.length > 0) return `the instances matching ${shown(rc, ["targets"], false)}`;
  const id = afterValue(rc.change, ["instance_id"]);
  return id.state === "known" && typeof id.value === "string" ? `the instance ${id.value}` : "the instances it targets";
}

function schedule(rc: PlanResourceChange): Hit | undefined {
  const arn = afterValue(rc.change, ["target", 0, "arn"]);
  const input = shown(rc, ["target", 0, "input"]);
  const role = shown(rc, ["target", 0, "role_arn"]);
  if (arn.state === "known" && typeof arn.value === "string") {
    const m = UNIVERSAL.exec(arn.value);
    if (!m) return undefined; // a Lambda, a queue, a state machine...: what it runs is that resource's own code
    const action = `${SDK_TO_IAM[m[1].toLowerCase()] ?? m[1]}:${m[2].charAt(0).toUpperCase()}${m[2].slice(1)}`;
    const cat = loadCatalogue();
    if (!cat.isDestroy(action)) return undefined;
    const entry = cat.entryOf(action);
    return {
      runs: `calls ${cat.canonical(action) ?? action} with the role ${role} on its schedule (${entry?.why ?? "a destroy right of the catalogue"})`,
      evidence: [{ step: "target", address: rc.address, detail: `${arn.value} with role ${role}, input ${input}` }],
    };
  }
  return {
    runs: `calls a target known only after apply with the role ${role} on its schedule`,
    evidence: [{ step: "target", address: rc.address, detail: `target ${shown(rc, ["target", 0, "arn"])} with role ${role}, input ${input}` }],
  };
}

function eventTarget(rc: PlanResourceChange): Hit | undefined {
  const commands = afterValue(rc.change, ["run_command_targets"]);
  const arn = afterValue(rc.change, ["arn"]);
  const runsCommands = commands.state === "unknown" || (Array.isArray(commands.value) && commands.value.length > 0);
  const runbook = arn.state === "unknown" || (typeof arn.value === "string" && /:ssm:[^:]*:[^:]*:(automation-definition|document)\//.test(arn.value));
  if (!runsCommands && !runbook) return undefined;
  const target = shown(rc, ["arn"]);
  return {
    runs: runsCommands ? `runs ${target} on instances (${shown(rc, ["run_command_targets"], false)}) whenever its rule fires` : `starts ${target} whenever its rule fires`,
    evidence: [{ step: "target", address: rc.address, detail: `${target} with role ${shown(rc, ["role_arn"])}, input ${shown(rc, ["input"])}` }],
  };
}

/** A planned value for the message; sensitive and unknown values are never printed. */
function shown(rc: PlanResourceChange, path: Path, quote = true): string {
  if (isSensitive(rc.change, path)) return "(sensitive)";
  const v = afterValue(rc.change, path);
  if (v.state === "unknown") return "(known after apply)";
  if (v.value === null || v.value === undefined || (isObject(v.value) && Object.keys(v.value).length === 0)) return "(not set)";
  const s = (typeof v.value === "string" ? v.value : JSON.stringify(v.value)).replace(/\s+/g, " ");
  const short = s.length > SHOW_MAX ? `${s.slice(0, SHOW_MAX - 1)}…` : s;
  return quote && typeof v.value === "string" ? JSON.stringify(short) : short;
}
