/**
 * `npm run bench` (human table) and `npm run --silent bench -- --json` (one JSON object).
 * Every measurement runs in a fresh child process so peak memory and module loading are per case.
 * Targets (issues): analysis within 3x the read+parse time at 20,000 resources, growing linearly; the gate adds
 * at most 15% to synth at 1,000 resources; `blastwall check` loads no cdktf or provider code; reach within 3x.
 */
import { execFileSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { manyStacks, reachStack, syntheticStack } from "./bench-fixtures";

const SIZES = [1000, 5000, 20000];
const SYNTH_RESOURCES = 1000;
const REPEAT = 7;
/** Untimed analysis runs before the timed ones, so V8 has compiled the engine's hot paths for the stack measured. */
const WARMUP = 3;
/** Synth runs are whole processes (cdktf load, construct tree, file writes) and vary more: more of them. */
const SYNTH_REPEAT = 9;
const HCL_RESOURCES = 10000;
const REACH_SCALING = [1000, 2000, 4000];
/** cdktf.out directories of many small stacks: one run over all of them, at two sizes, shows how it grows. */
const MANY_STACKS = [100, 300];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function child(args: string[]): Record<string, unknown> {
  const out = execFileSync(process.execPath, ["--max-old-space-size=8192", "--expose-gc", __filename, "--child", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  return JSON.parse(out.trim().split("\n").pop()!);
}

// ---- children -------------------------------------------------------------------------------------------

/**
 * Collects garbage left by the previous step before a timed section starts, so each section pays for its own
 * allocations only (the file text and the last iteration's objects are not charged to the next measurement).
 * The bench children run with --expose-gc; without it this does nothing.
 */
function settle(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function timeParse(file: string): { ms: number } {
  const times: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    settle();
    const t = process.hrtime.bigint();
    // Kept only while it is measured: a parsed stack left alive would make every later garbage collection longer.
    JSON.parse(readFileSync(file, "utf8"));
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return { ms: median(times) };
}

/**
 * The policy documents a stack holds as JSON strings (`policy`, `assume_role_policy`, ...): `JSON.parse` of the file
 * leaves them as text, and no analysis of IAM can avoid parsing them once. Timed as a second baseline, the least any
 * analysis of the stack must do beyond the file's own parse.
 */
function timeDocuments(file: string): { ms: number; documents: number } {
  const json = JSON.parse(readFileSync(file, "utf8")) as Record<string, Record<string, Record<string, Record<string, unknown>>>>;
  const texts: string[] = [];
  for (const mode of ["resource", "data"]) {
    for (const blocks of Object.values(json[mode] ?? {})) {
      for (const body of Object.values(blocks)) {
        for (const v of Object.values(body)) if (typeof v === "string" && v.startsWith("{")) texts.push(v);
      }
    }
  }
  const times: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    settle();
    const t = process.hrtime.bigint();
    for (const text of texts) {
      try {
        JSON.parse(text);
      } catch {
        // not JSON after all (a template): not a document
      }
    }
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return { ms: median(times), documents: texts.length };
}

function childAnalyse(file: string): Record<string, unknown> {
  const { buildStack } = require("../lib/engine/terraform/stack") as typeof import("../lib/engine/terraform/stack");
  const { checkStacks } = require("../lib/check/run-check") as typeof import("../lib/check/run-check");
  const { findJsonKeyProblem } = require("../lib/engine/terraform/json-keys") as typeof import("../lib/engine/terraform/json-keys");
  // What `blastwall check` does beyond the baseline parse: the scan for what JSON.parse hides, then the analysis.
  const analyseOnce = (): { ms: number; findings: number } => {
    const text = readFileSync(file, "utf8");
    const json = JSON.parse(text);
    settle();
    const t = process.hrtime.bigint();
    if (findJsonKeyProblem(text)) throw new Error(`${file}: the bench stack has a repeated key`);
    const report = checkStacks([buildStack(json, file)], { config: {} });
    return { ms: Number(process.hrtime.bigint() - t) / 1e6, findings: report.findings.length };
  };
  // The first analysis of a fresh process is what a one-shot `blastwall check` pays: it also loads the tables
  // (catalogue, managed policies) and runs the engine before V8 has compiled it.
  const first = analyseOnce();
  const parsed = timeParse(file);
  // The analysis itself is measured once V8 has compiled the engine for this stack, as any benchmark of JIT-compiled
  // code is: the warm-up runs are not timed, then REPEAT runs back to back are, with a last garbage collection inside
  // the timed section, so the batch pays for all it allocated; the analysis time is the batch's time per run. A
  // collection forced before each run (what this bench did until the twentieth session, still given as
  // `analysisAfterGcMs`) frees the previous run's objects, and with them the object shapes V8's optimised code was
  // compiled against: that code is thrown away ("weak objects" deoptimisation), so each run so timed was partly cold.
  for (let i = 0; i < WARMUP; i++) analyseOnce();
  const afterGc: number[] = [];
  for (let i = 0; i < REPEAT; i++) afterGc.push(analyseOnce().ms);
  // Each run reads and parses its own copy untimed, as analyseOnce does; only one parsed stack is alive at a time.
  settle();
  let findings = 0;
  let batchMs = 0;
  for (let i = 0; i < REPEAT; i++) {
    const text = readFileSync(file, "utf8");
    const json = JSON.parse(text);
    const t = process.hrtime.bigint();
    if (findJsonKeyProblem(text)) throw new Error(`${file}: the bench stack has a repeated key`);
    findings = checkStacks([buildStack(json, file)], { config: {} }).findings.length;
    batchMs += Number(process.hrtime.bigint() - t) / 1e6;
  }
  const t = process.hrtime.bigint();
  settle();
  batchMs += Number(process.hrtime.bigint() - t) / 1e6;
  const documents = timeDocuments(file);
  return {
    parseMs: parsed.ms,
    documentsMs: documents.ms,
    documents: documents.documents,
    analysisMs: batchMs / REPEAT,
    analysisAfterGcMs: median(afterGc),
    firstRunMs: first.ms,
    findings,
    peakMiB: process.resourceUsage().maxRSS / 1024,
  };
}

function childSynth(resources: number, withGate: boolean, outdir: string): Record<string, unknown> {
  const t0 = process.hrtime.bigint();
  const { App, Aspects, TerraformStack } = require("cdktf") as typeof import("cdktf");
  const { IamRole } = require("@cdktf/provider-aws/lib/iam-role") as typeof import("@cdktf/provider-aws/lib/iam-role");
  const { IamRolePolicy } = require("@cdktf/provider-aws/lib/iam-role-policy") as typeof import("@cdktf/provider-aws/lib/iam-role-policy");
  const { EbsVolume } = require("@cdktf/provider-aws/lib/ebs-volume") as typeof import("@cdktf/provider-aws/lib/ebs-volume");
  const { S3Bucket } = require("@cdktf/provider-aws/lib/s3-bucket") as typeof import("@cdktf/provider-aws/lib/s3-bucket");
  const { AwsProvider } = require("@cdktf/provider-aws/lib/provider") as typeof import("@cdktf/provider-aws/lib/provider");
  const loaded = process.hrtime.bigint();
  // Loading the gate is part of what it adds to synth, so it is inside the timed section; it is loaded as the
  // README's one line does, from the package root.
  const gate = withGate ? (require("../lib") as typeof import("../lib")) : undefined;
  const app = new App({ outdir });
  const stack = new TerraformStack(app, "bench");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  for (let i = 0; i < resources / 4; i++) {
    const role = new IamRole(stack, `role${i}`, {
      name: `role-${i}`,
      assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
      tags: i % 10 === 0 ? { "blastwall:agent": "true" } : undefined,
    });
    new IamRolePolicy(stack, `policy${i}`, { role: role.name, policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: "*" }] }) });
    new EbsVolume(stack, `vol${i}`, { availabilityZone: "eu-west-1a", size: 10, encrypted: true });
    new S3Bucket(stack, `bucket${i}`, { bucket: `bench-${i}` });
  }
  // Every rule runs in full, but its findings are switched off so the gate passes: a rejected stack stops synth
  // before cdktf writes it, which would make the gated run look cheaper than it is.
  if (gate) {
    const severity = Object.fromEntries(gate.allRules.map((r) => [r.meta.id, "off" as const]));
    Aspects.of(app).add(new gate.BlastwallChecks({ config: { severity } }));
  }
  app.synth(); // throws (and fails the bench) if the gate rejected the stack
  const done = process.hrtime.bigint();
  return { synthMs: Number(done - loaded) / 1e6, loadMs: Number(loaded - t0) / 1e6 };
}

