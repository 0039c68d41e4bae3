/**
 * Principals written with the AWS Cloud Control provider (`hashicorp/awscc`): IAM roles and users and Identity Center
 * permission sets in the CloudFormation shape. blastwall does not analyse them (rule unmodelled-iam), but an agent
 * written so is still an agent: it is selected as the `aws_*` principal it stands for would be, and the config's
 * name selectors and notes count it.
 */
import type { TfResource, TfStack } from "./terraform/types";
import { followReferences } from "./agent-tags";
import { isObject } from "./json";

/** The aws_* principal type each awscc principal type stands for, and the argument that holds its name. */
export const CLOUD_CONTROL_PRINCIPALS: Readonly<Record<string, { readonly type: string; readonly name: string }>> = {
  awscc_iam_role: { type: "aws_iam_role", name: "role_name" },
  awscc_iam_user: { type: "aws_iam_user", name: "user_name" },
  awscc_sso_permission_set: { type: "aws_ssoadmin_permission_set", name: "name" },
};

/**
 * The aws_* principal an awscc principal stands for, at the same address, for the agent selection (`agentSelector`):
 * its name under `name`, and awscc's list of `{ key, value }` tags as the map the selection reads (followed through
 * locals and variables; a list it cannot read stays as written, which the selection reads as maybe an agent).
 * Undefined for any other resource.
 */
export function cloudControlStandIn(stack: TfStack | undefined, r: TfResource): TfResource | undefined {
  const shape = CLOUD_CONTROL_PRINCIPALS[r.type];
  if (!shape) return undefined;
  const raw = stack ? followReferences(stack, r.values["tags"]) : r.values["tags"];
  const tags = Array.isArray(raw) ? Object.fromEntries(raw.filter(isObject).map((t) => [String(t["key"] ?? t["Key"]), t["value"] ?? t["Value"]])) : raw;
  return { ...r, type: shape.type, values: { ...r.values, name: r.values[shape.name], tags } };
}

/**
 * The awscc role or user of the stack an exact IAM name (`role/ops/admin` after the account: kind, path and name)
 * is, when the stack has one: a reach finding about "a role outside this stack" then names it instead.
 */
export function cloudControlPrincipalNamed(stack: TfStack, kind: "role" | "user", resourcePart: string): TfResource | undefined {
  const type = kind === "role" ? "awscc_iam_role" : "awscc_iam_user";
  const at = resourcePart.lastIndexOf("/");
  const name = resourcePart.slice(at + 1).toLowerCase();
  const path = `/${resourcePart.slice(resourcePart.indexOf("/") + 1, at + 1)}`;
  return (stack.byType.get(type) ?? []).find((r) => {
    if (r.mode !== "managed") return false;
    const n = r.values[CLOUD_CONTROL_PRINCIPALS[type].name];
    const p = r.values["path"];
    // IAM names are unique regardless of case; an unset path is `/`.
    return typeof n === "string" && n.toLowerCase() === name && (p === undefined || p === null ? "/" : p) === path;
  });
}
