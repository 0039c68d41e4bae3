/**
 * Shared reading of resource attributes for the protection rules (the guarantees the constructs of
 * lib/constructs give, checked on any stack). Values may be Terraform expressions: a literal or a literal
 * `local` is read; anything else (a variable, which `-var` can override, a reference, a function call) is
 * "unknown", and an unknown protection setting counts as not set. Messages say which it was.
 */
import type { Evidence, FindingDraft } from "../engine/findings";
import type { TfResource, TfStack } from "../engine/terraform/types";
import { isObject } from "../engine/terraform/stack";
import { hasInterpolation, refTarget } from "../engine/terraform/tokens";
import { providerDefaultTags } from "../engine/agent-tags";
import { providerAccountAsDefaulted as providerAccount } from "../engine/terraform/providers";
import type { BlastwallConfig } from "../engine/config-types";
import { blockAddressMatch, globMatch } from "../engine/config-addresses";
import { withoutInstanceKeys } from "../engine/agents";
import { existenceWhy } from "../engine/principals/collect";

export { providerAccount };

export type Read<T> =
  | { readonly state: "set"; readonly value: T }
  | { readonly state: "unset" }
  | { readonly state: "unknown"; readonly raw: string; readonly why: string };

const MAX_LOCAL_DEPTH = 8;

/** The literal behind a value: itself, or what a `${local.x}` chain ends in. */
function literalOf(stack: TfStack, v: unknown, depth = 0): { value: unknown } | { raw: string; why: string } {
  if (typeof v !== "string" || !hasInterpolation(v)) return { value: v };
  const ref = refTarget(v);
  if (ref?.kind === "local" && depth < MAX_LOCAL_DEPTH) {
    const name = ref.address.replace(/^local\./, "");
    if (stack.locals.has(name) && ref.path.length === 0 && ref.attribute === undefined) return literalOf(stack, stack.locals.get(name), depth + 1);
  }
  if (ref?.kind === "var") {
    const name = ref.address.replace(/^var\./, "");
    const def = stack.variables.get(name);
    const dflt = def === undefined ? "no default" : `default ${JSON.stringify(def)}`;
    return { raw: v, why: `a variable (${dflt}) that -var or a tfvars file can set to anything at apply time` };
  }
  return { raw: v, why: "an expression blastwall cannot evaluate" };
}

export function readBool(stack: TfStack, v: unknown): Read<boolean> {
  const l = literalOf(stack, v);
  if ("raw" in l) return { state: "unknown", raw: l.raw, why: l.why };
  if (l.value === undefined || l.value === null) return { state: "unset" };
  if (l.value === true || l.value === "true") return { state: "set", value: true };
  if (l.value === false || l.value === "false") return { state: "set", value: false };
  return { state: "unknown", raw: JSON.stringify(l.value), why: "not a boolean" };
}

export function readNumber(stack: TfStack, v: unknown): Read<number> {
  const l = literalOf(stack, v);
  if ("raw" in l) return { state: "unknown", raw: l.raw, why: l.why };
  if (l.value === undefined || l.value === null) return { state: "unset" };
  const n = typeof l.value === "number" ? l.value : typeof l.value === "string" && /^-?\d+(\.\d+)?$/.test(l.value) ? Number(l.value) : NaN;
  if (Number.isNaN(n)) return { state: "unknown", raw: JSON.stringify(l.value), why: "not a number" };
  return { state: "set", value: n };
}

export function readString(stack: TfStack, v: unknown): Read<string> {
  const l = literalOf(stack, v);
  if ("raw" in l) return { state: "unknown", raw: l.raw, why: l.why };
  if (l.value === undefined || l.value === null) return { state: "unset" };
  if (typeof l.value === "string") return { state: "set", value: l.value };
  return { state: "unknown", raw: JSON.stringify(l.value), why: "not a string" };
}

/** "`${var.x}`, a variable (default true) that ...": how an unknown value is shown in a message. */
export function unknownText(r: { raw: string; why: string }): string {
  return `\`${r.raw}\`, ${r.why}, so it counts as not set`;
}

