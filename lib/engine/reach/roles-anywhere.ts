/**
 * IAM Roles Anywhere (E3, beside PROVIDER_REWRITE): `rolesanywhere:CreateSession` is authenticated by an X.509
 * certificate that chains to a trust anchor's CA, not by IAM. Whoever can put a CA of its own into a trust anchor
 * (`UpdateTrustAnchor` on an existing one, `CreateTrustAnchor` for a new one) signs a certificate with any subject
 * and gets a session of every role that a profile lists and whose trust admits `rolesanywhere.amazonaws.com`.
 * Whoever can also write a profile (`CreateProfile`, `UpdateProfile`) lists the role itself. An anchor whose source is
 * an ACM Private CA (`AWS_ACM_PCA`) trusts every end-entity certificate that CA issues: whoever may
 * `acm-pca:IssueCertificate` on it signs its own CSR with the CA and gets the same sessions, no anchor right needed.
 *
 * What limits it: the trust's `aws:SourceArn` condition, the trust anchor the session is made through (an existing
 * anchor it names can only be rewritten, a new anchor's id is random; an anchor right written as a reference to one
 * anchor, `${aws_rolesanywhere_trust_anchor.a.arn}`, covers that anchor only), and the profiles that list the role. A
 * role no profile of the stack lists may be listed by one outside it (fail closed). Conditions on the certificate
 * (`aws:PrincipalTag/x509Subject/CN`, ...) hold for a certificate the writer signs. A profile's session policies
 * are not read (fail closed).
 */
import type { Statement } from "../iam/types";
import type { Grant, PrincipalNode } from "../analysis-types";
import type { TfResource, TfStack } from "../terraform/types";
import { globsIntersect } from "../iam/glob";
import { principalAdmits } from "../iam/trust";
import { trustMayAdmitService } from "../principals/collect";
import { blocks } from "../json";
import { refTarget, referencedResource, resolveToPattern } from "../terraform/tokens";
import { statementName } from "../describe";
import type { LoginContext, ResourceLookup } from "./resource-index";

export const ANCHOR_REWRITE = ["rolesanywhere:UpdateTrustAnchor"] as const;
export const ANCHOR_CREATE = ["rolesanywhere:CreateTrustAnchor"] as const;
export const PROFILE_WRITE = ["rolesanywhere:CreateProfile", "rolesanywhere:UpdateProfile"] as const;
export const PCA_ISSUE = "acm-pca:IssueCertificate";

const SERVICE = "rolesanywhere.amazonaws.com";
const NEW_ANCHOR = "arn:aws:rolesanywhere:*:*:trust-anchor/00000000-new-anchor";

export interface AnywhereContext extends LoginContext {
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
    if (ref && ref.address.startsWith("aws_rolesanywhere_trust_anchor.")) return anchor.res !== undefined && ref.address === anchor.res.address;
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
        if (!named && ctx.anchors.reachesOutside(r)) controlled.push({ pattern: r, shown: `trust anchors matching ${r}`, action, g, how: PUT_CA });
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
            `${grantText(a.g)} ${a.how === PUT_CA ? `lets it put a CA of its own into ${a.shown} and sign a certificate` : a.how} for rolesanywhere:CreateSession, which asks for no IAM right; the trust policy of ${role.address} admits ${SERVICE} (${statementName(t.statement)})${t.sourceArns ? ` for that anchor` : " from any trust anchor"}, and ${listed}. Take ${a.action} away from the principal, or condition the trust on aws:SourceArn of an anchor only administrators can change.`,
        });
        break found;
      }
    }
  }
  return out;
}

export function rolesAnywhereActions(): string[] {
  return [...ANCHOR_REWRITE, ...ANCHOR_CREATE, ...PROFILE_WRITE, PCA_ISSUE];
}

const PUT_CA = "put-ca";

/**
 * The stack's anchors backed by an ACM Private CA the principal may issue certificates from. The CA is the anchor's
 * `source_data.acm_pca_arn`: one of the stack's CAs by reference, else a pattern (a literal ARN, a variable) that the
 * grant's pattern must be able to cover.
 */
function pcaAnchors(ctx: AnywhereContext): Controlled[] {
  const grants = ctx.grants(PCA_ISSUE);
  if (grants.length === 0) return [];
  const out: Controlled[] = [];
  for (const anchor of ctx.stack.byType.get("aws_rolesanywhere_trust_anchor") ?? []) {
    for (const src of blocks(anchor.values["source"])) {
      const type = src["source_type"];
      if (typeof type === "string" && !type.includes("${") && type !== "AWS_ACM_PCA") continue;
      const ca = blocks(src["source_data"])[0]?.["acm_pca_arn"];
      const ref = refTarget(ca);
      const stackCa = ref ? ctx.stack.byAddress.get(ref.address) : undefined;
      const caRes = stackCa && stackCa.type === "aws_acmpca_certificate_authority" && ref?.attribute === "arn" ? stackCa : undefined;
      const caPattern = caRes ? undefined : typeof ca === "string" ? resolveToPattern(ctx.stack, ca).pattern : "*";
      for (const g of grants) {
        const r = g.resources.find((x) => {
          if (caRes) return (ctx.privateCas.referenced(g, x) ?? ctx.privateCas.matching(x)).includes(caRes);
          return globsIntersect(x, caPattern ?? "*", { caseInsensitive: true });
        });
        if (r === undefined) continue;
        const shown = caRes ? caRes.address : typeof ca === "string" ? ca : "a private CA blastwall cannot read";
        out.push({ res: anchor, shown: anchor.address, action: PCA_ISSUE, g, how: `lets it have ${shown}, the ACM Private CA behind ${anchor.address}, sign a certificate for a key of its own, which the anchor trusts,` });
        break;
      }
    }
  }
  return out;
}

/** A role value blastwall could not resolve (a reference or a token), which may name any role; a literal ARN or name that matches none of the stack's roles names one outside it. */
function unresolved(v: unknown): boolean {
  return typeof v !== "string" || v.includes("${");
}
