/**
 * Code a run fetches from a location its settings name, beside the sources sources.ts reads:
 * - AWS-owned SSM documents cannot be updated, but some download what they run from S3 (or GitHub) at every run,
 *   from a location in the association's or task's parameters: `AWS-RunRemoteScript`, `AWS-ApplyAnsiblePlaybooks`
 *   and `AWS-ApplyChefRecipes` (`SourceType` S3, `SourceInfo` path), `AWS-RunDocument` (a document from S3, or an
 *   SSM document by name), `AWS-RunAnsiblePlaybook` (`playbookurl`), `AWS-InstallApplication` (the MSI at
 *   `source`, whose custom actions run as SYSTEM), `AWS-ApplyDSCMofs` (`mofsToApply`) and
 *   `AWS-InstallPowerShellModule` (`source`), `AWS-RunSaltState` (the Salt state at `stateurl`, whose states run
 *   commands) and `AWS-RunInspecChecks` (an InSpec profile, Ruby code, from `sourceType` S3 / `sourceInfo` path).
 *   Documents that run only what their parameters spell out (`AWS-RunShellScript`) fetch nothing.
 * - A Glue job loads `--extra-py-files` (on the Python path, imported by the script), `--additional-python-modules`
 *   given as S3 wheels (installed before the script starts; a wheel may carry a `.pth` file Python runs at start-up)
 *   `--extra-jars` (on the classpath), `--scriptLocation` (which overrides the job's script location) and, for Ray
 *   jobs, `--s3-py-modules` (on the Python path) and `--working-dir` (a zip every node runs in) from its default
 *   and non-overridable arguments, and from the arguments a trigger starts it with.
 * - A Glue job also loads code named by the connections it lists (red-team round 60): a custom connector's JAR
 *   (`CONNECTOR_URL` of a CUSTOM connection: Glue puts it on the classpath and instantiates `CONNECTOR_CLASS_NAME` in
 *   the job's JVM) and a JDBC connection's own driver (`JDBC_DRIVER_JAR_URI`, with `JDBC_DRIVER_CLASS_NAME`). A
 *   crawler with a JDBC target whose connection brings its own driver starts a Glue job with that driver, as the
 *   crawler's role, at every run; crawlers take no custom or Marketplace connectors, so only the driver counts there.
 *   A Marketplace connector's `CONNECTOR_URL` is an image in the seller's ECR repository, another account's: only a
 *   push on a wildcard could reach it, and that already counts as reaching compute outside the stack (edges-compute.ts).
 *   A connection blastwall cannot resolve (a name no connection of the stack has, a data source, a token), or
 *   properties and locations it cannot read, may load any object.
 * Parameters or arguments given as a token are read through the locals and variables they name; a token blastwall
 * cannot read (`merge(...)` of what it cannot resolve, a resource attribute) may name any object. A string inside
 * them given as `jsonencode({...})` is read for the locations written in it.
 * GitHub locations lie outside what blastwall can see and are not followed.
 */
import type { TfResource, TfStack } from "../terraform/types";
import { blocks, isObject, stringsIn } from "../json";
import { globMatch } from "../iam/glob";
import { attributePattern, parseReference, refTarget, resolveToPattern, soleInterpolation, walk } from "../terraform/tokens";

export interface Fetched {
  readonly kind: "s3" | "ssm-document";
  readonly arn: string;
  readonly shown: string;
}

/** AWS-owned documents that download and run content named in their parameters. */
export const FETCHING_DOCUMENTS: ReadonlySet<string> = new Set([
  "AWS-RunRemoteScript",
  "AWS-ApplyAnsiblePlaybooks",
  "AWS-ApplyChefRecipes",
  "AWS-RunDocument",
  "AWS-RunAnsiblePlaybook",
  "AWS-InstallApplication",
  "AWS-ApplyDSCMofs",
  "AWS-InstallPowerShellModule",
  "AWS-RunSaltState",
  "AWS-RunInspecChecks",
]);

/** Glue arguments that name code the job loads. */
export const GLUE_CODE_ARGUMENTS = ["--extra-py-files", "--additional-python-modules", "--extra-jars", "--scriptLocation", "--s3-py-modules", "--working-dir"] as const;

/** Glue connection properties that name code a job loads into its JVM: a custom connector's JAR, a JDBC driver. */
export const GLUE_CONNECTION_CODE = ["CONNECTOR_URL", "JDBC_DRIVER_JAR_URI"] as const;

