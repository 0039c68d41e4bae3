/**
 * Reading the `blastwall:agent` tag the way Terraform will set it. Tags are often not literal: `tags = local.tags`,
 * `merge(local.common, {...})`, a variable, provider `default_tags`. A gate that reads only literal maps misses an
 * agent tagged through any of them, and then checks none of its rights. So:
 * - references to locals and variables (their value or default) are followed;
 * - a tag value that stays an expression may be "true": the principal counts as an agent;
 * - a tag map that stays an expression counts as an agent when its text names the tag, and otherwise is reported
 *   as unreadable (rule `agent-tags-unreadable`), because it may hold the tag.
 */
import type { TfResource, TfStack } from "./terraform/types";
import { isObject } from "./json";
import { dynamicContents } from "./reach/dynamic-blocks";
import { hasInterpolation, refTarget } from "./terraform/tokens";
import { providerConfigKey, providerRef } from "./terraform/providers";
import type { Env } from "../hcl/evaluate";
import type { Value } from "../hcl/values";

export const AGENT_TAG = "blastwall:agent";

type Obj = Record<string, unknown>;

export type AgentTag =
  | {
      readonly state: "yes";
      readonly reason: string;
      /**
       * The tag has a value that is neither "true" nor "false" (`"yes"`, `"1"`, `" true"`): counted as an agent (someone
       * meant something, and most likely that), and reported by `agent-tags-unreadable`, since AWS policies keyed on
       * the tag (the guardrails compare it with "true") will not treat the principal as one.
       */
      readonly unexpected?: {
        readonly where: string;
        readonly key: string;
        readonly value: string;
        /**
         * The key is not the tag but looks like it (`blastwall_agent`, `blastwall:agents`, `"blastwall:agent "`): AWS
         * and the guardrails read only the exact key, so the principal is not an agent there, while someone meant it
         * as one.
         */
        readonly nearKey?: true;
      };
      /**
       * The map that set it, from `readAgentMark`: a resource's own `tags`, or what it inherits (`tags_all`, which a
       * plan fills from the provider's default tags, and the provider's `default_tags`).
       */
      readonly source?: "tags" | "tags_all" | "provider default_tags";
    }
  | { readonly state: "no" }
  /** The tags cannot be read and do not visibly name the agent tag: they may still set it. */
  | { readonly state: "unreadable"; readonly where: string; readonly expression: string };

const MAX_DEPTH = 8;

/**
 * A value with references to locals and variables followed (`${local.tags}` → the map); anything else as it is.
 * `localsOnly`: stop at a variable, whose default -var may replace.
 */
export function followReferences(stack: TfStack, v: unknown, localsOnly = false): unknown {
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const ref = typeof v === "string" ? refTarget(v) : undefined;
    if (!ref || (ref.kind !== "local" && (ref.kind !== "var" || localsOnly))) return v;
    const map = ref.kind === "var" ? stack.variables : stack.locals;
    const name = ref.address.slice(ref.kind === "var" ? 4 : 6);
    if (!map.has(name)) return v;
    let cur: unknown = map.get(name);
    for (const step of ref.attribute === undefined ? ref.path : [ref.attribute, ...ref.path]) {
      const key = step.startsWith("[") ? step.slice(1, -1).replace(/^"(.*)"$/, "$1") : step;
      if (!isObject(cur) || !(key in cur)) return v;
      cur = cur[key];
    }
    v = cur;
  }
  return v;
}

/** `default_tags.tags` of the provider configuration a resource uses (`provider = "aws.prod"` or the default `aws`). */
export function providerDefaultTags(stack: TfStack, r: TfResource): Obj | undefined {
  const tags = providerDefaultTagsValue(stack, r);
  return isObject(tags) ? tags : undefined;
}

/**
 * The provider block a resource uses, and the reference it is named by. OpenTofu's provider `for_each` (1.9+):
 * `aws.by_region["a"]` / `aws.by_region[each.key]` name instances of the block `aws.by_region`. `missing`: the
 * resource names a configuration blastwall did not read (an alias or instance with no block, a reference it cannot
 * parse); only a provider's default configuration may be left unwritten (Terraform then uses an empty one).
 */
