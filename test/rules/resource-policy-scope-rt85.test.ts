/**
 * What a resource policy can grant (red-team round 85): only actions of its resource's service (`Action: "*"` in a
 * bucket policy is every S3 action, not ec2:TerminateInstances), and a bucket policy's delegation to its access points
 * (s3:DataAccessPointAccount / s3:DataAccessPointArn) grants only through those access points, whose own policies
 * decide whom they admit.
 */
import { checkPaths } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import type { Report } from "../../lib/report/types";
import { agentRole, check, policy, tf } from "../helpers/tf";
import { dir } from "../hcl/helpers";

type Obj = Record<string, unknown>;
const ACCT = "111111111111";
const BUCKET_ARNS = ["arn:aws:s3:::data-corp", "arn:aws:s3:::data-corp/*"];
const of = (r: Report, rule: string) => r.findings.filter((f) => f.ruleId === rule && !f.acknowledged);
const grants = (r: Report) => of(r, "resource-policy-grant");
const bucketPolicy = (statement: Obj): Record<string, Obj> => ({
  "aws_iam_role.agent": agentRole(),
  "aws_s3_bucket_policy.p": { bucket: "data-corp", policy: policy({ Effect: "Allow", Principal: { AWS: "*" }, Action: "*", Resource: BUCKET_ARNS, ...statement }) },
});
const delegation = (condition: Obj = { StringEquals: { "s3:DataAccessPointAccount": ACCT } }) => bucketPolicy({ Condition: condition });
const accessPoint = (extra: Obj = {}) => ({ "aws_s3_access_point.ap": { bucket: "data-corp", name: "dataap", ...extra } });

describe("a resource policy grants its own service's actions only", () => {
  test("Action * in a bucket policy open to everyone: S3's destroy actions, still reported", () => {
    const [f] = grants(check(tf(bucketPolicy({}))));
    expect(f.message).toMatch(/^aws_s3_bucket_policy\.p grants s3:DeleteObject, .* to everyone \(\*\)/);
    expect(f.actions.every((a) => /^s3(?:express)?:/.test(a))).toBe(true);
    expect(f.actions).toContain("s3:DeleteBucket");
  });

  test("Action * in a key policy: KMS's", () => {
    const key = { "aws_iam_role.agent": agentRole(), "aws_kms_key.k": { policy: policy({ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }) } };
    const [f] = grants(check(tf(key)));
    expect(f.actions.length).toBeGreaterThan(0);
    expect(f.actions.every((a) => a.startsWith("kms:"))).toBe(true);
  });

  test("rewriting: a bucket policy's * hands on its own policy, not table buckets' or keys'", () => {
    const r = check(tf(bucketPolicy({ Principal: { AWS: "${aws_iam_role.agent.arn}" } })));
    const [f] = of(r, "agent-resource-policy-rewrite");
    expect(f.actions).toEqual(["s3:PutBucketPolicy", "s3express:PutBucketPolicy", "s3:PutAccessPointPolicy", "s3:PutMultiRegionAccessPointPolicy"].filter((a) => f.actions.includes(a)));
    expect(f.actions).toContain("s3:PutBucketPolicy");
  });

  test("control: another service's action in a bucket policy grants nothing", () => {
    expect(grants(check(tf(bucketPolicy({ Action: ["ec2:DeleteVolume", "rds:DeleteDBInstance"] }))))).toEqual([]);
  });
});

