/**
 * IAM Roles Anywhere (E3, beside PROVIDER_REWRITE): `rolesanywhere:CreateSession` is authenticated by an X.509
 * certificate that chains to a trust anchor's CA, not by IAM. Whoever can put a CA of its own into a trust anchor
 * (`UpdateTrustAnchor` on an existing one, `CreateTrustAnchor` for a new one) signs a certificate with any subject
 * and gets a session of every role that a profile lists and whose trust admits `rolesanywhere.amazonaws.com`.
 * Whoever can also write a profile (`CreateProfile`, `UpdateProfile`) lists the role itself. An anchor whose CA is
 * an ACM Private CA (an `AWS_ACM_PCA` source, or a `CERTIFICATE_BUNDLE` holding that CA's certificate) trusts every
 * end-entity certificate that CA issues: whoever may `acm-pca:IssueCertificate` on it signs its own CSR with the CA
 * and gets the same sessions, no anchor right needed.
 *
 * What limits it: the trust's `aws:SourceArn` condition, the trust anchor the session is made through (an existing
 * anchor it names can only be rewritten, a new anchor's id is random; an anchor right written as a reference to one
 * anchor, `${aws_rolesanywhere_trust_anchor.a.arn}`, covers that anchor only), and the profiles that list the role. A
 * role no profile of the stack lists may be listed by one outside it (fail closed). The roles outside the stack an
 * anchor outside it (or a new one) leads to are edges-assume.ts `loginRewriteEdges`'s. Conditions on the certificate
 * (`aws:PrincipalTag/x509Subject/CN`, ...) hold for a certificate the writer signs. A profile's session policies
 * are not read (fail closed).
 */
import { blocksWithDynamic } from "./dynamic-blocks";
import type { Statement } from "../iam/types";
import type { Grant, PrincipalNode } from "../analysis-types";
import type { TfResource, TfStack } from "../terraform/types";
import { globsIntersect } from "../iam/glob";
import { principalAdmits } from "../iam/trust";
import { trustMayAdmitService } from "../principals/collect";
import { attributePattern, parseReference, parseTemplate, refTarget, referencedResource, resolveToPattern } from "../terraform/tokens";
import { statementName } from "../describe";
import type { LoginContext, ResourceLookup } from "./resource-index";
import { resourcePolicyAllows } from "../resource-policies";
import { ANCHOR_CREATE, ANCHOR_REWRITE, PCA_ISSUE, PCA_POLICY, PROFILE_WRITE } from "./rare-actions";

const SERVICE = "rolesanywhere.amazonaws.com";
const NEW_ANCHOR = "arn:aws:rolesanywhere:*:*:trust-anchor/00000000-new-anchor";

export interface AnywhereContext extends LoginContext {
  /** The principal whose paths these are (an ACM Private CA's resource policy may name it). */
  readonly principal?: PrincipalNode;
  readonly anchors: ResourceLookup;
  /** The stack's ACM Private CAs. */
  readonly privateCas: ResourceLookup;
}

export interface AnywhereEdge {
  readonly to: string;
  readonly label: string;
  readonly via: string;
  readonly why: () => string;
}

/** An anchor the principal controls: one of the stack's, or any matching a pattern (outside, or new). */
interface Controlled {
  readonly res?: TfResource;
  readonly pattern?: string;
  readonly shown: string;
  readonly action: string;
  readonly g: Grant;
  /** How the principal gets a certificate the anchor trusts: PUT_CA, or the words for another way. */
  readonly how: string;
  /** How to cut the path, when not the usual words. */
  readonly fix?: string;
}

interface AnywhereTrust {
  readonly statement: Statement;
  readonly sourceArns?: readonly string[];
}

const trustingRoles = new WeakMap<readonly PrincipalNode[], readonly { readonly role: PrincipalNode; readonly trusts: readonly AnywhereTrust[] }[]>();

/**
 * The roles whose trust admits the service, with those statements: the same for every principal asked about, so
 * found once per list of roles (asking per principal made the search quadratic in a stack of many roles).
 */
