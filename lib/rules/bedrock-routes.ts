/**
 * Amazon Bedrock Agents and Flows into a function (red-team round 156, F4 and F5).
 *
 * An agent runs an action group's Lambda executor with parameters the model derives from the caller's prompt, and
 * its parser function (`prompt_override_configuration.override_lambda`) with the model's raw output: bedrock:InvokeAgent
 * on an alias of the agent reaches both. InvokeAgent is authorised on the alias ARN
 * (`agent-alias/AGENT_ID/ALIAS_ID`); every agent has the test alias TSTALIASID, which runs its working draft, and more
 * aliases may be made outside the stack, so any alias of the agent counts. The IDs are AWS's: a right written on a
 * literal ID may be on an agent of the stack. Bedrock calls the function under its Lambda permission for
 * bedrock.amazonaws.com, not as the agent's service role (`agent_resource_role_arn`), and a permission granted
 * outside the stack serves as well: none is asked here.
 *
 * A flow runs its LambdaFunction nodes as its execution role (no Lambda permission asked), with what its Input node
 * receives from the caller: bedrock:InvokeFlow (or StartFlowExecution) on the flow or an alias of it reaches them, and
 * an Agent node's agent, whose action groups run as above. A definition blastwall cannot read may name any function.
 * A supervisor agent reaches its collaborators' functions (aws_bedrockagent_agent_collaborator) the same way.
 * A Lex node sends its input to a Lex V2 bot alias as the flow role, and the bot runs its code hook with slots taken
 * from that text: the functions whose Lambda permission lets Lex invoke them from that alias (or from any source) are
 * reached (red-team round 158, F6). KnowledgeBase and Prompt nodes run no function. A Loop node runs a definition of
 * its own, read as the flow's is (one blastwall cannot read may run any function). A Storage node writes the flow's
 * input to a bucket as the flow's role: no function, but an overwrite (flow-storage-writes.ts).
 *
 * A knowledge base's data source with a custom transformation runs its function on every ingestion, as the knowledge
 * base's service role: bedrock:StartIngestionJob or IngestKnowledgeBaseDocuments on the knowledge base reaches it. An
 * agent's custom orchestration function runs on every turn as its parser function does.
 */
import type { TfResource, TfStack } from "../engine/terraform/types";
import { exactPattern, resolveToPattern } from "../engine/terraform/tokens";
import { oneReferenced as oneWritten } from "../engine/terraform/referenced";
import { followReferences } from "../engine/agent-tags";
import type { Route } from "./invoke-routes";
import type { DenyAsk } from "./invoke-denies";
import { functionsOf, targetFunctions } from "./invoke-routes";
import { globsIntersect } from "../engine/iam/glob";
import { serviceNamespace } from "./invoke-relays";

const AGENTS = ["aws_bedrockagent_agent"];
const ALIASES = ["aws_bedrockagent_agent_alias"];
const FLOWS = ["aws_bedrockagent_flow"];

/** The rights that run a flow with an input of the caller's. */
export const FLOW_INVOKES = ["bedrock:InvokeFlow", "bedrock:StartFlowExecution"];

const unset = (v: unknown): boolean => v === undefined || v === null || v === "";

/** Nested blocks as written: a list of objects (HCL, JSON), or one object; undefined for anything else (an expression). */
function blocksOf(v: unknown): Record<string, unknown>[] | undefined {
  if (Array.isArray(v)) return v.every((b) => typeof b === "object" && b !== null && !Array.isArray(b)) ? (v as Record<string, unknown>[]) : undefined;
  return typeof v === "object" && v !== null ? [v as Record<string, unknown>] : undefined;
}

/**
 * The one resource of `types` a value names, through locals (`agent_id = local.agent_id`, red-team round 158, F7): an
 * alias tied to its agent only by a reference written out missed its agent's route.
 */
function oneReferenced(stack: TfStack, v: unknown, types: readonly string[]): TfResource | undefined {
  return oneWritten(stack, followReferences(stack, v), types);
}

