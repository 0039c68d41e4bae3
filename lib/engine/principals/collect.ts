/**
 * Every IAM principal of a stack (roles, users, groups) with every policy that reaches it: inline and
 * attached policies, permission boundaries, trust policies, and for users the policies of their groups.
 *
 * One pass builds the principals and their name indexes, one pass over the attachment resources hangs
 * policies on them, one pass over memberships passes group policies on to users: linear in the stack.
 *
 * Targets are resolved fail-closed:
 * - a reference to an in-stack principal (`${aws_iam_role.x.name}`, `.id`, `.arn`) or a literal name that
 *   matches one → that principal (a literal that only matches a computed name, `agent-*`, also reaches it,
 *   with a note);
 * - a literal name matching nothing in the stack → a principal elsewhere: ignored for attachments, but a
 *   user of this stack joining a group elsewhere gets an unknown document (the group's policies are unknown);
 * - anything unresolvable (`${var.x}` without a default, a function call) → an `UnresolvedAttachment`: the
 *   policy may reach any principal, agents included.
 */
import { providerDefaultTags } from "../agent-tags";
import type { AttachedPolicy, PeerMatch, PrincipalKind, PrincipalNode, UnresolvedAttachment } from "../analysis-types";
import type { Condition, PolicyDocument, Statement } from "../iam/types";
import { globMatch, globsIntersect } from "../iam/glob";
import { unknownDocument } from "../iam/policy-json";
import { INLINE_POLICY_MAX, MANAGED_POLICY_MAX, identityPolicyProblem } from "../iam/identity-validity";
import { UNREADABLE_CONDITION, isAwsManagedArn, normalisePartition, policyFromValue, showExpr, withVia } from "../terraform/policy-documents";
import { arnAccount, maySitIn, providerAccount, providerKeyOf, resourceAccount, sameProvider } from "../terraform/providers";
import { trustAdmitsCaller } from "../iam/trust";
import { PEER_READ_STORES } from "../reach/compute";
import { isObject } from "../terraform/stack";
import { evaluatedCount, evaluatedForEachSize } from "../terraform/meta-arguments";
import { hasDynamic } from "../reach/dynamic-blocks";
import { foreignPrincipalArns, hasInterpolation, principalPatterns, refTarget, remoteStateAt, resolveToPattern, unwrittenName } from "../terraform/tokens";
import { RESOURCE_POLICIES, resourcePolicyDocument, resourcePolicyValue } from "../resource-policies";
import { OutsideMentions, type AmbiguousMention, type OutsideAgent, type OutsideAgentTest } from "./outsiders";
import { agentOf } from "../agents";
import {
  ACCOUNT_ASSIGNMENT_TYPE,
  PERMISSION_SET,
  PERMISSION_SET_ACCOUNTS_NOTE,
  PERMISSION_SET_ARN,
  PERMISSION_SET_BOUNDARY_TYPE,
  PERMISSION_SET_POLICY_TYPES,
  permissionSetName,
  reservedRolePattern,
} from "./permission-sets";
import { USER_CREDENTIALS } from "../user-credentials";
import { AddressMap, type TfResource, type TfStack } from "../terraform/types";
import { targetHint } from "../terraform/configured-targets";
import { existenceSignature, INSTANCE, isSettable, namedInstance, settableArgumentWhy, settableDenyMark } from "../terraform/settable-providers";
import { certainListItems } from "../terraform/certain-list-items";
import { removalsOf, withAccount, resolved as resolvedPattern, type PeerRemoval } from "./peer-removals";

export interface CollectOptions {
  /** Why `r` is an AI agent (for the report), or undefined when it is not one. */
  readonly isAgent: (r: TfResource) => string | undefined;
  /** AWS managed policies by ARN (`arn:aws:iam::aws:policy/...`); undefined for one blastwall does not know. */
  readonly managed: (arn: string) => PolicyDocument | undefined;
  /**
   * Why a role or user outside the stack, known only by the name or ARN the stack gives (a policy attached by name,
   * a trust or resource policy naming its ARN), is an AI agent; undefined when it is not one.
   */
  readonly isOutsideAgent?: OutsideAgentTest;
}

export interface CollectResult {
  readonly principals: PrincipalNode[];
  readonly unresolved: UnresolvedAttachment[];
  /** See `AmbiguousMention`. */
  readonly ambiguous: readonly AmbiguousMention[];
}

const KIND_OF_TYPE: Readonly<Record<string, PrincipalKind>> = {
  aws_iam_role: "role",
  aws_iam_user: "user",
  aws_iam_group: "group",
};

/**
 * A principal as the rules see it. A class rather than a literal: every principal has the same fields (absent
 * ones undefined) and the trust policy is a lazy getter on the prototype, so the thousands of reads of principal
 * fields across the engine stay fast (an own accessor added per object would give each principal its own shape).
 */
class Principal implements PrincipalNode {
  readonly kind: PrincipalKind;
  readonly address: string;
  readonly resource: TfResource;
  readonly name: string;
  readonly arnPattern: string;
  readonly isAgent: boolean;
  readonly agentReason: string | undefined;
  readonly identityPolicies: readonly AttachedPolicy[];
  readonly boundary: AttachedPolicy | undefined;
  readonly groups: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly notes: readonly string[];
  readonly external: boolean;
  readonly peer: PeerMatch | undefined;
  private readonly readTrust: (() => PolicyDocument) | undefined;
  private trust: PolicyDocument | undefined;

  constructor(b: Builder) {
    this.kind = b.kind;
    this.address = b.resource.address;
    this.resource = b.resource;
    this.name = b.name;
    this.arnPattern = b.arnPattern;
    this.isAgent = b.agentReason !== undefined;
    this.agentReason = b.agentReason;
    this.identityPolicies = b.identity;
    this.boundary = b.boundary;
    this.groups = b.groups;
    this.tags = b.tags;
    this.notes = b.notes;
    this.external = b.external === true;
    this.peer = b.peer;
    this.readTrust = b.trust;
    this.trust = b.trustDoc;
  }

  /** Roles only: parsed on first use (most trust policies are never read). */
  get trustPolicy(): PolicyDocument | undefined {
    if (this.trust === undefined && this.readTrust) this.trust = this.readTrust();
    return this.trust;
  }
}

interface Builder {
  readonly kind: PrincipalKind;
  readonly resource: TfResource;
  readonly name: string;
  readonly nameExact: boolean;
  readonly arnPattern: string;
  readonly agentReason?: string;
  readonly identity: AttachedPolicy[];
  boundary?: AttachedPolicy;
  trust?: () => PolicyDocument;
  /** The trust, once something had to read it while collecting. */
  trustDoc?: PolicyDocument;
  /** A principal outside the stack, known by name (see `CollectOptions.isOutsideAgent`). */
  readonly external?: boolean;
  readonly peer?: PeerMatch;
  readonly groups: string[];
  readonly tags: Record<string, string>;
  readonly notes: string[];
}

/**
 * Principals of one kind, by address and by name (exact names in a map, computed names by literal prefix). IAM
 * does not tell names apart by case (`agent` and `AGENT` cannot both exist), so a name that differs only in case
 * may denote the principal too: it is a `maybe`.
 */
class KindIndex {
  readonly byAddress = new AddressMap<Builder>();
  private readonly byName = new Map<string, Builder[]>();
  private readonly byLowerName = new Map<string, Builder[]>();
  private readonly byPrefix = new Map<string, Builder[]>();
  private maxPrefix = -1;

  add(b: Builder): void {
    this.byAddress.set(b.resource.address, b);
    if (b.nameExact) {
      push(this.byName, b.name, b);
      push(this.byLowerName, b.name.toLowerCase(), b);
    } else {
      const cut = b.name.search(/[*?]/);
      const prefix = cut < 0 ? b.name : b.name.slice(0, cut);
      push(this.byPrefix, prefix.toLowerCase(), b);
      this.maxPrefix = Math.max(this.maxPrefix, prefix.length);
    }
  }

  /** In-stack principals a literal name may denote; `maybe` lists those only a computed name or another case matches. */
  lookup(name: string): { exact: readonly Builder[]; maybe: readonly Builder[] } {
    const exact = this.byName.get(name) ?? [];
    const maybe: Builder[] = [];
    const lower = name.toLowerCase();
    for (const b of this.byLowerName.get(lower) ?? []) if (b.name !== name) maybe.push(b);
    if (this.maxPrefix >= 0) {
      const upTo = Math.min(name.length, this.maxPrefix);
      for (let k = 0; k <= upTo; k++) {
        const bucket = this.byPrefix.get(lower.slice(0, k));
        if (!bucket) continue;
        for (const b of bucket) if (globMatch(b.name, name, { caseInsensitive: true })) maybe.push(b);
      }
    }
    return { exact, maybe };
  }
}

/**
 * An attached policy whose document is parsed on first use. Most principals of a large stack are never looked at
 * (only agents and what they reach are), so parsing every document up front would dominate the analysis.
 */
function lazyAttached(via: string, make: () => PolicyDocument): AttachedPolicy {
  return new Attached(via, make);
}

/** A policy document attached eagerly (already known). */
function attached(document: PolicyDocument, via: string): AttachedPolicy {
  return new Attached(via, undefined, document);
}

/** The document with each statement marked as one of the principal's own `inline_policy` blocks (`label`). */
function inlineLabelled(doc: PolicyDocument, label: string): PolicyDocument {
  return { ...doc, statements: doc.statements.map((st) => ({ ...st, source: { ...st.source, inlinePolicy: label } })) };
}

/** One class for every attached policy, lazy or not, so reads of `document` stay fast across thousands of them. */
class Attached implements AttachedPolicy {
  constructor(
    readonly via: string,
    private make: (() => PolicyDocument) | undefined,
    private doc?: PolicyDocument,
  ) {}

  get document(): PolicyDocument {
    if (this.doc === undefined) {
      this.doc = this.make!();
      this.make = undefined;
    }
    return this.doc;
  }
}

