/**
 * AgentRole and the sign-ins the gate fails outside the stack (red-team round 116 F1): a user pool's users
 * (cognito-idp:AdminCreateUser, AdminSetUserPassword, ...) and a private CA's certificates (acm-pca:IssueCertificate,
 * PutPolicy). The boundary leaves them open: creating a test user in the stack's own pool is an ordinary agent task,
 * and a boundary cannot tell that pool from others. allow() refuses them on a pattern or a literal ARN, which may name a
 * pool or CA outside the stack, and takes a reference to the stack's own, which the gate judges.
 */
import { Fn } from "cdktf";
import { AcmpcaCertificateAuthority } from "@cdktf/provider-aws/lib/acmpca-certificate-authority";
import { CognitoUserPool } from "@cdktf/provider-aws/lib/cognito-user-pool";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import type { Construct } from "constructs";
import { ScopedToken } from "../../lib/constructs";
import { agentGuardrails, denyCovering } from "../../lib/constructs/agent-boundary";
import { signInOutside } from "../../lib/engine/reach/rare-actions";
import { APP_ACCOUNT, CODER_TARGETS, coderAgent, errorOf, gateFindings, policyOf, resources, synth } from "./helpers";

const USER_POOL = `arn:aws:cognito-idp:eu-central-1:${APP_ACCOUNT}:userpool/eu-central-1_AbCdEf123`;
const CA = `arn:aws:acm-pca:eu-central-1:${APP_ACCOUNT}:certificate-authority/0a1b2c3d-1111-2222-3333-444455556666`;
// UpdateUserPool is also a catalogue protection right, which allow() refuses before this.
const OPEN = signInOutside().flatMap((w) => [...w.actions]).filter((a) => a !== "cognito-idp:UpdateUserPool");

const pool = (s: Construct) => new CognitoUserPool(s, "Pool", { name: "staff" });
const ca = (s: Construct) => new AcmpcaCertificateAuthority(s, "Ca", { certificateAuthorityConfiguration: { keyAlgorithm: "RSA_2048", signingAlgorithm: "SHA256WITHRSA", subject: { commonName: "corp root" } } });

