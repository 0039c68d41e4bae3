/**
 * Red-team round 90: the partition and account a principal of the stack calls from, as a trust policy sees it.
 * The agent is set up as AgentRole would set it up (its own sts:AssumeRole reaches only a harmless helper), so the
 * trust of a role that may delete data alone decides whether the agent reaches it.
 */
import { check, errors, policy, safeAgentStack, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

const DESTROY = policy({ Effect: "Allow", Action: "s3:DeleteBucket", Resource: "*" });

/** The safe agent (on provider `agentProvider`), a helper it may assume, and a role `deploy` with trust `trust`. */
function stack(providers: Obj[], trust: Obj[], more: { agentProvider?: string; deployProvider?: string; statements?: Obj[]; variable?: Obj } = {}): Obj {
  const statements = more.statements ?? [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.helper.arn}" }];
  const doc = safeAgentStack(statements) as { resource: Record<string, Record<string, Obj>> } & Obj;
  if (more.agentProvider) for (const byName of Object.values(doc.resource)) for (const body of Object.values(byName)) body.provider = more.agentProvider;
  const on = (body: Obj) => (more.deployProvider ? { ...body, provider: more.deployProvider } : body);
  const extra = tf({
    "aws_iam_role.helper": { name: "helper", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "sts:AssumeRole" }) },
    "aws_iam_role.deploy": on({ name: "deploy", assume_role_policy: policy(...trust) }),
    "aws_iam_role_policy.deploy": on({ role: "${aws_iam_role.deploy.name}", policy: DESTROY }),
  }) as { resource: Record<string, Record<string, Obj>> };
  for (const [type, byName] of Object.entries(extra.resource)) doc.resource[type] = { ...doc.resource[type], ...byName };
  return { ...doc, provider: { aws: providers }, ...(more.variable ? { variable: more.variable } : {}) };
}

const reached = (doc: Obj) => [...new Set(errors(check(doc), "agent-transitive-destroy").map((f) => f.resource))];
const pinned = (region: string | undefined, account = "111111111111"): Obj => ({ ...(region ? { region } : {}), allowed_account_ids: [account] });
const ARN = (partition: string) => `arn:${partition}:iam::111111111111:role/agents/agent`;

