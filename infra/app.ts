import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { App, Tags, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { z } from "zod";
import { webOriginParameterName } from "./constructs/web-origin.ts";
import { DataStack } from "./data-stack.ts";
import { EdgeStack, edgeRegion } from "./edge-stack.ts";
import { ServiceStack } from "./service-stack.ts";

/** Context values (`-c name=value`, defaults in cdk.json), checked before anything is built. */
const contextSchema = z.object({
  /** Region of the data and service stacks; the edge stack is always in us-east-1. */
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "an AWS region, e.g. eu-south-1"),
  stage: z.string().regex(/^[a-z][a-z0-9-]{0,15}$/, "lower-case letters, digits and dashes"),
  senderEmail: z.email(),
  smsSenderId: z
    .string()
    .regex(/^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$/, "1-11 letters and digits, at least one letter"),
  /**
   * Optional: the CloudFront distribution answers on this origin's host name, over HTTPS only (a certificate
   * validated by DNS). Without it, the service's origin is the distribution's own domain.
   */
  webOrigin: z
    .url({ protocol: /^https$/ })
    .refine((url) => new URL(url).origin === url, "an origin: no path")
    .optional(),
  identityIssuer: z.url({ protocol: /^https$/ }),
  identityAudience: z.string().min(1),
  /** Optional: an address the alarm topic e-mails (SNS e-mail subscription, confirmed by its owner). */
  alarmEmail: z.email().optional(),
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
 * The PIN service: the stateful stack, then the stateless stack that uses its resources, then the public edge
 * in front of it (CloudFront and AWS WAF, in us-east-1), all checked by cdk-nag (AwsSolutions) on synthesis.
 */
export function definePinService(app: App): { data: DataStack; service: ServiceStack; edge: EdgeStack } {
  const context = readContext(app);
  // The service stack imports the data stack's exports; "strong" keeps an export while anything imports it
  // (the CDK default, made explicit). A feature flag; cdk.json does not set it.
  const referenceStrength = "@aws-cdk/core:defaultCrossStackReferences";
  if (app.node.tryGetContext(referenceStrength) === undefined)
    app.node.setContext(referenceStrength, "strong");
  // An explicit region: the edge stack, in us-east-1, reads the HTTP API's id across regions.
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: context.region };

  const data = new DataStack(app, `Pin-${context.stage}-Data`, {
    env,
    description: `PIN service (${context.stage}): table, buckets and keys`,
    webOrigin: context.webOrigin,
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
    alarmEmail: context.alarmEmail,
  });

  const edge = new EdgeStack(app, `Pin-${context.stage}-Edge`, {
    env: { ...env, region: edgeRegion },
    description: `PIN service (${context.stage}): CloudFront distribution and AWS WAF web ACL`,
    api: service.api,
    webOrigin: context.webOrigin,
    webOriginParameter: webOriginParameterName(context.stage),
    consoleClient: service.userPoolClient,
    uploadsBucket: data.uploadsBucket,
    operatorSignIn: {
      domain: service.userPoolDomain.baseUrl(),
      clientId: service.userPoolClient.userPoolClientId,
    },
  });

  Tags.of(app).add("service", "pin");
  Tags.of(app).add("stage", context.stage);
  // cdk-nag 3 runs as a CDK validation plugin: synthesis fails on any unacknowledged error. Acknowledgments are
  // also written to each resource's template Metadata (`cdk_nag.rules_to_suppress`) as an audit trail.
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }),
  );
  return { data, service, edge };
}

// `cdk` runs this file (cdk.json); tests import `definePinService` and build their own App.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const app = new App();
  definePinService(app);
  app.synth();
}
