import type { TerraformModule, TerraformProvider, TerraformResource } from "cdktf";
import type { IConstruct } from "constructs";
import { framework } from "./framework";
import { MIN_REASON, nearestKey, visibleLength } from "../engine/text";
import { placeholderReason, REASON_ADVICE } from "../engine/reason";
import { ACK_ACTION, GRANTS_DIGEST, IN_CODE_ACK_KEYS } from "../engine/findings";
import { expiryInstant } from "../config/acknowledgements";
import { isRuleId } from "../config/load-config";

export interface InCodeAcknowledgement {
  /** The rule the finding comes from, e.g. `agent-destroy-right`. */
  readonly ruleId: string;
  /** Who accepted what and why. At least 10 visible characters and no placeholder (`TODO:`, `reason here`: see lib/engine/reason.ts); reviewers read it in every report. */
  readonly reason: string;
  /** ISO date after which the acknowledgement lapses and the finding fails again. @default never */
  readonly expires?: string;
  /**
   * The actions accepted (IAM names or globs such as `ec2:DeleteSnapshot`, case-insensitive): a finding is covered
   * only while every action it reports is one of them, so a right added after the review fails again.
   * @default whatever the rule reports for the construct, now and later
   */
  readonly actions?: readonly string[];
  /** The finding's `resource` (exact Terraform address) the acknowledgement is limited to. @default any */
  readonly resource?: string;
  /**
   * The finding's `grants` digest (16 hex digits, as the report shows it): the acknowledgement covers the finding only
   * while the statements that grant it are the ones reviewed. @default not pinned: whatever grants the finding
   */
  readonly grants?: string;
}

// Kept exported here: code written against earlier versions imports it from this module.
export { ACK_ACTION };

/**
 * Acknowledges findings next to the construct they are about. The acknowledgement is written into the
 * synthesized JSON (`"//": { "blastwall": ... }` of each resource and module under `scope`), so `blastwall check` in CI
 * reads exactly the same ones as the synth-time check. Acknowledged findings still appear in every report.
 *
 * They count only when the config in force sets `acknowledgementsInCode: true` (blastwall.json for `blastwall check`,
 * the `BlastwallChecks` config or configFile at synth): stack code is what an AI agent edits, and without the opt-in
 * an agent could acknowledge its own rights here. Not opted in, each finding it names stays as it was and says the
 * acknowledgement (construct, file, reason) was not honoured; move it to blastwall.json, protected by CODEOWNERS
 * review, or opt in when the stack code gets that same review.
 */
