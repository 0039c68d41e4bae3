/**
 * What one stack of a run takes away from another's principals (red-team round 130, F1 and F2): an
 * aws_iam_policy_attachment (the only attachment its policy may have in the account), an exclusive manager of a
 * role's policies, or an import block that brings the agent's guard policy under another configuration. Each apply
 * of that stack strips the guard again, so its Deny is not relied on, as it is not when the resource sits in the
 * agent's own stack.
 */
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks } from "../../lib/check/run-check";
import { agentRules, allRules } from "../../lib/rules";
import { AGENT, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

const ACCOUNT = "111111111111";
const pinned = (account: string) => ({ aws: [{ region: "eu-west-1", allowed_account_ids: [account] }] });
const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });
const GUARD_OUT = "cross-stack-output-aws_iam_policyguardarn";
const ROLE_OUT = "cross-stack-output-aws_iam_roleagentname";
const REMOTE = { "data.terraform_remote_state.cross-stack-reference-input-agents": { backend: "local", config: { path: "/app/terraform.agents.tfstate" }, workspace: "${terraform.workspace}" } };
const GUARD_REF = `\${data.terraform_remote_state.cross-stack-reference-input-agents.outputs.${GUARD_OUT}}`;
const ROLE_REF = `\${data.terraform_remote_state.cross-stack-reference-input-agents.outputs.${ROLE_OUT}}`;
const GUARD_ARN = `arn:aws:iam::${ACCOUNT}:policy/agents/coder-guard`;

/**
 * The agent: its boundary leaves ec2:DeleteVolume open (the guard's Deny is what takes it away), an inline policy
 * allows it, and the guard policy is attached (`inlineGuard`: written inline instead).
 */
function agents(opts: { account?: string; inlineGuard?: boolean } = {}): Obj {
  const DENY = policy({ Sid: "Guard", Effect: "Deny", Action: "ec2:DeleteVolume", Resource: "*" });
  const guard: Record<string, Obj> = opts.inlineGuard
    ? { "aws_iam_role_policy.guard": { name: "guard", role: "${aws_iam_role.agent.name}", policy: DENY } }
    : {
        "aws_iam_policy.guard": { name: "coder-guard", path: "/agents/", policy: DENY },
        "aws_iam_role_policy_attachment.guard": { role: "${aws_iam_role.agent.name}", policy_arn: "${aws_iam_policy.guard.arn}" },
      };
  return tf(
    {
      "aws_iam_policy.boundary": { name: "coder-boundary", path: "/agents/", policy: policy({ Effect: "Allow", Action: "*", Resource: "*" }, { Effect: "Deny", Action: "cloudtrail:StopLogging", Resource: "*" }) },
      "aws_iam_role.agent": { name: "coder", path: "/agents/", assume_role_policy: TRUST, tags: AGENT, max_session_duration: 3600, permissions_boundary: "${aws_iam_policy.boundary.arn}" },
      "aws_iam_role_policy.ops": { name: "ops", role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: ["ec2:DeleteVolume", "ec2:DescribeVolumes"], Resource: "*" }) },
      ...guard,
    },
    {
      provider: pinned(opts.account ?? ACCOUNT),
      terraform: { backend: { local: { path: "/app/terraform.agents.tfstate" } } },
      output: {
        ...(opts.inlineGuard ? {} : { [GUARD_OUT]: { value: "${aws_iam_policy.guard.arn}", sensitive: true } }),
        [ROLE_OUT]: { value: "${aws_iam_role.agent.name}", sensitive: true },
      },
    },
  );
}

/** Another stack of the app: `entries` and an auditor role, reading the agents stack's outputs; `top`: import blocks, a provider. */
function other(entries: Record<string, Obj>, top: Obj = {}): Obj {
  return tf(
    { ...REMOTE, "aws_iam_role.auditor": { name: "auditor", assume_role_policy: TRUST }, ...entries },
    { provider: pinned(ACCOUNT), terraform: { backend: { local: { path: "/app/terraform.other.tfstate" } } }, ...top },
  );
}

function run(...stacks: Obj[]) {
  const names = ["agents", "other", "third"];
  const models = stacks.map((json, i) => buildStack(json, `cdktf.out/stacks/${names[i]}/cdk.tf.json`, names[i]));
  return checkStacks(models, { config: {}, rules: agentRules }).findings;
}

