/**
 * Overwriting where no earlier version is kept is deleting (red-team round 11): the rule judges the agent's writes
 * by the store they land on.
 */
import { agentRole, check, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;
const agentWrites = (action: string | string[], resource: string) => ({
  "aws_iam_role.agent": agentRole(),
  "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: action, Resource: resource }) },
});
const findings = (json: Obj, strict = false) => check(json, {}, { strict }).findings.filter((f) => f.ruleId === "agent-overwrite-unprotected");

describe("agent-overwrite-unprotected", () => {
  const bucket = (extra: Record<string, Obj> = {}, own: Obj = {}) => tf({ ...agentWrites("s3:PutObject", "${aws_s3_bucket.data.arn}/*"), "aws_s3_bucket.data": { bucket: "prod-data", ...own }, ...extra });

  test("PutObject on a bucket of the stack without versioning is an error", () => {
    const [f] = findings(bucket());
    expect(f).toMatchObject({ severity: "error", principal: "aws_iam_role.agent", resource: "aws_iam_role_policy.agent", actions: ["s3:PutObject"] });
    expect(f.message).toMatch(/can overwrite what aws_s3_bucket\.data holds, which keeps no object versions/);
  });

  test("the controls: versioning Enabled (by reference or by name), the bucket's own versioning block, or object lock", () => {
    const on = { versioning_configuration: [{ status: "Enabled" }] };
    expect(findings(bucket({ "aws_s3_bucket_versioning.v": { bucket: "${aws_s3_bucket.data.id}", ...on } }))).toEqual([]);
    expect(findings(bucket({ "aws_s3_bucket_versioning.v": { bucket: "prod-data", ...on } }))).toEqual([]);
    expect(findings(bucket({}, { versioning: [{ enabled: true }] }))).toEqual([]);
    expect(findings(bucket({}, { object_lock_enabled: true }))).toEqual([]);
  });

  test("versioning Suspended, or set by an expression blastwall cannot read, keeps nothing certain", () => {
    expect(findings(bucket({ "aws_s3_bucket_versioning.v": { bucket: "${aws_s3_bucket.data.id}", versioning_configuration: [{ status: "Suspended" }] } }))).toHaveLength(1);
    expect(findings(bucket({ "aws_s3_bucket_versioning.v": { bucket: "${aws_s3_bucket.data.id}", versioning_configuration: [{ status: "${var.s}" }] } }))).toHaveLength(1);
  });

  const table = (pitr?: boolean) =>
    tf({
      ...agentWrites(["dynamodb:PutItem", "dynamodb:UpdateItem"], "${aws_dynamodb_table.orders.arn}"),
      "aws_dynamodb_table.orders": { name: "orders", hash_key: "pk", attribute: [{ name: "pk", type: "S" }], ...(pitr === undefined ? {} : { point_in_time_recovery: [{ enabled: pitr }] }) },
    });

  test("PutItem / UpdateItem on a table without point-in-time recovery is an error; with it, none", () => {
    expect(findings(table()).map((f) => [f.evidence.at(-1)?.address, f.actions])).toEqual([["aws_dynamodb_table.orders", ["dynamodb:PutItem", "dynamodb:UpdateItem"]]]);
    expect(findings(table(false))).toHaveLength(1);
    expect(findings(table(true))).toEqual([]);
  });

  test("writes on stores outside the stack are a warning (an error with --strict)", () => {
    const json = tf(agentWrites("s3:PutObject", "arn:aws:s3:::elsewhere/*"));
    expect(findings(json).map((f) => f.severity)).toEqual(["warning"]);
    expect(findings(json, true).map((f) => f.severity)).toEqual(["error"]);
  });

  test("one finding per granting statement, however many stores it reaches", () => {
    const json = tf({ ...agentWrites("s3:PutObject", "*"), "aws_s3_bucket.a": { bucket: "a" }, "aws_s3_bucket.b": { bucket: "b" }, "aws_s3_bucket.c": { bucket: "c" } });
    const inStack = findings(json).filter((f) => f.severity === "error");
    expect(inStack).toHaveLength(1);
    expect(inStack[0].message).toMatch(/what 3 stores of this stack hold that keep no earlier version \(aws_s3_bucket\.a, aws_s3_bucket\.b, aws_s3_bucket\.c\)/);
  });

  test("the control: writes elsewhere than buckets and tables are no overwrite of theirs", () => {
    expect(findings(tf(agentWrites("logs:PutLogEvents", "*")))).toEqual([]);
  });
});

describe("agent-overwrite-unprotected (red-team round 12)", () => {
  const versioned = (versioning: Obj, grant = "${aws_s3_bucket.data.arn}/*") =>
    tf({ ...agentWrites("s3:PutObject", grant), "aws_s3_bucket.data": { bucket: "prod-data" }, "aws_s3_bucket_versioning.v": { bucket: "${aws_s3_bucket.data.id}", versioning_configuration: [{ status: "Enabled" }], ...versioning } });

  test("a versioning resource that may not be created keeps nothing certain", () => {
    expect(findings(versioned({ count: 0 }))).toHaveLength(1);
    expect(findings(versioned({ lifecycle: { enabled: false } }))).toHaveLength(1);
    expect(findings(versioned({}))).toEqual([]);
  });

  test("a bucket policy naming the agent grants the write on its own", () => {
    const json = tf({
      "aws_iam_role.agent": agentRole(),
      "aws_s3_bucket.data": { bucket: "prod-data" },
      "aws_s3_bucket_policy.data": { bucket: "${aws_s3_bucket.data.id}", policy: policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "s3:PutObject", Resource: "arn:aws:s3:::prod-data/*" }) },
    });
    expect(findings(json).map((f) => [f.severity, f.resource])).toEqual([["error", "aws_s3_bucket_policy.data"]]);
  });

  test("a prefix of a versioned bucket of the stack is neither an overwrite nor outside the stack", () => {
    expect(findings(versioned({}, "${aws_s3_bucket.data.arn}/uploads/*"), true)).toEqual([]);
  });

  test("legacy object_lock_configuration keeps versions", () => {
    const json = tf({ ...agentWrites("s3:PutObject", "${aws_s3_bucket.data.arn}/*"), "aws_s3_bucket.data": { bucket: "prod-data", object_lock_configuration: [{ object_lock_enabled: "Enabled" }] } });
    expect(findings(json)).toEqual([]);
  });
});

