/**
 * An Allow's exclusion written with a root variable (NotAction `s3:${var.blocked}`, NotResource
 * `arn:aws:s3:::${var.keep}/*`) was read by the variable's default and relied on to leave that out. `-var` can make the
 * entry exclude something else, or nothing: the exclusion is the Allow's own limit, as a Deny is one, so it is not
 * relied on (the identity Allow's, and a permission boundary's), and the finding says which entry and which variable. A
 * Deny whose NotAction or NotResource `-var` can change is not relied on, as any Deny written with one. A literal entry,
 * and a variable given with --var-file, count as before.
 */
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { analyzeStack } from "../../lib/engine/analyze";
import type { Finding } from "../../lib/engine/findings";
import { grantsFor } from "../../lib/engine/iam/evaluate";
import { loadHclStack } from "../../lib/hcl/load-hcl";
import { loadStacks } from "../../lib/check/run-check";
import { allRules } from "../../lib/rules";
import type { TfStack } from "../../lib/engine/terraform/types";

const HEAD = `provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111111111111"]
}
variable "blocked" {
  type    = string
  default = "Delete*"
}
variable "keep" {
  type    = string
  default = "prod-data-111"
}
resource "aws_s3_bucket" "data" {
  bucket = "prod-data-111"
}
`;
const ROLE = (boundary = false) => `
resource "aws_iam_role" "agent" {
  name               = "agent"
  path               = "/agents/"${boundary ? "\n  permissions_boundary = aws_iam_policy.boundary.arn" : ""}
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111111111111:role/runner" }, Action = "sts:AssumeRole" }] })
}
`;
/** The work policy: one statement, as given (HCL object syntax). */
const WORK = (statement: string) => `
resource "aws_iam_role_policy" "work" {
  role   = aws_iam_role.agent.name
  name   = "work"
  policy = jsonencode({ Version = "2012-10-17", Statement = [${statement}] })
}
`;
const BOUNDARY = (statement: string) => `
resource "aws_iam_policy" "boundary" {
  name   = "agent-boundary"
  policy = jsonencode({ Version = "2012-10-17", Statement = [${statement}] })
}
`;
const NOT_ACTION = (entry: string) => `{ Effect = "Allow", NotAction = ["iam:*", "sts:*", "${entry}"], Resource = "*" }`;
const NOT_RESOURCE = (entry: string) => `{ Effect = "Allow", Action = ["s3:DeleteObject"], NotResource = ["${entry}"] }`;
const BY_VAR_ACTION = "s3:\${var.blocked}";
const BY_VAR_ARN = "arn:aws:s3:::\${var.keep}/*";
const OBJECTS = "arn:aws:s3:::prod-data-111/*";

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "bw-settable-exclusions-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const analyzed = (stack: TfStack) => analyzeStack(stack, { config: { agents: { names: ["agent"] } }, rules: allRules });

async function hcl(text: string, varFile?: ReadonlyMap<string, unknown>, extra: Record<string, string> = {}) {
  writeFileSync(join(dir, "main.tf"), text);
  for (const [name, body] of Object.entries(extra)) writeFileSync(join(dir, name), body);
  return analyzed(await loadHclStack(dir, varFile));
}

const holds = (a: ReturnType<typeof analyzed>, action: string, target?: string) => grantsFor(a.analysis.rightsOf("aws_iam_role.agent"), action, target).length > 0;
const destroy = (a: ReturnType<typeof analyzed>) => a.findings.filter((f) => f.ruleId === "agent-destroy-right");
const stepOf = (f: Finding | undefined, name: string) => f?.evidence.find((e) => e.step === name)?.detail ?? "";

