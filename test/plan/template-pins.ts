/**
 * The pinned-URL tests: a template URL judged as a nested stack's TemplateURL and as a stack's template_url, in an
 * update that changes tags alone (a URL that is not a pin makes it count).
 */
import { judged, stack, tpl } from "./template-stacks";

/** A version id shaped like S3's. */
export const V = "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY";

/** The verdict on a stack whose nested stack's TemplateURL is `url`. */
export const nested = (url: string) => {
  const t = tpl({ N: { Type: "AWS::CloudFormation::Stack", Properties: { TemplateURL: url } } });
  return judged([stack(t, t, [{}, {}], [{ tags: { a: "1" } }, { tags: { a: "2" } }])]);
};

const TABLE = tpl({ T: { Type: "AWS::DynamoDB::Table", Properties: { TableName: "orders", KeySchema: [{ AttributeName: "id", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], BillingMode: "PAY_PER_REQUEST" } } });

/** The verdict on a stack whose own template_url is `url`. */
export const top = (url: string) => judged([stack(TABLE, TABLE, [{}, {}], [{ template_url: url, tags: { a: "1" } }, { template_url: url, tags: { a: "2" } }])]);
