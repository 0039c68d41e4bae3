/**
 * IAM Identity Center permission sets are agent principals: an agent run with a developer's Identity Center session
 * holds the set's rights in every account it is assigned to.
 */
import { AGENT, check, errors, policy, tf } from "../helpers/tf";
import { allRules } from "../../lib/rules";
import { globMatch } from "../../lib/engine/iam/glob";
import { buildStack } from "../../lib/engine/terraform/stack";
import { buildAnalysis } from "../../lib/engine/analyze";
import type { BlastwallConfig } from "../../lib/engine/config-types";

type Obj = Record<string, unknown>;

const INSTANCE = "arn:aws:sso:::instance/ssoins-1111111111111111";
const PS = "${aws_ssoadmin_permission_set.agent.arn}";
const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
const READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess";
const DELETE = policy({ Effect: "Allow", Action: ["ec2:DeleteVolume"], Resource: "*" });
const DESCRIBE = policy({ Effect: "Allow", Action: ["ec2:DescribeVolumes"], Resource: "*" });

const permissionSet = (extra: Obj = {}) => ({ name: "AgentDev", instance_arn: INSTANCE, tags: AGENT, ...extra });
const managed = (arn: string, target = PS) => ({ instance_arn: INSTANCE, managed_policy_arn: arn, permission_set_arn: target });
const inline = (doc: string, target = PS) => ({ instance_arn: INSTANCE, inline_policy: doc, permission_set_arn: target });

const destroyOf = (json: Obj, config: BlastwallConfig = {}) => errors(check(json, config), "agent-destroy-right").map((f) => f.principal);
const analysisOf = (json: Obj, config: BlastwallConfig = {}) => buildAnalysis(buildStack(json, "test.tf.json"), config);

describe("a permission set tagged as an agent", () => {
  test("with AdministratorAccess fails agent-destroy-right, as the permission set", () => {
    const json = tf({ "aws_ssoadmin_permission_set.agent": permissionSet(), "aws_ssoadmin_managed_policy_attachment.admin": managed(ADMIN) });
    expect(destroyOf(json)).toEqual(["aws_ssoadmin_permission_set.agent"]);
    const f = errors(check(json), "agent-destroy-right")[0];
    expect(f.evidence[0].detail).toContain("Identity Center permission set AgentDev is an AI agent");
  });

  test("untagged, the same permission set passes", () => {
    const json = tf({ "aws_ssoadmin_permission_set.agent": permissionSet({ tags: {} }), "aws_ssoadmin_managed_policy_attachment.admin": managed(ADMIN) });
    expect(errors(check(json))).toEqual([]);
  });

  test("with a read-only AWS managed policy passes agent-destroy-right", () => {
    const json = tf({ "aws_ssoadmin_permission_set.agent": permissionSet(), "aws_ssoadmin_managed_policy_attachment.ro": managed(READ_ONLY) });
    expect(destroyOf(json)).toEqual([]);
  });

  test("an AWS managed policy blastwall does not know counts as possibly everything", () => {
    const json = tf({ "aws_ssoadmin_permission_set.agent": permissionSet(), "aws_ssoadmin_managed_policy_attachment.x": managed("arn:aws:iam::aws:policy/NoSuchPolicyBlastwallKnows") });
    const r = check(json);
    expect(errors(r).some((f) => f.principal === "aws_ssoadmin_permission_set.agent" && f.message.includes("NoSuchPolicyBlastwallKnows"))).toBe(true);
  });

  test("tags from the provider's default_tags and tags_all make it an agent, as for roles", () => {
    const byDefault = tf(
      { "aws_ssoadmin_permission_set.agent": permissionSet({ tags: undefined }), "aws_ssoadmin_permission_set_inline_policy.p": inline(DELETE) },
      { provider: { aws: [{ region: "eu-west-1", default_tags: { tags: AGENT } }] } },
    );
    expect(destroyOf(byDefault)).toEqual(["aws_ssoadmin_permission_set.agent"]);
    const byExpression = tf(
      { "aws_ssoadmin_permission_set.agent": permissionSet({ tags: { "blastwall:agent": "${var.is_agent}" } }), "aws_ssoadmin_permission_set_inline_policy.p": inline(DELETE) },
      { variable: { is_agent: { type: "string" } } },
    );
    expect(destroyOf(byExpression)).toEqual(["aws_ssoadmin_permission_set.agent"]);
  });
});

