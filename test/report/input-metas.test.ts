/**
 * The runner's own findings (expired or unscoped acknowledgements, lowered severities) carry their metadata in the
 * report like any rule's, so SARIF describes them with their real level and the text report says why (round 10).
 */
import { renderSarif } from "../../lib/report/sarif";
import { check, tf, agentRole } from "../helpers/tf";

test("a lowered severity is described in SARIF as the warning it is, with its title", () => {
  const r = check(tf({ "aws_iam_role.agent": agentRole() }), { severity: { "agent-destroy-right": "off" } });
  expect(r.findings.map((f) => f.ruleId)).toContain("config-severity-lowered");
  const sarif = JSON.parse(renderSarif(r, new Map((r.rules ?? []).map((m) => [m.id, m])), "0"));
  const rule = sarif.runs[0].tool.driver.rules.find((x: { id: string }) => x.id === "config-severity-lowered");
  expect(rule.defaultConfiguration.level).toBe("warning");
  expect(rule.shortDescription.text).not.toBe("config-severity-lowered");
});

test("JSON findings carry the rule's why", () => {
  const { renderJson } = require("../../lib/report/json") as typeof import("../../lib/report/json");
  const r = check(tf({ "aws_iam_role.agent": agentRole() }), { severity: { "agent-destroy-right": "off" } });
  const [f] = (JSON.parse(renderJson(r)).findings as { ruleId: string; why?: string }[]).filter((x) => x.ruleId === "config-severity-lowered");
  expect(f.why).toMatch(/severity override silences/);
});
