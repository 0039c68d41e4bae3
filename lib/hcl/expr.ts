/**
 * HCL native expression and template syntax, parsed into a small AST.
 *
 * hcl2json hands us Terraform-JSON-like values in which every string is a template: literal text plus
 * `${ expression }` interpolations (and `%{ if/for }` directives), with `$${` / `%%{` as escapes. The
 * expression source inside an interpolation is exactly what the user wrote (`jsonencode({ ... })` with
 * comments, newlines, heredocs and nested templates), so it is parsed here rather than by pattern matching.
 *
 * The grammar follows the HCL native syntax specification: literals, quoted and heredoc templates, tuples,
 * objects (`=` or `:`, comma or newline separated), traversals (`.attr`, `[key]`, legacy `.0`, splats
 * `[*]` / `.*`), function calls (with `...` expansion and `provider::ns::fn` names), unary and binary
 * operators with HCL's precedence, conditionals and `for` expressions. A syntax error throws `HclExprError`;
 * callers turn that into an unknown value (fail closed) because hcl2json has already accepted the file.
 */

import { goSpacePrefixLength, trimGoSpace, trimGoSpaceEnd, trimGoSpaceStart } from "./go-space";
import { exactInteger } from "./values";

export type Literal = null | boolean | number | string;

export type Op =
  | { readonly k: "attr"; readonly name: string }
  | { readonly k: "index"; readonly key: Expr }
  /** `full`: `[*]` applies every following step to each element; legacy `.*` only the following `.attr` steps. */
  | { readonly k: "splat"; readonly full: boolean };

export interface ForExpr {
  readonly k: "for";
  readonly keyVar?: string;
  readonly valVar: string;
  readonly coll: Expr;
  /** Object `for` only: the key expression (`k => v`). */
  readonly keyExpr?: Expr;
  readonly valExpr: Expr;
  readonly cond?: Expr;
  /** Object `for` with `...` after the value: values grouped into lists per key. */
  readonly group: boolean;
  readonly isObject: boolean;
}

export type Expr =
  /** `inexact`: a number literal that is no whole number a double holds exactly, as written (see `exactInteger`). */
  | { readonly k: "lit"; readonly v: Literal; readonly inexact?: string }
  | { readonly k: "tmpl"; readonly parts: readonly TmplPart[] }
  | { readonly k: "tuple"; readonly items: readonly Expr[] }
  | { readonly k: "object"; readonly items: readonly { readonly key: Expr; readonly value: Expr }[] }
  /** A traversal: a root variable name (`var`, `aws_iam_role`, an iteration variable) or a parenthesised/other term, then steps. */
  | { readonly k: "trav"; readonly root: string | Expr; readonly ops: readonly Op[] }
  | { readonly k: "call"; readonly name: string; readonly args: readonly Expr[]; readonly expand: boolean }
  | { readonly k: "unop"; readonly op: "-" | "!"; readonly x: Expr }
  | { readonly k: "binop"; readonly op: string; readonly a: Expr; readonly b: Expr }
  | { readonly k: "cond"; readonly c: Expr; readonly t: Expr; readonly f: Expr }
  | ForExpr
  | { readonly k: "paren"; readonly x: Expr };

export type TmplPart =
  | string
  | { readonly k: "interp"; readonly e: Expr }
  | { readonly k: "if"; readonly c: Expr; readonly then: readonly TmplPart[]; readonly else: readonly TmplPart[] }
  | { readonly k: "for"; readonly keyVar?: string; readonly valVar: string; readonly coll: Expr; readonly body: readonly TmplPart[] };

export class HclExprError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
    this.name = "HclExprError";
  }
}

const BINARY_LEVELS: readonly (readonly string[])[] = [
  ["||"],
  ["&&"],
  ["==", "!="],
  ["<=", ">=", "<", ">"],
  ["+", "-"],
  ["*", "/", "%"],
];

function isIdentStart(c: string | undefined): boolean {
  return c !== undefined && ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_");
}

