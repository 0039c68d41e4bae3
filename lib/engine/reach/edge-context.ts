/** What every edge family reads, built once per graph: the stack, its principals and trusts indexed, and the shared helpers. */
import type { Statement } from "../iam/types";
import type { EffectiveRights, Grant, PrincipalNode, StackAnalysis } from "../analysis-types";
import type { TfStack } from "../terraform/types";
import { globMatch, globsIntersect } from "../iam/glob";
import { PrincipalIndex } from "./principal-index";
import { resourceAccount } from "../terraform/providers";
import { serviceScope, type ServiceScope } from "./compute";
import { ResourceIndex } from "./resource-index";
import { hasLambdaPermissions, hasStoreResourcePolicies, lambdaPermissionGrantsTo, resourcePolicyGrantsTo } from "./resource-policy-grants";
import { UNKNOWN_PREFIX } from "./types";
import { naming, type Named } from "../describe";
import type { IdentityEdge } from "./identity-pools";
import type { LoginTrusts } from "./edges-assume";
import type { WebIdentityTrust } from "./edges-web-identity";
import { indexTrust, normaliseAccount } from "./trust-index";
import { grantIsHarmless, loadCatalogue } from "../catalogue";

/**
 * A user as the holder of credentials that work in some services only (an SSH key for CodeCommit, a service-specific
 * credential): a node of its own, whose edges and rights are the user's in those services (see
 * SERVICE_CREDENTIAL_ACTIONS). Its id names the user and the services: `aws_iam_user.ops (CodeCommit git only)`.
 */
export interface ScopedUser {
  readonly id: string;
  readonly user: PrincipalNode;
  readonly scope: ServiceScope;
  /**
   * A role a service assumes to call some actions for a caller (front-doors.ts): its requests are signed AWS
   * requests, so every edge of the role's whose actions are in the scope is the node's too (not only source writes).
   */
  readonly signs?: boolean;
  /** Which of the role's grants the service can use for the caller, beyond the scope's actions (the resources it calls); absent: all. */
  readonly grants?: (g: Grant) => boolean;
}

/** A trust statement that may admit through an identity provider; `providers` absent: through any. */
export interface FederatedTrust {
  readonly role: PrincipalNode;
  readonly statement: Statement;
  readonly providers?: readonly string[];
}

/**
 * What the edge families (edges-*.ts) read: the stack, its analysis, the graph's indexes of principals and trusts,
 * and the helpers they share. Built once per graph; it also holds the caches those helpers fill.
 */
export class EdgeContext {
  /** What each unknown node stands for, or how to write it (see `unknown`). */
  private readonly unknownDetail = new Map<string, string | Named | (() => string)>();
  readonly roles: PrincipalIndex;
  readonly users: PrincipalIndex;
  readonly groups: PrincipalIndex;
  readonly namedInTrust: Map<string, PrincipalNode[]>;
  /** Keys of `namedInTrust` that are patterns (computed names): each may name principals of other ARNs. */
  readonly trustPatterns: readonly string[];
  readonly openTrust: readonly PrincipalNode[];
  readonly openSet: ReadonlySet<PrincipalNode>;
  /** Roles whose trust names a role session ARN (`assumed-role/NAME/SESSION`). */
  readonly sessionTrusts: ReadonlySet<PrincipalNode>;
  /** The stack has resource policies on stores, which may grant reads on their own. */
  readonly storePolicies: boolean;
  /** The stack has Lambda permissions naming principals, which may grant function changes on their own. */
  readonly lambdaPermissions: boolean;

