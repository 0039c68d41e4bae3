/**
 * Services that launch what the caller hands them as a role the stack already put on a resource, with no
 * iam:PassRole (red-team round 100):
 *
 * - Service Catalog: a LAUNCH constraint names the role Service Catalog assumes to launch, update or terminate a
 *   product's CloudFormation stack. CreateProvisioningArtifact adds a version whose template URL the caller chooses,
 *   and ProvisionProduct (or UpdateProvisionedProduct) launches it: the caller's template runs as the launch role.
 *   Launching a version someone else wrote runs that template with the caller's parameters: blastwall cannot read a
 *   template at a URL, so it counts as anything the role may do (fail closed), a warning.
 * - SageMaker inference components: CreateInferenceComponent puts a container of the caller's choosing (image,
 *   artifact, environment) on an endpoint whose configuration names an execution role, and UpdateInferenceComponent
 *   replaces one; neither names a role. Assumed, not documented in so many words: a container-only component runs
 *   with the endpoint configuration's role. That reading is a warning (an error under --strict).
 * - SageMaker Studio images: CreateImageVersion gives an image a new base image (an ECR URI of the caller's); the
 *   next Studio app that uses the image's latest version runs it with the user profile's or domain's execution role.
 */
import type { Grant, PrincipalNode } from "../analysis-types";
import type { TfResource } from "../terraform/types";
import { globsIntersect } from "../iam/glob";
import { refTarget, resolveToPattern } from "../terraform/tokens";
import { blocksWithDynamic } from "./dynamic-blocks";
import { grantText, type AddEdge } from "./edge";
import type { EdgeContext } from "./edge-context";
import { roleOfCompute, roleOfValue } from "./role-of";
import { roleValueAt } from "./compute";

export const ARTIFACT_CREATE = "servicecatalog:CreateProvisioningArtifact";
/** Launching a version: a new product, or an update of one already launched (the catalogue's direct warning). */
export const PRODUCT_LAUNCHES = ["servicecatalog:ProvisionProduct", "servicecatalog:UpdateProvisionedProduct"] as const;
export const INFERENCE_COMPONENT_WRITES = ["sagemaker:CreateInferenceComponent", "sagemaker:UpdateInferenceComponent"] as const;
export const IMAGE_VERSION_CREATE = "sagemaker:CreateImageVersion";

/**
 * For the catalogue's compute entries of these actions (outsideComputeEdges): the stack's resources a grant may name
 * by reference, and the ARN shapes the actions are authorised on (a pattern that cannot be one names no compute).
 * A reference to the stack's product, endpoint or image is judged here, not as compute outside the stack.
 */
export const LAUNCH_COMPUTE: Readonly<Record<string, { readonly types: readonly string[]; readonly shapes: readonly string[] }>> = {
  "servicecatalog:createprovisioningartifact": { types: ["aws_servicecatalog_product"], shapes: ["arn:*:catalog:*:*:product/*"] },
  "servicecatalog:provisionproduct": { types: ["aws_servicecatalog_product"], shapes: ["arn:*:catalog:*:*:product/*"] },
  "sagemaker:createinferencecomponent": { types: ["aws_sagemaker_endpoint"], shapes: ["arn:*:sagemaker:*:*:endpoint/*", "arn:*:sagemaker:*:*:inference-component/*"] },
  "sagemaker:updateinferencecomponent": { types: [], shapes: ["arn:*:sagemaker:*:*:inference-component/*"] },
  "sagemaker:createimageversion": { types: ["aws_sagemaker_image"], shapes: ["arn:*:sagemaker:*:*:image/*"] },
};

export function launchActions(): string[] {
  return [ARTIFACT_CREATE, ...PRODUCT_LAUNCHES, ...INFERENCE_COMPONENT_WRITES, IMAGE_VERSION_CREATE];
}

export function launchEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge): void {
  serviceCatalogEdges(ctx, p, add);
  inferenceComponentEdges(ctx, p, add);
  imageVersionEdges(ctx, p, add);
}

const PRODUCT_SHAPE = "arn:*:catalog:*:*:product/*";
const PRODUCT_TYPES = ["aws_servicecatalog_product"];

/** A value as written or resolved exactly; `*` for anything known only at apply time. */
function exact(ctx: EdgeContext, v: unknown): string | undefined {
  if (typeof v !== "string" || v === "") return undefined;
  return resolveToPattern(ctx.stack, v).pattern;
}

/**
 * Whether a grant's pattern `r` may name the product a constraint is on: a reference to the stack's product names it
 * alone; any other pattern that may be a product ARN counts (product ids are AWS's, so the stack cannot tell them
 * apart). An action authorised on no resource type (UpdateProvisionedProduct) takes `*` only: any pattern counts.
 */
