import { buildStack } from "../../lib/engine/terraform/stack";
import {
  attributePattern,
  classifyExpression,
  hasInterpolation,
  parseReference,
  parseTemplate,
  principalPatterns,
  refTarget,
  resolveToPattern,
} from "../../lib/engine/terraform/tokens";

describe("parseTemplate", () => {
  test("literals and interpolations", () => {
    expect(parseTemplate("arn:aws:s3:::${aws_s3_bucket.b.bucket}/*")).toEqual([
      { kind: "literal", text: "arn:aws:s3:::" },
      { kind: "interpolation", raw: "${aws_s3_bucket.b.bucket}", expr: "aws_s3_bucket.b.bucket", directive: false },
      { kind: "literal", text: "/*" },
    ]);
  });
  test("nested braces and quoted strings with their own interpolations", () => {
    const s = 'x${lookup({a = "}"}, "${var.k}", "d")}y${merge(local.t, {b = 1})}';
    const parts = parseTemplate(s);
    expect(parts.map((p) => (p.kind === "literal" ? p.text : p.expr))).toEqual([
      "x",
      'lookup({a = "}"}, "${var.k}", "d")',
      "y",
      "merge(local.t, {b = 1})",
    ]);
  });
  test("escaped quotes inside strings", () => {
    const parts = parseTemplate('${format("a\\"}b", var.x)}!');
    expect(parts[0]).toMatchObject({ kind: "interpolation", expr: 'format("a\\"}b", var.x)' });
    expect(parts[1]).toEqual({ kind: "literal", text: "!" });
  });
  test("escapes $${ and %%{ stay literal; %{ } is a directive; strip markers", () => {
    expect(parseTemplate("home/$${aws:username}/*")).toEqual([{ kind: "literal", text: "home/${aws:username}/*" }]);
    expect(parseTemplate("%%{x}")).toEqual([{ kind: "literal", text: "%{x}" }]);
    expect(parseTemplate("%{ if var.x }a%{ endif }")[0]).toMatchObject({ directive: true, expr: "if var.x" });
    expect(parseTemplate("${~ var.x ~}")[0]).toMatchObject({ expr: "var.x" });
  });
  test("an unterminated interpolation takes the rest of the string", () => {
    expect(parseTemplate("a${var.x")).toEqual([
      { kind: "literal", text: "a" },
      { kind: "interpolation", raw: "${var.x", expr: "var.x", directive: false },
    ]);
  });
  test("hasInterpolation", () => {
    expect(hasInterpolation("plain")).toBe(false);
    expect(hasInterpolation("a $${aws:username}")).toBe(false);
    expect(hasInterpolation("{}")).toBe(false);
    expect(hasInterpolation("${var.x}")).toBe(true);
    expect(hasInterpolation("%{if x}")).toBe(true);
    expect(hasInterpolation("$${a}${var.x}")).toBe(true);
  });
});

