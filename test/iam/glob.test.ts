import { globCovers, globMatch, globsIntersect, patternMeetsTarget } from "../../lib/engine/iam/glob";

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

/** Seeded PRNG (mulberry32) so generated cases are the same on every run. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
    expect(globsIntersect("arn:aws:iam::1:role/agents/*", "arn:aws:iam::1:user/*")).toBe(false);
  });

  it("lets a * run through colons (so two account-* ARN patterns of different kinds still meet)", () => {
    // "arn:aws:iam::x:user/:role/agents/y" matches both: the first `*` of the user pattern swallows nothing
    // special, the role pattern's account `*` swallows "x:user/". That is the IAM reading of a bare string
    // pattern; patternMeetsTarget below is the one to use against a real resource.
    expect(globsIntersect("arn:aws:iam::*:role/agents/*", "arn:aws:iam::*:user/*")).toBe(true);
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

describe("patternMeetsTarget", () => {
  it("does not let the target's unknown region/account run into its resource part", () => {
    expect(patternMeetsTarget("arn:aws:ec2:*:*:volume/dev-*", "arn:aws:ec2:*:*:volume/prod-1")).toBe(false);
    expect(patternMeetsTarget("arn:aws:ec2:*:*:volume/prod-*", "arn:aws:ec2:*:*:volume/prod-1")).toBe(true);
    expect(patternMeetsTarget("arn:aws:iam::*:user/*", "arn:aws:iam::*:role/agents/a")).toBe(false);
    expect(patternMeetsTarget("arn:aws:iam::*:role/agents/*", "arn:aws:iam::*:role/*deploy*")).toBe(true);
    expect(patternMeetsTarget("arn:aws:ec2:us-east-1:*:volume/*", "arn:aws:ec2:??-west-1:*:volume/v")).toBe(false);
  });

  it("keeps the policy side's colon-crossing star and the target's resource part", () => {
    expect(patternMeetsTarget("arn:aws:ec2:*", "arn:aws:ec2:*:*:volume/prod-1")).toBe(true);
    expect(patternMeetsTarget("*", "arn:aws:ec2:*:*:volume/prod-1")).toBe(true);
    expect(patternMeetsTarget("arn:aws:logs:*:*:log-group:app:*", "arn:aws:logs:*:*:log-group:*")).toBe(true);
    expect(patternMeetsTarget("arn:aws:s3:::b/a:b", "arn:aws:s3:::b/*")).toBe(true);
  });

  it("falls back to globsIntersect for targets that are not ARNs or have no wildcard", () => {
    expect(patternMeetsTarget("arn:*", "arn:aws:ec2:us-east-1:1:volume/v")).toBe(true);
    expect(patternMeetsTarget("arn:aws:ec2:*:*:volume/dev-*", "arn:aws:ec2:us-east-1:1:volume/prod-1")).toBe(false);
    expect(patternMeetsTarget("vol-*", "*")).toBe(true);
  });

  it("answers yes only where globsIntersect does (it only removes impossible witnesses)", () => {
    const rand = prng(17);
    for (let k = 0; k < 500; k++) {
      const p = "arn:" + randomPattern(rand, "a:*?", 6);
      const t = "arn:" + randomPattern(rand, "a:*?", 6);
      if (patternMeetsTarget(p, t)) expect([p, t, globsIntersect(p, t)]).toEqual([p, t, true]);
    }
  });
});
