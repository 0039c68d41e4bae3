/**
 * Kubernetes on EKS (a hijack path, E6): whoever administers a cluster schedules pods as it likes, and a pod can
 * take the roles the cluster's workloads run as: the nodes' role (a privileged or host-network pod reads the
 * instance's credentials), every pod identity association's role, and every IRSA role (an administrator creates
 * the service account the trust asks for). Administration comes from IAM (creating an access entry and giving it
 * an access policy, on a cluster the resource pattern may name), from an access entry the stack itself gives, or
 * from the aws-auth ConfigMap (older clusters' mapping of IAM principals to Kubernetes groups), or from an OIDC
 * identity provider of the cluster whose issuer signs a token an agent holds (a CI job's: edges-clusters.ts).
 *
 * What the cluster's RBAC grants a Kubernetes group is not in Terraform: an entry or mapping with groups counts as
 * an administrator, and so does any access policy except the view-only one. Whatever blastwall cannot read (a
 * principal, a cluster name, an aws-auth body or manifest) may be anyone's, anywhere: fail closed.
 */
import type { TfResource, TfStack } from "../terraform/types";
import { blocks, isObject } from "../json";
import { attributePattern, refTarget, resolveToPattern } from "../terraform/tokens";
import { encodedDocument } from "../terraform/policy-documents";
import { dynamicContents } from "./dynamic-blocks";
import { AWS_AUTH_CONFIG_MAP_TYPES, AWS_AUTH_MANIFEST_TYPES } from "./rare-actions";

/** The access policy that only reads, and Secrets not even that: the one association that gives no control. */
const VIEW_ONLY_POLICY = /:cluster-access-policy\/AmazonEKSViewPolicy$/;

/** A resource of the stack whose attribute names a role that pods of the cluster may run as. */
export interface Workload {
  readonly res: TfResource;
  /** Path to the role (`node_role_arn`, `compute_config.node_role_arn`). */
  readonly attribute: string;
  /** `its node group aws_eks_node_group.x`: how the reader finds it. */
  readonly what: string;
  /** The role as written, when it is not at an attribute (an aws-auth mapping): used instead of `attribute`. */
  readonly value?: string;
}

export interface Cluster {
  readonly res: TfResource;
  /** ARN pattern (`arn:aws:eks:*:*:cluster/NAME`). */
  readonly arn: string;
  readonly workloads: readonly Workload[];
  /**
   * No node group, Fargate profile or Auto Mode nodes in the stack, or an aws-auth it cannot read (which may map any
   * role as nodes): its nodes may run as roles blastwall cannot see.
   */
  readonly unseenNodes: boolean;
}

/** An access entry (or access policy association) of the stack that makes a principal administer a cluster. */
export interface StackAccess {
  /** The entry or association that gives it. */
  readonly res: TfResource;
  /** The cluster, when it is the stack's; undefined for a cluster elsewhere (`name` says which). */
  readonly cluster?: Cluster;
  readonly name: string;
  /** Why it is administration (`access policy AmazonEKSClusterAdminPolicy`, `Kubernetes groups ...`). */
  readonly why: string;
}

const clusterCache = new WeakMap<TfStack, readonly Cluster[]>();

