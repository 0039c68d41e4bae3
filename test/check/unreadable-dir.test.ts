/**
 * A folder blastwall may not list (mode 000) is named with the problem (review round 94): it was reported as
 * `noperm/manifest.json: cannot be read: permission denied`, a file the folder does not hold. Permissions do not bind
 * root: in-process tests skip there, and as root the built CLI runs as `nobody` through setpriv when it can.
 */
import { spawnSync } from "child_process";
import { chmodSync, existsSync, mkdirSync } from "fs";
import { join } from "path";
import { runIn } from "../helpers/cli";
import { AGENT_STACK, tree } from "../helpers/files";

const ROOT = join(__dirname, "..", "..");
const BIN = join(ROOT, "bin", "blastwall.js");
const asRoot = process.getuid?.() === 0;
const EXPECTED = /^blastwall: noperm: is a directory blastwall may not list or enter: permission denied\n$/;

function layout(): string {
  const dir = tree({ "ok.tf.json": AGENT_STACK });
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, "noperm"));
  chmodSync(join(dir, "noperm"), 0o000);
  return dir;
}

describe("an unreadable directory", () => {
  (asRoot ? test.skip : test)("is named, with the problem, not a manifest.json inside it", async () => {
    const dir = layout();
    const r = await runIn(["check", "noperm"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(EXPECTED);
    expect(r.stderr).not.toContain("manifest.json");
  });

  (asRoot ? test.skip : test)("control: a readable folder beside it is checked", async () => {
    expect((await runIn(["check", "ok.tf.json"], layout())).code).toBe(1);
  });

  // Root reads everything; `nobody` does not. Needs the built CLI (npx tsc) and setpriv.
  const setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].find((p) => existsSync(p));
  (asRoot && setpriv && existsSync(join(ROOT, "dist", "lib", "cli", "main.js")) ? test : test.skip)("as nobody, through the built CLI", () => {
    const dir = layout();
    chmodSync(join(dir, "ok.tf.json"), 0o644);
    const asNobody = (args: string[]) => spawnSync(setpriv as string, ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, ...args], { cwd: dir, encoding: "utf8" });
    // `nobody` must be able to load the CLI: a checkout in a folder only root may enter (mktemp -d makes one) cannot
    // run this way, and says nothing about the message under test.
    const probe = asNobody(["-e", `require(${JSON.stringify(join(ROOT, "dist", "lib", "cli", "main.js"))})`]);
    if (probe.error || probe.status !== 0) return; // no way to drop privileges here, or nothing nobody may run
    const r = asNobody([BIN, "check", "noperm"]);
    expect(r.stderr).toMatch(EXPECTED);
    expect(r.status).toBe(2);
  });
});
