/**
 * Red-team round 165, on "a Deny that -var can change is not relied on" (settable-denies-rt162/-rt163.test.ts):
 * - F5: an agent role behind a feature flag (`count = var.enable ? 1 : 0`), or a module holding the role and its
 *   boundary called behind one, keeps its boundary's and its guard's Denies: they exist exactly when the role does.
 *   Where what holds the Deny may be absent while the role exists, it still is not relied on.
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
const FLAGS = `
variable "enable_agent" {
  type    = bool
  default = true
}
variable "guard" {
  type    = bool
  default = true
}
`;
const TRUST = `jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111111111111:role/runner" }, Action = "sts:AssumeRole" }] })`;
const ALLOW_ALL = `jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })`;
/** Allows s3:* and denies all but reading. */
const READ_ONLY = (notAction = `["s3:GetObject", "s3:ListBucket"]`) =>
  `jsonencode({ Version = "2012-10-17", Statement = [{ Sid = "Work", Effect = "Allow", Action = "s3:*", Resource = "*" }, { Sid = "OnlyRead", Effect = "Deny", NotAction = ${notAction}, Resource = "*" }] })`;
/** The agent role counted by `count`, with `boundary` (an argument line) and the work policy counted alike. */
const COUNTED_AGENT = (count: string, boundary: string) => `
resource "aws_iam_role" "agent" {
  count              = ${count}
  name               = "agent"
  path               = "/agents/"
  ${boundary}
  assume_role_policy = ${TRUST}
}
resource "aws_iam_role_policy" "work" {
  count  = ${count}
  role   = aws_iam_role.agent[0].name
  name   = "work"
  policy = ${ALLOW_ALL}
}
`;
const BOUNDARY = `
resource "aws_iam_policy" "boundary" {
  name   = "agent-boundary"
  policy = ${READ_ONLY()}
}
`;

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "bw-settable-deny-165-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function destroyFindings(
  files: Record<string, string>,
): Promise<Finding[]> {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const stack = await loadHclStack(dir);
  return analyzeStack(stack, {
    config: { agents: { names: ["agent"] } },
    rules: allRules,
  }).findings.filter((f) => f.ruleId === "agent-destroy-right");
}

const notRelied = (f: Finding) =>
  f.evidence.find((e) => e.step === "deny-not-relied-on")?.detail ?? "";

describe("165 F5 (HCL): a Deny that exists exactly when the agent role does is relied on", () => {
  const FLAG = "var.enable_agent ? 1 : 0";

  test("the role behind a flag keeps its own permissions boundary", async () => {
    expect(
      await destroyFindings({
        "main.tf":
          PROVIDER +
          FLAGS +
          BOUNDARY +
          COUNTED_AGENT(
            FLAG,
            "permissions_boundary = aws_iam_policy.boundary.arn",
          ),
      }),
    ).toEqual([]);
  });

  test("a boundary policy counted by the same flag, named by the same index: relied on", async () => {
    const boundary = `
resource "aws_iam_policy" "boundary" {
  count  = ${FLAG}
  name   = "agent-boundary"
  policy = ${READ_ONLY()}
}
`;
    expect(
      await destroyFindings({
        "main.tf":
          PROVIDER +
          FLAGS +
          boundary +
          COUNTED_AGENT(
            FLAG,
            "permissions_boundary = aws_iam_policy.boundary[0].arn",
          ),
      }),
    ).toEqual([]);
  });

  test("a guard policy on the role, counted by the same flag and attached by reference: relied on", async () => {
    const guard = `
resource "aws_iam_role_policy" "guard" {
  count  = ${FLAG}
  role   = aws_iam_role.agent[0].name
  name   = "guard"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", NotAction = ["s3:GetObject", "s3:ListBucket"], Resource = "*" }] })
}
`;
    expect(
      await destroyFindings({
        "main.tf": PROVIDER + FLAGS + COUNTED_AGENT(FLAG, "") + guard,
      }),
    ).toEqual([]);
  });

  test("control: a guard counted by another flag is not relied on, that flag named", async () => {
    const guard = `
resource "aws_iam_role_policy" "guard" {
  count  = var.guard ? 1 : 0
  role   = aws_iam_role.agent[0].name
  name   = "guard"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", NotAction = ["s3:GetObject", "s3:ListBucket"], Resource = "*" }] })
}
`;
    const found = await destroyFindings({
      "main.tf": PROVIDER + FLAGS + COUNTED_AGENT(FLAG, "") + guard,
    });
    expect(found).toHaveLength(1);
    expect(notRelied(found[0])).toContain("var.guard");
  });

  test("control: a boundary counted by another flag, while the role is counted by the first: not relied on", async () => {
    const boundary = `
resource "aws_iam_policy" "boundary" {
  count  = var.guard ? 1 : 0
  name   = "agent-boundary"
  policy = ${READ_ONLY()}
}
`;
    const found = await destroyFindings({
      "main.tf":
        PROVIDER +
        FLAGS +
        boundary +
        COUNTED_AGENT(
          FLAG,
          "permissions_boundary = aws_iam_policy.boundary[0].arn",
        ),
    });
    expect(found).toHaveLength(1);
  });

  test("control: the same flag, but the Deny's own text from a variable: not relied on", async () => {
    const vars = `variable "extra" {\n  type    = string\n  default = "s3:ListBucket"\n}\n`;
    const boundary = `
resource "aws_iam_policy" "boundary" {
  name   = "agent-boundary"
  policy = ${READ_ONLY(`["s3:GetObject", var.extra]`)}
}
`;
    const found = await destroyFindings({
      "main.tf":
        PROVIDER +
        FLAGS +
        vars +
        boundary +
        COUNTED_AGENT(
          FLAG,
          "permissions_boundary = aws_iam_policy.boundary.arn",
        ),
    });
    expect(found).toHaveLength(1);
    expect(notRelied(found[0])).toContain("var.extra");
  });
});