/**
 * Whether a resource that protects another (a backup selection, a Vault Lock, a trail, a bucket's Object Lock) is
 * certainly created. Terraform creates nothing for `count = 0`, an empty `for_each` or OpenTofu's
 * `lifecycle.enabled = false`, and nothing references such a resource, so plan and apply succeed without it; one
 * whose count or for_each blastwall cannot evaluate may be absent just as well. Neither counts as protection (fail
 * closed). `why` follows the resource's address in a message: "has count = 0, so Terraform creates none".
 */
export type Presence = { readonly present: true } | { readonly present: false; readonly certain: boolean; readonly why: string };

export function presence(stack: TfStack, r: TfResource): Presence {
  const e = existenceWhy(stack, r);
  if (e === "yes") return PRESENT;
  if ("no" in e) return { present: false, certain: true, why: `${e.no}, so Terraform creates none` };
  return { present: false, certain: false, why: `${e.maybe}, which blastwall cannot evaluate, so it may not be created` };
}

const PRESENT: Presence = { present: true };

/** The sentence that tells how to make a protecting resource certain: the fix every such finding shares. */
export function presenceFix(r: TfResource): string {
  return `Create ${r.address} unconditionally (no count, for_each or lifecycle.enabled that can make it absent)`;
}

/**
 * The fewest days a locked or off-site recovery point must be kept: what the constructs require
 * (MIN_RETENTION_DAYS of lib/constructs/offsite-backup-plan.ts, which the CLI does not load). A copy deleted sooner
 * is likely gone before anyone notices what deleted the original.
 */
export const MIN_BACKUP_RETENTION_DAYS = 7;

/** A nested block as Terraform JSON may write it: an object, an array of objects, or absent. */
export { blocks } from "../engine/json";

/** `aws_db_instance.db (construct stack/Db/Instance)`: how every protection finding names the resource. */
export function describe(r: TfResource): string {
  return r.constructPath ? `${r.address} (construct ${r.constructPath})` : r.address;
}

export function resourceEvidence(r: TfResource, detail: string): Evidence {
  return r.location ? { step: "resource", address: r.address, detail, location: r.location } : { step: "resource", address: r.address, detail };
}

/** A finding about one resource at fault (principal and resource are both the resource). */
export function resourceFinding(r: TfResource, message: string, evidence: Evidence[], extra?: Partial<FindingDraft>): FindingDraft {
  // Built without spreads: a large stack of unprotected resources yields tens of thousands of these.
  const f: FindingDraft = { principal: r.address, resource: r.address, actions: [], message, evidence, constructPath: r.constructPath };
  return extra ? { ...f, ...extra } : f;
}

/**
 * Resources holding data that a destroy loses and a team cannot rebuild: the databases, tables, file systems, streams,
 * search domains, graphs and vector indexes the plan gate protects by default (lib/plan/protected.ts). check asks
 * prevent_destroy of each (stateful-prevent-destroy), an AWS Backup selection where AWS Backup can back the type up
 * (stateful-backup-coverage; the others are in BACKUP_CANNOT), and, where the provider has the argument, deletion
 * protection, a final snapshot or backup, and automated backups kept 7 days (the rds-* rules' tables). Red-team round
 * 141 (F7) found the gate protecting DocumentDB clusters that check asked nothing of; the rest of the gate's data
 * types followed (Lightsail databases and disks, S3 Tables, Glacier vaults, Kinesis video streams and Cognito user
 * pools last). Caches (aws_elasticache_*) are not here, as they are not in the gate's list.
 */
export const STATEFUL_TYPES = [
  "aws_ebs_volume",
  "aws_db_instance",
  "aws_rds_cluster",
  "aws_docdb_cluster",
  "aws_neptune_cluster",
  "aws_redshift_cluster",
  "aws_redshiftserverless_namespace",
  "aws_docdbelastic_cluster",
  "aws_dsql_cluster",
  "aws_memorydb_cluster",
  "aws_neptunegraph_graph",
  "aws_keyspaces_table",
  "aws_timestreamwrite_table",
  "aws_timestreaminfluxdb_db_instance",
  "aws_timestreaminfluxdb_db_cluster",
  "aws_dynamodb_table",
  "aws_efs_file_system",
  "aws_fsx_lustre_file_system",
  "aws_fsx_windows_file_system",
  "aws_fsx_ontap_file_system",
  "aws_fsx_ontap_volume",
  "aws_fsx_openzfs_file_system",
  "aws_opensearch_domain",
  "aws_elasticsearch_domain",
  "aws_opensearchserverless_collection",
  "aws_s3vectors_index",
  "aws_kinesis_stream",
  "aws_msk_cluster",
  "aws_msk_serverless_cluster",
  "aws_lightsail_database",
  "aws_lightsail_disk",
  "aws_s3tables_table_bucket",
  "aws_s3tables_table",
  "aws_glacier_vault",
  "aws_kinesis_video_stream",
  "aws_cognito_user_pool",
  "aws_s3_bucket",
] as const;

