import type { Command } from "./io";
import { EXIT_FINDINGS, EXIT_OK } from "./io";
import { parseArgs, UsageError } from "./args";
import { chooseConfig } from "../config/load-config";
import { checkPaths } from "../check/run-check";
import { FORMATS, isFormat, renderReport } from "../report/render";
import { isAbsolute, relative, resolve } from "path";

export const CHECK_USAGE = "usage: blastwall check [--format text|json|sarif|mermaid] [--config FILE] [--strict] [--var-file FILE]... PATH...";

/** `blastwall check`: the CI gate over synthesized Terraform JSON (and HCL directories). */
export const checkCommand: Command = async (args, io) => {
  const parsed = parseArgs(args, { values: ["format", "config"], booleans: ["strict"], repeatable: ["var-file"] });
  const format = parsed.values.get("format")?.[0] ?? "text";
  if (!isFormat(format)) throw new UsageError(`--format must be one of ${FORMATS.join(", ")} (got "${format}")`);
  if (parsed.positionals.length === 0) throw new UsageError("check needs at least one PATH (a cdk.tf.json, *.tf.json, cdktf.out or .tf directory)");
  const configFile = parsed.values.get("config")?.[0];
  // Resolved against io.cwd, and named in errors as the user wrote it; a blastwall.json at or above a checked path
  // that would not be read refuses the run (chooseConfig).
  const { config, source } = chooseConfig(configFile, parsed.positionals, io.cwd, "check");
  // Paths stay as the user wrote them (relative to where blastwall runs), so reports and SARIF point at them.
  const paths = parsed.positionals.map((p) => (isAbsolute(p) ? p : relative(process.cwd(), resolve(io.cwd, p)) || "."));
  const report = await checkPaths(paths, {
    config,
    configSource: source ?? undefined,
    strict: parsed.booleans.has("strict") || config.strict === true,
    now: io.now(),
    varFiles: (parsed.values.get("var-file") ?? []).map((f) => (isAbsolute(f) ? f : relative(process.cwd(), resolve(io.cwd, f)))),
    cwd: io.cwd,
  });
  // Every report names the config it was judged with: a run that read none says so.
  io.stdout(renderReport({ ...report, config: source }, format, { cwd: io.cwd }));
  return report.summary.errors > 0 ? EXIT_FINDINGS : EXIT_OK;
};

