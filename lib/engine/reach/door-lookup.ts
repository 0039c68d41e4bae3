/**
 * Which REST methods an API Gateway integration sits on and which HTTP API routes target an integration
 * (front-doors.ts), through indexes made once per stack: asked integration by integration over every method and route
 * of the stack, a stack of 4,000 APIs took minutes (red-team round 157 F3). The indexes only narrow the search; each
 * method they yield is still judged by the key comparison below, so what matches (and what does not: an integration
 * whose method is not found is open) is what a scan over every method would find.
 */
import type { TfResource, TfStack } from "../terraform/types";
import { exactPattern, refTarget } from "../terraform/tokens";
import { referencedIn } from "../terraform/referenced";
import { followReferences } from "../agent-tags";

/** Two written values that certainly name the same thing: equal, or references to the same resource. */
function same(stack: TfStack, a: unknown, b: unknown): boolean {
  if (a === b && a !== undefined) return true;
  const ra = referencedIn(stack, a);
  const rb = referencedIn(stack, b);
  return ra.length === 1 && rb.length === 1 && ra[0] === rb[0];
}

/**
 * A key value of an integration or method as written, through locals and references to another method's or
 * resource's own written argument (`http_method = aws_api_gateway_method.m.http_method` is "DELETE", whatever method it came from).
 */
export function keyValue(stack: TfStack, v: unknown, depth = 0): unknown {
  v = followReferences(stack, v, true);
  const ref = depth < 4 ? refTarget(v) : undefined;
  if (!ref || (ref.kind !== "resource" && ref.kind !== "data") || ref.attribute === undefined || ref.path.length > 0 || ref.splat) return v;
  const res = stack.byAddress.get(ref.address);
  const written = res && !["id", "arn", "execution_arn", "root_resource_id"].includes(ref.attribute) ? res.values[ref.attribute] : undefined;
  return written === undefined || written === null ? v : keyValue(stack, written, depth + 1);
}

/** Two key values that certainly name the same thing: the same reference, or the same exact text. */
function sameKey(stack: TfStack, a: unknown, b: unknown): boolean {
  const ka = keyValue(stack, a);
  const kb = keyValue(stack, b);
  if (same(stack, ka, kb)) return true;
  const ea = exactPattern(stack, ka);
  return ea !== undefined && ea === exactPattern(stack, kb);
}

const METHOD_KEY = ["rest_api_id", "resource_id", "http_method"] as const;

/**
 * What sameKey compares of a key value, each one way two values are certainly the same: the value itself, the one
 * resource it references, its exact text. sameKey holds of two values exactly when they share one of them (NaN, which
 * equals nothing, is left out), so the methods sharing one with an integration include every method that agrees.
 */
interface Facets {
  readonly value?: unknown;
  readonly ref?: TfResource;
  readonly text?: string;
}

function facetsOf(stack: TfStack, v: unknown): Facets {
  const k = keyValue(stack, v);
  const refs = referencedIn(stack, k);
  return { value: k !== undefined && k === k ? k : undefined, ref: refs.length === 1 ? refs[0] : undefined, text: exactPattern(stack, k) };
}

/** Method positions (in the stack's order) by each facet of one key. */
class FacetIndex {
  private readonly byValue = new Map<unknown, number[]>();
  private readonly byRef = new Map<TfResource, number[]>();
  private readonly byText = new Map<string, number[]>();

  add(f: Facets, at: number): void {
    if (f.value !== undefined) push(this.byValue, f.value, at);
    if (f.ref !== undefined) push(this.byRef, f.ref, at);
    if (f.text !== undefined) push(this.byText, f.text, at);
  }

  /** The lists of positions sharing a facet with `f` (a position may be in several). */
  sharing(f: Facets): number[][] {
    const out: number[][] = [];
    const hit = (l: number[] | undefined) => l && out.push(l);
    if (f.value !== undefined) hit(this.byValue.get(f.value));
    if (f.ref !== undefined) hit(this.byRef.get(f.ref));
    if (f.text !== undefined) hit(this.byText.get(f.text));
    return out;
  }
}

function push<K>(m: Map<K, number[]>, k: K, at: number): void {
  const l = m.get(k);
  if (l) l.push(at);
  else m.set(k, [at]);
}

interface MethodIndex {
  readonly methods: readonly TfResource[];
  readonly keys: readonly FacetIndex[];
}

const methodIndexes = new WeakMap<TfStack, MethodIndex>();

