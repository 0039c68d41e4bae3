import { App, TerraformStack, Testing } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { EbsVolume } from "@cdktf/provider-aws/lib/ebs-volume";
import { CloudformationStack } from "@cdktf/provider-aws/lib/cloudformation-stack";
import { OffsiteBackupPlan, ProtectedVolume } from "../../lib/constructs";
import { APP_ACCOUNT, OFFSITE_ARN, errorOf, gateFindings, resources, synth } from "./helpers";

/** OffsiteBackupPlan.protect, red-team round 113: S3 buckets (F1), several selections in one scope (F5), ids for ARNs (F8). */
const planProps = { name: "production", accountId: APP_ACCOUNT, region: "eu-central-1", offsiteVaultArn: OFFSITE_ARN };
const S3_POLICY = "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup";

type Obj = Record<string, any>;

function bucket(scope: Construct, id: string, name: string, versioned: boolean): S3Bucket {
  const b = new S3Bucket(scope, id, { bucket: name, lifecycle: { preventDestroy: true } });
  if (versioned) new S3BucketVersioningA(scope, `${id}Versioning`, { bucket: b.id, versioningConfiguration: { status: "Enabled" } });
  return b;
}

/** Synthesizes with the constructs' validations run, as `app.synth()` does; returns the JSON or the validation error. */
function synthValidated(build: (stack: TerraformStack, plan: OffsiteBackupPlan) => void): { json?: Obj; error?: string } {
  const stack = new TerraformStack(new App(), "test");
  new AwsProvider(stack, "aws", { region: "eu-central-1" });
  build(stack, new OffsiteBackupPlan(stack, "Backups", planProps));
  try {
    return { json: JSON.parse(Testing.synth(stack, true)) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const policyArns = (json: Obj) => resources(json, "aws_iam_role_policy_attachment").map((a) => a.policy_arn);

describe("OffsiteBackupPlan.protect of an S3 bucket (red-team round 113 F1)", () => {
  it("attaches AWSBackupServiceRolePolicyForS3Backup to the service role, once, and makes each bucket selection wait for it", () => {
    const { json, error } = synthValidated((s, plan) => {
      plan.protect(s, "data", bucket(s, "Data", "acme-data", true).arn);
      plan.protect(s, "exports", bucket(s, "Exports", "acme-exports", true).arn);
    });
    expect(error).toBeUndefined();
    expect(policyArns(json!).sort()).toEqual([S3_POLICY, "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"]);
    const s3Attachment = Object.keys(json!.resource.aws_iam_role_policy_attachment).find((k) => json!.resource.aws_iam_role_policy_attachment[k].policy_arn === S3_POLICY)!;
    for (const sel of resources(json!, "aws_backup_selection")) expect(sel.depends_on).toContain(`aws_iam_role_policy_attachment.${s3Attachment}`);
  });

  it("passes the gate with a versioned bucket (no stateful-backup-coverage finding)", () => {
    const { json } = synthValidated((s, plan) => plan.protect(s, "data", bucket(s, "Data", "acme-data", true).arn));
    expect(gateFindings(json!).filter((f) => f.startsWith("stateful-backup-coverage"))).toEqual([]);
  });

  it("attaches no S3 policy to a plan that protects no bucket", () => {
    const { json } = synthValidated((s, plan) => {
      plan.protect(s, "vol", new EbsVolume(s, "Vol", { availabilityZone: "eu-central-1a", size: 10 }).arn);
      plan.protect(s, "literal", "arn:aws:dynamodb:eu-central-1:111111111111:table/orders");
    });
    expect(policyArns(json!)).toEqual(["arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"]);
  });

  it("attaches it for a value it cannot read, which may be a bucket", () => {
    const { json } = synthValidated((s, plan) => plan.protect(s, "var", "${var.bucket_arn}"));
    expect(policyArns(json!)).toContain(S3_POLICY);
  });

  it("fails synthesis for a bucket of the app without versioning, naming the method, the prop, the bucket and the fix", () => {
    const { error } = synthValidated((s, plan) => plan.protect(s, "data", bucket(s, "Data", "acme-data", false).arn));
    expect(error).toContain("OffsiteBackupPlan.protect: resourceArn names aws_s3_bucket.Data (construct test/Data), whose versioning is not Enabled");
    expect(error).toContain("every backup job of selection \"data\" (test/BackupSelection) of plan production would fail, and the bucket would get no recovery point and no off-site copy");
    expect(error).toContain('versioningConfiguration: { status: "Enabled" }');
  });

  it("reports every unversioned bucket of the plan, and none that is versioned", () => {
    const { error } = synthValidated((s, plan) => {
      plan.protect(s, "data", bucket(s, "Data", "acme-data", false).arn);
      plan.protect(s, "fine", bucket(s, "Fine", "acme-fine", true).arn);
      plan.protect(s, "exports", bucket(s, "Exports", "acme-exports", false).arn);
    });
    expect(error).toContain('selection "data" (test/BackupSelection)');
    expect(error).toContain('selection "exports" (test/BackupSelection-exports)');
    expect(error).not.toContain('selection "fine"');
  });

  it("refuses Suspended versioning, and a bucket named by its literal ARN", () => {
    const suspended = synthValidated((s, plan) => {
      const b = new S3Bucket(s, "Data", { bucket: "acme-data" });
      new S3BucketVersioningA(s, "V", { bucket: b.bucket, versioningConfiguration: { status: "Suspended" } });
      plan.protect(s, "data", b.arn);
    });
    expect(suspended.error).toContain('sets its versioning status to "Suspended"');
    const literal = synthValidated((s, plan) => {
      bucket(s, "Data", "acme-data", false);
      plan.protect(s, "data", "arn:aws:s3:::acme-data");
    });
    expect(literal.error).toContain("OffsiteBackupPlan.protect: resourceArn names aws_s3_bucket.Data");
  });

  it("accepts versioning made after protect(), Object Lock, and a literal ARN of a bucket the app does not create", () => {
    expect(
      synthValidated((s, plan) => {
        const b = new S3Bucket(s, "Data", { bucket: "acme-data" });
        plan.protect(s, "data", b.arn);
        new S3BucketVersioningA(s, "Later", { bucket: b.id, versioningConfiguration: { status: "Enabled" } });
      }).error,
    ).toBeUndefined();
    expect(synthValidated((s, plan) => plan.protect(s, "data", new S3Bucket(s, "Data", { bucket: "acme-data", objectLockEnabled: true }).arn)).error).toBeUndefined();
    expect(synthValidated((s, plan) => plan.protect(s, "data", "arn:aws:s3:::bucket-of-another-team")).error).toBeUndefined();
  });

  it("finds a bucket of another stack of the app", () => {
    const app = new App();
    const data = new TerraformStack(app, "data");
    new AwsProvider(data, "aws", { region: "eu-central-1" });
    const b = bucket(data, "Data", "acme-data", false);
    const ops = new TerraformStack(app, "ops");
    new AwsProvider(ops, "aws", { region: "eu-central-1" });
    new OffsiteBackupPlan(ops, "Backups", planProps).protect(ops, "data", b.arn);
    expect(() => Testing.synth(ops, true)).toThrow(/OffsiteBackupPlan\.protect: resourceArn names aws_s3_bucket\.Data .*whose versioning is not Enabled/);
  });
});

describe("OffsiteBackupPlan.protect twice in one scope (red-team round 113 F5)", () => {
  it("names the second selection after its name, keeping the first one's address", () => {
    const { json } = synth((s) => {
      const plan = new OffsiteBackupPlan(s, "Backups", planProps);
      plan.protect(s, "data", bucket(s, "Data", "acme-data", true).arn);
      plan.protect(s, "exports", bucket(s, "Exports", "acme-exports", true).arn);
      new OffsiteBackupPlan(s, "Other", { ...planProps, name: "other" }).protect(s, "exports", "arn:aws:s3:::acme-more");
    });
    expect(Object.keys(json.resource.aws_backup_selection).sort()).toEqual(["BackupSelection", "BackupSelection-exports", "BackupSelection-other-exports"]);
    expect(resources(json, "aws_backup_selection").map((x) => x.name).sort()).toEqual(["data", "exports", "exports"]);
  });

  it("keeps the address of a ProtectedVolume's selection", () => {
    const { json } = synth((s) => {
      // The options of a plan of its own: a plan's name is the volume's to give (ProtectedVolume refuses backup.name).
      const { name: _name, ...options } = planProps;
      return new ProtectedVolume(s, "Volume", { name: "data", availabilityZone: "eu-central-1a", sizeGiB: 10, backup: options });
    });
    expect(Object.keys(json.resource.aws_backup_selection)).toEqual([expect.stringMatching(/^Volume_BackupSelection_[0-9A-F]{8}$/)]);
  });
});

describe("OffsiteBackupPlan.protect given an id or name instead of an ARN (red-team round 113 F8)", () => {
  const refused = (make: (s: TerraformStack, plan: OffsiteBackupPlan) => void) =>
    errorOf(() => synth((s, stack) => make(stack, new OffsiteBackupPlan(s, "Backups", planProps)))).message;

  it("refuses a bucket's id and a table's name, naming the prop and the ARN to pass", () => {
    expect(refused((s, plan) => plan.protect(s, "data", bucket(s, "Data", "acme-data", true).id))).toBe(
      "OffsiteBackupPlan.protect: resourceArn must be the resource's ARN, not its id (got ${aws_s3_bucket.Data.id}): AWS Backup selects resources by ARN, " +
        "so anything else selects nothing and the resource is never backed up. Pass its arn attribute instead (here ${aws_s3_bucket.Data.arn})",
    );
    const table = (s: TerraformStack) => new DynamodbTable(s, "Orders", { name: "orders", hashKey: "pk", attribute: [{ name: "pk", type: "S" }] });
    expect(refused((s, plan) => plan.protect(s, "orders", table(s).name))).toContain("resourceArn must be the resource's ARN, not its name (got ${aws_dynamodb_table.Orders.name})");
    expect(refused((s, plan) => plan.protect(s, "data", bucket(s, "Data", "acme-data", true).bucket))).toContain("not its bucket");
  });

  it("refuses a literal that is not an ARN and text that starts otherwise", () => {
    expect(refused((s, plan) => plan.protect(s, "data", "acme-data"))).toContain('resourceArn must be the ARN of the resource to back up, such as arn:aws:s3:::acme-data or the resource\'s arn attribute (got "acme-data")');
    expect(refused((s, plan) => plan.protect(s, "all", "*"))).toContain('(got "*")');
    expect(refused((s, plan) => plan.protect(s, "data", `s3://${bucket(s, "Data", "acme-data", true).bucket}`))).toContain('resourceArn must be an ARN, but starts with "s3://"');
  });

  it("accepts an arn attribute, an ARN built from a name, a literal ARN pattern, and the id of a type whose id is its ARN", () => {
    const { json } = synth((s) => {
      const plan = new OffsiteBackupPlan(s, "Backups", planProps);
      const b = bucket(s, "Data", "acme-data", true);
      plan.protect(s, "arn", b.arn);
      plan.protect(s, "built", `arn:aws:s3:::${b.bucket}`);
      plan.protect(s, "pattern", "arn:aws:ec2:*:*:volume/*");
      plan.protect(s, "cfn", new CloudformationStack(s, "Cfn", { name: "app", templateBody: "{}" }).id);
    });
    expect(resources(json, "aws_backup_selection")).toHaveLength(4);
  });
});