describe("an identity Allow's NotAction written with a variable", () => {
  test("HCL: s3:${var.blocked} (default Delete*) excludes nothing for sure: s3:DeleteBucket held, the finding says why", async () => {
    const a = await hcl(HEAD + ROLE() + WORK(NOT_ACTION(BY_VAR_ACTION)));
    expect(holds(a, "s3:DeleteBucket")).toBe(true);
    const f = destroy(a).find((x) => x.actions?.includes("s3:DeleteBucket"));
    const step = stepOf(f, "exclusion-not-relied-on");
    expect(step).toContain("statement #0 leaves out s3:Delete* (its NotAction), but blastwall does not rely on that");
    expect(step).toContain("it is read as granting s3:DeleteObject, s3:DeleteObjectVersion, s3:DeleteBucket as well");
    expect(step).toContain("var.blocked");
  });

  test("control: the entry written literally excludes s3:DeleteBucket", async () => {
    const a = await hcl(HEAD + ROLE() + WORK(NOT_ACTION("s3:Delete*")));
    expect(holds(a, "s3:DeleteBucket")).toBe(false);
    expect(holds(a, "s3:PutObject")).toBe(true);
  });

  test("control: the variable given with --var-file is read by its value", async () => {
    const a = await hcl(HEAD + ROLE() + WORK(NOT_ACTION(BY_VAR_ACTION)), new Map<string, unknown>([["blocked", "Delete*"], ["keep", "prod-data-111"]]));
    expect(holds(a, "s3:DeleteBucket")).toBe(false);
  });

  test("NotAction beside a NotResource (neither Action nor Resource in the statement): not relied on either", async () => {
    const st = `{ Effect = "Allow", NotAction = ["iam:*", "sts:*", "${BY_VAR_ACTION}"], NotResource = ["arn:aws:s3:::other/*"] }`;
    expect(holds(await hcl(HEAD + ROLE() + WORK(st)), "s3:DeleteBucket")).toBe(true);
  });

  test("a terraform.tfvars value is still one -var overrides: not relied on", async () => {
    const a = await hcl(HEAD + ROLE() + WORK(NOT_ACTION(BY_VAR_ACTION)), undefined, { "terraform.tfvars": `blocked = "Delete*"\n` });
    expect(holds(a, "s3:DeleteBucket")).toBe(true);
  });
});

describe("an identity Allow's NotResource written with a variable", () => {
  test("HCL: arn:aws:s3:::${var.keep}/* leaves out nothing for sure: the stack's bucket's objects may be deleted", async () => {
    const a = await hcl(HEAD + ROLE() + WORK(NOT_RESOURCE(BY_VAR_ARN)));
    expect(holds(a, "s3:DeleteObject", OBJECTS)).toBe(true);
    const step = stepOf(destroy(a)[0], "exclusion-not-relied-on");
    expect(step).toContain("arn:aws:s3:::prod-data-111/*");
    expect(step).toContain("var.keep");
  });

  test("control: written literally, the bucket's objects are left out", async () => {
    const a = await hcl(HEAD + ROLE() + WORK(NOT_RESOURCE(OBJECTS)));
    expect(holds(a, "s3:DeleteObject", OBJECTS)).toBe(false);
    expect(holds(a, "s3:DeleteObject", "arn:aws:s3:::other/*")).toBe(true);
    expect(stepOf(destroy(a)[0], "exclusion-not-relied-on")).toBe("");
  });
});

const boundaryStep = (a: ReturnType<typeof analyzed>) => stepOf(destroy(a)[0], "boundary");
const ALL_S3 = `{ Effect = "Allow", Action = ["s3:*"], Resource = "*" }`;
/** An identity Allow on the bucket's objects alone: a boundary's NotResource narrows only a grant it covers whole. */
const ON_OBJECTS = `{ Effect = "Allow", Action = ["s3:DeleteObject"], Resource = "${OBJECTS}" }`;

