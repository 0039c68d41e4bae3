/**
 * OpenSearch Serverless data: IAM's aoss:APIAccessAll and a data access policy naming the agent with a delete are,
 * together, a destroy right.
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;
const RULE = "agent-serverless-data-delete";

const agentWith = (action = "aoss:APIAccessAll") => ({
  "aws_iam_role.agent": agentRole(),
  "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Sid: "Search", Effect: "Allow", Action: action, Resource: "*" }) },
});
const dataPolicy = (sets: Obj[] | string, extra: Obj = {}) => ({
  "aws_opensearchserverless_access_policy.logs": { name: "logs", type: "data", policy: typeof sets === "string" ? sets : JSON.stringify(sets), ...extra },
});
const ruleSet = (principal: unknown, permissions: string[]) => ({
  Rules: [
    { ResourceType: "index", Resource: ["index/logs/*"], Permission: permissions },
    { ResourceType: "collection", Resource: ["collection/logs"], Permission: ["aoss:DescribeCollectionItems"] },
  ],
  Principal: principal,
});
const found = (json: Obj) => errors(check(json), RULE);

describe(RULE, () => {
  test("a rule set naming the agent by reference with aoss:* on the indexes", () => {
    const [f, ...rest] = found(tf({ ...agentWith(), ...dataPolicy([ruleSet(["${aws_iam_role.agent.arn}"], ["aoss:*"])]) }));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ principal: "aws_iam_role.agent", resource: "aws_opensearchserverless_access_policy.logs", actions: ["aoss:DeleteIndex", "aoss:DeleteCollectionItems", "aoss:WriteDocument"] });
    expect(f.message).toBe(
      "aws_iam_role.agent is an AI agent and can delete OpenSearch Serverless data: its policies allow aoss:APIAccessAll and the data access policy " +
        "aws_opensearchserverless_access_policy.logs names it with aoss:DeleteIndex, aoss:DeleteCollectionItems, aoss:WriteDocument on index/logs/*, collection/logs.",
    );
    expect(f.evidence.map((e) => e.step)).toEqual(["principal", "statement", "resource-policy"]);
    expect(f.evidence[1].detail).toContain("Search");
  });

  test("by literal ARN, by a pattern covering it, by its account, and through the dashboards door", () => {
    const named = (principal: unknown, action?: string) => found(tf({ ...agentWith(action), ...dataPolicy([ruleSet(principal, ["aoss:WriteDocument"])]) })).map((f) => f.actions);
    expect(named(["arn:aws:iam::111111111111:role/agents/agent"])).toEqual([["aoss:WriteDocument"]]);
    expect(named(["arn:aws:iam::111111111111:role/agents/*"])).toEqual([["aoss:WriteDocument"]]);
    expect(named(["arn:aws:iam::111111111111:root"])).toEqual([["aoss:WriteDocument"]]);
    expect(named(["arn:aws:iam::111111111111:role/agents/agent"], "aoss:DashboardsAccessAll")).toEqual([["aoss:WriteDocument"]]);
    expect(named("arn:aws:iam::111111111111:role/AGENTS/Agent".toLowerCase())).toEqual([["aoss:WriteDocument"]]);
  });

  test("the control: read-only permissions, another principal, SAML only, no IAM door, a network policy", () => {
    expect(found(tf({ ...agentWith(), ...dataPolicy([ruleSet(["${aws_iam_role.agent.arn}"], ["aoss:ReadDocument", "aoss:DescribeIndex"])]) }))).toEqual([]);
    expect(found(tf({ ...agentWith(), ...dataPolicy([ruleSet(["arn:aws:iam::111111111111:role/indexer"], ["aoss:*"])]) }))).toEqual([]);
    expect(found(tf({ ...agentWith(), ...dataPolicy([ruleSet(["saml/111111111111/idp/group/admins"], ["aoss:*"])]) }))).toEqual([]);
    expect(found(tf({ ...agentWith("aoss:ListCollections"), ...dataPolicy([ruleSet(["${aws_iam_role.agent.arn}"], ["aoss:*"])]) }))).toEqual([]);
    expect(found(tf({ ...agentWith(), ...dataPolicy([ruleSet(["${aws_iam_role.agent.arn}"], ["aoss:*"])], { type: "network" }) }))).toEqual([]);
  });

  test("a policy it cannot read counts as naming the agent with every delete, and says why", () => {
    const [f] = found(tf({ ...agentWith(), ...dataPolicy("${file(\"access.json\")}") }));
    expect(f.actions).toEqual(["aoss:DeleteIndex", "aoss:DeleteCollectionItems", "aoss:WriteDocument"]);
    expect(f.message).toMatch(/may let it delete \(blastwall cannot read it: its policy is built by an expression blastwall cannot evaluate/);
    expect(found(tf({ ...agentWith(), ...dataPolicy("[{\"Rules\": ") }))[0].message).toContain("not valid JSON");
    expect(found(tf({ ...agentWith(), "aws_opensearchserverless_access_policy.logs": { name: "logs", type: "data", policy: [ruleSet(["x"], ["aoss:ReadDocument"])] } }))[0].message).toContain("not a JSON string");
    // A type computed at apply time may be "data".
    expect(found(tf({ ...agentWith(), ...dataPolicy([ruleSet(["${aws_iam_role.agent.arn}"], ["aoss:Delete*"])], { type: "${var.kind}" }) })).map((f) => f.actions)).toEqual([["aoss:DeleteIndex", "aoss:DeleteCollectionItems"]]);
  });

  test("a policy written with jsonencode is read", () => {
    const hcl = '${jsonencode([{ Rules = [{ ResourceType = "index", Resource = ["index/logs/*"], Permission = ["aoss:DeleteIndex"] }], Principal = [aws_iam_role.agent.arn] }])}';
    // The reference inside jsonencode is no literal the evaluator can see: the policy is unknown, and named as such.
    const unread = found(tf({ ...agentWith(), ...dataPolicy(hcl) }));
    expect(unread).toHaveLength(1);
    const literal = '${jsonencode([{ Rules = [{ ResourceType = "index", Resource = ["index/logs/*"], Permission = ["aoss:DeleteIndex"] }], Principal = ["arn:aws:iam::111111111111:role/agents/agent"] }])}';
    expect(found(tf({ ...agentWith(), ...dataPolicy(literal) })).map((f) => f.message)).toEqual([expect.stringContaining("names it with aoss:DeleteIndex on index/logs/*")]);
    const other = literal.replace("agents/agent", "indexer");
    expect(found(tf({ ...agentWith(), ...dataPolicy(other) }))).toEqual([]);
  });
});

describe(`${RULE} across accounts and stacks (red-team round 48)`, () => {
  const { buildStack } = require("../../lib/engine/terraform/stack") as typeof import("../../lib/engine/terraform/stack");
  const { checkStacks } = require("../../lib/check/run-check") as typeof import("../../lib/check/run-check");
  const { agentRules } = require("../../lib/rules") as typeof import("../../lib/rules");
  const pinned = (account: string, json: Obj): Obj => ({ ...json, provider: { aws: [{ region: "eu-west-1", allowed_account_ids: [account] }] } });
  const A = "111111111111";

  test("a policy naming another account's root or role is not the agent's, in a pinned stack", () => {
    expect(found(pinned(A, tf({ ...agentWith(), ...dataPolicy([ruleSet(["arn:aws:iam::222222222222:root"], ["aoss:*"])]) })))).toEqual([]);
    expect(found(pinned(A, tf({ ...agentWith(), ...dataPolicy([ruleSet(["arn:aws:iam::222222222222:role/agents/agent"], ["aoss:*"])]) })))).toEqual([]);
    expect(found(pinned(A, tf({ ...agentWith(), ...dataPolicy([ruleSet([`arn:aws:iam::${A}:root`], ["aoss:*"])]) })))).toHaveLength(1);
  });

  test("a data policy in another checked stack of the account names the agent that holds the IAM door in its own", () => {
    const run = (opsAccount: string, action = "aoss:APIAccessAll") =>
      checkStacks([buildStack(pinned(A, tf(agentWith(action))), "dev.tf.json", "dev"), buildStack(pinned(opsAccount, tf(dataPolicy([ruleSet([`arn:aws:iam::${A}:role/agents/agent`], ["aoss:DeleteIndex"])]))), "ops.tf.json", "ops")], { config: {}, rules: agentRules })
        .findings.filter((f) => f.ruleId === RULE);
    const [f, ...rest] = run(A);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ file: "ops.tf.json", principal: `outside:arn:aws:iam::${A}:role/agents/agent`, severity: "error", actions: ["aoss:DeleteIndex"] });
    expect(f.message).toContain("aws_iam_role.agent of stack dev, an agent there by");
    expect(f.message).toContain("its policies there allow aoss:APIAccessAll and the data access policy aws_opensearchserverless_access_policy.logs names it with aoss:DeleteIndex on index/logs/*");
    // The controls: the agent without the door, and the policy in another pinned account.
    expect(run(A, "aoss:ListCollections")).toEqual([]);
    expect(run("222222222222")).toEqual([]);
  });

  test("the account is that of the provider the policy is made with, an aliased one too (red-team round 53)", () => {
    const ops = (aliasAccount: string) => ({
      ...tf({ ...dataPolicy([ruleSet([`arn:aws:iam::${A}:role/agents/agent`], ["aoss:DeleteIndex"])], { provider: "aws.data" }) }),
      provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["222222222222"] }, { alias: "data", region: "eu-west-1", allowed_account_ids: [aliasAccount] }] },
    });
    const run = (aliasAccount: string) =>
      checkStacks([buildStack(pinned(A, tf(agentWith())), "dev.tf.json", "dev"), buildStack(ops(aliasAccount), "ops.tf.json", "ops")], { config: {}, rules: agentRules }).findings.filter((f) => f.ruleId === RULE);
    expect(run(A).map((f) => [f.file, f.severity])).toEqual([["ops.tf.json", "error"]]);
    expect(run("333333333333")).toEqual([]);
  });
});

describe(`${RULE} through a chain`, () => {
  // A role the agent can assume holds the IAM door, and a data access policy names that role with deletes.
  const chain = (permissions: string[], door = "aoss:APIAccessAll") =>
    tf({
      ...agentWith("sts:AssumeRole"),
      "aws_iam_role.indexer": {
        name: "indexer",
        assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "sts:AssumeRole" }] }),
      },
      "aws_iam_role_policy.indexer": { role: "${aws_iam_role.indexer.name}", policy: policy({ Sid: "Door", Effect: "Allow", Action: door, Resource: "*" }) },
      ...dataPolicy([ruleSet(["${aws_iam_role.indexer.arn}"], permissions)]),
    });
  const transitive = (json: Obj) => errors(check(json), "agent-transitive-destroy");

  test("the reached role's deletes are the chain's destroy rights, with the data access rule set as evidence", () => {
    const [f] = transitive(chain(["aoss:DeleteIndex"]));
    expect(f.message).toContain("can act as aws_iam_role.indexer");
    expect(f.actions).toEqual(expect.arrayContaining(["aoss:DeleteIndex"]));
    expect(f.evidence).toContainEqual(expect.objectContaining({ step: "statement", address: "aws_opensearchserverless_access_policy.logs", detail: expect.stringContaining("Allow aoss:DeleteIndex, aoss:DescribeCollectionItems on index/logs/*, collection/logs") }));
    // The agent itself is named by no data access policy: this rule has nothing to say about it.
    expect(found(chain(["aoss:DeleteIndex"]))).toEqual([]);
  });

  test("the control: read-only rule sets, or a reached role without the IAM door, give the chain no delete", () => {
    expect(transitive(chain(["aoss:ReadDocument"])).flatMap((f) => f.actions)).not.toContain("aoss:DeleteIndex");
    expect(transitive(chain(["aoss:DeleteIndex"], "aoss:ListCollections"))).toEqual([]);
  });
});

describe(`${RULE}: agents outside the stacks checked (red-team round 53)`, () => {
  test("a rule set naming, with deletes, a role under the agents' path or of a configured agent name counts", () => {
    const [f] = found(tf(dataPolicy([ruleSet(["arn:aws:iam::111111111111:role/agents/other"], ["aoss:DeleteIndex"])])));
    expect(f).toMatchObject({ principal: "outside:arn:aws:iam::111111111111:role/agents/other", actions: ["aoss:DeleteIndex"] });
    expect(f.message).toContain("its own policies, where aoss:APIAccessAll would open the door, are not in the stacks checked");
    const byName = errors(check(tf(dataPolicy([ruleSet(["arn:aws:iam::111111111111:role/coder-7"], ["aoss:*"])])), { agents: { names: ["coder-*"] } }), RULE);
    expect(byName.map((x) => x.principal)).toEqual(["outside:arn:aws:iam::111111111111:role/coder-7"]);
  });

  test("the control: another role, read-only rule sets, and the stack's own role are not outsiders", () => {
    expect(found(tf(dataPolicy([ruleSet(["arn:aws:iam::111111111111:role/indexer"], ["aoss:*"])])))).toEqual([]);
    expect(found(tf(dataPolicy([ruleSet(["arn:aws:iam::111111111111:role/agents/other"], ["aoss:ReadDocument"])])))).toEqual([]);
    // The stack's own agent without the IAM door: judged by its own policies, which hold none.
    expect(found(tf({ ...agentWith("aoss:ListCollections"), ...dataPolicy([ruleSet(["arn:aws:iam::111111111111:role/agents/agent"], ["aoss:*"])]) }))).toEqual([]);
  });
});
