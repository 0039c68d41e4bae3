import { tf } from "../helpers/tf";
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

  it("fails an advanced selector for data events only (the red team's trail)", () => {
    const [f] = run(rule, trail({ enable_logging: true, is_multi_region_trail: false, advanced_event_selector: [DATA_ONLY] }));
    expect(f.severity).toBeUndefined();
    expect(f.message).toContain('aws_cloudtrail.t records no write management events (advanced_event_selector "only s3 reads" selects only Data events, not Management events)');
    expect(f.message).toContain("go unaudited");
    expect(f.message).toContain("remove the event selectors (a trail without them records all management events)");
  });

  it("fails management events restricted to read calls, by either kind of selector", () => {
    expect(run(rule, trail({ advanced_event_selector: [mgmt({ field: "readOnly", equals: ["true"] })] }))[0].message).toContain("keeps only readOnly = true events");
    expect(run(rule, trail({ event_selector: [{ read_write_type: "ReadOnly" }] }))[0].message).toContain('event_selector #1 sets read_write_type = "ReadOnly", which records read calls only');
    expect(run(rule, trail({ event_selector: [{ include_management_events: false, data_resource: [{ type: "AWS::S3::Object", values: ["arn:aws:s3"] }] }] }))[0].message).toContain(
      "event_selector #1 sets include_management_events = false",
    );
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
  const gap = (json: Record<string, unknown>) => run(rule, json).filter((f) => f.resource === "aws_cloudtrail.s3_data" && /records no write management events/.test(f.message));

  it("passes a data-event trail beside a trail that records every management event", () => {
    expect(run(rule, trails({ is_multi_region_trail: true }))).toEqual([]);
    // Same provider, neither trail multi-Region: the same account and Region.
    expect(run(rule, trails({}))).toEqual([]);
    // Another provider configuration in the same account, and the main trail multi-Region.
    const providers = { provider: { aws: [{ allowed_account_ids: ["111111111111"] }, { alias: "eu", region: "eu-west-1", allowed_account_ids: ["111111111111"] }] } };
    expect(gap(trails({ is_multi_region_trail: true }, { provider: "aws.eu" }, providers))).toEqual([]);
  });

  it("still fails the data-event trail when no other trail certainly records the writes where it is", () => {
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
