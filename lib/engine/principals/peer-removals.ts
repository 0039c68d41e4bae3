/**
 * What one stack of a run can take away from the principals of another (red-team round 130, F1 and F2). Terraform
 * applies each stack on its own, yet IAM is one account: a resource of stack B can detach or rewrite what stack A
 * attaches, and A's configuration never shows it.
 *
 * - `aws_iam_{role,user,group}_policies_exclusive` / `..._policy_attachments_exclusive` make the principal's inline
 *   or attached policies exactly those they list: any other is deleted or detached on B's every apply.
 * - `aws_iam_policy_attachment` is the only attachment its policy may have in the account: B's apply detaches the
 *   policy from every principal it does not list, those A attaches it to included.
 * - An `import` block (Terraform 1.5+) brings an object that already exists under B's management: B's next apply
 *   writes its own configuration to it (another policy document, another boundary, another attachment).
 * - `aws_iam_{role,user,group}_policy` writes an inline policy with Put{Role,User,Group}Policy, which replaces the
 *   document of a policy of that name on that principal without asking whether one is there (red-team round 133, F1):
 *   B's apply puts its document in place of A's, and B's destroy deletes A's policy. A name Terraform generates
 *   (no `name`, or `name_prefix`) ends in a fresh unique id, so it replaces nothing, unless a `moved` block brings an
 *   existing inline policy to that resource: it keeps its old name, which may be A's policy's.
 *
 * Not removers: an `aws_iam_policy`, or an `aws_iam_{role,user,group}` (its `inline_policy` blocks included), of B
 * with a name A's object already has fails to create (CreatePolicy and CreateRole do not take over an existing
 * name); only an import block brings such an object under B, and that is read above.
 *
 * A's next apply puts its version back, B's takes it away again: a Deny that may be removed so is not relied on.
 * This module reads each stack for such resources, resolved in that stack (its cross-stack references resolve
 * through the run's remote states); collect.ts applies them to the principals of the other stacks.
 */
import type { TfResource, TfStack } from "../terraform/types";
import { resolveToPattern, unwrittenName } from "../terraform/tokens";
import { resourceAccount } from "../terraform/providers";
import { stackImports } from "../terraform/import-blocks";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const collect = () => require("./collect") as typeof import("./collect");

export type RemovalPrincipalKind = "role" | "user" | "group";

/** A pattern as resolved in the stack that wrote it: `*` stands for what is known only at apply time. */
export interface Resolved {
  readonly pattern: string;
  readonly exact: boolean;
}

export type PeerRemoval = {
  /** The stack that holds it (its name, or its file). */
  readonly stack: string;
  /** Its address there (`aws_iam_policy_attachment.x`, `import.aws_iam_policy.g`). */
  readonly address: string;
  /** The account its provider is pinned to; undefined when not pinned (then it may be any account). */
  readonly account?: string;
} & (
  | {
      /** An exclusive manager: the principal's inline (`inline`) or attached (`managed`) policies become its list. */
      readonly kind: "manager";
      readonly principal: RemovalPrincipalKind;
      readonly what: "inline" | "managed";
      readonly target: Resolved;
      /** What its list names certainly: inline policy names, or policy ARNs; undefined when the list cannot be read. */
      readonly keeps: readonly string[] | undefined;
    }
  | {
      /** An `aws_iam_policy_attachment`: its policy and the principals it lists. */
      readonly kind: "attachment";
      readonly policy: Resolved;
      readonly holders: readonly { readonly principal: RemovalPrincipalKind; readonly name: Resolved }[];
    }
  | {
      /** An `import` block to an IAM resource: the object its id names is managed by that stack as well. */
      readonly kind: "import";
      /** The resource type it imports into (`aws_iam_policy`, `aws_iam_role`, `aws_iam_role_policy_attachment`...). */
      readonly type: string;
      /** The address of the resource it imports into (in that stack). */
      readonly to: string;
      readonly id: Resolved;
    }
  | {
      /** An `aws_iam_{role,user,group}_policy`: it writes (and on destroy deletes) the inline policy `name` of `target`. */
      readonly kind: "inline";
      readonly principal: RemovalPrincipalKind;
      readonly target: Resolved;
      readonly name: Resolved;
    }
);

/** IAM resource types an import can take over, in blastwall's model. */
export const IMPORTABLE_IAM_TYPES: ReadonlySet<string> = new Set(
  ["aws_iam_policy"].concat(
    ...(["role", "user", "group"] as const).map((k) => [`aws_iam_${k}`, `aws_iam_${k}_policy`, `aws_iam_${k}_policy_attachment`]),
  ),
);

/** The resource types whose presence in a stack means it may take something away from another stack's principals. */
export const REMOVER_TYPES: ReadonlySet<string> = new Set(
  ["aws_iam_policy_attachment"].concat(
    ...(["role", "user", "group"] as const).map((k) => [`aws_iam_${k}_policies_exclusive`, `aws_iam_${k}_policy_attachments_exclusive`, `aws_iam_${k}_policy`]),
  ),
);

