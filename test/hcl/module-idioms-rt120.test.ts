/**
 * Red-team round 120: the output and list idioms of public modules (`try(aws_iam_policy.this[0].arn, "")`,
 * `compact([... ? data.x[0].json : ""])`, `distinct`, `flatten`, `coalesce`) made a reference to a resource attribute
 * opaque, so a policy or boundary passed through them counted as Allow * on *. Terraform's `try` only catches errors,
 * and reading an attribute of an instance that exists is none (unknown until apply, then the value); an ARN, id or
 * policy JSON of the AWS provider is never "" nor null, so `compact` keeps it. Where the outcome is not certain
 * (an index out of range, an unknown count, a nested block, an attribute that may be empty) it stays unknown.
 */
import { checkPaths } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import { loadHcl } from "../../lib/hcl/load-hcl";
import { agentRoleHcl, dir, localValue } from "./helpers";

const POLICY = `resource "aws_iam_policy" "this" {
  count  = var.n
  name   = "p"
  policy = "{}"
}
resource "aws_iam_policy" "other" {
  name   = "o"
  policy = "{}"
}
resource "aws_iam_policy" "keyed" {
  for_each = toset(["a"])
  name     = each.key
  policy   = "{}"
}
resource "aws_s3_bucket" "b" {
  count  = var.n
  bucket = "b"
}
resource "random_id" "r" {
  byte_length = 4
}
data "aws_iam_policy_document" "d" {
  count = var.n
}
`;
const withCount = (n: string) => ({ "p.tf": POLICY, "v.tf": `variable "n" {\n  ${n}\n}\n` });
const one = withCount("default = 1");
/** Left as the call, unknown (a bare reference would be claimed). */
const UNKNOWN = expect.stringMatching(/^\$\{(try|can|compact|distinct|flatten|coalesce)\(/);

describe("try over an attribute of an instance that exists", () => {
  test("count known and the index present: the reference itself", async () => {
    expect(await localValue(`try(aws_iam_policy.this[0].arn, "")`, one)).toBe("${aws_iam_policy.this[0].arn}");
    expect(await localValue(`try(aws_iam_policy.other.arn, null)`, one)).toBe("${aws_iam_policy.other.arn}");
    expect(await localValue(`try(aws_iam_policy.keyed["a"].arn, null)`, one)).toBe('${aws_iam_policy.keyed["a"].arn}');
    expect(await localValue(`can(aws_iam_policy.this[0].arn)`, one)).toBe(true);
  });

  test("the index out of range or the key absent: the fallback (as before)", async () => {
    expect(await localValue(`try(aws_iam_policy.this[0].arn, "none")`, withCount("default = 0"))).toBe("none");
    expect(await localValue(`try(aws_iam_policy.keyed["b"].arn, "none")`, one)).toBe("none");
  });

  test("what may fail stays unknown: count unknown, a nested block, an index on a resource without count", async () => {
    expect(await localValue(`try(aws_iam_policy.this[0].arn, "")`, withCount("type = number"))).toEqual(UNKNOWN);
    expect(await localValue(`try(aws_iam_policy.this.arn, "")`, withCount("type = number"))).toEqual(UNKNOWN);
    expect(await localValue(`try(aws_s3_bucket.b[0].versioning[0].status, "")`, one)).toEqual(UNKNOWN);
    expect(await localValue(`try(aws_iam_policy.other[0].arn, "")`, one)).toEqual(UNKNOWN);
    expect(await localValue(`try(aws_iam_policy.other[0], "")`, one)).toEqual(UNKNOWN);
    // A template fails where the attribute is null: not certain either.
    expect(await localValue(`try("\${aws_iam_policy.this[0].arn}/x", "")`, one)).toEqual(UNKNOWN);
    expect(await localValue(`can(aws_iam_policy.this[0].arn)`, withCount("type = number"))).toEqual(UNKNOWN);
  });
});

describe("compact, distinct, flatten and coalesce over references", () => {
  test("compact keeps an ARN or a policy JSON and drops the empty strings", async () => {
    expect(await localValue(`compact([data.aws_iam_policy_document.d[0].json, "", null])`, one)).toEqual(["${data.aws_iam_policy_document.d[0].json}"]);
    expect(await localValue(`compact(["a", aws_s3_bucket.b[0].arn])`, one)).toEqual(["a", "${aws_s3_bucket.b[0].arn}"]);
  });

  test("compact of an attribute that may be empty, or of a provider other than AWS, stays unknown", async () => {
    expect(await localValue(`compact([aws_s3_bucket.b[0].bucket_prefix, ""])`, one)).toEqual(UNKNOWN);
    expect(await localValue(`compact([random_id.r.id, ""])`, one)).toEqual(UNKNOWN);
    expect(await localValue(`compact([var.n == 1 ? aws_s3_bucket.b[0].arn : "", ""])`, withCount("type = number"))).toEqual(UNKNOWN);
  });

  test("distinct collapses the same reference; two references may be equal once applied: unknown", async () => {
    expect(await localValue(`distinct([aws_iam_policy.other.arn, aws_iam_policy.other.arn])`, one)).toEqual(["${aws_iam_policy.other.arn}"]);
    expect(await localValue(`distinct([aws_iam_policy.other.arn, aws_iam_policy.this[0].arn])`, one)).toEqual(UNKNOWN);
    expect(await localValue(`distinct([aws_iam_policy.other.arn, "arn:aws:iam::111111111111:policy/p"])`, one)).toEqual(UNKNOWN);
  });

  test("flatten passes an ARN through; an attribute that may be a list stays unknown", async () => {
    expect(await localValue(`flatten([[aws_iam_policy.other.arn], []])`, one)).toEqual(["${aws_iam_policy.other.arn}"]);
    expect(await localValue(`flatten([aws_iam_policy.other.tags_all])`, one)).toEqual(UNKNOWN);
  });

  test("coalesce stops at an ARN; an unknown argument before it, or an attribute that may be empty, stays unknown", async () => {
    expect(await localValue(`coalesce("", null, aws_iam_policy.other.arn, "x")`, one)).toBe("${aws_iam_policy.other.arn}");
    expect(await localValue(`coalesce("first", aws_iam_policy.other.arn)`, one)).toBe("first");
    expect(await localValue(`coalesce(var.n, aws_iam_policy.other.arn)`, withCount("type = string"))).toEqual(UNKNOWN);
    expect(await localValue(`coalesce(aws_iam_policy.other.name_prefix, "x")`, one)).toEqual(UNKNOWN);
  });
});

async function findings(files: Record<string, string>) {
  return (await checkPaths([dir(files)], { config: {}, rules: agentRules })).findings;
}

/** An iam-policy-style module: created under `count`, its ARN given out through `try(...[0].arn, null)`. */
const POLICY_MODULE = `variable "name" { type = string }
variable "actions" { type = list(string) }
variable "create_policy" {
  type    = bool
  default = true
}
resource "aws_iam_policy" "this" {
  count  = var.create_policy ? 1 : 0
  name   = var.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = var.actions, Resource = "*" }] })
}
output "arn" {
  value = try(aws_iam_policy.this[0].arn, null)
}
`;

const agentStack = (agentActions: string, create = "true") => ({
  "modules/policy/main.tf": POLICY_MODULE,
  "main.tf": `variable "create" {
  type    = bool
  ${create === "unknown" ? "" : `default = ${create}`}
}
module "boundary" {
  source  = "./modules/policy"
  name    = "agent-boundary"
  actions = ["s3:GetObject", "s3:ListBucket", "s3:DeleteObject"]
}
module "agent_policy" {
  source        = "./modules/policy"
  name          = "agent"
  actions       = ${agentActions}
  create_policy = var.create
}
${agentRoleHcl("coding-agent", "module.boundary.arn")}resource "aws_iam_role_policy_attachment" "agent" {
  role       = aws_iam_role.agent.name
  policy_arn = module.agent_policy.arn
}
`,
});

describe("a policy and a boundary passed on by a module output written with try", () => {
  test("read-only: no finding at all (was unanalysable-policy and a boundary that caps nothing)", async () => {
    expect((await findings(agentStack(`["s3:GetObject", "s3:ListBucket"]`))).map((f) => f.ruleId)).toEqual([]);
  });

  test("a delete right in the module's policy is found as that action, capped by the boundary", async () => {
    const fs = await findings(agentStack(`["s3:GetObject", "s3:DeleteObject", "ec2:DeleteVolume"]`));
    expect(fs.map((f) => f.ruleId)).not.toContain("unanalysable-policy");
    expect(fs.filter((f) => f.ruleId === "agent-destroy-right").flatMap((f) => f.actions)).toEqual(["s3:DeleteObject"]);
  });

  test("control: the module's count unknown, the output may be null: still unanalysable (fail closed)", async () => {
    const fs = await findings(agentStack(`["s3:GetObject"]`, "unknown"));
    expect(fs.map((f) => f.ruleId)).toContain("unanalysable-policy");
  });
});

/** An s3-bucket-module-style bucket policy: a Deny of insecure transport joined through `compact`. */
const bucketPolicy = (grant: string) => ({
  "main.tf": `variable "attach_deny" {
  type    = bool
  default = true
}
variable "policy" {
  type    = string
  default = ${grant}
}
resource "aws_s3_bucket" "this" {
  bucket = "agent-workspace"
}
data "aws_iam_policy_document" "deny_insecure" {
  count = var.attach_deny ? 1 : 0
  statement {
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.this.arn, "\${aws_s3_bucket.this.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}
data "aws_iam_policy_document" "combined" {
  source_policy_documents = compact([
    var.attach_deny ? data.aws_iam_policy_document.deny_insecure[0].json : "",
    var.policy == null ? "" : var.policy,
  ])
}
resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.combined.json
}
`,
});

describe("compact of a policy document's JSON in source_policy_documents", () => {
  test("a Deny only grants nothing: no resource-policy-grant", async () => {
    const fs = await findings(bucketPolicy("null"));
    expect(fs.filter((f) => f.ruleId === "resource-policy-grant")).toEqual([]);
  });

  test("control: a second document granting delete to everyone is found, with its action", async () => {
    const grant = JSON.stringify(JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:DeleteObject", Resource: "*" }] }));
    const fs = await findings(bucketPolicy(grant));
    expect(fs.filter((f) => f.ruleId === "resource-policy-grant").flatMap((f) => f.actions)).toContain("s3:DeleteObject");
  });
});

describe("compact over a bucket ARN scopes a statement to the bucket (was `*`)", () => {
  const stack = (action: string) => ({
    "main.tf": `resource "aws_s3_bucket" "b" {
  count  = 1
  bucket = "team-artifacts"
  lifecycle {
    prevent_destroy = true
  }
}
resource "aws_s3_bucket_versioning" "b" {
  bucket = aws_s3_bucket.b[0].id
  versioning_configuration {
    status = "Enabled"
  }
}
locals {
  object_arns = [for a in compact([aws_s3_bucket.b[0].arn, ""]) : "\${a}/*"]
}
resource "aws_iam_policy" "boundary" {
  name   = "agent-boundary"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject", "s3:DeleteObjectVersion"], Resource = "*" }] })
}
${agentRoleHcl("coding-agent", "aws_iam_policy.boundary.arn")}resource "aws_iam_role_policy" "work" {
  role   = aws_iam_role.agent.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["${action}"], Resource = local.object_arns }] })
}
`,
  });

  test("s3:PutObject on a versioned bucket of the stack: no overwrite warning", async () => {
    const fs = await findings(stack("s3:PutObject"));
    expect(fs.filter((f) => f.ruleId === "agent-overwrite-unprotected")).toEqual([]);
  });

  test("control: s3:DeleteObjectVersion there is a destroy right on that bucket", async () => {
    const fs = await findings(stack("s3:DeleteObjectVersion"));
    const d = fs.filter((f) => f.ruleId === "agent-destroy-right");
    expect(d.flatMap((f) => f.actions)).toEqual(["s3:DeleteObjectVersion"]);
  });
});

describe("a block an override file replaces is located where the override is written", () => {
  const base = `resource "aws_iam_role_policy" "p" {
  role   = "agent"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["rds:DescribeDBInstances"], Resource = "*" }] })
}
`;
  const override = `# replaces the policy in p.tf
resource "aws_iam_role_policy" "p" {
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["rds:DeleteDBInstance"], Resource = "*" }] })
}
`;

  test("the resource and its overridden argument name the override file; the others stay in the base", async () => {
    const load = await loadHcl(dir({ "p.tf": base, "p_override.tf": override }));
    expect(load.stack.byAddress.get("aws_iam_role_policy.p")?.location).toBe("p_override.tf:2");
    expect(load.attributeLocations.get("aws_iam_role_policy.p")?.get("policy")).toBe("p_override.tf:3");
    expect(load.attributeLocations.get("aws_iam_role_policy.p")?.get("role")).toBe("p.tf:2");
  });

  test("control: without an override the base block", async () => {
    const load = await loadHcl(dir({ "p.tf": base }));
    expect(load.stack.byAddress.get("aws_iam_role_policy.p")?.location).toBe("p.tf:1");
    expect(load.attributeLocations.get("aws_iam_role_policy.p")?.get("policy")).toBe("p.tf:3");
  });
});
