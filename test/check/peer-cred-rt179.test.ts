/**
 * Red-team round 179, F1: in one run of two stacks, stack beta stores the secret access key of a user that may delete
 * every bucket in an SSM parameter or a Secrets Manager secret, and stack alpha's agent may read that store. In AWS
 * the agent reads the key and signs requests as the user. The run gave only alpha's "stored secrets outside this
 * stack" warning (exit 0), where the same resources in one stack give agent-transitive-destroy. The agent's entry
 * now carries its reads of stored secrets, and beta ties them to the key its store holds.
 */
import type { Report } from "../../lib/report/types";
import { errors, policy, tf } from "../helpers/tf";
import { agentStack, runStacks } from "./peer-helpers";

type Obj = Record<string, unknown>;
const ACCOUNT = "111122223333";
const PARAM = `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/beta/ci-secret`;
const provider: Obj = {
  provider: { aws: [{ region: "us-east-1", allowed_account_ids: [ACCOUNT] }] },
};

const allow = (action: string, resource: string): Obj => ({
  Effect: "Allow",
  Action: action,
  Resource: resource,
});

/** Alpha: an agent (path /agents/) whose one inline policy holds the statements given, and more resources. */
function alpha(statements: Obj[], more: Record<string, Obj> = {}): Obj {
  return agentStack(statements, provider, more);
}

/** Beta: user `ci`, which may delete every bucket, its access key, and the store given (holding the key, or not). */
function beta(
  store: "parameter" | "secret",
  value = "${aws_iam_access_key.k.secret}",
): Obj {
  const stores: Record<string, Obj> =
    store === "parameter"
      ? {
          "aws_ssm_parameter.key": {
            name: "/beta/ci-secret",
            type: "SecureString",
            value,
          },
        }
      : {
          "aws_secretsmanager_secret.s": { name: "beta/ci" },
          "aws_secretsmanager_secret_version.v": {
            secret_id: "${aws_secretsmanager_secret.s.id}",
            secret_string: value,
          },
        };
  return tf(
    {
      "aws_iam_user.ci": { name: "ci" },
      "aws_iam_user_policy.c": {
        user: "${aws_iam_user.ci.name}",
        policy: policy(allow("s3:DeleteBucket", "*")),
      },
      "aws_iam_access_key.k": { user: "${aws_iam_user.ci.name}" },
      ...stores,
    },
    provider,
  );
}

const run = runStacks;
const inBeta = (r: Report) =>
  errors(r, "agent-transitive-destroy").filter((f) =>
    f.file.includes("/beta/"),
  );
const pathOf = (r: Report) =>
  inBeta(r)
    .flatMap((f) => f.evidence.map((e) => e.detail))
    .join("\n");

describe("another stack's agent that may read a stored access key", () => {
  test.each([
    [
      "ssm:GetParameter on the parameter's path (c27)",
      "parameter",
      allow(
        "ssm:GetParameter",
        `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/beta/*`,
      ),
    ],
    [
      "ssm:GetParameter on the parameter's exact ARN (c28)",
      "parameter",
      allow("ssm:GetParameter", PARAM),
    ],
    [
      "ssm:GetParametersByPath on its folder",
      "parameter",
      allow(
        "ssm:GetParametersByPath",
        `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/beta`,
      ),
    ],
    [
      "secretsmanager:GetSecretValue on the secret's name (c29)",
      "secret",
      allow(
        "secretsmanager:GetSecretValue",
        `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:beta/*`,
      ),
    ],
    ["a read on `*`", "secret", allow("secretsmanager:GetSecretValue", "*")],
  ] as const)(
    "%s: beta reports agent-transitive-destroy through the store, naming alpha's grant",
    (_, store, statement) => {
      const r = run(["alpha", alpha([statement])], ["beta", beta(store)]);
      expect(inBeta(r).map((f) => f.resource)).toEqual(["aws_iam_user.ci"]);
      const text = pathOf(r);
      expect(text).toContain("aws_iam_role.agent of stack alpha");
      expect(text).toContain(
        "aws_iam_role_policy.p of stack alpha statement #0",
      );
      expect(text).toContain("access key of aws_iam_user.ci");
    },
  );

  test("a principal the agent acts as (a role it may assume in its own stack) that reads the store: reported too", () => {
    const helper = {
      "aws_iam_role.helper": {
        name: "helper",
        assume_role_policy: policy({
          Effect: "Allow",
          Principal: { AWS: "${aws_iam_role.agent.arn}" },
          Action: "sts:AssumeRole",
        }),
      },
      "aws_iam_role_policy.h": {
        role: "${aws_iam_role.helper.name}",
        policy: policy(allow("ssm:GetParameter", PARAM)),
      },
    };
    const r = run(
      [
        "alpha",
        alpha([allow("sts:AssumeRole", "${aws_iam_role.helper.arn}")], helper),
      ],
      ["beta", beta("parameter")],
    );
    expect(inBeta(r).map((f) => f.resource)).toEqual(["aws_iam_user.ci"]);
    expect(pathOf(r)).toContain("aws_iam_role_policy.h of stack alpha");
  });
});

