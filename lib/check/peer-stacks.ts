/**
 * What the stacks checked in one run tell each other about agents. A cdktf app often keeps its agent in one stack
 * and the roles it may use in another, linked by a cross-stack reference: the first stack outputs the agent's ARN,
 * the second reads it through `data.terraform_remote_state` and writes it into a trust policy. Judged one by one,
 * the second stack trusts a principal it cannot name and the first never sees the role: a path from the agent to
 * a deploy role would pass unseen. Checked together, the reference resolves to the agent's ARN, and the agents of
 * every stack count as agents wherever another stack names them (by ARN or by name).
 */
import type { BlastwallConfig } from "../engine/config-types";
import type { PeerAgent, RemoteState, TfStack } from "../engine/terraform/types";
import { buildAnalysis } from "../engine/analyze";
import { isObject } from "../engine/json";
import { providerAccount } from "../engine/terraform/providers";
import { resolveToPattern } from "../engine/terraform/tokens";

/** Backend settings that say which state a backend holds; the rest (a region, credentials, a lock table) do not. */
const STATE_KEYS = [
  "bucket",
  "key",
  "workspace_key_prefix",
  "path",
  "prefix",
  "organization",
  "workspaces",
  "storage_account_name",
  "container_name",
  "resource_group_name",
  "hostname",
  "address",
  "conn_str",
  "schema_name",
];

/** How a stack is named in a message: its name (the cdktf stack), else its file. */
export function stackLabel(stack: TfStack): string {
  return stack.name ?? stack.file;
}

/**
 * The `data.terraform_remote_state` sources of `stack` that read the state of exactly one of `peers`, with that
 * stack's outputs. A source whose settings match no checked stack, or two of them, reads a state blastwall cannot
 * tell: its outputs stay unknown, as before.
 */
export function remoteStatesOf(stack: TfStack, peers: readonly TfStack[]): Map<string, RemoteState> {
  const out = new Map<string, RemoteState>();
  for (const r of stack.byType.get("terraform_remote_state") ?? []) {
    if (r.mode !== "data") continue;
    const type = r.values["backend"];
    const config = r.values["config"];
    if (typeof type !== "string" || !isObject(config)) continue;
    const matching = peers.filter((p) => p !== stack && p.backend?.type === type && sameState(p.backend.config, config));
    if (matching.length !== 1) continue;
    out.set(r.address, { stack: stackLabel(matching[0]), outputs: outputsOf(matching[0]) });
  }
  return out;
}

/** Two backend configurations name one state when every setting that locates it is the same in both. */
function sameState(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  let shared = 0;
  for (const k of STATE_KEYS) {
    const x = a[k];
    const y = b[k];
    if (x === undefined && y === undefined) continue;
    if (x === undefined || y === undefined || JSON.stringify(x) !== JSON.stringify(y)) return false;
    shared++;
  }
  return shared > 0;
}

/** A stack's string outputs, resolved in that stack (a list or map output stays unknown to the reader). */
function outputsOf(stack: TfStack): Map<string, { pattern: string; exact: boolean }> {
  const out = new Map<string, { pattern: string; exact: boolean }>();
  for (const [name, value] of stack.outputs ?? []) {
    if (typeof value !== "string") continue;
    const r = resolveToPattern(stack, value);
    out.set(name, { pattern: r.pattern, exact: r.exact });
  }
  return out;
}

/** The roles and users `stack` makes that are AI agents, as another stack may name them. */
export function agentsOf(stack: TfStack, config: BlastwallConfig): PeerAgent[] {
  const account = providerAccount(stack, "aws");
  const out: PeerAgent[] = [];
  for (const a of buildAnalysis(stack, config).agents) {
    if (a.external || (a.kind !== "role" && a.kind !== "user")) continue;
    // The stack's own patterns leave the account open; a pinned provider says which it is.
    const arnPattern = account ? a.arnPattern.replace(/^(arn:[^:]*:iam::)\*:/, `$1${account}:`) : a.arnPattern;
    out.push({ stack: stackLabel(stack), address: a.address, kind: a.kind, arnPattern, reason: a.agentReason ?? "selected" });
  }
  return out;
}
