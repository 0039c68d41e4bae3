/**
 * A one-way hash of a secret a provider generates is not the secret (red-team round 107, F4): a tag
 * `substr(sha256(random_password.db.result), 0, 12)` or `sha256(aws_iam_access_key.ci.secret)` forces a redeploy when
 * the secret changes, and no one gets a long random value back from its hash. The written walk
 * (`writtenWalk`, credentials.ts) blanks such references out of a string before it asks what the string names.
 *
 * Only where the hash's input is certain to be strong: a secret that may be weak (a literal, a variable, a local, a
 * `random_password` shorter than 16 characters, of too few kinds of characters or of a length blastwall cannot read,
 * anything reached through another resource or function outside the hash's own argument) still counts, because the
 * hash of a weak password is cracked offline by trying candidates. So does a strong one that a function inside the
 * hash may cut down (`sha1(substr(secret, i, 1))`: each character is guessed back from its hash). The plan gate sees only the references an
 * expression makes, not the functions around them, and so still counts a hashed secret there (fail closed).
 */
import type { TfStack } from "../terraform/types";
import { addressesOf, referencePattern } from "./credential-references";

/** Terraform's one-way functions of a string: their result reveals nothing of a long random input. */
const ONE_WAY = new Set(["md5", "sha1", "sha256", "sha512", "bcrypt", "base64sha256", "base64sha512", "uuidv5"]);

/** The generated secrets, by type, and the attributes that are the secret. */
const GENERATED: Readonly<Record<string, readonly string[]>> = {
  aws_iam_access_key: ["secret"],
  random_password: ["result"],
  random_string: ["result"],
  tls_private_key: ["private_key_pem", "private_key_pem_pkcs8", "private_key_openssh"],
};
const GENERATED_REF = referencePattern(Object.keys(GENERATED));

/** Below this many bits of randomness a hash is worth attacking by brute force: 16 digits (53 bits) are, 16 letters (75) are not. */
const MIN_BITS = 64;
/** The random provider's characters for `special` unless `override_special` says otherwise. */
const DEFAULT_SPECIAL = "!@#$%&*()-_=+[]{}<>:?";

/**
 * `str` with each reference to a strong generated secret that a one-way hash takes whole blanked out (the same length
 * of spaces). A string blastwall cannot parse as a template (an unbalanced bracket, a heredoc, a comment) is returned
 * as it is: the secret counts.
 */
export function withoutHashedSecrets(stack: TfStack, str: string): string {
  if (!str.includes("${") || ![...ONE_WAY].some((f) => str.includes(`${f}(`) || str.includes(`${f} (`))) return str;
  const whole = wholeHashInputs(str);
  if (!whole || whole.size === 0) return str;
  return str.replace(GENERATED_REF, (ref: string, prefix: string, type: string, name: string, keys: string, attribute: string | undefined, at: number) => {
    // Nothing may follow that works on the value (`[0]`, `== "x"`): only the end of what holds it, or the next attribute of an object.
    const ends = /^\s*(?:[)\]},:]|\n\s*[A-Za-z_"(])/.test(str.slice(at + ref.length, at + ref.length + 64));
    return whole.has(at) && ends && attribute !== undefined && GENERATED[type].includes(attribute) && strong(stack, prefix, type, name, keys) ? " ".repeat(ref.length) : ref;
  });
}

/** Whether every resource a reference may stand for makes a secret no one guesses back from its hash. */
function strong(stack: TfStack, prefix: string, type: string, name: string, keys: string): boolean {
  // An AWS secret access key and a tls private key are long random values whatever the configuration says.
  if (type !== "random_password" && type !== "random_string") return true;
  const addresses = addressesOf(stack, prefix, type, name, keys);
  return addresses.length > 0 && addresses.every((a) => randomBits(stack.byAddress.get(a)!.values) >= MIN_BITS);
}

/**
 * The bits of randomness a `random_password` or `random_string` draws, from its length and the kinds of characters it
 * may use; 0 when its length is shorter than 16 or not a number blastwall can read. A kind set by an expression counts
 * as left out (fewer kinds, fewer bits).
 */
function randomBits(values: Record<string, unknown>): number {
  const length = typeof values.length === "number" ? values.length : typeof values.length === "string" && /^\d+$/.test(values.length) ? Number(values.length) : NaN;
  if (!(length >= 16)) return 0;
  const on = (flag: string) => values[flag] === undefined || values[flag] === null || values[flag] === true || values[flag] === "true";
  const special = typeof values.override_special === "string" && !values.override_special.includes("${") ? new Set(values.override_special).size : DEFAULT_SPECIAL.length;
  const kinds = (on("upper") ? 26 : 0) + (on("lower") ? 26 : 0) + (on("numeric") && on("number") ? 10 : 0) + (on("special") ? special : 0);
  return kinds < 2 ? 0 : length * Math.log2(kinds);
}

