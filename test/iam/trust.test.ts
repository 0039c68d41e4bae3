import { parsePolicyJson, unknownDocument } from "../../lib/engine/iam/policy-json";
import { principalAdmits, type TrustCandidate } from "../../lib/engine/iam/trust";
import type { Statement } from "../../lib/engine/iam/types";

const trust = (...statements: object[]): Statement[] => [...parsePolicyJson({ Statement: statements }, { address: "aws_iam_role.target" }).statements];
const assume = (principal: unknown, extra: object = {}) => ({ Effect: "Allow", Action: "sts:AssumeRole", Principal: principal, ...extra });

const agent: TrustCandidate = { arnPattern: "arn:aws:iam::*:role/agents/coder" };
const agentIn = (account: string): TrustCandidate => ({ arnPattern: `arn:aws:iam::${account}:role/agents/coder` });
const lambda: TrustCandidate = { arnPattern: "", service: "lambda.amazonaws.com" };
const admits = (stmts: Statement[], c: TrustCandidate, action?: string, resource?: string) => principalAdmits(stmts, c, action, resource).length > 0;

describe("principalAdmits: Allow statements", () => {
  it('"*" and {"AWS": "*"} admit everyone, services included', () => {
    for (const p of ["*", { AWS: "*" }]) {
      expect(admits(trust(assume(p)), agent)).toBe(true);
      expect(admits(trust(assume(p)), lambda)).toBe(true);
    }
  });

  it("an ARN pattern admits candidates it may name", () => {
    expect(admits(trust(assume({ AWS: "arn:aws:iam::111122223333:role/agents/*" })), agent)).toBe(true);
    expect(admits(trust(assume({ AWS: "arn:aws:iam::111122223333:role/agents/coder" })), agentIn("111122223333"))).toBe(true);
    expect(admits(trust(assume({ AWS: "arn:aws:iam::111122223333:role/agents/coder" })), agentIn("444455556666"))).toBe(false);
    expect(admits(trust(assume({ AWS: "arn:aws:iam::111122223333:role/ops/*" })), agent)).toBe(false);
    expect(admits(trust(assume({ AWS: "arn:aws:iam::111122223333:user/*" })), agent)).toBe(false);
  });

  it("principal ARNs compare ignoring case (IAM names are unique regardless of case)", () => {
    expect(admits(trust(assume({ AWS: "arn:aws:iam::1:role/Agents/Coder" })), agent)).toBe(true);
  });

  it("the account root or a bare account id admits principals that may be in that account", () => {
    for (const id of ["arn:aws:iam::111122223333:root", "111122223333"]) {
      expect(admits(trust(assume({ AWS: id })), agent)).toBe(true); // account unknown: possibly the same
      expect(admits(trust(assume({ AWS: id })), agentIn("111122223333"))).toBe(true);
      expect(admits(trust(assume({ AWS: id })), agentIn("444455556666"))).toBe(false);
      expect(admits(trust(assume({ AWS: id })), { ...agent, accountPattern: "444455556666" })).toBe(false);
      expect(admits(trust(assume({ AWS: id })), lambda)).toBe(false);
    }
  });

  it("a widened account token admits every account", () => {
    expect(admits(trust(assume({ AWS: "arn:aws:iam::${var.ci_account}:root" })), agentIn("444455556666"))).toBe(true);
  });

  it("an assumed-role session ARN names the role, with or without a path", () => {
    expect(admits(trust(assume({ AWS: "arn:aws:sts::1:assumed-role/coder/session-1" })), agentIn("1"))).toBe(true);
    expect(admits(trust(assume({ AWS: "arn:aws:sts::1:assumed-role/other/session-1" })), agentIn("1"))).toBe(false);
  });

  it("Service principals admit that service only", () => {
    expect(admits(trust(assume({ Service: "lambda.amazonaws.com" })), lambda)).toBe(true);
    expect(admits(trust(assume({ Service: ["ec2.amazonaws.com", "LAMBDA.amazonaws.com"] })), lambda)).toBe(true);
    expect(admits(trust(assume({ Service: "ec2.amazonaws.com" })), lambda)).toBe(false);
    expect(admits(trust(assume({ Service: "lambda.amazonaws.com" })), agent)).toBe(false);
  });

  it("Federated principals compare with the candidate's ARN pattern", () => {
    const oidc = "arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com";
    const t = trust({ Effect: "Allow", Action: "sts:AssumeRoleWithWebIdentity", Principal: { Federated: oidc } });
    expect(admits(t, { arnPattern: oidc }, "sts:AssumeRoleWithWebIdentity")).toBe(true);
    expect(admits(t, agent, "sts:AssumeRoleWithWebIdentity")).toBe(false);
  });

  it("the statement must allow the action (Action or NotAction, case-insensitive, wildcards)", () => {
    expect(admits(trust({ Effect: "Allow", Action: "sts:AssumeRoleWithSAML", Principal: "*" }), agent)).toBe(false);
    expect(admits(trust({ Effect: "Allow", Action: "STS:Assume*", Principal: "*" }), agent)).toBe(true);
    expect(admits(trust({ Effect: "Allow", NotAction: "sts:TagSession", Principal: "*" }), agent)).toBe(true);
    expect(admits(trust({ Effect: "Allow", NotAction: "sts:*", Principal: "*" }), agent)).toBe(false);
    expect(admits(trust(assume("*")), agent, "sts:TagSession")).toBe(false);
  });

  it("a conditional Allow still admits, and is returned with its conditions", () => {
    const t = trust(assume({ AWS: "arn:aws:iam::1:root" }, { Condition: { StringEquals: { "sts:ExternalId": "x" } } }));
    const [s] = principalAdmits(t, agent);
    expect(s.conditions).toHaveLength(1);
  });

  it("returns every admitting statement and only Allows", () => {
    const t = trust(assume("*"), assume({ Service: "ec2.amazonaws.com" }), assume({ AWS: "arn:aws:iam::1:role/agents/*" }));
    expect(principalAdmits(t, agent).map((s) => s.source.index)).toEqual([0, 2]);
  });

  it("Allow + NotPrincipal admits everyone not certainly listed (fail closed)", () => {
    const t = trust({ Effect: "Allow", Action: "sts:AssumeRole", NotPrincipal: { AWS: "arn:aws:iam::1:role/agents/*" } });
    // A role calls as a session of itself, which a listed role ARN does not match (AWS: NotPrincipal must list the
    // session ARN too): even certainly listed, the role is admitted (red-team round 48). A listed user is left out.
    expect(admits(t, agentIn("1"))).toBe(true);
    const users = trust({ Effect: "Allow", Action: "sts:AssumeRole", NotPrincipal: { AWS: "arn:aws:iam::1:user/agents/*" } });
    expect(admits(users, { arnPattern: "arn:aws:iam::1:user/agents/bot" })).toBe(false);
    expect(admits(users, { arnPattern: "arn:aws:iam::1:user/ops/alice" })).toBe(true);
    expect(admits(t, agent)).toBe(true); // account unknown: may be another account's role, not listed
    expect(admits(t, { arnPattern: "arn:aws:iam::1:role/ops" })).toBe(true);
    const rootOnly = trust({ Effect: "Allow", Action: "sts:AssumeRole", NotPrincipal: { AWS: "arn:aws:iam::1:root" } });
    expect(admits(rootOnly, agentIn("1"))).toBe(true); // an account in NotPrincipal is not relied on
  });

  it("an unknown statement admits everyone", () => {
    expect(admits([...unknownDocument("aws_iam_role.target", "trust policy from a file").statements], agent)).toBe(true);
    expect(admits([...unknownDocument("aws_iam_role.target", "x").statements], lambda, "sts:AssumeRole")).toBe(true);
  });

  it("a statement without a Principal element is read as admitting everyone", () => {
    expect(admits(trust({ Effect: "Allow", Action: "sts:AssumeRole" }), agent)).toBe(true);
  });

  it("no statements admit no one", () => {
    expect(principalAdmits([], agent)).toEqual([]);
  });
});