describe("agent-overwrite-unprotected (final round)", () => {
  test("a write through a variable ARN may land anywhere: a warning", () => {
    const json = tf(agentWrites("s3:PutObject", "${var.bucket_arn}/*"), { variable: { bucket_arn: { type: "string" } } });
    expect(findings(json).map((f) => f.severity)).toEqual(["warning"]);
  });

  test("a counted bucket versioned through its instance", () => {
    const json = tf({
      ...agentWrites("s3:PutObject", "${aws_s3_bucket.b[0].arn}/*"),
      "aws_s3_bucket.b": { count: 1, bucket: "agent-work" },
      "aws_s3_bucket_versioning.b": { count: 1, bucket: "${aws_s3_bucket.b[0].id}", versioning_configuration: [{ status: "Enabled" }] },
    });
    expect(findings(json)).toEqual([]);
  });

  test("a stack bucket named by a variable does not make a written bucket name its own", () => {
    const json = tf(
      { ...agentWrites("s3:PutObject", "arn:aws:s3:::prod-data/*"), "aws_s3_bucket.v": { bucket: "${var.name}" }, "aws_s3_bucket_versioning.v": { bucket: "${aws_s3_bucket.v.id}", versioning_configuration: [{ status: "Enabled" }] } },
      { variable: { name: { type: "string" } } },
    );
    expect(findings(json).map((f) => f.severity)).toEqual(["warning"]);
  });
});

