/**
 * Services that hand out a role's credentials to whoever they authorise, with no sts:AssumeRole and no iam:PassRole
 * (red-team round 98):
 *
 * - The AWS IoT credential provider returns credentials of the role an IoT role alias names to any active certificate
 *   whose IoT policy allows `iot:AssumeRoleWithCertificate` on the alias (an IoT policy action, not an IAM one).
 *   A caller that makes a certificate whose key it holds and attaches a policy to it (or puts it on a thing whose
 *   groups have one) gets those credentials; PassRole is checked only when an alias is made or changed.
 * - S3 Access Grants: `s3:GetDataAccess` returns credentials of a location's IAM role, scoped to a grant the caller
 *   holds. `s3:CreateAccessGrant` makes such a grant for the caller itself.
 * - Greengrass v2 (red-team round 100): a core device takes its credentials from the IoT credential provider through
 *   its role alias (the token exchange role), and runs the components a deployment sends it, their lifecycle scripts
 *   as root: a deployment of the caller's (CreateDeployment, with a component of its own from CreateComponentVersion)
 *   runs its code with the token exchange role, and can read the device's certificate and call the provider itself.
 */
import type { Grant, PrincipalNode } from "../analysis-types";
import type { TfResource } from "../terraform/types";
import { globsIntersect } from "../iam/glob";
import { principalAdmits } from "../iam/trust";
import { refTarget } from "../terraform/tokens";
import { blocksWithDynamic } from "./dynamic-blocks";
import { grantText, type AddEdge } from "./edge";
import type { EdgeContext } from "./edge-context";
import { roleOfValue } from "./role-of";

/** Calls that give the caller a certificate whose private key it holds. */
export const CERTIFICATE_MAKERS = ["iot:CreateKeysAndCertificate", "iot:CreateCertificateFromCsr", "iot:RegisterCertificate", "iot:RegisterCertificateWithoutCA"] as const;

/**
 * Calls that put an IoT policy on such a certificate: directly, or (AttachThingPrincipal) through a thing whose
 * groups have policies. A policy that allows AssumeRoleWithCertificate may already exist in the account, so
 * iot:CreatePolicy is not asked for (fail closed).
 */
export const POLICY_ATTACHERS = ["iot:AttachPolicy", "iot:AttachPrincipalPolicy", "iot:AttachThingPrincipal"] as const;

export const ACCESS_GRANT_CREATE = "s3:CreateAccessGrant";
export const ACCESS_GRANT_DATA = "s3:GetDataAccess";

const IOT_CREDENTIALS = "credentials.iot.amazonaws.com";

export const GREENGRASS_DEPLOY = "greengrass:CreateDeployment";
export const GREENGRASS_COMPONENT = "greengrass:CreateComponentVersion";

export function vendingActions(): string[] {
  return [...CERTIFICATE_MAKERS, ...POLICY_ATTACHERS, ACCESS_GRANT_CREATE, ACCESS_GRANT_DATA, GREENGRASS_DEPLOY, GREENGRASS_COMPONENT];
}

export function vendingEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge): void {
  iotRoleAliasEdges(ctx, p, add);
  greengrassEdges(ctx, p, add);
  accessGrantEdges(ctx, p, add);
}

function first(ctx: EdgeContext, p: PrincipalNode, actions: readonly string[]): Grant | undefined {
  for (const a of actions) {
    const g = ctx.grants(p, a)[0];
    if (g) return g;
  }
  return undefined;
}

/**
 * A certificate of the caller's with a policy attached: every role alias of the stack leads to its role (one
 * blastwall cannot resolve: unknown), and aliases the stack does not make to roles it cannot see. Certificate ids
 * are AWS's to choose, so a right on any certificate pattern counts (fail closed).
 */
function iotRoleAliasEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge): void {
  const make = first(ctx, p, CERTIFICATE_MAKERS);
  if (!make) return;
  const attach = first(ctx, p, POLICY_ATTACHERS);
  if (!attach) return;
  // Written when an edge's text is (see LazyEdge), so the statements it names are heard there.
  const how = () => `${grantText(make)} makes a certificate whose key it holds and ${grantText(attach)} gives it an IoT policy`;
  aliasEdges(ctx, attach, add, (alias, role) => `${how()}: the IoT credential provider then returns credentials of ${role}, which role alias ${alias} names (iot:AssumeRoleWithCertificate, no iam:PassRole)`, (named) => `${how()}: the IoT credential provider returns credentials of the role any role alias of the account names, and aliases this stack does not make may name any role${named}`);
}

