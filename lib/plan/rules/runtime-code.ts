/**
 * What code a runtime runs, as its arguments say: a Lambda function's package, a task definition's images, a CodeBuild
 * project's source, an AgentCore runtime's container or code artifact. plan-agent-runtime-moved pairs a runtime the
 * plan creates with an agent's runtime it retires by these as well as by name: a workload renamed keeps its code, and
 * the same code on a role that is no agent is the agent running with that role's rights.
 */
import { posix } from "path";
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
}

/** A ref as one key: kind and value. */
export function codeKey(r: CodeRef): string {
  return `${r.kind}\u0000${r.value}`;
}

/**
 * An image reference in one spelling (red-team round 137, F3): Docker, ECS and Lambda read a reference with neither
 * tag nor digest as `:latest`, a registry host in any case as the same host, and Docker Hub's `docker.io/library/x` as
 * `x`. The repository path and tag keep their case: registries treat them as written.
 */
export function imageKey(image: string): string {
  let name = image;
  let suffix = ":latest";
  const digest = image.indexOf("@");
  if (digest >= 0) {
    name = image.slice(0, digest);
    suffix = image.slice(digest);
  } else {
    const colon = image.lastIndexOf(":");
    if (colon > image.lastIndexOf("/")) {
      name = image.slice(0, colon);
      suffix = image.slice(colon);
    }
  }
  const parts = name.split("/");
  // Docker reads the first component as a registry host only when it has a dot or a port, or is localhost.
  if (parts.length > 1 && (/[.:]/.test(parts[0]) || parts[0].toLowerCase() === "localhost")) {
    parts[0] = ecrRegistry(parts[0].toLowerCase());
    if (DOCKER_HUB.has(parts[0])) parts.shift();
  }
  if (parts.length === 2 && parts[0] === "library") parts.shift();
  return parts.join("/") + suffix;
}

const DOCKER_HUB: ReadonlySet<string> = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

/**
 * One ECR registry by any of its endpoints: `ACCOUNT.dkr.ecr.REGION.amazonaws.com` (`.com.cn` in China), its FIPS
 * endpoint `dkr.ecr-fips`, and its dual-stack endpoint `ACCOUNT.dkr-ecr.REGION.on.aws` serve the same images (red-team
 * round 138 F2: the agent's image pulled through another endpoint was another image to the gate).
 */
function ecrRegistry(host: string): string {
  const m = /^(\d{12})\.(?:dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?|dkr-ecr(?:-fips)?\.([a-z0-9-]+)\.on\.aws)$/.exec(host);
  return m ? `${m[1]}.dkr.ecr.${m[2] ?? m[3]}` : host;
}

/**
 * A package's path in one spelling (red-team round 137, F4): `./build/agent.zip`, what `"${path.module}/build/agent.zip"`
 * gives in the root module, is `build/agent.zip`; Terraform reads both from the same working directory.
 */
export function fileKey(file: string): string {
  const n = posix.normalize(file.replace(/\\/g, "/"));
  return n.startsWith("./") ? n.slice(2) : n;
}

/** A package path (`fileKey` spelling) as segments: whether it is absolute, the `..` steps it starts with, the rest. */
function segments(key: string): { absolute: boolean; up: number; rest: string[] } {
  const absolute = key.startsWith("/") || /^[A-Za-z]:\//.test(key);
  const all = key.split("/").filter((s) => s !== "" && s !== ".");
  let up = 0;
  if (!absolute) while (all[up] === "..") up++;
  return { absolute, up, rest: all.slice(up) };
}

function endsWith(long: readonly string[], short: readonly string[]): boolean {
  return short.length > 0 && short.length <= long.length && short.every((s, i) => long[long.length - short.length + i] === s);
}

