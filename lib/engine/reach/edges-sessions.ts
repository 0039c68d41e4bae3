/** Edges through sessions in compute that runs as a role: EMR runtime roles, GameLift fleets (see sessions.ts). */
import type { Grant, PrincipalNode } from "../analysis-types";
import type { TfResource } from "../terraform/types";
import { globsIntersect } from "../iam/glob";
import { refTarget } from "../terraform/tokens";
import { SESSION_ACCESS, clusterInstanceProfile, executionRolePins, mayHaveRuntimeRoles, type SessionAccess, type SessionTarget } from "./sessions";
import { grantText, type AddEdge } from "./edge";
import { mention, naming, type Named } from "../describe";
import type { EdgeContext } from "./edge-context";
import { assumeRoleEdges } from "./edges-assume";
import { roleOfCompute, roleOfProfile } from "./role-of";

/**
 * Logging in to compute that runs as a role (see sessions.ts): an EMR cluster's endpoints as a runtime role, a shell on
 * a GameLift fleet. A resource of the stack leads to its role: a fleet's, or for a cluster the runtime roles the
 * call's `elasticmapreduce:ExecutionRoleArn` condition names, else every role its instance role may assume (EMR
 * takes runtime roles with it), of the stack or, on a wildcard, beyond. A resource that may lie outside the stack
 * leads to roles blastwall cannot see, but for a call pinned to roles, which leads to those roles.
 */
export function sessionEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge): void {
  for (const s of SESSION_ACCESS) {
    for (const g of ctx.grants(p, s.action)) {
      const pins = s.targets.some((t) => t.role === "emr-runtime") ? executionRolePins(g.statement.conditions) : undefined;
      for (const r of g.resources) {
        let outside = false;
        for (const t of s.targets) {
          const { named, beyond } = sessionResources(ctx, g, r, t);
          if (beyond) outside = true;
          for (const res of named) {
            if (res.mode === "data") outside = true;
            else if (t.role === "emr-runtime") runtimeRoleEdges(ctx, res, s, g, pins, add);
            else fleetRoleEdge(ctx, res, t, s, g, add);
          }
        }
        if (!outside) continue;
        if (pins) pinnedRoleEdges(ctx, pins, undefined, undefined, s, g, add);
        else {
          add(
            ctx.unknown(`compute:${s.action}:${r}`, `compute reached by ${s.action} on ${r}, which may run as any role`),
            "hijack",
            s.action,
            () => `${grantText(g)} lets it get ${s.gets} ${s.unseen} that may lie outside this stack, under roles blastwall cannot see`,
            g.statement.source.address,
          );
        }
      }
    }
  }
}

/**
 * The stack's resources of a session target that a grant's resource pattern names, and whether it may name others.
 * Written as a reference to one: that one. A pattern of such ARNs: every one of the stack (their ids are AWS's) and
 * any outside it. A reference to something else names none.
 */
function sessionResources(ctx: EdgeContext, g: Grant, r: string, t: SessionTarget): { named: readonly TfResource[]; beyond: boolean } {
  const index = ctx.resourcesOf(sessionTypes(t));
  const refs = index.referenced(g, r);
  if (refs) return { named: refs, beyond: false };
  if (!globsIntersect(r, t.arn, { caseInsensitive: true })) return { named: [], beyond: false };
  const { resources, writtenResources: written } = g.statement;
  if (resources && written && written.length === resources.length) {
    const entries = written.filter((_, i) => resources[i] === r);
    const other = (w: string) => {
      const ref = refTarget(w);
      const res = ref ? ctx.stack.byAddress.get(ref.address) : undefined;
      return res !== undefined && res.type !== t.type;
    };
    if (entries.length > 0 && entries.every(other)) return { named: [], beyond: false };
  }
  return { named: index.matching(r), beyond: true };
}

function fleetRoleEdge(ctx: EdgeContext, res: TfResource, t: SessionTarget, s: SessionAccess, g: Grant, add: AddEdge): void {
  const found = roleOfCompute(ctx, res, t.role, false);
  if (found === null) return;
  const to = found ?? ctx.unknown(`role-of:${res.address}`, `the role ${res.address} runs as, which blastwall cannot resolve`);
  add(to, "hijack", s.action, () => `${grantText(g)} lets it get ${s.gets} ${res.address}, whose processes hold the credentials of ${found ?? "a role blastwall cannot resolve"} (${t.role})`, g.statement.source.address);
}