describe("inline policy", () => {
  test("with a destroy right fails; without one passes", () => {
    const stack = (doc: string) => tf({ "aws_ssoadmin_permission_set.agent": permissionSet(), "aws_ssoadmin_permission_set_inline_policy.p": inline(doc) });
    expect(destroyOf(stack(DELETE))).toEqual(["aws_ssoadmin_permission_set.agent"]);
    expect(destroyOf(stack(DESCRIBE))).toEqual([]);
  });
});

describe("permissions boundary", () => {
  const BOUNDARY_DENY = policy({ Effect: "Allow", Action: "*", Resource: "*" }, { Effect: "Deny", Action: ["ec2:Delete*"], Resource: "*" });
  const stack = (boundary: Obj, extra: Record<string, Obj> = {}) =>
    tf({
      "aws_ssoadmin_permission_set.agent": permissionSet(),
      "aws_ssoadmin_permission_set_inline_policy.p": inline(DELETE),
      "aws_ssoadmin_permissions_boundary_attachment.b": { instance_arn: INSTANCE, permission_set_arn: PS, permissions_boundary: boundary },
      ...extra,
    });

  test("a customer managed boundary of the stack that denies the right caps it", () => {
    const json = stack({ customer_managed_policy_reference: { name: "agent-boundary", path: "/" } }, { "aws_iam_policy.boundary": { name: "agent-boundary", policy: BOUNDARY_DENY } });
    expect(destroyOf(json)).toEqual([]);
  });

  test("an AWS managed boundary caps it (ReadOnlyAccess holds no delete)", () => {
    expect(destroyOf(stack({ managed_policy_arn: READ_ONLY }))).toEqual([]);
  });

  test("a boundary blastwall cannot read caps nothing, and the principal says why", () => {
    const json = stack({ customer_managed_policy_reference: { name: "elsewhere-boundary" } });
    expect(destroyOf(json)).toEqual(["aws_ssoadmin_permission_set.agent"]);
    const p = analysisOf(json).byAddress.get("aws_ssoadmin_permission_set.agent")!;
    expect(p.boundary).toBeUndefined();
    expect(p.notes.join(" ")).toMatch(/cannot be read, so it caps nothing.*no aws_iam_policy of this stack has that name and path/);
  });

  test("a boundary named by name, with an unnamed policy imported or moved to that may be it: caps nothing", () => {
    const named = (top: Obj) => ({
      ...stack({ customer_managed_policy_reference: { name: "agent-boundary", path: "/" } }, { "aws_iam_policy.boundary": { name: "agent-boundary", policy: BOUNDARY_DENY }, "aws_iam_policy.adopted": { policy: policy({ Effect: "Allow", Action: "*", Resource: "*" }) } }),
      ...top,
    });
    expect(destroyOf(named({}))).toEqual([]);
    for (const top of [{ import: [{ to: "aws_iam_policy.adopted", id: "arn:aws:iam::111111111111:policy/agent-boundary" }] }, { moved: [{ from: "aws_iam_policy.old", to: "aws_iam_policy.adopted" }] }]) {
      const json = named(top);
      expect(destroyOf(json)).toEqual(["aws_ssoadmin_permission_set.agent"]);
      expect(analysisOf(json).byAddress.get("aws_ssoadmin_permission_set.agent")!.notes.join(" ")).toMatch(/cannot be read, so it caps nothing.*2 aws_iam_policy resources of this stack may be/);
    }
  });

  test("a boundary on another permission set does not cap the agent", () => {
    const json = tf({
      "aws_ssoadmin_permission_set.agent": permissionSet(),
      "aws_ssoadmin_permission_set.other": { name: "Other", instance_arn: INSTANCE },
      "aws_ssoadmin_permission_set_inline_policy.p": inline(DELETE),
      "aws_ssoadmin_permissions_boundary_attachment.b": { instance_arn: INSTANCE, permission_set_arn: "${aws_ssoadmin_permission_set.other.arn}", permissions_boundary: { managed_policy_arn: READ_ONLY } },
    });
    expect(destroyOf(json)).toEqual(["aws_ssoadmin_permission_set.agent"]);
  });
});

