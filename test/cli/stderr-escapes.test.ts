/**
 * What the CLI writes to stderr comes partly from the files it reads: an address in a plan, a file name, a key a
 * problem names. `approve` lists the changes a human signs; an escape sequence in an address must not be able to
 * hide a line of that list or forge one.
 */
import { writeFileSync } from "fs";
import { join } from "path";
import { approveCommand } from "../../lib/cli/approve";
import { runCli } from "../../lib/cli/main";
import type { CliIO } from "../../lib/cli/io";
import { change, minimalPlan, tempDir } from "../plan/helpers";
import { ed25519 } from "../plan/keys";

const ESC = "\u001b";

function io(cwd: string) {
  const err: string[] = [];
  const cli: CliIO = { stdout: () => undefined, stderr: (t) => err.push(t), cwd, env: {}, now: () => new Date("2026-10-01T09:00:00Z") };
  return { cli, err: () => err.join("") };
}

describe("stderr shows what the files say, escaped", () => {
  test("approve: a planned address with escapes and a line break is listed on one line, escaped", async () => {
    const dir = tempDir();
    const sneaky = `aws_ebs_volume.data["x${ESC}[2K\r  aws_s3_bucket.logs [update]\n"]`;
    const plan = minimalPlan([change(sneaky, ["delete"], { id: "vol-1", size: 10 }, null)]);
    writeFileSync(join(dir, "plan.json"), JSON.stringify(plan));
    writeFileSync(join(dir, "approver.pem"), ed25519().privateKeyPem);
    const t = io(dir);
    expect(await approveCommand(["plan.json", "--key", "approver.pem", "--by", "alice", "--out", "approval.json"], t.cli)).toBe(0);
    const text = t.err();
    expect(text).not.toContain(ESC);
    expect(text).not.toContain("\r");
    expect(text).toContain("\\u001b[2K\\r");
    // the header and one line per change, nothing else
    expect(text.trimEnd().split("\n")).toHaveLength(2);
  });

  test("a bad-input line names the file with its control characters escaped", async () => {
    const dir = tempDir();
    const t = io(dir);
    expect(await runCli(["check", `missing${ESC}[8m.tf.json`], t.cli)).toBe(2);
    expect(t.err()).not.toContain(ESC);
    expect(t.err()).toContain("missing\\u001b[8m.tf.json");
  });
});

describe("help", () => {
  test.each([["check"], ["gate"], ["approve"]])("blastwall %s --help prints the usage on stdout and exits 0", async (cmd) => {
    let out = "";
    const code = await runCli([cmd, "--help"], { stdout: (t) => (out += t), stderr: () => undefined, cwd: tempDir(), env: {}, now: () => new Date() });
    expect(code).toBe(0);
    expect(out).toMatch(/usage:/);
  });

  test("after --, --help is a path", async () => {
    const t = io(tempDir());
    expect(await runCli(["check", "--", "--help"], t.cli)).toBe(2);
    expect(t.err()).toMatch(/--help: no such file or directory/);
  });
});

test("a missing path that looks like an option says it is not one", async () => {
  const t = io(tempDir());
  expect(await runCli(["check", "-f", "json"], t.cli)).toBe(2);
  expect(t.err()).toMatch(/-f: no such file or directory \(not an option of blastwall check either: see blastwall check --help\)\n$/);
});
