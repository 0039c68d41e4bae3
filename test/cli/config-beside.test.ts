/**
 * Red-team round 98: `check infra/cdktf.out` run at the repository root (where CI steps run) read no config and
 * passed, dropping `infra/blastwall.json`, which the synth gate (run by cdktf in infra/) reads and fails on. A
 * blastwall.json beside a checked path that the run would not read now refuses the run; every report names its config.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { runIn } from "../helpers/cli";
import { cdktfManifest, policy, tf, TRUST } from "../helpers/tf";
import { change, minimalPlan } from "../plan/helpers";

// An agent only the config knows: named ai-coder, no agent tag or path, allowed to delete volumes.
const stack = tf({
  "aws_iam_role.coder": { name: "ai-coder", assume_role_policy: TRUST },
  "aws_iam_role_policy.ops": { role: "${aws_iam_role.coder.name}", policy: policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }) },
});
const AGENTS = JSON.stringify({ agents: { names: ["ai-*"] } });

function write(path: string, content: string): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, content);
}

/** A repository root holding the cdktf project `app` (cdktf.out and, when given, blastwall.json beside it). */
function monorepo(app = "infra", config: string | null = AGENTS, root = mkdtempSync(join(tmpdir(), "blastwall-beside-"))): string {
  write(join(root, app, "cdktf.out", "stacks", "prod", "cdk.tf.json"), JSON.stringify(stack));
  write(join(root, app, "cdktf.out", "manifest.json"), cdktfManifest(["prod"]));
  if (config !== null) write(join(root, app, "blastwall.json"), config);
  return root;
}

describe("check: a blastwall.json beside the checked output is never dropped silently", () => {
  test("run at the repository root, infra/blastwall.json beside infra/cdktf.out refuses the run (exit 2), naming both", async () => {
    const r = await runIn(["check", "infra/cdktf.out"], monorepo());
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      "blastwall: infra/blastwall.json: sits beside infra/cdktf.out, but no --config was given, so blastwall check would run with no config " +
        "(the working directory holds no blastwall.json) and drop this one; pass --config infra/blastwall.json to say which config applies\n",
    );
  });

  test("a stack file inside cdktf.out belongs to the project holding cdktf.out: refused too", async () => {
    const r = await runIn(["check", "infra/cdktf.out/stacks/prod/cdk.tf.json"], monorepo());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("infra/blastwall.json: sits above infra/cdktf.out/stacks/prod/cdk.tf.json,");
  });

  test("a Terraform file or folder checked from elsewhere: the blastwall.json in its folder refuses the run", async () => {
    const root = mkdtempSync(join(tmpdir(), "blastwall-beside-"));
    write(join(root, "tf", "main.tf.json"), JSON.stringify(stack));
    write(join(root, "tf", "blastwall.json"), AGENTS);
    const file = await runIn(["check", "tf/main.tf.json"], root);
    expect(file.code).toBe(2);
    expect(file.stderr).toContain("tf/blastwall.json: sits beside tf/main.tf.json,");
    const folder = await runIn(["check", "tf"], root);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain("tf/blastwall.json: sits in tf,");
  });

  test("a blastwall.json in the working directory does not settle it: which of the two applies must be said", async () => {
    const root = monorepo();
    writeFileSync(join(root, "blastwall.json"), "{}");
    const r = await runIn(["check", "infra/cdktf.out"], root);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("would read ./blastwall.json of the working directory instead and drop this one; pass --config infra/blastwall.json (or --config blastwall.json to keep the working directory's)");
  });

  test("two outputs, each with its own blastwall.json: one run reads one config, so both are named", async () => {
    const root = monorepo("api");
    monorepo("web", AGENTS, root);
    const r = await runIn(["check", "api/cdktf.out", "web/cdktf.out"], root);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("api/blastwall.json: sits beside api/cdktf.out, and web/blastwall.json beside web/cdktf.out;");
    expect(r.stderr).toContain("(--config api/blastwall.json api/cdktf.out)");
  });
});

