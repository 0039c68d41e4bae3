/**
 * Reading a CloudFormation template's resources as written: its Resources (an Fn::ForEach fragment's under its loop's
 * key) and loops, a property or a part of one, the DeletionPolicy in force, its Conditions, whether a resource holds
 * data, and which of its properties replace it when changed.
 */
import { isObject } from "./values";
import { parseTemplate } from "./cfn-template";
import { specReplacing } from "./cfn-replacing";
import { REPLACING, STATEFUL } from "./cfn-tables";

export interface Resource {
  readonly Type?: unknown;
  readonly DeletionPolicy?: unknown;
  readonly UpdateReplacePolicy?: unknown;
  readonly Condition?: unknown;
  readonly Properties?: unknown;
}

/**
 * A template's Resources, when it is JSON with a Resources object and no transform (SAM, `Fn::ForEach`), which
 * CloudFormation expands into resources blastwall would not see; undefined otherwise.
 */
export function resourcesOf(template: unknown, evenTransformed = false): Record<string, Resource> | undefined {
  if (typeof template !== "string") return undefined;
  const parsed = parseTemplate(template);
  if (!isObject(parsed) || !isObject(parsed.Resources)) return undefined;
  // A transform anywhere (SAM, `Fn::ForEach`, `AWS::Include` through `Fn::Transform`) makes what blastwall would not see.
  if (!evenTransformed && (parsed.Transform !== undefined || Object.keys(parsed.Resources).some((k) => k.startsWith("Fn::")) || hasKey(parsed, "Fn::Transform"))) return undefined;
  const out: Record<string, Resource> = {};
  // An `Fn::ForEach` loop (AWS::LanguageExtensions) stands for the resources its fragment makes: each is read as
  // written, under the loop's key (`Fn::ForEach::Tbl/Table${Name}`), so that what holds data, nested stacks and values
  // read at deploy time in it are seen (red-team round 63). What its collection makes is judged by forEachLoops.
  const add = (entries: Record<string, unknown>, prefix: string) => {
    for (const [id, r] of Object.entries(entries)) {
      const fragment = id.startsWith("Fn::ForEach::") && Array.isArray(r) && isObject(r[2]) ? r[2] : undefined;
      if (fragment !== undefined) add(fragment, `${prefix}${id}/`);
      else out[`${prefix}${id}`] = isObject(r) ? (r as Resource) : {};
    }
  };
  add(parsed.Resources, "");
  return out;
}

function hasKey(v: unknown, key: string): boolean {
  if (Array.isArray(v)) return v.some((x) => hasKey(x, key));
  return isObject(v) && Object.entries(v).some(([k, x]) => k === key || hasKey(x, key));
}

/**
 * A template's `Fn::ForEach` loops, nested ones included: each loop's key and collection, and the logical IDs its
 * fragment writes. CloudFormation expands them anew at each change set or update, with that update's parameters: a
 * value gone from the collection drops the resources it made, and CloudFormation deletes them.
 */
export function forEachLoops(template: unknown): { id: string; collection: unknown; ids: string[] }[] {
  const parsed = parseTemplate(template);
  const out: { id: string; collection: unknown; ids: string[] }[] = [];
  const walk = (entries: Record<string, unknown>, prefix: string) => {
    for (const [id, r] of Object.entries(entries)) {
      if (!id.startsWith("Fn::ForEach::")) continue;
      const loop = Array.isArray(r) ? r : [];
      const fragment = isObject(loop[2]) ? loop[2] : {};
      // A loop that cannot be read is taken whole as its collection.
      out.push({ id: `${prefix}${id}`, collection: loop.length === 3 && isObject(loop[2]) ? (loop[1] ?? null) : (r ?? null), ids: Object.keys(fragment) });
      walk(fragment, `${prefix}${id}/`);
    }
  };
  if (isObject(parsed) && isObject(parsed.Resources)) walk(parsed.Resources, "");
  return out;
}

