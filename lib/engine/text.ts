// Letters, numbers, punctuation and symbols put ink on the page; blanks, controls, format characters and marks on
// their own do not (a reason of ten spaces, soft hyphens or variation selectors says nothing).
const INK = /[\p{L}\p{N}\p{P}\p{S}]/u;
// Letters and symbols that fonts draw empty, so they would pass the count unseen: the Hangul fillers (U+115F,
// U+1160, U+3164, U+FFA0) are letters and the blank Braille pattern (U+2800) a symbol.
const BLANK = new Set([0x115f, 0x1160, 0x2800, 0x3164, 0xffa0]);

/** Characters a reader sees: only those that show ink count, one per code point. */
export function visibleLength(s: string): number {
  let n = 0;
  for (const c of s) if (INK.test(c) && !BLANK.has(c.codePointAt(0) ?? 0)) n++;
  return n;
}

/** The fewest visible characters an acknowledgement's reason must have. */
export const MIN_REASON = 10;