describe("references", () => {
  test("resource, data, var, local, module, other", () => {
    expect(parseReference("aws_iam_role.x.arn")).toEqual({ kind: "resource", address: "aws_iam_role.x", attribute: "arn", path: [] });
    expect(parseReference("data.aws_iam_policy_document.d.json")).toEqual({
      kind: "data",
      address: "data.aws_iam_policy_document.d",
      attribute: "json",
      path: [],
    });
    expect(parseReference("var.x")).toEqual({ kind: "var", address: "var.x", attribute: undefined, path: [] });
    expect(parseReference("local.y.k")).toEqual({ kind: "local", address: "local.y", attribute: "k", path: [] });
    expect(parseReference("module.m.out")).toEqual({ kind: "module", address: "module.m", attribute: "out", path: [] });
    expect(parseReference("path.module")?.kind).toBe("other");
    expect(parseReference("count.index")?.kind).toBe("other");
  });
  test("resources inside (nested, keyed) modules", () => {
    expect(parseReference("module.agent.aws_iam_role.this.arn")).toMatchObject({ kind: "resource", address: "module.agent.aws_iam_role.this", attribute: "arn" });
    expect(parseReference('module.fleet["a"].module.perm.data.aws_iam_policy_document.d.json')).toMatchObject({
      kind: "data",
      address: 'module.fleet["a"].module.perm.data.aws_iam_policy_document.d',
      attribute: "json",
    });
    expect(parseReference("module.vpc.private_subnets")).toMatchObject({ kind: "module", address: "module.vpc", attribute: "private_subnets" });
  });
  test("instance keys, splats and further steps", () => {
    // The instance key is part of the address, as in plans and expanded HCL (AddressMap falls back to the resource).
    expect(parseReference('aws_iam_role.r["k"].name')).toMatchObject({ address: 'aws_iam_role.r["k"]', index: '"k"', attribute: "name" });
    expect(parseReference("aws_iam_role.r[0].arn")).toMatchObject({ address: "aws_iam_role.r[0]", index: "0", attribute: "arn" });
    expect(parseReference("aws_iam_role.r[*].arn")).toMatchObject({ address: "aws_iam_role.r", splat: true, attribute: "arn" });
    expect(parseReference("aws_iam_role.r.tags.Name")).toMatchObject({ attribute: "tags", path: ["Name"] });
  });
  test("other expressions", () => {
    expect(parseReference('jsonencode({a = 1})')).toBeUndefined();
    expect(classifyExpression('file("policy.json")')).toEqual({ kind: "expression", function: "file" });
    expect(classifyExpression("provider::aws::arn_parse(var.a)")).toEqual({ kind: "expression", function: "provider::aws::arn_parse" });
    expect(classifyExpression('var.a == "x" ? 1 : 2')).toEqual({ kind: "expression" });
    expect(classifyExpression("aws_iam_role.x.arn")).toMatchObject({ kind: "reference" });
  });
  test("refTarget only for a string that is exactly one reference", () => {
    expect(refTarget("${aws_iam_role.x.name}")).toMatchObject({ address: "aws_iam_role.x", attribute: "name" });
    expect(refTarget("${data.aws_iam_policy_document.x.json}")).toMatchObject({ address: "data.aws_iam_policy_document.x", attribute: "json" });
    expect(refTarget("${var.x}")).toMatchObject({ address: "var.x" });
    expect(refTarget("${aws_iam_role.x.name}-suffix")).toBeUndefined();
    expect(refTarget("${aws_iam_role.x.name}${var.y}")).toBeUndefined();
    expect(refTarget('${file("x")}')).toBeUndefined();
    expect(refTarget("${path.module}")).toBeUndefined();
    expect(refTarget("agent")).toBeUndefined();
    expect(refTarget(3)).toBeUndefined();
  });
});