function rolesTrustingAnywhere(roles: readonly PrincipalNode[]): readonly { readonly role: PrincipalNode; readonly trusts: readonly AnywhereTrust[] }[] {
  let hit = trustingRoles.get(roles);
  if (!hit) {
    const found: { role: PrincipalNode; trusts: AnywhereTrust[] }[] = [];
    for (const role of roles) {
      if (role.kind !== "role" || !trustMayAdmitService(role.resource.values["assume_role_policy"], SERVICE)) continue;
      const trusts = anywhereTrusts(role);
      if (trusts.length > 0) found.push({ role, trusts });
    }
    trustingRoles.set(roles, (hit = found));
  }
  return hit;
}

/** The trust statements that admit the service, with the anchors their `aws:SourceArn` condition allows (undefined: any). */
function anywhereTrusts(role: PrincipalNode): AnywhereTrust[] {
  if (!role.trustPolicy) return [];
  return principalAdmits(role.trustPolicy.statements, { arnPattern: "", service: SERVICE }).map((statement) => {
    // aws:SourceArn is single-valued; ForAnyValue: over it restricts it the same way (ForAllValues: holds when it is absent).
    const c = statement.conditions.find((x) => x.key.toLowerCase() === "aws:sourcearn" && /^(foranyvalue:)?(arn|string)(equals|like)$/.test(x.operator.toLowerCase()));
    return { statement, sourceArns: c?.values };
  });
}

/** Whether a trust's `aws:SourceArn` values may name the anchor. */
function sourceAllows(stack: TfStack, values: readonly string[] | undefined, anchor: Controlled): boolean {
  if (!values) return true;
  return values.some((v) => {
    const ref = refTarget(v);
    // An instance of a counted anchor (`a[0]`) is that anchor (AddressMap falls back to the block).
    if (ref && ref.address.startsWith("aws_rolesanywhere_trust_anchor.")) return anchor.res !== undefined && stack.byAddress.get(ref.address) === anchor.res;
    // `arn:...:trust-anchor/${aws_rolesanywhere_trust_anchor.a.id}`: that anchor's own id, never a new anchor's.
    const written = referencedResource(stack, v, ["aws_rolesanywhere_trust_anchor"]);
    if (written) return anchor.res !== undefined && written.address === anchor.res.address;
    // A value known only at apply time may be any anchor.
    if (ref || v.includes("${")) return true;
    return anchor.pattern !== undefined && globsIntersect(v, anchor.pattern, { caseInsensitive: true });
  });
}

/** Why the role may be in a profile a session can name, or undefined when no profile can name it. */
function listedBy(ctx: AnywhereContext, role: PrincipalNode, writesProfiles: Grant | undefined): string | undefined {
  if (writesProfiles) return `${writesProfiles.statement.source.address} lets it write a profile that lists the role (${writesProfiles.action})`;
  const profiles = ctx.stack.byType.get("aws_rolesanywhere_profile") ?? [];
  for (const p of profiles) {
    const arns = p.values["role_arns"];
    for (const v of Array.isArray(arns) ? arns : [arns]) {
      if (v === undefined || v === null) continue;
      const to = ctx.roleOf(v);
      if (to === role.address) return `${p.address} lists it`;
      if (to === undefined && unresolved(v)) return `${p.address} lists a role blastwall cannot resolve, which may be this one`;
    }
  }
  // A stack with no profile of its own leaves them to another stack, whose profiles may list any role.
  return profiles.length === 0 ? "no profile of this stack says which roles sessions may take, and a profile outside it may list this one" : undefined;
}

