/**
 * Red-team round 67 (report B, findings 5 and 6): an upper-case service prefix (`S3:GetObject`, which IAM matches
 * case-insensitively) was refused as "not an IAM action; write service:Action"; a read-only pattern in another case
 * was refused by ScopedToken; an OIDC provider ARN of no real partition (`arn:awsfoo:`) or with a space was accepted;
 * and ProtectedVolume took `eu-central-1-a` as a zone.
 */
import { AgentPrincipal, AgentRole, ProtectedVolume, ScopedToken } from "../../lib/constructs";
import { APP_ACCOUNT, errorOf, OFFSITE_ARN, stackIn } from "./helpers";

const role = () => new AgentRole(stackIn("eu-central-1"), "A", { roleName: "claude", assumedBy: [AgentPrincipal.role(`arn:aws:iam::${APP_ACCOUNT}:role/runner`)] });
const token = (actions: string[], extra: Record<string, unknown> = {}) => {
  const stack = stackIn("eu-central-1");
  const agent = new AgentRole(stack, "A", { roleName: "claude", assumedBy: [AgentPrincipal.role(`arn:aws:iam::${APP_ACCOUNT}:role/runner`)] });
  return new ScopedToken(stack, "T", { name: "t", assumedBy: agent, actions, resources: [`arn:aws:s3:::bucket/key`], environment: "staging", accountId: APP_ACCOUNT, region: "eu-central-1", ...extra });
};

describe("RT67-B5: IAM action case", () => {
  test.each([["S3:getobject"], ["S3:GetObject"], ["Logs:GetLogEvents"], ["RDS:Describe*"]])("AgentRole.allow accepts %s (IAM compares case-insensitively)", (a) => {
    expect(() => role().allow({ actions: [a], resources: ["*"] })).not.toThrow();
  });

  test("ScopedToken accepts S3:GetObject, and a read-only pattern in any case with allowAnyResource", () => {
    expect(() => token(["S3:GetObject"])).not.toThrow();
    for (const a of ["RDS:Describe*", "rds:describe*", "s3:LIST*"]) expect(() => token([a], { resources: ["*"], allowAnyResource: true, requireEnvironmentTag: false })).not.toThrow();
  });

  test("controls: still refused, whatever the case: a destroy right, a typo, no colon, a write pattern", () => {
    expect(errorOf(() => role().allow({ actions: ["S3:DeleteBucket"], resources: ["*"] })).message).toMatch(/destroy-rights catalogue/);
    expect(errorOf(() => role().allow({ actions: ["S3:GetObjekt"], resources: ["*"] })).message).toMatch(/is not an action of s3/);
    expect(errorOf(() => role().allow({ actions: ["s3GetObject"], resources: ["*"] })).message).toMatch(/is not an IAM action; write service:Action/);
    expect(errorOf(() => role().allow({ actions: ["s3 :GetObject"], resources: ["*"] })).message).toMatch(/is not an IAM action; write service:Action/);
    expect(errorOf(() => token(["ECS:Update*"], { resources: ["*"], allowAnyResource: true, requireEnvironmentTag: false })).message).toMatch(/without \* or \?/);
    expect(errorOf(() => token(["RDS:Describe*"])).message).toMatch(/without \* or \?/);
  });
});

describe("RT67-B6: OIDC provider ARNs and availability zones", () => {
  test.each([
    ["a partition that does not exist", "arn:awsfoo:iam::111111111111:oidc-provider/x"],
    ["a space in the provider", "arn:aws:iam::111111111111:oidc-provider/ x"],
    ["a tab in the provider", "arn:aws:iam::111111111111:oidc-provider/token.actions\tgithubusercontent.com"],
    ["aws- alone", "arn:aws-:iam::111111111111:oidc-provider/x"],
  ])("githubActions refuses %s", (_n, providerArn) => {
    expect(errorOf(() => AgentPrincipal.githubActions({ providerArn, repository: "acme/infra" })).message).toMatch(/^AgentPrincipal: githubActions\(providerArn\) must be the ARN of an IAM OIDC provider/);
  });

  test.each(["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"])("control: partition %s is accepted", (p) => {
    expect(() => AgentPrincipal.githubActions({ providerArn: `arn:${p}:iam::${APP_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`, repository: "acme/infra" })).not.toThrow();
    expect(() => AgentPrincipal.role(`arn:${p}:iam::${APP_ACCOUNT}:role/agents/runner`)).not.toThrow();
  });

  test("AgentPrincipal.role refuses a made-up partition too", () => {
    expect(errorOf(() => AgentPrincipal.role("arn:awsfoo:iam::111111111111:role/runner")).message).toMatch(/^AgentPrincipal: role\(roleArn\) must be an IAM role ARN/);
  });

  const volume = (availabilityZone: string, region: string) => () =>
    new ProtectedVolume(stackIn(region), "V", { name: "data", availabilityZone, sizeGiB: 10, backup: { accountId: APP_ACCOUNT, region, offsiteVaultArn: OFFSITE_ARN }, recycleBin: false });

  test.each([["eu-central-1-a", "eu-central-1"], ["eu-central-1-x", "eu-central-1"], ["us-west-2-lax", "us-west-2"], ["us-west-2-lax-a", "us-west-2"], ["us-east-1-wl1-bos", "us-east-1"]])("ProtectedVolume refuses the zone %s", (az, region) => {
    expect(errorOf(volume(az, region)).message).toMatch(/^ProtectedVolume: availabilityZone must be an availability zone like eu-west-1a/);
  });

  test.each([["us-west-2-lax-1a", "us-west-2"], ["us-east-1-atl-2a", "us-east-1"], ["us-east-1-wl1-bos-wlz-1", "us-east-1"], ["eu-central-1b", "eu-central-1"], ["ap-northeast-1-wl1-kix-wlz-1", "ap-northeast-1"]])("control: ProtectedVolume accepts %s", (az, region) => {
    expect(volume(az, region)).not.toThrow();
  });
});
