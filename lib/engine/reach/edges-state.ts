/** Edges through Terraform state: writing what a deploy role applies, and reading the secrets the state holds. */
import type { Evidence } from "../findings";
import type { PrincipalNode } from "../analysis-types";
import type { PeerState, TfBackend, TfStack } from "../terraform/types";
import { globCovers, globsIntersect, hasWildcard } from "../iam/glob";
import { resolveToPattern } from "../terraform/tokens";
import { STATE_READS } from "./compute";
import { stackCredentials, type DatabaseRead, type SecretRead } from "./credentials";
import type * as DatabasePasswords from "./database-passwords";
import { lazy } from "../lazy";
import { compareStatements, naming } from "../describe";
import type { ReachEdge } from "./types";
import { LazyEdge, grantText, type AddEdge } from "./edge";
import type { EdgeContext } from "./edge-context";

// A stack with a database password loads what finds them (database-passwords.ts).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const databasePasswords = lazy(() => require("./database-passwords") as typeof DatabasePasswords);

/**
 * Deleting an object of a state, or one of its versions, is a write of it too: Terraform then reads the state as
 * empty or as the version before, and the next apply plans from that. Fail closed: it counts as a write.
 */
const STATE_WRITES = [
  ["s3:PutObject", "write"],
  ["s3:DeleteObject", "delete"],
  ["s3:DeleteObjectVersion", "delete a version of (rolling it back)"],
] as const;

export function stateEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge, out: ReachEdge[], databaseReads: Map<string, DatabaseRead[]>, secretReads: SecretRead[]): void {
  const own = ctx.stack.backend?.type === "s3" ? stateObjects(ctx.stack.backend) : undefined;
  if (own) ownStateEdges(ctx, p, add, out, own, databaseReads);
  for (const peer of ctx.stack.peerStates ?? []) {
    const s = stateObjects(peer.backend);
    if (own && s.bucket === own.bucket && s.key === own.key) continue;
    peerStateEdges(ctx, p, add, peer, s);
  }
  otherRootEdges(ctx, p, add, secretReads);
}

/** A bucket known to hold Terraform state, and what says so. */
interface StateBucket {
  readonly bucket: string;
  readonly named: string;
}

interface KnownStates {
  readonly buckets: readonly StateBucket[];
  /** The state objects blastwall follows elsewhere: the stack's own, and those of the other stacks of the run. */
  readonly known: readonly string[];
}

const knownIndex = new WeakMap<TfStack, KnownStates>();

/**
 * The buckets that hold Terraform state, by the stack's own word: its S3 backend, the S3 backend each
 * `terraform_remote_state` reads, and those of the other stacks checked in the same run. Roots share a state bucket,
 * so every other object there is taken to be the state of a root this run does not check. A bucket written with a
 * wildcard (a partial backend, a remote state read from a variable) names no bucket here: the own state's objects,
 * `*` for the bucket, already take in a wildcard grant on any bucket.
 */
function knownStates(stack: TfStack): KnownStates {
  let k = knownIndex.get(stack);
  if (k) return k;
  const buckets: StateBucket[] = [];
  const known: string[] = [];
  const addBucket = (bucket: string, named: string) => {
    if (bucket === "" || hasWildcard(bucket) || buckets.some((b) => b.bucket === bucket)) return;
    buckets.push({ bucket, named });
  };
  if (stack.backend?.type === "s3") {
    const s = stateObjects(stack.backend);
    known.push(...s.objects);
    addBucket(s.bucket, "the bucket of this stack's S3 backend");
  }
  for (const peer of stack.peerStates ?? []) {
    const s = stateObjects(peer.backend);
    known.push(...s.objects);
    addBucket(s.bucket, `the bucket of the S3 backend of stack ${peer.stack}`);
  }
  for (const r of stack.byType.get("terraform_remote_state") ?? []) {
    if (r.mode !== "data" || r.values.backend !== "s3") continue;
    const config = r.values.config;
    const bucket = config && typeof config === "object" && !Array.isArray(config) ? (config as Record<string, unknown>).bucket : undefined;
    if (typeof bucket !== "string") continue;
    const resolved = resolveToPattern(stack, bucket);
    if (resolved.exact) addBucket(resolved.pattern, `the bucket ${r.address} reads a state from`);
  }
  knownIndex.set(stack, (k = { buckets, known }));
  return k;
}