/**
 * Types beyond STATEFUL_TYPES that the config may protect and that AWS Backup can back up (its "supported
 * resources" list): a selection covering one is judged as for the built-in types.
 */
export const BACKUP_COVERS: ReadonlySet<string> = new Set([
  "aws_instance",
  "aws_storagegateway_cached_iscsi_volume",
  "aws_storagegateway_stored_iscsi_volume",
  "aws_cloudformation_stack",
]);

/**
 * Types AWS Backup cannot back up (its supported resource types name none of them): no selection can cover them, so
 * stateful-backup-coverage does not ask for one (prevent_destroy is still required, and the rds-* rules ask for the
 * service's own snapshots where it has them). An Aurora instance is backed up with its cluster, which is judged
 * itself; an FSx for ONTAP file system through its volumes (aws_fsx_ontap_volume), which are.
 */
export const BACKUP_CANNOT: ReadonlySet<string> = new Set([
  // AWS Backup's supported resources name DocumentDB instance-based clusters, not elastic ones.
  "aws_docdbelastic_cluster",
  "aws_neptunegraph_graph",
  "aws_keyspaces_table",
  "aws_timestreaminfluxdb_db_instance",
  "aws_timestreaminfluxdb_db_cluster",
  "aws_fsx_ontap_file_system",
  "aws_opensearchserverless_collection",
  "aws_s3vectors_index",
  "aws_msk_serverless_cluster",
  "aws_rds_cluster_instance",
  "aws_elasticache_cluster",
  "aws_elasticache_replication_group",
  "aws_elasticache_serverless_cache",
  "aws_memorydb_cluster",
  "aws_opensearch_domain",
  "aws_elasticsearch_domain",
  "aws_kinesis_stream",
  "aws_msk_cluster",
  "aws_sqs_queue",
  "aws_sns_topic",
  "aws_secretsmanager_secret",
  "aws_ssm_parameter",
  "aws_kms_key",
  "aws_cloudwatch_log_group",
  "aws_ecr_repository",
  "aws_route53_zone",
  // Users and their password hashes cannot be exported: deletion protection (rds-deletion-protection) is what AWS offers.
  "aws_cognito_user_pool",
  // Lightsail keeps its own snapshots (a database's automated backups and final snapshot, a disk's snapshots); AWS
  // Backup does not back Lightsail up.
  "aws_lightsail_database",
  "aws_lightsail_disk",
  // S3 Tables keep a table's history as Iceberg snapshots; the plan gate judges their maintenance settings.
  "aws_s3tables_table_bucket",
  "aws_s3tables_table",
  // S3 Glacier refuses to delete a vault that still holds archives; AWS Backup does not back vaults up.
  "aws_glacier_vault",
  "aws_kinesis_video_stream",
]);

/**
 * An FSx for Lustre scratch file system (deployment_type SCRATCH_1, the provider's default, or SCRATCH_2): FSx keeps
 * no automatic or final backup of one and AWS Backup cannot back it up, so only prevent_destroy is asked of it. A
 * deployment_type blastwall cannot read counts as persistent (asked for everything).
 */
export function isLustreScratch(stack: TfStack, r: TfResource): boolean {
  if (r.type !== "aws_fsx_lustre_file_system") return false;
  const t = readString(stack, r.values["deployment_type"]);
  return t.state === "unset" || (t.state === "set" && /^SCRATCH_/.test(t.value));
}

/** Whether AWS Backup cannot back `r` up at all, so no backup selection is asked of it. */
export function backupImpossible(stack: TfStack, r: TfResource): boolean {
  return BACKUP_CANNOT.has(r.type) || isLustreScratch(stack, r);
}

