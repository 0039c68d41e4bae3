/** The role a compute resource, instance profile, launch template or role value names, as the edge families resolve it. */
import type { StackAnalysis } from "../analysis-types";
import type { TfResource, TfStack } from "../terraform/types";
import { isObject } from "../json";
import { refTarget } from "../terraform/tokens";
import type { PrincipalIndex } from "./principal-index";

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

/** The role an `aws_launch_template` gives its instances (`iam_instance_profile { arn | name }`). */
function roleOfLaunchTemplate(ctx: RoleLookup, lt: unknown): string | null | undefined {
  const block = Array.isArray(lt) ? lt[0] : lt;
  if (!isObject(block)) return undefined;
  const ref = refTarget(block["id"] ?? block["name"]);
  const template = ref ? ctx.stack.byAddress.get(ref.address) : undefined;
  if (!template || template.type !== "aws_launch_template" || template.mode !== "managed") return undefined;
  const ip = template.values["iam_instance_profile"];
  const profile = Array.isArray(ip) ? ip[0] : ip;
  if (profile === undefined || profile === null) return null;
  if (!isObject(profile)) return undefined;
  const named = profile["arn"] ?? profile["name"];
  return named === undefined || named === null ? null : roleOfProfile(ctx, named);
}

/** The principal address a compute resource runs as; null when it runs as none; undefined when unresolvable. */
export function roleOfCompute(ctx: RoleLookup, res: TfResource, attribute: string, viaProfile: boolean): string | null | undefined {
  let v: unknown = res.values;
  for (const k of attribute.split(".")) {
    if (Array.isArray(v)) v = v[0];
    // A JSON document on the way (a Batch job definition's container_properties): read it; one blastwall cannot
    // read (a jsonencode of locals, a variable) may name any role.
    if (typeof v === "string") {
      try {
        v = JSON.parse(v);
      } catch {
        return undefined;
      }
    }
    v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined;
  }
  if (v === undefined || v === null || v === "") {
    // An instance without a profile of its own may get one from its launch template.
    const lt = viaProfile ? res.values["launch_template"] : undefined;
    return lt === undefined || lt === null ? null : roleOfLaunchTemplate(ctx, lt);
  }
  if (viaProfile) return roleOfProfile(ctx, v);
  return roleOfValue(ctx, v);
}

/** The principal address a role value (reference, ARN or name) names; undefined when unresolvable. */
export function roleOfValue(ctx: RoleLookup, v: unknown): string | undefined {
  const ref = refTarget(v);
  if (ref && ctx.analysis.byAddress.has(ref.address)) return ref.address;
  if (ref) return undefined;
  if (typeof v === "string") {
    const byArn = ctx.roles.matching(v.includes(":") ? v : `arn:aws:iam::*:role/${v}`);
    if (byArn.length === 1) return byArn[0].address;
  }
  return undefined;
}
