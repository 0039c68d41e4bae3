/** Characters a reader sees: blanks and zero-width or bidi controls left out (a reason of ten spaces says nothing). */
export function visibleLength(s: string): number {
  return s.replace(/[\s\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g, "").length;
}

/** The fewest visible characters an acknowledgement's reason must have. */
export const MIN_REASON = 10;
