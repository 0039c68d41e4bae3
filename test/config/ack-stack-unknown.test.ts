/**
 * An acknowledgement in blastwall.json for a `stack` no checked stack has covers nothing; it used to say nothing
 * either, so a misspelt or renamed stack looked like an acknowledgement at work (review round 94). The report warns,
 * naming the acknowledgement and the stacks that were checked.
 */
import { mkdirSync, writeFileSync } from "fs";
import { join } from "path";
import { runIn } from "../helpers/cli";
import { tree } from "../helpers/files";
import { cdktfManifest, safeAgentStack } from "../helpers/tf";

const stack = JSON.stringify(safeAgentStack([{ Effect: "Allow", Action: "dynamodb:DeleteTable", Resource: "*" }]));

function project(ackStack: string): string {
  const root = tree({
    "cdktf.out/manifest.json": cdktfManifest(["prod", "staging"]),
    "cdktf.out/stacks/prod/cdk.tf.json": stack,
    "cdktf.out/stacks/staging/cdk.tf.json": stack,
  });
  const ack = { ruleId: "agent-destroy-right", principal: "aws_iam_role.agent", stack: ackStack, reason: "staging janitor drops test tables; reviewed by platform" };
  writeFileSync(join(root, "blastwall.json"), JSON.stringify({ acknowledgements: [ack] }));
  return root;
}

const WARNING = /warning: the acknowledgement of agent-destroy-right for aws_iam_role\.agent in blastwall\.json is for stack "stagign", which no stack checked is \(stacks checked: "prod", "staging"\), so it covers nothing here/;

describe("an acknowledgement for a stack no checked stack has", () => {
  test("is named in the text report with the stacks checked", async () => {
    const r = await runIn(["check", "cdktf.out"], project("stagign"));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`NOTE ${WARNING.source}`));
  });

  test("and in the JSON and SARIF reports", async () => {
    const root = project("stagign");
    const json = JSON.parse((await runIn(["check", "--format", "json", "cdktf.out"], root)).stdout);
    expect(json.notes).toHaveLength(1);
    expect(json.notes[0]).toMatch(WARNING);
    const sarif = JSON.parse((await runIn(["check", "--format", "sarif", "cdktf.out"], root)).stdout);
    const notes = sarif.runs[0].invocations[0].toolConfigurationNotifications;
    expect(notes).toHaveLength(1);
    expect(notes[0].level).toBe("warning");
    expect(notes[0].message.text).toMatch(WARNING);
  });

  test("control: an acknowledgement for a stack that was checked gives no warning", async () => {
    const r = await runIn(["check", "--format", "json", "cdktf.out"], project("staging"));
    expect(JSON.parse(r.stdout).notes).toBeUndefined();
    expect(r.stdout).not.toMatch(/no stack checked/);
  });

  // Red-team round 141, F6: the name came from the path as written, so `check cdk.tf.json` run inside the stack's
  // folder named no stack and the acknowledgement for it covered nothing, with a note telling the user to do what
  // they had done.
  test("a cdk.tf.json named from inside its cdktf.out/stacks/NAME folder is stack NAME", async () => {
    const root = project("staging");
    // The process's own working directory is the folder, as in a shell there: paths reach the reader as written.
    const dir = join(root, "cdktf.out", "stacks", "staging");
    const before = process.cwd();
    process.chdir(dir);
    let r: Awaited<ReturnType<typeof runIn>>;
    try {
      r = await runIn(["check", "--config", "../../../blastwall.json", "--format", "json", "cdk.tf.json"], dir);
    } finally {
      process.chdir(before);
    }
    const out = JSON.parse(r.stdout);
    expect(out.notes).toBeUndefined();
    expect(out.findings.filter((f: { ruleId: string }) => f.ruleId === "agent-destroy-right").map((f: { acknowledged?: unknown }) => f.acknowledged !== undefined)).toEqual([true]);
    expect(r.code).toBe(0);
  });

  test("control: the same file from inside another stack's folder is not acknowledged for staging", async () => {
    const root = project("staging");
    const r = await runIn(["check", "--config", "../../../blastwall.json", "--format", "json", "cdk.tf.json"], join(root, "cdktf.out", "stacks", "prod"));
    expect(JSON.parse(r.stdout).notes[0]).toMatch(/is for stack "staging", which no stack checked is \(stacks checked: "prod"\)/);
    expect(r.code).toBe(1);
  });

  test("a file checked alone has no stack name, and the warning says so", async () => {
    const root = project("staging");
    mkdirSync(join(root, "single"));
    writeFileSync(join(root, "single", "agent.tf.json"), stack);
    const r = await runIn(["check", "--format", "json", "single/agent.tf.json"], root);
    expect(JSON.parse(r.stdout).notes[0]).toMatch(/is for stack "staging", which no stack checked is \(stacks checked: 1 without a name \(\S*agent\.tf\.json: a stack is named by its folder/);
  });
});