/** What a plan's configuration shows of an attachment's unknown target, as a clause for its finding (configured-targets.ts). */
function hintOf(att: TfResource, argument: string): string {
  const hint = targetHint(att, argument);
  return hint === undefined ? "" : `; ${hint}`;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

type Target =
  | {
      readonly kind: "found";
      readonly nodes: readonly Builder[];
      readonly maybe: readonly Builder[];
      readonly shown: string;
      /** Why some of `maybe` may not be it: its name (or path) `-var` can set otherwise. */
      readonly settable?: ReadonlyMap<Builder, string>;
    }
  | { readonly kind: "outside"; readonly name: string; readonly literal: string }
  | {
      readonly kind: "unresolved";
      readonly shown: string;
      /** What another checked stack's output it names is known to be, in part (`ops-*`): not any principal. */
      readonly pattern?: string;
    };

/** What a `permission_set_arn` names (see `Collector.resolvePermissionSet`); `why` says why the `maybe` ones may be it. */
type PermissionSetTarget =
  | { readonly kind: "found"; readonly nodes: readonly Builder[]; readonly maybe: readonly Builder[]; readonly why: string }
  | { readonly kind: "outside" }
  | { readonly kind: "unresolved"; readonly shown: string };

/** What a policy ARN stands for: an `aws_iam_policy` of the stack, a literal ARN of something else, or neither. */
type ArnResolution =
  | { readonly kind: "policy"; readonly policy: TfResource }
  | { readonly kind: "literal"; readonly arn: string }
  | { readonly kind: "unknown"; readonly reason: string; readonly at?: TfResource };

/**
 * How a policy reaches a principal, as far as exclusive managers care: an inline policy by name, or a managed
 * policy by ARN. `own` marks the role's own `inline_policy` / `managed_policy_arns`, which its own list keeps.
 */
type PolicyKey =
  | {
      readonly kind: "inline";
      readonly source: string;
      readonly own: boolean;
      readonly name: string | undefined;
      /** The names it may have (`*` where unknown, the generated ones for a name Terraform makes). */
      readonly namePattern: string;
      readonly policy: unknown;
    }
  | { readonly kind: "managed"; readonly source: string; readonly own: boolean; readonly arn: unknown; readonly holder: TfResource };
type InlineKey = Extract<PolicyKey, { kind: "inline" }>;
type ManagedKey = Extract<PolicyKey, { kind: "managed" }>;

/**
 * A resource that makes a principal's inline or attached policies exactly the ones it lists, removing the rest
 * on every apply. `keeps` holds what it certainly lists: `name:<name>` / `addr:<address>` for inline policies,
 * policy identities (see `policyIdentity`) for managed ones.
 */
interface ExclusiveManager {
  readonly address: string;
  readonly what: string;
  readonly own: boolean;
  readonly keeps: ReadonlySet<string>;
  /** Why its list keeps nothing certain: `-var` can set it otherwise (red-team round 163b, F2). */
  readonly settable?: string;
}

/** An `aws_iam_policy_attachment`: the only attachment of its policy in the account, to the principals it lists. */
interface ExclusiveAttachment {
  readonly address: string;
  /** Its policy (see `policyIdentity`); undefined when blastwall cannot tell which policy it is. */
  readonly policy: string | undefined;
  readonly targets: ReadonlySet<Builder>;
}

const MAX_CHASE = 10;

/** A customer managed policy ARN: account, path, name. */
const POLICY_ARN = /^arn:[^:]*:iam::([^:]*):policy(\/(?:.*\/)?)([^/]+)$/;

export function collectPrincipals(stack: TfStack, opts: CollectOptions): CollectResult {
  const c = new Collector(stack, opts);
  return c.run();
}

class Collector {
  private readonly index: Record<PrincipalKind, KindIndex> = {
    role: new KindIndex(),
    user: new KindIndex(),
    group: new KindIndex(),
    "permission-set": new KindIndex(),
  };
  private readonly builders: Builder[] = [];
  private readonly unresolved: UnresolvedAttachment[] = [];
  /** `aws_iam_policy` documents by address (without `via`). */
  private readonly policyDocs = new Map<string, PolicyDocument>();
  /** The accounts the stack's assignments give each permission set (`any` for one it cannot resolve); see permissionSetPolicies. */
  private readonly setAccounts = new Map<Builder, Set<string> | "any">();
  /** Attachment / membership resources whose `count` / `for_each` blastwall cannot read, with the expression. */
  private readonly mayNotExist = new Map<string, string>();
  /** In-stack `aws_iam_policy` resources by literal name, for literal customer-managed ARNs. */
  private policiesByName?: Map<string, TfResource[]>;
  /** Attached policies that an exclusive manager may take away again, with how they reach the principal. */
  private readonly keys = new Map<AttachedPolicy, PolicyKey>();
  private readonly inlineManagers = new Map<Builder, ExclusiveManager[]>();
  private readonly managedManagers = new Map<Builder, ExclusiveManager[]>();
  private readonly exclusiveAttachments: ExclusiveAttachment[] = [];
  /** Principals outside the stack that the stack names, gathered for `OutsideMentions.agents`. */
  private readonly outside: OutsideMentions | undefined;

  constructor(
    private readonly stack: TfStack,
    private readonly opts: CollectOptions,
  ) {
    this.outside = opts.isOutsideAgent ? new OutsideMentions(opts.isOutsideAgent, providerAccount(stack, "aws"), () => foreignPrincipalArns(stack)) : undefined;
  }

  run(): CollectResult {
    const s = this.stack;
    for (const type of ["aws_iam_role", "aws_iam_user", "aws_iam_group"]) {
      for (const r of s.byType.get(type) ?? []) {
        if (r.mode !== "managed") continue;
        const b = this.principal(r, KIND_OF_TYPE[type]);
        this.builders.push(b);
        this.index[b.kind].add(b);
      }
    }
    for (const r of s.byType.get(PERMISSION_SET) ?? []) {
      if (r.mode !== "managed") continue;
      const b = this.permissionSet(r);
      this.builders.push(b);
      this.index[b.kind].add(b);
    }
    for (const b of this.builders) this.ownPolicies(b);

    const each = (type: string, f: (r: TfResource) => void) => {
      for (const r of s.byType.get(type) ?? []) {
        if (r.mode !== "managed") continue;
        const e = existence(s, r);
        if (e === "no") continue;
        if (e !== "yes") this.mayNotExist.set(r.address, e.maybe);
        f(r);
      }
    };
    each("aws_iam_role_policy", (r) => this.inlineAttachment(r, "role", "role"));
    each("aws_iam_user_policy", (r) => this.inlineAttachment(r, "user", "user"));
    each("aws_iam_group_policy", (r) => this.inlineAttachment(r, "group", "group"));
    each("aws_iam_role_policy_attachment", (r) => this.arnAttachment(r, [["role", "role", false]]));
    each("aws_iam_user_policy_attachment", (r) => this.arnAttachment(r, [["user", "user", false]]));
    each("aws_iam_group_policy_attachment", (r) => this.arnAttachment(r, [["group", "group", false]]));
    each("aws_iam_policy_attachment", (r) =>
      this.arnAttachment(r, [
        ["roles", "role", true],
        ["users", "user", true],
        ["groups", "group", true],
      ]),
    );
    for (const kind of ["role", "user", "group"] as const) {
      each(`aws_iam_${kind}_policies_exclusive`, (r) => this.exclusiveResource(r, kind, "inline"));
      each(`aws_iam_${kind}_policy_attachments_exclusive`, (r) => this.exclusiveResource(r, kind, "managed"));
    }
    if (this.index["permission-set"].byAddress.size > 0 || PERMISSION_SET_POLICY_TYPES.some((t) => s.byType.has(t)) || s.byType.has(PERMISSION_SET_BOUNDARY_TYPE)) {
      this.permissionSetPolicies(each);
    }
    // Before group policies are handed on, so members inherit the same reading.
    this.applyInlineQuota();
    this.applyExclusiveManagers();

    // Group policies are complete now; pass them on to members.
    const groupPolicies = new Map<string, readonly AttachedPolicy[]>();
    for (const g of this.index.group.byAddress.values()) groupPolicies.set(g.resource.address, [...g.identity]);
    each("aws_iam_group_membership", (r) => this.groupMembership(r, groupPolicies));
    each("aws_iam_user_group_membership", (r) => this.userGroupMembership(r, groupPolicies));

    const principals: PrincipalNode[] = this.builders.map((b) => new Principal(b));
    if (this.outside) {
      this.mentionOutsiders(this.outside);
      for (const a of this.outside.agents(this.builders)) principals.push(new Principal(outsiderBuilder(a)));
    }
    return { principals, unresolved: this.unresolved, ambiguous: this.outside?.ambiguous ?? [] };
  }

  // ---------------------------------------------------------------------------------------------------
  // Agents outside the stack

  /**
   * What the stack says of principals outside it besides attachments: ARNs its trust and resource policies name, and
   * users it makes long-lived credentials for (a key is an agent's credential whatever else it holds).
   */
  private mentionOutsiders(outside: OutsideMentions): void {
    const name = (holder: string, doc: PolicyDocument) => {
      for (const st of doc.statements) {
        if (st.effect !== "Allow" || st.unknown !== undefined) continue;
        for (const p of st.principals ?? []) {
          if (p.type === "AWS") for (const id of p.identifiers) outside.named(undefined, id, holder);
        }
      }
    };
    // Other checked stacks' agents that hold a web identity token (asked of every role below, so gathered once).
    const holders = (this.stack.peerAgents ?? []).filter((x) => x.webIdentity !== undefined && x.actsFor === undefined);
    // Those that may assume roles by a grant of their own (gathered once, as above).
    const assumers = (this.stack.peerAgents ?? []).filter((x) => x.assumes !== undefined && x.assumes.length > 0);
    for (const b of this.builders) {
      if (b.kind !== "role" || !b.trust || !trustMayNamePrincipals(b.resource.values["assume_role_policy"])) continue;
      const trust = b.trust();
      const holder = `${b.resource.address}.assume_role_policy`;
      name(holder, trust);
      // A trust that admits anyone, or a principal known only at apply time, names no one, yet within one account it
      // lets another checked stack's agent assume the role with no permission of its own: each such agent that may
      // share the role's account is mentioned, so that it is judged here as it would be were it the stack's own.
      const open = trust.statements.filter(admitsUnnamed);
      if (open.length > 0) {
        const account = resourceAccount(this.stack, b.resource);
        // A principal an agent can act as adds a path only where the trust may shut the agent itself out (a condition
        // on who calls, a NotPrincipal); otherwise the agent is admitted directly, and naming each of its principals
        // again would repeat one path per principal (red-team round 48).
        // A Deny of the trust may shut the agent out too, leaving the principals it acts as.
        const mayShutOut = trust.statements.some((st) => st.effect === "Deny") || open.every((st) => st.notPrincipals !== undefined || st.conditions.some((c) => CALLER_KEYS.test(c.key)));
        const mayShare = (arn: string) => maySitIn(arn, account);
        // The agents the trust admits directly: a principal one of them acts as adds nothing, one of an agent in
        // another account (which the trust does not admit) does (red-team round 50).
        const admitted = new Set((this.stack.peerAgents ?? []).filter((p) => p.actsFor === undefined && mayShare(p.arnPattern)).map(agentOf));
        for (const peer of this.stack.peerAgents ?? []) {
          if (peer.actsFor !== undefined && !mayShutOut && admitted.has(agentOf(peer))) continue;
          if (!mayShare(peer.arnPattern)) continue;
          outside.named(peer.kind, peer.arnPattern, holder);
        }
      }
      // A trust of an account root (or of anyone) leaves the call to the caller's own sts:AssumeRole grant: another
      // checked stack's principal whose grant may name this role, and whom the trust may admit, is mentioned, and
      // edges-assume.ts reads that grant as it reads one of the stack's own (red-team round 178: a deploy role trusting
      // the account root was never tied to the agent of another stack allowed to assume it).
      if (assumers.length > 0 && trust.statements.some(leavesCallToCaller)) {
        const account = resourceAccount(this.stack, b.resource);
        const arn = account ? b.arnPattern.replace(/^(arn:[^:]*:iam::)\*:/, `$1${account}:`) : b.arnPattern;
        const admitted = assumers.filter(
          (peer) => peer.assumes!.some((a) => globsIntersect(a.pattern, arn, { caseInsensitive: true })) && trustAdmitsCaller(trust.statements, peer.arnPattern, arnAccount(peer.arnPattern)).length > 0,
        );
        // As for a trust of anyone above: a principal an agent acts as adds a path only where the trust may tell the
        // two apart (a Deny, a condition on who calls); else the agent's own grant is the path, named once.
        const mayTellApart = trust.statements.some((st) => st.effect === "Deny" || st.conditions.some((c) => CALLER_KEYS.test(c.key)));
        const direct = new Set(admitted.filter((p) => p.actsFor === undefined).map(agentOf));
        for (const peer of admitted) if (peer.actsFor === undefined || mayTellApart || !direct.has(agentOf(peer))) outside.named(peer.kind, peer.arnPattern, holder);
      }
      // A web identity token works with any account's provider of its issuer: a trust that may admit one lets in the
      // holder of another checked stack's agent's token, wherever that agent is. Each such agent is mentioned, and
      // edges-web-identity.ts decides whether its token fits (red-team round 77).
      if (holders.length > 0 && trust.statements.some(mayAdmitWebIdentity)) for (const peer of holders) outside.named(peer.kind, peer.arnPattern, holder);
    }
    // Another checked stack's principal that may read a secret or parameter this stack makes is mentioned by the store:
    // credentials.ts reads its grants there as it reads the stack's own, and ties it to a key the store holds (red-team
    // round 179: an agent reading another stack's stored access key was only an "outside the stack" warning).
    const readers = (this.stack.peerAgents ?? []).filter((x) => x.reads !== undefined && x.reads.length > 0);
    for (const type of readers.length > 0 ? PEER_READ_STORES : []) {
      const store = (this.stack.byType.get(type) ?? []).find((r) => r.mode === "managed");
      if (store !== undefined) for (const peer of readers) outside.named(peer.kind, peer.arnPattern, store.address);
    }
    // An identity pool or a cluster's identity provider config takes the token with no role's trust in between
    // (red-team round 81: another stack's agent never logged in to a cluster here).
    for (const type of ["aws_cognito_identity_pool", "aws_eks_identity_provider_config"]) {
      for (const r of holders.length > 0 ? (this.stack.byType.get(type) ?? []) : []) {
        if (r.mode !== "data") for (const peer of holders) outside.named(peer.kind, peer.arnPattern, r.address);
      }
    }
    for (const [type, attribute] of RESOURCE_POLICIES) {
      for (const r of this.stack.byType.get(type) ?? []) {
        // A policy may sit in a block (`details.policy` of a Multi-Region Access Point policy).
        const value = resourcePolicyValue(r, attribute);
        if (value === undefined || value === null || value === "") continue;
        name(r.address, resourcePolicyDocument(this.stack, r, attribute));
      }
    }
    for (const [type, { user }] of Object.entries(USER_CREDENTIALS)) {
      for (const r of this.stack.byType.get(type) ?? []) {
        if (r.mode !== "managed") continue;
        const t = this.resolveTarget("user", r.values[user]);
        if (t.kind === "outside") outside.attach("user", t.literal, undefined, r.address, resourceAccount(this.stack, r));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // Principals and what they carry themselves

  private principal(r: TfResource, kind: PrincipalKind): Builder {
    const pat = principalPatterns(this.stack, r);
    const tags: Record<string, string> = {};
    const addTags = (t: unknown) => {
      if (!isObject(t)) return;
      for (const [k, v] of Object.entries(t)) {
        if (typeof v === "string") tags[k] = v;
        else if (typeof v === "number" || typeof v === "boolean") tags[k] = String(v);
      }
    };
    addTags(providerDefaultTags(this.stack, r));
    addTags(r.values["tags_all"]);
    addTags(r.values["tags"]);
    const agentReason = this.opts.isAgent(r);
    return {
      kind,
      resource: r,
      name: pat.name,
      nameExact: pat.nameExact && !/[*?]/.test(pat.name),
      arnPattern: pat.arn,
      agentReason,
      identity: [],
      boundary: undefined,
      trust: undefined,
      groups: [],
      tags,
      notes: [],
    };
  }

  private ownPolicies(b: Builder): void {
    const r = b.resource;
    const v = r.values;
    if (b.kind === "role") {
      this.inlinePolicyBlocks(b);
      const mpa = v["managed_policy_arns"];
      if (mpa !== undefined && mpa !== null) {
        const via = `${r.address}.managed_policy_arns`;
        const list = Array.isArray(mpa) ? mpa : this.listFromToken(mpa);
        // Even an empty list is exclusive: the provider detaches every policy it does not name.
        this.addManager(this.managedManagers, b, {
          address: r.address,
          what: "managed_policy_arns",
          own: true,
          keeps: new Set((list ?? []).map((arn) => this.policyIdentity(arn, r)).filter((x): x is string => x !== undefined)),
        });
        if (list) {
          list.forEach((arn, i) => {
            const viaI = `${via}[${i}]`;
            const a = lazyAttached(viaI, () => coupledTo(this.documentForArn(arn, viaI, r), r));
            this.keys.set(a, { kind: "managed", source: r.address, own: true, arn, holder: r });
            b.identity.push(a);
          });
        } else {
          b.identity.push(attached(unknownDocument(r.address, `managed_policy_arns is ${showExpr(String(mpa))}, which blastwall cannot resolve`, via, r.constructPath), via));
        }
      }
      const arp = v["assume_role_policy"];
      if (arp !== undefined && arp !== null) {
        // Memoised on the builder: the principals are made before `mentionOutsiders` reads trusts, and must not
        // parse them a second time.
        b.trust = () =>
          (b.trustDoc ??= policyFromValue(this.stack, arp, {
            address: r.address,
            via: `${r.address}.assume_role_policy`,
            constructPath: r.constructPath,
            managed: this.opts.managed,
          }));
      }
    }
    if ((b.kind === "role" || b.kind === "user") && v["permissions_boundary"] !== undefined && v["permissions_boundary"] !== null) {
      const via = `${r.address}.permissions_boundary`;
      const pb = v["permissions_boundary"];
      this.setBoundary(b, coupledTo(this.documentForArn(pb, via, r), r), typeof pb === "string" ? showExpr(pb) : "(not a string)", via);
    }
  }

  private inlinePolicyBlocks(b: Builder): void {
    const r = b.resource;
    const ip = r.values["inline_policy"];
    // Terraform JSON's `dynamic` is an object of labels or a list of them (red-team round 91: the list form was missed).
    const dynamic = hasDynamic(r.values, "inline_policy");
    if (dynamic) {
      const via = `${r.address}.dynamic.inline_policy`;
      b.identity.push(attached(inlineLabelled(unknownDocument(r.address, `inline policies are built by a dynamic "inline_policy" block, which blastwall cannot read`, via, r.constructPath), 'dynamic "inline_policy"'), via));
    }
    // Any inline_policy block, even an empty one, makes the role the only keeper of its inline policies: the
    // provider deletes every other one on apply. Only names it certainly lists are kept.
    const blockList: unknown[] = ip === undefined || ip === null ? [] : Array.isArray(ip) ? ip : [ip];
    if (dynamic || blockList.length > 0) {
      const keeps = new Set<string>();
      for (const blk of blockList) {
        const n = isObject(blk) ? this.exactName(blk["name"]) : undefined;
        if (n !== undefined) keeps.add(`name:${n}`);
      }
      this.addManager(this.inlineManagers, b, { address: r.address, what: "inline_policy blocks", own: true, keeps });
    }
    if (ip === undefined || ip === null) return;
    if (!isObject(ip) && !Array.isArray(ip)) {
      const via = `${r.address}.inline_policy`;
      b.identity.push(attached(unknownDocument(r.address, `inline_policy is ${showExpr(String(ip))}, which blastwall cannot read`, via, r.constructPath), via));
      return;
    }
    const blocks: unknown[] = Array.isArray(ip) ? ip : [ip];
    blocks.forEach((blk, i) => {
      const via = `${r.address}.inline_policy[${i}]`;
      if (!isObject(blk)) {
        b.identity.push(attached(unknownDocument(r.address, `${via} is not a block`, via, r.constructPath), via));
        return;
      }
      // `inline_policy {}` with no policy only says "no inline policies besides these".
      if (blk["policy"] === undefined || blk["policy"] === null || blk["policy"] === "") return;
      const name = this.exactName(blk["name"]);
      const a = lazyAttached(via, () =>
        inlineLabelled(
          identityChecked(
            coupledTo(
              policyFromValue(this.stack, blk["policy"], {
                address: r.address,
                via,
                constructPath: r.constructPath,
                managed: this.opts.managed,
                measure: true,
              }),
              r,
            ),
            INLINE_POLICY_MAX.role,
          ),
          name !== undefined ? `inline_policy ${JSON.stringify(name)}` : `inline_policy[${i}]`,
        ),
      );
      this.keys.set(a, { kind: "inline", source: via, own: true, name: this.exactName(blk["name"]), namePattern: this.inlineNamePattern(blk, r), policy: blk["policy"] });
      b.identity.push(a);
    });
  }

  // ---------------------------------------------------------------------------------------------------
  // IAM Identity Center permission sets (see permission-sets.ts)

  private permissionSet(r: TfResource): Builder {
    const b = this.principal(r, "permission-set");
    const n = permissionSetName(this.stack, r);
    return { ...b, name: n.name, nameExact: n.exact, arnPattern: reservedRolePattern(n.name) };
  }

  /** The policies, boundaries and accounts the stack's Identity Center resources give its permission sets. */
  private permissionSetPolicies(each: (type: string, f: (r: TfResource) => void) => void): void {
    // The accounts the stack's assignments name, for messages and customerManagedReference only: assignments add up
    // across stacks, the console and sso:CreateAccountAssignment, so they prove where a set is, never where it is not
    // (red-team round 99: a grant on another account's admin role worked the day anyone assigned the set there). Its
    // reserved roles may be in any account.
    const all = [...this.index["permission-set"].byAddress.values()];
    const accounts = this.setAccounts;
    each(ACCOUNT_ASSIGNMENT_TYPE, (a) => {
      const t = this.resolvePermissionSet(a.values["permission_set_arn"]);
      const targets = t.kind === "found" ? [...t.nodes, ...t.maybe] : t.kind === "unresolved" ? all : [];
      const account = this.exactName(a.values["target_id"]);
      for (const b of targets) {
        const known = accounts.get(b);
        if (account === undefined || !/^\d{12}$/.test(account)) accounts.set(b, "any");
        else if (known === undefined) accounts.set(b, new Set([account]));
        else if (known !== "any") known.add(account);
      }
    });
    const elsewhere = "and other stacks, the console or sso:CreateAccountAssignment may assign it in any other, so it is judged as provisioned in any account";
    for (const b of all) {
      const a = accounts.get(b);
      const where =
        a === undefined
          ? "no aws_ssoadmin_account_assignment of this stack assigns it"
          : a === "any"
            ? "an aws_ssoadmin_account_assignment of this stack assigns it to an account blastwall cannot resolve"
            : `this stack assigns it to ${a.size > 1 ? "the accounts" : "the account"} ${[...a].sort().join(", ")}`;
      b.notes.push(`${PERMISSION_SET_ACCOUNTS_NOTE}${where}, ${elsewhere}`);
    }

    const inlineBy = new Map<Builder, TfResource[]>();
    each("aws_ssoadmin_permission_set_inline_policy", (att) => {
      let doc: PolicyDocument | undefined;
      const document = () =>
        (doc ??= identityChecked(
          policyFromValue(this.stack, att.values["inline_policy"], { address: att.address, via: att.address, constructPath: att.constructPath, managed: this.opts.managed, measure: true }),
          INLINE_POLICY_MAX["permission-set"],
        ));
      for (const b of this.attachToPermissionSet(att, document)) push(inlineBy, b, att);
    });
    each("aws_ssoadmin_managed_policy_attachment", (att) => {
      let doc: PolicyDocument | undefined;
      this.attachToPermissionSet(att, () => (doc ??= this.documentForArn(att.values["managed_policy_arn"], att.address, att)));
    });
    each("aws_ssoadmin_customer_managed_policy_attachment", (att) => {
      let doc: PolicyDocument | undefined;
      const sets = () => {
        const t = this.resolvePermissionSet(att.values["permission_set_arn"]);
        return t.kind === "found" ? [...t.nodes, ...t.maybe] : [];
      };
      this.attachToPermissionSet(att, () => (doc ??= this.customerManagedReference(att, att.values["customer_managed_policy_reference"], `${att.address}.customer_managed_policy_reference`, sets())));
    });
    // A permission set has one inline policy: two resources writing it undo each other on every apply.
    for (const [b, atts] of inlineBy) {
      if (atts.length < 2) continue;
      const why = `${atts.map((a) => a.address).join(" and ")} each write the one inline policy of ${b.resource.address}: each apply may undo the other`;
      b.notes.push(why);
      b.identity.forEach((a, i) => {
        if (atts.some((x) => x.address === a.via)) b.identity[i] = lazyAttached(a.via, () => uncertainDenies(a.document, "blastwall:exclusive", why));
      });
    }

    const boundaries = new Map<Builder, TfResource[]>();
    each(PERMISSION_SET_BOUNDARY_TYPE, (att) => {
      // A boundary that may sit on another permission set is not certainly this one's: it caps nothing here.
      const t = this.resolvePermissionSet(att.values["permission_set_arn"]);
      if (t.kind !== "found") return;
      for (const b of t.nodes) push(boundaries, b, att);
      for (const b of t.maybe) if (!t.nodes.includes(b)) b.notes.push(`${att.address} sets a permissions boundary on a permission set that may be this one (${t.why}), so it caps nothing here`);
    });
    for (const [b, atts] of boundaries) {
      const via = `${atts[0].address}.permissions_boundary`;
      if (atts.length > 1) {
        b.notes.push(`boundary: ${atts.map((a) => a.address).join(" and ")} each set the one permissions boundary of ${b.resource.address}, so which one holds is not known and none caps anything`);
        continue;
      }
      const e = this.mayNotExist.get(atts[0].address);
      if (e !== undefined) {
        b.notes.push(`boundary ${atts[0].address} ${e}, so it may not exist and caps nothing`);
        continue;
      }
      this.setBoundary(b, this.permissionSetBoundary(atts[0], via, b), atts[0].address, via);
    }

  }

  /** Hangs a policy on the permission set(s) an attachment names; returns those it certainly reaches. */
  private attachToPermissionSet(att: TfResource, getDocument: () => PolicyDocument): Builder[] {
    const document = () => this.existenceAdjusted(att, getDocument());
    const t = this.resolvePermissionSet(att.values["permission_set_arn"]);
    if (t.kind === "outside") return [];
    if (t.kind === "unresolved") {
      this.unresolved.push({
        address: att.address,
        detail: `${att.address} attaches a policy to the permission set ${t.shown} (permission_set_arn), which blastwall cannot resolve: it may reach any permission set, agents included${hintOf(att, "permission_set_arn")}`,
        document: document(),
      });
      return [];
    }
    for (const b of t.nodes) b.identity.push(lazyAttached(att.address, () => withVia(document(), att.address)));
    for (const b of t.maybe) {
      if (t.nodes.includes(b)) continue;
      // It may be another permission set: what it allows counts, what it denies cannot be relied on.
      b.identity.push(lazyAttached(att.address, () => uncertainDenies(withVia(document(), att.address), "blastwall:target", t.why)));
      b.notes.push(t.why);
    }
    return [...t.nodes];
  }

  /**
   * The permission set a `permission_set_arn` names: a reference to one of the stack's (`.arn`; `.id` is
   * "<permission set ARN>,<instance ARN>", which AWS refuses, so the attachment may be corrected and is counted as
   * uncertain), a data source reading one by name, or a literal ARN. AWS assigns a permission set's ARN, so a literal
   * ARN may be that of any of the stack's permission sets whose ARN is not known here.
   */
  private resolvePermissionSet(value: unknown): PermissionSetTarget {
    const index = this.index["permission-set"];
    const shownOriginal = () => (typeof value === "string" ? showExpr(value) : JSON.stringify(value) ?? "(nothing)");
    const unresolved = (): PermissionSetTarget => ({ kind: "unresolved", shown: shownOriginal() });
    let v = value;
    for (let step = 0; step < MAX_CHASE; step++) {
      if (typeof v !== "string") return unresolved();
      const t = refTarget(v);
      if (t) {
        if (t.kind === "resource") {
          const b = index.byAddress.get(t.address);
          if (b && t.path.length === 0 && t.attribute === "arn") return { kind: "found", nodes: [b], maybe: [], why: "" };
          if (b && t.path.length === 0 && t.attribute === "id") {
            return { kind: "found", nodes: [], maybe: [b], why: `${showExpr(v)} is "<permission set ARN>,<instance ARN>", not an ARN, which AWS refuses: use ${b.resource.address}.arn` };
          }
          if (typeOfAddress(t.address) === PERMISSION_SET) return unresolved();
        }
        if (t.kind === "var" || t.kind === "local") {
          const map = t.kind === "var" ? this.stack.variables : this.stack.locals;
          const name = t.address.slice(t.kind === "var" ? 4 : 6);
          if (!map.has(name) || t.attribute !== undefined) return unresolved();
          v = map.get(name);
          continue;
        }
        const r = t.kind === "resource" || t.kind === "data" ? this.stack.byAddress.get(t.address) : undefined;
        if (r && r.mode === "data" && r.type === PERMISSION_SET && (t.attribute === "arn" || t.attribute === "id") && t.path.length === 0) {
          if (typeof r.values["arn"] === "string") {
            v = r.values["arn"];
            continue;
          }
          // Names are unique within an instance: the lookup by name finds the stack's own permission set of that name.
          const n = this.exactName(r.values["name"]);
          if (n === undefined) return unresolved();
          const hit = index.lookup(n);
          // ...within the instance the data source names (red-team round 99: another instance's set of the same name
          // was taken for the agent, its boundary relied on): one of another instance is not it, and with either
          // instance unknown it only may be.
          const wanted = this.instanceOf(r.values["instance_arn"]);
          const nodes: Builder[] = [];
          const maybe: Builder[] = [...hit.maybe];
          for (const b of hit.exact) {
            const own = this.instanceOf(b.resource.values["instance_arn"]);
            if (wanted !== undefined && own !== undefined && wanted !== own) continue;
            (wanted !== undefined && own === wanted ? nodes : maybe).push(b);
          }
          for (let i = maybe.length - 1; i >= 0; i--) {
            const own = this.instanceOf(maybe[i].resource.values["instance_arn"]);
            if (wanted !== undefined && own !== undefined && wanted !== own) maybe.splice(i, 1);
          }
          if (nodes.length === 0 && maybe.length === 0) return { kind: "outside" };
          const where = wanted === undefined ? "in an instance blastwall cannot resolve" : `in ${wanted}`;
          return { kind: "found", nodes, maybe, why: `${r.address} reads the permission set named "${n}" ${where}, which may be this one` };
        }
        if (t.kind === "data" && t.attribute === "outputs" && remoteStateAt(this.stack, t.address)) {
          const rp = resolveToPattern(this.stack, v);
          if (!rp.exact) return unresolved();
          v = rp.pattern;
          continue;
        }
        if (r && t.attribute !== undefined && t.path.length === 0 && r.values[t.attribute] !== undefined && r.type !== PERMISSION_SET) {
          v = r.values[t.attribute];
          continue;
        }
        return unresolved();
      }
      let literal = v;
      if (hasInterpolation(v)) {
        const rp = resolveToPattern(this.stack, v);
        if (!rp.exact) return unresolved();
        literal = rp.pattern;
      }
      const m = PERMISSION_SET_ARN.exec(literal);
      // Not a permission set ARN: AWS refuses the call, and nothing is attached.
      if (!m) return { kind: "outside" };
      const nodes: Builder[] = [];
      const maybe: Builder[] = [];
      for (const b of index.byAddress.values()) {
        const arn = b.resource.values["arn"];
        if (typeof arn === "string" && !hasInterpolation(arn)) {
          if (arn === literal) nodes.push(b);
          continue;
        }
        const own = this.instanceOf(b.resource.values["instance_arn"]);
        if (own !== undefined && own !== m[1]) continue;
        maybe.push(b);
      }
      if (nodes.length === 0 && maybe.length === 0) return { kind: "outside" };
      return { kind: "found", nodes, maybe, why: `"${literal}" may be the ARN of this permission set, which AWS assigns and blastwall does not know (name it by reference, \${...arn})` };
    }
    return unresolved();
  }

  /** The instance id (`ssoins-...`) an `instance_arn` value names literally, if it does. */
  private instanceOf(value: unknown): string | undefined {
    const rp = typeof value === "string" ? resolveToPattern(this.stack, value) : undefined;
    return rp?.exact ? /^arn:[^:]*:sso:::instance\/(ssoins-[^/*?]+)$/.exec(rp.pattern)?.[1] : undefined;
  }

  /** The document of a permissions boundary attachment's `permissions_boundary` block. */
  private permissionSetBoundary(att: TfResource, via: string, set: Builder): PolicyDocument {
    const raw = att.values["permissions_boundary"];
    const blk = Array.isArray(raw) ? (raw.length === 1 ? raw[0] : undefined) : raw;
    if (!isObject(blk)) return unknownDocument(att.address, `permissions_boundary of ${att.address} cannot be read`, via, att.constructPath);
    const arn = blk["managed_policy_arn"];
    const ref = blk["customer_managed_policy_reference"];
    const hasRef = ref !== undefined && ref !== null && !(Array.isArray(ref) && ref.length === 0);
    if (arn !== undefined && arn !== null && arn !== "") {
      if (hasRef) return unknownDocument(att.address, `permissions_boundary of ${att.address} gives both managed_policy_arn and customer_managed_policy_reference, which AWS refuses`, via, att.constructPath);
      return this.documentForArn(arn, via, att);
    }
    if (hasRef) return this.customerManagedReference(att, ref, `${via}.customer_managed_policy_reference`, [set]);
    return unknownDocument(att.address, `permissions_boundary of ${att.address} names no policy`, via, att.constructPath);
  }

  /**
   * A `customer_managed_policy_reference { name, path }`: the policy of that name and path in each account the
   * permission set is provisioned in. The stack's own `aws_iam_policy` of that name and path is read when exactly one
   * may be it and the stack places neither it nor the set (`sets`, the ones the reference may be on) in an account:
   * a set may be provisioned in any account (its assignments add up across stacks), so a policy pinned to one
   * account is not the one of that name in the others, and one whose account is not known is not known to be in the
   * accounts the stack assigns the set to. Otherwise it is a policy blastwall cannot read, which may grant anything.
   */
  private customerManagedReference(holder: TfResource, raw: unknown, via: string, sets: readonly Builder[]): PolicyDocument {
    const blk = Array.isArray(raw) ? (raw.length === 1 ? raw[0] : undefined) : raw;
    const unknown = (why: string) => unknownDocument(holder.address, why, via, holder.constructPath);
    if (!isObject(blk)) return unknown(`${via} cannot be read, so the customer managed policy it names is unknown`);
    const nameRaw = blk["name"];
    const pathRaw = blk["path"] === undefined || blk["path"] === null ? "/" : blk["path"];
    const name = this.exactName(nameRaw);
    const path = this.exactName(pathRaw);
    const shown = `"${name ?? (typeof nameRaw === "string" ? showExpr(nameRaw) : "(not a string)")}" (path ${path !== undefined ? `"${path}"` : typeof pathRaw === "string" ? showExpr(pathRaw) : "(not a string)"})`;
    const elsewhere = "the policy of that name in each account the permission set is assigned to is managed outside this stack, and may grant anything";
    const ref = typeof nameRaw === "string" ? refTarget(nameRaw) : undefined;
    const named = ref && ref.kind === "resource" && ref.attribute === "name" && ref.path.length === 0 ? this.stack.byAddress.get(ref.address) : undefined;
    let policy: TfResource | undefined = named && named.mode === "managed" && named.type === "aws_iam_policy" ? named : undefined;
    if (policy === undefined) {
      if (name === undefined || path === undefined) return unknown(`${via} names the customer managed policy ${shown}, which blastwall cannot resolve: ${elsewhere}`);
      const candidates = (this.stack.byType.get("aws_iam_policy") ?? []).filter((p) => p.mode === "managed" && this.policyIs(p, name, path) !== "no");
      if (candidates.length !== 1) {
        return unknown(
          candidates.length === 0
            ? `${via} names the customer managed policy ${shown}, and no aws_iam_policy of this stack has that name and path: ${elsewhere}`
            : `${via} names the customer managed policy ${shown}, which ${candidates.length} aws_iam_policy resources of this stack may be (${candidates.map((p) => p.address).join(", ")}): blastwall cannot tell which one each account holds`,
        );
      }
      // One that only may have the name is not known to be the policy: if it is not, the one named is outside the stack.
      if (this.policyIs(candidates[0], name, path) === "maybe") {
        const c = candidates[0].address;
        return unknown(
          `${via} names the customer managed policy ${shown}, which ${c} may be, but blastwall cannot tell whether it is: its name or path is not known before ` +
            `apply (computed, a name_prefix, or the name of the existing policy an import or moved block brings to it). If it is not, ${elsewhere}. ` +
            `Name it in ${via} by reference (name = "\${${c}.name}"), or write the name and path of ${c} literally`,
        );
      }
      policy = candidates[0];
    } else if (path !== undefined && this.policyIs(policy, undefined, path) === "no") {
      return unknown(`${via} names ${policy.address} by its name but with the path "${path}", which that policy does not have: ${elsewhere}`);
    }
    const e = existence(this.stack, policy);
    if (e !== "yes") return unknown(`${via} names ${policy.address}, which ${e === "no" ? "is not created" : `may not be created (it ${e.maybe})`}: ${elsewhere}`);
    // Red-team round 99: a policy of the management account was read as the boundary of a set assigned to another.
    const pinned = resourceAccount(this.stack, policy);
    const assigned = [...new Set(sets.flatMap((b) => { const a = this.setAccounts.get(b); return a instanceof Set ? [...a] : []; }))].sort();
    const instead = "use an AWS managed policy, the same in every account, or the inline policy";
    if (pinned !== undefined) {
      const byStack = assigned.length > 0 ? ` (this stack assigns it to ${assigned.join(", ")}; assignments add up across stacks and the console)` : "";
      return unknown(
        `${via} names ${policy.address}, which this stack creates in the account ${pinned} only, but the permission set may be provisioned in any ` +
          `account${byStack}, and each account's own policy of that name applies there: elsewhere it is managed outside this stack and may grant anything (${instead})`,
      );
    }
    if (assigned.length > 0) {
      return unknown(
        `${via} names ${policy.address}, whose provider names no account, while this stack assigns the permission set to ${assigned.join(", ")}: the ` +
          `policy of that name there is not known to be ${policy.address}, and may grant anything (${instead})`,
      );
    }
    return withVia(this.policyDocument(policy), via);
  }

  /**
   * Whether an `aws_iam_policy` has the name (when given) and path: "yes" when both are written so, "maybe" when either
   * is known only at apply and may be so (see writtenOrGeneratedName), else "no".
   */
  private policyIs(p: TfResource, name: string | undefined, path: string): "yes" | "maybe" | "no" {
    const pp = p.values["path"];
    const ownPath = typeof pp === "string" ? resolveToPattern(this.stack, pp) : { pattern: "/", exact: true };
    if (!(ownPath.exact ? ownPath.pattern === path : globMatch(ownPath.pattern, path))) return "no";
    if (name === undefined) return ownPath.exact ? "yes" : "maybe";
    const own = this.writtenOrGeneratedName(p.values, p);
    if (!(own.exact ? own.pattern === name : globMatch(own.pattern, name))) return "no";
    return own.exact && ownPath.exact ? "yes" : "maybe";
  }

  /** A permissions boundary, unless it cannot be read (then it caps nothing, and a note says why). */
  private setBoundary(b: Builder, doc: PolicyDocument, shown: string, via: string): void {
    const unreadable = doc.statements.filter((s) => s.unknown !== undefined);
    if (doc.statements.length === 0 || unreadable.length === doc.statements.length) {
      b.notes.push(`boundary ${shown} cannot be read, so it caps nothing: ${unreadable[0]?.unknown ?? "it has no statements"}`);
      return;
    }
    // JSON text `-var` can write into (red-team round 174, F1/F2): a statement allowing everything may be added.
    const injected = doc.statements.find((s) => s.textInjection !== undefined)?.textInjection;
    if (injected !== undefined) {
      b.notes.push(`boundary ${shown} caps nothing: ${injected}; such a value may add an Allow of every action on every resource, so build the boundary with jsonencode() or the aws_iam_policy_document data source, or give the variable in a --var-file`);
      return;
    }
    if (unreadable.length > 0) b.notes.push(`boundary ${shown} has statements blastwall cannot read, which cap nothing: ${unreadable[0].unknown}`);
    b.boundary = attached(doc, via);
  }

  // ---------------------------------------------------------------------------------------------------
  // Attachments

  /** `aws_iam_{role,user,group}_policy`: a policy document written on the attachment. */
  private inlineAttachment(att: TfResource, arg: string, kind: PrincipalKind): void {
    let doc: PolicyDocument | undefined;
    const document = () =>
      (doc ??= identityChecked(
        policyFromValue(this.stack, att.values["policy"], {
          address: att.address,
          via: att.address,
          constructPath: att.constructPath,
          managed: this.opts.managed,
          measure: true,
        }),
        INLINE_POLICY_MAX[kind],
      ));
    const key: PolicyKey = { kind: "inline", source: att.address, own: false, name: this.exactName(att.values["name"]), namePattern: this.inlineNamePattern(att.values, att), policy: att.values["policy"] };
    this.attach(att, kind, arg, this.resolveTarget(kind, att.values[arg]), document, key);
  }

  /** `*_policy_attachment`: a policy by ARN, to one target or (for `aws_iam_policy_attachment`) lists of them. */
  private arnAttachment(att: TfResource, args: readonly (readonly [string, PrincipalKind, boolean])[]): void {
    let doc: PolicyDocument | undefined;
    const document = () => (doc ??= this.documentForArn(att.values["policy_arn"], att.address, att));
    const key: PolicyKey = { kind: "managed", source: att.address, own: false, arn: att.values["policy_arn"], holder: att };
    const exclusive = att.type === "aws_iam_policy_attachment" ? new Set<Builder>() : undefined;
    for (const [arg, kind, isList] of args) {
      const value = att.values[arg];
      if (value === undefined || value === null) continue;
      const targets = isList ? this.resolveTargets(kind, value) : [this.resolveTarget(kind, value)];
      for (const t of targets) {
        this.attach(att, kind, arg, t, document, key);
        if (exclusive && t.kind === "found") for (const n of t.nodes) exclusive.add(n);
      }
    }
    if (exclusive) this.exclusiveAttachments.push({ address: att.address, policy: this.policyIdentity(att.values["policy_arn"], att), targets: exclusive });
  }

  private attach(att: TfResource, kind: PrincipalKind, arg: string, t: Target, getDocument: () => PolicyDocument, key: PolicyKey): void {
    const document = () => this.existenceAdjusted(att, getDocument());
    switch (t.kind) {
      case "outside":
        // A principal elsewhere; when it is an agent, what this stack hands it is judged like an agent's own.
        if (kind === "role" || kind === "user") this.outside?.attach(kind, t.literal, lazyAttached(att.address, () => withVia(document(), att.address)), att.address, resourceAccount(this.stack, att));
        return;
      case "unresolved":
        this.unresolved.push({
          address: att.address,
          detail: `${att.address} attaches a policy to the ${kind} ${t.shown} (${arg}), which blastwall cannot resolve: it may reach any ${kind}, agents included${hintOf(att, arg)}`,
          document: document(),
          ...(t.pattern !== undefined ? { pattern: t.pattern } : {}),
        });
        return;
      case "found": {
        const viaDoc = () => withVia(document(), att.address);
        // What holds the Deny may exist exactly when the principal does (settable-providers.ts `existenceSignature`).
        const docFor = (b: Builder) => () => coupledTo(viaDoc(), b.resource);
        const push = (b: Builder, a: AttachedPolicy) => {
          this.keys.set(a, key);
          b.identity.push(a);
        };
        // The common case: one principal of the stack, certainly in the attachment's account.
        if (t.maybe.length === 0 && t.nodes.length === 1 && accountRelation(this.stack, att, t.nodes[0].resource) === "same") {
          push(t.nodes[0], lazyAttached(att.address, docFor(t.nodes[0])));
          return;
        }
        const { nodes, maybe, accounts } = this.inAttachmentAccount(att, kind, t.nodes, t.maybe);
        for (const b of nodes) push(b, lazyAttached(att.address, docFor(b)));
        for (const b of maybe) {
          if (nodes.includes(b)) continue;
          // It may be another principal: what it allows counts, what it denies cannot be relied on.
          const unsure = accounts.get(b);
          const settable = t.settable?.get(b);
          // Named with the principal's own name template, instance for instance (`"agent-${count.index}"`): certainly it.
          if (settable !== undefined && unsure === undefined && namedInstance(att, arg, this.stack.byAddress) === b.resource && accountRelation(this.stack, att, b.resource) === "same") {
            push(b, lazyAttached(att.address, docFor(b)));
            continue;
          }
          const why =
            unsure ??
            (settable !== undefined
              ? `${att.address} names the ${kind} ${t.shown} literally, and ${settable}, so it may not be this ${kind}: refer to it (${b.resource.address}.name)`
              : `${att.address} names the ${kind} ${t.shown}, which may not be this ${kind} (name ${b.name})`);
          push(b, lazyAttached(att.address, () => uncertainDenies(docFor(b)(), "blastwall:target", why)));
          b.notes.push(unsure ?? `${att.address} attaches a policy to the ${kind} named ${t.shown}, which may be this ${kind} (name ${b.name})`);
        }
        return;
      }
    }
  }

  /**
   * IAM names are per account: an attachment acts in the account of its provider, on the principal of that name
   * there. A principal of the stack whose provider is pinned to another account does not get it (the principal of
   * the same name in the attachment's account does, found here by name); one whose account cannot be told apart
   * from the attachment's (two providers, not both pinned) may or may not, so its Denies are not relied on.
   */
  private inAttachmentAccount(att: TfResource, kind: PrincipalKind, exact: readonly Builder[], maybe: readonly Builder[]): { nodes: Builder[]; maybe: Builder[]; accounts: Map<Builder, string> } {
    const out = { nodes: [] as Builder[], maybe: [] as Builder[], accounts: new Map<Builder, string>() };
    const place = (b: Builder, certain: boolean) => {
      const rel = accountRelation(this.stack, att, b.resource);
      if (rel === "other") return false;
      if (rel === "same" && certain) out.nodes.push(b);
      else if (!out.maybe.includes(b)) {
        out.maybe.push(b);
        if (rel === "unknown") {
          out.accounts.set(
            b,
            `${att.address} acts through the provider ${providerKeyOf(att)} and ${b.resource.address} through ${providerKeyOf(b.resource)}, which blastwall cannot tell to be one account (set allowed_account_ids on both), so it may attach to another principal of the name ${b.name}`,
          );
        }
      }
      return true;
    };
    for (const b of exact) {
      if (place(b, true)) continue;
      // In the attachment's account the name is another principal's: the stack's own of that name there, if any.
      const there = this.index[kind].lookup(b.name);
      for (const c of there.exact) if (c !== b) place(c, true);
      for (const c of there.maybe) if (c !== b) place(c, false);
    }
    for (const b of maybe) place(b, false);
    return out;
  }

  // ---------------------------------------------------------------------------------------------------
  // Exclusive managers: resources that remove every policy of a principal they do not list. A policy that
  // reaches the principal another way is removed on one apply and put back on the next, so its Denies cannot be
  // relied on; what it allows still counts.

  private addManager(map: Map<Builder, ExclusiveManager[]>, b: Builder, m: ExclusiveManager): void {
    const l = map.get(b);
    if (l) l.push(m);
    else map.set(b, [m]);
  }

  /** A name only when it resolves to one exact value. */
  private exactName(v: unknown): string | undefined {
    if (typeof v !== "string" || v === "") return undefined;
    const rp = resolveToPattern(this.stack, v);
    return rp.exact ? rp.pattern : undefined;
  }

  /**
   * The names an inline policy may have: its `name`, or without one what the provider makes (`name_prefix` or
   * `terraform-` and a unique id), for `holder`, the resource an import or moved block may bring an existing one to.
   */
  private inlineNamePattern(values: Record<string, unknown>, holder: TfResource): string {
    return this.writtenOrGeneratedName(values, holder).pattern;
  }

  /**
   * The name a resource gets from `name` / `name_prefix`, for a type the AWS provider names `terraform-...` with
   * neither: an empty one is none to the provider (it falls back to the prefix or makes one), and with neither the
   * name is tokens.ts's unwrittenName for `holder` (any name when an import or moved block brings an existing object
   * to it). What blastwall cannot resolve may be any name.
   */
  private writtenOrGeneratedName(values: Record<string, unknown>, holder: TfResource): { readonly pattern: string; readonly exact: boolean } {
    const none = (v: unknown) => v === undefined || v === null || v === "";
    const n = values["name"];
    if (!none(n)) return typeof n === "string" ? resolveToPattern(this.stack, n) : { pattern: "*", exact: false };
    const prefix = values["name_prefix"];
    if (!none(prefix)) return { pattern: typeof prefix === "string" ? `${resolveToPattern(this.stack, prefix).pattern}*` : "*", exact: false };
    return { pattern: unwrittenName(this.stack, holder), exact: false };
  }

  /** `aws_iam_{role,user,group}_policies_exclusive` / `..._policy_attachments_exclusive`. */
  private exclusiveResource(r: TfResource, kind: PrincipalKind, what: "inline" | "managed"): void {
    const listArg = what === "inline" ? "policy_names" : "policy_arns";
    const raw = r.values[listArg];
    const list = Array.isArray(raw) ? raw : this.listFromToken(raw);
    const keeps = new Set<string>();
    // A list `-var` can set otherwise (red-team round 163b, F2) keeps nothing certain: `-var` can drop the guard from it,
    // and the provider then deletes or detaches it.
    const settable = settableArgumentWhy(r, listArg);
    // Items a `concat([...], var.extra)` lists whatever `-var` sets stay certain (red-team round 165, F6).
    for (const x of settable === undefined ? (list ?? certainListItems(raw) ?? []) : (certainListItems(raw) ?? [])) {
      if (what === "managed") {
        const id = this.policyIdentity(x, r);
        if (id !== undefined) keeps.add(id);
        continue;
      }
      const t = refTarget(x);
      if (t && t.kind === "resource" && typeOfAddress(t.address) === `aws_iam_${kind}_policy` && t.attribute === "name" && t.path.length === 0) {
        keeps.add(`addr:${t.address}`);
      }
      const n = this.exactName(x);
      if (n !== undefined) keeps.add(`name:${n}`);
    }
    const m: ExclusiveManager = { address: r.address, what: listArg, own: false, keeps, ...(settable !== undefined ? { settable } : {}) };
    const target = this.resolveTarget(kind, r.values[`${kind}_name`]);
    // One it cannot place may manage any principal of its kind; so may one whose target `-var` can set otherwise.
    const under =
      target.kind === "unresolved" || isSettable(r.values, `${kind}_name`) ? [...this.index[kind].byAddress.values()]
      : target.kind === "found" ? [...target.nodes, ...target.maybe]
      : [];
    for (const b of under) this.addManager(what === "inline" ? this.inlineManagers : this.managedManagers, b, m);
    // The attachments resource also attaches what it lists (it syncs both ways): those policies grant the target.
    // Whether one is attached by it or only kept is not known, so its Denies are not relied on.
    if (what === "managed") {
      const why = `${r.address} lists this policy; whether it attaches it or only keeps it attached is not certain`;
      if (list === undefined) {
        if (raw === undefined || raw === null) return;
        this.unresolved.push({
          address: r.address,
          detail: `${r.address} attaches the policies of ${listArg} = ${JSON.stringify(raw)}, which blastwall cannot read: they may grant anything`,
          document: unknownDocument(r.address, `${listArg} of ${r.address} cannot be read`, r.address, r.constructPath),
        });
        return;
      }
      for (const x of list) {
        let doc: PolicyDocument | undefined;
        const document = () => (doc ??= uncertainDenies(this.documentForArn(x, r.address, r), "blastwall:exclusive-list", why));
        const key: PolicyKey = { kind: "managed", source: r.address, own: false, arn: x, holder: r };
        this.attach(r, kind, `${kind}_name`, target, document, key);
      }
    }
  }

  private applyExclusiveManagers(): void {
    const removals = this.removals();
    for (const b of this.builders) {
      const inline = this.inlineManagers.get(b) ?? [];
      const managed = this.managedManagers.get(b) ?? [];
      const peers = removals.length === 0 || b.kind === "permission-set" ? [] : removals.filter((r) => this.mayRemoveFrom(r, b));
      if (peers.length > 0) this.peerBoundary(b, peers);
      // Most principals have no manager and at most one inline policy: decided before building any list.
      if (inline.length === 0 && managed.length === 0 && peers.length === 0 && this.exclusiveAttachments.length === 0 && this.inlineKeyCount(b) < 2) continue;
      const keyed = b.identity.map((a) => this.keys.get(a));
      const inlineKeys = keyed.filter((k): k is InlineKey => k?.kind === "inline");
      b.identity.forEach((a, i) => {
        const key = keyed[i];
        if (!key) return;
        const why =
          (key.kind === "inline" ? this.inlineRemoval(b, key, inline, inlineKeys) : this.managedRemoval(b, key, managed)) ??
          (peers.length > 0 ? this.peerRemoval(b, key, peers) : undefined);
        if (why !== undefined) b.identity[i] = lazyAttached(a.via, () => uncertainDenies(a.document, "blastwall:exclusive", why));
      });
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // What other stacks of the run (and this stack's own import blocks) take away: see peer-removals.ts.

  /** The other stacks' removals, and this stack's own `import` blocks (two resources may manage one object here too). */
  private removals(): PeerRemoval[] {
    const own = this.stack.imports === undefined ? [] : removalsOf(this.stack, this.stack.name ?? this.stack.file).filter((r) => r.kind === "import");
    return [...(this.stack.peerRemovals ?? []), ...own];
  }

  /** The resource an `import` block of this stack imports into; undefined for another stack's (its addresses are its own). */
  private ownTo(r: PeerRemoval): TfResource | undefined {
    return r.kind === "import" && !(this.stack.peerRemovals ?? []).includes(r) ? this.stack.byAddress.get(r.to.replace(/\[[^\]]*\]$/, "")) : undefined;
  }

  /** Where a removal is said to be: in another stack, or this one. */
  private shownRemoval(r: PeerRemoval): string {
    return (this.stack.peerRemovals ?? []).includes(r) ? `${r.address} of stack ${r.stack}` : r.address;
  }

  /** Whether the removal may act on `b`: its principal (or, for an attachment or a policy import, any principal of its account). */
  private mayRemoveFrom(r: PeerRemoval, b: Builder): boolean {
    const account = resourceAccount(this.stack, b.resource);
    // IAM names are per account: a removal pinned to another account than `b`'s cannot touch it; one not pinned may.
    if (r.account !== undefined && account !== undefined && r.account !== account) return false;
    const named = (kind: string, name: string) => kind === b.kind && globsIntersect(name, b.name, { caseInsensitive: true });
    switch (r.kind) {
      case "manager":
        return named(r.principal, r.target.pattern);
      case "attachment":
        return true;
      case "inline":
        return named(r.principal, r.target.pattern);
      case "import": {
        if (r.type === "aws_iam_policy") return true;
        const m = /^aws_iam_(role|user|group)(_policy|_policy_attachment)?$/.exec(r.type);
        if (!m) return false;
        if (m[2] === undefined) return this.ownTo(r) !== b.resource && named(m[1], r.id.pattern);
        return named(m[1], splitId(r.id.pattern, m[2] === "_policy" ? ":" : "/")[0]);
      }
    }
  }

  /** A boundary whose policy (or role) another configuration imports may be rewritten: it caps nothing then. */
  private peerBoundary(b: Builder, peers: readonly PeerRemoval[]): void {
    if (!b.boundary) return;
    const value = b.resource.values["permissions_boundary"];
    const pattern = this.policyPattern(value, b.resource);
    const own = this.resolveArn(value, b.resource);
    for (const r of peers) {
      if (r.kind !== "import") continue;
      if (r.type === "aws_iam_policy" && (own.kind !== "policy" || this.ownTo(r) !== own.policy) && globsIntersect(r.id.pattern, pattern, { caseInsensitive: true })) {
        b.notes.push(`boundary ${showExpr(String(value))} caps nothing: ${this.importWhy(r, "the boundary policy", "policy document")}`);
        b.boundary = undefined;
        return;
      }
      if (/^aws_iam_(role|user)$/.test(r.type)) {
        b.notes.push(`boundary ${showExpr(String(value))} caps nothing: ${this.importWhy(r, b.resource.address, `${b.kind}, its permissions_boundary included`)}`);
        b.boundary = undefined;
        return;
      }
    }
  }

  private importWhy(r: Extract<PeerRemoval, { kind: "import" }>, what: string, writes: string): string {
    const id = r.id.exact ? `"${r.id.pattern}"` : "an id blastwall cannot resolve";
    return `${this.shownRemoval(r)} imports ${id} into ${r.to}, which may be ${what}: two configurations then manage one object and each apply writes its own ${writes}, so the last apply wins. Remove the import block, or manage the object in one stack only`;
  }

  /** Why another stack's inline policy resource of the same principal and name replaces (and on destroy deletes) `shown`. */
  private inlineOverwrite(r: Extract<PeerRemoval, { kind: "inline" }>, b: Builder, shown: string): string {
    const unresolved = (p: string) => (p === "*" ? "" : ` (${p.replace(/[*?]+/g, "{computed}")})`);
    const policy = r.name.exact ? `the inline policy "${r.name.pattern}"` : `an inline policy whose name blastwall cannot resolve${unresolved(r.name.pattern)}`;
    const to = r.target.exact ? `${r.principal} "${r.target.pattern}"` : `a ${r.principal} whose name blastwall cannot resolve${unresolved(r.target.pattern)}`;
    const put = `Put${r.principal[0].toUpperCase()}${r.principal.slice(1)}Policy`;
    return (
      `${this.shownRemoval(r)} writes ${policy} to ${to}, which may be ${shown} of ${b.resource.address}: ` +
      `IAM keeps one document per ${b.kind} and inline policy name and ${put} replaces it, so each apply of that stack puts its document in place of this one, ` +
      `and destroying that resource deletes it. Give each inline policy name one owner: rename one of the two, or write the policy in one stack only`
    );
  }

  /** The ARN pattern of a policy value, in this stack's terms (its account when the holder's provider is pinned). */
  private policyPattern(value: unknown, holder: TfResource): string {
    return withAccount(resolvedPattern(this.stack, value), resourceAccount(this.stack, holder)).pattern;
  }

  /** Why another stack's resource (or an import block here) may take the policy `key` away from `b`, if it may. */
  private peerRemoval(b: Builder, key: PolicyKey, peers: readonly PeerRemoval[]): string | undefined {
    if (key.kind === "inline") {
      const shown = key.name !== undefined ? `"${key.name}" (${key.source})` : `${key.source} (its name is not known)`;
      for (const r of peers) {
        if (r.kind === "manager" && r.what === "inline") {
          if (key.name !== undefined && r.keeps?.includes(key.name.toLowerCase())) continue;
          return `${this.shownRemoval(r)} keeps only the inline policies its policy_names list on ${b.resource.address}, which do not certainly include ${shown}: each apply of that stack deletes it again. List it there, or remove that resource`;
        }
        if (r.kind === "inline") {
          if (!globsIntersect(r.name.pattern, key.namePattern, { caseInsensitive: true })) continue;
          return this.inlineOverwrite(r, b, shown);
        }
        if (r.kind !== "import") continue;
        if (r.type === `aws_iam_${b.kind}_policy` && (key.name === undefined || globsIntersect(splitId(r.id.pattern, ":")[1], key.name, { caseInsensitive: true }))) {
          if (this.ownTo(r)?.address === key.source) continue;
          return this.importWhy(r, `the inline policy ${shown}`, "policy document");
        }
        if (r.type === `aws_iam_${b.kind}` && key.own) return this.importWhy(r, b.resource.address, `${b.kind}, its inline policies included`);
      }
      return undefined;
    }
    const pattern = this.policyPattern(key.arn, key.holder);
    const exact = !/[*?]/.test(pattern);
    const shown = `the policy ${key.source} attaches (${pattern.replace(/[*?]+/g, "{computed}")})`;
    const own = this.resolveArn(key.arn, key.holder);
    for (const r of peers) {
      switch (r.kind) {
        case "manager":
          if (r.what !== "managed" || (exact && r.keeps?.includes(pattern.toLowerCase()))) continue;
          return `${this.shownRemoval(r)} keeps only the policies its policy_arns list attached to ${b.resource.address}, which do not certainly include ${shown}: each apply of that stack detaches it again. List it there, or remove that resource`;
        case "attachment": {
          if (!globsIntersect(r.policy.pattern, pattern, { caseInsensitive: true })) continue;
          if (b.nameExact && r.holders.some((h) => h.principal === b.kind && h.name.exact && h.name.pattern.toLowerCase() === b.name.toLowerCase())) continue;
          return `${this.shownRemoval(r)} is an aws_iam_policy_attachment, the only attachment its policy (${r.policy.pattern.replace(/[*?]+/g, "{computed}")}) may have in the account, and it does not certainly list ${b.resource.address}: each apply of that stack detaches ${shown} again. ` +
            `In that stack, replace it with an aws_iam_role_policy_attachment (user, group) per principal it lists, which attaches the policy without detaching it from anyone else` +
            (r.policy.exact ? "" : `, or name its policy so that blastwall can tell it from this one (a literal name, or none: the name Terraform generates is terraform-...)`);
        }
        case "import": {
          if (r.type === "aws_iam_policy") {
            if (own.kind === "policy" && this.ownTo(r) === own.policy) continue;
            if (globsIntersect(r.id.pattern, pattern, { caseInsensitive: true })) return this.importWhy(r, shown, "policy document");
            continue;
          }
          if (r.type === `aws_iam_${b.kind}_policy_attachment`) {
            if (this.ownTo(r)?.address === key.source) continue;
            if (globsIntersect(splitId(r.id.pattern, "/")[1], pattern, { caseInsensitive: true })) return this.importWhy(r, `the attachment by ${key.source}`, "attachment (another policy_arn replaces it)");
            continue;
          }
          if (r.type === `aws_iam_${b.kind}` && key.own) return this.importWhy(r, b.resource.address, `${b.kind}, its managed_policy_arns included`);
        }
      }
    }
    return undefined;
  }

  /**
   * IAM's quota on a principal's inline policies together (whitespace not counted): when those blastwall can measure
   * already exceed it, some put fails, and which one is not known, so none of their Denies is relied on.
   */
  private applyInlineQuota(): void {
    for (const b of this.builders) {
      if (this.inlineKeyCount(b) < 2) continue;
      const inline = b.identity.filter((a) => this.keys.get(a)?.kind === "inline");
      const max = INLINE_POLICY_MAX[b.kind];
      let why: string | undefined | null = null;
      const verdict = (): string | undefined => {
        if (why !== null) return why;
        let total = 0;
        for (const a of inline) total += a.document.minLength ?? 0;
        return (why = total > max ? `the inline policies of ${b.resource.address} have at least ${total} characters together (whitespace not counted), over IAM's quota of ${max} per ${b.kind}: some would not be created` : undefined);
      };
      b.identity.forEach((a, i) => {
        if (!inline.includes(a)) return;
        const wrapped = lazyAttached(a.via, () => {
          const w = verdict();
          return w === undefined ? a.document : uncertainDenies(a.document, "blastwall:invalid", w);
        });
        this.keys.set(wrapped, this.keys.get(a)!);
        b.identity[i] = wrapped;
      });
    }
  }

  private inlineKeyCount(b: Builder): number {
    let n = 0;
    for (const a of b.identity) if (this.keys.get(a)?.kind === "inline") n++;
    return n;
  }

  /** Why an inline policy may be deleted or rewritten by something else, or undefined when nothing does. */
  private inlineRemoval(b: Builder, key: InlineKey, managers: readonly ExclusiveManager[], all: readonly InlineKey[]): string | undefined {
    const shown = key.name !== undefined ? `"${key.name}" (${key.source})` : `${key.source} (its name is not known)`;
    for (const m of managers) {
      if (m.own && key.own) continue;
      // A name `-var` can set otherwise is not certainly the one the list names.
      const byName = key.name !== undefined && m.keeps.has(`name:${key.name}`) && !isSettable(this.stack.byAddress.get(key.source)?.values, "name");
      if (m.keeps.has(`addr:${key.source}`) || byName) continue;
      if (m.settable !== undefined) return `${m.address} keeps only the inline policies its ${m.what} name, and ${m.settable}, so it may not name ${shown}: Terraform then deletes it on apply. Write ${m.what} without that variable and list it there, or remove ${m.address}`;
      return `${m.address} keeps only the inline policies its ${m.what} name, which do not certainly include ${shown}: Terraform deletes it again on apply. List it there, or remove ${m.address}`;
    }
    if (key.name === undefined) return undefined;
    for (const o of all) {
      if (o.source === key.source || o.name !== key.name) continue;
      if (JSON.stringify(o.policy) === JSON.stringify(key.policy)) continue;
      return `${o.source} writes another document to the inline policy "${key.name}" of ${b.resource.address}: each apply may undo the other`;
    }
    return undefined;
  }

  /** Why an attached policy may be detached by something else, or undefined when nothing does. */
  private managedRemoval(b: Builder, key: ManagedKey, managers: readonly ExclusiveManager[]): string | undefined {
    const id = this.policyIdentity(key.arn, key.holder);
    const shown = `the policy ${key.source} attaches${id !== undefined ? ` (${id})` : ""}`;
    for (const m of managers) {
      if (m.own && key.own) continue;
      if (id !== undefined && m.keeps.has(id)) continue;
      if (m.settable !== undefined) return `${m.address} keeps only the policies its ${m.what} name attached to ${b.resource.address}, and ${m.settable}, so it may not name ${shown}: Terraform then detaches it on apply. Write ${m.what} without that variable and list it there, or remove ${m.address}`;
      return `${m.address} keeps only the policies its ${m.what} name attached to ${b.resource.address}, which do not certainly include ${shown}: Terraform detaches it again on apply. List it there, or remove ${m.address}`;
    }
    for (const x of this.exclusiveAttachments) {
      if (x.address === key.source || x.targets.has(b)) continue;
      if (id !== undefined && x.policy !== undefined && x.policy !== id) continue;
      return `${x.address} is an aws_iam_policy_attachment, the only attachment its policy may have, and it does not attach it to ${b.resource.address}: Terraform detaches ${shown} again on apply. Replace it with an aws_iam_role_policy_attachment (user, group) per principal it lists`;
    }
    return undefined;
  }

  /**
   * Which policy an ARN value names, for comparing attachments: the address of the stack's `aws_iam_policy`, or
   * the literal ARN; undefined when it cannot be resolved.
   */
  private policyIdentity(value: unknown, holder: TfResource): string | undefined {
    const r = this.resolveArn(value, holder);
    return r.kind === "policy" ? r.policy.address : r.kind === "literal" ? r.arn : undefined;
  }

  // ---------------------------------------------------------------------------------------------------
  // Memberships

  private groupMembership(m: TfResource, groupPolicies: ReadonlyMap<string, readonly AttachedPolicy[]>): void {
    const group = this.resolveTarget("group", m.values["group"]);
    const users = m.values["users"] === undefined ? [] : this.resolveTargets("user", m.values["users"]);
    for (const u of users) this.join(m, u, group, groupPolicies);
  }

  private userGroupMembership(m: TfResource, groupPolicies: ReadonlyMap<string, readonly AttachedPolicy[]>): void {
    const user = this.resolveTarget("user", m.values["user"]);
    const groups = m.values["groups"] === undefined ? [] : this.resolveTargets("group", m.values["groups"]);
    for (const g of groups) this.join(m, user, g, groupPolicies);
  }

  private join(m: TfResource, user: Target, group: Target, groupPolicies: ReadonlyMap<string, readonly AttachedPolicy[]>): void {
    if (user.kind === "outside") {
      const outside = this.outside;
      if (!outside) return;
      if (group.kind === "found") {
        for (const g of [...group.nodes, ...group.maybe]) {
          const via = `${g.resource.address} via ${m.address}`;
          for (const p of groupPolicies.get(g.resource.address) ?? []) outside.attach("user", user.literal, lazyAttached(via, () => this.existenceAdjusted(m, withVia(p.document, via))), m.address, resourceAccount(this.stack, m));
        }
      } else {
        const shown = group.kind === "outside" ? `"${group.name}"` : group.shown;
        const doc = unknownDocument(m.address, `${m.address} adds this user to the group ${shown}, whose policies blastwall cannot see`, m.address, m.constructPath);
        outside.attach("user", user.literal, attached(doc, m.address), m.address, resourceAccount(this.stack, m));
      }
      return;
    }
    if (user.kind === "unresolved") {
      if (group.kind === "found") {
        for (const g of [...group.nodes, ...group.maybe]) {
          for (const p of groupPolicies.get(g.resource.address) ?? []) {
            this.unresolved.push({
              address: m.address,
              detail: `${m.address} adds the user ${user.shown}, which blastwall cannot resolve, to ${g.resource.address}: its policies may reach any user, agents included`,
              document: p.document,
            });
          }
        }
      } else {
        const shown = group.kind === "outside" ? `"${group.name}"` : group.shown;
        this.unresolved.push({
          address: m.address,
          detail: `${m.address} adds the user ${user.shown} to the group ${shown}; neither can be read, so any user may gain unknown policies`,
          document: unknownDocument(m.address, `${m.address} adds an unresolvable user to the group ${shown}, whose policies are unknown`, m.address, m.constructPath),
        });
      }
      return;
    }
    // IAM names are per account, as for attachments: the membership joins the user and group of those names in its
    // provider's account (red-team round 57's rule, which memberships had not followed).
    const users = this.inAttachmentAccount(m, "user", user.nodes, user.maybe);
    const groups = group.kind === "found" ? { shown: group.shown, ...this.inAttachmentAccount(m, "group", group.nodes, group.maybe) } : undefined;
    const members = [...users.nodes, ...users.maybe.filter((u) => !users.nodes.includes(u))];
    for (const u of members) {
      const userUnsure = users.nodes.includes(u) ? undefined : (users.accounts.get(u) ?? `${m.address} names the user ${user.shown}, which may not be this user`);
      if (userUnsure) u.notes.push(users.accounts.get(u) ?? `${m.address} names the user ${user.shown}, which may be this user (name ${u.name})`);
      if (groups) {
        for (const g of [...groups.nodes, ...groups.maybe.filter((x) => !groups.nodes.includes(x))]) {
          const ga = g.resource.address;
          if (!u.groups.includes(ga)) u.groups.push(ga);
          if (!g.groups.includes(u.resource.address)) g.groups.push(u.resource.address);
          const groupUnsure = groups.nodes.includes(g) ? undefined : (groups.accounts.get(g) ?? `${m.address} names the group ${groups.shown}, which may not be ${ga}`);
          if (groupUnsure) u.notes.push(groups.accounts.get(g) ?? `${m.address} names the group ${groups.shown}, which may be ${ga} (name ${g.name})`);
          const uncertain = userUnsure ?? groupUnsure;
          for (const p of groupPolicies.get(ga) ?? []) {
            const via = `${ga} via ${m.address}${p.via !== ga ? ` (${p.via})` : ""}`;
            if (u.identity.some((x) => x.via === via && x.document.address === p.document.address)) continue;
            const doc = this.existenceAdjusted(m, withVia(p.document, via));
            u.identity.push(attached(uncertain ? uncertainDenies(doc, "blastwall:target", uncertain) : doc, via));
          }
        }
      } else {
        const shown = group.kind === "outside" ? `"${group.name}"` : group.shown;
        const why =
          group.kind === "outside"
            ? `${m.address} adds this user to the group ${shown}, which is not in this stack, so its policies are unknown`
            : `${m.address} adds this user to the group ${shown}, which blastwall cannot resolve, so its policies are unknown`;
        u.identity.push(attached(unknownDocument(m.address, why, m.address, m.constructPath), m.address));
      }
    }
  }

  /**
   * A resource whose `count` / `for_each` cannot be read may not exist: what it grants still counts (fail
   * closed), but its Denies cannot be relied on, so they are marked with a condition (a conditional Deny
   * removes nothing).
   */
  private existenceAdjusted(r: TfResource, doc: PolicyDocument): PolicyDocument {
    const why = this.mayNotExist.get(r.address);
    if (why !== undefined) return uncertainDenies(doc, "blastwall:exists", `${r.address} ${why}`);
    // An attachment whose `count`, target or policy `-var` can change (red-team round 162b, F3): its Denies may not apply.
    // The document itself is judged, statement by statement, where it is read (policyFromValue, documentForArn).
    // A document `r` holds itself (an inline policy), or read through `r`'s own argument, was marked where it was read,
    // with `r`'s own existence: asking it again gave the same reason twice (red-team round 166, F2).
    const judged = doc.address === r.address || doc.statements.some((st) => st.conditions.some((c) => c.holder === r.address)) ? OWN_DOCUMENT_JUDGED : DOCUMENT_ARGUMENTS;
    const settable = settableDenyMark(r, undefined, judged, this.stack.byAddress);
    return settable === undefined ? doc : uncertainDenies(doc, "blastwall:settable", settable.why, settable.existsWith);
  }

  // ---------------------------------------------------------------------------------------------------
  // Resolving targets and policy ARNs

  /** One principal given by name, id, ARN, or a reference to one. */
  private resolveTarget(kind: PrincipalKind, value: unknown): Target {
    let v = value;
    // Only the error paths show the value; most targets resolve, so it is not formatted up front.
    const shownOriginal = () => (typeof value === "string" ? showExpr(value) : JSON.stringify(value) ?? "(nothing)");
    for (let step = 0; step < MAX_CHASE; step++) {
      if (typeof v !== "string") return { kind: "unresolved", shown: shownOriginal() };
      const t = refTarget(v);
      if (t) {
        if (t.kind === "resource") {
          // The common case first: a reference to a principal of the stack.
          const b = this.index[kind].byAddress.get(t.address);
          if (b) return { kind: "found", nodes: [b], maybe: [], shown: t.address };
          if (KIND_OF_TYPE[typeOfAddress(t.address)] === kind) return { kind: "unresolved", shown: shownOriginal() };
        }
        if (t.kind === "var" || t.kind === "local") {
          const map = t.kind === "var" ? this.stack.variables : this.stack.locals;
          const name = t.address.slice(t.kind === "var" ? 4 : 6);
          if (!map.has(name) || t.attribute !== undefined) return { kind: "unresolved", shown: shownOriginal() };
          v = map.get(name);
          continue;
        }
        if (t.kind === "data" && t.attribute === "outputs" && remoteStateAt(this.stack, t.address)) {
          // Another checked stack's output (a cdktf cross-stack reference): its value, resolved there. One known there
          // only in part (no name given, a prefix) is as unresolved as any other computed name.
          const r = resolveToPattern(this.stack, v);
          if (!r.exact) return { kind: "unresolved", shown: shownOriginal(), pattern: r.pattern };
          v = r.pattern;
          continue;
        }
        if (t.kind === "resource" || t.kind === "data") {
          const r = this.stack.byAddress.get(t.address);
          if (!r || t.attribute === undefined || t.path.length > 0) return { kind: "unresolved", shown: shownOriginal() };
          // `data.aws_iam_role.x.arn` and the like: the lookup's `name` names it.
          const next = r.values[t.attribute] ?? (r.mode === "data" && KIND_OF_TYPE[r.type] === kind ? r.values["name"] : undefined);
          if (next === undefined) return { kind: "unresolved", shown: shownOriginal() };
          v = next;
          continue;
        }
        return { kind: "unresolved", shown: shownOriginal() };
      }
      let literal = v;
      if (hasInterpolation(v)) {
        const r = resolveToPattern(this.stack, v);
        if (!r.exact) return { kind: "unresolved", shown: shownOriginal() };
        literal = r.pattern;
      }
      const name = principalNameOf(literal, kind);
      const hit = this.index[kind].lookup(name);
      if (hit.exact.length === 0 && hit.maybe.length === 0) return { kind: "outside", name, literal };
      // A literal name matched against one `-var` can set otherwise (red-team round 163b, F5): then it names another
      // principal, or none, so what is attached by it may not reach this one.
      const settable = new Map<Builder, string>();
      for (const b of hit.exact) {
        const why = settableArgumentWhy(b.resource, "name") ?? (literal.startsWith("arn:") ? settableArgumentWhy(b.resource, "path") : undefined);
        if (why !== undefined) settable.set(b, why);
      }
      if (settable.size > 0) return { kind: "found", nodes: hit.exact.filter((b) => !settable.has(b)), maybe: [...hit.maybe, ...settable.keys()], shown: `"${name}"`, settable };
      return { kind: "found", nodes: hit.exact, maybe: hit.maybe, shown: `"${name}"` };
    }
    return { kind: "unresolved", shown: shownOriginal() };
  }

  /** A list of principals (`roles`, `users`, `groups`): a list of names/references, or a token for one. */
  private resolveTargets(kind: PrincipalKind, value: unknown): Target[] {
    if (Array.isArray(value)) return value.map((x) => this.resolveTarget(kind, x));
    if (typeof value === "string") {
      const t = refTarget(value);
      if (t && t.kind === "resource" && t.splat && KIND_OF_TYPE[typeOfAddress(t.address)] === kind) {
        const b = this.index[kind].byAddress.get(t.address);
        if (b) return [{ kind: "found", nodes: [b], maybe: [], shown: t.address }];
      }
      const list = this.listFromToken(value);
      if (list) return list.map((x) => this.resolveTarget(kind, x));
      return [{ kind: "unresolved", shown: showExpr(value) }];
    }
    return [{ kind: "unresolved", shown: JSON.stringify(value) ?? "(nothing)" }];
  }

  /** `${var.x}` / `${local.y}` whose literal value is a list. */
  private listFromToken(value: unknown): unknown[] | undefined {
    let v = value;
    for (let step = 0; step < MAX_CHASE; step++) {
      if (Array.isArray(v)) return v;
      const t = refTarget(v);
      if (!t || (t.kind !== "var" && t.kind !== "local") || t.attribute !== undefined) return undefined;
      const map = t.kind === "var" ? this.stack.variables : this.stack.locals;
      const name = t.address.slice(t.kind === "var" ? 4 : 6);
      if (!map.has(name)) return undefined;
      v = map.get(name);
    }
    return undefined;
  }

  /** The document a policy ARN (literal, or a reference to an `aws_iam_policy`) stands for. Never undefined. */
  private documentForArn(value: unknown, via: string, holder: TfResource): PolicyDocument {
    // A policy ARN `-var` can change (a boundary or attachment read from a variable): its Denies may not apply.
    const settable = settableDenyMark(holder, value, undefined, this.stack.byAddress);
    const doc = this.documentForArnAsRead(value, via, holder);
    return settable === undefined ? doc : uncertainDenies(doc, "blastwall:settable", settable.why, settable.existsWith);
  }

  private documentForArnAsRead(value: unknown, via: string, holder: TfResource): PolicyDocument {
    const r = this.resolveArn(value, holder);
    if (r.kind === "policy") {
      // A policy that may not be created is no boundary and no sure grant (OpenTofu makes the reference null).
      const e = existence(this.stack, r.policy);
      if (e !== "yes") return unknownDocument(r.policy.address, `${r.policy.address} ${e === "no" ? "is not created (lifecycle.enabled = false or count = 0)" : `may not be created (it ${e.maybe})`}`, via, r.policy.constructPath);
      return withVia(this.policyDocument(r.policy), via);
    }
    if (r.kind === "literal") return this.documentForLiteralArn(r.arn, via, holder);
    const address = r.at?.address ?? holder.address;
    return unknownDocument(address, r.reason, via, address === holder.address ? holder.constructPath : undefined);
  }

  /** Follows a policy ARN through variables, locals and references to an in-stack policy or a literal ARN. */
  private resolveArn(value: unknown, holder: TfResource): ArnResolution {
    const unknown = (reason: string, at?: TfResource): ArnResolution => ({ kind: "unknown", reason, at });
    // Only the error paths show the value; most ARNs resolve, so it is not formatted up front.
    const shownOriginal = () => (typeof value === "string" ? showExpr(value) : JSON.stringify(value) ?? "(nothing)");
    let v = value;
    for (let step = 0; step < MAX_CHASE; step++) {
      if (typeof v !== "string") return unknown(`policy ARN ${shownOriginal()} is not a string`);
      const t = refTarget(v);
      if (t) {
        const r = t.kind === "resource" || t.kind === "data" ? this.stack.byAddress.get(t.address) : undefined;
        if (r && r.mode === "managed" && r.type === "aws_iam_policy" && (t.attribute === "arn" || t.attribute === "id")) {
          return { kind: "policy", policy: r };
        }
        if (t.kind === "var" || t.kind === "local") {
          const map = t.kind === "var" ? this.stack.variables : this.stack.locals;
          const name = t.address.slice(t.kind === "var" ? 4 : 6);
          if (!map.has(name) || t.attribute !== undefined) {
            return unknown(`policy ARN is ${shownOriginal()}, which ${t.kind === "var" ? "has no default value blastwall can read" : "blastwall cannot resolve"}`);
          }
          v = map.get(name);
          continue;
        }
        if (r && t.attribute !== undefined && t.path.length === 0) {
          if (r.mode === "data" && r.type === "aws_iam_policy" && (t.attribute === "arn" || t.attribute === "id")) {
            if (r.values["arn"] !== undefined) {
              v = r.values["arn"];
              continue;
            }
            const what = typeof r.values["name"] === "string" ? `policy "${r.values["name"]}"` : "an existing policy";
            return unknown(`${r.address} reads ${showExpr(what)} from the account, which blastwall cannot read`, r);
          }
          if (r.values[t.attribute] !== undefined) {
            v = r.values[t.attribute];
            continue;
          }
        }
        return unknown(`policy ARN is ${shownOriginal()}, which blastwall cannot resolve`);
      }
      let arn = v;
      if (hasInterpolation(v)) {
        const rp = resolveToPattern(this.stack, v);
        // `arn:${data.aws_partition.p.partition}:iam::aws:policy/X` where the provider's region, so the partition, is
        // not written: an AWS managed policy has its name in every partition, and is read by it (as a literal GovCloud
        // or China ARN of one is).
        const managedAnyPartition = rp.unresolved.length === 0 && /^arn:\*:iam::aws:policy\/[^*?]+$/.test(rp.pattern);
        if (!rp.exact && !managedAnyPartition) return unknown(`policy ARN is ${shownOriginal()}, which blastwall cannot resolve`);
        arn = managedAnyPartition ? rp.pattern.replace(/^arn:\*:/, "arn:aws:") : rp.pattern;
      }
      const own = this.stackPolicyOfArn(arn, holder);
      return own ? { kind: "policy", policy: own } : { kind: "literal", arn };
    }
    return unknown(`policy ARN ${shownOriginal()} refers through too many references`);
  }

  /** A literal ARN that is not one of the stack's policies (see `stackPolicyOfArn`). */
  private documentForLiteralArn(arn: string, via: string, holder: TfResource): PolicyDocument {
    if (isAwsManagedArn(arn)) {
      const doc = this.opts.managed(arn) ?? (normalisePartition(arn) !== arn ? this.opts.managed(normalisePartition(arn)) : undefined);
      if (doc) return withVia(doc, via);
      return unknownDocument(arn, `${arn} is not an AWS managed policy blastwall knows`, via);
    }
    const m = POLICY_ARN.exec(arn);
    if (!m) {
      return unknownDocument(holder.address, `"${arn}" is not an IAM policy ARN`, via, holder.constructPath);
    }
    const pinned = this.pinnedAccount(holder);
    if (m[1] !== "" && pinned !== undefined && m[1] !== pinned) {
      return unknownDocument(arn, `${arn} is a customer managed policy of account ${m[1]}, not of the account ${pinned} this stack deploys to, which blastwall cannot read`, via);
    }
    return unknownDocument(arn, `${arn} is a customer managed policy outside this stack, which blastwall cannot read`, via);
  }

  /**
   * The stack's own `aws_iam_policy` a literal ARN names, by name and path. An ARN of another account than the
   * one the provider is pinned to never names one: AWS refuses to attach it, so the policy of the same name here
   * is not what the principal gets.
   */
  private stackPolicyOfArn(arn: string, holder: TfResource): TfResource | undefined {
    if (isAwsManagedArn(arn)) return undefined;
    const m = POLICY_ARN.exec(arn);
    if (!m) return undefined;
    const [, account, path, name] = m;
    const pinned = this.pinnedAccount(holder);
    if (account !== "" && pinned !== undefined && account !== pinned) return undefined;
    const candidates = (this.policyIndex().get(name) ?? []).filter((p) => {
      const pp = typeof p.values["path"] === "string" ? (p.values["path"] as string) : "/";
      return hasInterpolation(pp) || pp === path;
    });
    return candidates.length === 1 ? candidates[0] : undefined;
  }

  /** The account the provider of `r` is literally pinned to, if any. */
  private pinnedAccount(r: TfResource): string | undefined {
    return providerAccount(this.stack, providerKeyOf(r));
  }

  private policyIndex(): Map<string, TfResource[]> {
    if (!this.policiesByName) {
      this.policiesByName = new Map();
      for (const p of this.stack.byType.get("aws_iam_policy") ?? []) {
        if (p.mode !== "managed") continue;
        const n = p.values["name"];
        if (typeof n !== "string") continue;
        const rp = resolveToPattern(this.stack, n);
        if (rp.exact) push(this.policiesByName, rp.pattern, p);
      }
    }
    return this.policiesByName;
  }

  /** An in-stack `aws_iam_policy`'s document, parsed once. */
  private policyDocument(r: TfResource): PolicyDocument {
    let d = this.policyDocs.get(r.address);
    if (!d) {
      d = identityChecked(
        policyFromValue(this.stack, r.values["policy"], {
          address: r.address,
          constructPath: r.constructPath,
          managed: this.opts.managed,
          measure: true,
        }),
        MANAGED_POLICY_MAX,
      );
      this.policyDocs.set(r.address, d);
    }
    return d;
  }
}

/**
 * Whether a resource block creates anything: "no" for a `count` of 0 or an empty `for_each`, "yes" without them or
 * with non-zero ones, else `{ maybe }` naming the expression. An expression counts when it is a reference blastwall
 * resolves or one the HCL evaluator computes from variable values and literal locals (meta-arguments.ts).
 */
export function existence(stack: TfStack, r: TfResource): "yes" | "no" | { readonly maybe: string } {
  const e = existenceWhy(stack, r);
  return e === "yes" ? e : "no" in e ? "no" : e;
}

/**
 * `existence`, with what makes a resource certainly absent ("has count = 0"), for a finding that must say why a
 * resource written in the stack does not count.
 */
export function existenceWhy(stack: TfStack, r: TfResource): "yes" | { readonly no: string } | { readonly maybe: string } {
  // OpenTofu's `lifecycle { enabled = false }` (1.11+): the resource is not created, and references to it are null.
  const enabled = r.lifecycle?.["enabled"];
  if (enabled !== undefined && enabled !== null && enabled !== true) {
    const shown = typeof enabled === "string" ? showExpr(enabled) : JSON.stringify(enabled);
    if (enabled === false) return { no: "has lifecycle.enabled = false" };
    const rp = typeof enabled === "string" ? resolveToPattern(stack, enabled) : undefined;
    if (rp?.exact && rp.pattern === "false") return { no: `has lifecycle.enabled = ${enabled === "false" ? "false" : `${shown}, which is false`}` };
    if (!(rp?.exact && rp.pattern === "true")) return { maybe: `has lifecycle.enabled = ${shown}` };
  }
  const count = r.values["count"];
  if (count !== undefined && count !== null) {
    if (typeof count === "number") return count > 0 ? "yes" : { no: `has count = ${count}` };
    if (typeof count === "string") {
      const rp = resolveToPattern(stack, count);
      if (rp.exact && /^\d+$/.test(rp.pattern)) return Number(rp.pattern) > 0 ? "yes" : { no: `has count = ${rp.pattern === count ? count : `${showExpr(count)}, which is ${rp.pattern}`}` };
      // A conditional or a function over variables (`${var.on ? 1 : 0}`), as the HCL reader evaluates it.
      const n = evaluatedCount(stack, count);
      if (n !== undefined) return n > 0 ? "yes" : { no: `has count = ${showExpr(count)}, which is ${n}` };
      return { maybe: `has count = ${showExpr(count)}` };
    }
  }
  let fe = r.values["for_each"];
  if (fe !== undefined && fe !== null) {
    const shown = typeof fe === "string" ? showExpr(fe) : "";
    for (let step = 0; step < MAX_CHASE && typeof fe === "string"; step++) {
      const t = refTarget(fe);
      if (!t || (t.kind !== "var" && t.kind !== "local") || t.attribute !== undefined) break;
      const map = t.kind === "var" ? stack.variables : stack.locals;
      const name = t.address.slice(t.kind === "var" ? 4 : 6);
      if (!map.has(name)) break;
      fe = map.get(name);
    }
    const empty = { no: shown === "" ? "has an empty for_each" : `has for_each = ${shown}, which is empty` };
    if (Array.isArray(fe)) return fe.length > 0 ? "yes" : empty;
    if (isObject(fe)) return Object.keys(fe).length > 0 ? "yes" : empty;
    const size = typeof fe === "string" ? evaluatedForEachSize(stack, fe) : undefined;
    if (size !== undefined) return size > 0 ? "yes" : empty;
    return { maybe: `has for_each = ${shown}` };
  }
  return "yes";
}

/** A role/user/group name from a literal: the name itself, or the last part of its ARN. */
function principalNameOf(literal: string, kind: PrincipalKind): string {
  const m = /^arn:[^:]*:iam::[^:]*:(role|user|group)\/(?:.*\/)?([^/]+)$/.exec(literal);
  if (m && m[1] === kind) return m[2];
  return literal;
}

/** The resource type of an address, past any module path: `module.m["k"].aws_iam_role.r[0]` -> `aws_iam_role`. */
function typeOfAddress(address: string): string {
  const parts = (address.includes("[") ? address.replace(/\[[^\]]*\]/g, "") : address).split(".");
  let i = 0;
  while (parts[i] === "module") i += 2;
  if (parts[i] === "data") i++;
  return parts[i] ?? "";
}

/** The document, its Denies not relied on when IAM would certainly refuse to create it as an identity policy. */
function identityChecked(doc: PolicyDocument, maxLength: number): PolicyDocument {
  const why = identityPolicyProblem(doc, maxLength);
  return why === undefined ? doc : uncertainDenies(doc, "blastwall:invalid", `${doc.address}: ${why}`);
}

/** The arguments of an attachment that hold the document it attaches, which its reader checks for `-var` itself. */
const DOCUMENT_ARGUMENTS: ReadonlySet<string> = new Set(["policy", "inline_policy", "policy_arn", "managed_policy_arn"]);

/** What the reader of a document a resource holds itself judged already: the document and whether the resource exists. */
const OWN_DOCUMENT_JUDGED: ReadonlySet<string> = new Set([...DOCUMENT_ARGUMENTS, "count", "for_each", "lifecycle", INSTANCE]);

/**
 * The document with each of its Denies marked by a condition blastwall cannot evaluate: a Deny that may not apply
 * (its policy may not exist, or may be attached to another principal) removes nothing, while its Allows still count.
 */
function uncertainDenies(doc: PolicyDocument, key: string, why: string, existsWith?: string): PolicyDocument {
  if (!doc.statements.some((st) => st.effect === "Deny" && st.unknown === undefined)) return doc;
  const coupled = existsWith !== undefined ? { existsWith } : {};
  return {
    ...doc,
    statements: doc.statements.map((st) =>
      st.effect === "Deny" && st.unknown === undefined ? { ...st, conditions: [...st.conditions, { operator: UNREADABLE_CONDITION, key, values: [why], ...coupled }] } : st,
    ),
  };
}

/**
 * `doc` as it reaches `principal`, its Denies certain where `-var` could only make what holds them not exist, and that
 * exists exactly when the principal does (red-team round 165, F5: a role and its boundary behind one feature flag, or
 * in one module instance). Where the principal does not exist it has no rights for a Deny to cap.
 */
function coupledTo(doc: PolicyDocument, principal: TfResource): PolicyDocument {
  const marked = (c: Condition) => c.existsWith !== undefined && c.operator === UNREADABLE_CONDITION;
  if (!doc.statements.some((st) => st.conditions.some(marked))) return doc;
  const signature = existenceSignature(principal);
  if (signature === undefined) return doc;
  const strip = (st: Statement): Statement => (st.conditions.some((c) => marked(c) && c.existsWith === signature) ? { ...st, conditions: st.conditions.filter((c) => !(marked(c) && c.existsWith === signature)) } : st);
  return { ...doc, statements: doc.statements.map(strip) };
}

/** A principal for an agent outside the stack: no resource of its own, so a stand-in that no rule mistakes for one. */
function outsiderBuilder(a: OutsideAgent): Builder {
  const resource: TfResource = { mode: "managed", type: `aws_iam_${a.kind}`, name: a.name, address: a.address, values: { name: a.name } };
  const where = [...new Set(a.mentions)];
  const mentioned = where.length > 0 ? `; named by ${where.slice(0, 3).join(", ")}${where.length > 3 ? ", ..." : ""}` : "";
  return {
    kind: a.kind,
    resource,
    name: a.name,
    nameExact: !/[*?]/.test(a.name),
    arnPattern: a.arnPattern,
    agentReason: `${a.reason}; it is not in this stack, so blastwall judges what this stack gives it${mentioned}`,
    identity: [...a.identity],
    boundary: undefined,
    trust: undefined,
    external: true,
    peer: a.peer,
    groups: [],
    tags: {},
    notes: ["not in this stack: its own policies, boundary and trust are managed elsewhere"],
  };
}

/**
 * An Allow of a trust that admits principals it does not name one by one, leaving the call to their own policies: an
 * account root or id, anyone, all but a NotPrincipal, an identifier known only at apply time, or a statement blastwall
 * cannot read. One naming role and user ARNs alone admits those, which other stacks' entries match by name.
 */
function leavesCallToCaller(st: Statement): boolean {
  if (st.unknown !== undefined) return true;
  if (st.effect !== "Allow") return false;
  if (st.notPrincipals !== undefined) return true;
  return (st.principals ?? []).some((p) => (p.type === "AWS" || p.type === "*") && p.identifiers.some((id) => !NAMED_PRINCIPAL.test(id)));
}

/** A role, user or role session ARN whose account and name are written out. */
const NAMED_PRINCIPAL = /^arn:[^:$]*:(?:iam|sts)::(?:\d{12}|\*):(?:role|user|assumed-role)\/[^$]*$/i;

/** Condition keys that say who calls: a trust conditioned on them may admit one principal and not another. */
const CALLER_KEYS = /^aws:(principalarn|principalaccount|principalisawsservice|principaltag\/.*|principaltype|userid|username|source[a-z]*)$/i;

/**
 * An Allow of a trust that may admit a principal it does not name: everyone (`*`), all but a NotPrincipal, a statement
 * blastwall cannot read, or an ARN whose kind and name are known only at apply time (`${var.caller}`). An account
 * root is not one: it leaves the call to the caller's own policies.
 */
function admitsUnnamed(st: Statement): boolean {
  if (st.unknown !== undefined) return true;
  if (st.effect !== "Allow") return false;
  if (st.notPrincipals !== undefined) return true;
  // An ARN whose kind is itself unknown (`arn:aws:iam::A:*`): a name known only in part is mentioned as it is.
  return (st.principals ?? []).some((p) => (p.type === "*" || p.type === "AWS") && p.identifiers.some((id) => id === "*" || /^arn:[^:]*:iam::[^:]*:[*?]/i.test(id)));
}

/** Whether a trust statement may admit a web identity token: by a Federated principal or `*`, or one not read. */
function mayAdmitWebIdentity(st: Statement): boolean {
  if (st.unknown !== undefined) return true;
  if (st.effect !== "Allow") return false;
  const action = st.actions ? st.actions.some((a) => globMatch(a, "sts:AssumeRoleWithWebIdentity", { caseInsensitive: true })) : (st.notActions ?? []).every((a) => !globMatch(a, "sts:AssumeRoleWithWebIdentity", { caseInsensitive: true }));
  return action && (st.notPrincipals !== undefined || (st.principals ?? []).some((p) => p.type === "*" || p.type === "Federated"));
}

/**
 * Whether a trust policy may name IAM principals: anything but a well-formed trust of AWS services alone, which
 * most roles have and which need not be parsed. Unreadable text, escapes (`"\u0041WS"` spells "AWS" unseen) and
 * references are parsed.
 */
export function trustMayNamePrincipals(raw: unknown): boolean {
  if (typeof raw !== "string") return true;
  // Asked of every role by the collector and by several reach indexes: each trust text is scanned once (the text is the
  // stack's own string, whose hash is kept once computed, so a repeated lookup costs less than one scan).
  const hit = serviceOnlyTrusts.get(raw);
  if (hit !== undefined) return !hit;
  const servicesOnly =
    /"Statement"/.test(raw) &&
    /"Service"/.test(raw) &&
    !raw.includes("${") &&
    !raw.includes("\\") &&
    !/"AWS"|"Federated"|"CanonicalUser"|NotPrincipal|"Principal"\s*:\s*"\*"/i.test(raw);
  if (serviceOnlyTrusts.size >= TRUST_CACHE_LIMIT) serviceOnlyTrusts.clear();
  serviceOnlyTrusts.set(raw, servicesOnly);
  return !servicesOnly;
}

/**
 * Trust texts by whether they admit AWS services alone (see trustMayNamePrincipals); a function of the text only.
 * Bounded: it outlives the stacks, and trust policies are short (IAM's default quota is 2,048 characters).
 */
const serviceOnlyTrusts = new Map<string, boolean>();
const TRUST_CACHE_LIMIT = 10_000;

/**
 * Whether a trust policy may admit the AWS service `service`. Only a literal policy that admits nothing but services
 * (see trustMayNamePrincipals), never names this one and holds no wildcard is known not to: the rest are parsed.
 * Thousands of roles trust Lambda or EC2, and per-service questions asked of every role would parse them all.
 */
export function trustMayAdmitService(raw: unknown, service: string): boolean {
  if (trustMayNamePrincipals(raw)) return true;
  const text = (raw as string).toLowerCase();
  return text.includes(service.toLowerCase()) || /[*?]/.test(text);
}

/** Whether two resources' providers certainly act in one account, certainly in two, or cannot be told apart. */
function accountRelation(stack: TfStack, a: TfResource, b: TfResource): "same" | "other" | "unknown" {
  const ka = providerKeyOf(a);
  const kb = providerKeyOf(b);
  if (sameProvider(ka, kb)) return "same";
  const x = providerAccount(stack, ka);
  const y = providerAccount(stack, kb);
  if (x !== undefined && y !== undefined) return x === y ? "same" : "other";
  return "unknown";
}

/** An import id of two parts (`ROLE/POLICY_ARN`, `ROLE:POLICY_NAME`), split at the first separator; `*` for a part not there. */
function splitId(id: string, sep: string): [string, string] {
  const at = id.indexOf(sep);
  return at < 0 ? [id, "*"] : [id.slice(0, at), id.slice(at + 1)];
}
