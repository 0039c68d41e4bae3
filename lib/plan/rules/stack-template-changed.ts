import type { Evidence } from "../../engine/findings";
import type { PlanRule } from "../rule";
import { changeFinding } from "../rule";
import type { PlanResourceChange } from "../types";
import { afterValue, getPath, isObject, isSensitive } from "../values";
import { canonicalJson } from "../canonical-json";

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
  // A nested stack: deleting it deletes every resource it made.
  "AWS::CloudFormation::Stack",
  "AWS::Serverless::SimpleTable",
  "AWS::DSQL::Cluster",
  "AWS::NeptuneGraph::Graph",
  "AWS::Timestream::InfluxDBInstance",
  "AWS::Lightsail::Database",
  "AWS::DocDBElastic::Cluster",
  "AWS::CodeArtifact::Repository",
  "AWS::ElastiCache::ServerlessCache",
  "AWS::Events::Archive",
  "AWS::SageMaker::NotebookInstance",
  "AWS::Kendra::Index",
  "AWS::EMR::Cluster",
  "AWS::QLDB::Ledger",
  "AWS::Glacier::Vault",
]);

/** DeletionPolicy values that keep the data when CloudFormation deletes the resource. */
const KEEPS = new Set(["Retain", "RetainExceptOnCreate", "Snapshot"]);

/** The template attributes of the types this rule reads. */
const TEMPLATE: Readonly<Record<string, string>> = { aws_cloudformation_stack: "template_body", aws_cloudformation_stack_set: "template_body" };

/**
 * Properties whose change makes CloudFormation replace the resource (a new one, then the old one deleted unless its
 * UpdateReplacePolicy keeps it), for the data-holding types where such a change is an easy mistake.
 */
const REPLACING: Readonly<Record<string, readonly string[]>> = {
  "AWS::DynamoDB::Table": ["TableName", "KeySchema", "LocalSecondaryIndexes"],
  "AWS::DynamoDB::GlobalTable": ["TableName", "KeySchema", "LocalSecondaryIndexes"],
  "AWS::RDS::DBInstance": ["DBInstanceIdentifier", "DBName", "CharacterSetName", "KmsKeyId", "StorageEncrypted", "SourceDBInstanceIdentifier", "DBSnapshotIdentifier", "Timezone", "NcharCharacterSetName"],
  "AWS::RDS::DBCluster": ["DBClusterIdentifier", "DatabaseName", "Engine", "EngineMode", "KmsKeyId", "StorageEncrypted", "SnapshotIdentifier", "SourceDBClusterIdentifier", "GlobalClusterIdentifier", "MasterUsername"],
  "AWS::DocDB::DBCluster": ["DBClusterIdentifier", "KmsKeyId", "StorageEncrypted", "SnapshotIdentifier", "MasterUsername"],
  "AWS::Neptune::DBCluster": ["DBClusterIdentifier", "KmsKeyId", "StorageEncrypted", "SnapshotIdentifier"],
  "AWS::Cognito::UserPool": ["AliasAttributes", "UsernameAttributes"],
  "AWS::S3::Bucket": ["BucketName", "ObjectLockEnabled"],
  "AWS::EC2::Volume": ["AvailabilityZone", "Encrypted", "KmsKeyId", "SnapshotId"],
  "AWS::EFS::FileSystem": ["Encrypted", "KmsKeyId", "PerformanceMode", "AvailabilityZoneName"],
  "AWS::Logs::LogGroup": ["LogGroupName"],
  "AWS::Kinesis::Stream": ["Name"],
  "AWS::SQS::Queue": ["QueueName", "FifoQueue"],
  "AWS::SecretsManager::Secret": ["Name"],
  "AWS::Backup::BackupVault": ["BackupVaultName", "EncryptionKeyArn"],
  "AWS::ECR::Repository": ["RepositoryName"],
  "AWS::OpenSearchService::Domain": ["DomainName"],
  "AWS::Redshift::Cluster": ["ClusterIdentifier", "DBName", "Encrypted", "KmsKeyId", "OwnerAccount", "SnapshotIdentifier"],
  "AWS::CloudFormation::Stack": [],
};

/**
 * An in-place update of a CloudFormation stack or stack set changes what CloudFormation deploys: a resource dropped
 * from the template is deleted, one whose type or name-like property changes is replaced (the old one deleted), a
 * Condition that turns false deletes it, and a Retain policy dropped takes the keeping away. The plan shows only the
 * new template and parameters, so the rule compares them with the old.
 */
