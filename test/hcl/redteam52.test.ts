/**
 * Red-team round 52 on the HCL evaluator: values blastwall computed differently from Terraform. Every fact about
 * Terraform below was checked with Terraform 1.11.4 (`terraform console`, or `terraform plan` where the red-team
 * report says so). Each bypass has a control: the ordinary form still evaluates to the known value.
 */
import { Unk, fromJson } from "../../lib/hcl/values";
import { join } from "path";
import { checkPaths } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import { agentWithBoundary, destroy, destroyWith, dir, localValue, outcome } from "./helpers";
import { loadHcl } from "../../lib/hcl/load-hcl";

/**
 * As `destroyWith`, the boundary's variable given with `--var-file` (`given`: the file's text): since 0.8.0 a boundary
 * `-var` can change is read as widened, so these tests of how a value is typed give it as a deploy would fix it.
 */
async function destroyWithGiven(action: string, declaration: string, given: string): Promise<string[]> {
  const d = dir({ ...agentWithBoundary(action, declaration), "given.tfvars": given });
  const r = await checkPaths([d], { config: {}, rules: agentRules, varFiles: [join(d, "given.tfvars")] });
  return r.findings.filter((f) => f.ruleId === "agent-destroy-right").flatMap((f) => f.actions);
}

const isUnknownRendering = (v: unknown) => typeof v === "string" && v.startsWith("${");


// ---------------------------------------------------------------------------------------------------------

