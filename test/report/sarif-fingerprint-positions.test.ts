/**
 * Code scanning carries a dismissal to any later alert with the same fingerprint. A fingerprint that moves from one
 * finding to another when the policy is edited around it lets a new grant inherit an old dismissal: a fail-open of the
 * review. These edits move positions (a statement's index, an ARN's place in `managed_policy_arns`) and must leave
 * every other finding's fingerprint where it was; an edit of what a finding grants must give it a new one.
 */
import type { Finding } from "../../lib/engine/findings";
import type { Report } from "../../lib/report/types";
import { renderSarif } from "../../lib/report/sarif";
import { sortFindings } from "../../lib/report/summarize";
import { agentRole, check, policy, tf } from "../helpers/tf";
import { allRules } from "../../lib/rules";

type Obj = Record<string, unknown>;

/** Each finding of `ruleId` with its fingerprint, in the order the SARIF lists them. */
function fingerprinted(r: Report, ruleId: string): { f: Finding; fp: string }[] {
  const findings = sortFindings(r.findings);
  const results = JSON.parse(renderSarif(r, new Map(), "0")).runs[0].results as { partialFingerprints: Record<string, string> }[];
  // No two results of a run share a fingerprint, whatever the rule.
  const all = results.map((x) => JSON.stringify(x.partialFingerprints));
  expect(new Set(all).size).toBe(all.length);
  return findings.map((f, i) => ({ f, fp: Object.values(results[i].partialFingerprints)[0] })).filter((x) => x.f.ruleId === ruleId);
}

/** The fingerprints of `ruleId`'s findings, by the first thing `key` finds in the finding's evidence text. */
function byKey(r: Report, ruleId: string, key: RegExp): Map<string, string> {
  const out = new Map<string, string>();
  for (const { f, fp } of fingerprinted(r, ruleId)) {
    const hit = f.evidence.map((e) => key.exec(e.detail)?.[1]).find((x) => x !== undefined);
    if (hit === undefined) throw new Error(`no ${key} in ${JSON.stringify(f.evidence)}`);
    expect(out.has(hit)).toBe(false);
    out.set(hit, fp);
  }
  return out;
}

const destroy = (bucket: string) => ({ Effect: "Allow", Action: "s3:DeleteBucket", Resource: `arn:aws:s3:::${bucket}` });
// A statement that grants nothing any rule reports: it only moves the others' indexes.
const filler = { Effect: "Allow", Action: "cloudwatch:GetMetricData", Resource: "*" };
const onePolicy = (...statements: Obj[]) =>
  tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.p": { role: "${aws_iam_role.agent.name}", policy: policy(...statements) } });
const BUCKET = /on arn:aws:s3:::(\w+)/;
const buckets = (json: Obj) => byKey(check(json), "agent-destroy-right", BUCKET);

describe("statements without a Sid are fingerprinted by what they say, not where they are", () => {
  test("two alike but for the bucket keep their fingerprints when a statement is inserted before (#8, #9 become #9, #10)", () => {
    const before = buckets(onePolicy(...Array(8).fill(filler), destroy("a"), destroy("b")));
    const after = buckets(onePolicy(...Array(9).fill(filler), destroy("a"), destroy("b")));
    expect([...before.keys()].sort()).toEqual(["a", "b"]);
    expect(after.get("a")).toBe(before.get("a"));
    expect(after.get("b")).toBe(before.get("b"));
  });

  test("removing one does not hand its fingerprint to the other", () => {
    const before = buckets(onePolicy(destroy("a"), destroy("b")));
    const after = buckets(onePolicy(destroy("b")));
    expect(after.get("b")).toBe(before.get("b"));
  });

  test("a new one inserted before gets a fingerprint of its own", () => {
    const before = buckets(onePolicy(destroy("a"), destroy("b")));
    const after = buckets(onePolicy(destroy("a0"), destroy("a"), destroy("b")));
    expect(after.get("a")).toBe(before.get("a"));
    expect(after.get("b")).toBe(before.get("b"));
    expect([...before.values()]).not.toContain(after.get("a0"));
  });

  test("control: a statement that now grants on another bucket is a new finding", () => {
    const before = buckets(onePolicy(destroy("a"), destroy("b")));
    const after = buckets(onePolicy(destroy("c"), destroy("b")));
    expect(after.get("b")).toBe(before.get("b"));
    expect([...before.values()]).not.toContain(after.get("c"));
  });

  test("control: statements with a Sid keep theirs when the text around them changes", () => {
    const sid = (s: Obj, id: string) => ({ Sid: id, ...s });
    const before = buckets(onePolicy(sid(destroy("a"), "A"), sid(destroy("b"), "B")));
    const after = buckets(onePolicy(filler, sid(destroy("b"), "B"), sid(destroy("a"), "A")));
    expect(after.get("a")).toBe(before.get("a"));
    expect(after.get("b")).toBe(before.get("b"));
  });
});

