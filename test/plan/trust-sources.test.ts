/**
 * Where the gate takes its trusted keys from. The repository's blastwall.json can be written by anyone who writes
 * the repository, agents included: an agent that adds its own key there must not be able to approve its own
 * destroys (found by a red-team). Config keys count only from a config named with --config, and not beside --trust.
 */
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from "fs";
import { join } from "path";
import { approveCommand } from "../../lib/cli/approve";
import { gateCommand } from "../../lib/cli/gate";
import type { CliIO } from "../../lib/cli/io";
import { fixture, tempDir } from "./helpers";
import { ed25519 } from "./keys";

const NOW = new Date("2026-10-01T09:00:00.000Z");
const alice = ed25519();
const mallory = ed25519();

function io(cwd: string) {
  const out: string[] = [];
  const cli: CliIO = { stdout: (t) => out.push(t), stderr: () => undefined, cwd, env: {}, now: () => NOW };
  return { cli, out: () => out.join("") };
}

/** A checkout whose blastwall.json trusts mallory's key, and an approval mallory signed in alice's name. */
async function checkout(configName = "blastwall.json") {
  const dir = tempDir();
  copyFileSync(fixture("replace.json"), join(dir, "plan.json"));
  writeFileSync(join(dir, "mallory.pem"), mallory.privateKeyPem);
  writeFileSync(join(dir, "alice.pub.pem"), alice.publicKeyPem);
  writeFileSync(join(dir, configName), JSON.stringify({ trustedKeys: [mallory.publicKeyPem] }));
  await approveCommand(["plan.json", "--key", "mallory.pem", "--by", "alice@example.com", "--out", "m.json", ...(configName === "blastwall.json" ? [] : ["--config", configName])], io(dir).cli);
  return dir;
}

const approvalReason = (out: string) => JSON.parse(out).approvals[0].reason as string;

describe("trusted keys from the config", () => {
  test("keys in the checkout's own blastwall.json are not trusted: the approval is refused", async () => {
    const dir = await checkout();
    const t = io(dir);
    expect(await gateCommand(["--format", "json", "--approval", "m.json", "plan.json"], t.cli)).toBe(1);
    expect(approvalReason(t.out())).toMatch(/no trusted keys given \(--trust, or trustedKeys of a config named with --config\)/);
  });

  test("beside --trust, keys from any config are not trusted", async () => {
    const dir = await checkout("ci.json");
    const t = io(dir);
    expect(await gateCommand(["--format", "json", "--config", "ci.json", "--trust", "alice.pub.pem", "--approval", "m.json", "plan.json"], t.cli)).toBe(1);
    expect(approvalReason(t.out())).toMatch(/untrusted key/);
  });

  test("a config named with --config, and no --trust, gives trusted keys only from outside the repository", async () => {
    // Inside the working directory (where CI checks the repository out), under any name: refused as bad input.
    const dir = await checkout("ci.json");
    await expect(gateCommand(["--config", "ci.json", "--approval", "m.json", "plan.json"], io(dir).cli)).rejects.toThrow(
      /its trustedKeys cannot be trusted: the file lies inside the working directory .*give the approvers' public keys with --trust/,
    );
    // A file on the runner, outside the checkout and any git work tree, is the authority it is meant to be.
    const runner = tempDir();
    writeFileSync(join(runner, "trust.json"), JSON.stringify({ trustedKeys: [mallory.publicKeyPem] }));
    expect(await gateCommand(["--config", join(runner, "trust.json"), "--approval", "m.json", "plan.json"], io(dir).cli)).toBe(0);
    // A config in another git work tree (a second checkout beside the first) is the repository's too.
    const repo = tempDir();
    mkdirSync(join(repo, ".git"));
    mkdirSync(join(repo, "ci"));
    writeFileSync(join(repo, "ci", "trust.json"), JSON.stringify({ trustedKeys: [mallory.publicKeyPem] }));
    await expect(gateCommand(["--config", join(repo, "ci", "trust.json"), "--approval", "m.json", "plan.json"], io(dir).cli)).rejects.toThrow(/lies inside the git work tree/);
    // Without trusted keys, a config in the repository is what it always was: protected types and agents.
    writeFileSync(join(dir, "types.json"), JSON.stringify({ protected: { types: ["aws_sqs_queue"] } }));
    expect(await gateCommand(["--config", "types.json", "--approval", "m.json", "plan.json"], io(dir).cli)).toBe(1);
  });
});

describe("where a trusting config and its keys may lie (red-team round 56)", () => {
  const withEnv = (cwd: string, env: Record<string, string>) => ({ ...io(cwd).cli, env });

  test("a link in the checkout to a config outside it is the checkout's: refused", async () => {
    const dir = await checkout("ci.json");
    const outside = tempDir();
    writeFileSync(join(outside, "trust.json"), JSON.stringify({ trustedKeys: [mallory.publicKeyPem] }));
    symlinkSync(join(outside, "trust.json"), join(dir, "linked.json"));
    await expect(gateCommand(["--config", "linked.json", "--approval", "m.json", "plan.json"], io(dir).cli)).rejects.toThrow(/lies inside the working directory/);
  });

  test("a config outside whose key file lies in the checkout: refused", async () => {
    const dir = await checkout("ci.json");
    writeFileSync(join(dir, "mallory.pub.pem"), mallory.publicKeyPem);
    const runner = tempDir();
    writeFileSync(join(runner, "trust.json"), JSON.stringify({ trustedKeys: [join(dir, "mallory.pub.pem")] }));
    await expect(gateCommand(["--config", join(runner, "trust.json"), "--approval", "m.json", "plan.json"], io(dir).cli)).rejects.toThrow(/its trusted key .*mallory\.pub\.pem cannot be trusted/);
  });

  test("a CI checkout without .git, the gate run from elsewhere: the workspace variable names it", async () => {
    const dir = await checkout("ci.json");
    const elsewhere = tempDir();
    await expect(gateCommand(["--config", join(dir, "ci.json"), "--approval", join(dir, "m.json"), join(dir, "plan.json")], withEnv(elsewhere, { GITHUB_WORKSPACE: dir }))).rejects.toThrow(/lies inside the CI checkout .*\$GITHUB_WORKSPACE/);
    // The control: without the variable, a folder that is neither the working directory nor a work tree is trusted.
    expect(await gateCommand(["--config", join(dir, "ci.json"), "--approval", join(dir, "m.json"), join(dir, "plan.json")], withEnv(elsewhere, {}))).toBe(0);
  });
});

test("a --trust file inside the checkout is taken, with a warning on stderr; one outside is taken quietly", async () => {
  const dir = await checkout("ci.json");
  const err: string[] = [];
  const cli = { ...io(dir).cli, stderr: (t: string) => void err.push(t) };
  expect(await gateCommand(["--trust", "alice.pub.pem", "plan.json"], cli)).toBe(1);
  expect(err.join("")).toMatch(/^blastwall gate: warning: --trust alice\.pub\.pem lies inside the working directory .*can replace it with their own key/);
  const runner = tempDir();
  writeFileSync(join(runner, "alice.pub.pem"), alice.publicKeyPem);
  const quiet: string[] = [];
  expect(await gateCommand(["--trust", join(runner, "alice.pub.pem"), "plan.json"], { ...io(dir).cli, stderr: (t: string) => void quiet.push(t) })).toBe(1);
  expect(quiet).toEqual([]);
});
