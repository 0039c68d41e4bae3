/**
 * Edges through HTTP front doors that make a service act with a role of the stack (front-doors.ts): calling an API
 * Gateway method whose AWS integration has a `credentials` role, running it through API Gateway's TestInvokeMethod,
 * or running an AppSync resolver whose data source has a `service_role_arn`. The caller shapes the request the role
 * makes (the key, the bucket, the state machine and its input), so it acts as the role for the integration's action:
 * a node of the role scoped to those actions (edge-context.ts `scopedRoleId`), or the whole role where the action
 * cannot be read (fail closed). A door with no auth, or an authorizer anyone gets a token for, is every principal's,
 * with no right at all. An AgentCore gateway's tool call through a target that acts as the gateway's role is one too
 * (gateway-doors.ts), asking bedrock-agentcore:InvokeGateway under IAM auth.
 */
import type { Grant, PrincipalNode } from "../analysis-types";
import { globsIntersect } from "../iam/glob";
import { grantText, type AddEdge } from "./edge";
import type { EdgeContext } from "./edge-context";
import type { ReachEdge } from "./types";
import { roleOfValue } from "./role-of";
import { GRAPHQL_APIS, HTTP_APIS, idPart, REST_APIS, roleDoorsOf, type DatabaseDoor, type IdPart, type MethodKey, type RoleDoor } from "./front-doors";
import { resolveToPattern } from "../terraform/tokens";
import { GATEWAY_ARN, GATEWAYS, INVOKE_GATEWAY } from "./gateway-doors";
import type { LoginDoor } from "./authorizers";
import type * as IdentityPools from "./identity-pools";
import { USER_POOL_CLIENT, USER_POOL_LOGIN, USER_POOL_LOGIN_PAIRS } from "./rare-actions";
import { loginContext } from "./edges-assume";
import { lazy } from "../lazy";
import { ownDenies } from "../own-denies";
import { deniedOnAll } from "../../rules/invoke-denies";
import { signersHold } from "./mcp-server-doors";

// identity-pools.ts loads only for a principal that may log in to a user pool behind a door.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const identityPools = lazy(() => require("./identity-pools") as typeof IdentityPools);

const CI = { caseInsensitive: true } as const;

/** The ARN patterns a right to call through the door is on, by the door's kind. */
function invokePattern(door: RoleDoor): string {
  if (door.invoke === INVOKE_GATEWAY) return GATEWAY_ARN;
  return door.invoke === "appsync:GraphQL" ? "arn:*:appsync:*:*:apis/*" : "arn:*:execute-api:*:*:*";
}

/** The resource types a grant written as a reference names the door's API by. */
function apiTypes(door: RoleDoor): readonly string[] {
  if (door.invoke === INVOKE_GATEWAY) return GATEWAYS;
  return door.invoke === "appsync:GraphQL" ? GRAPHQL_APIS : door.via.type.startsWith("aws_apigatewayv2_") ? HTTP_APIS : REST_APIS;
}

/**
 * Whether a grant's resource `r` may name the door's method for TestInvokeMethod (`apigateway:POST` on
 * `arn:PARTITION:apigateway:REGION::/restapis/API/resources/RESOURCE/methods/VERB`). Written as that ARN with each id
 * one reference or text: id by id, a reference to a resource of the stack matching that resource alone, text matching
 * as a glob what the other side may be (IAM's glob, case-sensitive: ARNs are). Written any other way (a wildcard across
 * ids, a boundary's narrowing, a pattern with no text to read): the pattern against the method's ARN pattern.
 */
function namesMethod(ctx: EdgeContext, g: Grant, r: string, m: MethodKey): boolean {
  const { resources, writtenResources: written } = g.statement;
  // Every entry that resolved to `r` (two references may resolve to one pattern): any naming the method will do.
  const entries = resources && written && written.length === resources.length ? written.filter((_, k) => resources[k] === r) : [];
  const ids = entries.map(methodIds);
  if (ids.length > 0 && ids.every((x) => x !== undefined)) {
    const text = (t: string) => resolveToPattern(ctx.stack, t).pattern || "*";
    // The partition and region are not compared: a literal one may be the API's (fail closed).
    return ids.some(([, , api, resource, verb]) => sameId(idPart(ctx.stack, api), m.api) && sameId(idPart(ctx.stack, resource), m.resource) && sameId({ pattern: text(verb) }, m.verb));
  }
  return globsIntersect(r, `arn:*:apigateway:*::/restapis/${m.api.pattern}/resources/${m.resource.pattern}/methods/${m.verb.pattern}`);
}

