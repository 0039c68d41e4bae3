/**
 * ProtectedVolume (a user review): an availability zone or volume type that fails only at `terraform apply`.
 */
import { ProtectedVolume } from "../../lib/constructs";
import { APP_ACCOUNT, OFFSITE_ARN, stackIn } from "./helpers";

type Obj = Record<string, any>;

const volumeBackup = { accountId: APP_ACCOUNT, region: "eu-west-1", offsiteVaultArn: OFFSITE_ARN.replace(":eu-west-1:", ":eu-central-1:") };
/** `region` null: a provider without a region (taken from the environment at apply). */
const volume = (extra: Obj = {}, region: string | null = "eu-west-1") =>
  new ProtectedVolume(stackIn(region ?? undefined), "V", { name: "data", availabilityZone: "eu-west-1a", sizeGiB: 10, backup: volumeBackup, recycleBin: false, ...extra });

describe("ProtectedVolume: availabilityZone and volumeType that fail only at apply", () => {
  test("a region given as the availability zone is refused, naming the prop and an AZ of it", () => {
    expect(() => volume({ availabilityZone: "eu-west-1" })).toThrow(
      'ProtectedVolume: availabilityZone must be an availability zone like eu-west-1a, not the region "eu-west-1"',
    );
  });

  test("an availability zone of another region than the stack's provider is refused", () => {
    expect(() => volume({ availabilityZone: "us-east-1a" })).toThrow(
      'ProtectedVolume: availabilityZone "us-east-1a" is in us-east-1, but the AWS provider of this stack deploys to eu-west-1',
    );
  });

  test("volumeType outside EBS's types is refused, naming the valid ones", () => {
    expect(() => volume({ volumeType: "gp9" })).toThrow('ProtectedVolume: volumeType must be one of standard, gp2, gp3, io1, io2, sc1, st1 (got "gp9")');
  });

  test.each([
    ["an AZ of the provider's region", { availabilityZone: "eu-west-1b" }, "eu-west-1"],
    ["a Local Zone of the provider's region", { availabilityZone: "us-west-2-lax-1a" }, "us-west-2"],
    ["any AZ when the provider's region is not set", { availabilityZone: "us-east-1a" }, null],
    ["any AZ when the provider's region is a token", { availabilityZone: "us-east-1a" }, "${var.region}"],
    ["a valid volume type", { volumeType: "io2", iops: 3000 }, "eu-west-1"],
  ])("control: %s is accepted", (_name, extra, region) => {
    expect(() => volume({ ...extra, backup: { ...volumeBackup, region: region === null || region.startsWith("$") ? "eu-west-1" : region } }, region)).not.toThrow();
  });
});
