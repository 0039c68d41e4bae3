/**
 * Red-team round 155, F2 (second half): config:PutConfigRule on a Config rule with an automatic remediation. Rewriting
 * the rule's scope or source makes Config run the remediation's SSM Automation document, as the role its
 * AutomationAssumeRole names, on the resources the agent chooses; the document is fixed. A role that can delete data:
 * agent-transitive-destroy, a warning (an error under --strict); a role blastwall cannot resolve: agent-reach-unknown;
 * an AWS-owned document that only turns a protection on, or a manual remediation: nothing.
 */
import { check, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, HARMLESS, role, type Obj } from "../helpers/sessions";

const PINNED = { provider: { aws: [{ region: "eu-central-1", allowed_account_ids: ["111111111111"] }] } };
const trust = (service: string) => policy({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" });
const allow = (action: string | string[], resource: unknown) => ({ Effect: "Allow", Action: action, Resource: resource });
const PUT = allow("config:PutConfigRule", "*");

/**
 * The reach of PutConfigRule on rules outside the stack (any grant but a reference), when it is all a finding says: its
 * own tests, below. The agent's own steps to what blastwall cannot see are one finding, `..., and more` beside others.
 */
const outside = (m: string) => m.includes("Config rules outside this stack") && !m.includes(", and more");
const found = (json: Obj, strict = false, keepOutside = false) =>
  check(json, {}, { strict })
    .findings.filter((f) => (f.ruleId === "agent-transitive-destroy" || f.ruleId === "agent-reach-unknown") && (keepOutside || !outside(f.message)))
    .map((f) => ({ rule: f.ruleId, severity: f.severity, resource: f.resource, message: f.message, fix: f.fix ?? "", path: (f.evidence ?? []).map((e) => `${e.step}: ${e.address} ${e.detail}`).join("\n") }));
const graded = (json: Obj, strict = false) => found(json, strict).map((f) => [f.rule, f.severity, f.resource]);
const WARNING = [["agent-transitive-destroy", "warning", "aws_config_remediation_configuration.cleanup"]];

/** A rule flagging old snapshots, remediated automatically by `doc` as `roleArn` (null: no AutomationAssumeRole). */
const CONFIG = (rem: Obj = {}, roleArn: unknown = "${aws_iam_role.remediate.arn}", doc = "AWS-DeleteSnapshot"): Obj => ({
  "aws_config_config_rule.snapshots": { name: "snapshot-age", source: [{ owner: "AWS", source_identifier: "EBS_SNAPSHOT_PUBLIC_RESTORABLE_CHECK" }] },
  "aws_config_config_rule.other": { name: "other", source: [{ owner: "AWS", source_identifier: "S3_BUCKET_VERSIONING_ENABLED" }] },
  "aws_config_remediation_configuration.cleanup": {
    config_rule_name: "${aws_config_config_rule.snapshots.name}",
    target_type: "SSM_DOCUMENT",
    target_id: doc,
    automatic: true,
    maximum_automatic_attempts: 1,
    parameter: [...(roleArn === null ? [] : [{ name: "AutomationAssumeRole", static_value: roleArn }]), { name: "SnapshotId", resource_value: "RESOURCE_ID" }],
    ...rem,
  },
});
const stack = (statements: Obj[], body: Obj = CONFIG(), rights = DESTROY): Obj => tf({ ...agentCan(...statements), ...role("remediate", trust("ssm.amazonaws.com"), rights), ...body }, PINNED);

describe("155 F2. config:PutConfigRule on a rule with an automatic remediation", () => {
  test("AWS-DeleteSnapshot as a role that can delete: a warning (an error under --strict) naming the rule, remediation, document and role", () => {
    const json = stack([PUT]);
    expect(graded(json)).toEqual(WARNING);
    expect(graded(json, true).map((x) => x[1])).toEqual(["error"]);
    const f = found(json)[0];
    expect(f.message).toContain(
      "can rewrite the scope and source of aws_config_config_rule.snapshots (config:PutConfigRule, through aws_iam_role_policy.agent statement #0), whose automatic remediation aws_config_remediation_configuration.cleanup runs the SSM Automation document AWS-DeleteSnapshot as aws_iam_role.remediate, a role that can delete data",
    );
    expect(f.message).toContain("aws_iam_role.agent --config:PutConfigRule--> aws_config_config_rule.snapshots --aws_config_remediation_configuration.cleanup--> AWS-DeleteSnapshot --runs as--> aws_iam_role.remediate");
    expect(f.message).toContain("the agent chooses what it acts on, not what it does");
    expect(f.fix).toContain("Take the destroy rights off aws_iam_role.remediate");
    expect(f.fix).toContain("take config:PutConfigRule away from the agent, or scope it by reference to Config rules with no automatic remediation");
    expect(f.fix).toContain("or make aws_config_remediation_configuration.cleanup manual (automatic = false)");
    expect(f.path).toContain("rewrite-config-rule: aws_config_config_rule.snapshots config:PutConfigRule on aws_config_config_rule.snapshots");
  });

  test("which grants name the rule: a reference to it, or any ARN or pattern a rule's may be (its ID is AWS's); not another rule's reference, nor a pack", () => {
    expect(graded(stack([allow("config:PutConfigRule", "${aws_config_config_rule.snapshots.arn}")]))).toEqual(WARNING);
    expect(graded(stack([allow("config:PutConfigRule", "arn:aws:config:eu-central-1:111111111111:config-rule/config-rule-ab12cd")]))).toEqual(WARNING);
    expect(graded(stack([allow("config:PutConfigRule", "${aws_config_config_rule.other.arn}")]))).toEqual([]);
    expect(graded(stack([allow("config:PutConfigRule", "arn:aws:config:*:*:conformance-pack/*")]))).toEqual([]);
    // The rule named by its literal name is that rule.
    const byName = CONFIG({ config_rule_name: "snapshot-age" });
    expect(graded(stack([allow("config:PutConfigRule", "${aws_config_config_rule.other.arn}")], byName))).toEqual([]);
    expect(graded(stack([allow("config:PutConfigRule", "${aws_config_config_rule.snapshots.arn}")], byName))).toEqual(WARNING);
  });

  test("a custom document, a document blastwall cannot read, and an AWS document that is not protective all count", () => {
    const custom = { ...CONFIG({ target_id: "${aws_ssm_document.cleanup.name}" }), "aws_ssm_document.cleanup": { name: "cleanup", document_type: "Automation", content: "{}" } };
    const f = found(stack([PUT], custom));
    expect(f.map((x) => [x.rule, x.severity])).toEqual([["agent-transitive-destroy", "warning"]]);
    expect(f[0].message).toContain("runs the SSM Automation document aws_ssm_document.cleanup (an SSM document of the stack's own)");
    expect(graded(stack([PUT], CONFIG({ target_id: "${var.document}" })))).toEqual(WARNING);
    expect(graded(stack([PUT], CONFIG({}, "${aws_iam_role.remediate.arn}", "AWS-TerminateEC2Instance")))).toEqual(WARNING);
    // AWS-ConfigureS3BucketVersioning may suspend versioning unless it is set Enabled.
    expect(graded(stack([PUT], CONFIG({}, "${aws_iam_role.remediate.arn}", "AWS-ConfigureS3BucketVersioning")))).toEqual(WARNING);
    // An `automatic` known only at apply time may be true.
    expect(graded(stack([PUT], CONFIG({ automatic: "${var.auto}" })))).toEqual(WARNING);
  });

  test("a role blastwall cannot resolve, or none named: agent-reach-unknown, its fix naming PutConfigRule", () => {
    const outside = found(stack([PUT], CONFIG({}, "arn:aws:iam::111111111111:role/elsewhere")));
    expect(outside.map((x) => [x.rule, x.severity])).toEqual([["agent-reach-unknown", "error"]]);
    expect(outside[0].message).toContain("the role aws_config_remediation_configuration.cleanup runs its document AWS-DeleteSnapshot as, which blastwall cannot resolve");
    expect(outside[0].path).toContain(
      "lets it rewrite the scope and source of aws_config_config_rule.snapshots, whose automatic remediation aws_config_remediation_configuration.cleanup runs the SSM Automation document AWS-DeleteSnapshot on every resource the rule then finds non-compliant, as the role its AutomationAssumeRole names (arn:aws:iam::111111111111:role/elsewhere)",
    );
    expect(outside[0].fix).toContain("Take config:PutConfigRule off the agent, or scope it by reference to Config rules with no automatic remediation");
    expect(graded(stack([PUT], CONFIG({}, null))).map((x) => x[0])).toEqual(["agent-reach-unknown"]);
    // Controls: a Deny, a grant on another rule, a protective document.
    expect(graded(stack([PUT, { Effect: "Deny", Action: "config:PutConfigRule", Resource: "*" }], CONFIG({}, "arn:aws:iam::111111111111:role/elsewhere")))).toEqual([]);
    expect(graded(stack([allow("config:PutConfigRule", "${aws_config_config_rule.other.arn}")], CONFIG({}, "arn:aws:iam::111111111111:role/elsewhere")))).toEqual([]);
    expect(graded(stack([PUT], CONFIG({}, "arn:aws:iam::111111111111:role/elsewhere", "AWS-EnableS3BucketEncryption")))).toEqual([]);
  });

  test("through a role the agent can assume, shown with the chain; a role the agent already acts as is reported as that reach only", () => {
    const ops = role("ops", policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "sts:AssumeRole" }), policy(PUT));
    const f = found(stack([allow("sts:AssumeRole", "${aws_iam_role.ops.arn}")], { ...CONFIG(), ...ops }));
    expect(f.map((x) => [x.rule, x.severity])).toEqual([["agent-transitive-destroy", "warning"]]);
    expect(f[0].message).toContain("can act as aws_iam_role.ops, which can rewrite the scope and source of aws_config_config_rule.snapshots");
    expect(f[0].fix).toContain("take config:PutConfigRule away from aws_iam_role.ops (or cut the chain from aws_iam_role.agent to it)");
    const direct = stack([PUT, allow("sts:AssumeRole", "${aws_iam_role.remediate.arn}")], CONFIG(), DESTROY);
    ((direct.resource as Record<string, Record<string, Obj>>).aws_iam_role.remediate).assume_role_policy = policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "sts:AssumeRole" });
    expect(graded(direct)).toEqual([["agent-transitive-destroy", "error", "aws_iam_role.remediate"]]);
  });

  test("controls: a manual remediation, protective documents, a harmless role, a Deny of PutConfigRule, no PutConfigRule", () => {
    expect(graded(stack([PUT], CONFIG({ automatic: false })))).toEqual([]);
    expect(graded(stack([PUT], CONFIG({}, "${aws_iam_role.remediate.arn}", "AWS-EnableS3BucketEncryption")))).toEqual([]);
    expect(graded(stack([PUT], CONFIG({}, "${aws_iam_role.remediate.arn}", "arn:aws:ssm:eu-central-1::document/AWSConfigRemediation-EnableCloudTrailLogFileValidation")))).toEqual([]);
    const versioningOn = CONFIG({ parameter: [{ name: "AutomationAssumeRole", static_value: "${aws_iam_role.remediate.arn}" }, { name: "VersioningState", static_value: "Enabled" }] }, undefined, "AWS-ConfigureS3BucketVersioning");
    expect(graded(stack([PUT], versioningOn))).toEqual([]);
    expect(graded(stack([PUT], CONFIG(), HARMLESS))).toEqual([]);
    expect(graded(stack([PUT, { Effect: "Deny", Action: "config:PutConfigRule", Resource: "*" }]))).toEqual([]);
    expect(graded(stack([PUT, { Effect: "Deny", Action: "config:PutConfigRule", Resource: "${aws_config_config_rule.snapshots.arn}" }]))).toEqual([]);
    expect(graded(stack([allow(["config:DescribeConfigRules", "config:PutEvaluations"], "*")]))).toEqual([]);
  });
});

