/**
 * The main job's examples, as tests: every app in examples/ (main.ts + expect.json) is synthesized and gated the
 * way `npm run example` does it (blastwall check on the output, and the synth-time gate on a fresh App).
 * Reference environments pass with zero errors; incident replays are rejected with the rules and the chain their
 * expect.json names. One process for all of them; each synthesizes into its own temporary folder.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { exampleNames, runExample, type ExampleResult } from "../../scripts/run-examples";
import { runIn } from "../helpers/cli";

const root = join(__dirname, "..", "..");
const names = exampleNames(root);
let outRoot = "";

beforeAll(() => {
  outRoot = mkdtempSync(join(tmpdir(), "blastwall-examples-"));
});
afterAll(() => {
  if (outRoot) rmSync(outRoot, { recursive: true, force: true });
});

async function run(name: string): Promise<ExampleResult & { outdir: string }> {
  const outdir = join(outRoot, name);
  return { ...(await runExample(root, name, outdir)), outdir };
}

/** The min_retention_days of every vault lock in one stack, and the delete_after of every plan's copy in another. */
function offsiteRetention(outdir: string, vaultStack: string, planStack: string): { locks: number[]; copies: number[] } {
  type Obj = Record<string, any>;
  const read = (s: string) => JSON.parse(readFileSync(join(outdir, "stacks", s, "cdk.tf.json"), "utf8")) as Obj;
  const bodies = (tf: Obj, type: string) => Object.values(tf.resource?.[type] ?? {}) as Obj[];
  const planTf = read(planStack);
  const local = new Set(bodies(planTf, "aws_backup_plan").flatMap((p) => p.rule.map((r: Obj) => r.target_vault_name)));
  return {
    locks: bodies(read(vaultStack), "aws_backup_vault_lock_configuration").filter((l) => !local.has(l.backup_vault_name)).map((l) => l.min_retention_days),
    copies: bodies(planTf, "aws_backup_plan").flatMap((p) => p.rule.flatMap((r: Obj) => r.copy_action.map((c: Obj) => c.lifecycle.delete_after))),
  };
}

/**
 * Whether the stack's trail records an S3 object data event on its own bucket: selectors ORed, the field selectors of
 * one ANDed (CloudTrail's semantics; equals, not_equals, starts_with and not_starts_with are the operators used).
 */
function trailRecordsOwnBucket(outdir: string, stack: string, eventName: string): boolean {
  type Field = { field: string; equals?: string[]; not_equals?: string[]; starts_with?: string[]; not_starts_with?: string[] };
  const tf = JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8"));
  const [trail] = Object.values(tf.resource.aws_cloudtrail) as { s3_bucket_name: string; advanced_event_selector: { field_selector: Field[] }[] }[];
  const bucketRef = /^\$\{aws_s3_bucket\.(\w+)\.bucket\}$/.exec(trail.s3_bucket_name)![1];
  const bucket = tf.resource.aws_s3_bucket[bucketRef].bucket as string;
  const event: Record<string, string> = { eventCategory: "Data", "resources.type": "AWS::S3::Object", "resources.ARN": `arn:aws:s3:::${bucket}/AWSLogs/111111111111/CloudTrail/x.json.gz`, eventName };
  const holds = (f: Field) => {
    const v = event[f.field];
    return (!f.equals || f.equals.includes(v)) && (!f.not_equals || !f.not_equals.includes(v)) && (!f.starts_with || f.starts_with.some((p) => v.startsWith(p))) && (!f.not_starts_with || !f.not_starts_with.some((p) => v.startsWith(p)));
  };
  return trail.advanced_event_selector.some((sel) => sel.field_selector.every(holds));
}

function stacksIn(outdir: string): string[] {
  const dir = join(outdir, "stacks");
  return readdirSync(dir).filter((s) => existsSync(join(dir, s, "cdk.tf.json"))).sort();
}

test("the reference environments and the incident replays are all examples the main job runs", () => {
  expect(names).toEqual(
    expect.arrayContaining(["multi-account", "single-account", "replay-volume-wipe", "replay-database-delete", "replay-automated-backups"]),
  );
});

