import type { PrincipalNode } from "../../lib/engine/analysis-types";
import { parsePolicyJson } from "../../lib/engine/iam/policy-json";
import type { PolicyDocument } from "../../lib/engine/iam/types";
import { collectPrincipals, type CollectResult } from "../../lib/engine/principals/collect";
import { readAgentTag } from "../../lib/engine/agent-tags";
import { buildStack } from "../../lib/engine/terraform/stack";
import type { TfResource, TfStack } from "../../lib/engine/terraform/types";

/** The agent reason the tag gives, or undefined. */
function agentByTag(r: TfResource, stack?: TfStack): string | undefined {
  const t = readAgentTag(r, stack);
  return t.state === "yes" ? t.reason : undefined;
}

const doc = (action: string, effect = "Allow") => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: effect, Action: action, Resource: "*" }] });
const trust = doc("sts:AssumeRole");

const READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess";
const managedDocs = new Map<string, PolicyDocument>([
  [READ_ONLY, parsePolicyJson({ Statement: [{ Effect: "Allow", Action: "s3:Get*", Resource: "*" }] }, { address: READ_ONLY })],
]);
const managed = (arn: string) => managedDocs.get(arn);

type Block = Record<string, unknown>;

/** A stack with an agent role, another role, a user and a group, plus `resource` blocks added per test. */
function stackWith(resource: Record<string, Record<string, Block>>, extra: Block = {}): TfStack {
  const base: Record<string, Record<string, Block>> = {
    aws_iam_role: {
      agent: { name: "agent", assume_role_policy: trust, tags: { "blastwall:agent": "true" }, "//": { metadata: { path: "s/agent" } } },
      other: { name: "other", assume_role_policy: trust },
    },
    aws_iam_user: { alice: { name: "alice" } },
    aws_iam_group: { devs: { name: "devs" } },
    aws_iam_policy: {
      deletes: { name: "deletes", policy: doc("ec2:DeleteVolume") },
    },
  };
  for (const [type, blocks] of Object.entries(resource)) base[type] = { ...(base[type] ?? {}), ...blocks };
  return buildStack({ variable: { nodefault: {}, rolename: { default: "agent" } }, ...extra, resource: base }, "cdk.tf.json");
}

function collect(s: TfStack): CollectResult {
  return collectPrincipals(s, { isAgent: (r) => agentByTag(r), managed });
}

const node = (res: CollectResult, address: string): PrincipalNode => {
  const n = res.principals.find((p) => p.address === address);
  if (!n) throw new Error(`no principal ${address}`);
  return n;
};
/** The actions a principal's identity policies allow, as "via: action" for compact assertions. */
const grants = (n: PrincipalNode) => n.identityPolicies.flatMap((a) => a.document.statements.map((s) => `${a.via}: ${s.unknown ? "UNKNOWN" : s.actions?.join(",")}`));

