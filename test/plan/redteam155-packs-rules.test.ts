/**
 * Red-team round 155 on the plan gate (plan-command-scheduled): an automatic remediation deployed inside an AWS Config
 * conformance pack (F3), and an EventBridge rule whose pattern, schedule or state changes under a target that runs a
 * runbook (F5).
 */
import { evaluatePlan } from "../../lib/plan/evaluate";
import { readPlan } from "../../lib/plan/read-plan";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";

type Obj = Record<string, unknown>;

const create = (address: string, after: Obj) => change(address, ["create"], null, after);
const update = (address: string, before: Obj, after: Obj) => change(address, ["update"], before, after);
const noop = (address: string, values: Obj) => change(address, ["no-op"], values, values);

function evaluate(changes: Obj[], extra: Obj = {}) {
  return evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan(changes, extra)))), { config: {} }).judged.map((j) => j.finding);
}
const judged = (changes: Obj[], extra: Obj = {}) => evaluate(changes, extra).map((f) => `${f.ruleId} ${f.resource}`);

describe("F3: a conformance pack deploys the remediations of its template", () => {
  const ROLE = "arn:aws:iam::111122223333:role/ssm-automation";
  const rule = { Type: "AWS::Config::ConfigRule", Properties: { ConfigRuleName: "ebs-opt", Source: { Owner: "AWS", SourceIdentifier: "EBS_OPTIMIZED_INSTANCE" } } };
  const fix = (props: Obj = {}) => ({
    Type: "AWS::Config::RemediationConfiguration",
    Properties: {
      ConfigRuleName: "ebs-opt",
      Automatic: true,
      TargetType: "SSM_DOCUMENT",
      TargetId: "AWS-DeleteSnapshot",
      Parameters: { AutomationAssumeRole: { StaticValue: { Values: [ROLE] } }, SnapshotId: { StaticValue: { Values: ["snap-0123456789abcdef0"] } } },
      ...props,
    },
  });
  const tpl = (resources: Obj, extra: Obj = {}) => JSON.stringify({ Resources: resources, ...extra });
  const pack = (body: string | null, more: Obj = {}) => ({ name: "ops-pack", template_body: body, template_s3_uri: null, input_parameter: [], ...more });
  const PACK = ["plan-command-scheduled aws_config_conformance_pack.ops"];

  test("a new pack with an automatic remediation blocks, as the same remediation as a Terraform resource does", () => {
    const [f] = evaluate([create("aws_config_conformance_pack.ops", pack(tpl({ Rule: rule, Fix: fix() })))]);
    expect(f.ruleId).toBe("plan-command-scheduled");
    expect(f.message).toContain(
      'The plan creates aws_config_conformance_pack.ops, which has AWS Config deploy, in this account and region, with its own service-linked role: Fix (AWS::Config::RemediationConfiguration), which runs the remediation "AWS-DeleteSnapshot" by itself on every resource its Config rule finds non-compliant',
    );
    // The same template as YAML.
    const yaml = ["Resources:", "  Fix:", "    Type: AWS::Config::RemediationConfiguration", "    Properties:", "      ConfigRuleName: ebs-opt", "      Automatic: true", "      TargetType: SSM_DOCUMENT", "      TargetId: AWS-DeleteSnapshot"].join("\n");
    expect(judged([create("aws_config_conformance_pack.ops", pack(yaml))])).toEqual(PACK);
  });

  test("an organization pack says it runs in every member account", () => {
    const [f] = evaluate([create("aws_config_organization_conformance_pack.ops", pack(tpl({ Fix: fix() }), { excluded_accounts: ["444455556666"] }))]);
    expect(f.message).toContain('has AWS Config deploy, in every member account of the organization but the excluded_accounts ["444455556666"], with its own service-linked role');
  });

  test("a template in S3 or an SSM document, or known only after apply, blocks and says how to fix it", () => {
    const [f] = evaluate([create("aws_config_conformance_pack.ops", pack(null, { template_s3_uri: "s3://acme-packs/ops-pack.yaml" }))]);
    expect(f.message).toContain('a template blastwall cannot read (its template comes from template_s3_uri "s3://acme-packs/ops-pack.yaml", which blastwall does not fetch');
    expect(f.fix).toContain("Give the pack's template inline in template_body");
    expect(f.fix).toContain("blastwall approve");
    // Any update of a pack from S3 makes Config read the object anew.
    const s3 = pack(null, { template_s3_uri: "s3://acme-packs/ops-pack.yaml" });
    expect(judged([update("aws_config_conformance_pack.ops", { ...s3, delivery_s3_bucket: "awsconfigconforms-a" }, { ...s3, delivery_s3_bucket: "awsconfigconforms-b" })])).toEqual(PACK);
    expect(judged([create("awscc_config_conformance_pack.ops", { conformance_pack_name: "ops-pack", template_ssm_document_details: { document_name: "packs", document_version: "3" } })])).toEqual(["plan-command-scheduled awscc_config_conformance_pack.ops"]);
    const unknown = create("aws_config_conformance_pack.ops", pack(null));
    (unknown.change as Obj).after_unknown = { template_body: true };
    expect(judged([unknown])).toEqual(PACK);
  });

  test("another runner of a template (a custom resource, a rule) blocks as it does in a stack template", () => {
    expect(judged([create("aws_config_conformance_pack.ops", pack(tpl({ Rule: rule, Seed: { Type: "Custom::Seed", Properties: {} } })))])).toEqual(PACK);
  });

  test("the controls: Config rules only, a remediation run by hand, or one that only turns a protection on, pass", () => {
    expect(judged([create("aws_config_conformance_pack.ops", pack(tpl({ Rule: rule })))])).toEqual([]);
    expect(judged([create("aws_config_conformance_pack.ops", pack(tpl({ Rule: rule, Fix: fix({ Automatic: false }) })))])).toEqual([]);
    expect(judged([create("aws_config_conformance_pack.ops", pack(tpl({ Rule: rule, Fix: fix({ Automatic: "false" }) })))])).toEqual([]);
    expect(judged([create("aws_config_conformance_pack.ops", pack(tpl({ Rule: rule, Fix: fix({ TargetId: "AWS-EnableS3BucketEncryption", Parameters: {} }) })))])).toEqual([]);
  });

  test("a remediation whose Parameters the pack's inputs choose, unknown at plan time, is read as any parameters, not none", () => {
    const PI = "AWSConfigRemediation-EnablePerformanceInsightsOnRDSInstance";
    const chosen = { "Fn::If": ["Short", { PerformanceInsightsRetentionPeriod: { StaticValue: { Values: ["1"] } } }, { PerformanceInsightsRetentionPeriod: { StaticValue: { Values: ["731"] } } }] };
    const body = tpl({ Fix: fix({ TargetId: PI, Parameters: chosen }) }, { Parameters: { Mode: { Type: "String" } }, Conditions: { Short: { "Fn::Equals": [{ Ref: "Mode" }, "short"] } } });
    const unknown = create("aws_config_conformance_pack.ops", pack(body));
    (unknown.change as Obj).after_unknown = { input_parameter: true };
    expect(judged([unknown])).toEqual(PACK);
    expect(evaluate([unknown])[0].message).toContain("its parameter list is known only after apply");
    // Control: the inputs known, choosing the long retention, pass.
    expect(judged([create("aws_config_conformance_pack.ops", pack(body, { input_parameter: [{ parameter_name: "Mode", parameter_value: "long" }] }))])).toEqual([]);
  });

  test("an update counts for a remediation new or changed, as the pack's parameters evaluate it; not for one as it was", () => {
    const auto = (value: string) => ({ input_parameter: [{ parameter_name: "Auto", parameter_value: value }] });
    const withParam = tpl({ Rule: rule, Fix: fix({ Automatic: { Ref: "Auto" } }) }, { Parameters: { Auto: { Type: "String", Default: "false" } } });
    expect(judged([update("aws_config_conformance_pack.ops", pack(withParam, auto("false")), pack(withParam, auto("true")))])).toEqual(PACK);
    expect(judged([update("aws_config_conformance_pack.ops", pack(withParam, auto("true")), pack(withParam, auto("false")))])).toEqual([]);
    const unknown = update("aws_config_conformance_pack.ops", pack(withParam, auto("false")), pack(withParam, { input_parameter: null }));
    (unknown.change as Obj).after_unknown = { input_parameter: true };
    expect(judged([unknown])).toEqual(PACK);
    const body = (id: string) => tpl({ Rule: rule, Fix: fix({ TargetId: id }) });
    expect(judged([update("aws_config_conformance_pack.ops", pack(body("AWS-EnableS3BucketEncryption")), pack(body("AWS-DeleteSnapshot")))])).toEqual(PACK);
    // The control: the same remediation beside a changed rule.
    const other = tpl({ Rule: { ...rule, Properties: { ...rule.Properties, Description: "v2" } }, Fix: fix() });
    expect(judged([update("aws_config_conformance_pack.ops", pack(tpl({ Rule: rule, Fix: fix() })), pack(other))])).toEqual([]);
  });

  test("an organization pack sent to an account it excluded deploys its remediations there anew", () => {
    const org = (excluded: string[]) => pack(tpl({ Rule: rule, Fix: fix() }), { excluded_accounts: excluded });
    expect(judged([update("aws_config_organization_conformance_pack.ops", org(["444455556666"]), org([]))])).toEqual(["plan-command-scheduled aws_config_organization_conformance_pack.ops"]);
    expect(judged([update("aws_config_organization_conformance_pack.ops", org([]), org(["444455556666"]))])).toEqual([]);
  });

  test("the Cloud Control pack reads conformance_pack_input_parameters", () => {
    const withParam = tpl({ Fix: fix({ TargetId: { Ref: "Doc" } }) }, { Parameters: { Doc: { Type: "String" } } });
    const cc = (doc: string) => ({ conformance_pack_name: "ops-pack", template_body: withParam, conformance_pack_input_parameters: [{ parameter_name: "Doc", parameter_value: doc }] });
    expect(judged([create("awscc_config_conformance_pack.ops", cc("AWS-DeleteSnapshot"))])).toEqual(["plan-command-scheduled awscc_config_conformance_pack.ops"]);
    expect(judged([create("awscc_config_conformance_pack.ops", cc("AWS-EnableS3BucketEncryption"))])).toEqual([]);
  });
});

