/** The stored-secret warning names each store once and the read actions, not `*` once per action (round 10). */
import { check, policy, tf, agentRole } from "../helpers/tf";
import { allRules } from "../../lib/rules";
import { readSteps } from "../../lib/rules/agent-stored-secret";
import type { SecretRead } from "../../lib/engine/reach/credentials";
import type { StatementRef } from "../../lib/engine/findings";

test("a wildcard read is one store outside the stack, with the actions that reach it", () => {
  const json = tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.p": { role: "agent", policy: policy({ Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "ssm:GetParameter"], Resource: "*" }) } });
  const f = check(json).findings.find((x) => x.ruleId === "agent-stored-secret")!;
  expect(f.message).toMatch(/any store outside this stack \(`\*`\), through secretsmanager:GetSecretValue, ssm:GetParameter/);
  expect(f.message.match(/`\*`/g)).toHaveLength(1);
  expect(f.evidence.some((e) => e.detail.includes("aws_iam_role_policy.p"))).toBe(true);
});

test("an unreadable trust statement is reported as unreadable, not as one with no conditions", () => {
  const json = tf({ "aws_iam_role.agent": agentRole({ assume_role_policy: "{not json" }) });
  const f = check(json, {}, { rules: allRules }).findings.find((x) => x.ruleId === "agent-source-identity")!;
  expect(f.evidence.find((e) => e.step === "trust")!.detail).toMatch(/cannot be read/);
  expect(f.message).toMatch(/Write the trust policy so blastwall can read it/);
});

describe("agent-stored-secret: the fix fits the reads", () => {
  const reads = (resource: string) =>
    check(tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: resource }) }, "aws_secretsmanager_secret.s": { name: "app-x" } })).findings.find((f) => f.ruleId === "agent-stored-secret")!;

  test("reads of named stores of the stack: the fix is about what they hold, not about scoping", () => {
    expect(reads("${aws_secretsmanager_secret.s.arn}").fix).toMatch(/^The reads already name the stores; what matters is what they hold\. Keep deploy and admin credentials out of aws_secretsmanager_secret\.s/);
  });

  test("the control: reads that reach stores outside the stack are told to scope", () => {
    expect(reads("arn:aws:secretsmanager:*:*:secret:app-*").fix).toMatch(/^Scope every read of a credential store/);
    expect(reads("*").fix).toMatch(/^Scope every read/);
  });
});