describe("resolveToPattern", () => {
  const s = buildStack(
    {
      variable: { env: { default: "prod" }, nodefault: {}, list: { default: ["a", "b"] }, acct: { default: "012345678901" } },
      locals: { bucket: "${var.env}-data", self: "${local.self}" },
      resource: {
        aws_iam_role: {
          named: { name: "agent", path: "/agents/" },
          prefixed: { name_prefix: "ai-" },
          anon: {},
          tokenname: { name: "${var.env}-ops" },
        },
        aws_iam_user: { u: { name: "alice" } },
        aws_iam_group: { g: { name: "devs", path: "/teams/" } },
        aws_iam_policy: { p: { name: "deploy", path: "/ci/", policy: "{}" }, q: { name_prefix: "tmp-", policy: "{}" } },
        aws_s3_bucket: { b: { bucket: "${local.bucket}" }, pre: { bucket_prefix: "logs-" }, anon: {} },
        aws_kms_key: { k: {} },
        aws_secretsmanager_secret: { s: { name: "db-password" } },
        aws_db_instance: { db: { identifier: "main" } },
        aws_ebs_volume: { v: { size: 1 } },
        aws_dynamodb_table: { t: { name: "orders" } },
      },
      data: { aws_caller_identity: { me: {} }, aws_partition: { p: {} }, aws_region: { r: {} } },
    },
    "f",
  );
  const r = (x: string) => resolveToPattern(s, x);

  test("plain strings are returned as they are", () => {
    expect(r("arn:aws:s3:::fixed/*")).toEqual({ pattern: "arn:aws:s3:::fixed/*", unresolved: [], exact: true });
    expect(r("home/$${aws:username}")).toEqual({ pattern: "home/${aws:username}", unresolved: [], exact: true });
  });
  test("literal attribute values, variable defaults, locals (chained)", () => {
    expect(r("${aws_iam_user.u.name}")).toEqual({ pattern: "alice", unresolved: [], exact: true });
    expect(r("${var.env}")).toEqual({ pattern: "prod", unresolved: [], exact: true });
    expect(r("${local.bucket}")).toEqual({ pattern: "prod-data", unresolved: [], exact: true });
    expect(r("${var.list[1]}").pattern).toBe("b");
    expect(r("${aws_iam_role.tokenname.name}").pattern).toBe("prod-ops");
  });
  test("IAM principal names and ARNs", () => {
    expect(r("${aws_iam_role.named.arn}")).toEqual({ pattern: "arn:aws:iam::*:role/agents/agent", unresolved: [], exact: true });
    expect(r("${aws_iam_role.named.id}").pattern).toBe("agent");
    expect(r("${aws_iam_role.prefixed.name}")).toMatchObject({ pattern: "ai-*", exact: false });
    expect(r("${aws_iam_role.prefixed.arn}").pattern).toBe("arn:aws:iam::*:role/ai-*");
    expect(r("${aws_iam_role.anon.arn}")).toMatchObject({ pattern: "arn:aws:iam::*:role/terraform-*", exact: false });
    expect(r("${aws_iam_user.u.arn}").pattern).toBe("arn:aws:iam::*:user/alice");
    expect(r("${aws_iam_group.g.arn}").pattern).toBe("arn:aws:iam::*:group/teams/devs");
    expect(r("${aws_iam_policy.p.arn}").pattern).toBe("arn:aws:iam::*:policy/ci/deploy");
    expect(r("${aws_iam_policy.p.id}").pattern).toBe("arn:aws:iam::*:policy/ci/deploy");
    expect(r("${aws_iam_policy.q.arn}").pattern).toBe("arn:aws:iam::*:policy/tmp-*");
  });
  test("data resources with service-shaped ARNs", () => {
    expect(r("${aws_iam_policy.q.arn}").pattern).toBe("arn:aws:iam::*:policy/tmp-*");
    expect(r("${aws_s3_bucket.b.arn}/*")).toEqual({ pattern: "arn:aws:s3:::prod-data/*", unresolved: [], exact: true });
    expect(r("${aws_s3_bucket.b.id}").pattern).toBe("prod-data");
    expect(r("${aws_s3_bucket.pre.arn}").pattern).toBe("arn:aws:s3:::logs-*");
    expect(r("${aws_s3_bucket.anon.arn}/*").pattern).toBe("arn:aws:s3:::terraform-*/*");
    expect(r("${aws_kms_key.k.arn}")).toMatchObject({ pattern: "arn:aws:kms:*:*:key/*", exact: false, unresolved: [] });
    expect(r("${aws_secretsmanager_secret.s.arn}").pattern).toBe("arn:aws:secretsmanager:*:*:secret:db-password-*");
    expect(r("${aws_db_instance.db.arn}").pattern).toBe("arn:aws:rds:*:*:db:main");
    expect(r("${aws_ebs_volume.v.arn}").pattern).toBe("arn:aws:ec2:*:*:volume/vol-*");
    expect(r("${aws_dynamodb_table.t.arn}").pattern).toBe("arn:aws:dynamodb:*:*:table/orders");
  });
  test("account ids are * (not counted as inexact), partition is its provider region's (any, inexact, when not known), region is *", () => {
    expect(r("arn:${data.aws_partition.p.partition}:iam::${data.aws_caller_identity.me.account_id}:policy/x")).toEqual({
      pattern: "arn:*:iam::*:policy/x",
      unresolved: [],
      exact: false,
    });
    // red-team round 90: a GovCloud or China region's partition, not `aws`, so an aws:PrincipalArn condition or Deny
    // written with it is read in the partition the stack runs in.
    for (const [region, partition] of [["us-east-1", "aws"], ["us-gov-west-1", "aws-us-gov"], ["cn-north-1", "aws-cn"]]) {
      const placed = buildStack({ provider: { aws: [{ region }, { alias: "x" }] }, data: { aws_partition: { p: {}, other: { provider: "aws.x" } } } }, "p");
      expect(resolveToPattern(placed, "arn:${data.aws_partition.p.partition}:iam::*:role/a")).toEqual({ pattern: `arn:${partition}:iam::*:role/a`, unresolved: [], exact: true });
      expect(resolveToPattern(placed, "${data.aws_partition.other.partition}")).toMatchObject({ pattern: "*", exact: false });
    }
    expect(r("arn:aws:kms:${data.aws_region.r.name}:*:key/1")).toMatchObject({ pattern: "arn:aws:kms:*:*:key/1", exact: false });
  });
  describe("format and tostring (cdktf's Fn.format, Fn.tostring)", () => {
    test("the format's text with each value read as a reference anywhere is", () => {
      expect(r('${format("arn:aws:iam::%s:role/%s", data.aws_caller_identity.me.account_id, aws_iam_user.u.name)}')).toEqual({
        pattern: "arn:aws:iam::*:role/alice",
        unresolved: [],
        exact: true,
      });
      expect(r('${format("%v-%d%%", var.env, 7)}')).toEqual({ pattern: "prod-7%", unresolved: [], exact: true });
      expect(r("${tostring(local.bucket)}")).toEqual({ pattern: "prod-data", unresolved: [], exact: true });
      expect(r('arn:aws:s3:::${format("%s-logs", var.env)}/*').pattern).toBe("arn:aws:s3:::prod-logs/*");
      expect(r('${format("%v-%d-%d", 123456, 123456789012, var.nodefault)}')).toMatchObject({ pattern: "123456-123456789012-*", exact: false });
    });
    test("a value it cannot know is a wildcard in its place, and the pattern is inexact", () => {
      expect(r('${format("arn:aws:iam::%s:role/ci", var.nodefault)}')).toEqual({ pattern: "arn:aws:iam::*:role/ci", unresolved: ["${var.nodefault}"], exact: false });
      expect(r('${format("role/%s", aws_iam_role.prefixed.name)}')).toMatchObject({ pattern: "role/ai-*", exact: false });
    });
    test.each([
      ["a verb with a width", '${format("role/%5s", var.env)}'],
      ["an indexed verb", '${format("role/%[1]s", var.env)}'],
      ["a verb it does not read", '${format("role/%q", var.env)}'],
      ["a trailing %", '${format("role/%s%", var.env)}'],
      ["fewer values than verbs", '${format("%s/%s", var.env)}'],
      ["more values than verbs", '${format("%s", var.env, var.env)}'],
      ["the format as a reference", "${format(var.env, var.env)}"],
      ["a value that is a call", '${format("role/%s", lower(var.env))}'],
      ["a value that is a template", '${format("role/%s", "${var.env}-x")}'],
      ["an expanded list", '${format("role/%s", var.list...)}'],
      ["tostring of two values", "${tostring(var.env, var.env)}"],
      // Terraform prints numbers its own way (red-team round 89): %v as Go's %g, %d after converting a string.
      ["%v of a number from a million up", '${format("arn:aws:iam::%v:root", 123456789012)}'],
      ["%v of text that may be such a number", '${format("arn:aws:iam::%v:root", var.acct)}'],
      ["%v of a fraction", '${format("%v", 1.5)}'],
      ["%d of a string with a leading zero", '${format("arn:aws:iam::%d:root", "012345678901")}'],
      ["%d of a word", '${format("%d", var.env)}'],
      ["-0, which Terraform prints as -0", '${format("%s", -0)}'],
      ["unparseable text", '${format("role/%s", var.env}'],
    ])("leaves the whole call unknown for %s", (_name, text) => {
      expect(r(text)).toMatchObject({ pattern: "*", exact: false, unresolved: [text] });
    });
  });
  test("the caller's account is the one the data source's provider is pinned to", () => {
    const pinned = buildStack(
      {
        provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["111111111111"] }, { alias: "any", region: "eu-west-1" }] },
        data: { aws_caller_identity: { me: {}, other: { provider: "aws.any" } } },
      },
      "p",
    );
    expect(resolveToPattern(pinned, "arn:aws:iam::${data.aws_caller_identity.me.account_id}:role/ops").pattern).toBe("arn:aws:iam::111111111111:role/ops");
    expect(resolveToPattern(pinned, "arn:aws:iam::${data.aws_caller_identity.other.account_id}:role/ops").pattern).toBe("arn:aws:iam::*:role/ops");
    // A chain of assume_role blocks ends in the last role's account (red-team round 50).
    const chained = buildStack(
      { provider: { aws: [{ region: "eu-west-1", assume_role: [{ role_arn: "arn:aws:iam::222222222222:role/hub" }, { role_arn: "arn:aws:iam::111111111111:role/tf" }] }] }, data: { aws_caller_identity: { me: {} } } },
      "c",
    );
    expect(resolveToPattern(chained, "${data.aws_caller_identity.me.account_id}").pattern).toBe("111111111111");
    // A provider that may run elsewhere without saying where (an alias, a role blastwall cannot read): the account is
    // not known, and nothing may count on it (red-team round 51). A role read from a variable's default pins nothing:
    // -var may name another account (red-team round 90).
    const elsewhere = buildStack(
      {
        variable: { deploy: { default: "arn:aws:iam::222222222222:role/tf" }, other: {} },
        provider: { aws: [{ region: "eu-west-1" }, { alias: "y", region: "eu-west-1", assume_role: [{ role_arn: "${var.other}" }] }, { alias: "v", region: "eu-west-1", assume_role: [{ role_arn: "${var.deploy}" }] }] },
        data: { aws_caller_identity: { plain: {}, y: { provider: "aws.y" }, v: { provider: "aws.v" } } },
      },
      "e",
    );
    expect(resolveToPattern(elsewhere, "${data.aws_caller_identity.plain.account_id}")).toMatchObject({ pattern: "*", exact: true });
    expect(resolveToPattern(elsewhere, "${data.aws_caller_identity.y.account_id}")).toMatchObject({ pattern: "*", exact: false });
    expect(resolveToPattern(elsewhere, "${data.aws_caller_identity.v.account_id}")).toMatchObject({ pattern: "*", exact: false });
  });
  test("everything else is * and listed", () => {
    expect(r("${var.nodefault}")).toEqual({ pattern: "*", unresolved: ["${var.nodefault}"], exact: false });
    expect(r('arn:aws:s3:::${lookup(var.m, "k")}/x')).toEqual({ pattern: "arn:aws:s3:::*/x", unresolved: ['${lookup(var.m, "k")}'], exact: false });
    expect(r("${aws_iam_role.missing.arn}").unresolved).toEqual(["${aws_iam_role.missing.arn}"]);
    expect(r("${aws_iam_role.named.unique_id}").pattern).toBe("*");
    expect(r("${module.m.arn}").pattern).toBe("*");
    expect(r("${aws_iam_role.named[*].arn}").pattern).toBe("*");
    expect(r("${local.self}").pattern).toBe("*");
    expect(r("%{ if var.x }a%{ endif }").pattern).toBe("*");
    // Red-team round 165: the text between directives is not certain; the text around them is.
    expect(r("arn:aws:s3:::%{ if var.x }a%{ else }b%{ endif }/k")).toMatchObject({ pattern: "arn:aws:s3:::*/k", exact: false });
    expect(r("${var.nodefault}${var.nodefault}")).toEqual({ pattern: "*", unresolved: ["${var.nodefault}"], exact: false });
  });
  test("attributePattern and principalPatterns", () => {
    expect(attributePattern(s, s.byAddress.get("aws_iam_role.named")!, "arn").pattern).toBe("arn:aws:iam::*:role/agents/agent");
    expect(attributePattern(s, s.byAddress.get("aws_kms_key.k")!, "rotation_period").pattern).toBe("*");
    expect(principalPatterns(s, s.byAddress.get("aws_iam_role.prefixed")!)).toEqual({
      name: "ai-*",
      arn: "arn:aws:iam::*:role/ai-*",
      nameExact: false,
      exact: false,
    });
    expect(principalPatterns(s, s.byAddress.get("aws_iam_role.tokenname")!)).toMatchObject({ name: "prod-ops", nameExact: true });
  });
});

