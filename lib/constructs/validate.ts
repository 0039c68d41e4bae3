import { TerraformProvider, TerraformStack, Token } from "cdktf";
import type { IConstruct } from "constructs";
import { CronUnreadable, longestGapMinutes, readCron, shortestGapMinutes, type CronTimes } from "../engine/backup-cron";
import { nearestKey } from "../engine/text";

/**
 * Prop validation shared by the constructs. Every message starts with `<Construct>: <prop>` so the user
 * sees at once which argument to change, then says what is accepted and what was given.
 */

export function fail(construct: string, prop: string, problem: string): never {
  throw new Error(`${construct}: ${prop} ${problem}`);
}

/** True for a cdktf token (a reference resolved at synth or apply time): such values cannot be checked here. */
export function isToken(value: unknown): boolean {
  return Token.isUnresolved(value);
}

export function requireInteger(construct: string, prop: string, value: number, min: number, max: number, unit: string, why = ""): number {
  if (typeof value === "string" && !isToken(value)) fail(construct, prop, `must be a number, not the string "${value}"`);
  if (isToken(value)) fail(construct, prop, `must be a literal number so blastwall can check it${why ? `: ${why}` : ""}`);
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = min === max ? `${min} ${unit}` : `between ${min} and ${max} ${unit}`;
    fail(construct, prop, `must be ${range} (got ${value})${why ? `: ${why}` : ""}`);
  }
  return value;
}

const ACCOUNT_ID = /^\d{12}$/;

/** A 12-digit AWS account id, given literally (cross-account checks compare ids at construction time). */
export function requireAccountId(construct: string, prop: string, value: string): string {
  requireString(construct, prop, value, "a 12-digit AWS account id");
  if (isToken(value)) fail(construct, prop, "must be a literal 12-digit AWS account id, not a reference, so the cross-account wiring can be checked");
  if (!ACCOUNT_ID.test(value)) fail(construct, prop, `must be a 12-digit AWS account id (got "${value}")`);
  return value;
}

/** An AWS Organizations id: `o-` and 10 to 32 lower-case letters or digits. */
export function requireOrganizationId(construct: string, prop: string, value: string): string {
  requireString(construct, prop, value, "an AWS Organizations id (o-...)");
  if (isToken(value)) fail(construct, prop, "must be a literal organization id (o-...), not a reference");
  if (!/^o-[a-z0-9]{10,32}$/.test(value)) fail(construct, prop, `must be an AWS Organizations id like o-a1b2c3d4e5 (got "${value}")`);
  return value;
}

/**
 * A region name: a prefix of two letters (us, eu, ap, cn, ...; us-gov-, us-iso- and eu-isoe- regions included) or
 * eusc (the aws-eusc partition, red-team round 68), words, and a number.
 */
export const REGION_NAME = "(?:[a-z]{2}|eusc)(?:-[a-z]+)+-\\d";
const REGION = new RegExp(`^${REGION_NAME}$`);

/**
 * The region the resources of `scope` are deployed to, when it is written literally: that of `provider`, or of the
 * stack's one default AWS provider (no alias). Undefined when it is a token, not set (taken from the environment) or
 * there is no single default provider: nothing is then compared with it.
 */
export function literalProviderRegion(scope: IConstruct, provider?: TerraformProvider): string | undefined {
  let p: TerraformProvider | undefined = provider;
  if (!p) {
    let stack: TerraformStack;
    try {
      stack = TerraformStack.of(scope);
    } catch {
      return undefined;
    }
    const defaults = stack.node.findAll().filter((c): c is TerraformProvider =>
      TerraformProvider.isTerraformProvider(c) && c.terraformResourceType === "aws" && (c as { alias?: unknown }).alias === undefined);
    if (defaults.length !== 1) return undefined;
    p = defaults[0];
  }
  const region = (p as { region?: unknown }).region;
  return typeof region === "string" && !isToken(region) && REGION.test(region) ? region : undefined;
}

/** A region name such as `eu-central-1` or `us-gov-west-1`. */
export function requireRegion(construct: string, prop: string, value: string): string {
  requireString(construct, prop, value, "a region name");
  if (isToken(value)) fail(construct, prop, "must be a literal region name, not a reference");
  if (!REGION.test(value)) fail(construct, prop, `must be an AWS region name like eu-central-1 (got "${value}")`);
  return value;
}

/**
 * The partition of a region, by the prefix of its name (as the AWS SDKs' partition table has them). ARNs that must
 * name a real principal or resource (a key policy's account, a CloudTrail source ARN, a role to assume) are written
 * in it; a pattern that only has to recognise one (`arn:*:iam::*:role/agents/*`) matches every partition instead.
 */