  constructor(readonly stack: TfStack, readonly analysis: StackAnalysis) {
    // Agents outside the stack start chains but are never the end of one: a policy naming such a role reaches a
    // principal whose own rights lie outside the stack (an unknown node), not the little this stack gives it.
    const of = (k: string) => analysis.principals.filter((p) => p.kind === k && !p.external);
    // Each principal in the account its own provider is pinned to (red-team round 90), not the default provider's.
    const account = (p: PrincipalNode) => this.accountOf(p);
    this.roles = new PrincipalIndex(of("role"), "role", account);
    this.users = new PrincipalIndex(of("user"), "user", account);
    this.groups = new PrincipalIndex(of("group"), "group", account);
    const trust = indexTrust(of("role"));
    this.namedInTrust = trust.named;
    this.trustPatterns = trust.patterns;
    this.openTrust = trust.open;
    this.openSet = new Set(trust.open);
    this.sessionTrusts = trust.sessions;
    this.storePolicies = hasStoreResourcePolicies(stack);
    this.lambdaPermissions = hasLambdaPermissions(stack);
  }

  private readonly accounts = new Map<PrincipalNode, string | undefined>();

  /**
   * The account a principal's own provider is pinned to (`resourceAccount`), read once per principal: the trust edges
   * ask it of each role a trust names, for every principal the role's trust names.
   */
  accountOf(p: PrincipalNode): string | undefined {
    if (this.accounts.has(p)) return this.accounts.get(p);
    const account = resourceAccount(this.stack, p.resource);
    this.accounts.set(p, account);
    return account;
  }

  readonly scopedUsers = new Map<string, ScopedUser>();

  /** The node of `user` as the holder of credentials for `services` (made on first use). */
  scopedUserId(user: PrincipalNode, services: readonly string[]): string {
    const scope = serviceScope(services);
    const id = `${user.address} (${scope.name} only)`;
    if (!this.scopedUsers.has(id)) this.scopedUsers.set(id, { id, user, scope });
    return id;
  }

  /**
   * The node of `role` as a service calls `actions` with it for the caller of `via` (front-doors.ts), made on first
   * use; `grants` keeps those of its grants the service can use (on the resources it calls).
   */
  scopedRoleId(role: PrincipalNode, actions: readonly string[], name: string, via: string, grants?: (g: Grant) => boolean): string {
    const id = `${role.address} (${name} only, as ${via} calls it)`;
    if (!this.scopedUsers.has(id)) {
      const patterns = actions.map((a) => a.toLowerCase());
      const scope: ServiceScope = { services: [...actions], name, allows: (action) => patterns.some((x) => globMatch(x, action.toLowerCase())) };
      this.scopedUsers.set(id, { id, user: role, scope, signs: true, ...(grants ? { grants } : {}) });
    }
    return id;
  }

  private readonly resourceIndexes = new Map<string, ResourceIndex>();

  /** Resources of these types with their ARN patterns, indexed once per graph. */
  resourcesOf(types: readonly string[]): ResourceIndex {
    // Callers pass the same few constant arrays for every principal: look those up before joining.
    let i = this.indexByList.get(types);
    if (i) return i;
    const key = types.join(",");
    i = this.resourceIndexes.get(key);
    if (!i) this.resourceIndexes.set(key, (i = new ResourceIndex(this.stack, types)));
    this.indexByList.set(types, i);
    return i;
  }

  private readonly indexByList = new WeakMap<readonly string[], ResourceIndex>();

  /**
   * The id of an unknown node; its detail is the first given, and one given as a function is written when first read
   * (with the statements it names: an evidence step shows it).
   */
  unknown(key: string, detail: string | Named | (() => string)): string {
    const id = `${UNKNOWN_PREFIX}${key}`;
    if (!this.unknownDetail.has(id)) this.unknownDetail.set(id, detail);
    return id;
  }

  /** What an unknown node stands for; undefined for an id no edge family made. */
  unknownDetailOf(id: string): string | undefined {
    return this.unknownNamedOf(id)?.text;
  }

  /** `unknownDetailOf` with the statements the text names. */
  unknownNamedOf(id: string): Named | undefined {
    const d = this.unknownDetail.get(id);
    if (d === undefined) return undefined;
    if (typeof d === "object") return d;
    const named = typeof d === "string" ? { text: d, statements: [] } : naming(d);
    this.unknownDetail.set(id, named);
    return named;
  }

