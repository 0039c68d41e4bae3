/**
 * Red-team round 68 (report B, finding 3): pass() applied NFKD before its table lookups, so a hand-table entry whose
 * character NFKD changes never fired (U+03F2 ϲ became ς: "aliϲe" passed beside bound alice), and Unicode's
 * confusables of such characters were never looked up (U+FFE8 ￨ became │). Characters are looked up as written and
 * after NFKD; every hand-table entry is reachable; ￨, Tai Le ᥱ, insular ꞃ and ᶅ (and letters like them) fold.
 */
import { LOOK_ALIKES, nameSkeleton } from "../../lib/plan/name-skeleton";
import { unboundSigner } from "./unbound-signer";

const signer = unboundSigner();
const malloryAs = (by: string) => signer.signAs(by, ["alice=owner.pub.pem", "mallory.pub.pem"]);

describe("RT68-B3: look-alikes that NFKD hid, and letters the tables lacked", () => {
  test("every hand-table entry is reachable: the character reads as its letter", () => {
    const dead = Object.entries(LOOK_ALIKES).filter(([c, ascii]) => nameSkeleton(`x${c}x`) !== nameSkeleton(`x${ascii}x`));
    expect(dead).toEqual([]);
  });

  test("ϲ (U+03F2), ￨ (U+FFE8), ᥱ (U+1971), ꞃ (U+A783), ᶅ (U+1D85) and their like read as ASCII letters", () => {
    const pairs: [string, string][] = [
      ["ali\u03f2e", "alice"],
      ["a\uffe8ice", "alice"],
      ["alic\u1971", "alice"],
      ["ma\ua783ta", "marta"],
      ["a\u1d85ice", "alice"],
      ["\u03f9arol", "carol"],
      // Hand-table entries read as written, before NFKD: the long s as f (NFKD: s), an anusvara as o (NFKD: dropped).
      ["\u017fred", "fred"],
      ["j\u0c02hn", "john"],
    ];
    for (const [look, name] of pairs) expect([look, nameSkeleton(look)]).toEqual([look, nameSkeleton(name)]);
  });

  test("at the gate: aliϲe and a￨ice from an unbound key are refused beside bound alice", async () => {
    for (const by of ["ali\u03f2e", "a\uffe8ice", "alic\u1971", "a\u1d85ice"]) {
      const r = await malloryAs(by);
      expect([by, r.code, r.approval.accepted]).toEqual([by, 1, false]);
    }
  });

  test("controls: accented and compatibility forms still fold as before; names of their own stay apart", async () => {
    for (const [a, b] of [["J\u00f6rg", "jorg"], ["j\u01a1rg", "jorg"], ["\uff41lice", "alice"], ["\u2460a", "la"], ["Zo\u00eb \u00d1", "zoe n"]]) expect([a, nameSkeleton(a)]).toEqual([a, nameSkeleton(b)]);
    for (const [a, b] of [["alice", "malice"], ["marta", "martin"], ["\u674e\u96f7", "\u674e\u96f6"]]) expect(nameSkeleton(a)).not.toBe(nameSkeleton(b));
    expect((await malloryAs("bob")).code).toBe(0);
  });
});
