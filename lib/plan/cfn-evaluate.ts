/**
 * CloudFormation's intrinsic functions, evaluated as far as a plan shows what they read: the parameters a stack
 * passes (or the template's Defaults), the template's Conditions and Mappings. What depends on anything else (an
 * attribute of another resource, a pseudo parameter, an import, a value CloudFormation resolves at deploy time) is
 * left as an Unknown, whose text is the same on both sides of a change only when what it is computed from is.
 *
 * Used to compare a template's protection settings before and after an update of the stack: a retention written
 * `{ "Ref": "Retention" }` is the parameter's value, a deletion protection written `Fn::If [IsProd, true, false]`
 * follows the condition, which follows the parameters (red-team round 60).
 */
import { canonicalJson } from "./canonical-json";
import { isObject } from "./values";

/** A value the plan does not show. `deploy`: CloudFormation reads it anew at every stack operation (SSM, a dynamic reference). */
export class Unknown {
  constructor(
    readonly text: string,
    readonly deploy: boolean,
    /** For an `Fn::If` whose condition is not known: the condition, and what each branch gives. */
    readonly choice?: { readonly condition: string; readonly branches: readonly [unknown, unknown] },
  ) {}

  /** As a message shows it. */
  toJSON(): unknown {
    return { "(computed)": this.text };
  }
}

/** `Ref: AWS::NoValue`: the property, or the list item, is left out. */
export const NO_VALUE: unique symbol = Symbol("AWS::NoValue");

/** What a template's values are evaluated against: one side of a stack update. */
export interface Scope {
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly conditions: Readonly<Record<string, unknown>>;
  readonly mappings: Readonly<Record<string, unknown>>;
  /** What a `Ref` (no attribute) or `Fn::GetAtt` of a resource of the template depends on, as text. */
  resourceText(id: string, attribute?: string): string;
  /** Conditions evaluated so far (each once per scope). */
  readonly memo: Map<string, boolean | Unknown>;
}

/** Pseudo parameters: the same for both sides of an update of one stack. */
const PSEUDO = /^AWS::(AccountId|NotificationARNs|Partition|Region|StackId|StackName|URLSuffix)$/;

/**
 * A side of an update: the template (parsed) and the parameters the stack passes ("unknown" when known only after
 * apply). `feeding` gives, for a resource and an attribute, the properties its `Ref` or `Fn::GetAtt` value follows.
 */
export function scopeOf(
  template: unknown,
  passed: Readonly<Record<string, unknown>> | "unknown",
  feeding: (r: Record<string, unknown>, attribute?: string) => unknown,
  /** Pseudo parameters whose value this side has of its own (`AWS::NotificationARNs`, the stack's notification_arns). */
  pseudo: Readonly<Record<string, unknown>> = {},
): Scope {
  const t = isObject(template) ? template : {};
  const declared = isObject(t.Parameters) ? t.Parameters : {};
  const parameters: Record<string, unknown> = { ...pseudo };
  for (const [k, p] of Object.entries(declared)) parameters[k] = parameterValue(k, isObject(p) ? p : {}, passed);
  const resources = isObject(t.Resources) ? t.Resources : {};
  const texts = new Map<string, string>();
  const scope: Scope = {
    parameters,
    conditions: isObject(t.Conditions) ? t.Conditions : {},
    mappings: isObject(t.Mappings) ? t.Mappings : {},
    memo: new Map(),
    resourceText(id, attribute) {
      const key = `${id}.${attribute ?? ""}`;
      const known = texts.get(key);
      if (known !== undefined) return known;
      // A resource that names itself, directly or through others, is taken as written from there on.
      texts.set(key, `(cycle ${key})`);
      const r = resources[id];
      const text = isObject(r) ? fingerprint({ id, attribute: attribute ?? null, Type: r.Type ?? null, Condition: r.Condition ?? null, Properties: evaluate(feeding(r, attribute), scope) }) : `(no resource ${id})`;
      texts.set(key, text);
      return text;
    },
  };
  return scope;
}

