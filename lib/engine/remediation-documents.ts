/**
 * What an AWS Config remediation's SSM Automation document does, as far as its name tells: one plan rule
 * (plan/rules/command-scheduled.ts) and the reach of config:PutConfigRule (rules/remediation-rewrites.ts) read it alike.
 * An AWS-owned document whose name says it turns a protection on (enabling encryption, logging or a trail, a public
 * access block) destroys nothing. Any other (configuring, updating, deleting, terminating), a command runner, or a
 * document of the account's own, whose content blastwall does not read, may: `AWS-ConfigureS3BucketVersioning` can
 * suspend versioning, `AWS-DeleteSnapshot` deletes what it is pointed at.
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

/**
 * Whether a remediation running `document` (its name or ARN, as `target_id` gives it) only turns a protection on.
 * `parameters`: its `parameter` blocks (`{ name, static_value }`), undefined where they are not known.
 */
export function protectiveRemediation(document: string, parameters: unknown): boolean {
  const name = documentName(document);
  const owned = /^(aws|awsconfigremediation)-(.*)$/.exec(name);
  return owned !== null && !COMMAND_DOCUMENTS.test(name) && (PROTECTIVE.test(owned[2]) || versioningOn(owned[2], parameters));
}
