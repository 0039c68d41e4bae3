/**
 * Red-team round 132, F5 and F6: a resource policy built from a data document named the bucket policy in the text and
 * the data document in `statements`; an SQS queue policy's unresolved `Resource` reference was shown as `*`.
 */
import { tree } from "../helpers/files";
import { runIn } from "../helpers/cli";

const STACK = {
  resource: {
    aws_iam_role: {
      agent: {
        name: "agent",
        assume_role_policy:
          '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}',
        tags: {
          "blastwall:agent": "true",
        },
      },
    },
    aws_s3_bucket: {
      data: {
        bucket: "acme-data",
        lifecycle: {
          prevent_destroy: true,
        },
      },
    },
    aws_s3_bucket_versioning: {
      data: {
        bucket: "${aws_s3_bucket.data.id}",
        versioning_configuration: {
          status: "Enabled",
        },
      },
    },
    aws_s3_bucket_policy: {
      data: {
        bucket: "${aws_s3_bucket.data.id}",
        policy: "${data.aws_iam_policy_document.bp.json}",
      },
    },
    aws_sqs_queue: {
      q: {
        name: "q",
      },
    },
    aws_sqs_queue_policy: {
      q: {
        queue_url: "${aws_sqs_queue.q.id}",
        policy:
          '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"${aws_iam_role.agent.arn}"},"Action":"sqs:DeleteQueue","Resource":"${aws_sqs_queue.q.arn}"}]}',
      },
    },
  },
  data: {
    aws_iam_policy_document: {
      bp: {
        statement: [
          {
            sid: "TLS",
            effect: "Deny",
            actions: ["s3:*"],
            resources: ["${aws_s3_bucket.data.arn}/*"],
            principals: [
              {
                type: "*",
                identifiers: ["*"],
              },
            ],
            condition: [
              {
                test: "Bool",
                variable: "aws:SecureTransport",
                values: ["false"],
              },
            ],
          },
          {
            sid: "AgentWipe",
            actions: ["s3:DeleteObject", "s3:PutBucketVersioning"],
            resources: [
              "${aws_s3_bucket.data.arn}",
              "${aws_s3_bucket.data.arn}/*",
            ],
            principals: [
              {
                type: "AWS",
                identifiers: ["${aws_iam_role.agent.arn}"],
              },
            ],
          },
        ],
      },
    },
  },
};

type Step = {
  step: string;
  address: string;
  detail: string;
  statements?: { policy: string; sid?: string; index: number; digest?: string }[];
};

// What the statement says, hashed (lib/engine/statement-digest.ts).
const DIGEST = expect.stringMatching(/^[0-9a-f]{32}$/);

async function steps(stack: object): Promise<Step[]> {
  const root = tree({
    "main.tf.json": JSON.stringify(stack),
    "blastwall.json": "{}",
  });
  const out = JSON.parse(
    (await runIn(["check", "--format", "json", "main.tf.json"], root)).stdout,
  ) as { findings: { ruleId: string; evidence: Step[] }[] };
  return out.findings
    .filter((f) => f.ruleId === "resource-policy-grant")
    .flatMap((f) => f.evidence.filter((e) => e.step === "resource-policy"));
}

describe("resource-policy-grant names the policy its statements name", () => {
  it("a bucket policy built from a data document: the text names the document as `statements` does", async () => {
    const bucket = (await steps(STACK)).find(
      (e) => e.address === "aws_s3_bucket_policy.data",
    )!;
    expect(bucket.statements).toEqual([
      { policy: "data.aws_iam_policy_document.bp", sid: "AgentWipe", index: 1, digest: DIGEST },
    ]);
    expect(bucket.detail).toContain(
      'aws_s3_bucket_policy.data (data.aws_iam_policy_document.bp statement Sid "AgentWipe" (#1)): Allow s3:DeleteObject',
    );
  });

  it("control: a policy written in the resource itself names only the resource; its unresolved Resource is shown as written", async () => {
    const queue = (await steps(STACK)).find(
      (e) => e.address === "aws_sqs_queue_policy.q",
    )!;
    expect(queue.statements).toEqual([
      { policy: "aws_sqs_queue_policy.q", index: 0, digest: DIGEST },
    ]);
    expect(queue.detail).toBe(
      "aws_sqs_queue_policy.q statement #0: Allow sqs:DeleteQueue on ${aws_sqs_queue.q.arn} (unresolved, read as *)",
    );
  });
});
