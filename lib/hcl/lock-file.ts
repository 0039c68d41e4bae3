/**
 * What a folder's `.terraform.lock.hcl` says about the tool that applies it. `tofu init` records each provider under
 * the registry it resolved the provider from, and OpenTofu resolves a short source (`hashicorp/aws`) from
 * `registry.opentofu.org`; Terraform resolves it from `registry.terraform.io` and names OpenTofu's registry only when
 * a `required_providers` source spells that host out, which nothing leads a Terraform user to do. So a lock file
 * naming a provider of `registry.opentofu.org` means OpenTofu applies the folder, even when it holds only `.tf` files
 * (most OpenTofu users write no `.tofu` file), and the folder must be read with OpenTofu's defaults where the tools
 * differ (a bare `removed` block forgets its object). One that names the same provider under both registries
 * (`registry.opentofu.org/hashicorp/aws` and `registry.terraform.io/hashicorp/aws`) is what both tools' `init` leave
 * behind: a team that runs both, or moves from one to the other, and either may apply the folder next. The lock file
 * never makes a folder with `.tofu` files OpenTofu's alone: Terraform skips those files, and nothing stops it from
 * applying the rest (run-check.ts reads such a folder both ways). A lock file that names only other hosts, or cannot
 * be read, says nothing: the folder is then read as before.
 */
import { readFileSync, statSync } from "fs";
import { join } from "path";
import { readAsync, type HclReader } from "./config";

export const LOCK_FILE = ".terraform.lock.hcl";

/** OpenTofu's public registry, the host `tofu init` records for a provider written with a short source. */
const OPENTOFU_REGISTRY = "registry.opentofu.org";
/** Terraform's, the host `terraform init` records for one. */
const TERRAFORM_REGISTRY = "registry.terraform.io";

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
  return addresses.some((a) => split(a).host === OPENTOFU_REGISTRY);
}

/** The host of a provider address, without case (as DNS compares it), and the rest (`hashicorp/aws`, without case too). */
function split(address: string): { host: string; rest: string } {
  const [host, ...rest] = address.split("/");
  return { host: host.trim().toLowerCase(), rest: rest.join("/").trim().toLowerCase() };
}

/**
 * Which tools the addresses say ran `init`: "both" when one provider is named under both registries (each tool
 * resolved the same short source from its own), "opentofu" when OpenTofu's registry is named otherwise, else undefined.
 */
export function lockedTools(addresses: readonly string[]): LockTool | undefined {
  if (!namesOpenTofuRegistry(addresses)) return undefined;
  const parts = addresses.map(split);
  const fromTerraform = new Set(parts.filter((p) => p.host === TERRAFORM_REGISTRY).map((p) => p.rest));
  return parts.some((p) => p.host === OPENTOFU_REGISTRY && fromTerraform.has(p.rest)) ? "both" : "opentofu";
}

/** What a lock file says: OpenTofu alone ran `init` in the folder, or both OpenTofu and Terraform did. */
export type LockTool = "opentofu" | "both";

/**
 * What `dir`'s lock file says (`lockedTools`); undefined when there is no lock file, it names neither, or it cannot be
 * read or parsed (fail safe: the folder keeps its usual reading).
 */
export async function lockFileTool(dir: string): Promise<LockTool | undefined> {
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
    return lockedTools(lockedProviders(await readAsync(lockReader(text))));
  } catch {
    return undefined;
  }
}
