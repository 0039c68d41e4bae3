/**
 * Agents across the stacks of one run. A cdktf app keeps the agent in one stack and a deploy role in another, and a
 * cross-stack reference writes the agent's ARN into the deploy role's trust: the second stack reads the first one's
 * output through `data.terraform_remote_state`. Judged one by one, neither stack shows the path.
 */
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks } from "../../lib/check/run-check";
import { StateIndex, agentsOfRun } from "../../lib/check/peer-stacks";
import { agentRules, allRules } from "../../lib/rules";
import { peerMatcher } from "../../lib/engine/agents";
import { resolveToPattern } from "../../lib/engine/terraform/tokens";
import type { TfStack } from "../../lib/engine/terraform/types";
import { AGENT, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

const LOCAL = { local: { path: "/app/terraform.agents.tfstate" } };
const SERVICE_TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });
const OUTPUT = "cross-stack-output-aws_iam_roleagentarn";
const REF = `\${data.terraform_remote_state.cross-stack-reference-input-agents.outputs.${OUTPUT}}`;

/** The agents stack as cdktf writes it: the agent role and the output another stack's reference made. */
function agentsStack(opts: { backend?: Obj; tags?: Obj; output?: string } = {}): Obj {
  return tf(
    { "aws_iam_role.agent": { name: "coder", assume_role_policy: SERVICE_TRUST, tags: opts.tags ?? AGENT } },
    { terraform: { backend: opts.backend ?? LOCAL }, output: { [OUTPUT]: { value: opts.output ?? "${aws_iam_role.agent.arn}", sensitive: true } } },
  );
}

function trusting(principal: string): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: principal }, Action: "sts:AssumeRole" }] });
}

/** The data stack: a deploy role with AdministratorAccess whose trust names `principal`, and the remote state it reads. */
function dataStack(principal: string, opts: { remote?: Obj } = {}): Obj {
  return tf(
    {
      "data.terraform_remote_state.cross-stack-reference-input-agents": opts.remote ?? { backend: "local", config: LOCAL.local, workspace: "${terraform.workspace}" },
      "aws_iam_role.deployer": { name: "deployer", assume_role_policy: trusting(principal) },
      "aws_iam_role_policy_attachment.admin": { role: "${aws_iam_role.deployer.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
    },
    { terraform: { backend: { local: { path: "/app/terraform.data.tfstate" } } } },
  );
}

function run(...stacks: [Obj, string][]) {
  const models = stacks.map(([json, name]) => buildStack(json, `cdktf.out/stacks/${name}/cdk.tf.json`, name));
  return checkStacks(models, { config: {}, rules: agentRules }).findings.filter((f) => f.severity === "error");
}

const inData = (fs: ReturnType<typeof run>) => fs.filter((f) => f.file.includes("/data/"));

test("a deploy role that trusts another stack's agent through a cross-stack reference is a path from that agent", () => {
  const found = inData(run([agentsStack(), "agents"], [dataStack(REF), "data"]));
  expect(found).toHaveLength(1);
  const [f] = found;
  expect(f).toMatchObject({ ruleId: "agent-transitive-destroy", resource: "aws_iam_role.deployer" });
  expect(f.principal).toMatch(/^outside:arn:aws:iam::.*:role\/coder$/);
  expect(f.evidence[0].detail).toContain('it may be aws_iam_role.agent of stack agents, an agent there by tag blastwall:agent = "true" (set allowed_account_ids');
  // With both stacks pinned to one account, it is that agent.
  const pin = (json: Obj) => ({ ...json, provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["111111111111"] }] } });
  const [g] = inData(run([pin(agentsStack()), "agents"], [pin(dataStack("arn:aws:iam::111111111111:role/coder")), "data"]));
  expect(g.evidence[0].detail).toContain("it is aws_iam_role.agent of stack agents, an agent there by tag");
  expect(f.evidence[1]).toMatchObject({ step: "assume-role", address: "aws_iam_role.deployer" });
});

test("the same through an S3 backend, named by bucket and key", () => {
  const s3 = { s3: { bucket: "state", key: "agents.tfstate", region: "eu-west-1" } };
  const remote = { backend: "s3", config: { bucket: "state", key: "agents.tfstate", region: "eu-west-1" } };
  expect(inData(run([agentsStack({ backend: s3 }), "agents"], [dataStack(REF, { remote }), "data"]))).toHaveLength(1);
  // Another key is another state: the reference stays unknown, and a trust of a principal known only at apply time
  // may admit the agent of a stack that may share the account (fail closed), which the path says.
  const elsewhere = { backend: "s3", config: { bucket: "state", key: "other.tfstate", region: "eu-west-1" } };
  const [f, ...rest] = inData(run([agentsStack({ backend: s3 }), "agents"], [dataStack(REF, { remote: elsewhere }), "data"]));
  expect(rest).toEqual([]);
  expect(f.evidence[1].detail).toContain("admits anyone (statement #0: a principal known only at apply time, which may be anyone)");
});

test("the controls: the data stack checked alone, and an output naming a role that is no agent", () => {
  expect(run([dataStack(REF), "data"])).toEqual([]);
  expect(inData(run([agentsStack({ tags: {} }), "agents"], [dataStack(REF), "data"]))).toEqual([]);
});

test("two stacks sharing one state leave the reference unknown: it may be either, the agent among them", () => {
  const twin = tf({ "aws_iam_role.other": { name: "other", assume_role_policy: SERVICE_TRUST } }, { terraform: { backend: LOCAL }, output: { [OUTPUT]: { value: "${aws_iam_role.other.arn}" } } });
  const models: TfStack[] = [buildStack(agentsStack(), "a.tf.json", "agents"), buildStack(twin, "b.tf.json", "twin"), buildStack(dataStack(REF), "c.tf.json", "data")];
  const found = checkStacks(models, { config: {}, rules: agentRules }).findings.filter((f) => f.file === "c.tf.json" && f.ruleId === "agent-transitive-destroy");
  expect(found.map((f) => f.principal)).toEqual([expect.stringMatching(/^outside:arn:aws:iam::.*:role\/coder$/)]);
});

