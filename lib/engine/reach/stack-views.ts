/**
 * What a CloudFormation stack Terraform makes shows of what it was given, view by view (DescribeStacks' outputs and
 * parameters, DescribeStackResource's metadata, ListExports' exports, nested stacks): CloudFormation masks a `NoEcho`
 * parameter only in DescribeStacks' parameters (red-team rounds 109 to 111). The credential paths (credentials.ts) and
 * the reference patterns (credential-references.ts) ask this module.
 */
import type { TfResource } from "../terraform/types";
import { isObject } from "../json";
import { lazy } from "../lazy";
import { hasInterpolation } from "../terraform/tokens";
import type * as CfnTemplate from "../../plan/cfn-template";

// The template reader loads a YAML parser: only a stack whose outputs or NoEcho parameters are asked about pays for it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cfnTemplate = lazy(() => require("../../plan/cfn-template") as typeof CfnTemplate);

/**
 * CloudFormation stacks Terraform makes, with the argument holding their parameters and the one holding their template
 * (none: the template is an application's, which blastwall cannot read). Their `outputs` are what the template makes
 * of both: CloudFormation masks a `NoEcho` parameter in DescribeStacks' parameters, not in the outputs that repeat it
 * (red-team round 109, F1).
 */
export const STACK_ARGUMENTS: Readonly<Record<string, { readonly parameters: string; readonly template?: string }>> = {
  aws_cloudformation_stack: { parameters: "parameters", template: "template_body" },
  awscc_cloudformation_stack: { parameters: "parameters", template: "template_body" },
  aws_serverlessapplicationrepository_cloudformation_stack: { parameters: "parameters" },
};

