import { runCli } from "../../lib/cli/main";

/** Runs the CLI in `cwd` as a user would, capturing both streams; the clock is fixed so expiries are stable. */
export async function runIn(args: string[], cwd: string, now = new Date("2026-11-26T12:00:00Z")): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, env: {}, now: () => now });
  return { code, stdout, stderr };
}
