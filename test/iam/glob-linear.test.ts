/**
 * globMatch without a backtracking RegExp (red-team round 98): a pattern with a few stars against a long text that
 * repeats its literals (`*a*a*a*b?` against a 256-character tag value in a backup selection's string_like) cost
 * O(|t|^stars) when the pattern was compiled to a RegExp.
 */
import { prng } from "../../scripts/bench-fixtures";
import { globMatch, globsIntersect } from "../../lib/engine/iam/glob";
import { pick } from "../helpers/random-text";

const CI = { caseInsensitive: true };

/**
 * The matcher as it was before (kept here as the reference): the six-segment ARN reading of `tokens()` and one
 * anchored RegExp per pattern, `[^:]` for segment wildcards. Only ever given short texts here.
 */
function reference(pattern: string, text: string, ci: boolean): boolean {
  const SEG_STAR = "\uE000";
  const SEG_ONE = "\uE001";
  const wild = (s: string) => s.includes("*") || s.includes("?");
  let p = pattern.replace(/\*{2,}/g, "*");
  if (p.startsWith("arn:") && wild(p)) {
    const colons = [...p].reduce<number[]>((acc, c, i) => (c === ":" && acc.length < 5 ? [...acc, i] : acc), []);
    if (colons.length === 5 && wild(p.slice(0, colons[4]))) {
      p = p.slice(0, colons[4]).replace(/\*/g, SEG_STAR).replace(/\?/g, SEG_ONE) + p.slice(colons[4]);
    }
  }
  if (p === "*") return true;
  if (!wild(p) && !p.includes(SEG_STAR) && !p.includes(SEG_ONE)) return ci ? text.toLowerCase() === p.toLowerCase() : text === p;
  let source = "^";
  for (const ch of p) {
    if (ch === "*") source += "[\\s\\S]*";
    else if (ch === "?") source += "[\\s\\S]";
    else if (ch === SEG_STAR) source += "[^:]*";
    else if (ch === SEG_ONE) source += "[^:]";
    else source += ch.replace(/[.+^${}()|[\]\\/-]/g, "\\$&");
  }
  return new RegExp(source + "$", ci ? "i" : "").test(text);
}

describe("globMatch is linear on repeated literals", () => {
  it("answers the pathological pair (minutes with a backtracking RegExp)", () => {
    // 4 stars, the most the old code compiled to a RegExp; 4096 characters: about n^4/24 ≈ 10^13 backtracking steps.
    // The trailing `?` gets past globsIntersect's check of the literal ends.
    const text = "a".repeat(4096);
    expect(globMatch("*a*a*a*b?", text)).toBe(false);
    expect(globMatch("*a*a*a*b?", text + "bx")).toBe(true);
    expect(globMatch("*A*a*A*b?", text, CI)).toBe(false);
    expect(globsIntersect("*a*a*a*b?", text)).toBe(false);
    expect(globMatch("arn:aws:s3:*:*:*a*a*a*b?", "arn:aws:s3:::" + text)).toBe(false);
    expect(globMatch("arn:aws:s3:*:*:*a*a*a*b?", "arn:aws:s3:::" + text + "bc")).toBe(true);
  });

  it("gives the old answers on thousands of random pairs (case, ?, *, ARN segments)", () => {
    const rand = prng(98);
    const wrong: string[] = [];
    let yes = 0;
    let total = 0;
    for (let k = 0; k < 6000; k++) {
      let p: string;
      let t: string;
      const shape = rand();
      if (shape < 0.45) {
        p = pick(rand, "aAbB*?*", 8);
        t = pick(rand, "aAbB", 10);
      } else if (shape < 0.9) {
        // Six segments (segment wildcards in the head), or fewer (the wide reading); the texts hold extra colons.
        const seg = () => pick(rand, "aB*?", 2);
        p = rand() < 0.6 ? "arn:" + [seg(), seg(), seg(), seg()].join(":") + ":" + pick(rand, "aA:*?", 5) : "arn:" + pick(rand, "a:*?B", 7);
        t = "arn:" + pick(rand, "aAb:", 12);
      } else {
        // Literal stars and question marks in the text, and private-use characters the matcher uses internally.
        p = pick(rand, "a*?:\uE000\uE001", 7);
        t = pick(rand, "a*?:\uE000", 8);
      }
      for (const ci of [false, true]) {
        total++;
        const want = reference(p, t, ci);
        if (want) yes++;
        if (globMatch(p, t, ci ? CI : undefined) !== want) wrong.push(`${JSON.stringify(p)} ${JSON.stringify(t)} ci=${ci} want ${want}`);
      }
    }
    expect(wrong).toEqual([]);
    // Not vacuous: a fair share of both answers.
    expect(yes).toBeGreaterThan(total / 20);
    expect(yes).toBeLessThan(total - total / 20);
  });
});
