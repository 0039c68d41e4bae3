/**
 * Red-team round 121: agent-stored-secret and agent-instance-shell named every action in their message (72 read actions,
 * 2.7 kB on one line) and stored-secret gave one evidence step per action. They now name the first four and a count, as
 * every other finding does, with one step per store and granting statement; `actions` keeps them all.
 */
import { agentRole, check, policy, tf } from "../helpers/tf";
import { stackWith, check as shellCheck } from "./agent-instance-shell.fixtures";

const secrets = (statements: Record<string, unknown>[]) =>
  check(tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.ops": { role: "${aws_iam_role.agent.name}", policy: policy(...statements) } })).findings.filter(
    (f) => f.ruleId === "agent-stored-secret",
  );

test("a wide read of many secret actions: first four and a count, one step per statement, every action kept", () => {
  const f = secrets([
    { Sid: "Ssm", Effect: "Allow", Action: ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue"], Resource: "*" },
    { Sid: "Pw", Effect: "Allow", Action: "ec2:GetPasswordData", Resource: "*" },
  ]);
  expect(f).toHaveLength(1);
  expect(f[0].actions).toHaveLength(6);
  expect(f[0].message).toMatch(/through [a-z0-9:,A-Z ]+ and 2 more \(6 in all\) \(the evidence names each granting statement\)/);
  const steps = f[0].evidence.filter((e) => e.step === "secret-read");
  expect(steps).toHaveLength(2);
  expect(steps.find((e) => e.detail.includes('Sid "Ssm"'))!.detail).toMatch(/^\S+, \S+, \S+, \S+ and 1 more \(5 in all\) on \* \(aws_iam_role_policy\.ops statement Sid "Ssm" \(#0\)\) reaches stored secrets outside this stack/);
  expect(steps.find((e) => e.detail.includes('Sid "Pw"'))!.detail).toMatch(/^ec2:GetPasswordData on \* \(aws_iam_role_policy\.ops statement Sid "Pw" \(#1\)\)/);
});

test("control: a few actions are all named, with a step each statement", () => {
  const f = secrets([{ Sid: "One", Effect: "Allow", Action: ["ssm:GetParameter", "ssm:GetParameters"], Resource: "*" }]);
  expect(f).toHaveLength(1);
  expect(f[0].message).toContain("through ssm:GetParameter, ssm:GetParameters (the evidence");
  expect(f[0].evidence.filter((e) => e.step === "secret-read").map((e) => e.detail)).toEqual([
    expect.stringMatching(/^ssm:GetParameter, ssm:GetParameters on \* \(aws_iam_role_policy\.ops statement Sid "One" \(#0\)\)/),
  ]);
});

const SHELL = ["ssm:*", "ec2-instance-connect:*"];

test("instance shell: the message and the shell step name four actions and a count; actions keeps all", () => {
  const all = shellCheck(stackWith(SHELL, ["*"], {}), {}, {}).findings.filter((f) => f.ruleId === "agent-instance-shell");
  expect(all.length).toBeGreaterThan(0);
  for (const f of all) {
    expect(f.actions.length).toBeGreaterThan(4);
    const more = `and ${f.actions.length - 4} more (${f.actions.length} in all)`;
    expect(f.message).toContain(more);
    expect(f.message).not.toContain(f.actions.join(", "));
    expect(f.evidence.find((e) => e.step === "shell")!.detail).toContain(more);
  }
});

test("control: two shell actions are both named", () => {
  const f = shellCheck(stackWith(["ssm:StartSession", "ssm:SendCommand"], ["${aws_instance.db.arn}"], {}), {}, {}).findings.filter((x) => x.ruleId === "agent-instance-shell");
  expect(f).toHaveLength(1);
  expect(f[0].message).toContain("(ssm:StartSession, ssm:SendCommand, through");
});