/**
 * The types that hold data as far as the protection rules know: the built-in ones and those whose AWS Backup
 * support is known. A config entry that reaches a resource only through a module prefix or a glob judges these
 * alone (red-team round 99): `module.db` holds its subnet, security and parameter groups too, and asking each of
 * them for prevent_destroy and a backup buried the database's own findings under acknowledgements.
 */
const DATA_TYPES: ReadonlySet<string> = new Set([...STATEFUL_TYPES, ...BACKUP_COVERS, ...BACKUP_CANNOT]);

/**
 * The resources the protection rules judge: the managed resources of `STATEFUL_TYPES`, and those the config's
 * `protected.types` and `protected.addresses` name (matched as the plan gate matches them; an entry naming one
 * instance covers its block, see `blockAddressMatch`): any type when an entry names the resource or its type
 * exactly, the `DATA_TYPES` when only a module prefix or a glob reaches it (see `configNaming`).
 */
export function statefulResources(stack: TfStack, config?: BlastwallConfig): readonly TfResource[] {
  let byConfig = stateful.get(stack);
  if (!byConfig) stateful.set(stack, (byConfig = new Map()));
  const key = config?.protected;
  let list = byConfig.get(key);
  if (!list) {
    const builtIn = STATEFUL_TYPES.flatMap((t) => (stack.byType.get(t) ?? []).filter((r) => r.mode === "managed"));
    // Most configs protect nothing more: then the built-in list is all, with no set of thousands to build.
    const more = configProtectedResources(stack, config);
    if (more.length === 0) list = builtIn;
    else {
      const known = new Set<TfResource>(builtIn);
      list = [...builtIn, ...more.filter((r) => !known.has(r))];
    }
    byConfig.set(key, list);
  }
  return list;
}

/** Several rules walk the same stateful resources: listed once per stack and `protected` section. */
const stateful = new WeakMap<TfStack, Map<unknown, readonly TfResource[]>>();

/** Managed resources the config's `protected` has check judge, in stack order. */
export function configProtectedResources(stack: TfStack, config?: BlastwallConfig): TfResource[] {
  if (!config?.protected?.types?.length && !config?.protected?.addresses?.length) return [];
  return stack.resources.filter((r) => r.mode === "managed" && configProtectionOf(r, config) !== undefined);
}

/**
 * How the config's `protected` reaches `r`: `exact` when an entry names it (its address, an instance of it, the
 * address without module keys) or its type, without `*`; otherwise through a module prefix or a glob. An exact
 * entry wins over a broad one, whatever their order; among each, types before addresses, as the plan gate reads.
 */
export function configNaming(r: TfResource, config?: BlastwallConfig): { readonly detail: string; readonly exact: boolean } | undefined {
  const p = config?.protected;
  if (!p) return undefined;
  let broad: string | undefined;
  for (const t of p.types ?? []) {
    if (!globMatch(t, r.type)) continue;
    const detail = `config protected.types lists ${JSON.stringify(t)}`;
    if (!t.includes("*")) return { detail, exact: true };
    broad ??= detail;
  }
  for (const a of p.addresses ?? []) {
    if (!blockAddressMatch(a, r.address)) continue;
    const detail = `config protected.addresses lists ${JSON.stringify(a)}`;
    if (!a.includes("*") && withoutInstanceKeys(a) === withoutInstanceKeys(r.address)) return { detail, exact: true };
    broad ??= detail;
  }
  return broad === undefined ? undefined : { detail: broad, exact: false };
}

/**
 * Why the config has check judge `r` ("config protected.types lists \"aws_docdb_cluster\""), or undefined: also
 * for a resource a module prefix or glob reaches whose type is not one of the `DATA_TYPES` (the plan gate still
 * blocks its destroy, which `configProtection` decides).
 */
export function configProtectionOf(r: TfResource, config?: BlastwallConfig): string | undefined {
  const n = configNaming(r, config);
  return n !== undefined && (n.exact || DATA_TYPES.has(r.type)) ? n.detail : undefined;
}

/** The evidence that a resource is judged because the config protects it: none for the types the rules know. */
export function protectedEvidence(r: TfResource, config?: BlastwallConfig): Evidence[] {
  if ((STATEFUL_TYPES as readonly string[]).includes(r.type)) return [];
  const why = configProtectionOf(r, config);
  return why ? [{ step: "protected", address: r.address, detail: why }] : [];
}

