/**
 * A bucket ACL that lets everyone write is a bucket policy granting everyone s3:PutObject and s3:DeleteObject in all
 * but name (red-team round 42), unless the stack turns ACLs off for the bucket.
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";
import { allRules } from "../../lib/rules";

type Obj = Record<string, unknown>;
const bucket = { "aws_s3_bucket.data": { bucket: "prod-data" } };
const grants = (json: Obj) => errors(check(json, {}, { rules: allRules }), "resource-policy-grant");
const acl = (extra: Obj) => ({ "aws_s3_bucket_acl.a": { bucket: "${aws_s3_bucket.data.id}", ...extra } });

test("a public-read-write ACL grants everyone the bucket's deletes, with the fix for ACLs", () => {
  const [f] = grants(tf({ ...bucket, ...acl({ acl: "public-read-write" }) }));
  expect(f).toMatchObject({ principal: "aws_s3_bucket_acl.a", actions: ["s3:DeleteObject"] });
  expect(f.message).toBe("aws_s3_bucket_acl.a grants s3:DeleteObject to everyone (*) through the bucket's ACL, AI agents included.");
  expect(f.evidence[0].detail).toContain('Sid "ACL: acl public-read-write"');
  expect(f.fix).toContain("BucketOwnerEnforced");
});

test("a grant of WRITE or FULL_CONTROL to AllUsers or AuthenticatedUsers counts, inline on the bucket too", () => {
  const grant = (uri: string, permission: string) => ({ access_control_policy: [{ owner: [{ id: "x" }], grant: [{ grantee: [{ type: "Group", uri }], permission }] }] });
  expect(grants(tf({ ...bucket, ...acl(grant("http://acs.amazonaws.com/groups/global/AllUsers", "WRITE")) }))).toHaveLength(1);
  expect(grants(tf({ ...bucket, ...acl(grant("http://acs.amazonaws.com/groups/global/AuthenticatedUsers", "FULL_CONTROL")) }))).toHaveLength(1);
  expect(grants(tf({ "aws_s3_bucket.data": { bucket: "prod-data", acl: "public-read-write" } }))).toHaveLength(1);
  expect(grants(tf({ "aws_s3_bucket.data": { bucket: "prod-data", grant: [{ type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers", permissions: ["WRITE_ACP"] }] } }))).toHaveLength(1);
});

test("an agent's overwrite of the unversioned bucket counts through the ACL", () => {
  const json = tf({ ...bucket, ...acl({ acl: "public-read-write" }), "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.p": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "s3:ListBucket", Resource: "*" }) } });
  expect(errors(check(json, {}, { rules: allRules }), "agent-overwrite-unprotected").map((f) => f.principal)).toEqual(["aws_iam_role.agent"]);
});

test("the controls: private and read-only ACLs, a log-delivery grant, and ACLs the stack turns off", () => {
  expect(grants(tf({ ...bucket, ...acl({ acl: "private" }) }))).toEqual([]);
  expect(grants(tf({ ...bucket, ...acl({ acl: "public-read" }) }))).toEqual([]);
  const logs = { access_control_policy: [{ grant: [{ grantee: [{ type: "Group", uri: "http://acs.amazonaws.com/groups/s3/LogDelivery" }], permission: "WRITE" }] }] };
  expect(grants(tf({ ...bucket, ...acl(logs) }))).toEqual([]);
  const enforced = { "aws_s3_bucket_ownership_controls.o": { bucket: "${aws_s3_bucket.data.id}", rule: [{ object_ownership: "BucketOwnerEnforced" }] } };
  expect(grants(tf({ ...bucket, ...acl({ acl: "public-read-write" }), ...enforced }))).toEqual([]);
  const ignored = { "aws_s3_bucket_public_access_block.b": { bucket: "${aws_s3_bucket.data.id}", ignore_public_acls: true } };
  expect(grants(tf({ ...bucket, ...acl({ acl: "public-read-write" }), ...ignored }))).toEqual([]);
  // An ACL that may be public (a variable without a default) counts: fail closed.
  expect(grants(tf({ ...bucket, ...acl({ acl: "${var.acl}" }) }, { variable: { acl: {} } }))).toHaveLength(1);
  expect(grants(tf({ ...bucket, ...acl({ acl: "${var.acl}" }) }, { variable: { acl: { default: "private" } } }))).toEqual([]);
});

test("the forms cdktf writes: a block of one as an object, and group URIs in any case (red-team round 43)", () => {
  const objectForm = { access_control_policy: { owner: { id: "x" }, grant: [{ grantee: { type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers" }, permission: "FULL_CONTROL" }] } };
  expect(grants(tf({ ...bucket, ...acl(objectForm) }))).toHaveLength(1);
  const oneGrant = { access_control_policy: { grant: { grantee: { type: "Group", uri: "HTTP://ACS.AMAZONAWS.COM/groups/global/allusers" }, permission: "WRITE" } } };
  expect(grants(tf({ ...bucket, ...acl(oneGrant) }))).toHaveLength(1);
  // A public access block written with a string "true" ignores public ACLs too; ownership controls on a bucket named
  // by a pattern do not switch the check off for the buckets the pattern might also name.
  const ignored = { "aws_s3_bucket_public_access_block.b": { bucket: "${aws_s3_bucket.data.id}", ignore_public_acls: "true" } };
  expect(grants(tf({ ...bucket, ...acl({ acl: "public-read-write" }), ...ignored }))).toEqual([]);
  const prefixed = (ownershipOf: string) =>
    tf({
      "aws_s3_bucket.data": { bucket_prefix: "data-" },
      "aws_s3_bucket.other": { bucket_prefix: "data-" },
      "aws_s3_bucket_acl.a": { bucket: "${aws_s3_bucket.data.id}", acl: "public-read-write" },
      "aws_s3_bucket_ownership_controls.o": { bucket: `\${${ownershipOf}.id}`, rule: { object_ownership: "BucketOwnerEnforced" } },
    });
  expect(grants(prefixed("aws_s3_bucket.other"))).toHaveLength(1);
  expect(grants(prefixed("aws_s3_bucket.data"))).toEqual([]);
});
