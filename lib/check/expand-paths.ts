import { accessSync, constants, readdirSync, realpathSync, statSync, type Stats } from "fs";
import { basename, dirname, isAbsolute, join, resolve } from "path";
import { InputError } from "../engine/terraform/types";
import { parseJsonText, readText } from "../engine/terraform/read-file";
import { isIgnoredFile, isOverride, isTofuName } from "../hcl/config";
import { stacksFolderHint } from "./stacks-folder";

export interface StackInput {
  /** `json`: a cdk.tf.json / *.tf.json file; `hcl`: a directory read as Terraform reads it. */
  readonly kind: "json" | "hcl";
  readonly path: string;
  /** Stack name when the layout tells it (cdktf.out/stacks/NAME/cdk.tf.json). */
  readonly name?: string;
  /**
   * For a `*.tf.json` file read alone: the files beside it Terraform (or OpenTofu) would load with it and that change
   * what it says (auto-loaded tfvars, override files, its `.tofu.json` twin), which this reading does not read.
   */
  readonly unread?: readonly string[];
}

/** One line for a filesystem error, worded for the path it is reported with. */
export function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException | undefined;
  switch (err?.code) {
    case "ENOENT":
      return "no such file or directory";
    case "ENOTDIR":
      return "no such file or directory (a part of the path is not a directory)";
    case "ELOOP":
      return "is a symbolic link that loops (or a chain of links too long to follow)";
    case "EACCES":
    case "EPERM":
      return "cannot be read: permission denied";
    case "ENAMETOOLONG":
      return "the path is too long";
    default:
      return `cannot be read (${err?.code ?? err?.message ?? String(e)})`;
  }
}

const NOT_REGULAR = "is not a regular file or directory (a FIFO, socket or device); reading it could block or mean anything";

function stat(p: string): Stats {
  try {
    return statSync(p);
  } catch (e) {
    // `-f json` reads as a path here: say what the options are, in case an option was meant.
    const hint = basename(p).startsWith("-") && (e as NodeJS.ErrnoException).code === "ENOENT" ? " (not an option of blastwall check either: see blastwall check --help)" : "";
    throw new InputError(p, describeFsError(e) + hint);
  }
}

/** A file or a directory; anything else is refused before a read could block on it. */
function kindOf(p: string): "file" | "dir" {
  const s = stat(p);
  if (s.isFile()) return "file";
  if (s.isDirectory()) return "dir";
  throw new InputError(p, NOT_REGULAR);
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (e) {
    throw new InputError(dir, describeFsError(e));
  }
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch (e) {
    throw new InputError(p, describeFsError(e));
  }
}

/** A file Terraform or OpenTofu reads as configuration (OpenTofu adds `.tofu` and `.tofu.json`). */
function isConfigName(name: string): boolean {
  return ((name.endsWith(".tf") || name.endsWith(".tf.json")) && !isIgnoredFile(name)) || isTofuName(name);
}

/**
 * Terraform loads terraform.tfvars(.json) and every *.auto.tfvars(.json) of the folder it runs in, hidden or not:
 * each can change what a variable grants.
 */
function isAutoTfvarsName(name: string): boolean {
  return name === "terraform.tfvars" || name === "terraform.tfvars.json" || name.endsWith(".auto.tfvars") || name.endsWith(".auto.tfvars.json");
}

interface Loaded {
  /** `.tf` / `.tf.json` files Terraform reads as the configuration (cdk.tf.json among them). */
  readonly config: string[];
  readonly tfvars: string[];
}

/**
 * The files Terraform loads when it runs in `dir`. Folders with such names are skipped, as Terraform skips them;
 * a dangling link or a FIFO with such a name is refused: Terraform would fail on it, and reading it could block.
 */
function loadedFiles(dir: string): Loaded {
  const config: string[] = [];
  const tfvars: string[] = [];
  for (const name of list(dir).sort()) {
    const conf = isConfigName(name);
    if (!conf && !isAutoTfvarsName(name)) continue;
    if (kindOf(join(dir, name)) === "dir") continue;
    (conf ? config : tfvars).push(name);
  }
  return { config, tfvars };
}