export function rolesAnywhereEdges(ctx: AnywhereContext, grantText: (g: Grant) => string): AnywhereEdge[] {
  const controlled: Controlled[] = [];
  for (const action of ANCHOR_REWRITE) {
    for (const g of ctx.grants(action)) {
      for (const r of g.resources) {
        const named = ctx.anchors.referenced(g, r);
        for (const res of named ?? ctx.anchors.matching(r)) controlled.push({ res, shown: res.address, action, g, how: PUT_CA });
        if (!named && ctx.anchors.reachesOutside(r, g)) controlled.push({ pattern: r, shown: `trust anchors matching ${r}`, action, g, how: PUT_CA });
      }
    }
  }
  for (const action of ANCHOR_CREATE) for (const g of ctx.grants(action)) controlled.push({ pattern: NEW_ANCHOR, shown: "a new trust anchor", action, g, how: PUT_CA });
  controlled.push(...pcaAnchors(ctx));
  if (controlled.length === 0) return [];
  const writesProfiles = PROFILE_WRITE.flatMap((a) => ctx.grants(a))[0];
  const out: AnywhereEdge[] = [];
  for (const { role, trusts } of rolesTrustingAnywhere(ctx.roles)) {
    const listed = listedBy(ctx, role, writesProfiles);
    if (!listed) continue;
    found: for (const t of trusts) {
      for (const a of controlled) {
        if (!sourceAllows(ctx.stack, t.sourceArns, a)) continue;
        out.push({
          to: role.address,
          label: a.action,
          via: a.g.statement.source.address,
          why: () =>
            `${grantText(a.g)} ${a.how === PUT_CA ? `lets it put a CA of its own into ${a.shown} and sign a certificate` : a.how} for rolesanywhere:CreateSession, which asks for no IAM right; the trust policy of ${role.address} admits ${SERVICE} (${statementName(t.statement)})${t.sourceArns ? ` for that anchor` : " from any trust anchor"}, and ${listed}. ${a.fix ?? `Take ${a.action} away from the principal, or condition the trust on aws:SourceArn of an anchor only administrators can change.`}`,
        });
        break found;
      }
    }
  }
  return out;
}

const PUT_CA = "put-ca";

/**
 * A private CA as the plan tells it: one of the stack's (made here, or read by a data source), or ARNs outside it.
 * `pattern`: its ARN as far as known (for one of the stack's that a grant's pattern matches, that pattern).
 */
interface CaNode {
  readonly res?: TfResource;
  readonly pattern: string;
}

/**
 * A CA an anchor trusts. `ca`: one CA; "pem": a certificate written as literal text, which may be that of any CA (this
 * stack's too, once applied); "any": a value blastwall cannot read, which may be that of any CA. `shown` finishes the
 * sentence "lets it have ... sign a certificate".
 */
interface TrustedCa {
  readonly ca: CaNode | "pem" | "any";
  readonly shown: string;
}

/**
 * A CA whose certificates chain up to a CA of the stack: one of its ancestors (an outside CA named by ARN, a CA of
 * the stack), or "unknown" when a subordinate CA's issuer cannot be traced. `path` says how, for the evidence.
 */
interface Ancestor {
  readonly ca: CaNode | "unknown";
  readonly path: string;
  /**
   * For "unknown": the untraced part lies above a CA outside the stack (one read by a data source, or named by ARN),
   * so it may be any CA, this stack's included: a root the stack made on an earlier apply signs subordinates made
   * later elsewhere (another stack, another account through RAM, by hand).
   */
  readonly aboveOutside?: boolean;
}

const PCA_TYPES = ["aws_acmpca_certificate_authority"] as const;
const ci = { caseInsensitive: true };

/**
 * The stack's anchors that trust certificates an ACM Private CA the principal may issue from signs: whoever may
 * `acm-pca:IssueCertificate` signs its own CSR (the default EndEntityCertificate/V1 template carries clientAuth) and
 * CreateSession takes the certificate. An anchor trusts its CA in either source type: `AWS_ACM_PCA` names it by
 * `acm_pca_arn`; a `CERTIFICATE_BUNDLE` holds its certificate in `x509_certificate_data`, which is often a private
 * CA's own (`${aws_acmpca_certificate_authority.ca.certificate}`, shared from another account, read by a data source).
 * A certificate a subordinate CA below the anchor's CA issues is trusted too: CreateSession validates the chain sent
 * in X-Amz-X509-Chain up to the anchor, so issuing from any CA below is issuing from the anchor's CA (`ancestors`).
 */
function pcaAnchors(ctx: AnywhereContext): Controlled[] {
  const grants = [...ctx.grants(PCA_ISSUE), ...ctx.grants(PCA_POLICY), ...policyIssues(ctx)];
  if (grants.length === 0) return [];
  const out: Controlled[] = [];
  for (const anchor of ctx.stack.byType.get("aws_rolesanywhere_trust_anchor") ?? []) {
    for (const trusted of trustedCas(ctx.stack, anchor)) {
      const hit = firstIssue(ctx, grants, trusted);
      if (!hit) continue;
      out.push({ res: anchor, shown: anchor.address, action: hit.g.action, g: hit.g, how: hit.how, fix: hit.fix });
      break;
    }
  }
  return out;
}

