/**
 * Write-only arguments at the plan gate (red-team round 168). Terraform 1.11+ shows a write-only argument
 * (`secret_string_wo`, `value_wo`, `password_wo`) as null in every plan and never marks it unknown, yet AWS stores what
 * it is given. F1: a key made by the plan and stored through one was dropped as "known when planned". F2: a master
 * password passed write-only, or made by the same plan, was not recognised in the store the agent reads.
 */
import { runCli } from "../../lib/cli/main";
import { minimalPlan, tempDir, writeTemp } from "./helpers";

const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "lambda.amazonaws.com" } }] });
const doc = (actions: string[]) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] });
const PASSWORD = "Zq8#kLm2vP9xR4tW7yB1nC6dF3gH5jK0";
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

interface Res {
  readonly address: string;
  readonly values: Record<string, unknown>;
  /** after_unknown of a resource this plan creates; undefined: it exists and does not change. */
  readonly unknown?: Record<string, unknown>;
  readonly expressions?: Record<string, unknown>;
  /** The module call it is declared in (`module.NAME.`); undefined: the root module. */
  readonly module?: string;
}

/** What each module call is given (`expressions`), by call name, and the root variables the plan lists. */
interface Config {
  readonly calls?: Record<string, Record<string, unknown>>;
  readonly variables?: Record<string, unknown>;
  /** The outputs each module call's module declares (their `expression`s), by call name. */
  readonly outputs?: Record<string, Record<string, unknown>>;
}

const ref = (...refs: string[]) => ({ references: refs });
const constant = (v: unknown) => ({ constant_value: v });

/** A plan of these resources, with planned values, prior state (for those that exist) and configuration. */
function plan(resources: readonly Res[], extra: Config = {}): Record<string, unknown> {
  const entry = (r: Res) => {
    const [type, name] = r.address.split(".");
    const provider = type.startsWith("random_") ? "registry.terraform.io/hashicorp/random" : "registry.terraform.io/hashicorp/aws";
    return { address: `${r.module ? `module.${r.module}.` : ""}${r.address}`, mode: "managed", type, name, provider_name: provider, values: r.values };
  };
  const changes = resources.map((r) => ({
    ...entry(r),
    ...(r.module ? { module_address: `module.${r.module}` } : {}),
    change: r.unknown
      ? { actions: ["create"], before: null, after: r.values, after_unknown: r.unknown, before_sensitive: false, after_sensitive: {} }
      : { actions: ["no-op"], before: r.values, after: r.values, after_unknown: {}, before_sensitive: {}, after_sensitive: {} },
  }));
  const configOf = (r: Res) => ({ ...entry(r), address: r.address, values: undefined, provider_config_key: r.address.startsWith("random_") ? "random" : "aws", expressions: r.expressions ?? {} });
  const modules = [...new Set([...resources.flatMap((r) => (r.module ? [r.module] : [])), ...Object.keys(extra.outputs ?? {})])];
  const state = (list: readonly Res[]) => ({
    resources: list.filter((r) => !r.module).map(entry),
    ...(modules.length > 0 ? { child_modules: modules.map((m) => ({ address: `module.${m}`, resources: list.filter((r) => r.module === m).map(entry) })) } : {}),
  });
  const calls = Object.fromEntries(modules.map((m) => [m, { source: `./${m}`, expressions: extra.calls?.[m] ?? {}, module: { resources: resources.filter((r) => r.module === m).map(configOf), ...(extra.outputs?.[m] ? { outputs: Object.fromEntries(Object.entries(extra.outputs[m]).map(([o, e]) => [o, { expression: e, sensitive: true }])) } : {}) } }]));
  return minimalPlan(changes, {
    terraform_version: "1.14.0",
    ...(extra.variables ? { variables: Object.fromEntries(Object.entries(extra.variables).map(([k, v]) => [k, { value: v }])) } : {}),
    planned_values: { root_module: state(resources) },
    prior_state: { format_version: "1.0", values: { root_module: state(resources.filter((r) => !r.unknown)) } },
    configuration: { provider_config: { aws: { name: "aws" }, random: { name: "random" } }, root_module: { resources: resources.filter((r) => !r.module).map(configOf), ...(modules.length > 0 ? { module_calls: calls } : {}) } },
  });
}

