import { copyFileSync, existsSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { approveCommand } from "../../lib/cli/approve";
import { gateCommand } from "../../lib/cli/gate";
import type { CliIO } from "../../lib/cli/io";
import { runCli } from "../../lib/cli/main";
import { fixture, tempDir } from "./helpers";
import { ed25519 } from "./keys";

const NOW = new Date("2026-10-01T09:00:00.000Z");
const alice = ed25519();

function io(cwd: string, now = NOW) {
  const out: string[] = [];
  const err: string[] = [];
  const cli: CliIO = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), cwd, env: {}, now: () => now };
  return { cli, out: () => out.join(""), err: () => err.join("") };
}

function workspace(plan = "replace.json") {
  const dir = tempDir();
  copyFileSync(fixture(plan), join(dir, "plan.json"));
  writeFileSync(join(dir, "approver.pem"), alice.privateKeyPem);
  writeFileSync(join(dir, "approver.pub.pem"), alice.publicKeyPem);
  return dir;
}

describe("blastwall gate", () => {
  test("exit 1 when a change is blocked; --format json lists findings and approvals", async () => {
    const dir = workspace();
    const t = io(dir);
    expect(await gateCommand(["--format", "json", "plan.json"], t.cli)).toBe(1);
    const report = JSON.parse(t.out());
    expect(report.findings.map((f: { ruleId: string; principal: string }) => `${f.ruleId} ${f.principal}`)).toEqual([
      "plan-protected-delete aws_db_instance.orders",
      "plan-protected-delete aws_ebs_volume.data",
      "plan-protected-delete aws_s3_bucket.invoices",
    ]);
    expect(report.summary.errors).toBe(3);
  });

  test("exit 0 when nothing needs approval", async () => {
    const dir = workspace("moved.json");
    const t = io(dir);
    expect(await gateCommand(["plan.json"], t.cli)).toBe(0);
    expect(t.out()).toContain("PASS");
  });

  test("approve → gate --approval --trust: exit 0, and the text report shows the accepted approval", async () => {
    const dir = workspace();
    const a = io(dir);
    expect(await approveCommand(["plan.json", "--key", "approver.pem", "--by", "alice", "--out", "approval.json"], a.cli)).toBe(0);
    expect(a.out()).toBe("");
    expect(a.err()).toContain("alice approves 3 change(s) of plan.json");
    expect(a.err()).toContain("aws_db_instance.orders [delete, create]");
    const approval = JSON.parse(readFileSync(join(dir, "approval.json"), "utf8"));
    expect(Date.parse(approval.expiresAt) - Date.parse(approval.createdAt)).toBe(3_600_000);

    const g = io(dir);
    expect(await gateCommand(["--approval", "approval.json", "--trust", "approver.pub.pem", "plan.json"], g.cli)).toBe(0);
    // The key is trusted with no name: "alice" is the signer's claim, and the line says so.
    expect(g.out()).toMatch(/APPROVAL accepted by alice \(a name --trust does not bind to the signing key\): approval\.json — valid/);
    expect(g.out()).toContain("ACKNOWLEDGED plan-protected-delete");

    const s = io(dir);
    expect(await gateCommand(["--format=sarif", "--approval=approval.json", "--trust=approver.pub.pem", "plan.json"], s.cli)).toBe(0);
    const sarif = JSON.parse(s.out());
    expect(sarif.runs[0].results.every((r: { suppressions?: unknown[] }) => (r.suppressions ?? []).length === 1)).toBe(true);
  });

  test("approve --out never replaces the private key or the plan it approves", async () => {
    const dir = workspace();
    const key = readFileSync(join(dir, "approver.pem"), "utf8");
    const plan = readFileSync(join(dir, "plan.json"), "utf8");
    await expect(approveCommand(["plan.json", "--key", "approver.pem", "--by", "alice", "--out", "approver.pem"], io(dir).cli)).rejects.toThrow(/--out approver\.pem is the private key file/);
    await expect(approveCommand(["plan.json", "--key", "approver.pem", "--by", "alice", "--out", "./plan.json"], io(dir).cli)).rejects.toThrow(/--out \.\/plan\.json is the plan file/);
    expect(readFileSync(join(dir, "approver.pem"), "utf8")).toBe(key);
    expect(readFileSync(join(dir, "plan.json"), "utf8")).toBe(plan);
    // A write that fails says so, as a write.
    await expect(approveCommand(["plan.json", "--key", "approver.pem", "--by", "alice", "--out", "missing/approval.json"], io(dir).cli)).rejects.toThrow(/cannot write the approval: its folder does not exist/);
  });

  test("an approval without --trust is refused and reported; exit 1", async () => {
    const dir = workspace();
    await approveCommand(["plan.json", "--key", "approver.pem", "--by", "alice", "--out", "approval.json"], io(dir).cli);
    const g = io(dir);
    expect(await gateCommand(["--format", "json", "--approval", "approval.json", "plan.json"], g.cli)).toBe(1);
    expect(JSON.parse(g.out()).approvals[0]).toMatchObject({ accepted: false, reason: expect.stringMatching(/^no trusted keys/) });
  });

  test("an expired approval: exit 1", async () => {
    const dir = workspace();
    await approveCommand(["plan.json", "--key", "approver.pem", "--by", "alice", "--expires", "30m", "--out", "approval.json"], io(dir).cli);
    const g = io(dir, new Date("2026-10-01T09:31:00.000Z"));
    expect(await gateCommand(["--format", "json", "--approval", "approval.json", "--trust", "approver.pub.pem", "plan.json"], g.cli)).toBe(1);
    expect(JSON.parse(g.out()).approvals[0].reason).toMatch(/^expired at 2026-10-01T09:30:00\.000Z/);
  });

  test("--config: protected addresses and trusted keys from blastwall config", async () => {
    const dir = workspace("delete-protected.json");
    // The config that trusts keys lives outside the checkout (a file on the CI runner): one inside it is refused.
    const runner = tempDir();
    const config = join(runner, "gate.json");
    writeFileSync(config, JSON.stringify({ protected: { addresses: ["aws_sns_topic.jobs"] }, trustedKeys: ["approver.pub.pem"] }));
    copyFileSync(join(dir, "approver.pub.pem"), join(runner, "approver.pub.pem"));
    const before = io(dir);
    expect(await gateCommand(["--format", "json", "--config", config, "plan.json"], before.cli)).toBe(1);
    expect(JSON.parse(before.out()).findings.some((f: { principal: string }) => f.principal === "aws_sns_topic.jobs")).toBe(true);
    // Without the gate's config, approve does not know the queue is protected: the queue is not approved, and the
    // gate still blocks it.
    const blind = io(dir);
    expect(await approveCommand(["plan.json", "--key", "approver.pem", "--by", "alice", "--out", "approval.json"], blind.cli)).toBe(0);
    expect(blind.err()).not.toMatch(/aws_sns_topic\.jobs/);
    expect(await gateCommand(["--config", config, "--approval", "approval.json", "plan.json"], io(dir).cli)).toBe(1);
    // With the same --config, the approval lists exactly what the gate blocks, and the gate accepts it.
    const a = io(dir);
    await approveCommand(["plan.json", "--config", config, "--key", "approver.pem", "--by", "alice", "--out", "approval.json"], a.cli);
    expect(a.err()).toMatch(/aws_sns_topic\.jobs/);
    expect(await gateCommand(["--config", config, "--approval", "approval.json", "plan.json"], io(dir).cli)).toBe(0);
  });

  test("approve --config: a missing config file is one clear line", async () => {
    const t = io(workspace());
    await expect(approveCommand(["plan.json", "--config", "none.json", "--key", "approver.pem", "--by", "alice"], t.cli)).rejects.toThrow(/none\.json: config file not found/);
  });
});

