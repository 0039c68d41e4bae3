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
