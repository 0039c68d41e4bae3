/**
 * Sources whose writers a broker decides, not IAM (red-team round 155; event source mappings in round 156): an Amazon
 * MQ broker (ActiveMQ or RabbitMQ users), self-managed Kafka (SASL/SCRAM, TLS certificates, or none), an MSK cluster
 * that allows unauthenticated, SASL/SCRAM or TLS clients, a DocumentDB cluster's change stream (database users).
 * Who holds such a user, or reaches a cluster that asks none, is outside what blastwall sees: every principal counts
 * as able to write (fail closed), and the message says that is assumed. An MSK cluster with IAM authentication asks
 * kafka-cluster:WriteData on the topic. Read the same way for an EventBridge pipe's source (compute-targets.ts
 * `pipeSources`) and a Lambda event source mapping's (rules/invoke-routes.ts `mappingRoutes`).
 */
import type { TfResource, TfStack } from "../terraform/types";
import { blocks } from "../json";
import { attributePattern, exactPattern } from "../terraform/tokens";

/** Where a reader (a pipe, an event source mapping) reads from, as a writer reaches it. */
export interface WriteSource {
  readonly actions: readonly string[];
  readonly pattern: string;
  readonly target?: TfResource;
  readonly types: readonly string[];
  readonly text: string;
  readonly verb: string;
  /** Writers IAM does not decide (no `actions`): anyone who holds a user of the broker. */
  readonly open?: { readonly text: string; readonly fix: string; readonly label: string };
}

/** A write to a topic of an MSK cluster that authenticates its clients with IAM. */
export const KAFKA_WRITE = ["kafka-cluster:WriteData"];

export const MQ = ["aws_mq_broker"];
export const MSK = ["aws_msk_cluster", "aws_msk_serverless_cluster"];
export const DOCDB = ["aws_docdb_cluster"];

/** Why an Amazon MQ broker's writers are outside IAM. */
export const MQ_WHY = "users (ActiveMQ or RabbitMQ) sign in to the broker, not to IAM";
/** Why self-managed Kafka's writers are outside IAM. */
export const SELF_MANAGED_WHY = "clients sign in to the brokers (SASL, TLS certificates, or not at all), not to IAM";
/** Why an MSK cluster the stack does not make may take writers outside IAM. */
const UNREAD_MSK_WHY = "authentication blastwall cannot read (a cluster this stack does not make) may let clients in outside IAM";
/** Why a DocumentDB cluster's change stream takes writers outside IAM. */
export const DOCDB_WHY =
  "writers are database users (with a password, or an IAM identity the database itself names as a user), decided inside the database, not by an IAM policy";

/** A source every principal counts as able to write to: `what` (the broker), `why` its writers are outside IAM. */
export function brokerSource(reader: TfResource, what: string, why: string): WriteSource {
  return {
    actions: [],
    pattern: "*",
    types: [],
    text: what,
    verb: `write to ${what}`,
    open: {
      // Its clients do sign in, to the broker: not "no auth", as a function URL's arrow says.
      label: "no IAM auth",
      text: `by writing to ${what}, whose ${why}: blastwall cannot see who holds such a user (or reaches the broker), so it counts every principal as able to, and ${reader.address} reads what is written`,
      fix: `read ${reader.address} from a source whose writers IAM decides (an SQS queue, a Kinesis stream, an MSK cluster with IAM authentication only), or acknowledge this finding where only trusted clients hold the broker's users`,
    },
  };
}

/**
 * How the reader itself signs in to an MSK cluster, when not with IAM (a mapping's source_access_configuration, a pipe's
 * source credentials): the cluster takes such clients, then.
 */
export interface ReaderAuth {
  readonly scram?: boolean;
  readonly tls?: boolean;
  /** Where that is said: `aws_lambda_event_source_mapping.m signs in so: source_access_configuration SASL_SCRAM_512_AUTH`. */
  readonly where?: string;
}

/**
 * The sources of an MSK cluster a reader reads `topics` of (`*` for a name that cannot be read): a write to each topic
 * under IAM, and a broker source for the other ways its clients sign in. A cluster the stack does not make is a
 * broker source: its authentication cannot be read.
 */
export function mskSources(stack: TfStack, reader: TfResource, cluster: TfResource | undefined, arn: string, topics: readonly string[], by: ReaderAuth = {}): WriteSource[] {
  const text = cluster?.address ?? arn;
  const byReader = (how: string) => (by.where ? `${how} (${by.where})` : how);
  // A cluster the stack only reads (a data source) says nothing of its authentication either.
  if (!cluster || cluster.mode === "data") {
    const why = [UNREAD_MSK_WHY, ...(by.scram ? [byReader("SASL/SCRAM users sign in with a password stored outside IAM")] : []), ...(by.tls ? [byReader("TLS clients sign in with certificates of a private CA")] : [])];
    return [brokerSource(reader, `the MSK cluster ${cluster?.address ?? arn}`, why.join(", and "))];
  }
  const name = nameOf(stack, cluster, "cluster_name");
  const iamWrites: WriteSource[] = [...new Set(topics.length > 0 ? topics : ["*"])].map((topic) => ({
    actions: KAFKA_WRITE,
    pattern: `arn:*:kafka:*:*:topic/${name}/*/${topic}`,
    types: [],
    text: `topic ${topic} of ${text}`,
    verb: `write to topic ${topic} of ${text}`,
  }));
  if (cluster.type === "aws_msk_serverless_cluster") return iamWrites;
  const auth = blocks(cluster.values["client_authentication"])[0];
  const sasl = auth ? blocks(auth["sasl"])[0] : undefined;
  const on = (v: unknown) => v === true || v === "true";
  const unreadable = (v: unknown) => typeof v === "string" && v.includes("${");
  const others: string[] = [];
  // No client_authentication: MSK lets clients in with no authentication at all.
  if (!auth) others.push("clients need no authentication (no client_authentication block)");
  else if (on(auth["unauthenticated"]) || unreadable(auth["unauthenticated"])) others.push("client_authentication allows unauthenticated clients");
  // A reader that signs in with SCRAM or a certificate shows the cluster takes such clients, whatever the block says.
  if (sasl && (on(sasl["scram"]) || unreadable(sasl["scram"]))) others.push("SASL/SCRAM users sign in with a password stored outside IAM");
  else if (by.scram) others.push(byReader("SASL/SCRAM users sign in with a password stored outside IAM"));
  if (auth && blocks(auth["tls"]).length > 0) others.push("TLS clients sign in with certificates of a private CA");
  else if (by.tls) others.push(byReader("TLS clients sign in with certificates of a private CA"));
  const out: WriteSource[] = [];
  if (!auth || !sasl || on(sasl["iam"]) || unreadable(sasl["iam"])) out.push(...iamWrites);
  if (others.length > 0) out.push(brokerSource(reader, text, others.join(", and ")));
  return out;
}

/** A topic (or queue) list as written: each name exactly, `*` where one cannot be read, `["*"]` for an unreadable list. */
export function namesOf(stack: TfStack, v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return ["*"];
  return v.map((x) => exactPattern(stack, x) ?? "*");
}

function nameOf(stack: TfStack, res: TfResource, attr: string): string {
  const v = res.values[attr];
  return v === undefined || v === null || v === "" ? "*" : attributePattern(stack, res, attr).pattern;
}