function allFunctions(stack: TfStack): TfResource[] {
  return [...(stack.byType.get("aws_lambda_function") ?? [])];
}

/** An agent the stack's action groups name: the stack's own, or one named by a literal ID (`*`: unreadable). */
interface AgentCalls {
  readonly agent?: TfResource;
  readonly id: string;
  /** The action groups (or the agent itself, for its parser function) that name a function. */
  readonly via: TfResource[];
  readonly functions: Set<TfResource>;
}

const agentCache = new WeakMap<TfStack, Map<string, AgentCalls>>();

/** The functions each agent calls with what its caller's prompt makes of them, keyed by agent address or literal ID. */
function agentCalls(stack: TfStack): Map<string, AgentCalls> {
  let out = agentCache.get(stack);
  if (out) return out;
  agentCache.set(stack, (out = new Map()));
  const add = (agentId: unknown, via: TfResource, fns: readonly TfResource[]) => {
    if (fns.length === 0) return;
    const agent = oneReferenced(stack, agentId, AGENTS) ?? (via.type === AGENTS[0] ? via : undefined);
    const id = agent ? "*" : (exactPattern(stack, agentId) ?? "*");
    const key = agent?.address ?? `id:${id}`;
    let a = out!.get(key);
    if (!a) out!.set(key, (a = { agent, id, via: [], functions: new Set() }));
    if (!a.via.includes(via)) a.via.push(via);
    for (const f of fns) a.functions.add(f);
  };
  for (const ag of stack.byType.get("aws_bedrockagent_agent_action_group") ?? []) {
    if (exactPattern(stack, ag.values["action_group_state"]) === "DISABLED") continue;
    add(ag.values["agent_id"], ag, executorFunctions(stack, ag.values["action_group_executor"]));
  }
  for (const agent of stack.byType.get("aws_bedrockagent_agent") ?? []) {
    const overrides = blocksOf(agent.values["prompt_override_configuration"]);
    const parsers = overrides === undefined && !unset(agent.values["prompt_override_configuration"]) ? allFunctions(stack) : (overrides ?? []).flatMap((b) => (unset(b["override_lambda"]) ? [] : targetFunctions(stack, b["override_lambda"])));
    add(undefined, agent, [...parsers, ...orchestrationFunctions(stack, agent.values["custom_orchestration"])]);
  }
  // A supervisor agent hands the caller's request on to its collaborators' aliases (multi-agent collaboration), whose
  // functions it so reaches too, through any depth of collaboration: read until nothing more is added.
  const collaborators = stack.byType.get("aws_bedrockagent_agent_collaborator") ?? [];
  for (let round = 0, grew = true; grew && round <= collaborators.length; round++) {
    const before = [...out.values()].reduce((n, a) => n + a.functions.size, 0);
    for (const c of collaborators) {
      const descriptors = blocksOf(c.values["agent_descriptor"]);
      const called = descriptors === undefined ? agentsOfAlias(stack, out, undefined) : descriptors.flatMap((d) => agentsOfAlias(stack, out, d["alias_arn"]));
      add(c.values["agent_id"], c, called);
    }
    grew = [...out.values()].reduce((n, a) => n + a.functions.size, 0) > before;
  }
  return out;
}

/**
 * An agent's custom orchestration function (`custom_orchestration { executor { lambda } }`, the API's
 * CustomOrchestration): Bedrock runs it on every turn with the caller's input, as it runs a parser function. The AWS
 * provider has no such argument yet (terraform-provider-aws issue 41977), so it is read in the API's shape for when it
 * comes (or a JSON stack carries it); a block blastwall cannot read may name any function.
 */
