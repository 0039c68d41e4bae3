/**
 * Red-team round 7 on the HCL loader: ways a configuration read differently from Terraform hid an agent or kept a
 * Deny that Terraform would not create. Each case has a neighbour that must keep reading as before.
 */
import { readAgentTag } from "../../lib/engine/agent-tags";
import type { TfStack } from "../../lib/engine/terraform/types";
import { callFunction } from "../../lib/hcl/functions";
import { loadHcl } from "../../lib/hcl/load-hcl";
import { destroy, dir } from "./helpers";



function values(stack: TfStack, address: string): Record<string, unknown> {
  const r = stack.byAddress.get(address);
  if (!r) throw new Error(`no ${address} in ${[...stack.byAddress.keys()].join(", ")}`);
  return r.values as Record<string, unknown>;
}

const stackOf = async (files: Record<string, string>) => (await loadHcl(dir(files))).stack;

/** An agent role whose boundary allows everything but IAM: only a Deny keeps it from deleting. */
const AGENT = `resource "aws_iam_role" "agent" {
  name                 = "agent"
  assume_role_policy   = "{}"
  tags                 = { "blastwall:agent" = "true" }
}
resource "aws_iam_role_policy" "ops" {
  role   = aws_iam_role.agent.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["ec2:DescribeVolumes", "ec2:DeleteVolume"], Resource = "*" }] })
}
`;
const DENY = `jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Action = ["ec2:Delete*"], Resource = "*" }] })`;

/** The `actions` of every statement block of a policy document, in order. */
function statementActions(stack: TfStack, address: string): unknown[] {
  const st = values(stack, address)["statement"];
  return (Array.isArray(st) ? st : []).map((s) => (s as Record<string, unknown>)["actions"]);
}

describe("1. override files and dynamic blocks", () => {
  const doc = (blocks: string) => `locals {
  deny = ["ec2:Delete*"]
}
data "aws_iam_policy_document" "ops" {
${blocks}
}
`;
  const staticRead = `  statement {
    actions   = ["ec2:DescribeVolumes"]
    resources = ["*"]
  }`;
  const dynamicDeny = `  dynamic "statement" {
    for_each = toset(["guard"])
    content {
      effect    = "Deny"
      actions   = local.deny
      resources = ["*"]
    }
  }`;

  test("an override's statement blocks replace the base's dynamic statement blocks too", async () => {
    const stack = await stackOf({
      "main.tf": doc(staticRead + "\n" + dynamicDeny),
      "ops_override.tf": doc(`  statement {\n    actions   = ["ec2:DeleteVolume"]\n    resources = ["*"]\n  }`).replace(/locals \{[^}]*\}\n/, ""),
    });
    expect(statementActions(stack, "data.aws_iam_policy_document.ops")).toEqual([["ec2:DeleteVolume"]]);
  });

  test("an override's dynamic statement replaces the base's static statements", async () => {
    const stack = await stackOf({
      "main.tf": doc(staticRead + `\n  statement {\n    effect    = "Deny"\n    actions   = local.deny\n    resources = ["*"]\n  }`),
      "ops_override.tf": `data "aws_iam_policy_document" "ops" {
  dynamic "statement" {
    for_each = toset(["x"])
    content {
      actions   = ["ec2:DeleteVolume"]
      resources = ["*"]
    }
  }
}
`,
    });
    expect(statementActions(stack, "data.aws_iam_policy_document.ops")).toEqual([["ec2:DeleteVolume"]]);
  });

  test("an override of other arguments keeps the base's dynamic blocks", async () => {
    const stack = await stackOf({
      "main.tf": doc(staticRead + "\n" + dynamicDeny),
      "ops_override.tf": `data "aws_iam_policy_document" "ops" {\n  version = "2012-10-17"\n}\n`,
    });
    expect(statementActions(stack, "data.aws_iam_policy_document.ops")).toEqual([["ec2:DescribeVolumes"], ["ec2:Delete*"]]);
  });
});

describe("2. a module whose count is unknown", () => {
  const root = (count: string) => `data "aws_caller_identity" "me" {}
module "guard" {
  source = "./guard"
  count  = ${count}
  role   = aws_iam_role.agent.name
}
`;
  const guard = `variable "role" {
  type = string
}
resource "aws_iam_role_policy" "no_delete" {
  role   = var.role
  policy = ${DENY}
}
`;

  test("may not exist, so its Deny is not certain", async () => {
    const d = dir({ "main.tf": AGENT + root(`data.aws_caller_identity.me.account_id == "111111111111" ? 1 : 0`), "guard/main.tf": guard });
    const stack = (await loadHcl(d)).stack;
    expect(values(stack, "module.guard.aws_iam_role_policy.no_delete")["count"]).toMatch(/^\$\{.*aws_caller_identity.*\}$/);
    expect(await destroy(d)).toEqual(["ec2:DeleteVolume"]);
  });

  test("a known count still creates the Deny", async () => {
    const d = dir({ "main.tf": AGENT + root("1"), "guard/main.tf": guard });
    const stack = (await loadHcl(d)).stack;
    expect(values(stack, "module.guard[0].aws_iam_role_policy.no_delete")["count"]).toBeUndefined();
    expect(await destroy(d)).toEqual([]);
  });
});