describe("customer managed policy reference", () => {
  const stack = (ref: Obj, policies: Record<string, Obj>) =>
    tf({
      "aws_ssoadmin_permission_set.agent": permissionSet(),
      "aws_ssoadmin_customer_managed_policy_attachment.c": { instance_arn: INSTANCE, permission_set_arn: PS, customer_managed_policy_reference: ref },
      ...policies,
    });

  test("resolved to the stack's one policy of that name and path: judged by its document", () => {
    expect(destroyOf(stack({ name: "agent-ops", path: "/" }, { "aws_iam_policy.ops": { name: "agent-ops", policy: DESCRIBE } }))).toEqual([]);
    expect(destroyOf(stack({ name: "agent-ops", path: "/" }, { "aws_iam_policy.ops": { name: "agent-ops", policy: DELETE } }))).toEqual(["aws_ssoadmin_permission_set.agent"]);
    expect(destroyOf(stack({ name: "${aws_iam_policy.ops.name}" }, { "aws_iam_policy.ops": { name: "agent-ops", policy: DESCRIBE } }))).toEqual([]);
  });

  test("a policy of that name under another path is not it: unreadable, a finding that says why", () => {
    const r = check(stack({ name: "agent-ops", path: "/team/" }, { "aws_iam_policy.ops": { name: "agent-ops", policy: DESCRIBE } }));
    const mine = errors(r).filter((f) => f.principal === "aws_ssoadmin_permission_set.agent");
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.map((f) => f.message).join(" ")).toContain("no aws_iam_policy of this stack has that name and path");
  });

  test("two policies that may have the name: unreadable", () => {
    const r = check(
      stack({ name: "agent-ops" }, { "aws_iam_policy.a": { name: "agent-ops", policy: DESCRIBE }, "aws_iam_policy.b": { name: "${var.n}", policy: DESCRIBE } }),
    );
    expect(errors(r).map((f) => f.message).join(" ")).toContain("2 aws_iam_policy resources of this stack may be");
  });

  // An import or moved block brings an existing policy to a resource that writes no name: it keeps its own name, any
  // name, so it may be the one the set names (as tokens.ts reads its ARN), never only terraform-....
  const IMPORTED = { import: [{ to: "aws_iam_policy.adopted", id: "arn:aws:iam::111111111111:policy/agent-ops" }] };
  const MOVED = { moved: [{ from: "aws_iam_policy.old", to: "aws_iam_policy.adopted" }] };
  const withTop = (json: Obj, top: Obj) => ({ ...json, ...top });

  test("an unnamed policy imported or moved to may be the one named: with another of that name, blastwall cannot tell which", () => {
    for (const top of [IMPORTED, MOVED]) {
      const json = withTop(stack({ name: "agent-ops" }, { "aws_iam_policy.ops": { name: "agent-ops", policy: DESCRIBE }, "aws_iam_policy.adopted": { policy: DELETE } }), top);
      const mine = errors(check(json)).filter((f) => f.principal === "aws_ssoadmin_permission_set.agent");
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.map((f) => f.message).join(" ")).toContain("2 aws_iam_policy resources of this stack may be (aws_iam_policy.ops, aws_iam_policy.adopted)");
    }
  });

  test("alone, it may be the one named but is not known to be: unreadable, and the finding says why and how to fix it", () => {
    for (const top of [IMPORTED, MOVED]) {
      const json = withTop(stack({ name: "agent-ops" }, { "aws_iam_policy.adopted": { policy: DESCRIBE } }), top);
      const msg = errors(check(json)).filter((f) => f.principal === "aws_ssoadmin_permission_set.agent").map((f) => f.message).join(" ");
      expect(msg).toContain("which aws_iam_policy.adopted may be, but blastwall cannot tell whether it is");
      expect(msg).toContain("${aws_iam_policy.adopted.name}");
    }
  });

  test("a policy whose name is known only at apply, alone, is not known to be the one named either", () => {
    const json = stack({ name: "agent-ops" }, { "aws_iam_policy.ops": { name: "${var.n}", policy: DESCRIBE } });
    expect(errors(check(json)).map((f) => f.message).join(" ")).toContain("which aws_iam_policy.ops may be, but blastwall cannot tell whether it is");
    // Named by reference, it is that policy.
    expect(destroyOf(stack({ name: "${aws_iam_policy.ops.name}" }, { "aws_iam_policy.ops": { name: "${var.n}", policy: DESCRIBE } }))).toEqual([]);
  });

  test("the controls: no import or moved block, or one to another resource, leaves it terraform-...: the named policy is judged", () => {
    const other = { import: [{ to: "aws_iam_policy.elsewhere", id: "arn:aws:iam::111111111111:policy/x" }], moved: [{ from: "aws_iam_policy.old", to: "aws_iam_policy.elsewhere" }] };
    for (const top of [{}, other]) {
      expect(destroyOf(withTop(stack({ name: "agent-ops" }, { "aws_iam_policy.ops": { name: "agent-ops", policy: DESCRIBE }, "aws_iam_policy.adopted": { policy: DELETE } }), top))).toEqual([]);
      expect(destroyOf(withTop(stack({ name: "agent-ops" }, { "aws_iam_policy.ops": { name: "agent-ops", policy: DELETE }, "aws_iam_policy.adopted": { policy: DESCRIBE } }), top))).toEqual([
        "aws_ssoadmin_permission_set.agent",
      ]);
    }
    // An imported policy whose name is written is that name.
    expect(destroyOf(withTop(stack({ name: "agent-ops" }, { "aws_iam_policy.ops": { name: "agent-ops", policy: DESCRIBE }, "aws_iam_policy.adopted": { name: "other", policy: DELETE } }), IMPORTED))).toEqual([]);
  });

  test("an empty name is no name to the provider: terraform-..., or any name when imported", () => {
    const json = (top: Obj) => withTop(stack({ name: "agent-ops" }, { "aws_iam_policy.ops": { name: "agent-ops", policy: DESCRIBE }, "aws_iam_policy.adopted": { name: "", policy: DELETE } }), top);
    expect(destroyOf(json({}))).toEqual([]);
    expect(errors(check(json(IMPORTED))).map((f) => f.message).join(" ")).toContain("2 aws_iam_policy resources of this stack may be");
  });
});

