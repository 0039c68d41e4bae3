import type { Rule, RuleContext } from "../engine/rule";
import type { Evidence, FindingDraft } from "../engine/findings";
import type { Grant, PrincipalNode } from "../engine/analysis-types";
import type { Statement } from "../engine/iam/types";
import type { TfResource, TfStack } from "../engine/terraform/types";
import { globsIntersect } from "../engine/iam/glob";
import { ResourceIndex } from "../engine/reach/resource-index";
import { blocksWithDynamic } from "../engine/reach/dynamic-blocks";
import { refTarget } from "../engine/terraform/tokens";
import { listActions } from "../report/summarize";
import { agentCan, grantingBlock, principalEvidence, statementEvidence, where } from "./support";

/**
 * A root shell on an instance wipes every disk attached to it (`dd`, `mkfs`, `rm -rf`) without a single AWS delete
 * call: no Deny on ec2:DeleteVolume, no prevent_destroy and no deletion protection stands in the way. The volume-wipe
 * incident of the README is this. The reach rules see only the instance's role; the disks are judged here.
 */
export const rule: Rule = {
  meta: {
    id: "agent-instance-shell",
    title: "An AI agent can open a shell or run commands on an instance, and so wipe the volumes attached to it",
    why:
      "ssm:StartSession, ssm:SendCommand, ec2-instance-connect:SendSSHPublicKey and the State Manager and maintenance window writes run " +
      "commands as root on an instance, where `dd`, `mkfs` or `rm -rf` destroy every attached volume without any AWS delete call, so " +
      "denying ec2:DeleteVolume, prevent_destroy and deletion protection do not stop it. An instance with a data volume (an " +
      "aws_volume_attachment, a non-root ebs_block_device, an instance store) is an error; one with only its root volume a warning " +
      "(an error under --strict). A right on `*` or on instances outside the stack is an error when the stack has data volumes. " +
      "A principal the agent can come to act as that holds such a shell on data volumes is reported by agent-transitive-destroy.",
    fix:
      "Scope the shell and command rights to instances that hold no data (their ARNs, or a condition on ssm:resourceTag/...), give " +
      "Session Manager a session document that runs only the commands the agent needs (ssm:StartSession on that document with " +
      "ssm:SessionDocumentAccessCheck), keep the agent off the data instances, and keep snapshots or AWS Backup copies of the " +
      "volumes in another account.",
    severity: "error",
    category: "agent-rights",
  },
  check(ctx) {
    const out: FindingDraft[] = [];
    for (const agent of ctx.analysis.agents) out.push(...shellFindings(ctx, agent));
    return out;
  },
};

/** Shells and commands on the instances an ARN names (instances and hybrid managed instances). */
const ON_INSTANCES = ["ssm:StartSession", "ssm:SendCommand", "ec2-instance-connect:SendSSHPublicKey", "ec2-instance-connect:SendSerialConsoleSSHPublicKey"];

/**
 * Commands on instances a document, association or maintenance window picks by its targets (tags, resource groups,
 * `*`): on a resource that is no instance ARN they may reach every instance of the account. (ssm:StartAutomationExecution
 * is left out: its aws:runCommand steps send commands as the caller or as a role it passes, whose SendCommand counts.)
 */
const BY_TARGETS = ["ssm:CreateAssociation", "ssm:CreateAssociationBatch", "ssm:UpdateAssociation", "ssm:RegisterTaskWithMaintenanceWindow", "ssm:UpdateMaintenanceWindowTask"];

/**
 * Targets of a maintenance window: whoever adds instances to a window that has a Run Command or Automation task
 * (red-team round 85) runs that task on them as root. A window blastwall cannot see may have such a task.
 */
const WINDOW_TARGETS = ["ssm:RegisterTargetWithMaintenanceWindow", "ssm:UpdateMaintenanceWindowTarget"];
const WINDOW_SHAPE = "arn:*:ssm:*:*:maintenancewindow/*";

const INSTANCE_SHAPES = ["arn:*:ec2:*:*:instance/*", "arn:*:ssm:*:*:managed-instance/*"];
const EC2_INSTANCE = "arn:*:ec2:*:*:instance/*";

/** Device names an AMI's root volume takes: a mapping on one of them is the root volume, not a data volume. */
const ROOT_DEVICES = new Set(["/dev/xvda", "/dev/sda1", "/dev/sda", "/dev/nvme0n1"]);

/** A disk of an instance: what it is, and where the stack says so. */
interface Disk {
  readonly address: string;
  readonly how: string;
}