function methodIndex(stack: TfStack): MethodIndex {
  let index = methodIndexes.get(stack);
  if (index) return index;
  const methods = stack.byType.get("aws_api_gateway_method") ?? [];
  const keys = METHOD_KEY.map(() => new FacetIndex());
  methods.forEach((m, at) => METHOD_KEY.forEach((k, n) => keys[n].add(facetsOf(stack, m.values[k]), at)));
  methodIndexes.set(stack, (index = { methods, keys }));
  return index;
}

/**
 * The `aws_api_gateway_method`s that certainly agree with a REST integration on API, resource and HTTP method (as
 * resolved: see keyValue), in the stack's order. The candidates are those sharing a facet with the integration on the
 * key that leaves fewest (an HTTP method is shared by many, a resource by few); each is then compared on all three.
 */
export function methodsOf(stack: TfStack, i: TfResource): TfResource[] {
  const { methods, keys } = methodIndex(stack);
  let fewest: number[][] | undefined;
  let size = Infinity;
  METHOD_KEY.forEach((k, n) => {
    const lists = keys[n].sharing(facetsOf(stack, i.values[k]));
    const total = lists.reduce((s, l) => s + l.length, 0);
    if (total < size) [fewest, size] = [lists, total];
  });
  if (!fewest || size === 0) return [];
  const at = [...new Set(fewest.flat())].sort((a, b) => a - b);
  return at.map((p) => methods[p]).filter((m) => METHOD_KEY.every((k) => sameKey(stack, m.values[k], i.values[k])));
}

/**
 * Resources of some types by what one argument of theirs references, in the stack's order: `loose`, those whose
 * argument references nothing of the stack (unset, a literal, a variable), which may be anything's.
 */
interface ReferenceIndex {
  readonly items: readonly TfResource[];
  readonly byRef: ReadonlyMap<TfResource, readonly number[]>;
  readonly byText: ReadonlyMap<string, readonly number[]>;
  readonly loose: readonly number[];
}

const referenceIndexes = new WeakMap<TfStack, Map<string, ReferenceIndex>>();

function referenceIndex(stack: TfStack, types: readonly string[], arg: string): ReferenceIndex {
  let mine = referenceIndexes.get(stack);
  if (!mine) referenceIndexes.set(stack, (mine = new Map()));
  const key = `${types.join(",")} ${arg}`;
  let index = mine.get(key);
  if (index) return index;
  const items = types.flatMap((t) => stack.byType.get(t) ?? []);
  const byRef = new Map<TfResource, number[]>();
  const byText = new Map<string, number[]>();
  const loose: number[] = [];
  items.forEach((r, at) => {
    const v = r.values[arg];
    const refs = referencedIn(stack, v);
    for (const x of refs) push(byRef, x, at);
    if (refs.length === 0) loose.push(at);
    if (typeof v === "string") push(byText, v, at);
  });
  mine.set(key, (index = { items, byRef, byText, loose }));
  return index;
}

/** The items at the positions of some lists, each once, in the stack's order. */
function inOrder(index: ReferenceIndex, ...lists: (readonly number[] | undefined)[]): TfResource[] {
  const at = [...new Set(lists.flatMap((l) => l ?? []))].sort((a, b) => a - b);
  return at.map((p) => index.items[p]);
}

/** The `aws_apigatewayv2_route`s whose `target` references an integration, in the stack's order. */
export function routesTo(stack: TfStack, i: TfResource): readonly TfResource[] {
  const index = referenceIndex(stack, ["aws_apigatewayv2_route"], "target");
  return inOrder(index, index.byRef.get(i));
}

/** The `aws_appsync_api_key`s that may be a GraphQL API's: those whose `api_id` references it or nothing of the stack. */
export function apiKeysOf(stack: TfStack, api: TfResource): TfResource[] {
  const index = referenceIndex(stack, ["aws_appsync_api_key"], "api_id");
  return inOrder(index, index.byRef.get(api), index.loose);
}

/** The secret policies that may be on a secret: those whose `secret_arn` references it or nothing of the stack. */
export function secretPoliciesOn(stack: TfStack, secret: TfResource | undefined): TfResource[] {
  const index = referenceIndex(stack, ["aws_secretsmanager_secret_policy"], "secret_arn");
  return inOrder(index, secret && index.byRef.get(secret), index.loose);
}

/** The resolvers and pipeline functions on an AppSync data source: `data_source` references it or is its name. */
export function dataSourceUsers(stack: TfStack, ds: TfResource): TfResource[] {
  const index = referenceIndex(stack, ["aws_appsync_resolver", "aws_appsync_function"], "data_source");
  const name = ds.values["name"];
  return inOrder(index, index.byRef.get(ds), typeof name === "string" ? index.byText.get(name) : undefined);
}
