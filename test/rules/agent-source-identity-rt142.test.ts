import { agentRole, policy, tf } from "../helpers/tf";
import { run } from "./helpers";
import { rule } from "../../lib/rules/agent-source-identity";

/**
 * Red-team round 142: IAM Roles Anywhere sets a source identity of the certificate's choosing, so a trust that admits
 * it is held to the agent-* condition (F5); a trust Deny that refuses the blastwall:agent session tag in every case
 * counts as the TagSession limit (F6).
 */
const SI = { StringLike: { "sts:SourceIdentity": "agent-*" } };
const trust = (...statements: Record<string, unknown>[]) =>
  tf({
    "aws_iam_role.agent": agentRole({
      assume_role_policy: policy(...statements),
    }),
  });
const messages = (json: Record<string, unknown>) =>
  run(rule, json).map((f) => f.message);

describe("agent-source-identity: IAM Roles Anywhere is held to the agent-* condition (red-team round 142 F5)", () => {
  const ANCHOR = {
    ArnEquals: {
      "aws:SourceArn":
        "arn:aws:rolesanywhere:us-east-1:111111111111:trust-anchor/8e1b8e0c-0000-4000-8000-000000000000",
    },
  };
  const anywhere = (
    condition?: Record<string, unknown>,
    service: unknown = "rolesanywhere.amazonaws.com",
  ) => ({
    Sid: "RA",
    Effect: "Allow",
    Principal: { Service: service },
    Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
    ...(condition ? { Condition: condition } : {}),
  });

  it("fails a trust of rolesanywhere.amazonaws.com with no condition: the session's identity is the certificate's CN", () => {
    const found = run(rule, trust(anywhere()));
    expect(found).toHaveLength(1);
    const [f] = found;
    expect(f.severity).toBeUndefined();
    expect(f.message).toContain(
      'aws_iam_role.agent is an AI agent role assumable without a source identity: statement Sid "RA" (#0) of its trust policy lets ' +
        "Service rolesanywhere.amazonaws.com call sts:AssumeRole with no sts:SourceIdentity condition.",
    );
    expect(f.message).toContain(
      "Require StringLike sts:SourceIdentity = agent-*. IAM Roles Anywhere sets the session's source identity to the subject CN",
    );
    expect(f.fix).toContain(
      'Add "Condition": {"StringLike": {"sts:SourceIdentity": "agent-*"}} to statement Sid "RA" (#0)',
    );
    expect(f.fix).toContain("subject CN that starts with agent-");
  });

  it.each([
    ["a trust anchor pin only", ANCHOR, "with no sts:SourceIdentity condition"],
    [
      'StringLike "*", which any CN meets',
      { ...ANCHOR, StringLike: { "sts:SourceIdentity": "*" } },
      'StringLike sts:SourceIdentity admits "*", which reaches outside agent-*',
    ],
    [
      "StringEqualsIgnoreCase agent-host",
      { StringEqualsIgnoreCase: { "sts:SourceIdentity": "agent-host" } },
      "compares without case",
    ],
  ])("fails it with %s", (_name, condition, why) => {
    const [f, ...rest] = messages(trust(anywhere(condition)));
    expect(rest).toEqual([]);
    expect(f).toContain(
      "lets Service rolesanywhere.amazonaws.com call sts:AssumeRole",
    );
    expect(f).toContain(why);
  });

  it("fails it beside another service in the same statement, and in another spelling of the name", () => {
    expect(
      messages(
        trust(
          anywhere(undefined, [
            "ec2.amazonaws.com",
            "rolesanywhere.amazonaws.com",
          ]),
        ),
      ),
    ).toHaveLength(1);
    expect(
      messages(trust(anywhere(undefined, "RolesAnywhere.amazonaws.com"))),
    ).toHaveLength(1);
  });

  it("a Deny of a missing identity does not guard it: Roles Anywhere always sets one, the CN", () => {
    const deny = {
      Sid: "Guard",
      Effect: "Deny",
      Principal: "*",
      Action: "sts:AssumeRole",
      Condition: { Null: { "sts:SourceIdentity": "true" } },
    };
    const [f, ...rest] = messages(trust(anywhere(ANCHOR), deny));
    expect(rest).toEqual([]);
    expect(f).toContain(
      'statement Sid "Guard" (#1) does not make up for it: Null sts:SourceIdentity true refuses only a session without one',
    );
  });

  it("the controls: StringLike agent-*, or a Deny of every identity outside agent-*, pass with no warning; other services stay exempt", () => {
    expect(run(rule, trust(anywhere({ ...ANCHOR, ...SI })))).toEqual([]);
    const deny = {
      Effect: "Deny",
      Principal: "*",
      Action: "sts:AssumeRole",
      Condition: { StringNotLike: { "sts:SourceIdentity": "agent-*" } },
    };
    expect(run(rule, trust(anywhere(ANCHOR), deny))).toEqual([]);
    expect(
      run(
        rule,
        trust(
          anywhere(undefined, ["ec2.amazonaws.com", "lambda.amazonaws.com"]),
        ),
      ),
    ).toEqual([]);
    // Roles Anywhere chooses its own session tag keys (x509Subject/..., x509Issuer/...): no TagSession finding.
    expect(run(rule, trust(anywhere(SI)))).toEqual([]);
  });
});

