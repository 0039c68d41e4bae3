/**
 * A moved block that takes a resource out of an address the config protects: two plans would then delete it
 * without approval (found by a red-team).
 */
import { evaluatePlan } from "../../lib/plan/evaluate";
import { readPlan } from "../../lib/plan/read-plan";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";

const judge = (changes: unknown[], addresses: string[]) =>
  evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan(changes)))), { config: { protected: { addresses } } })
    .judged.filter((j) => j.finding.ruleId === "plan-protected-moved")
    .map((j) => j.finding);

const moved = (from: string, to: string) => ({ ...change(to, ["no-op"], { name: "jobs" }, { name: "jobs" }), previous_address: from });

describe("plan-protected-moved", () => {
  test("moving a protected address to one the config does not name blocks", () => {
    const [f] = judge([moved("aws_sns_topic.jobs", "aws_sns_topic.jobs2")], ["aws_sns_topic.jobs"]);
    expect(f).toMatchObject({ severity: "error", principal: "aws_sns_topic.jobs2" });
    expect(f.message).toMatch(/moves aws_sns_topic\.jobs to aws_sns_topic\.jobs2, out of config protected\.addresses/);
  });

  test("a move the config follows (both addresses, or a module pattern) passes", () => {
    expect(judge([moved("aws_sns_topic.jobs", "aws_sns_topic.jobs2")], ["aws_sns_topic.jobs", "aws_sns_topic.jobs2"])).toEqual([]);
    expect(judge([moved("module.a.aws_sns_topic.jobs", "module.a.aws_sns_topic.q")], ["module.a"])).toEqual([]);
  });

  test("moving an address the config does not protect passes", () => {
    expect(judge([moved("aws_sns_topic.other", "aws_sns_topic.x")], ["aws_sns_topic.jobs"])).toEqual([]);
  });
});