function providerBlock(stack: TfStack, r: TfResource): { readonly ref: string; readonly body?: Obj; readonly missing?: true } {
  const ref = providerRef(r.values["provider"]) ?? defaultProviderName(r.type);
  const key = providerConfigKey(ref);
  const body = stack.providers?.get(key);
  if (body) return { ref, body };
  return !stack.providers || (key === ref && /^[a-z][a-z0-9_-]*$/i.test(ref)) ? { ref } : { ref, missing: true };
}

/** The provider a resource type belongs to when it names none: `aws` for `aws_iam_role`. */
function defaultProviderName(type: string): string {
  const i = type.indexOf("_");
  return i < 0 ? type : type.slice(0, i);
}

/**
 * The instances of a provider's `for_each` a reference names: `aws.acct["prod"]` names one, when the `for_each` is a
 * map written out that has that key (red-team round 97: every instance was read, so another instance's agent tag made
 * the resource an agent). Anything else (`[each.key]`, a `for_each` from a variable) may be any instance.
 */
function namedInstance(ref: string, forEach: unknown): unknown {
  const key = /\[\s*"((?:[^"\\]|\\.)*)"\s*\]$/.exec(ref)?.[1];
  if (key === undefined || !isObject(forEach) || !Object.hasOwn(forEach, key)) return forEach;
  return { [key]: forEach[key] };
}

/** The same, unread: it may be an expression. */
function providerDefaultTagsValue(stack: TfStack, r: TfResource): unknown {
  if (!stack.providers) return undefined;
  const body = providerBlock(stack, r).body;
  return body ? defaultTagsOf(body) : undefined;
}

/** `default_tags.tags` of a provider block, unread (see `providerDefaultTagsValue`). */
function defaultTagsOf(body: Obj): unknown {
  const dt = body["default_tags"];
  const block = Array.isArray(dt) ? dt[0] : dt;
  if (isObject(block)) return block["tags"];
  // A `dynamic "default_tags"` (its for_each not read: it may make the block): the tags its content would set may
  // apply. Terraform JSON writes `dynamic` as an object of labels or a list of them, and each label's blocks as an
  // object or a list (red-team round 91: the list form read as no default tags). The first content that may set the
  // agent tag is the one read; one blastwall cannot read may set anything.
  const contents = dynamicContents(body, "default_tags");
  if (contents.length === 0) return undefined;
  const tagMaps = contents.map((c) => (c === undefined ? "${dynamic default_tags}" : c["tags"]));
  return tagMaps.find((t) => t !== undefined && t !== null && !(isObject(t) && Object.keys(t).every((k) => k.toLowerCase() !== AGENT_TAG && !hasInterpolation(k)))) ?? tagMaps[0];
}

/**
 * A key that is not the agent tag but reads as it once case, blanks, separators (`_`, `-`, `.`, `/`, a space or none
 * for `:`) and a plural are set aside. Only the exact key (in any case) is a tag to IAM and aws:PrincipalTag.
 */
export function nearAgentKey(key: string): boolean {
  if (key.toLowerCase() === AGENT_TAG) return false;
  return key.toLowerCase().replace(/[\s:_\-./]/g, "").replace(/s$/, "") === "blastwallagent";
}

/** The agent tag a near-miss key was meant as: counted as an agent (fail closed), and reported. */
function nearMiss(where: string, key: string, value: string): AgentTag {
  return {
    state: "yes",
    reason: `${where === "tags" ? "tag" : `${where} tag`} ${JSON.stringify(key)} = ${value}, which looks like ${AGENT_TAG} but is not that key: counted as an agent`,
    unexpected: { where, key, value, nearKey: true },
  };
}

const isTrue = (v: unknown) => v === true || (typeof v === "string" && v.toLowerCase() === "true");
const isFalse = (v: unknown) => v === false || (typeof v === "string" && v.toLowerCase() === "false");

/** A known tag value other than true or false (either in any case), as JSON; undefined for those, null and expressions. */
function unexpectedValue(v: unknown): string | undefined {
  if (v === undefined || v === null || isTrue(v) || isFalse(v)) return undefined;
  if (typeof v === "string" && hasInterpolation(v)) return undefined;
  return JSON.stringify(v);
}

