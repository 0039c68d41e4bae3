/**
 * A plan's `tags_all` is `tags` over the provider's `default_tags`. Left unknown in a plan, it used to be skipped as
 * saying nothing `tags` and the provider do not; but a plan's stack has no provider blocks, so default tags built from
 * an expression (`default_tags { tags = local.tags }`) were never read, and a role they make an agent passed the gate
 * with a destroy right (red-team round 85). Literal default tags are read into `tags_all`; no default tags leave an
 * unknown `tags_all` meaning nothing, as before (older providers leave it unknown on every new role).
 */
import { runCli } from "../../lib/cli/main";
import { minimalPlan, tempDir, writeTemp } from "./helpers";

const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "sts:AssumeRole" }] });
const POLICY = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:DeleteBucket", Resource: "*" }] });

function plan(defaultTags: unknown, roleTags: unknown = null): Record<string, unknown> {
  const role = { name: "agent", assume_role_policy: TRUST, tags: roleTags, tags_all: null, path: "/", max_session_duration: 3600 };
  const policy = { name: "p", role: "agent", policy: POLICY };
  const resource = (type: string, name: string, values: unknown) => ({ address: `${type}.${name}`, mode: "managed", type, name, provider_name: "registry.terraform.io/hashicorp/aws", values });
  const changeOf = (type: string, name: string, after: unknown, unknown: unknown) => ({
    address: `${type}.${name}`,
    mode: "managed",
    type,
    name,
    provider_name: "registry.terraform.io/hashicorp/aws",
    change: { actions: ["create"], before: null, after, after_unknown: unknown, before_sensitive: {}, after_sensitive: {} },
  });
  const provider: Record<string, unknown> = { name: "aws", full_name: "registry.terraform.io/hashicorp/aws" };
  if (defaultTags !== undefined) provider.expressions = { default_tags: [{ tags: defaultTags }] };
  return minimalPlan([changeOf("aws_iam_role", "agent", role, { arn: true, id: true, tags_all: true }), changeOf("aws_iam_role_policy", "p", policy, { id: true })], {
    planned_values: { root_module: { resources: [resource("aws_iam_role", "agent", role), resource("aws_iam_role_policy", "p", policy)] } },
    configuration: {
      provider_config: { aws: provider },
      root_module: {
        resources: [
          { address: "aws_iam_role.agent", mode: "managed", type: "aws_iam_role", name: "agent", provider_config_key: "aws", expressions: { name: { constant_value: "agent" } } },
          { address: "aws_iam_role_policy.p", mode: "managed", type: "aws_iam_role_policy", name: "p", provider_config_key: "aws", expressions: { role: { references: ["aws_iam_role.agent.name", "aws_iam_role.agent"] } } },
        ],
      },
    },
  });
}

async function gate(p: Record<string, unknown>) {
  const dir = tempDir();
  writeTemp(dir, "plan.json", JSON.stringify(p));
  let stdout = "";
  const code = await runCli(["gate", "--format", "json", "plan.json"], { stdout: (t) => (stdout += t), stderr: () => undefined, cwd: dir, env: {}, now: () => new Date("2026-11-27T09:00:00Z") });
  const report = JSON.parse(stdout) as { findings: { ruleId: string; severity: string; message: string }[]; summary: { agentPrincipals: number } };
  return { code, ids: report.findings.filter((f) => f.severity === "error").map((f) => f.ruleId).sort(), report };
}

describe("plan gate: an unknown tags_all beside the provider's default tags (red-team round 85)", () => {
  test("default tags from an expression: the unknown tags_all may make the role an agent, and the gate fails", async () => {
    const { code, ids, report } = await gate(plan({ references: ["local.tags"] }));
    expect(code).toBe(1);
    expect(ids).toContain("agent-tags-unreadable");
    const f = report.findings.find((x) => x.ruleId === "agent-tags-unreadable")!;
    expect(f.message).toContain("aws_iam_role.agent may be an AI agent: its tags_all are");
    expect(f.message).toContain("s3:DeleteBucket");
  });

  test("literal default tags with the agent tag: the role is an agent, and its destroy right fails the gate", async () => {
    const { code, ids } = await gate(plan({ constant_value: { "blastwall:agent": "true", team: "ops" } }));
    expect(code).toBe(1);
    expect(ids).toContain("agent-destroy-right");
    expect(ids).not.toContain("agent-tags-unreadable");
  });

  test("control: literal default tags without it, or none at all, leave the role what its own tags say", async () => {
    for (const defaults of [{ constant_value: { team: "ops" } }, undefined]) {
      const { code, ids } = await gate(plan(defaults));
      expect([defaults, code, ids]).toEqual([defaults, 0, []]);
    }
  });

  test("control: the role's own tags win over literal default tags, as the provider merges them", async () => {
    const { code, ids } = await gate(plan({ constant_value: { "blastwall:agent": "true" } }, { "blastwall:agent": "false" }));
    expect([code, ids]).toEqual([0, []]);
  });
});
