/**
 * Writing what privileged compute runs (E10, the deploy path): a push to the repository a pipeline builds from, an
 * object in the bucket it takes its source from, an image in the repository a task or function runs. The next run
 * executes the writer's code with the consumer's role, with no iam:PassRole and no start right. For a coding agent,
 * writing code is the job: where that code goes unreviewed into a privileged run, the agent holds that run's role.
 */
import type { TfResource, TfStack } from "../terraform/types";
import { blocks, stringsIn } from "../json";
import { parseReference, parseTemplate, referencedResource, refTarget, resolveToPattern } from "../terraform/tokens";
import type { Grant } from "../analysis-types";
import { writtenReferences } from "./resource-index";
import { globsIntersect } from "../iam/glob";
import type * as FetchedSources from "./fetched-sources";
import type * as EmrSources from "./emr-sources";
import { lazy } from "../lazy";
import { blocksWithDynamic, dynamicContents } from "./dynamic-blocks";


// What Glue, SSM, EMR, GameLift and buildspecs fetch is read only for a stack that has them.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fetched = lazy(() => require("./fetched-sources") as typeof FetchedSources);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const emr = lazy(() => require("./emr-sources") as typeof EmrSources);

export type SourceKind = "codecommit" | "s3" | "ecr" | "ssm-document" | "notebook-lifecycle" | "appsync" | "gamelift-script";

/** The actions that change a source of each kind. */
export const SOURCE_WRITES: Readonly<Record<SourceKind, readonly string[]>> = {
  codecommit: [
    "codecommit:GitPush",
    "codecommit:PutFile",
    "codecommit:CreateCommit",
    "codecommit:MergeBranchesByFastForward",
    "codecommit:MergeBranchesBySquash",
    "codecommit:MergeBranchesByThreeWay",
    "codecommit:MergePullRequestByFastForward",
    "codecommit:MergePullRequestBySquash",
    "codecommit:MergePullRequestByThreeWay",
  ],
  s3: ["s3:PutObject"],
  ecr: ["ecr:PutImage", "ecr:CompleteLayerUpload"],
  "ssm-document": ["ssm:UpdateDocument", "ssm:UpdateDocumentDefaultVersion"],
  // The script a notebook instance runs as root, with its role, each time it starts.
  "notebook-lifecycle": ["sagemaker:UpdateNotebookInstanceLifecycleConfig"],
  // Resolver and function code runs against the API's data sources with their service roles.
  appsync: ["appsync:UpdateResolver", "appsync:CreateResolver", "appsync:UpdateFunction", "appsync:CreateFunction"],
  // A Realtime script: GameLift deploys new content to the instances of every fleet that uses it.
  "gamelift-script": ["gamelift:UpdateScript"],
};

/** Compute that runs what a source holds, and where it says its role. */
export interface SourceUse {
  readonly consumer: TfResource;
  readonly roleAttribute: string;
  readonly kind: SourceKind;
  /** ARN pattern of the source (`arn:aws:codecommit:*:*:app`, `arn:aws:s3:::artifacts/app.zip`). */
  readonly arn: string;
  /** The source as a reader knows it: `CodeCommit repository app`. */
  readonly shown: string;
  /** The consumer runs as a role even when it names none (instances an association targets): unknown, not none. */
  readonly runsAsRoleAnyway?: boolean;
  /** The role as written, when it is not at an attribute path (an Automation parameter): used instead of `roleAttribute`. */
  readonly roleValue?: unknown;
  /**
   * The stack's resource the source is, where its ARN pattern cannot tell it from others of its type (a GameLift
   * script, `script/*`): a grant written as references to resources of that type names only those (`sourceNamedBy`).
   */
  readonly source?: TfResource;
}

/**
 * Whether a grant's resource pattern `r` names the source a use runs: its ARN pattern meets `r`, and, for a source of
 * the stack, `r` was not written as references to other resources of its type only (red-team round 67: UpdateScript on
 * `${aws_gamelift_script.dev.arn}` reached the fleet running another script).
 */
export function sourceNamedBy(stack: TfStack, use: SourceUse, g: Grant, r: string): boolean {
  if (!globsIntersect(r, use.arn)) return false;
  const source = use.source;
  if (!source) return true;
  const refs = writtenReferences(g, r, (w) => referencedResource(stack, w, [source.type]));
  return refs === undefined || refs.includes(source);
}

const cache = new WeakMap<TfStack, readonly SourceUse[]>();