/**
 * IssueCertificate that the stack's ACM Private CA resource policies (`aws_acmpca_policy`) give the principal, as
 * grants on the CA the policy is on (written as its `resource_arn`). AWS documents these policies for other accounts;
 * within one account they are read as any resource policy is (an Allow naming the principal is enough, but for a
 * permission boundary that caps a grant to its role ARN): fail closed.
 */
function policyIssues(ctx: AnywhereContext): Grant[] {
  const p = ctx.principal;
  if (!p) return [];
  const out: Grant[] = [];
  for (const res of ctx.stack.byType.get("aws_acmpca_policy") ?? []) {
    if (res.mode !== "managed") continue;
    const s = resourcePolicyAllows(ctx.stack, res, "policy", p, PCA_ISSUE);
    if (!s) continue;
    const written = res.values["resource_arn"];
    const ca = typeof written === "string" ? resolveToPattern(ctx.stack, written).pattern : "*";
    const statement = { ...s, resources: [ca], notResources: undefined, writtenResources: typeof written === "string" ? [written] : undefined, approximateResources: [0] };
    out.push({ action: PCA_ISSUE, statement, resources: [ca], conditional: s.conditions.length > 0 });
  }
  return out;
}

/** The first grant that lets the principal have a certificate the anchor's CA `trusted` trusts signed, with the words. */
function firstIssue(ctx: AnywhereContext, grants: readonly Grant[], trusted: TrustedCa): { g: Grant; how: string; fix?: string } | undefined {
  const one = trusted.ca !== "pem" && trusted.ca !== "any";
  for (const g of grants) {
    for (const x of g.resources) {
      // The CAs the grant names: the stack's it was written as references to, else the ARN pattern (which may be
      // any of the stack's CAs it matches, or a CA outside the stack).
      const named = ctx.privateCas.referenced(g, x);
      const issuers: CaNode[] = named ? named.map((res) => caNode(ctx.stack, res)) : [{ pattern: x }, ...ctx.privateCas.matching(x).map((res) => ({ res, pattern: x }))];
      for (const issuer of issuers) {
        const own = issuer.res ? issuer.res.address : `private CAs matching ${x}`;
        if (trusts(ctx, trusted, issuer)) {
          return {
            g,
            how: `lets it have ${one ? trusted.shown : `${own}, which may be ${trusted.shown}`}, sign a certificate for a key of its own, which the anchor trusts,`,
            fix: `Take ${g.action} on ${own} away from the principal, or back the anchor with a CA no agent may issue from${one ? "" : ", written as a reference to that CA"}.`,
          };
        }
        // A CA the grant may name outside the stack (or no CA of it at all) has a chain the plan does not hold.
        if (!issuer.res && !ctx.privateCas.reachesOutside(x, g)) continue;
        const chain: readonly Ancestor[] = issuer.res ? ancestors(ctx.stack, issuer.res) : [{ ca: "unknown", aboveOutside: true, path: `a private CA matching ${x} lies outside this stack, and the CA that issued its certificate is not in the plan` }];
        // A CA the chain certainly reaches is said before one it may reach.
        for (const up of [...chain.filter((x) => x.ca !== "unknown"), ...chain.filter((x) => x.ca === "unknown")]) {
          if (up.ca === "unknown") {
            return {
              g,
              how: `lets it have ${own} sign a certificate for a key of its own; ${up.path}, so it may chain up to ${trusted.shown}, and CreateSession validates the chain sent in X-Amz-X509-Chain up to the anchor's CA: that certificate may be trusted`,
              fix: up.aboveOutside
                ? `Take ${g.action} on ${own} away from the principal: blastwall cannot see which CA a CA outside this stack chains to, and issuing from a CA below the anchor's CA is issuing from that CA.`
                : `Install the CA certificate of every subordinate CA on that chain in this stack (an aws_acmpca_certificate_authority_certificate whose certificate an aws_acmpca_certificate of this stack issues), so blastwall can see which CA it chains to, or take ${g.action} on ${own} away from the principal.`,
            };
          }
          if (trusts(ctx, trusted, up.ca)) {
            return {
              g,
              how: `lets it have ${own} sign a certificate for a key of its own and send it with the chain (${up.path}) up to ${trusted.shown}; CreateSession validates the chain sent in X-Amz-X509-Chain up to the anchor's CA, so the anchor trusts it,`,
              fix: `Take ${g.action} on ${own} away from the principal: issuing from a CA below the anchor's CA is issuing from that CA.`,
            };
          }
        }
      }
    }
  }
  return undefined;
}

