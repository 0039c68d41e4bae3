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
const PACKAGE_VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;

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

  test("no documented pipeline runs repository code with the deploy role before the gate (red-team round 114 F3)", () => {
    // terraform plan runs data sources' programs and provider plugins, npm ci runs install scripts: each before the gate.
    const typed = (md: string, lang: string) => [...md.matchAll(new RegExp("```" + lang + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1]);
    let applies = 0;
    for (const yaml of typed(planGate, "yaml")) {
      const jobs = yaml.split(/^jobs:\n/m)[1]?.split(/^  [a-z][\w-]*:\n/m).slice(1) ?? [];
      for (const job of jobs) {
        let role: string | undefined;
        let gated = false;
        let installed = false;
        for (const step of job.split(/^      - /m).slice(1)) {
          role = /role-to-assume: \$\{\{ vars\.(\w+) \}\}/.exec(step)?.[1] ?? role;
          if (/npm ci/.test(step)) expect([step, /npm ci --ignore-scripts/.test(step)]).toEqual([step, true]);
          if (/terraform (init|plan|show)|npm|npx/.test(step)) expect([step, role]).not.toEqual([step, "DEPLOY_ROLE_ARN"]);
          // The gate is installed from the registry at an exact version outside the checkout, and run from there: npx
          // runs whatever the repository's package files name blastwall (red-team round 119 F1).
          if (/npm install[^\n]*blastwall/.test(step)) {
            // The pinned version is this package's (the build the docs describe), from the public registry named on the
            // command line, which wins over any .npmrc code run earlier could leave (red-team round 125 F3, F4).
            expect([step, /working-directory: \$\{\{ runner\.temp \}\}/.test(step), /--ignore-scripts/.test(step), step.includes(`blastwall@${PACKAGE_VERSION}`), /--registry https:\/\/registry\.npmjs\.org\//.test(step)]).toEqual([
              step,
              true,
              true,
              true,
              true,
            ]);
            installed = true;
          }
          if (/blastwall"? gate/.test(step)) {
            expect([step, /npx/.test(step), installed, /"\$RUNNER_TEMP\/blastwall-gate\/node_modules\/\.bin\/blastwall" gate/.test(step)]).toEqual([step, false, true, true]);
            gated = true;
          }
          if (/terraform apply/.test(step)) {
            applies++;
            expect([step, role, gated]).toEqual([step, "DEPLOY_ROLE_ARN", true]);
          }
        }
      }
    }
    expect(applies).toBe(2);
    // Every pinned install in the docs names this package's version.
    for (const md of [readme, planGate]) for (const m of md.matchAll(/blastwall@(\d+\.\d+\.\d+)/g)) expect(m[1]).toBe(PACKAGE_VERSION);
    // Nor does any shell example of a deploy or an approval run the repository's own blastwall.
    for (const sh of typed(planGate, "sh")) expect([sh, /npx blastwall (gate|approve)/.test(sh)]).toEqual([sh, false]);
    for (const sh of [...typed(readme, "sh"), ...typed(planGate, "sh")]) {
      for (const line of sh.split("\n")) {
        if (/^\s*(AWS_PROFILE=\S+ )?terraform plan/.test(line)) expect([line, /plan-readonly/.test(sh.slice(0, sh.indexOf(line) + line.length))]).toEqual([line, true]);
        if (/terraform apply/.test(line)) expect([line, /AWS_PROFILE=deploy terraform apply/.test(line)]).toEqual([line, true]);
      }
    }
  });

  test("the example message for a package.json given as an approval is the gate's (red-team round 114 F9)", async () => {
    const shown = /\(`(blastwall: package\.json: is not a blastwall approval[^`]*)`\)/.exec(planGate.replace(/\n/g, " "))![1];
    const [head, tail] = shown.split("...");
    const dir = mkdtempSync(join(tmpdir(), "blastwall-docs-approval-"));
    copyFileSync(fixture("replace.json"), join(dir, "plan.json"));
    copyFileSync(join(ROOT, "package.json"), join(dir, "package.json"));
    const r = await run(["gate", "--approval", "package.json", "plan.json"], dir);
    expect(r.code).toBe(2);
    const line = r.stderr.trim();
    expect([line.startsWith(head), line.endsWith(tail)]).toEqual([true, true]);
  });
});