async function childCheckLoads(file: string): Promise<Record<string, unknown>> {
  const { runCli } = require("../lib/cli/main") as typeof import("../lib/cli/main");
  const silent = { stdout: () => undefined, stderr: () => undefined, cwd: process.cwd(), env: {}, now: () => new Date() };
  const code = await runCli(["check", "--format", "json", file], silent);
  const mods = Object.keys(require.cache);
  const cdktf = mods.filter((m) => /node_modules[\\/](cdktf|@cdktf[\\/]provider-aws|constructs)[\\/]/.test(m));
  return { exitCode: code, modules: mods.length, cdktfModules: cdktf.length };
}

/** One `blastwall check` of a cdktf.out: reading every stack, matching agents across them, and the analysis. */
async function childStacks(dir: string): Promise<Record<string, unknown>> {
  const { checkPaths } = require("../lib/check/run-check") as typeof import("../lib/check/run-check");
  const t0 = process.hrtime.bigint();
  const report = await checkPaths([dir], { config: {} });
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, findings: report.findings.length };
}

/** A large HCL tree (root + local modules): the time hcl2json and the evaluator take, and the analysis after. */
async function childHcl(dir: string, resources: number): Promise<Record<string, unknown>> {
  const { generateHclTree } = require("../lib/hcl/generate-tree") as typeof import("../lib/hcl/generate-tree");
  const { loadHclStack } = require("../lib/hcl/load-hcl") as typeof import("../lib/hcl/load-hcl");
  const { checkStacks } = require("../lib/check/run-check") as typeof import("../lib/check/run-check");
  const tree = generateHclTree(dir, { resources });
  checkStacks([await loadHclStack(dir)], { config: {} }); // warm: wasm compile, tables
  const t0 = process.hrtime.bigint();
  const stack = await loadHclStack(dir);
  const t1 = process.hrtime.bigint();
  checkStacks([stack], { config: {} });
  const t2 = process.hrtime.bigint();
  return { resources: tree.resources, loadMs: Number(t1 - t0) / 1e6, analysisMs: Number(t2 - t1) / 1e6, peakMiB: process.resourceUsage().maxRSS / 1024 };
}

