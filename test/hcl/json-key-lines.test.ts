import { loadHclStack } from "../../lib/hcl/load-hcl";
import { JsonKeyLines } from "../../lib/hcl/json-key-lines";
import { jsonKeyLine } from "../../lib/hcl/scan";
import { tree } from "../helpers/files";

/**
 * The textual search the index replaced (a `.tf.json` block's line was found this way until it turned out to cost
 * blocks × file size): the index must give the same line for every path, including the odd ones.
 */
function searchedLine(text: string, path: readonly string[]): number | undefined {
  let at = 0;
  for (const key of path) {
    const re = new RegExp(`${JSON.stringify(key).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*:`, "g");
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) return undefined;
    at = m.index;
  }
  return text.slice(0, at).split("\n").length;
}

/** Every path of keys in `value`, plus each with a key that is not there. */
function pathsOf(value: unknown, prefix: string[] = [], out: string[][] = []): string[][] {
  if (Array.isArray(value)) for (const v of value) pathsOf(v, prefix, out);
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      out.push([...prefix, k], [...prefix, k, "absent"]);
      pathsOf(v, [...prefix, k], out);
    }
  }
  return out;
}

function expectSameAsSearch(text: string, paths: readonly string[][] = pathsOf(JSON.parse(text))): void {
  const index = new JsonKeyLines(text);
  for (const path of paths) expect([path, index.line(path)]).toEqual([path, searchedLine(text, path)]);
}

describe("line of a key in a .tf.json text", () => {
  const stack = `{
  "resource": {
    "aws_iam_role": {
      "agent": {
        "name": "agent"
      },
      "ci": {
        "name": "ci"
      }
    },
    "aws_iam_policy": {
      "agent": {
        "policy": "{\\"Statement\\": []}"
      }
    }
  }
}
`;

  test("finds each block's name key after its type", () => {
    const index = new JsonKeyLines(stack);
    expect(index.line(["resource", "aws_iam_role", "agent"])).toBe(4);
    expect(index.line(["resource", "aws_iam_role", "ci"])).toBe(7);
    expect(index.line(["resource", "aws_iam_policy", "agent"])).toBe(12);
    expect(index.line(["resource"])).toBe(2);
  });

  test("is undefined for a key that is not there, or only as a value", () => {
    const index = new JsonKeyLines(stack);
    expect(index.line(["resource", "aws_iam_user", "agent"])).toBeUndefined();
    expect(index.line(["data"])).toBeUndefined();
    // "ci" is a value on line 8 and a key on line 7; "Statement" is only inside a string.
    expect(index.line(["ci"])).toBe(7);
    expect(index.line(["Statement"])).toBeUndefined();
  });

  test("gives what the textual search gives for names that are also values, nested keys and escapes", () => {
    const odd = [
      '{"resource": {"t": {"x": {"name": "b"}, "b": {"b": 1}}}}',
      '{"data": {"t": {"n": {}}},\n "resource": {"t": {"n": {}}}}',
      '{"resource": {\n"t": {"a \\"n": {},\n"n" \n\t :{}}}}',
      '{"resource": {"t": {"x": {"tags": {"n": "v"}}, "n": {}}}}',
      '{"a\\"b": 1, "b": 2, "a\\"b\\"c": 3, "c": 4, "q\\\\": 5, "\\\\": 6}',
      '{"k, ": 1, "x": " :y", "a,": {"b": 1}, "": {"": 2}, "é": 3, "\\ud800": 4, "\\u0061": 5}',
      '{"x":["a", "b:"], "c":{"d":"e"}, "e" : "f"}',
      // A match of `", "` + `:` that starts at a closing quote and ends inside the next string.
      '{"x": ["a", " :y"], "z": "w", ":q": 1}',
      '{\r\n  "resource": {\r\n    "t": {\r\n      "n": {}\r\n    }\r\n  }\r\n}',
    ];
    for (const text of odd) {
      const parsed = JSON.parse(text) as unknown;
      const extra = [["n"], ["b"], ["c"], ["a"], ["a,"], [", "], ["k, "], [":y"], [": "], ["\\"], ["a\\"], ["a\"b"], ["q\\"], ["ud800"], ["b:"], ["t", "n"]];
      expectSameAsSearch(text, [...pathsOf(parsed), ...extra]);
    }
  });

  test("gives what the textual search gives for generated JSON", () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const alphabet = ["a", "b", "n", "t", '"', "\\", ",", ":", " ", "\n", "é", "_"];
    const word = () => Array.from({ length: 1 + rand(3) }, () => alphabet[rand(alphabet.length)]).join("");
    const value = (depth: number): unknown => {
      const r = rand(depth > 3 ? 3 : 6);
      if (r === 0) return word();
      if (r === 1) return rand(100);
      if (r === 2) return [word(), rand(3) === 0 ? {} : word()];
      return Object.fromEntries(Array.from({ length: 1 + rand(4) }, () => [word(), value(depth + 1)]));
    };
    // Written with random spacing between tokens, including between a key and its colon.
    const space = () => [" ", "\n", "", "\t", "\r\n"][rand(5)];
    const write = (v: unknown): string => {
      if (Array.isArray(v)) return `[${space()}${v.map(write).join(`,${space()}`)}]`;
      if (v !== null && typeof v === "object") {
        return `{${space()}${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}${space()}:${space()}${write(x)}`).join(`,${space()}`)}}`;
      }
      return JSON.stringify(v);
    };
    for (let round = 0; round < 200; round++) {
      const text = write(value(0));
      expectSameAsSearch(text, [...pathsOf(JSON.parse(text)), [word()], [word(), word()]]);
    }
  });

  test("jsonKeyLine answers for the text it is given when files alternate", () => {
    const a = '{\n"resource": {"t": {"n": {}}}}';
    const b = '{"resource":\n\n{"t": {"n": {}}}}';
    expect(jsonKeyLine(a, ["resource", "t", "n"])).toBe(2);
    expect(jsonKeyLine(b, ["resource", "t", "n"])).toBe(3);
    expect(jsonKeyLine(a, ["resource", "t", "n"])).toBe(2);
    expect(jsonKeyLine(b, ["resource", "t", "absent"])).toBeUndefined();
  });
});

describe("locations of blocks in a folder's .tf.json files", () => {
  test("each resource is placed on the line of its name key, in each file", async () => {
    const many = (prefix: string) => {
      const lines = ["{", '  "resource": {', '    "aws_iam_user": {'];
      for (let i = 0; i < 40; i++) {
        // Each user names the next one in a value and the previous one in a nested key: neither is its block.
        lines.push(`    "${prefix}${i}": {`, `      "name": "${prefix}${i + 1}",`, `      "tags": { "${prefix}${i - 1}": "x" }`, `    }${i < 39 ? "," : ""}`);
      }
      lines.push("    }", "  }", "}");
      return lines.join("\n") + "\n";
    };
    const dir = tree({ "a.tf.json": many("a"), "b.tf.json": many("b") });
    const stack = await loadHclStack(dir);
    expect(stack.byAddress.get("aws_iam_user.a0")!.location).toBe("a.tf.json:4");
    expect(stack.byAddress.get("aws_iam_user.a1")!.location).toBe("a.tf.json:8");
    expect(stack.byAddress.get("aws_iam_user.a39")!.location).toBe("a.tf.json:160");
    expect(stack.byAddress.get("aws_iam_user.b0")!.location).toBe("b.tf.json:4");
    expect(stack.byAddress.get("aws_iam_user.b7")!.location).toBe("b.tf.json:32");
  });
});
