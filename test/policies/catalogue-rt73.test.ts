/**
 * Catalogue 1.25.0 (red-team round 73): the rights to rewrite resource policies the gate reads, which were missing,
 * and the deletes of S3 on Outposts (whose bucket policies, aws_s3control_bucket_policy, are now read). Each rewrite
 * right, held alone on `*` by an agent whose boundary allows it, is reported as `s3:PutBucketPolicy` is, by
 * `agent-resource-policy-rewrite`, with its severity and nothing else; the Get/Describe sibling is no finding.
 */
import { loadCatalogue } from "../../lib/engine/catalogue";
import type { Severity } from "../../lib/engine/findings";
import { check, safeAgentStack } from "../helpers/tf";

function findingsOf(actions: string | string[]) {
  return check(safeAgentStack([{ Sid: "Ops", Effect: "Allow", Action: actions, Resource: "*" }])).findings.filter((f) => !f.acknowledged);
}

// [action, severity, read sibling]. Severities follow what the policy can grant: warnings where the deletes it hands
// over are warnings (Glue, CodeArtifact) or reach the data only through an access point (as s3:PutAccessPointPolicy).
const rewrites: [string, Severity, string][] = [
  ["glue:PutResourcePolicy", "warning", "glue:GetResourcePolicy"],
  ["codeartifact:PutRepositoryPermissionsPolicy", "warning", "codeartifact:GetRepositoryPermissionsPolicy"],
  ["codeartifact:PutDomainPermissionsPolicy", "warning", "codeartifact:GetDomainPermissionsPolicy"],
  ["s3:PutMultiRegionAccessPointPolicy", "warning", "s3:GetMultiRegionAccessPointPolicy"],
  ["s3vectors:PutVectorBucketPolicy", "error", "s3vectors:GetVectorBucketPolicy"],
  ["cloudsearch:UpdateServiceAccessPolicies", "error", "cloudsearch:DescribeServiceAccessPolicies"],
  ["ecr-public:SetRepositoryPolicy", "error", "ecr-public:GetRepositoryPolicy"],
  ["mediastore:PutContainerPolicy", "error", "mediastore:GetContainerPolicy"],
  // The Outposts bucket policies the gate reads (aws_s3control_bucket_policy), rewritten as s3:PutBucketPolicy rewrites a bucket's.
  ["s3-outposts:PutBucketPolicy", "error", "s3-outposts:GetBucketPolicy"],
];

const outposts: [string, string][] = [
  ["s3-outposts:DeleteObject", "s3:DeleteObject"],
  ["s3-outposts:DeleteObjectVersion", "s3:DeleteObjectVersion"],
  ["s3-outposts:DeleteBucket", "s3:DeleteBucket"],
];

describe("catalogue 1.25.0 (red-team round 73)", () => {
  test("is version 1.25.0 or later", () => {
    const [major, minor] = loadCatalogue().version.split(".").map(Number);
    expect(major === 1 && minor >= 25).toBe(true);
  });

  test("the sibling the new entries follow is reported by agent-resource-policy-rewrite", () => {
    expect(findingsOf("s3:PutBucketPolicy").map((f) => [f.ruleId, f.actions])).toEqual([["agent-resource-policy-rewrite", ["s3:PutBucketPolicy"]]]);
  });

  test.each(rewrites)("%s is an escalation entry rewriting a resource policy, severity %s", (action, severity) => {
    expect(loadCatalogue().byAction.get(action.toLowerCase())).toMatchObject({ action, category: "escalation", severity, target: "resource-policy", patterns: ["E7"] });
  });

  test.each(rewrites)("an agent holding only %s on * is reported once by agent-resource-policy-rewrite, severity %s", (action, severity) => {
    const found = findingsOf(action);
    expect(found.map((f) => [f.ruleId, f.severity, f.actions])).toEqual([["agent-resource-policy-rewrite", severity, [action]]]);
    expect(found[0].principal).toBe("aws_iam_role.agent");
  });

  test.each(rewrites)("control: %s's read sibling %s on * is no finding", (_, __, read) => {
    expect(findingsOf(read)).toEqual([]);
  });

  test.each(outposts)("%s is a direct entry like %s", (action, sibling) => {
    const cat = loadCatalogue();
    const { severity } = cat.byAction.get(sibling.toLowerCase())!;
    expect(cat.byAction.get(action.toLowerCase())).toMatchObject({ action, category: "direct", severity });
    expect(findingsOf(action).map((f) => [f.ruleId, f.severity, f.actions])).toEqual([["agent-destroy-right", severity, [action]]]);
  });

  test("control: reading S3 on Outposts objects is no finding", () => {
    expect(findingsOf(["s3-outposts:GetObject", "s3-outposts:ListBucket"])).toEqual([]);
  });
});
