/**
 * A plan hides a credential's flow where the configuration shows it (red-team round 86): a key the plan creates has its
 * secret unknown, and so has the argument it is written into; an existing key's secret, copied with `base64encode`,
 * matches no literal. The configuration's references name the key. `tags_all` repeating `tags` is one finding.
 */
import { runCli } from "../../lib/cli/main";
import { minimalPlan, tempDir, writeTemp } from "./helpers";

const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "sts:AssumeRole" }] });
const doc = (action: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: "*" }] });

interface Res {
  readonly address: string;
  readonly values: Record<string, unknown>;
  /** after_unknown of a resource this plan creates; undefined: it exists and does not change. */
  readonly unknown?: Record<string, unknown>;
  readonly expressions?: Record<string, unknown>;
}

/** `module.m.aws_sns_topic.t` → its module path, type and name; `data.` makes it a data source. */
function parts(address: string) {
  const m = /^((?:module\.[^.]+\.)*)(data\.)?([a-z0-9_]+)\.([^.]+)$/.exec(address)!;
  return { prefix: m[1], mode: m[2] === undefined ? "managed" : "data", type: m[3], name: m[4] };
}

function plan(resources: readonly Res[], withConfiguration = true, outputs: Record<string, Record<string, unknown>> = {}): Record<string, unknown> {
  const p = (r: Res) => ({ address: r.address, mode: parts(r.address).mode, type: parts(r.address).type, name: parts(r.address).name, provider_name: "registry.terraform.io/hashicorp/aws", values: r.values });
  const changes = resources.map((r) => ({
    ...p(r),
    change: r.unknown
      ? { actions: [parts(r.address).mode === "data" ? "read" : "create"], before: null, after: r.values, after_unknown: r.unknown, before_sensitive: false, after_sensitive: {} }
      : { actions: ["no-op"], before: r.values, after: r.values, after_unknown: {}, before_sensitive: {}, after_sensitive: {} },
  }));
  // Module paths of the configuration, each with its resources and outputs.
  const modules = new Map<string, { resources: unknown[]; outputs: Record<string, unknown> }>([["", { resources: [], outputs: {} }]]);
  const moduleOf = (prefix: string) => {
    if (!modules.has(prefix)) modules.set(prefix, { resources: [], outputs: outputs[prefix] ?? {} });
    return modules.get(prefix)!;
  };
  for (const r of resources) {
    const { prefix, mode, type, name } = parts(r.address);
    moduleOf(prefix).resources.push({ address: `${mode === "data" ? "data." : ""}${type}.${name}`, mode, type, name, provider_config_key: "aws", expressions: r.expressions ?? {} });
  }
  const build = (prefix: string): Record<string, unknown> => {
    const calls: Record<string, unknown> = {};
    for (const other of modules.keys()) {
      const m = new RegExp(`^${prefix.replace(/\./g, "\\.")}module\\.([^.]+)\\.$`).exec(other);
      if (m) calls[m[1]] = { source: `./${m[1]}`, module: build(other) };
    }
    const mod = modules.get(prefix)!;
    return { resources: mod.resources, outputs: Object.fromEntries(Object.entries(mod.outputs).map(([k, e]) => [k, { expression: e }])), module_calls: calls };
  };
  const root = (list: readonly Res[]) => {
    const byPrefix = new Map<string, unknown[]>();
    for (const r of list) byPrefix.set(parts(r.address).prefix, [...(byPrefix.get(parts(r.address).prefix) ?? []), p(r)]);
    const mod = (prefix: string): Record<string, unknown> => ({
      resources: byPrefix.get(prefix) ?? [],
      child_modules: [...byPrefix.keys()].filter((k) => k !== prefix && k.startsWith(prefix) && /^module\.[^.]+\.$/.test(k.slice(prefix.length))).map((k) => ({ address: k.slice(0, -1), ...mod(k) })),
    });
    return mod("");
  };
  return minimalPlan(changes, {
    planned_values: { root_module: root(resources) },
    prior_state: { format_version: "1.0", values: { root_module: root(resources.filter((r) => !r.unknown)) } },
    ...(withConfiguration ? { configuration: { provider_config: { aws: { name: "aws" } }, root_module: build("") } } : {}),
  });
}