export function acknowledge(scope: IConstruct, ack: InCodeAcknowledgement): void {
  if (!scope || typeof scope !== "object" || !("node" in scope)) throw new Error("acknowledge: scope is required: the construct whose findings are acknowledged");
  if (!ack || typeof ack !== "object") throw new Error("acknowledge: the acknowledgement { ruleId, reason, expires? } is required");
  unknownKeyCheck(scope, ack);
  if (!ack.ruleId || typeof ack.ruleId !== "string") throw new Error("acknowledge: ruleId is required");
  // A misspelt id would acknowledge nothing, silently: the config refuses it the same way.
  if (!isRuleId(ack.ruleId)) throw new Error(`acknowledge: ruleId ${JSON.stringify(ack.ruleId)} is not a rule id (docs/rules.md lists them) (at ${scope.node.path})`);
  // The same measure the engine applies when it reads the acknowledgement back from the JSON.
  if (typeof ack.reason !== "string" || visibleLength(ack.reason) < MIN_REASON) {
    throw new Error(`acknowledge: reason must be at least ${MIN_REASON} characters and say why the finding is acceptable (rule ${ack.ruleId} at ${scope.node.path})`);
  }
  const placeholder = placeholderReason(ack.reason);
  if (placeholder !== undefined) {
    throw new Error(
      `acknowledge: reason ${JSON.stringify(ack.reason)} is a placeholder, not a reason (${placeholder}): a reviewer signs the acknowledgement off by it; ${REASON_ADVICE} (rule ${ack.ruleId} at ${scope.node.path})`,
    );
  }
  // The engine's reading, not Date.parse's: what Date.parse accepts and the engine cannot read would expire at once.
  if (ack.expires !== undefined && (typeof ack.expires !== "string" || expiryInstant(ack.expires) === undefined)) {
    throw new Error(
      `acknowledge: expires must be YYYY-MM-DD or an ISO date-time with an offset, such as 2027-01-31 or 2027-01-31T12:00:00Z ` +
        `(got ${JSON.stringify(ack.expires)}; rule ${ack.ruleId} at ${scope.node.path})`,
    );
  }
  if (ack.actions !== undefined) {
    if (!Array.isArray(ack.actions)) {
      const example = typeof ack.actions === "string" ? JSON.stringify([ack.actions]) : '["ec2:DeleteSnapshot"]';
      throw new Error(`acknowledge: actions must be an array of IAM actions, e.g. actions: ${example} (got ${JSON.stringify(ack.actions)}; rule ${ack.ruleId} at ${scope.node.path})`);
    }
    if (ack.actions.length === 0) throw new Error(`acknowledge: actions must list at least one IAM action (rule ${ack.ruleId} at ${scope.node.path})`);
    const bad = ack.actions.find((a) => typeof a !== "string" || !ACK_ACTION.test(a));
    if (bad !== undefined) throw new Error(`acknowledge: actions: ${JSON.stringify(bad)} is not an IAM action name or glob such as ec2:DeleteSnapshot (rule ${ack.ruleId} at ${scope.node.path})`);
  }
  if (ack.resource !== undefined && (typeof ack.resource !== "string" || ack.resource === "" || /[*?]/.test(ack.resource))) {
    throw new Error(`acknowledge: resource must be one exact Terraform address, without * or ? (rule ${ack.ruleId} at ${scope.node.path})`);
  }
  if (ack.grants !== undefined && (typeof ack.grants !== "string" || !GRANTS_DIGEST.test(ack.grants))) {
    throw new Error(`acknowledge: grants must be the 16 hex digits of a finding's grants, as the report shows them (got ${JSON.stringify(ack.grants)}; rule ${ack.ruleId} at ${scope.node.path})`);
  }
  // Modules too: a module blastwall cannot read is a finding on the module block itself; and provider blocks, for a
  // credential written into one (credential-in-source).
  const fw = framework();
  const resources = scope.node
    .findAll()
    .filter((c): c is Acknowledgeable => fw.TerraformResource.isTerraformResource(c) || c instanceof fw.TerraformModule || fw.TerraformProvider.isTerraformProvider(c));
  if (resources.length === 0) throw new Error(`acknowledge: ${scope.node.path} holds no Terraform resource, module or provider to acknowledge a finding on`);
  for (const r of resources) {
    const list = acknowledgementsOf(r);
    list.push({
      ruleId: ack.ruleId,
      reason: ack.reason.trim(),
      ...(ack.expires ? { expires: ack.expires } : {}),
      ...(ack.actions ? { actions: [...ack.actions] } : {}),
      ...(ack.resource !== undefined ? { resource: ack.resource } : {}),
      ...(ack.grants !== undefined ? { grants: ack.grants } : {}),
    });
    if (r instanceof fw.TerraformModule) carryOnModule(r, list);
    else r.addOverride("//.blastwall.acknowledgements", list);
  }
}

/**
 * Refuses a key acknowledge() does not read. TypeScript only checks the keys of an object literal: an entry from a
 * variable, a loop over blastwall.json entries or plain JavaScript reaches here with whatever it holds, and an unread
 * `actions` or `expires` leaves the acknowledgement wider or longer-lived than written. blastwall.json refuses the
 * same keys.
 */
function unknownKeyCheck(scope: IConstruct, ack: object): void {
  const given = ack as Record<string, unknown>;
  const unknown = Object.keys(given).find((k) => !IN_CODE_ACK_KEYS.includes(k) && given[k] !== undefined);
  if (unknown === undefined) return;
  const rule = typeof given.ruleId === "string" ? `rule ${given.ruleId} at ` : "at ";
  const at = `${rule}${scope.node.path}`;
  if (unknown === "principal" || unknown === "stack") {
    // The blastwall.json fields that say what an entry covers: in code, the construct it is given on says that.
    const named = typeof given[unknown] === "string" ? ` ${JSON.stringify(given[unknown])}` : "";
    throw new Error(
      `acknowledge: ${unknown} is not an acknowledge() key: the acknowledgement covers the construct it is given on (${scope.node.path}) ` +
        `and everything under it, not the ${unknown}${named} the entry names. Acknowledge that construct itself: ` +
        `acknowledge(role, { ruleId, reason }) with the role or user construct as the scope (${at})`,
    );
  }
  const near = nearestKey(unknown, IN_CODE_ACK_KEYS);
  throw new Error(
    `acknowledge: unknown key ${JSON.stringify(unknown)}${near ? ` (did you mean ${near}?)` : ""}: acknowledge() reads only ` +
      `${IN_CODE_ACK_KEYS.join(", ")}, and a key it does not read leaves the acknowledgement wider or longer-lived than written (${at})`,
  );
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

type Acknowledgeable = TerraformResource | TerraformModule | TerraformProvider;

const lists = new WeakMap<Acknowledgeable, InCodeAcknowledgement[]>();

function acknowledgementsOf(r: Acknowledgeable): InCodeAcknowledgement[] {
  let l = lists.get(r);
  if (!l) lists.set(r, (l = []));
  return l;
}