function parameterValue(name: string, declared: Record<string, unknown>, passed: Readonly<Record<string, unknown>> | "unknown"): unknown {
  const type = typeof declared.Type === "string" ? declared.Type : "String";
  let value: unknown;
  if (passed === "unknown") return new Unknown(`parameter ${name}, known only after apply`, false);
  // One key known only after apply (parametersAfter marks it): never the Default.
  if (Object.prototype.hasOwnProperty.call(passed, name) && passed[name] instanceof Unknown) return passed[name];
  if (Object.prototype.hasOwnProperty.call(passed, name) && passed[name] !== null && passed[name] !== undefined) value = passed[name];
  else if (declared.Default !== undefined) value = declared.Default;
  else return new Unknown(`parameter ${name}, given no value`, false);
  // The value names an SSM parameter, which CloudFormation reads at each stack operation: it may have changed.
  if (type.startsWith("AWS::SSM::Parameter::Value")) return new Unknown(`parameter ${name}, the SSM parameter ${JSON.stringify(value)} read at deploy time`, true);
  // DescribeStacks shows a NoEcho parameter as asterisks.
  if ((declared.NoEcho === true || declared.NoEcho === "true") && value === "****") return new Unknown(`parameter ${name} (NoEcho)`, false);
  if (typeof value === "number" || typeof value === "boolean") value = String(value);
  if ((type === "CommaDelimitedList" || type.startsWith("List<")) && typeof value === "string") return value.split(",");
  return value;
}

