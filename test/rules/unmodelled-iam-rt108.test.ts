/**
 * Red-team round 108, findings 1 and 2 (fail-open):
 * 1. An Identity Center permission set written for the Cloud Control provider (`awscc_sso_permission_set`), or as
 *    `AWS::SSO::PermissionSet` in a CloudFormation template, tagged as an agent or selected by `agents.names`, passed
 *    with AdministratorAccess in check and gate, and the names note said nothing had that name.
 * 2. An awscc (or template) role whose trust, written as JSON text, named the agent's ARN, or admitted `*` or a
 *    pattern the agent fits, was a warning: the text was compared whole, never read as a policy.
 */
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks } from "../../lib/check/run-check";
import type { BlastwallConfig } from "../../lib/engine/config-types";
import { rule } from "../../lib/rules/unmodelled-iam";
import { agentRules, allRules } from "../../lib/rules";
import { agentRole, check, policy, tf } from "../helpers/tf";
import { change, minimalPlan } from "../plan/helpers";
import { evaluatePlan } from "../../lib/plan/evaluate";
import { analyzeStack } from "../../lib/engine/analyze";
import type { PlanJson } from "../../lib/plan/types";

type Obj = Record<string, unknown>;
const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
const INSTANCE = "arn:aws:sso:::instance/ssoins-1111111111111111";
const findings = (json: Obj, config: BlastwallConfig = {}) => check(json, config, { rules: [rule] }).findings;
const PROVIDER = { provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["111111111111"] }] } };

describe("Cloud Control permission sets (finding 1)", () => {
  const ps = (extra: Obj = {}) => ({ instance_arn: INSTANCE, name: "CodingAgent", session_duration: "PT1H", managed_policies: [ADMIN], ...extra });
  const tagged = ps({ tags: [{ key: "blastwall:agent", value: "true" }] });

  test("one tagged as an agent (awscc's list of tags) is an error that says what to write instead", () => {
    const [f, ...rest] = findings(tf({ "awscc_sso_permission_set.agent": tagged }));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ severity: "error", principal: "awscc_sso_permission_set.agent", actions: ["*"] });
    expect(f.message).toMatch(/is an AI agent \(tag blastwall:agent = "true"\)/);
    expect(f.message).toMatch(/blastwall does not analyse Cloud Control permission sets/);
    expect(f.fix).toMatch(/aws_ssoadmin_permission_set.*aws_ssoadmin_managed_policy_attachment.*acknowledge/);
  });

  test("one selected by agents.names is an error, and the names selector counts it as matched", () => {
    const json = tf({ "awscc_sso_permission_set.agent": ps() });
    const r = checkStacks([buildStack(json, "s.tf.json")], { config: { agents: { names: ["codingagent"] } }, rules: agentRules, configSource: "bw.json" });
    expect(r.findings.filter((f) => f.ruleId === "unmodelled-iam").map((f) => f.severity)).toEqual(["error"]);
    expect(r.findings.filter((f) => f.ruleId === "config-selector-unmatched")).toEqual([]);
    expect(r.notes ?? []).toEqual([]);
  });

  test("control: a glob that matches it not gets the config-selector-unmatched warning, which lists its name among those checked", () => {
    const json = tf({ "awscc_sso_permission_set.agent": ps() });
    const r = checkStacks([buildStack(json, "s.tf.json")], { config: { agents: { names: ["nobody"] } }, rules: agentRules, configSource: "bw.json" });
    expect(r.findings.find((f) => f.ruleId === "config-selector-unmatched")?.message).toContain("are named CodingAgent");
    expect(r.findings.filter((f) => f.ruleId === "unmodelled-iam").map((f) => f.severity)).toEqual(["warning"]);
  });

  test("control: an untagged one, and an assignment, are warnings that they are not analysed", () => {
    const out = findings(tf({ "awscc_sso_permission_set.dev": ps({ name: "Dev" }), "awscc_sso_assignment.a": { instance_arn: INSTANCE, permission_set_arn: "${awscc_sso_permission_set.dev.permission_set_arn}", principal_type: "GROUP", principal_id: "g-1", target_type: "AWS_ACCOUNT", target_id: "111111111111" } }));
    expect(out.map((f) => [f.principal, f.severity])).toEqual([
      ["awscc_sso_permission_set.dev", "warning"],
      ["awscc_sso_assignment.a", "warning"],
    ]);
  });

  test("the tagged one is no agent-marked-not-principal: unmodelled-iam judges it", () => {
    const ids = check(tf({ "awscc_sso_permission_set.agent": tagged }), {}, { rules: allRules }).findings.map((f) => f.ruleId);
    expect(ids).toContain("unmodelled-iam");
    expect(ids).not.toContain("agent-marked-not-principal");
  });

  test("AWS::SSO::PermissionSet in a stack's YAML template, tagged as an agent, is an error; untagged, a warning", () => {
    const yaml = (tags: string) =>
      `Resources:\n  Agent:\n    Type: AWS::SSO::PermissionSet\n    Properties:\n      InstanceArn: ${INSTANCE}\n      Name: CodingAgent\n      ManagedPolicies:\n        - ${ADMIN}\n${tags}`;
    const [f] = findings(tf({ "aws_cloudformation_stack.s": { name: "s", template_body: yaml("      Tags:\n        - Key: blastwall:agent\n          Value: 'true'\n") } }));
    expect(f).toMatchObject({ severity: "error", principal: "aws_cloudformation_stack.s" });
    expect(f.message).toMatch(/creates AWS::SSO::PermissionSet/);
    expect(f.fix).toMatch(/aws_ssoadmin_permission_set/);
    expect(findings(tf({ "aws_cloudformation_stack.s": { name: "s", template_body: yaml("") } }))[0]).toMatchObject({ severity: "warning" });
  });
});

