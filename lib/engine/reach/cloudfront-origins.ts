/**
 * What a CloudFront distribution opens to the internet behind it (red-team round 169a), beside the Lambda@Edge
 * functions it runs (rules/front-doors.ts `edgeRoutes`):
 * - an origin access control (OAC) on a Lambda function URL origin (F2): CloudFront signs each request it sends there
 *   with SigV4 as its own service principal, which the function's Lambda permission for cloudfront.amazonaws.com
 *   admits, so an AWS_IAM function URL answers anyone who calls the distribution as a NONE one does. Signing behaviour
 *   `no-override` signs whatever comes without an Authorization header, which the caller leaves out; only `never`
 *   signs nothing. An OAC the stack does not make, or one blastwall cannot read, may sign (fail closed).
 * - a VPC origin (`aws_cloudfront_vpc_origin`, F3): it exists to serve an internal load balancer (or instance) to the
 *   internet through distributions of the account; the load balancer it names answers whoever calls them. A VPC
 *   origin whose `arn` blastwall cannot read may name any internal load balancer of the stack (fail closed).
 * An origin host that names no URL of the stack (red-team round 170b, F3): written with a value blastwall cannot read
 * (a variable), it may be any AWS_IAM function URL of the stack, each counted (fail closed). Written as a literal
 * Lambda function URL host, it names a URL by an id AWS gives only at apply, so it is tied to a URL of the stack only
 * by the function's Lambda permission for cloudfront.amazonaws.com that may be from this distribution (rules/front-
 * doors.ts reads it); a literal host with no such permission is a function elsewhere, which no rule follows.
 * A distribution with `enabled = false` serves nothing. Its other gates (WAF, geo restriction, a function that checks
 * a token) are not read: anyone may pass them, as for Lambda@Edge.
 */
import type { TfResource, TfStack } from "../terraform/types";
import { referencedIn, oneReferenced } from "../terraform/referenced";
import { attributePattern, exactPattern, resolveToPattern } from "../terraform/tokens";
import { globsIntersect } from "../iam/glob";
import { blocks } from "../json";
import { CLOUDFRONT } from "./mcp-cloudfront";
import { namedDoors } from "./mcp-server-doors";
import { endpointUrl } from "./mcp-door-hosts";
import { hostText } from "./mcp-endpoint-url";

const OAC = "aws_cloudfront_origin_access_control";
const VPC_ORIGIN = "aws_cloudfront_vpc_origin";

type Block = Record<string, unknown>;
const unset = (v: unknown): boolean => v === undefined || v === null || v === "";
const isFalse = (v: unknown): boolean => v === false || v === "false";

/** The distributions of the stack that serve requests. */
function serving(stack: TfStack): TfResource[] {
  return (stack.byType.get(CLOUDFRONT) ?? []).filter((d) => d.mode === "managed" && !isFalse(d.values["enabled"]));
}

/** A function URL CloudFront signs for: the distribution, the origin's URL resource, and how the OAC is named in messages. */
export interface SignedUrlOrigin {
  readonly distribution: TfResource;
  readonly url: TfResource;
  /** `origin access control aws_cloudfront_origin_access_control.x (signing_behavior "always")`, or one blastwall cannot find. */
  readonly oac: string;
  /** How to stop the signing: on the OAC, or on the origin. */
  readonly unsign: string;
  /**
   * The origin's host does not name the URL (170b F3): why it may be it, a phrase after "whose origin". `unread`: a
   * host blastwall cannot read, any URL; `literal`: a literal function URL host, the URL only where its function's
   * Lambda permission admits CloudFront from this distribution.
   */
  readonly maybe?: { readonly kind: "unread" | "literal"; readonly text: string };
}

/** A Lambda function URL's host: `URL_ID.lambda-url.REGION.on.aws`. */
const URL_HOST = /^[a-z0-9-]+\.lambda-url\.[a-z0-9-]+\.on\.aws$/;

/**
 * How an origin host that names no URL of the stack may still be one: a host blastwall cannot read (a variable, an
 * expression it cannot evaluate), or a literal function URL host whose id no URL of the stack is shown to have.
 */
function hostMaybe(stack: TfStack, domain: string): SignedUrlOrigin["maybe"] {
  const url = endpointUrl(stack, `https://${domain}/`);
  if (url.kind !== "url" || url.host.some((s) => "other" in s)) {
    return { kind: "unread", text: `host ${JSON.stringify(domain)} (domain_name) is a value blastwall cannot read, so it may be any AWS_IAM function URL of the stack, among them` };
  }
  const host = hostText(url);
  if (host === undefined || !URL_HOST.test(host)) return undefined;
  return { kind: "literal", text: `host ${host} is a literal Lambda function URL host whose id no URL of this stack can be shown to have (AWS gives it at apply), and the function's Lambda permission admits CloudFront from this distribution, so it may be` };
}

/**
 * Why an origin's OAC signs what CloudFront sends a function URL, or undefined where it certainly does not (no OAC,
 * one of the stack that signs never or is for another origin type).
 */
