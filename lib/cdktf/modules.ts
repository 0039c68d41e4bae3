/**
 * Modules of a stack on this machine, read at synth. A cdktf stack that calls a folder of `.tf` files (an absolute
 * path, or a relative one cdktf copies into the stack folder as an asset) creates what those files hold; the gate
 * reads them with the stack, as `blastwall check cdktf.out` does after synth, instead of leaving them to
 * `unknown-module`. Loaded only for a stack that calls such a module.
 */
import type { IConstruct } from "constructs";
import { basename, dirname, isAbsolute, join, posix, relative, resolve } from "path";
import { statSync } from "fs";
import type { TfStack } from "../engine/terraform/types";
import { ParserUnavailable, toPosix, type ConfigTool } from "../hcl/config";
import { PARSER_UNAVAILABLE } from "../rules/unknown-module";
import { parseHclSync } from "../hcl/hcl2json-sync";
import { isAbsoluteSource, isLocalSource, loadHclSync } from "../hcl/load-hcl";

/** `AssetType.DIRECTORY` of cdktf (and CDK Terrain): an archive or a file is no module folder once written. */
const DIRECTORY = 1;

/** Whether reading the stack through the module loader can show more than the stack's own JSON does. */
export function callsModuleOnDisk(model: TfStack): boolean {
  return (model.modules ?? []).some((m) => typeof m.source === "string" && (isLocalSource(m.source) || isAbsoluteSource(m.source)));
}

/** A directory asset of the stack: where it will be in the stack folder, what cdktf copies there, and the folder to name. */
interface DirectoryAsset {
  /** `assets/NAME/HASH`, as the stack's module sources name it. */
  readonly at: string;
  /** The folder cdktf copies into the stack folder when it writes the stack. */
  readonly from: string;
  /** The folder the user wrote, relative to the working directory (or absolute), named in locations and errors. */
  readonly shown: string;
}

/**
 * The directory assets of the stack. cdktf copies a relative module's folder into a temporary directory when the
 * module is created (`TerraformModuleAsset`, under the lowest common folder of the app's `cdktfRelativeModules`) and
 * writes that as an asset, so the asset's source is what Terraform will read; the temporary directory means nothing
 * to the user, so what is read there is named after the common folder it copies.
 */
function directoryAssets(stack: IConstruct): DirectoryAsset[] {
  const out: DirectoryAsset[] = [];
  for (const c of stack.node.findAll()) {
    const a = c as unknown as { sourcePath?: unknown; type?: unknown; path?: unknown };
    if (typeof a.sourcePath !== "string" || a.type !== DIRECTORY) continue;
    let at: unknown;
    try {
      at = a.path;
    } catch {
      continue;
    }
    if (typeof at !== "string") continue;
    const copied = (c.node.scope as unknown as { relativeAssetPath?: unknown } | undefined)?.relativeAssetPath;
    const shown = typeof copied === "string" && copied !== "." && copied !== "" ? posix.normalize(toPosix(copied)).replace(/\/$/, "") : shownPath(resolve(typeof copied === "string" ? copied : a.sourcePath));
    out.push({ at: posix.normalize(at), from: resolve(a.sourcePath), shown });
  }
  return out;
}

/** A folder on disk as the user knows it: relative to the working directory when inside it, else absolute. */
function shownPath(abs: string): string {
  const rel = relative(process.cwd(), abs);
  // The working directory itself is named in full: a bare `.` would not tell its files from the stack's own.
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? toPosix(abs) : toPosix(rel);
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

/** What the stack is read as at synth. */
export interface ModulesRead {
  /**
   * The stack with its modules, once as Terraform reads them and, when a module folder holds `.tofu` files, once as
   * OpenTofu does (which of the two applies it is not in the files; each may create what the other does not).
   */
  readonly readings: readonly TfStack[];
  /** The folders named in locations as the user wrote them (not relative to the stack's folder). */
  readonly shownDirs: readonly string[];
}

/**
 * The stack read with the modules it calls from this machine. `file` is the path cdktf writes the stack to; the
 * stack's own JSON stands for that file, which does not exist yet. When the HCL parser cannot run here, every module
 * read from disk stays `unknown-module`, saying so.
 */
export function withModulesOnDisk(stack: IConstruct, json: unknown, file: string, name: string): ModulesRead {
  const assets = directoryAssets(stack);
  const moduleSource = (source: string): { dir: string } | { unknown: string } | undefined => {
    if (!isLocalSource(source)) return undefined;
    const rel = posix.normalize(source.replace(/\\/g, "/"));
    for (const a of assets) {
      if (rel !== a.at && !rel.startsWith(`${a.at}/`)) continue;
      const dir = join(a.from, rel.slice(a.at.length));
      if (isDirectory(dir)) return { dir };
    }
    return { unknown: `module source "${source}" is a local path in the stack folder: ${UNREAD_AT_SYNTH}` };
  };
  const shownDirs = new Set<string>();
  const shownDir = (absDir: string): string => {
    let out = shownPath(absDir);
    for (const a of assets) {
      const inside = relative(a.from, absDir);
      if (inside.startsWith("..") || isAbsolute(inside)) continue;
      out = inside === "" ? a.shown : posix.join(a.shown, toPosix(inside));
      break;
    }
    shownDirs.add(out);
    return out;
  };
  const files = new Map([[basename(file), JSON.stringify(json)]]);
  const read = (tool: ConfigTool) => loadHclSync(dirname(file), parseHclSync, { files, moduleSource, shownDir }, undefined, tool);
  let readings: TfStack[];
  try {
    const terraform = read("terraform");
    readings = terraform.hasTofu
      ? [
          { ...terraform.stack, file, name, reading: "as Terraform reads its modules: it skips their .tofu files" },
          { ...read("opentofu").stack, file, name, reading: "as OpenTofu reads its modules" },
        ]
      : [{ ...terraform.stack, file, name }];
  } catch (e) {
    if (!(e instanceof ParserUnavailable)) throw e;
    // Read again without the parser: the stack's own JSON needs none, and every module from disk stays unknown.
    const unknown = (source: string) =>
      isLocalSource(source) || isAbsoluteSource(source) ? { unknown: `${PARSER_UNAVAILABLE} (${e.message}), so what this module creates is unknown at synth; \`blastwall check cdktf.out\` reads it after synth` } : undefined;
    const load = loadHclSync(dirname(file), () => {
      throw e;
    }, { files, moduleSource: unknown });
    readings = [{ ...load.stack, file, name }];
  }
  return { readings, shownDirs: [...shownDirs] };
}
