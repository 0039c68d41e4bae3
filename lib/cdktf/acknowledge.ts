import type { TerraformModule, TerraformResource } from "cdktf";
import type { IConstruct } from "constructs";
import { framework } from "./framework";
import { MIN_REASON, visibleLength } from "../engine/text";

export interface InCodeAcknowledgement {
  /** The rule the finding comes from, e.g. `agent-destroy-right`. */
  readonly ruleId: string;
  /** Why this is acceptable. At least 10 characters; reviewers read it in every report. */
  readonly reason: string;
  /** ISO date after which the acknowledgement lapses and the finding fails again. @default never */
  readonly expires?: string;
}


/**
 * Acknowledges findings next to the construct they are about. The acknowledgement is written into the
 * synthesized JSON (`"//": { "blastwall": ... }` of each resource and module under `scope`), so `blastwall check` in CI
 * honours exactly the same ones as the synth-time check. Acknowledged findings still appear in every report.
 */
export function acknowledge(scope: IConstruct, ack: InCodeAcknowledgement): void {
  if (!scope || typeof scope !== "object" || !("node" in scope)) throw new Error("acknowledge: scope is required: the construct whose findings are acknowledged");
  if (!ack || typeof ack !== "object") throw new Error("acknowledge: the acknowledgement { ruleId, reason, expires? } is required");
  if (!ack.ruleId || typeof ack.ruleId !== "string") throw new Error("acknowledge: ruleId is required");
  // The same measure the engine applies when it reads the acknowledgement back from the JSON.
  if (typeof ack.reason !== "string" || visibleLength(ack.reason) < MIN_REASON) {
    throw new Error(`acknowledge: reason must be at least ${MIN_REASON} characters and say why the finding is acceptable (rule ${ack.ruleId} at ${scope.node.path})`);
  }
  if (ack.expires !== undefined && Number.isNaN(Date.parse(ack.expires))) {
    throw new Error(`acknowledge: expires must be an ISO date such as 2027-01-31 (got "${ack.expires}")`);
  }
  // Modules too: a module blastwall cannot read is a finding on the module block itself.
  const fw = framework();
  const resources = scope.node.findAll().filter((c): c is Acknowledgeable => fw.TerraformResource.isTerraformResource(c) || c instanceof fw.TerraformModule);
  if (resources.length === 0) throw new Error(`acknowledge: ${scope.node.path} holds no Terraform resource or module to acknowledge a finding on`);
  for (const r of resources) {
    const list = acknowledgementsOf(r);
    list.push({ ruleId: ack.ruleId, reason: ack.reason.trim(), ...(ack.expires ? { expires: ack.expires } : {}) });
    if (r instanceof fw.TerraformModule) carryOnModule(r, list);
    else r.addOverride("//.blastwall.acknowledgements", list);
  }
}

/**
 * A module writes its `"//"` from its construct metadata after applying overrides, so an override there is lost:
 * the acknowledgements join that metadata instead (the same `"//": { "blastwall": ... }` a resource gets).
 */
function carryOnModule(m: TerraformModule, list: readonly InCodeAcknowledgement[]): void {
  if (Object.prototype.hasOwnProperty.call(m, "constructNodeMetadata")) return;
  let proto: object | null = Object.getPrototypeOf(m);
  let getter: (() => unknown) | undefined;
  while (proto && !getter) {
    getter = Object.getOwnPropertyDescriptor(proto, "constructNodeMetadata")?.get;
    proto = Object.getPrototypeOf(proto);
  }
  if (!getter) throw new Error(`acknowledge: cannot attach an acknowledgement to the module ${m.node.path} (this framework version writes no construct metadata)`);
  const base = getter;
  Object.defineProperty(m, "constructNodeMetadata", {
    configurable: true,
    get: () => ({ ...(base.call(m) as Record<string, unknown>), blastwall: { acknowledgements: list } }),
  });
}

type Acknowledgeable = TerraformResource | TerraformModule;

const lists = new WeakMap<Acknowledgeable, InCodeAcknowledgement[]>();

function acknowledgementsOf(r: Acknowledgeable): InCodeAcknowledgement[] {
  let l = lists.get(r);
  if (!l) lists.set(r, (l = []));
  return l;
}