/** Whether a certificate the CA `ca` signs (or one below it) is trusted by `trusted`. */
function trusts(ctx: AnywhereContext, trusted: TrustedCa, ca: CaNode): boolean {
  const t = trusted.ca;
  if (t === "any") return true;
  // blastwall does not parse the PEM, so it cannot tell which CA's certificate it is: any CA's, this stack's own too
  // (once applied, its certificate exists and may be pasted in; the first-apply reading failed open, red-team round 63).
  if (t === "pem") return true;
  if (t.res && ca.res) return t.res === ca.res;
  if (t.res) return ctx.privateCas.matching(ca.pattern).includes(t.res);
  return globsIntersect(ca.pattern, t.pattern, ci);
}

function caNode(stack: TfStack, res: TfResource): CaNode {
  return { res, pattern: attributePattern(stack, res, "arn").pattern };
}

/** The CAs an anchor trusts (see `pcaAnchors`); none for a source of another type. */
function trustedCas(stack: TfStack, anchor: TfResource): TrustedCa[] {
  const out: TrustedCa[] = [];
  // A `dynamic "source"` (or `source_data`) is read as far as it goes: what its iterator sets is unknown, and a
  // content blastwall cannot read may trust any CA (red-team round 66: it read as trusting nothing).
  const sources = blocksWithDynamic(anchor.values, "source");
  if (sources.unread) out.push({ ca: "any", shown: `a source of ${anchor.address} written as a dynamic block blastwall cannot read` });
  for (const src of sources.blocks) {
    const type = src["source_type"];
    const sourceData = blocksWithDynamic(src, "source_data");
    if (sourceData.unread) out.push({ ca: "any", shown: `the source_data of ${anchor.address}, a dynamic block blastwall cannot read` });
    const data = sourceData.blocks[0] ?? {};
    // A type known only at apply time may be either.
    const known = typeof type === "string" && !type.includes("${");
    const pca = !known || type === "AWS_ACM_PCA";
    const bundle = !known || type === "CERTIFICATE_BUNDLE";
    if (pca && (known || data["acm_pca_arn"] !== undefined)) out.push(pcaSource(stack, anchor, data["acm_pca_arn"]));
    if (bundle && (known || data["x509_certificate_data"] !== undefined)) out.push(...bundleSource(stack, anchor, data["x509_certificate_data"]));
    if (!known && data["acm_pca_arn"] === undefined && data["x509_certificate_data"] === undefined) out.push({ ca: "any", shown: `a private CA blastwall cannot read, the source of ${anchor.address}` });
  }
  return out;
}

/** An `AWS_ACM_PCA` source: one of the stack's CAs by reference, else a pattern (a literal ARN, a variable). */
function pcaSource(stack: TfStack, anchor: TfResource, ca: unknown): TrustedCa {
  const ref = refTarget(ca);
  const stackCa = ref ? stack.byAddress.get(ref.address) : undefined;
  if (stackCa && stackCa.type === PCA_TYPES[0] && ref?.attribute === "arn") return { ca: caNode(stack, stackCa), shown: `${stackCa.address}, the ACM Private CA behind ${anchor.address}` };
  const pattern = typeof ca === "string" ? resolveToPattern(stack, ca).pattern : "*";
  return { ca: { pattern }, shown: `${typeof ca === "string" ? ca : "a private CA blastwall cannot read"}, the ACM Private CA behind ${anchor.address}` };
}

/**
 * A `CERTIFICATE_BUNDLE` source: the CAs whose certificates `x509_certificate_data` holds. A reference to a private
 * CA's certificate (the CA's own `certificate`, the certificate an `aws_acmpca_certificate_authority_certificate`
 * installs, an `aws_acmpca_certificate` issued for a CA's CSR) is that CA; a `certificate_chain` is the CAs above
 * it. Literal text is a PEM blastwall does not match to a CA ("pem", any CA); anything else (a variable, `file()`, another
 * resource's attribute) may be any CA's certificate ("any").
 */