/**
 * Functions that hand on the whole of each string they are given (encoded, converted, or joined with others): a hash of
 * what they make is still a hash of a value holding the whole secret. Any other (`substr`, `split`, `element`, `regex`,
 * `slice`, `replace`, `lower`, ...) may cut the secret down to pieces guessed back one by one from their hashes
 * (red-team round 109, F4: `sha1(substr(secret, i, 1))` in 40 tags gave an access key away a character a tag).
 */
const WHOLE = new Set(["jsonencode", "yamlencode", "tostring", "nonsensitive", "sensitive", "base64encode", "join", "concat", "tolist", "tomap", "merge"]);
/** A `format` whose literal format string prints each value whole (`%s`, `%v`, `%q`): a width or precision (`%.4s`) may cut it. */
const PLAIN_FORMAT = /^\s*"(?:[^"\\%$]|\\.|%[%sqv]|\$(?!\{))*"\s*,/;

/**
 * Where in `str` a reference may start that a one-way hash takes whole: inside an interpolation (`${...}`; text outside
 * one calls nothing), in the hash's argument itself, in a quoted template, list, object or parentheses inside it, or
 * in the arguments of a function of `WHOLE`, after an opening bracket, a `,`, an object's `=` or a conditional's `?`
 * or `:`. Never inside another function, an index (`x[...]`), a `for` expression or a template directive (`%{ for }`).
 * Undefined when the string does not parse (an unbalanced bracket, a heredoc, a comment): nothing is taken as hashed.
 */
function wholeHashInputs(str: string): Set<number> | undefined {
  const whole = new Set<number>();
  // The last character before `i` that is not white space.
  const previous = (i: number): string => {
    while (i > 0 && /\s/.test(str[i - 1])) i--;
    return i > 0 ? str[i - 1] : "";
  };
  // A template from `i` to the end of the string, or (quoted) to its closing quote: the index after it, or -1. `keep`:
  // what it prints reaches a hash whole.
  const template = (i: number, quoted: boolean, keep: boolean): number => {
    while (i < str.length) {
      if (str.startsWith("$${", i) || str.startsWith("%%{", i)) i += 3;
      else if (str.startsWith("${", i) || str.startsWith("%{", i)) {
        // A directive's expression decides what is printed (`%{ if }`, `%{ for }`) and is not printed whole itself.
        const end = expression(i + 2, "}", keep && str[i] === "$");
        if (end < 0) return -1;
        i = end + 1;
      } else if (quoted && str[i] === "\\") i += 2;
      else if (quoted && str[i] === '"') return i + 1;
      else i++;
    }
    return quoted ? -1 : i;
  };
  // An expression from `i` to the `close` that ends it: that index, or -1. `keep`: its value reaches a hash whole.
  const expression = (i: number, close: string, keep: boolean): number => {
    const open: { close: string; keep: boolean }[] = [];
    const here = () => (open.length > 0 ? open[open.length - 1].keep : keep);
    while (i < str.length) {
      const c = str[i];
      if (c === '"') {
        i = template(i + 1, true, here());
        if (i < 0) return -1;
        continue;
      }
      if (str.startsWith("<<", i) || c === "#" || str.startsWith("//", i) || str.startsWith("/*", i)) return -1;
      const id = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(str.slice(i, i + 64));
      if (id && (i === 0 || !/[A-Za-z0-9_.:-]/.test(str[i - 1]))) {
        const call = /^\s*\(/.exec(str.slice(i + id[0].length, i + id[0].length + 64));
        if (call) {
          const name = id[0];
          const from = i + name.length + call[0].length;
          // A one-way hash's own argument is the input of that hash, whatever holds the call.
          const passes = ONE_WAY.has(name) || (here() && (WHOLE.has(name) || (name === "format" && PLAIN_FORMAT.test(str.slice(from, from + 512)))));
          const to = expression(from, ")", passes);
          if (to < 0) return -1;
          i = to + 1;
          continue;
        }
        // After an object's `=`, not a comparison's (`==`, `!=`, `<=`, `>=`).
        const before = previous(i);
        if (here() && (/^[([{,?:]$/.test(before) || (before === "=" && !/[=!<>]/.test(previous(str.lastIndexOf("=", i - 1)))))) whole.add(i);
        i += id[0].length;
        continue;
      }
      if (c === "(" || c === "[" || c === "{") {
        // An index (`x[0]`, `[*]`) picks a part of a value; a `for` expression makes new values of its parts.
        const index = c === "[" && /[A-Za-z0-9_)\]}"*]/.test(previous(i));
        const loop = c !== "(" && /^\s*for\s/.test(str.slice(i + 1, i + 64));
        open.push({ close: c === "(" ? ")" : c === "[" ? "]" : "}", keep: here() && !index && !loop });
      } else if (c === ")" || c === "]" || c === "}") {
        if (open.length === 0) return c === close ? i : -1;
        if (open.pop()!.close !== c) return -1;
      }
      i++;
    }
    return -1;
  };
  return template(0, false, false) < 0 ? undefined : whole;
}
