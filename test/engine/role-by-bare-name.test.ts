/**
 * A bare role name (an instance profile's `role`, written as a literal) names the one role of that name in the
 * account, whatever its path: IAM role names are unique in an account without regard to path or case. The lookup
 * read it as a role at `/`, so a role at `/ops/` or `/agents/` was not found and the chain ended in "unknown"
 * (fail closed, but without naming the role), and the plan rule for runtimes moved off agent roles had to work
 * around it (found by the helper that wrote plan-agent-runtime-moved, red-team round 119).
 */
import { check, errors, policy, tf, agentRole } from "../helpers/tf";

const EC2_TRUST = policy({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" });

function stack(opsName: string, opsPath: string, profileRole: string): Record<string, unknown> {
  return tf({
    "aws_iam_role.agent": agentRole(),
    "aws_iam_role.ops": { name: opsName, path: opsPath, assume_role_policy: EC2_TRUST },
    "aws_iam_instance_profile.ops": { name: "ops-profile", role: profileRole },
    "aws_instance.box": { ami: "ami-12345678", instance_type: "t3.micro", iam_instance_profile: "ops-profile" },
    "aws_iam_role_policy.a": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "ssm:SendCommand", Resource: "*" }) },
    "aws_iam_role_policy.b": { role: "${aws_iam_role.ops.name}", policy: policy({ Effect: "Allow", Action: "rds:DeleteDBInstance", Resource: "*" }) },
  });
}

const chainTo = (json: Record<string, unknown>) =>
  errors(check(json), "agent-transitive-destroy").map((f) => f.evidence.filter((e) => e.step === "hijack").map((e) => e.address).join(","));

describe("a bare role name names the role whatever its path", () => {
  it.each([
    ["/", "ops"],
    ["/ops/", "ops"],
    ["/agents/ops/", "ops"],
    ["/ops/", "OPS"],
  ])("a profile naming a role at %s as %s reaches it by name", (path, written) => {
    expect(chainTo(stack("ops", path, written))).toEqual(["aws_iam_role.ops"]);
  });

  it("a name no role of the stack has stays unknown (fail closed), not a role of a similar name", () => {
    const r = check(stack("ops", "/ops/", "ops-old"));
    expect(errors(r, "agent-transitive-destroy")).toEqual([]);
    expect(errors(r, "agent-reach-unknown").length).toBeGreaterThan(0);
  });

  it("a role whose name is computed only may be the one named: not resolved by name", () => {
    const json = stack("ops", "/ops/", "ops") as { resource: { aws_iam_role: Record<string, Record<string, unknown>> } };
    delete json.resource.aws_iam_role.ops.name;
    json.resource.aws_iam_role.ops.name_prefix = "op";
    const r = check(json);
    expect(errors(r, "agent-transitive-destroy")).toEqual([]);
    expect(errors(r, "agent-reach-unknown").length).toBeGreaterThan(0);
  });
});
