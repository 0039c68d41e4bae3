/**
 * Red-team round 167, F2: a guard that goes with the agent role instance by instance is relied on for it, as
 * docs/UPGRADING.md 0.7.0 part 5 says, also where the instances are keyed (`for_each` with `[each.key]`), where the
 * guard loops over the role itself (`for_each = aws_iam_role.agent` with `each.value.name`), and where it is counted by
 * the role (`count = length(aws_iam_role.agent)` with `[count.index]`). Round 166 F1's fixed instance and round 167's
 * guard keyed by another variable (same default) stay not relied on.
 */
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { analyzeStack } from "../../lib/engine/analyze";
import type { Finding } from "../../lib/engine/findings";
import { loadHclStack } from "../../lib/hcl/load-hcl";
import { allRules } from "../../lib/rules";

const HEAD = `provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111111111111"]
}
variable "n" {
  type    = number
  default = 1
}
variable "m" {
  type    = number
  default = 1
}
variable "teams" {
  type    = map(string)
  default = { a = "x" }
}
variable "guards" {
  type    = map(string)
  default = { a = "x" }
}
`;
const TRUST = `jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111111111111:role/runner" }, Action = "sts:AssumeRole" }] })`;
const WORK = `jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })`;
const GUARD = `jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", NotAction = ["s3:GetObject", "s3:ListBucket"], Resource = "*" }] })`;

/** The role and its work policy repeated by `repeat` (`for_each = var.teams` or `count = var.n`), the guard by `guard`. */
const STACK = (repeat: string, own: string, guardRepeat: string, guardRole: string) => `${HEAD}
resource "aws_iam_role" "agent" {
  ${repeat}
  name               = "agent-\${${own}}"
  path               = "/agents/"
  assume_role_policy = ${TRUST}
}
resource "aws_iam_role_policy" "work" {
  ${repeat}
  role   = aws_iam_role.agent[${own}].name
  name   = "work"
  policy = ${WORK}
}
resource "aws_iam_role_policy" "guard" {
  ${guardRepeat}
  role   = ${guardRole}
  name   = "guard"
  policy = ${GUARD}
}
`;
const KEYED = "for_each = var.teams";
const COUNTED = "count = var.n";

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "bw-settable-deny-167-pairs-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function destroyRights(text: string): Promise<Finding[]> {
  writeFileSync(join(dir, "main.tf"), text);
  const stack = await loadHclStack(dir);
  return analyzeStack(stack, { config: { agents: { names: ["agent*"] } }, rules: allRules }).findings.filter((f) => f.ruleId === "agent-destroy-right");
}

const notRelied = (f: Finding) => f.evidence.find((e) => e.step === "deny-not-relied-on")?.detail ?? "";

describe("167 F2: a guard paired with the agent role instance by instance is relied on", () => {
  test("the report's c2ctl: for_each = var.teams on both, role = aws_iam_role.agent[each.key].name", async () => {
    expect(await destroyRights(STACK(KEYED, "each.key", KEYED, "aws_iam_role.agent[each.key].name"))).toEqual([]);
  });

  test("the report's fa2: for_each = aws_iam_role.agent, role = each.value.name", async () => {
    expect(await destroyRights(STACK(KEYED, "each.key", "for_each = aws_iam_role.agent", "each.value.name"))).toEqual([]);
  });

  test("the report's fa3: count = length(aws_iam_role.agent), role = aws_iam_role.agent[count.index].name", async () => {
    expect(await destroyRights(STACK(COUNTED, "count.index", "count = length(aws_iam_role.agent)", "aws_iam_role.agent[count.index].name"))).toEqual([]);
  });

  test("control (the report's c0): count = var.n on both with [count.index], still relied on", async () => {
    expect(await destroyRights(STACK(COUNTED, "count.index", COUNTED, "aws_iam_role.agent[count.index].name"))).toEqual([]);
  });
});

describe("167 F2: what does not pair stays not relied on", () => {
  test("for_each = var.teams on both, but attached to a fixed key: aws_iam_role.agent[\"a\"]", async () => {
    const found = await destroyRights(STACK(KEYED, "each.key", KEYED, `aws_iam_role.agent["a"].name`));
    expect(found).toHaveLength(1);
    expect(notRelied(found[0])).toContain("var.teams");
  });

  test("the report's c2: the guard keyed by var.guards (same default) with [each.key]", async () => {
    const found = await destroyRights(STACK(KEYED, "each.key", "for_each = var.guards", "aws_iam_role.agent[each.key].name"));
    expect(found).toHaveLength(1);
    expect(notRelied(found[0])).toContain("var.guards");
  });

  test("the report's c1: the guard counted by var.m (same default) with [count.index]", async () => {
    expect(await destroyRights(STACK(COUNTED, "count.index", "count = var.m", "aws_iam_role.agent[count.index].name"))).toHaveLength(1);
  });

  test("166 F1: count = length(aws_iam_role.agent) but attached to a fixed aws_iam_role.agent[0]", async () => {
    expect(await destroyRights(STACK(COUNTED, "count.index", "count = length(aws_iam_role.agent)", "aws_iam_role.agent[0].name"))).toHaveLength(1);
  });

  test("for_each = aws_iam_role.agent but attached to a fixed key: aws_iam_role.agent[\"a\"]", async () => {
    expect(await destroyRights(STACK(KEYED, "each.key", "for_each = aws_iam_role.agent", `aws_iam_role.agent["a"].name`))).toHaveLength(1);
  });

  test("count = length(var.teams) is not the role's count", async () => {
    expect(await destroyRights(STACK(COUNTED, "count.index", "count = length(var.teams)", "aws_iam_role.agent[count.index].name"))).toHaveLength(1);
  });
});

