import { chmodSync, readFileSync } from "fs";
import { join } from "path";
import { buildStack } from "../../lib/engine/terraform/stack";
import { InputError, type TfStack } from "../../lib/engine/terraform/types";
import { loadHcl, loadHclStack, UNKNOWN_MODULE_TYPE } from "../../lib/hcl/load-hcl";
import { tree } from "../helpers/files";

const FIXTURES = join(__dirname, "..", "fixtures", "hcl");
const fixture = (name: string) => join(FIXTURES, name);

function values(stack: TfStack, address: string): Record<string, unknown> {
  const r = stack.byAddress.get(address);
  if (!r) throw new Error(`no ${address} in ${[...stack.byAddress.keys()].join(", ")}`);
  return r.values as Record<string, unknown>;
}

/** Writes `files` (relative path → text) into a fresh temporary directory. */
async function inputError(p: Promise<unknown>): Promise<InputError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error("expected an InputError");
}

describe("attachment forms", () => {
  test("turn into the same TfStack as the equivalent Terraform JSON", async () => {
    const stack = await loadHclStack(fixture("attachments"));
    const expected = buildStack(JSON.parse(readFileSync(join(fixture("attachments"), "expected.json"), "utf8")), "expected.json");
    const shape = (s: TfStack) =>
      [...s.resources]
        .map((r) => ({ mode: r.mode, type: r.type, name: r.name, address: r.address, values: r.values, lifecycle: r.lifecycle }))
        .sort((a, b) => a.address.localeCompare(b.address));
    expect(shape(stack)).toEqual(shape(expected));
    expect([...stack.byType.keys()].sort()).toEqual([...expected.byType.keys()].sort());
    expect(stack.providers?.get("aws")).toEqual({ region: "eu-west-1" });
    expect(stack.file).toBe(fixture("attachments"));
  });

  test("every resource points at the line of its block", async () => {
    const stack = await loadHclStack(fixture("attachments"));
    const at = (a: string) => stack.byAddress.get(a)?.location;
    expect(at("aws_s3_bucket.data")).toBe("main.tf:12");
    expect(at("aws_iam_role.agent")).toBe("main.tf:16");
    expect(at("aws_iam_user_policy.bot")).toBe("main.tf:80");
    expect(at("aws_iam_group_membership.ops")).toBe("main.tf:125");
    expect(at("data.aws_iam_policy_document.delete")).toBe("main.tf:131");
    expect(stack.resources.every((r) => /^main\.tf:\d+$/.test(r.location ?? ""))).toBe(true);
  });

  test("arguments and nested blocks know their line too", async () => {
    const load = await loadHcl(fixture("attachments"));
    const agent = load.attributeLocations.get("aws_iam_role.agent")!;
    expect(agent.get("assume_role_policy")).toBe("main.tf:18");
    expect(agent.get("managed_policy_arns")).toBe("main.tf:26");
    expect(agent.get("inline_policy")).toBe("main.tf:28");
    expect(agent.get("tags")).toBe("main.tf:41");
    expect(load.attributeLocations.get("aws_iam_user_policy.bot")!.get("policy")).toBe("main.tf:83");
    expect(load.attributeLocations.get("data.aws_iam_policy_document.delete")!.get("statement")).toBe("main.tf:132");
  });
});

