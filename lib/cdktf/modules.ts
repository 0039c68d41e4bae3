/**
 * Modules of a stack on this machine, read at synth. A cdktf stack that calls a folder of `.tf` files (an absolute
 * path, or a relative one cdktf copies into the stack folder as an asset) creates what those files hold; the gate
 * reads them with the stack, as `blastwall check cdktf.out` does after synth, instead of leaving them to
 * `unknown-module`. Loaded only for a stack that calls such a module.
 */
import type { IConstruct } from "constructs";
import { basename, dirname, join, posix, resolve } from "path";
import { statSync } from "fs";
import type { TfStack } from "../engine/terraform/types";
import { ParserUnavailable } from "../hcl/config";
import { parseHclSync } from "../hcl/hcl2json-sync";
import { isAbsoluteSource, isLocalSource, loadHclSync } from "../hcl/load-hcl";

/** `AssetType.DIRECTORY` of cdktf (and CDK Terrain): an archive or a file is no module folder once written. */
const DIRECTORY = 1;

/** Whether reading the stack through the module loader can show more than the stack's own JSON does. */
export function callsModuleOnDisk(model: TfStack): boolean {
  return (model.modules ?? []).some((m) => typeof m.source === "string" && (isLocalSource(m.source) || isAbsoluteSource(m.source)));
}

/**
 * Where each directory asset of the stack will be in the stack folder (`assets/NAME/HASH`), and the folder cdktf
 * copies there when it writes the stack. cdktf copies a local module's folder into a temporary directory when the
 * module is created and writes that as an asset, so the asset's source is what Terraform will read.
 */
function directoryAssets(stack: IConstruct): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of stack.node.findAll()) {
    const a = c as unknown as { sourcePath?: unknown; type?: unknown; path?: unknown };
    if (typeof a.sourcePath !== "string" || a.type !== DIRECTORY) continue;
    let at: unknown;
    try {
      at = a.path;
    } catch {
      continue;
    }
    if (typeof at === "string") out.set(posix.normalize(at), resolve(a.sourcePath));
  }
  return out;
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export const UNREAD_AT_SYNTH =
  "cdktf writes it into the stack folder after this gate runs, so the synth-time gate cannot read it; `blastwall check cdktf.out` reads it after synth";

/**
 * The stack read with the modules it calls from this machine. `file` is the path cdktf writes the stack to; the
 * stack's own JSON stands for that file, which does not exist yet. Undefined when the parser cannot run here: the
 * caller keeps the stack as its JSON alone, where the modules stay `unknown-module`.
 */
export function withModulesOnDisk(stack: IConstruct, json: unknown, file: string, name: string): TfStack | undefined {
  const assets = directoryAssets(stack);
  const moduleSource = (source: string): { dir: string } | { unknown: string } | undefined => {
    if (!isLocalSource(source)) return undefined;
    const rel = posix.normalize(source.replace(/\\/g, "/"));
    for (const [at, from] of assets) {
      if (rel !== at && !rel.startsWith(`${at}/`)) continue;
      const dir = join(from, rel.slice(at.length));
      if (isDirectory(dir)) return { dir };
    }
    return { unknown: `module source "${source}" is a local path in the stack folder: ${UNREAD_AT_SYNTH}` };
  };
  const dir = dirname(file);
  try {
    const load = loadHclSync(dir, parseHclSync, { files: new Map([[basename(file), JSON.stringify(json)]]), moduleSource });
    return { ...load.stack, file, name };
  } catch (e) {
    if (e instanceof ParserUnavailable) return undefined;
    throw e;
  }
}
