/**
 * A data.aws_iam_policy_document whose statements come from a `dynamic "statement"` block (cdktf's
 * `iterator.dynamic({...})`, red-team round 89): expanded as Terraform expands it when its for_each is known, and
 * unreadable (everything) when it is not.
 */
import { TerraformIterator, TerraformLocal } from "cdktf";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { check, errors, tf } from "../helpers/tf";
import { synth } from "../constructs/helpers";

type Obj = Record<string, unknown>;
const SAFE_TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/runner" }, Action: ["sts:AssumeRole", "sts:SetSourceIdentity"], Condition: { StringLike: { "sts:SourceIdentity": "agent-*" } } }],
});
const stack = (docBody: Obj, extra: Obj = {}) =>
  tf(
    {
      "aws_iam_role.agent": { name: "agent", path: "/agents/", assume_role_policy: SAFE_TRUST, tags: { "blastwall:agent": "true" } },
      "data.aws_iam_policy_document.doc": docBody,
      "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: "${data.aws_iam_policy_document.doc.json}" },
    },
    extra,
  );
const IGNORED = ["agent-role-boundary", "agent-session-duration"];
const ids = (json: Obj) => [...new Set(errors(check(json)).map((f) => f.ruleId))].filter((id) => !IGNORED.includes(id)).sort();
const unreadable = (json: Obj) => errors(check(json), "unanalysable-policy").map((f) => f.message);
/** How cdktf 0.21 writes `it.dynamic({...})`: one object, content an object, iterator "each". */
const dynamic = (forEach: string, content: Obj, iterator?: string) => ({ dynamic: { statement: { for_each: forEach, content, ...(iterator ? { iterator } : {}) } } });

