/**
 * Red-team round 113 (AgentRole and its boundary): identity provider rewrites were accepted by allow() and left open by
 * the boundary, and the gate then failed the stack with a fix that did not apply (F2); the refusal of a right that runs
 * code in existing compute advised a grant the boundary voids (F3).
 */
import type { TerraformStack } from "cdktf";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { ScopedToken } from "../../lib/constructs";
import { agentGuardrails, CHAIN_ACTIONS, denyCovering } from "../../lib/constructs/agent-boundary";
import { loginRewriteEntries } from "../../lib/constructs/destroy-guard";
import { policySize } from "../../lib/constructs/policy-document";
import { loadCatalogue } from "../../lib/engine/catalogue";
import { PROVIDER_REWRITE } from "../../lib/engine/reach/compute";
import { APP_ACCOUNT, CODER_TARGETS, coderAgent, errorOf, gateFindings, only, policyOf, resources, synth } from "./helpers";
import { agentRole, check, errors, policy, tf } from "../helpers/tf";

const REWRITES = PROVIDER_REWRITE.flatMap((w) => [...w.actions]);

/** The actions the boundary and guards deny on every resource, in the order they are written. */
function deniedInOrder(): string[] {
  const { boundary, guards } = agentGuardrails(CODER_TARGETS);
  return [boundary, ...guards].flat().flatMap((st) => (st.Effect === "Deny" && st.Resource === "*" ? [st.Action as string[]].flat() : []));
}

