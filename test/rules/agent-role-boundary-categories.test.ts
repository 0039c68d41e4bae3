import type { TerraformResource } from "cdktf";
import { agentRole, policy, tf } from "../helpers/tf";
import { run } from "./helpers";
import { rule } from "../../lib/rules/agent-role-boundary";
import { loadCatalogue } from "../../lib/engine/catalogue";
import { AgentPrincipal, AgentRole, type AgentRoleProps } from "../../lib/constructs";
import { APP_ACCOUNT, synth } from "../constructs/helpers";

/**
 * Red-team round 76 (A1): the boundary rule asked only about the catalogue's direct list, so a boundary that no longer
 * denied a protection or escalation action, role chaining outside the agent roles, or changes to the role itself was
 * reported by nothing.
 */

type Obj = Record<string, any>;

const cat = loadCatalogue();
const ALL = cat.entries.map((e) => e.action);
const SELF = ["iam:UpdateRole", "iam:TagRole", "iam:UntagRole"];
const RUNNER = `arn:aws:iam::${APP_ACCOUNT}:role/agent-runner`;
const props: AgentRoleProps = { roleName: "claude", assumedBy: [AgentPrincipal.role(RUNNER)] };

/**
 * The same actions as a Deny can list them within IAM's size limit: `service:*` where the whole service is listed, but
 * IAM's and STS's one by one (`iam:*` would also deny the changes to the role itself that the catalogue does not list, `sts:*`
 * the chain actions besides sts:AssumeRole).
 */
function compact(actions: readonly string[]): string[] {
  const service = (a: string) => a.slice(0, a.indexOf(":"));
  const out: string[] = [];
  for (const svc of new Set(actions.map(service))) {
    const all = ALL.filter((a) => service(a) === svc);
    if (svc !== "iam" && svc !== "sts" && all.every((a) => actions.includes(a))) out.push(`${svc}:*`);
    else out.push(...actions.filter((a) => service(a) === svc));
  }
  return out;
}

/** A hand-written boundary: Allow *, then the given Denies. */
function handWritten(denies: Obj[], grant?: Obj): Obj {
  return tf({
    "aws_iam_role.agent": agentRole({ permissions_boundary: "${aws_iam_policy.b.arn}" }),
    "aws_iam_policy.b": { name: "team-boundary", policy: policy({ Effect: "Allow", Action: "*", Resource: "*" }, ...denies) },
    ...(grant ? { "aws_iam_role_policy.ops": { role: "${aws_iam_role.agent.name}", policy: policy(grant) } } : {}),
  });
}

/** Every catalogue action but `leave` (the catalogue lists sts:AssumeRole, so chaining is denied everywhere too). */
const catalogueBut = (...leave: string[]): Obj => ({ Effect: "Deny", Action: compact(ALL.filter((a) => !leave.includes(a))), Resource: "*" });
/** AgentRole's Deny of changes to the role itself, for a role named `agent` under /agents/. */
const OWN_ROLE: Obj = { Effect: "Deny", NotAction: ["iam:Get*", "iam:List*"], Resource: "arn:*:iam::*:role/agents/agent" };

/**
 * A hand-written role and boundary with the construct paths, path and tag AgentRole gives them (`test/A/Role`,
 * `test/A/Boundary`); `null` leaves a construct path out. The boundary leaves s3:PutLifecycleConfiguration open.
 */
function constructLike(o: { rolePath?: string | null; boundaryPath?: string | null; role?: Obj; description?: string | null } = {}): Obj {
  const meta = (path: string | null | undefined, dflt: string) => (path === null ? {} : { "//": { metadata: { path: path ?? dflt } } });
  return tf({
    "aws_iam_role.agent": agentRole({ permissions_boundary: "${aws_iam_policy.b.arn}", ...meta(o.rolePath, "test/A/Role"), ...o.role }),
    "aws_iam_policy.b": {
      name: "agent-boundary",
      // What AgentRole writes (it leaves the description alone when exemptions or overrides change the statements).
      ...(o.description === null ? {} : { description: o.description ?? "Permission boundary of agent role agent: denies every destroy, protection and escalation action (blastwall)" }),
      policy: policy({ Effect: "Allow", Action: "*", Resource: "*" }, catalogueBut("s3:PutLifecycleConfiguration"), OWN_ROLE),
      ...meta(o.boundaryPath, "test/A/Boundary"),
    },
  });
}

