import type { Command } from "./io";
import { EXIT_FINDINGS, EXIT_OK } from "./io";
import { parseArgs, UsageError } from "./args";
import { DEFAULT_CONFIG_FILE, loadConfig } from "../config/load-config";
import { existsSync } from "fs";
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
  // Resolved against io.cwd by loadConfig, and named in errors as the user wrote it.
  const config = loadConfig(configFile, io.cwd);
  // Paths stay as the user wrote them (relative to where blastwall runs), so reports and SARIF point at them.
  const paths = parsed.positionals.map((p) => (isAbsolute(p) ? p : relative(process.cwd(), resolve(io.cwd, p)) || "."));
  const report = await checkPaths(paths, {
    config,
    configSource: configFile ?? (existsSync(resolve(io.cwd, DEFAULT_CONFIG_FILE)) ? DEFAULT_CONFIG_FILE : undefined),
    strict: parsed.booleans.has("strict") || config.strict === true,
    now: io.now(),
    varFiles: (parsed.values.get("var-file") ?? []).map((f) => (isAbsolute(f) ? f : relative(process.cwd(), resolve(io.cwd, f)))),
  });
  io.stdout(renderReport(report, format, { cwd: io.cwd }));
  return report.summary.errors > 0 ? EXIT_FINDINGS : EXIT_OK;
};