describe("agent-overwrite-unprotected: versions kept only days", () => {
  const on = { "aws_s3_bucket_versioning.v": { bucket: "${aws_s3_bucket.data.id}", versioning_configuration: [{ status: "Enabled" }] } };
  const lifecycle = (days: unknown, extra: Obj = {}) => ({
    "aws_s3_bucket_lifecycle_configuration.lc": {
      bucket: "${aws_s3_bucket.data.id}",
      rule: [{ id: "trim", status: "Enabled", filter: [{}], noncurrent_version_expiration: [{ noncurrent_days: days }], ...extra }],
    },
  });
  const versioned = (extra: Record<string, Obj>, own: Obj = {}) =>
    tf({ ...agentWrites("s3:PutObject", "${aws_s3_bucket.data.arn}/*"), "aws_s3_bucket.data": { bucket: "prod-data", ...own }, ...on, ...extra });

  test("a lifecycle rule that expires noncurrent versions after a day leaves an overwrite unrecoverable", () => {
    const [f] = findings(versioned(lifecycle(1)));
    expect(f.severity).toBe("error");
    expect(f.message).toContain('keeps an overwritten object\'s earlier version only 1 day (aws_s3_bucket_lifecycle_configuration.lc rule "trim" expires noncurrent versions; keep them at least 7 days)');
  });

  test("the controls: a week or more, or a Disabled rule", () => {
    expect(findings(versioned(lifecycle(7)))).toEqual([]);
    expect(findings(versioned(lifecycle(90)))).toEqual([]);
    expect(findings(versioned(lifecycle(1, { status: "Disabled" })))).toEqual([]);
  });

  test("days blastwall cannot read (a variable, whatever its default) may be a day: fail closed (red-team round 14)", () => {
    const [f] = findings(versioned(lifecycle("${var.days}")));
    expect(f.message).toContain("may keep an overwritten object's earlier version only days: aws_s3_bucket_lifecycle_configuration.lc rule \"trim\" expires noncurrent versions after `${var.days}`");
  });

  test("a configuration naming the bucket by name, and the bucket's own legacy lifecycle_rule, count too", () => {
    const byName = lifecycle(3);
    (byName["aws_s3_bucket_lifecycle_configuration.lc"] as Obj).bucket = "prod-data";
    expect(findings(versioned(byName))[0]?.message).toContain("only 3 days");
    const legacy = versioned({}, { lifecycle_rule: [{ enabled: true, noncurrent_version_expiration: [{ days: 2 }] }] });
    expect(findings(legacy)[0]?.message).toContain("only 2 days (aws_s3_bucket.data rule #0 expires");
    expect(findings(versioned({}, { lifecycle_rule: [{ enabled: false, noncurrent_version_expiration: [{ days: 2 }] }] }))).toEqual([]);
  });
});

describe("agent-overwrite-unprotected: evidence", () => {
  test("writes outside the stack granted by one statement show that statement once", () => {
    const json = tf(agentWrites(["s3:PutObject", "dynamodb:PutItem", "dynamodb:UpdateItem"], "*"));
    const [f] = findings(json).filter((x) => x.severity === "warning");
    const statements = f.evidence.filter((e) => e.step === "statement");
    expect(statements).toHaveLength(1);
  });
});

describe("agent-overwrite-unprotected: versioning that may not hold (red-team round 14)", () => {
  const bucket = (extra: Record<string, Obj>, own: Obj = {}) => tf({ ...agentWrites("s3:PutObject", "${aws_s3_bucket.data.arn}/*"), "aws_s3_bucket.data": { bucket: "prod-data", ...own }, ...extra });
  const enabled = { "aws_s3_bucket_versioning.on": { bucket: "${aws_s3_bucket.data.id}", versioning_configuration: [{ status: "Enabled" }] } };

  test("a second versioning resource that suspends the bucket makes the outcome whichever applies last", () => {
    const json = bucket({ ...enabled, "aws_s3_bucket_versioning.off": { bucket: "prod-data", versioning_configuration: [{ status: "Suspended" }] } });
    expect(findings(json)).toHaveLength(1);
  });

  test("the bucket's own versioning block disabled beside an Enabled resource is no certainty either", () => {
    expect(findings(bucket(enabled, { versioning: [{ enabled: false }] }))).toHaveLength(1);
    expect(findings(bucket(enabled, { versioning: [{ enabled: true }] }))).toEqual([]);
  });

  test("versioning the first instance of a counted bucket does not version the others", () => {
    const json = tf({
      ...agentWrites("s3:PutObject", "${aws_s3_bucket.b[1].arn}/*"),
      "aws_s3_bucket.b": { count: 2, bucket: "data-${count.index}" },
      "aws_s3_bucket_versioning.b": { bucket: "${aws_s3_bucket.b[0].id}", versioning_configuration: [{ status: "Enabled" }] },
    });
    expect(findings(json).map((f) => f.severity)).toContain("error");
  });
});

