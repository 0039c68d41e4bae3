/**
 * The `grants` digest of a finding: a short hash of what decides the finding, which an acknowledgement may pin so it
 * covers the finding only while that stays what the reviewer saw (red-team round 141: an acknowledgement matched by
 * rule, principal and action names kept covering a right after its condition was dropped and its Resource set to `*`,
 * and a second policy granting the same action).
 *
 * What decides a finding, and so what it hashes:
 * - The statements its granting evidence names: each one's content (effect, actions, resources, principals,
 *   conditions, as written and as read), never its position or Sid: moving a statement or renaming its Sid changes
 *   nothing a reviewer accepted. Action names count in lower case, as IAM compares them (red-team round 144, L3).
 * - What a reference in one of them points to, where blastwall could not resolve it (`${data.aws_ebs_volume.x.arn}`,
 *   read as `*`): the block the reference names as written, less `"//"`, and what a data source, variable, local or
 *   module it names reads in turn. Pointing the data source's filter at production changes the digest (round 144, F4).
 *   A reference blastwall resolved is in the statement as read already.
 * - For every principal of the stack the finding names (its principal, and one an evidence step names: the role a
 *   chain leads into), what caps or places that principal's rights, whatever the rule's steps show (round 144, F1, F2,
 *   F5): its permission boundary (every statement of it, as read and as written, not their order; a boundary Allow is
 *   the most the role gets, condition and all), every Deny of its identity policies (a conditional Deny removed widens the right as
 *   surely as a condition dropped from the Allow), and the settings of its provider configuration that decide which
 *   account and region it is made in (account pins, `assume_role`, `profile`, `region`). The `boundary` and
 *   `deny-not-relied-on` steps name no granting statement, and are not hashed as steps: what they are about is here.
 *   This holds for the rules about a principal's rights (a right is what its Allows grant less what the Denies and the
 *   boundary take) and for `agent-role-boundary`, whose finding about a boundary that allows too much is about the
 *   boundary document itself, less the role's own Denies, in the role's account.
 * - For a finding that names no statement (a missing boundary, a resource left unprotected, an unreadable module): the
 *   thing it is about, the block at its `resource` as written, and for a module call every argument of the call
 *   (source, version, inputs, `count`/`for_each`, `providers`, less `"//"`): an unread module does with its inputs
 *   whatever its code says, and nothing else judges them (round 144, F3). A `resource` that is no block
 *   (`aws_iam_role.x.permissions_boundary`) is hashed with the block of every address the evidence names.
 * Whatever cannot be resolved to content is hashed by how the evidence names it, so it still changes when the evidence
 * does (fail closed). The digest changes on some edits that widen nothing, a tag added to a role or a bucket the
 * finding is about, or to a block an unresolved reference names: the finding is then reopened for review, which fails
 * closed.
 */
import * as crypto from "crypto";
import type { Evidence, Finding, StatementRef } from "../engine/findings";
import type { PrincipalNode, StackAnalysis } from "../engine/analysis-types";
import type { PolicyDocument, Statement } from "../engine/iam/types";
import { UNKNOWN_MODULE_TYPE, type TfStack } from "../engine/terraform/types";
import { managedPolicyDocument } from "../engine/analyze";
import { providerConfigKey, providerKeyOf } from "../engine/terraform/providers";
import { hasInterpolation, parseTemplate, resolveToPattern } from "../engine/terraform/tokens";
import { compareText } from "../engine/text";
import { UNKNOWN_PREFIX } from "../engine/reach/types";

// 16 hex digits (GRANTS_DIGEST): 64 bits, so no agent finds other statements that hash to a digest a reviewer pinned.
export { GRANTS_DIGEST } from "../engine/findings";

// Steps that say who the principal is or what caps it, never what grants the finding (as acknowledgements.ts reads them).
// What caps it (the boundary, the Denies) is hashed with the principal (see `principalContent`), not as a step.
const NOT_GRANTING: ReadonlySet<string> = new Set(["principal", "boundary", "deny-not-relied-on", "plan", "acknowledgement"]);

const key = (policy: string, inlinePolicy: string | undefined, index: number) => JSON.stringify([policy, inlinePolicy ?? "", index]);

