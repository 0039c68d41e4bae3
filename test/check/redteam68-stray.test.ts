/**
 * Red-team round 68 (report B, finding 2): `blastwall check cdktf.out/stacks` with a stray `stacks/zz.tf.json` read
 * that file alone (a folder with Terraform files of its own) and skipped every stack folder: exit 0 where the stacks
 * fail. A folder that holds Terraform files and stack folders (subfolders with a cdk.tf.json) is read whole (its
 * files and every stack), or refused as the same folder without the stray file is: never read as less.
 */
import { join } from "path";
import { runIn } from "../helpers/cli";
import { AGENT_STACK, SAFE_STACK, STRAY_FILE, tree } from "../helpers/files";
import { cdktfManifest } from "../helpers/tf";

// An agent that can delete volumes: found at fault wherever it is read.
const AGENT = AGENT_STACK;
const SAFE = SAFE_STACK;
const STRAY = STRAY_FILE;
const summary = (stdout: string) => JSON.parse(stdout).summary as { files: number };

describe("RT68-B2: a stray Terraform file beside stack folders", () => {
  test("check cdktf.out/stacks with a stray stacks/zz.tf.json reads every stack (and the stray file)", async () => {
    const root = tree({ "out/manifest.json": cdktfManifest(["a", "b"]), "out/stacks/a/cdk.tf.json": AGENT, "out/stacks/b/cdk.tf.json": SAFE, "out/stacks/zz.tf.json": STRAY });
    const r = await runIn(["check", "--format", "json", join("out", "stacks")], root);
    expect([r.code, r.stderr]).toEqual([1, ""]);
    expect(summary(r.stdout).files).toBe(3);
  });

  test("check cdktf.out reads a stray stacks/zz.tf.json too (an agent there is found)", async () => {
    const root = tree({ "out/manifest.json": cdktfManifest(["a"]), "out/stacks/a/cdk.tf.json": SAFE, "out/stacks/zz.tf.json": AGENT });
    const r = await runIn(["check", "--format", "json", "out"], root);
    expect([r.code, r.stderr]).toEqual([1, ""]);
    expect(summary(r.stdout).files).toBe(2);
  });

  test("without a manifest, a stray file does not turn the incomplete-output refusal into a reading of itself", async () => {
    const stacks = tree({ "out/stacks/a/cdk.tf.json": AGENT, "out/stacks/zz.tf.json": STRAY });
    const r1 = await runIn(["check", join("out", "stacks")], stacks);
    expect([r1.code, r1.stdout]).toEqual([2, ""]);
    expect(r1.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r1.stderr).toMatch(/no manifest\.json/);
    const out = tree({ "out/stacks/a/cdk.tf.json": AGENT, "out/zz.tf.json": STRAY });
    const r2 = await runIn(["check", "out"], out);
    expect([r2.code, r2.stdout]).toEqual([2, ""]);
    expect(r2.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r2.stderr).toMatch(/no manifest\.json/);
  });

  test("a folder of .tf.json files with stack folders (a subfolder with cdk.tf.json) beside them reads both", async () => {
    const root = tree({ "d/main.tf.json": SAFE, "d/app/cdk.tf.json": AGENT });
    const r = await runIn(["check", "--format", "json", "d"], root);
    expect([r.code, r.stderr]).toEqual([1, ""]);
    expect(summary(r.stdout).files).toBe(2);
  });

  test("controls: the stacks alone fail; a cdktf.out's own file is read; a folder with module subfolders is one configuration", async () => {
    const plain = tree({ "out/manifest.json": cdktfManifest(["a", "b"]), "out/stacks/a/cdk.tf.json": AGENT, "out/stacks/b/cdk.tf.json": SAFE });
    const r1 = await runIn(["check", "--format", "json", join("out", "stacks")], plain);
    expect([r1.code, summary(r1.stdout).files]).toEqual([1, 2]);
    const own = tree({ "out/manifest.json": cdktfManifest(["a"]), "out/stacks/a/cdk.tf.json": SAFE, "out/zz.tf.json": AGENT });
    const r2 = await runIn(["check", "--format", "json", "out"], own);
    expect([r2.code, summary(r2.stdout).files]).toEqual([1, 2]);
    const mods = tree({ "d/main.tf.json": SAFE, "d/modules/x/main.tf.json": AGENT, "d/stacks/y/main.tf": "" });
    const r3 = await runIn(["check", "--format", "json", "d"], mods);
    expect([r3.code, r3.stderr, summary(r3.stdout).files]).toEqual([0, "", 1]);
  });
});
