/**
 * Red-team round 67: gamelift:UpdateScript on `${aws_gamelift_script.dev.arn}` reached the prod fleet, which runs
 * another script: every script of the stack had the ARN pattern `arn:aws:gamelift:*:*:script/*`, and the grant's
 * reference was never matched. A reference to one script names that script alone; a wildcard still reaches every one.
 */
import { tf } from "../helpers/tf";
import { adminRole, agentCan, reached } from "../helpers/fetched-sources";

type Obj = Record<string, unknown>;

const fleet = (name: string, script: string) => ({
  ...adminRole(`${name}role`, "gamelift.amazonaws.com"),
  [`aws_gamelift_fleet.${name}`]: { name, ec2_instance_type: "c5.large", script_id: `\${aws_gamelift_script.${script}.id}`, instance_role_arn: `\${aws_iam_role.${name}role.arn}` },
});
const scripts = { "aws_gamelift_script.prod": { name: "prod", zip_file: "prod.zip" }, "aws_gamelift_script.dev": { name: "dev", zip_file: "dev.zip" } };
const update = (resource: string | string[]): Obj => tf({ ...agentCan("gamelift:UpdateScript", resource), ...scripts, ...fleet("prod", "prod"), ...fleet("dev", "dev") });

describe("67. gamelift:UpdateScript on one script", () => {
  test("a reference to the dev script reaches the dev fleet only, not the prod fleet running another script (the red team's false alarm)", () => {
    expect(reached(update("${aws_gamelift_script.dev.arn}"))).toEqual(["aws_iam_role.devrole"]);
    expect(reached(update("${aws_gamelift_script.prod.arn}"))).toEqual(["aws_iam_role.prodrole"]);
    expect(reached(update(["${aws_gamelift_script.dev.arn}", "${aws_gamelift_script.prod.arn}"]))).toEqual(["aws_iam_role.devrole", "aws_iam_role.prodrole"]);
  });

  test("control: a wildcard, or a literal script pattern, reaches every fleet's script", () => {
    for (const r of ["*", "arn:aws:gamelift:*:*:script/*", "arn:aws:gamelift:eu-west-1:111111111111:script/script-1234"]) {
      expect([r, reached(update(r))]).toEqual([r, ["aws_iam_role.devrole", "aws_iam_role.prodrole"]]);
    }
  });
});
