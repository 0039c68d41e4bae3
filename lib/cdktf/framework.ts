import type * as Cdktf from "cdktf";

/**
 * The synth-time gate works with CDK for Terraform (`cdktf`) and with CDK Terrain (`cdktn`), its community fork.
 * The two share the construct markers (`Symbol.for("cdktf/TerraformStack")` and the like), so either module's
 * `TerraformStack.isStack`, `App.of` and `Annotations` work on the other's constructs. What they do not share is
 * the `Aspects` class: each keeps its aspect lists under a private symbol, so the App guard must patch the class
 * of every framework that is installed, or `Aspects.of(app).add(...)` from the other one silently checks nothing.
 */
export type Framework = Pick<typeof Cdktf, "Annotations" | "App" | "Aspects" | "TerraformResource" | "TerraformStack">;

/** The framework packages, in the order the gate prefers them for the APIs they share. */
export const FRAMEWORK_PACKAGES = ["cdktf", "cdktn"] as const;
export type FrameworkPackage = (typeof FRAMEWORK_PACKAGES)[number];

export interface InstalledFramework {
  readonly name: FrameworkPackage;
  readonly module: Framework;
}

let installed: readonly InstalledFramework[] | undefined;

/** Only "this package is not installed" is a reason to skip one: a package that is there but fails to load is an error. */
function isMissing(err: unknown, name: string): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === "MODULE_NOT_FOUND" && typeof e.message === "string" && e.message.includes(`'${name}'`);
}

/** Every framework package `require` can load from here, in `FRAMEWORK_PACKAGES` order; read once. */
export function installedFrameworks(): readonly InstalledFramework[] {
  if (!installed) {
    const found: InstalledFramework[] = [];
    for (const name of FRAMEWORK_PACKAGES) {
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        found.push({ name, module: require(name) as Framework });
      } catch (err) {
        if (!isMissing(err, name)) throw err;
      }
    }
    installed = found;
  }
  return installed;
}

/** The framework whose shared APIs the gate calls (any installed one works on the constructs of both). */
export function framework(): Framework {
  const first = installedFrameworks()[0];
  if (!first) {
    throw new Error(
      "blastwall: the synth-time gate needs cdktf or cdktn (CDK Terrain) installed next to it; " +
        "run `npm install cdktf` or `npm install cdktn`, or check the synthesized JSON with `blastwall check cdktf.out`.",
    );
  }
  return first.module;
}