/** Every source the stack's pipelines, build projects, task definitions and image functions run from. */
export function sourceUses(stack: TfStack): readonly SourceUse[] {
  let out = cache.get(stack);
  if (out) return out;
  const list: SourceUse[] = [];
  const projects = new Map<string, TfResource>();
  for (const p of stack.byType.get("aws_codebuild_project") ?? []) {
    const name = exact(stack, p.values["name"]);
    if (name) projects.set(name, p);
    // A source (or secondary source) of a dynamic block blastwall cannot read may be any repository or object.
    for (const key of ["source", "secondary_sources"]) {
      const b = blocksWithDynamic(p.values, key);
      for (const src of b.blocks) for (const s of [...buildSources(stack, src), ...buildspecObjects(stack, src["buildspec"])]) list.push({ consumer: p, roleAttribute: "service_role", ...s });
      if (b.unread) for (const s of [codecommit("*"), s3("*", "*")]) list.push({ consumer: p, roleAttribute: "service_role", ...s });
    }
  }
  for (const pipeline of stack.byType.get("aws_codepipeline") ?? []) {
    // Stages and actions of dynamic blocks are read as blocks; one blastwall cannot read may be any source and build
    // with any project (red-team round 66). So may an action whose category or provider it cannot read.
    const stages = blocksWithDynamic(pipeline.values, "stage");
    let unread = stages.unread;
    const actions = stages.blocks.flatMap((st) => {
      const a = blocksWithDynamic(st, "action");
      if (a.unread) unread = true;
      return a.blocks;
    });
    const sources = actions.filter((a) => isOrMayBe(stack, a["category"], "Source")).flatMap((a) => pipelineSources(stack, a));
    if (unread) sources.push(codecommit("*"), s3("*", "*"), ecr("*"));
    // The sources run in the pipeline's own actions and in every CodeBuild project it builds with.
    const builders = actions
      .filter((a) => isOrMayBe(stack, a["provider"], "CodeBuild"))
      .flatMap((a) => {
        const name = blocks(a["configuration"])[0]?.["ProjectName"] ?? (a["configuration"] as Record<string, unknown> | undefined)?.["ProjectName"];
        const ref = refTarget(name);
        if (ref) {
          const target = stack.byAddress.get(ref.address);
          return target?.type === "aws_codebuild_project" ? [target] : [...projects.values()];
        }
        const written = exact(stack, name);
        if (written === undefined || written.includes("*")) return [...projects.values()];
        return projects.has(written) ? [projects.get(written)!] : [];
      })
      .concat(unread ? [...projects.values()] : []);
    for (const s of sources) {
      list.push({ consumer: pipeline, roleAttribute: "role_arn", ...s });
      for (const b of new Set(builders)) list.push({ consumer: b, roleAttribute: "service_role", ...s });
    }
  }
  // A Glue job runs the script at its script_location; an MWAA environment the DAGs under its bucket's DAG path.
  for (const job of stack.byType.get("aws_glue_job") ?? []) {
    const command = blocksWithDynamic(job.values, "command");
    for (const cmd of command.blocks) {
      const loc = exact(stack, cmd["script_location"]);
      const m = loc ? /^s3:\/\/([^/]+)\/(.+)$/.exec(loc) : null;
      if (loc) list.push({ consumer: job, roleAttribute: "role_arn", ...(m ? s3(m[1], m[2]) : s3("*", "*")) });
    }
    if (command.unread) list.push({ consumer: job, roleAttribute: "role_arn", ...s3("*", "*") });
    // And the libraries its arguments name (--extra-py-files, S3 wheels, --extra-jars) and its connections load.
    for (const f of fetched().glueLibraries(stack, job)) list.push({ consumer: job, roleAttribute: "role_arn", ...f });
  }
  // A crawler runs the JDBC driver its target's connection brings in a Glue job, as the crawler's role.
  for (const crawler of stack.byType.get("aws_glue_crawler") ?? []) {
    for (const f of fetched().glueCrawlerDrivers(stack, crawler)) list.push({ consumer: crawler, roleAttribute: "role", ...f });
  }
  for (const env of stack.byType.get("aws_mwaa_environment") ?? []) {
    const bucket = exact(stack, env.values["source_bucket_arn"]);
    const path = exact(stack, env.values["dag_s3_path"]) ?? "*";
    const name = bucket ? bucket.replace(/^arn:[^:]*:s3:::/, "") : "*";
    list.push({ consumer: env, roleAttribute: "execution_role_arn", ...s3(name, `${path.replace(/\/$/, "")}/*`) });
  }
  // A State Manager association runs its document on the instances it targets, as their instance roles (see
  // fetched-sources.ts for the AWS-owned documents that run what they download).
  for (const assoc of stack.byType.get("aws_ssm_association") ?? []) {
    const doc = repositoryName(stack, assoc.values["name"], "aws_ssm_document", "name") ?? "*";
    if (doc.startsWith("AWS-") || doc.startsWith("Amazon")) {
      // AWS-owned documents cannot be updated, but some fetch what they run from a location in the parameters.
      for (const f of fetched().fetchedByDocument(stack, doc, assoc.values["parameters"])) list.push({ consumer: assoc, roleAttribute: "-", ...f, runsAsRoleAnyway: true });
      continue;
    }
    list.push({ consumer: assoc, roleAttribute: "-", kind: "ssm-document", arn: `arn:aws:ssm:*:*:document/${doc}`, shown: `SSM document ${doc}`, runsAsRoleAnyway: true });
  }
  // An automatic Config remediation and a maintenance window task run their Automation document as the role its
  // AutomationAssumeRole parameter names (without one, as a role blastwall cannot see); a Run Command task runs its
  // document on the instances it targets, as their instance roles.
  for (const rem of stack.byType.get("aws_config_remediation_configuration") ?? []) {
    if (typeof rem.values["target_type"] === "string" && rem.values["target_type"] !== "SSM_DOCUMENT") continue;
    const doc = ownedDocument(stack, rem.values["target_id"]);
    if (doc) list.push({ consumer: rem, roleAttribute: "-", kind: "ssm-document", ...ssmDocument(doc), roleValue: automationRole(blocks(rem.values["parameter"]), "static_value"), runsAsRoleAnyway: true });
  }
  for (const task of stack.byType.get("aws_ssm_maintenance_window_task") ?? []) {
    const type = task.values["task_type"];
    if (typeof type === "string" && type !== "AUTOMATION" && type !== "RUN_COMMAND") continue;
    const inv = blocksWithDynamic(task.values, "task_invocation_parameters");
    const invocation = inv.blocks[0];
    if (type === "RUN_COMMAND") {
      const name = repositoryName(stack, task.values["task_arn"], "aws_ssm_document", "name") ?? "*";
      // Parameters of dynamic blocks are read as blocks (their iterator values unknown); unreadable, they may be any.
      const rcp = blocksWithDynamic(invocation, "run_command_parameters");
      const pb = blocksWithDynamic(rcp.blocks[0], "parameter");
      const params = inv.unread || rcp.unread || pb.unread ? UNREADABLE : pb.blocks.length > 0 ? pb.blocks : rcp.blocks[0]?.["parameter"];
      for (const f of fetched().fetchedByDocument(stack, name, params)) list.push({ consumer: task, roleAttribute: "-", ...f, runsAsRoleAnyway: true });
    }
    const doc = ownedDocument(stack, task.values["task_arn"]);
    if (!doc) continue;
    const role = type === "AUTOMATION" ? automationRole(blocks(blocks(invocation?.["automation_parameters"])[0]?.["parameter"]), "values") : undefined;
    list.push({ consumer: task, roleAttribute: "-", kind: "ssm-document", ...ssmDocument(doc), roleValue: role, runsAsRoleAnyway: true });
  }
  for (const nb of stack.byType.get("aws_sagemaker_notebook_instance") ?? []) {
    const lcc = nb.values["lifecycle_config_name"];
    if (lcc === undefined || lcc === null) continue;
    const name = repositoryName(stack, lcc, "aws_sagemaker_notebook_instance_lifecycle_configuration", "name") ?? "*";
    list.push({ consumer: nb, roleAttribute: "role_arn", kind: "notebook-lifecycle", arn: `arn:aws:sagemaker:*:*:notebook-instance-lifecycle-config/${name}`, shown: `notebook lifecycle configuration ${name}` });
  }
  for (const ds of stack.byType.get("aws_appsync_datasource") ?? []) {
    if (ds.values["service_role_arn"] === undefined || ds.values["service_role_arn"] === null) continue;
    // API ids are computed: `*` unless written, so a write on any API's resolvers may reach this one.
    const api = exact(stack, ds.values["api_id"]) ?? "*";
    list.push({ consumer: ds, roleAttribute: "service_role_arn", kind: "appsync", arn: `arn:aws:appsync:*:*:apis/${api}/*`, shown: `the resolvers of AppSync API ${api === "*" ? (refTarget(ds.values["api_id"])?.address ?? "(unknown)") : api}` });
  }
  // An EMR cluster runs its bootstrap actions (on nodes added later too) and steps from S3 as its instance role.
  for (const c of stack.byType.get("aws_emr_cluster") ?? []) {
    if (c.mode !== "managed") continue;
    const code = emr().emrClusterCode(stack, c);
    if (code.length === 0) continue;
    const role = emr().emrInstanceRole(stack, c);
    if (role === null) continue;
    for (const f of code) list.push({ consumer: c, roleAttribute: "-", ...f, ...(role ? { roleValue: role.role } : { runsAsRoleAnyway: true }) });
  }
  // A GameLift fleet runs its Realtime script as its instance role; GameLift deploys an updated script (UpdateScript,
  // or new content at the script's S3 location) to the fleet's instances. A build cannot be updated in place
  // (UpdateBuild changes its name and version only), and a fleet keeps the build it was made with.
  for (const fleet of stack.byType.get("aws_gamelift_fleet") ?? []) {
    if (fleet.mode !== "managed") continue;
    for (const f of gameliftScript(stack, fleet.values["script_id"])) list.push({ consumer: fleet, roleAttribute: "instance_role_arn", ...f });
  }
  // Build images, Batch job containers, App Runner services and SageMaker models run images too.
  for (const p of stack.byType.get("aws_codebuild_project") ?? []) {
    for (const repo of blockImages(stack, [blocksWithDynamic(p.values, "environment")])) list.push({ consumer: p, roleAttribute: "service_role", ...ecr(repo) });
  }
  for (const jd of stack.byType.get("aws_batch_job_definition") ?? []) {
    // The job role sits inside the container properties' JSON: unknown here, which counts as possibly every right.
    for (const repo of imageRepositories(stack, [jd.values["container_properties"], jd.values["ecs_properties"]])) list.push({ consumer: jd, roleAttribute: "-", ...ecr(repo), runsAsRoleAnyway: true });
  }
  for (const svc of stack.byType.get("aws_apprunner_service") ?? []) {
    const conf = blocksWithDynamic(svc.values, "source_configuration");
    const repos = blocksWithDynamic(conf.blocks[0], "image_repository");
    const found = blockImages(stack, [{ ...repos, unread: repos.unread || conf.unread }], "image_identifier");
    for (const repo of found) list.push({ consumer: svc, roleAttribute: "instance_configuration.instance_role_arn", ...ecr(repo), runsAsRoleAnyway: true });
  }
  for (const model of stack.byType.get("aws_sagemaker_model") ?? []) {
    const containers = [blocksWithDynamic(model.values, "primary_container"), blocksWithDynamic(model.values, "container")];
    for (const repo of blockImages(stack, containers)) list.push({ consumer: model, roleAttribute: "execution_role_arn", ...ecr(repo) });
    for (const f of modelData(stack, containers)) list.push({ consumer: model, roleAttribute: "execution_role_arn", ...f });
  }
  // An Amplify app that builds from a CodeCommit repository builds each push (auto-build) with the repository's
  // amplify.yml and package scripts, as its service role; an SSR app's server code runs as its compute role.
  for (const app of stack.byType.get("aws_amplify_app") ?? []) {
    if (app.mode !== "managed") continue;
    const repo = amplifyRepository(stack, app.values["repository"]);
    if (repo === undefined) continue;
    for (const roleAttribute of ["iam_service_role_arn", "compute_role_arn"]) list.push({ consumer: app, roleAttribute, ...codecommit(repo) });
  }
  for (const td of stack.byType.get("aws_ecs_task_definition") ?? []) {
    for (const repo of imageRepositories(stack, td.values["container_definitions"])) list.push({ consumer: td, roleAttribute: "task_role_arn", ...ecr(repo) });
  }
  for (const fn of stack.byType.get("aws_lambda_function") ?? []) {
    for (const repo of imageRepositories(stack, fn.values["image_uri"])) list.push({ consumer: fn, roleAttribute: "role", ...ecr(repo) });
  }
  cache.set(stack, (out = list));
  return out;
}


