/** `mentionedIn` (engine/terraform/referenced.ts): the one scan of an expression for what it is built from. */
import { mentionedIn } from "../../lib/engine/terraform/referenced";
import type { TfResource, TfStack } from "../../lib/engine/terraform/types";

const res = (address: string): TfResource => ({ address, mode: address.startsWith("data.") ? "data" : "managed", type: address.replace(/^data\./, "").split(".")[0], values: {} }) as unknown as TfResource;
const stack = (...addresses: string[]): TfStack => ({ byAddress: new Map(addresses.map((a) => [a, res(a)])) }) as unknown as TfStack;

test("reads resources and data sources anywhere in an expression, with the attribute, an index skipped", () => {
  const s = stack("aws_apigatewayv2_api.h", "data.aws_region.here", "aws_lb.l");
  const got = mentionedIn(s, 'replace(aws_apigatewayv2_api.h.api_endpoint, "https://", format("%s", data.aws_region.here.name)) == aws_lb.l[0].dns_name ? aws_lb.l : var.x');
  expect(got.map((m) => [m.resource.address, m.attribute])).toEqual([
    ["aws_apigatewayv2_api.h", "api_endpoint"],
    ["data.aws_region.here", "name"],
    ["aws_lb.l", "dns_name"],
    ["aws_lb.l", undefined],
  ]);
});

test("control: names not in the stack, and an attribute path that only looks like an address, are not read", () => {
  expect(mentionedIn(stack("aws_lb.l"), "var.aws_lb.l_x + local.aws_lb + module.m.aws_lb")).toEqual([]);
});