/** An agent role (path /agents/) allowed `actions` on everything. */
const agent = (actions: string[]): Res[] => [
  { address: "aws_iam_role.agent", values: { name: "agent", path: "/agents/", assume_role_policy: TRUST, permissions_boundary: null, tags: null, tags_all: {} }, unknown: { arn: true, id: true, unique_id: true } },
  { address: "aws_iam_role_policy.read", values: { role: "agent", name: "read", policy: doc(actions) }, unknown: { id: true } },
];

async function gate(resources: readonly Res[], extra: Config = {}, edit: (plan: Record<string, unknown>) => void = () => undefined) {
  const dir = tempDir();
  const p = plan(resources, extra);
  edit(p);
  writeTemp(dir, "plan.json", JSON.stringify(p));
  let stdout = "";
  const code = await runCli(["gate", "--format", "json", "plan.json"], { stdout: (t) => (stdout += t), stderr: () => undefined, cwd: dir, env: {}, now: () => new Date("2026-12-01T09:00:00Z") });
  const report = JSON.parse(stdout) as { findings: { ruleId: string; severity: string; resource: string; message: string }[] };
  return { code, errors: report.findings.filter((f) => f.severity === "error").map((f) => [f.ruleId, f.message]) };
}

describe("F1: a key stored through a write-only argument", () => {
  const admin = (key: "new" | "existing", user = "admin"): Res[] => [
    { address: `aws_iam_user.${user}`, values: { name: user, path: "/", tags: null, force_destroy: false, permissions_boundary: null, tags_all: {} }, unknown: { arn: true, id: true, unique_id: true } },
    { address: `aws_iam_user_policy_attachment.${user}`, values: { user, policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" }, unknown: { id: true }, expressions: { user: ref(`aws_iam_user.${user}.name`, `aws_iam_user.${user}`) } },
    key === "new"
      ? { address: `aws_iam_access_key.${user}`, values: { user, pgp_key: null, status: "Active" }, unknown: { id: true, secret: true, ses_smtp_password_v4: true, create_date: true }, expressions: { user: ref(`aws_iam_user.${user}.name`, `aws_iam_user.${user}`) } }
      : { address: `aws_iam_access_key.${user}`, values: { user, pgp_key: null, status: "Active", id: "AKIAIOSFODNN7EXAMPLE", secret: SECRET } },
  ];
  const secret = (argument: string, given: Record<string, unknown>): Res[] => [
    { address: "aws_secretsmanager_secret.k", values: { name: "ci/admin-key", recovery_window_in_days: 30, tags_all: {} }, unknown: { arn: true, id: true }, expressions: { name: constant("ci/admin-key") } },
    {
      address: "aws_secretsmanager_secret_version.k",
      values: { secret_string: null, secret_binary: null, secret_string_wo: null, secret_string_wo_version: 1 },
      unknown: { arn: true, id: true, secret_id: true, version_id: true, ...(argument === "secret_string" ? { secret_string: true } : {}) },
      expressions: { secret_id: ref("aws_secretsmanager_secret.k.id", "aws_secretsmanager_secret.k"), [argument]: given, ...(argument === "secret_string_wo" ? { secret_string_wo_version: constant(1) } : {}) },
    },
  ];
  const parameter = (argument: string, given: Record<string, unknown>): Res[] => [
    {
      address: "aws_ssm_parameter.k",
      values: { name: "/ci/admin-key", type: "SecureString", value: null, value_wo: null, value_wo_version: 1, insecure_value: null, tags: null, tags_all: {} },
      unknown: { arn: true, id: true, version: true, ...(argument === "value" ? { value: true } : {}) },
      expressions: { name: constant("/ci/admin-key"), type: constant("SecureString"), [argument]: given },
    },
  ];
  const KEY = ref("aws_iam_access_key.admin.secret", "aws_iam_access_key.admin");
  const READ_SECRET = ["secretsmanager:GetSecretValue"];
  const READ_PARAMETER = ["ssm:GetParameter", "kms:Decrypt"];
  const chain = ["agent-transitive-destroy", expect.stringMatching(/can act as aws_iam_user\.admin/)];

  test("a key made by the plan, in secret_string_wo or value_wo: the agent that reads the store acts as the admin", async () => {
    expect(await gate([...admin("new"), ...secret("secret_string_wo", KEY), ...agent(READ_SECRET)])).toEqual({ code: 1, errors: [chain] });
    expect(await gate([...admin("new"), ...parameter("value_wo", KEY), ...agent(READ_PARAMETER)])).toEqual({ code: 1, errors: [chain] });
  });

  test("through a local, which the configuration does not show: a null argument shows nothing, so any key of the plan counts", async () => {
    expect(await gate([...admin("new"), ...secret("secret_string_wo", ref("local.key")), ...agent(READ_SECRET)])).toEqual({ code: 1, errors: [chain] });
    expect(await gate([...admin("existing"), ...parameter("value_wo", ref("local.key")), ...agent(READ_PARAMETER)])).toEqual({ code: 1, errors: [chain] });
  });

  test("controls: the plain argument (caught before), an existing key, a write-only value that is no key, an agent that cannot read", async () => {
    expect(await gate([...admin("new"), ...secret("secret_string", KEY), ...agent(READ_SECRET)])).toEqual({ code: 1, errors: [chain] });
    expect(await gate([...admin("existing"), ...secret("secret_string_wo", KEY), ...agent(READ_SECRET)])).toEqual({ code: 1, errors: [chain] });
    const other: Res = { address: "random_password.p", values: { length: 32 }, unknown: { id: true, result: true, bcrypt_hash: true }, expressions: { length: constant(32) } };
    expect(await gate([...admin("new"), other, ...secret("secret_string_wo", ref("random_password.p.result", "random_password.p")), ...agent(READ_SECRET)])).toEqual({ code: 0, errors: [] });
    expect(await gate([...admin("new"), ...secret("secret_string_wo", KEY), ...agent(["sqs:ListQueues"])])).toEqual({ code: 0, errors: [] });
  });

  // Red-team round 171, F1: the check read only the configuration, so a plan without it (or without the store's entry)
  // showed a null write-only argument and nothing else, and the admin key stored there passed.
  const noConfiguration = (p: Record<string, unknown>) => delete p.configuration;
  const withoutEntry = (address: string) => (p: Record<string, unknown>) => {
    const root = (p.configuration as { root_module: { resources: { address: string }[] } }).root_module;
    root.resources = root.resources.filter((r) => r.address !== address);
  };

  test("F1 (171): a plan with no configuration, or none for the store: the null write-only argument may hold any key of the plan", async () => {
    expect(await gate([...admin("new"), ...secret("secret_string_wo", KEY), ...agent(READ_SECRET)], {}, noConfiguration)).toEqual({ code: 1, errors: [chain] });
    expect(await gate([...admin("new"), ...secret("secret_string_wo", KEY), ...agent(READ_SECRET)], {}, withoutEntry("aws_secretsmanager_secret_version.k"))).toEqual({ code: 1, errors: [chain] });
    expect(await gate([...admin("existing"), ...parameter("value_wo", KEY), ...agent(READ_PARAMETER)], {}, noConfiguration)).toEqual({ code: 1, errors: [chain] });
    expect(await gate([...admin("new"), ...parameter("value_wo", KEY), ...agent(READ_PARAMETER)], {}, withoutEntry("aws_ssm_parameter.k"))).toEqual({ code: 1, errors: [chain] });
  });

  test("F1 (171) controls: a plain argument that holds no key, a plan with no key, an agent that cannot read, the store's entry present", async () => {
    const plain: Res[] = [
      { address: "aws_secretsmanager_secret.k", values: { name: "ci/greeting", recovery_window_in_days: 30, tags_all: {} }, unknown: { arn: true, id: true } },
      { address: "aws_secretsmanager_secret_version.k", values: { secret_string: "hello", secret_binary: null }, unknown: { arn: true, id: true, secret_id: true, version_id: true } },
    ];
    expect(await gate([...admin("new"), ...plain, ...agent(READ_SECRET)], {}, noConfiguration)).toEqual({ code: 0, errors: [] });
    const noKey = admin("new").filter((r) => !r.address.startsWith("aws_iam_access_key"));
    expect(await gate([...noKey, ...secret("secret_string_wo", KEY), ...agent(READ_SECRET)], {}, noConfiguration)).toEqual({ code: 0, errors: [] });
    expect(await gate([...admin("new"), ...secret("secret_string_wo", KEY), ...agent(["sqs:ListQueues"])], {}, noConfiguration)).toEqual({ code: 0, errors: [] });
    const other: Res = { address: "random_password.p", values: { length: 32 }, unknown: { id: true, result: true, bcrypt_hash: true }, expressions: { length: constant(32) } };
    const stored = secret("secret_string_wo", ref("random_password.p.result", "random_password.p"));
    expect(await gate([...admin("new"), other, ...stored, ...agent(READ_SECRET)], {}, withoutEntry("aws_iam_access_key.admin"))).toEqual({ code: 0, errors: [] });
  });
});

describe("F2: a master password passed write-only, or made by the same plan", () => {
  const password = (made: boolean): Res =>
    made
      ? { address: "random_password.db", values: { length: 32, special: true, keepers: null }, unknown: { id: true, result: true, bcrypt_hash: true }, expressions: { length: constant(32) } }
      : { address: "random_password.db", values: { length: 32, special: true, keepers: null, result: PASSWORD, id: "none", bcrypt_hash: "$2a$10$x" }, expressions: { length: constant(32) } };
  const PW = ref("random_password.db.result", "random_password.db");
  const database = (argument: "password" | "password_wo", made: boolean, given: Record<string, unknown> = PW): Res => {
    const values: Record<string, unknown> = { identifier: "orders", engine: "postgres", instance_class: "db.t4g.micro", allocated_storage: 20, username: "app", password: null, password_wo: null, password_wo_version: 1, deletion_protection: true, backup_retention_period: 7, tags: null, tags_all: {} };
    if (!made) Object.assign(values, { arn: "arn:aws:rds:us-east-1:111111111111:db:orders", id: "db-ABC", ...(argument === "password" ? { password: PASSWORD } : {}) });
    const expressions = { identifier: constant("orders"), username: constant("app"), [argument]: given, ...(argument === "password_wo" ? { password_wo_version: constant(1) } : {}) };
    return { address: "aws_db_instance.orders", values, ...(made ? { unknown: { arn: true, id: true, endpoint: true, ...(argument === "password" ? { password: true } : {}) } } : {}), expressions };
  };
  const store = (argument: "value" | "value_wo", made: boolean, given: Record<string, unknown> = PW): Res => {
    const values: Record<string, unknown> = { name: "/app/db-password", type: "SecureString", value: null, value_wo: null, value_wo_version: 1, insecure_value: null, tags: null, tags_all: {} };
    if (!made) Object.assign(values, { arn: "arn:aws:ssm:us-east-1:111111111111:parameter/app/db-password", id: "/app/db-password", ...(argument === "value" ? { value: PASSWORD } : {}) });
    const expressions = { name: constant("/app/db-password"), type: constant("SecureString"), [argument]: given };
    return { address: "aws_ssm_parameter.dbpw", values, ...(made ? { unknown: { arn: true, id: true, version: true, ...(argument === "value" ? { value: true } : {}) } } : {}), expressions };
  };
  const READ = agent(["ssm:GetParameter", "kms:Decrypt"]);
  const dropped = ["agent-database-password", expect.stringMatching(/can read the master password of aws_db_instance\.orders \(stored in aws_ssm_parameter\.dbpw\)/)];

  test("the steady state blastwall recommends: an existing password, given as password_wo and stored through value_wo", async () => {
    expect(await gate([password(false), database("password_wo", false), store("value_wo", false), ...READ])).toEqual({ code: 1, errors: [dropped] });
  });

  test("first deploy: the password made by this plan, write-only, plain or mixed", async () => {
    expect(await gate([password(true), database("password_wo", true), store("value_wo", true), ...READ])).toEqual({ code: 1, errors: [dropped] });
    expect(await gate([password(true), database("password", true), store("value", true), ...READ])).toEqual({ code: 1, errors: [dropped] });
    expect(await gate([password(true), database("password_wo", true), store("value", true), ...READ])).toEqual({ code: 1, errors: [dropped] });
    expect(await gate([password(true), database("password", true), store("value_wo", true), ...READ])).toEqual({ code: 1, errors: [dropped] });
  });

  test("controls: plain values that exist (caught before), another password in the store, an agent that cannot read", async () => {
    expect(await gate([password(false), database("password", false), store("value", false), ...READ])).toEqual({ code: 1, errors: [dropped] });
    const other: Res = { address: "random_password.api", values: { length: 32 }, unknown: { id: true, result: true, bcrypt_hash: true }, expressions: { length: constant(32) } };
    const OTHER = ref("random_password.api.result", "random_password.api");
    expect(await gate([password(true), other, database("password_wo", true), store("value_wo", true, OTHER), ...READ])).toEqual({ code: 0, errors: [] });
    expect(await gate([password(false), other, database("password_wo", false), store("value_wo", false, OTHER), ...READ])).toEqual({ code: 0, errors: [] });
    expect(await gate([password(true), database("password_wo", true), store("value_wo", true), ...agent(["sqs:ListQueues"])])).toEqual({ code: 0, errors: [] });
  });

  test("F1 (171): the store's entry missing from the configuration: it may hold the password, and the finding says the plan has no configuration for it", async () => {
    const drop = (p: Record<string, unknown>) => {
      const root = (p.configuration as { root_module: { resources: { address: string }[] } }).root_module;
      root.resources = root.resources.filter((r) => r.address !== "aws_ssm_parameter.dbpw");
    };
    const r = await gate([password(false), database("password_wo", false), store("value_wo", false), ...READ], {}, drop);
    expect(r.code).toBe(1);
    expect(r.errors).toEqual([["agent-database-password", expect.stringMatching(/aws_ssm_parameter\.dbpw\.value_wo \(a write-only argument, and the plan has no configuration for aws_ssm_parameter\.dbpw/)]]);
    // Control: the entry present, the store given another password.
    const other: Res = { address: "random_password.api", values: { length: 32 }, unknown: { id: true, result: true, bcrypt_hash: true }, expressions: { length: constant(32) } };
    expect(await gate([password(false), other, database("password_wo", false), store("value_wo", false, ref("random_password.api.result", "random_password.api")), ...READ])).toEqual({ code: 0, errors: [] });
  });
});

/**
 * F3 (the steady state most configurations use): one root variable, often ephemeral, gives both the database's
 * write-only password and the store's write-only value. The plan shows neither (null; an ephemeral variable's value is
 * not in it), and both configurations refer to `var.db_password` alone: the same name on both sides is the same value.
 */
describe("F3: one variable, local or module input gives the database and the store", () => {
  const VAR = ref("var.db_password");
  const database = (given: Record<string, unknown>, module?: string): Res => ({
    address: "aws_db_instance.orders",
    ...(module ? { module } : {}),
    values: { identifier: "orders", engine: "postgres", instance_class: "db.t4g.micro", allocated_storage: 20, username: "app", password: null, password_wo: null, password_wo_version: 1, deletion_protection: true, tags: null, tags_all: {} },
    unknown: { arn: true, id: true, endpoint: true, address: true },
    expressions: { identifier: constant("orders"), username: constant("app"), password_wo: given, password_wo_version: constant(1) },
  });
  const parameter = (given: Record<string, unknown>, module?: string): Res => ({
    address: "aws_ssm_parameter.dbpw",
    ...(module ? { module } : {}),
    values: { name: "/app/db-password", type: "SecureString", value: null, value_wo: null, value_wo_version: 1, insecure_value: null, tags: null, tags_all: {} },
    unknown: { arn: true, id: true, version: true },
    expressions: { name: constant("/app/db-password"), type: constant("SecureString"), value_wo: given, value_wo_version: constant(1) },
  });
  const secret = (given: Record<string, unknown>): Res[] => [
    { address: "aws_secretsmanager_secret.db", values: { name: "app/db", recovery_window_in_days: 30, tags_all: {} }, unknown: { arn: true, id: true }, expressions: { name: constant("app/db") } },
    {
      address: "aws_secretsmanager_secret_version.db",
      values: { secret_string: null, secret_binary: null, secret_string_wo: null, secret_string_wo_version: 1 },
      unknown: { arn: true, id: true, secret_id: true, version_id: true },
      expressions: { secret_id: ref("aws_secretsmanager_secret.db.id", "aws_secretsmanager_secret.db"), secret_string_wo: given, secret_string_wo_version: constant(1) },
    },
  ];
  const READ_PARAMETER = agent(["ssm:GetParameter", "kms:Decrypt"]);
  const READ_SECRET = agent(["secretsmanager:GetSecretValue"]);
  const found = (store: string, database = "aws_db_instance.orders") => ["agent-database-password", expect.stringMatching(new RegExp(`can read the master password of ${database.replace(/[.[\]"]/g, "\\$&")} \\(stored in ${store.replace(/[.[\]"]/g, "\\$&")}\\)`))];

  test("a root variable in password_wo and in value_wo or secret_string_wo", async () => {
    expect(await gate([database(VAR), parameter(VAR), ...READ_PARAMETER])).toEqual({ code: 1, errors: [found("aws_ssm_parameter.dbpw")] });
    expect(await gate([database(VAR), ...secret(VAR), ...READ_SECRET])).toEqual({ code: 1, errors: [found("aws_secretsmanager_secret.db")] });
  });

  test("a JSON secret holding it among other keys: jsonencode({ username, password = var.db_password, host })", async () => {
    const json = ref("var.db_password", "aws_db_instance.orders.address", "aws_db_instance.orders");
    expect(await gate([database(VAR), ...secret(json), ...READ_SECRET])).toEqual({ code: 1, errors: [found("aws_secretsmanager_secret.db")] });
  });

  test("the same local or data source attribute on both sides, and a root variable passed into modules (one module, or one each)", async () => {
    expect(await gate([database(ref("local.db_password")), parameter(ref("local.db_password")), ...READ_PARAMETER])).toEqual({ code: 1, errors: [found("aws_ssm_parameter.dbpw")] });
    const generated = ref("data.aws_secretsmanager_random_password.pw.random_password", "data.aws_secretsmanager_random_password.pw");
    expect(await gate([database(generated), parameter(generated), ...READ_PARAMETER])).toEqual({ code: 1, errors: [found("aws_ssm_parameter.dbpw")] });
    const calls = { data: { master_password: VAR } };
    const inner = ref("var.master_password");
    expect(await gate([database(inner, "data"), parameter(inner, "data"), ...READ_PARAMETER], { calls })).toEqual({ code: 1, errors: [found("module.data.aws_ssm_parameter.dbpw", "module.data.aws_db_instance.orders")] });
    expect(await gate([database(inner, "data"), parameter(VAR), ...READ_PARAMETER], { calls })).toEqual({ code: 1, errors: [found("aws_ssm_parameter.dbpw", "module.data.aws_db_instance.orders")] });
  });

  test("fail closed: a store made from a local the plan does not show may hold the password, and the finding says why", async () => {
    const r = await gate([database(VAR), parameter(ref("local.secrets")), ...READ_PARAMETER]);
    expect(r).toEqual({ code: 1, errors: [found("aws_ssm_parameter.dbpw")] });
    expect(r.errors[0][1]).toMatch(/local\.secrets/);
  });

  test("controls: another variable in the store, a module given another variable, an agent that cannot read", async () => {
    expect(await gate([database(VAR), parameter(ref("var.api_token")), ...READ_PARAMETER])).toEqual({ code: 0, errors: [] });
    expect(await gate([database(VAR), ...secret(ref("var.api_token")), ...READ_SECRET])).toEqual({ code: 0, errors: [] });
    const calls = { data: { master_password: ref("var.other") } };
    expect(await gate([database(ref("var.master_password"), "data"), parameter(VAR), ...READ_PARAMETER], { calls })).toEqual({ code: 0, errors: [] });
    expect(await gate([database(VAR), parameter(VAR), ...agent(["sqs:ListQueues"])])).toEqual({ code: 0, errors: [] });
  });
});

describe("red-team round 169: ephemeral values and read-backs, nulls elsewhere in a block", () => {
  const cluster = (given: Record<string, unknown>): Res => ({
    address: "aws_rds_cluster.orders",
    values: { cluster_identifier: "orders", engine: "aurora-postgresql", master_username: "app", master_password: null, master_password_wo: null, master_password_wo_version: 1, deletion_protection: true, tags: null, tags_all: {} },
    unknown: { arn: true, id: true, endpoint: true },
    expressions: { cluster_identifier: constant("orders"), master_username: constant("app"), master_password_wo: given, master_password_wo_version: constant(1) },
  });
  const secret = (name: string, given: Record<string, unknown>): Res[] => [
    { address: `aws_secretsmanager_secret.${name}`, values: { name: `app/${name}`, recovery_window_in_days: 30, tags_all: {} }, unknown: { arn: true, id: true }, expressions: { name: constant(`app/${name}`) } },
    {
      address: `aws_secretsmanager_secret_version.${name}`,
      values: { secret_string: null, secret_binary: null, secret_string_wo: null, secret_string_wo_version: 1 },
      unknown: { arn: true, id: true, secret_id: true, version_id: true },
      expressions: { secret_id: ref(`aws_secretsmanager_secret.${name}.id`, `aws_secretsmanager_secret.${name}`), secret_string_wo: given, secret_string_wo_version: constant(1) },
    },
  ];
  const EPHEMERAL = ref("ephemeral.random_password.db.result", "ephemeral.random_password.db");
  const READ = agent(["secretsmanager:GetSecretValue"]);
  const found = ["agent-database-password", expect.stringMatching(/master password of aws_rds_cluster\.orders \(stored in aws_secretsmanager_secret\.db\)/)];

  test("F2: an ephemeral random_password in master_password_wo and in secret_string_wo is one value", async () => {
    expect(await gate([cluster(EPHEMERAL), ...secret("db", EPHEMERAL), ...READ])).toEqual({ code: 1, errors: [found] });
  });

  test("F1: the password read back from the secret (ephemeral or data source, not in the plan's values): any secret the agent reads may hold it", async () => {
    const r = await gate([cluster(ref("ephemeral.aws_secretsmanager_secret_version.db.secret_string", "ephemeral.aws_secretsmanager_secret_version.db")), ...secret("db", EPHEMERAL), ...READ]);
    expect(r).toEqual({ code: 1, errors: [found] });
    expect(r.errors[0][1]).toMatch(/read back by ephemeral\.aws_secretsmanager_secret_version\.db .*fail closed/);
    const data = ref("data.aws_secretsmanager_secret_version.db.secret_string", "data.aws_secretsmanager_secret_version.db");
    expect(await gate([cluster(data), ...secret("db", ref("random_password.db.result", "random_password.db")), ...READ])).toEqual({ code: 1, errors: [found] });
  });

  test("controls: another ephemeral value in the store, an agent that cannot read secrets", async () => {
    expect(await gate([cluster(EPHEMERAL), ...secret("db", ref("ephemeral.random_password.api.result", "ephemeral.random_password.api")), ...READ])).toEqual({ code: 0, errors: [] });
    expect(await gate([cluster(EPHEMERAL), ...secret("db", EPHEMERAL), ...agent(["sqs:ListQueues"])])).toEqual({ code: 0, errors: [] });
  });

  describe("red-team round 170: read-backs blastwall did not follow (F1: by path, or a source it does not know; F2: through a module output)", () => {
    const SSM = agent(["ssm:GetParameter", "ssm:GetParametersByPath"]);
    const parameter: Res = { address: "aws_ssm_parameter.pw", values: { name: "/prod/db/password", type: "SecureString", value: null, value_wo: null, value_wo_version: 1, tags_all: {} }, unknown: { arn: true, id: true }, expressions: { name: constant("/prod/db/password"), value_wo: EPHEMERAL, value_wo_version: constant(1) } };
    const inParameter = ["agent-database-password", expect.stringMatching(/master password of aws_rds_cluster\.orders \(stored in aws_ssm_parameter\.pw\)/)];
    const SECRET_READ = ref("data.aws_secretsmanager_secret_version.this.secret_string", "data.aws_secretsmanager_secret_version.this");
    const viaModule = ref("module.secrets.password", "module.secrets");

    test("F1: a read by path, or by a data source blastwall does not know, read during apply: any parameter or secret the agent reads may hold it", async () => {
      const byPath = await gate([cluster(ref("data.aws_ssm_parameters_by_path.db.values", "data.aws_ssm_parameters_by_path.db")), parameter, ...SSM]);
      expect(byPath).toEqual({ code: 1, errors: [inParameter] });
      expect(byPath.errors[0][1]).toMatch(/read back by data\.aws_ssm_parameters_by_path\.db from a parameter blastwall cannot tell .*fail closed/);
      // sops decrypts a file blastwall does not read (aws_kms_secrets, which reads no store, passes since red-team round 172, F4).
      const sops = await gate([cluster(ref("data.sops_file.db.data", "data.sops_file.db")), ...secret("db", ref("random_password.other.result", "random_password.other")), ...READ]);
      expect(sops).toEqual({ code: 1, errors: [found] });
      expect(sops.errors[0][1]).toMatch(/made from data\.sops_file\.db, which may read it back from a secret or parameter/);
      const kms = await gate([cluster(ref("data.aws_kms_secrets.db.plaintext", "data.aws_kms_secrets.db")), ...secret("db", ref("random_password.other.result", "random_password.other")), ...READ]);
      expect(kms).toEqual({ code: 0, errors: [] });
    });

    test("F2: a module's output that reads the secret back, followed to its data source; an output the plan does not show fails closed", async () => {
      const followed = await gate([cluster(viaModule), ...secret("db", ref("random_password.other.result", "random_password.other")), ...READ], { outputs: { secrets: { password: SECRET_READ } } });
      expect(followed).toEqual({ code: 1, errors: [found] });
      expect(followed.errors[0][1]).toMatch(/read back by module\.secrets\.data\.aws_secretsmanager_secret_version\.this/);
      const unseen = await gate([cluster(viaModule), ...secret("db", ref("random_password.other.result", "random_password.other")), ...READ], { outputs: { secrets: {} } });
      expect(unseen).toEqual({ code: 1, errors: [found] });
      expect(unseen.errors[0][1]).toMatch(/made from module\.secrets\.password, which may read it back .*a plan does not show what module\.secrets\.password is made from/);
    });

    test("controls: an output made from a value the store does not hold, an agent that reads no secret or parameter", async () => {
      const generated = ref("ephemeral.random_password.api.result", "ephemeral.random_password.api");
      expect(await gate([cluster(viaModule), ...secret("db", EPHEMERAL), ...READ], { outputs: { secrets: { password: generated } } })).toEqual({ code: 0, errors: [] });
      expect(await gate([cluster(viaModule), ...secret("db", EPHEMERAL), ...agent(["sqs:ListQueues"])], { outputs: { secrets: { password: SECRET_READ } } })).toEqual({ code: 0, errors: [] });
      expect(await gate([cluster(ref("data.aws_ssm_parameters_by_path.db.values", "data.aws_ssm_parameters_by_path.db")), parameter, ...agent(["sqs:ListQueues"])])).toEqual({ code: 0, errors: [] });
    });
  });

  describe("F5: a null elsewhere in an argument hides nothing a reference gave", () => {
    const ci: Res[] = [
      { address: "aws_iam_user.ci", values: { name: "ci", path: "/", tags: null, force_destroy: false, permissions_boundary: null, tags_all: {} } },
      { address: "aws_iam_user_policy_attachment.ci", values: { user: "ci", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" } },
      { address: "aws_iam_access_key.ci", values: { user: "ci", pgp_key: null, status: "Active", id: "AKIAIOSFODNN7EXAMPLE", secret: SECRET } },
    ];
    const project = (variable: Record<string, unknown>, value: unknown): Res => ({
      address: "aws_codebuild_project.build",
      values: { name: "build", environment: [{ certificate: null, compute_type: "BUILD_GENERAL1_SMALL", image: "aws/codebuild/standard:7.0", type: "LINUX_CONTAINER", environment_variable: [{ name: "DEPLOY_REGION", type: "PLAINTEXT", value }] }], tags: null, tags_all: {} },
      unknown: { arn: true, id: true },
      expressions: { name: constant("build"), environment: [{ compute_type: constant("BUILD_GENERAL1_SMALL"), image: constant("aws/codebuild/standard:7.0"), type: constant("LINUX_CONTAINER"), environment_variable: [{ name: constant("DEPLOY_REGION"), value: variable }] }] },
    });
    const READ_PROJECT = agent(["codebuild:BatchGetProjects"]);
    const chain = ["agent-transitive-destroy", expect.stringMatching(/aws_iam_user\.ci/)];

    test("a local shown as a known value beside a null certificate, or an AWS argument shown as null: no credential", async () => {
      expect(await gate([...ci, project(ref("local.region"), "eu-central-1"), ...READ_PROJECT])).toEqual({ code: 0, errors: [] });
      const web: Res = { address: "aws_instance.web", values: { ami: "ami-12345678", instance_type: "t3.micro", user_data: null, tags: null, tags_all: {} }, unknown: { arn: true, id: true }, expressions: { ami: constant("ami-12345678"), user_data: ref("local.user_data") } };
      expect(await gate([...ci, web, ...agent(["ec2:DescribeInstanceAttribute"])])).toEqual({ code: 0, errors: [] });
    });

    test("controls: the key itself in the variable is caught; a local the plan shows null in a variable of an AWS block is null", async () => {
      expect(await gate([...ci, project(ref("aws_iam_access_key.ci.secret", "aws_iam_access_key.ci"), SECRET), ...READ_PROJECT])).toEqual({ code: 1, errors: [chain] });
      expect(await gate([...ci, project(ref("local.region"), null), ...READ_PROJECT])).toEqual({ code: 0, errors: [] });
    });
  });
});
