/** `blastwall gate`: the deploy-time gate over `terraform show -json` plans, with signed human approvals. */
import { existsSync, realpathSync } from "fs";
import { dirname, join, resolve, sep } from "path";
import type { Finding, RuleMeta } from "../engine/findings";
import { InputError, type TfStack } from "../engine/terraform/types";
import { loadConfig } from "../config/load-config";
import { gateFails, runGate } from "../plan/gate";
import type { PlanGateConfig, PlanResourceChange } from "../plan/types";
import { renderReport } from "../report/render";
import { parseArgs, UsageError } from "./args";
import type { Command } from "./io";
import { EXIT_FINDINGS, EXIT_OK } from "./io";

export const GATE_USAGE = "usage: blastwall gate [--format text|json|sarif] [--config FILE] [--approval FILE]... [--trust KEY.pem]... PLAN_JSON";
const GATE_FORMATS = ["text", "json", "sarif"] as const;
type GateFormat = (typeof GATE_FORMATS)[number];

type LoadedConfig = ReturnType<typeof loadConfig>;

/** What the CLI entry can plug in: the core engine over the planned end state, and config agent selection. */
export interface GateCommandDeps {
  readonly analyzeStack?: (stack: TfStack, config: LoadedConfig) => readonly Finding[];
  readonly isAgent?: (rc: PlanResourceChange, config: LoadedConfig) => boolean;
  readonly engineRules?: readonly RuleMeta[];
}

export function makeGateCommand(deps: GateCommandDeps = {}): Command {
  return async (args, io) => {
    const parsed = parseArgs(args, { values: ["format", "config"], repeatable: ["approval", "trust"] });
    const format = parsed.values.get("format")?.[0] ?? "text";
    if (!(GATE_FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(`--format must be one of ${GATE_FORMATS.join(", ")} (got "${format}")`);
    }
    if (parsed.positionals.length !== 1) {
      throw new UsageError(`gate takes exactly one PLAN_JSON (the output of terraform show -json PLANFILE), got ${parsed.positionals.length}; ${GATE_USAGE}`);
    }
    const configFile = parsed.values.get("config")?.[0];
    const config = loadConfig(configFile, io.cwd);
    const trust = parsed.values.get("trust") ?? [];
    const gateConfig = planGateConfig(config);
    // The repository's own blastwall.json is writable by whoever writes the repository, agents included: keys in it
    // are trusted only from a config named with --config, and never beside --trust, which is the authority then;
    // and never from a config inside the working directory or a git work tree (red-team round 52), whatever its name.
    const configTrusts = configFile !== undefined && trust.length === 0;
    if (configTrusts && (gateConfig.trustedKeys ?? []).length > 0) {
      const inside = writableByTheRepository(resolve(io.cwd, configFile), io.cwd);
      if (inside !== undefined) {
        throw new InputError(
          configFile,
          `its trustedKeys cannot be trusted: the file lies inside ${inside}, which whoever writes the repository (an agent too) can edit; ` +
            "give the approvers' public keys with --trust from a place agents cannot write (a protected CI environment), or keep this config outside the repository",
        );
      }
    }
    const report = runGate({
      planFile: parsed.positionals[0],
      approvals: parsed.values.get("approval") ?? [],
      trustedKeys: trust,
      config: configTrusts ? gateConfig : { ...gateConfig, trustedKeys: [] },
      configDir: configFile ? dirname(resolve(io.cwd, configFile)) : io.cwd,
      cwd: io.cwd,
      now: io.now(),
      analyzeStack: deps.analyzeStack ? (stack) => deps.analyzeStack!(stack, config) : undefined,
      isAgent: deps.isAgent ? (rc) => deps.isAgent!(rc, config) : undefined,
      engineRules: deps.engineRules,
    });
    io.stdout(renderReport(report, format as GateFormat));
    return gateFails(report) ? EXIT_FINDINGS : EXIT_OK;
  };
}

/**
 * Where a config file sits that the repository's writers can change: the working directory (where CI checks the
 * repository out) or a git work tree; undefined when it is neither (a file on the runner, a mounted secret).
 */
export function writableByTheRepository(file: string, cwd: string): string | undefined {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  const path = real(file);
  const here = real(cwd);
  // (A gate run from the filesystem's root has no checkout there to speak of.)
  if (dirname(here) !== here && (path === here || path.startsWith(here + sep))) return `the working directory ${cwd}`;
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if (existsSync(join(dir, ".git"))) return `the git work tree ${dir}`;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The plan gate's view of the config: protected addresses/types and trusted keys, nothing else. */
export function planGateConfig(config: unknown): PlanGateConfig {
  const c = (config ?? {}) as {
    protected?: { addresses?: unknown; types?: unknown };
    agents?: { addresses?: unknown; names?: unknown; tags?: unknown };
    trustedKeys?: unknown;
  };
  const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : undefined);
  const tags =
    c.agents?.tags && typeof c.agents.tags === "object"
      ? Object.fromEntries(Object.entries(c.agents.tags as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === "string"))
      : undefined;
  return {
    protected: { addresses: strings(c.protected?.addresses), types: strings(c.protected?.types) },
    agents: { addresses: strings(c.agents?.addresses), names: strings(c.agents?.names), tags },
    trustedKeys: strings(c.trustedKeys),
  };
}

/** The gate without the core engine; `lib/cli/main.ts` may use `makeGateCommand({ analyzeStack })` instead. */
export const gateCommand: Command = makeGateCommand();
