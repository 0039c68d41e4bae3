/**
 * Just-in-time node access (Systems Manager, red-team round 128): StartAccessRequest asks for access to a node, and
 * GetAccessToken returns credentials for a Session Manager session on it once the request is approved. An
 * auto-approval policy (an SSM document of type `AutoApprovalPolicy`, a Cedar policy; one per account and Region)
 * approves a matching request at once: the caller then has a shell on the node, with its instance profile's role.
 * Cedar is not evaluated: a policy in the stack that permits anything counts as admitting the agent (fail closed).
 *
 * Without one in the stack the account's policy usually lives in a central stack. When that stack is checked in the
 * same run (`TfStack.peerApprovalPolicies`) and may share the agent's account and the node's Region, its policy
 * approves as one of the stack would (red-team round 133, F3). Otherwise what it admits is unknown: the catalogue's
 * GetAccessToken entry reports that as a warning (agent-stored-secret, whose text says so: NODE_ACCESS_NOTE). An agent that can write that document itself (CreateDocument, UpdateDocument or
 * UpdateDocumentDefaultVersion on a document that may be it) approves its own requests: read as a policy that admits
 * it (red-team round 131).
 *
 * The nodes are those ssm:StartSession reaches (red-team round 131: only the stack's aws_instance were, so the nodes
 * of an Auto Scaling group, a node group or a fleet were no path): the stack's instances its hijack target names, and,
 * for a pattern that may name others, nodes outside the stack, which run as roles blastwall cannot see.
 */
import type { Grant, PrincipalNode } from "../analysis-types";
import type { Condition } from "../iam/types";
import type { PeerApprovalPolicy, TfResource, TfStack } from "../terraform/types";
import { resourceAccount, resourceRegion } from "../terraform/providers";
import { globMatch, globsIntersect } from "../iam/glob";
import { resolveToPattern } from "../terraform/tokens";
import { grantText, type AddEdge } from "./edge";
import type { EdgeContext } from "./edge-context";
import { roleOfCompute } from "./role-of";
import { HIJACK_TARGETS, type HijackTarget } from "./compute";

export const ACCESS_REQUEST = "ssm:StartAccessRequest";
export const ACCESS_TOKEN = "ssm:GetAccessToken";
/** Writes that make or change the account's auto-approval policy, or pick which of its versions applies. */
export const APPROVAL_WRITES = ["ssm:CreateDocument", "ssm:UpdateDocument", "ssm:UpdateDocumentDefaultVersion"] as const;
const APPROVAL_TYPE = "AutoApprovalPolicy";
/** StartAccessRequest is authorised on EC2 instances and hybrid managed nodes (no ECS task, unlike StartSession). */
const NODE_SHAPES = ["arn:*:ssm:*:*:managed-instance/*", "arn:*:ec2:*:*:instance/*"];
const DOCUMENT_SHAPE = "arn:*:ssm:*:*:document/*";
const DOCUMENT_TYPES = ["aws_ssm_document"];

/**
 * What the warning on GetAccessToken says when no path is drawn: the approval that decides is outside what blastwall
 * reads.
 */
export const NODE_ACCESS_NOTE =
  "ssm:GetAccessToken returns the credentials of a just-in-time Session Manager shell on a node once a request for it is approved. " +
  "A person approves each request unless an auto-approval policy admits the agent: the account has at most one per Region, usually " +
  "kept in a central stack that blastwall cannot see, and one outside this stack that admits the agent would make this a shell on " +
  "the node, as its instance role, with no one approving. Make sure the account's auto-approval policy does not admit the agent, or " +
  "take ssm:StartAccessRequest and ssm:GetAccessToken off it.";

/** The fix of a finding through just-in-time access to nodes outside the stack; undefined for another action. */
export function nodeAccessFix(action: string): string | undefined {
  if (action.toLowerCase() !== ACCESS_REQUEST.toLowerCase()) return undefined;
  return `Take ${ACCESS_REQUEST} and ${ACCESS_TOKEN} off the agent, or grant ${ACCESS_REQUEST} only on instances of this stack by ` +
    "reference (`${aws_instance.x.arn}`): the instances of an Auto Scaling group, a node group or a fleet, and managed nodes " +
    "elsewhere, have no ARN in the stack and run as roles blastwall cannot see. Where the approval is the agent's own, keep " +
    `${APPROVAL_WRITES.join(", ")} off it, or limit them with an ssm:DocumentType condition that leaves out ${APPROVAL_TYPE}. ` +
    "If every node the agent may reach is known to be harmless, acknowledge with a reason.";
}

export function nodeAccessActions(): string[] {
  return [ACCESS_REQUEST, ACCESS_TOKEN, ...APPROVAL_WRITES];
}

let nodeTargets: { readonly types: readonly string[]; readonly target: HijackTarget } | undefined;