describe("3. a module's own provider block", () => {
  const mod = (tags: string) => `provider "aws" {
  region = "us-east-1"
  default_tags {
    tags = ${tags}
  }
}
resource "aws_iam_role" "ops" {
  name               = "ops"
  assume_role_policy = "{}"
}
resource "aws_iam_role_policy" "ops" {
  role   = aws_iam_role.ops.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["ec2:DeleteVolume"], Resource = "*" }] })
}
`;
  const root = `provider "aws" {\n  region = "us-east-1"\n}\nmodule "ops" {\n  source = "./mod"\n}\n`;

  test("tags the module's resources with its default_tags", async () => {
    const d = dir({ "main.tf": root, "mod/main.tf": mod(`{ "blastwall:agent" = "true" }`) });
    const stack = (await loadHcl(d)).stack;
    expect(values(stack, "module.ops.aws_iam_role.ops")["provider"]).toBe("aws.module.ops");
    expect(stack.providers?.get("aws.module.ops")?.["default_tags"]).toEqual([{ tags: { "blastwall:agent": "true" } }]);
    expect(stack.providers?.get("aws")).toEqual({ region: "us-east-1" });
    expect(await destroy(d)).toEqual(["ec2:DeleteVolume"]);
  });

  test("without the agent tag the module's role is no agent", async () => {
    const d = dir({ "main.tf": root, "mod/main.tf": mod(`{ team = "ops" }`) });
    expect(await destroy(d)).toEqual([]);
  });
});

describe("4. nullable = false", () => {
  const mod = (nullable: string) => `variable "tags" {
  type     = map(string)
  default  = { "blastwall:agent" = "true" }
${nullable}
}
resource "aws_iam_role" "this" {
  name               = "ops"
  assume_role_policy = "{}"
  tags               = merge(var.tags, { Name = "ops" })
}
`;
  const root = `variable "tags" {\n  type    = map(string)\n  default = null\n}\nmodule "agent" {\n  source = "./mod"\n  tags   = var.tags\n}\n`;

  test("a null module input takes the default", async () => {
    const stack = await stackOf({ "main.tf": root, "mod/main.tf": mod("  nullable = false") });
    expect(values(stack, "module.agent.aws_iam_role.this")["tags"]).toEqual({ "blastwall:agent": "true", Name: "ops" });
  });

  test("a null tfvars value takes the default", async () => {
    const stack = await stackOf({ "main.tf": mod("  nullable = false"), "terraform.tfvars": "tags = null\n" });
    expect(values(stack, "aws_iam_role.this")["tags"]).toEqual({ "blastwall:agent": "true", Name: "ops" });
  });

  test("a nullable variable stays null", async () => {
    const stack = await stackOf({ "main.tf": root, "mod/main.tf": mod("") });
    expect(values(stack, "module.agent.aws_iam_role.this")["tags"]).toEqual({ Name: "ops" });
  });
});

describe("5. variable types", () => {
  test("optional attributes get their defaults", async () => {
    const stack = await stackOf({
      "main.tf": `module "agent" {\n  source = "./mod"\n  role   = { name = "ops" }\n}\n`,
      "mod/main.tf": `variable "role" {
  type = object({
    name  = string
    agent = optional(bool, true)
    tags  = optional(map(string), { "blastwall:agent" = "true" })
    path  = optional(string)
  })
}
resource "aws_iam_role" "this" {
  name               = var.role.name
  assume_role_policy = "{}"
  tags               = lookup(var.role, "tags", {})
  description        = "\${var.role.agent} \${var.role.path == null}"
}
`,
    });
    expect(values(stack, "module.agent.aws_iam_role.this")).toMatchObject({ tags: { "blastwall:agent": "true" }, description: "true true" });
  });

  const guarded = (type: string, cond: string) => `variable "exempt" {
${type}
  default = []
}
resource "aws_iam_role_policy" "no_delete" {
  count  = ${cond} ? 1 : 0
  role   = "agent"
  policy = "{}"
}
`;

  test("a typed list is not equal to the [] tuple: the count is 0", async () => {
    // Values of different types are never equal; the list(string)'s exact type is known since red-team round 52
    // (`terraform console` 1.11: a list(string) variable with default [] gives `var.v == []` = false).
    const stack = await stackOf({ "main.tf": guarded("  type = list(string)", "var.exempt == []") });
    expect([...stack.byAddress.keys()].filter((a) => a.includes("no_delete"))).toEqual([]);
  });

  test("an untyped [] equals [], and length() of a typed list is known", async () => {
    expect((await stackOf({ "main.tf": guarded("", "var.exempt == []") })).byAddress.has("aws_iam_role_policy.no_delete[0]")).toBe(true);
    expect((await stackOf({ "main.tf": guarded("  type = list(string)", "length(var.exempt) == 0") })).byAddress.has("aws_iam_role_policy.no_delete[0]")).toBe(true);
    const vsNull = await stackOf({ "main.tf": guarded("  type = list(string)", "var.exempt == null") });
    expect([...vsNull.byAddress.keys()].filter((a) => a.includes("no_delete"))).toEqual([]);
  });

  test("a value that does not fit the type leaves the variable unknown", async () => {
    const stack = await stackOf({
      "main.tf": `variable "n" {\n  type    = number\n  default = "many"\n}\nresource "aws_iam_role" "r" {\n  name               = "r-\${var.n}"\n  assume_role_policy = "{}"\n}\n`,
    });
    expect(values(stack, "aws_iam_role.r")["name"]).toBe("r-${var.n}");
  });
});

