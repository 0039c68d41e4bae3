import type { Acknowledgement, Finding } from "../../lib/engine/findings";
import {
  ACKNOWLEDGEMENT_EXPIRED,
  applyAcknowledgements,
  applySeverity,
  expiryInstant,
  isExpired,
} from "../../lib/config/acknowledgements";

const finding = (over: Partial<Finding> = {}): Finding => ({
  ruleId: "agent-direct-destroy",
  severity: "error",
  principal: "aws_iam_role.agent",
  resource: "aws_iam_role_policy.p",
  actions: ["ec2:DeleteVolume"],
  evidence: [],
  message: "aws_iam_role.agent can delete volumes",
  fix: "remove it",
  file: "cdk.tf.json",
  ...over,
});

const ack = (over: Partial<Acknowledgement> = {}): Acknowledgement => ({
  ruleId: "agent-direct-destroy",
  principal: "aws_iam_role.agent",
  reason: "sandbox account, nothing to lose",
  ...over,
});

const NOW = new Date("2025-06-15T12:00:00Z");

describe("applyAcknowledgements", () => {
  it("acknowledges a finding with the same rule id and principal address", () => {
    const [f] = applyAcknowledgements([finding()], [ack({ source: "blastwall.json", expires: "2025-12-31" })], NOW);
    expect(f.acknowledged).toEqual({ reason: "sandbox account, nothing to lose", source: "blastwall.json", expires: "2025-12-31" });
  });

  it("defaults the source to blastwall.json and leaves expires out when not given", () => {
    const [f] = applyAcknowledgements([finding()], [ack()], NOW);
    expect(f.acknowledged).toEqual({ reason: "sandbox account, nothing to lose", source: "blastwall.json" });
  });

  it("does not match another rule, another principal, or by wildcard", () => {
    const findings = [finding({ ruleId: "agent-protection" }), finding({ principal: "aws_iam_role.other" })];
    const acks = [ack(), ack({ principal: "aws_iam_role.*" }), ack({ principal: "*" }), ack({ principal: "aws_iam_role.agen" })];
    const out = applyAcknowledgements(findings, acks, NOW);
    expect(out.map((f) => f.acknowledged)).toEqual([undefined, undefined]);
  });

  it("matches module and indexed addresses exactly", () => {
    const f = finding({ principal: 'module.m.aws_iam_role.r["a"]' });
    expect(applyAcknowledgements([f], [ack({ principal: 'module.m.aws_iam_role.r["a"]' })], NOW)[0].acknowledged).toBeDefined();
    expect(applyAcknowledgements([f], [ack({ principal: "module.m.aws_iam_role.r" })], NOW)[0].acknowledged).toBeUndefined();
  });

  it("keeps a date-only expiry valid through that whole day (UTC)", () => {
    const a = ack({ expires: "2025-06-15" });
    expect(applyAcknowledgements([finding()], [a], new Date("2025-06-15T23:59:59.999Z"))).toHaveLength(1);
    const after = applyAcknowledgements([finding()], [a], new Date("2025-06-16T00:00:00Z"));
    expect(after).toHaveLength(2);
    expect(after[0].acknowledged).toBeUndefined();
  });

  it("adds an error for an expired acknowledgement that still matches, and does not acknowledge with it", () => {
    const out = applyAcknowledgements([finding(), finding({ resource: "aws_iam_policy.q" })], [ack({ expires: "2025-01-31", source: "blastwall.json" })], NOW);
    expect(out.slice(0, 2).map((f) => f.acknowledged)).toEqual([undefined, undefined]);
    expect(out).toHaveLength(3);
    const e = out[2];
    expect(e).toMatchObject({ ruleId: ACKNOWLEDGEMENT_EXPIRED, severity: "error", principal: "aws_iam_role.agent", file: "cdk.tf.json" });
    expect(e.message).toBe(
      "The acknowledgement of agent-direct-destroy for aws_iam_role.agent (blastwall.json) expired on 2025-01-31; it no longer covers 2 findings.",
    );
    expect(e.evidence[0].detail).toContain("sandbox account, nothing to lose");
  });

  it("adds an error for an expired acknowledgement that matches nothing", () => {
    const out = applyAcknowledgements([], [ack({ principal: "aws_iam_role.gone", expires: "2024-12-31T23:00:00Z", source: "construct Stack/Agent" })], NOW);
    expect(out).toHaveLength(1);
    expect(out[0].ruleId).toBe(ACKNOWLEDGEMENT_EXPIRED);
    expect(out[0].message).toContain("aws_iam_role.gone (construct Stack/Agent) expired on 2024-12-31T23:00:00Z; it matches no finding any more");
    expect(out[0].file).toBe("construct Stack/Agent");
  });

  it("treats an unreadable expiry as expired (acknowledgements given in code are not schema-checked)", () => {
    const out = applyAcknowledgements([finding()], [ack({ expires: "soon" })], NOW);
    expect(out[0].acknowledged).toBeUndefined();
    expect(out[1].message).toContain('has an unreadable expiry date "soon"');
    expect(out[1].fix).toMatch(/YYYY-MM-DD/);
  });

  it("lets a live acknowledgement cover a finding even when an expired duplicate exists", () => {
    const out = applyAcknowledgements([finding()], [ack({ expires: "2020-01-01" }), ack({ reason: "renewed for the migration" })], NOW);
    expect(out[0].acknowledged?.reason).toBe("renewed for the migration");
    expect(out.filter((f) => f.ruleId === ACKNOWLEDGEMENT_EXPIRED)).toHaveLength(1);
  });

  it("does not mutate its input", () => {
    const findings = [finding()];
    applyAcknowledgements(findings, [ack()], NOW);
    expect(findings[0].acknowledged).toBeUndefined();
  });
});

