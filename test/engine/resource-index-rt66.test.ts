/**
 * Red-team round 66: a hand-written ARN pattern that merely equals a resource's partly unknown ARN pattern was read as
 * a reference to that resource (`${that.arn}`), so `lambda:UpdateFunctionCode` on `arn:aws:lambda:*:*:function:etl-*`
 * beside a function named `etl-${var.env}` was "this stack's function only". IAM matches every `etl-*` function of
 * every region and account the grant reaches; and a literal name with `*` region or account names the functions of
 * that name in every region, a name being one function per region.
 */
import { ResourceIndex } from "../../lib/engine/reach/resource-index";
import { buildStack } from "../../lib/engine/terraform/stack";
import { check, errors, policy, safeAgentStack, tf } from "../helpers/tf";
import type { Grant } from "../../lib/engine/analysis-types";

type Obj = Record<string, unknown>;

const runs = (service: string) => ({ "aws_iam_role.fn": { name: "fn", assume_role_policy: policy({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }) } });

function withAgent(statements: Obj[], resources: Record<string, Obj>): Obj {
  const doc = safeAgentStack(statements, ["ec2:Delete*"]) as { resource: Record<string, Record<string, Obj>> } & Obj;
  const more = tf(resources) as { resource: Record<string, Record<string, Obj>> };
  for (const [type, byName] of Object.entries(more.resource)) doc.resource[type] = { ...doc.resource[type], ...byName };
  return doc;
}

const fn = (name: string) => ({ ...runs("lambda.amazonaws.com"), "aws_lambda_function.f": { function_name: name, role: "${aws_iam_role.fn.arn}", runtime: "python3.12", handler: "i.h", filename: "f.zip" } });
const update = (resource: string) => [{ Effect: "Allow", Action: "lambda:UpdateFunctionCode", Resource: resource }];
const unknown = (doc: Obj) => errors(check(doc), "agent-reach-unknown").length;

describe("66. a literal pattern equal to a resource's partly unknown ARN pattern is a pattern, not that resource", () => {
  test("UpdateFunctionCode on the literal arn:aws:lambda:*:*:function:etl-* beside etl-${var.env} may reach functions outside the stack", () => {
    expect(unknown(withAgent(update("arn:aws:lambda:*:*:function:etl-*"), fn("etl-${var.env}")))).toBeGreaterThan(0);
  });

  test("a literal name in every region or account (arn:aws:lambda:*:*:function:etl) names other stacks' functions of that name", () => {
    expect(unknown(withAgent(update("arn:aws:lambda:*:*:function:etl"), fn("etl")))).toBeGreaterThan(0);
    expect(unknown(withAgent(update("arn:aws:lambda:us-east-1:*:function:etl"), fn("etl")))).toBeGreaterThan(0);
  });

  test("control: a reference (whole, or the name under a written region and account) is the stack's function alone", () => {
    for (const name of ["etl-${var.env}", "etl"]) {
      for (const r of ["${aws_lambda_function.f.arn}", "arn:aws:lambda:${var.region}:${data.aws_caller_identity.me.account_id}:function:${aws_lambda_function.f.function_name}"]) {
        expect([name, r, errors(check(withAgent(update(r), fn(name))))]).toEqual([name, r, []]);
      }
    }
    // A literal ARN with its region and account named: one function, the stack's.
    expect(errors(check(withAgent(update("arn:aws:lambda:us-east-1:111111111111:function:etl"), fn("etl"))))).toEqual([]);
  });

  test("the index: a literal equal to a resource's pattern is matched as a pattern; a reference still names the resource", () => {
    const stack = buildStack(tf({ "aws_lambda_function.f": { function_name: "etl-${var.env}", role: "x" }, "aws_lambda_function.admin": { function_name: "etl-admin", role: "x" } }), "x.tf.json");
    const fns = new ResourceIndex(stack, ["aws_lambda_function"]);
    const literal = "arn:aws:lambda:*:*:function:etl-*";
    expect(fns.matching(literal).map((r) => r.address).sort()).toEqual(["aws_lambda_function.admin", "aws_lambda_function.f"]);
    expect(fns.reachesOutside(literal)).toBe(true);
    const g = { resources: [literal], statement: { resources: [literal], writtenResources: ["${aws_lambda_function.f.arn}"] } } as unknown as Grant;
    expect(fns.referenced(g, literal)?.map((r) => r.address)).toEqual(["aws_lambda_function.f"]);
  });
});

describe("66. the other lookups that took a pattern equal to a resource's for a reference", () => {
  test("an ECR push on a literal pattern equal to a repository's partly unknown ARN may reach repositories outside the stack", () => {
    const repo = { "aws_ecr_repository.r": { name: "app-${var.env}" } };
    expect(unknown(withAgent([{ Effect: "Allow", Action: "ecr:PutImage", Resource: "arn:aws:ecr:*:*:repository/app-*" }], repo))).toBeGreaterThan(0);
    expect(errors(check(withAgent([{ Effect: "Allow", Action: "ecr:PutImage", Resource: "${aws_ecr_repository.r.arn}" }], repo)))).toEqual([]);
  });

  test("a Glue connection read on a literal pattern equal to a connection's partly unknown ARN reads connections outside the stack", () => {
    const conn = { "aws_glue_connection.c": { name: "conn-${var.env}", connection_properties: { USERNAME: "u" } } };
    const read = (r: string) => check(withAgent([{ Effect: "Allow", Action: "glue:GetConnection", Resource: r }], conn));
    const literal = read("arn:aws:glue:*:*:connection/conn-*").findings.filter((f) => /outside this stack/.test(JSON.stringify(f)));
    expect(literal.length).toBeGreaterThan(0);
    const ref = read("arn:aws:glue:${var.region}:${var.account}:connection/${aws_glue_connection.c.name}").findings.filter((f) => /outside this stack/.test(JSON.stringify(f)));
    expect(ref).toEqual([]);
  });
});
