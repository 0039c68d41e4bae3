import { prng } from "../../scripts/bench-fixtures";
import { globCovers, globMatch, globsIntersect } from "../../lib/engine/iam/glob";

const CI = { caseInsensitive: true };

/** Brute-force reference: all strings over a small alphabet up to a length, for checking the DPs. */
function allStrings(alphabet: string, maxLen: number): string[] {
  const out = [""];
  let layer = [""];
  for (let n = 1; n <= maxLen; n++) {
    layer = layer.flatMap((s) => [...alphabet].map((c) => s + c));
    out.push(...layer);
  }
  return out;
}


function randomPattern(rand: () => number, tokens: string, maxLen: number): string {
  const n = Math.floor(rand() * (maxLen + 1));
  let p = "";
  for (let i = 0; i < n; i++) p += tokens[Math.floor(rand() * tokens.length)];
  return p;
}

describe("globMatch", () => {
  it("matches * across : and /", () => {
    expect(globMatch("arn:aws:ec2:*:volume/*", "arn:aws:ec2:us-east-1:123:volume/vol-1")).toBe(true);
    expect(globMatch("arn:*", "arn:aws:s3:::b/k/x")).toBe(true);
    expect(globMatch("*", "")).toBe(true);
  });

  it("matches ? as exactly one character", () => {
    expect(globMatch("vol-?", "vol-1")).toBe(true);
    expect(globMatch("vol-?", "vol-")).toBe(false);
    expect(globMatch("vol-?", "vol-12")).toBe(false);
  });

  it("anchors at both ends", () => {
    expect(globMatch("ec2:delete*", "xec2:deletevolume", CI)).toBe(false);
    expect(globMatch("ec2:delete", "ec2:deletevolume", CI)).toBe(false);
  });

  it("is case-sensitive unless asked", () => {
    expect(globMatch("arn:aws:s3:::Bucket", "arn:aws:s3:::bucket")).toBe(false);
    expect(globMatch("ec2:Delete*", "EC2:DELETEVOLUME", CI)).toBe(true);
    expect(globMatch("EC2:DeleteVolume", "ec2:deletevolume", CI)).toBe(true);
  });

  it("treats regex metacharacters literally", () => {
    expect(globMatch("a.b(c)[d]+$^|{e}\\f/g-h", "a.b(c)[d]+$^|{e}\\f/g-h")).toBe(true);
    expect(globMatch("a.b", "axb")).toBe(false);
    expect(globMatch("${x}", "${x}")).toBe(true);
  });

  it("uses the same answer on a cached pattern and with many stars (no exponential backtracking)", () => {
    expect(globMatch("*a*a*a*a*a*a*a*b", "a".repeat(60))).toBe(false);
    expect(globMatch("*a*a*a*a*a*a*a*b", "a".repeat(60) + "b")).toBe(true);
    expect(globMatch("*a*a*a*a*a*A*a*B", "a".repeat(60) + "b", CI)).toBe(true);
    expect(globMatch("x*y*z*w*v*", "xyzwv")).toBe(true);
    expect(globMatch("x*y*z*w*v*?", "xyzwv")).toBe(false);
  });

  it("agrees with a brute-force reference on random patterns (many-star path included)", () => {
    const rand = prng(7);
    const texts = allStrings("ab", 5);
    const wrong: string[] = [];
    for (let k = 0; k < 300; k++) {
      const p = randomPattern(rand, "ab*?*", 8);
      const re = new RegExp("^" + p.replace(/\*/g, ".*").replace(/\?/g, ".") + "$");
      for (const t of texts) if (globMatch(p, t) !== re.test(t)) wrong.push(`${p} ${t}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe("globsIntersect", () => {
  it("finds a common string for two role patterns", () => {
    expect(globsIntersect("arn:aws:iam::*:role/agents/*", "arn:aws:iam::*:role/*deploy*")).toBe(true);
    expect(globsIntersect("arn:aws:iam::*:role/agents/*", "arn:aws:iam::*:user/*")).toBe(false);
  });

  it("handles literals, ? and case", () => {
    expect(globsIntersect("vol-1", "vol-1")).toBe(true);
    expect(globsIntersect("vol-1", "vol-2")).toBe(false);
    expect(globsIntersect("vol-?", "vol-12")).toBe(false);
    expect(globsIntersect("vol-??", "vol-1*")).toBe(true);
    expect(globsIntersect("a*", "*b")).toBe(true);
    expect(globsIntersect("a?c", "?b?")).toBe(true);
    expect(globsIntersect("a?c", "?b?d")).toBe(false);
    expect(globsIntersect("Prod-*", "prod-*")).toBe(false);
    expect(globsIntersect("Prod-*", "prod-*", CI)).toBe(true);
  });

  it("agrees with brute force on random pattern pairs", () => {
    // A shortest common string never loops on two stars at once, so each character moves at least one pattern
    // forward: for patterns of <= 5 tokens a witness has <= 10 characters, and wildcards can always take "a".
    // Strings over {a,b} up to length 10 therefore make a complete reference.
    const rand = prng(11);
    const texts = allStrings("ab", 10);
    const wrong: string[] = [];
    let yes = 0;
    for (let k = 0; k < 300; k++) {
      const a = randomPattern(rand, "ab*?", 5);
      const b = randomPattern(rand, "ab*?", 5);
      const ref = texts.some((t) => globMatch(a, t) && globMatch(b, t));
      if (ref) yes++;
      if (globsIntersect(a, b) !== ref) wrong.push(`${a} ${b}`);
    }
    expect(wrong).toEqual([]);
    expect(yes).toBeGreaterThan(30);
    expect(yes).toBeLessThan(290);
  });
});

describe("globCovers", () => {
  it("says yes for true containments", () => {
    expect(globCovers("*", "anything*")).toBe(true);
    expect(globCovers("arn:aws:ec2:*:*:volume/*", "arn:aws:ec2:us-east-1:123:volume/prod-*")).toBe(true);
    expect(globCovers("arn:aws:ec2:*", "arn:aws:ec2:*:*:volume/vol-?")).toBe(true);
    expect(globCovers("vol-?", "vol-1")).toBe(true);
    expect(globCovers("vol-*", "vol-?")).toBe(true);
    expect(globCovers("a*b", "a*b")).toBe(true);
    expect(globCovers("a*", "a*b*")).toBe(true);
    expect(globCovers("EC2:*", "ec2:delete*", CI)).toBe(true);
  });

  it("says no when inner reaches beyond outer", () => {
    expect(globCovers("arn:aws:ec2:*:*:volume/prod-*", "arn:aws:ec2:*:*:volume/*")).toBe(false);
    expect(globCovers("vol-?", "vol-*")).toBe(false);
    expect(globCovers("vol-1", "vol-?")).toBe(false);
    expect(globCovers("a*b", "a*")).toBe(false);
    expect(globCovers("Vol-*", "vol-1")).toBe(false);
    expect(globCovers("*x*", "*")).toBe(false);
  });

  it("never claims a containment brute force refutes (soundness on random pairs)", () => {
    const rand = prng(13);
    const texts = allStrings("ab", 7);
    const wrong: string[] = [];
    let yes = 0;
    for (let k = 0; k < 1500; k++) {
      const outer = randomPattern(rand, "ab*?", 5);
      const inner = randomPattern(rand, "ab*?", 5);
      if (!globCovers(outer, inner)) continue;
      yes++;
      for (const t of texts) if (globMatch(inner, t) && !globMatch(outer, t)) wrong.push(`${outer} ${inner} ${t}`);
    }
    expect(wrong).toEqual([]);
    expect(yes).toBeGreaterThan(50); // the check is exercised, not vacuous
  });
});


/**
 * Reference for ARN patterns, written independently of the implementation: a six-segment ARN pattern keeps
 * the wildcards of its first five segments inside them ([^:]), everything else reads widely.
 */
function arnReference(p: string): RegExp {
  const wide = (x: string) => x.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[\\s\\S]*").replace(/\?/g, "[\\s\\S]");
  const narrow = (x: string) => x.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^:]*").replace(/\?/g, "[^:]");
  const parts = p.split(":");
  if (!p.startsWith("arn:") || parts.length < 6) return new RegExp("^" + wide(p) + "$");
  return new RegExp("^" + parts.slice(0, 5).map(narrow).join(":") + ":" + wide(parts.slice(5).join(":")) + "$");
}

describe("ARN patterns: segment wildcards", () => {
  it("keep the wildcards of partition, service, region and account inside their segment", () => {
    expect(globMatch("arn:aws:ec2:*:*:volume/*", "arn:aws:ec2:us-east-1:123:volume/v")).toBe(true);
    expect(globMatch("arn:aws:ec2:*:*:volume/*", "arn:aws:ec2:a:b:c:volume/v")).toBe(false);
    expect(globMatch("arn:aws:ec2:??-east-1:*:*", "arn:aws:ec2:us-east-1:1:x")).toBe(true);
    expect(globMatch("arn:aws:ec2:?:*:*", "arn:aws:ec2:::x")).toBe(false);
    expect(globsIntersect("arn:aws:ec2:*:*:volume/dev-*", "arn:aws:ec2:*:*:volume/prod-*")).toBe(false);
    expect(globsIntersect("arn:aws:ec2:*:*:volume/prod-*", "arn:aws:ec2:*:*:volume/prod-1")).toBe(true);
    expect(globsIntersect("arn:aws:ec2:us-east-1:*:volume/*", "arn:aws:ec2:??-west-1:*:volume/v")).toBe(false);
  });

  it("leave the resource part and short patterns wide", () => {
    expect(globMatch("arn:aws:logs:*:*:log-group:*", "arn:aws:logs:r:1:log-group:app:log-stream:x")).toBe(true);
    expect(globMatch("arn:aws:ec2:*", "arn:aws:ec2:us-east-1:1:volume/v")).toBe(true);
    expect(globMatch("arn:aws:ec2:*:volume/*", "arn:aws:ec2:us-east-1:1:volume/v")).toBe(true); // missing segment
    expect(globsIntersect("arn:aws:ec2:*", "arn:aws:ec2:*:*:volume/prod-1")).toBe(true);
    expect(globsIntersect("arn:aws:s3:::b/a:b", "arn:aws:s3:::b/*")).toBe(true);
  });

  it("covers: a segment star covers segment wildcards and colon-free text, not a wide star", () => {
    expect(globCovers("arn:aws:ec2:*:*:volume/*", "arn:aws:ec2:us-*:1?:volume/prod-*")).toBe(true);
    expect(globCovers("arn:aws:ec2:*:*:*", "arn:aws:ec2:*:*:volume/*")).toBe(true);
    expect(globCovers("arn:aws:ec2:*:*:volume/*", "arn:aws:ec2:*")).toBe(false);
    expect(globCovers("arn:aws:ec2:*", "arn:aws:ec2:*:*:volume/*")).toBe(true);
    expect(globCovers("arn:*", "arn:aws:ec2:*:*:volume/*")).toBe(true);
  });

  const rand = prng(23);
  // Half six-segment patterns (segment reading), half free-form ones (mostly short: wide reading). The
  // reference searches strings of up to 12 characters after "arn:": each "true" from globsIntersect must be
  // confirmed by such a witness, and no "false" may have one (longer witnesses are not searched).
  const arnLike = () =>
    rand() < 0.5
      ? "arn:" + [0, 1, 2, 3].map(() => randomPattern(rand, "a*?", 1)).join(":") + ":" + randomPattern(rand, "a:*?", 2)
      : "arn:" + randomPattern(rand, "a:*?:", 6);
  const texts = allStrings("a:", 12).map((t) => "arn:" + t);
  const cases: [string, string][] = [];
  for (let k = 0; k < 250; k++) cases.push([arnLike(), arnLike()]);

  it("match, intersect and covers agree with the reference on random ARN-like patterns", () => {
    const wrong: string[] = [];
    let meet = 0;
    let cover = 0;
    for (const [a, b] of cases) {
      const ra = arnReference(a);
      const rb = arnReference(b);
      for (const t of texts) if (globMatch(a, t) !== ra.test(t)) wrong.push(`match ${a} ${t}`);
      const ref = texts.some((t) => ra.test(t) && rb.test(t));
      if (ref) meet++;
      if (globsIntersect(a, b) !== ref) wrong.push(`intersect ${a} ${b}`);
      if (globCovers(a, b)) {
        cover++;
        for (const t of texts) if (rb.test(t) && !ra.test(t)) wrong.push(`covers ${a} ${b} ${t}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(meet).toBeGreaterThan(20);
    expect(cover).toBeGreaterThan(5);
  });
});
