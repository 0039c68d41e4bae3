/**
 * SARIF URIs are relative to the repository root (review round 94): GitHub code scanning reads a relative URI as
 * relative to the root of the repository analyzed, so a run in `infra/` (a monorepo's `working-directory`) or one
 * that checks `../cdktf.out` must still name `infra/cdktf.out/...`, never `cdktf.out/...` or `../cdktf.out/...`.
 */
import { mkdirSync } from "fs";
import { join } from "path";
import { pathToFileURL } from "url";
import { runIn } from "../helpers/cli";
import { AGENT_STACK, tree } from "../helpers/files";
import { cdktfManifest } from "../helpers/tf";
import { repositoryRoot } from "../../lib/report/sarif";

type Loc = { uri: string; uriBaseId?: string };
async function sarif(args: string[], cwd: string) {
  const r = await runIn(["check", "--format", "sarif", ...args], cwd);
  expect(r.code).toBe(1);
  const run = JSON.parse(r.stdout).runs[0];
  const results = run.results as { locations: { physicalLocation: { artifactLocation: Loc } }[]; partialFingerprints: Record<string, string> }[];
  return { run, locs: results.map((x) => x.locations[0].physicalLocation.artifactLocation), fps: results.map((x) => JSON.stringify(x.partialFingerprints)) };
}

const monorepo = (git: Record<string, string>) =>
  tree({
    ...git,
    "infra/cdktf.out/manifest.json": cdktfManifest(["prod"]),
    "infra/cdktf.out/stacks/prod/cdk.tf.json": AGENT_STACK,
  });

describe("SARIF URIs are relative to the repository root", () => {
  test("run in infra/ of a repository (.git folder above the working directory)", async () => {
    const root = monorepo({ ".git/HEAD": "ref: refs/heads/main\n" });
    const { run, locs } = await sarif(["cdktf.out"], join(root, "infra"));
    expect(locs.length).toBeGreaterThan(0);
    for (const l of locs) expect(l).toEqual({ uri: "infra/cdktf.out/stacks/prod/cdk.tf.json", uriBaseId: "%SRCROOT%" });
    expect(run.originalUriBaseIds).toEqual({ "%SRCROOT%": { uri: `${pathToFileURL(root).href}/` } });
  });

  test("checking ../cdktf.out from a folder beside it names the same file, with the same fingerprints", async () => {
    const root = monorepo({ ".git/HEAD": "ref: refs/heads/main\n" });
    mkdirSync(join(root, "infra", "sub"));
    const fromInfra = await sarif(["cdktf.out"], join(root, "infra"));
    const fromSub = await sarif(["../cdktf.out"], join(root, "infra", "sub"));
    const fromRoot = await sarif(["infra/cdktf.out"], root);
    for (const { locs } of [fromSub, fromRoot]) for (const l of locs) expect(l.uri).toBe("infra/cdktf.out/stacks/prod/cdk.tf.json");
    expect(fromSub.fps).toEqual(fromInfra.fps);
    expect(fromRoot.fps).toEqual(fromInfra.fps);
  });

  test("a .git file (a worktree or submodule) marks the root too", async () => {
    const root = monorepo({ ".git": "gitdir: /elsewhere/.git/worktrees/x\n" });
    const { locs } = await sarif(["cdktf.out"], join(root, "infra"));
    for (const l of locs) expect(l).toEqual({ uri: "infra/cdktf.out/stacks/prod/cdk.tf.json", uriBaseId: "%SRCROOT%" });
  });

  test("without a repository, the working directory is the root, and a file outside it is an absolute file: URI", async () => {
    const root = monorepo({});
    if (repositoryRoot(root) !== root) return; // a .git above the temp folder: nothing to show here
    mkdirSync(join(root, "infra", "sub"));
    const inside = await sarif(["cdktf.out"], join(root, "infra"));
    for (const l of inside.locs) expect(l).toEqual({ uri: "cdktf.out/stacks/prod/cdk.tf.json", uriBaseId: "%SRCROOT%" });
    const outside = await sarif(["../cdktf.out"], join(root, "infra", "sub"));
    for (const l of outside.locs) {
      expect(l).toEqual({ uri: pathToFileURL(join(root, "infra/cdktf.out/stacks/prod/cdk.tf.json")).href });
      expect(l.uri).not.toContain("..");
    }
  });

  test("repositoryRoot finds the nearest .git, else the directory itself", () => {
    const root = tree({ ".git/HEAD": "x", "a/b/c/keep": "" });
    expect(repositoryRoot(join(root, "a", "b", "c"))).toBe(root);
    expect(repositoryRoot(root)).toBe(root);
  });
});
