import { agentRole, policy, tf } from "../helpers/tf";
import { run } from "./helpers";
import { rule } from "../../lib/rules/agent-trust-open";

const trust = (statement: Record<string, unknown>) => tf({ "aws_iam_role.agent": agentRole({ assume_role_policy: policy(statement) }) });
const SI = { StringLike: { "sts:SourceIdentity": "agent-*" } };

describe("agent-trust-open (red-team: any account could assume the agent role)", () => {
  it.each([
    ["Principal *", { Effect: "Allow", Principal: "*", Action: "sts:AssumeRole", Condition: SI }],
    ["AWS *", { Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole", Condition: SI }],
    ["NotPrincipal", { Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "sts:AssumeRole" }],
    ["an IfExists pin", { Effect: "Allow", Principal: "*", Action: "sts:AssumeRole", Condition: { ...SI, StringEqualsIfExists: { "aws:PrincipalOrgID": "o-abc" } } }],
  ])("fails %s", (_name, statement) => {
    const [f] = run(rule, trust(statement));
    expect(f.message).toMatch(/admits any AWS principal, in any account/);
  });

  it.each([
    ["a named runner", { Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/runner" }, Action: "sts:AssumeRole", Condition: SI }],
    ["* pinned to the organisation", { Effect: "Allow", Principal: "*", Action: "sts:AssumeRole", Condition: { ...SI, StringEquals: { "aws:PrincipalOrgID": "o-abc" } } }],
  ])("passes %s", (_name, statement) => {
    expect(run(rule, trust(statement))).toEqual([]);
  });
});
