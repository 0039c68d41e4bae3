/**
 * A Bedrock flow's Storage node writes the flow's input to an S3 bucket as the flow's execution role, at the object
 * key the input names (rules/flow-storage-writes.ts): bedrock:InvokeFlow (or StartFlowExecution) on the flow is an
 * overwrite of that bucket where it keeps no earlier version, judged by agent-overwrite-unprotected; through a
 * principal the agent can act as, a chain.
 */
import { check, policy, tf } from "../helpers/tf";
import { agentCan, role, type Obj } from "../helpers/sessions";

const BEDROCK = policy({ Effect: "Allow", Principal: { Service: "bedrock.amazonaws.com" }, Action: "sts:AssumeRole" });
const allow = (action: string | string[], resource: unknown) => ({ Sid: "RunFlow", Effect: "Allow", Action: action, Resource: resource });
const deny = (action: string | string[], resource: unknown) => ({ Effect: "Deny", Action: action, Resource: resource });
const puts = (resource: string) => policy({ Effect: "Allow", Action: "s3:PutObject", Resource: resource });

const INPUT = { name: "In", type: "Input", configuration: [{ input: [{}] }], output: [{ name: "document", type: "Object" }] };
const storage = (bucket: string, name = "Save", type: unknown = "Storage") => ({
  name,
  type,
  configuration: [{ storage: [{ service_configuration: [{ s3: [{ bucket_name: bucket }] }] }] }],
  input: [
    { name: "content", type: "String", expression: "$.data.content" },
    { name: "objectKey", type: "String", expression: "$.data.key" },
  ],
});
const SAVE = storage("${aws_s3_bucket.reports.bucket}");
const loop = (definition: unknown, name = "Each") => ({ name, type: "Loop", configuration: [{ loop: [{ definition }] }] });
const PROMPT = { name: "P", type: "Prompt", configuration: [{ prompt: [{ source_configuration: [{ resource: [{ prompt_arn: "arn:aws:bedrock:us-east-1:111111111111:prompt/X" }] }] }] }] };

const flow = (definition: unknown, roleArn: unknown = "${aws_iam_role.flow.arn}"): Obj => ({
  "aws_bedrockagent_flow.archive": { name: "archive", execution_role_arn: roleArn, definition },
});
const nodes = (...n: unknown[]) => [{ node: [INPUT, ...n], connection: [] }];

/** An agent with `statements`, a flow role that may put `rolePuts`, the bucket `prod-reports`, and `extra`. */
const PINNED = { provider: { aws: [{ region: "us-east-1" }] } };
const stack = (statements: Obj[], extra: Obj, rolePuts = "${aws_s3_bucket.reports.arn}/*"): Obj =>
  tf(
    {
      ...agentCan(...statements),
      ...role("flow", BEDROCK, puts(rolePuts)),
      "aws_s3_bucket.reports": { bucket: "prod-reports" },
      ...extra,
    },
    PINNED,
  );
const overwrites = (json: Obj, strict = false) => check(json, {}, { strict }).findings.filter((f) => f.ruleId === "agent-overwrite-unprotected");
const graded = (json: Obj) => overwrites(json).map((f) => [f.severity, f.evidence.at(-1)?.address]);
const ERROR = [["error", "aws_s3_bucket.reports"]];
const RUN = allow("bedrock:InvokeFlow", "${aws_bedrockagent_flow.archive.arn}/alias/*");

