/**
 * Whitespace as Go's `unicode.IsSpace` defines it, which is what Terraform (hashicorp/hcl, and functions such as
 * `trimspace`) strips: template strip markers (`${~`, `~}`), a heredoc's closing-marker line and a `<<-` heredoc's
 * indentation. JavaScript's `\s` and `String.prototype.trim` disagree with it on two characters: they miss U+0085
 * (NEL), which Go strips, and they strip U+FEFF, which Go keeps. Reading a template with JavaScript's set therefore
 * gives a different string than Terraform does (red-team round 151).
 *
 * The set is the Unicode White_Space property: U+0009..U+000D, U+0020, U+0085, U+00A0, U+1680, U+2000..U+200A,
 * U+2028, U+2029, U+202F, U+205F, U+3000. All of them are in the Basic Multilingual Plane, so one UTF-16 code
 * unit is one character here.
 */

export function isGoSpace(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) ||
    c === 0x20 ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** How many Go-space characters `s` starts with. */
export function goSpacePrefixLength(s: string): number {
  let a = 0;
  while (a < s.length && isGoSpace(s.charCodeAt(a))) a++;
  return a;
}

// Scanned by hand rather than with an anchored regular expression, which backtracks over every inner run of spaces.

/** Go's `strings.TrimLeftFunc(s, unicode.IsSpace)`. */
export function trimGoSpaceStart(s: string): string {
  return s.slice(goSpacePrefixLength(s));
}

/** Go's `strings.TrimRightFunc(s, unicode.IsSpace)`. */
export function trimGoSpaceEnd(s: string): string {
  let b = s.length;
  while (b > 0 && isGoSpace(s.charCodeAt(b - 1))) b--;
  return s.slice(0, b);
}

/** Go's `strings.TrimSpace` (and `bytes.TrimSpace`). */
export function trimGoSpace(s: string): string {
  return trimGoSpaceEnd(trimGoSpaceStart(s));
}
