import { agentRole, policy, tf } from "../helpers/tf";
import { run } from "./helpers";
import { rule } from "../../lib/rules/agent-source-identity";

const RUNNER = { AWS: "arn:aws:iam::111111111111:role/runner" };
const trust = (...statements: Record<string, unknown>[]) => agentRole({ assume_role_policy: policy(...statements) });
const allow = (condition?: Record<string, unknown>, action: unknown = ["sts:AssumeRole", "sts:SetSourceIdentity"], principal: unknown = RUNNER) => ({
  Sid: "Runner",
  Effect: "Allow",
  Principal: principal,
  Action: action,
  ...(condition ? { Condition: condition } : {}),
});

describe("agent-source-identity", () => {
  it("fails a trust statement without a sts:SourceIdentity condition", () => {
    const [f] = run(rule, tf({ "aws_iam_role.agent": trust(allow()) }));
    expect(f.principal).toBe("aws_iam_role.agent");
    expect(f.actions).toEqual([]);
    expect(f.message).toContain("aws_iam_role.agent is an AI agent role assumable without a source identity");
    expect(f.message).toContain("AWS arn:aws:iam::111111111111:role/runner call sts:AssumeRole with no sts:SourceIdentity condition");
    expect(f.message).toContain("Require StringLike sts:SourceIdentity = agent-*");
  });

  it("passes StringLike / StringEquals sts:SourceIdentity with an agent- identity", () => {
    for (const c of [{ StringLike: { "sts:SourceIdentity": "agent-*" } }, { StringEquals: { "sts:SourceIdentity": "agent-ci" } }]) {
      expect(run(rule, tf({ "aws_iam_role.agent": trust(allow(c)) }))).toEqual([]);
    }
  });

  it("fails a condition that demands some identity but not an agent- one (red-team)", () => {
    for (const c of [{ StringLike: { "sts:SourceIdentity": "*" } }, { StringLike: { "sts:SourceIdentity": "ag*" } }, { Null: { "sts:SourceIdentity": "false" } }]) {
      const [f] = run(rule, tf({ "aws_iam_role.agent": trust(allow(c)) }));
      expect(f.message).toContain("with an sts:SourceIdentity condition that does not require an agent-* identity");
    }
  });

  it("fails conditions that hold when the source identity is missing (IfExists, negated)", () => {
    for (const c of [{ StringLikeIfExists: { "sts:SourceIdentity": "agent-*" } }, { StringNotLike: { "sts:SourceIdentity": "human-*" } }]) {
      expect(run(rule, tf({ "aws_iam_role.agent": trust(allow(c)) }))).toHaveLength(1);
    }
  });

  it("accepts a Deny that refuses sessions without a source identity", () => {
    const deny = { Effect: "Deny", Principal: "*", Action: "sts:AssumeRole", Condition: { Null: { "sts:SourceIdentity": "true" } } };
    expect(run(rule, tf({ "aws_iam_role.agent": trust(allow(), deny) }))).toEqual([]);
  });

  it("covers web identity and wildcard actions, and leaves TagSession-only statements alone", () => {
    const oidc = allow(
      { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" } },
      "sts:AssumeRoleWithWebIdentity",
      { Federated: "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com" },
    );
    expect(run(rule, tf({ "aws_iam_role.agent": trust(oidc) }))[0].message).toContain("call sts:AssumeRoleWithWebIdentity with no sts:SourceIdentity condition");
    expect(run(rule, tf({ "aws_iam_role.agent": trust(allow(undefined, "sts:*")) }))[0].message).toContain(
      "call sts:AssumeRole, sts:AssumeRoleWithWebIdentity, sts:AssumeRoleWithSAML with no sts:SourceIdentity condition",
    );
    expect(run(rule, tf({ "aws_iam_role.agent": trust(allow(undefined, "sts:TagSession")) }))).toEqual([]);
  });

  it("fails closed on a trust policy it cannot read", () => {
    const found = run(rule, tf({ "aws_iam_role.agent": agentRole({ assume_role_policy: "${file(\"trust.json\")}" }) }));
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(/cannot (be read|find)/);
  });

  it("ignores roles that are not agents", () => {
    expect(run(rule, tf({ "aws_iam_role.deploy": { name: "deploy", assume_role_policy: policy(allow()) } }))).toEqual([]);
  });
});

describe("agent-source-identity: roles AWS services assume", () => {
  it("a trust naming only services is left alone: they never set a source identity, so requiring one locks them out", () => {
    const service = allow(undefined, "sts:AssumeRole", { Service: ["lambda.amazonaws.com", "bedrock.amazonaws.com"] });
    expect(run(rule, tf({ "aws_iam_role.agent": trust(service) }))).toEqual([]);
  });

  it("the controls: a statement naming a service and a role, or everyone, still needs one", () => {
    expect(run(rule, tf({ "aws_iam_role.agent": trust(allow(undefined, "sts:AssumeRole", { Service: "lambda.amazonaws.com", ...RUNNER })) }))).toHaveLength(1);
    expect(run(rule, tf({ "aws_iam_role.agent": trust(allow(undefined, "sts:AssumeRole", "*")) }))).toHaveLength(1);
  });
});

describe("agent-source-identity: entry roles", () => {
  const web = allow(undefined, "sts:AssumeRoleWithWebIdentity", { Federated: "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com" });
  const target = (condition?: Record<string, unknown>) => ({
    name: "a",
    path: "/agents/",
    assume_role_policy: policy(allow(condition, ["sts:AssumeRole", "sts:SetSourceIdentity"], { AWS: "${aws_iam_role.entry.arn}" })),
  });
  const SI = { StringLike: { "sts:SourceIdentity": "agent-*" } };
  const withPolicy = (...statements: Record<string, unknown>[]) =>
    tf({ "aws_iam_role.entry": trust(web), "aws_iam_role_policy.entry": { role: "${aws_iam_role.entry.name}", policy: policy(...statements) }, "aws_iam_role.a": target(SI) });
  const entryRights = { Effect: "Allow", Action: ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"], Resource: "${aws_iam_role.a.arn}" };

  it("a role that can only start another role's session (where the source identity is set) needs none of its own", () => {
    expect(run(rule, withPolicy(entryRights))).toEqual([]);
  });

  it("a target written with its account id is the stack's role of that name", () => {
    expect(run(rule, withPolicy({ ...entryRights, Resource: "arn:aws:iam::111111111111:role/agents/a" }))).toEqual([]);
  });

  it("a target whose name is generated (name_prefix) may be another role: no exemption (red-team round 17)", () => {
    const json = tf({
      "aws_iam_role.entry": trust(web),
      "aws_iam_role_policy.entry": { role: "${aws_iam_role.entry.name}", policy: policy(entryRights) },
      "aws_iam_role.a": { ...target(SI), name: undefined, name_prefix: "agent-" },
    });
    expect(run(rule, json)).toHaveLength(1);
  });

  it("the controls: a target whose trust does not require the source identity, or one outside the stack (red-team round 15)", () => {
    const open = tf({ "aws_iam_role.entry": trust(web), "aws_iam_role_policy.entry": { role: "${aws_iam_role.entry.name}", policy: policy(entryRights) }, "aws_iam_role.a": target() });
    expect(run(rule, open).map((f) => f.principal)).toContain("aws_iam_role.entry");
    expect(run(rule, withPolicy({ ...entryRights, Resource: "arn:aws:iam::222222222222:role/elsewhere" }))).toHaveLength(1);
    expect(run(rule, withPolicy({ ...entryRights, Resource: "arn:aws:iam::*:role/agents/*a" }))).toHaveLength(1);
  });

  it("the controls: any other right, or roles by wildcard, and it needs one", () => {
    expect(run(rule, withPolicy({ Effect: "Allow", Action: ["sts:AssumeRole", "s3:GetObject"], Resource: "${aws_iam_role.a.arn}" }))).toHaveLength(1);
    expect(run(rule, withPolicy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }))).toHaveLength(1);
    expect(run(rule, withPolicy({ Effect: "Allow", Action: "sts:*", Resource: "${aws_iam_role.a.arn}" }))).toHaveLength(1);
  });
});