function orchestrationFunctions(stack: TfStack, v: unknown): TfResource[] {
  if (unset(v)) return [];
  const executors = blocksOf(v)?.flatMap((c) => (unset(c["executor"]) ? [] : (blocksOf(c["executor"]) ?? [{ lambda: "*" }])));
  if (!executors) return allFunctions(stack);
  return executors.flatMap((e) => (unset(e["lambda"]) ? [] : e["lambda"] === "*" ? allFunctions(stack) : targetFunctions(stack, e["lambda"])));
}

/** An action group's executor functions: none for RETURN_CONTROL; every function when it cannot be read. */
function executorFunctions(stack: TfStack, v: unknown): TfResource[] {
  if (unset(v)) return [];
  const bs = blocksOf(v);
  if (!bs) return allFunctions(stack);
  return bs.flatMap((b) => (unset(b["lambda"]) ? [] : targetFunctions(stack, b["lambda"])));
}

/** Any alias of an agent: IDs are AWS's, so an agent of the stack has `*` for its own. */
const aliasPattern = (id: string) => `arn:*:bedrock:*:*:agent-alias/${id}/*`;

function agentText(a: AgentCalls): string {
  return a.agent?.address ?? (a.id === "*" ? "an agent whose ID blastwall cannot read" : `agent ${a.id}`);
}

/** How the agent comes to call the function: `the agent ...` `which calls F` follows. */
function viaText(a: AgentCalls): string {
  const [first, ...more] = a.via;
  const and = more.length > 0 ? ` (and ${more.length} more)` : "";
  if (first.type === AGENTS[0] && !unset(first.values["custom_orchestration"])) return `runs the custom orchestration function of ${first.address} (custom_orchestration)${and} on the caller's prompt, which it gets whole,`;
  if (first.type === AGENTS[0]) return `runs the parser function of ${first.address} (prompt_override_configuration)${and} on the model's output for the caller's prompt,`;
  if (first.type === "aws_bedrockagent_agent_collaborator") return `hands the caller's request on to its collaborator ${first.address}${and}, whose agent runs an action group with parameters the model derives from it,`;
  return `runs its action group ${first.address}${and} with parameters the model derives from the caller's prompt,`;
}

/**
 * InvokeAgent on an alias of an agent whose action group or parser calls the function. One route on the agent (its
 * test alias, or any alias, named by pattern or by a reference to the agent), and one per alias of the stack, which a
 * right written as a reference to that alias names.
 */
function agentRoutes(stack: TfStack): Route[] {
  const out: Route[] = [];
  const aliases = stack.byType.get("aws_bedrockagent_agent_alias") ?? [];
  for (const a of agentCalls(stack).values()) {
    const functions = [...a.functions];
    const pattern = aliasPattern(a.id);
    const text = agentText(a);
    const assigned = a.agent ? ` (${a.agent.address} gets its ID from AWS, which blastwall cannot read, so a right on an alias named by a literal ID counts as one on it)` : "";
    const how = `${assigned}: the agent ${viaText(a)} which calls`;
    const fix = a.via.map((v) => (v.type === "aws_bedrockagent_agent_collaborator" ? `, or remove ${v.address}` : `, or take the function out of ${v.address}`)).join("");
    out.push({
      via: a.via[0],
      target: a.agent,
      targetText: a.agent ? `an alias of ${text}` : `${text}'s aliases`,
      actions: ["bedrock:InvokeAgent"],
      pattern,
      types: [...AGENTS, ...ALIASES],
      // InvokeAgent is authorised on agent-alias ARNs alone: `${aws_bedrockagent_agent.x.agent_arn}` names no alias
      // (red-team round 158, F8), `agent-alias/${aws_bedrockagent_agent.x.agent_id}/*` names all of them.
      referencesOnPattern: true,
      functions,
      verb: `invoke an alias of ${text} (its test alias TSTALIASID, which runs the working draft, among them)`,
      how,
      // Asked in the partition the agent's region puts it in, as a function's ARN is (invoke-denies.ts): a Deny
      // written `arn:aws:` covers it (red-team round 158, F5); no reference names every alias of it.
      denyAsks: [{ pattern, target: a.agent, suffix: undefined }],
      pin: `write the caller's bedrock:InvokeAgent rights on the aliases of the agents they are meant for (a reference to an alias, or agent-alias/\${aws_bedrockagent_agent.NAME.agent_id}/*)${fix}`,
    });
    if (!a.agent) continue;
    for (const alias of aliases) {
      if (oneReferenced(stack, alias.values["agent_id"], AGENTS) !== a.agent) continue;
      out.push({
        via: a.via[0],
        target: alias,
        targetText: alias.address,
        actions: ["bedrock:InvokeAgent"],
        pattern,
        types: [...ALIASES, ...AGENTS],
        referencesOnPattern: true,
        functions,
        verb: `invoke ${alias.address}, an alias of ${text}`,
        how: how.slice(assigned.length),
        // A Deny of `${aws_bedrockagent_agent_alias.x.agent_alias_arn}` closes this alias (the agent's others stay open).
        denyAsks: [{ pattern, target: alias, suffix: "" }],
      });
    }
  }
  return out;
}

