/**
 * Red-team round 176: `markSettableByVariables` walks a value's objects 12 levels deep; a root variable named below that
 * (in a resource's argument, or in a local an argument names) was not seen, and the argument read as certain with the
 * variable's default. Below the walk the value's JSON text is read for its `${...}` tokens.
 */
import { isSettable, markSettableByVariables } from "../../lib/engine/terraform/settable-providers";

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