const destroyers = (fs: ReturnType<typeof run>) => fs.filter((f) => f.ruleId === "agent-destroy-right" && f.severity === "error");
const reason = (fs: ReturnType<typeof run>) => destroyers(fs)[0]?.evidence.find((e) => e.step === "deny-not-relied-on")?.detail ?? "";

const polatt = (policyArn: string, roles: string[] = ["${aws_iam_role.auditor.name}"]) => ({ "aws_iam_policy_attachment.guard": { name: "guard", policy_arn: policyArn, roles } });

describe("an aws_iam_policy_attachment in another stack detaches the agent's guard", () => {
  test("the controls: the agent alone, and another stack attaching another policy that way", () => {
    expect(destroyers(run(agents()))).toEqual([]);
    expect(destroyers(run(agents(), other(polatt(`arn:aws:iam::${ACCOUNT}:policy/agents/other`))))).toEqual([]);
    expect(destroyers(run(agents(), other(polatt("arn:aws:iam::aws:policy/ReadOnlyAccess"))))).toEqual([]);
  });

  test("by cross-stack reference or by literal ARN, the guard's Deny is not relied on", () => {
    for (const arn of [GUARD_REF, GUARD_ARN]) {
      const fs = run(agents(), other(polatt(arn)));
      expect(destroyers(fs).map((f) => f.principal)).toEqual(["aws_iam_role.agent"]);
      expect(reason(fs)).toContain("aws_iam_policy_attachment.guard of stack other is an aws_iam_policy_attachment, the only attachment its policy");
      expect(reason(fs)).toContain("does not certainly list aws_iam_role.agent");
      expect(reason(fs)).toContain("In that stack, replace it with an aws_iam_role_policy_attachment (user, group) per principal it lists");
    }
  });

  test("one that lists the agent too keeps it; one whose policy is not known may be the guard", () => {
    expect(destroyers(run(agents(), other(polatt(GUARD_REF, ["${aws_iam_role.auditor.name}", ROLE_REF]))))).toEqual([]);
    expect(destroyers(run(agents(), other(polatt("${var.policy}"), { variable: { policy: { type: "string" } } })))).toHaveLength(1);
  });

  test("IAM names are per account: one pinned to another account detaches nothing of the agent; one not pinned may", () => {
    expect(destroyers(run(agents(), other(polatt(`arn:aws:iam::222222222222:policy/agents/coder-guard`), { provider: pinned("222222222222") })))).toEqual([]);
    expect(destroyers(run(agents(), other(polatt(GUARD_ARN), { provider: { aws: [{ region: "eu-west-1" }] } })))).toHaveLength(1);
  });

  test("the other stack checked alone is judged as before", () => {
    expect(run(other(polatt(GUARD_ARN))).filter((f) => f.severity === "error")).toEqual([]);
  });

  // Red-team round 136, F2: a policy Terraform names (terraform-...), or one looked up by another name, is not the guard.
  test("of a policy with a generated name, or looked up by another name, it detaches nothing of the agent", () => {
    const generated = { "aws_iam_policy.legacy": { policy: policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }) } };
    expect(destroyers(run(agents(), other({ ...generated, ...polatt("${aws_iam_policy.legacy.arn}") })))).toEqual([]);
    expect(destroyers(run(agents(), other({ "data.aws_iam_policy.legacy": { name: "legacy-readers" }, ...polatt("${data.aws_iam_policy.legacy.arn}") })))).toEqual([]);
  });

  test("the controls: looked up by the guard's name, imported, or named by a variable, it may be the guard", () => {
    expect(destroyers(run(agents(), other({ "data.aws_iam_policy.g": { name: "coder-guard" }, ...polatt("${data.aws_iam_policy.g.arn}") })))).toHaveLength(1);
    const imported = { "aws_iam_policy.legacy": { policy: policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }) }, ...polatt("${aws_iam_policy.legacy.arn}") };
    expect(destroyers(run(agents(), other(imported, { import: [{ to: "aws_iam_policy.legacy", id: "${var.p}" }], variable: { p: { type: "string" } } })))).toHaveLength(1);
    const unknown = { "aws_iam_policy.legacy": { name: "${var.p}", policy: policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }) }, ...polatt("${aws_iam_policy.legacy.arn}") };
    expect(destroyers(run(agents(), other(unknown, { variable: { p: { type: "string" } } })))).toHaveLength(1);
  });

  test("when it strips the guard, agent-role-boundary names it and says how to fix it", () => {
    const all = (...stacks: Obj[]) =>
      checkStacks(stacks.map((json, i) => buildStack(json, `cdktf.out/stacks/${["agents", "other"][i]}/cdk.tf.json`, ["agents", "other"][i])), { config: {}, rules: allRules }).findings;
    const boundary = (fs: ReturnType<typeof run>) => fs.find((f) => f.ruleId === "agent-role-boundary")!;
    const unknown = { "aws_iam_policy.legacy": { name: "${var.p}", policy: policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }) }, ...polatt("${aws_iam_policy.legacy.arn}") };
    // The guard also denies ec2:DeleteSnapshot, which the agent does not hold: a Deny that caps the boundary.
    const capping = agents() as { resource: { aws_iam_policy: Record<string, Obj> } };
    capping.resource.aws_iam_policy.guard.policy = policy({ Sid: "Guard", Effect: "Deny", Action: ["ec2:DeleteVolume", "ec2:DeleteSnapshot"], Resource: "*" });
    const f = boundary(all(capping, other(unknown, { variable: { p: { type: "string" } } })));
    expect(f.message).toContain("The role's own policies deny some of them, but blastwall does not rely on those Denies: aws_iam_policy_attachment.guard of stack other is an aws_iam_policy_attachment");
    expect(f.fix).toContain("The role's own Denies would cap them, but aws_iam_policy_attachment.guard of stack other");
    expect(f.fix).toContain("replace it with an aws_iam_role_policy_attachment (user, group) per principal it lists");
    expect(f.fix).toContain("or name its policy so that blastwall can tell it from this one");
    expect(f.evidence.map((e) => e.step)).toContain("deny-not-relied-on");
    // In the agent's own stack, the same: named, with its fix.
    const own = JSON.parse(JSON.stringify(capping)) as { resource: Record<string, Record<string, Obj>> };
    own.resource.aws_iam_policy_attachment = { strip: { name: "strip", policy_arn: "${aws_iam_policy.guard.arn}", roles: ["auditor"] } };
    const g = boundary(all(own));
    expect(g.message).toContain("aws_iam_policy_attachment.strip is an aws_iam_policy_attachment, the only attachment its policy may have");
    expect(g.fix).toContain("Replace it with an aws_iam_role_policy_attachment (user, group) per principal it lists");
    // Control: with nothing stripping the guard, the finding (the boundary allows everything) says nothing of it.
    const alone = boundary(all(capping));
    expect(alone.message).not.toContain("does not rely");
    expect(alone.evidence.map((e) => e.step)).not.toContain("deny-not-relied-on");
  });
});