/** The agent, allowed `action` on everything; a user that can delete anything, and its key (`prefix` puts user and key in a module). */
function base(action: string, key: "new" | "existing", prefix = ""): Res[] {
  return [
    { address: "aws_iam_role.agent", values: { name: "agent", assume_role_policy: TRUST, path: "/", tags: { "blastwall:agent": "true" }, tags_all: { "blastwall:agent": "true" }, max_session_duration: 3600 } },
    { address: "aws_iam_role_policy.agent", values: { name: "agent", role: "agent", policy: doc(action) } },
    { address: `${prefix}aws_iam_user.deploy`, values: { name: "deploy", path: "/", tags: {}, tags_all: {} } },
    { address: `${prefix}aws_iam_user_policy.admin`, values: { name: "admin", user: "deploy", policy: doc("*") } },
    key === "new"
      ? { address: `${prefix}aws_iam_access_key.k`, values: { user: "deploy", status: "Active" }, unknown: { id: true, secret: true, ses_smtp_password_v4: true }, expressions: { user: { references: [`aws_iam_user.deploy.name`, `aws_iam_user.deploy`] } } }
      : { address: `${prefix}aws_iam_access_key.k`, values: { user: "deploy", status: "Active", id: "AKIAIOSFODNN7EXAMPLE", secret: SECRET } },
  ];
}

const REFS = { references: ["aws_iam_access_key.k.secret", "aws_iam_access_key.k"] };
const topic = (tags: unknown, expressions: unknown = REFS, address = "aws_sns_topic.t"): Res =>
  tags === undefined ? { address, values: { name: "t" }, unknown: { arn: true, tags: true, tags_all: true }, expressions: { name: { constant_value: "t" }, tags: expressions } } : { address, values: { name: "t", tags, tags_all: tags }, unknown: { arn: true }, expressions: { name: { constant_value: "t" }, tags: expressions } };

async function gate(p: Record<string, unknown>) {
  const dir = tempDir();
  writeTemp(dir, "plan.json", JSON.stringify(p));
  let stdout = "";
  const code = await runCli(["gate", "--format", "json", "plan.json"], { stdout: (t) => (stdout += t), stderr: () => undefined, cwd: dir, env: {}, now: () => new Date("2026-11-27T09:00:00Z") });
  const report = JSON.parse(stdout) as { findings: { ruleId: string; severity: string; resource: string; message: string }[] };
  const errors = report.findings.filter((f) => f.severity === "error");
  return { code, written: errors.filter((f) => f.ruleId === "credential-in-configuration").map((f) => [f.resource, f.message]), chains: errors.filter((f) => f.ruleId === "agent-transitive-destroy").map((f) => f.resource) };
}

const MESSAGE = expect.stringMatching(/holds an access key of aws_iam_user\.deploy \(aws_iam_access_key\.k\) in its tags/);

