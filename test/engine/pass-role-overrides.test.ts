/**
 * Passing a role to compute that already exists: ECS RunTask and CodeBuild StartBuild take a role and a command as
 * overrides, and a state machine can be updated to a new role. No new compute needs to be created (red-team).
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";

/** A strong role trusting `service`, and an agent holding PassRole on it plus `actions` on everything. */
function stack(service: string, actions: string[]) {
  return tf({
    "aws_iam_role.agent": agentRole(),
    "aws_iam_role_policy.agent": {
      role: "${aws_iam_role.agent.name}",
      policy: policy({ Effect: "Allow", Action: "iam:PassRole", Resource: "${aws_iam_role.strong.arn}" }, { Effect: "Allow", Action: actions, Resource: "*" }),
    },
    "aws_iam_role.strong": { name: "strong", assume_role_policy: policy({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }) },
    "aws_iam_role_policy.strong": { role: "${aws_iam_role.strong.name}", policy: policy({ Effect: "Allow", Action: "rds:DeleteDBInstance", Resource: "*" }) },
  });
}

const reaches = (json: Record<string, unknown>) => errors(check(json), "agent-transitive-destroy").map((f) => f.resource);

describe("pass a role through the overrides of existing compute", () => {
  test.each([
    ["ecs-tasks.amazonaws.com", ["ecs:RunTask"]],
    ["ecs-tasks.amazonaws.com", ["ecs:StartTask"]],
    ["codebuild.amazonaws.com", ["codebuild:StartBuild"]],
    ["states.amazonaws.com", ["states:UpdateStateMachine", "states:StartExecution"]],
  ])("%s with %j", (service, actions) => {
    expect(reaches(stack(service, actions))).toEqual(["aws_iam_role.strong"]);
  });

  test.each([
    ["ecs-tasks.amazonaws.com", ["ecs:DescribeTasks"]],
    ["codebuild.amazonaws.com", ["codebuild:BatchGetBuilds"]],
    ["states.amazonaws.com", ["states:UpdateStateMachine"]],
  ])("%s with only %j is no path", (service, actions) => {
    expect(reaches(stack(service, actions))).toEqual([]);
  });
});

/** The role of `stack`, passed under a condition on `iam:PassedToService` (AWS's advice for a PassRole on `*`). */
function conditioned(service: string, actions: string[], condition: Record<string, Record<string, unknown>>) {
  const json = stack(service, actions) as { resource: { aws_iam_role_policy: { agent: { policy: string } } } };
  const doc = JSON.parse(json.resource.aws_iam_role_policy.agent.policy);
  doc.Statement[0] = { ...doc.Statement[0], Resource: "*", Condition: condition };
  json.resource.aws_iam_role_policy.agent.policy = JSON.stringify(doc);
  return json as unknown as Record<string, unknown>;
}

describe("a PassRole limited by iam:PassedToService", () => {
  const lambda = ["lambda:CreateFunction", "lambda:InvokeFunction"];

  test("to another service, it cannot hand a Lambda-trusting role to a function", () => {
    expect(reaches(conditioned("lambda.amazonaws.com", lambda, { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } }))).toEqual([]);
    expect(reaches(conditioned("lambda.amazonaws.com", lambda, { StringLike: { "iam:PassedToService": ["ecs-*", "glue.amazonaws.com"] } }))).toEqual([]);
  });

  test("to the role's own service, or by a pattern that covers it, the path stays", () => {
    expect(reaches(conditioned("lambda.amazonaws.com", lambda, { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } }))).toEqual(["aws_iam_role.strong"]);
    expect(reaches(conditioned("lambda.amazonaws.com", lambda, { StringLike: { "iam:PassedToService": "lambda.*" } }))).toEqual(["aws_iam_role.strong"]);
    expect(reaches(conditioned("lambda.amazonaws.com", lambda, { StringEqualsIgnoreCase: { "iam:PassedToService": "LAMBDA.amazonaws.com" } }))).toEqual(["aws_iam_role.strong"]);
    // The regional and China forms of the service's name are the service too.
    expect(reaches(conditioned("lambda.amazonaws.com", lambda, { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com.cn" } }))).toEqual(["aws_iam_role.strong"]);
    expect(reaches(conditioned("states.amazonaws.com", ["states:CreateStateMachine", "states:StartExecution"], { StringEquals: { "iam:PassedToService": "states.eu-west-1.amazonaws.com" } }))).toEqual(["aws_iam_role.strong"]);
  });

  test("what does not limit it: IfExists, a set operator, a value blastwall cannot read, another key", () => {
    const limits: Record<string, Record<string, unknown>>[] = [
      { StringEqualsIfExists: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
      { "ForAnyValue:StringEquals": { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
      { StringEquals: { "iam:PassedToService": "${var.service}" } },
      { StringEquals: { "iam:AssociatedResourceArn": "arn:aws:ecs:eu-west-1:111111111111:cluster/x" } },
    ];
    for (const condition of limits) {
      expect(reaches(conditioned("lambda.amazonaws.com", lambda, condition))).toEqual(["aws_iam_role.strong"]);
    }
  });

  test("an EC2 role launched through EKS, EMR or Auto Scaling may be passed to that service: a condition naming it does not rule the path out", () => {
    expect(reaches(conditioned("ec2.amazonaws.com", ["eks:CreateNodegroup"], { StringEquals: { "iam:PassedToService": "eks.amazonaws.com" } }))).toEqual(["aws_iam_role.strong"]);
    // RunInstances passes it to EC2 itself: a condition naming another service does.
    expect(reaches(conditioned("ec2.amazonaws.com", ["ec2:RunInstances"], { StringEquals: { "iam:PassedToService": "eks.amazonaws.com" } }))).toEqual([]);
    expect(reaches(conditioned("ec2.amazonaws.com", ["ec2:RunInstances"], { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } }))).toEqual(["aws_iam_role.strong"]);
  });
});

test("the same limit written as a condition block of a data.aws_iam_policy_document", () => {
  const json = stack("lambda.amazonaws.com", ["lambda:CreateFunction", "lambda:InvokeFunction"]) as Record<string, Record<string, Record<string, Record<string, unknown>>>>;
  json.data = {
    aws_iam_policy_document: {
      pass: {
        statement: [
          { actions: ["iam:PassRole"], resources: ["*"], condition: [{ test: "StringEquals", variable: "iam:PassedToService", values: ["ecs-tasks.amazonaws.com"] }] },
          { actions: ["lambda:CreateFunction", "lambda:InvokeFunction"], resources: ["*"] },
        ],
      },
    },
  };
  json.resource.aws_iam_role_policy.agent.policy = "${data.aws_iam_policy_document.pass.json}";
  expect(reaches(json)).toEqual([]);
  json.data.aws_iam_policy_document.pass.statement = [{ actions: ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], resources: ["*"] }] as never;
  expect(reaches(json)).toEqual(["aws_iam_role.strong"]);
});
