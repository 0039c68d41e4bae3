/**
 * Red-team round 69 (report B, findings 6 and 7):
 * - look-alikes still accepted beside a bound name: the fishhook l 𝼑 and the retroflex c 𝼝 (Latin Extended-G,
 *   which no scan had covered), ŀ (l with a middle dot, which NFKD makes l·), and Ɓ, Ɗ, Ƭ (Unicode's confusables read
 *   them as 'B, 'D, 'T, so they never met the plain letter). The apostrophe and middle dot the list or NFKD adds
 *   beside a letter are dropped, and the decorated letters of Latin Extended-G and the IPA blocks read as theirs;
 * - combining marks were dropped everywhere, so Indic vowel signs went too: राम, रीमा and रूमी, Tamil ரமா and
 *   ரீமா, Telugu ఉమ and ఉమా read alike and were refused. Marks are dropped only as accents of a Latin, Greek or
 *   Cyrillic letter (or a character that reads as one); elsewhere they are part of the letter and kept.
 */
import { nameSkeleton } from "../../lib/plan/name-skeleton";
import { unboundSigner } from "./unbound-signer";

const signer = unboundSigner();
const as = (by: string, bound: string) => signer.signAs(by, [`${bound}=owner.pub.pem`, "mallory.pub.pem"]);
const same = (a: string, b: string) => expect([a, nameSkeleton(a)]).toEqual([a, nameSkeleton(b)]);
const apart = (a: string, b: string) => expect([a, b, nameSkeleton(a) === nameSkeleton(b)]).toEqual([a, b, false]);

describe("RT69-B6: decorated letters, and the marks the confusables list adds", () => {
  test("𝼑 (U+1DF11), ŀ (U+0140), 𝼝 (U+1DF1D) read as l, l, c; Ɓ, Ɗ, Ƭ as b, d, t", () => {
    same("a\u{1df11}ice", "alice");
    same("a\u0140ice", "alice");
    same("a\u013fice", "alice");
    same("ali\u{1df1d}e", "alice");
    same("\u0181ob", "bob");
    same("\u018aave", "dave");
    same("\u01acom", "tom");
  });

  test("every letter Unicode names LATIN ... LETTER X WITH ... that the scan listed reads as x", () => {
    const letters: [string, string][] = [
      ["\u0187", "c"], ["\u0193", "g"], ["\u0198", "k"], ["\u01a4", "p"], ["\u01b3", "y"], ["\u0149", "n"],
      ["\u0289", "u"], ["\u029b", "g"], ["\u1d0c", "l"], ["\ua75b", "r"], ["\ua7fe", "i"], ["\uab31", "a"], ["\uab46", "r"], ["\uab4f", "u"],
      ["\u{1df04}", "l"], ["\u{1df09}", "t"], ["\u{1df13}", "l"], ["\u{1df16}", "r"], ["\u{1df1a}", "i"], ["\u{1df1b}", "o"], ["\u{1df1e}", "s"],
    ];
    const misses = letters.filter(([c, x]) => nameSkeleton(`a${c}a`) !== nameSkeleton(`a${x}a`));
    expect(misses).toEqual([]);
  });

  test("at the gate: a𝼑ice, aŀice and ali𝼝e beside bound alice, Ɓob beside bound Bob, are refused", async () => {
    for (const [by, bound] of [["a\u{1df11}ice", "alice"], ["a\u0140ice", "alice"], ["ali\u{1df1d}e", "alice"], ["\u0181ob", "Bob"]]) {
      const r = await as(by, bound);
      expect([by, r.code, r.approval.accepted]).toEqual([by, 1, false]);
    }
  });

  test("controls: an apostrophe written in a name stays; O'Neil is not Oneil; a middle dot written stays", () => {
    apart("o'neil", "oneil");
    apart("col\u00b7la", "colla");
    same("O\u2019Neil", "o'neil");
  });
});

describe("RT69-B7: vowel signs of other scripts are letters, not accents", () => {
  test("Devanagari, Tamil, Telugu, Bengali, Thai, Arabic and Hebrew names that differ in a mark stay apart", () => {
    const pairs: [string, string][] = [
      ["\u0930\u093e\u092e", "\u0930\u0940\u092e\u093e"], // राम / रीमा
      ["\u0930\u093e\u092e", "\u0930\u0942\u092e\u0940"], // राम / रूमी
      ["\u0930\u092e\u093e", "\u0930\u094b\u092e\u093e"], // रमा / रोमा
      ["\u0bb0\u0bae\u0bbe", "\u0bb0\u0bc0\u0bae\u0bbe"], // ரமா / ரீமா
      ["\u0c09\u0c2e", "\u0c09\u0c2e\u0c3e"], // ఉమ / ఉమా
      ["\u09b0\u09be\u09ae", "\u09b0\u09bf\u09ae"], // রাম / রিম
      ["\u0e21\u0e32\u0e19\u0e35", "\u0e21\u0e32\u0e19\u0e30"], // มานี / มานะ
      ["\u0645\u064f\u062d\u0645\u062f", "\u0645\u064e\u062d\u0645\u062f"], // مُحمد / مَحمد
      ["\u05e9\u05c1\u05e8\u05d4", "\u05e9\u05c2\u05e8\u05d4"], // שׁרה / שׂרה
    ];
    for (const [a, b] of pairs) apart(a, b);
  });

  test("at the gate: रीमा from an unbound key is accepted beside bound राम", async () => {
    const r = await as("\u0930\u0940\u092e\u093e", "\u0930\u093e\u092e");
    expect([r.code, r.approval.accepted]).toEqual([0, true]);
  });

  test("controls: Latin, Greek and Cyrillic accents still fold; decomposed accents too; राम is not raama", async () => {
    same("Jos\u00e9", "jose");
    same("Jose\u0301", "jose");
    same("\u0391\u03bd\u03bd\u03ac", "\u0391\u03bd\u03bd\u03b1");
    same("\u0419\u0432\u0430\u043d", "\u0418\u0432\u0430\u043d");
    same("a\u0301lice", "alice");
    // A mark on a letter of another script that reads as a Latin one is an accent too (Cherokee Ꭺ as A).
    same("\u13aa\u0301lice", "alice");
    apart("\u0930\u093e\u092e", "raama");
    same("\u0930\u093e\u092e", "\u0930\u093e\u092e");
    const r = await as("Jos\u00e9", "jose");
    expect([r.code, r.approval.accepted]).toEqual([1, false]);
  });
});
