/**
 * Red-team round 84: `rds-db:connect` on `dbuser:*\/app`, where `app` is the master user of a database of the stack with
 * IAM database authentication, was a warning ("whether that user can drop data is decided by grants the engine cannot
 * see"), while reading the same database's master password is an error. The master user owns every database there and
 * can drop them: the statement is an error, and says why. Other users stay warnings, as the catalogue grades them.
 */
import { agentRole, check, policy, tf } from "../helpers/tf";
import { dir } from "../hcl/helpers";
import { checkPaths } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import type { Finding } from "../../lib/engine/findings";

type Obj = Record<string, unknown>;

const ARN = "arn:aws:rds-db:eu-central-1:111111111111:dbuser";

function stack(resource: string, database: Obj = {}, extra: Obj = {}, dbType = "aws_db_instance"): Obj {
  const db =
    dbType === "aws_db_instance"
      ? { identifier: "orders-prod", engine: "postgres", instance_class: "db.t3.medium", username: "app", manage_master_user_password: true, iam_database_authentication_enabled: true, deletion_protection: true, ...database }
      : { cluster_identifier: "orders", engine: "aurora-postgresql", master_username: "app", manage_master_user_password: true, iam_database_authentication_enabled: true, ...database };
  return tf(
    {
      "aws_iam_role.agent": agentRole(),
      "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: ["rds-db:connect"], Resource: resource }) },
      [`${dbType}.main`]: db,
    },
    extra,
  );
}

const connect = (json: Obj): Finding[] => check(json).findings.filter((f) => f.ruleId === "agent-destroy-right" && f.actions.includes("rds-db:connect"));

const MASTER = /on \S+ it logs in as app, the master user of aws_db_instance\.main, which owns every database there and can drop them; neither deletion protection nor prevent_destroy stops a SQL DROP/;

