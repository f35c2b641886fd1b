import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { App, type CfnElement, type NestedStack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import type { CloudAssembly } from "aws-cdk-lib/cx-api";
import { AwsSolutionsChecks } from "cdk-nag";
import type { IConstruct } from "constructs";

/** The context of cdk.json: the defaults and feature flags `cdk synth` uses. */
export const cdkContext: Record<string, unknown> = JSON.parse(
  readFileSync(new URL("../../cdk.json", import.meta.url), "utf8"),
).context;

/** A web origin of the deployment's own (`-c webOrigin=...`): a custom domain with its certificate. */
export const customWebOrigin = "https://pin.example.org";

/**
 * An App with the context of cdk.json and bundling skipped: with an empty `aws:cdk:bundling-stacks`,
 * NodejsFunction stages no asset and never runs esbuild, which keeps a synthesis to a few seconds. CDK's own
 * CloudFormation template checks cost a few more; only the test of the validation report needs them.
 */
export function testApp(
  context: Record<string, unknown> = {},
  { templateChecks = false }: { templateChecks?: boolean } = {},
): App {
  return new App({
    context: { ...cdkContext, "aws:cdk:bundling-stacks": [], ...context },
    builtinCloudFormationValidation: templateChecks,
  });
}

/** Asset directories staged in a cloud assembly: none when bundling was skipped. */
export function stagedAssets(assembly: CloudAssembly): string[] {
  return readdirSync(assembly.directory).filter((name) => name.startsWith("asset."));
}

/** Rule violations of the synthesized app's validation report (cdk-nag and CDK's own template checks). */
export function validationReport(assembly: CloudAssembly): unknown[] {
  return JSON.parse(readFileSync(join(assembly.directory, "validation-report.json"), "utf8")).pluginReports;
}

/** cdk-nag AwsSolutions findings (errors and warnings) that nothing acknowledges, as readable lines. */
export function unacknowledgedFindings(scope: IConstruct): string[] {
  const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(scope);
  return report.violations.flatMap((violation) =>
    violation.violatingResources.map(
      (resource) => `${violation.severity} ${violation.ruleName} at ${resource.constructPath}`,
    ),
  );
}

// biome-ignore lint/suspicious/noExplicitAny: template JSON
type Json = any;

/**
 * A nested stack's template (`Template.fromStack(nested)`) as its parent deploys it: every parameter replaced by
 * the value the parent's `AWS::CloudFormation::Stack` resource passes (a `Ref` or `Fn::GetAtt` of one of the
 * parent's resources), so assertions name the parent's resources exactly as they would in the parent's template.
 * A parameter the parent does not pass fails here, as it would fail the deployment.
 */
export function nestedTemplate(nested: NestedStack): Template {
  const parent = nested.nestedStackParent;
  const resource = nested.nestedStackResource as CfnElement | undefined;
  if (!parent || !resource) throw new Error(`${nested.node.path} is not a nested stack`);
  const passed: Record<string, Json> =
    Template.fromStack(parent).toJSON().Resources[parent.resolve(resource.logicalId)].Properties.Parameters ??
    {};
  const template = Template.fromStack(nested).toJSON();
  const declared = Object.keys(template.Parameters ?? {});
  const missing = declared.filter((name) => !(name in passed));
  if (missing.length > 0)
    throw new Error(`${nested.node.path}: parameters not passed: ${missing.join(", ")}`);
  const substitute = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(substitute);
    if (value === null || typeof value !== "object") return value;
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === "Ref" && declared.includes(value.Ref)) return passed[value.Ref];
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, substitute(inner)]));
  };
  const { Parameters: _, ...rest } = template;
  return Template.fromJSON(substitute(rest));
}
