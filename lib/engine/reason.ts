/**
 * Placeholder reasons. A security reviewer signs an acknowledgement off by its reason, so a reason that only holds
 * the place of one ("TODO: fill in", "xxxxxxxxxxxx", "tbd tbd tbd") passes nothing on to them. The check is kept
 * small and predictable on purpose, and never judges the language a reason is written in; a reason is a placeholder
 * when:
 *
 *   1. it holds a code marker written as one: TODO:, FIXME:, TBD:, TBA: or XXX: (capitals, then a colon); or
 *   2. it holds "lorem ipsum"; or
 *   3. it has no real word: every run of letters in it is a single letter, one letter repeated ("xxxx"), or one of
 *      FILLER below (English words that hold a reason's place without saying one: "reason here", "fix later please").
 *
 * A run of letters is a word whatever its script, so Japanese or Chinese written without blanks is words too; only
 * whole runs are compared with FILLER, so "todo" in a Spanish sentence or "in" in a German one is never a problem.
 */

/** Words that say nothing about why a finding is acceptable, however many of them a reason strings together. */
const FILLER = new Set([
  // markers and stand-ins
  "todo", "fixme", "tbd", "tba", "tbc", "xxx", "wip", "placeholder", "dummy", "sample", "example", "lorem", "ipsum",
  "dolor", "sit", "amet", "asdf", "asdfgh", "qwerty", "foo", "bar", "baz", "blah", "test", "testing", "na", "none",
  "null", "nil", "undefined", "nothing", "something", "stuff", "whatever", "etc",
  // the template's own words ("reason here", "fill in the reason", "why: ...")
  "reason", "reasons", "here", "fill", "filled", "in", "out", "enter", "insert", "add", "write", "why", "because",
  "description", "text", "comment", "justification",
  // deferrals and bare assent ("fix later please", "ok fine", "approved")
  "fix", "fixed", "later", "soon", "please", "will", "to", "be", "do", "done", "it", "this", "that", "the", "a", "an",
  "is", "ok", "okay", "fine", "yes", "sure", "accepted", "acknowledged", "approved", "needed", "required", "known",
]);

// Letters and the marks that belong to them (accents, Devanagari vowel signs): one run is one word.
const WORD = /[\p{L}\p{M}]+/gu;
const MARKER = /\b(?:TODO|FIXME|TBD|TBA|XXX)\s*:/;
const LOREM = /lorem\s+ipsum/i;

/** Whether a run of letters says something: not a lone letter, not one letter repeated, not filler. */
function isRealWord(word: string): boolean {
  const letters = [...word.toLowerCase().normalize("NFC")].filter((c) => /\p{L}/u.test(c));
  if (letters.length < 2) return false;
  if (letters.every((c) => c === letters[0])) return false;
  return !FILLER.has(letters.join(""));
}

/** Why `reason` is a placeholder rather than a reason (a phrase for "is a placeholder: ..."), or undefined. */
export function placeholderReason(reason: string): string | undefined {
  const marker = MARKER.exec(reason);
  if (marker) return `it holds the marker ${JSON.stringify(marker[0].replace(/\s+/g, ""))} of unfinished text`;
  if (LOREM.test(reason)) return "it holds lorem ipsum filler";
  if (!(reason.match(WORD) ?? []).some(isRealWord)) return 'it has no word that says anything, only filler such as "todo", "reason here", "fix later" or letters repeated';
  return undefined;
}

/** What a reason should say, for every message that refuses one. */
export const REASON_ADVICE =
  "write who accepted what and why, e.g. \"only deletes scratch volumes tagged env=scratch; accepted by the platform team, SEC-142\"";