/**
 * What a fleet's `script_id` runs: the script (UpdateScript on it) and, stored in S3, its object (unless a literal
 * object version pins it). A script outside the stack, or storage blastwall cannot read, may be any object.
 */
function gameliftScript(stack: TfStack, v: unknown): Omit<SourceUse, "consumer" | "roleAttribute">[] {
  if (v === undefined || v === null || v === "") return [];
  const ref = refTarget(v);
  const script = ref ? stack.byAddress.get(ref.address) : undefined;
  if (!script || script.mode !== "managed" || script.type !== "aws_gamelift_script") {
    const id = ref ? "*" : (exact(stack, v) ?? "*");
    const arn = id.startsWith("arn:") ? id : `arn:aws:gamelift:*:*:script/${id}`;
    return [{ kind: "gamelift-script", arn, shown: `GameLift script ${ref ? ref.address : id}` }, fetched().anyObject(`the storage of GameLift script ${ref ? ref.address : id}, which blastwall cannot see`)];
  }
  const out: Omit<SourceUse, "consumer" | "roleAttribute">[] = [{ kind: "gamelift-script", arn: "arn:aws:gamelift:*:*:script/*", shown: `GameLift script ${script.address}`, source: script }];
  for (const loc of [...blocks(script.values["storage_location"]), ...dynamicContents(script.values, "storage_location")]) {
    if (!loc) {
      out.push(fetched().anyObject(`the storage of GameLift script ${script.address}, a dynamic block`));
      continue;
    }
    const version = loc["object_version"];
    if (typeof version === "string" && version !== "" && !version.includes("${")) continue;
    out.push(s3(exact(stack, loc["bucket"]) ?? "*", exact(stack, loc["key"]) ?? "*"));
  }
  return out;
}

