/** `blastwall gate`: the deploy-time gate over `terraform show -json` plans, with signed human approvals. */
import { existsSync, realpathSync } from "fs";
import { dirname, join, resolve, sep } from "path";
import type { Finding, RuleMeta } from "../engine/findings";
import { InputError, type TfStack } from "../engine/terraform/types";
import { chooseConfig, DEFAULT_CONFIG_FILE, loadConfig } from "../config/load-config";
import { gateIgnoredConfigNotes } from "../check/config-notes";
import { gateFails, runGate } from "../plan/gate";
import { APPROVER_NAME_RULE, isApproverName } from "../plan/approval";
import type { PlanGateConfig, PlanResourceChange } from "../plan/types";
import { renderReport } from "../report/render";
import { display } from "../report/display";
import { parseArgs, UsageError } from "./args";
import type { Command } from "./io";
import { EXIT_FINDINGS, EXIT_OK } from "./io";

export const GATE_USAGE = "usage: blastwall gate [--format text|json|sarif] [--config FILE] [--approval FILE]... [--trust [NAME=]KEY.pem]... PLAN_JSON";
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
    // A blastwall.json at or above the plan that would not be read refuses the run; one found is never read unasked, so
    // the trust rules below (keys only from a config named with --config) hold as before.
    const { config, source } = chooseConfig(configFile, parsed.positionals, io.cwd, "gate");
    const trust = (parsed.values.get("trust") ?? []).map(trustArg);
    const gateConfig = planGateConfig(config);
    // The repository's own blastwall.json is writable by whoever writes the repository, agents included: keys in it
    // are trusted only from a config named with --config, and never beside --trust, which is the authority then;
    // and never from a config inside the working directory or a git work tree (red-team round 52), whatever its name.
    const configTrusts = configFile !== undefined && trust.length === 0;
    if (configTrusts && (gateConfig.trustedKeys ?? []).length > 0) {
      const refuse = (file: string, what: string, inside: string) =>
        new InputError(
          file,
          `${what} cannot be trusted: the file lies inside ${inside}, which whoever writes the repository (an agent too) can edit; ` +
            "give the approvers' public keys with --trust from a place agents cannot write (a protected CI environment), or keep this config and its keys outside the repository",
        );
      const configPath = resolve(io.cwd, configFile);
      const inside = writableByTheRepository(configPath, io.cwd, io.env);
      if (inside !== undefined) throw refuse(configFile, "its trustedKeys", inside);
      // A key the config names by path is as writable as where it lies.
      for (const entry of gateConfig.trustedKeys ?? []) {
        if (entry.includes("-----BEGIN")) continue;
        const keyPath = resolve(dirname(configPath), entry);
        const at = writableByTheRepository(keyPath, io.cwd, io.env);
        if (at !== undefined) throw refuse(configFile, `its trusted key ${entry}`, at);
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
      ...(source ? { configSource: source } : {}),
    });
    // A key file the repository holds can be replaced by whoever writes the repository: allowed (a first try-out
    // keeps one beside the plan), but said on stderr once the inputs are read, so CI logs show it.
    for (const t of trust) {
      const file = typeof t === "string" ? t : t.file;
      const at = writableByTheRepository(resolve(io.cwd, file), io.cwd, io.env);
      if (at !== undefined) io.stderr(`blastwall gate: warning: --trust ${display(file)} lies inside ${display(at)}; whoever writes the repository (an agent too) can replace it with their own key: give CI the approvers' keys from a place agents cannot write\n`);
    }
    // Acknowledgements and severities of the gate's own rules are what a config's author relies on the gate to read.
    const notes = [...(report.notes ?? []), ...gateIgnoredConfigNotes(config, source ?? DEFAULT_CONFIG_FILE)];
    io.stdout(renderReport({ ...report, config: source, ...(notes.length > 0 ? { notes } : {}) }, format as GateFormat, { cwd: io.cwd }));
    return gateFails(report) ? EXIT_FINDINGS : EXIT_OK;
  };
}

/**
 * `--trust KEY.pem`, or `--trust NAME=KEY.pem` to bind the key to the approver it belongs to. Text before the first
 * `=` with no path separator is always a name: the argument is never also tried as a file of that whole name, since
 * `alice=/secure/alice.pub.pem` would then read `alice=/secure/...` under the working directory, a folder the
 * repository can hold (red-team round 58). A key file whose own name holds `=` is given with a folder: `./a=b.pem`.
 */
function trustArg(arg: string): string | { file: string; name: string } {
  const eq = arg.indexOf("=");
  if (eq < 0) return arg;
  const name = arg.slice(0, eq);
  const file = arg.slice(eq + 1);
  if (/[/\\]/.test(name)) return arg;
  if (!isApproverName(name)) throw new UsageError(`--trust ${display(arg)}: the name before "=" is not one an approval can carry (${APPROVER_NAME_RULE}); give a key file whose name holds "=" with its folder, as ./${display(arg)}`);
  if (file === "") throw new UsageError(`--trust ${display(arg)}: no key file after "="`);
  return { file, name };
}

/** Where CI systems check the repository out: the checkout is there even when no `.git` is (a tarball, GIT_DIR). */
const CHECKOUT_VARIABLES = ["GITHUB_WORKSPACE", "CI_PROJECT_DIR", "BITBUCKET_CLONE_DIR", "BUILD_SOURCESDIRECTORY", "CODEBUILD_SRC_DIR", "WORKSPACE", "GIT_WORK_TREE"];

/**
 * Where a file sits that the repository's writers can change: the working directory, a CI checkout folder, or a git
 * work tree; undefined when it is none of them (a file on the runner, a mounted secret). Both the path as given and
 * where its links lead are judged: a link in the repository to a file outside is the repository's to redirect, and a
 * link outside to a file in the repository reads what the repository holds.
 */
export function writableByTheRepository(file: string, cwd: string, env: Readonly<Record<string, string | undefined>> = {}): string | undefined {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  const under = (path: string, root: string) => dirname(root) !== root && (path === root || path.startsWith(root + sep));
  const roots: [string, string][] = [[cwd, `the working directory ${cwd}`]];
  for (const name of CHECKOUT_VARIABLES) {
    const dir = env[name];
    if (dir) roots.push([resolve(cwd, dir), `the CI checkout ${dir} ($${name})`]);
  }
  for (const path of new Set([resolve(cwd, file), real(resolve(cwd, file))])) {
    for (const [root, label] of roots) if (under(path, root) || under(path, real(root))) return label;
    for (let dir = dirname(path); ; dir = dirname(dir)) {
      if (existsSync(join(dir, ".git"))) return `the git work tree ${dir}`;
      if (dirname(dir) === dir) break;
    }
  }
  return undefined;
}

/** The plan gate's view of the config: protected addresses/types and trusted keys, nothing else. */
export function planGateConfig(config: unknown): PlanGateConfig {
  const c = (config ?? {}) as {
    protected?: { addresses?: unknown; types?: unknown };
    agents?: { addresses?: unknown; names?: unknown; tags?: unknown };
    trustedKeys?: unknown;
    severity?: Record<string, unknown>;
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
    ...severityOf(c.severity?.["config-protected-unmatched"]),
  };
}

/** The severity of the one rule the gate lets the config set (see PlanGateConfig.severity). */
function severityOf(level: unknown): Pick<PlanGateConfig, "severity"> {
  return level === "error" || level === "warning" || level === "off" ? { severity: { "config-protected-unmatched": level } } : {};
}

/** The gate with the default engine over the plan's config; `lib/cli/main.ts` gives it the whole config (`strict` too). */
export const gateCommand: Command = makeGateCommand();
