/**
 * Where JavaScript and Terraform compute differently (grapheme clusters, Go's case tables, arbitrary-precision
 * decimals, numbers printed in full), the evaluator must not claim a value: a Deny built on such a value is not
 * known to cover anything (red-team round 42).
 */
import { agentRole, check, errors, tf } from "../helpers/tf";

const withDenyAction = (expr: string) =>
  tf({
    "aws_iam_role.agent": agentRole(),
    "aws_iam_role_policy.p": {
      role: "${aws_iam_role.agent.name}",
      policy: `\${jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "ec2:DeleteVolume", Resource = "*"}, {Effect = "Deny", Action = ${expr}, Resource = "*"}]})}`,
    },
  });
const held = (expr: string) => errors(check(withDenyAction(expr)), "agent-destroy-right").length;

test.each([
  ['length("👍🏽") == 2 ? "ec2:DeleteVolume" : "ec2:DescribeVolumes"'],
  ['upper("ß") == "SS" ? "ec2:DeleteVolume" : "ec2:DescribeVolumes"'],
  ['substr("👍🏽ec2:DeleteVolume", 2, 16)'],
  ['tostring(0.1 + 0.2) == "0.30000000000000004" ? "ec2:DeleteVolume" : "ec2:DescribeVolumes"'],
  ['tostring(1e21) == "1e+21" ? "ec2:DeleteVolume" : "ec2:DescribeVolumes"'],
  ['"${7 / 2}" == "3.5" ? "ec2:DeleteVolume" : "ec2:DescribeVolumes"'],
  // Red-team round 43, each checked against Terraform 1.11: CR LF is one grapheme cluster; number literals are decimals
  // of arbitrary precision; Go sorts by UTF-8 bytes and escapes <, > and & in JSON.
  ['length("\\r\\n") == 2 ? "ec2:DeleteVolume" : "ec2:DescribeVolumes"'],
  ['substr("\\r\\nec2:DeleteVolume", 1, 16)'],
  ['0.30000000000000001 == 0.3 ? "ec2:DeleteVolume" : "ec2:DescribeVolumes"'],
  ['0.1 < 0.10000000000000001 ? "ec2:DescribeVolumes" : "ec2:DeleteVolume"'],
  ['9007199254740993 == 9007199254740992 ? "ec2:DeleteVolume" : "ec2:DescribeVolumes"'],
  ['tonumber("9007199254740993") == 9007199254740992 ? "ec2:DeleteVolume" : "ec2:DescribeVolumes"'],
  ['floor(9007199254740993) == 9007199254740992 ? "ec2:DeleteVolume" : "ec2:DescribeVolumes"'],
  ['sort(["！", "😀"])[0] == "😀" ? "ec2:DeleteVolume" : "ec2:DescribeVolumes"'],
  ['length(split("", "😀")) == 2 ? "ec2:DeleteVolume" : "ec2:DescribeVolumes"'],
  ['length(jsonencode("<")) == 3 ? "ec2:DeleteVolume" : "ec2:DescribeVolumes"'],
])("a Deny whose action rests on %s removes nothing", (expr) => {
  expect(held(expr)).toBe(1);
});

test.each([
  ['length("abc") == 3 ? "ec2:DeleteVolume" : "ec2:DescribeVolumes"'],
  ['upper("ec2:deletevolume") == "EC2:DELETEVOLUME" ? "ec2:DeleteVolume" : "ec2:DescribeVolumes"'],
  ['substr("xec2:DeleteVolume", 1, 16)'],
  ['2 + 3 == 5 ? "ec2:DeleteVolume" : "ec2:DescribeVolumes"'],
  ['"ec2:DeleteVolume"'],
  ['length(jsonencode("<")) == 8 ? "ec2:DeleteVolume" : "ec2:DescribeVolumes"'],
  ['sort(["b", "a"])[0] == "a" ? "ec2:DeleteVolume" : "ec2:DescribeVolumes"'],
  ['tonumber("42") == 42 ? "ec2:DeleteVolume" : "ec2:DescribeVolumes"'],
])("the control: a Deny whose action rests on %s (ASCII, whole numbers) still holds", (expr) => {
  expect(held(expr)).toBe(0);
});

describe("declared variable types, as Terraform converts a value before any expression sees it (red-team round 45)", () => {
  const denyList = (expr: string, variable: Record<string, unknown>) =>
    tf(
      {
        "aws_iam_role.agent": agentRole(),
        "data.aws_iam_policy_document.d": { statement: [{ effect: "Allow", actions: ["ec2:DeleteVolume"], resources: ["*"] }, { effect: "Deny", actions: expr, resources: ["*"] }] },
        "aws_iam_role_policy.p": { role: "${aws_iam_role.agent.name}", policy: "${data.aws_iam_policy_document.d.json}" },
      },
      { variable: { v: variable } },
    );
  const heldWith = (expr: string, variable: Record<string, unknown>) => errors(check(denyList(expr, variable)), "agent-destroy-right").length;

  test.each([
    ['${var.v != [] ? ["ec2:DescribeVolumes"] : ["ec2:DeleteVolume"]}', { type: "list(string)", default: [] }],
    ['${var.v == {} ? ["ec2:DeleteVolume"] : ["ec2:DescribeVolumes"]}', { type: "map(string)", default: {} }],
    ['${var.v == "1" ? ["ec2:DeleteVolume"] : ["ec2:DescribeVolumes"]}', { type: "number", default: "1" }],
    ['${tolist([]) == [] ? ["ec2:DeleteVolume"] : ["ec2:DescribeVolumes"]}', { default: [] }],
  ])("a Deny built on %s with %j is not relied on", (expr, variable) => {
    expect(heldWith(expr, variable)).toBe(1);
  });

  test("a default Terraform converts to the declared type is converted, not dropped (red-team round 46)", () => {
    expect(heldWith('${var.v == 1 ? ["ec2:DeleteVolume"] : ["ec2:DescribeVolumes"]}', { type: "number", default: "1" })).toBe(0);
    expect(heldWith('${var.v ? ["ec2:DeleteVolume"] : ["ec2:DescribeVolumes"]}', { type: "bool", default: "true" })).toBe(0);
    expect(heldWith('${var.v == "3" ? ["ec2:DeleteVolume"] : ["ec2:DescribeVolumes"]}', { type: "string", default: 3 })).toBe(0);
  });

  test("the control: an untyped variable's default, compared as written, holds", () => {
    expect(heldWith('${var.v == [] ? ["ec2:DeleteVolume"] : ["ec2:DescribeVolumes"]}', { default: [] })).toBe(0);
    expect(heldWith('${var.v == "x" ? ["ec2:DeleteVolume"] : ["ec2:DescribeVolumes"]}', { type: "string", default: "x" })).toBe(0);
  });
});
