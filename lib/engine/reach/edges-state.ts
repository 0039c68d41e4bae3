/** Edges through Terraform state: writing what a deploy role applies, and reading the secrets the state holds. */
import type { Evidence } from "../findings";
import type { PrincipalNode } from "../analysis-types";
import type { PeerState, TfBackend } from "../terraform/types";
import { globsIntersect } from "../iam/glob";
import { STATE_READS } from "./compute";
import { stackCredentials, type DatabaseRead } from "./credentials";
import type * as DatabasePasswords from "./database-passwords";
import { lazy } from "../lazy";
import type { ReachEdge } from "./types";
import { LazyEdge, grantText, type AddEdge } from "./edge";
import type { EdgeContext } from "./edge-context";

// A stack with a database password loads what finds them (database-passwords.ts).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const databasePasswords = lazy(() => require("./database-passwords") as typeof DatabasePasswords);

export function stateEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge, out: ReachEdge[], databaseReads: Map<string, DatabaseRead[]>): void {
  const own = ctx.stack.backend?.type === "s3" ? stateObjects(ctx.stack.backend) : undefined;
  if (own) ownStateEdges(ctx, p, add, out, own, databaseReads);
  for (const peer of ctx.stack.peerStates ?? []) {
    const s = stateObjects(peer.backend);
    if (own && s.bucket === own.bucket && s.key === own.key) continue;
    peerStateEdges(ctx, p, add, peer, s);
  }
}

/** Another stack's state: its deploy role applies what the state says, and the state holds that stack's secrets. */
function peerStateEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge, peer: PeerState, s: StateObjects): void {
  const on = (action: string, arns: readonly string[]) => ctx.storeGrants(p, action).find((x) => x.resources.some((r) => arns.some((a) => globsIntersect(r, a))));
  const where = `s3://${s.bucket}/${s.key}`;
  for (const [action, what] of [["s3:PutObject", "write"], ["s3:DeleteObject", "delete"]] as const) {
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
  const targets: [readonly string[], string, string][] = [[objects, "s3:PutObject", "write the Terraform state"], [objects, "s3:DeleteObject", "delete the Terraform state"]];
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
      reads.push({ store: "terraform.backend.s3", database, action, detail: `${grantText(g)} reads the Terraform state (${objects[0]}), which holds the master password of ${database}` });
    }
    databaseReads.set(p.address, reads);
    for (const c of stackCredentials(ctx.stack)) {
      const to = c.user ?? ctx.unknown(`credential:${c.address}`, `the user of ${c.address}, which blastwall cannot resolve`);
      if (to === p.address) continue;
      const detail = `${grantText(g)} reads the Terraform state (${objects[0]}), which holds ${c.what} of ${c.user ?? "a user blastwall cannot resolve"} (${c.address})`;
      out.push(new LazyEdge(p.address, to, action, g.statement.source.address, "credential", () => detail, stored));
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
