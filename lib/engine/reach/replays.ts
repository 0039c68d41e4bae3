/**
 * EventBridge archive replays (events:StartReplay). An archive keeps the events put on its source bus that its
 * event_pattern matches; StartReplay, asked on the archive's ARN (`arn:...:events:REGION:ACCOUNT:archive/NAME`), sends
 * them again to that same bus (the replay's Destination must be the archive's source bus), each with a `replay-name`
 * field, and the bus's rules (those the replay's FilterArns name, which the caller picks, or all of them) deliver them
 * to their targets as they did the first time. So StartReplay on an archive is a put of events on its bus: the caller
 * does not write their fields, but whoever could put them on the bus did, and the rules then acting on them is the
 * harm (a cleanup workflow run again on every event of a month).
 *
 * Read as a write forwarded for the caller (rules/forward-relays.ts): a grant of events:StartReplay on an archive of
 * the stack is a relayed events:PutEvents grant on its bus, which every route that reads PutEvents counts (compute,
 * functions, what a rule sends to a queue, topic, stream or another bus). Fail closed where the archive's bus cannot
 * be read: it may be any bus of the stack. An archive of a bus whose rules the stack does not hold (another account or
 * region) replays to rules blastwall cannot see either way, as PutEvents there would. A bus the stack only reads (the
 * usual `data "aws_cloudwatch_event_bus" "default"`) is one whose rules the stack may hold: they are read by its name,
 * as PutEvents there reads them (red-team round 162, F1).
 *
 * Wider than AWS, on purpose: the archive's own event_pattern, and a rule's `"replay-name": [{"exists": false}]`, may
 * keep some rules from ever seeing a replayed event; that is not read (a rule counts as reached).
 */
import type { TfResource, TfStack } from "../terraform/types";
import { globsIntersect } from "../iam/glob";
import { busTarget, nameOf } from "./compute-targets";

export const START_REPLAY = "events:StartReplay";
export const ARCHIVES = ["aws_cloudwatch_event_archive"];

/** Where an archive of the stack replays to, as a forwarder writes it (forward-relays.ts `Forwarder`). */
export interface ArchiveReplay {
  readonly archive: TfResource;
  /** The archive's ARN pattern, where StartReplay is asked. */
  readonly pattern: string;
  /** The bus it replays onto: its ARN pattern, the bus when the stack makes it, how messages name it. */
  readonly to: { readonly pattern: string; readonly target?: TfResource; readonly text: string };
}

const cache = new WeakMap<TfStack, readonly ArchiveReplay[]>();

/** Every archive of the stack whose events replay onto a bus whose rules the stack may hold: read once per stack. */
export function archiveReplays(stack: TfStack): readonly ArchiveReplay[] {
  let out = cache.get(stack);
  if (!out) cache.set(stack, (out = readReplays(stack)));
  return out;
}

/**
 * The archives that replay onto a rule's bus (`busPattern`, and `bus` when the stack makes it): a rule matching only
 * AWS services' events, which PutEvents cannot send, still gets the ones its bus's archive kept.
 */
export function replaysOnto(stack: TfStack, busPattern: string, bus?: TfResource): readonly ArchiveReplay[] {
  return archiveReplays(stack).filter((r) => (r.to.target && bus ? r.to.target === bus : globsIntersect(r.to.pattern, busPattern, { caseInsensitive: true })));
}

function readReplays(stack: TfStack): ArchiveReplay[] {
  const out: ArchiveReplay[] = [];
  for (const archive of stack.byType.get(ARCHIVES[0]) ?? []) {
    if (archive.mode !== "managed") continue;
    const pattern = `arn:*:events:*:*:archive/${nameOf(stack, archive, "name")}`;
    const bus = busTarget(stack, archive.values["event_source_arn"], archive);
    const unread = !bus || (bus.outside !== undefined && /[*?]/.test(bus.pattern.split("/").slice(1).join("/")));
    if (unread) {
      // No bus it can read: any bus of the stack, the default one among them.
      out.push({ archive, pattern, to: { pattern: "arn:*:events:*:*:event-bus/*", text: `any event bus (blastwall cannot read which bus ${archive.address} archives: event_source_arn)` } });
      continue;
    }
    if (bus.outside !== undefined && !bus.readFrom) continue;
    // A bus read from a data source is no resource of the stack's: its rules are matched by name, not by reference.
    out.push({ archive, pattern, to: { pattern: bus.pattern, target: bus.bus, text: bus.text } });
  }
  return out;
}
