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
