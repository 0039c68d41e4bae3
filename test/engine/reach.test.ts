import { AGENT, agentRole, check, errors, policy, ruleIds, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;
const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
const trustOf = (principal: Obj) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole" }] });
const agentPolicy = (...statements: Obj[]) => ({ "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy(...statements) } });
const adminRole = (name: string, trust: string) => ({
  [`aws_iam_role.${name}`]: { name, assume_role_policy: trust },
  [`aws_iam_role_policy_attachment.${name}_admin`]: { role: `\${aws_iam_role.${name}.name}`, policy_arn: ADMIN },
});
/** An administrator user with an access key: the broad credential an agent must never be able to read. */
const adminUser = { "aws_iam_user.deploy": { name: "deploy" }, "aws_iam_user_policy_attachment.deploy": { user: "${aws_iam_user.deploy.name}", policy_arn: ADMIN }, "aws_iam_access_key.deploy": { user: "${aws_iam_user.deploy.name}" } };
/** `from` may assume `to` (one inline policy per link). */
const hop = (from: string, to: string) => ({
  [`aws_iam_role_policy.${from}_to_${to}`]: { role: `\${aws_iam_role.${from}.name}`, policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: `\${aws_iam_role.${to}.arn}` }) },
});
/** A trust naming the account root: admits every principal of the (same) account. */
const anyone = trustOf({ AWS: "arn:aws:iam::111111111111:root" });
/** The incident's setup: the agent may read a secret whose value, written as `secretString`, holds the admin user's key. */
const agentReadsAdminKey = (secretString: string) => ({
  "aws_iam_role.agent": agentRole(),
  ...agentPolicy({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "${aws_secretsmanager_secret.token.arn}" }),
  ...adminUser,
  "aws_secretsmanager_secret.token": { name: "deploy-token" },
  "aws_secretsmanager_secret_version.token": { secret_id: "${aws_secretsmanager_secret.token.id}", secret_string: secretString },
});
const chainOf = (r: ReturnType<typeof check>, rule = "agent-transitive-destroy") => errors(r, rule).map((f) => f.evidence.map((e) => `${e.step}:${e.address}`));

describe("1. assume role", () => {
  const assume = agentPolicy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.deployer.arn}" });

  test("agent --sts:AssumeRole--> deployer (admin) is rejected with the chain", () => {
    const r = check(tf({ "aws_iam_role.agent": agentRole(), ...assume, ...adminRole("deployer", trustOf({ AWS: "${aws_iam_role.agent.arn}" })) }));
    const f = errors(r, "agent-transitive-destroy");
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("aws_iam_role.agent --sts:AssumeRole--> aws_iam_role.deployer");
    expect(f[0].actions).toContain("ec2:DeleteVolume");
    expect(f[0].evidence.map((e) => e.step)).toEqual(expect.arrayContaining(["principal", "assume-role", "statement", "destroy-rights"]));
  });

  test("a trust policy that does not admit the agent cuts the edge", () => {
    const r = check(tf({ "aws_iam_role.agent": agentRole(), ...assume, ...adminRole("deployer", trustOf({ AWS: "arn:aws:iam::111111111111:role/ci" })) }));
    expect(errors(r)).toEqual([]);
  });

  test("a trust naming the account root admits the agent (account unknown counts as the same)", () => {
    const r = check(tf({ "aws_iam_role.agent": agentRole(), ...assume, ...adminRole("deployer", trustOf({ AWS: "arn:aws:iam::111111111111:root" })) }));
    expect(ruleIds(r)).toContain("agent-transitive-destroy");
  });

  test("a trust of * admits the agent", () => {
    const r = check(tf({ "aws_iam_role.agent": agentRole(), ...assume, ...adminRole("deployer", trustOf({ AWS: "*" })) }));
    expect(ruleIds(r)).toContain("agent-transitive-destroy");
  });

  test("a trust of anyone admits the stack's agent even without an identity Allow (same account); the account root does not (red-team round 42)", () => {
    const orgWide = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } } }] });
    for (const trust of [orgWide, trustOf({ AWS: "*" }), JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }] })]) {
      const [f] = errors(check(tf({ "aws_iam_role.agent": agentRole(), ...adminRole("deployer", trust) })), "agent-transitive-destroy");
      expect(f.message).toContain("aws_iam_role.agent --sts:AssumeRole--> aws_iam_role.deployer");
      expect(f.evidence.find((e) => e.step === "assume-role")!.detail).toMatch(/admits anyone \(statement #0: Principal `\*`\), which within one account lets aws_iam_role.agent assume it with no identity permission/);
    }
    const notPrincipal = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::111111111111:role/ci" }, Action: "sts:AssumeRole" }] });
    expect(ruleIds(check(tf({ "aws_iam_role.agent": agentRole(), ...adminRole("deployer", notPrincipal) })))).toContain("agent-transitive-destroy");
    // The controls: the account root leaves the call to the agent's own policies, and an explicit Deny of the agent holds.
    expect(errors(check(tf({ "aws_iam_role.agent": agentRole(), ...adminRole("deployer", anyone) })), "agent-transitive-destroy")).toEqual([]);
    const denied = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }, { Effect: "Deny", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "sts:AssumeRole" }] });
    // (In a commercial region: without one the agent's ARN may be in any partition, and the reference, read as
    // `arn:aws:`, need not name it for certain; red-team round 90.)
    expect(errors(check(tf({ "aws_iam_role.agent": agentRole(), ...adminRole("deployer", denied) }, { provider: { aws: [{ region: "eu-west-1" }] } })), "agent-transitive-destroy")).toEqual([]);
  });

  test("a trust of anyone that shuts the agent out by its conditions, a Deny, or another account admits it not (red-team round 43)", () => {
    const pinned = { provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["111111111111"] }, { alias: "prod", region: "eu-west-1", allowed_account_ids: ["999999999999"] }] } };
    const star = (extra: Obj = {}, ...more: Obj[]) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole", ...extra }, ...more] });
    const reached = (trust: string, deployer: Obj = {}) =>
      errors(check(tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role.deployer": { name: "deployer", assume_role_policy: trust, ...deployer }, "aws_iam_role_policy_attachment.admin": { role: "${aws_iam_role.deployer.name}", policy_arn: ADMIN, ...deployer } }, pinned)), "agent-transitive-destroy");
    const denyAll = (condition: Obj) => ({ Effect: "Deny", Principal: { AWS: "*" }, Action: "sts:AssumeRole", Condition: condition });
    for (const trust of [
      star({ Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_*" } } }),
      star({ Condition: { StringEquals: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/ci" } } }),
      star({ Condition: { StringEquals: { "aws:PrincipalAccount": "222222222222" } } }),
      star({ Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } } }),
      star({ Condition: { Bool: { "aws:PrincipalIsAWSService": "true" } } }),
      star({}, denyAll({ StringNotEquals: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/ci" } })),
      star({}, denyAll({ ArnLike: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/agents/agent" } })),
      star({}, { Effect: "Deny", Principal: { AWS: "arn:aws:iam::111111111111:role/agents/agent" }, Action: "sts:AssumeRole" }),
      // The caller's ARN is one value every call carries: a set operator compares it as the plain one does (round 48).
      star({ Condition: { "ForAnyValue:ArnLike": { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/ops/*" } } }),
      star({ Condition: { "ForAllValues:ArnLike": { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/ops/*" } } }),
      // A match by case: the agent's path is /agents/, not /AGENTS/ (round 48).
      star({ Condition: { StringLike: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/AGENTS/*" } } }),
    ]) {
      expect(reached(trust)).toEqual([]);
    }
    expect(reached(star({ Condition: { StringEqualsIgnoreCase: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/AGENTS/agent" } } })).map((f) => f.resource)).toEqual(["aws_iam_role.deployer"]);
    // A role in another account, by a provider pinned there: the agent needs its own sts:AssumeRole right.
    expect(reached(star(), { provider: "aws.prod" })).toEqual([]);
    // The controls: conditions a caller may meet (an external ID, the organisation, a source IP) leave the path open.
    for (const condition of [{ StringEquals: { "sts:ExternalId": "x" } }, { StringEquals: { "aws:PrincipalOrgID": "o-abc" } }, { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } }, { StringEquals: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/agents/agent" } }]) {
      expect(reached(star({ Condition: condition })).map((f) => f.resource)).toEqual(["aws_iam_role.deployer"]);
    }
    expect(reached(star({}, denyAll({ StringNotEquals: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/agents/agent" } }))).map((f) => f.resource)).toEqual(["aws_iam_role.deployer"]);
    // ARNs compare by case in conditions (red-team round 45): a Deny naming `Agent` does not certainly name `agent`, and a
    // StringNotEquals naming `Agent` does not shut `agent` out.
    expect(reached(star({}, denyAll({ ArnLike: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/agents/Agent" } }))).map((f) => f.resource)).toEqual(["aws_iam_role.deployer"]);
    expect(reached(star({ Condition: { StringNotEquals: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/agents/Agent" } } })).map((f) => f.resource)).toEqual(["aws_iam_role.deployer"]);
  });

  test("a trust that names the agent's ARN admits it even without an identity Allow (same account)", () => {
    const r = check(tf({ "aws_iam_role.agent": agentRole(), ...adminRole("deployer", trustOf({ AWS: "${aws_iam_role.agent.arn}" })) }));
    expect(ruleIds(r)).toContain("agent-transitive-destroy");
  });

  test("chains of any length, with a cycle, terminate and show every hop", () => {
    const r = check(
      tf({
        "aws_iam_role.agent": agentRole(),
        "aws_iam_role.a": { name: "a", assume_role_policy: anyone },
        "aws_iam_role.b": { name: "b", assume_role_policy: anyone },
        ...hop("agent", "a"),
        ...hop("a", "b"),
        ...hop("b", "a"),
        ...adminRole("c", anyone),
        ...hop("b", "c"),
      }),
    );
    const f = errors(r, "agent-transitive-destroy").find((x) => x.resource === "aws_iam_role.c")!;
    expect(f.message).toContain("aws_iam_role.agent --sts:AssumeRole--> aws_iam_role.a --sts:AssumeRole--> aws_iam_role.b --sts:AssumeRole--> aws_iam_role.c");
  });

  test("every first link that leads to a destroy right is its own finding, and the total is counted once", () => {
    const r = check(
      tf({
        "aws_iam_role.agent": agentRole(),
        "aws_iam_role.a": { name: "a", assume_role_policy: anyone },
        "aws_iam_role.b": { name: "b", assume_role_policy: anyone },
        ...adminRole("c", anyone),
        ...adminRole("d", anyone),
        ...hop("agent", "a"),
        ...hop("agent", "b"),
        ...hop("a", "c"),
        ...hop("b", "c"),
        ...hop("b", "d"),
      }),
    );
    const f = errors(r, "agent-transitive-destroy");
    expect(f.map((x) => x.message.match(/--> (aws_iam_role\.[ab])/)![1]).sort()).toEqual(["aws_iam_role.a", "aws_iam_role.b"]);
    // c and d are reached through both links: each finding names one and counts the other once.
    for (const x of f) expect(x.message).toMatch(/In all it can come to act as 1 more principal with destroy rights: aws_iam_role\.[cd]\./);
    expect(f.find((x) => x.message.includes("--> aws_iam_role.a"))!.resource).toBe("aws_iam_role.c");
  });

  test("a chain that only comes back through the agent is reported on the link it continues on", () => {
    const r = check(
      tf({
        "aws_iam_role.agent": agentRole({ assume_role_policy: anyone }),
        "aws_iam_role.a": { name: "a", assume_role_policy: anyone },
        "aws_iam_role.b": { name: "b", assume_role_policy: anyone },
        ...adminRole("c", anyone),
        ...hop("agent", "a"),
        ...hop("agent", "b"),
        ...hop("a", "agent"),
        ...hop("b", "c"),
      }),
    );
    const f = errors(r, "agent-transitive-destroy");
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("aws_iam_role.agent --sts:AssumeRole--> aws_iam_role.b --sts:AssumeRole--> aws_iam_role.c");
  });

  test("an agent with destroy rights of its own still gets the chains behind its links", () => {
    const r = check(
      tf({
        "aws_iam_role.agent": agentRole({ assume_role_policy: anyone }),
        ...agentPolicy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }, { Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.a.arn}" }),
        "aws_iam_role.a": { name: "a", assume_role_policy: anyone },
        "aws_iam_role.b": { name: "b", assume_role_policy: anyone },
        ...adminRole("admin", anyone),
        ...hop("a", "agent"),
        ...hop("a", "b"),
        ...hop("b", "admin"),
      }),
    );
    // Behind the link to a, the nearest principal with destroy rights is the agent itself; the admin lies further on.
    const f = errors(r, "agent-transitive-destroy").filter((x) => x.resource === "aws_iam_role.admin");
    expect(f.map((x) => x.message)).toEqual(expect.arrayContaining([expect.stringContaining("aws_iam_role.agent --sts:AssumeRole--> aws_iam_role.a --sts:AssumeRole--> aws_iam_role.b --sts:AssumeRole--> aws_iam_role.admin")]));
  });

  test("behind a link that leads back to the agent first, another agent with destroy rights is still found", () => {
    const deleter = (name: string) => agentRole({ name, assume_role_policy: anyone });
    const r = check(
      tf({
        "aws_iam_role.agent": deleter("agent"),
        "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }, { Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.a.arn}" }) },
        "aws_iam_role.other": deleter("other"),
        "aws_iam_role_policy.other": { role: "${aws_iam_role.other.name}", policy: policy({ Effect: "Allow", Action: "rds:DeleteDBInstance", Resource: "*" }) },
        "aws_iam_role.a": { name: "a", assume_role_policy: anyone },
        "aws_iam_role.b": { name: "b", assume_role_policy: anyone },
        ...hop("a", "agent"),
        ...hop("a", "b"),
        ...hop("b", "other"),
      }),
    );
    const f = errors(r, "agent-transitive-destroy").filter((x) => x.principal === "aws_iam_role.agent");
    expect(f.map((x) => x.message)).toEqual(expect.arrayContaining([expect.stringContaining("aws_iam_role.agent --sts:AssumeRole--> aws_iam_role.a --sts:AssumeRole--> aws_iam_role.b --sts:AssumeRole--> aws_iam_role.other")]));
  });

  test("many agents in one cycle of roles each get their own chain", () => {
    const agents = ["x", "y", "z"];
    const entries: Record<string, Obj> = { ...adminRole("admin", anyone) };
    for (const n of agents) entries[`aws_iam_role.${n}`] = agentRole({ name: n, assume_role_policy: anyone });
    Object.assign(entries, hop("x", "y"), hop("y", "z"), hop("z", "x"), hop("z", "admin"));
    const f = errors(check(tf(entries)), "agent-transitive-destroy");
    const chains = Object.fromEntries(f.map((x) => [x.principal, x.message]));
    expect(chains["aws_iam_role.z"]).toContain("aws_iam_role.z --sts:AssumeRole--> aws_iam_role.admin");
    expect(chains["aws_iam_role.y"]).toContain("aws_iam_role.y --sts:AssumeRole--> aws_iam_role.z --sts:AssumeRole--> aws_iam_role.admin");
    expect(chains["aws_iam_role.x"]).toContain("aws_iam_role.x --sts:AssumeRole--> aws_iam_role.y --sts:AssumeRole--> aws_iam_role.z --sts:AssumeRole--> aws_iam_role.admin");
  });

  test("sts:AssumeRole on * reaches roles outside the stack: possibly everything", () => {
    const r = check(tf({ "aws_iam_role.agent": agentRole(), ...agentPolicy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }) }));
    const f = errors(r, "agent-reach-unknown");
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/outside this stack/);
  });

  // The stack's account, when its provider is pinned to one; else unknown.
  const literalArnStack = (provider: Record<string, unknown>, account = "111111111111") =>
    tf(
      {
        "aws_iam_role.agent": agentRole(),
        ...agentPolicy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: `arn:aws:iam::${account}:role/reader` }),
        "aws_iam_role.reader": { name: "reader", assume_role_policy: trustOf({ AWS: "arn:aws:iam::111111111111:root" }) },
      },
      { provider: { aws: [{ region: "eu-west-1", ...provider }] } },
    );

  test("a literal ARN of a role in the stack's pinned account is followed, not treated as outside", () => {
    expect(errors(check(literalArnStack({ allowed_account_ids: ["111111111111"] })))).toEqual([]);
  });

  test("a literal ARN in another account than the pinned one names no role of the stack: outside", () => {
    const r = check(
      tf(
        {
          "aws_iam_role.agent": agentRole(),
          ...agentPolicy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::999999999999:role/deployer" }),
          // A role of the same name in the stack, which does not admit the agent: not the role the ARN names.
          "aws_iam_role.deployer": { name: "deployer", assume_role_policy: trustOf({ Service: "codebuild.amazonaws.com" }) },
        },
        { provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["111111111111"] }] } },
      ),
    );
    expect(errors(r, "agent-reach-unknown").map((f) => f.message).join("\n")).toMatch(/999999999999:role\/deployer/);
  });

  test("with the account not pinned, a literal ARN may name a role of the same name in another account: outside too", () => {
    const [f] = errors(check(literalArnStack({})), "agent-reach-unknown");
    expect(f.evidence.map((e) => e.detail).join("\n")).toMatch(/allowed_account_ids/);
  });

  test("other partitions: a GovCloud ARN names the stack's role of that name", () => {
    const r = check(
      tf(
        {
          "aws_iam_role.agent": agentRole(),
          ...agentPolicy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws-us-gov:iam::111111111111:role/admin" }),
          ...adminRole("admin", trustOf({ AWS: "arn:aws-us-gov:iam::111111111111:root" })),
        },
        { provider: { aws: [{ region: "us-gov-west-1", allowed_account_ids: ["111111111111"] }] } },
      ),
    );
    expect(chainOf(r)[0]).toEqual(expect.arrayContaining(["assume-role:aws_iam_role.admin"]));
  });
});

describe("2. rewriting a trust policy", () => {
  test("iam:UpdateAssumeRolePolicy on an admin role makes it reachable", () => {
    const r = check(
      tf({
        "aws_iam_role.agent": agentRole(),
        ...agentPolicy({ Effect: "Allow", Action: "iam:UpdateAssumeRolePolicy", Resource: "${aws_iam_role.deployer.arn}" }),
        ...adminRole("deployer", trustOf({ Service: "codebuild.amazonaws.com" })),
      }),
    );
    expect(chainOf(r)[0]).toEqual(expect.arrayContaining(["trust-rewrite:aws_iam_role.deployer"]));
  });
});

describe("3. becoming a user", () => {
  const user = { "aws_iam_user.ops": { name: "ops" }, "aws_iam_user_policy_attachment.ops": { user: "${aws_iam_user.ops.name}", policy_arn: ADMIN } };
  test.each(["iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile", "iam:UpdateAccessKey"])("%s on an admin user is rejected", (action) => {
    const r = check(tf({ "aws_iam_role.agent": agentRole(), ...agentPolicy({ Effect: "Allow", Action: action, Resource: "${aws_iam_user.ops.arn}" }), ...user }));
    expect(chainOf(r)[0]).toEqual(expect.arrayContaining(["become-user:aws_iam_user.ops"]));
  });
  test.each(["iam:UploadSSHPublicKey", "iam:UpdateSSHPublicKey"])("%s on an admin user is rejected: the key signs in to CodeCommit as that user (red-team round 60 F3), and pushes where it may (round 61 #8)", (action) => {
    const r = check(tf({ "aws_iam_role.agent": agentRole(), ...agentPolicy({ Effect: "Allow", Action: action, Resource: "${aws_iam_user.ops.arn}" }), ...user }));
    expect(chainOf(r, "agent-reach-unknown")[0]).toEqual(expect.arrayContaining(["become-user:aws_iam_user.ops (CodeCommit git only)", "hijack:unknown:source:codecommit:*"]));
  });
  test("iam:UploadSSHPublicKey on a harmless user passes", () => {
    const r = check(tf({ "aws_iam_role.agent": agentRole(), ...agentPolicy({ Effect: "Allow", Action: "iam:UploadSSHPublicKey", Resource: "${aws_iam_user.viewer.arn}" }), "aws_iam_user.viewer": { name: "viewer" } }));
    expect(errors(r)).toEqual([]);
  });
  test("on a harmless user it passes", () => {
    const r = check(tf({ "aws_iam_role.agent": agentRole(), ...agentPolicy({ Effect: "Allow", Action: "iam:CreateAccessKey", Resource: "${aws_iam_user.viewer.arn}" }), "aws_iam_user.viewer": { name: "viewer" } }));
    expect(errors(r)).toEqual([]);
  });
  test("iam:AddUserToGroup into an admin group is rejected", () => {
    const r = check(
      tf({
        "aws_iam_role.agent": agentRole(),
        ...agentPolicy({ Effect: "Allow", Action: "iam:AddUserToGroup", Resource: "${aws_iam_group.admins.arn}" }),
        "aws_iam_group.admins": { name: "admins" },
        "aws_iam_group_policy_attachment.admins": { group: "${aws_iam_group.admins.name}", policy_arn: ADMIN },
      }),
    );
    expect(chainOf(r)[0]).toEqual(expect.arrayContaining(["join-group:aws_iam_group.admins"]));
  });
});

describe("4. passing a role to new compute", () => {
  const lambdaAdmin = adminRole("fn_role", trustOf({ Service: "lambda.amazonaws.com" }));
  const pass = { Effect: "Allow", Action: "iam:PassRole", Resource: "${aws_iam_role.fn_role.arn}" };
  test("iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction is rejected", () => {
    const r = check(tf({ "aws_iam_role.agent": agentRole(), ...agentPolicy(pass, { Effect: "Allow", Action: ["lambda:CreateFunction", "lambda:InvokeFunction"], Resource: "*" }), ...lambdaAdmin }));
    expect(errors(r, "agent-transitive-destroy")[0].message).toContain("--iam:PassRole + lambda:CreateFunction, lambda:InvokeFunction--> aws_iam_role.fn_role");
  });
  test("without a way to start compute, passing alone reaches nothing", () => {
    const r = check(tf({ "aws_iam_role.agent": agentRole(), ...agentPolicy(pass), ...lambdaAdmin }));
    expect(errors(r)).toEqual([]);
  });
  test("compute of a service the role does not trust reaches nothing", () => {
    const r = check(tf({ "aws_iam_role.agent": agentRole(), ...agentPolicy(pass, { Effect: "Allow", Action: "ec2:RunInstances", Resource: "*" }), ...lambdaAdmin }));
    expect(errors(r)).toEqual([]);
  });
  test("iam:PassRole on * reaches roles outside the stack: possibly everything", () => {
    const r = check(tf({ "aws_iam_role.agent": agentRole(), ...agentPolicy({ Effect: "Allow", Action: "iam:PassRole", Resource: "*" }) }));
    expect(ruleIds(r)).toContain("agent-reach-unknown");
  });
});

describe("5. hijacking existing compute and pipelines", () => {
  test("lambda:UpdateFunctionCode on a function that runs as an admin role", () => {
    const r = check(
      tf({
        "aws_iam_role.agent": agentRole(),
        ...agentPolicy({ Effect: "Allow", Action: "lambda:UpdateFunctionCode", Resource: "${aws_lambda_function.fn.arn}" }),
        ...adminRole("fn_role", trustOf({ Service: "lambda.amazonaws.com" })),
        "aws_lambda_function.fn": { function_name: "fn", role: "${aws_iam_role.fn_role.arn}", runtime: "nodejs20.x", handler: "index.handler" },
      }),
    );
    expect(chainOf(r)[0]).toEqual(expect.arrayContaining(["hijack:aws_iam_role.fn_role"]));
  });
  test.each([
    ["states:UpdateStateMachine", "aws_sfn_state_machine", { name: "nightly", definition: "{}", role_arn: "${aws_iam_role.run.arn}" }, "states.amazonaws.com"],
    ["codepipeline:UpdatePipeline", "aws_codepipeline", { name: "deploy", role_arn: "${aws_iam_role.run.arn}" }, "codepipeline.amazonaws.com"],
  ])("%s rewrites what a %s runs as its role, with no iam:PassRole (red-team round 47)", (action, type, body, service) => {
    const json = (a: string) =>
      tf({
        "aws_iam_role.agent": agentRole(),
        ...agentPolicy({ Effect: "Allow", Action: a, Resource: `\${${type}.x.arn}` }),
        ...adminRole("run", trustOf({ Service: service })),
        [`${type}.x`]: body,
      });
    expect(chainOf(check(json(action)))[0]).toEqual(expect.arrayContaining(["hijack:aws_iam_role.run"]));
    // Reading it is no path.
    expect(chainOf(check(json(action.replace(/:Update/, ":Get"))))).toEqual([]);
  });
  test("ssm:SendCommand to an instance whose profile holds an admin role", () => {
    const r = check(
      tf({
        "aws_iam_role.agent": agentRole(),
        ...agentPolicy({ Effect: "Allow", Action: "ssm:SendCommand", Resource: "*" }),
        ...adminRole("box_role", trustOf({ Service: "ec2.amazonaws.com" })),
        "aws_iam_instance_profile.box": { name: "box", role: "${aws_iam_role.box_role.name}" },
        "aws_instance.box": { ami: "ami-12345678", instance_type: "t3.micro", iam_instance_profile: "${aws_iam_instance_profile.box.name}" },
      }),
    );
    expect(chainOf(r)[0]).toEqual(expect.arrayContaining(["hijack:aws_iam_role.box_role"]));
  });
  test("codebuild:StartBuild on a project with an admin service role", () => {
    const r = check(
      tf({
        "aws_iam_role.agent": agentRole(),
        ...agentPolicy({ Effect: "Allow", Action: "codebuild:StartBuild", Resource: "${aws_codebuild_project.deploy.arn}" }),
        ...adminRole("cb", trustOf({ Service: "codebuild.amazonaws.com" })),
        "aws_codebuild_project.deploy": { name: "deploy", service_role: "${aws_iam_role.cb.arn}" },
      }),
    );
    expect(chainOf(r)[0]).toEqual(expect.arrayContaining(["hijack:aws_iam_role.cb"]));
  });
  test("a function the agent cannot update is no path", () => {
    const r = check(
      tf({
        "aws_iam_role.agent": agentRole(),
        ...agentPolicy({ Effect: "Allow", Action: "lambda:InvokeFunction", Resource: "${aws_lambda_function.fn.arn}" }),
        ...adminRole("fn_role", trustOf({ Service: "lambda.amazonaws.com" })),
        "aws_lambda_function.fn": { function_name: "fn", role: "${aws_iam_role.fn_role.arn}" },
      }),
    );
    expect(errors(r)).toEqual([]);
  });
});

describe("6. reading a stored credential (the April 2026 path)", () => {
  test("a secret holding an admin user's access key makes the agent that user", () => {
    const r = check(
      tf({
        ...agentReadsAdminKey('{"id":"${aws_iam_access_key.deploy.id}","secret":"${aws_iam_access_key.deploy.secret}"}'),
      }),
    );
    const f = errors(r, "agent-transitive-destroy")[0];
    expect(f.message).toContain("--secretsmanager:GetSecretValue--> aws_iam_user.deploy");
  });
  test("a parameter holding a token-shaped literal: possibly everything", () => {
    const r = check(
      tf({
        "aws_iam_role.agent": agentRole(),
        ...agentPolicy({ Effect: "Allow", Action: "ssm:GetParameter", Resource: "${aws_ssm_parameter.tok.arn}" }),
        "aws_ssm_parameter.tok": { name: "/ci/token", type: "SecureString", value: "AKIAABCDEFGHIJKLMNOP" },
      }),
    );
    expect(ruleIds(r)).toContain("agent-reach-unknown");
  });
  test("a secret whose contents the stack does not show is a warning, an error with --strict", () => {
    const json = tf({
      "aws_iam_role.agent": agentRole(),
      ...agentPolicy({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "${aws_secretsmanager_secret.s.arn}" }),
      "aws_secretsmanager_secret.s": { name: "something" },
    });
    const loose = check(json);
    expect(errors(loose)).toEqual([]);
    expect(loose.findings.find((f) => f.ruleId === "agent-stored-secret")!.severity).toBe("warning");
    expect(ruleIds(check(json, {}, { strict: true }))).toContain("agent-stored-secret");
  });
  test("a secret holding a harmless literal is no path", () => {
    const r = check(
      tf({
        "aws_iam_role.agent": agentRole(),
        ...agentPolicy({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "${aws_secretsmanager_secret.s.arn}" }),
        "aws_secretsmanager_secret.s": { name: "color" },
        "aws_secretsmanager_secret_version.s": { secret_id: "${aws_secretsmanager_secret.s.id}", secret_string: "blue" },
      }),
    );
    expect(r.findings).toEqual([]);
  });
});

describe("7. resource policies", () => {
  const bucketPolicy = (principal: Obj | string) => ({
    "aws_s3_bucket.data": { bucket: "data" },
    "aws_s3_bucket_policy.data": { bucket: "${aws_s3_bucket.data.id}", policy: policy({ Sid: "Open", Effect: "Allow", Principal: principal, Action: "s3:DeleteObject", Resource: "${aws_s3_bucket.data.arn}/*" }) },
  });
  test("a bucket policy granting delete to * is rejected", () => {
    expect(ruleIds(check(tf({ "aws_iam_role.agent": agentRole(), ...bucketPolicy("*") })))).toContain("resource-policy-grant");
  });
  test("a bucket policy granting delete to the agent is rejected", () => {
    const r = check(tf({ "aws_iam_role.agent": agentRole(), ...bucketPolicy({ AWS: "${aws_iam_role.agent.arn}" }) }));
    expect(errors(r, "resource-policy-grant")[0].principal).toBe("aws_iam_role.agent");
  });
  test("a bucket policy granting delete to a break-glass role only passes", () => {
    const r = check(tf({ "aws_iam_role.agent": agentRole(), ...bucketPolicy({ AWS: "arn:aws:iam::111111111111:role/break-glass" }) }));
    expect(errors(r)).toEqual([]);
  });
  test("the agent's right to rewrite a bucket policy is reported", () => {
    const r = check(tf({ "aws_iam_role.agent": agentRole(), ...agentPolicy({ Effect: "Allow", Action: "s3:PutBucketPolicy", Resource: "*" }) }));
    expect(errors(r).length).toBeGreaterThan(0);
  });
});

describe("8. removing its own guardrails", () => {
  test.each(["iam:DeleteRolePermissionsBoundary", "iam:PutRolePermissionsBoundary"])("%s on itself is an error", (action) => {
    const r = check(tf({ "aws_iam_role.agent": agentRole(), ...agentPolicy({ Effect: "Allow", Action: action, Resource: "${aws_iam_role.agent.arn}" }) }));
    expect(ruleIds(r)).toContain("agent-self-escalation");
  });
  test.each(["iam:DetachRolePolicy", "iam:DeleteRolePolicy"])("%s on itself (drops a Deny it may hold) is reported, as the catalogue rates it", (action) => {
    const r = check(tf({ "aws_iam_role.agent": agentRole(), ...agentPolicy({ Effect: "Allow", Action: action, Resource: "${aws_iam_role.agent.arn}" }) }));
    expect(r.findings.find((f) => f.ruleId === "agent-self-escalation")!.severity).toBe("warning");
  });
  test("iam:CreatePolicyVersion on a policy attached to itself", () => {
    const r = check(
      tf({
        "aws_iam_role.agent": agentRole({ managed_policy_arns: ["${aws_iam_policy.work.arn}"] }),
        "aws_iam_policy.work": { name: "work", policy: policy({ Effect: "Allow", Action: "s3:ListBucket", Resource: "*" }) },
        ...agentPolicy({ Effect: "Allow", Action: "iam:CreatePolicyVersion", Resource: "${aws_iam_policy.work.arn}" }),
      }),
    );
    expect(ruleIds(r)).toContain("agent-self-escalation");
  });
  test("iam:CreatePolicyVersion on a policy of a role it can assume", () => {
    const r = check(
      tf({
        "aws_iam_role.agent": agentRole(),
        "aws_iam_role.helper": { name: "helper", assume_role_policy: trustOf({ AWS: "${aws_iam_role.agent.arn}" }), managed_policy_arns: ["${aws_iam_policy.helper.arn}"] },
        "aws_iam_policy.helper": { name: "helper", policy: policy({ Effect: "Allow", Action: "s3:ListBucket", Resource: "*" }) },
        ...agentPolicy({ Effect: "Allow", Action: "iam:CreatePolicyVersion", Resource: "${aws_iam_policy.helper.arn}" }),
      }),
    );
    const f = errors(r, "agent-transitive-destroy");
    expect(f[0].resource).toBe("aws_iam_role.helper");
    expect(f[0].message).toMatch(/the agent can rewrite/);
  });
});

describe("9. tag games", () => {
  test("a Deny keyed on a resource tag is no control: the right stays", () => {
    const r = check(
      tf({
        "aws_iam_role.agent": agentRole(),
        ...agentPolicy(
          { Effect: "Allow", Action: ["ec2:DeleteVolume", "ec2:CreateTags", "ec2:DeleteTags"], Resource: "*" },
          { Effect: "Deny", Action: "ec2:DeleteVolume", Resource: "*", Condition: { StringEquals: { "aws:ResourceTag/env": "prod" } } },
        ),
      }),
    );
    expect(ruleIds(r)).toContain("agent-destroy-right");
  });
  test("an Allow that depends on a principal tag still counts", () => {
    const r = check(
      tf({
        "aws_iam_role.agent": agentRole(),
        ...agentPolicy({ Effect: "Allow", Action: "rds:DeleteDBInstance", Resource: "*", Condition: { StringEquals: { "aws:PrincipalTag/team": "dba" } } }),
      }),
    );
    expect(ruleIds(r)).toContain("agent-destroy-right");
  });
});

describe("10. the Terraform state and the deploy path", () => {
  const backend = { terraform: { backend: { s3: { bucket: "tf-state", key: "prod/terraform.tfstate", dynamodb_table: "tf-lock" } } } };
  test("write access to the state object is a path to the deploy role", () => {
    const r = check(tf({ "aws_iam_role.agent": agentRole(), ...agentPolicy({ Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::tf-state/*" }) }, backend));
    const f = errors(r, "agent-reach-unknown");
    expect(f[0].message).toMatch(/deploy role/);
  });
  test("write access elsewhere is not", () => {
    const r = check(tf({ "aws_iam_role.agent": agentRole(), ...agentPolicy({ Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::reports/*" }) }, backend));
    expect(errors(r)).toEqual([]);
  });
});

test("an agent user is itself a principal of the reach graph", () => {
  const r = check(
    tf({
      "aws_iam_user.bot": { name: "bot", tags: AGENT },
      "aws_iam_user_policy.bot": { user: "${aws_iam_user.bot.name}", policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.deployer.arn}" }) },
      ...adminRole("deployer", trustOf({ AWS: "${aws_iam_user.bot.arn}" })),
    }),
  );
  expect(errors(r, "agent-transitive-destroy")[0].principal).toBe("aws_iam_user.bot");
});

describe("fail closed on compute and secrets outside the stack", () => {
  test("ssm:SendCommand on * reaches instances outside the stack: possibly everything", () => {
    const r = check(tf({ "aws_iam_role.agent": agentRole(), ...agentPolicy({ Effect: "Allow", Action: "ssm:SendCommand", Resource: "*" }) }));
    expect(errors(r, "agent-reach-unknown")[0].message).toMatch(/compute/);
  });
  test("lambda:UpdateFunctionCode on an in-stack function with a harmless role is no path", () => {
    const r = check(
      tf({
        "aws_iam_role.agent": agentRole(),
        ...agentPolicy({ Effect: "Allow", Action: "lambda:UpdateFunctionCode", Resource: "${aws_lambda_function.fn.arn}" }),
        "aws_iam_role.fn_role": { name: "fn_role", assume_role_policy: trustOf({ Service: "lambda.amazonaws.com" }) },
        "aws_lambda_function.fn": { function_name: "fn", role: "${aws_iam_role.fn_role.arn}" },
      }),
    );
    expect(errors(r)).toEqual([]);
  });
  test("a credential read on * (ReadOnlyAccess) warns that secrets outside the stack are within reach", () => {
    const r = check(tf({ "aws_iam_role.agent": agentRole({ managed_policy_arns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] }) }));
    // Its gamelift:Get* opens a shell on any GameLift fleet of the account, as the fleet's role (red-team round 61 #6):
    // that alone is an error.
    expect(errors(r).map((f) => f.ruleId)).toEqual(["agent-reach-unknown"]);
    expect(errors(r)[0].message).toContain("in 2 way(s) (gamelift:GetComputeAccess, gamelift:GetInstanceAccess)");
    const w = r.findings.find((f) => f.ruleId === "agent-stored-secret")!;
    expect(w.severity).toBe("warning");
    expect(w.actions).toEqual(expect.arrayContaining(["ssm:GetParameter"]));
  });
});

describe("stored credentials, as cdktf and HCL write them", () => {
  test("a key stored with jsonencode (Fn.jsonencode / HCL) is followed, and the secret is a named link", () => {
    const r = check(
      tf({
        ...agentReadsAdminKey('${jsonencode({"aws_access_key_id" = aws_iam_access_key.deploy.id, "aws_secret_access_key" = aws_iam_access_key.deploy.secret})}'),
      }),
    );
    const f = errors(r, "agent-transitive-destroy")[0];
    expect(f.resource).toBe("aws_iam_user.deploy");
    expect(f.evidence.map((e) => `${e.step}:${e.address}`)).toEqual(expect.arrayContaining(["stored-credential:aws_secretsmanager_secret.token", "credential:aws_iam_user.deploy"]));
  });
  test("a read on a name pattern (secret:rds!db-*) warns that secrets outside the stack are within reach", () => {
    const r = check(tf({ "aws_iam_role.agent": agentRole(), ...agentPolicy({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "arn:aws:secretsmanager:*:*:secret:rds!db-*" }) }));
    expect(r.findings.find((f) => f.ruleId === "agent-stored-secret")).toBeDefined();
  });
});

test("a trust policy blastwall cannot read admits everyone (fail closed), also for wildcard sts:AssumeRole", () => {
  const r = check(
    tf({
      "aws_iam_role.agent": agentRole(),
      ...agentPolicy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::*:role/ops-*" }),
      ...adminRole("ops-admin", "{}"),
    }),
  );
  expect(errors(r, "agent-transitive-destroy").map((f) => f.resource)).toContain("aws_iam_role.ops-admin");
});

describe("partitions", () => {
  test("a GovCloud trust naming the agent's role ARN admits it", () => {
    const r = check(
      tf(
        {
          "aws_iam_role.agent": agentRole({ path: "/" }),
          ...adminRole("admin", trustOf({ AWS: "arn:aws-us-gov:iam::111111111111:role/agent" })),
        },
        { provider: { aws: [{ region: "us-gov-west-1" }] } },
      ),
    );
    expect(chainOf(r)[0]).toEqual(expect.arrayContaining(["assume-role:aws_iam_role.admin"]));
  });
});

describe("an agent whose name is computed", () => {
  const admin = adminRole("admin", trustOf({ AWS: "arn:aws:iam::111111111111:role/ci-agent" }));
  test("name from a variable without a value: a trust naming any role may name it", () => {
    const r = check(tf({ "aws_iam_role.agent": agentRole({ name: "${var.agent_name}", path: "/" }), ...admin }, { variable: { agent_name: { type: "string" } } }));
    expect(chainOf(r)[0]).toEqual(expect.arrayContaining(["assume-role:aws_iam_role.admin"]));
  });

  test("name_prefix: a trust naming a role with that prefix may name it; another prefix does not", () => {
    const prefixed = (prefix: string) => check(tf({ "aws_iam_role.agent": agentRole({ name: undefined, name_prefix: prefix, path: "/" }), ...admin }));
    expect(chainOf(prefixed("ci-"))[0]).toEqual(expect.arrayContaining(["assume-role:aws_iam_role.admin"]));
    expect(errors(prefixed("web-"), "agent-transitive-destroy")).toEqual([]);
  });
});
