/**
 * Terraform's `removed` block (1.7+) with `lifecycle { destroy = false }` takes an object out of the configuration and
 * the state and leaves it in the account: a policy stays attached, a role keeps what it grants, and nothing blastwall
 * reads shows it any more. The HCL reader hands each such block to the rules as a pseudo resource of this type.
 * No imports: the rules read the constant without loading the HCL reader.
 */
export const REMOVED_BLOCK_TYPE = "blastwall_removed_block";

/** The values of a `REMOVED_BLOCK_TYPE` pseudo resource. */
export interface RemovedBlockValues {
  /** The address `from` names, in root terms (`module.a.aws_iam_role_policy.p`, `module.old`). */
  readonly from: string;
  /** `false`, or the text of a `destroy` value blastwall cannot read as a boolean (then the object may stay). */
  readonly destroy: false | string;
}
