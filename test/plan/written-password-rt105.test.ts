/**
 * Red-team round 105 (F5) through a plan: a password given as a variable is shown in the plan's values (sensitive values
 * are written out), in the database's argument and wherever it was copied; the copy is that database's password.
 */
import { runCli } from "../../lib/cli/main";
import { minimalPlan, tempDir, writeTemp } from "./helpers";

const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "sts:AssumeRole" }] });
const POLICY = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["ssm:ListTagsForResource", "ssm:DescribeParameters"], Resource: "*" }] });

interface Res {
  readonly address: string;
  readonly values: Record<string, unknown>;
  readonly unknown?: Record<string, unknown>;
  readonly expressions?: Record<string, unknown>;
}

/** A plan creating every resource, its configuration giving each its expressions. */
function plan(resources: readonly Res[]): Record<string, unknown> {
  const split = (a: string) => a.split(".");
  const provider = (type: string) => `registry.terraform.io/hashicorp/${type.split("_")[0]}`;
  const planned = resources.map((r) => ({ address: r.address, mode: "managed", type: split(r.address)[0], name: split(r.address)[1], provider_name: provider(split(r.address)[0]), values: r.values }));
  const changes = planned.map((p, i) => ({ ...p, change: { actions: ["create"], before: null, after: p.values, after_unknown: resources[i].unknown ?? {}, before_sensitive: false, after_sensitive: {} } }));
  return minimalPlan(changes, {
    planned_values: { root_module: { resources: planned } },
    configuration: {
      provider_config: { aws: { name: "aws" }, random: { name: "random" } },
      root_module: { resources: resources.map((r) => ({ address: r.address, mode: "managed", type: split(r.address)[0], name: split(r.address)[1], provider_config_key: split(r.address)[0].split("_")[0], expressions: r.expressions ?? {} })) },
    },
  });
}

const PASSWORD = "orders-Pa55word-2026";

function stack(tags: Record<string, string>): Res[] {
  return [
    { address: "aws_iam_role.agent", values: { name: "agent", assume_role_policy: TRUST, path: "/", tags: { "blastwall:agent": "true" }, tags_all: { "blastwall:agent": "true" }, max_session_duration: 3600 } },
    { address: "aws_iam_role_policy.agent", values: { name: "agent", role: "agent", policy: POLICY } },
    { address: "aws_db_instance.orders", values: { identifier: "orders", engine: "postgres", instance_class: "db.t4g.micro", username: "app", password: PASSWORD }, unknown: { address: true }, expressions: { password: { references: ["var.db_password"] } } },
    { address: "aws_ssm_parameter.p", values: { name: "/orders/endpoint", type: "String", tags, tags_all: tags }, unknown: { value: true }, expressions: { value: { references: ["aws_db_instance.orders.address", "aws_db_instance.orders"] } } },
  ];
}

async function written(p: Record<string, unknown>): Promise<string[]> {
  const dir = tempDir();
  writeTemp(dir, "plan.json", JSON.stringify(p));
  let stdout = "";
  await runCli(["gate", "--format", "json", "plan.json"], { stdout: (t) => (stdout += t), stderr: () => undefined, cwd: dir, env: {}, now: () => new Date("2026-11-27T09:00:00Z") });
  const report = JSON.parse(stdout) as { findings: { ruleId: string; severity: string; resource: string; message: string }[] };
  return report.findings.filter((f) => f.ruleId === "credential-in-configuration").map((f) => `${f.severity} ${f.message}`);
}

test("the password copied into a parameter's tags: an error naming the database, once (tags_all repeats tags)", async () => {
  expect(await written(plan(stack({ auth: `postgres://app:${PASSWORD}@orders` })))).toEqual([expect.stringMatching(/^error aws_ssm_parameter\.p holds the master password of aws_db_instance\.orders in its tags argument/)]);
});

test("control: other text in the tags", async () => {
  expect(await written(plan(stack({ auth: "iam" })))).toEqual([]);
});