// Red-team round 99: a policy of the management account was read as the boundary of a set assigned to another account.
describe("a customer managed reference is read from the stack only when the stack places neither it nor the set in an account", () => {
  const BOUNDARY_DENY = policy({ Effect: "Allow", Action: "*", Resource: "*" }, { Effect: "Deny", Action: ["ec2:Delete*"], Resource: "*" });
  const assignment = (account: string) => ({ instance_arn: INSTANCE, permission_set_arn: PS, principal_id: "g-1", principal_type: "GROUP", target_id: account, target_type: "AWS_ACCOUNT" });
  const pin = (account: string) => ({ provider: { aws: [{ region: "eu-west-1", allowed_account_ids: [account] }] } });
  const boundary = (assigned: string | undefined, extra: Obj = {}) =>
    tf(
      {
        "aws_ssoadmin_permission_set.agent": permissionSet(),
        "aws_ssoadmin_permission_set_inline_policy.p": inline(DELETE),
        "aws_ssoadmin_permissions_boundary_attachment.b": { instance_arn: INSTANCE, permission_set_arn: PS, permissions_boundary: { customer_managed_policy_reference: { name: "agent-boundary" } } },
        "aws_iam_policy.boundary": { name: "agent-boundary", policy: BOUNDARY_DENY },
        ...(assigned !== undefined ? { "aws_ssoadmin_account_assignment.a": assignment(assigned) } : {}),
      },
      extra,
    );
  const identity = (assigned: string | undefined, extra: Obj = {}) =>
    tf(
      {
        "aws_ssoadmin_permission_set.agent": permissionSet(),
        "aws_ssoadmin_customer_managed_policy_attachment.c": { instance_arn: INSTANCE, permission_set_arn: PS, customer_managed_policy_reference: { name: "agent-ops" } },
        "aws_iam_policy.ops": { name: "agent-ops", policy: DESCRIBE },
        ...(assigned !== undefined ? { "aws_ssoadmin_account_assignment.a": assignment(assigned) } : {}),
      },
      extra,
    );
  const boundaryNote = (json: Obj) => analysisOf(json).byAddress.get("aws_ssoadmin_permission_set.agent")!.notes.find((n) => n.startsWith("boundary "));

  test("neither placed (no pinned provider, no assignment with a literal account): the stack's policy caps the set", () => {
    expect(destroyOf(boundary(undefined))).toEqual([]);
    expect(destroyOf(boundary("${var.account}", { variable: { account: { type: "string" } } }))).toEqual([]);
    expect(destroyOf(identity(undefined))).toEqual([]);
  });

  test("the policy pinned to one account caps nothing, whichever account the stack assigns the set to", () => {
    for (const assigned of ["222222222222", "111111111111", undefined]) {
      const json = boundary(assigned, pin("111111111111"));
      expect([assigned, destroyOf(json)]).toEqual([assigned, ["aws_ssoadmin_permission_set.agent"]]);
      expect(boundaryNote(json)).toContain("which this stack creates in the account 111111111111 only, but the permission set may be provisioned in any account");
    }
    expect(boundaryNote(boundary("222222222222", pin("111111111111")))).toContain("(this stack assigns it to 222222222222; assignments add up");
  });

  test("the policy's account unknown, the set assigned to a literal account: caps nothing", () => {
    const json = boundary("222222222222");
    expect(destroyOf(json)).toEqual(["aws_ssoadmin_permission_set.agent"]);
    expect(boundaryNote(json)).toContain("whose provider names no account, while this stack assigns the permission set to 222222222222");
  });

  test("as an identity policy, the same reference may grant anything: an error that says why", () => {
    for (const [assigned, extra] of [["222222222222", pin("111111111111")], ["222222222222", {}], [undefined, pin("111111111111")]] as const) {
      const f = errors(check(identity(assigned, extra)), "unanalysable-policy");
      expect([assigned, f.map((x) => x.principal)]).toEqual([assigned, ["aws_ssoadmin_permission_set.agent"]]);
      expect(f[0].message).toContain("use an AWS managed policy, the same in every account, or the inline policy");
    }
  });
});

