/**
 * Red-team round 68 (report B, finding 9): an approval with a repeated key was refused with the Terraform reader's
 * words ("Terraform reads every one (or refuses a repeated argument)"), which say nothing true of an approval. It has
 * its own: a key written twice in one object; an approval is read as written, so blastwall refuses it.
 */
import { copyFileSync, writeFileSync } from "fs";
import { join } from "path";
import { runIn } from "../helpers/cli";
import { createApproval } from "../../lib/plan/approval";
import { fixture, tempDir } from "./helpers";
import { ed25519 } from "./keys";

const NOW = new Date("2026-10-01T09:00:00.000Z");
const alice = ed25519();

const run = (args: string[], cwd: string) => runIn(args, cwd, NOW);

describe("RT68-B9: the repeated-key refusal of an approval speaks of approvals", () => {
  const dir = tempDir();
  copyFileSync(fixture("replace.json"), join(dir, "plan.json"));
  writeFileSync(join(dir, "alice.pub.pem"), alice.publicKeyPem);
  const good = createApproval(join(dir, "plan.json"), { privateKeyPem: alice.privateKeyPem, by: "alice", expiresIn: "1h", now: NOW });
  writeFileSync(join(dir, "alice.json"), JSON.stringify(good));
  writeFileSync(join(dir, "twice.json"), JSON.stringify(good).replace("{", '{"by":"mallory",'));
  writeFileSync(join(dir, "escaped.json"), JSON.stringify(good).replace("{", '{"b\\u0079":"mallory",'));
  const TRUST = ["--trust", "alice=alice.pub.pem"];

  test.each([["twice.json"], ["escaped.json"]])("%s: refused in the report, in an approval's words", async (file) => {
    const r = await run(["gate", "--format", "json", ...TRUST, "--approval", file, "plan.json"], dir);
    expect(r.code).toBe(1);
    const [a] = JSON.parse(r.stdout).approvals as { accepted: boolean; reason: string }[];
    expect(a.accepted).toBe(false);
    expect(a.reason).toMatch(/key "by" appears twice in the same object/);
    expect(a.reason).toMatch(/a key written twice in one object; an approval is read as written, so blastwall refuses it/);
    expect(a.reason).not.toMatch(/Terraform|repeated argument|Merge them/);
  });

  test("control: the valid approval beside it is accepted", async () => {
    const r = await run(["gate", ...TRUST, "--approval", "alice.json", "--approval", "twice.json", "plan.json"], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/APPROVAL refused: twice\.json — .*an approval is read as written/);
  });
});