describe("a permission boundary's exclusion written with a variable", () => {
  test("NotAction s3:${var.blocked}: the boundary caps the identity s3:* only as read; the boundary step names the entry", async () => {
    const a = await hcl(HEAD + ROLE(true) + BOUNDARY(NOT_ACTION(BY_VAR_ACTION)) + WORK(ALL_S3));
    expect(holds(a, "s3:DeleteBucket")).toBe(true);
    expect(boundaryStep(a)).toContain("the boundary's Allow (statement #0) leaves out s3:Delete* with a root variable in its NotAction (any of s3:*)");
    expect(boundaryStep(a)).toContain("var.blocked");
    expect(boundaryStep(a)).toContain("write its Action, Resource, NotAction and NotResource literally");
  });

  test("NotResource arn:aws:s3:::${var.keep}/*: the bucket's objects are not left out for sure", async () => {
    const st = `{ Effect = "Allow", Action = ["s3:*"], NotResource = ["${BY_VAR_ARN}"] }`;
    const a = await hcl(HEAD + ROLE(true) + BOUNDARY(st) + WORK(ON_OBJECTS));
    expect(holds(a, "s3:DeleteObject", OBJECTS)).toBe(true);
    expect(boundaryStep(a)).toContain("leaves out arn:aws:s3:::prod-data-111/* with a root variable in its NotResource (any of arn:aws:s3:::*/*)");
  });

  test("agent-role-boundary reads the boundary's NotAction as not leaving s3:Delete* out", async () => {
    const a = await hcl(HEAD + ROLE(true) + BOUNDARY(NOT_ACTION(BY_VAR_ACTION)) + WORK(`{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "*" }`));
    const f = a.findings.find((x) => x.ruleId === "agent-role-boundary");
    expect(f?.actions).toContain("s3:DeleteBucket");
    expect(stepOf(f, "boundary")).toContain("with a root variable in its NotAction");
  });

  test("control: the boundary written literally caps them", async () => {
    const a = await hcl(HEAD + ROLE(true) + BOUNDARY(NOT_ACTION("s3:Delete*")) + WORK(ALL_S3));
    expect(holds(a, "s3:DeleteBucket")).toBe(false);
    const b = await hcl(HEAD + ROLE(true) + BOUNDARY(`{ Effect = "Allow", Action = ["s3:*"], NotResource = ["${OBJECTS}"] }`) + WORK(ON_OBJECTS));
    expect(holds(b, "s3:DeleteObject", OBJECTS)).toBe(false);
  });

  test("control: the boundary's variables given with --var-file cap them", async () => {
    const a = await hcl(HEAD + ROLE(true) + BOUNDARY(NOT_ACTION(BY_VAR_ACTION)) + WORK(ALL_S3), new Map<string, unknown>([["blocked", "Delete*"], ["keep", "prod-data-111"]]));
    expect(holds(a, "s3:DeleteBucket")).toBe(false);
  });
});

/** The work policy as a policy document data source: `allow` the statement block's body. */
const DATA_DOC = (body: string) => `
data "aws_iam_policy_document" "work" {
  statement {
    effect = "Allow"
${body}
  }
}
resource "aws_iam_role_policy" "work" {
  role   = aws_iam_role.agent.name
  name   = "work"
  policy = data.aws_iam_policy_document.work.json
}
`;

describe("a policy document data source's not_actions / not_resources written with a variable", () => {
  test("not_actions: not relied on", async () => {
    const a = await hcl(HEAD + ROLE() + DATA_DOC(`    not_actions = ["iam:*", "sts:*", "s3:\${var.blocked}"]\n    resources = ["*"]`));
    expect(holds(a, "s3:DeleteBucket")).toBe(true);
    expect(stepOf(destroy(a).find((x) => x.actions?.includes("s3:DeleteBucket")), "exclusion-not-relied-on")).toContain("data.aws_iam_policy_document.work's statement depends on var.blocked");
  });

  test("not_resources: not relied on", async () => {
    const a = await hcl(HEAD + ROLE() + DATA_DOC(`    actions = ["s3:DeleteObject"]\n    not_resources = ["${BY_VAR_ARN}"]`));
    expect(holds(a, "s3:DeleteObject", OBJECTS)).toBe(true);
  });

  test("control: written literally, relied on", async () => {
    const a = await hcl(HEAD + ROLE() + DATA_DOC(`    not_actions = ["iam:*", "sts:*", "s3:Delete*"]\n    resources = ["*"]`));
    expect(holds(a, "s3:DeleteBucket")).toBe(false);
    const b = await hcl(HEAD + ROLE() + DATA_DOC(`    actions = ["s3:DeleteObject"]\n    not_resources = ["${OBJECTS}"]`));
    expect(holds(b, "s3:DeleteObject", OBJECTS)).toBe(false);
  });
});

