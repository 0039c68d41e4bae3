import { ActionUniverse } from "../../lib/engine/iam/actions";
import { effectiveRights, grantsFor, statementEffectKey } from "../../lib/engine/iam/evaluate";
import { parsePolicyJson } from "../../lib/engine/iam/policy-json";
import type { Statement } from "../../lib/engine/iam/types";
import { withVia } from "../../lib/engine/terraform/policy-documents";
import { UNREADABLE_CONDITION } from "../../lib/engine/terraform/policy-documents";
import { check, errors, policy, tf, TRUST, AGENT } from "../helpers/tf";

/*
 * Principals attached to one policy hold copies of its statements that differ only in `source` (the attachment).
 * Anything the evaluator shares between such copies must not leak from one principal to another: a grant pointing
 * at another principal's copy, or a Deny's certainty taken from a statement that differs in more than its source.
 */

const universe = new ActionUniverse(["ec2:DeleteVolume", "ec2:DeleteSnapshot", "s3:GetObject"]);
const doc = (...statements: object[]) => parsePolicyJson({ Version: "2012-10-17", Statement: statements }, { address: "aws_iam_policy.p" });
const rights = (identity: readonly Statement[], boundary?: readonly Statement[]) => effectiveRights({ principal: "p", identity, boundary, universe });

describe("statements shared by principals through copies", () => {
  const shared = doc({ Effect: "Allow", Action: ["ec2:DeleteVolume", "ec2:DeleteSnapshot"], Resource: "*" });
  const deny = doc({ Effect: "Deny", Action: "ec2:DeleteSnapshot", Resource: "*" });

  it("each grant points at its principal's own copy", () => {
    const a = withVia(shared, "aws_iam_role_policy_attachment.a").statements;
    const b = withVia(shared, "aws_iam_role_policy_attachment.b").statements;
    expect(a[0]).not.toBe(b[0]);
    const ra = rights(a);
    const rb = rights(b);
    expect(grantsFor(ra, "ec2:DeleteVolume").map((g) => g.statement)).toEqual([a[0]]);
    expect(grantsFor(rb, "ec2:DeleteVolume").map((g) => g.statement)).toEqual([b[0]]);
    expect(grantsFor(rb, "ec2:DeleteVolume")[0].statement.source.via).toBe("aws_iam_role_policy_attachment.b");
    const again = withVia({ address: "x", statements: b }, "aws_iam_role_policy_attachment.c").statements;
    expect(grantsFor(rights(again), "ec2:DeleteVolume")[0].statement).toBe(again[0]);
  });

  it("a copy spread into another statement (a Deny made uncertain) is judged on its own", () => {
    const copy = withVia(deny, "aws_iam_role_policy_attachment.d").statements[0];
    const uncertain: Statement = { ...copy, conditions: [...copy.conditions, { operator: UNREADABLE_CONDITION, key: "k", values: ["may not exist"] }] };
    const allow = withVia(shared, "aws_iam_role_policy_attachment.x").statements;
    // In both orders: whichever is evaluated first must not decide for the other.
    for (const order of [0, 1]) {
      const certain = () => [...rights([...allow, copy]).grants.keys()].sort();
      const unsure = () => [...rights([...allow, uncertain]).grants.keys()].sort();
      const [first, second] = order === 0 ? [certain(), unsure()] : [unsure(), certain()];
      const [c, u] = order === 0 ? [first, second] : [second, first];
      expect(c).toEqual(["ec2:deletevolume"]);
      expect(u).toEqual(["ec2:deletesnapshot", "ec2:deletevolume"]);
    }
    expect(statementEffectKey([copy], universe)).not.toBe(statementEffectKey([uncertain], universe));
    expect(statementEffectKey([copy], universe)).toBe(statementEffectKey([deny.statements[0]], universe));
  });

  it("a boundary shared by copies caps each principal, and grants still point at their own statements", () => {
    const boundary = doc({ Effect: "Allow", Action: "ec2:*", Resource: "arn:aws:ec2:*:*:volume/*" });
    const a = withVia(shared, "a").statements;
    const b = withVia(shared, "b").statements;
    const ra = rights(a, withVia(boundary, "a.permissions_boundary").statements);
    const rb = rights(b, withVia(boundary, "b.permissions_boundary").statements);
    const rc = rights(withVia(shared, "c").statements);
    expect(grantsFor(ra, "ec2:DeleteVolume").map((g) => [g.statement.source.via, g.resources, g.conditional])).toEqual([["a", ["arn:aws:ec2:*:*:volume/*"], false]]);
    expect(grantsFor(rb, "ec2:DeleteVolume").map((g) => [g.statement.source.via, g.resources, g.conditional])).toEqual([["b", ["arn:aws:ec2:*:*:volume/*"], false]]);
    expect(grantsFor(rc, "ec2:DeleteVolume").map((g) => [g.statement.source.via, g.resources])).toEqual([["c", ["*"]]]);
  });
});

