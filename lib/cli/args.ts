/** A small, strict argument parser: unknown flags are usage errors, never silently ignored. */
export class UsageError extends Error {}

export interface FlagSpec {
  /** Flags that take a value (`--format json` or `--format=json`); repeatable ones collect every value. */
  readonly values?: readonly string[];
  readonly repeatable?: readonly string[];
  /** Flags without a value. */
  readonly booleans?: readonly string[];
}

/** What `-h` or `--help` among other arguments means: never help (a file named `-h` from a glob must not pass the gate). */
export function helpAmongArguments(flag: string): UsageError {
  return new UsageError(
    `${flag} was given with other arguments (paths or options), so it asks for no help and checks nothing; ` +
      `for help run the command with ${flag} alone, and check a file named ${flag} as ./${flag} or after --`,
  );
}

export interface ParsedArgs {
  readonly values: Map<string, string[]>;
  readonly booleans: Set<string>;
  readonly positionals: string[];
}

export function parseArgs(args: readonly string[], spec: FlagSpec): ParsedArgs {
  const takes = new Set([...(spec.values ?? []), ...(spec.repeatable ?? [])]);
  const repeatable = new Set(spec.repeatable ?? []);
  const bools = new Set(spec.booleans ?? []);
  const values = new Map<string, string[]>();
  const booleans = new Set<string>();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    // Help is `blastwall COMMAND --help` alone (lib/cli/main.ts); here it came with other arguments, such as a
    // file named -h that `check *` expanded to: checking nothing and passing would fail open (review round 94).
    if (a === "-h" || a === "--help") throw helpAmongArguments(a);
    if (!a.startsWith("--") || a === "-") {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
    if (bools.has(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      booleans.add(name);
      continue;
    }
    if (!takes.has(name)) throw new UsageError(`unknown option --${name}`);
    let v: string | undefined = eq >= 0 ? a.slice(eq + 1) : args[++i];
    if (v === undefined || v === "") throw new UsageError(`--${name} needs a value`);
    const list = values.get(name) ?? [];
    if (list.length > 0 && !repeatable.has(name)) throw new UsageError(`--${name} given twice`);
    list.push(v);
    values.set(name, list);
    v = undefined;
  }
  return { values, booleans, positionals };
}
