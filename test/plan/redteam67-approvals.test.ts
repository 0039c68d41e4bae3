/**
 * Red-team round 67 (report B, finding 2): a well-formed, signed approval that fails a semantic check (hidden
 * characters in `by`, a repeated key) made the gate exit 2 with nothing printed, even beside a valid approval for the
 * plan: one file an agent writes into approvals/ stopped every deploy and hid the report. Such an approval is refused
 * in the report; a file that is not JSON or not an approval at all stays bad input (exit 2, one line naming it).
 */
import { copyFileSync, writeFileSync } from "fs";
import { join } from "path";
import { runIn } from "../helpers/cli";
import { createApproval, signApproval, type Approval } from "../../lib/plan/approval";
import { fixture, tempDir } from "./helpers";
import { ed25519 } from "./keys";

const NOW = new Date("2026-10-01T09:00:00.000Z");
const alice = ed25519();
const mallory = ed25519();

function workspace() {
  const dir = tempDir();
  copyFileSync(fixture("replace.json"), join(dir, "plan.json"));
  writeFileSync(join(dir, "alice.pub.pem"), alice.publicKeyPem);
  writeFileSync(join(dir, "mallory.pub.pem"), mallory.publicKeyPem);
  const good = createApproval(join(dir, "plan.json"), { privateKeyPem: alice.privateKeyPem, by: "alice", expiresIn: "1h", now: NOW });
  writeFileSync(join(dir, "alice.json"), JSON.stringify(good));
  const resigned = (by: string, key = mallory.privateKeyPem): Approval => {
    const { signature: _s, ...unsigned } = createApproval(join(dir, "plan.json"), { privateKeyPem: key, by: "x", expiresIn: "1h", now: NOW });
    void _s;
    return signApproval({ ...unsigned, by }, key);
  };
  return { dir, good, resigned };
}

const run = (args: string[], cwd: string) => runIn(args, cwd, NOW);

const TRUST = ["--trust", "alice=alice.pub.pem", "--trust", "mallory.pub.pem"];

describe("RT67-B2: a well-formed approval that fails a semantic check is refused in the report", () => {
  test.each(["\u202eecila", "alice\u200b", "a\u00adlice", "alice\u0000", "ali\u00a0ce"])("by %j beside alice's valid approval: exit 0, the bad one listed as refused", async (by) => {
    const w = workspace();
    writeFileSync(join(w.dir, "zz-agent.json"), JSON.stringify(w.resigned(by)));
    const r = await run(["gate", ...TRUST, "--approval", "alice.json", "--approval", "zz-agent.json", "plan.json"], w.dir);
    expect(r.stderr).not.toMatch(/^blastwall: /m);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/APPROVAL refused: zz-agent\.json — .*by holds control, bidi or invisible characters/);
    // The name is shown escaped, never as written.
    expect(r.stdout).not.toContain(by);
  });

  test("alone, such an approval leaves the plan unapproved: exit 1, the report printed with the refusal", async () => {
    const w = workspace();
    writeFileSync(join(w.dir, "zz-agent.json"), JSON.stringify(w.resigned("\u202eecila", alice.privateKeyPem)));
    const r = await run(["gate", ...TRUST, "--approval", "zz-agent.json", "plan.json"], w.dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/APPROVAL refused: zz-agent\.json — .*by holds control, bidi or invisible characters/);
    expect(r.stdout).toMatch(/aws_db_instance|BLOCK|error/i);
  });

  test("a signed approval with a repeated key, beside a valid one: refused in the report, exit 0 (json output too)", async () => {
    const w = workspace();
    writeFileSync(join(w.dir, "zz-agent.json"), JSON.stringify(w.good).replace("{", '{"by":"mallory",'));
    const r = await run(["gate", ...TRUST, "--approval", "alice.json", "--approval", "zz-agent.json", "plan.json"], w.dir);
    expect(r.stderr).not.toMatch(/^blastwall: /m);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/APPROVAL refused: zz-agent\.json — .*key "by" appears twice/);
    const j = await run(["gate", "--format", "json", ...TRUST, "--approval", "zz-agent.json", "plan.json"], w.dir);
    expect(j.code).toBe(1);
    const approvals = JSON.parse(j.stdout).approvals as { file: string; accepted: boolean; reason: string }[];
    expect(approvals).toEqual([expect.objectContaining({ file: "zz-agent.json", accepted: false })]);
  });

  test("controls: a look-alike name, another plan, a wrong signer are refused in the report beside a valid one (exit 0)", async () => {
    const w = workspace();
    writeFileSync(join(w.dir, "look.json"), JSON.stringify(w.resigned("Alice")));
    writeFileSync(join(w.dir, "other.json"), JSON.stringify({ ...w.good, planSha256: "0".repeat(64) }));
    writeFileSync(join(w.dir, "signer.json"), JSON.stringify(w.resigned("alice", ed25519().privateKeyPem)));
    const r = await run(["gate", ...TRUST, "--approval", "alice.json", "--approval", "look.json", "--approval", "other.json", "--approval", "signer.json", "plan.json"], w.dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/APPROVAL refused: look\.json/);
    expect(r.stdout).toMatch(/APPROVAL refused: other\.json/);
    expect(r.stdout).toMatch(/APPROVAL refused: signer\.json/);
  });

  test("a file that is not an approval at all among several: exit 2, one line naming that file", async () => {
    const w = workspace();
    writeFileSync(join(w.dir, "zz-agent.json"), "{}");
    writeFileSync(join(w.dir, "notes.json"), "not json");
    for (const [file, what] of [["zz-agent.json", /is not a blastwall approval/], ["notes.json", /is not valid JSON/]] as const) {
      const r = await run(["gate", ...TRUST, "--approval", "alice.json", "--approval", file, "plan.json"], w.dir);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      const lines = r.stderr.trimEnd().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^blastwall: ${file.replace(".", "\\.")}: `));
      expect(lines[0]).toMatch(what);
    }
  });
});
