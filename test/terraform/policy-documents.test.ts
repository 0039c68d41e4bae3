import { parsePolicyJson } from "../../lib/engine/iam/policy-json";
import type { PolicyDocument, Statement } from "../../lib/engine/iam/types";
import { buildStack } from "../../lib/engine/terraform/stack";
import { UNREADABLE_CONDITION, UNRESOLVED_ACTION_PREFIX, policyFromDataSource, policyFromValue } from "../../lib/engine/terraform/policy-documents";
import type { TfStack } from "../../lib/engine/terraform/types";

const doc = (statements: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

function stackOf(extra: { resource?: Record<string, unknown>; data?: Record<string, unknown>; variable?: Record<string, unknown>; locals?: Record<string, unknown> }): TfStack {
  return buildStack(
    {
      variable: { env: { default: "prod" }, nodefault: {}, ...(extra.variable ?? {}) },
      locals: { ...(extra.locals ?? {}) },
      resource: {
        aws_s3_bucket: { prod: { bucket: "prod-data" }, anon: {} },
        aws_iam_role: { agent: { name: "agent", assume_role_policy: "{}" } },
        ...(extra.resource ?? {}),
      },
      data: { ...(extra.data ?? {}) },
    },
    "cdk.tf.json",
  );
}

const from = (s: TfStack, value: unknown, via = "aws_iam_role_policy.p") => policyFromValue(s, value, { address: "aws_iam_role_policy.p", via });
const only = (d: PolicyDocument): Statement => {
  expect(d.statements).toHaveLength(1);
  return d.statements[0];
};

describe("policyFromValue: JSON strings", () => {
  const s = stackOf({});

  test("a literal JSON policy: statements point at the holder, with via", () => {
    const d = from(s, doc([{ Sid: "Read", Effect: "Allow", Action: "s3:GetObject", Resource: "*" }]));
    expect(d.address).toBe("aws_iam_role_policy.p");
    expect(only(d)).toMatchObject({
      effect: "Allow",
      actions: ["s3:getobject"],
      resources: ["*"],
      source: { address: "aws_iam_role_policy.p", sid: "Read", index: 0, via: "aws_iam_role_policy.p" },
    });
  });

  test("tokens in resources: exact ones are substituted, others widened and marked approximate", () => {
    const st = only(
      from(s, doc([{ Effect: "Allow", Action: "s3:DeleteObject", Resource: ["${aws_s3_bucket.prod.arn}/*", "arn:aws:s3:::${var.nodefault}/*", "${aws_s3_bucket.anon.arn}"] }])),
    );
    expect(st.resources).toEqual(["arn:aws:s3:::prod-data/*", "arn:aws:s3:::*/*", "arn:aws:s3:::terraform-*"]); // an unnamed bucket: the provider names it terraform-<timestamp>
    expect(st.approximateResources).toEqual([1, 2]);
  });

  test("tokens holding quotes do not break JSON parsing", () => {
    const text = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"${lookup(var.m, "k")}"}]}';
    const st = only(from(s, text));
    expect(st.unknown).toBeUndefined();
    expect(st.resources).toEqual(["*"]);
    expect(st.approximateResources).toEqual([0]);
  });

  test("IAM policy variables ($${aws:username}) widen and are approximate", () => {
    const st = only(from(s, doc([{ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::b/home/$${aws:username}/*" }])));
    expect(st.resources).toEqual(["arn:aws:s3:::b/home/*/*"]);
    expect(st.approximateResources).toEqual([0]);
  });

  test("a Deny's unresolvable action matches nothing instead of everything", () => {
    const d = from(s, doc([{ Effect: "Deny", Action: ["ec2:DeleteVolume", "${var.nodefault}"], Resource: "*" }]));
    expect(only(d).actions).toEqual(["ec2:deletevolume", `${UNRESOLVED_ACTION_PREFIX}(var.nodefault)`]);
    const allow = from(s, doc([{ Effect: "Allow", Action: "${var.nodefault}", Resource: "*" }]));
    expect(only(allow).actions).toEqual(["*"]);
    const allowNot = from(s, doc([{ Effect: "Allow", NotAction: "${var.nodefault}", Resource: "*" }]));
    expect(only(allowNot).notActions![0]).toMatch(new RegExp(`^${UNRESOLVED_ACTION_PREFIX}`));
    expect(only(from(s, doc([{ Effect: "Deny", Action: "${var.env}:Delete*", Resource: "*" }]))).actions).toEqual(["prod:delete*"]);
  });

  test("condition values resolve only when exact; otherwise they stay as written", () => {
    const st = only(
      from(s, doc([{ Effect: "Deny", Action: "s3:*", Resource: "*", Condition: { StringEquals: { "aws:PrincipalTag/env": ["${var.env}", "${var.nodefault}"] } } }])),
    );
    expect(st.conditions).toEqual([{ operator: "StringEquals", key: "aws:PrincipalTag/env", values: ["prod", "${var.nodefault}"], written: ["${var.env}", "${var.nodefault}"] }]);
    const plain = only(from(s, doc([{ Effect: "Deny", Action: "s3:*", Resource: "*", Condition: { StringEquals: { "aws:PrincipalTag/env": ["${var.nodefault}", "x"] } } }])));
    expect(plain.conditions).toEqual([{ operator: "StringEquals", key: "aws:PrincipalTag/env", values: ["${var.nodefault}", "x"] }]);
  });

  test("principals resolve like resources", () => {
    const st = only(
      from(s, doc([{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { AWS: ["${aws_iam_role.agent.arn}"] } }])),
    );
    expect(st.principals).toEqual([{ type: "AWS", identifiers: ["arn:aws:iam::*:role/agent"] }]);
    expect(st.approximatePrincipals).toBeUndefined();
  });

  test("invalid JSON and tokens outside strings are unknown, with the reason", () => {
    expect(only(from(s, '{"Statement": [}')).unknown).toMatch(/^policy is not valid JSON: unexpected "}", expected a value at line 1, column 16$/);
    expect(only(from(s, '{"Version":"2012-10-17","Statement": ${jsonencode(local.st)}}')).unknown).toBe(
      "policy JSON is assembled from ${jsonencode(local.st)} outside a JSON string, which blastwall cannot read",
    );
    expect(only(from(s, 42)).unknown).toMatch(/not a JSON document/);
    expect(only(from(s, undefined)).unknown).toBe("policy is not set");
  });

  test("a key written twice in one object is unknown: which of the two IAM applies is not certain (red-team round 131)", () => {
    const password = "arn:aws:iam::aws:policy/root-task/IAMCreateRootUserPassword";
    const audit = "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials";
    const twoBlocks = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRoot","Resource":"*","Condition":{"StringEquals":{"sts:TaskPolicyArn":"${password}"},"StringEquals":{"sts:TaskPolicyArn":"${audit}"}}}]}`;
    expect(only(from(s, twoBlocks)).unknown).toBe(
      'policy JSON repeats a key: key "StringEquals" appears twice in the same object; JSON readers keep the last one, and which one AWS applies is not certain',
    );
    const twoKeys = `{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/env":"prod","aws:PrincipalTag/env":"dev"}}}]}`;
    expect(only(from(s, twoKeys)).unknown).toMatch(/^policy JSON repeats a key: key "aws:PrincipalTag\/env" appears twice/);
    // With a reference inside (the slow path) too.
    const withRef = `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"\${lookup(var.m, \"k\")}","Resource":"*"}]}`;
    expect(only(from(s, withRef)).unknown).toMatch(/^policy JSON repeats a key: key "Resource" appears twice/);
    // A string value that ends in a quote before a colon looks like one more key to the quick count: the full scan then
    // finds none repeated, and the policy is read.
    expect(only(from(s, `{"Statement":[{"Sid":"a\\":b","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)).unknown).toBeUndefined();
    // Nested deeper than any IAM policy: unreadable, not scanned without end.
    const deep = `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":${"{\"x\":".repeat(20)}1${"}".repeat(20)}}]}`;
    expect(only(from(s, deep)).unknown).toBe("policy JSON is nested more than 16 levels deep, which no IAM policy is");
    // The control: each key once.
    expect(only(from(s, `{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRoot","Resource":"*","Condition":{"StringEquals":{"sts:TaskPolicyArn":"${audit}"}}}]}`)).unknown).toBeUndefined();
  });
});

describe("policyFromValue: whole-value references and expressions", () => {
  const s = stackOf({
    variable: { policyvar: { default: doc([{ Effect: "Allow", Action: "s3:ListBucket", Resource: "*" }]) } },
    resource: {
      aws_iam_policy: {
        p: { name: "p", policy: doc([{ Sid: "X", Effect: "Allow", Action: "ec2:*", Resource: "*" }]), "//": { metadata: { path: "s/p" } } },
        self: { name: "self", policy: "${aws_iam_policy.self.policy}" },
      },
    },
    data: {
      aws_iam_policy_document: { d: { statement: { actions: ["s3:GetObject"], resources: ["${aws_s3_bucket.prod.arn}/*"] } } },
      aws_iam_policy: {
        ro: { arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" },
        named: { name: "external" },
      },
    },
  });

  test("${data.aws_iam_policy_document.X.json} and .minified_json", () => {
    for (const attr of ["json", "minified_json"]) {
      const d = from(s, `\${data.aws_iam_policy_document.d.${attr}}`);
      expect(d.address).toBe("data.aws_iam_policy_document.d");
      expect(only(d)).toMatchObject({
        effect: "Allow",
        actions: ["s3:getobject"],
        resources: ["arn:aws:s3:::prod-data/*"],
        source: { address: "data.aws_iam_policy_document.d", index: 0, via: "aws_iam_role_policy.p" },
      });
    }
  });

  test("${aws_iam_policy.X.policy} is that policy's document", () => {
    const d = from(s, "${aws_iam_policy.p.policy}");
    expect(d.address).toBe("aws_iam_policy.p");
    expect(only(d).source).toMatchObject({ address: "aws_iam_policy.p", sid: "X", constructPath: "s/p", via: "aws_iam_role_policy.p" });
    expect(only(from(s, "${aws_iam_policy.self.policy}")).unknown).toMatch(/refers to itself/);
  });

  test("${var.x} with a literal default is read; without one it is unknown", () => {
    expect(only(from(s, "${var.policyvar}")).actions).toEqual(["s3:listbucket"]);
    expect(only(from(s, "${var.nodefault}")).unknown).toBe("policy comes from ${var.nodefault}, which has no default value blastwall can read");
  });

  test("functions and other references are unknown, and say which expression", () => {
    // Files are read only for a stack read from disk (see test/cli/templatefile-assets.test.ts): the reason says so.
    expect(only(from(s, '${file("policy.json")}')).unknown).toBe(
      'policy is built by ${file("policy.json")}, which blastwall cannot read: "policy.json" is read only when blastwall check reads the stack\'s Terraform JSON from disk (not at synth, where cdktf has not yet copied its assets, nor from a plan)',
    );
    expect(only(from(s, '${templatefile("p.tpl", {b = var.b})}')).unknown).toBe(
      'policy is built by ${templatefile("p.tpl", {b = var.b})}, which blastwall cannot read: "p.tpl" is read only when blastwall check reads the stack\'s Terraform JSON from disk (not at synth, where cdktf has not yet copied its assets, nor from a plan)',
    );
    // jsonencode of a literal is read as the JSON it renders (test/terraform/jsonencode-policies.test.ts): here, one without statements.
    expect(only(from(s, '${jsonencode({Version = "2012-10-17"})}')).unknown).toBe("policy document has no Statement");
    expect(only(from(s, "${module.m.policy_json}")).unknown).toMatch(/output of module\.m/);
    expect(only(from(s, "${aws_iam_role.agent.arn}")).unknown).toBe("policy comes from ${aws_iam_role.agent.arn}, which blastwall cannot read");
    expect(only(from(s, "${aws_iam_policy.nope.policy}")).unknown).toMatch(/aws_iam_policy\.nope is not in this stack/);
  });

  test("data.aws_iam_policy: an AWS managed policy when managed is given, else unknown", () => {
    const ro = parsePolicyJson({ Statement: [{ Effect: "Allow", Action: "s3:Get*", Resource: "*" }] }, { address: "arn:aws:iam::aws:policy/ReadOnlyAccess" });
    const managed = (arn: string) => (arn === "arn:aws:iam::aws:policy/ReadOnlyAccess" ? ro : undefined);
    const d = policyFromValue(s, "${data.aws_iam_policy.ro.policy}", { address: "aws_iam_role_policy.p", via: "v", managed });
    expect(only(d).actions).toEqual(["s3:get*"]);
    expect(only(d).source.via).toBe("v");
    expect(only(from(s, "${data.aws_iam_policy.named.policy}")).unknown).toMatch(/read from the account by data\.aws_iam_policy\.named/);
  });
});

describe("data.aws_iam_policy_document", () => {
  const base = (data: Record<string, unknown>) => stackOf({ data: { aws_iam_policy_document: data } });
  const conv = (s: TfStack, name: string) => policyFromDataSource(s, s.byAddress.get(`data.aws_iam_policy_document.${name}`)!);

  test("statement blocks: object or array, effect default Allow, every element", () => {
    const s = base({
      one: { statement: { sid: "A", actions: ["s3:GetObject"], resources: ["*"] } },
      many: {
        "//": { metadata: { path: "stack/many" } },
        statement: [
          { sid: "Trust", effect: "Allow", actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }, { type: "AWS", identifiers: ["${aws_iam_role.agent.arn}"] }] },
          { effect: "Deny", not_actions: ["s3:Get*"], not_resources: ["arn:aws:s3:::keep/*"], condition: [{ test: "StringEquals", variable: "aws:RequestedRegion", values: ["eu-west-1"] }] },
          { actions: ["s3:*"], resources: ["*"], not_principals: { type: "*", identifiers: ["*"] } },
        ],
      },
    });
    expect(only(conv(s, "one"))).toMatchObject({ effect: "Allow", source: { address: "data.aws_iam_policy_document.one", sid: "A", index: 0 } });
    const d = conv(s, "many");
    expect(d.statements).toHaveLength(3);
    expect(d.statements[0]).toMatchObject({
      principals: [
        { type: "Service", identifiers: ["lambda.amazonaws.com"] },
        { type: "AWS", identifiers: ["arn:aws:iam::*:role/agent"] },
      ],
      source: { sid: "Trust", index: 0, constructPath: "stack/many" },
    });
    expect(d.statements[1]).toMatchObject({
      effect: "Deny",
      notActions: ["s3:get*"],
      notResources: ["arn:aws:s3:::keep/*"],
      conditions: [{ operator: "StringEquals", key: "aws:RequestedRegion", values: ["eu-west-1"] }],
      source: { index: 1 },
    });
    expect(d.statements[2].notPrincipals).toEqual([{ type: "*", identifiers: ["*"] }]);
  });

  test("source documents first, own statements replace same-Sid source statements in place, overrides replace or append", () => {
    const s = base({
      src: {
        statement: [
          { sid: "Keep", actions: ["s3:GetObject"], resources: ["*"] },
          { sid: "Shared", actions: ["s3:PutObject"], resources: ["*"] },
        ],
      },
      ovr: { statement: [{ sid: "Shared", actions: ["s3:ListBucket"], resources: ["*"] }, { actions: ["logs:*"], resources: ["*"] }] },
      main: {
        source_policy_documents: ["${data.aws_iam_policy_document.src.json}", doc([{ Sid: "Lit", Effect: "Allow", Action: "sqs:*", Resource: "*" }])],
        override_policy_documents: ["${data.aws_iam_policy_document.ovr.json}"],
        statement: [
          { sid: "Keep", actions: ["s3:GetObjectVersion"], resources: ["*"] },
          { sid: "Own", actions: ["ec2:Describe*"], resources: ["*"] },
        ],
      },
    });
    const d = conv(s, "main");
    expect(d.statements.map((st) => [st.source.address.replace("data.aws_iam_policy_document.", ""), st.source.sid ?? "-", st.actions![0]])).toEqual([
      ["main", "Keep", "s3:getobjectversion"],
      ["ovr", "Shared", "s3:listbucket"],
      ["main", "Lit", "sqs:*"],
      ["main", "Own", "ec2:describe*"],
      ["ovr", "-", "logs:*"],
    ]);
  });

  test("a Deny overridden away by an override document with the same Sid", () => {
    const s = base({
      guard: { statement: [{ sid: "NoDelete", effect: "Deny", actions: ["ec2:DeleteVolume"], resources: ["*"] }, { actions: ["ec2:*"], resources: ["*"] }] },
      open: { statement: { sid: "NoDelete", effect: "Allow", actions: ["ec2:DeleteVolume"], resources: ["*"] } },
      final: {
        source_policy_documents: ["${data.aws_iam_policy_document.guard.json}"],
        override_policy_documents: ["${data.aws_iam_policy_document.open.json}"],
      },
    });
    const d = conv(s, "final");
    expect(d.statements.some((st) => st.effect === "Deny")).toBe(false);
    expect(d.statements[0]).toMatchObject({ effect: "Allow", source: { address: "data.aws_iam_policy_document.open", sid: "NoDelete" } });
  });

  test("deprecated source_json / override_json", () => {
    const s = base({
      old: {
        source_json: doc([{ Sid: "A", Effect: "Deny", Action: "s3:*", Resource: "*" }]),
        override_json: doc([{ Sid: "A", Effect: "Allow", Action: "s3:Get*", Resource: "*" }]),
      },
    });
    expect(only(conv(s, "old"))).toMatchObject({ effect: "Allow", actions: ["s3:get*"] });
  });

  test("an unreadable override may replace any Sid statement: Denies with a Sid become unknown", () => {
    const s = base({
      x: {
        statement: [
          { sid: "NoDelete", effect: "Deny", actions: ["ec2:DeleteVolume"], resources: ["*"] },
          { effect: "Deny", actions: ["ec2:DeleteSnapshot"], resources: ["*"] },
        ],
        override_policy_documents: ['${file("override.json")}'],
      },
    });
    const d = conv(s, "x");
    expect(d.statements[0].unknown).toMatch(/override_policy_documents\[0\] cannot be read and may replace statement "NoDelete"/);
    expect(d.statements[1]).toMatchObject({ effect: "Deny", actions: ["ec2:deletesnapshot"] });
    expect(d.statements[2].unknown).toMatch(/^data\.aws_iam_policy_document\.x\.override_policy_documents\[0\]: policy is built by \$\{file\("override.json"\)\}/);
  });

  test("a dynamic statement block may replace source Denies with a Sid", () => {
    const s = base({
      guard: { statement: { sid: "NoDelete", effect: "Deny", actions: ["ec2:DeleteVolume"], resources: ["*"] } },
      d: {
        source_policy_documents: ["${data.aws_iam_policy_document.guard.json}"],
        statement: { actions: ["ec2:Describe*"], resources: ["*"] },
        dynamic: { statement: { for_each: "${var.s}", content: {} } },
      },
    });
    const d = conv(s, "d");
    expect(d.statements.map((st) => st.unknown ?? st.actions![0])).toEqual([
      'data.aws_iam_policy_document.d.dynamic.statement cannot be read and may replace statement "NoDelete"',
      "ec2:describe*",
      'data.aws_iam_policy_document.d builds statements with a dynamic "statement" block blastwall cannot expand: its for_each ${var.s} is not known (make it a literal list or map, or write the statements out)',
    ]);
    expect(d.statements[2].source.index).toBe(1);
  });

  test("a token instead of a list, or a dynamic block: an Allow becomes unknown", () => {
    const s = base({
      t: {
        statement: [
          { sid: "Tok", actions: "${var.actions}", resources: ["*"] },
          { resources: "${var.arns}", actions: ["s3:*"] },
          { actions: ["s3:*"], resources: ["*"], dynamic: { condition: { for_each: "${var.c}", content: {} } } },
          { actions: ["s3:GetObject"], resources: ["*"] },
        ],
      },
      dyn: { dynamic: { statement: { for_each: "${var.s}", content: {} } } },
    });
    const d = conv(s, "t");
    expect(d.statements[0]).toMatchObject({ unknown: expect.stringMatching(/statement\[0\]\.actions is \$\{var\.actions\}/), source: { sid: "Tok", index: 0 } });
    expect(d.statements[1].unknown).toMatch(/statement\[1\]\.resources is \$\{var\.arns\}/);
    expect(d.statements[2].unknown).toMatch(/dynamic "condition" block/);
    expect(d.statements[3].unknown).toBeUndefined();
    expect(only(conv(s, "dyn")).unknown).toMatch(/dynamic "statement" block/);
  });

  test("a Deny with a token list stays a Deny that is never certain", () => {
    const s = base({
      d: {
        statement: [
          { effect: "Deny", actions: ["ec2:DeleteVolume"], resources: "${var.arns}" },
          { effect: "Deny", actions: "${var.actions}", resources: ["*"] },
        ],
      },
    });
    const d = conv(s, "d");
    expect(d.statements[0]).toMatchObject({ effect: "Deny", resources: ["*"], approximateResources: [0] });
    expect(d.statements[0].conditions.map((c) => c.operator)).toEqual([UNREADABLE_CONDITION]);
    expect(d.statements[1].actions![0]).toMatch(new RegExp(`^${UNRESOLVED_ACTION_PREFIX}`));
    expect(d.statements[1].unknown).toBeUndefined();
  });

  test("a token effect is unknown; &{aws:username} is a policy variable", () => {
    const s = base({
      e: { statement: [{ effect: "${var.effect}", actions: ["s3:*"], resources: ["*"] }, { actions: ["s3:*"], resources: ["arn:aws:s3:::b/&{aws:username}/*"] }] },
    });
    const d = conv(s, "e");
    expect(d.statements[0].unknown).toMatch(/effect is \$\{var\.effect\}/);
    expect(d.statements[1]).toMatchObject({ resources: ["arn:aws:s3:::b/*/*"], approximateResources: [0] });
  });

  test("a document including itself is unknown, not a stack overflow", () => {
    const s = base({ loop: { source_policy_documents: ["${data.aws_iam_policy_document.loop.json}"], statement: { actions: ["s3:*"], resources: ["*"] } } });
    const d = conv(s, "loop");
    expect(d.statements[0].unknown).toMatch(/includes itself/);
    expect(d.statements[1].actions).toEqual(["s3:*"]);
  });
});
