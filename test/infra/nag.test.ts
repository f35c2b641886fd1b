import { type CfnResource, Stack, Validations } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { CfnPolicy } from "aws-cdk-lib/aws-iam";
import * as s3 from "aws-cdk-lib/aws-s3";
import type { CloudAssembly } from "aws-cdk-lib/cx-api";
import { rules } from "cdk-nag";
import type { IConstruct } from "constructs";
import { beforeAll, describe, expect, it } from "vitest";
import { definePinService } from "../../infra/app.ts";
import { acknowledge } from "../../infra/nag.ts";
import { customWebOrigin, testApp, unacknowledgedFindings, validationReport } from "./synth.ts";

const assemblies: CloudAssembly[] = [];
const stacks: Stack[] = [];

/** The acknowledgments written into a template's Metadata (`cdk_nag.rules_to_suppress`), by resource. */
function acknowledgments(stack: Stack): Array<{ resource: string; id: string; reason: string }> {
  const resources = Template.fromStack(stack).toJSON().Resources as Record<
    string,
    { Metadata?: { cdk_nag?: { rules_to_suppress?: Array<{ id: string; reason: string }> } } }
  >;
  return Object.entries(resources).flatMap(([resource, { Metadata }]) =>
    (Metadata?.cdk_nag?.rules_to_suppress ?? []).map((rule: { id: string; reason: string }) => ({
      resource,
      ...rule,
    })),
  );
}

/** IAM5 findings acknowledged on a construct or its ancestors, without the rule prefix. */
function acknowledgedWildcards(construct: IConstruct): string[] {
  return construct.node.scopes
    .flatMap((scope) => scope.node.metadata)
    .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((entry) => Object.keys(entry.data as object))
    .map((id) => /^(?:annotation::)?AwsSolutions-IAM5\[(.+)\]$/i.exec(id)?.[1])
    .filter((finding) => finding !== undefined);
}

beforeAll(() => {
  // Both shapes of a deployment: on the distribution's own domain (cdk.json), and on a domain of its own.
  for (const context of [{}, { webOrigin: customWebOrigin }]) {
    const app = testApp(context, { templateChecks: true });
    const { data, service, edge } = definePinService(app);
    stacks.push(data, service, edge);
    // Throws when cdk-nag reports an unacknowledged error: the same check `cdk synth` makes.
    assemblies.push(app.synth());
  }
});

describe("cdk-nag AwsSolutions", () => {
  it("finds nothing unacknowledged in any stack, errors or warnings", () => {
    for (const stack of stacks) expect(unacknowledgedFindings(stack), stack.stackName).toEqual([]);
  });

  it("leaves the synthesized validation report empty (cdk-nag and CDK's template checks)", () => {
    for (const assembly of assemblies) expect(validationReport(assembly)).toEqual([]);
  });

  it("justifies every acknowledgment with a reason", () => {
    for (const stack of stacks) {
      const acknowledged = acknowledgments(stack);
      expect(acknowledged.length, stack.stackName).toBeGreaterThan(0);
      for (const { resource, id, reason } of acknowledged) {
        expect(id, resource).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
        expect(reason.trim().length, `${resource} ${id}`).toBeGreaterThanOrEqual(10);
      }
    }
  });

  it("acknowledges IAM wildcards finding by finding, never the whole rule", () => {
    const ids = stacks.flatMap((stack) => acknowledgments(stack).map((rule) => rule.id));
    expect(ids).not.toContain("AwsSolutions-IAM5");
    expect(ids.filter((id) => id.startsWith("AwsSolutions-IAM5["))).not.toEqual([]);
  });

  it("acknowledges exactly the IAM wildcard findings of each policy, no more", () => {
    const policies = stacks.flatMap((stack) =>
      stack.node.findAll().filter((node) => node instanceof CfnPolicy),
    );
    expect(policies.length).toBeGreaterThan(0);
    for (const policy of policies) {
      const result = rules.iam.IAMNoWildcardPermissions(policy as CfnResource);
      expect(new Set(acknowledgedWildcards(policy)), policy.node.path).toEqual(
        new Set(Array.isArray(result) ? result : []),
      );
    }
  });

  it("reports what it is not told to accept", () => {
    const app = testApp();
    const stack = new Stack(app, "Canary");
    new s3.Bucket(stack, "Open", { enforceSSL: false });
    const acknowledgedRule = new s3.Bucket(stack, "Acknowledged", { enforceSSL: false });
    acknowledge(acknowledgedRule, "Canary: acknowledged on purpose for this test.", "AwsSolutions-S10");
    const findings = unacknowledgedFindings(stack);
    expect(findings).toContain("error AwsSolutions-S10 at Canary/Open/Resource");
    expect(findings).toContain("error AwsSolutions-S1 at Canary/Acknowledged/Resource");
    expect(findings).not.toContain("error AwsSolutions-S10 at Canary/Acknowledged/Resource");
  });
});