/**
 * A Lex node as the provider writes it (`type = "Lex"`, `configuration { lex { bot_alias_arn } }`, the API's
 * FlowNodeConfiguration member), and as round 158 first read it (`LexBot`, `lex_bot`): a node of the provider's
 * spelling was skipped as running nothing.
 */
const LEX_TYPES: readonly string[] = ["Lex", "LexBot"];
const LEX_BLOCKS = ["lex", "lex_bot"];

/** A node of a flow's definition, read as written: `config` undefined when blastwall cannot read its configuration. */
interface FlowNode {
  readonly name: string;
  /** The node's type; undefined when it is an expression blastwall cannot read (then it may be of any type). */
  readonly type: string | undefined;
  readonly config: Record<string, unknown>[] | undefined;
}

/** A flow's nodes, those of its Loop nodes' definitions among them, and the parts blastwall cannot read (each may be any node). */
interface FlowNodes {
  readonly nodes: FlowNode[];
  readonly unread: string[];
}

/** Loop nodes nest a whole definition; deeper than this is read as a part blastwall cannot read. */
const MAX_LOOP_DEPTH = 8;

/**
 * The nodes of a definition, and (red-team: flow Loop nodes) of each Loop node's own definition
 * (`configuration { loop { definition { node ... } } }`, the API's LoopFlowNodeConfiguration): a DoWhile loop runs its
 * nodes, LambdaFunction and Storage among them, with what the flow hands it. A nested node is named with its loop.
 */
function flowNodes(stack: TfStack, def: unknown, within = "", depth = 0): FlowNodes {
  const out: FlowNodes = { nodes: [], unread: [] };
  if (unset(def)) return out;
  const defs = blocksOf(def);
  // A definition written as an expression (jsondecode, a variable) may hold any node.
  if (!defs || depth > MAX_LOOP_DEPTH) return { nodes: [], unread: [within ? `the definition of Loop node ${within}, which blastwall cannot read` : "a definition blastwall cannot read"] };
  for (const d of defs) {
    const list = unset(d["node"]) ? [] : blocksOf(d["node"]);
    if (!list) {
      out.unread.push(within ? `the nodes of Loop node ${within}, which blastwall cannot read` : "nodes blastwall cannot read");
      continue;
    }
    for (const n of list) {
      const type = exactPattern(stack, n["type"]);
      const own = exactPattern(stack, n["name"]) ?? "a node";
      const name = within ? `${own} (in Loop node ${within})` : own;
      const config = unset(n["configuration"]) ? [] : blocksOf(n["configuration"]);
      out.nodes.push({ name, type, config });
      if (type !== undefined && type !== "Loop") continue;
      if (!config) {
        if (type === "Loop") out.unread.push(`Loop node ${name} (a configuration blastwall cannot read)`);
        continue;
      }
      for (const c of config) {
        if (unset(c["loop"])) continue;
        const loops = blocksOf(c["loop"]);
        if (!loops) {
          out.unread.push(`Loop node ${name} (a loop block blastwall cannot read)`);
          continue;
        }
        for (const l of loops) {
          const inner = flowNodes(stack, l["definition"], within ? `${within} > ${own}` : own, depth + 1);
          out.nodes.push(...inner.nodes);
          out.unread.push(...inner.unread);
        }
      }
    }
  }
  return out;
}

