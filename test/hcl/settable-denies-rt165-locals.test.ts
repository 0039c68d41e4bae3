/**
 * Red-team round 165, F1: in Terraform JSON read alone (a cdk.tf.json, a cdktf.out stack), a root variable that reaches
 * a Deny through a local (`"${local.extra}"` with `extra = "${var.extra}"`, cdktf's TerraformLocal) was read with its
 * default and the Deny relied on, where the same variable written directly was not: a Deny's NotAction, an exclusive
 * policy list, the name of the role a guard is attached to by literal name. Locals are now followed, transitively.
 */
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { analyzeStack } from "../../lib/engine/analyze";
import type { Finding } from "../../lib/engine/findings";
import { loadStacks } from "../../lib/check/run-check";
import { allRules } from "../../lib/rules";

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "bw-settable-deny-165-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const doc = (...statements: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const ALLOW_S3 = doc({ Effect: "Allow", Action: "s3:*", Resource: "*" });
const ONLY_READ = (second: string) => doc({ Sid: "OnlyRead", Effect: "Deny", NotAction: ["s3:GetObject", second], Resource: "*" });
const TRUST = doc({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/runner" }, Action: "sts:AssumeRole" });

/** The report's shared setup: agent `agent` allowed s3:* inline, plus `resources`, `locals` and `variables`. */
function stack(resources: Record<string, Record<string, unknown>>, locals: Record<string, unknown>, variables: Record<string, unknown>, agent: Record<string, unknown> = {}): unknown {
  return {
    provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["111111111111"] }] },
    variable: variables,
    locals,
    resource: {
      ...resources,
      aws_iam_role: { agent: { name: "agent", path: "/agents/", assume_role_policy: TRUST, ...agent } },
      aws_iam_role_policy: { work: { role: "${aws_iam_role.agent.name}", name: "work", policy: ALLOW_S3 }, ...(resources.aws_iam_role_policy ?? {}) },
    },
  };
}

/** a06b: the boundary's OnlyRead Deny lists `${local.extra}`. */
const boundary = (entry: string, locals: Record<string, unknown>, variables: Record<string, unknown> = { extra: { type: "string", default: "s3:ListBucket" } }) =>
  stack({ aws_iam_policy: { boundary: { name: "agent-boundary", policy: doc({ Sid: "Work", Effect: "Allow", Action: "s3:*", Resource: "*" }, JSON.parse(ONLY_READ(entry)).Statement[0]) } } }, locals, variables, {
    permissions_boundary: "${aws_iam_policy.boundary.arn}",
  });

async function destroyFindings(json: unknown, values?: ReadonlyMap<string, unknown>): Promise<Finding[]> {
  const path = join(dir, "cdk.tf.json");
  writeFileSync(path, JSON.stringify(json));
  const [s] = await loadStacks({ kind: "json", path }, values);
  return analyzeStack(s, { config: { agents: { names: ["agent"] } }, rules: allRules }).findings.filter((f) => f.ruleId === "agent-destroy-right");
}

const notReliedOn = (found: Finding[]) => found[0]?.evidence.find((e) => e.step === "deny-not-relied-on")?.detail ?? "";
/** A boundary written as JSON text with the variable (red-team round 174) caps nothing: the boundary step names it. */
const boundaryStep = (found: Finding[]) => found[0]?.evidence.find((e) => e.step === "boundary")?.detail ?? "";