interface Disks {
  /** Data volumes: attached volumes, non-root block devices, instance store. */
  readonly data: readonly Disk[];
}

interface ShellIndex {
  readonly instances: ResourceIndex;
  readonly windows: ResourceIndex;
  /** Windows of the stack with a Run Command or Automation task (or a task of a type blastwall cannot read). */
  readonly commandWindows: ReadonlySet<TfResource>;
  /** A command task whose window blastwall cannot resolve: it may be any window's. */
  readonly commandTaskAnywhere: boolean;
  readonly disks: ReadonlyMap<TfResource, Disks>;
  /** Every data volume of the stack, attached where blastwall can see or not: what an instance outside it may hold. */
  readonly stackData: readonly Disk[];
}

const indexes = new WeakMap<object, ShellIndex>();

function shellIndex(ctx: RuleContext): ShellIndex {
  let ix = indexes.get(ctx.analysis);
  if (ix) return ix;
  const stack = ctx.stack;
  const instances = stack.byType.get("aws_instance") ?? [];
  const attached = new Map<string, Disk[]>();
  // An attachment whose instance blastwall cannot resolve may be on any instance: fail closed.
  const anywhere: Disk[] = [];
  for (const a of stack.byType.get("aws_volume_attachment") ?? []) {
    if (a.mode !== "managed") continue;
    const vol = refTarget(a.values["volume_id"])?.address ?? `volume ${String(a.values["volume_id"] ?? "?")}`;
    const device = typeof a.values["device_name"] === "string" ? ` at ${a.values["device_name"]}` : "";
    const disk = { address: unindexed(vol), how: `${a.address}${device}` };
    const to = refTarget(a.values["instance_id"]);
    const on = to ? instances.filter((i) => unindexed(i.address) === unindexed(to.address)) : [];
    if (on.length > 0) for (const i of on) push(attached, i.address, disk);
    else anywhere.push({ address: disk.address, how: `${disk.how}, on an instance blastwall cannot resolve` });
  }
  const disks = new Map<TfResource, Disks>();
  const stackData: Disk[] = [];
  const seen = new Set<string>();
  const add = (d: Disk) => {
    if (!seen.has(d.address + d.how)) stackData.push(d);
    seen.add(d.address + d.how);
  };
  for (const i of instances) {
    const data = [...(attached.get(i.address) ?? []), ...(i.mode === "managed" ? ownDevices(stack, i) : []), ...anywhere];
    disks.set(i, { data });
    data.forEach(add);
  }
  anywhere.forEach(add);
  // Volumes the stack makes but does not attach, or attaches elsewhere: an instance outside it may hold them.
  // (A set of addresses: a stack of thousands of volumes must not compare each with every disk.)
  const known = new Set(stackData.map((d) => d.address));
  for (const v of stack.byType.get("aws_ebs_volume") ?? []) if (v.mode === "managed" && !known.has(unindexed(v.address))) add({ address: v.address, how: "made in this stack" });
  // Instances of an Auto Scaling group, a fleet or a node group are not in the stack: their templates say what disks they get.
  for (const t of [...(stack.byType.get("aws_launch_template") ?? []), ...(stack.byType.get("aws_launch_configuration") ?? [])]) {
    if (t.mode === "managed") templateDevices(t).forEach(add);
  }
  // A spot request's instance is not an aws_instance of the stack (its ARN is known only once it is fulfilled), but
  // the request says what disks it gets (red-team round 85).
  for (const r of stack.byType.get("aws_spot_instance_request") ?? []) if (r.mode === "managed") ownDevices(stack, r).forEach(add);
  // A spot fleet's launch specifications and an EMR cluster's (or instance group's) EBS configuration give the
  // instances they start data disks too (red-team round 86).
  for (const r of stack.byType.get("aws_spot_fleet_request") ?? []) {
    if (r.mode !== "managed") continue;
    const specs = blocksWithDynamic(r.values, "launch_specification");
    if (specs.unread) add({ address: r.address, how: "launch_specification blocks blastwall cannot read" });
    for (const spec of specs.blocks) ownDevices(stack, { ...r, values: spec }).forEach(add);
  }
  for (const r of [...(stack.byType.get("aws_emr_cluster") ?? []), ...(stack.byType.get("aws_emr_instance_group") ?? []), ...(stack.byType.get("aws_emr_instance_fleet") ?? [])]) {
    if (r.mode === "managed") emrDisks(r).forEach(add);
  }
  const commandWindows = new Set<TfResource>();
  let commandTaskAnywhere = false;
  for (const task of stack.byType.get("aws_ssm_maintenance_window_task") ?? []) {
    const type = task.values["task_type"];
    if (typeof type === "string" && !/^\$\{/.test(type) && type !== "RUN_COMMAND" && type !== "AUTOMATION") continue;
    const to = refTarget(task.values["window_id"]);
    const w = to ? stack.byAddress.get(to.address) : undefined;
    if (w && w.type === "aws_ssm_maintenance_window") commandWindows.add(w);
    else commandTaskAnywhere = true;
  }
  const windows = new ResourceIndex(stack, ["aws_ssm_maintenance_window"]);
  indexes.set(ctx.analysis, (ix = { instances: new ResourceIndex(stack, ["aws_instance"]), windows, commandWindows, commandTaskAnywhere, disks, stackData }));
  return ix;
}

/** The instance's own data disks: non-root EBS block devices, instance store, and its launch template's. */
function ownDevices(stack: TfStack, i: TfResource): Disk[] {
  const out: Disk[] = [];
  const ebs = blocksWithDynamic(i.values, "ebs_block_device");
  if (ebs.unread) out.push({ address: i.address, how: "ebs_block_device blocks blastwall cannot read" });
  for (const b of ebs.blocks) out.push({ address: i.address, how: `ebs_block_device ${deviceName(b)}` });
  const eph = blocksWithDynamic(i.values, "ephemeral_block_device");
  if (eph.unread) out.push({ address: i.address, how: "ephemeral_block_device blocks blastwall cannot read" });
  for (const b of eph.blocks) if (b["no_device"] !== true) out.push({ address: i.address, how: `instance store ${deviceName(b)}` });
  const lt = blocksWithDynamic(i.values, "launch_template");
  for (const b of lt.blocks) {
    const ref = refTarget(b["id"] ?? b["name"]);
    const t = ref ? stack.byAddress.get(ref.address) : undefined;
    if (t && t.type === "aws_launch_template" && t.mode === "managed") out.push(...templateDevices(t));
  }
  return out;
}

/** The EBS volumes an EMR cluster's instance groups or fleets, or an instance group of its own, give each instance. */
function emrDisks(r: TfResource): Disk[] {
  const out: Disk[] = [];
  const groups = r.type === "aws_emr_cluster" ? ["master_instance_group", "core_instance_group", "master_instance_fleet", "core_instance_fleet"] : [];
  const holders = groups.length === 0 ? [r.values] : groups.flatMap((g) => blocksWithDynamic(r.values, g).blocks);
  // Fleets name their EBS configuration per instance type.
  const configs = (h: Record<string, unknown>) => [h, ...blocksWithDynamic(h, "instance_type_configs").blocks];
  for (const h of holders) {
    for (const c of configs(h)) {
      const ebs = blocksWithDynamic(c, "ebs_config");
      if (ebs.unread) out.push({ address: r.address, how: "ebs_config blocks blastwall cannot read" });
      for (const b of ebs.blocks) out.push({ address: r.address, how: `ebs_config ${typeof b["size"] === "number" ? `${b["size"]} GiB` : "(size unknown)"}` });
    }
  }
  return out;
}

/** A launch template's or launch configuration's block devices that are not the root volume. */
function templateDevices(t: TfResource): Disk[] {
  const out: Disk[] = [];
  for (const name of ["block_device_mappings", "ebs_block_device", "ephemeral_block_device"]) {
    const b = blocksWithDynamic(t.values, name);
    if (b.unread) out.push({ address: t.address, how: `${name} blocks blastwall cannot read` });
    for (const m of b.blocks) {
      const dev = typeof m["device_name"] === "string" ? m["device_name"] : undefined;
      if (dev && ROOT_DEVICES.has(dev) && name === "block_device_mappings") continue;
      if (m["no_device"] === true || m["no_device"] === "") continue;
      out.push({ address: t.address, how: `${name} ${dev ?? "(device unnamed)"}` });
    }
  }
  return out;
}

function deviceName(b: Record<string, unknown>): string {
  return typeof b["device_name"] === "string" ? b["device_name"] : "(device unnamed)";
}

/** `aws_instance.db[0]` and `aws_instance.db` as one: fail closed across count and for_each. */
function unindexed(address: string): string {
  return address.replace(/\[[^\]]*\]/g, "");
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

/** What one agent holds on one instance of the stack, or on instances it cannot see. */
interface Reached {
  readonly actions: Set<string>;
  readonly statements: Statement[];
}

function reached(m: Map<string, Reached>, key: string, g: Grant): void {
  let r = m.get(key);
  if (!r) m.set(key, (r = { actions: new Set(), statements: [] }));
  r.actions.add(g.action);
  if (!r.statements.includes(g.statement)) r.statements.push(g.statement);
}

const OUTSIDE = "*";

/** The instances a principal can open a shell on, by address (`*` for instances outside the stack). */
function shellTargets(ctx: RuleContext, p: PrincipalNode): Map<string, Reached> {
  const rights = ctx.analysis.rightsOf(p.address).grants;
  const held = [...ON_INSTANCES, ...BY_TARGETS, ...WINDOW_TARGETS].filter((a) => (rights.get(a.toLowerCase())?.length ?? 0) > 0);
  const byInstance = new Map<string, Reached>();
  if (held.length === 0) return byInstance;
  const ix = shellIndex(ctx);
  for (const action of held) {
    const byTargets = BY_TARGETS.includes(action);
    const windowTargets = WINDOW_TARGETS.includes(action);
    for (const g of rights.get(action.toLowerCase())!) {
      for (const r of g.resources) {
        if (windowTargets) {
          // Any instance of the account may be added; only a window with a command task runs anything on it.
          if (windowRunsCommands(ix, g, r)) {
            for (const i of ix.instances.matching("*")) reached(byInstance, i.address, g);
            reached(byInstance, OUTSIDE, g);
          }
          continue;
        }
        const isInstance = INSTANCE_SHAPES.some((s) => globsIntersect(r, s, { caseInsensitive: true }));
        if (!isInstance) {
          // A document, association or window picks its instances by targets: any instance of the account.
          if (byTargets) {
            for (const i of ix.instances.matching("*")) reached(byInstance, i.address, g);
            reached(byInstance, OUTSIDE, g);
          }
          continue;
        }
        const named = ix.instances.referenced(g, r);
        const inStack = named ?? (globsIntersect(r, EC2_INSTANCE, { caseInsensitive: true }) ? ix.instances.matching(r) : []);
        for (const i of inStack) {
          // A data source reads an instance made elsewhere: its disks are not in the stack, unless attached here.
          if (i.mode === "data" && (ix.disks.get(i)?.data.length ?? 0) === 0) reached(byInstance, OUTSIDE, g);
          else reached(byInstance, i.address, g);
        }
        if (!named && ix.instances.reachesOutside(r, g)) reached(byInstance, OUTSIDE, g);
      }
    }
  }
  return byInstance;
}

/** Whether a grant on `r` may reach a maintenance window that runs commands: one of the stack's, or one outside it. */
function windowRunsCommands(ix: ShellIndex, g: Grant, r: string): boolean {
  if (!globsIntersect(r, WINDOW_SHAPE, { caseInsensitive: true })) return false;
  const named = ix.windows.referenced(g, r);
  const inStack = named ?? ix.windows.matching(r);
  if (inStack.some((w) => ix.commandWindows.has(w))) return true;
  if (ix.commandTaskAnywhere && inStack.length > 0) return true;
  return named === undefined && ix.windows.reachesOutside(r, g);
}

/** A shell of a principal that wipes data volumes: on an instance of the stack, or on instances outside it (`*`). */
export interface DataShell {
  readonly instance: string;
  readonly actions: readonly string[];
  readonly statements: readonly Statement[];
  readonly volumes: readonly string[];
}

/**
 * The error-grade shells of a principal an agent can come to act as (reach-support.ts): those in reach of data
 * volumes. Root volumes alone are left to the agents' own findings, as a warning there.
 */
export function dataShells(ctx: RuleContext, p: PrincipalNode): DataShell[] {
  const byInstance = shellTargets(ctx, p);
  if (byInstance.size === 0) return [];
  const ix = shellIndex(ctx);
  const out: DataShell[] = [];
  for (const [address, r] of byInstance) {
    const disks = address === OUTSIDE ? ix.stackData : (ix.disks.get(ctx.stack.byAddress.get(address)!)?.data ?? []);
    if (disks.length > 0) out.push({ instance: address === OUTSIDE ? "instances outside this stack" : address, actions: [...r.actions], statements: r.statements, volumes: [...new Set(disks.map((d) => d.address))] });
  }
  return out;
}

function shellFindings(ctx: RuleContext, agent: PrincipalNode): FindingDraft[] {
  const byInstance = shellTargets(ctx, agent);
  if (byInstance.size === 0) return [];
  const ix = shellIndex(ctx);
  const out: FindingDraft[] = [];
  for (const [address, r] of byInstance) {
    if (address === OUTSIDE) continue;
    const inst = ctx.stack.byAddress.get(address)!;
    out.push(instanceFinding(ctx, agent, inst, ix.disks.get(inst)?.data ?? [], r));
  }
  const outside = byInstance.get(OUTSIDE);
  if (outside) out.push(outsideFinding(ctx, agent, ix.stackData, outside));
  return out;
}

/** The first few actions and a count, as every report names actions; the finding's `actions` keep them all. */
const verbs = (actions: Iterable<string>) => listActions([...actions]);

function statementsText(r: Reached): string {
  const names = r.statements.map(where);
  return names.length <= 3 ? names.join(", ") : `${names.slice(0, 3).join(", ")} and ${names.length - 3} more`;
}

function disksText(disks: readonly Disk[]): string {
  const shown = disks.slice(0, 5).map((d) => `${d.address} (${d.how})`);
  return disks.length <= 5 ? shown.join(", ") : `${shown.join(", ")} and ${disks.length - 5} more`;
}

function evidenceOf(agent: PrincipalNode, r: Reached): Evidence[] {
  return [principalEvidence(agent), ...r.statements.flatMap((s) => statementEvidence(agent, s))];
}

const NO_DELETE = "with no AWS delete call (dd, mkfs or rm -rf as root), which no Deny on ec2:DeleteVolume, prevent_destroy or deletion protection stops";

function instanceFinding(ctx: RuleContext, agent: PrincipalNode, inst: TfResource, data: readonly Disk[], r: Reached): FindingDraft {
  const first = [...r.actions][0];
  const chain = `${agent.address} --${first}--> ${inst.address} --shell--> ${data.length > 0 ? data[0].address : `${inst.address} root volume`}`;
  const evidence: Evidence[] = [...evidenceOf(agent, r), { step: "shell", address: inst.address, detail: `${verbs(r.actions)}: a shell or commands as root on the instance` }];
  if (data.length === 0) {
    return {
      principal: agent.address,
      resource: inst.address,
      actions: [...r.actions],
      severity: ctx.strict ? "error" : "warning",
      message:
        `${agentCan(agent)} open a shell or run commands on ${inst.address} (${verbs(r.actions)}, through ${statementsText(r)}), and so wipe its root volume ${NO_DELETE}: ${chain}. ` +
        `The stack attaches no data volume to it, but every instance has a root volume, and what runs there may keep data on it. A warning (an error under --strict).`,
      evidence: [...evidence, { step: "volumes", address: inst.address, detail: "root volume only (no aws_volume_attachment, non-root ebs_block_device or instance store in the stack)" }],
    };
  }
  return {
    principal: agent.address,
    resource: inst.address,
    actions: [...r.actions],
    message:
      `${agentCan(agent)} open a shell or run commands on ${inst.address} (${verbs(r.actions)}, through ${statementsText(r)}), and so wipe the data volumes attached to it ${NO_DELETE}: ` +
      `${disksText(data)}. ${chain}.`,
    evidence: [...evidence, ...data.slice(0, 5).map((d) => ({ step: "volumes", address: d.address, detail: `attached to ${inst.address}: ${d.how}` }))],
  };
}

function outsideFinding(ctx: RuleContext, agent: PrincipalNode, stackData: readonly Disk[], r: Reached): FindingDraft {
  const first = [...r.actions][0];
  const base = {
    principal: agent.address,
    resource: grantingBlock(r.statements[0]),
    actions: [...r.actions],
  };
  const evidence: Evidence[] = [...evidenceOf(agent, r), { step: "shell", address: "*", detail: `${verbs(r.actions)}: a shell or commands as root on instances outside this stack` }];
  if (stackData.length === 0) {
    return {
      ...base,
      severity: ctx.strict ? "error" : "warning",
      message:
        `${agentCan(agent)} open a shell or run commands on instances outside this stack (${verbs(r.actions)}, through ${statementsText(r)}), whose volumes blastwall cannot see, and so wipe them ${NO_DELETE}: ` +
        `${agent.address} --${first}--> instances outside this stack --shell--> their volumes. This stack makes no data volume, so only their root volumes are certain: a warning (an error under --strict).`,
      evidence,
    };
  }
  return {
    ...base,
    message:
      `${agentCan(agent)} open a shell or run commands on instances blastwall cannot enumerate (${verbs(r.actions)}, through ${statementsText(r)}), and this stack has data volumes any of them may hold: ` +
      `${disksText(stackData)}. A shell there wipes them ${NO_DELETE}: ${agent.address} --${first}--> instances outside this stack --shell--> ${stackData[0].address}.`,
    evidence: [...evidence, ...stackData.slice(0, 5).map((d) => ({ step: "volumes", address: d.address, detail: `a data volume of this stack: ${d.how}` }))],
  };
}