/** Looks up what the evidence names: statements by where they are written, blocks, principals. */
export interface StatementLookup {
  /** The statement `ref` names, looked for first in the policies of the principals at `near` (the finding's). */
  statement(ref: StatementRef, near?: readonly string[]): Statement | undefined;
  /** The block at `address` as written (a resource, data source or module call), for what no statement resolves. */
  block(address: string): unknown;
  /** A statement's content with what its unresolved references name (see the module comment). */
  statementContent(s: Statement): unknown;
  /** What caps and places the rights of the stack's principal at `address` (see the module comment); undefined: no principal. */
  principal(address: string): unknown;
  /**
   * A value as canonical JSON (object keys sorted), each object written once: a stack of 20,000 resources has tens of
   * thousands of findings, many about one principal or block, and writing each again made the digests a third of the
   * analysis.
   */
  canonical(value: unknown): string;
  /**
   * A part of a digest (a list, written as `canonical` writes it) and that text as a JSON string, made once per `key`:
   * the part about one principal, block or statement is the same in every finding that names it.
   */
  part(key: string | object, make: () => readonly unknown[], hashLong?: boolean): Part;
  /**
   * What the other stacks of the run passed on, each as one digest made once per stack: `agents`, which of their
   * principals are agents (stack, address and ARN); `stacks`, the configuration digests of the stacks they come from.
   */
  peersOfRun(): { readonly agents: string; readonly stacks: string };
  /**
   * A digest made once per `key`, which must name everything that decides it: most findings of a large stack are about
   * a thing two rules report alike (a data resource with no prevent_destroy and no backup), and each wrote, sorted and
   * hashed the same parts again.
   */
  remembered(key: string, make: () => string): string;
}

/** A digest's part: its canonical JSON (what parts are sorted and told apart by), and that text as a JSON string. */
export interface Part {
  /**
   * Its canonical JSON, or for a long one `#` and that text's SHA-256: a principal with thousands of statements has as
   * many findings, and hashing its whole text into each made the digests of one such principal quadratic (red-team
   * round 147, F3). Either way it is what the part says.
   */
  readonly raw: string;
}

// One call per text where Node has it (20.12 and later): tens of thousands of digests each made a Hash object.
const sha256: (text: string) => string =
  typeof (crypto as { hash?: unknown }).hash === "function"
    ? (text) => (crypto as unknown as { hash(a: string, t: string, e: string): string }).hash("sha256", text, "hex")
    : (text) => crypto.createHash("sha256").update(text).digest("hex");

// A part longer than this is hashed once and stands in each finding's digest by its hash.
const LONG_PART = 512;

