/**
 * What code a runtime runs, as its arguments say: a Lambda function's package, a task definition's images, a CodeBuild
 * project's source, an AgentCore runtime's container or code artifact. plan-agent-runtime-moved pairs a runtime the
 * plan creates with an agent's runtime it retires by these as well as by name: a workload renamed keeps its code, and
 * the same code on a role that is no agent is the agent running with that role's rights.
 */
import type { TfResource } from "../../engine/terraform/types";
import { AFTER_APPLY } from "../../engine/terraform/policy-documents";
import { isObject } from "../values";

/** One piece of code identity: what it is compared as (`kind`), the argument it is read from, and its value. */
export interface CodeRef {
  /** Refs compare only within a kind (a hash with a hash, an image with an image). */
  readonly kind: string;
  /** The argument as the user writes it, for the message (`source_code_hash`, `container_definitions[].image`). */
  readonly argument: string;
  /** The value, or AFTER_APPLY when the plan does not know it yet. */
  readonly value: string;
  /** Compared only when both sides set it (an S3 object version: no version is the latest, which may be that one). */
  readonly version?: string;
  /** The value as the message shows it, when not the value quoted. */
  readonly shown?: string;
  /**
   * Why the code is a helper beside the runtime's own (a sidecar container: `essential = false`, a FireLens log
   * router), when it is: a public sidecar recurs across a team's services and says nothing of whose code runs.
   */
  readonly helper?: string;
}

/**
 * Whether an argument known only after apply is one the configuration sets, so unknown because of what it is written
 * with (a hash of a file built during apply). Otherwise the provider computes it (a Lambda function's
 * `source_code_hash` left out is read back from AWS), and its being unknown says nothing of the code.
 */
export type Configured = (argument: string) => boolean;

type Reader = (values: Readonly<Record<string, unknown>>, configured: Configured) => CodeRef[];

/** The value at a path of nested blocks (the first block at each step), AFTER_APPLY when a step is unknown. */
function at(values: unknown, path: readonly string[]): string | undefined {
  let v: unknown = values;
  for (const step of path) {
    if (v === AFTER_APPLY) return AFTER_APPLY;
    if (Array.isArray(v)) v = v[0];
    if (!isObject(v)) return undefined;
    v = v[step];
  }
  if (Array.isArray(v)) v = v[0];
  return typeof v === "string" && v !== "" ? v : undefined;
}

function ref(kind: string, argument: string, value: string | undefined, version?: string): CodeRef[] {
  return value === undefined ? [] : [{ kind, argument, value, ...(version !== undefined && version !== AFTER_APPLY ? { version } : {}) }];
}

/** An object in S3 by bucket and key: unknown when either is. */
function s3(kind: string, argument: string, bucket: string | undefined, key: string | undefined, version: string | undefined): CodeRef[] {
  if (bucket === undefined || key === undefined) return bucket === AFTER_APPLY || key === AFTER_APPLY ? ref(kind, argument, AFTER_APPLY) : [];
  return ref(kind, argument, bucket === AFTER_APPLY || key === AFTER_APPLY ? AFTER_APPLY : `s3://${bucket}/${key}`, version);
}

const lambda: Reader = (v, configured) => {
  // Both hash arguments carry the package's base64 SHA-256 (`filebase64sha256`, Lambda's CodeSha256); the provider
  // computes them when the configuration leaves them out, so an unknown one counts only when it is configured.
  const hashes = ["source_code_hash", "code_sha256"].flatMap((a) => {
    const h = at(v, [a]);
    return h === AFTER_APPLY && !configured(a) ? [] : ref("lambda-hash", a, h);
  });
  return [
    ...hashes,
    ...ref("lambda-image", "image_uri", at(v, ["image_uri"])),
    ...ref("lambda-file", "filename", at(v, ["filename"])),
    ...s3("lambda-s3", "s3_bucket and s3_key", at(v, ["s3_bucket"]), at(v, ["s3_key"]), at(v, ["s3_object_version"])),
  ];
};

/**
 * Why a container is a sidecar by ECS's own terms, or undefined: one marked `essential = false` (the task runs on when
 * it stops, so it is no part of what the task is for), or a FireLens log router (`firelensConfiguration`: it carries the
 * other containers' logs). Anything else, `essential` unset (ECS's default is true) included, is the task's own.
 */
function helperOf(c: Readonly<Record<string, unknown>>): string | undefined {
  if (isObject(c.firelensConfiguration)) return "a FireLens log router";
  return c.essential === false ? "essential = false" : undefined;
}

/** Each container's image. The definitions are one JSON string, known or not as a whole. */
const taskDefinition: Reader = (v) => {
  const raw = v["container_definitions"];
  if (raw === AFTER_APPLY) return ref("ecs-image", "container_definitions", AFTER_APPLY);
  if (typeof raw !== "string") return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((c): CodeRef[] => {
    if (!isObject(c) || typeof c.image !== "string" || c.image === "") return [];
    const helper = helperOf(c);
    return [{ kind: "ecs-image", argument: "container image", value: c.image, ...(helper !== undefined && { helper }) }];
  });
};

