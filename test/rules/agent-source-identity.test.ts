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

  it("accepts a Deny that refuses every source identity outside agent-* (a missing one too)", () => {
    const deny = { Effect: "Deny", Principal: "*", Action: "sts:AssumeRole", Condition: { StringNotLike: { "sts:SourceIdentity": "agent-*" } } };
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
    // No session starts by TagSession alone: only the session-tag check speaks of it (agent-source-identity-rt139).
    expect(run(rule, tf({ "aws_iam_role.agent": trust(allow(undefined, "sts:TagSession")) })).map((f) => f.message)).toEqual([
      expect.stringContaining("whose sessions can override its own blastwall:agent tag"),
    ]);
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

describe("agent-source-identity: CI issuers, whose tokens never carry a source identity (red-team round 108)", () => {
  const GITHUB = { Federated: "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com" };
  const SUB = { "token.actions.githubusercontent.com:sub": "repo:acme/app:pull_request" };
  const SI = { "sts:SourceIdentity": "agent-*" };
  const web = (condition: Record<string, unknown>, principal: unknown = GITHUB) => allow(condition, "sts:AssumeRoleWithWebIdentity", principal);

  it("an open GitHub Actions trust: the fix is an entry role, not a condition no job can meet", () => {
    const found = run(rule, tf({ "aws_iam_role.agent": trust(web({ StringLike: SUB })) }));
    expect(found).toHaveLength(1);
    const [f] = found;
    expect(f.severity).toBeUndefined();
    expect(f.message).toContain("call sts:AssumeRoleWithWebIdentity with no sts:SourceIdentity condition");
    expect(f.message).toContain("Do not require one in this statement");
    expect(f.message).toContain("which GitHub Actions tokens never carry, so the role would refuse every job");
    expect(f.message).toContain('entry role instead, which starts this role\'s sessions with a source identity (README "Agents in CI"; AgentPrincipal.githubActions builds one)');
    expect(f.message).not.toContain("Require StringLike");
    expect(f.fix).toContain("may do nothing but sts:AssumeRole and sts:SetSourceIdentity on aws_iam_role.agent");
    expect(f.fix).toContain("with StringLike sts:SourceIdentity = agent-*");
  });

  it("a GitHub Actions trust that requires a source identity is a role no job can assume: a warning that says so", () => {
    const found = run(rule, tf({ "aws_iam_role.agent": trust(web({ StringLike: { ...SUB, ...SI } })) }));
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe("warning");
    expect(found[0].message).toContain("aws_iam_role.agent is an AI agent role that no GitHub Actions job can assume: statement Sid \"Runner\" (#0)");
    expect(found[0].message).toContain("but it requires an sts:SourceIdentity");
    expect(found[0].message).toContain("every job is refused");
    expect(found[0].fix).toContain("entry role");
  });

  it("so is one a Deny of missing source identities guards", () => {
    const deny = { Effect: "Deny", Principal: "*", Action: "sts:AssumeRoleWithWebIdentity", Condition: { Null: { "sts:SourceIdentity": "true" } } };
    const found = run(rule, tf({ "aws_iam_role.agent": trust(web({ StringLike: SUB }), deny) }));
    expect(found.map((f) => [f.severity, f.message.includes("a Deny of the trust refuses sessions without an sts:SourceIdentity")])).toEqual([["warning", true]]);
  });

  it("the issuer is read from a condition key when the provider is not literal (GitLab CI)", () => {
    const gitlab = web({ StringEquals: { "gitlab.com:sub": "project_path:acme/app:ref_type:branch:ref:main" } }, { Federated: "${var.provider_arn}" });
    const [open] = run(rule, tf({ "aws_iam_role.agent": trust(gitlab) }));
    expect(open.message).toContain("which GitLab CI tokens never carry");
    expect(open.message).toContain("AgentPrincipal.gitlabCi builds one");
  });

  it("the controls: an issuer that may carry the claim keeps the plain fix, and requiring it there passes", () => {
    const idp = { Federated: "arn:aws:iam::111111111111:oidc-provider/idp.example.com" };
    const [f] = run(rule, tf({ "aws_iam_role.agent": trust(web({ StringEquals: { "idp.example.com:sub": "agent" } }, idp)) }));
    expect(f.message).toContain("Require StringLike sts:SourceIdentity = agent-*");
    expect(f.message).not.toContain("entry role");
    expect(run(rule, tf({ "aws_iam_role.agent": trust(web({ StringEquals: { "idp.example.com:sub": "agent" }, StringLike: SI }, idp)) }))).toEqual([]);
    // An AssumeRole trust of a runner with the condition, and a GitHub one with IfExists (a token without the claim gets in).
    expect(run(rule, tf({ "aws_iam_role.agent": trust(allow({ StringLike: SI })) }))).toEqual([]);
    const [ifExists] = run(rule, tf({ "aws_iam_role.agent": trust(web({ StringLike: SUB, StringLikeIfExists: SI })) }));
    expect(ifExists.severity).toBeUndefined();
    expect(ifExists.message).toContain("GitHub Actions tokens never carry");
  });

  it("the entry role written in plain Terraform passes: open to the job, its target requiring the source identity", () => {
    const json = tf({
      "aws_iam_role.entry": trust(web({ StringLike: SUB })),
      "aws_iam_role_policy.entry": {
        role: "${aws_iam_role.entry.name}",
        policy: policy({ Effect: "Allow", Action: ["sts:AssumeRole", "sts:SetSourceIdentity"], Resource: "${aws_iam_role.a.arn}" }),
      },
      "aws_iam_role.a": agentRole({ name: "a", assume_role_policy: policy(allow({ StringLike: SI }, ["sts:AssumeRole", "sts:SetSourceIdentity"], { AWS: "${aws_iam_role.entry.arn}" })) }),
    });
    expect(run(rule, json)).toEqual([]);
  });
});