describe("principals", () => {
  test("roles, users and groups with names, ARN patterns, tags, agent flag, trust policy", () => {
    const res = collect(
      stackWith({
        aws_iam_role: {
          pathed: { name: "ops", path: "/team/", assume_role_policy: trust },
          prefixed: { name_prefix: "ai-", assume_role_policy: trust, tags_all: { "blastwall:agent": "true" } },
        },
      }),
    );
    expect(res.principals.map((p) => `${p.kind} ${p.address} ${p.name} ${p.arnPattern} ${p.isAgent}`)).toEqual([
      "role aws_iam_role.agent agent arn:aws:iam::*:role/agent true",
      "role aws_iam_role.other other arn:aws:iam::*:role/other false",
      "role aws_iam_role.pathed ops arn:aws:iam::*:role/team/ops false",
      "role aws_iam_role.prefixed ai-* arn:aws:iam::*:role/ai-* true",
      "user aws_iam_user.alice alice arn:aws:iam::*:user/alice false",
      "group aws_iam_group.devs devs arn:aws:iam::*:group/devs false",
    ]);
    const agent = node(res, "aws_iam_role.agent");
    expect(agent.agentReason).toBe('tag blastwall:agent = "true"');
    expect(agent.tags).toEqual({ "blastwall:agent": "true" });
    expect(agent.trustPolicy!.statements[0]).toMatchObject({ actions: ["sts:assumerole"], source: { address: "aws_iam_role.agent", via: "aws_iam_role.agent.assume_role_policy" } });
    expect(node(res, "aws_iam_role.prefixed").agentReason).toBe('tag blastwall:agent = "true" (tags_all)');
    expect(res.unresolved).toEqual([]);
  });

  test("inline_policy as an object and as an array; an empty block adds nothing", () => {
    const res = collect(
      stackWith({
        aws_iam_role: {
          obj: { name: "obj", assume_role_policy: trust, inline_policy: { name: "a", policy: doc("s3:DeleteBucket") } },
          arr: {
            name: "arr",
            assume_role_policy: trust,
            inline_policy: [{ name: "a", policy: doc("s3:DeleteObject") }, { name: "b", policy: "${data.aws_iam_policy_document.d.json}" }],
          },
          empty: { name: "empty", assume_role_policy: trust, inline_policy: {} },
        },
      }, { data: { aws_iam_policy_document: { d: { statement: { actions: ["rds:DeleteDBInstance"], resources: ["*"] } } } } }),
    );
    expect(grants(node(res, "aws_iam_role.obj"))).toEqual(["aws_iam_role.obj.inline_policy[0]: s3:deletebucket"]);
    expect(grants(node(res, "aws_iam_role.arr"))).toEqual([
      "aws_iam_role.arr.inline_policy[0]: s3:deleteobject",
      "aws_iam_role.arr.inline_policy[1]: rds:deletedbinstance",
    ]);
    const viaDoc = node(res, "aws_iam_role.arr").identityPolicies[1].document;
    expect(viaDoc.statements[0].source).toMatchObject({ address: "data.aws_iam_policy_document.d", via: "aws_iam_role.arr.inline_policy[1]" });
    expect(node(res, "aws_iam_role.empty").identityPolicies).toEqual([]);
  });

  test("managed_policy_arns and permissions boundaries", () => {
    const res = collect(
      stackWith({
        aws_iam_role: {
          m: {
            name: "m",
            assume_role_policy: trust,
            managed_policy_arns: [READ_ONLY, "${aws_iam_policy.deletes.arn}", "arn:aws:iam::aws:policy/MadeUp"],
            permissions_boundary: "${aws_iam_policy.deletes.arn}",
          },
          badboundary: { name: "bb", assume_role_policy: trust, permissions_boundary: "arn:aws:iam::123456789012:policy/elsewhere" },
        },
        aws_iam_user: { bob: { name: "bob", permissions_boundary: "${var.nodefault}" } },
      }),
    );
    const m = node(res, "aws_iam_role.m");
    expect(grants(m)).toEqual([
      "aws_iam_role.m.managed_policy_arns[0]: s3:get*",
      "aws_iam_role.m.managed_policy_arns[1]: ec2:deletevolume",
      "aws_iam_role.m.managed_policy_arns[2]: UNKNOWN",
    ]);
    expect(m.identityPolicies[1].document.address).toBe("aws_iam_policy.deletes");
    expect(m.identityPolicies[2].document.statements[0].unknown).toBe("arn:aws:iam::aws:policy/MadeUp is not an AWS managed policy blastwall knows");
    expect(m.boundary).toMatchObject({ via: "aws_iam_role.m.permissions_boundary", document: { address: "aws_iam_policy.deletes" } });
    expect(m.notes).toEqual([]);
    const bb = node(res, "aws_iam_role.badboundary");
    expect(bb.boundary).toBeUndefined();
    expect(bb.notes[0]).toMatch(/^boundary arn:aws:iam::123456789012:policy\/elsewhere cannot be read, so it caps nothing: .*customer managed policy outside this stack/);
    const bob = node(res, "aws_iam_user.bob");
    expect(bob.boundary).toBeUndefined();
    expect(bob.notes[0]).toMatch(/^boundary \$\{var\.nodefault\} cannot be read, so it caps nothing/);
  });
});