describe("attachments naming the permission set", () => {
  test("by a variable blastwall cannot resolve: unresolved-attachment", () => {
    const json = tf(
      { "aws_ssoadmin_permission_set.agent": permissionSet(), "aws_ssoadmin_managed_policy_attachment.admin": managed(ADMIN, "${var.ps}") },
      { variable: { ps: { type: "string" } } },
    );
    const r = check(json);
    expect(destroyOf(json)).toEqual([]);
    const u = errors(r, "unresolved-attachment");
    expect(u.map((f) => f.principal)).toEqual(["aws_ssoadmin_managed_policy_attachment.admin"]);
    expect(u[0].message).toContain("may reach any permission set");
  });

  test("by .id (not an ARN, which AWS refuses) still counts what it allows", () => {
    expect(destroyOf(tf({ "aws_ssoadmin_permission_set.agent": permissionSet(), "aws_ssoadmin_managed_policy_attachment.admin": managed(ADMIN, "${aws_ssoadmin_permission_set.agent.id}") }))).toEqual([
      "aws_ssoadmin_permission_set.agent",
    ]);
  });

  test("by a literal ARN: the permission set whose ARN it is, or any whose ARN blastwall does not know", () => {
    const arn = "arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-1111111111111111";
    expect(destroyOf(tf({ "aws_ssoadmin_permission_set.agent": permissionSet(), "aws_ssoadmin_managed_policy_attachment.admin": managed(ADMIN, arn) }))).toEqual(["aws_ssoadmin_permission_set.agent"]);
    // Known to be another permission set's ARN (a plan's values): not the agent.
    const other = "arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-2222222222222222";
    expect(destroyOf(tf({ "aws_ssoadmin_permission_set.agent": permissionSet({ arn }), "aws_ssoadmin_managed_policy_attachment.admin": managed(ADMIN, other) }))).toEqual([]);
  });
});

