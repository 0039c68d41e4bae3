/** `blastwall approve`: a human signs an approval for the changes the gate blocks in one exact plan. */
import { statSync, writeFileSync } from "fs";
import { INPUT_LIMITS, readInputFile } from "../engine/input-file";
import { resolve } from "path";
import type { Finding } from "../engine/findings";
import { InputError, type TfStack } from "../engine/terraform/types";
import { chooseConfig, loadConfig } from "../config/load-config";
import { createApprovalFor, PASSPHRASE_ENV } from "../plan/approval";
import { showChangeKey } from "../plan/evaluate";
import { fileProblem, readPlan } from "../plan/read-plan";
import type { PlanResourceChange } from "../plan/types";
import { parseArgs, UsageError } from "./args";
import { planGateConfig } from "./gate";
import type { Command } from "./io";
import { EXIT_OK } from "./io";
import { display } from "../report/display";

export const APPROVE_USAGE = "usage: blastwall approve PLAN_JSON --key PRIVATE.pem --by NAME [--expires DURATION] [--out FILE] [--config FILE]";
export const DEFAULT_EXPIRY = "1h";
/** A unit written as a word after `--expires N` (`2 hours`, `30 min`, `1 week`). */
const UNIT_WORD = /^(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?)$/i;

type LoadedConfig = ReturnType<typeof loadConfig>;

export interface ApproveCommandDeps {
  readonly analyzeStack?: (stack: TfStack, config: LoadedConfig) => readonly Finding[];
  readonly isAgent?: (rc: PlanResourceChange, config: LoadedConfig) => boolean;
}

export function makeApproveCommand(deps: ApproveCommandDeps = {}): Command {
  return async (args, io) => {
    const parsed = parseArgs(args, { values: ["key", "by", "expires", "out", "config"] });
    // `--expires 2 hours`: the unit became a second PLAN_JSON; say what --expires takes instead.
    const expiresArg = parsed.values.get("expires")?.[0];
    const at = args.findIndex((a) => a === "--expires" || a.startsWith("--expires="));
    const after = at >= 0 ? args[at + (args[at] === "--expires" ? 2 : 1)] : undefined;
    if (expiresArg !== undefined && after !== undefined && parsed.positionals.length > 1 && UNIT_WORD.test(after)) {
      const unit = (after.match(/^[a-z]/i)?.[0] ?? "h").toLowerCase();
      throw new UsageError(`--expires takes one value, a duration such as 2h (units s, m, h, d, w); got ${JSON.stringify(expiresArg)} and ${JSON.stringify(after)}: write --expires ${/^\d+$/.test(expiresArg) ? expiresArg : "2"}${unit}`);
    }
    if (parsed.positionals.length !== 1) throw new UsageError(`approve takes exactly one PLAN_JSON, got ${parsed.positionals.length}; ${APPROVE_USAGE}`);
    const keyFile = parsed.values.get("key")?.[0];
    if (!keyFile) throw new UsageError(`--key PRIVATE.pem is required; ${APPROVE_USAGE}`);
    const by = parsed.values.get("by")?.[0];
    if (!by) throw new UsageError(`--by NAME is required; ${APPROVE_USAGE}`);
    const expiresIn = parsed.values.get("expires")?.[0] ?? DEFAULT_EXPIRY;
    const out = parsed.values.get("out")?.[0];

    const planFile = parsed.positionals[0];
    const plan = readPlan(planFile, { cwd: io.cwd });
    // The config the gate will read (give both the same --config), so the approval lists exactly what the gate blocks.
    const { config } = chooseConfig(parsed.values.get("config")?.[0], [planFile], io.cwd, "approve");
    let privateKeyPem: string;
    try {
      privateKeyPem = readInputFile(resolve(io.cwd, keyFile), INPUT_LIMITS.key).toString("utf8");
    } catch (e) {
      throw new InputError(keyFile, fileProblem(e));
    }
    const approval = createApprovalFor(plan, {
      privateKeyPem,
      keyFile,
      passphrase: io.env[PASSPHRASE_ENV] || undefined,
      by,
      expiresIn,
      now: io.now(),
      config: planGateConfig(config),
      analyzeStack: deps.analyzeStack ? (stack) => deps.analyzeStack!(stack, config) : undefined,
      isAgent: deps.isAgent ? (rc) => deps.isAgent!(rc, config) : undefined,
    });
    if (approval.approved.length === 0) {
      io.stderr(`blastwall approve: nothing in ${planFile} needs approval; no approval written\n`);
      return EXIT_OK;
    }
    const json = `${JSON.stringify(approval, null, 2)}\n`;
    // A slip on the command line must not replace the approver's key, or the plan being approved, with the approval.
    if (out && [keyFile, planFile].some((f) => sameFile(resolve(io.cwd, f), resolve(io.cwd, out)))) {
      throw new UsageError(`--out ${out} is the ${sameFile(resolve(io.cwd, keyFile), resolve(io.cwd, out)) ? "private key" : "plan"} file; write the approval to a file of its own`);
    }
    if (out) {
      try {
        writeFileSync(resolve(io.cwd, out), json);
      } catch (e) {
        throw new InputError(out, `cannot write the approval: ${writeProblem(e)}`);
      }
    } else {
      io.stdout(json);
    }
    io.stderr(
      // The approver reads this list to know what they sign: an address from the plan must not be able to hide a line.
      `blastwall approve: ${display(approval.by)} approves ${approval.approved.length} change(s) of ${display(planFile)} ` +
        `(sha256 ${approval.planSha256.slice(0, 12)}…) until ${approval.expiresAt}${out ? `, written to ${display(out)}` : ""}:\n` +
        approval.approved.map((k) => `  ${display(showChangeKey(k))}\n`).join(""),
    );
    return EXIT_OK;
  };
}

export const approveCommand: Command = makeApproveCommand();

/** Whether two paths name one file (through links too); paths that do not exist yet are compared as written. */
function sameFile(a: string, b: string): boolean {
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return a === b;
  }
}

/** One line on why a file could not be written. */
function writeProblem(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT" || code === "ENOTDIR") return "its folder does not exist";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "is a directory";
  if (code === "ENOSPC") return "the disk is full";
  return code ?? String(e);
}