/** The stack as Terraform JSON, the work policy a JSON string with the given statement. */
const JSON_STACK = (statement: object, boundary?: object) => ({
  provider: { aws: [{ region: "us-east-1", allowed_account_ids: ["111111111111"] }] },
  variable: { blocked: { type: "string", default: "Delete*" }, keep: { type: "string", default: "prod-data-111" } },
  resource: {
    aws_s3_bucket: { data: { bucket: "prod-data-111" } },
    aws_iam_role: {
      agent: {
        name: "agent",
        path: "/agents/",
        ...(boundary ? { permissions_boundary: "${aws_iam_policy.boundary.arn}" } : {}),
        assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/runner" }, Action: "sts:AssumeRole" }] }),
      },
    },
    ...(boundary ? { aws_iam_policy: { boundary: { name: "b", policy: JSON.stringify({ Version: "2012-10-17", Statement: [boundary] }) } } } : {}),
    aws_iam_role_policy: { work: { role: "${aws_iam_role.agent.name}", name: "work", policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }) } },
  },
});
const JSON_NOT_ACTION = (entry: string) => ({ Effect: "Allow", NotAction: ["iam:*", "sts:*", entry], Resource: "*" });

async function cdkJson(doc: object) {
  const path = join(dir, "cdk.tf.json");
  writeFileSync(path, JSON.stringify(doc));
  const [stack] = await loadStacks({ kind: "json", path });
  return analyzed(stack);
}

describe("Terraform JSON", () => {
  test("a cdk.tf.json read as written: an identity NotAction with ${var.blocked} is not relied on; written literally it is", async () => {
    expect(holds(await cdkJson(JSON_STACK(JSON_NOT_ACTION("s3:${var.blocked}"))), "s3:DeleteBucket")).toBe(true);
    expect(holds(await cdkJson(JSON_STACK(JSON_NOT_ACTION("s3:Delete*"))), "s3:DeleteBucket")).toBe(false);
  });

  test("a cdk.tf.json: a boundary's NotResource with ${var.keep} is not relied on; written literally it is", async () => {
    const work = { Effect: "Allow", Action: ["s3:DeleteObject"], Resource: OBJECTS };
    const byVar = await cdkJson(JSON_STACK(work, { Effect: "Allow", Action: ["s3:*"], NotResource: ["arn:aws:s3:::${var.keep}/*"] }));
    expect(holds(byVar, "s3:DeleteObject", OBJECTS)).toBe(true);
    const literal = await cdkJson(JSON_STACK(work, { Effect: "Allow", Action: ["s3:*"], NotResource: [OBJECTS] }));
    expect(holds(literal, "s3:DeleteObject", OBJECTS)).toBe(false);
  });

  test("main.tf.json in a folder: an identity NotResource with ${var.keep} is not relied on", async () => {
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify(JSON_STACK({ Effect: "Allow", Action: ["s3:DeleteObject"], NotResource: ["arn:aws:s3:::${var.keep}/*"] })));
    expect(holds(analyzed(await loadHclStack(dir)), "s3:DeleteObject", OBJECTS)).toBe(true);
  });
});

const GUARD = (statement: string) => `
resource "aws_iam_role_policy" "guard" {
  role   = aws_iam_role.agent.name
  name   = "guard"
  policy = jsonencode({ Version = "2012-10-17", Statement = [${statement}] })
}
`;
const DENY_NOT_ACTION = (entry: string) => `{ Effect = "Deny", NotAction = ["s3:Get*", "${entry}"], Resource = "*" }`;
const VAR_RO = `variable "ro" {
  type    = string
  default = "List*"
}
`;