/** Two ids that may be the same: the same resource of the stack, or patterns that intersect (a resource's id is any value of its pattern). */
function sameId(a: IdPart, b: IdPart): boolean {
  if (a.ref !== undefined && b.ref !== undefined) return a.ref === b.ref;
  return globsIntersect(a.pattern, b.pattern);
}

/**
 * The partition, region, API id, resource id and verb of a method ARN as written, each whole text or one
 * interpolation; undefined when it is not written so (the `/` inside an interpolation does not split it).
 */
function methodIds(written: string): string[] | undefined {
  const m = /^arn:([^:]*):apigateway:([^:]*)::\/restapis\/(.*)$/.exec(written);
  if (!m) return undefined;
  const parts: string[] = [];
  let depth = 0;
  let cur = "";
  for (let k = 0; k < m[3].length; k++) {
    const c = m[3][k];
    if (c === "$" && m[3][k + 1] === "{") depth++;
    else if (c === "}" && depth > 0) depth--;
    if (c === "/" && depth === 0) {
      parts.push(cur);
      cur = "";
    } else cur += c;
  }
  parts.push(cur);
  if (parts.length !== 5 || parts[1] !== "resources" || parts[3] !== "methods") return undefined;
  return [m[1], m[2], parts[0], parts[2], parts[4]];
}

/** The node the door's caller comes to act as, and how messages name what it does there. */
function targetOf(ctx: EdgeContext, door: RoleDoor): { to: string; what: string } {
  const role = roleOfValue(ctx, door.role);
  const node = role ? ctx.analysis.byAddress.get(role) : undefined;
  if (!node) {
    return {
      to: ctx.unknown(`door-role:${door.via.address}`, door.unknown ?? `the role ${door.via.address} makes its service act as, which blastwall cannot resolve (it may hold any right)`),
      what: "a role blastwall cannot resolve",
    };
  }
  if (!door.scope) return { to: node.address, what: `${node.address} with any of its rights (blastwall cannot read which action ${door.via.address} calls)` };
  const db = door.database;
  if (db) {
    const what = `${node.address}, running the resolvers' SQL through the RDS Data API on ${db.clusterShown} as the database user of ${db.secretShown} (a DROP TABLE or a DELETE, as far as that user's grants go, which the plan does not show)`;
    return { to: ctx.scopedRoleId(node, door.scope, door.scopeName ?? door.scope.join(", "), door.via.address, databaseGrants(ctx, node, db)), what };
  }
  return { to: ctx.scopedRoleId(node, door.scope, door.scopeName ?? door.scope.join(", "), door.via.address), what: `${node.address}, calling ${door.scopeName ?? door.scope.join(", ")}` };
}

/**
 * The role's grants a RELATIONAL_DATABASE data source uses: its rds-data rights on the data source's cluster, and
 * only while it may read the secret (the Data API asks for secretsmanager:GetSecretValue on it; a secret policy or one
 * blastwall cannot see may grant it). A cluster or secret blastwall cannot read is `*`: any (fail closed).
 */
function databaseGrants(ctx: EdgeContext, role: PrincipalNode, db: DatabaseDoor): (g: Grant) => boolean {
  let readable: boolean | undefined;
  const readsSecret = () =>
    (readable ??= db.secretPolicy || (ctx.analysis.rightsOf(role.address).grants.get("secretsmanager:getsecretvalue") ?? []).some((g) => g.resources.some((r) => globsIntersect(r, db.secret, CI))));
  return (g) => !g.action.toLowerCase().startsWith("rds-data:") || (g.resources.some((r) => globsIntersect(r, db.cluster, CI)) && readsSecret());
}