describe("1. aws:PrincipalArn in a trust is compared with the agent's ARN in its own partition", () => {
  const openTo = (arn: string, operator = "ArnEquals") => [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole", Condition: { [operator]: { "aws:PrincipalArn": arn } } }];
  const allButAgent = (arn: string) => [
    { Effect: "Allow", Principal: { AWS: arn }, Action: "sts:AssumeRole" },
    { Effect: "Deny", Principal: "*", Action: "sts:AssumeRole", Condition: { StringNotEquals: { "aws:PrincipalArn": arn } } },
  ];

  test.each([
    ["us-east-1", "aws"],
    ["us-gov-west-1", "aws-us-gov"],
    ["cn-north-1", "aws-cn"],
  ])("a trust open to the agent's %s ARN, or denying everyone but it, admits it", (region, partition) => {
    expect(reached(stack([pinned(region)], openTo(ARN(partition))))).toEqual(["aws_iam_role.deploy"]);
    expect(reached(stack([pinned(region)], openTo(`arn:${partition}:iam::*:role/agents/*`, "ArnLike")))).toEqual(["aws_iam_role.deploy"]);
    expect(reached(stack([pinned(region)], allButAgent(ARN(partition))))).toEqual(["aws_iam_role.deploy"]);
  });

  test("where the region is not known, the agent's ARN may be in any partition: a GovCloud ARN may be its own", () => {
    expect(reached(stack([pinned(undefined)], openTo(ARN("aws-us-gov"))))).toEqual(["aws_iam_role.deploy"]);
    expect(reached(stack([pinned(undefined)], allButAgent(ARN("aws-us-gov"))))).toEqual(["aws_iam_role.deploy"]);
  });

  test("a Deny copied from a commercial template holds nothing back in GovCloud, or where the partition is not known", () => {
    const deny = (extra: Obj[]) => [
      { Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } } },
      { Effect: "Deny", Principal: "*", Action: "sts:AssumeRole", Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/*" } } },
      ...extra,
    ];
    expect(reached(stack([pinned("us-gov-west-1")], deny([])))).toEqual(["aws_iam_role.deploy"]);
    expect(reached(stack([pinned(undefined)], deny([])))).toEqual(["aws_iam_role.deploy"]);
    // Control: in the commercial partition it holds the agent (and the helper it may act as) back, and a principal Deny
    // naming them does too.
    expect(reached(stack([pinned("us-east-1")], deny([])))).toEqual([]);
    const principalDeny = [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }, { Effect: "Deny", Principal: { AWS: "arn:aws:iam::111111111111:role/*" }, Action: "sts:AssumeRole" }];
    expect(reached(stack([pinned("us-east-1")], principalDeny))).toEqual([]);
    expect(reached(stack([pinned("us-gov-west-1")], principalDeny))).toEqual(["aws_iam_role.deploy"]);
  });

  test("control: a trust open to another partition's ARN, or to another role, admits no agent of a known region", () => {
    expect(reached(stack([pinned("us-east-1")], openTo(ARN("aws-us-gov"))))).toEqual([]);
    expect(reached(stack([pinned("us-gov-west-1")], openTo(ARN("aws"))))).toEqual([]);
    expect(reached(stack([pinned("us-gov-west-1")], openTo("arn:aws-us-gov:iam::111111111111:role/ci")))).toEqual([]);
  });

  test("data.aws_partition is the partition of its provider's region", () => {
    const doc = stack([pinned("us-gov-west-1")], allButAgent("arn:${data.aws_partition.p.partition}:iam::111111111111:role/agents/agent"));
    expect(reached({ ...doc, data: { aws_partition: { p: {} } } })).toEqual(["aws_iam_role.deploy"]);
    const other = stack([pinned("us-gov-west-1")], openTo("arn:${data.aws_partition.p.partition}:iam::111111111111:role/ci"));
    expect(reached({ ...other, data: { aws_partition: { p: {} } } })).toEqual([]);
  });
});

describe("4. an account read from a variable's default does not prove two providers' accounts different", () => {
  const orgOpen = [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } } }];
  const variable = { prod_role: { type: "string", default: "arn:aws:iam::222222222222:role/deploy" }, stg_role: { type: "string", default: "arn:aws:iam::111111111111:role/deploy" } };
  const prod = (how: Obj) => ({ alias: "prod", region: "us-east-1", ...how });

  test("a role_arn from a variable, on the role's provider or the agent's, leaves the account open: a trust of anyone there may admit the agent", () => {
    expect(reached(stack([pinned("us-east-1"), prod({ assume_role: [{ role_arn: "${var.prod_role}" }] })], orgOpen, { deployProvider: "aws.prod", variable }))).toEqual(["aws_iam_role.deploy"]);
    expect(reached(stack([{ region: "us-east-1", assume_role: [{ role_arn: "${var.stg_role}" }] }, prod({ allowed_account_ids: ["222222222222"] })], orgOpen, { deployProvider: "aws.prod", variable }))).toEqual(["aws_iam_role.deploy"]);
  });

  test("control: the same accounts written literally are two accounts, and the trust admits no one of the other", () => {
    expect(reached(stack([pinned("us-east-1"), prod({ assume_role: [{ role_arn: "arn:aws:iam::222222222222:role/deploy" }] })], orgOpen, { deployProvider: "aws.prod" }))).toEqual([]);
    expect(reached(stack([{ region: "us-east-1", assume_role: [{ role_arn: "arn:aws:iam::111111111111:role/deploy" }] }, prod({ allowed_account_ids: ["222222222222"] })], orgOpen, { deployProvider: "aws.prod" }))).toEqual([]);
  });
});

describe("3. a trust of an account root admits the agent only if it may be the agent's account", () => {
  const hubSpoke = [pinned("us-east-1", "333333333333"), { alias: "prod", region: "us-east-1", allowed_account_ids: ["222222222222"] }];
  const grant = [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.deploy.arn}" }];
  const root = (account: string) => [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "sts:AssumeRole" }];

  test("the root of another account, the role's own or a third, admits no agent pinned to its own", () => {
    for (const account of ["222222222222", "444444444444"]) expect([account, reached(stack(hubSpoke, root(account), { deployProvider: "aws.prod", statements: grant }))]).toEqual([account, []]);
  });

  test("control: the agent's own account root, its bare id, or any root where the agent is not pinned, admits it with the grant", () => {
    for (const trust of [root("333333333333"), [{ Effect: "Allow", Principal: { AWS: "333333333333" }, Action: "sts:AssumeRole" }]]) {
      expect(reached(stack(hubSpoke, trust, { deployProvider: "aws.prod", statements: grant }))).toEqual(["aws_iam_role.deploy"]);
    }
    const agentUnpinned = [{ region: "us-east-1" }, hubSpoke[1]];
    expect(reached(stack(agentUnpinned, root("222222222222"), { deployProvider: "aws.prod", statements: grant }))).toEqual(["aws_iam_role.deploy"]);
  });
});

describe("2. a literal role ARN names the roles whose own provider may be in its account", () => {
  const hubSpoke = (prod: Obj = { allowed_account_ids: ["222222222222"] }) => [pinned("us-east-1", "333333333333"), { alias: "prod", region: "us-east-1", ...prod }];
  const namesAgent = [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::333333333333:role/agents/agent" }, Action: "sts:AssumeRole" }];
  const grantOn = (arn: string) => [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: arn }];
  const found = (doc: Obj) => {
    const r = check(doc);
    return { unknown: errors(r, "agent-reach-unknown").map((f) => f.message.match(/roles matching (\S+),/)?.[1]), reached: [...new Set(errors(r, "agent-transitive-destroy").map((f) => f.resource))] };
  };

  test("a role of an alias pinned to the ARN's account is that role, not one outside the stack", () => {
    const harmless = stack(hubSpoke(), namesAgent, { deployProvider: "aws.prod", statements: grantOn("arn:aws:iam::222222222222:role/deploy") }) as { resource: Record<string, Record<string, Obj>> };
    harmless.resource.aws_iam_role_policy.deploy.policy = policy({ Effect: "Allow", Action: "s3:ListBucket", Resource: "*" });
    expect(found(harmless)).toEqual({ unknown: [], reached: [] });
    expect(found(stack(hubSpoke(), namesAgent, { deployProvider: "aws.prod", statements: grantOn("arn:aws:iam::222222222222:role/deploy") }))).toEqual({ unknown: [], reached: ["aws_iam_role.deploy"] });
  });

  test("an ARN in the default provider's account names no role of that name an alias puts in another: that one may lie outside", () => {
    expect(found(stack(hubSpoke(), namesAgent, { deployProvider: "aws.prod", statements: grantOn("arn:aws:iam::333333333333:role/deploy") }))).toEqual({ unknown: ["arn:aws:iam::333333333333:role/deploy"], reached: [] });
  });

  test("control: a role of an alias whose account is not known may be the one named, or not", () => {
    expect(found(stack(hubSpoke({ profile: "prod" }), namesAgent, { deployProvider: "aws.prod", statements: grantOn("arn:aws:iam::222222222222:role/deploy") }))).toEqual({
      unknown: ["arn:aws:iam::222222222222:role/deploy"],
      reached: ["aws_iam_role.deploy"],
    });
  });
});

describe("an AWS managed policy ARN built with data.aws_partition when the region is not written", () => {
  /** The safe agent with `policy_arn` attached, its provider's region `region` (a variable, or none). */
  const attached = (policyArn: string, region?: string) => {
    const doc = safeAgentStack([]) as { resource: Record<string, Record<string, Obj>> } & Obj;
    doc.resource["aws_iam_role_policy_attachment"] = { ro: { role: "${aws_iam_role.agent.name}", policy_arn: policyArn } };
    return { ...doc, provider: { aws: [region ? { region } : {}] }, variable: { region: { default: "eu-west-1" }, p: {} }, data: { aws_partition: { p: {} } } };
  };
  const unreadable = (doc: Obj) => errors(check(doc), "unanalysable-policy").map((f) => f.message);

  test.each([["a variable", "${var.region}"], ["none", undefined]])("is read by its name, in every partition (region %s)", (_name, region) => {
    expect(unreadable(attached("arn:${data.aws_partition.p.partition}:iam::aws:policy/ReadOnlyAccess", region))).toEqual([]);
    // What it grants is judged: AdministratorAccess reaches every role, which the boundary does not stop.
    const admin = errors(check(attached("arn:${data.aws_partition.p.partition}:iam::aws:policy/AdministratorAccess", region)));
    expect(admin.some((f) => f.evidence.some((e) => e.address === "arn:aws:iam::aws:policy/AdministratorAccess"))).toBe(true);
  });

  test("a partition blastwall cannot know from a variable, or a name it cannot know, stays unreadable", () => {
    expect(unreadable(attached("arn:${var.p}:iam::aws:policy/ReadOnlyAccess", "${var.region}"))).toHaveLength(1);
    expect(unreadable(attached("arn:${data.aws_partition.p.partition}:iam::aws:policy/${var.p}", "${var.region}"))).toHaveLength(1);
  });
});
