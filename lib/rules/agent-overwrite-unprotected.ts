import type { Rule, RuleContext } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import type { Grant, PrincipalNode } from "../engine/analysis-types";
import type { Statement } from "../engine/iam/types";
import type { TfResource } from "../engine/terraform/types";
import { globsIntersect } from "../engine/iam/glob";
import { attributePattern } from "../engine/terraform/tokens";
import { principalEvidence, statementEvidence, where } from "./support";
import { blocks, readBool, readString, refersTo, resourceEvidence } from "./protection-support";

/**
 * Overwriting is deleting where no earlier version is kept: PutObject on a bucket without versioning replaces the
 * object for good, PutItem or UpdateItem on a table without point-in-time recovery replaces the item. No Delete call
 * is needed, so the destroy-rights rules do not see it; what makes it destructive is the store, so it is judged here.
 */
export const rule: Rule = {
  meta: {
    id: "agent-overwrite-unprotected",
    title: "An AI agent can overwrite data that keeps no earlier version",
    why:
      "s3:PutObject on a bucket without versioning, or dynamodb:PutItem / UpdateItem on a table without point-in-time recovery, " +
      "destroys the data it replaces as surely as a delete, with no Delete* call an IAM Deny on deletion would stop.",
    fix:
      "Turn versioning on for the bucket (aws_s3_bucket_versioning status Enabled, or object lock) or point-in-time recovery on for " +
      "the table, and keep the agent from switching them off; or narrow the agent's writes to stores that hold nothing to lose.",
    severity: "error",
    category: "agent-rights",
  },
  check(ctx) {
    const out: FindingDraft[] = [];
    const all = storesOf(ctx);
    const stores = all.filter((x) => x.lacks !== undefined) as Store[];
    const inStack = [
      { actions: OBJECT_WRITES, arns: new Set(all.filter((x) => x.actions === OBJECT_WRITES).flatMap((x) => x.arns)), kind: "buckets" },
      { actions: ITEM_WRITES, arns: new Set(all.filter((x) => x.actions === ITEM_WRITES).flatMap((x) => x.arns)), kind: "tables" },
    ];
    // Per kind of store (the actions that write it): its stores, and those by exact ARN (a reference names one alone).
    const byKind = new Map<readonly string[], { kind: Store[]; byArn: Map<string, Store[]> }>();
    for (const x of stores) {
      let k = byKind.get(x.actions);
      if (!k) byKind.set(x.actions, (k = { kind: [], byArn: new Map() }));
      k.kind.push(x);
      for (const a of x.arns) k.byArn.set(a, [...(k.byArn.get(a) ?? []), x]);
    }
    const kinds = [...byKind].flatMap(([actions, k]) => actions.map((action) => ({ action, actions, ...k })));
    for (const agent of ctx.analysis.agents) {
      const rights = ctx.analysis.rightsOf(agent.address);
      // One finding per granting statement, naming the stores it reaches: the fix is one edit, and an agent allowed
      // to write everywhere gets one finding, not one per bucket.
      const byStatement = new Map<Statement, { grants: Grant[]; all: Set<readonly string[]>; some: Set<Store> }>();
      for (const { action, actions, kind, byArn } of kinds) {
        for (const g of rights.grants.get(action.toLowerCase()) ?? []) {
          if (g.statement.unknown) continue;
          // A write on `*` reaches every store of the kind: kept as the kind, not store by store.
          const everywhere = g.resources.includes("*");
          const hit = everywhere ? kind : g.resources.every((r) => byArn.has(r)) ? g.resources.flatMap((r) => byArn.get(r)!) : kind.filter((x) => onStore(g, x.arns));
          if (hit.length === 0) continue;
          let e = byStatement.get(g.statement);
          if (!e) byStatement.set(g.statement, (e = { grants: [], all: new Set(), some: new Set() }));
          e.grants.push(g);
          if (everywhere) e.all.add(actions);
          else for (const x of hit) e.some.add(x);
        }
      }
      for (const e of byStatement.values()) {
        const others = [...e.some].filter((x) => !e.all.has(x.actions));
        const count = [...e.all].reduce((n, a) => n + byKind.get(a)!.kind.length, others.length);
        const shown = [...[...e.all].flatMap((a) => byKind.get(a)!.kind.slice(0, 5)), ...others].slice(0, 5);
        out.push(finding(agent, shown, count, e.grants));
      }
      const outside = outsideWrites(rights.grants, inStack);
      if (outside.length > 0) out.push(outsideFinding(agent, outside, ctx.strict));
    }
    return out;
  },
};

/**
 * Writes on stores outside the stack, whose versioning blastwall cannot see: a resource that names no store of the
 * stack exactly (a wildcard, another bucket or table).
 */
function outsideWrites(grants: ReadonlyMap<string, readonly Grant[]>, inStack: readonly { readonly actions: readonly string[]; readonly arns: ReadonlySet<string>; readonly kind: string }[]): { grant: Grant; resource: string; kind: string }[] {
  const out: { grant: Grant; resource: string; kind: string }[] = [];
  for (const { actions, arns, kind } of inStack) {
    for (const a of actions) {
      for (const g of grants.get(a.toLowerCase()) ?? []) {
        if (g.statement.unknown) continue;
        for (const r of g.resources) {
          const target = kind === "buckets" ? /^arn:[^:]*:s3:::/.test(r) || r === "*" : /^arn:[^:]*:dynamodb:/.test(r) || r === "*";
          if (target && !arns.has(r)) out.push({ grant: g, resource: r, kind });
        }
      }
    }
  }
  return out;
}

