/**
 * The planned end state the engine judges (red-team, round 9): resources a targeted plan leaves out of
 * planned_values (Terraform before 1.8 does not mark such a plan incomplete) still exist, and a role read by a data
 * source is an existing principal whose tags the plan shows.
 */
import { runCli } from "../../lib/cli/main";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";

const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });
const DELETE = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:DeleteBucket", Resource: "*" }] });
const res = (address: string, values: Record<string, unknown>, mode = "managed") => {
  const bare = address.replace(/^data\./, "");
  const [type, name] = bare.split(".");
  return { address, mode, type, name, provider_name: "registry.terraform.io/hashicorp/aws", values };
};

async function gate(plan: Record<string, unknown>): Promise<{ code: number; rules: string[] }> {
  const dir = tempDir();
  writeTemp(dir, "plan.json", JSON.stringify(plan));
  let stdout = "";
  const code = await runCli(["gate", "--format", "json", "plan.json"], { stdout: (t) => (stdout += t), stderr: () => undefined, cwd: dir, env: {}, now: () => new Date("2026-10-01T09:00:00Z") });
  return { code, rules: (JSON.parse(stdout).findings as { ruleId: string; severity: string }[]).filter((f) => f.severity === "error").map((f) => f.ruleId) };
}

const policy = res("aws_iam_role_policy.p", { name: "p", role: "coder", policy: DELETE });

describe("the end state of a plan", () => {
  test("a role a targeted plan leaves out of planned_values still exists: a policy the plan gives it is judged", async () => {
    const agent = res("aws_iam_role.agent", { name: "coder", assume_role_policy: TRUST, tags: { "blastwall:agent": "true" } });
    const plan = minimalPlan([change(policy.address, ["create"], null, policy.values)], {
      format_version: "1.1",
      complete: undefined,
      planned_values: { root_module: { resources: [policy] } },
      prior_state: { values: { root_module: { resources: [agent] } } },
    });
    const r = await gate(plan);
    expect(r.code).toBe(1);
    expect(r.rules).toContain("agent-destroy-right");
  });

  test("a role read by a data source and tagged as an agent is one: a policy the plan attaches to it is judged", async () => {
    const ext = res("data.aws_iam_role.ext", { name: "coder", arn: "arn:aws:iam::111111111111:role/coder", assume_role_policy: TRUST, tags: { "blastwall:agent": "true" } }, "data");
    const plan = minimalPlan([change(policy.address, ["create"], null, policy.values)], {
      planned_values: { root_module: { resources: [policy] } },
      prior_state: { values: { root_module: { resources: [ext] } } },
    });
    const r = await gate(plan);
    expect(r.code).toBe(1);
    expect(r.rules).toContain("agent-destroy-right");
  });

  test("the same role without the tag is not an agent", async () => {
    const ext = res("data.aws_iam_role.ext", { name: "coder", arn: "arn:aws:iam::111111111111:role/coder", assume_role_policy: TRUST, tags: {} }, "data");
    const plan = minimalPlan([change(policy.address, ["create"], null, policy.values)], {
      planned_values: { root_module: { resources: [policy] } },
      prior_state: { values: { root_module: { resources: [ext] } } },
    });
    expect((await gate(plan)).rules).not.toContain("agent-destroy-right");
  });
});