export const stackTemplateChanged: PlanRule = {
  meta: {
    id: "plan-stack-template-drops-data",
    title: "Plan changes a CloudFormation template so that CloudFormation deletes data",
    why:
      "A CloudFormation stack or stack set deletes every resource dropped from its template, or whose Condition turns false, and replaces (deleting the old) " +
      "one whose type or a property such as its name changes, unless its DeletionPolicy (UpdateReplacePolicy for a replacement) is Retain or Snapshot. " +
      "Terraform shows the change as an update in place of the stack, so no destroy of a database, table or bucket appears in the plan. " +
      "A template blastwall cannot read (YAML, a transform, a template_url, a value known only after apply) counts as such a change, and so do changed " +
      "parameters where the template's conditions or policies depend on them.",
    fix:
      "Keep the resource in the template, or give it DeletionPolicy: Retain and UpdateReplacePolicy: Retain before removing or renaming it. For a template " +
      "blastwall cannot read, write it as JSON in template_body, or have a human review the change and approve this exact plan.",
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
    const params = afterValue(rc.change, ["parameters"]);
    const changedParams = parametersChanged(params, getPath(rc.change.before, ["parameters"]), before, after);
    const paramsChanged = changedParams === "all" || changedParams.size > 0;
    const templateChanged = !(after.state === "known" && after.value === before);
    if (!templateChanged && !url && !paramsChanged) return [];
    const drops = url
      ? [`the template_url changed (${show(beforeUrl)} → ${urlChanged.state === "unknown" ? "known after apply" : show(urlChanged.value)}): blastwall cannot read the template it names`]
      : [...(templateChanged ? dropped(rc, attribute, before, after) : []), ...(paramsChanged ? parameterDependent(after, params, changedParams) : [])];
    if (drops.length === 0) return [];
    const evidence: Evidence[] = drops.map((d) => ({ step: "template", address: rc.address, detail: d }));
    return [changeFinding(rc, `The plan changes the template of ${rc.address}, and CloudFormation will delete data: ${drops.slice(0, 3).join("; ")}${drops.length > 3 ? `; and ${drops.length - 3} more` : ""}.`, evidence)];
  },
};

/**
 * The parameters whose value changes: those the stack passes (`parameters`), and those it leaves to a default the
 * template changes. "all" when the passed parameters are known only after apply.
 */
function parametersChanged(params: ReturnType<typeof afterValue>, beforeParams: unknown, beforeTemplate: unknown, after: ReturnType<typeof afterValue>): Set<string> | "all" {
  if (params.state === "unknown") return "all";
  const now = isObject(params.value) ? params.value : {};
  const was = isObject(beforeParams) ? beforeParams : {};
  const out = new Set<string>();
  for (const k of new Set([...Object.keys(now), ...Object.keys(was)])) if (canonicalJson(now[k] ?? null) !== canonicalJson(was[k] ?? null)) out.add(k);
  const defaults = (t: unknown) => {
    const parsed = parseJson(t);
    return isObject(parsed) && isObject(parsed.Parameters) ? parsed.Parameters : {};
  };
  const oldDefaults = defaults(beforeTemplate);
  const newDefaults = after.state === "known" ? defaults(after.value) : {};
  for (const k of new Set([...Object.keys(oldDefaults), ...Object.keys(newDefaults)])) {
    if (k in now) continue;
    const d = (x: unknown) => (isObject(x) ? x.Default ?? null : null);
    if (canonicalJson(d(oldDefaults[k])) !== canonicalJson(d(newDefaults[k]))) out.add(k);
  }
  return out;
}

function parseJson(t: unknown): unknown {
  if (typeof t !== "string") return undefined;
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
}

/**
 * Changed parameters: the data-holding resources whose existence (Condition), keeping (a policy that is no plain
 * string) or identity (a property whose change replaces it) the new template takes from one of them, directly or
 * through its Conditions. A template blastwall cannot read counts when its text mentions a condition or such a policy.
 */
