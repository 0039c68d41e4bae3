/**
 * Red-team round 114 F2: `runGate({ planFile, approvals, trustedKeys })`, the library example of docs/plan-gate.md,
 * judged no IAM, so a plan that gives an agent role ec2:DeleteVolume passed where `blastwall gate` fails it. The
 * library now runs the engine `blastwall gate` runs unless told `analyzeStack: false`.
 */
import { execFileSync } from "child_process";
import { writeFileSync } from "fs";
import { join } from "path";
import { createApproval } from "../../lib/plan/approval";
import { gateFails, runGate } from "../../lib/plan/gate";
import { minimalPlan, change, tempDir } from "./helpers";
import { ed25519 } from "./keys";

const NOW = new Date("2026-10-01T09:00:00.000Z");
const alice = ed25519();
const ROOT = join(__dirname, "..", "..");

const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/runner" }, Action: "sts:AssumeRole" }] });
const policy = (action: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: "*" }] });

/** An existing role (tagged an agent or not) and a new inline policy on it, as report round 114's pg/iam-plan.json. */
function iamPlan(action: string, agent = true): Record<string, unknown> {
  const tags = agent ? { "blastwall:agent": "true" } : { team: "data" };
  const role = { name: "agent", path: "/", assume_role_policy: trust, tags, tags_all: tags, max_session_duration: 3600, permissions_boundary: null };
  const inline = { role: "agent", name: "p", policy: policy(action) };
  const resources = [
    { address: "aws_iam_role.agent", mode: "managed", type: "aws_iam_role", name: "agent", provider_name: "registry.terraform.io/hashicorp/aws", values: role },
    { address: "aws_iam_role_policy.p", mode: "managed", type: "aws_iam_role_policy", name: "p", provider_name: "registry.terraform.io/hashicorp/aws", values: inline },
  ];
  return minimalPlan([change("aws_iam_role.agent", ["no-op"], role, role), change("aws_iam_role_policy.p", ["create"], null, inline)], {
    planned_values: { root_module: { resources } },
    prior_state: { format_version: "1.0", values: { root_module: { resources: [resources[0]] } } },
  });
}

function workspace(plan: Record<string, unknown>) {
  const dir = tempDir();
  writeFileSync(join(dir, "plan.json"), JSON.stringify(plan));
  writeFileSync(join(dir, "alice.pub.pem"), alice.publicKeyPem);
  return dir;
}

describe("the library gate judges IAM as blastwall gate does", () => {
  test("the documented call (no analyzeStack) fails a plan that gives an agent ec2:DeleteVolume", () => {
    const dir = workspace(iamPlan("ec2:DeleteVolume"));
    const r = runGate({ planFile: "plan.json", approvals: [], trustedKeys: [], cwd: dir, now: NOW });
    expect(r.findings.map((f) => `${f.ruleId} ${f.severity} ${f.principal}`)).toEqual(["agent-destroy-right error aws_iam_role.agent"]);
    expect(gateFails(r)).toBe(true);
    // SARIF lists the agent rules it may report.
    expect(r.rules?.some((m) => m.id === "agent-destroy-right")).toBe(true);
  });

  test("control: a read right for the agent, or a destroy right for a role that is no agent, passes", () => {
    for (const plan of [iamPlan("ec2:DescribeVolumes"), iamPlan("ec2:DeleteVolume", false)]) {
      const r = runGate({ planFile: "plan.json", cwd: workspace(plan), now: NOW });
      expect(r.findings).toEqual([]);
      expect(gateFails(r)).toBe(false);
    }
  });

  test("analyzeStack: false is the explicit opt-out: plan rules only, and the agent rules are not listed", () => {
    const r = runGate({ planFile: "plan.json", cwd: workspace(iamPlan("ec2:DeleteVolume")), now: NOW, analyzeStack: false });
    expect(r.findings).toEqual([]);
    expect(r.rules?.some((m) => m.id === "agent-destroy-right")).toBe(false);
  });

  test("a hook given is the one run", () => {
    const r = runGate({ planFile: "plan.json", cwd: workspace(iamPlan("ec2:DeleteVolume")), now: NOW, analyzeStack: () => [] });
    expect(r.findings).toEqual([]);
  });

  test("createApproval lists the change the default engine blocks, and the gate accepts it", () => {
    const dir = workspace(iamPlan("ec2:DeleteVolume"));
    const approval = createApproval("plan.json", { privateKeyPem: alice.privateKeyPem, by: "alice", expiresIn: "1h", now: NOW, cwd: dir });
    expect(approval.approved).toEqual([{ address: "aws_iam_role_policy.p", actions: ["create"] }]);
    writeFileSync(join(dir, "approval.json"), JSON.stringify(approval));
    const r = runGate({ planFile: "plan.json", approvals: ["approval.json"], trustedKeys: ["alice.pub.pem"], cwd: dir, now: NOW });
    expect(r.findings.map((f) => [f.ruleId, Boolean(f.acknowledged)])).toEqual([["agent-destroy-right", true]]);
    expect(gateFails(r)).toBe(false);
  });

  test("requiring the plan library loads neither the engine nor the rules until a gate runs", () => {
    const script = `
      const seen = (m) => Object.keys(require.cache).some((k) => k.replace(/\\\\/g, "/").endsWith("/dist/lib/" + m + ".js"));
      require("./dist/lib/plan");
      console.log(JSON.stringify([seen("engine/analyze"), seen("rules/index")]));`;
    expect(JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" }))).toEqual([false, false]);
  });
});
