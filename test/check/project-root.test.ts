import { mkdirSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { runIn } from "../helpers/cli";
import { cdktfManifest, safeAgentStack, agentRole, policy, tf } from "../helpers/tf";

const run = (args: string[], cwd: string) => runIn(args, cwd, new Date("2026-11-25T12:00:00Z"));

const safe = safeAgentStack([{ Effect: "Allow", Action: "ec2:Describe*", Resource: "*" }]);
const unsafe = tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.ops": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }) } });

/** A cdktf project root: cdktf.json, main.ts and a synthesized cdktf.out (or the folder cdktf.json names). */
function project(outdir = "cdktf.out", manifest = true): string {
  const root = mkdtempSync(join(tmpdir(), "blastwall-project-"));
  writeFileSync(join(root, "main.ts"), "// the app\n");
  writeFileSync(join(root, "cdktf.json"), JSON.stringify({ language: "typescript", app: "npx ts-node main.ts", ...(outdir !== "cdktf.out" ? { output: outdir } : {}) }));
  const out = join(root, outdir);
  for (const [name, stack] of [["dev", safe], ["prod", unsafe]] as const) {
    mkdirSync(join(out, "stacks", name), { recursive: true });
    writeFileSync(join(out, "stacks", name, "cdk.tf.json"), JSON.stringify(stack));
  }
  if (manifest) writeFileSync(join(out, "manifest.json"), cdktfManifest(["dev", "prod"]));
  return root;
}

describe("check in a cdktf project root", () => {
  test("`check .` names cdktf.out when it is there", async () => {
    const r = await run(["check", "."], project());
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/holds no cdk\.tf\.json.*; check \S*cdktf\.out \(the synthesized stacks\) instead/);
  });

  test("`check .` names the output folder cdktf.json sets", async () => {
    const r = await run(["check", "."], project("build/synth"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/check \S*build[\\/]synth \(the synthesized stacks\) instead/);
  });

  test("control: a folder with nothing to read, and no cdktf.out, gives no hint", async () => {
    const empty = mkdtempSync(join(tmpdir(), "blastwall-empty-"));
    const r = await run(["check", "."], empty);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/cdktf\.out/);
  });

  // Review round 94: before synth (cdktf.json, no output yet) the README's promise held only once cdktf.out existed.
  test.each([
    [{}, "cdktf.out"],
    [{ output: "build/synth" }, "build/synth"],
  ])("`check .` in a cdktf project before synth (cdktf.json %j) says to run cdktf synth and check %s", async (extra, out) => {
    const root = mkdtempSync(join(tmpdir(), "blastwall-unsynth-"));
    writeFileSync(join(root, "cdktf.json"), JSON.stringify({ language: "typescript", app: "npx ts-node main.ts", ...extra }));
    writeFileSync(join(root, "main.ts"), "// the app\n");
    const r = await run(["check", "."], root);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    const at = out.replace("/", "[\\\\/]");
    expect(r.stderr).toMatch(new RegExp(`cdktf project \\(cdktf\\.json\\) and it has no \\S*${at} yet: run cdktf synth, then check \\S*${at}\n$`));
    // and with an empty output folder, which checking would refuse too
    mkdirSync(join(root, out), { recursive: true });
    const e = await run(["check", "."], root);
    expect(e.stderr).toMatch(new RegExp(`its output folder \\S*${at} is empty: run cdktf synth, then check \\S*${at}\n$`));
  });

  test("`check cdktf.out/stacks` reads every stack, as `check cdktf.out` does", async () => {
    const root = project();
    const viaOut = await run(["check", "--format", "json", "cdktf.out"], root);
    const viaStacks = await run(["check", "--format", "json", join("cdktf.out", "stacks")], root);
    expect(viaStacks.stderr).toBe("");
    expect(viaStacks.code).toBe(1);
    expect(viaStacks.code).toBe(viaOut.code);
    expect(JSON.parse(viaStacks.stdout).summary).toEqual(JSON.parse(viaOut.stdout).summary);
    expect(JSON.parse(viaStacks.stdout).summary.files).toBe(2);
  });

  test("control: stacks/ of an output with no manifest.json is still refused as incomplete", async () => {
    const r = await run(["check", join("cdktf.out", "stacks")], project("cdktf.out", false));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no manifest\.json/);
  });
});
