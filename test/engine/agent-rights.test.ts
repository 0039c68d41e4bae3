import { AGENT, TRUST, agentRole, check, errors, policy, ruleIds, tf } from "../helpers/tf";

const DELETE_VOLUME = { Sid: "Ops", Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" };
const READ_ONLY = { Sid: "Read", Effect: "Allow", Action: ["s3:ListBucket"], Resource: "*" };

describe("agent-destroy-right: every way a policy reaches an agent", () => {
  const cases: [string, Record<string, Record<string, unknown>>][] = [
    ["inline_policy block (object)", { "aws_iam_role.agent": agentRole({ inline_policy: { name: "ops", policy: policy(DELETE_VOLUME) } }) }],
    ["inline_policy blocks (array)", { "aws_iam_role.agent": agentRole({ inline_policy: [{ name: "a", policy: policy(READ_ONLY) }, { name: "ops", policy: policy(DELETE_VOLUME) }] }) }],
    ["managed_policy_arns with an AWS managed policy", { "aws_iam_role.agent": agentRole({ managed_policy_arns: ["arn:aws:iam::aws:policy/AmazonEC2FullAccess"] }) }],
    [
      "managed_policy_arns with an in-stack policy",
      { "aws_iam_role.agent": agentRole({ managed_policy_arns: ["${aws_iam_policy.ops.arn}"] }), "aws_iam_policy.ops": { name: "ops", policy: policy(DELETE_VOLUME) } },
    ],
    ["aws_iam_role_policy by .name", { "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.ops": { role: "${aws_iam_role.agent.name}", policy: policy(DELETE_VOLUME) } }],
    ["aws_iam_role_policy by .id", { "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.ops": { role: "${aws_iam_role.agent.id}", policy: policy(DELETE_VOLUME) } }],
    ["aws_iam_role_policy by literal name", { "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.ops": { role: "agent", policy: policy(DELETE_VOLUME) } }],
    [
      "aws_iam_role_policy_attachment of an in-stack policy by .arn reference",
      {
        "aws_iam_role.agent": agentRole(),
        "aws_iam_policy.ops": { name: "ops", policy: policy(DELETE_VOLUME) },
        "aws_iam_role_policy_attachment.ops": { role: "${aws_iam_role.agent.name}", policy_arn: "${aws_iam_policy.ops.arn}" },
      },
    ],
    [
      "aws_iam_policy_attachment naming roles",
      {
        "aws_iam_role.agent": agentRole(),
        "aws_iam_policy_attachment.ops": { name: "ops", roles: ["${aws_iam_role.agent.name}"], policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
      },
    ],
    [
      "aws_iam_user_policy on an agent user",
      { "aws_iam_user.agent": { name: "agent-user", tags: AGENT }, "aws_iam_user_policy.ops": { user: "${aws_iam_user.agent.name}", policy: policy(DELETE_VOLUME) } },
    ],
    [
      "aws_iam_user_policy_attachment",
      { "aws_iam_user.agent": { name: "agent-user", tags: AGENT }, "aws_iam_user_policy_attachment.ops": { user: "${aws_iam_user.agent.name}", policy_arn: "arn:aws:iam::aws:policy/PowerUserAccess" } },
    ],
    [
      "group policy through aws_iam_group_membership",
      {
        "aws_iam_user.agent": { name: "agent-user", tags: AGENT },
        "aws_iam_group.ops": { name: "ops" },
        "aws_iam_group_policy.ops": { group: "${aws_iam_group.ops.name}", policy: policy(DELETE_VOLUME) },
        "aws_iam_group_membership.ops": { name: "ops", group: "${aws_iam_group.ops.name}", users: ["${aws_iam_user.agent.name}"] },
      },
    ],
    [
      "group policy attachment through aws_iam_user_group_membership",
      {
        "aws_iam_user.agent": { name: "agent-user", tags: AGENT },
        "aws_iam_group.ops": { name: "ops" },
        "aws_iam_group_policy_attachment.ops": { group: "${aws_iam_group.ops.name}", policy_arn: "arn:aws:iam::aws:policy/AmazonEC2FullAccess" },
        "aws_iam_user_group_membership.ops": { user: "${aws_iam_user.agent.name}", groups: ["${aws_iam_group.ops.name}"] },
      },
    ],
    [
      "data.aws_iam_policy_document",
      {
        "aws_iam_role.agent": agentRole(),
        "data.aws_iam_policy_document.ops": { statement: [{ sid: "Ops", actions: ["ec2:DeleteVolume"], resources: ["*"] }] },
        "aws_iam_role_policy.ops": { role: "${aws_iam_role.agent.name}", policy: "${data.aws_iam_policy_document.ops.json}" },
      },
    ],
  ];

  test.each(cases)("%s: fails for an agent", (_name, resources) => {
    const r = check(tf(resources));
    const found = errors(r, "agent-destroy-right");
    expect(found.length).toBeGreaterThan(0);
    expect(found[0].actions).toContain("ec2:DeleteVolume");
    expect(found[0].principal).toMatch(/^aws_iam_(role|user)\.agent$/);
  });

  test.each(cases)("%s: passes when the principal is not an agent", (_name, resources) => {
    // Neither the tag nor the /agents/ path, which the guardrail SCPs (and so the gate) treat as agents.
    const untagged = JSON.parse(JSON.stringify(resources).split('"blastwall:agent":"true"').join('"team":"platform"').split('"/agents/"').join('"/"'));
    expect(errors(check(tf(untagged)))).toEqual([]);
  });
});

describe("IAM semantics through the gate", () => {
  const withPolicy = (...statements: Record<string, unknown>[]) =>
    check(tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.p": { role: "${aws_iam_role.agent.name}", policy: policy(...statements) } }));

  test("action matching is case-insensitive with * and ? anywhere", () => {
    expect(errors(withPolicy({ Effect: "Allow", Action: "EC2:deletevolume", Resource: "*" }), "agent-destroy-right")).toHaveLength(1);
    expect(errors(withPolicy({ Effect: "Allow", Action: "ec2:De?ete*", Resource: "*" }), "agent-destroy-right")[0].actions).toContain("ec2:DeleteSnapshot");
    expect(errors(withPolicy({ Effect: "Allow", Action: "*:Delete*", Resource: "*" }), "agent-destroy-right")[0].actions).toContain("rds:DeleteDBInstance");
    expect(errors(withPolicy({ Effect: "Allow", Action: "ec2:Describe*", Resource: "*" }))).toEqual([]);
  });

  test("Allow with NotAction grants everything else", () => {
    const r = withPolicy({ Effect: "Allow", NotAction: ["iam:*", "organizations:*"], Resource: "*" });
    expect(errors(r, "agent-destroy-right")[0].actions).toEqual(expect.arrayContaining(["ec2:DeleteVolume", "rds:DeleteDBInstance", "s3:DeleteBucket"]));
  });

  test("an unconditional Deny removes the right; a conditional one does not", () => {
    const allow = { Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" };
    expect(errors(withPolicy(allow, { Effect: "Deny", Action: "ec2:*", Resource: "*" }))).toEqual([]);
    const conditional = { Effect: "Deny", Action: "ec2:*", Resource: "*", Condition: { StringEquals: { "aws:ResourceTag/env": "prod" } } };
    expect(errors(withPolicy(allow, conditional), "agent-destroy-right")).toHaveLength(1);
  });

  test("a Deny on part of the resources leaves the right on the rest", () => {
    const r = withPolicy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }, { Effect: "Deny", Action: "ec2:DeleteVolume", Resource: "arn:aws:ec2:*:*:volume/vol-prod*" });
    expect(errors(r, "agent-destroy-right")).toHaveLength(1);
  });

  test("a conditional Allow still counts as a right, and the message says so", () => {
    const r = withPolicy({ Effect: "Allow", Action: "rds:DeleteDBInstance", Resource: "*", Condition: { StringEquals: { "aws:ResourceTag/env": "dev" } } });
    expect(errors(r, "agent-destroy-right")[0].message).toMatch(/conditions/);
  });

  test("resources with Terraform tokens", () => {
    const r = check(
      tf({
        "aws_iam_role.agent": agentRole(),
        "aws_s3_bucket.data": { bucket: "data" },
        "aws_iam_role_policy.p": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "s3:DeleteObject", Resource: "${aws_s3_bucket.data.arn}/*" }) },
      }),
    );
    expect(errors(r, "agent-destroy-right")[0].actions).toEqual(["s3:DeleteObject"]);
  });

  test("a permission boundary caps the identity policies", () => {
    const capped = check(
      tf({
        "aws_iam_role.agent": agentRole({ permissions_boundary: "${aws_iam_policy.b.arn}" }),
        "aws_iam_policy.b": { name: "b", policy: policy({ Effect: "Allow", Action: ["s3:Get*", "s3:List*"], Resource: "*" }) },
        "aws_iam_role_policy_attachment.admin": { role: "${aws_iam_role.agent.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
      }),
    );
    expect(errors(capped)).toEqual([]);
  });

  test("an unreadable boundary caps nothing", () => {
    const r = check(
      tf({
        "aws_iam_role.agent": agentRole({ permissions_boundary: "${var.boundary_arn}" }),
        "aws_iam_role_policy_attachment.admin": { role: "${aws_iam_role.agent.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
      }),
    );
    expect(errors(r, "agent-destroy-right").length).toBeGreaterThan(0);
  });

  test("Statement as a single object and Action as a string", () => {
    const r = check(
      tf({
        "aws_iam_role.agent": agentRole(),
        "aws_iam_role_policy.p": { role: "agent", policy: JSON.stringify({ Version: "2012-10-17", Statement: { Effect: "Allow", Action: "dynamodb:DeleteTable", Resource: "*" } }) },
      }),
    );
    expect(errors(r, "agent-destroy-right")[0].actions).toEqual(["dynamodb:DeleteTable"]);
  });
});

describe("fail closed", () => {
  test("a policy built by ${file(...)} is an unanalysable-policy error that says why", () => {
    const r = check(tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.p": { role: "agent", policy: '${file("policy.json")}' } }));
    const f = errors(r, "unanalysable-policy");
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/file/);
  });

  test("an unknown managed policy ARN is a finding, not a pass", () => {
    const r = check(tf({ "aws_iam_role.agent": agentRole({ managed_policy_arns: ["arn:aws:iam::aws:policy/NoSuchPolicyAtAll"] }) }));
    expect(ruleIds(r)).toContain("unanalysable-policy");
  });

  test("a customer managed policy outside the stack is a finding", () => {
    const r = check(tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role_policy_attachment.x": { role: "agent", policy_arn: "arn:aws:iam::111111111111:policy/ops" } }));
    expect(ruleIds(r)).toContain("unanalysable-policy");
  });

  test("an attachment to a role blastwall cannot resolve is reported when it carries destroy rights", () => {
    const r = check(
      tf({
        "aws_iam_role.agent": agentRole(),
        "aws_iam_role_policy_attachment.x": { role: "${var.role_name}", policy_arn: "arn:aws:iam::aws:policy/AmazonEC2FullAccess" },
      }),
    );
    expect(ruleIds(r)).toContain("unresolved-attachment");
    const safe = check(tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.x": { role: "${var.role_name}", policy: policy(READ_ONLY) } }));
    expect(ruleIds(safe)).not.toContain("unresolved-attachment");
  });
});

describe("agent-self-escalation and agent-protection-removal", () => {
  test("iam:PutRolePolicy on its own ARN is self-escalation; on another role it is not", () => {
    const own = check(tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.p": { role: "agent", policy: policy({ Effect: "Allow", Action: "iam:PutRolePolicy", Resource: "${aws_iam_role.agent.arn}" }) } }));
    expect(ruleIds(own)).toContain("agent-self-escalation");
    const other = check(
      tf({
        "aws_iam_role.agent": agentRole(),
        "aws_iam_role.other": { name: "other", assume_role_policy: TRUST },
        "aws_iam_role_policy.p": { role: "agent", policy: policy({ Effect: "Allow", Action: "iam:PutRolePolicy", Resource: "${aws_iam_role.other.arn}" }) },
      }),
    );
    expect(ruleIds(other)).not.toContain("agent-self-escalation");
  });

  test("turning off RDS deletion protection is a protection-removal finding", () => {
    const r = check(tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.p": { role: "agent", policy: policy({ Effect: "Allow", Action: "rds:ModifyDBInstance", Resource: "*" }) } }));
    expect(ruleIds(r)).toContain("agent-protection-removal");
  });
});

describe("agent selection", () => {
  const admin = { role: "${aws_iam_role.bot.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" };
  const json = tf({ "aws_iam_role.bot": { name: "ai-coder", assume_role_policy: TRUST, tags: { team: "ml" } }, "aws_iam_role_policy_attachment.a": admin });

  test("untagged and unselected: not an agent, no finding", () => {
    expect(errors(check(json))).toEqual([]);
  });
  test.each([
    ["address", { agents: { addresses: ["aws_iam_role.bot"] } }],
    ["name glob", { agents: { names: ["ai-*"] } }],
    ["tag", { agents: { tags: { team: "ml" } } }],
  ])("selected by config %s", (_how, config) => {
    expect(errors(check(json, config), "agent-destroy-right").length).toBeGreaterThan(0);
  });

  test("a name glob matches regardless of case, as IAM names are unique regardless of case", () => {
    expect(errors(check(json, { agents: { names: ["AI-*"] } }), "agent-destroy-right").length).toBeGreaterThan(0);
    const computed = tf({ "aws_iam_role.bot": { name: "AI-${var.n}", assume_role_policy: TRUST }, "aws_iam_role_policy_attachment.a": admin });
    expect(errors(check(computed, { agents: { names: ["ai-coder"] } }), "agent-destroy-right").length).toBeGreaterThan(0);
    // The control: another name is still another principal.
    expect(errors(check(json, { agents: { names: ["ml-*"] } }))).toEqual([]);
  });

  test("config tags select a principal carrying every listed tag, as the schema documents (and the plan gate reads it)", () => {
    expect(errors(check(json, { agents: { tags: { team: "ml", env: "prod" } } }))).toEqual([]);
    const both = tf({ "aws_iam_role.bot": { name: "ai-coder", assume_role_policy: TRUST, tags: { team: "ml", env: "prod" } }, "aws_iam_role_policy_attachment.a": admin });
    const [f] = errors(check(both, { agents: { tags: { team: "ml", env: "prod" } } }), "agent-destroy-right");
    expect(f.evidence.find((e) => e.step === "principal")!.detail).toMatch(/team = "ml", env = "prod"/);
  });

  test("a listed tag whose value blastwall cannot evaluate may have the listed value: selected (fail closed)", () => {
    const maybe = tf({ "aws_iam_role.bot": { name: "ai-coder", assume_role_policy: TRUST, tags: { team: "ml", env: "${var.env}" } }, "aws_iam_role_policy_attachment.a": admin });
    const [f] = errors(check(maybe, { agents: { tags: { team: "ml", env: "prod" } } }), "agent-destroy-right");
    expect(f.evidence.find((e) => e.step === "principal")!.detail).toMatch(/env may have that value/);
    const unreadable = tf({ "aws_iam_role.bot": { name: "ai-coder", assume_role_policy: TRUST, tags: "${var.tags}" }, "aws_iam_role_policy_attachment.a": admin });
    expect(errors(check(unreadable, { agents: { tags: { team: "ml" } } }), "agent-destroy-right")).toHaveLength(1);
    // A literal value that differs is no match.
    const other = tf({ "aws_iam_role.bot": { name: "ai-coder", assume_role_policy: TRUST, tags: { team: "ml", env: "dev" } }, "aws_iam_role_policy_attachment.a": admin });
    expect(errors(check(other, { agents: { tags: { team: "ml", env: "prod" } } }))).toEqual([]);
  });
});

describe("report content", () => {
  test("names the rule, principal, construct path, statement, actions and fix", () => {
    const r = check(
      tf({
        "aws_iam_role.agent": { ...agentRole(), "//": { metadata: { path: "app/agent", uniqueId: "agent" } } },
        "aws_iam_role_policy.ops": { role: "${aws_iam_role.agent.name}", policy: policy({ Sid: "FixVolumes", Effect: "Allow", Action: "ec2:*", Resource: "*" }) },
      }),
    );
    const f = errors(r, "agent-destroy-right")[0];
    expect(f.constructPath).toBe("app/agent");
    expect(f.resource).toBe("aws_iam_role_policy.ops");
    expect(f.evidence.map((e) => e.step)).toEqual(expect.arrayContaining(["principal", "statement"]));
    expect(f.evidence.find((e) => e.step === "statement")!.detail).toMatch(/Sid "FixVolumes" \(#0\)/);
    expect(f.actions.slice(0, 2)).toEqual(expect.arrayContaining(["ec2:DeleteVolume"]));
    expect(f.fix.length).toBeGreaterThan(20);
    expect(f.file).toBe("test.tf.json");
  });
});

describe("catalogue refinements", () => {
  test("an Allow pinned to harmless condition values (ReadOnly sessions) is not a right", () => {
    const pinned = check(tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.p": { role: "agent", policy: policy({ Effect: "Allow", Action: "s3express:CreateSession", Resource: "*", Condition: { StringEquals: { "s3express:SessionMode": "ReadOnly" } } }) } }));
    expect(pinned.findings.filter((f) => f.ruleId === "agent-destroy-right")).toEqual([]);
    const loose = check(tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.p": { role: "agent", policy: policy({ Effect: "Allow", Action: "s3express:CreateSession", Resource: "*" }) } }));
    expect(loose.findings.filter((f) => f.ruleId === "agent-destroy-right")).toHaveLength(1);
  });
  test("a finding resting only on actions the catalogue rates warning is a warning", () => {
    const r = check(tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.p": { role: "agent", policy: policy({ Effect: "Allow", Action: "eks:DeleteCluster", Resource: "*" }) } }));
    expect(r.findings.find((f) => f.ruleId === "agent-destroy-right")!.severity).toBe("warning");
  });

  test("s3express:CreateSession is an error unless limited to ReadOnly sessions: a directory bucket keeps no versions (red-team round 42)", () => {
    const session = (extra: Record<string, unknown>) => check(tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.p": { role: "agent", policy: policy({ Effect: "Allow", Action: "s3express:CreateSession", Resource: "*", ...extra }) } }));
    expect(session({}).findings.find((f) => f.ruleId === "agent-destroy-right")!.severity).toBe("error");
    expect(session({ Condition: { StringEquals: { "s3express:SessionMode": "ReadOnly" } } }).findings.filter((f) => f.ruleId === "agent-destroy-right")).toEqual([]);
  });
});

test("an agent tagged through the provider's default_tags is an agent (AWS applies those tags to the role)", () => {
  const json = tf(
    { "aws_iam_role.bot": { name: "bot", assume_role_policy: TRUST }, "aws_iam_role_policy.p": { role: "bot", policy: policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }) } },
    { provider: { aws: [{ region: "eu-west-1", default_tags: [{ tags: { "blastwall:agent": "true" } }] }] } },
  );
  expect(errors(check(json), "agent-destroy-right")).toHaveLength(1);
  const untagged = tf({ "aws_iam_role.bot": { name: "bot", assume_role_policy: TRUST }, "aws_iam_role_policy.p": { role: "bot", policy: policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }) } }, { provider: { aws: [{ region: "eu-west-1" }] } });
  expect(errors(check(untagged))).toEqual([]);
});

describe("template directives in actions (red-team round 42)", () => {
  const directive = "%{ if true }ec2:DeleteVolume%{ endif }";
  test("an Allow whose action is a directive is a right; a Deny whose NotAction is one does not cover everything", () => {
    const allow = tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.p": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: directive, Resource: "*" }) } });
    expect(errors(check(allow), "agent-destroy-right")).toHaveLength(1);
    const denyAllBut = tf({
      "aws_iam_role.agent": agentRole(),
      "aws_iam_role_policy.p": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }, { Effect: "Deny", NotAction: "%{ if true }ec2:*%{ endif }", Resource: "*" }) },
    });
    expect(errors(check(denyAllBut), "agent-destroy-right")).toHaveLength(1);
    const viaData = tf({
      "aws_iam_role.agent": agentRole(),
      "data.aws_iam_policy_document.d": { statement: [{ effect: "Allow", actions: [directive], resources: ["*"] }] },
      "aws_iam_role_policy.p": { role: "${aws_iam_role.agent.name}", policy: "${data.aws_iam_policy_document.d.json}" },
    });
    expect(errors(check(viaData), "agent-destroy-right")).toHaveLength(1);
  });
  test("the control: a Deny whose Action is a directive removes nothing it may not cover", () => {
    const deny = tf({
      "aws_iam_role.agent": agentRole(),
      "aws_iam_role_policy.p": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }, { Effect: "Deny", Action: directive, Resource: "*" }) },
    });
    expect(errors(check(deny), "agent-destroy-right")).toHaveLength(1);
  });
});

describe("an if/else directive in a Deny's NotAction (red-team round 165, F2)", () => {
  const stack = (entry: string, variable?: Record<string, unknown>) =>
    tf(
      {
        "aws_iam_role.agent": agentRole(),
        "aws_iam_role_policy.p": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "s3:*", Resource: "*" }, { Sid: "OnlyRead", Effect: "Deny", NotAction: ["s3:GetObject", entry], Resource: "*" }) },
      },
      variable === undefined ? {} : { variable },
    );
  test("`%{ if false }` renders the else branch: the Deny leaves s3:DeleteObject allowed", () => {
    expect(errors(check(stack("%{ if false }s3:ListBucket%{ else }s3:DeleteObject%{ endif }")), "agent-destroy-right")).toHaveLength(1);
  });
  test("a condition blastwall does not evaluate leaves the Deny removing nothing", () => {
    const found = errors(check(stack("%{ if var.strict }s3:ListBucket%{ else }s3:DeleteObject%{ endif }", { strict: { default: false } })), "agent-destroy-right");
    expect(found).toHaveLength(1);
    expect(errors(check(stack("%{ if var.strict }s3:ListBucket%{ else }s3:GetObject%{ endif }", { strict: { default: true } })), "agent-destroy-right")).toHaveLength(1);
  });
  test("the controls: `%{ if true }` and the literal read-only list leave nothing to destroy", () => {
    expect(errors(check(stack("%{ if true }s3:ListBucket%{ else }s3:DeleteObject%{ endif }")), "agent-destroy-right")).toEqual([]);
    expect(errors(check(stack("s3:ListBucket")), "agent-destroy-right")).toEqual([]);
    expect(errors(check(stack("s3:DeleteObject")), "agent-destroy-right")).toHaveLength(1);
  });
});