/**
 * Every other object of a known state bucket is the state of some root (workspaces, other roots of the same
 * repository): a write there drives that root's next apply, as its deploy role, with rights blastwall cannot see; a
 * read there reads the passwords and keys that state holds, which the stack does not show. An object a grant names
 * that lies within a state blastwall follows elsewhere (the own, another stack of the run) is judged there. A
 * `.tflock` object is S3's lock file, which holds no state: forging or deleting a lock is no write of one.
 */
function otherRootEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge, secretReads: SecretRead[]): void {
  const { buckets, known } = knownStates(ctx.stack);
  if (buckets.length === 0) return;
  const other = (b: string) => (r: string) =>
    globsIntersect(r, `arn:aws:s3:::${b}/*`) && !/\.tflock$/.test(r) && !known.some((k) => globCovers(k, r));
  const reached = (b: string, r: string) => {
    const prefix = `arn:aws:s3:::${b}/`;
    return `s3://${b}/${r.startsWith(prefix) ? r.slice(prefix.length) : "*"}`;
  };
  for (const { bucket, named } of buckets) {
    const beyond = other(bucket);
    for (const [action, what] of STATE_WRITES) {
      for (const g of ctx.storeGrants(p, action)) {
        const r = g.resources.find(beyond);
        if (r === undefined) continue;
        const where = reached(bucket, r);
        const to = ctx.unknown(
          `state-roots:${where}`,
          `the deploy role of another Terraform root whose state is in ${where} (${named}), which blastwall does not check in this run`,
        );
        add(
          to,
          "state-write",
          action,
          () =>
            `${grantText(g)} lets it ${what} objects of the Terraform state bucket ${bucket} beyond the states blastwall follows (${where}): ` +
            `each is some root's state, and a poisoned state makes that root's next apply destroy or replace its resources`,
          g.statement.source.address,
        );
        break;
      }
    }
    for (const action of STATE_READS) {
      // Every statement granting the read, each once: scoping one leaves the others' (red-team round 132).
      const seen = new Set<unknown>();
      const gs = ctx
        .storeGrants(p, action)
        .filter((x) => x.resources.some(beyond) && !seen.has(x.statement) && seen.add(x.statement))
        .sort((x, y) => compareStatements(x.statement, y.statement));
      for (const g of gs) {
        const where = reached(bucket, g.resources.find(beyond)!);
        const read = naming(
          () =>
            `${grantText(g)} reads objects of the Terraform state bucket ${bucket} (${named}) beyond the states blastwall follows (${where}): ` +
            `each is the state of a root this run does not check, which holds its passwords and keys in plain text`,
        );
        secretReads.push({ store: where, action, detail: read.text, statements: read.statements });
      }
      if (gs.length > 0) break;
    }
  }
}

/** Another stack's state: its deploy role applies what the state says, and the state holds that stack's secrets. */
function peerStateEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge, peer: PeerState, s: StateObjects): void {
  const on = (action: string, arns: readonly string[]) => ctx.storeGrants(p, action).find((x) => x.resources.some((r) => arns.some((a) => globsIntersect(r, a))));
  const where = `s3://${s.bucket}/${s.key}`;
  for (const [action, what] of STATE_WRITES) {
    const g = on(action, s.objects);
    if (!g) continue;
    const to = ctx.unknown(`state:${s.bucket}/${s.key}`, `the deploy role of stack ${peer.stack}, which applies the state in ${where}`);
    add(to, "state-write", action, () => `${grantText(g)} lets it ${what} the Terraform state of stack ${peer.stack} (${s.objects[0]}); the next apply of that stack does what the state says`, g.statement.source.address);
  }
  if (peer.credentials.length === 0) return;
  for (const action of STATE_READS) {
    const g = on(action, s.objects);
    if (!g) continue;
    const held = `${peer.credentials.slice(0, 2).join(", ")}${peer.credentials.length > 2 ? ", ..." : ""}`;
    const to = ctx.unknown(`credential:state:${s.bucket}/${s.key}`, `the principals whose credentials the state of stack ${peer.stack} holds (${held})`);
    add(to, "credential", action, () => `${grantText(g)} reads the Terraform state of stack ${peer.stack} (${s.objects[0]}), which holds ${held} in plain text`, g.statement.source.address);
    break;
  }
}

function ownStateEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge, out: ReachEdge[], s: StateObjects, databaseReads: Map<string, DatabaseRead[]>): void {
  const b = ctx.stack.backend!;
  const { bucket, key, objects } = s;
  const on = (action: string, arns: readonly string[]) => ctx.storeGrants(p, action).find((x) => x.resources.some((r) => arns.some((a) => globsIntersect(r, a))));
  const targets: [readonly string[], string, string][] = STATE_WRITES.map(([action, what]) => [objects, action, `${what} the Terraform state`]);
  const table = b.config.dynamodb_table;
  if (typeof table === "string") targets.push([[`arn:aws:dynamodb:*:*:table/${table}`], "dynamodb:DeleteItem", "break the state lock"]);
  for (const [arns, action, what] of targets) {
    const g = on(action, arns);
    if (!g) continue;
    const to = ctx.unknown(`state:${bucket}/${key}`, `the deploy role that applies the state in s3://${bucket}/${key}`);
    add(to, "state-write", action, () => `${grantText(g)} lets it ${what} (${arns[0]}); the next apply by the deploy role does what the state says`, g.statement.source.address);
  }
  // The state holds every secret the stack creates in plain text: reading it is reading each stored credential.
  for (const action of STATE_READS) {
    const g = on(action, objects);
    if (!g) continue;
    const stored: Evidence = { step: "stored-credential", address: "terraform.backend.s3", detail: `the Terraform state s3://${bucket}/${key} holds every secret of the stack in plain text` };
    // The master passwords of the stack's databases are in the state too.
    const reads = databaseReads.get(p.address) ?? [];
    for (const database of databasePasswords().databasesWithPasswords(ctx.stack)) {
      const read = naming(() => `${grantText(g)} reads the Terraform state (${objects[0]}), which holds the master password of ${database}`);
      reads.push({ store: "terraform.backend.s3", database, action, detail: read.text, statements: read.statements });
    }
    databaseReads.set(p.address, reads);
    for (const c of stackCredentials(ctx.stack)) {
      const to = c.user ?? ctx.unknown(`credential:${c.address}`, `the user of ${c.address}, which blastwall cannot resolve`);
      if (to === p.address) continue;
      const detail = () => `${grantText(g)} reads the Terraform state (${objects[0]}), which holds ${c.what} of ${c.user ?? "a user blastwall cannot resolve"} (${c.address})`;
      out.push(new LazyEdge(p.address, to, action, g.statement.source.address, "credential", detail, stored));
    }
    break;
  }
}

interface StateObjects {
  readonly bucket: string;
  readonly key: string;
  /** The default workspace's object, and every other workspace's under the prefix. */
  readonly objects: readonly string[];
}

function stateObjects(b: TfBackend): StateObjects {
  const bucket = typeof b.config.bucket === "string" ? b.config.bucket : "*";
  const key = typeof b.config.key === "string" ? b.config.key : "*";
  const prefix = typeof b.config.workspace_key_prefix === "string" ? b.config.workspace_key_prefix : "env:";
  return { bucket, key, objects: [`arn:aws:s3:::${bucket}/${key}`, `arn:aws:s3:::${bucket}/${prefix}/*/${key}`] };
}
