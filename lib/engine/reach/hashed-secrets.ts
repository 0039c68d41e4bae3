/**
 * A one-way hash of a secret a provider generates is not the secret (red-team round 107, F4): a tag
 * `substr(sha256(random_password.db.result), 0, 12)` or `sha256(aws_iam_access_key.ci.secret)` forces a redeploy when
 * the secret changes, and no one gets a long random value back from its hash. The written walk
 * (`writtenWalk`, credentials.ts) blanks such references out of a string before it asks what the string names.
 *
 * Only where the hash's input is certain to be strong: a secret that may be weak (a literal, a variable, a local, a
 * `random_password` shorter than 16 characters, of too few kinds of characters or of a length blastwall cannot read,
 * anything reached through another resource or function outside the hash's own argument) still counts, because the
 * hash of a weak password is cracked offline by trying candidates. The plan gate sees only the references an
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
 * `str` with each reference to a strong generated secret that stands inside the argument of a one-way hash blanked
 * out (the same length of spaces). A string blastwall cannot parse as a template (an unbalanced bracket, a heredoc)
 * is returned as it is: the secret counts.
 */
export function withoutHashedSecrets(stack: TfStack, str: string): string {
  if (!str.includes("${") || ![...ONE_WAY].some((f) => str.includes(`${f}(`) || str.includes(`${f} (`))) return str;
  const spans = hashedArguments(str);
  if (!spans || spans.length === 0) return str;
  return str.replace(GENERATED_REF, (ref: string, prefix: string, type: string, name: string, keys: string, attribute: string | undefined, at: number) => {
    const inside = spans.some(([from, to]) => at >= from && at + ref.length <= to);
    return inside && attribute !== undefined && GENERATED[type].includes(attribute) && strong(stack, prefix, type, name, keys) ? " ".repeat(ref.length) : ref;
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
 * The spans of `str` that are the argument list of a one-way hash call inside an interpolation (`${...}` or `%{...}`,
 * nested quoted templates included): text outside an interpolation (`"sha256(${x})"`) calls nothing. Undefined when
 * the string does not parse (an unbalanced bracket, a heredoc): no span is trusted then.
 */
function hashedArguments(str: string): [number, number][] | undefined {
  const spans: [number, number][] = [];
  // A template from `i` to the end of the string, or (quoted) to its closing quote: the index after it, or -1.
  const template = (i: number, quoted: boolean): number => {
    while (i < str.length) {
      if (str.startsWith("$${", i) || str.startsWith("%%{", i)) i += 3;
      else if (str.startsWith("${", i) || str.startsWith("%{", i)) {
        const end = expression(i + 2, "}");
        if (end < 0) return -1;
        i = end + 1;
      } else if (quoted && str[i] === "\\") i += 2;
      else if (quoted && str[i] === '"') return i + 1;
      else i++;
    }
    return quoted ? -1 : i;
  };
  // An expression from `i` to the `close` that ends it: that index, or -1.
  const expression = (i: number, close: string): number => {
    const open: string[] = [];
    while (i < str.length) {
      const c = str[i];
      if (c === '"') {
        i = template(i + 1, true);
        if (i < 0) return -1;
        continue;
      }
      if (str.startsWith("<<", i)) return -1;
      const id = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(str.slice(i, i + 64));
      if (id && (i === 0 || !/[A-Za-z0-9_.:-]/.test(str[i - 1]))) {
        const call = ONE_WAY.has(id[0]) ? /^\s*\(/.exec(str.slice(i + id[0].length)) : null;
        if (call) {
          const from = i + id[0].length + call[0].length;
          const to = expression(from, ")");
          if (to < 0) return -1;
          spans.push([from, to]);
          i = to + 1;
        } else i += id[0].length;
        continue;
      }
      if (c === "(" || c === "[" || c === "{") open.push(c === "(" ? ")" : c === "[" ? "]" : "}");
      else if (c === ")" || c === "]" || c === "}") {
        if (open.length === 0) return c === close ? i : -1;
        if (open.pop() !== c) return -1;
      }
      i++;
    }
    return -1;
  };
  return template(0, false) < 0 ? undefined : spans;
}