describe("158 F2. a document whose name enables backups sets the retention it is given: read with its parameters", () => {
  const RDS = "AWSConfigRemediation-EnableRDSInstanceBackup";
  const backup = (retention: Obj | undefined, doc = RDS) =>
    CONFIG({ parameter: [{ name: "AutomationAssumeRole", static_value: "${aws_iam_role.remediate.arn}" }, { name: "DbiResourceId", resource_value: "RESOURCE_ID" }, ...(retention ? [{ name: "BackupRetentionPeriod", ...retention }] : [])] }, undefined, doc);
  const MODIFY = policy(allow("rds:ModifyDBInstance", "*"));

  // The agent picks what the rewritten rule finds non-compliant: any retention the document sets shortens that of a
  // database which keeps its backups longer now, whatever the value (the plan gate, where the team's rule picks, reads
  // 7 days as the floor: test/plan/redteam42.test.ts).
  test("any retention it sets, a fixed 7 or 35 days included, or one not fixed or not given: a warning as for any document that may destroy, saying why", () => {
    const json = stack([PUT], backup({ static_value: "1" }), MODIFY);
    expect(graded(json)).toEqual(WARNING);
    const f = found(json)[0];
    expect(f.message).toContain(
      "runs the SSM Automation document AWSConfigRemediation-EnableRDSInstanceBackup (whose name says it turns a protection on, but it sets a retention (BackupRetentionPeriod) on whatever the rewritten rule finds non-compliant, resources that keep theirs longer now among them: a shorter retention deletes the backups older than it) as aws_iam_role.remediate",
    );
    expect(f.path).toContain("it sets a retention (BackupRetentionPeriod) on whatever the rewritten rule finds non-compliant");
    for (const r of [{ static_value: "7" }, { static_value: 35 }, { static_values: ["14"] }, { resource_value: "RESOURCE_ID" }, { static_value: "${var.days}" }]) {
      expect(graded(stack([PUT], backup(r), MODIFY))).toEqual(WARNING);
    }
    expect(graded(stack([PUT], backup({ static_value: "3" }, "arn:aws:ssm:eu-central-1::document/AWS-EnableDocDbClusterBackupRetentionPeriod"), MODIFY))).toEqual(WARNING);
    expect(graded(stack([PUT], backup(undefined), MODIFY))).toEqual(WARNING);
    // Parameters blastwall cannot read: the role is not known either, a reach it cannot see.
    expect(graded(stack([PUT], CONFIG({ parameter: "${var.parameters}" }, undefined, RDS), MODIFY)).map((x) => x[0])).toEqual(["agent-reach-unknown"]);
  });

  test("controls: a role that cannot modify the database; a protective document that sets no retention", () => {
    expect(graded(stack([PUT], backup({ static_value: "35" }), HARMLESS))).toEqual([]);
    const encryption = CONFIG({ parameter: [{ name: "AutomationAssumeRole", static_value: "${aws_iam_role.remediate.arn}" }, { name: "BucketName", resource_value: "RESOURCE_ID" }] }, undefined, "AWS-EnableS3BucketEncryption");
    expect(graded(stack([PUT], encryption, MODIFY))).toEqual([]);
  });
});