describe("role attachments: every reference form reaches the right role", () => {
  const forms: Record<string, string> = {
    name: "${aws_iam_role.agent.name}",
    id: "${aws_iam_role.agent.id}",
    arn: "${aws_iam_role.agent.arn}",
    literal: "agent",
    literalArn: "arn:aws:iam::123456789012:role/agent",
    varDefault: "${var.rolename}",
  };
  for (const [form, role] of Object.entries(forms)) {
    test(`aws_iam_role_policy and aws_iam_role_policy_attachment by ${form}`, () => {
      const res = collect(
        stackWith({
          aws_iam_role_policy: { p: { role, policy: doc("ec2:DeleteSnapshot") } },
          aws_iam_role_policy_attachment: { a: { role, policy_arn: "${aws_iam_policy.deletes.arn}" } },
        }),
      );
      expect(grants(node(res, "aws_iam_role.agent"))).toEqual(["aws_iam_role_policy.p: ec2:deletesnapshot", "aws_iam_role_policy_attachment.a: ec2:deletevolume"]);
      expect(node(res, "aws_iam_role.other").identityPolicies).toEqual([]);
    });
  }

  test("attached to another role: the agent stays clean", () => {
    const res = collect(
      stackWith({
        aws_iam_role_policy: { p: { role: "${aws_iam_role.other.name}", policy: doc("ec2:DeleteSnapshot") } },
        aws_iam_role_policy_attachment: { a: { role: "other", policy_arn: "${aws_iam_policy.deletes.arn}" } },
      }),
    );
    expect(node(res, "aws_iam_role.agent").identityPolicies).toEqual([]);
    expect(grants(node(res, "aws_iam_role.other"))).toEqual(["aws_iam_role_policy.p: ec2:deletesnapshot", "aws_iam_role_policy_attachment.a: ec2:deletevolume"]);
  });

  test("a literal name matching no role of the stack is a role elsewhere: ignored", () => {
    const res = collect(stackWith({ aws_iam_role_policy_attachment: { a: { role: "someone-else", policy_arn: READ_ONLY } } }));
    expect(res.principals.every((p) => p.identityPolicies.length === 0)).toBe(true);
    expect(res.unresolved).toEqual([]);
  });

  test("a literal name matching only a computed name (name_prefix) reaches it, with a note", () => {
    const res = collect(
      stackWith({
        aws_iam_role: { pre: { name_prefix: "agent-", assume_role_policy: trust } },
        aws_iam_role_policy_attachment: { a: { role: "agent-x1", policy_arn: READ_ONLY } },
      }),
    );
    const pre = node(res, "aws_iam_role.pre");
    expect(grants(pre)).toEqual(["aws_iam_role_policy_attachment.a: s3:get*"]);
    expect(pre.notes[0]).toMatch(/to the role named "agent-x1", which may be this role \(name agent-\*\)/);
    expect(node(res, "aws_iam_role.agent").identityPolicies).toEqual([]);
  });

  test("an unresolvable role is an UnresolvedAttachment carrying the document", () => {
    const res = collect(
      stackWith({
        aws_iam_role_policy: { p: { role: "${var.nodefault}", policy: doc("ec2:DeleteSnapshot") } },
        aws_iam_role_policy_attachment: { a: { role: '${element(var.roles, 0)}', policy_arn: "${aws_iam_policy.deletes.arn}" } },
      }),
    );
    expect(res.principals.every((p) => p.identityPolicies.length === 0)).toBe(true);
    expect(res.unresolved.map((u) => u.address)).toEqual(["aws_iam_role_policy.p", "aws_iam_role_policy_attachment.a"]);
    expect(res.unresolved[0].detail).toBe(
      "aws_iam_role_policy.p attaches a policy to the role ${var.nodefault} (role), which blastwall cannot resolve: it may reach any role, agents included",
    );
    expect(res.unresolved[0].document!.statements[0].actions).toEqual(["ec2:deletesnapshot"]);
    expect(res.unresolved[1].document!.address).toBe("aws_iam_policy.deletes");
  });

  test("policy ARNs: in-stack policy, known and unknown managed, customer managed outside or matching the stack, unresolvable", () => {
    const res = collect(
      stackWith({
        aws_iam_role_policy_attachment: {
          inStack: { role: "agent", policy_arn: "${aws_iam_policy.deletes.arn}" },
          ro: { role: "agent", policy_arn: READ_ONLY },
          roByPartition: { role: "agent", policy_arn: "arn:${data.aws_partition.p.partition}:iam::aws:policy/ReadOnlyAccess" },
          madeUp: { role: "agent", policy_arn: "arn:aws:iam::aws:policy/NoSuchPolicy" },
          outside: { role: "agent", policy_arn: "arn:aws:iam::123456789012:policy/theirs" },
          byLiteral: { role: "agent", policy_arn: "arn:aws:iam::${data.aws_caller_identity.me.account_id}:policy/deletes" },
          tok: { role: "agent", policy_arn: "${var.nodefault}" },
        },
      }, { provider: { aws: [{ region: "eu-west-1" }] }, data: { aws_partition: { p: {} }, aws_caller_identity: { me: {} } } }),
    );
    const agent = node(res, "aws_iam_role.agent");
    expect(grants(agent)).toEqual([
      "aws_iam_role_policy_attachment.inStack: ec2:deletevolume",
      "aws_iam_role_policy_attachment.ro: s3:get*",
      "aws_iam_role_policy_attachment.roByPartition: s3:get*",
      "aws_iam_role_policy_attachment.madeUp: UNKNOWN",
      "aws_iam_role_policy_attachment.outside: UNKNOWN",
      "aws_iam_role_policy_attachment.byLiteral: ec2:deletevolume",
      "aws_iam_role_policy_attachment.tok: UNKNOWN",
    ]);
    const reasons = agent.identityPolicies.map((a) => a.document.statements[0].unknown).filter(Boolean);
    expect(reasons).toEqual([
      "arn:aws:iam::aws:policy/NoSuchPolicy is not an AWS managed policy blastwall knows",
      "arn:aws:iam::123456789012:policy/theirs is a customer managed policy outside this stack, which blastwall cannot read",
      "policy ARN is ${var.nodefault}, which has no default value blastwall can read",
    ]);
    expect(agent.identityPolicies[1].document.statements[0].source).toMatchObject({ address: READ_ONLY, via: "aws_iam_role_policy_attachment.ro" });
    expect(agent.identityPolicies[3].document.address).toBe("arn:aws:iam::aws:policy/NoSuchPolicy");
  });
});