function namesProduct(ctx: EdgeContext, g: Grant, r: string, product: TfResource | undefined): boolean {
  if (g.action.toLowerCase() === "servicecatalog:updateprovisionedproduct") return true;
  const referenced = ctx.resourcesOf(PRODUCT_TYPES).referenced(g, r);
  if (referenced) return product !== undefined && referenced.includes(product);
  return globsIntersect(r, PRODUCT_SHAPE, { caseInsensitive: true });
}

/**
 * The launch role of a constraint: `RoleArn`, or `LocalRoleName` (a role of that name in the account it launches
 * in, resolved by name); `{ role }` with undefined where blastwall cannot resolve it, null where the constraint
 * names none (a constraint of another type).
 */
function launchRole(ctx: EdgeContext, c: TfResource): { role: string | undefined } | null {
  const type = exact(ctx, c.values["type"]);
  if (type !== undefined && !type.includes("*") && type.toUpperCase() !== "LAUNCH") return null;
  for (const field of ["RoleArn", "LocalRoleName"]) {
    const at = roleValueAt(ctx.stack, c.values, `parameters.${field}`);
    if (!at) return { role: undefined };
    if (at.value === undefined || at.value === null || at.value === "") continue;
    return { role: roleOfValue(ctx, at.value) };
  }
  // A LAUNCH constraint always names a role; one blastwall reads no role in (a type it cannot read) may be any.
  return type === "LAUNCH" || type === undefined || type.includes("*") ? { role: undefined } : null;
}

function serviceCatalogEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge): void {
  const constraints = (ctx.stack.byType.get("aws_servicecatalog_constraint") ?? []).filter((c) => c.mode === "managed");
  if (constraints.length === 0) return;
  const create = ctx.grants(p, ARTIFACT_CREATE);
  const launches = PRODUCT_LAUNCHES.flatMap((a) => ctx.grants(p, a));
  if (launches.length === 0) return;
  for (const c of constraints) {
    const found = launchRole(ctx, c);
    if (!found) continue;
    const ref = refTarget(c.values["product_id"]);
    const product = ref ? ctx.stack.byAddress.get(ref.address) : undefined;
    const onProduct = (gs: readonly Grant[]) => gs.find((g) => g.resources.some((r) => namesProduct(ctx, g, r, product)));
    const launch = onProduct(launches);
    if (!launch) continue;
    const own = onProduct(create);
    const to = found.role ?? ctx.unknown(`role-of:${c.address}`, `the launch role ${c.address} names, which blastwall cannot resolve`);
    const role = found.role ?? "a role blastwall cannot resolve";
    const where = product ? product.address : "its product";
    if (own) {
      add(to, "hijack", `${own.action} + ${launch.action}`, () => `${grantText(own)} lets it add a version of ${where} with a CloudFormation template of its own and ${grantText(launch)} to launch it: Service Catalog runs the template as ${role}, the launch role ${c.address} names (no iam:PassRole)`, own.statement.source.address);
      continue;
    }
    // The template is the product's, at a URL blastwall does not read: what it does with the caller's parameters may
    // be anything the launch role may (fail closed), a warning, as the template is not the caller's.
    add(
      to,
      "hijack",
      launch.action,
      () => `${grantText(launch)} lets it launch ${where} with parameters of its own as ${role}, the launch role ${c.address} names (no iam:PassRole); blastwall cannot read the product's template, so it counts as anything the role may do (a warning: an error under --strict)`,
      launch.statement.source.address,
      true,
    );
  }
}

const ENDPOINT_TYPES = ["aws_sagemaker_endpoint"];

/**
 * An endpoint of the stack whose configuration names an execution role: CreateInferenceComponent on it, or
 * UpdateInferenceComponent on any component (components are not made by the stack, so any component pattern may be
 * one hosted there), runs the caller's container as that role. An endpoint whose configuration blastwall cannot
 * resolve runs as a role it cannot see.
 */
function inferenceComponentEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge): void {
  const endpoints = (ctx.stack.byType.get("aws_sagemaker_endpoint") ?? []).filter((e) => e.mode === "managed");
  if (endpoints.length === 0) return;
  const [createAction, updateAction] = INFERENCE_COMPONENT_WRITES;
  const create = ctx.grants(p, createAction);
  const update = ctx.grants(p, updateAction);
  if (create.length === 0 && update.length === 0) return;
  const index = ctx.resourcesOf(ENDPOINT_TYPES);
  for (const e of endpoints) {
    const name = exact(ctx, e.values["name"]) ?? "*";
    const names = (g: Grant, r: string) => {
      const referenced = index.referenced(g, r);
      return referenced ? referenced.includes(e) : globsIntersect(r, `arn:*:sagemaker:*:*:endpoint/${name}`, { caseInsensitive: true });
    };
    const g = create.find((x) => x.resources.some((r) => names(x, r))) ?? update.find((x) => x.resources.some((r) => globsIntersect(r, "arn:*:sagemaker:*:*:inference-component/*", { caseInsensitive: true })));
    if (!g) continue;
    const ref = refTarget(e.values["endpoint_config_name"]);
    const config = ref ? ctx.stack.byAddress.get(ref.address) : undefined;
    const found = config && config.mode === "managed" && config.type === "aws_sagemaker_endpoint_configuration" ? roleOfCompute(ctx, config, "execution_role_arn", false) : undefined;
    // A configuration without an execution role hosts no inference components.
    if (found === null) continue;
    const to = found ?? ctx.unknown(`role-of:${e.address}`, `the execution role of ${e.address}'s endpoint configuration, which blastwall cannot resolve`);
    add(
      to,
      "hijack",
      g.action,
      () => `${grantText(g)} lets it host an inference component with a container of its own (image, model artifact, environment) on ${e.address}, whose endpoint configuration runs components as ${found ?? "a role blastwall cannot resolve"} (no iam:PassRole; assumed: a container-only component runs with the configuration's execution role, so a warning: an error under --strict)`,
      g.statement.source.address,
      true,
    );
  }
}

/** Where Studio settings name custom images, and their execution role. */
const STUDIO_SETTINGS: readonly { type: string; settings: string; role: string; fallbackToDomain?: boolean }[] = [
  { type: "aws_sagemaker_domain", settings: "default_user_settings", role: "default_user_settings.execution_role" },
  { type: "aws_sagemaker_domain", settings: "default_space_settings", role: "default_space_settings.execution_role" },
  { type: "aws_sagemaker_user_profile", settings: "user_settings", role: "user_settings.execution_role", fallbackToDomain: true },
];
const APP_SETTINGS = ["kernel_gateway_app_settings", "jupyter_lab_app_settings", "code_editor_app_settings"];
const IMAGE_TYPES = ["aws_sagemaker_image"];

/**
 * The images a Studio settings block runs: `custom_image.image_name` of its app settings, by reference to the stack's
 * image or by name (`*` where blastwall cannot read it). A pinned `image_version_number` runs that version only.
 */
function customImages(ctx: EdgeContext, settings: Record<string, unknown>): { image?: TfResource; name: string }[] {
  const out: { image?: TfResource; name: string }[] = [];
  for (const app of APP_SETTINGS) {
    const a = blocksWithDynamic(settings, app);
    if (a.unread) out.push({ name: "*" });
    for (const b of a.blocks) {
      const ci = blocksWithDynamic(b, "custom_image");
      if (ci.unread) out.push({ name: "*" });
      for (const c of ci.blocks) {
        const pinned = c["image_version_number"];
        if (typeof pinned === "number" || (typeof pinned === "string" && /^[0-9]+$/.test(pinned))) continue;
        const ref = refTarget(c["image_name"]);
        const image = ref ? ctx.stack.byAddress.get(ref.address) : undefined;
        if (image && image.type === "aws_sagemaker_image") out.push({ image, name: exact(ctx, image.values["image_name"]) ?? "*" });
        else out.push({ name: exact(ctx, c["image_name"]) ?? "*" });
      }
    }
  }
  return out;
}

function imageVersionEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge): void {
  const grants = ctx.grants(p, IMAGE_VERSION_CREATE);
  if (grants.length === 0) return;
  const index = ctx.resourcesOf(IMAGE_TYPES);
  for (const s of STUDIO_SETTINGS) {
    for (const res of ctx.stack.byType.get(s.type) ?? []) {
      if (res.mode !== "managed") continue;
      const settings = blocksWithDynamic(res.values, s.settings);
      const images = settings.unread ? [{ name: "*" }] : settings.blocks.flatMap((b) => customImages(ctx, b));
      const names = (g: Grant, r: string) =>
        images.some((i) => {
          const referenced = index.referenced(g, r);
          if (referenced) return i.image === undefined || referenced.includes(i.image);
          return globsIntersect(r, `arn:*:sagemaker:*:*:image/${i.name}`, { caseInsensitive: true });
        });
      const g = grants.find((x) => x.resources.some((r) => names(x, r)));
      if (!g) continue;
      const found = roleOfCompute(ctx, res, s.role, false);
      // A profile without a role of its own runs as the domain's default; one blastwall cannot see here: unknown.
      if (found === null && !s.fallbackToDomain) continue;
      const role = found ?? undefined;
      const to = role ?? ctx.unknown(`role-of:${res.address}`, `the Studio execution role of ${res.address}, which blastwall cannot resolve`);
      add(
        to,
        "hijack",
        g.action,
        () => `${grantText(g)} lets it give a custom image ${res.address} runs in Studio apps a new version with a base image of its own: the next app started with it runs as ${role ?? "a role blastwall cannot resolve"} (no iam:PassRole)`,
        g.statement.source.address,
      );
    }
  }
}
