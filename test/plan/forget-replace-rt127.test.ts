/**
 * A replace that forgets the old object (`lifecycle { destroy = false }`: Terraform writes `["create","forget"]`,
 * OpenTofu 1.12 `["forget","create"]`) leaves that object in AWS with what it grants. Red-team round 127 F1: an
 * agent's AdministratorAccess attachment "narrowed" to AmazonS3ReadOnlyAccess that way passed the gate, while the
 * old attachment, and so AdministratorAccess, stays on the agent after apply.
 */
import { writeFileSync } from "fs";
import { join } from "path";
import { runCli } from "../../lib/cli/main";
import { evaluatePlan } from "../../lib/plan/evaluate";
import { readPlan } from "../../lib/plan/read-plan";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";

const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });
const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
const READ = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
const ADMIN_DOC = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });

const res = (address: string, values: Record<string, unknown>) => {
  const [type, name] = address.split(".");
  return { address, mode: "managed", type, name, provider_name: "registry.terraform.io/hashicorp/aws", values };
};
const noop = (r: ReturnType<typeof res>) => change(r.address, ["no-op"], r.values, r.values);

const agent = res("aws_iam_role.agent", { name: "agent", assume_role_policy: TRUST, tags: { "blastwall:agent": "true" } });
const ATT = "aws_iam_role_policy_attachment.ops";
const att = (arn: string) => ({ role: "agent", policy_arn: arn });

/** The agent's attachment replaced with `actions`, from `from` to `to`. */
function attachmentPlan(actions: string[], from: string, to: string): Record<string, unknown> {
  return minimalPlan([noop(agent), change(ATT, actions, att(from), att(to), { action_reason: "replace_because_cannot_update" })], {
    planned_values: { root_module: { resources: [agent, res(ATT, att(to))] } },
    prior_state: { values: { root_module: { resources: [agent, res(ATT, att(from))] } } },
  });
}

interface Out {
  readonly ruleId: string;
  readonly severity: string;
  readonly message: string;
  readonly fix: string;
  readonly evidence: { step: string; address: string; detail: string }[];
}

async function gate(plan: Record<string, unknown>, config: Record<string, unknown> = {}) {
  const dir = tempDir();
  writeTemp(dir, "plan.json", JSON.stringify(plan));
  writeFileSync(join(dir, "ci.json"), JSON.stringify(config));
  let stdout = "";
  const code = await runCli(["gate", "--format", "json", "--config", "ci.json", "plan.json"], { stdout: (t) => (stdout += t), stderr: () => undefined, cwd: dir, env: {}, now: () => new Date("2026-10-01T09:00:00Z") });
  const findings = JSON.parse(stdout).findings as Out[];
  return { code, destroy: findings.filter((f) => f.ruleId === "agent-destroy-right" && f.severity === "error"), findings };
}

