/**
 * Red-team round 86 (constructs): trust policy sizes counted from what references become at apply (in-stack roles,
 * references nothing is known of, the partition of entry roles), messages that blame the prop that makes a trust long,
 * and EBS volume sizes and performance ratios EC2 refuses.
 */
import { App, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { DataAwsIamRole } from "@cdktf/provider-aws/lib/data-aws-iam-role";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { AgentPrincipal, AgentRole, ProtectedVolume } from "../../lib/constructs";
import { APP_ACCOUNT, OFFSITE_ARN, errorOf, only, stackIn } from "./helpers";

const SERVICE_TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });

function stackOf(region?: string): TerraformStack {
  const stack = new TerraformStack(new App(), "s");
  new AwsProvider(stack, "aws", region === undefined ? {} : { region });
  return stack;
}

/** The AgentRole's error message, or "" when it is accepted. */
function outcome(make: (stack: TerraformStack) => AgentPrincipal[], region: string | undefined = "eu-west-1", extra: Record<string, unknown> = {}, roleName = "coder"): string {
  const stack = stackOf(region);
  try {
    new AgentRole(stack, "A", { roleName, assumedBy: make(stack), ...extra });
    return "";
  } catch (e) {
    return (e as Error).message;
  }
}

/** "at least N" or N, from a trust-size message. */
const sizeIn = (message: string) => /of (?:at least )?(\d+) characters/.exec(message)?.[1];

