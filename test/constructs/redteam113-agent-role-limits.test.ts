/**
 * Red-team round 113 (AgentRole's limits): the permissions policy could outgrow IAM's quota for a role's inline
 * policies, refused only at apply (F4); two stacks of one app pinned to one account made the same IAM names (F6).
 */
import { readFileSync } from "fs";
import { join } from "path";
import { App, TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { Construct } from "constructs";
import { AgentPrincipal, AgentRole, ScopedToken } from "../../lib/constructs";
import { ROLE_INLINE_POLICIES_LIMIT } from "../../lib/constructs/agent-role";
import { APP_ACCOUNT, BACKUP_ACCOUNT, errorOf, only, policyOf, synth } from "./helpers";

const RUNNER = `arn:aws:iam::${APP_ACCOUNT}:role/agent-runner`;

function agent(s: Construct, roleName = "coder"): AgentRole {
  return new AgentRole(s, "Agent", { roleName, assumedBy: [AgentPrincipal.role(RUNNER)] });
}

describe("F4: the permissions policy stays within IAM's quota for a role's inline policies", () => {
  /** `n` resources of 38 characters each: about 40 characters per resource in the policy. */
  const buckets = (from: number, n: number) => Array.from({ length: n }, (_, i) => `arn:aws:s3:::acme-data-${String(from + i).padStart(5, "0")}-bucket/*`);

  it("the quota is IAM's 10,240 characters", () => {
    expect(ROLE_INLINE_POLICIES_LIMIT).toBe(10240);
  });

  it("refuses the grant that goes over, naming the methods, the size and the quota; what was granted before stays", () => {
    const stack = new TerraformStack(new App(), "test");
    new AwsProvider(stack, "aws", { region: "eu-central-1" });
    const role = agent(stack).allow({ sid: "First", actions: ["s3:GetObject"], resources: buckets(0, 150) });
    const e = errorOf(() => role.allow({ sid: "Second", actions: ["s3:GetObject"], resources: buckets(150, 150) }));
    expect(e.message).toMatch(/^AgentRole: roleName "coder" \(test\/Agent\): allow\(\), grantReadOnly\(\) and allowAssume\(\) with this grant make a permissions policy \(inline\) of \d+ characters \(2 statements, the largest "(First|Second)": \d+\), over IAM's quota for the inline policies of a role \(all together, whitespace not counted\) of 10240; IAM refuses it at apply/);
    expect(Number(/of (\d+) characters/.exec(e.message)![1])).toBeGreaterThan(10240);
    const json = JSON.parse(Testing.synth(stack, true));
    expect(policyOf(only(json, "aws_iam_role_policy")).Statement.map((st: { Sid: string }) => st.Sid)).toEqual(["First"]);
  });

  it("grantReadOnly over many services is refused at the call that goes over", () => {
    const services = Object.keys((JSON.parse(readFileSync(join(__dirname, "../../policies/iam-actions.json"), "utf8")) as { services: Record<string, unknown> }).services).slice(0, 120);
    let reached = 0;
    const e = errorOf(() =>
      synth((s) => {
        const a = agent(s);
        for (const svc of services) {
          try {
            a.grantReadOnly(svc);
          } catch (err) {
            if (!/has no Describe, List or Get action/.test((err as Error).message)) throw err;
          }
          reached++;
        }
      }),
    );
    expect(reached).toBeLessThan(services.length);
    expect(e.message).toMatch(/^AgentRole: roleName "coder" \(test\/Agent\): allow\(\), grantReadOnly\(\) and allowAssume\(\) with this grant make a permissions policy \(inline\) of \d+ characters \(\d+ statements, the largest "ReadOnly/);
  });

  it("control: just under the quota synthesizes, and the policy as IAM counts it is within 10,240", () => {
    const { json } = synth((s) => agent(s).allow({ actions: ["s3:GetObject"], resources: buckets(0, 245) }));
    const text = only(json, "aws_iam_role_policy").policy as string;
    expect(text.replace(/\s/g, "").length).toBeLessThanOrEqual(10240);
    expect(text.replace(/\s/g, "").length).toBeGreaterThan(9000);
  });

  it("counts the role's other inline policies with it, at synth, naming them", () => {
    /** Synthesized with validations, where the other policies are seen: an AgentRole with `own` resources, another policy on `role`. */
    const build = (own: number, role: (a: AgentRole) => string) => () => {
      const stack = new TerraformStack(new App(), "test");
      new AwsProvider(stack, "aws", { region: "eu-central-1" });
      const a = agent(stack).allow({ actions: ["s3:GetObject"], resources: buckets(0, own) });
      new IamRolePolicy(stack, "Mine", { role: role(a), name: "mine", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: buckets(500, 80) }] }) });
      Testing.synth(stack, true);
    };
    const e = errorOf(build(200, (a) => a.role.id));
    expect(e.message).toMatch(/AgentRole: roleName "coder": the inline policies of test\/Agent\/Role are at least \d+ characters together \(allow\(\), grantReadOnly\(\) and allowAssume\(\): \d+; test\/Mine: \d+\), over IAM's quota/);
    // By the literal name, or the role's name attribute, too.
    expect(build(200, () => "coder")).toThrow(/test\/Mine/);
    expect(build(200, (a) => a.role.name)).toThrow(/test\/Mine/);
    // Control: the same policy on another role is not counted, nor a smaller total on this role.
    expect(build(200, () => "someone-else")).not.toThrow();
    expect(build(100, (a) => a.role.id)).not.toThrow();
  });
});

describe("F6: two stacks of one app pinned to the same account make the same IAM names", () => {
  function app(accounts: [string[] | undefined, string[] | undefined], names: [string, string] = ["coder", "coder"]): () => void {
    return () => {
      const a = new App();
      const stacks = ["staging", "production"].map((id, i) => {
        const s = new TerraformStack(a, id);
        new AwsProvider(s, "aws", { region: "eu-central-1", ...(accounts[i] ? { allowedAccountIds: accounts[i] } : {}) });
        agent(s, names[i]);
        return s;
      });
      for (const s of stacks) Testing.synth(s, true);
    };
  }

  it("refuses at synth, naming both stacks, the account and the names", () => {
    const e = errorOf(app([[APP_ACCOUNT], [APP_ACCOUNT]]));
    expect(e.message).toContain(`AgentRole: roleName "coder" (staging/Agent, stack "staging") makes IAM names that stack "production" also makes, and both stacks' providers pin account ${APP_ACCOUNT} (allowed_account_ids): role "coder" (production/Agent/Role), managed policy "coder-boundary" (production/Agent/Boundary)`);
    expect(e.message).toContain('Give each stack its own roleName (from the environment it deploys, e.g. "coder-staging")');
  });

  it("names a ScopedToken's own prop, name, not a roleName its user never wrote (round 115, F8)", () => {
    const e = errorOf(() => {
      const a = new App();
      const stacks = ["staging", "production"].map((id) => {
        const s = new TerraformStack(a, id);
        new AwsProvider(s, "aws", { region: "eu-central-1", allowedAccountIds: [APP_ACCOUNT] });
        new ScopedToken(s, "Redeploy", {
          name: "redeploy-web",
          assumedBy: AgentPrincipal.githubActions({ providerArn: `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`, repository: "acme/web", branch: "main" }),
          actions: ["ecs:UpdateService"],
          resources: [`arn:aws:ecs:eu-central-1:${APP_ACCOUNT}:service/web/*`],
          environment: id,
          accountId: APP_ACCOUNT,
          region: "eu-central-1",
        });
        return s;
      });
      for (const s of stacks) Testing.synth(s, true);
    });
    expect(e.message).toContain('ScopedToken: name "redeploy-web" (staging/Redeploy, stack "staging") makes IAM names that stack "production" also makes');
    expect(e.message).toContain("Give each stack its own name (");
    expect(e.message).not.toContain("roleName");
  });

  it.each([
    ["different accounts", app([[APP_ACCOUNT], [BACKUP_ACCOUNT]])],
    ["providers that pin no account", app([undefined, undefined])],
    ["one provider that may deploy to two accounts", app([[APP_ACCOUNT], [APP_ACCOUNT, BACKUP_ACCOUNT]])],
    ["different role names", app([[APP_ACCOUNT], [APP_ACCOUNT]], ["coder-staging", "coder-production"])],
  ])("control: %s pass", (_, build) => {
    expect(build).not.toThrow();
  });
});



