/**
 * What a value of a CloudFormation template is computed from: the resources it names (and those of their properties
 * that feed it), the parameters and Conditions it reads, and the Mappings entries it may look up; so that two
 * templates compare by what a value comes out as, not only by its text.
 */
import { isObject } from "./values";
import { canonicalJson } from "./canonical-json";
import { REPLACING } from "./cfn-tables";
import { conditionsOf, opaque, type Resource } from "./cfn-resources";

/**
 * The template's resources a value names: `Ref`, `Fn::GetAtt` (`[id, attr]` or `"id.attr"`), and `${id}` or
 * `${id.attr}` in a string (as `Fn::Sub` reads it; any string is searched, which can only name more).
 */
function namedResources(v: unknown, resources: Readonly<Record<string, Resource>>, out: Named[] = []): Named[] {
  const add = (id: unknown, attribute?: unknown) => {
    if (typeof id === "string" && Object.prototype.hasOwnProperty.call(resources, id)) out.push({ id, ...(typeof attribute === "string" && { attribute }) });
  };
  if (typeof v === "string") {
    for (const m of v.matchAll(/\$\{([A-Za-z0-9]+)(?:\.([^}]*))?\}/g)) add(m[1], m[2]);
  } else if (Array.isArray(v)) v.forEach((x) => namedResources(x, resources, out));
  else if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (k === "Ref") add(x);
      else if (k === "Fn::GetAtt") {
        if (Array.isArray(x)) add(x[0], x[1]);
        else if (typeof x === "string") add(x.split(".")[0], x.split(".").slice(1).join("."));
      }
      namedResources(x, resources, out);
    }
  }
  return out;
}

/** A resource a value names, and the attribute it reads (none for `Ref`). */
interface Named {
  readonly id: string;
  readonly attribute?: string;
}

/**
 * Properties that change neither what `Ref` nor what `Fn::GetAtt` gives for a resource: editing a key's policy does
 * not make a database that names the key another database. Everything else of a named resource is taken to feed the
 * value (a custom resource's attributes may come from any of its properties).
 */
const NEVER_FEED: ReadonlySet<string> = new Set(["Tags", "Description"]);

const NEVER_FEED_BY_TYPE: Readonly<Record<string, ReadonlySet<string>>> = {
  "AWS::KMS::Key": new Set(["KeyPolicy", "EnableKeyRotation", "RotationPeriodInDays", "PendingWindowInDays", "Enabled", "BypassPolicyLockoutSafetyCheck"]),
};

/** Properties that name a resource or say where it is: what a `Ref` (its name or ID) follows. */
const IDENTITY = /(?:Name|Identifier|Id|Arn|AvailabilityZone|SubnetId|Region)$/;

/** Other properties whose change replaces a resource often named by others, giving it a new ID. */
const REPLACED_BY: Readonly<Record<string, readonly string[]>> = {
  "AWS::KMS::Key": ["KeySpec", "KeyUsage", "MultiRegion", "Origin"],
};

/**
 * The properties of a named resource that may feed a `Ref` of it (`attribute` undefined) or its `Fn::GetAtt`
 * attribute. A `Ref` gives the resource's name or ID, which changes with the properties that name or place it; an
 * attribute also with the property of its name (an SSM parameter's `Value`); a custom resource's attributes may come
 * from any of its properties. A resize, a code or policy change of the named resource feeds neither.
 */
export function feedingProperties(r: Resource, attribute?: string): unknown {
  if (!isObject(r.Properties)) return r.Properties ?? null;
  const type = String(r.Type);
  const custom = opaque(type);
  const byType = NEVER_FEED_BY_TYPE[type];
  return Object.fromEntries(
    Object.entries(r.Properties).filter(
      ([k]) => !NEVER_FEED.has(k) && !byType?.has(k) && (custom || IDENTITY.test(k) || k === attribute || REPLACING[type]?.includes(k) || REPLACED_BY[type]?.includes(k)),
    ),
  );
}

/**
 * A value with everything in the template it is computed from: the resources it names, theirs in turn, and the
 * conditions of its `Fn::If`, as one text. Two templates give the same text only when the value comes out the same
 * (for the same parameters): a name taken from an SSM parameter resource whose Value changes is a changed name.
 */
