/**
 * `fileset` path components are matched by a table over pattern and name, not a RegExp (red-team round 98: a
 * component with many stars against a long file name backtracked for hours). The classes and ranges the RegExp read
 * are read the same way.
 */
import { fileset, type DirEntry } from "../../lib/hcl/fileset";

function folder(names: readonly string[]): (path: string) => readonly DirEntry[] {
  return (path) => (path === "p" ? names.map((name) => ({ name, kind: "file" as const })) : []);
}

describe("fileset path components", () => {
  const names = ["a.json", "b.yaml", "c1.json", "Z.json", "-.json", "ab.json"];

  test.each([
    ["*.json", ["-.json", "Z.json", "a.json", "ab.json", "c1.json"]],
    ["?.json", ["-.json", "Z.json", "a.json"]],
    ["[ab].*", ["a.json", "b.yaml"]],
    ["[a-c]*.json", ["a.json", "ab.json", "c1.json"]],
    ["[^a-c]*", ["-.json", "Z.json"]],
    ["[-a].json", ["-.json", "a.json"]],
    ["c[0-9].json", ["c1.json"]],
    ["*b*", ["ab.json", "b.yaml"]],
  ])("%s", (pattern, expected) => {
    expect(fileset("p", pattern, folder(names))?.sort()).toEqual(expected);
  });

  test("a reversed range is not modelled (unknown), as the RegExp it replaces refused it", () => {
    expect(fileset("p", "[z-a].json", folder(names))).toBeUndefined();
  });

  test("many stars against a long name answer at once (the RegExp took hours)", () => {
    const long = `${"a".repeat(250)}.json`;
    const pattern = "*a*a*a*a*a*a*a*a*b";
    expect(fileset("p", pattern, folder([long, "aaaaaaaab", "ab"]))).toEqual(["aaaaaaaab"]);
    expect(fileset("p", "*a*a*a*a*a*a*a*a*.json", folder([long]))).toEqual([long]);
  });
});
