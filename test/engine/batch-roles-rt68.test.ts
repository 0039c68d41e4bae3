/**
 * Red-team round 68, the role a Batch job definition runs as:
 * - Multi-node ranges: a range with no job role beside one with a harmless role, and a range whose role is in
 *   `ecsProperties.taskProperties[].taskRoleArn`, read as the harmless role alone (a bypass). Every range counts, and
 *   each is read in its `container`, `ecsProperties` and `eksProperties` (a service account: the cluster decides); a
 *   range with no job role runs as the compute environment's instance role, as a container job without one does.
 * - JSON keys differing only in case (`jobRoleArn`, `JobRoleArn`): the provider decodes these documents with Go's
 *   encoding/json, which matches field names without case and keeps the last, so the second one is the job role.
 */
import { BAD, flagged, JOB, jobDef, reached, type Obj } from "../helpers/batch";
import { check, errors } from "../helpers/tf";

const unknown = (json: Obj) => errors(check(json), "agent-reach-unknown").length;
const container = (r?: string) => ({ container: { image: "x/y:1", ...(r ? { jobRoleArn: r } : {}) } });
const ecsRange = (r: string) => ({ ecsProperties: { taskProperties: [{ taskRoleArn: r, containers: [{ name: "c", image: "x/y:1" }] }] } });
const nodes = (...ranges: Obj[]) => ({
  type: "multinode",
  node_properties: JSON.stringify({ mainNode: 0, numNodes: 2, nodeRangeProperties: ranges.map((r, i) => ({ targetNodes: i === 0 ? "0" : "1:", ...r })) }),
});

describe("68. every node range of a multi-node job counts", () => {
  test("a range with no job role beside a harmless one may run as any role (the red team's bypass)", () => {
    expect(unknown(jobDef(nodes(container(JOB), container())))).toBeGreaterThan(0);
    expect(unknown(jobDef(nodes(container(), container(JOB))))).toBeGreaterThan(0);
  });

  test("a range's ecsProperties task role is read: one that can destroy is reached or flagged (the red team's bypass)", () => {
    expect(flagged(jobDef(nodes(container(JOB), ecsRange(BAD))))).toBe(true);
    expect(reached(jobDef(nodes(ecsRange(BAD))))).toEqual(["aws_iam_role.bad"]);
  });

  test("a range's eksProperties (a service account) may be any role", () => {
    expect(unknown(jobDef(nodes(container(JOB), { eksProperties: { podProperties: { serviceAccountName: "sa", containers: [{ image: "x/y:1" }] } } })))).toBeGreaterThan(0);
  });

  test("controls: every range on the harmless role, by container or ecsProperties, is no path; the destroy role on all is reached", () => {
    expect(errors(check(jobDef(nodes(container(JOB), container(JOB)))))).toEqual([]);
    expect(errors(check(jobDef(nodes(container(JOB), ecsRange(JOB)))))).toEqual([]);
    expect(errors(check(jobDef(nodes(ecsRange(JOB)))))).toEqual([]);
    expect(reached(jobDef(nodes(container(BAD), container(BAD))))).toEqual(["aws_iam_role.bad"]);
  });
});

describe("68. JSON keys differing only in case", () => {
  const props = (doc: string) => ({ type: "container", container_properties: doc });

  test("`jobRoleArn` then `JobRoleArn`: the second may be the job role (the red team's bypass)", () => {
    expect(flagged(jobDef(props(`{"image":"x/y:1","jobRoleArn":"${JOB}","JobRoleArn":"${BAD}"}`)))).toBe(true);
    expect(flagged(jobDef(props(`{"image":"x/y:1","JOBROLEARN":"${BAD}","jobRoleArn":"${JOB}"}`)))).toBe(true);
  });

  test("a key in another case alone is the job role; in the ECS task properties too", () => {
    expect(reached(jobDef(props(`{"image":"x/y:1","JobRoleArn":"${BAD}"}`)))).toEqual(["aws_iam_role.bad"]);
    expect(errors(check(jobDef(props(`{"image":"x/y:1","JobRoleArn":"${JOB}"}`))))).toEqual([]);
    const ecs = { type: "container", ecs_properties: `{"TaskProperties":[{"taskRoleARN":"${BAD}","containers":[{"name":"c","image":"x/y:1"}]}]}` };
    expect(reached(jobDef(ecs))).toEqual(["aws_iam_role.bad"]);
  });

  test("control: the same key twice in one case with one value, or two spellings agreeing, is that role", () => {
    expect(errors(check(jobDef(props(`{"image":"x/y:1","jobRoleArn":"${JOB}","JobRoleArn":"${JOB}"}`))))).toEqual([]);
  });
});