describe("AgentRole counts a principal given by reference at the ARN it becomes (red-team round 86)", () => {
  const runners = (stack: TerraformStack, n: number, props: (i: number) => Record<string, unknown> = (i) => ({ name: `agent-runner-${i}` })) =>
    Array.from({ length: n }, (_, i) => AgentPrincipal.role(new IamRole(stack, `runner${i}`, { assumeRolePolicy: SERVICE_TRUST, ...props(i) }).arn));
  const literal = (n: number, path = "/") => Array.from({ length: n }, (_, i) => AgentPrincipal.role(`arn:aws:iam::111111111111:role${path}agent-runner-${i}`));

  it("reads the name and path of a role of the stack: 20 runners make the 2,368 characters IAM counts, as their ARNs written out do", () => {
    const message = outcome((s) => runners(s, 20));
    expect(message).toMatch(/^AgentRole: assumedBy makes a trust policy for role coder of at least 2368 characters \(2 sessionTagKeys: 15; 20 principals: 2353, the most assumedBy\[10\] \(role \$\{aws_iam_role\.runner10\.arn\}\): 98\), over IAM's default role trust policy quota of 2048; IAM refuses the role at apply/);
    expect(outcome(() => literal(20))).toMatch(/^AgentRole: assumedBy makes a trust policy for role coder of 2368 characters/);
    // A path counts as written; 15 runners fit.
    const path = (i: number) => ({ name: `agent-runner-${i}`, path: "/ci/runners/" });
    expect(sizeIn(outcome((s) => runners(s, 17, path)))).toBe(sizeIn(outcome(() => literal(17, "/ci/runners/"))));
    expect(outcome((s) => runners(s, 15))).toBe("");
    expect(outcome(() => literal(15))).toBe("");
  });

  it("reads a role of another stack, a data source, and a name_prefix (with the provider's 26-character suffix)", () => {
    const app = new App();
    const ci = new TerraformStack(app, "ci");
    new AwsProvider(ci, "aws", { region: "eu-west-1" });
    const roles = Array.from({ length: 20 }, (_, i) => new IamRole(ci, `runner${i}`, { name: `agent-runner-${i}`, assumeRolePolicy: SERVICE_TRUST }));
    const agents = new TerraformStack(app, "agents");
    new AwsProvider(agents, "aws", { region: "eu-west-1" });
    expect(errorOf(() => new AgentRole(agents, "A", { roleName: "coder", assumedBy: roles.map((r) => AgentPrincipal.role(r.arn)) })).message)
      .toMatch(/of at least 2368 characters/);
    const agents2 = new TerraformStack(app, "agents2");
    new AwsProvider(agents2, "aws", { region: "eu-west-1" });
    expect(() => new AgentRole(agents2, "A", { roleName: "coder", assumedBy: roles.slice(0, 15).map((r) => AgentPrincipal.role(r.arn)) })).not.toThrow();

    const data = (s: TerraformStack) => Array.from({ length: 20 }, (_, i) => AgentPrincipal.role(new DataAwsIamRole(s, `d${i}`, { name: `agent-runner-${i}` }).arn));
    expect(sizeIn(outcome(data))).toBe("2368");
    // name_prefix "r-" and the provider's suffix: 28 characters, as a literal name of 28.
    const prefixed = outcome((s) => runners(s, 20, () => ({ namePrefix: "r-" })));
    const same = outcome(() => Array.from({ length: 20 }, (_, i) => AgentPrincipal.role(`arn:aws:iam::111111111111:role/r-${String(i).padStart(26, "0")}`)));
    expect(sizeIn(prefixed)).toBe(sizeIn(same));
    // No name at all: terraform-<26>.
    const unnamed = outcome((s) => runners(s, 20, () => ({})));
    const named = outcome(() => Array.from({ length: 20 }, (_, i) => AgentPrincipal.role(`arn:aws:iam::111111111111:role/terraform-${String(i).padStart(26, "0")}`)));
    expect(sizeIn(unnamed)).toBe(sizeIn(named));
  });

  // An import or moved block brings an existing role to a resource with no name: it keeps the name it has, 1 to 64
  // characters, not terraform-<26>. The estimate is the least IAM may count, so the shortest (as for a data source).
  it("counts an unnamed role an import or moved block brings an existing role to at the shortest name, saying at least", () => {
    const adopted = (n: number, adopt: (r: IamRole, i: number) => void, props: (i: number) => Record<string, unknown> = () => ({})) => (s: TerraformStack) =>
      Array.from({ length: n }, (_, i) => {
        const r = new IamRole(s, `runner${i}`, { assumeRolePolicy: SERVICE_TRUST, ...props(i) });
        adopt(r, i);
        return AgentPrincipal.role(r.arn);
      });
    const imported = (r: IamRole, i: number) => r.importFrom(`r${i}`);
    const movedFrom = (r: IamRole, i: number) => r.moveFromId(`aws_iam_role.old${i}`);
    const moveTarget = (r: IamRole, i: number) => {
      r.addMoveTarget(`t${i}`);
      new IamRole(r, "old", { name: `old-${i}`, assumeRolePolicy: SERVICE_TRUST }).moveTo(`t${i}`);
    };
    // 20 of them may be the 20 roles of one character each: they may fit, as 20 references nothing is known of do.
    // A moved (or import) block written as a stack override may name any role of the stack.
    const override = (r: IamRole, i: number) => i === 0 && TerraformStack.of(r).addOverride("moved", [{ from: "aws_iam_role.old", to: "aws_iam_role.runner1" }]);
    for (const adopt of [imported, movedFrom, moveTarget, override]) expect(outcome(adopted(20, adopt))).toBe("");
    const shortest = () => Array.from({ length: 30 }, (_, i) => AgentPrincipal.role(`arn:aws:iam::${String(i).padStart(12, "0")}:role/x`));
    expect(outcome(adopted(30, imported))).toMatch(/^AgentRole: assumedBy makes a trust policy for role coder of at least 2528 characters/);
    expect(sizeIn(outcome(adopted(30, imported)))).toBe(sizeIn(outcome(shortest)));
    // The controls: not adopted, terraform-<26>; a name or a name_prefix stays what it is (the provider replaces an
    // imported role whose name differs, and gives one with a prefix the prefix and its suffix).
    const generated = outcome(() => Array.from({ length: 20 }, (_, i) => AgentPrincipal.role(`arn:aws:iam::111111111111:role/terraform-${String(i).padStart(26, "0")}`)));
    expect(sizeIn(outcome(adopted(20, () => undefined)))).toBe(sizeIn(generated));
    const prefixed = outcome(() => Array.from({ length: 20 }, (_, i) => AgentPrincipal.role(`arn:aws:iam::111111111111:role/r-${String(i).padStart(26, "0")}`)));
    expect(sizeIn(outcome(adopted(20, imported, () => ({ namePrefix: "r-" }))))).toBe(sizeIn(prefixed));
    const named = outcome(() => Array.from({ length: 20 }, (_, i) => AgentPrincipal.role(`arn:aws:iam::111111111111:role/agent-runner-${i}`)));
    expect(sizeIn(named)).toBe("2368");
    expect(sizeIn(outcome(adopted(20, imported, (i) => ({ name: `agent-runner-${i}` }))))).toBe("2368");
  });

  it("counts a reference it cannot read at the shortest role ARN there is (arn:aws:iam::000000000000:role/x), saying at least", () => {
    const vars = (n: number) => (s: TerraformStack) => Array.from({ length: n }, (_, i) => AgentPrincipal.role(new TerraformVariable(s, `v${i}`, { type: "string" }).stringValue));
    const shortest = (n: number) => () => Array.from({ length: n }, (_, i) => AgentPrincipal.role(`arn:aws:iam::${String(i).padStart(12, "0")}:role/x`));
    expect(outcome(vars(30))).toMatch(/^AgentRole: assumedBy makes a trust policy for role coder of at least 2528 characters .*\(role \$\{var\.v0\}\)/);
    expect(outcome(shortest(30))).toMatch(/^AgentRole: assumedBy makes a trust policy for role coder of 2528 characters/);
    // Counted as nothing, 40 of them passed (round 86: 2,888 characters of references alone); 20 fit.
    expect(outcome(vars(40))).toMatch(/of at least 3228 characters/);
    expect(outcome(vars(20))).toBe("");
  });
});

describe("AgentRole sizes entry role ARNs in the role's partition (red-team round 86)", () => {
  const gh = (providerArn: (s: TerraformStack) => string, n: number) => (s: TerraformStack) => {
    const arn = providerArn(s);
    return Array.from({ length: n }, (_, i) => AgentPrincipal.githubActions({ providerArn: arn, repository: `acme/r${i}` }));
  };
  const literalProvider = (partition: string) => () => `arn:${partition}:iam::111111111111:oidc-provider/token.actions.githubusercontent.com`;
  const providerResource = (s: TerraformStack) => new IamOpenidConnectProvider(s, "gh", { url: "https://token.actions.githubusercontent.com", clientIdList: ["sts.amazonaws.com"] }).arn;
  const NAME = "a-long-agent-role-name-for-testing";

  it("takes the partition from the principal's ARN: nine GovCloud workflows make the 2,118 characters IAM counts", () => {
    expect(outcome(gh(literalProvider("aws-us-gov"), 9), undefined, {}, NAME)).toMatch(new RegExp(`^AgentRole: assumedBy makes a trust policy for role ${NAME} of at least 2118 characters`));
    expect(outcome(gh(literalProvider("aws-us-gov"), 8), undefined, {}, NAME)).toBe("");
    expect(outcome(gh(literalProvider("aws"), 9), undefined, {}, NAME)).toBe("");
  });

  it("else from the provider's literal region, else counts the shortest partition, aws", () => {
    expect(sizeIn(outcome(gh(providerResource, 9), "us-gov-west-1", {}, NAME))).toBe("2118");
    // Each entry role is named twice (AssumeRole, TagSession): ten in China are 2 x 10 x 3 characters longer than in aws.
    expect(sizeIn(outcome(gh(providerResource, 10), "cn-north-1", {}, NAME))).toBe("2228");
    expect(sizeIn(outcome(gh(providerResource, 10), "eu-west-1", {}, NAME))).toBe("2168");
    expect(outcome(gh(providerResource, 9), "eu-west-1", {}, NAME)).toBe("");
    expect(outcome(gh(providerResource, 9), undefined, {}, NAME)).toBe("");
  });

  it("counts an OIDC provider given by reference in the entry role's trust as its ARN", () => {
    const tags = { sessionTagKeys: Array.from({ length: 57 }, (_, i) => `ticket-key-number-${i}`) };
    const byRef = outcome(gh(providerResource, 1), "eu-west-1", tags);
    expect(byRef).toMatch(/^AgentRole: sessionTagKeys \(57 keys\) with assumedBy\[0\] make a trust policy for its entry role coder-entry of at least \d+ characters/);
    expect(sizeIn(byRef)).toBe(sizeIn(outcome(gh(literalProvider("aws"), 1), "eu-west-1", tags)));
  });
});

describe("AgentRole's trust size message names what makes the trust long (red-team round 86)", () => {
  const keys = (n: number) => Array.from({ length: n }, (_, i) => `ticket-key-number-${i}`);
  const github = () => [AgentPrincipal.githubActions({ providerArn: "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com", repository: "acme/r" })];

  it("blames sessionTagKeys when the keys are most of an entry role's trust", () => {
    const message = outcome(github, "eu-west-1", { sessionTagKeys: keys(60) }, "b");
    expect(message).toBe(
      "AgentRole: sessionTagKeys (60 keys) with assumedBy[0] make a trust policy for its entry role b-entry of 2171 characters " +
        "(60 sessionTagKeys: 1369; assumedBy[0] (OIDC subject repo:acme/r:ref:refs/heads/main of token.actions.githubusercontent.com): 802), " +
        "over IAM's default role trust policy quota of 2048; IAM refuses the role at apply (LimitExceeded, ACLSizePerRole). " +
        "Give the role fewer or shorter sessionTagKeys (every key is written in each TagSession statement of the trust), " +
        'or raise the account\'s "Role trust policy length" quota in Service Quotas (at most 4096) and set trustPolicySizeLimit to it',
    );
    expect(message).not.toMatch(/Shorten what the principal names/);
    expect(outcome(github, "eu-west-1", { sessionTagKeys: keys(50) }, "b")).toBe("");
  });

  it("blames sessionTagKeys in the agent role's trust too, and the principals when they are most of it", () => {
    const runner = () => [AgentPrincipal.role("arn:aws:iam::111111111111:role/r")];
    expect(outcome(runner, "eu-west-1", { sessionTagKeys: keys(100) })).toMatch(
      /^AgentRole: sessionTagKeys \(100 keys\) with assumedBy make a trust policy for role coder of \d+ characters \(100 sessionTagKeys: 2289; assumedBy\[0\] \(role arn:aws:iam::111111111111:role\/r\): 479\), .*Give the role fewer or shorter sessionTagKeys/,
    );
    expect(outcome(runner, "eu-west-1", { sessionTagKeys: keys(60) })).toBe("");
    // Controls: a long subject is the principal's, and many principals are the principals'.
    const long = () => [AgentPrincipal.gitlabCi({ providerArn: "arn:aws:iam::111111111111:oidc-provider/gitlab.com", project: "acme/infra", branch: "b".repeat(1300) })];
    expect(outcome(long, "eu-west-1", { sessionTagKeys: keys(3) })).toMatch(/^AgentRole: assumedBy\[0\] makes a trust policy for its entry role coder-entry of \d+ characters \(3 sessionTagKeys: \d+; assumedBy\[0\] \(OIDC subject .*\): \d+\), .*Shorten what the principal names/);
    const many = () => Array.from({ length: 40 }, (_, i) => AgentPrincipal.role(`arn:aws:iam::111111111111:role/runner-${i}`));
    expect(outcome(many, "eu-west-1", { sessionTagKeys: keys(3) })).toMatch(/^AgentRole: assumedBy makes .*Give the role fewer principals/);
  });
});

describe("ProtectedVolume: sizes and performance ratios EC2 refuses at apply (red-team round 86)", () => {
  // CreateVolume's Size: gp2 1-16,384, gp3 1-65,536, io1 4-16,384, io2 4-65,536, st1/sc1 125-16,384, standard 1-1,024
  // GiB. EBS volume types: io1 at most 50 IOPS per GiB, io2 1,000, gp3 500; gp3 throughput at most 0.25 MiB/s per IOPS.
  const backup = { accountId: APP_ACCOUNT, region: "eu-west-1", offsiteVaultArn: OFFSITE_ARN.replace(":eu-west-1:", ":eu-central-1:") };
  const volume = (extra: Record<string, unknown>) =>
    new ProtectedVolume(stackIn("eu-west-1"), "V", { name: "data", availabilityZone: "eu-west-1a", sizeGiB: 100, backup, recycleBin: false, ...extra });

  it.each([
    [{ volumeType: "st1", sizeGiB: 1 }, 'ProtectedVolume: sizeGiB must be between 125 and 16,384 GiB for volumeType "st1" (got 1): EC2 refuses any other size of st1 at apply. Change the size, or use a type that takes 1 GiB (standard, gp2, gp3)'],
    [{ volumeType: "sc1", sizeGiB: 124 }, 'ProtectedVolume: sizeGiB must be between 125 and 16,384 GiB for volumeType "sc1" (got 124)'],
    [{ volumeType: "st1", sizeGiB: 16385 }, 'ProtectedVolume: sizeGiB must be between 125 and 16,384 GiB for volumeType "st1" (got 16385): EC2 refuses any other size of st1 at apply. Change the size, or use a type that takes 16385 GiB (gp3, io2)'],
    [{ volumeType: "standard", sizeGiB: 1025 }, 'ProtectedVolume: sizeGiB must be between 1 and 1,024 GiB for volumeType "standard" (got 1025)'],
    [{ volumeType: "gp2", sizeGiB: 16385 }, 'ProtectedVolume: sizeGiB must be between 1 and 16,384 GiB for volumeType "gp2" (got 16385)'],
    [{ volumeType: "io1", sizeGiB: 3, iops: 100 }, 'ProtectedVolume: sizeGiB must be between 4 and 16,384 GiB for volumeType "io1" (got 3)'],
    [{ volumeType: "io1", sizeGiB: 16385, iops: 1000 }, 'ProtectedVolume: sizeGiB must be between 4 and 16,384 GiB for volumeType "io1" (got 16385)'],
    [{ volumeType: "io2", sizeGiB: 3, iops: 100 }, 'ProtectedVolume: sizeGiB must be between 4 and 65,536 GiB for volumeType "io2" (got 3)'],
    [{ sizeGiB: 1, iops: 80000 }, "ProtectedVolume: iops must be at most 500 per GiB for gp3 (or its baseline of 3,000), 3,000 for 1 GiB (got 80,000): EC2 refuses the volume at apply. Give it at least 160 GiB (sizeGiB), or at most 3,000 IOPS"],
    [{ sizeGiB: 100, iops: 50001 }, "ProtectedVolume: iops must be at most 500 per GiB for gp3 (or its baseline of 3,000), 50,000 for 100 GiB (got 50,001)"],
    [{ volumeType: "io1", sizeGiB: 100, iops: 5001 }, "ProtectedVolume: iops must be at most 50 per GiB for io1, 5,000 for 100 GiB (got 5,001): EC2 refuses the volume at apply. Give it at least 101 GiB (sizeGiB), or at most 5,000 IOPS"],
    [{ volumeType: "io2", sizeGiB: 4, iops: 4001 }, "ProtectedVolume: iops must be at most 1,000 per GiB for io2, 4,000 for 4 GiB (got 4,001)"],
    [{ throughput: 2000 }, "ProtectedVolume: throughput must be at most 0.25 MiB/s per provisioned IOPS for gp3, 750 with 3,000 IOPS (gp3's baseline: iops is not set) (got 2,000): EC2 refuses the volume at apply. Set iops to at least 8,000, or throughput to at most 750"],
    [{ iops: 4000, throughput: 1001 }, "ProtectedVolume: throughput must be at most 0.25 MiB/s per provisioned IOPS for gp3, 1,000 with 4,000 IOPS (got 1,001)"],
  ])("refuses %j", (extra, message) => {
    expect(errorOf(() => volume(extra)).message.startsWith(message)).toBe(true);
  });

  it.each([
    [{ sizeGiB: 65536 }, { type: "gp3", size: 65536 }],
    [{ sizeGiB: 1 }, { type: "gp3", size: 1 }],
    [{ sizeGiB: 1, iops: 3000, throughput: 125 }, { iops: 3000, throughput: 125 }],
    [{ sizeGiB: 100, iops: 3000, throughput: 125 }, { iops: 3000, throughput: 125 }],
    [{ sizeGiB: 160, iops: 80000, throughput: 2000 }, { iops: 80000, throughput: 2000 }],
    [{ throughput: 750 }, { throughput: 750 }],
    [{ iops: 8000, throughput: 2000 }, { iops: 8000, throughput: 2000 }],
    [{ volumeType: "io2", sizeGiB: 4, iops: 4000 }, { type: "io2", iops: 4000 }],
    [{ volumeType: "io2", sizeGiB: 256, iops: 256000 }, { type: "io2", iops: 256000 }],
    [{ volumeType: "io2", sizeGiB: 65536, iops: 256000 }, { size: 65536 }],
    [{ volumeType: "io1", sizeGiB: 4, iops: 200 }, { type: "io1", iops: 200 }],
    [{ volumeType: "io1", sizeGiB: 1280, iops: 64000 }, { type: "io1", iops: 64000 }],
    [{ volumeType: "io1", sizeGiB: 16384, iops: 100 }, { size: 16384 }],
    [{ volumeType: "st1", sizeGiB: 125 }, { type: "st1" }],
    [{ volumeType: "sc1", sizeGiB: 16384 }, { type: "sc1" }],
    [{ volumeType: "standard", sizeGiB: 1024 }, { type: "standard" }],
    [{ volumeType: "gp2", sizeGiB: 16384 }, { type: "gp2" }],
  ])("control: accepts %j", (extra, expected) => {
    const v = volume(extra);
    expect(only(JSON.parse(Testing.synth(TerraformStack.of(v))), "aws_ebs_volume")).toMatchObject(expected);
  });

  it("leaves what is given by reference unchecked", () => {
    const stack = stackIn("eu-west-1");
    const v = (n: string) => new TerraformVariable(stack, n, { type: "number" }).numberValue;
    const t = new TerraformVariable(stack, "type", { type: "string" }).stringValue;
    expect(() => new ProtectedVolume(stack, "A", { name: "a1", availabilityZone: "eu-west-1a", sizeGiB: 1, iops: v("i"), throughput: 2000, backup, recycleBin: false })).not.toThrow();
    expect(() => new ProtectedVolume(stack, "B", { name: "b1", availabilityZone: "eu-west-1a", sizeGiB: 1, volumeType: t, backup, recycleBin: false })).not.toThrow();
  });
});
