/**
 * Red-team round 107, F3: a short literal master password that is an English word (`password`, `changeme`) matched
 * that word in prose ("the password is in Secrets Manager") and in paths (`/app/db/password`). A short literal now
 * counts only where text gives it as a credential; a long one still counts anywhere.
 */
import { agentRole, check, policy, tf } from "../helpers/tf";
import { holdsLiteral } from "../../lib/engine/reach/database-passwords";

type Obj = Record<string, unknown>;
const ID = "credential-in-configuration";
const where = (json: Obj) => check(json).findings.filter((f) => f.ruleId === ID).map((f) => `${f.resource} ${f.message.match(/in its (\w+) argument/)?.[1]}`);

const agent = {
  "aws_iam_role.agent": agentRole(),
  "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: ["ssm:ListTagsForResource", "ssm:DescribeParameters"], Resource: "*" }) },
};
const db = (password: string, parameter: Obj) =>
  tf({ ...agent, "aws_db_instance.orders": { identifier: "orders", engine: "postgres", instance_class: "db.t4g.micro", username: "app", password }, "aws_ssm_parameter.p": { name: "/orders/endpoint", type: "String", value: "${aws_db_instance.orders.address}", ...parameter } });

describe("F3: a short literal password counts where text gives it as a credential, not as a word", () => {
  test("the word in a sentence or a path is not the password", () => {
    expect(where(db("password", { description: "Endpoint only; the password is in Secrets Manager" }))).toEqual([]);
    expect(where(db("password", { name: "/app/db/password" }))).toEqual([]);
    expect(where(db("changeme", { description: "Rotate: changeme is the default of the module, never deployed", tags: { note: "we changeme nothing" } }))).toEqual([]);
  });

  test("the password given as a credential: whole value, quoted, an assignment, after a password key, in a URL, alone on a line", () => {
    expect(where(db("password", { description: "password" }))).toEqual(["aws_ssm_parameter.p description"]);
    expect(where(db("changeme", { description: '${jsonencode({ user = "app", password = "changeme" })}' }))).toEqual(["aws_ssm_parameter.p description"]);
    expect(where(db("changeme", { description: "Server=orders;User Id=app;Password=changeme;" }))).toEqual(["aws_ssm_parameter.p description"]);
    expect(where(db("changeme", { description: "db_password: changeme" }))).toEqual(["aws_ssm_parameter.p description"]);
    expect(where(db("changeme", { description: "psql --password changeme" }))).toEqual(["aws_ssm_parameter.p description"]);
    expect(where(db("password", { description: "postgres://app:password@orders.internal/orders" }))).toEqual(["aws_ssm_parameter.p description"]);
    expect(where(db("changeme", { description: "user app\nchangeme\n" }))).toEqual(["aws_ssm_parameter.p description"]);
  });

  test("a long literal still counts inside a sentence", () => {
    expect(where(db("correct-horse-battery-staple", { description: "the password is correct-horse-battery-staple for now" }))).toEqual(["aws_ssm_parameter.p description"]);
  });

  test("in a store the agent reads: agent-database-password only for the password given as one", () => {
    const stored = (value: string) => {
      const json = db("password", { type: "SecureString", value });
      ((json.resource as Obj).aws_iam_role_policy as Record<string, Obj>).agent.policy = policy({ Effect: "Allow", Action: "ssm:GetParameter", Resource: "*" });
      return check(json).findings.filter((f) => f.ruleId === "agent-database-password").map((f) => f.resource);
    };
    expect(stored("the password is in Secrets Manager")).toEqual([]);
    expect(stored("PGPASSWORD=password")).toEqual(["aws_db_instance.orders"]);
  });

  test("holdsLiteral: an encoded JSON string, and a word that only starts like the password", () => {
    expect(holdsLiteral('{\\"password\\":\\"changeme\\"}', "changeme")).toBe(true);
    expect(holdsLiteral("password: changeme2", "changeme")).toBe(false);
    expect(holdsLiteral("the password: see the vault", "password")).toBe(false);
  });
});