/**
 * A property, or a part of one by path (`WindowsConfiguration.DeploymentType`; `*` for every value of a map; a list
 * is walked item by item). Where an intrinsic function stands on the way (`Fn::If`, `Ref`), what it yields is not
 * known: the value from there on is taken whole, so any change to it counts.
 */
export function propertyOf(r: Resource, key: string): unknown {
  if (!isObject(r.Properties)) return undefined;
  const [first, ...rest] = key.split(".");
  return rest.length === 0 ? r.Properties[first] : part(r.Properties[first], rest);
}

function part(v: unknown, path: readonly string[]): unknown {
  if (path.length === 0 || v === undefined || v === null) return v;
  if (Array.isArray(v)) return v.map((x) => part(x, path));
  if (!isObject(v)) return v;
  if (Object.keys(v).some((k) => k === "Ref" || k.startsWith("Fn::"))) return v;
  const [seg, ...rest] = path;
  return seg === "*" ? Object.values(v).map((x) => part(x, rest)) : part(v[seg], rest);
}

/**
 * The DeletionPolicy in force: as written, else CloudFormation's default, which is Snapshot for an RDS cluster and for
 * an RDS instance outside a cluster, and Delete for everything else.
 */
export function deletionPolicy(r: Resource): string {
  if (typeof r.DeletionPolicy === "string") return r.DeletionPolicy;
  if (r.DeletionPolicy !== undefined) return "(not a string)";
  if (r.Type === "AWS::RDS::DBCluster") return "Snapshot";
  if (r.Type === "AWS::RDS::DBInstance" && !(isObject(r.Properties) && r.Properties.DBClusterIdentifier !== undefined)) return "Snapshot";
  return "Delete";
}

/** The template's Conditions, by name. */
export function conditionsOf(template: unknown): Record<string, unknown> {
  return isObject(template) && isObject(template.Conditions) ? template.Conditions : {};
}

/** A type blastwall knows nothing of (a module, a third-party or custom type): any property may replace it. */
export function opaque(type: string): boolean {
  return type.endsWith("::MODULE") || type.startsWith("Custom::") || type === "AWS::CloudFormation::CustomResource" || (type !== "" && !type.startsWith("AWS::") && !type.startsWith("Alexa::"));
}

export function holdsData(r: Resource): boolean {
  const type = typeof r.Type === "string" ? r.Type : "";
  // A module expands into resources blastwall does not see; a registry type of another publisher may hold data; a
  // custom resource runs its function with a Delete request when it is removed or replaced.
  if (opaque(type)) return true;
  // An Aurora member instance holds no data of its own: the cluster does.
  if (type === "AWS::RDS::DBInstance" && isObject(r.Properties) && r.Properties.DBClusterIdentifier !== undefined) return false;
  return STATEFUL.has(type);
}

/**
 * The properties of a data-holding resource whose change replaces it: those the CloudFormation resource schemas mark
 * as always replacing, with the hand-kept list for its type (which adds the conditional ones that matter); for a type
 * the schemas do not know, the
 * properties that name it (a name is what CloudFormation most often cannot change in place); for a type blastwall
 * knows nothing of (a module, a custom or third-party type), every property.
 */
export function replacingProperties(r: Resource): readonly string[] {
  const type = String(r.Type);
  const known = REPLACING[type];
  const spec = opaque(type) ? undefined : specReplacing(type);
  if (known !== undefined) return spec ? [...new Set([...known, ...spec.always])] : known;
  // Properties that replace only in some cases (an EMR cluster's Instances, resized in place) are not counted for a
  // type without a hand-kept list: most of their changes update in place (red-team round 59).
  if (spec) return spec.always;
  const props = isObject(r.Properties) ? Object.keys(r.Properties) : [];
  return opaque(type) ? props.filter((k) => k !== "Tags") : props.filter((k) => /(?:Name|Identifier)$/.test(k));
}

export function show(v: unknown): string {
  return v === undefined || v === null ? "(none)" : JSON.stringify(v);
}
