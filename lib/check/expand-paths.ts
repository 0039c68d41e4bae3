import { existsSync, readdirSync, statSync } from "fs";
import { basename, join } from "path";
import { InputError } from "../engine/terraform/types";

export interface StackInput {
  /** `json`: a cdk.tf.json / *.tf.json file; `hcl`: a directory of .tf files. */
  readonly kind: "json" | "hcl";
  readonly path: string;
  /** Stack name when the layout tells it (cdktf.out/stacks/NAME/cdk.tf.json). */
  readonly name?: string;
}

function isDir(p: string): boolean {
  return statSync(p).isDirectory();
}

/**
 * Turns the PATH arguments of `blastwall check` into the configurations to read: a file as given, a `cdktf.out`
 * directory as every `stacks/<name>/cdk.tf.json` in it, a stack folder as its `cdk.tf.json`, a folder of `.tf`
 * files as one HCL configuration. Anything else is bad input, never "nothing to check".
 */
export function expandPaths(paths: readonly string[]): StackInput[] {
  const out: StackInput[] = [];
  for (const p of paths) {
    if (!existsSync(p)) throw new InputError(p, "no such file or directory");
    if (!isDir(p)) {
      if (!p.endsWith(".json")) {
        throw new InputError(p, "expected a cdk.tf.json or *.tf.json file, a cdktf.out directory, or a directory of .tf files");
      }
      out.push({ kind: "json", path: p });
      continue;
    }
    // A folder with Terraform files of its own is one configuration: Terraform reads every .tf and .tf.json file in
    // it, a cdk.tf.json among them, and a stacks/ folder beside them is just a folder (its modules are read from it).
    const own = readdirSync(p).filter((e) => (e.endsWith(".tf") || e.endsWith(".tf.json")) && !e.startsWith("."));
    if (own.some((e) => e !== "cdk.tf.json")) {
      out.push({ kind: "hcl", path: p });
      continue;
    }
    const stacksDir = join(p, "stacks");
    if (existsSync(stacksDir) && isDir(stacksDir) && own.length === 0) {
      const names = readdirSync(stacksDir)
        .sort()
        .filter((name) => isDir(join(stacksDir, name)));
      if (names.length === 0) throw new InputError(p, "has a stacks/ folder but no stack in it; run cdktf synth first");
      // Every stack is checked or the input is refused: skipping one silently would pass what was never read.
      for (const name of names) {
        const dir = join(stacksDir, name);
        if (existsSync(join(dir, "cdk.tf.json"))) out.push({ kind: "json", path: join(dir, "cdk.tf.json"), name });
        else if (readdirSync(dir).some((e) => e.endsWith(".tf"))) out.push({ kind: "hcl", path: dir, name }); // `cdktf synth --hcl`
        else throw new InputError(dir, "holds neither cdk.tf.json nor .tf files; synthesize again or remove the folder");
      }
      continue;
    }
    if (existsSync(join(p, "cdk.tf.json"))) {
      out.push({ kind: "json", path: join(p, "cdk.tf.json"), name: basename(p) });
      continue;
    }
    const entries = readdirSync(p);
    if (entries.some((e) => e.endsWith(".tf") || e.endsWith(".tf.json"))) {
      out.push({ kind: "hcl", path: p });
      continue;
    }
    throw new InputError(p, "directory holds no cdk.tf.json, no stacks/*/cdk.tf.json and no .tf files");
  }
  return out;
}