describe("policy documents", () => {
  test("jsonencode of literal objects, locals, heredocs, files and templates", async () => {
    const stack = await loadHclStack(fixture("jsonencode"));
    const policy = (n: string) => values(stack, `aws_iam_role_policy.${n}`)["policy"];
    expect(JSON.parse(policy("from_local") as string)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Sid: "Write", Effect: "Allow", Action: ["s3:DeleteObject", "s3:PutObject"], Resource: "${aws_s3_bucket.logs.arn}/*" }],
    });
    expect(JSON.parse(policy("colon_keys") as string)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: "dynamodb:DeleteTable",
          Resource: "${aws_dynamodb_table.t.arn}",
          Condition: { StringLike: { "aws:userid": "AIDA*:$${aws:username}" } },
        },
      ],
    });
    expect(JSON.parse(policy("heredoc") as string)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "${aws_s3_bucket.logs.arn}" }],
    });
    expect(JSON.parse(policy("from_file") as string).Statement[0].Action).toBe("kms:ScheduleKeyDeletion");
    expect(JSON.parse(policy("from_template") as string).Statement).toEqual([
      { Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "${aws_s3_bucket.logs.arn}" },
      { Effect: "Allow", Action: "ec2:DeleteSnapshot", Resource: "${aws_s3_bucket.logs.arn}" },
      { Effect: "Deny", Action: "iam:*", Resource: "*" },
    ]);
  });

  test("what cannot be evaluated stays a token", async () => {
    const load = await loadHcl(fixture("jsonencode"));
    const policy = (n: string) => values(load.stack, `aws_iam_role_policy.${n}`)["policy"];
    expect(policy("unknown")).toBe("${var.policy_json}");
    expect(policy("computed")).toContain('"Id":"${upper(aws_s3_bucket.logs.id)}"');
    expect(policy("dynamic_condition")).toContain('"Condition":"${lookup(local.missing_map, "x", null)}"');
    expect(load.unresolved).toContainEqual({
      address: "aws_iam_role_policy.computed",
      location: "main.tf:64",
      attribute: "policy",
      expression: "upper(aws_s3_bucket.logs.id)",
      reference: false,
    });
  });

  test("data.aws_iam_policy_document blocks keep the Terraform JSON block shape", async () => {
    const stack = await loadHclStack(fixture("policy-document"));
    expect(values(stack, "data.aws_iam_policy_document.trust")).toEqual({
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [
            { type: "Service", identifiers: ["ec2.amazonaws.com"] },
            { type: "AWS", identifiers: ["arn:aws:iam::123456789012:root"] },
          ],
          condition: [{ test: "StringEquals", variable: "sts:ExternalId", values: ["abc"] }],
        },
      ],
    });
    expect(values(stack, "aws_iam_role.agent")["assume_role_policy"]).toBe("${data.aws_iam_policy_document.trust.json}");
    expect(values(stack, "data.aws_iam_policy_document.combined")).toEqual({
      source_policy_documents: ["${data.aws_iam_policy_document.known_dynamic.json}"],
      override_policy_documents: ["${data.aws_iam_policy_document.unknown_dynamic.json}"],
    });
  });

  test("dynamic statement blocks expand when for_each is known, and stay dynamic otherwise", async () => {
    const stack = await loadHclStack(fixture("policy-document"));
    expect(values(stack, "data.aws_iam_policy_document.known_dynamic")["statement"]).toEqual([
      { sid: "Static", actions: ["s3:GetObject"], resources: ["*"] },
      { sid: "snapshots", actions: ["ec2:DeleteSnapshot"], resources: ["*"] },
      { sid: "volumes", actions: ["ec2:DeleteVolume"], resources: ["*"] },
    ]);
    expect(values(stack, "data.aws_iam_policy_document.unknown_dynamic")).toEqual({
      dynamic: {
        statement: [{ for_each: "${var.extra_actions}", iterator: "act", content: [{ actions: ["${act.value}"], resources: ["*"] }] }],
      },
    });
  });
});