describe("users, groups and aws_iam_policy_attachment", () => {
  test("user and group policies and attachments by every form", () => {
    const res = collect(
      stackWith({
        aws_iam_user_policy: { up: { user: "${aws_iam_user.alice.name}", policy: doc("s3:DeleteBucket") } },
        aws_iam_user_policy_attachment: { ua: { user: "alice", policy_arn: READ_ONLY } },
        aws_iam_group_policy: { gp: { group: "${aws_iam_group.devs.id}", policy: doc("rds:DeleteDBCluster") } },
        aws_iam_group_policy_attachment: { ga: { group: "devs", policy_arn: "${aws_iam_policy.deletes.arn}" } },
      }),
    );
    expect(grants(node(res, "aws_iam_user.alice"))).toEqual(["aws_iam_user_policy.up: s3:deletebucket", "aws_iam_user_policy_attachment.ua: s3:get*"]);
    expect(grants(node(res, "aws_iam_group.devs"))).toEqual(["aws_iam_group_policy.gp: rds:deletedbcluster", "aws_iam_group_policy_attachment.ga: ec2:deletevolume"]);
  });

  test("aws_iam_policy_attachment lists of roles, users and groups; an unresolvable list", () => {
    const res = collect(
      stackWith({
        aws_iam_policy_attachment: {
          all: {
            name: "all",
            policy_arn: "${aws_iam_policy.deletes.arn}",
            roles: ["${aws_iam_role.agent.name}", "elsewhere"],
            users: ["alice"],
            groups: ["${aws_iam_group.devs.name}"],
          },
          unknownRoles: { name: "u", policy_arn: READ_ONLY, roles: "${var.nodefault}" },
          splat: { name: "s", policy_arn: READ_ONLY, roles: "${aws_iam_role.other[*].name}" },
        },
      }),
    );
    expect(grants(node(res, "aws_iam_role.agent"))).toEqual(["aws_iam_policy_attachment.all: ec2:deletevolume"]);
    expect(grants(node(res, "aws_iam_user.alice"))).toEqual(["aws_iam_policy_attachment.all: ec2:deletevolume"]);
    expect(grants(node(res, "aws_iam_group.devs"))).toEqual(["aws_iam_policy_attachment.all: ec2:deletevolume"]);
    expect(grants(node(res, "aws_iam_role.other"))).toEqual(["aws_iam_policy_attachment.splat: s3:get*"]);
    expect(res.unresolved.map((u) => [u.address, u.document?.address])).toEqual([["aws_iam_policy_attachment.unknownRoles", READ_ONLY]]);
  });
});

