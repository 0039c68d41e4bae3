/**
 * Placeholder reasons. A security reviewer signs an acknowledgement off by its reason, so a reason that only holds
 * the place of one ("TODO: fill in", "xxxxxxxxxxxx", "tbd tbd tbd") passes nothing on to them. The check is kept
 * small and predictable on purpose, and never judges the language a reason is written in; a reason is a placeholder
 * when:
 *
 *   1. it holds a code marker written as one: TODO:, FIXME:, TBD:, TBA: or XXX: (capitals, then a colon); or
 *   2. it holds "lorem ipsum", or "lorem" as a word of its own ("Lorem ipsvm"); or
 *   3. it has no real word: every run of letters in it is a single letter, one letter repeated ("xxxx"), one of
 *      FILLER below (words that hold a reason's place without saying one: "reason here", "fix later please",
 *      "see ticket", "lgtm", "foo bar baz qux", "whatever lol, idk"), a run of keys along a keyboard row ("asdf",
 *      "qwertyuiop"), a run of the alphabet ("abc", "xyz"), or any fragment repeated ("asdfasdfasdf", "xyzxyz").
 *      Beside a real word, or one of SIGN_OFF ("approved", "per", "see ticket"), these are something said: a version
 *      number (1.2, v2.3.1), a ticket number (#4411, or "ticket 4411", "CR 4411": two or more digits, not all zeros),
 *      a date (2024-11-03, 3/11/2024), and an acronym (2 to 6 capitals not in FILLER, not a run of the alphabet or of
 *      four keys along a row: "ERT approved", "per ASD"). Beside filler alone they are not ("#00 todo todo",
 *      "2024-01-01 tbd", "QWER asdf asdf": red-team round 171b, F3).
 *
 * Red-team round 169b: letters are compared as they read, not as they are coded: in their compatibility form (ＴＯＤＯ
 * is TODO) and through Unicode's confusables (Cyrillic Т and О in "ТОDO:" read as T and O), the skeleton the gate
 * compares approver names by (lib/plan/name-skeleton.ts). A run of letters is a word whatever its script, so Japanese
 * or Chinese written without blanks is words too; only whole runs are compared with FILLER, so "todo" in a Spanish
 * sentence or "in" in a German one is never a problem. Letters joined by a slash are one word ("A/B", "n/a", "I/O").
 */
import { nameSkeleton } from "../plan/name-skeleton";

/** Words that say nothing about why a finding is acceptable, however many of them a reason strings together. */
const FILLER = new Set([
  // markers and stand-ins
  "todo", "fixme", "tbd", "tba", "tbc", "xxx", "wip", "placeholder", "dummy", "sample", "example", "lorem", "ipsum",
  "dolor", "sit", "amet", "asdf", "asdfgh", "qwerty", "foo", "bar", "baz", "qux", "quux", "blah", "test", "testing",
  "na", "none", "null", "nil", "undefined", "nothing", "something", "stuff", "whatever", "etc", "changeme",
  // shrugs (red-team round 170b, F4: "whatever lol, idk")
  "lol", "idk", "dunno", "meh",
  // the template's own words ("reason here", "fill in the reason", "why: ...")
  "reason", "reasons", "here", "fill", "filled", "in", "out", "enter", "insert", "add", "write", "why", "because",
  "description", "text", "comment", "justification", "goes",
  // deferrals and bare assent ("fix later please", "ok fine", "approved")
  "fix", "fixed", "later", "soon", "please", "will", "to", "be", "do", "done", "it", "this", "that", "the", "a", "an",
  "is", "ok", "okay", "fine", "yes", "sure", "accepted", "acknowledged", "approved", "needed", "required",
  // pointers to a reason given elsewhere, with nothing to follow ("see ticket", "as discussed w/ team", "lgtm")
  "see", "ticket", "as", "per", "discussed", "agreed", "team", "with", "above", "below", "lgtm", "ack",
]);

