/**
 * What a folder's `.terraform.lock.hcl` says about the tool that applies it. `tofu init` records each provider under
 * the registry it resolved the provider from, and OpenTofu resolves a short source (`hashicorp/aws`) from
 * `registry.opentofu.org`; Terraform resolves it from `registry.terraform.io` and names OpenTofu's registry only when
 * a `required_providers` source spells that host out, which nothing leads a Terraform user to do. So a lock file
 * naming a provider of `registry.opentofu.org` means OpenTofu applies the folder, even when it holds only `.tf` files
 * (most OpenTofu users write no `.tofu` file), and the folder must be read with OpenTofu's defaults where the tools
 * differ (a bare `removed` block forgets its object). A lock file that names only other hosts, or cannot be read,
 * says nothing: the folder is then read as before.
 */
import { readFileSync, statSync } from "fs";
import { join } from "path";
import { readAsync, type HclReader } from "./config";

export const LOCK_FILE = ".terraform.lock.hcl";

/** OpenTofu's public registry, the host `tofu init` records for a provider written with a short source. */
const OPENTOFU_REGISTRY = "registry.opentofu.org";

/** Larger than any real lock file (a few hashes per platform per provider): not read, so it says nothing. */
const MAX_LOCK_BYTES = 8 * 1024 * 1024;

function* lockReader(text: string): HclReader<Record<string, unknown>> {
  return yield { file: LOCK_FILE, text };
}

/** The provider addresses a parsed lock file names (`registry.opentofu.org/hashicorp/aws`). */
export function lockedProviders(parsed: Readonly<Record<string, unknown>>): string[] {
  const providers = parsed["provider"];
  if (providers === null || typeof providers !== "object" || Array.isArray(providers)) return [];
  return Object.keys(providers);
}

/** True when the addresses include a provider from OpenTofu's registry (hosts compare without case, as DNS does). */
export function namesOpenTofuRegistry(addresses: readonly string[]): boolean {
  return addresses.some((a) => a.split("/")[0].trim().toLowerCase() === OPENTOFU_REGISTRY);
}

/**
 * "opentofu" when `dir`'s lock file names a provider from OpenTofu's registry; undefined when there is no lock file,
 * it names none, or it cannot be read or parsed (fail safe: the folder keeps its usual reading).
 */
export async function lockFileTool(dir: string): Promise<"opentofu" | undefined> {
  const path = join(dir, LOCK_FILE);
  let text: string;
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size > MAX_LOCK_BYTES) return undefined;
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  try {
    return namesOpenTofuRegistry(lockedProviders(await readAsync(lockReader(text)))) ? "opentofu" : undefined;
  } catch {
    return undefined;
  }
}
