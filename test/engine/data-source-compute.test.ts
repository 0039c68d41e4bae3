/**
 * Compute a data source reads exists outside the stack: its role is not in the plan, and may be any. Red-team round 64
 * found UpdateFunctionCode on `${data.aws_lambda_function.x.arn}` (and StartExecution, SendCommand on data sources,
 * and a literal ARN equal to one's) reaching nothing, as if the function ran as no role.
 */
import { check, errors, policy, safeAgentStack, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

function withAgent(statements: Obj[], resources: Record<string, Obj>): Obj {
  const doc = safeAgentStack(statements, ["ec2:Delete*"]) as { resource: Record<string, Record<string, Obj>>; data?: Record<string, Record<string, Obj>> } & Obj;
  const more = tf(resources) as { resource?: Record<string, Record<string, Obj>>; data?: Record<string, Record<string, Obj>> };
  for (const [type, byName] of Object.entries(more.resource ?? {})) doc.resource[type] = { ...doc.resource[type], ...byName };
  if (more.data) doc.data = { ...(doc.data ?? {}), ...more.data };
  return doc;
}

const lambdaRole = { "aws_iam_role.fn": { name: "fn", assume_role_policy: policy({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }) } };

describe("compute a data source reads", () => {
  test.each([
    ["lambda:UpdateFunctionCode", "${data.aws_lambda_function.ext.arn}", { "data.aws_lambda_function.ext": { function_name: "prod-janitor" } }],
    ["states:StartExecution", "${data.aws_sfn_state_machine.ext.arn}", { "data.aws_sfn_state_machine.ext": { name: "prod-cleanup" } }],
  ])("%s on %s reaches a role outside the stack", (action, resource, data) => {
    const r = check(withAgent([{ Effect: "Allow", Action: action, Resource: resource }], data as Record<string, Obj>));
    const f = errors(r, "agent-reach-unknown");
    expect(f.length).toBeGreaterThan(0);
    expect(f.flatMap((x) => x.evidence.map((e) => e.detail)).join("\n")).toMatch(/which a data source reads: compute outside this stack, under a role blastwall cannot see/);
  });

  test("the control: the same right on the stack's own function, whose role is harmless, is no path", () => {
    const own = { ...lambdaRole, "aws_lambda_function.own": { function_name: "own", role: "${aws_iam_role.fn.arn}", runtime: "nodejs20.x", handler: "index.handler", filename: "fn.zip" } };
    expect(errors(check(withAgent([{ Effect: "Allow", Action: "lambda:UpdateFunctionCode", Resource: "${aws_lambda_function.own.arn}" }], own)))).toEqual([]);
  });

  // Round 65: an instance of the stack whose profile or launch template a data source reads runs as a role made elsewhere.
  test.each([
    ["a profile read by a data source", { iam_instance_profile: "${data.aws_iam_instance_profile.ops.name}" }],
    ["a profile's literal name that a data source also reads", { iam_instance_profile: "ops-admin-profile" }],
    ["a launch template read by a data source", { launch_template: [{ id: "${data.aws_launch_template.ops.id}" }] }],
  ])("a shell on an instance with %s reaches a role outside the stack", (_name, instance) => {
    const res = {
      "aws_instance.worker": { ami: "ami-12345678", instance_type: "t3.micro", ...instance },
      "data.aws_iam_instance_profile.ops": { name: "ops-admin-profile" },
      "data.aws_launch_template.ops": { name: "ops" },
    };
    const r = check(withAgent([{ Effect: "Allow", Action: "ec2-instance-connect:SendSSHPublicKey", Resource: "${aws_instance.worker.arn}" }], res));
    expect(errors(r, "agent-reach-unknown").length).toBeGreaterThan(0);
  });

  test("the control: an instance with no profile and no template runs as no role", () => {
    const res = { "aws_instance.worker": { ami: "ami-12345678", instance_type: "t3.micro" } };
    expect(errors(check(withAgent([{ Effect: "Allow", Action: "ec2-instance-connect:SendSSHPublicKey", Resource: "${aws_instance.worker.arn}" }], res)))).toEqual([]);
  });
});