/** A stack's template as CloudFormation reads it; undefined when it is not written out, or not as blastwall can read it. */
export function stackTemplate(r: TfResource): Record<string, unknown> | undefined {
  const arg = STACK_ARGUMENTS[r.type]?.template;
  const written = arg === undefined ? undefined : r.values[arg];
  // A Terraform expression may make the template anything; `$${...}` is CloudFormation's own `Fn::Sub` text, escaped.
  if (typeof written !== "string" || hasInterpolation(written)) return undefined;
  const parsed = cfnTemplate().parseTemplate(written.replace(/\$\$\{/g, () => "${").replace(/%%\{/g, () => "%{"));
  return isObject(parsed) ? parsed : undefined;
}

/** What a stack's outputs may show: the parameters they may repeat (undefined: any), and the template's text they are made of. */
export interface OutputsShown {
  readonly parameters?: ReadonlySet<string>;
  readonly parts: readonly unknown[];
  /** The exports they import (`Fn::ImportValue`) by name; undefined for a name computed, which may be any. */
  readonly imports?: readonly (string | undefined)[];
  /**
   * Those of `imports` a custom resource's handler may be (its ServiceToken, or what a handler reads): the exporting
   * stack's handler is read as it reads, not as an output of its ARN shows it (red-team round 112, G1).
   */
  readonly handlerImports?: readonly (string | undefined)[];
  /** The custom resources they read whose handler may be a function outside the template (a Terraform one). */
  readonly handlers?: readonly Handler[];
}

/**
 * A custom resource's handler where it may be a function outside the template: ARN text (a pattern, what the template
 * computes `*`), or a stack parameter it is given as; neither when blastwall cannot tell which function, so any may be.
 * A handler of the template itself (`Fn::GetAtt Fn.Arn`) or another stack's (an import) is read with the template.
 */
export interface Handler {
  /** Where the ServiceToken is, as a message says it (`the ServiceToken of custom resource Echo`). */
  readonly of: string;
  readonly arn?: string;
  readonly parameter?: string;
}

/** What a stack's template may show when blastwall cannot tell what part of it: every parameter, every export, its whole text. */
function wholeShown(r: TfResource): OutputsShown {
  const args = STACK_ARGUMENTS[r.type];
  return { parts: args?.template === undefined ? [] : [r.values[args.template] ?? ""], imports: [undefined], handlerImports: [undefined], handlers: handlersWritten(r) };
}

/**
 * The handlers of the custom resources of a template blastwall cannot read as a whole: of one Terraform writes as JSON
 * with references in its strings (`jsonencode`, a ServiceToken given as `aws_lambda_function.f.arn`), each custom
 * resource's (a type Terraform computes may be one); any other template may name any handler.
 */
function handlersWritten(r: TfResource): Handler[] {
  const any = [{ of: "the ServiceToken of any custom resource of a template blastwall cannot read" }];
  const arg = STACK_ARGUMENTS[r.type]?.template;
  const written = arg === undefined ? undefined : r.values[arg];
  let t: unknown = stackTemplate(r);
  if (t === undefined && typeof written === "string") {
    try {
      t = JSON.parse(written);
    } catch {
      return any;
    }
  }
  if (!isObject(t) || !macrosKeepWritten(t) || !isObject(t.Resources)) return any;
  const out: Handler[] = [];
  for (const [n, x] of Object.entries(t.Resources)) {
    if (!isObject(x) || typeof x.Type !== "string") return any;
    if (!hasInterpolation(x.Type) && !takesServiceToken(x.Type)) continue;
    const h = handlerOf(isObject(x.Properties) ? x.Properties.ServiceToken : undefined, t, `the ServiceToken of custom resource ${n}`);
    if (h !== null) out.push(h);
  }
  return out;
}

/**
 * What ListExports shows of a stack: its exported outputs, values and names, account-wide (red-team round 110, F2).
 * An output of a template blastwall cannot read, or run through a macro other than SAM, may be exported.
 */
export function exportsShown(r: TfResource): OutputsShown {
  const exported = exportingOutputs(r, [undefined]);
  if (exported.includes(undefined)) return wholeShown(r);
  const outputs = stackTemplate(r)?.Outputs as Record<string, unknown>;
  const own = exported.length === 0 ? { parameters: new Set<string>(), parts: [] } : (shownThrough(stackTemplate(r)!, exported.map((o) => outputs[o!])) ?? wholeShown(r));
  return bothShown(own, nestedShown(r));
}

/**
 * What two views show together. A stack it nests is a stack of its own, whose template blastwall does not read: it may
 * export what it is given, or write it into a resource's Metadata, as well as output it (red-team round 111, F3).
 */
function bothShown(a: OutputsShown, b: OutputsShown): OutputsShown {
  const parameters = a.parameters === undefined || b.parameters === undefined ? undefined : new Set([...a.parameters, ...b.parameters]);
  const both = <T>(x?: readonly T[], y?: readonly T[]) => (x === undefined && y === undefined ? undefined : [...(x ?? []), ...(y ?? [])]);
  return { parameters, parts: [...a.parts, ...b.parts], imports: both(a.imports, b.imports), handlerImports: both(a.handlerImports, b.handlerImports), handlers: both(a.handlers, b.handlers) };
}

/** The name an output of a stack is exported as; undefined when it is computed, or the output is not exported. */
export function exportedAs(r: TfResource, output: string): string | undefined {
  const o = (stackTemplate(r)?.Outputs as Record<string, unknown> | undefined)?.[output];
  const name = isObject(o) && isObject(o.Export) ? o.Export.Name : undefined;
  return typeof name === "string" ? name : undefined;
}

/**
 * The outputs of a stack that may be exported as one of `names` (undefined: a name computed, any): those whose
 * `Export.Name` is that name or is computed; undefined among them when the outputs blastwall reads may not be all.
 */
export function exportingOutputs(r: TfResource, names: readonly (string | undefined)[]): (string | undefined)[] {
  const t = stackTemplate(r);
  if (!t || !macrosKeepWritten(t) || (t.Outputs !== undefined && !isObject(t.Outputs))) return [undefined];
  const out: (string | undefined)[] = [];
  for (const [name, o] of Object.entries(isObject(t.Outputs) ? t.Outputs : {})) {
    if (!isObject(o) || o.Export === undefined) continue;
    const exportName = isObject(o.Export) ? o.Export.Name : undefined;
    if (typeof exportName !== "string" || names.includes(undefined) || names.includes(exportName)) out.push(name);
  }
  return out;
}

/**
 * What the outputs of a stack (or its output `output`) may show. An output shows the parameters and resources its
 * value names (`Ref`, `Fn::GetAtt`, `Fn::Sub`), and a resource named shows what its own properties name in turn, but for
 * those its `Ref` and `Fn::GetAtt` never return (`NEVER_RETURNED`) (a
 * parameter stored in a resource and read back with `Fn::GetAtt`). A template blastwall cannot read, a macro
 * (`Transform`) or a name an intrinsic function computes may show every parameter, and the whole template.
 * `asHandler`: the outputs are imported as a custom resource's ServiceToken, so the function they name, and any
 * resource of the template it may read, shows what an API returns of it (red-team round 112, G1).
 */
export function outputsShown(r: TfResource, output?: string, asHandler = false): OutputsShown {
  const t = stackTemplate(r);
  if (!t || !macrosKeepWritten(t) || (t.Outputs !== undefined && !isObject(t.Outputs))) return wholeShown(r);
  const outputs = isObject(t.Outputs) ? t.Outputs : {};
  const chosen = output === undefined ? Object.values(outputs) : Object.prototype.hasOwnProperty.call(outputs, output) ? [outputs[output]] : [];
  return shownThrough(t, chosen, asHandler) ?? wholeShown(r);
}

/**
 * What DescribeStackResource shows of a stack: each resource's `Metadata`, its intrinsic functions resolved (how
 * cfn-init reads `AWS::CloudFormation::Init`), which NoEcho does not mask (red-team round 110, F1). A template blastwall
 * cannot read, or run through a macro other than SAM (which passes a resource's Metadata on), may show any parameter.
 */
export function metadataShown(r: TfResource): OutputsShown {
  const t = stackTemplate(r);
  if (!t || !macrosKeepWritten(t)) return wholeShown(r);
  const roots = (isObject(t.Resources) ? Object.values(t.Resources) : []).map((x) => (isObject(x) ? x.Metadata : x)).filter((x) => x !== undefined);
  return bothShown(roots.length === 0 ? { parameters: new Set(), parts: [] } : (shownThrough(t, roots) ?? wholeShown(r)), nestedShown(r));
}

/**
 * Resource types that make a stack of their own, which DescribeStacks shows with the parameters it is given. A stack
 * set's instances are stacks too (`StackSet-NAME-…`, this account's among them), and DescribeStackSet shows what the set
 * is given (red-team round 111, F4); its inline template is not read for NoEcho (fail closed).
 */
// A Service Catalog product provisioned from a template is a stack of the same account too (round 112, G4).
const NESTED_STACKS = new Set(["AWS::CloudFormation::Stack", "AWS::Serverless::Application", "AWS::CloudFormation::StackSet", "AWS::ServiceCatalog::CloudFormationProvisionedProduct"]);

/**
 * What the stacks a stack nests show of it: a nested stack is a stack of the account, whose own template (at a URL
 * blastwall does not read) decides which of its parameters are NoEcho, so what it is given (its parameters, tags) is
 * shown whatever the parent declares (red-team round 110, F5). A template blastwall cannot read, or run through a macro
 * other than SAM, may nest any.
 */
export function nestedShown(r: TfResource): OutputsShown {
  const t = stackTemplate(r);
  if (!t || !macrosKeepWritten(t)) return wholeShown(r);
  const resources = isObject(t.Resources) ? Object.values(t.Resources) : [];
  const given = resources.filter((x) => isObject(x) && typeof x.Type === "string" && NESTED_STACKS.has(x.Type)).map((x) => (x as Record<string, unknown>).Properties ?? {});
  return given.length === 0 ? { parameters: new Set(), parts: [] } : (shownThrough(t, given) ?? wholeShown(r));
}

/** The transform that expands `AWS::Serverless::*` resources; it writes no output and no resource's Metadata of its own. */
const SAM = "AWS::Serverless-2016-10-31";

/**
 * Whether a template's transforms leave its Outputs as written: none, or SAM only (red-team round 110, F7). Any other
 * macro (`AWS::Include`, `AWS::LanguageExtensions`, an account's own) may write anything, and so may a module
 * (`Acme::Config::Instance::MODULE`), whose resources, Metadata among them, come from a template blastwall does not
 * read (red-team round 112, G2).
 */
function macrosKeepWritten(t: Record<string, unknown>): boolean {
  const transforms = t.Transform === undefined ? [] : Array.isArray(t.Transform) ? t.Transform : [t.Transform];
  const modules = isObject(t.Resources) && Object.values(t.Resources).some((x) => isObject(x) && typeof x.Type === "string" && x.Type.endsWith("::MODULE"));
  return !modules && transforms.every((x) => x === SAM);
}

/**
 * What the template values `roots` show: the parameters they name, and the resources they name in turn, each as far
 * as its `Ref` and `Fn::GetAtt` may return it (whole when a custom resource names it, and every one when a wait
 * condition is named). Undefined when a name is computed, and so may be any. `asHandler`: the roots are a custom
 * resource's ServiceToken, another stack's import of them, so the template is read as its handler may read it.
 */
function shownThrough(t: Record<string, unknown>, roots: readonly unknown[], asHandler = false): OutputsShown | undefined {
  const resources = isObject(t.Resources) ? t.Resources : {};
  const declared = isObject(t.Parameters) ? t.Parameters : {};
  const sam = t.Transform !== undefined;
  const named = new Set<string>();
  const parts: unknown[] = [...roots];
  if (!namesIn(roots, named)) return undefined;
  const seen = new Set<string>();
  // How far SAM's Globals were read: 0 not, 1 as `Ref`/`GetAtt` return them, 2 as an API does.
  let globals = 0;
  // SAM's Globals are properties of its resources; a resource SAM makes (`ServerlessRestApi`, `FnRole`, `Fn.Alias`) is
  // made of any of them.
  const samWhole = (all: boolean, read: boolean): boolean => {
    if (all) for (const [n, x] of Object.entries(resources)) if (isObject(x) && typeof x.Type === "string" && x.Type.startsWith("AWS::Serverless::")) named.add(n);
    const level = read ? 2 : 1;
    if (globals >= level || !isObject(t.Globals)) return true;
    globals = level;
    const sections = Object.entries(t.Globals).map(([k, v]) => (read ? readable : returnable)({ Type: `AWS::Serverless::${k}`, Properties: v }));
    parts.push(sections);
    return namesIn(sections, named);
  };
  // A custom resource's handler may return anything the resources it names hold (its own Lambda's environment, a
  // secret it is given the ARN of), past what their `Ref` and `Fn::GetAtt` return: those, and what they name in turn,
  // are read whole (red-team round 111, F1).
  const whole = new Set<string>();
  const handlers: Handler[] = [];
  if (asHandler) {
    // The roots are what another stack's custom resource imports as its ServiceToken: the function they name, or any.
    for (const m of [...named, ...Object.keys(resources)]) {
      whole.add(m);
      named.add(m);
    }
    for (const root of roots) {
      const h = handlerOf(isObject(root) && "Value" in root ? root.Value : root, t, "an output a custom resource of another stack imports as its ServiceToken");
      if (h !== null) handlers.push(h);
    }
  }
  // A Set's iteration reaches what is added to it while it runs: the resources named, to a fixpoint. One read
  // `returnable` first and whole later is taken out and put back, so that the iteration reaches it again.
  for (const n of named) {
    if (seen.has(n)) continue;
    seen.add(n);
    if (!Object.prototype.hasOwnProperty.call(resources, n)) {
      if (sam && !Object.prototype.hasOwnProperty.call(declared, n) && !n.includes(":") && !samWhole(true, whole.has(n))) return undefined;
      continue;
    }
    const resource = resources[n];
    const custom = isObject(resource) && typeof resource.Type === "string" && isCustomResource(resource.Type);
    const read = custom || whole.has(n);
    const returned = read ? readable(resource) : returnable(resource);
    parts.push(returned);
    if (custom && takesServiceToken(resource.Type as string)) {
      const h = handlerOf(isObject(resource.Properties) ? resource.Properties.ServiceToken : undefined, t, `the ServiceToken of custom resource ${n}`);
      if (h !== null) handlers.push(h);
    }
    const names = new Set<string>();
    if (!namesIn(returned, names)) return undefined;
    // A wait condition's `Data` is what is signalled to its handle (`cfn-signal -d`), by any resource whose user data
    // or Metadata reaches the handle's URL, however indirectly: every resource of the template is read whole
    // (red-team round 111, F5). So is a custom resource's: its handler may be named by ARN text, an SNS topic or an
    // import rather than by `Ref`/`GetAtt`, and may read any resource of the template (red-team round 112, G1).
    const waits = custom || (isObject(resource) && resource.Type === "AWS::CloudFormation::WaitCondition");
    for (const m of waits ? [...names, ...Object.keys(resources)] : names) {
      if ((read || waits) && !whole.has(m)) {
        whole.add(m);
        if (seen.delete(m)) named.delete(m);
      }
      named.add(m);
    }
    if (sam && isObject(resource) && typeof resource.Type === "string" && resource.Type.startsWith("AWS::Serverless::") && !samWhole(false, read)) return undefined;
  }
  const importOf = (n: string) => (n === IMPORT ? undefined : n.slice(IMPORT.length));
  const imports = [...named].filter((n) => n.startsWith(IMPORT));
  // The text stays as Terraform writes a literal, so `${Name}` of a `Fn::Sub` reads as no reference.
  return { imports: imports.map(importOf), handlerImports: imports.filter((n) => whole.has(n)).map(importOf), handlers, parameters: new Set([...named].filter((n) => Object.prototype.hasOwnProperty.call(declared, n))), parts: parts.length === 0 ? [] : [JSON.stringify(parts).replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{")] };
}

/**
 * Properties of well-known resource types whose values neither `Ref` nor any `Fn::GetAtt` of the resource returns:
 * those give an id, an ARN, a name or an endpoint (checked against the types' attributes in @aws-cdk/aws-service-spec).
 * So storing a NoEcho parameter there and outputting the resource's ARN or endpoint shows nothing of it (red-team
 * round 110, F6). Every other property, and every property of a type not listed (a custom resource, a nested stack's
 * `Outputs.*`, an SSM parameter's `Value`, any type blastwall cannot vouch for), counts as returned: fail closed.
 * These are also returned by no API at all (the service keeps them to itself: DescribeDBInstances, DescribeClusters,
 * DescribeDirectories, DescribeUser, DescribeDomain, DescribeEndpoints, GetNamespace, GetLoginProfile show none of
 * them), so a custom resource's handler or a wait condition's signaller, which may read any resource of the template,
 * cannot read them either (red-team round 112, G5); `READ_BY_API` lists those an API does return.
 */
const NEVER_RETURNED: Readonly<Record<string, readonly string[]>> = {
  "AWS::RDS::DBInstance": ["MasterUserPassword", "TdeCredentialPassword"],
  "AWS::RDS::DBCluster": ["MasterUserPassword"],
  "AWS::DocDB::DBCluster": ["MasterUserPassword"],
  "AWS::Redshift::Cluster": ["MasterUserPassword"],
  "AWS::ElastiCache::ReplicationGroup": ["AuthToken"],
  "AWS::DirectoryService::MicrosoftAD": ["Password"],
  "AWS::DirectoryService::SimpleAD": ["Password"],
  "AWS::IAM::User": ["LoginProfile"],
  // A dotted name is a part of a property: the rest of it may be returned (an OpenSearch domain's
  // AdvancedSecurityOptions.AnonymousAuthDisableDate), so only the part is hidden (red-team round 111, F7).
  "AWS::OpenSearchService::Domain": ["AdvancedSecurityOptions.MasterUserOptions"],
  "AWS::Elasticsearch::Domain": ["AdvancedSecurityOptions.MasterUserOptions"],
  // DescribeUser returns a broker user's name, groups and console access, not its password.
  "AWS::AmazonMQ::Broker": ["Users.Password", "LdapServerMetadata.ServiceAccountPassword"],
  "AWS::DMS::Endpoint": ["Password"],
  "AWS::RedshiftServerless::Namespace": ["AdminUserPassword"],
  "AWS::DocDBElastic::Cluster": ["AdminUserPassword"],
  "AWS::ElastiCache::User": ["Passwords"],
};

/**
 * Properties `Ref` and `Fn::GetAtt` do not return but an API does (GetSecretValue, GetFunctionConfiguration): hidden
 * from an output that names the resource, read by whatever may read the resource itself (red-team round 112, G5).
 */
const READ_BY_API: Readonly<Record<string, readonly string[]>> = {
  "AWS::SecretsManager::Secret": ["SecretString", "GenerateSecretString"],
  "AWS::Lambda::Function": ["Environment"],
  "AWS::Serverless::Function": ["Environment"],
  "AWS::AmazonMQ::Broker": ["Users"],
};

/** Whether a template resource type is a custom resource, whose attributes are whatever its handler returns. */
function isCustomResource(type: string): boolean {
  // A registry type (`Acme::Secrets::Reader`) runs a third party's handler, as a custom resource does (round 112, G2).
  return !type.startsWith("AWS::") || type === "AWS::CloudFormation::CustomResource";
}

/** Whether a custom resource type is one an account's own function handles, named by its `ServiceToken`; not a registry type's. */
function takesServiceToken(type: string): boolean {
  return type.startsWith("Custom::") || type === "AWS::CloudFormation::CustomResource";
}

/**
 * The handler a ServiceToken names where it may be outside the template (a Terraform function); null where it is a
 * resource of the template, read whole with it, or an import, whose exporting stack is read so. An ARN written out,
 * in a `Fn::Sub` or a `Fn::Join`, is a pattern with what the template computes (the region, a parameter) as `*`.
 */
function handlerOf(token: unknown, t: Record<string, unknown>, of: string): Handler | null {
  const has = (section: unknown, n: unknown) => typeof n === "string" && isObject(section) && Object.prototype.hasOwnProperty.call(section, n);
  if (typeof token === "string") return { of, arn: token };
  if (!isObject(token) || Object.keys(token).length !== 1) return { of };
  const [[fn, x]] = Object.entries(token);
  if (fn === "Fn::ImportValue") return null;
  if (fn === "Ref") return has(t.Resources, x) ? null : has(t.Parameters, x) ? { of, parameter: x as string } : { of };
  if (fn === "Fn::GetAtt") return has(t.Resources, typeof x === "string" ? x.split(".")[0] : Array.isArray(x) ? x[0] : undefined) ? null : { of };
  if (fn === "Fn::Sub" && typeof x === "string") {
    const vars = [...x.matchAll(/\$\{(?!!)([^}]*)\}/g)].map((m) => m[1].trim().split(".")[0]);
    return vars.some((v) => has(t.Resources, v)) ? null : { of, arn: x.replace(/\$\{[^}]*\}/g, "*") };
  }
  if (fn === "Fn::Join" && Array.isArray(x) && typeof x[0] === "string" && Array.isArray(x[1])) {
    const part = (p: unknown) => (typeof p === "string" ? p : isObject(p) && (has(t.Resources, p.Ref) || (Array.isArray(p["Fn::GetAtt"]) && has(t.Resources, p["Fn::GetAtt"][0]))) ? null : "*");
    const joined = x[1].map(part);
    return joined.includes(null) ? null : { of, arn: joined.join(x[0]) };
  }
  return { of };
}

/** A template resource as far as its `Ref` and `Fn::GetAtt` may return it: without the properties they never return. */
function returnable(resource: unknown): unknown {
  return withHidden(resource, (type) => [...(NEVER_RETURNED[type] ?? []), ...(READ_BY_API[type] ?? [])]);
}

/**
 * A template resource as whatever may read any resource of the account (a custom resource's handler) may read it:
 * without the properties no API returns. A custom resource's own properties are all its handler is given: kept.
 */
function readable(resource: unknown): unknown {
  return withHidden(resource, (type) => NEVER_RETURNED[type] ?? []);
}

function withHidden(resource: unknown, hiddenOf: (type: string) => readonly string[]): unknown {
  if (!isObject(resource) || typeof resource.Type !== "string" || !isObject(resource.Properties)) return resource;
  const hidden = hiddenOf(resource.Type);
  return hidden.length === 0 ? resource : { ...resource, Properties: without(resource.Properties, hidden) };
}

/**
 * An object without the keys `paths` name (`A.B`: `B` of `A`, or of each element of a list `A`); a part that is not an
 * object is kept whole (fail closed).
 */
function without(v: Record<string, unknown>, paths: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (paths.includes(k)) continue;
    const inner = paths.filter((p) => p.startsWith(`${k}.`)).map((p) => p.slice(k.length + 1));
    const part = (y: unknown) => (isObject(y) ? without(y, inner) : y);
    out[k] = inner.length === 0 ? x : Array.isArray(x) ? x.map(part) : part(x);
  }
  return out;
}

/** How `namesIn` names an export a value imports: no logical id has a colon. */
const IMPORT = "Fn::ImportValue:";

/** Adds to `out` the names a template value refers to; false when a name is computed (or a macro runs), and so may be any. */
function namesIn(v: unknown, out: Set<string>): boolean {
  if (Array.isArray(v)) return v.every((x) => namesIn(x, out));
  if (!isObject(v)) return true;
  for (const [k, x] of Object.entries(v)) {
    if (k === "Ref") {
      if (typeof x !== "string") return false;
      out.add(x);
    } else if (k === "Fn::GetAtt") {
      const target = typeof x === "string" ? x.split(".")[0] : Array.isArray(x) && typeof x[0] === "string" ? x[0] : undefined;
      if (target === undefined || (Array.isArray(x) && !namesIn(x.slice(1), out))) return false;
      out.add(target);
    } else if (k === "Fn::Sub") {
      const [text, vars] = Array.isArray(x) ? x : [x, undefined];
      if (typeof text !== "string") return false;
      // `${!Literal}` is text; `${Name.Attribute}` a GetAtt of `Name`. A variable of the map is named too (fail closed).
      for (const m of text.matchAll(/\$\{(?!!)([^}]*)\}/g)) out.add(m[1].trim().split(".")[0]);
      if (vars !== undefined && !namesIn(vars, out)) return false;
    } else if (k === "Fn::Transform") {
      return false;
    } else if (k === "Fn::ImportValue") {
      // Another stack's export, which the caller looks up: by its name, or any when the name is computed.
      out.add(typeof x === "string" ? `${IMPORT}${x}` : IMPORT);
      if (!namesIn(x, out)) return false;
    } else if (!namesIn(x, out)) return false;
  }
  return true;
}
