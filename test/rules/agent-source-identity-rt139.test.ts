import { agentRole, policy, tf } from "../helpers/tf";
import { run } from "./helpers";
import { rule } from "../../lib/rules/agent-source-identity";

/**
 * Red-team round 139: conditions on keys the caller controls. A trust Deny counts only when it refuses every source
 * identity outside agent-* (F1, F5); no IgnoreCase operator requires agent-* (F4); sts:TagSession without an aws:TagKeys
 * limit lets a session replace its own blastwall:agent tag (F3).
 */
const RUNNER = { AWS: "arn:aws:iam::111111111111:role/ci-runner" };
const SI = { StringLike: { "sts:SourceIdentity": "agent-*" } };
const trust = (...statements: Record<string, unknown>[]) => tf({ "aws_iam_role.agent": agentRole({ assume_role_policy: policy(...statements) }) });
const allow = (condition?: Record<string, unknown>, action: unknown = ["sts:AssumeRole", "sts:SetSourceIdentity"]) => ({
  Sid: "Runner",
  Effect: "Allow",
  Principal: RUNNER,
  Action: action,
  ...(condition ? { Condition: condition } : {}),
});
const deny = (condition: Record<string, unknown>, principal: unknown = "*") => ({ Sid: "Guard", Effect: "Deny", Principal: principal, Action: "sts:AssumeRole", Condition: condition });
const messages = (json: Record<string, unknown>) => run(rule, json).map((f) => f.message);

describe("agent-source-identity: a trust Deny guards only when it refuses every identity outside agent-* (red-team round 139 F1, F5)", () => {
  it.each([
    ["Null true, which refuses only a missing identity", { Null: { "sts:SourceIdentity": "true" } }, 'Null sts:SourceIdentity true refuses only a session without one'],
    ['StringNotLike "*", which refuses only a missing identity', { StringNotLike: { "sts:SourceIdentity": "*" } }, 'StringNotLike sts:SourceIdentity spares "*", which reaches outside agent-*'],
    ['StringNotEquals "ops-bot", which lets ops-bot in', { StringNotEquals: { "sts:SourceIdentity": "ops-bot" } }, 'StringNotEquals sts:SourceIdentity spares "ops-bot", which reaches outside agent-*'],
    ["StringNotLike agent-* and ag*", { StringNotLike: { "sts:SourceIdentity": ["agent-*", "ag*"] } }, 'spares "ag*"'],
  ])("fails a Deny with %s, and says why", (_name, condition, why) => {
    const [f, ...rest] = messages(trust(allow(), deny(condition)));
    expect(rest).toEqual([]);
    expect(f).toContain('lets AWS arn:aws:iam::111111111111:role/ci-runner call sts:AssumeRole with no sts:SourceIdentity condition; statement Sid "Guard" (#1) does not make up for it: ');
    expect(f).toContain(why);
  });

  it("the controls: StringNotLike agent-*, StringNotEquals of agent- names, and their IfExists forms (F5) guard", () => {
    for (const condition of [
      { StringNotLike: { "sts:SourceIdentity": "agent-*" } },
      { StringNotLikeIfExists: { "sts:SourceIdentity": "agent-*" } },
      { StringNotEquals: { "sts:SourceIdentity": ["agent-ci", "agent-dev"] } },
      { StringNotEqualsIfExists: { "sts:SourceIdentity": "agent-ci" } },
    ]) {
      expect(messages(trust(allow(), deny(condition)))).toEqual([]);
    }
  });

  it("a Deny that binds only other principals guards nothing; one naming the statement's principal does", () => {
    const guard = { StringNotLike: { "sts:SourceIdentity": "agent-*" } };
    const [f] = messages(trust(allow(), deny(guard, { AWS: "arn:aws:iam::111111111111:role/other" })));
    expect(f).toContain('statement Sid "Guard" (#1) does not make up for it: it does not name every principal this statement admits');
    expect(messages(trust(allow(), deny(guard, RUNNER)))).toEqual([]);
    expect(messages(trust(allow(), deny(guard, { AWS: "*" })))).toEqual([]);
    expect(messages(trust(allow(), { ...deny(guard), Principal: undefined, NotPrincipal: { AWS: "arn:aws:iam::111111111111:role/other" } }))).toHaveLength(1);
  });

  it("a Deny with a further condition on another key refuses only when that holds too", () => {
    const [f] = messages(trust(allow(), deny({ StringNotLike: { "sts:SourceIdentity": "agent-*" }, Bool: { "aws:MultiFactorAuthPresent": "true" } })));
    expect(f).toContain("it also requires Bool aws:MultiFactorAuthPresent, which a caller need not meet");
  });

  it("an entry role is not exempt when the role it may assume has only a Null Deny (the knock-on)", () => {
    const web = { Effect: "Allow", Principal: { Federated: "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com" }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main" } } };
    const target = (guard: Record<string, unknown>) => ({
      name: "a",
      path: "/agents/",
      assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.entry.arn}" }, Action: ["sts:AssumeRole", "sts:SetSourceIdentity"] }, deny(guard)),
    });
    const stack = (guard: Record<string, unknown>) =>
      tf({
        "aws_iam_role.entry": agentRole({ name: "entry", assume_role_policy: policy(web) }),
        "aws_iam_role_policy.entry": { role: "${aws_iam_role.entry.name}", policy: policy({ Effect: "Allow", Action: ["sts:AssumeRole", "sts:SetSourceIdentity"], Resource: "${aws_iam_role.a.arn}" }) },
        "aws_iam_role.a": target(guard),
      });
    expect(run(rule, stack({ Null: { "sts:SourceIdentity": "true" } })).map((f) => f.principal)).toContain("aws_iam_role.entry");
    expect(run(rule, stack({ StringNotLike: { "sts:SourceIdentity": "agent-*" } }))).toEqual([]);
  });
});

