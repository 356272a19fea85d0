// The built-in rule set. Order here is the order of the rule reference.

import type { Rule } from "../engine/rule.js";
import { automountServiceAccountTokenRule } from "./automount-service-account-token.js";
import { controlPlaneTolerationRule } from "./control-plane-toleration.js";
import { hostNamespaceRule } from "./host-namespace.js";
import { hostPathRule } from "./host-path.js";
import { hostPortRule } from "./host-port.js";
import { imageRegistryRule } from "./image-registry.js";
import { imageTagMutableRule } from "./image-tag-mutable.js";
import { livenessProbeMissingRule } from "./liveness-probe-missing.js";
import { loadBalancerSourceRangesRule } from "./load-balancer-source-ranges.js";
import { networkPolicyMissingRule } from "./network-policy-missing.js";
import { privilegeEscalationRule } from "./privilege-escalation.js";
import { privilegedContainerRule } from "./privileged-container.js";
import { rbacAggregationRule } from "./rbac-aggregation.js";
import { rbacBindingRule } from "./rbac-binding.js";
import { rbacEscalationRule } from "./rbac-escalation.js";
import { readinessProbeMissingRule } from "./readiness-probe-missing.js";
import { resourcesMissingRule } from "./resources-missing.js";
import { secretInEnvRule } from "./secret-in-env.js";
import { serviceAccountAddedRule } from "./service-account-added.js";
import { serviceAccountChangedRule } from "./service-account-changed.js";
import { serviceExternalIpsRule } from "./service-external-ips.js";
import { serviceLoadBalancerRule } from "./service-load-balancer.js";
import { serviceNodePortRule } from "./service-node-port.js";

export const RULES: readonly Rule[] = [
  serviceLoadBalancerRule,
  serviceNodePortRule,
  readinessProbeMissingRule,
  livenessProbeMissingRule,
  resourcesMissingRule,
  imageRegistryRule,
  networkPolicyMissingRule,
  serviceAccountChangedRule,
  serviceAccountAddedRule,
  rbacEscalationRule,
  rbacBindingRule,
  rbacAggregationRule,
  controlPlaneTolerationRule,
  privilegedContainerRule,
  privilegeEscalationRule,
  hostNamespaceRule,
  hostPathRule,
  hostPortRule,
  secretInEnvRule,
  automountServiceAccountTokenRule,
  serviceExternalIpsRule,
  loadBalancerSourceRangesRule,
  imageTagMutableRule,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((rule) => rule.id === id);
}

export { ruleDocsUrl } from "./docs-url.js";
