/**
 * Red-team round 128, F2a: an Aurora DSQL cluster policy (`aws_dsql_cluster_policy`, its document in `policy`) grants
 * on its own within the cluster's account, as the DSQL user guide's "Resource-based policies for Aurora DSQL" has it,
 * and was not read at all: one allowing the agent dsql:DbConnectAdmin (the admin database role, which can drop every
 * table) passed. It is read now like every other resource policy: a grant is a resource-policy-grant finding, its own
 * Deny of the agent takes the grant away, and `Action: "*"` in it means every dsql: action, nothing else.
 */
import { RESOURCE_POLICIES, resourcePolicyCanGrant } from "../../lib/engine/resource-policies";
import { agentRole, check, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

const AGENT_ARN = "arn:aws:iam::111111111111:role/agents/agent";
const PINNED = { provider: { aws: [{ region: "us-east-1", allowed_account_ids: ["111111111111"] }] } };

const stack = (...statements: Obj[]) =>
  tf(
    {
      "aws_iam_role.agent": agentRole(),
      "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "dsql:GetCluster", Resource: "*" }) },
      "aws_dsql_cluster.prod": { deletion_protection_enabled: true },
      "aws_dsql_cluster_policy.prod": { identifier: "${aws_dsql_cluster.prod.identifier}", policy: policy(...statements) },
    },
    PINNED,
  );

const grants = (...statements: Obj[]) =>
  check(stack(...statements))
    .findings.filter((f) => f.ruleId === "resource-policy-grant")
    .map((f) => [f.severity, f.resource, f.actions]);

const allow = (principal: unknown, action: unknown) => ({ Effect: "Allow", Principal: principal, Action: action, Resource: "*" });

describe("Aurora DSQL cluster policies are resource policies (red-team round 128, F2a)", () => {
  test("the type is listed with the attribute the provider names, and grants dsql: actions only", () => {
    expect(RESOURCE_POLICIES.filter(([t]) => t === "aws_dsql_cluster_policy")).toEqual([["aws_dsql_cluster_policy", "policy"]]);
    expect([resourcePolicyCanGrant("aws_dsql_cluster_policy", "dsql:DbConnectAdmin"), resourcePolicyCanGrant("aws_dsql_cluster_policy", "ec2:TerminateInstances")]).toEqual([true, false]);
  });

  test("a policy allowing the agent's role dsql:DbConnectAdmin is a resource-policy-grant error", () => {
    expect(grants(allow({ AWS: AGENT_ARN }, "dsql:DbConnectAdmin"))).toEqual([["error", "aws_dsql_cluster_policy.prod", ["dsql:DbConnectAdmin"]]]);
  });

  test("everyone (*) and every action: the dsql: destroy rights only, not every catalogue action", () => {
    const found = grants(allow("*", "*"));
    expect(found).toHaveLength(1);
    const actions = found[0][2] as string[];
    expect(actions).toEqual(expect.arrayContaining(["dsql:DeleteCluster", "dsql:DbConnectAdmin"]));
    expect(actions.every((a) => a.startsWith("dsql:"))).toBe(true);
  });

  test("control: a grant of a read action is no finding", () => {
    expect(grants(allow({ AWS: AGENT_ARN }, "dsql:GetCluster"))).toEqual([]);
  });

  test("control: the documented VPC-only Deny alone grants nothing", () => {
    expect(grants({ Effect: "Deny", Principal: { AWS: "*" }, Action: ["dsql:DbConnect", "dsql:DbConnectAdmin"], Resource: "*", Condition: { Null: { "aws:SourceVpc": "true" } } })).toEqual([]);
  });

  test("control: the policy's own unconditional Deny of everyone takes the grant away", () => {
    expect(grants(allow({ AWS: AGENT_ARN }, "dsql:DbConnectAdmin"), { Effect: "Deny", Principal: "*", Action: "dsql:DbConnectAdmin", Resource: "*" })).toEqual([]);
  });

  test("control: another account's root named in the policy grants the agent nothing on its own", () => {
    expect(grants(allow({ AWS: "arn:aws:iam::999999999999:root" }, "dsql:DbConnectAdmin"))).toEqual([]);
  });
});
