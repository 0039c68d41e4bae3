/** Edges through EKS: administering a cluster reaches every role its pods may take. */
import type { PrincipalNode } from "../analysis-types";
import { globMatch, globsIntersect, hasWildcard } from "../iam/glob";
import { mention, statementName } from "../describe";
import type * as Clusters from "./clusters";
import type { Cluster } from "./clusters";
import { CLUSTER_ACCESS_TYPES, CLUSTER_ADMIN_WRITES } from "./rare-actions";
import { lazy } from "../lazy";
import { grantText, type AddEdge } from "./edge";
import type { EdgeContext } from "./edge-context";
import { roleOfCompute, roleOfValue } from "./role-of";
import { normaliseAccount } from "./trust-index";
import { resourcePartOf } from "./resource-part";
import { agentTokens, type WebIdentityToken } from "./edges-web-identity";
import type { Statement } from "../iam/types";
import type { TfResource } from "../terraform/types";
import { isObject } from "../json";

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
  const issuers = ctx.stack.byType.has("aws_eks_identity_provider_config");
  if (!CLUSTER_ADMIN_WRITES.some((a) => ctx.grants(p, a).length > 0) && !CLUSTER_ACCESS_TYPES.some((t) => ctx.stack.byType.has(t)) && !issuers) return;
  const { clustersOf, stackAccessOf } = clusters();
  const all = clustersOf(ctx.stack);
  const reached = new Set<string>();
  for (const action of CLUSTER_ADMIN_WRITES) {
    for (const g of ctx.grants(p, action)) {
      for (const r of g.resources) {
        // Written when read, like every edge's text: the statements it names are heard in the order they are written.
        const how = () => `${grantText(g)} lets it make itself an administrator of`;
        for (const c of all) if (clusterNamedBy(r, c)) clusterWorkloadEdges(ctx, c, action, (what) => `${how()} ${c.res.address}, and ${what()}`, reached, add, g.statement.source.address);
        if (clusterOutside(r, all) && !reached.has(`eks:${r}`)) {
          reached.add(`eks:${r}`);
          add(ctx.unknown(`eks:${r}`, `pods of EKS clusters matching ${r} that are not in this stack, which may run as any role`), "hijack", action, () => `${how()} EKS clusters matching ${r}, which may lie outside this stack, and run pods there as roles blastwall cannot see`, g.statement.source.address);
        }
      }
    }
  }
  const mayBe = (arn: string | undefined) => arn === undefined || globsIntersect(normaliseAccount(arn), normaliseAccount(p.arnPattern), { caseInsensitive: true });
  // Cluster-wide access first: each role is told once, by the widest route to it.
  const accesses = [...stackAccessOf(ctx.stack, p.address, mayBe)].sort((a, b) => Number(accessNamespaces(a.res) !== undefined) - Number(accessNamespaces(b.res) !== undefined));
  for (const a of accesses) {
    const how = `${a.res.address} administers ${a.cluster?.res.address ?? a.name} for it: ${a.why}`;
    if (a.cluster) clusterWorkloadEdges(ctx, a.cluster, "EKS access", (what) => `${how}; ${what()}`, reached, add, a.res.address, accessNamespaces(a.res));
    else if (!reached.has(`eks:${a.name}`)) {
      reached.add(`eks:${a.name}`);
      add(ctx.unknown(`eks:${a.name}`, `pods of the EKS cluster ${a.name}, which is not in this stack and may run as any role`), "hijack", "EKS access", () => `${how}; that cluster is not in this stack, and its pods may run as roles blastwall cannot see`, a.res.address);
    }
  }
  if (issuers) issuerEdges(ctx, p, reached, add);
}

/**
 * An agent logs in to a cluster with its own web identity token when the cluster takes tokens of that issuer
 * (red-team round 80: a GitLab job's token, through an `aws_eks_identity_provider_config` of gitlab.com, was
 * cluster-admin by a ClusterRoleBinding, and nothing read the config). What the user may do is the cluster's RBAC,
 * which bindings outside Terraform may grant as well: it counts as an administrator, as a Kubernetes group of an
 * access entry does.
 */
