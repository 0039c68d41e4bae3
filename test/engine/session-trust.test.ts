/**
 * A trust policy may name a role session (`arn:aws:sts::A:assumed-role/NAME/SESSION`). Within one account that
 * admits the session of role NAME, whatever the role's path, with no identity Allow: the agent's sessions reach the
 * role as surely as when the trust names the agent's role ARN.
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";
import { allRules } from "../../lib/rules";

const deployer = (principal: string) =>
  tf({
    "aws_iam_role.agent": agentRole(),
    "aws_iam_role.deployer": { name: "deployer", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: principal }, Action: "sts:AssumeRole" }) },
    "aws_iam_role_policy_attachment.admin": { role: "${aws_iam_role.deployer.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
  });

const reaches = (json: Record<string, unknown>, config = {}) => errors(check(json, config, { rules: allRules }), "agent-transitive-destroy");

describe("trust naming a role session", () => {
  test("of the agent's role (under /agents/): the agent reaches the deploy role", () => {
    const [f] = reaches(deployer("arn:aws:sts::111111111111:assumed-role/agent/coder"));
    expect(f).toMatchObject({ principal: "aws_iam_role.agent", resource: "aws_iam_role.deployer" });
    expect(f.evidence.find((e) => e.step === "assume-role")?.detail).toMatch(/names aws_iam_role\.agent or a session of it/);
  });

  test("the control: a session of another role", () => {
    expect(reaches(deployer("arn:aws:sts::111111111111:assumed-role/ci-runner/build"))).toEqual([]);
  });

  test("of a role outside the stack that agents.names selects", () => {
    const json = tf({
      "aws_iam_role.deployer": { name: "deployer", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: ["arn:aws:sts::111111111111:assumed-role/ai-coder/s1"] }, Action: "sts:AssumeRole" }) },
      "aws_iam_role_policy_attachment.admin": { role: "${aws_iam_role.deployer.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
    });
    expect(reaches(json, { agents: { names: ["ai-*"] } }).map((f) => f.principal)).toEqual(["outside:arn:aws:iam::111111111111:role/ai-coder"]);
    expect(reaches(json)).toEqual([]);
  });
});
