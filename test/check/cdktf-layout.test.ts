/**
 * What `blastwall check` reads of a cdktf output, as Terraform (run by cdktf in each stack folder) would deploy it:
 * every file Terraform loads beside a cdk.tf.json, every stack the manifest lists or the stacks/ folder holds, and a
 * cdktf.out's own Terraform files. Anything it cannot read (a loop, a FIFO, a broken manifest) is bad input.
 */
import { execFileSync, spawn, type ChildProcess } from "child_process";
import { symlinkSync, writeFileSync } from "fs";
import { join } from "path";
import { runIn } from "../helpers/cli";
import { tree } from "../helpers/files";
import { policy, tf, TRUST } from "../helpers/tf";

const run = runIn;

// A role that can delete volumes, an agent only if its tags (a variable) say so: clean as synthesized.
const worker = (tags: Record<string, string>) =>
  JSON.stringify({
    ...tf({
      "aws_iam_role.worker": { name: "worker", assume_role_policy: TRUST, tags: "${var.tags}" },
      "aws_iam_role_policy.wipe": { role: "${aws_iam_role.worker.name}", policy: policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }) },
    }),
    variable: { tags: { type: "map(string)", default: tags } },
  });
const WORKER = worker({ team: "ops" });
const AGENT = worker({ "blastwall:agent": "true" });
const SAFE = JSON.stringify(tf({ "aws_s3_bucket.logs": { bucket: "logs" } }));
// What the agent worker is found at fault for: acknowledging all of them makes a check pass.
const AGENT_RULES = ["agent-destroy-right", "agent-role-boundary", "agent-source-identity"];

// Files Terraform loads beside the cdk.tf.json, each of which turns the worker (or another role) into an agent.
const EXTRAS: [string, string, string][] = [
  ["an override file", "agent_override.tf.json", JSON.stringify({ resource: { aws_iam_role: { worker: { tags: { "blastwall:agent": "true" } } } } })],
  ["another .tf file", "extra.tf", 'resource "aws_iam_role" "second" {\n  name = "second"\n  assume_role_policy = "{}"\n  tags = { "blastwall:agent" = "true" }\n}\nresource "aws_iam_role_policy" "second" {\n  role = aws_iam_role.second.name\n  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "rds:DeleteDBInstance", Resource = "*" }] })\n}\n'],
  ["terraform.tfvars.json", "terraform.tfvars.json", JSON.stringify({ tags: { "blastwall:agent": "true" } })],
  ["an *.auto.tfvars file", "agent.auto.tfvars", 'tags = { "blastwall:agent" = "true" }\n'],
];

const MANIFEST = (stacks: Record<string, string>) =>
  JSON.stringify({
    version: "0.21.0",
    stacks: Object.fromEntries(
      Object.entries(stacks).map(([name, wd]) => [name, { name, constructPath: name, annotations: [], dependencies: [], workingDirectory: wd, synthesizedStackPath: `${wd}/cdk.tf.json`, stackMetadataPath: `${wd}/metadata.json` }]),
    ),
  });

const files = (stdout: string) => JSON.parse(stdout).summary.files as number;