function signing(stack: TfStack, d: TfResource, o: Block): { oac: string; unsign: string } | undefined {
  const id = o["origin_access_control_id"];
  if (unset(id)) return undefined;
  const oac = oneReferenced(stack, id, [OAC]);
  if (!oac || oac.mode !== "managed") {
    return { oac: "an origin access control blastwall cannot find in the stack (origin_access_control_id), which may sign every request", unsign: `take origin_access_control_id off that origin of ${d.address}` };
  }
  const type = exactPattern(stack, oac.values["origin_access_control_origin_type"]);
  const behaviour = exactPattern(stack, oac.values["signing_behavior"]);
  if ((type !== undefined && type !== "lambda") || behaviour === "never") return undefined;
  return {
    oac: `origin access control ${oac.address} (signing_behavior ${behaviour === undefined ? "blastwall cannot read" : `"${behaviour}"`})`,
    unsign: `set signing_behavior = "never" on ${oac.address} (or take origin_access_control_id off that origin of ${d.address})`,
  };
}

/**
 * Every AWS_IAM function URL of the stack a serving distribution's origin access control signs for (F2), or may (170b
 * F3: `maybe`). A URL the host names comes before one it may be.
 */
export function signedUrlOrigins(stack: TfStack): SignedUrlOrigin[] {
  const urls = (stack.byType.get("aws_lambda_function_url") ?? []).filter((u) => u.mode === "managed");
  if (urls.length === 0) return [];
  const iam = (u: TfResource) => exactPattern(stack, u.values["authorization_type"]) === "AWS_IAM";
  const out: SignedUrlOrigin[] = [];
  const add = (o: SignedUrlOrigin) => {
    const at = out.findIndex((x) => x.distribution === o.distribution && x.url === o.url);
    if (at < 0) out.push(o);
    else if (out[at].maybe && !o.maybe) out[at] = o;
  };
  for (const d of serving(stack)) {
    for (const o of blocks(d.values["origin"])) {
      const domain = o["domain_name"];
      if (typeof domain !== "string") continue;
      const sign = signing(stack, d, o);
      if (!sign) continue;
      const doors = namedDoors(stack, `https://${domain}/`).doors.filter((door) => door.kind === "url");
      for (const door of doors) if (door.kind === "url" && iam(door.url)) add({ distribution: d, url: door.url, ...sign });
      if (doors.length > 0) continue;
      const maybe = hostMaybe(stack, domain);
      // A URL whose id is known and differs is not the literal host (namedDoors ties one whose id is the host's).
      const may = (u: TfResource) => iam(u) && (maybe?.kind === "unread" || !attributePattern(stack, u, "url_id").exact);
      if (maybe) for (const url of urls.filter(may)) add({ distribution: d, url, ...sign, maybe });
    }
  }
  return out;
}

/** How a VPC origin puts a load balancer on the internet: the VPC origin, and the distributions whose origins name it. */
export interface VpcFront {
  readonly vpcOrigin: TfResource;
  readonly distributions: readonly TfResource[];
  /** The VPC origin's `arn` cannot be read: it may name this load balancer. */
  readonly unread: boolean;
}

/** A load balancer's ARN as a pattern: AWS puts its name in it (`loadbalancer/app/NAME/ID`). */
function lbArn(stack: TfStack, lb: TfResource): string {
  const name = exactPattern(stack, lb.values["name"]);
  return name !== undefined && /^[A-Za-z0-9-]+$/.test(name) ? `arn:*:elasticloadbalancing:*:*:loadbalancer/*/${name}/*` : attributePattern(stack, lb, "arn").pattern;
}

/** Whether a VPC origin's endpoint names `lb`: by reference, or by an ARN pattern that meets the load balancer's. */
function names(stack: TfStack, vo: TfResource, lb: TfResource): "yes" | "unread" | "no" {
  const configs = blocks(vo.values["vpc_origin_endpoint_config"]);
  if (configs.length === 0) return "unread";
  let unread = false;
  for (const c of configs) {
    const arn = c["arn"];
    const refs = referencedIn(stack, arn);
    if (refs.length > 0) {
      if (refs.includes(lb)) return "yes";
      continue;
    }
    const p = typeof arn === "string" ? resolveToPattern(stack, arn) : undefined;
    if (!p || !globsIntersect(p.pattern, lbArn(stack, lb), { caseInsensitive: true })) continue;
    if (p.exact) return "yes";
    unread = true;
  }
  return unread ? "unread" : "no";
}

/** The VPC origin that serves load balancer `lb` through CloudFront (F3), if any: one naming it before one that may. */
export function vpcFrontOf(stack: TfStack, lb: TfResource): VpcFront | undefined {
  let maybe: VpcFront | undefined;
  for (const vo of stack.byType.get(VPC_ORIGIN) ?? []) {
    if (vo.mode !== "managed") continue;
    const hit = names(stack, vo, lb);
    if (hit === "no") continue;
    const distributions = serving(stack).filter((d) => blocks(d.values["origin"]).some((o) => blocks(o["vpc_origin_config"]).some((v) => referencedIn(stack, v["vpc_origin_id"]).includes(vo))));
    const front = { vpcOrigin: vo, distributions, unread: hit === "unread" };
    if (hit === "yes") return front;
    maybe ??= front;
  }
  return maybe;
}

/** How a message names what a VPC origin does for an internal load balancer: `X, a CloudFront VPC origin, serves to ...`. */
export function vpcFrontText(f: VpcFront): string {
  const through = f.distributions.length > 0 ? f.distributions.map((d) => d.address).join(", ") : "any distribution of the account whose origin names it (vpc_origin_config)";
  return `${f.vpcOrigin.address}, a CloudFront VPC origin${f.unread ? " whose arn blastwall cannot read (so it may be this one)" : ""}, serves to the internet through ${through}`;
}