describe("statements merged from source_policy_documents (one policy, index 0 each)", () => {
  const merged = (...sources: Obj[]) =>
    tf({
      "aws_iam_role.agent": agentRole(),
      "data.aws_iam_policy_document.m": { source_policy_documents: sources.map((s) => policy(s)) },
      "aws_iam_role_policy.p": { role: "${aws_iam_role.agent.name}", policy: "${data.aws_iam_policy_document.m.json}" },
    });

  test("they read as one policy's statement #0 each", () => {
    const steps = check(merged(destroy("a"), destroy("b"))).findings.filter((f) => f.ruleId === "agent-destroy-right").map((f) => f.evidence.find((e) => e.step === "statement")?.statements);
    expect(steps.map((s) => s?.map(({ policy, index }) => [policy, index]))).toEqual([[["data.aws_iam_policy_document.m", 0]], [["data.aws_iam_policy_document.m", 0]]]);
  });

  test("removing the first source document leaves the second's fingerprint", () => {
    const before = buckets(merged(destroy("a"), destroy("b")));
    const after = buckets(merged(destroy("b")));
    expect(after.get("b")).toBe(before.get("b"));
  });

  test("control: a source document that now grants on another bucket is a new finding", () => {
    const before = buckets(merged(destroy("a"), destroy("b")));
    const after = buckets(merged(destroy("c"), destroy("b")));
    expect([...before.values()]).not.toContain(after.get("c"));
    expect(after.get("b")).toBe(before.get("b"));
  });
});

describe("managed_policy_arns are fingerprinted by the ARN, not its place in the list", () => {
  const EC2 = "arn:aws:iam::aws:policy/AmazonEC2FullAccess";
  const S3 = "arn:aws:iam::aws:policy/AmazonS3FullAccess";
  const role = (arns: string[], extra: Record<string, Obj> = {}) => tf({ "aws_iam_role.agent": agentRole({ managed_policy_arns: arns }), ...extra });
  // The destroy findings, by the first action each reports.
  const fps = (json: Obj) => new Map(fingerprinted(check(json), "agent-destroy-right").map(({ f, fp }) => [f.actions[0], fp]));

  test("removing an earlier ARN leaves the later one's findings where they were", () => {
    const before = fps(role([EC2, S3]));
    const after = fps(role([S3]));
    expect(before.get("s3:DeleteObject")).toBeDefined();
    expect(after.get("s3:DeleteObject")).toBe(before.get("s3:DeleteObject"));
  });

  test("reordering the list changes nothing", () => {
    expect(fps(role([S3, EC2]))).toEqual(fps(role([EC2, S3])));
  });

  test("a policy of the stack by reference: the same", () => {
    const p = { "aws_iam_policy.p": { policy: policy({ Effect: "Allow", Action: "rds:DeleteDBInstance", Resource: "*" }) } };
    const before = fps(role([EC2, "${aws_iam_policy.p.arn}"], p));
    const after = fps(role(["${aws_iam_policy.p.arn}"], p));
    expect(after.get("rds:DeleteDBInstance")).toBe(before.get("rds:DeleteDBInstance"));
  });

  test("control: another policy in the same place is another finding", () => {
    const grant = { policy: policy({ Effect: "Allow", Action: "rds:DeleteDBInstance", Resource: "*" }) };
    const before = fps(role([EC2, "${aws_iam_policy.p.arn}"], { "aws_iam_policy.p": grant, "aws_iam_policy.q": grant }));
    const after = fps(role([EC2, "${aws_iam_policy.q.arn}"], { "aws_iam_policy.p": grant, "aws_iam_policy.q": grant }));
    expect(after.get("rds:DeleteDBInstance")).not.toBe(before.get("rds:DeleteDBInstance"));
    expect(after.get("ec2:DeleteVolume")).toBe(before.get("ec2:DeleteVolume"));
  });
});

describe("a bucket ACL is fingerprinted by what it grants, not by a Sid blastwall made up", () => {
  const acl = (bucket: string, extra: Record<string, Obj> = {}) =>
    tf({
      "aws_s3_bucket.data": { bucket: "prod-data" },
      "aws_s3_bucket.logs": { bucket: "prod-logs" },
      "aws_s3_bucket_acl.a": { bucket: `\${aws_s3_bucket.${bucket}.id}`, acl: "public-read-write" },
      ...extra,
    });
  const grants = (json: Obj) => fingerprinted(check(json, {}, { rules: allRules }), "resource-policy-grant");

  test("its evidence names the ACL's statement without a Sid: the ACL has none", () => {
    const [{ f }] = grants(acl("data"));
    const step = f.evidence.find((e) => e.step === "bucket-acl");
    expect(step?.statements).toHaveLength(1);
    expect(step?.statements?.[0]).toMatchObject({ policy: "aws_s3_bucket_acl.a", index: 0 });
    expect(step?.statements?.[0].sid).toBeUndefined();
  });

  test("the same ACL on another bucket is a new finding", () => {
    const [before] = grants(acl("data"));
    const [after] = grants(acl("logs"));
    expect(after.fp).not.toBe(before.fp);
  });

  test("control: an unrelated resource leaves it as it was", () => {
    const [before] = grants(acl("data"));
    const [after] = grants(acl("data", { "aws_sns_topic.t": { name: "t" } }));
    expect(after.fp).toBe(before.fp);
  });
});

