/**
 * Services that run code or API calls as a role already on a resource, second sweep (red-team round 100): Service
 * Catalog launch constraints, Greengrass v2 deployments, SageMaker inference components, Studio image versions and
 * model data in S3, Amplify apps that build from CodeCommit, IoT rule writes. Each stack is the red-team case: an
 * agent holding exactly the rights named, a role `strong` that can delete data and whose trust admits the service,
 * and the resource that runs as it.
 */
import { check, errors } from "../helpers/tf";
import { hijackStack } from "../helpers/hijack-stack";

type Obj = Record<string, unknown>;

const stack = hijackStack;

const transitive = (json: Obj, severity = "error", strict = false) => check(json, {}, { strict }).findings.filter((f) => f.ruleId === "agent-transitive-destroy" && f.severity === severity && !f.acknowledged);
const reaches = (json: Obj, severity = "error") => [...new Set(transitive(json, severity).flatMap((f) => f.evidence.filter((e) => e.address === "aws_iam_role.strong").map((e) => e.address)))];
const detail = (json: Obj, severity = "error") => transitive(json, severity)[0]?.evidence.map((e) => e.detail).join("\n") ?? "";
const unknown = (json: Obj) => errors(check(json), "agent-reach-unknown").map((f) => f.message).join("\n");

describe("1. Service Catalog: a launch constraint's role runs the product's template", () => {
  const SC = "servicecatalog.amazonaws.com";
  const catalog = (parameters: string, type = "LAUNCH") => ({
    "aws_servicecatalog_portfolio.p": { name: "p", provider_name: "me" },
    "aws_servicecatalog_product.pr": { name: "pr", owner: "me", type: "CLOUD_FORMATION_TEMPLATE", provisioning_artifact_parameters: [{ template_url: "https://s3.amazonaws.com/t/t.json", type: "CLOUD_FORMATION_TEMPLATE" }] },
    "aws_servicecatalog_product.other": { name: "other", owner: "me", type: "CLOUD_FORMATION_TEMPLATE", provisioning_artifact_parameters: [{ template_url: "https://s3.amazonaws.com/t/o.json", type: "CLOUD_FORMATION_TEMPLATE" }] },
    "aws_servicecatalog_constraint.c": { portfolio_id: "${aws_servicecatalog_portfolio.p.id}", product_id: "${aws_servicecatalog_product.pr.id}", type, parameters },
  });
  const roleArn = JSON.stringify({ RoleArn: "${aws_iam_role.strong.arn}" });
  test("a version of the agent's own and a launch reach the launch role (RoleArn, or LocalRoleName by name)", () => {
    const json = stack(SC, catalog(roleArn), ["servicecatalog:CreateProvisioningArtifact", "servicecatalog:ProvisionProduct"], "${aws_servicecatalog_product.pr.arn}");
    expect(reaches(json)).toEqual(["aws_iam_role.strong"]);
    expect(detail(json)).toContain("a CloudFormation template of its own");
    const local = stack(SC, catalog(JSON.stringify({ LocalRoleName: "strong" })), ["servicecatalog:CreateProvisioningArtifact", "servicecatalog:UpdateProvisionedProduct"]);
    expect(reaches(local)).toEqual(["aws_iam_role.strong"]);
  });
  test("launching the product's own template: a warning, an error under --strict; a role it cannot resolve is unknown", () => {
    const json = stack(SC, catalog(roleArn), ["servicecatalog:ProvisionProduct"], "${aws_servicecatalog_product.pr.arn}");
    expect(reaches(json)).toEqual([]);
    expect(reaches(json, "warning")).toEqual(["aws_iam_role.strong"]);
    expect(detail(json, "warning")).toContain("cannot read the product's template");
    expect(transitive(json, "error", true).length).toBe(1);
    // Scoped to the stack's product by reference: no compute outside the stack.
    expect(unknown(json)).toBe("");
    const unresolved = check(stack(SC, catalog(JSON.stringify({ LocalRoleName: "${var.role}" })), ["servicecatalog:CreateProvisioningArtifact", "servicecatalog:ProvisionProduct"], "${aws_servicecatalog_product.pr.arn}"));
    expect(JSON.stringify(unresolved.findings.filter((f) => f.ruleId === "agent-reach-unknown"))).toContain("launch role aws_servicecatalog_constraint.c names");
  });
  test("control: another product, another constraint type, or a version without a launch is no path", () => {
    const other = stack(SC, catalog(roleArn), ["servicecatalog:CreateProvisioningArtifact", "servicecatalog:ProvisionProduct"], "${aws_servicecatalog_product.other.arn}");
    expect(transitive(other, "error", true)).toEqual([]);
    const notification = stack(SC, catalog(JSON.stringify({ NotificationArns: ["arn:aws:sns:us-east-1:111111111111:t"], RoleArn: "${aws_iam_role.strong.arn}" }), "NOTIFICATION"), ["servicecatalog:CreateProvisioningArtifact", "servicecatalog:ProvisionProduct"], "${aws_servicecatalog_product.pr.arn}");
    expect(transitive(notification, "error", true)).toEqual([]);
    expect(transitive(stack(SC, catalog(roleArn), ["servicecatalog:CreateProvisioningArtifact"], "${aws_servicecatalog_product.pr.arn}"), "error", true)).toEqual([]);
  });
});

