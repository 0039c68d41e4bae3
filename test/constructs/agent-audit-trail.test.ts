import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AgentAuditTrail, EnvironmentAccounts, type AgentAuditTrailProps } from "../../lib/constructs";
import { loadCatalogue } from "../../lib/engine/catalogue";
import { LOG_ACCOUNT, MGMT_ACCOUNT, ORG_ID, gateFindings, only, policyOf, resources, synth } from "./helpers";

type Props = Omit<AgentAuditTrailProps, "logAccountProvider">;
const props: Props = { trailName: "agents", bucketName: "acme-agent-trail", organizationId: ORG_ID, managementAccountId: MGMT_ACCOUNT, logAccountId: LOG_ACCOUNT, region: "eu-central-1" };
const build = (extra: Partial<Props> = {}) =>
  synth((s) => {
    const log = new AwsProvider(s, "log", { region: "eu-central-1", alias: "log" });
    new AgentAuditTrail(s, "Trail", { ...props, ...extra, logAccountProvider: log });
  }).json;

describe("AgentAuditTrail", () => {
  it("is an organization, multi-region trail with log file validation and KMS, in the management account", () => {
    const trail = only(build(), "aws_cloudtrail");
    expect(trail).toMatchObject({
      name: "agents",
      is_organization_trail: true,
      is_multi_region_trail: true,
      include_global_service_events: true,
      enable_log_file_validation: true,
      enable_logging: true,
      lifecycle: { prevent_destroy: true },
    });
    expect(trail.provider).toBeUndefined();
    expect(trail.kms_key_id).toMatch(/aws_kms_key\.Trail_Key_\w+\.arn/);
    expect(trail.s3_bucket_name).toMatch(/aws_s3_bucket\.Trail_Bucket_\w+\.bucket/);
  });

  const dataTypesOf = (json: Record<string, unknown>) => {
    const selectors = only(json, "aws_cloudtrail").advanced_event_selector as { field_selector: { field: string; equals: string[] }[] }[];
    expect(selectors[0].field_selector).toEqual([{ field: "eventCategory", equals: ["Management"] }]);
    for (const s of selectors.slice(1)) expect(s.field_selector.find((f) => f.field === "eventCategory")!.equals).toEqual(["Data"]);
    return [...new Set(selectors.slice(1).map((s) => s.field_selector.find((f) => f.field === "resources.type")!.equals[0]))];
  };

  /** Whether the trail records a data event: selectors are ORed, the field selectors of one ANDed (CloudTrail's semantics). */
  type FieldSelector = { field: string; equals?: string[]; not_equals?: string[]; starts_with?: string[]; not_starts_with?: string[] };
  const records = (json: Record<string, unknown>, event: { type: string; arn: string; eventName: string }) => {
    const value = (field: string) => (field === "eventCategory" ? "Data" : field === "resources.type" ? event.type : field === "resources.ARN" ? event.arn : field === "eventName" ? event.eventName : undefined);
    const holds = (f: FieldSelector) => {
      const v = value(f.field);
      if (v === undefined) throw new Error(`no test value for ${f.field}`);
      return (
        (!f.equals || f.equals.includes(v)) &&
        (!f.not_equals || !f.not_equals.includes(v)) &&
        (!f.starts_with || f.starts_with.some((p) => v.startsWith(p))) &&
        (!f.not_starts_with || !f.not_starts_with.some((p) => v.startsWith(p)))
      );
    };
    const selectors = only(json, "aws_cloudtrail").advanced_event_selector as { field_selector: FieldSelector[] }[];
    return selectors.some((s) => s.field_selector.every(holds));
  };

  it("does not log CloudTrail's own deliveries to its bucket; every other call on the log files stays on record", () => {
    const json = build();
    const logFile = `arn:aws:s3:::acme-agent-trail/AWSLogs/${ORG_ID}/${MGMT_ACCOUNT}/CloudTrail/eu-central-1/2026/11/27/x.json.gz`;
    const object = (arn: string, eventName: string) => ({ type: "AWS::S3::Object", arn, eventName });
    expect(records(json, object(logFile, "PutObject"))).toBe(false);
    // Control: deletes, retention changes and reads of the log files, and every other bucket's writes, are recorded.
    expect(records(json, object(logFile, "DeleteObject"))).toBe(true);
    expect(records(json, object(logFile, "PutObjectRetention"))).toBe(true);
    expect(records(json, object(logFile, "GetObject"))).toBe(true);
    expect(records(json, object("arn:aws:s3:::orders/export.csv", "PutObject"))).toBe(true);
    expect(records(json, object("arn:aws:s3:::acme-agent-trail-copy/x", "PutObject"))).toBe(true);
    expect(records(json, { type: "AWS::DynamoDB::Table", arn: "arn:aws:dynamodb:eu-central-1:111111111111:table/orders", eventName: "DeleteItem" })).toBe(true);
  });

  it("records management events and data events for the services agents touch", () => {
    expect(dataTypesOf(build()).slice(0, 3)).toEqual(["AWS::S3::Object", "AWS::DynamoDB::Table", "AWS::Lambda::Function"]);
  });

  it("records the data events through which the catalogue's data-plane destroy calls run (red-team round 60 F7)", () => {
    // Each catalogued data-plane destroy call, with the CloudTrail data event type its calls are logged under.
    const logged: Record<string, string> = {
      "s3:DeleteObject": "AWS::S3::Object",
      "dynamodb:DeleteItem": "AWS::DynamoDB::Table",
      "rds-data:ExecuteStatement": "AWS::RDS::DBCluster",
      "rds-data:BatchExecuteStatement": "AWS::RDS::DBCluster",
      "s3express:CreateSession": "AWS::S3Express::Object",
      "cassandra:Modify": "AWS::Cassandra::Table",
      "sagemaker:DeleteRecord": "AWS::SageMaker::FeatureGroup",
      "neptune-graph:DeleteDataViaQuery": "AWS::NeptuneGraph::Graph",
      "s3vectors:DeleteVectors": "AWS::S3Vectors::Index",
    };
    const cat = loadCatalogue();
    expect(Object.keys(logged).filter((a) => cat.categoryOf(a) !== "direct")).toEqual([]);
    const types = dataTypesOf(build());
    expect([...new Set(Object.values(logged))].filter((t) => !types.includes(t))).toEqual([]);
  });

  it("control: dataEventResourceTypes replaces the default list", () => {
    expect(dataTypesOf(build({ dataEventResourceTypes: ["AWS::S3::Object", "AWS::SQS::Queue"] }))).toEqual(["AWS::S3::Object", "AWS::SQS::Queue"]);
  });

  it("delivers to a bucket in the log account with versioning and Object Lock in compliance mode", () => {
    const json = build({ retentionDays: 400 });
    expect(only(json, "aws_s3_bucket")).toMatchObject({ bucket: "acme-agent-trail", object_lock_enabled: true, force_destroy: false, provider: "aws.log", lifecycle: { prevent_destroy: true } });
    expect(only(json, "aws_s3_bucket_versioning")).toMatchObject({ versioning_configuration: { status: "Enabled" }, provider: "aws.log" });
    expect(only(json, "aws_s3_bucket_object_lock_configuration").rule).toEqual({ default_retention: { mode: "COMPLIANCE", days: 400 } });
    expect(only(json, "aws_s3_bucket_server_side_encryption_configuration").rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe("aws:kms");
    expect(only(json, "aws_s3_bucket_public_access_block")).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(only(json, "aws_kms_key").provider).toBe("aws.log");
  });

  it("lets only this trail write, and denies the catalogue's S3 actions to agents", () => {
    const st = policyOf(only(build(), "aws_s3_bucket_policy")).Statement as { Sid: string; Resource: unknown; Condition: Record<string, Record<string, unknown>>; Action: unknown }[];
    const trailArn = `arn:aws:cloudtrail:eu-central-1:${MGMT_ACCOUNT}:trail/agents`;
    const write = st.find((s) => s.Sid === "CloudTrailWritesLogs")!;
    expect(write.Condition.StringEquals["aws:SourceArn"]).toBe(trailArn);
    expect(write.Resource).toEqual([`arn:aws:s3:::acme-agent-trail/AWSLogs/${MGMT_ACCOUNT}/*`, `arn:aws:s3:::acme-agent-trail/AWSLogs/${ORG_ID}/*`]);
    expect(st.find((s) => s.Sid === "DenyDestroyToAgentSessions")!.Action).toEqual(expect.arrayContaining(["s3:DeleteObject", "s3:PutBucketVersioning"]));
    expect(st.find((s) => s.Sid === "DenyInsecureTransport")!.Condition).toEqual({ Bool: { "aws:SecureTransport": "false" } });
  });

  describe("the management account, which creates the trail, may decrypt its log files (S3 Bucket Key)", () => {
    // iam-simulate ignores kms:EncryptionContext:<key> (it only knows variable keys with a `/`): the statements are read.
    type St = { Sid: string; Effect: string; Principal: unknown; Action: string | string[]; Condition?: Record<string, Record<string, string>> };
    const statements = () => policyOf(only(build(), "aws_kms_key")).Statement as St[];
    const glob = (pattern: string) => new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.?+^$()[\]{}|\\]/g, "\\$&")).join(".*")}$`);
    const decrypts = (st: St) => st.Effect === "Allow" && [st.Action].flat().some((a) => a === "kms:Decrypt" || a === "kms:*");

    it("a principal of the management account decrypts what this trail's CloudTrail encrypted, nothing else", () => {
      const st = statements().find((x) => decrypts(x) && JSON.stringify(x.Principal) === JSON.stringify({ AWS: `arn:aws:iam::${MGMT_ACCOUNT}:root` }))!;
      expect(st).toBeDefined();
      expect(st.Action).toBe("kms:Decrypt");
      const context = st.Condition!.StringLike["kms:EncryptionContext:aws:cloudtrail:arn"];
      expect(glob(context).test(`arn:aws:cloudtrail:eu-central-1:${MGMT_ACCOUNT}:trail/agents`)).toBe(true);
      expect(glob(context).test("arn:aws:cloudtrail:eu-central-1:999999999999:trail/agents")).toBe(false);
      expect(Object.keys(st.Condition!)).toEqual(["StringLike"]);
    });

    it("control: no other account may decrypt; the log account keeps its own root only", () => {
      const principals = statements().filter(decrypts).map((x) => JSON.stringify(x.Principal)).sort();
      expect(principals).toEqual([JSON.stringify({ AWS: `arn:aws:iam::${LOG_ACCOUNT}:root` }), JSON.stringify({ AWS: `arn:aws:iam::${MGMT_ACCOUNT}:root` })].sort());
    });
  });

  describe("an organization trail needs CloudTrail's trusted access in the organization (CloudTrailAccessNotEnabledException)", () => {
    const precondition = (json: Record<string, any>) => {
      const [id] = Object.keys(json.data.aws_organizations_organization);
      return { id, data: json.data.aws_organizations_organization[id], pre: only(json, "aws_cloudtrail").lifecycle.precondition };
    };

    it("stops the plan with the one-time command while cloudtrail.amazonaws.com is not a trusted service", () => {
      const { id, data, pre } = precondition(build());
      expect(pre).toEqual([
        {
          condition: `\${contains(data.aws_organizations_organization.${id}.aws_service_access_principals, "cloudtrail.amazonaws.com")}`,
          error_message: expect.stringContaining("aws organizations enable-aws-service-access --service-principal cloudtrail.amazonaws.com"),
        },
      ]);
      expect(pre[0].error_message).toMatch(/^AgentAuditTrail: an organization trail needs trusted access for CloudTrail/);
      // Read in the management account (the trail's provider), at plan time: nothing in the stack creates the organization.
      expect(data).toEqual({});
    });

    it("control: an organization created in the same stack is read once it exists, whichever construct comes first", () => {
      const accounts = { production: { name: "p", email: "p@example.com" }, backup: { name: "b", email: "b@example.com" } };
      const json = synth((s) => {
        const log = new AwsProvider(s, "log", { region: "eu-central-1", alias: "log" });
        new AgentAuditTrail(s, "Trail", { ...props, logAccountProvider: log });
        new EnvironmentAccounts(s, "Env", { region: "eu-central-1", createOrganization: true, accounts });
      }).json;
      const [org] = Object.keys((json.resource as Record<string, Record<string, unknown>>).aws_organizations_organization);
      const { data, pre } = precondition(json);
      expect(data.depends_on).toEqual([`aws_organizations_organization.${org}`]);
      expect(only(json, "aws_organizations_organization").aws_service_access_principals).toContain("cloudtrail.amazonaws.com");
      expect(pre).toHaveLength(1);
    });
  });

  it("passes the gate with zero findings", () => {
    expect(gateFindings(build())).toEqual([]);
  });

  describe("refuses misuse with the message a user needs", () => {
    it.each([
      [{ logAccountId: MGMT_ACCOUNT }, `AgentAuditTrail: logAccountId must differ from managementAccountId (both ${MGMT_ACCOUNT}): logs kept where they are written can be erased`],
      [{ organizationId: "acme" }, 'AgentAuditTrail: organizationId must be an AWS Organizations id like o-a1b2c3d4e5 (got "acme")'],
      [{ dataEventResourceTypes: ["s3"] }, 'AgentAuditTrail: dataEventResourceTypes must be resource types like AWS::S3::Object (got "s3")'],
      [{ bucketName: "Acme_Trail" }, 'AgentAuditTrail: bucketName must be a valid S3 bucket name (got "Acme_Trail")'],
      [{ retentionDays: 0 }, "AgentAuditTrail: retentionDays must be between 90 and 36500 days (got 0)"],
      [{ retentionDays: 1 }, "AgentAuditTrail: retentionDays must be between 90 and 36500 days (got 1)"],
      [{ dataEventResourceTypes: [] }, "AgentAuditTrail: dataEventResourceTypes must name at least one resource type"],
    ] as [Partial<Props>, string][])("%o", (extra, message) => {
      expect(() => build(extra)).toThrow(message);
    });
  });

  it("creates nothing else in the management account than the trail", () => {
    const json = build();
    const inMgmt = Object.entries(json.resource as Record<string, Record<string, { provider?: string }>>).flatMap(([t, rs]) =>
      Object.values(rs).filter((r) => r.provider === undefined).map(() => t),
    );
    expect(inMgmt).toEqual(["aws_cloudtrail"]);
    expect(resources(json, "aws_s3_bucket")).toHaveLength(1);
  });
});
