/**
 * Resource policies that let the agent read a stored admin key on their own: a grant to one of its sessions (which
 * its permission boundary does not cap), a secret policy on a partial ARN, and a Lambda permission to read a
 * function whose environment holds the key.
 */
import { adminKeyStack, check, errors, policy } from "../helpers/tf";

type Obj = Record<string, unknown>;

const stack = adminKeyStack;

const reaches = (json: Obj) => errors(check(json), "agent-transitive-destroy");
const read = (principal: unknown) => policy({ Sid: "Read", Effect: "Allow", Principal: principal, Action: "secretsmanager:GetSecretValue", Resource: "*" });

function secret(secretArn: string, secretPolicy: string): Record<string, Obj> {
  return {
    "aws_secretsmanager_secret.deploy": { name: "deploy-key" },
    "aws_secretsmanager_secret_version.deploy": { secret_id: "${aws_secretsmanager_secret.deploy.id}", secret_string: "${aws_iam_access_key.admin.secret}" },
    "aws_secretsmanager_secret_policy.deploy": { secret_arn: secretArn, policy: secretPolicy },
  };
}

describe("a secret policy granting a session of the agent's role", () => {
  const boundary = { "aws_iam_policy.boundary": { name: "boundary", policy: policy({ Effect: "Allow", Action: ["logs:*"], Resource: "*" }) } };
  const capped = { permissions_boundary: "${aws_iam_policy.boundary.arn}" };
  const withGrantTo = (principal: string) => stack({ ...boundary, ...secret("${aws_secretsmanager_secret.deploy.arn}", read({ AWS: principal })) }, capped);

  test("is not capped by the role's permission boundary: the agent reads the admin's key", () => {
    const found = reaches(withGrantTo("arn:aws:sts::111111111111:assumed-role/agent/ci-run"));
    expect(found.map((f) => [f.principal, f.resource])).toEqual([["aws_iam_role.agent", "aws_iam_user.admin"]]);
  });

  test("the role name is compared ignoring case", () => {
    expect(reaches(withGrantTo("arn:aws:sts::111111111111:assumed-role/AGENT/ci-run"))).toHaveLength(1);
  });

  test("the control: a grant to the role ARN is capped", () => {
    expect(reaches(withGrantTo("arn:aws:iam::111111111111:role/agents/agent"))).toEqual([]);
    expect(reaches(withGrantTo("${aws_iam_role.agent.arn}"))).toEqual([]);
  });

  test("a session of another role is no grant to the agent at all", () => {
    expect(reaches(withGrantTo("arn:aws:sts::111111111111:assumed-role/ci/run"))).toEqual([]);
  });
});

describe("a secret policy on a partial ARN (no random suffix)", () => {
  test("names the secret of that name: the agent reads the admin's key", () => {
    const json = stack(secret("arn:aws:secretsmanager:us-east-1:111111111111:secret:deploy-key", read({ AWS: "${aws_iam_role.agent.arn}" })));
    expect(reaches(json).map((f) => f.resource)).toEqual(["aws_iam_user.admin"]);
  });

  test("the control: a partial ARN of another secret does not", () => {
    expect(reaches(stack(secret("arn:aws:secretsmanager:us-east-1:111111111111:secret:other", read({ AWS: "${aws_iam_role.agent.arn}" }))))).toEqual([]);
  });
});

describe("a Lambda permission on a function whose environment holds the admin's key", () => {
  const fn = (permission: Obj): Record<string, Obj> => ({
    "aws_lambda_function.f": {
      function_name: "handover",
      role: "arn:aws:iam::111111111111:role/lambda",
      handler: "index.handler",
      runtime: "nodejs20.x",
      filename: "f.zip",
      environment: [{ variables: { AWS_SECRET_ACCESS_KEY: "${aws_iam_access_key.admin.secret}" } }],
    },
    "aws_lambda_permission.p": { function_name: "${aws_lambda_function.f.function_name}", statement_id: "agentread", ...permission },
  });
  const grant = (over: Obj = {}) => reaches(stack(fn({ action: "lambda:GetFunction", principal: "${aws_iam_role.agent.arn}", ...over })));

  test("lambda:GetFunction to the agent reads the key: the agent reaches the admin", () => {
    const [f, ...more] = grant();
    expect(more).toEqual([]);
    expect(f).toMatchObject({ principal: "aws_iam_role.agent", resource: "aws_iam_user.admin" });
    expect(f.evidence.find((e) => e.step === "credential")?.detail).toMatch(/aws_lambda_permission\.p/);
  });

  test("lambda:GetFunctionConfiguration, a session ARN, everyone, or a function named by a literal name do too", () => {
    expect(grant({ action: "lambda:GetFunctionConfiguration" })).toHaveLength(1);
    expect(grant({ principal: "arn:aws:sts::111111111111:assumed-role/agent/ci-run" })).toHaveLength(1);
    expect(grant({ principal: "*" })).toHaveLength(1);
    expect(grant({ function_name: "handover" })).toHaveLength(1);
    expect(grant({ function_name: "arn:aws:lambda:us-east-1:111111111111:function:handover" })).toHaveLength(1);
  });

  test("a conditional permission still counts", () => {
    expect(grant({ source_account: "111111111111" })).toHaveLength(1);
  });

  test("what cannot be read exactly is read wide", () => {
    expect(grant({ action: "${var.action}" })).toHaveLength(1);
    expect(grant({ principal: "${var.who}" })).toHaveLength(1);
    expect(grant({ function_name: "${var.fn}" })).toHaveLength(1);
  });

  test("the controls: invoking reads nothing, an account id grants nothing on its own, a service is no agent", () => {
    expect(grant({ action: "lambda:InvokeFunction" })).toEqual([]);
    expect(grant({ principal: "111111111111" })).toEqual([]);
    expect(grant({ principal: "events.amazonaws.com" })).toEqual([]);
    expect(grant({ function_name: "other" })).toEqual([]);
  });
});