describe("a replace that forgets keeps the old object in the end state", () => {
  test.each([
    ["create", "forget"],
    ["forget", "create"],
  ])("[%s, %s] of an AdministratorAccess attachment: blocked, and the finding says the old one stays in AWS", async (...actions) => {
    const r = await gate(attachmentPlan(actions, ADMIN, READ));
    expect(r.code).toBe(1);
    expect(r.destroy).toHaveLength(1);
    const [f] = r.destroy;
    expect(f.evidence.find((e) => e.step === "attachment")?.address).toBe(`${ATT}~forgotten`);
    const plan = f.evidence.find((e) => e.step === "plan")!;
    expect(plan.detail).toContain(`${ATT} [${actions.join(", ")}]`);
    expect(plan.detail).toContain(`forgets ${ATT}~forgotten (the object ${ATT} held before this plan)`);
    expect(plan.detail).toContain("stays in AWS");
  });

  test("control: the same replace destroying the old attachment passes", async () => {
    for (const actions of [["delete", "create"], ["create", "delete"]]) {
      const r = await gate(attachmentPlan(actions, ADMIN, READ));
      expect(r.code).toBe(0);
      expect(r.findings.filter((f) => f.severity === "error")).toEqual([]);
    }
  });

  test("control: a forgotten attachment that granted nothing destructive passes", async () => {
    const r = await gate(attachmentPlan(["forget", "create"], READ, "arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess"));
    expect(r.code).toBe(0);
  });

  test("the end state holds both objects: the new one at the address, the old one beside it", () => {
    const ev = evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(attachmentPlan(["forget", "create"], ADMIN, READ)))), { analyzeStack: () => [] });
    expect(ev.stack?.byAddress.get(ATT)?.values.policy_arn).toBe(READ);
    expect(ev.stack?.byAddress.get(`${ATT}~forgotten`)?.values.policy_arn).toBe(ADMIN);
  });

  test("an agent role renamed with destroy = false: the old role, selected by address, stays an agent with its rights", async () => {
    const old = { name: "agent-old", assume_role_policy: TRUST, inline_policy: [{ name: "ops", policy: ADMIN_DOC }] };
    const next = { name: "agent-new", assume_role_policy: TRUST, inline_policy: [] };
    const plan = (actions: string[]) =>
      minimalPlan([change("aws_iam_role.agent", actions, old, next, { replace_paths: [["name"]] })], {
        planned_values: { root_module: { resources: [res("aws_iam_role.agent", next)] } },
        prior_state: { values: { root_module: { resources: [res("aws_iam_role.agent", old)] } } },
      });
    const config = { agents: { addresses: ["aws_iam_role.agent"] } };
    const forgot = await gate(plan(["forget", "create"]), config);
    expect(forgot.code).toBe(1);
    expect(forgot.destroy.map((f) => f.evidence[0].address)).toEqual(["aws_iam_role.agent~forgotten"]);
    expect(forgot.destroy[0].evidence[0].detail).toContain("this plan forgets it, so it stays in AWS, and stays an agent");
    // Control: destroyed, the old role and its inline policy are gone.
    expect((await gate(plan(["delete", "create"]), config)).code).toBe(0);
  });

  test("a deposed object forgotten rather than destroyed stays too", async () => {
    const plan = minimalPlan([noop(agent), noop(res(ATT, att(READ))), change(ATT, ["forget"], att(ADMIN), null, { deposed: "abcd1234" })], {
      planned_values: { root_module: { resources: [agent, res(ATT, att(READ))] } },
      prior_state: { values: { root_module: { resources: [agent, res(ATT, att(READ))] } } },
    });
    const r = await gate(plan);
    expect(r.code).toBe(1);
    expect(r.destroy[0].evidence.find((e) => e.step === "attachment")?.address).toBe(`${ATT}~deposed-abcd1234~forgotten`);
    expect(r.destroy[0].evidence.find((e) => e.step === "plan")?.detail).toContain("deposed abcd1234");
    // Control: the deposed object destroyed.
    const gone = minimalPlan([noop(agent), noop(res(ATT, att(READ))), change(ATT, ["delete"], att(ADMIN), null, { deposed: "abcd1234" })], {
      planned_values: { root_module: { resources: [agent, res(ATT, att(READ))] } },
      prior_state: { values: { root_module: { resources: [agent, res(ATT, att(READ))] } } },
    });
    expect((await gate(gone)).code).toBe(0);
  });

  test("a plain forget says the object stays in AWS", async () => {
    const plan = minimalPlan([noop(agent), change(ATT, ["forget"], att(ADMIN), null)], {
      planned_values: { root_module: { resources: [agent] } },
      prior_state: { values: { root_module: { resources: [agent, res(ATT, att(ADMIN))] } } },
    });
    const r = await gate(plan);
    expect(r.code).toBe(1);
    expect(r.destroy[0].evidence.find((e) => e.step === "plan")?.detail).toContain(`this plan forgets ${ATT} rather than destroying it`);
  });

  test("a forget with no object before it is refused: the gate cannot see what stays in AWS", () => {
    const p = writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan([change(ATT, ["forget", "create"], null, att(READ))])));
    expect(() => readPlan(p)).toThrow(/has actions forget, create but no change\.before/);
  });
});