test("hasInterpolation reads escapes like parseTemplate", () => {
  for (const s of ["$$${x}", "$${x}", "a$${x}${y}", "%%{x}", "%${x}", "{${x}}", "$$$${x}", "$", "${"]) {
    expect([s, hasInterpolation(s)]).toEqual([s, parseTemplate(s).some((p) => p.kind === "interpolation")]);
  }
});

describe("templates nested to any depth", () => {
  // Red-team round 101: 10,000 nested `${"${"...` overflowed the recursive scan, an internal error instead of a reading.
  test("10,000 levels are one interpolation, read without overflowing the stack", () => {
    const deep = `${'${"'.repeat(10000)}x${'"}'.repeat(10000)}`;
    const parts = parseTemplate(deep);
    expect(parts).toHaveLength(1);
    expect(parts[0]).toMatchObject({ kind: "interpolation", raw: deep });
  });

  test.each([
    ['a${"}"}b', ["literal", "interpolation", "literal"]],
    ['${"${x}"}', ["interpolation"]],
    ['${"unclosed', ["interpolation"]],
    ['${x "y}', ["interpolation"]],
    ['$${x}${y}', ["literal", "interpolation"]],
  ])("%s", (s, kinds) => {
    expect(parseTemplate(s).map((p) => p.kind)).toEqual(kinds);
  });
});