describe("2. Greengrass v2: a deployment runs as the token exchange role", () => {
  const IOT = "credentials.iot.amazonaws.com";
  const alias = { "aws_iot_role_alias.tes": { alias: "GreengrassV2TokenExchangeRoleAlias", role_arn: "${aws_iam_role.strong.arn}" } };
  test("CreateDeployment with CreateComponentVersion, or alone, reaches the alias's role and aliases outside the stack", () => {
    const json = stack(IOT, alias, ["greengrass:CreateDeployment", "greengrass:CreateComponentVersion"]);
    expect(reaches(json)).toEqual(["aws_iam_role.strong"]);
    expect(detail(json)).toContain("token exchange role's credentials, aws_iam_role.strong");
    expect(unknown(json)).toContain("IoT role aliases made outside this stack");
    expect(reaches(stack(IOT, alias, ["greengrass:CreateDeployment"]))).toEqual(["aws_iam_role.strong"]);
  });
  test("control: a component without a deployment is no path", () => {
    expect(errors(check(stack(IOT, alias, ["greengrass:CreateComponentVersion", "greengrass:ListDeployments"])))).toEqual([]);
  });
});

describe("3. SageMaker: inference components, Studio image versions and model data run as the execution role", () => {
  const SM = "sagemaker.amazonaws.com";
  const endpoint = (role = true) => ({
    "aws_sagemaker_endpoint_configuration.c": { name: "c", ...(role ? { execution_role_arn: "${aws_iam_role.strong.arn}" } : {}), production_variants: [{ variant_name: "v", instance_type: "ml.g5.xlarge", initial_instance_count: 1 }] },
    "aws_sagemaker_endpoint.e": { name: "e", endpoint_config_name: "${aws_sagemaker_endpoint_configuration.c.name}" },
    "aws_sagemaker_endpoint.other": { name: "other", endpoint_config_name: "elsewhere" },
  });
  test("CreateInferenceComponent on the endpoint, or UpdateInferenceComponent, reaches the configuration's role (a warning: assumed)", () => {
    const json = stack(SM, endpoint(), ["sagemaker:CreateInferenceComponent"], ["${aws_sagemaker_endpoint.e.arn}", "arn:aws:sagemaker:us-east-1:111111111111:inference-component/*"]);
    expect(reaches(json, "warning")).toEqual(["aws_iam_role.strong"]);
    expect(detail(json, "warning")).toContain("assumed: a container-only component runs with the configuration's execution role");
    expect(transitive(json, "error", true).length).toBe(1);
    expect(reaches(stack(SM, endpoint(), ["sagemaker:UpdateInferenceComponent"], "arn:aws:sagemaker:us-east-1:111111111111:inference-component/*"), "warning")).toEqual(["aws_iam_role.strong"]);
  });
  test("control: a configuration without an execution role, or another endpoint, is no path to the role", () => {
    expect(reaches(stack(SM, endpoint(false), ["sagemaker:CreateInferenceComponent"], "${aws_sagemaker_endpoint.e.arn}"), "warning")).toEqual([]);
    const other = stack(SM, endpoint(), ["sagemaker:CreateInferenceComponent"], "${aws_sagemaker_endpoint.other.arn}");
    expect(reaches(other, "warning")).toEqual([]);
    // Its configuration is outside the stack: a role blastwall cannot see.
    expect(JSON.stringify(check(other).findings.filter((f) => f.ruleId === "agent-reach-unknown"))).toContain("aws_sagemaker_endpoint.other's endpoint configuration");
  });

  const studio = (custom: Obj) => ({
    "aws_sagemaker_image.i": { image_name: "i", role_arn: "${aws_iam_role.strong.arn}" },
    "aws_sagemaker_image.j": { image_name: "j", role_arn: "${aws_iam_role.strong.arn}" },
    "aws_sagemaker_domain.d": {
      domain_name: "d",
      auth_mode: "IAM",
      vpc_id: "vpc-1",
      subnet_ids: ["subnet-1"],
      default_user_settings: [{ execution_role: "${aws_iam_role.strong.arn}", kernel_gateway_app_settings: [{ custom_image: [{ app_image_config_name: "a", ...custom }] }] }],
    },
  });
  test("CreateImageVersion on an image a domain runs reaches the domain's execution role", () => {
    const json = stack(SM, studio({ image_name: "${aws_sagemaker_image.i.id}" }), ["sagemaker:CreateImageVersion"], "${aws_sagemaker_image.i.arn}");
    expect(reaches(json)).toEqual(["aws_iam_role.strong"]);
    expect(detail(json)).toContain("a custom image aws_sagemaker_domain.d runs in Studio apps");
    // A grant written as a reference to the stack's image is judged here, not as compute outside the stack.
    expect(unknown(json)).toBe("");
    expect(reaches(stack(SM, studio({ image_name: "i" }), ["sagemaker:CreateImageVersion"], "arn:aws:sagemaker:us-east-1:111111111111:image/i"))).toEqual(["aws_iam_role.strong"]);
  });
  test("control: another image, or a pinned version, is no path", () => {
    expect(errors(check(stack(SM, studio({ image_name: "${aws_sagemaker_image.i.id}" }), ["sagemaker:CreateImageVersion"], "${aws_sagemaker_image.j.arn}")))).toEqual([]);
    expect(reaches(stack(SM, studio({ image_name: "i", image_version_number: 3 }), ["sagemaker:CreateImageVersion"], "arn:aws:sagemaker:us-east-1:111111111111:image/i"))).toEqual([]);
  });

  const model = (container: Obj) => ({
    "aws_sagemaker_model.m": { name: "m", execution_role_arn: "${aws_iam_role.strong.arn}", primary_container: [{ image: "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.1-cpu-py310@sha256:0000", ...container }] },
  });
  test("s3:PutObject on a model's model_data_url, model data prefix or SAGEMAKER_SUBMIT_DIRECTORY reaches its execution role", () => {
    const json = stack(SM, model({ model_data_url: "s3://models-bkt/model.tar.gz" }), ["s3:PutObject"], "arn:aws:s3:::models-bkt/model.tar.gz");
    expect(reaches(json)).toEqual(["aws_iam_role.strong"]);
    expect(detail(json)).toContain("s3://models-bkt/model.tar.gz (the model data a SageMaker model loads)");
    const prefix = model({ model_data_source: [{ s3_data_source: [{ s3_uri: "s3://models-bkt/llm/", s3_data_type: "S3Prefix", compression_type: "None" }] }] });
    expect(reaches(stack(SM, prefix, ["s3:PutObject"], "arn:aws:s3:::models-bkt/llm/config.json"))).toEqual(["aws_iam_role.strong"]);
    const submit = model({ environment: { SAGEMAKER_SUBMIT_DIRECTORY: "s3://code-bkt/sourcedir.tar.gz", SAGEMAKER_PROGRAM: "inference.py" } });
    expect(reaches(stack(SM, submit, ["s3:PutObject"], "arn:aws:s3:::code-bkt/sourcedir.tar.gz"))).toEqual(["aws_iam_role.strong"]);
  });
  test("control: a write beside the model's objects is no path to its role", () => {
    expect(reaches(stack(SM, model({ model_data_url: "s3://models-bkt/model.tar.gz" }), ["s3:PutObject"], "arn:aws:s3:::models-bkt/other/*"))).toEqual([]);
    expect(reaches(stack(SM, model({ environment: { SAGEMAKER_SUBMIT_DIRECTORY: "/opt/ml/model/code" } }), ["s3:PutObject"], "arn:aws:s3:::models-bkt/*"))).toEqual([]);
  });
});

