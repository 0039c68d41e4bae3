/**
 * Red-team round 101b: real `terraform show -json` plans (Terraform 1.11, hashicorp/aws 5.100; values trimmed of nulls)
 * in which the plan gate passed a plan that gives an agent's credentials AdministratorAccess.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { runCli } from "../../lib/cli/main";
import { FIXTURES, tempDir, writeTemp } from "./helpers";

type Plan = Record<string, any>;
type Report = { findings: { ruleId: string; severity: string; principal: string; message: string; evidence: { detail: string }[] }[] };

const load = (name: string): Plan => JSON.parse(readFileSync(join(FIXTURES, "rt101b", `${name}.json`), "utf8"));

async function gate(p: Plan) {
  const dir = tempDir();
  writeTemp(dir, "plan.json", JSON.stringify(p));
  let stdout = "";
  const code = await runCli(["gate", "--format", "json", "plan.json"], { stdout: (t) => (stdout += t), stderr: () => undefined, cwd: dir, env: {}, now: () => new Date("2026-10-01T09:00:00Z") });
  const report = JSON.parse(stdout) as Report;
  const errors = report.findings.filter((f) => f.severity === "error");
  return { code, report, errors: errors.map((f) => `${f.ruleId} ${f.principal}`) };
}

/** Every object of the plan (prior state, planned values, changes) that `match` picks, rewritten by `edit`. */
function rewrite(p: unknown, match: (o: Record<string, unknown>) => boolean, edit: (o: Record<string, unknown>) => void): void {
  if (Array.isArray(p)) p.forEach((x) => rewrite(x, match, edit));
  else if (typeof p === "object" && p !== null) {
    const o = p as Record<string, unknown>;
    if (match(o)) edit(o);
    Object.values(o).forEach((x) => rewrite(x, match, edit));
  }
}

describe("finding 1: an Auto Scaling group's launch template given by its literal id in the plan", () => {
  // Prior state: role agent-node, its instance profile, launch template agent-node with that profile, and the group
  // `agents` with a blastwall:agent tag block. The plan only attaches AdministratorAccess to the role.
  test("the template is found by its id, and the role the group's instances run as is judged as the agent: FAIL", async () => {
    const r = await gate(load("asg-template-id"));
    expect(r.code).toBe(1);
    expect(r.errors).toContain("agent-destroy-right aws_iam_role.node");
  });

  test("a template given by its id only is found by its id", async () => {
    const p = load("asg-template-id");
    rewrite(p, (o) => o.version === "$Latest", (o) => delete o.name);
    const r = await gate(p);
    expect(r.errors).toContain("agent-destroy-right aws_iam_role.node");
  });

  test("a template given by name only is found by its name, as before", async () => {
    const p = load("asg-template-id");
    rewrite(p, (o) => o.version === "$Latest", (o) => delete o.id);
    const r = await gate(p);
    expect(r.errors).toContain("agent-destroy-right aws_iam_role.node");
  });

  const elsewhere = () => {
    const p = load("asg-template-id");
    rewrite(p, (o) => o.version === "$Latest", (o) => Object.assign(o, { id: "lt-0fffffffffffffff0", name: "made-elsewhere" }));
    return p;
  };

  test("a template blastwall cannot identify: the marked group stays an error, though the group does not change, as the plan changes IAM", async () => {
    const r = await gate(elsewhere());
    expect(r.code).toBe(1);
    expect(r.errors).toEqual(["agent-marked-not-principal aws_autoscaling_group.agents"]);
    const f = r.report.findings.find((x) => x.ruleId === "agent-marked-not-principal")!;
    expect(f.evidence.map((e) => e.detail).join("\n")).toContain("aws_iam_role_policy_attachment.admin [create]");
  });

  test("the control: the same group, and a plan that changes no IAM: already true of the current state, a warning", async () => {
    const p = elsewhere();
    p.resource_changes = p.resource_changes.filter((rc: Plan) => rc.address !== "aws_iam_role_policy_attachment.admin");
    p.planned_values.root_module.resources = p.planned_values.root_module.resources.filter((x: Plan) => x.address !== "aws_iam_role_policy_attachment.admin");
    const r = await gate(p);
    expect(r.code).toBe(0);
    expect(r.report.findings.find((x) => x.ruleId === "agent-marked-not-principal")?.severity).toBe("warning");
  });
});

