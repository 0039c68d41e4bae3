/**
 * An object constructor that writes one key twice (`"k" = ...` and `(local.k) = ...` where local.k is "k"): Terraform
 * keeps the value written last in the .tf source, but hcl2json prints an object's keys sorted, so the order is lost
 * before blastwall reads it. Such a key's value is unknown unless both values are the same; an object inside an
 * expression (`"${...}"` in hcl2json's output) is parsed by blastwall in source order and keeps the last (red-team
 * round 105).
 */
import { checkPaths } from "../../lib/check/run-check";
import type { BlastwallConfig } from "../../lib/engine/config-types";
import { DUPLICATE_KEY } from "../../lib/hcl/evaluate";
import { parseHclSync } from "../../lib/hcl/hcl2json-sync";
import { loadHclSync } from "../../lib/hcl/load-hcl";
import { agentRules } from "../../lib/rules";
import { dir, localValue } from "./helpers";

const LOCALS = 'locals {\n  k = "k"\n  j = "j"\n  one = 1\n  tag_keys = { owner = "owner", agent = "blastwall:agent" }\n}\n';
const value = (expr: string) => localValue(expr, { "locals.tf": LOCALS });
const isUnknownOf = (v: unknown, ...values: string[]) => {
  expect(typeof v).toBe("string");
  expect(v as string).toMatch(new RegExp(`^\\$\\{${DUPLICATE_KEY}\\(.*\\)\\}$`));
  // Both values written stay in the expression, for the report and for references the engine follows.
  for (const x of values) expect(v as string).toContain(JSON.stringify(x));
};

describe("a key written twice in an object constructor, once computed", () => {
  test.each([
    ['{ "k" = "a", (local.k) = "b" }'],
    ['{ (local.k) = "b", "k" = "a" }'],
    ['{ k = "a", (local.k) = "b" }'],
    ['{ "k" = "a", "${local.k}" = "b" }'],
    ['{ "${local.k}" = "b", "k" = "a" }'],
    ['{ (local.k) = "a", "${local.k}" = "b" }'],
    ['{ (local.k) = "a", ("k") = "b" }'],
    ['{ ("k") = "a", (local.tag_keys.owner == "owner" ? "k" : "x") = "b" }'],
  ])("%s: the value is unknown, whichever order the source has", async (expr) => {
    const x = (await value(expr)) as Record<string, unknown>;
    expect(Object.keys(x)).toEqual(["k"]);
    isUnknownOf(x["k"], "a", "b");
  });

  test("a number key and a computed key that is the same number", async () => {
    const x = (await value('{ 1 = "a", (local.one) = "b" }')) as Record<string, unknown>;
    isUnknownOf(x["1"], "a", "b");
  });

  test("only the colliding key is unknown: the object's other keys keep their values", async () => {
    const x = (await value('{ "k" = "a", (local.k) = "b", other = "c", (local.j) = "d" }')) as Record<string, unknown>;
    isUnknownOf(x["k"], "a", "b");
    expect(x["other"]).toBe("c");
    expect(x["j"]).toBe("d");
  });

  test("in a nested object and in an object in a list", async () => {
    const x = (await value('{ outer = { "k" = "a", (local.k) = "b" }, list = [{ (local.k) = "c", k = "d" }] }')) as Record<string, Record<string, unknown>>;
    isUnknownOf(x["outer"]["k"], "a", "b");
    isUnknownOf((x["list"] as unknown as Record<string, unknown>[])[0]["k"], "c", "d");
  });

  test("object values that collide are unknown too (not merged)", async () => {
    const x = (await value('{ "k" = { a = 1 }, (local.k) = { b = 2 } }')) as Record<string, unknown>;
    expect(typeof x["k"]).toBe("string");
    expect(x["k"] as string).toContain(DUPLICATE_KEY);
  });
});

