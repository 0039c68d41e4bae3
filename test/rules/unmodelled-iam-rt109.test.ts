/**
 * Red-team round 109, finding 6 (false error): an awscc role whose trust names another awscc role of the stack by
 * reference (`awscc_iam_role.ci.arn`), or a template role trusting `!GetAtt Other.Arn` of another role of its template,
 * was read as admitting "a principal known only when applied, which may be anyone". The ARN of a role the stack makes
 * is that role's: an agent only if that role is one. Anything still unresolved stays anyone.
 *
 * And a wording nit: a marked Identity Center user assigned only through `awscc_sso_assignment` was told "this stack
 * assigns it none (aws_ssoadmin_account_assignment)", as if no assignment were there.
 */
import { rule } from "../../lib/rules/unmodelled-iam";
import { rule as markedRule } from "../../lib/rules/agent-marked-not-principal";
import { agentRules } from "../../lib/rules";
import type { BlastwallConfig } from "../../lib/engine/config-types";
import { agentRole, check, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;
const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
const PROVIDER = { provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["111111111111"] }] } };
const agent = { "aws_iam_role.agent": agentRole({ name: "coder" }) };
const trust = (principal: unknown, ...more: Obj[]) => policy({ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole" }, ...more);
const service = trust({ Service: "codebuild.amazonaws.com" });

describe("an awscc role trusting another awscc role of the stack by reference", () => {
  const stack = (principal: unknown, ci: Obj = {}, more: Obj[] = []) =>
    tf(
      {
        ...agent,
        "awscc_iam_role.r": { role_name: "svc", assume_role_policy_document: trust(principal, ...more), managed_policy_arns: [ADMIN] },
        "awscc_iam_role.ci": { role_name: "ci", assume_role_policy_document: service, ...ci },
        "awscc_iam_user.u": { user_name: "deployer" },
      },
      PROVIDER,
    );
  const judged = (json: Obj, config: BlastwallConfig = {}) => check(json, config, { rules: [rule] }).findings.filter((f) => f.principal === "awscc_iam_role.r");

  test.each([
    ["a role", { AWS: "${awscc_iam_role.ci.arn}" }],
    ["a user", { AWS: "${awscc_iam_user.u.arn}" }],
  ])("naming %s that is no agent is a warning, as a reference to an aws_iam_role is", (_what, principal) => {
    expect(judged(stack(principal)).map((f) => f.severity)).toEqual(["warning"]);
  });

  test.each([
    ["tagged (awscc's list of tags)", { tags: [{ key: "blastwall:agent", value: "true" }] }, {}, /admits awscc_iam_role\.ci \(statement #0\), an AI agent \(tag blastwall:agent = "true"\) whose rights blastwall does not read/],
    ["under /agents/", { path: "/agents/" }, {}, /awscc_iam_role\.ci .*an AI agent \(path \/agents\//],
    ["selected by agents.names", {}, { agents: { names: ["ci"] } }, /awscc_iam_role\.ci .*an AI agent \(config agents\.names "ci"/],
  ])("naming a role that is an agent, %s, is an error", (_what, ci, config, message) => {
    const [f, ...rest] = judged(stack({ AWS: "${awscc_iam_role.ci.arn}" }, ci), config);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ severity: "error", actions: ["*"] });
    expect(f.message).toMatch(message);
    expect(f.evidence.map((e) => e.address)).toContain("awscc_iam_role.ci");
  });

  test("an awscc agent is admitted by a trust of anyone even with no aws_iam_* agent in the stack", () => {
    const json = tf({
      "awscc_iam_role.r": { role_name: "svc", assume_role_policy_document: trust({ AWS: "*" }), managed_policy_arns: [ADMIN] },
      "awscc_iam_role.ci": { role_name: "ci", assume_role_policy_document: trust({ AWS: "*" }), tags: [{ key: "blastwall:agent", value: "true" }] },
    });
    expect(judged(json)[0]).toMatchObject({ severity: "error" });
    // Its own trust is no way for it into itself.
    const own = check(json, {}, { rules: [rule] }).findings.find((f) => f.principal === "awscc_iam_role.ci")!;
    expect(own.message).not.toMatch(/trust of awscc_iam_role\.ci/);
  });

  test("fail closed: a role with no name (Cloud Control makes one up) may be any, and its role_id is not read", () => {
    expect(judged(stack({ AWS: "${awscc_iam_role.ci.arn}" }, { role_name: undefined }))[0]).toMatchObject({ severity: "error" });
    expect(judged(stack({ AWS: "${awscc_iam_role.ci.role_id}" }))[0].message).toMatch(/known only when applied/);
  });

  test("a Deny naming another role whose name is not known holds the agent back from a trust of anyone no more than before", () => {
    const deny = { Effect: "Deny", Principal: { AWS: "${awscc_iam_role.ci.arn}" }, Action: "sts:AssumeRole" };
    expect(judged(stack({ AWS: "*" }, { role_name: undefined }, [deny]))[0]).toMatchObject({ severity: "error" });
  });
});

describe("an aws_iam_role trusting an awscc role of the stack (the engine's reading)", () => {
  const stack = (ci: Obj = {}) =>
    tf(
      {
        ...agent,
        "awscc_iam_role.ci": { role_name: "ci", assume_role_policy_document: service, ...ci },
        "aws_iam_role.r": { name: "svc", assume_role_policy: trust({ AWS: "${awscc_iam_role.ci.arn}" }) },
        "aws_iam_role_policy_attachment.r": { role: "${aws_iam_role.r.name}", policy_arn: ADMIN },
      },
      PROVIDER,
    );
  const paths = (json: Obj) => check(json, {}, { rules: agentRules }).findings.filter((f) => f.ruleId === "agent-transitive-destroy" && f.severity === "error");

  test("names that role, not anyone: no path from the agent", () => {
    expect(paths(stack())).toEqual([]);
  });

  test("control: an awscc role under /agents/ is an agent outside the engine's model, and its way into the admin role is an error", () => {
    const [f] = paths(stack({ path: "/agents/" }));
    expect(f.message).toMatch(/role\/agents\/ci/);
  });
});

describe("a template role trusting another role of its template by Fn::GetAtt", () => {
  const roles = (principal: unknown, other: Obj = {}, more: Obj[] = []) => ({
    Resources: {
      Other: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: JSON.parse(service), ...other } },
      Fn: { Type: "AWS::Lambda::Function", Properties: {} },
      Ops: { Type: "AWS::IAM::Role", Properties: { RoleName: "ops-admin", ManagedPolicyArns: [ADMIN], AssumeRolePolicyDocument: JSON.parse(trust(principal, ...more)) } },
    },
  });
  const judged = (body: string, name = "ops", config: BlastwallConfig = {}) =>
    check(tf({ ...agent, "aws_cloudformation_stack.s": { name, capabilities: ["CAPABILITY_NAMED_IAM"], template_body: body } }, PROVIDER), config, { rules: [rule] }).findings.filter(
      (f) => f.principal === "aws_cloudformation_stack.s",
    );
  const yaml = (principal: string, other = "") =>
    [
      "Resources:",
      "  Other:",
      "    Type: AWS::IAM::Role",
      "    Properties:",
      other,
      "      AssumeRolePolicyDocument:",
      "        Statement:",
      "          - { Effect: Allow, Principal: { Service: codebuild.amazonaws.com }, Action: sts:AssumeRole }",
      "  Ops:",
      "    Type: AWS::IAM::Role",
      "    Properties:",
      "      RoleName: ops-admin",
      `      ManagedPolicyArns: [${ADMIN}]`,
      "      AssumeRolePolicyDocument:",
      "        Statement:",
      `          - { Effect: Allow, Principal: { AWS: ${principal} }, Action: sts:AssumeRole }`,
    ]
      .filter((l) => l !== "")
      .join("\n");

  test.each([
    ["!GetAtt (YAML)", yaml("!GetAtt Other.Arn")],
    ["!Sub ${Other.Arn} (YAML)", yaml("!Sub '$${Other.Arn}'")],
    ["Fn::GetAtt (JSON)", JSON.stringify(roles({ AWS: { "Fn::GetAtt": ["Other", "Arn"] } }))],
    ["a named role", JSON.stringify(roles({ AWS: { "Fn::GetAtt": ["Other", "Arn"] } }, { RoleName: "ci" }))],
  ])("%s of a role that is no agent is a warning", (_what, body) => {
    expect(judged(body).map((f) => f.severity)).toEqual(["warning"]);
  });

  test.each([
    ["tagged", yaml("!GetAtt Other.Arn", "      Tags: [{ Key: 'blastwall:agent', Value: 'true' }]"), {}, /admits its template's role Other \(statement #0\), an AI agent \(tag blastwall:agent/],
    ["under /agents/", yaml("!GetAtt Other.Arn", "      Path: /agents/"), {}, /its template's role Other .*an AI agent \(path \/agents\//],
    ["named as agents.names selects", yaml("!GetAtt Other.Arn", "      RoleName: ai-bot"), { agents: { names: ["ai-*"] } }, /its template's role Other .*an AI agent \(config agents\.names "ai-\*" matches name "ai-bot"\)/],
  ])("one of a role that is an agent, %s, is an error", (_what, body, config, message) => {
    const [f] = judged(body, "ops", config);
    expect(f).toMatchObject({ severity: "error" });
    expect(f.message).toMatch(message);
  });

  test.each([
    ["another attribute", JSON.stringify(roles({ AWS: { "Fn::GetAtt": ["Other", "RoleId"] } }))],
    ["a resource that is no role", JSON.stringify(roles({ AWS: { "Fn::GetAtt": ["Fn", "Arn"] } }))],
    ["a resource the template does not have", JSON.stringify(roles({ AWS: { "Fn::GetAtt": ["Nowhere", "Arn"] } }))],
  ])("fail closed: the ARN of %s may be anyone", (_what, body) => {
    expect(judged(body)[0].message).toMatch(/known only when applied/);
  });

  test("fail closed: a stack name too long for CloudFormation to keep whole leaves the generated name any", () => {
    expect(judged(yaml("!GetAtt Other.Arn"), "x".repeat(50))[0]).toMatchObject({ severity: "error" });
  });

  test("a Deny naming the role by GetAtt holds no agent back, even where its name may be any", () => {
    const long = "x".repeat(50);
    const deny = { Effect: "Deny", Principal: { AWS: { "Fn::GetAtt": ["Other", "Arn"] } }, Action: "sts:AssumeRole" };
    expect(judged(JSON.stringify(roles({ AWS: "*" }, {}, [deny])), long)[0]).toMatchObject({ severity: "error" });
  });

  test("so does a NotPrincipal", () => {
    const long = "x".repeat(50);
    const notPrincipal = { Resources: { ...roles("*").Resources, Ops: { Type: "AWS::IAM::Role", Properties: { RoleName: "ops-admin", AssumeRolePolicyDocument: { Statement: [{ Effect: "Allow", NotPrincipal: { AWS: { "Fn::GetAtt": ["Other", "Arn"] } }, Action: "sts:AssumeRole" }] } } } } };
    expect(judged(JSON.stringify(notPrincipal), long)[0]).toMatchObject({ severity: "error" });
  });
});

describe("a marked Identity Center user assigned through Cloud Control only (agent-marked-not-principal)", () => {
  const IC = "arn:aws:sso:::instance/ssoins-1111111111111111";
  const assignment = (type: string, principal = "${aws_identitystore_user.bot.user_id}") => ({
    [`${type}.bot`]: { instance_arn: IC, permission_set_arn: "${aws_ssoadmin_permission_set.power.arn}", principal_id: principal, principal_type: "USER", target_id: "111111111111", target_type: "AWS_ACCOUNT" },
  });
  const stack = (assignments: Obj) =>
    tf({
      "aws_identitystore_user.bot": { identity_store_id: "d-1234567890", display_name: "Coding Agent", user_name: "coding-agent" },
      "aws_identitystore_group.g": { identity_store_id: "d-1234567890", display_name: "agents" },
      "aws_identitystore_group_membership.m": { identity_store_id: "d-1234567890", group_id: "${aws_identitystore_group.g.group_id}", member_id: "${aws_identitystore_user.bot.user_id}" },
      "aws_ssoadmin_permission_set.power": { instance_arn: IC, name: "PowerUser", session_duration: "PT8H" },
      ...assignments,
    });
  const judged = (json: Obj) => check(json, { agents: { addresses: ["aws_identitystore_user.bot"] } }, { rules: [markedRule] }).findings;

  test.each([
    ["directly", "${aws_identitystore_user.bot.user_id}"],
    ["through its group", "${aws_identitystore_group.g.group_id}"],
  ])("says the assignment (%s) is written for the Cloud Control provider, not that there is none", (_how, principal) => {
    const [f, ...rest] = judged(stack(assignment("awscc_sso_assignment", principal)));
    expect(rest).toEqual([]);
    expect(f.severity).toBe("error");
    expect(f.message).toContain("this stack assigns it permission sets only through awscc_sso_assignment.bot, written for the Cloud Control provider, which blastwall does not analyse");
    expect(f.message).not.toContain("assigns it none");
    expect(f.fix).toMatch(/^Write awscc_sso_assignment\.bot as aws_ssoadmin_account_assignment, .*tag the permission set it assigns \(aws_ssoadmin_permission_set\.power\)/);
    expect(f.evidence.map((e) => e.address)).toContain("awscc_sso_assignment.bot");
  });

  test("controls: no assignment at all still says none; an aws_ssoadmin one names the permission set", () => {
    expect(judged(stack({}))[0].message).toContain("this stack assigns it none (aws_ssoadmin_account_assignment)");
    expect(judged(stack(assignment("aws_ssoadmin_account_assignment")))[0].message).toContain("This stack assigns it aws_ssoadmin_permission_set.power, which is not marked as an agent");
  });
});