/** What a flow's definition runs: the functions of its LambdaFunction nodes and of its Agent nodes' agents. */
function flowFunctions(stack: TfStack, flow: TfResource): { functions: TfResource[]; nodes: string[] } {
  const read = flowNodes(stack, flow.values["definition"]);
  const fns = new Set<TfResource>();
  const nodes: string[] = [];
  if (read.unread.length > 0) {
    allFunctions(stack).forEach((f) => fns.add(f));
    nodes.push(...read.unread);
  }
  const agents = agentCalls(stack);
  for (const { name, type, config } of read.nodes) {
    if (type !== undefined && type !== "LambdaFunction" && type !== "Agent" && !LEX_TYPES.includes(type)) continue;
    if (!config) {
      allFunctions(stack).forEach((f) => fns.add(f));
      nodes.push(`${name} (a configuration blastwall cannot read)`);
      continue;
    }
    for (const c of config) {
      if (type !== "Agent") {
        for (const l of blocksOf(c["lambda_function"]) ?? (unset(c["lambda_function"]) ? [] : [{}])) {
          targetFunctions(stack, l["lambda_arn"]).forEach((f) => fns.add(f));
          nodes.push(`${name} (LambdaFunction)`);
        }
      }
      if (type !== "LambdaFunction") {
        for (const g of blocksOf(c["agent"]) ?? (unset(c["agent"]) ? [] : [{}])) {
          const called = agentsOfAlias(stack, agents, g["agent_alias_arn"]);
          called.forEach((f) => fns.add(f));
          if (called.length > 0) nodes.push(`${name} (Agent)`);
        }
      }
      if (type === undefined || LEX_TYPES.includes(type)) {
        for (const b of LEX_BLOCKS.flatMap((k) => blocksOf(c[k]) ?? (unset(c[k]) ? [] : [{}]))) {
          const called = lexHooks(stack, b["bot_alias_arn"]);
          called.forEach((f) => fns.add(f));
          if (called.length > 0) nodes.push(`${name} (LexBot, whose bot alias runs its code hook under a Lambda permission for Lex)`);
        }
      }
    }
  }
  return { functions: [...fns], nodes: [...new Set(nodes)] };
}

/** A Storage node of a flow: the bucket it writes its input to, as the flow's execution role. */
export interface FlowStorageNode {
  /** The node's name (`Save`, `Save (in Loop node L)`), or what blastwall cannot read of the definition. */
  readonly node: string;
  /** The bucket's name, or a pattern of it (`*` for a name, or a node, blastwall cannot read). */
  readonly bucket: string;
}

/**
 * The Storage nodes of a flow's definition (`configuration { storage { service_configuration { s3 { bucket_name } } } }`):
 * each stores its `content` input in the bucket as an object at its `objectKey` input, both taken from what the flow
 * receives, so the caller chooses the key. A node or block blastwall cannot read may write any bucket (`*`).
 */
export function flowStorageNodes(stack: TfStack, flow: TfResource): FlowStorageNode[] {
  const read = flowNodes(stack, flow.values["definition"]);
  const out: FlowStorageNode[] = read.unread.map((node) => ({ node, bucket: "*" }));
  for (const { name, type, config } of read.nodes) {
    if (type !== undefined && type !== "Storage") continue;
    if (!config) {
      out.push({ node: `${name} (a configuration blastwall cannot read)`, bucket: "*" });
      continue;
    }
    for (const c of config) {
      for (const s3 of nestedBlocks(c, ["storage", "service_configuration", "s3"])) {
        const b = s3?.["bucket_name"];
        const bucket = s3 === undefined || typeof b !== "string" || b === "" ? "*" : (resolveToPattern(stack, b).pattern ?? "*");
        out.push({ node: s3 === undefined ? `${name} (a storage block blastwall cannot read)` : name, bucket });
      }
    }
  }
  return out;
}