/** The runtime roles a session on an EMR cluster of the stack may run as (see sessionEdges). */
function runtimeRoleEdges(ctx: EdgeContext, c: TfResource, s: SessionAccess, g: Grant, pins: readonly string[] | undefined, add: AddEdge): void {
  // Without runtime roles turned on by its security configuration, the call fails on the cluster.
  if (!mayHaveRuntimeRoles(ctx.stack, c)) return;
  const written = clusterInstanceProfile(c);
  const found = written === undefined || written === null ? undefined : roleOfProfile(ctx, written);
  // An instance profile without a role can assume nothing.
  if (found === null) return;
  const instance = found !== undefined ? ctx.analysis.byAddress.get(found) : undefined;
  const assumable = instance ? assumableBy(ctx, instance) : undefined;
  if (pins) {
    pinnedRoleEdges(ctx, pins, c, assumable, s, g, add);
    return;
  }
  if (!instance || !assumable) {
    const to = ctx.unknown(`runtime-roles:${c.address}`, `the runtime roles of ${c.address}, whose instance role blastwall cannot resolve`);
    add(to, "hijack", s.action, () => `${grantText(g)} lets it get ${s.gets} ${c.address} as any runtime role (no elasticmapreduce:ExecutionRoleArn condition names one), and blastwall cannot resolve the instance role that takes them`, g.statement.source.address);
    return;
  }
  for (const [to, how] of assumable) {
    add(to, "hijack", s.action, () => `${grantText(g)} lets it get ${s.gets} ${c.address} as any runtime role (no elasticmapreduce:ExecutionRoleArn condition names one), and its instance role ${instance.address} may assume ${to} (${mention(how)}): Spark code it submits there runs as that role`, g.statement.source.address);
  }
}

/**
 * The roles an ExecutionRoleArn condition names: those of the stack (on a cluster of the stack, only those its
 * instance role may assume, when that is known), and roles outside the stack the pattern may name.
 */
function pinnedRoleEdges(ctx: EdgeContext, pins: readonly string[], c: TfResource | undefined, assumable: ReadonlyMap<string, Named> | undefined, s: SessionAccess, g: Grant, add: AddEdge): void {
  const where = c ? c.address : "EMR clusters that may lie outside this stack";
  for (const v of pins) {
    for (const role of ctx.roles.matching(v)) {
      if (assumable && !assumable.has(role.address)) continue;
      add(role.address, "hijack", s.action, () => `${grantText(g)} lets it get ${s.gets} ${where} as the runtime role ${role.address}, which its elasticmapreduce:ExecutionRoleArn condition names (${v}): Spark code it submits there runs as that role`, g.statement.source.address);
    }
    if (ctx.roles.reachesOutside(v)) {
      add(ctx.unknown(`roles:${v}`, `roles matching ${v}, which may lie outside this stack`), "hijack", s.action, () => `${grantText(g)} lets it get ${s.gets} ${where} as runtime roles matching ${v}, which may lie outside this stack`, g.statement.source.address);
    }
  }
}

/** The roles (and unknown nodes) a principal may assume, with why (and the statements it names): its assume-role edges, computed on their own. */
export function assumableBy(ctx: EdgeContext, p: PrincipalNode): ReadonlyMap<string, Named> {
  let m = ctx.assumable.get(p.address);
  if (!m) {
    const out = new Map<string, Named>();
    assumeRoleEdges(ctx, p, (to, _step, _label, why) => {
      if (to !== p.address && !out.has(to)) out.set(to, naming(why));
    });
    ctx.assumable.set(p.address, (m = out));
  }
  return m;
}

const sessionTypeLists = new WeakMap<object, readonly string[]>();

/** One constant type list per session target, as for hijack targets. */
function sessionTypes(t: SessionTarget): readonly string[] {
  let l = sessionTypeLists.get(t);
  if (!l) sessionTypeLists.set(t, (l = [t.type]));
  return l;
}