function parameterDependent(after: ReturnType<typeof afterValue>, params: ReturnType<typeof afterValue>, changed: Set<string> | "all"): string[] {
  const shownParams = params.state === "unknown" ? "known only after apply" : `now ${show(params.value)}`;
  if (after.state !== "known" || typeof after.value !== "string") return [];
  // A transform does not hide a resource's own Condition or policy: read the resources as written.
  const now = resourcesOf(after.value, true);
  if (now === undefined) {
    const replacing = [...new Set(Object.values(REPLACING).flat())].join("|");
    const dependent =
      /\bCondition\b|Fn::If|!If\b|(DeletionPolicy|UpdateReplacePolicy)["']?\s*:\s*[!{]/.test(after.value) || new RegExp(`\\b(${replacing})["']?\\s*:\\s*[!{]`).test(after.value);
    return dependent ? [`the parameters changed (${shownParams}), and the template, which blastwall cannot read, has conditions or policies that may depend on them`] : [];
  }
  const conditions = conditionsOf(parseJson(after.value));
  const uses = (v: unknown): boolean => v !== undefined && (changed === "all" || mentions(v, changed, conditions));
  const out: string[] = [];
  for (const [id, r] of Object.entries(now)) {
    if (!holdsData(r)) continue;
    const kept = typeof r.DeletionPolicy === "string" && KEEPS.has(r.DeletionPolicy);
    const replaceKept = typeof r.UpdateReplacePolicy === "string" && KEEPS.has(r.UpdateReplacePolicy);
    if (!kept && r.Condition !== undefined && uses({ Condition: r.Condition })) out.push(`the parameters changed (${shownParams}), and ${id} (${String(r.Type)}) exists only under the condition ${show(r.Condition)}`);
    else if (r.DeletionPolicy !== undefined && typeof r.DeletionPolicy !== "string" && uses(r.DeletionPolicy)) out.push(`the parameters changed (${shownParams}), and ${id} (${String(r.Type)}) takes its DeletionPolicy from them`);
    if (!replaceKept) {
      const props = (REPLACING[String(r.Type)] ?? []).filter((k) => uses(propertyOf(r, k)));
      if (props.length > 0) out.push(`the parameters changed (${shownParams}), and ${id} (${String(r.Type)}) takes ${props.join(", ")} from them: a change there replaces it, deleting the old one`);
    }
  }
  return out;
}

/** A condition with every condition it reads, as one text: what decides it. */
function conditionText(name: string, conditions: Record<string, unknown>): string {
  const seen = new Map<string, unknown>();
  const visit = (n: string) => {
    if (seen.has(n)) return;
    seen.set(n, conditions[n] ?? null);
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (isObject(v)) for (const [k, x] of Object.entries(v)) k === "Condition" && typeof x === "string" ? visit(x) : walk(x);
    };
    walk(conditions[n]);
  };
  visit(name);
  return canonicalJson(Object.fromEntries(seen));
}

/** The template's Conditions, by name. */
function conditionsOf(template: unknown): Record<string, unknown> {
  return isObject(template) && isObject(template.Conditions) ? template.Conditions : {};
}

/** Whether a template value refers to one of the parameters, by `Ref`, `${NAME}` in `Fn::Sub`, or a Condition that does. */
function mentions(v: unknown, params: Set<string>, conditions: Record<string, unknown>, seen: Set<string> = new Set()): boolean {
  if (typeof v === "string") return [...params].some((p) => v.includes("${" + p + "}"));
  if (Array.isArray(v)) return v.some((x) => mentions(x, params, conditions, seen));
  if (!isObject(v)) return false;
  for (const [k, x] of Object.entries(v)) {
    if (k === "Ref" && typeof x === "string" && params.has(x)) return true;
    if (k === "Condition" && typeof x === "string" && !seen.has(x)) {
      seen.add(x);
      if (mentions(conditions[x], params, conditions, seen)) return true;
    }
    // Fn::If names its condition first.
    if (k === "Fn::If" && Array.isArray(x) && typeof x[0] === "string" && !seen.has(x[0])) {
      seen.add(x[0]);
      if (mentions(conditions[x[0]], params, conditions, seen)) return true;
    }
    if (mentions(x, params, conditions, seen)) return true;
  }
  return false;
}

function holdsData(r: Resource): boolean {
  const type = typeof r.Type === "string" ? r.Type : "";
  // An Aurora member instance holds no data of its own: the cluster does.
  if (type === "AWS::RDS::DBInstance" && isObject(r.Properties) && r.Properties.DBClusterIdentifier !== undefined) return false;
  return STATEFUL.has(type);
}

function show(v: unknown): string {
  return v === undefined || v === null ? "(none)" : JSON.stringify(v);
}

interface Resource {
  readonly Type?: unknown;
  readonly DeletionPolicy?: unknown;
  readonly UpdateReplacePolicy?: unknown;
  readonly Condition?: unknown;
  readonly Properties?: unknown;
}

