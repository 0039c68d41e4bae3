import { execFileSync, spawnSync } from "child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { runCli } from "../../lib/cli/main";
import { agentRole, cdktfManifest, policy, safeAgentStack, tf } from "../helpers/tf";

const ROOT = join(__dirname, "..", "..");

async function run(args: string[], cwd = process.cwd()) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, env: {}, now: () => new Date("2026-11-25T12:00:00Z") });
  return { code, stdout, stderr };
}

const dir = mkdtempSync(join(tmpdir(), "blastwall-cli-"));
const unsafe = tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.ops": { role: "${aws_iam_role.agent.name}", policy: policy({ Sid: "Ops", Effect: "Allow", Action: "ec2:*", Resource: "*" }) } });
// Not ec2:Describe*: since catalogue 1.29.0 it covers DescribeInstanceAttribute (user data), a stored-secret warning.
const safe = safeAgentStack([{ Effect: "Allow", Action: ["ec2:DescribeInstances", "ec2:DescribeVolumes"], Resource: "*" }]);
const file = (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
const unsafeFile = file("unsafe.tf.json", JSON.stringify(unsafe));
// A well set-up agent whose boundary leaves ec2:DeleteVolume through: exactly one finding to acknowledge.
const deleteOnly = safeAgentStack([{ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }], ["iam:*"]);
const deleteOnlyFile = file("delete-only.tf.json", JSON.stringify(deleteOnly));
const safeFile = file("safe.tf.json", JSON.stringify(safe));

describe("blastwall check exit codes", () => {
  test("0 when no agent can destroy data", async () => {
    const r = await run(["check", safeFile]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/PASS/);
  });

  test("1 when an agent can destroy data, with a readable report", async () => {
    const r = await run(["check", unsafeFile]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ERROR agent-destroy-right {2}aws_iam_role\.agent/);
    expect(r.stdout).toMatch(/aws_iam_role_policy\.ops/);
    expect(r.stdout).toMatch(/fix:/);
  });

  test("a cdktf.out directory checks every stack and fails when any stack fails", async () => {
    const out = join(dir, "cdktf.out");
    for (const [name, json] of [["first", safe], ["second", unsafe]] as const) {
      mkdirSync(join(out, "stacks", name), { recursive: true });
      writeFileSync(join(out, "stacks", name, "cdk.tf.json"), JSON.stringify(json));
    }
    writeFileSync(join(out, "manifest.json"), cdktfManifest(["first", "second"]));
    const r = await run(["check", "--format", "json", out]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.summary.files).toBe(2);
    expect(report.findings.every((f: { file: string }) => f.file.includes("second"))).toBe(true);
  });

  test("a UTF-16 file with a byte-order mark (Windows redirect) is read correctly", async () => {
    const le = file("utf16le.tf.json", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify(unsafe), "utf16le")]));
    expect((await run(["check", le])).code).toBe(1);
  });

  const bad: [string, () => string[], RegExp][] = [
    ["missing path", () => ["check", join(dir, "nope.json")], /nope\.json: no such file/],
    ["malformed JSON", () => ["check", file("bad.json", '{"resource": {')], /bad\.json: .*JSON/i],
    ["empty file", () => ["check", file("empty.json", "")], /empty\.json: .*empty/i],
    ["JSON that is not Terraform", () => ["check", file("pkg.json", '{"name":"x","version":"1.0.0"}')], /pkg\.json: .*Terraform/],
    ["bad config", () => ["check", "--config", file("cfg.json", '{"acknowledgements":[{"ruleId":"x","principal":"y","reason":"short"}]}'), safeFile], /cfg\.json: .*reason/],
    ["unknown option", () => ["check", "--frobnicate", safeFile], /unknown option --frobnicate/],
    ["unknown format", () => ["check", "--format", "xml", safeFile], /--format must be one of/],
    ["no path", () => ["check"], /at least one PATH/],
    ["unknown command", () => ["chekc", safeFile], /unknown command "chekc"/],
  ];
  test.each(bad)("2 for %s, with one clear line and no stack trace", async (_what, args, message) => {
    const r = await run(args());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("blastwall check --format json", () => {
  test("has the contract shape", async () => {
    const r = await run(["check", "--format", "json", unsafeFile]);
    const report = JSON.parse(r.stdout);
    // The contract's six keys, none removed or renamed, and `acknowledged` added beside them.
    expect(Object.keys(report.summary).sort()).toEqual(["acknowledged", "agentPrincipals", "errors", "files", "principals", "resources", "warnings"]);
    expect(report.summary).toMatchObject({ agentPrincipals: 1, files: 1, principals: 1, resources: 2 });
    expect(report.summary.errors + report.summary.warnings + report.summary.acknowledged).toBe(report.findings.length);
    const f = report.findings.find((x: { ruleId: string }) => x.ruleId === "agent-destroy-right");
    expect(f).toMatchObject({ severity: "error", principal: "aws_iam_role.agent", resource: "aws_iam_role_policy.ops" });
    for (const key of ["ruleId", "severity", "principal", "resource", "actions", "evidence", "message", "fix", "file"]) expect(f).toHaveProperty(key);
    for (const e of f.evidence) expect(Object.keys(e).sort()).toEqual(expect.arrayContaining(["address", "detail", "step"]));
  });

  test("sarif is SARIF 2.1.0 with rules and results", async () => {
    const r = await run(["check", "--format", "sarif", unsafeFile]);
    const sarif = JSON.parse(r.stdout);
    expect(sarif.version).toBe("2.1.0");
    const run0 = sarif.runs[0];
    expect(run0.tool.driver.name).toBe("blastwall");
    expect(run0.tool.driver.rules.map((x: { id: string }) => x.id)).toContain("agent-destroy-right");
    expect(run0.results[0].locations[0].physicalLocation.artifactLocation.uri).toMatch(/unsafe\.tf\.json$/);
  });
});

describe("acknowledgements", () => {
  const cfg = (ack: Record<string, unknown>) => file(`ack-${Math.random()}.json`, JSON.stringify({ acknowledgements: [ack] }));

  test("an acknowledged finding passes the gate but stays in the report, marked", async () => {
    const c = cfg({ ruleId: "agent-destroy-right", principal: "aws_iam_role.agent", reason: "volume janitor, reviewed by platform team", expires: "2027-06-30" });
    const r = await run(["check", "--format", "json", "--config", c, deleteOnlyFile]);
    const report = JSON.parse(r.stdout);
    const f = report.findings.find((x: { ruleId: string }) => x.ruleId === "agent-destroy-right");
    expect(f.acknowledged.reason).toMatch(/janitor/);
    expect(report.findings.filter((x: { acknowledged?: unknown; severity: string }) => !x.acknowledged && x.severity === "error")).toEqual([]);
    expect(r.code).toBe(0);
  });

  test("an expired acknowledgement is an error", async () => {
    const c = cfg({ ruleId: "agent-destroy-right", principal: "aws_iam_role.agent", reason: "volume janitor, reviewed by platform team", expires: "2026-01-01" });
    const r = await run(["check", "--format", "json", "--config", c, deleteOnlyFile]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((x: { ruleId: string }) => x.ruleId)).toContain("acknowledgement-expired");
  });

  test("an acknowledgement for another principal does not cover the finding", async () => {
    const c = cfg({ ruleId: "agent-destroy-right", principal: "aws_iam_role.someone_else", reason: "volume janitor, reviewed by platform team" });
    expect((await run(["check", "--config", c, deleteOnlyFile])).code).toBe(1);
  });

  test("an acknowledgement written in code (// metadata) is honoured by the CLI", async () => {
    const json = JSON.parse(JSON.stringify(deleteOnly));
    json.resource.aws_iam_role.agent["//"] = { metadata: { path: "app/agent" }, blastwall: { acknowledgements: [{ ruleId: "agent-destroy-right", reason: "reviewed: janitor for scratch volumes" }] } };
    const target = file("inline-ack.tf.json", JSON.stringify(json));
    const r = await run(["check", "--format", "json", "--config", file("in-code.json", JSON.stringify({ acknowledgementsInCode: true })), target]);
    const f = JSON.parse(r.stdout).findings.find((x: { ruleId: string }) => x.ruleId === "agent-destroy-right");
    expect(f.acknowledged.source).toBe(`construct app/agent in ${target}`);
    expect(r.code).toBe(0);
    // Without the opt-in it is not honoured, and the finding says where it was and how to keep it (red-team round 119).
    const refused = await run(["check", "--format", "json", target]);
    expect(refused.code).toBe(1);
    const g = JSON.parse(refused.stdout).findings.find((x: { ruleId: string }) => x.ruleId === "agent-destroy-right");
    expect(g.acknowledged).toBeUndefined();
    expect(g.message).toContain(`(construct app/agent in ${target}, reason "reviewed: janitor for scratch volumes") is not honoured`);
    expect(g.fix).toMatch(/add this entry to "acknowledgements" in blastwall\.json .*"acknowledgementsInCode": true/);
  });

  test("severity overrides turn an error into a warning", async () => {
    const c = file("sev.json", JSON.stringify({ severity: { "agent-destroy-right": "warning" } }));
    const r = await run(["check", "--format", "json", "--config", c, deleteOnlyFile]);
    expect(JSON.parse(r.stdout).findings.find((x: { ruleId: string }) => x.ruleId === "agent-destroy-right").severity).toBe("warning");
  });
});

describe("the installed bin", () => {
  const bin = join(ROOT, "bin", "blastwall.js");
  test("exits 1 on findings and 2 on bad input without a stack trace", () => {
    const one = spawnSync(process.execPath, [bin, "check", unsafeFile], { encoding: "utf8" });
    expect(one.status).toBe(1);
    const two = spawnSync(process.execPath, [bin, "check", join(dir, "missing.json")], { encoding: "utf8" });
    expect(two.status).toBe(2);
    expect(two.stderr.trim().split("\n")).toHaveLength(1);
  });

  test("npm run --silent blastwall behaves like the bin", () => {
    let out = "";
    try {
      out = execFileSync("npm", ["run", "--silent", "blastwall", "--", "check", "--format", "json", safeFile], { cwd: ROOT, encoding: "utf8" });
    } catch (e) {
      throw new Error(`npm run blastwall failed: ${(e as { stderr?: string }).stderr}`);
    }
    expect(JSON.parse(out).summary.errors).toBe(0);
  });
});

test("an acknowledgement written in code covers its own stack only, not the same address in another stack", async () => {
  const out = join(dir, "two-stacks.out");
  const acked = JSON.parse(JSON.stringify(deleteOnly));
  acked.resource.aws_iam_role.agent["//"] = { blastwall: { acknowledgements: [{ ruleId: "agent-destroy-right", reason: "reviewed: janitor for scratch volumes" }] } };
  for (const [name, json] of [["a", acked], ["b", deleteOnly]] as const) {
    mkdirSync(join(out, "stacks", name), { recursive: true });
    writeFileSync(join(out, "stacks", name, "cdk.tf.json"), JSON.stringify(json));
  }
  writeFileSync(join(out, "manifest.json"), cdktfManifest(["a", "b"]));
  const r = await run(["check", "--format", "json", "--config", file("in-code-two.json", JSON.stringify({ acknowledgementsInCode: true })), out]);
  const destroy = JSON.parse(r.stdout).findings.filter((f: { ruleId: string }) => f.ruleId === "agent-destroy-right");
  expect(destroy.find((f: { file: string }) => f.file.includes("/a/")).acknowledged).toBeDefined();
  expect(destroy.find((f: { file: string }) => f.file.includes("/b/")).acknowledged).toBeUndefined();
  expect(r.code).toBe(1);
});

test("a cdktf.out stack that cannot be read is bad input, never silently skipped", async () => {
  const out = join(dir, "partial.out");
  mkdirSync(join(out, "stacks", "good"), { recursive: true });
  writeFileSync(join(out, "stacks", "good", "cdk.tf.json"), JSON.stringify(safe));
  mkdirSync(join(out, "stacks", "broken"), { recursive: true });
  writeFileSync(join(out, "stacks", "broken", "manifest.json"), "{}");
  writeFileSync(join(out, "manifest.json"), cdktfManifest(["good"]));
  const r = await run(["check", out]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/stacks\/broken: holds neither cdk\.tf\.json nor \.tf files/);
});

test("stacks without a manifest are what a failed synth left: bad input, not a pass", async () => {
  // cdktf writes a stack at a time and manifest.json last; a stack blastwall refused at synth, and those after it, are missing.
  const out = join(dir, "failed-synth.out");
  mkdirSync(join(out, "stacks", "clean"), { recursive: true });
  writeFileSync(join(out, "stacks", "clean", "cdk.tf.json"), JSON.stringify(safe));
  const r = await run(["check", out]);
  expect(r.code).toBe(2);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(/failed-synth\.out: has stacks\/ but no manifest\.json, which cdktf writes only once every stack is synthesized: this output is incomplete/);
  // The stack folder itself is still read when named.
  expect((await run(["check", join(out, "stacks", "clean")])).code).toBe(0);
});