/** The statements the analysis read for the stack's principals (identity policies, boundaries, trust policies). */
export function stackLookup(stack: TfStack, analysis: Pick<StackAnalysis, "principals">): StatementLookup {
  let index: Map<string, Statement> | undefined;
  const build = () => {
    const m = new Map<string, Statement>();
    const add = (d: PolicyDocument | undefined) => {
      for (const s of d?.statements ?? []) {
        const k = key(s.source.address, s.source.inlinePolicy, s.source.index);
        if (!m.has(k)) m.set(k, s);
      }
    };
    for (const p of analysis.principals) {
      for (const a of p.identityPolicies) add(a.document);
      add(p.boundary?.document);
      add(p.trustPolicy);
    }
    return m;
  };
  let principals: Map<string, PrincipalNode> | undefined;
  // A principal's own statements, indexed when a finding about it first asks: indexing every principal's read (and
  // parsed) every policy of the stack, most of which no finding names.
  const near = new Map<string, Map<string, Statement> | undefined>();
  const statementsOf = (address: string): Map<string, Statement> | undefined => {
    if (near.has(address)) return near.get(address);
    const p = (principals ??= new Map(analysis.principals.map((x) => [x.address, x]))).get(address);
    let m: Map<string, Statement> | undefined;
    if (p) {
      m = new Map();
      for (const d of [...p.identityPolicies.map((a) => a.document), p.boundary?.document, p.trustPolicy]) {
        for (const st of d?.statements ?? []) {
          const k = key(st.source.address, st.source.inlinePolicy, st.source.index);
          if (!m.has(k)) m.set(k, st);
        }
      }
    }
    near.set(address, m);
    return m;
  };
  const principalContents = new Map<string, unknown>();
  const statementContents = new WeakMap<Statement, unknown>();
  const blocks = new Map<string, unknown>();
  const block = (address: string) => {
    if (blocks.has(address)) return blocks.get(address);
    const b = blockContent(stack, address);
    blocks.set(address, b);
    return b;
  };
  const texts = new WeakMap<object, string>();
  const partsByText = new Map<string, Part>();
  const partsByObject = new WeakMap<object, Part>();
  const remembered = new Map<string, string>();
  let runPeers: { agents: string; stacks: string } | undefined;
  const lookup: StatementLookup = {
    statement(ref, principalsNear) {
      const k = key(ref.policy, ref.inlinePolicy, ref.index);
      for (const a of principalsNear ?? []) {
        const own = statementsOf(a)?.get(k);
        if (own) return own;
      }
      const hit = (index ??= build()).get(k);
      if (hit || !ref.policy.startsWith("arn:")) return hit;
      const s = managedPolicyDocument(ref.policy)?.statements[ref.index];
      return s && (s.source.inlinePolicy ?? "") === (ref.inlinePolicy ?? "") ? s : undefined;
    },
    block,
    statementContent(s) {
      let c = statementContents.get(s);
      if (c === undefined) statementContents.set(s, (c = withReferences(stack, s)));
      return c;
    },
    principal(address) {
      const p = (principals ??= new Map(analysis.principals.map((x) => [x.address, x]))).get(address);
      if (!p) return undefined;
      let c = principalContents.get(address);
      if (c === undefined) principalContents.set(address, (c = principalContent(stack, p, lookup)));
      return c;
    },
    part(k, make, hashLong = true) {
      // A part written whole whatever its length is another part than the same key hashed when long.
      const textKey = typeof k === "string" ? (hashLong ? k : `whole\u0000${k}`) : undefined;
      let p = textKey !== undefined ? partsByText.get(textKey) : partsByObject.get(k as object);
      if (p === undefined) {
        const raw = `[${make().map((x) => lookup.canonical(x)).join(",")}]`;
        p = { raw: hashLong && raw.length > LONG_PART ? `#${sha256(raw)}` : raw };
        if (textKey !== undefined) partsByText.set(textKey, p);
        else partsByObject.set(k as object, p);
      }
      return p;
    },
    peersOfRun() {
      if (runPeers === undefined) {
        const entries = [...(stack.peerAgents ?? []), ...(stack.peerRunners ?? [])];
        const digestOfList = (xs: Iterable<string>) => sha256([...new Set(xs)].sort(compareText).join("\n")).slice(0, 16);
        runPeers = {
          agents: digestOfList(entries.filter((x) => x.actsFor === undefined && x.runs === undefined).map((x) => entryKeys(x).agent)),
          stacks: digestOfList(entries.map((x) => entryKeys(x).stack)),
        };
      }
      return runPeers;
    },
    remembered(k, make) {
      let d = remembered.get(k);
      if (d === undefined) remembered.set(k, (d = make()));
      return d;
    },
    canonical(value) {
      if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
      let t = texts.get(value);
      if (t === undefined) texts.set(value, (t = canonicalText(value)));
      return t;
    },
  };
  return lookup;
}

/** The block at `address` as written, less `"//"`; a module call as every argument it is called with. */
function blockContent(stack: TfStack, address: string): unknown {
  const module = (stack.modules ?? []).find((m) => m.address === address);
  if (module) return moduleContent(module.values);
  const r = stack.byAddress.get(address);
  if (!r) return undefined;
  if (r.type === UNKNOWN_MODULE_TYPE) {
    // The HCL reader's stand-in: the call's arguments, and why it was not read, which is no argument (it says whether a
    // module cache was there) and must not change what a reviewer pinned.
    const { reason: _reason, ...call } = r.values;
    void _reason;
    return moduleContent(call);
  }
  return { values: withoutMetadata(r.values), lifecycle: r.lifecycle ?? null };
}

/** A module call whose code blastwall does not read: what it fetches and everything it is given (red-team round 144, F3). */
const moduleContent = (values: Readonly<Record<string, unknown>>) => ({ module: withoutMetadata(values) });

/** The block without cdktf's `"//"` metadata: acknowledging in code writes there, and must not change what it pins. */
function withoutMetadata(values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { ["//"]: _meta, ...rest } = values;
  void _meta;
  return rest;
}

const sorted = (xs: readonly string[] | undefined) => (xs === undefined ? null : [...xs].sort(compareText));