describe("blastwall approve", () => {
  test("writes the approval to stdout without --out", async () => {
    const dir = workspace();
    const t = io(dir);
    expect(await approveCommand(["--key", "approver.pem", "--by", "alice", "--expires", "2d", "plan.json"], t.cli)).toBe(0);
    const a = JSON.parse(t.out());
    expect(a).toMatchObject({ version: 1, by: "alice", createdAt: "2026-10-01T09:00:00.000Z", expiresAt: "2026-10-03T09:00:00.000Z" });
  });

  test("nothing to approve: exit 0, says so, writes nothing", async () => {
    const dir = workspace("no-changes.json");
    const t = io(dir);
    expect(await approveCommand(["plan.json", "--key", "approver.pem", "--by", "alice", "--out", "approval.json"], t.cli)).toBe(0);
    expect(t.err()).toContain("nothing in plan.json needs approval");
    expect(existsSync(join(dir, "approval.json"))).toBe(false);
  });
});

describe("bad input and usage: exit 2 with one line on stderr", () => {
  const cases: [string, string[], RegExp][] = [
    ["gate: missing plan", ["gate", "nope.json"], /^blastwall: nope\.json: file not found\n$/],
    ["gate: errored plan", ["gate", "errored.json"], /^blastwall: errored\.json: plan is errored/],
    ["gate: incomplete plan", ["gate", "incomplete.json"], /^blastwall: incomplete\.json: plan is incomplete/],
    ["gate: format 2.0", ["gate", "f2.json"], /^blastwall: f2\.json: unsupported plan format_version "2\.0"/],
    ["gate: malformed JSON", ["gate", "broken.json"], /^blastwall: broken\.json: is not valid JSON: .* at line 1, column \d+\n$/],
    ["gate: missing approval file", ["gate", "--approval", "none.json", "plan.json"], /^blastwall: none\.json: file not found\n$/],
    ["gate: missing trusted key", ["gate", "--trust", "none.pem", "plan.json"], /^blastwall: none\.pem: file not found\n$/],
    ["gate: missing config", ["gate", "--config", "none.json", "plan.json"], /^blastwall: none\.json: config file not found\n$/],
    ["gate: no plan", ["gate"], /^blastwall gate: gate takes exactly one PLAN_JSON/],
    ["gate: two plans", ["gate", "plan.json", "plan.json"], /^blastwall gate: gate takes exactly one PLAN_JSON/],
    ["gate: unknown option", ["gate", "--force", "plan.json"], /^blastwall gate: unknown option --force/],
    ["gate: bad format", ["gate", "--format", "mermaid", "plan.json"], /^blastwall gate: --format must be one of text, json, sarif/],
    ["approve: no key", ["approve", "plan.json", "--by", "alice"], /^blastwall approve: --key PRIVATE\.pem is required/],
    ["approve: no name", ["approve", "plan.json", "--key", "approver.pem"], /^blastwall approve: --by NAME is required/],
    ["approve: missing key file", ["approve", "plan.json", "--key", "none.pem", "--by", "a"], /^blastwall: none\.pem: file not found\n$/],
    ["approve: public key given", ["approve", "plan.json", "--key", "approver.pub.pem", "--by", "a"], /^blastwall: approver\.pub\.pem: is a public key/],
    ["approve: bad duration", ["approve", "plan.json", "--key", "approver.pem", "--by", "a", "--expires", "forever"], /^blastwall: --expires: "forever" is not a duration/],
    ["approve: errored plan", ["approve", "errored.json", "--key", "approver.pem", "--by", "a"], /^blastwall: errored\.json: plan is errored/],
  ];
  test.each(cases)("%s", async (_name, args, message) => {
    const dir = workspace();
    copyFileSync(fixture("errored.json"), join(dir, "errored.json"));
    copyFileSync(fixture("incomplete.json"), join(dir, "incomplete.json"));
    copyFileSync(fixture("format-2.0.json"), join(dir, "f2.json"));
    writeFileSync(join(dir, "broken.json"), '{"format_version": "1.2", ');
    const t = io(dir);
    expect(await runCli(args, t.cli)).toBe(2);
    expect(t.err()).toMatch(message);
    expect(t.err().trimEnd().split("\n")).toHaveLength(1);
    expect(t.out()).toBe("");
  });
});