/**
 * A Greengrass v2 deployment runs on the core devices it targets, which take their credentials through a role alias:
 * every role alias of the stack leads to its role, and aliases outside it to roles blastwall cannot see. The targets
 * (things, thing groups) and the alias each core uses are set on the device, not in the stack, so any deployment may
 * reach any alias. CreateDeployment alone counts too (fail closed): a deployment may run public components, and merge
 * configuration into them, that run commands of the caller's.
 */
function greengrassEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge): void {
  const deploy = ctx.grants(p, GREENGRASS_DEPLOY)[0];
  if (!deploy) return;
  const component = ctx.grants(p, GREENGRASS_COMPONENT)[0];
  const how = () =>
    component
      ? `${grantText(component)} makes a Greengrass component whose lifecycle scripts are its own and ${grantText(deploy)} deploys it to core devices`
      : `${grantText(deploy)} deploys Greengrass components to core devices (public ones, with configuration of its own, may run its commands: fail closed)`;
  aliasEdges(ctx, deploy, add, (alias, role) => `${how()}: they run the scripts as root with the token exchange role's credentials, ${role}, which role alias ${alias} names (no iam:PassRole)`, (named) => `${how()}: they run the scripts as root with the credentials of the role their role alias names, and aliases this stack does not make may name any role${named}`);
}

/** The stack's role aliases and the roles they name, and the clause naming roles that trust IoT with no alias here. */
interface Aliases {
  readonly aliases: readonly { readonly address: string; readonly role: string | undefined }[];
  /** Written when first read (only a report reads it): it parses the trust of every role of the stack. */
  readonly named: () => string;
}

/** Once per graph: every principal holding the rights asks, and a scan of every trust each time was quadratic. */
const aliasesOf = new WeakMap<EdgeContext, Aliases>();

function stackAliases(ctx: EdgeContext): Aliases {
  let a = aliasesOf.get(ctx);
  if (a) return a;
  const aliases = (ctx.stack.byType.get("aws_iot_role_alias") ?? []).filter((x) => x.mode === "managed").map((x) => ({ address: x.address, role: roleOfValue(ctx, x.values["role_arn"]) }));
  const aliased = new Set(aliases.map((x) => x.role).filter((r): r is string => r !== undefined));
  let text: string | undefined;
  const named = () => {
    if (text !== undefined) return text;
    // Aliases made outside the stack (by hand, by another stack) may name any role, this stack's among them.
    const trusting = ctx.analysis.principals.filter((r) => r.kind === "role" && !r.external && !aliased.has(r.address) && !!r.trustPolicy && principalAdmits(r.trustPolicy.statements, { arnPattern: "", service: IOT_CREDENTIALS }).length > 0);
    return (text = trusting.length > 0 ? ` (this stack's ${trusting.map((r) => r.address).join(", ")} trust ${IOT_CREDENTIALS} with no alias here)` : "");
  };
  aliasesOf.set(ctx, (a = { aliases, named }));
  return a;
}

/** Edges to the role of every role alias of the stack, and to the unknown roles of aliases made outside it. */
function aliasEdges(ctx: EdgeContext, g: Grant, add: AddEdge, inStack: (alias: string, role: string) => string, outside: (named: string) => string): void {
  const { aliases, named } = stackAliases(ctx);
  for (const { address, role } of aliases) {
    const to = role ?? ctx.unknown(`role-of:${address}`, `the role ${address} hands out, which blastwall cannot resolve`);
    add(to, "credential", g.action, () => inStack(address, role ?? "a role blastwall cannot resolve"), g.statement.source.address);
  }
  add(ctx.unknown("iot-role-aliases", () => `roles that IoT role aliases made outside this stack hand out${named()}`), "credential", g.action, () => outside(named()), g.statement.source.address);
}

