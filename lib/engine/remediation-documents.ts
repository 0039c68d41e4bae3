/**
 * What an AWS Config remediation's SSM Automation document does, as far as its name tells: one plan rule
 * (plan/rules/command-scheduled.ts) and the reach of config:PutConfigRule (rules/remediation-rewrites.ts) read it alike.
 * An AWS-owned document whose name says it turns a protection on (enabling encryption, logging or a trail, a public
 * access block) destroys nothing. Any other (configuring, updating, deleting, terminating), a command runner, or a
 * document of the account's own, whose content blastwall does not read, may: `AWS-ConfigureS3BucketVersioning` can
 * suspend versioning, `AWS-DeleteSnapshot` deletes what it is pointed at.
 *
 * What a protective name does may still depend on the parameters (red-team round 158, F2): `AWS-ConfigureS3BucketVersioning`
 * suspends versioning unless VersioningState is Enabled, and a document that sets a retention
 * (`AWSConfigRemediation-EnableRDSInstanceBackup`, `AWS-EnableDocDbClusterBackupRetentionPeriod`, ...) sets it to the
 * value it is given, shorter than before or not: RDS then deletes the automated backups older than the new period. Such
 * a document is protective only with each retention parameter a fixed value at or above blastwall's floor for backups
 * (7 days, as rds-backup-retention asks), or, for a remediation the plan changes, not below what it was.
 */

/** An SSM document's name, lower case; an AWS-owned one named by its ARN (`arn:aws:ssm:REGION::document/AWS-...`, no account) is that document. */
export function documentName(name: string): string {
  const m = /^arn:[^:]+:ssm:[^:]*::document\/(.+)$/.exec(name);
  return (m ? m[1] : name).toLowerCase();
}

/** What the name of an AWS-owned remediation says when it only turns a protection on. */
const PROTECTIVE =
  /^(enable[a-z0-9]*|encrypt[a-z0-9]*|[a-z0-9]*encryption[a-z0-9]*|[a-z0-9]*publicaccessblock|disablepublic[a-z0-9]*|disables3bucketpublic[a-z0-9]*|blockpublic[a-z0-9]*|publishsnsnotification|configure[a-z0-9]*(logging|tracing)|create[a-z0-9]*trail|setiampasswordpolicy|setrequiredtags)$/;

/** AWS-owned documents that run whatever commands they are given: never routine. */
export const COMMAND_DOCUMENTS = /^aws-(run(shell|powershell|remote)script|rundocument|runansibleplaybook|applyansibleplaybooks|executeautomation)$/;

/** `AWS-ConfigureS3BucketVersioning` with its VersioningState parameter set to Enabled turns versioning on. */
function versioningOn(name: string, parameters: unknown): boolean {
  if (name !== "configures3bucketversioning" || !Array.isArray(parameters)) return false;
  return parameters.some((p) => typeof p === "object" && p !== null && (p as Record<string, unknown>)["name"] === "VersioningState" && (p as Record<string, unknown>)["static_value"] === "Enabled");
}

/** blastwall's floor for a retention a document sets: the days rds-backup-retention asks of automated backups. */
export const MIN_RETENTION_DAYS = 7;

/** Names of documents that set a retention to the value they are given: a parameter must pin it. */
const SETS_RETENTION = /backup|retention|automatedsnapshot/;

/** A parameter that sets how long something is kept (`BackupRetentionPeriod`, `RetentionInDays`, `DaysAfter...`). */
const RETENTION_PARAMETER = /retention|days/i;

/** What a remediation's document does, as far as its name and parameters tell. */
export interface RemediationVerdict {
  /** It only turns a protection on. */
  readonly protective: boolean;
  /** Why a document whose name says it turns a protection on is not read as protective (its parameters). */
  readonly why?: string;
}

/** The remediation as it was before a change: its document, parameters, and whether it ran by itself. */
export interface RemediationBefore {
  readonly document: unknown;
  readonly parameters: unknown;
  readonly automatic: unknown;
}

type Block = Record<string, unknown>;

/**
 * A `parameter` list known only after apply (a plan's after_unknown marks the whole list): it may hold any parameter,
 * a retention set below what is kept now among them, so it is read as a list blastwall cannot read, not as none.
 */
export const UNKNOWN_PARAMETERS: unique symbol = Symbol("parameters known only after apply");

function parameterBlocks(parameters: unknown): Block[] | undefined {
  if (parameters === UNKNOWN_PARAMETERS) return undefined;
  if (parameters === undefined || parameters === null) return [];
  if (!Array.isArray(parameters) || !parameters.every((p) => typeof p === "object" && p !== null)) return undefined;
  return parameters as Block[];
}

/** The days a parameter block fixes, or undefined where it is no fixed whole number (a resource_value, an expression). */
function fixedDays(b: Block): number | undefined {
  const one = (v: unknown) => (typeof v === "number" && Number.isInteger(v) ? v : typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : undefined);
  const set = (v: unknown) => v !== undefined && v !== null && v !== "";
  if (set(b["resource_value"])) return undefined;
  if (set(b["static_value"])) return one(b["static_value"]);
  const list = b["static_values"];
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const days = list.map(one);
  return days.every((d) => d !== undefined) ? Math.min(...(days as number[])) : undefined;
}

