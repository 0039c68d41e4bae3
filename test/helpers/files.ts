/** Folder trees for the tests that read layouts from disk (cdktf.out folders, HCL modules, stray files). */
import { mkdirSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { dirname, join } from "path";
import { policy, tf, TRUST } from "./tf";

/** A new temporary folder holding `files` (relative path to text), made with their parent folders. */
export function tree(files: Record<string, string>, prefix = "blastwall-tree-"): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

/** A stack whose agent can delete volumes: found at fault wherever it is read. */
export const AGENT_STACK = JSON.stringify(
  tf({
    "aws_iam_role.worker": { name: "worker", assume_role_policy: TRUST, tags: { "blastwall:agent": "true" } },
    "aws_iam_role_policy.wipe": { role: "${aws_iam_role.worker.name}", policy: policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }) },
  }),
);
/** A stack with nothing to find. */
export const SAFE_STACK = JSON.stringify(tf({ "aws_sns_topic.t": { name: "t" } }));
/** A Terraform file with no resources, such as a stray one beside stack folders. */
export const STRAY_FILE = JSON.stringify({ terraform: {} });
