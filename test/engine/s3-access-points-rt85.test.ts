/**
 * An object action through an S3 access point acts on the objects of the bucket behind it (red-team round 85: a
 * PutObject grant on `accesspoint/stateap/object/network/*` of the state bucket passed, where the same grant on
 * `arn:aws:s3:::tfstate-corp/network/*` fails). The access point ARN stands for the bucket of the stack's
 * `aws_s3_access_point` of that name, the buckets of its Multi-Region Access Points, or any bucket when blastwall
 * cannot tell which.
 */
import { checkPaths } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import type { Report } from "../../lib/report/types";
import { agentRole, check, errors, policy, tf } from "../helpers/tf";
import { dir } from "../hcl/helpers";

type Obj = Record<string, unknown>;
const STATE = "tfstate-corp";
const AP = "arn:aws:s3:us-east-1:111111111111:accesspoint/stateap";
const backend = { terraform: { backend: { s3: { bucket: STATE, key: "app/terraform.tfstate", region: "us-east-1" } } } };
const agent = (action: string | string[], resource: string | string[], extra: Obj[] = []): Record<string, Obj> => ({
  "aws_iam_role.agent": agentRole(),
  "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: action, Resource: resource }, ...extra) },
});
const accessPoint = (bucket: string, name = "stateap") => ({ "aws_s3_access_point.ap": { bucket, name } });
// The message names the first path; the evidence names each.
const unknown = (r: Report) => errors(r, "agent-reach-unknown").flatMap((f) => [f.message, ...f.evidence.map((e) => `${e.address}: ${e.detail}`)]);
const overwrites = (r: Report) => r.findings.filter((f) => f.ruleId === "agent-overwrite-unprotected" && !f.acknowledged).map((f) => f.message);
const stored = (r: Report) => r.findings.filter((f) => f.ruleId === "agent-stored-secret" && !f.acknowledged);
const OTHER_ROOT = /unknown:state-roots:s3:\/\/tfstate-corp\/network\/\*/;

