import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
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
