import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { tf } from "../helpers/tf";
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks } from "../../lib/check/run-check";
import { AgentAuditTrail } from "../../lib/constructs";
import { LOG_ACCOUNT, MGMT_ACCOUNT, ORG_ID, synth } from "../constructs/helpers";
import { run } from "./helpers";
import { rule } from "../../lib/rules/audit-trail-off";

const trail = (extra: Record<string, unknown>) => tf({ "aws_cloudtrail.t": { name: "t", s3_bucket_name: "logs", ...extra } });

describe("audit-trail-off (red-team: an override switched the agent audit trail off)", () => {
  it("fails a trail with logging switched off, or set from a variable", () => {
    expect(run(rule, trail({ enable_logging: false }))[0].message).toContain("sets enable_logging = false: the trail records nothing");
    expect(run(rule, trail({ enable_logging: "${var.on}" }))).toHaveLength(1);
  });

  it("passes a trail that logs (unset means on)", () => {
    expect(run(rule, trail({}))).toEqual([]);
    expect(run(rule, trail({ enable_logging: true }))).toEqual([]);
  });
});

describe("audit-trail-off: a trail that records no write management events (red-team round 129, F3)", () => {
  const DATA_ONLY = {
    name: "only s3 reads",
    field_selector: [
      { field: "eventCategory", equals: ["Data"] },
      { field: "resources.type", equals: ["AWS::S3::Object"] },
      { field: "readOnly", equals: ["true"] },
    ],
  };
  const mgmt = (...more: Record<string, unknown>[]) => ({ field_selector: [{ field: "eventCategory", equals: ["Management"] }, ...more] });

  it("warns on an advanced selector for data events only (the red team's trail; an error until round 134 F1)", () => {
    const [f] = run(rule, trail({ enable_logging: true, is_multi_region_trail: false, advanced_event_selector: [DATA_ONLY] }));
    expect(f.severity).toBe("warning");
    expect(f.message).toContain('aws_cloudtrail.t records only data events (advanced_event_selector "only s3 reads" selects only Data events, not Management events)');
    expect(f.message).toContain("no trail checked with it records the write management events");
  });

  it("fails management events restricted to read calls, by either kind of selector", () => {
    expect(run(rule, trail({ advanced_event_selector: [mgmt({ field: "readOnly", equals: ["true"] })] }))[0].message).toContain("keeps only readOnly = true events");
    expect(run(rule, trail({ event_selector: [{ read_write_type: "ReadOnly" }] }))[0].message).toContain('event_selector #1 sets read_write_type = "ReadOnly", which records read calls only');
    // A basic selector with no management events and no data resources records nothing: no data-event trail.
    const [none] = run(rule, trail({ event_selector: [{ include_management_events: false }] }));
    expect(none.severity).toBeUndefined();
    expect(none.message).toContain("records no write management events (event_selector #1 sets include_management_events = false)");
  });

  it("fails closed on selectors it cannot read", () => {
    expect(run(rule, trail({ event_selector: "${var.selectors}" }))[0].message).toContain("a selector is written as an expression or dynamic block blastwall cannot read");
    expect(run(rule, trail({ event_selector: [{ read_write_type: "${var.rw}" }] }))[0].message).toContain("sets read_write_type to `${var.rw}`");
  });

  it("passes a trail that records write management events (controls)", () => {
    expect(run(rule, trail({ event_selector: [{ read_write_type: "WriteOnly" }] }))).toEqual([]);
    expect(run(rule, trail({ event_selector: [{ read_write_type: "ReadOnly" }, { include_management_events: true }] }))).toEqual([]);
    expect(run(rule, trail({ advanced_event_selector: [DATA_ONLY, mgmt()] }))).toEqual([]);
    expect(run(rule, trail({ advanced_event_selector: [mgmt({ field: "readOnly", equals: ["false"] })] }))).toEqual([]);
  });

  it("warns when the management events of KMS or the RDS Data API are left out", () => {
    const [f] = run(rule, trail({ event_selector: [{ exclude_management_event_sources: ["kms.amazonaws.com"] }] }));
    expect(f.severity).toBe("warning");
    expect(f.message).toContain("leaves out the management events of kms.amazonaws.com (ScheduleKeyDeletion, DisableKey, PutKeyPolicy)");
    const [g] = run(rule, trail({ advanced_event_selector: [mgmt({ field: "eventSource", not_equals: ["rdsdata.amazonaws.com"] })] }));
    expect(g.severity).toBe("warning");
    expect(g.message).toContain("rdsdata.amazonaws.com");
    // Another selector that keeps them records them.
    expect(run(rule, trail({ event_selector: [{ exclude_management_event_sources: ["kms.amazonaws.com"] }, { read_write_type: "All" }] }))).toEqual([]);
  });
});