describe('1. "__proto__" is a key like any other', () => {
  test("01: a for_each map keyed __proto__ creates the agent role and its AdministratorAccess", async () => {
    const files = (key: string) => ({
      "main.tf": `locals {
  agents = { "${key}" = "AdministratorAccess" }
}
resource "aws_iam_role" "agent" {
  for_each           = local.agents
  name               = "agent-\${each.key}"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
  tags               = { "blastwall:agent" = "true" }
}
resource "aws_iam_role_policy_attachment" "agent" {
  for_each   = local.agents
  role       = aws_iam_role.agent[each.key].name
  policy_arn = "arn:aws:iam::aws:policy/\${each.value}"
}
`,
    });
    const proto = await loadHcl(dir(files("__proto__")));
    expect([...proto.stack.byAddress.keys()].sort()).toEqual([
      'aws_iam_role.agent["__proto__"]',
      'aws_iam_role_policy_attachment.agent["__proto__"]',
    ]);
    // The attachment names that very role instance.
    expect(proto.stack.byAddress.get('aws_iam_role_policy_attachment.agent["__proto__"]')!.values["role"]).toBe('${aws_iam_role.agent["__proto__"].name}');
    expect(await destroy(dir(files("__proto__")))).not.toEqual([]);
    expect(await destroy(dir(files("coder")))).not.toEqual([]);
  });

  test("02: a for expression over a map keyed __proto__ keeps its statement", async () => {
    const extra = (key: string) => `locals {
  boundary_groups = { "${key}" = ["ec2:*"], "read" = ["s3:GetObject", "ec2:Describe*"] }
}`;
    const statements = (key: string) =>
      localValue(`[for k, acts in local.boundary_groups : { Effect = "Allow", Action = acts }]`, { "e.tf": extra(key) });
    expect(await statements("__proto__")).toEqual([
      { Effect: "Allow", Action: ["ec2:*"] },
      { Effect: "Allow", Action: ["s3:GetObject", "ec2:Describe*"] },
    ]);
    expect(await destroyWith(`[for k, acts in local.boundary_groups : acts][0]`, extra("__proto__"))).not.toEqual([]);
    // The control: without the ec2:* group the boundary is read-only.
    expect(await destroyWith(`[for k, acts in local.boundary_groups : acts][1]`, extra("__proto__"))).toEqual([]);
  });

  test("03: a registry module with for_each keyed __proto__ is an unknown module", async () => {
    const files = (key: string) => ({
      "main.tf": `module "agent" {
  source   = "terraform-aws-modules/iam/aws//modules/iam-assumable-role"
  version  = "5.39.0"
  for_each = { "${key}" = "AdministratorAccess" }
  role_name = "agent-\${each.key}"
}
`,
    });
    expect((await loadHcl(dir(files("__proto__")))).unknownModules.map((m) => m.address)).toEqual(["module.agent"]);
    expect((await loadHcl(dir(files("coder")))).unknownModules.map((m) => m.address)).toEqual(["module.agent"]);
  });

  test("a local module with for_each keyed __proto__ is instantiated", async () => {
    const load = await loadHcl(
      dir({
        "main.tf": `module "team" {
  source   = "./team"
  for_each = { "__proto__" = "x" }
  name     = each.key
}
output "names" {
  value = [for k, m in module.team : m.name]
}
`,
        "team/main.tf": `variable "name" {}
resource "aws_iam_role" "r" {
  name               = var.name
  assume_role_policy = "{}"
}
output "name" {
  value = var.name
}
`,
      }),
    );
    expect([...load.stack.byAddress.keys()]).toEqual(['module.team["__proto__"].aws_iam_role.r']);
    expect((load.json["output"] as Record<string, { value: unknown }>)["names"].value).toEqual(["__proto__"]);
  });

  test.each([
    ['{ "__proto__" = "ec2:*", b = "x" }["__proto__"]', '"ec2:*"'],
    ['keys(merge({ "__proto__" = 1 }, { a = 2 }))', '["__proto__","a"]'],
    ['zipmap(["__proto__"], ["ec2:*"])["__proto__"]', '"ec2:*"'],
    ['keys(jsondecode("{\\"__proto__\\": 1}"))', '["__proto__"]'],
    ['keys(tomap({ "__proto__" = "a" }))', '["__proto__"]'],
    ['length({ "__proto__" = {} })', "1"],
    ['keys({ for k in ["__proto__", "a"] : k => 1 })', '["__proto__","a"]'],
    ['keys({ for k in ["__proto__", "__proto__"] : k => 1... })', '["__proto__"]'],
    ['contains([{ "__proto__" = {}, c = 1 }], { c = 1, d = 2 })', "false"],
    // An inherited "__proto__" (Object.prototype) once made these two equal.
    ['{ "__proto__" = {}, c = 1 } == { c = 1, d = 2 }', "false"],
  ])("%s is %s, as in Terraform", (expr, tf) => {
    expect(outcome(expr)).toBe(tf);
  });

  test("the policy's object literal, merge and zipmap keep a __proto__ key in the rendered JSON", async () => {
    expect(await localValue(`jsonencode({ "__proto__" = ["ec2:*"] })`)).toBe('{"__proto__":["ec2:*"]}');
    expect(await localValue(`merge({ a = 1 }, { "__proto__" = 2 })`)).toEqual(JSON.parse('{"a":1,"__proto__":2}'));
    expect(Object.keys((await localValue(`zipmap(["__proto__", "b"], [1, 2])`)) as object)).toEqual(["__proto__", "b"]);
  });

  test("a typed map variable and a tfvars file keep a __proto__ key", async () => {
    const variable = `variable "m" {\n  type = map(string)\n}\n`;
    expect(await localValue(`keys(var.m)`, { "v.tf": variable, "terraform.tfvars.json": `{"m": {"__proto__": "ec2:*"}}` })).toEqual(["__proto__"]);
    expect(await localValue(`var.m["__proto__"]`, { "v.tf": variable, "terraform.tfvars": `m = { "__proto__" = "ec2:*" }\n` })).toBe("ec2:*");
  });

  test("a resource named __proto__ is read", async () => {
    const load = await loadHcl(dir({ "main.tf": `resource "aws_iam_role" "__proto__" {\n  name = "x"\n  assume_role_policy = "{}"\n}\n` }));
    expect([...load.stack.byAddress.keys()]).toEqual(["aws_iam_role.__proto__"]);
    // An argument of that name (which the provider would refuse) is kept too, not turned into a prototype.
    const arg = await loadHcl(dir({ "main.tf": `resource "aws_iam_role" "r" {\n  name = "x"\n  __proto__ = { a = 1 }\n}\n` }));
    expect(Object.keys(arg.stack.byAddress.get("aws_iam_role.r")!.values)).toContain("__proto__");
  });
});

// ---------------------------------------------------------------------------------------------------------