describe("an exclusive manager in another stack strips what its list leaves out", () => {
  const exclusive = (arns: string[], role = ROLE_REF) => ({ "aws_iam_role_policy_attachments_exclusive.x": { role_name: role, policy_arns: arns } });

  test("an empty list, or one without the guard, detaches it", () => {
    for (const arns of [[], ["arn:aws:iam::aws:policy/ReadOnlyAccess"]]) {
      const fs = run(agents(), other(exclusive(arns)));
      expect(destroyers(fs)).toHaveLength(1);
      expect(reason(fs)).toContain("aws_iam_role_policy_attachments_exclusive.x of stack other keeps only the policies its policy_arns list attached to aws_iam_role.agent");
    }
    // Named by its literal name as well.
    expect(destroyers(run(agents(), other(exclusive([], "coder"))))).toHaveLength(1);
  });

  test("the controls: a list that keeps the guard (by reference or ARN), and a manager of another role", () => {
    expect(destroyers(run(agents(), other(exclusive([GUARD_REF]))))).toEqual([]);
    expect(destroyers(run(agents(), other(exclusive([GUARD_ARN]))))).toEqual([]);
    expect(destroyers(run(agents(), other(exclusive([], "${aws_iam_role.auditor.name}"))))).toEqual([]);
  });

  test("aws_iam_role_policies_exclusive deletes an inline guard it does not name", () => {
    const inline = (names: string[]) => ({ "aws_iam_role_policies_exclusive.x": { role_name: ROLE_REF, policy_names: names } });
    const fs = run(agents({ inlineGuard: true }), other(inline(["ops"])));
    expect(destroyers(fs)).toHaveLength(1);
    expect(reason(fs)).toContain("keeps only the inline policies its policy_names list on aws_iam_role.agent, which do not certainly include \"guard\"");
    expect(destroyers(run(agents({ inlineGuard: true }), other(inline(["ops", "guard"]))))).toEqual([]);
  });

  test("a manager in a local module of the other stack counts as well", () => {
    const json = other({}, { module: { detach: { source: "./detach", role_name: ROLE_REF } } });
    const models = [buildStack(agents(), "cdktf.out/stacks/agents/cdk.tf.json", "agents"), buildStack(json, "cdktf.out/stacks/other/cdk.tf.json", "other")];
    // The module as the reader expands it: its resource, with the variable in place.
    const expanded = { ...models[1], byType: new Map(models[1].byType), byAddress: models[1].byAddress };
    const r = { mode: "managed" as const, type: "aws_iam_role_policy_attachments_exclusive", name: "this", address: "module.detach.aws_iam_role_policy_attachments_exclusive.this", values: { role_name: ROLE_REF, policy_arns: [] } };
    expanded.byType.set(r.type, [r]);
    const fs = checkStacks([models[0], expanded], { config: {}, rules: agentRules }).findings;
    expect(reason(fs)).toContain("module.detach.aws_iam_role_policy_attachments_exclusive.this of stack other");
  });
});

