/**
 * Red-team round 156: an event source mapping from an Amazon MQ broker, self-managed Kafka, an MSK cluster or a
 * DocumentDB change stream runs the function with whatever a client of the broker writes. Read as pipe sources are
 * (engine/reach/broker-sources.ts): writers outside IAM make it a route every agent can use, the message saying why;
 * an MSK cluster with IAM authentication only asks kafka-cluster:WriteData on the topic.
 */
import { checkPaths } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import { check, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, HARMLESS, role, type Obj } from "../helpers/sessions";
import { dir } from "../hcl/helpers";
import { HCL_AGENT, HCL_DELETING_FN_ROLE } from "../helpers/hcl-stacks";

const PINNED = { provider: { aws: [{ region: "eu-central-1", allowed_account_ids: ["111111111111"] }] } };
const LAMBDA = policy({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" });
const allow = (action: string | string[], resource: unknown) => ({ Effect: "Allow", Action: action, Resource: resource });
const NOTHING = allow("s3:GetObject", "*");

const stack = (statements: Obj[], extra: Obj, rights = DESTROY): Obj =>
  tf(
    {
      ...agentCan(...statements),
      ...role("fn", LAMBDA, rights),
      "aws_lambda_function.cleanup": { function_name: "db-cleanup", role: "${aws_iam_role.fn.arn}", handler: "index.handler", runtime: "python3.12", filename: "x.zip" },
      ...extra,
    },
    PINNED,
  );
const found = (json: Obj, strict = false) =>
  check(json, {}, { strict })
    .findings.filter((f) => f.ruleId === "agent-transitive-destroy")
    .map((f) => ({ severity: f.severity, resource: f.resource, message: f.message, fix: f.fix ?? "" }));
const graded = (json: Obj, strict = false) => found(json, strict).map((x) => [x.severity, x.resource]);
const WARNING = [["warning", "aws_lambda_function.cleanup"]];

/** A mapping with these arguments into the deleting function. */
const mapping = (values: Obj): Obj => ({ "aws_lambda_event_source_mapping.m": { function_name: "${aws_lambda_function.cleanup.arn}", ...values } });
const BROKER = { "aws_mq_broker.b": { broker_name: "jobs", engine_type: "ActiveMQ", engine_version: "5.18", host_instance_type: "mq.t3.micro", user: [{ username: "app", password: "${var.pw}" }] } };
const MQ_MAPPING = mapping({ event_source_arn: "${aws_mq_broker.b.arn}", queues: ["jobs"], source_access_configuration: [{ type: "BASIC_AUTH", uri: "${var.secret}" }] });
const MSK = (auth?: Obj): Obj => ({ "aws_msk_cluster.k": { cluster_name: "events", kafka_version: "3.6.0", number_of_broker_nodes: 3, ...(auth ? { client_authentication: [auth] } : {}) } });
const MSK_MAPPING = (values: Obj = {}) => mapping({ event_source_arn: "${aws_msk_cluster.k.arn}", topics: ["jobs"], starting_position: "LATEST", ...values });
const IAM_ONLY = { sasl: [{ iam: true }] };

describe("156: event source mappings from brokers whose users sign in outside IAM", () => {
  test("an Amazon MQ broker: every agent, with no IAM right, a warning (an error under --strict) saying why and how to close it", () => {
    const json = stack([NOTHING], { ...BROKER, ...MQ_MAPPING });
    expect(graded(json)).toEqual(WARNING);
    expect(graded(json, true)).toEqual([["error", "aws_lambda_function.cleanup"]]);
    const f = found(json)[0];
    expect(f.message).toContain(
      "invoke aws_lambda_function.cleanup with no IAM right at all by writing to aws_mq_broker.b, whose users (ActiveMQ or RabbitMQ) sign in to the broker, not to IAM: blastwall cannot see who holds such a user",
    );
    expect(f.message).toContain("and aws_lambda_event_source_mapping.m reads what is written");
    expect(f.fix).toContain("read aws_lambda_event_source_mapping.m from a source whose writers IAM decides");
    // Controls: a role that cannot delete; a broker the stack names by ARN is the same.
    expect(graded(stack([NOTHING], { ...BROKER, ...MQ_MAPPING }, HARMLESS))).toEqual([]);
    expect(graded(stack([NOTHING], mapping({ event_source_arn: "arn:aws:mq:eu-central-1:111111111111:broker:jobs:b-1234", queues: ["jobs"] })))).toEqual(WARNING);
  });

  test("self-managed Kafka (no event_source_arn): every agent, naming the bootstrap servers", () => {
    const json = stack([NOTHING], mapping({ topics: ["jobs"], self_managed_event_source: [{ endpoints: { KAFKA_BOOTSTRAP_SERVERS: "kafka1.example.com:9092,kafka2.example.com:9092" } }] }));
    expect(graded(json)).toEqual(WARNING);
    expect(found(json)[0].message).toContain("by writing to the self-managed Kafka cluster kafka1.example.com:9092,kafka2.example.com:9092, whose clients sign in to the brokers");
    // A mapping that names no source at all reads nothing.
    expect(graded(stack([NOTHING], mapping({ topics: ["jobs"] })))).toEqual([]);
  });

  test("a DocumentDB change stream: its writers are database users, every agent", () => {
    const docdb = { "aws_docdb_cluster.d": { cluster_identifier: "orders", master_username: "admin", master_password: "${var.pw}" } };
    const json = stack([NOTHING], { ...docdb, ...mapping({ event_source_arn: "${aws_docdb_cluster.d.arn}", document_db_event_source_config: [{ database_name: "shop", collection_name: "orders" }] }) });
    expect(graded(json)).toEqual(WARNING);
    expect(found(json)[0].message).toContain("by writing to aws_docdb_cluster.d, whose writers are database users");
    expect(graded(stack([NOTHING], mapping({ event_source_arn: "arn:aws:rds:eu-central-1:111111111111:cluster:orders", document_db_event_source_config: [{ database_name: "shop" }] })))).toEqual(WARNING);
  });
});

describe("156: event source mappings from MSK", () => {
  test("IAM authentication only: kafka-cluster:WriteData on a topic the mapping reads; another topic or no right is closed", () => {
    const body = { ...MSK(IAM_ONLY), ...MSK_MAPPING() };
    expect(graded(stack([allow("kafka-cluster:WriteData", "arn:aws:kafka:eu-central-1:111111111111:topic/events/*/jobs")], body))).toEqual(WARNING);
    const f = found(stack([allow("kafka-cluster:WriteData", "arn:aws:kafka:eu-central-1:111111111111:topic/events/*/jobs")], body))[0];
    expect(f.message).toContain("write to topic jobs of aws_msk_cluster.k (kafka-cluster:WriteData, through aws_iam_role_policy.agent");
    expect(f.message).toContain("--kafka-cluster:WriteData--> topic jobs of aws_msk_cluster.k --aws_lambda_event_source_mapping.m--> aws_lambda_function.cleanup");
    expect(graded(stack([allow("kafka-cluster:WriteData", "arn:aws:kafka:eu-central-1:111111111111:topic/events/*/other")], body))).toEqual([]);
    expect(graded(stack([allow("kafka-cluster:WriteData", "arn:aws:kafka:eu-central-1:111111111111:topic/billing/*/jobs")], body))).toEqual([]);
    expect(graded(stack([NOTHING], body))).toEqual([]);
    expect(graded(stack([allow("kafka-cluster:ReadData", "*")], body))).toEqual([]);
  });

  test("topics that cannot be read are any topic of the cluster; MSK Serverless asks WriteData", () => {
    const body = { ...MSK(IAM_ONLY), ...MSK_MAPPING({ topics: "${var.topics}" }) };
    expect(graded(stack([allow("kafka-cluster:WriteData", "arn:aws:kafka:eu-central-1:111111111111:topic/events/*/other")], body))).toEqual(WARNING);
    const oneVar = { ...MSK(IAM_ONLY), ...MSK_MAPPING({ topics: ["${var.topic}"] }) };
    expect(graded(stack([allow("kafka-cluster:WriteData", "arn:aws:kafka:eu-central-1:111111111111:topic/events/*/other")], oneVar))).toEqual(WARNING);
    const serverless = { "aws_msk_serverless_cluster.k": { cluster_name: "events", client_authentication: [{ sasl: [{ iam: [{ enabled: true }] }] }] }, ...mapping({ event_source_arn: "${aws_msk_serverless_cluster.k.arn}", topics: ["jobs"] }) };
    expect(graded(stack([NOTHING], serverless))).toEqual([]);
    expect(graded(stack([allow("kafka-cluster:WriteData", "*")], serverless))).toEqual(WARNING);
  });

  test("clients that may sign in outside IAM (none, unauthenticated, SASL/SCRAM, TLS) make it every agent's", () => {
    for (const auth of [undefined, { unauthenticated: true, sasl: [{ iam: true }] }, { sasl: [{ scram: true }] }, { tls: [{ certificate_authority_arns: ["arn:aws:acm-pca:eu-central-1:111111111111:certificate-authority/x"] }] }]) {
      expect(graded(stack([NOTHING], { ...MSK(auth), ...MSK_MAPPING() }))).toEqual(WARNING);
    }
    const scram = found(stack([NOTHING], { ...MSK({ sasl: [{ scram: true }] }), ...MSK_MAPPING({ source_access_configuration: [{ type: "SASL_SCRAM_512_AUTH", uri: "${var.secret}" }] }) }))[0];
    expect(scram.message).toContain("by writing to aws_msk_cluster.k, whose SASL/SCRAM users sign in with a password stored outside IAM");
  });

  test("a mapping that signs in with SASL/SCRAM or a client certificate shows the cluster takes such clients", () => {
    const json = stack([NOTHING], { ...MSK(IAM_ONLY), ...MSK_MAPPING({ source_access_configuration: [{ type: "CLIENT_CERTIFICATE_TLS_AUTH", uri: "${var.cert}" }] }) });
    expect(graded(json)).toEqual(WARNING);
    expect(found(json)[0].message).toContain("TLS clients sign in with certificates of a private CA (aws_lambda_event_source_mapping.m signs in so: source_access_configuration CLIENT_CERTIFICATE_TLS_AUTH)");
    expect(graded(stack([NOTHING], { ...MSK(IAM_ONLY), ...MSK_MAPPING({ source_access_configuration: [{ type: "SASL_SCRAM_256_AUTH", uri: "${var.secret}" }] }) }))).toEqual(WARNING);
    // Network settings say nothing of how clients sign in.
    expect(graded(stack([NOTHING], { ...MSK(IAM_ONLY), ...MSK_MAPPING({ source_access_configuration: [{ type: "VPC_SUBNET", uri: "subnet:subnet-1" }] }) }))).toEqual([]);
  });

  test("a cluster the stack does not make (an ARN, a data source): its authentication cannot be read, every agent's", () => {
    const json = stack([NOTHING], MSK_MAPPING({ event_source_arn: "arn:aws:kafka:eu-central-1:111111111111:cluster/events/abc-1" }));
    expect(graded(json)).toEqual(WARNING);
    expect(found(json)[0].message).toContain("by writing to the MSK cluster arn:aws:kafka:eu-central-1:111111111111:cluster/events/abc-1, whose authentication blastwall cannot read");
    const data = stack([NOTHING], { "data.aws_msk_cluster.k": { cluster_name: "events" }, ...MSK_MAPPING({ event_source_arn: "${data.aws_msk_cluster.k.arn}" }) });
    expect(found(data)[0].message).toContain("by writing to the MSK cluster data.aws_msk_cluster.k, whose authentication blastwall cannot read");
  });
});

describe("156: a mapping source that cannot be read", () => {
  test("with what only a broker source takes (queues, topics, a DocumentDB configuration): every agent's", () => {
    expect(graded(stack([NOTHING], mapping({ event_source_arn: "${var.source}", queues: ["jobs"] })))).toEqual(WARNING);
    const kafka = stack([NOTHING], mapping({ event_source_arn: "${var.source}", topics: ["jobs"] }));
    expect(graded(kafka)).toEqual(WARNING);
    expect(found(kafka)[0].message).toContain("by writing to the Kafka cluster ${var.source}, whose authentication blastwall cannot read (nor which cluster it is)");
    expect(graded(stack([NOTHING], mapping({ event_source_arn: "${var.source}", document_db_event_source_config: [{ database_name: "shop" }] })))).toEqual(WARNING);
  });

  test("without: a queue, stream or table, as before (a write right is needed)", () => {
    expect(graded(stack([NOTHING], mapping({ event_source_arn: "${var.source}" })))).toEqual([]);
    expect(graded(stack([allow("sqs:SendMessage", "*")], mapping({ event_source_arn: "${var.source}" })))).toEqual(WARNING);
  });
});

test("156. through HCL: self-managed Kafka mapped to the function", async () => {
  const d = dir({
    "main.tf": `
${HCL_AGENT}${HCL_DELETING_FN_ROLE}resource "aws_lambda_function" "cleanup" {
  function_name = "db-cleanup"
  role          = aws_iam_role.fn.arn
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "cleanup.zip"
}
resource "aws_lambda_event_source_mapping" "kafka" {
  function_name     = aws_lambda_function.cleanup.arn
  topics            = ["jobs"]
  starting_position = "TRIM_HORIZON"
  self_managed_event_source {
    endpoints = { KAFKA_BOOTSTRAP_SERVERS = "kafka1.example.com:9092" }
  }
}
resource "aws_iam_role_policy" "agent" {
  role   = aws_iam_role.agent.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "*" }] })
}
`,
  });
  const r = await checkPaths([d], { config: {}, rules: agentRules });
  const f = r.findings.filter((x) => x.ruleId === "agent-transitive-destroy");
  expect(f.map((x) => [x.severity, x.resource])).toEqual([["warning", "aws_lambda_function.cleanup"]]);
  expect(f[0].message).toContain("by writing to the self-managed Kafka cluster kafka1.example.com:9092");
});

describe("the arrow of a route anyone can use says why it is open", () => {
  test("a broker's users sign in outside IAM: 'no IAM auth on' the mapping or pipe, not '(no auth)'; a function URL with no auth keeps '(no auth)'", () => {
    const mq = found(stack([NOTHING], { ...BROKER, ...MQ_MAPPING }))[0];
    expect(mq.message).toContain("aws_iam_role.agent --no IAM auth on aws_lambda_event_source_mapping.m--> aws_lambda_function.cleanup --runs as--> aws_iam_role.fn");
    const pipe = {
      ...BROKER,
      ...role("pipe", policy({ Effect: "Allow", Principal: { Service: "pipes.amazonaws.com" }, Action: "sts:AssumeRole" }), HARMLESS),
      "aws_pipes_pipe.p": { name: "jobs", role_arn: "${aws_iam_role.pipe.arn}", source: "${aws_mq_broker.b.arn}", target: "${aws_lambda_function.cleanup.arn}" },
    };
    expect(found(stack([NOTHING], pipe))[0].message).toContain("aws_iam_role.agent --no IAM auth on aws_pipes_pipe.p--> aws_lambda_function.cleanup");
    const url = found(stack([NOTHING], { "aws_lambda_function_url.u": { function_name: "${aws_lambda_function.cleanup.function_name}", authorization_type: "NONE" } }))[0];
    expect(url.message).toContain("aws_iam_role.agent --aws_lambda_function_url.u (no auth)--> aws_lambda_function.cleanup");
  });
});

describe("a pipe from an MSK cluster reads its own source credentials, as a mapping reads its source_access_configuration", () => {
  const pipeRole = role("pipe", policy({ Effect: "Allow", Principal: { Service: "pipes.amazonaws.com" }, Action: "sts:AssumeRole" }), HARMLESS);
  const PIPE = (credentials?: Obj, target = "${aws_lambda_function.cleanup.arn}"): Obj => ({
    ...pipeRole,
    "aws_pipes_pipe.p": {
      name: "jobs",
      role_arn: "${aws_iam_role.pipe.arn}",
      source: "${aws_msk_cluster.k.arn}",
      target,
      source_parameters: [{ managed_streaming_kafka_parameters: [{ topic_name: "jobs", ...(credentials ? { credentials: [credentials] } : {}) }] }],
    },
  });

  test("SASL/SCRAM or a client certificate of the pipe's: the cluster takes such clients, every agent's, the message saying where", () => {
    const scram = stack([NOTHING], { ...MSK(IAM_ONLY), ...PIPE({ sasl_scram_512_auth: "${aws_secretsmanager_secret.kafka.arn}" }) });
    expect(graded(scram)).toEqual(WARNING);
    expect(found(scram)[0].message).toContain("SASL/SCRAM users sign in with a password stored outside IAM (aws_pipes_pipe.p signs in so: source_parameters.managed_streaming_kafka_parameters.credentials sasl_scram_512_auth)");
    const tls = stack([NOTHING], { ...MSK(IAM_ONLY), ...PIPE({ client_certificate_tls_auth: "${var.cert}" }) });
    expect(graded(tls)).toEqual(WARNING);
    expect(found(tls)[0].message).toContain("TLS clients sign in with certificates of a private CA (aws_pipes_pipe.p signs in so: source_parameters.managed_streaming_kafka_parameters.credentials client_certificate_tls_auth)");
  });

  test("into a state machine: an error, the chain to its role", () => {
    const sfn = {
      "aws_sfn_state_machine.sm": { name: "cleanup", role_arn: "${aws_iam_role.sfn.arn}", definition: "{}" },
      ...role("sfn", policy({ Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole" }), DESTROY),
    };
    const json = stack([NOTHING], { ...MSK(IAM_ONLY), ...sfn, ...PIPE({ sasl_scram_512_auth: "${var.secret}" }, "${aws_sfn_state_machine.sm.arn}") }, HARMLESS);
    expect(graded(json)).toEqual([["error", "aws_iam_role.sfn"]]);
  });

  test("controls: no credentials (IAM), empty credentials: kafka-cluster:WriteData on the topic is asked", () => {
    expect(graded(stack([NOTHING], { ...MSK(IAM_ONLY), ...PIPE() }))).toEqual([]);
    expect(graded(stack([NOTHING], { ...MSK(IAM_ONLY), ...PIPE({}) }))).toEqual([]);
    expect(graded(stack([allow("kafka-cluster:WriteData", "arn:aws:kafka:eu-central-1:111111111111:topic/events/*/jobs")], { ...MSK(IAM_ONLY), ...PIPE() }))).toEqual(WARNING);
  });
});