describe("reference environments pass with zero errors", () => {
  test("multi-account: one stack per account, every one passes", async () => {
    const r = await run("multi-account");
    expect(r.problems).toEqual([]);
    expect(r.expectation).toMatchObject({ kind: "reference", verdict: "pass" });
    expect(r.report.summary.errors).toBe(0);
    expect(r.synthGateFailed).toBe(false);
    expect(stacksIn(r.outdir)).toEqual(["backup", "management", "production", "sandbox", "staging"]);
    // Each stack deploys through the provider of its own account, pinned so a mix-up fails before any change.
    const pinned = Object.fromEntries(
      stacksIn(r.outdir).map((s) => {
        const tf = JSON.parse(readFileSync(join(r.outdir, "stacks", s, "cdk.tf.json"), "utf8"));
        const aws = (tf.provider.aws as { alias?: string; allowed_account_ids?: string[] }[]).find((p) => !p.alias);
        return [s, aws?.allowed_account_ids];
      }),
    );
    expect(pinned).toEqual({
      management: ["111111111111"],
      production: ["222222222222"],
      staging: ["333333333333"],
      sandbox: ["444444444444"],
      backup: ["555555555555"],
    });
    // The agent exists in staging and sandbox (with its scoped tokens), and nowhere else.
    expect(r.report.summary.agentPrincipals).toBe(6);
    // The off-site locks guarantee every day the production plans keep their copies (red-team round 60 F5).
    expect(offsiteRetention(r.outdir, "backup", "production")).toEqual({ locks: [35, 35], copies: [35, 35] });
    // The trail does not log its own deliveries; a delete of a log file is still on record.
    expect([trailRecordsOwnBucket(r.outdir, "management", "PutObject"), trailRecordsOwnBucket(r.outdir, "management", "DeleteObject")]).toEqual([false, true]);
  });

  test("single-account: passes, with the same-account backup copy acknowledged, not hidden", async () => {
    const r = await run("single-account");
    expect(r.problems).toEqual([]);
    expect(r.report.summary.errors).toBe(0);
    expect(r.synthGateFailed).toBe(false);
    const acknowledged = r.report.findings.filter((f) => f.acknowledged);
    expect(acknowledged.map((f) => f.ruleId)).toEqual(["backup-offsite-copy"]);
    // In blastwall.json, pinned to the plan as reviewed: the template a team copies keeps stack code out of its
    // acknowledgements (red-team round 141, F11), and the synth gate reads the same digest as check.
    expect(r.report.findings.filter((f) => f.ruleId === "acknowledgement-unpinned")).toEqual([]);
    expect(JSON.parse(readFileSync(join(root, "examples", "single-account", "blastwall.json"), "utf8")).acknowledgementsInCode).toBeUndefined();
    // The DR vault's lock guarantees the copies' whole retention (red-team round 60 F5).
    expect(offsiteRetention(r.outdir, "single-account", "single-account")).toEqual({ locks: [35], copies: [35] });
    expect([trailRecordsOwnBucket(r.outdir, "single-account", "PutObject"), trailRecordsOwnBucket(r.outdir, "single-account", "DeleteObject")]).toEqual([false, true]);
  });
});

describe("incident replays are rejected, naming the chain", () => {
  test.each(["replay-volume-wipe", "replay-database-delete", "replay-automated-backups"])("%s", async (name) => {
    const r = await run(name);
    expect(r.expectation).toMatchObject({ kind: "replay", verdict: "reject" });
    // A replay that names no rule or no link would pass the judge vacuously.
    expect(r.expectation.rules?.length).toBeGreaterThan(0);
    expect(r.expectation.chain?.length).toBeGreaterThan(0);
    expect(r.problems).toEqual([]);
    expect(r.synthGateFailed).toBe(true);
  });
});

test.each(["replay-volume-wipe", "replay-database-delete", "replay-automated-backups"])("%s: README tells the story and shows a report naming its rules and chain", (name) => {
  const readme = readFileSync(join(root, "examples", name, "README.md"), "utf8");
  const story = readme.split("\n").filter((l) => /^[123]\. /.test(l));
  expect(story).toHaveLength(3);
  const report = /```text\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
  expect(report).toMatch(/blastwall check: FAIL/);
  const e = JSON.parse(readFileSync(join(root, "examples", name, "expect.json"), "utf8")) as { rules: string[]; chain: string[] };
  for (const id of e.rules) expect(report).toContain(`ERROR ${id} `);
  for (const address of e.chain) expect(report).toContain(address);
});

describe("every other example behaves as its expect.json says", () => {
  const others = names.filter((n) => !["multi-account", "single-account"].includes(n) && !n.startsWith("replay-"));
  test.each(others.length ? others : ["(none)"])("%s", async (name) => {
    if (name === "(none)") return;
    expect((await run(name)).problems).toEqual([]);
  });
});

describe("the README's sample finding", () => {
  test("is what `blastwall check` prints for the quickstart today", async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { renderText } = require("../../lib/report/text") as typeof import("../../lib/report/text");
    const r = await run("quickstart");
    // The report names files as given (here a temporary folder): the README shows the example's own.
    const text = renderText(r.report).replace(/(file: +)\S*\/stacks\/quickstart\/cdk\.tf\.json/g, "$1examples/quickstart/cdktf.out/stacks/quickstart/cdk.tf.json");
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const sample = /## Read a finding\n\n```\n([\s\S]*?)```/.exec(readme)![1];
    expect(text).toContain(sample.trimEnd());
  });
});

// The sample report each replay's README shows is what this build prints: the samples drifted for sessions while the
// rules' wording and counts changed, so a reader saw a report no release printed.
test.each(["replay-volume-wipe", "replay-database-delete", "replay-automated-backups"])("%s: the README's report is what the build prints", async (name) => {
  const r = await run(name);
  const printed = await runIn(["check", r.outdir], root);
  const shown = (/```text\n([\s\S]*?)```/.exec(readFileSync(join(root, "examples", name, "README.md"), "utf8"))?.[1] ?? "").trimEnd();
  expect(printed.stdout.split(r.outdir).join(`examples/${name}/cdktf.out`).trimEnd()).toBe(shown);
});