describe("group membership", () => {
  const groupStack = (membership: Record<string, Record<string, Block>>) =>
    stackWith({
      aws_iam_user: { bot: { name: "bot", tags: { "blastwall:agent": "true" } } },
      aws_iam_group_policy_attachment: { ga: { group: "${aws_iam_group.devs.name}", policy_arn: "${aws_iam_policy.deletes.arn}" } },
      aws_iam_group_policy: { gp: { group: "devs", policy: doc("s3:DeleteBucket") } },
      ...membership,
    });

  test("aws_iam_group_membership: members inherit, via names the group and the membership", () => {
    const res = collect(groupStack({ aws_iam_group_membership: { m: { name: "m", group: "${aws_iam_group.devs.name}", users: ["${aws_iam_user.bot.name}", "outsider"] } } }));
    const bot = node(res, "aws_iam_user.bot");
    expect(bot.isAgent).toBe(true);
    expect(bot.groups).toEqual(["aws_iam_group.devs"]);
    expect(bot.identityPolicies.map((a) => a.via)).toEqual([
      "aws_iam_group.devs via aws_iam_group_membership.m (aws_iam_group_policy.gp)",
      "aws_iam_group.devs via aws_iam_group_membership.m (aws_iam_group_policy_attachment.ga)",
    ]);
    expect(bot.identityPolicies[1].document.statements[0].source.via).toBe(bot.identityPolicies[1].via);
    expect(grants(bot).map((g) => g.split(": ")[1])).toEqual(["s3:deletebucket", "ec2:deletevolume"]);
    expect(node(res, "aws_iam_group.devs").groups).toEqual(["aws_iam_user.bot"]);
    expect(node(res, "aws_iam_user.alice").identityPolicies).toEqual([]);
  });

  test("aws_iam_user_group_membership: the same through the user side", () => {
    const res = collect(groupStack({ aws_iam_user_group_membership: { m: { user: "bot", groups: ["devs"] } } }));
    const bot = node(res, "aws_iam_user.bot");
    expect(bot.groups).toEqual(["aws_iam_group.devs"]);
    expect(bot.identityPolicies.map((a) => a.via)).toEqual([
      "aws_iam_group.devs via aws_iam_user_group_membership.m (aws_iam_group_policy.gp)",
      "aws_iam_group.devs via aws_iam_user_group_membership.m (aws_iam_group_policy_attachment.ga)",
    ]);
  });

  test("a group outside the stack, or unresolvable, gives the member an unknown document", () => {
    const res = collect(groupStack({ aws_iam_user_group_membership: { m: { user: "${aws_iam_user.bot.name}", groups: ["admins", "${var.nodefault}"] } } }));
    const bot = node(res, "aws_iam_user.bot");
    expect(bot.identityPolicies.map((a) => a.document.statements[0].unknown)).toEqual([
      'aws_iam_user_group_membership.m adds this user to the group "admins", which is not in this stack, so its policies are unknown',
      "aws_iam_user_group_membership.m adds this user to the group ${var.nodefault}, which blastwall cannot resolve, so its policies are unknown",
    ]);
  });

  test("an unresolvable member: the group's policies may reach any user", () => {
    const res = collect(groupStack({ aws_iam_group_membership: { m: { name: "m", group: "devs", users: "${var.nodefault}" } } }));
    expect(res.unresolved.map((u) => [u.address, u.document?.address])).toEqual([
      ["aws_iam_group_membership.m", "aws_iam_group_policy.gp"],
      ["aws_iam_group_membership.m", "aws_iam_policy.deletes"],
    ]);
    expect(res.unresolved[0].detail).toMatch(/adds the user \$\{var\.nodefault\}, which blastwall cannot resolve, to aws_iam_group\.devs/);
  });
});