/** Each AgentRole policy holding `action` in a Deny, without it: what an addOverride("policy", ...) leaves. */
function overrideAway(r: AgentRole, action: string): void {
  let found = false;
  for (const p of [r.boundary, ...r.guardPolicies]) {
    const doc = JSON.parse(p.policyInput!);
    const before = JSON.stringify(doc);
    for (const st of doc.Statement) if (Array.isArray(st.Action)) st.Action = st.Action.filter((a: string) => a !== action);
    if (JSON.stringify(doc) !== before) {
      p.addOverride("policy", JSON.stringify(doc));
      found = true;
    }
  }
  if (!found) throw new Error(`no AgentRole policy denies ${action}`);
}

/** AgentRole's boundary without the statement `sid`. */
function dropStatement(r: AgentRole, ...sids: string[]): void {
  const doc = JSON.parse(r.boundary.policyInput!);
  doc.Statement = doc.Statement.filter((st: Obj) => !sids.includes(st.Sid));
  r.boundary.addOverride("policy", JSON.stringify(doc));
}

/**
 * The stack's JSON as `blastwall check` and the cdktf checks read it: with the `"//"` construct paths that
 * Testing.synth leaves out, and by which AgentRole's boundary is told from a hand-written one.
 */
const withPaths = (build: Parameters<typeof synth>[0]): Obj => JSON.parse(JSON.stringify(synth(build).stack.toTerraform()));

const agentRoleStack = (edit?: (r: AgentRole) => void, extra: Partial<AgentRoleProps> = {}, grant: string[] = ["sqs:ListQueues"]) =>
  withPaths((s) => {
    const r = new AgentRole(s, "A", { ...props, ...extra }).allow({ actions: grant, resources: ["*"] });
    edit?.(r);
  });