describe("expiry dates", () => {
  it("reads dates and offset date-times", () => {
    expect(expiryInstant("2025-06-15")).toBe(Date.parse("2025-06-15T23:59:59.999Z"));
    expect(expiryInstant("2025-06-15T10:00:00+02:00")).toBe(Date.parse("2025-06-15T08:00:00Z"));
    expect(expiryInstant("2025-06-15T10:00Z")).toBe(Date.parse("2025-06-15T10:00:00Z"));
    expect(expiryInstant("2024-02-29")).toBeDefined();
  });

  it("rejects impossible or ambiguous ones", () => {
    for (const bad of ["2023-02-29", "2025-04-31", "2025-00-10", "2025-06-15T10:00:00", "2025-06-15T24:00:00Z", "tomorrow", "2025-6-1"]) {
      expect([bad, expiryInstant(bad)]).toEqual([bad, undefined]);
    }
  });

  it("never expires without a date", () => {
    expect(isExpired({}, new Date("2999-01-01"))).toBe(false);
  });
});

describe("applySeverity", () => {
  const findings = [
    finding(),
    finding({ ruleId: "agent-credential-read", severity: "warning" }),
    finding({ ruleId: "unanalysable-policy" }),
  ];

  it("changes severities and drops rules turned off", () => {
    const out = applySeverity(findings, { "agent-direct-destroy": "warning", "agent-credential-read": "error", "unanalysable-policy": "off" });
    expect(out.map((f) => [f.ruleId, f.severity])).toEqual([
      ["agent-direct-destroy", "warning"],
      ["agent-credential-read", "error"],
    ]);
  });

  it("leaves findings alone without overrides, and ignores inherited keys", () => {
    expect(applySeverity(findings, {})).toEqual(findings);
    expect(applySeverity([finding({ ruleId: "constructor" })], {})[0].severity).toBe("error");
  });

  it("does not mutate its input", () => {
    applySeverity(findings, { "agent-direct-destroy": "warning" });
    expect(findings[0].severity).toBe("error");
  });
});

// An acknowledgement written for an AWS managed policy's ARN (as findings it grants were located before red-team round
// 121) is about a finding whose granting step names that policy: read from the step's `statements` and `attaches`.
describe("an acknowledgement of an AWS managed policy's ARN, by the steps' structure", () => {
  const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
  const AMPLIFY = "arn:aws:iam::aws:policy/AdministratorAccess-Amplify";
  const principal = { step: "principal", address: "aws_iam_role.agent", detail: "role agent is an AI agent" };
  const covered = (f: Finding, resource: string) => applyAcknowledgements([f], [ack({ ruleId: f.ruleId, resource })], NOW)[0].acknowledged !== undefined;
  const secretRead = (policy: string) =>
    finding({
      ruleId: "agent-stored-secret",
      resource: "aws_iam_role_policy_attachment.ro",
      actions: ["ssm:GetParameter"],
      // The text names the statement as a reviewer reads it; which policy holds it is in `statements` only.
      evidence: [principal, { step: "secret-read", address: "*", detail: "ssm:GetParameter on * (the read-only statement)", statements: [{ policy, sid: "ReadOnly", index: 0 }] }],
    });
  const attachment = (policy: string) =>
    finding({
      ruleId: "agent-reach-unknown",
      resource: "aws_iam_role_policy_attachment.admin",
      actions: ["*"],
      evidence: [principal, { step: "attachment", address: "aws_iam_role_policy_attachment.admin", detail: `attaches ${policy} to aws_iam_role.agent`, attaches: policy }],
    });

  test("a secret read whose statement is the policy's is covered, though its text does not name the ARN", () => {
    expect(covered(secretRead(ADMIN), ADMIN)).toBe(true);
  });

  test("the control: a read granted by another policy is not", () => {
    expect(covered(secretRead(AMPLIFY), ADMIN)).toBe(false);
  });

  test("an attachment of the policy is covered; one of a policy whose ARN merely starts with it is not", () => {
    expect(covered(attachment(ADMIN), ADMIN)).toBe(true);
    // The text "attaches ...AdministratorAccess-Amplify" holds the ARN of AdministratorAccess: no longer enough.
    expect(covered(attachment(AMPLIFY), ADMIN)).toBe(false);
    expect(covered(attachment(AMPLIFY), AMPLIFY)).toBe(true);
  });
});

