import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { runIn } from "../helpers/cli";
import { safeAgentStack } from "../helpers/tf";
import { fixture } from "../plan/helpers";
import { ed25519 } from "../plan/keys";

const NOW = new Date("2026-10-01T09:00:00.000Z");

const run = (args: string[], cwd: string) => runIn(args, cwd, NOW);

const CONTRACT = ["errors", "warnings", "principals", "agentPrincipals", "resources", "files"];

describe("the JSON summary counts acknowledged findings, as the text summary does", () => {
  const dir = mkdtempSync(join(tmpdir(), "blastwall-summary-"));
  writeFileSync(join(dir, "stack.tf.json"), JSON.stringify(safeAgentStack([{ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }], ["iam:*"])));
  const ack = { ruleId: "agent-destroy-right", principal: "aws_iam_role.agent", reason: "volume janitor, reviewed by platform team", expires: "2027-06-30" };
  writeFileSync(join(dir, "acked.json"), JSON.stringify({ acknowledgements: [ack] }));

  test("check: summary.acknowledged beside the contract's keys, matching the text summary", async () => {
    const json = JSON.parse((await run(["check", "--format", "json", "--config", "acked.json", "stack.tf.json"], dir)).stdout);
    for (const k of CONTRACT) expect(typeof json.summary[k]).toBe("number");
    expect(json.summary.acknowledged).toBe(1);
    const text = (await run(["check", "--config", "acked.json", "stack.tf.json"], dir)).stdout;
    expect(text).toMatch(/, 1 acknowledged in 1 file/);
  });

  test("nothing acknowledged counts 0", async () => {
    const json = JSON.parse((await run(["check", "--format", "json", "stack.tf.json"], dir)).stdout);
    expect(json.summary.acknowledged).toBe(0);
    expect(json.summary.errors).toBeGreaterThan(0);
  });

  test("control: the contract's keys are there, and the text summary names no acknowledged count when there is none", async () => {
    const json = JSON.parse((await run(["check", "--format", "json", "stack.tf.json"], dir)).stdout);
    for (const k of CONTRACT) expect(typeof json.summary[k]).toBe("number");
    expect((await run(["check", "stack.tf.json"], dir)).stdout).not.toMatch(/acknowledged in/);
  });

  test("gate: findings an approval covers are counted acknowledged", async () => {
    const alice = ed25519();
    const g = mkdtempSync(join(tmpdir(), "blastwall-summary-gate-"));
    copyFileSync(fixture("replace.json"), join(g, "plan.json"));
    writeFileSync(join(g, "alice.pem"), alice.privateKeyPem);
    const keys = mkdtempSync(join(tmpdir(), "blastwall-summary-keys-"));
    writeFileSync(join(keys, "alice.pub.pem"), alice.publicKeyPem);
    expect((await run(["approve", "plan.json", "--key", "alice.pem", "--by", "alice", "--out", "approval.json"], g)).code).toBe(0);
    expect(readFileSync(join(g, "approval.json"), "utf8")).toContain("alice");
    const r = await run(["gate", "--format", "json", "--trust", join(keys, "alice.pub.pem"), "--approval", "approval.json", "plan.json"], g);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    for (const k of CONTRACT) expect(typeof json.summary[k]).toBe("number");
    expect(json.summary).toMatchObject({ errors: 0, acknowledged: 3 });
  });
});
