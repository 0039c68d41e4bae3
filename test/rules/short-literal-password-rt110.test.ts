/**
 * Red-team round 110, F4: round 109's token rule left a short literal master password out as a path segment wherever
 * a `/` came right before it, and as a word of prose between words with a `;` after it. So Oracle's `user/PASS`
 * (`sqlplus`, `impdp`, quoted), `IDENTIFIED BY PASS ACCOUNT UNLOCK` and `add_user app PASS; next` went unseen. A
 * segment now counts as a path's only in a path from the root, the home or the working directory (or past a URL's
 * host), or with a `/` after it; a word before `;` is no prose; `IDENTIFIED BY` gives a password as a key does.
 */
import { agentRole, check, policy, tf } from "../helpers/tf";
import { holdsLiteral } from "../../lib/engine/reach/database-passwords";

const PW = "s3cretpw";

/** The agent reads the user data of `aws_instance.app`, whose script is `script`; the Oracle database's password is PW. */
const userData = (script: string) =>
  check(
    tf({
      "aws_iam_role.agent": agentRole(),
      "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "ec2:DescribeInstanceAttribute", Resource: "${aws_instance.app.arn}" }) },
      "aws_db_instance.orders": { identifier: "orders", engine: "oracle-se2", instance_class: "db.t3.small", username: "app", password: PW },
      "aws_instance.app": { ami: "ami-0123456789abcdef0", instance_type: "t3.micro", user_data: `#!/bin/bash\n${script}\nsystemctl start app\n` },
    }),
  )
    .findings.filter((f) => f.ruleId === "agent-database-password")
    .map((f) => f.resource);

describe("F4: Oracle's user/password, IDENTIFIED BY and a password before `;` count", () => {
  test.each([
    ["sqlplus user/password", `sqlplus -s app/${PW} @/opt/app/migrate.sql`],
    ["sqlplus user/password at the end of a pipe", `echo exit | sqlplus app/${PW}`],
    ["impdp user/password", `impdp app/${PW} directory=DATA_PUMP_DIR dumpfile=orders.dmp`],
    ["user/password quoted", `echo "app/${PW}" > /etc/app/ora.creds`],
    ["IDENTIFIED BY with a word after", `echo "ALTER USER app IDENTIFIED BY ${PW} ACCOUNT UNLOCK;" | sqlplus -s / as sysdba`],
    ["IDENTIFIED BY before `;` and another statement", `echo "CREATE USER reporter IDENTIFIED BY ${PW}; GRANT CONNECT TO reporter;" > /tmp/u.sql`],
    ["a word before `;` and the next command", `rabbitmqctl add_user app ${PW}; rabbitmqctl set_user_tags app administrator`],
  ])("%s: agent-database-password", (_, script) => {
    expect(userData(script)).toEqual(["aws_db_instance.orders"]);
  });

  test("controls: the shapes round 110 found counted, and no password", () => {
    expect(userData(`sqlplus app/${PW}@orcl`)).toEqual(["aws_db_instance.orders"]);
    expect(userData(`echo "ALTER USER app IDENTIFIED BY ${PW};" | sqlplus -s / as sysdba`)).toEqual(["aws_db_instance.orders"]);
    expect(userData(`export ORA_PW=${PW}`)).toEqual(["aws_db_instance.orders"]);
    expect(userData("sqlplus -s / as sysdba @/opt/app/migrate.sql")).toEqual([]);
  });

  test("controls: the password as a segment of a path, or a word of prose, still does not count", () => {
    expect(userData(`cat /etc/app/${PW}/current > /dev/null`)).toEqual([]);
    expect(userData(`install -d ~/${PW} ./${PW}`)).toEqual([]);
  });
});

describe("holdsLiteral after round 110", () => {
  test.each([
    ["a segment of a path from the root", "/app/db/password", "password"],
    ["the last segment of a path from the root, quoted", 'cat "/run/secrets/password"', "password"],
    ["a path from the working directory", "./password", "password"],
    ["a path from the parent directory", "../conf/password", "password"],
    ["a path from the home directory", "~/password and ~app/password", "password"],
    ["a path given to an option", "--file=/etc/password", "password"],
    ["a segment of a URL's path", "see https://docs.example.com/rds/password for the rules", "password"],
    ["a segment with a `/` after it", "password/rotation", "password"],
    ["a word between words, a comma after it", "the password, rotated weekly", "password"],
  ])("not held: %s", (_, s, literal) => {
    expect(holdsLiteral(s, literal)).toBe(false);
  });

  test.each([
    ["user/password starting a token", "sqlplus app/s3cretpw @x.sql", "s3cretpw"],
    ["user/password at the end of the text", "impdp app/s3cretpw", "s3cretpw"],
    ["user/password quoted", "'app/s3cretpw'", "s3cretpw"],
    ["exp's userid=user/password", "exp userid=app/s3cretpw file=x.dmp", "s3cretpw"],
    ["a relative path, which may be user/password: fail closed", "conf/app/s3cretpw", "s3cretpw"],
    ["IDENTIFIED BY, a word after", "IDENTIFIED BY s3cretpw ACCOUNT UNLOCK", "s3cretpw"],
    ["identified by in lower case", "alter user app identified by s3cretpw account unlock", "s3cretpw"],
    ["a word before `;`", "add_user app s3cretpw; set_user_tags app", "s3cretpw"],
  ])("held: %s", (_, s, literal) => {
    expect(holdsLiteral(s, literal)).toBe(true);
  });
});
