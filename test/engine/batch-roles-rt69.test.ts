/**
 * Red-team round 69: JSON keys Go's encoding/json matches but `toLowerCase` does not. The provider decodes a Batch
 * job definition's documents with encoding/json, which folds names as bytes.EqualFold does (Unicode simple folding:
 * `ſ` U+017F is `s`, `K` U+212A is `k`, `ı` U+0131 is `i`), the last key winning. `{"taskRoleArn": harmless,
 * "taſkRoleArn": destroy}` ran as the destroy role while blastwall read the harmless one (a bypass).
 */
import { check, errors, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, HARMLESS, role, type Obj } from "../helpers/sessions";

const reached = (json: Obj) => errors(check(json), "agent-transitive-destroy").map((f) => f.resource).sort();
const flagged = (json: Obj) => errors(check(json), "agent-reach-unknown").length + reached(json).length > 0;

const QUEUE = "arn:aws:batch:us-east-1:111111111111:job-queue/q";
const ECS_TRUST = policy({ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" });
const jobDef = (props: Obj): Obj =>
  tf({
    ...agentCan({ Effect: "Allow", Action: "batch:SubmitJob", Resource: ["${aws_batch_job_definition.d.arn}", QUEUE] }),
    ...role("job", ECS_TRUST, HARMLESS),
    ...role("bad", ECS_TRUST, DESTROY),
    "aws_batch_job_definition.d": { name: "etl", ...props },
  });

const JOB = "${aws_iam_role.job.arn}";
const BAD = "${aws_iam_role.bad.arn}";
const ecs = (doc: string) => ({ type: "container", ecs_properties: doc });
const task = (fields: string) => `{"taskProperties":[{${fields},"containers":[{"name":"c","image":"x/y:1"}]}]}`;

describe("69. JSON keys Go folds to the field's name", () => {
  test("a long s or a Kelvin sign beside the plain key (the red team's bypasses)", () => {
    for (const doc of [
      task(`"taskRoleArn":"${JOB}","ta\u017fkRoleArn":"${BAD}"`),
      task(`"taskRoleArn":"${JOB}","tas\u212aRoleArn":"${BAD}"`),
      `{"taskProperties":[{"taskRoleArn":"${JOB}","containers":[{"name":"c","image":"x/y:1"}]}],"ta\u017fkProperties":[{"taskRoleArn":"${BAD}","containers":[{"name":"c","image":"x/y:1"}]}]}`,
    ]) {
      expect([doc, flagged(jobDef(ecs(doc)))]).toEqual([doc, true]);
    }
  });

  test("in a multi-node job's node ranges", () => {
    const ranges = `[{"targetNodes":"0:","container":{"image":"x/y:1","jobRoleArn":"${JOB}"}}]`;
    const bad = `[{"targetNodes":"0:","container":{"image":"x/y:1","jobRoleArn":"${BAD}"}}]`;
    for (const key of ["nodeRangePropertie\u017f", "nodeRangePropert\u0131es"]) {
      const doc = `{"mainNode":0,"numNodes":2,"nodeRangeProperties":${ranges},"${key}":${bad}}`;
      expect([key, flagged(jobDef({ type: "multinode", node_properties: doc }))]).toEqual([key, true]);
    }
  });

  test("a folded key alone is the field; one agreeing with the plain key is no alarm", () => {
    expect(reached(jobDef(ecs(task(`"ta\u017fkRoleArn":"${BAD}"`))))).toEqual(["aws_iam_role.bad"]);
    expect(reached(jobDef(ecs(task(`"taskRoleArn":"${BAD}"`))))).toEqual(["aws_iam_role.bad"]);
    expect(errors(check(jobDef(ecs(task(`"taskRoleArn":"${JOB}","ta\u017fkRoleArn":"${JOB}"`)))))).toEqual([]);
    expect(errors(check(jobDef(ecs(task(`"taskRoleArn":"${JOB}"`)))))).toEqual([]);
  });
});