describe("165 F5 (HCL): a module behind a flag holding the role and its boundary", () => {
  const MODULE = (notAction?: string) => `
variable "extra" {
  type    = string
  default = "s3:ListBucket"
}
resource "aws_iam_policy" "boundary" {
  name   = "agent-boundary"
  policy = ${READ_ONLY(notAction)}
}
resource "aws_iam_role" "agent" {
  name                 = "agent"
  path                 = "/agents/"
  permissions_boundary = aws_iam_policy.boundary.arn
  assume_role_policy   = ${TRUST}
}
resource "aws_iam_role_policy" "work" {
  role   = aws_iam_role.agent.name
  name   = "work"
  policy = ${ALLOW_ALL}
}
`;

  test("module called with count = var.enable_agent ? 1 : 0: the boundary is relied on", async () => {
    const root =
      PROVIDER +
      FLAGS +
      `module "agent" {\n  source = "./mod"\n  count  = var.enable_agent ? 1 : 0\n}\n`;
    expect(
      await destroyFindings({ "main.tf": root, "mod/main.tf": MODULE() }),
    ).toEqual([]);
  });

  test("control: the same module with the Deny's text from a root variable: not relied on", async () => {
    const root =
      PROVIDER +
      FLAGS +
      `variable "extra" {\n  type    = string\n  default = "s3:ListBucket"\n}\nmodule "agent" {\n  source = "./mod"\n  count  = var.enable_agent ? 1 : 0\n  extra  = var.extra\n}\n`;
    const found = await destroyFindings({
      "main.tf": root,
      "mod/main.tf": MODULE(`["s3:GetObject", var.extra]`),
    });
    expect(found).toHaveLength(1);
  });

  test("control: the boundary in a flagged module, the role outside it: not relied on", async () => {
    const root =
      PROVIDER +
      FLAGS +
      `module "b" {\n  source = "./b"\n  count  = var.enable_agent ? 1 : 0\n}\n` +
      `resource "aws_iam_role" "agent" {\n  name = "agent"\n  path = "/agents/"\n  permissions_boundary = module.b[0].arn\n  assume_role_policy = ${TRUST}\n}\n` +
      `resource "aws_iam_role_policy" "work" {\n  role = aws_iam_role.agent.name\n  name = "work"\n  policy = ${ALLOW_ALL}\n}\n`;
    const b =
      BOUNDARY + `output "arn" {\n  value = aws_iam_policy.boundary.arn\n}\n`;
    expect(
      await destroyFindings({ "main.tf": root, "b/main.tf": b }),
    ).toHaveLength(1);
  });
});