describe("a bucket policy that delegates to its access points", () => {
  test("the AWS-recommended delegation, the access point in the stack without a policy: nothing of its own", () => {
    const r = check(tf({ ...delegation(), ...accessPoint() }), {}, { strict: true });
    expect(grants(r)).toEqual([]);
    expect(of(r, "agent-resource-policy-rewrite")).toEqual([]);
  });

  test("the access point's own policy is judged, for what can be done through it", () => {
    const open = accessPoint({ policy: policy({ Effect: "Allow", Principal: "*", Action: "s3:*", Resource: `arn:aws:s3:us-east-1:${ACCT}:accesspoint/dataap/object/*` }) });
    const [f, ...rest] = grants(check(tf({ ...delegation(), ...open })));
    expect(rest).toEqual([]);
    expect(f.resource).toBe("aws_s3_access_point.ap");
    expect(f.actions).toContain("s3:DeleteObject");
    // A bucket's deletion or configuration cannot go through an access point.
    expect(f.actions).not.toContain("s3:DeleteBucket");
    expect(f.actions).not.toContain("s3:PutBucketVersioning");
  });

  test("an access point's policy naming the agent reaches the bucket's objects: here the state of another root", () => {
    const backend = { terraform: { backend: { s3: { bucket: "data-corp", key: "app/terraform.tfstate" } } } };
    const ap = accessPoint({ policy: policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "s3:PutObject", Resource: `arn:aws:s3:us-east-1:${ACCT}:accesspoint/dataap/object/network/*` }) });
    const r = check(tf({ ...delegation(), ...ap }, backend));
    const paths = of(r, "agent-reach-unknown").flatMap((f) => f.evidence.map((e) => e.address));
    expect(paths).toContain("unknown:state-roots:s3://data-corp/network/*");
  });

  test("access points the stack does not make: a warning that says so, an error under --strict", () => {
    const [w] = grants(check(tf(delegation())));
    expect(w).toMatchObject({ severity: "warning", resource: "aws_s3_bucket_policy.p" });
    expect(w.message).toMatch(/lets the access points of account 111111111111 hand on s3:DeleteObject, .* to whoever their policies admit \(statement #0 holds only for requests through access points\); blastwall cannot see those access points in this stack/);
    expect(w.actions).not.toContain("s3:DeleteBucket");
    expect(w.actions.some((a) => !a.startsWith("s3:"))).toBe(false);
    expect(grants(check(tf(delegation()), {}, { strict: true }))[0].severity).toBe("error");
    // Named by ARN: the stack's access point is judged; another is not seen.
    const byArn = (ap: string) => grants(check(tf({ ...delegation({ ArnEquals: { "s3:DataAccessPointArn": `arn:aws:s3:us-east-1:${ACCT}:accesspoint/${ap}` } }), ...accessPoint() })));
    expect(byArn("dataap")).toEqual([]);
    expect(byArn("otherap")[0].message).toMatch(/lets the access point arn:aws:s3:us-east-1:111111111111:accesspoint\/otherap hand on/);
    // Another account's access points, beside the stack's own pinned account.
    const pinned = { provider: { aws: [{ region: "us-east-1", allowed_account_ids: [ACCT] }] } };
    const other = grants(check(tf({ ...delegation({ StringEquals: { "s3:DataAccessPointAccount": "222222222222" } }), ...accessPoint() }, pinned)));
    expect(other[0].message).toMatch(/the access points of account 222222222222/);
  });

  test("controls: a condition that does not need an access point keeps the grant open", () => {
    for (const condition of [{ StringNotEquals: { "s3:DataAccessPointAccount": ACCT } }, { StringEqualsIfExists: { "s3:DataAccessPointAccount": ACCT } }, { Null: { "s3:DataAccessPointArn": "true" } }]) {
      const [f] = grants(check(tf({ ...delegation(condition), ...accessPoint() })));
      expect(f.message).toMatch(/grants s3:DeleteObject, .* to everyone \(\*\)/);
      expect(f.actions).toContain("s3:DeleteBucket");
    }
  });
});

describe("through HCL", () => {
  test("the red team's delegation beside a write through the access point", async () => {
    const d = dir({
      "main.tf": `terraform {
  backend "s3" {
    bucket = "tfstate-corp"
    key    = "app/terraform.tfstate"
    region = "us-east-1"
  }
}
resource "aws_iam_role" "agent" {
  name               = "agent"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::111111111111:role/runner" } }] })
  tags               = { "blastwall:agent" = "true" }
}
resource "aws_iam_role_policy" "p" {
  role   = aws_iam_role.agent.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:PutObject"], Resource = "arn:aws:s3:us-east-1:111111111111:accesspoint/stateap/object/network/*" }] })
}
resource "aws_s3_access_point" "ap" {
  bucket = "tfstate-corp"
  name   = "stateap"
}
resource "aws_s3_bucket_policy" "deleg" {
  bucket = "tfstate-corp"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "*", Resource = ["arn:aws:s3:::tfstate-corp", "arn:aws:s3:::tfstate-corp/*"], Condition = { StringEquals = { "s3:DataAccessPointAccount" = "111111111111" } } }] })
}
`,
    });
    const r = await checkPaths([d], { config: {}, rules: agentRules, strict: true });
    expect(grants(r)).toEqual([]);
    expect(of(r, "agent-resource-policy-rewrite")).toEqual([]);
    // The write through the access point is still the path it was.
    expect(of(r, "agent-reach-unknown").flatMap((f) => f.evidence.map((e) => e.address))).toContain("unknown:state-roots:s3://tfstate-corp/network/*");
  });
});