// Red-team round 99: the file was still dropped when the output folder had another name, was reached by a link,
// or when the root module sat below the folder holding the config.
describe("check: the blastwall.json is found above the checked path, whatever the folders are called", () => {
  /** A cdktf project in infra/ whose cdktf.json writes to `build` (cdktf's `output` option), not cdktf.out. */
  function customOutput(root = mkdtempSync(join(tmpdir(), "blastwall-above-"))): string {
    write(join(root, "infra", "build", "stacks", "prod", "cdk.tf.json"), JSON.stringify(stack));
    write(join(root, "infra", "build", "manifest.json"), cdktfManifest(["prod"]));
    write(join(root, "infra", "cdktf.json"), JSON.stringify({ language: "typescript", app: "npx ts-node main.ts", output: "build" }));
    write(join(root, "infra", "blastwall.json"), AGENTS);
    return root;
  }

  test("a custom cdktf output folder (cdktf.json output: build): the folder and a stack file in it are refused", async () => {
    const root = customOutput();
    const folder = await runIn(["check", "infra/build"], root);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toBe(
      "blastwall: infra/blastwall.json: sits beside infra/build, but no --config was given, so blastwall check would run with no config " +
        "(the working directory holds no blastwall.json) and drop this one; pass --config infra/blastwall.json to say which config applies\n",
    );
    const file = await runIn(["check", "infra/build/stacks/prod/cdk.tf.json"], root);
    expect(file.code).toBe(2);
    expect(file.stderr).toContain("infra/blastwall.json: sits above infra/build/stacks/prod/cdk.tf.json,");
    // The way out the message names works: the config is read and the agent fails.
    expect((await runIn(["check", "--config", "infra/blastwall.json", "infra/build"], root)).code).toBe(1);
  });

  test("a link at the root to infra/cdktf.out: the walk starts where it leads, and the message names both", async () => {
    const root = monorepo();
    symlinkSync(join("infra", "cdktf.out"), join(root, "out"));
    const r = await runIn(["check", "out"], root);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("blastwall: infra/blastwall.json: sits beside infra/cdktf.out (where out leads), but no --config was given");
  });

  test("a link inside infra/ to an output elsewhere: the folder the link is written in counts too", async () => {
    const root = monorepo("infra", AGENTS);
    const elsewhere = monorepo("app", null, mkdtempSync(join(tmpdir(), "blastwall-elsewhere-")));
    mkdirSync(join(elsewhere, ".git"));
    symlinkSync(join(elsewhere, "app", "cdktf.out"), join(root, "infra", "linked"));
    const r = await runIn(["check", "infra/linked"], root);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("blastwall: infra/blastwall.json: sits beside infra/linked, but no --config was given");
  });

  test("a root module in infra/envs/prod, the config in infra/: refused from the root and from a sibling folder, read when run in infra", async () => {
    const root = mkdtempSync(join(tmpdir(), "blastwall-above-"));
    write(join(root, "infra", "envs", "prod", "main.tf.json"), JSON.stringify(stack));
    write(join(root, "infra", "blastwall.json"), AGENTS);
    const r = await runIn(["check", "infra/envs/prod"], root);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("blastwall: infra/blastwall.json: sits above infra/envs/prod, but no --config was given, so blastwall check would run with no config");
    // Run in a sibling folder, the checked path lies outside the working directory: the walk goes on up to infra/.
    mkdirSync(join(root, "infra", "envs", "staging"));
    const fromSibling = await runIn(["check", "../prod"], join(root, "infra", "envs", "staging"));
    expect(fromSibling.code).toBe(2);
    expect(fromSibling.stderr).toContain("blastwall: ../../blastwall.json: sits above ../prod, but");
    const inInfra = await runIn(["check", "envs/prod"], join(root, "infra"));
    expect(inInfra.code).toBe(1);
    expect(inInfra.stdout).toContain("\nconfig: blastwall.json\nblastwall check: FAIL");
  });

  test("the nearest config is named: infra/envs/prod/blastwall.json before infra/blastwall.json", async () => {
    const root = mkdtempSync(join(tmpdir(), "blastwall-above-"));
    write(join(root, "infra", "envs", "prod", "main.tf.json"), JSON.stringify(stack));
    write(join(root, "infra", "envs", "prod", "blastwall.json"), AGENTS);
    write(join(root, "infra", "blastwall.json"), "{}");
    const r = await runIn(["check", "infra/envs/prod/main.tf.json"], root);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("blastwall: infra/envs/prod/blastwall.json: sits beside infra/envs/prod/main.tf.json, but");
  });

  test("outside the working directory the walk ends at the repository root: its config counts, one above it does not", async () => {
    const outer = mkdtempSync(join(tmpdir(), "blastwall-above-"));
    const repo = join(outer, "repo");
    write(join(repo, "infra", "envs", "prod", "main.tf.json"), JSON.stringify(stack));
    write(join(repo, "tools", "README"), "");
    mkdirSync(join(repo, ".git"));
    write(join(outer, "blastwall.json"), AGENTS);
    const clean = await runIn(["check", "../infra/envs/prod"], join(repo, "tools"));
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain("config: none\n");
    write(join(repo, "blastwall.json"), AGENTS);
    const r = await runIn(["check", "../infra/envs/prod"], join(repo, "tools"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("blastwall: ../blastwall.json: sits above ../infra/envs/prod, but");
  });

  test("control: the working directory's config, checking a subfolder that holds none, is read with no refusal", async () => {
    const root = mkdtempSync(join(tmpdir(), "blastwall-above-"));
    write(join(root, "envs", "prod", "main.tf.json"), JSON.stringify(stack));
    write(join(root, "blastwall.json"), AGENTS);
    for (const input of ["envs/prod", "./envs/prod/main.tf.json"]) {
      const r = await runIn(["check", input], root);
      expect([input, r.code, r.stderr]).toEqual([input, 1, ""]);
      expect(r.stdout).toContain("\nconfig: blastwall.json\nblastwall check: FAIL");
    }
  });

  test("the walk stops at the working directory: run in infra/envs/prod, which holds no config, infra/blastwall.json is not looked at", async () => {
    // As documented: the working directory says which project a run is about; a config above it is never looked for.
    const root = mkdtempSync(join(tmpdir(), "blastwall-above-"));
    write(join(root, "infra", "envs", "prod", "main.tf.json"), JSON.stringify(stack));
    write(join(root, "infra", "blastwall.json"), AGENTS);
    const r = await runIn(["check", "."], join(root, "infra", "envs", "prod"));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("config: none\n");
  });

  test("control: a link to the working directory's own config is that config, wherever the walk meets it", async () => {
    const root = monorepo();
    symlinkSync(join("infra", "blastwall.json"), join(root, "blastwall.json"));
    const r = await runIn(["check", "infra/cdktf.out"], root);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("\nconfig: blastwall.json\nblastwall check: FAIL");
  });
});

describe("check: unchanged where the config is not in doubt, and the report names it", () => {
  test("--config names the file: it is read (the agent fails) and the text report says which, above the verdict", async () => {
    const r = await runIn(["check", "--config", "infra/blastwall.json", "infra/cdktf.out"], monorepo());
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[lines.length - 2]).toBe("config: infra/blastwall.json");
    expect(lines[lines.length - 1]).toMatch(/^blastwall check: FAIL — .* 1 agent principal\(s\) of 1/);
  });

  test("run in the project folder, its blastwall.json is read as before", async () => {
    const r = await runIn(["check", "cdktf.out"], join(monorepo(), "infra"));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("\nconfig: blastwall.json\nblastwall check: FAIL");
  });

  test("the same config reached by another path (../infra from infra) is the working directory's: no refusal", async () => {
    const r = await runIn(["check", "../infra/cdktf.out"], join(monorepo(), "infra"));
    expect(r.code).toBe(1);
  });

  test("no blastwall.json anywhere: checked as before (the agent is unknown), and the report says config: none", async () => {
    const root = monorepo("infra", null);
    const r = await runIn(["check", "infra/cdktf.out"], root);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^config: none\nblastwall check: PASS/m);
    expect(r.stdout).toContain("0 agent principal(s) of 1");
  });

  test("JSON: a top-level config key, the path as given or null", async () => {
    const given = JSON.parse((await runIn(["check", "--format", "json", "--config", "infra/blastwall.json", "infra/cdktf.out"], monorepo())).stdout);
    expect(given.config).toBe("infra/blastwall.json");
    const none = JSON.parse((await runIn(["check", "--format", "json", "infra/cdktf.out"], monorepo("infra", null))).stdout);
    expect(none).toHaveProperty("config", null);
  });

  test("SARIF: the run's properties name the config, or null", async () => {
    const given = JSON.parse((await runIn(["check", "--format", "sarif", "--config", "infra/blastwall.json", "infra/cdktf.out"], monorepo())).stdout);
    expect(given.runs[0].properties).toEqual({ config: "infra/blastwall.json" });
    const none = JSON.parse((await runIn(["check", "--format", "sarif", "infra/cdktf.out"], monorepo("infra", null))).stdout);
    expect(none.runs[0].properties).toEqual({ config: null });
  });

  test("Mermaid: a comment line names the config, its characters escaped like every name", async () => {
    const root = monorepo();
    const r = await runIn(["check", "--format", "mermaid", "--config", "infra/blastwall.json", "infra/cdktf.out"], root);
    expect(r.stdout.trimEnd().split("\n").pop()).toBe("%% config: infra/blastwall.json");
    writeFileSync(join(root, "odd\nflowchart.json"), AGENTS);
    const odd = await runIn(["check", "--format", "mermaid", "--config", "odd\nflowchart.json", "infra/cdktf.out"], root);
    expect(odd.stdout.split("\n").filter((l) => l.startsWith("flowchart"))).toHaveLength(1);
    const none = await runIn(["check", "--format", "mermaid", "infra/cdktf.out"], monorepo("infra", null));
    expect(none.stdout).toBe("%% blastwall: no failing agent, nothing to draw\n%% config: none\n");
  });
});

