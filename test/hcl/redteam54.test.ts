/**
 * Red-team round 54 on the HCL evaluator: values blastwall computed differently from Terraform. Every fact about
 * Terraform below was checked with Terraform 1.11.4 (`terraform console`, or `terraform plan` where the red-team
 * report says so). Each bypass has a control: the ordinary form still evaluates to the known value.
 */
import { Tmpl } from "../../lib/hcl/values";
import { mkdirSync, writeFileSync } from "fs";
import { join } from "path";
import { agentWithBoundary, destroy, destroyWith, dir, evaluate, localValue, outcome } from "./helpers";


// ---------------------------------------------------------------------------------------------------------

const READ = `["ec2:Describe*", "s3:GetObject"]`;

describe("1. min() and max() with two or more arguments", () => {
  test("01a: max(var.access_level, 1) > 1 picks the ec2:* boundary", async () => {
    const extra = `variable "access_level" {\n  default = 2\n}`;
    expect(await destroyWith(`max(var.access_level, 1) > 1 ? ["ec2:*"] : ${READ}`, extra)).not.toEqual([]);
    // The control: at level 1 the boundary is read-only.
    expect(await destroyWith(`max(var.access_level, 1) > 1 ? ["ec2:*"] : ${READ}`, `variable "access_level" {\n  default = 1\n}`)).toEqual([]);
  });

  test("values as Terraform gives them", () => {
    expect(outcome("max(2, 1)")).toBe("2");
    expect(outcome("min(7200, 3600)")).toBe("3600");
    expect(outcome("max(1, 5, 3)")).toBe("5");
    expect(outcome("min(4, -2, 9)")).toBe("-2");
    expect(outcome("max(2, 1) > 1")).toBe("true");
    expect(outcome("range(max(1, 2))")).toBe("[0,1]");
    expect(outcome("max(5)")).toBe("5");
  });

  test("FA1: max_session_duration = min(7200, 3600) is 3600, not null", async () => {
    expect(await localValue("min(7200, 3600)")).toBe(3600);
  });
});

describe("2. try() and can(): an error anywhere in the argument", () => {
  test("02a: try(a || b, false) with b missing falls back to false", async () => {
    const extra = (opts: string) => `variable "agent_options" {
  default = ${opts}
}
locals {
  read_only = try(var.agent_options.read_only || var.agent_options.strict_mode, false)
}`;
    const action = `local.read_only ? ${READ} : ["ec2:*"]`;
    expect(await destroyWith(action, extra("{ read_only = true }"))).not.toEqual([]);
    // The control: with both switches set there is no error, and the boundary is read-only.
    expect(await destroyWith(action, extra("{ read_only = true, strict_mode = false }"))).toEqual([]);
  });

  test("02b: try(element([ok, failing], 0), ...) falls back", async () => {
    const extra = (opts: string) => `variable "agent_options" {
  default = ${opts}
}
locals {
  read_actions = ${READ}
}`;
    const action = `try(element([local.read_actions, var.agent_options.extra_actions], 0), ["ec2:*"])`;
    expect(await destroyWith(action, extra("{ read_only = true }"))).not.toEqual([]);
    expect(await destroyWith(action, extra(`{ extra_actions = ["s3:ListBucket"] }`))).toEqual([]);
  });

  test("every operand, element and argument is evaluated (checked with terraform console)", () => {
    expect(outcome(`try(true || {}.x, "fell")`)).toBe('"fell"');
    expect(outcome("can(true || {}.x)")).toBe("false");
    expect(outcome("can({}.x || true)")).toBe("false");
    expect(outcome("can(false && {}.x)")).toBe("false");
    expect(outcome(`can(["a", {}.x][0])`)).toBe("false");
    expect(outcome(`can({ a = "x", b = {}.x }.a)`)).toBe("false");
    expect(outcome(`can(element(["a", {}.x], 0))`)).toBe("false");
    expect(outcome("can(length([{}.x]))")).toBe("false");
    expect(outcome("can(-({}.x))")).toBe("false");
    expect(outcome(`can(["a", "b"][{}.x])`)).toBe("false");
  });

  test("errors Terraform does not raise still leave try / can known", () => {
    // The result not taken by a conditional, and an error caught by a nested try / can.
    expect(outcome(`can(true ? "a" : {}.x)`)).toBe("true");
    expect(outcome(`can(false ? {}.x : "b")`)).toBe("true");
    expect(outcome("can(try({}.x, 1))")).toBe("true");
    expect(outcome("can([can({}.x), 1][1])")).toBe("true");
    expect(outcome(`try(false || true, "fell")`)).toBe("true");
    expect(outcome(`false && true`)).toBe("false");
    expect(outcome(`true || false`)).toBe("true");
  });

  test("an error made and dropped where blastwall does not propagate it: not known", () => {
    expect(outcome(`can([for i, v in ["a", {}.x] : v if i == 0])`)).toBe("UNKNOWN");
    // Terraform: false (the for expression fails); blastwall does not carry the error out of a for: not known.
    expect(outcome(`can(length([for v in ["a"] : {}.x]))`)).toBe("UNKNOWN");
    expect(outcome(`can(length([for v in ["a"] : v]))`)).toBe("true");
  });
});