describe("agentByTag", () => {
  const s = buildStack(
    {
      provider: { aws: [{ default_tags: { tags: { "blastwall:agent": "true" } } }, { alias: "plain", region: "us-east-1" }] },
      resource: {
        aws_iam_role: {
          viaProvider: { name: "a" },
          otherProvider: { name: "b", provider: "aws.plain" },
          token: { name: "c", provider: "aws.plain", tags: { "blastwall:agent": "${var.flag}" } },
          merged: { name: "d", provider: "aws.plain", tags: '${merge(local.t, {"blastwall:agent" = "true"})}' },
          no: { name: "e", provider: "aws.plain", tags: { "blastwall:agent": "false" } },
        },
        aws_iam_group: { g: { name: "g", tags: { "blastwall:agent": "true" } } },
      },
    },
    "f",
  );
  const r = (a: string) => s.byAddress.get(a)!;
  test("tags, provider default_tags (with the stack), token values", () => {
    expect(agentByTag(r("aws_iam_role.viaProvider"))).toBeUndefined();
    expect(agentByTag(r("aws_iam_role.viaProvider"), s)).toBe('tag blastwall:agent = "true" (provider default_tags)');
    expect(agentByTag(r("aws_iam_role.otherProvider"), s)).toBeUndefined();
    expect(agentByTag(r("aws_iam_role.token"), s)).toBe('tags blastwall:agent is `${var.flag}`, which may be "true"');
    expect(agentByTag(r("aws_iam_role.merged"), s)).toMatch(/may set blastwall:agent/);
    expect(agentByTag(r("aws_iam_role.no"), s)).toBeUndefined();
    expect(agentByTag(r("aws_iam_group.g"), s)).toBeUndefined();
  });
  test("provider default tags show in the principal's tags", () => {
    const res = collectPrincipals(s, { isAgent: (x) => agentByTag(x, s), managed });
    expect(res.principals.find((p) => p.address === "aws_iam_role.viaProvider")!).toMatchObject({ isAgent: true, tags: { "blastwall:agent": "true" } });
  });
});

test("20,000 resources with thousands of attachments collect in linear time", () => {
  const roles: Block = {};
  const atts: Block = {};
  const inline: Block = {};
  const policies: Block = {};
  for (let i = 0; i < 8000; i++) roles[`r${i}`] = { name: `role-${i}`, assume_role_policy: trust, tags: i % 100 === 0 ? { "blastwall:agent": "true" } : {} };
  for (let i = 0; i < 4000; i++) policies[`p${i}`] = { name: `pol-${i}`, policy: doc(`ec2:Describe${i}`) };
  for (let i = 0; i < 4000; i++) atts[`a${i}`] = { role: i % 2 ? `\${aws_iam_role.r${i}.name}` : `role-${i}`, policy_arn: `\${aws_iam_policy.p${i}.arn}` };
  for (let i = 0; i < 4000; i++) inline[`i${i}`] = { role: `role-${i + 4000}`, policy: doc("s3:GetObject") };
  const s = buildStack({ resource: { aws_iam_role: roles, aws_iam_policy: policies, aws_iam_role_policy_attachment: atts, aws_iam_role_policy: inline } }, "big");
  expect(s.resources.length).toBe(20000);
  const t0 = Date.now();
  const res = collectPrincipals(s, { isAgent: (r) => agentByTag(r), managed });
  const ms = Date.now() - t0;
  expect(res.principals.length).toBe(8000);
  expect(res.principals.filter((p) => p.identityPolicies.length === 1).length).toBe(8000);
  // Generous for loaded CI machines; a quadratic step (attachments × principals) would take far longer.
  expect(ms).toBeLessThan(6000);
});

describe("count and for_each on attachments", () => {
  const deny = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "ec2:DeleteVolume", Resource: "*" }, { Effect: "Allow", Action: "ec2:CreateVolume", Resource: "*" }] });
  test("count = 0 or an empty for_each creates nothing; an unreadable count keeps the Allow and makes the Deny uncertain", () => {
    const res = collect(
      stackWith({
        aws_iam_role_policy: {
          zero: { count: 0, role: "agent", policy: doc("s3:DeleteBucket") },
          emptyEach: { for_each: {}, role: "agent", policy: doc("s3:DeleteBucket") },
          one: { count: "${var.one}", role: "agent", policy: doc("s3:GetObject") },
          maybe: { count: "${var.enabled ? 1 : 0}", role: "agent", policy: deny },
          each: { for_each: "${var.nodefault}", role: "other", policy: deny },
        },
      }, { variable: { nodefault: {}, rolename: { default: "agent" }, one: { default: 1 } } }),
    );
    const agent = node(res, "aws_iam_role.agent");
    expect(agent.identityPolicies.map((a) => a.via)).toEqual(["aws_iam_role_policy.one", "aws_iam_role_policy.maybe"]);
    const [d, a] = agent.identityPolicies[1].document.statements;
    expect(d.effect).toBe("Deny");
    expect(d.conditions).toEqual([{ operator: "Blastwall:Unreadable", key: "blastwall:exists", values: ["aws_iam_role_policy.maybe has count = ${var.enabled ? 1 : 0}"] }]);
    expect(a.conditions).toEqual([]);
    expect(node(res, "aws_iam_role.other").identityPolicies[0].document.statements[0].conditions[0].values[0]).toMatch(/has for_each = \$\{var\.nodefault\}/);
  });
});
