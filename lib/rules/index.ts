import type { Rule } from "../engine/rule";
import { rule as agentDestroyRight } from "./agent-destroy-right";
import { rule as agentProtectionRemoval } from "./agent-protection-removal";
import { rule as agentSelfEscalation } from "./agent-self-escalation";
import { rule as unanalysablePolicy } from "./unanalysable-policy";
import { rule as unresolvedAttachment } from "./unresolved-attachment";
import { rule as agentTransitiveDestroy } from "./agent-transitive-destroy";
import { rule as agentReachUnknown } from "./agent-reach-unknown";
import { rule as agentStoredSecret } from "./agent-stored-secret";
import { rule as resourcePolicyGrant } from "./resource-policy-grant";
import { rule as agentResourcePolicyRewrite } from "./agent-resource-policy-rewrite";

/** Every rule `blastwall check` and the synth-time aspect run, in report order. */
export const allRules: readonly Rule[] = [
  agentDestroyRight,
  agentProtectionRemoval,
  agentSelfEscalation,
  unanalysablePolicy,
  unresolvedAttachment,
  agentTransitiveDestroy,
  agentReachUnknown,
  agentStoredSecret,
  resourcePolicyGrant,
  agentResourcePolicyRewrite,
];
