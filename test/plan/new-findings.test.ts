/**
 * An agent finding over the planned end state whose addresses this plan does not change is a warning only when
 * the state before the plan already had it. Removing a Deny or widening a boundary changes other addresses, and
 * must block (found by a red-team: a deleted Deny passed as "already true of the current state").
 */
import { runCli } from "../../lib/cli/main";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";

const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });
const doc = (effect: string, action: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: effect, Action: action, Resource: "*" }] });

const res = (address: string, values: Record<string, unknown>) => {
  const [type, name] = address.split(".");
  return { address, mode: "managed", type, name, provider_name: "registry.terraform.io/hashicorp/aws", values };
};
const agent = res("aws_iam_role.agent", { name: "agent", assume_role_policy: TRUST, tags: { "blastwall:agent": "true" } });
const ops = res("aws_iam_role_policy.ops", { name: "ops", role: "agent", policy: doc("Allow", "rds:DeleteDBInstance") });
const deny = res("aws_iam_role_policy.deny", { name: "deny", role: "agent", policy: doc("Deny", "rds:Delete*") });

const noop = (r: { address: string; values: unknown }) => change(r.address, ["no-op"], r.values, r.values);

async function gate(plan: Record<string, unknown>) {
  const dir = tempDir();
  writeTemp(dir, "plan.json", JSON.stringify(plan));
  let stdout = "";
  const code = await runCli(["gate", "--format", "json", "plan.json"], { stdout: (t) => (stdout += t), stderr: () => undefined, cwd: dir, env: {}, now: () => new Date("2026-10-01T09:00:00Z") });
  return { code, report: JSON.parse(stdout) as { findings: { ruleId: string; severity: string; principal: string }[] } };
}

const destroyErrors = (r: Awaited<ReturnType<typeof gate>>) => r.report.findings.filter((f) => f.ruleId === "agent-destroy-right" && f.severity === "error");

describe("agent findings the plan brings without touching their addresses", () => {
  test("baseline: the Deny holds, nothing changes, the gate passes", async () => {
    const plan = minimalPlan([noop(agent), noop(ops), noop(deny)], {
      planned_values: { root_module: { resources: [agent, ops, deny] } },
      prior_state: { values: { root_module: { resources: [agent, ops, deny] } } },
    });
    const r = await gate(plan);
    expect(destroyErrors(r)).toEqual([]);
    expect(r.code).toBe(0);
  });

  test("deleting the policy that holds the Deny blocks", async () => {
    const plan = minimalPlan([noop(agent), noop(ops), change(deny.address, ["delete"], deny.values, null)], {
      planned_values: { root_module: { resources: [agent, ops] } },
      prior_state: { values: { root_module: { resources: [agent, ops, deny] } } },
    });
    const r = await gate(plan);
    expect(r.code).toBe(1);
    expect(destroyErrors(r).map((f) => f.principal)).toEqual(["aws_iam_role.agent"]);
  });

  test("a right already true before the plan stays a warning", async () => {
    const plan = minimalPlan([noop(agent), noop(ops), change("aws_s3_bucket.logs", ["create"], null, { bucket: "logs" })], {
      planned_values: { root_module: { resources: [agent, ops, res("aws_s3_bucket.logs", { bucket: "logs" })] } },
      prior_state: { values: { root_module: { resources: [agent, ops] } } },
    });
    const r = await gate(plan);
    expect(r.report.findings.filter((f) => f.ruleId === "agent-destroy-right").map((f) => f.severity)).toEqual(["warning"]);
  });
});
