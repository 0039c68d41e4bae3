/**
 * IAM written with the AWS Cloud Control provider is not analysed, so anything of it that touches an agent counts as
 * granting everything (a red-team gave a tagged agent `Action: *` through `awscc_iam_role_policy` and passed).
 */
import { rule } from "../../lib/rules/unmodelled-iam";
import { allRules } from "../../lib/rules";
import { agentRole, check, tf } from "../helpers/tf";

const ALL = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });
// A trust no agent can use: an empty document ("{}") is unreadable, which admits everyone (red-team round 108).
const LAMBDA = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
const findings = (json: Record<string, unknown>) => check(json, {}, { rules: [rule] }).findings;

describe("unmodelled-iam", () => {
  test.each([
    ["a literal role name", "agent"],
    ["a reference to the role", "${aws_iam_role.agent.name}"],
  ])("an awscc role policy on the agent by %s is an error naming the agent", (_how, roleName) => {
    const [f, ...rest] = findings(tf({ "aws_iam_role.agent": agentRole(), "awscc_iam_role_policy.all": { role_name: roleName, policy_name: "all", policy_document: ALL } }));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ severity: "error", principal: "awscc_iam_role_policy.all", resource: "awscc_iam_role_policy.all", actions: ["*"] });
    expect(f.evidence.map((e) => e.address)).toContain("aws_iam_role.agent");
  });

  test("an awscc role whose trust names the agent is an error: the agent acts as it", () => {
    const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "sts:AssumeRole" }] });
    const [f] = findings(tf({ "aws_iam_role.agent": agentRole(), "awscc_iam_role.admin": { role_name: "admin", assume_role_policy_document: trust, managed_policy_arns: ["arn:aws:iam::aws:policy/AdministratorAccess"] } }));
    expect(f).toMatchObject({ severity: "error", principal: "awscc_iam_role.admin" });
    expect(f.message).toMatch(/names the AI agent aws_iam_role\.agent/);
  });

  test("an awscc role tagged as an agent (awscc's list of key/value tags) is an agent blastwall cannot analyse", () => {
    const [f] = findings(tf({ "awscc_iam_role.bot": { role_name: "bot", assume_role_policy_document: "{}", tags: [{ key: "blastwall:agent", value: "true" }] } }));
    expect(f).toMatchObject({ severity: "error", principal: "awscc_iam_role.bot" });
    expect(f.message).toMatch(/is an AI agent \(tag blastwall:agent = "true"\)/);
  });

  test.each([
    ["tags from a local", { tags: "${local.t}" }, { locals: { t: [{ key: "blastwall:agent", value: "true" }] } }, {}],
    ["a path from a variable", { path: "${var.p}" }, { variable: { p: { default: "/agents/" } } }, {}],
    ["a config name selector", {}, {}, { agents: { names: ["ai-*"] } }],
  ])("an awscc role selected as an agent by %s is an error (selected as any principal is)", (_how, extra, top, config) => {
    const json = tf({ "awscc_iam_role.bot": { role_name: "ai-bot", assume_role_policy_document: "{}", ...extra } }, top);
    const [f] = check(json, config, { rules: [rule] }).findings;
    expect(f).toMatchObject({ severity: "error", principal: "awscc_iam_role.bot" });
  });

  test("awscc IAM that touches no agent is a warning that it is not analysed", () => {
    const [f] = findings(tf({ "aws_iam_role.agent": agentRole(), "awscc_iam_role.ci": { role_name: "ci", assume_role_policy_document: LAMBDA, tags: [{ key: "team", value: "ci" }] } }));
    expect(f).toMatchObject({ severity: "warning", principal: "awscc_iam_role.ci" });
  });

  test("no awscc IAM, no finding (aws_iam_* is analysed by the other rules)", () => {
    expect(findings(tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.p": { role: "agent", policy: ALL } }))).toEqual([]);
  });

  test("through the whole rule set the stack fails", () => {
    const r = check(tf({ "aws_iam_role.agent": agentRole(), "awscc_iam_role_policy.all": { role_name: "agent", policy_name: "all", policy_document: ALL } }), {}, { rules: allRules });
    expect(r.findings.filter((x) => x.severity === "error").map((x) => x.ruleId)).toContain("unmodelled-iam");
  });
});

