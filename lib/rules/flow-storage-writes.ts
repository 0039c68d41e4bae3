/**
 * A Bedrock flow's Storage node writes its input to an S3 bucket as the flow's execution role, at the object key its
 * `objectKey` input names: both come from what the flow's caller sends. bedrock:InvokeFlow (or StartFlowExecution) on
 * the flow is then s3:PutObject on that bucket at any key, an overwrite where the bucket keeps no earlier version,
 * though the caller holds no s3: right (agent-overwrite-unprotected.ts judges it as the write it stands for).
 *
 * The write lands only where the flow's role may make it: a role that may not put objects in the bucket writes
 * nothing there. Fail closed: a role blastwall cannot resolve, a role statement it cannot read, and a definition,
 * node or storage block it cannot read (which may name any bucket) count as writing.
 */
import type { Grant, PrincipalNode } from "../engine/analysis-types";
import type { RuleContext } from "../engine/rule";
import type { TfResource } from "../engine/terraform/types";
import type { Evidence } from "../engine/findings";
import { resourceEvidence } from "./protection-support";
import { globsIntersect, hasWildcard } from "../engine/iam/glob";
import { hasStoreResourcePolicies, resourcePolicyGrantsTo } from "../engine/reach/resource-policy-grants";
import { roleOfValue } from "../engine/reach/role-of";
import { FLOW_INVOKES, flowStorageNodes, flowTarget, type FlowStorageNode } from "./bedrock-routes";
import { grantsUsing } from "./invoke-routes";
import { deniedOnAll, ownDenies } from "./invoke-denies";
import { roleIndex } from "./s3-backup-support";

interface StoringFlow {
  readonly flow: TfResource;
  readonly nodes: readonly FlowStorageNode[];
  /** The principal address of its execution role; undefined when blastwall cannot resolve it (then it may be any). */
  readonly role: string | undefined;
}

const flowsCache = new WeakMap<object, readonly StoringFlow[]>();

/** The stack's flows with a Storage node (or a part blastwall cannot read), once per analysed stack. */
function storingFlows(ctx: RuleContext): readonly StoringFlow[] {
  let out = flowsCache.get(ctx.analysis);
  if (out) return out;
  const flows = (ctx.stack.byType.get("aws_bedrockagent_flow") ?? []).filter((f) => f.mode === "managed");
  const withNodes = flows.map((flow) => ({ flow, nodes: flowStorageNodes(ctx.stack, flow) })).filter((f) => f.nodes.length > 0);
  const roles = withNodes.length > 0 ? roleIndex(ctx.stack, ctx.analysis) : undefined;
  out = withNodes.map((f) => ({ ...f, role: roleOfValue({ stack: ctx.stack, analysis: ctx.analysis, roles: roles! }, f.flow.values["execution_role_arn"]) }));
  flowsCache.set(ctx.analysis, out);
  return out;
}

/** The object patterns a role may put: its own grants and the bucket policies naming it; `*` for a statement it cannot read. */
function rolePuts(ctx: RuleContext, role: string): string[] {
  const node = ctx.analysis.byAddress.get(role);
  const own = ctx.analysis.rightsOf(role).grants.get("s3:putobject") ?? [];
  const viaPolicies = node && hasStoreResourcePolicies(ctx.stack) ? resourcePolicyGrantsTo(ctx.stack, node, "s3:PutObject") : [];
  return [...new Set([...own, ...viaPolicies].flatMap((g) => (g.statement.unknown ? ["*"] : g.resources)))];
}

// A node belongs to one analysed stack's flows (storingFlows' cache): where it lands is read once, not per grant and principal.
const landings = new WeakMap<FlowStorageNode, string[]>();

/** Where a Storage node's writes land: its bucket's objects where the role may put them, else the role's own patterns. */
function landing(ctx: RuleContext, f: StoringFlow, node: FlowStorageNode): string[] {
  let out = landings.get(node);
  if (!out) landings.set(node, (out = landingOf(ctx, f, node)));
  return out;
}

function landingOf(ctx: RuleContext, f: StoringFlow, node: FlowStorageNode): string[] {
  const objects = `arn:aws:s3:::${node.bucket}/*`;
  if (f.role === undefined) return [objects];
  const puts = rolePuts(ctx, f.role).filter((r) => globsIntersect(r, objects));
  if (puts.length === 0) return [];
  // A bucket named exactly is where the write lands; one blastwall cannot read may be any the role may write.
  return hasWildcard(node.bucket) ? puts : [objects];
}

/** Grants that are a run of a flow one of whose Storage nodes writes, with how (for the message). */
const THROUGH_FLOWS = new WeakMap<Grant, { readonly flow: TfResource; readonly text: string; readonly node: string }>();