describe("165 F5 (Terraform JSON): the role and what holds its Deny counted by the same expression", () => {
  const DENY = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Deny",
        NotAction: ["s3:GetObject", "s3:ListBucket"],
        Resource: "*",
      },
    ],
  });
  const STACK = (
    role: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ) => ({
    provider: {
      aws: [{ region: "us-east-1", allowed_account_ids: ["111111111111"] }],
    },
    variable: {
      enable_agent: { type: "bool", default: true },
      guard: { type: "bool", default: true },
    },
    resource: {
      aws_iam_policy: {
        boundary: {
          name: "agent-boundary",
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              { Effect: "Allow", Action: "s3:*", Resource: "*" },
              {
                Sid: "OnlyRead",
                Effect: "Deny",
                NotAction: ["s3:GetObject", "s3:ListBucket"],
                Resource: "*",
              },
            ],
          }),
        },
      },
      aws_iam_role: {
        agent: {
          name: "agent",
          path: "/agents/",
          count: "${var.enable_agent ? 1 : 0}",
          assume_role_policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { AWS: "arn:aws:iam::111111111111:role/runner" },
                Action: "sts:AssumeRole",
              },
            ],
          }),
          ...role,
        },
      },
      aws_iam_role_policy: {
        work: {
          count: "${var.enable_agent ? 1 : 0}",
          role: "${aws_iam_role.agent[0].name}",
          name: "work",
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }],
          }),
        },
        ...extra,
      },
    },
  });

  async function jsonFindings(json: unknown): Promise<Finding[]> {
    const path = join(dir, "cdk.tf.json");
    writeFileSync(path, JSON.stringify(json));
    const [stack] = await loadStacks({ kind: "json", path });
    return analyzeStack(stack, {
      config: { agents: { names: ["agent"] } },
      rules: allRules,
    }).findings.filter((f) => f.ruleId === "agent-destroy-right");
  }

  test("the role's own boundary (r01): relied on", async () => {
    expect(
      await jsonFindings(
        STACK({ permissions_boundary: "${aws_iam_policy.boundary.arn}" }),
      ),
    ).toEqual([]);
  });

  test("a guard inline policy counted alike, by reference: relied on", async () => {
    expect(
      await jsonFindings(
        STACK(
          {},
          {
            guard: {
              count: "${var.enable_agent ? 1 : 0}",
              role: "${aws_iam_role.agent[0].name}",
              name: "guard",
              policy: DENY,
            },
          },
        ),
      ),
    ).toEqual([]);
  });

  test("control: a guard counted by another variable: not relied on", async () => {
    const found = await jsonFindings(
      STACK(
        {},
        {
          guard: {
            count: "${var.guard ? 1 : 0}",
            role: "${aws_iam_role.agent[0].name}",
            name: "guard",
            policy: DENY,
          },
        },
      ),
    );
    expect(found).toHaveLength(1);
    expect(notRelied(found[0])).toContain("var.guard");
  });

  test("control: the role's boundary ARN from a variable: not relied on", async () => {
    const json = STACK({ permissions_boundary: "${var.boundary}" });
    (json.variable as Record<string, unknown>)["boundary"] = {
      type: "string",
      default: "arn:aws:iam::111111111111:policy/agent-boundary",
    };
    const found = await jsonFindings(json);
    expect(found).toHaveLength(1);
  });
});