describe("6. sets", () => {
  const doc = (forEach: string, actions: string) => `data "aws_iam_policy_document" "ops" {
  dynamic "statement" {
    for_each = ${forEach}
    content {
      actions   = ${actions}
      resources = ["*"]
    }
  }
}
`;
  const actions = `["ec2:DescribeVolumes", "ec2:DeleteVolume"]`;

  test("a dynamic block's key over a set is the element", async () => {
    const stack = await stackOf({ "main.tf": doc(`toset(${actions})`, "[statement.key]") });
    expect(statementActions(stack, "data.aws_iam_policy_document.ops")).toEqual([["ec2:DeleteVolume"], ["ec2:DescribeVolumes"]]);
  });

  test("a set-typed variable and a for expression over a set key by element", async () => {
    const stack = await stackOf({
      "main.tf": `variable "acts" {\n  type    = set(string)\n  default = ${actions}\n}\n` + doc("var.acts", "[for k, v in var.acts : k]"),
    });
    expect(statementActions(stack, "data.aws_iam_policy_document.ops")).toEqual([
      ["ec2:DeleteVolume", "ec2:DescribeVolumes"],
      ["ec2:DeleteVolume", "ec2:DescribeVolumes"],
    ]);
  });

  test("over a list the key is the index", async () => {
    const stack = await stackOf({ "main.tf": doc(actions, `[tostring(statement.key)]`) });
    expect(statementActions(stack, "data.aws_iam_policy_document.ops")).toEqual([["0"], ["1"]]);
  });
});