describe("a Deny whose NotAction is written with a variable (already not relied on: kept so)", () => {
  test("HCL: s3:${var.ro} may leave out s3:DeleteBucket under -var: not relied on, the step names var.ro", async () => {
    const a = await hcl(HEAD + VAR_RO + ROLE() + WORK(ALL_S3) + GUARD(DENY_NOT_ACTION("s3:\${var.ro}")));
    expect(holds(a, "s3:DeleteBucket")).toBe(true);
    expect(stepOf(destroy(a)[0], "deny-not-relied-on")).toContain("var.ro");
  });

  test("a data source's not_actions: not relied on", async () => {
    const guard = `
data "aws_iam_policy_document" "guard" {
  statement {
    effect      = "Deny"
    not_actions = ["s3:Get*", "s3:\${var.ro}"]
    resources   = ["*"]
  }
}
resource "aws_iam_role_policy" "guard" {
  role   = aws_iam_role.agent.name
  name   = "guard"
  policy = data.aws_iam_policy_document.guard.json
}
`;
    const a = await hcl(HEAD + VAR_RO + ROLE() + WORK(ALL_S3) + guard);
    expect(holds(a, "s3:DeleteBucket")).toBe(true);
  });

  test("a cdk.tf.json: not relied on", async () => {
    const doc = JSON_STACK({ Effect: "Allow", Action: ["s3:*"], Resource: "*" });
    (doc.variable as Record<string, unknown>)["ro"] = { type: "string", default: "List*" };
    (doc.resource.aws_iam_role_policy as Record<string, unknown>)["guard"] = {
      role: "${aws_iam_role.agent.name}",
      name: "guard",
      policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", NotAction: ["s3:Get*", "s3:${var.ro}"], Resource: "*" }] }),
    };
    expect(holds(await cdkJson(doc), "s3:DeleteBucket")).toBe(true);
  });

  test("control: written literally, relied on", async () => {
    const a = await hcl(HEAD + VAR_RO + ROLE() + WORK(ALL_S3) + GUARD(DENY_NOT_ACTION("s3:List*")));
    expect(holds(a, "s3:DeleteBucket")).toBe(false);
  });
});

/**
 * Red-team round 172, F7: a boundary Deny of role chaining whose NotResource names `${var.account_id}` was not relied on
 * at all. Whatever account `-var` gives, the Deny still covers every role outside `:role/agents/`: it is relied on as
 * leaving out `arn:aws:iam::*:role/agents/*`, what any value may make the entry leave out.
 */
const CHAIN_HEAD = `provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["123456789012"]
}
variable "account_id" {
  type    = string
  default = "123456789012"
}
variable "keep_arn" {
  type    = string
  default = "arn:aws:iam::123456789012:role/agents/*"
}
`;
const CHAIN_DENY = (notResource: string, action = `"sts:AssumeRole", "sts:TagSession"`) =>
  `{ Sid = "DenyChain", Effect = "Deny", Action = [${action}], NotResource = ${notResource} }`;
const CHAIN_BOUNDARY = (deny: string) => BOUNDARY(`{ Effect = "Allow", Action = "*", Resource = "*" }, ${deny}`);
const ASSUME_ANY = `{ Effect = "Allow", Action = ["sts:AssumeRole"], Resource = "*" }`;
const ADMIN = "arn:aws:iam::123456789012:role/admin";
const AGENTS = "arn:aws:iam::123456789012:role/agents/helper";
const BY_ACCOUNT = `"arn:aws:iam::\${var.account_id}:role/agents/*"`;

