/**
 * docs/ARCHITECTURE.md says what `blastwall check` loads (red-team round 114: it named three folders of the eight it
 * loads). This runs the compiled CLI over a .tf folder and a cdktf JSON file, with a config, in a fresh process, and
 * holds the doc to what it loaded.
 */
import { execFileSync } from "child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";

const ROOT = join(__dirname, "..", "..");
const architecture = readFileSync(join(ROOT, "docs", "ARCHITECTURE.md"), "utf8");

/** lib/ folders (and single files, as lib/plan/x.ts) the engine line says check loads. */
function documented(): Set<string> {
  const line = /^lib\/engine\/ +cdktf-free[\s\S]*?(?=\n  \S)/m.exec(architecture)![0];
  return new Set(["lib/engine", ...[...line.matchAll(/lib\/[a-z-]+(?:\/[a-z-]+\.ts)?/g)].map((m) => m[0].replace(/\.ts$/, ""))]);
}

test("docs/ARCHITECTURE.md names every lib folder blastwall check loads, and says it loads no cdktf", () => {
  const dir = mkdtempSync(join(tmpdir(), "blastwall-arch-"));
  writeFileSync(join(dir, "blastwall.json"), JSON.stringify({ agents: { names: ["ai-*"] } }));
  writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ resource: { aws_iam_role: { r: { name: "ai-coder", assume_role_policy: "{}" } } } }));
  const script = `
    const { runCli } = require("./dist/lib/cli/main");
    const io = { stdout: () => undefined, stderr: () => undefined, cwd: ${JSON.stringify(dir)}, env: {}, now: () => new Date() };
    (async () => {
      for (const p of [${JSON.stringify(join(ROOT, "test", "fixtures", "hcl", "escalation"))}, "main.tf.json"]) await runCli(["check", "--config", "blastwall.json", p], io);
      const files = Object.keys(require.cache).map((k) => k.replace(/\\\\/g, "/"));
      console.log(JSON.stringify({
        lib: files.filter((k) => k.includes("/dist/lib/")).map((k) => k.split("/dist/")[1].replace(/\\.js$/, "")),
        cdktf: files.filter((k) => /node_modules\\/(cdktf|@cdktf\\/provider-aws|constructs)\\//.test(k)).length,
      }));
    })();`;
  const out = JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" })) as { lib: string[]; cdktf: number };
  const doc = documented();
  const undocumented = out.lib.filter((m) => !doc.has(m.split("/").slice(0, 2).join("/")) && !doc.has(m));
  expect(undocumented).toEqual([]);
  expect(out.cdktf).toBe(0);
  // Every folder the line names is loaded: the line is no longer than the truth.
  for (const d of doc) expect([d, out.lib.some((m) => m === d || m.startsWith(`${d}/`))]).toEqual([d, true]);
});