/** A statement as the IAM content it grants: every element, as read and as written; not its Sid or position. */
function statementContent(s: Statement): unknown {
  const principals = (ps: Statement["principals"]) =>
    ps === undefined ? null : ps.map((p) => JSON.stringify([p.type, sorted(p.identifiers), sorted(p.written)])).sort(compareText);
  return {
    effect: s.effect,
    actions: sorted(s.actions),
    notActions: sorted(s.notActions),
    // IAM compares action names without case, and `actions` holds them in lower case: only a `${...}` written in one,
    // whose reference is case-sensitive, adds to what it says (red-team round 144, L3).
    writtenActions: sorted((s.writtenActions ?? []).filter(hasInterpolation)),
    resources: sorted(s.resources),
    notResources: sorted(s.notResources),
    writtenResources: sorted(s.writtenResources),
    principals: principals(s.principals),
    notPrincipals: principals(s.notPrincipals),
    conditions: s.conditions.map((c) => JSON.stringify([c.operator, c.key, sorted(c.values), sorted(c.written)])).sort(compareText),
    unknown: s.unknown ?? null,
  };
}

/** The statement's content, and what the references blastwall could not resolve in it name (red-team round 144, F4). */
function withReferences(stack: TfStack, s: Statement): unknown {
  const texts: string[] = [...(s.writtenResources ?? []), ...(s.writtenActions ?? [])];
  for (const c of s.conditions) texts.push(...c.values, ...(c.written ?? []));
  for (const p of [...(s.principals ?? []), ...(s.notPrincipals ?? [])]) texts.push(...p.identifiers, ...(p.written ?? []));
  // A NotResource keeps no written form: what the block that holds the statement writes stands in for it.
  if (s.notResources !== undefined && s.approximateResources?.length) {
    const holder = stack.byAddress.get(s.source.address);
    if (holder) texts.push(...stringsIn(holder.values));
  }
  const unresolved = texts.filter(hasInterpolation).flatMap((t) => resolveToPattern(stack, t).unresolved);
  const referenced = referencedContent(stack, unresolved);
  const content = statementContent(s);
  return referenced.length === 0 ? content : { ...(content as object), referenced };
}

// Blocks behind one statement whose content its part holds; the rest count through the stack's configuration digest.
const MAX_REFERENCED = 64;

// What a reference can name: a data source, a resource, a variable, a local value, a module's output.
const REFERENCE = /(?<![\w.-])(data\.[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*|(?:var|local|module)\.[A-Za-z_][\w-]*|[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][\w-]*)/g;

/**
 * The content of what the interpolations `raws` name, as `[address, content]` pairs sorted by address. What a data
 * source, variable, local or module reads is followed in turn (a data source whose name comes from an SSM parameter
 * is that parameter's); a resource is its block, not followed: it is made from it. Past MAX_REFERENCED blocks the rest
 * count through the digest of the whole stack's configuration, made once per stack: any change anywhere reopens the
 * finding (fail closed). Hashing the rest by name let a change past the 64th keep an acknowledgement pinned (red-team
 * round 176); hashing every one made each statement's part as large as the stack, for every such statement.
 */
function referencedContent(stack: TfStack, raws: readonly string[]): [string, unknown][] {
  const out = new Map<string, unknown>();
  const queued = new Set<string>();
  const queue: string[] = [];
  const visit = (text: string) => {
    for (const part of parseTemplate(text)) {
      if (part.kind !== "interpolation") continue;
      for (const m of part.expr.matchAll(REFERENCE)) {
        if (queued.has(m[1])) continue;
        queued.add(m[1]);
        queue.push(m[1]);
      }
    }
  };
  for (const raw of raws) visit(raw);
  for (let i = 0; i < queue.length; i++) {
    const address = queue[i];
    if (out.size >= MAX_REFERENCED) {
      // "(" sorts before every address, and no address starts with it.
      out.set("(configuration)", stackConfigurationDigest(stack));
      break;
    }
    const [root, name] = address.split(".");
    const content =
      root === "var" ? (stack.variables.get(name) ?? null) : root === "local" ? (stack.locals.get(name) ?? null) : (blockContent(stack, address) ?? null);
    out.set(address, content);
    const managed = root !== "var" && root !== "local" && root !== "data" && root !== "module";
    if (!managed && content !== null) for (const t of stringsIn(content)) visit(t);
  }
  return [...out.entries()].sort((a, b) => compareText(a[0], b[0]));
}

/** Every string in a JSON value. */
function stringsIn(v: unknown, out: string[] = []): string[] {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) for (const x of v) stringsIn(x, out);
  else if (v !== null && typeof v === "object") for (const x of Object.values(v)) stringsIn(x, out);
  return out;
}