describe("2. type unification", () => {
  test("04: a map(any) variable's bool becomes a string beside a string (the read-only branch is not taken)", async () => {
    const variable = `variable "agent" {\n  type = map(any)\n}\n`;
    const action = `var.agent.read_only == true ? ["ec2:Describe*", "s3:GetObject"] : ["ec2:*"]`;
    // terraform plan (red-team evidence): var.agent is tomap({ read_only = "true", team = "ops" }), the boundary ec2:*.
    expect(await destroyWithGiven(action, variable, `agent = { read_only = true, team = "ops" }\n`)).not.toEqual([]);
    // The control: a map of bools only stays bools.
    expect(await destroyWithGiven(action, variable, `agent = { read_only = true, audit = false }\n`)).toEqual([]);
  });

  test("05: a map(any) flag that is a string makes a registry module's count 1", async () => {
    const files = (def: string) => ({
      "main.tf": `variable "features" {
  type    = map(any)
  default = ${def}
}
module "legacy_agent" {
  source  = "terraform-aws-modules/iam/aws//modules/iam-assumable-role"
  version = "5.39.0"
  count   = var.features.legacy_agent == false ? 0 : 1
}
`,
    });
    // terraform console: `var.features.legacy_agent == false` is false (the value is "false").
    expect((await loadHcl(dir(files(`{ legacy_agent = false, owner = "platform" }`)))).unknownModules).toHaveLength(1);
    expect((await loadHcl(dir(files(`{ legacy_agent = false, other = true }`)))).unknownModules).toHaveLength(0);
  });

  test.each([
    // 06a-06d, terraform plan evidence of the red team.
    ['tomap({ a = "ec2:DescribeVolumes", b = true }).b == "true" ? "ec2:*" : "ec2:DescribeVolumes"'],
    ['tolist(["ec2:DescribeVolumes", true])[1] == "true" ? "ec2:*" : "ec2:DescribeVolumes"'],
    ['(true ? true : "x") == "true" ? "ec2:*" : "ec2:DescribeVolumes"'],
    ['coalesce(1, "x") == "1" ? ["ec2:*"] : ["ec2:Describe*"]'],
  ])("06: the boundary %s allows ec2:*", async (action) => {
    expect(await destroyWith(action)).not.toEqual([]);
  });

  test.each([
    ['tomap({ a = "ec2:DescribeVolumes", b = "x" }).b == "x" ? "ec2:DescribeVolumes" : "ec2:*"'],
    ['tolist(["ec2:DescribeVolumes", "x"])[0]'],
    ['(true ? "ec2:DescribeVolumes" : "x")'],
    ['coalesce("", "ec2:DescribeVolumes")'],
    ['var.read_only ? ["ec2:Describe*"] : ["ec2:*", "s3:*"]'],
  ])("the control: the boundary %s stays read-only", async (action) => {
    expect(await destroyWithGiven(action, `variable "read_only" {\n  default = true\n}\n`, "read_only = true\n")).toEqual([]);
  });

  // Each checked with `terraform console` (1.11.4): the value, or an error.
  test.each([
    ['true ? true : "x"', '"true"'],
    ['true ? 1 : "x"', '"1"'],
    ["true ? 1 : true", "ERROR"],
    ['true ? ["a"] : "x"', "ERROR"],
    ['false ? ["a"] : "x"', "ERROR"],
    ['true ? ["a"] : ["b", 1]', '["a"]'],
    ['true ? {a=1} : {a="x"}', '{"a":"1"}'],
    ["true ? {a=1} : {b=1}", '{"a":1}'],
    ['true ? "a" : null', '"a"'],
    ['true ? "a" : {a=1}.b', '"a"'],
    ['true ? [1, "x"] : [true, "y"]', "ERROR"],
    ['true ? {a = 1, b = "x"} : {a = "y", c = "z"}', '{"a":"1","b":"x"}'],
    ['true ? {a = 1, b = ["x"]} : {a = "y", c = "z"}', "ERROR"],
    ['true ? [1] : toset(["x"])', '["1"]'],
    ['true ? ["b", "a", "a"] : toset(["x"])', '["a","b"]'],
    ['true ? toset([2, 10]) : toset(["x"])', '["10","2"]'],
    ['true ? tomap({a="x"}) : {b=[1]}', "ERROR"],
    ['tomap({a = "x", b = true})', '{"a":"x","b":"true"}'],
    ["tomap({a = 1, b = true})", "ERROR"],
    ['tomap({a = ["x"], b = "x"})', "ERROR"],
    ['tomap({a = {x=1}, b = {y="s"}})', '{"a":{"x":"1"},"b":{"y":"s"}}'],
    ['tomap({a = [1], b = ["s", true]})', '{"a":["1"],"b":["s","true"]}'],
    ['tolist(["a", true])', '["a","true"]'],
    ["tolist([1, true])", "ERROR"],
    ['tolist([{a=1}, {a="x"}])', '[{"a":"1"},{"a":"x"}]'],
    ['toset(["b", true, 1])', '["1","b","true"]'],
    ['coalesce(1, "x")', '"1"'],
    ["coalesce(true, 1)", "ERROR"],
    ['coalesce(null, 1, "x")', '"1"'],
    ['coalesce(false, "")', '"false"'],
    ['coalesce("", "")', "ERROR"],
    ["coalesce([], [\"a\"])", "[]"],
    ['compact([1, "", "a"])', '["1","a"]'],
    ['distinct([1, "1"])', '["1"]'],
    ['lookup(tomap({a="x"}), "b", 1)', '"1"'],
    ['lookup(tomap({a="x"}), "a", [1])', "ERROR"],
    ['concat(tolist(["a"]), tolist([1]))', '["a","1"]'],
    ['setunion(["b"], [1], [true])', '["1","b","true"]'],
    ['setunion([1, true], ["x"])', "ERROR"],
    ['element(toset(["a"]), 0)', "ERROR"],
    // == never converts, and values of different types are never equal.
    ['split(",", "a") == ["a"]', "false"],
    ["range(1) == [0]", "false"],
    ['keys({a=1}) == ["a"]', "true"],
    ["tomap({a=1}) == {a=1}", "false"],
    ['{a=1} == {a="1"}', "false"],
    ['tolist(["a"]) == tolist(["a"])', "true"],
  ])("%s is %s", (expr, tf) => {
    expect(outcome(expr)).toBe(tf);
  });

  // Cases blastwall does not model: unknown, never a value that may differ (Terraform's result in the comment).
  test.each([
    ["coalesce(1, true, null)"], // 1: a literal null makes cty settle on the dynamic type
    ["tolist([null, 1])"], // [null, 1] as list(number); the null could have been a string's
    ['true ? tolist(["a", "a"]) : toset(["b"])'], // a list and a set: the list
    ['true ? 1 : aws_s3_bucket.b.bucket'], // "1" if the unknown is a string
    ['true ? ["a"] : aws_iam_role.r.tags'], // a tuple beside an unknown map: an error
  ])("%s is not claimed", (expr) => {
    expect(outcome(expr)).toBe("UNKNOWN");
  });

  test("a tag map beside an unknown keeps its content (unification can only make it a map), not its type", async () => {
    const files = { "r.tf": `resource "aws_iam_role" "other" {\n  name = "o"\n  assume_role_policy = "{}"\n}\n` };
    const tags = `true ? { "blastwall:agent" = "true" } : aws_iam_role.other.tags`;
    expect(await localValue(tags, files)).toEqual({ "blastwall:agent": "true" });
    expect(isUnknownRendering(await localValue(`(${tags}) == { "blastwall:agent" = "true" }`, files))).toBe(true);
    // A number beside an unknown may become a string: not claimed.
    expect(isUnknownRendering(await localValue(`true ? { n = 1 } : aws_iam_role.other.tags`, files))).toBe(true);
  });

  test("the type of a null is read from the expression: a literal null converts nothing, a typed variable's null does", async () => {
    const variable = (type: string) => `variable "v" {\n  ${type}\n  default = null\n}\n`;
    // terraform console: `true ? 1 : var.v` is "1" for `type = string`, 1 for no type or `type = any`.
    expect(await localValue(`true ? 1 : var.v`, { "v.tf": variable("type = string") })).toBe("1");
    expect(await localValue(`true ? 1 : var.v`, { "v.tf": variable("type = any") })).toBe(1);
    expect(await localValue(`true ? 1 : var.v`, { "v.tf": variable("") })).toBe(1);
    expect(await localValue(`true ? 1 : null`)).toBe(1);
    // terraform console: `coalesce(var.v, 3600)` is 3600 for `type = number`, "3600" for `type = string`.
    expect(await localValue(`coalesce(var.v, 3600)`, { "v.tf": variable("type = number") })).toBe(3600);
    expect(await localValue(`coalesce(var.v, 3600)`, { "v.tf": variable("type = string") })).toBe("3600");
    // A null whose type is not shown (an attribute of a typed object) may carry a string type: not claimed.
    expect(isUnknownRendering(await localValue(`true ? 1 : local.n`, { "n.tf": `locals {\n  n = tostring(null)\n}\n` }))).toBe(true);
  });

  test("variables of a collection of any are unified as Terraform does", async () => {
    const v = (type: string, def: string) => localValue(`var.v`, { "v.tf": `variable "v" {\n  type    = ${type}\n  default = ${def}\n}\n` });
    // terraform console, each: `var.v` with the type and default given.
    expect(await v("map(any)", `{ read_only = true, team = "ops" }`)).toEqual({ read_only: "true", team: "ops" });
    expect(await v("map(list(any))", `{ a = [1], b = ["x", true] }`)).toEqual({ a: ["1"], b: ["x", "true"] });
    expect(await v("list(any)", `[{ a = 1 }, { a = "x" }]`)).toEqual([{ a: "1" }, { a: "x" }]);
    expect(await v("map(object({ x = any }))", `{ a = { x = 1 }, b = { x = "s" } }`)).toEqual({ a: { x: "1" }, b: { x: "s" } });
    expect(await v("object({ a = any, b = list(any) })", `{ a = [1, "x"], b = [1, "x"] }`)).toEqual({ a: [1, "x"], b: ["1", "x"] });
    expect(await v("set(any)", `[2, 1, 10]`)).toEqual([1, 2, 10]);
    expect(await v("map(any)", `{ a = { x = 1 }, b = { y = "y" } }`)).toEqual({ a: { x: "1" }, b: { y: "y" } });
    // "all map elements must have the same type": Terraform stops, the variable is unknown here.
    expect(isUnknownRendering(await v("map(any)", `{ a = 1, b = true }`))).toBe(true);
    // The control: `any` alone converts nothing.
    expect(await v("any", `{ a = 1, b = true }`)).toEqual({ a: 1, b: true });
  });
});