/** The blocks at the end of a path of nested blocks; undefined for each place on the way that cannot be read. */
function nestedBlocks(top: Record<string, unknown>, path: readonly string[]): (Record<string, unknown> | undefined)[] {
  let level: (Record<string, unknown> | undefined)[] = [top];
  for (const key of path) {
    const next: (Record<string, unknown> | undefined)[] = [];
    for (const b of level) {
      if (b === undefined) next.push(undefined);
      else if (!unset(b[key])) next.push(...(blocksOf(b[key]) ?? [undefined]));
    }
    level = next;
  }
  return level;
}

/**
 * The functions a Lex bot alias may run as its code hook: each a Lambda permission lets Lex (`lexv2.amazonaws.com`,
 * `lex.amazonaws.com`) invoke from a source that may be the alias; an alias ARN blastwall cannot read may be any.
 */
function lexHooks(stack: TfStack, v: unknown): TfResource[] {
  const alias = typeof v === "string" && v !== "" ? resolveToPattern(stack, v).pattern : "*";
  const out = new Set<TfResource>();
  for (const p of stack.byType.get("aws_lambda_permission") ?? []) {
    const principal = exactPattern(stack, p.values["principal"]);
    if (principal !== undefined && serviceNamespace(principal) !== "lex") continue;
    const src = p.values["source_arn"];
    const source = typeof src === "string" && src !== "" ? resolveToPattern(stack, src).pattern : "*";
    if (!globsIntersect(source, alias, { caseInsensitive: true })) continue;
    functionsOf(stack, p.values["function_name"]).forEach((f) => out.add(f));
  }
  return [...out];
}

/** The functions the agent an alias ARN names calls; every agent's when the alias cannot be told. */
function agentsOfAlias(stack: TfStack, agents: Map<string, AgentCalls>, v: unknown): TfResource[] {
  const alias = oneReferenced(stack, v, ALIASES);
  const agent = alias ? oneReferenced(stack, alias.values["agent_id"], AGENTS) : oneReferenced(stack, v, AGENTS);
  if (agent) return [...(agents.get(agent.address)?.functions ?? [])];
  const id = exactPattern(stack, v) === undefined ? undefined : /:agent-alias\/([^/]+)\//.exec(exactPattern(stack, v)!)?.[1];
  const hits = [...agents.values()].filter((a) => id === undefined || a.agent !== undefined || a.id === "*" || a.id === id);
  return [...new Set(hits.flatMap((a) => [...a.functions]))];
}

/**
 * What a right to run a flow is on: any flow ARN (flow and alias IDs are AWS's, `flow/ID` and `flow/ID/alias/ALIAS_ID`
 * both fall under it), or a reference to the flow; and what a Deny of the caller's own must refuse to close it: the
 * flow and its aliases, by pattern or by reference.
 */
export function flowTarget(flow: TfResource): { target: TfResource; pattern: string; types: readonly string[]; denyAsks: DenyAsk[] } {
  const pattern = "arn:*:bedrock:*:*:flow/*";
  return {
    target: flow,
    pattern,
    types: FLOWS,
    denyAsks: [
      { pattern, target: flow, suffix: "" },
      { pattern, target: flow, suffix: "/alias/*" },
    ],
  };
}

