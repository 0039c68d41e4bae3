/**
 * Red-team round 84: an Action blastwall cannot evaluate (`lookup(local.m, terraform.workspace, [...])`,
 * `yamldecode(file(...)).agent.actions`, cdktf's `${var.actions}`) is widened to `*`, which is right: the gate must fail.
 * The finding read as a certain grant, though ("can delete data: ec2:DeleteVolume ... 272 in all" for a policy naming
 * no ec2 at all), with a fix to remove the destroy actions, which the policy does not name. It now says the actions are
 * unknown, which expression made them so and why, and asks for actions blastwall can read.
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";
import { dir } from "../hcl/helpers";
import { checkPaths } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import { whyUnknown } from "../../lib/engine/terraform/unknown-why";
import type { Finding } from "../../lib/engine/findings";

type Obj = Record<string, unknown>;

const UNKNOWN_FIX = /^Write the statement's actions out: a literal list in the policy/;
const REMOVE_FIX = /^Remove the destroy actions from the statement/;

const cdk = (statement: Obj, extra: Obj = {}) =>
  tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy(statement) } }, extra);
const destroy = (json: Obj): Finding[] => check(json).findings.filter((f) => f.ruleId === "agent-destroy-right");

/** An HCL folder whose agent's policy has `Action = ACTION` (with `extra` beside it). */
async function hcl(action: string, extra = "", files: Record<string, string> = {}): Promise<readonly Finding[]> {
  const d = dir({
    "main.tf": `resource "aws_iam_role" "agent" {
  name               = "ai-ops-agent"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::111111111111:role/runner" } }] })
  tags               = { "blastwall:agent" = "true" }
}
${extra}
resource "aws_iam_role_policy" "agent" {
  role   = aws_iam_role.agent.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ${action}, Resource = "*" }] })
}
`,
    ...files,
  });
  return (await checkPaths([d], { config: {}, rules: agentRules })).findings;
}