/** A template value with what the scope knows filled in; NO_VALUE for one left out. */
export function evaluate(v: unknown, scope: Scope, depth = 0): unknown {
  if (depth > 100) return new Unknown("(nested too deep)", false);
  if (typeof v === "string") return v.includes("{{resolve:") ? new Unknown(`a dynamic reference ${v}`, true) : v;
  if (Array.isArray(v)) return v.map((x) => evaluate(x, scope, depth + 1)).filter((x) => x !== NO_VALUE);
  if (!isObject(v)) return v;
  const keys = Object.keys(v);
  if (keys.length === 1 && (keys[0] === "Ref" || keys[0].startsWith("Fn::"))) return intrinsic(keys[0], v[keys[0]], scope, depth + 1);
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const x = evaluate(v[k], scope, depth + 1);
    if (x !== NO_VALUE) Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function intrinsic(fn: string, arg: unknown, scope: Scope, depth: number): unknown {
  const args = Array.isArray(arg) ? arg : [arg];
  switch (fn) {
    case "Ref": {
      if (typeof arg !== "string") return new Unknown(`Ref ${fingerprint(evaluate(arg, scope, depth))}`, hasDeploy(evaluate(arg, scope, depth)));
      if (Object.prototype.hasOwnProperty.call(scope.parameters, arg)) return scope.parameters[arg];
      if (arg === "AWS::NoValue") return NO_VALUE;
      if (PSEUDO.test(arg)) return new Unknown(`Ref ${arg}`, false);
      return new Unknown(`Ref ${scope.resourceText(arg)}`, false);
    }
    case "Fn::GetAtt": {
      const [id, attribute] = typeof arg === "string" ? [arg.split(".")[0], arg.split(".").slice(1).join(".")] : [args[0], args[1]];
      if (typeof id !== "string") return new Unknown(`GetAtt ${fingerprint(evaluate(arg, scope, depth))}`, hasDeploy(evaluate(arg, scope, depth)));
      const attr = evaluate(attribute, scope, depth);
      return new Unknown(`GetAtt ${scope.resourceText(id, typeof attr === "string" ? attr : undefined)} ${fingerprint(attr)}`, hasDeploy(attr));
    }
    case "Fn::If": {
      if (!Array.isArray(arg) || arg.length !== 3) return opaque(fn, arg, scope, depth);
      const c = condition(arg[0], scope);
      if (c === true) return evaluate(arg[1], scope, depth);
      if (c === false) return evaluate(arg[2], scope, depth);
      const a = evaluate(arg[1], scope, depth);
      const b = evaluate(arg[2], scope, depth);
      // Both branches the same: the condition does not matter.
      if (fingerprint(a) === fingerprint(b)) return a;
      return new Unknown(`If ${c.text} then ${fingerprint(a)} else ${fingerprint(b)}`, c.deploy || hasDeploy(a) || hasDeploy(b), { condition: c.text, branches: [a, b] });
    }
    case "Fn::Equals":
    case "Fn::And":
    case "Fn::Or":
    case "Fn::Not":
      return conditionValue({ [fn]: arg }, scope, new Set());
    case "Fn::FindInMap": {
      const [map, top, second] = args.slice(0, 3).map((x) => evaluate(x, scope, depth));
      const fallback = isObject(args[3]) && "DefaultValue" in args[3] ? evaluate(args[3].DefaultValue, scope, depth) : undefined;
      if ([map, top, second].every((x) => typeof x === "string" || typeof x === "number")) {
        const found = getIn(scope.mappings, [String(map), String(top), String(second)]);
        if (found !== undefined) return evaluate(found, scope, depth);
        if (fallback !== undefined) return fallback;
        return new Unknown(`FindInMap ${fingerprint([map, top, second])} (no such entry)`, false);
      }
      const table = typeof map === "string" ? scope.mappings[map] : scope.mappings;
      return new Unknown(`FindInMap ${fingerprint([map, top, second, fallback ?? null])} in ${fingerprint(table ?? null)}`, [map, top, second].some(hasDeploy));
    }
    case "Fn::Sub":
      return sub(args[0], isObject(args[1]) ? args[1] : {}, scope, depth);
    case "Fn::Join": {
      const list = evaluate(args[1], scope, depth);
      if (typeof args[0] === "string" && Array.isArray(list) && list.every(isScalar)) return list.map(String).join(args[0]);
      return opaque(fn, [args[0], list], scope, depth, true);
    }
    case "Fn::Select": {
      const i = evaluate(args[0], scope, depth);
      const list = evaluate(args[1], scope, depth);
      const n = typeof i === "number" ? i : typeof i === "string" && /^\d+$/.test(i) ? Number(i) : undefined;
      if (n !== undefined && Array.isArray(list) && n < list.length) return list[n];
      return opaque(fn, [i, list], scope, depth, true);
    }
    case "Fn::Split": {
      const s = evaluate(args[1], scope, depth);
      if (typeof args[0] === "string" && typeof s === "string") return s.split(args[0]);
      return opaque(fn, [args[0], s], scope, depth, true);
    }
    case "Fn::ToJsonString": {
      const x = evaluate(arg, scope, depth);
      return hasUnknown(x) ? new Unknown(`ToJsonString ${fingerprint(x)}`, hasDeploy(x)) : JSON.stringify(plain(x));
    }
    case "Fn::Length": {
      const x = evaluate(arg, scope, depth);
      return Array.isArray(x) && !x.some((e) => e instanceof Unknown) ? x.length : new Unknown(`Length ${fingerprint(x)}`, hasDeploy(x));
    }
    default:
      return opaque(fn, arg, scope, depth);
  }
}

/** A function blastwall does not evaluate (or whose arguments are not known): its arguments as far as known. */
function opaque(fn: string, arg: unknown, scope: Scope, depth: number, evaluated = false): Unknown {
  const x = evaluated ? arg : evaluate(arg, scope, depth);
  return new Unknown(`${fn} ${fingerprint(x)}`, hasDeploy(x));
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}

function getIn(v: unknown, path: readonly string[]): unknown {
  let x = v;
  for (const k of path) {
    if (!isObject(x) || !Object.prototype.hasOwnProperty.call(x, k)) return undefined;
    x = x[k];
  }
  return x;
}

/** `Fn::Sub`: `${Name}` from the variables, then the parameters; `${!Name}` is the text `${Name}`. */
function sub(text: unknown, variables: Record<string, unknown>, scope: Scope, depth: number): unknown {
  if (typeof text !== "string") return opaque("Fn::Sub", [text, variables], scope, depth);
  if (text.includes("{{resolve:")) return new Unknown(`a dynamic reference ${text}`, true);
  const vars = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, evaluate(v, scope, depth)]));
  let unknown = false;
  let deploy = false;
  const out = text.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
    if (name.startsWith("!")) return `\${${name.slice(1)}}`;
    const value = Object.prototype.hasOwnProperty.call(vars, name)
      ? vars[name]
      : Object.prototype.hasOwnProperty.call(scope.parameters, name)
        ? scope.parameters[name]
        : PSEUDO.test(name)
          ? new Unknown(`Ref ${name}`, false)
          : new Unknown(`GetAtt ${scope.resourceText(name.split(".")[0], name.includes(".") ? name.split(".").slice(1).join(".") : undefined)}`, false);
    if (isScalar(value)) return String(value);
    unknown = true;
    deploy ||= hasDeploy(value);
    return `\${?${fingerprint(value)}}`;
  });
  return unknown ? new Unknown(`Sub ${out}`, deploy) : out;
}

