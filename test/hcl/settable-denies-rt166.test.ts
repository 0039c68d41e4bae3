/**
 * Red-team round 166, F1: a Deny held by something counted like the agent role is relied on for the role
 * (settable-denies-rt165.test.ts, 165 F5) only where each instance of it goes with the same instance of the role. Under
 * `count = var.agent_count` a guard written with `role = aws_iam_role.agent[0].name` puts every guard on agent-0, and
 * `-var agent_count=2` makes agent-1 with the work policy and no guard. `[count.index]`, or a count that can only be 0
 * or 1 (`var.enable ? 1 : 0`), keeps it relied on.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { analyzeStack } from "../../lib/engine/analyze";
import type { Finding } from "../../lib/engine/findings";
import { loadHclStack } from "../../lib/hcl/load-hcl";
import { loadStacks } from "../../lib/check/run-check";
import { allRules } from "../../lib/rules";

const PROVIDER = `provider "aws" {\n  region              = "us-east-1"\n  allowed_account_ids = ["111111111111"]\n}\n`;
const VARIABLES = `
variable "agent_count" {
  type    = number
  default = 1
}
variable "enable" {
  type    = bool
  default = true
}
locals {
  first_agent = aws_iam_role.agent[0].name
}
`;
const TRUST = `jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111111111111:role/runner" }, Action = "sts:AssumeRole" }] })`;
const GUARD_DOC = `jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", NotAction = ["s3:GetObject", "s3:ListBucket"], Resource = "*" }] })`;
/** The report's stack: the role, its work policy and its guard all counted by `count`, the guard attached by `target`. */
const HCL_STACK = (count: string, target: string) => `${PROVIDER}${VARIABLES}
resource "aws_iam_role" "agent" {
  count              = ${count}
  name               = "agent-\${count.index}"
  path               = "/agents/"
  assume_role_policy = ${TRUST}
}
resource "aws_iam_role_policy" "work" {
  count  = ${count}
  role   = aws_iam_role.agent[count.index].name
  name   = "work"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })
}
resource "aws_iam_role_policy" "guard" {
  count  = ${count}
  role   = ${target}
  name   = "guard"
  policy = ${GUARD_DOC}
}
`;

/** The same stack as Terraform JSON (the report's f2/main.tf.json; f2_ctl_index with `[count.index]`). */
const JSON_STACK = (count: string, target: string) => ({
  provider: { aws: [{ region: "us-east-1", allowed_account_ids: ["111111111111"] }] },
  variable: { agent_count: { type: "number", default: 1 }, enable: { type: "bool", default: true } },
  resource: {
    aws_iam_role: {
      agent: {
        count,
        name: "agent-${count.index}",
        path: "/agents/",
        assume_role_policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/runner" }, Action: "sts:AssumeRole" }],
        }),
      },
    },
    aws_iam_role_policy: {
      work: {
        count,
        role: "${aws_iam_role.agent[count.index].name}",
        name: "work",
        policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] }),
      },
      guard: {
        count,
        role: target,
        name: "guard",
        policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", NotAction: ["s3:GetObject", "s3:ListBucket"], Resource: "*" }] }),
      },
    },
  },
});

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "bw-settable-deny-166-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const CONFIG = { agents: { names: ["agent*"] } };

const destroyRights = (findings: readonly Finding[]) => findings.filter((f) => f.ruleId === "agent-destroy-right");

/** A folder holding `name` (main.tf, or main.tf.json as Terraform reads it), read as the HCL reader does. */
async function folderFindings(name: string, text: string): Promise<Finding[]> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), text);
  const stack = await loadHclStack(dir);
  return destroyRights(analyzeStack(stack, { config: CONFIG, rules: allRules }).findings);
}

/**
 * The stack as a cdk.tf.json read as written, where instances are not expanded: the role is named `agent` and the work
 * policy attached with `[0]` (that reading leaves `[count.index]` unresolved, reported as such elsewhere).
 */
async function jsonFindings(json: ReturnType<typeof JSON_STACK>): Promise<Finding[]> {
  json.resource.aws_iam_role.agent.name = "agent";
  json.resource.aws_iam_role_policy.work.role = "${aws_iam_role.agent[0].name}";
  const path = join(dir, "cdk.tf.json");
  writeFileSync(path, JSON.stringify(json));
  const [stack] = await loadStacks({ kind: "json", path });
  return destroyRights(analyzeStack(stack, { config: CONFIG, rules: allRules }).findings);
}

const notRelied = (f: Finding) => f.evidence.find((e) => e.step === "deny-not-relied-on")?.detail ?? "";

describe("166 F1: a guard counted like the role but attached to a fixed instance is not relied on", () => {
  test("HCL (the report's f2_hcl): count = var.agent_count, role = aws_iam_role.agent[0].name", async () => {
    const found = await folderFindings("main.tf", HCL_STACK("var.agent_count", "aws_iam_role.agent[0].name"));
    expect(found).toHaveLength(1);
    expect(notRelied(found[0])).toContain("var.agent_count");
  });

  test("Terraform JSON in a folder (the report's f2/main.tf.json): the same", async () => {
    const found = await folderFindings("main.tf.json", JSON.stringify(JSON_STACK("${var.agent_count}", "${aws_iam_role.agent[0].name}")));
    expect(found).toHaveLength(1);
    expect(notRelied(found[0])).toContain("var.agent_count");
  });

  test("a cdk.tf.json read as written: the same", async () => {
    const found = await jsonFindings(JSON_STACK("${var.agent_count}", "${aws_iam_role.agent[0].name}"));
    expect(found).toHaveLength(1);
    expect(notRelied(found[0])).toContain("var.agent_count");
  });

  test("HCL: the fixed index hidden in a local, or taken by a splat, is not relied on either", async () => {
    expect(await folderFindings("main.tf", HCL_STACK("var.agent_count", "local.first_agent"))).toHaveLength(1);
    rmSync(join(dir, "main.tf"));
    expect(await folderFindings("main.tf", HCL_STACK("var.agent_count", "element(aws_iam_role.agent[*].name, 0)"))).toHaveLength(1);
  });

  test("control (the report's f2_ctl_index): attached with [count.index], relied on (HCL, folder JSON)", async () => {
    expect(await folderFindings("main.tf", HCL_STACK("var.agent_count", "aws_iam_role.agent[count.index].name"))).toEqual([]);
    rmSync(join(dir, "main.tf"));
    expect(await folderFindings("main.tf.json", JSON.stringify(JSON_STACK("${var.agent_count}", "${aws_iam_role.agent[count.index].name}")))).toEqual([]);
  });

  test("control: count = var.enable ? 1 : 0 with a fixed [0]: at most one of each, relied on (HCL, folder JSON, cdk.tf.json)", async () => {
    expect(await folderFindings("main.tf", HCL_STACK("var.enable ? 1 : 0", "aws_iam_role.agent[0].name"))).toEqual([]);
    rmSync(join(dir, "main.tf"));
    expect(await folderFindings("main.tf.json", JSON.stringify(JSON_STACK("${var.enable ? 1 : 0}", "${aws_iam_role.agent[0].name}")))).toEqual([]);
    expect(await jsonFindings(JSON_STACK("${var.enable ? 1 : 0}", "${aws_iam_role.agent[0].name}"))).toEqual([]);
  });
});
