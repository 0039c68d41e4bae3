/**
 * Line numbers of top-level block headers (`resource "TYPE" "NAME" {`, `module "m" {`, `locals {`), which
 * hcl2json does not report. A small lexical pass over text hcl2json has already accepted: comments, quoted
 * strings (with nested `${ ... }`), heredocs and bracket nesting are skipped, so a header-like line inside a
 * heredoc or a comment is never taken for a block.
 *
 * Also finds, for `.tf.json` files, the line of a block's name key (`"TYPE": { "NAME": {`), approximately.
 */

import { JsonKeyLines } from "./json-key-lines";

export interface BlockHeader {
  readonly type: string;
  readonly labels: readonly string[];
  /** 1-based line of the block type keyword. */
  readonly line: number;
  /** Line of each argument and nested block written directly in the block (first one of a name), when on its own line. */
  readonly attributes: ReadonlyMap<string, number>;
}

function isIdentStart(c: string | undefined): boolean {
  return c !== undefined && ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_");
}

function isIdentPart(c: string | undefined): boolean {
  return isIdentStart(c) || (c !== undefined && ((c >= "0" && c <= "9") || c === "-"));
}

/** Top-level block headers of an HCL file, in order. */
export function scanBlockHeaders(text: string): BlockHeader[] {
  const out: BlockHeader[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  let depth = 0;
  let stmtStart = true;
  let current: Map<string, number> | undefined;

  const skipLineComment = () => {
    while (i < n && text[i] !== "\n") i++;
  };
  const skipBlockComment = () => {
    i += 2;
    while (i < n && !(text[i] === "*" && text[i + 1] === "/")) {
      if (text[i] === "\n") line++;
      i++;
    }
    i += 2;
  };
  /** From just after an opening quote to just after the closing one. */
  const skipQuoted = () => {
    while (i < n) {
      const c = text[i];
      if (c === "\\") {
        i += 2;
      } else if (c === '"') {
        i++;
        return;
      } else if (c === "\n") {
        return; // not valid HCL; stop at the line end
      } else if ((c === "$" || c === "%") && text[i + 1] === c && text[i + 2] === "{") {
        i += 3;
      } else if ((c === "$" || c === "%") && text[i + 1] === "{") {
        i += 2;
        skipInterpolation();
      } else {
        i++;
      }
    }
  };
  /** From just after `${` to just after the matching `}`. */
  const skipInterpolation = () => {
    let d = 0;
    while (i < n) {
      const c = text[i];
      if (c === '"') {
        i++;
        skipQuoted();
        continue;
      }
      if (c === "\n") line++;
      if (c === "{") d++;
      else if (c === "}") {
        if (d === 0) {
          i++;
          return;
        }
        d--;
      }
      i++;
    }
  };
  const tryHeredoc = (): boolean => {
    const m = /<<-?([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n/y;
    m.lastIndex = i;
    const hit = m.exec(text);
    if (!hit) return false;
    const marker = hit[1];
    i = m.lastIndex;
    line++;
    while (i < n) {
      let end = text.indexOf("\n", i);
      if (end < 0) end = n;
      const l = text.slice(i, end).trim();
      i = end;
      if (l === marker) return true;
      if (i < n) {
        i++;
        line++;
      }
    }
    return true;
  };
  const readIdent = (): string => {
    const start = i;
    while (isIdentPart(text[i])) i++;
    return text.slice(start, i);
  };

  while (i < n) {
    const c = text[i];
    if (c === "\n") {
      line++;
      i++;
      if (depth <= 1) stmtStart = true;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r") {
      i++;
      continue;
    }
    if (c === "#" || (c === "/" && text[i + 1] === "/")) {
      skipLineComment();
      continue;
    }
    if (c === "/" && text[i + 1] === "*") {
      skipBlockComment();
      continue;
    }
    if (c === '"') {
      i++;
      skipQuoted();
      stmtStart = false;
      continue;
    }
    if (c === "<" && text[i + 1] === "<" && tryHeredoc()) {
      stmtStart = false;
      continue;
    }
    if (c === "{" || c === "[" || c === "(") {
      depth++;
      i++;
      stmtStart = false;
      continue;
    }
    if (c === "}" || c === "]" || c === ")") {
      if (depth > 0) depth--;
      i++;
      continue;
    }
    if (depth === 0 && stmtStart && isIdentStart(c)) {
      const headerLine = line;
      const type = readIdent();
      const labels: string[] = [];
      stmtStart = false;
      for (;;) {
        while (text[i] === " " || text[i] === "\t") i++;
        const d = text[i];
        if (d === '"') {
          const start = ++i;
          skipQuoted();
          labels.push(text.slice(start, i - 1));
        } else if (isIdentStart(d)) {
          labels.push(readIdent());
        } else {
          if (d === "{") {
            current = new Map();
            out.push({ type, labels, line: headerLine, attributes: current });
            depth++;
            i++;
          }
          break;
        }
      }
      continue;
    }
    if (depth === 1 && stmtStart && isIdentStart(c) && current) {
      // An argument (`name =`) or a nested block (`inline_policy {`, `dynamic "statement" {`) of the block.
      const name = readIdent();
      stmtStart = false;
      let j = i;
      while (text[j] === " " || text[j] === "\t") j++;
      const d = text[j];
      if (((d === "=" && text[j + 1] !== "=") || d === "{" || d === '"') && !current.has(name)) current.set(name, line);
      continue;
    }
    stmtStart = false;
    i++;
  }
  return out;
}

/**
 * Approximate line of `"KEY":` in a JSON text, searching for each key of `path` in turn after the previous
 * one (`["resource", "aws_iam_role", "agent"]`). Undefined when not found. `text` must be valid JSON.
 */
export function jsonKeyLine(text: string, path: readonly string[]): number | undefined {
  // The reader asks once per block of the same file: index the file once, not once per block.
  if (lastIndexed?.text !== text) lastIndexed = { text, index: new JsonKeyLines(text) };
  return lastIndexed.index.line(path);
}

/** The index of the file asked about last (the one being read). */
let lastIndexed: { text: string; index: JsonKeyLines } | undefined;