async function runChild(args: string[]): Promise<void> {
  const [mode, a, b, c] = args;
  let r: Record<string, unknown>;
  if (mode === "analyse") r = childAnalyse(a);
  else if (mode === "synth") r = childSynth(Number(a), b === "with", c);
  else if (mode === "loads") r = await childCheckLoads(a);
  else if (mode === "hcl") r = await childHcl(a, Number(b));
  else if (mode === "stacks") r = await childStacks(a);
  else throw new Error(`unknown child mode ${mode}`);
  process.stdout.write(JSON.stringify(r) + "\n");
}

// ---- parent ---------------------------------------------------------------------------------------------

function main(json: boolean): void {
  const dir = mkdtempSync(join(tmpdir(), "blastwall-bench-"));
  const log = (s: string) => {
    if (!json) process.stdout.write(s);
    else process.stderr.write(s);
  };
  try {
    const sizes = [];
    for (const n of SIZES) {
      log(`stack of ${n} resources... `);
      const file = join(dir, `bench-${n}.tf.json`);
      writeFileSync(file, JSON.stringify(syntheticStack(n), null, 2));
      const r = child(["analyse", file]);
      const parseMs = Number(r.parseMs);
      const analysisMs = Number(r.analysisMs);
      const firstRunMs = Number(r.firstRunMs);
      const withDocs = parseMs + Number(r.documentsMs);
      sizes.push({ resources: n, parseMs: round(parseMs), analysisMs: round(analysisMs), ratio: round(analysisMs / parseMs), peakMiB: round(Number(r.peakMiB)), firstRunMs: round(firstRunMs), firstRunRatio: round(firstRunMs / parseMs), documentsMs: round(Number(r.documentsMs)), ratioWithDocuments: round(analysisMs / withDocs), analysisAfterGcMs: round(Number(r.analysisAfterGcMs)), ratioAfterGc: round(Number(r.analysisAfterGcMs) / parseMs) });
      log(`parse ${round(parseMs)} ms, analysis ${round(analysisMs)} ms\n`);
    }
    log(`reach: 2000 roles, 200 agents... `);
    const reach = reachStack(2000, 200);
    const reachFile = join(dir, "reach.tf.json");
    writeFileSync(reachFile, JSON.stringify(reach.json, null, 2));
    const rr = child(["analyse", reachFile]);
    const reachOut = {
      roles: 2000,
      agents: 200,
      edges: reach.edges,
      parseMs: round(Number(rr.parseMs)),
      analysisMs: round(Number(rr.analysisMs)),
      ratio: round(Number(rr.analysisMs) / Number(rr.parseMs)),
      firstRunMs: round(Number(rr.firstRunMs)),
      firstRunRatio: round(Number(rr.firstRunMs) / Number(rr.parseMs)),
      documents: Number(rr.documents),
      documentsMs: round(Number(rr.documentsMs)),
      ratioWithDocuments: round(Number(rr.analysisMs) / (Number(rr.parseMs) + Number(rr.documentsMs))),
      analysisAfterGcMs: round(Number(rr.analysisAfterGcMs)),
      ratioAfterGc: round(Number(rr.analysisAfterGcMs) / Number(rr.parseMs)),
    };
    log(`parse ${reachOut.parseMs} ms, analysis ${reachOut.analysisMs} ms\n`);

    // Linear growth in principals plus edges: the same organisation at half and double the size, one agent in ten.
    const reachScaling = [];
    for (const roles of REACH_SCALING) {
      log(`reach: ${roles} roles, ${roles / 10} agents... `);
      const org = roles === 2000 ? reach : reachStack(roles, roles / 10);
      const f = join(dir, `reach-${roles}.tf.json`);
      writeFileSync(f, JSON.stringify(org.json, null, 2));
      const x = roles === 2000 ? rr : child(["analyse", f]);
      const row = { roles, agents: roles / 10, edges: org.edges, analysisMs: round(Number(x.analysisMs)), usPerRoleAndEdge: round((Number(x.analysisMs) * 1000) / (roles + org.edges)) };
      reachScaling.push(row);
      log(`analysis ${row.analysisMs} ms (${row.usPerRoleAndEdge} µs per role + edge)\n`);
    }

    const stacks = [];
    for (const count of MANY_STACKS) {
      log(`cdktf.out of ${count} small stacks... `);
      const out = join(dir, `many-${count}`);
      manyStacks(out, count);
      const r = child(["stacks", out]);
      const row = { stacks: count, ms: round(Number(r.ms)), msPerStack: round(Number(r.ms) / count) };
      stacks.push(row);
      log(`${row.ms} ms (${row.msPerStack} ms per stack)\n`);
    }

    log(`synth of ${SYNTH_RESOURCES} resources with and without the gate (${SYNTH_REPEAT}x each, interleaved)... `);
    const without: number[] = [];
    const withGate: number[] = [];
    const withoutApp: number[] = [];
    const withApp: number[] = [];
    for (let i = 0; i < SYNTH_REPEAT; i++) {
      const a = child(["synth", String(SYNTH_RESOURCES), "without", join(dir, `out-a${i}`)]);
      const b = child(["synth", String(SYNTH_RESOURCES), "with", join(dir, `out-b${i}`)]);
      without.push(Number(a.synthMs));
      withGate.push(Number(b.synthMs));
      withoutApp.push(Number(a.synthMs) + Number(a.loadMs));
      withApp.push(Number(b.synthMs) + Number(b.loadMs));
    }
    // `overhead` (the target) leaves out loading cdktf and the provider classes, which both runs pay: the gate's share
    // is larger that way. `appOverhead` is the same against the whole app run, as `cdktf synth` runs it.
    const synth = {
      resources: SYNTH_RESOURCES,
      withoutGateMs: round(median(without)),
      withGateMs: round(median(withGate)),
      overhead: round(median(withGate) / median(without) - 1),
      appOverhead: round(median(withApp) / median(withoutApp) - 1),
    };
    log(`${synth.withoutGateMs} ms vs ${synth.withGateMs} ms\n`);

    log(`HCL tree of ${HCL_RESOURCES} resources... `);
    const h = child(["hcl", join(dir, "hcl-tree"), String(HCL_RESOURCES)]);
    const hcl = { resources: Number(h.resources), loadMs: round(Number(h.loadMs)), analysisMs: round(Number(h.analysisMs)), ratio: round(Number(h.analysisMs) / Number(h.loadMs)), peakMiB: round(Number(h.peakMiB)) };
    log(`load ${hcl.loadMs} ms, analysis ${hcl.analysisMs} ms\n`);

    const loads = child(["loads", join(dir, "bench-1000.tf.json")]);
    const out = { sizes, reach: reachOut, reachScaling, stacks, synth, hcl, check: { modulesLoaded: loads.modules, cdktfModulesLoaded: loads.cdktfModules } };
    if (json) {
      process.stdout.write(JSON.stringify(out) + "\n");
      return;
    }
    const lines = [
      "",
      "resources  parse ms  analysis ms  ratio  peak MiB  first run ms  first run ratio  documents ms  ratio to parse + documents",
      ...sizes.map(
        (s) =>
          `${String(s.resources).padStart(9)}  ${String(s.parseMs).padStart(8)}  ${String(s.analysisMs).padStart(11)}  ${String(s.ratio).padStart(5)}  ${String(s.peakMiB).padStart(8)}  ${String(s.firstRunMs).padStart(12)}  ${String(s.firstRunRatio).padStart(15)}  ${String(s.documentsMs).padStart(12)}  ${String(s.ratioWithDocuments).padStart(26)}`,
      ),
      "(documents: JSON.parse of the policy documents the file holds as strings, which the file's parse leaves as text)",
      `(analysis: time per run of ${REPEAT} runs back to back after ${WARMUP} untimed warm-up runs, in one process, a last garbage collection`,
      " included; first run: the first analysis of a fresh process, as a one-shot `blastwall check` runs it, loading the tables and running",
      " the engine before V8 has compiled it)",
      `(the measure of earlier sessions, the median of ${REPEAT} runs each after a forced garbage collection, which also throws away optimised code:`,
      `  ${sizes.map((s) => `${s.resources} resources ${s.analysisAfterGcMs} ms (ratio ${s.ratioAfterGc})`).join(", ")}; reach ${reachOut.analysisAfterGcMs} ms (ratio ${reachOut.ratioAfterGc}))`,
      "",
      `reach (2,000 roles, 200 agents, ${reach.edges} edges): parse ${reachOut.parseMs} ms, analysis ${reachOut.analysisMs} ms, ratio ${reachOut.ratio} (first run ${reachOut.firstRunMs} ms, ratio ${reachOut.firstRunRatio}); its ${reachOut.documents} policy documents parse in ${reachOut.documentsMs} ms, ratio to parse + documents ${reachOut.ratioWithDocuments}`,
      `reach growth: ${reachScaling.map((r) => `${r.roles} roles ${r.analysisMs} ms (${r.usPerRoleAndEdge} µs per role + edge)`).join(", ")}`,
      `many stacks (one check over a cdktf.out): ${stacks.map((r) => `${r.stacks} stacks ${r.ms} ms (${r.msPerStack} ms per stack)`).join(", ")}`,
      `HCL tree (${hcl.resources} resources, local modules): load ${hcl.loadMs} ms (hcl2json + evaluation), analysis ${hcl.analysisMs} ms, ratio ${hcl.ratio}`,
      `synth at ${SYNTH_RESOURCES} resources: ${synth.withoutGateMs} ms without the gate, ${synth.withGateMs} ms with it: ${pct(synth.overhead)} (${pct(synth.appOverhead)} of the whole app run, loading cdktf included)`,
      `blastwall check loaded ${loads.modules} modules, ${loads.cdktfModules} of them cdktf/provider/constructs`,
      "",
      "targets: ratio <= 3 at 20,000 resources and roughly flat across sizes; reach ratio <= 3 and flat µs per role + edge; synth overhead <= 15%; 0 cdktf modules",
    ];
    process.stdout.write(lines.join("\n") + "\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function pct(x: number): string {
  return `${x >= 0 ? "+" : ""}${round(x * 100)}%`;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args[0] === "--child") {
    runChild(args.slice(1)).catch((e) => {
      process.stderr.write(`bench child failed: ${(e as Error).stack}\n`);
      process.exit(1);
    });
  } else {
    main(args.includes("--json"));
  }
}
