/**
 * AWS Config custom Lambda rules as routes into a function whose role can delete data: config:PutConfigRule on a
 * rule whose source is the function (the agent writes its input parameters and picks its scope, which Config hands the
 * function), a Lambda permission for config.amazonaws.com that lets a rule of the agent's own name the function, and
 * the organization's (config:PutOrganizationConfigRule, aws_config_organization_custom_rule). Graded as every route
 * into a function is: a warning, an error under --strict.
 */
import { check, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, HARMLESS, role, type Obj } from "../helpers/sessions";

const PINNED = { provider: { aws: [{ region: "eu-central-1", allowed_account_ids: ["111111111111"] }] } };
const LAMBDA = policy({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" });
const FN = "${aws_lambda_function.cleanup.arn}";
const ACCT = "111111111111";

const stack = (statements: Obj[], extra: Obj = {}, rights = DESTROY): Obj =>
  tf(
    {
      ...agentCan(...statements),
      ...role("fn", LAMBDA, rights),
      "aws_lambda_function.cleanup": { function_name: "db-cleanup", role: "${aws_iam_role.fn.arn}", handler: "index.handler", runtime: "python3.12", filename: "x.zip" },
      ...extra,
    },
    PINNED,
  );
const allow = (action: string | string[], resource: unknown) => ({ Effect: "Allow", Action: action, Resource: resource });
const found = (json: Obj, strict = false) =>
  check(json, {}, { strict })
    .findings.filter((f) => f.ruleId === "agent-transitive-destroy")
    .map((f) => ({ severity: f.severity, resource: f.resource, message: f.message, fix: f.fix ?? "" }));
const graded = (json: Obj) => [...found(json).map((x) => [x.severity, x.resource]), ...found(json, true).map((x) => [x.severity, x.resource])];
const REPORTED = [
  ["warning", "aws_lambda_function.cleanup"],
  ["error", "aws_lambda_function.cleanup"],
];

const rule = (name: string, owner: unknown, identifier: unknown) => ({
  [`aws_config_config_rule.${name}`]: { name, source: [{ owner, source_identifier: identifier, source_detail: [{ message_type: "ConfigurationItemChangeNotification" }] }] },
});
const CUSTOM = rule("r", "CUSTOM_LAMBDA", FN);
const MANAGED = rule("other", "AWS", "S3_BUCKET_VERSIONING_ENABLED");
const permission = (extra: Obj = {}, principal = "config.amazonaws.com") => ({
  "aws_lambda_permission.p": { action: "lambda:InvokeFunction", function_name: "${aws_lambda_function.cleanup.function_name}", principal, ...extra },
});
const ORG_RULE = { "aws_config_organization_custom_rule.r": { name: "check", lambda_function_arn: FN, trigger_types: ["ConfigurationItemChangeNotification"] } };
const PUT = allow("config:PutConfigRule", "*");
const PUT_ORG = allow("config:PutOrganizationConfigRule", "*");

describe("a custom Lambda rule of the stack: config:PutConfigRule on it rewrites what Config hands the function", () => {
  test("reported with no Lambda permission in the stack (the rule is the wiring), by pattern or by reference", () => {
    expect(graded(stack([PUT], CUSTOM))).toEqual(REPORTED);
    expect(graded(stack([allow("config:PutConfigRule", "${aws_config_config_rule.r.arn}")], { ...CUSTOM, ...MANAGED }))).toEqual(REPORTED);
    // A literal rule ID may be the stack rule's, whose ID AWS chose.
    expect(graded(stack([allow("config:PutConfigRule", `arn:aws:config:eu-central-1:${ACCT}:config-rule/config-rule-ab12cd`)], CUSTOM))).toEqual(REPORTED);
    // An owner blastwall cannot read may be CUSTOM_LAMBDA.
    expect(graded(stack([PUT], rule("r", "${var.owner}", FN)))).toEqual(REPORTED);
    const f = found(stack([PUT], CUSTOM))[0];
    expect(f.message).toContain("can rewrite the scope and input parameters of aws_config_config_rule.r (config:PutConfigRule, through aws_iam_role_policy.agent statement #0)");
    expect(f.message).toContain("a custom Lambda rule: AWS Config evaluates it with an event holding the rule's input parameters (ruleParameters) and the configuration items of the resources in its scope, both of which config:PutConfigRule replaces, by invoking aws_lambda_function.cleanup");
    expect(f.message).toContain("aws_iam_role.agent --config:PutConfigRule--> aws_config_config_rule.r");
    expect(f.fix).toContain("take config:PutConfigRule on aws_config_config_rule.r away from the agent");
  });

  test("controls: no PutConfigRule, a role that deletes nothing, a managed rule, another rule by reference, its own Deny", () => {
    expect(found(stack([allow(["config:DescribeConfigRules", "config:StartConfigRulesEvaluation"], "*")], CUSTOM))).toEqual([]);
    expect(found(stack([PUT], CUSTOM, HARMLESS))).toEqual([]);
    expect(found(stack([PUT], rule("r", "AWS", "S3_BUCKET_VERSIONING_ENABLED")))).toEqual([]);
    expect(found(stack([PUT], rule("r", "CUSTOM_POLICY", "")))).toEqual([]);
    // A managed rule's identifier blastwall cannot read names no function: its owner says so.
    expect(found(stack([PUT], rule("r", "AWS", "${var.rule_id}")))).toEqual([]);
    expect(found(stack([allow("config:PutConfigRule", "${aws_config_config_rule.other.arn}")], { ...CUSTOM, ...MANAGED }))).toEqual([]);
    expect(found(stack([PUT, { Effect: "Deny", Action: "config:PutConfigRule", Resource: "${aws_config_config_rule.r.arn}" }], CUSTOM))).toEqual([]);
    // PutOrganizationConfigRule does not write an account's own rule.
    expect(found(stack([PUT_ORG], CUSTOM))).toEqual([]);
    // Neither a rule nor a permission in the stack: Config refuses a rule whose function it may not invoke.
    expect(found(stack([PUT]))).toEqual([]);
  });
});

describe("a Lambda permission for config.amazonaws.com: a rule of the agent's own may name the function", () => {
  test("reported for PutConfigRule on a rule the permission admits", () => {
    expect(graded(stack([PUT], permission({ source_account: ACCT })))).toEqual(REPORTED);
    expect(graded(stack([PUT], permission({ source_arn: `arn:aws:config:eu-central-1:${ACCT}:config-rule/*` })))).toEqual(REPORTED);
    expect(graded(stack([allow("config:PutConfigRule", "${aws_config_config_rule.r.arn}")], { ...permission({ source_arn: "${aws_config_config_rule.r.arn}" }), ...MANAGED, ...rule("r", "AWS", "X") }))).toEqual(REPORTED);
    const f = found(stack([PUT], permission({ source_account: ACCT })))[0];
    expect(f.message).toContain("can set up any AWS Config rule of account 111111111111 to invoke a function (config:PutConfigRule, through aws_iam_role_policy.agent statement #0): it makes a custom Lambda rule (or rewrites one) with the function as its source");
    expect(f.fix).toContain("set source_arn on aws_lambda_permission.p to the exact ARN of the one source meant to invoke it");
    // Neither source_arn nor source_account: a rule of any account may invoke it, with no right at all.
    expect(graded(stack([allow("s3:GetObject", "*")], permission()))).toEqual(REPORTED);
  });

  test("controls: another account's rules, a source_arn on a rule the agent cannot put, a right of Config that makes no rule", () => {
    expect(found(stack([PUT], permission({ source_account: "222222222222" })))).toEqual([]);
    const pinned = { ...permission({ source_arn: "${aws_config_config_rule.r.arn}" }), ...rule("r", "AWS", "X"), ...MANAGED };
    expect(found(stack([allow("config:PutConfigRule", "${aws_config_config_rule.other.arn}")], pinned))).toEqual([]);
    // Read before as a service blastwall did not model, where any right of config counted.
    expect(found(stack([allow("config:DescribeConfigRules", "*")], permission({ source_account: ACCT })))).toEqual([]);
    expect(found(stack([PUT], permission({ source_account: ACCT }), HARMLESS))).toEqual([]);
  });
});

describe("organization custom Lambda rules: config:PutOrganizationConfigRule", () => {
  test("an aws_config_organization_custom_rule naming the function", () => {
    expect(graded(stack([PUT_ORG], ORG_RULE))).toEqual(REPORTED);
    expect(graded(stack([allow("config:PutOrganizationConfigRule", "${aws_config_organization_custom_rule.r.arn}")], ORG_RULE))).toEqual(REPORTED);
    expect(found(stack([PUT_ORG], ORG_RULE))[0].message).toContain(
      "can rewrite the scope and input parameters of aws_config_organization_custom_rule.r (config:PutOrganizationConfigRule, through aws_iam_role_policy.agent statement #0)",
    );
    expect(found(stack([PUT], ORG_RULE))).toEqual([]);
    expect(found(stack([PUT_ORG], ORG_RULE, HARMLESS))).toEqual([]);
  });

  test("a permission admitting the service-linked rules an organization rule deploys, whichever account it names", () => {
    expect(graded(stack([PUT_ORG], permission({ source_account: ACCT })))).toEqual(REPORTED);
    // An account of the organization gets the rule too: source_account does not keep it out.
    expect(graded(stack([PUT_ORG], permission({ source_account: "222222222222" })))).toEqual(REPORTED);
    expect(found(stack([PUT_ORG], permission({ source_account: "222222222222" })))[0].message).toContain("make an organization custom Lambda rule (or rewrite one) with the function as its source (config:PutOrganizationConfigRule");
    // A source_arn on one rule of the stack, or on the account's own rules only, admits no organization rule.
    expect(found(stack([PUT_ORG], { ...permission({ source_arn: "${aws_config_config_rule.r.arn}", source_account: ACCT }), ...rule("r", "AWS", "X") }))).toEqual([]);
    expect(found(stack([PUT_ORG], permission({ source_arn: `arn:aws:config:eu-central-1:${ACCT}:config-rule/config-rule-*`, source_account: ACCT })))).toEqual([]);
  });
});
