/**
 * An instance that gets its instance profile from a launch template runs as that profile's role: commands sent
 * to it run with the role's rights (found by a red-team: the template was not read).
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";

function stack(template: Record<string, unknown>) {
  return tf({
    "aws_iam_role.agent": agentRole(),
    "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "ssm:SendCommand", Resource: "${aws_instance.web.arn}" }) },
    "aws_iam_role.web": { name: "web", assume_role_policy: policy({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }) },
    "aws_iam_role_policy.web": { role: "${aws_iam_role.web.name}", policy: policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }) },
    "aws_iam_instance_profile.web": { name: "web", role: "${aws_iam_role.web.name}" },
    "aws_launch_template.lt": { name: "web", ...template },
    "aws_instance.web": { ami: "ami-123", launch_template: [{ id: "${aws_launch_template.lt.id}", version: "$Latest" }] },
  });
}

const reaches = (json: Record<string, unknown>) => errors(check(json), "agent-transitive-destroy").map((f) => f.resource);

describe("instances with their profile in a launch template", () => {
  test("by the profile's name", () => {
    expect(reaches(stack({ iam_instance_profile: [{ name: "${aws_iam_instance_profile.web.name}" }] }))).toEqual(["aws_iam_role.web"]);
  });

  test("by the profile's ARN", () => {
    expect(reaches(stack({ iam_instance_profile: { arn: "${aws_iam_instance_profile.web.arn}" } }))).toEqual(["aws_iam_role.web"]);
  });

  test("a template without a profile: the instance runs as no role", () => {
    expect(reaches(stack({}))).toEqual([]);
    expect(errors(check(stack({})), "agent-reach-unknown")).toEqual([]);
  });
});
