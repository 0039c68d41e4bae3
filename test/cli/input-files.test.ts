/**
 * Inputs that are no regular file, or too large, and outputs that cannot be written: one line and exit 2, never a
 * hang, a memory blow-up or a stack trace (red-team round 52).
 */
import { execFileSync, spawnSync } from "child_process";
import { copyFileSync, existsSync, writeFileSync } from "fs";
import { join } from "path";
import { runIn } from "../helpers/cli";
import { INPUT_LIMITS, readInputFile } from "../../lib/engine/input-file";
import { fixture, tempDir } from "../plan/helpers";

const bin = join(__dirname, "..", "..", "bin", "blastwall.js");
const linux = process.platform === "linux" && existsSync("/dev/zero");

const run = (args: string[], cwd: string) => runIn(args, cwd, new Date("2026-10-01T09:00:00Z"));

(linux ? describe : describe.skip)("inputs that are no regular file", () => {
  test("a device as plan, approval, trusted key, config or Terraform JSON is refused at once", async () => {
    const dir = tempDir();
    copyFileSync(fixture("replace.json"), join(dir, "plan.json"));
    for (const args of [["gate", "/dev/zero"], ["gate", "--approval", "/dev/zero", "plan.json"], ["gate", "--trust", "/dev/zero", "plan.json"], ["gate", "--config", "/dev/zero", "plan.json"], ["check", "/dev/zero"]]) {
      const r = await run(args, dir);
      expect([args.join(" "), r.code]).toEqual([args.join(" "), 2]);
      expect(r.stderr).toMatch(/^blastwall: \/dev\/zero: .*(not a regular file)/);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });

  test("a file that gives no size (/proc) is read up to the bound, never to its end (red-team round 56)", () => {
    let refused: unknown;
    try {
      readInputFile("/proc/self/pagemap", INPUT_LIMITS.approval);
    } catch (e) {
      refused = e;
    }
    // Some sandboxes do not let a process read its page map at all: then there is nothing to bound.
    if ((refused as { code?: string } | undefined)?.code !== "EACCES" && (refused as { code?: string } | undefined)?.code !== "EPERM") {
      expect(String(refused)).toMatch(/yields more than the 1 MiB blastwall reads from a file that gives no size/);
    }
    expect(readInputFile("/proc/self/status", INPUT_LIMITS.approval).toString()).toContain("Name:");
  });

  test("a named pipe with no writer is refused, not waited on", () => {
    const dir = tempDir();
    const fifo = join(dir, "approval.json");
    execFileSync("mkfifo", [fifo]);
    expect(() => readInputFile(fifo, INPUT_LIMITS.approval)).toThrow(/is not a regular file/);
  });
});

describe("inputs larger than what they could be", () => {
  test("an approval over its limit is bad input; a regular file within it is read", async () => {
    const dir = tempDir();
    copyFileSync(fixture("replace.json"), join(dir, "plan.json"));
    writeFileSync(join(dir, "huge.json"), `{"x":"${"a".repeat(INPUT_LIMITS.approval)}"}`);
    const r = await run(["gate", "--approval", "huge.json", "plan.json"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^blastwall: huge\.json: is 1048584 bytes, over the 1 MiB blastwall reads for this input\n$/);
    writeFileSync(join(dir, "small.txt"), "hello");
    expect(readInputFile(join(dir, "small.txt"), INPUT_LIMITS.key).toString()).toBe("hello");
    expect(() => readInputFile(dir, INPUT_LIMITS.key)).toThrow(expect.objectContaining({ code: "EISDIR" }));
  });
});

(linux && existsSync("/dev/full") ? describe : describe.skip)("a report that cannot be written", () => {
  test("a full disk on stdout is one line and exit 2; a lost stderr keeps the exit code", () => {
    const dir = tempDir();
    copyFileSync(fixture("replace.json"), join(dir, "plan.json"));
    const full = spawnSync("sh", ["-c", `"${process.execPath}" "${bin}" gate plan.json > /dev/full`], { cwd: dir, encoding: "utf8" });
    expect(full.status).toBe(2);
    expect(full.stderr).toBe("blastwall: cannot write the report to standard output (ENOSPC); it is incomplete\n");
    const lost = spawnSync("sh", ["-c", `"${process.execPath}" "${bin}" gate missing.json 2> /dev/full`], { cwd: dir, encoding: "utf8" });
    expect(lost.status).toBe(2);
  });
});
