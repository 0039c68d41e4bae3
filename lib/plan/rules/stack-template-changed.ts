import type { Evidence } from "../../engine/findings";
import type { PlanRule } from "../rule";
import { changeFinding } from "../rule";
import type { PlanResourceChange } from "../types";
import { afterValue, getPath, isObject, isSensitive } from "../values";

/**
 * CloudFormation resource types that hold data, or the protection around it: removed from a template, or replaced
 * by a type change, CloudFormation deletes them unless their DeletionPolicy keeps them.
 */
const STATEFUL = new Set([
  "AWS::RDS::DBInstance",
  "AWS::RDS::DBCluster",
  "AWS::RDS::GlobalCluster",
  "AWS::DocDB::DBCluster",
  "AWS::Neptune::DBCluster",
  "AWS::Redshift::Cluster",
  "AWS::RedshiftServerless::Namespace",
  "AWS::DynamoDB::Table",
  "AWS::DynamoDB::GlobalTable",
  "AWS::S3::Bucket",
  "AWS::S3::BucketPolicy",
  "AWS::EC2::Volume",
  "AWS::EFS::FileSystem",
  "AWS::FSx::FileSystem",
  "AWS::FSx::Volume",
  "AWS::Backup::BackupVault",
  "AWS::Backup::BackupPlan",
  "AWS::Backup::BackupSelection",
  "AWS::KMS::Key",
  "AWS::Logs::LogGroup",
  "AWS::Kinesis::Stream",
  "AWS::SQS::Queue",
  "AWS::SecretsManager::Secret",
  "AWS::ECR::Repository",
  "AWS::CodeCommit::Repository",
  "AWS::Cognito::UserPool",
  "AWS::OpenSearchService::Domain",
  "AWS::Elasticsearch::Domain",
  "AWS::OpenSearchServerless::Collection",
  "AWS::MSK::Cluster",
  "AWS::Timestream::Database",
  "AWS::Timestream::Table",
  "AWS::Cassandra::Keyspace",
  "AWS::Cassandra::Table",
  "AWS::MemoryDB::Cluster",
  "AWS::ElastiCache::ReplicationGroup",
  "AWS::CloudTrail::Trail",
  "AWS::Glue::Database",
  "AWS::Glue::Table",
]);

/** DeletionPolicy values that keep the data when CloudFormation deletes the resource. */
const KEEPS = new Set(["Retain", "RetainExceptOnCreate", "Snapshot"]);

/** The template attributes of the types this rule reads. */
const TEMPLATE: Readonly<Record<string, string>> = { aws_cloudformation_stack: "template_body", aws_cloudformation_stack_set: "template_body" };

/**
 * An in-place update of a CloudFormation stack or stack set changes what CloudFormation deploys: a resource dropped
 * from the template is deleted, and a DeletionPolicy of Retain dropped takes the keeping away. The plan shows only
 * the new template, so the rule compares the two.
 */
export const stackTemplateChanged: PlanRule = {
  meta: {
    id: "plan-stack-template-drops-data",
    title: "Plan changes a CloudFormation template so that CloudFormation deletes data",
    why:
      "A CloudFormation stack or stack set deletes every resource dropped from its template, and one whose type changes, unless its DeletionPolicy is " +
      "Retain or Snapshot. Terraform shows the change as an update in place of the stack, so no destroy of a database, table or bucket appears in the plan. " +
      "A template blastwall cannot read (YAML, a template_url, a value known only after apply) counts as such a change.",
    fix:
      "Keep the resource in the template, or give it DeletionPolicy: Retain (and UpdateReplacePolicy: Retain) before removing it. For a template blastwall " +
      "cannot read, write it as JSON in template_body, or have a human review the change and approve this exact plan.",
    severity: "error",
    category: "plan",
  },
  check(rc) {
    const attribute = TEMPLATE[rc.type];
    if (attribute === undefined || !rc.change.actions.includes("update")) return [];
    const before = getPath(rc.change.before, [attribute]);
    const after = afterValue(rc.change, [attribute]);
    const urlChanged = afterValue(rc.change, ["template_url"]);
    const beforeUrl = getPath(rc.change.before, ["template_url"]);
    const url = urlChanged.state === "unknown" || (urlChanged.value ?? null) !== (beforeUrl ?? null);
    if (after.state === "known" && after.value === before && !url) return [];
    const drops = url ? [`the template_url changed (${show(beforeUrl)} → ${urlChanged.state === "unknown" ? "known after apply" : show(urlChanged.value)}): blastwall cannot read the template it names`] : dropped(rc, attribute, before, after);
    if (drops.length === 0) return [];
    const evidence: Evidence[] = drops.map((d) => ({ step: "template", address: rc.address, detail: d }));
    return [changeFinding(rc, `The plan changes the template of ${rc.address}, and CloudFormation will delete data: ${drops.slice(0, 3).join("; ")}${drops.length > 3 ? `; and ${drops.length - 3} more` : ""}.`, evidence)];
  },
};

