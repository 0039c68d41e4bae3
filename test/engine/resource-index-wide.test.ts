/**
 * A grant on `*` names every resource of a kind, also when the stack holds one whose ARN blastwall cannot write (its
 * pattern is `*` too): red-team round 61 found `states:StartExecution` on `*` beside one harmless state machine read
 * as that machine alone, so the agent's start of every state machine outside the stack went unreported.
 */
import { ResourceIndex } from "../../lib/engine/reach/resource-index";
import { buildStack } from "../../lib/engine/terraform/stack";
import { check, errors, policy, safeAgentStack, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

const harmless = (type: string, body: Obj) => ({
  "aws_iam_role.run": { name: "run", assume_role_policy: policy({ Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole" }) },
  [`${type}.own`]: body,
});

function withAgent(statements: Obj[], resources: Record<string, Obj>): Obj {
  const doc = safeAgentStack(statements, ["ec2:Delete*"]) as { resource: Record<string, Record<string, Obj>> } & Obj;
  const more = tf(resources) as { resource: Record<string, Record<string, Obj>> };
  for (const [type, byName] of Object.entries(more.resource)) doc.resource[type] = { ...doc.resource[type], ...byName };
  return doc;
}

describe("a grant on every resource of a kind", () => {
  test.each([
    ["states:StartExecution", "aws_sfn_state_machine", { name: "own", definition: "{}", role_arn: "${aws_iam_role.run.arn}" }],
    ["codepipeline:StartPipelineExecution", "aws_codepipeline", { name: "own", role_arn: "${aws_iam_role.run.arn}" }],
  ])("%s on * beside one harmless %s of the stack still reaches those outside it", (action, type, body) => {
    const r = check(withAgent([{ Effect: "Allow", Action: action, Resource: "*" }], harmless(type, body)));
    expect(errors(r, "agent-reach-unknown").length).toBeGreaterThan(0);
  });

  test("the control: the same right on the stack's own machine by reference is no path", () => {
    const body = { name: "own", definition: "{}", role_arn: "${aws_iam_role.run.arn}" };
    const r = check(withAgent([{ Effect: "Allow", Action: "states:StartExecution", Resource: "${aws_sfn_state_machine.own.arn}" }], harmless("aws_sfn_state_machine", body)));
    expect(errors(r)).toEqual([]);
  });

  test("the index: `*` and `type/*` are never one resource; a pattern that only a reference writes still is", () => {
    const stack = buildStack(tf({ "aws_sfn_state_machine.own": { name: "own", definition: "{}", role_arn: "x" }, "aws_secretsmanager_secret.s": { name: "db" } }), "x.tf.json");
    const machines = new ResourceIndex(stack, ["aws_sfn_state_machine"]);
    expect(machines.reachesOutside("*")).toBe(true);
    expect(machines.matching("*").map((r) => r.address)).toEqual(["aws_sfn_state_machine.own"]);
    const secrets = new ResourceIndex(stack, ["aws_secretsmanager_secret"]);
    const own = secrets.matching("*")[0];
    expect(own.address).toBe("aws_secretsmanager_secret.s");
    expect(secrets.reachesOutside("arn:aws:secretsmanager:*:*:secret:*")).toBe(true);
  });
});
