/**
 * What CloudFormation reads anew at any update of a stack, a tag's included, where the plan cannot show it: values
 * stored in SSM Parameter Store or Secrets Manager, a template_url or a nested stack's TemplateURL that pins no object
 * version, an AWS::Include, and macro transforms.
 */
import type { PlanResourceChange } from "../types";
import { afterValue, isObject } from "../values";
import { parseTemplate } from "../cfn-template";
import { condition, evaluate, hasUnknown, type Scope, scopeOf } from "../cfn-evaluate";
import { keeps } from "../cfn-tables";
import { conditionsOf, forEachLoops, holdsData, propertyOf, replacingProperties, type Resource, resourcesOf, show } from "../cfn-resources";
import { feedingProperties, joined, mentions } from "../cfn-references";
import { type KnownPseudo, knownPseudo, type Sides } from "./stack-sides";

/**
 * Data-holding resources whose existence, keeping or identity comes from a value CloudFormation reads from SSM
 * Parameter Store at each stack operation (`{{resolve:ssm:...}}`, a parameter of type
 * `AWS::SSM::Parameter::Value<...>`): the value may have changed outside the plan, and any update of the stack
 * applies it. The plan cannot show it, so it counts.
 */
export function resolvedAtDeploy(template: unknown): string[] {
  const now = resourcesOf(template, true);
  if (now === undefined) return [];
  const parsed = parseTemplate(template);
  const params = isObject(parsed) && isObject(parsed.Parameters) ? parsed.Parameters : {};
  const ssm = new Set(Object.entries(params).filter(([, p]) => isObject(p) && typeof p.Type === "string" && p.Type.startsWith("AWS::SSM::Parameter::Value")).map(([k]) => k));
  const conditions = conditionsOf(parsed);
  // A secret the template makes itself (`{{resolve:secretsmanager:${Secret}...}}`, AWS's pattern for a master
  // username) holds what the template writes there; any other dynamic reference reads a value made elsewhere.
  const outside = (value: unknown) => {
    const text = JSON.stringify(joined(value));
    const refs = [...text.matchAll(/\{\{resolve:([a-z-]+):((?:\$\{[^}]*\}|[^}])*)\}\}/g)];
    // A reference written in pieces (`Fn::Join`) is not parsed: it counts.
    if (refs.length === 0) return text.includes("{{resolve");
    return refs.some((m) => {
      const id = /^\$\{([A-Za-z0-9]+)\}/.exec(m[2])?.[1];
      return !(m[1] === "secretsmanager" && id !== undefined && now[id]?.Type === "AWS::SecretsManager::Secret");
    });
  };
  const fromSsm = (v: unknown): boolean => v !== undefined && (outside(v) || (ssm.size > 0 && mentions(v, ssm, conditions, now)));
  const out: string[] = [];
  for (const loop of forEachLoops(template)) {
    if (fromSsm(loop.collection)) out.push(`${loop.id} (AWS::LanguageExtensions) takes its collection from a value stored outside the template (SSM Parameter Store or Secrets Manager), which CloudFormation reads anew at this update: each resource that a value gone from it made is deleted`);
  }
  for (const [id, r] of Object.entries(now)) {
    if (!holdsData(r)) continue;
    const kept = keeps(r.DeletionPolicy, r.Type);
    const replaceKept = keeps(r.UpdateReplacePolicy, r.Type);
    const props = replaceKept ? [] : replacingProperties(r).filter((k) => fromSsm(propertyOf(r, k)));
    if (props.length > 0) out.push(`${id} (${String(r.Type)}) takes ${props.join(", ")} from a value stored outside the template (SSM Parameter Store or Secrets Manager), which CloudFormation reads anew at this update: a value changed there replaces it, deleting the old one`);
    else if (!kept && r.Condition !== undefined && fromSsm({ Condition: r.Condition })) out.push(`${id} (${String(r.Type)}) exists under a condition that reads SSM Parameter Store anew at this update`);
  }
  return out;
}