describe("the controls: what stays known", () => {
  test.each([
    ['{ "k" = "a", (local.j) = "b" }', { k: "a", j: "b" }],
    ['{ (local.k) = "a", "${local.j}" = "b", z = "c" }', { k: "a", j: "b", z: "c" }],
    // Both values the same: whichever Terraform keeps, it is that one.
    ['{ "k" = "a", (local.k) = "a" }', { k: "a" }],
    // Keys hcl2json sees as one (the same literal, the same expression): its map keeps the last, as Terraform does.
    ['{ "k" = "a", "k" = "b" }', { k: "b" }],
    ['{ (local.k) = "a", (local.k) = "b" }', { k: "b" }],
    // hcl2json normalises a key as Terraform does (NFC): one key, the last written.
    ['{ "e\\u0301" = "a", "\u00e9" = "b" }', { "\u00e9": "b" }],
    ['{ "\u00e9" = "b", "e\\u0301" = "a" }', { "\u00e9": "a" }],
    // hcl2json folds a template without references into its string: again one key to it.
    ['{ "k" = "a", "${"k"}" = "b" }', { k: "b" }],
    ['{ "${"k"}" = "b", "k" = "a" }', { k: "a" }],
    // An object inside an expression is parsed by blastwall in source order: the last one written wins, as in Terraform.
    ['true ? { "k" = "a", (local.k) = "b" } : {}', { k: "b" }],
    ['true ? { (local.k) = "b", "k" = "a" } : {}', { k: "a" }],
    ['merge({ "k" = "a" }, { (local.k) = "b" })', { k: "b" }],
    // A for expression with `...` groups the values of a key written twice, in the collection's order.
    ['{ for s in ["x", "y"] : local.k => s... }', { k: ["x", "y"] }],
  ])("%s is %j", async (expr, expected) => {
    expect(await value(expr)).toEqual(expected);
  });

  test("a for expression that makes one key twice without `...` (a Terraform error) is unknown", async () => {
    const v = await value('{ for s in ["x", "y"] : local.k => s }');
    expect(typeof v).toBe("string");
    expect(v as string).toMatch(/^\$\{\{ for /);
  });

  test("a computed key blastwall cannot evaluate leaves the whole object unknown, as before", async () => {
    const v = await value('{ "k" = "a", (var.v) = "b" }');
    expect(typeof v).toBe("string");
    expect(v as string).toContain("var.v");
  });
});

/** The red team's configuration (round 105): an AdministratorAccess role whose agent tag is written twice. */
function opsHelper(tags: string, provider = ""): string {
  return `provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["111111111111"]
${provider}}
locals {
  tag_keys = { owner = "owner", agent = "blastwall:agent", team = "team" }
}
resource "aws_iam_role" "ops_helper" {
  name               = "ops-helper"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111111111111:role/agent-runner" }, Action = ["sts:AssumeRole", "sts:SetSourceIdentity"], Condition = { StringLike = { "sts:SourceIdentity" = "agent-*" } } }] })
  tags = ${tags}
}
resource "aws_iam_role_policy_attachment" "ops_helper" {
  role       = aws_iam_role.ops_helper.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
`;
}

const destroyFindings = async (mainTf: string, config: BlastwallConfig = {}) =>
  (await checkPaths([dir({ "main.tf": mainTf })], { config, rules: agentRules })).findings
    .filter((f) => f.ruleId === "agent-destroy-right")
    .map((f) => f.principal);

describe("the agent tag written twice, through check", () => {
  test.each([
    ['{\n    "blastwall:agent" = "false"\n    (local.tag_keys.owner) = "platform"\n    (local.tag_keys.agent) = "true"\n  }'],
    ['{\n    (local.tag_keys.agent) = "true"\n    "blastwall:agent" = "false"\n  }'],
    ['{\n    "blastwall:agent" = "false"\n    "${local.tag_keys.agent}" = "true"\n  }'],
    ['{\n    (local.tag_keys.agent) = "false"\n    "${local.tag_keys.agent}" = "true"\n  }'],
    // Terraform keeps "false" here; blastwall cannot see the order, so it fails closed the same way.
    ['{\n    "${local.tag_keys.agent}" = "true"\n    (local.tag_keys.agent) = "false"\n  }'],
  ])("tags = %s: the role is an agent and its AdministratorAccess is reported", async (tags) => {
    expect(await destroyFindings(opsHelper(tags))).toEqual(["aws_iam_role.ops_helper"]);
  });

  test("in the provider's default_tags", async () => {
    const provider = '  default_tags {\n    tags = { "blastwall:agent" = "false", (local.tag_keys.agent) = "true" }\n  }\n';
    expect(await destroyFindings(opsHelper("{}", provider))).toEqual(["aws_iam_role.ops_helper"]);
  });

  test("a tag an agents.tags selector reads", async () => {
    const config: BlastwallConfig = { agents: { tags: { team: "ai" } } };
    expect(await destroyFindings(opsHelper('{ team = "platform", (local.tag_keys.team) = "ai" }'), config)).toEqual(["aws_iam_role.ops_helper"]);
    expect(await destroyFindings(opsHelper('{ team = "platform", (local.tag_keys.owner) = "ai" }'), config)).toEqual([]);
  });

  test.each([
    ['{\n    "blastwall:agent" = "false"\n    (local.tag_keys.owner) = "platform"\n  }'],
    ['{\n    "blastwall:agent" = "false"\n    (local.tag_keys.agent) = "false"\n  }'],
    ['merge({ (local.tag_keys.agent) = "true" }, { "blastwall:agent" = "false" })'],
  ])("the control: tags = %s is no agent", async (tags) => {
    expect(await destroyFindings(opsHelper(tags))).toEqual([]);
  });

  test("the synth-time reader (synchronous hcl2json) reads the tag the same way", () => {
    const load = loadHclSync(dir({ "main.tf": opsHelper('{ "blastwall:agent" = "false", (local.tag_keys.agent) = "true" }') }), parseHclSync);
    const role = load.stack.resources.find((r) => r.address === "aws_iam_role.ops_helper")!;
    isUnknownOf((role.values["tags"] as Record<string, unknown>)["blastwall:agent"], "false", "true");
  });
});
