/**
 * Red-team round 99 (F2): a plan moved a config-marked Lambda (`moved`, previous_address) away from the address
 * `agents.addresses` names, and gave its role AdministratorAccess in the same plan: the gate passed. A resource
 * marked before the plan stays marked after it, as a principal does (sticky-agents.test.ts). The summary counts the
 * role it runs as among the agent principals.
 */
import { writeFileSync } from "fs";
import { join } from "path";
import { runCli } from "../../lib/cli/main";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";

const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
const role = { name: "worker-role", arn: "arn:aws:iam::111111111111:role/worker-role", assume_role_policy: TRUST, path: "/", tags: {}, max_session_duration: 3600 };
const attach = { role: "worker-role", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" };
const fn = (tags: Record<string, string> = {}) => ({ function_name: "agent", role: "arn:aws:iam::111111111111:role/worker-role", tags });

const res = (address: string, values: Record<string, unknown>) => {
  const [type, name] = address.split(".");
  return { address, mode: "managed", type, name, provider_name: "registry.terraform.io/hashicorp/aws", values };
};

/** The plan: the function (at `to`, moved from `from` if they differ), its role unchanged, AdministratorAccess attached. */
function plan(from: string, to: string, before = fn(), after = before) {
  const moved = from !== to ? { previous_address: from } : {};
  return minimalPlan(
    [change("aws_iam_role.r", ["no-op"], role, role), change("aws_iam_role_policy_attachment.admin", ["create"], null, attach), { ...change(to, before === after ? ["no-op"] : ["update"], before, after), ...moved }],
    { planned_values: { root_module: { resources: [res("aws_iam_role.r", role), res("aws_iam_role_policy_attachment.admin", attach), res(to, after)] } } },
  );
}

async function gate(p: Record<string, unknown>, config: Record<string, unknown>) {
  const dir = tempDir();
  writeTemp(dir, "plan.json", JSON.stringify(p));
  writeFileSync(join(dir, "ci.json"), JSON.stringify(config));
  let stdout = "";
  const code = await runCli(["gate", "--format", "json", "--config", "ci.json", "plan.json"], { stdout: (t) => (stdout += t), stderr: () => undefined, cwd: dir, env: {}, now: () => new Date("2026-10-01T09:00:00Z") });
  const report = JSON.parse(stdout) as { findings: { ruleId: string; severity: string; principal: string; message: string }[]; summary: { agentPrincipals: number } };
  return { code, destroy: report.findings.filter((f) => f.ruleId === "agent-destroy-right" && f.severity === "error").map((f) => f.principal), report };
}

const CONFIG = { agents: { addresses: ["aws_lambda_function.agent"] } };

describe("a resource marked before the plan stays marked after it", () => {
  test("control: the function at the address the config names, its role given admin: FAIL, and the role counts as an agent", async () => {
    const r = await gate(plan("aws_lambda_function.agent", "aws_lambda_function.agent"), CONFIG);
    expect([r.code, r.destroy]).toEqual([1, ["aws_iam_role.r"]]);
    expect(r.report.summary.agentPrincipals).toBe(1);
  });

  test("moved away from that address in the same plan: still FAIL, and the report says why", async () => {
    const r = await gate(plan("aws_lambda_function.agent", "aws_lambda_function.worker"), CONFIG);
    expect([r.code, r.destroy]).toEqual([1, ["aws_iam_role.r"]]);
    const mark = r.report.findings.find((f) => f.ruleId === "agent-marked-not-principal");
    expect(mark?.message).toContain("a mark before this plan (as aws_lambda_function.agent)");
    expect(r.report.summary.agentPrincipals).toBe(1);
  });

  test("its agent tag dropped in the same plan: still judged", async () => {
    const r = await gate(plan("aws_lambda_function.f", "aws_lambda_function.f", fn({ "blastwall:agent": "true" }), fn()), {});
    expect([r.code, r.destroy]).toEqual([1, ["aws_iam_role.r"]]);
  });

  test("a function never marked: no agent, and the summary counts none", async () => {
    const r = await gate(plan("aws_lambda_function.other", "aws_lambda_function.worker"), CONFIG);
    expect(r.destroy).toEqual([]);
    expect(r.report.summary.agentPrincipals).toBe(0);
  });
});
