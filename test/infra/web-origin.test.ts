import type { CfnElement } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { definePinService } from "../../infra/app.ts";
import { webOriginParameterName } from "../../infra/constructs/web-origin.ts";
import { DataStack } from "../../infra/data-stack.ts";
import type { EdgeStack } from "../../infra/edge-stack.ts";
import type { ServiceStack } from "../../infra/service-stack.ts";
import { type FunctionName, functionDefinitions } from "../../shared/functions.ts";
import { cdkContext, testApp } from "./synth.ts";

// biome-ignore lint/suspicious/noExplicitAny: template JSON, read by path in assertions
type Json = any;

/**
 * A template value as a string: `Fn::Join` joined, an attribute as `<logicalId.Attribute>`, another stack's
 * output as `<output:Name>`, a reference as `<ref:logicalId>`. A custom resource's SDK call, rendered, is JSON.
 */
function render(value: Json): string {
  if (typeof value === "string") return value;
  if (value["Fn::Join"]) return value["Fn::Join"][1].map(render).join(value["Fn::Join"][0]);
  if (value["Fn::GetAtt"]) return `<${value["Fn::GetAtt"].join(".")}>`;
  if (value["Fn::GetStackOutput"]) return `<output:${value["Fn::GetStackOutput"].OutputName}>`;
  if (value.Ref) return `<ref:${value.Ref}>`;
  throw new Error(`Cannot render ${JSON.stringify(value)}`);
}

let service: ServiceStack;
let edge: EdgeStack;
let dataTemplate: Json;
let serviceTemplate: Json;
let edgeTemplate: Json;
/** The origin as the edge template writes it: `https://` and the distribution's domain attribute. */
let origin: string;

const resources = (template: Json, type: string): Array<[string, Json]> =>
  Object.entries<Json>(template.Resources).filter(([, resource]) => resource.Type === type);

/** The SDK call a custom resource of the edge stack makes on `phase`, by the id of its construct. */
function sdkCall(id: string, phase: "Create" | "Update" | "Delete" = "Create"): Json {
  const found = resources(edgeTemplate, "Custom::AWS").find(([logicalId]) =>
    logicalId.startsWith(`WebOriginWiring${id}`),
  );
  if (!found) throw new Error(`No custom resource ${id}`);
  return JSON.parse(render(found[1].Properties[phase]));
}

/** The statements of the policy CDK attaches to the custom resource function for the call `id`. */
function callPolicy(id: string): Json[] {
  return resources(edgeTemplate, "AWS::IAM::Policy")
    .filter(([logicalId]) => logicalId.startsWith(`WebOriginWiring${id}`))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement);
}

function functionProperties(name: FunctionName): Json {
  const id = service.resolve((service.functions[name].function.node.defaultChild as CfnElement).logicalId);
  return serviceTemplate.Resources[id].Properties;
}

beforeAll(() => {
  // cdk.json sets no webOrigin: this is what `npx cdk deploy` builds unless told otherwise.
  expect(cdkContext.webOrigin).toBeUndefined();
  const app = testApp();
  let data: DataStack;
  ({ data, service, edge } = definePinService(app));
  dataTemplate = Template.fromStack(data).toJSON();
  serviceTemplate = Template.fromStack(service).toJSON();
  edgeTemplate = Template.fromStack(edge).toJSON();
  origin = `https://<${edge.resolve((edge.distribution.node.defaultChild as CfnElement).logicalId)}.DomainName>`;
});

