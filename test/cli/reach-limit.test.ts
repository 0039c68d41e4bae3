import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { runCli } from "../../lib/cli/main";
import { MAX_REACH_EDGES } from "../../lib/engine/reach/graph-limit";

async function run(args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: process.cwd(), env: {}, now: () => new Date("2026-11-25T12:00:00Z") });
  return { code, stdout, stderr };
}

const dir = mkdtempSync(join(tmpdir(), "blastwall-reach-limit-"));
const TRUST = JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "sts:AssumeRole" }] });

/**
 * Red-team round 176, F2, with the real limit: `roles` roles that each trust the account root and may assume `*`, in
 * `grants` statements (each an edge per role, so the limit is passed in a small file and a second); r0 is the agent.
 * Its 3,300 roles of one grant each ran the process out of heap (exit 134).
 */
function completeFile(name: string, roles: number, grants: number): string {
  const policy = JSON.stringify({ Statement: Array.from({ length: grants }, (_, k) => ({ Sid: `Hop${k}`, Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" })) });
  const role: Record<string, unknown> = {};
  const inline: Record<string, unknown> = {};
  for (let i = 0; i < roles; i++) {
    role[`r${i}`] = { name: `r${i}`, assume_role_policy: TRUST, ...(i === 0 ? { path: "/agents/" } : {}) };
    inline[`p${i}`] = { role: `r${i}`, policy };
  }
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ provider: { aws: [{ region: "us-east-1" }] }, resource: { aws_iam_role: role, aws_iam_role_policy: inline } }));
  return path;
}

describe("blastwall check on a stack whose reach graph passes the limit", () => {
  test("exit 1 with an error for the agent that says why and how to fix, no crash", async () => {
    // 80 x 79 x 80 edges between the stack's roles alone, more than the limit.
    expect(80 * 79 * 80).toBeGreaterThan(MAX_REACH_EDGES);
    const r = await run(["check", "--format", "json", completeFile("over.tf.json", 80, 80)]);
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.stdout).findings as { ruleId: string; severity: string; principal: string; message: string; fix: string }[];
    const limited = findings.filter((f) => /is larger than blastwall follows/.test(f.message));
    expect(limited).toHaveLength(1);
    expect(limited[0]).toMatchObject({ ruleId: "reach-graph-too-large", severity: "error", principal: "aws_iam_role.r0" });
    expect(limited[0].message).toMatch(/80 principal\(s\) \(80 role\(s\)\).*passed 500,000.*every principal of the stack, with every right/);
    expect(limited[0].fix).toMatch(/grant sts:AssumeRole and iam:PassRole on the exact roles/);
  });

  test("control: the same organisation with fewer grants stays under the limit and reports as before", async () => {
    const r = await run(["check", "--format", "json", completeFile("under.tf.json", 80, 4)]);
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.stdout).findings as { ruleId: string; principal: string; message: string }[];
    expect(findings.filter((f) => /is larger than blastwall follows/.test(f.message))).toEqual([]);
    // The agent's own `*` may name roles outside the stack: the usual finding.
    expect(findings.some((f) => f.ruleId === "agent-reach-unknown" && f.principal === "aws_iam_role.r0" && /whose rights blastwall cannot see/.test(f.message))).toBe(true);
  });
});
