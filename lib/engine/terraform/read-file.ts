/**
 * Reading one Terraform JSON file (`cdk.tf.json`, `*.tf.json`) from disk: bytes → text → JSON, with every
 * way it can go wrong turned into an `InputError` carrying one clear line.
 *
 * This is the baseline the analysis is measured against, so the happy path is a single read,
 * one decode, one `JSON.parse` and one linear scan for what `JSON.parse` hides (a key repeated in one
 * object, absurd nesting; see `json-keys.ts`); everything else (locating a syntax error, naming what the
 * file looks like instead) only runs when something already failed.
 */
import { INPUT_LIMITS, readInputFile, readProblem } from "../input-file";
import { findJsonKeyProblem } from "./json-keys";
import { InputError } from "./types";

/** Top-level keys of which a Terraform configuration has at least one. */
export const TERRAFORM_TOP_LEVEL_KEYS = [
  "resource",
  "data",
  "terraform",
  "provider",
  "variable",
  "locals",
  "output",
  "module",
] as const;

/** Reads, decodes and parses a Terraform JSON configuration. Throws `InputError` on anything unusable. */
export function readTerraformJson(file: string): unknown {
  const text = readText(file);
  const json = parseJsonText(file, text);
  assertTerraformConfiguration(file, json);
  return json;
}

/**
 * Reads a file as text: UTF-8 with or without a byte order mark, UTF-16 LE/BE with a byte order mark
 * (what PowerShell's `>` and `Out-File` write), and UTF-16 without one when the zero bytes give it away.
 */
export function readText(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readInputFile(file, INPUT_LIMITS.terraform);
  } catch (e) {
    throw new InputError(file, describeReadError(e));
  }
  return decodeText(file, bytes);
}

/** Decodes bytes to text (see `readText`). Exported for inputs that do not come from a file path. */
export function decodeText(file: string, bytes: Uint8Array): string {
  const n = bytes.length;
  if (n >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return Buffer.from(bytes.buffer, bytes.byteOffset + 3, n - 3).toString("utf8");
  }
  if (n >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return utf16le(file, bytes, 2);
  if (n >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return utf16be(file, bytes, 2);
  // No byte order mark. JSON text starts with an ASCII character, so UTF-16 shows as a zero byte in
  // the first pair; UTF-8 JSON never contains a zero byte there.
  if (n >= 2 && bytes[0] !== 0 && bytes[1] === 0) return utf16le(file, bytes, 0);
  if (n >= 2 && bytes[0] === 0 && bytes[1] !== 0) return utf16be(file, bytes, 0);
  return Buffer.from(bytes.buffer, bytes.byteOffset, n).toString("utf8");
}

function utf16le(file: string, bytes: Uint8Array, start: number): string {
  if ((bytes.length - start) % 2 !== 0) {
    throw new InputError(file, "is not valid UTF-16 text (odd number of bytes after the UTF-16 byte order mark)");
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, bytes.length - start).toString("utf16le");
}

function utf16be(file: string, bytes: Uint8Array, start: number): string {
  if ((bytes.length - start) % 2 !== 0) {
    throw new InputError(file, "is not valid UTF-16 text (odd number of bytes after the UTF-16 byte order mark)");
  }
  const swapped = Buffer.alloc(bytes.length - start);
  for (let i = start, j = 0; i < bytes.length; i += 2, j += 2) {
    swapped[j] = bytes[i + 1];
    swapped[j + 1] = bytes[i];
  }
  return swapped.toString("utf16le");
}

function describeReadError(e: unknown): string {
  // A directory where a file was expected says what to pass instead; the rest as every reader says it.
  if ((e as NodeJS.ErrnoException | undefined)?.code === "EISDIR") return "is a directory; expected a Terraform JSON file such as cdktf.out/stacks/<stack>/cdk.tf.json";
  return readProblem(e);
}

/**
 * `JSON.parse` with errors located as `line L, column C`, refusing what `JSON.parse` would silently accept but
 * Terraform reads differently: a key repeated in one object (JSON.parse keeps the last, Terraform every one)
 * and nesting deeper than `MAX_JSON_DEPTH`. Throws `InputError`.
 */
export function parseJsonText(file: string, text: string): unknown {
  return parseJsonInput(file, text, TERRAFORM_REPEATED_KEY, () => {
    if (isBlank(text)) throw new InputError(file, "file is empty; expected a Terraform JSON configuration");
    if (looksLikeHcl(text)) {
      throw new InputError(file, "is not JSON but HCL (Terraform's .tf syntax); pass the directory holding the .tf files instead");
    }
  });
}

/** Where and why `text` is not JSON, as `PROBLEM at line L, column C`; undefined when it cannot be located. */
export function locatedJsonProblem(text: string): string | undefined {
  const found = locateJsonError(text);
  if (!found) return undefined;
  const { line, column } = lineColumn(text, found.offset);
  return `${found.problem} at line ${line}, column ${column}`;
}

/**
 * Parses JSON that is not a Terraform configuration (a plan, an approval): the same located errors as
 * `parseJsonText` (`is not valid JSON: PROBLEM at line L, column C`), and the same refusal of repeated keys and deep
 * nesting (`repeatedWhy` says why a repeated key matters in this kind of file). `explain` may throw a more telling
 * error for text that is not JSON at all. Throws `InputError`.
 */
export function parseJsonInput(file: string, text: string, repeatedWhy: string = REPEATED_KEY, explain?: () => void): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    explain?.();
    const located = locatedJsonProblem(text);
    if (located) throw new InputError(file, `is not valid JSON: ${located}`);
    // Valid JSON that JSON.parse still could not take (an engine limit such as nesting): name it if we can.
    checkJsonKeys(file, text, repeatedWhy);
    throw new InputError(file, `is not valid JSON: ${firstLine(e instanceof Error ? e.message : String(e))}`);
  }
  checkJsonKeys(file, text, repeatedWhy);
  return value;
}

