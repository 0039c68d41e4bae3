/**
 * A CloudFormation template's text as CloudFormation reads it: JSON, or YAML with the short-form intrinsic tags
 * (`!Ref`, `!GetAtt`, `!Sub`, ...) written out as the long forms a JSON template uses, so the plan rules judge
 * both with one reader. Anything this cannot read as CloudFormation would gives undefined, which the rules count as
 * a template that may do anything.
 *
 * CloudFormation reads YAML 1.1 without aliases, hash merges and the binary, omap, pairs, set and timestamp types
 * (an unquoted `2010-09-09` stays a string). A template that uses one of those, repeats a key, holds more than one
 * document or a tag CloudFormation does not define is not read: CloudFormation would refuse it or read it in a way
 * blastwall cannot be sure of.
 */
import { isAlias, isMap, isScalar, isSeq, parseDocument, type Node, type Tags } from "yaml";

/** Short-form tags and the key of their long form. */
const INTRINSICS: Readonly<Record<string, string>> = {
  "!Ref": "Ref",
  "!Condition": "Condition",
  "!Base64": "Fn::Base64",
  "!Cidr": "Fn::Cidr",
  "!FindInMap": "Fn::FindInMap",
  "!GetAtt": "Fn::GetAtt",
  "!GetAZs": "Fn::GetAZs",
  "!ImportValue": "Fn::ImportValue",
  "!Join": "Fn::Join",
  "!Select": "Fn::Select",
  "!Split": "Fn::Split",
  "!Sub": "Fn::Sub",
  "!Transform": "Fn::Transform",
  "!And": "Fn::And",
  "!Equals": "Fn::Equals",
  "!If": "Fn::If",
  "!Not": "Fn::Not",
  "!Or": "Fn::Or",
  "!Length": "Fn::Length",
  "!ToJsonString": "Fn::ToJsonString",
};

/** YAML 1.1 types CloudFormation does not support: left out, so a value tagged with one is unresolved. */
const UNSUPPORTED = /:(?:binary|merge|omap|pairs|set|timestamp)$/;

/** Each short form may tag a scalar, a sequence or a mapping; the value is taken as written and wrapped below. */
const CFN_TAGS = Object.keys(INTRINSICS).flatMap((tag) => [
  { tag, resolve: (s: string) => s },
  { tag, collection: "seq" as const, resolve: (v: unknown) => v },
  { tag, collection: "map" as const, resolve: (v: unknown) => v },
]) as unknown as Tags;

/** Bounds the work on one template: a value no real template reaches, and a YAML document can be built to exceed. */
const MAX_NODES = 2_000_000;

class Unreadable extends Error {}

const recent = new Map<string, unknown>();

/** The template as a plain value (JSON's shape), or undefined when it cannot be read as CloudFormation reads it. */
export function parseTemplate(text: unknown): unknown {
  if (typeof text !== "string") return undefined;
  // The rules read one template several times over (its resources, parameters, conditions): parsed once.
  if (recent.has(text)) return recent.get(text);
  const value = read(text);
  if (recent.size >= 16) recent.delete(recent.keys().next().value as string);
  recent.set(text, value);
  return value;
}

function read(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // not JSON: YAML below
  }
  try {
    const doc = parseDocument(text, {
      version: "1.1",
      schema: "yaml-1.1",
      merge: false,
      uniqueKeys: true,
      prettyErrors: false,
      customTags: (tags) => [...tags.filter((t) => typeof t === "string" || !UNSUPPORTED.test(t.tag)), ...(CFN_TAGS as Tags)],
    });
    if (doc.errors.length > 0 || doc.warnings.length > 0) return undefined;
    const budget = { nodes: 0 };
    return plain(doc.contents, budget);
  } catch (e) {
    if (e instanceof Unreadable || e instanceof RangeError) return undefined;
    throw e;
  }
}

function plain(node: Node | null, budget: { nodes: number }): unknown {
  if (++budget.nodes > MAX_NODES) throw new Unreadable();
  if (node === null) return null;
  if (isAlias(node)) throw new Unreadable();
  let value: unknown;
  if (isScalar(node)) value = node.value;
  else if (isSeq(node)) value = node.items.map((item) => plain(item as Node | null, budget));
  else if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      const key = pair.key as Node | null;
      // A key that is a tagged value, a collection or `<<` (a merge CloudFormation does not do) is no template key.
      if (key !== null && (!isScalar(key) || key.tag !== undefined)) throw new Unreadable();
      const name = key === null ? "" : String(key.value);
      if (name === "<<") throw new Unreadable();
      // As JSON.parse would: `__proto__` is a key like any other.
      Object.defineProperty(out, name, { value: plain(pair.value as Node | null, budget), enumerable: true, writable: true, configurable: true });
    }
    value = out;
  } else throw new Unreadable();
  const tag = (node as { tag?: string }).tag;
  if (tag === undefined || tag.startsWith("tag:yaml.org,2002:")) return value;
  const long = INTRINSICS[tag];
  if (long === undefined) throw new Unreadable();
  if (long === "Fn::GetAtt" && typeof value === "string") {
    // `!GetAtt Res.Attr` names the resource before the first dot and the attribute after it.
    const dot = value.indexOf(".");
    return { [long]: dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [long]: value };
}