export function evaluatedText(v: unknown, template: unknown, region?: string): string {
  const resources = (isObject(template) && isObject(template.Resources) ? template.Resources : {}) as Record<string, Resource>;
  const parts: unknown[] = [v ?? null];
  const seen = new Set<string>();
  const mappings = isObject(template) && isObject(template.Mappings) ? template.Mappings : {};
  const visit = (x: unknown) => {
    for (const { id, attribute } of namedResources(x, resources)) {
      const key = `${id}.${attribute ?? ""}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const r = resources[id];
      const feeding = feedingProperties(r, attribute);
      parts.push({ id, attribute: attribute ?? null, Type: r.Type ?? null, Properties: feeding, Condition: r.Condition ?? null });
      visit(feeding);
    }
    for (const name of ifConditions(x)) parts.push(conditionText(name, template, region));
    // A name looked up in the template's Mappings changes with the entries it may read.
    parts.push(...entriesRead(x, mappings, region));
  };
  visit(v);
  return canonicalJson(parts);
}

/**
 * A value with its `Fn::Join`s of strings and `Ref`s written out as one string (`{ Ref: X }` as `${X}`), as
 * `Fn::Sub` would write them: AWS documents both forms for a dynamic reference to a secret of the template.
 */
export function joined(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(joined);
  if (!isObject(v)) return v;
  const j = v["Fn::Join"];
  if (Object.keys(v).length === 1 && Array.isArray(j) && typeof j[0] === "string" && Array.isArray(j[1])) {
    const parts = j[1].map((x) => (typeof x === "string" ? x : isObject(x) && typeof x.Ref === "string" && Object.keys(x).length === 1 ? `\${${x.Ref}}` : undefined));
    if (parts.every((x) => x !== undefined)) return parts.join(j[0]);
  }
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, joined(x)]));
}

/** The condition names a value's `Fn::If`s test. */
function ifConditions(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => ifConditions(x, out));
  else if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (k === "Fn::If" && Array.isArray(x) && typeof x[0] === "string") out.push(x[0]);
      ifConditions(x, out);
    }
  }
  return out;
}

/**
 * Whether a template value refers to one of the parameters, by `Ref`, `${NAME}` in `Fn::Sub`, a Condition that does,
 * or a resource of the template it names (`Ref`, `Fn::GetAtt`) whose properties do.
 */
export function mentions(v: unknown, params: Set<string>, conditions: Record<string, unknown>, resources: Readonly<Record<string, Resource>> = {}, seen: Set<string> = new Set()): boolean {
  const viaResource = ({ id, attribute }: Named): boolean => {
    const key = `resource ${id}.${attribute ?? ""}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return mentions(feedingProperties(resources[id], attribute), params, conditions, resources, seen);
  };
  if (typeof v === "string") return [...params].some((p) => v.includes("${" + p + "}")) || namedResources(v, resources).some(viaResource);
  if (Array.isArray(v)) return v.some((x) => mentions(x, params, conditions, resources, seen));
  if (!isObject(v)) return false;
  // A condition named by a value (`Fn::Sub "Keep${T}"` in an Fn::ForEach fragment), or by a name the Conditions do
  // not hold as written (one an Fn::ForEach of the Conditions makes), is not known: it may read any parameter
  // (red-team round 64).
  // (An IAM policy's Condition block is an object of operators, not a function: it is read as any value is.)
  const fn = (x: unknown) => isObject(x) && Object.keys(x).length === 1 && /^(Ref|Fn::)/.test(Object.keys(x)[0]);
  const unread = (name: unknown) => params.size > 0 && (typeof name === "string" ? !Object.prototype.hasOwnProperty.call(conditions, name) : fn(name));
  for (const [k, x] of Object.entries(v)) {
    if (k === "Ref" && typeof x === "string" && params.has(x)) return true;
    if ((k === "Ref" || k === "Fn::GetAtt") && namedResources({ [k]: x }, resources).some(viaResource)) return true;
    if (k === "Condition" && unread(x)) return true;
    if (k === "Condition" && typeof x === "string" && !seen.has(x)) {
      seen.add(x);
      if (mentions(conditions[x], params, conditions, resources, seen)) return true;
    }
    // Fn::If names its condition first.
    if (k === "Fn::If" && Array.isArray(x) && unread(x[0])) return true;
    if (k === "Fn::If" && Array.isArray(x) && typeof x[0] === "string" && !seen.has(x[0])) {
      seen.add(x[0]);
      if (mentions(conditions[x[0]], params, conditions, resources, seen)) return true;
    }
    if (mentions(x, params, conditions, resources, seen)) return true;
  }
  return false;
}

/**
 * A condition with every condition it reads, and the Mappings entries they look up, as one text: what decides it
 * (its parameters aside). The entries are those `Fn::FindInMap` can read: with a computed key, that key's every entry
 * (a key `Ref: AWS::Region` is the stack's region where that is known).
 */
export function conditionText(name: string, template: unknown, region?: string): string {
  const conditions = conditionsOf(template);
  const seen = new Map<string, unknown>();
  const visit = (n: string) => {
    if (seen.has(n)) return;
    seen.set(n, conditions[n] ?? null);
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (isObject(v)) for (const [k, x] of Object.entries(v)) k === "Condition" && typeof x === "string" ? visit(x) : walk(x);
    };
    walk(conditions[n]);
  };
  visit(name);
  const mappings = isObject(template) && isObject(template.Mappings) ? template.Mappings : {};
  return canonicalJson({ conditions: Object.fromEntries(seen), mappings: [...seen.values()].flatMap((c) => entriesRead(c, mappings, region)) });
}

/**
 * The Mappings entries a value's `Fn::FindInMap`s may read: the entry when its keys are written out (or are
 * `Ref: AWS::Region` and the stack's region is known), else all it may pick from.
 */
function entriesRead(v: unknown, mappings: Record<string, unknown>, region?: string, out: unknown[] = []): unknown[] {
  if (Array.isArray(v)) v.forEach((x) => entriesRead(x, mappings, region, out));
  else if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (k === "Fn::FindInMap" && Array.isArray(x)) {
        const key = (y: unknown) => (region !== undefined && isObject(y) && Object.keys(y).length === 1 && y.Ref === "AWS::Region" ? region : y);
        const [map, top, second] = [x[0], key(x[1]), key(x[2])];
        const table = typeof map === "string" ? mappings[map] : mappings;
        const at = (t: unknown, key: unknown) => (isObject(t) && typeof key === "string" && Object.prototype.hasOwnProperty.call(t, key) ? t[key] : undefined);
        if (typeof map !== "string") out.push({ map: "*", content: mappings });
        else if (typeof top === "string") out.push({ map, top, ...(typeof second === "string" ? { second } : {}), content: (typeof second === "string" ? at(at(table, top), second) : at(table, top)) ?? null });
        else if (typeof second === "string") out.push({ map, second, content: isObject(table) ? Object.fromEntries(Object.entries(table).map(([t, e]) => [t, at(e, second) ?? null])) : null });
        else out.push({ map, content: table ?? null });
      }
      entriesRead(x, mappings, region, out);
    }
  }
  return out;
}
