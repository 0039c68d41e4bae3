/**
 * Red-team round 69: JSON keys Go's encoding/json matches but `toLowerCase` does not. The provider decodes a Batch
 * job definition's documents with encoding/json, which folds names as bytes.EqualFold does (Unicode simple folding:
 * `ſ` U+017F is `s`, `K` U+212A is `k`, `ı` U+0131 is `i`), the last key winning. `{"taskRoleArn": harmless,
 * "taſkRoleArn": destroy}` ran as the destroy role while blastwall read the harmless one (a bypass).
 */
import { BAD, flagged, JOB, jobDef, reached } from "../helpers/batch";
import { check, errors } from "../helpers/tf";
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