describe("audit-trail-off: a trail Terraform does not create (red-team round 129, F1)", () => {
  it("fails a trail that is not created, or may not be", () => {
    expect(run(rule, trail({}))).toEqual([]);
    expect(run(rule, trail({ count: 0 }))[0].message).toContain("aws_cloudtrail.t has count = 0, so Terraform creates none: there is no trail, so agent calls go unaudited");
    expect(run(rule, trail({ count: "${var.trail ? 1 : 0}" }))[0].message).toContain("may not be created");
  });

  it("evaluates a conditional count over a variable's default, as the HCL reader does (red-team round 131 F6)", () => {
    const withVar = (d: unknown) => ({ ...trail({ count: "${var.trail ? 1 : 0}" }), variable: { trail: { default: d } } });
    expect(run(rule, withVar(true))).toEqual([]);
    expect(run(rule, withVar(false))[0].message).toContain("has count = ${var.trail ? 1 : 0}, which is 0, so Terraform creates none: there is no trail");
    expect(run(rule, withVar("${var.other}"))[0].message).toContain("may not be created");
  });
});

describe("audit-trail-off: the stack's trails are judged together (red-team round 131 F5)", () => {
  const S3_DATA = { event_selector: [{ read_write_type: "All", include_management_events: false, data_resource: [{ type: "AWS::S3::Object", values: ["arn:aws:s3"] }] }] };
  const trails = (main: Record<string, unknown> | undefined, data: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
    tf(
      {
        ...(main ? { "aws_cloudtrail.main": { name: "main", s3_bucket_name: "logs", ...main } } : {}),
        "aws_cloudtrail.s3_data": { name: "s3-data", s3_bucket_name: "logs", ...S3_DATA, ...data },
      },
      extra,
    );
  // Alone, the data-event trail is a warning (red-team round 134, F1).
  const gap = (json: Record<string, unknown>) => run(rule, json).filter((f) => f.resource === "aws_cloudtrail.s3_data" && f.severity === "warning" && /records only data events/.test(f.message));

  it("passes a data-event trail beside a trail that records every management event", () => {
    expect(run(rule, trails({ is_multi_region_trail: true }))).toEqual([]);
    // Same provider, neither trail multi-Region: the same account and Region.
    expect(run(rule, trails({}))).toEqual([]);
    // Another provider configuration in the same account, and the main trail multi-Region.
    const providers = { provider: { aws: [{ allowed_account_ids: ["111111111111"] }, { alias: "eu", region: "eu-west-1", allowed_account_ids: ["111111111111"] }] } };
    expect(gap(trails({ is_multi_region_trail: true }, { provider: "aws.eu" }, providers))).toEqual([]);
  });

  it("still warns on the data-event trail when no other trail certainly records the writes where it is", () => {
    // The only trail.
    expect(gap(trails(undefined))).toHaveLength(1);
    // The other trail records no writes either, logs nothing, or may not exist.
    expect(gap(trails({ event_selector: [{ read_write_type: "ReadOnly" }] }))).toHaveLength(1);
    expect(gap(trails({ enable_logging: false }))).toHaveLength(1);
    expect(gap(trails({ enable_logging: "${var.on}" }))).toHaveLength(1);
    expect(gap(trails({ count: "${var.main ? 1 : 0}" }))).toHaveLength(1);
    expect(gap(trails({ count: 0 }))).toHaveLength(1);
    // Another Region of the same provider, or a provider of an account blastwall cannot tell, and the main trail single-Region.
    expect(gap(trails({ region: "eu-west-1" }))).toHaveLength(1);
    const providers = { provider: { aws: [{}, { alias: "other", region: "eu-west-1" }] } };
    expect(gap(trails({ is_multi_region_trail: true, provider: "aws.other" }, {}, providers))).toHaveLength(1);
    expect(gap(trails({ provider: "aws.other" }, {}, { provider: { aws: [{ region: "eu-west-1" }, { alias: "other", region: "eu-west-1" }] } }))).toHaveLength(1);
  });
});

describe("audit-trail-off: a data-event trail is judged with the trails of every stack checked (red-team round 134, F1)", () => {
  const ACCOUNT = "111111111111";
  const provider = (region = "eu-west-1", account = ACCOUNT) => ({ provider: { aws: [{ region, allowed_account_ids: [account] }] } });
  const S3_DATA = { event_selector: [{ include_management_events: false, read_write_type: "WriteOnly", data_resource: [{ type: "AWS::S3::Object", values: ["arn:aws:s3:::acme-reports/"] }] }] };
  const dataStack = (extra: Record<string, unknown> = {}, p = provider()) => tf({ "aws_cloudtrail.reports_data": { name: "reports-data-events", s3_bucket_name: "logs", ...S3_DATA, ...extra } }, p);
  const mainStack = (extra: Record<string, unknown> = { is_multi_region_trail: true }, p: Record<string, unknown> = provider()) => tf({ "aws_cloudtrail.main": { name: "main", s3_bucket_name: "logs", ...extra } }, p);
  const findings = (stacks: Record<string, Record<string, unknown>>) =>
    checkStacks(
      Object.entries(stacks).map(([name, json]) => buildStack(json, `cdktf.out/stacks/${name}/cdk.tf.json`, name)),
      { config: {}, rules: [rule] },
    ).findings.filter((f) => f.ruleId === "audit-trail-off");

  it("the red team's root: a data-event trail alone is a warning that names where the management events must come from, and the billed second copy", () => {
    const [f] = run(rule, dataStack());
    expect(f.severity).toBe("warning");
    expect(f.message).toContain("aws_cloudtrail.reports_data records only data events (event_selector #1 sets include_management_events = false)");
    expect(f.message).toContain("an organization trail (Control Tower) or another stack's trail");
    expect(f.message).toContain("acknowledge this warning");
    expect(f.message).toContain("records a second copy where another trail records them, which CloudTrail bills");
    // Advanced selectors of the Data category only, too.
    const advanced = { advanced_event_selector: [{ name: "s3", field_selector: [{ field: "eventCategory", equals: ["Data"] }, { field: "resources.type", equals: ["AWS::S3::Object"] }] }] };
    expect(run(rule, dataStack({ event_selector: undefined, ...advanced })).map((x) => x.severity)).toEqual(["warning"]);
  });

  it("passes the data-event trail when another stack of the run records every write management event of its account and Region", () => {
    expect(findings({ data: dataStack(), logging: mainStack() })).toEqual([]);
    // The main trail single-Region, in the same literal Region.
    expect(findings({ data: dataStack(), logging: mainStack({}) })).toEqual([]);
  });

  it("keeps the warning when the other stack's trail does not certainly record them where the data trail is", () => {
    const warned = (logging: Record<string, unknown>) => findings({ data: dataStack(), logging }).map((f) => `${f.severity}:${f.resource}`).sort();
    const W = ["warning:aws_cloudtrail.reports_data"];
    // Another account, an account blastwall cannot tell, another Region of a single-Region trail.
    expect(warned(mainStack(undefined, provider("eu-west-1", "222222222222")))).toEqual(W);
    expect(warned(mainStack(undefined, { provider: { aws: [{ region: "eu-west-1" }] } }))).toEqual(W);
    expect(warned(mainStack({}, provider("us-east-1")))).toEqual(W);
    // A main trail that logs nothing, may not exist, or records only reads: that stack's own errors, and the warning here.
    expect(warned(mainStack({ is_multi_region_trail: true, count: "${var.on ? 1 : 0}" }))).toEqual(["error:aws_cloudtrail.main", ...W]);
    expect(warned(mainStack({ is_multi_region_trail: true, event_selector: [{ read_write_type: "ReadOnly" }] }))).toEqual(["error:aws_cloudtrail.main", ...W]);
    expect(warned(mainStack({ is_multi_region_trail: true, enable_logging: false }))).toEqual(["error:aws_cloudtrail.main", ...W]);
  });

  it("keeps errors for a trail that is off, records only reads, or has selectors blastwall cannot read", () => {
    const severities = (extra: Record<string, unknown>) => run(rule, dataStack(extra)).map((f) => f.severity ?? "error");
    expect(severities({ enable_logging: false })).toEqual(["error"]);
    expect(severities({ event_selector: [{ read_write_type: "ReadOnly" }] })).toEqual(["error"]);
    expect(severities({ event_selector: "${var.selectors}" })).toEqual(["error"]);
    expect(severities({ event_selector: [{ include_management_events: "${var.m}", data_resource: [{ type: "AWS::S3::Object", values: ["arn:aws:s3"] }] }] })).toEqual(["error"]);
    // One data selector beside one blastwall cannot read is not certainly a data-event trail.
    expect(severities({ event_selector: [...S3_DATA.event_selector, { read_write_type: "${var.rw}" }] })).toEqual(["error"]);
  });

  describe("AgentAuditTrail's own trail with its management events taken out stays an error", () => {
    const props = { trailName: "agents", bucketName: "acme-agent-trail", organizationId: ORG_ID, managementAccountId: MGMT_ACCOUNT, logAccountId: LOG_ACCOUNT, region: "eu-central-1" };
    type Json = { resource: Record<string, Record<string, Record<string, unknown>>> };
    /** The construct's output, its trail edited as an addOverride or an edit of cdk.tf.json would. */
    const build = (edit?: (trail: Record<string, unknown>) => void) => {
      const json = synth((s) => {
        const log = new AwsProvider(s, "log", { region: "eu-central-1", alias: "log" });
        new AgentAuditTrail(s, "Audit", { ...props, logAccountProvider: log });
      }).json as Json;
      if (edit) for (const t of Object.values(json.resource.aws_cloudtrail)) edit(t);
      return json;
    };
    type Selector = { name: string };
    // The management events taken out: the selector that records them dropped.
    const dataOnly = (t: Record<string, unknown>) => (t.advanced_event_selector = (t.advanced_event_selector as Selector[]).filter((x) => x.name !== "Management events"));
    const noPrecondition = (t: Record<string, unknown>) => (t.lifecycle = { prevent_destroy: true });
    const severities = (json: Json) => run(rule, json).map((x) => `${x.severity ?? "error"}:${x.resource}`);

    it("passes as the construct writes it (control)", () => {
      expect(run(rule, build())).toEqual([]);
    });

    it("fails it by its precondition, or by its own bucket's selector when the precondition is gone, whatever other trail records the account", () => {
      const [f] = run(rule, build(dataOnly));
      expect(f.severity).toBeUndefined();
      expect(f.message).toContain("is AgentAuditTrail's organization trail, and records no write management events");
      expect(f.message).toContain("go unaudited in every account of the organization. Remove the override");
      expect(severities(build((t) => (dataOnly(t), noPrecondition(t))))).toEqual([expect.stringMatching(/^error:aws_cloudtrail\.Audit_Trail/)]);
      // Another trail of the management account does not stand in for the organization's.
      const json = build(dataOnly);
      json.resource.aws_cloudtrail.main = { name: "main", s3_bucket_name: "logs", is_multi_region_trail: true };
      expect(severities(json)).toEqual([expect.stringMatching(/^error:aws_cloudtrail\.Audit_Trail/)]);
    });

    it("a data-event trail without the construct's marks is a warning (control)", () => {
      const plain = (t: Record<string, unknown>) => {
        dataOnly(t);
        noPrecondition(t);
        for (const x of t.advanced_event_selector as Selector[]) x.name = x.name.replace(" of the trail's bucket", " of the log bucket");
      };
      expect(severities(build(plain))).toEqual([expect.stringMatching(/^warning:aws_cloudtrail\.Audit_Trail/)]);
    });
  });
});