// Red-team round 99: a data source reading another instance's set of the same name capped the agent with its boundary.
describe("a data.aws_ssoadmin_permission_set by name is the set of that name in the instance it names", () => {
  const OTHER = "arn:aws:sso:::instance/ssoins-2222222222222222";
  const stack = (instance: string) =>
    tf(
      {
        "aws_ssoadmin_permission_set.agent": permissionSet(),
        "aws_ssoadmin_permission_set_inline_policy.p": inline(DELETE),
        "data.aws_ssoadmin_permission_set.ps": { instance_arn: instance, name: "AgentDev" },
        "aws_ssoadmin_permissions_boundary_attachment.b": { instance_arn: instance, permission_set_arn: "${data.aws_ssoadmin_permission_set.ps.arn}", permissions_boundary: { managed_policy_arn: READ_ONLY } },
      },
      { variable: { instance: { type: "string" } } },
    );
  test("the same instance: its boundary caps the agent", () => {
    expect(destroyOf(stack(INSTANCE))).toEqual([]);
  });
  test("another instance: not the agent, whose boundary it is not", () => {
    expect(destroyOf(stack(OTHER))).toEqual(["aws_ssoadmin_permission_set.agent"]);
    expect(analysisOf(stack(OTHER)).byAddress.get("aws_ssoadmin_permission_set.agent")!.notes.join(" ")).not.toContain("aws_ssoadmin_permissions_boundary_attachment.b");
  });
  test("an instance blastwall cannot resolve: it may be the agent, so the boundary is not relied on", () => {
    const json = stack("${var.instance}");
    expect(destroyOf(json)).toEqual(["aws_ssoadmin_permission_set.agent"]);
    expect(analysisOf(json).byAddress.get("aws_ssoadmin_permission_set.agent")!.notes.join(" ")).toContain('reads the permission set named "AgentDev" in an instance blastwall cannot resolve, which may be this one');
  });
});

describe("config selectors", () => {
  const json = tf({ "aws_ssoadmin_permission_set.agent": permissionSet({ tags: { team: "ai" } }), "aws_ssoadmin_permission_set_inline_policy.p": inline(DELETE) });
  test.each<[string, BlastwallConfig]>([
    ["addresses", { agents: { addresses: ["aws_ssoadmin_permission_set.agent"] } }],
    ["names", { agents: { names: ["Agent*"] } }],
    ["tags", { agents: { tags: { team: "ai" } } }],
  ])("agents.%s selects it", (_what, config) => {
    expect(destroyOf(json, config)).toEqual(["aws_ssoadmin_permission_set.agent"]);
  });
  test("a selector that matches nothing leaves it alone", () => {
    expect(destroyOf(json, { agents: { names: ["ci-*"] } })).toEqual([]);
  });
});