describe("dynamic statement blocks of a policy document", () => {
  test("a for_each over a literal list granting s3:GetObject is read: no unanalysable-policy", () => {
    const json = stack(dynamic('${toset(["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"])}', { effect: "Allow", actions: ["s3:GetObject"], resources: ["${each.value}"] }, "each"));
    expect(ids(json)).toEqual([]);
  });

  test("a destroy right in one is found, naming the statement", () => {
    const json = stack(dynamic('${["vol-1", "vol-2"]}', { sid: "Clean", effect: "Allow", actions: ["ec2:DeleteVolume"], resources: ["arn:aws:ec2:eu-central-1:111111111111:volume/${statement.value}"] }));
    const found = errors(check(json), "agent-destroy-right");
    expect(found.length).toBeGreaterThan(0);
    expect(found.flatMap((f) => f.actions)).toContain("ec2:DeleteVolume");
    expect(found.map((f) => JSON.stringify(f.evidence)).join("\n")).toContain("Clean");
    expect(ids(json)).toEqual(["agent-destroy-right"]);
  });

  test("the label is the iterator by default, and a local holding a literal list is known", () => {
    const json = stack(dynamic("${toset(local.buckets)}", { effect: "Allow", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::${statement.value}/*"] }), { locals: { buckets: ["a", "b"] } });
    expect(ids(json)).toEqual([]);
  });

  test("a map: key and value, and Terraform JSON's list form of dynamic", () => {
    const body = { dynamic: [{ statement: [{ for_each: '${{ Clean = "ec2:DeleteVolume", Read = "s3:GetObject" }}', iterator: "s", content: [{ sid: "${s.key}", actions: ["${s.value}"], resources: ["*"] }] }] }] };
    const found = errors(check(stack(body)), "agent-destroy-right");
    expect(found.flatMap((f) => f.actions)).toContain("ec2:DeleteVolume");
    expect(unreadable(stack(body))).toEqual([]);
  });

  test("nested dynamic condition blocks over a literal list are expanded too", () => {
    const content = { effect: "Allow", actions: ["s3:GetObject"], resources: ["${statement.value}"], dynamic: { condition: { for_each: '${["x", "y"]}', content: { test: "StringEquals", variable: "aws:PrincipalTag/team", values: ["${condition.value}"] } } } };
    expect(ids(stack(dynamic('${["arn:aws:s3:::a/*"]}', content)))).toEqual([]);
  });

  test("a statement written out with a nested dynamic condition over a literal list is read; over an unknown one it is not", () => {
    const statement = (forEach: string) => ({ statement: [{ effect: "Allow", actions: ["s3:GetObject"], resources: ["*"], dynamic: { condition: [{ for_each: forEach, content: [{ test: "StringEquals", variable: "aws:PrincipalTag/team", values: ["${condition.value}"] }] }] } }] });
    expect(ids(stack(statement('${["x", "y"]}')))).toEqual([]);
    const [m, ...more] = unreadable(stack(statement("${var.teams}"), { variable: { teams: {} } }));
    expect(more).toEqual([]);
    expect(m).toContain('has a dynamic "condition" block blastwall cannot expand');
    expect(errors(check(stack(statement("${var.teams}"), { variable: { teams: {} } })), "unanalysable-policy")[0].fix).toContain("for_each a literal list");
  });

  test.each([
    ["a for_each over a variable without a default", dynamic("${var.buckets}", { effect: "Allow", actions: ["s3:GetObject"], resources: ["${statement.value}"] }), { variable: { buckets: { type: "list(string)" } } }, "its for_each ${var.buckets} is not known"],
    ["a for_each over a resource's attribute", dynamic("${aws_iam_role.agent.tags}", { effect: "Allow", actions: ["s3:GetObject"], resources: ["*"] }), {}, "is not known"],
    ["a content naming an iterator that is not there", dynamic('${["a"]}', { effect: "Allow", actions: ["s3:GetObject"], resources: ["${statement.value}"] }, "each"), {}, "statement.value"],
    ["an action taken from a variable without a default", dynamic('${["a"]}', { effect: "Allow", actions: ["${var.action}"], resources: ["*"] }), { variable: { action: { type: "string" } } }, "action"],
    ["a nested dynamic condition over an unknown list", dynamic('${["a"]}', { effect: "Allow", actions: ["s3:GetObject"], resources: ["*"], dynamic: { condition: { for_each: "${var.teams}", content: { test: "StringEquals", variable: "aws:PrincipalTag/team", values: ["${condition.value}"] } } } }), { variable: { teams: {} } }, "dynamic \"condition\""],
  ])("fails closed: %s", (_what, body, extra, why) => {
    const json = stack(body, extra);
    const messages = [...unreadable(json), ...errors(check(json), "agent-destroy-right").map((f) => f.message)];
    expect(messages.length).toBeGreaterThan(0);
    if (unreadable(json).length > 0) expect(unreadable(json).join("\n")).toContain(why);
  });

  test("a for_each over a variable without a default says why and what to do", () => {
    const json = stack(dynamic("${var.buckets}", { effect: "Allow", actions: ["s3:GetObject"], resources: ["${statement.value}"] }), { variable: { buckets: {} } });
    const [f] = errors(check(json), "unanalysable-policy");
    expect(f.message).toContain('dynamic "statement" block blastwall cannot expand: its for_each ${var.buckets} is not known');
    expect(f.fix).toContain("for_each");
  });
});

describe("dynamic statement blocks synthesized by cdktf (TerraformIterator.dynamic)", () => {
  const build = (actions: string[], local = false) =>
    synth((s) => {
      const role = new IamRole(s, "agent", { name: "agent", path: "/agents/", assumeRolePolicy: SAFE_TRUST, tags: { "blastwall:agent": "true" } });
      const list = local ? new TerraformLocal(s, "targets", ["a", "b"]).asList : ["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"];
      const it = TerraformIterator.fromList(list);
      const doc = new DataAwsIamPolicyDocument(s, "doc", { statement: it.dynamic({ sid: "Work", effect: "Allow", actions, resources: [local ? `arn:aws:s3:::${it.value}/*` : it.value] }) });
      new IamRolePolicy(s, "agent-doc", { role: role.name, policy: doc.json });
    }).json as Obj;

  test.each([[false], [true]])("a literal list (through a local: %s) granting s3:GetObject reads as such", (local) => {
    const json = build(["s3:GetObject"], local);
    expect(JSON.stringify(json)).toContain('"dynamic"');
    expect(ids(json)).toEqual([]);
  });

  test("one granting ec2:DeleteVolume is an agent-destroy-right", () => {
    const found = errors(check(build(["ec2:DeleteVolume"])), "agent-destroy-right");
    expect(found.flatMap((f) => f.actions)).toContain("ec2:DeleteVolume");
    expect(unreadable(build(["ec2:DeleteVolume"]))).toEqual([]);
  });
});

// Red-team round 91: cdktf 0.21 writes `TerraformIterator.fromMap({...literal...})`'s for_each as a JSON object (a list
// may be a JSON array), not a string; only a string was evaluated, so read-only rights read as unanalysable-policy.
describe("a for_each written as Terraform JSON (an object or an array), not an expression", () => {
  const fromMap = (map: Record<string, string>) =>
    synth((s) => {
      const role = new IamRole(s, "agent", { name: "agent", path: "/agents/", assumeRolePolicy: SAFE_TRUST, tags: { "blastwall:agent": "true" } });
      const it = TerraformIterator.fromMap(map);
      const doc = new DataAwsIamPolicyDocument(s, "doc", { statement: it.dynamic({ effect: "Allow", actions: [it.key], resources: [it.value] }) });
      new IamRolePolicy(s, "agent-doc", { role: role.name, policy: doc.json });
    }).json as Obj;

  test("cdktf's fromMap of a literal map: read-only rights read as such", () => {
    const json = fromMap({ "ec2:DescribeVolumes": "*" });
    expect(JSON.stringify(json)).toContain('"for_each":{"ec2:DescribeVolumes":"*"}');
    expect(ids(json)).toEqual([]);
  });

  test("cdktf's fromMap of a literal map granting ec2:DeleteVolume is an agent-destroy-right", () => {
    const json = fromMap({ "ec2:DeleteVolume": "*" });
    expect(errors(check(json), "agent-destroy-right").flatMap((f) => f.actions)).toContain("ec2:DeleteVolume");
    expect(unreadable(json)).toEqual([]);
  });

  test("a JSON array reads the same; a JSON object whose value is a variable without a default is not known", () => {
    const array = stack({ dynamic: { statement: [{ for_each: ["ec2:DeleteVolume"], content: [{ effect: "Allow", actions: ["${statement.value}"], resources: ["*"] }] }] } });
    expect([ids(array), unreadable(array)]).toEqual([["agent-destroy-right"], []]);
    const unknown = stack(dynamic({ a: "${var.acts}" } as never, { effect: "Allow", actions: ["${each.value}"], resources: ["*"] }, "each"), { variable: { acts: {} } });
    expect(ids(unknown)).toEqual(expect.arrayContaining(["agent-destroy-right", "agent-reach-unknown"]));
  });
});

// Red-team round 91: Terraform JSON's list form of `dynamic` inside a statement (and in a content) read as unexpandable.
describe("nested dynamic blocks in Terraform JSON's list form", () => {
  const condition = (forEach: string) => [{ condition: [{ for_each: forEach, content: [{ test: "StringEquals", variable: "aws:PrincipalTag/team", values: ["${condition.value}"] }] }] }];

  test("a statement written out with a list-form dynamic condition over a literal list is read", () => {
    expect(ids(stack({ statement: [{ effect: "Allow", actions: ["s3:GetObject"], resources: ["*"], dynamic: condition('${["x", "y"]}') }] }))).toEqual([]);
  });

  test("inside a dynamic statement's content too", () => {
    expect(ids(stack(dynamic('${["arn:aws:s3:::a/*"]}', { effect: "Allow", actions: ["s3:GetObject"], resources: ["${statement.value}"], dynamic: condition('${["x"]}') })))).toEqual([]);
  });

  test("control: over an unknown list it is not read, and the reason names the block", () => {
    const [m, ...more] = unreadable(stack({ statement: [{ effect: "Allow", actions: ["s3:GetObject"], resources: ["*"], dynamic: condition("${var.teams}") }] }, { variable: { teams: {} } }));
    expect([m, more]).toEqual([expect.stringContaining('has a dynamic "condition" block blastwall cannot expand'), []]);
  });
});
