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
});
