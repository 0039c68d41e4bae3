import { existsSync } from "fs";
import { dirname, join } from "path";

let root: string | undefined;

/**
 * The folder holding blastwall's package.json and policies/. Code runs from `lib/` under jest and from
 * `dist/lib/` when built, so walk up rather than hard-code a depth.
 */
export function findPackageRoot(): string {
  if (root) return root;
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, "policies")) && existsSync(join(dir, "package.json"))) return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error(`blastwall: cannot find its package root (policies/) above ${__dirname}`);
    dir = up;
  }
}