describe("F2: identity provider rewrites are escalations for an AgentRole", () => {
  it("the engine's provider rewrites are the five IAM SAML and OIDC writes, all catalogue reach actions", () => {
    expect([...REWRITES].sort()).toEqual([
      "iam:AddClientIDToOpenIDConnectProvider",
      "iam:CreateOpenIDConnectProvider",
      "iam:CreateSAMLProvider",
      "iam:UpdateOpenIDConnectProviderThumbprint",
      "iam:UpdateSAMLProvider",
    ]);
    for (const a of REWRITES) expect([a, loadCatalogue().isReach(a)]).toEqual([a, true]);
  });

  it.each(REWRITES)("allow() refuses %s, naming the method, the why and what works", (action) => {
    const e = errorOf(() => synth((s) => coderAgent(s).allow({ actions: [action], resources: [`arn:aws:iam::${APP_ACCOUNT}:oidc-provider/ci.example.com`] })));
    // The catalogue lists them as reach actions, which the refusal now says (it called them escalation rights).
    expect(e.message).toMatch(new RegExp(`^AgentRole\\.allow: ${action} is in blastwall's destroy-rights catalogue as a reach action \\(a way to act as other principals\\): `));
    expect(e.message).toContain("The agent's permission boundary denies it anyway");
    expect(e.message).toContain("create or change them in the reviewed deploy that manages them");
    expect(e.message).toContain("Scoping the grant to one provider does not help");
    expect(e.message).not.toContain("ScopedToken");
  });

  it("a pattern covering them is refused too, and so is a ScopedToken's action", () => {
    expect(errorOf(() => synth((s) => coderAgent(s).allow({ actions: ["iam:*OpenIDConnectProvider*"], resources: ["*"] }))).message).toContain(
      '"iam:*OpenIDConnectProvider*" covers',
    );
    const e = errorOf(() =>
      synth((s) => new ScopedToken(s, "T", { name: "saml", assumedBy: coderAgent(s), actions: ["iam:UpdateSAMLProvider"], resources: [`arn:aws:iam::${APP_ACCOUNT}:saml-provider/corp`], environment: "staging", accountId: APP_ACCOUNT, region: "eu-central-1" })),
    );
    expect(e.message).toMatch(/^ScopedToken: actions: iam:UpdateSAMLProvider is in blastwall's destroy-rights catalogue/);
  });

  it("control: reading identity providers is still granted", () => {
    const { json } = synth((s) => coderAgent(s).allow({ actions: ["iam:GetOpenIDConnectProvider", "iam:ListSAMLProviders", "iam:GetSAMLProvider"], resources: ["*"] }));
    expect(policyOf(only(json, "aws_iam_role_policy")).Statement[0].Action).toEqual(["iam:GetOpenIDConnectProvider", "iam:ListSAMLProviders", "iam:GetSAMLProvider"]);
  });

  it("the boundary or a guard denies each of them, and every policy stays within 6,144 characters", () => {
    const { boundary, guards } = agentGuardrails(CODER_TARGETS);
    for (const a of REWRITES) expect([a, denyCovering([...boundary, ...guards.flat()], a)]).toEqual([a, expect.any(String)]);
    for (const p of [boundary, ...guards]) expect(policySize(p)).toBeLessThanOrEqual(6144);
  });

  it("they come after every catalogue action, so adding them moved no action of a deployed boundary or guard", () => {
    const cat = loadCatalogue();
    const chain = new Set<string>(CHAIN_ACTIONS.map((a) => a.toLowerCase()));
    const catalogue = [...cat.escalation, ...cat.direct, ...cat.protection].map((e) => e.action).filter((a) => !chain.has(a.toLowerCase()));
    // The other login rewrites come after them (login-rewrites-agent-role.test.ts).
    expect(deniedInOrder()).toEqual([...catalogue, ...REWRITES, ...loginRewriteEntries().map((e) => e.action)]);
  });

  it("the synthesized guardrails deny them under a policy that allows everything (the oracle)", async () => {
    const { json } = synth((s) => coderAgent(s));
    const policies = resources(json, "aws_iam_policy");
    const boundary = policyOf(policies.find((p) => p.name === "coder-boundary")!);
    const guards = policies.filter((p) => /^coder-guard/.test(p.name)).map((p) => policyOf(p));
    const { runSimulation } = await import("@cloud-copilot/iam-simulate");
    const decide = async (action: string) => {
      const res = await runSimulation(
        {
          request: {
            principal: `arn:aws:sts::${APP_ACCOUNT}:assumed-role/coder/s`,
            action,
            resource: { resource: `arn:aws:iam::${APP_ACCOUNT}:saml-provider/corp`, accountId: APP_ACCOUNT },
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
    for (const a of ["iam:UpdateSAMLProvider", "iam:CreateSAMLProvider"]) expect([a, await decide(a)]).toEqual([a, "ExplicitlyDenied"]);
    // Control: a read of the same provider stays allowed.
    expect(await decide("iam:GetSAMLProvider")).toBe("Allowed");
  });

  it("an AgentRole with IAMFullAccess attached passes the gate's reach rule (the boundary holds); without the boundary it fails", () => {
    const { json } = synth((s) => {
      const a = coderAgent(s);
      new IamRolePolicyAttachment(s, "Extra", { role: a.role.name, policyArn: "arn:aws:iam::aws:policy/IAMFullAccess" });
    });
    expect(gateFindings(json).filter((f) => f.startsWith("agent-reach-unknown"))).toEqual([]);
    const bare = tf({
      "aws_iam_role.agent": agentRole(),
      "aws_iam_role_policy_attachment.full": { role: "${aws_iam_role.agent.name}", policy_arn: "arn:aws:iam::aws:policy/IAMFullAccess" },
    });
    expect(errors(check(bare), "agent-reach-unknown").length).toBeGreaterThan(0);
  });
});

describe("F2: agent-reach-unknown's fix for a provider rewrite says what works", () => {
  const provider = `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/ci.example.com`;
  const json = (statements: Record<string, unknown>) =>
    tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy(statements) }, ...extra }, { provider: { aws: [{ region: "eu-west-1", allowed_account_ids: [APP_ACCOUNT] }] } });
  let extra: Record<string, Record<string, unknown>> = {};

  it("the agent's own rewrite: take it off the agent, since no narrower resource helps", () => {
    extra = {};
    const [f] = errors(check(json({ Effect: "Allow", Action: ["iam:CreateOpenIDConnectProvider", "iam:AddClientIDToOpenIDConnectProvider"], Resource: provider })), "agent-reach-unknown");
    expect(f.fix).toMatch(/^Take the identity provider rewrites \(iam:UpdateSAMLProvider, .*\) off the agent: a provider matching `arn:aws:iam::111111111111:oidc-provider\/ci\.example\.com` may be trusted by roles outside this stack/);
    expect(f.fix).not.toContain("Name the exact roles");
  });

  it("through a role the agent assumes: take it off that role, or cut the first link", () => {
    extra = {
      "aws_iam_role.ops": {
        name: "ops",
        assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "sts:AssumeRole" }),
      },
      "aws_iam_role_policy.ops": { role: "${aws_iam_role.ops.name}", policy: policy({ Effect: "Allow", Action: "iam:UpdateSAMLProvider", Resource: "*" }) },
    };
    const [f] = errors(check(json({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.ops.arn}" })), "agent-reach-unknown");
    expect(f.fix).toMatch(/^Take the identity provider rewrites \(.*\) off aws_iam_role\.ops: /);
    expect(f.fix).toContain("Or cut the chain's first link (aws_iam_role.agent -> aws_iam_role.ops).");
  });

  it("control: a wildcard sts:AssumeRole keeps its own fix", () => {
    extra = {};
    const [f] = errors(check(json({ Effect: "Allow", Action: "sts:AssumeRole", Resource: `arn:aws:iam::${APP_ACCOUNT}:role/deploy-*` })), "agent-reach-unknown");
    expect(f.fix).toMatch(/^Name the exact roles the agent may use/);
  });
});

describe("F3: the refusal of a right that runs code in existing compute advises only what works under the boundary", () => {
  it.each([
    ["AgentRole.allow", (s: TerraformStack) => coderAgent(s).allow({ actions: ["lambda:UpdateFunctionCode"], resources: [`arn:aws:lambda:eu-central-1:${APP_ACCOUNT}:function:thumbs`] })],
    [
      "ScopedToken",
      (s: TerraformStack) =>
        new ScopedToken(s, "T", { name: "deploy", assumedBy: coderAgent(s), actions: ["lambda:UpdateFunctionCode"], resources: [`arn:aws:lambda:eu-central-1:${APP_ACCOUNT}:function:thumbs`], environment: "staging", accountId: APP_ACCOUNT, region: "eu-central-1" }),
    ],
  ])("%s: the boundary denies it, so the pipeline's role deploys; no grant of your own", (_, build) => {
    const e = errorOf(() => synth((s, stack) => build(stack)));
    expect(e.message).toContain("No policy gives it to this agent: the boundary's Deny beats an Allow in any policy attached to its role");
    expect(e.message).toContain("the pipeline's role deploys it");
    expect(e.message).not.toContain("policy of your own");
    // What the message says is so: the boundary denies the action.
    const { boundary, guards } = agentGuardrails(CODER_TARGETS);
    expect(denyCovering([...boundary, ...guards.flat()], "lambda:UpdateFunctionCode")).toBeDefined();
  });

  it("control: another escalation right keeps the escalation advice", () => {
    const e = errorOf(() => synth((s) => coderAgent(s).allow({ actions: ["iam:PassRole"], resources: ["*"] })));
    expect(e.message).toContain("grant those rights directly, or create a ScopedToken for the task");
  });
});