/**
 * The source a build runs: its location with its buildspec, both as written. A buildspec alone names a file in the
 * source (`buildspec.yml` by convention, in every project) unless there is no source, when it is the build itself.
 */
const codebuild: Reader = (v) => {
  const location = at(v, ["source", "location"]);
  const buildspec = at(v, ["source", "buildspec"]);
  if (location === AFTER_APPLY || buildspec === AFTER_APPLY) return ref("codebuild-source", "source", AFTER_APPLY);
  if (location === undefined && buildspec === undefined) return [];
  const argument = location !== undefined ? "source location and buildspec" : "source buildspec";
  const value = JSON.stringify([location ?? "", buildspec ?? ""]);
  const shown = [location !== undefined ? `location ${JSON.stringify(location)}` : "no location", buildspec !== undefined ? `buildspec ${JSON.stringify(buildspec)}` : "the default buildspec"].join(", ");
  return [{ kind: "codebuild-source", argument, value, shown }];
};

const agentcore: Reader = (v) => {
  const artifact = ["agent_runtime_artifact"];
  const code = [...artifact, "code_configuration", "code", "s3"];
  return [
    ...ref("agentcore-container", "container_uri", at(v, [...artifact, "container_configuration", "container_uri"])),
    ...s3("agentcore-code", "code_configuration S3 object", at(v, [...code, "bucket"]), at(v, [...code, "prefix"]), at(v, [...code, "version_id"])),
  ];
};

const glue: Reader = (v) => ref("glue-script", "command.script_location", at(v, ["command", "script_location"]));

const apprunner: Reader = (v) => [
  ...ref("apprunner-image", "image_identifier", at(v, ["source_configuration", "image_repository", "image_identifier"])),
  ...ref("apprunner-repo", "repository_url", at(v, ["source_configuration", "code_repository", "repository_url"])),
];

const READERS: Readonly<Record<string, Reader>> = {
  aws_lambda_function: lambda,
  aws_ecs_task_definition: taskDefinition,
  aws_codebuild_project: codebuild,
  aws_bedrockagentcore_agent_runtime: agentcore,
  aws_glue_job: glue,
  aws_apprunner_service: apprunner,
};

/** Whether blastwall reads the code of runtimes of this type. */
export function readsCode(type: string): boolean {
  return READERS[type] !== undefined;
}

export function codeOf(r: TfResource, configured: Configured): CodeRef[] {
  const read = READERS[r.type];
  return read ? read(r.values, configured) : [];
}

/**
 * The code a retired runtime runs of its own, which a new runtime must share to be paired with it (red-team round 134,
 * F2): for an ECS task definition, the images of its own containers, leaving out a sidecar's (`helper`) and an image a
 * task definition that stays (`shared`: one the plan leaves in place, running as no agent) runs too; sidecars
 * (fluent-bit, an OpenTelemetry collector, the X-Ray daemon) recur across a team's services, and an image already
 * running outside every agent moves nowhere new. When that leaves no image, every image counts (fail closed: the rule
 * cannot tell which is the agent's). Other kinds count whole.
 */
export function ownCode(refs: readonly CodeRef[], shared: ReadonlySet<string>): CodeRef[] {
  const images = refs.filter((r) => r.kind === "ecs-image" && r.value !== AFTER_APPLY);
  // An image is a sidecar's only when every container that runs it is one.
  const own = new Set(images.filter((r) => r.helper === undefined && !shared.has(r.value)).map((r) => r.value));
  if (own.size === 0) return [...refs];
  return refs.filter((r) => r.kind !== "ecs-image" || r.value === AFTER_APPLY || own.has(r.value));
}

/** How a runtime's code matched a retired one's: the same value, or one known only after apply that may be it. */
export interface CodeMatch {
  readonly argument: string;
  /** The retired runtime's value, as the message shows it. */
  readonly shown: string;
  readonly unknown: boolean;
}

/**
 * The first way `now`'s code may be `prior`'s: a value of the same kind equal (S3 versions too, when both set one),
 * else one known only after apply where the prior has that kind (as an identifying argument known only after apply
 * pairs with every retired runtime of its type, fail closed). A known match is preferred, for the message.
 */
export function sameCode(prior: readonly CodeRef[], now: readonly CodeRef[]): CodeMatch | undefined {
  let maybe: CodeMatch | undefined;
  for (const n of now) {
    for (const p of prior) {
      if (p.kind !== n.kind || p.value === AFTER_APPLY) continue;
      if (n.value === AFTER_APPLY) {
        maybe ??= { argument: n.argument, shown: p.shown ?? JSON.stringify(p.value), unknown: true };
        continue;
      }
      if (n.value === p.value && (n.version === undefined || p.version === undefined || n.version === p.version)) return { argument: n.argument, shown: p.shown ?? JSON.stringify(p.value), unknown: false };
    }
  }
  return maybe;
}
