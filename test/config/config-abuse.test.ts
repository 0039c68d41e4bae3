/**
 * Ways a config or an acknowledgement could quietly switch the gate off (found by a red-team): a severity set to
 * off, a config given in code with a typo, an acknowledgement written into the JSON for another principal or
 * with no reason. Each is refused or shows in the report.
 */
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks } from "../../lib/check/run-check";
import { BlastwallChecks } from "../../lib/cdktf";
import { agentRules } from "../../lib/rules";
import { agentRole, policy, tf } from "../helpers/tf";

const unsafe = (extra: Record<string, Record<string, unknown>> = {}) =>
  tf({
    "aws_iam_role.agent": agentRole(),
    "aws_iam_role_policy.ops": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }) },
    ...extra,
  });
const run = (json: Record<string, unknown>, config = {}) => checkStacks([buildStack(json, "s.tf.json")], { config, rules: agentRules, now: new Date("2026-11-26T00:00:00Z") });

describe("a severity lowered in the config", () => {
  test("shows in the report, with how many errors it hides", () => {
    const r = run(unsafe(), { severity: { "agent-destroy-right": "off" } });
    expect(r.summary.errors).toBe(0);
    const [w] = r.findings.filter((f) => f.ruleId === "config-severity-lowered");
    expect(w).toMatchObject({ severity: "warning", principal: "blastwall.json" });
    expect(w.message).toMatch(/sets agent-destroy-right to "off": 1 error finding of it \(on aws_iam_role\.agent\) is dropped/);
  });

  test("raising a severity is not reported", () => {
    expect(run(unsafe(), { severity: { "agent-stored-secret": "error" } }).findings.map((f) => f.ruleId)).not.toContain("config-severity-lowered");
  });
});

describe("a config given in code", () => {
  test("is validated like blastwall.json, naming the key", () => {
    expect(() => new BlastwallChecks({ config: { severity: { "agent-destroy-right": "Error" as never } } })).toThrow(/severity\.agent-destroy-right/);
    expect(() => new BlastwallChecks({ config: { acknowledgements: [{ ruleId: "agent-destroy-right", principal: "aws_iam_role.agent", reason: "" }] } })).toThrow(/reason/);
  });
});

describe("acknowledgements carried in the JSON", () => {
  const ack = (over: Record<string, unknown>) => ({ "//": { blastwall: { acknowledgements: [{ ruleId: "agent-destroy-right", reason: "scratch volumes only, reviewed", ...over }] } } });
  const acknowledged = (json: Record<string, unknown>) => run(json, { acknowledgementsInCode: true }).findings.filter((f) => f.ruleId === "agent-destroy-right" && f.acknowledged).length;

  test("cover the resource that carries them: the control", () => {
    expect(acknowledged(unsafe({ "aws_iam_role.agent": { ...agentRole(), ...ack({}) } }))).toBe(1);
  });

  test("on another resource, naming the agent as principal, cover nothing", () => {
    expect(acknowledged(unsafe({ "aws_s3_bucket.b": { bucket: "b", ...ack({ principal: "aws_iam_role.agent" }) } }))).toBe(0);
  });

  test("limited to actions, cover the finding while it stays within them", () => {
    const actionsOf = run(unsafe({ "aws_iam_role.agent": agentRole() })).findings.find((f) => f.ruleId === "agent-destroy-right")!.actions;
    expect(acknowledged(unsafe({ "aws_iam_role.agent": { ...agentRole(), ...ack({ actions: [...actionsOf] }) } }))).toBe(1);
    expect(acknowledged(unsafe({ "aws_iam_role.agent": { ...agentRole(), ...ack({ actions: ["s3:GetObject"] }) } }))).toBe(0);
  });

  test("with a limit that cannot be read (not a list of names, an empty list, a resource that is not a string), cover nothing", () => {
    for (const bad of [{ actions: "*" }, { actions: [] }, { actions: [1] }, { resource: 7 }]) {
      expect(acknowledged(unsafe({ "aws_iam_role.agent": { ...agentRole(), ...ack(bad) } }))).toBe(0);
    }
  });

  test("without a reason a reader can see, cover nothing", () => {
    expect(acknowledged(unsafe({ "aws_iam_role.agent": { ...agentRole(), ...ack({ reason: "          " }) } }))).toBe(0);
    expect(acknowledged(unsafe({ "aws_iam_role.agent": { ...agentRole(), ...ack({ reason: undefined }) } }))).toBe(0);
  });
});