describe("rds-db:connect as the master user", () => {
  it.each([
    ["the master user by name", `${ARN}:*/app`],
    ["every user of every database", `${ARN}:*/*`],
    ["*", "*"],
    ["a reference to the database's resource id", "arn:aws:rds-db:eu-central-1:111111111111:dbuser:${aws_db_instance.main.resource_id}/app"],
  ])("is an error: %s", (_name, resource) => {
    const [f, ...more] = connect(stack(resource));
    expect(more).toEqual([]);
    expect(f.severity).toBe("error");
    expect(f.message).toMatch(MASTER);
    expect(f.evidence[f.evidence.length - 1].detail).not.toContain("grants the engine cannot see");
    expect(f.fix).toMatch(/^Scope the statement's rds-db:connect resource to a database user of the agent's own/);
  });

  test("a cluster's master_username counts too", () => {
    const [f] = connect(stack(`${ARN}:*/*`, {}, {}, "aws_rds_cluster"));
    expect(f.severity).toBe("error");
    expect(f.message).toContain("logs in as app, the master user of aws_rds_cluster.main");
  });

  test("a master username from a variable without a value, on a wildcard user, fails closed and says why", () => {
    const [f] = connect(stack(`${ARN}:*/*`, { username: "${var.db_user}" }, { variable: { db_user: { type: "string" } } }));
    expect(f.severity).toBe("error");
    expect(f.message).toContain("may log in as the master user of aws_db_instance.main (its master username is ${var.db_user}, which blastwall cannot read, and");
  });

  test("a master username from a variable's default is read", () => {
    const json = stack(`${ARN}:*/app`, { username: "${var.db_user}" }, { variable: { db_user: { type: "string", default: "app" } } });
    expect(connect(json).map((f) => f.severity)).toEqual(["error"]);
  });

  test("IAM authentication from a variable without a value may be on", () => {
    const [f] = connect(stack(`${ARN}:*/app`, { iam_database_authentication_enabled: "${var.iam}" }, { variable: { iam: { type: "bool" } } }));
    expect(f.severity).toBe("error");
    expect(f.message).toContain("iam_database_authentication_enabled is ${var.iam}, which blastwall cannot read, so it may be on");
  });

  describe("controls: stay the catalogue's warning", () => {
    it.each([
      ["another user", stack(`${ARN}:*/readonly`)],
      ["a user whose name ends like the master's", stack(`${ARN}:*/readonly_app`)],
      ["a database without IAM authentication", stack(`${ARN}:*/*`, { iam_database_authentication_enabled: false })],
      ["IAM authentication left out", stack(`${ARN}:*/*`, { iam_database_authentication_enabled: undefined })],
      ["IAM authentication off by a variable's default", stack(`${ARN}:*/*`, { iam_database_authentication_enabled: "${var.iam}" }, { variable: { iam: { type: "bool", default: false } } })],
      ["a named user against an unknown master username", stack(`${ARN}:*/readonly`, { username: "${var.db_user}" }, { variable: { db_user: { type: "string" } } })],
      ["no database in the stack", tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "rds-db:connect", Resource: `${ARN}:*/*` }) } })],
    ])("%s", (_name, json) => {
      const [f, ...more] = connect(json);
      expect(more).toEqual([]);
      expect(f.severity).toBe("warning");
      expect(f.message).not.toContain("master user");
      expect(f.evidence[f.evidence.length - 1].detail).toContain("whether that user can drop data is decided by grants the engine cannot see");
    });

    test("a reference to another database's resource id reaches only that one", () => {
      const json = stack("arn:aws:rds-db:eu-central-1:111111111111:dbuser:${aws_db_instance.other.resource_id}/*");
      (json.resource as Record<string, Record<string, Obj>>).aws_db_instance.other = { identifier: "other", engine: "postgres", instance_class: "db.t3.micro", username: "app" };
      expect(connect(json).map((f) => f.severity)).toEqual(["warning"]);
    });
  });

  test("HCL: the red team's stack fails the gate, and names the master user", async () => {
    const d = dir({
      "main.tf": `resource "aws_iam_role" "agent" {
  name               = "ai-ops-agent"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::111111111111:role/runner" } }] })
  tags               = { "blastwall:agent" = "true" }
}
resource "aws_db_instance" "main" {
  identifier                          = "orders-prod"
  engine                              = "postgres"
  instance_class                      = "db.t3.medium"
  username                            = "app"
  manage_master_user_password         = true
  iam_database_authentication_enabled = true
  deletion_protection                 = true
  lifecycle { prevent_destroy = true }
}
resource "aws_iam_role_policy" "agent" {
  role   = aws_iam_role.agent.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["rds-db:connect"], Resource = "arn:aws:rds-db:eu-central-1:111111111111:dbuser:\${aws_db_instance.main.resource_id}/app" }] })
}
`,
    });
    const r = await checkPaths([d], { config: {}, rules: agentRules });
    const [f] = r.findings.filter((x) => x.ruleId === "agent-destroy-right");
    expect(f.severity).toBe("error");
    expect(f.message).toMatch(MASTER);
  });
});

test("86. a database of a module named by its output: only that database's master user counts", async () => {
  const db = (name: string, user: string) =>
    `resource "aws_db_instance" "${name}" {\n  identifier = "${name}"\n  engine = "postgres"\n  instance_class = "db.t3.micro"\n  username = "${user}"\n  manage_master_user_password = true\n  iam_database_authentication_enabled = true\n}\n`;
  const root = (user: string) => `resource "aws_iam_role" "agent" {
  name               = "agent"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::111111111111:role/runner" } }] })
  tags               = { "blastwall:agent" = "true" }
}
${db("root", "app")}
module "m" {
  source = "./m"
}
resource "aws_iam_role_policy" "agent" {
  role   = aws_iam_role.agent.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "rds-db:connect", Resource = "${ARN}:\${module.m.rid}/${user}" }] })
}
`;
  const severityFor = async (user: string) => {
    const d = dir({ "main.tf": root(user), "m/main.tf": `${db("main", "other")}output "rid" {\n  value = aws_db_instance.main.resource_id\n}\n` });
    const found = (await checkPaths([d], { config: {}, rules: agentRules })).findings.filter((f) => f.ruleId === "agent-destroy-right");
    return found.map((f) => f.severity);
  };
  // `app` is the root database's master, not the module's: the statement names the module's database only.
  expect(await severityFor("app")).toEqual(["warning"]);
  expect(await severityFor("other")).toEqual(["error"]);
});
