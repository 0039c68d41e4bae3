/**
 * Line lookup for keys of one `.tf.json` text, built in one pass so that locating every block of a large file costs
 * about the file's length, not blocks × length (a folder with a 1.5 MB `main.tf.json` spent 20 s here).
 *
 * It answers exactly what a textual search does: the first `"KEY"` followed by optional whitespace and `:` at or
 * after a position. For the keys it indexes (see `indexable`) that search can only hit a key token of the text, so
 * the index holds key tokens by their raw text. Any other key is searched for in the text as before.
 */
export class JsonKeyLines {
  /** Offsets of the `"` that start a `"KEY":` match, by the raw text of the match without `:` (`"name"`), ascending. */
  private readonly keys = new Map<string, number[]>();
  /** Offset of every `\n`, ascending. */
  private readonly newlines: number[] = [];

  /** `text` must be valid JSON (the reader has parsed it): the scan trusts that quotes pair up. */
  constructor(private readonly text: string) {
    const n = text.length;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === NEWLINE) this.newlines.push(i);
      if (c !== QUOTE) {
        i++;
        continue;
      }
      const start = i;
      let lastInner = -1;
      i++;
      while (i < n && text.charCodeAt(i) !== QUOTE) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) {
          if (text.charCodeAt(i + 1) === QUOTE) lastInner = i + 1;
          i += 2;
        } else {
          // A raw newline cannot be in a JSON string, but count it anyway so the lines stay right.
          if (d === NEWLINE) this.newlines.push(i);
          i++;
        }
      }
      const end = i; // the closing quote
      i++;
      let j = i;
      while (j < n && isJsonSpace(text.charCodeAt(j))) j++;
      if (text.charCodeAt(j) !== COLON) continue;
      this.add(text.slice(start, end + 1), start);
      // `"a \"KEY":` also holds a match of `"KEY":` at its inner quote. Only the last inner quote can start one for
      // an indexable key (an earlier one would take `\"` into the key), and only when no escape follows it.
      if (lastInner > start) {
        const tail = text.slice(lastInner, end + 1);
        if (!tail.includes("\\")) this.add(tail, lastInner);
      }
    }
  }

  /**
   * 1-based line of the last key of `path`, each key searched for at or after the start of the previous one's match
   * (`["resource", "aws_iam_role", "agent"]`). Undefined when one is not found.
   */
  line(path: readonly string[]): number | undefined {
    let at = 0;
    for (const key of path) {
      const found = this.find(key, at);
      if (found === undefined) return undefined;
      at = found;
    }
    return 1 + countBelow(this.newlines, at);
  }

  private find(key: string, from: number): number | undefined {
    if (!indexable(key)) return searchText(this.text, key, from);
    const list = this.keys.get(`"${key}"`);
    if (!list) return undefined;
    const k = countBelow(list, from);
    return k < list.length ? list[k] : undefined;
  }

  private add(raw: string, offset: number): void {
    const list = this.keys.get(raw);
    if (list) list.push(offset);
    else this.keys.set(raw, [offset]);
  }
}

const NEWLINE = 10;
const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;

function isJsonSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/**
 * Whether a textual match of `"KEY"` + spaces + `:` in valid JSON can only be a key token whose raw text is `"KEY"`
 * or ends in `\"KEY"`. It needs a key JSON writes as is (no escapes, so no quote or backslash) that holds no `,` or
 * `:`, the only characters between a string's closing quote and the next string's opening one that a match starting
 * at the closing quote would have to cover. Terraform's block types and names always qualify.
 */
function indexable(key: string): boolean {
  return key.length > 0 && !/[",:\\]/.test(key) && JSON.stringify(key) === `"${key}"`;
}

/** The search the index stands in for, for keys it does not index. */
function searchText(text: string, key: string, from: number): number | undefined {
  const re = new RegExp(`${escapeRe(JSON.stringify(key))}\\s*:`, "g");
  re.lastIndex = from;
  const m = re.exec(text);
  return m ? m.index : undefined;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** How many entries of the ascending `list` are below `value`. */
function countBelow(list: readonly number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
