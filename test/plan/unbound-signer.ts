/**
 * The approver-name tests' setup: mallory's key, which --trust gives no name, signs an approval of a blocked plan as
 * `by`; the owner's key is trusted under the names the test binds. The gate's verdict and its one approval come back.
 */
import { copyFileSync, writeFileSync } from "fs";
import { join } from "path";
import { approveCommand } from "../../lib/cli/approve";
import { gateCommand } from "../../lib/cli/gate";
import type { CliIO } from "../../lib/cli/io";
import { fixture, tempDir } from "./helpers";
import { ed25519 } from "./keys";

const NOW = new Date("2026-10-01T09:00:00.000Z");

function io(cwd: string) {
  const out: string[] = [];
  const cli: CliIO = { stdout: (t) => out.push(t), stderr: () => undefined, cwd, env: {}, now: () => NOW };
  return { cli, out: () => out.join("") };
}

export interface UnboundSigner {
  /** The gate's exit code and its report's one approval, for mallory signing as `by` under these `--trust` values. */
  signAs(by: string, trust: readonly string[]): Promise<{ code: number; approval: { accepted: boolean; reason: string; by?: string } }>;
}

/** Keys made once per suite: the owner's (files owner.pub.pem) and mallory's (mallory.pem, mallory.pub.pem). */
export function unboundSigner(): UnboundSigner {
  const owner = ed25519();
  const mallory = ed25519();
  return {
    async signAs(by, trust) {
      const dir = tempDir();
      copyFileSync(fixture("replace.json"), join(dir, "plan.json"));
      writeFileSync(join(dir, "owner.pub.pem"), owner.publicKeyPem);
      writeFileSync(join(dir, "mallory.pem"), mallory.privateKeyPem);
      writeFileSync(join(dir, "mallory.pub.pem"), mallory.publicKeyPem);
      expect(await approveCommand(["plan.json", "--key", "mallory.pem", "--by", by, "--out", "a.json"], io(dir).cli)).toBe(0);
      const t = io(dir);
      const code = await gateCommand(["--format", "json", ...trust.flatMap((k) => ["--trust", k]), "--approval", "a.json", "plan.json"], t.cli);
      const report = JSON.parse(t.out()) as { approvals: { accepted: boolean; reason: string; by?: string }[] };
      return { code, approval: report.approvals[0] };
    },
  };
}
