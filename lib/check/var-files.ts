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
    for (const [name, value] of Object.entries(await readTfvars(file, file, file))) values.set(name, value);
  }
  return values;
}
