/**
 * Edges of the routes into compute (compute-targets.ts): a principal that can write what a rule, a bucket's
 * EventBridge notification or a pipe hands to a state machine, task, build, job or pipeline starts it with a payload of
 * its choosing, as the start action would (HIJACK_TARGETS): the same hijack edge to the role it runs as, its text
 * naming the hop. Compute blastwall cannot read runs as a role it cannot see.
 */
import type { Grant, PrincipalNode } from "../analysis-types";
import { globsIntersect } from "../iam/glob";
import { referencedResource } from "../terraform/tokens";
import { grantText, type AddEdge } from "./edge";
import type { EdgeContext } from "./edge-context";
import { COMPUTE_ROUTE_ACTIONS, computeRoutes, type ComputeRoute, type RouteCompute } from "./compute-targets";
import { writtenReferences } from "./resource-index";
import { roleOfCompute } from "./role-of";

const ACTIONS: ReadonlySet<string> = new Set(COMPUTE_ROUTE_ACTIONS.map((a) => a.toLowerCase()));

export function routeEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge): void {
  const routes = computeRoutes(ctx.stack);
  if (routes.length === 0 || !ctx.holdsAny(p, ACTIONS)) return;
  for (const route of routes) {
    const g = grantOf(ctx, p, route);
    if (!g) continue;
    for (const c of route.computes) edgeTo(ctx, route, c, g, add);
  }
}

/** A grant of one of the route's actions on what the writer acts on: by reference to it, or by pattern. */
function grantOf(ctx: EdgeContext, p: PrincipalNode, route: ComputeRoute): Grant | undefined {
  for (const action of route.actions) {
    for (const g of ctx.grants(p, action)) {
      for (const r of g.resources) {
        const named = route.target ? writtenReferences(g, r, (w) => referencedResource(ctx.stack, w, route.types)) : undefined;
        if (named ? named.includes(route.target!) : globsIntersect(r, route.pattern, { caseInsensitive: true })) return g;
      }
    }
  }
  return undefined;
}

function edgeTo(ctx: EdgeContext, route: ComputeRoute, c: RouteCompute, g: Grant, add: AddEdge): void {
  const hop = `${route.verb}${route.how} ${c.text}, ${c.input}`;
  const action = g.action;
  if (!c.res || c.res.mode === "data") {
    const what = c.res ? `${c.res.address}, compute this stack reads but does not make` : `${c.text}, a target blastwall cannot read as compute it models`;
    add(ctx.unknown(`route:${route.via.address}:${c.text}`, `${what}, started through ${route.via.address}, which may run as any role`), "hijack", action, () => `${grantText(g)} lets it ${hop}: it starts that with a payload of its choosing, under a role blastwall cannot see`, g.statement.source.address);
    return;
  }
  const found = roleOfCompute(ctx, c.res, c.roleAttribute!, c.viaInstanceProfile === true);
  const role = found === null && c.runsAsRoleAnyway ? undefined : found;
  if (role === null) return;
  const to = role ?? ctx.unknown(`role-of:${c.res.address}`, `the role ${c.res.address} runs as, which blastwall cannot resolve`);
  add(to, "hijack", action, () => `${grantText(g)} lets it ${hop}: it starts ${c.res!.address} with a payload of its choosing, as a start action would, and ${c.res!.address} runs as ${role ?? "a role blastwall cannot resolve"}`, g.statement.source.address);
}
