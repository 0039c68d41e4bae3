/**
 * Terraform's `removed` block (1.7+) with `lifecycle { destroy = false }` (OpenTofu's with none, too) takes an object out of the configuration and
 * the state and leaves it in the account: a policy stays attached, a role keeps what it grants, and nothing blastwall
 * reads shows it any more. Both readers (Terraform JSON and HCL) hand each such block to the rules as a pseudo
 * resource of this type. No imports: the rules read the constant without loading either reader.
 */
export const REMOVED_BLOCK_TYPE = "blastwall_removed_block";

/** The values of a `REMOVED_BLOCK_TYPE` pseudo resource. */
export interface RemovedBlockValues {
  /** The address `from` names, in root terms (`module.a.aws_iam_role_policy.p`, `module.old`). */
  readonly from: string;
  /** `false`, or the text of a `destroy` value blastwall cannot read as a boolean (then the object may stay). */
  readonly destroy: false | string;
  /** Set when no `destroy` is written and the reading is OpenTofu's, whose default forgets (see `removedBlockResource`). */
  readonly unwritten?: "opentofu";
}

/**
 * The pseudo resource for one `removed` block (its body as written: `from`, `lifecycle`), or undefined for one that
 * destroys its object and so leaves nothing behind. `prefix`: the module the block sits in (`module.a.`, or "").
 * A `destroy` value blastwall cannot read as true counts as keeping the object (fail closed).
 *
 * With no `destroy` written, the tool decides. Terraform destroys (its configs/removed.go sets Destroy = true before
 * it reads `lifecycle`, since 1.7). OpenTofu forgets: 1.7 and 1.8 take no `lifecycle` in a `removed` block at all,
 * and from 1.9 its configs/removed.go starts from Destroy: false and warns "Missing lifecycle from the removed block".
 * `tool` is the reading: "opentofu" for a folder with `.tofu` files (read both ways, run-check.ts) or whose
 * `.terraform.lock.hcl` names providers of OpenTofu's registry (lib/hcl/lock-file.ts), and for a Terraform JSON file
 * (a lone cdk.tf.json) beside such a lock file; that reading then reports the block. Any other folder of `.tf` files,
 * and Terraform JSON, are read as Terraform reads them: nothing in them says OpenTofu applies them, and reporting
 * every bare `removed` block there would report each Terraform user's plain destroy. Writing `destroy = true` or `false` out reads the same under both tools.
 */
export function removedBlockResource(
  body: Readonly<Record<string, unknown>>,
  i: number,
  prefix: string,
  location?: string,
  tool: "terraform" | "opentofu" = "terraform",
): { mode: "managed"; type: string; name: string; address: string; values: Record<string, unknown>; location?: string } | undefined {
  let destroy: unknown = tool === "opentofu" ? false : true;
  let written = false;
  const lc = body["lifecycle"];
  for (const o of Array.isArray(lc) ? lc : [lc]) {
    if (o !== null && typeof o === "object" && !Array.isArray(o) && "destroy" in o) {
      destroy = (o as Record<string, unknown>)["destroy"];
      written = true;
    }
  }
  // Terraform takes only a literal here; HCL writes it as a bool, Terraform JSON may write it as text.
  const literal = typeof destroy === "string" ? destroy.replace(/^\$\{\s*(.*?)\s*\}$/, "$1").trim() : destroy;
  if (literal === true || literal === "true") return undefined;
  const from = body["from"];
  const target = typeof from === "string" ? from.replace(/^\$\{\s*(.*?)\s*\}$/, "$1").trim() : undefined;
  const values: RemovedBlockValues = {
    from: target !== undefined ? prefix + target : `${prefix}(unreadable: ${JSON.stringify(from)})`,
    destroy: literal === false || literal === "false" ? false : JSON.stringify(destroy),
    ...(written ? {} : { unwritten: "opentofu" as const }),
  };
  return {
    mode: "managed",
    type: REMOVED_BLOCK_TYPE,
    name: `removed_${i}`,
    // What it removes names it: an acknowledgement reads `removed.aws_iam_role_policy.cleanup`.
    address: target !== undefined ? `${prefix}removed.${target}` : `${prefix}removed[${i}]`,
    values: { ...values },
    ...(location !== undefined ? { location } : {}),
  };
}
