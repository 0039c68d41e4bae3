/**
 * blastwall.json saved by PowerShell's `>` is UTF-16 with a byte order mark: read as Terraform JSON, plans,
 * approvals and var files are (review round 94), not refused with `unexpected "�"`.
 */
import { writeFileSync } from "fs";
import { join } from "path";
import { loadConfig } from "../../lib/config/load-config";
import { runIn } from "../helpers/cli";
import { AGENT_STACK, tree } from "../helpers/files";

const CONFIG = { strict: true, severity: { "agent-role-boundary": "warning" } };
const text = JSON.stringify(CONFIG, null, 2);
const utf16le = (s: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, "utf16le")]);
const utf16be = (s: string) => {
  const le = Buffer.from(s, "utf16le");
  const be = Buffer.alloc(le.length);
  for (let i = 0; i < le.length; i += 2) [be[i], be[i + 1]] = [le[i + 1], le[i]];
  return Buffer.concat([Buffer.from([0xfe, 0xff]), be]);
};

describe("blastwall.json in the encodings every other input is read in", () => {
  test.each([
    ["UTF-8", Buffer.from(text)],
    ["UTF-8 with a BOM", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])],
    ["UTF-16 LE with a BOM (PowerShell >)", utf16le(text)],
    ["UTF-16 BE with a BOM", utf16be(text)],
  ])("%s", (_name, bytes) => {
    const dir = tree({});
    writeFileSync(join(dir, "blastwall.json"), bytes);
    expect(loadConfig(undefined, dir)).toEqual(CONFIG);
  });

  test("the CLI uses a UTF-16 blastwall.json, and names a mistake in it readably", async () => {
    const dir = tree({ "agent.tf.json": AGENT_STACK });
    writeFileSync(join(dir, "blastwall.json"), utf16le(JSON.stringify({ strict: "yes" })));
    const r = await runIn(["check", "agent.tf.json"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^blastwall: blastwall\.json: strict: must be a boolean, not string "yes"\n$/);
    expect(r.stderr).not.toContain("\ufffd");
  });
});
