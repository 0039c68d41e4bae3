/**
 * Red-team round 109, F2: round 107's fix counted a short literal master password (`s3cretpw`) only in listed
 * credential contexts, and so missed a `.pgpass` line, an XML element, `sshpass -p`, `echo PASS |` and mysql's
 * `-pPASS`. A short literal that stands as a token now counts everywhere except where it is certainly a word of a
 * sentence or a segment of a path.
 */
import { agentRole, check, policy, tf } from "../helpers/tf";
import { holdsLiteral } from "../../lib/engine/reach/database-passwords";

const ID = "credential-in-configuration";
const PW = "s3cretpw";

const agent = (actions: string[], resource = "*") => ({
  "aws_iam_role.agent": agentRole(),
  "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: actions, Resource: resource }) },
});
const DB = { identifier: "orders", engine: "postgres", instance_class: "db.t4g.micro", username: "app", password: PW };
/** The password (or a control) in the description of a parameter whose metadata the agent reads. */
const described = (description: string) =>
  check(tf({ ...agent(["ssm:DescribeParameters", "ssm:ListTagsForResource"]), "aws_db_instance.orders": DB, "aws_ssm_parameter.p": { name: "/app/note", type: "String", value: "see description", description } }))
    .findings.filter((f) => f.ruleId === ID)
    .map((f) => f.resource);
/** The password (or a control) in the user data of an instance whose attributes the agent reads. */
const userData = (script: string) =>
  check(
    tf({
      ...agent(["ec2:DescribeInstanceAttribute"], "${aws_instance.app.arn}"),
      "aws_db_instance.orders": DB,
      "aws_instance.app": { ami: "ami-0123456789abcdef0", instance_type: "t3.micro", user_data: `#!/bin/bash\n${script}\nsystemctl start app\n` },
    }),
  )
    .findings.filter((f) => f.ruleId === "agent-database-password")
    .map((f) => f.resource);

describe("F2: a short literal password counts as a token wherever it stands, except in prose or a path", () => {
  test.each([
    ["a .pgpass line", `echo orders.internal:5432:*:app:${PW} > /root/.pgpass`],
    ["an XML element", `<Resource name="jdbc/db"><password>${PW}</password></Resource>`],
    ["sshpass -p", `sshpass -p ${PW} scp app@backup:/dump.sql /tmp/`],
    ["echo into a pipe", `echo ${PW} | docker login -u app --password-stdin registry`],
    ["mysql's -p glued to the value", `mysql -uapp -p${PW} -h db app`],
    ["an Oracle user/password@service", `sqlplus app/${PW}@orcl`],
    ["a .netrc entry on one line", `machine db login app password ${PW} machine other login x`],
    ["a sentence naming it after the key", `the db password is ${PW} for now`],
  ])("in a parameter's description: %s", (_, text) => {
    expect(described(text)).toEqual(["aws_ssm_parameter.p"]);
  });

  test.each([
    ["a .pgpass heredoc", `cat > /home/app/.pgpass <<PG\norders.internal:5432:*:app:${PW}\nPG\nchmod 600 /home/app/.pgpass`],
    ["a Tomcat context.xml", `cat > /opt/app/context.xml <<X\n<Resource name="jdbc/db" username="app"><password>${PW}</password></Resource>\nX`],
    ["sshpass", `sshpass -p ${PW} scp app@backup:/dump.sql /tmp/`],
    ["the control round 108 found too", `export PGPASSWORD=${PW}`],
  ])("in user data the agent reads: agent-database-password, %s", (_, script) => {
    expect(userData(script)).toEqual(["aws_db_instance.orders"]);
  });

  test("controls: no password, or the password only as a word of a sentence, a path, or part of a longer word", () => {
    expect(userData("systemctl start app")).toEqual([]);
    expect(described(`see the ${PW} rotation runbook`)).toEqual([]);
    expect(described(`stored at /app/db/${PW}/current`)).toEqual([]);
    expect(described(`mysql -uapp -p${PW}x -h db`)).toEqual([]);
    expect(described(`tag ${PW}-15-primary`)).toEqual([]);
  });
});

describe("holdsLiteral: the places a short password is left out, and those it counts in", () => {
  test.each([
    ["a word between words", "the password is in Secrets Manager", "password"],
    ["a word after a colon, between words", "Rotate: changeme is the default", "changeme"],
    ["a word before a colon, between words", "the password: see the vault", "password"],
    ["a segment of a path", "/app/db/password", "password"],
    ["before a slash", "password/rotation", "password"],
    ["part of a word", "orders.postgres.internal", "postgres"],
    ["glued to a longer option", "--ps3cretpw", "s3cretpw"],
  ])("not held: %s", (_, s, literal) => {
    expect(holdsLiteral(s, literal)).toBe(false);
  });

  test.each([
    ["a .pgpass field", "db:5432:*:app:s3cretpw", "s3cretpw"],
    [">PASS<", "<password>s3cretpw</password>", "s3cretpw"],
    ["-p PASS", "sshpass -p s3cretpw ssh", "s3cretpw"],
    ["-pPASS", "mysql -ps3cretpw", "s3cretpw"],
    ["-pPASS quoted", "args: ['-ps3cretpw']", "s3cretpw"],
    ["echo PASS |", "echo s3cretpw | login", "s3cretpw"],
    ["a word ending a text", "orders postgres", "postgres"],
    ["a word starting a text", "changeme is the default", "changeme"],
    ["a key before a word between words", "password: changeme is old", "changeme"],
    ["user/PASS@host", "app/s3cretpw@orcl", "s3cretpw"],
    ["a long literal inside a word", "xcorrect-horse-battery-staplex", "correct-horse-battery-staple"],
  ])("held: %s", (_, s, literal) => {
    expect(holdsLiteral(s, literal)).toBe(true);
  });
});