/**
 * What one tag map (`tags`, `tags_all`, provider `default_tags`) says about the agent tag. `r`: the resource the map
 * belongs to (its `for_each`), when it is the resource's own.
 */
export function readMap(stack: TfStack | undefined, raw: unknown, where: string, r?: TfResource): AgentTag {
  const tags = stack ? followReferences(stack, raw) : raw;
  if (typeof tags === "string" && hasInterpolation(tags)) {
    // An expression: evaluated where its value is known (red-team round 89: `merge(local.agent_tags, {...})`).
    const evaluated = stack ? evaluateTags(stack, raw, where, r) : undefined;
    if (evaluated) return evaluated;
    return tags.includes(AGENT_TAG)
      ? { state: "yes", reason: `${where} \`${tags}\` may set ${AGENT_TAG} = "true"` }
      : { state: "unreadable", where, expression: tags };
  }
  if (!isObject(tags)) return { state: "no" };
  // The exact key wins over a near miss of it: only if none makes an agent does the near miss count.
  let near: AgentTag | undefined;
  for (const key of Object.keys(tags)) {
    const name = stack && hasInterpolation(key) ? followReferences(stack, key) : key;
    const raw = tags[key];
    const value = stack ? followReferences(stack, raw) : raw;
    // A value certainly false or null says "not an agent" under either key; anything else was meant as one.
    if (typeof name === "string" && nearAgentKey(name)) {
      if (value !== null && !isFalse(value)) near ??= nearMiss(where, name, typeof value === "string" && hasInterpolation(value) ? `\`${value}\`` : String(JSON.stringify(value)));
      continue;
    }
    // IAM compares the tag keys of users and roles without case (it keeps `Blastwall:Agent` and `blastwall:agent` as
    // one key), and so do aws:PrincipalTag conditions: a key written in another case is the same tag.
    if (typeof name === "string" && name.toLowerCase() === AGENT_TAG) {
      const shown = name === AGENT_TAG ? AGENT_TAG : `${name} (IAM reads it as ${AGENT_TAG})`;
      if (isTrue(value)) return { state: "yes", reason: where === "tags" ? `tag ${shown} = "true"` : `tag ${shown} = "true" (${where})` };
      if (typeof value === "string" && hasInterpolation(value)) return { state: "yes", reason: `${where} ${AGENT_TAG} is \`${value}\`, which may be "true"` };
      const odd = unexpectedValue(value);
      if (odd !== undefined) {
        return {
          state: "yes",
          reason: `${where === "tags" ? "tag" : `${where} tag`} ${shown} = ${odd}, which is neither "true" nor "false": counted as an agent`,
          unexpected: { where, key: name, value: odd },
        };
      }
      // A variable may be set to "true" at apply time, whatever its default.
      if (typeof raw === "string" && refTarget(raw)?.kind === "var") return { state: "yes", reason: `${where} ${AGENT_TAG} is \`${raw}\`, which -var or a tfvars file may set to "true"` };
      // Certainly false here; Terraform keeps a key that differs only in case as another key, which may be "true"
      // (red-team round 91: `{"Blastwall:Agent" = "false", "blastwall:agent" = "true"}` read as no agent).
      continue;
    }
    if (typeof name === "string" && hasInterpolation(name) && (isTrue(value) || (typeof value === "string" && hasInterpolation(value)))) {
      return { state: "yes", reason: `${where} key \`${name}\` may be ${AGENT_TAG}, and its value may be "true"` };
    }
  }
  return near ?? { state: "no" };
}

/**
 * The resource types that are principals an agent may run as: IAM roles and users, and IAM Identity Center
 * permission sets (an agent run with a developer's Identity Center session holds the set's rights).
 */
export const AGENT_PRINCIPAL_TYPES: ReadonlySet<string> = new Set(["aws_iam_role", "aws_iam_user", "aws_ssoadmin_permission_set"]);