function show(v: unknown): string {
  return v === undefined || v === null ? "(none)" : JSON.stringify(v);
}

interface Resource {
  readonly Type?: unknown;
  readonly DeletionPolicy?: unknown;
  readonly UpdateReplacePolicy?: unknown;
}

/** What the new template drops or leaves unkept, as sentences; one sentence when either template cannot be read. */
function dropped(rc: PlanResourceChange, attribute: string, before: unknown, after: ReturnType<typeof afterValue>): string[] {
  if (after.state === "unknown") return ["the new template is known only after apply"];
  if (isSensitive(rc.change, [attribute])) return ["the template is sensitive, so the plan does not show it"];
  const old = resourcesOf(before);
  const now = resourcesOf(after.value);
  if (old === undefined) return ["the current template is not JSON blastwall can read (YAML, or not a template), so blastwall cannot tell what the change drops"];
  if (now === undefined) return ["the new template is not JSON blastwall can read (YAML, or not a template), so any resource may have been dropped"];
  const out: string[] = [];
  for (const [id, r] of Object.entries(old)) {
    const type = typeof r.Type === "string" ? r.Type : "(unknown type)";
    const next = now[id];
    const kept = KEEPS.has(deletionPolicy(r));
    const stateful = STATEFUL.has(type) || kept;
    if (next === undefined) {
      if (stateful && !kept) out.push(`${id} (${type}) is dropped with DeletionPolicy ${show(r.DeletionPolicy ?? "Delete")}, so CloudFormation deletes it`);
      continue;
    }
    if (next.Type !== r.Type && stateful && !KEEPS.has(String(r.UpdateReplacePolicy))) {
      out.push(`${id} changes type from ${type} to ${show(next.Type)}, so CloudFormation replaces it and deletes the old one`);
      continue;
    }
    for (const policy of ["DeletionPolicy", "UpdateReplacePolicy"] as const) {
      const was = policy === "DeletionPolicy" ? deletionPolicy(r) : String(r[policy]);
      const now = policy === "DeletionPolicy" ? deletionPolicy(next) : String(next[policy]);
      if (KEEPS.has(was) && !KEEPS.has(now)) out.push(`${id} (${type}) loses ${policy} ${show(r[policy])} (now ${show(next[policy])}), so a later removal or replacement deletes it`);
    }
  }
  return out;
}

/**
 * The DeletionPolicy in force: as written, else CloudFormation's default, which is Snapshot for an RDS cluster and for
 * an RDS instance outside a cluster, and Delete for everything else.
 */
function deletionPolicy(r: Resource & { readonly Properties?: unknown }): string {
  if (typeof r.DeletionPolicy === "string") return r.DeletionPolicy;
  if (r.DeletionPolicy !== undefined) return "(not a string)";
  if (r.Type === "AWS::RDS::DBCluster") return "Snapshot";
  if (r.Type === "AWS::RDS::DBInstance" && !(isObject(r.Properties) && r.Properties.DBClusterIdentifier !== undefined)) return "Snapshot";
  return "Delete";
}

/** A template's Resources, when it is JSON with a Resources object; undefined otherwise. */
function resourcesOf(template: unknown): Record<string, Resource> | undefined {
  if (typeof template !== "string") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(template);
  } catch {
    return undefined;
  }
  if (!isObject(parsed) || !isObject(parsed.Resources)) return undefined;
  const out: Record<string, Resource> = {};
  for (const [id, r] of Object.entries(parsed.Resources)) out[id] = isObject(r) ? (r as Resource) : {};
  return out;
}
