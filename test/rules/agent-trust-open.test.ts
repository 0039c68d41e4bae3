import { agentRole, policy, tf } from "../helpers/tf";
import { run } from "./helpers";
import { rule } from "../../lib/rules/agent-trust-open";

const trust = (statement: Record<string, unknown>) => tf({ "aws_iam_role.agent": agentRole({ assume_role_policy: policy(statement) }) });
const SI = { StringLike: { "sts:SourceIdentity": "agent-*" } };

describe("agent-trust-open (red-team: any account could assume the agent role)", () => {
  it.each([
    ["Principal *", { Effect: "Allow", Principal: "*", Action: "sts:AssumeRole", Condition: SI }],
    ["AWS *", { Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole", Condition: SI }],
    ["NotPrincipal", { Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "sts:AssumeRole" }],
    ["an IfExists pin", { Effect: "Allow", Principal: "*", Action: "sts:AssumeRole", Condition: { ...SI, StringEqualsIfExists: { "aws:PrincipalOrgID": "o-abc" } } }],
  ])("fails %s", (_name, statement) => {
    const [f] = run(rule, trust(statement));
    expect(f.message).toMatch(/admits any AWS principal, in any account/);
  });

  it.each([
    ["a named runner", { Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/runner" }, Action: "sts:AssumeRole", Condition: SI }],
    ["* pinned to the organisation", { Effect: "Allow", Principal: "*", Action: "sts:AssumeRole", Condition: { ...SI, StringEquals: { "aws:PrincipalOrgID": "o-abc" } } }],
  ])("passes %s", (_name, statement) => {
    expect(run(rule, trust(statement))).toEqual([]);
  });
});

describe("agent-trust-open: an OIDC provider admitted without a subject (every token of the issuer)", () => {
  const GITLAB = "arn:aws:iam::111111111111:oidc-provider/gitlab.com";
  const web = (condition: Record<string, unknown>, principal: Record<string, unknown> = { Federated: GITLAB }) => ({
    Effect: "Allow",
    Principal: principal,
    Action: "sts:AssumeRoleWithWebIdentity",
    Condition: { ...SI, ...condition },
  });
  const AUD = { StringEquals: { "gitlab.com:aud": "sts.amazonaws.com" } };

  it.each([
    ["only an audience", web(AUD)],
    ["no condition but the source identity", web({})],
    ["a sub of only wildcards", web({ StringLike: { "sts:SourceIdentity": "agent-*", "gitlab.com:sub": "*" } })],
    ["a sub wildcard after the kind", web({ StringLike: { "sts:SourceIdentity": "agent-*", "gitlab.com:sub": "project_path:*" } })],
    ["one wide sub among exact ones", web({ StringLike: { "sts:SourceIdentity": "agent-*", "gitlab.com:sub": ["project_path:acme/infra:ref_type:branch:ref:main", "*"] } })],
    ["a sub only if it exists", web({ StringEqualsIfExists: { "gitlab.com:sub": "project_path:acme/infra:ref_type:branch:ref:main" } })],
    ["a sub that must not match", web({ StringNotEquals: { "gitlab.com:sub": "project_path:evil/x:ref_type:branch:ref:main" } })],
    ["an action pattern", { ...web(AUD), Action: "sts:AssumeRole*" }],
  ])("fails %s", (_name, statement) => {
    const [f, ...more] = run(rule, trust(statement));
    expect(more).toEqual([]);
    expect(f.message).toMatch(/admits every token of the OIDC provider arn:aws:iam::111111111111:oidc-provider\/gitlab\.com: no condition pins its sub claim/);
  });

  it.each([
    ["an exact sub", web({ StringEquals: { "gitlab.com:aud": "sts.amazonaws.com", "gitlab.com:sub": "project_path:acme/infra:ref_type:branch:ref:main" } })],
    ["a sub pattern within one group", web({ StringLike: { "sts:SourceIdentity": "agent-*", "gitlab.com:sub": "project_path:acme/*" } })],
    ["a SAML provider", web({}, { Federated: "arn:aws:iam::111111111111:saml-provider/okta" })],
    ["a Deny", { ...web(AUD), Effect: "Deny" }],
    ["no web identity", { ...web(AUD), Action: "sts:TagSession" }],
  ])("passes %s", (_name, statement) => {
    expect(run(rule, trust(statement))).toEqual([]);
  });
});
