/**
 * AgentRole and the login rewrites beside the IAM identity provider rewrites: an identity pool, a user pool's identity
 * providers, a Roles Anywhere trust anchor or profile. Round 113 made the boundary deny the five IAM provider rewrites
 * and allow() refuse them; these stayed open, though the gate fails an agent holding one on a source outside the
 * stack. The refusal also called every such reach action "an escalation right", which the catalogue does not.
 */
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { ScopedToken } from "../../lib/constructs";
import { agentGuardrails, denyCovering } from "../../lib/constructs/agent-boundary";
import { policySize } from "../../lib/constructs/policy-document";
import { loadCatalogue } from "../../lib/engine/catalogue";
import { PROVIDER_REWRITE } from "../../lib/engine/reach/compute";
import { loginRewriteActions } from "../../lib/engine/reach/rare-actions";
import { APP_ACCOUNT, CODER_TARGETS, coderAgent, errorOf, gateFindings, policyOf, resources, synth } from "./helpers";

const LOGINS = loginRewriteActions();
const POOL = `arn:aws:cognito-identity:eu-central-1:${APP_ACCOUNT}:identitypool/eu-central-1:0a1b2c3d-1111-2222-3333-444455556666`;

describe("the login rewrites an AgentRole is kept from", () => {
  it("are the identity pool, user pool identity provider and Roles Anywhere anchor and profile writes, all catalogue reach actions", () => {
    expect([...LOGINS].sort()).toEqual([
      "cognito-identity:UpdateIdentityPool",
      "cognito-idp:CreateIdentityProvider",
      "cognito-idp:UpdateIdentityProvider",
      "rolesanywhere:CreateProfile",
      "rolesanywhere:CreateTrustAnchor",
      "rolesanywhere:UpdateProfile",
      "rolesanywhere:UpdateTrustAnchor",
    ]);
    for (const a of LOGINS) expect([a, loadCatalogue().isReach(a)]).toEqual([a, true]);
  });

  it.each(LOGINS)("allow() refuses %s as a reach action, with the catalogue's why and what works", (action) => {
    const why = loadCatalogue().reachActions.find((r) => r.action === action)!.why;
    const e = errorOf(() => synth((s) => coderAgent(s).allow({ actions: [action], resources: ["*"] })));
    expect(e.message).toBe(
      `AgentRole.allow: ${action} is in blastwall's destroy-rights catalogue as a reach action (a way to act as other principals): ${why} ` +
        "The agent's permission boundary denies it anyway, so the grant would only hide that. Identity pools, user pools' identity providers and " +
        "Roles Anywhere trust anchors and profiles decide, as IAM identity providers do, who signs in as which role: create or change them in the " +
        "reviewed deploy that manages them (the pipeline's role), not in an agent session. The boundary denies them on every pool and anchor, since " +
        "roles in other stacks may trust the one the agent would rewrite (a role that admits Roles Anywhere with no aws:SourceArn condition trusts " +
        "every anchor of the account).",
    );
  });

  it("a pattern covering them is refused, and so is a ScopedToken's action on one pool", () => {
    const e = errorOf(() => synth((s) => coderAgent(s).allow({ actions: ["rolesanywhere:Create*"], resources: ["*"] })));
    expect(e.message).toMatch(/^AgentRole\.allow: "rolesanywhere:Create\*" covers rolesanywhere:CreateTrustAnchor, rolesanywhere:CreateProfile, which are in blastwall's destroy-rights catalogue \(rolesanywhere:CreateTrustAnchor, a reach action/);
    const t = errorOf(() =>
      synth((s) => new ScopedToken(s, "T", { name: "pool", assumedBy: coderAgent(s), actions: ["cognito-identity:UpdateIdentityPool"], resources: [POOL], environment: "staging", accountId: APP_ACCOUNT, region: "eu-central-1" })),
    );
    expect(t.message).toMatch(/^ScopedToken: actions: cognito-identity:UpdateIdentityPool is in blastwall's destroy-rights catalogue as a reach action/);
  });

  it("the IAM provider rewrites are reach actions too, with their own advice", () => {
    const e = errorOf(() => synth((s) => coderAgent(s).allow({ actions: ["iam:UpdateSAMLProvider"], resources: ["*"] })));
    expect(e.message).toMatch(/^AgentRole\.allow: iam:UpdateSAMLProvider is in blastwall's destroy-rights catalogue as a reach action \(a way to act as other principals\): /);
    expect(e.message).toContain("Scoping the grant to one provider does not help");
  });

  it("control: an escalation right keeps its wording, and reads of pools and anchors and the app client right are granted", () => {
    expect(errorOf(() => synth((s) => coderAgent(s).allow({ actions: ["iam:PassRole"], resources: ["*"] }))).message).toMatch(/^AgentRole\.allow: iam:PassRole is in blastwall's destroy-rights catalogue as an escalation right: /);
    const reads = ["cognito-identity:DescribeIdentityPool", "rolesanywhere:GetTrustAnchor", "rolesanywhere:ListProfiles", "cognito-idp:UpdateUserPoolClient"];
    const { json } = synth((s) => coderAgent(s).allow({ actions: reads, resources: ["*"] }));
    expect(policyOf(resources(json, "aws_iam_role_policy")[0]).Statement[0].Action).toEqual(reads);
  });

  it("the boundary or a guard denies each, every policy stays within 6,144 characters, and they come after every other action", () => {
    const { boundary, guards } = agentGuardrails(CODER_TARGETS);
    for (const a of LOGINS) expect([a, denyCovering([...boundary, ...guards.flat()], a)]).toEqual([a, expect.any(String)]);
    for (const p of [boundary, ...guards]) expect(policySize(p)).toBeLessThanOrEqual(6144);
    const denied = [boundary, ...guards].flat().flatMap((st) => (st.Effect === "Deny" && st.Resource === "*" ? [st.Action as string[]].flat() : []));
    const rewrites = PROVIDER_REWRITE.flatMap((w) => [...w.actions]);
    const tail = denied.slice(-(rewrites.length + LOGINS.length));
    expect(tail.slice(0, rewrites.length)).toEqual(rewrites);
    expect(tail.slice(rewrites.length).sort()).toEqual([...LOGINS].sort());
  });

  it("the synthesized guardrails deny them under a policy that allows everything (the oracle)", async () => {
    const { json } = synth((s) => coderAgent(s));
    const policies = resources(json, "aws_iam_policy");
    const boundary = policyOf(policies.find((p) => p.name === "coder-boundary")!);
    const guards = policies.filter((p) => /^coder-guard/.test(p.name as string)).map((p) => policyOf(p));
    const { runSimulation } = await import("@cloud-copilot/iam-simulate");
    const decide = async (action: string, resource: string) => {
      const res = await runSimulation(
        {
          request: {
            principal: `arn:aws:sts::${APP_ACCOUNT}:assumed-role/coder/s`,
            action,
            resource: { resource, accountId: APP_ACCOUNT },
            contextVariables: { "aws:SourceIdentity": "agent-x" },
          },
          identityPolicies: [{ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }, ...guards].map((p, i) => ({ name: `p${i}`, policy: p })),
          permissionBoundaryPolicies: [{ name: "boundary", policy: boundary }],
          serviceControlPolicies: [],
          resourceControlPolicies: [],
        },
        {},
      );
      return res.resultType === "error" ? "error" : res.overallResult;
    };
    const anchor = `arn:aws:rolesanywhere:eu-central-1:${APP_ACCOUNT}:trust-anchor/0a1b2c3d-1111-2222-3333-444455556666`;
    const userPool = `arn:aws:cognito-idp:eu-central-1:${APP_ACCOUNT}:userpool/eu-central-1_AbCdEf123`;
    const cases: [string, string][] = [
      ["cognito-identity:UpdateIdentityPool", POOL],
      ["cognito-idp:UpdateIdentityProvider", userPool],
      ["cognito-idp:CreateIdentityProvider", userPool],
      ["rolesanywhere:UpdateTrustAnchor", anchor],
      // Creating names no resource: IAM asks for the right on `*`.
      ["rolesanywhere:CreateTrustAnchor", "*"],
      ["rolesanywhere:CreateProfile", "*"],
      ["rolesanywhere:UpdateProfile", `arn:aws:rolesanywhere:eu-central-1:${APP_ACCOUNT}:profile/0a1b2c3d-1111-2222-3333-444455556666`],
    ];
    for (const [a, r] of cases) expect([a, await decide(a, r)]).toEqual([a, "ExplicitlyDenied"]);
    // Controls: reading the pool, and the app client right, stay allowed.
    expect(await decide("cognito-identity:DescribeIdentityPool", POOL)).toBe("Allowed");
    expect(await decide("cognito-idp:UpdateUserPoolClient", userPool)).toBe("Allowed");
  });

  it("an AgentRole with a policy granting them on * attached passes the gate's reach rule: the boundary holds", () => {
    const { json } = synth((s) => {
      const a = coderAgent(s);
      const p = new IamPolicy(s, "Wide", {
        name: "wide-logins",
        policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: LOGINS, Resource: "*" }] }),
      });
      new IamRolePolicyAttachment(s, "Extra", { role: a.role.name, policyArn: p.arn });
    });
    expect(gateFindings(json).filter((f) => f.startsWith("agent-reach-unknown"))).toEqual([]);
  });
});