describe("writes through an access point of the state bucket", () => {
  test("the red team's grant: another root's state, and an overwrite of a store blastwall cannot see", () => {
    const r = check(tf({ ...agent("s3:PutObject", `${AP}/object/network/*`), ...accessPoint(STATE) }, backend), {}, { strict: true });
    expect(unknown(r).join("\n")).toMatch(OTHER_ROOT);
    expect(overwrites(r).join("\n")).toMatch(/overwrite data in stores outside this stack \(s3:PutObject on arn:aws:s3:::tfstate-corp\/network\/\*\)/);
  });

  test("the own state through the access point, deleting included", () => {
    for (const action of ["s3:PutObject", "s3:DeleteObject"]) {
      const r = check(tf({ ...agent(action, `${AP}/object/app/terraform.tfstate`), ...accessPoint(STATE) }, backend));
      expect(unknown(r).join("\n")).toMatch(/the deploy role that applies the state in s3:\/\/tfstate-corp\/app\/terraform\.tfstate/);
    }
  });

  test("an access point the stack does not make, or a wildcard over access points, may be the state bucket's", () => {
    expect(unknown(check(tf(agent("s3:PutObject", `${AP}/object/network/*`), backend))).join("\n")).toMatch(/unknown:state-roots:s3:\/\/tfstate-corp\/\*/);
    expect(unknown(check(tf(agent("s3:PutObject", "arn:aws:s3:*:*:accesspoint/*"), backend))).join("\n")).toMatch(/unknown:state-roots:s3:\/\/tfstate-corp\/\*/);
    // The stack's access point of that name stands for a bucket blastwall cannot resolve: any bucket.
    const computed = { "aws_s3_access_point.ap": { bucket: "${var.bucket}", name: "stateap" } };
    expect(unknown(check(tf({ ...agent("s3:PutObject", `${AP}/object/network/*`), ...computed }, backend))).join("\n")).toMatch(/unknown:state-roots:s3:\/\/tfstate-corp\/\*/);
  });

  test("a Multi-Region Access Point stands for the buckets of the stack's, or any bucket", () => {
    const mrap = "arn:aws:s3::111111111111:accesspoint/mfzwi23gnjvgw.mrap/object/network/*";
    const m = { "aws_s3control_multi_region_access_point.m": { details: [{ name: "state", region: [{ bucket: STATE }] }] } };
    expect(unknown(check(tf({ ...agent("s3:PutObject", mrap), ...m }, backend))).join("\n")).toMatch(OTHER_ROOT);
    // No Multi-Region Access Point in the stack: the alias may stand for any bucket.
    expect(unknown(check(tf(agent("s3:PutObject", mrap), backend))).join("\n")).toMatch(/unknown:state-roots:s3:\/\/tfstate-corp\/\*/);
  });

  test("reading another root's state through an access point reads its stored secrets", () => {
    const r = check(tf({ ...agent("s3:GetObject", `${AP}/object/network/*`), ...accessPoint(STATE) }, backend));
    expect(stored(r).map((f) => f.resource)).toEqual(["s3://tfstate-corp/network/*"]);
  });

  test("controls: an access point of another bucket, and a Deny on the access point, reach no state", () => {
    const art = {
      "aws_s3_bucket.art": { bucket: "artifacts" },
      "aws_s3_bucket_versioning.art": { bucket: "${aws_s3_bucket.art.id}", versioning_configuration: [{ status: "Enabled" }] },
      "aws_s3_access_point.ap": { bucket: "${aws_s3_bucket.art.id}", name: "stateap" },
    };
    const r = check(tf({ ...agent(["s3:PutObject", "s3:GetObject"], `${AP}/object/*`), ...art }, backend), {}, { strict: true });
    expect(unknown(r)).toEqual([]);
    expect(overwrites(r)).toEqual([]);
    expect(stored(r)).toEqual([]);
    const denied = agent("s3:PutObject", `${AP}/object/network/*`, [{ Effect: "Deny", Action: "s3:*", Resource: `${AP}/*` }]);
    expect(unknown(check(tf({ ...denied, ...accessPoint(STATE) }, backend)))).toEqual([]);
    // A region or account written as a wildcard names the access points of that name everywhere.
    const anywhere = { ...agent("s3:PutObject", "arn:aws:s3:*:*:accesspoint/stateap/object/*"), ...art };
    expect(unknown(check(tf(anywhere, backend))).join("\n")).toMatch(/unknown:state-roots:s3:\/\/tfstate-corp\/\*/);
    // A region other than the stack's access point's is another access point of that name: blastwall cannot see its bucket.
    const elsewhere = { ...agent("s3:PutObject", "arn:aws:s3:eu-west-1:111111111111:accesspoint/stateap/object/*"), ...art };
    const pinned = { provider: { aws: [{ region: "us-east-1" }] }, ...backend };
    expect(unknown(check(tf(elsewhere, pinned))).join("\n")).toMatch(/unknown:state-roots:s3:\/\/tfstate-corp\/\*/);
  });
});

describe("writes through an access point of a bucket of the stack", () => {
  const bucket = (versioned: boolean) => ({
    "aws_s3_bucket.data": { bucket: "prod-data" },
    ...(versioned ? { "aws_s3_bucket_versioning.data": { bucket: "${aws_s3_bucket.data.id}", versioning_configuration: [{ status: "Enabled" }] } } : {}),
    "aws_s3_access_point.ap": { bucket: "${aws_s3_bucket.data.id}", name: "dataap" },
  });
  const grant = agent("s3:PutObject", "arn:aws:s3:us-east-1:111111111111:accesspoint/dataap/object/*");

  test("an unversioned bucket is overwritten for good; a versioned one is not", () => {
    expect(overwrites(check(tf({ ...grant, ...bucket(false) })))).toEqual([expect.stringMatching(/overwrite what aws_s3_bucket\.data holds, which keeps no object versions/)]);
    expect(overwrites(check(tf({ ...grant, ...bucket(true) })))).toEqual([]);
  });
});

describe("through HCL", () => {
  test("the red team's root fails the gate", async () => {
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
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:PutObject"], Resource = "\${aws_s3_access_point.ap.arn}/object/network/*" }] })
}
resource "aws_s3_access_point" "ap" {
  bucket = "tfstate-corp"
  name   = "stateap"
}
`,
    });
    const r = await checkPaths([d], { config: {}, rules: agentRules, strict: true });
    expect(unknown(r).join("\n")).toMatch(OTHER_ROOT);
    expect(overwrites(r).join("\n")).toMatch(/arn:aws:s3:::tfstate-corp\/network\/\*/);
  });
});
