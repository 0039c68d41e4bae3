/**
 * Red-team round 132, on findings that merge several policies' grants (agent-stored-secret's reads,
 * agent-overwrite-unprotected's writes outside the stack): an acknowledgement written for an AWS managed policy's ARN
 * covered them whenever one step named that policy, though a customer policy granted the rest (F1); the evidence named
 * only the first granting statement in input order, and the `resource` followed that order too (F3).
 */
import { tree } from "../helpers/files";
import { runIn } from "../helpers/cli";

const TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { Service: "lambda.amazonaws.com" },
      Action: "sts:AssumeRole",
    },
  ],
});
const doc = (...st: object[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement: st });
const SSM = "arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess";
const DDB = "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess";

/** An agent capped by a boundary allowing `bounded`, with `managed` attached and the inline policies given, in order. */
function stack(
  bounded: string[],
  managed: string | undefined,
  inline: [string, object][],
): string {
  return JSON.stringify({
    resource: {
      aws_iam_role: {
        agent: {
          name: "agent",
          path: "/agents/",
          assume_role_policy: TRUST,
          tags: { "blastwall:agent": "true" },
          permissions_boundary: "${aws_iam_policy.boundary.arn}",
        },
      },
      aws_iam_policy: {
        boundary: {
          name: "agent-boundary",
          policy: doc({ Effect: "Allow", Action: bounded, Resource: "*" }),
        },
      },
      ...(managed
        ? {
            aws_iam_role_policy_attachment: {
              managed: {
                role: "${aws_iam_role.agent.name}",
                policy_arn: managed,
              },
            },
          }
        : {}),
      ...(inline.length > 0
        ? {
            aws_iam_role_policy: Object.fromEntries(
              inline.map(([name, st]) => [
                name,
                { role: "${aws_iam_role.agent.id}", policy: doc(st) },
              ]),
            ),
          }
        : {}),
    },
  });
}

type Out = {
  ruleId: string;
  resource: string;
  message: string;
  fix: string;
  acknowledged?: object;
  evidence: {
    step: string;
    address: string;
    statements?: { policy: string; sid?: string }[];
  }[];
};

async function run(main: string, config: object, args: string[] = []) {
  const root = tree({
    "main.tf.json": main,
    "blastwall.json": JSON.stringify(config),
  });
  const r = await runIn(
    ["check", "--format", "json", ...args, "main.tf.json"],
    root,
  );
  return {
    code: r.code,
    findings: (JSON.parse(r.stdout) as { findings: Out[] }).findings,
  };
}

const READS = [
  "ssm:GetParameter",
  "ssm:GetParameters",
  "ssm:GetParametersByPath",
  "secretsmanager:GetSecretValue",
];
const ALL_SECRETS = {
  Sid: "AllSecrets",
  Effect: "Allow",
  Action: "secretsmanager:GetSecretValue",
  Resource: "*",
};
const ssmAck = {
  strict: true,
  acknowledgements: [
    {
      ruleId: "agent-stored-secret",
      principal: "aws_iam_role.agent",
      resource: SSM,
      reason: "SSM parameters of this account hold no credentials",
    },
  ],
};