describe("the sign-ins AgentRole.allow refuses outside the stack", () => {
  it("are the user pool sign-ins and the private CA issuance the engine fails closed", () => {
    expect([...OPEN].sort()).toEqual([
      "acm-pca:IssueCertificate",
      "acm-pca:PutPolicy",
      "cognito-idp:AdminAddUserToGroup",
      "cognito-idp:AdminConfirmSignUp",
      "cognito-idp:AdminCreateUser",
      "cognito-idp:AdminLinkProviderForUser",
      "cognito-idp:AdminSetUserPassword",
      "cognito-idp:AdminUpdateUserAttributes",
    ]);
  });

  it.each(OPEN)("%s on * is refused, with why and what works", (action) => {
    const e = errorOf(() => synth((s) => coderAgent(s).allow({ actions: ["cognito-idp:ListUsers", action], resources: ["*"] })));
    expect(e.message).toMatch(new RegExp(`^AgentRole\\.allow: actions\\[1\\] "${action}" on resources\\[0\\] \\("\\*"\\) covers ${action}, which may reach (user pools|private CAs) outside this stack: `));
    expect(e.message).toContain("the gate fails it as agent-reach-unknown");
    expect(e.message).toMatch(/Grant it only on (user pools|private CAs) of this stack, each written as a reference \(the resource's arn, `\$\{aws_(cognito_user_pool|acmpca_certificate_authority)\.NAME\.arn\}`\)/);
  });

  it("a literal ARN, an action pattern, or a reference joined to a wildcard is refused too", () => {
    expect(errorOf(() => synth((s) => coderAgent(s).allow({ actions: ["cognito-idp:AdminSetUserPassword"], resources: [USER_POOL] }))).message).toContain(`on resources[0] ("${USER_POOL}") covers cognito-idp:AdminSetUserPassword`);
    expect(errorOf(() => synth((s) => coderAgent(s).allow({ actions: ["acm-pca:IssueCertificate"], resources: [CA] }))).message).toContain("which may reach private CAs outside this stack");
    const p = errorOf(() => synth((s) => coderAgent(s).allow({ actions: ["cognito-idp:AdminSet*"], resources: ["arn:aws:cognito-idp:*:*:userpool/*"] })));
    expect(p.message).toContain('actions[0] "cognito-idp:AdminSet*" on resources[0] ("arn:aws:cognito-idp:*:*:userpool/*") covers cognito-idp:AdminSetUserPassword, which');
    const region = errorOf(() => synth((s) => coderAgent(s).allow({ actions: ["cognito-idp:AdminCreateUser"], resources: [`arn:aws:cognito-idp:${Fn.element(["eu-central-1"], 0)}:${APP_ACCOUNT}:userpool/*`] })));
    expect(region.message).toContain("which may reach user pools outside this stack");
  });

  it("a ScopedToken, which takes literal ARNs only, refuses them and says where they can be granted", () => {
    const t = errorOf(() =>
      synth((s) => new ScopedToken(s, "T", { name: "users", assumedBy: coderAgent(s), actions: ["cognito-idp:AdminCreateUser"], resources: [USER_POOL], environment: "staging", accountId: APP_ACCOUNT, region: "eu-central-1" })),
    );
    expect(t.message).toMatch(/^ScopedToken: actions\[0\] "cognito-idp:AdminCreateUser" on resources\[0\]/);
    expect(t.message).toContain("A ScopedToken takes literal ARNs only, so it cannot name this stack's own pool or CA; grant the action on the agent's AgentRole with allow(), on that resource's arn (a reference)");
  });

  it("control: a reference to the stack's own pool or CA is granted, and the gate judges it (no pool outside)", () => {
    const { json } = synth((s) => {
      const a = coderAgent(s);
      const up = pool(s);
      a.allow({ sid: "Users", actions: ["cognito-idp:AdminCreateUser", "cognito-idp:AdminSetUserPassword"], resources: [up.arn] });
      a.allow({ sid: "Certs", actions: ["acm-pca:IssueCertificate"], resources: [ca(s).arn] });
      a.allow({ sid: "Template", actions: ["cognito-idp:AdminSetUserPassword"], resources: [`arn:aws:cognito-idp:eu-central-1:${APP_ACCOUNT}:userpool/${up.id}`] });
    });
    const statements = policyOf(resources(json, "aws_iam_role_policy")[0]).Statement as { Sid: string }[];
    expect(statements.map((x) => x.Sid)).toEqual(["Users", "Certs", "Template"]);
    expect(gateFindings(json).filter((f) => f.startsWith("agent-reach-unknown"))).toEqual([]);
  });

  it("control: reads, and a sign-in right on a resource of another service, are granted", () => {
    expect(() => synth((s) => coderAgent(s).allow({ actions: ["cognito-idp:ListUsers", "cognito-idp:AdminGetUser", "acm-pca:GetCertificate"], resources: ["*"] }))).not.toThrow();
    expect(() => synth((s) => coderAgent(s).allow({ actions: ["cognito-idp:*"], resources: [`arn:aws:s3:::bucket`] }))).toThrow(/destroy-rights catalogue/);
    expect(() => synth((s) => coderAgent(s).allow({ actions: ["acm-pca:IssueCertificate"], resources: [USER_POOL] }))).not.toThrow();
  });

  it("the boundary leaves them open, and the gate fails them on * in a policy attached by hand", () => {
    const { boundary, guards } = agentGuardrails(CODER_TARGETS);
    for (const a of OPEN) expect([a, denyCovering([...boundary, ...guards.flat()], a)]).toEqual([a, undefined]);
    const { json } = synth((s) => {
      const a = coderAgent(s);
      const p = new IamPolicy(s, "Wide", { name: "wide-users", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["cognito-idp:AdminCreateUser"], Resource: "*" }] }) });
      new IamRolePolicyAttachment(s, "Extra", { role: a.role.name, policyArn: p.arn });
    });
    expect(gateFindings(json).filter((f) => f.startsWith("agent-reach-unknown"))).toEqual([expect.stringContaining("roles handed out by identity pools that accept user pools matching *")]);
  });
});
