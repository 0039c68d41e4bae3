/**
 * Red-team round 84, finding 1: common HCL idioms (`fileset` + `file` in a for_each, `basename` in a key, `regex`
 * under `can`) were left unknown, so every role using them drew an unanalysable-policy error. The functions now
 * evaluate as Terraform documents them; what blastwall cannot match exactly stays unknown (fail closed).
 */
import { readFileSync, symlinkSync, writeFileSync } from "fs";
import { join } from "path";
import { checkPaths } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import { dir, localValue, outcome } from "./helpers";

const AGENT = `resource "aws_iam_role" "agent" {
  name               = "ai-ops-agent"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::111111111111:role/runner" } }] })
  tags               = { "blastwall:agent" = "true" }
}
`;

const doc = (action: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: "*" }] });

async function findings(d: string): Promise<readonly { ruleId: string; actions: readonly string[]; message: string }[]> {
  return (await checkPaths([d], { config: {}, rules: agentRules })).findings;
}

const FILESET_POLICY = `resource "aws_iam_role_policy" "agent" {
  for_each = fileset("\${path.module}/policies", "*.json")
  name     = trimsuffix(each.value, ".json")
  role     = aws_iam_role.agent.id
  policy   = file("\${path.module}/policies/\${each.value}")
}
`;

describe("fileset and file in a for_each", () => {
  test("every file is read: no unanalysable-policy, and a destroy right in one file is found", async () => {
    const d = dir({ "main.tf": AGENT, "policy.tf": FILESET_POLICY, "policies/logs.json": doc("logs:GetLogEvents"), "policies/ops.json": doc("ec2:DeleteSnapshot") });
    const fs = await findings(d);
    expect(fs.filter((f) => f.ruleId === "unanalysable-policy")).toEqual([]);
    expect(fs.filter((f) => f.ruleId === "agent-destroy-right").flatMap((f) => f.actions)).toEqual(["ec2:DeleteSnapshot"]);
  });

  test("control: read-only files give no destroy finding and nothing unanalysable", async () => {
    const d = dir({ "main.tf": AGENT, "policy.tf": FILESET_POLICY, "policies/logs.json": doc("logs:GetLogEvents") });
    const fs = await findings(d);
    expect(fs.filter((f) => f.ruleId === "unanalysable-policy" || f.ruleId === "agent-destroy-right")).toEqual([]);
  });

  test("a policies folder that is not there stays unknown: Terraform's empty set may be files made before the plan", async () => {
    const d = dir({ "main.tf": AGENT, "policy.tf": FILESET_POLICY });
    expect((await findings(d)).some((f) => f.ruleId === "unanalysable-policy")).toBe(true);
  });

  test("a symbolic link in the folder stays unknown (whether doublestar follows it is not modelled)", async () => {
    const d = dir({ "main.tf": AGENT, "policy.tf": FILESET_POLICY, "policies/logs.json": doc("logs:GetLogEvents"), "elsewhere/ops.json": doc("ec2:DeleteSnapshot") });
    symlinkSync(join(d, "elsewhere/ops.json"), join(d, "policies/ops.json"));
    expect((await findings(d)).some((f) => f.ruleId === "unanalysable-policy")).toBe(true);
  });
});