/**
 * Whether an IAM role or user, or an Identity Center permission set, carries `blastwall:agent = "true"` in `tags`
 * (which wins), `tags_all`, or the provider's `default_tags` (AWS applies those to it just the same). Without the
 * stack, only literal maps are read.
 */
export function readAgentTag(r: TfResource, stack?: TfStack): AgentTag {
  if (!AGENT_PRINCIPAL_TYPES.has(r.type)) return { state: "no" };
  return readAgentMark(r, stack);
}

/**
 * The agent tag read as `readAgentTag` reads it, on a resource of any type: users tag what they think of as the agent
 * (a function, a task definition, an instance), which blastwall does not judge (rule agent-marked-not-principal).
 */
export function readAgentMark(r: TfResource, stack?: TfStack): AgentTag {
  let unreadable: AgentTag | undefined;
  let near: AgentTag | undefined;
  const provider = stack ? providerBlock(stack, r) : undefined;
  const tags = r.values["tags"];
  const tagsAll = r.values["tags_all"];
  const defaults = provider?.body ? defaultTagsOf(provider.body) : undefined;
  // Most resources of a large stack have no tags at all: nothing to read (every principal and resource is asked).
  if ((tags === undefined || tags === null) && (tagsAll === undefined || tagsAll === null) && (defaults === undefined || defaults === null)) {
    return provider?.missing ? missingProvider(provider.ref) : { state: "no" };
  }
  const sources: [unknown, "tags" | "tags_all" | "provider default_tags"][] = [
    [tags, "tags"],
    [tagsAll, "tags_all"],
    [defaults, "provider default_tags"],
  ];
  // The provider block with `for_each` (OpenTofu 1.9+): its default tags are read for each of its instances.
  const instances = provider?.body?.["for_each"] !== undefined ? ({ ...r, values: { for_each: namedInstance(provider.ref, provider.body["for_each"]) } } as TfResource) : undefined;
  for (const [raw, where] of sources) {
    if (raw === undefined || raw === null) continue;
    const t = readMap(stack, raw, where, where === "provider default_tags" ? instances : r);
    // A near miss in `tags` is another key than the default tags' blastwall:agent: that one, if set, makes the agent.
    if (t.state === "yes" && t.unexpected?.nearKey) near ??= { ...t, source: where };
    else if (t.state === "yes") return { ...t, source: where };
    // `tags_all` is computed by the provider from `tags` and the provider's default_tags, both read here from a
    // configuration. A plan's stack has no provider blocks: an unknown `tags_all` is left in it only where the default
    // tags are an expression (plan-to-stack.ts), and may hold the agent tag (red-team round 85).
    const readsDefaults = stack === undefined || stack.providers !== undefined;
    if (t.state === "unreadable" && (where !== "tags_all" || !readsDefaults)) unreadable ??= t;
  }
  // A provider configuration blastwall did not read may set the tag in its default_tags (red-team round 93: an
  // instance of a provider with for_each, `aws.by_region[each.key]`, read as one without default tags).
  if (provider?.missing) unreadable ??= missingProvider(provider.ref);
  return near ?? unreadable ?? { state: "no" };
}

function missingProvider(ref: string): AgentTag {
  return { state: "unreadable", where: "provider default_tags", expression: `${ref} (no provider configuration of that name was read)` };
}

/** The literal (or followed) value of one tag, for config tag selectors; undefined when absent or unreadable. */
export function tagValue(stack: TfStack | undefined, r: TfResource, key: string): unknown {
  for (const t of tagMaps(stack, r)) if (key in t) return stack ? followReferences(stack, t[key]) : t[key];
  return undefined;
}

/** The resource's tag maps blastwall can read, in the order `tagValue` looks a key up: `tags`, `tags_all`, the provider's `default_tags`. */
export function tagMaps(stack: TfStack | undefined, r: TfResource): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const raw of [r.values["tags"], r.values["tags_all"], stack ? providerDefaultTagsValue(stack, r) : undefined]) {
    const t = stack ? followReferences(stack, raw) : raw;
    if (isObject(t)) out.push(t);
  }
  return out;
}