const PARTITIONS: readonly (readonly [RegExp, string])[] = [
  [/^us-gov-/, "aws-us-gov"],
  [/^cn-/, "aws-cn"],
  [/^us-iso-/, "aws-iso"],
  [/^us-isob-/, "aws-iso-b"],
  [/^us-isof-/, "aws-iso-f"],
  [/^eu-isoe-/, "aws-iso-e"],
  [/^eusc-/, "aws-eusc"],
];

/** Every partition `partitionOf` knows: `aws` and the partitions of the regions above. */
export const PARTITION_NAMES: readonly string[] = ["aws", ...PARTITIONS.map(([, p]) => p)];

export function partitionOf(region: string): string {
  return PARTITIONS.find(([prefix]) => prefix.test(region))?.[1] ?? "aws";
}

/** A partition name (`aws`, `aws-us-gov`, `aws-cn`, ...), given literally. */
export function requirePartition(construct: string, prop: string, value: string): string {
  requireString(construct, prop, value, `a partition (${PARTITION_NAMES.join(", ")})`);
  if (!PARTITION_NAMES.includes(value)) fail(construct, prop, `must be an AWS partition, one of ${PARTITION_NAMES.join(", ")} (got ${JSON.stringify(value)})`);
  return value;
}

/** IAM role, user and policy names: 1-64 (roles, users) or 1-128 (policies) of `\w+=,.@-`. */
export function requireIamName(construct: string, prop: string, value: string, max = 64): string {
  requireString(construct, prop, value, "an IAM name");
  if (isToken(value)) fail(construct, prop, "must be a literal name: the boundary and the gate refer to it by name");
  if (!/^[\w+=,.@-]+$/.test(value) || value.length > max) {
    fail(construct, prop, `must be 1 to ${max} characters of letters, digits and + = , . @ _ - (got "${value}")`);
  }
  return value;
}

