/**
 * The Terraform state holds every secret the stack creates in plain text: the secret of each access key, each
 * console password. An agent that can read the state object can read them (found by a red-team).
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";

const BACKEND = { terraform: { backend: { s3: { bucket: "corp-tfstate", key: "prod/terraform.tfstate", region: "eu-west-1" } } } };

function stack(agentStatements: Record<string, unknown>[], withKey = true) {
  return tf(
    {
      "aws_iam_role.agent": agentRole(),
      "aws_iam_role_policy.work": { role: "${aws_iam_role.agent.name}", policy: policy(...agentStatements) },
      "aws_iam_user.ops": { name: "ops" },
      "aws_iam_user_policy.ops": { user: "${aws_iam_user.ops.name}", policy: policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }) },
      ...(withKey ? { "aws_iam_access_key.k": { user: "${aws_iam_user.ops.name}" } } : {}),
    },
    BACKEND,
  );
}

const paths = (json: Record<string, unknown>) => errors(check(json), "agent-transitive-destroy");

describe("reading the Terraform state", () => {
  test("s3:GetObject on the state object reaches the user whose key the state holds", () => {
    const [f] = paths(stack([{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::corp-tfstate/prod/terraform.tfstate" }]));
    expect(f).toMatchObject({ principal: "aws_iam_role.agent", resource: "aws_iam_user.ops" });
    expect(f.evidence.find((e) => e.step === "stored-credential")).toMatchObject({ address: "terraform.backend.s3" });
  });

  test("on the bucket's objects, or another workspace's state, too", () => {
    expect(paths(stack([{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::corp-tfstate/*" }]))).toHaveLength(1);
    expect(paths(stack([{ Effect: "Allow", Action: "s3:GetObjectVersion", Resource: "arn:aws:s3:::corp-tfstate/env:/staging/prod/terraform.tfstate" }]))).toHaveLength(1);
  });

  test("reading other objects, or a stack without keys, is no path", () => {
    expect(paths(stack([{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::corp-assets/*" }]))).toEqual([]);
    expect(paths(stack([{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::corp-tfstate/*" }], false))).toEqual([]);
  });

  test("writing a workspace's state is a path to the deploy role, like the default one", () => {
    const r = errors(check(stack([{ Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::corp-tfstate/env:/dev/*" }], false)), "agent-reach-unknown");
    expect(r.map((f) => f.message).join("\n")).toMatch(/deploy role/);
  });
});