describe("165 F1: a variable reaching a Deny through a local is settable", () => {
  test('a Deny\'s NotAction "${local.extra}", extra = "${var.extra}" (a06b): not relied on, the variable named', async () => {
    const found = await destroyFindings(boundary("${local.extra}", { extra: "${var.extra}" }));
    expect(found).toHaveLength(1);
    expect(boundaryStep(found)).toContain("caps nothing: -var can write JSON into the policy text");
    expect(boundaryStep(found)).toContain("writes var.extra into it verbatim");
  });

  test('a local interpolating the variable, "${var.svc}:ListBucket" (a06g), and a chain of locals: not relied on', async () => {
    expect(await destroyFindings(boundary("${local.extra}", { extra: "${var.svc}:ListBucket" }, { svc: { type: "string", default: "s3" } }))).toHaveLength(1);
    const chain = await destroyFindings(boundary("${local.a}", { a: "${local.b}", b: "${local.c}", c: "${var.extra}" }));
    expect(chain).toHaveLength(1);
    expect(boundaryStep(chain)).toContain("var.extra");
  });

  test("an exclusive policy_names list from a local that holds the variable (x06): not relied on", async () => {
    const found = await destroyFindings(
      stack(
        {
          aws_iam_role_policy: { guard: { role: "${aws_iam_role.agent.name}", name: "guard", policy: ONLY_READ("s3:ListBucket") } },
          aws_iam_role_policies_exclusive: { agent: { role_name: "${aws_iam_role.agent.name}", policy_names: "${local.names}" } },
        },
        { names: "${var.names}" },
        { names: { type: "list(string)", default: ["work", "guard"] } },
      ),
    );
    expect(found).toHaveLength(1);
    expect(notReliedOn(found)).toContain("var.names");
  });

  test('a guard attached to role "agent-prod", the role named "${local.rn}", rn = "agent-${var.env}" (g03): not relied on', async () => {
    const g03 = (name: string, values?: ReadonlyMap<string, unknown>) =>
      destroyFindings(
        stack(
          {
            aws_iam_policy: { guard: { name: "guard", policy: ONLY_READ("s3:ListBucket") } },
            aws_iam_role_policy_attachment: { guard: { role: "agent-prod", policy_arn: "${aws_iam_policy.guard.arn}" } },
          },
          { rn: "agent-${var.env}", lit: "agent-prod" },
          { env: { type: "string", default: "prod" } },
          { name },
        ),
        values,
      );
    const found = await g03("${local.rn}");
    expect(found).toHaveLength(1);
    expect(notReliedOn(found)).toContain("var.env");
    // Controls: a local holding the literal name; the variable given with --var-file.
    expect(await g03("${local.lit}")).toEqual([]);
    expect(await g03("${local.rn}", new Map([["env", "prod"]]))).toEqual([]);
  });

  test("controls: a literal local, locals naming each other in a cycle, the variable given with --var-file: relied on", async () => {
    expect(await destroyFindings(boundary("${local.extra}", { extra: "s3:ListBucket" }))).toEqual([]);
    expect(await destroyFindings(boundary("${local.extra}", { extra: "s3:ListBucket", a: "${local.b}", b: "${local.a}" }))).toEqual([]);
    expect(await destroyFindings(boundary("${local.extra}", { extra: "${var.extra}" }), new Map([["extra", "s3:ListBucket"]]))).toEqual([]);
    // A local that names the variable, which the Deny does not use.
    expect(await destroyFindings(boundary("${local.extra}", { extra: "s3:ListBucket", other: "${var.extra}" }))).toEqual([]);
  });
});

describe("165 F6: an exclusive list written as concat() of a literal list and a variable", () => {
  const excl = (policyNames: string) =>
    stack(
      {
        aws_iam_role_policy: { guard: { role: "${aws_iam_role.agent.name}", name: "guard", policy: ONLY_READ("s3:ListBucket") } },
        aws_iam_role_policies_exclusive: { agent: { role_name: "${aws_iam_role.agent.name}", policy_names: policyNames } },
      },
      {},
      { extra: { type: "list(string)", default: ["work"] }, g: { type: "string", default: "guard" } },
    );
  test('concat(["guard"], var.extra) (x07) or the guard by reference: the guard is always kept, relied on', async () => {
    expect(await destroyFindings(excl('${concat(["guard"], var.extra)}'))).toEqual([]);
    expect(await destroyFindings(excl("${concat(var.extra, [aws_iam_role_policy.guard.name])}"))).toEqual([]);
    expect(await destroyFindings(excl('${concat(["guard", "work"])}'))).toEqual([]);
  });
  test("controls: the guard only in the variable's part, or as a variable inside the literal list: not relied on", async () => {
    const found = await destroyFindings(excl('${concat(["work"], var.extra)}'));
    expect(found).toHaveLength(1);
    expect(notReliedOn(found)).toContain("var.extra");
    expect(await destroyFindings(excl("${concat([var.g], var.extra)}"))).toHaveLength(1);
  });
});
