/**
 * Database master passwords in the stack. Whoever holds one can connect as the master user and drop every database
 * on the instance: as much a destroy right as `rds:DeleteDBInstance`, and no IAM Deny on the RDS API stops it. The
 * April 2026 path (find a stored credential, then destroy with it) often runs through one.
 *
 * A password is recognised where the stack shows it: the expression the database is given (`random_password.db.result`,
 * `var.db_password`, a data source's `secret_string`, a literal) appearing in a stored value; and the secrets RDS
 * manages itself (`manage_master_user_password`), named `rds!db-...` / `rds!cluster-...`.
 */
import { withoutInstanceKeys } from "../agents";
import type { TfResource, TfStack } from "../terraform/types";
import { stringsIn } from "../json";
import { resolveToPattern } from "../terraform/tokens";
import { globsIntersect } from "../iam/glob";
import { PASSWORD_ARGUMENTS, passwordValuesAt as at } from "./password-arguments";
import { configuredReferences, unseenNamesIn } from "./credential-references";
import { relayOf } from "./password-relays";
import { readArgument } from "../terraform/ephemeral-blocks";

/** The secrets RDS creates for `manage_master_user_password`, by the kind of database. */
const MANAGED_SECRET: Readonly<Record<string, { readonly secret: string; readonly flag: string; readonly attribute: string }>> = {
  aws_db_instance: { secret: "arn:aws:secretsmanager:*:*:secret:rds!db-*", flag: "manage_master_user_password", attribute: "master_user_secret" },
  aws_rds_cluster: { secret: "arn:aws:secretsmanager:*:*:secret:rds!cluster-*", flag: "manage_master_user_password", attribute: "master_user_secret" },
  // DocumentDB keeps its managed password in an rds!cluster secret too; Redshift in a redshift! one.
  aws_docdb_cluster: { secret: "arn:aws:secretsmanager:*:*:secret:rds!cluster-*", flag: "manage_master_user_password", attribute: "master_user_secret" },
  aws_redshift_cluster: { secret: "arn:aws:secretsmanager:*:*:secret:redshift!*", flag: "manage_master_password", attribute: "master_password_secret_arn" },
};

/** Secret name prefixes AWS reserves for the master passwords it manages. */
export const MANAGED_SECRET_PREFIX = /:secret:(rds|redshift)!/i;

/** What a database's password is written as: references to look for in stored values, or a literal. */
export interface DatabasePassword {
  readonly database: string;
  /** The argument is write-only (`password_wo`): Terraform keeps it out of state. */
  readonly writeOnly: boolean;
  /** `random_password.db`, `var.db_password`, `data.aws_secretsmanager_secret_version.db`: named inside `${...}`. */
  readonly refs: readonly string[];
  /** The password itself, when written out (long enough not to match by chance). */
  readonly literal?: string;
  /** What a plan's configuration names it made from but no plan shows (a local, an output of a module left out). */
  readonly unseen?: readonly string[];
}

/**
 * `random_password.db.result`, `data.aws_secretsmanager_secret_version.db.secret_string`, `var.pw`, `local.x`,
 * `module.m.data.aws_ssm_parameter.pw.value`, `module.m.password` (an output): an address, its module path first, and
 * when written, the attribute (an instance key between them is dropped).
 */
const REF = /(?<![A-Za-z0-9_.-])((?:module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.)*(?:data\.|ephemeral\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+)(?:\[[^\]]*\])?((?:\.[A-Za-z0-9_-]+)?)/g;

/** The leading `module.NAME.` segments of a reference. */
const MODULE_PREFIX = /^(?:module\.[A-Za-z0-9_-]+\.)*/;

/** How many dot-separated parts of `ref` (instance keys left out) name the object: its module path, its mode, type and name. */
function addressLength(ref: string): number {
  const prefix = MODULE_PREFIX.exec(ref)![0];
  const rest = ref.slice(prefix.length);
  return prefix.split(".").length - 1 + (/^(?:data|ephemeral)\./.test(rest) ? 3 : 2);
}

/** A database whose master password RDS (or Redshift) keeps in a secret: the secret's ARN pattern, and the attribute naming it. */
export interface ManagedPassword {
  readonly database: string;
  readonly secret: string;
  /** `master_user_secret` (its `secret_arn`), or Redshift's `master_password_secret_arn`. */
  readonly attribute: string;
}

interface Index {
  readonly passwords: readonly DatabasePassword[];
  readonly managed: readonly ManagedPassword[];
  readonly readBacks: readonly ReadBack[];
}

const cache = new WeakMap<TfStack, Index>();