describe("4. Amplify: a push to the CodeCommit repository an app builds from runs as its service role", () => {
  const AMP = "amplify.amazonaws.com";
  const app = (repository: string) => ({
    "aws_codecommit_repository.r": { repository_name: "site" },
    "aws_amplify_app.a": { name: "a", repository, iam_service_role_arn: "${aws_iam_role.strong.arn}" },
    "aws_amplify_branch.b": { app_id: "${aws_amplify_app.a.id}", branch_name: "main", enable_auto_build: true },
  });
  test("GitPush on the repository reaches the service role (a clone URL reference or a git-codecommit URL)", () => {
    const json = stack(AMP, app("${aws_codecommit_repository.r.clone_url_http}"), ["codecommit:GitPush"], "${aws_codecommit_repository.r.arn}");
    expect(reaches(json)).toEqual(["aws_iam_role.strong"]);
    expect(detail(json)).toContain("CodeCommit repository site, which aws_amplify_app.a runs as aws_iam_role.strong");
    expect(reaches(stack(AMP, app("https://git-codecommit.us-east-1.amazonaws.com/v1/repos/site"), ["codecommit:GitPush"], "${aws_codecommit_repository.r.arn}"))).toEqual(["aws_iam_role.strong"]);
  });
  test("control: an app that builds from GitHub is no path through CodeCommit", () => {
    expect(errors(check(stack(AMP, app("https://github.com/example/site"), ["codecommit:GitPush"], "${aws_codecommit_repository.r.arn}")))).toEqual([]);
  });
});