/**
 * A folder Terraform runs in. A lone cdk.tf.json is read as JSON; with any other file Terraform loads beside it
 * (more .tf/.tf.json, overrides, auto-loaded tfvars) the folder is read as one configuration, as Terraform reads it.
 */
function stackFolder(dir: string, name: string | undefined): StackInput {
  const { config, tfvars } = loadedFiles(dir);
  if (config.length === 1 && config[0] === "cdk.tf.json" && tfvars.length === 0) return { kind: "json", path: join(dir, "cdk.tf.json"), name };
  if (config.length > 0) return { kind: "hcl", path: dir, name };
  throw new InputError(dir, "holds neither cdk.tf.json nor .tf files; synthesize again or remove the folder");
}

interface ManifestStack {
  readonly name: string;
  readonly workingDirectory: string;
  readonly synthesizedStackPath: string;
}

/** The stacks cdktf says it synthesized; a manifest blastwall cannot read is refused, never taken as "no stacks". */
function readManifest(file: string): ManifestStack[] {
  if (kindOf(file) !== "file") throw new InputError(file, "is a directory; cdktf writes manifest.json as a file");
  const parsed = parseJsonText(file, readText(file));
  const bad = (why: string) => new InputError(file, `is not a cdktf manifest: ${why}`);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw bad("the top level must be an object");
  const stacks = (parsed as Record<string, unknown>)["stacks"];
  if (stacks === null || typeof stacks !== "object" || Array.isArray(stacks)) throw bad(`"stacks" must be an object`);
  const out: ManifestStack[] = [];
  for (const [name, entry] of Object.entries(stacks as Record<string, unknown>)) {
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) throw bad(`stack "${name}" must be an object`);
    const e = entry as Record<string, unknown>;
    for (const key of ["workingDirectory", "synthesizedStackPath"]) {
      if (typeof e[key] !== "string" || e[key] === "") throw bad(`stack "${name}" has no ${key}`);
    }
    out.push({ name, workingDirectory: e["workingDirectory"] as string, synthesizedStackPath: e["synthesizedStackPath"] as string });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Whether a manifest.json is cdktf's, or meant to be: JSON with a "stacks" key (readManifest then checks it all), or
 * not a file (refused there). Anything else (a web app's manifest, an array, text) is some other tool's file.
 */
function cdktfManifestLike(file: string): boolean {
  if (kindOf(file) !== "file") return true;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readText(file));
  } catch {
    return false;
  }
  return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) && "stacks" in parsed;
}

function under(folder: string, rel: string): string {
  return isAbsolute(rel) ? rel : join(folder, rel);
}

/** The stack folders of `stacks/` (sorted), each one a stack cdktf may deploy. */
function stackFolderNames(stacksDir: string): string[] {
  return list(stacksDir)
    .sort()
    .filter((name) => kindOf(join(stacksDir, name)) === "dir");
}

/** The stack files cdktf writes: cdk.tf.json, or cdk.tf with `cdktf synth --hcl` (read as HCL, as `check cdktf.out` reads it). */
const STACK_FILES = ["cdk.tf.json", "cdk.tf"];

/**
 * The subfolders of `dir` that hold a stack file (sorted): stacks cdktf synthesized, each deployed on its own.
 * Red-team round 69: only cdk.tf.json counted, so `--hcl` stacks beside a stray file in stacks/ were never read.
 */
function cdktfStackNames(dir: string): string[] {
  return stackFolderNames(dir).filter((n) => STACK_FILES.some((f) => exists(join(dir, n, f))));
}

/**
 * cdktf output (a folder with manifest.json): every stack the manifest lists, every `stacks/*` folder it does not
 * list, and the folder's own Terraform files as one more configuration. A stack deployed from any of them must be
 * read, so none is left out because another was found.
 */