describe("agent-source-identity: a trust Deny that refuses the blastwall:agent session tag is the limit (red-team round 142 F6)", () => {
  const RUNNER = { AWS: "arn:aws:iam::111111111111:role/ci-runner" };
  const allow = (principal: unknown = RUNNER) => ({
    Sid: "Runner",
    Effect: "Allow",
    Principal: principal,
    Action: ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
    Condition: SI,
  });
  const deny = (
    condition?: Record<string, unknown>,
    principal: unknown = "*",
    action: unknown = "sts:TagSession",
  ) => ({
    Sid: "NoAgentTag",
    Effect: "Deny",
    Principal: principal,
    Action: action,
    ...(condition ? { Condition: condition } : {}),
  });

  it.each([
    [
      "ForAnyValue:StringEqualsIgnoreCase blastwall:agent (the red-team input)",
      deny({
        "ForAnyValue:StringEqualsIgnoreCase": {
          "aws:TagKeys": "blastwall:agent",
        },
      }),
    ],
    [
      "ForAnyValue:StringEqualsIgnoreCase naming it in another case",
      deny({
        "ForAnyValue:StringEqualsIgnoreCase": {
          "aws:TagKeys": ["ticket", "BlastWall:Agent"],
        },
      }),
    ],
    [
      "its IfExists form",
      deny({
        "ForAnyValue:StringEqualsIgnoreCaseIfExists": {
          "aws:TagKeys": "blastwall:agent",
        },
      }),
    ],
    [
      "ForAnyValue:StringLike with a pattern without letters",
      deny({ "ForAnyValue:StringLike": { "aws:TagKeys": "*:*" } }),
    ],
    ["no condition", deny()],
    ["no condition, on sts:*", deny(undefined, "*", "sts:*")],
    [
      "the same principal",
      deny(
        {
          "ForAnyValue:StringEqualsIgnoreCase": {
            "aws:TagKeys": "blastwall:agent",
          },
        },
        RUNNER,
      ),
    ],
    [
      'AWS "*"',
      deny(
        {
          "ForAnyValue:StringEqualsIgnoreCase": {
            "aws:TagKeys": "blastwall:agent",
          },
        },
        { AWS: "*" },
      ),
    ],
  ])("the control: a Deny with %s is the limit", (_name, d) => {
    expect(messages(trust(allow(), d))).toEqual([]);
  });

  it.each([
    [
      "ForAnyValue:StringEquals, which compares with case",
      { "ForAnyValue:StringEquals": { "aws:TagKeys": "blastwall:agent" } },
      "compares with case",
    ],
    [
      "ForAnyValue:StringLike blastwall:*, which compares with case",
      { "ForAnyValue:StringLike": { "aws:TagKeys": "blastwall:*" } },
      "(BLASTWALL:AGENT passes it)",
    ],
    [
      "ForAllValues, escaped by a second key",
      {
        "ForAllValues:StringEqualsIgnoreCase": {
          "aws:TagKeys": "blastwall:agent",
        },
      },
      "a second key beside blastwall:agent escapes it",
    ],
    [
      "a further condition",
      {
        "ForAnyValue:StringEqualsIgnoreCase": {
          "aws:TagKeys": "blastwall:agent",
        },
        Bool: { "aws:MultiFactorAuthPresent": "true" },
      },
      "it also requires Bool aws:MultiFactorAuthPresent",
    ],
    [
      "another key named",
      { "ForAnyValue:StringEqualsIgnoreCase": { "aws:TagKeys": "ticket" } },
      "does not hold for every request that passes blastwall:agent",
    ],
  ])("fails a Deny by %s, and says why", (_name, condition, why) => {
    const [f, ...rest] = messages(trust(allow(), deny(condition)));
    expect(rest).toEqual([]);
    expect(f).toContain(
      'can override its own blastwall:agent tag: statement Sid "Runner" (#0) of its trust policy lets AWS arn:aws:iam::111111111111:role/ci-runner ' +
        'call sts:TagSession with no aws:TagKeys condition; statement Sid "NoAgentTag" (#1) does not make up for it: ',
    );
    expect(f).toContain(why);
  });

  it("fails a Deny that binds other principals, spares some (NotPrincipal), or covers only AssumeRole", () => {
    const refuse = {
      "ForAnyValue:StringEqualsIgnoreCase": {
        "aws:TagKeys": "blastwall:agent",
      },
    };
    const [f] = messages(
      trust(
        allow(),
        deny(refuse, { AWS: "arn:aws:iam::111111111111:role/other" }),
      ),
    );
    expect(f).toContain(
      'statement Sid "NoAgentTag" (#1) does not make up for it: it does not name every principal this statement admits',
    );
    const spares = {
      ...deny(refuse),
      Principal: undefined,
      NotPrincipal: { AWS: "arn:aws:iam::111111111111:role/other" },
    };
    expect(messages(trust(allow(), spares))).toEqual([
      expect.stringContaining(
        "does not name every principal this statement admits",
      ),
    ]);
    expect(
      messages(trust(allow(), deny(refuse, "*", "sts:AssumeRole"))),
    ).toEqual([
      expect.stringContaining(
        "call sts:TagSession with no aws:TagKeys condition.",
      ),
    ]);
    // A Deny keyed on anything but aws:TagKeys does not count, and is not said to be the limit.
    const other = deny({ Null: { "aws:RequestTag/blastwall:agent": "false" } });
    expect(messages(trust(allow(), other))).toEqual([
      expect.stringContaining(
        "call sts:TagSession with no aws:TagKeys condition.",
      ),
    ]);
  });
});
