/**
 * Red-team round 63 #3: a grant written as a reference to one instance of a counted resource
 * (`${aws_emr_cluster.c[0].arn}`, the usual optional cluster) names that resource, as the engine models blocks and
 * not instances; it was read as `*` for types whose ARN blastwall cannot know, "compute outside the stack".
 */
import { check, errors, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, HARMLESS, role, type Obj } from "../helpers/sessions";
import { buildStack } from "../../lib/engine/terraform/stack";
import { referencedResource } from "../../lib/engine/terraform/tokens";

const RUNTIME_ROLES = JSON.stringify({ AuthorizationConfiguration: { IAMConfiguration: { EnableApplicationScopedIAMRole: true } } });
/** A cluster with runtime roles (`meta`: count or for_each), and one runtime role trusting its instance role. */
const emr = (meta: Obj, runtime: string) => ({
  ...role("emr_ec2", policy({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }), HARMLESS),
  "aws_iam_instance_profile.emr_ec2": { name: "emr-ec2", role: "${aws_iam_role.emr_ec2.name}" },
  "aws_emr_security_configuration.rr": { name: "runtime-roles", configuration: RUNTIME_ROLES },
  "aws_emr_cluster.c": {
    ...meta,
    name: "analytics",
    release_label: "emr-7.1.0",
    applications: ["Spark", "Livy"],
    service_role: "arn:aws:iam::111111111111:role/emr-service",
    security_configuration: "${aws_emr_security_configuration.rr.name}",
    ec2_attributes: { instance_profile: "${aws_iam_instance_profile.emr_ec2.arn}", subnet_id: "subnet-0123456789abcdef0" },
  },
  ...role("etl_runtime", policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.emr_ec2.arn}" }, Action: ["sts:AssumeRole", "sts:SetSourceIdentity"] }), runtime),
});
const sessionOn = (resource: string) => agentCan({ Effect: "Allow", Action: ["elasticmapreduce:GetClusterSessionCredentials", "elasticmapreduce:DescribeCluster"], Resource: resource });
const reached = (json: Obj) => errors(check(json), "agent-transitive-destroy").map((f) => f.resource);
const COUNTED: readonly [Obj, string][] = [
  [{ count: "${var.enable_emr ? 1 : 0}" }, "${aws_emr_cluster.c[0].arn}"],
  [{ count: 1 }, "${aws_emr_cluster.c[0].arn}"],
];

describe("63. a grant on one instance of a counted resource names that resource", () => {
  test("GetClusterSessionCredentials on a counted cluster with a harmless runtime role passes (the red team's false alarm)", () => {
    for (const [meta, grant] of COUNTED) expect([grant, errors(check(tf({ ...sessionOn(grant), ...emr(meta, HARMLESS) })))]).toEqual([grant, []]);
  });

  test("the same grant is still a path to a runtime role that can destroy: the instance is never narrower than the block", () => {
    for (const [meta, grant] of COUNTED) expect([grant, reached(tf({ ...sessionOn(grant), ...emr(meta, DESTROY) }))]).toEqual([grant, ["aws_iam_role.etl_runtime"]]);
  });

  test("control: an instance key on a resource without count or for_each stays a grant on clusters blastwall cannot see", () => {
    const r = check(tf({ ...sessionOn("${aws_emr_cluster.c[0].arn}"), ...emr({}, HARMLESS) }));
    expect(errors(r, "agent-reach-unknown").map((f) => f.message).join("\n")).toMatch(/elasticmapreduce:GetClusterSessionCredentials on arn:aws:elasticmapreduce:\*:\*:cluster\/\*, which may run as any role/);
  });

  test("control: a counted Lambda function (name-based ARN) is read as before", () => {
    const fn = (rights: string) => ({
      ...role("fn", policy({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }), rights),
      "aws_lambda_function.f": { count: 1, function_name: "etl", role: "${aws_iam_role.fn.arn}", runtime: "python3.12", handler: "index.handler", filename: "fn.zip" },
    });
    const update = agentCan({ Effect: "Allow", Action: "lambda:UpdateFunctionCode", Resource: "${aws_lambda_function.f[0].arn}" });
    expect(errors(check(tf({ ...update, ...fn(HARMLESS) })))).toEqual([]);
    expect(reached(tf({ ...update, ...fn(DESTROY) }))).toEqual(["aws_iam_role.fn"]);
  });

  test("referencedResource: a literal count or for_each key names the block; no key on a block without either, and no computed key", () => {
    const stack = buildStack(tf({ "aws_emr_cluster.n": { name: "n" }, "aws_emr_cluster.k": { for_each: { a: 1 }, name: "k" }, "aws_emr_cluster.c": { count: 2, name: "c" } }), "x.tf.json");
    const at = (written: string) => referencedResource(stack, written, ["aws_emr_cluster"])?.address;
    expect(at('${aws_emr_cluster.k["a"].arn}')).toBe("aws_emr_cluster.k");
    expect(at("${aws_emr_cluster.c[1].arn}")).toBe("aws_emr_cluster.c");
    expect(at("arn:aws:elasticmapreduce:us-east-1:111111111111:cluster/${aws_emr_cluster.c[0].id}")).toBe("aws_emr_cluster.c");
    expect(at("${aws_emr_cluster.n.arn}")).toBe("aws_emr_cluster.n");
    for (const w of ["${aws_emr_cluster.n[0].arn}", "${aws_emr_cluster.c[*].arn}", "${aws_emr_cluster.c[count.index].arn}", "${aws_emr_cluster.c[var.i].arn}"]) expect([w, at(w)]).toEqual([w, undefined]);
  });
});
