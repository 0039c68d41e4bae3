import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { APPROVE_USAGE } from "../../lib/cli/approve";
import { GATE_USAGE, writableByTheRepository } from "../../lib/cli/gate";
import { runIn } from "../helpers/cli";
import { fixture } from "../plan/helpers";
import { ed25519 } from "../plan/keys";

const ROOT = join(__dirname, "..", "..");
const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const planGate = readFileSync(join(ROOT, "docs", "plan-gate.md"), "utf8");
const NOW = new Date("2026-10-01T09:00:00.000Z");

const run = (args: string[], cwd: string) => runIn(args, cwd, NOW);

/** The code blocks (sh, yaml, untyped) of a Markdown text. */
const codeBlocks = (md: string) => [...md.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((m) => m[1]);

describe("the docs say what the CLI does", () => {
  test("docs/plan-gate.md shows the commands as their usage lines do", () => {
    const synopsis = /## Commands\n\n```\n([\s\S]*?)```/.exec(planGate)![1].trim().split("\n");
    expect(synopsis).toEqual([GATE_USAGE.replace(/^usage: /, ""), APPROVE_USAGE.replace(/^usage: /, "")]);
  });

  test("no --trust example keeps the key where the gate warns it can be replaced (the working directory, the checkout)", () => {
    const project = mkdtempSync(join(tmpdir(), "blastwall-docs-project-"));
    const trusted: string[] = [];
    for (const block of [...codeBlocks(readme), ...codeBlocks(planGate)]) {
      // A synopsis (`--trust [NAME=]KEY.pem`) is no example.
      for (const m of block.matchAll(/--trust\s+("?)([^\s"[]+)\1/g)) trusted.push(m[2].replace(/^[^/=]+=/, ""));
    }
    expect(trusted.length).toBeGreaterThanOrEqual(4);
    for (const path of trusted) {
      // A variable names a path CI gives; its value is not in the docs.
      if (path.startsWith("$") && !path.startsWith("$GITHUB_WORKSPACE")) continue;
      const home = path.startsWith("~/") ? join(tmpdir(), "home", path.slice(2)) : path;
      expect([path, writableByTheRepository(home, project, { GITHUB_WORKSPACE: project })]).toEqual([path, undefined]);
    }
  });

  test("the gate's JSON keys (top level, summary, approvals) are all documented", async () => {
    const alice = ed25519();
    const dir = mkdtempSync(join(tmpdir(), "blastwall-docs-gate-"));
    const keys = mkdtempSync(join(tmpdir(), "blastwall-docs-keys-"));
    copyFileSync(fixture("replace.json"), join(dir, "plan.json"));
    writeFileSync(join(dir, "alice.pem"), alice.privateKeyPem);
    writeFileSync(join(keys, "alice.pub.pem"), alice.publicKeyPem);
    await run(["approve", "plan.json", "--key", "alice.pem", "--by", "alice", "--out", "approval.json"], dir);
    const r = await run(["gate", "--format", "json", "--trust", `alice=${join(keys, "alice.pub.pem")}`, "--approval", "approval.json", "plan.json"], dir);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json).sort()).toEqual(["approvals", "config", "findings", "summary"]);
    const documented = (key: string) => new RegExp("`" + key + "`|\"" + key + "\"").test(planGate);
    for (const key of [...Object.keys(json), ...Object.keys(json.summary), ...Object.keys(json.approvals[0])]) expect([key, documented(key)]).toEqual([key, true]);
    // The README's JSON sample has the summary's every key.
    const sample = /"summary": (\{[^}]*\})/.exec(readme)![1];
    expect(Object.keys(JSON.parse(sample)).sort()).toEqual(Object.keys(json.summary).sort());
  });
});