describe("a Deny whose NotResource alone -var can change (red-team round 172, F7)", () => {
  test("HCL boundary: relied on for roles outside role/agents/ in any account; an agents role stays open", async () => {
    const a = await hcl(CHAIN_HEAD + ROLE(true) + CHAIN_BOUNDARY(CHAIN_DENY(BY_ACCOUNT)) + WORK(ASSUME_ANY));
    expect(holds(a, "sts:AssumeRole", ADMIN)).toBe(false);
    expect(holds(a, "sts:AssumeRole", "arn:aws:iam::999999999999:role/admin")).toBe(false);
    expect(holds(a, "sts:AssumeRole", AGENTS)).toBe(true);
    expect(a.findings.flatMap((f) => f.evidence).filter((e) => e.step === "deny-not-relied-on" && e.detail.includes("var.account_id"))).toEqual([]);
  });

  test("the same Deny in the agent's own policy, and in a policy document data source", async () => {
    const own = await hcl(CHAIN_HEAD + ROLE() + WORK(`${ASSUME_ANY}, ${CHAIN_DENY(BY_ACCOUNT)}`));
    expect(holds(own, "sts:AssumeRole", ADMIN)).toBe(false);
    const doc = `
data "aws_iam_policy_document" "work" {
  statement {
    actions   = ["sts:AssumeRole"]
    resources = ["*"]
  }
  statement {
    effect        = "Deny"
    actions       = ["sts:AssumeRole"]
    not_resources = [${BY_ACCOUNT}]
  }
}
resource "aws_iam_role_policy" "work" {
  role   = aws_iam_role.agent.name
  name   = "work"
  policy = data.aws_iam_policy_document.work.json
}
`;
    const data = await hcl(CHAIN_HEAD + ROLE() + doc);
    expect(holds(data, "sts:AssumeRole", ADMIN)).toBe(false);
    expect(holds(data, "sts:AssumeRole", AGENTS)).toBe(true);
  });

  test("a cdk.tf.json policy string is JSON text -var can write into (red-team round 174, F1): the boundary caps nothing", async () => {
    const doc = JSON_STACK({ Effect: "Allow", Action: ["sts:AssumeRole"], Resource: "*" }, { Effect: "Allow", Action: "*", Resource: "*" });
    (doc.variable as Record<string, unknown>)["account_id"] = { type: "string", default: "123456789012" };
    const boundary = (doc.resource as Record<string, Record<string, Record<string, unknown>>>)["aws_iam_policy"]["boundary"];
    boundary["policy"] = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: "*", Resource: "*" },
        { Effect: "Deny", Action: ["sts:AssumeRole"], NotResource: "arn:aws:iam::${var.account_id}:role/agents/*" },
      ],
    });
    const a = await cdkJson(doc);
    expect(holds(a, "sts:AssumeRole", "arn:aws:iam::111111111111:role/admin")).toBe(true);
    expect(a.analysis.agents.find((p) => p.address === "aws_iam_role.agent")?.boundary).toBeUndefined();
  });

  test("fails closed: a NotResource that is the variable whole may leave out everything: not relied on, its mark names the variable", async () => {
    const a = await hcl(CHAIN_HEAD + ROLE(true) + CHAIN_BOUNDARY(CHAIN_DENY(`"\${var.keep_arn}"`)) + WORK(ASSUME_ANY));
    expect(holds(a, "sts:AssumeRole", ADMIN)).toBe(true);
    // Flagged as written (its mark names the variable for a deny-not-relied-on step), not replaced by a Deny of nothing.
    const deny = a.analysis.agents.find((p) => p.address === "aws_iam_role.agent")?.boundary?.document.statements.find((st) => st.effect === "Deny");
    expect(deny?.notResources).toEqual(["arn:aws:iam::123456789012:role/agents/*"]);
    expect(deny?.conditions.some((c) => c.values[0]?.includes("var.keep_arn"))).toBe(true);
  });

  test("fails closed: the variable in the Deny's Action too: not relied on", async () => {
    const a = await hcl(CHAIN_HEAD + `variable "verb" {\n  type    = string\n  default = "AssumeRole"\n}\n` + ROLE(true) + CHAIN_BOUNDARY(CHAIN_DENY(BY_ACCOUNT, `"sts:\${var.verb}"`)) + WORK(ASSUME_ANY));
    expect(holds(a, "sts:AssumeRole", ADMIN)).toBe(true);
  });

  test("fails closed: a settable count on the boundary policy still decides (the widened Deny is not relied on alone)", async () => {
    const counted = CHAIN_BOUNDARY(CHAIN_DENY(BY_ACCOUNT)).replace(`name   = "agent-boundary"`, `count  = var.account_id == "" ? 0 : 1\n  name   = "agent-boundary"`);
    const text = CHAIN_HEAD + ROLE(true).replace("aws_iam_policy.boundary.arn", "aws_iam_policy.boundary[0].arn") + counted + WORK(ASSUME_ANY);
    const a = await hcl(text);
    expect(holds(a, "sts:AssumeRole", ADMIN)).toBe(true);
  });
});