// The provider arguments that decide which account and region a principal is made in (red-team round 144, F5).
const PLACING = ["allowed_account_ids", "forbidden_account_ids", "assume_role", "assume_role_with_web_identity", "profile", "region"];

/**
 * The digest of a stack's configuration as written: every block (less cdktf's `"//"` metadata), module call, variable,
 * local value and provider setting. The principals a stack passes on to the other stacks of a run carry it: which of
 * them an agent can act as, and on what conditions, is decided there, out of sight of the stack that names one
 * (red-team round 150: an acknowledgement pinned to a chain through another stack's role kept covering after a second
 * agent came to reach that role, and after the role's trust lost its condition). Any change there reopens such a
 * finding, which fails closed.
 */
export function stackConfigurationDigest(stack: TfStack): string {
  // A run judges a stack again in rounds, each time a new object spread from the same reading: keyed by its blocks.
  let d = configurationDigests.get(stack.byAddress);
  if (d === undefined) configurationDigests.set(stack.byAddress, (d = configurationDigestOf(stack)));
  return d;
}

const configurationDigests = new WeakMap<object, string>();

function configurationDigestOf(stack: TfStack): string {
  const blocks = [...stack.byAddress.values()].map((r) => [r.address, withoutMetadata(r.values), r.lifecycle ?? null]);
  const text = canonicalText({
    blocks: blocks.sort((a, b) => compareText(a[0] as string, b[0] as string)),
    modules: (stack.modules ?? []).map((m) => [m.address, withoutMetadata(m.values)]).sort((a, b) => compareText(a[0] as string, b[0] as string)),
    variables: Object.fromEntries(stack.variables),
    locals: Object.fromEntries(stack.locals),
    providers: Object.fromEntries(stack.providers ?? []),
  });
  return sha256(text).slice(0, 16);
}

// What `peersOfRun` lists of an entry, written once: each stack of a run of hundreds lists every other's.
const entryKeyCache = new WeakMap<object, { readonly agent: string; readonly stack: string }>();
function entryKeys(x: { readonly stack: string; readonly address: string; readonly arnPattern: string; readonly basis?: string }): { readonly agent: string; readonly stack: string } {
  let k = entryKeyCache.get(x);
  if (k === undefined) entryKeyCache.set(x, (k = { agent: JSON.stringify([x.stack, x.address, x.arnPattern]), stack: JSON.stringify([x.stack, x.basis ?? null]) }));
  return k;
}

// An entry passed on is one object in every stack of the run that receives it, and never changes: written once.
const peerTexts = new WeakMap<object, string>();
const peerText = (x: object): string => {
  let t = peerTexts.get(x);
  if (t === undefined) peerTexts.set(x, (t = canonicalText(x)));
  return t;
};

/** What caps and places a principal's rights (see the module comment). */
function principalContent(stack: TfStack, p: PrincipalNode, lookup: StatementLookup): unknown {
  const contents = (ss: readonly Statement[]) => [...new Set(ss.map((s) => lookup.canonical(lookup.statementContent(s))))].sort(compareText);
  const statements = p.identityPolicies.flatMap((a) => a.document.statements);
  const denies = contents(statements.filter((s) => s.effect === "Deny"));
  // Every Allow too: another right of the principal can meet a condition the reviewed grant relies on (ec2:CreateTags
  // beside a DeleteVolume limited to volumes tagged env=scratch; iam:TagRole on itself beside one keyed on its own
  // tag), and no rule weighs that (red-team round 146, F1). Any change to its policies reopens the finding.
  const allows = contents(statements.filter((s) => s.effect === "Allow"));
  const boundary = p.boundary
    ? { document: p.boundary.document.address, via: p.boundary.via, statements: contents(p.boundary.document.statements) }
    : null;
  const provider = providerConfigKey(providerKeyOf(p.resource));
  const body = stack.providers?.get(provider);
  const placing = body === undefined ? null : Object.fromEntries(PLACING.filter((k) => body[k] !== undefined).map((k) => [k, body[k]]));
  const referenced = placing === null ? [] : referencedContent(stack, stringsIn(placing));
  // Another stack's principal, an agent there or one an agent can act as: how it is one is decided in that stack, which
  // the entry the run passed on about it carries (with its stack's configuration digest, which changes with anything
  // there: a second agent come to reach it, its trust's condition dropped), and by which principals of the run are
  // agents (a config may select one more by name, and its stack's configuration stays the same). Each as one digest
  // made once per stack: every entry of the run written into each such principal made a check of 300 stacks three
  // times as long.
  if (p.external && p.peer !== undefined) {
    const { entry, ...peer } = p.peer;
    const run = lookup.peersOfRun();
    // Matched to one entry: that entry. Several may be it (a name known only at apply time): every stack's configuration.
    const decided = entry !== undefined ? { entry: peerText(entry) } : { stacks: run.stacks };
    return { denies, allows, boundary, provider: { key: provider, placing, referenced }, peer, ...decided, agents: run.agents };
  }
  return { denies, allows, boundary, provider: { key: provider, placing, referenced } };
}

