/**
 * Reading a file a user or CI hands over (a configuration, a plan, an approval, a key): only a regular file, and
 * only up to a size that fits what it is. A device (`/dev/zero`) or a named pipe would otherwise keep the gate
 * reading, or waiting, for ever; an approval passed in from outside could stall the job that judges it.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from "fs";

const MiB = 1024 * 1024;

/** Ceilings by kind of input: far above any real one, far below what would exhaust memory. */
export const INPUT_LIMITS = {
  /** A Terraform JSON configuration, a plan, a .tf or .tfvars file. */
  terraform: 512 * MiB,
  /** A blastwall.json config (acknowledgements may be many). */
  config: 4 * MiB,
  /** An approval file. */
  approval: 1 * MiB,
  /** A PEM key. */
  key: 64 * 1024,
} as const;

/** A read refused for what the file is, with an errno-like `code` the callers' messages switch on. */
export interface InputFileProblem extends Error {
  readonly code: "EISDIR" | "ENOTREG" | "EFBIG";
}

function problem(code: InputFileProblem["code"], message: string): InputFileProblem {
  return Object.assign(new Error(message), { code });
}

/**
 * The bytes of a regular file of at most `limit` bytes. Throws Node's own errors (ENOENT, EACCES) for a path that
 * cannot be opened, and an `InputFileProblem` for a directory, anything that is not a regular file, or a file
 * over the limit. Opened without blocking, so a named pipe with no writer is refused rather than waited on.
 */
export function readInputFile(path: string, limit: number): Buffer {
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw problem("EISDIR", "is a directory");
    if (!st.isFile()) throw problem("ENOTREG", "is not a regular file (a device, pipe or socket); give the path of a file");
    if (st.size > limit) throw problem("EFBIG", `is ${st.size} bytes, over the ${sizeText(limit)} blastwall reads for this input`);
    if (st.size > 0) return readFileSync(fd);
    // A size of 0 may be a file the kernel writes as it is read (`/proc`): read it up to a bound, never to its end.
    return readBounded(fd, Math.min(limit, 16 * MiB));
  } finally {
    closeSync(fd);
  }
}

function readBounded(fd: number, limit: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(64 * 1024);
    const n = readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) return Buffer.concat(chunks, total);
    total += n;
    if (total > limit) throw problem("EFBIG", `yields more than the ${sizeText(limit)} blastwall reads from a file that gives no size`);
    chunks.push(chunk.subarray(0, n));
  }
}

/**
 * One line on why a file could not be read, never the raw `EACCES: permission denied, open '...'` of Node (the
 * report names the file already).
 */
export function readProblem(e: unknown): string {
  const refused = inputFileProblem(e);
  if (refused) return refused;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT":
      return "file not found";
    case "ENOTDIR":
      return "file not found (a part of the path is not a directory)";
    case "EISDIR":
      return "is a directory, not a file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ELOOP":
      return "is a symbolic link that loops";
    default:
      return `cannot be read: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`;
  }
}

/** The message of a refusal `readInputFile` made itself, for the callers' one-line errors; undefined for others. */
export function inputFileProblem(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | undefined)?.code;
  return (code === "ENOTREG" || code === "EFBIG") && e instanceof Error ? e.message : undefined;
}

function sizeText(bytes: number): string {
  return bytes >= MiB ? `${Math.round((bytes / MiB) * 10) / 10} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}