describe("a key the plan creates, written where the plan shows only an unknown value", () => {
  test("tags unknown, the configuration naming the key's secret: credential-in-configuration", async () => {
    const r = await gate(plan([...base("sns:ListTopics", "new"), topic(undefined)]));
    expect([r.code, r.written]).toEqual([1, [["aws_sns_topic.t", MESSAGE]]]);
  });

  test("a rule target's input, a modelled store: the agent that may list the rule's targets acts as the user", async () => {
    const target: Res = { address: "aws_cloudwatch_event_target.t", values: { rule: "r", arn: "arn:aws:sns:us-east-1:111111111111:x", target_id: "t" }, unknown: { input: true }, expressions: { rule: { constant_value: "r" }, input: REFS } };
    expect((await gate(plan([...base("events:ListTargetsByRule", "new"), target]))).chains).toEqual(["aws_iam_user.deploy"]);
    expect((await gate(plan([...base("sns:ListTopics", "new"), target]))).chains).toEqual([]);
  });

  test("through a module's output, into a module's resource", async () => {
    const outputs = { "module.keys.": { secret: { references: ["aws_iam_access_key.k.secret", "aws_iam_access_key.k"] } } };
    const r = await gate(plan([...base("sns:ListTopics", "new", "module.keys."), topic(undefined, { references: ["module.keys.secret", "module.keys"] })], true, outputs));
    expect(r.written).toEqual([["aws_sns_topic.t", expect.stringMatching(/access key of module\.keys\.aws_iam_user\.deploy \(module\.keys\.aws_iam_access_key\.k\)/)]]);
    const inside = await gate(plan([...base("sns:ListTopics", "new", "module.keys."), topic(undefined, REFS, "module.keys.aws_sns_topic.t")]));
    expect(inside.written.map((w) => w[0])).toEqual(["module.keys.aws_sns_topic.t"]);
  });

  test("in a keyed module, which the configuration names without its key: every instance's user", async () => {
    const p = plan([...base("sns:ListTopics", "new", "module.keys."), topic(undefined, REFS, "module.keys.aws_sns_topic.t")]);
    // The plan's addresses carry the module key; its configuration does not.
    const keyed = JSON.parse(JSON.stringify({ ...p, configuration: undefined }).split('"module.keys.').join('"module.keys[\\"a\\"].')) as Record<string, unknown>;
    const r = await gate({ ...keyed, configuration: p.configuration });
    expect(r.written).toEqual([['module.keys["a"].aws_sns_topic.t', expect.stringMatching(/access key of module\.keys\["a"\]\.aws_iam_user\.deploy \(module\.keys\["a"\]\.aws_iam_access_key\.k\)/)]]);
  });

  test("through a local, which the configuration does not show: fail closed while the argument is unknown", async () => {
    const r = await gate(plan([...base("sns:ListTopics", "new"), topic(undefined, { references: ["local.creds"] })]));
    expect(r.written).toEqual([["aws_sns_topic.t", MESSAGE]]);
  });

  test("controls: the key's id, a known argument through a local, and no credential", async () => {
    expect((await gate(plan([...base("sns:ListTopics", "new"), topic(undefined, { references: ["aws_iam_access_key.k.id", "aws_iam_access_key.k"] })]))).written).toEqual([]);
    expect((await gate(plan([...base("sns:ListTopics", "new"), topic({ team: "ops" }, { references: ["local.tags"] })]))).written).toEqual([]);
    expect((await gate(plan([...base("sns:ListTopics", "new"), topic(undefined, { references: ["var.team"] })]))).written).toEqual([]);
  });
});

describe("an existing key's secret, transformed", () => {
  const b64 = { k: Buffer.from(SECRET).toString("base64") };
  test("base64encode: the configuration's references show the key", async () => {
    const r = await gate(plan([...base("sns:ListTopics", "existing"), topic(b64, { references: ["aws_iam_access_key.k.secret", "aws_iam_access_key.k"] })]));
    expect([r.code, r.written]).toEqual([1, [["aws_sns_topic.t", MESSAGE]]]);
  });

  test("the raw secret in tags and tags_all: one finding", async () => {
    const r = await gate(plan([...base("sns:ListTopics", "existing"), topic({ k: SECRET }, { constant_value: {} })]));
    expect(r.written).toEqual([["aws_sns_topic.t", MESSAGE]]);
  });

  test("control: without a configuration a transformed copy is not recognised (a plan from terraform show -json always has one)", async () => {
    expect((await gate(plan([...base("sns:ListTopics", "existing"), topic(b64)], false))).written).toEqual([]);
  });
});