function issuerEdges(ctx: EdgeContext, p: PrincipalNode, reached: Set<string>, add: AddEdge): void {
  if (!p.isAgent || p.kind !== "role" || (p.external && p.peer === undefined)) return;
  const tokens = agentTokens(ctx, p);
  if (tokens.length === 0) return;
  const { clusterIssuersOf, issuerClusters } = clusters();
  const agent = p.peer?.is ?? p.address;
  for (const i of clusterIssuersOf(ctx.stack)) {
    const t = tokens.find((t) => tokenLogsIn(t, i));
    if (!t) continue;
    const issuer = i.issuer === "*" ? `an issuer blastwall cannot read (${i.unread ?? "issuer_url"})` : `the issuer ${i.issuer}${i.unread !== undefined ? ` (from ${i.unread})` : ""}`;
    const subs = t.claims.tests.filter((x) => !x.negated && x.claim === "sub").map((x) => x.text);
    // Written with the edge's text, where the statement it names is heard (see LazyEdge).
    const held = () => (subs.length > 0 ? `${agent}'s token (${mention(t.statement)}: ${subs.join(" and ")})` : `${agent}'s token (${mention(t.statement)})`);
    const how = () =>
      `${i.res.address} lets ${issuer} log users in to the cluster, and the job that holds ${held()} can call the Kubernetes API with it ` +
      `as the user ${i.user} (the job picks the token's audience, so client_id is no barrier), whatever RBAC binds that user or its groups to (bindings outside Terraform may make it cluster-admin)`;
    const fix = `Remove ${i.res.address}, or require (required_claims) and bind only subjects no agent's token has`;
    for (const w of issuerClusters(ctx.stack, i.res)) {
      if (w.cluster) clusterWorkloadEdges(ctx, w.cluster, "EKS OIDC login", (what) => `${how()}; ${what()}. ${fix}`, reached, add, i.res.address);
      else if (!reached.has(`eks:${w.name}`)) {
        reached.add(`eks:${w.name}`);
        add(ctx.unknown(`eks:${w.name}`, `pods of the EKS cluster ${w.name}, which is not in this stack and may run as any role`), "hijack", "EKS OIDC login", () => `${how()}; that cluster is not in this stack, and its pods may run as roles blastwall cannot see. ${fix}`, i.res.address);
      }
    }
  }
}

const CI = { caseInsensitive: true };

/**
 * The issuers a token may come from: the hosts its conditions pin, else its providers' (a provider ARN's host, a
 * built-in provider's name); `*` for a pattern, a statement blastwall cannot read, or one naming no provider.
 */
function tokenIssuers(t: WebIdentityToken): string[] {
  if (t.unread !== undefined || !t.providers) return ["*"];
  if (t.claims.hosts.length > 0) return [...t.claims.hosts];
  return t.providers.map((id) => {
    const m = /^arn:[^:]*:iam::[^:]*:oidc-provider\/(.+)$/i.exec(id);
    const host = m ? m[1] : id.startsWith("arn:") ? "*" : id;
    return hasWildcard(host) ? "*" : host.toLowerCase();
  });
}

/**
 * Whether a token may log in through an identity provider config: it may come from the config's issuer, and may
 * carry each required claim the agent's trust pins (only `sub` is read there: the issuer writes it, unlike `aud`).
 */
function tokenLogsIn(t: WebIdentityToken, i: Clusters.ClusterIssuer): boolean {
  return tokenIssuers(t).some((host) => {
    if (!globsIntersect(host, i.issuer, CI)) return false;
    const sub = i.required["sub"];
    if (sub === undefined || hasWildcard(host)) return true;
    return t.claims.tests.filter((x) => x.host === host && x.claim === "sub").every((x) => {
      const hit = x.values.some((v) => (x.literal || !hasWildcard(v) ? (x.ci ? v.toLowerCase() === sub.toLowerCase() : v === sub) : globMatch(v, sub, { caseInsensitive: x.ci })));
      return x.negated ? !hit : hit;
    });
  });
}

/**
 * The namespaces an access policy association is scoped to (`access_scope { type = "namespace" }`), when written out;
 * undefined for cluster scope or one blastwall cannot read (read as the whole cluster).
 */
function accessNamespaces(res: TfResource): readonly string[] | undefined {
  if (res.type !== "aws_eks_access_policy_association") return undefined;
  const raw = res.values["access_scope"];
  const blocks = Array.isArray(raw) ? raw : [raw];
  const scope = blocks.length === 1 && isObject(blocks[0]) ? blocks[0] : undefined;
  const ns = scope?.["type"] === "namespace" ? scope["namespaces"] : undefined;
  return Array.isArray(ns) && ns.length > 0 && ns.every((n) => typeof n === "string" && !n.includes("${")) ? (ns as string[]) : undefined;
}

const SUB_OPERATORS: ReadonlySet<string> = new Set(["stringequals", "stringequalsignorecase", "stringlike"]);

/**
 * The `sub` values of an IRSA trust statement when every one names a service account of a namespace outside `scope`
 * (`system:serviceaccount:kube-system:ebs-csi-controller-sa` for an access scoped to `app`): an administrator of
 * those namespaces cannot create the service account the trust asks for. Undefined when some value may name a
 * namespace in scope, or blastwall cannot read it.
 */
