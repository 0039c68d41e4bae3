/**
 * A stack-scoped acknowledgement (`"stack": "staging"`) holds in the stack of that name, and the name comes from where
 * the file sits (cdktf.out/stacks/NAME), never from the file's own `//.metadata.stackName`: a red-team passed a prod
 * stack by writing "staging" into its metadata.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { runIn } from "../helpers/cli";
import { safeAgentStack } from "../helpers/tf";

const run = runIn;

const root = mkdtempSync(join(tmpdir(), "blastwall-ackname-"));
const stack = { ...safeAgentStack([{ Effect: "Allow", Action: "dynamodb:DeleteTable", Resource: "*" }]), "//": { metadata: { stackName: "staging", version: "0.21.0" } } };
for (const name of ["prod", "staging"]) {
  mkdirSync(join(root, "cdktf.out", "stacks", name), { recursive: true });
  writeFileSync(join(root, "cdktf.out", "stacks", name, "cdk.tf.json"), JSON.stringify(stack));
}
writeFileSync(
  join(root, "blastwall.json"),
  JSON.stringify({ acknowledgements: [{ ruleId: "agent-destroy-right", principal: "aws_iam_role.agent", stack: "staging", reason: "staging janitor drops test tables; reviewed by platform" }] }),
);

const destroy = (stdout: string) => (JSON.parse(stdout).findings as { ruleId: string; acknowledged?: unknown }[]).filter((f) => f.ruleId === "agent-destroy-right");

describe("stack names for acknowledgements", () => {
  test("a prod stack file claiming to be staging in its metadata gets no staging acknowledgement", async () => {
    const r = await run(["check", "--format", "json", "--config", "blastwall.json", "cdktf.out/stacks/prod/cdk.tf.json"], root);
    expect(r.code).toBe(1);
    expect(destroy(r.stdout).every((f) => f.acknowledged === undefined)).toBe(true);
  });

  test("the staging stack file, named by its folder, gets it", async () => {
    const r = await run(["check", "--format", "json", "--config", "blastwall.json", "cdktf.out/stacks/staging/cdk.tf.json"], root);
    const [f] = destroy(r.stdout);
    expect(f.acknowledged).toBeDefined();
  });

  test("a file outside the cdktf layout has no stack name: only unscoped acknowledgements hold", async () => {
    writeFileSync(join(root, "loose.tf.json"), JSON.stringify(stack));
    const r = await run(["check", "--format", "json", "--config", "blastwall.json", "loose.tf.json"], root);
    expect(r.code).toBe(1);
    expect(destroy(r.stdout)[0].acknowledged).toBeUndefined();
  });
});