// -----------------------------------------------------------------------------------------------------------
// Tags that are an expression (cdktf's Fn.merge, Fn.tomap, Fn.lookup, a conditional, `each.value.tags`)

/** How variables read: by their default (or --var-file value), or all unknown (what -var may set at apply). */
type VarMode = "defaults" | "settable";

const envs = new WeakMap<TfStack, Record<VarMode, Env>>();

/**
 * The HCL reader's evaluator over a Terraform JSON stack: locals evaluated (recursively, a cycle is unknown),
 * variables by their default or unknown, resources, data sources, modules and files unknown.
 */
function envOf(stack: TfStack, mode: VarMode): Env {
  let pair = envs.get(stack);
  if (!pair) envs.set(stack, (pair = { defaults: makeEnv(stack, "defaults"), settable: makeEnv(stack, "settable") }));
  return pair[mode];
}

function makeEnv(stack: TfStack, mode: VarMode): Env {
  // Loaded only for tags that are an expression: the HCL evaluator is large, and most stacks never need it.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { evalJson } = require("../hcl/evaluate") as typeof import("../hcl/evaluate");
  const { Unk, fromJson } = require("../hcl/values") as typeof import("../hcl/values");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const locals = new Map<string, Value>();
  const active = new Set<string>();
  const env: Env = {
    prefix: "",
    pathModule: ".",
    rootDir: ".",
    // A variable without a default may be set to anything at apply; a default is taken literally, as Terraform does.
    variable: (name) => (mode === "defaults" && stack.variables.has(name) ? fromJson(stack.variables.get(name)) : new Unk(`var.${name}`)),
    local: (name) => {
      const known = locals.get(name);
      if (known !== undefined) return known;
      if (!stack.locals.has(name) || active.has(name)) return new Unk(`local.${name}`);
      active.add(name);
      try {
        const v = evalJson(stack.locals.get(name), { env });
        locals.set(name, v);
        return v;
      } finally {
        active.delete(name);
      }
    },
    resource: () => undefined,
    module: () => undefined,
    // Files are not in Terraform JSON: whether one is there is not known.
    readFile: () => null,
  };
  return env;
}

function evaluate(stack: TfStack, raw: unknown, mode: VarMode, each?: { key: Value; value: Value }): Value | undefined {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { evalJson } = require("../hcl/evaluate") as typeof import("../hcl/evaluate");
  /* eslint-enable @typescript-eslint/no-require-imports */
  try {
    return evalJson(raw, { env: envOf(stack, mode), ...(each ? { each } : {}) });
  } catch {
    return undefined;
  }
}

/**
 * Tags written as an expression, evaluated: undefined when their value is not a map with known keys (the caller
 * then reads them as unreadable). A resource with `for_each` whose tags read `each.key` / `each.value` is evaluated
 * per instance when its `for_each` is known, and is an agent when any instance is (the engine models the resource as
 * one principal for all its instances). Read by the variables' defaults, then again with every variable unknown
 * (what -var or a tfvars file may set at apply, red-team round 91): tags that may then hold the agent tag count.
 */
function evaluateTags(stack: TfStack, raw: unknown, where: string, r?: TfResource): AgentTag | undefined {
  if (!/\beach\./.test(JSON.stringify(raw))) return evaluateOnce(stack, raw, where);
  if (r === undefined || r.values["for_each"] === undefined) return undefined;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { entriesOf } = require("../hcl/evaluate") as typeof import("../hcl/evaluate");
  const { Unk, isKnown } = require("../hcl/values") as typeof import("../hcl/values");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const forEach = evaluate(stack, r.values["for_each"], "defaults");
  if (forEach === undefined || !isKnown(forEach)) return undefined;
  const entries = entriesOf(forEach);
  if (!entries) return undefined;
  for (const [key, value] of entries) {
    const t = evaluateOnce(stack, raw, where, { key, value });
    if (t === undefined) return undefined;
    if (t.state !== "no") return t.state === "yes" ? { ...t, reason: `instance ${JSON.stringify(key)} of its for_each: ${t.reason}` } : t;
  }
  // A for_each from a variable (or a local built from one) may have other instances at apply, with any key and value.
  const settable = evaluate(stack, r.values["for_each"], "settable");
  if (settable === undefined || !isKnown(settable)) {
    const any = { key: new Unk("each.key"), value: new Unk("each.value") };
    const t = evaluateOnce(stack, raw, where, any);
    const shown = typeof r.values["for_each"] === "string" ? r.values["for_each"] : JSON.stringify(r.values["for_each"]);
    if (t === undefined) return undefined;
    if (t.state === "yes") return { ...t, reason: `its for_each \`${shown}\` comes from a variable, which -var or a tfvars file may give other instances: ${t.reason}` };
    return t;
  }
  return { state: "no" };
}

