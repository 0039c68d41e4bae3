/**
 * `rds-db:connect` as a database's master user. The catalogue grades rds-db:connect a warning: what an IAM-authenticated
 * database user may drop is decided by SQL grants blastwall cannot see. The master user is the exception: it owns every
 * database on the instance or cluster and can drop them, which deletion protection and prevent_destroy (guards of the
 * RDS API and of Terraform) do not stop. Its name is in the stack (`username` / `master_username`), so a statement whose
 * dbuser resource covers it, on a database of the stack with IAM authentication, grants as much as reading its master
 * password does (agent-database-password), and is an error like it (red-team round 84).
 */
import type { Grant } from "../engine/analysis-types";
import { MODULE_PATH } from "../engine/reach/credential-references";
import type { Statement } from "../engine/iam/types";
import type { TfStack } from "../engine/terraform/types";
import { globsIntersect } from "../engine/iam/glob";
import { resolveToPattern } from "../engine/terraform/tokens";
import { showExpr } from "../engine/terraform/policy-documents";

export const CONNECT = "rds-db:connect";

/** The databases IAM authentication logs in to, and where each keeps its master username. */
const DATABASES: readonly (readonly [type: string, username: string, resourceId: string])[] = [
  ["aws_db_instance", "username", "resource_id"],
  ["aws_rds_cluster", "master_username", "cluster_resource_id"],
];

interface MasterUser {
  readonly database: string;
  /** The master username as a pattern: exact when the stack shows it, else what it may be (`*`). */
  readonly user: string;
  readonly exact: boolean;
  /** Why the master username is not known exactly (`${var.db_user}, which blastwall cannot read`). */
  readonly unknownUser?: string;
  /** Set when `iam_database_authentication_enabled` is an expression blastwall cannot read (then it may be on). */
  readonly iamAuthWritten?: string;
}

const cache = new WeakMap<TfStack, readonly MasterUser[]>();

function on(stack: TfStack, v: unknown): boolean | "unknown" {
  if (v === true || v === "true") return true;
  if (typeof v !== "string" || !v.includes("${")) return false;
  const r = resolveToPattern(stack, v);
  return r.exact ? r.pattern === "true" : "unknown";
}

/** The master users of the stack's databases that may have IAM database authentication on. */
function masterUsers(stack: TfStack): readonly MasterUser[] {
  let users = cache.get(stack);
  if (users) return users;
  const out: MasterUser[] = [];
  for (const [type, key] of DATABASES) {
    for (const db of stack.byType.get(type) ?? []) {
      if (db.mode !== "managed") continue;
      const v = db.values;
      const auth = on(stack, v["iam_database_authentication_enabled"]);
      if (auth === false) continue;
      const iamAuthWritten = auth === "unknown" ? String(v["iam_database_authentication_enabled"]) : undefined;
      // An instance of a cluster, or a read replica, logs in with its cluster's or source's master user, which is
      // judged there (and IAM authentication is set there).
      if (type === "aws_db_instance" && (v["cluster_identifier"] !== undefined || v["replicate_source_db"] !== undefined)) continue;
      const raw = v[key];
      if (typeof raw === "string" && raw !== "") {
        const r = resolveToPattern(stack, raw);
        out.push(
          r.exact
            ? { database: db.address, user: r.pattern, exact: true, iamAuthWritten }
            : { database: db.address, user: r.pattern, exact: false, unknownUser: `${showExpr(raw)}, which blastwall cannot read`, iamAuthWritten },
        );
      } else {
        // Restored from a snapshot (or a username not written): the master user is whoever the snapshot has.
        const why = v["snapshot_identifier"] !== undefined ? "taken from the snapshot it is restored from" : `not written (${key} is not set)`;
        out.push({ database: db.address, user: "*", exact: false, unknownUser: why, iamAuthWritten });
      }
    }
  }
  cache.set(stack, (users = out));
  return users;
}

/** The part of a dbuser ARN pattern after `dbuser:RESOURCE-ID/`: `*` where the pattern does not spell it. */
function userPart(pattern: string): string {
  const at = pattern.indexOf("dbuser:");
  if (at < 0) return pattern.includes("*") || pattern.includes("?") ? "*" : pattern;
  const rest = pattern.slice(at + "dbuser:".length);
  const slash = rest.indexOf("/");
  return slash < 0 ? rest : rest.slice(slash + 1);
}

