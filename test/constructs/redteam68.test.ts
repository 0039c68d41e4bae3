/**
 * Red-team round 68 (report B, findings 6 and 7): ProtectedVolume refused zones of the aws-eusc partition
 * (`eusc-de-east-1a`: the zone pattern wanted a two-letter region prefix), and so did every region check
 * (`eusc-de-east-1`). AgentPrincipal.githubActions accepted a provider ARN ending in U+200B and `oidc-provider/*`,
 * and AgentPrincipal.role accepted `role//x` (an empty path segment).
 */
import { AgentPrincipal, ProtectedVolume } from "../../lib/constructs";
import { APP_ACCOUNT, BACKUP_ACCOUNT, errorOf, stackIn } from "./helpers";

const volume = (availabilityZone: string, region: string, partition = "aws") => () =>
  new ProtectedVolume(stackIn(region), "V", {
    name: "data",
    availabilityZone,
    sizeGiB: 10,
    backup: { accountId: APP_ACCOUNT, region, offsiteVaultArn: `arn:${partition}:backup:${region}:${BACKUP_ACCOUNT}:backup-vault:offsite`, allowSameRegion: true },
    recycleBin: false,
  });

describe("RT68-B6: zones and regions of every partition", () => {
  test.each([
    ["eusc-de-east-1a", "eusc-de-east-1", "aws-eusc"],
    ["us-gov-west-1a", "us-gov-west-1", "aws-us-gov"],
    ["cn-north-1a", "cn-north-1", "aws-cn"],
    ["us-isob-east-1a", "us-isob-east-1", "aws-iso-b"],
    ["il-central-1a", "il-central-1", "aws"],
    ["mx-central-1a", "mx-central-1", "aws"],
  ])("ProtectedVolume accepts %s (backup in %s)", (az, region, partition) => {
    expect(volume(az, region, partition)).not.toThrow();
  });

  test.each([["us-west-2-lax-1a", "us-west-2"], ["us-east-1-atl-2a", "us-east-1"], ["us-east-1-wl1-bos-wlz-1", "us-east-1"]])("control: ProtectedVolume accepts the Local or Wavelength Zone %s", (az, region) => {
    expect(volume(az, region)).not.toThrow();
  });

  test.each([["eu-central-1-a", "eu-central-1"], ["eu-central-1-x", "eu-central-1"], ["eusc-de-east-1-a", "eusc-de-east-1"], ["eusc-de-east-1", "eusc-de-east-1"], ["eusco-de-east-1a", "eu-central-1"], ["e-de-east-1a", "eu-central-1"]])("control: ProtectedVolume refuses %s", (az, region) => {
    expect(errorOf(volume(az, region, region.startsWith("eusc") ? "aws-eusc" : "aws")).message).toMatch(/^ProtectedVolume: availabilityZone must be an availability zone like/);
  });
});

describe("RT68-B7: provider and role ARNs", () => {
  const gha = (providerArn: string) => () => AgentPrincipal.githubActions({ providerArn, repository: "acme/infra" });

  test.each([
    [`arn:aws:iam::${APP_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com\u200b`],
    [`arn:aws:iam::${APP_ACCOUNT}:oidc-provider/*`],
    [`arn:aws:iam::${APP_ACCOUNT}:oidc-provider/token.actions.*.com`],
    [`arn:aws:iam::${APP_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com?`],
    [`arn:aws:iam::${APP_ACCOUNT}:oidc-provider/t\u00f6ken.actions.githubusercontent.com`],
  ])("githubActions refuses the provider ARN %j", (arn) => {
    expect(errorOf(gha(arn)).message).toMatch(/^AgentPrincipal: githubActions\(providerArn\) must be the ARN of an IAM OIDC provider/);
  });

  test.each([[`arn:aws:iam::${APP_ACCOUNT}:role//x`], [`arn:aws:iam::${APP_ACCOUNT}:role/a//x`], [`arn:aws:iam::${APP_ACCOUNT}:role/`], [`arn:aws:iam::${APP_ACCOUNT}:role/a/`], [`arn:aws:iam::${APP_ACCOUNT}:role/${"r".repeat(65)}`], [`arn:aws:iam::${APP_ACCOUNT}:role/r\u200b`]])("role refuses %j", (arn) => {
    expect(errorOf(() => AgentPrincipal.role(arn)).message).toMatch(/^AgentPrincipal: role\(roleArn\) must be an IAM role ARN/);
  });

  test("controls: real provider and role ARNs are accepted", () => {
    for (const arn of [
      `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
      `arn:aws-eusc:iam::${APP_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
    ])
      expect(gha(arn)).not.toThrow();
    // Providers of other issuers, taken by oidc with their own host (githubActions compares GitHub's own claim keys).
    for (const arn of [`arn:aws:iam::${APP_ACCOUNT}:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/ABCDEF0123456789`, `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/ghe.example.com/_services/token`]) {
      const issuerHost = arn.split(":oidc-provider/")[1];
      expect(() => AgentPrincipal.oidc({ providerArn: arn, issuerHost, subject: "system:serviceaccount:ci:agent", tokensCarrySourceIdentity: false })).not.toThrow();
    }
    for (const arn of [`arn:aws:iam::${APP_ACCOUNT}:role/runner`, `arn:aws:iam::${APP_ACCOUNT}:role/path/to/runner`, `arn:aws-iso-f:iam::${APP_ACCOUNT}:role/x`, `arn:aws:iam::${APP_ACCOUNT}:role/ci+deploy=a,b.c@d-e_${"r".repeat(40)}`]) {
      expect(() => AgentPrincipal.role(arn)).not.toThrow();
    }
  });
});