/** Config-protected resources of `types`, for a rule that reads an attribute only some types have. */
export function configProtectedOfTypes(stack: TfStack, config: BlastwallConfig, types: readonly string[]): TfResource[] {
  // Built-in types never appear in `types`, so the cached list is the config's resources of them.
  return statefulResources(stack, config).filter((r) => types.includes(r.type) && configProtectionOf(r, config) !== undefined);
}

/** A read replica holds a copy of another database: its source is what must be kept and backed up. */
export function isReadReplica(r: TfResource): boolean {
  const v = r.values["replicate_source_db"] ?? r.values["replication_source_identifier"];
  return typeof v === "string" && v !== "";
}

/** The provider configuration a resource uses: `aws`, `aws.backup`. */
export function providerKey(r: TfResource): string {
  const p = r.values["provider"];
  if (typeof p === "string" && p !== "") return p.replace(/^\$\{(.*)\}$/, "$1").trim();
  return r.type.split("_")[0];
}


/** Literal tags of a resource, provider `default_tags` under its own `tags`; token values are left out. */
export function literalTags(stack: TfStack, r: TfResource): Record<string, string> {
  const out: Record<string, string> = {};
  for (const source of [providerDefaultTags(stack, r), r.values["tags"]]) {
    if (!isObject(source)) continue;
    for (const [k, v] of Object.entries(source)) {
      if (typeof v === "string" && !hasInterpolation(v)) out[k] = v;
      else if (typeof v === "number" || typeof v === "boolean") out[k] = String(v);
      else delete out[k];
    }
  }
  return out;
}

/** True when `v` is `${<address>.<one of attributes>}` exactly. */
export function refersTo(v: unknown, address: string, attributes: readonly string[]): boolean {
  const ref = refTarget(v);
  return ref !== undefined && ref.address === address && ref.attribute !== undefined && attributes.includes(ref.attribute) && ref.path.length === 0;
}

/** A boolean protection setting a rule requires: which value is safe, what the provider does when it is unset. */
export interface BoolSetting {
  readonly types: readonly string[];
  readonly attribute: string;
  readonly safe: boolean;
  /** The provider's value when the attribute is not set; undefined when unset is acceptable. */
  readonly unsafeDefault?: boolean;
  /**
   * Why an unset attribute counts as unsafe when the provider gives no safe default (a required argument), in place
   * of unsafeDefault: "the provider requires it".
   */
  readonly unsetWhy?: string;
  /** What goes wrong, after the colon: "one DeleteDB call or destroy removes the database". */
  readonly consequence: string;
  /** The fix sentence. */
  readonly fix: string;
  readonly skip?: (r: TfResource) => boolean;
}

/**
 * Findings for every managed resource of `types` whose boolean setting is not certainly the safe value, and for
 * each of `also` (resources of other types the config protects that have the same setting with the same meaning).
 */
export function boolSettingFindings(stack: TfStack, s: BoolSetting, also: readonly TfResource[] = [], config?: BlastwallConfig): FindingDraft[] {
  const out: FindingDraft[] = [];
  for (const r of [...s.types.flatMap((t) => stack.byType.get(t) ?? []), ...also]) {
    if (r.mode !== "managed" || s.skip?.(r)) continue;
    const v = readBool(stack, r.values[s.attribute]);
    if (v.state === "set" && v.value === s.safe) continue;
    if (v.state === "unset" && s.unsafeDefault === undefined && s.unsetWhy === undefined) continue;
    const state =
      v.state === "unset" ? `does not set ${s.attribute} (${s.unsetWhy ?? `the provider default is ${s.unsafeDefault}`})`
      : v.state === "set" ? `sets ${s.attribute} = ${v.value}`
      : `sets ${s.attribute} to ${unknownText(v)} (the safe value is ${s.safe})`;
    const shown = v.state === "set" ? String(v.value) : v.state === "unset" ? "not set" : v.raw;
    out.push(resourceFinding(r, `${describe(r)} ${state}: ${s.consequence}. ${s.fix}`, [resourceEvidence(r, `${r.type}.${s.attribute}: ${shown}`), ...protectedEvidence(r, config)]));
  }
  return out;
}