function index(stack: TfStack): Index {
  let c = cache.get(stack);
  if (c) return c;
  const passwords: DatabasePassword[] = [];
  const managed: ManagedPassword[] = [];
  for (const [type, path] of PASSWORD_ARGUMENTS) {
    for (const db of stack.byType.get(type) ?? []) {
      if (db.mode !== "managed") continue;
      for (const v of at(db, path)) {
        if (typeof v !== "string" || v === "") continue;
        // The database's own attribute holds the password too (`aws_db_instance.prod.password`, plain text in state).
        const refs = new Set<string>([`${db.address}.${path[path.length - 1]}`]);
        let literal: string | undefined;
        if (v.includes("${")) {
          for (const r of refsIn(stack, v, new Set())) refs.add(r);
          const exact = resolveToPattern(stack, v);
          if (exact.exact && exact.pattern.length >= 8) literal = exact.pattern;
        } else if (v.length >= 8) literal = v;
        const writeOnly = path[path.length - 1].endsWith("_wo");
        passwords.push({ database: db.address, writeOnly, refs: [...refs], ...(literal !== undefined ? { literal } : {}) });
      }
    }
  }
  passwords.push(...configuredPasswords(stack));
  for (const [type, { secret, flag, attribute }] of Object.entries(MANAGED_SECRET)) {
    for (const db of stack.byType.get(type) ?? []) {
      const m = db.values[flag];
      if (db.mode === "managed" && (m === true || m === "true" || (typeof m === "string" && m.includes("${")))) managed.push({ database: db.address, secret, attribute });
    }
  }
  for (const m of managed) {
    // Read back into the stack, the password is the data source's attribute, in state in plain text.
    const refs = managedReads(stack, m);
    if (refs.length > 0) passwords.push({ database: m.database, writeOnly: false, refs });
  }
  cache.set(stack, (c = { passwords, managed, readBacks: readBacksIn(stack, passwords) }));
  return c;
}

/**
 * The passwords a plan's configuration shows a database given (red-team round 168, F2): a plan shows a write-only
 * password (`password_wo`) as null and one made by the same plan (`random_password.db.result`) as unknown, so the
 * value says nothing; the configuration's references (module paths resolved) still name what it was made from, and a
 * store whose configuration names the same is found by them. A block's references (OpenSearch's
 * `advanced_security_options`) all count: the plan does not say which of its arguments each comes from (fail closed).
 * Marked write-only: what they show is the configuration, not a password the database's own state holds.
 */
function configuredPasswords(stack: TfStack): DatabasePassword[] {
  const out: DatabasePassword[] = [];
  const seen = new Set<string>();
  for (const [type, path] of PASSWORD_ARGUMENTS) {
    for (const db of stack.byType.get(type) ?? []) {
      const key = `${db.address} ${path[0]}`;
      if (db.mode !== "managed" || seen.has(key)) continue;
      seen.add(key);
      // A name no plan shows (`unseenMarker`) says nothing a store can be matched by: the store side fails closed.
      const configured = configuredReferences(db)?.get(path[0]) ?? [];
      const named = configured.filter((r) => unseenNamesIn([r]).length === 0).map((r) => r.replace(/^\$\{|\}$/g, ""));
      // What they are made of too: a relay's argument (`terraform_data.pw.input`), a local's value (red-team round 171b, F1).
      const refs = [...new Set([...named, ...refsIn(stack, named.map((r) => `\${${r}}`), new Set())])];
      // ... yet it may be read back from a store (red-team round 170, F2): `readBacksIn` fails closed on it.
      const unseen = unseenNamesIn(configured);
      if (refs.length > 0 || unseen.length > 0) out.push({ database: db.address, writeOnly: true, refs, ...(unseen.length > 0 ? { unseen } : {}) });
    }
  }
  return out;
}

/** Data sources that read a secret's value back, and the attributes that hold it. */
const SECRET_READS: Readonly<Record<string, readonly string[]>> = {
  aws_secretsmanager_secret_version: ["secret_string", "secret_binary"],
  aws_secretsmanager_secret_versions: ["versions"],
};
/** A secret name AWS reserves for the master passwords it manages (`rds!db-...`, `rds!cluster-...`, `redshift!...`). */
const MANAGED_NAME = /(?:^|:secret:)(?:rds|redshift)!/;

/**
 * The data sources that read back the secret RDS (or Redshift) keeps a database's master password in (red-team round
 * 106, A4); its value is JSON holding the password. One counts whose `secret_id` names the database's secret attribute
 * (`aws_db_instance.db.master_user_secret[0].secret_arn`), directly, through locals and variables or through a
 * `data.aws_secretsmanager_secret` naming it, or is an ARN or name of a secret AWS keeps for that kind of database.
 */
function managedReads(stack: TfStack, m: ManagedPassword): string[] {
  const names = (v: unknown, refs: readonly string[]) => {
    const strings = typeof v === "string" ? [v] : [];
    // The locals and variables the id names, followed once each (refsIn lists them).
    for (const r of refsIn(stack, v, new Set())) {
      const [kind, name] = r.split(".");
      if (kind === "local" && stack.locals.has(name)) stringsIn(stack.locals.get(name), strings);
      if (kind === "var" && stack.variables.has(name)) stringsIn(stack.variables.get(name), strings);
    }
    return strings.some((s) => s.includes("${") && refs.some((r) => mentions(s, r)));
  };
  const secret = [`${m.database}.${m.attribute}`];
  for (const s of stack.byType.get("aws_secretsmanager_secret") ?? []) if (s.mode === "data" && (names(s.values.arn, secret) || names(s.values.name, secret))) secret.push(s.address);
  const out: string[] = [];
  for (const [type, attributes] of Object.entries(SECRET_READS)) {
    for (const d of stack.byType.get(type) ?? []) {
      if (d.mode === "data" && (names(d.values.secret_id, secret) || managedId(stack, d.values.secret_id, m.secret))) out.push(...attributes.map((a) => `${d.address}.${a}`));
    }
  }
  return out;
}

