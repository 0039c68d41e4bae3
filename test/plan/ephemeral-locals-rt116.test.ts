/**
 * Red-team round 116 F2: `terraform show -json` writes no locals, so a provider configuration given
 * `token = local.v` (with `v = ephemeral.aws_lambda_invocation.x.result`) shows only `local.v`, and the gate passed a
 * plan that invokes the function during apply. A reference that reaches a local in a provider configuration or a
 * provisioner now counts as possibly opening such an ephemeral resource, when the configuration names its provider.
 */
import { join } from "path";
import type { Finding } from "../../lib/engine/findings";
import { evaluatePlan } from "../../lib/plan/evaluate";
import { readPlan } from "../../lib/plan/read-plan";
import { minimalPlan, tempDir, writeTemp } from "./helpers";

type Obj = Record<string, unknown>;
const judge = (plan: Obj): Finding[] => evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(plan))), { config: {} }).judged.map((j) => j.finding);
const keys = (fs: Finding[]) => fs.filter((f) => f.ruleId === "plan-lambda-invoked" || f.ruleId === "plan-local-program-runs").map((f) => `${f.ruleId} ${f.resource} ${f.severity}`);

const AWS = { name: "aws", full_name: "registry.terraform.io/hashicorp/aws" };
const LOCAL = { name: "local", full_name: "registry.terraform.io/hashicorp/local" };
const refs = (...references: string[]) => ({ references });
// Ephemeral resources exist from Terraform 1.10 (minimalPlan says 1.9.8).
const plan = (provider_config: Obj, root_module: Obj) => minimalPlan([], { terraform_version: "1.11.4", configuration: { provider_config, root_module } });
const queue = (address: string, extra: Obj = {}) => ({ address, mode: "managed", type: "aws_sqs_queue", name: address.split(".").pop(), provider_config_key: "aws", expressions: { name: { constant_value: "q" } }, ...extra });

describe("an ephemeral resource used through a local (round 116 F2)", () => {
  test("the report's real Terraform 1.11.4 plan: provider aws.two's token from local.v blocks, and says why", () => {
    const fs = judge(JSON.parse(require("fs").readFileSync(join(__dirname, "..", "fixtures", "plans", "ephemeral-through-local.json"), "utf8")));
    expect(keys(fs)).toEqual(["plan-lambda-invoked ephemeral.aws_lambda_invocation.* error"]);
    expect(fs[0].message).toContain("the provider configuration aws.two (token), through local.v");
    expect(fs[0].message).toContain("terraform show -json writes no locals");
  });

  test("a provisioner reading a local in a credential, with the local provider named: plan-local-program-runs blocks too", () => {
    const fs = judge(plan({ aws: AWS, local: LOCAL }, { resources: [queue("aws_sqs_queue.q", { provisioners: [{ type: "local-exec", expressions: { command: refs("var.cmd"), environment: { constant_value: {} } }, connection: { password: refs("local.pw") } }] })] }));
    expect(keys(fs)).toEqual(["plan-lambda-invoked ephemeral.aws_lambda_invocation.* error", "plan-local-program-runs ephemeral.local_command.* error"]);
    expect(fs.find((f) => f.ruleId === "plan-local-program-runs")!.message).toContain("a provisioner of aws_sqs_queue.q, its connection (password), through local.pw");
  });

  test("a local outside any credential (region, default_tags, a command) warns and does not block: most plans read one", () => {
    const fs = judge(
      plan(
        { aws: { ...AWS, expressions: { region: refs("local.region"), default_tags: [{ tags: refs("local.tags") }], assume_role: [{ role_arn: refs("local.account_id") }] } }, local: LOCAL },
        { resources: [queue("aws_sqs_queue.q", { provisioners: [{ type: "local-exec", expressions: { command: refs("local.cmd") } }] })] },
      ),
    );
    expect(keys(fs)).toEqual(["plan-lambda-invoked ephemeral.aws_lambda_invocation.* warning", "plan-local-program-runs ephemeral.local_command.* warning"]);
    expect(fs[0].message).toContain("No credential argument reads a local");
    expect(fs[0].fix).not.toContain("approve");
  });

  test("a plan of Terraform older than 1.10, which has no ephemeral resources, gets neither (round 118)", () => {
    const old = plan({ aws: { ...AWS, expressions: { token: refs("local.t"), region: refs("local.region") } } }, { resources: [] });
    expect(keys(judge({ ...old, terraform_version: "1.9.8" }))).toEqual([]);
    expect(keys(judge({ ...old, terraform_version: "1.10.0" }))).toEqual(["plan-lambda-invoked ephemeral.aws_lambda_invocation.* error"]);
  });

  test("followed through a module variable and a child module's output to the local behind them", () => {
    const child = { outputs: { tok: { expression: refs("local.t") } }, variables: {} };
    const fs = judge(
      plan(
        { aws: AWS, "module.m:aws": { ...AWS, module_address: "module.m", expressions: { token: refs("var.tok") } }, "aws.x": { ...AWS, alias: "x", expressions: { token: refs("module.c.tok", "module.c") } } },
        { resources: [], module_calls: { m: { source: "./m", expressions: { tok: refs("local.v") }, module: { resources: [] } }, c: { source: "./c", module: child } } },
      ),
    );
    expect(keys(fs)).toEqual(["plan-lambda-invoked ephemeral.aws_lambda_invocation.* error", "plan-lambda-invoked module.c.ephemeral.aws_lambda_invocation.* error"]);
    expect(fs[0].message).toContain("the provider configuration module.m:aws (token), through local.v");
  });

  test("controls: references the plan resolves, a local in a resource argument, and no provider offering the type pass", () => {
    const noLocal = plan(
      { aws: { ...AWS, expressions: { region: { constant_value: "eu-west-1" }, token: refs("var.token") } }, "module.m:aws": { ...AWS, module_address: "module.m", expressions: { region: refs("var.region") } } },
      { resources: [queue("aws_sqs_queue.q", { provisioners: [{ type: "local-exec", expressions: { command: refs("self.arn", "aws_sqs_queue.q") } }] })], module_calls: { m: { source: "./m", expressions: { region: refs("aws_sqs_queue.q.arn") }, module: {} } } },
    );
    expect(keys(judge(noLocal))).toEqual([]);
    // A local in an ordinary argument cannot hold an ephemeral value (Terraform refuses), and one in a write-only argument is in relevant_attributes.
    expect(keys(judge(plan({ aws: AWS }, { resources: [queue("aws_sqs_queue.q", { expressions: { name: refs("local.name") } })] })))).toEqual([]);
    // Only the local provider offers local_command, only aws offers aws_lambda_invocation.
    const google = { google: { name: "google", full_name: "registry.terraform.io/hashicorp/google", expressions: { project: refs("local.project") } } };
    expect(keys(judge(plan(google, { resources: [] })))).toEqual([]);
  });
});