describe("the plan gate (finding 1)", () => {
  const planned = (address: string, values: unknown) => ({ address, mode: "managed", type: address.split(".")[0], name: address.split(".")[1], provider_name: "registry.terraform.io/hashicorp/awscc", values });
  const gateErrors = (before: Obj | null, after: Obj) => {
    const plan = minimalPlan([change("awscc_sso_permission_set.agent", [before ? "update" : "create"], before, after)], {
      planned_values: { root_module: { resources: [planned("awscc_sso_permission_set.agent", after)] } },
      ...(before ? { prior_state: { values: { root_module: { resources: [planned("awscc_sso_permission_set.agent", before)] } } } } : {}),
    }) as unknown as PlanJson;
    const e = evaluatePlan({ file: "plan.json", plan, sha256: "0".repeat(64), encoding: "utf-8" }, { analyzeStack: (s) => analyzeStack(s, { config: {}, rules: agentRules }).findings });
    return e.judged.filter((j) => j.finding.ruleId === "unmodelled-iam" && j.finding.severity === "error").map((j) => j.finding.principal);
  };
  const base = { instance_arn: INSTANCE, name: "CodingAgent", managed_policies: [ADMIN] };

  test("a tagged permission set created with AdministratorAccess blocks", () => {
    expect(gateErrors(null, { ...base, tags: [{ key: "blastwall:agent", value: "true" }] })).toEqual(["awscc_sso_permission_set.agent"]);
  });

  test("one tagged before the plan stays an agent when the plan drops the tag", () => {
    expect(gateErrors({ ...base, managed_policies: [], tags: [{ key: "blastwall:agent", value: "true" }] }, { ...base, tags: [] })).toEqual(["awscc_sso_permission_set.agent"]);
  });

  test("control: one never tagged does not block", () => {
    expect(gateErrors(null, { ...base, tags: [] })).toEqual([]);
  });
});