/** Whether a secret id is written as (or resolves to) a secret AWS keeps for the kind of database `secret` is the pattern of. */
function managedId(stack: TfStack, id: unknown, secret: string): boolean {
  if (typeof id !== "string") return false;
  const { pattern } = resolveToPattern(stack, id);
  if (!MANAGED_NAME.test(pattern)) return false;
  return globsIntersect(pattern.startsWith("arn:") ? pattern : `arn:aws:secretsmanager:*:*:secret:${pattern}*`, secret);
}

/**
 * The references a password expression is made of, through the locals and variables it names (`local.pw` whose value
 * is `random_password.db.result` gives both). A generated password counts by its `.result` only: `.bcrypt_hash` is
 * no password.
 */
function refsIn(stack: TfStack, v: unknown, seen: Set<string>): string[] {
  const out: string[] = [];
  for (const s of typeof v === "string" ? [v] : stringsIn(v)) {
    if (!s.includes("${")) continue;
    for (const m of s.matchAll(REF)) {
      const base = m[1];
      // A resource or data source counts by the attribute written (its ARN or a bcrypt hash is no password); a
      // generated password by its `.result`.
      const bare = withoutInstanceKeys(base);
      const attr = /^(?:ephemeral\.)?random_(password|string)\./.test(bare.replace(MODULE_PREFIX, "")) ? ".result" : /^(var|local)\./.test(bare) ? "" : m[2];
      const r = `${bare}${attr}`;
      if (/^(each|count|path|terraform|self)\./.test(r) || seen.has(r)) continue;
      seen.add(r);
      out.push(r);
      const [kind, name] = r.split(".");
      if (kind === "local" && stack.locals.has(name)) out.push(...refsIn(stack, stack.locals.get(name), seen));
      if (kind === "var" && stack.variables.has(name)) out.push(...refsIn(stack, stack.variables.get(name), seen));
      // A managed resource hands on what it was given (`terraform_data.pw.output` is its `input`, red-team round 171b).
      const relay = relayOf(stack, r);
      if (relay && relay.given.length > 0) out.push(...refsIn(stack, relay.given, seen));
    }
  }
  return out;
}


/** The databases of the stack that take a master password (their passwords are in its state, in plain text). */
export function databasesWithPasswords(stack: TfStack): string[] {
  return [...new Set(index(stack).passwords.filter((p) => !p.writeOnly).map((p) => p.database))];
}

/** Every master password of the stack's databases, as `databasesIn` recognises them. */
export function databasePasswords(stack: TfStack): readonly DatabasePassword[] {
  return index(stack).passwords;
}

/** The databases of the stack whose master password RDS or Redshift manages in a secret. */
export function managedPasswords(stack: TfStack): readonly ManagedPassword[] {
  return index(stack).managed;
}

/**
 * A global pattern matching `ref` wherever `mentions` sees it (an instance key after the address included). For a
 * reference with an attribute, group 1 is set where the address is named as a whole object (`jsonencode(random_password.db)`).
 */
export function mentionPattern(ref: string): RegExp {
  return new RegExp(mentionSource(ref), "g");
}

/**
 * The pattern of `ref` as a whole reference: an instance key may follow its address when an attribute comes after. The
 * address alone (no attribute after it, an instance key at most) is the whole object, which holds the attribute too
 * (red-team round 106, A4 and A5); another attribute after it (`.endpoint`, `.public_key_pem`) is not the secret.
 */
function mentionSource(ref: string): string {
  const parts = ref.split(".");
  const cut = addressLength(ref);
  const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  // A module's instance key may follow its name (`module.m["a"].data...`).
  const modules = (MODULE_PREFIX.exec(ref)![0].split(".").length - 1) / 2;
  const address = parts
    .slice(0, cut)
    .map((x, k) => esc(x) + (k < 2 * modules && k % 2 === 1 ? "(?:\\[[^\\]]*\\])?" : ""))
    .join("\\.");
  if (parts.length <= cut) return `(?<![A-Za-z0-9_.-])${address}(?![A-Za-z0-9_-])`;
  return `(?<![A-Za-z0-9_.-])${address}(?:\\[[^\\]]*\\])?(?:\\.${esc(parts.slice(cut).join("."))}(?![A-Za-z0-9_-])|()(?![A-Za-z0-9_.[-]))`;
}

/**
 * Whether `s` names `ref` (as `mentionPattern` finds it): a whole object counts unless `lookup` picks another
 * attribute of it by a literal name (`lookup(random_password.db, "id", "")`).
 */
export function mentionsRef(s: string, ref: string, re: RegExp = mentionPattern(ref)): boolean {
  const attribute = ref.split(".")[addressLength(ref)];
  for (const m of s.matchAll(re)) {
    if (m[1] === undefined || attribute === undefined) return true;
    const before = s.slice(0, m.index);
    const picked = /^\s*,\s*"([^"]*)"\s*[,)]/.exec(s.slice(m.index + m[0].length));
    if (!(/\blookup\(\s*$/.test(before) && picked && picked[1] !== attribute)) return true;
  }
  return false;
}