describe("an import block in another stack takes over the agent's IAM (F2)", () => {
  const importing = (id: unknown, to = "aws_iam_policy.guard2") => ({ import: [{ id, to }] });
  const takeover = { "aws_iam_policy.guard2": { name: "coder-guard", path: "/agents/", policy: policy({ Effect: "Deny", Action: "s3:GetObject", Resource: "*" }) } };

  test("importing the guard policy by its ARN rewrites its document: the Deny is not relied on", () => {
    const fs = run(agents(), other(takeover, importing(GUARD_ARN)));
    expect(destroyers(fs)).toHaveLength(1);
    expect(reason(fs)).toContain(`import.aws_iam_policy.guard2 of stack other imports "${GUARD_ARN}" into aws_iam_policy.guard2`);
    expect(reason(fs)).toContain("the last apply wins. Remove the import block, or manage the object in one stack only");
  });

  test("an id blastwall cannot resolve may be the guard; another policy's ARN is not", () => {
    expect(destroyers(run(agents(), other(takeover, { ...importing("${var.id}"), variable: { id: { type: "string" } } })))).toHaveLength(1);
    expect(destroyers(run(agents(), other(takeover, importing(`arn:aws:iam::${ACCOUNT}:policy/agents/other`))))).toEqual([]);
  });

  test("importing the guard's attachment, or the agent role itself, counts too", () => {
    const att = { "aws_iam_role_policy_attachment.a": { role: "coder", policy_arn: `arn:aws:iam::${ACCOUNT}:policy/agents/other` } };
    expect(destroyers(run(agents(), other(att, importing(`coder/${GUARD_ARN}`, "aws_iam_role_policy_attachment.a"))))).toHaveLength(1);
    const role = { "aws_iam_role.coder": { name: "coder", path: "/agents/", assume_role_policy: TRUST } };
    const models = [agents(), other(role, importing("coder", "aws_iam_role.coder"))].map((json, i) => buildStack(json, `cdktf.out/stacks/${i}/cdk.tf.json`, ["agents", "other"][i]));
    const [f] = checkStacks(models, { config: {}, rules: allRules }).findings.filter((x) => x.ruleId === "agent-role-boundary" && x.principal === "aws_iam_role.agent");
    expect(f.severity).toBe("error");
    expect(f.message).toContain("has a permission boundary blastwall cannot rely on (boundary ${aws_iam_policy.boundary.arn} caps nothing: import.aws_iam_role.coder of stack other imports \"coder\" into aws_iam_role.coder");
  });

  test("within one stack: an import into the guard itself is plain, into a second resource of the same policy is two managers", () => {
    const own = (to: string, extra: Record<string, Obj>) => buildStack({ ...agents(), ...extra, import: [{ id: GUARD_ARN, to }] }, "cdktf.out/stacks/agents/cdk.tf.json", "agents");
    const base = agents() as { resource: Record<string, Record<string, Obj>> };
    expect(destroyers(checkStacks([own("aws_iam_policy.guard", {})], { config: {}, rules: agentRules }).findings)).toEqual([]);
    const second = { resource: { ...base.resource, aws_iam_policy: { ...base.resource.aws_iam_policy, ...{ guard2: takeover["aws_iam_policy.guard2"] } } } };
    expect(destroyers(checkStacks([own("aws_iam_policy.guard2", second)], { config: {}, rules: agentRules }).findings)).toHaveLength(1);
  });
});

