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
