import type { Finding, RuleMeta } from "../engine/findings";

export interface ReportSummary {
  readonly errors: number;
  readonly warnings: number;
  readonly principals: number;
  readonly agentPrincipals: number;
  readonly resources: number;
  readonly files: number;
  /** Findings a human accepted (an acknowledgement, or for the gate a signed approval): shown, not counted above. */
  readonly acknowledged: number;
}

/** An approval the plan gate looked at, and what it decided. */
export interface ApprovalVerdict {
  readonly file: string;
  readonly accepted: boolean;
  /** The approver's name, when a trusted key signed it. */
  readonly by?: string;
  /** Whether `--trust NAME=KEY` binds that name to the signing key; false: the name is only the signer's claim. */
  readonly nameBound?: boolean;
  readonly reason: string;
  readonly covers: readonly string[];
}

/** Everything a reporter renders. `blastwall check` fills findings + summary; `blastwall gate` adds approvals. */
export interface Report {
  readonly tool: "check" | "gate";
  readonly findings: readonly Finding[];
  readonly summary: ReportSummary;
  readonly approvals?: readonly ApprovalVerdict[];
  /** What the reader should know of the input as a whole (the gate: a partial, targeted plan). */
  readonly notes?: readonly string[];
  /**
   * The config the run was judged with, as the user named it (`infra/blastwall.json`, `blastwall.json` for the
   * working directory's); null: none. Undefined where no config file is involved (the synth gate's own report).
   */
  readonly config?: string | null;
  /** Metadata of the rules that ran (SARIF lists them; text and JSON do not need it). */
  readonly rules?: readonly RuleMeta[];
}