test("a policy document's action list taken whole from a variable's default or a local is read (red-team round 43)", () => {
  const doc = (actions: string) =>
    tf(
      {
        "aws_iam_role.agent": agentRole(),
        "data.aws_iam_policy_document.d": { statement: [{ effect: "Allow", actions: ["ec2:DeleteVolume"], resources: ["*"] }, { effect: "Deny", actions, resources: ["*"] }] },
        "aws_iam_role_policy.p": { role: "${aws_iam_role.agent.name}", policy: "${data.aws_iam_policy_document.d.json}" },
      },
      { variable: { deny: { default: ["ec2:DeleteVolume"] }, open: {} }, locals: { deny: ["ec2:DeleteVolume"] } },
    );
  expect(errors(check(doc("${var.deny}")), "agent-destroy-right")).toEqual([]);
  expect(errors(check(doc("${local.deny}")), "agent-destroy-right")).toEqual([]);
  // The control: a variable without a default may hold anything, so the Deny is not relied on.
  expect(errors(check(doc("${var.open}")), "agent-destroy-right")).toHaveLength(1);
});

test("list arguments of a policy document built by functions, and identifiers and condition values from variables, are read (red-team round 44)", () => {
  const extra = { variable: { more: { default: ["ec2:DeleteSnapshot"] }, trusted: { default: ["arn:aws:iam::111111111111:role/ci"] } }, locals: { acts: ["ec2:DeleteVolume"] } };
  const deny = (actions: string) =>
    tf(
      {
        "aws_iam_role.agent": agentRole(),
        "data.aws_iam_policy_document.d": { statement: [{ effect: "Allow", actions: ["ec2:DeleteVolume", "ec2:DeleteSnapshot"], resources: ["*"] }, { effect: "Deny", actions, resources: ["*"] }] },
        "aws_iam_role_policy.p": { role: "${aws_iam_role.agent.name}", policy: "${data.aws_iam_policy_document.d.json}" },
      },
      extra,
    );
  expect(errors(check(deny("${concat(local.acts, var.more)}")))).toEqual([]);
  expect(errors(check(deny("${distinct(concat(local.acts, var.more, local.acts))}")))).toEqual([]);
  // The control: what is left out of the list is still held.
  expect(errors(check(deny("${concat(local.acts)}")), "agent-destroy-right")).toHaveLength(1);
  // A trust whose identifiers, or whose condition values, come from a variable's default names only those.
  const trustDoc = (statement: Record<string, unknown>) =>
    tf(
      {
        "aws_iam_role.agent": agentRole(),
        "data.aws_iam_policy_document.trust": { statement: [{ effect: "Allow", actions: ["sts:AssumeRole"], ...statement }] },
        "aws_iam_role.deployer": { name: "deployer", assume_role_policy: "${data.aws_iam_policy_document.trust.json}" },
        "aws_iam_role_policy_attachment.admin": { role: "${aws_iam_role.deployer.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
      },
      { ...extra, provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["111111111111"] }] } },
    );
  expect(errors(check(trustDoc({ principals: [{ type: "AWS", identifiers: "${var.trusted}" }] })), "agent-transitive-destroy")).toEqual([]);
  expect(errors(check(trustDoc({ principals: [{ type: "AWS", identifiers: ["*"] }], condition: [{ test: "ArnLike", variable: "aws:PrincipalArn", values: "${var.trusted}" }] })), "agent-transitive-destroy")).toEqual([]);
  // The control: a variable without a default may name anyone.
  expect(errors(check(trustDoc({ principals: [{ type: "AWS", identifiers: "${var.unset}" }] }), {}), "agent-transitive-destroy").length).toBeGreaterThan(0);
});

test("a typed variable's default is converted to its type before a jsonencode policy reads it (red-team round 52)", () => {
  // `map(any)` unifies `{ read_only = true, team = "ops" }` to a map of strings: `read_only == true` is false in
  // Terraform (terraform console), so the Deny below is never written and the agent keeps ec2:DeleteVolume.
  const stack = (type: string) =>
    tf(
      {
        "aws_iam_role.agent": agentRole(),
        "aws_iam_role_policy.p": {
          role: "${aws_iam_role.agent.name}",
          policy:
            '${jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "ec2:DeleteVolume", Resource = "*" }, { Effect = var.agent.read_only == true ? "Deny" : "Allow", Action = "ec2:DeleteVolume", Resource = "*" }] })}',
        },
      },
      { variable: { agent: { type, default: { read_only: true, team: "ops" } } } },
    );
  expect(errors(check(stack("map(any)")), "agent-destroy-right").map((f) => f.message)).toContainEqual(expect.stringContaining("granted by aws_iam_role_policy.p statement #1"));
  // The control: an object type keeps the bool, and the Deny holds.
  expect(errors(check(stack("object({ read_only = bool, team = string })")), "agent-destroy-right")).toEqual([]);
});