describe("files Terraform loads beside a cdk.tf.json", () => {
  test("the stack alone passes", async () => {
    const root = tree({ "cdktf.out/manifest.json": MANIFEST({ app: "stacks/app" }), "cdktf.out/stacks/app/cdk.tf.json": WORKER });
    expect((await run(["check", "cdktf.out"], root)).code).toBe(0);
    expect((await run(["check", "cdktf.out/stacks/app/cdk.tf.json"], root)).code).toBe(0);
  });

  describe.each(EXTRAS)("%s", (_what, name, text) => {
    const root = tree({ "cdktf.out/manifest.json": MANIFEST({ app: "stacks/app" }), "cdktf.out/stacks/app/cdk.tf.json": WORKER, [`cdktf.out/stacks/app/${name}`]: text });
    test.each([["the cdktf.out folder", "cdktf.out"], ["the stack folder", "cdktf.out/stacks/app"], ["its cdk.tf.json", "cdktf.out/stacks/app/cdk.tf.json"]])(
      "is read when %s is checked",
      async (_how, path) => {
        const r = await run(["check", "--format", "json", path], root);
        expect(r.stderr).toBe("");
        expect(r.code).toBe(1);
      },
    );
  });

  test("the stack read as a folder keeps its name (an acknowledgement scoped to it holds)", async () => {
    const [, name, text] = EXTRAS[0];
    const root = tree({ "cdktf.out/manifest.json": MANIFEST({ app: "stacks/app" }), "cdktf.out/stacks/app/cdk.tf.json": WORKER, [`cdktf.out/stacks/app/${name}`]: text });
    const ack = (stack: string) =>
      JSON.stringify({ acknowledgements: AGENT_RULES.map((ruleId) => ({ ruleId, principal: "aws_iam_role.worker", stack, reason: "reviewed: scratch volume janitor" })) });
    writeFileSync(join(root, "app.json"), ack("app"));
    writeFileSync(join(root, "other.json"), ack("other"));
    for (const path of ["cdktf.out", "cdktf.out/stacks/app", "cdktf.out/stacks/app/cdk.tf.json"]) {
      expect((await run(["check", "--config", "app.json", path], root)).code).toBe(0);
      expect((await run(["check", "--config", "other.json", path], root)).code).toBe(1);
    }
  });

  test("two file arguments in one folder read it once", async () => {
    const [, name, text] = EXTRAS[0];
    const root = tree({ "s/cdk.tf.json": WORKER, [`s/${name}`]: text });
    const r = await run(["check", "--format", "json", "s/cdk.tf.json", `s/${name}`, "./s/cdk.tf.json"], root);
    expect(r.code).toBe(1);
    // The folder's two files, each once (summary.files counts files read: red-team round 121), and its findings once.
    expect(files(r.stdout)).toBe(2);
    const once = await run(["check", "--format", "json", "s"], root);
    expect(JSON.parse(r.stdout).findings).toEqual(JSON.parse(once.stdout).findings);
  });

  test("hidden files and folders with Terraform names are not loaded, so the cdk.tf.json is read alone", async () => {
    const root = tree({ "s/cdk.tf.json": WORKER, "s/.agent_override.tf.json": EXTRAS[0][2], "s/x.tf/main.tf": EXTRAS[1][2] });
    const r = await run(["check", "--format", "json", "s"], root);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).findings).toEqual([]);
  });

  test("another *.tf.json file argument is read on its own", async () => {
    const root = tree({ "s/main.tf.json": WORKER, "s/terraform.tfvars.json": EXTRAS[2][2] });
    expect((await run(["check", "s/main.tf.json"], root)).code).toBe(0);
    expect((await run(["check", "s"], root)).code).toBe(1);
  });
});

