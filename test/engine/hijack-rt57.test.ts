/**
 * Existing compute that runs the caller's code as its role (red-team 11, 12): a Transfer Family user whose SSH keys
 * the agent can add, an Athena Spark workgroup whose sessions run the agent's PySpark code.
 */
import { check, errors } from "../helpers/tf";
import { hijackStack } from "../helpers/hijack-stack";

const stack = hijackStack;

const reaches = (json: Record<string, unknown>) => errors(check(json), "agent-transitive-destroy").map((f) => f.resource);
const hijackStep = (json: Record<string, unknown>) => errors(check(json), "agent-transitive-destroy")[0]?.evidence.find((e) => e.step === "hijack");

describe("Transfer Family users (11)", () => {
  const user = {
    "aws_transfer_server.srv": { identity_provider_type: "SERVICE_MANAGED", endpoint_type: "PUBLIC", protocols: ["SFTP"] },
    "aws_transfer_user.partner": { server_id: "${aws_transfer_server.srv.id}", user_name: "partner", role: "${aws_iam_role.strong.arn}", home_directory: "/uploads" },
  };
  test("transfer:ImportSshPublicKey on the user lets the agent log in as the user's role", () => {
    const json = stack("transfer.amazonaws.com", user, ["transfer:ImportSshPublicKey", "transfer:DescribeUser"]);
    expect(reaches(json)).toEqual(["aws_iam_role.strong"]);
    const step = hijackStep(json)!;
    expect(step.address).toBe("aws_iam_role.strong");
    expect(step.detail).toContain("aws_transfer_user.partner");
  });
  test("control: reading users, or changing one without a login (UpdateUser), is no path", () => {
    expect(reaches(stack("transfer.amazonaws.com", user, ["transfer:DescribeUser", "transfer:ListUsers", "transfer:UpdateUser"]))).toEqual([]);
  });
  test("outside the stack: ImportSshPublicKey on * reaches users blastwall cannot see", () => {
    const r = check(stack("transfer.amazonaws.com", {}, ["transfer:ImportSshPublicKey"]));
    expect(errors(r).map((f) => f.ruleId)).toContain("agent-reach-unknown");
  });
});

describe("Athena for Apache Spark workgroups (12)", () => {
  const wg = (role?: string) => ({
    "aws_athena_workgroup.spark": { name: "spark", configuration: { ...(role ? { execution_role: role } : {}), engine_version: { selected_engine_version: "PySpark engine version 3" } } },
  });
  test("athena:StartCalculationExecution on the workgroup runs the agent's code as its execution role", () => {
    const json = stack("athena.amazonaws.com", wg("${aws_iam_role.strong.arn}"), ["athena:StartSession", "athena:StartCalculationExecution"], "arn:aws:athena:eu-west-1:111111111111:workgroup/spark");
    expect(reaches(json)).toEqual(["aws_iam_role.strong"]);
    expect(hijackStep(json)!.detail).toContain("aws_athena_workgroup.spark");
  });
  test("control: a workgroup without an execution role (SQL), or reads only, is no path", () => {
    expect(reaches(stack("athena.amazonaws.com", wg(), ["athena:StartCalculationExecution"], "arn:aws:athena:eu-west-1:111111111111:workgroup/spark"))).toEqual([]);
    expect(reaches(stack("athena.amazonaws.com", wg("${aws_iam_role.strong.arn}"), ["athena:GetSessionStatus", "athena:GetCalculationExecution", "athena:StartQueryExecution"]))).toEqual([]);
  });
});