function cdktfOutput(p: string, manifestFile: string): StackInput[] {
  const out: StackInput[] = [];
  const seen = new Set<string>();
  for (const s of readManifest(manifestFile)) {
    const wd = under(p, s.workingDirectory);
    const synth = under(p, s.synthesizedStackPath);
    const listed = (path: string, problem: string, role: string) =>
      new InputError(path, `${problem}, but ${manifestFile} lists it as the ${role} of stack "${s.name}"; synthesize again or fix the manifest`);
    if (!exists(wd)) throw listed(wd, "is missing", "working directory");
    if (kindOf(wd) !== "dir") throw listed(wd, "is not a folder", "working directory");
    if (!exists(synth)) throw listed(synth, "is missing", "synthesized stack file");
    if (kindOf(synth) !== "file") throw listed(synth, "is not a file", "synthesized stack file");
    // Named by where it sits, as a stack file is: the manifest, like the file, must not pick another stack's name
    // (and with it that stack's acknowledgements).
    out.push(stackFolder(wd, basename(resolve(wd))));
    seen.add(resolve(wd));
    // cdktf runs Terraform in the working directory; a stack file written elsewhere is read as well (and a stacks/
    // folder holding it still as a folder below: the duplicate reading is dropped at the end).
    if (!seen.has(resolve(dirname(synth)))) out.push(fileArgument(synth));
  }
  const stacksDir = join(p, "stacks");
  if (exists(stacksDir) && kindOf(stacksDir) === "dir") {
    for (const name of stackFolderNames(stacksDir)) {
      const dir = join(stacksDir, name);
      if (!seen.has(resolve(dir))) out.push(stackFolder(dir, name));
    }
    // A stray Terraform file in stacks/ itself (cdktf writes none) is read too, as the configuration of that folder:
    // Terraform run there would deploy it (red-team round 68).
    if (loadedFiles(stacksDir).config.length > 0 && !seen.has(resolve(stacksDir))) out.push(stackFolder(stacksDir, undefined));
  }
  const own = loadedFiles(p);
  if (own.config.length > 0) out.push(stackFolder(p, undefined));
  if (out.length === 0) throw new InputError(p, "has a cdktf manifest.json but no stack to read; run cdktf synth first");
  return out;
}

/** False for a missing path (a dangling link among them); any other error (a loop, no permission) is bad input. */
function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return false;
    throw new InputError(p, describeFsError(e));
  }
}

/**
 * A file argument. Terraform never reads a cdk.tf.json alone: run in its folder, it loads every other .tf/.tf.json
 * file and the auto-loaded tfvars there too, so with any of them present the folder is what gets read.
 */
function fileArgument(p: string): StackInput {
  if (!p.endsWith(".json")) {
    throw new InputError(p, "expected a cdk.tf.json or *.tf.json file, a cdktf.out directory, or a directory of .tf files");
  }
  if (basename(p) === "cdk.tf.json") {
    const folder = dirname(p);
    const { config, tfvars } = loadedFiles(folder);
    if (config.some((e) => e !== "cdk.tf.json") || tfvars.length > 0) return { kind: "hcl", path: folder, name: layoutName(folder) };
  }
  const unread = basename(p) === "cdk.tf.json" || !isConfigName(basename(p)) ? [] : unreadBeside(p);
  return { kind: "json", path: p, name: basename(p) === "cdk.tf.json" ? layoutName(dirname(p)) : undefined, ...(unread.length > 0 ? { unread } : {}) };
}

/**
 * What a named `x.tf.json` is read without (red-team round 133, F6): run in its folder, Terraform loads the tfvars
 * there (a variable's value may turn a guard's `count` to 0) and merges the override files over it (a guard's
 * `count = 0`), and OpenTofu reads `x.tofu.json` instead of it. Other `.tf` files are left out: they add their own
 * resources, which a file named alone is documented not to see, and listing each would flood a folder of examples.
 */
function unreadBeside(p: string): string[] {
  const own = basename(p);
  const twin = own.replace(/\.tf\.json$/, ".tofu.json");
  const { config, tfvars } = loadedFiles(dirname(p));
  return [...tfvars, ...config.filter((n) => n !== own && (isOverride(n) || n === twin))].sort();
}

/**
 * `NAME` for a folder `.../stacks/NAME` (the layout cdktf writes), as the JSON reading names its cdk.tf.json. The folder
 * is read as absolute: `check cdk.tf.json` run inside `cdktf.out/stacks/ops` names the stack `ops` too, as the
 * acknowledgements written for it expect (red-team round 141, F6).
 */
function layoutName(folder: string): string | undefined {
  const at = resolve(folder);
  return basename(dirname(at)) === "stacks" ? basename(at) : undefined;
}

