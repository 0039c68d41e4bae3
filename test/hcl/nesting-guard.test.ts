/**
 * The HCL parser is not handed a file nested deeper than it can take (red-team round 86b): hcl2json's parser recurses
 * in the JavaScript stack, and an overflow can leave its Go program broken for the rest of the process. An instance
 * the synth-time gate started that an exception went through is dropped, and the next file gets a fresh one.
 */
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { checkPaths } from "../../lib/check/run-check";
import { MAX_NESTING, ParserUnavailable, tooDeepAt } from "../../lib/hcl/config";
import { parseHclSync } from "../../lib/hcl/hcl2json-sync";
import { agentRules } from "../../lib/rules";

const deep = (n: number) => `locals {\n  x = ${"[".repeat(n)}1${"]".repeat(n)}\n}\n`;

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "blastwall-nesting-"));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return dir;
}

const ROLE = `resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}
`;

describe("a file nested deeper than the parser can take", () => {
  test("is refused by `blastwall check` too (hcl2json's own instance), and the next folder still reads", async () => {
    const d = { dir: folder({ "deep.tf": deep(5000) }) };
    await expect(checkPaths([d.dir], { config: {}, rules: agentRules })).rejects.toThrow(/deep\.tf: line 2: nested more than/);
    const ok = folder({ "main.tf": ROLE });
    await expect(checkPaths([ok], { config: {}, rules: agentRules })).resolves.toBeDefined();
  });

  test("control: nesting a real configuration uses, and brackets in strings, heredocs and comments, are not refused", () => {
    expect(tooDeepAt(deep(MAX_NESTING - 10))).toBeUndefined();
    expect(tooDeepAt(`locals { x = "${"[(-!?".repeat(2000)}" }\n# ${"[".repeat(2000)}\n/* ${"{".repeat(2000)} */`)).toBeUndefined();
    expect(tooDeepAt(`locals {\n  x = <<-EOT\n    ${"[".repeat(2000)}\n  EOT\n}\n`)).toBeUndefined();
    expect(tooDeepAt(`locals {\n${'  a = "arn:aws:iam::1:role/my-role-name-x"\n'.repeat(5000)}}\n`)).toBeUndefined();
  });

  test("nesting cannot hide in a template, a heredoc that ends at once, or a run of operators", () => {
    expect(tooDeepAt(`locals { x = "\${${"[".repeat(300)}1${"]".repeat(300)}}" }`)).toBe(1);
    expect(tooDeepAt(`locals {\n  x = <<EOT\nEOT\n  y = ${"[".repeat(300)}1${"]".repeat(300)}\n}\n`)).toBe(4);
    expect(tooDeepAt(`locals { x = ${"- ".repeat(300)}1 }`)).toBe(1);
    expect(tooDeepAt(`locals { x = ${"true ? 1 : ".repeat(300)}2 }`)).toBe(1);
  });

  test("the synchronous parser broken by an exception is dropped: the next file is parsed by a fresh instance", () => {
    expect(parseHclSync("ok.tf", "locals { y = 1 }\n")).toEqual({ locals: [{ y: 1 }] });
    // Count the Go runtimes started: a stack overflow can leave the Go program broken (a `malloc deadlock` once idle,
    // then `Go program has already exited` for every file), so none is reused after one.
    const g = globalThis as unknown as { Go: new () => object };
    const Go = g.Go;
    let started = 0;
    g.Go = class extends (Go as new () => object) {
      constructor() {
        super();
        started++;
      }
    };
    try {
      expect(() => parseHclSync("deep.tf", deep(5000))).toThrow(ParserUnavailable);
      expect(parseHclSync("ok.tf", "locals { y = 2 }\n")).toEqual({ locals: [{ y: 2 }] });
      expect(started).toBe(1);
      expect(parseHclSync("ok.tf", "locals { y = 3 }\n")).toEqual({ locals: [{ y: 3 }] });
      expect(started).toBe(1);
    } finally {
      g.Go = Go;
    }
  });

});
