/**
 * Gaps a red-team found in the "read a stored credential" path (E8, the April 2026 outage): stored-value forms
 * the reach graph did not read, and secret versions it did not link to their secret.
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";
import { checkStacks } from "../../lib/check/run-check";
import { planToStack } from "../../lib/plan/plan-to-stack";
import type { PlanJson } from "../../lib/plan/types";
import { agentRules } from "../../lib/rules";
import type { Report } from "../../lib/report/types";

type Obj = Record<string, unknown>;

const KEY = "${aws_iam_access_key.k.secret}";
const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:111111111111:secret:deploy-token-AbCdEf";

/**
 * The agent (a boundary that allows `*`, so only the reach rules speak) may run `action` on `resource`; the stack
 * has a user `ops` that may delete volumes, with an access key, and the store(s) in `store`.
 */
function stack(action: string, resource: string, store: Record<string, Obj>, extra: Obj = {}): Obj {
  return tf(
    {
      "aws_iam_policy.boundary": { name: "agent-boundary", policy: policy({ Effect: "Allow", Action: "*", Resource: "*" }) },
      "aws_iam_role.agent": agentRole({ permissions_boundary: "${aws_iam_policy.boundary.arn}" }),
      "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: action, Resource: resource }) },
      "aws_iam_user.ops": { name: "ops" },
      "aws_iam_user_policy.ops": { user: "${aws_iam_user.ops.name}", policy: policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }) },
      "aws_iam_access_key.k": { user: "${aws_iam_user.ops.name}" },
      ...store,
    },
    extra,
  );
}

/** The agent reads the secret `deploy-token`; `version` is the body of its version. */
const secretStack = (version: Obj, extra: Obj = {}) =>
  stack("secretsmanager:GetSecretValue", "${aws_secretsmanager_secret.token.arn}", { "aws_secretsmanager_secret.token": { name: "deploy-token" }, "aws_secretsmanager_secret_version.token": version }, extra);

/** The agent reads the parameter `/ci/token` with body `param`. */
const paramStack = (param: Obj) => stack("ssm:GetParameter", "${aws_ssm_parameter.tok.arn}", { "aws_ssm_parameter.tok": { name: "/ci/token", type: "SecureString", ...param } });

/** The agent reads the configuration of the function `worker` with body `fn`. */
const lambdaStack = (fn: Obj) =>
  stack("lambda:GetFunctionConfiguration", "${aws_lambda_function.worker.arn}", {
    "aws_iam_role.fn": { name: "fn", assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }) },
    "aws_lambda_function.worker": { function_name: "worker", role: "${aws_iam_role.fn.arn}", handler: "index.handler", runtime: "nodejs20.x", filename: "f.zip", ...fn },
  });

const destroyVia = (r: Report) => errors(r, "agent-transitive-destroy").map((f) => f.resource);
const storedSecret = (r: Report) => r.findings.find((f) => f.ruleId === "agent-stored-secret");

/** The agent reaches `aws_iam_user.ops` through the store, and the chain names it. */
function expectReachesOps(r: Report, store: string): void {
  expect(destroyVia(r)).toContain("aws_iam_user.ops");
  const f = errors(r, "agent-transitive-destroy").find((x) => x.resource === "aws_iam_user.ops")!;
  expect(f.evidence.map((e) => `${e.step}:${e.address}`)).toEqual(expect.arrayContaining([`stored-credential:${store}`, "credential:aws_iam_user.ops"]));
}