/**
 * A directory blastwall may list and enter, or an error naming it: a mode-000 folder was reported as
 * `noperm/manifest.json: cannot be read`, a file it does not hold (review round 94).
 */
function enterable(dir: string): void {
  try {
    accessSync(dir, constants.R_OK | constants.X_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EACCES" || code === "EPERM") throw new InputError(dir, "is a directory blastwall may not list or enter: permission denied");
    throw new InputError(dir, describeFsError(e));
  }
}

function directoryArgument(p: string, reading: ReadonlySet<string> = new Set()): StackInput[] {
  enterable(p);
  const manifest = join(p, "manifest.json");
  // Another tool's manifest.json (a browser extension's, a web app's) beside no stacks/ folder is not cdktf's: the
  // folder is read without it (red-team round 69: a Terraform folder holding one was refused as "not a cdktf
  // manifest"). Beside a stacks/ folder it is taken as cdktf's, and refused as such if it cannot be read as one.
  if (exists(manifest) && (cdktfManifestLike(manifest) || exists(join(p, "stacks")))) return cdktfOutput(p, manifest);
  // Without a manifest, a folder with Terraform files of its own is one configuration: Terraform reads every .tf and
  // .tf.json file in it, and a folder beside them is just a folder (its modules are read from it). Not when it holds
  // stacks cdktf synthesized (a subfolder, or a folder of stacks/, with a cdk.tf.json): a stray file there must not
  // turn them into a folder read as that file alone (red-team round 68). Such a stacks/ folder, or a folder with
  // one, is read as a cdktf output below (or refused as one without its manifest); a folder with stack subfolders
  // of another name is read whole, its own files and each stack.
  const { config } = loadedFiles(p);
  const isStacks = basename(resolve(p)) === "stacks" && cdktfStackNames(p).length > 0;
  const stacksDir = join(p, "stacks");
  const hasStacks = exists(stacksDir) && kindOf(stacksDir) === "dir" && cdktfStackNames(stacksDir).length > 0;
  if (config.length > 0 && !isStacks && !hasStacks) {
    const own = stackFolder(p, config.includes("cdk.tf.json") ? basename(resolve(p)) : undefined);
    // A cdktf project root with a Terraform file of its own (a stray main.tf.json) is read with its synth output:
    // the stacks there are what cdktf deploys, and the stray file alone read as the project hid them (red-team round
    // 69). The output is read as `check` reads it named (refused if incomplete); one that is this folder, or one
    // already being read (a link back), is not read again.
    const output = synthOutputOf(p);
    const here = new Set([...reading, real(p)]);
    const synthesized = output !== undefined && !here.has(real(output)) ? directoryArgument(output, here) : [];
    return [own, ...cdktfStackNames(p).map((n) => stackFolder(join(p, n), n)), ...synthesized];
  }
  // `cdktf.out/stacks`: the stacks folder of a cdktf output is read as that output (its manifest says which stacks).
  if (isStacks) {
    const parent = dirname(p);
    const parentManifest = join(parent, "manifest.json");
    // A manifest.json that is not cdktf's (a web app's, beside a stacks/ folder) is not these stacks' manifest: it is
    // taken as absent, and the refusal says so (red-team round 67: it was refused as "not a cdktf manifest").
    const foreign = exists(parentManifest) && !cdktfManifestLike(parentManifest);
    if (exists(parentManifest) && !foreign) return cdktfOutput(parent, parentManifest);
    throw new InputError(
      p,
      (foreign
        ? `is a stacks/ folder, but the manifest.json beside it is not cdktf's (it has no "stacks"), so no cdktf manifest says which stacks it holds; cdktf writes one only once every stack is synthesized, so this output may be incomplete: ` +
          `check each stack folder on its own (${join(p, stackFolderNames(p)[0] ?? "NAME")}), or synthesize again and check the cdktf output`
        : "is the stacks/ folder of a cdktf output with no manifest.json, which cdktf writes only once every stack is synthesized: this output is incomplete " +
          "(a synth that failed, perhaps on a blastwall finding, or was interrupted); fix what synth reported and run it again"),
    );
  }
  if (exists(stacksDir) && kindOf(stacksDir) === "dir") {
    const names = stackFolderNames(stacksDir);
    if (names.length === 0) throw new InputError(p, "has a stacks/ folder but no stack in it; run cdktf synth first");
    // cdktf writes a stack at a time and the manifest last, after every stack passed its checks: stacks without a
    // manifest are what a failed or interrupted synth left, without the stack it refused and those after it.
    throw new InputError(
      p,
      "has stacks/ but no manifest.json, which cdktf writes only once every stack is synthesized: this output is incomplete " +
        "(a synth that failed, perhaps on a blastwall finding, or was interrupted); fix what synth reported and run it again",
    );
  }
  // A Terraform Stacks folder is refused (none of its files is read), saying what to check instead (red-team round 127).
  const stacks = stacksFolderHint(p);
  if (stacks !== undefined) throw new InputError(p, stacks);
  const out = synthOutputOf(p);
  const project = out === undefined || isEmptyDir(out) ? unsynthesizedProject(p) : undefined;
  const hint = project !== undefined ? `; ${project}` : out ? `; check ${out} (the synthesized stacks) instead` : "";
  throw new InputError(p, `directory holds no cdk.tf.json, no stacks/*/cdk.tf.json and no .tf files${hint}`);
}

function isEmptyDir(dir: string): boolean {
  try {
    return readdirSync(dir).length === 0;
  } catch {
    return false;
  }
}

/**
 * For a cdktf project root (it holds cdktf.json) whose output folder is missing or empty: what to run and what to
 * check then, as the README says (review round 94: `check .` before synth said only "holds no cdk.tf.json").
 */
function unsynthesizedProject(p: string): string | undefined {
  if (!exists(join(p, "cdktf.json"))) return undefined;
  const dir = under(p, outputName(p));
  const state = exists(dir) ? `its output folder ${dir} is empty` : `it has no ${dir} yet`;
  return `it is a cdktf project (cdktf.json) and ${state}: run cdktf synth, then check ${dir}`;
}

/**
 * The cdktf output folder of a project root: the `output` its cdktf.json names, else `cdktf.out`, when it exists.
 * `blastwall check .` run where `cdktf synth` runs is a common slip: the report then names the folder to check.
 */
function synthOutputOf(p: string): string | undefined {
  const dir = under(p, outputName(p));
  try {
    return statSync(dir).isDirectory() ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** The output folder a project's cdktf.json names, else cdktf's default, `cdktf.out`. */
function outputName(p: string): string {
  try {
    const named = (JSON.parse(readText(join(p, "cdktf.json"))) as { output?: unknown }).output;
    if (typeof named === "string" && named !== "") return named;
  } catch {
    // no cdktf.json, or one that cannot be read: cdktf's default folder
  }
  return "cdktf.out";
}

/**
 * Turns the PATH arguments of `blastwall check` into the configurations to read: a file as given (a cdk.tf.json with
 * other Terraform files beside it as its folder), a cdktf output folder as every stack in it, a stack folder as its
 * cdk.tf.json or, with more files Terraform loads, as a whole, a folder of `.tf` files as one HCL configuration.
 * Anything else is bad input, never "nothing to check".
 */
export function expandPaths(paths: readonly string[]): StackInput[] {
  const inputs: StackInput[] = [];
  for (const p of paths) {
    if (kindOf(p) === "file") inputs.push(fileArgument(p));
    else inputs.push(...directoryArgument(p));
  }
  // The same configuration named twice (a folder and its cdk.tf.json, two spellings of one path) is read once; a
  // file argument that its folder's configuration already reads is read with it, not again on its own.
  // The name is part of the key: one folder reached under two stack names (a symlink) is judged under each, so the
  // acknowledgements of one name never cover the other.
  const keyOf = (i: StackInput) => `${i.kind}\u0000${real(i.path)}\u0000${i.name ?? ""}`;
  const folders = new Set(inputs.filter((i) => i.kind === "hcl").map((i) => real(i.path)));
  const seen = new Set<string>();
  const out: StackInput[] = [];
  for (const i of inputs) {
    const key = keyOf(i);
    if (seen.has(key)) continue;
    seen.add(key);
    if (i.kind === "json" && isConfigName(basename(i.path)) && folders.has(real(dirname(i.path)))) continue;
    out.push(i);
  }
  return out;
}