describe("agent-source-identity: no IgnoreCase operator requires agent-* (red-team round 139 F4)", () => {
  it("fails StringEqualsIgnoreCase agent-ci in an Allow: the caller may set AGENT-CI, which the guardrails' agent-* misses", () => {
    const [f, ...rest] = messages(trust(allow({ StringEqualsIgnoreCase: { "sts:SourceIdentity": "agent-ci" } })));
    expect(rest).toEqual([]);
    expect(f).toContain(
      'with an sts:SourceIdentity condition that does not require an agent-* identity (StringEqualsIgnoreCase sts:SourceIdentity compares without case, so a caller\'s "AGENT-CI" meets it, ' +
        "and the guardrails' StringLike aws:SourceIdentity agent-* is case-sensitive)",
    );
  });

  it("fails a Deny with StringNotEqualsIgnoreCase agent-ci, which AGENT-CI passes", () => {
    const [f] = messages(trust(allow(), deny({ StringNotEqualsIgnoreCase: { "sts:SourceIdentity": "agent-ci" } })));
    expect(f).toContain('StringNotEqualsIgnoreCase sts:SourceIdentity compares without case, so a caller\'s "AGENT-CI" passes it');
  });

  it("the control: the case-sensitive StringEquals agent-ci passes", () => {
    expect(messages(trust(allow({ StringEquals: { "sts:SourceIdentity": "agent-ci" } })))).toEqual([]);
  });
});