/**
 * `grants` with an s3:PutObject grant for each right of the principal's to run a flow of the stack whose Storage node
 * may write (shown as the flow right, with the flow and node): a Deny of the principal's own on the flow and its
 * aliases closes it, as it closes the flow's route to a function (bedrock-routes.ts).
 */
export function withFlowStorageWrites(ctx: RuleContext, p: PrincipalNode, grants: ReadonlyMap<string, readonly Grant[]>): ReadonlyMap<string, readonly Grant[]> {
  if (!FLOW_INVOKES.some((a) => grants.has(a.toLowerCase()))) return grants;
  const flows = storingFlows(ctx);
  if (flows.length === 0) return grants;
  const denies = ownDenies(p);
  const extra: Grant[] = [];
  for (const f of flows) {
    const target = flowTarget(f.flow);
    for (const action of FLOW_INVOKES) {
      const runs = grants.get(action.toLowerCase());
      if (!runs || deniedOnAll(ctx.stack, denies, action, target.denyAsks)) continue;
      for (const g of grantsUsing(ctx.stack, target, runs)) {
        if (g.statement.unknown) continue;
        for (const node of f.nodes) {
          const resources = landing(ctx, f, node);
          if (resources.length === 0) continue;
          const grant: Grant = { action: g.action, statement: g.statement, resources, conditional: g.conditional };
          THROUGH_FLOWS.set(grant, { flow: f.flow, text: howText(f, node), node: nodeText(f, node) });
          extra.push(grant);
        }
      }
    }
  }
  if (extra.length === 0) return grants;
  const out = new Map(grants);
  out.set("s3:putobject", [...(grants.get("s3:putobject") ?? []), ...extra]);
  return out;
}

/** `Storage node Save writes the flow's input to bucket B as its execution role R, at the object key the input names`. */
function nodeText(f: StoringFlow, node: FlowStorageNode): string {
  const bucket = node.bucket === "*" ? "any bucket its role may write" : `bucket ${node.bucket}`;
  const as = f.role === undefined ? "an execution role blastwall cannot resolve, read as one that may write it" : `its execution role ${f.role}`;
  return `Storage node ${node.node} writes the flow's input to ${bucket} as ${as}, at the object key the input names`;
}

function howText(f: StoringFlow, node: FlowStorageNode): string {
  return `flow ${f.flow.address}'s ${nodeText(f, node)}`;
}

/** `bedrock:InvokeFlow there is a write: flow ...` for grants among which some are a run of a storing flow; else undefined. */
function flowsText(grants: readonly Grant[]): string | undefined {
  const through = grants.filter((g) => THROUGH_FLOWS.has(g));
  if (through.length === 0) return undefined;
  const actions = [...new Set(through.map((g) => g.action))].join(", ");
  const how = [...new Set(through.map((g) => THROUGH_FLOWS.get(g)!.text))];
  return `${actions} there ${actions.includes(",") ? "are writes" : "is a write"}: ${how.slice(0, 3).join("; ")}${how.length > 3 ? `; and ${how.length - 3} more` : ""}`;
}

/** `; bedrock:InvokeFlow there is a write: ...` to follow the granting statement, else nothing. */
export function throughFlows(grants: readonly Grant[]): string {
  const text = flowsText(grants);
  return text ? `; ${text}` : "";
}

/** ` (bedrock:InvokeFlow there is a write: ...)` to follow a sentence, else nothing. */
export function outsideFlows(grants: readonly Grant[]): string {
  const text = flowsText(grants);
  return text ? ` (${text})` : "";
}

/** How to close the writes a flow makes for the principal, for the fix; undefined when none of the grants is one. */
export function flowFix(grants: readonly Grant[]): string | undefined {
  if (!grants.some((g) => THROUGH_FLOWS.has(g))) return undefined;
  return (
    "Where a flow's Storage node writes for the agent, turn versioning on for the node's bucket, or take the agent's " +
    "bedrock:InvokeFlow and bedrock:StartFlowExecution off that flow and its aliases, or take s3:PutObject on the bucket " +
    "off the flow's execution role, or the Storage node out of the flow's definition."
  );
}

/** One evidence step per flow whose Storage nodes write for the grants: the flow and what its nodes write. */
export function flowEvidence(grants: readonly Grant[]): Evidence[] {
  const byFlow = new Map<TfResource, Set<string>>();
  for (const g of grants) {
    const t = THROUGH_FLOWS.get(g);
    if (!t) continue;
    let nodes = byFlow.get(t.flow);
    if (!nodes) byFlow.set(t.flow, (nodes = new Set()));
    nodes.add(t.node);
  }
  return [...byFlow].map(([flow, nodes]) => resourceEvidence(flow, `runs with the caller's input: its ${[...nodes].join("; its ")}`));
}