/**
 * What one evidence step contributes: the content of the statements it names, or the step itself. Each part is made
 * once per what it is about (a statement, a step's address): a list written in full, whatever its length, as before
 * parts were cached.
 */
function stepParts(e: Evidence, lookup: StatementLookup, near: readonly string[]): Part[] {
  if (!e.statements?.length) return [lookup.part(`step ${JSON.stringify([e.step, e.address, e.attaches ?? null])}`, () => ["step", e.step, e.address, e.attaches ?? null], false)];
  return e.statements.map((ref) => {
    const s = lookup.statement(ref, near);
    if (s) return lookup.part(s, () => ["statement", lookup.statementContent(s)]);
    // A statement blastwall names but cannot show (a resource policy, another stack's): the block that holds it,
    // and failing that how the step names it.
    const block = lookup.block(ref.policy);
    return block !== undefined
      ? lookup.part(`statement-in ${JSON.stringify([ref.policy, ref.inlinePolicy ?? null, ref.index])}`, () => ["statement-in", ref.policy, ref.inlinePolicy ?? null, ref.index, block], false)
      : lookup.part(`statement-named ${JSON.stringify([ref, e.detail])}`, () => ["statement-named", ref, e.detail], false);
  });
}

const INDEX_KEY = /^(?:0|[1-9]\d{0,9})$/;
const isIndexKey = (k: string) => INDEX_KEY.test(k) && Number(k) < 4294967295;

/**
 * Canonical JSON for the digests: objects with their keys sorted (cdktf's synth-time JSON, `toTerraform()`, and the
 * cdk.tf.json it writes order a block's keys differently, and the synth gate and `blastwall check` must give one block
 * one digest). It writes what `JSON.stringify` with a replacer returning each object's sorted copy wrote (that copying
 * made the digests a third of a large stack's analysis; the test keeps it as the reference), key for key:
 * a copy's integer-like keys (`"0"`, `"12"`) come first, in numeric order, as JavaScript enumerates them; the others
 * in `compareText` order; a value JSON cannot hold is left out of an object and `null` in a list.
 */
export function canonicalText(value: unknown): string {
  return writeValue(value) ?? "null";
}

function writeValue(v: unknown): string | undefined {
  if (v === null) return "null";
  switch (typeof v) {
    case "string":
      return JSON.stringify(v);
    case "number":
      return Number.isFinite(v) ? JSON.stringify(v) : "null";
    case "boolean":
      return v ? "true" : "false";
    case "object":
      break;
    default:
      // undefined, a function, a symbol: nothing JSON writes (a bigint would throw there, and does here).
      return typeof v === "bigint" ? JSON.stringify(v) : undefined;
  }
  const o = v as { toJSON?: () => unknown };
  if (typeof o.toJSON === "function") return writeValue(o.toJSON());
  // Written by concatenation, and keys split in one pass: a large stack writes tens of thousands of blocks here.
  if (Array.isArray(v)) {
    let out = "[";
    for (let i = 0; i < v.length; i++) out += (i > 0 ? "," : "") + (writeValue(v[i]) ?? "null");
    return out + "]";
  }
  const rec = v as Record<string, unknown>;
  let indexes: string[] | undefined;
  const names: string[] = [];
  for (const k of Object.keys(rec)) {
    const c = k.charCodeAt(0);
    if (c >= 48 && c <= 57 && isIndexKey(k)) (indexes ??= []).push(k);
    else names.push(k);
  }
  // sort() with no comparator orders by UTF-16 code unit, as compareText does.
  names.sort();
  const keys = indexes === undefined ? names : [...indexes.sort((a, b) => Number(a) - Number(b)), ...names];
  let out = "{";
  for (const k of keys) {
    const w = writeValue(rec[k]);
    if (w !== undefined) out += (out.length > 1 ? "," : "") + JSON.stringify(k) + ":" + w;
  }
  return out + "}";
}

