/**
 * A `terraform show -json` plan the credential tests share: an agent that may list a parameter's tags, a user that can
 * do anything with an access key the plan creates, whatever a test adds, and a parameter tagged as the test says.
 */
import { checkStacks } from "../../lib/check/run-check";
import { planToStack } from "../../lib/plan/plan-to-stack";
import type { PlanJson } from "../../lib/plan/types";
import { agentRules } from "../../lib/rules";

type Obj = Record<string, unknown>;

/** One resource or data source of the plan: its planned values, what is unknown until apply, and its configuration. */
export interface PlanRecord {
  readonly address: string;
  readonly mode: "managed" | "data";
  readonly values: Obj;
  readonly unknown: Obj;
  readonly expressions: Obj;
}

/** A configuration expression that references `r` (the address forms Terraform lists). */
export const refs = (...r: string[]) => ({ references: r });
export const KEY_REFS = refs("aws_iam_access_key.ci.secret", "aws_iam_access_key.ci");

const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/agent-runner" }, Action: "sts:AssumeRole" }] });
const ALLOW = (action: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: "*" }] });

const KEY_HOLDER: readonly PlanRecord[] = [
  { address: "aws_iam_role.agent", mode: "managed", values: { name: "agent", path: "/", assume_role_policy: TRUST, tags: { "blastwall:agent": "true" } }, unknown: { arn: true }, expressions: {} },
  { address: "aws_iam_role_policy.agent", mode: "managed", values: { name: "agent", role: "agent", policy: ALLOW("ssm:ListTagsForResource") }, unknown: {}, expressions: {} },
  { address: "aws_iam_user.ci", mode: "managed", values: { name: "ci", path: "/" }, unknown: { arn: true }, expressions: {} },
  { address: "aws_iam_user_policy.ci", mode: "managed", values: { name: "admin", user: "ci", policy: ALLOW("*") }, unknown: {}, expressions: { user: refs("aws_iam_user.ci.name", "aws_iam_user.ci") } },
  { address: "aws_iam_access_key.ci", mode: "managed", values: { user: "ci", status: "Active" }, unknown: { id: true, secret: true }, expressions: { user: refs("aws_iam_user.ci.name", "aws_iam_user.ci") } },
];

/**
 * The plan with `extra` and `aws_ssm_parameter.p` tagged by `tags` (its value unknown until apply). Terraform lists a data
 * source read during apply in resource_changes (`read`) and in planned_values, its computed attributes left out.
 */
export function keyPlan(tags: Obj, extra: readonly PlanRecord[]): PlanJson {
  const R: PlanRecord[] = [
    ...KEY_HOLDER,
    ...extra,
    { address: "aws_ssm_parameter.p", mode: "managed", values: { name: "/ci/note", type: "String", value: "see tags" }, unknown: { tags: true, tags_all: true, arn: true }, expressions: { tags } },
  ];
  const parts = (r: PlanRecord) => {
    const [type, name] = r.address.replace(/^data\./, "").split(".");
    return { address: r.address, mode: r.mode, type, name, provider_name: "registry.terraform.io/hashicorp/aws" };
  };
  return {
    format_version: "1.2",
    planned_values: { root_module: { resources: R.map((r) => ({ ...parts(r), values: r.values })) } },
    resource_changes: R.map((r) => ({ ...parts(r), change: { actions: [r.mode === "data" ? "read" : "create"], before: null, after: r.values, after_unknown: r.unknown } })),
    configuration: { root_module: { resources: R.map((r) => ({ ...parts(r), provider_config_key: "aws", expressions: r.expressions })) } },
  } as unknown as PlanJson;
}

/** The resources the plan gate reports under `ruleId` as errors, with the agent rules. */
export const errorsIn = (p: PlanJson, ruleId: string): string[] =>
  checkStacks([planToStack(p, "plan.json")], { config: {}, rules: agentRules })
    .findings.filter((f) => f.ruleId === ruleId && f.severity === "error")
    .map((f) => f.resource);
