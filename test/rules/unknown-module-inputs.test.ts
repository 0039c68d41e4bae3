/**
 * A module blastwall cannot read that is handed an agent, however it is handed: a reference inside a function call,
 * a data source that looks the agent up, or its literal name. Each may attach any right to the agent (red-team).
 */
import { agentRole, check, tf } from "../helpers/tf";
import { checkPaths } from "../../lib/check/run-check";
import { dir } from "../hcl/helpers";

const withModule = (inputs: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  tf({ "aws_iam_role.agent": agentRole(), ...extra }, { module: { perms: { source: "terraform-aws-modules/iam/aws//modules/iam-policy", ...inputs } } });

/** Severity, and the agent the module is handed (its `input` evidence), else the module itself. */
const severity = (json: Record<string, unknown>) =>
  check(json)
    .findings.filter((f) => f.ruleId === "unknown-module")
    .map((f) => [f.severity, f.evidence.find((e) => e.step === "input")?.address ?? f.principal]);

describe("unknown modules handed an agent", () => {
  test("a reference inside a function call", () => {
    expect(severity(withModule({ role_name: '${replace(aws_iam_role.agent.arn, "/.*role//", "")}' }))).toEqual([["error", "aws_iam_role.agent"]]);
  });

  test("a data source that looks the agent up by name", () => {
    const json = withModule({ role_name: "${data.aws_iam_role.a.name}" }, { "data.aws_iam_role.a": { name: "agent" } });
    expect(severity(json)).toEqual([["error", "aws_iam_role.agent"]]);
  });

  test("the agent's literal name or ARN", () => {
    expect(severity(withModule({ role_name: "agent" }))).toEqual([["error", "aws_iam_role.agent"]]);
    expect(severity(withModule({ role_arn: "arn:aws:iam::111111111111:role/agents/agent" }))).toEqual([["error", "aws_iam_role.agent"]]);
  });

  test("the finding is the module's: acknowledging it on the agent does not cover every module handed that agent", () => {
    const json = withModule({ role_name: "agent" });
    const [f] = check(json).findings.filter((x) => x.ruleId === "unknown-module");
    expect(f.principal).toBe("module.perms");
    const reason = "reviewed module: attaches read-only policies";
    const onAgent = check(json, { acknowledgements: [{ ruleId: "unknown-module", principal: "aws_iam_role.agent", reason }] });
    expect(onAgent.findings.find((x) => x.ruleId === "unknown-module")!.acknowledged).toBeUndefined();
    const onModule = check(json, { acknowledgements: [{ ruleId: "unknown-module", principal: "module.perms", reason }] });
    expect(onModule.findings.find((x) => x.ruleId === "unknown-module")!.acknowledged).toBeDefined();
  });

  test("a module given nothing of the agent is still an error: it may create an agent of its own", () => {
    expect(severity(withModule({ bucket: "logs" }))).toEqual([["error", "module.perms"]]);
  });
});

test("86. an agent of a module, named with the module's path inside a function call", async () => {
  // In an HCL tree a module's role has its full address (module.agents.aws_iam_role.agent), and its output stands for it.
  const d = dir({
    "main.tf": `module "agents" {\n  source = "./agents"\n}\nmodule "perms" {\n  source    = "terraform-aws-modules/iam/aws//modules/iam-policy"\n  role_name = replace(module.agents.role_arn, "/.*role//", "")\n}\n`,
    "agents/main.tf": `resource "aws_iam_role" "agent" {\n  name               = "agent"\n  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::111111111111:role/runner" } }] })\n  tags               = { "blastwall:agent" = "true" }\n}\noutput "role_arn" {\n  value = aws_iam_role.agent.arn\n}\n`,
  });
  const report = await checkPaths([d], { config: {} });
  const found = report.findings.filter((f) => f.ruleId === "unknown-module").map((f) => [f.severity, f.evidence.find((e) => e.step === "input")?.address ?? f.principal]);
  expect(found).toEqual([["error", "module.agents.aws_iam_role.agent"]]);
});