/**
 * S3 Access Grants: a grant the caller makes for itself (CreateAccessGrant, with GetDataAccess) on a location of the
 * stack leads to the location's role; on locations outside the stack to roles blastwall cannot see. A grant the
 * stack gives the caller (`aws_s3control_access_grant` naming it as grantee) needs GetDataAccess alone. The
 * credentials are scoped to the grant's prefix and permission: read as the whole role (fail closed), except a READ
 * grant, whose credentials only read.
 */
function accessGrantEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge): void {
  const data = ctx.grants(p, ACCESS_GRANT_DATA)[0];
  if (!data) return;
  const locations = (ctx.stack.byType.get("aws_s3control_access_grants_location") ?? []).filter((l) => l.mode === "managed");
  const create = ctx.grants(p, ACCESS_GRANT_CREATE)[0];
  if (create) {
    const how = () => `${grantText(create)} lets it grant itself READWRITE on an S3 Access Grants location and ${grantText(data)} to take the location's credentials (s3:GetDataAccess, no iam:PassRole)`;
    for (const l of locations) locationEdge(ctx, l, create, () => `${how()}: ${l.address} hands out`, add);
    add(
      ctx.unknown("access-grants-locations", "the IAM roles of S3 Access Grants locations this stack does not make"),
      "credential",
      ACCESS_GRANT_CREATE,
      () => `${how()}, on any location of the account's Access Grants instance: locations this stack does not make may name any role`,
      create.statement.source.address,
    );
  }
  for (const grant of ctx.stack.byType.get("aws_s3control_access_grant") ?? []) {
    if (grant.mode !== "managed" || !namesGrantee(ctx, grant, p)) continue;
    const permission = grant.values["permission"];
    if (typeof permission === "string" && permission.toUpperCase() === "READ") continue;
    const ref = refTarget(grant.values["access_grants_location_id"]);
    const location = ref ? ctx.stack.byAddress.get(ref.address) : undefined;
    const why = () => `${grantText(data)} lets it take the credentials of the location ${grant.address} grants it (${typeof permission === "string" ? permission : "a permission blastwall cannot read"}):`;
    if (location && location.type === "aws_s3control_access_grants_location" && location.mode === "managed") locationEdge(ctx, location, data, () => `${why()} ${location.address} hands out`, add);
    else
      add(
        ctx.unknown(`access-grant:${grant.address}`, `the role of the S3 Access Grants location ${grant.address} names, which blastwall cannot resolve`),
        "credential",
        ACCESS_GRANT_DATA,
        () => `${why()} a location blastwall cannot resolve, under any role`,
        data.statement.source.address,
      );
  }
}

function locationEdge(ctx: EdgeContext, l: TfResource, g: Grant, why: () => string, add: AddEdge): void {
  const role = roleOfValue(ctx, l.values["iam_role_arn"]);
  const to = role ?? ctx.unknown(`role-of:${l.address}`, `the role ${l.address} hands out, which blastwall cannot resolve`);
  add(to, "credential", g.action, () => `${why()} credentials of ${role ?? "a role blastwall cannot resolve"} (scope ${String(l.values["location_scope"] ?? "unknown")}, read as the whole role)`, g.statement.source.address);
}

/**
 * Whether an access grant's grantee may be the principal: an IAM grantee written as a reference to it or its ARN;
 * a grantee blastwall cannot read, or a value it cannot resolve, may be anyone (fail closed). Directory users and
 * groups are not IAM principals.
 */
function namesGrantee(ctx: EdgeContext, grant: TfResource, p: PrincipalNode): boolean {
  const b = blocksWithDynamic(grant.values, "grantee");
  if (b.unread) return true;
  for (const g of b.blocks) {
    const type = g["grantee_type"];
    if (typeof type === "string" && type.toUpperCase() !== "IAM") continue;
    const id = g["grantee_identifier"];
    const ref = refTarget(id);
    if (ref) {
      if (ref.address === p.address) return true;
      if (!ctx.analysis.byAddress.has(ref.address)) return true;
      continue;
    }
    if (typeof id !== "string") return true;
    if (id.includes("${") || globsIntersect(id, p.arnPattern, { caseInsensitive: true })) return true;
  }
  return false;
}
