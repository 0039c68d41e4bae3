/**
 * Red-team round 60 (RT60-6): code a Glue job loads through the connections it lists, a custom connector's JAR
 * (`CONNECTOR_URL`) or a JDBC connection's own driver (`JDBC_DRIVER_JAR_URI`), runs in the job's JVM as its role, as
 * `--extra-jars` does; a crawler runs its JDBC connection's driver in a Glue job, as the crawler's role. A connection
 * blastwall cannot resolve, or a location it cannot read, may load any object.
 */
import { tf } from "../helpers/tf";
import { adminRole, agentCan, reached } from "../helpers/fetched-sources";

type Obj = Record<string, unknown>;

const writes = (bucket: string) => agentCan(["s3:PutObject", "s3:GetObject"], `arn:aws:s3:::${bucket}/*`);

const custom = (props: unknown = { CONNECTOR_URL: "s3://etl-connectors/legacy-jdbc-connector.jar", CONNECTOR_TYPE: "Spark", CONNECTOR_CLASS_NAME: "com.example.legacy.Driver" }) => ({
  "aws_glue_connection.jdbc": { name: "legacy-db", connection_type: "CUSTOM", connection_properties: props },
});
const jdbc = (props: Obj = {}) => ({
  "aws_glue_connection.pg": {
    name: "pg",
    connection_type: "JDBC",
    connection_properties: { JDBC_CONNECTION_URL: "jdbc:postgresql://db:5432/app", JDBC_DRIVER_JAR_URI: "s3://etl-connectors/postgresql-42.7.jar", JDBC_DRIVER_CLASS_NAME: "org.postgresql.Driver", ...props },
  },
});
/** The red team's job: a script in a bucket the agent cannot write, the connections given. */
const job = (connections: unknown, extra: Obj = {}) => ({
  ...adminRole("etl", "glue.amazonaws.com"),
  "aws_glue_job.nightly": { name: "nightly", role_arn: "${aws_iam_role.etl.arn}", glue_version: "4.0", connections, command: { name: "glueetl", script_location: "s3://etl-scripts-locked/nightly.py" }, ...extra },
});

