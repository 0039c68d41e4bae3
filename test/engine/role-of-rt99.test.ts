/**
 * Red-team round 99 (N3): a compute resource's role written `aws_iam_role.r[0].arn`, `aws_iam_role.r["k"].arn` or
 * through a local read as no role of the stack. The reach graph's hijack edges use the same lookup: they now reach
 * that role (a count or for_each role is one principal), where they reached an unknown node.
 */
import { check, errors, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, HARMLESS, type Obj } from "../helpers/sessions";

const reached = (json: Obj) => errors(check(json), "agent-transitive-destroy").map((f) => f.resource).sort();
const unknown = (json: Obj) => errors(check(json), "agent-reach-unknown").length;
const trust = policy({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" });

const lambda = (roleValue: string, meta: Obj, rights: string, extra: Obj = {}) =>
  tf(
    {
      ...agentCan({ Effect: "Allow", Action: "lambda:UpdateFunctionCode", Resource: "${aws_lambda_function.f.arn}" }),
      "aws_iam_role.h": { name: "h", assume_role_policy: trust, ...meta },
      "aws_iam_role_policy.h": { role: "${aws_iam_role.h.name}", policy: rights, ...meta },
      "aws_lambda_function.f": { function_name: "f", role: roleValue, runtime: "python3.12", handler: "i.h", filename: "f.zip" },
    },
    extra,
  );

describe("99. the role of a Lambda written with an instance key or a local", () => {
  test("count and for_each roles are reached (a path when they can destroy), not an unknown node", () => {
    for (const [meta, ref] of [[{ count: 1 }, "${aws_iam_role.h[0].arn}"], [{ for_each: { k: "k" } }, '${aws_iam_role.h["k"].arn}']] as const) {
      expect(reached(lambda(ref, meta, DESTROY))).toEqual(["aws_iam_role.h"]);
      expect(unknown(lambda(ref, meta, HARMLESS))).toBe(0);
    }
  });

  test("a local holding the reference: the role; a variable: unknown, as before", () => {
    expect(reached(lambda("${local.role}", {}, DESTROY, { locals: { role: "${aws_iam_role.h.arn}" } }))).toEqual(["aws_iam_role.h"]);
    expect(unknown(lambda("${var.role}", {}, HARMLESS, { variable: { role: { default: "arn:aws:iam::111111111111:role/h" } } }))).toBeGreaterThan(0);
  });
});