// Red-team round 132 (F1): a finding that merges several policies' grants (the secrets an agent reads, the stores it
// overwrites) is covered by an acknowledgement of a managed policy's ARN only when that policy grants all of it.
describe("an acknowledgement of an AWS managed policy's ARN, on a finding several policies grant", () => {
  const SSM = "arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess";
  const principal = { step: "principal", address: "aws_iam_role.agent", detail: "role agent is an AI agent" };
  const read = (policy: string, action: string) => ({
    step: "secret-read",
    address: "*",
    detail: `${action} on * (${policy} statement #0) reaches stored secrets outside this stack`,
    statements: [{ policy, index: 0 }],
  });
  const merged = (...steps: Finding["evidence"]) =>
    finding({ ruleId: "agent-stored-secret", resource: "*", actions: ["secretsmanager:GetSecretValue", "ssm:GetParameter"], evidence: [principal, ...steps] });
  const judge = (f: Finding, over: Partial<Acknowledgement> = {}) => applyAcknowledgements([f], [ack({ ruleId: f.ruleId, resource: SSM, ...over })], NOW)[0];

  test("a customer policy's read next to the managed policy's: not covered, and the message says the ARN covers only part", () => {
    const out = judge(merged(read("aws_iam_role_policy.secrets", "secretsmanager:GetSecretValue"), read(SSM, "ssm:GetParameter")));
    expect(out.acknowledged).toBeUndefined();
    expect(out.message).toContain(`is written for ${SSM}, which grants only part of this finding: aws_iam_role_policy.secrets grants the rest, so it is not covered`);
    expect(out.message).toContain(`acknowledge it as it is now ("resource": "*", with "actions"`);
    expect(out.message).toContain("or remove the other grant");
    expect(out.evidence[out.evidence.length - 1]).toMatchObject({ step: "acknowledgement" });
  });

  test("one step granted by both policies is not the managed policy's alone", () => {
    const both = { ...read(SSM, "ssm:GetParameter"), statements: [{ policy: SSM, index: 0 }, { policy: "aws_iam_role_policy.params", sid: "Params", index: 0 }] };
    expect(judge(merged(both)).acknowledged).toBeUndefined();
  });

  test("an overwrite finding with a customer statement step and the managed policy's attachment: not covered", () => {
    const f = finding({
      ruleId: "agent-overwrite-unprotected",
      resource: "aws_iam_role_policy.writes",
      actions: ["s3:PutObject", "dynamodb:PutItem"],
      evidence: [
        principal,
        { step: "statement", address: "aws_iam_role_policy.writes", detail: 'statement Sid "WriteAnyBucket" (#0): Allow s3:PutObject on *', statements: [{ policy: "aws_iam_role_policy.writes", sid: "WriteAnyBucket", index: 0 }] },
        { step: "attachment", address: "aws_iam_role_policy_attachment.ddb", detail: "attaches the DynamoDB policy", attaches: "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess" },
        { step: "statement", address: "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess", detail: "statement #0: Allow dynamodb:* on *", statements: [{ policy: "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess", index: 0 }] },
      ],
    });
    expect(judge(f, { resource: "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess" }).acknowledged).toBeUndefined();
  });

  test("a granting step that names no statement (a credential found in a store) fails closed", () => {
    const f = finding({
      ruleId: "agent-reach-unknown",
      resource: "aws_iam_role_policy_attachment.ssm",
      actions: ["*"],
      evidence: [principal, read(SSM, "ssm:GetParameter"), { step: "credential", address: "unknown:token", detail: "reads a token" }],
    });
    expect(judge(f).acknowledged).toBeUndefined();
  });

  test("controls: every read the managed policy's is covered; steps that grant nothing (boundary, a Deny, a store) do not count", () => {
    expect(judge(merged(read(SSM, "ssm:GetParameter"), read(SSM, "ssm:GetParameters"))).acknowledged).toBeDefined();
    const withContext = merged(
      { step: "boundary", address: "aws_iam_role.agent", detail: "no permission boundary" },
      { step: "deny-not-relied-on", address: "aws_iam_policy.deny", detail: "statement #0 denies ...", statements: [{ policy: "aws_iam_policy.deny", index: 0 }] },
      read(SSM, "ssm:GetParameter"),
      { step: "resource", address: "aws_s3_bucket.b", detail: "keeps no object versions" },
    );
    expect(judge(withContext).acknowledged).toBeDefined();
    // An acknowledgement of the finding's own resource is not the older ARN form: it covers the merged finding.
    expect(judge(merged(read("aws_iam_role_policy.secrets", "secretsmanager:GetSecretValue"), read(SSM, "ssm:GetParameter")), { resource: "*" }).acknowledged).toBeDefined();
  });
});
