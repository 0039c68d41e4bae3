/**
 * Calls that hand the caller a session in compute that runs as a role (red-team round 61 #6): the caller does not
 * change the compute, it logs in to it.
 *
 * - `elasticmapreduce:GetClusterSessionCredentials` returns credentials for the endpoints (Livy, HiveServer2, EMR
 *   Studio) of an EMR cluster with runtime roles, bound to the runtime role the call names
 *   (`elasticmapreduce:ExecutionRoleArn`): the Spark code and queries the caller submits run as that role. EMR takes the
 *   runtime role with the cluster's EC2 instance profile role, so a runtime role is one whose trust admits that role.
 * - `gamelift:GetComputeAccess` and `gamelift:GetInstanceAccess` open a shell on a compute or instance of a managed
 *   GameLift fleet, where the fleet's role (`instance_role_arn`; a container fleet's `fleet_role_arn`) is at hand.
 */
import type { Condition } from "../iam/types";
import type { TfResource, TfStack } from "../terraform/types";
import { blocks, isObject } from "../json";
import { attributePattern, refTarget } from "../terraform/tokens";
import { samePlace } from "./resource-index";
import { blocksWithDynamic } from "./dynamic-blocks";

export interface SessionTarget {
  /** The resource type the session is in. */
  readonly type: string;
  /** The shape of the ARNs of such resources (ids are AWS's to choose). */
  readonly arn: string;
  /** Where it says the role a session runs as; `emr-runtime` for the runtime roles of an EMR cluster. */
  readonly role: string;
}

export interface SessionAccess {
  readonly action: string;
  readonly targets: readonly SessionTarget[];
  /** What the caller gets, for reports: `a session on the endpoints of`. */
  readonly gets: string;
  /** What `gets` is of when blastwall cannot tell which resource it is, for reports: `a cluster`, `a fleet`. */
  readonly unseen: string;
}

const FLEET: SessionTarget = { type: "aws_gamelift_fleet", arn: "arn:*:gamelift:*:*:fleet/*", role: "instance_role_arn" };
const CONTAINER_FLEET: SessionTarget = { type: "aws_gamelift_container_fleet", arn: "arn:*:gamelift:*:*:containerfleet/*", role: "fleet_role_arn" };

export const SESSION_ACCESS: readonly SessionAccess[] = [
  { action: "elasticmapreduce:GetClusterSessionCredentials", targets: [{ type: "aws_emr_cluster", arn: "arn:*:elasticmapreduce:*:*:cluster/*", role: "emr-runtime" }], gets: "credentials for the endpoints of", unseen: "a cluster" },
  { action: "gamelift:GetComputeAccess", targets: [FLEET, CONTAINER_FLEET], gets: "a shell on a compute of", unseen: "a fleet" },
  { action: "gamelift:GetInstanceAccess", targets: [FLEET], gets: "a shell on an instance of", unseen: "a fleet" },
];

const SESSION_ACTIONS: ReadonlySet<string> = new Set(SESSION_ACCESS.map((s) => s.action.toLowerCase()));

/** Whether an action is one of these (their edges are sessionEdges', not the generic outside-compute ones). */
export function isSessionAction(action: string): boolean {
  return SESSION_ACTIONS.has(action.toLowerCase());
}

/**
 * The role ARN patterns an `elasticmapreduce:ExecutionRoleArn` condition of a GetClusterSessionCredentials Allow limits
 * the call to, or undefined when none does. The key is a required parameter of the call, so it is in every request:
 * `StringEquals`, `StringEqualsIgnoreCase`, `StringLike`, `ArnEquals`, `ArnLike` and their `IfExists` forms limit it.
 * A negated or set operator, or a value known only at apply time, limits nothing. Several conditions on the key all
 * hold; any one of them bounds the roles, and the first is taken (on the side of allowing).
 */
export function executionRolePins(conditions: readonly Condition[]): readonly string[] | undefined {
  for (const c of conditions) {
    if (c.key.toLowerCase() !== "elasticmapreduce:executionrolearn") continue;
    const op = c.operator.toLowerCase().replace(/ifexists$/, "");
    if (!["stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"].includes(op)) continue;
    if (c.values.length === 0 || c.values.some((v) => v.includes("${"))) continue;
    return c.values;
  }
  return undefined;
}

/**
 * Whether an EMR cluster may have runtime roles: only a security configuration with
 * `AuthorizationConfiguration.IAMConfiguration.EnableApplicationScopedIAMRole` set lets GetClusterSessionCredentials
 * work there, and a cluster's security configuration is fixed when it is created. No configuration: no. One of the
 * stack's whose JSON blastwall reads: what it says. Anything else (a configuration outside the stack, one written
 * with `jsonencode` or a `dynamic` block): yes, fail closed. A configuration is one per name in an account and region:
 * the cluster's is the stack's only when made through the same provider configuration (or the same pinned account
 * and region); one of the same name elsewhere says nothing (red-team round 66: a cluster in eu-west-1 named `sc`,
 * read as the stack's `sc` in us-east-1 with runtime roles off).
 */
export function mayHaveRuntimeRoles(stack: TfStack, cluster: TfResource): boolean {
  const v = cluster.values["security_configuration"];
  if (v === undefined || v === null || v === "") return false;
  const configs = stack.byType.get("aws_emr_security_configuration") ?? [];
  const ref = refTarget(v);
  const config = ref
    ? ref.attribute === "name" || ref.attribute === "id"
      ? stack.byAddress.get(ref.address)
      : undefined
    : configs.find((c) => c.mode === "managed" && samePlace(stack, c, cluster) && nameOf(stack, c) === v);
  if (!config || config.type !== "aws_emr_security_configuration" || config.mode !== "managed" || !samePlace(stack, config, cluster)) return true;
  if (config.values["dynamic"] !== undefined && config.values["dynamic"] !== null) return true;
  const raw = config.values["configuration"];
  let parsed: unknown = raw;
  if (typeof raw === "string") {
    if (raw.includes("${")) return true;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return true;
    }
  }
  if (!isObject(parsed)) return true;
  const iam = blocks(blocks(parsed["AuthorizationConfiguration"])[0]?.["IAMConfiguration"])[0];
  const on = iam?.["EnableApplicationScopedIAMRole"];
  return on === true || (typeof on === "string" && on.toLowerCase() === "true");
}

/** A resource's `name` as written or resolved exactly; undefined when blastwall cannot know it. */
function nameOf(stack: TfStack, r: TfResource): string | undefined {
  const p = attributePattern(stack, r, "name");
  return p.exact ? p.pattern : undefined;
}

/**
 * The instance profile an EMR cluster's instances run with (`ec2_attributes.instance_profile`), as written, in a
 * static or `dynamic` block (red-team round 67); undefined when none is set or blastwall cannot read it.
 */
export function clusterInstanceProfile(cluster: TfResource): unknown {
  const b = blocksWithDynamic(cluster.values, "ec2_attributes");
  return b.unread ? undefined : b.blocks[0]?.["instance_profile"];
}

export function sessionActions(): string[] {
  return SESSION_ACCESS.map((s) => s.action);
}