// ---------------------------------------------------------------------------------------------------------

describe("3. try and can", () => {
  test("07a: try falls back where the conditional's results have no common type", async () => {
    expect(await destroyWith(`try(true ? ["ec2:Describe*"] : "ec2:DescribeVolumes", ["ec2:*"])`)).not.toEqual([]);
    expect(await destroyWith(`try(true ? ["ec2:Describe*"] : ["ec2:DescribeVolumes"], ["ec2:*"])`)).toEqual([]);
  });

  test("07b: try falls back where tomap cannot unify", async () => {
    expect(await destroyWith(`try(tomap({ a = ["ec2:Describe*"], b = "x" }).a, ["ec2:*"])`)).not.toEqual([]);
    expect(await destroyWith(`try(tomap({ a = ["ec2:Describe*"], b = ["x"] }).a, ["ec2:*"])`)).toEqual([]);
  });

  test.each([
    ['try(true ? ["a"] : "b", ["c"])', '["c"]'],
    ['try(tomap({ a = ["x"], b = "y" }).a, ["c"])', '["c"]'],
    ['try(tomap({ a = "x", b = true }).b, "c")', '"true"'],
    ['can(tomap({ a = ["x"], b = "y" }))', "false"],
    ['can(tomap({ a = "x", b = "y" }))', "true"],
    ["can({a=1}.b)", "false"],
    ['try(1, "x")', "1"],
  ])("%s is %s (terraform console)", (expr, tf) => {
    expect(outcome(expr)).toBe(tf);
  });

  test("where Terraform may or may not raise an error, try and can are not claimed", () => {
    // "a" unless the unknown turns out to be a list (an error, and then "b").
    expect(outcome('try(true ? "a" : aws_iam_role.r.tags, "b")')).toBe("UNKNOWN");
    expect(outcome("can(true ? \"a\" : aws_iam_role.r.tags)")).toBe("UNKNOWN");
    // The same conditional outside try is "a" (an error would stop the plan).
    expect(outcome('true ? "a" : aws_iam_role.r.tags')).toBe('"a"');
  });
});