/** The days the remediation before the change set `name` to, with the same document running by itself; else undefined. */
function daysBefore(name: string, document: string, before: RemediationBefore | undefined): number | undefined {
  if (!before || typeof before.document !== "string" || documentName(before.document) !== document) return undefined;
  if (!(before.automatic === true || before.automatic === "true")) return undefined;
  const b = parameterBlocks(before.parameters)?.find((x) => x["name"] === name);
  return b ? fixedDays(b) : undefined;
}

/** Why the retention parameters of a document whose name is protective may shorten what is kept; undefined when none may. */
function retentionWhy(owned: string, document: string, parameters: unknown, before: RemediationBefore | undefined): string | undefined {
  const blocks = parameterBlocks(parameters);
  if (!blocks) {
    const which = parameters === UNKNOWN_PARAMETERS ? "its parameter list is known only after apply, so blastwall cannot tell what it is given" : "its parameters cannot be read";
    return `${which}, and it may set a retention it is given to less than what is kept now (deleting the backups older than that)`;
  }
  const retention = blocks.filter((b) => typeof b["name"] === "string" && RETENTION_PARAMETER.test(b["name"]));
  if (retention.length === 0) {
    return SETS_RETENTION.test(owned) ? "it sets a retention to the value it is given, and no parameter of the remediation fixes that value (the document's own default applies, which blastwall does not read)" : undefined;
  }
  for (const b of retention) {
    const name = b["name"] as string;
    const days = fixedDays(b);
    if (days === undefined) return `its ${name} is not a fixed number (a resource_value, or a value blastwall cannot read), so it may set any retention, shorter than what is kept now (deleting the backups older than that)`;
    if (days >= MIN_RETENTION_DAYS) continue;
    const was = daysBefore(name, document, before);
    if (was !== undefined && days >= was) continue;
    return `it sets ${name} to ${days}, below ${MIN_RETENTION_DAYS} days, on whatever it runs on, however long that keeps its backups now: a shorter retention deletes the backups older than it`;
  }
  return undefined;
}

/**
 * Where the caller picks what the remediation runs on (config:PutConfigRule rewrites the rule's scope), any retention
 * it sets shortens that of the resources which keep theirs longer now: a 7-day value on a database that keeps 35 days
 * deletes 28 days of backups (red-team round 158, F2). A floor that protects resources a team's rule finds
 * non-compliant protects nothing there, so a document that sets a retention is never read as protective.
 */
function chosenRetentionWhy(owned: string, parameters: unknown): string | undefined {
  const blocks = parameterBlocks(parameters);
  const named = blocks?.find((b) => typeof b["name"] === "string" && RETENTION_PARAMETER.test(b["name"]))?.["name"];
  if (blocks === undefined || named !== undefined || SETS_RETENTION.test(owned)) {
    return `it sets a retention${typeof named === "string" ? ` (${named})` : ""} on whatever the rewritten rule finds non-compliant, resources that keep theirs longer now among them: a shorter retention deletes the backups older than it`;
  }
  return undefined;
}

/**
 * What a remediation running `document` (its name or ARN, as `target_id` gives it) does: whether it only turns a
 * protection on, and, where its name says so but its parameters may not, why not. `parameters`: its `parameter` blocks
 * (`{ name, static_value, static_values, resource_value }`), undefined where they are not known; `before`: the
 * remediation before a change the plan makes (a retention not lowered then is no new harm); `targetsChosen`: the
 * caller picks what it runs on (see `chosenRetentionWhy`).
 */
export function remediationVerdict(document: string, parameters: unknown, before?: RemediationBefore, targetsChosen = false): RemediationVerdict {
  const name = documentName(document);
  const owned = /^(aws|awsconfigremediation)-(.*)$/.exec(name);
  if (owned === null || COMMAND_DOCUMENTS.test(name)) return { protective: false };
  if (versioningOn(owned[2], parameters)) return { protective: true };
  if (!PROTECTIVE.test(owned[2])) return { protective: false };
  const why = targetsChosen ? chosenRetentionWhy(owned[2], parameters) : retentionWhy(owned[2], name, parameters, before);
  return why === undefined ? { protective: true } : { protective: false, why };
}

/**
 * An AWS-owned document that destroys nothing itself but hands what it is given on: `AWS-PublishSNSNotification`
 * publishes its Message (a resource ID, when the remediation passes RESOURCE_ID) to a topic, whose subscribers act on
 * it (red-team round 158, F3). The plan gate reads it as protective, as it reads an EventBridge target that is a topic;
 * the reach of config:PutConfigRule follows the functions its role's sns:Publish reaches.
 */
export function relayingRemediation(document: string): boolean {
  return documentName(document) === "aws-publishsnsnotification";
}