describe("165 F3: a policy cdktf's Fn.jsonencode writes as one ${jsonencode({...})} is judged statement by statement", () => {
  /** The boundary as cdktf writes it: `allow` and `deny` are the HCL of the Allow's Resource and the Deny's NotAction. */
  const JSONENCODE = (allow: string, deny: string) =>
    `\${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Sid" = "Work", "Effect" = "Allow", "Action" = "s3:*", "Resource" = ${allow}}, {"Sid" = "OnlyRead", "Effect" = "Deny", "NotAction" = ${deny}, "Resource" = "*"}]})}`;
  const STACK = (policy: string) => ({
    provider: {
      aws: [{ region: "us-east-1", allowed_account_ids: ["111111111111"] }],
    },
    variable: {
      env: { type: "string", default: "prod" },
      extra: { type: "string", default: "s3:ListBucket" },
      strict: { type: "bool", default: true },
    },
    resource: {
      aws_iam_policy: { boundary: { name: "agent-boundary", policy } },
      aws_iam_role: {
        agent: {
          name: "agent",
          path: "/agents/",
          permissions_boundary: "${aws_iam_policy.boundary.arn}",
          assume_role_policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { AWS: "arn:aws:iam::111111111111:role/runner" },
                Action: "sts:AssumeRole",
              },
            ],
          }),
        },
      },
      aws_iam_role_policy: {
        work: {
          role: "${aws_iam_role.agent.name}",
          name: "work",
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }],
          }),
        },
      },
    },
  });
  async function jsonFindings(json: unknown): Promise<Finding[]> {
    const path = join(dir, "cdk.tf.json");
    writeFileSync(path, JSON.stringify(json));
    const [stack] = await loadStacks({ kind: "json", path });
    return analyzeStack(stack, {
      config: { agents: { names: ["agent"] } },
      rules: allRules,
    }).findings.filter((f) => f.ruleId === "agent-destroy-right");
  }
  const LITERAL_DENY = `["s3:GetObject", "s3:ListBucket"]`;

  test("the variable only in the Allow's Resource (a string, or a bare reference): the literal Deny is relied on", async () => {
    expect(
      await jsonFindings(
        STACK(
          JSONENCODE(
            `["arn:aws:s3:::data-\${var.env}", "arn:aws:s3:::data-\${var.env}/*"]`,
            LITERAL_DENY,
          ),
        ),
      ),
    ).toEqual([]);
    expect(
      await jsonFindings(STACK(JSONENCODE(`[var.env]`, LITERAL_DENY))),
    ).toEqual([]);
  });

  test("control: the variable in the Deny's NotAction, in a string or bare: not relied on, the variable named", async () => {
    for (const deny of [
      `["s3:GetObject", "\${var.extra}"]`,
      `["s3:GetObject", var.extra]`,
    ]) {
      const found = await jsonFindings(STACK(JSONENCODE(`"*"`, deny)));
      expect(found).toHaveLength(1);
      expect(notRelied(found[0])).toContain("var.extra");
    }
  });

  test("control: a directive over a variable, or the Effect from one: not relied on", async () => {
    expect(
      await jsonFindings(
        STACK(
          JSONENCODE(
            `"*"`,
            `["s3:GetObject", "%{ if var.strict }s3:ListBucket%{ else }s3:DeleteObject%{ endif }"]`,
          ),
        ),
      ),
    ).toHaveLength(1);
    const effect = `\${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Effect" = "Allow", "Action" = "s3:*", "Resource" = "*"}, {"Effect" = var.strict ? "Deny" : "Allow", "NotAction" = ${LITERAL_DENY}, "Resource" = "*"}]})}`;
    expect(await jsonFindings(STACK(effect))).toHaveLength(1);
  });
});

