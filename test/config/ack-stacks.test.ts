/**
 * Acknowledgements in the config across stacks: stacks built from the same code share Terraform addresses, so an
 * acknowledgement reviewed for staging must not silently cover prod.
 */
import type { BlastwallConfig } from "../../lib/engine/config-types";
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import { parseConfig } from "../../lib/config/load-config";

/** The same construct code synthesized as two stacks: the same addresses in both. */
function envStack(name: string) {
  return buildStack(
    {
      "//": { metadata: { stackName: name } },
      resource: {
        aws_iam_role: {
          deployer: {
            name: `${name}-deployer`,
            assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
            tags: { "blastwall:agent": "true" },
          },
        },
        aws_iam_role_policy: {
          work: {
            role: "${aws_iam_role.deployer.name}",
            policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }] }),
          },
        },
      },
    },
    `cdktf.out/stacks/${name}/cdk.tf.json`,
    name,
  );
}

const NOW = new Date("2026-11-26T00:00:00Z");
const REASON = "scratch volumes only; reviewed by the platform team";
const run = (config: BlastwallConfig) => checkStacks([envStack("staging"), envStack("prod")], { config, rules: agentRules, now: NOW });
const destroyIn = (r: ReturnType<typeof run>, stack: string) => r.findings.find((f) => f.ruleId === "agent-destroy-right" && f.file.includes(`/${stack}/`));

describe("acknowledgements in the config, across stacks", () => {
  test("with `stack`, it covers that stack only: the same address in prod still fails", () => {
    const r = run({ acknowledgements: [{ ruleId: "agent-destroy-right", principal: "aws_iam_role.deployer", reason: REASON, stack: "staging" }] });
    expect(destroyIn(r, "staging")?.acknowledged?.reason).toBe(REASON);
    expect(destroyIn(r, "prod")?.acknowledged).toBeUndefined();
    expect(r.summary.errors).toBeGreaterThan(0);
    expect(r.findings.some((f) => f.ruleId === "acknowledgement-unscoped")).toBe(false);
  });

  test("without `stack`, it covers both, and a warning names the stacks it covered", () => {
    const r = run({ acknowledgements: [{ ruleId: "agent-destroy-right", principal: "aws_iam_role.deployer", reason: REASON }] });
    expect(destroyIn(r, "staging")?.acknowledged).toBeDefined();
    expect(destroyIn(r, "prod")?.acknowledged).toBeDefined();
    const w = r.findings.filter((f) => f.ruleId === "acknowledgement-unscoped");
    expect(w).toHaveLength(1);
    expect(w[0]).toMatchObject({ severity: "warning", principal: "aws_iam_role.deployer" });
    expect(w[0].message).toMatch(/names no stack[\s\S]*"staging", "prod"/);
    expect(w[0].fix).toMatch(/"stack"/);
  });

  test("without `stack`, covering one stack only, it raises no warning", () => {
    const r = checkStacks([envStack("staging")], {
      config: { acknowledgements: [{ ruleId: "agent-destroy-right", principal: "aws_iam_role.deployer", reason: REASON }] },
      rules: agentRules,
      now: NOW,
    });
    expect(r.findings.map((f) => f.ruleId)).not.toContain("acknowledgement-unscoped");
    expect(destroyIn(r, "staging")?.acknowledged).toBeDefined();
  });

  test("a stack name that matches no stack covers nothing (the findings still fail)", () => {
    const r = run({ acknowledgements: [{ ruleId: "agent-destroy-right", principal: "aws_iam_role.deployer", reason: REASON, stack: "Staging" }] });
    expect(destroyIn(r, "staging")?.acknowledged).toBeUndefined();
    expect(destroyIn(r, "prod")?.acknowledged).toBeUndefined();
  });

  test("an expired acknowledgement is reported once, counting the findings of every stack it matched", () => {
    const r = run({ acknowledgements: [{ ruleId: "agent-destroy-right", principal: "aws_iam_role.deployer", reason: REASON, expires: "2026-01-31" }] });
    const expired = r.findings.filter((f) => f.ruleId === "acknowledgement-expired");
    expect(expired).toHaveLength(1);
    expect(expired[0].message).toMatch(/no longer covers 2 findings/);
    expect(destroyIn(r, "prod")?.acknowledged).toBeUndefined();
    expect(r.findings.some((f) => f.ruleId === "acknowledgement-unscoped")).toBe(false);
  });

  test("the config schema accepts `stack` and rejects an empty one, naming the key", () => {
    const ok = { acknowledgements: [{ ruleId: "agent-destroy-right", principal: "aws_iam_role.deployer", reason: REASON, stack: "prod" }] };
    expect(parseConfig(ok, "blastwall.json").acknowledgements?.[0].stack).toBe("prod");
    const bad = { acknowledgements: [{ ruleId: "agent-destroy-right", principal: "aws_iam_role.deployer", reason: REASON, stack: "" }] };
    expect(() => parseConfig(bad, "blastwall.json")).toThrow(/^blastwall.json: acknowledgements\[0\]\.stack: must be at least 1 characters/);
  });
});