describe("5. IoT topic rules write what is published, as their role", () => {
  const IOT = "iot.amazonaws.com";
  const rule = (actions: Obj) => ({
    "aws_s3_bucket.data": { bucket: "prod-data" },
    "aws_dynamodb_table.t": { name: "t", hash_key: "id", billing_mode: "PAY_PER_REQUEST", attribute: [{ name: "id", type: "S" }] },
    "aws_dynamodb_table.safe": { name: "safe", hash_key: "id", billing_mode: "PAY_PER_REQUEST", attribute: [{ name: "id", type: "S" }], point_in_time_recovery: [{ enabled: true }] },
    "aws_iot_topic_rule.r": { name: "r", enabled: true, sql: "SELECT * FROM 'ingest/#'", sql_version: "2016-03-23", ...actions },
  });
  const overwrites = (json: Obj) => errors(check(json), "agent-overwrite-unprotected").map((f) => f.message);
  const s3 = { s3: [{ role_arn: "${aws_iam_role.strong.arn}", bucket_name: "${aws_s3_bucket.data.bucket}", key: "$${topic(2)}" }] };
  test("iot:Publish to the rule's topic overwrites an unversioned bucket (S3 action) or a table without PITR (dynamodbv2)", () => {
    const json = stack(IOT, rule(s3), ["iot:Publish"], "arn:aws:iot:us-east-1:111111111111:topic/ingest/*");
    expect(overwrites(json).join("\n")).toContain("can overwrite what aws_s3_bucket.data holds");
    expect(overwrites(json).join("\n")).toContain("topic rule aws_iot_topic_rule.r writes each published message as its role");
    const v2 = stack(IOT, rule({ dynamodbv2: [{ role_arn: "${aws_iam_role.strong.arn}", put_item: [{ table_name: "${aws_dynamodb_table.t.name}" }] }] }), ["iot:Publish"]);
    expect(overwrites(v2).join("\n")).toContain("aws_dynamodb_table.t");
    const v1 = stack(IOT, rule({ dynamodb: [{ role_arn: "${aws_iam_role.strong.arn}", table_name: "t", hash_key_field: "id", hash_key_value: "${topic(2)}" }] }), ["iot:Publish"]);
    expect(overwrites(v1).join("\n")).toContain("aws_dynamodb_table.t");
  });
  test("control: a publish to another topic, or a table with point-in-time recovery, is no overwrite", () => {
    expect(overwrites(stack(IOT, rule(s3), ["iot:Publish"], "arn:aws:iot:us-east-1:111111111111:topic/telemetry/*"))).toEqual([]);
    expect(overwrites(stack(IOT, rule({ dynamodbv2: [{ role_arn: "${aws_iam_role.strong.arn}", put_item: [{ table_name: "${aws_dynamodb_table.safe.name}" }] }] }), ["iot:Publish"]))).toEqual([]);
  });
});
