/**
 * Red-team round 106 (A1), the plan gate: a key the plan creates, handed through `random_id.keepers` into tags. The
 * plan shows both unknown; the configuration names the key in the keepers and the keepers in the tags.
 */
import { runCli } from "../../lib/cli/main";
import { minimalPlan, tempDir, writeTemp } from "./helpers";

const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "sts:AssumeRole" }] });
const doc = (action: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: "*" }] });

interface Res {
  readonly address: string;
  readonly values: Record<string, unknown>;
  readonly unknown: Record<string, unknown>;
  readonly expressions: Record<string, unknown>;
}

/** The agent may list a parameter's tags; a user that can do anything; its key; `random_id.r` given `keepers`, and a parameter tagged with them. */
function plan(keepers: Record<string, unknown>): Record<string, unknown> {
  const R: Res[] = [
    { address: "aws_iam_role.agent", values: { name: "agent", path: "/", assume_role_policy: TRUST, tags: { "blastwall:agent": "true" }, tags_all: { "blastwall:agent": "true" }, max_session_duration: 3600 }, unknown: { arn: true }, expressions: {} },
    { address: "aws_iam_role_policy.agent", values: { name: "agent", role: "agent", policy: doc("ssm:ListTagsForResource") }, unknown: {}, expressions: {} },
    { address: "aws_iam_user.ci", values: { name: "ci", path: "/" }, unknown: { arn: true }, expressions: {} },
    { address: "aws_iam_user_policy.ci", values: { name: "admin", user: "ci", policy: doc("*") }, unknown: {}, expressions: { user: { references: ["aws_iam_user.ci.name", "aws_iam_user.ci"] } } },
    { address: "aws_iam_access_key.ci", values: { user: "ci", status: "Active" }, unknown: { id: true, secret: true, ses_smtp_password_v4: true }, expressions: { user: { references: ["aws_iam_user.ci.name", "aws_iam_user.ci"] } } },
    { address: "random_id.r", values: { byte_length: 4, keepers: {} }, unknown: { keepers: { s: true }, hex: true, id: true }, expressions: { byte_length: { constant_value: 4 }, keepers } },
    { address: "aws_ssm_parameter.p", values: { name: "/ci/note", type: "String", value: "see tags" }, unknown: { tags: true, tags_all: true, arn: true }, expressions: { tags: { references: ['random_id.r.keepers["s"]', "random_id.r.keepers", "random_id.r"] } } },
  ];
  const provider = (a: string) => `registry.terraform.io/hashicorp/${a.split("_")[0]}`;
  const changes = R.map((r) => ({
    address: r.address,
    mode: "managed",
    type: r.address.split(".")[0],
    name: r.address.split(".")[1],
    provider_name: provider(r.address),
    change: { actions: ["create"], before: null, after: r.values, after_unknown: r.unknown, before_sensitive: false, after_sensitive: {} },
  }));
  return minimalPlan(changes, {
    planned_values: { root_module: { resources: R.map((r) => ({ address: r.address, mode: "managed", type: r.address.split(".")[0], name: r.address.split(".")[1], provider_name: provider(r.address), values: r.values })) } },
    configuration: {
      provider_config: { aws: { name: "aws" }, random: { name: "random" } },
      root_module: { resources: R.map((r) => ({ address: r.address, mode: "managed", type: r.address.split(".")[0], name: r.address.split(".")[1], provider_config_key: r.address.split("_")[0], expressions: r.expressions })) },
    },
  });
}

async function gate(p: Record<string, unknown>) {
  const dir = tempDir();
  writeTemp(dir, "plan.json", JSON.stringify(p));
  let stdout = "";
  const code = await runCli(["gate", "--format", "json", "plan.json"], { stdout: (t) => (stdout += t), stderr: () => undefined, cwd: dir, env: {}, now: () => new Date("2026-11-27T09:00:00Z") });
  const report = JSON.parse(stdout) as { findings: { ruleId: string; severity: string; resource: string }[] };
  return { code, written: report.findings.filter((f) => f.severity === "error" && f.ruleId === "credential-in-configuration").map((f) => f.resource) };
}

test("random_id keepers made from the key the plan creates, written into tags: credential-in-configuration", async () => {
  expect(await gate(plan({ references: ["aws_iam_access_key.ci.secret", "aws_iam_access_key.ci"] }))).toEqual({ code: 1, written: ["aws_ssm_parameter.p"] });
});

test("control: keepers made from the user's name", async () => {
  expect(await gate(plan({ references: ["aws_iam_user.ci.name", "aws_iam_user.ci"] }))).toEqual({ code: 0, written: [] });
});
