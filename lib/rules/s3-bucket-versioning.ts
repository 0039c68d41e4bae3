/**
 * Whether each S3 bucket of a stack certainly keeps object versions, and if not why: read once per stack for
 * `agent-overwrite-unprotected` (an overwrite keeps the earlier version), `stateful-backup-coverage` and
 * `OffsiteBackupPlan.protect` (AWS Backup backs up only versioned buckets). One reader, so the three cannot disagree.
 */
import type { PeerBucketSetting, TfResource, TfStack } from "../engine/terraform/types";
import { globsIntersect, hasWildcard } from "../engine/iam/glob";
import { attributePattern, hasInterpolation, refTarget, resolveToPattern } from "../engine/terraform/tokens";
import { existence } from "../engine/principals/collect";
import { withoutInstanceKeys } from "../engine/agents";
import { blocks, readBool, readNumber, readString, refersTo, unknownText } from "./protection-support";

/** Ok (and what keeps it on, for the record), or why not (a clause) and what to do (a sentence). */
export type VersioningCheck =
  | { readonly ok: true; readonly by?: string }
  /** `elsewhere`: the cause is a resource of another stack of the run, which a message about the bucket names. */
  | { readonly ok: false; readonly why: string; readonly fix: string; readonly elsewhere?: true };

/**
 * What a `bucket` argument names: a bucket of the stack by reference (`${aws_s3_bucket.b.id}`), a literal name, or,
 * when it is neither (a local, a variable, another resource's attribute, `each.value`), a name pattern that may be
 * any bucket it matches.
 */
export function bucketTarget(stack: TfStack, v: unknown): { readonly address?: string; readonly name?: string; readonly pattern?: string } {
  const ref = refTarget(v);
  const target = ref ? stack.byAddress.get(ref.address) : undefined;
  if (ref && (ref.attribute === "id" || ref.attribute === "bucket") && ref.path.length === 0 && target?.type === "aws_s3_bucket" && target.mode === "managed") return { address: ref.address };
  const written = readString(stack, v);
  if (written.state === "set") return { name: written.value };
  return { pattern: typeof v === "string" ? resolveToPattern(stack, v).pattern : "*" };
}

/**
 * The entries of `byName` that may be this bucket's: its name as the stack resolves it (a variable by its default, as
 * the ARN the agent's grants are matched against is), and every entry its pattern may match when it is computed.
 */
export function namedAs<V>(stack: TfStack, bucket: TfResource, byName: ReadonlyMap<string, V>): V[] {
  if (byName.size === 0) return [];
  const pattern = attributePattern(stack, bucket, "bucket").pattern;
  if (!hasWildcard(pattern)) {
    const hit = byName.get(pattern);
    return hit === undefined ? [] : [hit];
  }
  return [...byName].filter(([n]) => globsIntersect(pattern, n)).map(([, v]) => v);
}

/** Whether a bucket's name may match a pattern (a bucket named by an expression may be any its pattern covers). */
export function bucketMayBe(stack: TfStack, bucket: TfResource, pattern: string): boolean {
  return pattern === "*" || globsIntersect(pattern, attributePattern(stack, bucket, "bucket").pattern);
}

/** The resource types that set a bucket's versioning or expire its versions, which another stack may write too. */
const SETTINGS = ["aws_s3_bucket_versioning", "aws_s3_bucket_lifecycle_configuration"];

/**
 * The versioning and lifecycle resources of `stack` (as the run links it, so a cross-stack reference resolves), for
 * the other stacks of the run (`TfStack.peerBucketSettings`): S3 bucket names are global, so a resource of this stack
 * that names another stack's bucket sets that bucket. A bucket this stack makes is named by its name too.
 */
export function bucketSettingsOf(stack: TfStack, label: string): PeerBucketSetting[] {
  const out: PeerBucketSetting[] = [];
  for (const type of SETTINGS) {
    for (const r of stack.byType.get(type) ?? []) {
      if (r.mode !== "managed") continue;
      const t = bucketTarget(stack, r.values["bucket"]);
      const own = t.address !== undefined ? stack.byAddress.get(t.address) ?? stack.byAddress.get(withoutInstanceKeys(t.address)) : undefined;
      // A reference to another stack's output (a cdktf cross-stack reference) resolves here to the name it has there.
      const v = r.values["bucket"];
      const p = t.name !== undefined ? { pattern: t.name, exact: true } : own ? attributePattern(stack, own, "bucket") : typeof v === "string" ? resolveToPattern(stack, v) : { pattern: "*", exact: false };
      const exact = p.exact && !hasWildcard(p.pattern);
      out.push({ stack: label, of: stack, resource: r, ...(exact ? { name: p.pattern } : { pattern: p.pattern }) });
    }
  }
  return out;
}

