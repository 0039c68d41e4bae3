import { readdirSync, readFileSync } from "fs";
import { join } from "path";
import { generateDocs } from "../../scripts/generate-docs";

const ROOT = join(__dirname, "..", "..");
const readme = readFileSync(join(ROOT, "README.md"), "utf8");

/** README TypeScript snippets are kept as files that `tsc` compiles (npm test type-checks them), so they cannot rot. */
describe("README", () => {
  const snippetDir = join(ROOT, "docs", "snippets");
  const snippets = readdirSync(snippetDir).map((f) => readFileSync(join(snippetDir, f), "utf8").trim());
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1].trim());

  test("has TypeScript snippets", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
  });

  test.each(blocks.map((b, i) => [i, b]))("snippet %i is a compiled file in docs/snippets", (_i, block) => {
    expect(snippets).toContain(block);
  });

  test("shows the two commands", () => {
    expect(readme).toContain("npm ci && npm run example");
    expect(readme).toContain("npm ci && npm test");
  });

  test("the rule table and docs/rules.md are up to date with the rules' metadata (npm run gen)", () => {
    const { rules, readme: expected } = generateDocs(ROOT);
    expect(readme).toBe(expected);
    expect(readFileSync(join(ROOT, "docs", "rules.md"), "utf8")).toBe(rules);
  });
});
