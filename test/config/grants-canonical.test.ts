/**
 * The grants digest writes canonical JSON directly (canonicalText) instead of through a replacer that copied every
 * object with its keys sorted (keysInOrder), which made the digests a third of a large stack's analysis. Both must
 * write the same text, or every pinned acknowledgement would break: checked on seeded random JSON values with the
 * keys JavaScript enumerates first (integer-like ones), escapes, and values JSON leaves out.
 */
import { canonicalText } from "../../lib/config/grants-digest";
import { compareText } from "../../lib/engine/text";

/** The replacer the digests used to write canonical JSON with: each object as a copy with its keys sorted. */
function keysInOrder(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const v = value as Record<string, unknown>;
  return Object.fromEntries(Object.keys(v).sort(compareText).map((k) => [k, v[k]]));
}

function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x * 1664525 + 1013904223) >>> 0;
    return x / 4294967296;
  };
}

const KEYS = ["b", "a", "A", "0", "10", "2", "01", "-1", "1.5", "ä", "z\u0000", "__proto__x", "4294967295", "4294967294", "key with space", "\"q\""];

function value(r: () => number, depth: number): unknown {
  const k = r();
  if (depth > 3 || k < 0.3) {
    const leaves = [null, true, false, 0, -0, 1.5, 1e21, NaN, Infinity, "", "é\n\"\\", "${aws_iam_role.x.arn}", undefined];
    return leaves[Math.floor(r() * leaves.length)];
  }
  if (k < 0.6) return Array.from({ length: Math.floor(r() * 4) }, () => value(r, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(r() * 6); i > 0; i--) o[KEYS[Math.floor(r() * KEYS.length)]] = value(r, depth + 1);
  return o;
}

describe("canonicalText", () => {
  test("writes what JSON.stringify(value, keysInOrder) writes, for 2,000 seeded random values", () => {
    const r = rng(141);
    for (let i = 0; i < 2000; i++) {
      const v = value(r, 0);
      expect(canonicalText(v)).toBe(JSON.stringify(v, keysInOrder) ?? "null");
    }
  });

  test("the same object with its keys written in another order is one text", () => {
    expect(canonicalText({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(canonicalText({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }));
  });

  test("control: another value is another text", () => {
    expect(canonicalText({ a: [1, 2] })).not.toBe(canonicalText({ a: [2, 1] }));
  });
});
