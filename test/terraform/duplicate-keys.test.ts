import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { runCli } from "../../lib/cli/main";
import { MAX_JSON_DEPTH, findJsonKeyProblem } from "../../lib/engine/terraform/json-keys";
import { readTerraformJson } from "../../lib/engine/terraform/read-file";
import { InputError } from "../../lib/engine/terraform/types";
import { loadHcl } from "../../lib/hcl/load-hcl";
import { agentRole, policy } from "../helpers/tf";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "blastwall-dupkeys-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

/** The InputError reading `text` as a Terraform JSON file throws: one line, naming the file. */
function rejection(name: string, text: string): InputError {
  const file = write(name, text);
  try {
    readTerraformJson(file);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    const err = e as InputError;
    expect(err.file).toBe(file);
    expect(err.problem).not.toMatch(/\n/);
    return err;
  }
  throw new Error(`expected ${name} to be rejected`);
}

const j = (v: unknown) => JSON.stringify(v);
const AGENT_ROLE = j(agentRole());
const DESTROY = j(policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }));
const HARMLESS = j(policy({ Effect: "Allow", Action: "ec2:DescribeVolumes", Resource: "*" }));

// Terraform reads both "resource" keys: the agent role and its destroy grant come from the first one, which
// JSON.parse drops, so blastwall would judge only the harmless second half.
const TWO_RESOURCE_KEYS = [
  "{",
  `  "resource": {"aws_iam_role": {"agent": ${AGENT_ROLE}}, "aws_iam_role_policy": {"ops": {"role": "\${aws_iam_role.agent.name}", "policy": ${j(DESTROY)}}}},`,
  `  "resource": {"aws_iam_policy": {"read": {"policy": ${j(HARMLESS)}}}}`,
  "}",
].join("\n");

