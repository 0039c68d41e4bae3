import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { generateDocs } from "../../scripts/generate-docs";
import { runIn } from "../helpers/cli";

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

  test("the Follow-the-chain Mermaid example is what check prints for the stack it describes, its closing config line too (red-team round 114)", async () => {
    const shown = /## Follow the chain[\s\S]*?```mermaid\n([\s\S]*?)```/.exec(readme)![1];
    const policy = (statements: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
    const trust = (principal: string) => policy([{ Effect: "Allow", Principal: { AWS: principal }, Action: "sts:AssumeRole" }]);
    // The agent may assume a deploy role holding PowerUserAccess, and read a secret holding an administrator user's key.
    const stack = {
      provider: { aws: [{ region: "eu-central-1" }] },
      resource: {
        aws_iam_role: {
          agent: { name: "agent", assume_role_policy: trust("arn:aws:iam::111111111111:role/runner"), tags: { "blastwall:agent": "true" } },
          deployer: { name: "deployer", assume_role_policy: trust("${aws_iam_role.agent.arn}") },
        },
        aws_iam_role_policy_attachment: { pu: { role: "${aws_iam_role.deployer.name}", policy_arn: "arn:aws:iam::aws:policy/PowerUserAccess" } },
        aws_iam_user: { ci: { name: "ci" } },
        aws_iam_user_policy_attachment: { admin: { user: "${aws_iam_user.ci.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" } },
        aws_iam_access_key: { ci: { user: "${aws_iam_user.ci.name}" } },
        aws_secretsmanager_secret: { ci: { name: "ci-key" } },
        aws_secretsmanager_secret_version: { ci: { secret_id: "${aws_secretsmanager_secret.ci.id}", secret_string: "${aws_iam_access_key.ci.secret}" } },
        aws_iam_role_policy: {
          agent: {
            role: "${aws_iam_role.agent.name}",
            policy: policy([
              { Effect: "Allow", Action: ["sts:AssumeRole"], Resource: "${aws_iam_role.deployer.arn}" },
              { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "${aws_secretsmanager_secret.ci.arn}" },
            ]),
          },
        },
      },
    };
    const dir = mkdtempSync(join(tmpdir(), "blastwall-readme-mermaid-"));
    writeFileSync(join(dir, "test.tf.json"), JSON.stringify(stack));
    const r = await runIn(["check", "--format", "mermaid", "test.tf.json"], dir);
    // The file is named from the test process's folder, not the one runIn gives: the example runs where the file is.
    expect(r.stdout.replace(/ in [^"]*test\.tf\.json"/, ' in test.tf.json"')).toBe(shown);
  });
});
