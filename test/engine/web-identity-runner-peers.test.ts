/**
 * Red-team rounds 82 and 83: an agent's runner (a role that takes a CI job's web identity token and that the agent's
 * trust names by ARN) lends the agent its token, so the job holding it can call AssumeRoleWithWebIdentity on other
 * roles trusting that token. This held in one stack only: a runner in a platform stack, named by the agent's trust in
 * the app stack, lent the agent nothing, and a deploy role of the app stack trusting the same repository passed.
 */
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks } from "../../lib/check/run-check";
import type { Report } from "../../lib/report/types";
import { errors, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;
const GITHUB = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com";
const AGENT_SUB = "repo:acme/app:ref:refs/heads/ai-agent";
const webTrust = (condition: Obj) => policy({ Effect: "Allow", Principal: { Federated: GITHUB }, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition });
const runnerRole = (sub = AGENT_SUB, name = "agent-runner"): Record<string, Obj> => ({
  "aws_iam_role.runner": { name, assume_role_policy: webTrust({ StringEquals: { "token.actions.githubusercontent.com:sub": sub, "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" } }) },
});
const runner = (sub?: string, name?: string): Obj => tf(runnerRole(sub, name));
const agent: Record<string, Obj> = {
  "aws_iam_role.agent": {
    name: "claude",
    path: "/agents/",
    assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/agent-runner" }, Action: ["sts:AssumeRole", "sts:SetSourceIdentity"] }),
    tags: { "blastwall:agent": "true" },
  },
};
const deploy: Record<string, Obj> = {
  "aws_iam_role.deploy": { name: "app-deploy", assume_role_policy: webTrust({ StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/app:*" } }) },
  "aws_iam_role_policy_attachment.deploy": { role: "${aws_iam_role.deploy.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
};
const run = (...stacks: [string, Obj][]) => checkStacks(stacks.map(([name, json]) => buildStack(json, `cdktf.out/stacks/${name}/cdk.tf.json`, name)), { config: {} });
const reached = (r: Report) => errors(r, "agent-transitive-destroy");

describe("a runner in another stack of the run lends the agent its token (round 83, runnerx-x2)", () => {
  test("a deploy role of the agent's stack that trusts the runner's token is reached", () => {
    const r = run(["platform", runner()], ["app", tf({ ...agent, ...deploy })]);
    const found = reached(r);
    expect(found.map((f) => [f.principal, f.resource])).toEqual([["aws_iam_role.agent", "aws_iam_role.deploy"]]);
    const step = found[0].evidence.find((e) => e.step === "web-identity");
    expect(step?.detail).toContain(`with StringEquals token.actions.githubusercontent.com:sub ${AGENT_SUB} (which aws_iam_role.runner of stack platform trusts`);
  });

  test("in whatever order the stacks come", () => {
    expect(reached(run(["app", tf({ ...agent, ...deploy })], ["platform", runner()])).map((f) => f.resource)).toEqual(["aws_iam_role.deploy"]);
  });

  test("a deploy role of a third stack is reached too, through the agent's tokens", () => {
    const r = run(["platform", runner()], ["app", tf(agent)], ["ops", tf(deploy)]);
    expect(reached(r).map((f) => f.resource)).toEqual(["aws_iam_role.deploy"]);
  });

  test("a runner that may itself destroy data is reached by the agent, in the runner's stack (runnerx-x)", () => {
    const admin = { "aws_iam_role_policy_attachment.runner": { role: "${aws_iam_role.runner.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" } };
    const r = run(["platform", tf({ ...runnerRole(), ...admin })], ["app", tf(agent)]);
    expect(reached(r).map((f) => [f.file, f.resource])).toEqual([["cdktf.out/stacks/platform/cdk.tf.json", "aws_iam_role.runner"]]);
  });

  test("control: the runner's trust pinned to a sub the deploy role does not admit, no path", () => {
    expect(reached(run(["platform", runner("repo:acme/other:ref:refs/heads/main")], ["app", tf({ ...agent, ...deploy })]))).toEqual([]);
  });

  test("control: a runner of another name than the agent's trust names, no path", () => {
    expect(reached(run(["platform", runner(AGENT_SUB, "other-runner")], ["app", tf({ ...agent, ...deploy })]))).toEqual([]);
  });
});