describe("what the fingerprint reads of a finding built by hand", () => {
  const base: Finding = {
    ruleId: "agent-destroy-right",
    severity: "error",
    principal: "aws_iam_role.agent",
    resource: "aws_iam_role_policy.p",
    actions: ["s3:DeleteBucket"],
    evidence: [{ step: "principal", address: "aws_iam_role.agent", detail: "agent" }],
    message: "m",
    fix: "f",
    file: "cdk.tf.json",
  };
  const fp = (...evidence: Finding["evidence"]) =>
    Object.values((JSON.parse(renderSarif({ tool: "check", findings: [{ ...base, evidence }], summary: { errors: 1, warnings: 0, principals: 1, agentPrincipals: 1, resources: 1, files: 1, acknowledged: 0 } }, new Map(), "0")).runs[0].results[0].partialFingerprints))[0];
  const statement = (ref: Record<string, unknown>) => ({ step: "statement", address: "aws_iam_role_policy.p", detail: "d", statements: [{ policy: "aws_iam_role_policy.p", index: 0, ...ref }] });

  test("a statement without a Sid by its digest, not its index", () => {
    expect(fp(statement({ index: 0, digest: "d1" }))).toBe(fp(statement({ index: 7, digest: "d1" })));
    expect(fp(statement({ digest: "d1" }))).not.toBe(fp(statement({ digest: "d2" })));
  });

  test("a statement with a Sid by its Sid, as before: its alert keeps its fingerprint", () => {
    expect(fp(statement({ sid: "A", digest: "d1" }))).toBe(fp(statement({ sid: "A", digest: "d2" })));
    expect(fp(statement({ sid: "A", digest: "d1" }))).toBe(fp(statement({ sid: "A" })));
  });

  test("in an inline_policy block without a name (a position too), by its digest even with a Sid", () => {
    const inline = (n: number, digest: string) => statement({ inlinePolicy: `inline_policy[${n}]`, sid: "A", digest });
    expect(fp(inline(0, "d1"))).not.toBe(fp(inline(0, "d2")));
    expect(fp(statement({ inlinePolicy: 'inline_policy "ops"', sid: "A", digest: "d1" }))).toBe(fp(statement({ inlinePolicy: 'inline_policy "ops"', sid: "A", digest: "d2" })));
  });

  test("an attachment through managed_policy_arns by what it attaches, not its place", () => {
    const attach = (n: number, attaches?: string) => ({ step: "attachment", address: `aws_iam_role.agent.managed_policy_arns[${n}]`, detail: "d", ...(attaches ? { attaches } : {}) });
    expect(fp(attach(0, "arn:aws:iam::aws:policy/A"))).toBe(fp(attach(3, "arn:aws:iam::aws:policy/A")));
    expect(fp(attach(0, "arn:aws:iam::aws:policy/A"))).not.toBe(fp(attach(0, "arn:aws:iam::aws:policy/B")));
    // Without `attaches` there is nothing else to go by: the place counts, as it did.
    expect(fp(attach(0))).not.toBe(fp(attach(1)));
  });
});

// Computed when statements without a Sid, bucket ACLs and managed_policy_arns were first fingerprinted so: alerts keep
// these across runs and releases unless what they are about changes.
describe("fingerprints pinned", () => {
  test("two statements without a Sid, an ACL, an ARN of managed_policy_arns", () => {
    const pairs = (r: Report, ruleId: string) => fingerprinted(r, ruleId).map(({ f, fp }) => `${f.actions[0]} ${fp}`);
    expect(pairs(check(onePolicy(filler, destroy("a"), destroy("b"))), "agent-destroy-right")).toEqual(PINNED.sidless);
    const acl = tf({ "aws_s3_bucket.data": { bucket: "prod-data" }, "aws_s3_bucket_acl.a": { bucket: "${aws_s3_bucket.data.id}", acl: "public-read-write" } });
    expect(pairs(check(acl, {}, { rules: allRules }), "resource-policy-grant")).toEqual(PINNED.acl);
    // A policy of the stack, not an AWS managed one: what AWS writes in its policies may change with a release.
    const managed = tf({
      "aws_iam_role.agent": agentRole({ managed_policy_arns: ["arn:aws:iam::aws:policy/ReadOnlyAccess", "${aws_iam_policy.p.arn}"] }),
      "aws_iam_policy.p": { policy: policy({ Sid: "Wipe", ...destroy("a") }) },
    });
    expect(pairs(check(managed), "agent-destroy-right")).toEqual(PINNED.managed);
  });
});

const PINNED = {
  sidless: ["s3:DeleteBucket 754a84ab4ff6ab1578c28247c2db8f5b", "s3:DeleteBucket c777beddc48f2152b7e829ca07c5b8a2"],
  acl: ["s3:DeleteObject b9fa01c06456643dd771a8c5b9af04a6"],
  managed: ["s3:DeleteBucket f79425de85037b9c5c3b32ce5070e521"],
};
