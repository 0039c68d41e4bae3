/**
 * What the files around a checked configuration hold that blastwall reads for `credential-in-source`: the variable and
 * backend files of its folder Terraform does not load by itself, which `--var-file` values come from outside the
 * repository (given by the run, not written in it), and whether a file of the repository the configuration names holds
 * a key.
 */
import { readdirSync, realpathSync, statSync } from "fs";
import { dirname, isAbsolute, join, parse, relative, resolve, sep } from "path";
import type { FolderValueFile, RepositoryFile } from "../engine/terraform/types";
import { readInputFile, readProblem } from "../engine/input-file";

/**
 * The variable and backend files of a configuration folder Terraform does not load by itself (`prod.tfvars`, and
 * backend configuration, which `terraform init -backend-config` takes under any name: `prod.s3.tfbackend`,
 * `backend.hcl`, also one folder down, `backend/prod.tfbackend`), as read. Whoever runs Terraform passes them; whoever
 * reads the folder, a coding agent among them, reads them. One that does not parse is left out: Terraform does not
 * read it either unless told to, and the run should not stop for it.
 */
export async function folderValueFiles(dir: string): Promise<FolderValueFile[]> {
  const auto = (n: string) => n === "terraform.tfvars" || n === "terraform.tfvars.json" || n.endsWith(".auto.tfvars") || n.endsWith(".auto.tfvars.json");
  // Packer and Terragrunt write HCL too; their files are not Terraform's backend configuration.
  const foreign = (n: string) => n.endsWith(".pkr.hcl") || n.endsWith(".pkrvars.hcl") || n === "terragrunt.hcl";
  const kindOf = (n: string, top: boolean): FolderValueFile["kind"] | undefined =>
    n.startsWith(".") || foreign(n) ? undefined
    : n.endsWith(".tfbackend") || n.endsWith(".hcl") || n.endsWith(".conf") ? "tfbackend"
    : (n.endsWith(".tfvars") || n.endsWith(".tfvars.json")) && !(top && auto(n)) ? "tfvars"
    : undefined;
  const out: FolderValueFile[] = [];
  const read = async (rel: string, kind: FolderValueFile["kind"]) => {
    const abs = join(dir, rel);
    try {
      if (!statSync(abs).isFile()) return;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { readTfvars } = require("../hcl/config") as typeof import("../hcl/config");
      out.push({ file: rel, kind, values: await readTfvars(abs, rel.endsWith(".json") ? rel : `${rel}.tfvars`, abs) });
    } catch {
      return;
    }
  };
  // Three folders down (`envs/prod/backend.hcl`), past what is no configuration of the repository's own.
  const walk = async (rel: string, depth: number): Promise<void> => {
    for (const n of listDir(rel === "" ? dir : join(dir, rel))) {
      const path = rel === "" ? n : `${rel}/${n}`;
      const kind = kindOf(n, rel === "");
      if (kind) await read(path, kind);
      else if (depth < 3 && !n.startsWith(".") && !SKIPPED_FOLDERS.has(n) && !/\.(tf|tofu)(\.json)?$/.test(n) && isDir(join(dir, path)) && !holdsConfiguration(join(dir, path))) await walk(path, depth + 1);
    }
  };
  await walk("", 0);
  return out;
}

/**
 * Whether a folder holds a configuration of its own (a module, another root): its tfvars set its own variables and its
 * backend files are its own, read when that configuration is checked (red-team round 117: a module's terraform.tfvars
 * read against the root's variables).
 */
function holdsConfiguration(path: string): boolean {
  return listDir(path).some((n) => /\.(tf|tofu)(\.json)?$/.test(n));
}

/** Folders of other tools' output or downloads, not of the repository's own configuration. */
const SKIPPED_FOLDERS = new Set(["node_modules", "cdktf.out", "dist", "build", "vendor"]);

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The repository the folder sits in (the nearest folder above holding `.git`), when there is one. */
function repositoryRoot(dir: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    try {
      statSync(join(d, ".git"));
      return d;
    } catch {
      if (dirname(d) === d) return undefined;
    }
  }
}

/**
 * The `--var-file` values (later files win), and every string of those from outside `folders` and the repositories
 * around them: a var file in the working directory, a checked folder or their repository is the repository's (a coding
 * agent reads it: `cd infra && blastwall check . --var-file ../envs/prod.tfvars`); one elsewhere (CI's $RUNNER_TEMP)
 * holds what the run was given, and its strings are not the configuration's. Each file is read once.
 */
export async function readVarFilesFrom(
  files: readonly string[],
  folders: readonly string[],
  read: (files: readonly string[]) => Promise<Map<string, unknown>>,
): Promise<{ values: Map<string, unknown>; givenValues?: ReadonlySet<string> }> {
  const within = [...folders, ...folders.flatMap((d) => repositoryRoot(d) ?? [])];
  const values = new Map<string, unknown>();
  const given = new Set<string>();
  for (const f of files) {
    const own = await read([f]);
    for (const [k, v] of own) values.set(k, v);
    if (within.every((d) => !isInside(d, resolve(f)))) for (const x of stringsOfValues([...own.values()])) given.add(x);
  }
  return given.size > 0 ? { values, givenValues: given } : { values };
}

