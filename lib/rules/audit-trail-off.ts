import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import { describe, presence, presenceFix, readBool, resourceEvidence, resourceFinding, unknownText } from "./protection-support";
import { trailEvents } from "./trail-events";
import type { TfResource, TfStack } from "../engine/terraform/types";
import { providerKeyOf, resourceAccount, resourceRegion, sameProvider } from "../engine/terraform/providers";

/** What an agent's unrecorded write calls look like, for the messages. */
const WRITES = "DeleteVolume, DeleteDBInstance, PutBucketPolicy, StopLogging";

/** Examples per service a trail may leave out (AWS accepts only these two in the exclusion lists). */
const EXCLUDED_CALLS: Readonly<Record<string, string>> = {
  "kms.amazonaws.com": "ScheduleKeyDeletion, DisableKey, PutKeyPolicy",
  "rdsdata.amazonaws.com": "ExecuteStatement, which runs any SQL against an Aurora database",
};

const SELECTOR_FIX =
  "Record every write management event: remove the event selectors (a trail without them records all management events), or give one " +
  'event_selector include_management_events = true with read_write_type = "All" (or "WriteOnly"), or one advanced_event_selector ' +
  'whose field_selector eventCategory equals ["Management"] with no readOnly filter (or readOnly equals ["false"]).';

/**
 * The trails of the stack that certainly record write management events: created unconditionally, logging (unset
 * means on), and with selectors that include them. A trail whose own selectors leave them out (a data-event trail,
 * the usual second trail: AWS bills every copy of management events after the first) is no gap while one of these
 * records the same account and Region.
 */
function writeRecorders(stack: TfStack, trails: readonly TfResource[]): TfResource[] {
  return trails.filter((t) => {
    if (t.mode !== "managed" || !presence(stack, t).present) return false;
    const on = readBool(stack, t.values["enable_logging"]);
    return (on.state === "unset" || (on.state === "set" && on.value)) && trailEvents(stack, t).writes;
  });
}

/**
 * Whether `recorder` certainly records the write calls made where `trail` is: the same account (one provider
 * configuration, or two pinned to one account) and Region (a multi-Region trail, or one literal Region for both, or
 * one provider configuration with no `region` argument on either). Anything unread counts as elsewhere (fail closed).
 */
function recordsWhere(stack: TfStack, recorder: TfResource, trail: TfResource): boolean {
  const one = sameProvider(providerKeyOf(recorder), providerKeyOf(trail));
  const account = resourceAccount(stack, recorder);
  if (!one && (account === undefined || account !== resourceAccount(stack, trail))) return false;
  const multi = readBool(stack, recorder.values["is_multi_region_trail"]);
  if (multi.state === "set" && multi.value) return true;
  const region = resourceRegion(stack, recorder);
  if (region !== undefined && region === resourceRegion(stack, trail)) return true;
  return one && recorder.values["region"] === undefined && trail.values["region"] === undefined;
}

/**
 * A CloudTrail trail that is not created, logs nothing, or records no write management events: no agent call that
 * changes or deletes a resource is attributed, however well the rest of the trail (and AgentAuditTrail's bucket
 * lock) is set up. A trail that leaves out one service's management events is a warning: that service's calls go
 * unaudited.
 */
export const rule: Rule = {
  meta: {
    id: "audit-trail-off",
    title: "CloudTrail trail that records no agent changes",
    why:
      "Every agent action is to be audited. A trail with enable_logging = false, one Terraform does not create (count = 0, an empty " +
      "for_each, lifecycle.enabled = false, or one of these from a value blastwall cannot evaluate), or one whose event selectors record " +
      "no write management events (include_management_events = false, read_write_type = \"ReadOnly\", advanced selectors for data " +
      "events only or readOnly = true) while no other trail of the stack certainly records them in the same account and Region, exists " +
      "in the code but records none of the calls that change or delete resources, so an agent's calls cannot be attributed or reviewed. A trail that leaves out the management events of KMS or the RDS Data API is a warning.",
    fix:
      "Remove enable_logging or set it to true, create the trail unconditionally, and record every write management event (no event " +
      "selectors, or one that includes management events of type All or WriteOnly) (AgentAuditTrail does); stop a trail only by a " +
      "human-approved change.",
    severity: "error",
    category: "protection",
  },
  check({ stack }) {
    const out: FindingDraft[] = [];
    const trails = stack.byType.get("aws_cloudtrail") ?? [];
    const recorders = writeRecorders(stack, trails);
    for (const r of trails) {
      if (r.mode !== "managed") continue;
      const exists = presence(stack, r);
      if (!exists.present) {
        out.push(resourceFinding(r, `${describe(r)} ${exists.why}: ${exists.certain ? "there is no trail" : "the trail may not exist"}, so agent calls go unaudited. ${presenceFix(r)}.`, [resourceEvidence(r, exists.why)]));
        continue;
      }
      const v = readBool(stack, r.values["enable_logging"]);
      if (v.state === "set" && !v.value || v.state === "unknown") {
        const state = v.state === "set" ? "sets enable_logging = false" : `sets enable_logging to ${unknownText(v)}`;
        out.push(resourceFinding(r, `${describe(r)} ${state}: the trail records nothing, so agent calls go unaudited.`, [
          resourceEvidence(r, `enable_logging: ${v.state === "set" ? "false" : v.raw}`),
        ]));
        continue;
      }
      const events = trailEvents(stack, r);
      if (!events.writes) {
        // The stack's trails are judged together: another trail that records the writes here leaves no gap.
        if (recorders.some((o) => o !== r && recordsWhere(stack, o, r))) continue;
        out.push(
          resourceFinding(r, `${describe(r)} records no write management events (${events.why.join("; ")}): the calls that change or delete resources (${WRITES}) go unaudited. ${SELECTOR_FIX}`, [
            resourceEvidence(r, "event selectors: no write management events"),
            ...events.why.map((why) => ({ step: "event-selector", address: r.address, detail: why })),
          ]),
        );
        continue;
      }
      if (events.excluded.length > 0 || events.mayExclude) {
        const what =
          events.excluded.length > 0
            ? `leaves out the management events of ${events.excluded.join(" and ")} (${events.excluded.map((s) => EXCLUDED_CALLS[s] ?? "its calls").join("; ")})`
            : `may leave out the management events of some services: ${events.mayExclude}`;
        out.push(
          resourceFinding(
            r,
            `${describe(r)} ${what}, so an agent's calls to ${events.excluded.length > 0 ? "them" : "those"} go unaudited. Remove exclude_management_event_sources (or the eventSource not_equals field) from its selectors, or record those events in another trail.`,
            [resourceEvidence(r, `excluded management event sources: ${events.excluded.join(", ") || "an expression"}`)],
            { severity: "warning" },
          ),
        );
      }
    }
    return out;
  },
};