const S3_LOCATIONS = [
  /s3:\/\/([a-z0-9*][a-z0-9.*-]*)\/([^\s,"'\]}]*)/gi,
  // Virtual-hosted style: https://BUCKET.s3[.-]REGION.amazonaws.com/KEY
  // (`.s3*.amazonaws.com`: a bucket's bucket_regional_domain_name, whose region blastwall leaves open.)
  /https?:\/\/([a-z0-9*][a-z0-9.*-]*?)\.s3(?:[.-][a-z0-9-]+|\*)?\.amazonaws\.com(?:\.cn)?\/([^\s,"'\]}]*)/gi,
  // Path style: https://s3[.-]REGION.amazonaws.com/BUCKET/KEY
  /https?:\/\/s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?\/([a-z0-9*][a-z0-9.*-]*)\/([^\s,"'\]}]*)/gi,
];

/** The S3 objects a text names (a folder, or a key ending in `/`, names every object under it). */
export function s3Objects(text: string, via: string): Fetched[] {
  const out: Fetched[] = [];
  for (const re of S3_LOCATIONS) {
    for (const m of text.matchAll(re)) {
      const key = m[2] === "" || m[2].endsWith("/") ? `${m[2]}*` : m[2];
      out.push({ kind: "s3", arn: `arn:aws:s3:::${m[1]}/${key}`, shown: `s3://${m[1]}/${key} (${via})` });
    }
  }
  return out;
}

/**
 * Values as Terraform will pass them: `${...}` resolved where it can be, `*` where it cannot. A value that is one
 * `jsonencode(...)` call is also read as the text inside it, its own `${...}` resolved, for the locations it spells.
 */
export function texts(stack: TfStack, v: unknown): string[] {
  return stringsIn(v ?? "").flatMap((s) => {
    const out = [resolveToPattern(stack, s).pattern];
    const one = soleInterpolation(s);
    if (one && /^(jsonencode|yamlencode|tostring)\s*\(/.test(one.expr)) out.push(resolveToPattern(stack, one.expr).pattern);
    return out;
  });
}

/**
 * A map argument as Terraform will pass it: the map written, or the local or variable a token names (through
 * `merge(...)` of such maps and `{}`). Undefined when blastwall cannot read it: it may hold anything.
 */
function mapOf(stack: TfStack, v: unknown, depth = 0): Record<string, unknown> | undefined {
  if (v === undefined || v === null) return {};
  if (isObject(v) && !Array.isArray(v)) return v;
  if (typeof v !== "string" || depth > 8) return undefined;
  const one = soleInterpolation(v);
  if (!one) return undefined;
  const ref = parseReference(one.expr);
  if (ref && (ref.kind === "local" || ref.kind === "var")) {
    const table = ref.kind === "var" ? stack.variables : stack.locals;
    const name = ref.address.slice(ref.kind === "var" ? 4 : 6);
    if (!table.has(name)) return undefined;
    const steps = ref.attribute === undefined ? ref.path : [ref.attribute, ...ref.path];
    return mapOf(stack, walk(table.get(name), steps), depth + 1);
  }
  const merge = /^merge\s*\(([\s\S]*)\)$/.exec(one.expr.trim());
  if (!merge) return undefined;
  const out: Record<string, unknown> = {};
  for (const arg of splitArguments(merge[1])) {
    const m = arg.startsWith("{") ? objectLiteral(arg) : mapOf(stack, `\${${arg}}`, depth + 1);
    if (!m) return undefined;
    Object.assign(out, m);
  }
  return out;
}

/** An HCL object literal of string keys and values (`{"--k" = "v", k2 = "v2"}`); undefined for anything else. */
function objectLiteral(text: string): Record<string, unknown> | undefined {
  const body = /^\{([\s\S]*)\}$/.exec(text.trim());
  if (!body) return undefined;
  const out: Record<string, unknown> = {};
  for (const entry of splitArguments(body[1], true)) {
    const m = /^(?:"((?:[^"\\]|\\.)*)"|([A-Za-z_][A-Za-z0-9_-]*))\s*[=:]\s*"((?:[^"\\]|\\.)*)"$/.exec(entry);
    if (!m) return undefined;
    try {
      out[JSON.parse(`"${m[1] ?? m[2]}"`) as string] = JSON.parse(`"${m[3]}"`) as string;
    } catch {
      return undefined; // an escape HCL has and JSON has not
    }
  }
  return out;
}

/** Top-level, comma-separated arguments of a call (brackets, braces and strings kept whole); `lines`: newlines separate too. */
function splitArguments(text: string, lines = false): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === "\\") i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) depth--;
    else if ((c === "," || (lines && c === "\n")) && depth === 0) {
      out.push(text.slice(from, i).trim());
      from = i + 1;
    }
  }
  out.push(text.slice(from).trim());
  return out.filter((x) => x !== "");
}

/** The fail-closed stand-in for a location blastwall cannot read. */
export function anyObject(via: string): Fetched {
  return { kind: "s3", arn: "arn:aws:s3:::*/*", shown: `objects blastwall cannot name (${via})` };
}

/**
 * What an AWS-owned document fetches and runs, by its parameters: a map (an association's `parameters`) or
 * `{ name, values }` blocks (a maintenance window task's). A location blastwall cannot read may be any object.
 */
export function fetchedByDocument(stack: TfStack, document: string, parameters: unknown): Fetched[] {
  const name = document.replace(/^.*:document\//, "");
  if (!FETCHING_DOCUMENTS.has(name)) return [];
  const via = `fetched and run by ${name}`;
  const params: Record<string, unknown> = {};
  if (typeof parameters === "string") {
    // `${local.params}`, `${merge(...)}`: read through locals and variables, else the location may be any object.
    const m = mapOf(stack, parameters);
    if (!m) return [anyObject(`${via}, from parameters it cannot read`)];
    Object.assign(params, m);
  }
  if (isObject(parameters) && !Array.isArray(parameters)) Object.assign(params, parameters);
  for (const b of blocks(parameters)) if (typeof b["name"] === "string") params[b["name"]] = b["values"] ?? b["value"];
  const all = Object.values(params).flatMap((v) => texts(stack, v));
  const out = all.flatMap((t) => s3Objects(t, via));
  // AWS-RunDocument with SourceType SSMDocument runs another document, by name: one the stack's principals may update.
  if (name === "AWS-RunDocument" && all.some((t) => /ssmdocument/i.test(t))) {
    for (const t of all) {
      const m = /"name"\s*:\s*"([^"]+)"/.exec(t);
      const doc = m ? m[1] : undefined;
      if (doc && !/^(?:AWS-|Amazon)/.test(doc.replace(/^.*:document\//, ""))) out.push({ kind: "ssm-document", arn: `arn:aws:ssm:*:*:document/${doc.replace(/^.*:document\//, "")}`, shown: `SSM document ${doc} (${via})` });
    }
  }
  // GitHub sources lie outside the stack; a location known only at apply time may be any object.
  const github = all.some((t) => /^github$/i.test(t.trim()));
  const unread = Object.values(params).some((v) => stringsIn(v ?? "").some((x) => x.includes("${")));
  if (out.length === 0 && !github && unread) out.push(anyObject(`${via}, from parameters it cannot read`));
  return out;
}

/**
 * A list argument as Terraform will pass it: the list written, or the local or variable a token names. Undefined
 * when blastwall cannot read it.
 */
function listOf(stack: TfStack, v: unknown, depth = 0): unknown[] | undefined {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v;
  if (typeof v !== "string" || depth > 8) return undefined;
  const one = soleInterpolation(v);
  if (!one) return [v];
  const ref = parseReference(one.expr);
  if (!ref || (ref.kind !== "local" && ref.kind !== "var")) return undefined;
  const table = ref.kind === "var" ? stack.variables : stack.locals;
  const name = ref.address.slice(ref.kind === "var" ? 4 : 6);
  if (!table.has(name)) return undefined;
  const steps = ref.attribute === undefined ? ref.path : [ref.attribute, ...ref.path];
  const value = walk(table.get(name), steps);
  return typeof value === "string" && value.includes("${") ? listOf(stack, value, depth + 1) : Array.isArray(value) ? value : typeof value === "string" ? [value] : undefined;
}

/**
 * The stack's Glue connections a value of a job's `connections` (or a crawler target's `connection_name`) names: by
 * reference, or by name. `complete` is false when the connection may also be one blastwall cannot see: a data
 * source, a name no connection of the stack has exactly, or a value it cannot read.
 */
function glueConnections(stack: TfStack, v: unknown): { found: TfResource[]; complete: boolean } {
  const ref = refTarget(v);
  if (ref && ref.kind === "resource") {
    const r = stack.byAddress.get(ref.address);
    if (r && r.type === "aws_glue_connection") return { found: [r], complete: true };
  }
  if (typeof v !== "string" || v === "") return { found: [], complete: false };
  const name = resolveToPattern(stack, v);
  if (!name.exact || name.pattern.includes("*")) return { found: [], complete: false };
  const found: TfResource[] = [];
  let complete = false;
  for (const c of stack.byType.get("aws_glue_connection") ?? []) {
    if (c.mode !== "managed") continue;
    const own = attributePattern(stack, c, "name");
    if (!globMatch(own.pattern, name.pattern, { caseInsensitive: true })) continue;
    found.push(c);
    if (own.exact && own.pattern === name.pattern) complete = true;
  }
  return { found, complete };
}

/**
 * The code the connections in `written` (a job's `connections`, a crawler's connection names) load, from the
 * properties `keys`. A connection or property blastwall cannot read may load any object.
 */
export function glueConnectionCode(stack: TfStack, written: unknown, keys: readonly string[]): Fetched[] {
  const names = listOf(stack, written);
  if (!names) return [anyObject("loaded through Glue connections it cannot read")];
  const out: Fetched[] = [];
  for (const n of names) {
    const { found, complete } = glueConnections(stack, n);
    if (!complete) out.push(anyObject(`loaded through Glue connection ${typeof n === "string" ? n : "(unknown)"}, which it cannot resolve`));
    for (const c of found) {
      const props = mapOf(stack, c.values["connection_properties"]);
      if (!props) {
        out.push(anyObject(`loaded through ${c.address}, whose properties it cannot read`));
        continue;
      }
      for (const key of keys) {
        if (props[key] === undefined || props[key] === null) continue;
        const via = `loaded by ${key} of ${c.address}`;
        const all = texts(stack, props[key]);
        const got = all.flatMap((t) => s3Objects(t, via));
        if (got.length === 0 && all.some((t) => t.includes("*") || /^s3:/i.test(t))) got.push(anyObject(via));
        out.push(...got);
      }
    }
  }
  return out;
}

/** The S3 code a Glue crawler's JDBC targets load: the drivers their connections bring (a job the crawler starts). */
export function glueCrawlerDrivers(stack: TfStack, crawler: TfResource): Fetched[] {
  const names = blocks(crawler.values["jdbc_target"]).map((t) => t["connection_name"]).filter((n) => n !== undefined && n !== null);
  return glueConnectionCode(stack, names, ["JDBC_DRIVER_JAR_URI"]);
}

/**
 * The S3 code a Glue job loads through its arguments (and those its triggers start it with), and through the
 * connections it lists.
 */
export function glueLibraries(stack: TfStack, job: TfResource): Fetched[] {
  const args: unknown[] = [job.values["default_arguments"], job.values["non_overridable_arguments"]];
  for (const t of stack.byType.get("aws_glue_trigger") ?? []) {
    for (const a of blocks(t.values["actions"])) {
      const ref = refTarget(a["job_name"]);
      const named = ref ? ref.address === job.address : a["job_name"] !== undefined && a["job_name"] === job.values["name"];
      if (named) args.push(a["arguments"]);
    }
  }
  const out: Fetched[] = [];
  for (const written of args) {
    const a = mapOf(stack, written);
    if (!a) {
      // Arguments blastwall cannot read may name code anywhere.
      out.push(anyObject("loaded by arguments it cannot read"));
      continue;
    }
    for (const key of GLUE_CODE_ARGUMENTS) {
      if (a[key] === undefined || a[key] === null) continue;
      const found = texts(stack, a[key]).flatMap((t) => s3Objects(t, `loaded by ${key}`));
      // A value blastwall cannot read may name any object; pip package names (`pandas==2.1`) fetch nothing from S3.
      if (found.length === 0 && texts(stack, a[key]).some((t) => t === "*" || /^s3:/i.test(t))) found.push(anyObject(`loaded by ${key}`));
      out.push(...found);
    }
  }
  out.push(...glueConnectionCode(stack, job.values["connections"], GLUE_CONNECTION_CODE));
  return out;
}
