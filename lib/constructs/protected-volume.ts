import { Construct } from "constructs";
import type { TerraformProvider } from "cdktf";
import { EbsVolume } from "@cdktf/provider-aws/lib/ebs-volume";
import type { BackupSelection } from "@cdktf/provider-aws/lib/backup-selection";
import type { OffsiteBackupPlan } from "./offsite-backup-plan";
import { planAndKey, type OffsiteBackup } from "./offsite-backup-target";
import type { ProtectedKey } from "./protected-key";
import { RECYCLE_BIN_LOCK_PROPS, RecycleBinLock, type RecycleBinLockProps } from "./recycle-bin-lock";
import { fail, isToken, literalProviderRegion, REGION_NAME, requireInteger, requireString, requireProps, propNames, refuseUnknownProps } from "./validate";

/** The volume types EBS takes (CreateVolume's VolumeType). */
export const EBS_VOLUME_TYPES: readonly string[] = ["standard", "gp2", "gp3", "io1", "io2", "sc1", "st1"];

/**
 * The provisioned IOPS CreateVolume takes, by the volume types that take any (io1 and io2 must have it). The lower
 * bounds are EC2's; the upper bounds are the highest EC2 has announced (gp3 up to 80,000), so no value EC2 may take is
 * refused here: a value under an older or per-size limit still fails at apply.
 */
const IOPS_RANGE: Readonly<Record<string, readonly [number, number]>> = { gp3: [3000, 80000], io1: [100, 64000], io2: [100, 256000] };
/** gp3's provisioned throughput in MiB/s, the only type that takes one (upper bound as for IOPS_RANGE). */
const GP3_THROUGHPUT: readonly [number, number] = [125, 2000];

/** The sizes CreateVolume takes, in GiB, by volume type (its Size parameter's documented ranges). */
const SIZE_RANGE: Readonly<Record<string, readonly [number, number]>> = {
  standard: [1, 1024],
  gp2: [1, 16384],
  gp3: [1, 65536],
  io1: [4, 16384],
  io2: [4, 65536],
  st1: [125, 16384],
  sc1: [125, 16384],
};

/**
 * The most provisioned IOPS per GiB EC2 takes (EBS volume types: io1 50, io2 1,000, gp3 500). gp3's 3,000 are its
 * baseline at any size, so they are always taken.
 */
const IOPS_PER_GIB: Readonly<Record<string, number>> = { gp3: 500, io1: 50, io2: 1000 };
const GP3_BASELINE_IOPS = 3000;
/** gp3's most throughput per provisioned IOPS, in MiB/s: 750 with the 3,000 baseline, 2,000 from 8,000 IOPS. */
const GP3_MIBS_PER_IOPS = 0.25;

