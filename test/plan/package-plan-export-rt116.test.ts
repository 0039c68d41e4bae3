/**
 * Red-team round 116 F4: docs/plan-gate.md's Library API imported `blastwall/dist/lib/plan`, which package.json's
 * `exports` refuses (ERR_PACKAGE_PATH_NOT_EXPORTED). The plan library is now `blastwall/plan`. This resolves the
 * specifier the docs write as a user's project would: a folder whose node_modules links the package (built in dist),
 * through Node (require and import) and TypeScript's module resolution, never through the source.
 */
import { execFileSync } from "child_process";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import * as ts from "typescript";

const ROOT = join(__dirname, "..", "..");
const NAMES = ["runGate", "gateFails", "createApproval", "verifyApproval", "readPlan", "planToStack"];

/** The Library API section's import line: names and specifier, as a user copies them. */
function documented(): { names: string[]; specifier: string } {
  const doc = readFileSync(join(ROOT, "docs", "plan-gate.md"), "utf8");
  const section = doc.slice(doc.indexOf("## Library API"));
  const m = /import \{([^}]*)\} from "([^"]+)";/.exec(section);
  if (!m) throw new Error("docs/plan-gate.md's Library API has no import line");
  return { names: m[1].split(",").map((s) => s.trim()), specifier: m[2] };
}

/** A consumer project with node_modules/blastwall linked to this package. */
function consumer(): string {
  const dir = mkdtempSync(join(tmpdir(), "blastwall-consumer-"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(ROOT, join(dir, "node_modules", "blastwall"), "dir");
  return dir;
}

const node = (cwd: string, args: string[]) => execFileSync(process.execPath, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

describe("the plan library's documented import (round 116 F4)", () => {
  const { names, specifier } = documented();
  const dir = consumer();

  test("the docs import blastwall/plan, the names this test checks", () => {
    expect(specifier).toBe("blastwall/plan");
    expect(names).toEqual(NAMES);
  });

  test("require() from a consumer project resolves it and gives every documented function, without loading the engine or cdktf", () => {
    const script = `
      const lib = require(${JSON.stringify(specifier)});
      const seen = (m) => Object.keys(require.cache).some((k) => k.replace(/\\\\/g, "/").includes(m));
      console.log(JSON.stringify({ kinds: ${JSON.stringify(names)}.map((n) => typeof lib[n]), engine: seen("/dist/lib/engine/analyze.js"), cdktf: seen("/node_modules/cdktf/") }));`;
    expect(JSON.parse(node(dir, ["-e", script]))).toEqual({ kinds: names.map(() => "function"), engine: false, cdktf: false });
  });

  test("an ES module import of the documented line works as written", () => {
    writeFileSync(join(dir, "t.mjs"), `import { ${names.join(", ")} } from ${JSON.stringify(specifier)};\nconsole.log([${names.join(", ")}].map((f) => typeof f).join(","));\n`);
    expect(node(dir, ["t.mjs"]).trim()).toBe(names.map(() => "function").join(","));
  });

  test("TypeScript finds its types under node16, bundler and the older node10 resolution", () => {
    const from = join(dir, "index.ts");
    const modes: [string, ts.CompilerOptions][] = [
      ["node16", { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 }],
      ["bundler", { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler }],
      ["node10", { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 }],
    ];
    const resolved = modes.map(([mode, options]) => {
      const r = ts.resolveModuleName(specifier, from, options, ts.sys).resolvedModule;
      return `${mode} ${r ? r.resolvedFileName.replace(/\\/g, "/").split("/").slice(-4).join("/") : "unresolved"}`;
    });
    expect(resolved).toEqual(modes.map(([mode]) => `${mode} dist/lib/plan/index.d.ts`));
  });

  test("control: the old deep path stays refused, and the package root still resolves", () => {
    expect(() => node(dir, ["-e", `require("blastwall/dist/lib/plan")`])).toThrow(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
    expect(node(dir, ["-e", `console.log(typeof require("blastwall").checkStacks)`]).trim()).toBe("function");
    const root = ts.resolveModuleName("blastwall", join(dir, "index.ts"), { moduleResolution: ts.ModuleResolutionKind.Node10 }, ts.sys).resolvedModule;
    expect(root?.resolvedFileName.replace(/\\/g, "/").endsWith("dist/lib/index.d.ts")).toBe(true);
  });
});