describe("158 F3. a remediation role that destroys nothing itself but makes a function that does run", () => {
  const LAMBDA_TRUST = trust("lambda.amazonaws.com");
  const FN = (rights = DESTROY): Obj => ({
    ...role("fn", LAMBDA_TRUST, rights),
    "aws_lambda_function.ops": { function_name: "ops", role: "${aws_iam_role.fn.arn}", handler: "index.handler", runtime: "python3.12", filename: "x.zip" },
  });
  const TOPIC: Obj = {
    "aws_sns_topic.rem": { name: "rem" },
    "aws_sns_topic_subscription.rem": { topic_arn: "${aws_sns_topic.rem.arn}", protocol: "lambda", endpoint: "${aws_lambda_function.ops.arn}" },
  };
  const OWN_DOC: Obj = { "aws_ssm_document.fix": { name: "fix", document_type: "Automation", content: "{}" } };
  const run = (doc: string, remRights: string, extra: Obj, fnRights = DESTROY) => stack([PUT], { ...CONFIG({}, undefined, doc), ...OWN_DOC, ...FN(fnRights), ...extra }, remRights);
  const INVOKE = policy(allow("lambda:InvokeFunction", "${aws_lambda_function.ops.arn}"));
  const PUBLISH = policy(allow("sns:Publish", "${aws_sns_topic.rem.arn}"));

  test("the stack's own document, its role able to invoke the function or publish to a topic it subscribes to: a warning through the function", () => {
    const json = run("${aws_ssm_document.fix.name}", INVOKE, {});
    expect(graded(json)).toEqual(WARNING);
    expect(graded(json, true).map((x) => x[1])).toEqual(["error"]);
    const f = found(json)[0];
    expect(f.message).toContain(
      "runs the SSM Automation document aws_ssm_document.fix (an SSM document of the stack's own) as aws_iam_role.remediate, which can invoke aws_lambda_function.ops (lambda:InvokeFunction, through aws_iam_role_policy.remediate statement #0), which runs as aws_iam_role.fn, a role that can delete data",
    );
    expect(f.message).toContain("--aws_config_remediation_configuration.cleanup--> aws_ssm_document.fix (an SSM document of the stack's own) --runs as--> aws_iam_role.remediate --lambda:InvokeFunction--> aws_lambda_function.ops --runs as--> aws_iam_role.fn");
    expect(f.fix).toContain("or take the rights that make aws_lambda_function.ops run away from aws_iam_role.remediate, or take config:PutConfigRule away from the agent");
    expect(graded(run("${aws_ssm_document.fix.name}", PUBLISH, TOPIC))).toEqual(WARNING);
    expect(found(run("${aws_ssm_document.fix.name}", PUBLISH, TOPIC))[0].message).toContain("which can publish to aws_sns_topic.rem (sns:Publish");
  });

  test("AWS-PublishSNSNotification: its role's publishes to a topic a destroying function subscribes to count, nothing else it holds", () => {
    const json = run("AWS-PublishSNSNotification", PUBLISH, TOPIC);
    expect(graded(json)).toEqual(WARNING);
    expect(found(json)[0].message).toContain("runs the SSM Automation document AWS-PublishSNSNotification (which publishes the message it is given) as aws_iam_role.remediate, which can publish to aws_sns_topic.rem");
    // The document only publishes: the role's invoke or destroy rights are not what it uses.
    expect(graded(run("AWS-PublishSNSNotification", INVOKE, TOPIC))).toEqual([]);
    expect(graded(run("AWS-PublishSNSNotification", DESTROY, TOPIC))).toEqual([]);
  });

  test("controls: a function that cannot delete, a topic no function reads, no PutConfigRule, a manual remediation", () => {
    expect(graded(run("${aws_ssm_document.fix.name}", INVOKE, {}, HARMLESS))).toEqual([]);
    expect(graded(run("AWS-PublishSNSNotification", PUBLISH, { "aws_sns_topic.rem": { name: "rem" } }))).toEqual([]);
    expect(graded(stack([allow("config:DescribeConfigRules", "*")], { ...CONFIG({}, undefined, "${aws_ssm_document.fix.name}"), ...OWN_DOC, ...FN() }, INVOKE))).toEqual([]);
    expect(graded(stack([PUT], { ...CONFIG({ automatic: false }, undefined, "${aws_ssm_document.fix.name}"), ...OWN_DOC, ...FN() }, INVOKE))).toEqual([]);
  });
});