describe("self-escalation through Identity Center", () => {
  const stack = (resource: string) =>
    tf({ "aws_ssoadmin_permission_set.agent": permissionSet(), "aws_ssoadmin_permission_set_inline_policy.p": inline(policy({ Effect: "Allow", Action: ["sso:PutInlinePolicyToPermissionSet"], Resource: resource })) });

  test("sso:PutInlinePolicyToPermissionSet on its own instance's permission sets covers itself", () => {
    const f = errors(check(stack("arn:aws:sso:::permissionSet/ssoins-1111111111111111/*")), "agent-self-escalation");
    expect(f.map((x) => x.principal)).toEqual(["aws_ssoadmin_permission_set.agent"]);
  });

  test("on another instance's permission sets it does not", () => {
    expect(errors(check(stack("arn:aws:sso:::permissionSet/ssoins-2222222222222222/*")), "agent-self-escalation")).toEqual([]);
  });

  // Red-team round 99: the sso: calls that take a policy off the set removed its Denies unseen.
  const REMOVALS = ["sso:DeleteInlinePolicyFromPermissionSet", "sso:DetachManagedPolicyFromPermissionSet", "sso:DetachCustomerManagedPolicyReferenceFromPermissionSet"];
  const removal = (action: string, resource: string) => {
    const doc = policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }, { Effect: "Allow", Action: action, Resource: resource }, { Effect: "Deny", Action: "ec2:DeleteVolume", Resource: "*" });
    const json = tf({ "aws_ssoadmin_permission_set.agent": permissionSet(), "aws_ssoadmin_permission_set_inline_policy.p": inline(doc) });
    return check(json).findings.filter((f) => f.ruleId === "agent-self-escalation" && !f.acknowledged);
  };

  test.each(REMOVALS)("%s on its own permission set removes its Denies: an error that names what they hold back", (action) => {
    const f = removal(action, "arn:aws:sso:::permissionSet/ssoins-1111111111111111/*");
    expect(f.map((x) => [x.principal, x.severity])).toEqual([["aws_ssoadmin_permission_set.agent", "error"]]);
    expect(f[0].message).toContain("and with them the Denies that now keep it from deleting data: ec2:DeleteVolume");
  });

  test.each(REMOVALS)("%s on another instance's permission sets is no path to itself", (action) => {
    expect(removal(action, "arn:aws:sso:::permissionSet/ssoins-2222222222222222/*")).toEqual([]);
  });

  test("without a Deny of its own, a removal is a warning; removing its boundary lifts a cap: an error", () => {
    const stack = (action: string) =>
      tf({ "aws_ssoadmin_permission_set.agent": permissionSet(), "aws_ssoadmin_permission_set_inline_policy.p": inline(policy({ Effect: "Allow", Action: action, Resource: "*" })) });
    const sev = (action: string) => check(stack(action)).findings.filter((f) => f.ruleId === "agent-self-escalation").map((f) => f.severity);
    expect(sev("sso:DeleteInlinePolicyFromPermissionSet")).toEqual(["warning"]);
    expect(sev("sso:DeletePermissionsBoundaryFromPermissionSet")).toEqual(["error"]);
  });

  test("iam:PutRolePolicy is no path to itself: AWS refuses IAM calls on its reserved roles", () => {
    const json = tf({
      "aws_ssoadmin_permission_set.agent": permissionSet(),
      "aws_ssoadmin_permission_set_inline_policy.p": inline(policy({ Effect: "Allow", Action: ["iam:PutRolePolicy"], Resource: "arn:aws:iam::*:role/aws-reserved/*" })),
    });
    expect(errors(check(json), "agent-self-escalation")).toEqual([]);
  });
});

describe("session duration", () => {
  const stack = (d: string | undefined) => tf({ "aws_ssoadmin_permission_set.agent": permissionSet(d === undefined ? {} : { session_duration: d }) });
  const ids = (json: Obj) => errors(check(json, {}, { rules: allRules }), "agent-session-duration").map((f) => f.principal);
  test("longer than one hour fails; one hour or unset passes; an unreadable one fails", () => {
    expect(ids(stack("PT8H"))).toEqual(["aws_ssoadmin_permission_set.agent"]);
    expect(ids(stack("PT1H"))).toEqual([]);
    expect(ids(stack("PT30M"))).toEqual([]);
    expect(ids(stack(undefined))).toEqual([]);
    expect(ids(stack("8 hours"))).toEqual(["aws_ssoadmin_permission_set.agent"]);
  });
});