describe("variables and locals", () => {
  test("defaults, tfvars, locals referring to each other, interpolation and functions", async () => {
    const stack = await loadHclStack(fixture("variables"));
    const role = values(stack, "aws_iam_role.agent");
    // terraform.tfvars sets env = "prod"; zz.auto.tfvars sets region.
    expect(role["name"]).toBe("data-prod-agent");
    expect(role["tags"]).toEqual({ "blastwall:agent": "true", Env: "PROD" });
    expect(role["description"]).toBe("production agent");
    expect(role["path"]).toBe("/data/prod/");
    expect(JSON.parse(values(stack, "aws_iam_role_policy.agent")["policy"] as string).Statement[0].Resource).toBe("arn:aws:s3:::data-prod-bucket");
    expect(stack.variables.get("env")).toBe("prod");
    expect(stack.variables.get("region")).toBe("us-east-2");
    expect(stack.variables.has("account_id")).toBe(false);
    expect(stack.locals.get("role")).toBe("data-prod-agent");
  });

  test("a variable without a value and a cycle of locals stay tokens", async () => {
    const stack = await loadHclStack(fixture("variables"));
    expect(values(stack, "aws_iam_role_policy_attachment.other_account")["role"]).toBe("arn:aws:iam::${var.account_id}:role/agent");
    expect(values(stack, "aws_iam_role_policy_attachment.loop")["role"]).toMatch(/^\$\{local\.loop_[ab]\}$/);
  });

  test("count = 0 from a literal condition creates nothing", async () => {
    const stack = await loadHclStack(fixture("variables"));
    expect(stack.byType.get("aws_iam_role")?.map((r) => r.address)).toEqual(["aws_iam_role.agent"]);
  });
});

describe("count and for_each", () => {
  test("expand into instances with count.index and each.key / each.value substituted", async () => {
    const stack = await loadHclStack(fixture("expansion"));
    const roles = stack.byType.get("aws_iam_role")!.map((r) => r.address);
    expect(roles).toEqual([
      "aws_iam_role.agent[0]",
      "aws_iam_role.agent[1]",
      'aws_iam_role.team["blue"]',
      'aws_iam_role.team["red"]',
      "aws_iam_role.per_zone",
    ]);
    expect(values(stack, "aws_iam_role.agent[1]")["name"]).toBe("agent-1");
    expect(values(stack, 'aws_iam_role.team["red"]')["name"]).toBe("team-red");
    expect(JSON.parse(values(stack, 'aws_iam_role_policy.team["blue"]')["policy"] as string).Statement[0].Action).toEqual(["ec2:DeleteVolume"]);
    const agent1 = stack.byAddress.get("aws_iam_role.agent[1]")!;
    expect(agent1.name).toBe("agent");
    expect(agent1.location).toBe("main.tf:14");
    expect(stack.byType.get("aws_iam_user")!.map((r) => r.address)).toEqual(['aws_iam_user.ops["alice"]', 'aws_iam_user.ops["bob"]']);
  });

  test("references to instances are rewritten to instance addresses", async () => {
    const stack = await loadHclStack(fixture("expansion"));
    expect(values(stack, "aws_iam_role_policy_attachment.agent[1]")["role"]).toBe("${aws_iam_role.agent[1].name}");
    expect(values(stack, 'aws_iam_role_policy.team["red"]')["role"]).toBe('${aws_iam_role.team["red"].name}');
    const all = values(stack, "aws_iam_policy_attachment.all");
    expect(all["roles"]).toEqual(["${aws_iam_role.agent[0].name}", "${aws_iam_role.agent[1].name}"]);
    expect(all["users"]).toEqual(['${aws_iam_user.ops["alice"].name}', '${aws_iam_user.ops["bob"].name}']);
  });

  test("an unknown count leaves one representative instance that keeps its count", async () => {
    const stack = await loadHclStack(fixture("expansion"));
    expect(values(stack, "aws_iam_role.per_zone")).toEqual({
      name: "zone-${count.index}",
      assume_role_policy: "{}",
      count: "${length(data.aws_availability_zones.all.names)}",
    });
    expect(values(stack, "aws_iam_role_policy_attachment.per_zone")["role"]).toBe("${aws_iam_role.per_zone.name}");
    expect(stack.byAddress.has("aws_iam_role.none")).toBe(false);
    expect([...stack.byAddress.keys()].some((a) => a.startsWith("aws_iam_role.none"))).toBe(false);
  });
});

