import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { App, Tags, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { z } from "zod";
import { DataStack } from "./data-stack.ts";
import { ServiceStack } from "./service-stack.ts";

/** Context values (`-c name=value`, defaults in cdk.json), checked before anything is built. */
const contextSchema = z.object({
  stage: z.string().regex(/^[a-z][a-z0-9-]{0,15}$/, "lower-case letters, digits and dashes"),
  senderEmail: z.email(),
  smsSenderId: z
    .string()
    .regex(/^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$/, "1-11 letters and digits, at least one letter"),
  webOrigin: z
    .url({ protocol: /^https?$/ })
    .refine((url) => new URL(url).origin === url, "an origin: no path"),
  identityIssuer: z.url({ protocol: /^https$/ }),
  identityAudience: z.string().min(1),
});

type PinContext = z.infer<typeof contextSchema>;

/** Reads and checks the context of the app; fails naming the value that is wrong. */
function readContext(app: App): PinContext {
  const raw = Object.fromEntries(
    Object.keys(contextSchema.shape).map((key) => [key, app.node.tryGetContext(key)]),
  );
  const result = contextSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid CDK context (-c name=value): ${problems.join("; ")}`);
  }
  return result.data;
}

/**
 * The PIN service: the stateful stack, then the stateless stack that uses its resources, both checked by
 * cdk-nag (AwsSolutions) on synthesis.
 */
export function definePinService(app: App): { data: DataStack; service: ServiceStack } {
  const context = readContext(app);
  // The service stack imports the data stack's exports; "strong" keeps an export while anything imports it
  // (the CDK default, made explicit). A feature flag; cdk.json does not set it.
  const referenceStrength = "@aws-cdk/core:defaultCrossStackReferences";
  if (app.node.tryGetContext(referenceStrength) === undefined)
    app.node.setContext(referenceStrength, "strong");
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };

  const data = new DataStack(app, `Pin-${context.stage}-Data`, {
    env,
    description: `PIN service (${context.stage}): table, buckets and keys`,
  });
  const service = new ServiceStack(app, `Pin-${context.stage}-Service`, {
    env,
    description: `PIN service (${context.stage}): API, functions, operators and jobs`,
    data,
    stage: context.stage,
    senderEmail: context.senderEmail,
    smsSenderId: context.smsSenderId,
    webOrigin: context.webOrigin,
    identityIssuer: context.identityIssuer,
    identityAudience: context.identityAudience,
  });

  Tags.of(app).add("service", "pin");
  Tags.of(app).add("stage", context.stage);
  // cdk-nag 3 runs as a CDK validation plugin: synthesis fails on any unacknowledged error. Acknowledgments are
  // also written to each resource's template Metadata (`cdk_nag.rules_to_suppress`) as an audit trail.
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }),
  );
  return { data, service };
}

// `cdk` runs this file (cdk.json); tests import `definePinService` and build their own App.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const app = new App();
  definePinService(app);
  app.synth();
}