/** A role door behind a closed user pool authorizer, and the login door that opens it (authorizers.ts `LoginDoor`). */
interface PoolDoor {
  readonly door: RoleDoor;
  readonly login: LoginDoor;
}

const poolDoorCache = new WeakMap<object, readonly PoolDoor[]>();

/** The stack's role doors behind closed user pool authorizers, read once per stack. */
function poolDoorsOf(stack: EdgeContext["stack"]): readonly PoolDoor[] {
  let out = poolDoorCache.get(stack);
  if (!out) poolDoorCache.set(stack, (out = roleDoorsOf(stack).flatMap((door) => (door.access.kind === "open" ? [] : (door.access.logins ?? []).map((login) => ({ door, login }))))));
  return out;
}

let loginActions: ReadonlySet<string> | undefined;

/**
 * A door behind a closed user pool authorizer is the principal's where it may make itself a user of the pool
 * (identity-pools.ts `loginWays`: its own grants, as the engine reads them): it gets a token the authorizer takes
 * with Cognito's public sign-in calls, which ask no IAM right (red-team round 157, F1).
 */
function poolDoorEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge): void {
  const doors = poolDoorsOf(ctx.stack);
  if (doors.length === 0) return;
  loginActions ??= new Set([...USER_POOL_LOGIN, USER_POOL_CLIENT, ...USER_POOL_LOGIN_PAIRS.flat()].map((a) => a.toLowerCase()));
  if (!ctx.holdsAny(p, loginActions)) return;
  const ways = identityPools().loginWays(loginContext(ctx, p));
  for (const { door, login } of doors) {
    const w = ways.find((x) => x.mine.has(login.pool));
    if (!w || !signed(ctx, door)) continue;
    const { to, what } = targetOf(ctx, door);
    const pool = login.pool.address;
    add(
      to,
      "hijack",
      `${w.action} (a user of ${pool}) on ${door.via.address}`,
      () =>
        `${grantText(w.g)} lets it make itself a user of ${pool} (${w.action}: create one with a password it chooses, set a user's password or e-mail, turn on self sign-up, or sign in through an identity provider it enables, points at an IdP of its own or links) and sign in with Cognito's public calls, which ask no IAM right; the authorizer of ${login.where} takes that user's token, so it passes, and the service acts as ${what} with a request the caller shapes. Close it: ${door.fix}, or take ${w.action} on ${pool} away, or ${login.fix}`,
      w.g.statement.source.address,
    );
  }
}

export function frontDoorEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge): void {
  const doors = roleDoorsOf(ctx.stack);
  if (doors.length === 0) return;
  poolDoorEdges(ctx, p, add);
  for (const door of doors) {
    if (!signed(ctx, door)) continue;
    const close = door.fix;
    if (door.access.kind === "open") {
      const { to, what } = targetOf(ctx, door);
      const text = door.access.text;
      const fix = door.access.fix;
      add(to, "hijack", `${door.access.label ?? "no auth"} on ${door.via.address}`, () => `anyone can use it, with no IAM right: ${text}; the service acts as ${what} with a request the caller shapes. Close it: ${fix}, or ${close}`, door.via.address, door.weak);
      continue;
    }
    // A Lambda authorizer may let anyone through: a weak link (a warning, an error under --strict); an IAM right to
    // the same door is a certain one beside it, and the graph keeps that.
    const lambda = door.access.lambda;
    if (lambda) {
      const { to, what } = targetOf(ctx, door);
      add(to, "hijack", `${lambda.label} on ${door.via.address}`, () => `whoever the authorizer lets through uses it, with no IAM right: ${lambda.text}; the service acts as ${what} with a request the caller shapes. Close it: ${lambda.fix}, or ${close}`, door.via.address, true);
    }
    if (door.access.kind === "iam" && !invokeDenied(ctx, p, door)) {
      const index = ctx.resourcesOf(apiTypes(door));
      const g = ctx.grants(p, door.invoke).find((x) =>
        x.resources.some((r) => {
          const named = index.referenced(x, r);
          if (named) return door.api !== undefined && named.includes(door.api);
          return globsIntersect(r, invokePattern(door), CI);
        }),
      );
      if (g) {
        const { to, what } = targetOf(ctx, door);
        const api = door.api?.address ?? "its API";
        add(to, "hijack", `${door.invoke} on ${door.via.address}`, () => `${grantText(g)} lets it call ${api}, whose ${door.via.address} makes the service act as ${what} with a request the caller shapes. Close it: ${close}, or take ${door.invoke} on ${api} away`, g.statement.source.address, door.weak);
      }
    }
    // TestInvokeMethod runs the integration whatever the method's auth, with no deployment.
    if (door.testInvoke) {
      const m = door.testInvoke;
      const g = ctx.grants(p, "apigateway:POST").find((x) => x.resources.some((r) => namesMethod(ctx, x, r, m)));
      if (g) {
        const { to, what } = targetOf(ctx, door);
        add(to, "hijack", `apigateway:POST (TestInvokeMethod) on ${door.via.address}`, () => `${grantText(g)} lets it test-invoke the method of ${door.via.address} (POST /restapis/ID/resources/ID/methods/VERB), which runs the integration with the caller's request and no method auth: the service acts as ${what}. Close it: ${close}, or take apigateway:POST on its method (.../restapis/ID/resources/ID/methods/VERB) away`, g.statement.source.address);
      }
    }
  }
}