/** InvokeFlow (or StartFlowExecution) on a flow, or an alias of it, whose definition runs the function. */
function flowRoutes(stack: TfStack): Route[] {
  const out: Route[] = [];
  for (const flow of stack.byType.get("aws_bedrockagent_flow") ?? []) {
    const { functions, nodes } = flowFunctions(stack, flow);
    if (functions.length === 0) continue;
    out.push({
      via: flow,
      ...flowTarget(flow),
      targetText: flow.address,
      actions: FLOW_INVOKES,
      functions,
      verb: `run ${flow.address} with an input of its choosing`,
      how: ` (${flow.address} gets its ID from AWS, which blastwall cannot read, so a right on a flow named by a literal ID counts as one on it): the flow hands its input to ${nodes.join(", ")}, run as its execution role with no Lambda permission asked, which calls`,
      pin: `take the function out of the definition of ${flow.address}`,
    });
  }
  return out;
}

const KNOWLEDGE_BASES = ["aws_bedrockagent_knowledge_base"];

/** The rights that run a knowledge base's ingestion pipeline: a job over its data source, or documents sent inline. */
const INGESTIONS = ["bedrock:StartIngestionJob", "bedrock:IngestKnowledgeBaseDocuments"];

/**
 * A data source's custom transformation functions (`vector_ingestion_configuration { custom_transformation_configuration
 * { transformation { transformation_function { transformation_lambda_configuration { lambda_arn } } } } }`); every
 * function where a block on the way cannot be read.
 */
function transformationFunctions(stack: TfStack, v: unknown): TfResource[] {
  if (unset(v)) return [];
  const path = ["custom_transformation_configuration", "transformation", "transformation_function", "transformation_lambda_configuration"];
  const ends = nestedBlocks({ v }, ["v", ...path]);
  if (ends.includes(undefined)) return allFunctions(stack);
  return ends.flatMap((b) => (unset(b!["lambda_arn"]) ? [] : targetFunctions(stack, b!["lambda_arn"])));
}

/**
 * StartIngestionJob (or IngestKnowledgeBaseDocuments) on a knowledge base one of whose data sources has a custom
 * transformation: the ingestion hands the chunks of its documents (those the caller sends, for the latter) to the
 * function, invoked as the knowledge base's service role with no Lambda permission asked, as a flow's LambdaFunction
 * node is. Both are authorised on the knowledge base's ARN, whose ID is AWS's.
 */
function knowledgeBaseRoutes(stack: TfStack): Route[] {
  const out: Route[] = [];
  for (const ds of stack.byType.get("aws_bedrockagent_data_source") ?? []) {
    const functions = transformationFunctions(stack, ds.values["vector_ingestion_configuration"]);
    if (functions.length === 0) continue;
    const kb = oneReferenced(stack, ds.values["knowledge_base_id"], KNOWLEDGE_BASES);
    const id = kb ? "*" : (exactPattern(stack, ds.values["knowledge_base_id"]) ?? "*");
    const pattern = `arn:*:bedrock:*:*:knowledge-base/${id}`;
    const text = kb?.address ?? (id === "*" ? "a knowledge base whose ID blastwall cannot read" : `knowledge base ${id}`);
    const assigned = kb ? ` (${kb.address} gets its ID from AWS, which blastwall cannot read, so a right on a knowledge base named by a literal ID counts as one on it)` : "";
    out.push({
      via: ds,
      target: kb,
      targetText: text,
      actions: INGESTIONS,
      pattern,
      types: KNOWLEDGE_BASES,
      functions,
      verb: `start an ingestion job of ${text} (or ingest documents into it directly)`,
      how: `${assigned}: the ingestion of its data source ${ds.address} hands the chunks of the documents to its custom transformation (vector_ingestion_configuration), run as the knowledge base's service role with no Lambda permission asked, which calls`,
      denyAsks: [{ pattern, target: kb, suffix: kb ? "" : undefined }],
      pin: `write the caller's ingestion rights on the knowledge bases they are meant for, or take the custom transformation off ${ds.address}`,
    });
  }
  return out;
}

export function bedrockRoutes(stack: TfStack): Route[] {
  if (!stack.byType.get("aws_lambda_function")?.length) return [];
  return [...agentRoutes(stack), ...flowRoutes(stack), ...knowledgeBaseRoutes(stack)];
}
