/**
 * An acknowledgement-expired finding names its principal's construct path, as every finding about a principal does
 * (review round 94: `ERROR acknowledgement-expired  aws_iam_role.agent` with no `(prod/agent)`).
 */
import { agentRole, check, tf } from "../helpers/tf";

const NOW = new Date("2026-11-25T12:00:00Z");
const meta = (path: string, extra: Record<string, unknown> = {}) => ({ "//": { metadata: { path, uniqueId: path.split("/").pop() }, ...extra } });
const expiredOf = (r: ReturnType<typeof check>) => r.findings.filter((f) => f.ruleId === "acknowledgement-expired");
const ACK = { ruleId: "agent-role-boundary", principal: "aws_iam_role.agent", reason: "reviewed by the platform team", expires: "2020-01-01" };

test("an expired acknowledgement in blastwall.json: the construct path of the agent it names", () => {
  const r = check(tf({ "aws_iam_role.agent": agentRole(meta("prod/agent")) }), { acknowledgements: [ACK] }, { now: NOW });
  const [e] = expiredOf(r);
  expect(e.principal).toBe("aws_iam_role.agent");
  expect(e.constructPath).toBe("prod/agent");
});

test("an expired acknowledgement that matches no finding: the construct path is read from the stack", () => {
  const r = check(tf({ "aws_iam_role.agent": agentRole(meta("prod/agent")) }), { acknowledgements: [{ ...ACK, ruleId: "agent-destroy-right" }] }, { now: NOW });
  expect(expiredOf(r).map((f) => f.constructPath)).toEqual(["prod/agent"]);
});

test("an expired acknowledgement written in code: the construct path of the construct it is on", () => {
  const role = agentRole(meta("prod/agent", { blastwall: { acknowledgements: [{ ruleId: "agent-role-boundary", reason: "reviewed by the platform team", expires: "2020-01-01" }] } }));
  const [e] = expiredOf(check(tf({ "aws_iam_role.agent": role }), { acknowledgementsInCode: true }, { now: NOW }));
  expect(e.constructPath).toBe("prod/agent");
});

test("control: a principal without construct metadata gets none", () => {
  const [e] = expiredOf(check(tf({ "aws_iam_role.agent": agentRole() }), { acknowledgements: [ACK] }, { now: NOW }));
  expect(e).toBeDefined();
  expect(e.constructPath).toBeUndefined();
});