describe("agent-source-identity: session tags that override the agent's own tag (red-team round 139 F3)", () => {
  const withTags = (tagKeys?: Record<string, unknown>) => allow({ ...SI, ...(tagKeys ?? {}) }, ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"]);

  it("fails sts:TagSession with no aws:TagKeys limit: the session may set blastwall:agent = false", () => {
    const found = run(rule, trust(withTags()));
    expect(found).toHaveLength(1);
    const [f] = found;
    expect(f.principal).toBe("aws_iam_role.agent");
    expect(f.message).toContain(
      'aws_iam_role.agent is an AI agent role whose sessions can override its own blastwall:agent tag: statement Sid "Runner" (#0) of its trust policy lets ' +
        "AWS arn:aws:iam::111111111111:role/ci-runner call sts:TagSession with no aws:TagKeys condition.",
    );
    expect(f.message).toContain("replaces the role's tag for that session (--tags Key=blastwall:agent,Value=false)");
    expect(f.message).toContain("blastwall's guardrail SCPs and resource control policy match the /agents/ path and the agent-* source identity");
    expect(f.fix).toContain('"ForAllValues:StringEquals": {"aws:TagKeys": [the keys the agent\'s sessions need]}');
    expect(f.evidence[1]).toMatchObject({ step: "trust", detail: 'statement Sid "Runner" (#0): sts:TagSession, StringLike sts:SourceIdentity' });
  });

  it.each([
    ["ForAllValues:StringNotEquals, which compares with case", { "ForAllValues:StringNotEquals": { "aws:TagKeys": "blastwall:agent" } }, "BLASTWALL:AGENT passes it"],
    ["ForAllValues:StringNotLike blastwall:*, which compares with case", { "ForAllValues:StringNotLike": { "aws:TagKeys": "blastwall:*" } }, "BLASTWALL:AGENT passes it"],
    ["a list naming the key in another case", { "ForAllValues:StringEquals": { "aws:TagKeys": ["task", "Blastwall:Agent"] } }, 'allows "Blastwall:Agent", which names blastwall:agent'],
    ["a pattern that matches it", { "ForAllValues:StringLike": { "aws:TagKeys": ["task", "blast*"] } }, 'allows "blast*", which names blastwall:agent'],
    ["ForAnyValue", { "ForAnyValue:StringEquals": { "aws:TagKeys": "task" } }, "holds when one key is listed, whatever the others are"],
    ["no set qualifier", { StringEquals: { "aws:TagKeys": "task" } }, "is no ForAllValues condition"],
  ])("fails a limit by %s", (_name, condition, why) => {
    const [f, ...rest] = messages(trust(withTags(condition)));
    expect(rest).toEqual([]);
    expect(f).toContain("can override its own blastwall:agent tag");
    expect(f).toContain(why);
  });

  it("the controls: a key list without it, its IgnoreCase negation, or no tags at all pass", () => {
    for (const condition of [
      { "ForAllValues:StringEquals": { "aws:TagKeys": ["task", "ticket"] } },
      { "ForAllValues:StringLike": { "aws:TagKeys": ["ticket-*"] } },
      { "ForAllValues:StringNotEqualsIgnoreCase": { "aws:TagKeys": "blastwall:agent" } },
      { "ForAllValues:StringNotEqualsIgnoreCase": { "aws:TagKeys": ["x", "BlastWall:Agent"] } },
      { "ForAllValues:StringNotLike": { "aws:TagKeys": "*:*" } },
    ]) {
      expect(messages(trust(withTags(condition)))).toEqual([]);
    }
    // AgentRole's shape: the tags in a statement of their own, limited to the listed keys.
    const tags = { Sid: "Tags", Effect: "Allow", Principal: RUNNER, Action: "sts:TagSession", Condition: { ...SI, "ForAllValues:StringEquals": { "aws:TagKeys": ["task"] } } };
    expect(messages(trust(allow(SI), tags))).toEqual([]);
    expect(messages(trust(allow(SI)))).toEqual([]);
  });

  it("each statement that allows TagSession needs its own limit", () => {
    const open = { Sid: "Open", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/other" }, Action: "sts:TagSession" };
    const found = messages(trust(withTags({ "ForAllValues:StringEquals": { "aws:TagKeys": ["task"] } }), open));
    expect(found).toEqual([expect.stringContaining('statement Sid "Open" (#1) of its trust policy lets AWS arn:aws:iam::111111111111:role/other call sts:TagSession')]);
  });

  it("is checked on an entry role too, whose tags, set transitive, follow it into the agent role", () => {
    const web = { Effect: "Allow", Principal: { Federated: "arn:aws:iam::111111111111:oidc-provider/idp.example.com" }, Action: ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"], Condition: { StringEquals: { "idp.example.com:sub": "agent" } } };
    const json = tf({
      "aws_iam_role.entry": agentRole({ name: "entry", assume_role_policy: policy(web) }),
      "aws_iam_role_policy.entry": { role: "${aws_iam_role.entry.name}", policy: policy({ Effect: "Allow", Action: ["sts:AssumeRole", "sts:SetSourceIdentity"], Resource: "${aws_iam_role.a.arn}" }) },
      "aws_iam_role.a": { name: "a", path: "/agents/", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.entry.arn}" }, Action: ["sts:AssumeRole", "sts:SetSourceIdentity"], Condition: SI }) },
    });
    const found = run(rule, json);
    expect(found.map((f) => [f.principal, f.message.includes("can override its own blastwall:agent tag")])).toEqual([["aws_iam_role.entry", true]]);
  });

  it("a statement that admits only AWS services is left alone: the service chooses its tag keys", () => {
    const pods = { Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] };
    expect(messages(trust(pods))).toEqual([]);
  });

  it("an unreadable statement is reported once, as unreadable", () => {
    const found = run(rule, tf({ "aws_iam_role.agent": agentRole({ assume_role_policy: '${file("trust.json")}' }) }));
    expect(found).toHaveLength(1);
  });
});
