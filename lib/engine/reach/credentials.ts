import { stringsIn } from "../json";
import type { Grant, PrincipalNode } from "../analysis-types";
import type { ResourceIndex } from "./resource-index";
import type { TfResource, TfStack } from "../terraform/types";
import { refTarget } from "../terraform/tokens";
import { statementName } from "../describe";
import { CREDENTIAL_STORES } from "./compute";
import { loadCatalogue, type CatalogueEntry } from "../catalogue";

/** A credential found in a store the principal can read: whose it is (undefined: unknown, possibly everything). */
export interface CredentialEdge {
  readonly to?: string;
  readonly store: string;
  /** What the store holds, for the evidence step that names it. */
  readonly storeDetail?: string;
  readonly label: string;
  readonly detail: string;
}

/** A store the principal can read whose contents the stack does not show. */
export interface SecretRead {
  readonly store: string;
  readonly action: string;
  readonly detail: string;
}

/** Shapes of well-known long-lived credentials; a literal that looks like one is treated as a live token. */
const TOKEN_SHAPES: readonly [string, RegExp][] = [
  ["an AWS access key id", /\b(AKIA|ASIA)[A-Z0-9]{16}\b/],
  ["a private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ["a GitHub token", /\bgh[pousr]_[A-Za-z0-9]{30,}\b/],
  ["a Slack token", /\bxox[abposr]-[A-Za-z0-9-]{10,}/],
  ["an API token", /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}\b/],
];


/** A reference to an access key anywhere inside an interpolation: `${aws_iam_access_key.k.secret}`, `${jsonencode({ id = aws_iam_access_key.k.id })}`. */
const ACCESS_KEY_REF = /(?<![A-Za-z0-9_.-])aws_iam_access_key\.([A-Za-z0-9_-]+)(?:\[[^\]]*\])?\.[a-z_]+/g;

/** What a stored value holds: access keys of principals in the stack, a token-shaped literal, or nothing known. */
function contents(stack: TfStack, value: unknown): { users: string[]; tokenShape?: string; computed: boolean } {
  const users: string[] = [];
  let tokenShape: string | undefined;
  let computed = false;
  for (const s of stringsIn(value)) {
    if (s.includes("${")) computed = true;
    for (const m of s.includes("${") ? s.matchAll(ACCESS_KEY_REF) : []) {
      const key = stack.byAddress.get(`aws_iam_access_key.${m[1]}`);
      const user = key ? userOfKey(stack, key) : undefined;
      if (user) users.push(user);
      else tokenShape = tokenShape ?? "an access key of a user blastwall cannot resolve";
    }
    const shape = TOKEN_SHAPES.find(([, re]) => re.test(s));
    if (shape) tokenShape = tokenShape ?? shape[0];
  }
  return { users, tokenShape, computed };
}

function userOfKey(stack: TfStack, key: TfResource): string | undefined {
  const ref = refTarget(key.values.user);
  if (ref) return ref.address;
  const name = key.values.user;
  return (stack.byType.get("aws_iam_user") ?? []).find((u) => u.values.name === name)?.address;
}

/** The stored values of a store resource: secret versions, parameter values, function environments. */
function storedValues(stack: TfStack, store: TfResource, versions: Map<string, TfResource[]>): unknown[] | undefined {
  switch (store.type) {
    case "aws_secretsmanager_secret": {
      const vs = versions.get(store.address);
      return vs ? vs.map((v) => [v.values.secret_string, v.values.secret_binary]) : undefined;
    }
    case "aws_ssm_parameter":
      return store.values.value !== undefined || store.values.insecure_value !== undefined ? [store.values.value, store.values.insecure_value] : undefined;
    case "aws_lambda_function":
      return [store.values.environment ?? []];
    default:
      return undefined;
  }
}

const versionIndex = new WeakMap<TfStack, Map<string, TfResource[]>>();

function secretVersions(stack: TfStack): Map<string, TfResource[]> {
  let m = versionIndex.get(stack);
  if (!m) {
    m = new Map();
    for (const v of stack.byType.get("aws_secretsmanager_secret_version") ?? []) {
      const ref = refTarget(v.values.secret_id);
      if (!ref) continue;
      const list = m.get(ref.address) ?? [];
      list.push(v);
      m.set(ref.address, list);
    }
    versionIndex.set(stack, m);
  }
  return m;
}

