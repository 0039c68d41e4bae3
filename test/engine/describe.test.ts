import { statementRef, statementSummary } from "../../lib/engine/describe";
import { parsePolicyJson } from "../../lib/engine/iam/policy-json";

const summary = (statement: Record<string, unknown>) => statementSummary(parsePolicyJson({ Version: "2012-10-17", Statement: [statement] }, { address: "p" }).statements[0]);

describe("statementSummary", () => {
  test("actions as AWS spells them; patterns and untracked actions as the policy writes them", () => {
    expect(summary({ Effect: "Allow", Action: ["S3:deleteobject", "s3:Get*", "ec2:DescribeAddresses"], Resource: "*" })).toBe("Allow s3:DeleteObject, s3:Get*, ec2:DescribeAddresses on *");
    expect(summary({ Effect: "Allow", NotAction: ["IAM:*", "s3:deleteobject"], Resource: "*" })).toBe("Allow every action except IAM:*, s3:DeleteObject on *");
  });

  test("conditions with their values, the first two of a long list", () => {
    expect(summary({ Effect: "Allow", Action: "s3:DeleteObject", Resource: "*", Condition: { StringEquals: { "aws:ResourceAccount": ["111111111111", "222222222222", "333333333333"] } } })).toBe(
      "Allow s3:DeleteObject on * when StringEquals aws:ResourceAccount = 111111111111, 222222222222, … (3)",
    );
  });
});

// Red-team round 132, F6: a reference blastwall cannot resolve reads as `*`, but the text must not present `*` as written.
describe("statementSummary of a resource written as a reference", () => {
  const read = (statement: Record<string, unknown>, resources: string[], written: string[]) => {
    const s = parsePolicyJson({ Version: "2012-10-17", Statement: [statement] }, { address: "p" }).statements[0];
    return statementSummary({ ...s, resources, writtenResources: written });
  };

  test("an unresolved reference shows what was written and that it is read as *", () => {
    expect(read({ Effect: "Allow", Action: "sqs:DeleteQueue", Resource: "*" }, ["*"], ["${aws_sqs_queue.q.arn}"])).toBe("Allow sqs:DeleteQueue on ${aws_sqs_queue.q.arn} (unresolved, read as *)");
  });

  test("controls: a written `*` and a resolved reference read as they are", () => {
    expect(read({ Effect: "Allow", Action: "sqs:DeleteQueue", Resource: "*" }, ["*"], ["*"])).toBe("Allow sqs:DeleteQueue on *");
    expect(read({ Effect: "Allow", Action: "sqs:DeleteQueue", Resource: "*" }, ["arn:aws:sqs:*:*:jobs"], ["${aws_sqs_queue.q.arn}"])).toBe("Allow sqs:DeleteQueue on arn:aws:sqs:*:*:jobs");
  });
});

// A statement without a Sid is fingerprinted by what it says (lib/report/sarif.ts): the digest must not move with the
// statement's place, nor with how its sets are written down, and must move with anything it grants.
describe("statementRef's digest", () => {
  const ref = (statement: Record<string, unknown>, index = 0, address = "p") =>
    statementRef(parsePolicyJson({ Version: "2012-10-17", Statement: [...Array(index).fill({ Effect: "Deny", Action: "x:y", Resource: "*" }), statement] }, { address }).statements[index]);
  const digest = (statement: Record<string, unknown>) => ref(statement).digest;
  const base = { Effect: "Allow", Action: ["s3:DeleteObject", "s3:DeleteBucket"], Resource: ["arn:aws:s3:::a", "arn:aws:s3:::a/*"], Condition: { StringEquals: { "aws:ResourceAccount": ["1", "2"] } } };

  test("the same wherever it is, and whatever order or case its sets are written in", () => {
    expect(ref(base, 3, "q").digest).toBe(ref(base).digest);
    expect(digest({ ...base, Action: ["S3:deletebucket", "s3:DeleteObject", "s3:DeleteObject"], Resource: ["arn:aws:s3:::a/*", "arn:aws:s3:::a"] })).toBe(digest(base));
    expect(digest({ ...base, Condition: { StringEquals: { "AWS:resourceaccount": ["2", "1"] } } })).toBe(digest(base));
    expect(digest({ ...base, Sid: "Named" })).toBe(digest(base));
  });

  test("another as soon as it grants otherwise", () => {
    const others = [
      { ...base, Effect: "Deny" },
      { ...base, Action: "s3:DeleteObject" },
      { ...base, Action: undefined, NotAction: base.Action },
      { ...base, Resource: "arn:aws:s3:::b" },
      { ...base, Resource: undefined, NotResource: base.Resource },
      { ...base, Condition: { StringEquals: { "aws:ResourceAccount": ["1"] } } },
      { ...base, Condition: { StringLike: { "aws:ResourceAccount": ["1", "2"] } } },
      { ...base, Condition: undefined },
      { ...base, Principal: { AWS: "arn:aws:iam::111111111111:root" } },
      { ...base, Principal: "*" },
    ];
    const digests = [digest(base), ...others.map(digest)];
    expect(new Set(digests).size).toBe(digests.length);
  });

  test("references are told apart by what was written, though both read as *", () => {
    const s = parsePolicyJson({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sqs:DeleteQueue", Resource: "*" }] }, { address: "p" }).statements[0];
    const to = (written: string) => statementRef({ ...s, resources: ["*"], writtenResources: [written] }).digest;
    expect(to("${aws_sqs_queue.q.arn}")).not.toBe(to("${aws_sqs_queue.r.arn}"));
    expect(to("${aws_sqs_queue.q.arn}")).toBe(to("${aws_sqs_queue.q.arn}"));
  });

  test("the Sid blastwall writes for a bucket ACL is not the ACL's; a bucket policy's Sid is its own", () => {
    const acl = (sid: string, address: string) => statementRef({ ...parsePolicyJson({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:PutObject", Resource: "*" }] }, { address }).statements[0], source: { address, index: 0, sid } });
    expect(acl("ACL: acl public-read-write", "aws_s3_bucket_acl.a").sid).toBeUndefined();
    expect(acl("ACL: grant WRITE to AllUsers", "module.m.aws_s3_bucket.b").sid).toBeUndefined();
    expect(acl("ACL: acl public-read-write", "aws_s3_bucket_policy.a").sid).toBe("ACL: acl public-read-write");
    expect(acl("Uploads", "aws_s3_bucket.b").sid).toBe("Uploads");
  });
});
