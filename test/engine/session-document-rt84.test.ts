/**
 * Red-team round 84: AWS's standard Session Manager policy allows `ssm:StartSession` on the instance and on the
 * session document (`document/SSM-SessionManagerRunShell`). The document names no compute, so it must not read as
 * compute outside the stack that may run as any role; instances, managed instances, ECS tasks and wildcards still do.
 */
import { check, errors, policy } from "../helpers/tf";
import { agentCan, HARMLESS, role, type Obj } from "../helpers/sessions";
import { tf } from "../helpers/tf";

const PINNED = { provider: { aws: [{ region: "eu-central-1", allowed_account_ids: ["111111111111"] }] } };
const trust = policy({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" });
const DOC = "arn:aws:ssm:eu-central-1:111111111111:document/SSM-SessionManagerRunShell";

const stack = (action: string, resources: string[]): Obj =>
  tf(
    {
      ...agentCan({ Effect: "Allow", Action: action, Resource: resources }),
      ...role("inst", trust, HARMLESS),
      "aws_iam_instance_profile.ip": { name: "ip", role: "${aws_iam_role.inst.name}" },
      "aws_instance.db": { ami: "ami-1", instance_type: "t3.micro", iam_instance_profile: "${aws_iam_instance_profile.ip.name}" },
    },
    PINNED,
  );
const unknown = (json: Obj) => errors(check(json), "agent-reach-unknown").map((f) => f.message);

describe("84. ssm:StartSession on the session document", () => {
  test("the instance and the session document (AWS's Session Manager policy): no compute outside the stack", () => {
    expect(unknown(stack("ssm:StartSession", ["${aws_instance.db.arn}", DOC]))).toEqual([]);
    expect(unknown(stack("ssm:StartSession", [DOC]))).toEqual([]);
    expect(unknown(stack("ssm:StartSession", ["arn:aws:ssm:*:*:document/*"]))).toEqual([]);
  });

  test("ssm:SendCommand on a document names the document to run, not a target", () => {
    expect(unknown(stack("ssm:SendCommand", ["${aws_instance.db.arn}", "arn:aws:ssm:eu-central-1::document/AWS-RunShellScript"]))).toEqual([]);
  });

  test("an instance connect key goes to an instance only: a document beside it names no compute", () => {
    expect(unknown(stack("ec2-instance-connect:SendSSHPublicKey", ["${aws_instance.db.arn}", DOC]))).toEqual([]);
    expect(unknown(stack("ec2-instance-connect:SendSSHPublicKey", ["arn:aws:ec2:*:111111111111:instance/*"]))).toHaveLength(1);
  });

  test("the controls: instances outside the stack, managed instances, ECS tasks and wildcards still count", () => {
    for (const r of ["*", "arn:aws:ec2:eu-central-1:111111111111:instance/*", "arn:aws:ssm:eu-central-1:111111111111:managed-instance/mi-*", "arn:aws:ecs:eu-central-1:111111111111:task/prod/*"]) {
      const found = unknown(stack("ssm:StartSession", [r, DOC]));
      expect([r, found.length]).toEqual([r, 1]);
      expect(found[0]).toContain(`ssm:StartSession on ${r}`);
    }
    expect(unknown(stack("ssm:SendCommand", ["arn:aws:ssm:eu-central-1:111111111111:managed-instance/*", DOC]))).toHaveLength(1);
  });
});