// Red-team round 107 (F1): the configuration names an argument of an AWS resource (a Lambda's environment variable, a
// ciphertext's plaintext), which is what that argument was given: the key, for the plan gate as for check.
describe("a key copied out of an AWS resource's own argument", () => {
  const lambda = (prefix = ""): Res => ({
    address: `${prefix}aws_lambda_function.f`,
    values: { function_name: "helper", role: "arn:aws:iam::111111111111:role/helper", runtime: "python3.12", handler: "index.handler", filename: "fn.zip", environment: [{}] },
    unknown: { arn: true, environment: [{ variables: true }] },
    expressions: { function_name: { constant_value: "helper" }, environment: [{ variables: REFS }] },
  });
  const env = (name: string, prefix = "") => [`${prefix}aws_lambda_function.f.environment[0].variables["${name}"]`, `${prefix}aws_lambda_function.f.environment[0].variables`, `${prefix}aws_lambda_function.f.environment[0]`, `${prefix}aws_lambda_function.f.environment`, `${prefix}aws_lambda_function.f`];

  test("a Lambda's environment variable, and a ciphertext's plaintext, written into tags: credential-in-configuration", async () => {
    const r = await gate(plan([...base("sns:ListTopics", "new"), lambda(), topic(undefined, { references: env("S") })]));
    expect([r.code, r.written]).toEqual([1, [["aws_sns_topic.t", MESSAGE]]]);
    const kms: Res = { address: "aws_kms_ciphertext.c", values: { key_id: "alias/aws/ssm" }, unknown: { plaintext: true, ciphertext_blob: true }, expressions: { key_id: { constant_value: "alias/aws/ssm" }, plaintext: REFS } };
    expect((await gate(plan([...base("sns:ListTopics", "new"), kms, topic(undefined, { references: ["aws_kms_ciphertext.c.plaintext", "aws_kms_ciphertext.c"] })]))).written).toEqual([["aws_sns_topic.t", MESSAGE]]);
  });

  test("through a module's output of the function's variable; its output of the function's name is no key", async () => {
    const outputs = { "module.fn.": { s: { references: env("S") }, name: { references: ["aws_lambda_function.f.function_name", "aws_lambda_function.f"] } } };
    const through = (output: string) => gate(plan([...base("sns:ListTopics", "new", "module.fn."), lambda("module.fn."), topic(undefined, { references: [`module.fn.${output}`, "module.fn"] })], true, outputs));
    expect((await through("s")).written).toEqual([["aws_sns_topic.t", expect.stringMatching(/access key of module\.fn\.aws_iam_user\.deploy \(module\.fn\.aws_iam_access_key\.k\)/)]]);
    // The module comes after the tags in the configuration: its output is read all the same, not taken as unseen.
    expect((await through("name")).written).toEqual([]);
  });

  test("controls: the function's name and its ARN (another argument, an attribute AWS makes)", async () => {
    expect((await gate(plan([...base("sns:ListTopics", "new"), lambda(), topic(undefined, { references: ["aws_lambda_function.f.function_name", "aws_lambda_function.f"] })]))).written).toEqual([]);
    expect((await gate(plan([...base("sns:ListTopics", "new"), lambda(), topic(undefined, { references: ["aws_lambda_function.f.arn", "aws_lambda_function.f"] })]))).written).toEqual([]);
  });
});

// Red-team round 109 (F1): a stack's outputs are what its template makes of its parameters; NoEcho masks none of them.
describe("a key given to a CloudFormation stack as a NoEcho parameter its outputs repeat", () => {
  const template = (outputs: Record<string, unknown>) =>
    JSON.stringify({ Parameters: { S: { Type: "String", NoEcho: true } }, Resources: { H: { Type: "AWS::CloudFormation::WaitConditionHandle" } }, Outputs: outputs });
  const cfn = (body: string): Res => ({
    address: "aws_cloudformation_stack.s",
    values: { name: "cfg", template_body: body },
    unknown: { parameters: true, outputs: true, id: true },
    expressions: { name: { constant_value: "cfg" }, template_body: { constant_value: body }, parameters: REFS },
  });
  const ECHO = template({ S: { Value: { "Fn::Sub": "key-${S}" } }, H: { Value: { Ref: "H" } } });
  const output = (name: string) => ({ references: [`aws_cloudformation_stack.s.outputs["${name}"]`, "aws_cloudformation_stack.s.outputs", "aws_cloudformation_stack.s"] });

  test("an output repeating it, written into tags: credential-in-configuration; the output of the wait handle: none", async () => {
    expect((await gate(plan([...base("sns:ListTopics", "new"), cfn(ECHO), topic(undefined, output("S"))]))).written).toEqual([["aws_sns_topic.t", MESSAGE]]);
    expect((await gate(plan([...base("sns:ListTopics", "new"), cfn(ECHO), topic(undefined, output("H"))]))).written).toEqual([]);
  });

  test("DescribeStacks reads it when an output repeats it, not when none does", async () => {
    expect((await gate(plan([...base("cloudformation:DescribeStacks", "new"), cfn(ECHO)]))).chains).toEqual(["aws_iam_user.deploy"]);
    expect((await gate(plan([...base("cloudformation:DescribeStacks", "new"), cfn(template({ H: { Value: { Ref: "H" } } }))]))).chains).toEqual([]);
  });
});

