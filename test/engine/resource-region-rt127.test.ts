/**
 * Red-team round 127, F2: a resource's own `region` argument (AWS provider 6) that blastwall cannot read
 * (`region = var.dr_region`) was read as its provider's region, so a grant naming the region the variable is given at
 * apply (`arn:aws:lambda:eu-west-1:...:function:cleanup`, a secret there holding a deleter's key) was read as one on a
 * resource elsewhere and the chain was lost. Such a region now counts as any region, wherever a region decides.
 */
import { buildStack } from "../../lib/engine/terraform/stack";
import { regionPartition, resourceRegion, unknownOwnRegion } from "../../lib/engine/terraform/providers";
import { samePlace } from "../../lib/engine/reach/resource-index";
import { resolveToPattern } from "../../lib/engine/terraform/tokens";
import { check, errors, policy, safeAgentStack, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

const PINNED = { provider: { aws: [{ region: "us-east-1", allowed_account_ids: ["111111111111"] }] }, variable: { dr_region: { type: "string" } } };
const LAMBDA_TRUST = policy({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" });
const DELETE = policy({ Effect: "Allow", Action: ["s3:DeleteObject", "rds:DeleteDBInstance"], Resource: "*" });
const READ = policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" });
const DR = "${var.dr_region}";

/** The safe agent may `action` on `resources`; the stack's function `cleanup` (with `fn` extra arguments) runs as a role with `rights`. */
function withAgent(action: string, resources: string[], fn: Obj, more: Record<string, Obj> = {}, rights = DELETE): Obj {
  const doc = safeAgentStack([{ Effect: "Allow", Action: action, Resource: resources }], ["ec2:Delete*"]) as { resource: Record<string, Record<string, Obj>> } & Obj;
  const extra = tf({
    "aws_iam_role.fn": { name: "fn", assume_role_policy: LAMBDA_TRUST },
    "aws_iam_role_policy.fn": { role: "${aws_iam_role.fn.name}", policy: rights },
    "aws_lambda_function.f": { function_name: "cleanup", role: "${aws_iam_role.fn.arn}", runtime: "python3.12", handler: "i.h", filename: "f.zip", ...fn },
    ...more,
  }) as { resource: Record<string, Record<string, Obj>> };
  for (const [type, byName] of Object.entries(extra.resource)) doc.resource[type] = { ...doc.resource[type], ...byName };
  return { ...doc, ...PINNED };
}

const invoked = (doc: Obj) => errors(check(doc, {}, { strict: true }), "agent-transitive-destroy").filter((f) => f.resource === "aws_lambda_function.f");
const unknown = (doc: Obj) => errors(check(doc), "agent-reach-unknown").length > 0;
const ARN = "arn:aws:lambda:eu-west-1:111111111111:function:cleanup";

describe("127. a resource's own region that blastwall cannot read is any region", () => {
  test("resourceRegion: never the provider's region when the resource sets its own; the partition is then any", () => {
    const s = buildStack(
      {
        ...PINNED,
        resource: { aws_sqs_queue: { v: { region: DR }, lit: { region: "eu-west-1" }, none: {}, nul: { region: null }, after: { region: "${unknown_after_apply}" } } },
        data: { aws_secretsmanager_secret: { d: { region: DR, name: "x" } }, aws_partition: { p: { region: DR }, q: {} } },
      },
      "f",
    );
    const at = (a: string) => s.byAddress.get(a)!;
    expect(resourceRegion(s, at("aws_sqs_queue.v"))).toBeUndefined();
    expect(resourceRegion(s, at("data.aws_secretsmanager_secret.d"))).toBeUndefined();
    expect(resourceRegion(s, at("aws_sqs_queue.after"))).toBeUndefined();
    expect(regionPartition(resourceRegion(s, at("aws_sqs_queue.v")))).toBe("*");
    expect(unknownOwnRegion(at("aws_sqs_queue.v"))).toBe("var.dr_region");
    expect(unknownOwnRegion(at("data.aws_secretsmanager_secret.d"))).toBe("var.dr_region");
    // An aws_partition data source set in a region of its own may be in any partition.
    expect(resolveToPattern(s, "${data.aws_partition.p.partition}")).toMatchObject({ pattern: "*", exact: false });
    // Controls: a literal own region, none, or null (the provider's) stay as they were.
    expect(resourceRegion(s, at("aws_sqs_queue.lit"))).toBe("eu-west-1");
    expect(resourceRegion(s, at("aws_sqs_queue.none"))).toBe("us-east-1");
    expect(resourceRegion(s, at("aws_sqs_queue.nul"))).toBe("us-east-1");
    expect(resolveToPattern(s, "${data.aws_partition.q.partition}")).toMatchObject({ pattern: "aws", exact: true });
    for (const a of ["aws_sqs_queue.lit", "aws_sqs_queue.none", "aws_sqs_queue.nul"]) expect(unknownOwnRegion(at(a))).toBeUndefined();
  });

  test("the red team's function: invoking it by an ARN in the region the variable may be is reported, and the evidence says the region is not known", () => {
    const found = invoked(withAgent("lambda:InvokeFunction", [ARN], { region: DR }));
    expect(found).toHaveLength(1);
    const step = found[0].evidence.find((e) => e.address === "aws_lambda_function.f");
    expect(step?.detail).toContain("its region, var.dr_region, is not known before apply, so blastwall counts it as in any region");
  });

  test("controls: a literal region of its own decides as before, and no note is written", () => {
    const same = invoked(withAgent("lambda:InvokeFunction", [ARN], { region: "eu-west-1" }));
    expect(same).toHaveLength(1);
    expect(same[0].evidence.map((e) => e.detail).join(" ")).not.toContain("not known before apply");
    expect(invoked(withAgent("lambda:InvokeFunction", [ARN], { region: "us-west-2" }))).toEqual([]);
    expect(invoked(withAgent("lambda:InvokeFunction", [ARN], {}))).toEqual([]);
  });

  test("an ARN built around the function's name in a literal region may name a function of that name elsewhere", () => {
    const built = "arn:aws:lambda:eu-west-1:111111111111:function:${aws_lambda_function.f.function_name}";
    expect(unknown(withAgent("lambda:UpdateFunctionCode", [built], { region: DR }, {}, READ))).toBe(true);
    expect(unknown(withAgent("lambda:UpdateFunctionCode", [ARN], { region: DR }, {}, READ))).toBe(true);
    // Controls: the function made in that region literally, or the reference itself, is that one function.
    expect(unknown(withAgent("lambda:UpdateFunctionCode", [built], { region: "eu-west-1" }, {}, READ))).toBe(false);
    expect(unknown(withAgent("lambda:UpdateFunctionCode", ["${aws_lambda_function.f.arn}"], { region: DR }, {}, READ))).toBe(false);
  });

  test("the red team's secret: a deleter's key in a secret made in var.dr_region is read through an ARN of eu-west-1", () => {
    const secret = {
      "aws_iam_user.deployer": { name: "deployer" },
      "aws_iam_user_policy.deployer": { user: "${aws_iam_user.deployer.name}", policy: DELETE },
      "aws_iam_access_key.deployer": { user: "${aws_iam_user.deployer.name}" },
      "aws_secretsmanager_secret.k": { name: "deploy-key", region: DR },
      "aws_secretsmanager_secret_version.k": { secret_id: "${aws_secretsmanager_secret.k.id}", region: DR, secret_string: "${aws_iam_access_key.deployer.secret}" },
    };
    const read = (region: string) => {
      const doc = withAgent("secretsmanager:GetSecretValue", ["arn:aws:secretsmanager:eu-west-1:111111111111:secret:deploy-key-*"], {}, { ...secret, "aws_secretsmanager_secret.k": { name: "deploy-key", region } }, READ);
      return errors(check(doc), "agent-transitive-destroy").map((f) => f.resource);
    };
    expect(read(DR)).toEqual(["aws_iam_user.deployer"]);
    expect(read("eu-west-1")).toEqual(["aws_iam_user.deployer"]);
    expect(read("us-west-2")).toEqual([]);
  });

  test("samePlace: an own region not known is one place only with the same expression through the same provider", () => {
    const s = buildStack(
      {
        ...PINNED,
        resource: {
          aws_emr_cluster: { a: { region: DR }, b: { region: DR }, none: {}, lit: { region: "us-east-1" }, each: { region: "${each.value}" }, each2: { region: "${each.value}" } },
        },
      },
      "f",
    );
    const at = (a: string) => s.byAddress.get(a)!;
    expect(samePlace(s, at("aws_emr_cluster.a"), at("aws_emr_cluster.none"))).toBe(false);
    expect(samePlace(s, at("aws_emr_cluster.none"), at("aws_emr_cluster.a"))).toBe(false);
    expect(samePlace(s, at("aws_emr_cluster.a"), at("aws_emr_cluster.lit"))).toBe(false);
    expect(samePlace(s, at("aws_emr_cluster.each"), at("aws_emr_cluster.each2"))).toBe(false);
    // Controls.
    expect(samePlace(s, at("aws_emr_cluster.a"), at("aws_emr_cluster.b"))).toBe(true);
    expect(samePlace(s, at("aws_emr_cluster.lit"), at("aws_emr_cluster.none"))).toBe(true);
  });
});