describe("write-only attributes hold the value like the ordinary ones", () => {
  test("secret_string_wo holding an access key", () => {
    const r = check(secretStack({ secret_id: "${aws_secretsmanager_secret.token.id}", secret_string_wo: KEY, secret_string_wo_version: 1 }));
    expectReachesOps(r, "aws_secretsmanager_secret.token");
  });
  test("aws_ssm_parameter value_wo holding an access key", () => {
    expectReachesOps(check(paramStack({ value_wo: KEY, value_wo_version: 1 })), "aws_ssm_parameter.tok");
  });
  test("write-only attributes holding a harmless literal are no path", () => {
    const s = check(secretStack({ secret_id: "${aws_secretsmanager_secret.token.id}", secret_string_wo: "blue", secret_string_wo_version: 1 }), {}, { strict: true });
    expect(s.findings).toEqual([]);
    expect(check(paramStack({ value_wo: "blue", value_wo_version: 1 }), {}, { strict: true }).findings).toEqual([]);
  });
  test("a version that shows no value at all is a store of unknown contents, not a harmless one", () => {
    // A plan writes write-only attributes as null; so does an override that hides the value.
    const r = check(secretStack({ secret_id: "${aws_secretsmanager_secret.token.id}", secret_string: null, secret_string_wo: null, secret_string_wo_version: 1 }), {}, { strict: true });
    expect(errors(r, "agent-stored-secret").map((f) => f.resource)).toEqual(["aws_secretsmanager_secret.token"]);
    const p = check(paramStack({ value: null, insecure_value: null, value_wo: null }), {}, { strict: true });
    expect(errors(p, "agent-stored-secret").map((f) => f.resource)).toEqual(["aws_ssm_parameter.tok"]);
  });
});

describe("a version whose secret_id is not a reference to the secret", () => {
  test("the secret's name as a literal", () => {
    expectReachesOps(check(secretStack({ secret_id: "deploy-token", secret_string: KEY })), "aws_secretsmanager_secret.token");
  });
  test("the secret's ARN as a literal (with the random suffix Secrets Manager appends)", () => {
    expectReachesOps(check(secretStack({ secret_id: SECRET_ARN, secret_string: KEY })), "aws_secretsmanager_secret.token");
  });
  test("the name through a variable default", () => {
    const r = check(secretStack({ secret_id: "${var.token_name}", secret_string: KEY }, { variable: { token_name: { type: "string", default: "deploy-token" } } }));
    expectReachesOps(r, "aws_secretsmanager_secret.token");
  });
  test("a data source looking up the same secret by name", () => {
    const r = check(
      secretStack({ secret_id: "${data.aws_secretsmanager_secret.same.id}", secret_string: KEY }, { data: { aws_secretsmanager_secret: { same: { name: "deploy-token" } } } }),
    );
    expectReachesOps(r, "aws_secretsmanager_secret.token");
  });
  test("a reference to one instance of a counted secret", () => {
    const r = check(
      stack("secretsmanager:GetSecretValue", "${aws_secretsmanager_secret.token[0].arn}", {
        "aws_secretsmanager_secret.token": { count: 1, name: "deploy-token" },
        "aws_secretsmanager_secret_version.token": { secret_id: "${aws_secretsmanager_secret.token[0].id}", secret_string: KEY },
      }),
    );
    expectReachesOps(r, "aws_secretsmanager_secret.token");
  });
  test("an id blastwall cannot resolve may be any secret: its key counts for the secret the agent reads (fail closed)", () => {
    expectReachesOps(check(secretStack({ secret_id: "${var.somewhere}", secret_string: KEY })), "aws_secretsmanager_secret.token");
  });
  test("an unresolvable id holding a harmless value does not make the secret look harmless", () => {
    const r = check(stack("secretsmanager:GetSecretValue", "${aws_secretsmanager_secret.token.arn}", {
      "aws_secretsmanager_secret.token": { name: "deploy-token" },
      "aws_secretsmanager_secret_version.other": { secret_id: "${var.somewhere}", secret_string: "blue" },
    }));
    expect(storedSecret(r)?.resource).toBe("aws_secretsmanager_secret.token");
  });
  test("a data source reading the secret does not make it look harmless", () => {
    const r = check(stack("secretsmanager:GetSecretValue", "${aws_secretsmanager_secret.token.arn}", { "aws_secretsmanager_secret.token": { name: "deploy-token" } }, {
      data: { aws_secretsmanager_secret_version: { read: { secret_id: "${aws_secretsmanager_secret.token.id}" } } },
    }));
    expect(storedSecret(r)?.resource).toBe("aws_secretsmanager_secret.token");
  });
  test("a literal naming another secret is not linked to this one", () => {
    const r = check(stack("secretsmanager:GetSecretValue", "${aws_secretsmanager_secret.color.arn}", {
      "aws_secretsmanager_secret.token": { name: "deploy-token" },
      "aws_secretsmanager_secret.color": { name: "deploy" },
      "aws_secretsmanager_secret_version.token": { secret_id: SECRET_ARN, secret_string: KEY },
      "aws_secretsmanager_secret_version.color": { secret_id: "deploy", secret_string: "blue" },
    }));
    expect(r.findings).toEqual([]);
  });
  test("a version that references its managed secret writes only that one, even when the name is unknown", () => {
    const r = check(stack("secretsmanager:GetSecretValue", "${aws_secretsmanager_secret.color.arn}", {
      "aws_secretsmanager_secret.token": { name: "${var.token_name}" },
      "aws_secretsmanager_secret.color": { name: "color" },
      "aws_secretsmanager_secret_version.token": { secret_id: "${aws_secretsmanager_secret.token.id}", secret_string: KEY },
      "aws_secretsmanager_secret_version.color": { secret_id: "${aws_secretsmanager_secret.color.id}", secret_string: "blue" },
    }));
    expect(r.findings).toEqual([]);
  });
  test("a literal name holding a harmless value is no path", () => {
    expect(check(secretStack({ secret_id: "deploy-token", secret_string: "blue" }), {}, { strict: true }).findings).toEqual([]);
  });
});

