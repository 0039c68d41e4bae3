/**
 * The main job (`npm run example`): synthesizes every app in examples/ into examples/<name>/cdktf.out, runs the
 * CI gate (`blastwall check`) on it and the synth-time gate (BlastwallChecks on a fresh App), and prints a
 * summary. Reference environments must pass with zero errors; incident replays and demos must be rejected
 * with the rules their expect.json names. Exits 0 exactly when every example behaves as expected.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join, relative } from "path";
import { App, Aspects } from "cdktf";
import { BlastwallChecks } from "../lib/cdktf";
import { checkPaths } from "../lib/check/run-check";
import { loadConfig } from "../lib/config/load-config";
import { renderText } from "../lib/report/text";
import { findPackageRoot } from "../lib/engine/package-root";
import type { Report } from "../lib/report/types";

export interface Expectation {
  /** `reference`: must pass; `replay` (an incident) and `demo`: must be rejected. */
  readonly kind: "reference" | "replay" | "demo";
  readonly verdict: "pass" | "reject";
  /** Rule ids that must all appear among the error findings (reject only). */
  readonly rules?: readonly string[];
  /** Principals that must have no error finding / at least one. */
  readonly safeAgents?: readonly string[];
  readonly rejectedAgents?: readonly string[];
  /** Addresses that must appear in the evidence chain of some finding (replays name every link). */
  readonly chain?: readonly string[];
}

export interface ExampleResult {
  readonly name: string;
  readonly expectation: Expectation;
  readonly report: Report;
  readonly synthGateFailed: boolean;
  readonly problems: string[];
}

type ExampleModule = { defineStacks(app: App): void };

function loadExample(root: string, name: string): ExampleModule {
  // Built examples live in dist/examples/<name>/main.js; under jest the source is loaded directly.
  const built = join(root, "dist", "examples", name, "main.js");
  const mod = existsSync(built) && !process.env.JEST_WORKER_ID ? built : join(root, "examples", name, "main");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(mod) as ExampleModule;
}

export function exampleNames(root: string): string[] {
  const dir = join(root, "examples");
  return readdirSync(dir)
    .filter((n) => existsSync(join(dir, n, "main.ts")) && existsSync(join(dir, n, "expect.json")))
    .sort();
}

/** Synthesizes one example twice (plain, then with the synth-time gate) and checks it against its expect.json. */
export async function runExample(root: string, name: string, outdir = join(root, "examples", name, "cdktf.out")): Promise<ExampleResult> {
  const expectation = JSON.parse(readFileSync(join(root, "examples", name, "expect.json"), "utf8")) as Expectation;
  const mod = loadExample(root, name);
  rmSync(outdir, { recursive: true, force: true });
  const app = new App({ outdir, skipValidation: true });
  mod.defineStacks(app);
  app.synth();

  const configFile = join(root, "examples", name, "blastwall.json");
  const config = loadConfig(existsSync(configFile) ? configFile : undefined);
  const report = await checkPaths([relative(process.cwd(), outdir) || "."], { config });

  const gated = new App({ outdir: mkdtempSync(join(tmpdir(), `blastwall-${name}-`)) });
  mod.defineStacks(gated);
  Aspects.of(gated).add(new BlastwallChecks({ config }));
  let synthGateFailed = false;
  try {
    gated.synth();
  } catch {
    synthGateFailed = true;
  } finally {
    rmSync(gated.outdir, { recursive: true, force: true });
  }
  return { name, expectation, report, synthGateFailed, problems: judge(expectation, report, synthGateFailed) };
}

/** What differs from the expectation; empty when the example behaves as documented. */
export function judge(e: Expectation, r: Report, synthGateFailed: boolean): string[] {
  const problems: string[] = [];
  const errors = r.findings.filter((f) => f.severity === "error" && !f.acknowledged);
  if (e.verdict === "pass") {
    if (errors.length > 0) problems.push(`expected zero errors, got ${errors.length}: ${[...new Set(errors.map((f) => `${f.ruleId} ${f.principal}`))].join("; ")}`);
    if (synthGateFailed) problems.push("the synth-time gate failed synth, expected it to pass");
  } else {
    if (errors.length === 0) problems.push("expected the gate to reject it, but it passed");
    if (!synthGateFailed) problems.push("expected the synth-time gate to fail synth, but synth succeeded");
    for (const id of e.rules ?? []) if (!errors.some((f) => f.ruleId === id)) problems.push(`expected a ${id} finding`);
  }
  for (const a of e.safeAgents ?? []) if (errors.some((f) => f.principal === a)) problems.push(`${a} should pass but has findings`);
  for (const a of e.rejectedAgents ?? []) if (!errors.some((f) => f.principal === a)) problems.push(`${a} should be rejected but has no error finding`);
  for (const addr of e.chain ?? []) {
    if (!errors.some((f) => f.principal === addr || f.resource === addr || f.evidence.some((x) => x.address === addr))) problems.push(`expected ${addr} in a finding's chain`);
  }
  return problems;
}

async function main(): Promise<number> {
  const root = findPackageRoot();
  process.chdir(root);
  const names = exampleNames(root);
  const results: ExampleResult[] = [];
  for (const [i, name] of names.entries()) {
    process.stdout.write(`[${i + 1}/${names.length}] ${name}: synthesizing and checking...\n`);
    const t = Date.now();
    const r = await runExample(root, name);
    results.push(r);
    const errors = r.report.summary.errors;
    const verdict = errors > 0 ? "REJECTED" : "PASSED";
    process.stdout.write(`      ${verdict} (${errors} error(s), ${r.report.summary.warnings} warning(s), ${r.report.summary.files} stack(s), ${Date.now() - t} ms)${r.problems.length ? "  <-- UNEXPECTED" : ""}\n`);
  }
  process.stdout.write("\n");
  for (const r of results) {
    const label = { reference: "reference environment", replay: "incident replay", demo: "demo" }[r.expectation.kind];
    process.stdout.write(`=== ${r.name} (${label}, expected to ${r.expectation.verdict}) ===\n`);
    process.stdout.write(renderText(r.report));
    if (r.problems.length) process.stdout.write(r.problems.map((p) => `UNEXPECTED: ${p}\n`).join(""));
    process.stdout.write("\n");
  }
  const bad = results.filter((r) => r.problems.length > 0);
  process.stdout.write("summary:\n");
  for (const r of results) {
    const ok = r.problems.length === 0 ? "ok " : "BAD";
    process.stdout.write(`  ${ok} ${r.name.padEnd(24)} ${r.report.summary.errors > 0 ? "rejected" : "passed"} (expected ${r.expectation.verdict === "pass" ? "to pass" : "rejection"})\n`);
    for (const a of [...(r.expectation.safeAgents ?? []), ...(r.expectation.rejectedAgents ?? [])]) {
      const errs = r.report.findings.filter((f) => f.principal === a && f.severity === "error" && !f.acknowledged);
      const verdict = errs.length === 0 ? "PASS, no error finding" : `REJECTED: ${[...new Set(errs.map((f) => f.ruleId))].join(", ")}`;
      process.stdout.write(`        agent ${a}: ${verdict}\n`);
    }
  }
  process.stdout.write(bad.length === 0 ? "\nevery example behaved as expected\n" : `\n${bad.length} example(s) did not behave as expected\n`);
  return bad.length === 0 ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => (process.exitCode = code),
    (e) => {
      process.stderr.write(`blastwall examples: ${(e as Error).message}\n`);
      process.exitCode = 2;
    },
  );
}