describe("3. strings are normalised to Unicode NFC", () => {
  test("03a: var.access == a decomposed literal is true", async () => {
    const extra = `variable "access" {\n  default = "compl\\u00e8te"\n}`;
    expect(await destroyWith(`var.access == "comple\\u0300te" ? ["ec2:*"] : ${READ}`, extra)).not.toEqual([]);
    expect(await destroyWith(`var.access == "partial" ? ["ec2:*"] : ${READ}`, extra)).toEqual([]);
  });

  test("03b: lookup finds a key written decomposed", async () => {
    const extra = (key: string) => `variable "profile" {\n  default = "compl\\u00e8te"\n}
locals {
  boundary_sets = merge({ read = ${READ} }, { "${key}" = ["ec2:*"] })
}`;
    const action = `lookup(local.boundary_sets, var.profile, ${READ})`;
    expect(await destroyWith(action, extra("comple\\u0300te"))).not.toEqual([]);
    expect(await destroyWith(action, extra("other"))).toEqual([]);
  });

  test("values as Terraform gives them", () => {
    expect(outcome(`"e\\u0301" == "\\u00e9"`)).toBe("true");
    expect(outcome(`{ "e\\u0301" = 1, "\\u00e9" = 2 }`)).toBe(JSON.stringify({ "\u00e9": 2 }));
    expect(outcome(`values({ "e\\u0301" = "a", f = "b" })`)).toBe('["b","a"]');
    expect(outcome(`strcontains("cafe\\u0301", "cafe")`)).toBe("false");
    expect(outcome(`replace("cafe\\u0301", "e", "X")`)).toBe(JSON.stringify("caf\u00e9"));
    expect(outcome(`"\${"e"}\${"\\u0301"}" == "\\u00e9"`)).toBe("true");
    // A function result that is not NFC is not claimed (Terraform: "é").
    expect(outcome(`join("", ["e", "\\u0301"])`)).toBe("UNKNOWN");
    expect(outcome(`"e\\u0301"`)).toBe(JSON.stringify("\u00e9"));
    expect(outcome(`"abc" == "abc"`)).toBe("true");
    // Literal text next to an unknown part is normalised too.
    const t = evaluate(`"e\u0301\${var.x}"`);
    expect(t instanceof Tmpl && t.parts[0]).toBe("\u00e9");
  });

  test("tfvars.json values and keys are normalised", async () => {
    const files = {
      "v.tf": `variable "access" {}
variable "sets" {}`,
      "terraform.tfvars.json": JSON.stringify({ access: "comple\u0300te", sets: { "comple\u0300te": ["ec2:*"] } }),
    };
    expect(await localValue(`var.access == "compl\u00e8te"`, files)).toBe(true);
    expect(await localValue(`lookup(var.sets, "compl\u00e8te", [])`, files)).toEqual(["ec2:*"]);
    expect(await localValue(`var.access == "other"`, files)).toBe(false);
  });
});