describe("plan rules over a replace that forgets", () => {
  const judge = (changes: unknown[]) => evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan(changes))))).judged.map((j) => j.finding);

  test("weakening rules read it as a replace: a trust policy widened on a role replaced with destroy = false", () => {
    const open = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }] });
    for (const actions of [["forget", "create"], ["create", "forget"]]) {
      const fs = judge([change("aws_iam_role.ops", actions, { name: "ops", assume_role_policy: TRUST }, { name: "ops2", assume_role_policy: open })]);
      expect(fs.map((f) => f.ruleId)).toContain("plan-trust-policy-widened");
    }
    // Control: the trust kept.
    expect(judge([change("aws_iam_role.ops", ["forget", "create"], { name: "ops", assume_role_policy: TRUST }, { name: "ops2", assume_role_policy: TRUST })])).toEqual([]);
  });

  test("a protected resource replaced with OpenTofu's [forget, create] says the old one is forgotten first", () => {
    const [f] = judge([change("aws_db_instance.main", ["forget", "create"], { identifier: "main" }, { identifier: "main2" })]);
    expect(f.ruleId).toBe("plan-protected-forget");
    expect(f.evidence.find((e) => e.step === "replace")?.detail).toBe("replace: the existing object is forgotten (left running, no longer managed), then a new object is created");
  });

  test("a tag resource replaced with destroy = false writes the protected tag again: no finding; a bare forget: says so", () => {
    const tag = { resource_id: "vol-1", key: "blastwall:protected", value: "true" };
    expect(judge([change("aws_ec2_tag.p", ["forget", "create"], tag, { ...tag, resource_id: "vol-1" })])).toEqual([]);
    const [f] = judge([change("aws_ec2_tag.p", ["forget"], tag, null)]);
    expect(f.ruleId).toBe("plan-protected-tag-removed");
    expect(f.message).toContain("by forgetting aws_ec2_tag.p");
    // Control: a destroy.
    expect(judge([change("aws_ec2_tag.p", ["delete"], tag, null)])[0].message).toContain("by destroying aws_ec2_tag.p");
  });
});

describe("the fix of a finding on a forgotten object names the real address and how to destroy it (red-team round 137, F7)", () => {
  test.each([
    ["create", "forget"],
    ["forget", "create"],
  ])("[%s, %s]: the fix names no ~forgotten pseudo-address and says to drop destroy = false", async (...actions) => {
    const [f] = (await gate(attachmentPlan(actions, ADMIN, READ))).destroy;
    expect(f.fix).not.toContain("~forgotten");
    expect(f.fix).not.toContain(`remove ${ATT}`);
    expect(f.fix).toContain(`this plan replaces ${ATT} and forgets the object it held, which stays in AWS: drop \`destroy = false\` from the lifecycle of ${ATT}`);
  });

  test("a plain forget: the fix says to restore the block or set destroy = true in the removed block, not to remove it again", async () => {
    const plan = minimalPlan([noop(agent), change(ATT, ["forget"], att(ADMIN), null)], {
      planned_values: { root_module: { resources: [agent] } },
      prior_state: { values: { root_module: { resources: [agent, res(ATT, att(ADMIN))] } } },
    });
    const [f] = (await gate(plan)).destroy;
    expect(f.fix).not.toContain(`(remove ${ATT})`);
    expect(f.fix).toContain(`this plan forgets ${ATT} through a \`removed\` block with destroy = false`);
    expect(f.fix).toContain("restore its block, or set `lifecycle { destroy = true }` in that `removed` block");
  });

  test("a deposed object forgotten: the fix names the deposed object at its real address", async () => {
    const plan = minimalPlan([noop(agent), noop(res(ATT, att(READ))), change(ATT, ["forget"], att(ADMIN), null, { deposed: "abcd1234" })], {
      planned_values: { root_module: { resources: [agent, res(ATT, att(READ))] } },
      prior_state: { values: { root_module: { resources: [agent, res(ATT, att(READ))] } } },
    });
    const [f] = (await gate(plan)).destroy;
    expect(f.fix).not.toContain("~forgotten");
    expect(f.fix).toContain(`the deposed object abcd1234 of ${ATT}`);
  });

  test("control: a destroyed-and-recreated attachment of another address keeps the engine's fix; a similar address is left alone", async () => {
    const other = res("aws_iam_role_policy_attachment.opsx", att(ADMIN));
    const plan = minimalPlan([noop(agent), change(ATT, ["forget"], att(READ), null), change(other.address, ["create"], null, other.values)], {
      planned_values: { root_module: { resources: [agent, other] } },
      prior_state: { values: { root_module: { resources: [agent, res(ATT, att(READ))] } } },
    });
    const [f] = (await gate(plan)).destroy;
    expect(f.fix).toContain(`(remove ${other.address})`);
    expect(f.fix).not.toContain("removed");
  });
});