describe('165 F4: a policy document with a dynamic "statement" over a variable keeps its literal Denies', () => {
  const ROLE = `
resource "aws_iam_role" "agent" {
  name                 = "agent"
  path                 = "/agents/"
  permissions_boundary = aws_iam_policy.boundary.arn
  assume_role_policy   = ${TRUST}
}
resource "aws_iam_role_policy" "work" {
  role   = aws_iam_role.agent.name
  name   = "work"
  policy = ${ALLOW_ALL}
}
resource "aws_iam_policy" "boundary" {
  name   = "agent-boundary"
  policy = data.aws_iam_policy_document.b.json
}
variable "names" {
  type    = list(string)
  default = ["a", "b"]
}
`;
  const DYNAMIC = (effect: string, resource: string) => `
  dynamic "statement" {
    for_each = var.names
    content {
      effect      = "${effect}"
      ${effect === "Allow" ? `actions = ["s3:*"]` : `not_actions = ["s3:GetObject", "s3:ListBucket"]`}
      resources   = [${resource}]
    }
  }`;
  const LITERAL_DENY = `
  statement {
    sid         = "OnlyRead"
    effect      = "Deny"
    not_actions = ["s3:GetObject", "s3:ListBucket"]
    resources   = ["*"]
  }`;
  const ALLOW = `
  statement {
    effect    = "Allow"
    actions   = ["s3:*"]
    resources = ["*"]
  }`;

  test("HCL: Allows from the variable, a literal Deny beside them: relied on", async () => {
    const doc = `data "aws_iam_policy_document" "b" {${DYNAMIC("Allow", `"arn:aws:s3:::\${statement.value}"`)}${LITERAL_DENY}\n}\n`;
    expect(await destroyFindings({ "main.tf": PROVIDER + ROLE + doc })).toEqual(
      [],
    );
  });

  test("control (HCL): the Deny itself made by the dynamic block, literal content over the variable: not relied on", async () => {
    const doc = `data "aws_iam_policy_document" "b" {${ALLOW}${DYNAMIC("Deny", `"*"`)}\n}\n`;
    const found = await destroyFindings({ "main.tf": PROVIDER + ROLE + doc });
    expect(found).toHaveLength(1);
    expect(notRelied(found[0])).toContain("var.names");
  });

  const JSON_STACK = (
    dynamicContent: Record<string, unknown>,
    statement: unknown[],
  ) => ({
    provider: {
      aws: [{ region: "us-east-1", allowed_account_ids: ["111111111111"] }],
    },
    variable: { names: { type: "list(string)", default: ["a", "b"] } },
    data: {
      aws_iam_policy_document: {
        b: {
          dynamic: {
            statement: { for_each: "${var.names}", content: dynamicContent },
          },
          statement,
        },
      },
    },
    resource: {
      aws_iam_policy: {
        boundary: {
          name: "agent-boundary",
          policy: "${data.aws_iam_policy_document.b.json}",
        },
      },
      aws_iam_role: {
        agent: {
          name: "agent",
          path: "/agents/",
          permissions_boundary: "${aws_iam_policy.boundary.arn}",
          assume_role_policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { AWS: "arn:aws:iam::111111111111:role/runner" },
                Action: "sts:AssumeRole",
              },
            ],
          }),
        },
      },
      aws_iam_role_policy: {
        work: {
          role: "${aws_iam_role.agent.name}",
          name: "work",
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }],
          }),
        },
      },
    },
  });
  async function jsonFindings(json: unknown): Promise<Finding[]> {
    const path = join(dir, "cdk.tf.json");
    writeFileSync(path, JSON.stringify(json));
    const [stack] = await loadStacks({ kind: "json", path });
    return analyzeStack(stack, {
      config: { agents: { names: ["agent"] } },
      rules: allRules,
    }).findings.filter((f) => f.ruleId === "agent-destroy-right");
  }
  const DENY_BLOCK = {
    sid: "OnlyRead",
    effect: "Deny",
    not_actions: ["s3:GetObject", "s3:ListBucket"],
    resources: ["*"],
  };

  test("Terraform JSON (cdktf's TerraformIterator.dynamic): the literal Deny is relied on", async () => {
    expect(
      await jsonFindings(
        JSON_STACK(
          {
            effect: "Allow",
            actions: ["s3:*"],
            resources: ["arn:aws:s3:::${statement.value}"],
          },
          [DENY_BLOCK],
        ),
      ),
    ).toEqual([]);
  });

  test("control (Terraform JSON): the Deny made by the dynamic block: not relied on", async () => {
    const { sid: _sid, ...content } = DENY_BLOCK;
    expect(
      await jsonFindings(
        JSON_STACK(content, [
          { effect: "Allow", actions: ["s3:*"], resources: ["*"] },
        ]),
      ),
    ).toHaveLength(1);
  });
});