/** Why a key written twice in a Terraform file is refused. */
const TERRAFORM_REPEATED_KEY = "Terraform reads every one (or refuses a repeated argument), blastwall would see only the last. Merge them into one.";
/** Why a key written twice in another JSON input (a plan, a config) is refused. */
const REPEATED_KEY = "JSON keeps only the last, so blastwall would judge less than the file says. Merge them into one.";

/**
 * Throws `InputError` on a key repeated in one object (`repeatedWhy` says why that matters in this kind of file) or
 * too deep nesting (see `json-keys.ts`). `text` is valid JSON.
 */
export function checkJsonKeys(file: string, text: string, repeatedWhy: string = TERRAFORM_REPEATED_KEY): void {
  const found = findJsonKeyProblem(text);
  if (found) {
    const { line, column } = lineColumn(text, found.offset);
    throw new InputError(file, `line ${line}, column ${column}: ${found.problem}${found.repeated ? `; ${repeatedWhy}` : ""}`);
  }
}

/** Checks that parsed JSON is a Terraform configuration: an object with at least one known top-level block. */
export function assertTerraformConfiguration(file: string, json: unknown): asserts json is Record<string, unknown> {
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    const what = json === null ? "null" : Array.isArray(json) ? "an array" : `a ${typeof json}`;
    throw new InputError(file, `is not a Terraform configuration: the top level is ${what}, expected an object`);
  }
  const obj = json as Record<string, unknown>;
  for (const k of TERRAFORM_TOP_LEVEL_KEYS) if (k in obj) return;
  throw new InputError(file, `is not a Terraform configuration: ${lookalike(obj)}`);
}

/** Says what an object without Terraform blocks looks like, so the user knows which file to pass instead. */
function lookalike(obj: Record<string, unknown>): string {
  const none = `none of ${TERRAFORM_TOP_LEVEL_KEYS.join(", ")} at the top level`;
  if ("planned_values" in obj || "resource_changes" in obj) {
    return `${none}; it looks like a plan (terraform show -json), which the plan gate reads`;
  }
  if ("stacks" in obj && typeof obj["stacks"] === "object") {
    return `${none}; it looks like cdktf.out/manifest.json, pass cdktf.out/stacks/<stack>/cdk.tf.json instead`;
  }
  if ("values" in obj && "format_version" in obj) {
    return `${none}; it looks like a state (terraform show -json of a state), not a configuration`;
  }
  if ("Statement" in obj || "Version" in obj) return `${none}; it looks like an IAM policy document`;
  const keys = Object.keys(obj);
  if (keys.length === 0) return `the top level is an empty object (${none})`;
  const shown = keys.slice(0, 3).map((k) => JSON.stringify(k)).join(", ");
  return `${none} (found ${shown}${keys.length > 3 ? ", ..." : ""})`;
}