describe("finding 2: marks EC2 puts on instances are kept across the plan, and their removal is reported", () => {
  // Prior state: a launch template with tag_specifications for instances carrying blastwall:agent, its profile's role.
  test("the control: the template keeps its tag_specifications, and the plan gives the role admin: FAIL", async () => {
    const r = await gate(load("template-mark-kept"));
    expect(r.errors).toContain("agent-destroy-right aws_iam_role.node");
    expect(r.errors).not.toContain("plan-agent-tag-removed aws_launch_template.node");
  });

  test("the plan drops tag_specifications in the same breath: the mark is kept (FAIL), and its removal is reported", async () => {
    const r = await gate(load("template-mark-dropped"));
    expect(r.code).toBe(1);
    expect(r.errors).toEqual(expect.arrayContaining(["agent-destroy-right aws_iam_role.node", "plan-agent-tag-removed aws_launch_template.node"]));
    const f = r.report.findings.find((x) => x.ruleId === "agent-destroy-right")!;
    expect(f.evidence.map((e) => e.detail).join("\n")).toContain("a mark before this plan");
  });

  test("the plan deletes the aws_autoscaling_group_tag that marks the group: kept, and reported", async () => {
    const r = await gate(load("asg-tag-deleted"));
    expect(r.code).toBe(1);
    expect(r.errors).toEqual(expect.arrayContaining(["agent-destroy-right aws_iam_role.node", "plan-agent-tag-removed aws_autoscaling_group_tag.agent"]));
  });

  const ec2Tag = (key: string): Plan => ({
    format_version: "1.2",
    terraform_version: "1.11.4",
    planned_values: { root_module: {} },
    resource_changes: [{ address: "aws_ec2_tag.agent", mode: "managed", type: "aws_ec2_tag", name: "agent", change: { actions: ["delete"], before: { resource_id: "i-0123456789abcdef0", key, value: "true" }, after: null, after_unknown: {} } }],
    configuration: { root_module: {} },
    applyable: true,
    complete: true,
    errored: false,
  });

  test("deleting an aws_ec2_tag with the agent key is a tag removal; one with another key is not", async () => {
    expect((await gate(ec2Tag("blastwall:agent"))).errors).toEqual(["plan-agent-tag-removed aws_ec2_tag.agent"]);
    expect((await gate(ec2Tag("team"))).errors).toEqual([]);
  });
});

describe("finding 4: an agent permission set deleted and created again under its name at another address", () => {
  // Prior: aws_ssoadmin_permission_set.agent, AgentDev, tagged blastwall:agent. The plan destroys it, creates
  // aws_ssoadmin_permission_set.dev named AgentDev with no tag, and attaches AdministratorAccess to the new set.
  test("the new set is still an agent: the attachment that may reach it fails the gate", async () => {
    const r = await gate(load("permission-set-recreated"));
    expect(r.code).toBe(1);
    expect(r.errors).toEqual(["unresolved-attachment aws_ssoadmin_managed_policy_attachment.admin"]);
  });

  test("the control: the same name in another Identity Center instance is another set, not the agent", async () => {
    const p = load("permission-set-recreated");
    const other = "arn:aws:sso:::instance/ssoins-2222222222222222";
    for (const rc of p.resource_changes) if (rc.address === "aws_ssoadmin_permission_set.dev") rc.change.after.instance_arn = other;
    for (const x of p.planned_values.root_module.resources) if (x.address === "aws_ssoadmin_permission_set.dev") x.values.instance_arn = other;
    const r = await gate(p);
    expect(r.errors).toEqual([]);
  });
});
