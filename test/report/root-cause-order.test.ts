import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { runCli } from "../../lib/cli/main";
import { agentRole, tf } from "../helpers/tf";

async function run(args: string[]) {
  let stdout = "";
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: () => undefined, cwd: process.cwd(), env: {}, now: () => new Date("2026-11-25T12:00:00Z") });
  return { code, stdout };
}

const dir = mkdtempSync(join(tmpdir(), "blastwall-root-cause-"));
const write = (name: string, policy: string) => {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(tf({ "aws_iam_role.x": agentRole(), "aws_iam_role_policy.x": { role: "${aws_iam_role.x.name}", policy } })));
  return p;
};
const bad = write("bad.tf.json", "{bad");
// Readable, and as wide as a policy that cannot be read counts: the same findings, no root cause to point at.
const wide = write("wide.tf.json", JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }));

type JsonFinding = { ruleId: string; principal: string; message: string };
const findingsOf = async (file: string) => (JSON.parse((await run(["check", "--format", "json", file])).stdout).findings as JsonFinding[]).filter((f) => f.principal === "aws_iam_role.x");

describe("an unreadable policy is reported as the root cause", () => {
  test("unanalysable-policy comes first for the principal, in JSON and text", async () => {
    const findings = await findingsOf(bad);
    expect(findings[0].ruleId).toBe("unanalysable-policy");
    expect(findings.map((f) => f.ruleId)).toContain("agent-reach-unknown");
    const text = (await run(["check", bad])).stdout;
    expect(text.startsWith("ERROR unanalysable-policy  aws_iam_role.x")).toBe(true);
  });

  test("the findings that follow from it say so; those that do not, do not", async () => {
    const findings = await findingsOf(bad);
    const reach = findings.find((f) => f.ruleId === "agent-reach-unknown")!;
    expect(reach.message).toMatch(/follows from aws_iam_role_policy\.x, which blastwall cannot read \(see unanalysable-policy\)/);
    const boundary = findings.find((f) => f.ruleId === "agent-role-boundary")!;
    expect(boundary.message).not.toMatch(/unanalysable-policy/);
    expect(findings.find((f) => f.ruleId === "unanalysable-policy")!.message).not.toMatch(/follows from/);
  });

  test("control: a readable wide policy gives the same findings with no root cause named", async () => {
    const findings = await findingsOf(wide);
    expect(findings.map((f) => f.ruleId)).not.toContain("unanalysable-policy");
    expect(findings.map((f) => f.ruleId)).toContain("agent-reach-unknown");
    for (const f of findings) expect(f.message).not.toMatch(/follows from/);
  });
});
