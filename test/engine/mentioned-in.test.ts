/** `mentionedIn` (engine/terraform/referenced.ts): the one scan of an expression for what it is built from. */
import { mentionedIn } from "../../lib/engine/terraform/referenced";
import { AddressMap, type TfResource, type TfStack } from "../../lib/engine/terraform/types";

const res = (address: string): TfResource => ({ address, mode: address.startsWith("data.") ? "data" : "managed", type: address.replace(/^data\./, "").split(".")[0], values: {} }) as unknown as TfResource;
const stack = (...addresses: string[]): TfStack => {
  const all = addresses.map(res);
  const byType = new Map<string, TfResource[]>();
  for (const r of all) byType.set(r.type, [...(byType.get(r.type) ?? []), r]);
  return { byAddress: new AddressMap(all.map((r) => [r.address, r])), byType } as unknown as TfStack;
};

test("reads resources and data sources anywhere in an expression, with the attribute; an index on a resource kept whole finds it", () => {
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

/** Red-team round 169a, F5: a folder's reader makes instances of a resource with count or for_each. */
test("an index names the instance a folder's reader made; an index it cannot read, or none, any instance", () => {
  const s = stack("aws_apigatewayv2_api.h[0]", "aws_apigatewayv2_api.h[1]", 'aws_lb.l["a"]', 'aws_lb.l["b"]', "data.aws_region.r[0]");
  const at = (expr: string) => mentionedIn(s, expr).map((m) => [m.resource.address, m.attribute]);
  expect(at("aws_apigatewayv2_api.h[1].api_endpoint")).toEqual([["aws_apigatewayv2_api.h[1]", "api_endpoint"]]);
  expect(at('lower(aws_lb.l["b"].dns_name)')).toEqual([['aws_lb.l["b"]', "dns_name"]]);
  expect(at("data.aws_region.r[0].name")).toEqual([["data.aws_region.r[0]", "name"]]);
  expect(at("aws_apigatewayv2_api.h[count.index].id")).toEqual([
    ["aws_apigatewayv2_api.h[0]", "id"],
    ["aws_apigatewayv2_api.h[1]", "id"],
  ]);
  expect(at("aws_lb.l")).toEqual([
    ['aws_lb.l["a"]', undefined],
    ['aws_lb.l["b"]', undefined],
  ]);
});

test("control: an instance the stack does not have, and a name that only starts like the resource's, are not read", () => {
  const s = stack("aws_apigatewayv2_api.h[0]", "aws_apigatewayv2_api.hh[0]");
  expect(mentionedIn(s, "aws_apigatewayv2_api.h[3].id")).toEqual([]);
  expect(mentionedIn(s, "aws_apigatewayv2_api.h[0].id").map((m) => m.resource.address)).toEqual(["aws_apigatewayv2_api.h[0]"]);
});
