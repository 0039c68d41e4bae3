/**
 * Red-team round 67 (report B, finding 7): `blastwall check proj/stacks`, where proj/ holds a manifest.json that is
 * not cdktf's (a web app's), exited 2 with "manifest.json: is not a cdktf manifest". That manifest is not the
 * stacks' manifest: it is treated as absent, and the refusal (an output without a cdktf manifest may be incomplete)
 * says so and what to check instead.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { cdktfManifest, safeAgentStack } from "../helpers/tf";
import { runIn } from "../helpers/cli";

const safe = safeAgentStack([{ Effect: "Allow", Action: "ec2:Describe*", Resource: "*" }]);

function proj(manifest: string | undefined): string {
  const root = mkdtempSync(join(tmpdir(), "blastwall-rt67-"));
  mkdirSync(join(root, "proj", "stacks", "b"), { recursive: true });
  writeFileSync(join(root, "proj", "stacks", "b", "cdk.tf.json"), JSON.stringify(safe));
  if (manifest !== undefined) writeFileSync(join(root, "proj", "manifest.json"), manifest);
  return root;
}

const WEB_APP = JSON.stringify({ name: "Shop", short_name: "shop", start_url: "/", display: "standalone", icons: [] });

describe("RT67-B7: a stacks/ folder beside a manifest.json that is not cdktf's", () => {
  test.each([["a web app's manifest", WEB_APP], ["a JSON array", "[]"], ["text that is not JSON", "CACHE MANIFEST\n"]])("%s is not the stacks' manifest: the no-manifest refusal, explained", async (_n, text) => {
    const r = await runIn(["check", join("proj", "stacks")], proj(text));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/is not a cdktf manifest/);
    expect(lines[0]).toMatch(/^blastwall: \S*proj[\\/]stacks: /);
    expect(lines[0]).toMatch(/manifest\.json beside it is not cdktf's/);
    expect(lines[0]).toMatch(/check each stack folder/);
  });

  test("the fix the message names works: a stack folder on its own is read", async () => {
    const r = await runIn(["check", join("proj", "stacks", "b")], proj(WEB_APP));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  test("controls: a cdktf manifest is read; a broken one (with stacks) is still refused; none at all is refused as incomplete", async () => {
    const ok = await runIn(["check", "--format", "json", join("proj", "stacks")], proj(cdktfManifest(["b"])));
    expect([ok.code, ok.stderr]).toEqual([0, ""]);
    expect(JSON.parse(ok.stdout).summary.files).toBe(1);
    const broken = await runIn(["check", join("proj", "stacks")], proj('{"stacks":[]}'));
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/manifest\.json: is not a cdktf manifest: "stacks" must be an object/);
    const none = await runIn(["check", join("proj", "stacks")], proj(undefined));
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no manifest\.json/);
  });
});
