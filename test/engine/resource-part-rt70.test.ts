/**
 * Red-team round 70: a pattern shorter than an ARN whose wildcard comes before the resource part (`**`, `arn:*`,
 * `arn:aws:ecr:*`) was read as having an empty resource part, so a push to every code or image repository was "a
 * push to no repository outside the stack". IAM's `*` matches colons: such a pattern names every resource.
 */
import { resourcePartOf, wildResourcePart } from "../../lib/engine/reach/resource-part";
import { check, errors, safeAgentStack } from "../helpers/tf";

type Obj = Record<string, unknown>;

const push = (action: string, resource: string): Obj => safeAgentStack([{ Effect: "Allow", Action: action, Resource: resource }], ["ec2:Delete*"]);
const unknownSources = (doc: Obj) => errors(check(doc), "agent-reach-unknown").filter((f) => /pushed to/.test(f.message));

describe("70. short wildcard patterns name every repository", () => {
  test.each(["**", "arn:*", "arn:aws:ecr:*", "arn:aws:*", "*"])("ecr:PutImage on %s may feed pipelines outside the stack", (r) => {
    expect(unknownSources(push("ecr:PutImage", r)).length).toBeGreaterThan(0);
  });

  test.each(["**", "arn:aws:codecommit:*"])("codecommit:GitPush on %s too", (r) => {
    expect(unknownSources(push("codecommit:GitPush", r)).length).toBeGreaterThan(0);
  });

  test("control: a push to one named repository is no such path", () => {
    expect(unknownSources(push("ecr:PutImage", "arn:aws:ecr:eu-west-1:111111111111:repository/app"))).toEqual([]);
    expect(unknownSources(push("codecommit:GitPush", "arn:aws:codecommit:eu-west-1:111111111111:app"))).toEqual([]);
  });

  test("the resource part: a short pattern with a wildcard reads as `*`, one without names nothing", () => {
    expect(resourcePartOf("arn:aws:ecr:eu-west-1:111111111111:repository/app")).toBe("repository/app");
    expect(resourcePartOf("arn:aws:ssm:eu-west-1:111111111111:parameter/a:b")).toBe("parameter/a:b");
    expect(resourcePartOf("arn:*")).toBe("*");
    expect(resourcePartOf("arn:aws:ecr:?")).toBe("*");
    expect(resourcePartOf("arn:aws:ecr")).toBe("");
    expect(wildResourcePart("**")).toBe(true);
    expect(wildResourcePart("arn:aws:ecr:*:*:repository/app")).toBe(false);
    expect(wildResourcePart("arn:aws:ecr:eu-west-1:111111111111:repository/app-?")).toBe(true);
  });
});