/** Whether `file` lies inside the folder `dir`. */
function isInside(dir: string, file: string): boolean {
  const r = relative(dir, file);
  return r !== "" && !r.startsWith("..") && !isAbsolute(r);
}

/** Every string inside variable values (a map's or list's too). */
function stringsOfValues(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.flatMap(stringsOfValues);
  return v !== null && typeof v === "object" ? Object.values(v).flatMap(stringsOfValues) : [];
}


/** Far above any credentials or key file; a file over it is reported as not read, not read in part. */
const NAMED_FILE_LIMIT = 1024 * 1024;

/**
 * The files of the repository `base` sits in (the nearest folder above holding `.git`, else `base` itself), by a path
 * as a configuration run in `base` names it: what a credentials or key file holds (the profiles giving an AWS secret
 * key, whether a private key is in it), never its text. A path from the home folder or the environment (`~/.aws`,
 * `$HOME/...`), or outside the repository, is elsewhere: the run's, not the repository's. A link is followed only
 * while it stays inside the repository.
 */
export function repositoryFileReader(base: string): (path: string) => RepositoryFile {
  const dir = resolve(base);
  const found = repositoryRoot(dir);
  const seen = new Map<string, RepositoryFile>();
  return (path) => {
    const hit = seen.get(path);
    if (hit) return hit;
    // Without a .git (a source archive, a Docker build context), where the repository ends is not known: a relative
    // path climbing out of the checked folder (`../keys/id`) may still be in it, so it is read (red-team round 124).
    const abs = resolve(dir, path);
    const root = found ?? (!isAbsolute(path) && !isInside(dir, abs) ? parse(abs).root : dir);
    const facts = readNamedFile(root, dir, path);
    seen.set(path, facts);
    return facts;
  };
}

function readNamedFile(root: string, dir: string, path: string): RepositoryFile {
  // `~`, `$HOME`, `%USERPROFILE%`: the environment's, not the repository's. Only in a path as written: an absolute
  // one may run through a checkout folder named with `%` or `$` (Jenkins writes `feature%2Fx`).
  if (path === "" || path.includes("\0") || /^~/.test(path) || (!isAbsolute(path) && /[$%]/.test(path))) return { state: "elsewhere" };
  const abs = resolve(dir, path);
  if (!isInside(root, abs)) return { state: "elsewhere" };
  const file = relative(root, abs).split(sep).join("/");
  const unreadable = (why: string): RepositoryFile => ({ state: "unreadable", file, why });
  let real: string;
  try {
    real = realpathSync(abs);
  } catch (e) {
    const code = (e as { code?: unknown } | undefined)?.code;
    return code === "ENOENT" || code === "ENOTDIR" ? { state: "absent" } : unreadable(readProblem(e));
  }
  let realRoot = root;
  try {
    realRoot = realpathSync(root);
  } catch {
    // The root was found by stat: it is there; its own name stands.
  }
  if (!isInside(realRoot, real)) return unreadable("it is a symbolic link leading out of the repository, which blastwall does not follow");
  let text: string;
  try {
    text = readInputFile(real, NAMED_FILE_LIMIT).toString("utf8");
  } catch (e) {
    return unreadable(readProblem(e));
  }
  return { state: "read", file, awsSecretProfiles: awsSecretProfiles(text), awsKeyIds: awsKeyIds(text), privateKey: holdsPrivateKey(text) };
}

/**
 * The non-empty values of `key` in each profile (section) of an AWS shared credentials or config file, read as loosely
 * as any SDK does (any case, spaces around `=` or `:`, indented, a trailing `#`/`;` comment); `(no profile)` before
 * any section.
 */
function profileValues(text: string, key: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const line = new RegExp(`^\\s*${key}\\s*[=:]\\s*(.*)$`, "i");
  let section = "(no profile)";
  for (const l of text.split(/\r?\n|\r/)) {
    const header = /^\s*\[\s*([^\]]*?)\s*\]/.exec(l);
    if (header) {
      section = header[1].replace(/^profile\s+/i, "");
      continue;
    }
    const value = line.exec(l)?.[1].replace(/\s[#;].*$/, "").trim();
    if (value) out.set(section, [...(out.get(section) ?? []), value]);
  }
  return out;
}

/** The profiles of an AWS shared credentials or config file that set a non-empty `aws_secret_access_key`. */
export function awsSecretProfiles(text: string): string[] {
  return [...profileValues(text, "aws_secret_access_key").keys()];
}

/**
 * Every `aws_access_key_id` of each profile, quotes taken off: a profile may write it twice, and a quoted real key id
 * must not pass for a placeholder (red-team round 124).
 */
export function awsKeyIds(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [section, ids] of profileValues(text, "aws_access_key_id")) {
    const unquoted = ids.map((id) => id.replace(/^(["'])(.*)\1$/, "$2").trim()).filter((id) => id !== "");
    if (unquoted.length > 0) out.set(section, unquoted);
  }
  return out;
}

/** Whether the text holds a private key: PEM (`-----BEGIN RSA PRIVATE KEY-----`, OpenSSH's) or a key file's `"private_key"`. */
export function holdsPrivateKey(text: string): boolean {
  return /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/.test(text) || /"private_key"\s*:\s*"[^"]/.test(text);
}
