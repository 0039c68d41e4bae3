import { MIN_REASON, NearIndex, compareText, nearest, visibleLength } from "../../lib/engine/text";
import { parseConfig } from "../../lib/config/load-config";
import { check, errors, safeAgentStack } from "../helpers/tf";

type Obj = Record<string, unknown>;

// Characters that put nothing on the screen, each of which an older count took for a letter or a sign.
const BLANKS: Record<string, string> = {
  "braille blank U+2800": "\u2800",
  "hangul filler U+3164": "\u3164",
  "hangul choseong filler U+115F": "\u115f",
  "hangul jungseong filler U+1160": "\u1160",
  "halfwidth hangul filler U+FFA0": "\uffa0",
  "soft hyphen U+00AD": "\u00ad",
  "combining grapheme joiner U+034F": "\u034f",
  "mongolian vowel separator U+180E": "\u180e",
  "variation selector-16 U+FE0F": "\ufe0f",
  "NUL": "\u0000",
  "ESC": "\u001b",
  "tag character U+E0041": "\u{e0041}",
  "ideographic space U+3000": "\u3000",
  "line separator U+2028": "\u2028",
};

describe("visibleLength", () => {
  test.each(Object.entries(BLANKS))("%s does not count", (_name, c) => {
    expect(visibleLength(c.repeat(MIN_REASON * 2))).toBe(0);
  });

  test("letters, numbers, punctuation and symbols count once per character", () => {
    expect(visibleLength("reviewed by SRE, ticket #42 ✓")).toBe(24);
    expect(visibleLength("東京のチーム")).toBe(6);
    expect(visibleLength("😀😀")).toBe(2);
  });

  test("a mark counts only with the letter it sits on", () => {
    expect(visibleLength("e\u0301e\u0301")).toBe(2);
    expect(visibleLength("\u0301".repeat(20))).toBe(0);
  });

  test("blanks mixed into a short reason do not lift it over the minimum", () => {
    expect(visibleLength(`ok${"\u2800\u3164\u00ad\ufe0f".repeat(5)}`)).toBeLessThan(MIN_REASON);
  });
});

describe("acknowledgements whose reason shows nothing", () => {
  const ack = (reason: string) => ({ ruleId: "agent-destroy-right", principal: "aws_iam_role.agent", reason });

  test.each(Object.entries(BLANKS))("blastwall.json refuses a reason of %s", (_name, c) => {
    expect(() => parseConfig({ acknowledgements: [ack(c.repeat(MIN_REASON))] }, "blastwall.json")).toThrow(/reason/);
  });

  test.each(Object.entries(BLANKS))("in code, a reason of %s acknowledges nothing", (_name, c) => {
    const json = safeAgentStack([{ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }], ["iam:*"]);
    const role = ((json.resource as Obj).aws_iam_role as Obj).agent as Obj;
    role["//"] = { blastwall: { acknowledgements: [{ ruleId: "agent-destroy-right", reason: c.repeat(MIN_REASON) }] } };
    expect(errors(check(json, { acknowledgementsInCode: true }), "agent-destroy-right")).toHaveLength(1);
  });

  test("a reason a reader can see still acknowledges", () => {
    const json = safeAgentStack([{ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }], ["iam:*"]);
    const role = ((json.resource as Obj).aws_iam_role as Obj).agent as Obj;
    role["//"] = { blastwall: { acknowledgements: [{ ruleId: "agent-destroy-right", reason: "volume janitor, reviewed" }] } };
    expect(errors(check(json, { acknowledgementsInCode: true }), "agent-destroy-right")).toHaveLength(0);
    expect(() => parseConfig({ acknowledgements: [ack("volume janitor, reviewed")] }, "blastwall.json")).not.toThrow();
  });
});

// Red-team round 147, F1: the near-match search for unmatched protected entries compared every name of a type, and
// `nearest` spread its scores into Math.min, which overflows the stack past about 125,000 of them.
describe("nearest and NearIndex", () => {
  // Plain Levenshtein over the whole table, case-folded: what both must agree with.
  const levenshtein = (a: string, b: string): number => {
    a = a.toLowerCase();
    b = b.toLowerCase();
    const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
    for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    return rows[a.length][b.length];
  };
  const reference = (word: string, candidates: readonly string[]): string[] => {
    const limit = Math.max(1, Math.floor(word.length / 3));
    const scored = candidates.map((c) => [levenshtein(word, c), c] as const).filter(([d]) => d <= limit);
    const best = scored.reduce((m, [d]) => Math.min(m, d), Infinity);
    return scored.filter(([d]) => d === best).map(([, c]) => c).sort(compareText).slice(0, 3);
  };
  // A fixed sequence, so a failure is the same on every run.
  const words = (seed: number, count: number): string[] => {
    let x = seed;
    const next = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
    return Array.from({ length: count }, () => Array.from({ length: 2 + Math.floor(next() * 9) }, () => "abAB_"[Math.floor(next() * 5)]).join(""));
  };

  test("both give what a plain Levenshtein gives: the closest within a third of the length, ties in text order, at most 3", () => {
    const pool = words(7, 200);
    for (const word of words(11, 150)) {
      expect(nearest(word, pool)).toEqual(reference(word, pool));
      expect(new NearIndex(pool).nearest(word)).toEqual(reference(word, [...new Set(pool)]));
    }
  });

  test("more candidates within the limit than a call may take arguments: the closest, no stack overflow", () => {
    const many = new Array<string>(130_000).fill("abcdefgxyz", 0, 100_000).fill("abcdefghix", 100_000, 100_001).fill("abcdefgxyz", 100_001);
    expect(nearest("abcdefghij", many)).toEqual(["abcdefghix"]);
  });

  const names = Array.from({ length: 20_000 }, (_, i) => `bucket_number_${String(i).padStart(5, "0")}`);
  const index = new NearIndex(names);

  test("past its caps (20,000 names of one length) a slip at the end, the start or the middle is still found", () => {
    expect(index.nearest("bucket_number_12345x")).toEqual(["bucket_number_12345"]);
    expect(index.nearest("xucket_number_12345")).toEqual(["bucket_number_12345"]);
    expect(index.nearest("bucket_numbr_12345")).toEqual(["bucket_number_12345"]);
    expect(index.nearest("Bucket_Number_00007")).toEqual(["bucket_number_00007"]);
  });

  test("past its caps, what it names is as close as the closest there is, and within the limit", () => {
    // Each is one edit from more names than are shown (and no name is the word), so the caps decide which ones.
    for (const [word, best] of [["bucket_number_1234", 1], ["bucket_number_123456", 1]] as const) {
      const got = index.nearest(word);
      expect(got).toHaveLength(3);
      for (const c of got) expect(levenshtein(word, c)).toBe(best);
    }
  });

  test("control: nothing within the limit is nothing, however many names", () => {
    expect(index.nearest("queue_alerts")).toEqual([]);
    expect(nearest("queue_alerts", names)).toEqual([]);
  });
});