/** A named condition of the template, evaluated once per scope. */
export function condition(name: unknown, scope: Scope): boolean | Unknown {
  if (typeof name !== "string") return new Unknown(`condition ${fingerprint(name ?? null)}`, false);
  const memo = scope.memo.get(name);
  if (memo !== undefined) return memo;
  const v = conditionValue({ Condition: name }, scope, new Set());
  scope.memo.set(name, v);
  return v;
}

function conditionValue(expr: unknown, scope: Scope, seen: Set<string>): boolean | Unknown {
  if (expr === true || expr === false) return expr;
  if (typeof expr === "string" && /^(true|false)$/i.test(expr)) return expr.toLowerCase() === "true";
  if (!isObject(expr) || Object.keys(expr).length !== 1) return new Unknown(`condition ${fingerprint(evaluate(expr, scope))}`, hasDeploy(evaluate(expr, scope)));
  const [[fn, arg]] = Object.entries(expr);
  const args = Array.isArray(arg) ? arg : [arg];
  switch (fn) {
    case "Condition": {
      // A condition the Conditions do not hold as written (one an Fn::ForEach makes) may read any parameter, mapping
      // or condition: its text carries them all, so it changes when any of them does (red-team round 65: it read the
      // same on both sides of a parameter change, and a guard computed from it was never judged).
      if (typeof arg !== "string" || !Object.prototype.hasOwnProperty.call(scope.conditions, arg)) {
        return new Unknown(`condition ${fingerprint(arg ?? null)} (not defined as written; it may read ${fingerprint({ parameters: scope.parameters, mappings: scope.mappings, conditions: scope.conditions })})`, false);
      }
      const memo = scope.memo.get(arg);
      if (memo !== undefined) return memo;
      if (seen.has(arg)) return new Unknown(`condition ${arg} (a cycle)`, false);
      const v = conditionValue(scope.conditions[arg], scope, new Set([...seen, arg]));
      scope.memo.set(arg, v);
      return v;
    }
    case "Fn::Equals": {
      const [a, b] = [evaluate(args[0], scope), evaluate(args[1], scope)];
      if (hasUnknown(a) || hasUnknown(b)) return new Unknown(`Equals ${fingerprint(a)} ${fingerprint(b)}`, hasDeploy(a) || hasDeploy(b));
      const text = (x: unknown) => (isScalar(x) ? String(x) : fingerprint(x));
      return text(a) === text(b);
    }
    case "Fn::Not": {
      const v = conditionValue(args[0], scope, seen);
      return v instanceof Unknown ? new Unknown(`Not ${v.text}`, v.deploy) : !v;
    }
    case "Fn::And":
    case "Fn::Or": {
      const decides = fn === "Fn::Or";
      const vs = args.map((x) => conditionValue(x, scope, seen));
      if (vs.some((v) => v === decides)) return decides;
      const unknown = vs.filter((v): v is Unknown => v instanceof Unknown);
      return unknown.length === 0 ? !decides : new Unknown(`${fn.slice(4)} ${unknown.map((u) => u.text).join(" ")}`, unknown.some((u) => u.deploy));
    }
    default: {
      const v = evaluate(expr, scope);
      return typeof v === "boolean" ? v : typeof v === "string" && /^(true|false)$/i.test(v) ? v.toLowerCase() === "true" : new Unknown(`condition ${fingerprint(v)}`, hasDeploy(v));
    }
  }
}

/** True when the value holds an Unknown anywhere. */
export function hasUnknown(v: unknown): boolean {
  if (v instanceof Unknown) return true;
  if (Array.isArray(v)) return v.some(hasUnknown);
  return isObject(v) && Object.values(v).some(hasUnknown);
}

/** True when the value holds something CloudFormation reads anew at deploy time. */
export function hasDeploy(v: unknown): boolean {
  if (v instanceof Unknown) return v.deploy;
  if (Array.isArray(v)) return v.some(hasDeploy);
  return isObject(v) && Object.values(v).some(hasDeploy);
}

/** The value as JSON would hold it, an Unknown as `{ "(computed)": text }`. */
export function plain(v: unknown): unknown {
  if (v instanceof Unknown) return { "(computed)": v.text };
  if (v === NO_VALUE || v === undefined) return null;
  if (Array.isArray(v)) return v.map(plain);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

/** Canonical text of an evaluated value: equal only for values that come out the same. */
export function fingerprint(v: unknown): string {
  return canonicalJson(plain(v));
}