export interface ProtectedVolumeProps {
  /** Name tag, and the base of the backup plan's name when one is created. 2-34 letters, digits, _ or -. */
  readonly name: string;
  /**
   * Availability zone (or Local Zone) of the volume, like `eu-west-1a`: in the region of the volume's AWS provider
   * when that is written literally.
   */
  readonly availabilityZone: string;
  /**
   * Size in GiB, in the range EC2 takes for the volume type: gp2 1 to 16,384, gp3 1 to 65,536, io1 4 to 16,384, io2 4
   * to 65,536, st1 and sc1 125 to 16,384, standard 1 to 1,024.
   */
  readonly sizeGiB: number;
  /** One of standard, gp2, gp3, io1, io2, sc1, st1. @default "gp3" */
  readonly volumeType?: string;
  /**
   * Provisioned IOPS: required for io1 (100 to 64,000, at most 50 per GiB) and io2 (100 to 256,000, at most 1,000 per
   * GiB), optional for gp3 (3,000 to 80,000, above 3,000 at most 500 per GiB), refused for the other types, as EC2 does.
   * @default none (gp3's baseline of 3,000)
   */
  readonly iops?: number;
  /**
   * Provisioned throughput in MiB/s, gp3 only: 125 to 2,000, and above 125 at most 0.25 per provisioned IOPS (750 with
   * the baseline 3,000).
   * @default none (gp3's baseline of 125)
   */
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
const PROPS = propNames<ProtectedVolumeProps>({
  name: true, availabilityZone: true, sizeGiB: true, volumeType: true, iops: true, throughput: true, backup: true, kmsKey: true,
  recycleBin: true, tags: true, provider: true,
});
/** ProtectedVolume gives the Recycle Bin rule its own provider. */
const RECYCLE_BIN_PROPS = RECYCLE_BIN_LOCK_PROPS.filter((p) => p !== "provider");

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
    refuseUnknownProps(C, props, PROPS);
    // Checked here, not only by RecycleBinLock, so the message names the prop the user wrote.
    if (props.recycleBin !== null && typeof props.recycleBin === "object") refuseUnknownProps(C, props.recycleBin, RECYCLE_BIN_PROPS, "recycleBin");
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
    // EC2 refuses these at apply (CreateVolume), after the key and backup plan exist (red-team round 85: io2 without
    // iops was accepted). Nothing is known of a type given by reference.
    if (!isToken(volumeType)) {
      const iopsRange = IOPS_RANGE[volumeType];
      if (props.iops === undefined && (volumeType === "io1" || volumeType === "io2")) {
        fail(C, "iops", `is required for volumeType "${volumeType}": EC2 refuses an ${volumeType} volume without provisioned IOPS at apply. Set iops (${iopsRange[0]} to ${iopsRange[1].toLocaleString("en-US")} for ${volumeType}), or use gp3, which has a baseline of 3,000`);
      }
      if (props.iops !== undefined && !isToken(props.iops)) {
        if (!iopsRange) fail(C, "iops", `applies to gp3, io1 and io2 volumes only (volumeType is "${volumeType}", got iops ${JSON.stringify(props.iops)}): EC2 refuses it for ${volumeType} at apply. Leave iops out, or use gp3, io1 or io2`);
        requireInteger(C, "iops", props.iops, iopsRange[0], iopsRange[1], "IOPS", `what EC2 takes for ${volumeType}`);
      }
      if (props.throughput !== undefined && !isToken(props.throughput)) {
        if (volumeType !== "gp3") fail(C, "throughput", `applies to gp3 volumes only (volumeType is "${volumeType}", got throughput ${JSON.stringify(props.throughput)}): EC2 refuses it for ${volumeType} at apply. Leave throughput out, or use gp3`);
        requireInteger(C, "throughput", props.throughput, GP3_THROUGHPUT[0], GP3_THROUGHPUT[1], "MiB/s", "what EC2 takes for gp3");
      }
      // Red-team round 86: st1 of 1 GiB, gp2 of 64 TiB, gp3 of 1 GiB with 80,000 IOPS and 2,000 MiB/s on the baseline
      // IOPS were accepted, and failed at apply. Each limit is EC2's for the type; what is not known here is not checked.
      const [minSize, maxSize] = SIZE_RANGE[volumeType];
      if (props.sizeGiB < minSize || props.sizeGiB > maxSize) {
        const fits = EBS_VOLUME_TYPES.filter((t) => props.sizeGiB >= SIZE_RANGE[t][0] && props.sizeGiB <= SIZE_RANGE[t][1]);
        fail(C, "sizeGiB", `must be between ${minSize.toLocaleString("en-US")} and ${maxSize.toLocaleString("en-US")} GiB for volumeType "${volumeType}" (got ${props.sizeGiB}): EC2 refuses any other size of ${volumeType} at apply. ` +
          `Change the size, or use a type that takes ${props.sizeGiB} GiB (${fits.join(", ")})`);
      }
      const perGiB = IOPS_PER_GIB[volumeType];
      if (perGiB !== undefined && props.iops !== undefined && !isToken(props.iops)) {
        const most = Math.max(perGiB * props.sizeGiB, volumeType === "gp3" ? GP3_BASELINE_IOPS : 0);
        if (props.iops > most) {
          fail(C, "iops", `must be at most ${perGiB.toLocaleString("en-US")} per GiB for ${volumeType}${volumeType === "gp3" ? ` (or its baseline of ${GP3_BASELINE_IOPS.toLocaleString("en-US")})` : ""}, ${most.toLocaleString("en-US")} for ${props.sizeGiB} GiB (got ${props.iops.toLocaleString("en-US")}): EC2 refuses the volume at apply. ` +
            `Give it at least ${Math.ceil(props.iops / perGiB).toLocaleString("en-US")} GiB (sizeGiB), or at most ${most.toLocaleString("en-US")} IOPS`);
        }
      }
      if (volumeType === "gp3" && props.throughput !== undefined && !isToken(props.throughput) && !isToken(props.iops)) {
        const iops = props.iops ?? GP3_BASELINE_IOPS;
        const most = Math.max(GP3_THROUGHPUT[0], Math.floor(iops * GP3_MIBS_PER_IOPS));
        if (props.throughput > most) {
          fail(C, "throughput", `must be at most ${GP3_MIBS_PER_IOPS} MiB/s per provisioned IOPS for gp3, ${most.toLocaleString("en-US")} with ${iops.toLocaleString("en-US")} IOPS${props.iops === undefined ? " (gp3's baseline: iops is not set)" : ""} (got ${props.throughput.toLocaleString("en-US")}): EC2 refuses the volume at apply. ` +
            `Set iops to at least ${Math.ceil(props.throughput / GP3_MIBS_PER_IOPS).toLocaleString("en-US")}, or throughput to at most ${most.toLocaleString("en-US")}`);
        }
      }
    }
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
