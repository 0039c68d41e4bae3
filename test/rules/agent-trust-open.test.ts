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

/**
 * An issuer the config declares its organisation's own (organisationIssuers) gives tokens to the organisation's
 * workloads alone, as the authorizers read it: every subject of it stays within the organisation, as `repo:acme/*`
 * does. A public issuer (gitlab.com, GitHub's bare issuer) listed there still counts as anyone's, and the finding says
 * the listing does not count.
 */
describe("agent-trust-open: organisationIssuers, as the authorizers read them", () => {
  const web = (provider: string, condition: Record<string, unknown> = {}) =>
    trust({ Effect: "Allow", Principal: { Federated: `arn:aws:iam::111111111111:oidc-provider/${provider}` }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { ...SI, ...condition } });
  const OWN = "gitlab.acme.internal";

  it("a self-managed issuer with no subject pin fails; declared the organisation's own (any spelling), it passes", () => {
    expect(run(rule, web(OWN))).toHaveLength(1);
    expect(run(rule, web(OWN, { StringLike: { [`${OWN}:sub`]: "project_path:*" } }))).toHaveLength(1);
    for (const spelt of [OWN, `https://${OWN.toUpperCase()}/`]) {
      expect(run(rule, web(OWN), { organisationIssuers: [spelt] })).toEqual([]);
      expect(run(rule, web(OWN, { StringLike: { [`${OWN}:sub`]: "project_path:*" } }), { organisationIssuers: [spelt] })).toEqual([]);
    }
    // Control: another issuer declared leaves this one judged as before.
    expect(run(rule, web(OWN), { organisationIssuers: ["gitlab.other.internal"] })).toHaveLength(1);
  });

  it.each(["gitlab.com", "token.actions.githubusercontent.com", "app.terraform.io"])("a public issuer listed there (%s) still fails, and the finding says the listing does not count", (host) => {
    const [f] = run(rule, web(host), { organisationIssuers: [`https://${host}`] });
    expect(f.message).toContain(`admits every token of the OIDC provider arn:aws:iam::111111111111:oidc-provider/${host}`);
    expect(f.message).toContain(`The config's organisationIssuers lists ${host}, which does not count: any `);
  });
});
