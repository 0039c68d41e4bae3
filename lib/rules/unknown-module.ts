import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import { UNKNOWN_MODULE_TYPE, type TfStack } from "../engine/terraform/types";
import { principalNameIndex, principalsNamedIn } from "./principal-mentions";
import { agentNoun } from "./support";

interface ModuleCall {
  readonly address: string;
  readonly source: string;
  /** The registry version constraint, when the block writes one. */
  readonly version?: string;
  readonly inputs: unknown;
  readonly location?: string;
  readonly constructPath?: string;
  /** Why blastwall left it unread, when that is not the usual reason for its kind of source. */
  readonly reason?: string;
}

/** Opens the reason a module stays unread when the HCL parser could not run: the module is not to blame. */
export const PARSER_UNAVAILABLE = "parser unavailable: the HCL parser could not run in this process";

/** `./x`, `../x`: only a local module blastwall could not read reaches this rule (see `LOCAL_FIX`). */
function isLocalSource(source: string): boolean {
  return /^\.\.?[/\\]/.test(source);
}

/**
 * A local module is read wherever its folder is on disk: `blastwall check` of a folder, or of cdktf's output, reads
 * it. One left unread is a stack judged before cdktf wrote its folder (the synth-time gate, for a path no asset of
 * the stack supplies) or a JSON file judged apart from its folder.
 */
const NOT_WRITTEN_YET =
  "It is a local path blastwall did not read here: at synth, cdktf writes it into the stack folder only after this gate runs (and a JSON file checked apart from its folder is judged as itself).";
const LOCAL_FIX =
  "Run `blastwall check cdktf.out` after synth (or check the stack's folder, not its JSON file alone): it reads the module there. " +
  "Acknowledging this finding lets synth pass with the synth-time gate blind to what the module creates. " +
  "A module created by cdktf from a local folder (`new TerraformHclModule(this, id, { source: \"./modules/x\" })`) or from an absolute path is read at synth.";

const PARSER_FIX =
  "Run synth again in a fresh process, or `blastwall check cdktf.out` after synth, which reads the module with a parser of its own. " +
  "Acknowledging this finding lets synth pass with the synth-time gate blind to what the module creates.";

function modulesOf(stack: TfStack): ModuleCall[] {
  const out: ModuleCall[] = (stack.modules ?? []).map((m) => ({ address: m.address, source: m.source ?? "(no source)", ...versionOf(m.values.version), inputs: m.values, constructPath: m.constructPath }));
  for (const r of stack.byType.get(UNKNOWN_MODULE_TYPE) ?? []) {
    const reason = typeof r.values.reason === "string" && r.values.reason.startsWith(PARSER_UNAVAILABLE) ? r.values.reason : undefined;
    out.push({ address: r.address, source: String(r.values.source ?? "(no source)"), ...versionOf(r.values.version), inputs: r.values.inputs ?? r.values, location: r.location, constructPath: r.constructPath, ...(reason ? { reason } : {}) });
  }
  return out;
}

const versionOf = (v: unknown): { version?: string } => (v === undefined || v === null ? {} : { version: typeof v === "string" ? v : JSON.stringify(v) });

/** `source X` or `source X, version Y`: what a reviewer reviewed, and what the finding's `grants` digest is of. */
const fetched = (m: ModuleCall) => `source ${m.source}${m.version !== undefined ? `, version ${m.version}` : ""}`;

/**
 * Fail closed on modules: their resources are not in the synthesized JSON (or, for registry modules, not on disk),
 * so blastwall cannot see what they grant or create. Every such module is an error, which a reviewer acknowledges.
 */
export const rule: Rule = {
  meta: {
    id: "unknown-module",
    title: "A module creates resources blastwall cannot see",
    why:
      "A module may create roles, attach policies to the principals it is given, or write bucket policies; none of that " +
      "appears in the configuration blastwall reads. A module that receives an agent's role can hand it any right.",
    fix:
      "Check the module's synthesized or planned output instead (`blastwall gate plan.json` sees every resource a module creates), " +
      "vendor it as a local module (`source = \"./modules/...\"`) so blastwall can read it, or acknowledge the finding once reviewed, " +
      "with the finding's `grants`: the acknowledgement then holds only while the module's source, version and inputs are the ones reviewed.",
    severity: "error",
    category: "input",
  },
  check({ stack, analysis }) {
    const out: FindingDraft[] = [];
    const agents = new Set(analysis.agents.map((a) => a.address));
    const modules = modulesOf(stack);
    const byName = modules.length > 0 ? principalNameIndex(analysis.principals) : new Map<string, string>();
    for (const m of modules) {
      const passed = principalsNamedIn(stack, byName, m.inputs);
      const agentsPassed = passed.filter((p) => agents.has(p));
      out.push({
        // The module is what a reviewer acknowledges: keyed on the agent, one acknowledgement would cover every
        // module handed that agent, today's and any added later.
        principal: m.address,
        resource: m.address,
        actions: agentsPassed.length ? ["*"] : [],
        // Fail closed either way: what a module creates may be an agent role with every right, and that is as
        // dangerous as an agent it is handed. A reviewed module is acknowledged with the reason.
        severity: "error",
        message:
          (agentsPassed.length
            ? `${m.address} (${fetched(m)}) is given ${agentsPassed.map((a) => agentNoun(analysis.byAddress.get(a)!)).join(", ")} and creates resources blastwall cannot see: it may attach any right to it.`
            : `${m.address} (${fetched(m)}) creates resources blastwall cannot see: it may create an AI agent with any right, or write the policies of this stack's principals, and none of that is checked.`) +
          (m.reason ? ` It was not read: ${m.reason}.` : isLocalSource(m.source) ? ` ${NOT_WRITTEN_YET}` : ""),
        // Vendoring it as a local module is what was done: the advice for a remote module would send the user in a circle.
        ...(m.reason ? { fix: PARSER_FIX } : isLocalSource(m.source) ? { fix: LOCAL_FIX } : {}),
        evidence: [
          { step: "module", address: m.address, detail: fetched(m), ...(m.location ? { location: m.location } : {}) },
          ...passed.map((p) => ({ step: "input", address: p, detail: `${m.address} receives ${p}` })),
        ],
        ...(m.constructPath ? { constructPath: m.constructPath } : {}),
      });
    }
    return out;
  },
};