/** The hijack target whose instances ssm:StartSession reaches: the same resources, read the same way. */
function sessionTargets(): { readonly types: readonly string[]; readonly target: HijackTarget } {
  if (!nodeTargets) {
    const target = HIJACK_TARGETS.find((t) => t.actions.some((a) => a.toLowerCase() === "ssm:startsession"));
    if (!target) throw new Error("no hijack target takes ssm:StartSession");
    nodeTargets = { types: [target.type], target };
  }
  return nodeTargets;
}

/** The text of a value, or undefined where it is known only at apply time (or is not text). */
function literal(stack: TfStack, v: unknown): string | undefined {
  if (typeof v !== "string") return undefined;
  const r = resolveToPattern(stack, v);
  return r.exact ? r.pattern : undefined;
}

/** Whether an SSM document of the stack is, or may be, of type `AutoApprovalPolicy`. */
function mayBeApprovalType(stack: TfStack, d: TfResource): boolean {
  if (d.mode !== "managed") return true;
  const type = literal(stack, d.values["document_type"]);
  return type === undefined || type === APPROVAL_TYPE;
}

/**
 * The stack's auto-approval policy that may approve the agent's request: a document whose type is, or may be,
 * `AutoApprovalPolicy` and whose content permits something or cannot be read.
 */
export function autoApprovalPolicy(stack: TfStack): TfResource | undefined {
  for (const d of stack.byType.get("aws_ssm_document") ?? []) {
    if (d.mode !== "managed" || !mayBeApprovalType(stack, d)) continue;
    const content = literal(stack, d.values["content"]);
    if (content !== undefined && !/\bpermit\s*\(/.test(content)) continue;
    return d;
  }
  return undefined;
}

const TYPE_PINS: ReadonlySet<string> = new Set(["stringequals", "stringequalsignorecase", "stringlike"]);

/**
 * Whether a statement's `ssm:DocumentType` condition certainly keeps it off auto-approval policies: a positive string
 * operator (not `...IfExists`: UpdateDocument names no type, so the key may be absent there) whose values cannot be
 * `AutoApprovalPolicy`, compared without case and as patterns (fail closed). Negations and set operators keep nothing off.
 */
function typeKeptOff(conditions: readonly Condition[]): boolean {
  return conditions.some(
    (c) =>
      c.key.toLowerCase() === "ssm:documenttype" &&
      TYPE_PINS.has(c.operator.toLowerCase()) &&
      c.values.length > 0 &&
      !c.values.some((v) => v.includes("${") || globMatch(v, APPROVAL_TYPE, { caseInsensitive: true })),
  );
}

/**
 * A grant by which the agent may write the account's auto-approval policy itself: a document write on a pattern that
 * may name it. Its name is the writer's choice, so any document ARN may be it; a reference to a document of the stack
 * names that one, which may be it when its type is or may be `AutoApprovalPolicy` (or a data source reads it).
 */
function approvalWrite(ctx: EdgeContext, p: PrincipalNode): Grant | undefined {
  const index = ctx.resourcesOf(DOCUMENT_TYPES);
  for (const action of APPROVAL_WRITES) {
    for (const g of ctx.grants(p, action)) {
      if (g.statement.unknown === undefined && typeKeptOff(g.statement.conditions)) continue;
      const names = (r: string) => {
        const refs = index.referenced(g, r);
        return refs ? refs.some((d) => mayBeApprovalType(ctx.stack, d)) : globsIntersect(r, DOCUMENT_SHAPE, { caseInsensitive: true });
      };
      if (g.resources.some(names)) return g;
    }
  }
  return undefined;
}

/**
 * What approves the agent's requests at once: the stack's auto-approval policy, one the agent may write, or another
 * checked stack's.
 */
type Approval = { readonly policy: TfResource } | { readonly write: Grant } | { readonly peer: PeerApprovalPolicy };

function approvalFor(ctx: EdgeContext, p: PrincipalNode): Approval | undefined {
  const policy = autoApprovalPolicy(ctx.stack);
  if (policy) return { policy };
  const write = approvalWrite(ctx, p);
  return write ? { write } : undefined;
}

/**
 * The other checked stacks' auto-approval policies that may be the agent's account's: SSM answers a request in the
 * caller's own account, so a policy pinned to another account approves none of its requests.
 */
function peerApprovals(ctx: EdgeContext, p: PrincipalNode): readonly PeerApprovalPolicy[] {
  const all = ctx.stack.peerApprovalPolicies ?? [];
  if (all.length === 0) return all;
  // An agent of another stack runs under that stack's provider, which this one does not say.
  const account = p.peer === undefined ? resourceAccount(ctx.stack, p.resource) : undefined;
  return all.filter((a) => a.account === undefined || account === undefined || a.account === account);
}

/** The region an ARN (pattern) names literally, if it does. */
function arnRegion(arn: string): string | undefined {
  const region = arn.split(":")[3];
  return region === undefined || region === "" || /[*?$]/.test(region) ? undefined : region;
}

/** What approves a request for a node in `region` (undefined: any): the agent's own approval, else a peer's of that Region. */
function approvalIn(own: Approval | undefined, peers: readonly PeerApprovalPolicy[], region: string | undefined): Approval | undefined {
  if (own) return own;
  const peer = peers.find((a) => a.region === undefined || region === undefined || a.region === region);
  return peer ? { peer } : undefined;
}

function approvalText(a: Approval): string {
  if ("policy" in a) return `the auto-approval policy ${a.policy.address} may approve at once (blastwall does not evaluate its Cedar statements)`;
  if ("peer" in a) {
    const where = a.peer.region !== undefined ? ` in ${a.peer.region}` : "";
    return `the auto-approval policy ${a.peer.address} of stack ${a.peer.stack} (one per account and Region: it may be this account's${where} and applies to every request there) may approve at once (blastwall does not evaluate its Cedar statements)`;
  }
  return `it can approve itself: ${grantText(a.write)} lets it write the account's auto-approval policy (an SSM document of type ${APPROVAL_TYPE}), which approves its requests at once`;
}

function approvalLabel(a: Approval): string {
  return "write" in a ? `${ACCESS_REQUEST} + ${ACCESS_TOKEN} + ${a.write.action}` : `${ACCESS_REQUEST} + ${ACCESS_TOKEN}`;
}

export function nodeAccessEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge): void {
  const requests = ctx.grants(p, ACCESS_REQUEST);
  if (requests.length === 0) return;
  const token = ctx.grants(p, ACCESS_TOKEN)[0];
  if (!token) return;
  const own = approvalFor(ctx, p);
  const peers = own ? [] : peerApprovals(ctx, p);
  if (!own && peers.length === 0) return;
  const { types, target } = sessionTargets();
  const index = ctx.resourcesOf(types);
  const seen = new Set<TfResource>();
  for (const g of requests) {
    // Patterns of nodes outside the stack: the first one some approval covers (an own one covers every Region).
    const outside: string[] = [];
    for (const r of g.resources) {
      const refs = index.referenced(g, r);
      const node = refs !== undefined || NODE_SHAPES.some((s) => globsIntersect(r, s, { caseInsensitive: true }));
      if (!node) continue;
      for (const res of refs ?? index.matching(r)) {
        if (seen.has(res)) continue;
        seen.add(res);
        // A data source reads an instance made elsewhere: its role is not in the plan.
        if (res.mode === "data") {
          outside.push(r);
          continue;
        }
        const approval = approvalIn(own, peers, resourceRegion(ctx.stack, res));
        if (approval) edge(ctx, res, target, g, token, approval, add);
      }
      // Nodes the stack does not make as aws_instance: an Auto Scaling group's, a node group's or a fleet's
      // instances, and every other managed node the pattern may name, as StartSession on it reaches them.
      if (refs === undefined && index.reachesOutside(r, g)) outside.push(r);
    }
    for (const r of outside) {
      const approval = approvalIn(own, peers, arnRegion(r));
      if (!approval) continue;
      outsideEdge(ctx, r, g, token, approval, add);
      break;
    }
  }
}

