import { readFileSync } from "fs";
import { findPackageRoot } from "../engine/package-root";
import { join } from "path";

let cached: string | undefined;

export function packageVersion(): string {
  if (!cached) cached = (JSON.parse(readFileSync(join(findPackageRoot(), "package.json"), "utf8")) as { version: string }).version;
  return cached;
}