// Red-team round 110 (F1): DescribeStackResource returns a resource's Metadata, resolved; NoEcho masks none of it.
describe("a key given to a CloudFormation stack as a NoEcho parameter a resource's Metadata or an export names", () => {
  const template = (metadata: unknown) => JSON.stringify({ Parameters: { S: { Type: "String", NoEcho: true } }, Resources: { H: { Type: "AWS::CloudFormation::WaitConditionHandle", Metadata: metadata } } });
  const cfn = (body: string): Res => ({
    address: "aws_cloudformation_stack.s",
    values: { name: "cfg", template_body: body },
    unknown: { parameters: true, outputs: true, id: true },
    expressions: { name: { constant_value: "cfg" }, template_body: { constant_value: body }, parameters: REFS },
  });

  test("DescribeStackResource reads it when a resource's Metadata names it, not when none does", async () => {
    const READ = "cloudformation:DescribeStackResource";
    expect((await gate(plan([...base(READ, "new"), cfn(template({ "AWS::CloudFormation::Init": { config: { files: { "/etc/k": { content: { Ref: "S" } } } } } }))]))).chains).toEqual(["aws_iam_user.deploy"]);
    expect((await gate(plan([...base(READ, "new"), cfn(template({ Owner: "team" }))]))).chains).toEqual([]);
  });

  // Red-team round 110 (F2): ListExports lists every exported output's value, account-wide.
  test("ListExports reads it when an exported output repeats it, not when the exported output is the wait handle's", async () => {
    const exporting = (value: unknown) => JSON.stringify({ Parameters: { S: { Type: "String", NoEcho: true } }, Resources: { H: { Type: "AWS::CloudFormation::WaitConditionHandle" } }, Outputs: { O: { Value: value, Export: { Name: "ci" } } } });
    expect((await gate(plan([...base("cloudformation:ListExports", "new"), cfn(exporting({ Ref: "S" }))]))).chains).toEqual(["aws_iam_user.deploy"]);
    expect((await gate(plan([...base("cloudformation:ListExports", "new"), cfn(exporting({ Ref: "H" }))]))).chains).toEqual([]);
  });
});