function evaluateOnce(stack: TfStack, raw: unknown, where: string, each?: { key: Value; value: Value }): AgentTag | undefined {
  const tags = evaluate(stack, raw, "defaults", each);
  if (tags === undefined) return undefined;
  const written = typeof raw === "string" ? raw : JSON.stringify(raw);
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { isObj } = require("../hcl/values") as typeof import("../hcl/values");
  /* eslint-enable @typescript-eslint/no-require-imports */
  if (!isObj(tags)) return undefined;
  const byDefaults = agentIn(tags, where, written, "");
  if (byDefaults.state === "yes") return byDefaults;
  // Not an agent by the variables' defaults: -var or a tfvars file may set any variable to anything at apply. Tags
  // that do not depend on one read the same; tags that then hold the agent tag, with a value that may be "true",
  // count, and tags whose keys are then unknown (a conditional on a variable, a merge() of a variable's map) may hold
  // it: read as the caller reads an expression it cannot evaluate.
  const settable = evaluate(stack, raw, "settable", each);
  if (settable === undefined || !isObj(settable)) {
    return written.includes(AGENT_TAG)
      ? { state: "yes", reason: `${where} \`${written}\` depends on a variable, which -var or a tfvars file may set so that it sets ${AGENT_TAG} = "true"` }
      : { state: "unreadable", where, expression: written };
  }
  return agentIn(settable, where, written, " from a variable, which -var or a tfvars file may set to \"true\"");
}

/**
 * What an evaluated tag map says of the agent tag. Every key equal to it without case counts (Terraform keeps
 * `Blastwall:Agent` and `blastwall:agent` as two keys, red-team round 91): one whose value is not certainly false is
 * enough, whatever the others say.
 */
function agentIn(tags: Readonly<Record<string, Value>>, where: string, written: string, fromVariable: string): AgentTag {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { isKnown, toHcl } = require("../hcl/values") as typeof import("../hcl/values");
  /* eslint-enable @typescript-eslint/no-require-imports */
  let near: AgentTag | undefined;
  for (const key of Object.keys(tags).filter(nearAgentKey)) {
    const value = tags[key];
    if (value !== null && (!isKnown(value) || !isFalse(value))) {
      near ??= nearMiss(where, key, !isKnown(value) ? `\`${toHcl(value)}\`` : typeof value === "string" ? JSON.stringify(value) : toHcl(value));
    }
  }
  for (const key of Object.keys(tags).filter((k) => k.toLowerCase() === AGENT_TAG)) {
    const shown = key === AGENT_TAG ? AGENT_TAG : `${key} (IAM reads it as ${AGENT_TAG})`;
    const value = tags[key];
    if (!isKnown(value)) {
      return {
        state: "yes",
        reason: fromVariable !== "" ? `${where} \`${written}\` sets ${shown}${fromVariable}` : `${where} \`${written}\` sets ${shown} to \`${toHcl(value)}\`, which may be "true"`,
      };
    }
    if (isTrue(value)) return { state: "yes", reason: `${where} \`${written}\` sets ${shown} = "true"` };
    if (value !== null && !isFalse(value)) {
      const odd = typeof value === "string" ? JSON.stringify(value) : toHcl(value);
      return {
        state: "yes",
        reason: `${where} \`${written}\` sets ${shown} = ${odd}, which is neither "true" nor "false": counted as an agent`,
        unexpected: { where, key, value: odd },
      };
    }
  }
  return near ?? { state: "no" };
}
