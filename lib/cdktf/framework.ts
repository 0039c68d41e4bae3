import type * as Cdktf from "cdktf";

/**
 * The synth-time gate works with CDK for Terraform (`cdktf`) and with CDK Terrain (`cdktn`), its community fork.
 * The two share the construct markers (`Symbol.for("cdktf/TerraformStack")` and the like), so either module's
 * `TerraformStack.isStack`, `App.of` and `Annotations` work on the other's constructs. What they do not share is
 * the `Aspects` class: each keeps its aspect lists under a private symbol, so the App guard must patch the class
 * of the framework the app uses, or `Aspects.of(app).add(...)` from the other one silently checks nothing.
 */
export type Framework = Pick<typeof Cdktf, "Annotations" | "App" | "Aspects" | "TerraformModule" | "TerraformProvider" | "TerraformResource" | "TerraformStack">;

/** The framework packages, in the order the gate prefers them for the APIs they share. */
export const FRAMEWORK_PACKAGES = ["cdktf", "cdktn"] as const;
export type FrameworkPackage = (typeof FRAMEWORK_PACKAGES)[number];

export interface InstalledFramework {
  readonly name: FrameworkPackage;
  readonly module: Framework;
}

/** Only "this package is not installed" is a reason to skip one: a package that is there but fails to load is an error. */
function isMissing(err: unknown, name: string): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === "MODULE_NOT_FOUND" && typeof e.message === "string" && e.message.includes(`'${name}'`);
}

const paths = new Map<FrameworkPackage, string | null>();

/** Where `require(name)` would load the package from; null when it is not installed. */
function resolvedPath(name: FrameworkPackage): string | null {
  let p = paths.get(name);
  if (p === undefined) {
    try {
      p = require.resolve(name);
    } catch (err) {
      if (!isMissing(err, name)) throw err;
      p = null;
    }
    paths.set(name, p);
  }
  return p;
}

/**
 * The framework packages the process has already loaded. An app imports its framework before it can add an aspect,
 * so these are the ones whose `Aspects` matter; loading the other one too would cost a cdktf app about 90 ms of
 * synth for nothing, when a project has both installed.
 */
export function loadedFrameworks(): InstalledFramework[] {
  const out: InstalledFramework[] = [];
  const seen = new Set<unknown>();
  for (const name of FRAMEWORK_PACKAGES) {
    const p = resolvedPath(name);
    if (!p || !require.cache[p]) continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require(name) as Framework;
    seen.add(module);
    out.push({ name, module });
  }
  // Other copies the app loaded (its own node_modules when blastwall is linked from elsewhere, a nested install):
  // the app's `Aspects` may be any of them, and an unpatched one silently drops App-level aspects.
  for (const [file, mod] of Object.entries(require.cache)) {
    const m = FRAMEWORK_ENTRY.exec(file);
    if (!m || !mod || seen.has(mod.exports)) continue;
    const module = mod.exports as Framework;
    if (typeof module?.Aspects?.of !== "function") continue;
    seen.add(module);
    out.push({ name: m[1] as FrameworkPackage, module });
  }
  return out;
}

/** The entry file of a framework package in the module cache. */
const FRAMEWORK_ENTRY = /[\\/]node_modules[\\/](cdktf|cdktn)[\\/]lib[\\/]index\.js$/;

let chosen: Framework | undefined;

/**
 * The framework whose shared APIs the gate calls (any installed one works on the constructs of both): one already
 * loaded, else the first installed.
 */
export function framework(): Framework {
  // Kept once found: `visit` asks for every construct of the app, and either framework serves both.
  if (chosen) return chosen;
  const loaded = loadedFrameworks()[0];
  if (loaded) return (chosen = loaded.module);
  for (const name of FRAMEWORK_PACKAGES) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    if (resolvedPath(name)) return (chosen = require(name) as Framework);
  }
  throw new Error(
    "blastwall: the synth-time gate needs cdktf or cdktn (CDK Terrain) installed next to it; " +
      "run `npm install cdktf` or `npm install cdktn`, or check the synthesized JSON with `blastwall check cdktf.out`.",
  );
}
