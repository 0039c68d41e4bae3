import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import { describe, presence, presenceFix, readBool, resourceEvidence, resourceFinding, unknownText } from "./protection-support";
import { trailEvents } from "./trail-events";
import type { PeerTrail, TfResource, TfStack } from "../engine/terraform/types";
import { blocks, isObject } from "../engine/json";
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

/** The stack's trails that certainly record write management events, for the other stacks of a run (`TfStack.peerTrails`). */
export function trailsForPeers(stack: TfStack, label: string): PeerTrail[] {
  return writeRecorders(stack, stack.byType.get("aws_cloudtrail") ?? []).map((resource) => ({ stack: label, of: stack, resource }));
}

/**
 * Whether another stack's trail certainly records the write calls made where `trail` is: two stacks never share a
 * provider configuration, so both must be pinned to one account, and the recorder multi-Region or in the same literal
 * Region. Anything unread counts as elsewhere (fail closed).
 */
function peerRecordsWhere(stack: TfStack, peer: PeerTrail, trail: TfResource): boolean {
  const account = resourceAccount(peer.of, peer.resource);
  if (account === undefined || account !== resourceAccount(stack, trail)) return false;
  const multi = readBool(peer.of, peer.resource.values["is_multi_region_trail"]);
  if (multi.state === "set" && multi.value) return true;
  const region = resourceRegion(peer.of, peer.resource);
  return region !== undefined && region === resourceRegion(stack, trail);
}

/**
 * AgentAuditTrail's own trail, told by what the construct writes and a user has no reason to copy: its precondition's
 * message starts with "AgentAuditTrail:", and its S3 data events of its own bucket have a selector of their own named
 * so. Its management events are what the construct promises for the whole organization: another trail of one account
 * cannot stand in for them, so taking them out is an error wherever else events are recorded.
 */
function isAgentAuditTrail(r: TfResource): boolean {
  const pre = r.lifecycle?.["precondition"];
  const conditions = Array.isArray(pre) ? pre : [pre];
  if (conditions.some((c) => isObject(c) && typeof c["error_message"] === "string" && c["error_message"].startsWith("AgentAuditTrail:"))) return true;
  return blocks(r.values["advanced_event_selector"]).some((b) => typeof b["name"] === "string" && /^Data events AWS::\w+::\w+ of the trail's bucket$/.test(b["name"]));
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
      "A trail that is switched off, not created, or records no write management events keeps no record of the calls that " +
        "change or delete resources: after an agent deletes a database, nobody can tell which principal did it or review what " +
        "else it changed.",
    details:
      "Every agent action is to be audited. A trail with enable_logging = false, or one Terraform does not create (count = 0, " +
        "an empty for_each, lifecycle.enabled = false, or one of these from a value blastwall cannot evaluate), records none of " +
        "the calls that change or delete resources, so an agent's calls cannot be attributed or reviewed. " +
        "So does one whose event selectors record no write management events (read_write_type = \"ReadOnly\", readOnly = true, selectors " +
        "blastwall cannot read) while no trail of the stacks checked together certainly records them in the same account and Region, " +
        "and AgentAuditTrail's trail whose management events were taken out. A trail that records only data events " +
        "(include_management_events = false with data resources, advanced selectors of the Data category) takes no auditing away: the " +
        "usual layout keeps it beside the account's main trail, which is often an organization trail blastwall cannot see, since a " +
        "second copy of management events is billed. With no checked trail recording those events, it is a warning that they must be " +
        "recorded elsewhere. A trail that leaves out the management events of KMS or the RDS Data API is a warning.",
    fix:
      "Remove enable_logging or set it to true, create the trail unconditionally, and have every write management event recorded (a trail " +
      "with no event selectors, or one that includes management events of type All or WriteOnly, as AgentAuditTrail does); stop a trail " +
      "only by a human-approved change. For a data-event trail, check it together with the stack of the account's main trail, or, when an " +
      "organization trail or a trail outside the repository records them, acknowledge the warning; adding management events to the data " +
      "trail records a second, billed copy.",
    severity: "error",
    category: "protection",
  },
  check({ stack }) {
    const out: FindingDraft[] = [];
    const trails = stack.byType.get("aws_cloudtrail") ?? [];
    const recorders = writeRecorders(stack, trails);
    // The trails of the stacks checked together are judged together (red-team round 134, F1).
    const recorded = (r: TfResource) => recorders.some((o) => o !== r && recordsWhere(stack, o, r)) || (stack.peerTrails ?? []).some((p) => peerRecordsWhere(stack, p, r));
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
        const own = isAgentAuditTrail(r);
        // Another trail that records the writes here leaves no gap.
        if (!own && recorded(r)) continue;
        if (!own && events.dataOnly) {
          out.push(dataTrailWarning(r, events.why));
          continue;
        }
        out.push(
          resourceFinding(r, `${describe(r)} ${own ? "is AgentAuditTrail's organization trail, and " : ""}records no write management events (${events.why.join("; ")}): the calls that change or delete resources (${WRITES}) go unaudited${own ? " in every account of the organization" : ""}. ${own ? `Remove the override or edit that changed its selectors: AgentAuditTrail records them with an advanced_event_selector whose eventCategory equals ["Management"].` : SELECTOR_FIX}`, [
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

/**
 * A data-event trail that no trail checked with it complements: it takes nothing away (the stack without it would pass,
 * blastwall seeing no organization trail either), so the gap it shows is a warning that the write management events
 * must be recorded by a trail blastwall does not see. Recording them here too is a billed second copy where one exists.
 */
function dataTrailWarning(r: TfResource, why: readonly string[]): FindingDraft {
  return resourceFinding(
    r,
    `${describe(r)} records only data events (${why.join("; ")}), and no trail checked with it records the write management events ` +
      `(the calls that change or delete resources: ${WRITES}) of its account and Region. A data-event trail is no gap by itself: they must be ` +
      "recorded by the account's main trail, an organization trail (Control Tower) or another stack's trail. If one does, check this stack " +
      "together with that trail's stack, or acknowledge this warning when it is an organization trail or lies outside the repository. If none " +
      "does, create a trail that records every write management event; adding them to this trail (include_management_events = true, or an " +
      'advanced_event_selector with eventCategory equal to ["Management"]) records a second copy where another trail records them, which CloudTrail bills.',
    [resourceEvidence(r, "event selectors: data events only"), ...why.map((w) => ({ step: "event-selector", address: r.address, detail: w }))],
    { severity: "warning" },
  );
}
