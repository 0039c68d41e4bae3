import { Construct } from "constructs";
import type { TerraformProvider } from "cdktf";
import { RbinRule } from "@cdktf/provider-aws/lib/rbin-rule";
import { MIN_RETENTION_DAYS } from "./offsite-backup-plan";
import { requireInteger, propNames, refuseUnknownProps, requireObject } from "./validate";

export interface RecycleBinLockProps {
  /** Days a deleted snapshot stays recoverable, 7-365. @default 30 */
  readonly retentionDays?: number;
  /** Days between an unlock request and the rule becoming editable, 7-30 (the API's range). @default 30 */
  readonly unlockDelayDays?: number;
  /** @default the scope's default AWS provider */
  readonly provider?: TerraformProvider;
}

export const RECYCLE_BIN_LOCK_PROPS = propNames<RecycleBinLockProps>({ retentionDays: true, unlockDelayDays: true, provider: true });

/**
 * A Region-level Recycle Bin rule for EBS snapshots, locked: deleting a snapshot only moves it to the bin,
 * and the rule itself cannot be changed or deleted until the unlock delay has passed. Only Region-level rules
 * (no resource tags) can be locked, which is why it has none.
 */
export class RecycleBinLock extends Construct {
  readonly rule: RbinRule;

  constructor(scope: Construct, id: string, props: RecycleBinLockProps = {}) {
    super(scope, id);
    requireObject("RecycleBinLock", "props", props, "{ retentionDays?, unlockDelayDays?, provider? }");
    refuseUnknownProps("RecycleBinLock", props, RECYCLE_BIN_LOCK_PROPS);
    const retention = requireInteger("RecycleBinLock", "retentionDays", props.retentionDays ?? 30, MIN_RETENTION_DAYS, 365, "days",
      "a snapshot deleted by mistake must stay recoverable for a week of unnoticed damage");
    const unlock = requireInteger("RecycleBinLock", "unlockDelayDays", props.unlockDelayDays ?? 30, 7, 30, "days");
    this.rule = new RbinRule(this, "Rule", {
      resourceType: "EBS_SNAPSHOT",
      description: "Deleted EBS snapshots stay recoverable (blastwall)",
      retentionPeriod: { retentionPeriodValue: retention, retentionPeriodUnit: "DAYS" },
      lockConfiguration: { unlockDelay: { unlockDelayUnit: "DAYS", unlockDelayValue: unlock } },
      provider: props.provider,
    });
  }
}
