import { tf } from "../helpers/tf";
import { run } from "./helpers";
import { rule } from "../../lib/rules/rds-automated-backups-retained";

describe("rds-automated-backups-retained", () => {
  it("fails when delete_automated_backups is unset, because the provider default is true", () => {
    const [f] = run(rule, tf({ "aws_db_instance.a": { engine: "postgres", deletion_protection: true } }));
    expect(f.message).toContain("aws_db_instance.a does not set delete_automated_backups (the provider default is true)");
    expect(f.message).toContain("Set delete_automated_backups = false");
  });

  it("fails true and a reference, on instances and clusters", () => {
    const found = run(rule, tf({ "aws_db_instance.a": { delete_automated_backups: true }, "aws_rds_cluster.b": { delete_automated_backups: "${aws_ssm_parameter.x.value}" } }));
    expect(found.map((f) => f.resource).sort()).toEqual(["aws_db_instance.a", "aws_rds_cluster.b"]);
    expect(found.find((f) => f.resource === "aws_rds_cluster.b")!.message).toContain("an expression blastwall cannot evaluate, so it counts as not set");
  });

  it("passes false (boolean or string)", () => {
    expect(run(rule, tf({ "aws_db_instance.a": { delete_automated_backups: false }, "aws_rds_cluster.b": { delete_automated_backups: "false" } }))).toEqual([]);
  });
});