describe("an inline policy of the guard's name in another stack replaces it (red-team round 133, F1)", () => {
  const write = (role: string, name?: string, extra: Obj = {}) => ({ "aws_iam_role_policy.g": { role, ...(name !== undefined && { name }), ...extra, policy: policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }) } });
  const inline = () => agents({ inlineGuard: true });

  test("by literal role name or cross-stack reference, in any case: the guard's Deny is not relied on", () => {
    for (const [role, name] of [["coder", "guard"], [ROLE_REF, "Guard"]]) {
      const fs = run(inline(), other(write(role, name)));
      expect(destroyers(fs).map((f) => f.principal)).toEqual(["aws_iam_role.agent"]);
      expect(reason(fs)).toContain(`aws_iam_role_policy.g of stack other writes the inline policy "${name}" to role "coder", which may be "guard" (aws_iam_role_policy.guard) of aws_iam_role.agent`);
      expect(reason(fs)).toContain("PutRolePolicy replaces it");
      expect(reason(fs)).toContain("destroying that resource deletes it. Give each inline policy name one owner");
    }
  });

  test("a name or a role blastwall cannot resolve may be the guard's (fail closed)", () => {
    const vars = { variable: { n: { type: "string" }, r: { type: "string" } } };
    const fs = run(inline(), other(write("coder", "${var.n}"), vars));
    expect(reason(fs)).toContain("writes an inline policy whose name blastwall cannot resolve to role \"coder\"");
    expect(destroyers(run(inline(), other(write("${var.r}", "guard"), vars)))).toHaveLength(1);
  });

  test("the controls: another name, another role, a generated name, another account, another principal kind", () => {
    expect(destroyers(run(inline()))).toEqual([]);
    expect(destroyers(run(inline(), other(write("coder", "guard2"))))).toEqual([]);
    expect(destroyers(run(inline(), other(write("${aws_iam_role.auditor.name}", "guard"))))).toEqual([]);
    expect(destroyers(run(inline(), other(write("coder"))))).toEqual([]);
    expect(destroyers(run(inline(), other(write("coder", undefined, { name_prefix: "guard" }))))).toEqual([]);
    expect(destroyers(run(inline(), other(write("coder", "guard"), { provider: pinned("222222222222") })))).toEqual([]);
    const user = { "aws_iam_user_policy.g": { user: "coder", name: "guard", policy: policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }) } };
    expect(destroyers(run(inline(), other(user)))).toEqual([]);
  });

  test("a guard whose name Terraform generates is replaced only by a name that may be the generated one", () => {
    const generated = inline() as { resource: { aws_iam_role_policy: Record<string, Obj> } };
    delete generated.resource.aws_iam_role_policy.guard.name;
    expect(destroyers(run(generated, other(write("coder", "guard"))))).toEqual([]);
    expect(destroyers(run(generated, other(write("coder", "${var.n}"), { variable: { n: { type: "string" } } })))).toHaveLength(1);
  });

  // An import or moved block brings an existing inline policy to the unnamed guard: it keeps its own name, any name.
  test("a guard with no name that an import or moved block brings an existing inline policy to is replaced by any name", () => {
    const generated = inline() as { resource: { aws_iam_role_policy: Record<string, Obj> } };
    delete generated.resource.aws_iam_role_policy.guard.name;
    for (const top of [{ import: [{ to: "aws_iam_role_policy.guard", id: "coder:guard" }] }, { moved: [{ from: "aws_iam_role_policy.old", to: "aws_iam_role_policy.guard" }] }]) {
      const fs = run({ ...generated, ...top }, other(write("coder", "guard")));
      expect(destroyers(fs).map((f) => f.principal)).toEqual(["aws_iam_role.agent"]);
      expect(reason(fs)).toContain('aws_iam_role_policy.g of stack other writes the inline policy "guard" to role "coder", which may be');
    }
    // The control: a moved block to another resource leaves its name generated. (An import of another inline policy of
    // the role is read as possibly the guard already, as its name is not exact: see peerRemoval.)
    const elsewhere = { moved: [{ from: "aws_iam_role_policy.old", to: "aws_iam_role_policy.ops" }] };
    expect(destroyers(run({ ...generated, ...elsewhere }, other(write("coder", "guard"))))).toEqual([]);
  });

  // An unnamed inline policy of the other stack is a fresh terraform-... one only when nothing adopts an existing one:
  // a moved block brings one that keeps its old name, which may be the guard's.
  test("another stack's unnamed inline policy that a moved block brings an existing one to may have the guard's name", () => {
    const moved = (to: string) => ({ moved: [{ from: "aws_iam_role_policy.old", to }] });
    const fs = run(inline(), other(write("coder"), moved("aws_iam_role_policy.g")));
    expect(destroyers(fs).map((f) => f.principal)).toEqual(["aws_iam_role.agent"]);
    expect(reason(fs)).toContain('aws_iam_role_policy.g of stack other writes an inline policy whose name blastwall cannot resolve to role "coder", which may be "guard" (aws_iam_role_policy.guard)');
    expect(destroyers(run(inline(), other(write("coder", undefined, { name_prefix: "x-" }), moved("aws_iam_role_policy.g"))))).toHaveLength(1);
    // The controls: moved elsewhere it is generated; moved to another role it is not the agent's; an import names the
    // policy it adopts by its id, the guard's or another one.
    expect(destroyers(run(inline(), other(write("coder"), moved("aws_iam_role_policy.h"))))).toEqual([]);
    expect(destroyers(run(inline(), other(write("${aws_iam_role.auditor.name}"), moved("aws_iam_role_policy.g"))))).toEqual([]);
    const imported = (id: string) => ({ import: [{ to: "aws_iam_role_policy.g", id }] });
    expect(destroyers(run(inline(), other(write("coder"), imported("coder:other"))))).toEqual([]);
    const byId = run(inline(), other(write("coder"), imported("coder:guard")));
    expect(reason(byId)).toContain('import.aws_iam_role_policy.g of stack other imports "coder:guard" into aws_iam_role_policy.g');
  });

  test("an unnamed inline_policy block of a role an import or moved block brings an existing role to is replaced by any name", () => {
    const blockGuard = (top: Obj) => {
      const json = inline() as { resource: { aws_iam_role: Record<string, Obj>; aws_iam_role_policy: Record<string, Obj> } };
      const guard = json.resource.aws_iam_role_policy.guard;
      delete json.resource.aws_iam_role_policy.guard;
      json.resource.aws_iam_role.agent.inline_policy = [{ policy: guard.policy }];
      return { ...json, ...top };
    };
    expect(destroyers(run(blockGuard({}), other(write("coder", "guard"))))).toEqual([]);
    for (const top of [{ import: [{ to: "aws_iam_role.agent", id: "coder" }] }, { moved: [{ from: "aws_iam_role.old", to: "aws_iam_role.agent" }] }]) {
      expect(destroyers(run(blockGuard(top), other(write("coder", "guard")))).map((f) => f.principal)).toEqual(["aws_iam_role.agent"]);
    }
  });

  // Red-team round 136, F1: a role Terraform names is a new role, terraform-..., never the agent.
  test("written to another stack's role whose name Terraform generates, it replaces nothing; the controls may be the agent", () => {
    const anon = (extra: Obj = {}) => ({ "aws_iam_role.worker": { assume_role_policy: TRUST, ...extra }, ...write("${aws_iam_role.worker.name}", "guard") });
    expect(destroyers(run(inline(), other(anon())))).toEqual([]);
    expect(destroyers(run(inline(), other(anon({ name_prefix: "svc-worker-" }))))).toEqual([]);
    const vars = { variable: { n: { type: "string" } } };
    expect(destroyers(run(inline(), other(anon({ name: "${var.n}" }), vars)))).toHaveLength(1);
    expect(destroyers(run(inline(), other(anon({ name_prefix: "co" }))))).toHaveLength(1);
    // Imported, the role is the existing one, whatever its name.
    expect(destroyers(run(inline(), other(anon(), { import: [{ to: "aws_iam_role.worker", id: "${var.n}" }], ...vars })))).toHaveLength(1);
  });

  test("a policy or role of the same name in another stack fails to create there: it replaces nothing", () => {
    const role = { "aws_iam_role.coder": { name: "coder", assume_role_policy: TRUST, inline_policy: [{ name: "guard", policy: policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }) }] } };
    expect(destroyers(run(inline(), other(role)))).toEqual([]);
    const same = { "aws_iam_policy.g": { name: "coder-guard", path: "/agents/", policy: policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }) } };
    expect(destroyers(run(agents(), other(same)))).toEqual([]);
  });
});