function edge(ctx: EdgeContext, res: TfResource, target: HijackTarget, request: Grant, token: Grant, approval: Approval, add: AddEdge): void {
  const found = roleOfCompute(ctx, res, target.roleAttribute, target.viaInstanceProfile === true);
  if (found === null) return;
  const to = found ?? ctx.unknown(`role-of:${res.address}`, `the role ${res.address} runs as, which blastwall cannot resolve`);
  add(
    to,
    "hijack",
    approvalLabel(approval),
    () =>
      `${grantText(request)} lets it request just-in-time access to ${res.address}, which ${approvalText(approval)}, and ${grantText(token)} returns the credentials for a Session Manager shell there, which runs as ${found ?? "a role blastwall cannot resolve"}`,
    request.statement.source.address,
  );
}

function outsideEdge(ctx: EdgeContext, r: string, request: Grant, token: Grant, approval: Approval, add: AddEdge): void {
  const to = ctx.unknown(`compute:${ACCESS_REQUEST}:${r}`, `nodes reached by just-in-time access (${ACCESS_REQUEST}) on ${r}, which may run as any role`);
  add(
    to,
    "hijack",
    approvalLabel(approval),
    () =>
      `${grantText(request)} lets it request just-in-time access to nodes matching ${r} that this stack does not make as aws_instance (an Auto Scaling group's, a node group's or a fleet's instances, or any managed node of the account), which ${approvalText(approval)}, and ${grantText(token)} returns the credentials for a Session Manager shell there, under roles blastwall cannot see`,
    request.statement.source.address,
  );
}