/** Whether the roles that must sign the door's call for it to work (mcp-server-doors.ts) may: read once per door and graph. */
function signed(ctx: EdgeContext, door: RoleDoor): boolean {
  if (!door.signers) return true;
  let byDoor = signedCache.get(ctx);
  if (!byDoor) signedCache.set(ctx, (byDoor = new WeakMap()));
  let hit = byDoor.get(door);
  if (hit === undefined) {
    const principal = (v: unknown) => {
      const a = roleOfValue(ctx, v);
      return a === undefined ? undefined : ctx.analysis.byAddress.get(a);
    };
    byDoor.set(door, (hit = signersHold(ctx.stack, door.signers, principal, (p, action) => ctx.grants(p, action))));
  }
  return hit;
}

const signedCache = new WeakMap<EdgeContext, WeakMap<RoleDoor, boolean>>();

/**
 * Whether a Deny of the principal's own certainly refuses it the right to call through the door (red-team round 158,
 * F5), as a Deny is read on the routes into functions (rules/invoke-denies.ts): by pattern, in the partition the API's
 * region puts it in, and for a gateway by a reference to it (`${aws_bedrockagentcore_gateway.gw.gateway_arn}`). An
 * API's own ARN attribute is an `apigateway:` ARN, not the `execute-api:` one the right is on: not read as naming it.
 */
function invokeDenied(ctx: EdgeContext, p: PrincipalNode, door: RoleDoor): boolean {
  const denies = ownDenies(p);
  if (denies.length === 0) return false;
  const byRef = door.invoke === INVOKE_GATEWAY && door.api !== undefined;
  return deniedOnAll(ctx.stack, denies, door.invoke, [{ pattern: invokePattern(door), target: door.api, suffix: byRef ? "" : undefined }]);
}

/** Whether every action an edge label names (`sts:AssumeRole`, `iam:PassRole + lambda:CreateFunction`) is allowed; the PassRole check is on the signer, which holds it. */
export function labelInScope(label: string, allows: (action: string) => boolean): boolean {
  const actions = [...label.matchAll(/\b([a-z0-9-]+:[A-Za-z0-9*]+)/g)].map((m) => m[1]).filter((a) => a.toLowerCase() !== "iam:passrole");
  return actions.length > 0 && actions.every(allows);
}

/** An edge of the role's own, from the node of it as a service calls some actions with it. */
export function scopedEdge(from: string, e: ReachEdge): ReachEdge {
  return {
    from,
    to: e.to,
    label: e.label,
    ...(e.via !== undefined ? { via: e.via } : {}),
    ...(e.weak ? { weak: e.weak } : {}),
    get evidence() {
      return e.evidence;
    },
  };
}
