import { statSync } from "fs";
import { InputError } from "../engine/terraform/types";
import { describeFsError } from "./expand-paths";

/**
 * Values for the root module's variables from `--var-file` files, as `terraform plan -var-file` reads them: HCL
 * attributes, or a JSON object when the name ends in `.json`; later files win. Without them blastwall judges a
 * variable by its default (and, for a directory of .tf files, by the tfvars files Terraform loads by itself), while
 * the deploy may pass other values: give the gate the files the deploy uses.
 */
export async function readVarFiles(files: readonly string[]): Promise<Map<string, unknown>> {
  const values = new Map<string, unknown>();
  if (files.length === 0) return values;
  // The HCL reader (a WebAssembly module) loads only when a var file is given.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { readTfvars } = require("../hcl/config") as typeof import("../hcl/config");
  for (const file of files) {
    assertVarFile(file);
    for (const [name, value] of Object.entries(await readTfvars(file, file, file))) values.set(name, value);
  }
  return values;
}

/**
 * A var file is one regular file. Checked before reading: a folder would get the stack-file advice of the generic
 * reader, and a FIFO would block the read.
 */
function assertVarFile(file: string): void {
  let kind: "file" | "dir" | "other";
  try {
    const s = statSync(file);
    kind = s.isFile() ? "file" : s.isDirectory() ? "dir" : "other";
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(file, code === "ENOENT" ? "file not found" : describeFsError(e));
  }
  const expected = "--var-file expects a .tfvars or .tfvars.json file";
  if (kind === "dir") throw new InputError(file, `is a directory; ${expected}`);
  if (kind === "other") throw new InputError(file, `is not a regular file (a FIFO, socket or device); ${expected}`);
}