/** The types of a template that deploy another template, named by a property: a nested stack, a SAM application. */
const NESTED: Readonly<Record<string, string>> = { "AWS::CloudFormation::Stack": "TemplateURL", "AWS::Serverless::Application": "Location" };

/** A bucket name as S3 writes it in a host (lower case, digits, dots and hyphens). */
const BUCKET = "[a-z0-9](?:[a-z0-9.-]{0,61}[a-z0-9])?";
/** A bucket name in a path: a legacy us-east-1 bucket may also hold capitals and underscores, up to 255 characters. */
const PATH_BUCKET = "[A-Za-z0-9._-]{1,255}";
/**
 * Bucket-name suffixes AWS reserves for what is not a general purpose bucket (its bucket naming rules): an access point
 * alias (-s3alias), an S3 Object Lambda access point alias (--ol-s3, whose function rewrites every GET), a Multi-Region
 * Access Point (.mrap), an S3 Tables bucket alias (--table-s3), and a directory bucket (--x-s3), which keeps no
 * versions, so a versionId there pins nothing (red-team round 69: aliases used as the bucket counted as pinned).
 */
const RESERVED_BUCKET = /(?:-s3alias|--ol-s3|\.mrap|--table-s3|--x-s3)$/i;
/** A region of any partition (us-east-1, us-gov-west-1, us-isob-east-1, eusc-de-east-1, cn-north-1). */
const REGION = "[a-z]{2,4}(?:-[a-z]+)+-\\d{1,2}";
/**
 * The domains of AWS's partitions: aws (amazonaws.com), China (amazonaws.com.cn), EUSC (amazonaws.eu), ISO (c2s.ic.gov),
 * ISO-B (sc2s.sgov.gov), ISO-E (cloud.adc-e.uk) and ISO-F (csp.hci.ic.gov).
 */
const PARTITION = "(?:amazonaws\\.com(?:\\.cn)?|amazonaws\\.eu|c2s\\.ic\\.gov|sc2s\\.sgov\\.gov|cloud\\.adc-e\\.uk|csp\\.hci\\.ic\\.gov)";
/**
 * The S3 endpoints: `s3.` (global), `s3.<region>.`, `s3-<region>.` (legacy), `s3.dualstack.<region>.`,
 * `s3-fips.<region>.`, `s3-fips.dualstack.<region>.` and `s3-external-1.`, under a partition's domain.
 */
const ENDPOINT = `s3(?:(?:-fips)?(?:\\.dualstack)?\\.${REGION}|-${REGION}|-external-1)?\\.${PARTITION}`;
const VIRTUAL_HOSTED = new RegExp(`^(${BUCKET})\\.${ENDPOINT}$`);
const PATH_STYLE = new RegExp(`^${ENDPOINT}$`);

/**
 * A versionId as written: letters, digits, `.`, `_`, `-`, and percent-escapes of printable ASCII but `&`, `#` and
 * `%`-less whitespace (S3 version IDs may hold `/`, `+` and `=`, which a URL encodes: `3%2FL4kq...%2BrmS...`). Its
 * decoded value, or undefined when it is none; a raw `+` (a space to a form decoder) is none.
 */