describe("agent-role-boundary: protection and escalation actions (red-team round 76)", () => {
  it("a boundary leaving a protection action open is an error naming it as one", () => {
    const [f, ...rest] = run(rule, handWritten([catalogueBut("rds:ModifyDBInstance"), OWN_ROLE]));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ severity: "error", actions: ["rds:ModifyDBInstance"], principal: "aws_iam_role.agent" });
    expect(f.message).toContain("permission boundary aws_iam_policy.b allows actions that neither it nor a Deny of the role's own policies takes away: protection actions (rds:ModifyDBInstance)");
  });

  it("a boundary leaving an escalation action open on the agent itself is an error, even one the catalogue grades warning", () => {
    const [f] = run(rule, handWritten([catalogueBut("iam:PutRolePolicy"), OWN_ROLE]));
    expect(f).toMatchObject({ severity: "error", actions: ["iam:PutRolePolicy"] });
    expect(f.message).toContain("escalation actions (iam:PutRolePolicy)");
    // iam:DetachRolePolicy is a warning as a right held; in a boundary it takes an agent's guard policies off.
    expect(cat.entryOf("iam:DetachRolePolicy")?.severity).toBe("warning");
    expect(run(rule, handWritten([catalogueBut("iam:DetachRolePolicy"), OWN_ROLE])).map((x) => [x.severity, x.actions])).toEqual([["error", ["iam:DetachRolePolicy"]]]);
  });

  it("only warning-graded actions left open make a warning; one error-graded action beside them an error", () => {
    expect(cat.entryOf("logs:PutSubscriptionFilter")?.severity).toBe("warning");
    expect(cat.entryOf("sqs:PurgeQueue")?.severity).toBe("warning");
    const [w] = run(rule, handWritten([catalogueBut("logs:PutSubscriptionFilter", "sqs:PurgeQueue"), OWN_ROLE]));
    expect(w).toMatchObject({ severity: "warning", actions: ["sqs:PurgeQueue", "logs:PutSubscriptionFilter"] });
    expect(w.message).toContain("direct destroy actions (sqs:PurgeQueue); protection actions (logs:PutSubscriptionFilter)");
    const [e] = run(rule, handWritten([catalogueBut("logs:PutSubscriptionFilter", "s3:PutBucketVersioning"), OWN_ROLE]));
    expect(e).toMatchObject({ severity: "error", actions: ["s3:PutBucketVersioning", "logs:PutSubscriptionFilter"] });
  });

  it("lists by category, the first few by name then a count", () => {
    const [f] = run(rule, handWritten([OWN_ROLE]));
    const n = (list: readonly unknown[]) => `and ${list.length - 4} more (${list.length} in all)`;
    // sts:AssumeRole is the escalation list's, and reported with the other chain actions.
    const escalation = cat.escalation.filter((e) => e.action !== "sts:AssumeRole");
    expect(f.message).toContain(
      `takes away: direct destroy actions (ec2:DeleteVolume, ec2:DeleteSnapshot, ec2:TerminateInstances, ec2:DeleteFleets ${n(cat.direct)}); ` +
        `protection actions (rds:ModifyDBInstance, rds:ModifyTenantDatabase, rds:ModifyDBCluster, rds:ModifyGlobalCluster ${n(cat.protection)}); ` +
        `escalation actions (iam:PutRolePolicy, iam:PutUserPolicy, iam:PutGroupPolicy, iam:AttachRolePolicy ${n(escalation)}); ` +
        "role chaining into roles outside arn:*:iam::*:role/agents/* (sts:AssumeRole, sts:SetSourceIdentity, sts:TagSession). A policy attached",
    );
    expect(f.actions).toHaveLength(ALL.length + 2);
  });

  it("a Deny of everything that held (hand-written: the catalogue and changes to the role itself) passes", () => {
    expect(run(rule, handWritten([catalogueBut(), OWN_ROLE]))).toEqual([]);
  });

  it("what the agent holds already is the rights rules' to report", () => {
    const grant = { Effect: "Allow", Action: "rds:ModifyDBInstance", Resource: "*" };
    expect(run(rule, handWritten([catalogueBut("rds:ModifyDBInstance"), OWN_ROLE], grant))).toEqual([]);
    expect(run(rule, handWritten([catalogueBut("rds:ModifyDBInstance"), OWN_ROLE], { ...grant, Action: "rds:DescribeDBInstances" }))).toHaveLength(1);
  });
});

