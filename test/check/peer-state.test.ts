/**
 * The stacks of one cdktf app usually keep their states side by side in one bucket. An agent of the dev stack that
 * can write the prod stack's state object drives the next prod apply; one that can read it holds every secret of
 * prod. `blastwall check cdktf.out` sees every stack, so it follows those paths too (red-team round 11).
 */
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import { agentRole, errors, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;
const backend = (key: string) => ({ terraform: { backend: { s3: { bucket: "acme-tfstate", key, region: "eu-west-1" } } } });

function run(agentActions: string[], resource: string, prodExtra: Record<string, Obj> = {}) {
  const dev = tf(
    {
      "aws_iam_role.agent": agentRole(),
      "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: agentActions, Resource: resource }) },
    },
    backend("dev/terraform.tfstate"),
  );
  const prod = tf({ "aws_s3_bucket.data": { bucket: "prod-data" }, ...prodExtra }, backend("prod/terraform.tfstate"));
  return checkStacks([buildStack(dev, "dev.tf.json", "dev"), buildStack(prod, "prod.tf.json", "prod")], { config: {}, rules: agentRules });
}

const unknown = (r: ReturnType<typeof run>) => errors(r, "agent-reach-unknown").map((f) => f.message);

describe("another stack's Terraform state", () => {
  test("write access to it reaches that stack's deploy role", () => {
    const [m] = unknown(run(["s3:PutObject"], "arn:aws:s3:::acme-tfstate/prod/*"));
    expect(m).toMatch(/the deploy role of stack prod, which applies the state in s3:\/\/acme-tfstate\/prod\/terraform\.tfstate/);
  });

  test("read access to it reaches the credentials it holds", () => {
    const key = { "aws_iam_user.deploy": { name: "deploy" }, "aws_iam_access_key.deploy": { user: "${aws_iam_user.deploy.name}" } };
    const [m] = unknown(run(["s3:GetObject"], "arn:aws:s3:::acme-tfstate/prod/*", key));
    expect(m).toMatch(/the state of stack prod holds \(an access key of aws_iam_user\.deploy\)/);
  });

  test("the controls: reading a state that holds no credential, or writing another bucket, is no path", () => {
    expect(unknown(run(["s3:GetObject"], "arn:aws:s3:::acme-tfstate/prod/*"))).toEqual([]);
    expect(unknown(run(["s3:PutObject"], "arn:aws:s3:::acme-scratch/*"))).toEqual([]);
  });

  test("another prefix of the shared bucket is the state of a root the run does not check (red-team round 84)", () => {
    const [m] = unknown(run(["s3:PutObject"], "arn:aws:s3:::acme-tfstate/scratch/*"));
    expect(m).toMatch(/the deploy role of another Terraform root whose state is in s3:\/\/acme-tfstate\/scratch\/\*/);
  });
});
