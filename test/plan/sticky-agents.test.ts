/**
 * A plan must not take a principal out of the agent checks in the same breath as it gives it destroy rights: an
 * agent before the plan is judged as one after it (found by a red-team: a move, a rename, a dropped selector tag or
 * a forget, together with AdministratorAccess, passed).
 */
import { writeFileSync } from "fs";
import { join } from "path";
import { runCli } from "../../lib/cli/main";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";

const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });
const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";

const res = (address: string, values: Record<string, unknown>) => {
  const [type, name] = address.split(".");
  return { address, mode: "managed", type, name, provider_name: "registry.terraform.io/hashicorp/aws", values };
};
const attach = res("aws_iam_role_policy_attachment.admin", { role: "agent", policy_arn: ADMIN });

async function gate(plan: Record<string, unknown>, config: Record<string, unknown>) {
  const dir = tempDir();
  writeTemp(dir, "plan.json", JSON.stringify(plan));
  writeFileSync(join(dir, "ci.json"), JSON.stringify(config));
  let stdout = "";
  const code = await runCli(["gate", "--format", "json", "--config", "ci.json", "plan.json"], { stdout: (t) => (stdout += t), stderr: () => undefined, cwd: dir, env: {}, now: () => new Date("2026-10-01T09:00:00Z") });
  const findings = (JSON.parse(stdout).findings as { ruleId: string; severity: string; evidence: { step: string; detail: string }[] }[]).filter(
    (f) => f.ruleId === "agent-destroy-right" && f.severity === "error",
  );
  return { code, findings };
}

const before = { name: "agent", assume_role_policy: TRUST, tags: { team: "ai" } };

describe("an agent before the plan stays one after it", () => {
  test("moved away from the address the config names", async () => {
    const moved = res("aws_iam_role.helper", before);
    const plan = minimalPlan([{ ...change("aws_iam_role.helper", ["no-op"], before, before), previous_address: "aws_iam_role.agent" }, change(attach.address, ["create"], null, attach.values)], {
      planned_values: { root_module: { resources: [moved, attach] } },
      prior_state: { values: { root_module: { resources: [res("aws_iam_role.agent", before)] } } },
    });
    const r = await gate(plan, { agents: { addresses: ["aws_iam_role.agent"] } });
    expect(r.code).toBe(1);
    expect(r.findings).toHaveLength(1);
  });

  test("its selector tag dropped", async () => {
    const after = { ...before, tags: {} };
    const plan = minimalPlan([change("aws_iam_role.agent", ["update"], before, after), change(attach.address, ["create"], null, attach.values)], {
      planned_values: { root_module: { resources: [res("aws_iam_role.agent", after), attach] } },
      prior_state: { values: { root_module: { resources: [res("aws_iam_role.agent", before)] } } },
    });
    expect((await gate(plan, { agents: { tags: { team: "ai" } } })).findings).toHaveLength(1);
  });

  test("forgotten by a removed block: the role still exists, and is still an agent", async () => {
    const tagged = { ...before, tags: { "blastwall:agent": "true" } };
    const plan = minimalPlan([change("aws_iam_role.agent", ["forget"], tagged, null), change(attach.address, ["create"], null, attach.values)], {
      planned_values: { root_module: { resources: [attach] } },
      prior_state: { values: { root_module: { resources: [res("aws_iam_role.agent", tagged)] } } },
    });
    const r = await gate(plan, {});
    expect(r.code).toBe(1);
    expect(r.findings).toHaveLength(1);
  });

  test("moved out of the /agents/ path (IAM replaces the role)", async () => {
    const inPath = { ...before, path: "/agents/" };
    const outside = { ...before, path: "/" };
    const plan = minimalPlan([change("aws_iam_role.agent", ["delete", "create"], inPath, outside), change(attach.address, ["create"], null, attach.values)], {
      planned_values: { root_module: { resources: [res("aws_iam_role.agent", outside), attach] } },
      prior_state: { values: { root_module: { resources: [res("aws_iam_role.agent", inPath)] } } },
    });
    const r = await gate(plan, {});
    expect(r.code).toBe(1);
    expect(r.findings).toHaveLength(1);
  });

  test("the report says why it is still an agent, not a tag the end state does not carry", async () => {
    const after = { ...before, tags: {} };
    const plan = minimalPlan([change("aws_iam_role.agent", ["update"], before, after), change(attach.address, ["create"], null, attach.values)], {
      planned_values: { root_module: { resources: [res("aws_iam_role.agent", after), attach] } },
      prior_state: { values: { root_module: { resources: [res("aws_iam_role.agent", before)] } } },
    });
    const [f] = (await gate(plan, { agents: { tags: { team: "ai" } } })).findings;
    const who = f.evidence.find((e) => e.step === "principal")!.detail;
    expect(who).toMatch(/an agent before this plan/);
    expect(who).not.toMatch(/blastwall:agent = "true"/);
  });

  test("deleted and created again under the same IAM name (another address, no tag): the same ARN, still an agent", async () => {
    const tagged = { ...before, tags: { "blastwall:agent": "true" } };
    const again = res("aws_iam_role.agent_v2", before);
    const attachV2 = res("aws_iam_role_policy_attachment.admin", { role: "agent", policy_arn: ADMIN });
    const plan = minimalPlan(
      [change("aws_iam_role.agent", ["delete"], tagged, null), change("aws_iam_role.agent_v2", ["create"], null, before), change(attachV2.address, ["create"], null, attachV2.values)],
      {
        planned_values: { root_module: { resources: [again, attachV2] } },
        prior_state: { values: { root_module: { resources: [res("aws_iam_role.agent", tagged)] } } },
      },
    );
    const r = await gate(plan, {});
    expect(r.code).toBe(1);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0].evidence.find((e) => e.step === "principal")!.detail).toMatch(/IAM name "agent" of the agent aws_iam_role\.agent/);
  });

  test("a new role under another name is not taken for the deleted agent", async () => {
    const tagged = { ...before, tags: { "blastwall:agent": "true" } };
    const other = { ...before, name: "helper" };
    const attachOther = res("aws_iam_role_policy_attachment.admin", { role: "helper", policy_arn: ADMIN });
    const plan = minimalPlan(
      [change("aws_iam_role.agent", ["delete"], tagged, null), change("aws_iam_role.helper", ["create"], null, other), change(attachOther.address, ["create"], null, attachOther.values)],
      {
        planned_values: { root_module: { resources: [res("aws_iam_role.helper", other), attachOther] } },
        prior_state: { values: { root_module: { resources: [res("aws_iam_role.agent", tagged)] } } },
      },
    );
    expect((await gate(plan, {})).findings).toEqual([]);
  });

  test("a role that was never an agent gets no agent finding", async () => {
    const plan = minimalPlan([change("aws_iam_role.agent", ["no-op"], before, before), change(attach.address, ["create"], null, attach.values)], {
      planned_values: { root_module: { resources: [res("aws_iam_role.agent", before), attach] } },
      prior_state: { values: { root_module: { resources: [res("aws_iam_role.agent", before)] } } },
    });
    expect((await gate(plan, {})).findings).toEqual([]);
  });
});
