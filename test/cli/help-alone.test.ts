/**
 * Help is asked for alone (review round 94): `blastwall check *` in a folder a writer put a file named `-h` into
 * printed the help and exited 0 without checking, so any stack passed. Among other arguments `-h`/`--help` is a
 * usage error (exit 2); an option's value that reads `--help` is that value, never help.
 */
import { writeFileSync } from "fs";
import { join } from "path";
import { runIn } from "../helpers/cli";
import { AGENT_STACK, tree } from "../helpers/files";
import { minimalPlan } from "../plan/helpers";

const AMONG = /^blastwall (check|gate|approve): (-h|--help) was given with other arguments .*\.\/(-h|--help) or after --.*\n$/;

describe("help alone is help", () => {
  test.each([[["--help"]], [["-h"]], [["help"]], [["check", "--help"]], [["check", "-h"]], [["gate", "--help"]], [["gate", "-h"]], [["approve", "--help"]], [["approve", "-h"]]])(
    "blastwall %j prints the usage and exits 0",
    async (args) => {
      const r = await runIn(args, tree({}));
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/usage:/);
      expect(r.stderr).toBe("");
    },
  );
});

describe("-h among other arguments is a usage error, not help", () => {
  // What `cd globcase && blastwall check *` runs: the shell sorts `-h` first, before the stack.
  const dir = tree({ "-h": "", "agent.tf.json": AGENT_STACK });

  test.each([
    [["check", "-h", "agent.tf.json"]],
    [["check", "agent.tf.json", "-h"]],
    [["check", "--help", "agent.tf.json"]],
    [["check", "--format", "json", "-h", "agent.tf.json"]],
    [["check", "--strict", "--help"]],
  ])("blastwall %j exits 2 with one line", async (args) => {
    const r = await runIn(args, dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(AMONG);
  });

  test("control: the same stack checked without -h fails the gate", async () => {
    expect((await runIn(["check", "agent.tf.json"], dir)).code).toBe(1);
  });

  test("a file named -h is read as a path when written ./-h or after --", async () => {
    const d = tree({ "-h": AGENT_STACK, "-h.tf.json": AGENT_STACK });
    for (const args of [["check", "./-h"], ["check", "--", "-h"]]) {
      const r = await runIn(args, d);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^blastwall: (\S*\/)?-h: expected a cdk\.tf\.json or \*\.tf\.json file/);
    }
    expect((await runIn(["check", "--", "-h.tf.json"], d)).code).toBe(1);
  });

  test.each([
    [["gate", "-h", "plan.json"]],
    [["gate", "plan.json", "--help"]],
    [["approve", "plan.json", "--key", "k.pem", "--by", "alice", "-h"]],
    [["approve", "-h", "plan.json"]],
  ])("blastwall %j exits 2 with one line", async (args) => {
    const d = tree({ "plan.json": JSON.stringify(minimalPlan([])), "-h": "" });
    const r = await runIn(args, d);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(AMONG);
  });

  test.each([[["--help", "check"]], [["-h", "x"]], [["help", "gate"]]])("blastwall %j exits 2: top-level help takes nothing after it", async (args) => {
    const r = await runIn(args, tree({}));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  });
});

describe("an option's value that reads --help is the value", () => {
  test("check --config --help reads a config file named --help", async () => {
    const d = tree({ "agent.tf.json": AGENT_STACK });
    const r = await runIn(["check", "--config", "--help", "agent.tf.json"], d);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^blastwall: --help: /);
  });

  test("and a config file named --help is used", async () => {
    const d = tree({ "agent.tf.json": AGENT_STACK });
    writeFileSync(join(d, "--help"), JSON.stringify({ strict: true }));
    const r = await runIn(["check", "--config", "--help", "agent.tf.json"], d);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL/);
  });
});

describe("the version, like help, only alone (red-team round 97)", () => {
  const dir = tree({ "agent.tf.json": AGENT_STACK });

  test.each([[["-v"]], [["--version"]]])("blastwall %j prints the version and exits 0", async (args) => {
    const r = await runIn(args, dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });

  test.each([[["-v", "check", "agent.tf.json"]], [["--version", "check", "agent.tf.json"]], [["-v", "gate", "plan.json"]]])(
    "blastwall %j checks nothing, so it exits 2 with one line, never 0",
    async (args) => {
      const r = await runIn(args, dir);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/^blastwall: (-v|--version) takes nothing after it .*\n$/);
    },
  );
});
