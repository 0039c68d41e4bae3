/**
 * Everything a report prints about a finding (addresses, construct paths, Sids, tag values, reasons, file names)
 * comes from the checked files, which an agent may have written. A control or format character in them could move
 * the cursor, clear the screen, start a line of its own (a forged verdict, a GitHub `::error` workflow command) or
 * reorder what the reader sees; shown as a visible escape instead, it cannot.
 */

// Cc: C0/C1 controls (ESC, CR, LF, NUL, NEL); Cf: bidi overrides and isolates, zero-width, tags, soft hyphen;
// Zl/Zp: U+2028/U+2029, which some viewers break lines at; Cs: a lone surrogate, which terminals turn into garbage.
// And the letters and marks that print as nothing: Hangul fillers, the combining grapheme joiner, the blank
// braille pattern, Mongolian and Khmer invisibles, variation selectors (`"prod\u3164"` would read as `"prod"`).
const INVISIBLE = "\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180d\u180f\u2800\u3164\ufe00-\ufe0f\uffa0\u{e0100}-\u{e01ef}";
// Cn: code points not assigned yet, which Unicode says to show as nothing when they are "default ignorable".
const HIDDEN = new RegExp(`[\\p{Cc}\\p{Cf}\\p{Cn}\\p{Zl}\\p{Zp}\\p{Cs}${INVISIBLE}]`, "gu");
const HAS_HIDDEN = new RegExp(HIDDEN.source, "u");

/** Whether `value` holds a character `display` escapes: one that moves, hides or reorders what a reader sees. */
export function hasHiddenCharacters(value: string): boolean {
  return HAS_HIDDEN.test(value);
}

const SHORT: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escape(c: string): string {
  const short = SHORT[c];
  if (short) return short;
  const cp = c.codePointAt(0) ?? 0;
  return cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, "0")}`;
}

/** `value` with every control or format character shown as an escape (`\n`, `\u001b`, `\u{e0041}`): one line, read as written. */
export function display(value: string): string {
  return String(value).replace(HIDDEN, escape);
}
