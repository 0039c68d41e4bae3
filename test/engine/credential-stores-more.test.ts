/**
 * Credentials written into compute configuration or objects: a container or build environment, instance user
 * data, an S3 object. Whoever can describe or read them holds the key (found by a red-team).
 */
import { check, errors } from "../helpers/tf";
import { KEY, stack } from "../helpers/credential-store";

const reaches = (json: Record<string, unknown>) => errors(check(json), "agent-transitive-destroy").map((f) => f.resource);

describe("credentials in compute configuration and objects", () => {
  test("an ECS container environment", () => {
    const td = { "aws_ecs_task_definition.web": { family: "web", container_definitions: `[{"name":"web","environment":[{"name":"AWS_SECRET_ACCESS_KEY","value":"${KEY}"}]}]` } };
    expect(reaches(stack(td, "ecs:DescribeTaskDefinition", "*"))).toEqual(["aws_iam_user.ops"]);
  });

  test("a CodeBuild environment variable", () => {
    const project = { "aws_codebuild_project.build": { name: "build", environment: [{ environment_variable: [{ name: "KEY", value: KEY, type: "PLAINTEXT" }] }] } };
    expect(reaches(stack(project, "codebuild:BatchGetProjects", "*"))).toEqual(["aws_iam_user.ops"]);
  });

  test("instance user data", () => {
    const instance = { "aws_instance.web": { ami: "ami-1", user_data: `#!/bin/sh\nexport AWS_SECRET_ACCESS_KEY=${KEY}\n` } };
    expect(reaches(stack(instance, "ec2:DescribeInstanceAttribute", "*"))).toEqual(["aws_iam_user.ops"]);
  });

  test("an S3 object written by the stack, read through its own bucket's ARN", () => {
    const object = { "aws_s3_object.creds": { bucket: "ops-config", key: "ci/creds.json", content: `{"secret":"${KEY}"}` } };
    expect(reaches(stack(object, "s3:GetObject", "arn:aws:s3:::ops-config/*"))).toEqual(["aws_iam_user.ops"]);
    expect(reaches(stack(object, "s3:GetObject", "arn:aws:s3:::other-bucket/*"))).toEqual([]);
  });

  test("configuration without credentials is no path, and computed configuration raises no warning", () => {
    const td = { "aws_ecs_task_definition.web": { family: "web", container_definitions: '${jsonencode([{ name = "web", image = aws_ecr_repository.r.repository_url }])}' } };
    const r = check(stack(td, "ecs:DescribeTaskDefinition", "*"));
    expect(errors(r, "agent-transitive-destroy")).toEqual([]);
    expect(r.findings.filter((f) => f.ruleId === "agent-stored-secret" && f.message.includes("aws_ecs_task_definition.web"))).toEqual([]);
  });
});