// ---------------------------------------------------------------------------------------------------------

describe("4. order of sets and keys", () => {
  test("08: a set of numbers is ordered by value", async () => {
    const acts = `locals {\n  acts = ["ec2:*", "ec2:DescribeVolumes"]\n}\n`;
    // terraform console: tolist(toset([1, 0]))[0] is 0.
    expect(await destroyWith(`local.acts[tolist(toset([1, 0]))[0]]`, acts)).not.toEqual([]);
    expect(await destroyWith(`local.acts[tolist(toset([1, 2]))[0]]`, acts)).toEqual([]);
    expect(outcome("toset([1, 10, 2, -1])")).toBe("[-1,1,2,10]");
    expect(outcome("toset([true, false])")).toBe("[false,true]");
  });

  test("09a: values() of a map orders its keys by UTF-8 bytes", async () => {
    const tiers = (a: string, b: string) => `locals {\n  tiers = {\n    "${a}" = ["ec2:Describe*", "s3:GetObject"]\n    "${b}" = ["ec2:*"]\n  }\n}\n`;
    // terraform plan (red-team evidence): "！ full" sorts before "😀 read-only".
    expect(await destroyWith(`values(local.tiers)[0]`, tiers("😀 read-only", "！ full"))).not.toEqual([]);
    expect(await destroyWith(`values(local.tiers)[0]`, tiers("a read-only", "b full"))).toEqual([]);
  });

  test("09b: a set of strings is ordered by UTF-8 bytes", async () => {
    expect(await destroyWith(`tolist(toset(["😀:ec2:Describe*", "！"]))[0] == "！" ? ["ec2:*"] : ["ec2:Describe*"]`)).not.toEqual([]);
    expect(await destroyWith(`tolist(toset(["b", "a"]))[0] == "a" ? ["ec2:Describe*"] : ["ec2:*"]`)).toEqual([]);
  });

  test.each([
    ['keys(tomap({"😀" = 1, "！" = 2}))', '["！","😀"]'],
    ['[for k, v in {"😀 r" = "a", "！ f" = "b"} : v][0]', '"b"'],
    ['sort(["😀", "！", "a"])', '["a","！","😀"]'],
    ['jsonencode({"😀" = 1, "！" = 2})', JSON.stringify('{"！":2,"😀":1}')],
    ['tolist(toset(["😀:ec2:Describe*", "！"]))[0]', '"！"'],
  ])("%s is %s (terraform console)", (expr, tf) => {
    expect(outcome(expr)).toBe(tf);
  });

  test("a set(string) variable and for_each keys are in byte order", async () => {
    // terraform console: a set(string) default ["😀", "！", "b"] is toset(["b", "！", "😀"]).
    const v = `variable "v" {\n  type    = set(string)\n  default = ["😀", "！", "b"]\n}\n`;
    expect(await localValue(`tolist(var.v)`, { "v.tf": v })).toEqual(["b", "！", "😀"]);
    const load = await loadHcl(
      dir({ "main.tf": `resource "aws_iam_role" "r" {\n  for_each           = toset(["😀", "！"])\n  name               = each.key\n  assume_role_policy = "{}"\n}\n` }),
    );
    expect([...load.stack.byAddress.keys()]).toEqual(['aws_iam_role.r["！"]', 'aws_iam_role.r["😀"]']);
  });
});