const UNKNOWN: Resolved = { pattern: "*", exact: false };

export function resolved(stack: TfStack, v: unknown): Resolved {
  if (typeof v !== "string" || v === "") return UNKNOWN;
  const r = resolveToPattern(stack, v);
  return { pattern: r.pattern, exact: r.exact && !/[*?]/.test(r.pattern) };
}

/** A stack's own IAM ARNs leave the account open (`iam::*:`); its provider, when pinned, says which it is. */
export function withAccount(p: Resolved, account: string | undefined): Resolved {
  if (account === undefined || !/^arn:[^:]*:iam::\*:/.test(p.pattern)) return p;
  const pattern = p.pattern.replace(/^(arn:[^:]*:iam::)\*:/, `$1${account}:`);
  return { pattern, exact: !/[*?]/.test(pattern) };
}

/**
 * The name of an inline policy resource that writes none (or only `name_prefix`), as another stack's policy may have
 * it: undefined when Terraform makes a fresh unique one (it replaces no one's policy); any name when a `moved` block
 * brings an existing inline policy to it, which keeps the name it had (tokens.ts's unwrittenName decides, as for
 * every unwritten name). An `import` block alone names the policy it adopts by its id: removalsOf reads that as an
 * "import" removal, so it is not counted twice here, as any name.
 */
function adoptedName(stack: TfStack, r: TfResource): Resolved | undefined {
  if (unwrittenName(stack, r) !== "*") return undefined;
  const moved = unwrittenName({ ...stack, imports: [] }, r) === "*";
  return moved ? UNKNOWN : undefined;
}

/** The elements of a list value, or undefined when blastwall cannot read it as a list. */
function listOf(v: unknown): unknown[] | undefined {
  if (Array.isArray(v)) return v;
  // A list passed whole (a variable, a remote output) is not read: it may list anything.
  return v === undefined || v === null ? [] : undefined;
}

/**
 * The removals `stack` holds, resolved there. Pass the stack as the run links it (its remote states resolved):
 * a cross-stack reference then names the other stack's principal or policy.
 */
export function removalsOf(stack: TfStack, label: string): PeerRemoval[] {
  const out: PeerRemoval[] = [];
  const each = (type: string, f: (r: TfResource, account: string | undefined) => void) => {
    for (const r of stack.byType.get(type) ?? []) {
      if (r.mode !== "managed" || collect().existence(stack, r) === "no") continue;
      f(r, resourceAccount(stack, r));
    }
  };
  for (const principal of ["role", "user", "group"] as const) {
    for (const what of ["inline", "managed"] as const) {
      const type = what === "inline" ? `aws_iam_${principal}_policies_exclusive` : `aws_iam_${principal}_policy_attachments_exclusive`;
      each(type, (r, account) => {
        const list = listOf(r.values[what === "inline" ? "policy_names" : "policy_arns"]);
        const keeps = list?.map((x) => (what === "managed" ? withAccount(resolved(stack, x), account) : resolved(stack, x))).filter((x) => x.exact).map((x) => x.pattern.toLowerCase());
        out.push({ stack: label, address: r.address, ...(account !== undefined && { account }), kind: "manager", principal, what, target: resolved(stack, r.values[`${principal}_name`]), keeps });
      });
    }
  }
  each("aws_iam_policy_attachment", (r, account) => {
    const holders: { principal: RemovalPrincipalKind; name: Resolved }[] = [];
    for (const [arg, principal] of [["roles", "role"], ["users", "user"], ["groups", "group"]] as const) {
      const list = listOf(r.values[arg]);
      // A list it cannot read may name anyone, or no one: nobody counts as certainly kept.
      for (const x of list ?? []) holders.push({ principal, name: resolved(stack, x) });
    }
    out.push({ stack: label, address: r.address, ...(account !== undefined && { account }), kind: "attachment", policy: withAccount(resolved(stack, r.values["policy_arn"]), account), holders });
  });
  for (const principal of ["role", "user", "group"] as const) {
    each(`aws_iam_${principal}_policy`, (r, account) => {
      const n = r.values["name"];
      const name = n === undefined || n === null || n === "" ? adoptedName(stack, r) : resolved(stack, n);
      if (name === undefined) return;
      out.push({ stack: label, address: r.address, ...(account !== undefined && { account }), kind: "inline", principal, target: resolved(stack, r.values[principal]), name });
    });
  }
  for (const imp of stackImports(stack)) {
    const type = imp.to.replace(/^(?:module\.[^.]+(?:\[[^\]]*\])?\.)*/, "").split(".")[0];
    if (!IMPORTABLE_IAM_TYPES.has(type)) continue;
    const target = stack.byAddress.get(imp.to.replace(/\[[^\]]*\]$/, ""));
    const account = target ? resourceAccount(stack, target) : undefined;
    out.push({ stack: label, address: `import.${imp.to}`, ...(account !== undefined && { account }), kind: "import", type, to: imp.to, id: withAccount(resolved(stack, imp.id), account) });
  }
  return out;
}