describe("duplicate keys in Terraform JSON", () => {
  test("a second top-level \"resource\" key is rejected with its line and column", () => {
    expect(rejection("two-resource.tf.json", TWO_RESOURCE_KEYS).problem).toBe(
      'line 3, column 3: key "resource" appears twice in the same object (first at line 2); Terraform reads every one (or refuses a repeated argument), blastwall would see only the last. Merge them into one.',
    );
  });

  test("a block key repeated inside a resource body is rejected", () => {
    const text = [
      "{",
      '  "resource": {',
      '    "aws_iam_role": {',
      '      "agent": {',
      '        "name": "agent",',
      `        "inline_policy": {"name": "a", "policy": ${j(DESTROY)}},`,
      `        "inline_policy": {"name": "b", "policy": ${j(HARMLESS)}}`,
      "      }",
      "    }",
      "  }",
      "}",
    ].join("\n");
    expect(rejection("inline.tf.json", text).problem).toMatch(/^line 7, column 9: key "inline_policy" appears twice in the same object \(first at line 6\)/);
  });

  test("keys are compared after decoding escapes", () => {
    const text = '{\n  "resource": {"aws_s3_bucket": {"a": {}}},\n  "\\u0072esource": {"aws_s3_bucket": {"b": {}}}\n}';
    expect(rejection("escaped.tf.json", text).problem).toMatch(/^line 3, column 3: key "resource" appears twice/);
    // An escaped quote or backslash in a key is part of the key, not its end.
    expect(findJsonKeyProblem('{"a\\"b": 1, "a\\\\": 2, "a": 3}')).toBeUndefined();
    expect(findJsonKeyProblem('{"a\\"b": 1, "a\\u0022b": 2}')?.problem).toMatch(/key "a\\"b" appears twice/);
  });

  test("objects with many keys are checked too, and the first duplicate wins", () => {
    const names = Array.from({ length: 50 }, (_, k) => `"r${k}": {}`);
    const text = `{"resource": {"aws_s3_bucket": {${names.join(", ")}, "r7": {}, "r3": {}}}}`;
    expect(rejection("many.tf.json", text).problem).toMatch(/^line 1, column \d+: key "r7" appears twice/);
    expect(findJsonKeyProblem(`{${names.join(",")}}`)).toBeUndefined();
  });

  test("the same key in sibling or nested objects, and repeated strings in an array, are fine", () => {
    const text = j({
      resource: {
        aws_iam_role: { a: { name: "x", tags: { name: "x" } }, b: { name: "y", inline_policy: [{ name: "p" }, { name: "q" }] } },
        aws_s3_bucket: { a: { bucket: "x", list: ["x", "x", "x", { x: 1 }, { x: 2 }] } },
      },
    });
    expect(readTerraformJson(write("siblings.tf.json", text))).toEqual(JSON.parse(text));
  });

  test("keys inside string values are not keys", () => {
    // A policy document written as a JSON string, itself holding a duplicate "Action": Terraform passes it on as text.
    const doc = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Action": "s3:List*", "Resource": "*"}]}';
    // A value equal to its own key, or to a sibling key, is no duplicate either.
    const text = j({ resource: { aws_iam_policy: { p: { name: "policy", policy: doc, description: '"resource": "resource"', tags: { Name: "Name" } } } } });
    expect(readTerraformJson(write("in-string.tf.json", text))).toEqual(JSON.parse(text));
  });

  test("nesting deeper than the limit is rejected with a line number", () => {
    const deep = `{\n  "resource": {"aws_s3_bucket": {"b": {\n    "tags": ${"[".repeat(20000)}${"]".repeat(20000)}\n  }}}\n}`;
    const problem = rejection("deep.tf.json", deep).problem;
    expect(problem).toMatch(new RegExp(`^line 3, column \\d+: JSON is nested more than ${MAX_JSON_DEPTH} levels deep`));
    // The limit itself is allowed.
    expect(findJsonKeyProblem("[".repeat(MAX_JSON_DEPTH) + "]".repeat(MAX_JSON_DEPTH))).toBeUndefined();
    expect(findJsonKeyProblem("[".repeat(MAX_JSON_DEPTH + 1) + "]".repeat(MAX_JSON_DEPTH + 1))?.offset).toBe(MAX_JSON_DEPTH);
  });

  test(".tf.json files in a Terraform directory get the same check", async () => {
    const tfDir = join(dir, "hcl");
    mkdirSync(tfDir);
    writeFileSync(join(tfDir, "main.tf.json"), TWO_RESOURCE_KEYS);
    await expect(loadHcl(tfDir)).rejects.toMatchObject({ name: "InputError", problem: expect.stringMatching(/^line 3, column 3: key "resource" appears twice/) });
  });
});

describe("blastwall check on duplicate keys", () => {
  async function run(args: string[]) {
    let stdout = "";
    let stderr = "";
    const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: process.cwd(), env: {}, now: () => new Date("2026-11-25T12:00:00Z") });
    return { code, stdout, stderr };
  }

  test.each([
    ["a duplicate key", "dup-cli.tf.json", TWO_RESOURCE_KEYS, /^line 3, column 3: key "resource" appears twice/],
    // Without the limit, this one ends in "internal error: Maximum call stack size exceeded" with no file name.
    // The local's value starts at column 18, depth 2; the bracket that goes one level too deep is column 18 + 255 - 1.
    ["deep nesting", "deep-cli.tf.json", `{"locals": {"x": ${"[".repeat(20000)}1${"]".repeat(20000)}}, "resource": {"aws_s3_bucket": {"b": {"bucket": "\${local.x}"}}}}`, /^line 1, column 272: JSON is nested more than 256 levels deep/],
  ])("exit code 2 with one line naming the file for %s", async (_what, name, text, message) => {
    const file = write(name, text);
    const r = await run(["check", file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    const prefix = `blastwall: ${file}: `;
    expect(lines[0].startsWith(prefix)).toBe(true);
    expect(lines[0].slice(prefix.length)).toMatch(message);
  });
});