describe("4. negative zero", () => {
  test("04: \"tier${var.demotion * -1}\" is not claimed to be tier0", async () => {
    const extra = (d: number) => `variable "demotion" {\n  default = ${d}\n}
locals {
  tier = "tier\${var.demotion * -1}"
}`;
    const action = `local.tier == "tier0" ? ${READ} : ["ec2:*"]`;
    expect(await destroyWith(action, extra(0))).not.toEqual([]);
    // The control: tier-1 is known, and a boundary on "tier-1" is read-only.
    expect(await destroyWith(`local.tier == "tier-1" ? ${READ} : ["ec2:*"]`, extra(1))).toEqual([]);
  });

  test("-0 is never a known 0", () => {
    for (const e of ["0 * -1", "-0", "-(0)", `tonumber("-0")`, `tostring(-0)`, `"x\${0 * -1}"`, `-("0")`]) expect([e, outcome(e)]).toEqual([e, "UNKNOWN"]);
    expect(outcome("0 * 1")).toBe("0");
    expect(outcome("1 - 1")).toBe("0");
    expect(outcome(`"-0" + 0`)).toBe("0");
  });
});

describe("5. function semantics", () => {
  test("05a: concat of lists that do not unify is a tuple", async () => {
    const extra = `variable "read_actions" {
  type    = list(string)
  default = ["ec2:Describe*"]
}
variable "extra_groups" {
  type    = list(list(string))
  default = [["ec2:*"]]
}`;
    const action = `can(concat(var.read_actions, var.extra_groups)) ? flatten(concat(var.read_actions, var.extra_groups)) : var.read_actions`;
    expect(await destroyWith(action, extra)).not.toEqual([]);
    expect(outcome("concat(tolist([1]), tolist([true]))")).toBe("[1,true]");
    expect(outcome(`concat(tolist(["a"]), tolist(["b"]))`)).toBe('["a","b"]');
    expect(outcome("can(concat())")).toBe("false");
  });

  test("05b: coalescelist refuses a set", async () => {
    const extra = (t: string) => `variable "override_actions" {
  type    = ${t}
  default = ["s3:GetObject"]
}`;
    const action = `try(coalescelist(var.override_actions, ${READ}), ["ec2:*"])`;
    expect(await destroyWith(action, extra("set(string)"))).not.toEqual([]);
    expect(await destroyWith(action, extra("list(string)"))).toEqual([]);
    expect(outcome(`can(coalescelist(toset(["a"]), ["b"]))`)).toBe("false");
    expect(outcome(`coalescelist([], ["b"])`)).toBe('["b"]');
  });

  test("05c: range with a step pointing the wrong way is an error", async () => {
    expect(await destroyWith(`can(range(0, 3, -1)) ? ${READ} : ["ec2:*"]`)).not.toEqual([]);
    expect(await destroyWith(`can(range(3, 0, -1)) ? ${READ} : ["ec2:*"]`)).toEqual([]);
    expect(outcome("can(range(5, 0, 1))")).toBe("false");
    expect(outcome("can(range(0, 0, -1))")).toBe("true");
    expect(outcome("range(3, 0)")).toBe("[3,2,1]");
  });

  test("05d: a string list index converts as Terraform converts it", async () => {
    const extra = (i: string) => `variable "set_index" {\n  default = "${i}"\n}
locals {
  action_sets = [${READ}, ["ec2:*"]]
}`;
    const action = `try(local.action_sets[var.set_index], ${READ})`;
    expect(await destroyWith(action, extra("1.0"))).not.toEqual([]);
    expect(await destroyWith(action, extra("0"))).toEqual([]);
    for (const [k, v] of [["1.0", '"b"'], ["+1", '"b"'], ["1e0", '"b"'], ["-0", '"a"'], ["1", '"b"']]) expect(outcome(`["a", "b"]["${k}"]`)).toBe(v);
    expect(outcome(`can(["a", "b"]["x"])`)).toBe("false");
  });

  test("05e: contains tells a list from a tuple", async () => {
    const extra = `variable "requested" {
  type    = list(string)
  default = ["ec2:*"]
}
locals {
  forbidden_sets = [["ec2:*"], ["*"]]
}`;
    expect(await destroyWith(`contains(local.forbidden_sets, var.requested) ? ${READ} : var.requested`, extra)).not.toEqual([]);
    expect(outcome(`contains([["ec2:*"]], tolist(["ec2:*"]))`)).toBe("false");
    expect(outcome(`contains([{ a = 1 }], tomap({ a = 1 }))`)).toBe("false");
    expect(outcome(`contains([["ec2:*"]], ["ec2:*"])`)).toBe("true");
    expect(outcome(`contains(["a", "b"], "b")`)).toBe("true");
  });
});