function outsideFinding(agent: PrincipalNode, writes: readonly { grant: Grant; resource: string; kind: string }[], strict: boolean): FindingDraft {
  const actions = [...new Set(writes.map((w) => w.grant.action))];
  const where = [...new Set(writes.map((w) => w.resource))];
  return {
    principal: agent.address,
    resource: writes[0].grant.statement.source.address,
    actions,
    severity: strict ? "error" : "warning",
    message:
      `${agent.address} is an AI agent and can overwrite data in stores outside this stack (${actions.join(", ")} on ${where.slice(0, 3).join(", ")}${where.length > 3 ? ", ..." : ""}); ` +
      `blastwall cannot see whether they keep earlier versions, and in one that does not, an overwrite loses the old data for good.`,
    evidence: [principalEvidence(agent), ...writes.slice(0, 3).flatMap((w) => statementEvidence(agent, w.grant.statement))],
  };
}

interface Store {
  readonly resource: TfResource;
  /** ARN patterns of what the actions write: the bucket's objects, the table. */
  readonly arns: readonly string[];
  readonly actions: readonly string[];
  /** What keeps no earlier version, for the message: "keeps no object versions". */
  readonly lacks: string;
}

const OBJECT_WRITES = ["s3:PutObject"];
const ITEM_WRITES = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:PartiQLUpdate"];

function onStore(g: Grant, arns: readonly string[]): boolean {
  return g.resources.some((r) => arns.some((a) => globsIntersect(r, a)));
}

/**
 * Every bucket and table of the stack with the ARNs its writes land on; `lacks` is set for those that keep no earlier
 * version (buckets without versioning or object lock, tables without point-in-time recovery).
 */
function storesOf(ctx: RuleContext): (Omit<Store, "lacks"> & { readonly lacks?: string })[] {
  const { stack } = ctx;
  const out: (Omit<Store, "lacks"> & { readonly lacks?: string })[] = [];
  const versionings = stack.byType.get("aws_s3_bucket_versioning") ?? [];
  for (const bucket of stack.byType.get("aws_s3_bucket") ?? []) {
    if (bucket.mode !== "managed") continue;
    const lacks = isVersioned(ctx, bucket, versionings) ? undefined : "keeps no object versions (versioning is not Enabled and object lock is off)";
    out.push({ resource: bucket, arns: [`${attributePattern(stack, bucket, "arn").pattern}/*`], actions: OBJECT_WRITES, lacks });
  }
  for (const table of stack.byType.get("aws_dynamodb_table") ?? []) {
    if (table.mode !== "managed") continue;
    const pitr = blocks(table.values["point_in_time_recovery"])[0];
    const enabled = pitr ? readBool(stack, pitr["enabled"]) : undefined;
    const lacks = enabled?.state === "set" && enabled.value ? undefined : "has no point-in-time recovery";
    out.push({ resource: table, arns: [attributePattern(stack, table, "arn").pattern], actions: ITEM_WRITES, lacks });
  }
  return out;
}

/**
 * Versioning that certainly holds: a versioning resource naming the bucket with status Enabled, the bucket's own
 * `versioning { enabled = true }`, or object lock (which keeps versions). Anything unreadable counts as off.
 */
function isVersioned(ctx: RuleContext, bucket: TfResource, versionings: readonly TfResource[]): boolean {
  const { stack } = ctx;
  const on = (v: unknown) => {
    const r = readBool(stack, v);
    return r.state === "set" && r.value === true;
  };
  if (on(bucket.values["object_lock_enabled"])) return true;
  if (blocks(bucket.values["versioning"]).some((b) => on(b["enabled"]))) return true;
  const name = readString(stack, bucket.values["bucket"]);
  return versionings.some((v) => {
    if (v.mode !== "managed") return false;
    const written = readString(stack, v.values["bucket"]);
    const names = refersTo(v.values["bucket"], bucket.address, ["id", "bucket"]) || (name.state === "set" && written.state === "set" && written.value === name.value);
    if (!names) return false;
    const status = readString(stack, blocks(v.values["versioning_configuration"])[0]?.["status"]);
    return status.state === "set" && status.value === "Enabled";
  });
}

/** `stores`: the first few of the `count` stores the statement lets the agent overwrite. */
function finding(agent: PrincipalNode, stores: readonly Store[], count: number, grants: readonly Grant[]): FindingDraft {
  const actions = [...new Set(grants.map((g) => g.action))];
  const statement = grants[0].statement;
  const first = stores[0];
  const what = count === 1 ? `what ${first.resource.address} holds, which ${first.lacks}` : `what ${count} stores of this stack hold that keep no earlier version (${stores.slice(0, 3).map((x) => x.resource.address).join(", ")}${count > 3 ? ", ..." : ""})`;
  return {
    principal: agent.address,
    resource: statement.source.address,
    actions,
    message: `${agent.address} is an AI agent and can overwrite ${what} (${actions.join(", ")}; granted by ${where(statement)}): an overwrite there loses the old data for good.`,
    evidence: [principalEvidence(agent), ...statementEvidence(agent, statement), ...stores.slice(0, 5).map((x) => resourceEvidence(x.resource, x.lacks))],
  };
}