describe("165 F7: the fix names where the variable is, and promises --var-file only where that is enough", () => {
  const GUARD_DENY = (
    condition?: Record<string, unknown>,
    notAction = ["s3:GetObject", "s3:ListBucket"],
  ) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "OnlyRead",
          Effect: "Deny",
          NotAction: notAction,
          Resource: "*",
          ...(condition ? { Condition: condition } : {}),
        },
      ],
    });
  const STACK = (
    variable: Record<string, unknown>,
    resources: Record<string, Record<string, unknown>>,
  ) => ({
    provider: {
      aws: [{ region: "us-east-1", allowed_account_ids: ["111111111111"] }],
    },
    variable,
    resource: {
      aws_iam_role: {
        agent: {
          name: "agent",
          path: "/agents/",
          assume_role_policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { AWS: "arn:aws:iam::111111111111:role/runner" },
                Action: "sts:AssumeRole",
              },
            ],
          }),
        },
      },
      ...resources,
      aws_iam_role_policy: {
        work: {
          role: "${aws_iam_role.agent.name}",
          name: "work",
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }],
          }),
        },
        ...(resources["aws_iam_role_policy"] ?? {}),
      },
    },
  });
  async function fixes(json: unknown): Promise<string[]> {
    const path = join(dir, "cdk.tf.json");
    writeFileSync(path, JSON.stringify(json));
    const [stack] = await loadStacks({ kind: "json", path });
    const found = analyzeStack(stack, {
      config: { agents: { names: ["agent"] } },
      rules: allRules,
    }).findings.filter((f) => f.ruleId === "agent-destroy-right");
    return found.map((f) => f.fix);
  }

  test("the attachment's count: named as where the variable is, not the policy holding the Deny", async () => {
    const [fix] = await fixes(
      STACK(
        { guard: { type: "bool", default: true } },
        {
          aws_iam_policy: { guard: { name: "guard", policy: GUARD_DENY() } },
          aws_iam_role_policy_attachment: {
            guard: {
              count: "${var.guard ? 1 : 0}",
              role: "${aws_iam_role.agent.name}",
              policy_arn: "${aws_iam_policy.guard.arn}",
            },
          },
        },
      ),
    );
    expect(fix).toMatch(
      /^The Deny in aws_iam_policy\.guard is not relied on because it depends on var\.guard, which -var can change, through aws_iam_role_policy_attachment\.guard's count /,
    );
    expect(fix).toContain(
      "write aws_iam_role_policy_attachment.guard's count without that variable",
    );
    expect(fix).toContain(
      "--var-file so blastwall reads the deploy's value, and it counts",
    );
  });

  test("the exclusive list: named", async () => {
    const [fix] = await fixes(
      STACK(
        { names: { type: "list(string)", default: ["work", "guard"] } },
        {
          aws_iam_role_policy: {
            guard: {
              role: "${aws_iam_role.agent.name}",
              name: "guard",
              policy: GUARD_DENY(),
            },
          },
          aws_iam_role_policies_exclusive: {
            agent: {
              role_name: "${aws_iam_role.agent.name}",
              policy_names: "${var.names}",
            },
          },
        },
      ),
    );
    expect(fix).toContain(
      "through aws_iam_role_policies_exclusive.agent's policy_names",
    );
  });

  test("a conditional Deny: --var-file is not promised, and the step says there is another reason", async () => {
    const json = STACK(
      { env: { type: "string", default: "us-east-1" } },
      {
        aws_iam_role_policy: {
          guard: {
            role: "${aws_iam_role.agent.name}",
            name: "guard",
            policy: GUARD_DENY({
              StringNotEquals: { "aws:RequestedRegion": "${var.env}" },
            }),
          },
        },
      },
    );
    const [fix] = await fixes(json);
    expect(fix).toContain("and for another reason as well");
    expect(fix).not.toContain("and it counts");
  });

  test("control: an unconditional Deny with the variable in it keeps the --var-file advice", async () => {
    const json = STACK(
      { extra: { type: "string", default: "s3:ListBucket" } },
      {
        aws_iam_role_policy: {
          guard: {
            role: "${aws_iam_role.agent.name}",
            name: "guard",
            policy: GUARD_DENY(undefined, ["s3:GetObject", "${var.extra}"]),
          },
        },
      },
    );
    const [fix] = await fixes(json);
    // A policy string: -var can write JSON into its text (red-team round 174), and the fix says how to write it instead.
    expect(fix).toContain("its policy is JSON text into which var.extra is written verbatim");
    expect(fix).toContain("jsonencode()");
    expect(fix).toContain("and it counts");
    expect(fix).not.toContain("another reason");
  });
});