function isIdentPart(c: string | undefined): boolean {
  return isIdentStart(c) || (c !== undefined && ((c >= "0" && c <= "9") || c === "-"));
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

/** Flat template tokens before directives are nested. */
type FlatPart =
  | { readonly k: "lit"; text: string }
  | { readonly k: "interp"; readonly e: Expr; readonly stripL: boolean; readonly stripR: boolean }
  | {
      readonly k: "dir";
      readonly kw: "if" | "else" | "endif" | "for" | "endfor";
      readonly c?: Expr;
      readonly keyVar?: string;
      readonly valVar?: string;
      readonly stripL: boolean;
      readonly stripR: boolean;
    };

class Parser {
  i: number;
  constructor(readonly s: string, start = 0) {
    this.i = start;
  }

  fail(msg: string, at = this.i): never {
    throw new HclExprError(msg, at);
  }

  /** Skips whitespace, newlines and comments. */
  ws(): void {
    const s = this.s;
    for (;;) {
      const c = s[this.i];
      if (c === " " || c === "\t" || c === "\n" || c === "\r") {
        this.i++;
      } else if (c === "#" || (c === "/" && s[this.i + 1] === "/")) {
        while (this.i < s.length && s[this.i] !== "\n") this.i++;
      } else if (c === "/" && s[this.i + 1] === "*") {
        const end = s.indexOf("*/", this.i + 2);
        if (end < 0) this.fail("comment is never closed");
        this.i = end + 2;
      } else {
        return;
      }
    }
  }

  peek(str: string): boolean {
    return this.s.startsWith(str, this.i);
  }

  eat(str: string): boolean {
    this.ws();
    if (this.s.startsWith(str, this.i)) {
      this.i += str.length;
      return true;
    }
    return false;
  }

  expect(str: string): void {
    if (!this.eat(str)) this.fail(`expected "${str}"`);
  }

  ident(): string | undefined {
    this.ws();
    if (!isIdentStart(this.s[this.i])) return undefined;
    const start = this.i;
    while (isIdentPart(this.s[this.i])) this.i++;
    return this.s.slice(start, this.i);
  }

  /** True when the next token is the keyword `kw` (not a longer identifier). */
  keyword(kw: string): boolean {
    this.ws();
    return this.s.startsWith(kw, this.i) && !isIdentPart(this.s[this.i + kw.length]);
  }

  expr(): Expr {
    const c = this.binary(0);
    if (this.eat("?")) {
      const t = this.expr();
      this.expect(":");
      const f = this.expr();
      return { k: "cond", c, t, f };
    }
    return c;
  }

  binary(level: number): Expr {
    if (level >= BINARY_LEVELS.length) return this.unary();
    let a = this.binary(level + 1);
    for (;;) {
      this.ws();
      const op = BINARY_LEVELS[level].find((o) => this.peek(o) && !this.isLongerOperator(o));
      if (!op) return a;
      this.i += op.length;
      const b = this.binary(level + 1);
      a = { k: "binop", op, a, b };
    }
  }

  /** `<` must not be read out of `<=`; `=` of `==` is handled by the level order. Also `<<` heredocs. */
  isLongerOperator(op: string): boolean {
    const next = this.s[this.i + op.length];
    if ((op === "<" || op === ">") && next === "=") return true;
    if (op === "<" && next === "<") return true;
    return false;
  }

  unary(): Expr {
    this.ws();
    const c = this.s[this.i];
    if (c === "-" || c === "!") {
      if (c === "!" && this.s[this.i + 1] === "=") this.fail("unexpected \"!=\"");
      this.i++;
      const x = this.unary();
      if (c === "-" && x.k === "lit" && typeof x.v === "number") return x.inexact === undefined ? { k: "lit", v: -x.v } : { k: "lit", v: -x.v, inexact: `-${x.inexact}` };
      return { k: "unop", op: c, x };
    }
    return this.postfix();
  }

  postfix(): Expr {
    const term = this.primary();
    const ops: Op[] = [];
    for (;;) {
      const save = this.i;
      this.ws();
      const c = this.s[this.i];
      if (c === "." && this.s[this.i + 1] !== ".") {
        this.i++;
        this.ws();
        const d = this.s[this.i];
        if (d === "*") {
          this.i++;
          ops.push({ k: "splat", full: false });
        } else if (isDigit(d)) {
          const start = this.i;
          while (isDigit(this.s[this.i])) this.i++;
          ops.push({ k: "index", key: { k: "lit", v: Number(this.s.slice(start, this.i)) } });
        } else {
          const name = this.ident();
          if (name === undefined) this.fail("expected an attribute name after \".\"");
          ops.push({ k: "attr", name });
        }
      } else if (c === "[") {
        this.i++;
        this.ws();
        if (this.s[this.i] === "*") {
          const at = this.i;
          this.i++;
          this.ws();
          if (this.s[this.i] === "]") {
            this.i++;
            ops.push({ k: "splat", full: true });
            continue;
          }
          this.i = at;
        }
        const key = this.expr();
        this.expect("]");
        ops.push({ k: "index", key });
      } else {
        this.i = save;
        break;
      }
    }
    if (ops.length === 0) return term;
    if (term.k === "trav") return { k: "trav", root: term.root, ops: [...term.ops, ...ops] };
    return { k: "trav", root: term, ops };
  }

  primary(): Expr {
    this.ws();
    const s = this.s;
    const c = s[this.i];
    if (c === undefined) this.fail("unexpected end of expression");
    if (isDigit(c)) return this.number();
    if (c === '"') {
      this.i++;
      return { k: "tmpl", parts: this.template('"') };
    }
    if (c === "<" && s[this.i + 1] === "<") return this.heredoc();
    if (c === "(") {
      this.i++;
      const x = this.expr();
      this.expect(")");
      return { k: "paren", x };
    }
    if (c === "[") {
      this.i++;
      if (this.keyword("for")) return this.forExpr(false);
      const items: Expr[] = [];
      for (;;) {
        if (this.eat("]")) break;
        items.push(this.expr());
        if (this.eat(",")) continue;
        this.expect("]");
        break;
      }
      return { k: "tuple", items };
    }
    if (c === "{") {
      this.i++;
      if (this.keyword("for")) return this.forExpr(true);
      return this.object();
    }
    if (isIdentStart(c)) {
      const start = this.i;
      let name = this.ident()!;
      // Provider-defined functions: provider::NAME::FUNCTION(...)
      while (s.startsWith("::", this.i) && isIdentStart(s[this.i + 2])) {
        this.i += 2;
        name += "::" + this.ident()!;
      }
      const afterName = this.i;
      this.ws();
      if (s[this.i] === "(") {
        this.i++;
        return this.call(name);
      }
      this.i = afterName;
      if (name.includes("::")) this.fail("expected \"(\" after a provider function name", start);
      if (name === "true") return { k: "lit", v: true };
      if (name === "false") return { k: "lit", v: false };
      if (name === "null") return { k: "lit", v: null };
      return { k: "trav", root: name, ops: [] };
    }
    return this.fail(`unexpected ${JSON.stringify(c)}`);
  }

  number(): Expr {
    const m = /[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
    m.lastIndex = this.i;
    const hit = m.exec(this.s);
    if (!hit) this.fail("bad number");
    this.i = m.lastIndex;
    const text = hit[0];
    return exactInteger(text) === undefined ? { k: "lit", v: Number(text), inexact: text } : { k: "lit", v: Number(text) };
  }

  call(name: string): Expr {
    const args: Expr[] = [];
    let expand = false;
    for (;;) {
      if (this.eat(")")) break;
      args.push(this.expr());
      if (this.eat("...")) {
        expand = true;
        this.eat(",");
        this.expect(")");
        break;
      }
      if (this.eat(",")) continue;
      this.expect(")");
      break;
    }
    return { k: "call", name, args, expand };
  }

  object(): Expr {
    const items: { key: Expr; value: Expr }[] = [];
    for (;;) {
      if (this.eat("}")) break;
      this.ws();
      let key: Expr;
      const save = this.i;
      const id = this.ident();
      this.ws();
      if (id !== undefined && (this.s[this.i] === "=" || this.s[this.i] === ":") && this.s[this.i + 1] !== "=" && this.s[this.i + 1] !== ":") {
        key = { k: "lit", v: id };
      } else {
        this.i = save;
        key = this.expr();
      }
      this.ws();
      if (this.s[this.i] === "=" || this.s[this.i] === ":") this.i++;
      else this.fail("expected \"=\" or \":\" after an object key");
      const value = this.expr();
      items.push({ key, value });
      this.eat(",");
    }
    return { k: "object", items };
  }

  forExpr(isObject: boolean): Expr {
    this.expect("for");
    const first = this.ident();
    if (first === undefined) this.fail("expected a variable name after \"for\"");
    let keyVar: string | undefined;
    let valVar = first;
    if (this.eat(",")) {
      keyVar = first;
      const second = this.ident();
      if (second === undefined) this.fail("expected a second variable name");
      valVar = second;
    }
    if (!this.keyword("in")) this.fail("expected \"in\"");
    this.i += 2;
    const coll = this.expr();
    this.expect(":");
    let keyExpr: Expr | undefined;
    if (isObject) {
      keyExpr = this.expr();
      this.expect("=>");
    }
    const valExpr = this.expr();
    let group = false;
    if (isObject && this.eat("...")) group = true;
    let cond: Expr | undefined;
    if (this.keyword("if")) {
      this.i += 2;
      cond = this.expr();
    }
    this.expect(isObject ? "}" : "]");
    return { k: "for", keyVar, valVar, coll, keyExpr, valExpr, cond, group, isObject };
  }

  /**
   * A heredoc, scanned the way HCL's scanner does rather than cut into lines first: the body ends at the first line
   * that starts as literal text (not inside a `${...}` running over several lines, not after one closed mid-line) and
   * is the marker with Go whitespace around it (`  EOT\u0085` ends it, `  EOT\ufeff` does not). The body's literal
   * text is one token per line, which is all a strip marker reaches (see `applyStrips`).
   */
  heredoc(): Expr {
    const s = this.s;
    // No blanks between the marker and the line break: HCL's scanner reads `<<EOT ` as two `<` and fails.
    const m = /<<(-?)([A-Za-z_][A-Za-z0-9_-]*)\r?\n/y;
    m.lastIndex = this.i;
    const hit = m.exec(s);
    if (!hit) this.fail("bad heredoc");
    this.i = m.lastIndex;
    const flat = this.templateTokens({ marker: hit[2] });
    if (hit[1] === "-") flushIndent(flat, this);
    return { k: "tmpl", parts: nestDirectives(withoutEmpty(flat), this) };
  }

  /**
   * Template contents from the current position: until `end` (`"` for a quoted string, processing backslash
   * escapes) or the end of the source (hcl2json strings, `.tf.json` strings, template files).
   */
  template(end: '"' | undefined): TmplPart[] {
    return nestDirectives(withoutEmpty(this.templateTokens(end === '"' ? "quoted" : "bare")), this);
  }

  /**
   * The template's tokens, strip markers applied. A quoted string's literal text between two sequences is one
   * token (escapes decoded first, as HCL does before stripping); elsewhere HCL's scanner ends a literal token after
   * each line break, so there is one per line, and a heredoc ends at its closing-marker line.
   */
  templateTokens(mode: "quoted" | "bare" | { readonly marker: string }): FlatPart[] {
    const s = this.s;
    const quoted = mode === "quoted";
    const marker = typeof mode === "object" ? mode.marker : undefined;
    const flat: FlatPart[] = [];
    let lit = "";
    const flush = () => {
      if (lit !== "") flat.push({ k: "lit", text: lit });
      lit = "";
    };
    let lineStart = true;
    for (;;) {
      if (marker !== undefined && lineStart) {
        lineStart = false;
        let nl = s.indexOf("\n", this.i);
        if (nl < 0) nl = s.length;
        if (trimGoSpace(s.slice(this.i, nl)) === marker) {
          // The line break after the marker belongs to what follows (it may end an attribute), as in HCL.
          this.i = nl;
          break;
        }
      }
      if (this.i >= s.length) {
        if (quoted) this.fail("string is never closed");
        if (marker !== undefined) this.fail(`heredoc ${marker} is never closed`);
        break;
      }
      const c = s[this.i];
      if (quoted && c === '"') {
        this.i++;
        break;
      }
      if (quoted && c === "\\") {
        lit += this.escape();
        continue;
      }
      if ((c === "$" || c === "%") && s[this.i + 1] === c && s[this.i + 2] === "{") {
        lit += c + "{";
        this.i += 3;
        continue;
      }
      if (c === "$" && s[this.i + 1] === "{") {
        flush();
        this.i += 2;
        const stripL = this.s[this.i] === "~";
        if (stripL) this.i++;
        const e = this.expr();
        this.ws();
        const stripR = this.s[this.i] === "~";
        if (stripR) this.i++;
        if (this.s[this.i] !== "}") this.fail("expected \"}\" to close the interpolation");
        this.i++;
        flat.push({ k: "interp", e, stripL, stripR });
        continue;
      }
      if (c === "%" && s[this.i + 1] === "{") {
        flush();
        this.i += 2;
        flat.push(this.directive());
        continue;
      }
      if (quoted && c === "\n") this.fail("quoted strings may not span lines");
      lit += c;
      this.i++;
      if (c === "\n" && !quoted) {
        flush();
        lineStart = true;
      }
    }
    flush();
    applyStrips(flat);
    return flat;
  }

  escape(): string {
    const s = this.s;
    const e = s[this.i + 1];
    this.i += 2;
    switch (e) {
      case "n":
        return "\n";
      case "r":
        return "\r";
      case "t":
        return "\t";
      case '"':
        return '"';
      case "\\":
        return "\\";
      case "u":
      case "U": {
        const len = e === "u" ? 4 : 8;
        const hex = s.slice(this.i, this.i + len);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) this.fail("bad unicode escape");
        this.i += len;
        return String.fromCodePoint(parseInt(hex, 16));
      }
      default:
        return this.fail(`invalid escape \\${e ?? ""}`);
    }
  }

  directive(): FlatPart {
    const stripL = this.s[this.i] === "~";
    if (stripL) this.i++;
    const kw = this.ident();
    let c: Expr | undefined;
    let keyVar: string | undefined;
    let valVar: string | undefined;
    if (kw === "if") {
      c = this.expr();
    } else if (kw === "for") {
      const first = this.ident();
      if (first === undefined) this.fail("expected a variable name after \"for\"");
      valVar = first;
      if (this.eat(",")) {
        keyVar = first;
        valVar = this.ident();
        if (valVar === undefined) this.fail("expected a second variable name");
      }
      if (!this.keyword("in")) this.fail("expected \"in\"");
      this.i += 2;
      c = this.expr();
    } else if (kw !== "else" && kw !== "endif" && kw !== "endfor") {
      this.fail(`unknown template directive ${JSON.stringify(kw ?? "")}`);
    }
    this.ws();
    const stripR = this.s[this.i] === "~";
    if (stripR) this.i++;
    if (this.s[this.i] !== "}") this.fail("expected \"}\" to close the directive");
    this.i++;
    return { k: "dir", kw: kw as "if", c, keyVar, valVar, stripL, stripR };
  }
}

/**
 * `${~` / `%{~` strips the Go whitespace (`unicode.IsSpace`, which takes U+0085 and leaves U+FEFF) at the end of the
 * literal token just before it, and `~}` that at the start of the token just after: only that one token, so in a
 * heredoc or template file only the one line (`"a\n  \n${~ x}"` there keeps `a\n`). Emptied tokens stay until
 * `flushIndent` has run, for which an emptied line start still counts.
 */
function applyStrips(flat: FlatPart[]): void {
  for (let j = 0; j < flat.length; j++) {
    const p = flat[j];
    if (p.k === "lit") continue;
    if (p.stripL && j > 0) {
      const prev = flat[j - 1];
      if (prev.k === "lit") prev.text = trimGoSpaceEnd(prev.text);
    }
    if (p.stripR && j + 1 < flat.length) {
      const next = flat[j + 1];
      if (next.k === "lit") next.text = trimGoSpaceStart(next.text);
    }
  }
}

function withoutEmpty(flat: FlatPart[]): FlatPart[] {
  return flat.filter((p) => p.k !== "lit" || p.text !== "");
}

// Made on first use: building a Segmenter loads ICU's break rules (about 10 ms), which every process that loads the
// engine paid at start-up, synth included, though only a `<<-` heredoc with a joining character asks.
let graphemes: Intl.Segmenter | undefined;

/**
 * A `<<-` heredoc's indentation, as HCL removes it: over the tokens that start a line (after strips), the fewest
 * leading Go-whitespace characters (NBSP and U+3000 count, one each), where a line that is whitespace only is not
 * counted nor changed (`"  \n"` stays) and a line starting with a sequence counts 0; then that many characters come
 * off every counted line. HCL counts grapheme clusters: a blank followed by a combining mark or joiner is one
 * cluster with it, which blastwall will not guess at, so such a heredoc is not read.
 */
function flushIndent(flat: FlatPart[], p: Parser): void {
  let min = Infinity;
  let lineStart = true;
  const counted: { text: string }[] = [];
  for (const t of flat) {
    if (lineStart) {
      lineStart = false;
      if (t.k !== "lit") {
        min = 0;
      } else {
        const w = goSpacePrefixLength(t.text);
        if (!(w === t.text.length && t.text.endsWith("\n"))) {
          if (w > 0 && w < t.text.length && joinsOnto(t.text, w)) {
            p.fail("a <<- heredoc line's indentation runs into a combining character; blastwall cannot tell how much HCL removes");
          }
          counted.push(t);
          if (w < min) min = w;
        }
      }
    }
    if (t.k === "lit" && t.text.endsWith("\n")) lineStart = true;
  }
  if (min === Infinity || min === 0) return;
  for (const t of counted) t.text = t.text.slice(min);
}

/** Whether the character at `at` forms one grapheme cluster with the one before it (`" \u0301"`). */
function joinsOnto(s: string, at: number): boolean {
  const next = String.fromCodePoint(s.codePointAt(at)!);
  if (/^[\p{M}\u200c\u200d]/u.test(next)) return true;
  let n = 0;
  graphemes ??= new Intl.Segmenter(undefined, { granularity: "grapheme" });
  for (const _ of graphemes.segment(s[at - 1] + next)) n++;
  return n < 2;
}

function nestDirectives(flat: FlatPart[], p: Parser): TmplPart[] {
  let j = 0;
  const seq = (stops: readonly string[]): { parts: TmplPart[]; stop?: string } => {
    const parts: TmplPart[] = [];
    while (j < flat.length) {
      const f = flat[j];
      if (f.k === "lit") {
        const last = parts[parts.length - 1];
        // Terraform normalises string literals to Unicode NFC (`"e\u0301"` is `"\u00e9"`).
        if (typeof last === "string") parts[parts.length - 1] = (last + f.text).normalize("NFC");
        else parts.push(f.text.normalize("NFC"));
        j++;
      } else if (f.k === "interp") {
        parts.push({ k: "interp", e: f.e });
        j++;
      } else if (stops.includes(f.kw)) {
        j++;
        return { parts, stop: f.kw };
      } else if (f.kw === "if") {
        j++;
        const a = seq(["else", "endif"]);
        let b: TmplPart[] = [];
        if (a.stop === "else") {
          const r = seq(["endif"]);
          if (r.stop !== "endif") p.fail("%{ if } without %{ endif }");
          b = r.parts;
        } else if (a.stop !== "endif") {
          p.fail("%{ if } without %{ endif }");
        }
        parts.push({ k: "if", c: f.c!, then: a.parts, else: b });
      } else if (f.kw === "for") {
        j++;
        const r = seq(["endfor"]);
        if (r.stop !== "endfor") p.fail("%{ for } without %{ endfor }");
        parts.push({ k: "for", keyVar: f.keyVar, valVar: f.valVar!, coll: f.c!, body: r.parts });
      } else {
        p.fail(`unexpected %{ ${f.kw} }`);
      }
    }
    return { parts };
  };
  const r = seq([]);
  return r.parts;
}

/**
 * Parses a template that is not inside quotes: a string value from hcl2json or a `.tf.json` file, a heredoc
 * body, or a `templatefile` file. `$${` and `%%{` are escapes; no backslash escapes.
 */
export function parseTemplate(text: string): TmplPart[] {
  const p = new Parser(text, 0);
  return p.template(undefined);
}

/** Parses one complete expression (`var.x`, `jsonencode({...})`). */
export function parseExpression(text: string): Expr {
  const p = new Parser(text, 0);
  const e = p.expr();
  p.ws();
  if (p.i < text.length) p.fail(`unexpected ${JSON.stringify(text[p.i])} after the expression`);
  return e;
}

/** `root.a.b` of a traversal by attribute names only (what `parseReference` reads), else undefined. */
export function traversalText(x: Expr): string | undefined {
  if (x.k !== "trav" || typeof x.root !== "string") return undefined;
  let out = x.root;
  for (const op of x.ops) {
    if (op.k !== "attr") return undefined;
    out += `.${op.name}`;
  }
  return out;
}
