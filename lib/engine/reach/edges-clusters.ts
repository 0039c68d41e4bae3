/** Edges through EKS: administering a cluster reaches every role its pods may take. */
import type { PrincipalNode } from "../analysis-types";
import { globsIntersect } from "../iam/glob";
import { statementName } from "../describe";
import type * as Clusters from "./clusters";
import type { Cluster } from "./clusters";
import { CLUSTER_ACCESS_TYPES, CLUSTER_ADMIN_WRITES } from "./rare-actions";
import { lazy } from "../lazy";
import { grantText, type AddEdge } from "./edge";
import type { EdgeContext } from "./edge-context";
import { roleOfCompute, roleOfValue } from "./role-of";
import { normaliseAccount } from "./trust-index";
import { resourcePartOf } from "./resource-part";

/** Any EKS cluster's OIDC issuer as an IAM identity provider (`oidc.eks.REGION.amazonaws.com/id/ID`). */
const EKS_OIDC_PROVIDER = "arn:*:iam::*:oidc-provider/oidc.eks.*";

// clusters.ts loads only for a principal that may administer a cluster (`clusterEdges`).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const clusters = lazy(() => require("./clusters") as typeof Clusters);

/**
 * Whether a resource pattern of an access-entry write may name the cluster: `eks:CreateAccessEntry` takes the
 * cluster's ARN, `eks:AssociateAccessPolicy` and `eks:UpdateAccessEntry` an access entry's, which holds the name.
 */
function clusterNamedBy(r: string, c: Cluster): boolean {
  return globsIntersect(r, c.arn) || globsIntersect(r, `${c.arn.replace(/:cluster\//, ":access-entry/")}/*`);
}

function clusterOutside(r: string, clusters: readonly Cluster[]): boolean {
  const resource = resourcePartOf(r);
  // The access entries of one named cluster (`access-entry/main/*`): outside only if that cluster is not the stack's.
  const entries = /^access-entry\/([^/*?]+)\//.exec(resource);
  if (entries) return !clusters.some((c) => c.arn.endsWith(`:cluster/${entries[1]}`));
  if (r === "*" || /[*?]/.test(resource)) return !clusters.some((c) => c.arn === r);
  return !clusters.some((c) => clusterNamedBy(r, c));
}

/**
 * Administering an EKS cluster (see clusters.ts): through IAM writes on its access entries, or an access entry the
 * stack gives. The principal then acts as every role the cluster's pods may take.
 */
export function clusterEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge): void {
  // With no right on access entries and no resource that gives access, the principal administers no cluster.
  if (!CLUSTER_ADMIN_WRITES.some((a) => ctx.grants(p, a).length > 0) && !CLUSTER_ACCESS_TYPES.some((t) => ctx.stack.byType.has(t))) return;
  const { clustersOf, stackAccessOf } = clusters();
  const all = clustersOf(ctx.stack);
  const reached = new Set<string>();
  for (const action of CLUSTER_ADMIN_WRITES) {
    for (const g of ctx.grants(p, action)) {
      for (const r of g.resources) {
        const how = `${grantText(g)} lets it make itself an administrator of`;
        for (const c of all) if (clusterNamedBy(r, c)) clusterWorkloadEdges(ctx, c, action, (what) => `${how} ${c.res.address}, and ${what}`, reached, add, g.statement.source.address);
        if (clusterOutside(r, all) && !reached.has(`eks:${r}`)) {
          reached.add(`eks:${r}`);
          add(ctx.unknown(`eks:${r}`, `pods of EKS clusters matching ${r} that are not in this stack, which may run as any role`), "hijack", action, () => `${how} EKS clusters matching ${r}, which may lie outside this stack, and run pods there as roles blastwall cannot see`, g.statement.source.address);
        }
      }
    }
  }
  const mayBe = (arn: string | undefined) => arn === undefined || globsIntersect(normaliseAccount(arn), normaliseAccount(p.arnPattern), { caseInsensitive: true });
  for (const a of stackAccessOf(ctx.stack, p.address, mayBe)) {
    const how = `${a.res.address} administers ${a.cluster?.res.address ?? a.name} for it: ${a.why}`;
    if (a.cluster) clusterWorkloadEdges(ctx, a.cluster, "EKS access", (what) => `${how}; ${what}`, reached, add, a.res.address);
    else if (!reached.has(`eks:${a.name}`)) {
      reached.add(`eks:${a.name}`);
      add(ctx.unknown(`eks:${a.name}`, `pods of the EKS cluster ${a.name}, which is not in this stack and may run as any role`), "hijack", "EKS access", () => `${how}; that cluster is not in this stack, and its pods may run as roles blastwall cannot see`, a.res.address);
    }
  }
}

function clusterWorkloadEdges(ctx: EdgeContext, c: Cluster, label: string, why: (what: string) => string, reached: Set<string>, add: AddEdge, via: string): void {
  const once = (key: string) => !reached.has(key) && (reached.add(key), true);
  for (const w of c.workloads) {
    const role = w.value !== undefined ? roleOfValue(ctx, w.value) : roleOfCompute(ctx, w.res, w.attribute, false);
    if (role === null) continue;
    const to = role ?? ctx.unknown(`role-of:${w.res.address}`, `the role ${w.res.address} runs as, which blastwall cannot resolve`);
    if (once(to)) add(to, "hijack", label, () => why(`a pod it schedules there can take the role of ${w.what} (${role ?? "a role blastwall cannot resolve"})`), via);
  }
  // IRSA: an administrator creates whatever service account a trust asks for, and the cluster's OIDC issuer signs its tokens.
  for (const { role, statement, providers } of ctx.federatedTrusts("oidc-provider", "sts:AssumeRoleWithWebIdentity")) {
    if (providers && !providers.some((id) => globsIntersect(id, EKS_OIDC_PROVIDER, { caseInsensitive: true }))) continue;
    if (once(role.address)) add(role.address, "hijack", label, () => why(`a service account it creates there can assume ${role.address}, whose trust admits web identities of an EKS cluster's OIDC issuer (${statementName(statement)})`), via);
  }
  if (c.unseenNodes && once(`eks-nodes:${c.res.address}`)) {
    add(ctx.unknown(`eks-nodes:${c.res.address}`, `the nodes of ${c.res.address}, which are not in this stack and run as roles blastwall cannot see`), "hijack", label, () => why(`a pod it schedules there can take the role of its nodes, which this stack does not show`), via);
  }
}
