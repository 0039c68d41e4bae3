import type { PolicyDocument, Statement } from "./iam/types";
import type { PeerAgent, TfResource } from "./terraform/types";
import type { AmbiguousMention } from "./principals/outsiders";

/** A policy document as it reaches a principal, and by what. */
export interface AttachedPolicy {
  readonly document: PolicyDocument;
  /** Address of what attaches it: `aws_iam_role_policy_attachment.x`, `aws_iam_role.r.inline_policy[0]`, `aws_iam_group.g` (via group). */
  readonly via: string;
}

/** `permission-set`: an IAM Identity Center permission set, which acts as the roles it is provisioned as (permission-sets.ts). */
export type PrincipalKind = "role" | "user" | "group" | "permission-set";

export interface PrincipalNode {
  readonly kind: PrincipalKind;
  readonly address: string;
  readonly resource: TfResource;
  /** Literal name, or a glob pattern when the name is computed (`*`, `prefix*`). */
  readonly name: string;
  /** `arn:aws:iam::*:role/path/name` style pattern (account unknown in a stack, so `*`). */
  readonly arnPattern: string;
  readonly isAgent: boolean;
  /** Why it counts as an agent: `tag blastwall:agent = "true"`, `config agents.names "ai-*"`. */
  readonly agentReason?: string;
  /** Identity policies: inline, attached, and, for users, those of their groups. */
  readonly identityPolicies: readonly AttachedPolicy[];
  /** Permission boundary: undefined when none is set. An unreadable boundary is left undefined (it caps nothing) and noted in `notes`. */
  readonly boundary?: AttachedPolicy;
  /** Roles only: the trust (assume role) policy. A permission set's roles trust only Identity Center's SAML provider. */
  readonly trustPolicy?: PolicyDocument;
  /** Users: addresses of the groups they belong to. Groups: addresses of their members. */
  readonly groups: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  /** Things the collector could not resolve about this principal, for the report. */
  readonly notes: readonly string[];
  /**
   * An AI agent outside the stack, which the stack names (attaches a policy to by name, or names in a trust or
   * resource policy). Its own policies, boundary and trust live elsewhere: rules judge only what this stack gives it,
   * and rules about a principal's own configuration leave it alone. Its address starts with `outside:`.
   */
  readonly external?: boolean;
  /**
   * Outside principals only: set when it matches a principal of another stack checked in the same run. That stack
   * counts it, and the summary does not count it again.
   */
  readonly peer?: PeerMatch;
}

/** See `PrincipalNode.peer`. */
export interface PeerMatch {
  /** The principal of the other stack it may be: `aws_iam_role.agent of stack agents`. */
  readonly is: string;
  /**
   * The AI agent it is, or that can act as it, as a noun: `the AI agent aws_iam_role.agent of stack agents` (with
   * `or another agent of the stacks checked` when its name is known only at apply time and fits several).
   */
  readonly agent: string;
  /** It is no AI agent itself: `agent` can act as it. */
  readonly reached: boolean;
  /** The account the other stack is pinned to, when it is. */
  readonly account?: string;
  /**
   * The entry of the other stack it was matched to, when it matched that one alone: what the grants digest of a
   * finding about it holds (lib/config/grants-digest.ts). Undefined when several may be it.
   */
  readonly entry?: PeerAgent;
}

/** One reason a principal holds an action: the Allow statement and the resources it applies to. */
export interface Grant {
  /** Canonical action name, e.g. `ec2:DeleteVolume`. */
  readonly action: string;
  readonly statement: Statement;
  /** Resource patterns left after explicit denies and the boundary; `*` for any. */
  readonly resources: readonly string[];
  /** True when the statement has conditions (a conditional Allow still counts as a right). */
  readonly conditional: boolean;
}

export interface EffectiveRights {
  readonly principal: string;
  /** Lower-case action name to the grants that give it; actions not held are absent. */
  readonly grants: ReadonlyMap<string, readonly Grant[]>;
}

/** An attachment or policy whose target principal could not be resolved: it may reach any principal. */
export interface UnresolvedAttachment {
  readonly address: string;
  readonly detail: string;
  readonly document?: PolicyDocument;
  /**
   * The name or ARN pattern the target is known to have, when another checked stack's output names it (`ops-*`);
   * absent when nothing is known of it.
   */
  readonly pattern?: string;
}

export interface StackAnalysis {
  readonly principals: readonly PrincipalNode[];
  readonly byAddress: ReadonlyMap<string, PrincipalNode>;
  readonly agents: readonly PrincipalNode[];
  readonly unresolved: readonly UnresolvedAttachment[];
  /**
   * ARNs read as the stack's own principals that may instead be another checked stack's agent: neither stack is
   * pinned to an account (see `AmbiguousMention`).
   */
  readonly ambiguous?: readonly AmbiguousMention[];
  /** Effective identity rights (identity ∩ boundary, minus certain denies) over the action universe; cached. */
  rightsOf(principalAddress: string): EffectiveRights;
}
