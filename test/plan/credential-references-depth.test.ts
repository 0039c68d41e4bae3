/**
 * Red-team round 176: a credential a plan's configuration passes down through nested modules (each call giving the
 * next `var.k`) is followed 20 module hops deep; past that the reference counts as unseen (any credential the plan
 * makes), and a resource in a module nested deeper than 20 is still read. Both were dropped before.
 */
import { configuredCredentialReferences } from "../../lib/plan/credential-references";
import type { PlanJson } from "../../lib/plan/types";
import { minimalPlan } from "./helpers";

type Obj = Record<string, unknown>;

/** The root makes a key and passes its secret as `k` down `depth` nested modules; the deepest writes `var.k` into a parameter. */
function nested(depth: number): { plan: PlanJson; address: string } {
  let body: Obj = { resources: [{ address: "aws_ssm_parameter.p", mode: "managed", type: "aws_ssm_parameter", name: "p", expressions: { value: { references: ["var.k"] } } }] };
  for (let i = depth - 1; i >= 0; i--) {
    const given = i === 0 ? { references: ["aws_iam_access_key.k.secret", "aws_iam_access_key.k"] } : { references: ["var.k"] };
    body = { resources: [], module_calls: { [`m${i}`]: { source: `./m${i}`, module: body, expressions: { k: given } } } };
  }
  const root = { ...body, resources: [{ address: "aws_iam_access_key.k", mode: "managed", type: "aws_iam_access_key", name: "k", expressions: {} }] };
  const address = `${Array.from({ length: depth }, (_, i) => `module.m${i}.`).join("")}aws_ssm_parameter.p`;
  const change = (a: string, type: string, unknown: Obj) => ({ address: a, mode: "managed", type, name: a.split(".").pop(), change: { actions: ["create"], before: null, after: {}, after_unknown: unknown } });
  const plan = minimalPlan([change("aws_iam_access_key.k", "aws_iam_access_key", { secret: true, id: true }), change(address, "aws_ssm_parameter", { value: true })], { configuration: { root_module: root } });
  return { plan: plan as unknown as PlanJson, address };
}

describe("a credential passed down nested modules", () => {
  test("within 20 hops: the key's secret, by reference", () => {
    for (const depth of [1, 5, 19]) {
      const { plan, address } = nested(depth);
      expect(configuredCredentialReferences(plan).get(address)?.get("value")).toEqual(["${aws_iam_access_key.k.secret}"]);
    }
  });

  test("past 20 hops: the resource is read, and what it is given counts as unseen (the credentials the plan makes)", () => {
    for (const depth of [22, 30]) {
      const { plan, address } = nested(depth);
      const refs = configuredCredentialReferences(plan).get(address)?.get("value");
      expect(refs).toContain("${aws_iam_access_key.k}");
      expect(refs).not.toContain("${aws_iam_access_key.k.secret}");
    }
  });
});
