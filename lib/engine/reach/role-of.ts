/** The role a compute resource, instance profile, launch template or role value names, as the edge families resolve it. */
import type { StackAnalysis } from "../analysis-types";
import type { TfResource, TfStack } from "../terraform/types";
import { refTarget } from "../terraform/tokens";
import { followReferences } from "../agent-tags";
import { withoutInstanceKeys } from "../agents";
import type { PrincipalIndex } from "./principal-index";
import { launchTemplateProfile, roleValueAt } from "./compute";

/** What resolving the role a compute resource runs as reads: the stack, its principals, and the index of its roles. */
export interface RoleLookup {
  readonly stack: TfStack;
  readonly analysis: StackAnalysis;
  readonly roles: PrincipalIndex;
}

/** The role of an instance profile given by reference, name or ARN; undefined when unresolvable. */
export function roleOfProfile(ctx: RoleLookup, v: unknown): string | null | undefined {
  const ref = refTarget(v);
  const profiles = ctx.stack.byType.get("aws_iam_instance_profile") ?? [];
  const profile = ref
    ? ctx.stack.byAddress.get(ref.address)
    : profiles.find((x) => x.mode === "managed" && (x.values.name === v || (typeof v === "string" && typeof x.values.name === "string" && v.endsWith(`:instance-profile/${x.values.name}`))));
  // A profile a data source reads holds a role made elsewhere, which may be any (red-team round 65: it read as none).
  if (!profile || profile.mode !== "managed") return undefined;
  return roleOfCompute(ctx, profile, "role", false);
}

/** The principal address a compute resource runs as; null when it runs as none; undefined when unresolvable. */
export function roleOfCompute(ctx: RoleLookup, res: TfResource, attribute: string, viaProfile: boolean): string | null | undefined {
  // Blocks (dynamic ones too), JSON documents and launch templates on the way: compute.ts reads them.
  const at = roleValueAt(ctx.stack, res.values, attribute);
  // An instance without a profile of its own may get one from its launch template.
  const found = at && (at.value === undefined || at.value === null || at.value === "") && viaProfile ? launchTemplateProfile(ctx.stack, res) : at;
  if (!found) return undefined;
  if (found.value === undefined || found.value === null || found.value === "") return null;
  return viaProfile ? roleOfProfile(ctx, found.value) : roleOfValue(ctx, found.value);
}

/** The principal address a role value (reference, ARN or name) names; undefined when unresolvable. */
export function roleOfValue(ctx: RoleLookup, v: unknown): string | undefined {
  // A local that holds the reference (`local.role = aws_iam_role.r.arn`) names that role; a variable does not: -var
  // may set it to any role, whatever its default says.
  v = followReferences(ctx.stack, v, true);
  const ref = refTarget(v);
  if (ref) {
    // `aws_iam_role.r[0]`, `aws_iam_role.r["k"]`: an instance of a role the stack reads as one principal, whose
    // address carries no key (a count or for_each it does not expand); one it expands is found by its own address.
    const p = ctx.analysis.byAddress.get(ref.address) ?? ctx.analysis.byAddress.get(withoutInstanceKeys(ref.address));
    return p?.address;
  }
  if (typeof v === "string") {
    // Only a role whose name is certainly the one written: a computed name (unnamed, name_prefix) merely may match,
    // and the value may name a role outside the stack (red-team round 68). Names are unique within an account.
    // A bare name is the role's name alone, whatever its path (`coder` names `role/agents/coder`).
    const named = v.includes(":") ? ctx.roles.namedExactly(v) : v.includes("/") ? ctx.roles.namedExactly(`arn:aws:iam::*:role/${v}`) : ctx.roles.namedBare(v);
    if (named.length === 1) return named[0].address;
  }
  return undefined;
}