describe("other stored-value forms", () => {
  test("secret_binary from base64encode of the key", () => {
    expectReachesOps(check(secretStack({ secret_id: "${aws_secretsmanager_secret.token.id}", secret_binary: "${base64encode(aws_iam_access_key.k.secret)}" })), "aws_secretsmanager_secret.token");
  });
  test("secret_binary as a literal holds base64: a token inside it is read", () => {
    const r = check(secretStack({ secret_id: "${aws_secretsmanager_secret.token.id}", secret_binary: Buffer.from("AKIAABCDEFGHIJKLMNOP").toString("base64") }));
    expect(errors(r, "agent-reach-unknown").length).toBeGreaterThan(0);
  });
  test("insecure_value and a SecureString value from a reference", () => {
    expectReachesOps(check(paramStack({ insecure_value: KEY })), "aws_ssm_parameter.tok");
    expectReachesOps(check(paramStack({ value: KEY })), "aws_ssm_parameter.tok");
  });
  test("a Lambda environment as an object and as an array of blocks", () => {
    expectReachesOps(check(lambdaStack({ environment: { variables: { AWS_SECRET_ACCESS_KEY: KEY } } })), "aws_lambda_function.worker");
    expectReachesOps(check(lambdaStack({ environment: [{ variables: { AWS_SECRET_ACCESS_KEY: KEY } }] })), "aws_lambda_function.worker");
    expect(check(lambdaStack({ environment: [{ variables: { COLOR: "blue" } }] })).findings).toEqual([]);
  });
  test("the whole key object and the legacy splat form", () => {
    expectReachesOps(check(secretStack({ secret_id: "${aws_secretsmanager_secret.token.id}", secret_string: "${jsonencode(aws_iam_access_key.k)}" })), "aws_secretsmanager_secret.token");
    expectReachesOps(check(secretStack({ secret_id: "${aws_secretsmanager_secret.token.id}", secret_string: "${aws_iam_access_key.k.*.secret[0]}" })), "aws_secretsmanager_secret.token");
  });
  test("a key passed through a local", () => {
    const r = check(secretStack({ secret_id: "${aws_secretsmanager_secret.token.id}", secret_string: "${local.creds}" }, { locals: { creds: "${jsonencode({ secret = aws_iam_access_key.k.secret })}" } }));
    expectReachesOps(r, "aws_secretsmanager_secret.token");
  });
  test("the user's console password", () => {
    const r = check(
      secretStack({ secret_id: "${aws_secretsmanager_secret.token.id}", secret_string: "${aws_iam_user_login_profile.ops.password}" }, {
        resource: { aws_iam_user_login_profile: { ops: { user: "${aws_iam_user.ops.name}" } } },
      }),
    );
    expectReachesOps(r, "aws_secretsmanager_secret.token");
  });
  test("a key whose user blastwall cannot resolve is a credential of unknown rights, not nothing", () => {
    const json = secretStack({ secret_id: "${aws_secretsmanager_secret.token.id}", secret_string: "${aws_iam_access_key.x.secret}" });
    ((json.resource as Obj).aws_iam_access_key as Obj).x = { user: "${var.who}" };
    expect(errors(check(json), "agent-reach-unknown").length).toBeGreaterThan(0);
  });
  test("a key of a user that is not in the stack is a credential of unknown rights", () => {
    const json = secretStack({ secret_id: "${aws_secretsmanager_secret.token.id}", secret_string: "${aws_iam_access_key.x.secret}" });
    ((json.resource as Obj).aws_iam_access_key as Obj).x = { user: "${aws_iam_user.ghost.name}" };
    expect(errors(check(json), "agent-reach-unknown").length).toBeGreaterThan(0);
  });
});

