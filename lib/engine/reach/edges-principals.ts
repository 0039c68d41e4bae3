/** Edges that make the agent another principal: minting a user's credentials, joining a group, creating a principal and filling it. */
import type { PrincipalNode } from "../analysis-types";
import { globsIntersect } from "../iam/glob";
import { BECOME_USER_ACTIONS, CREATE_PRINCIPAL, SERVICE_CREDENTIAL_ACTIONS, serviceCredentialServices, serviceScope } from "./compute";
import { grantText, type AddEdge } from "./edge";
import type { EdgeContext } from "./edge-context";

export function becomeUserEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge): void {
  for (const action of BECOME_USER_ACTIONS) {
    for (const g of ctx.grants(p, action)) {
      for (const r of g.resources) {
        for (const u of ctx.users.matching(r)) add(u.address, "become-user", action, () => `${grantText(g)} lets it mint credentials for ${u.address}`, g.statement.source.address);
        if (ctx.users.reachesOutside(r)) add(ctx.unknown(`users:${r}`, `users matching ${r}, which may lie outside this stack`), "become-user", action, () => `${grantText(g)} lets it mint credentials for users outside this stack`, g.statement.source.address);
      }
    }
  }
  // Credentials for one service (an SSH key, a service-specific credential) make it the user in that service only.
  for (const c of SERVICE_CREDENTIAL_ACTIONS) {
    for (const g of ctx.grants(p, c.action)) {
      const services = serviceCredentialServices(c, g.statement.conditions);
      if (services.length === 0) continue;
      const scope = serviceScope(services);
      for (const r of g.resources) {
        for (const u of ctx.users.matching(r)) {
          add(ctx.scopedUserId(u, services), "become-user", c.action, () => `${grantText(g)} lets it ${c.does} ${u.address}, which acts as that user in ${scope.name} only (it signs no AWS API request)`, g.statement.source.address);
        }
        if (ctx.users.reachesOutside(r)) add(ctx.unknown(`users:${r}`, `users matching ${r}, which may lie outside this stack`), "become-user", c.action, () => `${grantText(g)} lets it ${c.does} users outside this stack, whose rights in ${scope.name} blastwall cannot see`, g.statement.source.address);
      }
    }
  }
  for (const g of ctx.grants(p, "iam:AddUserToGroup")) {
    for (const r of g.resources) {
      for (const grp of ctx.groups.matching(r)) add(grp.address, "join-group", "iam:AddUserToGroup", () => `${grantText(g)} lets it add a user it controls to ${grp.address}`, g.statement.source.address);
      if (ctx.groups.reachesOutside(r)) add(ctx.unknown(`groups:${r}`, `groups matching ${r}, which may lie outside this stack`), "join-group", "iam:AddUserToGroup", () => `${grantText(g)} lets it join groups outside this stack`, g.statement.source.address);
    }
  }
}

/**
 * Creating a principal and filling it with policies, on patterns that meet: the new principal may hold any right
 * (an unknown node, which counts as every right).
 */
export function createPrincipalEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge): void {
  for (const c of CREATE_PRINCIPAL) {
    const creates = ctx.grants(p, c.create);
    if (creates.length === 0) continue;
    const meets = (action: string, on: readonly string[]) =>
      ctx.grants(p, action).find((g) => g.resources.some((r) => on.some((x) => globsIntersect(r, x))));
    for (const create of creates) {
      const fill = c.fill.map((a) => ({ a, g: meets(a, create.resources) })).find((x) => x.g);
      if (!fill) continue;
      const use = c.use.map((a) => ({ a, g: meets(a, create.resources) })).find((x) => x.g);
      if (c.use.length > 0 && !use) continue;
      const on = create.resources.join(", ");
      add(
        ctx.unknown(`create-${c.kind}:${on}`, `a new ${c.kind} it creates (${c.create} on ${on}) and fills with any policy (${fill.a})`),
        "create-principal",
        c.create,
        () =>
          `${grantText(create)} and ${grantText(fill.g!)}${use ? ` and ${grantText(use.g!)}` : ""} let it create a ${c.kind}, give it any policy` +
          (c.kind === "role" ? " and a trust policy naming itself, and assume it" : ` and ${use!.a === "iam:CreateAccessKey" ? "a key" : "a password"} to act as it`),
        create.statement.source.address,
      );
      break;
    }
  }
}
