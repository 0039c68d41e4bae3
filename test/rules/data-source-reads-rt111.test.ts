/**
 * Red-team round 111, F6: `data.aws_arn.a.id` is the whole ARN, but only its parts were taken to hold what the ARN
 * was made from (the check's cases are in rendered-data-sources-rt110.test.ts, beside the parts').
 */
import { checkStacks } from "../../lib/check/run-check";
import { planToStack } from "../../lib/plan/plan-to-stack";
import type { PlanJson } from "../../lib/plan/types";
import { agentRules } from "../../lib/rules";

type Obj = Record<string, unknown>;
const ID = "credential-in-configuration";

describe("gate: a data source read during apply, its attribute in tags", () => {
  const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/agent-runner" }, Action: "sts:AssumeRole" }] });
  const ALLOW = (action: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: "*" }] });
  const refs = (...r: string[]) => ({ references: r });
  const KEY_REFS = refs("aws_iam_access_key.ci.secret", "aws_iam_access_key.ci");
  /** Terraform lists a data source read during apply in resource_changes (`read`) and in planned_values, its computed attributes left out. */
  function plan(tags: Obj, extra: { address: string; mode: "managed" | "data"; values: Obj; unknown: Obj; expressions: Obj }[]): PlanJson {
    const R = [
      { address: "aws_iam_role.agent", mode: "managed", values: { name: "agent", path: "/", assume_role_policy: TRUST, tags: { "blastwall:agent": "true" } }, unknown: { arn: true }, expressions: {} },
      { address: "aws_iam_role_policy.agent", mode: "managed", values: { name: "agent", role: "agent", policy: ALLOW("ssm:ListTagsForResource") }, unknown: {}, expressions: {} },
      { address: "aws_iam_user.ci", mode: "managed", values: { name: "ci", path: "/" }, unknown: { arn: true }, expressions: {} },
      { address: "aws_iam_user_policy.ci", mode: "managed", values: { name: "admin", user: "ci", policy: ALLOW("*") }, unknown: {}, expressions: { user: refs("aws_iam_user.ci.name", "aws_iam_user.ci") } },
      { address: "aws_iam_access_key.ci", mode: "managed", values: { user: "ci", status: "Active" }, unknown: { id: true, secret: true }, expressions: { user: refs("aws_iam_user.ci.name", "aws_iam_user.ci") } },
      ...extra,
      { address: "aws_ssm_parameter.p", mode: "managed", values: { name: "/ci/note", type: "String", value: "see tags" }, unknown: { tags: true, tags_all: true, arn: true }, expressions: { tags } },
    ];
    const parts = (r: (typeof R)[number]) => {
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
  const written = (p: PlanJson) =>
    checkStacks([planToStack(p, "plan.json")], { config: {}, rules: agentRules })
      .findings.filter((f) => f.ruleId === ID && f.severity === "error")
      .map((f) => f.resource);
  test("F6: aws_arn's id of an ARN made from the key: credential-in-configuration; of one made from the user's name: not", () => {
    const arn = (made: Obj) => ({
      address: "data.aws_arn.a",
      mode: "data" as const,
      values: {},
      unknown: { arn: true, id: true, partition: true, service: true, region: true, account: true, resource: true },
      expressions: { arn: made },
    });
    const ID_REF = refs("data.aws_arn.a.id", "data.aws_arn.a");
    expect(written(plan(ID_REF, [arn(KEY_REFS)]))).toEqual(["aws_ssm_parameter.p"]);
    expect(written(plan(ID_REF, [arn(refs("aws_iam_user.ci.name", "aws_iam_user.ci"))]))).toEqual([]);
  });
});