describe("F5: a rule whose pattern, schedule or state changes makes its existing targets run on other events", () => {
  const RUNBOOK = "arn:aws:ssm:eu-west-1:111122223333:automation-definition/AWS-DeleteSnapshot:$DEFAULT";
  const pattern = (event: string, result: string) => JSON.stringify({ source: ["aws.ec2"], "detail-type": ["EBS Snapshot Notification"], detail: { event: [event], result: [result] } });
  const rule = (more: Obj = {}) => ({ name: "snapshot-cleanup", event_pattern: pattern("copySnapshot", "failed"), event_bus_name: "default", schedule_expression: "", state: "ENABLED", ...more });
  const target = (more: Obj = {}) => ({
    rule: "snapshot-cleanup",
    arn: RUNBOOK,
    role_arn: "arn:aws:iam::111122223333:role/events-ssm-automation",
    target_id: "snap",
    event_bus_name: "default",
    input_transformer: [{ input_paths: { snap: "$.detail.snapshot_id" }, input_template: '{"SnapshotId":[<snap>]}' }],
    ...more,
  });
  const widened = update("aws_cloudwatch_event_rule.snap", rule(), rule({ event_pattern: pattern("createSnapshot", "succeeded") }));
  const RULE = ["plan-command-scheduled aws_cloudwatch_event_rule.snap"];

  test("a pattern changed under a target that starts a runbook blocks, naming the change and the target", () => {
    const [f] = evaluate([widened, noop("aws_cloudwatch_event_target.snap", target())]);
    expect(f.ruleId).toBe("plan-command-scheduled");
    expect(f.resource).toBe("aws_cloudwatch_event_rule.snap");
    expect(f.message).toContain("The plan updates aws_cloudwatch_event_rule.snap, which changes when its targets run (event_pattern ");
    expect(f.message).toContain(`and its target aws_cloudwatch_event_target.snap starts "${RUNBOOK}" whenever its rule fires`);
  });

  test("a target only in the prior state (a targeted plan) is found too", () => {
    const state = { values: { root_module: { resources: [{ address: "aws_cloudwatch_event_target.snap", mode: "managed", type: "aws_cloudwatch_event_target", name: "snap", values: target() }] } } };
    expect(judged([widened], { complete: false, prior_state: state })).toEqual(RULE);
  });

  test("a schedule moved, a rule switched on or widened, or a state known only after apply, blocks", () => {
    const commands = noop("aws_cloudwatch_event_target.snap", target({ arn: "arn:aws:ssm:eu-west-1::document/AWS-RunShellScript", run_command_targets: [{ key: "tag:role", values: ["db"] }], input_transformer: [] }));
    const scheduled = rule({ event_pattern: "", schedule_expression: "cron(0 3 ? * SUN *)" });
    expect(judged([update("aws_cloudwatch_event_rule.snap", scheduled, { ...scheduled, schedule_expression: "rate(5 minutes)" }), commands])).toEqual(RULE);
    const [on] = evaluate([update("aws_cloudwatch_event_rule.snap", rule({ state: "DISABLED" }), rule()), noop("aws_cloudwatch_event_target.snap", target())]);
    expect(on.message).toContain('it is switched on (state "DISABLED" → "ENABLED")');
    expect(judged([update("aws_cloudwatch_event_rule.snap", rule({ state: undefined, is_enabled: false }), rule({ state: undefined, is_enabled: true })), noop("aws_cloudwatch_event_target.snap", target())])).toEqual(RULE);
    expect(judged([update("aws_cloudwatch_event_rule.snap", rule(), rule({ state: "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS" })), noop("aws_cloudwatch_event_target.snap", target())])).toEqual(RULE);
    const unknown = update("aws_cloudwatch_event_rule.snap", rule(), rule({ event_pattern: null }));
    (unknown.change as Obj).after_unknown = { event_pattern: true };
    expect(judged([unknown, noop("aws_cloudwatch_event_target.snap", target())])).toEqual(RULE);
  });

  test("the controls: harmless targets, other rules' targets, a rule switched off, tags, and a rule with no target in the plan pass", () => {
    expect(judged([widened, noop("aws_cloudwatch_event_target.snap", target({ arn: "arn:aws:lambda:eu-west-1:111122223333:function:notify", input_transformer: [] }))])).toEqual([]);
    expect(judged([widened, noop("aws_cloudwatch_event_target.snap", target({ rule: "other-rule" }))])).toEqual([]);
    expect(judged([widened, noop("aws_cloudwatch_event_target.snap", target({ event_bus_name: "arn:aws:events:eu-west-1:111122223333:event-bus/orders" }))])).toEqual([]);
    expect(judged([update("aws_cloudwatch_event_rule.snap", rule(), rule({ event_pattern: pattern("createSnapshot", "succeeded"), state: "DISABLED" })), noop("aws_cloudwatch_event_target.snap", target())])).toEqual([]);
    expect(judged([update("aws_cloudwatch_event_rule.snap", rule({ tags: { a: "1" } }), rule({ tags: { a: "2" } })), noop("aws_cloudwatch_event_target.snap", target())])).toEqual([]);
    // The same pattern written with other whitespace is no change.
    expect(judged([update("aws_cloudwatch_event_rule.snap", rule(), rule({ event_pattern: JSON.stringify(JSON.parse(pattern("copySnapshot", "failed")), null, 2) })), noop("aws_cloudwatch_event_target.snap", target())])).toEqual([]);
    expect(judged([widened, change("aws_cloudwatch_event_target.snap", ["delete"], target(), null)])).toEqual([]);
    expect(judged([widened])).toEqual([]);
  });

  test("a target created under the changed rule is judged once, as created", () => {
    expect(judged([widened, create("aws_cloudwatch_event_target.snap", target())])).toEqual(["plan-command-scheduled aws_cloudwatch_event_target.snap"]);
  });

  /**
   * Cap audit review (round 176): a kept target whose rule is known only after apply was the rule's only where the
   * configuration tied it to the rule by reference; one it could not tie (a variable or data source in the expression,
   * module outputs more than 20 deep, no configuration) counted as another rule's, and the retimed rule passed.
   */
  describe("a target whose rule the configuration does not tie to a rule may be the changed rule's", () => {
    const renamed = () => {
      const c = change("aws_cloudwatch_event_target.snap", ["update"], target(), { ...target(), rule: null });
      (c.change as Obj).after_unknown = { rule: true };
      return c;
    };
    const config = (rule: Obj, modules: Obj = {}) => ({ configuration: { root_module: { resources: [{ address: "aws_cloudwatch_event_target.snap", mode: "managed", type: "aws_cloudwatch_event_target", name: "snap", expressions: { rule } }], ...modules } } });
    /** `n` modules each returning the next one's `name`; the innermost its own rule's. */
    const nested = (n: number): Obj => {
      let mod: Obj = { resources: [], outputs: { name: { expression: { references: ["aws_cloudwatch_event_rule.x.name", "aws_cloudwatch_event_rule.x"] } } } };
      for (let i = n - 1; i >= 1; i--) mod = { resources: [], outputs: { name: { expression: { references: [`module.m${i}.name`, `module.m${i}`] } } }, module_calls: { [`m${i}`]: { source: "./m", module: mod } } };
      return { module_calls: { m0: { source: "./m", module: mod } } };
    };
    const viaModules = (n: number) => config({ references: ["module.m0.name", "module.m0"] }, nested(n));

    test("a variable, a data source, module outputs past the walk, or no configuration: judged, saying it may be the target (was a pass)", () => {
      for (const extra of [config({ references: ["var.rule_name"] }), config({ references: ["data.aws_cloudwatch_event_rule.r.name", "data.aws_cloudwatch_event_rule.r"] }), viaModules(25), { configuration: { root_module: {} } }]) {
        const [f, ...more] = evaluate([widened, renamed()], extra);
        expect(more).toEqual([]);
        expect(`${f.ruleId} ${f.resource}`).toBe(RULE[0]);
        expect(f.message).toContain("and the target aws_cloudwatch_event_target.snap, which may be its target (its rule is known only after apply");
        expect(f.message).toContain(`starts "${RUNBOOK}" whenever its rule fires`);
      }
    });

    test("controls: tied by reference to this rule it is the target, to another rule (through a few modules too) it is not", () => {
      const [f] = evaluate([widened, renamed()], config({ references: ["aws_cloudwatch_event_rule.snap.name", "aws_cloudwatch_event_rule.snap"] }));
      expect(f.message).toContain("and its target aws_cloudwatch_event_target.snap starts");
      expect(judged([widened, renamed()], config({ references: ["aws_cloudwatch_event_rule.other.name", "aws_cloudwatch_event_rule.other"] }))).toEqual([]);
      expect(judged([widened, renamed()], viaModules(3))).toEqual([]);
    });
  });

  test("a target on the rule's bus named by its ARN is the rule's", () => {
    const onBus = (t: Obj) => noop("aws_cloudwatch_event_target.snap", t);
    const busRule = (more: Obj) => rule({ event_bus_name: "orders", ...more });
    expect(judged([update("aws_cloudwatch_event_rule.snap", busRule({}), busRule({ event_pattern: pattern("createSnapshot", "succeeded") })), onBus(target({ event_bus_name: "arn:aws:events:eu-west-1:111122223333:event-bus/orders" }))])).toEqual(RULE);
  });
});
