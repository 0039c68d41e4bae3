/**
 * `acknowledge()` refuses at synth time what the engine would refuse or misread in CI: an expiry the engine cannot
 * read (it would count as expired at once) and a rule id that names no rule (it would acknowledge nothing).
 */
import { mkdtempSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App, TerraformStack } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { acknowledge } from "../../lib/cdktf";

const REASON = "scratch-volume janitor, reviewed 2026-11";

function role(): IamRole {
  const stack = new TerraformStack(new App({ outdir: mkdtempSync(join(tmpdir(), "blastwall-ack-")) }), "ops");
  return new IamRole(stack, "janitor", {
    assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [] }),
    tags: { "blastwall:agent": "true" },
  });
}

describe("acknowledge() and expires", () => {
  test.each(["2027-01-01T00:00:00", "March 7, 2027", "2027-02-30", "2027-1-1"])("refuses %j, which Date.parse may accept but the engine cannot read", (expires) => {
    expect(() => acknowledge(role(), { ruleId: "agent-destroy-right", reason: REASON, expires })).toThrow(
      `acknowledge: expires must be YYYY-MM-DD or an ISO date-time with an offset, such as 2027-01-31 or 2027-01-31T12:00:00Z (got ${JSON.stringify(expires)}; rule agent-destroy-right at ops/janitor)`,
    );
  });

  test.each(["2027-01-31", "2027-01-31T12:00:00Z", "2027-01-31T12:00:00+02:00"])("accepts %j", (expires) => {
    expect(() => acknowledge(role(), { ruleId: "agent-destroy-right", reason: REASON, expires })).not.toThrow();
  });
});

describe("acknowledge() and ruleId", () => {
  test("refuses an id that is no rule, naming the construct", () => {
    expect(() => acknowledge(role(), { ruleId: "agent-destroy-rigth", reason: REASON })).toThrow(
      'acknowledge: ruleId "agent-destroy-rigth" is not a rule id (docs/rules.md lists them) (at ops/janitor)',
    );
  });

  test.each(["agent-destroy-right", "unknown-module", "acknowledgement-expired"])("accepts a check rule, a plan or runner rule: %s", (ruleId) => {
    expect(() => acknowledge(role(), { ruleId, reason: REASON })).not.toThrow();
  });
});
