import { readdirSync } from "fs";
import { join } from "path";
import { readText } from "../engine/terraform/read-file";

/** Terraform Stacks files: components (`.tfcomponent.hcl`, `.tfstack.hcl` before 1.13) and deployments. */
const STACKS_FILE = /\.(?:tfcomponent|tfdeploy|tfstack)\.hcl$/;
/** Files that declare components, whose `source` names each component's module. */
const COMPONENTS_FILE = /\.(?:tfcomponent|tfstack)\.hcl$/;

/**
 * For a folder blastwall finds nothing to read in: when it is a Terraform Stacks configuration, what to say instead.
 * blastwall reads no Stacks files (components, their inputs and providers, deployments), so judging the folder is
 * left to the user's next step: each component's module folder (named when its `source` is a local path), or the
 * plan JSON of each deployment. Undefined for a folder with no Stacks file.
 */
export function stacksFolderHint(dir: string): string | undefined {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => STACKS_FILE.test(n)).sort();
  } catch {
    return undefined;
  }
  if (names.length === 0) return undefined;
  const modules = new Set<string>();
  for (const n of names.filter((x) => COMPONENTS_FILE.test(x))) {
    let text: string;
    try {
      text = readText(join(dir, n));
    } catch {
      continue;
    }
    // A local module source (`./iam`, `../modules/net`); registry and remote ones are not folders here.
    for (const m of text.matchAll(/\bsource\s*=\s*"(\.{1,2}\/[^"]*)"/g)) modules.add(join(dir, m[1]));
  }
  const shown = names.length > 3 ? `${names.slice(0, 3).join(", ")} and ${names.length - 3} more` : names.join(", ");
  const each = modules.size > 0 ? ` (${[...modules].join(", ")})` : "";
  return (
    `is a Terraform Stacks configuration (${shown}): blastwall does not read Stacks files (components, deployments), and the folder holds ` +
    `no .tf files, cdk.tf.json or stacks/*/cdk.tf.json it reads. Check each component's module folder instead${each}, or gate the plan JSON ` +
    `of each deployment (blastwall gate PLAN_JSON)`
  );
}
