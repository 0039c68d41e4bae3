/**
 * Database master passwords in the stack. Whoever holds one can connect as the master user and drop every database
 * on the instance: as much a destroy right as `rds:DeleteDBInstance`, and no IAM Deny on the RDS API stops it. The
 * April 2026 path (find a stored credential, then destroy with it) often runs through one.
 *
 * A password is recognised where the stack shows it: the expression the database is given (`random_password.db.result`,
 * `var.db_password`, a data source's `secret_string`, a literal) appearing in a stored value; and the secrets RDS
 * manages itself (`manage_master_user_password`), named `rds!db-...` / `rds!cluster-...`.
 */
import type { TfResource, TfStack } from "../terraform/types";

/** Database types and where each takes its master password (a path of nested attributes). */
const PASSWORD_ARGUMENTS: readonly (readonly [type: string, path: readonly string[]])[] = [
  ["aws_db_instance", ["password"]],
  ["aws_db_instance", ["password_wo"]],
  ["aws_rds_cluster", ["master_password"]],
  ["aws_rds_cluster", ["master_password_wo"]],
  ["aws_docdb_cluster", ["master_password"]],
  ["aws_redshift_cluster", ["master_password"]],
  ["aws_redshiftserverless_namespace", ["admin_user_password"]],
  ["aws_opensearch_domain", ["advanced_security_options", "master_user_options", "master_user_password"]],
  ["aws_elasticsearch_domain", ["advanced_security_options", "master_user_options", "master_user_password"]],
  ["aws_lightsail_database", ["master_password"]],
];

/** The secrets RDS creates for `manage_master_user_password`, by the kind of database. */
const MANAGED_SECRET: Readonly<Record<string, string>> = {
  aws_db_instance: "arn:aws:secretsmanager:*:*:secret:rds!db-*",
  aws_rds_cluster: "arn:aws:secretsmanager:*:*:secret:rds!cluster-*",
};

/** What a database's password is written as: references to look for in stored values, or a literal. */
export interface DatabasePassword {
  readonly database: string;
  /** `random_password.db`, `var.db_password`, `data.aws_secretsmanager_secret_version.db`: named inside `${...}`. */
  readonly refs: readonly string[];
  /** The password itself, when written out (long enough not to match by chance). */
  readonly literal?: string;
}

const REF = /(?<![A-Za-z0-9_.-])((?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+)/g;

const cache = new WeakMap<TfStack, { passwords: readonly DatabasePassword[]; managed: readonly { database: string; secret: string }[] }>();

function index(stack: TfStack): { passwords: readonly DatabasePassword[]; managed: readonly { database: string; secret: string }[] } {
  let c = cache.get(stack);
  if (c) return c;
  const passwords: DatabasePassword[] = [];
  const managed: { database: string; secret: string }[] = [];
  for (const [type, path] of PASSWORD_ARGUMENTS) {
    for (const db of stack.byType.get(type) ?? []) {
      if (db.mode !== "managed") continue;
      const v = at(db, path);
      if (typeof v !== "string" || v === "") continue;
      if (v.includes("${")) {
        const refs = [...new Set([...v.matchAll(REF)].map((m) => m[1]).filter((r) => !/^(each|count|path|terraform|self)\./.test(r)))];
        if (refs.length > 0) passwords.push({ database: db.address, refs });
      } else if (v.length >= 8) passwords.push({ database: db.address, refs: [], literal: v });
    }
  }
  for (const [type, secret] of Object.entries(MANAGED_SECRET)) {
    for (const db of stack.byType.get(type) ?? []) {
      const m = db.values["manage_master_user_password"];
      if (db.mode === "managed" && (m === true || m === "true" || (typeof m === "string" && m.includes("${")))) managed.push({ database: db.address, secret });
    }
  }
  cache.set(stack, (c = { passwords, managed }));
  return c;
}

function at(r: TfResource, path: readonly string[]): unknown {
  let v: unknown = r.values;
  for (const k of path) {
    if (Array.isArray(v)) v = v[0];
    if (!v || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

/** The databases whose master password the stored strings hold. */
export function databasesIn(stack: TfStack, strings: readonly string[]): string[] {
  const { passwords } = index(stack);
  if (passwords.length === 0) return [];
  const out = new Set<string>();
  for (const s of strings) {
    for (const p of passwords) {
      if (p.literal !== undefined ? s.includes(p.literal) : s.includes("${") && p.refs.some((r) => mentions(s, r))) out.add(p.database);
    }
  }
  return [...out];
}

/** `s` names `ref` as a whole reference (`random_password.db` in `${random_password.db.result}`, not `random_password.db2`). */
function mentions(s: string, ref: string): boolean {
  let i = s.indexOf(ref);
  while (i >= 0) {
    const before = i === 0 ? "" : s[i - 1];
    const after = s[i + ref.length] ?? "";
    if (!/[A-Za-z0-9_.-]/.test(before) && !/[A-Za-z0-9_-]/.test(after)) return true;
    i = s.indexOf(ref, i + 1);
  }
  return false;
}

/** Databases of the stack whose RDS-managed master secret a read on `pattern` may reach. */
export function managedSecretsReached(stack: TfStack, pattern: string, intersects: (a: string, b: string) => boolean): { database: string; secret: string }[] {
  return index(stack).managed.filter((m) => intersects(pattern, m.secret));
}