describe("an Action blastwall cannot evaluate", () => {
  test("HCL: a lookup by terraform.workspace says the actions are unknown, why, and how to fix it", async () => {
    const found = await hcl(
      "local.actions",
      `locals {
  agent_actions = { default = ["logs:GetLogEvents"], staging = ["logs:GetLogEvents", "rds:*"] }
  actions       = lookup(local.agent_actions, terraform.workspace, ["logs:GetLogEvents"])
}`,
    );
    const [f] = found.filter((x) => x.ruleId === "agent-destroy-right");
    expect(f.severity).toBe("error");
    expect(f.message).toMatch(/^aws_iam_role\.agent is an AI agent and may be able to delete data: /);
    expect(f.message).toContain("because the actions of aws_iam_role_policy.agent statement #0 are unknown: its Action is `${lookup(");
    expect(f.message).toContain("terraform.workspace is not known before plan");
    expect(f.message).toContain("blastwall counts actions it cannot read as every action");
    expect(f.message).not.toContain("granted by");
    expect(f.fix).toMatch(UNKNOWN_FIX);
    // Every rule built on the statement's grants says the same.
    for (const id of ["agent-protection-removal", "agent-self-escalation", "agent-resource-policy-rewrite"]) {
      const [g] = found.filter((x) => x.ruleId === id);
      expect([id, g.message]).toEqual([id, expect.stringContaining("terraform.workspace is not known before plan")]);
      expect(g.fix).toMatch(UNKNOWN_FIX);
    }
  });

  // yamldecode reads YAML whose reading is not in doubt (lib/hcl); an alias is left unread, as Terraform's YAML
  // library and a JavaScript one might not agree on it.
  test("HCL: yamldecode of a file it cannot read exactly names the function", async () => {
    const yaml = "base: &b\n  - logs:GetLogEvents\nagent:\n  actions: *b\n";
    const [f] = (await hcl("yamldecode(file(\"${path.module}/roles.yaml\")).agent.actions", "", { "roles.yaml": yaml })).filter((x) => x.ruleId === "agent-destroy-right");
    expect(f.severity).toBe("error");
    expect(f.message).toContain("are unknown: its Action is `${yamldecode(");
    expect(f.message).toContain("blastwall cannot evaluate yamldecode(...) here");
    expect(f.fix).toMatch(UNKNOWN_FIX);
  });

  test("HCL control: yamldecode of plain YAML is read, and its actions are judged as written", async () => {
    const found = await hcl("yamldecode(file(\"${path.module}/roles.yaml\")).agent.actions", "", { "roles.yaml": "agent:\n  actions:\n    - logs:GetLogEvents\n" });
    expect(found.filter((x) => x.ruleId === "agent-destroy-right")).toEqual([]);
  });

  test("HCL control: a lookup blastwall can evaluate reports the rights it grants, as before", async () => {
    const [f, ...more] = (await hcl('lookup(local.perms, var.env, ["s3:GetObject"])', 'locals {\n  perms = { prod = ["s3:GetObject"], dev = ["s3:DeleteObject"] }\n}\nvariable "env" {\n  default = "dev"\n}')).filter(
      (x) => x.ruleId === "agent-destroy-right",
    );
    expect(more).toEqual([]);
    expect(f.message).toBe("aws_iam_role.agent is an AI agent and can delete data: s3:DeleteObject; granted by aws_iam_role_policy.agent statement #0.");
    expect(f.fix).toMatch(REMOVE_FIX);
  });

  test("cdk.tf.json: a token as the whole Action says the same", () => {
    const [f, ...more] = destroy(cdk({ Effect: "Allow", Action: "${var.actions}", Resource: "*" }, { variable: { actions: { type: "list(string)" } } }));
    expect(more).toEqual([]);
    expect(f.severity).toBe("error");
    expect(f.message).toContain("are unknown: its Action is `${var.actions}`, and var.actions has no value blastwall can read");
    expect(f.fix).toMatch(UNKNOWN_FIX);
  });

  test("cdk.tf.json: a token inside an action says the action is partly unknown", () => {
    const [f] = destroy(cdk({ Effect: "Allow", Action: ["s3:GetObject", "ec2:${var.verb}"], Resource: "*" }, { variable: { verb: { type: "string" } } }));
    expect(f.message).toContain("because an action of aws_iam_role_policy.agent statement #0 is partly unknown: `ec2:${var.verb}`, and var.verb has no value");
    expect(f.fix).toMatch(UNKNOWN_FIX);
  });

  test("cdk.tf.json: the data source path names the cause too (its statement is unreadable as a whole)", () => {
    const json = tf(
      {
        "aws_iam_role.agent": agentRole(),
        "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: "${data.aws_iam_policy_document.d.json}" },
        "data.aws_iam_policy_document.d": { statement: [{ actions: "${var.actions}", resources: ["*"] }] },
      },
      { variable: { actions: { type: "list(string)" } } },
    );
    const [f] = errors(check(json), "unanalysable-policy");
    expect(f.message).toContain("statement[0].actions is ${var.actions} (var.actions has no value blastwall can read");
  });

  describe("controls", () => {
    test("a literal destroy action keeps the certain wording and the fix to remove it", () => {
      const [f] = destroy(cdk({ Effect: "Allow", Action: "s3:DeleteObject", Resource: "*" }));
      expect(f.message).toBe("aws_iam_role.agent is an AI agent and can delete data: s3:DeleteObject; granted by aws_iam_role_policy.agent statement #0.");
      expect(f.fix).toMatch(REMOVE_FIX);
    });

    test("a variable with a default blastwall reads is no unknown (cdktf's Fn.jsonencode)", () => {
      const json = tf(
        {
          "aws_iam_role.agent": agentRole(),
          "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: '${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Effect" = "Allow", "Action" = var.actions, "Resource" = "*"}]})}' },
        },
        { variable: { actions: { type: "list(string)", default: ["logs:GetLogEvents"] } } },
      );
      expect(destroy(json)).toEqual([]);
    });

    test("a list default inside a JSON string (a Terraform error) is unknown, and not said to have no default", () => {
      const json = cdk({ Effect: "Allow", Action: "${var.actions}", Resource: "*" }, { variable: { actions: { type: "list(string)", default: ["logs:GetLogEvents"] } } });
      const [f] = destroy(json);
      expect(f.message).toContain("var.actions has a default, but not one blastwall can use where it stands");
    });

    test("an unknown Resource with a literal action is a certain grant of that action", () => {
      const [f] = destroy(cdk({ Effect: "Allow", Action: "s3:DeleteObject", Resource: "${var.bucket_arn}" }, { variable: { bucket_arn: { type: "string" } } }));
      expect(f.message).toMatch(/can delete data: s3:DeleteObject; granted by/);
      expect(f.fix).toMatch(REMOVE_FIX);
    });
  });

  test.each([
    ["aws_iam_role.r.arn", "aws_iam_role.r.arn is known only after apply"],
    ["data.aws_ssm_parameter.p.value", "data.aws_ssm_parameter.p is read from the account when Terraform plans"],
    ["module.m.actions", "module.m is a module whose outputs blastwall cannot see"],
    ['yamldecode("aws_s3_bucket.b.arn: 1")', "blastwall cannot evaluate yamldecode(...) here"],
    ["${unknown_after_apply}", "the plan shows its value as known only after apply"],
    ["[for x in var.l : x.actions]", "var.l has no value blastwall can read: no default, and no value in the .tfvars files it was given"],
  ])("why %s is unknown", (expr, why) => {
    expect(whyUnknown(expr.startsWith("${") ? expr : `\${${expr}}`)).toBe(why);
  });
});
