/**
 * Red-team round 176: `markSettableByVariables` walks a value's objects 12 levels deep; a root variable named below that
 * (in a resource's argument, or in a local an argument names) was not seen, and the argument read as certain with the
 * variable's default. Below the walk the value's JSON text is read for its `${...}` tokens.
 */
import { isSettable, markSettableByVariables, rawTextOf, settableOther } from "../../lib/engine/terraform/settable-providers";

type Obj = Record<string, unknown>;

/** `leaf` under `n` levels of objects: `{ l0: { l1: ... leaf } }`. */
const nested = (n: number, leaf: unknown): unknown => (n === 0 ? leaf : { [`l${n}`]: nested(n - 1, leaf) });

const marked = (values: Obj, locals?: Map<string, unknown>, key = "setting") => {
  const r = { values };
  markSettableByVariables([r], undefined, locals);
  return isSettable(r.values, key);
};

describe("a root variable nested deep in a value", () => {
  test("in a resource's argument, 20 levels down: settable", () => {
    expect(marked({ setting: nested(20, "${var.env}") })).toBe(true);
  });

  test("in a local the argument names, 20 levels down: settable", () => {
    expect(marked({ setting: "${local.cfg}" }, new Map([["cfg", nested(20, "${var.env}")]]))).toBe(true);
  });

  test("controls: 3 levels down is settable; 20 levels of plain text, or a variable the var-file gives, are not", () => {
    expect(marked({ setting: nested(3, "${var.env}") })).toBe(true);
    expect(marked({ setting: nested(20, "prod") })).toBe(false);
    expect(marked({ setting: "${local.cfg}" }, new Map([["cfg", nested(20, "prod")]]))).toBe(false);
    const r = { values: { setting: nested(20, "${var.env}") } as Obj };
    markSettableByVariables([r], new Map([["env", "prod"]]));
    expect(isSettable(r.values, "setting")).toBe(false);
  });
});

/**
 * Red-team round 178 (lead): a root variable named only in a template directive decides which text is printed
 * (`%{ if var.env == "p" }`) or how often (`%{ for x in var.list }`): settable as one interpolated, at any depth.
 */
describe("a root variable named only in a template directive", () => {
  test("%{ if } and %{ for }, in an argument (3 and 20 levels down) and in a local the argument names: settable", () => {
    for (const leaf of ['%{ if var.env == "p" }a%{ endif }', "%{ for x in var.list }${x},%{ endfor }", '%{~ if var.env == "p" ~}a%{~ endif ~}']) {
      expect(marked({ setting: nested(3, leaf) })).toBe(true);
      expect(marked({ setting: nested(20, leaf) })).toBe(true);
      expect(marked({ setting: "${local.cfg}" }, new Map([["cfg", leaf]]))).toBe(true);
    }
  });

  test("controls: an escaped %%{ is literal text; a directive over a local of literals, or a variable the var-file gives, is not settable", () => {
    expect(marked({ setting: '%%{ if var.env == "p" }a%%{ endif }' })).toBe(false);
    expect(marked({ setting: "%{ if local.on }a%{ endif }" }, new Map([["on", true]]))).toBe(false);
    const r = { values: { setting: '%{ if var.env == "p" }a%{ endif }' } as Obj };
    markSettableByVariables([r], new Map([["env", "p"]]));
    expect(isSettable(r.values, "setting")).toBe(false);
  });

  test("the other reading makes the text from the first such directive to the end of the last unknown; a %{ for } writes its list verbatim", () => {
    const values: Obj = { policy: "x${aws_a.b.c}%{ if var.e }y${var.f}%{ else }w%{ endif }z", list: '[%{ for s in var.sids }"${s}",%{ endfor }]', only: "%{ if var.e }a%{ endif }" };
    markSettableByVariables([{ values }]);
    expect(settableOther(values)).toEqual({ policy: "x${aws_a.b.c}blastwall-settable-unknownz", list: "[blastwall-settable-unknown]", only: "blastwall-settable-unknown" });
    // An `%{ if }` prints only its own text: no value of var.e is written into it (var.f is, by its own `${...}`).
    expect(rawTextOf(values, () => true)).toEqual([
      { path: ["policy"], tokens: ["${var.f}"] },
      { path: ["list"], tokens: ["${var.sids}"] },
    ]);
  });
});