describe("gate and approve: a blastwall.json beside the plan", () => {
  // Deleting an instance only the config protects: blocked with the config, passed without it.
  const plan = JSON.stringify(minimalPlan([change("aws_instance.web", ["delete"], { id: "i-1" }, null)]));
  const PROTECTS = JSON.stringify({ protected: { addresses: ["aws_instance.web"] } });
  function planRepo(): string {
    const root = mkdtempSync(join(tmpdir(), "blastwall-beside-plan-"));
    write(join(root, "infra", "plan.json"), plan);
    write(join(root, "infra", "blastwall.json"), PROTECTS);
    return root;
  }

  test("gate at the repository root with infra/plan.json beside infra/blastwall.json: refused (exit 2)", async () => {
    const r = await runIn(["gate", "infra/plan.json"], planRepo());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("blastwall: infra/blastwall.json: sits beside infra/plan.json, but no --config was given, so blastwall gate would run with no config");
  });

  test("gate with --config, or run in infra: the protected delete is blocked, and each format names the config", async () => {
    const root = planRepo();
    const given = await runIn(["gate", "--config", "infra/blastwall.json", "infra/plan.json"], root);
    expect(given.code).toBe(1);
    expect(given.stdout).toContain("\nconfig: infra/blastwall.json\nblastwall gate: FAIL");
    const inInfra = await runIn(["gate", "--format", "json", "plan.json"], join(root, "infra"));
    expect(inInfra.code).toBe(1);
    expect(JSON.parse(inInfra.stdout).config).toBe("blastwall.json");
    const sarif = JSON.parse((await runIn(["gate", "--format", "sarif", "--config", "infra/blastwall.json", "infra/plan.json"], root)).stdout);
    expect(sarif.runs[0].properties).toEqual({ config: "infra/blastwall.json" });
  });

  test("gate with no blastwall.json anywhere: passes as before, config null", async () => {
    const root = mkdtempSync(join(tmpdir(), "blastwall-beside-plan-"));
    write(join(root, "infra", "plan.json"), plan);
    const r = await runIn(["gate", "--format", "json", "infra/plan.json"], root);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveProperty("config", null);
  });

  test("gate and approve walk up as check does: infra/envs/prod/plan.json under infra/blastwall.json is refused by both", async () => {
    const root = mkdtempSync(join(tmpdir(), "blastwall-beside-plan-"));
    write(join(root, "infra", "envs", "prod", "plan.json"), plan);
    write(join(root, "infra", "blastwall.json"), PROTECTS);
    const gate = await runIn(["gate", "infra/envs/prod/plan.json"], root);
    expect(gate.code).toBe(2);
    expect(gate.stderr).toContain("blastwall: infra/blastwall.json: sits above infra/envs/prod/plan.json, but no --config was given, so blastwall gate would");
    const approve = await runIn(["approve", "infra/envs/prod/plan.json", "--key", "nokey.pem", "--by", "alice"], root);
    expect(approve.code).toBe(2);
    expect(approve.stderr).toContain("infra/blastwall.json: sits above infra/envs/prod/plan.json, but no --config was given, so blastwall approve would");
  });

  test("a plan written at the root (terraform -chdir=infra show -json > plan.json) cannot be tied to infra/: --config it is", async () => {
    // What docs/plan-gate.md says: nothing in the plan file or its place names infra/, so gate needs --config there.
    const root = mkdtempSync(join(tmpdir(), "blastwall-beside-plan-"));
    write(join(root, "plan.json"), plan);
    write(join(root, "infra", "blastwall.json"), PROTECTS);
    const bare = await runIn(["gate", "--format", "json", "plan.json"], root);
    expect(bare.code).toBe(0);
    expect(JSON.parse(bare.stdout)).toHaveProperty("config", null);
    expect((await runIn(["gate", "--config", "infra/blastwall.json", "plan.json"], root)).code).toBe(1);
  });

  test("approve refuses the same way: its approval must list what the gate, given the same config, blocks", async () => {
    const r = await runIn(["approve", "infra/plan.json", "--key", "nokey.pem", "--by", "alice"], planRepo());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("blastwall approve would run with no config");
  });
});
