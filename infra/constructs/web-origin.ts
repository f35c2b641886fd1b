import { Stack } from "aws-cdk-lib";
import type * as cognito from "aws-cdk-lib/aws-cognito";
import * as iam from "aws-cdk-lib/aws-iam";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as cr from "aws-cdk-lib/custom-resources";
import { Construct } from "constructs";
import { acknowledge } from "../nag.ts";

/**
 * A deployment given no `webOrigin` answers on its CloudFront distribution's own domain (`dxxxx.cloudfront.net`).
 * The distribution points at the HTTP API, so it is created after the service: the three things of the data and
 * service stacks that name the origin learn it from the edge stack, once the distribution exists:
 * - the functions, from an SSM parameter (`webOriginParameterName`) read at their first invocation;
 * - the uploads bucket's CORS rule (browsers POST documents to it from the pages);
 * - the operator console's Cognito client, whose sign-in may only return to a registered URL.
 */

/** Where the edge stack writes the web origin for the functions; in the service's region. */
export function webOriginParameterName(stage: string): string {
  return `/pin/${stage}/web-origin`;
}

/**
 * The uploads bucket's one CORS rule (F10): browsers upload conversion documents with presigned POSTs and the
 * back office previews them with presigned GETs, from the web origin only. The authorisation is in the form
 * fields or the query string, so no request header beyond the body's type is needed; the ETag confirms an
 * upload to the page.
 */
export function uploadsCorsRule(origin: string): s3.CorsRule {
  return {
    id: "web-documents",
    allowedOrigins: [origin],
    allowedMethods: [s3.HttpMethods.POST, s3.HttpMethods.GET, s3.HttpMethods.HEAD],
    allowedHeaders: ["content-type"],
    exposedHeaders: ["ETag"],
    maxAge: 600,
  };
}

/** The same rule as S3's PutBucketCors takes it. */
function corsRuleForApi(rule: s3.CorsRule) {
  return {
    ID: rule.id,
    AllowedOrigins: rule.allowedOrigins,
    AllowedMethods: rule.allowedMethods,
    AllowedHeaders: rule.allowedHeaders,
    ExposeHeaders: rule.exposedHeaders,
    MaxAgeSeconds: rule.maxAge,
  };
}

/**
 * The console client's settings as Cognito's UpdateUserPoolClient takes them, read from the client's template
 * properties. UpdateUserPoolClient resets whatever it is not given, so everything the template sets is passed
 * on; only the sign-in and sign-out URLs differ.
 */
export function consoleClientUpdate(client: cognito.UserPoolClient, origin: string): Record<string, unknown> {
  const cfn = client.node.defaultChild as cognito.CfnUserPoolClient;
  const units = cfn.tokenValidityUnits as cognito.CfnUserPoolClient.TokenValidityUnitsProperty | undefined;
  const settings: Record<string, unknown> = {
    UserPoolId: cfn.userPoolId,
    ClientId: client.userPoolClientId,
    ClientName: cfn.clientName,
    ExplicitAuthFlows: cfn.explicitAuthFlows,
    AllowedOAuthFlows: cfn.allowedOAuthFlows,
    AllowedOAuthScopes: cfn.allowedOAuthScopes,
    AllowedOAuthFlowsUserPoolClient: cfn.allowedOAuthFlowsUserPoolClient,
    SupportedIdentityProviders: cfn.supportedIdentityProviders,
    PreventUserExistenceErrors: cfn.preventUserExistenceErrors,
    EnableTokenRevocation: cfn.enableTokenRevocation,
    EnablePropagateAdditionalUserContextData: cfn.enablePropagateAdditionalUserContextData,
    AuthSessionValidity: cfn.authSessionValidity,
    AccessTokenValidity: cfn.accessTokenValidity,
    IdTokenValidity: cfn.idTokenValidity,
    RefreshTokenValidity: cfn.refreshTokenValidity,
    TokenValidityUnits: units && {
      AccessToken: units.accessToken,
      IdToken: units.idToken,
      RefreshToken: units.refreshToken,
    },
    ReadAttributes: cfn.readAttributes,
    WriteAttributes: cfn.writeAttributes,
    DefaultRedirectURI: cfn.defaultRedirectUri,
    CallbackURLs: [`${origin}/operator/`],
    LogoutURLs: [`${origin}/operator/`],
  };
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
}