describe("red-team round 55: files and strings as Terraform reads them", () => {
  const withFiles = async (action: string, files: Record<string, string | Buffer>) => {
    const d = dir(agentWithBoundary(action));
    for (const [name, content] of Object.entries(files)) {
      if (content === "<dir>") mkdirSync(join(d, name));
      else writeFileSync(join(d, name), content);
    }
    return destroy(d);
  };

  test("a file that is not UTF-8 is no text: try does not take it", async () => {
    const action = `try(split(",", file("actions.txt")), ["ec2:*"])`;
    expect(await withFiles(action, { "actions.txt": Buffer.from([0x65, 0x63, 0x32, 0x3a, 0x44, 0xff]) })).not.toEqual([]);
    expect(await withFiles(action, { "actions.txt": "ec2:Describe*" })).toEqual([]);
  });

  test("fileexists of a directory is an error in Terraform, never false", async () => {
    const action = `can(fileexists("conf")) ? ${READ} : ["ec2:*"]`;
    expect(await withFiles(action, { conf: "<dir>" })).not.toEqual([]);
    expect(await withFiles(action, { conf: "x" })).toEqual([]);
  });

  test("a lone surrogate in JSON is U+FFFD, as Terraform makes it", async () => {
    expect(await localValue('jsondecode("{\\"t\\":\\"\\\\ud800\\"}").t == "\\ufffd"')).toBe(true);
    expect(await localValue('jsondecode("{\\"t\\":\\"\\\\u00e9\\"}").t == "é"')).toBe(true);
  });
});

describe("red-team round 56: a module folder's files", () => {
  const { checkPaths } = require("../../lib/check/run-check") as typeof import("../../lib/check/run-check");
  const { agentRules } = require("../../lib/rules") as typeof import("../../lib/rules");
  const { symlinkSync } = require("fs") as typeof import("fs");
  const folder = () => dir({ "main.tf": 'module "m" {\n  source = "./mod"\n}\n', "mod/a.tf": 'resource "aws_sns_topic" "t" {}\n' });
  const run = (d: string) => checkPaths([d], { config: {}, rules: agentRules });

  test("a link to nothing in a module folder is bad input, as in the root folder", async () => {
    const d = folder();
    symlinkSync(join(d, "missing.tf"), join(d, "mod", "b.tf"));
    await expect(run(d)).rejects.toThrow(/mod\/b\.tf: is a link to nothing/);
  });

  test("the control: a folder named like a file is skipped, as Terraform skips it", async () => {
    const d = folder();
    mkdirSync(join(d, "mod", "c.tf"));
    expect((await run(d)).findings).toEqual([]);
  });
});