/**
 * A guard counted by the agent's own flag whose policy names a variable in another statement (`var.env` in an Allow's
 * Resource) was not relied on as a whole: its count and its document were one reason. The statements the document's
 * text cannot change now depend only on the count, which the flag ties to the role; a Deny statement the variable
 * changes stays not relied on, and so does one counted by another flag.
 */
describe("a guard behind the role's own flag, with a variable in another statement", () => {
  const FLAG = "var.enable_agent ? 1 : 0";
  const ENV = `variable "env" {\n  type    = string\n  default = "prod"\n}\n`;
  const guard = (count: string, denyResource: string, notAction = `["s3:GetObject", "s3:ListBucket"]`) => `
resource "aws_iam_role_policy" "guard" {
  count  = ${count}
  role   = aws_iam_role.agent[0].name
  name   = "guard"
  policy = jsonencode({ Version = "2012-10-17", Statement = [
    { Sid = "Logs", Effect = "Allow", Action = "logs:PutLogEvents", Resource = "arn:aws:logs:*:*:log-group:\${var.env}-*" },
    { Sid = "OnlyRead", Effect = "Deny", NotAction = ${notAction}, Resource = ${denyResource} },
  ] })
}
`;

  test("HCL: the literal Deny is relied on for the role counted by the same flag", async () => {
    expect(await destroyFindings({ "main.tf": PROVIDER + FLAGS + ENV + COUNTED_AGENT(FLAG, "") + guard(FLAG, `"*"`) })).toEqual([]);
  });

  test("Terraform JSON in a folder: the same", async () => {
    const json = {
      provider: { aws: [{ region: "us-east-1", allowed_account_ids: ["111111111111"] }] },
      variable: { enable_agent: { type: "bool", default: true }, env: { type: "string", default: "prod" } },
      resource: {
        aws_iam_role: {
          agent: {
            count: "${var.enable_agent ? 1 : 0}",
            name: "agent",
            path: "/agents/",
            assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/runner" }, Action: "sts:AssumeRole" }] }),
          },
        },
        aws_iam_role_policy: {
          work: { count: "${var.enable_agent ? 1 : 0}", role: "${aws_iam_role.agent[0].name}", name: "work", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] }) },
          guard: {
            count: "${var.enable_agent ? 1 : 0}",
            role: "${aws_iam_role.agent[0].name}",
            name: "guard",
            // jsonencode: as JSON text -var could write JSON into it (red-team round 174), and no Deny of it counts.
            policy:
              '${jsonencode({ Version = "2012-10-17", Statement = [{ Sid = "Logs", Effect = "Allow", Action = "logs:PutLogEvents", Resource = "arn:aws:logs:*:*:log-group:${var.env}-*" }, ' +
              '{ Sid = "OnlyRead", Effect = "Deny", NotAction = ["s3:GetObject", "s3:ListBucket"], Resource = "*" }] })}',
          },
        },
      },
    };
    expect(await destroyFindings({ "main.tf.json": JSON.stringify(json) })).toEqual([]);
  });

  test("control: the Deny statement itself names the variable: not relied on, var.env named", async () => {
    const found = await destroyFindings({ "main.tf": PROVIDER + FLAGS + ENV + COUNTED_AGENT(FLAG, "") + guard(FLAG, `"*"`, `["s3:GetObject", "s3:ListBucket", "\${var.env}:Get*"]`) });
    expect(found).toHaveLength(1);
    expect(notRelied(found[0])).toContain("var.env");
    expect(notRelied(found[0])).toContain("its Deny statement #1 may differ");
  });

  test("control: the guard counted by another flag: not relied on, that flag named", async () => {
    const found = await destroyFindings({ "main.tf": PROVIDER + FLAGS + ENV + COUNTED_AGENT(FLAG, "") + guard("var.guard ? 1 : 0", `"*"`) });
    expect(found).toHaveLength(1);
    expect(notRelied(found[0])).toContain("var.guard");
    expect(notRelied(found[0])).not.toContain("var.env");
  });
});