describe("principalAdmits: Denies", () => {
  const open = assume("*");

  it("a Deny that certainly names the candidate blocks everything", () => {
    expect(admits(trust(open, { Effect: "Deny", Action: "sts:AssumeRole", Principal: "*" }), agent)).toBe(false);
    expect(admits(trust(open, { Effect: "Deny", Action: "sts:*", Principal: { AWS: "arn:aws:iam::*:role/agents/*" } }), agent)).toBe(false);
    expect(admits(trust(open, { Effect: "Deny", Action: "*", Principal: { Service: "lambda.amazonaws.com" } }), lambda)).toBe(false);
  });

  it("a Deny that only may name the candidate does not block", () => {
    expect(admits(trust(open, { Effect: "Deny", Action: "sts:AssumeRole", Principal: { AWS: "arn:aws:iam::1:role/agents/*" } }), agent)).toBe(true);
    expect(admits(trust(open, { Effect: "Deny", Action: "sts:AssumeRole", Principal: { AWS: "arn:aws:iam::1:root" } }), agentIn("1"))).toBe(true);
  });

  it("a conditional Deny, a Deny on another action and a Deny from widened tokens do not block", () => {
    expect(admits(trust(open, { Effect: "Deny", Action: "sts:AssumeRole", Principal: "*", Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } } }), agent)).toBe(true);
    expect(admits(trust(open, { Effect: "Deny", Action: "sts:TagSession", Principal: "*" }), agent)).toBe(true);
    expect(admits(trust(open, { Effect: "Deny", Action: "sts:AssumeRole", Principal: { AWS: "${aws_iam_role.x.arn}" } }), agent)).toBe(true);
  });

  it("Deny + NotPrincipal blocks everyone who cannot be listed", () => {
    const t = trust(open, { Effect: "Deny", Action: "sts:AssumeRole", NotPrincipal: { AWS: "arn:aws:iam::1:role/admin" } });
    expect(admits(t, agent)).toBe(false);
    expect(admits(t, { arnPattern: "arn:aws:iam::1:role/admin" })).toBe(true);
  });

  it("with a resource: Allows must meet it, Denies must cover it", () => {
    const t = trust(
      { Effect: "Allow", Action: "s3:DeleteObject", Principal: "*", Resource: "arn:aws:s3:::logs/*" },
      { Effect: "Deny", Action: "s3:*", Principal: "*", Resource: "arn:aws:s3:::logs/locked/*" },
    );
    expect(admits(t, agent, "s3:DeleteObject", "arn:aws:s3:::logs/app/1")).toBe(true);
    expect(admits(t, agent, "s3:DeleteObject", "arn:aws:s3:::other/1")).toBe(false);
    expect(admits(t, agent, "s3:DeleteObject", "arn:aws:s3:::logs/locked/1")).toBe(false);
    expect(admits(t, agent, "s3:DeleteObject", "arn:aws:s3:::logs/*")).toBe(true); // the Deny covers only part
    const notRes = trust(open, { Effect: "Allow", Action: "*", Principal: "*", NotResource: "arn:aws:s3:::b/*" }, { Effect: "Deny", Action: "*", Principal: "*", NotResource: "arn:aws:s3:::b/*" });
    expect(principalAdmits(notRes, agent, "s3:DeleteObject", "arn:aws:s3:::other/1")).toEqual([]); // Deny covers it
    expect(principalAdmits(notRes, agent, "sts:AssumeRole", "arn:aws:s3:::b/x").map((s) => s.source.index)).toEqual([0]);
    const short = trust(open, { Effect: "Deny", Action: "*", Principal: "*", NotResource: "arn:aws:s3:*" });
    expect(admits(short, agent, "sts:AssumeRole", "arn:aws:iam::1:role/x")).toBe(true); // a short ARN is never relied on
  });
});
