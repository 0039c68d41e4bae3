import { copyFileSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { runIn } from "../helpers/cli";
import { agentRole, policy, tf } from "../helpers/tf";
import { fixture } from "../plan/helpers";
import { ed25519 } from "../plan/keys";

const run = (args: string[], cwd: string) => runIn(args, cwd, new Date("2026-10-01T09:00:00.000Z"));

describe("approve --expires with the unit as a word of its own", () => {
  const alice = ed25519();
  const dir = mkdtempSync(join(tmpdir(), "blastwall-expires-"));
  copyFileSync(fixture("replace.json"), join(dir, "plan.json"));
  writeFileSync(join(dir, "alice.pem"), alice.privateKeyPem);

  test("`--expires 2 hours` says --expires takes one value, such as 2h", async () => {
    const r = await run(["approve", "plan.json", "--key", "alice.pem", "--by", "alice", "--expires", "2", "hours"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^blastwall approve: --expires takes one value, a duration such as 2h \(units s, m, h, d, w\); got "2" and "hours": write --expires 2h/);
    expect(r.stderr).not.toMatch(/PLAN_JSON, got 2/);
  });

  test("control: two plans are still two plans", async () => {
    const r = await run(["approve", "plan.json", "plan.json", "--key", "alice.pem", "--by", "alice"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/approve takes exactly one PLAN_JSON, got 2/);
  });
});

describe("an unreadable config is one clear line", () => {
  // EACCES is made by a failing open, not by file modes: root (CI's containers) reads any file, and running the CLI
  // as another user needs a checkout that user may read.
  // The module object itself (an `import * as` namespace would be a copy the readers never call through).
  const fs = require("fs") as typeof import("fs");
  const denied = (name: string) => {
    const real = fs.openSync;
    return jest.spyOn(fs, "openSync").mockImplementation(((path: import("fs").PathLike, ...rest: unknown[]) => {
      if (String(path).endsWith(name)) throw Object.assign(new Error(`EACCES: permission denied, open '${String(path)}'`), { code: "EACCES", errno: -13, syscall: "open" });
      return (real as (...a: unknown[]) => number)(path, ...rest);
    }) as typeof fs.openSync);
  };

  test("EACCES: cannot read the config file: permission denied (no raw errno text, no path repeated)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "blastwall-eacces-"));
    writeFileSync(join(dir, "stack.tf.json"), JSON.stringify(tf({ "aws_iam_role.agent": agentRole() })));
    writeFileSync(join(dir, "cfg.json"), "{}");
    const spy = denied("cfg.json");
    try {
      const r = await run(["check", "--config", "cfg.json", "stack.tf.json"], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe("blastwall: cfg.json: cannot read the config file: permission denied\n");
    } finally {
      spy.mockRestore();
    }
  });

  test("an unreadable stack file says the same, in the one reader every input shares", async () => {
    const dir = mkdtempSync(join(tmpdir(), "blastwall-eacces-"));
    writeFileSync(join(dir, "stack.tf.json"), JSON.stringify(tf({ "aws_iam_role.agent": agentRole() })));
    const spy = denied("stack.tf.json");
    try {
      const r = await run(["check", "stack.tf.json"], dir);
      expect(r.code).toBe(2);
      // In process the file is named from the test's working directory, not the CLI's.
      expect(r.stderr).toMatch(/^blastwall: \S*stack\.tf\.json: permission denied\n$/);
    } finally {
      spy.mockRestore();
    }
  });
});

describe("agent-stored-secret says what `where: *` means", () => {
  test("the text report explains the pattern and that it reaches beyond the stack", async () => {
    const dir = mkdtempSync(join(tmpdir(), "blastwall-where-"));
    writeFileSync(
      join(dir, "s.tf.json"),
      JSON.stringify(tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.read": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" }) } })),
    );
    const r = await run(["check", "s.tf.json"], dir);
    const block = r.stdout.split("\n\n").find((b) => b.startsWith("WARNING agent-stored-secret")) ?? "";
    const where = block.split("\n").find((l) => l.startsWith("  where:")) ?? "";
    expect(where).toMatch(/^ {2}where: +\* \(the Resource pattern .*outside this stack/);
    // The JSON contract keeps the resource as it is.
    const json = JSON.parse((await run(["check", "--format", "json", "s.tf.json"], dir)).stdout);
    expect(json.findings.find((f: { ruleId: string }) => f.ruleId === "agent-stored-secret").resource).toBe("*");
  });
});