function versionOf(raw: string): string | undefined {
  if (!/^(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+$/.test(raw)) return undefined;
  const decoded = raw.replace(/%([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return /^[\x21-\x7e]+$/.test(decoded) && !/[&#]/.test(decoded) && decoded !== "null" ? decoded : undefined;
}

/**
 * Whether a template URL names one version of its object: judged on the string as written (CloudFormation and S3 may
 * read it otherwise than a browser's URL parser, which drops tabs and newlines), it is printable ASCII with no
 * whitespace; https; on an S3 endpoint host of any partition (virtual-hosted `<bucket>.<endpoint>` with a key, or
 * path-style `<endpoint>/<bucket>/<key>`, the endpoint `s3`, `s3.<region>`, `s3-<region>`, `s3.dualstack.<region>`,
 * `s3-fips[.dualstack].<region>` or `s3-external-1` under amazonaws.com, amazonaws.com.cn, amazonaws.eu, c2s.ic.gov,
 * sc2s.sgov.gov, cloud.adc-e.uk or csp.hci.ic.gov), with no userinfo or port; a bucket name no reserved suffix ends
 * (RESERVED_BUCKET: an alias is no bucket, a directory bucket keeps no versions); its query (after its only `?`,
 * with no fragment) holds exactly one `versionId` (no other parameter that decodes to that name), and that is a
 * version (versionOf()), not `null`. Its content cannot change under the same URL. An S3 Object Lambda or access
 * point host, or alias, is no pin: a function may rewrite every GET, and an access point is not judged (red-team
 * rounds 68 and 69). A `versionId=` anywhere else is part of the object's key (`data-tier&versionId=3.json`),
 * which names the current, writable version (red-team round 62); so is any `?` of an `s3://` URI, which AWS
 * documents with no query at all (red-team round 67). Only for TemplateURL and template_url: AWS documents no version
 * pin for an AWS::Include's Location.
 */
function pinnedVersion(location: string): boolean {
  if (!/^[\x21-\x7e]+$/.test(location)) return false;
  const m = /^https:\/\/([^/?#]*)(\/[^?#]*)\?([^?#]*)$/.exec(location);
  if (m === null) return false;
  const [, host, path, query] = m;
  const hosted = VIRTUAL_HOSTED.exec(host);
  const pathBucket = new RegExp(`^/(${PATH_BUCKET})/[^/]`).exec(path);
  const bucket = hosted !== null ? (/^\/[^/]/.test(path) ? hosted[1] : undefined) : PATH_STYLE.test(host) ? pathBucket?.[1] : undefined;
  // A reserved suffix ending any label of the host is refused too, wherever a reader would take the bucket to end.
  if (bucket === undefined || RESERVED_BUCKET.test(bucket) || /(?:-s3alias|--ol-s3|\.mrap|--table-s3|--x-s3)\./i.test(host)) return false;
  if (/(?:^|\.)s3-(?:object-lambda|accesspoint)[.-]/.test(host)) return false;
  const versions: string[] = [];
  for (const part of query.split("&")) {
    const eq = part.indexOf("=");
    const name = eq < 0 ? part : part.slice(0, eq);
    let decoded: string;
    try {
      decoded = decodeURIComponent(name.replace(/\+/g, " "));
    } catch {
      return false;
    }
    if (decoded.toLowerCase() !== "versionid") continue;
    // A name that decodes to versionId but is written otherwise (version%49d, VersionId) is ambiguous: no pin.
    if (name !== "versionId" || eq < 0) return false;
    versions.push(part.slice(eq + 1));
  }
  return versions.length === 1 && versionOf(versions[0]) !== undefined;
}

/**
 * A stack or stack set deployed from a `template_url` that stays: the aws provider sends TemplateURL with every
 * UpdateStack (and UpdateStackSet) whenever template_url is set, a tag change's included, and Cloud Control sends the
 * whole desired state, so CloudFormation fetches the S3 object as it is now and applies it. The plan shows only the
 * template_body CloudFormation held before (Optional and Computed, it keeps its old value). It counts, as a nested
 * stack's TemplateURL does, unless the URL pins an object version (red-team round 63).
 */
export function topTemplateReread(rc: PlanResourceChange): string[] {
  const url = afterValue(rc.change, ["template_url"]);
  if (url.state !== "known" || url.value === undefined || url.value === null || url.value === "") return [];
  if (typeof url.value === "string" && pinnedVersion(url.value)) return [];
  return [
    `${rc.address} takes its template from template_url ${show(url.value)}, which CloudFormation reads anew from S3 at this update (the provider sends it with every update): ` +
      "whatever that object holds now is applied, and what it drops is deleted, unseen by the plan; pin the version " +
      "(template_url ending ?versionId=<the object's version> in a versioned bucket), so that a new template comes only with a new URL the plan shows",
  ];
}

/**
 * Transforms that expand the template and its parameters alone, the same way at every update (judged as written);
 * and AWS's own transforms that add resources holding no data beside the template's, which are judged as written:
 * AWS::SecretsManager-2020-07-23 (a rotation function for a RotationSchedule's HostedRotationLambda) and
 * AWS::CodeDeployBlueGreen (an ECS service's replacement task sets). Neither runs code of anyone's but AWS's.
 */
const EXPANDING_TRANSFORMS: ReadonlySet<string> = new Set(["AWS::Serverless-2016-10-31", "AWS::LanguageExtensions", "AWS::SecretsManager-2020-07-23", "AWS::CodeDeployBlueGreen"]);

/**
 * Types whose included content (an API definition, `DefinitionBody: Fn::Transform AWS::Include`, SAM's documented
 * pattern) is the value of that API alone: it holds no data and runs no calls, and no other resource's identity follows it.
 */
const INCLUDE_INERT: ReadonlySet<string> = new Set(["AWS::Serverless::Api", "AWS::Serverless::HttpApi", "AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"]);

/**
 * Transforms CloudFormation processes anew at every update of the stack, a tag's included, with what they read as it
 * is then (red-team round 66). An `AWS::Include` (a top-level Transform, or `Fn::Transform` anywhere: in a value, beside
 * a resource's Type, under Resources, at the root) inserts the S3 object's current content: it counts, as an unpinned
 * nested stack's TemplateURL does, unless it is an API's definition (INCLUDE_INERT: in its Properties). AWS documents no version pin for its Location (an s3:// URI): a `?versionId=` there is part of the
 * object's key, so no Location is taken as pinned (red-team round 67). A macro (any transform but SAM,
 * AWS::LanguageExtensions and AWS::Include) runs its function with the template and parameters and may make other
 * resources each time: blastwall cannot see what it makes, so any update counts. SAM and AWS::LanguageExtensions are
 * judged as written (their resources, `Fn::ForEach` loops, nested applications).
 */
export function transformsReread(template: unknown): string[] {
  const parsed = parseTemplate(template);
  if (!isObject(parsed)) return [];
  const found: { where: string; transform: unknown; inert: boolean }[] = [];
  const add = (where: string, t: unknown, inert = false) => {
    for (const x of Array.isArray(t) ? t : [t]) found.push({ where, transform: x, inert });
  };
  const walk = (v: unknown, where: string, inert: boolean): void => {
    if (Array.isArray(v)) v.forEach((x) => walk(x, where, inert));
    else if (isObject(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (k === "Fn::Transform") add(where, x, inert);
        walk(x, where, inert);
      }
    }
  };
  if (parsed.Transform !== undefined) add("Transform", parsed.Transform);
  for (const [k, v] of Object.entries(parsed)) {
    if (k === "Transform") continue;
    // One at the root (CloudFormation may refuse it) counts: fail closed (red-team round 68).
    if (k === "Fn::Transform") add("the template's root", v);
    if (k !== "Resources" || !isObject(v)) {
      walk(v, k, false);
      continue;
    }
    for (const [id, r] of Object.entries(v)) {
      if (id === "Fn::Transform") add("Resources", r);
      // A resource's Properties (or the whole resource) an include writes: inert only for an API's definition.
      const inert = isObject(r) && typeof r.Type === "string" && INCLUDE_INERT.has(r.Type);
      if (isObject(r)) {
        for (const [part, x] of Object.entries(r)) {
          // One beside the resource's Type gets the whole resource (its Type, Properties, DeletionPolicy, Condition) and
          // returns it as it likes: it counts, an API's too (red-team round 68).
          if (part === "Fn::Transform") add(`${id}, beside its Type`, x);
          walk(x, `${id}${part === "Properties" ? "" : `.${part}`}`, inert && part === "Properties");
        }
      }
      else walk(r, id, false);
    }
  }
  const out = new Set<string>();
  for (const { where, transform, inert } of found) {
    const name = isObject(transform) ? transform.Name : transform;
    if (typeof name === "string" && EXPANDING_TRANSFORMS.has(name)) continue;
    if (name === "AWS::Include") {
      const location = isObject(transform) && isObject(transform.Parameters) ? transform.Parameters.Location : undefined;
      // AWS documents no version pin for a Location (an s3:// URI, where `?versionId=` is part of the key): none is taken.
      if (inert) continue;
      out.add(
        `the template includes ${show(location)} (AWS::Include in ${where}), which CloudFormation reads anew from S3 at this update: whatever that object holds now is applied, ` +
          "and what it drops is deleted, unseen by the plan; an AWS::Include cannot be pinned to an object version (a ?versionId= in its Location is part of the key): " +
          "inline the snippet in the template, or move it to a nested stack whose TemplateURL is an https S3 URL ending ?versionId=<the object's version> in a versioned bucket, so that new content comes only with a new URL the plan shows",
      );
      continue;
    }
    out.add(
      `the template runs the macro ${show(name)} (in ${where}), which CloudFormation runs anew at this update with the template and its parameters: ` +
        "blastwall cannot see what it makes, and CloudFormation deletes whatever it no longer makes; have a human review what the macro produces and approve this exact plan",
    );
  }
  return [...out];
}

/**
 * Nested stacks (and SAM applications) that stay in the template, whose template CloudFormation fetches anew from
 * their TemplateURL at any update of the parent, a tag's included: it updates a nested stack with whatever the S3
 * object holds now, and deletes what that drops (the nested stack's own DeletionPolicy keeps nothing then: it is
 * updated, not deleted). The plan cannot show the object, so such a stack counts, as an SSM value read anew does,
 * unless its URL pins an object version (`?versionId=`) or its application a SemanticVersion of the Serverless
 * Application Repository, whose content never changes (red-team round 61). One whose Condition is false (so absent)
 * does not count; a new one is judged as a runner, and a changed URL or parameters by dropped.
 */
export function nestedTemplatesReread(before: unknown, template: unknown, sides: Sides, known?: KnownPseudo): string[] {
  const now = resourcesOf(template, true);
  const old = resourcesOf(before, true);
  if (now === undefined || old === undefined) return [];
  const feeding = (x: Record<string, unknown>, attr?: string) => feedingProperties(x as Resource, attr);
  // One scope per side: a nested stack is absent only where its Condition is false on every side (each stack set
  // instance with its own overrides).
  const scopes = sides.map(([, a]) => scopeOf(parseTemplate(template), a, feeding, knownPseudo(known)));
  const out: string[] = [];
  for (const [id, r] of Object.entries(now)) {
    const type = String(r.Type);
    const property = NESTED[type];
    if (property === undefined || old[id]?.Type !== r.Type) continue;
    const present = scopes.filter((scope) => !(typeof r.Condition === "string" && condition(r.Condition, scope) === false));
    const pinned = (scope: Scope) => {
      const location = evaluate(propertyOf(r, property), scope);
      if (isObject(location) && !hasUnknown(location) && typeof location.ApplicationId === "string" && typeof location.SemanticVersion === "string") return true;
      return typeof location === "string" && pinnedVersion(location);
    };
    if (present.every(pinned)) continue;
    out.push(
      `the nested stack ${id} (${type}) takes its template from ${show(propertyOf(r, property))}, which CloudFormation reads anew from S3 at this update: ` +
        "whatever that object holds now is applied, and what it drops is deleted, unseen by the plan; pin the version " +
        `(${property} ending ?versionId=<the object's version> in a versioned bucket), so that a new template comes only with a new URL the plan shows`,
    );
  }
  return out;
}