/**
 * A guard attached by the literal name `"agent-${count.index}"` (or `"agent-${each.key}"`) to a role whose `name` is
 * that same template under the same `count` / `for_each`: whatever `-var` gives, guard[i] exists exactly when agent[i]
 * does and names it, so it is paired as `[count.index]` is. Anything less than the same template under the same
 * repetition stays not relied on.
 */
describe("a guard attached by the role's own name template pairs instance by instance", () => {
  test("count = var.n on both, role = \"agent-${count.index}\": relied on", async () => {
    expect(await destroyRights(STACK(COUNTED, "count.index", COUNTED, '"agent-${count.index}"'))).toEqual([]);
  });

  test("for_each = var.teams on both, role = \"agent-${each.key}\": relied on", async () => {
    expect(await destroyRights(STACK(KEYED, "each.key", KEYED, '"agent-${each.key}"'))).toEqual([]);
  });

  test("Terraform JSON in a folder: count on both, role = \"agent-${count.index}\": relied on", async () => {
    const json = {
      provider: { aws: [{ region: "us-east-1", allowed_account_ids: ["111111111111"] }] },
      variable: { n: { type: "number", default: 1 } },
      resource: {
        aws_iam_role: {
          agent: {
            count: "${var.n}",
            name: "agent-${count.index}",
            path: "/agents/",
            assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/runner" }, Action: "sts:AssumeRole" }] }),
          },
        },
        aws_iam_role_policy: {
          work: { count: "${var.n}", role: "${aws_iam_role.agent[count.index].name}", name: "work", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] }) },
          guard: { count: "${var.n}", role: "agent-${count.index}", name: "guard", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", NotAction: ["s3:GetObject", "s3:ListBucket"], Resource: "*" }] }) },
        },
      },
    };
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify(json));
    const stack = await loadHclStack(dir);
    const found = analyzeStack(stack, { config: { agents: { names: ["agent*"] } }, rules: allRules }).findings.filter((f) => f.ruleId === "agent-destroy-right");
    expect(found).toEqual([]);
  });

  test("the guard counted by another variable (var.m, same default): not relied on", async () => {
    const found = await destroyRights(STACK(COUNTED, "count.index", "count = var.m", '"agent-${count.index}"'));
    expect(found).toHaveLength(1);
    expect(notRelied(found[0])).toContain("var.m");
    // The instance key in the name is named by the count it comes from, not as "a root variable".
    expect(notRelied(found[0])).toContain("role depends on var.m (through its own count)");
    expect(notRelied(found[0])).toContain("aws_iam_role.agent[0]'s name depends on var.n (through its own count)");
    expect(notRelied(found[0])).not.toContain("a root variable");
  });

  test("the guard keyed by another variable (var.guards, same default): not relied on", async () => {
    expect(await destroyRights(STACK(KEYED, "each.key", "for_each = var.guards", '"agent-${each.key}"'))).toHaveLength(1);
  });

  test("another template naming the same role as read (\"agent-${count.index * 1}\"): not relied on", async () => {
    expect(await destroyRights(STACK(COUNTED, "count.index", COUNTED, '"agent-${count.index * 1}"'))).toHaveLength(1);
  });

  test("a template with a variable in it (\"${var.prefix}-${count.index}\", the same name as read): not relied on", async () => {
    const text = STACK(COUNTED, "count.index", COUNTED, '"${var.prefix}-${count.index}"') + `variable "prefix" {\n  type    = string\n  default = "agent"\n}\n`;
    expect(await destroyRights(text)).toHaveLength(1);
  });

  test("the guard in another account's provider: not relied on", async () => {
    const other = `provider "aws" {\n  alias               = "other"\n  region              = "us-east-1"\n  allowed_account_ids = ["222222222222"]\n}\n`;
    const text = STACK(COUNTED, "count.index", COUNTED, '"agent-${count.index}"').replace('resource "aws_iam_role_policy" "guard" {', 'resource "aws_iam_role_policy" "guard" {\n  provider = aws.other') + other;
    expect(await destroyRights(text)).toHaveLength(1);
  });
});
