import { statementSummary } from "../../lib/engine/describe";
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