describe("7. a variable default from an override file", () => {
  const main = `variable "policy" {\n  type    = string\n  default = "{}"\n}\nresource "aws_iam_role_policy" "p" {\n  role   = "agent"\n  policy = var.policy\n}\n`;
  const text = '{"Sid":"%{ if false }x%{ endif }"}';

  test("from override.tf.json is a literal", async () => {
    const stack = await stackOf({ "main.tf": main, "override.tf.json": JSON.stringify({ variable: { policy: { default: text } } }) });
    expect(values(stack, "aws_iam_role_policy.p")["policy"]).toBe(text.replace(/%\{/g, "%%{"));
  });

  test("from override.tf is a template", async () => {
    const stack = await stackOf({ "main.tf": main, "override.tf": `variable "policy" {\n  default = "${text.replace(/"/g, '\\"')}"\n}\n` });
    expect(values(stack, "aws_iam_role_policy.p")["policy"]).toBe('{"Sid":""}');
  });
});

describe('8. "//" keys', () => {
  test("are kept inside a for_each map and a local's map", async () => {
    const stack = await stackOf({
      "main.tf.json": JSON.stringify({
        locals: { grants: { "//": ["ec2:DeleteVolume"], read: ["ec2:DescribeVolumes"] } },
        resource: {
          aws_iam_role_policy: {
            ops: { for_each: { "//": "ec2:DeleteVolume", read: "ec2:DescribeVolumes" }, role: "agent", policy: "${each.value}" },
            all: { role: "agent", policy: "${jsonencode(flatten(values(local.grants)))}" },
          },
        },
      }),
    });
    expect(values(stack, 'aws_iam_role_policy.ops["//"]')["policy"]).toBe("ec2:DeleteVolume");
    expect(values(stack, "aws_iam_role_policy.all")["policy"]).toBe('["ec2:DeleteVolume","ec2:DescribeVolumes"]');
  });

  test('a block body\'s "//" stays a comment', async () => {
    const stack = await stackOf({
      "main.tf.json": JSON.stringify({
        data: {
          aws_iam_policy_document: {
            d: { "//": "note", dynamic: { statement: { for_each: "${toset([\"a\"])}", content: { "//": "note", actions: ["s3:GetObject"] } } } },
          },
        },
      }),
    });
    expect(values(stack, "data.aws_iam_policy_document.d")["statement"]).toEqual([{ actions: ["s3:GetObject"] }]);
    expect(values(stack, "data.aws_iam_policy_document.d")["//"]).toBe("note");
  });
});

describe("9. an agent tag from a variable -var may set", () => {
  const main = `variable "agent" {
  type    = string
  default = "false"
}
resource "aws_iam_role" "ops" {
  name               = "ops"
  assume_role_policy = "{}"
  tags               = { "blastwall:agent" = var.agent }
}
provider "aws" {
  default_tags {
    tags = { "blastwall:agent" = var.agent }
  }
}
`;
  const role = (stack: TfStack) => stack.byAddress.get("aws_iam_role.ops")!;

  test("stays the variable, which the engine reads as maybe an agent", async () => {
    const stack = await stackOf({ "main.tf": main });
    expect(values(stack, "aws_iam_role.ops")["tags"]).toEqual({ "blastwall:agent": "${var.agent}" });
    expect(stack.providers?.get("aws")?.["default_tags"]).toEqual([{ tags: { "blastwall:agent": "${var.agent}" } }]);
    expect(readAgentTag(role(stack), stack).state).toBe("yes");
  });

  test("through a module input too", async () => {
    const stack = await stackOf({
      "main.tf": `variable "agent" {\n  default = "false"\n}\nmodule "m" {\n  source = "./m"\n  agent  = var.agent\n}\n`,
      "m/main.tf": `variable "agent" {}\nresource "aws_iam_role" "ops" {\n  name               = "ops"\n  assume_role_policy = "{}"\n  tags               = merge({ team = "x" }, { "blastwall:agent" = var.agent })\n}\n`,
    });
    const r = stack.byAddress.get("module.m.aws_iam_role.ops")!;
    expect((r.values["tags"] as Record<string, unknown>)["blastwall:agent"]).toBe("${var.agent}");
    expect(readAgentTag(r, stack).state).toBe("yes");
  });

  test("a tfvars value fixes it, as does a module's own default", async () => {
    const fixed = await stackOf({ "main.tf": main, "terraform.tfvars": 'agent = "false"\n' });
    expect(values(fixed, "aws_iam_role.ops")["tags"]).toEqual({ "blastwall:agent": "false" });
    expect(readAgentTag(role(fixed), fixed).state).toBe("no");
    const inModule = await stackOf({
      "main.tf": `module "m" {\n  source = "./m"\n}\n`,
      "m/main.tf": `variable "agent" {\n  default = "false"\n}\nresource "aws_iam_role" "ops" {\n  name               = "ops"\n  assume_role_policy = "{}"\n  tags               = { "blastwall:agent" = var.agent }\n}\n`,
    });
    expect(values(inModule, "module.m.aws_iam_role.ops")["tags"]).toEqual({ "blastwall:agent": "false" });
  });
});

describe("10. chomp and trimspace as Terraform has them", () => {
  const ctx = { readFile: () => undefined, templateFile: () => null };
  const call = (name: string, s: string) => callFunction(name, [s], ctx);

  test("chomp strips every \\r\\n, \\r and \\n at the end", () => {
    expect(call("chomp", "ec2:DeleteVolume\r")).toBe("ec2:DeleteVolume");
    expect(call("chomp", "x\r\n\r\r\n\n")).toBe("x");
    expect(call("chomp", "x\n")).toBe("x");
    expect(call("chomp", "x\ny")).toBe("x\ny");
  });

  test("trimspace strips what Go's TrimSpace strips, U+0085 among it, and keeps U+FEFF", () => {
    expect(call("trimspace", "\u00a0ec2:DeleteVolume\u0085")).toBe("ec2:DeleteVolume");
    expect(call("trimspace", "\u3000x\u2028 \t")).toBe("x");
    expect(call("trimspace", "x\uFEFF")).toBe("x\uFEFF");
  });

  test("through a configuration", async () => {
    const stack = await stackOf({
      "main.tf": `locals {\n  acts = [for a in split(",", "ec2:DescribeVolumes,ec2:DeleteVolume\\r") : chomp(a)]\n}\nresource "aws_iam_role_policy" "p" {\n  role   = "agent"\n  policy = jsonencode(local.acts)\n}\n`,
    });
    expect(values(stack, "aws_iam_role_policy.p")["policy"]).toBe('["ec2:DescribeVolumes","ec2:DeleteVolume"]');
  });
});
