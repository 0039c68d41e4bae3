/**
 * Edges of the routes into compute (compute-targets.ts): a principal that can write what a rule, a bucket's
 * EventBridge notification or a pipe hands to a state machine, task, build, job or pipeline starts it with a payload of
 * its choosing, as the start action would (HIJACK_TARGETS): the same hijack edge to the role it runs as, its text
 * naming the hop. Compute blastwall cannot read runs as a role it cannot see.
 *
 * The write right is read as the Lambda routes read it (rules/function-invokes.ts): the principal's own grants, those
 * a queue, topic or bucket policy naming it gives, and those it uses through a service it makes deliver for it
 * (red-team round 153, F2: an event put on a bus whose rule targets the pipe's queue, a publish to a topic the queue
 * subscribes to), which rules/invoke-relays.ts reads, failing closed where it does.
 */
import type { Grant, PrincipalNode } from "../analysis-types";
import { globsIntersect } from "../iam/glob";
import { referencedResource } from "../terraform/tokens";
import { mention, statementRef } from "../describe";
import { ownDenies } from "../own-denies";
import { grantText, type AddEdge } from "./edge";
import type { EdgeContext } from "./edge-context";
import { computeRoutes, type ComputeRoute, type RouteCompute, type RouteNeed } from "./compute-targets";
import { writtenReferences } from "./resource-index";
import { roleOfCompute } from "./role-of";
import { heldWrites, type HeldGrants } from "../../rules/held-writes";
import { heldRight, isRelayed } from "../../rules/invoke-relays";
import { grantsUsing } from "../../rules/invoke-routes";
import { deniedOnAll, type DenyAsk } from "../../rules/invoke-denies";
import { archivePair } from "./replays";

export function routeEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge): void {
  const routes = computeRoutes(ctx.stack);
  if (routes.length === 0) return;
  // Not only when it holds a route's action itself: a service may deliver for it (a right of another service).
  const held = heldBy(ctx, p);
  for (const route of routes) {
    if (route.open) {
      const open = route.open;
      const why = { label: `no IAM auth on ${route.via.address}`, text: `anyone can use it, with no IAM right: ${open.text}; that way it can`, source: route.via.address, fix: open.fix };
      for (const c of route.computes) edgeTo(ctx, route, c, why, add);
      continue;
    }
    let g = grantOf(ctx, p, route, held);
    if (!g) continue;
    // A route that asks more rights (put the rule, then an event it matches) is used only with every one of them.
    const more: Grant[] = [];
    for (const n of route.also ?? []) {
      const m = grantOf(ctx, p, n, held);
      if (!m) break;
      more.push(m);
    }
    if (more.length < (route.also?.length ?? 0)) continue;
    if (route.sameArchive) {
      // The archive it makes must be one its replay right covers: a pair of grants that may name one.
      const pair = archivePair(ctx.stack, grantsFor(ctx, p, route, held), grantsFor(ctx, p, route.also![0], held), route.pattern);
      if (!pair) continue;
      [g, more[0]] = pair;
    }
    const why = { label: (isRelayed(g) && heldRight(g.relay)) || g.action, text: grantWhy([g, ...more]), source: g.statement.source.address };
    for (const c of route.computes) edgeTo(ctx, route, c, why, add);
  }
}

/** A principal's grants of an action: all of them, and those the stack's resource policies give it (`extra`). */
type Held = (action: string) => HeldGrants;

/**
 * The principal's grants of an action, with those the stack's resource policies give it (invoke-policies.ts
 * `policyGrants`, relayed grants among them), read once per action (held-writes.ts: the writes that relay into one
 * another to a fixed point).
 */
function heldBy(ctx: EdgeContext, p: PrincipalNode): Held {
  return heldWrites(ctx.stack, p, (a) => ctx.grants(p, a));
}

/**
 * A grant of one of the route's actions on what the writer acts on: by reference to it, or by pattern. A resource
 * policy's grant is read as the Lambda routes read it (invoke-routes.ts `grantsUsing`, which files a principal's many
 * policy grants once, not once per route), and is refused by a Deny of the principal's own that certainly covers the
 * action there; a service delivering for it is not (its fire right is, and `held` reads that as its own grants).
 */
