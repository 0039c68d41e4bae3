/**
 * AgentCore agent runtimes with an inbound JWT authorizer (red-team round 158, F1). A runtime made with
 * `authorizer_configuration { custom_jwt_authorizer { discovery_url ... } }` takes an OAuth bearer token at its
 * `/invocations` endpoint instead of a SigV4 signature: no IAM right of the caller's is asked, whoever gets a token of
 * that issuer for the clients and audiences it allows sends the agent a prompt, and the agent acts on it as the
 * runtime's execution role (`role_arn`), with the tools its code gives it: as InvokeAgentRuntime does (compute.ts
 * HIJACK_TARGETS), the whole role, since the code is not read. The authorizer is read as a gateway's is
 * (gateway-doors.ts `customJwtAccess`): an issuer anyone gets a token of opens the runtime to every principal; a
 * closed user pool of the stack to whoever may make itself a user of it (authorizers.ts `loginDoors`). A runtime with
 * no authorizer_configuration asks for SigV4, and the hijack edges judge who holds the right.
 */
import type { TfResource, TfStack } from "../terraform/types";
import { blocks } from "../json";
import { customJwtAccess } from "./gateway-doors";
import type { RoleDoor } from "./front-doors";

export const RUNTIMES: readonly string[] = ["aws_bedrockagentcore_agent_runtime"];
export const INVOKE_RUNTIME = "bedrock-agentcore:InvokeAgentRuntime";

const unset = (v: unknown): boolean => v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0);

/** The door of one runtime with an authorizer_configuration, when it lets in anyone or a user pool's logins. */
function runtimeDoor(stack: TfStack, rt: TfResource): RoleDoor | undefined {
  const config = rt.values["authorizer_configuration"];
  if (unset(config) || (Array.isArray(config) && blocks(config).every((b) => unset(b["custom_jwt_authorizer"]) && Object.keys(b).length === 0))) return undefined;
  const iam = `remove the authorizer_configuration of ${rt.address}, so that invoking it asks for bedrock-agentcore:InvokeAgentRuntime (SigV4)`;
  const access = customJwtAccess(
    stack,
    config,
    `${rt.address} (custom_jwt_authorizer), whose agent acts on the prompt as its execution role`,
    iam,
    (t) => `through ${rt.address}, an AgentCore agent runtime whose inbound JWT authorizer (authorizer_configuration) takes tokens of ${t}; whoever gets such a token invokes it over HTTPS with a bearer token, no IAM right asked, and its agent acts on the prompt`,
    rt.address,
  );
  if (access.kind === "iam" || (access.kind === "other" && !access.logins?.length)) return undefined;
  return {
    via: rt,
    api: rt,
    role: rt.values["role_arn"],
    access,
    invoke: INVOKE_RUNTIME,
    fix: `take the rights the agent does not need off the execution role of ${rt.address} (role_arn)`,
  };
}

const cache = new WeakMap<TfStack, readonly RoleDoor[]>();

/** The stack's runtimes whose JWT authorizer lets in callers with no IAM right, read once per stack. */
export function runtimeDoorsOf(stack: TfStack): readonly RoleDoor[] {
  let out = cache.get(stack);
  if (!out) {
    out = (stack.byType.get(RUNTIMES[0]) ?? []).filter((r) => r.mode === "managed").flatMap((r) => runtimeDoor(stack, r) ?? []);
    cache.set(stack, out);
  }
  return out;
}