function bundleSource(stack: TfStack, anchor: TfResource, v: unknown): TrustedCa[] {
  const where = `the certificate bundle of ${anchor.address} (source_data.x509_certificate_data)`;
  const any = (what: string): TrustedCa => ({ ca: "any", shown: `a CA whose certificate ${where} may hold, as it is ${what}, a value blastwall cannot read` });
  if (typeof v !== "string") return [any("not a string")];
  const out: TrustedCa[] = [];
  for (const part of parseTemplate(v)) {
    if (part.kind === "literal") {
      if (part.text.trim() !== "") out.push({ ca: "pem", shown: `the CA whose certificate ${where} holds as a literal PEM (blastwall does not read PEMs: it may be the certificate of any CA, this stack's included)` });
      continue;
    }
    const ref = part.directive ? undefined : parseReference(part.expr);
    const res = ref && (ref.kind === "resource" || ref.kind === "data") && ref.path.length === 0 ? stack.byAddress.get(ref.address) : undefined;
    const found = res ? certificateOf(stack, res, ref?.attribute) : undefined;
    if (!found) {
      out.push(any(part.raw));
      continue;
    }
    for (const f of found) out.push(f.ca === "unknown" ? any(`${part.raw} (${f.path})`) : { ca: f.ca, shown: `${f.ca.res ? f.ca.res.address : `a private CA matching ${f.ca.pattern}`}, whose CA certificate ${where} holds (${part.raw}${f.path ? `: ${f.path}` : ""})` });
  }
  return out;
}

/** The CAs whose certificates an attribute of a private CA resource holds; undefined when it is none blastwall reads. */
function certificateOf(stack: TfStack, res: TfResource, attribute: string | undefined): Ancestor[] | undefined {
  const caAt = (v: unknown): CaNode => {
    const named = typeof v === "string" ? referencedResource(stack, v, PCA_TYPES) : undefined;
    return named ? caNode(stack, named) : { pattern: typeof v === "string" ? resolveToPattern(stack, v).pattern : "*" };
  };
  // The chain of a CA outside the stack is not in the plan: any CA.
  const chainOf = (ca: CaNode): Ancestor[] => (ca.res && ca.res.mode === "managed" ? [...ancestors(stack, ca.res)] : [{ ca: "unknown", path: `the chain of a CA outside this stack` }]);
  if (res.type === PCA_TYPES[0]) {
    if (attribute === "certificate") return [{ ca: caNode(stack, res), path: "" }];
    if (attribute === "certificate_chain") return chainOf(caNode(stack, res));
    return undefined;
  }
  if (res.type === "aws_acmpca_certificate_authority_certificate" && res.mode === "managed") {
    const ca = caAt(res.values["certificate_authority_arn"]);
    if (attribute === "certificate") return [{ ca, path: `the certificate ${res.address} installs on it` }];
    if (attribute === "certificate_chain") return chainOf(ca);
    return undefined;
  }
  if (res.type === "aws_acmpca_certificate" && res.mode === "managed") {
    const issuer = caAt(res.values["certificate_authority_arn"]);
    if (attribute === "certificate_chain") return [{ ca: issuer, path: `the chain of ${res.address}` }, ...chainOf(issuer)];
    if (attribute !== "certificate") return undefined;
    // The certificate of a CA's own CSR is that CA's certificate; one for another key is a CA blastwall cannot name.
    const csr = refTarget(res.values["certificate_signing_request"]);
    const subject = csr && csr.attribute === "certificate_signing_request" ? stack.byAddress.get(csr.address) : undefined;
    if (subject && subject.type === PCA_TYPES[0]) return [{ ca: caNode(stack, subject), path: `${res.address} is issued for its CSR` }];
    return [{ ca: "unknown", path: `${res.address} is issued for a CSR that is no private CA's of this stack` }];
  }
  return undefined;
}

const lineage = new WeakMap<TfStack, Map<TfResource, readonly Ancestor[]>>();

