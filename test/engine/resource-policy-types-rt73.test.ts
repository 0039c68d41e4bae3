/**
 * Red-team round 73: resource-policy types the gate never read. A grant of a catalogue destroy action to `*` in each
 * of them is a `resource-policy-grant` error; the same policy granting a read action, or granting the destroy action
 * to another account's root, is no such finding. The attribute of each type is the provider's (checked against the
 * generated types of @cdktf/provider-aws).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RESOURCE_POLICIES } from "../../lib/engine/resource-policies";
import { check, policy, tf, agentRole } from "../helpers/tf";

const OTHER_ROOT = { AWS: "arn:aws:iam::999999999999:root" };
const grant = (action: string, principal: unknown = "*") => policy({ Effect: "Allow", Principal: principal, Action: action, Resource: "*" });

interface Case {
  readonly type: string;
  /** Directory of the resource in @cdktf/provider-aws/lib, and the argument (camelCase) holding the policy. */
  readonly provider: [dir: string, argument: string];
  readonly destroy: string;
  readonly read: string;
  /** The resource's body around its policy document. */
  readonly body: (doc: string) => Record<string, unknown>;
}

const cases: Case[] = [
  {
    type: "aws_s3control_bucket_policy",
    provider: ["s3control-bucket-policy", "policy"],
    destroy: "s3-outposts:DeleteObject",
    read: "s3-outposts:GetObject",
    body: (doc) => ({ bucket: "arn:aws:s3-outposts:us-east-1:111111111111:outpost/op-1/bucket/data", policy: doc }),
  },
  {
    type: "aws_s3vectors_vector_bucket_policy",
    provider: ["s3vectors-vector-bucket-policy", "policy"],
    destroy: "s3vectors:DeleteIndex",
    read: "s3vectors:GetVectors",
    body: (doc) => ({ vector_bucket_arn: "arn:aws:s3vectors:us-east-1:111111111111:bucket/embeddings", policy: doc }),
  },
  {
    type: "aws_cloudsearch_domain_service_access_policy",
    provider: ["cloudsearch-domain-service-access-policy", "accessPolicy"],
    destroy: "cloudsearch:document",
    read: "cloudsearch:search",
    body: (doc) => ({ domain_name: "docs", access_policy: doc }),
  },
  {
    type: "aws_ecrpublic_repository_policy",
    provider: ["ecrpublic-repository-policy", "policy"],
    destroy: "ecr-public:BatchDeleteImage",
    read: "ecr-public:DescribeImages",
    body: (doc) => ({ repository_name: "images", policy: doc }),
  },
  {
    type: "aws_media_store_container_policy",
    provider: ["media-store-container-policy", "policy"],
    destroy: "mediastore:DeleteObject",
    read: "mediastore:GetObject",
    body: (doc) => ({ container_name: "media", policy: doc }),
  },
  {
    type: "aws_s3control_multi_region_access_point_policy",
    provider: ["s3control-multi-region-access-point-policy", "details"],
    destroy: "s3:DeleteObject",
    read: "s3:GetObject",
    body: (doc) => ({ details: { name: "global", policy: doc } }),
  },
];

function grantFindings(c: Case, doc: string, body = c.body(doc)) {
  const report = check(tf({ "aws_iam_role.agent": agentRole(), [`${c.type}.p`]: body }));
  return report.findings.filter((f) => f.ruleId === "resource-policy-grant");
}

describe("resource-policy types of red-team round 73", () => {
  test.each(cases)("$type is read, from the argument the provider names", (c) => {
    const dts = readFileSync(join(__dirname, "../../node_modules/@cdktf/provider-aws/lib", c.provider[0], "index.d.ts"), "utf8");
    expect(dts).toContain(`tfResourceType = "${c.type}"`);
    expect(dts).toMatch(new RegExp(`readonly ${c.provider[1]}: `));
    expect(RESOURCE_POLICIES.filter(([t]) => t === c.type)).toHaveLength(1);
  });

  test.each(cases)("$type granting $destroy to * is a resource-policy-grant error", (c) => {
    const found = grantFindings(c, grant(c.destroy));
    expect(found.map((f) => [f.severity, f.actions, f.resource])).toEqual([["error", [c.destroy], `${c.type}.p`]]);
  });

  test.each(cases)("control: $type granting $read to * is no grant finding", (c) => {
    expect(grantFindings(c, grant(c.read))).toEqual([]);
  });

  test.each(cases)("control: $type granting $destroy to another account's root is no grant finding", (c) => {
    expect(grantFindings(c, grant(c.destroy, OTHER_ROOT))).toEqual([]);
  });

  test("a Multi-Region Access Point policy written as a list of details blocks (as a plan writes it) is read too", () => {
    const c = cases.find((x) => x.type === "aws_s3control_multi_region_access_point_policy")!;
    const found = grantFindings(c, "", { details: [{ name: "global", policy: grant("s3:DeleteObjectVersion") }] });
    expect(found.map((f) => f.actions)).toEqual([["s3:DeleteObjectVersion"]]);
  });
});

describe("a Multi-Region Access Point policy names agents outside the stack too", () => {
  test("an agent the config selects, named only in the policy's details block, is reported; a read grant is not", () => {
    const doc = (action: string) => policy({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/ai-coder" }, Action: action, Resource: "*" });
    const run = (action: string) =>
      check(tf({ "aws_s3control_multi_region_access_point_policy.p": { details: [{ name: "mrap", policy: doc(action) }] } }, { provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["111111111111"] }] } }), { agents: { names: ["ai-*"] } })
        .findings.filter((f) => f.ruleId === "resource-policy-grant")
        .map((f) => f.principal);
    expect(run("s3:DeleteObject")).toEqual(["outside:arn:aws:iam::111111111111:role/ai-coder"]);
    expect(run("s3:GetObject")).toEqual([]);
  });
});
