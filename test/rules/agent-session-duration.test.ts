import { agentRole, tf, TRUST } from "../helpers/tf";
import { run } from "./helpers";
import { rule } from "../../lib/rules/agent-session-duration";

describe("agent-session-duration", () => {
  it("fails an agent role allowing 12-hour sessions", () => {
    const [f] = run(rule, tf({ "aws_iam_role.agent": agentRole({ max_session_duration: 43200 }) }));
    expect(f.message).toContain("aws_iam_role.agent is an AI agent role and allows sessions of 43200 seconds (12.0 h)");
    expect(f.message).toContain("Set max_session_duration = 3600");
  });

  it("fails closed on a variable", () => {
    const [f] = run(rule, tf({ "aws_iam_role.agent": agentRole({ max_session_duration: "${var.session}" }) }));
    expect(f.message).toContain("`${var.session}`");
  });

  it("passes 3600 and unset (the default is 3600), and ignores non-agent roles", () => {
    const json = tf({
      "aws_iam_role.a": agentRole({ name: "a", max_session_duration: 3600 }),
      "aws_iam_role.b": agentRole({ name: "b" }),
      "aws_iam_role.human": { name: "human", assume_role_policy: TRUST, max_session_duration: 43200 },
    });
    expect(run(rule, json)).toEqual([]);
  });

  it("a literal too large to read (1e400 is Infinity) is not a valid number of seconds, not \"Infinity seconds\"", () => {
    for (const huge of [Number.POSITIVE_INFINITY, "1" + "0".repeat(400)]) {
      const [f] = run(rule, tf({ "aws_iam_role.agent": agentRole({ max_session_duration: huge }) }));
      expect(f.message).toContain("sets max_session_duration to a number too large to read, which is not a valid number of seconds");
      expect(f.message).not.toContain("Infinity");
      expect(f.evidence.map((e) => e.detail).join(" ")).not.toContain("Infinity");
    }
    // Control: a large number that is still a number keeps its value and hours.
    const [g] = run(rule, tf({ "aws_iam_role.agent": agentRole({ max_session_duration: 86400 }) }));
    expect(g.message).toContain("allows sessions of 86400 seconds (24.0 h)");
  });
});