describe("controls: no path, no finding in beta", () => {
  test("a read of another parameter's ARN", () => {
    expect(
      inBeta(
        run(
          [
            "alpha",
            alpha([
              allow(
                "ssm:GetParameter",
                `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/beta/other`,
              ),
            ]),
          ],
          ["beta", beta("parameter")],
        ),
      ),
    ).toEqual([]);
  });

  test("a read of another secret's name", () => {
    expect(
      inBeta(
        run(
          [
            "alpha",
            alpha([
              allow(
                "secretsmanager:GetSecretValue",
                `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:gamma/*`,
              ),
            ]),
          ],
          ["beta", beta("secret")],
        ),
      ),
    ).toEqual([]);
  });

  test("a store that holds no key", () => {
    expect(
      inBeta(
        run(
          ["alpha", alpha([allow("ssm:GetParameter", PARAM)])],
          ["beta", beta("parameter", "not-a-credential")],
        ),
      ),
    ).toEqual([]);
  });

  test("a Deny of the agent's own that certainly refuses the read", () => {
    const deny = {
      Effect: "Deny",
      Action: "ssm:GetParameter*",
      Resource: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/beta/*`,
    };
    expect(
      inBeta(
        run(
          ["alpha", alpha([allow("ssm:GetParameter", PARAM), deny])],
          ["beta", beta("parameter")],
        ),
      ),
    ).toEqual([]);
  });

  test.each([
    [
      "ssm:GetParameter",
      "parameter",
      {
        Effect: "Deny",
        Action: "ssm:*",
        Resource: `arn:aws:ssm:*:${ACCOUNT}:parameter/beta/*`,
      },
    ],
    [
      "secretsmanager:GetSecretValue",
      "secret",
      {
        Effect: "Deny",
        Action: "secretsmanager:GetSecretValue",
        NotResource: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:alpha/*`,
      },
    ],
  ] as const)(
    "a read of %s on `*` beside a Deny of the agent's own that certainly refuses the store (which the Deny does not take from `*` as a whole)",
    (action, store, deny) => {
      expect(
        inBeta(
          run(
            ["alpha", alpha([allow(action, "*"), deny])],
            ["beta", beta(store)],
          ),
        ),
      ).toEqual([]);
    },
  );

  test("...but a Deny with a condition that may not hold, or of another store, refuses nothing here", () => {
    const conditional = {
      Effect: "Deny",
      Action: "ssm:GetParameter",
      Resource: "*",
      Condition: { StringEquals: { "aws:RequestedRegion": "eu-west-1" } },
    };
    const other = {
      Effect: "Deny",
      Action: "ssm:GetParameter",
      Resource: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/gamma/*`,
    };
    for (const deny of [conditional, other]) {
      expect(
        inBeta(
          run(
            ["alpha", alpha([allow("ssm:GetParameter", "*"), deny])],
            ["beta", beta("parameter")],
          ),
        ).map((f) => f.resource),
      ).toEqual(["aws_iam_user.ci"]);
    }
  });

  test("no read at all (a read of something else)", () => {
    expect(
      inBeta(
        run(
          ["alpha", alpha([allow("s3:GetObject", "*")])],
          ["beta", beta("parameter")],
        ),
      ),
    ).toEqual([]);
  });

  test("each stack alone (the synth-time gate) is judged as before: beta names no agent", () => {
    expect(inBeta(run(["beta", beta("parameter")]))).toEqual([]);
  });
});