export function requireNonEmpty<T>(construct: string, prop: string, value: readonly T[] | undefined, what: string): readonly T[] {
  if (value !== undefined && !Array.isArray(value)) {
    // The plural goes on the noun, before any explanation in brackets: "resource ARNs (or ...)".
    const plural = what.replace(/^([^(]*?)(\s*\(.*)?$/, (_m, noun: string, rest = "") => `${noun}s${rest}`);
    const example = typeof value === "string" ? `, e.g. ${prop}: [${JSON.stringify(value)}]` : "";
    fail(construct, prop, `must be a list of ${plural}${example} (got ${JSON.stringify(value)})`);
  }
  if (!value || value.length === 0) fail(construct, prop, `must name at least one ${what}`);
  const hole = value.findIndex((v) => v === undefined || v === null);
  if (hole >= 0) fail(construct, prop, `has no ${what} at position ${hole} (got ${String(value[hole])})`);
  return value;
}

/** Props a plain-JavaScript caller may leave out or give the wrong type: said by name, not as a TypeError later. */
export function requireString(construct: string, prop: string, value: unknown, what: string): asserts value is string {
  if (typeof value !== "string") fail(construct, prop, `is required: ${what} (got ${value === undefined ? "nothing" : JSON.stringify(value)})`);
}

/**
 * The props block itself, which plain JavaScript may leave out (`new EnvironmentAccounts(scope, "E")`): named with
 * the props it must hold, instead of a TypeError reading the first of them.
 */
export function requireProps(construct: string, props: unknown, required: readonly string[]): asserts props is object {
  if (props === null || typeof props !== "object") {
    fail(construct, "props", `are required: { ${required.join(", ")} } (got ${props === undefined ? "nothing" : JSON.stringify(props)})`);
  }
}

/**
 * Every prop of `T`, each mapped to `true`: written as an object so the compiler refuses a list that misses a prop
 * of the interface or names one it does not have, and the list of known props cannot drift from the props.
 */
export type PropNames<T> = { readonly [K in keyof Required<T>]: true };

export function propNames<T>(names: PropNames<T>): readonly string[] {
  return Object.keys(names);
}

/**
 * Refuses a prop the construct does not read. The compiler checks the keys of an object literal only: a spread of
 * options, an `as any` object or plain JavaScript passes anything, and a prop the construct does not read
 * (`deletionProtection: false`, a misspelt `copyRetentionDay`) changes nothing while the user believes it applied.
 * `within` names the block the keys are in (`backup`), for a block of options inside the props. A key whose value is
 * undefined says nothing and passes, as for BlastwallChecks.
 */
export function refuseUnknownProps(construct: string, props: object, known: readonly string[], within?: string): void {
  const unknown = firstUnknownKey(props, known);
  if (unknown === undefined) return;
  const { key, near } = unknown;
  const at = within === undefined ? "" : `${within}.`;
  const what = within === undefined ? `a prop of ${construct}` : `an option of ${construct}'s ${within}`;
  fail(construct, `${at}${key}`,
    `is not ${what}${near ? ` (did you mean ${at}${near}?)` : ""}: ${within === undefined ? "it reads only" : `${within} holds only`} ${known.join(", ")}. ` +
      `A prop it does not read changes nothing: the construct would be built with its defaults, as if ${key} were not there. ${near ? `Rename it to ${near}` : "Remove it"}`);
}

/** The first key of `given` that is not `known`, with the known key it was most likely meant as; a key set to undefined passes. */
function firstUnknownKey(given: object, known: readonly string[]): { readonly key: string; readonly near?: string } | undefined {
  const values = given as Record<string, unknown>;
  const key = Object.keys(values).find((k) => !known.includes(k) && values[k] !== undefined);
  return key === undefined ? undefined : { key, near: nearestKey(key, known) };
}

/** How a method that takes options names them in its messages, and what it does with an option it does not read. */
export interface OptionsOf {
  /** The call as the user wrote it, with where it was made when known: `allow() of app/Agent`, `AgentPrincipal.githubActions`. */
  readonly call: string;
  /** How the options object itself is named, for one that is not an object: `permission`, `role(options)`. */
  readonly whole: string;
  /** How a key is named after the construct in a message: `conditions`, `githubActions(branch)`, `options.region`. */
  readonly name: (key: string) => string;
  /** What the call makes regardless, and what leaving the key out means for it: "the statement would be granted ... ". */
  readonly effect: (key: string) => string;
}

/**
 * The constructors' refusal (refuseUnknownProps) for the options object of a method or factory: `AgentRole.allow({
 * actions, resources, condition })`, `AgentPrincipal.githubActions({ ..., brnach })`. The compiler checks an object
 * literal's keys only, so a spread, an `as any` or plain JavaScript passed a misspelt key, and the call went on as if
 * it were not there: a condition left out grants more than written, a branch left out trusts "main". A value that is
 * a cdktf token is not looked at here; an options object that is a token itself cannot be read, and is refused.
 */
export function refuseUnknownOptions(construct: string, options: unknown, known: readonly string[], of: OptionsOf): void {
  if (options === undefined) return;
  if (options === null || typeof options !== "object" || Array.isArray(options) || isToken(options)) {
    fail(construct, of.whole,
      `must be an object of options, { ${known.join(", ")} }, written out in the code (got ${isToken(options) ? "a cdktf token" : JSON.stringify(options)}): ` +
        `${of.call} reads its options by name and would take anything else as no options at all. Pass them as { ${known[0]}: ... }`);
  }
  const unknown = firstUnknownKey(options, known);
  if (unknown === undefined) return;
  const { key, near } = unknown;
  fail(construct, of.name(key),
    `is not an option of ${of.call}${near ? ` (did you mean ${of.name(near)}?)` : ""}: it reads only ${known.join(", ")}. ` +
      `An option it does not read changes nothing: ${of.effect(key)}. ${near ? `Rename it to ${near}` : "Remove it"}`);
}

/** An object prop (a props block, a construct, a provider) a plain-JavaScript caller may leave out. */
export function requireObject(construct: string, prop: string, value: unknown, what: string): asserts value is object {
  if (value === null || typeof value !== "object") fail(construct, prop, `is required: ${what} (got ${value === undefined ? "nothing" : JSON.stringify(value)})`);
}

export interface BackupVaultArn {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly name: string;
}

/** Parses `arn:aws:backup:<region>:<account>:backup-vault:<name>`; undefined when the string is not one. */
export function parseBackupVaultArn(arn: string): BackupVaultArn | undefined {
  const m = /^arn:(aws[a-z-]*):backup:([a-z0-9-]+):(\d{12}):backup-vault:([A-Za-z0-9_.-]{2,50})$/.exec(arn);
  return m ? { partition: m[1], region: m[2], account: m[3], name: m[4] } : undefined;
}

const MINUTES_PER_DAY = 1440;

/**
 * The longest a cron schedule may leave between two backups: a weekday schedule's weekend (Friday 03:00 to Monday
 * 03:00). Shorter than any retention the constructs accept (at least 7 days), so a recovery point always exists.
 */
export const MAX_CRON_GAP_DAYS = 3;

/** AWS Backup refuses a schedule whose backup jobs are less than 60 minutes apart. */
export const MIN_BACKUP_INTERVAL_MINUTES = 60;

function days(minutes: number): string {
  const d = Math.floor(minutes / MINUTES_PER_DAY);
  const h = Math.round((minutes % MINUTES_PER_DAY) / 60);
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  return h === 0 ? plural(d, "day") : d === 0 ? plural(h, "hour") : `${plural(d, "day")} ${plural(h, "hour")}`;
}

/**
 * An AWS Backup schedule that AWS Backup takes and that keeps firing: `cron(...)` (a backup rule's
 * ScheduleExpression is a cron expression; `rate(...)` is refused) with six fields and `*` for the year, that runs
 * at least every 3 days and never less than 60 minutes apart (AWS Backup refuses backup jobs closer together). A
 * schedule that passes review but never (or seldom) fires leaves the data without recovery points while everything
 * looks protected; one AWS refuses fails at apply. The cron expression is evaluated day by day over a whole
 * 28-year calendar cycle; what blastwall cannot read is refused, not guessed.
 */
export function requireBackupSchedule(construct: string, prop: string, value: string): string {
  requireString(construct, prop, value, "a cron(...) expression like cron(0 3 * * ? *)");
  if (/^rate\(.*\)$/.test(value)) {
    fail(construct, prop, `must be a cron(...) expression, not rate(...) (got "${value}"): an AWS Backup rule's ScheduleExpression is a cron expression. Use cron(...), e.g. cron(0 3 * * ? *) for every day at 03:00 UTC or cron(0 */12 * * ? *) for every 12 hours`);
  }
  const cron = /^cron\((.+)\)$/.exec(value);
  if (!cron) fail(construct, prop, `must be a cron(...) expression like cron(0 3 * * ? *) (got "${value}")`);
  const fields = cron[1].trim().split(/\s+/);
  if (fields.length !== 6) fail(construct, prop, `must be a cron expression of six fields, minutes to year, like cron(0 3 * * ? *) (got "${value}")`);
  if (fields[5] !== "*") fail(construct, prop, `must have * as the year of its cron expression (got "${value}"): a schedule bound to years stops firing once they are past`);
  let times: CronTimes;
  try {
    times = readCron(fields);
  } catch (e) {
    if (!(e instanceof CronUnreadable)) throw e;
    fail(construct, prop, `must be a cron expression blastwall can read (got "${value}"): ${e.message}. Fields are minutes hours day-of-month month day-of-week year, like cron(0 3 * * ? *)`);
  }
  const gap = longestGapMinutes(times);
  if (gap === undefined) fail(construct, prop, `never fires (got "${value}"): no date matches its day and month fields, so no recovery point would ever be made`);
  if (gap > MAX_CRON_GAP_DAYS * MINUTES_PER_DAY) {
    fail(construct, prop, `must back up at least every ${MAX_CRON_GAP_DAYS} days (got "${value}", which leaves up to ${days(gap)} between recovery points): data written in between is lost with nothing to restore it from, and a gap longer than the retention leaves no recovery point at all`);
  }
  const shortest = shortestGapMinutes(times)!;
  if (shortest < MIN_BACKUP_INTERVAL_MINUTES) {
    fail(construct, prop, `must leave at least ${MIN_BACKUP_INTERVAL_MINUTES} minutes between backups (got "${value}", whose runs come as close as ${shortest} minute${shortest === 1 ? "" : "s"} apart): AWS Backup refuses a schedule whose backup jobs are less than ${MIN_BACKUP_INTERVAL_MINUTES} minutes apart, so the plan would fail at apply. Back up at most hourly, e.g. cron(0 * * * ? *), or daily: cron(0 3 * * ? *)`);
  }
  return value;
}

/** IAM's tag keys: 1 to 128 Unicode letters, digits, spaces and `_ . : / = + - @`. */
const IAM_TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;

/**
 * A tag key IAM takes on a role or user (else CreateRole or TagRole fails at apply): `whose` names what is tagged,
 * `example` a key to use instead (red-team round 175: ScopedToken's environmentTagKey and AgentRole's tags took any).
 */
export function requireIamTagKey(C: string, prop: string, key: string, whose: string, example: string): void {
  const got = `(got ${JSON.stringify(key)})`;
  if (!IAM_TAG_KEY.test(key)) {
    fail(C, prop, `must be an IAM tag key, 1 to 128 letters, digits, spaces and _ . : / = + - @ ${got}: IAM refuses any other key on ${whose}, and the apply would fail. Use a key such as ${example}`);
  }
  // AWS reserves the prefix in any case (aws:, AWS:, Aws:).
  if (/^aws:/i.test(key)) fail(C, prop, `must not start with "aws:" ${got}: AWS reserves that prefix for its own tags and IAM refuses it on ${whose}, so the apply would fail. Use a key such as ${example}`);
}
