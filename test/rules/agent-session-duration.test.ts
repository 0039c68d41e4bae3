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
});
