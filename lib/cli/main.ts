import type { CliIO, Command } from "./io";
import { EXIT_BAD_INPUT, EXIT_OK } from "./io";
import { UsageError } from "./args";
import { InputError } from "../engine/terraform/types";
import { packageVersion } from "../report/version";
import { display } from "../report/display";

const HELP = `blastwall — keeps AI agents from destroying production infrastructure

usage:
  blastwall check [--format text|json|sarif|mermaid] [--config FILE] [--strict] [--var-file FILE]... PATH...
      PATH: a cdk.tf.json or *.tf.json file, a cdktf.out (or cdktf.out/stacks) directory, or a directory of .tf files
  blastwall gate [--format text|json|sarif] [--config FILE] [--approval FILE]... [--trust [NAME=]KEY.pem]... PLAN_JSON
  blastwall approve PLAN_JSON --key PRIVATE.pem --by NAME [--expires DURATION] [--out FILE] [--config FILE]

config: --config FILE, else blastwall.json in the working directory; another blastwall.json in a checked path's
  folder or above it (up to the working directory, or the repository root for a path outside it) refuses the run
  (exit 2): name it with --config

exit codes: 0 pass, 1 at least one error finding (or blocked change), 2 bad input or usage
`;

/** Commands load lazily, so `check` never loads the plan gate and nothing loads cdktf. */
function commandFor(name: string): Command | undefined {
  switch (name) {
    case "check":
      return (require("./check") as typeof import("./check")).checkCommand;
    case "gate":
      return (require("./gate") as typeof import("./gate")).makeGateCommand(engineHooks());
    case "approve":
      return (require("./approve") as typeof import("./approve")).makeApproveCommand(engineHooks());
    default:
      return undefined;
  }
}

/**
 * The plan gate judges the IAM of the plan's planned end state with the same engine and agent rules as `check`, and
 * the whole config (`strict` too). The protection rules read configuration a plan does not carry (`lifecycle`,
 * references), so the plan gate's own rules cover protection there.
 */
function engineHooks() {
  const { planEngine } = require("../plan/engine") as typeof import("../plan/engine");
  return {
    analyzeStack: (stack: import("../engine/terraform/types").TfStack, config: import("../engine/config-types").BlastwallConfig) => planEngine(config).analyzeStack(stack),
    engineRules: planEngine().engineRules,
  };
}

export function processIO(): CliIO {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    now: () => new Date(),
  };
}

/**
 * Runs the CLI and returns the exit code. Bad input and usage errors print one line on stderr and return 2;
 * an unexpected failure also returns 2 with one line (set BLASTWALL_DEBUG=1 for the stack).
 */
export async function runCli(args: readonly string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = args;
  const isHelp = (a: string | undefined) => a === "--help" || a === "-h";
  // Help only when asked for alone: `blastwall --help`, `blastwall help`, `blastwall COMMAND --help`. Anywhere else
  // `-h` is a usage error (args.ts), never help with exit 0: `blastwall check *` in a folder holding a file named -h
  // must not pass without checking (review round 94).
  if (name === undefined || ((isHelp(name) || name === "help") && rest.length === 0)) {
    (name === undefined ? io.stderr : io.stdout)(HELP);
    return name === undefined ? EXIT_BAD_INPUT : EXIT_OK;
  }
  if (isHelp(name) || name === "help") {
    io.stderr(`blastwall: ${name} takes nothing after it (got ${rest.length} more argument${rest.length === 1 ? "" : "s"}); for help run blastwall ${name} alone\n`);
    return EXIT_BAD_INPUT;
  }
  // The version, like help, only alone: `blastwall -v check x.json` exited 0 having checked nothing (red-team round 97).
  if (name === "--version" || name === "-v") {
    if (rest.length > 0) {
      io.stderr(`blastwall: ${name} takes nothing after it (got ${rest.length} more argument${rest.length === 1 ? "" : "s"}); for the version run blastwall ${name} alone\n`);
      return EXIT_BAD_INPUT;
    }
    io.stdout(`${packageVersion()}\n`);
    return EXIT_OK;
  }
  const command = commandFor(name);
  if (command && rest.length === 1 && isHelp(rest[0])) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  if (!command) {
    io.stderr(`blastwall: unknown command "${display(name)}" (expected check, gate or approve; see blastwall --help)\n`);
    return EXIT_BAD_INPUT;
  }
  try {
    return await command(rest, io);
  } catch (e) {
    if (e instanceof InputError) {
      io.stderr(`blastwall: ${display(e.file)}: ${display(e.problem)}\n`);
    } else if (e instanceof UsageError) {
      io.stderr(`blastwall ${name}: ${display(e.message)} (see blastwall --help)\n`);
    } else {
      const err = e as Error;
      io.stderr(`blastwall: internal error: ${err?.message ?? String(e)}${io.env.BLASTWALL_DEBUG ? `\n${err?.stack}` : " (set BLASTWALL_DEBUG=1 for details)"}\n`);
    }
    return EXIT_BAD_INPUT;
  }
}