describe("fileset patterns as Terraform's doublestar reads them", () => {
  const files = {
    "p/a.json": "{}",
    "p/b.yaml": "x",
    "p/.h.json": "{}",
    "p/sub/c.json": "{}",
    "p/sub/deep/d.json": "{}",
  };
  const cases: [string, unknown][] = [
    [`fileset("p", "*.json")`, [".h.json", "a.json"]],
    [`fileset(path.module, "p/**/*.json")`, ["p/.h.json", "p/a.json", "p/sub/c.json", "p/sub/deep/d.json"]],
    [`fileset("p", "**")`, [".h.json", "a.json", "b.yaml", "sub/c.json", "sub/deep/d.json"]],
    [`fileset("p", "{*.json,*.yaml}")`, [".h.json", "a.json", "b.yaml"]],
    [`fileset("p", "?.json")`, ["a.json"]],
    [`fileset("p", "[ab].*")`, ["a.json", "b.yaml"]],
    [`fileset("p", "sub/*")`, ["sub/c.json"]],
    // A directory is no regular file.
    [`fileset("p", "sub")`, []],
    [`length(fileset("p", "*.txt"))`, 0],
  ];
  test.each(cases)("%s", async (expr, want) => {
    expect(await localValue(expr, files)).toEqual(want);
  });

  test.each([`fileset("p", "../*")`, `fileset("p", "x\\\\[1].json")`, `fileset("p", "{a,{b,c}}.json")`, `fileset("p", "[!a].json")`, `fileset("p[0]", "*")`, `fileset(var.d, "*.json")`, `fileset("p", var.x)`])(
    "%s stays unknown",
    async (expr) => {
      expect(await localValue(expr, files)).toEqual(expect.stringMatching(/^\$\{/));
    },
  );

  test("the result is a set of strings: for_each takes it, toset() leaves it as it is", async () => {
    expect(await localValue(`toset(fileset("p", "*.json")) == fileset("p", "*.json")`, files)).toBe(true);
  });
});

describe("basename, dirname, abspath", () => {
  test.each([
    ['basename("arn:aws:iam::aws:policy/ReadOnlyAccess")', '"ReadOnlyAccess"'],
    ['basename("a/b/")', '"b"'],
    ['basename("")', '"."'],
    ['basename("/")', '"/"'],
    ['dirname("a/b/c")', '"a/b"'],
    ['dirname("a")', '"."'],
    ['dirname("/a")', '"/"'],
    ['dirname("a//b/")', '"a/b"'],
    ['basename(var.x)', "UNKNOWN"],
    ['dirname(var.x)', "UNKNOWN"],
  ])("%s is %s", (expr, want) => {
    expect(outcome(expr)).toBe(want);
  });

  test("abspath resolves against the root folder, where Terraform runs", async () => {
    const v = await localValue(`abspath("p/../q")`, { "p/x": "" });
    expect(v).toEqual(expect.stringMatching(/^\/.*\/blastwall-hcl-[^/]+\/q$/));
  });

  test("basename in a for_each key: the managed policy ARNs are read", async () => {
    const d = dir({
      "main.tf": AGENT,
      "policy.tf": `locals {
  roles = { agent = { arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AmazonRDSFullAccess"] } }
  pairs = flatten([for r, v in local.roles : [for a in v.arns : { role = r, arn = a }]])
}
resource "aws_iam_role_policy_attachment" "this" {
  for_each   = { for p in local.pairs : "\${p.role}-\${basename(p.arn)}" => p }
  role       = aws_iam_role.agent.name
  policy_arn = each.value.arn
}
`,
    });
    const fs = await findings(d);
    expect(fs.filter((f) => f.ruleId === "unanalysable-policy")).toEqual([]);
    const destroy = fs.find((f) => f.ruleId === "agent-destroy-right");
    expect(destroy?.actions).toContain("rds:DeleteDBInstance");
    expect(destroy?.message).toContain("arn:aws:iam::aws:policy/AmazonRDSFullAccess");
  });
});

describe("regex, regexall, replace with a pattern (RE2 read where JavaScript agrees)", () => {
  test.each([
    ['regex("^arn:aws:iam::(\\\\d+):role/(.+)$", "arn:aws:iam::123456789012:role/x/y")', '["123456789012","x/y"]'],
    ['regex("(?P<acct>\\\\d{12})", "arn:aws:iam::123456789012:role/x")', '{"acct":"123456789012"}'],
    ['regex("[a-z]+", "123abc")', '"abc"'],
    ['regex("(a)?(b)", "b")', '[null,"b"]'],
    // No match is an error in Terraform, which `can` turns into false.
    ['regex("^x$", "y")', "ERROR"],
    ['can(regex("^x$", "y"))', "false"],
    ['can(regex("^[a-z-]+$", "abc-d"))', "true"],
    // Named and unnamed groups together are an error.
    ['regex("(a)(?P<n>b)", "ab")', "ERROR"],
    // RE2's `\\s` has no vertical tab; JavaScript's has.
    ['regex("\\\\s", "\\u000b")', "ERROR"],
    // RE2's `.` takes `\\r`; JavaScript's does not.
    ['regex("a.c", "a\\rc")', '"a\\rc"'],
    // Go skips an empty match right after a match; JavaScript's global matching does not.
    ['regexall("b*", "abc")', '["","b",""]'],
    ['replace("abc", "/b*/", "-")', '"-a-c-"'],
    ['replace("arn:x:y", "/:(\\\\w)/", "<$1>")', '"arn<x><y>"'],
    // `$1x` names a group `1x`, which is not there: "".
    ['replace("ab", "/(a)/", "$1x")', '"b"'],
    ['replace("ab", "/(a)/", "$${1}x")', '"axb"'],
    ['length(regexall("[0-9]", "a1b22"))', "3"],
  ])("%s is %s", (expr, want) => {
    expect(outcome(expr)).toBe(want);
  });

  test.each([
    // Not RE2 (lookarounds, backreferences), or RE2 that JavaScript reads otherwise (flags, POSIX classes, `\\pL`).
    'regex("(?=a)a", "a")',
    'regex("(a)\\\\1", "aa")',
    'regex("(?i)abc", "ABC")',
    'regex("[[:alpha:]]", "a")',
    'regex("\\\\pL", "a")',
    'regex("a{", "a{")',
    // A repeated group with captures: RE2 keeps an earlier pass's capture, JavaScript clears it.
    'regex("(?:(a)|b)+", "ab")',
    // Exponential backtracking in JavaScript (RE2 is linear): the time limit leaves it unknown.
    'regex("^(?:a+)+$", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab")',
    'regex("^x$", var.x)',
    'can(regex("^x$", var.x))',
    'regex(var.p, "x")',
  ])("%s stays unknown", (expr) => {
    expect(outcome(expr)).toBe("UNKNOWN");
  });

  test("can(regex()) in a validation-style condition picks the branch", async () => {
    const d = dir({
      "main.tf": AGENT,
      "policy.tf": `variable "env" {\n  default = "prod-eu"\n}\nresource "aws_iam_role_policy" "ops" {
  role   = aws_iam_role.agent.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = can(regex("^prod-", var.env)) ? ["logs:GetLogEvents"] : ["ec2:DeleteSnapshot"], Resource = "*" }] })
}
`,
    });
    const fs = await findings(d);
    expect(fs.filter((f) => f.ruleId === "unanalysable-policy" || f.ruleId === "agent-destroy-right")).toEqual([]);
    writeFileSync(join(d, "policy.tf"), readFileSync(join(d, "policy.tf"), "utf8").replace("prod-eu", "dev-eu"));
    expect((await findings(d)).filter((f) => f.ruleId === "agent-destroy-right").flatMap((f) => f.actions)).toEqual(["ec2:DeleteSnapshot"]);
  });

});

describe("yamldecode, for YAML whose reading is not in doubt", () => {
  test.each([
    ['yamldecode("a: 1\\nb: [x, \\"y\\"]\\nc: true\\nd: ~\\n")', '{"a":1,"b":["x","y"],"c":true,"d":null}'],
    ['yamldecode("- ec2:DescribeInstances\\n- s3:GetObject\\n")', '["ec2:DescribeInstances","s3:GetObject"]'],
    ['yamldecode("text: |\\n  one\\n  two\\n")', '{"text":"one\\ntwo\\n"}'],
    ['yamldecode("")', "null"],
    ['yamldecode("a: \\"yes\\"")', '{"a":"yes"}'],
  ])("%s is %s", (expr, want) => {
    expect(outcome(expr)).toBe(want);
  });

  test.each([
    // YAML 1.1 booleans, numbers other than plain whole ones, timestamps: the two readers' tables differ.
    'yamldecode("a: yes")',
    'yamldecode("a: 0x1F")',
    'yamldecode("a: 1.5")',
    'yamldecode("a: 2024-01-01")',
    // Anchors, aliases, merge keys, explicit tags, several documents.
    'yamldecode("a: &x 1\\nb: *x\\n")',
    'yamldecode("<<: {a: 1}")',
    'yamldecode("a: !!str 1")',
    'yamldecode("a: 1\\n---\\nb: 2\\n")',
    'yamldecode("a: 1\\na: 2\\n")',
    "yamldecode(var.x)",
  ])("%s stays unknown", (expr) => {
    expect(outcome(expr)).toBe("UNKNOWN");
  });

  test("a policy read from a YAML file is analysed", async () => {
    const d = dir({
      "main.tf": AGENT,
      "policy.tf": `resource "aws_iam_role_policy" "ops" {
  role   = aws_iam_role.agent.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = yamldecode(file("actions.yaml")), Resource = "*" }] })
}
`,
      "actions.yaml": "- logs:GetLogEvents\n- ec2:DeleteSnapshot\n",
    });
    const fs = await findings(d);
    expect(fs.filter((f) => f.ruleId === "unanalysable-policy")).toEqual([]);
    expect(fs.filter((f) => f.ruleId === "agent-destroy-right").flatMap((f) => f.actions)).toEqual(["ec2:DeleteSnapshot"]);
  });
});

describe("finding 2 through HCL: a blastwall:agent value other than true or false", () => {
  const role = (value: string) =>
    dir({
      "main.tf": AGENT.replace('"blastwall:agent" = "true"', `"blastwall:agent" = "${value}"`),
      "policy.tf": `resource "aws_iam_role_policy" "ops" {\n  role   = aws_iam_role.agent.id\n  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "rds:DeleteDBInstance", Resource = "*" }] })\n}\n`,
    });

  test('"yes" fails the gate: the tag error, and the role checked as an agent', async () => {
    const fs = await findings(role("yes"));
    expect(fs.filter((f) => f.ruleId === "agent-tags-unreadable").map((f) => f.message)).toEqual([expect.stringContaining('tag blastwall:agent = "yes"; blastwall reads only "true" or "false"')]);
    expect(fs.filter((f) => f.ruleId === "agent-destroy-right").flatMap((f) => f.actions)).toEqual(["rds:DeleteDBInstance"]);
  });

  test('control: "True" is an agent without a tag finding, "false" is no agent', async () => {
    const t = await findings(role("True"));
    expect(t.some((f) => f.ruleId === "agent-tags-unreadable")).toBe(false);
    expect(t.some((f) => f.ruleId === "agent-destroy-right")).toBe(true);
    expect(await findings(role("false"))).toEqual([]);
  });
});