/**
 * A literal password this short may be a word of other text (`postgres`, `changeme`, `password`): it counts as a token,
 * and not where it is certainly a word of a sentence or of a path (red-team rounds 106, B1, 107, F3, and 109, F2). A
 * longer one (a generated password written out, a plan's value) is not found by chance, and counts anywhere.
 */
export function shortLiteral(literal: string): boolean {
  return literal.length < 16;
}

/**
 * Whether `s` holds the literal password: anywhere for a long one. A short one counts as a token no letter, digit,
 * `_`, `.` or `-` runs on from (`PASS-15-primary` does not hold PASS; mysql's `-pPASS` does), wherever it stands
 * (a `.pgpass` field, an XML element, `sshpass -p PASS`, `echo PASS |`, a value, a quoted string, a URL's user part):
 * fail closed, as the ways of writing a password down are too many to list. Only two places are left out, where a
 * word is certainly no password: between words of a sentence ("the password is in Secrets Manager") and a segment of
 * a path (`/app/db/password`; Oracle's `app/PASS` is none), and even there it counts after a password key or option
 * (`password: PASS is old`, `login app password PASS machine`, `IDENTIFIED BY PASS ACCOUNT UNLOCK`) or before `@`
 * (`app/PASS@orcl`).
 */
export function holdsLiteral(s: string, literal: string): boolean {
  if (!shortLiteral(literal)) return s.includes(literal);
  const word = /[A-Za-z0-9_.-]/;
  for (let i = s.indexOf(literal); i >= 0; i = s.indexOf(literal, i + 1)) {
    const end = i + literal.length;
    // mysql and others take the password glued to `-p`.
    const glued = /(^|[\s"'`=])-p$/.test(s.slice(Math.max(0, i - 3), i));
    if ((i > 0 && word.test(s[i - 1]) && !glued) || (end < s.length && word.test(s[end]))) continue;
    if (glued || givenAsCredential(s, i, end) || !wordOfText(s, i, end)) return true;
  }
  return false;
}

/** Whether the text before `s[i, end)` gives it as a credential (`holdsLiteral`); a key is read back a short way only. */
function givenAsCredential(s: string, i: number, end: number): boolean {
  const before = s.slice(Math.max(0, i - 80), i);
  if (s[end] === "@" && /(:|\/)$/.test(before)) return true;
  // A key (`db_password: PASS`, `password is PASS`, a .netrc's `password PASS`, SQL's `IDENTIFIED BY PASS`) or an option
  // (`--password PASS`, `-p PASS`).
  return (
    /(pass|pwd|pw|secret)[A-Za-z0-9_-]*["']?[ \t]*(:|\bis)?[ \t]*$/i.test(before) ||
    /\bidentified[ \t]+by[ \t]+$/i.test(before) ||
    /(^|\s)(--?[A-Za-z0-9-]*(pass|pwd)[A-Za-z0-9-]*|-p)[ \t]+$/i.test(before)
  );
}

/**
 * Whether `s[i, end)` is certainly a word of prose or of a path: a word of letters (and a `,`, `:` or `;` after it)
 * and spaces before it, and spaces and a letter after it, a `,` or `:` between (a word at either end of the text may
 * be a value given; one before a `;` ends a command or a statement: `add_user app PASS; next`); or a segment of a path,
 * with a `/` after it or in a path that starts at the root, the home or the working directory (`/app/db/PASS`,
 * `~/PASS`) or past a URL's host. `user/PASS` starting a token is Oracle's credential (`sqlplus app/PASS`, red-team
 * round 110, F4), and so is a relative path (fail closed).
 */
function wordOfText(s: string, i: number, end: number): boolean {
  if (s[end] === "/") return true;
  if (s[i - 1] === "/") return PATH_START.test(/[^\s"'`=,;(<>|&]*$/.exec(s.slice(Math.max(0, i - 200), i))![0]);
  return /(^|[\s(])[A-Za-z]+[,:;]?[ \t]+$/.test(s.slice(Math.max(0, i - 80), i)) && /^[,:]?[ \t]+[A-Za-z]/.test(s.slice(end, end + 3));
}

/** How a path a token is a segment of starts, when it is certainly a path: `/`, `./`, `../`, `~/`, or a URL's host. */
const PATH_START = /^(?:\.{0,2}\/|~[A-Za-z0-9_.-]*\/|[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/]*\/)/;

/** The databases whose master password the stored strings hold. */
export function databasesIn(stack: TfStack, strings: readonly string[]): string[] {
  const { passwords } = index(stack);
  if (passwords.length === 0) return [];
  const out = new Set<string>();
  for (const s of strings) {
    for (const p of passwords) {
      if (p.literal !== undefined ? holdsLiteral(s, p.literal) : s.includes("${") && p.refs.some((r) => mentions(s, r))) out.add(p.database);
    }
  }
  return [...out];
}

/**
 * The databases whose master password stored strings may hold though blastwall cannot tell, and why: a plan's value
 * made from what no plan shows (a local, an output of a module left out of the configuration) may be any of them
 * (red-team round 168, F3). Those `databasesIn` finds are left out: they are certain.
 */
export function databasesMaybeIn(stack: TfStack, strings: readonly string[], certain: readonly string[]): Map<string, string> {
  const names = unseenNamesIn(strings);
  const out = new Map<string, string>();
  if (names.length === 0) return out;
  const why =
    `its value is made from ${names.join(", ")}, which a plan does not show, so blastwall cannot tell it from the password (fail closed; ` +
    `give the store and the database the same variable or resource attribute, which the plan's configuration shows, to be matched exactly)`;
  for (const p of index(stack).passwords) if (!certain.includes(p.database)) out.set(p.database, why);
  return out;
}

/** The store types a password can be read back from (READ_BACKS' `store`s): credentials.ts asks a principal's reads of these before loading this module. */
export const READ_BACK_STORE_TYPES: readonly string[] = ["aws_secretsmanager_secret", "aws_ssm_parameter"];

/**
 * Data sources and ephemeral resources that read a store's current value back, by type: the argument naming the store,
 * and the type of the store. A database given what one reads (`password = data.aws_secretsmanager_secret_version.db.
 * secret_string`, HashiCorp's write-only pattern with `ephemeral "aws_secretsmanager_secret_version"`) has the store's
 * value as its password, whatever the stack shows the store holds (red-team round 169, F1).
 */
export const READ_BACKS: Readonly<Record<string, ReadBackSpec>> = {
  aws_secretsmanager_secret_version: { id: "secret_id", store: "aws_secretsmanager_secret" },
  aws_secretsmanager_secret_versions: { id: "secret_id", store: "aws_secretsmanager_secret" },
  aws_ssm_parameter: { id: "name", store: "aws_ssm_parameter" },
  // Every parameter under the path (its direct children, or all below with `recursive`: counted all, fail closed).
  aws_ssm_parameters_by_path: { id: "path", store: "aws_ssm_parameter", prefix: true },
};

interface ReadBackSpec {
  /** The argument naming the store. */
  readonly id: string;
  readonly store: string;
  /** The argument is a path: every store named under it is read. */
  readonly prefix?: boolean;
}

/**
 * Data sources a password may be made from that read no store (red-team round 170, F1): what the stack shows of them
 * is all there is. Any other data source or ephemeral resource may read a store blastwall does not know
 * (`aws_kms_secrets`, another provider's secret store, `terraform_remote_state`): fail closed.
 */
const NO_STORE_READ: ReadonlySet<string> = new Set([
  // Generate a password (`ephemeral "random_password"`, GetRandomPassword): a store holding it names the same
  // attribute, and is found by it.
  "random_password",
  "random_string",
  "aws_secretsmanager_random_password",
  // KMS Decrypt of a ciphertext written in the configuration (red-team round 172, F4): no secret or parameter is
  // read. Who may decrypt the ciphertext is a question of the key's grants, not of a store.
  "aws_kms_secrets",
  "aws_region",
  "aws_caller_identity",
  "aws_partition",
]);

/** `module.m.data.aws_secretsmanager_secret_version.db` (an instance key and attribute may follow): groups are the module path, the mode, the type and the name. */
const READ_BACK_REF = /^((?:module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.)*)(data|ephemeral)\.([a-z0-9_]+)\.([A-Za-z0-9_-]+)/;

/**
 * What a reference names when it is a module's output (`module.m.password`, `module.m.creds.password`) or a whole
 * module (`module.m`, every output), not a resource of the module the stack shows: the output and why it is not followed.
 */
function moduleOutput(stack: TfStack, ref: string): { via: string; why: string } | undefined {
  if (/^module\.[A-Za-z0-9_-]+$/.test(ref)) return { via: ref, why: `it is module ${ref} as a whole, whose outputs blastwall cannot follow to what they are made from` };
  const prefix = MODULE_PREFIX.exec(ref)![0];
  if (prefix === "") return undefined;
  const parts = ref.slice(prefix.length).split(".");
  if (parts.length >= 2 && stack.byAddress.has(`${prefix}${parts[0]}.${parts[1]}`)) return undefined;
  if (parts.length >= 2 && (stack.byType.get(parts[0]) ?? []).some((r) => withoutInstanceKeys(r.address) === `${prefix}${parts[0]}.${parts[1]}`)) return undefined;
  const module = prefix.slice(0, -1);
  return {
    via: `${module}.${parts[0]}`,
    why: `it is output ${parts[0]} of ${module}, which blastwall cannot follow to what it is made from (a module it does not read, or an output it cannot evaluate)`,
  };
}

/** A database password read back from a store: the stores of the stack it reads, or why blastwall cannot tell which. */
export interface ReadBack {
  readonly database: string;
  /** What reads it (`ephemeral.aws_secretsmanager_secret_version.db`, `module.secrets.password`). */
  readonly via: string;
  /** The types of store it may read (both kinds where blastwall does not know what `via` reads). */
  readonly storeTypes: readonly string[];
  /** The stores of the stack it reads (addresses); empty when unresolved. */
  readonly stores: readonly string[];
  /** Why blastwall cannot tell which store it reads: any it reads may hold the password (fail closed). */
  readonly unresolved?: string;
  /** `via` is no read-back blastwall knows: it may read a store, and what it reads is unknown. */
  readonly unknown?: boolean;
  /**
   * Stores outside the stack it reads, named by a literal no store of the stack has (red-team round 172, F1 and F2):
   * the name as written, and the ARN pattern a grant must match to read it.
   */
  readonly outside?: readonly OutsideStore[];
}

/** A store a read-back names by a literal name or ARN that no store of the stack has. */
export interface OutsideStore {
  readonly name: string;
  readonly arn: string;
}

function readBacksIn(stack: TfStack, passwords: readonly DatabasePassword[]): ReadBack[] {
  const out: ReadBack[] = [];
  const seen = new Set<string>();
  const add = (p: DatabasePassword, via: string, rb: () => Omit<ReadBack, "database" | "via">) => {
    if (seen.has(`${p.database} ${via}`)) return;
    seen.add(`${p.database} ${via}`);
    out.push({ database: p.database, via, ...rb() });
  };
  for (const p of passwords) {
    for (const name of p.unseen ?? []) {
      add(p, name, () => ({ storeTypes: READ_BACK_STORE_TYPES, stores: [], unknown: true, unresolved: `a plan does not show what ${name} is made from` }));
    }
    for (const ref of p.refs) {
      const m = READ_BACK_REF.exec(ref);
      if (m) {
        const via = `${withoutInstanceKeys(m[1])}${m[2]}.${m[3]}.${m[4]}`;
        const spec = READ_BACKS[m[3]];
        if (spec) add(p, via, () => ({ storeTypes: [spec.store], ...readBackStores(stack, via, m[2], m[3], spec) }));
        else if (!NO_STORE_READ.has(m[3]))
          add(p, via, () => ({ storeTypes: READ_BACK_STORE_TYPES, stores: [], unknown: true, unresolved: `blastwall does not know what ${m[2] === "data" ? "the data source" : "the ephemeral resource"} ${m[3]} reads` }));
        continue;
      }
      // A managed resource (red-team round 171b): a store's value is read back from that store, whatever the stack
      // shows it given (what it was given is followed by refsIn); an attribute a provider computes that blastwall does
      // not know may have been read from any store (fail closed). The database's own attribute is the password itself.
      const relay = relayOf(stack, ref);
      if (relay && relay.address !== withoutInstanceKeys(p.database)) {
        if (relay.storeValue) add(p, relay.ref, () => relayStores(stack, relay.resources, relay.storeValue!));
        else if (relay.unknown !== undefined) add(p, relay.ref, () => ({ storeTypes: READ_BACK_STORE_TYPES, stores: [], unknown: true, unresolved: relay.unknown }));
        continue;
      }
      // An output the stack does not show the making of (a module blastwall does not read, or an output it cannot
      // evaluate; one it can is written in place of the reference) may be a read-back (red-team round 170, F2).
      const o = moduleOutput(stack, ref);
      if (o) add(p, o.via, () => ({ storeTypes: READ_BACK_STORE_TYPES, stores: [], unknown: true, unresolved: o.why }));
    }
  }
  return out;
}

/** The stores a managed store's value is read from: the parameter itself, or the secret a secret version names. */
function relayStores(stack: TfStack, resources: readonly TfResource[], type: string): Omit<ReadBack, "database" | "via"> {
  if (type === "aws_ssm_parameter") return { storeTypes: ["aws_ssm_parameter"], stores: resources.map((r) => r.address) };
  const stores = new Set<string>();
  for (const v of resources) storesNamed(stack, idStrings(v, "secret_id"), "aws_secretsmanager_secret", 1).forEach((x) => stores.add(x));
  if (stores.size === 0) return { storeTypes: ["aws_secretsmanager_secret"], stores: [], unresolved: "its secret_id names no secret of the stack blastwall can tell" };
  return { storeTypes: ["aws_secretsmanager_secret"], stores: [...stores] };
}

/** The stores of the stack a read-back reads, or why blastwall cannot tell. */
function readBackStores(stack: TfStack, via: string, mode: string, type: string, given: ReadBackSpec): { stores: string[]; unresolved?: string; outside?: OutsideStore[] } {
  // An ephemeral block of the configuration read is a data source of its type (ephemeral-blocks.ts), at its own
  // address: `via` names one or the other. A plan shows no ephemeral block, so there what it reads stays unseen.
  const reads = (stack.byType.get(type) ?? []).filter((d) => d.mode === "data" && withoutInstanceKeys(d.address) === via);
  if (reads.length === 0) {
    if (mode === "ephemeral") return { stores: [], unresolved: "the stack shows no such ephemeral block (a plan shows none, and blastwall reads only those of a type it knows)" };
    return { stores: [], unresolved: "the stack does not show that data source (a plan shows one read during apply in none of its values)" };
  }
  const stores = new Set<string>();
  const outside: OutsideStore[] = [];
  for (const d of reads) {
    // The ephemeral aws_ssm_parameter names the parameter by `arn`, the data source by `name`.
    const spec = { ...given, id: readArgument(d, given.id) };
    const found = spec.prefix ? storesUnder(stack, d, spec) : storesNamed(stack, idStrings(d, spec.id), spec.store, 0);
    if (found === undefined) return { stores: [], unresolved: `its ${spec.id} is not a path blastwall can tell` };
    if (found.length > 0) {
      found.forEach((x) => stores.add(x));
      // A by-path read returns every parameter under the path, those made outside the stack too (review of 0.8.0): a
      // grant that can match the path reads it, not only one on a parameter of the stack.
      if (spec.prefix) {
        const under = outsideStore(stack, d, spec);
        if (under === undefined) return { stores: [], unresolved: `its ${spec.id} reads parameters outside the stack too, and a parameter of the stack does not show its name` };
        outside.push(under);
      }
      continue;
    }
    // A literal name no store of the stack has names a store outside it (F1, F2): only a grant that can match its ARN
    // reads it. That holds only when every store of the stack shows its name: one that does not may be it.
    const named = outsideStore(stack, d, spec);
    if (named === undefined) return { stores: [], unresolved: `its ${spec.id} names no ${storeNoun(spec.store)} of the stack blastwall can tell` };
    outside.push(named);
  }
  return { stores: [...stores], ...(outside.length > 0 ? { outside } : {}) };
}

/**
 * The store outside the stack a read-back names by a literal (`"app/prod/db"`, an ARN, the name of a
 * `data "aws_secretsmanager_secret"` it names), with the ARN pattern of it, or undefined where the name is not
 * exact or a store of the stack does not show its own (any store may then be it: fail closed).
 */
function outsideStore(stack: TfStack, read: TfResource, spec: ReadBackSpec): OutsideStore | undefined {
  for (const st of stack.byType.get(spec.store) ?? []) {
    if (st.mode !== "managed") continue;
    const name = st.values.name;
    if (typeof name !== "string" || name === "" || name.includes("${")) return undefined;
  }
  const strings = idStrings(read, spec.id);
  if (strings.length !== 1) return undefined;
  const name = literalName(stack, strings[0], spec);
  if (name === undefined || name === "" || /[*?]/.test(name)) return undefined;
  if (name.startsWith("arn:")) return { name, arn: spec.store === "aws_ssm_parameter" ? (spec.prefix ? `${name.replace(/\/+$/, "")}/*` : name) : `${name}*` };
  if (spec.store === "aws_ssm_parameter") {
    const bare = name.replace(/^\//, "");
    return { name, arn: `arn:*:ssm:*:*:parameter/${spec.prefix ? `${bare.replace(/\/+$/, "")}/*` : bare}` };
  }
  // Secrets Manager appends `-` and six random characters to a secret's name in its ARN.
  return { name, arn: `arn:*:secretsmanager:*:*:secret:${name}*` };
}

/** A read-back's id as an exact literal: written out, resolved, or the literal name or ARN of a secret data source it names. */
function literalName(stack: TfStack, s: string, spec: ReadBackSpec): string | undefined {
  const lookup = /^\$\{data\.aws_secretsmanager_secret\.([A-Za-z0-9_-]+)\.(?:id|arn)\}$/.exec(s);
  if (lookup && spec.store === "aws_secretsmanager_secret") {
    const d = stack.byAddress.get(`data.aws_secretsmanager_secret.${lookup[1]}`);
    const given = d?.values.arn ?? d?.values.name;
    return typeof given === "string" && !given.includes("${") ? given : undefined;
  }
  const r = resolveToPattern(stack, s);
  return r.exact ? r.pattern : undefined;
}

/**
 * The parameters of the stack under a by-path read's `path` (a name written with or without its leading `/`), or
 * undefined where the path is not known exactly: then any parameter may be under it.
 */
function storesUnder(stack: TfStack, read: TfResource, spec: ReadBackSpec): string[] | undefined {
  const path = read.values[spec.id];
  if (typeof path !== "string") return undefined;
  const resolved = resolveToPattern(stack, path);
  if (!resolved.exact || resolved.pattern === "") return undefined;
  const under = `${rooted(resolved.pattern).replace(/\/+$/, "")}/*`;
  const out: string[] = [];
  for (const st of stack.byType.get(spec.store) ?? []) {
    const name = st.values.name;
    if (st.mode !== "managed" || typeof name !== "string" || name === "") continue;
    if (globsIntersect(under, rooted(resolveToPattern(stack, name).pattern))) out.push(st.address);
  }
  return out;
}

function rooted(name: string): string {
  return name.startsWith("/") || name.startsWith("*") ? name : `/${name}`;
}

function storeNoun(type: string): string {
  return type === "aws_ssm_parameter" ? "parameter" : "secret";
}

function storesNoun(types: readonly string[]): string {
  return types.map(storeNoun).join(" or ");
}

/** What a resource's `argument` is given: its value's strings, and the references a plan's configuration shows for it. */
function idStrings(r: TfResource, argument: string): string[] {
  const out: string[] = [];
  stringsIn(r.values[argument], out);
  out.push(...(configuredReferences(r)?.get(argument) ?? []));
  return out;
}

/**
 * The stores of `type` that id strings name: by reference (`aws_secretsmanager_secret.db.id`, or a secret version's
 * `secret_id`, which names the secret in turn), or by a literal name or ARN equal to a store's literal name.
 */
function storesNamed(stack: TfStack, strings: readonly string[], type: string, depth: number): string[] {
  const out = new Set<string>();
  const stores = (stack.byType.get(type) ?? []).filter((r) => r.mode === "managed");
  for (const s of strings) {
    if (s.includes("${")) {
      for (const st of stores) if (namesAddress(s, withoutInstanceKeys(st.address))) out.add(st.address);
      if (type === "aws_secretsmanager_secret" && depth === 0) {
        for (const v of stack.byType.get("aws_secretsmanager_secret_version") ?? []) {
          if (v.mode === "managed" && namesAddress(s, withoutInstanceKeys(v.address))) storesNamed(stack, idStrings(v, "secret_id"), type, 1).forEach((x) => out.add(x));
        }
      }
      continue;
    }
    for (const st of stores) {
      const name = st.values.name;
      if (typeof name !== "string" || name === "" || name.includes("${")) continue;
      const arn = type === "aws_ssm_parameter" ? `:parameter${name.startsWith("/") ? "" : "/"}${name}` : `:secret:${name}`;
      if (s === name || s.endsWith(arn) || (type !== "aws_ssm_parameter" && new RegExp(`${escapeRe(arn)}-[A-Za-z0-9]{6}$`).test(s))) out.add(st.address);
    }
  }
  return [...out];
}

function escapeRe(x: string): string {
  return x.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Whether `s` names `address` as a whole (an instance key, an attribute may follow; no longer name, no module path before it). */
function namesAddress(s: string, address: string): boolean {
  for (let i = s.indexOf(address); i >= 0; i = s.indexOf(address, i + 1)) {
    if ((i === 0 || !/[A-Za-z0-9_.-]/.test(s[i - 1])) && !/[A-Za-z0-9_-]/.test(s[i + address.length] ?? "")) return true;
  }
  return false;
}

/**
 * The databases whose master password a store of the stack holds because a database is given what a read-back of it
 * reads, each with why when only maybe (the read-back's store unresolved: any store of its kind may be it).
 */
export function databasesReadBackFrom(stack: TfStack, store: TfResource): Map<string, { readonly via: string; readonly maybe?: string }> {
  const out = new Map<string, { via: string; maybe?: string }>();
  for (const rb of index(stack).readBacks) {
    if (!rb.storeTypes.includes(store.type)) continue;
    if (rb.stores.includes(store.address)) out.set(rb.database, { via: rb.via });
    else if (rb.unresolved !== undefined && !out.has(rb.database)) out.set(rb.database, { via: rb.via, maybe: readBackWhy(rb) });
  }
  return out;
}

/** Read-backs of stores outside the stack, named by a literal (a grant that can match one's ARN reads the password). */
export function outsideReadBacks(stack: TfStack): { readonly database: string; readonly via: string; readonly storeType: string; readonly outside: readonly OutsideStore[] }[] {
  return index(stack)
    .readBacks.filter((rb) => rb.unresolved === undefined && rb.outside !== undefined)
    .map((rb) => ({ database: rb.database, via: rb.via, storeType: rb.storeTypes[0], outside: rb.outside! }));
}

/** Read-backs whose store blastwall cannot tell (any store of `storeType` the reader reaches, outside the stack too, may be it), with why. */
export function unresolvedReadBacks(stack: TfStack): { readonly database: string; readonly storeTypes: readonly string[]; readonly why: string }[] {
  return index(stack).readBacks.filter((rb) => rb.unresolved !== undefined).map((rb) => ({ database: rb.database, storeTypes: rb.storeTypes, why: readBackWhy(rb) }));
}

function readBackWhy(rb: ReadBack): string {
  const noun = storesNoun(rb.storeTypes);
  if (rb.unknown)
    return (
      `its password is made from ${rb.via}, which may read it back from a ${noun} (${rb.unresolved}), so any ${noun} the agent can read may hold it ` +
      `(fail closed; read it with a data source blastwall follows, ${Object.keys(READ_BACKS).join(", ")}, in the root module or a local module, or give the database a generated password or manage_master_user_password)`
    );
  return `its password is read back by ${rb.via} from a ${noun} blastwall cannot tell (${rb.unresolved}), so any ${noun} the agent can read may hold it (fail closed)`;
}

/** `s` names `ref` as a whole reference (`random_password.db` in `${random_password.db.result}`, not `random_password.db2`). */
const refPatterns = new Map<string, RegExp | null>();

function mentions(s: string, ref: string): boolean {
  // `random_password.db[0].result` names `random_password.db.result` too.
  let re = refPatterns.get(ref);
  if (re === undefined) {
    // A bare address (`var.pw`) is found with indexOf, the cheaper test; one with an attribute needs the pattern.
    re = ref.split(".").length > addressLength(ref) || ref.startsWith("module.") ? mentionPattern(ref) : null;
    if (refPatterns.size >= 10_000) refPatterns.clear(); // references are a stack's: a long-lived process sees many
    refPatterns.set(ref, re);
  }
  if (re) return mentionsRef(s, ref, re);
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
export function managedSecretsReached(stack: TfStack, pattern: string, intersects: (a: string, b: string) => boolean): ManagedPassword[] {
  return index(stack).managed.filter((m) => intersects(pattern, m.secret));
}