describe("a trust that admits anyone admits another stack's agent of the same account, with no permission of its own", () => {
  const pinned = (account: string | undefined, json: Obj): Obj => (account ? { ...json, provider: { aws: [{ region: "eu-west-1", allowed_account_ids: [account] }] } } : json);
  // The agent can read objects and nothing else: no sts:AssumeRole of its own.
  const dev = (account?: string) =>
    pinned(account, tf({ "aws_iam_role.coder": { name: "coder", path: "/agents/", assume_role_policy: SERVICE_TRUST, tags: AGENT }, "aws_iam_role_policy.read": { role: "${aws_iam_role.coder.name}", policy: policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }) } }));
  const anyone = (condition?: Obj) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole", ...(condition ? { Condition: condition } : {}) }] });
  const prod = (account: string | undefined, trust: string) =>
    pinned(account, tf({ "aws_iam_role.deployer": { name: "deployer", assume_role_policy: trust }, "aws_iam_role_policy_attachment.admin": { role: "${aws_iam_role.deployer.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" } }));
  const inProd = (fs: ReturnType<typeof run>) => fs.filter((f) => f.file.includes("/prod/") && f.ruleId === "agent-transitive-destroy");
  const A = "111111111111";

  test.each([
    ["the caller's account", { StringEquals: { "aws:PrincipalAccount": A } }],
    ["the agents' path", { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${A}:role/agents/*` } }],
    ["the organisation", { StringEquals: { "aws:PrincipalOrgID": "o-abcdefghij" } }],
    ["no condition", undefined],
  ])("both pinned to one account, conditioned on %s", (_what, condition) => {
    const [f, ...rest] = inProd(run([dev(A), "dev"], [prod(A, anyone(condition)), "prod"]));
    expect(rest).toEqual([]);
    expect(f.principal).toBe(`outside:arn:aws:iam::${A}:role/agents/coder`);
    expect(f.evidence[0].detail).toContain("it is aws_iam_role.coder of stack dev");
    expect(f.evidence[1].detail).toMatch(/admits anyone \(statement #0: Principal `\*`\), which within one account lets .* assume it with no identity permission$/);
  });

  test("neither pinned: it may share the account, and the path says how to tell", () => {
    const [f] = inProd(run([dev(), "dev"], [prod(undefined, anyone({ StringEquals: { "aws:PrincipalOrgID": "o-abcdefghij" } })), "prod"]));
    expect(f.evidence[1].detail).toContain("set allowed_account_ids on both stacks' aws providers");
  });

  test("a principal known only at apply time, or a trust blastwall cannot read, may be the agent", () => {
    const computed = tf(
      { "aws_iam_role.deployer": { name: "deployer", assume_role_policy: trusting("${var.caller_arn}") }, "aws_iam_role_policy_attachment.admin": { role: "${aws_iam_role.deployer.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" } },
      { variable: { caller_arn: { type: "string" } } },
    );
    expect(inProd(run([dev(A), "dev"], [pinned(A, computed), "prod"]))).toHaveLength(1);
    // Known account, unknown kind and name: a role or a user of that account, the agent among them.
    const kindUnknown = JSON.parse(JSON.stringify(computed).replace("${var.caller_arn}", `arn:aws:iam::${A}:\${var.who}`));
    expect(inProd(run([dev(A), "dev"], [pinned(A, kindUnknown), "prod"]))).toHaveLength(1);
    expect(inProd(run([dev(A), "dev"], [prod(A, '${file("trust.json")}'), "prod"]))).toHaveLength(1);
  });

  test("the controls: another pinned account, a condition that leaves the agent out, a trust of services only, no agent in the run", () => {
    expect(inProd(run([dev(A), "dev"], [prod("222222222222", anyone({ StringEquals: { "aws:PrincipalOrgID": "o-abcdefghij" } })), "prod"]))).toEqual([]);
    expect(inProd(run([dev(A), "dev"], [prod(A, anyone({ ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${A}:role/deploy/*` } })), "prod"]))).toEqual([]);
    expect(inProd(run([dev(A), "dev"], [prod(A, anyone({ StringEquals: { "aws:PrincipalAccount": "222222222222" } })), "prod"]))).toEqual([]);
    expect(inProd(run([dev(A), "dev"], [prod(A, SERVICE_TRUST), "prod"]))).toEqual([]);
    const noAgent = tf({ "aws_iam_role.coder": { name: "coder", assume_role_policy: SERVICE_TRUST } });
    expect(inProd(run([pinned(A, noAgent), "dev"], [prod(A, anyone()), "prod"]))).toEqual([]);
  });
});

test("another stack's agent named by its literal ARN, or by name in an attachment, is an agent here too", () => {
  const byArn = inData(run([agentsStack(), "agents"], [dataStack("arn:aws:iam::111111111111:role/coder"), "data"]));
  expect(byArn.map((f) => f.ruleId)).toEqual(["agent-transitive-destroy"]);
  const attached = tf(
    { "aws_iam_role_policy.ops": { role: "coder", policy: policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }) } },
    { terraform: { backend: { local: { path: "/app/terraform.data.tfstate" } } } },
  );
  const byName = inData(run([agentsStack(), "agents"], [attached, "data"]));
  expect(byName).toMatchObject([{ ruleId: "agent-destroy-right", actions: ["ec2:DeleteVolume"], principal: "outside:role/coder" }]);
  // A role of another name is not the agent.
  const other = inData(run([agentsStack(), "agents"], [dataStack("arn:aws:iam::111111111111:role/coder-helper"), "data"]));
  expect(other).toEqual([]);
});

test("an output read as outputs[\"name\"] resolves too, one of a computed name stays inexact, and a step follows a map output", () => {
  const agents = tf(
    {
      "aws_iam_role.agent": { name: "coder", assume_role_policy: SERVICE_TRUST, tags: AGENT },
      "aws_iam_role.temp": { name_prefix: "temp-", assume_role_policy: SERVICE_TRUST },
    },
    {
      terraform: { backend: LOCAL },
      output: { [OUTPUT]: { value: "${aws_iam_role.agent.arn}" }, temp: { value: "${aws_iam_role.temp.arn}" }, roles: { value: { coder: "${aws_iam_role.agent.arn}" } } },
    },
  );
  const index = new StateIndex([buildStack(agents, "a.tf.json", "agents"), buildStack(dataStack(REF), "d.tf.json", "data")]);
  const data = index.linked(buildStack(dataStack(REF), "d.tf.json", "data"));
  const at = (expr: string) => resolveToPattern(data, `\${data.terraform_remote_state.cross-stack-reference-input-agents.outputs${expr}}`);
  expect(at(`["${OUTPUT}"]`)).toMatchObject({ pattern: "arn:aws:iam::*:role/coder", exact: true });
  expect(at(".temp")).toMatchObject({ pattern: "arn:aws:iam::*:role/temp-*", exact: false });
  expect(at(".roles.coder")).toMatchObject({ pattern: "arn:aws:iam::*:role/coder", exact: true });
  // A step into a string output, or an output the stack does not have, is not known.
  expect(at(`.${OUTPUT}.a`).pattern).toBe("*");
  expect(at(".missing").pattern).toBe("*");
});

describe("red-team round 30", () => {
  const NAME_OUTPUT = "cross-stack-output-aws_iam_roleagentname";
  const withNameOutput = () => {
    const json = agentsStack() as { output: Record<string, unknown> };
    json.output[NAME_OUTPUT] = { value: "${aws_iam_role.agent.name}", sensitive: true };
    return json as unknown as Obj;
  };

  test("a policy attached to another stack's agent by a cross-stack reference to its name is the agent's right", () => {
    const data = tf(
      {
        "data.terraform_remote_state.cross-stack-reference-input-agents": { backend: "local", config: LOCAL.local },
        "aws_iam_role_policy.ops": {
          role: `\${data.terraform_remote_state.cross-stack-reference-input-agents.outputs.${NAME_OUTPUT}}`,
          policy: policy({ Effect: "Allow", Action: "rds:DeleteDBInstance", Resource: "*" }),
        },
      },
      { terraform: { backend: { local: { path: "/app/terraform.data.tfstate" } } } },
    );
    expect(inData(run([withNameOutput(), "agents"], [data, "data"]))).toMatchObject([{ ruleId: "agent-destroy-right", actions: ["rds:DeleteDBInstance"] }]);
  });

  test("a Terraform Cloud workspace is read back through the remote backend", () => {
    const cloud = { organization: "acme", workspaces: { name: "agents" } };
    const agents = agentsStack() as { terraform: Obj };
    agents.terraform = { cloud };
    const remote = { backend: "remote", config: { organization: "acme", workspaces: { name: "agents" } } };
    expect(inData(run([agents as unknown as Obj, "agents"], [dataStack(REF, { remote }), "data"]))).toHaveLength(1);
  });

  test("settings written differently but naming the same state match: a variable, a default written out, a counted source", () => {
    const s3 = { s3: { bucket: "state", key: "agents.tfstate" } };
    const byVar = tf(
      {
        "data.terraform_remote_state.cross-stack-reference-input-agents": { backend: "s3", config: { bucket: "${var.bucket}", key: "agents.tfstate", workspace_key_prefix: "env:" } },
        "aws_iam_role.deployer": { name: "deployer", assume_role_policy: trusting(REF) },
        "aws_iam_role_policy_attachment.admin": { role: "${aws_iam_role.deployer.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
      },
      { variable: { bucket: { default: "state" } } },
    );
    expect(inData(run([agentsStack({ backend: s3 }), "agents"], [byVar, "data"]))).toHaveLength(1);
    const counted = dataStack(REF.replace("agents.outputs", "agents[0].outputs"), { remote: { backend: "local", config: LOCAL.local, count: 1 } });
    expect(inData(run([agentsStack(), "agents"], [counted, "data"]))).toHaveLength(1);
  });

  test("the two readings of one folder (Terraform's and OpenTofu's) are one stack, not two that share a state", () => {
    const a = buildStack(agentsStack(), "agents", "agents");
    const models = [{ ...a, reading: "as Terraform reads this folder" }, { ...buildStack(agentsStack(), "agents", "agents"), reading: "as OpenTofu reads this folder" }, buildStack(dataStack(REF), "data", "data")];
    const found = checkStacks(models, { config: {}, rules: agentRules }).findings.filter((f) => f.file === "data" && f.severity === "error");
    expect(found.map((f) => f.ruleId)).toEqual(["agent-transitive-destroy"]);
  });

  test("an ARN passed on by a middle stack resolves through it", () => {
    const middle = tf(
      { "data.terraform_remote_state.cross-stack-reference-input-agents": { backend: "local", config: LOCAL.local } },
      { terraform: { backend: { local: { path: "/app/terraform.middle.tfstate" } } }, output: { agent: { value: REF } } },
    );
    const remote = { backend: "local", config: { path: "/app/terraform.middle.tfstate" } };
    const data = dataStack("${data.terraform_remote_state.cross-stack-reference-input-agents.outputs.agent}", { remote });
    expect(inData(run([agentsStack(), "agents"], [middle, "middle"], [data, "data"]))).toHaveLength(1);
  });

  test("an agent whose name is unknown is matched by nothing: any unnamed role's pattern is the same as a reference to it", () => {
    const unnamed = tf(
      { "aws_iam_role.agent": { name: "${var.name}", assume_role_policy: SERVICE_TRUST, tags: AGENT } },
      { terraform: { backend: LOCAL }, output: { [OUTPUT]: { value: "${aws_iam_role.agent.arn}" } } },
    );
    expect(inData(run([unnamed, "agents"], [dataStack("arn:aws:iam::222222222222:role/break-glass"), "data"]))).toEqual([]);
    expect(inData(run([unnamed, "agents"], [dataStack(REF), "data"]))).toEqual([]);
  });

  test("a bare name in a stack pinned to another account than the agent's stack is not that agent", () => {
    const pinned = (account: string, json: Obj) => ({ ...json, provider: { aws: [{ region: "eu-west-1", allowed_account_ids: [account] }] } });
    const attached = tf({ "aws_iam_role_policy.ops": { role: "coder", policy: policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }) } });
    expect(inData(run([pinned("111111111111", agentsStack()), "agents"], [pinned("222222222222", attached), "data"]))).toEqual([]);
    expect(inData(run([pinned("111111111111", agentsStack()), "agents"], [pinned("111111111111", attached), "data"]))).toHaveLength(1);
  });
});

describe("red-team round 31", () => {
  const pinned = (json: Obj, account: string, alias?: string) => ({ ...json, provider: { aws: [{ region: "eu-west-1", allowed_account_ids: [account] }, ...(alias ? [{ alias, region: "eu-west-1", allowed_account_ids: ["222222222222"] }] : [])] } });

  test("an agent made through an aliased provider is in that provider's account", () => {
    const agents = agentsStack() as { resource: { aws_iam_role: { agent: Obj } } };
    agents.resource.aws_iam_role.agent.provider = "aws.prod";
    const json = pinned(agents as unknown as Obj, "111111111111", "prod");
    expect(inData(run([json, "agents"], [dataStack("arn:aws:iam::222222222222:role/coder"), "data"]))).toHaveLength(1);
    expect(inData(run([json, "agents"], [dataStack("arn:aws:iam::111111111111:role/coder"), "data"]))).toEqual([]);
  });

  test("a policy attached by cross-stack reference to a role of unknown name is an unresolved attachment, not an agent's right", () => {
    const agents = tf(
      { "aws_iam_role.agent": { name: "coder", assume_role_policy: SERVICE_TRUST, tags: AGENT }, "aws_iam_role.fn": { assume_role_policy: SERVICE_TRUST } },
      { terraform: { backend: LOCAL }, output: { name: { value: "${aws_iam_role.fn.name}" } } },
    );
    const data = tf({
      "data.terraform_remote_state.cross-stack-reference-input-agents": { backend: "local", config: LOCAL.local },
      "aws_iam_role_policy.ops": { role: "${data.terraform_remote_state.cross-stack-reference-input-agents.outputs.name}", policy: policy({ Effect: "Allow", Action: "s3:DeleteObject", Resource: "*" }) },
    });
    const models = [buildStack(agents, "cdktf.out/stacks/agents/cdk.tf.json", "agents"), buildStack(data, "cdktf.out/stacks/data/cdk.tf.json", "data")];
    const found = checkStacks(models, { config: {} }).findings.filter((f) => f.file.includes("/data/"));
    expect(found.map((f) => [f.ruleId, f.severity])).toEqual([["unresolved-attachment", "warning"]]);
  });

  test("a bare name is judged in the account of the provider of the resource that names it", () => {
    const agents = { ...agentsStack(), provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["111111111111"] }] } };
    const naming = (provider?: string) =>
      tf(
        { "aws_iam_role_policy.ops": { role: "coder", policy: policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }), ...(provider ? { provider } : {}) } },
        { provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["222222222222"] }, { alias: "edge", region: "us-east-1" }, { alias: "shared", region: "eu-west-1", allowed_account_ids: ["111111111111"] }] } },
      );
    // The default provider is in 222: not the agent, whatever the aliases say.
    expect(inData(run([agents, "agents"], [naming(), "data"]))).toEqual([]);
    // Through an alias pinned to the agent's account, or one not pinned at all, it may be.
    expect(inData(run([agents, "agents"], [naming("aws.shared"), "data"]))).toHaveLength(1);
    expect(inData(run([agents, "agents"], [naming("aws.edge"), "data"]))).toHaveLength(1);
  });

  test("HCL's block lists and relative local paths name the same state as the remote state's settings", () => {
    const cloud = agentsStack() as { terraform: Obj };
    cloud.terraform = { cloud: { organization: "acme", workspaces: [{ name: "agents" }] } };
    const remote = { backend: "remote", config: { organization: "acme", workspaces: { name: "agents" } } };
    expect(inData(run([cloud as unknown as Obj, "agents"], [dataStack(REF, { remote }), "data"]))).toHaveLength(1);
    // A folder without a backend keeps terraform.tfstate; another folder reads it by a relative path.
    const plain = agentsStack() as { terraform?: Obj };
    delete plain.terraform;
    const relative = { backend: "local", config: { path: "${path.module}/../agents/terraform.tfstate" } };
    const models = [buildStack(plain as Obj, "app/agents/main.tf.json", "agents"), buildStack(dataStack(REF, { remote: relative }), "app/data/main.tf.json", "data")];
    const found = checkStacks(models, { config: {}, rules: agentRules }).findings.filter((f) => f.file.includes("/data/") && f.severity === "error");
    expect(found.map((f) => f.ruleId)).toEqual(["agent-transitive-destroy"]);
  });

  test("an output the other stack lacks comes from the source's defaults; sensitive() and tostring() are read through", () => {
    const defaults = { backend: "local", config: LOCAL.local, defaults: { runner: "arn:aws:iam::111111111111:role/coder" } };
    const data = dataStack("${data.terraform_remote_state.cross-stack-reference-input-agents.outputs.runner}", { remote: defaults });
    expect(inData(run([agentsStack(), "agents"], [data, "data"]))).toHaveLength(1);
    expect(inData(run([agentsStack({ output: "${sensitive(aws_iam_role.agent.arn)}" }), "agents"], [dataStack(REF), "data"]))).toHaveLength(1);
    expect(inData(run([agentsStack({ output: "${tostring(aws_iam_role.agent.arn)}" }), "agents"], [dataStack(REF), "data"]))).toHaveLength(1);
  });

  /** The agents stack `s0`, then `n - 1` stacks each passing its ARN on from the one before (`/app/sN.tfstate`). */
  const chainOf = (n: number): [Obj, string][] => {
    const stacks: [Obj, string][] = [[agentsStack({ backend: { local: { path: "/app/s0.tfstate" } } }), "s0"]];
    for (let i = 1; i < n; i++) {
      const prev = `\${data.terraform_remote_state.prev.outputs.${i === 1 ? OUTPUT : "agent"}}`;
      stacks.push([tf({ "data.terraform_remote_state.prev": { backend: "local", config: { path: `/app/s${i - 1}.tfstate` } } }, { terraform: { backend: { local: { path: `/app/s${i}.tfstate` } } }, output: { agent: { value: prev } } }), `s${i}`]);
    }
    return stacks;
  };

  test("a value passed on through a long chain of stacks ends as unknown, not in a crash", () => {
    const n = 150;
    const stacks = chainOf(n);
    const last = dataStack("${data.terraform_remote_state.cross-stack-reference-input-agents.outputs.agent}", { remote: { backend: "local", config: { path: `/app/s${n - 1}.tfstate` } } });
    expect(() => run(...stacks, [last, "data"])).not.toThrow();
  });

  test("a lookup cut short by the chain bound does not hide what a shorter chain shows", () => {
    const n = 150;
    const stacks = chainOf(n);
    const reading = (hops: number, name: string): [Obj, string] => [dataStack("${data.terraform_remote_state.cross-stack-reference-input-agents.outputs.agent}", { remote: { backend: "local", config: { path: `/app/s${hops}.tfstate` } } }), name];
    expect(run(...stacks, reading(60, "near")).filter((f) => f.ruleId === "agent-transitive-destroy").map((f) => f.file)).toEqual(["cdktf.out/stacks/near/cdk.tf.json"]);
    const found = run(...stacks, reading(n - 1, "far"), reading(60, "near")).filter((f) => f.ruleId === "agent-transitive-destroy");
    expect(found.map((f) => f.file)).toContain("cdktf.out/stacks/near/cdk.tf.json");
  });
});

describe("check round 33", () => {
  const userStack = () =>
    tf(
      { "aws_iam_user.bot": { name: "bot", tags: AGENT } },
      { terraform: { backend: LOCAL }, output: { name: { value: "${aws_iam_user.bot.name}" } } },
    );
  const keyFor = (type: string, argument: string, user: string) =>
    tf({
      "data.terraform_remote_state.cross-stack-reference-input-agents": { backend: "local", config: LOCAL.local },
      [`${type}.k`]: { [argument]: user },
    });
  const REMOTE_NAME = "${data.terraform_remote_state.cross-stack-reference-input-agents.outputs.name}";
  // Every rule: agent-long-lived-keys is a protection rule, not one of the agent rules `run` uses.
  const all = (agents: Obj, data: Obj) =>
    checkStacks([buildStack(agents, "cdktf.out/stacks/agents/cdk.tf.json", "agents"), buildStack(data, "cdktf.out/stacks/data/cdk.tf.json", "data")], { config: {} }).findings.filter(
      (f) => f.file.includes("/data/") && f.severity === "error",
    );

  test("a key another stack makes for an agent user, named by cross-stack reference or literally, is that stack's finding", () => {
    for (const [type, argument] of [["aws_iam_access_key", "user"], ["aws_iam_user_login_profile", "user"], ["aws_iam_user_ssh_key", "username"], ["aws_iam_service_specific_credential", "user_name"]]) {
      for (const user of [REMOTE_NAME, "bot"]) {
        expect(all(userStack(), keyFor(type, argument, user)).map((f) => [f.ruleId, f.resource])).toContainEqual(["agent-long-lived-keys", `${type}.k`]);
      }
    }
    expect(all(userStack(), keyFor("aws_iam_access_key", "user", "other"))).toEqual([]);
  });
});

describe("a role another stack's agent can act as", () => {
  /** The agents stack with a `hop` role: the agent may assume it when `reachable`, and its ARN is an output. */
  const hopStack = (reachable: boolean) =>
    tf(
      {
        "aws_iam_role.agent": { name: "coder", assume_role_policy: SERVICE_TRUST, tags: AGENT },
        "aws_iam_role.hop": { name: "hop", assume_role_policy: reachable ? trusting("${aws_iam_role.agent.arn}") : SERVICE_TRUST },
      },
      { terraform: { backend: LOCAL }, output: { hop: { value: "${aws_iam_role.hop.arn}" } } },
    );
  const HOP = "${data.terraform_remote_state.cross-stack-reference-input-agents.outputs.hop}";

  test("is the agent's to use: a deploy role of another stack that trusts it is a path from the agent", () => {
    const found = inData(run([hopStack(true), "agents"], [dataStack(HOP), "data"]));
    expect(found.map((f) => [f.ruleId, f.resource])).toEqual([["agent-transitive-destroy", "aws_iam_role.deployer"]]);
    expect(found[0].evidence[0].detail).toContain("it may be aws_iam_role.hop of stack agents, which the AI agent aws_iam_role.agent of stack agents can act as (sts:AssumeRole)");
    // Named by its literal ARN too.
    expect(inData(run([hopStack(true), "agents"], [dataStack("arn:aws:iam::111111111111:role/hop"), "data"]))).toHaveLength(1);
  });

  test("a role the agent cannot act as is not", () => {
    expect(inData(run([hopStack(false), "agents"], [dataStack(HOP), "data"]))).toEqual([]);
  });
});

test("a hop through three stacks: the agent's stack, a role that trusts the agent in a second, an admin role trusting that role in a third", () => {
  const agents = tf({ "aws_iam_role.agent": { name: "coder", assume_role_policy: SERVICE_TRUST, tags: AGENT } }, { terraform: { backend: LOCAL } });
  const middle = tf({ "aws_iam_role.hop": { name: "hop", assume_role_policy: trusting("arn:aws:iam::111111111111:role/coder") } }, { terraform: { backend: { local: { path: "/app/terraform.middle.tfstate" } } } });
  const found = inData(run([agents, "agents"], [middle, "middle"], [dataStack("arn:aws:iam::111111111111:role/hop"), "data"]));
  expect(found.map((f) => f.ruleId)).toEqual(["agent-transitive-destroy"]);
  expect(found[0].evidence[0].detail).toContain("it may be aws_iam_role.hop of stack middle, which the AI agent aws_iam_role.agent of stack agents can act as");
  // Without the middle stack's trust in the agent, the hop is nobody's.
  const idle = tf({ "aws_iam_role.hop": { name: "hop", assume_role_policy: SERVICE_TRUST } }, { terraform: { backend: { local: { path: "/app/terraform.middle.tfstate" } } } });
  expect(inData(run([agents, "agents"], [idle, "middle"], [dataStack("arn:aws:iam::111111111111:role/hop"), "data"]))).toEqual([]);
});

test("a principal an agent of another stack can act as is reported as that, naming the agent, and counted once", () => {
  const agents = tf({ "aws_iam_role.agent": { name: "coder", assume_role_policy: SERVICE_TRUST, tags: AGENT } }, { terraform: { backend: LOCAL } });
  const middle = tf({ "aws_iam_role.hop": { name: "hop", assume_role_policy: trusting("arn:aws:iam::111111111111:role/coder") } }, { terraform: { backend: { local: { path: "/app/terraform.middle.tfstate" } } } });
  const models = [buildStack(agents, "agents.tf.json", "agents"), buildStack(middle, "middle.tf.json", "middle"), buildStack(dataStack("arn:aws:iam::111111111111:role/hop"), "data.tf.json", "data")];
  const report = checkStacks(models, { config: {}, rules: agentRules });
  const [f] = report.findings.filter((x) => x.file === "data.tf.json" && x.ruleId === "agent-transitive-destroy");
  // The agent is the one of the first stack, also seen from the third, two stacks away.
  expect(f.message).toMatch(/^outside:\S+role\/hop, which the AI agent aws_iam_role\.agent of stack agents can act as, can act as aws_iam_role\.deployer/);
  expect(f.evidence[0].detail).toMatch(/^role hop is no AI agent itself, but the AI agent aws_iam_role\.agent of stack agents can act as it \(it may be aws_iam_role\.hop of stack middle/);
  // One agent in the run: the middle stack's view of it and the data stack's view of the hop role are not counted again.
  expect(report.summary).toMatchObject({ agentPrincipals: 1, principals: 3 });
  // Checked alone, the middle stack still counts the agent it names (no other stack shows it).
  expect(checkStacks([buildStack(middle, "middle.tf.json", "middle")], { config: { agents: { names: ["coder"] } }, rules: agentRules }).summary).toMatchObject({ agentPrincipals: 1 });
});

describe("check rounds 35 and 36: which agent a principal of another stack is named after", () => {
  const ARN = "arn:aws:iam::111111111111:role/";
  const pinned = { provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["111111111111"] }] } };
  const stackOf = (name: string, resources: Record<string, Obj>, extra: Obj = {}): [Obj, string] => [tf(resources, { ...pinned, terraform: { backend: { local: { path: `/app/${name}.tfstate` } } }, ...extra }), name];
  const report = (config: Obj, ...stacks: [Obj, string][]) =>
    checkStacks(
      stacks.map(([json, name]) => buildStack(json, `${name}.tf.json`, name)),
      { config, rules: allRules },
    );
  const transitive = (r: ReturnType<typeof report>, file: string) => r.findings.filter((f) => f.file === file && f.ruleId === "agent-transitive-destroy");

  test("an agent the config also selects (the /agents/ path AgentRole uses) is named where it is defined, and counted once", () => {
    const a = stackOf("a", { "aws_iam_role.agent": { name: "coder", path: "/agents/", assume_role_policy: SERVICE_TRUST, tags: AGENT } });
    const b = stackOf("b", { "aws_iam_role.rb": { name: "rb", assume_role_policy: trusting(`${ARN}agents/coder`) } });
    const c = stackOf("c", { "aws_iam_role.deployer": { name: "deployer", assume_role_policy: trusting(`${ARN}rb`) }, "aws_iam_role_policy_attachment.admin": { role: "deployer", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" } });
    const r = report({}, a, b, c);
    const [f] = transitive(r, "c.tf.json");
    expect(f.message).toMatch(/^outside:\S+role\/rb, which the AI agent aws_iam_role\.agent of stack a can act as, can act as aws_iam_role\.deployer/);
    expect(r.summary.agentPrincipals).toBe(1);
  });

  test("a principal a name known only at apply time may be does not take the name of an agent that reaches it exactly", () => {
    const zed = stackOf("a0", { "aws_iam_role.zed": { name: "zed", assume_role_policy: SERVICE_TRUST, tags: AGENT } });
    const agent1 = stackOf("a1", { "aws_iam_role.agent": { name: "agent1", assume_role_policy: SERVICE_TRUST, tags: AGENT } });
    const b = stackOf(
      "b",
      { "aws_iam_role.rw": { name: "rw", assume_role_policy: trusting(`${ARN}\${var.x}`) }, "aws_iam_role.rb": { name: "rb", assume_role_policy: trusting(`${ARN}agent1`) } },
      { variable: { x: { type: "string" } } },
    );
    const c = stackOf("c", { "aws_iam_role.deployer": { name: "deployer", assume_role_policy: trusting(`${ARN}rb`) }, "aws_iam_role_policy_attachment.admin": { role: "deployer", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" } });
    const [f] = transitive(report({}, zed, agent1, b, c), "c.tf.json");
    expect(f.message).toContain("which the AI agent aws_iam_role.agent of stack a1 can act as");
    // The path starts at the agent itself: it runs through nothing in between.
    expect(f.evidence[0].detail).toContain("which the AI agent aws_iam_role.agent of stack a1 can act as (sts:AssumeRole)");
  });

  const deployer = (name: string, trusted: string) =>
    stackOf(name, { "aws_iam_role.deployer": { name: `deployer-${name}`, assume_role_policy: trusting(trusted) }, "aws_iam_role_policy_attachment.admin": { role: `deployer-${name}`, policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" } });

  test("a name the config may select, which may also be a principal another stack's agent can act as, is an agent of this stack, counted here", () => {
    const a = stackOf("a", { "aws_iam_role.agent": { name: "zeta", assume_role_policy: SERVICE_TRUST, tags: AGENT } });
    const b = stackOf("b", { "aws_iam_role.codx": { name: "codx", assume_role_policy: trusting(`${ARN}zeta`) } });
    const r = report({ agents: { names: ["coder"] } }, a, b, deployer("c", `${ARN}cod*`));
    const [f] = transitive(r, "c.tf.json");
    expect(f.message).toMatch(/^outside:\S+role\/cod\{computed\} is an AI agent and can act as aws_iam_role\.deployer/);
    // zeta, and the role the config may select: codx is no agent, and no other stack counts the selected one.
    expect(r.summary.agentPrincipals).toBe(2);
  });

  test("a chain of names known only at apply time, behind one agent, names that agent once and only it", () => {
    const a = stackOf("a", { "aws_iam_role.agent": { name: "coder", assume_role_policy: SERVICE_TRUST, tags: AGENT } });
    const b = stackOf("b", { "aws_iam_role.rb1": { name: "rb1", assume_role_policy: trusting(`${ARN}coder`) }, "aws_iam_role.rb2": { name: "rb2", assume_role_policy: trusting(`${ARN}coder`) } });
    const c = stackOf("c", { "aws_iam_role.rc1": { name: "rc1", assume_role_policy: trusting(`${ARN}rb*`) }, "aws_iam_role.rc2": { name: "rc2", assume_role_policy: trusting(`${ARN}rb*`) } });
    const d = stackOf("d", { "aws_iam_role.rd1": { name: "rd1", assume_role_policy: trusting(`${ARN}rc*`) }, "aws_iam_role.rd2": { name: "rd2", assume_role_policy: trusting(`${ARN}rc*`) } });
    for (const order of [[a, b, c, d, deployer("e", `${ARN}rd*`)], [deployer("e", `${ARN}rd*`), d, c, b, a]]) {
      const [f] = transitive(report({}, ...order), "e.tf.json");
      expect(f.message).toMatch(/^outside:\S+role\/rd\{computed\}, which the AI agent aws_iam_role\.agent of stack a can act as, can act as aws_iam_role\.deployer/);
    }
    // With a second agent behind one of the names it may be, the report says there may be another. (Only there: a
    // stack whose names may be another's and the other way round would pass that back and forth.)
    const a2 = stackOf("a2", { "aws_iam_role.agent": { name: "other", assume_role_policy: SERVICE_TRUST, tags: AGENT } });
    const b2 = stackOf("b2", { "aws_iam_role.rb3": { name: "rb3", assume_role_policy: trusting(`${ARN}other`) } });
    const [f] = transitive(report({}, a, a2, b, b2, deployer("e", `${ARN}rb*`)), "e.tf.json");
    expect(f.message).toContain("which the AI agent aws_iam_role.agent of stack a or another agent of the stacks checked can act as, can act");
  });

  test("a role session names another stack's agent at whatever path it sits (a session ARN carries none)", () => {
    const b = deployer("b", "arn:aws:sts::111111111111:assumed-role/coder/sess");
    for (const extra of [{ path: "/team/", tags: AGENT }, { path: "/agents/" }]) {
      const a = stackOf("a", { "aws_iam_role.agent": { name: "coder", assume_role_policy: SERVICE_TRUST, ...extra } });
      const [f] = transitive(report({}, a, b), "b.tf.json");
      expect(f).toMatchObject({ principal: "outside:arn:aws:iam::111111111111:role/coder", resource: "aws_iam_role.deployer" });
    }
    // A role at a path that the agent can act as, named by its session (check round 38).
    const hop = stackOf("a", {
      "aws_iam_role.bot": { name: "bot", assume_role_policy: SERVICE_TRUST, tags: AGENT },
      "aws_iam_role.coder": { name: "coder", path: "/team/", assume_role_policy: trusting(`${ARN}bot`) },
    });
    expect(transitive(report({}, hop, b), "b.tf.json").map((f) => f.principal)).toEqual(["outside:arn:aws:iam::111111111111:role/coder"]);
    // Alone, the session is of a role blastwall knows nothing of: not read as possibly under /agents/.
    expect(transitive(report({}, b), "b.tf.json")).toEqual([]);
  });

  test("an unpinned stack's own role of the same name does not hide another stack's agent named by a literal account", () => {
    const own = (extra: Obj = {}) =>
      tf(
        {
          "aws_iam_role.deploy": { name: "deploy", path: "/team/", assume_role_policy: SERVICE_TRUST },
          "aws_iam_role.admin1": { name: "admin1", assume_role_policy: trusting(`${ARN}deploy`) },
          "aws_iam_role_policy_attachment.admin": { role: "admin1", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
          "aws_iam_role.ops": { name: "ops", assume_role_policy: trusting("arn:aws:sts::111111111111:assumed-role/deploy/s") },
          "aws_iam_role_policy_attachment.ops": { role: "ops", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
        },
        { terraform: { backend: { local: { path: "/app/a.tfstate" } } }, ...extra },
      );
    // Stack b, pinned to 111111111111, makes the agent "deploy" there: one account holds one role of that name.
    const b = stackOf("b", { "aws_iam_role.agent": { name: "deploy", assume_role_policy: SERVICE_TRUST, tags: AGENT } });
    const found = transitive(report({}, [own(), "a"], b), "a.tf.json").map((f) => f.resource).sort();
    expect(found).toEqual(["aws_iam_role.admin1", "aws_iam_role.ops"]);
    // The controls: that role is no agent there; or that stack is not pinned either (dev and prod, each with its
    // own "deploy", each writing its own account: which one is which only pinning tells).
    const plain = stackOf("b", { "aws_iam_role.other": { name: "deploy", assume_role_policy: SERVICE_TRUST } });
    expect(transitive(report({}, [own(), "a"], plain), "a.tf.json")).toEqual([]);
    const unpinned: [Obj, string] = [tf({ "aws_iam_role.agent": { name: "deploy", assume_role_policy: SERVICE_TRUST, tags: AGENT } }, { terraform: { backend: { local: { path: "/app/b.tfstate" } } } }), "b"];
    expect(transitive(report({}, [own(), "a"], unpinned), "a.tf.json")).toEqual([]);
  });

  test("when neither stack is pinned, an ARN read as the stack's own role that another stack's agent has the name of is a warning", () => {
    const own = (extra: Obj = {}, tags?: Obj) =>
      tf(
        {
          "aws_iam_role.deploy": { name: "deploy", assume_role_policy: SERVICE_TRUST, ...(tags ? { tags } : {}) },
          "aws_iam_role.admin1": { name: "admin1", assume_role_policy: trusting(`${ARN}deploy`) },
          "aws_iam_role_policy_attachment.admin": { role: "admin1", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
        },
        { terraform: { backend: { local: { path: "/app/a.tfstate" } } }, ...extra },
      );
    const agent = (extra: Obj = {}): [Obj, string] => [tf({ "aws_iam_role.agent": { name: "deploy", assume_role_policy: SERVICE_TRUST, tags: AGENT } }, { terraform: { backend: { local: { path: "/app/b.tfstate" } } }, ...extra }), "b"];
    const ambiguous = (r: ReturnType<typeof report>) => r.findings.filter((f) => f.ruleId === "agent-account-ambiguous" && f.file === "a.tf.json");
    const [w] = ambiguous(report({}, [own(), "a"], agent()));
    expect(w).toMatchObject({ severity: "warning", principal: "outside:arn:aws:iam::111111111111:role/deploy", resource: "aws_iam_role.admin1.assume_role_policy" });
    expect(w.message).toContain("which blastwall reads as this stack's own role of that name (no AI agent). The AI agent aws_iam_role.agent of stack b has that name too");
    expect(w.message).toContain("if this stack does not deploy to account 111111111111, the AI agent aws_iam_role.agent of stack b can assume aws_iam_role.admin1 and use its rights");
    // --strict makes it an error, as every warning that may hide a path.
    expect(ambiguous(report({ strict: true }, [own(), "a"], agent()))[0].severity).toBe("error");
    // The controls: either stack pinned (the ARN then names the stack pinned to its account, or not), the stack's own
    // role of that name an agent too (nothing hides behind it), or the other stack's role no agent.
    const to = (account: string) => ({ provider: { aws: [{ region: "eu-west-1", allowed_account_ids: [account] }] } });
    expect(ambiguous(report({}, [own(to("111111111111")), "a"], agent()))).toEqual([]);
    expect(ambiguous(report({}, [own(), "a"], agent(to("222222222222"))))).toEqual([]);
    expect(ambiguous(report({}, [own({}, AGENT), "a"], agent()))).toEqual([]);
    const plain: [Obj, string] = [tf({ "aws_iam_role.other": { name: "deploy", assume_role_policy: SERVICE_TRUST } }, { terraform: { backend: { local: { path: "/app/b.tfstate" } } } }), "b"];
    expect(ambiguous(report({}, [own(), "a"], plain))).toEqual([]);
    // Pinned to the account the ARN names, the other stack's agent is it: an error of its own rule, no warning.
    const certain = report({}, [own(), "a"], agent(to("111111111111")));
    expect(ambiguous(certain)).toEqual([]);
    expect(transitive(certain, "a.tf.json").map((f) => f.resource)).toEqual(["aws_iam_role.admin1"]);
  });

  test("check round 40: another stack's principal in a literal account is the one of the stack pinned there", () => {
    const agents = stackOf("agents", { "aws_iam_role.agent": { name: "coder", path: "/agents/", assume_role_policy: SERVICE_TRUST, tags: AGENT } });
    const env = (name: string, account?: string): [Obj, string] => [
      tf(
        { "aws_iam_role.ci": { name: "ci-deploy", assume_role_policy: trusting(`${ARN}agents/coder`) } },
        { terraform: { backend: { local: { path: `/app/${name}.tfstate` } } }, ...(account ? { provider: { aws: [{ region: "eu-west-1", allowed_account_ids: [account] }] } } : {}) },
      ),
      name,
    ];
    // An unpinned stack of its own ci-deploy, whose admin role trusts the ci-deploy of account 222222222222.
    const shared: [Obj, string] = [
      tf(
        {
          "aws_iam_role.ci": { name: "ci-deploy", assume_role_policy: SERVICE_TRUST },
          "aws_iam_role.backup": { name: "backup-admin", assume_role_policy: trusting("arn:aws:iam::222222222222:role/ci-deploy") },
          "aws_iam_role_policy_attachment.admin": { role: "backup-admin", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
        },
        { terraform: { backend: { local: { path: "/app/shared.tfstate" } } } },
      ),
      "shared",
    ];
    // prod is pinned there; an unpinned dev with a role of that name sorts first and must not hide it.
    const found = transitive(report({}, agents, env("dev"), env("prod", "222222222222"), shared), "shared.tf.json");
    expect(found.map((f) => f.resource)).toEqual(["aws_iam_role.backup"]);
  });

  test("check round 40: a role read through a cross-stack reference is the other stack's, in the account it is pinned to", () => {
    const agents = stackOf("agents", { "aws_iam_role.agent": { name: "coder", assume_role_policy: SERVICE_TRUST, tags: AGENT } });
    const dev: [Obj, string] = [
      tf(
        { "aws_iam_role.ci": { name: "ci-deploy", assume_role_policy: trusting(`${ARN}coder`) } },
        {
          provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["111111111111"] }] },
          terraform: { backend: { local: { path: "/app/dev.tfstate" } } },
          output: { ci: { value: "${aws_iam_role.ci.arn}" } },
        },
      ),
      "dev",
    ];
    // prod makes a role of the same name (one environment construct used twice), and its admin role trusts dev's.
    const prod: [Obj, string] = [
      tf(
        {
          "data.terraform_remote_state.dev": { backend: "local", config: { path: "/app/dev.tfstate" } },
          "aws_iam_role.ci": { name: "ci-deploy", assume_role_policy: SERVICE_TRUST },
          "aws_iam_role.promote": { name: "promote", assume_role_policy: trusting("${data.terraform_remote_state.dev.outputs.ci}") },
          "aws_iam_role_policy_attachment.admin": { role: "promote", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
        },
        { provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["222222222222"] }] }, terraform: { backend: { local: { path: "/app/prod.tfstate" } } } },
      ),
      "prod",
    ];
    // dev's role sits in 111111111111 and promote in 222222222222: across accounts the trust admits dev's role only with
    // an sts:AssumeRole right of its own, which its policies (read elsewhere) may hold: counted here (red-team round 49).
    const found = transitive(report({}, agents, dev, prod), "prod.tf.json");
    expect(found.map((f) => [f.principal, f.resource])).toEqual([["outside:arn:aws:iam::111111111111:role/ci-deploy", "aws_iam_role.promote"]]);
    // Given that right, dev reports the agent's reach into roles outside it.
    const withRight = JSON.parse(JSON.stringify(dev[0])) as { resource: Record<string, Obj> };
    withRight.resource.aws_iam_role_policy = { up: { role: "${aws_iam_role.ci.name}", policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::222222222222:role/promote" }) } };
    const inDev = report({}, agents, [withRight, "dev"], prod).findings.filter((f) => f.file === "dev.tf.json" && f.severity === "error");
    expect(inDev.map((f) => f.ruleId)).toEqual(["agent-reach-unknown"]);
    const unpin = ([json, name]: [Obj, string]): [Obj, string] => [{ ...json, provider: { aws: [{ region: "eu-west-1" }] } }, name];
    // Outputs wrapped twice, or of the whole resource read at its ARN, are the same reference (check round 41).
    for (const [value, read] of [["${tostring(sensitive(aws_iam_role.ci.arn))}", "ci"], ["${aws_iam_role.ci}", "ci.arn"]]) {
      const devOut: [Obj, string] = [{ ...dev[0], output: { ci: { value } } }, "dev"];
      const prodRead: [Obj, string] = [JSON.parse(JSON.stringify(prod[0]).replace("outputs.ci}", `outputs.${read}}`)) as Obj, "prod"];
      expect(transitive(report({}, agents, unpin(devOut), unpin(prodRead)), "prod.tf.json").map((f) => f.resource)).toEqual(["aws_iam_role.promote"]);
    }
    // Neither pinned (check round 41): the reference still names dev's role, never prod's own of that name.
    const loose = transitive(report({}, agents, unpin(dev), unpin(prod)), "prod.tf.json");
    expect(loose.map((f) => [f.principal, f.resource])).toEqual([["outside:arn:aws:iam::{computed}:role/ci-deploy", "aws_iam_role.promote"]]);
  });

  test("check round 40: a role ARN a pinned middle stack passes on keeps the account of the stack that made it", () => {
    const first: [Obj, string] = [
      tf({ "aws_iam_role.agent": { name: "coder", assume_role_policy: SERVICE_TRUST, tags: AGENT } }, { terraform: { backend: { local: { path: "/app/first.tfstate" } } }, output: { arn: { value: "${aws_iam_role.agent.arn}" } } }),
      "first",
    ];
    const middle: [Obj, string] = [
      tf(
        { "data.terraform_remote_state.first": { backend: "local", config: { path: "/app/first.tfstate" } } },
        {
          provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["222222222222"] }] },
          terraform: { backend: { local: { path: "/app/middle.tfstate" } } },
          output: { arn: { value: "${data.terraform_remote_state.first.outputs.arn}" } },
        },
      ),
      "middle",
    ];
    const data = deployer("data", "${data.terraform_remote_state.middle.outputs.arn}");
    (data[0] as { data?: Obj }).data = { terraform_remote_state: { middle: { backend: "local", config: { path: "/app/middle.tfstate" } } } };
    const found = transitive(report({}, first, middle, data), "data.tf.json");
    expect(found.map((f) => f.principal)).toEqual(["outside:arn:aws:iam::{computed}:role/coder"]);
  });

  test("a key another stack makes for a user an agent can act as is no agent's key; rules that list agents say whose it is", () => {
    const a = stackOf("a", { "aws_iam_role.agent": { name: "agent", assume_role_policy: SERVICE_TRUST, tags: AGENT } });
    const b = stackOf("b", {
      "aws_iam_role.hop": { name: "hop", assume_role_policy: trusting(`${ARN}agent`) },
      "aws_iam_user.bob": { name: "bob" },
      "aws_iam_role_policy.hp": { role: "${aws_iam_role.hop.name}", policy: policy({ Effect: "Allow", Action: "iam:CreateAccessKey", Resource: "${aws_iam_user.bob.arn}" }) },
    });
    const c = stackOf("c", { "aws_iam_access_key.k": { user: "bob" } });
    expect(report({}, a, b, c).findings.filter((f) => f.file === "c.tf.json" && f.severity === "error").map((f) => f.ruleId)).toEqual([]);
    // Handed to a module whose resources blastwall cannot see.
    const m = stackOf("m", { "aws_iam_role.x": { name: "x", assume_role_policy: trusting(`${ARN}hop`) } }, { module: { m: { source: "git::https://example.com/mod.git", role: `${ARN}hop` } } });
    const [f] = report({}, a, b, m).findings.filter((x) => x.file === "m.tf.json" && x.ruleId === "unknown-module");
    expect(f.message).toMatch(/is given outside:\S+role\/hop \(which the AI agent aws_iam_role\.agent of stack a can act as\)/);
  });
});

test("a chain of hop roles through fourteen stacks is followed whatever order the stacks come in", () => {
  const agents = tf({ "aws_iam_role.agent": { name: "coder", assume_role_policy: SERVICE_TRUST, tags: AGENT } }, { terraform: { backend: LOCAL } });
  const hops: [Obj, string][] = [];
  for (let i = 1; i <= 14; i++) {
    const prev = i === 1 ? "coder" : `hop${i - 1}`;
    hops.push([tf({ [`aws_iam_role.hop${i}`]: { name: `hop${i}`, assume_role_policy: trusting(`arn:aws:iam::111111111111:role/${prev}`) } }, { terraform: { backend: { local: { path: `/app/h${i}.tfstate` } } } }), `h${i}`]);
  }
  const data: [Obj, string] = [dataStack("arn:aws:iam::111111111111:role/hop14"), "data"];
  expect(inData(run([agents, "agents"], ...hops, data))).toHaveLength(1);
  expect(inData(run(data, ...[...hops].reverse(), [agents, "agents"]))).toHaveLength(1);
  // Stacks whose trust names a role of a name known only at apply time match every principal found: each is judged
  // again once, not once per hop of the chain.
  const open = [...Array(5).keys()].map((i): [Obj, string] => [
    tf({ [`aws_iam_role.w${i}`]: { name: `w${i}`, assume_role_policy: trusting("arn:aws:iam::111111111111:role/${var.who}") } }, { variable: { who: { type: "string" } }, terraform: { backend: { local: { path: `/app/w${i}.tfstate` } } } }),
    `w${i}`,
  ]);
  const models = [[agents, "agents"], ...hops, data, ...open].map(([json, name]) => buildStack(json as Obj, `${name}.tf.json`, name as string));
  const stats = { judged: 0 };
  agentsOfRun(models, new StateIndex(models), {}, stats);
  expect(stats.judged).toBeLessThanOrEqual(2 * models.length);
});

test("a name known only in part matches exactly the other stacks' principals whose names start with the known part", () => {
  const peer = (name: string, actsFor?: string) => ({ stack: "s", address: `aws_iam_role.${name}`, kind: "role" as const, arnPattern: `arn:aws:iam::*:role/${name}`, reason: "x", ...(actsFor ? { actsFor } : {}) });
  const match = peerMatcher([peer("r4"), peer("r5_a"), peer("r6"), peer("R5_B", "the AI agent aws_iam_role.a of stack a"), peer("r50")]);
  const is = (literal: string) => match("role", literal)?.peer?.is;
  expect(is("arn:aws:iam::111111111111:role/r5_*")).toBe("aws_iam_role.r5_a of stack s");
  expect(is("arn:aws:iam::111111111111:role/r5*")).toBe("aws_iam_role.r50 of stack s");
  expect(is("arn:aws:iam::111111111111:role/r7*")).toBeUndefined();
  // Case is ignored, and an agent is named before a principal an agent can act as.
  expect(match("role", "arn:aws:iam::111111111111:role/R5_*")?.peer).toMatchObject({ is: "aws_iam_role.r5_a of stack s", reached: false });
  expect(is("arn:aws:iam::111111111111:role/*")).toBe("aws_iam_role.r4 of stack s");
});

test("names known only in part on both sides are matched by their known starts, and a wildcard may span a path", () => {
  const peer = (stack: string, pattern: string, actsFor?: string) => ({ stack, address: `aws_iam_role.r`, kind: "role" as const, arnPattern: `arn:aws:iam::*:role/${pattern}`, reason: "x", ...(actsFor ? { actsFor } : {}) });
  // Fifty stacks each with an agent whose name is known only in part (`name_prefix`), as a large cdktf.out has.
  const peers = Array.from({ length: 50 }, (_, i) => peer(`s${String(i).padStart(2, "0")}`, `s${i}r0*`));
  const match = peerMatcher([...peers.reverse(), peer("t", "team/ops*", "the AI agent aws_iam_role.a of stack a")]);
  const of = (literal: string) => match("role", literal)?.peer;
  expect(of("arn:aws:iam::111111111111:role/s5r0abc")?.is).toBe("aws_iam_role.r of stack s05");
  // `*` in a pattern matches `/` too: `role/s5r0*` may be `role/s5r0/x/y`, whose name is `y`.
  expect(of("arn:aws:iam::111111111111:role/s5r0/x/y")?.is).toBe("aws_iam_role.r of stack s05");
  expect(of("arn:aws:iam::111111111111:role/team/ops/deploy")?.is).toBe("aws_iam_role.r of stack t");
  expect(of("arn:aws:iam::111111111111:role/other/s5r0x")).toBeUndefined();
  expect(of("arn:aws:iam::111111111111:role/s5x")).toBeUndefined();
  expect(match("role", "s6r0x")?.peer?.is).toBe("aws_iam_role.r of stack s06");
  expect(match("role", "s6x")).toBeUndefined();
  // A mention that may be any of them names the first by stack and says it may be another.
  const wide = match("role", "arn:aws:iam::111111111111:role/s*");
  expect(wide?.peer).toMatchObject({ is: "aws_iam_role.r of stack s00", agent: expect.stringContaining("or another agent") });
  expect(wide?.reason).toContain("it may as well be another principal");
  // One agent's principal only: it names that agent alone.
  const one = match("role", "arn:aws:iam::111111111111:role/s4r0?");
  expect(one?.peer).toMatchObject({ is: "aws_iam_role.r of stack s04" });
  expect(one?.peer?.agent).not.toContain("or another agent");
  expect(one?.reason).not.toContain("may as well be another");
  // An ARN pattern of fewer segments may span them: it meets every name.
  expect(of("arn:aws:iam::*")?.is).toBe("aws_iam_role.r of stack s00");
});

test("an attachment to a role blastwall cannot identify is an error when another checked stack's agent may share the account", () => {
  const pinned = (account: string, json: Obj): Obj => ({ ...json, provider: { aws: [{ region: "eu-west-1", allowed_account_ids: [account] }] } });
  const ops = tf({ "aws_iam_role_policy_attachment.grant": { role: "${var.target_role}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" } }, { variable: { target_role: { type: "string" } } });
  const all = (...stacks: [Obj, string][]) =>
    checkStacks(stacks.map(([json, name]) => buildStack(json, `cdktf.out/stacks/${name}/cdk.tf.json`, name)), { config: {}, rules: agentRules }).findings.filter((f) => f.ruleId === "unresolved-attachment");
  const [f] = all([pinned("111111111111", agentsStack()), "agents"], [pinned("111111111111", ops), "ops"]);
  expect(f.severity).toBe("error");
  expect(f.message).toContain("it may be an AI agent (aws_iam_role.agent of stack agents, an agent there by tag");
  // Alone, or beside an agent pinned to another account: nothing says an agent may be the target.
  expect(all([ops, "ops"]).map((x) => x.severity)).toEqual(["warning"]);
  expect(all([pinned("222222222222", agentsStack()), "agents"], [pinned("111111111111", ops), "ops"]).map((x) => x.severity)).toEqual(["warning"]);
});

test("an attachment by another stack's output known only in part is an error when an agent's name may be it", () => {
  const agents = (prefix: string) =>
    tf(
      { "aws_iam_role.agent": { name_prefix: "coder-", assume_role_policy: SERVICE_TRUST, tags: AGENT }, "aws_iam_role.fn": { name_prefix: prefix, assume_role_policy: SERVICE_TRUST } },
      { terraform: { backend: LOCAL }, output: { name: { value: "${aws_iam_role.fn.name}" } } },
    );
  const data = tf({
    "data.terraform_remote_state.cross-stack-reference-input-agents": { backend: "local", config: LOCAL.local },
    "aws_iam_role_policy.ops": { role: "${data.terraform_remote_state.cross-stack-reference-input-agents.outputs.name}", policy: policy({ Effect: "Allow", Action: "s3:DeleteObject", Resource: "*" }) },
  });
  const severities = (prefix: string) =>
    checkStacks([buildStack(agents(prefix), "cdktf.out/stacks/agents/cdk.tf.json", "agents"), buildStack(data, "cdktf.out/stacks/data/cdk.tf.json", "data")], { config: {} })
      .findings.filter((f) => f.file.includes("/data/") && f.ruleId === "unresolved-attachment")
      .map((f) => f.severity);
  // `co*` may be `coder-…`, the agent's name; `fn-*` may not.
  expect(severities("co")).toEqual(["error"]);
  expect(severities("fn-")).toEqual(["warning"]);
});

test("a trust naming another stack's agent: enough in its account; across pinned accounts counted as its own policies may allow it", () => {
  const pinned = (account: string, json: Obj): Obj => ({ ...json, provider: { aws: [{ region: "eu-west-1", allowed_account_ids: [account] }] } });
  const dev = pinned("111111111111", tf({ "aws_iam_role.coder": { name: "coder", path: "/agents/", assume_role_policy: SERVICE_TRUST, tags: AGENT }, "aws_iam_role_policy.read": { role: "${aws_iam_role.coder.name}", policy: policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }) } }));
  const prod = (account: string) =>
    pinned(account, tf({ "aws_iam_role.deployer": { name: "deployer", assume_role_policy: trusting("arn:aws:iam::111111111111:role/agents/coder") }, "aws_iam_role_policy_attachment.admin": { role: "${aws_iam_role.deployer.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" } }));
  const errorsIn = (account: string) => run([dev, "dev"], [prod(account), "prod"]).filter((f) => f.file.includes("/prod/"));
  const [f] = errorsIn("111111111111");
  expect(f.evidence[1].detail).toMatch(/names outside:arn:aws:iam::111111111111:role\/agents\/coder \(statement #0\), which is enough within one account$/);
  // In another account the agent needs sts:AssumeRole of its own. Its stack cannot always tell whether a right it holds
  // reaches here (`arn:aws:iam::*:role/deployer` reads as its own deployer there), so it counts (red-team round 49).
  const [g] = errorsIn("222222222222");
  expect(g.evidence[1].detail).toMatch(/and its own policies live outside this stack, so blastwall counts that they may allow the call$/);
});

test("a trust of anyone names the agents of the account; principals they act as only where a condition may shut the agent out", () => {
  const A = "111111111111";
  const pinned = (json: Obj): Obj => ({ ...json, provider: { aws: [{ region: "eu-west-1", allowed_account_ids: [A] }] } });
  const agents = pinned(tf({ "aws_iam_role.coder": { name: "coder", path: "/agents/", assume_role_policy: SERVICE_TRUST, tags: AGENT } }));
  const mid = pinned(tf({ "aws_iam_role.hop": { name: "hop", assume_role_policy: trusting(`arn:aws:iam::${A}:role/agents/coder`) } }));
  const anyone = (condition?: Obj) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole", ...(condition ? { Condition: condition } : {}) }] });
  const data = (trust: string) => pinned(tf({ "aws_iam_role.admin": { name: "admin", assume_role_policy: trust }, "aws_iam_role_policy_attachment.a": { role: "${aws_iam_role.admin.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" } }));
  const principals = (trust: string) => run([agents, "agents"], [mid, "mid"], [data(trust), "data"]).filter((f) => f.file.includes("/data/")).map((f) => f.principal);
  // Anyone: the agent itself, once; not again for the role it can act as.
  expect(principals(anyone())).toEqual([`outside:arn:aws:iam::${A}:role/agents/coder`]);
  // Only the role the agent acts as: the path runs through it.
  expect(principals(anyone({ ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${A}:role/hop` } }))).toEqual([`outside:arn:aws:iam::${A}:role/hop`]);
  // A Deny of the agent's path leaves the role it acts as (red-team round 49).
  const denied = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" },
      { Effect: "Deny", Principal: "*", Action: "sts:AssumeRole", Condition: { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${A}:role/agents/*` } } },
    ],
  });
  expect(principals(denied)).toEqual([`outside:arn:aws:iam::${A}:role/hop`]);
});

test("a trust of anyone admits the role another account's agent acts as in its account (red-team round 50)", () => {
  const pin = (account: string, json: Obj): Obj => ({ ...json, provider: { aws: [{ region: "eu-west-1", allowed_account_ids: [account] }] } });
  const A = "111111111111";
  const B = "222222222222";
  const agents = pin(A, tf({ "aws_iam_role.coder": { name: "coder", path: "/agents/", assume_role_policy: SERVICE_TRUST, tags: AGENT }, "aws_iam_role_policy.up": { role: "${aws_iam_role.coder.name}", policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: `arn:aws:iam::${B}:role/hop` }) } }));
  const hub = pin(B, tf({ "aws_iam_role.hop": { name: "hop", assume_role_policy: trusting(`arn:aws:iam::${A}:role/agents/coder`) } }));
  const anyone = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abcdefghij" } } }] });
  const prod = pin(B, tf({ "aws_iam_role.admin": { name: "admin", assume_role_policy: anyone }, "aws_iam_role_policy_attachment.a": { role: "${aws_iam_role.admin.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" } }));
  const found = run([agents, "agents"], [hub, "hub"], [prod, "prod"]).filter((f) => f.file.includes("/prod/"));
  expect(found.map((f) => f.principal)).toEqual([`outside:arn:aws:iam::${B}:role/hop`]);
});

test("a role of another pinned account that trusts the agent stays reached when a third stack gives the agent sts:AssumeRole (red-team round 53)", () => {
  // Round 53 broke a narrowing tried in round 52 (no sts:AssumeRole in the agent's own stack, so no cross-account
  // path): a third stack, pinned to the agent's account, attaches `sts:AssumeRole` on `arn:aws:iam::*:role/deployer`
  // to the agent by name, and reads that ARN as its own harmless deployer. In AWS the `*` account matches every account.
  const pinned = (account: string, json: Obj): Obj => ({ ...json, provider: { aws: [{ region: "eu-west-1", allowed_account_ids: [account] }] } });
  const a = pinned("111111111111", tf({ "aws_iam_role.coder": { name: "coder", path: "/agents/", assume_role_policy: SERVICE_TRUST, tags: AGENT }, "aws_iam_role_policy.read": { role: "${aws_iam_role.coder.name}", policy: policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }) } }));
  const b = pinned("222222222222", tf({ "aws_iam_role.deployer": { name: "deployer", assume_role_policy: trusting("arn:aws:iam::111111111111:role/agents/coder") }, "aws_iam_role_policy_attachment.admin": { role: "${aws_iam_role.deployer.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" } }));
  const c = pinned("111111111111", tf({ "aws_iam_role_policy.grant": { role: "coder", policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::*:role/deployer" }) }, "aws_iam_role.deployer": { name: "deployer", assume_role_policy: SERVICE_TRUST } }));
  const inB = run([a, "a"], [b, "b"], [c, "c"]).filter((f) => f.file.includes("/b/"));
  expect(inB.map((f) => [f.ruleId, f.principal, f.resource])).toEqual([["agent-transitive-destroy", "outside:arn:aws:iam::111111111111:role/agents/coder", "aws_iam_role.deployer"]]);
});

describe("the grants digest of a chain through another stack's role (red-team round 150, F1)", () => {
  // The agent and a role it can act as sit in one stack, a deploy role trusting that role in another: the finding is
  // the deploy stack's, about the other stack's role. How that role is one an agent acts as is decided in the agents'
  // stack, where the finding's own statements do not reach.
  const PIN = { provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["111111111111"] }] } };
  const conditioned = { Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/agents/coder" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": "deploy-only" } } };
  const agents = (opts: { trust?: Obj; second?: boolean } = {}): Obj =>
    tf(
      {
        "aws_iam_role.coder": { name: "coder", path: "/agents/", assume_role_policy: SERVICE_TRUST, tags: AGENT },
        ...(opts.second ? { "aws_iam_role.reckless": { name: "reckless", path: "/agents/", assume_role_policy: SERVICE_TRUST, tags: AGENT } } : {}),
        "aws_iam_role.helper": { name: "helper", assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [opts.trust ?? conditioned] }) },
      },
      PIN,
    );
  const deploy = tf(
    {
      "aws_iam_role.deployer": { name: "deployer", assume_role_policy: trusting("arn:aws:iam::111111111111:role/helper") },
      "aws_iam_role_policy.wipe": { role: "${aws_iam_role.deployer.name}", policy: policy({ Effect: "Allow", Action: "s3:DeleteBucket", Resource: "*" }) },
    },
    PIN,
  );
  const digest = (agentsJson: Obj) => {
    const found = run([agentsJson, "agents"], [deploy, "deploy"]).filter((f) => f.file.includes("/deploy/") && f.ruleId === "agent-transitive-destroy");
    expect(found).toHaveLength(1);
    expect(found[0].principal).toMatch(/^outside:arn:aws:iam::111111111111:role\/helper$/);
    return found[0].grants;
  };

  test("the control: the same stacks give the same digest", () => {
    expect(digest(agents())).toMatch(/^[0-9a-f]{16}$/);
    expect(digest(agents())).toBe(digest(agents()));
  });

  test("the role's trust losing its condition gives another", () => {
    const { Condition: _dropped, ...open } = conditioned;
    expect(digest(agents({ trust: open }))).not.toBe(digest(agents()));
  });

  test("a role the config selects as an agent, come to reach the role with no change to any stack, gives another", () => {
    const both = { ...conditioned, Principal: { AWS: ["arn:aws:iam::111111111111:role/agents/coder", "arn:aws:iam::111111111111:role/tools/reckless"] } };
    const json = tf(
      {
        "aws_iam_role.coder": { name: "coder", path: "/agents/", assume_role_policy: SERVICE_TRUST, tags: AGENT },
        "aws_iam_role.reckless": { name: "reckless", path: "/tools/", assume_role_policy: SERVICE_TRUST },
        "aws_iam_role.helper": { name: "helper", assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [both] }) },
      },
      PIN,
    );
    const grants = (config: { agents?: { names: string[] } }) => {
      const models = [buildStack(json, "cdktf.out/stacks/agents/cdk.tf.json", "agents"), buildStack(deploy, "cdktf.out/stacks/deploy/cdk.tf.json", "deploy")];
      const found = checkStacks(models, { config, rules: agentRules }).findings.filter((f) => f.file.includes("/deploy/") && f.ruleId === "agent-transitive-destroy" && f.severity === "error");
      expect(found).toHaveLength(1);
      return found[0].grants;
    };
    expect(grants({ agents: { names: ["reckless"] } })).not.toBe(grants({}));
  });

  test("a second agent coming to reach the role gives another", () => {
    const both = { ...conditioned, Principal: { AWS: ["arn:aws:iam::111111111111:role/agents/coder", "arn:aws:iam::111111111111:role/agents/reckless"] } };
    expect(digest(agents({ second: true, trust: both }))).not.toBe(digest(agents()));
  });
});