describe("without a webOrigin, the distribution's own domain is the web origin", () => {
  it("answers on the distribution's domain, without alias or certificate, and outputs that origin", () => {
    const [[, distribution]] = resources(edgeTemplate, "AWS::CloudFront::Distribution") as [[string, Json]];
    expect(distribution.Properties.DistributionConfig.Aliases).toBeUndefined();
    expect(distribution.Properties.DistributionConfig.ViewerCertificate).toBeUndefined();
    expect(resources(edgeTemplate, "AWS::CertificateManager::Certificate")).toEqual([]);
    expect(render(edgeTemplate.Outputs.WebOrigin.Value)).toBe(origin);
  });

  it("writes the origin to the functions' SSM parameter in the service's region, and deletes it with the stack", () => {
    const name = webOriginParameterName(String(cdkContext.stage));
    const put = {
      service: "SSM",
      action: "PutParameter",
      region: cdkContext.region,
      parameters: { Name: name, Value: origin, Type: "String", Overwrite: true },
    };
    expect(sdkCall("Parameter")).toMatchObject(put);
    expect(sdkCall("Parameter", "Update")).toMatchObject(put);
    expect(sdkCall("Parameter", "Delete")).toMatchObject({
      action: "DeleteParameter",
      parameters: { Name: name },
    });
    const [statement] = callPolicy("Parameter");
    expect([statement.Action].flat().sort()).toEqual(["ssm:DeleteParameter", "ssm:PutParameter"]);
    expect(render(statement.Resource)).toMatch(
      new RegExp(`:ssm:${cdkContext.region}:<ref:AWS::AccountId>:parameter${name}$`),
    );
  });

  it("has every HTTP function read the origin from that parameter through the extension, and no job", () => {
    const name = webOriginParameterName(String(cdkContext.stage));
    for (const [fn, definition] of Object.entries(functionDefinitions) as Array<
      [FunctionName, { async?: boolean }]
    >) {
      const properties = functionProperties(fn);
      const variables = properties.Environment.Variables;
      expect(variables.WEB_ORIGIN, fn).toBeUndefined();
      if (definition.async) {
        expect(variables.WEB_ORIGIN_PARAMETER, fn).toBeUndefined();
        expect(properties.Layers, fn).toBeUndefined();
        continue;
      }
      expect(variables.WEB_ORIGIN_PARAMETER, fn).toBe(name);
      expect(properties.Layers, fn).toEqual([
        expect.stringMatching(
          new RegExp(
            `^arn:aws:lambda:${cdkContext.region}:\\d+:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:\\d+$`,
          ),
        ),
      ]);
      const roleId = properties.Role["Fn::GetAtt"][0];
      const statements = resources(serviceTemplate, "AWS::IAM::Policy")
        .filter(([, policy]) => policy.Properties.Roles.some((role: Json) => role.Ref === roleId))
        .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement);
      const reads = statements.filter((statement: Json) =>
        [statement.Action].flat().includes("ssm:GetParameter"),
      );
      expect(
        reads.map((statement: Json) => render(statement.Resource)),
        fn,
      ).toEqual([
        expect.stringMatching(new RegExp(`:ssm:${cdkContext.region}:<ref:AWS::AccountId>:parameter${name}$`)),
      ]);
    }
  });

  it("gives the API no CORS (one origin) and the uploads bucket the rule a fixed origin gets, for the distribution", () => {
    const [[, api]] = resources(serviceTemplate, "AWS::ApiGatewayV2::Api") as [[string, Json]];
    expect(api.Properties.CorsConfiguration).toBeUndefined();
    const buckets = resources(dataTemplate, "AWS::S3::Bucket");
    expect(buckets.filter(([, bucket]) => bucket.Properties.CorsConfiguration)).toEqual([]);

    // The rule the data stack writes itself when it is given an origin, in S3 API names.
    const fixed = Template.fromStack(
      new DataStack(testApp(), "Fixed", { webOrigin: "https://fixed.example" }),
    ).toJSON();
    const [rule] = resources(fixed, "AWS::S3::Bucket").flatMap(
      ([, bucket]) => bucket.Properties.CorsConfiguration?.CorsRules ?? [],
    );
    const call = sdkCall("UploadsCors");
    expect(call).toMatchObject({ service: "S3", action: "PutBucketCors", region: cdkContext.region });
    expect(call.parameters.Bucket).toMatch(/^<output:.*Uploads/);
    expect(call.parameters.CORSConfiguration.CORSRules).toEqual([
      {
        ID: rule.Id,
        AllowedOrigins: [origin],
        AllowedMethods: rule.AllowedMethods,
        AllowedHeaders: rule.AllowedHeaders,
        ExposeHeaders: rule.ExposedHeaders,
        MaxAgeSeconds: rule.MaxAge,
      },
    ]);
    expect(rule.AllowedOrigins).toEqual(["https://fixed.example"]);
    expect(callPolicy("UploadsCors").map((statement) => statement.Action)).toEqual(["s3:PutBucketCORS"]);
  });

  it("sends operators back to the distribution's /operator/ after sign-in, keeping every other client setting", () => {
    const [[, client]] = resources(serviceTemplate, "AWS::Cognito::UserPoolClient") as [[string, Json]];
    const call = sdkCall("ConsoleClient");
    expect(call).toMatchObject({
      service: "CognitoIdentityProvider",
      action: "UpdateUserPoolClient",
      region: cdkContext.region,
    });
    const { UserPoolId, ClientId, CallbackURLs, LogoutURLs, ...settings } = call.parameters;
    expect(UserPoolId).toMatch(/^<output:/);
    expect(ClientId).toMatch(/^<output:.*OperatorConsole/);
    expect(CallbackURLs).toEqual([`${origin}/operator/`]);
    expect(LogoutURLs).toEqual([`${origin}/operator/`]);
    // UpdateUserPoolClient resets what it is not given: the call carries everything the template sets.
    const {
      UserPoolId: _pool,
      GenerateSecret: _secret,
      CallbackURLs: _in,
      LogoutURLs: _out,
      ...template
    } = client.Properties;
    expect(settings).toEqual(template);
    expect(callPolicy("ConsoleClient").map((statement) => statement.Action)).toEqual([
      "cognito-idp:UpdateUserPoolClient",
    ]);
    // The console's config.json sends operators back to the same address.
    const [[, deployment]] = resources(edgeTemplate, "Custom::CDKBucketDeployment") as [[string, Json]];
    const markers = Object.values<Json>(deployment.Properties.SourceMarkers[1]).map(render);
    expect(markers).toContain(`${origin}/operator/`);
  });
});
