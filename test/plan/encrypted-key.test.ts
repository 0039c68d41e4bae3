/**
 * An approver's private key is best kept encrypted at rest: `blastwall approve` reads one with its passphrase from
 * BLASTWALL_KEY_PASSPHRASE, and says in one line what is wrong when it cannot.
 */
import { generateKeyPairSync } from "crypto";
import { copyFileSync, writeFileSync } from "fs";
import { join } from "path";
import { runCli } from "../../lib/cli/main";
import { fixture, tempDir } from "./helpers";

const NOW = new Date("2026-10-01T09:00:00.000Z");

const { privateKey, publicKey } = generateKeyPairSync("ed25519", {
  privateKeyEncoding: { type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "correct horse" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

async function run(args: string[], cwd: string, env: Record<string, string> = {}) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, env, now: () => NOW });
  return { code, stdout, stderr };
}

function workspace() {
  const dir = tempDir();
  copyFileSync(fixture("replace.json"), join(dir, "plan.json"));
  writeFileSync(join(dir, "alice.pem"), privateKey);
  writeFileSync(join(dir, "alice.pub.pem"), publicKey);
  return dir;
}

const approve = ["approve", "plan.json", "--key", "alice.pem", "--by", "alice", "--out", "a.json"];

describe("an encrypted approver key", () => {
  test("signs with the passphrase from BLASTWALL_KEY_PASSPHRASE, and the gate accepts the approval", async () => {
    expect(privateKey).toContain("ENCRYPTED PRIVATE KEY");
    const dir = workspace();
    expect((await run(approve, dir, { BLASTWALL_KEY_PASSPHRASE: "correct horse" })).code).toBe(0);
    const gate = await run(["gate", "--trust", "alice=alice.pub.pem", "--approval", "a.json", "plan.json"], dir);
    expect(gate.code).toBe(0);
  });

  test.each([
    ["no passphrase", {}, /^blastwall: alice\.pem: is an encrypted private key; give its passphrase in the environment variable BLASTWALL_KEY_PASSPHRASE\n$/],
    ["an empty one", { BLASTWALL_KEY_PASSPHRASE: "" }, /^blastwall: alice\.pem: is an encrypted private key; give its passphrase/],
    ["a wrong one", { BLASTWALL_KEY_PASSPHRASE: "battery staple" }, /^blastwall: alice\.pem: the passphrase in BLASTWALL_KEY_PASSPHRASE does not decrypt this key/],
  ])("%s: exit 2 with one line naming the key file", async (_name, env, line) => {
    const r = await run(approve, workspace(), env as Record<string, string>);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(line);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});
