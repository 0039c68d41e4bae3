import { fail, isToken, requireString } from "./validate";

/**
 * The master user name of an RDS instance or Aurora cluster, checked against what RDS (or the engine it creates the
 * user in) certainly refuses at apply, so the refusal names the prop instead of failing CreateDBInstance halfway
 * through an apply. Only what is refused for sure is refused here: a name RDS might take passes, and the apply decides.
 */

/** The engines' own ceilings: PostgreSQL cuts identifiers at 63 bytes, MySQL user names are at most 32 characters. */
const MAX_LENGTH: readonly (readonly [RegExp, number, string])[] = [
  [/^(aurora-)?postgres(ql)?$/, 63, "PostgreSQL role names are at most 63 characters"],
  [/^(aurora-)?mysql$/, 32, "MySQL user names are at most 32 characters"],
];
/** No engine of RDS takes a longer one (SQL Server's, the longest, are at most 128). */
const MAX_ANY_ENGINE = 128;

/**
 * Names that exist in every database of the engine before the master user is made (RDS's own `rdsadmin`, Oracle's
 * SYS and SYSTEM, PostgreSQL's rds_superuser), or that PostgreSQL refuses as role names (`public`, `none`, `pg_...`).
 * `folds`: the engine takes the name case-insensitively (Oracle upper-cases an unquoted name).
 */
const RESERVED: readonly { readonly engines: RegExp; readonly names: readonly string[]; readonly prefix?: string; readonly folds: boolean; readonly why: string }[] = [
  { engines: /^(aurora-)?(postgres(ql)?|mysql)$|^mariadb$/, names: ["rdsadmin"], folds: false, why: "RDS keeps that user for itself in every database of this engine" },
  { engines: /^oracle-/, names: ["rdsadmin", "sys", "system"], folds: true, why: "the user already exists in every RDS for Oracle database (SYS and SYSTEM are Oracle's, RDSADMIN is RDS's), and Oracle takes an unquoted name in any case" },
  { engines: /^custom-oracle-/, names: ["sys", "system"], folds: true, why: "the user already exists in every Oracle database, and Oracle takes an unquoted name in any case" },
  { engines: /^(aurora-)?postgres(ql)?$/, names: ["public", "none", "rds_superuser"], prefix: "pg_", folds: false, why: "PostgreSQL reserves public, none and names starting with pg_, and RDS makes the rds_superuser role before the master user" },
];

export function requireMasterUsername(C: string, prop: string, value: unknown, engine: string): string {
  requireString(C, prop, value, "the master user's name, like dbadmin");
  // A reference (a variable) is decided at apply; only a literal name can be checked here.
  if (isToken(value)) return value;
  const got = `(got ${JSON.stringify(value)})`;
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(value)) {
    fail(C, prop, `must start with a letter and hold only letters, digits and _ ${got}: RDS refuses any other master user name, and the apply would fail. Use a name like dbadmin or app_admin`);
  }
  const [, max, why] = MAX_LENGTH.find(([e]) => e.test(engine)) ?? [undefined, MAX_ANY_ENGINE, `no RDS engine takes more than ${MAX_ANY_ENGINE}`];
  if (value.length > max) fail(C, prop, `must be at most ${max} characters for engine "${engine}" (got ${value.length}, "${value}"): ${why}, and the apply would fail`);
  for (const r of RESERVED) {
    if (!r.engines.test(engine)) continue;
    const name = r.folds ? value.toLowerCase() : value;
    if (r.names.includes(name) || (r.prefix !== undefined && name.startsWith(r.prefix))) {
      fail(C, prop, `must not be "${value}" for engine "${engine}": ${r.why}, so RDS cannot make the master user and the apply would fail. Use a name of your own, like dbadmin`);
    }
  }
  return value;
}