/** What the new template drops or leaves unkept, as sentences; one sentence when either template cannot be read. */
function dropped(rc: PlanResourceChange, attribute: string, before: unknown, after: ReturnType<typeof afterValue>): string[] {
  if (after.state === "unknown") return ["the new template is known only after apply"];
  if (isSensitive(rc.change, [attribute])) return ["the template is sensitive, so the plan does not show it"];
  const old = resourcesOf(before);
  const now = resourcesOf(after.value);
  if (old === undefined) return ["the current template is not JSON blastwall can read (YAML, a transform, or not a template), so blastwall cannot tell what the change drops"];
  if (now === undefined) return ["the new template is not JSON blastwall can read (YAML, a transform, or not a template), so any resource may have been dropped"];
  const oldConditions = conditionsOf(parseJson(before));
  const newConditions = conditionsOf(parseJson(after.value));
  const out: string[] = [];
  for (const [id, r] of Object.entries(old)) {
    const type = typeof r.Type === "string" ? r.Type : "(unknown type)";
    const next = now[id];
    const kept = KEEPS.has(deletionPolicy(r));
    const stateful = holdsData(r) || kept;
    if (next === undefined) {
      if (stateful && !kept) out.push(`${id} (${type}) is dropped with DeletionPolicy ${show(r.DeletionPolicy ?? "Delete")}, so CloudFormation deletes it`);
      continue;
    }
    const replaceKept = KEEPS.has(String(r.UpdateReplacePolicy));
    if (next.Type !== r.Type && stateful && !replaceKept) {
      out.push(`${id} changes type from ${type} to ${show(next.Type)}, so CloudFormation replaces it and deletes the old one`);
      continue;
    }
    if (stateful && !replaceKept) {
      const props = (REPLACING[type] ?? []).filter((k) => canonicalJson(propertyOf(r, k) ?? null) !== canonicalJson(propertyOf(next, k) ?? null));
      if (props.length > 0) out.push(`${id} (${type}) changes ${props.join(", ")}, which makes CloudFormation replace it and delete the old one (UpdateReplacePolicy ${show(r.UpdateReplacePolicy ?? "Delete")})`);
      if (type === "AWS::CloudFormation::Stack" && canonicalJson(propertyOf(r, "TemplateURL") ?? null) !== canonicalJson(propertyOf(next, "TemplateURL") ?? null)) {
        out.push(`the nested stack ${id} takes another template (${show(propertyOf(next, "TemplateURL"))}), which blastwall cannot read`);
      }
    }
    if (stateful && canonicalJson(r.Condition ?? null) !== canonicalJson(next.Condition ?? null) && next.Condition !== undefined) {
      out.push(`${id} (${type}) now exists only under the condition ${show(next.Condition)}; where it is false, CloudFormation deletes it`);
    } else if (stateful && !kept && typeof next.Condition === "string" && conditionText(next.Condition, oldConditions) !== conditionText(next.Condition, newConditions)) {
      out.push(`${id} (${type}) exists only under the condition ${show(next.Condition)}, which the template redefines; where it turns false, CloudFormation deletes it`);
    }
    for (const policy of ["DeletionPolicy", "UpdateReplacePolicy"] as const) {
      const was = policy === "DeletionPolicy" ? deletionPolicy(r) : String(r[policy]);
      const now = policy === "DeletionPolicy" ? deletionPolicy(next) : String(next[policy]);
      if (KEEPS.has(was) && !KEEPS.has(now)) out.push(`${id} (${type}) loses ${policy} ${show(r[policy] ?? was)} (now ${show(next[policy])}), so a later removal or replacement deletes it`);
    }
  }
  return out;
}

function propertyOf(r: Resource, key: string): unknown {
  return isObject(r.Properties) ? r.Properties[key] : undefined;
}

/**
 * The DeletionPolicy in force: as written, else CloudFormation's default, which is Snapshot for an RDS cluster and for
 * an RDS instance outside a cluster, and Delete for everything else.
 */
function deletionPolicy(r: Resource): string {
  if (typeof r.DeletionPolicy === "string") return r.DeletionPolicy;
  if (r.DeletionPolicy !== undefined) return "(not a string)";
  if (r.Type === "AWS::RDS::DBCluster") return "Snapshot";
  if (r.Type === "AWS::RDS::DBInstance" && !(isObject(r.Properties) && r.Properties.DBClusterIdentifier !== undefined)) return "Snapshot";
  return "Delete";
}

/**
 * A template's Resources, when it is JSON with a Resources object and no transform (SAM, `Fn::ForEach`), which
 * CloudFormation expands into resources blastwall would not see; undefined otherwise.
 */
function resourcesOf(template: unknown, evenTransformed = false): Record<string, Resource> | undefined {
  if (typeof template !== "string") return undefined;
  const parsed = parseJson(template);
  if (!isObject(parsed) || !isObject(parsed.Resources)) return undefined;
  // A transform anywhere (SAM, `Fn::ForEach`, `AWS::Include` through `Fn::Transform`) makes what blastwall would not see.
  if (!evenTransformed && (parsed.Transform !== undefined || Object.keys(parsed.Resources).some((k) => k.startsWith("Fn::")) || template.includes('"Fn::Transform"'))) return undefined;
  const out: Record<string, Resource> = {};
  for (const [id, r] of Object.entries(parsed.Resources)) out[id] = isObject(r) ? (r as Resource) : {};
  return out;
}