describe("local modules", () => {
  test("are inlined with their inputs, addresses prefixed with the module path", async () => {
    const stack = await loadHclStack(fixture("local-module"));
    const role = stack.byAddress.get("module.agent.aws_iam_role.this")!;
    expect(role).toMatchObject({ type: "aws_iam_role", name: "this", location: "modules/agent/main.tf:5" });
    expect(role.values).toEqual({ name: "bot-prod", assume_role_policy: "{}", tags: { "blastwall:agent": "true", Name: "bot-prod" } });
    expect(values(stack, "module.agent.data.aws_iam_policy_document.this")["statement"]).toEqual([
      { actions: ["s3:DeleteObject"], resources: ["${aws_s3_bucket.data.arn}", "${aws_s3_bucket.data.arn}/*"] },
    ]);
    expect(values(stack, "module.agent.aws_iam_policy.this")["policy"]).toBe("${module.agent.data.aws_iam_policy_document.this.json}");
    expect(values(stack, "module.agent.aws_iam_role_policy_attachment.this")).toEqual({
      role: "${module.agent.aws_iam_role.this.name}",
      policy_arn: "${module.agent.aws_iam_policy.this.arn}",
    });
  });

  test("nested modules and for_each on a module block", async () => {
    const stack = await loadHclStack(fixture("local-module"));
    const deny = stack.byAddress.get("module.agent.module.perm.aws_iam_role_policy.deny")!;
    expect(deny.location).toBe("modules/agent/perm/main.tf:3");
    expect(deny.values["role"]).toBe("${module.agent.aws_iam_role.this.id}");
    expect(values(stack, 'module.fleet["b"].aws_iam_role.this')["name"]).toBe("fleet-b");
    expect(values(stack, 'module.fleet["a"].data.aws_iam_policy_document.this')["statement"]).toEqual([
      { actions: ["ec2:DeleteVolume"], resources: ["*", "*/*"] },
    ]);
  });

  test("module outputs resolve in the caller to what they refer to", async () => {
    const load = await loadHcl(fixture("local-module"));
    expect(values(load.stack, "aws_iam_role_policy_attachment.extra")["role"]).toBe("${module.agent.aws_iam_role.this.name}");
    expect(values(load.stack, "aws_iam_role_policy_attachment.fleet_a")).toEqual({
      role: '${module.fleet["a"].aws_iam_role.this.name}',
      policy_arn: '${module.fleet["a"].aws_iam_policy.this.arn}',
    });
    expect((load.json["output"] as Record<string, unknown>)["agent_role"]).toEqual({ value: "${module.agent.aws_iam_role.this.arn}" });
    expect(load.unknownModules).toEqual([]);
    expect(load.files).toEqual(["main.tf", "modules/agent/main.tf", "modules/agent/outputs.tf", "modules/agent/perm/main.tf", "modules/agent/variables.tf"]);
  });
});

describe("modules blastwall cannot read", () => {
  test("fail closed as blastwall_unknown_module resources with file and line", async () => {
    const load = await loadHcl(fixture("registry-module"));
    const unknown = load.stack.byType.get(UNKNOWN_MODULE_TYPE)!;
    expect(unknown.map((r) => [r.address, r.location])).toEqual([
      ["module.iam", "main.tf:7"],
      ["module.from_git", "main.tf:15"],
    ]);
    const iam = load.stack.byAddress.get("module.iam")!;
    expect(iam.values).toMatchObject({ source: "terraform-aws-modules/iam/aws//modules/iam-policy", version: "5.39.0" });
    expect(iam.values["reason"]).toMatch(/registry module.*unknown/);
    expect((iam.values["inputs"] as Record<string, unknown>)["name"]).toBe("agent-extra");
    expect(load.stack.byAddress.get("module.from_git")!.values["reason"]).toMatch(/git repository/);
    expect(load.unknownModules.map((m) => m.address).sort()).toEqual(["module.from_git", "module.iam"]);
    // A module block with no instances creates nothing, known or not.
    expect(load.stack.byAddress.has("module.disabled")).toBe(false);
    // Their outputs are tokens the engine cannot resolve.
    expect(values(load.stack, "aws_iam_role_policy_attachment.extra")["policy_arn"]).toBe("${module.iam.arn}");
  });
});