/**
 * Why two package paths (`fileKey` spellings) that differ may name one file, or undefined when they cannot. Terraform
 * reads a relative path from the directory it runs in, which the plan does not record, so:
 * - an absolute path and a relative one are one file when the absolute one ends with the relative one (less the `..`
 *   steps it starts with) on segment boundaries: `/abs/dir/build/fn.zip` is `build/fn.zip` run in `/abs/dir`;
 * - two relative paths are one file only when one leaves that directory with `..` and comes back into it:
 *   `../infra/build/fn.zip` is `build/fn.zip` run in a directory named `infra`. Otherwise, read from the one
 *   directory (the root module's), two relative paths that differ are two files;
 * - two absolute paths that differ are two files.
 * The gate leans to pairing here: a false pairing costs an approval, a missed one lets the agent's code run with
 * another role's rights.
 */
export function samePackagePath(a: string, b: string): string | undefined {
  if (a === b) return undefined;
  const pa = segments(a);
  const pb = segments(b);
  if (pa.absolute && pb.absolute) return undefined;
  if (pa.absolute || pb.absolute) {
    const [abs, rel, absKey, relKey] = pa.absolute ? [pa, pb, a, b] : [pb, pa, b, a];
    if (!endsWith(abs.rest, rel.rest)) return undefined;
    return `${JSON.stringify(relKey)} is a relative path, read from the directory Terraform runs in, which the plan does not record, and ${JSON.stringify(absKey)} ends with ${JSON.stringify(rel.rest.join("/"))}, so the two may be one file`;
  }
  const [far, near, farKey, nearKey] = pa.up > pb.up ? [pa, pb, a, b] : [pb, pa, b, a];
  const extra = far.rest.length - near.rest.length;
  if (extra !== far.up - near.up || !endsWith(far.rest, near.rest)) return undefined;
  const where = near.up === 0 ? "the directory Terraform runs in" : `the directory ${near.up} level${near.up > 1 ? "s" : ""} above the one Terraform runs in`;
  return `${JSON.stringify(farKey)} is ${JSON.stringify(nearKey)} when ${where} ends in ${JSON.stringify(far.rest.slice(0, extra).join("/"))}, which the plan does not record (a relative path leaves that directory with .. and comes back into it), so the two may be one file`;
}

/** Kinds whose values that differ may still name the same code, with why (`samePackagePath`). */
const NEAR: Readonly<Record<string, (prior: string, now: string) => string | undefined>> = { "lambda-file": samePackagePath };

/**
 * A package's SHA-256 in one spelling: `filebase64sha256` and Lambda's CodeSha256 write it in base64, `filesha256` in
 * hex, and either may be a function's source_code_hash; one digest is one package. Anything else (another digest, a
 * value that is no SHA-256) is compared as written.
 */
export function sha256Key(hash: string): string {
  if (/^[0-9a-fA-F]{64}$/.test(hash)) return Buffer.from(hash, "hex").toString("base64");
  return hash;
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

/** A ref compared in a normal spelling (`key`) and shown as written. */
function spelled(kind: string, argument: string, value: string | undefined, key: (v: string) => string): CodeRef[] {
  if (value === undefined || value === AFTER_APPLY) return ref(kind, argument, value);
  const k = key(value);
  return [{ kind, argument, value: k, ...(k !== value ? { shown: JSON.stringify(value) } : {}) }];
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
    return h === AFTER_APPLY && !configured(a) ? [] : spelled("lambda-hash", a, h, sha256Key);
  });
  return [
    ...hashes,
    ...spelled("lambda-image", "image_uri", at(v, ["image_uri"]), imageKey),
    ...spelled("lambda-file", "filename", at(v, ["filename"]), fileKey),
    ...s3("lambda-s3", "s3_bucket and s3_key", at(v, ["s3_bucket"]), at(v, ["s3_key"]), at(v, ["s3_object_version"])),
  ];
};