/** One `aws_s3_bucket_versioning` of the stack (or of another stack of the run), read once. */
interface Setter {
  readonly resource: TfResource;
  /** How a message names it: its address, and its stack when it is another stack's. */
  readonly label: string;
  /** Another stack's: the bucket name it names for certain (read there), compared with the bucket's literal name. */
  readonly peerName?: string;
  readonly peer?: boolean;
  /** Its position in the stack, so a bucket's setters are judged in the order they are written. */
  readonly order: number;
  readonly target: ReturnType<typeof bucketTarget>;
  readonly exists: Exclude<ReturnType<typeof existence>, "no">;
  /** Why its status is not certainly Enabled (after its address), with the fix; undefined when it is. */
  readonly off?: { readonly clause: string; readonly fix?: string };
}

interface Index {
  readonly byAddress: ReadonlyMap<string, Setter[]>;
  readonly byName: ReadonlyMap<string, Setter[]>;
  readonly byPattern: readonly Setter[];
  readonly checked: Map<TfResource, VersioningCheck>;
}

const indexes = new WeakMap<TfStack, Index>();

function indexOf(stack: TfStack): Index {
  let ix = indexes.get(stack);
  if (ix) return ix;
  const byAddress = new Map<string, Setter[]>();
  const byName = new Map<string, Setter[]>();
  const byPattern: Setter[] = [];
  (stack.byType.get("aws_s3_bucket_versioning") ?? []).forEach((v, order) => {
    if (v.mode !== "managed") return;
    const exists = existence(stack, v);
    if (exists === "no") return;
    const target = bucketTarget(stack, v.values["bucket"]);
    const s: Setter = { resource: v, label: v.address, order, target, exists, off: statusOff(stack, v) };
    if (target.address !== undefined) push(byAddress, withoutInstanceKeys(target.address), s);
    else if (target.name !== undefined) push(byName, target.name, s);
    else byPattern.push(s);
  });
  // Another stack's come after the stack's own: which of two setters wins is up to the order of the applies anyway.
  let order = stack.byType.get("aws_s3_bucket_versioning")?.length ?? 0;
  for (const p of stack.peerBucketSettings ?? []) {
    if (p.resource.type !== "aws_s3_bucket_versioning") continue;
    const exists = existence(p.of, p.resource);
    if (exists === "no") continue;
    const label = `${p.resource.address} of stack ${p.stack}`;
    const s: Setter = { resource: p.resource, label, peer: true, ...(p.name !== undefined && { peerName: p.name }), order: order++, target: p.name !== undefined ? { name: p.name } : { pattern: p.pattern ?? "*" }, exists, off: statusOff(p.of, p.resource, label) };
    if (p.name !== undefined) push(byName, p.name, s);
    else byPattern.push(s);
  }
  indexes.set(stack, (ix = { byAddress, byName, byPattern, checked: new Map() }));
  return ix;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** Exactly one versioning_configuration whose status is certainly "Enabled"; else why not. */
function statusOff(stack: TfStack, v: TfResource, label = v.address): Setter["off"] {
  const statuses = blocks(v.values["versioning_configuration"]).map((c) => readString(stack, c["status"]));
  const status = statuses[0];
  if (statuses.length !== 1 || status.state === "unset") return { clause: "sets no versioning_configuration status" };
  if (status.state === "unknown") return { clause: `sets its versioning status to ${unknownText(status)}` };
  if (status.value !== "Enabled") return { clause: `sets its versioning status to "${status.value}"`, fix: `Set versioning_configuration { status = "Enabled" } in ${label}` };
  return undefined;
}

/**
 * Is the bucket's versioning certainly Enabled? By Object Lock (S3 turns versioning on with it, for good), by an
 * `aws_s3_bucket_versioning` naming it with status `Enabled`, or by the legacy inline `versioning { enabled = true }`.
 * Any versioning resource that may name it with another status (or one blastwall cannot read, or one naming it that
 * may not be created) makes it uncertain: which one wins is up to the order of the apply. So does an inline block
 * that is not certainly enabled beside a resource that is: both manage the one setting.
 */
export function bucketVersioning(stack: TfStack, bucket: TfResource): VersioningCheck {
  const ix = indexOf(stack);
  let out = ix.checked.get(bucket);
  if (!out) ix.checked.set(bucket, (out = check(stack, bucket, ix)));
  return out;
}

function check(stack: TfStack, bucket: TfResource, ix: Index): VersioningCheck {
  const fix = `Add an aws_s3_bucket_versioning for it (bucket = ${bucket.address}.id) with versioning_configuration { status = "Enabled" }`;
  const lock = readBool(stack, bucket.values["object_lock_enabled"]);
  // Terraform allows one object_lock_configuration; only the first is read, as the provider reads it.
  const legacyLock = readString(stack, blocks(bucket.values["object_lock_configuration"])[0]?.["object_lock_enabled"]);
  if ((lock.state === "set" && lock.value) || (legacyLock.state === "set" && legacyLock.value === "Enabled")) return { ok: true, by: "Object Lock, which keeps versioning on" };
  const bare = withoutInstanceKeys(bucket.address);
  const name = readString(stack, bucket.values["bucket"]);
  const candidates = [
    ...(ix.byAddress.get(bare) ?? []),
    ...namedAs(stack, bucket, ix.byName).flat(),
    ...ix.byPattern.filter((s) => bucketMayBe(stack, bucket, s.target.pattern ?? "*")),
  ].sort((a, b) => a.order - b.order);
  let enabledBy: string | undefined;
  // A setter that only may be this bucket's (a name from an expression): it cannot enable it, but it may switch it off.
  let mayBeOff: VersioningCheck | undefined;
  for (const s of candidates) {
    const v = s.resource;
    // Named for certain: by a reference to this bucket's id or name, or by its literal name written as such; another
    // stack's by the name it resolves to there (its references are to its own resources, whatever their address).
    const names = s.peer
      ? name.state === "set" && s.peerName === name.value
      : refersTo(v.values["bucket"], bucket.address, ["id", "bucket"]) || (name.state === "set" && typeof v.values["bucket"] === "string" && !hasInterpolation(v.values["bucket"]) && v.values["bucket"] === name.value);
    if (names) {
      const elsewhere = s.peer ? ({ elsewhere: true } as const) : {};
      if (s.exists !== "yes") return { ok: false, why: `${s.label}, which sets its versioning, ${s.exists.maybe}, so it may not be created`, fix, ...elsewhere };
      if (s.off) return { ok: false, why: `${s.label} ${s.off.clause}`, fix: s.off.fix ?? fix, ...elsewhere };
      enabledBy = s.label;
    } else if (s.off) {
      mayBeOff ??= {
        ok: false,
        why: `${s.label}, whose bucket ${JSON.stringify(v.values["bucket"])} may be this one, ${s.off.clause}`,
        fix: `Name the bucket of ${s.label} by reference (bucket = aws_s3_bucket.<name>.id) so blastwall can see which bucket it sets, or set versioning_configuration { status = "Enabled" } in it`,
        ...(s.peer && { elsewhere: true as const }),
      };
    } else if (!s.peer && s.exists === "yes" && firstOfOne(stack, bucket, s)) {
      enabledBy = s.label;
    }
  }
  const inline = blocks(bucket.values["versioning"]);
  const result = ((): VersioningCheck => {
    // The bucket's own block and a versioning resource both manage the setting: they must agree.
    const notOn = inline.map((b) => readBool(stack, b["enabled"])).find((r) => !(r.state === "set" && r.value));
    if (enabledBy) {
      if (!notOn) return { ok: true, by: enabledBy };
      const says = notOn.state === "unknown" ? `sets enabled to ${unknownText(notOn)}` : notOn.state === "set" ? "sets enabled to false" : "does not set enabled";
      return { ok: false, why: `its versioning block ${says}, while ${enabledBy} sets its versioning status to "Enabled": which one holds is up to the order of the apply`, fix: `Remove the versioning block of ${bucket.address}: ${enabledBy} manages its versioning` };
    }
    for (const b of inline) {
      const on = readBool(stack, b["enabled"]);
      if (on.state === "set" && on.value) {
        if (!notOn) return { ok: true, by: "its versioning block" };
        return { ok: false, why: "its versioning blocks do not all set enabled to true", fix: `Keep one versioning block in ${bucket.address}, with enabled = true` };
      }
      if (on.state === "unknown") return { ok: false, why: `its versioning block sets enabled to ${unknownText(on)}`, fix };
    }
    return { ok: false, why: "no aws_s3_bucket_versioning names it and it has no versioning block, so S3 Versioning is off", fix };
  })();
  return result.ok && mayBeOff ? mayBeOff : result;
}

/**
 * `${aws_s3_bucket.b[0].id}` for a bucket counted once: the only instance. Another instance key names one instance
 * of several, which leaves the others unversioned.
 */
function firstOfOne(stack: TfStack, bucket: TfResource, s: Setter): boolean {
  const address = s.target.address;
  if (address === undefined || address !== `${withoutInstanceKeys(bucket.address)}[0]`) return false;
  const one = readNumber(stack, bucket.values["count"]);
  return one.state === "set" && one.value === 1;
}
