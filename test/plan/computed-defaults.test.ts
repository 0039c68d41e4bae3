/**
 * What a plan shows unknown only because the provider computes it is no unknown grant (red-team final round): a new
 * role's tags_all, a KMS key's or secret's policy the configuration does not write. A configured policy that is
 * unknown still fails closed.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { change, fixture, minimalPlan, tempDir, writeTemp } from "./helpers";
import { runIn } from "../helpers/cli";

function plan(keyExpressions: Record<string, unknown>, roleUnknown: Record<string, unknown> = {}) {
  const key = change("aws_kms_key.data", ["create"], null, { description: "data" }, {});
  (key.change as Record<string, unknown>).after_unknown = { policy: true, arn: true, id: true };
  const role = change("aws_iam_role.app", ["create"], null, { name: "app", assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [] }), tags: null }, {});
  (role.change as Record<string, unknown>).after_unknown = { tags_all: true, arn: true, ...roleUnknown };
  return minimalPlan([key, role], {
    planned_values: {
      root_module: {
        resources: [
          { address: "aws_kms_key.data", mode: "managed", type: "aws_kms_key", name: "data", values: { description: "data" } },
          { address: "aws_iam_role.app", mode: "managed", type: "aws_iam_role", name: "app", values: { name: "app", assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [] }), tags: null } },
        ],
      },
    },
    configuration: {
      root_module: {
        resources: [
          { address: "aws_kms_key.data", mode: "managed", type: "aws_kms_key", name: "data", expressions: { description: { constant_value: "data" }, ...keyExpressions } },
          { address: "aws_iam_role.app", mode: "managed", type: "aws_iam_role", name: "app", expressions: { name: { constant_value: "app" } } },
        ],
      },
    },
  });
}

async function gate(p: Record<string, unknown>) {
  const dir = tempDir();
  writeTemp(dir, "plan.json", JSON.stringify(p));
  const r = await runIn(["gate", "--format", "json", join(dir, "plan.json")], dir);
  return JSON.parse(r.stdout) as { findings: { ruleId: string; severity: string; message: string }[] };
}

describe("values a plan shows unknown because the provider computes them", () => {
  test("a key policy the configuration does not write, and a role's tags_all, raise no error", async () => {
    const findings = (await gate(plan({}))).findings;
    expect(findings.filter((f) => f.severity === "error").map((f) => f.ruleId)).toEqual([]);
    expect(findings.map((f) => f.ruleId)).not.toContain("agent-tags-unreadable");
  });

  test("the control: a configured key policy known only after apply still fails closed", async () => {
    const errors = (await gate(plan({ policy: { references: ["data.aws_iam_policy_document.key.json"] } }))).findings.filter((f) => f.severity === "error").map((f) => f.ruleId);
    expect(errors).toContain("resource-policy-grant");
  });
});

test("a target known only after apply is named so in the finding, not by blastwall's internal token", async () => {
  const p = (() => {
    const att = change("aws_iam_role_policy.p", ["create"], null, { name: "p", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }] }) }, {});
    (att.change as Record<string, unknown>).after_unknown = { role: true, id: true };
    return minimalPlan([att], {
      planned_values: { root_module: { resources: [{ address: "aws_iam_role_policy.p", mode: "managed", type: "aws_iam_role_policy", name: "p", values: { name: "p", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }] }) } }] } },
    });
  })();
  const dir = tempDir();
  writeTemp(dir, "plan.json", JSON.stringify(p));
  const r = await runIn(["gate", "--format", "json", join(dir, "plan.json")], dir);
  const f = JSON.parse(r.stdout).findings.find((x: { ruleId: string }) => x.ruleId === "unresolved-attachment");
  expect(f.message).toContain("attaches a policy to the role (a value known only after apply)");
  expect(r.stdout).not.toContain("unknown_after_apply");
});

describe("a new role's inline_policy and managed_policy_arns (Optional+Computed in the AWS provider 5.x/6.x)", () => {
  // A real plan (Terraform 1.11, hashicorp/aws 5.100): a new agent role that sets neither, and an s3:GetObject inline policy.
  const real = () => JSON.parse(readFileSync(fixture("new-agent-role-aws5.json"), "utf8")) as Record<string, any>;

  test("managed_policy_arns unknown only because the configuration does not set it is dropped; inline_policy stays unknown", async () => {
    // A plan's configuration never lists `dynamic` blocks: `dynamic "inline_policy"` with a for_each known only at
    // apply looks exactly like this plan, and hid an agent's s3:* when inline_policy was dropped too (red-team round 103).
    const errors = (await gate(real())).findings.filter((f) => f.severity === "error");
    expect(errors.map((f) => f.ruleId)).toEqual(expect.arrayContaining(["unanalysable-policy"]));
    expect(errors.filter((f) => f.ruleId === "unanalysable-policy").map((f) => f.message)).toEqual([expect.stringContaining("inline_policy is (a value known only after apply)")]);
    expect(errors.some((f) => f.message.includes("managed_policy_arns"))).toBe(false);
  });

  test.each([
    ["inline_policy", [{ name: { constant_value: "p" }, policy: { references: ["data.aws_iam_policy_document.p.json"] } }]],
    ["managed_policy_arns", { references: ["var.arns"] }],
  ])("the control: %s set in the configuration and unknown in the plan stays unknown, and fails closed", async (argument, expression) => {
    const p = real();
    p.configuration.root_module.resources[0].expressions[argument] = expression;
    const findings = (await gate(p)).findings;
    expect(findings.filter((f) => f.severity === "error").map((f) => f.ruleId)).toEqual(expect.arrayContaining(["unanalysable-policy", "agent-reach-unknown"]));
  });
});
