/** An agent that may submit jobs of one Batch job definition, beside a harmless job role and a destroying one. */
import { check, errors, policy, tf } from "./tf";
import { agentCan, DESTROY, HARMLESS, role, type Obj } from "./sessions";

export type { Obj };

/** The principals the agent reaches with destroy rights, sorted. */
export const reached = (json: Obj) => errors(check(json), "agent-transitive-destroy").map((f) => f.resource).sort();
/** Whether the agent reaches a destroy right or a principal blastwall cannot see. */
export const flagged = (json: Obj) => errors(check(json), "agent-reach-unknown").length + reached(json).length > 0;

const QUEUE = "arn:aws:batch:us-east-1:111111111111:job-queue/q";
const ECS_TRUST = policy({ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" });

/** The job definition `d` with `props`; the agent may submit it to a queue. */
export const jobDef = (props: Obj): Obj =>
  tf({
    ...agentCan({ Effect: "Allow", Action: "batch:SubmitJob", Resource: ["${aws_batch_job_definition.d.arn}", QUEUE] }),
    ...role("job", ECS_TRUST, HARMLESS),
    ...role("bad", ECS_TRUST, DESTROY),
    "aws_batch_job_definition.d": { name: "etl", ...props },
  });

/** The harmless job role and the destroying one, by reference. */
export const JOB = "${aws_iam_role.job.arn}";
export const BAD = "${aws_iam_role.bad.arn}";
