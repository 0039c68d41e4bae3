import type { Evidence } from "../findings";

/** Something an agent may come to act as: a principal of the stack, or one blastwall cannot see. */
export type ReachNode =
  | { readonly kind: "principal"; readonly id: string }
  | { readonly kind: "unknown"; readonly id: string; readonly detail: string };

/**
 * "`from` can come to act as `to`": by assuming it, rewriting its trust, minting its keys, passing it to new
 * compute, hijacking compute that runs as it, reading a stored credential, or writing the state it deploys.
 */
export interface ReachEdge {
  readonly from: string;
  readonly to: string;
  /** The right used, as a reviewer would name it: `sts:AssumeRole`, `iam:PassRole + lambda:CreateFunction`. */
  readonly label: string;
  /** Address of the policy whose statement grants the right used, when one does. */
  readonly via?: string;
  /** Why the edge holds: the statements on both sides. */
  readonly evidence: readonly Evidence[];
  /**
   * Set when the edge holds only if an action blastwall does not know to start compute does (the pass-role fallback
   * of a service whose start actions it models): a chain through it is a warning, an error under `--strict`.
   */
  readonly weak?: boolean;
}

/** Unknown-node ids start with this prefix, so reports can tell them apart. */
export const UNKNOWN_PREFIX = "unknown:";

export function unknownNode(detail: string, key: string): ReachNode {
  return { kind: "unknown", id: `${UNKNOWN_PREFIX}${key}`, detail };
}
