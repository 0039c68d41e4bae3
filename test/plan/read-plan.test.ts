import { readFileSync } from "fs";
import { InputError } from "../../lib/engine/terraform/types";
import { decodePlanBytes, formatSupported, readPlan, sha256Hex } from "../../lib/plan/read-plan";
import { fixture, minimalPlan, tempDir, writeTemp, change } from "./helpers";

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error("expected an InputError");
}

describe("readPlan: encodings", () => {
  const utf8 = JSON.stringify(minimalPlan([change("aws_sqs_queue.q", ["create"], null, { name: "q" })]));

  test("UTF-8 without BOM", () => {
    const p = readPlan(writeTemp(tempDir(), "p.json", utf8));
    expect(p.encoding).toBe("utf-8");
    expect(p.plan.resource_changes).toHaveLength(1);
  });

  test("UTF-8 with BOM", () => {
    const p = readPlan(writeTemp(tempDir(), "p.json", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(utf8)])));
    expect(p.encoding).toBe("utf-8");
    expect(p.plan.format_version).toBe("1.2");
  });

  test("UTF-16 LE with BOM (the committed fixture, as PowerShell redirection writes it)", () => {
    const p = readPlan(fixture("utf16le-bom.json"));
    expect(p.encoding).toBe("utf-16le");
    expect(p.plan.format_version).toBe("0.2");
    expect(p.plan.resource_changes[0].change.actions).toEqual(["delete", "create"]);
    expect(p.sha256).toBe(sha256Hex(readFileSync(fixture("utf16le-bom.json"))));
  });

  test("UTF-16 BE with BOM", () => {
    const le = Buffer.from(utf8, "utf16le");
    const be = Buffer.alloc(le.length);
    for (let i = 0; i < le.length; i += 2) {
      be[i] = le[i + 1];
      be[i + 1] = le[i];
    }
    const p = readPlan(writeTemp(tempDir(), "p.json", Buffer.concat([Buffer.from([0xfe, 0xff]), be])));
    expect(p.encoding).toBe("utf-16be");
    expect(p.plan.resource_changes[0].address).toBe("aws_sqs_queue.q");
  });

  test("UTF-16 LE without BOM is recognised from the ASCII first character", () => {
    const p = readPlan(writeTemp(tempDir(), "p.json", Buffer.from(utf8, "utf16le")));
    expect(p.encoding).toBe("utf-16le");
  });

  test("invalid UTF-8 is refused", () => {
    const e = inputError(() => decodePlanBytes(Buffer.from([0x7b, 0xff, 0xfe, 0xfd, 0x7d, 0x20]), "bad.json"));
    expect(e.message).toMatch(/^bad\.json: not valid UTF-8/);
  });

  test("the hash is over the bytes as stored", () => {
    const file = writeTemp(tempDir(), "p.json", utf8);
    expect(readPlan(file).sha256).toBe(sha256Hex(Buffer.from(utf8)));
  });
});

