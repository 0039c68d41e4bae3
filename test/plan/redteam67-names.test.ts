/**
 * Red-team round 67 (report B, findings 3 and 4): approver names that read alike. "Alice  Smith" (two spaces, which
 * HTML, PR comments and SARIF viewers show as one) and "alicɘ" (U+0258) were accepted from a key --trust gives no
 * name beside a bound "alice smith" / "alice". And "dara" beside bound "clara" is refused (d reads as cl): the
 * refusal stays, but tells the user how to fix it.
 */
import { nameSkeleton } from "../../lib/plan/name-skeleton";
import { unboundSigner } from "./unbound-signer";

const signer = unboundSigner();

/** Mallory's key, trusted with no name, signs as `by`; `trust` binds names to the owner's key. */
const malloryAs = (by: string, trust: string[]) => signer.signAs(by, trust);

describe("RT67-B3: whitespace and missing look-alike letters", () => {
  test("runs of Unicode whitespace read as one space, and ends are trimmed", () => {
    const bound = nameSkeleton("alice smith");
    for (const name of ["Alice  Smith", "alice\u00a0smith", "alice\u2009smith", "alice \u3000 smith", " alice smith", "alice smith\t", "alice\u2003\u2003smith"]) expect([name, nameSkeleton(name)]).toEqual([name, bound]);
  });

  test("Latin Extended and IPA letters that read as ASCII letters", () => {
    for (const [c, ascii] of [["\u0258", "e"], ["\u01dd", "e"], ["\u0259", "e"], ["\u025b", "e"], ["\u0251", "a"], ["\u0261", "g"], ["\u0269", "i"], ["\u029f", "l"], ["\u0131", "i"], ["\u0237", "j"], ["\u028a", "u"], ["\u027e", "r"], ["\u0255", "c"], ["\u029d", "j"], ["\u0272", "n"], ["\u014b", "n"], ["\u026c", "l"], ["\u0236", "t"], ["\u0185", "b"], ["\u024b", "q"], ["\u029e", "k"]]) {
      expect([c, nameSkeleton(`x${c}x`)]).toEqual([c, nameSkeleton(`x${ascii}x`)]);
    }
  });

  test("at the gate: Alice  Smith (two spaces) and alicɘ from an unbound key are refused", async () => {
    const a = await malloryAs("Alice  Smith", ["alice smith=owner.pub.pem", "mallory.pub.pem"]);
    expect([a.code, a.approval.accepted]).toEqual([1, false]);
    expect(a.approval.reason).toMatch(/^name bound to another key/);
    const b = await malloryAs("alic\u0258", ["alice=owner.pub.pem", "mallory.pub.pem"]);
    expect([b.code, b.approval.accepted]).toEqual([1, false]);
  });

  test("controls: other names pass from the unbound key", async () => {
    expect((await malloryAs("alice smithson", ["alice smith=owner.pub.pem", "mallory.pub.pem"])).code).toBe(0);
    expect((await malloryAs("bob", ["alice=owner.pub.pem", "mallory.pub.pem"])).code).toBe(0);
    expect(nameSkeleton("Zoë Ñ 李")).toBe(nameSkeleton("zoe n 李"));
  });
});

describe("RT67-B4: d → cl and i → l folds keep refusing, and say how to fix it", () => {
  test.each([["dara", "clara"], ["ilsa", "lisa"], ["daire", "claire"], ["elia", "ella"]])("%s beside bound %s: refused, the reason names --trust NAME=KEY.pem", async (by, bound) => {
    const r = await malloryAs(by, [`${bound}=owner.pub.pem`, "mallory.pub.pem"]);
    expect([r.code, r.approval.accepted]).toEqual([1, false]);
    expect(r.approval.reason).toMatch(/^name bound to another key: /);
    expect(r.approval.reason).toContain(`--trust ${by}=KEY.pem`);
  });

  test("the fix works: dara's key bound to dara is accepted beside bound clara", async () => {
    expect((await malloryAs("dara", ["clara=owner.pub.pem", "dara=mallory.pub.pem"])).code).toBe(0);
  });
});