/** The stack's clusters with the workloads that run in them, once per stack. */
export function clustersOf(stack: TfStack): readonly Cluster[] {
  let out = clusterCache.get(stack);
  if (out) return out;
  const clusters = (stack.byType.get("aws_eks_cluster") ?? []).filter((r) => r.mode === "managed");
  out = clusters.map((res) => {
    const workloads: Workload[] = [];
    let nodes = false;
    // Nodes the stack cannot see, whatever else it shows.
    let unreadableNodes = false;
    if (autoModeNodes(res)) {
      workloads.push({ res, attribute: "compute_config.node_role_arn", what: `its Auto Mode nodes (${res.address})` });
      nodes = true;
    }
    // A `dynamic "compute_config"` may turn Auto Mode on, with the node role its content names (red-team round 66:
    // it read as no Auto Mode beside a node group). A content blastwall cannot read may name any role.
    for (const cc of dynamicContents(res.values, "compute_config")) {
      const role = cc?.["node_role_arn"];
      if (cc !== undefined && (cc["enabled"] === false || role === undefined || role === null)) continue;
      if (typeof role === "string") {
        workloads.push({ res, attribute: "-", value: role, what: `its Auto Mode nodes (a dynamic compute_config of ${res.address})` });
        nodes = true;
      } else unreadableNodes = true;
    }
    for (const [type, attribute, what] of [
      ["aws_eks_node_group", "node_role_arn", "its node group"],
      ["aws_eks_pod_identity_association", "role_arn", "its pod identity association"],
      // With a target role, EKS chains the association's role into it and the pods get the target's credentials.
      ["aws_eks_pod_identity_association", "target_role_arn", "its pod identity association (target role)"],
      // An EKS capability (ACK, kro, Argo CD) runs its controllers outside the cluster's nodes as its role, and
      // they act on the custom resources an administrator applies: ACK creates, changes and deletes AWS resources
      // from manifests (red-team round 98). Every capability type is read as such a workload, fail closed.
      ["aws_eks_capability", "role_arn", "its capability"],
    ] as const) {
      for (const w of stack.byType.get(type) ?? []) {
        if (!inCluster(stack, w, res)) continue;
        workloads.push({ res: w, attribute, what: `${what} ${w.address}` });
        if (type === "aws_eks_node_group") nodes = true;
      }
    }
    // An add-on's own pod identity associations (`pod_identity_association { role_arn, service_account }`): its pods
    // run as those roles as an aws_eks_pod_identity_association's do (red-team round 124). A dynamic block's content
    // blastwall cannot read may name any role.
    for (const addon of stack.byType.get("aws_eks_addon") ?? []) {
      if (addon.mode !== "managed" || !inCluster(stack, addon, res)) continue;
      const written = blocks(addon.values["pod_identity_association"]);
      for (const b of [...written, ...dynamicContents(addon.values, "pod_identity_association")]) {
        const role = b?.["role_arn"];
        const what = `its add-on ${addon.address} (pod identity association${typeof b?.["service_account"] === "string" ? ` of ${b["service_account"] as string}` : ""})`;
        if (typeof role === "string") workloads.push({ res: addon, attribute: "-", value: role, what });
        else workloads.push({ res: addon, attribute: "-", value: "${unknown}", what });
      }
    }
    // An access entry for nodes (EC2_LINUX, EC2_WINDOWS, HYBRID_LINUX: self-managed or Karpenter nodes) names their
    // role: a pod on those nodes takes it as well. One whose type blastwall cannot read may be such an entry.
    for (const e of stack.byType.get("aws_eks_access_entry") ?? []) {
      if (!mayBeNodeEntry(e) || !inCluster(stack, e, res)) continue;
      workloads.push({ res: e, attribute: "principal_arn", what: `its ${String(e.values["type"])} nodes (access entry ${e.address})` });
    }
    // Roles the aws-auth ConfigMap maps as nodes are the roles of nodes too; one it maps unreadably may be any.
    for (const m of awsAuthMappings(stack)) {
      if (m.arn === undefined) unreadableNodes = true;
      else if (m.nodes) workloads.push({ res: m.res, attribute: "-", value: m.arn, what: `its nodes mapped by ${m.res.address}` });
    }
    // Fargate pods do not get the profile's execution role, but they are nodes the stack shows.
    if ((stack.byType.get("aws_eks_fargate_profile") ?? []).some((f) => inCluster(stack, f, res))) nodes = true;
    return { res, arn: attributePattern(stack, res, "arn").pattern, workloads, unseenNodes: !nodes || unreadableNodes };
  });
  clusterCache.set(stack, out);
  return out;
}

/**
 * Whether an access entry may be one for nodes: a type other than STANDARD (EC2_LINUX, EC2_WINDOWS, FARGATE_LINUX,
 * HYBRID_LINUX, EC2), or one blastwall cannot read. EKS gives such an entry's principal the `system:nodes` group
 * (FARGATE_LINUX and HYBRID_LINUX with a node name from the session name the caller picks).
 */
function mayBeNodeEntry(e: TfResource): boolean {
  const type = e.values["type"];
  if (type === undefined || type === null) return false;
  return typeof type !== "string" || type.includes("${") || type.toUpperCase() !== "STANDARD";
}