describe("agent-stored-secret: reads through the AgentCore token vault are told about the vault (red-team round 156, F8)", () => {
  const WORKLOAD = ["bedrock-agentcore:GetWorkloadAccessToken", "bedrock-agentcore:GetWorkloadAccessTokenForJWT", "bedrock-agentcore:GetWorkloadAccessTokenForUserId"];
  const TEMPLATE = ["arn:aws:bedrock-agentcore:us-east-1:111111111111:workload-identity-directory/default", "arn:aws:bedrock-agentcore:us-east-1:111111111111:workload-identity-directory/default/workload-identity/opsagent-*"];
  const fixOf = (...statements: Record<string, unknown>[]) =>
    check(tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy(...statements) } })).findings.find((f) => f.ruleId === "agent-stored-secret")!.fix ?? "";

  test("AWS's runtime template (GetWorkloadAccessToken* on the runtime's workload identity): the vault's fix alone", () => {
    const fix = fixOf({ Effect: "Allow", Action: WORKLOAD, Resource: TEMPLATE });
    expect(fix).toMatch(/^The AgentCore reads \(bedrock-agentcore:GetWorkloadAccessToken\*, GetResource\*\) go through the AgentCore token vault/);
    expect(fix).toContain("Scope them to the agent's own workload identity (workload-identity-directory/default/workload-identity/NAME");
    expect(fix).toContain("keep third-party tokens and API keys with broad authority");
    expect(fix).not.toMatch(/secretsmanager|ssm:GetParameter/);
  });

  test("a vault read beside a Secrets Manager read: the usual fix, then the vault's", () => {
    const fix = fixOf({ Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "bedrock-agentcore:GetResourceOauth2Token"], Resource: "*" });
    expect(fix).toMatch(/^Scope every read of a credential store \(secretsmanager:GetSecretValue/);
    expect(fix).toContain(" The AgentCore reads (bedrock-agentcore:GetWorkloadAccessToken*, GetResource*) go through the AgentCore token vault");
  });

  test("control: no AgentCore read, no word of the vault", () => {
    expect(fixOf({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" })).not.toContain("token vault");
  });
});

describe("agent-stored-secret reads the statements of its reads, not their text", () => {
  const RO = "arn:aws:iam::aws:policy/ReadOnlyAccess";
  const ref = (sid: string, policy = "aws_iam_role_policy.p"): StatementRef => ({ policy, sid, index: 0 });
  const read = (action: string, statement: StatementRef, afterAction = " on * (the statement)"): SecretRead => ({
    store: "*",
    action,
    detail: `${action}${afterAction}`,
    statements: [statement],
    afterAction,
  });

  test("reads of one statement share a step listing their actions, which names that statement", () => {
    expect(readSteps([read("ssm:GetParameter", ref("A")), read("ssm:GetParameters", ref("A"))])).toEqual([
      { step: "secret-read", address: "*", detail: "ssm:GetParameter, ssm:GetParameters on * (the statement)", statements: [ref("A")] },
    ]);
  });

  test("reads of two statements keep a step each, though their texts read alike", () => {
    const steps = readSteps([read("ssm:GetParameter", ref("A")), read("ssm:GetParameters", ref("B"))]);
    expect(steps.map((s) => s.statements)).toEqual([[ref("A")], [ref("B")]]);
  });

  test("a read whose text is not its action and the rest keeps its own step, its text whole", () => {
    const whole: SecretRead = { store: "*", action: "s3:GetObject", detail: "aws_iam_role_policy.p statement Sid \"A\" (#0) (Allow s3:GetObject on *) reads states", statements: [ref("A")] };
    expect(readSteps([read("ssm:GetParameter", ref("A")), whole])).toEqual([
      { step: "secret-read", address: "*", detail: "ssm:GetParameter on * (the statement)", statements: [ref("A")] },
      { step: "secret-read", address: "*", detail: whole.detail, statements: [ref("A")] },
    ]);
  });

  // Reads of other roots' states in the backend's bucket name their statement in another shape than the stores' reads;
  // the text check took them for reads of another policy, and left the finding at a store nobody can scope.
  test("every read from one AWS managed policy, the state bucket's included, is located at its attachment", () => {
    const doc = tf(
      { "aws_iam_role.agent": agentRole(), "aws_iam_role_policy_attachment.ro": { role: "${aws_iam_role.agent.name}", policy_arn: RO } },
      { terraform: { backend: { s3: { bucket: "tfstate", key: "prod/terraform.tfstate", region: "eu-west-1" } } } },
    );
    const f = check(doc).findings.find((x) => x.ruleId === "agent-stored-secret")!;
    const reads = f.evidence.filter((e) => e.step === "secret-read");
    expect(reads.map((e) => e.address)).toContain("s3://tfstate/*");
    expect(reads.every((e) => e.statements?.length === 1 && e.statements[0].policy === RO)).toBe(true);
    expect(f.resource).toBe("aws_iam_role_policy_attachment.ro");
    expect(f.fix).toMatch(/^arn:aws:iam::aws:policy\/ReadOnlyAccess is an AWS managed policy/);
  });

  test("the control: the same bucket read through a policy of the stack stays at the store", () => {
    const doc = tf(
      {
        "aws_iam_role.agent": agentRole(),
        "aws_iam_role_policy_attachment.ro": { role: "${aws_iam_role.agent.name}", policy_arn: RO },
        "aws_iam_role_policy.p": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" }) },
      },
      { terraform: { backend: { s3: { bucket: "tfstate", key: "prod/terraform.tfstate", region: "eu-west-1" } } } },
    );
    expect(check(doc).findings.find((x) => x.ruleId === "agent-stored-secret")!.resource).toBe("*");
  });
});
