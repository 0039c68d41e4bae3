/**
 * Code a run fetches from a location its settings name, beside the sources sources.ts reads:
 * - AWS-owned SSM documents cannot be updated, but some download what they run from S3 (or GitHub) at every run,
 *   from a location in the association's or task's parameters: `AWS-RunRemoteScript`, `AWS-ApplyAnsiblePlaybooks`
 *   and `AWS-ApplyChefRecipes` (`SourceType` S3, `SourceInfo` path), `AWS-RunDocument` (a document from S3, or an
 *   SSM document by name), `AWS-RunAnsiblePlaybook` (`playbookurl`), `AWS-InstallApplication` (the MSI at
 *   `source`, whose custom actions run as SYSTEM), `AWS-ApplyDSCMofs` (`mofsToApply`) and
 *   `AWS-InstallPowerShellModule` (`source`). Documents that run only what their parameters spell out
 *   (`AWS-RunShellScript`) fetch nothing.
 * - A Glue job loads `--extra-py-files` (on the Python path, imported by the script), `--additional-python-modules`
 *   given as S3 wheels (installed before the script starts; a wheel may carry a `.pth` file Python runs at start-up)
 *   and `--extra-jars` (on the classpath) from its default and non-overridable arguments, and from the arguments
 *   a trigger starts it with.
 * GitHub locations lie outside what blastwall can see and are not followed.
 */
import type { TfResource, TfStack } from "../terraform/types";
import { blocks, isObject, stringsIn } from "../json";
import { refTarget, resolveToPattern } from "../terraform/tokens";

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
]);

/** Glue arguments that name code the job loads. */
export const GLUE_CODE_ARGUMENTS = ["--extra-py-files", "--additional-python-modules", "--extra-jars"] as const;

const S3_LOCATIONS = [
  /s3:\/\/([a-z0-9*][a-z0-9.*-]*)\/([^\s,"'\]}]*)/gi,
  // Virtual-hosted style: https://BUCKET.s3[.-]REGION.amazonaws.com/KEY
  /https?:\/\/([a-z0-9*][a-z0-9.*-]*?)\.s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?\/([^\s,"'\]}]*)/gi,
  // Path style: https://s3[.-]REGION.amazonaws.com/BUCKET/KEY
  /https?:\/\/s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?\/([a-z0-9*][a-z0-9.*-]*)\/([^\s,"'\]}]*)/gi,
];

/** The S3 objects a text names (a folder, or a key ending in `/`, names every object under it). */
function s3Objects(text: string, via: string): Fetched[] {
  const out: Fetched[] = [];
  for (const re of S3_LOCATIONS) {
    for (const m of text.matchAll(re)) {
      const key = m[2] === "" || m[2].endsWith("/") ? `${m[2]}*` : m[2];
      out.push({ kind: "s3", arn: `arn:aws:s3:::${m[1]}/${key}`, shown: `s3://${m[1]}/${key} (${via})` });
    }
  }
  return out;
}

/** Values as Terraform will pass them: `${...}` resolved where it can be, `*` where it cannot. */
function texts(stack: TfStack, v: unknown): string[] {
  return stringsIn(v ?? "").map((s) => resolveToPattern(stack, s).pattern);
}

/**
 * What an AWS-owned document fetches and runs, by its parameters: a map (an association's `parameters`) or
 * `{ name, values }` blocks (a maintenance window task's). A location blastwall cannot read may be any object.
 */
export function fetchedByDocument(stack: TfStack, document: string, parameters: unknown): Fetched[] {
  const name = document.replace(/^.*:document\//, "");
  if (!FETCHING_DOCUMENTS.has(name)) return [];
  const params: Record<string, unknown> = {};
  if (isObject(parameters) && !Array.isArray(parameters)) Object.assign(params, parameters);
  for (const b of blocks(parameters)) if (typeof b["name"] === "string") params[b["name"]] = b["values"] ?? b["value"];
  const via = `fetched and run by ${name}`;
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
  if (out.length === 0 && !github && unread) out.push({ kind: "s3", arn: "arn:aws:s3:::*/*", shown: `objects blastwall cannot name (${via}, from parameters it cannot read)` });
  return out;
}

/** The S3 code a Glue job loads through its arguments (and those its triggers start it with). */
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
  for (const a of args) {
    if (!isObject(a)) continue;
    for (const key of GLUE_CODE_ARGUMENTS) {
      if (a[key] === undefined || a[key] === null) continue;
      const found = texts(stack, a[key]).flatMap((t) => s3Objects(t, `loaded by ${key}`));
      // A value blastwall cannot read may name any object; pip package names (`pandas==2.1`) fetch nothing from S3.
      if (found.length === 0 && texts(stack, a[key]).some((t) => t === "*" || /^s3:/i.test(t))) found.push({ kind: "s3", arn: "arn:aws:s3:::*/*", shown: `objects blastwall cannot name (loaded by ${key})` });
      out.push(...found);
    }
  }
  return out;
}