/** Starts (after comments) with a Terraform block: `resource "..."`, `terraform {`, ... */
function looksLikeHcl(text: string): boolean {
  const t = text.replace(/^\uFEFF/, "").replace(/^(?:\s+|#[^\n]*\n|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*/, "");
  return /^(?:resource|data|module|provider|variable|output)\s+"|^(?:terraform|locals)\s*\{/.test(t);
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0xfeff) return false;
  }
  return true;
}

function firstLine(s: string): string {
  const i = s.indexOf("\n");
  return i < 0 ? s : s.slice(0, i);
}

/** 1-based line and column (in UTF-16 code units) of `offset`; `\r\n`, `\n` and `\r` end lines. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) {
      line++;
      lineStart = i + 1;
    } else if (c === 0x0d) {
      if (text.charCodeAt(i + 1) !== 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * Finds the first JSON syntax error in `text` (RFC 8259, as `JSON.parse` reads it). Iterative, so deeply
 * nested input cannot overflow the stack. Only runs after `JSON.parse` failed.
 */
export function locateJsonError(text: string): { offset: number; problem: string } | undefined {
  const n = text.length;
  let i = 0;
  // Container stack: "{" or "[".
  const stack: string[] = [];
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };
  const describe = (at: number) => {
    if (at >= n) return "unexpected end of file";
    const ch = text[at];
    return `unexpected ${JSON.stringify(ch)}`;
  };
  const fail = (at: number, expected: string) => ({ offset: at, problem: `${describe(at)}, expected ${expected}` });

  /** Scans a string starting at the opening quote; returns the error or undefined and advances `i`. */
  const scanString = (): { offset: number; problem: string } | undefined => {
    const start = i;
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === undefined) break;
        if ('"\\/bfnrt'.includes(e)) {
          i += 2;
        } else if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            return { offset: i, problem: "invalid \\u escape in a string" };
          }
          i += 6;
        } else {
          return { offset: i, problem: `invalid escape \\${e} in a string` };
        }
        continue;
      }
      if (c < 0x20) return { offset: i, problem: "control character (such as a raw line break) inside a string" };
      i++;
    }
    return { offset: start, problem: "string is never closed" };
  };

  /** Scans one scalar or opens a container; returns an error or undefined. */
  const scanValue = (): { offset: number; problem: string } | undefined => {
    ws();
    if (i >= n) return fail(i, "a value");
    const ch = text[i];
    if (ch === "{" || ch === "[") {
      stack.push(ch);
      i++;
      return undefined;
    }
    if (ch === '"') return scanString();
    const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = i;
    if ((ch === "-" || (ch >= "0" && ch <= "9")) && m.exec(text)) {
      i = m.lastIndex;
      return undefined;
    }
    for (const lit of ["true", "false", "null"]) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return undefined;
      }
    }
    if (ch === "'") return { offset: i, problem: "single-quoted string, JSON needs double quotes" };
    return fail(i, "a value");
  };

  // State machine over containers. `afterValue` = a value was just completed in the current container.
  let err = scanValue();
  if (err) return err;
  let fresh = stack.length > 0; // just opened a container
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    ws();
    if (fresh) {
      fresh = false;
      const close = top === "{" ? "}" : "]";
      if (text[i] === close) {
        stack.pop();
        i++;
        continue;
      }
    } else {
      const close = top === "{" ? "}" : "]";
      if (text[i] === close) {
        stack.pop();
        i++;
        continue;
      }
      if (text[i] !== ",") return fail(i, `"," or "${close}"`);
      i++;
      ws();
      if (text[i] === close) return { offset: i, problem: `trailing comma before "${close}"` };
    }
    if (top === "{") {
      ws();
      if (text[i] !== '"') return fail(i, "a double-quoted property name");
      err = scanString();
      if (err) return err;
      ws();
      if (text[i] !== ":") return fail(i, '":" after a property name');
      i++;
    }
    const depth = stack.length;
    err = scanValue();
    if (err) return err;
    fresh = stack.length > depth;
  }
  ws();
  if (i < n) return { offset: i, problem: `${describe(i)} after the end of the JSON value` };
  return undefined;
}
