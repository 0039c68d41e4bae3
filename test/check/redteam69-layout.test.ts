/**
 * Red-team round 69 (report B, findings 1, 2 and 5), three folder layouts read as less than they hold, or refused:
 * - `check cdktf.out/stacks` skipped stacks `cdktf synth --hcl` writes (stacks/NAME/cdk.tf, not cdk.tf.json) when a
 *   stray stacks/zz.tf.json sat there: only cdk.tf.json marked a stack folder, so the stray file was read alone;
 * - a project root with one stray Terraform file beside cdktf.json and cdktf.out/ read that file alone (exit 0),
 *   never the synthesized stacks: the output is now read as well;
 * - a Terraform folder with another tool's manifest.json (a browser extension's) was refused as a broken cdktf
 *   manifest: it is now ignored, as it already was beside a stacks/ folder.
 */
import { join } from "path";
import { runIn } from "../helpers/cli";
import { AGENT_STACK, SAFE_STACK, STRAY_FILE, tree } from "../helpers/files";
import { cdktfManifest, policy, TRUST } from "../helpers/tf";

const AGENT = AGENT_STACK;
const SAFE = SAFE_STACK;
const STRAY = STRAY_FILE;
// The same agent as `cdktf synth --hcl` writes it.
const AGENT_HCL = [
  'resource "aws_iam_role" "worker" {',
  '  name               = "worker"',
  `  assume_role_policy = ${JSON.stringify(TRUST)}`,
  '  tags = { "blastwall:agent" = "true" }',
  "}",
  'resource "aws_iam_role_policy" "wipe" {',
  "  role   = aws_iam_role.worker.name",
  `  policy = ${JSON.stringify(policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }))}`,
  "}",
  "",
].join("\n");
// What cdktf writes for `cdktf synth --hcl`: the synthesized stack path names cdk.tf.
const hclManifest = (names: string[]) => cdktfManifest(names).replace(/cdk\.tf\.json/g, "cdk.tf");
const summary = (stdout: string) => JSON.parse(stdout).summary as { files: number };
const oneLine = (stderr: string) => stderr.trimEnd().split("\n").length === 1;

describe("RT69-B1: stacks synthesized with --hcl (cdk.tf) are stacks", () => {
  test("check cdktf.out/stacks with a stray stacks/zz.tf.json reads the cdk.tf stacks too", async () => {
    const root = tree({ "cdktf.out/manifest.json": hclManifest(["b"]), "cdktf.out/stacks/b/cdk.tf": AGENT_HCL, "cdktf.out/stacks/zz.tf.json": STRAY });
    const r = await runIn(["check", "--format", "json", join("cdktf.out", "stacks")], root);
    expect([r.code, r.stderr]).toEqual([1, ""]);
    expect(summary(r.stdout).files).toBe(2);
  });

  test("check cdktf.out/stacks without the stray file is read as its output (not refused as holding no .tf files)", async () => {
    const root = tree({ "cdktf.out/manifest.json": hclManifest(["b"]), "cdktf.out/stacks/b/cdk.tf": AGENT_HCL });
    const r = await runIn(["check", "--format", "json", join("cdktf.out", "stacks")], root);
    expect([r.code, r.stderr, summary(r.stdout).files]).toEqual([1, "", 1]);
  });

  test("a folder with Terraform files and a cdk.tf stack folder reads both; without a manifest a stacks/ of them is refused", async () => {
    const both = tree({ "d/main.tf.json": SAFE, "d/app/cdk.tf": AGENT_HCL });
    const r1 = await runIn(["check", "--format", "json", "d"], both);
    expect([r1.code, r1.stderr, summary(r1.stdout).files]).toEqual([1, "", 2]);
    const bare = tree({ "out/stacks/b/cdk.tf": AGENT_HCL, "out/stacks/zz.tf.json": STRAY });
    const r2 = await runIn(["check", join("out", "stacks")], bare);
    expect([r2.code, r2.stdout, oneLine(r2.stderr)]).toEqual([2, "", true]);
    expect(r2.stderr).toMatch(/no manifest\.json/);
  });

  test("controls: check cdktf.out reads cdk.tf stacks; a subfolder with main.tf is a module, not a stack", async () => {
    const root = tree({ "cdktf.out/manifest.json": hclManifest(["b"]), "cdktf.out/stacks/b/cdk.tf": AGENT_HCL, "cdktf.out/stacks/zz.tf.json": STRAY });
    const r1 = await runIn(["check", "--format", "json", "cdktf.out"], root);
    expect([r1.code, r1.stderr, summary(r1.stdout).files]).toEqual([1, "", 2]);
    const mods = tree({ "d/main.tf.json": SAFE, "d/modules/x/main.tf": AGENT_HCL });
    const r2 = await runIn(["check", "--format", "json", "d"], mods);
    expect([r2.code, r2.stderr, summary(r2.stdout).files]).toEqual([0, "", 1]);
  });
});

