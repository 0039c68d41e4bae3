/**
 * `blastwall check --var-file`: the deploy may pass variable values the code's defaults do not show. The gate must
 * be able to judge the values the deploy uses, for .tf directories and for synthesized JSON alike.
 */
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { runIn } from "../helpers/cli";
import { agentRole, tf } from "../helpers/tf";

const run = runIn;

const destroyOf = (stdout: string): string[] =>
  (JSON.parse(stdout).findings as { ruleId: string; actions: string[] }[]).filter((f) => f.ruleId === "agent-destroy-right").flatMap((f) => f.actions);

const policyText = (action: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: "*" }] });

const dir = mkdtempSync(join(tmpdir(), "blastwall-varfile-"));
const write = (name: string, text: string) => writeFileSync(join(dir, name), text);

// A directory of .tf files whose agent gets its actions from a variable with a harmless default.
const hcl = join(dir, "hcl");
require("fs").mkdirSync(hcl);
writeFileSync(
  join(hcl, "main.tf"),
  `variable "agent_actions" {
  type    = list(string)
  default = ["s3:GetObject"]
}
resource "aws_iam_role" "agent" {
  name               = "agent"
  assume_role_policy = "{}"
  tags               = { "blastwall:agent" = "true" }
}
resource "aws_iam_role_policy" "work" {
  role   = aws_iam_role.agent.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = var.agent_actions, Resource = "*" }] })
}
`,
);

// The same in synthesized JSON: a cdktf TerraformVariable with a default.
write(
  "stack.tf.json",
  JSON.stringify({
    ...tf({
      "aws_iam_role.agent": agentRole(),
      "aws_iam_role_policy.work": { role: "${aws_iam_role.agent.name}", policy: "${var.agent_policy}" },
    }),
    variable: { agent_policy: { type: "string", default: policyText("s3:GetObject") } },
  }),
);
write("prod.tfvars", 'agent_actions = ["ec2:DeleteVolume"]\n');
write("prod-json.tfvars.json", JSON.stringify({ agent_policy: policyText("ec2:DeleteVolume") }));
write("later.tfvars.json", JSON.stringify({ agent_actions: ["rds:DeleteDBInstance"] }));
write("broken.tfvars", "agent_actions = [\n");

describe("blastwall check --var-file", () => {
  test("a directory of .tf files: the default passes, the deploy's var file is judged", async () => {
    expect(destroyOf((await run(["check", "--format", "json", "hcl"], dir)).stdout)).toEqual([]);
    const r = await run(["check", "--format", "json", "--var-file", "prod.tfvars", "hcl"], dir);
    expect(r.code).toBe(1);
    expect(destroyOf(r.stdout)).toEqual(["ec2:DeleteVolume"]);
  });

  test("synthesized JSON: var file values win over the variable's default", async () => {
    const before = await run(["check", "--format", "json", "stack.tf.json"], dir);
    const after = await run(["check", "--format", "json", "--var-file", "prod-json.tfvars.json", "stack.tf.json"], dir);
    expect(destroyOf(before.stdout)).toEqual([]);
    expect(before.stdout).not.toMatch(/unanalysable-policy/);
    expect(destroyOf(after.stdout)).toEqual(["ec2:DeleteVolume"]);
  });

  test("later files win, JSON var files included", async () => {
    const r = await run(["check", "--format", "json", "--var-file", "prod.tfvars", "--var-file", "later.tfvars.json", "hcl"], dir);
    expect(destroyOf(r.stdout)).toEqual(["rds:DeleteDBInstance"]);
  });

  test("a missing var file is one line naming it, exit 2", async () => {
    const r = await run(["check", "--var-file", "none.tfvars", "hcl"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^blastwall: .*none\.tfvars: file not found\n$/);
  });

  test("a var file that does not parse is one line naming it and where, exit 2", async () => {
    const r = await run(["check", "--var-file", "broken.tfvars", "hcl"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^blastwall: .*broken\.tfvars: line \d+, column \d+: .+\n$/);
  });
});
