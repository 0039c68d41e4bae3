/**
 * agent-trust-open: the idioms that name your own account in a pinning condition without writing it out. Each is read
 * only where it is certainly the deploying account (the role's provider, nothing else mixed in); every other form stays
 * reported, as a value blastwall does not know.
 */
import { Fn, TerraformLocal } from "cdktf";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { agentRole, policy, tf } from "../helpers/tf";
import { run } from "./helpers";
import { rule } from "../../lib/rules/agent-trust-open";
import { synth } from "../constructs/helpers";
import { dir } from "../hcl/helpers";
import { loadHclStack } from "../../lib/hcl/load-hcl";
import { buildAnalysis } from "../../lib/engine/analyze";

type Obj = Record<string, unknown>;
const ME = "${data.aws_caller_identity.current.account_id}";
const OPEN = "admits any AWS principal, in any account";

/** The agent's trust admits `*` under one condition; the stack holds the own and a vendor's caller identity, `locals`. */
function messages(operator: string, key: string, value: string, locals: Obj = {}, asDocument = false): string[] {
  const data = { "data.aws_caller_identity.current": {}, "data.aws_caller_identity.vendor": { provider: "aws.vendor" } };
  const providers = { aws: [{}, { alias: "vendor", profile: "vendor" }] };
  const statement = { Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole", Condition: { [operator]: { [key]: value } } };
  const doc = { statement: [{ effect: "Allow", actions: ["sts:AssumeRole"], principals: [{ type: "AWS", identifiers: ["*"] }], condition: [{ test: operator, variable: key, values: [value] }] }] };
  const trust: Record<string, Obj> = asDocument ? { "data.aws_iam_policy_document.t": doc, "aws_iam_role.agent": agentRole({ assume_role_policy: "${data.aws_iam_policy_document.t.json}" }) } : { "aws_iam_role.agent": agentRole({ assume_role_policy: policy(statement) }) };
  const json = tf({ ...data, ...trust }, { provider: providers, variable: { acct: { type: "string" }, flag: { type: "string", default: "" } }, ...(Object.keys(locals).length ? { locals } : {}) });
  return run(rule, json).map((f) => f.message);
}

describe("agent-trust-open: the caller identity's id is the deploying account", () => {
  it.each([
    ["as the account", "StringEquals", "aws:PrincipalAccount", "${data.aws_caller_identity.current.id}"],
    ["as the source account", "StringEquals", "aws:SourceAccount", "${data.aws_caller_identity.current.id}"],
    ["in an ARN", "ArnLike", "aws:PrincipalArn", "arn:aws:iam::${data.aws_caller_identity.current.id}:role/runner"],
  ])("passes it %s", (_name, operator, key, value) => {
    expect(messages(operator, key, value)).toEqual([]);
  });

  it.each([
    ["read through another provider: that provider's account", "StringEquals", "aws:PrincipalAccount", "${data.aws_caller_identity.vendor.id}", "is not known until apply"],
    ["as a role name in every account", "ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:role/${data.aws_caller_identity.current.id}", "does not write out one account"],
  ])("fails it %s", (_name, operator, key, value, why) => {
    const [m, ...more] = messages(operator, key, value);
    expect(more).toEqual([]);
    expect(m).toContain(OPEN);
    expect(m).toContain(why);
  });
});

describe("agent-trust-open: a local that is exactly an own value (Terraform JSON; cdktf's TerraformLocal)", () => {
  const own = { account_id: ME };

  it.each([
    ["the account", "StringEquals", "aws:PrincipalAccount", "${local.account_id}", own],
    ["the account in an ARN", "ArnLike", "aws:PrincipalArn", "arn:aws:iam::${local.account_id}:role/runner", own],
    ["the account in an ARN naming a role of the stack", "ArnEquals", "aws:PrincipalArn", "arn:aws:iam::${local.account_id}:role/${aws_iam_role.agent.name}", own],
    ["the caller identity's id", "StringEquals", "aws:PrincipalAccount", "${local.account_id}", { account_id: "${data.aws_caller_identity.current.id}" }],
    ["a chain of locals", "StringEquals", "aws:PrincipalAccount", "${local.c}", { ...own, b: "${local.account_id}", c: "${local.b}" }],
    // The longest chain read: four locals; one more is "at the end of a long chain" below.
    ["a chain of four locals", "StringEquals", "aws:PrincipalAccount", "${local.l3}", { l0: ME, l1: "${local.l0}", l2: "${local.l1}", l3: "${local.l2}" }],
    ["in a policy document's condition", "StringEquals", "aws:PrincipalAccount", "${local.account_id}", own, true],
  ])("passes %s", (_name, operator, key, value, locals, asDocument = false) => {
    expect(messages(operator, key, value, locals, asDocument)).toEqual([]);
  });

  it.each([
    ["holding a variable", "${local.a}", { a: "${var.acct}" }, "is not known until apply"],
    ["holding another provider's caller identity", "${local.a}", { a: "${data.aws_caller_identity.vendor.account_id}" }, "is not known until apply"],
    ["holding *", "${local.a}", { a: "*" }, "matches every caller"],
    ["holding a function of the account", "${local.a}", { a: "${lower(data.aws_caller_identity.current.account_id)}" }, "is not known until apply"],
    ["holding a conditional", "${local.a}", { a: '${var.flag == "" ? data.aws_caller_identity.current.account_id : var.acct}' }, "is not known until apply"],
    ["holding the account with text around it", "${local.a}", { a: "1${data.aws_caller_identity.current.account_id}" }, 'read as "1*") is not one account id'],
    ["of a map, by key", "${local.m.acct}", { m: { acct: ME } }, 'read as "*") matches every caller'],
    ["not in the stack", "${local.missing}", {}, "is not known until apply"],
    ["in a cycle", "${local.a}", { a: "${local.b}", b: "${local.a}" }, "is not known until apply"],
    ["at the end of a long chain", "${local.l5}", { l0: ME, l1: "${local.l0}", l2: "${local.l1}", l3: "${local.l2}", l4: "${local.l3}", l5: "${local.l4}" }, 'read as "*") matches every caller'],
  ])("fails a local %s", (_name, value, locals, why) => {
    const [m, ...more] = messages("StringEquals", "aws:PrincipalAccount", value, locals);
    expect(more).toEqual([]);
    expect(m).toContain(OPEN);
    expect(m).toContain(`StringEquals aws:PrincipalAccount "${value}"`);
    expect(m).toContain(why);
  });

  it("fails an ARN whose account is a local of another provider's caller identity", () => {
    const [m, ...more] = messages("ArnLike", "aws:PrincipalArn", "arn:aws:iam::${local.a}:role/runner", { a: "${data.aws_caller_identity.vendor.account_id}" });
    expect(more).toEqual([]);
    expect(m).toContain('"arn:aws:iam::${local.a}:role/runner" holds ${local.a}, which is not known until apply');
  });
});

describe("agent-trust-open: tostring and format of an own value (cdktf's Fn.tostring, Fn.format)", () => {
  it.each([
    ["tostring of the account", "StringEquals", "aws:PrincipalAccount", "${tostring(data.aws_caller_identity.current.account_id)}"],
    ["tostring of a local of the account", "StringEquals", "aws:PrincipalAccount", "${tostring(local.account_id)}"],
    ["format of the account's root", "ArnEquals", "aws:PrincipalArn", '${format("arn:aws:iam::%s:root", data.aws_caller_identity.current.account_id)}'],
    ["format of a role by the caller identity's id", "ArnLike", "aws:PrincipalArn", '${format("arn:aws:iam::%s:role/runner", data.aws_caller_identity.current.id)}'],
    ["format with %v and %%", "ArnLike", "aws:PrincipalArn", '${format("arn:aws:iam::%v:role/100%%", local.account_id)}'],
  ])("passes %s", (_name, operator, key, value) => {
    expect(messages(operator, key, value, { account_id: ME }, true)).toEqual([]);
  });

  it.each([
    ["tostring of a variable", "StringEquals", "aws:PrincipalAccount", "${tostring(var.acct)}"],
    ["tostring of another provider's caller identity", "StringEquals", "aws:PrincipalAccount", "${tostring(data.aws_caller_identity.vendor.account_id)}"],
    ["another function of the account", "StringEquals", "aws:PrincipalAccount", "${lower(data.aws_caller_identity.current.account_id)}"],
    ["format of another provider's caller identity", "ArnEquals", "aws:PrincipalArn", '${format("arn:aws:iam::%s:root", data.aws_caller_identity.vendor.account_id)}'],
    ["format of the account as a role name", "ArnLike", "aws:PrincipalArn", '${format("arn:aws:iam::*:role/%s", data.aws_caller_identity.current.account_id)}', "does not write out one account"],
    ["format with a second value", "ArnLike", "aws:PrincipalArn", '${format("arn:aws:iam::%s:role/%s", data.aws_caller_identity.current.account_id, var.acct)}'],
    ["format with a verb it does not evaluate", "ArnLike", "aws:PrincipalArn", '${format("arn:aws:iam::%q:root", data.aws_caller_identity.current.account_id)}'],
    ["format of a variable", "ArnLike", "aws:PrincipalArn", '${format("arn:aws:iam::%s:root", var.acct)}'],
    // The engine reads the format as the account id alone, which is `*` like every account of a stack.
    ["format whose text is not an ARN", "ArnLike", "aws:PrincipalArn", '${format("%s", data.aws_caller_identity.current.account_id)}', '(read as "*") matches every caller'],
  ])("fails %s", (_name, operator, key, value, why = "is not known until apply") => {
    const [m, ...more] = messages(operator, key, value, {}, true);
    expect(more).toEqual([]);
    expect(m).toContain(OPEN);
    expect(m).toContain(why);
  });
});

describe("agent-trust-open: the idioms end to end", () => {
  /** A synthesized stack whose agent trusts `*` pinned by `value(account id token, local)`. */
  const synthesized = (value: (account: string, local: TerraformLocal) => string, vendor = false) =>
    synth((s) => {
      const other = new AwsProvider(s, "vendor", { alias: "vendor", profile: "vendor" });
      const me = new DataAwsCallerIdentity(s, "me", vendor ? { provider: other } : {});
      const local = new TerraformLocal(s, "account_id", me.accountId);
      const trust = new DataAwsIamPolicyDocument(s, "trust", {
        statement: [{ effect: "Allow", actions: ["sts:AssumeRole"], principals: [{ type: "AWS", identifiers: ["*"] }], condition: [{ test: "ArnLike", variable: "aws:PrincipalArn", values: [value(me.accountId, local)] }] }],
      });
      new IamRole(s, "agent", { name: "agent", assumeRolePolicy: trust.json, tags: { "blastwall:agent": "true" } });
    }).json;

  it.each([
    ["a TerraformLocal in an ARN", (_a: string, l: TerraformLocal) => `arn:aws:iam::${l.asString}:role/runner`, "arn:aws:iam::${local.account_id}:role/runner"],
    ["Fn.format", (a: string) => Fn.format("arn:aws:iam::%s:role/runner", [a]), '${format("arn:aws:iam::%s:role/runner", data.aws_caller_identity.me.account_id)}'],
    ["Fn.tostring in an ARN", (a: string) => `arn:aws:iam::${Fn.tostring(a)}:role/runner`, "arn:aws:iam::${tostring(data.aws_caller_identity.me.account_id)}:role/runner"],
  ])("cdktf: passes %s of the deploying account, fails it of another provider's", (_name, value, written) => {
    const own = synthesized(value);
    const doc = (own.data as { aws_iam_policy_document: { trust: { statement: { condition: { values: string[] }[] }[] } } }).aws_iam_policy_document.trust;
    expect(doc.statement[0].condition[0].values).toEqual([written]);
    expect(run(rule, own)).toEqual([]);
    const [m, ...more] = run(rule, synthesized(value, true)).map((f) => f.message);
    expect(more).toEqual([]);
    expect(m).toContain(OPEN);
  });

  /** `pin` written as the condition's value, in HCL with the own and a vendor's caller identity. */
  const hcl = async (pin: string, locals: string) => {
    const stack = await loadHclStack(
      dir({
        "main.tf": `provider "aws" {
  alias = "vendor"
}
data "aws_caller_identity" "current" {}
data "aws_caller_identity" "vendor" {
  provider = aws.vendor
}
variable "acct" {
  type = string
}
locals {
${locals}
}
resource "aws_iam_role" "agent" {
  name = "agent"
  tags = { "blastwall:agent" = "true" }
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "*" }, Condition = { StringEquals = { "aws:PrincipalAccount" = ${pin} } } }]
  })
}
`,
      }),
    );
    return rule.check({ stack, analysis: buildAnalysis(stack, {}), config: {}, strict: false }).map((f) => f.message);
  };

  it.each([
    ["the caller identity's id", "data.aws_caller_identity.current.id", ""],
    ["a local of the account", "local.account_id", "  account_id = data.aws_caller_identity.current.account_id"],
    ["a chain of locals of the id", "local.b", "  a = data.aws_caller_identity.current.id\n  b = local.a"],
    ["tostring of a local", "tostring(local.account_id)", "  account_id = data.aws_caller_identity.current.account_id"],
  ])("HCL: passes %s", async (_name, pin, locals) => {
    expect(await hcl(pin, locals)).toEqual([]);
  });

  it.each([
    ["a local of another provider's caller identity", "local.a", "  a = data.aws_caller_identity.vendor.account_id"],
    ["a local of a variable", "local.a", "  a = var.acct"],
    ["a local of *", "local.a", '  a = "*"'],
    ["another provider's caller identity's id", "data.aws_caller_identity.vendor.id", ""],
  ])("HCL: fails %s", async (_name, pin, locals) => {
    const [m, ...more] = await hcl(pin, locals);
    expect(more).toEqual([]);
    expect(m).toContain(OPEN);
  });
});