// Red-team round 109 (F3): a data source's argument reads back as configured; a decrypting one holds what the stack encrypted.
describe("a key given to a data source", () => {
  const ciphertext = (address: string): Res => ({ address, values: { key_id: "alias/aws/ssm" }, unknown: { plaintext: true, ciphertext_blob: true }, expressions: { key_id: { constant_value: "alias/aws/ssm" }, plaintext: REFS } });
  const refs = (...r: string[]) => ({ references: r });

  test("data.aws_kms_ciphertext's plaintext, written into tags: credential-in-configuration; its ciphertext: none", async () => {
    const c = ciphertext("data.aws_kms_ciphertext.c");
    expect((await gate(plan([...base("sns:ListTopics", "new"), c, topic(undefined, refs("data.aws_kms_ciphertext.c.plaintext", "data.aws_kms_ciphertext.c"))]))).written).toEqual([["aws_sns_topic.t", MESSAGE]]);
    expect((await gate(plan([...base("sns:ListTopics", "new"), c, topic(undefined, refs("data.aws_kms_ciphertext.c.ciphertext_blob", "data.aws_kms_ciphertext.c"))]))).written).toEqual([]);
  });

  test("data.aws_kms_secrets decrypting the stack's ciphertext, written into tags: credential-in-configuration", async () => {
    const secrets = (payload: unknown): Res => ({
      address: "data.aws_kms_secrets.d",
      values: { secret: [{ name: "s" }] },
      unknown: { plaintext: true, secret: [{ payload: true }] },
      expressions: { secret: [{ name: { constant_value: "s" }, payload }] },
    });
    const run = (payload: unknown) => gate(plan([...base("sns:ListTopics", "new"), ciphertext("aws_kms_ciphertext.c"), secrets(payload), topic(undefined, refs('data.aws_kms_secrets.d.plaintext["s"]', "data.aws_kms_secrets.d.plaintext", "data.aws_kms_secrets.d"))]));
    expect((await run(refs("aws_kms_ciphertext.c.ciphertext_blob", "aws_kms_ciphertext.c"))).written).toEqual([["aws_sns_topic.t", MESSAGE]]);
    // Through a local the configuration does not show: any ciphertext of the stack (fail closed).
    expect((await run(refs("local.blob"))).written).toEqual([["aws_sns_topic.t", MESSAGE]]);
  });
});

// Red-team round 109 (F5): a plan lists a `for` expression or a splat over a resource as the whole resource, and a module
// output of a whole resource loses the attribute read after it. A known value holds nothing of a key made by this plan.
describe("a known argument naming a whole resource, one of whose arguments holds a key", () => {
  const fn = (environment: unknown, unknown?: Record<string, unknown>, prefix = ""): Res => ({
    address: `${prefix}aws_lambda_function.f`,
    values: { function_name: "helper", role: "arn:aws:iam::111111111111:role/helper", runtime: "python3.12", handler: "index.handler", filename: "fn.zip", environment },
    unknown,
    expressions: { function_name: { constant_value: "helper" }, environment: [{ variables: REFS }] },
  });
  const made = fn([{}], { arn: true, environment: [{ variables: true }] });
  const WHOLE = { references: ["aws_lambda_function.f"] };

  test("the key made by this plan: the functions' names, known, hold none of it; unknown tags may (fail closed)", async () => {
    expect((await gate(plan([...base("sns:ListTopics", "new"), made, topic({ fn0: "helper" }, WHOLE)]))).written).toEqual([]);
    expect((await gate(plan([...base("sns:ListTopics", "new"), made, topic(undefined, WHOLE)]))).written).toEqual([["aws_sns_topic.t", MESSAGE]]);
  });

  test("a key that exists, known in the plan: a transformed copy of it is still found through the whole resource", async () => {
    const b64 = Buffer.from(SECRET).toString("base64");
    expect((await gate(plan([...base("sns:ListTopics", "existing"), fn([{ variables: { S: b64 } }]), topic({ k: b64 }, WHOLE)]))).written).toEqual([["aws_sns_topic.t", MESSAGE]]);
  });

  test("a module's output of the whole function, then its name: known, no finding; unknown, an error", async () => {
    const outputs = { "module.fn.": { s: { references: ["aws_lambda_function.f"] } } };
    const name = { references: ["module.fn.s.function_name", "module.fn.s", "module.fn"] };
    const inModule = fn([{}], { arn: true, environment: [{ variables: true }] }, "module.fn.");
    expect((await gate(plan([...base("sns:ListTopics", "new", "module.fn."), inModule, topic({ n: "helper" }, name)], true, outputs))).written).toEqual([]);
    expect((await gate(plan([...base("sns:ListTopics", "new", "module.fn."), inModule, topic(undefined, name)], true, outputs))).written).toEqual([
      ["aws_sns_topic.t", expect.stringMatching(/access key of module\.fn\.aws_iam_user\.deploy \(module\.fn\.aws_iam_access_key\.k\)/)],
    ]);
  });
});