describe("reach: a permission set acts as its reserved role in any account, whatever the stack assigns it to", () => {
  const trust = (principal: Obj) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole" }] });
  const stack = (roleTrust: string, targetId: string | undefined, assume = "arn:aws:iam::111111111111:role/deployer") =>
    tf(
      {
        "aws_ssoadmin_permission_set.agent": permissionSet(),
        "aws_ssoadmin_permission_set_inline_policy.p": inline(policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: assume })),
        ...(targetId !== undefined
          ? { "aws_ssoadmin_account_assignment.dev": { instance_arn: INSTANCE, permission_set_arn: PS, principal_id: "g-1", principal_type: "GROUP", target_id: targetId, target_type: "AWS_ACCOUNT" } }
          : {}),
        "aws_iam_role.deployer": { name: "deployer", assume_role_policy: roleTrust },
        "aws_iam_role_policy.d": { role: "${aws_iam_role.deployer.name}", policy: DELETE },
      },
      { provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["111111111111"] }] } },
    );
  const chained = (json: Obj) => errors(check(json), "agent-transitive-destroy").map((f) => f.principal);

  test("a trust of the account root it is assigned to admits it: a chain to the role's destroy right", () => {
    expect(chained(stack(trust({ AWS: "arn:aws:iam::111111111111:root" }), "111111111111"))).toEqual(["aws_ssoadmin_permission_set.agent"]);
  });

  test("a trust naming AWSReservedSSO_<name>_* admits it", () => {
    const t = trust({ AWS: "arn:aws:iam::111111111111:root" });
    const named = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ ...JSON.parse(t).Statement[0], Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_AgentDev_*" } } }],
    });
    expect(chained(stack(named, "111111111111"))).toEqual(["aws_ssoadmin_permission_set.agent"]);
    // Another permission set's role, by its full ARN, is not this one's. (A pattern with a wildcard before the name may
    // be read as admitting it: the region segment is a wildcard in its pattern, which leans to admitting.)
    const other = named.replace("/*AWSReservedSSO_AgentDev_*", "/AWSReservedSSO_Other_0123456789abcdef");
    expect(chained(stack(other, "111111111111"))).toEqual([]);
  });

  test("its roles are those of any partition: a GovCloud or China instance's reserved roles fit the pattern", () => {
    const p = analysisOf(stack(trust({ AWS: "arn:aws:iam::111111111111:root" }), "111111111111")).byAddress.get("aws_ssoadmin_permission_set.agent")!;
    for (const partition of ["aws", "aws-us-gov", "aws-cn"]) {
      expect(globMatch(p.arnPattern, `arn:${partition}:iam::111111111111:role/aws-reserved/sso.amazonaws.com/us-gov-west-1/AWSReservedSSO_AgentDev_0123456789abcdef`)).toBe(true);
    }
    expect(globMatch(p.arnPattern, "arn:aws-us-gov:iam::111111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AgentDevOps_0123456789abcdef")).toBe(false);
  });

  // Red-team round 99: assignments add up across stacks, the console and sso:CreateAccountAssignment, so the stack's
  // assignment to one account does not keep the set out of another (this was a "pinned-account control" that passed).
  test("a trust of another account admits it too: the stack's assignment is not the only one there may be", () => {
    expect(chained(stack(trust({ AWS: "arn:aws:iam::222222222222:root" }), "111111111111", "arn:aws:iam::*:role/deployer"))).toEqual(["aws_ssoadmin_permission_set.agent"]);
    const p = analysisOf(stack(trust({ AWS: "arn:aws:iam::222222222222:root" }), "111111111111")).byAddress.get("aws_ssoadmin_permission_set.agent")!;
    expect(p.arnPattern).toBe("arn:*:iam::*:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_AgentDev_????????????????");
    const f = errors(check(stack(trust({ AWS: "arn:aws:iam::222222222222:root" }), "111111111111", "arn:aws:iam::*:role/deployer")), "agent-transitive-destroy")[0];
    expect(f.evidence[0].detail).toContain("; this stack assigns it to the account 111111111111, and other stacks, the console or sso:CreateAccountAssignment may assign it");
    expect(p.notes.join(" ")).toContain("accounts: this stack assigns it to the account 111111111111, and other stacks, the console or sso:CreateAccountAssignment may assign it in any other");
  });

  test("control: a trust of another account narrowed to another permission set's role does not admit it", () => {
    const t = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::222222222222:root" },
          Action: "sts:AssumeRole",
          Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::222222222222:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Other_????????????????" } },
        },
      ],
    });
    expect(chained(stack(t, "111111111111", "arn:aws:iam::*:role/deployer"))).toEqual([]);
  });

  test("without an assignment, or with one blastwall cannot resolve, it may be in any account", () => {
    const t = trust({ AWS: "arn:aws:iam::222222222222:root" });
    expect(chained(stack(t, undefined, "arn:aws:iam::*:role/deployer"))).toEqual(["aws_ssoadmin_permission_set.agent"]);
    expect(chained(stack(t, "${var.account}", "arn:aws:iam::*:role/deployer"))).toEqual(["aws_ssoadmin_permission_set.agent"]);
  });
});
