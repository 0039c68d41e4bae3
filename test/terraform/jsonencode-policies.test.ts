/**
 * cdktf's `Fn.jsonencode({...})` writes a policy as `${jsonencode({...})}` (red-team round 13): an object literal with
 * references inside, which the JSON reader evaluates as Terraform would render it. What it cannot evaluate stays
 * unreadable, and unreadable is everything.
 */
import { check, errors, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;
const SAFE_TRUST = '${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Effect" = "Allow", "Principal" = {"AWS" = "arn:aws:iam::111111111111:role/runner"}, "Action" = ["sts:AssumeRole", "sts:SetSourceIdentity"], "Condition" = {"StringLike" = {"sts:SourceIdentity" = "agent-*"}}}]})}';
const stack = (policy: string, extra: Obj = {}) =>
  tf(
    {
      "aws_iam_role.agent": { name: "agent", path: "/agents/", assume_role_policy: SAFE_TRUST, tags: { "blastwall:agent": "true" } },
      "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy },
      "aws_s3_bucket.docs": { bucket: "docs" },
    },
    extra,
  );
const doc = (statement: string) => `\${jsonencode({"Version" = "2012-10-17", "Statement" = ${statement}})}`;
const ids = (json: Obj) => [...new Set(errors(check(json)).map((f) => f.ruleId))].filter((id) => !["agent-role-boundary", "agent-session-duration"].includes(id)).sort();

describe("policies written with cdktf's Fn.jsonencode", () => {
  test("a read-only policy with bucket references is read, not reported as unreadable", () => {
    const json = stack(doc('[{"Effect" = "Allow", "Action" = ["s3:GetObject"], "Resource" = [aws_s3_bucket.docs.arn, "${aws_s3_bucket.docs.arn}/*"]}]'));
    expect(ids(json)).toEqual([]);
  });

  test("a destroy right inside it is found, on the resource it names, with the trust policy read the same way", () => {
    const json = stack(doc('[{"Sid" = "Clean", "Effect" = "Allow", "Action" = ["s3:DeleteObject"], "Resource" = ["${aws_s3_bucket.docs.arn}/*"]}]'));
    const [f] = errors(check(json), "agent-destroy-right");
    expect(f.actions).toEqual(["s3:DeleteObject"]);
    expect(f.evidence.map((e) => e.detail).join("\n")).toContain("arn:aws:s3:::docs/*");
    expect(ids(json)).toEqual(["agent-destroy-right"]);
  });

  test("a variable with a default is read as that default", () => {
    const json = stack(doc('[{"Effect" = "Allow", "Action" = var.actions, "Resource" = "*"}]'), { variable: { actions: { default: ["s3:DeleteBucket"] } } });
    expect(errors(check(json), "agent-destroy-right").map((f) => f.actions)).toEqual([["s3:DeleteBucket"]]);
  });

  test.each([
    ["the whole document from a variable without a default", "${jsonencode(var.policy)}"],
    ["statements from a data source", doc("data.external.p.result")],
    ["statements built by a for over an unknown list", doc('[for a in var.actions : {"Effect" = "Allow", "Action" = a, "Resource" = "*"}]')],
  ])("fails closed: %s", (_what, policy) => {
    expect(errors(check(stack(policy)), "unanalysable-policy")).toHaveLength(1);
  });

  test("an action list from a variable without a default may be any action", () => {
    const json = stack(doc('[{"Effect" = "Allow", "Action" = var.actions, "Resource" = "*"}]'));
    expect(errors(check(json), "agent-destroy-right").length).toBeGreaterThan(0);
  });
});