describe("60. a Glue job's connections load code into it", () => {
  test("a custom connector's JAR (CONNECTOR_URL), the connection named by reference: a path to the job's role", () => {
    expect(reached(tf({ ...writes("etl-connectors"), ...custom(), ...job(["${aws_glue_connection.jdbc.name}"]) }))).toEqual(["aws_iam_role.etl"]);
  });

  test("control: the same stack with the agent writing another bucket, or with no connection on the job, is no path", () => {
    expect(reached(tf({ ...writes("agent-scratch"), ...custom(), ...job(["${aws_glue_connection.jdbc.name}"]) }))).toEqual([]);
    expect(reached(tf({ ...writes("etl-connectors"), ...custom(), ...job(undefined) }))).toEqual([]);
  });

  test("control: the red team's --extra-jars control still reaches the role", () => {
    expect(reached(tf({ ...writes("etl-connectors"), ...job(undefined, { default_arguments: { "--extra-jars": "s3://etl-connectors/legacy-jdbc-connector.jar" } }) }))).toEqual(["aws_iam_role.etl"]);
  });

  test("a JDBC connection's own driver (JDBC_DRIVER_JAR_URI), named by its name", () => {
    expect(reached(tf({ ...writes("etl-connectors"), ...jdbc(), ...job(["pg"]) }))).toEqual(["aws_iam_role.etl"]);
    // Control: a JDBC connection with the driver Glue ships loads nothing of the agent's.
    expect(reached(tf({ ...writes("etl-connectors"), ...jdbc({ JDBC_DRIVER_JAR_URI: undefined }), ...job(["pg"]) }))).toEqual([]);
  });

  test("names and properties through locals and variables; a location built from a bucket resolves to it", () => {
    const props = { CONNECTOR_URL: "s3://${aws_s3_bucket.c.bucket}/legacy.jar", CONNECTOR_TYPE: "Spark" };
    const json = (bucket: string) => tf({ ...writes(bucket), "aws_s3_bucket.c": { bucket: "etl-connectors" }, ...custom("${local.props}"), ...job("${var.conns}") }, { locals: { props }, variable: { conns: { default: ["legacy-db"] } } });
    expect(reached(json("etl-connectors"))).toEqual(["aws_iam_role.etl"]);
    expect(reached(json("agent-scratch"))).toEqual([]);
  });

  test("fail closed: a connection outside the stack, one named by a token, or properties and locations blastwall cannot read may load any object", () => {
    const anywhere = writes("agent-scratch");
    // Named, but no connection of the stack has that name (created elsewhere).
    expect(reached(tf({ ...anywhere, ...custom(), ...job(["other-db"]) }))).toEqual(["aws_iam_role.etl"]);
    // A data source: its properties are not in the stack.
    expect(reached(tf({ ...anywhere, "data.aws_glue_connection.x": { id: "111111111111:shared" }, ...job(["${data.aws_glue_connection.x.name}"]) }))).toEqual(["aws_iam_role.etl"]);
    // Connections as a value blastwall cannot read.
    expect(reached(tf({ ...anywhere, ...custom(), ...job("${jsondecode(aws_ssm_parameter.p.value)}") }))).toEqual(["aws_iam_role.etl"]);
    // Properties, or the JAR's location, as a token.
    expect(reached(tf({ ...anywhere, ...custom("${jsondecode(aws_ssm_parameter.p.value)}"), ...job(["${aws_glue_connection.jdbc.name}"]) }))).toEqual(["aws_iam_role.etl"]);
    expect(reached(tf({ ...anywhere, ...custom({ CONNECTOR_URL: "${aws_ssm_parameter.p.value}" }), ...job(["${aws_glue_connection.jdbc.name}"]) }))).toEqual(["aws_iam_role.etl"]);
  });

  test("control: a connection of the stack that loads no code (a network connection) opens no path to an agent writing elsewhere", () => {
    const network = { "aws_glue_connection.net": { name: "vpc", connection_type: "NETWORK", physical_connection_requirements: { subnet_id: "subnet-1" } } };
    expect(reached(tf({ ...writes("agent-scratch"), ...network, ...job(["${aws_glue_connection.net.name}", "vpc"]) }))).toEqual([]);
  });
});

describe("60. a crawler runs its JDBC connection's driver as the crawler's role", () => {
  const crawler = (connection: string, extra: Obj = {}) => ({
    ...adminRole("crawl", "glue.amazonaws.com"),
    "aws_glue_crawler.c": { name: "pg", role: "${aws_iam_role.crawl.name}", database_name: "app", jdbc_target: [{ connection_name: connection, path: "app/%" }], ...extra },
  });

  test("the driver's JAR is a path to the crawler's role", () => {
    expect(reached(tf({ ...writes("etl-connectors"), ...jdbc(), ...crawler("${aws_glue_connection.pg.name}") }))).toEqual(["aws_iam_role.crawl"]);
  });

  test("control: the driver Glue ships, a write elsewhere, or a custom connector (crawlers take none) is no path", () => {
    expect(reached(tf({ ...writes("etl-connectors"), ...jdbc({ JDBC_DRIVER_JAR_URI: undefined }), ...crawler("${aws_glue_connection.pg.name}") }))).toEqual([]);
    expect(reached(tf({ ...writes("agent-scratch"), ...jdbc(), ...crawler("${aws_glue_connection.pg.name}") }))).toEqual([]);
    expect(reached(tf({ ...writes("etl-connectors"), ...custom(), ...crawler("${aws_glue_connection.jdbc.name}") }))).toEqual([]);
  });

  test("fail closed: a connection outside the stack may load any object", () => {
    expect(reached(tf({ ...writes("agent-scratch"), ...crawler("shared-pg") }))).toEqual(["aws_iam_role.crawl"]);
  });
});
