/**
 * Roots share a state bucket: every object of a bucket the stack names as holding Terraform state (its S3 backend,
 * a `terraform_remote_state` it reads, another stack of the run) is some root's state. Writing one drives that root's
 * next apply as its deploy role; reading one reads the passwords and keys it holds (red-team round 84: the same right
 * on `network/*` beside `platform/*` was reported on the own key and passed on the other root's).
 */
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks, checkPaths } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import type { Report } from "../../lib/report/types";
import { agentRole, check, errors, policy, tf } from "../helpers/tf";
import { dir } from "../hcl/helpers";

type Obj = Record<string, unknown>;
const BUCKET = "acme-tfstate-prod";
const backend = (key = "platform/prod.tfstate", extra: Obj = {}) => ({ terraform: { backend: { s3: { bucket: BUCKET, key, region: "eu-central-1", ...extra } } } });
const agentCan = (action: string | string[], resource: string): Record<string, Obj> => ({
  "aws_iam_role.agent": agentRole(),
  "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: action, Resource: resource }) },
});
const unknown = (r: Report) => errors(r, "agent-reach-unknown").map((f) => f.message);
const stored = (r: Report) => r.findings.filter((f) => f.ruleId === "agent-stored-secret" && !f.acknowledged);

describe("another root's state in a known state bucket (cdk.tf.json)", () => {
  test("writing it is a path to that root's deploy role, which blastwall cannot see", () => {
    const [m] = unknown(check(tf(agentCan("s3:PutObject", `arn:aws:s3:::${BUCKET}/network/*`), backend())));
    expect(m).toMatch(/the deploy role of another Terraform root whose state is in s3:\/\/acme-tfstate-prod\/network\/\* \(the bucket of this stack's S3 backend\)/);
    const r = check(tf(agentCan("s3:PutObject", `arn:aws:s3:::${BUCKET}/network/*`), backend()));
    const step = errors(r, "agent-reach-unknown")[0].evidence.find((e) => e.step === "state-write");
    expect(step?.detail).toMatch(/a poisoned state makes that root's next apply destroy or replace its resources/);
    expect(errors(r, "agent-reach-unknown")[0].fix).toMatch(/Keep the agent out of the Terraform state bucket acme-tfstate-prod: .* check that root in the same run/);
  });

  test("deleting it, or a version of it, is too: Terraform then plans from an empty or an older state", () => {
    for (const action of ["s3:DeleteObject", "s3:DeleteObjectVersion"]) {
      const [m] = unknown(check(tf(agentCan(action, `arn:aws:s3:::${BUCKET}/network/terraform.tfstate`), backend())));
      expect(m).toMatch(new RegExp(`\\(${action}\\): the deploy role of another Terraform root whose state is in s3://${BUCKET}/network/terraform\\.tfstate`));
    }
  });

  test("reading it reads stored secrets whose contents the stack does not show: a warning, an error under --strict", () => {
    const json = tf(agentCan("s3:GetObject", `arn:aws:s3:::${BUCKET}/network/*`), backend());
    const [w] = stored(check(json));
    expect(w).toMatchObject({ severity: "warning", resource: `s3://${BUCKET}/network/*`, actions: ["s3:GetObject"] });
    expect(w.evidence.find((e) => e.step === "secret-read")?.detail).toMatch(/holds its passwords and keys in plain text/);
    expect(errors(check(json, {}, { strict: true }), "agent-stored-secret")).toHaveLength(1);
    expect(unknown(check(json))).toEqual([]);
  });

  test("the bucket of a terraform_remote_state with an S3 backend is a state bucket, with no backend of its own", () => {
    const remote = { "data.terraform_remote_state.network": { backend: "s3", config: { bucket: "net-tfstate", key: "network/terraform.tfstate", region: "eu-central-1" } } };
    const [m] = unknown(check(tf({ ...agentCan("s3:PutObject", "arn:aws:s3:::net-tfstate/network/terraform.tfstate"), ...remote })));
    expect(m).toMatch(/s3:\/\/net-tfstate\/network\/terraform\.tfstate \(the bucket data\.terraform_remote_state\.network reads a state from\)/);
    // A remote state of another kind of backend names no bucket.
    const local = { "data.terraform_remote_state.network": { backend: "local", config: { path: "../network/terraform.tfstate" } } };
    expect(unknown(check(tf({ ...agentCan("s3:PutObject", "arn:aws:s3:::net-tfstate/network/terraform.tfstate"), ...local })))).toEqual([]);
  });

  test("a bucket policy of the state bucket in the stack that grants the agent counts as its own right", () => {
    const json = tf(
      {
        "aws_iam_role.agent": agentRole(),
        "aws_s3_bucket_policy.state": {
          bucket: BUCKET,
          policy: policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "s3:PutObject", Resource: `arn:aws:s3:::${BUCKET}/network/*` }),
        },
      },
      backend(),
    );
    expect(unknown(check(json)).join("\n")).toMatch(/another Terraform root whose state is in s3:\/\/acme-tfstate-prod\/network\/\*/);
  });

  test("controls: another bucket, the lock file, and the own key keep what they had", () => {
    expect(unknown(check(tf(agentCan(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::acme-artifacts/*"), backend())))).toEqual([]);
    expect(stored(check(tf(agentCan(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::acme-artifacts/*"), backend())))).toEqual([]);
    // S3's lock file holds no state: forging it is no write of one.
    expect(unknown(check(tf(agentCan("s3:PutObject", `arn:aws:s3:::${BUCKET}/platform/prod.tfstate.tflock`), backend())))).toEqual([]);
    // The own key: today's finding, alone.
    const own = unknown(check(tf(agentCan(["s3:GetObject", "s3:PutObject"], `arn:aws:s3:::${BUCKET}/platform/prod.tfstate`), backend())));
    expect(own).toEqual([expect.stringMatching(/in 1 way\(s\) \(s3:PutObject\): the deploy role that applies the state in s3:\/\/acme-tfstate-prod\/platform\/prod\.tfstate\. /)]);
    expect(stored(check(tf(agentCan("s3:GetObject", `arn:aws:s3:::${BUCKET}/platform/prod.tfstate`), backend())))).toEqual([]);
  });
});

describe("another root's state when that root is checked in the same run", () => {
  const iam = (resource: string) => buildStack(tf(agentCan(["s3:GetObject", "s3:PutObject"], resource), backend("iam/terraform.tfstate")), "iam.tf.json", "iam");
  const platform = buildStack(tf({ "aws_s3_bucket.data": { bucket: "prod-data" } }, backend("platform/terraform.tfstate")), "platform.tf.json", "platform");
  const run = (...stacks: ReturnType<typeof buildStack>[]) => checkStacks(stacks, { config: {}, rules: agentRules });

  test("its state object resolves to that stack's deploy role, and what it holds is known", () => {
    const r = run(iam(`arn:aws:s3:::${BUCKET}/platform/terraform.tfstate`), platform);
    expect(unknown(r)).toEqual([expect.stringMatching(/in 1 way\(s\) \(s3:PutObject\): the deploy role of stack platform, which applies the state in s3:\/\/acme-tfstate-prod\/platform\/terraform\.tfstate\. /)]);
    expect(stored(r)).toEqual([]);
  });

  test("the bucket of another stack of the run is a state bucket, though this stack keeps its state elsewhere", () => {
    const own = buildStack(tf(agentCan("s3:PutObject", `arn:aws:s3:::${BUCKET}/network/*`), { terraform: { backend: { s3: { bucket: "iam-tfstate", key: "iam.tfstate" } } } }), "iam.tf.json", "iam");
    expect(unknown(run(own, platform))).toEqual([expect.stringMatching(/s3:\/\/acme-tfstate-prod\/network\/\* \(the bucket of the S3 backend of stack platform\)/)]);
    expect(unknown(run(own))).toEqual([]);
  });

  test("checked alone, the same right is a path to a deploy role blastwall cannot see", () => {
    const [m] = unknown(run(iam(`arn:aws:s3:::${BUCKET}/platform/terraform.tfstate`)));
    expect(m).toMatch(/another Terraform root whose state is in s3:\/\/acme-tfstate-prod\/platform\/terraform\.tfstate/);
    expect(stored(run(iam(`arn:aws:s3:::${BUCKET}/platform/terraform.tfstate`)))).toHaveLength(1);
  });
});

describe("through HCL", () => {
  test("the red team's root: rights on network/* beside this root's platform/* state fail the gate", async () => {
    const d = dir({
      "main.tf": `terraform {
  backend "s3" {
    bucket = "acme-tfstate-prod"
    key    = "platform/prod.tfstate"
    region = "eu-central-1"
  }
}
data "terraform_remote_state" "network" {
  backend = "s3"
  config = { bucket = "acme-tfstate-prod", key = "network/terraform.tfstate", region = "eu-central-1" }
}
resource "aws_iam_role" "agent" {
  name               = "agent"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::111111111111:role/runner" } }] })
  tags               = { "blastwall:agent" = "true" }
}
resource "aws_iam_role_policy" "agent" {
  role   = aws_iam_role.agent.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject"], Resource = "arn:aws:s3:::acme-tfstate-prod/network/*" }] })
}
`,
    });
    const r = await checkPaths([d], { config: {}, rules: agentRules });
    expect(unknown(r)).toEqual([expect.stringMatching(/another Terraform root whose state is in s3:\/\/acme-tfstate-prod\/network\/\*/)]);
    expect(stored(r).map((f) => f.resource)).toEqual(["s3://acme-tfstate-prod/network/*"]);
  });
});
