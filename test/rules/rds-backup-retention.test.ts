import { tf } from "../helpers/tf";
import { run } from "./helpers";
import { rule } from "../../lib/rules/rds-backup-retention";

describe("rds-backup-retention", () => {
  it("fails unset (AWS keeps 1 day), 0 (off) and 3 days", () => {
    const found = run(rule, tf({ "aws_db_instance.unset": {}, "aws_db_instance.off": { backup_retention_period: 0 }, "aws_rds_cluster.short": { backup_retention_period: 3 } }));
    const by = Object.fromEntries(found.map((f) => [f.resource, f.message]));
    expect(Object.keys(by).sort()).toEqual(["aws_db_instance.off", "aws_db_instance.unset", "aws_rds_cluster.short"]);
    expect(by["aws_db_instance.unset"]).toContain("AWS then keeps automated backups 1 day");
    expect(by["aws_db_instance.off"]).toContain("(0 turns them off)");
    expect(by["aws_rds_cluster.short"]).toContain("keeps automated backups 3 day(s)");
  });

  it("passes 7 to 35 days and skips read replicas", () => {
    const json = tf({
      "aws_db_instance.a": { backup_retention_period: 7 },
      "aws_rds_cluster.b": { backup_retention_period: "35" },
      "aws_db_instance.replica": { replicate_source_db: "${aws_db_instance.a.identifier}" },
    });
    expect(run(rule, json)).toEqual([]);
  });
});