describe("a cdktf output folder with manifest.json", () => {
  test("its own Terraform files and its stacks are both read", async () => {
    const root = tree({ "out/manifest.json": MANIFEST({ app: "stacks/app" }), "out/cdk.tf.json": SAFE, "out/stacks/app/cdk.tf.json": AGENT });
    const r = await run(["check", "--format", "json", "out"], root);
    expect(r.code).toBe(1);
    expect(files(r.stdout)).toBe(2);
  });

  test("a listed stack outside stacks/ and an unlisted folder in stacks/ are both read", async () => {
    const root = tree({ "out/manifest.json": MANIFEST({ app: "elsewhere/app" }), "out/elsewhere/app/cdk.tf.json": SAFE, "out/stacks/stray/cdk.tf.json": AGENT });
    const r = await run(["check", "--format", "json", "out"], root);
    expect(r.code).toBe(1);
    expect(files(r.stdout)).toBe(2);
  });

  test("the manifest names each stack by its folder, not by the name it gives", async () => {
    const root = tree({ "out/manifest.json": MANIFEST({ staging: "stacks/prod" }), "out/stacks/prod/cdk.tf.json": AGENT });
    const ack = (stack: string) =>
      JSON.stringify({ acknowledgements: AGENT_RULES.map((ruleId) => ({ ruleId, principal: "aws_iam_role.worker", stack, reason: "reviewed: staging janitor only" })) });
    writeFileSync(join(root, "staging.json"), ack("staging"));
    writeFileSync(join(root, "prod.json"), ack("prod"));
    expect((await run(["check", "--config", "staging.json", "out"], root)).code).toBe(1);
    expect((await run(["check", "--config", "prod.json", "out"], root)).code).toBe(0);
  });

  const bad: [string, Record<string, string>, RegExp][] = [
    ["a listed stack folder that is missing", { "out/manifest.json": MANIFEST({ app: "stacks/app", prod: "stacks/prod" }), "out/stacks/app/cdk.tf.json": SAFE }, /out\/stacks\/prod: is missing, but .*manifest\.json lists it as the working directory of stack "prod"/],
    ["a listed stack file that is missing", { "out/manifest.json": MANIFEST({ app: "stacks/app" }), "out/stacks/app/main.tf": "" }, /out\/stacks\/app\/cdk\.tf\.json: is missing, but .*stack "app"/],
    ["a manifest that is not JSON", { "out/manifest.json": "{", "out/stacks/app/cdk.tf.json": SAFE }, /out\/manifest\.json: /],
    ["a manifest without stacks", { "out/manifest.json": '{"version":"0.21.0"}', "out/stacks/app/cdk.tf.json": SAFE }, /out\/manifest\.json: is not a cdktf manifest: "stacks" must be an object/],
    ["a manifest stack without a working directory", { "out/manifest.json": '{"stacks":{"app":{"synthesizedStackPath":"stacks/app/cdk.tf.json"}}}', "out/stacks/app/cdk.tf.json": SAFE }, /stack "app" has no workingDirectory/],
  ];
  test.each(bad)("%s is bad input: exit 2, one line naming it", async (_what, layout, message) => {
    const r = await run(["check", "out"], tree(layout));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("paths that cannot be read are bad input", () => {
  const expectBad = (r: { code: number; stderr: string }, message: RegExp) => {
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  };

  test("a symbolic link loop, given or met inside a cdktf.out", async () => {
    const root = tree({ "out/stacks/app/cdk.tf.json": SAFE });
    symlinkSync("loop", join(root, "loop"));
    symlinkSync("x", join(root, "out", "stacks", "x"));
    expectBad(await run(["check", "loop"], root), /loop: is a symbolic link that loops/);
    expectBad(await run(["check", "out"], root), /stacks\/x: is a symbolic link that loops/);
  });

  const fifo = process.platform === "win32" ? test.skip : test;
  const writers: ChildProcess[] = [];
  afterAll(() => {
    for (const w of writers) if (w.exitCode === null) w.kill();
  });
  fifo("a FIFO is refused, not read (which would block)", async () => {
    const root = tree({ "s/main.tf": "", "ok/main.tf": "", "v/x": "" });
    for (const f of ["pipe.tf.json", "s/cdk.tf.json", "v/prod.tfvars"]) {
      execFileSync("mkfifo", [join(root, f)]);
      // A writer at the other end: should blastwall read the FIFO after all, the test fails instead of hanging.
      const w = spawn("sh", ["-c", 'printf "{}" > "$1"', "sh", join(root, f)], { stdio: "ignore" });
      writers.push(w);
    }
    expectBad(await run(["check", "pipe.tf.json"], root), /pipe\.tf\.json: is not a regular file or directory/);
    expectBad(await run(["check", "s"], root), /s\/cdk\.tf\.json: is not a regular file or directory/);
    expectBad(await run(["check", "--var-file", "v/prod.tfvars", "ok"], root), /v\/prod\.tfvars: is not a regular file/);
  });

  test("--var-file given a folder says what it expects, not a stack file", async () => {
    const root = tree({ "s/main.tf": "", "vars/a.tfvars": "" });
    const r = await run(["check", "--var-file", "vars", "s"], root);
    expectBad(r, /vars: is a directory; --var-file expects a \.tfvars or \.tfvars\.json file/);
    expect(r.stderr).not.toMatch(/cdk\.tf\.json|cdktf\.out/);
  });
});

describe("one stack folder under two stack names", () => {
  test("a symlinked alias is judged under its own name: the alias's acknowledgements do not cover the real stack", async () => {
    const root = tree({
      "out/manifest.json": MANIFEST({ prod: "stacks/prod" }),
      "out/stacks/prod/cdk.tf.json": AGENT,
      "blastwall.json": JSON.stringify({
        acknowledgements: AGENT_RULES.map((ruleId) => ({ ruleId, principal: "aws_iam_role.worker", stack: "aaa-sandbox", reason: "sandbox worker may delete volumes" })),
      }),
    });
    const { symlinkSync } = require("fs") as typeof import("fs");
    symlinkSync("prod", join(root, "out", "stacks", "aaa-sandbox"));
    const r = await run(["check", "--format", "json", "--config", "blastwall.json", "out"], root);
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.stdout).findings as { file: string; severity: string; acknowledged?: unknown }[];
    expect(findings.filter((f) => f.file.includes("/prod/") && f.severity === "error" && !f.acknowledged).length).toBeGreaterThan(0);
  });
});

/**
 * Red-team round 133 F6: a named `x.tf.json` is read alone (documented), so tfvars and override files beside it that
 * Terraform loads with it are not read; the report says which, and to check the folder instead. Exit codes stay.
 */
describe("a *.tf.json named alone, with files beside it Terraform loads with it", () => {
  const TWIN = JSON.stringify({ resource: { aws_iam_role: { worker: { name: "worker", assume_role_policy: TRUST, tags: { "blastwall:agent": "true" } } } } });
  const notesOf = async (files: Record<string, string>, path = "main.tf.json") => {
    const r = await run(["check", "--format", "json", path], tree({ "main.tf.json": WORKER, ...files }));
    return { code: r.code, notes: (JSON.parse(r.stdout).notes ?? []) as string[] };
  };

  test.each([...EXTRAS.filter(([, name]) => !name.endsWith(".tf")), ["a .tofu.json twin", "main.tofu.json", TWIN]])("%s is named in a note; the exit code is as before", async (_what, name) => {
    const { code, notes } = await notesOf({ [name]: "{}" });
    expect(code).toBe(0);
    expect(notes).toHaveLength(1);
    // Paths are shown as the CLI shows every path: from where it runs.
    const [, dir] = /^(\S*)\/main\.tf\.json was read alone, as named: Terraform \(or OpenTofu\) run in \1 also loads /.exec(notes[0]) ?? [];
    expect(dir).toBeDefined();
    expect(notes[0]).toContain(`loads ${dir}/${name}, which blastwall did not read`);
    expect(notes[0]).toContain(`Check the folder instead (blastwall check ${dir}) to judge what is applied.`);
  });

  test("what the note names is what the folder reading finds: the auto tfvars makes the worker an agent", async () => {
    const root = tree({ "app/main.tf.json": WORKER, "app/agent.auto.tfvars": 'tags = { "blastwall:agent" = "true" }\n', "app/z_override.tf.json": "{}" });
    const alone = await run(["check", "--format", "json", "app/main.tf.json"], root);
    expect(alone.code).toBe(0);
    const [note] = JSON.parse(alone.stdout).notes as string[];
    expect(note).toMatch(/also loads (\S*)\/app\/agent\.auto\.tfvars, \1\/app\/z_override\.tf\.json, which blastwall did not read, and a tfvars file sets its variables' values/);
    expect(note).toContain("; an override file replaces arguments of its blocks");
    expect((await run(["check", "app"], root)).code).toBe(1);
  });

  test("controls: nothing beside it, another plain .tf.json, a lone cdk.tf.json, or a file read with its folder: no note", async () => {
    expect(await notesOf({})).toEqual({ code: 0, notes: [] });
    expect(await notesOf({ "other.tf.json": SAFE, "README.md": "x", "x.tfvars": "y = 1\n" })).toEqual({ code: 0, notes: [] });
    const lone = await run(["check", "--format", "json", "cdk.tf.json"], tree({ "cdk.tf.json": WORKER }));
    expect(JSON.parse(lone.stdout).notes).toBeUndefined();
    // A local module makes the named file's folder the configuration read: its tfvars are read then.
    const withModule = JSON.stringify({ ...JSON.parse(WORKER), module: { m: { source: "./m" } } });
    const folder = await run(["check", "--format", "json", "main.tf.json"], tree({ "main.tf.json": withModule, "m/main.tf": "", "agent.auto.tfvars": 'tags = { "blastwall:agent" = "true" }\n' }));
    expect(folder.code).toBe(1);
    expect(JSON.parse(folder.stdout).notes).toBeUndefined();
  });
});
