import { Construct } from "constructs";
import type { TerraformProvider } from "cdktf";
import { EbsVolume } from "@cdktf/provider-aws/lib/ebs-volume";
import type { BackupSelection } from "@cdktf/provider-aws/lib/backup-selection";
import type { OffsiteBackupPlan } from "./offsite-backup-plan";
import { planAndKey, type OffsiteBackup } from "./offsite-backup-target";
import type { ProtectedKey } from "./protected-key";
import { RecycleBinLock, type RecycleBinLockProps } from "./recycle-bin-lock";
import { fail, requireInteger, requireString } from "./validate";

export interface ProtectedVolumeProps {
  /** Name tag, and the base of the backup plan's name when one is created. 2-34 letters, digits, _ or -. */
  readonly name: string;
  readonly availabilityZone: string;
  /** Size in GiB. */
  readonly sizeGiB: number;
  /** @default "gp3" */
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
    const C = "ProtectedVolume";
    requireString(C, "name", props.name, "the volume's Name tag, 2 to 34 letters, digits, _ or -");
    requireString(C, "availabilityZone", props.availabilityZone, "the availability zone of the volume, like eu-west-1a");
    if (!/^[A-Za-z0-9_-]{2,34}$/.test(props.name)) fail(C, "name", `must be 2 to 34 letters, digits, _ or - (got "${props.name}")`);
    requireInteger(C, "sizeGiB", props.sizeGiB, 1, 65536, "GiB");
    const { plan, key } = planAndKey(this, C, props.name, props.backup, props.kmsKey, props.tags, props.provider);
    this.backupPlan = plan;
    this.key = key;

    this.volume = new EbsVolume(this, "Volume", {
      availabilityZone: props.availabilityZone,
      size: props.sizeGiB,
      type: props.volumeType ?? "gp3",
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
