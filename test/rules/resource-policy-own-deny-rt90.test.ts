/**
 * Red-team round 90: an explicit Deny in any policy that applies to a request wins over an Allow in a resource policy
 * (IAM policy evaluation logic), the agent's own identity policies included, not only its permission boundary. A key
 * policy granting the agent kms:ScheduleKeyDeletion was reported although the agent's guard policy denied it on `*`.
 * The Deny must certainly apply: no conditions, and a Resource covering the key. And across accounts (both providers
 * pinned, to different accounts) a key policy grants nothing without an identity Allow, which the agent rules judge.
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";

const AGENT_ARN = "arn:aws:iam::333333333333:role/agents/agent";
const KEY_ACTIONS = ["kms:ScheduleKeyDeletion", "kms:DisableKey"];

const keyPolicy = (principal: string) =>
  policy(
    { Sid: "root", Effect: "Allow", Principal: { AWS: "arn:aws:iam::333333333333:root" }, Action: "kms:*", Resource: "*" },
    { Sid: "agent", Effect: "Allow", Principal: { AWS: principal }, Action: KEY_ACTIONS, Resource: "*" },
  );

const stack = (
  deny: Record<string, unknown> | undefined,
  opts: { keyProvider?: string; providers?: unknown[]; principal?: string; keyPolicyResource?: boolean; ops?: Record<string, unknown>[]; extra?: Record<string, Record<string, unknown>> } = {},
) =>
  tf(
    {
      "aws_iam_role.agent": agentRole(),
      "aws_iam_role_policy.ops": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "s3:ListBucket", Resource: "*" }, ...(opts.ops ?? [])) },
      ...(opts.extra ?? {}),
      ...(deny ? { "aws_iam_role_policy.guard": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Deny", Action: KEY_ACTIONS, ...deny }) } } : {}),
      "aws_kms_key.other": { description: "other", enable_key_rotation: true },
      ...(opts.keyPolicyResource
        ? {
            "aws_kms_key.k": { description: "data", enable_key_rotation: true },
            "aws_kms_key_policy.kp": { key_id: "${aws_kms_key.k.id}", policy: keyPolicy(opts.principal ?? AGENT_ARN) },
          }
        : { "aws_kms_key.k": { description: "data", enable_key_rotation: true, policy: keyPolicy(opts.principal ?? AGENT_ARN), ...(opts.keyProvider ? { provider: opts.keyProvider } : {}) } }),
    },
    opts.providers ? { provider: { aws: opts.providers } } : {},
  );

const grants = (json: Record<string, unknown>) => errors(check(json), "resource-policy-grant").map((f) => f.actions);

describe("a Deny of the agent's own identity policy that certainly covers the key", () => {
  test.each([
    ["on *", { Resource: "*" }],
    ["on every key of every partition", { Resource: "arn:*:kms:*:*:key/*" }],
    ["on the key by reference", { Resource: "${aws_kms_key.k.arn}" }],
  ])("takes the grant away (%s)", (_, deny) => {
    expect(grants(stack(deny))).toEqual([]);
  });

  test("takes it away from a grant in an aws_kms_key_policy too", () => {
    expect(grants(stack({ Resource: "${aws_kms_key.k.arn}" }, { keyPolicyResource: true }))).toEqual([]);
  });

  test("takes it away from a grant naming a session of the agent", () => {
    expect(grants(stack({ Resource: "*" }, { principal: "arn:aws:sts::333333333333:assumed-role/agent/nightly" }))).toEqual([]);
  });

  test("takes away only what it denies", () => {
    expect(grants(stack({ Action: "kms:DisableKey", Resource: "*" }))).toEqual([["kms:ScheduleKeyDeletion"]]);
  });
});

// A Deny the agent can take away protects nothing (red-team round 75): it counts only when neither the agent nor any
// principal it can act as can delete, detach, rewrite or leave the policy holding it.
describe("a Deny the agent can take away", () => {
  const helper = (actions: string[]) => ({
    "aws_iam_role.helper": { name: "helper", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "sts:AssumeRole" }) },
    "aws_iam_role_policy.helper": { role: "${aws_iam_role.helper.name}", policy: policy({ Effect: "Allow", Action: actions, Resource: "*" }) },
  });
  const assume = { Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.helper.arn}" };

  test.each([
    ["the agent may delete its own inline policies", [{ Effect: "Allow", Action: "iam:DeleteRolePolicy", Resource: "${aws_iam_role.agent.arn}" }]],
    ["the agent may, under a condition, detach its policies", [{ Effect: "Allow", Action: "iam:DetachRolePolicy", Resource: "*", Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } } }]],
  ])("leaves the grant reported when %s", (_, ops) => {
    expect(grants(stack({ Resource: "*" }, { ops }))).toEqual([KEY_ACTIONS]);
  });

  test("leaves the grant reported when a role the agent can assume may delete the agent's policies", () => {
    expect(grants(stack({ Resource: "*" }, { ops: [assume], extra: helper(["iam:DeleteRolePolicy"]) }))).toEqual([KEY_ACTIONS]);
  });

  test("control: a role the agent can assume that cannot touch its policies leaves the Deny standing", () => {
    expect(grants(stack({ Resource: "*" }, { ops: [assume], extra: helper(["s3:ListBucket"]) }))).toEqual([]);
  });
});

describe("the grant is still reported when", () => {
  test.each([
    ["there is no Deny", undefined],
    ["the Deny has a condition", { Resource: "*", Condition: { StringEquals: { "aws:RequestedRegion": "eu-west-1" } } }],
    ["the Deny is on another key", { Resource: "${aws_kms_key.other.arn}" }],
    ["the Deny covers only keys of one region (the key's may differ)", { Resource: "arn:aws:kms:eu-west-1:*:key/*" }],
  ])("%s", (_, deny) => {
    expect(grants(stack(deny as Record<string, unknown> | undefined))).toEqual([KEY_ACTIONS]);
  });
});

describe("an agent certainly in another account", () => {
  const pinned = (agentAccount: string, keyAccount: string) => [
    { region: "us-east-1", allowed_account_ids: [agentAccount] },
    { alias: "prod", region: "us-east-1", allowed_account_ids: [keyAccount] },
  ];

  test("gets nothing from the key policy alone", () => {
    expect(grants(stack(undefined, { keyProvider: "aws.prod", providers: pinned("333333333333", "222222222222") }))).toEqual([]);
  });

  test.each([
    ["both are pinned to one account", pinned("333333333333", "333333333333")],
    ["the key's provider is not pinned", [{ region: "us-east-1", allowed_account_ids: ["333333333333"] }, { alias: "prod", region: "us-east-1", profile: "prod" }]],
    ["the key's provider may be in either account", [{ region: "us-east-1", allowed_account_ids: ["333333333333"] }, { alias: "prod", region: "us-east-1", allowed_account_ids: ["222222222222", "333333333333"] }]],
    ["the agent's provider is not pinned", [{ region: "us-east-1" }, { alias: "prod", region: "us-east-1", allowed_account_ids: ["222222222222"] }]],
  ])("is still reported when %s", (_, providers) => {
    expect(grants(stack(undefined, { keyProvider: "aws.prod", providers }))).toEqual([KEY_ACTIONS]);
  });
});

describe("agent-resource-policy-rewrite reads the key policy so too", () => {
  const rewrite = (deny: Record<string, unknown> | undefined) =>
    tf({
      "aws_iam_role.agent": agentRole(),
      ...(deny ? { "aws_iam_role_policy.guard": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Deny", Action: "kms:PutKeyPolicy", ...deny }) } } : {}),
      "aws_kms_key.k": {
        description: "data",
        enable_key_rotation: true,
        policy: policy({ Sid: "agent", Effect: "Allow", Principal: { AWS: AGENT_ARN }, Action: "kms:PutKeyPolicy", Resource: "*" }),
      },
    });
  const found = (json: Record<string, unknown>) => check(json).findings.filter((f) => f.ruleId === "agent-resource-policy-rewrite" && f.resource === "aws_kms_key.k").map((f) => f.actions);

  test("a certain Deny of kms:PutKeyPolicy in the agent's own policy takes the grant away", () => {
    expect(found(rewrite({ Resource: "*" }))).toEqual([]);
  });

  test.each([
    ["there is no Deny", undefined],
    ["the Deny has a condition", { Resource: "*", Condition: { StringEquals: { "aws:RequestedRegion": "eu-west-1" } } }],
  ])("the grant is still reported when %s", (_, deny) => {
    expect(found(rewrite(deny as Record<string, unknown> | undefined))).toEqual([["kms:PutKeyPolicy"]]);
  });
});
