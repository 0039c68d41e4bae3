import { certainListItems } from "../../lib/engine/terraform/certain-list-items";

describe("certainListItems: what a list expression holds whatever -var sets (red-team round 165, F6)", () => {
  test("the literal tuples of a concat, and a bare tuple", () => {
    expect(certainListItems('${concat(["guard"], var.extra)}')).toEqual(["guard"]);
    expect(certainListItems('${concat(var.extra, ["a", aws_iam_role_policy.guard.name], local.more)}')).toEqual(["a", "${aws_iam_role_policy.guard.name}"]);
    expect(certainListItems('${["guard", "work"]}')).toEqual(["guard", "work"]);
    // A literal `$${` stays escaped, as Terraform JSON writes it.
    expect(certainListItems('${concat(["a$${b}"], var.x)}')).toEqual(["a$${b}"]);
  });
  test("nothing where an item or the expression may follow a variable, or is not read exactly", () => {
    for (const v of [
      "${var.names}",
      '${concat([var.g], var.extra)}',
      '${concat([local.g, data.aws_iam_policy.p.name, each.value], var.extra)}',
      '${concat(["g-${var.env}"], var.extra)}',
      '${setsubtract(["guard"], var.drop)}',
      '${concat(["guard"]...)}',
      '${[for k, v in local.pols : v.name]}',
      'x${concat(["guard"], var.extra)}',
      '%{ if true }${concat(["guard"], var.extra)}%{ endif }',
      '${concat(["guard"], var.extra',
      ["guard"],
    ]) {
      expect([v, certainListItems(v)]).toEqual([v, undefined]);
    }
  });
});