function subsOutside(s: Statement, scope: readonly string[]): string[] | undefined {
  if (s.unknown !== undefined) return undefined;
  for (const c of s.conditions) {
    const op = c.operator.toLowerCase().replace(/^foranyvalue:/, "");
    if (!c.key.toLowerCase().endsWith(":sub") || !SUB_OPERATORS.has(op) || c.values.length === 0) continue;
    const like = op === "stringlike";
    const outside = c.values.every((v) => {
      // Kubernetes names hold no `:`, so a StringLike `*` before the last one stays within the namespace.
      const ns = /^system:serviceaccount:([^:]+):[^:]+$/.exec(v)?.[1];
      if (ns === undefined || ns.includes("${")) return false;
      // StringEquals compares literally; no namespace holds `*` or `?`, so such a value names none.
      const written = like ? ns : ns.replace(/[*?]/g, "_");
      return !scope.some((n) => globsIntersect(n, written, { caseInsensitive: op.endsWith("ignorecase") }));
    });
    if (outside) return [...c.values];
  }
  return undefined;
}

function clusterWorkloadEdges(ctx: EdgeContext, c: Cluster, label: string, why: (what: () => string) => string, reached: Set<string>, add: AddEdge, via: string, namespaces?: readonly string[]): void {
  const once = (key: string) => !reached.has(key) && (reached.add(key), true);
  for (const w of c.workloads) {
    const role = w.value !== undefined ? roleOfValue(ctx, w.value) : roleOfCompute(ctx, w.res, w.attribute, false);
    if (role === null) continue;
    const to = role ?? ctx.unknown(`role-of:${w.res.address}`, `the role ${w.res.address} runs as, which blastwall cannot resolve`);
    if (!once(to)) continue;
    const runsAs = `${w.what} (${role ?? "a role blastwall cannot resolve"})`;
    // An association for a namespace outside the access scope: its pods are not ones the agent may create (the same
    // node route as an IRSA trust's service account outside the scope, below).
    const ns = namespaces && w.res.type === "aws_eks_pod_identity_association" ? w.res.values["namespace"] : undefined;
    const outside = typeof ns === "string" && !ns.includes("${") && !namespaces!.some((n) => globsIntersect(n, ns)) ? ns : undefined;
    const text = outside
      ? `it cannot run pods in namespace ${outside}, where ${w.what} gives pods its role, outside its access scope (namespace ${namespaces!.join(", ")}), ` +
        `but a privileged pod it runs in ${namespaces!.join(", ")}, on a node where those pods run, can read their credentials (blastwall does not judge pod ` +
        `security or scheduling) and so take the role of ${runsAs}`
      : `a pod it schedules there can take the role of ${runsAs}`;
    add(to, "hijack", label, () => why(() => text), via);
  }
  // IRSA: an administrator creates whatever service account a trust asks for, and the cluster's OIDC issuer signs its tokens.
  for (const { role, statement, providers } of ctx.federatedTrusts("oidc-provider", "sts:AssumeRoleWithWebIdentity")) {
    if (providers && !providers.some((id) => globsIntersect(id, EKS_OIDC_PROVIDER, { caseInsensitive: true }))) continue;
    if (!once(role.address)) continue;
    const admits = () => `${role.address}, whose trust admits web identities of an EKS cluster's OIDC issuer (${statementName(statement)})`;
    // Scoped to namespaces the trust's service accounts are not in, it cannot create them; a pod of its own still
    // shares nodes with theirs, and blastwall reads no pod security or scheduling rule that would keep it off.
    const outside = namespaces && subsOutside(statement, namespaces);
    const text = () =>
      outside
        ? `it cannot create the service account the trust of ${role.address} asks for (sub ${outside.join(", ")}), outside its access scope (namespace ${namespaces!.join(", ")}), ` +
          `but a privileged pod it runs in ${namespaces!.join(", ")}, on a node where that service account's pods run, can read their tokens (blastwall does not judge pod ` +
          `security or scheduling) and so assume ${admits()}`
        : `a service account it creates there can assume ${admits()}`;
    add(role.address, "hijack", label, () => why(text), via);
  }
  if (c.unseenNodes && once(`eks-nodes:${c.res.address}`)) {
    add(ctx.unknown(`eks-nodes:${c.res.address}`, `the nodes of ${c.res.address}, which are not in this stack and run as roles blastwall cannot see`), "hijack", label, () => why(() => `a pod it schedules there can take the role of its nodes, which this stack does not show`), via);
  }
}
