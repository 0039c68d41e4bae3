import type { RuleMeta } from "../engine/findings";
import { REACH_LIMIT_META } from "./reach-limit";

/** Findings the runner itself raises (not rules over a stack). */
export const INPUT_METAS: readonly RuleMeta[] = [
  // Raised by the engine for a stack whose reach graph passed its limit (reach-limit.ts), for every agent of it.
  REACH_LIMIT_META,
  {
    id: "acknowledgement-expired",
    title: "An acknowledgement has expired",
    why: "An acknowledgement is a reviewed, time-boxed exception. After its date the reason it gave is no longer vouched for.",
    fix: "Review the finding again: fix it, or renew the acknowledgement with a new date and reason.",
    severity: "error",
    category: "input",
  },
  {
    id: "config-severity-lowered",
    title: "The config lowers a rule that reports errors to warning or off",
    why:
      "A severity override silences every finding of a rule at once, with no reason and no expiry: a gate that is quietly " +
      "switched off looks exactly like one that passes. The report says so every time for a rule listed as an error rule, and " +
      "for any other rule whose findings were errors in the run (a warning rule reports errors where the case is serious, or under --strict).",
    fix:
      "Remove the override; acknowledge intended findings one by one, with a reason and an expiry. For config-address-unmatched, config-protected-unmatched and " +
      "config-selector-unmatched, lowered for a config shared by stacks checked in separate runs, the warning stays to keep the lowering " +
      "visible: check that each entry it names is in a stack of another run, or check every stack in one run and remove the override.",
    severity: "warning",
    category: "input",
  },
  {
    id: "config-address-unmatched",
    title: "An agents.addresses entry of the config names no resource of the files checked",
    why:
      "blastwall.json names agents by Terraform address. An address that matches nothing (a typo, a resource renamed or moved into a " +
      "module) selects no agent, and the agent it meant is checked by nothing: the gate passes it. An agent that edits the stack code " +
      "can rename its own role's address out of the protected config that way, so it is an error; a config shared by stacks " +
      "checked in other runs lowers it in its `severity` map.",
    fix:
      "Correct the entry to the address it meant, or remove it; check the stack that has it in the same run. Name each agent both ways: " +
      "its role or user by `agents.names` (a harmless role placed at the old address satisfies an address, never a name) and its runtime " +
      "(the function, association or task definition its code runs in) by address.",
    severity: "error",
    category: "input",
  },
  {
    id: "config-protected-unmatched",
    title: "A protected.addresses or protected.types entry of the config names nothing",
    why:
      "A `protected` address or type in blastwall.json that matches no resource (a typo, a resource renamed or moved into a " +
        "module, a type the AWS provider does not have) protects nothing: the plan gate lets through the delete of the resource " +
        "it was meant to keep.",
    details:
      "blastwall.json protects resources by Terraform address and type. An address that matches no resource (a typo, a " +
        "resource renamed or moved into a module), or a type the AWS provider does not have (`aws_sns_topc`, `docdb_cluster`), " +
        "protects nothing: the plan gate passes the delete of the resource it was meant for. " +
        "Judged in `blastwall check` over every stack checked in the run, and in `blastwall gate` over the plan; a real AWS type that " +
        "no resource has yet is not reported (it protects resources added later), nor, by check, an address inside a module it cannot " +
        "read (a registry or git module: a note says the plan gate judges it). A config shared by stacks checked or planned separately " +
        "lowers it in its `severity` map, which the plan gate reads for this rule (the entry it is about is in the same file).",
    fix:
      "Correct the entry to the address or type it meant (as `terraform state list` names it; types with their `aws_` prefix, in lower case), " +
      "or remove it; check the stacks that share the config in one run, or set this rule to \"warning\" in the config's `severity` map.",
    severity: "error",
    category: "input",
  },
  {
    id: "config-selector-unmatched",
    title: "An agents.names glob or the agents.tags selector of the config selects no principal of the files checked",
    why:
      "A glob or tag selector that matches nothing in any stack of the run makes no principal an agent: a typo, a role renamed, or a " +
      "tag dropped from the agent's role in the stack code (which an agent can edit) leaves the agent it meant unjudged, and the gate " +
      "passes it. A warning, since one config may serve stacks checked in other runs; an error with --strict.",
    fix:
      "Correct the glob or tags to the agent's role name or tags, or remove them; if the agent's role was renamed or lost its tag, find out why. " +
      "A config shared by stacks checked in other runs sets this rule's severity to \"off\" (or \"error\" to fail on it) in its `severity` map.",
    severity: "warning",
    category: "input",
  },
  {
    id: "acknowledgement-unscoped",
    title: "An acknowledgement without a stack covered findings in several stacks",
    why:
      "Stacks built from the same code share Terraform addresses: the staging role and the prod role are both `aws_iam_role.deployer`. " +
      "An acknowledgement that names no stack, reviewed for one of them, silently covers the other too.",
    fix: 'Give the acknowledgement a `"stack"` (one entry per stack it is meant for).',
    severity: "warning",
    category: "input",
  },
  {
    id: "acknowledgement-unpinned",
    title: "An acknowledgement without grants covered findings",
    why:
      "An acknowledgement names a rule, a principal and at most a resource and actions: without `grants` it keeps covering the finding " +
      "after the statements that grant it are widened (a condition dropped, a Resource set to `*`) or another policy grants the same " +
      "right. Stack code is what an AI agent edits, so it can widen its own reviewed right that way without failing the gate.",
    fix:
      'Add `"grants"` with the digest the finding reports (the warning gives the whole entry to paste): the acknowledgement then covers ' +
      "the finding only while what grants it is what was reviewed. Set this rule's severity to \"error\" to require pinned acknowledgements.",
    severity: "warning",
    category: "input",
  },
];