/**
 * The finding's digest (see the module comment). Order does not count: the parts are sorted, and a statement two
 * steps name counts once.
 */
export function grantsDigest(f: Finding, lookup: StatementLookup): string {
  // A finding about a thing (most of a large stack's: one per data resource and rule) is decided by its principal, its
  // resource and how its steps name addresses, which two rules about one resource share.
  if (!f.evidence.some((e) => e.statements?.length)) {
    const k = JSON.stringify([f.principal, f.resource, f.evidence.map((e) => [e.step, e.address, e.attaches ?? null])]);
    return lookup.remembered(k, () => digestOfParts(f, lookup));
  }
  return digestOfParts(f, lookup);
}

function digestOfParts(f: Finding, lookup: StatementLookup): string {
  const parts: Part[] = [];
  const add = (p: Part) => parts.push(p);
  const granting = f.evidence.filter((e) => !NOT_GRANTING.has(e.step));
  const named = [...new Set([f.principal, ...f.evidence.map((e) => e.address)])];
  for (const e of granting) for (const p of stepParts(e, lookup, named)) add(p);
  for (const address of named) {
    const p = lookup.principal(address);
    if (p !== undefined) add(lookup.part(`principal ${address}`, () => ["principal", address, p]));
  }
  if (!f.evidence.some((e) => e.statements?.length)) {
    // About a thing, not statements: its block, as written; an address that is no block, by what the steps name.
    const block = lookup.block(f.resource);
    add(lookup.part(`resource ${f.resource}`, () => ["resource", f.resource, block ?? null]));
    if (block === undefined) for (const e of f.evidence) add(lookup.part(`step-block ${e.step} ${e.address}`, () => ["step-block", e.step, e.address, lookup.block(e.address) ?? null]));
  }
  return hashParts(parts);
}

/**
 * The text hashed: the parts' canonical JSON, sorted, each once, joined by NUL, which no JSON text holds unescaped.
 * Order does not count, and a statement two steps name counts once.
 */
function hashParts(parts: readonly Part[]): string {
  const text = [...new Set(parts.map((p) => p.raw))].sort(compareText).join("\u0000");
  return sha256(text).slice(0, 16);
}

/**
 * The findings of one stack, each with its digest. `run`: the digest of every stack checked with it (`runDigest`), which
 * a finding that reaches what blastwall cannot see (an `unknown:` step: roles, functions or stores "outside this
 * stack") also hashes: what lies there may be another stack of the run, which blastwall does not follow on every path,
 * and a change there must reopen the acknowledgement (red-team round 179, F2: a role of another stack gained
 * s3:DeleteBucket and the pinned acknowledgement of the agent's PassRole to it kept covering).
 */
export function withGrantsDigests(findings: readonly Finding[], stack: TfStack, analysis: Pick<StackAnalysis, "principals">, run?: string): Finding[] {
  const lookup = stackLookup(stack, analysis);
  const digest = (f: Finding) => {
    const d = grantsDigest(f, lookup);
    return run !== undefined && f.evidence.some((e) => e.address.startsWith(UNKNOWN_PREFIX)) ? sha256(`${d}\u0000run ${run}`).slice(0, 16) : d;
  };
  // Object.assign, not a spread: findings of many rules have many shapes, and spreading them was a tenth of the digests.
  return findings.map((f) => (f.grants !== undefined ? f : Object.assign({}, f, { grants: digest(f) })));
}

/** The configuration digests of the stacks of one run, as one digest; undefined for a run of one stack. */
export function runDigest(stacks: readonly TfStack[]): string | undefined {
  if (stacks.length < 2) return undefined;
  return sha256([...new Set(stacks.map(stackConfigurationDigest))].sort(compareText).join("\n")).slice(0, 16);
}