describe("IAM inside a CloudFormation stack's template", () => {
  const template = (resources: Record<string, unknown>) => JSON.stringify({ Resources: resources });
  const rolePolicy = (roleName: string) => ({ P: { Type: "AWS::IAM::RolePolicy", Properties: { RoleName: roleName, PolicyName: "p", PolicyDocument: { Statement: [{ Effect: "Allow", Action: "s3:DeleteBucket", Resource: "*" }] } } } });

  test("a role policy on the agent is an error naming the agent", () => {
    const [f] = findings(tf({ "aws_iam_role.agent": agentRole(), "aws_cloudformation_stack.s": { name: "s", template_body: template(rolePolicy("agent")) } }));
    expect(f).toMatchObject({ severity: "error", principal: "aws_cloudformation_stack.s" });
    expect(f.evidence.map((e) => e.address)).toContain("aws_iam_role.agent");
  });

  test("a role the template tags as an agent is an error (YAML read as text)", () => {
    const yaml = "Resources:\n  Bot:\n    Type: AWS::IAM::Role\n    Properties:\n      Tags:\n        - Key: blastwall:agent\n          Value: 'true'\n";
    const [f] = findings(tf({ "aws_cloudformation_stack.s": { name: "s", template_body: yaml } }));
    expect(f).toMatchObject({ severity: "error" });
  });

  test("a template blastwall cannot read is an error; IAM naming no agent a warning; no IAM, no finding", () => {
    expect(findings(tf({ "aws_cloudformation_stack.s": { name: "s", template_url: "https://example.com/t.json" } }))[0]).toMatchObject({ severity: "error" });
    expect(findings(tf({ "aws_iam_role.agent": agentRole(), "aws_cloudformation_stack.s": { name: "s", template_body: template(rolePolicy("ci")) } }))[0]).toMatchObject({ severity: "warning" });
    expect(findings(tf({ "aws_cloudformation_stack.s": { name: "s", template_body: template({ B: { Type: "AWS::S3::Bucket" } }) } }))).toEqual([]);
  });

  test("CloudFormation's own ${...} (escaped $${...} in Terraform, as a plan's values are) is text, not an expression (red-team round 59)", () => {
    const sub = template({ B: { Type: "AWS::S3::Bucket", Properties: { BucketName: { "Fn::Sub": "$${AWS::StackName}-logs" } } } });
    expect(findings(tf({ "aws_cloudformation_stack.s": { name: "s", template_body: sub } }))).toEqual([]);
    // IAM in such a template is still read: a name the Fn::Sub text may make the agent's counts.
    const named = template({ P: { ...rolePolicy("x").P, Properties: { ...rolePolicy("x").P.Properties, RoleName: { "Fn::Sub": "agent$${Suffix}" } } } });
    expect(findings(tf({ "aws_iam_role.agent": agentRole(), "aws_cloudformation_stack.s": { name: "s", template_body: named } }))[0]).toMatchObject({ severity: "error" });
    // A Terraform expression is still one.
    expect(findings(tf({ "aws_cloudformation_stack.s": { name: "s", template_body: "${var.template}" } }))[0]).toMatchObject({ severity: "error" });
  });
});

// Red-team round 105 (F2's fix): strings under a nested "//" key are values now; a resource body's own "//" is cdktf's
// metadata, whose unique id or construct path may equal an agent's name without the resource naming the agent.
describe("unmodelled-iam: cdktf metadata is not a value", () => {
  test("an awscc policy whose metadata id is the agent's name is not read as naming the agent", () => {
    const [f] = findings(tf({ "aws_iam_role.agent": agentRole(), "awscc_iam_role_policy.other": { role_name: "worker", policy_name: "p", policy_document: ALL, "//": { metadata: { path: "s/agent", uniqueId: "agent" } } } }));
    expect(f).toMatchObject({ severity: "warning", principal: "awscc_iam_role_policy.other" });
  });

  test("control: the agent's name under a nested \"//\" key of a value is read as naming it", () => {
    const [f] = findings(tf({ "aws_iam_role.agent": agentRole(), "awscc_iam_role_policy.other": { role_name: "worker", policy_name: "p", policy_document: ALL, tags: [{ key: "//", value: "agent" }], extra: { "//": "agent" } } }));
    expect(f).toMatchObject({ severity: "error", principal: "awscc_iam_role_policy.other" });
  });
});
