import { mkdirSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { runCli } from "../../lib/cli/main";
import { agentRole, policy, tf } from "../helpers/tf";

async function run(args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: process.cwd(), env: {}, now: () => new Date("2026-11-25T12:00:00Z") });
  return { code, stdout, stderr };
}

const root = mkdtempSync(join(tmpdir(), "blastwall-hcl-loc-"));
const hcl = join(root, "infra");
mkdirSync(hcl);
writeFileSync(
  join(hcl, "main.tf"),
  `resource "aws_iam_role" "agent" {
  name = "agent"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111111111111:role/runner" }, Action = "sts:AssumeRole" }]
  })
  tags = { "blastwall:agent" = "true" }
}
`,
);
writeFileSync(
  join(hcl, "policy.tf"),
  `# the agent's rights

resource "aws_iam_role_policy" "work" {
  role = aws_iam_role.agent.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["ec2:DeleteVolume"], Resource = "*" }]
  })
}
`,
);

/** The finding of one rule in the text report, as its lines. */
function block(text: string, ruleId: string): string {
  return text.split("\n\n").find((b) => b.startsWith(`ERROR ${ruleId} `)) ?? "";
}

describe("HCL findings point at the .tf file and line of the resource to edit", () => {
  test("text: file is policy.tf:3 (the policy), not the folder", async () => {
    const r = await run(["check", hcl]);
    expect(r.code).toBe(1);
    const destroy = block(r.stdout, "agent-destroy-right");
    expect(destroy).toMatch(/where:\s+aws_iam_role_policy\.work/);
    expect(destroy).toMatch(/\n  file:\s+\S*infra[\\/]policy\.tf:3\n/);
    // A finding about the role itself points at the role's block.
    expect(block(r.stdout, "agent-role-boundary")).toMatch(/\n  file:\s+\S*infra[\\/]main\.tf:1\n/);
  });

  test("text: each path step's location is a path from where blastwall ran, as file: and the JSON report name it (red-team round 121)", async () => {
    const destroy = block((await run(["check", hcl])).stdout, "agent-destroy-right");
    expect(destroy).toContain(`statement: aws_iam_role_policy.work [${join(hcl, "policy.tf")}:3]`);
    expect(destroy).toContain(`principal: aws_iam_role.agent [${join(hcl, "main.tf")}:1]`);
    // Relative to the folder read, `[main.tf:1]` named a main.tf of the working directory.
    expect(destroy).not.toMatch(/\[(main|policy)\.tf:/);
  });

  test("sarif: the destroy-right result points at the policy's line, not the role's", async () => {
    const r = await run(["check", "--format", "sarif", hcl]);
    const results = JSON.parse(r.stdout).runs[0].results as { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[];
    const destroy = results.find((x) => x.ruleId === "agent-destroy-right")!;
    expect(destroy.locations[0].physicalLocation.artifactLocation.uri).toMatch(/infra\/policy\.tf$/);
    expect(destroy.locations[0].physicalLocation.region.startLine).toBe(3);
    const boundary = results.find((x) => x.ruleId === "agent-role-boundary")!;
    expect(boundary.locations[0].physicalLocation.artifactLocation.uri).toMatch(/infra\/main\.tf$/);
  });

  test("json: file is the .tf file of the policy, with its line, and evidence locations are paths from where blastwall ran", async () => {
    const r = await run(["check", "--format", "json", hcl]);
    type F = { ruleId: string; file: string; line?: number; evidence: { address: string; location?: string }[] };
    const findings = JSON.parse(r.stdout).findings as F[];
    const destroy = findings.find((f) => f.ruleId === "agent-destroy-right")!;
    expect(destroy.file).toBe(join(hcl, "policy.tf"));
    expect(destroy.line).toBe(3);
    expect(destroy.evidence.find((e) => e.address === "aws_iam_role_policy.work")!.location).toBe(`${join(hcl, "policy.tf")}:3`);
    expect(destroy.evidence.find((e) => e.address === "aws_iam_role.agent")!.location).toBe(`${join(hcl, "main.tf")}:1`);
    const boundary = findings.find((f) => f.ruleId === "agent-role-boundary")!;
    expect([boundary.file, boundary.line]).toEqual([join(hcl, "main.tf"), 1]);
  });

  test("control: Terraform JSON input keeps naming its file in the JSON report, with no line", async () => {
    const file = join(root, "stack2.tf.json");
    writeFileSync(
      file,
      JSON.stringify(tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.ops": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }) } })),
    );
    const destroy = (JSON.parse((await run(["check", "--format", "json", file])).stdout).findings as { ruleId: string; file: string; line?: number }[]).find((f) => f.ruleId === "agent-destroy-right")!;
    expect(destroy.file).toBe(file);
    expect(destroy).not.toHaveProperty("line");
  });

  test("control: Terraform JSON input keeps naming its file, with no line", async () => {
    const file = join(root, "stack.tf.json");
    writeFileSync(
      file,
      JSON.stringify(tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.ops": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }) } })),
    );
    const r = await run(["check", file]);
    expect(block(r.stdout, "agent-destroy-right")).toMatch(/\n  file:\s+\S*stack\.tf\.json\n/);
  });
});