function autoModeNodes(cluster: TfResource): boolean {
  const cc = first(cluster.values["compute_config"]);
  return isObject(cc) && cc["enabled"] !== false && cc["node_role_arn"] !== undefined && cc["node_role_arn"] !== null;
}

function first(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Whether `res` (node group, association, entry) belongs to `cluster`: its `cluster_name` refers to it or is its
 * name. One blastwall cannot resolve belongs to every cluster (fail closed).
 */
function inCluster(stack: TfStack, res: TfResource, cluster: TfResource): boolean {
  const key = clusterKey(stack, res);
  if (key === undefined) return true;
  if (key.ref) return key.ref === cluster.address;
  const name = attributePattern(stack, cluster, "name");
  return !name.exact || name.pattern === key.literal;
}

/** What `cluster_name` says: a reference to a cluster (through entries too), a literal name, or undefined (unresolvable). */
function clusterKey(stack: TfStack, res: TfResource, depth = 0): { readonly ref?: string; readonly literal?: string } | undefined {
  const v = res.values["cluster_name"];
  const ref = refTarget(v);
  if (ref) {
    const target = stack.byAddress.get(ref.address);
    if (target?.type === "aws_eks_cluster") return { ref: target.address };
    if (target && depth < 4 && (target.type === "aws_eks_access_entry" || target.type === "aws_eks_node_group")) return clusterKey(stack, target, depth + 1);
    return undefined;
  }
  if (typeof v === "string" && !v.includes("${")) return { literal: v };
  const p = typeof v === "string" ? attributePattern(stack, res, "cluster_name") : undefined;
  return p?.exact ? { literal: p.pattern } : undefined;
}

/**
 * Whom a principal ARN value (`principal_arn`, an aws-auth `rolearn`) names: a role or user of the stack by
 * reference (through an access entry too), else the ARN pattern it may be; undefined when blastwall cannot tell.
 */
function principalKey(stack: TfStack, v: unknown, depth = 0): { readonly ref?: string; readonly literal?: string } | undefined {
  const ref = refTarget(v);
  if (ref) {
    const target = stack.byAddress.get(ref.address);
    if (target?.type === "aws_eks_access_entry" && depth < 4) return principalKey(stack, target.values["principal_arn"], depth + 1);
    // A role or user the stack creates is itself; anything else (a data source looking one up, a variable's value)
    // is whatever its ARN pattern may be.
    if (target && target.mode === "managed" && (target.type === "aws_iam_role" || target.type === "aws_iam_user")) return { ref: target.address };
    return target ? { literal: attributePattern(stack, target, ref.attribute ?? "arn").pattern } : undefined;
  }
  if (typeof v !== "string") return undefined;
  return { literal: v.includes("${") ? resolveToPattern(stack, v).pattern : v };
}

/**
 * The clusters the stack's own access entries and access policy associations let a principal administer. `names`
 * tells whether a literal principal ARN (or one blastwall cannot resolve) may be the principal's.
 */
export function stackAccessOf(stack: TfStack, address: string, mayBe: (arn: string | undefined) => boolean): StackAccess[] {
  const out: StackAccess[] = [];
  const clusters = clustersOf(stack);
  const names = (v: unknown) => {
    const k = principalKey(stack, v);
    return k?.ref !== undefined ? k.ref === address : mayBe(k?.literal) || roleForms(k?.literal).some(mayBe);
  };
  const isMine = (res: TfResource) => names(res.values["principal_arn"]);
  const where = (res: TfResource): { cluster?: Cluster; name: string }[] => {
    const k = clusterKey(stack, res);
    const mine = clusters.filter((c) => inCluster(stack, res, c.res));
    if (mine.length > 0) return mine.map((c) => ({ cluster: c, name: c.res.address }));
    return [{ name: k?.literal ?? k?.ref ?? `a cluster ${res.address} names` }];
  };
  for (const entry of stack.byType.get("aws_eks_access_entry") ?? []) {
    const groups = entry.values["kubernetes_groups"];
    const named = Array.isArray(groups) ? groups.length > 0 : groups !== undefined && groups !== null;
    // A node entry makes its principal a node, as an aws-auth node mapping does (red-team round 66: it was skipped
    // while the mapping counted). A node reads the secrets and service account tokens of the pods bound to it, and
    // the node name is the caller's to pick (the session name, or an instance it names): any pod's.
    const node = mayBeNodeEntry(entry);
    if ((!named && !node) || !isMine(entry)) continue;
    const why = named
      ? `it puts it in the Kubernetes groups ${JSON.stringify(groups)}, which the cluster's RBAC (not in Terraform) may bind to any role`
      : `it makes it a node (type ${String(entry.values["type"])}: the system:nodes group), which may read the secrets and service account tokens of the pods on it`;
    for (const w of where(entry)) out.push({ res: entry, ...w, why });
  }
  for (const assoc of stack.byType.get("aws_eks_access_policy_association") ?? []) {
    const policy = assoc.values["policy_arn"];
    if (typeof policy === "string" && VIEW_ONLY_POLICY.test(policy)) continue;
    if (!isMine(assoc)) continue;
    const shown = typeof policy === "string" ? policy.slice(policy.lastIndexOf("/") + 1) : JSON.stringify(policy);
    const does = /AdminViewPolicy$/.test(shown) ? "lets it read every Kubernetes Secret, service account tokens among them" : "lets it run pods";
    for (const w of where(assoc)) out.push({ res: assoc, ...w, why: `it gives it the access policy ${shown}, which ${does}` });
  }
  // The aws-auth ConfigMap maps IAM principals to Kubernetes groups on clusters that still read it (CONFIG_MAP and
  // API_AND_CONFIG_MAP authentication modes). Which cluster the kubernetes provider points at is not resolved: every
  // cluster of the stack, or one outside it when the stack has none.
  for (const m of awsAuthMappings(stack)) {
    if (!names(m.arn)) continue;
    const why =
      m.arn === undefined
        ? `it maps principals blastwall cannot read (${m.unreadable}) to Kubernetes groups, which may include this one`
        : m.nodes
          ? `it maps ${m.arn} as a node (${m.groups.join(", ")}), which may read the secrets and service account tokens of the pods on it`
          : `it maps ${m.arn} to the Kubernetes groups ${m.groups.join(", ")}, which the cluster's RBAC (not in Terraform) may bind to any role (system:masters is every right)`;
    const targets = clusters.length > 0 ? clusters.map((c) => ({ cluster: c, name: c.res.address })) : [{ name: "the cluster the kubernetes provider points at" }];
    for (const t of targets) out.push({ res: m.res, ...t, why });
  }
  return out;
}

/**
 * An OIDC identity provider of a cluster (`aws_eks_identity_provider_config`): the API server takes a token of its
 * issuer as the Kubernetes user `<username_prefix><username_claim>`, whoever asked the issuer for it. `client_id`
 * is no barrier for a CI issuer (the job names the token's audience), so only the issuer and `required_claims` tell
 * whose tokens log in.
 */
export interface ClusterIssuer {
  readonly res: TfResource;
  /** The issuer URL without its scheme (`gitlab.com`), as a glob pattern: `*` when blastwall cannot read it. */
  readonly issuer: string;
  /** The `required_claims` blastwall can read as literal values; one it cannot read is left out (any token may pass). */
  readonly required: Readonly<Record<string, string>>;
  /** The Kubernetes user a token becomes, for the report (`gitlab:<sub>`). */
  readonly user: string;
  /** Where the config came from when blastwall could not read it all (a dynamic block), for the report. */
  readonly unread?: string;
}

/**
 * The stack's cluster identity providers. A `dynamic "oidc"`, or an oidc block blastwall cannot read, may name any
 * issuer (fail closed).
 */
export function clusterIssuersOf(stack: TfStack): ClusterIssuer[] {
  const out: ClusterIssuer[] = [];
  for (const res of stack.byType.get("aws_eks_identity_provider_config") ?? []) {
    if (res.mode !== "managed") continue;
    const block = first(res.values["oidc"]);
    const dynamic = dynamicContents(res.values, "oidc");
    const bodies: { body?: Record<string, unknown>; unread?: string }[] = [];
    if (isObject(block)) bodies.push({ body: block });
    else if (block !== undefined && block !== null) bodies.push({ unread: `its oidc block is ${JSON.stringify(block).slice(0, 80)}` });
    for (const d of dynamic) bodies.push(d ? { body: d, unread: "a dynamic oidc block" } : { unread: "a dynamic oidc block blastwall cannot read" });
    if (bodies.length === 0) bodies.push({ unread: "no oidc block blastwall can read" });
    for (const { body, unread } of bodies) {
      const url = body?.["issuer_url"];
      const written = typeof url === "string" ? (url.includes("${") ? resolveToPattern(stack, url).pattern : url) : "*";
      const issuer = written.replace(/^[a-z]+:\/\//i, "").replace(/\/+$/, "").toLowerCase() || "*";
      const required: Record<string, string> = {};
      const claims = body?.["required_claims"];
      if (isObject(claims)) for (const [k, v] of Object.entries(claims)) if (typeof v === "string" && !v.includes("${") && !k.includes("${")) required[k] = v;
      const claim = typeof body?.["username_claim"] === "string" ? (body["username_claim"] as string) : "sub";
      const prefix = typeof body?.["username_prefix"] === "string" ? (body["username_prefix"] as string) : "";
      out.push({ res, issuer, required, user: `${prefix}<${claim}>`, ...(unread !== undefined ? { unread } : {}) });
    }
  }
  return out;
}

/**
 * The clusters an identity provider config lets a token log in to: its cluster when it is the stack's, else the
 * cluster it names outside the stack.
 */
export function issuerClusters(stack: TfStack, res: TfResource): { cluster?: Cluster; name: string }[] {
  const mine = clustersOf(stack).filter((c) => inCluster(stack, res, c.res));
  if (mine.length > 0) return mine.map((c) => ({ cluster: c, name: c.res.address }));
  const k = clusterKey(stack, res);
  return [{ name: k?.literal ?? k?.ref ?? `a cluster ${res.address} names` }];
}

/**
 * The forms a role ARN written with or without a path may take for the same role: its name with no path, and with any
 * path. aws-iam-authenticator maps the role of an assumed-role session as `role/NAME` (an STS session ARN carries no
 * path; aws-iam-authenticator#153), so an aws-auth entry written without the path maps a role that has one; the EKS
 * docs say an aws-auth entry must not have a path, but whether one with a path then matches nothing is not certain,
 * and an access entry's ARN may be written either way. A role's name is unique in its account whatever its path, so
 * the account and name are the role. Users keep their path: the authenticator matches a user's ARN as
 * GetCallerIdentity gives it, path and all (red-team round 66).
 */
function roleForms(arn: string | undefined): string[] {
  const m = arn === undefined ? null : /^(arn:[^:]*:iam::[^:]*:role\/)(?:.*\/)?([^/]*)$/i.exec(arn);
  return m ? [`${m[1]}${m[2]}`, `${m[1]}*/${m[2]}`] : [];
}

/** One mapping of the aws-auth ConfigMap: a role or user ARN (undefined when unreadable) and its groups. */
interface AwsAuthMapping {
  readonly res: TfResource;
  readonly arn?: string;
  readonly groups: readonly string[];
  /** Only the groups nodes get (system:bootstrappers, system:nodes): the ARN is a node role. */
  readonly nodes: boolean;
  readonly unreadable?: string;
}

const NODE_GROUPS = new Set(["system:bootstrappers", "system:nodes"]);

const mappingCache = new WeakMap<TfStack, readonly AwsAuthMapping[]>();

/** The mappings of every aws-auth ConfigMap of the stack (kube-system/aws-auth), read once per stack. */
export function awsAuthMappings(stack: TfStack): readonly AwsAuthMapping[] {
  let cached = mappingCache.get(stack);
  if (!cached) mappingCache.set(stack, (cached = readAwsAuth(stack)));
  return cached;
}

function readAwsAuth(stack: TfStack): AwsAuthMapping[] {
  const out: AwsAuthMapping[] = [];
  for (const type of AWS_AUTH_CONFIG_MAP_TYPES) {
    for (const res of stack.byType.get(type) ?? []) {
      // A `dynamic "metadata"` is read as its content (a name it sets from the iterator reads as unknown).
      const dynMeta = dynamicContents(res.values, "metadata");
      const meta = first(res.values["metadata"]) ?? (dynMeta.length > 0 ? (dynMeta[0] ?? {}) : undefined);
      // A name blastwall cannot read may be aws-auth.
      const name = isObject(meta) ? readLiteral(stack, meta["name"]) : undefined;
      if (!isObject(meta) || (name !== undefined && name !== "aws-auth")) continue;
      const data = first(res.values["data"]);
      if (!isObject(data)) {
        if (data !== undefined && data !== null) out.push({ res, groups: [], nodes: false, unreadable: String(data).slice(0, 80) });
        continue;
      }
      for (const key of ["mapRoles", "mapUsers", "mapAccounts"]) {
        const text = data[key];
        if (text === undefined || text === null) continue;
        // Every principal of a mapped account is mapped under its own ARN, for the cluster's RBAC to bind.
        const parsed = key === "mapAccounts" ? undefined : mappingsOf(stack, text, key === "mapRoles" ? "rolearn" : "userarn");
        if (!parsed) {
          out.push({ res, groups: [], nodes: false, unreadable: `${key} = ${String(typeof text === "string" ? text : JSON.stringify(text)).slice(0, 80)}` });
          continue;
        }
        for (const p of parsed) out.push({ res, arn: p.arn, groups: p.groups, nodes: p.groups.length > 0 && p.groups.every((g) => NODE_GROUPS.has(g)) });
      }
    }
  }
  for (const type of AWS_AUTH_MANIFEST_TYPES) {
    for (const res of stack.byType.get(type) ?? []) {
      if (mayWriteAwsAuth(type, res)) out.push({ res, groups: [], nodes: false, unreadable: `${res.address} may write aws-auth from a manifest blastwall cannot read` });
    }
  }
  return out;
}

/**
 * Whether a manifest resource may write kube-system/aws-auth: it names aws-auth, or its kind, name and namespace are
 * not all written out as something else (a ConfigMap `app-config`, a Deployment, another namespace).
 */
function mayWriteAwsAuth(type: string, res: TfResource): boolean {
  const text = JSON.stringify(res.values);
  if (text.includes("aws-auth")) return true;
  if (type === "helm_release") return false;
  const written = (v: unknown): string | undefined => (typeof v === "string" && !v.includes("${") ? v : undefined);
  let kind: unknown, name: unknown, namespace: unknown;
  if (type === "kubernetes_manifest") {
    const m = res.values["manifest"];
    if (!isObject(m)) return true; // yamldecode(file(...)), a variable: anything
    const meta = isObject(m["metadata"]) ? m["metadata"] : {};
    [kind, name, namespace] = [m["kind"], meta["name"], meta["namespace"]];
  } else {
    const y = res.values["yaml_body"];
    if (typeof y !== "string") return true;
    const top = yamlTop(y);
    if (!top) return true;
    [kind, name, namespace] = [top.kind, top.name, res.values["override_namespace"] ?? top.namespace];
  }
  const k = written(kind);
  const n = written(name);
  const ns = written(namespace);
  if ((k !== undefined && k !== "ConfigMap") || (n !== undefined && n !== "aws-auth") || (ns !== undefined && ns !== "kube-system")) return false;
  return true;
}

/**
 * The kind, and the name and namespace directly under `metadata`, of a one-document YAML manifest; undefined when it
 * is anything blastwall does not read that simply (several documents, tags, a List, metadata from an expression).
 */
function yamlTop(y: string): { kind?: string; name?: string; namespace?: string } | undefined {
  const lines = y.replace(/\r\n?/g, "\n").split("\n");
  if (lines.some((l) => /^---/.test(l) || /!!/.test(l))) return undefined;
  const scalar = (v: string) => v.replace(/\s+#.*$/, "").trim().replace(/^(["'])(.*)\1$/, "$2");
  const out: { kind?: string; name?: string; namespace?: string } = {};
  for (let i = 0; i < lines.length; i++) {
    const top = /^([A-Za-z]+):\s*(.*)$/.exec(lines[i]);
    if (!top) continue;
    const [, key, value] = top;
    if (key === "kind") out.kind = scalar(value);
    if (key !== "metadata") continue;
    if (scalar(value) !== "") return undefined; // `metadata: ${...}` or a flow map
    let indent: number | undefined;
    for (let j = i + 1; j < lines.length; j++) {
      const l = lines[j];
      if (l.trim() === "" || /^\s*#/.test(l)) continue;
      const m = /^(\s+)([A-Za-z]+):\s*(.*)$/.exec(l);
      if (!m) {
        if (/^\S/.test(l)) break; // the next top-level key
        continue;
      }
      indent ??= m[1].length;
      if (m[1].length !== indent) continue; // deeper: labels, annotations
      if (m[2] === "name") out.name = scalar(m[3]);
      if (m[2] === "namespace") out.namespace = scalar(m[3]);
      if (m[2] === "generateName") return undefined;
    }
  }
  if (out.kind === "List" || out.kind === undefined) return undefined;
  return out;
}

function readLiteral(stack: TfStack, v: unknown): string | undefined {
  if (typeof v !== "string") return undefined;
  if (!v.includes("${")) return v;
  const p = resolveToPattern(stack, v);
  return p.exact ? p.pattern : undefined;
}

/** `mapRoles` / `mapUsers` as YAML text, or as `${yamlencode([...])}` of a list blastwall can evaluate. */
function mappingsOf(stack: TfStack, text: unknown, arnKey: string): { arn: string; groups: string[] }[] | undefined {
  if (typeof text !== "string") return undefined;
  if (/^\s*\$\{\s*yamlencode\s*\(/.test(text) && text.trim().endsWith("}")) {
    // The same list as JSON: evaluated as a jsonencode would be, references kept as `${...}`.
    const json = encodedDocument(stack, text.replace(/yamlencode\s*\(/, "jsonencode("));
    if (json === undefined) return undefined;
    let list: unknown;
    try {
      list = JSON.parse(json);
    } catch {
      return undefined;
    }
    if (!Array.isArray(list)) return undefined;
    const out: { arn: string; groups: string[] }[] = [];
    for (const e of list) {
      if (!isObject(e) || typeof e[arnKey] !== "string") return undefined;
      const groups = e["groups"];
      if (groups !== undefined && !(Array.isArray(groups) && groups.every((g) => typeof g === "string"))) return undefined;
      out.push({ arn: (e[arnKey] as string).replace(/\$\$\{/g, "${"), groups: (groups as string[] | undefined) ?? [] });
    }
    return out;
  }
  if (/^\s*\$\{(?!aws_iam_)/.test(text)) return undefined;
  return parseMappings(text, arnKey);
}

/**
 * `mapRoles` / `mapUsers` YAML as the EKS docs write it: a list of entries with the ARN key, `username` and `groups`
 * (a block list or a flow list). Undefined when the text is not such a list (blastwall then cannot read it).
 */
function parseMappings(text: string, arnKey: string): { arn: string; groups: string[] }[] | undefined {
  const out: { arn?: string; groups: string[] }[] = [];
  let base: number | undefined;
  let inGroups = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, "");
    if (line.trim() === "") continue;
    const m = /^(\s*)(-\s+)?(.*)$/.exec(line)!;
    const indent = m[1].length;
    const rest = m[3].trim();
    if (m[2] !== undefined && (base === undefined || indent <= base)) {
      // A new entry at the list's own indentation.
      base ??= indent;
      out.push({ groups: [] });
      inGroups = false;
    } else if (m[2] !== undefined) {
      // A deeper item: one of the current entry's groups.
      if (!inGroups || out.length === 0) return undefined;
      out[out.length - 1].groups.push(unquote(rest));
      continue;
    }
    const cur = out[out.length - 1];
    const kv = /^([A-Za-z]+):\s*(.*)$/.exec(rest);
    if (!cur || !kv) return undefined;
    const [, key, value] = kv;
    inGroups = false;
    if (key === arnKey) cur.arn = unquote(value);
    else if (key === "groups") {
      if (value.startsWith("[")) cur.groups.push(...value.replace(/^\[|\]$/g, "").split(",").map((g) => unquote(g)).filter(Boolean));
      else if (value === "") inGroups = true;
      else cur.groups.push(unquote(value));
    }
  }
  if (out.some((e) => e.arn === undefined)) return undefined;
  return out as { arn: string; groups: string[] }[];
}

function unquote(s: string): string {
  return s.trim().replace(/^["']|["']$/g, "");
}