/**
 * Stand-ins for a reason in other languages, kept to a few unmistakable ones (the word for "test", "to be decided")
 * so the check stays predictable: Russian, Ukrainian and Bulgarian тест, Spanish prueba, Portuguese teste, Chinese
 * 测试 and 待定, Japanese テスト and 未定.
 */
const FILLER_ELSEWHERE = ["тест", "тесты", "prueba", "teste", "测试", "待定", "テスト", "未定"];

/** Keyboard rows (QWERTY, as most keyboards' letters are laid out): three or more keys along one are no word. */
const ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];

// Letters and the marks that belong to them (accents, Devanagari vowel signs), and letters joined by a slash: one
// run is one word.
const WORD = /[\p{L}\p{M}]+(?:\/[\p{L}\p{M}]+)*/gu;
const MARKER = /\b(?:TODO|FIXME|TBD|TBA|XXX)\s*:/;
const LOREM = /lorem\s*ipsum|(?<![\p{L}\p{M}])lorem(?![\p{L}\p{M}])/iu;
// A version or release number: digits with a "v" before them (v2) or dots between them (1.2, v2.3.1).
const VERSION = /(?<![\p{L}\p{N}.])(?:v\d+(?:\.\d+)*|\d+(?:\.\d+)+)(?![\p{L}\p{N}])/iu;
// A ticket number (#4411) or a date (2024-11-03, 3/11/2024): where to find the reason, or when it was given.
// `#00` (zeros only) is no ticket (red-team round 171b, F3); a number after a word naming one is (F4: "ticket 4411").
const TICKET = /(?<![\p{L}\p{N}])(?:#|(?:ticket|issue|case|change|cr|pr)\s*#?\s*)(?!0+(?![\p{L}\p{N}]))\d{2,}(?![\p{L}\p{N}])/iu;
// A tracker's issue key (OPS-1234, IT-4411, SEC-142: a project key in capitals, a dash, a number not all zeros), which
// docs/UPGRADING.md and the advice below show as a ticket: case-sensitive, so "ok-12" is none.
const ISSUE_KEY = /(?<![\p{L}\p{N}-])\p{Lu}[\p{Lu}\d]{1,9}-(?!0+(?![\p{L}\p{N}]))\d+(?![\p{L}\p{N}])/u;
const DATE = /(?<![\p{L}\p{N}])(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\/\d{1,2}\/(?:\d{4}|\d{2}))(?![\p{L}\p{N}])/u;
// An acronym: 2 to 6 capitals (ERT, ASD, CISO), checked against FILLER (TODO, LGTM), and against runs of four or more
// keys along a keyboard row (QWER) and of three or more letters of the alphabet (ABC, XYZ): three along a row (ERT, ASD)
// are too many real ones.
const ACRONYM = /^\p{Lu}{2,6}$/u;
const ALPHABET = "abcdefghijklmnopqrstuvwxyz";

/**
 * Filler that, beside a ticket number, date, version or acronym, says something: that it was signed off, or where
 * ("approved in ticket #4411", "ERT approved", "per ASD"). Markers, stand-ins, shrugs and bare assent ("#00 todo todo",
 * "2024-01-01 tbd", "ok 2024-01-01") do not (red-team round 171b, F3).
 */
const SIGN_OFF = new Set(["approved", "accepted", "acknowledged", "agreed", "discussed", "fixed", "required", "needed", "see", "ticket", "per"]);

let skeletons: { readonly filler: ReadonlySet<string>; readonly rows: readonly string[]; readonly alphabet: string; readonly signOff: ReadonlySet<string> } | undefined;

/** FILLER, SIGN_OFF, the keyboard rows and the alphabet as they read (their skeletons), made once, when a reason is first checked. */
function read(): NonNullable<typeof skeletons> {
  return (skeletons ??= {
    filler: new Set([...FILLER, ...FILLER_ELSEWHERE].map(nameSkeleton)),
    rows: ROWS.map(nameSkeleton),
    alphabet: nameSkeleton(ALPHABET),
    signOff: new Set([...SIGN_OFF].map(nameSkeleton)),
  });
}

/** Whether a word of three or more letters (`letters` of them, `s` its skeleton) runs along the alphabet ("abc", "xyz"). */
function alphabetRun(letters: number, s: string): boolean {
  return letters >= 3 && read().alphabet.includes(s);
}

/** A word as a reader takes it: compatibility forms, case, accents and look-alikes of other scripts folded, slashes dropped. */
function skeleton(word: string): string {
  return nameSkeleton(word.replace(/\//g, ""));
}

/** The shortest unit the word repeats ("asdf" of "asdfasdfasdf"), or the word itself. */
function unit(word: string): string {
  for (let n = 1; n <= word.length / 2; n++) {
    if (word.length % n === 0 && word.slice(0, n).repeat(word.length / n) === word) return word.slice(0, n);
  }
  return word;
}

/** Whether a run of letters says something: not a lone letter, not one letter repeated, not filler, no keyboard run. */
function isRealWord(word: string): boolean {
  const letters = [...word.normalize("NFKC").toLowerCase()].filter((c) => /\p{L}/u.test(c));
  if (letters.length < 2) return false;
  if (letters.every((c) => c === letters[0])) return false;
  const { filler, rows } = read();
  const s = skeleton(word);
  const u = unit(s);
  if (filler.has(s) || filler.has(u)) return false;
  // A fragment repeated ("xyzxyz") holds a place as "asdfasdf" does; a run of the alphabet ("abc", "xyz") too.
  if (u !== s || alphabetRun(letters.length, s)) return false;
  return !(u.length >= 3 && rows.some((row) => row.includes(u)));
}

/** Whether a word counts beside a pointer (a ticket number, date, version, acronym): a real word, or a SIGN_OFF one. */
function saysBeside(word: string): boolean {
  return isRealWord(word) || read().signOff.has(skeleton(word));
}

/** Whether a run of letters is an acronym: capitals, not one repeated, not filler ("ERT", not "LGTM" or "XXX"). */
function isAcronym(word: string): boolean {
  const w = word.normalize("NFKC");
  if (!ACRONYM.test(w) || [...w].every((c) => c === w[0])) return false;
  const s = skeleton(w);
  if (alphabetRun([...w].length, s)) return false;
  if ([...w].length >= 4 && read().rows.some((row) => row.includes(s))) return false;
  return !read().filler.has(s) && !read().filler.has(unit(s));
}

/** A reason's text with its characters as they read where that is an ASCII letter (Cyrillic Т as T), case kept. */
function asRead(reason: string): string {
  return [...reason.normalize("NFKC")]
    .map((c) => {
      if (/^[\x00-\x7f]$/.test(c) || !/\p{L}/u.test(c)) return c;
      const s = nameSkeleton(c);
      if (!/^[a-z]$/.test(s)) return c;
      return c === c.toLowerCase() ? s : s.toUpperCase();
    })
    .join("");
}

/** Why `reason` is a placeholder rather than a reason (a phrase for "is a placeholder: ..."), or undefined. */
export function placeholderReason(reason: string): string | undefined {
  const read = asRead(reason);
  const marker = MARKER.exec(read);
  if (marker) return `it holds the marker ${JSON.stringify(marker[0].replace(/\s+/g, ""))} of unfinished text`;
  if (LOREM.test(read)) return "it holds lorem ipsum filler";
  const words = reason.match(WORD) ?? [];
  const beside = words.some(saysBeside);
  const pointer = VERSION.test(read) || TICKET.test(read) || ISSUE_KEY.test(read) || DATE.test(read);
  const said = words.some(isRealWord) || (pointer && beside) || words.some((w) => isAcronym(w) && words.some((o) => o !== w && saysBeside(o)));
  if (!said) return 'it has no word that says anything, only filler such as "todo", "reason here", "fix later", "see ticket" or letters repeated';
  return undefined;
}

/** What a reason should say, for every message that refuses one. */
export const REASON_ADVICE =
  "write who accepted what and why, e.g. \"only deletes scratch volumes tagged env=scratch; accepted by the platform team, SEC-142\"";
