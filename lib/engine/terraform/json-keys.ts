/**
 * One pass over JSON text that `JSON.parse` has already accepted, finding what `JSON.parse` hides:
 *
 * - a key written twice in one object. `JSON.parse` keeps only the last; Terraform's JSON decoder keeps every
 *   one (two `"resource"` keys are two sets of resources, two `"inline_policy"` keys are two blocks; a repeated
 *   argument is a Terraform error). Judging the last one alone would judge half of what Terraform applies.
 * - nesting deeper than any real configuration, which would otherwise overflow the stack of the recursive code
 *   downstream and surface as an internal error without a file name.
 *
 * The text is known to be valid JSON, so the scan only tracks containers, commas and strings: string bodies are
 * skipped with `indexOf`, keys are compared in place (by offsets into the text, no substring) while an object
 * has few of them, and decoded with `JSON.parse` only when they contain an escape.
 */

/** Deeper nesting is refused. Real Terraform JSON stays within a few dozen levels. */
export const MAX_JSON_DEPTH = 256;

/** Objects up to this many keys are checked by comparing in place; larger ones use a Map. */
const SMALL = 8;

export interface JsonTextProblem {
  /** Offset in the text (UTF-16 code units) of the repeated key's opening quote, or of the bracket too deep. */
  readonly offset: number;
  readonly problem: string;
  /** Set for a repeated key: why that matters depends on the kind of file, which the reader says (`checkJsonKeys`). */
  readonly repeated?: true;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const SPACE = 0x20;


/**
 * Finds the first key repeated within one object (keys compared after decoding escapes, so `"\u0061"` equals
 * `"a"`) or the first container nested deeper than `maxDepth`. `text` must be valid JSON (`JSON.parse` accepted it).
 */
export function findJsonKeyProblem(text: string, maxDepth: number = MAX_JSON_DEPTH): JsonTextProblem | undefined {
  const n = text.length;
  const levels = maxDepth + 2;
  // Per nesting level: whether it is an object, how many keys it has so far, and (while few) where they are.
  const isObject = new Uint8Array(levels);
  const count = new Int32Array(levels);
  const starts = new Int32Array(levels * SMALL);
  const ends = new Int32Array(levels * SMALL);
  // Decoded text of small-object keys that contain an escape (rare; allocated on first use).
  let decoded: (string | undefined)[] | undefined;
  // Keys of objects with more than SMALL keys, to the offset of their opening quote; one reused Map per level.
  const maps: (Map<string, number> | undefined)[] = [];

  let depth = 0;
  let expectKey = false;
  // Position of the next backslash at or after the current string, so that strings without one are never walked.
  let nextBackslash = -1;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    // Indentation is most of what is not inside a string; past the end charCodeAt gives NaN.
    while (c === SPACE) c = text.charCodeAt(++i);
    if (c === QUOTE) {
      const start = i + 1;
      let end = text.indexOf('"', start);
      if (nextBackslash < start) {
        nextBackslash = text.indexOf("\\", start);
        if (nextBackslash < 0) nextBackslash = n;
      }
      const escaped = nextBackslash < end;
      if (escaped) {
        // A quote preceded by an odd number of backslashes is part of the string.
        for (;;) {
          let k = end - 1;
          while (text.charCodeAt(k) === BACKSLASH) k--;
          if (((end - 1 - k) & 1) === 0) break;
          end = text.indexOf('"', end + 1);
        }
      }
      i = end + 1;
      if (!expectKey) continue;
      expectKey = false;

      const base = depth * SMALL;
      const have = count[depth];
      count[depth] = have + 1;
      const key = escaped ? (JSON.parse(text.slice(start - 1, end + 1)) as string) : undefined;
      if (have < SMALL) {
        for (let k = 0; k < have; k++) {
          const s = starts[base + k];
          const e = ends[base + k];
          const other = decoded?.[base + k];
          let same: boolean;
          if (key === undefined && other === undefined) same = sameSlice(text, s, e, start, end);
          else same = (other ?? text.slice(s, e)) === (key ?? text.slice(start, end));
          if (same) return duplicate(text, key ?? text.slice(start, end), start - 1, s - 1);
        }
        starts[base + have] = start;
        ends[base + have] = end;
        if (key !== undefined) (decoded ??= [])[base + have] = key;
        else if (decoded) decoded[base + have] = undefined;
        continue;
      }
      let map = maps[depth];
      if (have === SMALL) {
        // The object outgrows the in-place comparison: move its keys into the level's Map.
        if (map) map.clear();
        else map = maps[depth] = new Map();
        for (let k = 0; k < SMALL; k++) {
          const s = starts[base + k];
          map.set(decoded?.[base + k] ?? text.slice(s, ends[base + k]), s - 1);
        }
      }
      const name = key ?? text.slice(start, end);
      const first = map!.get(name);
      if (first !== undefined) return duplicate(text, name, start - 1, first);
      map!.set(name, start - 1);
      continue;
    }
    if (c === COMMA) {
      expectKey = isObject[depth] === 1;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth++;
      if (depth > maxDepth) {
        return { offset: i, problem: `JSON is nested more than ${maxDepth} levels deep; no Terraform configuration, plan or approval needs that, so blastwall refuses it` };
      }
      const obj = c === OPEN_OBJECT;
      isObject[depth] = obj ? 1 : 0;
      count[depth] = 0;
      expectKey = obj;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
      expectKey = false;
    }
    // Anything else (line breaks, tabs, `:`, numbers, literals) is stepped over.
    i++;
  }
  return undefined;
}

/** Whether text[aStart, aEnd) equals text[bStart, bEnd). */
function sameSlice(text: string, aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
  const len = aEnd - aStart;
  if (len !== bEnd - bStart) return false;
  for (let k = 0; k < len; k++) if (text.charCodeAt(aStart + k) !== text.charCodeAt(bStart + k)) return false;
  return true;
}

function duplicate(text: string, key: string, offset: number, firstOffset: number): JsonTextProblem {
  const shown = JSON.stringify(key.length > 80 ? `${key.slice(0, 77)}...` : key);
  return {
    offset,
    problem: `key ${shown} appears twice in the same object (first at line ${lineOf(text, firstOffset)})`,
    repeated: true,
  };
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) line++;
  }
  return line;
}