/**
 * Reading a stored credential (E8, the April 2026 path): a secret, parameter or function environment the
 * principal can read that holds an access key of a principal in the stack (edge to that user), or a
 * token-shaped literal (edge to an unknown, possibly all-powerful principal). Stores whose contents the stack
 * does not show, and wildcard reads that reach stores outside it, are returned as `unknownReads`.
 */
export function storedCredentialEdges(
  stack: TfStack,
  indexOf: (types: readonly string[]) => ResourceIndex,
  p: PrincipalNode,
  grants: (action: string) => readonly Grant[],
): { edges: CredentialEdge[]; unknownReads: SecretRead[] } {
  const edges: CredentialEdge[] = [];
  const unknownReads: SecretRead[] = [];
  for (const store of CREDENTIAL_STORES) {
    const held: { a: string; gs: readonly Grant[] }[] = [];
    for (const a of store.actions) {
      const gs = grants(a);
      if (gs.length > 0) held.push({ a, gs });
    }
    if (held.length === 0) continue;
    const index = indexOf(storeTypes(store.type));
    const hits = new Map<TfResource, { a: string; gs: readonly Grant[] }>();
    for (const x of held) for (const g of x.gs) for (const r of g.resources) for (const res of index.matching(r)) if (!hits.has(res)) hits.set(res, x);
    for (const [res, hit] of hits) {
      const values = storedValues(stack, res, secretVersions(stack));
      const how = `${hit.a} on ${res.address} (${hit.gs[0].statement.source.address} ${statementName(hit.gs[0].statement)})`;
      if (values === undefined) {
        if (store.type !== "aws_lambda_function") unknownReads.push({ store: res.address, action: hit.a, detail: `${how}: the stack does not show what it holds` });
        continue;
      }
      const c = contents(stack, values);
      for (const u of c.users) edges.push({ to: u, store: res.address, label: hit.a, detail: `${how} reads an access key of ${u}`, storeDetail: `holds an access key of ${u}` });
      if (c.tokenShape) edges.push({ store: res.address, label: hit.a, detail: `${how} reads ${c.tokenShape}, a credential whose rights blastwall cannot see` });
      else if (c.users.length === 0 && c.computed && store.type !== "aws_lambda_function") {
        unknownReads.push({ store: res.address, action: hit.a, detail: `${how}: its value is computed, so blastwall cannot tell whether it is a credential` });
      }
    }
  }
  // A read on a wildcard reaches stores outside the stack too: every credential-reading action of the catalogue.
  for (const { entry, storeType } of secretEntries()) {
    const held = grants(entry.action);
    if (held.length === 0) continue;
    // Any wildcard in the resource part (`secret:prod/*`, `secret:rds!db-*`) may name secrets outside the stack,
    // unless the pattern is exactly the ARN of a store in the stack (its random suffix is a wildcard too).
    const index = storeType ? indexOf(storeTypes(storeType)) : undefined;
    const outside = (r: string) => (index ? index.reachesOutside(r) : r === "*" || /[*?]/.test(r.split(":").slice(5).join(":")));
    const wide = held.find((g) => g.resources.some(outside));
    if (!wide) continue;
    unknownReads.push({
      store: wide.resources.join(", "),
      action: entry.action,
      detail: `${entry.action} on ${wide.resources.join(", ")} (${wide.statement.source.address} ${statementName(wide.statement)}) reaches stored secrets outside this stack, which may hold broad credentials`,
    });
  }
  return { edges, unknownReads };
}

let secretList: readonly { readonly entry: CatalogueEntry; readonly storeType?: string }[] | undefined;

/** The catalogue's credential-reading actions, each with the store type that holds what it reads (built once). */
function secretEntries(): readonly { readonly entry: CatalogueEntry; readonly storeType?: string }[] {
  return (secretList ??= loadCatalogue()
    .escalation.filter((e) => e.target === "secret")
    .map((entry) => ({ entry, storeType: CREDENTIAL_STORES.find((c) => (c.actions as readonly string[]).includes(entry.action))?.type })));
}

const typeLists = new Map<string, readonly string[]>();

/** One array per store type, so the graph's index cache is hit by identity. */
function storeTypes(type: string): readonly string[] {
  let l = typeLists.get(type);
  if (!l) typeLists.set(type, (l = [type]));
  return l;
}
