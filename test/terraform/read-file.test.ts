import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { decodeText, lineColumn, locateJsonError, readTerraformJson } from "../../lib/engine/terraform/read-file";
import { InputError } from "../../lib/engine/terraform/types";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "blastwall-read-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = { resource: { aws_iam_role: { agent: { name: "agent-é", assume_role_policy: "{}" } } } };
const text = JSON.stringify(config, null, 2);

function write(name: string, bytes: Buffer | string): string {
  const f = join(dir, name);
  writeFileSync(f, bytes);
  return f;
}

function utf16be(s: string): Buffer {
  const le = Buffer.from(s, "utf16le");
  const be = Buffer.alloc(le.length);
  for (let i = 0; i < le.length; i += 2) {
    be[i] = le[i + 1];
    be[i + 1] = le[i];
  }
  return be;
}

/** The InputError a read throws, asserting it is one line and names the file. */
function failure(file: string): InputError {
  try {
    readTerraformJson(file);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    const err = e as InputError;
    expect(err.file).toBe(file);
    expect(err.problem).not.toMatch(/\n/);
    expect(err.message).toBe(`${file}: ${err.problem}`);
    return err;
  }
  throw new Error(`expected ${file} to be rejected`);
}

describe("readTerraformJson: encodings", () => {
  test("UTF-8 without a byte order mark", () => {
    expect(readTerraformJson(write("plain.json", text))).toEqual(config);
  });
  test("UTF-8 with a byte order mark", () => {
    expect(readTerraformJson(write("bom8.json", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")])))).toEqual(config);
  });
  test("UTF-16 LE with a byte order mark (PowerShell redirect)", () => {
    expect(readTerraformJson(write("le.json", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")])))).toEqual(config);
  });
  test("UTF-16 BE with a byte order mark", () => {
    expect(readTerraformJson(write("be.json", Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)])))).toEqual(config);
  });
  test("UTF-16 LE without a byte order mark is recognised by its zero bytes", () => {
    expect(decodeText("x", Buffer.from(text, "utf16le"))).toBe(text);
    expect(decodeText("x", utf16be(text))).toBe(text);
  });
  test("UTF-16 with an odd byte count is an InputError", () => {
    const f = write("odd.json", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le"), Buffer.from([0x20])]));
    expect(failure(f).problem).toMatch(/UTF-16/);
  });
});

describe("readTerraformJson: bad input", () => {
  test("missing file", () => {
    expect(failure(join(dir, "nope.json")).problem).toBe("file not found");
  });
  test("a directory", () => {
    const d = join(dir, "stacks");
    mkdirSync(d);
    expect(failure(d).problem).toMatch(/^is a directory; expected a Terraform JSON file/);
  });
  test("empty file, and one holding only whitespace or a byte order mark", () => {
    expect(failure(write("empty.json", "")).problem).toMatch(/^file is empty/);
    expect(failure(write("blank.json", "  \n\t\r\n")).problem).toMatch(/^file is empty/);
    expect(failure(write("bomonly.json", Buffer.from([0xef, 0xbb, 0xbf]))).problem).toMatch(/^file is empty/);
  });
  test("malformed JSON gives line and column", () => {
    const f = write("bad.json", '{\n  "resource": {\n    "aws_iam_role": {},\n  }\n}\n');
    expect(failure(f).problem).toBe('is not valid JSON: trailing comma before "}" at line 4, column 3');
  });
  test("malformed JSON: missing comma, unclosed object, single quotes, raw newline in a string", () => {
    expect(failure(write("b1.json", '{"a": 1 "b": 2}')).problem).toBe('is not valid JSON: unexpected "\\"", expected "," or "}" at line 1, column 9');
    expect(failure(write("b2.json", '{"resource": {')).problem).toBe("is not valid JSON: unexpected end of file, expected a double-quoted property name at line 1, column 15");
    expect(failure(write("b3.json", "{'resource': {}}")).problem).toMatch(/expected a double-quoted property name at line 1, column 2$/);
    expect(failure(write("b4.json", '{"a": "x\ny"}')).problem).toMatch(/control character .* at line 1, column 9$/);
  });
  test("an HCL file passed by mistake", () => {
    const f = write("main.tf", '# comment\nresource "aws_iam_role" "agent" {\n  name = "agent"\n}\n');
    expect(failure(f).problem).toBe("is not JSON but HCL (Terraform's .tf syntax); pass the directory holding the .tf files instead");
    expect(failure(write("tf.tf", "terraform {\n}\n")).problem).toMatch(/HCL/);
  });
  test("not an object", () => {
    expect(failure(write("arr.json", "[1, 2]")).problem).toBe("is not a Terraform configuration: the top level is an array, expected an object");
    expect(failure(write("num.json", "42")).problem).toBe("is not a Terraform configuration: the top level is a number, expected an object");
    expect(failure(write("null.json", "null")).problem).toBe("is not a Terraform configuration: the top level is null, expected an object");
  });
  test("an object without Terraform blocks, with a hint for look-alikes", () => {
    expect(failure(write("obj.json", '{"foo": 1, "bar": 2}')).problem).toMatch(/^is not a Terraform configuration: none of resource, data, terraform, provider, variable, locals, output, module at the top level \(found "foo", "bar"\)$/);
    expect(failure(write("plan.json", '{"format_version": "1.2", "planned_values": {}}')).problem).toMatch(/looks like a plan/);
    expect(failure(write("manifest.json", '{"version": "0.21.0", "stacks": {}}')).problem).toMatch(/manifest\.json/);
    expect(failure(write("policy.json", '{"Version": "2012-10-17", "Statement": []}')).problem).toMatch(/IAM policy document/);
    expect(failure(write("emptyobj.json", "{}")).problem).toMatch(/empty object/);
  });
  test("any one Terraform block is enough", () => {
    for (const k of ["resource", "data", "terraform", "provider", "variable", "locals", "output", "module"]) {
      expect(readTerraformJson(write(`${k}.json`, JSON.stringify({ [k]: {} })))).toEqual({ [k]: {} });
    }
  });
});

describe("JSON error location", () => {
  test("lineColumn counts \\n, \\r\\n and \\r", () => {
    expect(lineColumn("ab\ncd", 4)).toEqual({ line: 2, column: 2 });
    expect(lineColumn("ab\r\ncd", 5)).toEqual({ line: 2, column: 2 });
    expect(lineColumn("ab\rcd", 3)).toEqual({ line: 2, column: 1 });
  });
  test("locateJsonError agrees with JSON.parse on valid text and handles deep nesting", () => {
    expect(locateJsonError('{"a": [1, 2.5e3, -0, true, null, "x\\u00e9"], "b": {}}')).toBeUndefined();
    const deep = "[".repeat(100000) + "]".repeat(100000);
    expect(locateJsonError(deep)).toBeUndefined();
    expect(locateJsonError("[".repeat(100000))?.problem).toMatch(/end of file/);
    expect(locateJsonError('{"a": 1} x')?.problem).toMatch(/after the end of the JSON value/);
    expect(locateJsonError('{"a": 01}')?.offset).toBe(7);
  });
});