describe("file handling", () => {
  test(".tf.json files and override files are merged like Terraform does", async () => {
    const stack = await loadHclStack(fixture("overrides"));
    expect(JSON.parse(values(stack, "aws_iam_role_policy.agent")["policy"] as string).Statement[0].Action).toBe("s3:DeleteBucket");
    expect(stack.byAddress.get("aws_iam_role.agent")!.lifecycle).toEqual({ create_before_destroy: true, prevent_destroy: true });
    expect(values(stack, "aws_iam_user.from_json")["name"]).toBe("user-json");
    expect(stack.byAddress.get("aws_iam_user.from_json")!.location).toBe("extra.tf.json:5");
    expect(values(stack, "aws_iam_user_policy_attachment.from_json")["user"]).toBe("${aws_iam_user.from_json.name}");
  });

  test("a syntax error is an InputError naming the file and line", async () => {
    const e = await inputError(loadHcl(fixture("syntax-error")));
    expect(e.file).toBe(join(fixture("syntax-error"), "broken.tf"));
    expect(e.problem).toMatch(/^line 3, column \d+: Invalid expression/);
    expect(e.problem).not.toContain("\n");
  });

  test("bad directories and module sources are InputErrors", async () => {
    expect((await inputError(loadHcl(join(FIXTURES, "no-such-dir")))).problem).toBe("no such directory");
    const empty = tree({ "README.md": "nothing here" });
    expect((await inputError(loadHcl(empty))).problem).toBe("holds no .tf or .tf.json files");
    const missing = tree({ "main.tf": 'module "m" {\n  source = "./nope"\n}\n' });
    const e1 = await inputError(loadHcl(missing));
    expect([e1.file, e1.problem]).toEqual([join(missing, "main.tf"), 'line 1: module "m" has source "./nope", which is not a directory']);
    const cycle = tree({ "main.tf": 'module "m" {\n  source = "./m"\n}\n', "m/main.tf": '\n\nmodule "back" {\n  source = "../"\n}\n' });
    const e2 = await inputError(loadHcl(cycle));
    expect([e2.file, e2.problem]).toEqual([join(cycle, "m/main.tf"), 'line 3: module "back" includes itself (source "../")']);
    const dup = tree({ "a.tf": 'resource "x" "y" {}\n', "b.tf": '\n\nresource "x" "y" {}\n' });
    const e3 = await inputError(loadHcl(dup));
    expect([e3.file, e3.problem]).toEqual([join(dup, "b.tf"), "line 3: x.y is defined more than once (also at a.tf:1)"]);
  });

  test("an unreadable file is an InputError", async () => {
    if (process.getuid?.() === 0) return; // root reads everything
    const dir = tree({ "main.tf": 'resource "x" "y" {}\n' });
    chmodSync(join(dir, "main.tf"), 0o000);
    const e = await inputError(loadHcl(dir));
    expect(e.file).toBe(join(dir, "main.tf"));
    expect(e.problem).toMatch(/permission denied/);
  });

  test("block headers inside heredocs and comments are not taken for blocks", async () => {
    const dir = tree({
      "main.tf": [
        "# resource \"aws_iam_role\" \"r\" {",
        "locals {",
        "  text = <<EOT",
        'resource "aws_iam_role" "r" {',
        "EOT",
        "}",
        "/* resource \"aws_iam_role\" \"r\" { */",
        "",
        'resource "aws_iam_role" "r" {',
        '  name = "${local.text}"',
        "}",
        "",
      ].join("\n"),
    });
    const stack = await loadHclStack(dir);
    expect(stack.byAddress.get("aws_iam_role.r")!.location).toBe("main.tf:9");
    expect(values(stack, "aws_iam_role.r")["name"]).toBe('resource "aws_iam_role" "r" {\n');
  });
});
