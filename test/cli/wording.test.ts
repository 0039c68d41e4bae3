import { spawnSync } from "child_process";
import { chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import type { CliIO } from "../../lib/cli/io";
import { runCli } from "../../lib/cli/main";
import { agentRole, policy, tf } from "../helpers/tf";
import { fixture } from "../plan/helpers";
import { ed25519 } from "../plan/keys";

const ROOT = join(__dirname, "..", "..");

async function run(args: string[], cwd: string) {
  let stdout = "";
  let stderr = "";
  const io: CliIO = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, env: {}, now: () => new Date("2026-10-01T09:00:00.000Z") };
  return { code: await runCli(args, io), stdout, stderr };
}

describe("approve --expires with the unit as a word of its own", () => {
  const alice = ed25519();
  const dir = mkdtempSync(join(tmpdir(), "blastwall-expires-"));
  copyFileSync(fixture("replace.json"), join(dir, "plan.json"));
  writeFileSync(join(dir, "alice.pem"), alice.privateKeyPem);

  test("`--expires 2 hours` says --expires takes one value, such as 2h", async () => {
    const r = await run(["approve", "plan.json", "--key", "alice.pem", "--by", "alice", "--expires", "2", "hours"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^blastwall approve: --expires takes one value, a duration such as 2h \(units s, m, h, d, w\); got "2" and "hours": write --expires 2h/);
    expect(r.stderr).not.toMatch(/PLAN_JSON, got 2/);
  });

  test("control: two plans are still two plans", async () => {
    const r = await run(["approve", "plan.json", "plan.json", "--key", "alice.pem", "--by", "alice"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/approve takes exactly one PLAN_JSON, got 2/);
  });
});

describe("an unreadable config is one clear line", () => {
  test("EACCES: cannot read the config file: permission denied (no raw errno text, no path repeated)", () => {
    // Root reads any file: run the CLI as nobody then, in a folder it may enter.
    const asRoot = process.getuid?.() === 0;
    const dir = mkdtempSync(join(asRoot ? "/tmp" : tmpdir(), "blastwall-eacces-"));
    try {
      chmodSync(dir, 0o755);
      writeFileSync(join(dir, "stack.tf.json"), JSON.stringify(tf({ "aws_iam_role.agent": agentRole() })));
      chmodSync(join(dir, "stack.tf.json"), 0o644);
      writeFileSync(join(dir, "cfg.json"), "{}");
      chmodSync(join(dir, "cfg.json"), 0o000);
      const r = spawnSync(process.execPath, [join(ROOT, "bin", "blastwall.js"), "check", "--config", "cfg.json", "stack.tf.json"], {
        cwd: dir,
        encoding: "utf8",
        ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
      });
      expect(r.status).toBe(2);
      expect(r.stderr).toBe("blastwall: cfg.json: cannot read the config file: permission denied\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("an unreadable stack file says the same, in the one reader every input shares", () => {
    const asRoot = process.getuid?.() === 0;
    const dir = mkdtempSync(join(asRoot ? "/tmp" : tmpdir(), "blastwall-eacces-"));
    try {
      chmodSync(dir, 0o755);
      writeFileSync(join(dir, "stack.tf.json"), JSON.stringify(tf({ "aws_iam_role.agent": agentRole() })));
      chmodSync(join(dir, "stack.tf.json"), 0o000);
      const r = spawnSync(process.execPath, [join(ROOT, "bin", "blastwall.js"), "check", "stack.tf.json"], { cwd: dir, encoding: "utf8", ...(asRoot ? { uid: 65534, gid: 65534 } : {}) });
      expect(r.status).toBe(2);
      expect(r.stderr).toBe("blastwall: stack.tf.json: permission denied\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("agent-stored-secret says what `where: *` means", () => {
  test("the text report explains the pattern and that it reaches beyond the stack", async () => {
    const dir = mkdtempSync(join(tmpdir(), "blastwall-where-"));
    writeFileSync(
      join(dir, "s.tf.json"),
      JSON.stringify(tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.read": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" }) } })),
    );
    const r = await run(["check", "s.tf.json"], dir);
    const block = r.stdout.split("\n\n").find((b) => b.startsWith("WARNING agent-stored-secret")) ?? "";
    const where = block.split("\n").find((l) => l.startsWith("  where:")) ?? "";
    expect(where).toMatch(/^ {2}where: +\* \(the Resource pattern .*outside this stack/);
    // The JSON contract keeps the resource as it is.
    const json = JSON.parse((await run(["check", "--format", "json", "s.tf.json"], dir)).stdout);
    expect(json.findings.find((f: { ruleId: string }) => f.ruleId === "agent-stored-secret").resource).toBe("*");
  });
});