/**
 * The CAs a private CA of the stack chains up to, nearest first. A ROOT CA signs its own certificate. A SUBORDINATE
 * one (the provider's default type) has the certificate an `aws_acmpca_certificate_authority_certificate` installs,
 * which an `aws_acmpca_certificate` issued from its parent (`certificate_authority_arn`): a CA of the stack (followed
 * up), or one outside it named by ARN. A subordinate whose installed certificate blastwall cannot trace, or that no
 * resource of the stack installs one on, may chain to any CA ("unknown": fail closed). The chain of a CA outside the
 * stack (named by ARN, or read by a data source, whose `type` the plan does not say) is not in the plan: it may chain
 * to any CA ("unknown", `aboveOutside`), this stack's included: a shared issuing subordinate reaches the root it is
 * under, wherever that root's certificate is read from, and a root this stack made on an earlier apply routinely
 * signs subordinates made afterwards elsewhere.
 */
function ancestors(stack: TfStack, ca: TfResource): readonly Ancestor[] {
  let byCa = lineage.get(stack);
  if (!byCa) lineage.set(stack, (byCa = new Map()));
  const hit = byCa.get(ca);
  if (hit) return hit;
  const out: Ancestor[] = [];
  const seen = new Set<TfResource>([ca]);
  const walk = (at: TfResource, before: string) => {
    for (const p of parentsOf(stack, at)) {
      const path = before ? `${before}; ${p.path}` : p.path;
      if (p.ca !== "unknown" && p.ca.res) {
        if (seen.has(p.ca.res)) continue;
        seen.add(p.ca.res);
        out.push({ ca: p.ca, path });
        walk(p.ca.res, path);
      } else if (p.ca !== "unknown") {
        out.push({ ca: p.ca, path });
        out.push({ ca: "unknown", aboveOutside: true, path: `${path}; the CA that issued the certificate of ${p.ca.pattern}, a CA outside this stack, is not in the plan` });
      } else out.push({ ...p, path });
    }
  };
  walk(ca, "");
  byCa.set(ca, out);
  return out;
}

/** The CAs that issued a stack CA's certificate (see `ancestors`), with the words for each. */
function parentsOf(stack: TfStack, ca: TfResource): Ancestor[] {
  if (ca.mode === "data") return [{ ca: "unknown", aboveOutside: true, path: `${ca.address} is read by a data source: a CA outside this stack, whose type and issuer the plan does not hold` }];
  if (ca.values["type"] === "ROOT") return [];
  const installs = (stack.byType.get("aws_acmpca_certificate_authority_certificate") ?? []).filter((i) => i.mode === "managed" && typeof i.values["certificate_authority_arn"] === "string" && referencedResource(stack, i.values["certificate_authority_arn"] as string, PCA_TYPES) === ca);
  const subordinate = `${ca.address} is a subordinate CA`;
  if (installs.length === 0) return [{ ca: "unknown", path: `${subordinate} whose CA certificate no aws_acmpca_certificate_authority_certificate of this stack installs, so blastwall cannot tell which CA issued it` }];
  const out: Ancestor[] = [];
  for (const inst of installs) {
    const ref = refTarget(inst.values["certificate"]);
    const cert = ref && ref.attribute === "certificate" && ref.path.length === 0 ? stack.byAddress.get(ref.address) : undefined;
    if (!cert || cert.type !== "aws_acmpca_certificate" || cert.mode !== "managed") {
      out.push({ ca: "unknown", path: `${subordinate} whose CA certificate ${inst.address} installs from a value blastwall cannot trace to the CA that issued it` });
      continue;
    }
    const issuer = cert.values["certificate_authority_arn"];
    const named = typeof issuer === "string" ? referencedResource(stack, issuer, PCA_TYPES) : undefined;
    if (named === ca) continue;
    const parent: CaNode = named ? caNode(stack, named) : { pattern: typeof issuer === "string" ? resolveToPattern(stack, issuer).pattern : "*" };
    out.push({ ca: parent, path: `the CA certificate of ${ca.address} (${cert.address}, installed by ${inst.address}), which ${named ? named.address : `a private CA matching ${parent.pattern}`} issued` });
  }
  return out;
}

/** A role value blastwall could not resolve (a reference or a token), which may name any role; a literal ARN or name that matches none of the stack's roles names one outside it. */
function unresolved(v: unknown): boolean {
  return typeof v !== "string" || v.includes("${");
}