/**
 * The S3 objects a SageMaker model's containers load at every instance start (creation, scale-out, replacement,
 * UpdateEndpoint) and whose code runs as the model's execution role (red-team round 100): `model_data_url` (a
 * model.tar.gz whose `code/inference.py` the AWS framework containers run), `model_data_source.s3_data_source` and
 * `additional_model_data_source.s3_data_source` (`s3_uri`, a prefix unless `s3_data_type` is `S3Object`), and the
 * `SAGEMAKER_SUBMIT_DIRECTORY` tarball of the environment. The model names the key, not a version: versioning keeps
 * nothing from running. Locations blastwall cannot read may be any object.
 */
function modelData(stack: TfStack, lists: readonly { blocks: Record<string, unknown>[]; unread: boolean }[]): Omit<SourceUse, "consumer" | "roleAttribute">[] {
  const out: Omit<SourceUse, "consumer" | "roleAttribute">[] = [];
  const location = (v: unknown, prefix: boolean, via: string) => {
    if (v === undefined || v === null || v === "") return;
    const loc = exact(stack, v) ?? "*";
    const m = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(loc);
    if (!m) {
      if (globsIntersect(loc, "s3://*", { caseInsensitive: true })) out.push(fetched().anyObject(via));
      return;
    }
    const key = prefix ? `${m[2].replace(/\*+$/, "")}*` : m[2] === "" ? "*" : m[2];
    out.push({ ...s3(m[1], key), shown: `s3://${m[1]}/${key} (${via})` });
  };
  const source = (blocksOf: unknown, via: string) => {
    for (const b of blocksWithDynamic({ b: blocksOf }, "b").blocks) {
      const src = blocksWithDynamic(b, "s3_data_source");
      if (src.unread) out.push(fetched().anyObject(via));
      for (const d of src.blocks) location(d["s3_uri"], d["s3_data_type"] !== "S3Object", via);
    }
  };
  for (const l of lists) {
    if (l.unread) out.push(fetched().anyObject("the model data of a SageMaker model's dynamic container"));
    for (const c of l.blocks) {
      location(c["model_data_url"], false, "the model data a SageMaker model loads");
      source(c["model_data_source"], "the model data a SageMaker model loads");
      source(c["additional_model_data_source"], "additional model data a SageMaker model loads");
      const env = c["environment"];
      if (typeof env === "string") out.push(fetched().anyObject("the environment of a SageMaker model, which blastwall cannot read"));
      else if (env && typeof env === "object") location((env as Record<string, unknown>)["SAGEMAKER_SUBMIT_DIRECTORY"], false, "the SAGEMAKER_SUBMIT_DIRECTORY of a SageMaker model");
    }
  }
  return out;
}