function grantOf(ctx: EdgeContext, p: PrincipalNode, route: RouteNeed, held: Held): Grant | undefined {
  return grantsFor(ctx, p, route, held, true)[0];
}

/** Every such grant (`grantOf`), in its order; the first alone with `first`. */
function grantsFor(ctx: EdgeContext, p: PrincipalNode, route: RouteNeed, held: Held, first = false): Grant[] {
  const out: Grant[] = [];
  let denies: ReturnType<typeof ownDenies> | undefined;
  for (const action of route.actions) {
    const own = ctx.grants(p, action);
    // A Deny of a part of a grant's `*` (the archive's literal ARN: red-team round 162, F6) is asked where the route is.
    if (own.length === 0 || deniedOnAll(ctx.stack, (denies ??= ownDenies(p)), action, denyAsks(route))) continue;
    for (const g of own) {
      const hit = g.resources.some((r) => {
        const named = route.target ? writtenReferences(g, r, (w) => referencedResource(ctx.stack, w, route.types)) : undefined;
        return named ? named.includes(route.target!) : globsIntersect(r, route.pattern, { caseInsensitive: true });
      });
      if (!hit) continue;
      out.push(g);
      if (first) return out;
    }
  }
  for (const action of route.actions) {
    const { extra } = held(action);
    if (extra.length === 0) continue;
    for (const g of grantsUsing(ctx.stack, route, extra)) {
      if (!isRelayed(g) && deniedOnAll(ctx.stack, (denies ??= ownDenies(p)), action, denyAsks(route))) continue;
      out.push(g);
      if (first) return out;
    }
  }
  return out;
}

/** Where a Deny must refuse the route's action to close it: the resource it writes to (a bucket's objects), or its pattern. */
function denyAsks(route: RouteNeed): DenyAsk[] {
  if (!route.target) return [{ pattern: route.pattern }];
  return [{ pattern: route.pattern, target: route.target, suffix: route.pattern.endsWith("/*") && route.target.type === "aws_s3_bucket" ? "/*" : "" }];
}

/** How the grants let the principal write: the statements, and for a relayed one how it makes the service deliver. */
function grantWhy(all: readonly Grant[]): string {
  // One statement may grant every right the route asks: named once.
  const gs = all.filter((g, i) => isRelayed(g) || !all.slice(0, i).some((x) => !isRelayed(x) && x.statement === g.statement));
  const text = gs.map((g) => (isRelayed(g) ? `${grantText(g)}${mention({ text: g.relay.text, statements: g.relay.fires.map((f) => statementRef(f.statement)) })}` : grantText(g))).join(" and ");
  if (gs.some(isRelayed)) return `${text}; that way it can`;
  return `${text} ${gs.length > 1 ? "let" : "lets"} it`;
}

/** How the principal uses a route: the edge's label, the text before the hop, where it is granted, how to close it. */
interface Use {
  readonly label: string;
  readonly text: string;
  readonly source: string;
  readonly fix?: string;
}

function edgeTo(ctx: EdgeContext, route: ComputeRoute, c: RouteCompute, g: Use, add: AddEdge): void {
  const hop = `${route.verb}${route.how} ${c.text}, ${c.input}`;
  const action = g.label;
  const close = g.fix ? `. Close it: ${g.fix}` : "";
  if (!c.res || c.res.mode === "data") {
    const what = c.res ? `${c.res.address}, compute this stack reads but does not make` : `${c.text}, a target blastwall cannot read as compute it models`;
    add(ctx.unknown(`route:${route.via.address}:${c.text}`, `${what}, started through ${route.via.address}, which may run as any role`), "hijack", action, () => `${g.text} ${hop}: it starts that with a payload of its choosing, under a role blastwall cannot see${close}`, g.source);
    return;
  }
  const found = roleOfCompute(ctx, c.res, c.roleAttribute!, c.viaInstanceProfile === true);
  const role = found === null && c.runsAsRoleAnyway ? undefined : found;
  if (role === null) return;
  const to = role ?? ctx.unknown(`role-of:${c.res.address}`, `the role ${c.res.address} runs as, which blastwall cannot resolve`);
  add(to, "hijack", action, () => `${g.text} ${hop}: it starts ${c.res!.address} with a payload of its choosing, as a start action would, and ${c.res!.address} runs as ${role ?? "a role blastwall cannot resolve"}${close}`, g.source);
}
