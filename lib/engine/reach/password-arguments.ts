/**
 * Where each kind of database takes its master password: the table database-passwords.ts reads passwords by, kept
 * apart so that a caller can tell whether a stack has any such database without loading that module (lib/engine/lazy.ts).
 */

/** Database types and where each takes its master password (a path of nested attributes). */
export const PASSWORD_ARGUMENTS: readonly (readonly [type: string, path: readonly string[]])[] = [
  ["aws_db_instance", ["password"]],
  ["aws_db_instance", ["password_wo"]],
  ["aws_rds_cluster", ["master_password"]],
  ["aws_rds_cluster", ["master_password_wo"]],
  ["aws_redshift_cluster", ["master_password_wo"]],
  ["aws_docdb_cluster", ["master_password_wo"]],
  // Redis / Valkey ACL users (ElastiCache, MemoryDB) can FLUSHALL like the AUTH token.
  ["aws_elasticache_user", ["passwords"]],
  ["aws_elasticache_user", ["authentication_mode", "passwords"]],
  ["aws_memorydb_user", ["authentication_mode", "passwords"]],
  ["aws_docdb_cluster", ["master_password"]],
  ["aws_redshift_cluster", ["master_password"]],
  ["aws_redshiftserverless_namespace", ["admin_user_password"]],
  // Write-only forms (AWS provider 6, Terraform 1.11+): kept out of state, but a literal is as plain in the source
  // (red-team round 127, F3). OpenSearch's is proposed upstream (terraform-provider-aws PR 43621): no cost until then.
  ["aws_redshiftserverless_namespace", ["admin_user_password_wo"]],
  ["aws_elasticache_user", ["passwords_wo"]],
  ["aws_elasticache_replication_group", ["auth_token_wo"]],
  ["aws_opensearch_domain", ["advanced_security_options", "master_user_options", "master_user_password_wo"]],
  ["aws_opensearch_domain", ["advanced_security_options", "master_user_options", "master_user_password"]],
  ["aws_elasticsearch_domain", ["advanced_security_options", "master_user_options", "master_user_password"]],
  ["aws_lightsail_database", ["master_password"]],
  ["aws_docdbelastic_cluster", ["admin_user_password"]],
  // A Redis or Valkey AUTH token lets its holder FLUSHALL.
  ["aws_elasticache_replication_group", ["auth_token"]],
  // Admins of data services outside IAM (red-team round 106, A6): the InfluxDB operator deletes buckets over its API,
  // fsxadmin and an SVM's vsadmin delete volumes on the ONTAP endpoint, an MQ user may delete queues and their messages.
  ["aws_timestreaminfluxdb_db_instance", ["password"]],
  ["aws_timestreaminfluxdb_db_cluster", ["password"]],
  ["aws_fsx_ontap_file_system", ["fsx_admin_password"]],
  ["aws_fsx_ontap_storage_virtual_machine", ["svm_admin_password"]],
  ["aws_mq_broker", ["user", "password"]],
  // The database user a DMS endpoint connects as (often its master): it may drop what it migrates.
  ["aws_dms_endpoint", ["password"]],
];

/** The values at `path`, in every block of a repeated one (an MQ broker's users); a list at the end (ACL users' passwords) gives each. */
export function passwordValuesAt(r: { readonly values: Readonly<Record<string, unknown>> }, path: readonly string[]): readonly unknown[] {
  // Asked of every database for each of its password arguments, and most have none: answer that without building lists.
  if (path.length === 1 && !Array.isArray(r.values[path[0]])) return r.values[path[0]] === undefined ? NONE : [r.values[path[0]]];
  let values: unknown[] = [r.values];
  for (const k of path) values = values.flatMap((v) => (Array.isArray(v) ? v : [v])).flatMap((v) => (v && typeof v === "object" ? [(v as Record<string, unknown>)[k]] : []));
  return values.flatMap((v) => (Array.isArray(v) ? v : [v]));
}

const NONE: readonly unknown[] = Object.freeze([]);

/** The types of database that take a master password. */
export const PASSWORD_TYPES: ReadonlySet<string> = new Set(PASSWORD_ARGUMENTS.map(([type]) => type));

/** The top-level arguments (or blocks) a `type` resource takes its own master password in; none for other types. */
export function passwordArguments(type: string): string[] {
  return PASSWORD_ARGUMENTS.filter(([t]) => t === type).map(([, path]) => path[0]);
}
