import { mkdirSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { runCli } from "../../lib/cli/main";
import { agentRole, policy, tf } from "../helpers/tf";

async function run(args: string[]) {
  let stdout = "";
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: () => undefined, cwd: process.cwd(), env: {}, now: () => new Date("2026-11-25T12:00:00Z") });
  return { code, stdout };
}

const root = mkdtempSync(join(tmpdir(), "blastwall-files-"));
const ROLE = `resource "aws_iam_role" "agent" {
  name = "agent"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111111111111:role/runner" }, Action = "sts:AssumeRole" }]
  })
  tags = { "blastwall:agent" = "true" }
}
`;
const POLICY = `resource "aws_iam_role_policy" "ops" {
  role = "agent"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "ec2:DeleteVolume", Resource = "*" }] })
}
`;
const folder = (name: string, files: Record<string, string>) => {
  const dir = join(root, name);
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(dir, f, ".."), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
  return dir;
};
const summaryOf = async (...paths: string[]) => JSON.parse((await run(["check", "--format", "json", ...paths])).stdout).summary as { files: number };

describe("summary.files counts the files read, not the folders (red-team round 121)", () => {
  // The root, a variables file with no resource, and a local module: three files.
  const infra = folder("infra", {
    "main.tf": `${ROLE}module "m" {\n  source = "./modules/m"\n}\n`,
    "variables.tf": `variable "unused" {\n  default = "x"\n}\n`,
    "modules/m/main.tf": POLICY,
  });

  test("an HCL folder with a local module: every .tf file, in JSON and in the text verdict", async () => {
    expect((await summaryOf(infra)).files).toBe(3);
    expect((await run(["check", infra])).stdout.trimEnd().split("\n").pop()).toMatch(/ in 3 file\(s\);/);
  });

  test("a folder OpenTofu reads differently counts each file once", async () => {
    const both = folder("both", { "main.tf": ROLE, "extra.tofu": POLICY });
    expect((await summaryOf(both)).files).toBe(2);
  });

  test("control: Terraform JSON files count one each", async () => {
    const stack = (n: string) => {
      const f = join(root, `${n}.tf.json`);
      writeFileSync(f, JSON.stringify(tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.ops": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }) } })));
      return f;
    };
    const a = stack("a");
    expect((await summaryOf(a)).files).toBe(1);
    expect((await summaryOf(a, stack("b"))).files).toBe(2);
    expect((await summaryOf(a, infra)).files).toBe(4);
  });
});