/**
 * The CodeCommit repository an Amplify app builds from: a reference to a clone URL of the stack's repository, or a
 * `git-codecommit` URL's name; `*` for a value blastwall cannot read that may be such a URL; undefined for another
 * provider (GitHub, Bitbucket, GitLab), which CodeCommit rights do not write.
 */
function amplifyRepository(stack: TfStack, v: unknown): string | undefined {
  if (typeof v !== "string" || v === "") return undefined;
  const ref = /\$\{aws_codecommit_repository\.([A-Za-z0-9_-]+)\.clone_url/.exec(v);
  if (ref) return repositoryName(stack, `\${aws_codecommit_repository.${ref[1]}.repository_name}`, "aws_codecommit_repository", "repository_name") ?? "*";
  const url = exact(stack, v) ?? "*";
  const m = /git-codecommit\.[^/]+\/v1\/repos\/([^/?#]+)/.exec(url);
  if (m) return m[1];
  return globsIntersect(url, "*git-codecommit.*/v1/repos/*", { caseInsensitive: true }) ? "*" : undefined;
}

/** Stands for parameters blastwall cannot read (fetchedByDocument then takes them as naming any object). */
const UNREADABLE = "${unreadable}";

/** Whether a value is `want`, or may be (blastwall cannot read it). */
function isOrMayBe(stack: TfStack, v: unknown, want: string): boolean {
  if (v === want) return true;
  const written = exact(stack, v);
  return written === undefined || written.includes("*");
}

/**
 * The ECR repositories the images of blocks name. A block of a dynamic block whose image blastwall cannot resolve,
 * or a dynamic block it cannot read, may run an image of any repository.
 */
function blockImages(stack: TfStack, lists: readonly { blocks: Record<string, unknown>[]; dynamic: Record<string, unknown>[]; unread: boolean }[], key = "image"): string[] {
  const out = new Set<string>();
  for (const l of lists) {
    for (const b of l.blocks) {
      const found = imageRepositories(stack, b[key]);
      found.forEach((r) => out.add(r));
      const written = exact(stack, b[key]);
      if (found.length === 0 && l.dynamic.includes(b) && written !== undefined && written.includes("*")) out.add("*");
    }
    if (l.unread) out.add("*");
  }
  return [...out];
}

/** A value as written or resolved exactly; `*` for anything known only at apply time. */
function exact(stack: TfStack, v: unknown): string | undefined {
  if (typeof v !== "string" || v === "") return undefined;
  return resolveToPattern(stack, v).pattern;
}

function ecr(repo: string): Omit<SourceUse, "consumer" | "roleAttribute"> {
  return { kind: "ecr", arn: `arn:aws:ecr:*:*:repository/${repo}`, shown: `ECR repository ${repo}` };
}

function codecommit(repo: string): Omit<SourceUse, "consumer" | "roleAttribute"> {
  return { kind: "codecommit", arn: `arn:aws:codecommit:*:*:${repo}`, shown: `CodeCommit repository ${repo}` };
}

function s3(bucket: string, key: string): Omit<SourceUse, "consumer" | "roleAttribute"> {
  return { kind: "s3", arn: `arn:aws:s3:::${bucket}/${key}`, shown: `s3://${bucket}/${key}` };
}

/** A pipeline's Source action: CodeCommit, S3 or ECR; any of them for a provider blastwall cannot read. */
function pipelineSources(stack: TfStack, action: Record<string, unknown>): Omit<SourceUse, "consumer" | "roleAttribute">[] {
  const provider = action["provider"];
  const known = typeof provider === "string" && !exact(stack, provider)?.includes("*");
  const kinds = known ? [provider] : ["CodeCommit", "S3", "ECR"];
  return kinds.map((k) => pipelineSource(stack, action, k)).filter((s): s is Omit<SourceUse, "consumer" | "roleAttribute"> => s !== undefined);
}

function pipelineSource(stack: TfStack, action: Record<string, unknown>, provider: unknown): Omit<SourceUse, "consumer" | "roleAttribute"> | undefined {
  const conf = (blocks(action["configuration"])[0] ?? {}) as Record<string, unknown>;
  switch (provider) {
    case "CodeCommit":
      return codecommit(repositoryName(stack, conf["RepositoryName"], "aws_codecommit_repository", "repository_name") ?? "*");
    case "S3":
      return s3(exact(stack, conf["S3Bucket"]) ?? "*", exact(stack, conf["S3ObjectKey"]) ?? "*");
    case "ECR":
      return ecr(repositoryName(stack, conf["RepositoryName"], "aws_ecr_repository", "name") ?? "*");
    default:
      return undefined;
  }
}

/** A build project's source; for a type blastwall cannot read (a variable, an iterator's value), CodeCommit or S3. */
function buildSources(stack: TfStack, src: Record<string, unknown>): Omit<SourceUse, "consumer" | "roleAttribute">[] {
  const written = exact(stack, src["type"]);
  const types = written === undefined || written.includes("*") ? ["CODECOMMIT", "S3"] : [written];
  return types.map((t) => buildSource(stack, src, t)).filter((s): s is Omit<SourceUse, "consumer" | "roleAttribute"> => s !== undefined);
}

/** A build project's source: a CodeCommit clone URL or an S3 `bucket/key` location. */
function buildSource(stack: TfStack, src: Record<string, unknown>, type: string): Omit<SourceUse, "consumer" | "roleAttribute"> | undefined {
  const location = src["location"];
  if (type === "CODECOMMIT") {
    const ref = typeof location === "string" ? /\$\{aws_codecommit_repository\.([A-Za-z0-9_-]+)\.clone_url/.exec(location) : null;
    if (ref) return codecommit(repositoryName(stack, `\${aws_codecommit_repository.${ref[1]}.repository_name}`, "aws_codecommit_repository", "repository_name") ?? "*");
    const url = exact(stack, location);
    const m = url ? /\/v1\/repos\/([^/?#]+)/.exec(url) : null;
    return codecommit(m ? m[1] : "*");
  }
  if (type === "S3") {
    const loc = exact(stack, location) ?? "*";
    const at = loc.indexOf("/");
    return at > 0 ? s3(loc.slice(0, at), loc.slice(at + 1)) : s3(loc, "*");
  }
  return undefined;
}

/**
 * The S3 object a build's `buildspec` names, which CodeBuild fetches at every build and runs as the service role
 * (red-team round 67): an object ARN (`arn:aws:s3:::bucket/key`) or an `s3://` location. Text on several lines (see
 * `renderBuildspec`) and a path inside the source are not S3; a value blastwall cannot read whose pattern may still be
 * such a location (`${var.buildspec}`, a file it cannot read) may be any object.
 */
function buildspecObjects(stack: TfStack, v: unknown): Omit<SourceUse, "consumer" | "roleAttribute">[] {
  if (typeof v !== "string") return [];
  const pattern = renderBuildspec(stack, v, 0).trim();
  if (pattern === "" || pattern.includes("\n")) return [];
  const arn = /^arn:[^:]*:s3:::([^/]+)\/(.+)$/.exec(pattern);
  if (arn) return [{ ...s3(arn[1], arn[2]), shown: `s3://${arn[1]}/${arn[2]} (the buildspec)` }];
  const found = fetched().s3Objects(pattern, "the buildspec");
  if (found.length > 0) return found;
  const mayBe = [S3_ARN, "s3://*"].some((x) => globsIntersect(pattern, x, { caseInsensitive: true }));
  return mayBe ? [fetched().anyObject("the buildspec of a build project, which blastwall cannot read")] : [];
}

const S3_ARN = "arn:*:s3:::*/*";

/** What a document blastwall cannot read renders to: text on several lines, so never an object ARN. */
const DOCUMENT = "*\n*";
/** The name of a file that holds a YAML or JSON document (a template of one too): `buildspec.yml`, `bs.yaml.tpl`. */
const DOCUMENT_NAME = /\.(?:ya?ml|json)(?:\.(?:tpl|tftpl|tmpl))?$/i;
const MAX_RENDER_DEPTH = 8;

/**
 * What a buildspec value renders to, as a pattern (`*` for text blastwall cannot know), judged by what it can render
 * to and not by the name of the function rendering it (red-team round 69): text visible in the stack (a literal, a
 * local, a variable's default or var-file value as blastwall reads every variable, a `data.template_file`'s template)
 * is that text, through `trimspace`, `chomp`, `trimprefix`, `trimsuffix`, `indent`, `replace`, `format` and `join`;
 * `yamlencode` of an object, and a file whose name says YAML or JSON (`file`, `templatefile`, `data.local_file`'s
 * content) are documents on several lines. Any other file's content may be one line, an object ARN (`bsloc.txt`).
 * CodeBuild takes an S3 buildspec only by its object ARN.
 */
function renderBuildspec(stack: TfStack, v: string, depth: number): string {
  return parseTemplate(v)
    .map((p) => (p.kind === "literal" ? p.text : p.directive ? "*" : (renderExpression(stack, p.expr, depth + 1) ?? resolveToPattern(stack, p.raw).pattern)))
    .join("");
}

/** What an expression renders to (see `renderBuildspec`); undefined when `resolveToPattern` is to say. */
function renderExpression(stack: TfStack, expr: string, depth: number): string | undefined {
  const e = expr.trim();
  if (depth > MAX_RENDER_DEPTH) return "*";
  const str = /^"((?:[^"\\]|\\.)*)"$/.exec(e);
  if (str) return renderBuildspec(stack, unescapeHcl(str[1]), depth);
  const call = /^([A-Za-z_][A-Za-z0-9_]*)\s*\(([\s\S]*)\)$/.exec(e);
  if (call) return renderCall(stack, call[1], callArguments(call[2]), depth);
  const ref = parseReference(e);
  if (!ref || ref.path.length > 0) return undefined;
  if (ref.kind === "local" || ref.kind === "var") {
    const value = (ref.kind === "var" ? stack.variables : stack.locals).get(ref.address.slice(ref.kind === "var" ? 4 : 6));
    return ref.attribute === undefined && typeof value === "string" ? renderBuildspec(stack, value, depth) : undefined;
  }
  if (ref.kind !== "data") return undefined;
  const source = stack.byAddress.get(ref.address);
  if (!source) return undefined;
  if (source.type === "template_file" && ref.attribute === "rendered") {
    const template = source.values["template"];
    return typeof template === "string" ? renderBuildspec(stack, template, depth) : "*";
  }
  if ((source.type === "local_file" || source.type === "local_sensitive_file") && ref.attribute === "content") {
    const name = source.values["filename"];
    return typeof name === "string" && DOCUMENT_NAME.test(renderBuildspec(stack, name, depth)) ? DOCUMENT : "*";
  }
  return undefined;
}

function renderCall(stack: TfStack, name: string, args: readonly string[] | undefined, depth: number): string | undefined {
  if (!args || args.length === 0) return "*";
  const arg = (i: number) => (args[i] === undefined ? "*" : (renderExpression(stack, args[i], depth + 1) ?? resolveToPattern(stack, `\${${args[i]}}`).pattern));
  const known = (t: string) => !/[*?]/.test(t);
  switch (name) {
    case "file":
    case "templatefile":
      return DOCUMENT_NAME.test(arg(0)) ? DOCUMENT : "*";
    case "yamlencode":
      return args[0].trim().startsWith("{") ? DOCUMENT : "*";
    case "jsonencode":
      // Compact JSON: one line, but an object or a list, never an ARN.
      return /^[{[]/.test(args[0].trim()) ? "{*}" : "*";
    case "trimspace":
      return arg(0).replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "");
    case "chomp":
      return arg(0).replace(/(?:\r?\n)+$/, "");
    case "indent":
      return arg(1);
    case "trim":
    case "trimprefix":
    case "trimsuffix": {
      const [text, cut] = [arg(0), arg(1)];
      if (!known(cut)) return "*";
      if (name === "trimprefix") return text.startsWith(cut) ? text.slice(cut.length) : text;
      if (name === "trimsuffix") return text.endsWith(cut) ? text.slice(0, text.length - cut.length) : text;
      const chars = [...cut];
      let [a, b] = [0, text.length];
      while (a < b && chars.includes(text[a])) a++;
      while (b > a && chars.includes(text[b - 1])) b--;
      return text.slice(a, b);
    }
    case "replace": {
      const [text, search, by] = [arg(0), arg(1), arg(2)];
      // A regular expression, or text blastwall cannot know, may take anything out (the newlines too).
      if (!known(search) || search === "" || /^\/.*\/$/.test(search)) return "*";
      if (known(text) && known(by)) return text.split(search).join(by);
      return text.includes("\n") && !search.includes("\n") ? DOCUMENT : "*";
    }
    case "format": {
      const f = arg(0);
      if (!known(f) || f.includes("%[")) return "*";
      let i = 1;
      return f.replace(/%[-+# 0]*\d*(?:\.\d+)?([a-zA-Z%])/g, (_, verb: string) => (verb === "%" ? "%" : arg(i++)));
    }
    case "join": {
      const lists = args.slice(1).map((l) => renderList(stack, l, depth + 1));
      if (lists.some((l) => l === undefined)) return "*";
      return lists.flatMap((l) => l!).join(arg(0));
    }
    default:
      return undefined;
  }
}

/** The rendered elements of a list expression: a tuple `[...]`, or a local or variable holding a list of strings. */
function renderList(stack: TfStack, expr: string, depth: number): string[] | undefined {
  const e = expr.trim();
  const tuple = /^\[([\s\S]*)\]$/.exec(e);
  if (tuple) {
    const items = tuple[1].trim() === "" ? [] : callArguments(tuple[1].replace(/,\s*$/, ""));
    return items?.map((x) => renderExpression(stack, x, depth) ?? resolveToPattern(stack, `\${${x}}`).pattern);
  }
  const ref = parseReference(e);
  if (!ref || ref.path.length > 0 || ref.attribute !== undefined || (ref.kind !== "local" && ref.kind !== "var")) return undefined;
  const value = (ref.kind === "var" ? stack.variables : stack.locals).get(ref.address.slice(ref.kind === "var" ? 4 : 6));
  return Array.isArray(value) && value.every((x) => typeof x === "string") ? value.map((x: string) => renderBuildspec(stack, x, depth)) : undefined;
}

/** The text an HCL quoted string stands for (its escapes read; `${...}` left for `parseTemplate`). */
function unescapeHcl(s: string): string {
  return s.replace(/\\(["\\nrt])/g, (_, c: string) => ({ n: "\n", r: "\r", t: "\t" })[c] ?? c);
}

/** A call's argument texts (split at commas outside brackets and quotes); undefined if unreadable. */
function callArguments(args: string): string[] | undefined {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < args.length; i++) {
    const c = args[i];
    if (c === '"') {
      for (i++; i < args.length && args[i] !== '"'; i++) if (args[i] === "\\") i++;
    } else if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
    else if (c === "," && depth === 0) {
      out.push(args.slice(from, i).trim());
      from = i + 1;
    }
    if (depth < 0) return undefined;
  }
  if (depth !== 0) return undefined;
  const last = args.slice(from).trim();
  if (last !== "") out.push(last);
  return out;
}

/** A repository named by a reference to one of the stack's repositories, or as written. */
/** A document the stack's principals may update: not one AWS owns (`AWS-*`, `Amazon*`); `*` when unresolvable. */
function ownedDocument(stack: TfStack, v: unknown): string | undefined {
  const doc = repositoryName(stack, v, "aws_ssm_document", "name") ?? "*";
  const owned = /^(?:AWS-|Amazon)/.test(doc) || /:document\/(?:AWS-|Amazon)/.test(doc);
  return owned ? undefined : doc;
}

function ssmDocument(doc: string): { arn: string; shown: string } {
  const name = doc.includes(":document/") ? doc.slice(doc.indexOf(":document/") + ":document/".length) : doc;
  return { arn: `arn:aws:ssm:*:*:document/${name}`, shown: `SSM document ${name}` };
}

/** The `AutomationAssumeRole` parameter's value among `{ name, <key> }` blocks (`static_value`, or a `values` list). */
export function automationRole(parameters: readonly Record<string, unknown>[], key: string): unknown {
  const p = parameters.find((x) => x["name"] === "AutomationAssumeRole");
  const v = p?.[key] ?? p?.["static_values"];
  return Array.isArray(v) ? v[0] : v;
}

function repositoryName(stack: TfStack, v: unknown, type: string, nameAttribute: string): string | undefined {
  const ref = refTarget(v);
  if (ref && ref.address.startsWith(`${type}.`)) {
    const r = stack.byAddress.get(ref.address);
    return r ? exact(stack, r.values[nameAttribute]) : undefined;
  }
  return exact(stack, v);
}

const IMAGE = /(?:[0-9*]{1,12}|\*)\.dkr\.ecr\.[a-z0-9*-]+\.amazonaws\.com(?:\.cn)?\/([a-z0-9._/*-]+?)(?:[:@][^"'\s]*)?(?=$|["'\s])/g;
const REPO_REF = /\$\{((?:data\.)?aws_ecr_repository)\.([A-Za-z0-9_-]+)\.repository_url/g;

/** The ECR repositories whose images a value (a container definition, an image URI) runs. */
function imageRepositories(stack: TfStack, v: unknown): string[] {
  const out = new Set<string>();
  for (const s of stringsIn(v ?? "")) {
    for (const m of s.matchAll(REPO_REF)) {
      const r = stack.byAddress.get(`${m[1]}.${m[2]}`);
      out.add((r ? exact(stack, r.values["name"]) : undefined) ?? "*");
    }
    // An image pinned by digest runs that content whatever is pushed later.
    for (const m of s.matchAll(IMAGE)) if (!m[0].includes("@sha256:")) out.add(m[1]);
  }
  return [...out];
}