  grants(p: PrincipalNode, action: string): readonly Grant[] {
    // An agent's own unreadable statements open paths too, reported with them: an acknowledgement of one unreadable
    // policy must not leave the paths of the next one unreported (red-team round 15).
    const a = lower(action);
    const all = this.rightsOf(p).grants.get(a) ?? NO_GRANTS;
    return all.length > 0 && narrowable(a) ? harmfulOnly(all) : all;
  }

  /**
   * Whether `grants` gives the principal any of `actions` (lower case). The catalogue lists some families walk hold
   * dozens of actions and most principals a few: testing the few it holds answers for the whole list at once.
   */
  holdsAny(p: PrincipalNode, actions: ReadonlySet<string>): boolean {
    const held = this.rightsOf(p).grants;
    if (held.size > actions.size) {
      for (const a of actions) if ((held.get(a)?.length ?? 0) > 0) return true;
      return false;
    }
    for (const a of held.keys()) if (actions.has(a) && held.get(a)!.length > 0) return true;
    return false;
  }

  private rightsOf(p: PrincipalNode): EffectiveRights {
    // The edge families ask about one principal some two hundred times in a row: look its rights up once.
    if (this.rightsFor !== p) {
      this.rights = this.analysis.rightsOf(p.address);
      this.rightsFor = p;
    }
    return this.rights!;
  }

  private rightsFor: PrincipalNode | undefined;
  private rights: EffectiveRights | undefined;

  /** Its own grants and those the stack's resource policies give it on the stores they guard (see resource-policy-grants.ts). */
  storeGrants(p: PrincipalNode, action: string): readonly Grant[] {
    const own = this.grants(p, action);
    if (!this.storePolicies) return own;
    const granted = resourcePolicyGrantsTo(this.stack, p, action);
    return granted.length === 0 ? own : [...own, ...granted];
  }

  /**
   * Its own grants and those the stack's Lambda permissions give it on their functions (see resource-policy-grants.ts):
   * for the compute edges, which change a function's code or configuration and so run as its role.
   */
  computeGrants(p: PrincipalNode, action: string): readonly Grant[] {
    const own = this.grants(p, action);
    if (!this.lambdaPermissions || !lower(action).startsWith("lambda:")) return own;
    const granted = lambdaPermissionGrantsTo(this.stack, p, action);
    return granted.length === 0 ? own : [...own, ...granted];
  }

  /**
   * Roles whose trust names the principal's ARN. A principal whose name is computed (`name_prefix`, a variable) may
   * be any ARN its pattern covers, and a trust naming a computed ARN may name any principal its pattern covers:
   * every trust where the two meet counts.
   */
  namedFor(pattern: string, external?: boolean): readonly PrincipalNode[] {
    return this.namedForKey(normaliseAccount(pattern), external);
  }

  /** `namedFor` of a pattern already through `normaliseAccount`. */
  namedForKey(key: string, external?: boolean): readonly PrincipalNode[] {
    const exact = this.namedInTrust.get(key) ?? NO_PRINCIPALS;
    const wide = wildcardFrom(key, "arn:*:iam::*:".length);
    if (!wide && this.trustPatterns.length === 0) return exact;
    const out = new Set(exact);
    const meet = (arn: string) => {
      if (globsIntersect(arn, key, { caseInsensitive: true })) for (const r of this.namedInTrust.get(arn) ?? []) out.add(r);
    };
    // An agent outside the stack whose name is known only at apply time is an agent only as a name the config
    // selects or another stack's agent (or a principal one can act as): a literal ARN a trust names is either such a
    // name itself, and its own outside agent here, or no agent, and the two cannot be one principal. Only names that
    // are themselves open may be it.
    if (wide && !external) for (const arn of this.namedInTrust.keys()) meet(arn);
    else for (const arn of this.trustPatterns) meet(arn);
    return [...out];
  }

  private readonly federated = new Map<string, FederatedTrust[]>();