describe("agent-overwrite-unprotected: writes through a DAX cluster (red-team round 155, F4)", () => {
  const ORDERS = { name: "orders", hash_key: "pk", attribute: [{ name: "pk", type: "S" }] };
  /** A table `orders`, a DAX cluster whose role may write `roleWrites`, and an agent with `actions` on `resource`. */
  const dax = (opts: { actions?: string[]; resource?: string; pitr?: boolean; roleWrites?: string; role?: string; cluster?: boolean } = {}) =>
    tf({
      ...agentWrites(opts.actions ?? ["dax:PutItem", "dax:UpdateItem", "dax:GetItem"], opts.resource ?? "${aws_dax_cluster.orders.arn}"),
      "aws_dynamodb_table.orders": { ...ORDERS, ...(opts.pitr ? { point_in_time_recovery: [{ enabled: true }] } : {}) },
      "aws_dynamodb_table.audit": { ...ORDERS, name: "audit", point_in_time_recovery: [{ enabled: true }] },
      "aws_iam_role.dax": { name: "dax-orders", assume_role_policy: policy({ Effect: "Allow", Principal: { Service: "dax.amazonaws.com" }, Action: "sts:AssumeRole" }) },
      "aws_iam_role_policy.dax": { role: "${aws_iam_role.dax.id}", policy: policy({ Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"], Resource: opts.roleWrites ?? "${aws_dynamodb_table.orders.arn}" }) },
      ...(opts.cluster === false ? {} : { "aws_dax_cluster.orders": { cluster_name: "orders", iam_role_arn: opts.role ?? "${aws_iam_role.dax.arn}", node_type: "dax.t3.small", replication_factor: 1 } }),
    });
  const shown = (json: Obj) => findings(json).map((f) => [f.severity, f.actions, f.evidence.at(-1)?.address]);

  test("dax:PutItem and UpdateItem on the cluster overwrite the table its role writes, which has no point-in-time recovery", () => {
    const [f, ...rest] = findings(dax());
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ severity: "error", actions: ["dax:PutItem", "dax:UpdateItem"] });
    expect(f.message).toMatch(/can overwrite what aws_dynamodb_table\.orders holds, which has no point-in-time recovery/);
    expect(f.message).toContain("DAX cluster aws_dax_cluster.orders writes through to DynamoDB as its role aws_iam_role.dax, which may write arn:aws:dynamodb:*:*:table/orders");
    expect(findings(dax({ actions: ["dax:UpdateItem"], resource: "arn:aws:dax:eu-west-1:111111111111:cache/orders" })).map((f) => f.actions)).toEqual([["dax:UpdateItem"]]);
  });

  test("controls: the table keeps point-in-time recovery, the role writes only a table that does, or the agent only reads", () => {
    expect(findings(dax({ pitr: true }))).toEqual([]);
    expect(findings(dax({ roleWrites: "${aws_dynamodb_table.audit.arn}" }))).toEqual([]);
    expect(findings(dax({ actions: ["dax:GetItem", "dax:Query"] }))).toEqual([]);
    // A pattern that cannot be a DAX cluster's ARN writes through none.
    expect(findings(dax({ resource: "arn:aws:dynamodb:*:*:table/audit" }))).toEqual([]);
  });

  test("fail closed: a role blastwall cannot resolve, or one that may write any table", () => {
    // Any table: this stack's (an error) and tables elsewhere (a warning).
    expect(shown(dax({ role: "${var.dax_role}" }))).toEqual([
      ["error", ["dax:PutItem", "dax:UpdateItem"], "aws_dynamodb_table.orders"],
      ["warning", ["dax:PutItem", "dax:UpdateItem"], "aws_iam_role_policy.agent"],
    ]);
    expect(findings(dax({ role: "${var.dax_role}" }))[0].message).toContain("a role blastwall cannot resolve");
    expect(shown(dax({ roleWrites: "*" })).filter((s) => s[0] === "error")).toEqual([["error", ["dax:PutItem", "dax:UpdateItem"], "aws_dynamodb_table.orders"]]);
  });

  test("fail closed: a cluster outside the stack (on *, or a name no cluster of the stack has) may write any table", () => {
    const outside = dax({ cluster: false, resource: "*" });
    expect(shown(outside)).toEqual([
      ["error", ["dax:PutItem", "dax:UpdateItem"], "aws_dynamodb_table.orders"],
      ["warning", ["dax:PutItem", "dax:UpdateItem"], "aws_iam_role_policy.agent"],
    ]);
    expect(findings(outside)[1].message).toContain("DAX clusters outside this stack, which * may name");
    expect(shown(dax({ resource: "arn:aws:dax:*:*:cache/payments" })).map((s) => s[0])).toEqual(["error", "warning"]);
  });
});