describe("one policy attached to several agents", () => {
  const json = tf({
    "aws_iam_policy.shared": { name: "shared", policy: policy({ Effect: "Allow", Action: ["ec2:DeleteVolume", "ec2:DeleteSnapshot"], Resource: "*" }) },
    "aws_iam_policy.guard": { name: "guard", policy: policy({ Effect: "Deny", Action: "ec2:DeleteSnapshot", Resource: "*" }) },
    "aws_iam_role.a": { name: "a", assume_role_policy: TRUST, tags: AGENT },
    "aws_iam_role.b": { name: "b", assume_role_policy: TRUST, tags: AGENT },
    "aws_iam_role.c": { name: "c", assume_role_policy: TRUST, tags: AGENT },
    "aws_iam_role_policy_attachment.sa": { role: "${aws_iam_role.a.name}", policy_arn: "${aws_iam_policy.shared.arn}" },
    "aws_iam_role_policy_attachment.sb": { role: "${aws_iam_role.b.name}", policy_arn: "${aws_iam_policy.shared.arn}" },
    "aws_iam_role_policy_attachment.sc": { role: "${aws_iam_role.c.name}", policy_arn: "${aws_iam_policy.shared.arn}" },
    // a's guard certainly applies; b's may not exist (its Deny is not relied on); c has none.
    "aws_iam_role_policy_attachment.ga": { role: "${aws_iam_role.a.name}", policy_arn: "${aws_iam_policy.guard.arn}" },
    "aws_iam_role_policy_attachment.gb": { count: "${var.maybe}", role: "${aws_iam_role.b.name}", policy_arn: "${aws_iam_policy.guard.arn}" },
  }, { variable: { maybe: {} } });

  it("each agent's findings name its own attachment and reflect its own Denies", () => {
    const found = errors(check(json), "agent-destroy-right").map((f) => ({
      principal: f.principal,
      actions: f.actions,
      attachments: f.evidence.filter((e) => e.step === "attachment").map((e) => e.address),
    }));
    const of = (p: string) => found.filter((f) => f.principal === p);
    expect(of("aws_iam_role.a")).toEqual([expect.objectContaining({ attachments: ["aws_iam_role_policy_attachment.sa"] })]);
    expect(of("aws_iam_role.b")).toEqual([expect.objectContaining({ attachments: ["aws_iam_role_policy_attachment.sb"] })]);
    expect(of("aws_iam_role.c")).toEqual([expect.objectContaining({ attachments: ["aws_iam_role_policy_attachment.sc"] })]);
    expect(of("aws_iam_role.a")[0].actions).not.toContain("ec2:DeleteSnapshot");
    expect(of("aws_iam_role.b")[0].actions).toContain("ec2:DeleteSnapshot");
    expect(of("aws_iam_role.c")[0].actions).toContain("ec2:DeleteSnapshot");
  });
});