describe("the planned end state (terraform show -json)", () => {
  /** A plan whose planned values are `resources` (address → values), every one created. */
  function plan(resources: Record<string, Obj>): PlanJson {
    const rs = Object.entries(resources).map(([address, values]) => {
      const [type, name] = address.split(".");
      return { address, mode: "managed" as const, type, name, values };
    });
    return {
      format_version: "1.2",
      planned_values: { root_module: { resources: rs } },
      resource_changes: rs.map((r) => ({ address: r.address, mode: r.mode, type: r.type, name: r.name, change: { actions: ["create" as const], after: r.values, after_unknown: {} } })),
    };
  }
  const planned = (version: Obj) =>
    plan({
      "aws_iam_role.agent": { name: "agent", path: "/agents/", assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [] }), tags: { "blastwall:agent": "true" }, permissions_boundary: "arn:aws:iam::111111111111:policy/agent-boundary" },
      "aws_iam_policy.boundary": { name: "agent-boundary", path: "/", arn: "arn:aws:iam::111111111111:policy/agent-boundary", policy: policy({ Effect: "Allow", Action: "*", Resource: "*" }) },
      "aws_iam_role_policy.agent": { role: "agent", policy: policy({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: SECRET_ARN }) },
      "aws_iam_user.ops": { name: "ops", path: "/" },
      "aws_iam_user_policy.ops": { user: "ops", policy: policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }) },
      "aws_iam_access_key.k": { user: "ops", id: "AKIAIOSFODNN7EXAMPLE", secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
      "aws_secretsmanager_secret.token": { name: "deploy-token", arn: SECRET_ARN },
      "aws_secretsmanager_secret_version.token": { secret_id: SECRET_ARN, ...version },
    });
  const run = (p: PlanJson, strict = false) => checkStacks([planToStack(p, "plan.json")], { config: {}, strict, rules: agentRules });

  test("the secret access key as a plain value is matched to its user", () => {
    expectReachesOps(run(planned({ secret_string: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", secret_string_wo: null })), "aws_secretsmanager_secret.token");
  });
  // This plan has no `configuration`, so nothing says what the write-only argument was given: it may hold the plan's
  // key (red-team round 171, F1), as well as leaving the contents unknown.
  test("a write-only value (null in the plan, no configuration) leaves the contents unknown and may hold the plan's key", () => {
    const r = run(planned({ secret_string: null, secret_binary: null, secret_string_wo: null, secret_string_wo_version: 1 }), true);
    expectReachesOps(r, "aws_secretsmanager_secret.token");
  });
  test("a harmless value is no path", () => {
    expect(run(planned({ secret_string: "blue", secret_binary: null }), true).findings).toEqual([]);
  });
});
