/**
 * Just-in-time node access (Systems Manager, red-team round 128): StartAccessRequest asks for access to a node, and
 * GetAccessToken returns credentials for a Session Manager session on it once the request is approved. An
 * auto-approval policy (an `AutoApprovalPolicy` document, a Cedar policy; one per account and Region) approves a
 * matching request at once: the caller then has a shell on the node, with its instance profile's role. Cedar is not
 * evaluated: a policy in the stack that permits anything counts as admitting the agent (fail closed). Without one in
 * the stack a person approves each request, which the catalogue's GetAccessToken entry reports on its own.
 */
import type { Grant, PrincipalNode } from "../analysis-types";
import type { TfResource } from "../terraform/types";
import { globsIntersect } from "../iam/glob";
import { resolveToPattern } from "../terraform/tokens";
import { grantText, type AddEdge } from "./edge";
import type { EdgeContext } from "./edge-context";
import { roleOfCompute } from "./role-of";

export const ACCESS_REQUEST = "ssm:StartAccessRequest";
export const ACCESS_TOKEN = "ssm:GetAccessToken";
const INSTANCE_TYPES = ["aws_instance"];
const NODE_SHAPES = ["arn:*:ec2:*:*:instance/*", "arn:*:ssm:*:*:managed-instance/*"];

export function nodeAccessActions(): string[] {
  return [ACCESS_REQUEST, ACCESS_TOKEN];
}

/** The text of a value, or undefined where it is known only at apply time (or is not text). */
function literal(ctx: EdgeContext, v: unknown): string | undefined {
  if (typeof v !== "string") return undefined;
  const r = resolveToPattern(ctx.stack, v);
  return r.exact ? r.pattern : undefined;
}

/**
 * The stack's auto-approval policy that may approve the agent's request: a document whose type is, or may be,
 * `AutoApprovalPolicy` and whose content permits something or cannot be read.
 */
function autoApproval(ctx: EdgeContext): TfResource | undefined {
  for (const d of ctx.stack.byType.get("aws_ssm_document") ?? []) {
    if (d.mode !== "managed") continue;
    const type = literal(ctx, d.values["document_type"]);
    if (type !== undefined && type !== "AutoApprovalPolicy") continue;
    const content = literal(ctx, d.values["content"]);
    if (content !== undefined && !/\bpermit\s*\(/.test(content)) continue;
    return d;
  }
  return undefined;
}

export function nodeAccessEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge): void {
  const requests = ctx.grants(p, ACCESS_REQUEST);
  if (requests.length === 0) return;
  const token = ctx.grants(p, ACCESS_TOKEN)[0];
  if (!token || !ctx.stack.byType.get("aws_instance")?.length) return;
  const policy = autoApproval(ctx);
  if (!policy) return;
  const index = ctx.resourcesOf(INSTANCE_TYPES);
  const seen = new Set<TfResource>();
  for (const g of requests) {
    for (const r of g.resources) {
      const named = index.referenced(g, r) ?? (NODE_SHAPES.some((s) => globsIntersect(r, s, { caseInsensitive: true })) ? index.matching(r) : []);
      for (const res of named) {
        if (seen.has(res) || res.mode !== "managed") continue;
        seen.add(res);
        edge(ctx, res, g, token, policy, add);
      }
    }
  }
}

function edge(ctx: EdgeContext, res: TfResource, request: Grant, token: Grant, policy: TfResource, add: AddEdge): void {
  const found = roleOfCompute(ctx, res, "iam_instance_profile", true);
  if (found === null) return;
  const to = found ?? ctx.unknown(`role-of:${res.address}`, `the role ${res.address} runs as, which blastwall cannot resolve`);
  add(
    to,
    "hijack",
    `${ACCESS_REQUEST} + ${ACCESS_TOKEN}`,
    () =>
      `${grantText(request)} lets it request just-in-time access to ${res.address}, which the auto-approval policy ${policy.address} may approve at once (blastwall does not evaluate its Cedar statements), and ${grantText(token)} returns the credentials for a Session Manager shell there, which runs as ${found ?? "a role blastwall cannot resolve"}`,
    request.statement.source.address,
  );
}