  /**
   * Trust statements that may admit a principal federated through a provider of `kind` for `assume`: an Allow whose
   * principal is `Federated` (or `*`) with an identifier that may be such a provider, NotPrincipal, or unreadable
   * (those two admit through any provider).
   */
  federatedTrusts(kind: string, assume: string): readonly FederatedTrust[] {
    let out = this.federated.get(kind);
    if (out) return out;
    out = [];
    const ofKind = `arn:*:iam::*:${kind}/*`;
    const ci = { caseInsensitive: true };
    const acts = (s: Statement) => (s.actions ? s.actions.some((a) => globMatch(a, assume, ci)) : (s.notActions ?? []).every((a) => !globMatch(a, assume, ci)));
    for (const role of this.analysis.principals) {
      if (role.kind !== "role") continue;
      for (const s of role.trustPolicy?.statements ?? []) {
        if (s.unknown !== undefined || (s.effect === "Allow" && s.notPrincipals !== undefined && acts(s))) {
          out.push({ role, statement: s });
          continue;
        }
        if (s.effect !== "Allow" || !acts(s)) continue;
        const providers = (s.principals ?? [])
          .filter((ps) => ps.type === "Federated" || ps.type === "*")
          .flatMap((ps) => ps.identifiers.map((id) => (id === "*" ? "*" : normaliseAccount(id))))
          .filter((id) => globsIntersect(id, ofKind, ci));
        if (providers.length > 0) out.push({ role, statement: s, providers });
      }
    }
    this.federated.set(kind, out);
    return out;
  }

  /** Caches of the edge families, filled on first use (edges-assume.ts, edges-sessions.ts). */
  stackRoles: readonly PrincipalNode[] | undefined;
  publicLogins: readonly IdentityEdge[] | undefined;
  loginTrusts: LoginTrusts | undefined;
  /** Trust statements that may admit a web identity token, of any provider (edges-web-identity.ts). */
  webIdentityTrusts: readonly WebIdentityTrust[] | undefined;
  readonly assumable = new Map<string, ReadonlyMap<string, Named>>();
  /** Unknown compute nodes by action and pattern (edges-compute.ts). */
  readonly outsideCompute = new Map<string, Map<string, string>>();
  /** Whether a role's trust admits a service (edges-compute.ts). */
  readonly serviceTrust = new Map<PrincipalNode, Map<string, boolean>>();
}

const NO_GRANTS: readonly Grant[] = Object.freeze([]);

let narrowableActions: ReadonlySet<string> | undefined;

/** Whether the catalogue names conditions under which an Allow of the action (lower case) is harmless (built once). */
function narrowable(action: string): boolean {
  narrowableActions ??= new Set(loadCatalogue().entries.filter((e) => e.harmlessWhen).map((e) => e.action.toLowerCase()));
  return narrowableActions.has(action);
}

/**
 * The grants whose conditions do not certainly make them harmless (catalogue `harmlessWhen`, as the rules read them):
 * red-team round 128, `eks:AssociateAccessPolicy` limited by `eks:policyArn` to the view-only access policy was read
 * as making the agent an administrator of any cluster. A condition blastwall cannot read, or a wildcard, keeps the grant.
 */
function harmfulOnly(grants: readonly Grant[]): readonly Grant[] {
  const kept = grants.filter((g) => !(g.conditional && grantIsHarmless(g.action, g.statement.conditions)));
  return kept.length === grants.length ? grants : kept.length === 0 ? NO_GRANTS : kept;
}
const NO_PRINCIPALS: readonly PrincipalNode[] = Object.freeze([]);

/** Whether `s` holds `*` or `?` at or after `from` (asked for every principal: no copy, no expression). */
function wildcardFrom(s: string, from: number): boolean {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 42 || c === 63) return true;
  }
  return false;
}

const lowered = new Map<string, string>();

/** The reach tables ask for the same few dozen actions for every principal: lower-case each name once. */
function lower(action: string): string {
  let l = lowered.get(action);
  if (l === undefined) lowered.set(action, (l = action.toLowerCase()));
  return l;
}