describe("readPlan: refusals name the file and the problem on one line", () => {
  const dir = tempDir();
  const cases: [string, () => string, RegExp][] = [
    ["missing file", () => `${dir}/nope.json`, /nope\.json: file not found$/],
    ["a directory", () => dir, /: is a directory/],
    ["empty file", () => writeTemp(dir, "empty.json", "  \n"), /empty\.json: empty file/],
    ["malformed JSON", () => writeTemp(dir, "bad.json", '{"format_version": "1.2", "resource_changes": ['), /bad\.json: is not valid JSON: .* at line 1, column \d+$/],
    ["not an object", () => writeTemp(dir, "arr.json", "[1,2]"), /arr\.json: not a Terraform plan \(the JSON is not an object\)/],
    ["no format_version", () => writeTemp(dir, "cfg.json", JSON.stringify({ resource: { aws_s3_bucket: { b: {} } } })), /cfg\.json: not a Terraform plan \(this looks like a Terraform configuration/],
    ["state, not a plan", () => writeTemp(dir, "state.json", JSON.stringify({ format_version: "1.0", values: { root_module: {} } })), /not a Terraform plan \(this looks like Terraform state/],
    ["format_version not a string", () => writeTemp(dir, "num.json", JSON.stringify({ format_version: 1.2, resource_changes: [] })), /format_version 1\.2 is not "MAJOR\.MINOR"/],
    ["format 2.0", () => fixture("format-2.0.json"), /format-2\.0\.json: unsupported plan format_version "2\.0" \(blastwall reads 0\.1 to 1\.2\)/],
    ["format 0.0", () => writeTemp(dir, "f00.json", JSON.stringify(minimalPlan([], { format_version: "0.0" }))), /unsupported plan format_version "0\.0"/],
    ["errored", () => fixture("errored.json"), /errored\.json: plan is errored/],
    ["incomplete", () => fixture("incomplete.json"), /incomplete\.json: plan is incomplete \(complete: false/],
    ["deferred changes without complete", () => writeTemp(dir, "def.json", JSON.stringify(minimalPlan([], { complete: undefined, deferred_changes: [{ reason: "x" }] }))), /plan is incomplete \(1 deferred change/],
    ["resource_changes not a list", () => writeTemp(dir, "rcobj.json", JSON.stringify(minimalPlan([], { resource_changes: {} }))), /resource_changes is not an array/],
    ["an entry without actions", () => writeTemp(dir, "noact.json", JSON.stringify(minimalPlan([{ address: "aws_s3_bucket.b", type: "aws_s3_bucket", change: {} }]))), /resource_changes\[0\] \(aws_s3_bucket\.b\) has no change\.actions/],
    ["an unknown action", () => writeTemp(dir, "act.json", JSON.stringify(minimalPlan([change("aws_s3_bucket.b", ["obliterate"], {}, null)]))), /unknown action "obliterate"/],
    [
      "after_unknown that is no mark",
      () => {
        const c = change("aws_db_instance.x", ["update"], { deletion_protection: true }, {}) as { change: Record<string, unknown> };
        c.change.after_unknown = "deletion_protection";
        return writeTemp(dir, "unk.json", JSON.stringify(minimalPlan([c])));
      },
      /resource_changes\[0\] \(aws_db_instance\.x\) has change\.after_unknown that is neither true, false nor an object or list of such marks/,
    ],
  ];
  test.each(cases)("%s", (_name, make, expected) => {
    const e = inputError(() => readPlan(make()));
    expect(e.message).toMatch(expected);
    expect(e.message).not.toContain("\n");
  });
});

describe("readPlan: what it accepts", () => {
  test("format 0.1 without action_reason, complete, errored or timestamp", () => {
    const p = readPlan(fixture("format-0.1.json"));
    expect(p.plan.format_version).toBe("0.1");
    expect(p.plan.resource_changes.map((rc) => rc.action_reason)).toEqual([undefined, undefined]);
  });

  test("format 1.2 with forget actions", () => {
    const p = readPlan(fixture("format-1.2-forget.json"));
    expect(p.plan.resource_changes.map((rc) => rc.change.actions)).toEqual([["forget"], ["create", "forget"], ["forget"]]);
  });

  test("a plan with only planned_values (no resource_changes key) has no changes", () => {
    const doc = { format_version: "0.1", terraform_version: "0.12.31", planned_values: { root_module: {} } };
    expect(readPlan(writeTemp(tempDir(), "p.json", JSON.stringify(doc))).plan.resource_changes).toEqual([]);
  });

  test("resource_drift is kept aside, not merged into resource_changes", () => {
    const p = readPlan(fixture("drift-only.json"));
    expect(p.plan.resource_changes.map((rc) => rc.change.actions[0])).toEqual(["no-op", "create"]);
    expect(p.plan.resource_drift).toHaveLength(2);
  });

  test("a moved entry keeps previous_address", () => {
    const p = readPlan(fixture("moved.json"));
    expect(p.plan.resource_changes[0]).toMatchObject({ address: "aws_db_instance.primary", previous_address: "aws_db_instance.orders" });
  });

  test.each([
    ["0.1", true],
    ["0.2", true],
    ["1.0", true],
    ["1.1", true],
    ["1.2", true],
    ["1.3", false],
    ["2.0", false],
    ["0.0", false],
    ["1", false],
  ])("format_version %s supported: %s", (v, ok) => {
    expect(formatSupported(v)).toBe(ok);
  });
});

describe("plan JSON that Terraform does not write", () => {
  const { parsePlanText } = require("../../lib/plan/read-plan") as typeof import("../../lib/plan/read-plan");
  test("a key given twice is refused with its line, not read as the last one", () => {
    const text = '{"format_version":"1.2","resource_changes":[],"resource_changes":[{"address":"aws_db_instance.x"}],"planned_values":{}}';
    expect(() => parsePlanText(text, "plan.json")).toThrow(/line 1, column \d+: key "resource_changes" appears twice in the same object \(first at line 1\); JSON keeps only the last/);
    // Why it matters is said of a plan, not of a Terraform configuration.
    expect(() => parsePlanText(text, "plan.json")).not.toThrow(/Terraform reads every one/);
  });

  test("nesting hundreds deep is refused with its line", () => {
    const text = `{"format_version":"1.2","resource_changes":[],"planned_values":{"x":${"[".repeat(400)}${"]".repeat(400)}}}`;
    expect(() => parsePlanText(text, "plan.json")).toThrow(/line 1, column \d+: .*nest/i);
  });
});