describe("review after 158: the remediation role's further reach, and rules outside the stack", () => {
  const SM_TRUST = trust("states.amazonaws.com");
  /** The remediation's role may only start `sm`, whose role is `smRole` (a reference, or a value blastwall cannot resolve). */
  const viaMachine = (smRole: string, smRights = DESTROY): Obj =>
    tf(
      {
        ...agentCan(allow("config:PutConfigRule", "${aws_config_config_rule.snapshots.arn}")),
        ...role("remediate", trust("ssm.amazonaws.com"), policy(allow("states:StartExecution", "${aws_sfn_state_machine.sm.arn}"))),
        ...role("machine", SM_TRUST, smRights),
        "aws_sfn_state_machine.sm": { name: "cleanup", role_arn: smRole, definition: JSON.stringify({ StartAt: "A", States: { A: { Type: "Pass", End: true } } }) },
        "variable.sm_role": { type: "string" },
        ...CONFIG(),
      },
      PINNED,
    );

  test("a role that starts a state machine whose role deletes: a warning through the machine's role (an error under --strict)", () => {
    const json = viaMachine("${aws_iam_role.machine.arn}");
    expect(graded(json)).toEqual(WARNING);
    expect(graded(json, true).map((x) => x[1])).toEqual(["error"]);
    const f = found(json)[0];
    expect(f.message).toContain("as aws_iam_role.remediate, which can come to act as aws_iam_role.machine (aws_iam_role.remediate --states:StartExecution--> aws_iam_role.machine), a role that can delete data");
    expect(f.fix).toContain("take the link from aws_iam_role.remediate to aws_iam_role.machine (states:StartExecution) away");
  });

  test("a state machine or function whose role blastwall cannot resolve counts as every right: agent-reach-unknown, a warning", () => {
    const json = viaMachine("${var.sm_role}");
    expect(graded(json)).toEqual([["agent-reach-unknown", "warning", "aws_config_remediation_configuration.cleanup"]]);
    expect(graded(json, true).map((x) => x[1])).toEqual(["error"]);
    expect(found(json)[0].message).toContain("which can come to act as the role aws_sfn_state_machine.sm runs as, which blastwall cannot resolve: rights blastwall cannot see");
    const fn = tf(
      {
        ...agentCan(PUT),
        ...role("remediate", trust("ssm.amazonaws.com"), policy(allow("lambda:InvokeFunction", "${aws_lambda_function.fn.arn}"))),
        "aws_lambda_function.fn": { function_name: "ops", role: "${var.fn_role}", handler: "index.handler", runtime: "python3.12", filename: "fn.zip" },
        "variable.fn_role": { type: "string" },
        ...CONFIG(),
      },
      PINNED,
    );
    const [g] = found(fn);
    expect([g.rule, g.severity]).toEqual(["agent-reach-unknown", "warning"]);
    expect(g.message).toContain("which can invoke aws_lambda_function.fn (lambda:InvokeFunction, through aws_iam_role_policy.remediate statement #0), a function whose role blastwall cannot resolve");
  });

  test("controls: a machine whose role cannot delete, a manual remediation", () => {
    expect(graded(viaMachine("${aws_iam_role.machine.arn}", HARMLESS))).toEqual([]);
    const manual = viaMachine("${var.sm_role}");
    ((manual.resource as Record<string, Record<string, Obj>>).aws_config_remediation_configuration.cleanup as Obj).automatic = false;
    expect(graded(manual)).toEqual([]);
  });

  test("PutConfigRule on rules the stack does not make (*, a pattern, a literal ARN) reaches their remediations' roles: agent-reach-unknown naming the statement", () => {
    const none = (statements: Obj[]) => tf({ ...agentCan(...statements) }, PINNED);
    for (const res of ["*", "arn:aws:config:eu-central-1:111111111111:config-rule/*", "arn:aws:config:eu-central-1:111111111111:config-rule/config-rule-ab12cd"]) {
      const f = found(none([allow("config:PutConfigRule", res)]), false, true);
      expect([res, f.map((x) => [x.rule, x.severity])]).toEqual([res, [["agent-reach-unknown", "error"]]]);
      expect(f[0].message).toContain("(config:PutConfigRule): the roles that automatic remediations of Config rules outside this stack");
      expect(f[0].fix).toContain("scope it by reference to Config rules with no automatic remediation");
      expect(f[0].path).toContain("aws_iam_role_policy.agent");
    }
    // Controls: a reference to the stack's own rule, service-linked rules only (no remediation of the account's own), a Deny.
    expect(found(stack([allow("config:PutConfigRule", "${aws_config_config_rule.other.arn}")]), false, true)).toEqual([]);
    expect(found(none([allow("config:PutConfigRule", "arn:aws:config:*:*:config-rule/aws-service-rule/*")]), false, true)).toEqual([]);
    expect(found(none([PUT, { Effect: "Deny", Action: "config:PutConfigRule", Resource: "*" }]), false, true)).toEqual([]);
  });
});
