import { Construct } from "constructs";
import type { TerraformProvider } from "cdktf";
import { EbsVolume } from "@cdktf/provider-aws/lib/ebs-volume";
import type { BackupSelection } from "@cdktf/provider-aws/lib/backup-selection";
import type { OffsiteBackupPlan } from "./offsite-backup-plan";
import { planAndKey, type OffsiteBackup } from "./offsite-backup-target";
import type { ProtectedKey } from "./protected-key";
import { RecycleBinLock, type RecycleBinLockProps } from "./recycle-bin-lock";
import { fail, isToken, literalProviderRegion, REGION_NAME, requireInteger, requireString, requireProps } from "./validate";

/** The volume types EBS takes (CreateVolume's VolumeType). */
export const EBS_VOLUME_TYPES: readonly string[] = ["standard", "gp2", "gp3", "io1", "io2", "sc1", "st1"];

export interface ProtectedVolumeProps {
  /** Name tag, and the base of the backup plan's name when one is created. 2-34 letters, digits, _ or -. */
  readonly name: string;
  /**
   * Availability zone (or Local Zone) of the volume, like `eu-west-1a`: in the region of the volume's AWS provider
   * when that is written literally.
   */
  readonly availabilityZone: string;
  /** Size in GiB. */
  readonly sizeGiB: number;
  /** One of standard, gp2, gp3, io1, io2, sc1, st1. @default "gp3" */
  readonly volumeType?: string;
  readonly iops?: number;
  readonly throughput?: number;
  /**
   * The off-site backup: a plan to share with other resources, or the options of a plan made for this volume
   * (account, region, off-site vault ARN in another account and region).
   */
  readonly backup: OffsiteBackup;
  /**
   * Encryption key: a ProtectedKey of the data's account (`backup.accountId`, or the shared plan's: a key in
   * another account puts the data and its local recovery points in that account's hands) whose
   * `usableByAccounts` holds the backup account (AWS Backup reads every cross-account copy with it). Both are
   * checked; an imported key ARN is not accepted.
   * @default a new ProtectedKey (rotation on, 30-day deletion window), usable by the backup account
   */
  readonly kmsKey?: ProtectedKey;
  /**
   * A locked, Region-level Recycle Bin rule for EBS snapshots, so a deleted snapshot stays recoverable. Turn it
   * off when the account already has one (one rule covers every snapshot of the Region).
   * @default {} (on: 30 days retention, 30 days unlock delay)
   */
  readonly recycleBin?: RecycleBinLockProps | false;
  readonly tags?: Readonly<Record<string, string>>;
  /** @default the scope's default AWS provider */
  readonly provider?: TerraformProvider;
}

/**
 * An EBS volume that survives an agent and a bad `terraform destroy`: `prevent_destroy`, a final snapshot,
 * encryption with a customer-managed key, a daily AWS Backup copied to a vault in another account and region,
 * and a locked Recycle Bin rule for its snapshots.
 */
export class ProtectedVolume extends Construct {
  readonly volume: EbsVolume;
  readonly volumeArn: string;
  readonly backupPlan: OffsiteBackupPlan;
  readonly backupSelection: BackupSelection;
  readonly key: ProtectedKey;
  readonly recycleBin?: RecycleBinLock;

  constructor(scope: Construct, id: string, props: ProtectedVolumeProps) {
    super(scope, id);
    requireProps("ProtectedVolume", props, ["name", "availabilityZone", "sizeGiB", "backup"]);
    const C = "ProtectedVolume";
    requireString(C, "name", props.name, "the volume's Name tag, 2 to 34 letters, digits, _ or -");
    requireString(C, "availabilityZone", props.availabilityZone, "the availability zone of the volume, like eu-west-1a");
    if (!/^[A-Za-z0-9_-]{2,34}$/.test(props.name)) fail(C, "name", `must be 2 to 34 letters, digits, _ or - (got "${props.name}")`);
    if (!isToken(props.availabilityZone)) {
      // A region, then a zone letter (eu-west-1a), a Local Zone (us-west-2-lax-1a) or a Wavelength Zone
      // (us-east-1-wl1-bos-wlz-1); red-team round 67: eu-central-1-a and eu-central-1-x were taken for zones.
      // A region of any partition (eusc-de-east-1a too: red-team round 68).
      const zone = new RegExp(`^(${REGION_NAME})(?:[a-z]|-[a-z]{2,4}-\\d[a-z]|-wl\\d-[a-z]{2,4}-wlz-\\d)$`).exec(props.availabilityZone);
      if (!zone) {
        const region = new RegExp(`^${REGION_NAME}$`).test(props.availabilityZone);
        fail(C, "availabilityZone", region
          ? `must be an availability zone like ${props.availabilityZone}a, not the region "${props.availabilityZone}": EC2 refuses a volume without a zone at apply`
          : `must be an availability zone like eu-west-1a (got "${props.availabilityZone}")`);
      }
      const providerRegion = literalProviderRegion(this, props.provider);
      if (providerRegion !== undefined && zone[1] !== providerRegion) {
        fail(C, "availabilityZone", `"${props.availabilityZone}" is in ${zone[1]}, but the AWS provider of this stack deploys to ${providerRegion}: EC2 refuses a zone of another region at apply. Use a zone of ${providerRegion}, like ${providerRegion}a, or give the volume a provider of ${zone[1]} (provider)`);
      }
    }
    const volumeType = props.volumeType ?? "gp3";
    if (!isToken(volumeType) && !EBS_VOLUME_TYPES.includes(volumeType)) {
      fail(C, "volumeType", `must be one of ${EBS_VOLUME_TYPES.join(", ")} (got ${JSON.stringify(volumeType)}): EC2 refuses any other at apply`);
    }
    requireInteger(C, "sizeGiB", props.sizeGiB, 1, 65536, "GiB");
    const { plan, key } = planAndKey(this, C, props.name, props.backup, props.kmsKey, props.tags, props.provider);
    this.backupPlan = plan;
    this.key = key;

    this.volume = new EbsVolume(this, "Volume", {
      availabilityZone: props.availabilityZone,
      size: props.sizeGiB,
      type: volumeType,
      iops: props.iops,
      throughput: props.throughput,
      encrypted: true,
      kmsKeyId: key.keyArn,
      // A destroy that gets past prevent_destroy (the block removed from code) still leaves a snapshot.
      finalSnapshot: true,
      tags: { Name: props.name, ...(props.tags ?? {}) },
      lifecycle: { preventDestroy: true },
      provider: props.provider,
    });
    this.volumeArn = this.volume.arn;
    this.backupSelection = plan.protect(this, props.name, this.volume.arn);

    if (props.recycleBin !== false) {
      this.recycleBin = new RecycleBinLock(this, "RecycleBin", { ...(props.recycleBin ?? {}), provider: props.provider });
    }
  }
}