describe("agent-overwrite-unprotected: a flow's Storage node writes for whoever runs the flow", () => {
  test("InvokeFlow on the flow whose Storage node writes an unversioned bucket: an error naming the flow, node, bucket, right and statement", () => {
    const [f, ...rest] = overwrites(stack([RUN], flow(nodes(SAVE))));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ severity: "error", principal: "aws_iam_role.agent", resource: "aws_iam_role_policy.agent", actions: ["bedrock:InvokeFlow"] });
    expect(f.message).toContain("can overwrite what aws_s3_bucket.reports holds, which keeps no object versions");
    expect(f.message).toContain('(bedrock:InvokeFlow; granted by aws_iam_role_policy.agent statement Sid "RunFlow" (#0); bedrock:InvokeFlow there is a write:');
    expect(f.message).toContain(
      "flow aws_bedrockagent_flow.archive's Storage node Save writes the flow's input to bucket prod-reports as its execution role aws_iam_role.flow, at the object key the input names",
    );
    expect(f.evidence.map((e) => [e.step, e.address])).toEqual([
      ["principal", "aws_iam_role.agent"],
      ["statement", "aws_iam_role_policy.agent"],
      ["resource", "aws_bedrockagent_flow.archive"],
      ["resource", "aws_s3_bucket.reports"],
    ]);
    expect(f.fix).toContain("take the agent's bedrock:InvokeFlow and bedrock:StartFlowExecution off that flow and its aliases, or take s3:PutObject on the bucket off the flow's execution role");
  });

  test("StartFlowExecution on any flow, and the role's s3:PutObject on *, are the same write", () => {
    expect(graded(stack([allow("bedrock:StartFlowExecution", "*")], flow(nodes(SAVE))))).toEqual(ERROR);
    expect(graded(stack([allow("bedrock:InvokeFlow", "arn:aws:bedrock:us-east-1:111111111111:flow/*")], flow(nodes(SAVE)), "*"))).toEqual(ERROR);
  });

  test("fail closed: a role blastwall cannot resolve writes the bucket", () => {
    const [f] = overwrites(stack([RUN], flow(nodes(SAVE), "${var.flow_role}")));
    expect(f.severity).toBe("error");
    expect(f.message).toContain("as an execution role blastwall cannot resolve, read as one that may write it");
  });

  test("a Storage node inside a Loop node's definition writes as well, named with its loop", () => {
    const [f] = overwrites(stack([RUN], flow(nodes(loop([{ node: [SAVE], connection: [] }])))));
    expect(f.severity).toBe("error");
    expect(f.message).toContain("Storage node Save (in Loop node Each) writes the flow's input to bucket prod-reports");
  });

  test("fail closed: a definition, a loop's definition, a node's type or its storage block blastwall cannot read may write any bucket its role may write", () => {
    for (const definition of ["${jsondecode(var.definition)}", nodes(loop("${var.body}")), nodes(storage("${aws_s3_bucket.reports.bucket}", "Save", "${var.kind}")), nodes({ ...SAVE, configuration: [{ storage: "${var.storage}" }] })]) {
      expect(graded(stack([RUN], flow(definition)))).toEqual(ERROR);
    }
    expect(overwrites(stack([RUN], flow("${jsondecode(var.definition)}")))[0].message).toContain("a definition blastwall cannot read writes the flow's input to any bucket its role may write");
  });

  test("a bucket outside the stack: a warning (an error under --strict) naming the flow", () => {
    const json = stack([RUN], flow(nodes(storage("elsewhere"))), "*");
    const [f] = overwrites(json);
    expect(f.severity).toBe("warning");
    expect(f.message).toContain("overwrite data in stores outside this stack (bedrock:InvokeFlow on arn:aws:s3:::elsewhere/*)");
    expect(f.message).toContain("flow aws_bedrockagent_flow.archive's Storage node Save writes the flow's input to bucket elsewhere");
    expect(overwrites(json, true)[0].severity).toBe("error");
  });

  test("a Deny of the flow alone leaves its aliases open: still an error", () => {
    expect(graded(stack([allow("bedrock:InvokeFlow", "*"), deny("bedrock:InvokeFlow", "${aws_bedrockagent_flow.archive.arn}")], flow(nodes(SAVE))))).toEqual(ERROR);
  });

  test("controls: a versioned bucket, a role that may not write it, another flow, a Deny of the agent's own, no Storage node, no flow right", () => {
    const versioned = { "aws_s3_bucket_versioning.reports": { bucket: "${aws_s3_bucket.reports.id}", versioning_configuration: [{ status: "Enabled" }] } };
    expect(overwrites(stack([RUN], { ...flow(nodes(SAVE)), ...versioned }))).toEqual([]);
    expect(overwrites(stack([RUN], flow(nodes(SAVE)), "arn:aws:s3:::scratch/*"))).toEqual([]);
    // Inside a loop too: the role decides.
    expect(overwrites(stack([RUN], flow(nodes(loop([{ node: [SAVE] }]))), "arn:aws:s3:::scratch/*"))).toEqual([]);
    const other = { "aws_bedrockagent_flow.other": { name: "other", execution_role_arn: "${aws_iam_role.flow.arn}" } };
    expect(overwrites(stack([allow("bedrock:InvokeFlow", "${aws_bedrockagent_flow.other.arn}/alias/*")], { ...flow(nodes(SAVE)), ...other }))).toEqual([]);
    // A Deny on the flows (in the partition the provider's region puts them in), or by reference on the flow and its aliases.
    expect(overwrites(stack([allow("bedrock:InvokeFlow", "*"), deny("bedrock:InvokeFlow", "arn:aws:bedrock:*:*:flow/*")], flow(nodes(SAVE))))).toEqual([]);
    expect(overwrites(stack([RUN, deny("bedrock:InvokeFlow", ["${aws_bedrockagent_flow.archive.arn}", "${aws_bedrockagent_flow.archive.arn}/alias/*"])], flow(nodes(SAVE))))).toEqual([]);
    expect(overwrites(stack([allow("bedrock:InvokeFlow", "*")], flow(nodes(PROMPT, loop([{ node: [PROMPT] }])))))).toEqual([]);
    expect(overwrites(stack([allow("bedrock:InvokeModel", "*")], flow(nodes(SAVE))))).toEqual([]);
  });

  test("through a role the agent can assume: a chain naming the flow", () => {
    const json = tf({
      ...agentCan({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.runner.arn}" }),
      ...role("runner", policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "sts:AssumeRole" }), policy(RUN)),
      ...role("flow", BEDROCK, puts("${aws_s3_bucket.reports.arn}/*")),
      "aws_s3_bucket.reports": { bucket: "prod-reports" },
      ...flow(nodes(SAVE)),
    });
    const chains = check(json).findings.filter((f) => f.ruleId !== "agent-overwrite-unprotected" && f.message.includes("can overwrite what aws_s3_bucket.reports holds"));
    expect(chains.map((f) => [f.ruleId, f.severity])).toEqual([["agent-transitive-destroy", "error"]]);
    expect(chains[0].evidence.map((e) => e.address)).toContain("aws_bedrockagent_flow.archive");
  });
});
