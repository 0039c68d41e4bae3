import { spawnSync } from "child_process";
import { copyFileSync, writeFileSync } from "fs";
import { join } from "path";
import { runIn } from "../helpers/cli";
import { createApproval } from "../../lib/plan/approval";
import { fixture, tempDir } from "./helpers";
import { ed25519 } from "./keys";

const ROOT = join(__dirname, "..", "..");
const NOW = new Date("2026-10-01T09:00:00.000Z");
const alice = ed25519();
const bob = ed25519();

function workspace() {
  const dir = tempDir();
  copyFileSync(fixture("replace.json"), join(dir, "plan.json"));
  writeFileSync(join(dir, "alice.pub.pem"), alice.publicKeyPem);
  writeFileSync(join(dir, "not-json.json"), "approved, trust me\n");
  writeFileSync(join(dir, "broken.json"), '{\n  "version": 1,\n  "by": \n}\n');
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", scripts: { test: "jest" } }, null, 2));
  writeFileSync(join(dir, "bob.json"), JSON.stringify(createApproval(join(dir, "plan.json"), { privateKeyPem: bob.privateKeyPem, by: "bob", expiresIn: "1h", now: NOW })));
  return dir;
}

const run = (args: string[], cwd: string) => runIn(args, cwd, NOW);

describe("gate --approval: a file that is not an approval is bad input (exit 2, one line)", () => {
  test.each<[string, string, RegExp]>([
    ["not JSON", "not-json.json", /^blastwall: not-json\.json: is not valid JSON: .* at line 1, column 1\n$/],
    ["broken JSON, with line and column", "broken.json", /^blastwall: broken\.json: is not valid JSON: .* at line 4, column 1\n$/],
    ["JSON that is no approval (a package.json)", "package.json", /^blastwall: package\.json: is not a blastwall approval \(unknown field\(s\) name, scripts.*\); make one with blastwall approve\n$/],
  ])("%s", async (_name, file, line) => {
    const dir = workspace();
    const r = await run(["gate", "--approval", file, "--trust", "alice.pub.pem", "plan.json"], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(line);
  });

  test("control: a well-formed approval by a key not trusted is the gate's verdict (exit 1, reported)", async () => {
    const dir = workspace();
    const r = await run(["gate", "--approval", "bob.json", "--trust", "alice.pub.pem", "plan.json"], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/APPROVAL refused: bob\.json — untrusted key/);
  });

  test("spawned: no stack trace, one line", () => {
    const dir = workspace();
    const r = spawnSync(process.execPath, [join(ROOT, "bin", "blastwall.js"), "gate", "--approval", "package.json", "--trust", "alice.pub.pem", "plan.json"], { cwd: dir, encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  });
});

describe("gate and approve name where a plan's JSON breaks, as check does", () => {
  test.each([["gate"], ["approve"]])("%s: line and column", async (cmd) => {
    const dir = workspace();
    writeFileSync(join(dir, "bad-plan.json"), '{\n  "format_version": "1.2",\n  "resource_changes": [\n');
    writeFileSync(join(dir, "alice.pem"), alice.privateKeyPem);
    const args = cmd === "gate" ? ["gate", "bad-plan.json"] : ["approve", "bad-plan.json", "--key", "alice.pem", "--by", "alice"];
    const r = await run(args, dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^blastwall: bad-plan\.json: is not valid JSON: .* at line 4, column 1\n$/);
  });
});