export interface WebOriginWiringProps {
  /** `https://<distribution domain>`, a token. */
  readonly origin: string;
  /** Region of the data and service stacks. */
  readonly region: string;
  /** The SSM parameter the origin is written to, for the functions. */
  readonly parameterName: string;
  /** The bucket browsers upload to: its CORS rule allows the origin. @default - no CORS rule written */
  readonly uploadsBucket?: s3.IBucket;
  /** The console's client: its sign-in URLs name the origin. @default - no client updated */
  readonly consoleClient?: cognito.UserPoolClient;
}

/**
 * In the edge stack: tells the service's region the distribution's origin (see the top of this file) with
 * CDK's AwsCustomResource, one SDK call each, made on creation and again whenever its parameters change (the
 * origin, the CORS rule, any setting of the console client).
 */
export class WebOriginWiring extends Construct {
  private readonly region: string;

  constructor(scope: Construct, id: string, props: WebOriginWiringProps) {
    super(scope, id);
    this.region = props.region;
    const stack = Stack.of(this);
    const inRegion = (resource: string, resourceName: string, service: string) =>
      stack.formatArn({ service, region: props.region, resource, resourceName });

    this.call(
      "Parameter",
      {
        service: "SSM",
        action: "PutParameter",
        parameters: { Name: props.parameterName, Value: props.origin, Type: "String", Overwrite: true },
      },
      ["ssm:PutParameter", "ssm:DeleteParameter"],
      inRegion("parameter", props.parameterName.replace(/^\//, ""), "ssm"),
      {
        service: "SSM",
        action: "DeleteParameter",
        parameters: { Name: props.parameterName },
        ignoreErrorCodesMatching: "ParameterNotFound",
      },
    );

    if (props.uploadsBucket) {
      // The bucket's plain Ref: `bucketName` refuses a cross-region reference to a bucket without a fixed name.
      const bucket = (props.uploadsBucket.node.defaultChild as s3.CfnBucket).ref;
      this.call(
        "UploadsCors",
        {
          service: "S3",
          action: "PutBucketCors",
          parameters: {
            Bucket: bucket,
            CORSConfiguration: { CORSRules: [corsRuleForApi(uploadsCorsRule(props.origin))] },
          },
        },
        ["s3:PutBucketCORS"],
        stack.formatArn({ service: "s3", region: "", account: "", resource: bucket }),
        { service: "S3", action: "DeleteBucketCors", parameters: { Bucket: bucket } },
      );
    }

    if (props.consoleClient) {
      const update = consoleClientUpdate(props.consoleClient, props.origin);
      this.call(
        "ConsoleClient",
        { service: "CognitoIdentityProvider", action: "UpdateUserPoolClient", parameters: update },
        ["cognito-idp:UpdateUserPoolClient"],
        inRegion("userpool", update.UserPoolId as string, "cognito-idp"),
      );
    }
  }

  /** CDK's AwsCustomResource function, one per stack, shared by the calls above. */
  private acknowledgeFunction(resource: cr.AwsCustomResource): void {
    acknowledge(
      resource.grantPrincipal as unknown as Construct,
      "CDK's AwsCustomResource function logs through the AWS managed basic execution policy (CloudWatch Logs only); its other grants are the calls above, each on its one resource.",
      "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
    );
  }

  private call(
    id: string,
    sdkCall: Omit<cr.AwsSdkCall, "region" | "physicalResourceId">,
    actions: string[],
    resourceArn: string,
    onDelete?: Omit<cr.AwsSdkCall, "region">,
  ): cr.AwsCustomResource {
    const resource = new cr.AwsCustomResource(this, id, {
      onUpdate: { ...sdkCall, region: this.region, physicalResourceId: cr.PhysicalResourceId.of(id) },
      onDelete: onDelete && { ...onDelete, region: this.region },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions, resources: [resourceArn] }),
      ]),
      // The SDK of the function's runtime: nothing is downloaded while the stack deploys.
      installLatestAwsSdk: false,
    });
    this.acknowledgeFunction(resource);
    return resource;
  }
}