/**
 * Red-team round 136: with neither a name nor its prefix, the AWS provider names a role, a managed policy, an instance
 * profile or a bucket `terraform-` and a unique suffix (create.Name), never any other name; a name that is unknown
 * stays `*`, and so does one an import block gives (the existing object's).
 */
describe("names the AWS provider generates", () => {
  const stack = (extra: Record<string, unknown> = {}) =>
    buildStack(
      {
        variable: { n: { type: "string" } },
        resource: {
          aws_iam_role: { anon: {}, pre: { name_prefix: "svc-" }, unknown: { name: "${var.n}" }, nulled: { name: null } },
          aws_iam_policy: { anon: { policy: "{}" }, pathed: { path: "/legacy/", policy: "{}" } },
          aws_iam_instance_profile: { anon: {} },
          aws_s3_bucket: { anon: {}, pre: { bucket_prefix: "logs-" }, empty: { bucket: "" } },
          aws_iam_user: { anon: {} },
        },
        data: { aws_iam_policy: { byname: { name: "legacy-readers" }, byarn: { arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }, unknown: { name: "${var.n}" } }, aws_s3_bucket: { b: { bucket: "${var.n}" } } },
        ...extra,
      },
      "f",
    );
  const r = (x: string, s = stack()) => resolveToPattern(s, x);

  test("a role, policy, instance profile or bucket with no name is terraform-*, inexact", () => {
    expect(r("${aws_iam_role.anon.name}")).toMatchObject({ pattern: "terraform-*", exact: false });
    expect(r("${aws_iam_role.nulled.arn}").pattern).toBe("arn:aws:iam::*:role/terraform-*");
    expect(r("${aws_iam_policy.anon.arn}").pattern).toBe("arn:aws:iam::*:policy/terraform-*");
    expect(r("${aws_iam_policy.pathed.name}").pattern).toBe("terraform-*");
    expect(r("${aws_iam_policy.pathed.arn}").pattern).toBe("arn:aws:iam::*:policy/legacy/terraform-*");
    expect(r("${aws_iam_instance_profile.anon.arn}").pattern).toBe("arn:aws:iam::*:instance-profile/terraform-*");
    expect(r("${aws_s3_bucket.anon.bucket}")).toMatchObject({ pattern: "terraform-*", exact: false });
    expect(r("${aws_s3_bucket.anon.bucket_domain_name}").pattern).toBe("terraform-*.s3.amazonaws.com");
    // An empty name is none to the provider either (red-team round 138 F4).
    expect(r("${aws_s3_bucket.empty.arn}").pattern).toBe("arn:aws:s3:::terraform-*");
  });

  test("an object a moved block moves to an unnamed resource (or into a moved module) keeps its name: any name (red-team round 138 F1)", () => {
    const moved = stack({ moved: [{ from: "aws_s3_bucket.old", to: "aws_s3_bucket.anon" }, { from: "module.a", to: "module.b" }] });
    expect(r("${aws_s3_bucket.anon.arn}", moved).pattern).toBe("arn:aws:s3:::*");
    const inModule = buildStack({ moved: { from: "module.a", to: "module.b" }, module: { b: { source: "./b" } }, resource: { aws_iam_role: { anon: {} } } }, "f");
    expect(resolveToPattern(inModule, "${aws_iam_role.anon.arn}").pattern).toBe("arn:aws:iam::*:role/terraform-*");
    // The control: a move to another resource leaves this one's name generated.
    expect(r("${aws_iam_role.anon.arn}", moved).pattern).toBe("arn:aws:iam::*:role/terraform-*");
  });

  test("the controls: a prefix, a name blastwall cannot resolve, a type the provider does not name so, a data source", () => {
    expect(r("${aws_iam_role.pre.name}").pattern).toBe("svc-*");
    expect(r("${aws_s3_bucket.pre.arn}").pattern).toBe("arn:aws:s3:::logs-*");
    expect(r("${aws_iam_role.unknown.arn}").pattern).toBe("arn:aws:iam::*:role/*");
    // A user's name is required: one missing is not the provider's to make.
    expect(r("${aws_iam_user.anon.arn}").pattern).toBe("arn:aws:iam::*:user/*");
    expect(r("${data.aws_s3_bucket.b.arn}").pattern).toBe("arn:aws:s3:::*");
  });

  test("an object an import block brings under the resource keeps its own name: any", () => {
    const imported = stack({ import: [{ to: "aws_iam_role.anon", id: "${var.n}" }, { to: "aws_s3_bucket.anon", id: "old-bucket" }] });
    expect(r("${aws_iam_role.anon.arn}", imported).pattern).toBe("arn:aws:iam::*:role/*");
    expect(r("${aws_s3_bucket.anon.bucket}", imported).pattern).toBe("*");
    expect(r("${aws_iam_policy.anon.arn}", imported).pattern).toBe("arn:aws:iam::*:policy/terraform-*");
  });

  test("a managed policy looked up by name is that name under any path, in any account (AWS's too); by arn, the arn", () => {
    expect(r("${data.aws_iam_policy.byname.arn}")).toMatchObject({ pattern: "arn:aws:iam::?*:policy/*legacy-readers", exact: false });
    expect(r("${data.aws_iam_policy.byname.id}").pattern).toBe("arn:aws:iam::?*:policy/*legacy-readers");
    expect(r("${data.aws_iam_policy.byarn.arn}").pattern).toBe("arn:aws:iam::aws:policy/ReadOnlyAccess");
    expect(r("${data.aws_iam_policy.unknown.arn}").pattern).toBe("arn:aws:iam::?*:policy/*");
  });
});
