/**
 * Terraform's `yamldecode`, for the YAML whose reading is not in doubt. Terraform reads YAML with go-cty-yaml, this
 * with the `yaml` package (a runtime dependency already): the two agree on the structure of ordinary documents, but
 * resolve plain scalars by their own tables, and blastwall does not model anchors, aliases, merge keys, explicit
 * tags or several documents. Those, numbers other than plain whole ones, and words YAML 1.1 read as booleans
 * (`yes`, `off`) leave the call unknown.
 */
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments } from "yaml";
import { setKey, type ObjValue, type Value } from "./values";

/** Marks a document blastwall does not read. */
const NO = Symbol("no");

const YAML11_BOOLS = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;

/** The value of the only document of `text` (null for none), undefined when not known. */
export function yamlDecode(text: string): Value | undefined {
  if (/^%/m.test(text)) return undefined;
  let docs;
  try {
    docs = parseAllDocuments(text, { schema: "failsafe", uniqueKeys: true });
  } catch {
    return undefined;
  }
  if (!Array.isArray(docs)) return undefined;
  if (docs.length === 0) return null;
  if (docs.length > 1) return undefined;
  const doc = docs[0];
  if (doc.errors.length > 0 || doc.warnings.length > 0) return undefined;
  const v = node(doc.contents);
  return v === NO ? undefined : v;
}

function plain(s: string): Value | typeof NO {
  if (s === "" || s === "~" || s === "null" || s === "Null" || s === "NULL") return null;
  if (s === "true" || s === "True" || s === "TRUE") return true;
  if (s === "false" || s === "False" || s === "FALSE") return false;
  if (YAML11_BOOLS.test(s) || s === "<<" || s === "=") return NO;
  if (/^-?(?:0|[1-9][0-9]*)$/.test(s)) {
    const n = Number(s);
    return Number.isSafeInteger(n) && !Object.is(n, -0) ? n : NO;
  }
  // Other numbers (`0x1f`, `1_000`, `1e3`, `.inf`), timestamps (`2024-01-01`): each library has its own table.
  if (/^[-+]?[.0-9]/.test(s)) return NO;
  return s;
}

function node(n: unknown): Value | typeof NO {
  if (n === null || n === undefined) return null;
  if (isAlias(n)) return NO;
  const meta = n as { tag?: string; anchor?: string };
  if (meta.tag !== undefined || meta.anchor !== undefined) return NO;
  if (isScalar(n)) {
    if (typeof n.value !== "string") return NO;
    return n.type === "PLAIN" ? plain(n.value) : n.value;
  }
  if (isSeq(n)) {
    const out: Value[] = [];
    for (const item of n.items) {
      const v = node(item);
      if (v === NO) return NO;
      out.push(v);
    }
    return out;
  }
  if (isMap(n)) {
    const out: ObjValue = {};
    for (const pair of n.items) {
      const k = pair.key;
      if (!isScalar(k) || typeof k.value !== "string") return NO;
      const km = k as { tag?: string; anchor?: string };
      if (km.tag !== undefined || km.anchor !== undefined) return NO;
      // A key YAML resolves to a number, a boolean or null is not a plain string key in both readers alike.
      if (k.type === "PLAIN" && plain(k.value) !== k.value) return NO;
      const v = node(pair.value);
      if (v === NO) return NO;
      setKey(out, k.value, v);
    }
    return out;
  }
  return NO;
}