describe("an acknowledgement of a managed policy's ARN on a merged finding (F1)", () => {
  it("a customer policy's GetSecretValue on * next to AmazonSSMReadOnlyAccess: the strict gate fails, and says the ARN covers only part", async () => {
    const { code, findings } = await run(
      stack(READS, SSM, [["secrets", ALL_SECRETS]]),
      ssmAck,
    );
    expect(code).toBe(1);
    const f = findings.find((x) => x.ruleId === "agent-stored-secret")!;
    expect(f.acknowledged).toBeUndefined();
    expect(f.message).toContain(
      `is written for ${SSM}, which grants only part of this finding: aws_iam_role_policy.secrets grants the rest`,
    );
  });

  it("control: the stack the reviewer acknowledged (the managed policy's reads alone) passes", async () => {
    const { code, findings } = await run(stack(READS, SSM, []), ssmAck);
    expect(code).toBe(0);
    expect(
      findings.find((x) => x.ruleId === "agent-stored-secret")!.acknowledged,
    ).toBeDefined();
  });

  it("agent-overwrite-unprotected: a customer s3:PutObject on * merged with AmazonDynamoDBFullAccess's writes is not acknowledged by the ARN", async () => {
    const ack = {
      acknowledgements: [
        {
          ruleId: "agent-overwrite-unprotected",
          principal: "aws_iam_role.agent",
          resource: DDB,
          reason: "the tables it writes all have point-in-time recovery",
        },
      ],
    };
    const writes = {
      Sid: "WriteAnyBucket",
      Effect: "Allow",
      Action: "s3:PutObject",
      Resource: "*",
    };
    const { findings } = await run(
      stack(["dynamodb:PutItem", "s3:PutObject"], DDB, [["writes", writes]]),
      ack,
    );
    const f = findings.find((x) => x.ruleId === "agent-overwrite-unprotected")!;
    expect(f.acknowledged).toBeUndefined();
    expect(f.message).toContain("aws_iam_role_policy.writes grants the rest");
    // Control: without the customer write, the managed policy's writes alone are covered.
    const alone = (
      await run(stack(["dynamodb:PutItem", "s3:PutObject"], DDB, []), ack)
    ).findings.find((x) => x.ruleId === "agent-overwrite-unprotected")!;
    expect(alone.acknowledged).toBeDefined();
  });
});

describe("merged findings name every granting statement, in an order the input does not set (F3)", () => {
  const a = {
    Sid: "Uploads",
    Effect: "Allow",
    Action: ["s3:PutObject", "ssm:GetParameter"],
    Resource: "*",
  };
  const b = {
    Sid: "Reports",
    Effect: "Allow",
    Action: ["s3:PutObject", "ssm:GetParameter"],
    Resource: "*",
  };
  const shape = (f: Out) => ({
    resource: f.resource,
    steps: f.evidence.map((e) => [
      e.step,
      e.address,
      (e.statements ?? []).map((s) => s.sid),
    ]),
  });
  const both = async (order: [string, object][]) => {
    const { findings } = await run(
      stack(["s3:PutObject", "ssm:GetParameter"], undefined, order),
      {},
    );
    return Object.fromEntries(
      findings
        .filter(
          (f) =>
            f.ruleId.startsWith("agent-stored") ||
            f.ruleId.startsWith("agent-overwrite"),
        )
        .map((f) => [f.ruleId, shape(f)]),
    );
  };

  it("the two policies in either order give the same steps and resource, and both statements are named", async () => {
    const v1 = await both([
      ["a", a],
      ["b", b],
    ]);
    const v2 = await both([
      ["b", b],
      ["a", a],
    ]);
    expect(v2).toEqual(v1);
    expect(v1["agent-stored-secret"].steps.flatMap((s) => s[2])).toEqual([
      "Uploads",
      "Reports",
    ]);
    expect(v1["agent-overwrite-unprotected"]).toMatchObject({
      resource: "aws_iam_role_policy.a",
    });
    expect(
      v1["agent-overwrite-unprotected"].steps.flatMap((s) => s[2]),
    ).toEqual(["Uploads", "Reports"]);
  });

  it("a managed policy's read next to a customer policy's: both named, and the fix detaches the one and scopes the other", async () => {
    const app = {
      Sid: "AppParams",
      Effect: "Allow",
      Action: "ssm:GetParameter",
      Resource: "arn:aws:ssm:eu-west-1:111111111111:parameter/app/*",
    };
    const { findings } = await run(stack(READS, SSM, [["work", app]]), {});
    const f = findings.find((x) => x.ruleId === "agent-stored-secret")!;
    const named = f.evidence.flatMap((e) =>
      (e.statements ?? []).map((s) => s.sid ?? s.policy),
    );
    expect(named).toEqual(expect.arrayContaining([SSM, "AppParams"]));
    expect(f.message).toContain("(the evidence names each granting statement)");
    expect(f.fix).toContain("Scope every read");
    expect(f.fix).toContain(`${SSM} is an AWS managed policy`);
  });
});