// ---------------------------------------------------------------------------------------------------------

describe("5. numbers a double does not hold", () => {
  test("10: two locals that JSON rounds to one double are not equal", async () => {
    const locals = (a: string, b: string) => `locals {\n  build_id       = ${a}\n  approved_build = ${b}\n}\n`;
    const action = `local.build_id == local.approved_build ? ["ec2:Describe*"] : ["ec2:*"]`;
    // terraform plan (red-team evidence): they differ, the boundary is ec2:*.
    expect(await destroyWith(action, locals("9007199254740993", "9007199254740992"))).not.toEqual([]);
    expect(await destroyWith(action, locals("42", "42"))).toEqual([]);
  });

  test("a literal with more digits than a double holds is unknown wherever it is written", async () => {
    // terraform console: 1.00000000000000001 == 1 is false; 9007199254740993 == 9007199254740992 is false.
    expect(outcome("1.00000000000000001 == 1")).toBe("UNKNOWN");
    expect(outcome("-1.00000000000000001 == -1")).toBe("UNKNOWN");
    expect(outcome('tonumber("1.00000000000000001") == 1')).toBe("UNKNOWN");
    expect(outcome('"1.00000000000000001" + 0 == 1')).toBe("UNKNOWN");
    expect(outcome('jsondecode("1.00000000000000001") == 1')).toBe("UNKNOWN");
    expect(outcome('jsondecode("[9007199254740993]")[0] == 9007199254740992')).toBe("UNKNOWN");
    const unknownIn = async (files: Record<string, string>, expr = "local.n == 1") => isUnknownRendering(await localValue(expr, files));
    expect(await unknownIn({ "n.tf": `locals {\n  n = 1.00000000000000001\n}\n` })).toBe(true);
    expect(await unknownIn({ "n.tf.json": `{"locals": {"n": 1.00000000000000001}}` })).toBe(true);
    const variable = `variable "n" {\n  type = number\n}\n`;
    expect(await unknownIn({ "v.tf": variable, "terraform.tfvars": `n = 1.00000000000000001\n` }, "var.n == 1")).toBe(true);
    expect(await unknownIn({ "v.tf": variable, "terraform.tfvars.json": `{"n": 1.00000000000000001}` }, "var.n == 1")).toBe(true);
    expect(await unknownIn({ "v.tf": `variable "n" {\n  default = 9007199254740993\n}\n` }, "var.n == 9007199254740992")).toBe(true);
    expect(await unknownIn({ "v.tf": `variable "n" {\n  type    = number\n  default = "9007199254740993"\n}\n` }, "var.n > 0")).toBe(true);
  });

  test("JSON that reaches the evaluator without its text (the plan reader's variables) claims only safe whole numbers", () => {
    expect(fromJson(JSON.parse("[9007199254740993, 0.5, 42]"))).toEqual([new Unk("9007199254740992", false), new Unk("0.5", false), 42]);
  });

  test("the control: whole numbers a double holds stay known, written in any form", async () => {
    expect(outcome("1.0 == 1")).toBe("true");
    expect(outcome("4.2e1 == 42")).toBe("true");
    expect(outcome("9007199254740991 == 9007199254740991")).toBe("true");
    expect(outcome('tonumber("1e3")')).toBe("1000");
    expect(await localValue(`local.n + 1`, { "n.tf": `locals {\n  n = 41\n}\n` })).toBe(42);
    expect(await localValue(`var.n`, { "v.tf": `variable "n" {\n  type = number\n}\n`, "terraform.tfvars": "n = 3600\n" })).toBe(3600);
  });
});

// ---------------------------------------------------------------------------------------------------------

describe("6. formatlist (a false alarm)", () => {
  test("FA1: a boundary made with formatlist is read", async () => {
    expect(await destroyWith(`formatlist("ec2:%s", ["DescribeVolumes", "DescribeInstances"])`)).toEqual([]);
    expect(await destroyWith(`formatlist("ec2:%s", ["DescribeVolumes", "DeleteVolume"])`)).not.toEqual([]);
  });

  test.each([
    ['formatlist("%s-%s", ["a", "b"], "x")', '["a-x","b-x"]'],
    ['formatlist("%s", "x")', '["x"]'],
    ['formatlist("%d", [1, 2])', '["1","2"]'],
    ['formatlist("%s-%s", ["a", "b"], ["c"])', "ERROR"],
  ])("%s is %s (terraform console)", (expr, tf) => {
    expect(outcome(expr)).toBe(tf);
  });
});