/**
 * Each container's image, whatever the container is marked: `essential = false` and `firelensConfiguration` are written
 * by whoever writes the configuration, the agent included, and such a container runs its image like any other (red-team
 * round 137, F1). The definitions are one JSON string, known or not as a whole.
 */
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
    return spelled("ecs-image", "container image", c.image, imageKey);
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
    ...spelled("agentcore-container", "container_uri", at(v, [...artifact, "container_configuration", "container_uri"]), imageKey),
    ...s3("agentcore-code", "code_configuration S3 object", at(v, [...code, "bucket"]), at(v, [...code, "prefix"]), at(v, [...code, "version_id"])),
  ];
};

const glue: Reader = (v) => ref("glue-script", "command.script_location", at(v, ["command", "script_location"]));

const apprunner: Reader = (v) => [
  ...spelled("apprunner-image", "image_identifier", at(v, ["source_configuration", "image_repository", "image_identifier"]), imageKey),
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
 * The code a retired runtime runs of its own, which a new runtime must share to be paired with it: for an ECS task
 * definition, its images less those in `shared` (images a task definition that existed before the plan ran as no agent:
 * a team's sidecars and base images recur across its services, and such an image ran outside every agent already).
 * How a container is marked does not count: the agent writes that too (red-team round 137, F1). When that leaves no
 * image, every image counts (fail closed: the rule cannot tell which is the agent's). Other kinds name one piece of
 * code (a Lambda function's hash, file and S3 object are three names of one package), so they count whole.
 */
export function ownCode(refs: readonly CodeRef[], shared: ReadonlySet<string>): CodeRef[] {
  const images = refs.filter((r) => r.kind === "ecs-image" && r.value !== AFTER_APPLY);
  const own = new Set(images.filter((r) => !shared.has(codeKey(r))).map(codeKey));
  if (own.size === 0) return [...refs];
  return refs.filter((r) => r.kind !== "ecs-image" || r.value === AFTER_APPLY || own.has(codeKey(r)));
}

/** How a runtime's code matched a retired one's: the same value, or one known only after apply that may be it. */
export interface CodeMatch {
  readonly argument: string;
  /** The retired runtime's value, as the message shows it. */
  readonly shown: string;
  readonly unknown: boolean;
  /** The keys (`codeKey`) of every known value of the runtime that is the retired one's; empty when only unknown ones may be. */
  readonly keys: readonly string[];
  /** Set when the values differ as written and are taken as the same code anyway: why, and the runtime's value as shown. */
  readonly near?: { readonly why: string; readonly shown: string };
}

/**
 * The first way `now`'s code may be `prior`'s: a value of the same kind equal (S3 versions too, when both set one),
 * else one that differs but may name the same code (`NEAR`: a package path read from a working directory the plan does
 * not record), else one known only after apply where the prior has that kind (as an identifying argument known only
 * after apply pairs with every retired runtime of its type, fail closed). An equal match is preferred, for the message.
 */
export function sameCode(prior: readonly CodeRef[], now: readonly CodeRef[]): CodeMatch | undefined {
  let maybe: Omit<CodeMatch, "keys"> | undefined;
  let near: Omit<CodeMatch, "keys"> | undefined;
  let known: Omit<CodeMatch, "keys"> | undefined;
  const keys = new Set<string>();
  for (const n of now) {
    for (const p of prior) {
      if (p.kind !== n.kind || p.value === AFTER_APPLY) continue;
      const shown = p.shown ?? JSON.stringify(p.value);
      if (n.value === AFTER_APPLY) {
        maybe ??= { argument: n.argument, shown, unknown: true };
        continue;
      }
      if (n.value === p.value && (n.version === undefined || p.version === undefined || n.version === p.version)) {
        known ??= { argument: n.argument, shown, unknown: false };
        keys.add(codeKey(n));
        continue;
      }
      const why = NEAR[n.kind]?.(p.value, n.value);
      if (why !== undefined) {
        near ??= { argument: n.argument, shown, unknown: false, near: { why, shown: n.shown ?? JSON.stringify(n.value) } };
        keys.add(codeKey(n));
      }
    }
  }
  const first = known ?? near ?? maybe;
  return first && { ...first, keys: [...keys] };
}