/**
 * The databases whose resource id the statement's Resource names by reference (`${aws_db_instance.main.resource_id}`):
 * a pattern `*` that stands for one database's id reaches no other. Undefined when some entry names none.
 */
function referencedDatabases(s: Statement): ReadonlySet<string> | undefined {
  const written = s.writtenResources;
  if (written === undefined || written.length === 0) return undefined;
  const out = new Set<string>();
  for (const w of written) {
    let named = false;
    for (const [type, , id] of DATABASES) {
      // A database of a module is named with the module's path (`module.m.aws_db_instance.main`, red-team round 86).
      for (const m of w.matchAll(new RegExp(`(?<![\\w.-])(${MODULE_PATH}${type}\\.[A-Za-z_][\\w-]*)(?:\\[[^\\]]*\\])?\\.${id}\\b`, "g"))) {
        out.add(m[1]);
        named = true;
      }
    }
    if (!named) return undefined;
  }
  return out;
}

export interface MasterConnect {
  readonly database: string;
  /** The master username when known; undefined when it is not. */
  readonly user?: string;
  /** The resource pattern of the grant that covers it. */
  readonly resource: string;
  /** Why the master user is not known exactly, or IAM authentication may be on: said in the finding. */
  readonly unsure?: string;
}

/**
 * The master users an rds-db:connect grant of `grants` may log in as. A known master username counts when a resource
 * pattern covers it; an unknown one (a variable, a snapshot's) when the pattern's user part is a wildcard: fail
 * closed, as a user part `*` covers whatever name it turns out to be. A literal user name against an unknown master is left a
 * warning: it is another user unless the variable says otherwise, which a reviewer can see and blastwall cannot.
 */
export function masterConnects(stack: TfStack, grants: readonly Grant[]): MasterConnect[] {
  const users = masterUsers(stack);
  if (users.length === 0) return [];
  const out: MasterConnect[] = [];
  const seen = new Set<string>();
  for (const g of grants) {
    if (g.action.toLowerCase() !== CONNECT) continue;
    const only = referencedDatabases(g.statement);
    for (const u of users) {
      if (seen.has(u.database) || (only !== undefined && !only.has(u.database))) continue;
      const target = `arn:*:rds-db:*:*:dbuser:*/${u.user}`;
      const resource = g.resources.find((p) => globsIntersect(p, target) && (u.exact || /[*?]/.test(userPart(p))));
      if (resource === undefined) continue;
      seen.add(u.database);
      const unsure = [
        u.exact ? undefined : `its master username is ${u.unknownUser ?? u.user}, and ${resource} covers any name`,
        u.iamAuthWritten === undefined ? undefined : `iam_database_authentication_enabled is ${showExpr(u.iamAuthWritten)}, which blastwall cannot read, so it may be on`,
      ].filter((x): x is string => x !== undefined);
      out.push({ database: u.database, ...(u.exact ? { user: u.user } : {}), resource, ...(unsure.length > 0 ? { unsure: unsure.join("; ") } : {}) });
    }
  }
  return out;
}

/** The clause a finding gives (after the action): as whom, on which database, and why that is a destroy right. */
export function masterConnectClause(m: MasterConnect): string {
  const who = m.user !== undefined ? `as ${m.user}, the master user of ${m.database}` : `as the master user of ${m.database}`;
  const unsure = m.unsure !== undefined ? ` (${m.unsure})` : "";
  return (
    `on ${m.resource} it ${m.unsure !== undefined ? "may log in" : "logs in"} ${who}${unsure}, which owns every database there ` +
    `and can drop them; neither deletion protection nor prevent_destroy stops a SQL DROP`
  );
}

/** What to change: a user of the agent's own in the dbuser resource, never the master user or a wildcard. */
export const MASTER_CONNECT_FIX =
  "Scope the statement's rds-db:connect resource to a database user of the agent's own " +
  "(`arn:aws:rds-db:REGION:ACCOUNT:dbuser:RESOURCE_ID/agent_readonly`) that has only the SQL grants it needs: never the " +
  "master user, and no wildcard in the user part, which covers the master user too. Or deny rds-db:connect on the master " +
  "user in the agent's permission boundary.";