describe("awscc role trusts read as policies (finding 2)", () => {
  const agent = { "aws_iam_role.agent": agentRole({ name: "coder" }) };
  const role = (trust: unknown, extra: Obj = {}) => ({ "awscc_iam_role.ops": { role_name: "ops-admin", assume_role_policy_document: trust, managed_policy_arns: [ADMIN], ...extra } });
  const trust = (principal: unknown, condition?: Obj) => policy({ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole", ...(condition ? { Condition: condition } : {}) });
  const judged = (json: Obj, config: BlastwallConfig = {}) => findings(json, config).filter((f) => f.principal === "awscc_iam_role.ops");

  test.each([
    ["names the agent's ARN in JSON text", trust({ AWS: "arn:aws:iam::111111111111:role/agents/coder" }), /names the AI agent aws_iam_role\.agent \(statement #0\)/],
    ["admits anyone", trust({ AWS: "*" }), /admits anyone \(statement #0\), which within one account lets the AI agent aws_iam_role\.agent assume/],
    ["admits anyone whose ARN fits a glob the agent fits", trust({ AWS: "*" }, { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/agents/*" } }), /admits anyone its conditions allow, the AI agent aws_iam_role\.agent among them/],
    ["cannot be read", "{not json", /cannot be read/],
  ])("a trust that %s is an error naming the role and the agent", (_what, t, message) => {
    const [f, ...rest] = judged(tf({ ...agent, ...role(t) }, PROVIDER));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ severity: "error", actions: ["*"] });
    expect(f.message).toMatch(/^the trust of awscc_iam_role\.ops \(assume_role_policy_document\) /);
    expect(f.message).toMatch(message);
    expect(f.fix).toMatch(/Write the role as aws_iam_role/);
  });

  test("an agent user named by its user ARN", () => {
    const json = tf({ "aws_iam_user.agent": { name: "bot", tags: { "blastwall:agent": "true" } }, ...role(trust({ AWS: "arn:aws:iam::111111111111:user/bot" })) }, PROVIDER);
    expect(judged(json)[0]).toMatchObject({ severity: "error" });
  });

  test("controls: a trust naming another role, a glob the agent does not fit, a service: warnings", () => {
    for (const t of [
      trust({ AWS: "arn:aws:iam::111111111111:role/ops" }),
      trust({ AWS: "*" }, { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/ops/*" } }),
      trust({ Service: "lambda.amazonaws.com" }),
    ]) {
      expect(judged(tf({ ...agent, ...role(t) }, PROVIDER)).map((f) => f.severity)).toEqual(["warning"]);
    }
  });

  test("an account root admits the agent only with its own sts:AssumeRole grant on the role, as for aws_iam_role", () => {
    const root = role(trust({ AWS: "arn:aws:iam::111111111111:root" }));
    expect(judged(tf({ ...agent, ...root }, PROVIDER)).map((f) => f.severity)).toEqual(["warning"]);
    const grant = { "aws_iam_role_policy.a": { role: "${aws_iam_role.agent.id}", policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::111111111111:role/ops-admin" }) } };
    const [f] = judged(tf({ ...agent, ...root, ...grant }, PROVIDER));
    expect(f).toMatchObject({ severity: "error" });
    expect(f.message).toMatch(/admits the AI agent aws_iam_role\.agent \(statement #0\), and aws_iam_role_policy\.a statement #0 .* allows it the call/);
  });

  test("control: the agent's own Deny of sts:AssumeRole on the role holds it back from a trust of anyone", () => {
    const deny = { "aws_iam_role_policy.d": { role: "${aws_iam_role.agent.id}", policy: policy({ Effect: "Deny", Action: "sts:AssumeRole", Resource: "*" }) } };
    expect(judged(tf({ ...agent, ...deny, ...role(trust({ AWS: "*" })) }, PROVIDER)).map((f) => f.severity)).toEqual(["warning"]);
  });

  test("an agent the stack does not hold, named by an ARN under /agents/, is an error too", () => {
    const [f] = judged(tf(role(trust({ AWS: "arn:aws:iam::111111111111:role/agents/elsewhere" }))));
    expect(f).toMatchObject({ severity: "error" });
    expect(f.message).toMatch(/admits the role arn:aws:iam::111111111111:role\/agents\/elsewhere \(statement #0\), an AI agent: path \/agents\//);
  });

  test("a trust that cannot be read is an error with no agent in the stack (fail closed)", () => {
    expect(judged(tf(role("${var.trust}")))[0]).toMatchObject({ severity: "error" });
    expect(judged(tf(role("{not json")))[0]).toMatchObject({ severity: "error" });
  });

  test("agent-reach-unknown names the awscc role an agent's sts:AssumeRole reaches, instead of 'not in this stack'", () => {
    const grant = { "aws_iam_role_policy.a": { role: "${aws_iam_role.agent.id}", policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::111111111111:role/ops-admin" }) } };
    const [f] = check(tf({ ...agent, ...grant, ...role(trust({ AWS: "arn:aws:iam::111111111111:root" })) }, PROVIDER), {}, { rules: allRules }).findings.filter((x) => x.ruleId === "agent-reach-unknown");
    expect(f.fix).toMatch(/is awscc_iam_role\.ops of this stack, written for the Cloud Control provider \(awscc_iam_role\)/);
    expect(f.fix).not.toMatch(/not in this stack/);
  });
});

describe("template roles' trusts (finding 2)", () => {
  const agent = { "aws_iam_role.agent": agentRole({ name: "coder" }) };
  const roleResource = (t: unknown) => ({ Ops: { Type: "AWS::IAM::Role", Properties: { RoleName: "ops-admin", AssumeRolePolicyDocument: t, ManagedPolicyArns: [ADMIN] } } });
  const stackOf = (body: string) => ({ "aws_cloudformation_stack.s": { name: "s", template_body: body } });
  const judged = (json: Obj) => findings(json).filter((f) => f.principal === "aws_cloudformation_stack.s");

  test("a JSON template role whose trust admits anyone is an error naming the agent", () => {
    const [f] = judged(tf({ ...agent, ...stackOf(JSON.stringify({ Resources: roleResource({ Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }] }) })) }, PROVIDER));
    expect(f).toMatchObject({ severity: "error" });
    expect(f.message).toMatch(/the trust of its template's role ops-admin admits anyone \(statement #0\), which within one account lets the AI agent aws_iam_role\.agent assume/);
  });

  test("a YAML template role whose trust names the agent's ARN (read as CloudFormation reads YAML) is an error", () => {
    const yaml = "Resources:\n  Ops:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: ops-admin\n      AssumeRolePolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: { AWS: !Sub 'arn:aws:iam::$${AWS::AccountId}:role/agents/coder' }\n            Action: sts:AssumeRole\n";
    const [f] = judged(tf({ ...agent, ...stackOf(yaml) }, PROVIDER));
    expect(f).toMatchObject({ severity: "error" });
    expect(f.evidence.map((e) => e.address)).toContain("aws_iam_role.agent");
    expect(f.message).toMatch(/the trust of its template's role ops-admin names the AI agent aws_iam_role\.agent/);
  });

  test("control: a template role trusting a service only is a warning", () => {
    const body = JSON.stringify({ Resources: roleResource({ Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }) });
    expect(judged(tf({ ...agent, ...stackOf(body) }, PROVIDER)).map((f) => f.severity)).toEqual(["warning"]);
  });
});
