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