describe("RT69-B2: a project root with a stray Terraform file and its cdktf output", () => {
  const project = (extra: Record<string, string> = {}) =>
    tree({
      "proj/cdktf.json": JSON.stringify({ language: "typescript", app: "npx ts-node main.ts" }),
      "proj/main.tf.json": STRAY,
      "proj/cdktf.out/manifest.json": cdktfManifest(["a", "b"]),
      "proj/cdktf.out/stacks/a/cdk.tf.json": SAFE,
      "proj/cdktf.out/stacks/b/cdk.tf.json": AGENT,
      ...extra,
    });

  test("check PROJECT reads the stray file and every stack of cdktf.out", async () => {
    const r = await runIn(["check", "--format", "json", "proj"], project());
    expect([r.code, r.stderr]).toEqual([1, ""]);
    expect(summary(r.stdout).files).toBe(3);
  });

  test("the output cdktf.json names is read, and an incomplete one is refused in one line", async () => {
    const named = tree({
      "proj/cdktf.json": JSON.stringify({ app: "x", output: "synth" }),
      "proj/main.tf.json": STRAY,
      "proj/synth/manifest.json": cdktfManifest(["b"]),
      "proj/synth/stacks/b/cdk.tf.json": AGENT,
    });
    const r1 = await runIn(["check", "--format", "json", "proj"], named);
    expect([r1.code, r1.stderr, summary(r1.stdout).files]).toEqual([1, "", 2]);
    const partial = tree({ "proj/cdktf.json": "{}", "proj/main.tf.json": STRAY, "proj/cdktf.out/stacks/b/cdk.tf.json": AGENT });
    const r2 = await runIn(["check", "proj"], partial);
    expect([r2.code, r2.stdout, oneLine(r2.stderr)]).toEqual([2, "", true]);
    expect(r2.stderr).toMatch(/no manifest\.json/);
  });

  test("an output that names the project itself is not read twice (no loop)", async () => {
    const self = tree({ "proj/cdktf.json": JSON.stringify({ output: "." }), "proj/main.tf.json": AGENT });
    const r = await runIn(["check", "--format", "json", "proj"], self);
    expect([r.code, r.stderr, summary(r.stdout).files]).toEqual([1, "", 1]);
  });

  test("controls: without the stray file the project root is refused naming cdktf.out; a plain folder is one configuration", async () => {
    const root = tree({ "proj/cdktf.json": "{}", "proj/cdktf.out/manifest.json": cdktfManifest(["a"]), "proj/cdktf.out/stacks/a/cdk.tf.json": AGENT });
    const r1 = await runIn(["check", "proj"], root);
    expect([r1.code, oneLine(r1.stderr)]).toEqual([2, true]);
    expect(r1.stderr).toMatch(/cdktf\.out.*instead/);
    const plain = tree({ "d/main.tf.json": SAFE });
    const r2 = await runIn(["check", "--format", "json", "d"], plain);
    expect([r2.code, r2.stderr, summary(r2.stdout).files]).toEqual([0, "", 1]);
  });
});

describe("RT69-B5: a manifest.json of another tool beside Terraform files", () => {
  const EXTENSION = JSON.stringify({ name: "my-extension", version: "1.0", manifest_version: 3 });

  test("a Terraform folder with a browser extension's manifest.json is read as a Terraform folder", async () => {
    const root = tree({ "d/main.tf.json": AGENT, "d/manifest.json": EXTENSION });
    const r = await runIn(["check", "--format", "json", "d"], root);
    expect([r.code, r.stderr, summary(r.stdout).files]).toEqual([1, "", 1]);
  });

  test("controls: a cdktf manifest is still read as one, and a broken one still refused", async () => {
    const cdktf = tree({ "out/manifest.json": cdktfManifest(["a"]), "out/stacks/a/cdk.tf.json": AGENT });
    const r1 = await runIn(["check", "--format", "json", "out"], cdktf);
    expect([r1.code, summary(r1.stdout).files]).toEqual([1, 1]);
    const broken = tree({ "out/manifest.json": JSON.stringify({ stacks: [] }), "out/main.tf.json": SAFE });
    const r2 = await runIn(["check", "out"], broken);
    expect([r2.code, oneLine(r2.stderr)]).toEqual([2, true]);
    expect(r2.stderr).toMatch(/not a cdktf manifest/);
    // Another tool's manifest beside stack folders and no cdktf manifest: still the incomplete-output refusal.
    const stacks = tree({ "out/manifest.json": EXTENSION, "out/stacks/a/cdk.tf.json": AGENT });
    const r3 = await runIn(["check", "out"], stacks);
    expect([r3.code, r3.stdout, oneLine(r3.stderr)]).toEqual([2, "", true]);
  });
});