describe("agent-role-boundary: role chaining", () => {
  const chainOnly = (chain: Obj) => handWritten([catalogueBut("sts:AssumeRole"), OWN_ROLE, ...(Object.keys(chain).length ? [chain] : [])]);

  it("sts:AssumeRole allowed on `*` is an error, the other chain actions beside it", () => {
    const [f] = run(rule, chainOnly({}));
    expect(f).toMatchObject({ severity: "error", actions: ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"] });
    expect(f.message).toContain("role chaining into roles outside arn:*:iam::*:role/agents/* (sts:AssumeRole, sts:SetSourceIdentity, sts:TagSession)");
  });

  it("allowed only on role/agents/* (AgentRole's NotResource Deny, or an Allow of agent roles only) passes", () => {
    expect(run(rule, chainOnly({ Effect: "Deny", Action: ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"], NotResource: "arn:*:iam::*:role/agents/*" }))).toEqual([]);
    // The aws partition only: what is left is still inside the agent roles.
    expect(run(rule, chainOnly({ Effect: "Deny", Action: "sts:AssumeRole", NotResource: "arn:aws:iam::*:role/agents/*" }))).toEqual([]);
    const onlyAgents = tf({
      "aws_iam_role.agent": agentRole({ permissions_boundary: "${aws_iam_policy.b.arn}" }),
      "aws_iam_policy.b": { name: "b", policy: policy({ Effect: "Allow", Action: ["sts:AssumeRole", "sts:TagSession"], Resource: "arn:aws:iam::111111111111:role/agents/*" }) },
    });
    expect(run(rule, onlyAgents)).toEqual([]);
  });

  it("a NotResource wider than the agent roles, or a Deny of a few roles only, leaves chaining open", () => {
    const wide = run(rule, chainOnly({ Effect: "Deny", Action: "sts:AssumeRole", NotResource: "arn:*:iam::*:role/*" }));
    expect(wide.map((f) => f.actions)).toEqual([["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"]]);
    const few = run(rule, chainOnly({ Effect: "Deny", Action: "sts:AssumeRole", Resource: "arn:*:iam::*:role/admin*" }));
    expect(few.map((f) => f.actions[0])).toEqual(["sts:AssumeRole"]);
  });

  it("the session-tag and source-identity actions alone chain nothing: not reported while sts:AssumeRole is denied", () => {
    expect(run(rule, handWritten([catalogueBut(), OWN_ROLE]))).toEqual([]);
  });

  it("chaining the agent holds already beyond the agent roles is left to the rights rules; held only into agent roles it is not", () => {
    const held = (resource: string) => run(rule, handWritten([catalogueBut("sts:AssumeRole"), OWN_ROLE], { Effect: "Allow", Action: "sts:AssumeRole", Resource: resource }));
    expect(held("*")).toEqual([]);
    expect(held("arn:aws:iam::111111111111:role/agents/scoped-*").map((f) => f.actions[0])).toEqual(["sts:AssumeRole"]);
  });
});

describe("agent-role-boundary: changes to the role itself", () => {
  it("a boundary that does not deny iam:UpdateRole, iam:TagRole and iam:UntagRole on the role is an error naming them and the role's ARN", () => {
    const [f] = run(rule, handWritten([catalogueBut()]));
    expect(f).toMatchObject({ severity: "error", actions: SELF });
    expect(f.message).toContain("changes to the role itself, arn:aws:iam::*:role/agents/agent (iam:UpdateRole, iam:TagRole, iam:UntagRole)");
  });

  it("a Deny of another role's ARN does not count; one of iam:UpdateRole alone leaves the tags", () => {
    const other = { ...OWN_ROLE, Resource: "arn:*:iam::*:role/agents/someone-else" };
    expect(run(rule, handWritten([catalogueBut(), other])).map((f) => f.actions)).toEqual([SELF]);
    expect(run(rule, handWritten([catalogueBut(), { Effect: "Deny", Action: "iam:UpdateRole", Resource: "*" }])).map((f) => f.actions)).toEqual([["iam:TagRole", "iam:UntagRole"]]);
  });
});

describe("agent-role-boundary: AgentRole", () => {
  it("an intact AgentRole passes, with boundaryExemptions granted too", () => {
    expect(run(rule, agentRoleStack())).toEqual([]);
    const exempt = agentRoleStack(undefined, { boundaryExemptions: [{ action: "logs:PutSubscriptionFilter", reason: "ships the audit log groups to the SIEM (SEC-142)" }] }, [
      "logs:PutSubscriptionFilter",
    ]);
    // The boundary and guards leave it out: only the grant keeps it from being reported.
    expect(Object.values(exempt.resource.aws_iam_policy as Obj).filter((p) => p.policy.includes("logs:PutSubscriptionFilter"))).toEqual([]);
    expect(run(rule, exempt)).toEqual([]);
  });

  it("one protection action overridden out of its Deny is an error whose fix names the override", () => {
    const [f, ...rest] = run(rule, agentRoleStack((r) => overrideAway(r, "rds:ModifyDBInstance")));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ severity: "error", actions: ["rds:ModifyDBInstance"] });
    expect(f.fix).toMatch(
      /^This is AgentRole's boundary without rds:ModifyDBInstance from the boundary's Deny \(aws_iam_policy\.A_Boundary_\w+ or its guard policies\): an AgentRole synthesized by an older blastwall lacks what later catalogues added \(upgrade the app's blastwall library to this gate's version and synth again\); otherwise an addOverride or an edit removed it: remove the override\.$/,
    );
  });

  it("an escalation action overridden away is an error, with no boundaryExemptions in the fix", () => {
    const [f] = run(rule, agentRoleStack((r) => overrideAway(r, "iam:CreatePolicyVersion")));
    expect(f).toMatchObject({ severity: "error", actions: ["iam:CreatePolicyVersion"] });
    expect(f.fix).not.toContain("boundaryExemptions");
  });

  it("a warning AgentRole refuses to exempt (notExemptable, a way into another principal) gets no boundaryExemptions advice (red-team round 82)", () => {
    for (const action of ["dynamodb:UpdateTimeToLive", "cognito-idp:UpdateUserPool"]) {
      const [f] = run(rule, agentRoleStack((r) => overrideAway(r, action)));
      expect(f.actions).toEqual([action]);
      expect(f.fix).toContain("remove the override");
      expect(f.fix).not.toContain("boundaryExemptions");
    }
    // Control: one it accepts.
    expect(run(rule, agentRoleStack((r) => overrideAway(r, "sqs:PurgeQueue")))[0].fix).toContain("exempt it with boundaryExemptions");
  });

  it("an exempted warning action whose grant was overridden away is a warning; the fix offers boundaryExemptions and allow()", () => {
    const json = withPaths((s) => {
      new AgentRole(s, "A", { ...props, boundaryExemptions: [{ action: "logs:PutSubscriptionFilter", reason: "ships the audit log groups to the SIEM (SEC-142)" }] }).allow({
        actions: ["logs:PutSubscriptionFilter"],
        resources: [`arn:aws:logs:eu-central-1:${APP_ACCOUNT}:log-group:/app/*`],
      });
      const permissions = s.node.findAll().find((c) => c.node.path.endsWith("/A/Permissions")) as TerraformResource;
      permissions.addOverride("policy", policy({ Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "*" }));
    });
    const [f] = run(rule, json);
    expect(f).toMatchObject({ severity: "warning", actions: ["logs:PutSubscriptionFilter"] });
    expect(f.fix).toContain("remove the override, or, if the agent needs logs:PutSubscriptionFilter, exempt it with boundaryExemptions and grant it with allow().");
  });

  it("DenyRoleChainingOutsideAgents dropped: chaining is reported and the fix names the statement", () => {
    const [f] = run(rule, agentRoleStack((r) => dropStatement(r, "DenyRoleChainingOutsideAgents")));
    expect(f).toMatchObject({ severity: "error", actions: ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"] });
    expect(f.fix).toContain("removed its DenyRoleChainingOutsideAgents statement (sts:AssumeRole, sts:SetSourceIdentity, sts:TagSession outside arn:*:iam::*:role/agents/*)");
  });

  it("DenyChangesToOwnGuardrails and DenyChangesToAgentIdentities dropped: the escalation list still guards policies and boundary, not the role's session limit and tags", () => {
    const [f] = run(rule, agentRoleStack((r) => dropStatement(r, "DenyChangesToOwnGuardrails", "DenyChangesToAgentIdentities")));
    expect(f).toMatchObject({ severity: "error", actions: SELF });
    expect(f.message).toContain("changes to the role itself, arn:aws:iam::*:role/agents/claude (iam:UpdateRole, iam:TagRole, iam:UntagRole)");
    expect(f.fix).toContain("removed its DenyChangesToOwnGuardrails and DenyChangesToAgentIdentities statements (iam:UpdateRole, iam:TagRole, iam:UntagRole on the role itself)");
  });

  it("either of them alone still denies the changes to the role itself (red-team round 92)", () => {
    expect(run(rule, agentRoleStack((r) => dropStatement(r, "DenyChangesToOwnGuardrails")))).toEqual([]);
    expect(run(rule, agentRoleStack((r) => dropStatement(r, "DenyChangesToAgentIdentities")))).toEqual([]);
  });

  it("a role `<X>/Role` under /agents/, tagged an agent, whose boundary is `<X>/Boundary` is AgentRole's even with its Sids overridden away", () => {
    const [f] = run(rule, constructLike());
    expect(f.constructPath).toBe("test/A/Role");
    expect(f.fix).toContain("without s3:PutLifecycleConfiguration from the boundary's Deny (aws_iam_policy.b or its guard policies): an AgentRole synthesized by an older blastwall");
    expect(f.fix).toContain("otherwise an addOverride or an edit removed it: remove the override.");
    // Below /agents/ too (AgentRole's `path`).
    expect(run(rule, constructLike({ role: { path: "/agents/team/" } }))[0].fix).toContain("This is AgentRole's boundary");
  });

  it("short of any of those it is a team's own: the general fix (red-team round 77, B18)", () => {
    const general = (json: Obj) => {
      const [f, ...rest] = run(rule, json);
      expect(rest).toEqual([]);
      // (Outside /agents/, OWN_ROLE no longer names the role: its changes to itself are listed too.)
      expect(f.actions[0]).toBe("s3:PutLifecycleConfiguration");
      return f.fix;
    };
    // B18: a hand-written IamRole of a cdktf app (its own construct path) with a boundary named `<role>-boundary`.
    expect(general(constructLike({ boundaryPath: null, rolePath: "test/agent" }))).toBeUndefined();
    expect(general(constructLike({ boundaryPath: null }))).toBeUndefined();
    expect(general(constructLike({ rolePath: null }))).toBeUndefined();
    // Siblings of another parent, or not the ids AgentRole gives them.
    expect(general(constructLike({ boundaryPath: "test/B/Boundary" }))).toBeUndefined();
    expect(general(constructLike({ rolePath: "test/A/Agent", boundaryPath: "test/A/Boundary" }))).toBeUndefined();
    expect(general(constructLike({ boundaryPath: "test/A/TeamBoundary" }))).toBeUndefined();
    expect(general(constructLike({ rolePath: "test/A/TeamRole", boundaryPath: "test/A/TeamBoundary" }))).toBeUndefined();
    // A role AgentRole would not write: outside /agents/ (an agent by its tag), or untagged (an agent by its path).
    expect(general(constructLike({ role: { path: "/" } }))).toBeUndefined();
    expect(general(constructLike({ role: { tags: { team: "data" } } }))).toBeUndefined();
    // A team's own construct with AgentRole's ids, path and tag, but its own boundary (red-team round 78).
    expect(general(constructLike({ description: null }))).toBeUndefined();
    expect(general(constructLike({ description: "Boundary for our agents" }))).toBeUndefined();
  });

  it("a hand-written Deny with AgentRole's Sid is not AgentRole's boundary (red-team round 77, B19)", () => {
    const [f] = run(rule, handWritten([{ ...catalogueBut("sqs:PurgeQueue"), Sid: "DenyDestroyRights" }, OWN_ROLE]));
    expect(f).toMatchObject({ severity: "warning", actions: ["sqs:PurgeQueue"] });
    expect(f.fix).toBeUndefined();
  });

  it("a hand-written boundary gets the general fix, not AgentRole's", () => {
    const [f] = run(rule, handWritten([catalogueBut("rds:ModifyDBInstance"), OWN_ROLE]));
    expect(f.fix).toBeUndefined();
  });
});

describe("agent-role-boundary: escalation graded by the catalogue (red-team round 77)", () => {
  const managed = (arn: string) => tf({ "aws_iam_role.agent": agentRole({ permissions_boundary: arn }) });

  it("a read-only boundary is reported, as a warning, for the secret reads a later policy could grant (B9, B9b, B24)", () => {
    for (const name of ["ReadOnlyAccess", "job-function/ViewOnlyAccess", "SecurityAudit"]) {
      const [f, ...rest] = run(rule, managed(`arn:aws:iam::aws:policy/${name}`));
      expect(rest).toEqual([]);
      expect(f.severity).toBe("warning");
      // Reads of secrets and credentials (ReadOnlyAccess's gamelift access reads are the compute target's), each a warning as a right held.
      expect(f.actions.map((a) => [cat.categoryOf(a), cat.entryOf(a)?.severity])).toEqual(f.actions.map(() => ["escalation", "warning"]));
      expect(f.actions.filter((a) => !["secret", "compute"].includes(cat.entryOf(a)!.target!))).toEqual([]);
    }
    const [ro] = run(rule, managed("arn:aws:iam::aws:policy/ReadOnlyAccess"));
    expect(ro.actions).toEqual(expect.arrayContaining(["ssm:GetParameter", "lambda:GetFunction", "ecs:DescribeTaskDefinition"]));
    expect(ro.message).toContain("takes away: escalation actions (ssm:GetParameter, ssm:GetParameters, ssm:GetParametersByPath, ssm:GetParameterHistory and ");
    // ViewOnlyAccess names ec2:DescribeInstanceAttribute, which returns user data (catalogue 1.29.0).
    // And lambda:ListFunctions / ListVersionsByFunction, which return each function's environment (round 87).
    expect(run(rule, managed("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess")).map((f) => [f.severity, f.actions])).toEqual([
      ["warning", ["lambda:ListFunctions", "lambda:ListVersionsByFunction", "ecs:DescribeTaskDefinition", "ec2:DescribeInstanceAttribute"]],
    ]);
  });

  it("an escalation entry aimed at the agent itself or a managed policy (its boundary, its guards) is an error whatever its grade; the rest as graded", () => {
    const warned = cat.escalation.filter((e) => e.severity === "warning");
    const undoing = warned.filter((e) => e.target === "self" || e.target === "policy").map((e) => e.action);
    // The catalogue's own: iam:DetachRolePolicy and iam:DeletePolicyVersion among them, no secret read.
    expect(undoing).toEqual(expect.arrayContaining(["iam:DetachRolePolicy", "iam:DeleteRolePolicy", "iam:DeletePolicyVersion"]));
    for (const e of warned) {
      const fs = run(rule, handWritten([catalogueBut(e.action), OWN_ROLE]));
      expect([e.action, fs.map((f) => [f.severity, f.actions])]).toEqual([e.action, [[undoing.includes(e.action) ? "error" : "warning", [e.action]]]]);
    }
  });

  it("error-graded escalation stays an error, the boundary's undoing or not; a warning beside an undoing one is an error", () => {
    for (const action of ["iam:DeleteRolePermissionsBoundary", "iam:PutRolePermissionsBoundary", "iam:CreatePolicyVersion", "ssm:SendCommand"]) {
      expect(run(rule, handWritten([catalogueBut(action), OWN_ROLE])).map((f) => [f.severity, f.actions])).toEqual([["error", [action]]]);
    }
    expect(run(rule, handWritten([catalogueBut("ssm:GetParameter", "iam:DeletePolicyVersion"), OWN_ROLE])).map((f) => f.severity)).toEqual(["error"]);
  });
});

describe("agent-role-boundary: a Deny naming the role in its account (red-team round 77)", () => {
  const LITERAL = { ...OWN_ROLE, Resource: "arn:aws:iam::111111111111:role/agents/agent" };
  const pinned = (json: Obj, account: string) => ({ ...json, provider: { aws: [{ region: "eu-central-1", allowed_account_ids: [account] }] } });

  it("covers the role when its provider is pinned to that account (B22)", () => {
    expect(run(rule, pinned(handWritten([catalogueBut(), LITERAL]), "111111111111"))).toEqual([]);
  });

  it("pinned to another account it does not, and the message names the role's ARN there", () => {
    const [f] = run(rule, pinned(handWritten([catalogueBut(), LITERAL]), "222222222222"));
    expect(f).toMatchObject({ severity: "error", actions: SELF });
    expect(f.message).toContain("changes to the role itself, arn:aws:iam::222222222222:role/agents/agent (iam:UpdateRole, iam:TagRole, iam:UntagRole). A policy");
  });

  it("unpinned, it may miss the role: reported, saying the account is not known and how to pin it (B21)", () => {
    const [f] = run(rule, handWritten([catalogueBut(), LITERAL]));
    expect(f).toMatchObject({ severity: "error", actions: SELF });
    expect(f.message).toContain(
      "changes to the role itself, arn:aws:iam::*:role/agents/agent (iam:UpdateRole, iam:TagRole, iam:UntagRole) (a Deny names the role in account 111111111111, " +
        "but the role's aws provider is not pinned to an account, so blastwall cannot tell that the role is created there: " +
        'set allowed_account_ids = ["111111111111"] on that provider if it is). A policy',
    );
    // Only where pinning would settle it: no Deny of the role in any account, or one of another role's ARN, says nothing of accounts.
    for (const deny of [[], [{ ...LITERAL, Resource: "arn:aws:iam::111111111111:role/agents/someone-else" }]]) {
      const [g] = run(rule, handWritten([catalogueBut(), ...deny]));
      expect(g.actions).toEqual(SELF);
      expect(g.message).not.toContain("allowed_account_ids");
    }
  });
});
