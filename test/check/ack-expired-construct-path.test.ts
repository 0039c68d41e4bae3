/**
 * An acknowledgement-expired finding names its principal's construct path, as every finding about a principal does
 * (review round 94: `ERROR acknowledgement-expired  aws_iam_role.agent` with no `(prod/agent)`).
 */
import { checkStacks } from "../../lib/check/run-check";
import { buildStack } from "../../lib/engine/terraform/stack";
import { findingLocation } from "../../lib/report/summarize";
import { agentRules } from "../../lib/rules";
import { agentRole, check, policy, tf } from "../helpers/tf";

const NOW = new Date("2026-11-25T12:00:00Z");
const meta = (path: string, extra: Record<string, unknown> = {}) => ({ "//": { metadata: { path, uniqueId: path.split("/").pop() }, ...extra } });
const expiredOf = (r: ReturnType<typeof check>) => r.findings.filter((f) => f.ruleId === "acknowledgement-expired");
const ACK = { ruleId: "agent-role-boundary", principal: "aws_iam_role.agent", reason: "reviewed by the platform team", expires: "2020-01-01" };

test("an expired acknowledgement in blastwall.json: the construct path of the agent it names", () => {
  const r = check(tf({ "aws_iam_role.agent": agentRole(meta("prod/agent")) }), { acknowledgements: [ACK] }, { now: NOW });
  const [e] = expiredOf(r);
  expect(e.principal).toBe("aws_iam_role.agent");
  expect(e.constructPath).toBe("prod/agent");
});

test("an expired acknowledgement that matches no finding: the construct path is read from the stack", () => {
  const r = check(tf({ "aws_iam_role.agent": agentRole(meta("prod/agent")) }), { acknowledgements: [{ ...ACK, ruleId: "agent-destroy-right" }] }, { now: NOW });
  expect(expiredOf(r).map((f) => f.constructPath)).toEqual(["prod/agent"]);
});

test("an expired acknowledgement written in code: the construct path of the construct it is on", () => {
  const role = agentRole(meta("prod/agent", { blastwall: { acknowledgements: [{ ruleId: "agent-role-boundary", reason: "reviewed by the platform team", expires: "2020-01-01" }] } }));
  const [e] = expiredOf(check(tf({ "aws_iam_role.agent": role }), { acknowledgementsInCode: true }, { now: NOW }));
  expect(e.constructPath).toBe("prod/agent");
});

test("control: a principal without construct metadata gets none", () => {
  const [e] = expiredOf(check(tf({ "aws_iam_role.agent": agentRole() }), { acknowledgements: [ACK] }, { now: NOW }));
  expect(e).toBeDefined();
  expect(e.constructPath).toBeUndefined();
});

describe("an expired acknowledgement points at where it is written (red-team round 121)", () => {
  // An agent that may delete volumes: a finding the acknowledgement was written for.
  const DELETE = { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }) };
  const checkWith = (config: NonNullable<Parameters<typeof check>[1]>, role = agentRole()) =>
    checkStacks([buildStack(tf({ "aws_iam_role.agent": role, "aws_iam_role_policy.p": DELETE }), "stacks/app/cdk.tf.json")], { config, configSource: "cfg/ack.json", now: NOW, rules: agentRules });

  test("one from the config file: file is the config file, not the stack of the finding it was written for", () => {
    const [e] = expiredOf(checkWith({ acknowledgements: [{ ...ACK, ruleId: "agent-destroy-right" }] }));
    expect(e.message).toMatch(/no longer covers 1 finding/);
    expect(e.file).toBe("cfg/ack.json");
    expect(findingLocation(e)).toEqual({ path: "cfg/ack.json" });
  });

  test("control: one written in code stays in the stack that carries it", () => {
    const role = agentRole({ "//": { blastwall: { acknowledgements: [{ ruleId: "agent-role-boundary", reason: "reviewed by the platform team", expires: "2020-01-01" }] } } });
    // It matches no finding of this stack: its file was its source, "construct aws_iam_role.agent", which is no file.
    const [e] = expiredOf(checkWith({ acknowledgementsInCode: true }, role));
    expect(e.file).toBe("stacks/app/cdk.tf.json");
  });
});
